/*
 * conf — the libconfig file to one struct conf; the contract is in conf.h.
 *
 * The loader walks the file once, key by key, in the order of the top-level
 * table below. The first problem found ends the walk with exactly one message
 * "FILE:LINE: message"; whatever was filled so far is freed here, so a caller
 * never sees a half-loaded struct. Integer keys and the relations between them
 * live in tables, so every limit is written down in one place.
 */
#include "conf.h"
#include "log.h"

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
#include <sys/stat.h>

#include "ipmatch.h"

/* Everything one conf_load() call needs to report an error. */
struct conf_ctx {
	const char *file;            /* as given, for messages */
	char *err;
	size_t errlen;
	struct conf *c;
	char *dir;                   /* absolute directory of the config file */
};

/* The integer field types in struct conf that a table row can fill. */
enum conf_int_kind { CONF_INT, CONF_SIZE, CONF_I64 };

struct conf_int_key {
	const char *name;            /* key inside its group */
	int64_t min, max;
	enum conf_int_kind kind;
	size_t off;                  /* offsetof(struct conf, ...) */
};

/* "lo must not be greater than hi", blamed on lo's line when lo is set. */
struct conf_order {
	const char *group, *lo, *hi;
	size_t lo_off, hi_off;
	enum conf_int_kind kind;
	bool blame_hi;               /* report hi's line first (hi is the odd one) */
};

/* Optional strings whose only check is "a non-empty string". */
struct conf_str_key {
	const char *name;
	size_t off;                  /* offsetof(struct conf, <char *>) */
	size_t line_off;             /* offsetof(struct conf, line.<key>), or 0 */
	bool is_path;                /* resolve against server_root */
};

#define CONF_OFF(m) offsetof(struct conf, m)
#define CONF_NOLINE ((size_t)0)

static const char *const conf_top_keys[] = {
	"listen", "server_root", "server_name", "document_root", "index",
	"user", "group", "pid_file", "access_log", "error_log", "mime_types",
	"keeper_user", "allow_root", "log_level",
	"error_pages", "workers", "timeouts", "limits", "cgi", "status", NULL
};
static const char *const conf_error_page_keys[] = { "status", "path", NULL };
static const char *const conf_handler_keys[] = { "extension", "interpreter", NULL };
static const char *const conf_cgi_keys[] = {
	"alias", "directory", "handlers", "path", "pass_authorization",
	"limits", NULL
};

static const struct conf_str_key conf_str_keys[] = {
	{ "server_name", CONF_OFF(site.server_name), CONF_NOLINE, false },
	{ "user", CONF_OFF(user), CONF_OFF(line.user), false },
	{ "group", CONF_OFF(group), CONF_OFF(line.group), false },
	{ "pid_file", CONF_OFF(pid_file), CONF_OFF(line.pid_file), true },
	{ "access_log", CONF_OFF(site.access_log), CONF_OFF(site.lines.access_log), true },
	{ "error_log", CONF_OFF(site.error_log), CONF_OFF(site.lines.error_log), true },
	{ "mime_types", CONF_OFF(mime_types), CONF_OFF(line.mime_types), true },
	{ "keeper_user", CONF_OFF(keeper_user), CONF_OFF(line.keeper_user), false },
};

/* The pool never grows past 4096 workers: the scoreboard is sized from it. */
static const struct conf_int_key conf_workers_keys[] = {
	{ "start", 1, 4096, CONF_INT, CONF_OFF(workers.start) },
	{ "min_spare", 0, 4096, CONF_INT, CONF_OFF(workers.min_spare) },
	{ "max_spare", 1, 4096, CONF_INT, CONF_OFF(workers.max_spare) },
	{ "max", 1, 4096, CONF_INT, CONF_OFF(workers.max) },
	{ "max_requests", 0, INT_MAX, CONF_INT, CONF_OFF(workers.max_requests) },
	{ NULL, 0, 0, CONF_INT, 0 }
};

/* keepalive = 0 turns persistent connections off (RFC 9112 9.3 lets a server
 * close after any response); every other phase needs a real deadline. */
static const struct conf_int_key conf_timeouts_keys[] = {
	{ "header", 1, 86400, CONF_INT, CONF_OFF(timeouts.header) },
	{ "body", 1, 86400, CONF_INT, CONF_OFF(timeouts.body) },
	{ "keepalive", 0, 86400, CONF_INT, CONF_OFF(timeouts.keepalive) },
	{ "send", 1, 86400, CONF_INT, CONF_OFF(timeouts.send) },
	{ "cgi", 1, 86400, CONF_INT, CONF_OFF(timeouts.cgi) },
	{ "graceful", 1, 86400, CONF_INT, CONF_OFF(timeouts.graceful) },
	{ NULL, 0, 0, CONF_INT, 0 }
};

/* RFC 9112 3 recommends supporting request lines of at least 8000 octets;
 * 256 is a floor below which ordinary URLs break. */
