/*
 * check_locations — per-path locations (issue 10) through the real binary:
 * redirect = { ... } with each status, the rest of the path and the query
 * carried over (percent-encoded) or not (exact = true), an absolute-URL
 * target, a path target on the site's own host (the top level's from Host,
 * a vhost's server_name and port), HEAD without a body, the access log
 * line; which location answers ("= /x" before any prefix, then the longest
 * prefix, the directory without its slash); a vhost's own locations and the
 * top level's it inherits; a redirect answered before the access rules.
 * (Named check_locations: tests/unit/check_location.c holds the location
 * module's unit tests, and both would build to build/tests/check_location.)
 */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];

static const char locations_conf[] =
	"locations = (\n"
	"  { path = \"/r301/\"; redirect = { to = \"/new/\"; status = 301; }; },\n"
	"  { path = \"/r302/\"; redirect = { to = \"/new/\"; }; },\n"
	"  { path = \"/r303/\"; redirect = { to = \"/new/\"; status = 303; }; },\n"
	"  { path = \"/r307/\"; redirect = { to = \"/new/\"; status = 307; }; },\n"
	"  { path = \"/r308/\"; redirect = { to = \"/new/\"; status = 308; }; },\n"
	"  { path = \"/ex/\"; redirect = { to = \"/landing.html\"; status = 301; exact = true; }; },\n"
	"  { path = \"/abs/\"; redirect = { to = \"https://other.example/x/\"; status = 308; }; },\n"
	"  { path = \"/pre/\"; redirect = { to = \"/pre-prefix/\"; }; },\n"
	"  { path = \"/pre/deeper/\"; redirect = { to = \"/pre-longest/\"; }; },\n"
	"  { path = \"= /pre/exact\"; redirect = { to = \"/pre-exact\"; exact = true; }; },\n"
	"  { path = \"/shared/\"; redirect = { to = \"/top-shared/\"; }; },\n"
	"  { path = \"/plain/\"; }\n"
	");\n"
	/* A redirect is answered before the access rules (Apache's Redirect, nginx's return). */
	"access = ( { path = \"/r303/\"; allow = [ ]; }, { path = \"/plain/\"; allow = [ ]; } );\n";

