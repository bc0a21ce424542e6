/*
 * check_limits — timeouts that cannot be gamed (issue 7): a client that
 * takes a response too slowly (limits.min_send_rate) or not at all
 * (timeouts.send), one that sends a body too slowly (limits.min_body_rate),
 * and one address holding too many connections (limits.connections_per_ip)
 * is cut and logged, while a slow but real client gets every byte, and
 * back-pressure (a client that reads in bursts through a small window)
 * never makes a large file arrive short. Times are asserted loosely (the
 * machine is shared); what is asserted exactly is bytes, status lines and
 * log lines.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG_LEN (20u << 20)          /* htdocs/big.bin and the CGI's output */

static struct hs_server srv;

/* Byte i of every fixture: a period of 251 (prime), so a lost or repeated block shows. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i % 251);
}

static int put_pattern(const char *rel, size_t len)
{
	unsigned char *b = malloc(len);
	int r;

	if (b == NULL)
		return -1;
	for (size_t i = 0; i < len; i++)
		b[i] = pattern(i);
	r = hs_put(&srv, rel, b, len);
	free(b);
	return r;
}

/* A server with the fixtures, big.bin, a CGI that streams big.bin, and extra. */
static void start(const char *extra)
{
	static const char cat_sh[] =
		"#!/bin/sh\n"
		"# big.bin through the CGI pump: its writes to the client are conn_writev's.\n"
		"printf 'Content-Type: application/octet-stream\\r\\n\\r\\n'\n"
		"exec cat \"$DOCUMENT_ROOT/big.bin\"\n";
	static const char count_sh[] =
		"#!/bin/sh\n"
		"# Reads the whole body before answering, as a form handler does.\n"
		"n=$(wc -c)\n"
		"printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$n\"\n";
	char conf[2048], msg[4096], path[HS_PATH + 32];

	if (hs_root_init(&srv) < 0 || hs_fixtures(&srv) < 0 ||
	    put_pattern("htdocs/big.bin", BIG_LEN) < 0 ||
	    hs_copy_cgi(&srv, "cgi-bin") < 0 || hs_put_str(&srv, "cgi-bin/cat.sh", cat_sh) < 0 ||
	    hs_put_str(&srv, "cgi-bin/count.sh", count_sh) < 0) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the fixtures");
	}
	snprintf(path, sizeof path, "%s/cgi-bin/cat.sh", srv.root);
	ck_assert_int_eq(chmod(path, 0755), 0);
	snprintf(path, sizeof path, "%s/cgi-bin/count.sh", srv.root);
	ck_assert_int_eq(chmod(path, 0755), 0);
	snprintf(conf, sizeof conf,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\"; };\n"
		 "workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 0; };\n"
		 "log_level = \"info\";\n%s", extra);
	if (hs_start(&srv, conf, msg, sizeof msg) < 0) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* Connect with a receive buffer of rcvbuf bytes (0: the default), set before the handshake. */
static int dial(int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (rcvbuf > 0)
		ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* Read up to cap bytes, waiting at most timeout_ms. Bytes, 0 at EOF, -1 on timeout or error (RST). */
static ssize_t read_some(int fd, void *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	n = read(fd, buf, cap);
	return n < 0 && errno == ECONNRESET ? 0 : n;
}

/* Read the response head (into head, NUL-terminated); extra body bytes read with it go to body. */
static size_t read_head(int fd, char *head, size_t cap, unsigned char *body, size_t *body_len)
{
	size_t len = 0;
	char *end;

	while ((end = memmem(head, len, "\r\n\r\n", 4)) == NULL) {
		ssize_t n;

		ck_assert_msg(len < cap - 1, "response head too large");
		n = read_some(fd, head + len, cap - 1 - len, HS_TIMEOUT_MS);
		ck_assert_msg(n > 0, "no complete response head (%zu bytes)", len);
		len += (size_t)n;
	}
	*body_len = len - (size_t)(end + 4 - head);
	memcpy(body, end + 4, *body_len);
	end[4] = '\0';
	return (size_t)(end + 4 - head);
}

/* Check n body bytes at offset off against the pattern. */
static void check_pattern(const unsigned char *b, size_t n, size_t off)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != pattern(off + i))
			ck_abort_msg("byte %zu is %u, expected %u", off + i, b[i], pattern(off + i));
}

