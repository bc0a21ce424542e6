/*
 * Unit tests for cgi_env: the CGI environment (RFC 3875 4.1) and its
 * security rules (httpoxy, Redirect-Status, Authorization, '_' names).
 *
 * Requests are built by hand, so these tests do not depend on http_parse.
 * Every string of a request lives in one heap arena, which lets a test spoil
 * it after the build to prove the environment holds copies.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cgi_env.h"

#ifndef PFHTTPD_VERSION
#define PFHTTPD_VERSION "dev" /* as in cgi_env.c */
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_FIELDS 8
#define MAX_EXPECT 6
#define ARENA 4096

/* The meta-variables always present with the default request. */
#define BASE_VARS 16

struct fixture {
	struct http_request hr;
	struct http_header h[MAX_FIELDS];
	struct cgi_env_in in;
	char *arena;
	size_t used;
};

/* A copy of s in the arena, as a span. */
static struct http_str fx_str(struct fixture *f, const char *s)
{
	size_t n = strlen(s);
	struct http_str r;

	ck_assert_uint_lt(f->used + n + 1, ARENA);
	memcpy(f->arena + f->used, s, n + 1);
	r.p = f->arena + f->used;
	r.len = n;
	f->used += n + 1;
	return r;
}

/* "Name: value" (value trimmed of one leading space, like http_parse). */
static void fx_field(struct fixture *f, const char *line)
{
	const char *colon = strchr(line, ':');
	struct http_header *h;
	char name[64];

	ck_assert_ptr_nonnull(colon);
	ck_assert_uint_lt(f->hr.nheaders, MAX_FIELDS);
	h = &f->h[f->hr.nheaders++];
	ck_assert_uint_lt((size_t)(colon - line), sizeof(name));
	memcpy(name, line, (size_t)(colon - line));
	name[colon - line] = '\0';
	h->name = fx_str(f, name);
	h->value = fx_str(f, colon[1] == ' ' ? colon + 2 : colon + 1);
}

static void fx_init(struct fixture *f, const char *const *fields)
{
	memset(f, 0, sizeof(*f));
	f->arena = malloc(ARENA);
	ck_assert_ptr_nonnull(f->arena);
	f->hr.method = HTTP_M_GET;
	f->hr.method_str = fx_str(f, "GET");
	f->hr.proto = fx_str(f, "HTTP/1.1");
	f->hr.major = 1;
	f->hr.minor = 1;
	f->hr.host = fx_str(f, "example.com:8080");
	f->hr.path = fx_str(f, "/cgi-bin/env.cgi/extra/path");
	f->hr.query = fx_str(f, "a=1&b=2");
	f->hr.has_query = true;
	f->hr.content_length = -1;
	f->hr.headers = f->h;
	for (size_t i = 0; fields != NULL && fields[i] != NULL; i++)
		fx_field(f, fields[i]);
	f->in = (struct cgi_env_in){
		.hr = &f->hr,
		.remote_addr = "192.0.2.7",
		.remote_port = 54321,
		.server_port = 8080,
		.server_name = "conf.example",
		.document_root = "/srv/www",
		.script_name = "/cgi-bin/env.cgi",
		.script_filename = "/srv/www/cgi-bin/env.cgi",
		.path_info = "/extra/path",
		.content_length = -1,
		.path = "/usr/bin:/bin",
	};
}

/* The structural promises every environment keeps: NULL-terminated at n,
 * every entry NAME=value, no NAME twice. */
static void check_shape(const struct cgi_env *e, int line)
{
	size_t n = 0;

	ck_assert_ptr_nonnull(e->envp);
	while (e->envp[n] != NULL)
		n++;
	ck_assert_msg(n == e->n, "line %d: %zu entries before NULL, n = %zu", line, n, e->n);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(e->envp[i], '=');

		ck_assert_msg(eq != NULL && eq != e->envp[i], "line %d: \"%s\" is not NAME=value",
			      line, e->envp[i]);
		for (size_t j = 0; j < i; j++) {
			size_t len = (size_t)(eq - e->envp[i]);

			ck_assert_msg(strncmp(e->envp[j], e->envp[i], len + 1) != 0,
				      "line %d: %.*s appears twice", line, (int)len, e->envp[i]);
		}
	}
}

static void check_var(const struct cgi_env *e, const char *name, const char *want,
		      int line, const char *desc)
{
	const char *got = cgi_env_get(e, name);

	if (want == NULL) {
		ck_assert_msg(got == NULL, "line %d (%s): %s=\"%s\" should be unset",
			      line, desc, name, got);
		return;
	}
	ck_assert_msg(got != NULL, "line %d (%s): %s unset, want \"%s\"", line, desc, name, want);
	ck_assert_msg(strcmp(got, want) == 0, "line %d (%s): %s=\"%s\", want \"%s\"",
		      line, desc, name, got, want);
}

/* ---- every variable of the default request ------------------------------- */

struct var_expect {
	const char *name;
	const char *want; /* NULL: must be unset */
};

static const char *const default_fields[] = {
	"Host: example.com:8080", "User-Agent: test/1.0", NULL,
};

