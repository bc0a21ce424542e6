/*
 * check_vhosts — name-based virtual hosts (issue 9) through the real
 * binary: which site answers for each Host (absent with HTTP/1.0, odd,
 * upper-case, trailing dot, unknown, an absolute-form target's authority
 * beating Host, wildcards), the default vhost and, without one, the top
 * level; two vhosts' files of one path never mixed by a worker's open-file
 * cache; a vhost's SERVER_NAME and redirect host; each vhost's access and
 * error log, reopened on SIGUSR1; vhosts added and removed by SIGHUP.
 * (Named check_vhosts: tests/unit/check_vhost.c holds the vhost module's
 * unit tests, and both would build to build/tests/check_vhost.)
 */
#include "harness.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];

#define MARK_A "vhost-site-a-index"
#define MARK_B "vhost-site-b-index"
#define MARK_C "vhost-site-c-index"

/* The vhosts' roots and fixtures: a, b (and c, for the reload) beside htdocs. */
static void put_sites(void)
{
	static const struct { const char *rel, *body; } files[] = {
		{ "a/index.html", MARK_A "\n" },
		{ "a/sub/index.html", "a-sub\n" },
		{ "b/index.html", MARK_B "\n" },
		{ "b/only-b.txt", "only in b\n" },
		{ "c/index.html", MARK_C "\n" },
		/* The top level's error_pages are each vhost's too: conf -t wants them there. */
		{ "a/errors/404.html", "a-404\n" },
		{ "b/errors/404.html", "b-404\n" },
		{ "c/errors/404.html", "c-404\n" },
	};

	ck_assert_int_eq(hs_fixtures(&srv), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		ck_assert_int_eq(hs_put_str(&srv, files[i].rel, files[i].body), 0);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	hs_open_root(&srv);
}

/*
 * One vhost group, as in the example. name: "a" serves ROOT/a
 * as a.test (aliases www.a.test and *.a.test) with its own access and
 * error logs and CGI; "b" serves ROOT/b as b.test (and *.deep.a.test,
 * the longer wildcard) with its own access log only; "c" is c.test.
 */
static size_t vhost_group(char *out, size_t cap, char name, bool dflt)
{
	const char *r = srv.root;

	switch (name) {
	case 'a':
		return (size_t)snprintf(out, cap,
			"{ server_name = \"a.test\"; aliases = [ \"www.a.test\", \"*.a.test\" ];"
			" document_root = \"%s/a\";"
			" access_log = \"%s/a.access.log\"; error_log = \"%s/a.error.log\";"
			" cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };%s }",
			r, r, r, r, dflt ? " default = true;" : "");
	case 'b':
		return (size_t)snprintf(out, cap,
			"{ server_name = \"b.test\"; aliases = [ \"*.deep.a.test\" ];"
			" document_root = \"%s/b\"; access_log = \"%s/b.access.log\";%s }",
			r, r, dflt ? " default = true;" : "");
	default:
		return (size_t)snprintf(out, cap,
			"{ server_name = \"c.test\"; document_root = \"%s/c\";%s }",
			r, dflt ? " default = true;" : "");
	}
}

/*
 * The extra configuration: the vhosts named in which ("ab", "bc"), the
 * default's name or 0; each group on a line of its own.
 */
static const char *vhosts_conf(const char *which, char dflt)
{
	static char extra[8192];
	size_t n = (size_t)snprintf(extra, sizeof(extra), "vhosts = (\n");

	for (const char *w = which; *w; w++) {
		n += vhost_group(extra + n, sizeof(extra) - n, *w, *w == dflt);
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "%s\n", w[1] ? "," : "");
	}
	snprintf(extra + n, sizeof(extra) - n, ");\n");
	return extra;
}