static bool log_has(const char *needle, int timeout_ms)
{
	return hs_wait_file_contains(srv.error_log, needle, timeout_ms);
}

/* The one worker serves a new client at once: what held it has let go. */
static void assert_serving(void)
{
	struct hs_response *r = calloc(1, sizeof *r);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", r), 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->body, HS_HELLO);
	free(r);
}

/*
 * Read a whole response to a request: in bursts of burst bytes with a pause
 * of pause_ms after each (0: as fast as it comes), or paced at rate bytes
 * per second. Every body byte is checked against the pattern; the count
 * must be want exactly (Content-Length when there is one, else up to EOF).
 */
static void fetch_all(const char *req, int rcvbuf, size_t burst, int pause_ms, size_t want)
{
	static unsigned char buf[65536];
	char head[4096];
	size_t got, n0, total = 0;
	int fd = dial(rcvbuf);
	const char *cl;

	ck_assert_int_eq(hs_send_str(fd, req), 0);
	read_head(fd, head, sizeof head, buf, &n0);
	ck_assert_msg(strncmp(head, "HTTP/1.1 200 ", 13) == 0, "got %.80s", head);
	cl = strcasestr(head, "\r\nContent-Length:");
	if (cl != NULL)
		ck_assert_uint_eq(strtoull(cl + 17, NULL, 10), want);
	check_pattern(buf, n0, 0);
	total = n0;
	got = n0;
	while (total < want) {
		size_t cap = burst - got < sizeof buf ? burst - got : sizeof buf;
		ssize_t n = read_some(fd, buf, cap, 10000);

		ck_assert_msg(n > 0, "the body ended after %zu of %zu bytes", total, want);
		check_pattern(buf, (size_t)n, total);
		total += (size_t)n;
		got += (size_t)n;
		if (got >= burst) {
			got = 0;
			if (pause_ms > 0)
				hs_sleep_ms(pause_ms);
		}
	}
	ck_assert_uint_eq(total, want);
	/* Not one byte more: a close-delimited body ends here, a framed one leaves nothing over. */
	if (cl == NULL)
		ck_assert_int_eq(read_some(fd, buf, sizeof buf, 10000), 0);
	close(fd);
}

/* ------------------------------------------------------------------------ */
/* sending */

/*
 * Back-pressure: a client that stops reading a 20 MB file is cut once it
 * has taken nothing for timeouts.send, the cut is logged, and the only
 * worker serves the next client. It never gets the whole file.
 */
START_TEST(test_stalled_reader)
{
	static unsigned char buf[65536];
	size_t total = 0;
	long long t0;
	ssize_t n;
	int fd;

	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 2; cgi = 60; };\n"
	      "limits = { min_send_rate = 0; };\n");
	fd = dial(0);
	ck_assert_int_eq(hs_send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	t0 = hs_now_ms();
	ck_assert_msg(log_has("took nothing for 2 s (timeouts.send): closing", 20000),
		      "no log line for a client that stopped reading");
	ck_assert_msg(hs_now_ms() - t0 >= 1500, "cut after %lld ms, before timeouts.send",
		      hs_now_ms() - t0);
	assert_serving();
	while ((n = read_some(fd, buf, sizeof buf, 5000)) > 0)
		total += (size_t)n;
	ck_assert_int_eq(n, 0); /* EOF (or RST), not a connection left open */
	ck_assert_msg(total < BIG_LEN, "the whole file arrived (%zu bytes) though the client was cut",
		      total);
	close(fd);
}
END_TEST

