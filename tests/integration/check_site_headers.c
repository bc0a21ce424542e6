/*
 * check_site_headers — the per-path settings of issue 10 that shape a
 * response or a script's environment, through the real binary: headers on
 * every kind of response (static 200, 206, 304, HEAD, a redirect, the
 * configured and the built-in error page, a script's, where a script's own
 * field wins), server_tokens, charset (the path's on static text types,
 * none on images, none with "", never on a script's Content-Type), cgi_env
 * and pass_env reaching a script, a vhost's own values, and
 * -t refusing a name that would shadow a meta-variable.
 * (Named check_site_headers: no unit suite shares the name.)
 */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];

#define NOSNIFF "nosniff"
#define CACHE   "public, max-age=60"

/* A script that sends its own Cache-Control and a plain Content-Type. */
static const char own_fields_sh[] =
	"#!/bin/sh\n"
	"printf 'Content-Type: text/plain\\r\\nCache-Control: no-store\\r\\n\\r\\nown\\n'\n";

/*
 * The top level: security headers, two Link fields, server_tokens off,
 * cgi_env and pass_env (HDRS_TZ is put in the server's environment,
 * HDRS_ABSENT is not). latin.test: its own headers and cgi_env, charset
 * iso-8859-1. plain.test: charset "". Both serve the same htdocs.
 */
static const char site_conf[] =
	"headers = [ \"X-Content-Type-Options: " NOSNIFF "\",\n"
	"            \"Cache-Control: " CACHE "\",\n"
	"            \"Link: </a.css>; rel=preload\", \"Link: </b.js>; rel=preload\" ];\n"
	"server_tokens = false;\n"
	"cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\"; };\n"
	"cgi_env = { APP_ENV = \"production\"; app_mode = \"a=b c\"; };\n"
	"pass_env = [ \"HDRS_TZ\", \"HDRS_ABSENT\" ];\n"
	"vhosts = (\n"
	"  { server_name = \"latin.test\";\n"
	"    headers = [ \"X-Site: latin\" ];\n"
	"    charset = \"iso-8859-1\";\n"
	"    cgi_env = { APP_ENV = \"staging\"; }; },\n"
	"  { server_name = \"plain.test\"; charset = \"\"; }\n"
	");\n";

/*
 * Per path (issue 10's locations): /sub/ replaces the top level's
 * Cache-Control (one name: the inner wins) and has its own charset; the
 * scripts under = /cgi-bin/env_dump.sh get their own APP_ENV and a field.
 */
static const char locations_conf[] =
	"locations = (\n"
	"  { path = \"/sub/\"; headers = [ \"cache-control: no-cache\", \"X-Loc: sub\" ];\n"
	"    charset = \"iso-8859-2\"; },\n"
	"  { path = \"= /cgi-bin/env_dump.sh\"; headers = [ \"X-Loc: env\" ];\n"
	"    cgi_env = { APP_ENV = \"location\"; LOC_ONLY = \"1\"; }; }\n"
	");\n";

static void start_with(const char *more)
{
	char path[HS_PATH + 32], conf[sizeof(site_conf) + 1024];

	ck_assert_int_eq(setenv("HDRS_TZ", "Europe/Paris", 1), 0);
	ck_assert_int_eq(unsetenv("HDRS_ABSENT"), 0);
	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "cgi-bin/own_fields.sh", own_fields_sh), 0);
	snprintf(path, sizeof(path), "%s/cgi-bin/own_fields.sh", srv.root);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/style.css", "p { color: red }\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/pixel.png", "\x89PNG\r\n\x1a\n"), 0);
	hs_open_root(&srv);
	snprintf(conf, sizeof(conf), "%s%s", site_conf, more);
	if (hs_start(&srv, conf, text, sizeof(text)) != 0)
		ck_abort_msg("cannot start %s: %s", hs_bin(), text);
}

