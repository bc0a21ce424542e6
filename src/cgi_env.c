/*
 * cgi_env — the environment of a CGI script (RFC 3875 4.1); the contract is
 * in cgi_env.h.
 *
 * The environment is built from nothing: the meta-variables of RFC 3875 4.1
 * from one table, then one HTTP_* variable per distinct request field name
 * (4.1.18). Every string is a fresh "NAME=value" copy, so the request buffer
 * may be reused as soon as cgi_env_build() returns. REQUEST_URI is the
 * request's own path and query, as the client sent them.
 */
#include "cgi_env.h"
#include "http_chars.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef PFHTTPD_VERSION
#define PFHTTPD_VERSION "dev" /* the Makefile defines the real one */
#endif

/* Room for any int64_t in decimal, with its sign and NUL. */
#define CGI_ENV_NUM 24

/* ---- the block ------------------------------------------------------------ */

/*
 * The environment is one allocation: the envp array, then every
 * "NAME=value" string after it. It is written in two passes over the same
 * code: the first (envp NULL) only counts the variables and their bytes,
 * the second copies into a block of exactly that size. One malloc and one
 * free per script instead of one per variable (issue 8), and nothing can
 * be cut: the second pass writes what the first measured.
 */
struct cgi_env_sink {
	char **envp;   /* NULL: counting */
	char *p;       /* where the next string goes */
	size_t n;      /* variables so far */
	size_t bytes;  /* their bytes, NULs included */
	bool overflow; /* a size did not fit in size_t */
};

void cgi_env_free(struct cgi_env *e)
{
	free(e->envp);
	e->envp = NULL;
	e->n = 0;
}

/* Room for one more string of len bytes (NUL included): its address when writing, else NULL. */
static char *cgi_env_take(struct cgi_env_sink *s, size_t len)
{
	char *at = s->p;

	if (len > SIZE_MAX / 2 || s->bytes > SIZE_MAX / 2 - len) {
		s->overflow = true;
		return NULL;
	}
	s->bytes += len;
	if (s->envp == NULL)
		return NULL;
	s->envp[s->n] = at;
	s->p += len;
	return at;
}

/*
 * name "=" and the value, given in n parts (REQUEST_URI is path "?"
 * query, PATH_TRANSLATED root and path info). Each part is an object in
 * memory (the request, the configuration), so their sum fits in size_t;
 * cgi_env_take checks the running total.
 */
static void cgi_env_putn(struct cgi_env_sink *s, const char *name, size_t nlen,
			 const struct http_str *v, size_t n)
{
	size_t len = nlen + 2;
	char *at;

	for (size_t i = 0; i < n; i++)
		len += v[i].len;
	at = cgi_env_take(s, len);
	s->n++;
	if (at == NULL)
		return;
	memcpy(at, name, nlen);
	at += nlen;
	*at++ = '=';
	for (size_t i = 0; i < n; i++) {
		/* memcpy() must not see NULL even for 0 bytes (C11 7.24.1). */
		if (v[i].len)
			memcpy(at, v[i].p, v[i].len);
		at += v[i].len;
	}
	*at = '\0';
}

static void cgi_env_putv(struct cgi_env_sink *s, const char *name,
			 const struct http_str *v, size_t n)
{
	cgi_env_putn(s, name, strlen(name), v, n);
}

const char *cgi_env_get(const struct cgi_env *e, const char *name)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->envp[i], name, nlen) == 0 && e->envp[i][nlen] == '=')
			return e->envp[i] + nlen + 1;
	return NULL;
}

/* ---- meta-variables (RFC 3875 4.1) ---------------------------------------- */

struct cgi_env_meta {
	const char *name;
	struct http_str v;
	bool set;
};

/*
 * Every variable cgi_env_put_meta and cgi_env_put_translated can write
 * (the _Static_assert there keeps the count in step), and the families
 * whose members come and go: HTTP_* from the request's fields, REDIRECT_*
 * for error pages, REMOTE_* and SERVER_* of RFC 3875 4.1 (REMOTE_HOST,
 * REMOTE_IDENT: not set here, but a script may look for them), and
 * PFHTTPD_* for the server's own (PFHTTPD_PEER_ADDR).
 */