static const struct conf_int_key conf_limits_keys[] = {
	{ "request_line", 256, 1048576, CONF_SIZE, CONF_OFF(limits.request_line) },
	{ "header_bytes", 1024, 16777216, CONF_SIZE, CONF_OFF(limits.header_bytes) },
	{ "headers", 1, 10000, CONF_SIZE, CONF_OFF(limits.headers) },
	{ "body", 0, INT64_C(1) << 40, CONF_I64, CONF_OFF(limits.body) },
	/* Bytes per second; 1 GiB/s is beyond any client worth cutting. 0 turns each off. */
	{ "min_send_rate", 0, 1073741824, CONF_INT, CONF_OFF(limits.min_send_rate) },
	{ "min_body_rate", 0, 1073741824, CONF_INT, CONF_OFF(limits.min_body_rate) },
	/* 0 turns it off; more than the scoreboard's address table holds would mean nothing. */
	{ "connections_per_ip", 0, 1000000, CONF_INT, CONF_OFF(limits.connections_per_ip) },
	{ NULL, 0, 0, CONF_INT, 0 }
};

static const struct conf_int_key conf_cgi_limits_keys[] = {
	{ "cpu", 0, INT64_MAX, CONF_I64, CONF_OFF(site.cgi.limits.cpu) },
	{ "memory", 0, INT64_MAX, CONF_I64, CONF_OFF(site.cgi.limits.memory) },
	{ "processes", 0, INT64_MAX, CONF_I64, CONF_OFF(site.cgi.limits.processes) },
	{ NULL, 0, 0, CONF_INT, 0 }
};

/* As Apache's LogLevel and nginx's error_log names them, most severe first. */
static const struct conf_log_level {
	const char *name;
	enum log_level level;
} conf_log_levels[] = {
	{ "error", LOG_ERR },
	{ "warn", LOG_WARN },
	{ "notice", LOG_NOTICE },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

static const struct conf_order conf_orders[] = {
	{ "workers", "start", "max", CONF_OFF(workers.start),
	  CONF_OFF(workers.max), CONF_INT, false },
	{ "workers", "min_spare", "max_spare", CONF_OFF(workers.min_spare),
	  CONF_OFF(workers.max_spare), CONF_INT, false },
	{ "workers", "max_spare", "max", CONF_OFF(workers.max_spare),
	  CONF_OFF(workers.max), CONF_INT, false },
	/* The request line is part of the header section (RFC 9112 2.1). */
	{ "limits", "request_line", "header_bytes", CONF_OFF(limits.request_line),
	  CONF_OFF(limits.header_bytes), CONF_SIZE, true },
};

/* ---- messages ---------------------------------------------------------- */

static int conf_err(struct conf_ctx *x, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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

static int conf_err(struct conf_ctx *x, int line, const char *fmt, ...)
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

static int conf_line(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

/* The separator between a group path and a key: none at the top level. */
static const char *conf_dot(const char *prefix)
{
	return *prefix ? "." : "";
}

/* ---- small typed getters ----------------------------------------------- */

static bool conf_known(const char *const *keys, const char *name)
{
	for (; *keys; keys++)
		if (strcmp(*keys, name) == 0)
			return true;
	return false;
}

static int conf_unknown(struct conf_ctx *x, const config_setting_t *s,
			const char *prefix)
{
	return conf_err(x, conf_line(s), "%s%s%s: unknown key", prefix,
			conf_dot(prefix), config_setting_name(s));
}

/* A misspelt key must never be dropped silently: it would leave a default
 * the operator believes is overridden. */
static int conf_check_keys(struct conf_ctx *x, const config_setting_t *grp,
			   const char *prefix, const char *const *keys)
{
	int n = config_setting_length(grp);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);

		if (!conf_known(keys, config_setting_name(s)))
			return conf_unknown(x, s, prefix);
	}
	return 0;
}

/* The same for a group of integers, whose names are in its table. */
static int conf_check_int_keys(struct conf_ctx *x, const config_setting_t *grp,
			       const char *prefix, const struct conf_int_key *keys)
{
	int n = config_setting_length(grp);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const struct conf_int_key *k = keys;

		while (k->name && strcmp(k->name, config_setting_name(s)) != 0)
			k++;
		if (!k->name)
			return conf_unknown(x, s, prefix);
	}
	return 0;
}

/* An optional group named by its dotted path, e.g. "cgi.limits"; *out stays
 * NULL when absent. */
static int conf_get_group(struct conf_ctx *x, const config_setting_t *parent,
			  const char *path, const config_setting_t **out)
{
	const char *dot = strrchr(path, '.');

	*out = config_setting_get_member(parent, dot ? dot + 1 : path);
	if (*out && !config_setting_is_group(*out))
		return conf_err(x, conf_line(*out), "%s: must be a group", path);
	return 0;
}