static void start(void)
{
	start_with("");
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* One request for path on host (extra: more header lines), one response. */
static void ask(const char *method, const char *host, const char *path, const char *extra)
{
	char req[2048];

	snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n",
		 method, path, host, extra ? extra : "");
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %s", req);
}

/* The top level's configured fields, each exactly as often as configured. */
static void top_fields(int line)
{
	const char *v = hs_hdr(&resp, "X-Content-Type-Options");

	ck_assert_msg(v && strcmp(v, NOSNIFF) == 0 && hs_hdr_count(&resp, "X-Content-Type-Options") == 1,
		      "line %d: X-Content-Type-Options missing or repeated:\n%.600s", line, resp.raw);
	ck_assert_msg(hs_hdr_count(&resp, "Link") == 2, "line %d: want both Link fields:\n%.600s",
		      line, resp.raw);
	ck_assert_msg(hs_contains(resp.raw, resp.head_len, "\r\nLink: </a.css>; rel=preload\r\n"
				  "Link: </b.js>; rel=preload\r\n"), "line %d: Link fields:\n%.600s",
		      line, resp.raw);
	ck_assert_msg(strcmp(hs_hdr(&resp, "Server"), "pfhttpd") == 0,
		      "line %d: server_tokens = false, but Server: %s", line, hs_hdr(&resp, "Server"));
}

static void top_cache(int line)
{
	const char *v = hs_hdr(&resp, "Cache-Control");

	ck_assert_msg(v && strcmp(v, CACHE) == 0 && hs_hdr_count(&resp, "Cache-Control") == 1,
		      "line %d: Cache-Control:\n%.600s", line, resp.raw);
}

/* Static responses: 200, HEAD, 206, 304, and the 301 to a directory's slash. */
START_TEST(test_static)
{
	char inm[256];

	start();
	ask("GET", "localhost", "/hello.txt", NULL);
	ck_assert_int_eq(resp.status, 200);
	top_fields(__LINE__);
	top_cache(__LINE__);
	ck_assert_str_eq(resp.body, HS_HELLO);
	snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", hs_hdr(&resp, "ETag"));
	ask("HEAD", "localhost", "/hello.txt", NULL);
	ck_assert_int_eq(resp.status, 200);
	top_fields(__LINE__);
	ask("GET", "localhost", "/hello.txt", "Range: bytes=0-4\r\n");
	ck_assert_int_eq(resp.status, 206);
	ck_assert_str_eq(resp.body, "Hello");
	top_fields(__LINE__);
	top_cache(__LINE__);
	ask("GET", "localhost", "/hello.txt", inm);
	ck_assert_int_eq(resp.status, 304);
	top_fields(__LINE__);
	top_cache(__LINE__);
	ask("GET", "localhost", "/sub", NULL);
	ck_assert_int_eq(resp.status, 301);
	top_fields(__LINE__);
	/* The index page is served through the same path as any file. */
	ask("GET", "localhost", "/", NULL);
	ck_assert_int_eq(resp.status, 200);
	top_fields(__LINE__);
}
END_TEST

/* Errors: the configured 404 page, the built-in page (501, and 404 of a vhost without the page). */
START_TEST(test_errors)
{
	start();
	ask("GET", "localhost", "/no/such/file", NULL);
	ck_assert_int_eq(resp.status, 404);
	ck_assert(hs_contains(resp.body, resp.body_len, HS_404_MARKER));
	top_fields(__LINE__);
	top_cache(__LINE__);
	ask("BREW", "localhost", "/", NULL);
	ck_assert_int_eq(resp.status, 501);
	top_fields(__LINE__);
	/* server_tokens = false: the built-in page's footer has no version either. */
	ck_assert_msg(hs_contains(resp.body, resp.body_len, "<address>pfhttpd</address>"),
		      "footer:\n%s", resp.body);
	/* A vhost's own fields on its errors too, added to the top level's. */
	ask("GET", "latin.test", "/no/such/file", NULL);
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(hs_hdr(&resp, "X-Site"), "latin");
	top_fields(__LINE__);
	/* The configured page is one of the site's files: the path's charset. */
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=iso-8859-1");
}
END_TEST