static const struct var_expect default_vars[] = {
	{ "GATEWAY_INTERFACE", "CGI/1.1" },
	{ "SERVER_SOFTWARE",   "pfhttpd/" PFHTTPD_VERSION },
	{ "SERVER_NAME",       "example.com" },
	{ "SERVER_PORT",       "8080" },
	{ "SERVER_PROTOCOL",   "HTTP/1.1" },
	{ "REQUEST_METHOD",    "GET" },
	{ "QUERY_STRING",      "a=1&b=2" },
	{ "SCRIPT_NAME",       "/cgi-bin/env.cgi" },
	{ "PATH_INFO",         "/extra/path" },
	{ "PATH_TRANSLATED",   "/srv/www/extra/path" },
	{ "SCRIPT_FILENAME",   "/srv/www/cgi-bin/env.cgi" },
	{ "DOCUMENT_ROOT",     "/srv/www" },
	{ "REQUEST_URI",       "/cgi-bin/env.cgi/extra/path?a=1&b=2" },
	{ "REMOTE_ADDR",       "192.0.2.7" },
	{ "REMOTE_PORT",       "54321" },
	{ "REDIRECT_STATUS",   "200" },
	{ "REDIRECT_URL",      NULL },
	{ "REDIRECT_QUERY_STRING", NULL },
	{ "REDIRECT_REQUEST_METHOD", NULL },
	{ "PATH",              "/usr/bin:/bin" },
	{ "HTTP_HOST",         "example.com:8080" },
	{ "HTTP_USER_AGENT",   "test/1.0" },
	{ "CONTENT_LENGTH",    NULL },
	{ "CONTENT_TYPE",      NULL },
	{ "AUTH_TYPE",         NULL },
	{ "REMOTE_USER",       NULL },
};

START_TEST(test_default_vars)
{
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, default_fields);
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_shape(&e, __LINE__);
	for (size_t i = 0; i < NELEM(default_vars); i++)
		check_var(&e, default_vars[i].name, default_vars[i].want, __LINE__, "default");
	/* Exactly the 17 set above plus the two fields. */
	ck_assert_uint_eq(e.n, BASE_VARS + 1 + 2);
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

/* ---- variations ------------------------------------------------------------ */

struct env_case {
	int line;
	const char *desc;
	void (*tweak)(struct fixture *f);   /* NULL: the default request */
	const char *fields[MAX_FIELDS];     /* NULL-terminated */
	size_t count;                       /* entries expected in envp */
	struct var_expect want[MAX_EXPECT]; /* up to the first NULL name */
};

static void tw_no_host(struct fixture *f) { f->hr.host = fx_str(f, ""); }
static void tw_host_plain(struct fixture *f) { f->hr.host = fx_str(f, "example.org"); }
static void tw_host_v6_port(struct fixture *f) { f->hr.host = fx_str(f, "[::1]:8080"); }
static void tw_host_v6(struct fixture *f) { f->hr.host = fx_str(f, "[2001:db8::1]"); }
static void tw_host_v4_port(struct fixture *f) { f->hr.host = fx_str(f, "192.0.2.1:80"); }
static void tw_no_query(struct fixture *f)
{
	f->hr.query = (struct http_str){ NULL, 0 };
	f->hr.has_query = false;
}
static void tw_empty_query(struct fixture *f) { f->hr.query = fx_str(f, ""); }
static void tw_no_path_info(struct fixture *f) { f->in.path_info = ""; }
static void tw_root_slash(struct fixture *f) { f->in.document_root = "/srv/www/"; }
static void tw_cl_zero(struct fixture *f) { f->in.content_length = 0; }
static void tw_cl_1234(struct fixture *f) { f->in.content_length = 1234; }
static void tw_cl_max(struct fixture *f) { f->in.content_length = INT64_MAX; }
static void tw_post(struct fixture *f)
{
	f->hr.method = HTTP_M_POST;
	f->hr.method_str = fx_str(f, "POST");
	f->in.content_length = 7;
}
static void tw_auth(struct fixture *f)
{
	f->in.auth_type = "Basic";
	f->in.remote_user = "alice";
}
static void tw_http10(struct fixture *f) { f->hr.proto = fx_str(f, "HTTP/1.0"); }
static void tw_other_method(struct fixture *f)
{
	f->hr.method = HTTP_M_OTHER;
	f->hr.method_str = fx_str(f, "BREW");
}
static void tw_pass_auth(struct fixture *f) { f->in.pass_authorization = true; }
static void tw_vhost(struct fixture *f) { f->in.vhost = true; }
static void tw_vhost_no_host(struct fixture *f) { f->in.vhost = true; f->hr.host = (struct http_str){ "", 0 }; }
/* An error page run as a script for a POST to /missing?q=1 that found nothing. */
static void tw_error_page(struct fixture *f)
{
	f->in.redirect_status = 404;
	f->in.redirect_url = fx_str(f, "/missing");
	f->in.redirect_query = fx_str(f, "q=1");
	f->in.redirect_method = fx_str(f, "POST");
}
static void tw_error_page_noq(struct fixture *f)
{
	f->in.redirect_status = 500;
	f->in.redirect_url = fx_str(f, "/boom");
	f->in.redirect_query = (struct http_str){ NULL, 0 };
	f->in.redirect_method = fx_str(f, "GET");
}

/* real_ip named another client: the proxy is the peer. */
static void tw_peer(struct fixture *f)
{
	f->in.peer_addr = "10.0.0.1";
	f->in.peer_port = 4711;
}

#define B (BASE_VARS + 1) /* with the default PATH_INFO, PATH_TRANSLATED is set */