static void start(void)
{
	char extra[4096];

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	hs_open_root(&srv);
	snprintf(extra, sizeof(extra), "%s"
		 "vhosts = (\n"
		 "{ server_name = \"v.test\"; document_root = \"%s/htdocs\"; locations = ( "
		 "{ path = \"/own/\"; redirect = { to = \"/v-own/\"; status = 307; }; }, "
		 "{ path = \"/shared/\"; redirect = { to = \"/v-shared/\"; }; } ); },\n"
		 "{ server_name = \"w.test\"; document_root = \"%s/htdocs\"; }\n"
		 ");\n", locations_conf, srv.root, srv.root);
	if (hs_start(&srv, extra, text, sizeof(text)) != 0)
		ck_abort_msg("cannot start %s: %s", hs_bin(), text);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static void ask(const char *fmt, int port)
{
	char req[2048];

	snprintf(req, sizeof(req), fmt, port);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %s", req);
}

static const struct redir_case {
	int line;
	const char *desc;
	const char *req;             /* "%d": the port ("%%" a '%') */
	int status;
	const char *location;        /* "%d": the port; NULL: no Location */
} redir_cases[] = {
	{ __LINE__, "301, path and query carried over",
	  "GET /r301/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 301, "http://h.test/new/a/b?x=1" },
	{ __LINE__, "302 (the default status)",
	  "GET /r302/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/new/a/b?x=1" },
	{ __LINE__, "303, before an access rule that lets nobody in",
	  "GET /r303/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 303, "http://h.test/new/a/b?x=1" },
	{ __LINE__, "307",
	  "GET /r307/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 307, "http://h.test/new/a/b?x=1" },
	{ __LINE__, "308",
	  "GET /r308/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 308, "http://h.test/new/a/b?x=1" },
	{ __LINE__, "the Host's port is kept at the top level",
	  "GET /r301/a HTTP/1.1\r\nHost: h.test:%d\r\n\r\n", 301, "http://h.test:%d/new/a" },
	{ __LINE__, "the prefix's directory without its slash",
	  "GET /r301 HTTP/1.1\r\nHost: h.test\r\n\r\n", 301, "http://h.test/new/" },
	{ __LINE__, "the prefix itself, an empty query kept",
	  "GET /r301/? HTTP/1.1\r\nHost: h.test\r\n\r\n", 301, "http://h.test/new/?" },
	{ __LINE__, "the normalised path is carried, re-encoded",
	  "GET /r301/x/../a%%20b/%%7e HTTP/1.1\r\nHost: h.test\r\n\r\n", 301,
	  "http://h.test/new/a%%20b/~" },
	{ __LINE__, "an encoded '?' stays encoded",
	  "GET /r301/a%%3Fb?c HTTP/1.1\r\nHost: h.test\r\n\r\n", 301, "http://h.test/new/a%%3Fb?c" },
	{ __LINE__, "exact = true: neither path nor query",
	  "GET /ex/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 301, "http://h.test/landing.html" },
	{ __LINE__, "an absolute URL target",
	  "GET /abs/a/b?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n", 308, "https://other.example/x/a/b?x=1" },
	{ __LINE__, "POST to a 307 (the client keeps the method)",
	  "POST /r307/form HTTP/1.1\r\nHost: h.test\r\nContent-Length: 3\r\n\r\nabc", 307,
	  "http://h.test/new/form" },
	{ __LINE__, "an exact location beats the prefixes",
	  "GET /pre/exact?q HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/pre-exact" },
	{ __LINE__, "the longest prefix wins",
	  "GET /pre/deeper/z HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/pre-longest/z" },
	{ __LINE__, "the longer prefix's directory",
	  "GET /pre/deeper HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/pre-longest/" },
	{ __LINE__, "below the exact path: the prefix",
	  "GET /pre/exact/more HTTP/1.1\r\nHost: h.test\r\n\r\n", 302,
	  "http://h.test/pre-prefix/exact/more" },
	{ __LINE__, "the shorter prefix",
	  "GET /pre/z HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/pre-prefix/z" },
	{ __LINE__, "the top level's own location",
	  "GET /shared/y HTTP/1.1\r\nHost: h.test\r\n\r\n", 302, "http://h.test/top-shared/y" },
	{ __LINE__, "a vhost's own location, on its server_name and port",
	  "GET /own/x?y HTTP/1.1\r\nHost: v.test\r\n\r\n", 307, "http://v.test:%d/v-own/x?y" },
	{ __LINE__, "a vhost's location replaces the top level's of that path",
	  "GET /shared/y HTTP/1.1\r\nHost: v.test\r\n\r\n", 302, "http://v.test:%d/v-shared/y" },
	{ __LINE__, "a vhost inherits the top level's other locations",
	  "GET /r308/z HTTP/1.1\r\nHost: v.test\r\n\r\n", 308, "http://v.test:%d/new/z" },
	{ __LINE__, "... and their exact ones",
	  "GET /pre/exact HTTP/1.1\r\nHost: v.test\r\n\r\n", 302, "http://v.test:%d/pre-exact" },
	{ __LINE__, "a vhost without locations has the top level's",
	  "GET /shared/y HTTP/1.1\r\nHost: w.test\r\n\r\n", 302, "http://w.test:%d/top-shared/y" },
	{ __LINE__, "not the other vhost's own",
	  "GET /own/x HTTP/1.1\r\nHost: w.test\r\n\r\n", 404, NULL },
	{ __LINE__, "outside every location: served as before",
	  "GET /hello.txt HTTP/1.1\r\nHost: h.test\r\n\r\n", 200, NULL },
	{ __LINE__, "a location without redirect: the access rule still holds",
	  "GET /plain/x HTTP/1.1\r\nHost: h.test\r\n\r\n", 403, NULL },
};

/* Every row against one server (a start per row would cost the loaded machine more). */
START_TEST(test_redirects)
{
	start();
	for (size_t i = 0; i < sizeof(redir_cases) / sizeof(redir_cases[0]); i++) {
		const struct redir_case *c = &redir_cases[i];
		const char *loc;
		char want[512];

		ask(c->req, srv.port);
		ck_assert_msg(resp.status == c->status, "line %d (%s): status %d, want %d",
			      c->line, c->desc, resp.status, c->status);
		loc = hs_hdr(&resp, "Location");
		if (!c->location) {
			ck_assert_msg(loc == NULL, "line %d (%s): Location %s", c->line, c->desc, loc);
			continue;
		}
		snprintf(want, sizeof(want), c->location, srv.port);
		ck_assert_msg(loc && strcmp(loc, want) == 0, "line %d (%s): Location '%s', want '%s'",
			      c->line, c->desc, loc ? loc : "(none)", want);
		ck_assert_int_eq(hs_hdr_count(&resp, "Location"), 1);
		/* A small HTML page that links to it. */
		ck_assert_msg(strstr(resp.body, "<a href=\"") && strstr(resp.body, want),
			      "line %d (%s): body %s", c->line, c->desc, resp.body);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	}
}
END_TEST

/* HEAD: the same head, no body; GET's body links with the query HTML-escaped. */
START_TEST(test_head_and_body)
{
	char len[32];

	start();
	ask("GET /r301/a?x=1&y=\"2\" HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 301);
	ck_assert_ptr_nonnull(strstr(resp.body, "<title>301 Moved Permanently</title>"));
	ck_assert_msg(strstr(resp.body, "href=\"http://h.test/new/a?x=1&amp;y=&quot;2&quot;\""),
		      "body %s", resp.body);
	ck_assert_uint_gt(resp.body_len, 0);
	snprintf(len, sizeof(len), "%zu", resp.body_len);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), len);

	ask("HEAD /r301/a?x=1&y=\"2\" HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 301);
	ck_assert_str_eq(hs_hdr(&resp, "Location"), "http://h.test/new/a?x=1&y=\"2\"");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), len);
	ck_assert_uint_eq(resp.body_len, 0);

	ask("GET /r308/b HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_ptr_nonnull(strstr(resp.body, "<title>308 Permanent Redirect</title>"));
}
END_TEST

/* One access-log line per redirect, with its status; the server keeps a
 * connection open across a redirect (keep-alive). */
START_TEST(test_log_and_keepalive)
{
	struct hs_conn c;

	start();
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /r307/k?a=1 HTTP/1.1\r\nHost: h.test\r\n\r\n"
				     "GET /hello.txt HTTP/1.1\r\nHost: h.test\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 307);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	hs_conn_close(&c);
	ck_assert_msg(hs_wait_file_contains(srv.access_log, "\"GET /r307/k?a=1 HTTP/1.1\" 307 ",
					    HS_TIMEOUT_MS), "no access-log line for the redirect");
}
END_TEST

/*
 * Per-path keys under a location (headers here, autoindex below): only its
 * paths get them, merged with the top level's and the vhost's by name.
 */
START_TEST(test_location_headers)
{
	char extra[4096];

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/static/a.txt", "static a\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/files/f.txt", "file f\n"), 0);
	hs_open_root(&srv);
	snprintf(extra, sizeof(extra),
		 "headers = [ \"X-Top: 1\", \"Cache-Control: no-cache\" ];\n"
		 "locations = (\n"
		 "  { path = \"/static/\"; headers = [ \"cache-control: max-age=60\", \"X-Static: yes\" ]; },\n"
		 "  { path = \"/files/\"; autoindex = true; }\n"
		 ");\n"
		 "vhosts = ( { server_name = \"v.test\"; document_root = \"%s/htdocs\"; "
		 "headers = [ \"X-Top: v\" ]; } );\n", srv.root);
	if (hs_start(&srv, extra, text, sizeof(text)) != 0)
		ck_abort_msg("cannot start %s: %s", hs_bin(), text);

	ask("GET /static/a.txt HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "static a\n");
	ck_assert_int_eq(hs_hdr_count(&resp, "Cache-Control"), 1);
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "max-age=60");
	ck_assert_str_eq(hs_hdr(&resp, "X-Static"), "yes");
	ck_assert_str_eq(hs_hdr(&resp, "X-Top"), "1");

	/* Outside the location: the top level's only. */
	ask("GET /hello.txt HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "no-cache");
	ck_assert_ptr_null(hs_hdr(&resp, "X-Static"));
	ck_assert_str_eq(hs_hdr(&resp, "X-Top"), "1");

	/* The directory without its slash is the location's too (its redirect). */
	ask("GET /static HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 301);
	ck_assert_str_eq(hs_hdr(&resp, "X-Static"), "yes");

	/* A 404 below the location carries its fields as well. */
	ask("GET /static/none HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(hs_hdr(&resp, "X-Static"), "yes");

	/* The vhost inherits the location, computed against its own headers. */
	ask("GET /static/a.txt HTTP/1.1\r\nHost: v.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "X-Top"), "v");
	ck_assert_int_eq(hs_hdr_count(&resp, "X-Top"), 1);
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "max-age=60");
	ck_assert_str_eq(hs_hdr(&resp, "X-Static"), "yes");

	/* autoindex only under /files/. */
	ask("GET /files/ HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "f.txt"));
	ask("GET /static/ HTTP/1.1\r\nHost: h.test\r\n\r\n", 0);
	ck_assert_int_eq(resp.status, 403);
}
END_TEST

static Suite *locations_suite(void)
{
	Suite *s = suite_create("locations");
	TCase *tc = hs_tcase("redirect", 60, teardown);

	tcase_add_test(tc, test_redirects);
	tcase_add_test(tc, test_head_and_body);
	tcase_add_test(tc, test_log_and_keepalive);
	tcase_add_test(tc, test_location_headers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(locations_suite());
}