/* A script's response gets the fields it does not send itself; its own win. */
START_TEST(test_cgi)
{
	start();
	ask("GET", "localhost", "/cgi-bin/own_fields.sh", NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "own\n");
	top_fields(__LINE__);
	ck_assert_msg(hs_hdr_count(&resp, "Cache-Control") == 1 &&
		      strcmp(hs_hdr(&resp, "Cache-Control"), "no-store") == 0,
		      "the script's Cache-Control must win:\n%.600s", resp.raw);
	/* A script's Content-Type is never given a charset, whatever the path's. */
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/plain");
	ask("GET", "latin.test", "/cgi-bin/own_fields.sh", NULL);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/plain");
	ck_assert_str_eq(hs_hdr(&resp, "X-Site"), "latin");
	ask("GET", "localhost", "/cgi-bin/env_dump.sh", NULL);
	ck_assert_int_eq(resp.status, 200);
	top_fields(__LINE__);
	top_cache(__LINE__);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/plain; charset=utf-8");
}
END_TEST

/* env_dump.sh's body holds line, a whole line. */
static bool env_has(const char *line)
{
	char want[512];
	size_t len = strlen(line);

	snprintf(want, sizeof(want), "\n%s\n", line);
	return hs_contains(resp.body, resp.body_len, want) ||
	       (strncmp(resp.body, line, len) == 0 && resp.body[len] == '\n');
}

