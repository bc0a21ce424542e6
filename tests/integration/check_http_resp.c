/*
 * check_http_resp — the edges of building an answer (http_resp.c) through
 * the real binary, one server: a script's bare status code gets the
 * server's reason phrase ("Unknown" for a code it has no name for); a
 * location's redirect whose URL cannot be built from a Host too long for
 * it is refused (414), not cut; an error page that is a script no handler
 * runs is never sent as its source (the built-in page instead).
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define SOURCE_412 "pfh-resp-412-source"

static struct hs_server srv;
static struct hs_response resp;
static char long_host[700];

static void setup(void)
{
	char extra[2048], msg[9000], path[HS_PATH + 32];

	memset(long_host, 'h', sizeof long_host - 1);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 ||
	    hs_put_str(&srv, "cgi-bin/s299.sh",
		       "#!/bin/sh\nprintf 'Status: 299\\r\\nContent-Type: text/plain\\r\\n\\r\\nodd\\n'\n") == -1 ||
	    hs_put_str(&srv, "htdocs/errors/412.pl", "print '" SOURCE_412 "';\n") == -1)
		ck_abort_msg("cannot create the server root: %s", strerror(errno));
	snprintf(path, sizeof path, "%s/cgi-bin/s299.sh", srv.root);
	ck_assert_int_eq(chmod(path, 0755), 0);
	snprintf(extra, sizeof extra,
		 "log_level = \"info\";\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; path = \"/usr/bin:/bin\"; };\n"
		 "error_pages = ( { status = 404; path = \"/errors/404.html\"; },\n"
		 "  { status = 412; path = \"/errors/412.pl\"; } );\n"
		 "locations = ( { path = \"/old/\"; redirect = { to = \"/new/\"; status = 301; }; } );\n",
		 srv.root);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static const struct resp_case {
	int line;
	const char *desc;
	const char *path;
	const char *host;            /* NULL: the long one */
	const char *more;            /* more header lines */
	int status;
	const char *raw;             /* in the answer, or NULL */
	const char *not_raw;         /* never in it, or NULL */
	const char *log;             /* in the error log, or NULL */
} resp_cases[] = {
	{ __LINE__, "a script's bare Status: a code with no name here is 'Unknown' (RFC 9110 15: any "
	  "reason phrase will do)", "/cgi-bin/s299.sh", "localhost", "", 299, "HTTP/1.1 299 Unknown\r\n",
	  NULL, NULL },
	{ __LINE__, "a location's redirect on the site's URL", "/old/x", "localhost", "", 301,
	  "\r\nLocation: http://localhost/new/", NULL, NULL },
	{ __LINE__, "the same redirect, for a Host too long for the site's URL: refused, not cut",
	  "/old/x", NULL, "", 414, NULL, "Location:", "redirect location too long" },
	{ __LINE__, "an error page that is a script no handler runs: the built-in page, never its source",
	  "/hello.txt", "localhost", "If-Match: \"pfh-no-such-tag\"\r\n", 412,
	  "<h1>Precondition Failed</h1>", SOURCE_412, "is a script that no handler runs" },
};

START_TEST(test_resp)
{
	const struct resp_case *c = &resp_cases[_i];
	char req[2048];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", c->path,
		 c->host ? c->host : long_host, c->more);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "line %d (%s): no response", c->line, c->desc);
	ck_assert_msg(resp.status == c->status, "line %d (%s): %d: %.400s", c->line, c->desc, resp.status,
		      resp.raw);
	if (c->raw)
		ck_assert_msg(hs_contains(resp.raw, resp.raw_len, c->raw), "line %d (%s): no '%s' in %.400s",
			      c->line, c->desc, c->raw, resp.raw);
	if (c->not_raw)
		ck_assert_msg(!hs_contains(resp.raw, resp.raw_len, c->not_raw), "line %d (%s): '%s' in %.400s",
			      c->line, c->desc, c->not_raw, resp.raw);
	if (c->log)
		ck_assert_msg(hs_wait_file_contains(srv.error_log, c->log, HS_TIMEOUT_MS),
			      "line %d (%s): no '%s' in the error log", c->line, c->desc, c->log);
}
END_TEST

static Suite *resp_suite(void)
{
	Suite *s = suite_create("http_resp");
	TCase *tc = hs_tcase("http_resp", 30, NULL);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_resp, 0, N(resp_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(resp_suite());
}
