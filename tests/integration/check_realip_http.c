/*
 * check_realip_http — real_ip = { header; trusted; } through the real
 * binary with raw sockets: from a trusted peer, the rightmost untrusted
 * address of X-Forwarded-For (or RFC 7239 Forwarded) is the client that
 * REMOTE_ADDR, the access log, the error log, access rules and
 * status.allow see, for that request only; the proxy stays visible to
 * scripts as PFHTTPD_PEER_ADDR; a header from an untrusted peer changes
 * nothing; a malformed entry ends the walk (realip.h); and behind a PROXY
 * protocol listener the trusted peer is the client that header named.
 *
 * The test's own connections come from 127.0.0.1, or from 127.0.0.3 when
 * bound there, to play an untrusted client.
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
#include <unistd.h>

static struct hs_server srv;
static struct hs_response resp;
static struct hs_conn conn;
static int pport;                    /* a PROXY listener's port, when started with one */

#define ENV "/cgi-bin/env_dump.sh"

static void teardown(void)
{
	hs_destroy(&srv);
}

/* The server with CGI on, real_ip as given (a whole group, or "" for none) and more. */
static void start(const char *real_ip, const char *more)
{
	char extra[2048], msg[4096];

	ck_assert_msg(hs_root_init(&srv) == 0 && hs_fixtures(&srv) == 0, "server root fixtures");
	ck_assert_msg(hs_copy_cgi(&srv, "cgi-bin") == 0, "copying the CGI fixtures");
	hs_open_root(&srv);
	snprintf(extra, sizeof extra,
		 "%s\ncgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n%s",
		 real_ip, srv.root, more ? more : "");
	ck_assert_msg(hs_start(&srv, extra, msg, sizeof msg) == 0, "cannot start %s: %s", hs_bin(), msg);
}

/* A TCP connection to 127.0.0.1:port from the address src (NULL: any), into conn. */
static void open_from(const char *src, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	if (src) {
		struct sockaddr_in b = { .sin_family = AF_INET };

		ck_assert_int_eq(inet_pton(AF_INET, src, &b.sin_addr), 1);
		ck_assert_msg(bind(fd, (struct sockaddr *)&b, sizeof b) == 0, "bind %s: %s", src,
			      strerror(errno));
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
	conn.fd = fd;
	conn.len = 0;
	conn.eof = false;
}

/* GET path with the extra header lines fields ("" for none) on conn; the status. */
static int get(const char *path, const char *fields)
{
	char req[2048];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n", path, fields);
	ck_assert_msg(hs_send_str(conn.fd, req) == 0, "send: %s", strerror(errno));
	ck_assert_msg(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS) == 0,
		      "no response to %s: %.300s", path, resp.raw);
	return resp.status;
}

/* One request on a new connection from src. */
static int get_from(const char *src, const char *path, const char *fields)
{
	int st;

	open_from(src, srv.port);
	st = get(path, fields);
	hs_conn_close(&conn);
	return st;
}

/* The value of NAME in an env_dump body ("NAME=value" lines), or NULL. */
static const char *env(const char *name)
{
	static char val[256];
	size_t n = strlen(name);

	for (const char *l = resp.body; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == '=') {
			snprintf(val, sizeof val, "%.*s", (int)strcspn(l + n + 1, "\n"), l + n + 1);
			return val;
		}
	return NULL;
}

static void expect_env(const char *name, const char *want)
{
	const char *got = env(name);

	if (!want) {
		ck_assert_msg(got == NULL, "%s='%s', want it unset", name, got);
		return;
	}
	ck_assert_msg(got && strcmp(got, want) == 0, "%s='%s', want '%s'", name,
		      got ? got : "(unset)", want);
}

/* A script's REMOTE_ADDR for one request with fields, from src. */
static void expect_client(const char *src, const char *fields, const char *want)
{
	ck_assert_int_eq(get_from(src, ENV, fields), 200);
	expect_env("REMOTE_ADDR", want);
}