/* cgi_env and pass_env reach the scripts; a vhost's cgi_env replaces the top level's. */
START_TEST(test_cgi_env)
{
	start();
	ask("GET", "localhost", "/cgi-bin/env_dump.sh", NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(env_has("APP_ENV=production"), "%s", resp.body);
	ck_assert_msg(env_has("app_mode=a=b c"), "%s", resp.body);
	ck_assert_msg(env_has("HDRS_TZ=Europe/Paris"), "pass_env: %s", resp.body);
	ck_assert_msg(!hs_contains(resp.body, resp.body_len, "HDRS_ABSENT"), "%s", resp.body);
	ck_assert_msg(env_has("SERVER_SOFTWARE=pfhttpd"), "%s", resp.body);
	/* The meta-variables are the server's: still there, unchanged. */
	ck_assert_msg(env_has("SCRIPT_NAME=/cgi-bin/env_dump.sh"), "%s", resp.body);
	ask("GET", "latin.test", "/cgi-bin/env_dump.sh", NULL);
	ck_assert_int_eq(resp.status, 200);
	/* The vhost names APP_ENV again: its value, once. */
	ck_assert_msg(env_has("APP_ENV=staging") && !env_has("APP_ENV=production"), "%s", resp.body);
	ck_assert_msg(env_has("app_mode=a=b c"), "the vhost adds to the top level's: %s", resp.body);
	ck_assert_msg(env_has("HDRS_TZ=Europe/Paris"), "inherited pass_env: %s", resp.body);
}
END_TEST

static const struct charset_case {
	int line;
	const char *desc;
	const char *host, *path, *type;
} charset_cases[] = {
	{ __LINE__, "default utf-8 on HTML", "localhost", "/page.html", "text/html; charset=utf-8" },
	{ __LINE__, "default utf-8 on CSS", "localhost", "/style.css", "text/css; charset=utf-8" },
	{ __LINE__, "no charset on an image", "localhost", "/pixel.png", "image/png" },
	{ __LINE__, "Latin-1 on HTML", "latin.test", "/page.html", "text/html; charset=iso-8859-1" },
	{ __LINE__, "Latin-1 on an index page", "latin.test", "/", "text/html; charset=iso-8859-1" },
	{ __LINE__, "Latin-1 on CSS", "latin.test", "/style.css", "text/css; charset=iso-8859-1" },
	{ __LINE__, "Latin-1 on plain text", "latin.test", "/hello.txt",
	  "text/plain; charset=iso-8859-1" },
	{ __LINE__, "none on an image either way", "latin.test", "/pixel.png", "image/png" },
	{ __LINE__, "none on octets", "latin.test", "/bin.dat", "application/octet-stream" },
	{ __LINE__, "\"\" adds none to HTML", "plain.test", "/page.html", "text/html" },
	{ __LINE__, "\"\" adds none to CSS", "plain.test", "/style.css", "text/css" },
};

START_TEST(test_charset)
{
	start();
	for (size_t i = 0; i < sizeof(charset_cases) / sizeof(charset_cases[0]); i++) {
		const struct charset_case *c = &charset_cases[i];

		ask("GET", c->host, c->path, NULL);
		ck_assert_msg(resp.status == 200, "line %d (%s): status %d", c->line, c->desc,
			      resp.status);
		ck_assert_msg(strcmp(hs_hdr(&resp, "Content-Type"), c->type) == 0,
			      "line %d (%s): Content-Type: %s, want %s", c->line, c->desc,
			      hs_hdr(&resp, "Content-Type"), c->type);
		ck_assert_msg(hs_hdr_count(&resp, "Content-Type") == 1, "line %d", c->line);
	}
}
END_TEST

/* pfhttpd -t on a configuration: its exit status, its output in text. */
static int check_conf(const char *extra)
{
	char *argv[] = { (char *)hs_bin(), "-t", "-f", srv.conf, NULL };

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	srv.port = hs_free_port();
	ck_assert_int_gt(srv.port, 0);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	return hs_run(argv, HS_TIMEOUT_MS, text, sizeof(text));
}

/* "FILE:LINE: " of the generated configuration's line where key starts a line or follows
 * a space (the harness writes its defaults first). */
static void conf_at(const char *key, char *out, size_t cap)
{
	static char conf[16384];
	ssize_t n = hs_slurp(srv.conf, conf, sizeof(conf));
	const char *at;
	int line = 1;

	ck_assert_int_gt(n, 0);
	/* "headers = 100" in the limits default follows "; ": a key of ours starts a line. */
	for (at = strstr(conf, key); at && at > conf && at[-1] != '\n' &&
	     !(at[-1] == ' ' && at[-2] == ' ');
	     at = strstr(at + 1, key))
		;
	ck_assert_ptr_nonnull(at);
	for (const char *p = conf; p < at; p++)
		line += *p == '\n';
	snprintf(out, cap, "%s:%d: ", srv.conf, line);
}

START_TEST(test_check_refuses)
{
	static const struct { int line; const char *extra, *key, *msg; } cases[] = {
		{ __LINE__, "cgi_env = {\n  APP_ENV = \"x\";\n  HTTP_HOST = \"x\"; };\n",
		  "HTTP_HOST =", "cgi_env: 'HTTP_HOST' would shadow a CGI meta-variable" },
		{ __LINE__, "pass_env = [ \"PATH_INFO\" ];\n",
		  "pass_env =", "pass_env: 'PATH_INFO' would shadow a CGI meta-variable" },
		{ __LINE__, "cgi_env = { LD_PRELOAD = \"/tmp/x.so\"; };\n",
		  "cgi_env =", "cgi_env: 'LD_PRELOAD' steers the dynamic linker" },
		{ __LINE__, "headers = [ \"Content-Length: 0\" ];\n",
		  "headers =", "headers: 'Content-Length' is the server's own field" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[HS_PATH + 160], at[HS_PATH + 32];
		int st = check_conf(cases[i].extra);

		conf_at(cases[i].key, at, sizeof(at));
		snprintf(want, sizeof(want), "%s%s", at, cases[i].msg);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0, "line %d: -t accepted it",
			      cases[i].line);
		ck_assert_msg(strstr(text, want) != NULL, "line %d: want '%s' in:\n%s",
			      cases[i].line, want, text);
		hs_destroy(&srv);
		memset(&srv, 0, sizeof(srv));
	}
}
END_TEST

/* -t names a pass_env variable the environment lacks; the check still passes. */
START_TEST(test_check_pass_env_notice)
{
	char want[HS_PATH + 160], at[HS_PATH + 32];
	int st;

	ck_assert_int_eq(unsetenv("HDRS_ABSENT"), 0);
	ck_assert_int_eq(setenv("HDRS_TZ", "UTC", 1), 0);
	st = check_conf("pass_env = [ \"HDRS_TZ\", \"HDRS_ABSENT\" ];\n");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "-t failed:\n%s", text);
	conf_at("pass_env =", at, sizeof(at));
	snprintf(want, sizeof(want), "%snotice: pass_env: 'HDRS_ABSENT' is not in the "
		 "server's environment: scripts will not get it", at);
	ck_assert_msg(strstr(text, want) != NULL, "want '%s' in:\n%s", want, text);
	ck_assert_msg(strstr(text, "'HDRS_TZ'") == NULL, "%s", text);
}
END_TEST

