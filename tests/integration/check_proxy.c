/*
 * check_proxy — listeners that expect HAProxy's PROXY protocol
 * (proxy_protocol = { listen; trusted; }), through the real binary with raw
 * sockets: the client a v1 or v2 header names is the one REMOTE_ADDR,
 * REMOTE_PORT, the access log and status.allow see, however the header
 * arrives (with the request in one segment, in pieces, across keep-alive and
 * the keeper); LOCAL and UNKNOWN keep the real peer; a malformed or missing
 * header, or a peer outside `trusted`, gets a close without a byte and an
 * error-log line, and a proxy that resets inside its header is logged as
 * such; a plain listener beside it is untouched (and a PROXY line sent
 * there is only a bad request, never believed).
 *
 * The server listens on its plain port (the harness's) and on a second one
 * for PROXY; only 127.0.0.1/32 is trusted, and the untrusted peer is the
 * same test bound to 127.0.0.3.
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
static int pport;                    /* the PROXY listener's port */

#define REQ_ENV "GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define REQ_ENV_CLOSE "GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
/* 2.2: the v2 signature, then version 2 with a command, family, length. */
#define SIG "\r\n\r\n\0\r\nQUIT\n"
/* v2 PROXY TCP4: 192.0.2.44:40001 -> 10.0.0.1:80. */
#define V2_TCP4 SIG "\x21\x11\x00\x0c" "\xc0\x00\x02\x2c" "\x0a\x00\x00\x01" "\x9c\x41" "\x00\x50"
/* v2 PROXY TCP6: 2001:db8::7:4242 -> 2001:db8::1:443. */
#define V2_TCP6 SIG "\x21\x21\x00\x24" "\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x07" \
		"\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x01" "\x10\x92" "\x01\xbb"
#define V2_LOCAL SIG "\x20\x00\x00\x00"

static void teardown(void)
{
	hs_destroy(&srv);
}

/* The server with a PROXY listener on a port of its own, CGI on, and more. */
static void start(const char *more)
{
	char extra[2048], msg[4096];

	ck_assert_msg(hs_root_init(&srv) == 0 && hs_fixtures(&srv) == 0, "server root fixtures");
	ck_assert_msg(hs_copy_cgi(&srv, "cgi-bin") == 0, "copying the CGI fixtures");
	hs_open_root(&srv);
	pport = hs_free_port();
	ck_assert_int_gt(pport, 0);
	snprintf(extra, sizeof extra,
		 "proxy_protocol = { listen = [ \"127.0.0.1:%d\" ]; trusted = [ \"127.0.0.1/32\" ]; };\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n"
		 "timeouts = { header = 2; body = 30; keepalive = 5; send = 30; cgi = 60; };\n%s",
		 pport, srv.root, more ? more : "");
	ck_assert_msg(hs_start(&srv, extra, msg, sizeof msg) == 0, "cannot start %s: %s", hs_bin(), msg);
	/* The second port is bound with the first, before the workers start. */
	ck_assert_msg(hs_port_listening(pport), "the PROXY listener on %d is not listening", pport);
}

/* A TCP connection to 127.0.0.1:port from the address src (NULL: any), into conn. */
static void open_from(const char *src, int port)
{
	conn.fd = hs_connect_from(src, port);
	ck_assert_msg(conn.fd >= 0, "connect from %s: %s", src ? src : "127.0.0.1", strerror(errno));
	conn.len = 0;
	conn.eof = false;
}

static void send_bytes(const void *buf, size_t len)
{
	ck_assert_msg(hs_send(conn.fd, buf, len) == 0, "send: %s", strerror(errno));
}

static void read_ok(void)
{
	ck_assert_msg(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS) == 0,
		      "no response: %.300s", resp.raw);
	ck_assert_msg(resp.status == 200, "status %d: %.300s", resp.status, resp.raw);
}

/* The value of NAME in an env_dump body ("NAME=value" lines), or "". */
static const char *env(const char *name)
{
	static char val[256];
	size_t n = strlen(name);

	for (const char *l = resp.body; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == '=') {
			snprintf(val, sizeof val, "%.*s", (int)strcspn(l + n + 1, "\n"), l + n + 1);
			return val;
		}
	return "";
}

static void expect_client(const char *addr, const char *port)
{
	ck_assert_msg(strcmp(env("REMOTE_ADDR"), addr) == 0, "REMOTE_ADDR '%s', want '%s'",
		      env("REMOTE_ADDR"), addr);
	if (port)
		ck_assert_msg(strcmp(env("REMOTE_PORT"), port) == 0, "REMOTE_PORT '%s', want '%s'",
			      env("REMOTE_PORT"), port);
}

