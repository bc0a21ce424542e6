/*
 * check_security — the document root is a wall. A secret file is planted in
 * server_root, one level above htdocs, with a unique marker; symlinks inside
 * htdocs point at it and at the parent directory; dotfiles are planted in
 * htdocs. No request may ever return the marker, and each must get its exact
 * status: 400 for a malformed target (a control byte, a bad escape, a climb
 * above "/": RFC 9112 3.2, RFC 3986 5.2.4), 403 for what exists but is not
 * served (dotfiles, symlinks out of the root), 404 for a name that is just
 * not there. Control rows (200) prove the server is up and serving the same paths.
 */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static struct hs_server srv;
static char raw[HS_MAX_RESP];

static void setup(void)
{
	hs_setup_or_abort(&srv, NULL);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

enum secret { SECRET, DOTFILE };

static const struct attack_case {
	int line;
	const char *desc;
	const char *target;     /* request-target as sent */
	int status;             /* exactly this; 200 for a control row */
	enum secret marker;     /* which content must never appear */
} attack_cases[] = {
	{ __LINE__, "control: plain file", "/hello.txt", 200, SECRET },
	{ __LINE__, "control: dot segment inside root", "/sub/../hello.txt", 200, SECRET },
	{ __LINE__, "plain ..", "/../secret.txt", 400, SECRET },
	{ __LINE__, "double ..", "/../../secret.txt", 400, SECRET },
	{ __LINE__, "encoded dots", "/%2e%2e/secret.txt", 400, SECRET },
	{ __LINE__, "encoded dots, upper case", "/%2E%2E/secret.txt", 400, SECRET },
	{ __LINE__, "half-encoded dots", "/.%2e/secret.txt", 400, SECRET },
	{ __LINE__, "encoded dots and slash", "/%2e%2e%2fsecret.txt", 400, SECRET },
	{ __LINE__, "climb out of a subdir", "/a/../../secret.txt", 400, SECRET },
	{ __LINE__, "climb out of a real subdir", "/sub/../../secret.txt", 400, SECRET },
	{ __LINE__, "encoded slashes", "/..%2f..%2fsecret.txt", 400, SECRET },
	{ __LINE__, "double slash then ..", "//../secret.txt", 400, SECRET },
	{ __LINE__, "double-encoded dots stay literal", "/%252e%252e/secret.txt", 404, SECRET },
	{ __LINE__, "backslash is not a separator", "/..\\secret.txt", 403, SECRET },
	{ __LINE__, "absolute-form with ..", "http://x/../secret.txt", 400, SECRET },
	{ __LINE__, "absolute-form, encoded", "http://x/%2e%2e/secret.txt", 400, SECRET },
	{ __LINE__, "symlink to the secret", "/link-secret", 403, SECRET },
	{ __LINE__, "absolute symlink to the secret", "/link-abs", 403, SECRET },
	{ __LINE__, "symlink to the parent dir", "/link-parent/secret.txt", 403, SECRET },
	{ __LINE__, "symlinked parent listing", "/link-parent/", 403, SECRET },
	{ __LINE__, "NUL byte", "/%00", 400, SECRET },
	{ __LINE__, "NUL in a name", "/a%00.html", 400, SECRET },
	{ __LINE__, "NUL truncation trick", "/hello.txt%00.html", 400, SECRET },
	{ __LINE__, "NUL before ..", "/%00/../secret.txt", 400, SECRET },
	{ __LINE__, "encoded LF (RFC 9112 3.2)", "/hello.txt%0a", 400, SECRET },
	{ __LINE__, "encoded CR LF, header injection", "/x%0d%0aSet-Cookie:%20a=b", 400, SECRET },
	{ __LINE__, "encoded DEL", "/hello%7f.txt", 400, SECRET },
	{ __LINE__, "encoded ESC", "/%1b[31m", 400, SECRET },
	{ __LINE__, "bad percent escape", "/%zz", 400, SECRET },
	{ __LINE__, "truncated percent escape", "/hello.txt%2", 400, SECRET },
	{ __LINE__, ".htpasswd", "/.htpasswd", 403, DOTFILE },
	{ __LINE__, ".git/config", "/.git/config", 403, DOTFILE },
	{ __LINE__, ".git directory", "/.git/", 403, DOTFILE },
	{ __LINE__, "encoded dotfile", "/%2ehtpasswd", 403, DOTFILE },
	{ __LINE__, "dotfile via dot segment", "/sub/../.htpasswd", 403, DOTFILE },
};

START_TEST(test_attack)
{
	const struct attack_case *c = &attack_cases[_i];
	const char *mark = c->marker == SECRET ? srv.secret : HS_DOT_MARKER;
	char req[1024];
	ssize_t n;
	int status = -1;

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		 c->target);
	n = hs_exchange_raw(&srv, req, strlen(req), raw, sizeof raw, HS_TIMEOUT_MS);
	ck_assert_msg(n != -1, "line %d (%s): cannot talk to the server", c->line, c->desc);
	ck_assert_msg(!hs_contains(raw, strlen(raw), mark),
		      "line %d (%s): PROTECTED CONTENT RETURNED: %.300s", c->line, c->desc, raw);
	ck_assert_msg(sscanf(raw, "HTTP/1.1 %d ", &status) == 1,
		      "line %d (%s): no status line: %.100s", c->line, c->desc, raw);
	ck_assert_msg(status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, status, c->status);
	if (c->marker == DOTFILE)
		ck_assert_msg(status == 403 || status == 404, "line %d (%s): dotfile status %d",
			      c->line, c->desc, status);
	ck_assert_msg(n >= 0, "line %d (%s): no EOF after Connection: close", c->line, c->desc);
}
END_TEST

/* The same attacks, pipelined behind a good request on a kept-alive connection. */
START_TEST(test_attack_after_keepalive)
{
	static struct hs_conn conn;
	static struct hs_response r;
	char req[1024];

	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	for (size_t i = 0; i < sizeof attack_cases / sizeof attack_cases[0]; i++) {
		const struct attack_case *c = &attack_cases[i];

		if (c->status == 200)
			continue;
		snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
		ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&conn, &r, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(r.status, 200);
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", c->target);
		ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
		if (hs_read_response(&conn, &r, false, HS_TIMEOUT_MS) == -1) {
			/* The server may close after a 400; the head must still be clean. */
			ck_assert_msg(!hs_contains(r.raw, r.raw_len, srv.secret), "line %d: leak", c->line);
			hs_conn_close(&conn);
			ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
			continue;
		}
		ck_assert_msg(!hs_contains(r.raw, r.raw_len, srv.secret) &&
			      !hs_contains(r.raw, r.raw_len, HS_DOT_MARKER),
			      "line %d (%s): leak on a kept-alive connection", c->line, c->desc);
		ck_assert_msg(r.status == c->status, "line %d (%s): status %d, want %d", c->line, c->desc,
			      r.status, c->status);
		if (r.status == 400) {
			hs_conn_close(&conn);
			ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
		}
	}
	hs_conn_close(&conn);
}
END_TEST

static Suite *security_suite(void)
{
	Suite *s = suite_create("security");
	TCase *tc = tcase_create("containment");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_attack, 0, (int)(sizeof attack_cases / sizeof attack_cases[0]));
	tcase_add_test(tc, test_attack_after_keepalive);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(security_suite());
}