/* A location's own fields, charset and variables; the rest is the site's. */
START_TEST(test_locations)
{
	start_with(locations_conf);
	ask("GET", "localhost", "/sub/", NULL);
	ck_assert_int_eq(resp.status, 200);
	top_fields(__LINE__);
	ck_assert_msg(hs_hdr_count(&resp, "Cache-Control") == 1 &&
		      strcmp(hs_hdr(&resp, "Cache-Control"), "no-cache") == 0,
		      "the location's Cache-Control replaces the top level's:\n%.600s", resp.raw);
	ck_assert_str_eq(hs_hdr(&resp, "X-Loc"), "sub");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=iso-8859-2");
	/* Its errors too. */
	ask("GET", "localhost", "/sub/missing", NULL);
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(hs_hdr(&resp, "X-Loc"), "sub");
	/* Outside it: the top level's. */
	ask("GET", "localhost", "/page.html", NULL);
	top_cache(__LINE__);
	ck_assert_int_eq(hs_hdr_count(&resp, "X-Loc"), 0);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	ask("GET", "localhost", "/cgi-bin/env_dump.sh", NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "X-Loc"), "env");
	top_fields(__LINE__);
	ck_assert_msg(env_has("APP_ENV=location") && !env_has("APP_ENV=production"), "%s", resp.body);
	ck_assert_msg(env_has("LOC_ONLY=1") && env_has("app_mode=a=b c"), "%s", resp.body);
	ck_assert_msg(env_has("HDRS_TZ=Europe/Paris"), "%s", resp.body);
	ask("GET", "localhost", "/cgi-bin/own_fields.sh", NULL);
	ck_assert_int_eq(hs_hdr_count(&resp, "X-Loc"), 0);
}
END_TEST

static Suite *site_headers_suite(void)
{
	Suite *s = suite_create("site_headers");
	TCase *resp_tc = hs_tcase("responses", 30, teardown);
	TCase *env = hs_tcase("environment", 30, teardown);
	TCase *chk = hs_tcase("check", 30, teardown);

	tcase_add_test(resp_tc, test_static);
	tcase_add_test(resp_tc, test_errors);
	tcase_add_test(resp_tc, test_cgi);
	tcase_add_test(resp_tc, test_charset);
	tcase_add_test(env, test_cgi_env);
	tcase_add_test(env, test_locations);
	tcase_add_test(chk, test_check_refuses);
	tcase_add_test(chk, test_check_pass_env_notice);
	suite_add_tcase(s, resp_tc);
	suite_add_tcase(s, env);
	suite_add_tcase(s, chk);
	return s;
}

int main(void)
{
	return hs_main(site_headers_suite());
}