static const struct env_case env_cases[] = {
	/* SERVER_NAME */
	{ __LINE__, "no Host: conf server_name", tw_no_host, { NULL }, B,
	  { { "SERVER_NAME", "conf.example" } } },
	{ __LINE__, "host without port", tw_host_plain, { NULL }, B,
	  { { "SERVER_NAME", "example.org" } } },
	{ __LINE__, "IPv6 host with port", tw_host_v6_port, { NULL }, B,
	  { { "SERVER_NAME", "[::1]" } } },
	{ __LINE__, "IPv6 host without port", tw_host_v6, { NULL }, B,
	  { { "SERVER_NAME", "[2001:db8::1]" } } },
	{ __LINE__, "IPv4 host with port", tw_host_v4_port, { NULL }, B,
	  { { "SERVER_NAME", "192.0.2.1" } } },
	{ __LINE__, "a vhost: its server_name, not the Host", tw_vhost, { NULL }, B,
	  { { "SERVER_NAME", "conf.example" } } },
	{ __LINE__, "a vhost without Host: its server_name", tw_vhost_no_host, { NULL }, B,
	  { { "SERVER_NAME", "conf.example" } } },
	/* request line */
	{ __LINE__, "no query: empty QUERY_STRING, no '?' in REQUEST_URI", tw_no_query, { NULL }, B,
	  { { "QUERY_STRING", "" }, { "REQUEST_URI", "/cgi-bin/env.cgi/extra/path" } } },
	{ __LINE__, "empty query after '?': kept in REQUEST_URI", tw_empty_query, { NULL }, B,
	  { { "QUERY_STRING", "" }, { "REQUEST_URI", "/cgi-bin/env.cgi/extra/path?" } } },
	{ __LINE__, "protocol as sent", tw_http10, { NULL }, B,
	  { { "SERVER_PROTOCOL", "HTTP/1.0" } } },
	{ __LINE__, "unknown method as sent", tw_other_method, { NULL }, B,
	  { { "REQUEST_METHOD", "BREW" } } },
	/* PATH_INFO / PATH_TRANSLATED */
	{ __LINE__, "no path info", tw_no_path_info, { NULL }, BASE_VARS,
	  { { "PATH_INFO", "" }, { "PATH_TRANSLATED", NULL } } },
	{ __LINE__, "root with trailing slash", tw_root_slash, { NULL }, B,
	  { { "PATH_TRANSLATED", "/srv/www/extra/path" }, { "DOCUMENT_ROOT", "/srv/www/" } } },
	/* body */
	{ __LINE__, "no body: no CONTENT_LENGTH", NULL, { NULL }, B,
	  { { "CONTENT_LENGTH", NULL }, { "CONTENT_TYPE", NULL } } },
	{ __LINE__, "chunked, empty: \"0\"", tw_cl_zero, { NULL }, B + 1,
	  { { "CONTENT_LENGTH", "0" } } },
	{ __LINE__, "length 1234", tw_cl_1234, { NULL }, B + 1,
	  { { "CONTENT_LENGTH", "1234" } } },
	{ __LINE__, "largest length", tw_cl_max, { NULL }, B + 1,
	  { { "CONTENT_LENGTH", "9223372036854775807" } } },
	{ __LINE__, "POST form", tw_post,
	  { "Content-Type: application/x-www-form-urlencoded", "Content-Length: 7", NULL }, B + 2,
	  { { "CONTENT_TYPE", "application/x-www-form-urlencoded" }, { "CONTENT_LENGTH", "7" },
	    { "HTTP_CONTENT_TYPE", NULL }, { "HTTP_CONTENT_LENGTH", NULL }, { "REQUEST_METHOD", "POST" } } },
	{ __LINE__, "Content-Type without body", NULL, { "content-type: text/plain", NULL }, B + 1,
	  { { "CONTENT_TYPE", "text/plain" }, { "CONTENT_LENGTH", NULL } } },
	{ __LINE__, "Transfer-Encoding not exported", tw_cl_zero, { "Transfer-Encoding: chunked", NULL }, B + 1,
	  { { "HTTP_TRANSFER_ENCODING", NULL }, { "CONTENT_LENGTH", "0" } } },
	/* real_ip */
	{ __LINE__, "without real_ip: no PFHTTPD_PEER_*", NULL, { NULL }, B,
	  { { "PFHTTPD_PEER_ADDR", NULL }, { "PFHTTPD_PEER_PORT", NULL } } },
	{ __LINE__, "real_ip: the proxy as PFHTTPD_PEER_*", tw_peer, { NULL }, B + 2,
	  { { "PFHTTPD_PEER_ADDR", "10.0.0.1" }, { "PFHTTPD_PEER_PORT", "4711" },
	    { "REMOTE_ADDR", "192.0.2.7" } } },
	/* authentication */
	{ __LINE__, "AUTH_TYPE and REMOTE_USER", tw_auth, { NULL }, B + 2,
	  { { "AUTH_TYPE", "Basic" }, { "REMOTE_USER", "alice" } } },
	{ __LINE__, "Authorization withheld", NULL, { "Authorization: Basic YTpi", NULL }, B,
	  { { "HTTP_AUTHORIZATION", NULL } } },
	{ __LINE__, "authorization (any case) withheld", NULL, { "AUTHORIZATION: Basic YTpi", NULL }, B,
	  { { "HTTP_AUTHORIZATION", NULL } } },
	{ __LINE__, "Authorization passed when configured", tw_pass_auth, { "Authorization: Basic YTpi", NULL }, B + 1,
	  { { "HTTP_AUTHORIZATION", "Basic YTpi" } } },
	{ __LINE__, "Proxy-Authorization withheld (RFC 3875 4.1.18)", NULL,
	  { "Proxy-Authorization: Basic YTpi", NULL }, B,
	  { { "HTTP_PROXY_AUTHORIZATION", NULL } } },
	{ __LINE__, "proxy-authorization (any case) withheld", NULL,
	  { "PROXY-AUTHORIZATION: Basic YTpi", "proxy-authorization: x", NULL }, B,
	  { { "HTTP_PROXY_AUTHORIZATION", NULL } } },
	{ __LINE__, "Proxy-Authorization withheld even with pass_authorization", tw_pass_auth,
	  { "Authorization: Basic YTpi", "Proxy-Authorization: Basic cHJveHk=", NULL }, B + 1,
	  { { "HTTP_AUTHORIZATION", "Basic YTpi" }, { "HTTP_PROXY_AUTHORIZATION", NULL } } },
	{ __LINE__, "Proxy_Authorization spelled with underscore dropped", NULL,
	  { "Proxy_Authorization: Basic YTpi", NULL }, B,
	  { { "HTTP_PROXY_AUTHORIZATION", NULL } } },
	/* an error page run as a script (Apache's ErrorDocument) */
	{ __LINE__, "error page: REDIRECT_* of the original request", tw_error_page, { NULL }, B + 3,
	  { { "REDIRECT_STATUS", "404" }, { "REDIRECT_URL", "/missing" },
	    { "REDIRECT_QUERY_STRING", "q=1" }, { "REDIRECT_REQUEST_METHOD", "POST" },
	    { "REQUEST_METHOD", "GET" } } },
	{ __LINE__, "error page: REDIRECT_QUERY_STRING set when empty", tw_error_page_noq, { NULL }, B + 3,
	  { { "REDIRECT_STATUS", "500" }, { "REDIRECT_URL", "/boom" },
	    { "REDIRECT_QUERY_STRING", "" }, { "REDIRECT_REQUEST_METHOD", "GET" } } },
	{ __LINE__, "error page: a client's Redirect-Status still dropped", tw_error_page,
	  { "Redirect-Status: 200", NULL }, B + 3,
	  { { "REDIRECT_STATUS", "404" }, { "HTTP_REDIRECT_STATUS", NULL } } },
	/* name mangling */
	{ __LINE__, "dashes become underscores", NULL, { "X-Forwarded-For: 198.51.100.1", NULL }, B + 1,
	  { { "HTTP_X_FORWARDED_FOR", "198.51.100.1" } } },
	{ __LINE__, "mixed case upper-cased", NULL, { "accept-LANGUAGE: en", NULL }, B + 1,
	  { { "HTTP_ACCEPT_LANGUAGE", "en" } } },
	{ __LINE__, "digits kept", NULL, { "X-B3-TraceId: 42", NULL }, B + 1,
	  { { "HTTP_X_B3_TRACEID", "42" } } },
	{ __LINE__, "empty value kept", NULL, { "X-Empty:", NULL }, B + 1,
	  { { "HTTP_X_EMPTY", "" } } },
	/* joining */
	{ __LINE__, "repeats joined with comma", NULL, { "Accept: text/html", "Accept: */*", NULL }, B + 1,
	  { { "HTTP_ACCEPT", "text/html, */*" } } },
	{ __LINE__, "three repeats, any case", NULL, { "X-A: 1", "x-a: 2", "X-a: 3", NULL }, B + 1,
	  { { "HTTP_X_A", "1, 2, 3" } } },
	{ __LINE__, "interleaved in order", NULL, { "X-A: 1", "X-B: x", "X-A: 2", NULL }, B + 2,
	  { { "HTTP_X_A", "1, 2" }, { "HTTP_X_B", "x" } } },
	{ __LINE__, "repeat with empty value", NULL, { "X-A: 1", "X-A:", NULL }, B + 1,
	  { { "HTTP_X_A", "1, " } } },
	{ __LINE__, "Cookie joined with semicolon", NULL, { "Cookie: a=1", "cookie: b=2", NULL }, B + 1,
	  { { "HTTP_COOKIE", "a=1; b=2" } } },
	{ __LINE__, "single Cookie untouched", NULL, { "Cookie: a=1; b=2", NULL }, B + 1,
	  { { "HTTP_COOKIE", "a=1; b=2" } } },
	/* httpoxy, CVE-2016-5385 */
	{ __LINE__, "Proxy never HTTP_PROXY", NULL, { "Proxy: http://evil:3128", NULL }, B,
	  { { "HTTP_PROXY", NULL }, { "PATH", "/usr/bin:/bin" } } },
	{ __LINE__, "Proxy beside Proxy-Authorization", NULL,
	  { "Proxy: http://evil", "Proxy-Authorization: Basic YTpi", "Proxy-Connection: x", NULL }, B + 1,
	  { { "HTTP_PROXY", NULL }, { "HTTP_PROXY_AUTHORIZATION", NULL },
	    { "HTTP_PROXY_CONNECTION", "x" } } },
	{ __LINE__, "proxy lower case", NULL, { "proxy: http://evil", "X-A: 1", NULL }, B + 1,
	  { { "HTTP_PROXY", NULL }, { "HTTP_X_A", "1" } } },
	{ __LINE__, "Proxy_ spelled with underscore", NULL, { "Http_Proxy: http://evil", NULL }, B,
	  { { "HTTP_HTTP_PROXY", NULL }, { "HTTP_PROXY", NULL } } },
	/* CVE-2024-8927 */
	{ __LINE__, "Redirect-Status dropped", NULL, { "Redirect-Status: 404", NULL }, B,
	  { { "REDIRECT_STATUS", "200" }, { "HTTP_REDIRECT_STATUS", NULL } } },
	{ __LINE__, "REDIRECT-STATUS dropped", NULL, { "REDIRECT-STATUS: 1", NULL }, B,
	  { { "REDIRECT_STATUS", "200" }, { "HTTP_REDIRECT_STATUS", NULL } } },
	{ __LINE__, "Redirect_Status dropped", NULL, { "Redirect_Status: 1", NULL }, B,
	  { { "REDIRECT_STATUS", "200" }, { "HTTP_REDIRECT_STATUS", NULL } } },
	/* names that cannot become a clean variable */
	{ __LINE__, "underscore name dropped", NULL, { "X_Foo: evil", NULL }, B,
	  { { "HTTP_X_FOO", NULL } } },
	{ __LINE__, "underscore cannot pose as dash", NULL, { "X_Foo: evil", "X-Foo: good", "x_foo: evil2", NULL }, B + 1,
	  { { "HTTP_X_FOO", "good" } } },
	{ __LINE__, "dot in name dropped", NULL, { "X.Foo: 1", NULL }, B,
	  { { "HTTP_X.FOO", NULL }, { "HTTP_X_FOO", NULL } } },
	/* a field cannot override a meta-variable */
	{ __LINE__, "Path field is HTTP_PATH", NULL, { "Path: /evil", NULL }, B + 1,
	  { { "HTTP_PATH", "/evil" }, { "PATH", "/usr/bin:/bin" } } },
	{ __LINE__, "Gateway-Interface field", NULL, { "Gateway-Interface: CGI/9", NULL }, B + 1,
	  { { "HTTP_GATEWAY_INTERFACE", "CGI/9" }, { "GATEWAY_INTERFACE", "CGI/1.1" } } },
};