/* The connection ends without a byte from the server. */
static void expect_silent_close(void)
{
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "the connection was not closed");
	ck_assert_msg(conn.len == 0, "the server answered: %.*s", (int)conn.len, conn.buf);
	hs_conn_close(&conn);
}

static void expect_error_log(const char *line)
{
	char found[1024];

	ck_assert_msg(hs_wait_file_contains(srv.error_log, line, HS_TIMEOUT_MS),
		      "no '%s' in the error log", line);
	ck_assert(hs_find_line(srv.error_log, line, NULL, found, sizeof found));
}

/* ---- the reported client -------------------------------------------------- */

/* v1, the request in the same segment: REMOTE_ADDR, REMOTE_PORT, the access log. */
START_TEST(test_v1_tcp4)
{
	static const char req[] = "PROXY TCP4 192.0.2.7 10.0.0.1 51234 80\r\n" REQ_ENV_CLOSE;

	start(NULL);
	open_from(NULL, pport);
	send_bytes(req, sizeof(req) - 1);
	read_ok();
	expect_client("192.0.2.7", "51234");
	hs_conn_close(&conn);
	ck_assert_msg(hs_wait_file_contains(srv.access_log, "192.0.2.7 - - [", HS_TIMEOUT_MS),
		      "the access log does not name the reported client");
	ck_assert_int_eq(hs_file_count(srv.access_log, "127.0.0.1 - - ["), 0);
}
END_TEST

/* v2 TCP6, then a second request on the same connection after a pause that
 * sends it to the keeper and back: the reported client stays. */
START_TEST(test_v2_tcp6_keepalive)
{
	static const char hdr[] = V2_TCP6;

	start(NULL);
	open_from(NULL, pport);
	send_bytes(hdr, sizeof(hdr) - 1);
	send_bytes(REQ_ENV, strlen(REQ_ENV));
	read_ok();
	expect_client("2001:db8::7", "4242");
	hs_sleep_ms(300); /* well past the hand-off grace: the keeper holds it now */
	send_bytes(REQ_ENV_CLOSE, strlen(REQ_ENV_CLOSE));
	read_ok();
	expect_client("2001:db8::7", "4242");
	hs_conn_close(&conn);
	ck_assert(hs_wait_file_count(srv.access_log, "2001:db8::7 - - [", 2, HS_TIMEOUT_MS));
}
END_TEST

/* The header in pieces (the worker waits for it), then the request in pieces (the keeper does). */
START_TEST(test_split)
{
	static const char v1[] = "PROXY TCP4 198.51.100.9 10.0.0.1 1000 80\r\n";
	static const char v2[] = V2_TCP4;

	start(NULL);
	open_from(NULL, pport);
	for (size_t i = 0; i < sizeof(v1) - 1; i += 7) {
		send_bytes(v1 + i, sizeof(v1) - 1 - i < 7 ? sizeof(v1) - 1 - i : 7);
		hs_sleep_ms(30);
	}
	send_bytes("GET /cgi-bin/env_dump.sh HTTP/1.1\r\n", 35);
	hs_sleep_ms(100);
	send_bytes("Host: localhost\r\nConnection: close\r\n\r\n", 38);
	read_ok();
	expect_client("198.51.100.9", "1000");
	hs_conn_close(&conn);

	open_from(NULL, pport);
	for (size_t i = 0; i < sizeof(v2) - 1; i++) { /* one byte at a time */
		send_bytes(v2 + i, 1);
		if (i % 4 == 0)
			hs_sleep_ms(10);
	}
	send_bytes(REQ_ENV_CLOSE, strlen(REQ_ENV_CLOSE));
	read_ok();
	expect_client("192.0.2.44", "40001");
	hs_conn_close(&conn);
}
END_TEST

/* v2 LOCAL (HAProxy's health checks) and v1 UNKNOWN: the real peer stays. */
START_TEST(test_local_unknown)
{
	static const char local[] = V2_LOCAL REQ_ENV_CLOSE;
	static const char unknown[] = "PROXY UNKNOWN\r\n" REQ_ENV_CLOSE;

	start(NULL);
	open_from(NULL, pport);
	send_bytes(local, sizeof(local) - 1);
	read_ok();
	expect_client("127.0.0.1", NULL);
	ck_assert_str_ne(env("REMOTE_PORT"), "");
	hs_conn_close(&conn);

	open_from(NULL, pport);
	send_bytes(unknown, sizeof(unknown) - 1);
	read_ok();
	expect_client("127.0.0.1", NULL);
	hs_conn_close(&conn);
}
END_TEST