static void start(const char *which, char dflt)
{
	ck_assert_int_eq(hs_root_init(&srv), 0);
	put_sites();
	if (hs_start(&srv, vhosts_conf(which, dflt), text, sizeof(text)) != 0)
		ck_abort_msg("cannot start %s: %s", hs_bin(), text);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* Send one raw request ("%d" in it: the port), read one response. */
static void ask(const char *fmt)
{
	char req[2048];

	snprintf(req, sizeof(req), fmt, srv.port);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %s", req);
}

/* Which site answered "/": 'a', 'b', 'c', 't' (the top level), or '?'. */
static char site_of(const struct hs_response *r)
{
	if (r->status != 200)
		return '?';
	if (strstr(r->body, MARK_A))
		return 'a';
	if (strstr(r->body, MARK_B))
		return 'b';
	if (strstr(r->body, MARK_C))
		return 'c';
	return strstr(r->body, HS_INDEX_MARKER) ? 't' : '?';
}

static const struct sel_case {
	int line;
	const char *desc;
	const char *req;             /* "%d": the port */
	char site;                   /* with b the default */
	char site_nodefault;         /* with no default */
} sel_cases[] = {
	{ __LINE__, "exact name", "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "exact name with the port", "GET / HTTP/1.1\r\nHost: a.test:%d\r\n\r\n", 'a', 'a' },
	{ __LINE__, "alias", "GET / HTTP/1.1\r\nHost: www.a.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "upper case", "GET / HTTP/1.1\r\nHost: WWW.A.Test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "trailing dot", "GET / HTTP/1.1\r\nHost: a.test.\r\n\r\n", 'a', 'a' },
	{ __LINE__, "trailing dot and port", "GET / HTTP/1.1\r\nHost: b.test.:%d\r\n\r\n", 'b', 'b' },
	{ __LINE__, "empty port", "GET / HTTP/1.1\r\nHost: a.test:\r\n\r\n", 'a', 'a' },
	{ __LINE__, "wildcard", "GET / HTTP/1.1\r\nHost: x.a.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "wildcard, two labels deep", "GET / HTTP/1.1\r\nHost: y.x.a.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "longest wildcard wins", "GET / HTTP/1.1\r\nHost: x.deep.a.test\r\n\r\n", 'b', 'b' },
	{ __LINE__, "absolute-form beats Host (RFC 9112 3.2.2)",
	  "GET http://b.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", 'b', 'b' },
	{ __LINE__, "absolute-form with port and case",
	  "GET http://A.TEST:%d/ HTTP/1.1\r\nHost: b.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "no Host (HTTP/1.0)", "GET / HTTP/1.0\r\n\r\n", 'b', 't' },
	{ __LINE__, "empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 'b', 't' },
	{ __LINE__, "unknown host", "GET / HTTP/1.1\r\nHost: unknown.test\r\n\r\n", 'b', 't' },
	{ __LINE__, "a wildcard's own suffix", "GET / HTTP/1.1\r\nHost: deep.a.test\r\n\r\n", 'a', 'a' },
	{ __LINE__, "two trailing dots", "GET / HTTP/1.1\r\nHost: a.test..\r\n\r\n", 'b', 't' },
	{ __LINE__, "IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1]:%d\r\n\r\n", 'b', 't' },
	{ __LINE__, "IPv4 address", "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", 'b', 't' },
	{ __LINE__, "the top level's server_name is no vhost",
	  "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 'b', 't' },
};

/* Every row against one server (a start per row would cost the loaded machine more). */
static void select_all(char dflt)
{
	int n = (int)(sizeof(sel_cases) / sizeof(sel_cases[0]));

	start("ab", dflt);
	for (int i = 0; i < n; i++) {
		const struct sel_case *c = &sel_cases[i];
		char want = dflt ? c->site : c->site_nodefault;

		ask(c->req);
		ck_assert_msg(site_of(&resp) == want, "line %d (%s): site %c, want %c (status %d: %.80s)",
			      c->line, c->desc, site_of(&resp), want, resp.status, resp.body);
	}
}

START_TEST(test_select)
{
	select_all('b');
}
END_TEST

START_TEST(test_select_no_default)
{
	select_all(0);
}
END_TEST

/* A malformed Host is refused (400) by the parser, whatever the vhosts; the server lives on. */
START_TEST(test_bad_host)
{
	static const char *const bad[] = {
		"GET / HTTP/1.1\r\nHost: a test\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: user@a.test\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
	};

	start("ab", 'b');
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ask(bad[i]);
		ck_assert_msg(resp.status == 400, "%s: status %d", bad[i], resp.status);
	}
	ask("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 'a');
}
END_TEST

/*
 * One worker's open-file cache sees both vhosts' /index.html on one
 * connection, again and again: each answer must be its own site's.
 */
START_TEST(test_same_path_two_sites)
{
	struct hs_conn c;

	start("ab", 0);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < 6; i++) {
		char want = i % 2 ? 'b' : 'a', req[128];

		snprintf(req, sizeof(req), "GET /index.html HTTP/1.1\r\nHost: %c.test\r\n\r\n", want);
		ck_assert_int_eq(hs_send_str(c.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_msg(site_of(&resp) == want, "round %d: %c's /index.html answered %c",
			      i, want, site_of(&resp));
	}
	/* A path only b has is not found in a, even right after b served it. */
	ck_assert_int_eq(hs_send_str(c.fd, "GET /only-b.txt HTTP/1.1\r\nHost: b.test\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /only-b.txt HTTP/1.1\r\nHost: a.test\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 404);
	hs_conn_close(&c);
}
END_TEST

/* SERVER_NAME: a vhost's server_name, whatever alias was used; the top level's from Host. */
START_TEST(test_cgi_server_name)
{
	char want[HS_PATH];

	start("ab", 0);
	ask("GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: WWW.a.test:%d\r\n\r\n");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(strstr(resp.body, "\nSERVER_NAME=a.test\n"), "%s", resp.body);
	snprintf(want, sizeof(want), "DOCUMENT_ROOT=%s/a\n", srv.root);
	ck_assert_msg(strstr(resp.body, want), "%s", resp.body);
	ask("GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: x.a.test\r\n\r\n");
	ck_assert_msg(strstr(resp.body, "\nSERVER_NAME=a.test\n"), "%s", resp.body);
	/* b has no cgi group: its /cgi-bin/ is a path like any other. */
	ask("GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: b.test\r\n\r\n");
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* The directory redirect names the vhost's server_name, with the port asked on. */
START_TEST(test_redirect_host)
{
	char want[128];

	start("ab", 0);
	ask("GET /sub HTTP/1.1\r\nHost: www.a.test:%d\r\n\r\n");
	ck_assert_int_eq(resp.status, 301);
	snprintf(want, sizeof(want), "http://a.test:%d/sub/", srv.port);
	ck_assert_str_eq(hs_hdr(&resp, "Location"), want);
	/* The top level keeps the client's Host. */
	ask("GET /sub HTTP/1.1\r\nHost: Other.example:%d\r\n\r\n");
	ck_assert_int_eq(resp.status, 301);
	snprintf(want, sizeof(want), "http://Other.example:%d/sub/", srv.port);
	ck_assert_str_eq(hs_hdr(&resp, "Location"), want);
}
END_TEST

static char a_acc[HS_PATH + 16], a_err[HS_PATH + 16], b_acc[HS_PATH + 16];

static void log_paths(void)
{
	snprintf(a_acc, sizeof(a_acc), "%s/a.access.log", srv.root);
	snprintf(a_err, sizeof(a_err), "%s/a.error.log", srv.root);
	snprintf(b_acc, sizeof(b_acc), "%s/b.access.log", srv.root);
}

static void get_fields(const char *host, const char *path, const char *tag, const char *fields)
{
	char req[512];

	snprintf(req, sizeof(req), "GET %s?%s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, tag, host, fields);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response for %s", tag);
}

static void get_tagged(const char *host, const char *path, const char *tag)
{
	get_fields(host, path, tag, "");
}

/* Each site's access lines in its own file; a's error lines in its error log, b's in the top's. */
START_TEST(test_logs)
{
	start("ab", 0);
	log_paths();
	get_tagged("a.test", "/", "tag-a-ok");
	get_tagged("b.test", "/", "tag-b-ok");
	get_tagged("localhost", "/", "tag-top-ok");
	/* 417 (an unknown expectation): logged at the default log_level, with its target. */
	get_fields("a.test", "/refused-a.html", "tag-a-417", "Expect: bogus\r\n");
	ck_assert_int_eq(resp.status, 417);
	get_fields("b.test", "/refused-b.html", "tag-b-417", "Expect: bogus\r\n");
	get_tagged("a.test", "/cgi-bin/stderr_tag.sh", "tag-a-cgi");
	ck_assert(hs_wait_file_contains(a_acc, "tag-a-ok", 3000));
	ck_assert(hs_wait_file_contains(a_acc, "tag-a-417", 3000));
	ck_assert(hs_wait_file_contains(b_acc, "tag-b-ok", 3000));
	ck_assert(hs_wait_file_contains(b_acc, "tag-b-417", 3000));
	ck_assert(hs_wait_file_contains(srv.access_log, "tag-top-ok", 3000));
	ck_assert_int_eq(hs_file_count(a_acc, "tag-b-") + hs_file_count(a_acc, "tag-top"), 0);
	ck_assert_int_eq(hs_file_count(b_acc, "tag-a-") + hs_file_count(b_acc, "tag-top"), 0);
	ck_assert_int_eq(hs_file_count(srv.access_log, "tag-a-") + hs_file_count(srv.access_log, "tag-b-"), 0);
	/* Request-scoped error lines: http_error's and the script's stderr. */
	ck_assert(hs_wait_file_contains(a_err, "refused-a.html", 3000));
	ck_assert(hs_wait_file_contains(a_err, "stderr-tag-tag-a-cgi", 3000));
	ck_assert(hs_wait_file_contains(srv.error_log, "refused-b.html", 3000));
	ck_assert_int_eq(hs_file_count(srv.error_log, "refused-a.html"), 0);
	ck_assert_int_eq(hs_file_count(srv.error_log, "stderr-tag-tag-a-cgi"), 0);
	ck_assert_int_eq(hs_file_count(a_err, "refused-b.html"), 0);
	/* Process-level lines stay the top level's. */
	ck_assert_int_eq(hs_file_count(a_err, "started"), 0);
}
END_TEST

/* SIGUSR1 reopens a vhost's access log: rename it, signal, new lines land in the new file. */
START_TEST(test_reopen)
{
	char moved[HS_PATH + 32], tag[32];
	bool landed = false;
	long long end;

	start("ab", 0);
	log_paths();
	get_tagged("a.test", "/", "before-usr1");
	ck_assert(hs_wait_file_contains(a_acc, "before-usr1", 3000));
	snprintf(moved, sizeof(moved), "%s.1", a_acc);
	ck_assert_int_eq(rename(a_acc, moved), 0);
	ck_assert_int_eq(kill(srv.pid, SIGUSR1), 0);
	ck_assert(hs_wait_file_contains(srv.error_log, "logs reopened", 3000));
	/* Asynchronous in each worker, and lines wait up to a second in its buffer. */
	end = hs_now_ms() + 5000;
	for (int i = 0; !landed && hs_now_ms() < end; i++) {
		snprintf(tag, sizeof(tag), "probe%d", i);
		get_tagged("a.test", "/", tag);
		landed = hs_wait_file_contains(a_acc, "probe", 100);
	}
	ck_assert_msg(landed, "no line in the new %s within 5 s of SIGUSR1", a_acc);
	/* Every worker has switched by now (the master sent all before its log line). */
	hs_sleep_ms(300);
	for (int i = 0; i < 6; i++) {
		snprintf(tag, sizeof(tag), "after-usr1-%d", i);
		get_tagged("a.test", "/", tag);
	}
	for (int i = 0; i < 6; i++) {
		snprintf(tag, sizeof(tag), "after-usr1-%d", i);
		ck_assert_msg(hs_wait_file_contains(a_acc, tag, 3000), "%s not in the new file", tag);
		ck_assert_msg(hs_file_count(moved, tag) == 0, "%s went to the renamed file", tag);
	}
	ck_assert_int_eq(hs_file_count(moved, "before-usr1"), 1);
}
END_TEST

/* SIGHUP with a removed (a) and an added (c) vhost; b stays. */
START_TEST(test_reload)
{
	long long end;
	char s = '?';

	start("ab", 0);
	ask("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 'a');
	ask("GET / HTTP/1.1\r\nHost: c.test\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 't');
	ck_assert_int_eq(hs_write_conf(&srv, vhosts_conf("bc", 'c')), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	ck_assert(hs_wait_file_contains(srv.error_log, "configuration reloaded", HS_TIMEOUT_MS));
	/* A request after the reload line is served by the new generation (check_ops). */
	end = hs_now_ms() + 3000;
	while (s != 'c' && hs_now_ms() < end) {
		ask("GET / HTTP/1.1\r\nHost: c.test\r\n\r\n");
		s = site_of(&resp);
	}
	ck_assert_msg(s == 'c', "c.test after the reload: %c", s);
	ask("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
	ck_assert_msg(site_of(&resp) == 'c', "a.test after its removal: %c, want the default c",
		      site_of(&resp));
	ask("GET / HTTP/1.1\r\nHost: x.a.test\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 'c');
	ask("GET / HTTP/1.1\r\nHost: b.test\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 'b');
	ask("GET / HTTP/1.0\r\n\r\n");
	ck_assert_int_eq(site_of(&resp), 'c');
}
END_TEST

/* A vhost whose document_root is gone: start-up fails naming the vhost. */
START_TEST(test_missing_root)
{
	char extra[1024];

	ck_assert_int_eq(hs_root_init(&srv), 0);
	put_sites();
	snprintf(extra, sizeof(extra),
		 "vhosts = ( { server_name = \"gone.test\"; document_root = \"%s/nowhere\"; } );\n",
		 srv.root);
	ck_assert_msg(hs_start(&srv, extra, text, sizeof(text)) != 0, "started without the root");
	ck_assert_msg(strstr(text, "gone.test") != NULL, "the error does not name the vhost: %s", text);
}
END_TEST

/*
 * The harness's own rule: a key inside a group (a vhost written over several
 * lines, its document_root indented) is the group's, so the top level keeps
 * its generated default. A "(" inside a string must not count as nesting.
 */
START_TEST(test_harness_nested_keys)
{
	static const char extra[] =
		"server_name = \"top(.test\";\n"
		"vhosts = (\n"
		"  {\n"
		"    server_name = \"nested.test\";\n"
		"    document_root = \"/tmp\";\n"
		"  }\n"
		");\n"
		"index = [ \"index.html\" ];\n";
	char conf[8192];
	FILE *f;
	size_t n;

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	f = fopen(srv.conf, "re");
	ck_assert_ptr_nonnull(f);
	n = fread(conf, 1, sizeof(conf) - 1, f);
	fclose(f);
	conf[n] = '\0';
	ck_assert_msg(strncmp(conf, "document_root", 13) == 0 || strstr(conf, "\ndocument_root") != NULL,
		      "the top level lost its document_root:\n%s", conf);
	ck_assert_msg(strstr(conf, "\nindex = [ \"index.html\", ") == NULL,
		      "a top-level key after the group was not seen:\n%s", conf);
}
END_TEST

static Suite *vhosts_suite(void)
{
	Suite *s = suite_create("vhosts");
	TCase *sel = hs_tcase("select", 30, teardown);
	TCase *run = hs_tcase("runtime", 30, teardown);
	TCase *ops = hs_tcase("operations", 60, teardown);

	tcase_add_test(sel, test_select);
	tcase_add_test(sel, test_select_no_default);
	tcase_add_test(sel, test_bad_host);
	tcase_add_test(run, test_same_path_two_sites);
	tcase_add_test(run, test_cgi_server_name);
	tcase_add_test(run, test_redirect_host);
	tcase_add_test(run, test_missing_root);
	tcase_add_test(run, test_harness_nested_keys);
	tcase_add_test(ops, test_logs);
	tcase_add_test(ops, test_reopen);
	tcase_add_test(ops, test_reload);
	suite_add_tcase(s, sel);
	suite_add_tcase(s, run);
	suite_add_tcase(s, ops);
	return s;
}

int main(void)
{
	return hs_main(vhosts_suite());
}