START_TEST(test_env_case)
{
	const struct env_case *c = &env_cases[_i];
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, c->fields);
	if (c->tweak)
		c->tweak(&f);
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_shape(&e, c->line);
	for (size_t i = 0; i < MAX_EXPECT && c->want[i].name != NULL; i++)
		check_var(&e, c->want[i].name, c->want[i].want, c->line, c->desc);
	ck_assert_msg(e.n == c->count, "line %d (%s): %zu variables, want %zu",
		      c->line, c->desc, e.n, c->count);
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

/* ---- isolation and ownership --------------------------------------------- */

/* Nothing of the server's own environment reaches the script. */
START_TEST(test_no_environ_leak)
{
	static const char *const fields[] = { "Accept: */*", NULL };
	struct fixture f;
	struct cgi_env e;

	ck_assert_int_eq(setenv("PFHTTPD_TEST_LEAK", "leaked", 1), 0);
	ck_assert_int_eq(setenv("HTTP_PROXY", "http://leaked", 1), 0);
	ck_assert_int_eq(setenv("HTTP_USER_AGENT", "leaked", 1), 0);
	ck_assert_int_eq(setenv("PATH", "/leaked", 1), 0);
	fx_init(&f, fields);
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_var(&e, "PFHTTPD_TEST_LEAK", NULL, __LINE__, "environ");
	check_var(&e, "HTTP_PROXY", NULL, __LINE__, "environ");
	check_var(&e, "HTTP_USER_AGENT", NULL, __LINE__, "environ");
	check_var(&e, "PATH", "/usr/bin:/bin", __LINE__, "environ");
	for (size_t i = 0; i < e.n; i++)
		ck_assert_msg(strstr(e.envp[i], "leaked") == NULL, "leak: %s", e.envp[i]);
	ck_assert_uint_eq(e.n, B + 1);
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

/* Values are copies: spoiling the request's buffer changes nothing. */
START_TEST(test_values_copied)
{
	static const char *const fields[] = {
		"Host: example.com:8080", "Content-Type: text/plain", "Cookie: a=1", "Cookie: b=2", NULL,
	};
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, fields);
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	memset(f.arena, 'Z', ARENA);
	free(f.arena); /* ASan reports any pointer still into it */
	check_var(&e, "REQUEST_METHOD", "GET", __LINE__, "copied");
	check_var(&e, "SERVER_PROTOCOL", "HTTP/1.1", __LINE__, "copied");
	check_var(&e, "SERVER_NAME", "example.com", __LINE__, "copied");
	check_var(&e, "QUERY_STRING", "a=1&b=2", __LINE__, "copied");
	check_var(&e, "CONTENT_TYPE", "text/plain", __LINE__, "copied");
	check_var(&e, "HTTP_HOST", "example.com:8080", __LINE__, "copied");
	check_var(&e, "HTTP_COOKIE", "a=1; b=2", __LINE__, "copied");
	cgi_env_free(&e);
}
END_TEST