static const char *const cgi_env_names[] = {
	"GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_NAME", "SERVER_PORT",
	"SERVER_PROTOCOL", "REQUEST_METHOD", "QUERY_STRING", "SCRIPT_NAME", "PATH_INFO",
	"SCRIPT_FILENAME", "DOCUMENT_ROOT", "REMOTE_ADDR", "REMOTE_PORT", "REDIRECT_STATUS",
	"REDIRECT_URL", "REDIRECT_QUERY_STRING", "REDIRECT_REQUEST_METHOD", "PATH",
	"CONTENT_LENGTH", "CONTENT_TYPE", "AUTH_TYPE", "REMOTE_USER",
	"PFHTTPD_PEER_ADDR", "PFHTTPD_PEER_PORT",
	"REQUEST_URI", "PATH_TRANSLATED",
};

static const char *const cgi_env_families[] = {
	"HTTP_", "REDIRECT_", "REMOTE_", "SERVER_", "PFHTTPD_",
};

bool cgi_env_reserved(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(cgi_env_names) / sizeof(cgi_env_names[0]); i++)
		if (strlen(cgi_env_names[i]) == len && memcmp(cgi_env_names[i], name, len) == 0)
			return true;
	for (size_t i = 0; i < sizeof(cgi_env_families) / sizeof(cgi_env_families[0]); i++) {
		size_t flen = strlen(cgi_env_families[i]);

		if (len >= flen && memcmp(cgi_env_families[i], name, flen) == 0)
			return true;
	}
	return false;
}