/* The access log holds n lines whose client is addr. */
static void expect_logged(const char *addr, int n)
{
	char needle[128];

	snprintf(needle, sizeof needle, "%s - - [", addr);
	ck_assert_msg(hs_wait_file_count(srv.access_log, needle, n, HS_TIMEOUT_MS),
		      "fewer than %d access-log lines for %s", n, addr);
	ck_assert_msg(hs_file_count(srv.access_log, needle) == n, "%d access-log lines for %s, "
		      "want %d", hs_file_count(srv.access_log, needle), addr, n);
}

#define TRUST_LO1 "real_ip = { header = \"X-Forwarded-For\"; trusted = [ \"127.0.0.1/32\" ]; };"
#define TRUST_LO8 "real_ip = { trusted = [ \"127.0.0.0/8\" ]; };"

/* ---- the client named ------------------------------------------------------- */

/* One address from a trusted peer: REMOTE_ADDR, REMOTE_PORT, the proxy, the log. */
START_TEST(test_xff_trusted)
{
	start(TRUST_LO1, NULL);
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4\r\n", "1.2.3.4");
	expect_env("PFHTTPD_PEER_ADDR", "127.0.0.1");
	/* No port in the header: the connection's, as Apache's mod_remoteip. */
	ck_assert_ptr_nonnull(env("PFHTTPD_PEER_PORT"));
	ck_assert_str_eq(env("REMOTE_PORT"), env("PFHTTPD_PEER_PORT"));
	expect_logged("1.2.3.4", 1);
	expect_logged("127.0.0.1", 0);
}
END_TEST

/* Trusted hops are skipped; what a client wrote on the left is never reached. */
START_TEST(test_chain)
{
	start(TRUST_LO8, NULL);
	expect_client(NULL, "X-Forwarded-For: 6.6.6.6, 1.2.3.4, 127.0.0.5\r\n", "1.2.3.4");
	/* Two fields are one list, in order (RFC 9110 5.3). */
	expect_client(NULL, "X-Forwarded-For: 6.6.6.6, 1.2.3.4\r\nX-Forwarded-For: 127.0.0.5\r\n",
		      "1.2.3.4");
	/* All trusted: the leftmost. */
	expect_client(NULL, "X-Forwarded-For: 127.0.0.9, 127.0.0.5\r\n", "127.0.0.9");
	/* A port in the entry becomes REMOTE_PORT. */
	expect_client(NULL, "X-Forwarded-For: [2001:db8::1]:4711\r\n", "2001:db8::1");
	expect_env("REMOTE_PORT", "4711");
	expect_logged("2001:db8::1", 1);
}
END_TEST

/* An untrusted peer's header is whatever its client chose: ignored. */
START_TEST(test_untrusted_peer)
{
	start(TRUST_LO1, NULL);
	expect_client("127.0.0.3", "X-Forwarded-For: 1.2.3.4\r\n", "127.0.0.3");
	expect_env("PFHTTPD_PEER_ADDR", "127.0.0.3");
	expect_client("127.0.0.3", "X-Forwarded-For: 127.0.0.1\r\n", "127.0.0.3");
	expect_logged("127.0.0.3", 2);
	expect_logged("1.2.3.4", 0);
}
END_TEST

/* The same with only another address trusted, from the usual 127.0.0.1. */
START_TEST(test_other_trusted)
{
	start("real_ip = { trusted = [ \"127.0.0.2/32\" ]; };", NULL);
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4\r\n", "127.0.0.1");
}
END_TEST

/* Without real_ip the header means nothing, and PFHTTPD_PEER_* are not set. */
START_TEST(test_off)
{
	start("", NULL);
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4\r\n", "127.0.0.1");
	expect_env("PFHTTPD_PEER_ADDR", NULL);
	expect_env("PFHTTPD_PEER_PORT", NULL);
}
END_TEST