/* Many fields: the array grows and stays NULL-terminated. */
START_TEST(test_many_fields)
{
	enum { N = 200 };
	struct http_header *h = calloc(N, sizeof(*h));
	char (*names)[16] = calloc(N, sizeof(*names));
	struct fixture f;
	struct cgi_env e;

	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(names);
	fx_init(&f, NULL);
	for (size_t i = 0; i < N; i++) {
		int w = snprintf(names[i], sizeof(names[i]), "X-F%zu", i);

		ck_assert(w > 0 && (size_t)w < sizeof(names[i]));
		h[i].name = (struct http_str){ names[i], (size_t)w };
		h[i].value = (struct http_str){ "v", 1 };
	}
	f.hr.headers = h;
	f.hr.nheaders = N;
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_shape(&e, __LINE__);
	ck_assert_uint_eq(e.n, B + N);
	check_var(&e, "HTTP_X_F0", "v", __LINE__, "many");
	check_var(&e, "HTTP_X_F199", "v", __LINE__, "many");
	cgi_env_free(&e);
	free(names);
	free(h);
	free(f.arena);
}
END_TEST

/*
 * 10,000 fields, each name twice and the two apart (X-F0 ... X-F4999, then
 * again), mixed with fields that are never exported: every variable holds
 * its two values in the order sent.
 */