bool cgi_env_name_valid(const char *name, size_t len)
{
	if (len == 0 || http_is_digit((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!http_is_alpha((unsigned char)name[i]) && !http_is_digit((unsigned char)name[i]) &&
		    name[i] != '_')
			return false;
	return true;
}

static struct http_str cgi_env_lit(const char *s)
{
	return (struct http_str){ .p = s, .len = s ? strlen(s) : 0 };
}

/*
 * RFC 3875 4.1.14: SERVER_NAME is the host part of the request's authority
 * (RFC 9110 7.2), without the port; an IP-literal keeps its brackets. A
 * vhost's scripts see its server_name whatever alias or wildcard the client
 * used (issue 9; Apache's UseCanonicalName On), so a script that builds
 * URLs builds the site's own.
 */
static struct http_str cgi_env_server_name(const struct cgi_env_in *in)
{
	struct http_str h = in->hr->host;
	const char *end;

	if (h.len == 0 || in->vhost)
		return cgi_env_lit(in->server_name);
	if (h.p[0] == '[')
		end = memchr(h.p, ']', h.len);
	else
		end = memchr(h.p, ':', h.len);
	if (end == NULL)
		return h;
	return (struct http_str){ .p = h.p, .len = (size_t)(end - h.p) + (h.p[0] == '[') };
}

/* The numbers, formatted once; snprintf() into CGI_ENV_NUM cannot truncate. */
struct cgi_env_nums {
	char server_port[CGI_ENV_NUM], remote_port[CGI_ENV_NUM], content_length[CGI_ENV_NUM];
	char peer_port[CGI_ENV_NUM];
	char redirect_status[CGI_ENV_NUM];
};

static void cgi_env_format(struct cgi_env_nums *n, const struct cgi_env_in *in)
{
	snprintf(n->server_port, sizeof(n->server_port), "%d", in->server_port);
	snprintf(n->remote_port, sizeof(n->remote_port), "%d", in->remote_port);
	snprintf(n->peer_port, sizeof(n->peer_port), "%d", in->peer_port);
	snprintf(n->content_length, sizeof(n->content_length), "%" PRId64, in->content_length);
	snprintf(n->redirect_status, sizeof(n->redirect_status), "%d",
		 in->redirect_status ? in->redirect_status : 200);
}

static void cgi_env_put_meta(struct cgi_env_sink *s, const struct cgi_env_in *in,
			     const struct cgi_env_nums *num)
{
	const struct http_request *hr = in->hr;
	const struct http_header *ct = http_find_header(hr, "Content-Type");
	const struct cgi_env_meta meta[] = {
		{ "GATEWAY_INTERFACE", cgi_env_lit("CGI/1.1"), true },
		{ "SERVER_SOFTWARE", cgi_env_lit(in->server_software ? in->server_software
						  : "pfhttpd/" PFHTTPD_VERSION), true },
		{ "SERVER_NAME", cgi_env_server_name(in), true },
		{ "SERVER_PORT", cgi_env_lit(num->server_port), true },
		{ "SERVER_PROTOCOL", hr->proto, true },
		{ "REQUEST_METHOD", hr->method_str, true },
		/* RFC 3875 4.1.7: set even when empty. */
		{ "QUERY_STRING", hr->query, true },
		{ "SCRIPT_NAME", cgi_env_lit(in->script_name), true },
		{ "PATH_INFO", cgi_env_lit(in->path_info), true },
		{ "SCRIPT_FILENAME", cgi_env_lit(in->script_filename), true },
		{ "DOCUMENT_ROOT", cgi_env_lit(in->document_root), true },
		{ "REMOTE_ADDR", cgi_env_lit(in->remote_addr), true },
		{ "REMOTE_PORT", cgi_env_lit(num->remote_port), true },
		/* real_ip (nginx's $realip_remote_addr): the proxy, when REMOTE_ADDR may be its client. */
		{ "PFHTTPD_PEER_ADDR", cgi_env_lit(in->peer_addr), in->peer_addr != NULL },
		{ "PFHTTPD_PEER_PORT", cgi_env_lit(num->peer_port), in->peer_addr != NULL },
		/* php-cgi (force-cgi-redirect) refuses to run without it; an
		 * error page learns the status it answers for (Apache's ErrorDocument). */
		{ "REDIRECT_STATUS", cgi_env_lit(num->redirect_status), true },
		{ "REDIRECT_URL", in->redirect_url, in->redirect_status != 0 },
		{ "REDIRECT_QUERY_STRING", in->redirect_query, in->redirect_status != 0 },
		{ "REDIRECT_REQUEST_METHOD", in->redirect_method, in->redirect_status != 0 },
		{ "PATH", cgi_env_lit(in->path), true },
		/* RFC 3875 4.1.2: only when there is a body. */
		{ "CONTENT_LENGTH", cgi_env_lit(num->content_length), in->content_length >= 0 },
		/* RFC 3875 4.1.3: only when the client sent one. */
		{ "CONTENT_TYPE", ct ? ct->value : cgi_env_lit(NULL), ct != NULL },
		{ "AUTH_TYPE", cgi_env_lit(in->auth_type), in->auth_type != NULL },
		{ "REMOTE_USER", cgi_env_lit(in->remote_user), in->remote_user != NULL },
	};
	/* The path and query as the client sent them, however long limits.request_line allows. */
	const struct http_str uri[] = {
		hr->path, cgi_env_lit(hr->has_query ? "?" : ""), hr->query,
	};

	/* Each name is in cgi_env_names too, so no administrator's variable can shadow it. */
	_Static_assert(sizeof(meta) / sizeof(meta[0]) + 2 ==
		       sizeof(cgi_env_names) / sizeof(cgi_env_names[0]),
		       "every meta-variable, REQUEST_URI and PATH_TRANSLATED are in cgi_env_names");
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		if (meta[i].set)
			cgi_env_putv(s, meta[i].name, &meta[i].v, 1);
	cgi_env_putv(s, "REQUEST_URI", uri, 3);
}

/* RFC 3875 4.1.6: the translated path, only when there is a PATH_INFO. */
static void cgi_env_put_translated(struct cgi_env_sink *s, const struct cgi_env_in *in)
{
	struct http_str v[2] = { cgi_env_lit(in->document_root), cgi_env_lit(in->path_info) };

	if (v[1].len == 0)
		return;
	/* PATH_INFO starts with '/'; do not double the root's trailing one. */
	while (v[0].len > 0 && v[0].p[v[0].len - 1] == '/' && v[1].p[0] == '/')
		v[0].len--;
	cgi_env_putv(s, "PATH_TRANSLATED", v, 2);
}
/* ---- HTTP_* (RFC 3875 4.1.18) --------------------------------------------- */

/* Fields that never become HTTP_*: the body's framing (given as
 * CONTENT_LENGTH / CONTENT_TYPE or not at all), Proxy (httpoxy,
 * CVE-2016-5385: HTTP_PROXY would be taken for the proxy setting),
 * Redirect-Status (CVE-2024-8927: HTTP_REDIRECT_STATUS satisfies php-cgi's
 * force-cgi-redirect check) and Proxy-Authorization: credentials meant for
 * a proxy on the way, never for the script (RFC 3875 4.1.18 asks to remove
 * authentication fields; Apache withholds it even where it passes
 * Authorization). */
static const char *const cgi_env_never[] = {
	"Content-Length", "Content-Type", "Transfer-Encoding", "Proxy", "Redirect-Status",
	"Proxy-Authorization",
};

/* Only letters, digits and '-' make a name whose HTTP_* form is unique and
 * usable; '_' would let "X_Foo" pose as "X-Foo", and the other tchars
 * would give names no shell can read. Such fields are dropped (as nginx's
 * ignore_invalid_headers does). */
static bool cgi_env_name_ok(struct http_str n)
{
	if (n.len == 0)
		return false;
	for (size_t i = 0; i < n.len; i++) {
		unsigned char c = (unsigned char)n.p[i];

		if (!http_is_alpha(c) && !http_is_digit(c) && c != '-')
			return false;
	}
	return true;
}

static bool cgi_env_exported(struct http_str name, bool pass_authorization)
{
	if (!cgi_env_name_ok(name))
		return false;
	for (size_t i = 0; i < sizeof(cgi_env_never) / sizeof(cgi_env_never[0]); i++)
		if (http_str_eq(name, cgi_env_never[i]))
			return false;
	/* RFC 3875 4.1.18: credentials are withheld unless configured. */
	return pass_authorization || !http_str_eq(name, "Authorization");
}

/*
 * Repeated fields share one variable. Merging them by scanning the fields
 * seen before costs n^2 comparisons: 10,000 fields (limits.headers allows
 * them) took most of a second of CPU. Instead the exported fields are
 * sorted once by name, ignoring case (with names limited to letters,
 * digits and '-', two fields share an HTTP_* variable exactly when their
 * names match so), then by position, so each variable's fields lie side by
 * side in the order the client sent them: n log n in all.
 */
struct cgi_env_sort {
	const struct http_header *h;
	size_t pos;
};

static int cgi_env_cmp(const void *a, const void *b)
{
	const struct cgi_env_sort *x = a, *y = b;
	size_t n = x->h->name.len < y->h->name.len ? x->h->name.len : y->h->name.len;
	int c = strncasecmp(x->h->name.p, y->h->name.p, n);

	if (c != 0)
		return c;
	if (x->h->name.len != y->h->name.len)
		return x->h->name.len < y->h->name.len ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool cgi_env_same(struct http_str a, struct http_str b)
{
	return a.len == b.len && strncasecmp(a.p, b.p, a.len) == 0;
}

/* Appends to s (when not NULL) the values of f[0..n), joined with sep; returns the joined length. */
static size_t cgi_env_join(const struct cgi_env_sort *f, size_t n, const char *sep, char *s)
{
	size_t len = 0, seplen = strlen(sep);

	for (size_t k = 0; k < n; k++) {
		const struct http_str *v = &f[k].h->value;

		if (k > 0) {
			if (s)
				memcpy(s + len, sep, seplen);
			len += seplen;
		}
		if (s && v->len)
			memcpy(s + len, v->p, v->len);
		len += v->len;
	}
	return len;
}

/* HTTP_<NAME>=v1, v2...: name upper-cased with '-' as '_', from the n fields
 * of one name. Repeats are one list (RFC 9110 5.3, RFC 3875 4.1.18), except
 * Cookie, whose pairs are joined with "; " (RFC 6265 5.4). */
static void cgi_env_put_field(struct cgi_env_sink *s, const struct cgi_env_sort *f, size_t n)
{
	struct http_str name = f[0].h->name;
	const char *sep = http_str_eq(name, "Cookie") ? "; " : ", ";
	size_t vlen = cgi_env_join(f, n, sep, NULL);
	size_t at = sizeof("HTTP_") - 1;
	char *p = cgi_env_take(s, at + name.len + vlen + 2);

	s->n++;
	if (p == NULL)
		return;
	memcpy(p, "HTTP_", at);
	for (size_t i = 0; i < name.len; i++, at++)
		p[at] = name.p[i] == '-' ? '_' : (char)toupper((unsigned char)name.p[i]);
	p[at++] = '=';
	at += cgi_env_join(f, n, sep, p + at);
	p[at] = '\0';
}

/*
 * The exported fields, sorted (cgi_env_cmp): into local when they fit,
 * the common case, else into an allocation. *n is how many; NULL when
 * that allocation failed.
 */
#define CGI_ENV_LOCAL 64

static struct cgi_env_sort *cgi_env_sort_fields(const struct cgi_env_in *in,
						struct cgi_env_sort *local, size_t *n)
{
	const struct http_request *hr = in->hr;
	struct cgi_env_sort *f = local;

	*n = 0;
	if (hr->nheaders > CGI_ENV_LOCAL && (f = calloc(hr->nheaders, sizeof(*f))) == NULL)
		return NULL;
	for (size_t i = 0; i < hr->nheaders; i++)
		if (cgi_env_exported(hr->headers[i].name, in->pass_authorization))
			f[(*n)++] = (struct cgi_env_sort){ &hr->headers[i], i };
	qsort(f, *n, sizeof(*f), cgi_env_cmp);
	return f;
}

static void cgi_env_put_fields(struct cgi_env_sink *s, const struct cgi_env_sort *f, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && cgi_env_same(f[j].h->name, f[i].h->name); j++)
			;
		cgi_env_put_field(s, f + i, j - i);
	}
}

/* ---- the administrator's (cgi_env, pass_env) ------------------------------ */

/* Is name[0..len) among set_env[0..n)'s names? */
static bool cgi_env_in_set(char *const *set, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(set[i], name, len) == 0 && set[i][len] == '=')
			return true;
	return false;
}