/* status.allow judges the reported client, not the proxy: 127.0.0.1 is allowed, 192.0.2.7 is not. */
START_TEST(test_status_allow)
{
	static const char outside[] = "PROXY TCP4 192.0.2.7 10.0.0.1 1 80\r\n"
		"GET /server-status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	static const char inside[] = "PROXY TCP4 127.0.0.1 10.0.0.1 1 80\r\n"
		"GET /server-status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

	start("status = { allow = [ \"127.0.0.1\" ]; };");
	open_from(NULL, pport);
	send_bytes(outside, sizeof(outside) - 1);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 403);
	hs_conn_close(&conn);
	open_from(NULL, pport);
	send_bytes(inside, sizeof(inside) - 1);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	hs_conn_close(&conn);
}
END_TEST

/*
 * limits.connections_per_ip counts the reported clients: with a limit of 1,
 * two clients behind the one proxy are both served at once, and a second
 * connection of the same client is refused.
 */
START_TEST(test_per_ip)
{
	static const char a[] = "PROXY TCP4 192.0.2.1 10.0.0.1 1 80\r\n";
	static const char b[] = "PROXY TCP4 192.0.2.2 10.0.0.1 2 80\r\n";
	static struct hs_conn first;

	start("limits = { request_line = 8192; header_bytes = 16384; headers = 100; "
	      "body = 10485760; connections_per_ip = 1; };");
	open_from(NULL, pport);
	send_bytes(a, sizeof(a) - 1);
	send_bytes(REQ_ENV, strlen(REQ_ENV));
	read_ok();                       /* held open: keep-alive */
	first = conn;
	open_from(NULL, pport);
	send_bytes(b, sizeof(b) - 1);
	send_bytes(REQ_ENV_CLOSE, strlen(REQ_ENV_CLOSE));
	read_ok();
	expect_client("192.0.2.2", "2");
	hs_conn_close(&conn);
	open_from(NULL, pport);
	send_bytes(a, sizeof(a) - 1);
	send_bytes(REQ_ENV_CLOSE, strlen(REQ_ENV_CLOSE));
	expect_silent_close();
	expect_error_log("connections from 192.0.2.1 exceed limits.connections_per_ip 1");
	hs_conn_close(&first);
}
END_TEST

/* ---- refusals -------------------------------------------------------------- */

struct bad_case {
	int src_line;
	const char *what;
	const char *bytes;
	size_t len;
	const char *log;             /* the error-log line's text */
};

#define B(s) s, sizeof(s) - 1

static const struct bad_case bad_cases[] = {
	{ __LINE__, "an HTTP request, no header", B(REQ_ENV),
	  "malformed PROXY header from 127.0.0.1: not a PROXY protocol header" },
	{ __LINE__, "v1, bad IPv4 address", B("PROXY TCP4 192.0.2.256 10.0.0.1 1 80\r\n" REQ_ENV),
	  "malformed PROXY header from 127.0.0.1: v1: not an IPv4 address" },
	{ __LINE__, "v1, port above 65535", B("PROXY TCP4 192.0.2.1 10.0.0.1 65536 80\r\n" REQ_ENV),
	  "malformed PROXY header from 127.0.0.1: v1: a port" },
	{ __LINE__, "v1, lower case", B("proxy TCP4 192.0.2.1 10.0.0.1 1 80\r\n" REQ_ENV),
	  "malformed PROXY header from 127.0.0.1: not a PROXY protocol header" },
	{ __LINE__, "v1 ended by LF alone", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 80\n" REQ_ENV),
	  "malformed PROXY header from 127.0.0.1: v1: LF without CR" },
	{ __LINE__, "v2, version 1", B(SIG "\x11\x11\x00\x0c" "\xc0\x00\x02\x01\x0a\x00\x00\x01\0\1\0\2"),
	  "malformed PROXY header from 127.0.0.1: v2: version is not 2" },
	{ __LINE__, "v2, address block too short", B(SIG "\x21\x11\x00\x04" "\xc0\x00\x02\x01"),
	  "malformed PROXY header from 127.0.0.1: v2: address length too small" },
};

/* The server is fine after it: the next proxied client is served, with the address its header names. */
static void expect_next_served(void)
{
	open_from(NULL, pport);
	send_bytes(B(V2_TCP4 REQ_ENV_CLOSE));
	read_ok();
	expect_client("192.0.2.44", "40001");
	hs_conn_close(&conn);
}