START_TEST(test_ten_thousand_fields)
{
	enum { N = 10000, HALF = N / 2 };
	struct http_header *h = calloc(N + 2, sizeof(*h));
	char (*names)[16] = calloc(N, sizeof(*names));
	char (*values)[16] = calloc(N, sizeof(*values));
	char name[32], want[40];
	struct fixture f;
	struct cgi_env e;

	ck_assert(h && names && values);
	fx_init(&f, NULL);
	for (size_t i = 0; i < N; i++) {
		int w = snprintf(names[i], sizeof(names[i]), i % 2 ? "x-f%zu" : "X-F%zu", i % HALF);
		int v = snprintf(values[i], sizeof(values[i]), "v%zu", i);

		ck_assert(w > 0 && (size_t)w < sizeof(names[i]) && v > 0);
		h[i].name = (struct http_str){ names[i], (size_t)w };
		h[i].value = (struct http_str){ values[i], (size_t)v };
	}
	h[N] = (struct http_header){ { "Proxy-Authorization", 19 }, { "Basic YTpi", 10 } };
	h[N + 1] = (struct http_header){ { "Proxy", 5 }, { "http://evil", 11 } };
	f.hr.headers = h;
	f.hr.nheaders = N + 2;
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	ck_assert_uint_eq(e.n, B + HALF);
	for (size_t i = 0; i < HALF; i += 499) {
		snprintf(name, sizeof(name), "HTTP_X_F%zu", i);
		snprintf(want, sizeof(want), "v%zu, v%zu", i, i + HALF);
		check_var(&e, name, want, __LINE__, "10,000 fields");
	}
	check_var(&e, "HTTP_PROXY_AUTHORIZATION", NULL, __LINE__, "10,000 fields");
	check_var(&e, "HTTP_PROXY", NULL, __LINE__, "10,000 fields");
	cgi_env_free(&e);
	free(values);
	free(names);
	free(h);
	free(f.arena);
}
END_TEST

/*
 * Linear time (the case's 8 s timeout is the assertion): 100,000 distinct
 * names took about 40 s when each field was compared with all before it,
 * and take a fraction of a second sorted (a few seconds under ASan).
 */
START_TEST(test_fields_scale)
{
	enum { N = 100000 };
	struct http_header *h = calloc(N, sizeof(*h));
	char (*names)[16] = calloc(N, sizeof(*names));
	struct fixture f;
	struct cgi_env e;

	ck_assert(h && names);
	fx_init(&f, NULL);
	for (size_t i = 0; i < N; i++) {
		int w = snprintf(names[i], sizeof(names[i]), "X-%zu", (i * 7919) % N);

		ck_assert(w > 0 && (size_t)w < sizeof(names[i]));
		h[i].name = (struct http_str){ names[i], (size_t)w };
		h[i].value = (struct http_str){ "v", 1 };
	}
	f.hr.headers = h;
	f.hr.nheaders = N;
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	ck_assert_uint_eq(e.n, B + N);
	check_var(&e, "HTTP_X_99999", "v", __LINE__, "scale");
	cgi_env_free(&e);
	free(names);
	free(h);
	free(f.arena);
}
END_TEST

START_TEST(test_free_resets)
{
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, default_fields);
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	cgi_env_free(&e);
	ck_assert_ptr_null(e.envp);
	ck_assert_uint_eq(e.n, 0);
	cgi_env_free(&e); /* a second free is harmless */
	ck_assert_ptr_null(cgi_env_get(&e, "PATH"));
	free(f.arena);
}
END_TEST

/* ---- the administrator's variables (cgi_env, pass_env) ------------------------- */

/* A fixed environment for pass_env: the test's own, not the process's. */
static char *fake_lookup(const char *name)
{
	static char tz[] = "Europe/Paris", lang[] = "C.UTF-8", empty[] = "", evil[] = "/tmp/evil.so";

	if (strcmp(name, "TZ") == 0)
		return tz;
	if (strcmp(name, "LANG") == 0)
		return lang;
	if (strcmp(name, "EMPTY") == 0)
		return empty;
	if (strcmp(name, "LD_PRELOAD") == 0 || strcmp(name, "SERVER_NAME") == 0 ||
	    strcmp(name, "APP_ENV") == 0)
		return evil;
	return NULL;
}

struct admin_case {
	int line;
	const char *desc;
	const char *set[4];          /* cgi_env entries, NULL-terminated */
	const char *pass[4];         /* pass_env names, NULL-terminated */
	bool lookup;                 /* give fake_lookup (else NULL: no pass_env) */
	size_t added;                /* variables beyond the default request's */
	struct var_expect want[MAX_EXPECT];
};