/* Is name among names[0..n)? */
static bool cgi_env_listed(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* A name the configuration would refuse never gets here; if one did, it is
 * dropped rather than shadow what the server set (RFC 3875 4.1). */
static bool cgi_env_admin_ok(const char *name, size_t len)
{
	return cgi_env_name_valid(name, len) && !cgi_env_reserved(name, len);
}

static void cgi_env_put_admin(struct cgi_env_sink *s, const struct cgi_env_in *in)
{
	for (size_t i = 0; i < in->nset_env; i++) {
		const char *e = in->set_env[i], *eq = strchr(e, '=');
		struct http_str v;

		/* Merged lists name a variable once; were one named twice, the later (inner) wins. */
		if (!eq || !cgi_env_admin_ok(e, (size_t)(eq - e)) ||
		    cgi_env_in_set(in->set_env + i + 1, in->nset_env - i - 1, e, (size_t)(eq - e)))
			continue;
		v = cgi_env_lit(eq + 1);
		cgi_env_putn(s, e, (size_t)(eq - e), &v, 1);
	}
	for (size_t i = 0; in->lookup && i < in->npass_env; i++) {
		const char *name = in->pass_env[i];
		size_t len = strlen(name);
		const char *val;
		struct http_str v;

		if (!cgi_env_admin_ok(name, len) ||
		    cgi_env_in_set(in->set_env, in->nset_env, name, len) ||
		    cgi_env_listed(in->pass_env, i, name) || !(val = in->lookup(name)))
			continue;
		v = cgi_env_lit(val);
		cgi_env_putn(s, name, len, &v, 1);
	}
}

/* One pass over every variable: counting when s->envp is NULL, else writing. */
static void cgi_env_emit(struct cgi_env_sink *s, const struct cgi_env_in *in,
			 const struct cgi_env_nums *num, const struct cgi_env_sort *f, size_t nf)
{
	cgi_env_put_meta(s, in, num);
	cgi_env_put_translated(s, in);
	cgi_env_put_fields(s, f, nf);
	cgi_env_put_admin(s, in);
}

int cgi_env_build(struct cgi_env *e, const struct cgi_env_in *in)
{
	struct cgi_env_sort local[CGI_ENV_LOCAL], *f;
	struct cgi_env_sink count = { 0 }, fill = { 0 };
	struct cgi_env_nums num;
	size_t nf, array;
	int ret = -1;

	memset(e, 0, sizeof(*e));
	f = cgi_env_sort_fields(in, local, &nf);
	if (f == NULL)
		return -1;
	cgi_env_format(&num, in);
	cgi_env_emit(&count, in, &num, f, nf);
	array = (count.n + 1) * sizeof(char *);
	if (count.overflow || count.bytes > SIZE_MAX - array ||
	    (e->envp = malloc(array + count.bytes)) == NULL)
		goto out;
	fill.envp = e->envp;
	fill.p = (char *)e->envp + array;
	cgi_env_emit(&fill, in, &num, f, nf);
	e->envp[fill.n] = NULL;
	e->n = fill.n;
	ret = 0;
out:
	if (f != local)
		free(f);
	return ret;
}