/* 1 and *out set when present, 0 when absent, -1 on error. */
static int conf_get_int(struct conf_ctx *x, const config_setting_t *grp,
			const char *prefix, const struct conf_int_key *k,
			int64_t *out)
{
	const config_setting_t *s = grp ? config_setting_get_member(grp, k->name) : NULL;
	long long v;
	int t;

	if (!s)
		return 0;
	t = config_setting_type(s);
	/* Plain and L-suffixed integers are the same to the operator. */
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return conf_err(x, conf_line(s), "%s%s%s: must be an integer",
				prefix, conf_dot(prefix), k->name);
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max) {
		if (k->max == INT64_MAX)
			return conf_err(x, conf_line(s), "%s%s%s: must be %lld or more",
					prefix, conf_dot(prefix), k->name,
					(long long)k->min);
		return conf_err(x, conf_line(s), "%s%s%s: must be between %lld and %lld",
				prefix, conf_dot(prefix), k->name,
				(long long)k->min, (long long)k->max);
	}
	*out = v;
	return 1;
}

/* 1 and *out set when present, 0 when absent, -1 on error. */
static int conf_get_str(struct conf_ctx *x, const config_setting_t *grp,
			const char *prefix, const char *name, const char **out)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return conf_err(x, conf_line(s), "%s%s%s: must be a string",
				prefix, conf_dot(prefix), name);
	*out = config_setting_get_string(s);
	if (**out == '\0')
		return conf_err(x, conf_line(s), "%s%s%s: must not be empty",
				prefix, conf_dot(prefix), name);
	return 1;
}