static const struct admin_case admin_cases[] = {
	{ __LINE__, "none", { NULL }, { NULL }, true, 0, { { "APP_ENV", NULL } } },
	{ __LINE__, "cgi_env entries, in order", { "APP_ENV=production", "b=x=y", NULL }, { NULL },
	  true, 2, { { "APP_ENV", "production" }, { "b", "x=y" } } },
	{ __LINE__, "an empty value", { "EMPTY_ONE=", NULL }, { NULL }, true, 1,
	  { { "EMPTY_ONE", "" } } },
	{ __LINE__, "pass_env values", { NULL }, { "TZ", "LANG", NULL }, true, 2,
	  { { "TZ", "Europe/Paris" }, { "LANG", "C.UTF-8" } } },
	{ __LINE__, "pass_env: a name not in the environment is left out", { NULL },
	  { "NOT_SET", "TZ", NULL }, true, 1, { { "NOT_SET", NULL }, { "TZ", "Europe/Paris" } } },
	{ __LINE__, "pass_env: an empty value is a value", { NULL }, { "EMPTY", NULL }, true, 1,
	  { { "EMPTY", "" } } },
	{ __LINE__, "pass_env without a lookup: nothing", { NULL }, { "TZ", NULL }, false, 0,
	  { { "TZ", NULL } } },
	{ __LINE__, "pass_env named twice: once", { NULL }, { "TZ", "TZ", NULL }, true, 1,
	  { { "TZ", "Europe/Paris" } } },
	{ __LINE__, "cgi_env beats pass_env for one name", { "APP_ENV=set", NULL },
	  { "APP_ENV", NULL }, true, 1, { { "APP_ENV", "set" } } },
	{ __LINE__, "cgi_env named twice: the later (inner) wins", { "A=outer", "A=inner", NULL },
	  { NULL }, true, 1, { { "A", "inner" } } },
	/* What the configuration refuses never shadows a meta-variable here either. */
	{ __LINE__, "cgi_env SERVER_NAME dropped", { "SERVER_NAME=evil", NULL }, { NULL }, true, 0,
	  { { "SERVER_NAME", "example.com" } } },
	{ __LINE__, "cgi_env PATH dropped", { "PATH=/tmp", NULL }, { NULL }, true, 0,
	  { { "PATH", "/usr/bin:/bin" } } },
	{ __LINE__, "cgi_env HTTP_HOST dropped", { "HTTP_HOST=evil", NULL }, { NULL }, true, 0,
	  { { "HTTP_HOST", "example.com:8080" } } },
	{ __LINE__, "cgi_env REQUEST_URI dropped", { "REQUEST_URI=/evil", NULL }, { NULL }, true, 0,
	  { { "REQUEST_URI", "/cgi-bin/env.cgi/extra/path?a=1&b=2" } } },
	{ __LINE__, "pass_env SERVER_NAME dropped", { NULL }, { "SERVER_NAME", NULL }, true, 0,
	  { { "SERVER_NAME", "example.com" } } },
	{ __LINE__, "cgi_env without '=' dropped", { "NOEQ", NULL }, { NULL }, true, 0,
	  { { "NOEQ", NULL } } },
	{ __LINE__, "cgi_env bad name dropped", { "A-B=1", "=x", "1A=1", NULL }, { NULL }, true, 0,
	  { { "A-B", NULL } } },
	{ __LINE__, "pass_env bad name dropped", { NULL }, { "A-B", "", NULL }, true, 0,
	  { { "A-B", NULL } } },
};

