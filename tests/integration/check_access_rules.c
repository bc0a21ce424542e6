/*
 * check_access_rules — access rules and Basic auth through the real binary: IPv4
 * allow and deny (a client bound to 127.0.0.2 is "another address"), IPv6,
 * the longest prefix and the directory without its slash, Basic auth with
 * bcrypt, yescrypt and SHA-512-crypt entries, every refusal (401 with
 * WWW-Authenticate), REMOTE_USER and AUTH_TYPE for CGI, the access log's
 * user field, a password file changed or removed while running, and
 * .htaccess / .htpasswd never served. (Named apart from the unit suites
 * check_access and check_auth: one build/tests/ holds both kinds.)
 */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Hashes made with crypt(3) (libxcrypt) once; the passwords are beside them. */
#define H_ALICE  "$2y$05$Gl59iME1tw4TzBrOlyM6XeoS0oHDC1q.6J7lp6iPKYuNbsGDm/HNK"   /* wonderland */
#define H_RABBIT "$2y$05$1EK8UjelK0X7HgsoOwoxLuJVLjr/asLftL9Hq2odVVSCyIzg5Q4GS"   /* rabbit */
#define H_YUKI   "$y$j9T$OmKIsQuzqcmw3VIFT9Xfm0$D9PjikDl5/zsNLa54M9eayGKkhFHQwzsFuDxaBA7nK8" /* snow */
#define H_SAM    "$6$/UMsI4VpCJ8gdWRJ$u726aAIuASbPFfKpN3hqsIztW8Gi0nhK3LVyUSoHRthY9jB0M/" \
		 "bTyYNxE8.27TaTW2RFVQtu8ZZdGKAfVca9D/"                            /* samwise */
#define H_MD5    "$1$H9JfLjzA$Fyi5m3D8rH540xYqNLg9x."                             /* oldpw: refused */

#define USERS "# test users\nalice:" H_ALICE "\nyuki:" H_YUKI "\r\nsam:" H_SAM "\nold:" H_MD5 "\n"
#define CHALLENGE "Basic realm=\"Admin area\", charset=\"UTF-8\""

static struct hs_server srv;
static struct hs_response resp;
static struct hs_conn conn;
static char extra[4096];

/* ---- set-up ------------------------------------------------------------------ */

static void fixtures(void)
{
	int rc = 0;

	rc |= hs_put_str(&srv, "users.htpasswd", USERS);
	rc |= hs_put_str(&srv, "gone.htpasswd", USERS);
	rc |= hs_put_str(&srv, "htdocs/private/x.txt", "private-content\n");
	rc |= hs_put_str(&srv, "htdocs/private/index.html", "private-index\n");
	rc |= hs_put_str(&srv, "htdocs/v6/x.txt", "v6-content\n");
	rc |= hs_put_str(&srv, "htdocs/admin/secret.txt", "admin-secret\n");
	rc |= hs_put_str(&srv, "htdocs/admin/index.html", "admin-index\n");
	rc |= hs_put_str(&srv, "htdocs/admin/public/x.txt", "admin-public\n");
	rc |= hs_put_str(&srv, "htdocs/broken/x.txt", "broken-content\n");
	rc |= hs_put_str(&srv, "htdocs/idx/index.html", "idx-index-content\n");
	rc |= hs_put_str(&srv, "htdocs/.htaccess", "Require all denied " HS_DOT_MARKER "\n");
	rc |= hs_put_str(&srv, "htdocs/sub/.htpasswd", "x:" HS_DOT_MARKER "\n");
	rc |= hs_put_str(&srv, "htdocs/dotidx/.htaccess", HS_DOT_MARKER "\n");
	rc |= hs_copy_cgi(&srv, "cgi-bin");
	if (rc == 0) {
		char from[HS_PATH + 32], text[4096];
		ssize_t n;

		/* An unprotected copy of env_dump.sh: no rule, so no REMOTE_USER. */
		snprintf(from, sizeof from, "%s/cgi-bin/env_dump.sh", srv.root);
		n = hs_slurp(from, text, sizeof text);
		rc |= n < 0 || hs_put(&srv, "cgi-bin/env_open.sh", text, (size_t)n) == -1;
		snprintf(from, sizeof from, "%s/cgi-bin/env_open.sh", srv.root);
		rc |= chmod(from, 0755);
		/* A local redirect (RFC 3875 6.2.2) into the protected area. */
		rc |= hs_put_str(&srv, "cgi-bin/to_admin.sh",
				 "#!/bin/sh\nprintf 'Location: /admin/secret.txt\\r\\n\\r\\n'\n");
		snprintf(from, sizeof from, "%s/cgi-bin/to_admin.sh", srv.root);
		rc |= chmod(from, 0755);
	}
	if (rc != 0) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the fixtures");
	}
}