/* One byte every 2 s with timeouts.send = 2 and the default rate: cut within a few windows. */
START_TEST(test_trickle_reader)
{
	unsigned char b;
	long long t0;
	int fd;
	bool cut = false;

	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 2; cgi = 60; };\n");
	fd = dial(0);
	ck_assert_int_eq(hs_send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	t0 = hs_now_ms();
	while (!cut && hs_now_ms() - t0 < 30000) {
		ck_assert_int_eq(read_some(fd, &b, 1, 5000), 1);
		hs_sleep_ms(2000);
		cut = hs_file_count(srv.error_log, "below limits.min_send_rate 1024: closing") > 0 ||
		      hs_file_count(srv.error_log, "took nothing for 2 s (timeouts.send): closing") > 0;
	}
	ck_assert_msg(cut, "a client taking one byte every 2 s was not cut in 30 s");
	assert_serving();
	close(fd);
}
END_TEST

/*
 * Below the rate but never stalled: a client with a small window that takes
 * 4 KiB/s keeps the connection moving (something every second, well inside
 * timeouts.send = 4), so only limits.min_send_rate = 8192 can cut it.
 */
START_TEST(test_below_rate_reader)
{
	unsigned char buf[1024];
	long long t0;
	int fd;
	bool cut = false;

	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 4; cgi = 60; };\n"
	      "limits = { min_send_rate = 8192; };\n");
	fd = dial(4096);
	ck_assert_int_eq(hs_send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	t0 = hs_now_ms();
	while (!cut && hs_now_ms() - t0 < 30000) {
		ck_assert_int_gt(read_some(fd, buf, sizeof buf, 5000), 0);
		hs_sleep_ms(250);
		cut = hs_file_count(srv.error_log, "below limits.min_send_rate 8192: closing") > 0;
	}
	ck_assert_msg(cut, "a client taking 4 KiB/s was not cut by min_send_rate 8192 in 30 s");
	ck_assert_int_eq(hs_file_count(srv.error_log, "(timeouts.send)"), 0);
	ck_assert(hs_find_line(srv.error_log, "below limits.min_send_rate", "[client 127.0.0.1:",
			       (char[512]){ 0 }, 512));
	assert_serving();
	close(fd);
}
END_TEST

/*
 * A slow but real client is never cut. The kernel takes the first ~4 MB
 * of a response into its buffers at once, so the rate is only judged
 * after them: a 64 KiB/s download would need minutes to show it. The same
 * margin, faster: 20 MB at 1 MiB/s against min_send_rate 16384 (64 KiB/s
 * against 1024 is 64 times too), through a small window, with the server
 * waiting on the client for some 16 s, eight windows. Every byte arrives.
 */
START_TEST(test_slow_real_reader)
{
	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 2; cgi = 60; };\n"
	      "limits = { min_send_rate = 16384; };\n");
	/* 64 KiB every 62 ms: 1 MiB/s. */
	fetch_all("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n", 65536, 65536, 62, BIG_LEN);
	ck_assert_int_eq(hs_file_count(srv.error_log, "limits.min_send_rate"), 0);
	ck_assert_int_eq(hs_file_count(srv.error_log, "(timeouts.send)"), 0);
}
END_TEST

/*
 * A partial sendfile or writev taken as complete makes a large answer
 * arrive short: read 20 MB through a small window in bursts with pauses,
 * from a file (sendfile) and from a CGI script (writev), and count every byte.
 */