START_TEST(test_admin_case)
{
	const struct admin_case *c = &admin_cases[_i];
	static const char *const fields[] = { "Host: example.com:8080", NULL };
	char *set[4], *pass[4];
	size_t nset = 0, npass = 0;
	struct fixture f;
	struct cgi_env e;

	for (; c->set[nset]; nset++)
		set[nset] = (char *)c->set[nset];
	for (; c->pass[npass]; npass++)
		pass[npass] = (char *)c->pass[npass];
	fx_init(&f, fields);
	f.in.set_env = set;
	f.in.nset_env = nset;
	f.in.pass_env = pass;
	f.in.npass_env = npass;
	f.in.lookup = c->lookup ? fake_lookup : NULL;
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_shape(&e, c->line);
	for (size_t i = 0; i < MAX_EXPECT && c->want[i].name != NULL; i++)
		check_var(&e, c->want[i].name, c->want[i].want, c->line, c->desc);
	/* B, and HTTP_HOST. */
	ck_assert_msg(e.n == B + 1 + c->added, "line %d (%s): %zu variables, want %zu",
		      c->line, c->desc, e.n, (size_t)(B + 1 + c->added));
	/* After the meta-variables and the request's fields: the last ones. */
	if (c->added)
		ck_assert_msg(strncmp(e.envp[e.n - c->added], "HTTP_", 5) != 0,
			      "line %d: the administrator's variables come last", c->line);
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

START_TEST(test_server_software)
{
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, NULL);
	f.in.server_software = "pfhttpd";
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	check_var(&e, "SERVER_SOFTWARE", "pfhttpd", __LINE__, "server_tokens = false");
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

struct name_case {
	int line;
	const char *desc;
	const char *name;
	bool valid, reserved;
};

static const struct name_case name_cases[] = {
	{ __LINE__, "plain", "APP_ENV", true, false },
	{ __LINE__, "lower case", "app_env", true, false },
	{ __LINE__, "underscore first", "_X", true, false },
	{ __LINE__, "TZ", "TZ", true, false },
	{ __LINE__, "like a family, but not one", "HTTPX", true, false },
	{ __LINE__, "SERVER without '_'", "SERVER", true, false },
	{ __LINE__, "PATH_ prefix alone is not a family", "PATH_X", true, false },
	{ __LINE__, "lower-case http_ is not HTTP_", "http_x", true, false },
	{ __LINE__, "empty", "", false, false },
	{ __LINE__, "digit first", "1A", false, false },
	{ __LINE__, "dash", "A-B", false, false },
	{ __LINE__, "dot", "A.B", false, false },
	{ __LINE__, "space", "A B", false, false },
	{ __LINE__, "non-ASCII", "\xc3\xa9", false, false },
	{ __LINE__, "HTTP_*", "HTTP_HOST", true, true },
	{ __LINE__, "HTTP_ alone", "HTTP_", true, true },
	{ __LINE__, "REMOTE_*", "REMOTE_IDENT", true, true },
	{ __LINE__, "SERVER_*", "SERVER_ADMIN", true, true },
	{ __LINE__, "REDIRECT_*", "REDIRECT_HANDLER", true, true },
	{ __LINE__, "PFHTTPD_*", "PFHTTPD_PEER_ADDR", true, true },
	{ __LINE__, "PATH", "PATH", true, true },
	{ __LINE__, "PATH_INFO", "PATH_INFO", true, true },
	{ __LINE__, "PATH_TRANSLATED", "PATH_TRANSLATED", true, true },
	{ __LINE__, "SCRIPT_NAME", "SCRIPT_NAME", true, true },
	{ __LINE__, "SCRIPT_FILENAME", "SCRIPT_FILENAME", true, true },
	{ __LINE__, "QUERY_STRING", "QUERY_STRING", true, true },
	{ __LINE__, "REQUEST_METHOD", "REQUEST_METHOD", true, true },
	{ __LINE__, "REQUEST_URI", "REQUEST_URI", true, true },
	{ __LINE__, "CONTENT_TYPE", "CONTENT_TYPE", true, true },
	{ __LINE__, "CONTENT_LENGTH", "CONTENT_LENGTH", true, true },
	{ __LINE__, "GATEWAY_INTERFACE", "GATEWAY_INTERFACE", true, true },
	{ __LINE__, "AUTH_TYPE", "AUTH_TYPE", true, true },
	{ __LINE__, "DOCUMENT_ROOT", "DOCUMENT_ROOT", true, true },
	{ __LINE__, "a prefix of a name", "DOCUMENT_ROO", true, false },
	{ __LINE__, "a name and more", "DOCUMENT_ROOTS", true, false },
};

START_TEST(test_name_case)
{
	const struct name_case *c = &name_cases[_i];
	size_t len = strlen(c->name);

	ck_assert_msg(cgi_env_name_valid(c->name, len) == c->valid, "line %d (%s): valid",
		      c->line, c->desc);
	ck_assert_msg(cgi_env_reserved(c->name, len) == c->reserved, "line %d (%s): reserved",
		      c->line, c->desc);
}
END_TEST

/*
 * Every variable the module can write (all optional ones on) is reserved,
 * so the configuration refuses a cgi_env or pass_env name that would
 * shadow it: a variable added to cgi_env_put_meta without its name in
 * cgi_env_names fails here (and the _Static_assert there).
 */
START_TEST(test_reserved_covers_output)
{
	static const char *const fields[] = { "Content-Type: text/plain", "X-A: 1", NULL };
	struct fixture f;
	struct cgi_env e;

	fx_init(&f, fields);
	f.in.content_length = 3;
	f.in.auth_type = "Basic";
	f.in.remote_user = "u";
	f.in.redirect_status = 404;
	f.in.redirect_url = fx_str(&f, "/m");
	f.in.redirect_query = fx_str(&f, "");
	f.in.redirect_method = fx_str(&f, "GET");
	ck_assert_int_eq(cgi_env_build(&e, &f.in), 0);
	ck_assert_uint_ge(e.n, 25);
	for (size_t i = 0; i < e.n; i++)
		ck_assert_msg(cgi_env_reserved(e.envp[i], strcspn(e.envp[i], "=")),
			      "%s is set but not reserved", e.envp[i]);
	cgi_env_free(&e);
	free(f.arena);
}
END_TEST

static Suite *cgi_env_suite(void)
{
	Suite *s = suite_create("cgi_env");
	TCase *core = tcase_create("core");
	TCase *security = tcase_create("isolation");
	TCase *scale = tcase_create("scale");

	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_default_vars);
	tcase_add_loop_test(core, test_env_case, 0, NELEM(env_cases));
	tcase_add_loop_test(core, test_admin_case, 0, NELEM(admin_cases));
	tcase_add_loop_test(core, test_name_case, 0, NELEM(name_cases));
	tcase_add_test(core, test_reserved_covers_output);
	tcase_add_test(core, test_server_software);
	suite_add_tcase(s, core);

	tcase_set_timeout(security, 5);
	tcase_add_test(security, test_no_environ_leak);
	tcase_add_test(security, test_values_copied);
	tcase_add_test(security, test_many_fields);
	tcase_add_test(security, test_free_resets);
	tcase_add_test(security, test_ten_thousand_fields);
	suite_add_tcase(s, security);

	tcase_set_timeout(scale, 8); /* was about 40 s; under ASan on a loaded machine now about 3 s */
	tcase_add_test(scale, test_fields_scale);
	suite_add_tcase(s, scale);
	return s;
}

int main(void)
{
	return unit_run(cgi_env_suite());
}