static void start(bool listen6)
{
	char msg[4096];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	srv.listen6 = listen6;
	fixtures();
	snprintf(extra, sizeof extra,
		 "log_level = \"info\";\n"
		 "index = [ \".htaccess\", \"index.html\" ];\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n"
		 "status = { allow = [ \"127.0.0.0/8\", \"::1\" ]; };\n"
		 "access = (\n"
		 "  { path = \"/private/\"; allow = [ \"127.0.0.2/32\" ]; },\n"
		 "  { path = \"/v6/\"; allow = [ \"::1\" ]; },\n"
		 "  { path = \"/admin/\"; allow = [ \"127.0.0.1\", \"::1\" ];\n"
		 "    auth = { realm = \"Admin area\"; user_file = \"users.htpasswd\"; }; },\n"
		 "  { path = \"/admin/public/\"; allow = [ \"0.0.0.0/0\", \"::/0\" ]; },\n"
		 "  { path = \"/cgi-bin/env_dump.sh\";\n"
		 "    auth = { realm = \"Admin area\"; user_file = \"users.htpasswd\"; }; },\n"
		 "  { path = \"/broken/\"; auth = { realm = \"B\"; user_file = \"gone.htpasswd\"; }; },\n"
		 "  { path = \"/idx/index.html\"; allow = [ \"127.0.0.2\" ]; },\n"
		 "  { path = \"/server-status\"; allow = [ \"127.0.0.2\" ]; }\n"
		 ");\n", srv.root);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void setup(void)
{
	start(false);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* ---- requests ---------------------------------------------------------------- */

/* One request from 127.0.0.1 with an optional extra header line ("Name: value"). */
static void get(const char *method, const char *target, const char *hdr)
{
	char req[2048];

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s%s\r\n",
		 method, target, hdr ? hdr : "", hdr ? "\r\n" : "");
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "%s %s: no response: %.200s",
		      method, target, resp.raw);
}

/* Base64 of s (RFC 4648 4). */
static void b64(char *dst, const char *s)
{
	static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), o = 0;

	for (size_t i = 0; i < len; i += 3) {
		size_t n = len - i < 3 ? len - i : 3;
		unsigned v = (unsigned char)s[i] << 16 | (n > 1 ? (unsigned char)s[i + 1] << 8 : 0) |
			     (n > 2 ? (unsigned char)s[i + 2] : 0);
		dst[o++] = d[v >> 18 & 63];
		dst[o++] = d[v >> 12 & 63];
		dst[o++] = n > 1 ? d[v >> 6 & 63] : '=';
		dst[o++] = n > 2 ? d[v & 63] : '=';
	}
	dst[o] = '\0';
}

/* GET target as user:pass. */
static void get_as(const char *target, const char *userpass)
{
	char tok[512], hdr[600];

	b64(tok, userpass);
	snprintf(hdr, sizeof hdr, "Authorization: Basic %s", tok);
	get("GET", target, hdr);
}

static void get_from(const char *src, const char *target)
{
	char req[1024];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target);
	conn.fd = hs_connect_from(src, srv.port);
	ck_assert_msg(conn.fd >= 0, "connect from %s: %s", src, strerror(errno));
	conn.len = 0;
	conn.eof = false;
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_msg(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS) == 0, "%s from %s: no response",
		      target, src);
	hs_conn_close(&conn);
}

static void expect_log(const char *needle, const char *needle2)
{
	char line[2048];

	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, HS_TIMEOUT_MS),
		      "no '%s' in the error log", needle);
	if (needle2)
		ck_assert_msg(hs_find_line(srv.error_log, needle, needle2, line, sizeof line),
			      "no line with '%s' and '%s' in the error log", needle, needle2);
}

/* A 401 as RFC 7617 2 has it: the challenge, and a small HTML body. */
static void expect_401(const char *what)
{
	ck_assert_msg(resp.status == 401, "%s: status %d", what, resp.status);
	ck_assert_msg(hs_hdr(&resp, "WWW-Authenticate") &&
		      strcmp(hs_hdr(&resp, "WWW-Authenticate"), CHALLENGE) == 0,
		      "%s: WWW-Authenticate %s", what, hs_hdr(&resp, "WWW-Authenticate"));
	ck_assert_int_eq(hs_hdr_count(&resp, "WWW-Authenticate"), 1);
	ck_assert_msg(strstr(resp.body, "<html>") && !strstr(resp.body, "admin-secret"),
		      "%s: body %s", what, resp.body);
}