/* RFC 7239: a quoted IPv6 node with its port; X-Forwarded-For is then not read. */
START_TEST(test_forwarded)
{
	start("real_ip = { header = \"Forwarded\"; trusted = [ \"127.0.0.0/8\" ]; };", NULL);
	expect_client(NULL, "Forwarded: for=\"[2001:db8::1]:4711\";proto=https\r\n", "2001:db8::1");
	expect_env("REMOTE_PORT", "4711");
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4\r\n", "127.0.0.1");
	expect_client(NULL, "Forwarded: for=6.6.6.6, for=1.2.3.4, for=127.0.0.5;by=127.0.0.1\r\n",
		      "1.2.3.4");
	/* A client's open quote cannot swallow the element the proxy appended. */
	expect_client(NULL, "Forwarded: for=\"127.0.0.9, for=1.2.3.4\r\n", "1.2.3.4");
	/* unknown after a trusted hop: that hop. */
	expect_client(NULL, "Forwarded: for=unknown, for=127.0.0.9\r\n", "127.0.0.9");
	expect_client(NULL, "Forwarded: for=_hidden\r\n", "127.0.0.1");
}
END_TEST

/* Another field name is read as an X-Forwarded-For list. */
START_TEST(test_other_header)
{
	start("real_ip = { header = \"X-Real-IP\"; trusted = [ \"127.0.0.1\" ]; };", NULL);
	expect_client(NULL, "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 1.2.3.4\r\n", "1.2.3.4");
	expect_client(NULL, "X-Forwarded-For: 6.6.6.6\r\n", "127.0.0.1");
}
END_TEST

/* A malformed entry ends the walk: the last address read before it, else the peer. */
START_TEST(test_malformed)
{
	start(TRUST_LO8, NULL);
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4, junk\r\n", "127.0.0.1");
	expect_client(NULL, "X-Forwarded-For: junk, 1.2.3.4\r\n", "1.2.3.4");
	expect_client(NULL, "X-Forwarded-For: 6.6.6.6, junk, 127.0.0.9\r\n", "127.0.0.9");
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4:99999\r\n", "127.0.0.1");
	expect_client(NULL, "X-Forwarded-For: \r\n", "127.0.0.1");
	expect_client(NULL, "X-Forwarded-For: , ,\r\n", "127.0.0.1");
	/* The request itself is served: the header is the proxy's business, not a 400. */
	expect_logged("127.0.0.1", 4);
}
END_TEST

/* ---- who is let in ------------------------------------------------------------ */

/* An access rule for 1.2.3.4 only: the forwarded client in, the proxy out. */
START_TEST(test_access_rule)
{
	start(TRUST_LO1, "log_level = \"info\";\n"
	      "access = ( { path = \"/\"; allow = [ \"1.2.3.4/32\" ]; } );\n");
	ck_assert_int_eq(get_from(NULL, "/hello.txt", "X-Forwarded-For: 1.2.3.4\r\n"), 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	ck_assert_int_eq(get_from(NULL, "/hello.txt", ""), 403);
	ck_assert_int_eq(get_from(NULL, "/hello.txt", "X-Forwarded-For: 6.6.6.6\r\n"), 403);
	/* The error log names the client too. */
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "[client 6.6.6.6:", HS_TIMEOUT_MS),
		      "the error log does not name the forwarded client");
	/* A client that spoofs the header itself stays out. */
	ck_assert_int_eq(get_from("127.0.0.3", "/hello.txt", "X-Forwarded-For: 1.2.3.4\r\n"), 403);
}
END_TEST

/* status.allow likewise (the default would let the proxy's 127.0.0.1 in). */
START_TEST(test_status_allow)
{
	start(TRUST_LO1, "status = { allow = [ \"1.2.3.4/32\" ]; };\n");
	ck_assert_int_eq(get_from(NULL, "/server-status", "X-Forwarded-For: 1.2.3.4\r\n"), 200);
	ck_assert_int_eq(get_from(NULL, "/server-status", ""), 403);
	ck_assert_int_eq(get_from("127.0.0.3", "/server-status", "X-Forwarded-For: 1.2.3.4\r\n"), 403);
}
END_TEST