/* A malformed header: closed without a byte, and the log names why. */
START_TEST(test_malformed)
{
	const struct bad_case *c = &bad_cases[_i];

	start(NULL);
	open_from(NULL, pport);
	send_bytes(c->bytes, c->len);
	expect_silent_close();
	expect_error_log(c->log);
	expect_next_served();
}
END_TEST

/* No header, or half of one, within timeouts.header (2 s here): closed and logged. */
START_TEST(test_no_header)
{
	long long t0;

	start(NULL);
	open_from(NULL, pport);
	send_bytes("PROXY TCP4 192.0.2.1", 20);
	t0 = hs_now_ms();
	expect_silent_close();
	ck_assert_int_ge(hs_now_ms() - t0, 1500);
	expect_error_log("no PROXY header from 127.0.0.1 within 2 s");
}
END_TEST

/*
 * The proxy closes halfway through a header: logged; one that connects and
 * closes without a byte (a plain TCP health check) is not worth a line.
 */
START_TEST(test_eof_inside)
{
	start(NULL);
	open_from(NULL, pport);
	send_bytes("PROXY TCP4 192.0.2.1 ", 21);
	shutdown(conn.fd, SHUT_WR);
	expect_silent_close();
	expect_error_log("connection from 127.0.0.1 closed inside its PROXY header");
	open_from(NULL, pport);
	shutdown(conn.fd, SHUT_WR);
	expect_silent_close(); /* the server logs before it closes */
	ck_assert_int_eq(hs_file_count(srv.error_log, "PROXY"), 1);
}
END_TEST

/*
 * The proxy resets the connection halfway through a header (a proxy that
 * crashed or gave up on its backend): the worker's wait ends at once with
 * the reset, logged at info (the proxy's own logs tell why), and the worker
 * serves the next connection; it neither waits out timeouts.header nor
 * takes the reset for a health check.
 */
START_TEST(test_reset_inside)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	start("log_level = \"info\";\n");
	open_from(NULL, pport);
	send_bytes("PROXY TCP4 192.0.2.1 ", 21);
	hs_sleep_ms(100); /* the worker has read the half and waits for the rest */
	ck_assert_int_eq(setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst), 0);
	hs_conn_close(&conn); /* SO_LINGER 0: RST, not FIN */
	/* Not "no PROXY header ... within 2 s": the reset, not timeouts.header, ended the wait. */
	expect_error_log("PROXY header: Connection reset by peer");
	ck_assert_int_eq(hs_file_count(srv.error_log, "closed inside its PROXY header"), 0);
	expect_next_served();
}
END_TEST

/* A peer outside proxy_protocol.trusted: closed at once, without reading its header. */
START_TEST(test_untrusted)
{
	static const char req[] = "PROXY TCP4 192.0.2.7 10.0.0.1 1 80\r\n" REQ_ENV_CLOSE;

	start(NULL);
	open_from("127.0.0.3", pport);
	send_bytes(req, sizeof(req) - 1);
	expect_silent_close();
	expect_error_log("PROXY listener: connection from 127.0.0.3 not trusted, closed");
	ck_assert_int_eq(hs_file_count(srv.access_log, "192.0.2.7"), 0);
}
END_TEST

/* The plain listener beside it serves as ever, and does not believe a PROXY line. */
START_TEST(test_plain_listener)
{
	static const char spoof[] = "PROXY TCP4 192.0.2.7 10.0.0.1 1 80\r\n" REQ_ENV_CLOSE;

	start(NULL);
	open_from("127.0.0.3", srv.port);
	send_bytes(REQ_ENV_CLOSE, strlen(REQ_ENV_CLOSE));
	read_ok();
	expect_client("127.0.0.3", NULL);
	hs_conn_close(&conn);
	open_from(NULL, srv.port);
	send_bytes(spoof, sizeof(spoof) - 1);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 400);
	hs_conn_close(&conn);
	ck_assert_int_eq(hs_file_count(srv.access_log, "192.0.2.7"), 0);
}
END_TEST

static Suite *proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = hs_tcase("client", 60, teardown);

	tcase_add_test(tc, test_v1_tcp4);
	tcase_add_test(tc, test_v2_tcp6_keepalive);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_local_unknown);
	tcase_add_test(tc, test_status_allow);
	tcase_add_test(tc, test_per_ip);
	suite_add_tcase(s, tc);
	tc = hs_tcase("refused", 60, teardown);
	tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
	tcase_add_test(tc, test_no_header);
	tcase_add_test(tc, test_eof_inside);
	tcase_add_test(tc, test_reset_inside);
	tcase_add_test(tc, test_untrusted);
	tcase_add_test(tc, test_plain_listener);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(proxy_suite());
}