/* ---- addresses ------------------------------------------------------------------- */

START_TEST(test_ipv4_deny)
{
	get("GET", "/private/x.txt", NULL);
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "private-content"));
	expect_log("client denied by access rule (/private/ at ", "server.conf:");
	/* The directory without its slash: the rule, not a redirect that tells it exists. */
	get("GET", "/private", NULL);
	ck_assert_int_eq(resp.status, 403);
	get("GET", "/private/", NULL);
	ck_assert_int_eq(resp.status, 403);
	/* Spellings normalise first: %-escapes, dot segments, double slashes. */
	get("GET", "/%70rivate/x.txt", NULL);
	ck_assert_int_eq(resp.status, 403);
	get("GET", "/sub/../private/x.txt", NULL);
	ck_assert_int_eq(resp.status, 403);
	get("GET", "//private//x.txt", NULL);
	ck_assert_int_eq(resp.status, 403);
	/* Outside the rule, the same client is served. */
	get("GET", "/hello.txt", NULL);
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

START_TEST(test_ipv4_allow)
{
	get_from("127.0.0.2", "/private/x.txt");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "private-content\n");
	get_from("127.0.0.2", "/private/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "private-index\n");
	/* An auth rule's allow list still applies: 127.0.0.2 is not in /admin/'s. */
	get_from("127.0.0.2", "/admin/secret.txt");
	ck_assert_int_eq(resp.status, 403);
	ck_assert_int_eq(hs_hdr_count(&resp, "WWW-Authenticate"), 0);
}
END_TEST

/* The status page is a handler like the others: the rule comes first. */
START_TEST(test_status_page_behind_rule)
{
	get("GET", "/server-status?auto", NULL);
	ck_assert_int_eq(resp.status, 403);
	expect_log("client denied by access rule (/server-status at ", NULL);
	get_from("127.0.0.2", "/server-status?auto");
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/* An index file under a rule of its own is not served through its directory's URL. */
START_TEST(test_index_under_its_own_rule)
{
	get("GET", "/idx/index.html", NULL);
	ck_assert_int_eq(resp.status, 403);
	get("GET", "/idx/", NULL);
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "idx-index-content"));
	expect_log("falls under another access rule", NULL);
	get_from("127.0.0.2", "/idx/index.html");
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

static void setup6(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	bool have6 = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;

	if (fd >= 0)
		close(fd);
	memset(&srv, 0, sizeof srv);
	if (have6)
		start(true);
}

START_TEST(test_ipv6)
{
	if (srv.pid == 0) {
		printf("SKIP: test_ipv6: this machine has no IPv6 loopback (::1)\n");
		return;
	}
	get_from("::1", "/v6/x.txt");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "v6-content\n");
	get("GET", "/v6/x.txt", NULL);
	ck_assert_int_eq(resp.status, 403);
	expect_log("client denied by access rule (/v6/ at ", NULL);
	get_from("::1", "/private/x.txt");
	ck_assert_int_eq(resp.status, 403);
	/* ::1 is in /admin/'s allow list: credentials are asked for, not refused outright. */
	get_from("::1", "/admin/secret.txt");
	expect_401("[::1] without credentials");
}
END_TEST

/* ---- Basic auth ---------------------------------------------------------------------- */

START_TEST(test_auth_each_hash)
{
	static const char *const ok[] = { "alice:wonderland", "yuki:snow", "sam:samwise" };

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		get_as("/admin/secret.txt", ok[i]);
		ck_assert_msg(resp.status == 200, "%s: %d", ok[i], resp.status);
		ck_assert_str_eq(resp.body, "admin-secret\n");
	}
	/* The directory, its redirect and its index pass through the rule too. */
	get_as("/admin/", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "admin-index\n");
	/* The access log's third field (Combined's %u). */
	ck_assert(hs_wait_file_contains(srv.access_log, "127.0.0.1 - yuki [", HS_TIMEOUT_MS));
	ck_assert(hs_wait_file_contains(srv.access_log, "127.0.0.1 - sam [", HS_TIMEOUT_MS));
	ck_assert(hs_wait_file_contains(srv.access_log, "127.0.0.1 - alice [", HS_TIMEOUT_MS));
}
END_TEST

