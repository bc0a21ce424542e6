/*
 * conf — the libconfig file to one struct conf; the contract is in conf.h.
 *
 * This file is the engine; conf_keys.c describes every key, one row each
 * (conf_table.h). The loader walks the file once, group by group, in the
 * order of the rows: first every name of a group is looked up (unknown keys,
 * keys in the wrong scope), then each row is read by its type or, when
 * absent, given its default. The first problem found ends the walk with
 * exactly one message "FILE:LINE: key: message"; whatever was filled so far
 * is freed here, so a caller never sees a half-loaded struct. Copying a
 * site (a vhost starts as the top level's) and freeing one are driven by
 * the same rows, so a new key needs no code here.
 */
#include "conf.h"
#include "conf_table.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ipmatch.h"

/* "prefix.name[NNNNNNNNNN]" of our own tables always fits. */
#define CONF_KEY_MAX 256

/* ---- messages ---------------------------------------------------------- */

static int conf_verr(const char *file, int line, char *err, size_t errlen,
		     const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Always returns -1, so callers can write "return conf_err(...)". The message
 * is cut to the caller's errlen like snprintf(); 512 bytes hold any of ours
 * unless the paths in it are very long. */
static int conf_verr(const char *file, int line, char *err, size_t errlen,
		     const char *fmt, va_list ap)
{
	int n;

	if (errlen == 0)
		return -1;
	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: ", file, line);
	else
		n = snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -1;
}

int conf_err(struct conf_ctx *x, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(x->file, line, x->err, x->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_error(const struct conf *c, int line, char *err, size_t errlen,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(c->file, line, err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_line(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

/* The line of a key inside a group; 0 when either is absent. */
int conf_member_line(const config_setting_t *grp, const char *name)
{
	return grp ? conf_line(config_setting_get_member(grp, name)) : 0;
}

bool conf_is_list(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

/* "prefix.name", or "name" at the top level. */
static void conf_key_path(char *buf, const char *prefix, const char *name)
{
	snprintf(buf, CONF_KEY_MAX, "%s%s%s", prefix, *prefix ? "." : "", name);
}

/* A per-path row is allowed in a location too (conf_table.h). */
static unsigned conf_key_scope(const struct conf_key *k)
{
	return k->scope | (k->base == CONF_B_SET ? CONF_LOC : 0u);
}

/*
 * Is row k part of what table t's element owns (freed, copied, cleared)?
 * A location's table is the top level's rows again (as a vhost's is): only
 * those allowed in a location belong to it; elsewhere the rows allowed only
 * in a location do not (they have no element to point into). site_only: a
 * vhost, which owns no CONF_B_CONF row.
 */
static bool conf_row_owned(const struct conf_table *t, const struct conf_key *k, bool site_only)
{
	if (t->scope == CONF_LOC)
		return (conf_key_scope(k) & CONF_LOC) != 0;
	if (!(k->scope & (CONF_ALL)))
		return false;
	return !(site_only && k->base == CONF_B_CONF);
}

/* ---- memory ------------------------------------------------------------ */

int conf_set(struct conf_ctx *x, char **dst, const char *src)
{
	char *copy = NULL;

	if (src && !(copy = strdup(src)))
		return conf_err(x, 0, "%s", strerror(errno));
	free(*dst);
	*dst = copy;
	return 0;
}

/* *dst = rel if absolute, else base/rel. */
static int conf_join(struct conf_ctx *x, char **dst, const char *base,
		     const char *rel)
{
	size_t blen = strlen(base);
	const char *sep = (blen && base[blen - 1] == '/') ? "" : "/";
	char *p;

	if (rel[0] == '/')
		return conf_set(x, dst, rel);
	if (asprintf(&p, "%s%s%s", base, sep, rel) < 0)
		return conf_err(x, 0, "%s", strerror(ENOMEM));
	free(*dst);
	*dst = p;
	return 0;
}

static void *conf_calloc(struct conf_ctx *x, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		conf_err(x, 0, "%s", strerror(errno));
	return p;
}

/* ---- fields ------------------------------------------------------------ */

static char *conf_at(const struct conf_bases *b, enum conf_base base, size_t off)
{
	char *p = base == CONF_B_CONF ? (char *)b->conf
		  : base == CONF_B_SITE ? (char *)b->site
		  : base == CONF_B_SET ? (char *)(b->set ? b->set : &b->site->set) : (char *)b->elem;

	return p + off;
}

static char **conf_str_at(const struct conf_bases *b, const struct conf_key *k)
{
	return (char **)(void *)conf_at(b, k->base, k->off);
}

/* memcpy keeps the stores free of aliasing questions. */
static void conf_put_int(const struct conf_bases *b, enum conf_base base, size_t off, int v)
{
	if (off != CONF_NONE)
		memcpy(conf_at(b, base, off), &v, sizeof v);
}

static size_t conf_get_count(const struct conf_bases *b, const struct conf_key *k)
{
	size_t n;

	memcpy(&n, conf_at(b, k->base, k->count_off), sizeof n);
	return n;
}

static void conf_put_count(const struct conf_bases *b, const struct conf_key *k, size_t n)
{
	memcpy(conf_at(b, k->base, k->count_off), &n, sizeof n);
}

static void *conf_get_ptr(const struct conf_bases *b, const struct conf_key *k)
{
	void *p;

	memcpy(&p, conf_at(b, k->base, k->off), sizeof p);
	return p;
}

static void conf_put_ptr(const struct conf_bases *b, const struct conf_key *k, void *p)
{
	memcpy(conf_at(b, k->base, k->off), &p, sizeof p);
}

static void conf_store_num(const struct conf_bases *b, const struct conf_key *k, int64_t v)
{
	char *p = conf_at(b, k->base, k->off);
	int i = (int)v;
	size_t z = (size_t)v;
	bool t = v != 0;

	if (k->type == CONF_T_INT || k->type == CONF_T_ENUM)
		memcpy(p, &i, sizeof i);
	else if (k->type == CONF_T_SIZE)
		memcpy(p, &z, sizeof z);
	else if (k->type == CONF_T_BOOL)
		memcpy(p, &t, sizeof t);
	else
		memcpy(p, &v, sizeof v);
}

/* The types whose field is an array with a count at count_off. */
static bool conf_is_list_type(enum conf_type t)
{
	return t == CONF_T_STRS || t == CONF_T_ENV || t == CONF_T_IPS || t == CONF_T_GROUPS;
}

/* The size of a scalar field, for clearing a CONF_F_NOINHERIT one. */
static size_t conf_scalar_size(enum conf_type t)
{
	switch (t) {
	case CONF_T_INT: case CONF_T_ENUM: return sizeof(int);
	case CONF_T_SIZE: return sizeof(size_t);
	case CONF_T_I64: return sizeof(int64_t);
	case CONF_T_BOOL: return sizeof(bool);
	default: return 0;
	}
}

/* ---- freeing and copying by the rows ----------------------------------- */

static void conf_free_rows(const struct conf_table *t, const struct conf_bases *b, bool site_only);

static void conf_free_strs(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void conf_free_groups(const struct conf_key *k, const struct conf_bases *b)
{
	char *arr = conf_get_ptr(b, k);
	size_t n = conf_get_count(b, k);

	for (size_t i = 0; arr && i < n; i++) {
		struct conf_bases eb = *b;

		eb.elem = arr + i * k->sub->elem_size;
		if (k->sub->is_site)
			eb.site = eb.elem;
		if (k->sub->own_set_off != CONF_NONE)
			eb.set = (struct conf_pathset *)(void *)((char *)eb.elem + k->sub->own_set_off);
		conf_free_rows(k->sub, &eb, k->sub->is_site);
		if (k->sub->eff_set_off != CONF_NONE)
			conf_pathset_free((struct conf_pathset *)(void *)
					  ((char *)eb.elem + k->sub->eff_set_off));
	}
	free(arr);
}

/* Frees what one row owns and clears it. */
static void conf_free_key(const struct conf_key *k, const struct conf_bases *b)
{
	switch (k->type) {
	case CONF_T_STR: case CONF_T_PATH: case CONF_T_DIR: case CONF_T_ROOT:
		free(*conf_str_at(b, k));
		*conf_str_at(b, k) = NULL;
		return;
	case CONF_T_STRS: case CONF_T_ENV:
		conf_free_strs(conf_get_ptr(b, k), conf_get_count(b, k));
		break;
	case CONF_T_IPS:
		free(conf_get_ptr(b, k));
		break;
	case CONF_T_GROUPS:
		conf_free_groups(k, b);
		break;
	case CONF_T_GROUP:
		conf_free_rows(k->sub, b, false);
		return;
	default:                     /* numbers; LISTEN: conf_free's */
		return;
	}
	conf_put_ptr(b, k, NULL);
	conf_put_count(b, k, 0);
}

/* site_only: a vhost's rows, without the top level's (struct conf) ones. */
static void conf_free_rows(const struct conf_table *t, const struct conf_bases *b, bool site_only)
{
	for (const struct conf_key *k = t->keys; k->name; k++)
		if (conf_row_owned(t, k, site_only))
			conf_free_key(k, b);
}

void conf_site_free(struct conf_site *s)
{
	struct conf_bases b = { NULL, s, NULL, NULL, NULL };

	conf_free_rows(&conf_root_table, &b, true);
}

static int conf_copy_rows(struct conf_ctx *x, const struct conf_table *t,
			  const struct conf_bases *dst, const struct conf_bases *src);
static int conf_copy_group_elem(struct conf_ctx *x, const struct conf_table *t,
				struct conf_bases *db, struct conf_bases *sb);

/* The size of one element of list key k's array. */
static size_t conf_elem_size(const struct conf_key *k)
{
	if (k->type == CONF_T_STRS || k->type == CONF_T_ENV)
		return sizeof(char *);
	if (k->type == CONF_T_IPS)
		return sizeof(struct ipmatch);
	return k->sub->elem_size;
}

/* Element i of list k, into to from from: a string duplicated, an address
 * copied, a group byte for byte and then its own pointers one by one. The
 * count covers the element only once it owns nothing of src's (a group's
 * pointers are cleared first by conf_copy_rows), so a failure half-way
 * leaves dst freeable. */
static int conf_copy_elem(struct conf_ctx *x, const struct conf_key *k, size_t i, char *to,
			  char *from, const struct conf_bases *dst, const struct conf_bases *src)
{
	struct conf_bases db = *dst, sb = *src;

	if (k->type == CONF_T_STRS || k->type == CONF_T_ENV) {
		if (conf_set(x, (char **)to, *(char **)from) < 0)
			return -1;
		conf_put_count(dst, k, i + 1);
		return 0;
	}
	memcpy(to, from, conf_elem_size(k));
	conf_put_count(dst, k, i + 1);
	if (k->type == CONF_T_IPS)
		return 0;
	db.elem = to;
	sb.elem = from;
	return conf_copy_group_elem(x, k->sub, &db, &sb);
}

static struct conf_pathset *conf_elem_set(const struct conf_bases *b, size_t off)
{
	return (struct conf_pathset *)(void *)((char *)b->elem + off);
}

/* One element's pointers: its rows (a location's own settings among them)
 * and a location's effective settings. */
static int conf_copy_group_elem(struct conf_ctx *x, const struct conf_table *t,
				struct conf_bases *db, struct conf_bases *sb)
{
	if (t->own_set_off != CONF_NONE) {
		db->set = conf_elem_set(db, t->own_set_off);
		sb->set = conf_elem_set(sb, t->own_set_off);
	}
	if (t->eff_set_off != CONF_NONE)
		memset(conf_elem_set(db, t->eff_set_off), 0, sizeof(struct conf_pathset));
	if (conf_copy_rows(x, t, db, sb) < 0)
		return -1;
	if (t->eff_set_off == CONF_NONE)
		return 0;
	return conf_pathset_copy(x, conf_elem_set(db, t->eff_set_off),
				 conf_elem_set(sb, t->eff_set_off));
}

/* A list (strings, addresses, groups) gets an array of its own. An empty
 * allow list stays a non-NULL pointer: it means "nobody". */
static int conf_copy_list(struct conf_ctx *x, const struct conf_key *k,
			  const struct conf_bases *dst, const struct conf_bases *src)
{
	const size_t size = conf_elem_size(k);
	char *from = conf_get_ptr(src, k), *to;
	size_t n = conf_get_count(src, k);

	conf_put_ptr(dst, k, NULL);
	conf_put_count(dst, k, 0);
	if (!from)
		return 0;
	if (!(to = conf_calloc(x, n, size)))
		return -1;
	conf_put_ptr(dst, k, to);
	for (size_t i = 0; i < n; i++)
		if (conf_copy_elem(x, k, i, to + i * size, from + i * size, dst, src) < 0)
			return -1;
	return 0;
}

static int conf_copy_key(struct conf_ctx *x, const struct conf_key *k,
			 const struct conf_bases *dst, const struct conf_bases *src)
{
	char **d;

	if (k->flags & CONF_F_NOINHERIT) {
		if (conf_scalar_size(k->type))
			memset(conf_at(dst, k->base, k->off), 0, conf_scalar_size(k->type));
		else
			conf_put_ptr(dst, k, NULL);
		if (conf_is_list_type(k->type))
			conf_put_count(dst, k, 0);
		return 0;
	}
	switch (k->type) {
	case CONF_T_STR: case CONF_T_PATH: case CONF_T_DIR: case CONF_T_ROOT:
		d = conf_str_at(dst, k);
		*d = NULL;
		return conf_set(x, d, *conf_str_at(src, k));
	case CONF_T_STRS: case CONF_T_ENV: case CONF_T_IPS: case CONF_T_GROUPS:
		return conf_copy_list(x, k, dst, src);
	case CONF_T_GROUP:
		return conf_copy_rows(x, k->sub, dst, src);
	default:
		return 0;
	}
}

/* Pointers not reached yet are cleared first, so that whatever happens
 * dst never shares memory with src. */
static void conf_clear_rows(const struct conf_table *t, const struct conf_bases *b)
{
	for (const struct conf_key *k = t->keys; k->name; k++) {
		if (!conf_row_owned(t, k, true))
			continue;
		if (k->type == CONF_T_GROUP)
			conf_clear_rows(k->sub, b);
		else if (!conf_scalar_size(k->type) && k->type != CONF_T_LISTEN)
			conf_put_ptr(b, k, NULL);
		if (conf_is_list_type(k->type))
			conf_put_count(b, k, 0);
	}
}

static int conf_copy_rows(struct conf_ctx *x, const struct conf_table *t,
			  const struct conf_bases *dst, const struct conf_bases *src)
{
	conf_clear_rows(t, dst);
	for (const struct conf_key *k = t->keys; k->name; k++)
		if (conf_row_owned(t, k, true) && conf_copy_key(x, k, dst, src) < 0)
			return -1;
	return 0;
}

int conf_elem_copy(struct conf_ctx *x, const struct conf_table *t, void *dst, const void *src)
{
	struct conf_bases db = { x->c, NULL, dst, NULL, NULL };
	struct conf_bases sb = { x->c, NULL, (void *)src, NULL, NULL };

	memcpy(dst, src, t->elem_size);
	return conf_copy_group_elem(x, t, &db, &sb);
}

int conf_site_copy(struct conf_ctx *x, struct conf_site *dst, const struct conf_site *src)
{
	struct conf_bases db = { x->c, dst, NULL, NULL, NULL };
	struct conf_bases sb = { x->c, (struct conf_site *)src, NULL, NULL, NULL };

	memcpy(dst, src, sizeof *dst);
	return conf_copy_rows(x, &conf_root_table, &db, &sb);
}
/* ---- per-path settings (conf_table.h) ---------------------------------- */

/* The bases that make a CONF_B_SET row point into set. */
static struct conf_bases conf_set_bases(struct conf_pathset *set)
{
	struct conf_bases b = { NULL, NULL, NULL, set, NULL };

	return b;
}

/* A CONF_B_SET row's field in set (merging works on the sets themselves). */
static void *conf_set_field(const struct conf_pathset *set, size_t off)
{
	return (char *)(uintptr_t)set + off;
}

void conf_pathset_free(struct conf_pathset *set)
{
	struct conf_bases b = conf_set_bases(set);

	for (const struct conf_key *k = conf_root_table.keys; k->name; k++)
		if (k->base == CONF_B_SET)
			conf_free_key(k, &b);
}

/* dst owns nothing when this starts, and owns what was copied if it fails. */
int conf_pathset_copy(struct conf_ctx *x, struct conf_pathset *dst,
		      const struct conf_pathset *src)
{
	struct conf_bases db = conf_set_bases(dst), sb = conf_set_bases((struct conf_pathset *)src);

	memcpy(dst, src, sizeof *dst);
	for (const struct conf_key *k = conf_root_table.keys; k->name; k++)
		if (k->base == CONF_B_SET && !conf_scalar_size(k->type)) {
			memset(conf_set_field(dst, k->off), 0, sizeof(char *));
			if (k->count_off != CONF_NONE)
				memset(conf_set_field(dst, k->count_off), 0, sizeof(size_t));
		}
	for (const struct conf_key *k = conf_root_table.keys; k->name; k++)
		if (k->base == CONF_B_SET && conf_copy_key(x, k, &db, &sb) < 0)
			return -1;
	return 0;
}

/* The length of an entry's name (conf_entry_same). */
static size_t conf_entry_name_len(const char *e, bool *fold)
{
	size_t n = strcspn(e, ":=");

	*fold = e[n] == ':';
	return n;
}

bool conf_entry_same(const char *a, const char *b)
{
	bool fa, fb;
	size_t na = conf_entry_name_len(a, &fa), nb = conf_entry_name_len(b, &fb);

	if (na != nb || fa != fb || a[na] != b[nb])
		return false;
	return fa ? strncasecmp(a, b, na) == 0 : strncmp(a, b, na) == 0;
}

static bool conf_list_has(char *const *v, size_t n, const char *e)
{
	for (size_t i = 0; i < n; i++)
		if (conf_entry_same(v[i], e))
			return true;
	return false;
}

/* dst's entries that inner does not name again, then inner's: the new list
 * is built whole before dst's is freed, so a failure leaves dst as it was. */
static int conf_merge_list(struct conf_ctx *x, const struct conf_key *k,
			   struct conf_pathset *dst, const struct conf_pathset *own)
{
	char **out, **in, **merged;
	size_t nout, nin, n = 0;

	memcpy(&out, conf_set_field(dst, k->off), sizeof out);
	memcpy(&in, conf_set_field(own, k->off), sizeof in);
	memcpy(&nout, conf_set_field(dst, k->count_off), sizeof nout);
	memcpy(&nin, conf_set_field(own, k->count_off), sizeof nin);
	if (nin == 0)
		return 0;
	if (!(merged = conf_calloc(x, nout + nin, sizeof *merged)))
		return -1;
	for (size_t i = 0; i < nout; i++)
		if (!conf_list_has(in, nin, out[i]) && conf_set(x, &merged[n++], out[i]) < 0)
			goto fail;
	for (size_t i = 0; i < nin; i++)
		if (conf_set(x, &merged[n++], in[i]) < 0)
			goto fail;
	conf_free_strs(out, nout);
	memcpy(conf_set_field(dst, k->off), &merged, sizeof merged);
	memcpy(conf_set_field(dst, k->count_off), &n, sizeof n);
	return 0;
fail:
	conf_free_strs(merged, n);
	return -1;
}

/* A scalar or string the inner level names, and a named key's line. */
static int conf_merge_value(struct conf_ctx *x, const struct conf_key *k,
			    struct conf_pathset *dst, const struct conf_pathset *own)
{
	size_t size = conf_scalar_size(k->type);
	char *from;

	/* A key's line (for messages) is that of the innermost level naming it. */
	if (k->line_off != CONF_NONE)
		memcpy(conf_set_field(dst, k->line_off), conf_set_field(own, k->line_off), sizeof(int));
	if (k->count_off != CONF_NONE)
		return 0;
	if (size) {
		memcpy(conf_set_field(dst, k->off), conf_set_field(own, k->off), size);
		return 0;
	}
	memcpy(&from, conf_set_field(own, k->off), sizeof from);
	return conf_set(x, (char **)conf_set_field(dst, k->off), from);
}

int conf_pathset_merge(struct conf_ctx *x, struct conf_pathset *dst,
		       const struct conf_pathset *own, uint64_t mask)
{
	int bit = 0;

	for (const struct conf_key *k = conf_root_table.keys; k->name; k++) {
		bool named;

		if (k->base != CONF_B_SET)
			continue;
		named = bit < 64 && (mask >> bit & 1u);
		bit++;
		if (k->count_off != CONF_NONE && conf_merge_list(x, k, dst, own) < 0)
			return -1;
		if (named && conf_merge_value(x, k, dst, own) < 0)
			return -1;
	}
	return 0;
}

/* ---- reading the file -------------------------------------------------- */

/*
 * libconfig 1.5 reads a plain integer literal with atoi(), so 5000000000
 * silently becomes 705032704, which may even land inside a valid range.
 * Before parsing, scan the text for plain decimal or hex literals above
 * INT_MAX and ask for the L suffix instead. Strings and comments are
 * skipped; floats are left to the type checks. Files pulled in with
 * @include are not scanned.
 */
struct conf_scan {
	int line;
	bool in_block;               /* inside a C-style comment */
	bool in_string;
	char name[64];               /* the last setting name passed, for messages */
	/* Finding the key of a "duplicate setting name" (conf_find_dup). */
	int dup_line;                /* the line libconfig blamed; 0: not searching */
	char *seen;                  /* "\nname\n\1\nname\n": the names of each open group */
	size_t seen_len;
	char dup[64];                /* the answer, "" until found */
};

static int conf_scan_number(struct conf_ctx *x, const struct conf_scan *sc,
			    const char **pp)
{
	const char *start = *pp;
	bool hex = start[0] == '0' && (start[1] == 'x' || start[1] == 'X');
	const char *digits = hex ? start + 2 : start;
	const char *end = digits + strspn(digits, hex ? "0123456789abcdefABCDEF"
						       : "0123456789");
	unsigned long long v;

	if (!hex && (*end == '.' || *end == 'e' || *end == 'E')) {
		*pp = end + 1 + strspn(end + 1, "0123456789eE+-.");
		return 0;
	}
	*pp = end;
	if (*end == 'L')
		return 0;
	errno = 0;
	v = strtoull(digits, NULL, hex ? 16 : 10);
	if (errno == ERANGE || v > INT_MAX)
		return conf_err(x, sc->line, "%s%sinteger %.*s does not fit in 32 "
				"bits; write it as %.*sL", sc->name,
				sc->name[0] ? ": " : "", (int)(end - start), start,
				(int)(end - start), start);
	return 0;
}

/* Appends len bytes of s to the names seen; out of memory only means the
 * duplicate goes unnamed. */
static void conf_scan_append(struct conf_scan *sc, const char *s, size_t len)
{
	char *grown = realloc(sc->seen, sc->seen_len + len + 2);

	if (!grown)
		return;
	sc->seen = grown;
	if (sc->seen_len == 0)
		sc->seen[sc->seen_len++] = '\n';
	memcpy(sc->seen + sc->seen_len, s, len);
	sc->seen_len += len;
	sc->seen[sc->seen_len] = '\0';
}

/* The names of the innermost open group: after its '\1' mark. */
static const char *conf_scan_group(const struct conf_scan *sc)
{
	const char *mark = sc->seen ? strrchr(sc->seen, '\1') : NULL;

	return mark ? mark : sc->seen;
}

/*
 * '{' opens a group, '}' closes it. libconfig refuses a name twice in one
 * group only ("timeouts.body" and "limits.body" may both be set, and every
 * vhost has its own server_name), so names are remembered per open group:
 * "\n\1" marks where a group's names start; its '}' forgets them.
 */
static void conf_scan_brace(struct conf_scan *sc, char brace)
{
	char *mark;

	if (sc->dup_line <= 0 || sc->dup[0])
		return;
	if (brace == '{') {
		conf_scan_append(sc, "\1\n", 2);
		return;
	}
	mark = sc->seen ? strrchr(sc->seen, '\1') : NULL;
	if (mark) {
		sc->seen_len = (size_t)(mark - sc->seen);
		*mark = '\0';
	}
}

/* While looking for a duplicate: the first name on dup_line that was
 * already seen earlier in its own group. */
static void conf_scan_seen(struct conf_scan *sc)
{
	size_t len = strlen(sc->name);
	char key[sizeof sc->name + 2];
	char line[sizeof sc->name + 1];

	snprintf(key, sizeof key, "\n%s\n", sc->name);
	if (sc->line == sc->dup_line && sc->seen && strstr(conf_scan_group(sc), key)) {
		memcpy(sc->dup, sc->name, len + 1);
		return;
	}
	snprintf(line, sizeof line, "%s\n", sc->name);
	conf_scan_append(sc, line, len + 1);
}

/* A name [A-Za-z*][-A-Za-z0-9_*]* ending at end; it names a setting when
 * '=' or ':' follows (libconfig's grammar). */
static void conf_scan_name(struct conf_scan *sc, const char *p, const char *end)
{
	const char *q = end + strspn(end, " \t");
	size_t len = (size_t)(end - p);

	if (*q != '=' && *q != ':')
		return;
	if (len >= sizeof sc->name)
		len = sizeof sc->name - 1;
	memcpy(sc->name, p, len);
	sc->name[len] = '\0';
	if (sc->dup_line > 0 && !sc->dup[0])
		conf_scan_seen(sc);
}

/* Skips what cannot hold a number; returns the next char to look at. */
static const char *conf_scan_skip(struct conf_scan *sc, const char *p)
{
	if (sc->in_block) {
		if (p[0] == '*' && p[1] == '/') {
			sc->in_block = false;
			return p + 2;
		}
		return p + 1;
	}
	if (sc->in_string) {
		if (p[0] == '\\' && p[1])
			return p + 2;
		sc->in_string = *p != '"';
		return p + 1;
	}
	if (*p == '#' || (p[0] == '/' && p[1] == '/'))
		return p + strlen(p);
	if (p[0] == '/' && p[1] == '*') {
		sc->in_block = true;
		return p + 2;
	}
	sc->in_string = *p == '"';
	if (*p == '{' || *p == '}')
		conf_scan_brace(sc, *p);
	/* Names (and true/false, @include) may contain digits: skip whole. */
	if (isalpha((unsigned char)*p) || *p == '*') {
		const char *end = p + 1 + strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						 "abcdefghijklmnopqrstuvwxyz0123456789_*-");

		conf_scan_name(sc, p, end);
		return end;
	}
	return p + 1;
}

static int conf_scan_line(struct conf_ctx *x, struct conf_scan *sc, const char *p)
{
	while (*p) {
		bool number = isdigit((unsigned char)*p) ||
			      (*p == '.' && isdigit((unsigned char)p[1]));

		if (number && !sc->in_block && !sc->in_string) {
			if (conf_scan_number(x, sc, &p) < 0)
				return -1;
		} else {
			p = conf_scan_skip(sc, p);
		}
	}
	return 0;
}

static int conf_scan_file(struct conf_ctx *x, FILE *fp)
{
	struct conf_scan sc = { .line = 0 };
	char *buf = NULL;
	size_t size = 0;
	int rc = 0;

	while (rc == 0 && getline(&buf, &size, fp) >= 0) {
		sc.line++;
		rc = conf_scan_line(x, &sc, buf);
	}
	if (rc == 0 && ferror(fp))
		rc = conf_err(x, 0, "%s", strerror(errno));
	free(buf);
	if (rc == 0 && fseek(fp, 0, SEEK_SET) < 0)
		rc = conf_err(x, 0, "%s", strerror(errno));
	return rc;
}

/*
 * libconfig 1.5 says "duplicate setting name" without the name. Scan the
 * file again up to the line it blames and name the key there; dup stays ""
 * when it cannot be found (say, inside an @include'd file).
 */
static void conf_find_dup(FILE *fp, int line, char *dup, size_t size)
{
	struct conf_scan sc = { .dup_line = line };
	char *buf = NULL;
	size_t cap = 0;

	dup[0] = '\0';
	if (line <= 0 || fseek(fp, 0, SEEK_SET) < 0)
		return;
	while (!sc.dup[0] && sc.line < line && getline(&buf, &cap, fp) >= 0) {
		sc.line++;
		for (const char *p = buf; *p; )
			p = conf_scan_skip(&sc, p);
	}
	snprintf(dup, size, "%s", sc.dup);
	free(buf);
	free(sc.seen);
}

static int conf_parse_error(struct conf_ctx *x, config_t *cfg, FILE *fp)
{
	const char *text = config_error_text(cfg);
	int line = config_error_line(cfg);
	char dup[64];

	if (!text || strcmp(text, "duplicate setting name") != 0)
		return conf_err(x, line, "%s", text ? text : "parse error");
	conf_find_dup(fp, line, dup, sizeof dup);
	if (!dup[0])
		return conf_err(x, line, "%s", text);
	return conf_err(x, line, "%s: duplicate setting (a key may be set only "
			"once in its group)", dup);
}

/* Opens the file ourselves so a missing one reports errno's own words
 * instead of libconfig's generic "file I/O error". */
static int conf_read(struct conf_ctx *x, config_t *cfg)
{
	struct stat st;
	FILE *fp = fopen(x->file, "re");
	int rc = -1;

	if (!fp)
		return conf_err(x, 0, "%s", strerror(errno));
	if (fstat(fileno(fp), &st) < 0) {
		conf_err(x, 0, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		conf_err(x, 0, "%s", strerror(EISDIR));
		goto out;
	}
	if (conf_scan_file(x, fp) < 0)
		goto out;
	config_set_include_dir(cfg, x->dir);
	if (config_read(cfg, fp) != CONFIG_TRUE) {
		conf_parse_error(x, cfg, fp);
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	return rc;
}

/* The absolute directory of the config file: the default server_root. */
static int conf_find_dir(struct conf_ctx *x)
{
	char *copy = strdup(x->file);
	int rc = 0;

	if (!copy)
		return conf_err(x, 0, "%s", strerror(errno));
	x->dir = realpath(dirname(copy), NULL);
	if (!x->dir)
		rc = conf_err(x, 0, "%s", strerror(errno));
	free(copy);
	return rc;
}


/* ---- reading one key by its type ---------------------------------------- */

static int conf_walk(struct conf_ctx *x, const struct conf_table *t,
		     const struct conf_frame *f);

/* 1 with *out when present, -1 on error. empty: "" is a value (CONF_F_EMPTY). */
static int conf_get_string(struct conf_ctx *x, const config_setting_t *s,
			   const char *key, bool empty, const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return conf_err(x, conf_line(s), "%s: must be a string", key);
	*out = config_setting_get_string(s);
	if (**out == '\0' && !empty)
		return conf_err(x, conf_line(s), "%s: must not be empty", key);
	return 1;
}

static int conf_load_num(struct conf_ctx *x, const struct conf_key *k,
			 const config_setting_t *s, const char *key,
			 const struct conf_bases *b)
{
	int t = config_setting_type(s);
	long long v;

	if (k->type == CONF_T_BOOL) {
		if (t != CONFIG_TYPE_BOOL)
			return conf_err(x, conf_line(s), "%s: must be true or false", key);
		conf_store_num(b, k, config_setting_get_bool(s) != 0);
		return 0;
	}
	/* Plain and L-suffixed integers are the same to the operator. */
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return conf_err(x, conf_line(s), "%s: must be an integer", key);
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max) {
		if (k->max == INT64_MAX)
			return conf_err(x, conf_line(s), "%s: must be %lld or more", key,
					(long long)k->min);
		return conf_err(x, conf_line(s), "%s: must be between %lld and %lld", key,
				(long long)k->min, (long long)k->max);
	}
	conf_store_num(b, k, v);
	return 0;
}

static int conf_load_enum(struct conf_ctx *x, const struct conf_key *k,
			  const char *v, const char *key, int line,
			  const struct conf_bases *b)
{
	char names[256] = "";
	size_t n = 0;

	for (const struct conf_enum *e = k->names; e->name; e++) {
		if (strcmp(e->name, v) == 0) {
			conf_store_num(b, k, e->value);
			return 0;
		}
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s",
				      n ? ", " : "", e->name);
		if (n >= sizeof names)
			n = sizeof names - 1;
	}
	return conf_err(x, line, "%s: '%s' is not one of %s", key, v, names);
}

/* "vhost 'NAME': key" inside a vhost (its name once it is known), so a
 * message about the file system says which site it is about. */
static void conf_site_key(const struct conf_ctx *x, const char *key, char *buf, size_t size)
{
	if (x->vhost && strlen(key) > x->vhost_prefix)
		snprintf(buf, size, "vhost '%s': %s", x->vhost, key + x->vhost_prefix);
	else
		snprintf(buf, size, "%s", key);
}

/* Resolves a directory key: must exist and be a directory; stored as its
 * realpath() so later containment checks compare canonical prefixes. */
static int conf_load_dir(struct conf_ctx *x, const char *key, int line,
			 const char *path, char **out)
{
	char what[CONF_KEY_MAX + 300];
	struct stat st;
	char *real = realpath(path, NULL);
	int e = 0;

	if (!real)
		e = errno;
	else if (stat(real, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e) {
		free(real);
		conf_site_key(x, key, what, sizeof what);
		return conf_err(x, line, "%s: '%s': %s", what, path, strerror(e));
	}
	free(*out);
	*out = real;
	return 0;
}

/* server_root is relative to the config file's directory. It is made
 * canonical when it exists; when it does not, the paths below it fail with
 * their own messages (document_root first). */
static int conf_load_root(struct conf_ctx *x, char **dst, const char *v)
{
	char *real;

	if (conf_join(x, dst, x->dir, v) < 0)
		return -1;
	if ((real = realpath(*dst, NULL))) {
		free(*dst);
		*dst = real;
	}
	return 0;
}

/* A string-valued key (STR, PATH, DIR, ROOT, ENUM) set to v. */
static int conf_load_string(struct conf_ctx *x, const struct conf_key *k, const char *v,
			    const char *key, int line, const struct conf_bases *b)
{
	char **dst = conf_str_at(b, k), *path = NULL;
	int rc;

	switch (k->type) {
	case CONF_T_ENUM:
		return conf_load_enum(x, k, v, key, line, b);
	case CONF_T_ROOT:
		return conf_load_root(x, dst, v);
	case CONF_T_DIR:
		rc = conf_join(x, &path, x->c->server_root, v) < 0 ? -1
		     : conf_load_dir(x, key, line, path, dst);
		free(path);
		return rc;
	case CONF_T_PATH:
		if (conf_join(x, dst, x->c->server_root, v) < 0)
			return -1;
		break;
	default:
		if (conf_set(x, dst, v) < 0)
			return -1;
	}
	return k->check ? k->check(x, key, line, *dst) : 0;
}

/* Checks that s is a list of strings, or (groups) a list of groups. */
static int conf_list_shape(struct conf_ctx *x, const struct conf_key *k,
			   const config_setting_t *s, const char *key)
{
	bool groups = k->type == CONF_T_GROUPS;
	int n;

	/* An empty "[]" is an array; a non-empty array cannot hold groups. */
	if (!conf_is_list(s))
		return conf_err(x, conf_line(s), "%s: must be a list of %s", key,
				groups ? "groups" : "strings");
	n = config_setting_length(s);
	if (n == 0 && (k->flags & CONF_F_NONEMPTY))
		return conf_err(x, conf_line(s), "%s: %s", key, k->empty_msg);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (groups && !config_setting_is_group(e))
			return conf_err(x, conf_line(e), "%s: entries must be groups "
					"{ ... }", key);
		if (!groups && config_setting_type(e) != CONFIG_TYPE_STRING)
			return conf_err(x, conf_line(e), "%s: entries must be strings", key);
	}
	return 0;
}

/* A list replaces what the field held (a vhost's inherited list). */
static int conf_fill_strs(struct conf_ctx *x, const struct conf_key *k,
			  const char *const *v, const int *lines, size_t n,
			  const char *key, const struct conf_bases *b)
{
	char **arr;

	conf_free_key(k, b);
	if (!(arr = conf_calloc(x, n, sizeof *arr)))
		return -1;
	conf_put_ptr(b, k, arr);
	for (size_t i = 0; i < n; i++) {
		if (conf_set(x, &arr[i], v[i]) < 0)
			return -1;
		conf_put_count(b, k, i + 1);
		if (k->check ? k->check(x, key, lines[i], arr[i]) < 0
			     : (arr[i][0] == '\0' &&
				conf_err(x, lines[i], "%s: entries must not be empty", key) < 0))
			return -1;
	}
	return 0;
}

static int conf_fill_ips(struct conf_ctx *x, const struct conf_key *k,
			 const char *const *v, const int *lines, size_t n,
			 const char *key, const struct conf_bases *b)
{
	struct ipmatch *arr;

	conf_free_key(k, b);
	if (!(arr = conf_calloc(x, n, sizeof *arr)))
		return -1;
	conf_put_ptr(b, k, arr);
	for (size_t i = 0; i < n; i++) {
		if (ipmatch_parse(v[i], &arr[i]) < 0)
			return conf_err(x, lines[i], "%s: '%s' is not an IP address or prefix",
					key, v[i]);
		conf_put_count(b, k, i + 1);
	}
	return 0;
}

static bool conf_same_addr(const struct conf_listen *a,
			   const struct sockaddr_storage *addr, socklen_t len)
{
	/* conf_parse_listen zeroes the whole storage, so bytes compare. */
	return a->addrlen == len && memcmp(&a->addr, addr, len) == 0;
}

/* Appends one listener; a PROXY one may not share an address with a plain
 * one: a socket either expects the header or it does not. */
int conf_add_listen(struct conf_ctx *x, const char *key, const char *text,
		    int line, bool proxy)
{
	struct conf *c = x->c;
	struct conf_listen l = { .line = line, .proxy = proxy }, *grown;

	if (conf_parse_listen(text, &l.addr, &l.addrlen) < 0)
		return conf_err(x, line, "%s: '%s' is malformed "
				"(expected \"IPv4:port\", \"[IPv6]:port\", "
				"\"*:port\" or \"port\", port 1..65535)", key, text);
	for (size_t i = 0; i < c->nlisten; i++) {
		if (!conf_same_addr(&c->listen[i], &l.addr, l.addrlen))
			continue;
		if (c->listen[i].proxy != proxy)
			return conf_err(x, line, "%s: '%s' is also in %s (line %d)", key, text,
					proxy ? "listen" : "proxy_protocol.listen", c->listen[i].line);
		return conf_err(x, line, "%s: duplicate address '%s'", key, text);
	}
	if (!(grown = realloc(c->listen, (c->nlisten + 1) * sizeof *grown)))
		return conf_err(x, 0, "%s", strerror(errno));
	c->listen = grown;
	if (conf_set(x, &l.text, text) < 0)
		return -1;
	c->listen[c->nlisten++] = l;
	return 0;
}

static int conf_fill_listen(struct conf_ctx *x, const struct conf_key *k,
			    const char *const *v, const int *lines, size_t n,
			    const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (conf_add_listen(x, key, v[i], lines[i], k->flags & CONF_F_PROXY) < 0)
			return -1;
	return 0;
}

/* STRS, IPS, LISTEN: the entries' texts and lines, then the type's own fill. */
static int conf_load_strings(struct conf_ctx *x, const struct conf_key *k,
			     const config_setting_t *s, const char *key,
			     const struct conf_bases *b)
{
	size_t n;
	const char **v;
	int *lines, rc = -1;

	if (conf_list_shape(x, k, s, key) < 0)
		return -1;
	n = (size_t)config_setting_length(s);
	v = conf_calloc(x, n, sizeof *v);
	lines = conf_calloc(x, n, sizeof *lines);
	if (!v || !lines)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		v[i] = config_setting_get_string(e);
		lines[i] = conf_line(e);
	}
	if (k->type == CONF_T_STRS)
		rc = conf_fill_strs(x, k, v, lines, n, key, b);
	else if (k->type == CONF_T_IPS)
		rc = conf_fill_ips(x, k, v, lines, n, key, b);
	else
		rc = conf_fill_listen(x, k, v, lines, n, key);
out:
	free(v);
	free(lines);
	return rc;
}

/*
 * A group of strings, { NAME = "value"; ... } (Apache's SetEnv, one a
 * line), kept as "NAME=value" entries in file order, which is the form
 * they are used in (an environment); the row's check sees each entry.
 */
static int conf_load_env(struct conf_ctx *x, const struct conf_key *k,
			 const config_setting_t *s, const char *key,
			 const struct conf_bases *b)
{
	size_t n;
	char **v = NULL;
	int *lines = NULL, rc = -1;

	if (!config_setting_is_group(s))
		return conf_err(x, conf_line(s), "%s: must be a group { NAME = \"value\"; }", key);
	n = (size_t)config_setting_length(s);
	if (!(v = conf_calloc(x, n, sizeof *v)) || !(lines = conf_calloc(x, n, sizeof *lines)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		lines[i] = conf_line(e);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_err(x, lines[i], "%s.%s: must be a string", key, config_setting_name(e));
			goto out;
		}
		if (asprintf(&v[i], "%s=%s", config_setting_name(e),
			     config_setting_get_string(e)) < 0) {
			v[i] = NULL;
			conf_err(x, 0, "%s", strerror(ENOMEM));
			goto out;
		}
	}
	rc = conf_fill_strs(x, k, (const char *const *)v, lines, n, key, b);
out:
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
	free(lines);
	return rc;
}

static int conf_load_group(struct conf_ctx *x, const struct conf_key *k,
			   const config_setting_t *s, const char *key,
			   const struct conf_frame *parent)
{
	struct conf_frame f = { s, key, parent->b, parent->scope, conf_line(s), NULL, 0 };
	bool on = true;

	if (!config_setting_is_group(s))
		return conf_err(x, conf_line(s), "%s: must be a group", key);
	if (k->count_off != CONF_NONE)
		memcpy(conf_at(parent->b, k->base, k->count_off), &on, sizeof on);
	conf_put_int(parent->b, k->base, k->line_off, f.line);
	return conf_walk(x, k->sub, &f);
}

/*
 * A vhost: its per-path keys are read into a set of their own, then merged
 * into the copy of the top level's it started from, so a list such as
 * headers adds to the top level's instead of replacing it (conf.h).
 */
static int conf_load_vhost(struct conf_ctx *x, const struct conf_table *t,
			   struct conf_frame *f, size_t vhost_prefix)
{
	struct conf_pathset own;
	uint64_t mask = 0;
	int rc;

	memset(&own, 0, sizeof own);
	f->b->set = &own;
	f->b->set_mask = &mask;
	x->vhost = NULL;
	x->vhost_prefix = vhost_prefix;
	rc = conf_walk(x, t, f);
	x->vhost = NULL;
	x->vhost_prefix = 0;
	f->b->set = NULL;
	f->b->set_mask = NULL;
	if (rc == 0)
		rc = conf_pathset_merge(x, &f->b->site->set, &own, mask);
	conf_pathset_free(&own);
	return rc;
}

/* One element of a list of groups; inside a vhost, messages about files
 * name it by its server_name (conf_site_key). */
static int conf_load_elem(struct conf_ctx *x, const struct conf_key *k,
			  const config_setting_t *list, size_t i, const char *key,
			  const struct conf_frame *parent)
{
	const struct conf_table *t = k->sub;
	char prefix[CONF_KEY_MAX];
	struct conf_bases eb = *parent->b;
	struct conf_frame f = { config_setting_get_elem(list, (unsigned)i), prefix, &eb,
				t->scope ? t->scope : parent->scope, 0, list, i };
	char *arr = conf_get_ptr(parent->b, k);

	if (snprintf(prefix, sizeof prefix, "%s[%zu]", key, i) >= (int)sizeof prefix)
		return conf_err(x, conf_line(f.grp), "%s: nested too deeply", key);
	f.line = conf_line(f.grp);
	eb.elem = arr + i * t->elem_size;
	if (t->is_site)
		eb.site = eb.elem;
	if (t->init && t->init(x, eb.elem, parent->b) < 0)
		return -1;
	conf_put_count(parent->b, k, i + 1);
	conf_put_int(&eb, CONF_B_ELEM, t->elem_line_off, f.line);
	if (t->is_site)
		return conf_load_vhost(x, t, &f, strlen(prefix) + 1);
	if (t->own_set_off != CONF_NONE) {
		eb.set = conf_elem_set(&eb, t->own_set_off);
		eb.set_mask = (uint64_t *)(void *)((char *)eb.elem + t->own_mask_off);
	}
	return conf_walk(x, t, &f);
}

static int conf_load_groups(struct conf_ctx *x, const struct conf_key *k,
			    const config_setting_t *s, const char *key,
			    const struct conf_frame *parent)
{
	size_t n;
	void *arr;

	if (conf_list_shape(x, k, s, key) < 0)
		return -1;
	conf_free_key(k, parent->b);
	n = (size_t)config_setting_length(s);
	if (!(arr = conf_calloc(x, n, k->sub->elem_size)))
		return -1;
	conf_put_ptr(parent->b, k, arr);
	for (size_t i = 0; i < n; i++)
		if (conf_load_elem(x, k, s, i, key, parent) < 0)
			return -1;
	return 0;
}

static int conf_load_key(struct conf_ctx *x, const struct conf_key *k,
			 const config_setting_t *s, const char *key,
			 const struct conf_frame *f)
{
	const char *v = NULL;

	conf_put_int(f->b, k->base, k->line_off, conf_line(s));
	switch (k->type) {
	case CONF_T_INT: case CONF_T_SIZE: case CONF_T_I64: case CONF_T_BOOL:
		return conf_load_num(x, k, s, key, f->b);
	case CONF_T_STR: case CONF_T_PATH: case CONF_T_DIR: case CONF_T_ROOT:
	case CONF_T_ENUM:
		if (conf_get_string(x, s, key, k->flags & CONF_F_EMPTY, &v) < 0)
			return -1;
		return conf_load_string(x, k, v, key, conf_line(s), f->b);
	case CONF_T_STRS: case CONF_T_IPS: case CONF_T_LISTEN:
		return conf_load_strings(x, k, s, key, f->b);
	case CONF_T_ENV:
		return conf_load_env(x, k, s, key, f->b);
	case CONF_T_GROUP:
		return conf_load_group(x, k, s, key, f);
	case CONF_T_GROUPS:
		return conf_load_groups(x, k, s, key, f);
	}
	return 0;
}

/* ---- defaults ------------------------------------------------------------ */

static bool conf_unset(const struct conf_key *k, const struct conf_bases *b)
{
	return conf_get_ptr(b, k) == NULL;
}

static int conf_defaults_group(struct conf_ctx *x, const struct conf_table *t,
			       const struct conf_bases *b);

/*
 * A row's default. check_dir: a DIR default must exist (its group is
 * present), at line; else it is only recorded (cgi.directory without a cgi
 * group, so the struct has no NULL surprises). The defaults of a group that
 * is absent cannot fail: none of them is a directory that is checked.
 */
static int conf_default(struct conf_ctx *x, const struct conf_key *k, const char *key,
			int line, bool check_dir, const struct conf_bases *b)
{
	const char *const *d = k->ldflt;
	size_t n = 0;

	switch (k->type) {
	case CONF_T_INT: case CONF_T_SIZE: case CONF_T_I64: case CONF_T_BOOL: case CONF_T_ENUM:
		conf_store_num(b, k, k->idflt);
		return 0;
	case CONF_T_DIR:
		if (!check_dir)
			return conf_join(x, conf_str_at(b, k), x->c->server_root, k->dflt);
		return conf_load_string(x, k, k->dflt, key, line, b);
	case CONF_T_STR: case CONF_T_PATH: case CONF_T_ROOT:
		return k->dflt ? conf_load_string(x, k, k->dflt, key, line, b) : 0;
	case CONF_T_STRS: case CONF_T_IPS:
		if (!d)
			return 0;
		while (d[n])
			n++;
		{
			int lines[8] = { 0 };  /* defaults are short lists */

			if (n > sizeof lines / sizeof lines[0])
				return conf_err(x, 0, "%s: too many defaults", key);
			return k->type == CONF_T_STRS ? conf_fill_strs(x, k, d, lines, n, key, b)
						      : conf_fill_ips(x, k, d, lines, n, key, b);
		}
	case CONF_T_GROUP:
		return conf_defaults_group(x, k->sub, b);
	default:
		return 0;
	}
}

static int conf_defaults_group(struct conf_ctx *x, const struct conf_table *t,
			       const struct conf_bases *b)
{
	for (const struct conf_key *k = t->keys; k->name; k++)
		if (!(k->flags & CONF_F_LATE) && conf_default(x, k, k->name, 0, false, b) < 0)
			return -1;
	return 0;
}

/*
 * A key its (present) group leaves out. At the top level it takes its
 * default. In a vhost it keeps what the vhost inherited, except that a
 * default that belongs to a present group (CONF_F_LATE) still fills an
 * unset field, and an inherited directory is checked again where this
 * group uses it.
 */
static int conf_absent(struct conf_ctx *x, const struct conf_key *k, const char *key,
		       const struct conf_frame *f)
{
	if (k->flags & CONF_F_REQUIRED)
		return conf_err(x, f->line, "%s: required but not set", key);
	if (k->flags & CONF_F_GROUPLINE)
		conf_put_int(f->b, k->base, k->line_off, f->line);
	if (f->scope == CONF_TOP) {
		if (k->type == CONF_T_GROUP)
			return conf_defaults_group(x, k->sub, f->b);
		return conf_default(x, k, key, f->line, true, f->b);
	}
	if ((k->flags & CONF_F_LATE) && conf_unset(k, f->b))
		return conf_default(x, k, key, f->line, true, f->b);
	if (k->type == CONF_T_DIR && *conf_str_at(f->b, k))
		return conf_load_dir(x, key, f->line, *conf_str_at(f->b, k), conf_str_at(f->b, k));
	return 0;
}

/* ---- walking a group ----------------------------------------------------- */

static const struct conf_key *conf_find_key(const struct conf_table *t, const char *name)
{
	for (const struct conf_key *k = t->keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Why k may not be written in scope. */
static const char *conf_scope_msg(const struct conf_key *k, unsigned scope)
{
	if (scope == CONF_LOC)
		return "not allowed in a location (only path, redirect and the per-path "
		       "keys are)";
	if (k->scope == CONF_LOC)
		return "allowed only inside a location";
	return scope == CONF_VHOST ? "not allowed in a vhost (only at the top level)"
				   : "allowed only inside a vhost";
}

/* A misspelt key must never be dropped silently: it would leave a default
 * the operator believes is overridden. A key of the wrong scope neither. */
static int conf_check_names(struct conf_ctx *x, const struct conf_table *t,
			    const struct conf_frame *f)
{
	int n = config_setting_length(f->grp);
	char key[CONF_KEY_MAX];

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(f->grp, (unsigned)i);
		const struct conf_key *k = conf_find_key(t, config_setting_name(s));

		conf_key_path(key, f->prefix, config_setting_name(s));
		if (!k)
			return conf_err(x, conf_line(s), "%s: unknown key", key);
		if (!(conf_key_scope(k) & f->scope))
			return conf_err(x, conf_line(s), "%s: %s", key, conf_scope_msg(k, f->scope));
	}
	return 0;
}

/* The bit of a CONF_B_SET row in a set's mask: its place among them in
 * the top-level table (where every per-path row lives). */
static int conf_set_bit(const struct conf_key *k)
{
	int bit = 0;

	for (const struct conf_key *r = conf_root_table.keys; r->name; r++) {
		if (r == k)
			return bit < 64 ? bit : -1;
		if (r->base == CONF_B_SET)
			bit++;
	}
	return -1;
}

static int conf_set_mark(struct conf_ctx *x, const struct conf_key *k,
			 const struct conf_bases *b)
{
	int bit = conf_set_bit(k);

	if (bit < 0)
		return conf_err(x, 0, "%s: a per-path key must be one of the first 64 "
				"in the top-level table", k->name);
	*b->set_mask |= UINT64_C(1) << bit;
	return 0;
}

static int conf_walk(struct conf_ctx *x, const struct conf_table *t,
		     const struct conf_frame *f)
{
	char key[CONF_KEY_MAX];

	if (conf_check_names(x, t, f) < 0)
		return -1;
	for (const struct conf_key *k = t->keys; k->name; k++) {
		const config_setting_t *s = config_setting_get_member(f->grp, k->name);

		if (!(conf_key_scope(k) & f->scope))
			continue;
		conf_key_path(key, f->prefix, k->name);
		if (s ? conf_load_key(x, k, s, key, f) < 0 : conf_absent(x, k, key, f) < 0)
			return -1;
		if (s && k->base == CONF_B_SET && f->b->set_mask && conf_set_mark(x, k, f->b) < 0)
			return -1;
	}
	return t->finish ? t->finish(x, f) : 0;
}

/* ---- entry points ------------------------------------------------------ */

int conf_load(const char *file, struct conf *c, char *err, size_t errlen)
{
	struct conf_ctx x = { file, err, errlen, c, NULL, NULL, 0 };
	struct conf_bases b = { c, &c->site, NULL, NULL, NULL };
	config_t cfg;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (errlen)
		err[0] = '\0';
	config_init(&cfg);
	if (conf_find_dir(&x) < 0 || conf_read(&x, &cfg) < 0 ||
	    conf_set(&x, &c->file, file) < 0)
		goto fail;
	{
		struct conf_frame f = { config_root_setting(&cfg), "", &b, CONF_TOP, 0, NULL, 0 };

		if (conf_walk(&x, &conf_root_table, &f) < 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	conf_free(c);
out:
	config_destroy(&cfg);
	free(x.dir);
	return rc;
}

void conf_free(struct conf *c)
{
	struct conf_bases b = { c, &c->site, NULL, NULL, NULL };

	conf_free_rows(&conf_root_table, &b, false);
	for (size_t i = 0; c->listen && i < c->nlisten; i++)
		free(c->listen[i].text);
	free(c->listen);
	free(c->file);
	memset(c, 0, sizeof *c);
}
/* ---- listen addresses -------------------------------------------------- */

/* 1..65535 in plain decimal digits; no sign, no spaces, no hex. */
static int conf_parse_port(const char *s, in_port_t *port)
{
	size_t len = strlen(s);
	unsigned long v = 0;

	if (len == 0 || len > 5 || strspn(s, "0123456789") != len)
		return -1;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	if (v == 0 || v > 65535)
		return -1;
	*port = htons((in_port_t)v);
	return 0;
}

/* Copies host[0..len) to buf as a C string; refuses rather than truncates. */
static int conf_copy_host(char *buf, size_t size, const char *host, size_t len)
{
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, host, len);
	buf[len] = '\0';
	return 0;
}

static int conf_listen4(const char *host, size_t hlen, const char *port,
			struct sockaddr_storage *addr, socklen_t *addrlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;
	char buf[INET_ADDRSTRLEN];

	if (conf_copy_host(buf, sizeof buf, host, hlen) < 0 ||
	    conf_parse_port(port, &sin->sin_port) < 0)
		return -1;
	sin->sin_family = AF_INET;
	/* inet_pton() accepts only dotted quads: no names, so no DNS. */
	if (strcmp(buf, "*") == 0)
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
		return -1;
	*addrlen = sizeof *sin;
	return 0;
}

/* text points just past '['. */
static int conf_listen6(const char *text, struct sockaddr_storage *addr,
			socklen_t *addrlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)addr;
	const char *close = strchr(text, ']');
	char buf[INET6_ADDRSTRLEN];

	if (!close || close[1] != ':' ||
	    conf_copy_host(buf, sizeof buf, text, (size_t)(close - text)) < 0 ||
	    conf_parse_port(close + 2, &sin6->sin6_port) < 0 ||
	    inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -1;
	sin6->sin6_family = AF_INET6;
	*addrlen = sizeof *sin6;
	return 0;
}

int conf_parse_listen(const char *text, struct sockaddr_storage *addr,
		      socklen_t *addrlen)
{
	const char *colon;
	int rc;

	memset(addr, 0, sizeof *addr);
	if (text[0] == '[')
		rc = conf_listen6(text + 1, addr, addrlen);
	else if ((colon = strchr(text, ':')) != NULL)
		rc = conf_listen4(text, (size_t)(colon - text), colon + 1, addr, addrlen);
	else
		rc = conf_listen4("*", 1, text, addr, addrlen);
	if (rc < 0)
		memset(addr, 0, sizeof *addr);
	return rc;
}
