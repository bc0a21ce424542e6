#include "vhost.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static char vhost_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool vhost_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * A DNS name's characters (RFC 1123 2.1: letters, digits, hyphen), and the
 * underscore, which Apache and nginx accept too since real names carry it.
 * An IPv4 address is such a name. Percent-encoding (RFC 3986 reg-name) and
 * the sub-delims never appear in a name a vhost can be given.
 */
static bool vhost_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static bool vhost_literal_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '.';
}

/* Lower-case copy of s[0..n) into out (cap bytes) with its NUL. n, or -1 if it does not fit. */
static int vhost_copy(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = vhost_lower(s[i]);
	out[n] = '\0';
	return (int)n;
}

/* "[v6]" or "[v6]:port": the brackets kept (RFC 3986 3.2.2), so SERVER_NAME can be one too. */
static int vhost_literal(const char *s, size_t len, char *out, size_t cap)
{
	const char *close = memchr(s, ']', len);
	size_t hlen;

	if (!close || close == s + 1)
		return -1;
	hlen = (size_t)(close - s) + 1;
	for (size_t i = 1; i + 1 < hlen; i++)
		if (!vhost_literal_char(s[i]))
			return -1;
	if (hlen < len && (s[hlen] != ':' || !vhost_digits(s + hlen + 1, len - hlen - 1)))
		return -1;
	return vhost_copy(s, hlen, out, cap);
}

/* Every label of s[0..n) is non-empty and made of name characters. */
static bool vhost_labels_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!vhost_name_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return false;
	return true;
}

int vhost_normalize(const char *s, size_t len, char *out, size_t cap)
{
	const char *colon;
	size_t hlen;

	if (cap > VHOST_NAME_MAX)
		cap = VHOST_NAME_MAX;
	if (cap > 0)
		out[0] = '\0';
	if (!s || len == 0)
		return 0;
	if (s[0] == '[')
		return vhost_literal(s, len, out, cap);
	colon = memchr(s, ':', len);
	hlen = colon ? (size_t)(colon - s) : len;
	/* RFC 3986 3.2.3: the port is digits, and may be empty ("host:"). */
	if (colon && !vhost_digits(colon + 1, len - hlen - 1))
		return -1;
	if (hlen == 0)
		return 0; /* ":80": a port and no host */
	/* The DNS root's dot: "example.com." is example.com (RFC 1034 3.1); one only. */
	if (s[hlen - 1] == '.')
		hlen--;
	if (!vhost_labels_ok(s, hlen))
		return -1;
	return vhost_copy(s, hlen, out, cap);
}

/* ---- the table --------------------------------------------------------- */

static int vhost_cmp_key(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r != 0 ? r : alen < blen ? -1 : alen > blen;
}

/* By name, then by vhost: the first vhost in the file leads among equal names. */
static int vhost_cmp(const void *pa, const void *pb)
{
	const struct vhost_name *a = pa, *b = pb;
	int r = vhost_cmp_key(a->name, a->len, b->name, b->len);

	return r != 0 ? r : (a->vhost > b->vhost) - (a->vhost < b->vhost);
}

/* Sort v and keep the first of each name. The count kept. */
static size_t vhost_sort(struct vhost_name *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), vhost_cmp);
	for (size_t i = 1; i < n; i++)
		if (vhost_cmp_key(v[i].name, v[i].len, v[k].name, v[k].len) != 0)
			v[++k] = v[i];
	return k + 1;
}

/* Lower name into *store; a wildcard "*.suffix" goes in as ".suffix". */
static void vhost_add(struct vhost_table *t, const char *name, int vhost, char **store)
{
	bool wild = name[0] == '*' && name[1] == '.';
	const char *s = wild ? name + 1 : name;
	size_t n = strlen(s);
	struct vhost_name *e = wild ? &t->wild[t->nwild++] : &t->exact[t->nexact++];

	for (size_t i = 0; i <= n; i++)
		(*store)[i] = vhost_lower(s[i]);
	*e = (struct vhost_name){ .name = *store, .len = n, .vhost = vhost };
	*store += n + 1;
}

int vhost_table_build(struct vhost_table *t, const struct conf *c)
{
	size_t names = 0, bytes = 0;
	char *store;

	memset(t, 0, sizeof(*t));
	t->dflt = VHOST_TOP;
	for (size_t i = 0; i < c->nvhosts; i++) {
		const struct conf_site *v = &c->vhosts[i];

		names += 1 + v->naliases;
		bytes += strlen(v->server_name) + 1;
		for (size_t a = 0; a < v->naliases; a++)
			bytes += strlen(v->aliases[a]) + 1;
		if (v->is_default && t->dflt == VHOST_TOP)
			t->dflt = (int)i;
	}
	if (names == 0)
		return 0;
	t->exact = calloc(names, sizeof(*t->exact));
	t->wild = calloc(names, sizeof(*t->wild));
	t->names = store = malloc(bytes);
	if (!t->exact || !t->wild || !t->names) {
		vhost_table_free(t);
		return -1;
	}
	for (size_t i = 0; i < c->nvhosts; i++) {
		const struct conf_site *v = &c->vhosts[i];

		vhost_add(t, v->server_name, (int)i, &store);
		for (size_t a = 0; a < v->naliases; a++)
			vhost_add(t, v->aliases[a], (int)i, &store);
	}
	t->nexact = vhost_sort(t->exact, t->nexact);
	t->nwild = vhost_sort(t->wild, t->nwild);
	return 0;
}

void vhost_table_free(struct vhost_table *t)
{
	free(t->exact);
	free(t->wild);
	free(t->names);
	memset(t, 0, sizeof(*t));
	t->dflt = VHOST_TOP;
}

static const struct vhost_name *vhost_find(const struct vhost_name *v, size_t n,
					   const char *name, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = vhost_cmp_key(name, len, v[mid].name, v[mid].len);

		if (r == 0)
			return &v[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int vhost_lookup(const struct vhost_table *t, const char *name, size_t len)
{
	const struct vhost_name *e;

	if (len == 0)
		return t->dflt;
	if ((e = vhost_find(t->exact, t->nexact, name, len)) != NULL)
		return e->vhost;
	/*
	 * The suffixes from each dot, the longest first: "a.b.example.net"
	 * tries ".b.example.net", then ".example.net", then ".net", so the
	 * longest wildcard wins. A dot at 0 is no suffix: "*.x" needs a label
	 * before it, and "example.net" itself is not "*.example.net".
	 */
	for (size_t i = 1; i < len; i++) {
		if (name[i] != '.')
			continue;
		if ((e = vhost_find(t->wild, t->nwild, name + i, len - i)) != NULL)
			return e->vhost;
	}
	return t->dflt;
}