START_TEST(test_auth_refused)
{
	char tok[256], hdr[600];

	get("GET", "/admin/secret.txt", NULL);
	expect_401("no credentials");
	expect_log("user -: authentication failure for /admin/secret.txt: no credentials", NULL);
	get_as("/admin/secret.txt", "alice:Wonderland");
	expect_401("wrong password");
	expect_log("user alice: authentication failure for /admin/secret.txt: password mismatch", NULL);
	get_as("/admin/secret.txt", "bob:wonderland");
	expect_401("unknown user");
	expect_log("user bob: authentication failure for /admin/secret.txt: user not found", NULL);
	get_as("/admin/secret.txt", "old:oldpw");
	expect_401("MD5-crypt entry");
	expect_log("user old: authentication failure", "hash method is not accepted");
	get_as("/admin/secret.txt", "alice");
	expect_401("no colon");
	get_as("/admin/secret.txt", ":wonderland");
	expect_401("empty user-id");
	get("GET", "/admin/secret.txt", "Authorization: Basic YWxpY2U6d29uZGVybGFuZA");
	expect_401("unpadded base64");
	expect_log("credentials are not strict base64", NULL);
	get("GET", "/admin/secret.txt", "Authorization: Bearer YWxpY2U6d29uZGVybGFuZA==");
	expect_401("another scheme");
	get("GET", "/admin/secret.txt", "Authorization: Basic");
	expect_401("scheme alone");
	/* Two fields: refused even when one of them is right. */
	b64(tok, "alice:wonderland");
	snprintf(hdr, sizeof hdr, "Authorization: Basic %s\r\nAuthorization: Basic %s", tok, tok);
	get("GET", "/admin/secret.txt", hdr);
	expect_401("two Authorization fields");
	/* HEAD: the same status and challenge, no body. */
	get("HEAD", "/admin/secret.txt", NULL);
	ck_assert_int_eq(resp.status, 401);
	ck_assert_str_eq(hs_hdr(&resp, "WWW-Authenticate"), CHALLENGE);
	ck_assert_uint_eq(resp.body_len, 0);
	/* The directory without its slash is inside the rule (no 301 first). */
	get("GET", "/admin", NULL);
	expect_401("the directory without its slash");
	/* The longer, open rule wins for its sub-path. */
	get("GET", "/admin/public/x.txt", NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "admin-public\n");
	/* Refused requests log no user. */
	ck_assert(hs_wait_file_contains(srv.access_log, "127.0.0.1 - - [", HS_TIMEOUT_MS));
	ck_assert(!hs_find_line(srv.access_log, " - bob [", NULL, tok, sizeof tok));
}
END_TEST