/* ---- per request ------------------------------------------------------------------ */

/* A proxy sends many clients' requests on one connection: each its own client. */
START_TEST(test_keepalive)
{
	start(TRUST_LO1, NULL);
	open_from(NULL, srv.port);
	ck_assert_int_eq(get(ENV, "X-Forwarded-For: 1.2.3.4\r\n"), 200);
	expect_env("REMOTE_ADDR", "1.2.3.4");
	ck_assert_int_eq(get(ENV, ""), 200);
	expect_env("REMOTE_ADDR", "127.0.0.1");
	expect_env("PFHTTPD_PEER_ADDR", "127.0.0.1");
	ck_assert_int_eq(get(ENV, "X-Forwarded-For: 5.6.7.8\r\n"), 200);
	expect_env("REMOTE_ADDR", "5.6.7.8");
	hs_conn_close(&conn);
	expect_logged("1.2.3.4", 1);
	expect_logged("127.0.0.1", 1);
	expect_logged("5.6.7.8", 1);
}
END_TEST

/* ---- behind a PROXY protocol listener --------------------------------------------- */

/* The peer whose header is believed is the client the PROXY header named. */
START_TEST(test_after_proxy_protocol)
{
	char more[256];

	pport = hs_free_port();
	ck_assert_int_gt(pport, 0);
	snprintf(more, sizeof more, "proxy_protocol = { listen = [ \"127.0.0.1:%d\" ]; "
		 "trusted = [ \"127.0.0.1/32\" ]; };\n", pport);
	start("real_ip = { trusted = [ \"10.0.0.0/8\" ]; };", more);
	open_from(NULL, pport);
	ck_assert_int_eq(hs_send_str(conn.fd, "PROXY TCP4 10.0.0.5 10.0.0.1 51234 80\r\n"), 0);
	ck_assert_int_eq(get(ENV, "X-Forwarded-For: 1.2.3.4\r\n"), 200);
	expect_env("REMOTE_ADDR", "1.2.3.4");
	expect_env("PFHTTPD_PEER_ADDR", "10.0.0.5");
	expect_env("PFHTTPD_PEER_PORT", "51234");
	hs_conn_close(&conn);
	/* A PROXY client outside real_ip.trusted: its header is not believed. */
	open_from(NULL, pport);
	ck_assert_int_eq(hs_send_str(conn.fd, "PROXY TCP4 192.0.2.7 10.0.0.1 51234 80\r\n"), 0);
	ck_assert_int_eq(get(ENV, "X-Forwarded-For: 1.2.3.4\r\n"), 200);
	expect_env("REMOTE_ADDR", "192.0.2.7");
	hs_conn_close(&conn);
	/* The plain listener's 127.0.0.1 is not trusted by real_ip. */
	expect_client(NULL, "X-Forwarded-For: 1.2.3.4\r\n", "127.0.0.1");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("realip_http");
	TCase *client = hs_tcase("client", 60, teardown);
	TCase *gate = hs_tcase("gate", 60, teardown);
	TCase *conns = hs_tcase("connections", 60, teardown);

	tcase_add_test(client, test_xff_trusted);
	tcase_add_test(client, test_chain);
	tcase_add_test(client, test_untrusted_peer);
	tcase_add_test(client, test_other_trusted);
	tcase_add_test(client, test_off);
	tcase_add_test(client, test_forwarded);
	tcase_add_test(client, test_other_header);
	tcase_add_test(client, test_malformed);
	tcase_add_test(gate, test_access_rule);
	tcase_add_test(gate, test_status_allow);
	tcase_add_test(conns, test_keepalive);
	tcase_add_test(conns, test_after_proxy_protocol);
	suite_add_tcase(s, client);
	suite_add_tcase(s, gate);
	suite_add_tcase(s, conns);
	return hs_main(s);
}