START_TEST(test_bursty_reader_gets_all)
{
	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 10; cgi = 60; };\n");
	fetch_all("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n", 8192, 1 << 20, 150, BIG_LEN);
	fetch_all("GET /cgi-bin/cat.sh HTTP/1.0\r\nHost: localhost\r\n\r\n", 8192, 1 << 20, 150, BIG_LEN);
	ck_assert_int_eq(hs_file_count(srv.error_log, "closing"), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* receiving a body */

/* Send s one byte every gap_ms until the server answers or closes; what it sent, in out. */
static size_t trickle(int fd, const char *s, int gap_ms, char *out, size_t cap)
{
	size_t len = 0;
	long long t0 = hs_now_ms();

	for (size_t i = 0; s[i] != '\0' && hs_now_ms() - t0 < 20000; i++) {
		ssize_t n;

		if (send(fd, s + i, 1, MSG_NOSIGNAL) != 1)
			break;
		n = read_some(fd, out + len, cap - 1 - len, gap_ms);
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
	}
	while (len < cap - 1) {
		ssize_t n = read_some(fd, out + len, cap - 1 - len, 3000);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	return len;
}

/*
 * A body at two bytes a second, timeouts.body = 2: never a 2 s stall, but
 * far below min_body_rate 1024. The body is cut and logged on every path
 * that reads one, with the status that path owes (408 while the answer is
 * still to come; a static file's 405, decided from the head, otherwise),
 * and the connection is closed.
 */
static const struct slow_body_case {
	int line;
	const char *desc;
	const char *head;
	const char *body;
	const char *want;
} slow_body_cases[] = {
	{ __LINE__, "chunked to a script: spooled before it starts",
	  "POST /cgi-bin/cl.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n",
	  "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n1\r\nd\r\n1\r\ne\r\n1\r\nf\r\n"
	  "1\r\ng\r\n1\r\nh\r\n1\r\ni\r\n1\r\nj\r\n0\r\n\r\n", "HTTP/1.1 408 " },
	{ __LINE__, "Content-Length to a script reading stdin: through the CGI pump",
	  "POST /cgi-bin/count.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n\r\n",
	  "xxxxxxxxxxxxxxxxxxxx", "HTTP/1.1 408 " },
	{ __LINE__, "to a static file: the discard path",
	  "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n\r\n",
	  "xxxxxxxxxxxxxxxxxxxx", "HTTP/1.1 405 " },
};

START_TEST(test_slow_body)
{
	const struct slow_body_case *c = &slow_body_cases[_i];
	char out[8192];
	int fd;

	start("timeouts = { header = 10; body = 2; keepalive = 2; send = 30; cgi = 60; };\n");
	fd = dial(0);
	ck_assert_int_eq(hs_send_str(fd, c->head), 0);
	trickle(fd, c->body, 500, out, sizeof out);
	ck_assert_msg(strncmp(out, c->want, strlen(c->want)) == 0, "line %d (%s): got %.100s",
		      c->line, c->desc, out);
	ck_assert_msg(strstr(out, "\r\nConnection: close\r\n") != NULL, "line %d (%s): no close: %.200s",
		      c->line, c->desc, out);
	ck_assert_msg(log_has("below limits.min_body_rate 1024", 5000), "line %d (%s): no log line",
		      c->line, c->desc);
	close(fd);
	assert_serving();
}
END_TEST

/* ------------------------------------------------------------------------ */
/* connections per address */

START_TEST(test_connections_per_ip)
{
	struct hs_conn *c = calloc(5, sizeof *c);
	struct hs_response *r = calloc(1, sizeof *r);

	ck_assert(c != NULL && r != NULL);
	start("timeouts = { header = 30; body = 30; keepalive = 30; send = 30; cgi = 60; };\n"
	      "limits = { connections_per_ip = 3; };\n");
	/* Three idle connections: the keeper holds them, or the worker does for a moment. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(hs_conn_open(&srv, &c[i]), 0);
	hs_sleep_ms(500);
	/* The fourth is closed at once, without a byte, and logged. */
	ck_assert_int_eq(hs_conn_open(&srv, &c[3]), 0);
	ck_assert_int_eq(hs_wait_eof(&c[3], 3000), 1);
	ck_assert_uint_eq(c[3].len, 0);
	ck_assert(log_has("4 connections from 127.0.0.1 exceed limits.connections_per_ip 3: closing",
			  3000));
	hs_conn_close(&c[3]);
	/* The three are still served. */
	ck_assert_int_eq(hs_send_str(c[1].fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c[1], r, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(r->status, 200);
	/* One closes: a new one is admitted and served. */
	hs_conn_close(&c[0]);
	hs_sleep_ms(500);
	ck_assert_int_eq(hs_conn_open(&srv, &c[4]), 0);
	ck_assert_int_eq(hs_send_str(c[4].fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c[4], r, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_eq(hs_file_count(srv.error_log, "exceed limits.connections_per_ip"), 1);
	for (int i = 0; i < 5; i++)
		hs_conn_close(&c[i]);
	free(c);
	free(r);
}
END_TEST

/*
 * Bytes the server holds unsent on its end of the connection whose client
 * side is local port cport (sock_diag's tcp_info, tcpi_notsent_bytes), or -1.
 */
static long long server_notsent(int cport)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 rq;
	} q = {
		.nh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.rq = { .sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP,
			.idiag_ext = 1 << (INET_DIAG_INFO - 1), .idiag_states = 1 << 1 /* ESTABLISHED */ },
	};
	static char buf[1 << 16];
	long long found = -1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	ssize_t n;

	if (fd < 0 || send(fd, &q, sizeof(q), 0) != (ssize_t)sizeof(q))
		goto out;
	while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct inet_diag_msg *m = NLMSG_DATA(h);
			int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				goto out;
			if (ntohs(m->id.idiag_sport) != srv.port || ntohs(m->id.idiag_dport) != cport)
				continue;
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				const struct tcp_info *ti = RTA_DATA(a);

				if (a->rta_type == INET_DIAG_INFO &&
				    (size_t)RTA_PAYLOAD(a) >= offsetof(struct tcp_info, tcpi_notsent_bytes) + 4)
					found = ti->tcpi_notsent_bytes;
			}
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return found;
}

/*
 * A large body keeps at most CONN_SEND_LOWAT (32 KiB) unsent on the socket
 * (TCP_NOTSENT_LOWAT, conn.c), plus the segment being built when the mark
 * was passed. Without the mark, sendfile fills the send buffer: against a
 * client that reads nothing through a 16 KiB window, 3.8 MB stayed unsent.
 * The wait for the client still ends as timeouts.send says.
 */
START_TEST(test_unsent_bounded)
{
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	long long notsent = -1;
	int fd;

	start("timeouts = { header = 10; body = 30; keepalive = 2; send = 3; cgi = 60; };\n"
	      "limits = { min_send_rate = 0; };\n");
	fd = dial(16384);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &melen), 0);
	ck_assert_int_eq(hs_send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	for (int i = 0; i < 20 && notsent <= 0; i++) {
		hs_sleep_ms(100);
		notsent = server_notsent(ntohs(me.sin_port));
	}
	ck_assert_msg(notsent > 0, "no unsent bytes seen on the server's socket (%lld)", notsent);
	hs_sleep_ms(500); /* let sendfile fill what it may */
	notsent = server_notsent(ntohs(me.sin_port));
	ck_assert_msg(notsent >= 0 && notsent <= 128 * 1024,
		      "%lld bytes unsent on the server's socket, above the 32 KiB mark", notsent);
	ck_assert_msg(log_has("took nothing for 3 s (timeouts.send): closing", 20000),
		      "no log line for a client that stopped reading");
	close(fd);
}
END_TEST

static Suite *limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc;

	tc = hs_tcase("send", 60, teardown);
	tcase_add_test(tc, test_stalled_reader);
	tcase_add_test(tc, test_trickle_reader);
	tcase_add_test(tc, test_below_rate_reader);
	tcase_add_test(tc, test_slow_real_reader);
	tcase_add_test(tc, test_unsent_bounded);
	tcase_add_test(tc, test_bursty_reader_gets_all);
	suite_add_tcase(s, tc);
	tc = hs_tcase("body", 40, teardown);
	tcase_add_loop_test(tc, test_slow_body, 0, (int)(sizeof(slow_body_cases) / sizeof(slow_body_cases[0])));
	suite_add_tcase(s, tc);
	tc = hs_tcase("per_ip", 30, teardown);
	tcase_add_test(tc, test_connections_per_ip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(limits_suite());
}