/* Does text hold line as a whole line? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* RFC 3875 4.1.1, 4.1.11: AUTH_TYPE and REMOTE_USER after the check; Authorization itself never. */
START_TEST(test_cgi_remote_user)
{
	get_as("/cgi-bin/env_dump.sh", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(has_line(resp.body, "AUTH_TYPE=Basic"), "%s", resp.body);
	ck_assert_msg(has_line(resp.body, "REMOTE_USER=alice"), "%s", resp.body);
	ck_assert_msg(!strstr(resp.body, "HTTP_AUTHORIZATION"), "%s", resp.body);
	get("GET", "/cgi-bin/env_dump.sh", NULL);
	expect_401("script without credentials");
	/* PATH_INFO below the script is the script's rule too. */
	get("GET", "/cgi-bin/env_dump.sh/more", NULL);
	expect_401("script with PATH_INFO");
	/* A client's own Authorization on a script without a rule proves nothing. */
	get_as("/cgi-bin/env_open.sh", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(!strstr(resp.body, "REMOTE_USER") && !strstr(resp.body, "AUTH_TYPE") &&
		      !strstr(resp.body, "HTTP_AUTHORIZATION"), "%s", resp.body);
}
END_TEST

/* A script's local redirect is routed again, through the rule of its target. */
START_TEST(test_local_redirect_checked)
{
	get("GET", "/cgi-bin/to_admin.sh", NULL);
	expect_401("local redirect into /admin/");
	get_as("/cgi-bin/to_admin.sh", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "admin-secret\n");
}
END_TEST

/* Re-read when it changes: the new password works, the old one stops, no reload. */
START_TEST(test_password_file_changed)
{
	long long end;

	get_as("/admin/secret.txt", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_int_eq(hs_put_str(&srv, "users.htpasswd", "alice:" H_RABBIT "\n"), 0);
	/* Each worker looks at the file at most once a second: poll, generously bounded. */
	end = hs_now_ms() + 10000LL * hs_timeout_scale();
	do {
		hs_sleep_ms(200);
		get_as("/admin/secret.txt", "alice:rabbit");
	} while (resp.status != 200 && hs_now_ms() < end);
	ck_assert_int_eq(resp.status, 200);
	/* Every worker (two) has seen it after a second and a half. */
	hs_sleep_ms(1500);
	for (int i = 0; i < 4; i++) {
		get_as("/admin/secret.txt", "alice:wonderland");
		expect_401("the old password after the change");
		get_as("/admin/secret.txt", "yuki:snow");
		expect_401("a user no longer in the file");
	}
}
END_TEST

/* A password file that is gone is the server's fault: 500, never 401 or the old table. */
START_TEST(test_password_file_gone)
{
	char path[HS_PATH + 32];

	get_as("/broken/x.txt", "alice:wonderland");
	ck_assert_int_eq(resp.status, 200);
	snprintf(path, sizeof path, "%s/gone.htpasswd", srv.root);
	ck_assert_int_eq(unlink(path), 0);
	hs_sleep_ms(1500);
	for (int i = 0; i < 4; i++) {
		get_as("/broken/x.txt", "alice:wonderland");
		ck_assert_int_eq(resp.status, 500);
		ck_assert_int_eq(hs_hdr_count(&resp, "WWW-Authenticate"), 0);
	}
	expect_log("user_file ", "gone.htpasswd: stat: No such file or directory");
	/* The server keeps serving. */
	get("GET", "/hello.txt", NULL);
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/* ---- .htaccess and .htpasswd ------------------------------------------------------------ */

START_TEST(test_ht_files)
{
	static const char *const targets[] = {
		"/.htaccess", "/.htpasswd", "/sub/.htpasswd", "/%2ehtaccess", "/.HTACCESS",
		"/sub/%2Ehtpasswd", "/cgi-bin/env_open.sh/.htpasswd", "/.htaccess/", "/dotidx/.htaccess",
	};

	for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
		get("GET", targets[i], NULL);
		ck_assert_msg(resp.status == 403, "%s: %d", targets[i], resp.status);
		ck_assert_msg(!strstr(resp.body, HS_DOT_MARKER), "%s: served", targets[i]);
	}
	expect_log("forbidden path (a segment starts with '.'", NULL);
	/* index = [ ".htaccess", "index.html" ]: the first is never what a directory serves. */
	get("GET", "/dotidx/", NULL);
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, HS_DOT_MARKER));
	expect_log("index name .htaccess in /dotidx/ is a dotfile: never served", NULL);
	get("GET", "/", NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, HS_INDEX_MARKER));
}
END_TEST

static Suite *access_rules_suite(void)
{
	Suite *s = suite_create("access_rules");
	TCase *addr = hs_tcase("addresses", 60, teardown);
	TCase *v6 = hs_tcase("ipv6", 60, teardown);
	TCase *basic = hs_tcase("basic", 90, teardown);
	TCase *ht = hs_tcase("ht_files", 60, teardown);

	tcase_add_checked_fixture(addr, setup, NULL);
	tcase_add_test(addr, test_ipv4_deny);
	tcase_add_test(addr, test_ipv4_allow);
	tcase_add_test(addr, test_status_page_behind_rule);
	tcase_add_test(addr, test_index_under_its_own_rule);
	tcase_add_checked_fixture(v6, setup6, NULL);
	tcase_add_test(v6, test_ipv6);
	tcase_add_checked_fixture(basic, setup, NULL);
	tcase_add_test(basic, test_auth_each_hash);
	tcase_add_test(basic, test_auth_refused);
	tcase_add_test(basic, test_cgi_remote_user);
	tcase_add_test(basic, test_local_redirect_checked);
	tcase_add_test(basic, test_password_file_changed);
	tcase_add_test(basic, test_password_file_gone);
	tcase_add_checked_fixture(ht, setup, NULL);
	tcase_add_test(ht, test_ht_files);
	suite_add_tcase(s, addr);
	suite_add_tcase(s, v6);
	suite_add_tcase(s, basic);
	suite_add_tcase(s, ht);
	return s;
}

int main(void)
{
	return hs_main(access_rules_suite());
}