static int conf_get_bool(struct conf_ctx *x, const config_setting_t *grp,
			 const char *prefix, const char *name, bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return conf_err(x, conf_line(s), "%s%s%s: must be true or false",
				prefix, conf_dot(prefix), name);
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

/* Lines of a key inside a group; 0 when either is absent. */
static int conf_member_line(const config_setting_t *grp, const char *name)
{
	return grp ? conf_line(config_setting_get_member(grp, name)) : 0;
}

/* ---- memory ------------------------------------------------------------ */

/* Replaces *dst with a copy of src (NULL src clears it). */
static int conf_set(struct conf_ctx *x, char **dst, const char *src)
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

static void conf_store(struct conf *c, enum conf_int_kind kind, size_t off,
		       int64_t v)
{
	char *p = (char *)c + off;
	int i = (int)v;
	size_t z = (size_t)v;

	/* memcpy keeps the store free of aliasing questions. */
	if (kind == CONF_INT)
		memcpy(p, &i, sizeof i);
	else if (kind == CONF_SIZE)
		memcpy(p, &z, sizeof z);
	else
		memcpy(p, &v, sizeof v);
}

static int64_t conf_fetch(const struct conf *c, enum conf_int_kind kind,
			  size_t off)
{
	const char *p = (const char *)c + off;
	int i;
	size_t z;
	int64_t v;

	if (kind == CONF_INT) {
		memcpy(&i, p, sizeof i);
		return i;
	}
	if (kind == CONF_SIZE) {
		memcpy(&z, p, sizeof z);
		return (int64_t)z;
	}
	memcpy(&v, p, sizeof v);
	return v;
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
	char *seen;                  /* "\nname\nname\n": every setting name so far */
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

/* While looking for a duplicate: the first name on dup_line that was
 * already seen earlier in the file. A heuristic, since the same name may
 * legitimately appear in two groups ("timeouts.body", "limits.body"); on a
 * line with one setting, which is how configs are written, it is exact. */
static void conf_scan_seen(struct conf_scan *sc)
{
	size_t len = strlen(sc->name);
	char key[sizeof sc->name + 2];
	char *grown;

	snprintf(key, sizeof key, "\n%s\n", sc->name);
	if (sc->line == sc->dup_line && sc->seen && strstr(sc->seen, key)) {
		memcpy(sc->dup, sc->name, len + 1);
		return;
	}
	/* Out of memory only means the key goes unnamed. */
	grown = realloc(sc->seen, sc->seen_len + len + 3);
	if (!grown)
		return;
	sc->seen = grown;
	if (sc->seen_len == 0)
		sc->seen[sc->seen_len++] = '\n';
	memcpy(sc->seen + sc->seen_len, sc->name, len);
	sc->seen_len += len;
	sc->seen[sc->seen_len++] = '\n';
	sc->seen[sc->seen_len] = '\0';
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

/* ---- top-level keys ---------------------------------------------------- */

static int conf_load_defaults(struct conf_ctx *x)
{
	struct conf *c = x->c;

	c->workers.start = 8;
	c->workers.min_spare = 4;
	c->workers.max_spare = 16;
	c->workers.max = 150;
	c->workers.max_requests = 10000;
	c->timeouts.header = 10;
	c->timeouts.body = 30;
	c->timeouts.keepalive = 5;
	c->timeouts.send = 30;
	c->timeouts.cgi = 60;
	c->timeouts.graceful = 30;
	c->log_level = LOG_NOTICE;
	c->limits.request_line = 8192;
	c->limits.header_bytes = 16384;
	c->limits.headers = 100;
	c->limits.body = 10485760;
	c->limits.min_send_rate = 1024;
	c->limits.min_body_rate = 1024;
	c->site.cgi.limits.cpu = 30;
	c->site.cgi.limits.memory = 268435456;
	c->site.cgi.limits.processes = 64;
	if (conf_set(x, &c->file, x->file) < 0 ||
	    conf_set(x, &c->site.server_name, "localhost") < 0 ||
	    conf_set(x, &c->site.cgi.alias, "/cgi-bin/") < 0)
		return -1;
	return conf_set(x, &c->site.cgi.path, "/usr/local/bin:/usr/bin:/bin");
}

/* server_root is relative to the config file's directory. It is made
 * canonical when it exists; when it does not, the paths below it fail with
 * their own messages (document_root first). */
static int conf_load_server_root(struct conf_ctx *x, const config_setting_t *root)
{
	const char *v = ".";
	char *real;

	if (conf_get_str(x, root, "", "server_root", &v) < 0 ||
	    conf_join(x, &x->c->server_root, x->dir, v) < 0)
		return -1;
	real = realpath(x->c->server_root, NULL);
	if (real) {
		free(x->c->server_root);
		x->c->server_root = real;
	}
	return 0;
}

static int conf_load_strings(struct conf_ctx *x, const config_setting_t *root)
{
	for (size_t i = 0; i < sizeof conf_str_keys / sizeof conf_str_keys[0]; i++) {
		const struct conf_str_key *k = &conf_str_keys[i];
		char **dst = (char **)(void *)((char *)x->c + k->off);
		const char *v;
		int line;
		int rc = conf_get_str(x, root, "", k->name, &v);

		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		if (k->is_path ? conf_join(x, dst, x->c->server_root, v) < 0
			       : conf_set(x, dst, v) < 0)
			return -1;
		line = conf_member_line(root, k->name);
		if (k->line_off != CONF_NOLINE)
			memcpy((char *)x->c + k->line_off, &line, sizeof line);
	}
	return 0;
}

static int conf_load_log_level(struct conf_ctx *x, const config_setting_t *root)
{
	const size_t n = sizeof conf_log_levels / sizeof conf_log_levels[0];
	const char *v;
	int rc = conf_get_str(x, root, "", "log_level", &v);

	if (rc <= 0)
		return rc;
	x->c->line.log_level = conf_member_line(root, "log_level");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(conf_log_levels[i].name, v) == 0) {
			x->c->log_level = (int)conf_log_levels[i].level;
			return 0;
		}
	}
	return conf_err(x, x->c->line.log_level, "log_level: '%s' is not one of "
			"error, warn, notice, info, debug", v);
}

/* The keys of how the pool runs: its log level and who may be root. */
static int conf_load_operations(struct conf_ctx *x, const config_setting_t *root)
{
	if (conf_load_log_level(x, root) < 0 ||
	    conf_get_bool(x, root, "", "allow_root", &x->c->allow_root) < 0)
		return -1;
	x->c->line.allow_root = conf_member_line(root, "allow_root");
	return 0;
}

/* Resolves a directory key: must exist and be a directory; stored as its
 * realpath() so later containment checks compare canonical prefixes. */
static int conf_load_dir(struct conf_ctx *x, const char *what, int line,
			 const char *path, char **out)
{
	struct stat st;
	char *real = realpath(path, NULL);
	int e = 0;

	if (!real)
		return conf_err(x, line, "%s: '%s': %s", what, path, strerror(errno));
	if (stat(real, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e) {
		free(real);
		return conf_err(x, line, "%s: '%s': %s", what, path, strerror(e));
	}
	free(*out);
	*out = real;
	return 0;
}

static int conf_load_document_root(struct conf_ctx *x, const config_setting_t *root)
{
	const char *v = "htdocs";
	char *path = NULL;
	int rc = -1;

	if (conf_get_str(x, root, "", "document_root", &v) < 0 ||
	    conf_join(x, &path, x->c->server_root, v) < 0)
		goto out;
	rc = conf_load_dir(x, "document_root", conf_member_line(root, "document_root"),
			   path, &x->c->site.document_root);
out:
	free(path);
	return rc;
}

/* ---- listen ------------------------------------------------------------ */

static bool conf_same_addr(const struct conf_listen *a,
			   const struct sockaddr_storage *addr, socklen_t len)
{
	/* conf_parse_listen zeroes the whole storage, so bytes compare. */
	return a->addrlen == len && memcmp(&a->addr, addr, len) == 0;
}

static int conf_add_listen(struct conf_ctx *x, const char *text, int line)
{
	struct conf *c = x->c;
	struct conf_listen *l = &c->listen[c->nlisten];

	if (conf_parse_listen(text, &l->addr, &l->addrlen) < 0)
		return conf_err(x, line, "listen: '%s' is malformed "
				"(expected \"IPv4:port\", \"[IPv6]:port\", "
				"\"*:port\" or \"port\", port 1..65535)", text);
	for (size_t i = 0; i < c->nlisten; i++)
		if (conf_same_addr(&c->listen[i], &l->addr, l->addrlen))
			return conf_err(x, line, "listen: duplicate address '%s'", text);
	if (conf_set(x, &l->text, text) < 0)
		return -1;
	l->line = line;
	c->nlisten++;
	return 0;
}

static bool conf_is_list(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

static int conf_load_listen(struct conf_ctx *x, const config_setting_t *root)
{
	const config_setting_t *s = config_setting_get_member(root, "listen");
	int n = s ? config_setting_length(s) : 1;

	if (s && !conf_is_list(s))
		return conf_err(x, conf_line(s), "listen: must be a list of strings");
	if (n == 0)
		return conf_err(x, conf_line(s), "listen: must not be empty");
	x->c->listen = conf_calloc(x, (size_t)n, sizeof *x->c->listen);
	if (!x->c->listen)
		return -1;
	if (!s)
		return conf_add_listen(x, "0.0.0.0:80", 0);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return conf_err(x, conf_line(e), "listen: entries must be strings");
		if (conf_add_listen(x, config_setting_get_string(e), conf_line(e)) < 0)
			return -1;
	}
	return 0;
}

/* ---- index ------------------------------------------------------------- */

/* An index name is looked up inside a directory; a '/' or a dot segment
 * would let it name a file elsewhere. */
static bool conf_index_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

static int conf_add_index(struct conf_ctx *x, const char *name)
{
	struct conf *c = x->c;

	if (conf_set(x, &c->site.index[c->site.nindex], name) < 0)
		return -1;
	c->site.nindex++;
	return 0;
}

static int conf_load_index(struct conf_ctx *x, const config_setting_t *root)
{
	const config_setting_t *s = config_setting_get_member(root, "index");
	int n = s ? config_setting_length(s) : 2;

	if (s && !conf_is_list(s))
		return conf_err(x, conf_line(s), "index: must be a list of strings");
	x->c->site.index = conf_calloc(x, (size_t)n, sizeof *x->c->site.index);
	if (!x->c->site.index)
		return -1;
	if (!s)
		return conf_add_index(x, "index.html") < 0 ? -1
		       : conf_add_index(x, "index.htm");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return conf_err(x, conf_line(e), "index: entries must be strings");
		if (!conf_index_ok(config_setting_get_string(e)))
			return conf_err(x, conf_line(e), "index: '%s' must be a "
					"file name without '/'", config_setting_get_string(e));
		if (conf_add_index(x, config_setting_get_string(e)) < 0)
			return -1;
	}
	return 0;
}

/* ---- lists of groups (error_pages, cgi.handlers) ------------------------ */

/* Checks that s is a list of groups; *n gets its length (0 when absent). */
static int conf_group_list(struct conf_ctx *x, const config_setting_t *s,
			   const char *path, int *n)
{
	*n = 0;
	if (!s)
		return 0;
	/* An empty "[]" is an array; a non-empty array cannot hold groups. */
	if (!conf_is_list(s))
		return conf_err(x, conf_line(s), "%s: must be a list of groups", path);
	*n = config_setting_length(s);
	for (int i = 0; i < *n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (!config_setting_is_group(e))
			return conf_err(x, conf_line(e), "%s: entries must be groups "
					"{ ... }", path);
	}
	return 0;
}

static int conf_required(struct conf_ctx *x, const config_setting_t *e,
			 const char *prefix, const char *name)
{
	return conf_err(x, conf_line(e), "%s.%s: required but not set", prefix, name);
}

static const struct conf_int_key conf_status_key = { "status", 400, 599, CONF_INT, 0 };

static int conf_add_error_page(struct conf_ctx *x, const config_setting_t *e,
			       const char *prefix)
{
	struct conf *c = x->c;
	struct conf_error_page *p = &c->site.error_pages[c->site.nerror_pages];
	const char *path;
	int64_t status;
	int rc;

	if (conf_check_keys(x, e, prefix, conf_error_page_keys) < 0 ||
	    (rc = conf_get_int(x, e, prefix, &conf_status_key, &status)) < 0)
		return -1;
	if (rc == 0)
		return conf_required(x, e, prefix, "status");
	for (size_t i = 0; i < c->site.nerror_pages; i++)
		if (c->site.error_pages[i].status == status)
			return conf_err(x, conf_member_line(e, "status"),
					"%s.status: duplicate error page for status %d",
					prefix, (int)status);
	if ((rc = conf_get_str(x, e, prefix, "path", &path)) <= 0)
		return rc < 0 ? -1 : conf_required(x, e, prefix, "path");
	/* The path is a URL path served from document_root, so it is absolute. */
	if (path[0] != '/')
		return conf_err(x, conf_member_line(e, "path"),
				"%s.path: must start with '/'", prefix);
	if (conf_set(x, &p->path, path) < 0)
		return -1;
	p->line = conf_member_line(e, "path");
	p->status = (int)status;
	c->site.nerror_pages++;
	return 0;
}

static int conf_load_error_pages(struct conf_ctx *x, const config_setting_t *root)
{
	const config_setting_t *s = config_setting_get_member(root, "error_pages");
	char prefix[64];   /* "error_pages[" + at most 10 digits + "]" fits */
	int n;

	if (conf_group_list(x, s, "error_pages", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	x->c->site.error_pages = conf_calloc(x, (size_t)n, sizeof *x->c->site.error_pages);
	if (!x->c->site.error_pages)
		return -1;
	for (int i = 0; i < n; i++) {
		snprintf(prefix, sizeof prefix, "error_pages[%d]", i);
		if (conf_add_error_page(x, config_setting_get_elem(s, (unsigned)i),
					prefix) < 0)
			return -1;
	}
	return 0;
}

/* ---- integer groups ---------------------------------------------------- */

static int conf_load_ints(struct conf_ctx *x, const config_setting_t *grp,
			  const char *prefix, const struct conf_int_key *keys)
{
	for (const struct conf_int_key *k = keys; k->name; k++) {
		int64_t v;
		int rc = conf_get_int(x, grp, prefix, k, &v);

		if (rc < 0)
			return -1;
		if (rc > 0)
			conf_store(x->c, k->kind, k->off, v);
	}
	return 0;
}

static int conf_load_int_group(struct conf_ctx *x, const config_setting_t *parent,
			       const char *path, const struct conf_int_key *keys)
{
	const config_setting_t *grp;

	if (conf_get_group(x, parent, path, &grp) < 0 ||
	    (grp && conf_check_int_keys(x, grp, path, keys) < 0))
		return -1;
	return conf_load_ints(x, grp, path, keys);
}

/* Relations between keys are checked after both sides have their final
 * value, so a default can conflict with a value set in the file. */
static int conf_check_orders(struct conf_ctx *x, const config_setting_t *root)
{
	for (size_t i = 0; i < sizeof conf_orders / sizeof conf_orders[0]; i++) {
		const struct conf_order *o = &conf_orders[i];
		const config_setting_t *grp = config_setting_get_member(root, o->group);
		int64_t lo = conf_fetch(x->c, o->kind, o->lo_off);
		int64_t hi = conf_fetch(x->c, o->kind, o->hi_off);
		int l1 = conf_member_line(grp, o->blame_hi ? o->hi : o->lo);
		int l2 = conf_member_line(grp, o->blame_hi ? o->lo : o->hi);

		if (lo <= hi)
			continue;
		if (o->blame_hi)
			return conf_err(x, l1 ? l1 : l2 ? l2 : conf_line(grp),
					"%s.%s: %lld must not be less than %s.%s (%lld)",
					o->group, o->hi, (long long)hi, o->group, o->lo,
					(long long)lo);
		return conf_err(x, l1 ? l1 : l2 ? l2 : conf_line(grp),
				"%s.%s: %lld must not be greater than %s.%s (%lld)",
				o->group, o->lo, (long long)lo, o->group, o->hi,
				(long long)hi);
	}
	return 0;
}

/* ---- cgi --------------------------------------------------------------- */

static int conf_add_handler(struct conf_ctx *x, const config_setting_t *e,
			    const char *prefix)
{
	struct conf *c = x->c;
	struct conf_cgi_handler *h = &c->site.cgi.handlers[c->site.cgi.nhandlers];
	const char *ext, *interp;
	int rc;

	if (conf_check_keys(x, e, prefix, conf_handler_keys) < 0 ||
	    (rc = conf_get_str(x, e, prefix, "extension", &ext)) < 0)
		return -1;
	if (rc == 0)
		return conf_required(x, e, prefix, "extension");
	if (ext[0] != '.' || ext[1] == '\0' || strchr(ext, '/'))
		return conf_err(x, conf_member_line(e, "extension"),
				"%s.extension: must start with '.', e.g. \".php\"", prefix);
	for (size_t i = 0; i < c->site.cgi.nhandlers; i++)
		if (strcmp(c->site.cgi.handlers[i].extension, ext) == 0)
			return conf_err(x, conf_member_line(e, "extension"),
					"%s.extension: duplicate handler for '%s'",
					prefix, ext);
	if ((rc = conf_get_str(x, e, prefix, "interpreter", &interp)) <= 0)
		return rc < 0 ? -1 : conf_required(x, e, prefix, "interpreter");
	/* The interpreter is exec'd directly, never looked up in PATH. */
	if (interp[0] != '/')
		return conf_err(x, conf_member_line(e, "interpreter"),
				"%s.interpreter: must be an absolute path", prefix);
	if (conf_set(x, &h->extension, ext) < 0)
		return -1;
	h->line = conf_member_line(e, "interpreter");
	c->site.cgi.nhandlers++;
	return conf_set(x, &h->interpreter, interp);
}

static int conf_load_handlers(struct conf_ctx *x, const config_setting_t *cgi)
{
	const config_setting_t *s = config_setting_get_member(cgi, "handlers");
	char prefix[64];   /* "cgi.handlers[" + at most 10 digits + "]" fits */
	int n;

	if (conf_group_list(x, s, "cgi.handlers", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	x->c->site.cgi.handlers = conf_calloc(x, (size_t)n, sizeof *x->c->site.cgi.handlers);
	if (!x->c->site.cgi.handlers)
		return -1;
	for (int i = 0; i < n; i++) {
		snprintf(prefix, sizeof prefix, "cgi.handlers[%d]", i);
		if (conf_add_handler(x, config_setting_get_elem(s, (unsigned)i),
				     prefix) < 0)
			return -1;
	}
	return 0;
}

/* RFC 3875 3.3: the alias is the URL prefix that selects scripts; both
 * slashes are required so "/cgi-binx" never matches "/cgi-bin". */
static int conf_load_cgi_strings(struct conf_ctx *x, const config_setting_t *cgi)
{
	const char *alias, *path;
	size_t len;
	int rc = conf_get_str(x, cgi, "cgi", "alias", &alias);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		len = strlen(alias);
		if (alias[0] != '/' || alias[len - 1] != '/')
			return conf_err(x, conf_member_line(cgi, "alias"),
					"cgi.alias: must start and end with '/'");
		if (conf_set(x, &x->c->site.cgi.alias, alias) < 0)
			return -1;
	}
	if ((rc = conf_get_str(x, cgi, "cgi", "path", &path)) < 0)
		return -1;
	if (rc > 0 && conf_set(x, &x->c->site.cgi.path, path) < 0)
		return -1;
	return conf_get_bool(x, cgi, "cgi", "pass_authorization",
			     &x->c->site.cgi.pass_authorization) < 0 ? -1 : 0;
}

static int conf_load_cgi_directory(struct conf_ctx *x, const config_setting_t *cgi)
{
	const char *v = "cgi-bin";
	char *path = NULL;
	int line, rc = -1;

	if (conf_get_str(x, cgi, "cgi", "directory", &v) < 0 ||
	    conf_join(x, &path, x->c->server_root, v) < 0)
		goto out;
	line = conf_member_line(cgi, "directory");
	x->c->site.cgi.directory_line = line ? line : conf_line(cgi);
	rc = conf_load_dir(x, "cgi.directory", x->c->site.cgi.directory_line,
			   path, &x->c->site.cgi.directory);
out:
	free(path);
	return rc;
}

static int conf_load_cgi(struct conf_ctx *x, const config_setting_t *root)
{
	const config_setting_t *cgi;

	if (conf_get_group(x, root, "cgi", &cgi) < 0 ||
	    (cgi && conf_check_keys(x, cgi, "cgi", conf_cgi_keys) < 0))
		return -1;
	/* Without a cgi group scripts are never run; the directory is still
	 * recorded (unchecked) so the struct has no NULL surprises. */
	if (!cgi)
		return conf_join(x, &x->c->site.cgi.directory, x->c->server_root, "cgi-bin");
	x->c->site.cgi.enabled = true;
	if (conf_load_cgi_strings(x, cgi) < 0 ||
	    conf_load_cgi_directory(x, cgi) < 0 ||
	    conf_load_handlers(x, cgi) < 0)
		return -1;
	return conf_load_int_group(x, cgi, "cgi.limits", conf_cgi_limits_keys);
}

/* ---- status ------------------------------------------------------------ */

static const char *const conf_status_keys[] = { "path", "allow", NULL };

/*
 * The status page answers one exact path, compared with the request's
 * normalised path (uri.h), so the configured one must already be in that
 * form, or no request could ever reach the page: printable ASCII without
 * '%', '?', '#' or '\\', no empty segment but a trailing slash, and no
 * segment starting with '.' (uri_normalize refuses those with 403).
 */
static bool conf_status_path_ok(const char *p)
{
	const char *seg = p + 1;

	if (p[0] != '/')
		return false;
	for (;;) {
		size_t len = strcspn(seg, "/");

		if ((len == 0 && seg[0] != '\0') || seg[0] == '.')
			return false;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)seg[i] <= 0x20 || (unsigned char)seg[i] >= 0x7f ||
			    strchr("%?#\\", seg[i]))
				return false;
		if (seg[len] == '\0')
			return true;
		seg += len + 1;
	}
}

static int conf_load_status_path(struct conf_ctx *x, const config_setting_t *st)
{
	const char *path = "/server-status";

	if (conf_get_str(x, st, "status", "path", &path) < 0)
		return -1;
	if (!conf_status_path_ok(path))
		return conf_err(x, conf_member_line(st, "path"), "status.path: must be "
				"a normalised URL path starting with '/', e.g. \"/server-status\"");
	return conf_set(x, &x->c->site.status.path, path);
}

static int conf_add_allow(struct conf_ctx *x, const config_setting_t *e)
{
	struct conf *c = x->c;
	const char *text;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return conf_err(x, conf_line(e), "status.allow: entries must be strings");
	text = config_setting_get_string(e);
	if (ipmatch_parse(text, &c->site.status.allow[c->site.status.nallow]) < 0)
		return conf_err(x, conf_line(e), "status.allow: '%s' is not an IP address "
				"or prefix", text);
	c->site.status.nallow++;
	return 0;
}

/* Without an allow list only the host itself may look (loopback, both families). */
static int conf_load_status_allow(struct conf_ctx *x, const config_setting_t *st)
{
	static const char *const dflt[] = { "127.0.0.1", "::1" };
	const config_setting_t *s = config_setting_get_member(st, "allow");
	int n = s ? config_setting_length(s) : 2;
	struct conf *c = x->c;

	if (s && !conf_is_list(s))
		return conf_err(x, conf_line(s), "status.allow: must be a list of strings");
	/* An empty list would turn the page on for nobody: say so instead. */
	if (n == 0)
		return conf_err(x, conf_line(s), "status.allow: must not be empty "
				"(remove the status group to turn the page off)");
	c->site.status.allow = conf_calloc(x, (size_t)n, sizeof *c->site.status.allow);
	if (!c->site.status.allow)
		return -1;
	for (int i = 0; !s && i < n; i++)
		(void)ipmatch_parse(dflt[i], &c->site.status.allow[c->site.status.nallow++]);
	for (int i = 0; s && i < n; i++)
		if (conf_add_allow(x, config_setting_get_elem(s, (unsigned)i)) < 0)
			return -1;
	return 0;
}

static int conf_load_status(struct conf_ctx *x, const config_setting_t *root)
{
	const config_setting_t *st;

	if (conf_get_group(x, root, "status", &st) < 0 ||
	    (st && conf_check_keys(x, st, "status", conf_status_keys) < 0))
		return -1;
	if (!st)
		return 0;
	x->c->site.status.enabled = true;
	x->c->site.status.line = conf_line(st);
	if (conf_load_status_path(x, st) < 0)
		return -1;
	return conf_load_status_allow(x, st);
}

/* ---- entry points ------------------------------------------------------ */

static int conf_load_all(struct conf_ctx *x, const config_setting_t *root)
{
	if (conf_check_keys(x, root, "", conf_top_keys) < 0 ||
	    conf_load_defaults(x) < 0 ||
	    conf_load_server_root(x, root) < 0 ||
	    conf_load_strings(x, root) < 0 ||
	    conf_load_operations(x, root) < 0 ||
	    conf_load_document_root(x, root) < 0 ||
	    conf_load_listen(x, root) < 0 ||
	    conf_load_index(x, root) < 0 ||
	    conf_load_error_pages(x, root) < 0 ||
	    conf_load_int_group(x, root, "workers", conf_workers_keys) < 0 ||
	    conf_load_int_group(x, root, "timeouts", conf_timeouts_keys) < 0 ||
	    conf_load_int_group(x, root, "limits", conf_limits_keys) < 0 ||
	    conf_check_orders(x, root) < 0 ||
	    conf_load_status(x, root) < 0)
		return -1;
	return conf_load_cgi(x, root);
}

int conf_load(const char *file, struct conf *c, char *err, size_t errlen)
{
	struct conf_ctx x = { file, err, errlen, c, NULL };
	config_t cfg;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (errlen)
		err[0] = '\0';
	config_init(&cfg);
	if (conf_find_dir(&x) < 0 || conf_read(&x, &cfg) < 0 ||
	    conf_load_all(&x, config_root_setting(&cfg)) < 0)
		goto fail;
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
	for (size_t i = 0; c->listen && i < c->nlisten; i++)
		free(c->listen[i].text);
	for (size_t i = 0; c->site.index && i < c->site.nindex; i++)
		free(c->site.index[i]);
	for (size_t i = 0; c->site.error_pages && i < c->site.nerror_pages; i++)
		free(c->site.error_pages[i].path);
	for (size_t i = 0; c->site.cgi.handlers && i < c->site.cgi.nhandlers; i++) {
		free(c->site.cgi.handlers[i].extension);
		free(c->site.cgi.handlers[i].interpreter);
	}
	free(c->listen);
	free(c->site.index);
	free(c->site.error_pages);
	free(c->site.cgi.handlers);
	free(c->file);
	free(c->server_root);
	free(c->site.server_name);
	free(c->site.document_root);
	free(c->user);
	free(c->group);
	free(c->keeper_user);
	free(c->pid_file);
	free(c->site.access_log);
	free(c->site.error_log);
	free(c->mime_types);
	free(c->site.cgi.alias);
	free(c->site.cgi.directory);
	free(c->site.cgi.path);
	free(c->site.status.path);
	free(c->site.status.allow);
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
