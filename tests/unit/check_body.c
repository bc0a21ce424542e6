/*
 * Unit tests for body (the request body as a stream of decoded bytes) over
 * a real AF_UNIX socketpair: Content-Length and chunked framing, bytes
 * already buffered and bytes still to come, pipelined bytes left for the
 * next request, the limits (413, 431), a client gone (400), timeouts.body
 * and limits.min_body_rate (408, logged), reads that must not wait
 * (BODY_AGAIN), and "100 Continue" (RFC 9110 10.1.1).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "body.h"
#include "conn.h"
#include "log.h"
#include "unit.h"
#include "unit_log.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define HEAD "POST / HTTP/1.1\r\n\r\n"  /* stands for the request head before the body */
#define CONT "HTTP/1.1 100 Continue\r\n\r\n"
#define X10 "0123456789"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X600 X100 X100 X100 X100 X100 X100  /* more than the 256-byte input buffer holds */

static struct conn c;
static int sv[2];              /* sv[0]: the server's (non-blocking), sv[1]: the client's */

static void setup(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	int fl;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fl = fcntl(sv[0], F_GETFL);
	ck_assert_int_ge(fl, 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, fl | O_NONBLOCK), 0);
	memset(&ss, 0, sizeof(ss));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons(40000);
	ck_assert_int_eq(conn_alloc(&c, 256), 0);
	conn_open(&c, sv[0], &ss, &ss);
	/* The head is parsed and stays in the buffer; the body starts after it. */
	memcpy(c.c_in, HEAD, strlen(HEAD));
	c.c_in_len = c.c_in_pos = strlen(HEAD);
	unit_log_capture(); /* error-log lines, read back by unit_unit_log_text() */
}

static void teardown(void)
{
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	conn_free(&c);
}

/* Bytes already read with the head, as if they came in the same read. */
static void buffered(const char *s, size_t len)
{
	ck_assert_uint_le(c.c_in_len + len, c.c_in_cap);
	memcpy(c.c_in + c.c_in_len, s, len);
	c.c_in_len += len;
}

/* A child that sends s in pieces of step bytes, gap_ms apart, then closes if asked. */
static pid_t client(const char *s, size_t len, size_t step, int gap_ms, bool closes)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		for (size_t o = 0; o < len; o += step) {
			size_t n = len - o < step ? len - o : step;
			if (gap_ms > 0)
				usleep((useconds_t)gap_ms * 1000);
			if (write(sv[1], s + o, n) != (ssize_t)n)
				_exit(1);
		}
		if (!closes)
			usleep(3000000); /* stay, silent, until the test ends */
		_exit(0);
	}
	return pid;
}

static void client_stop(pid_t pid)
{
	int st;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

/* ---- body_read, waiting ---- */

static const struct read_case {
	int line;
	const char *desc;
	bool chunked;
	int64_t cl, limit;
	size_t trailer_max;     /* >0: chunked_limit_trailer(that, 2) */
	const char *buf;        /* bytes read with the head */
	const char *sent;       /* by the client afterwards */
	size_t step;            /* in pieces of (0: at once) */
	bool closes;            /* then the client closes */
	size_t cap;             /* body_read's buffer */
	uint32_t rate;          /* limits.min_body_rate */
	int body_s;             /* timeouts.body (0: only the deadline) */
	int wait_ms;            /* deadline from now; -1: BODY_WAIT */
	const char *want;       /* decoded body before the end */
	ssize_t want_end;       /* 0 or -status */
	const char *want_rest;  /* left in the buffer after the body */
	const char *want_log;
	int gap_ms;             /* before each piece (0: 5 ms when in pieces) */
} read_cases[] = {
	{ __LINE__, "CL: buffered exactly", false, 5, 100, 0, "hello", NULL, 0, false, 64, 0, 0, 1000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "CL: pipelined request kept", false, 5, 100, 0, "helloGET / HTTP/1.1\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "hello", 0, "GET / HTTP/1.1\r\n", NULL, 0 },
	{ __LINE__, "CL: small reads", false, 5, 100, 0, "hello", NULL, 0, false, 2, 0, 0, 1000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "CL: from the socket", false, 5, 100, 0, "", "hello", 0, false, 64, 0, 0, 3000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "CL: split buffer/socket", false, 5, 100, 0, "he", "llo", 1, false, 64, 0, 0, 3000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "CL: more than the buffer holds", false, 600, 1000, 0, "", X600, 100, false, 64, 0, 0, 3000,
	  X600, 0, "", NULL, 0 },
	{ __LINE__, "chunked: more than the buffer holds", true, 0, 1000, 0, "", "258\r\n" X600 "\r\n0\r\n\r\n", 100, false,
	  64, 0, 0, 3000, X600, 0, "", NULL, 0 },
	{ __LINE__, "CL: 0 is no body", false, 0, 100, 0, "GET", NULL, 0, false, 64, 0, 0, 1000,
	  "", 0, "GET", NULL, 0 },
	{ __LINE__, "CL: negative is no body", false, -7, 100, 0, "", NULL, 0, false, 64, 0, 0, 1000,
	  "", 0, "", NULL, 0 },
	{ __LINE__, "CL: short, client gone: 400", false, 5, 100, 0, "", "hel", 0, true, 64, 0, 0, 3000,
	  "hel", -400, NULL, NULL, 0 },
	{ __LINE__, "CL: nothing, client gone: 400", false, 5, 100, 0, "", "", 0, true, 64, 0, 0, 3000,
	  "", -400, NULL, NULL, 0 },
	{ __LINE__, "CL: deadline passes: 408", false, 5, 100, 0, "he", NULL, 0, false, 64, 0, 0, 300,
	  "he", -408, NULL, NULL, 0 },
	{ __LINE__, "CL: timeouts.body: 408", false, 5, 100, 0, "", NULL, 0, false, 64, 0, 1, -1,
	  "", -408, NULL, NULL, 0 },
	{ __LINE__, "CL: deadline before timeouts.body", false, 5, 100, 0, "", NULL, 0, false, 64, 0, 30, 300,
	  "", -408, NULL, NULL, 0 },
	{ __LINE__, "CL: slow sender: min_body_rate", false, 1000, 2000, 0, "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, false, 64,
	  1000, 1, -1, NULL, -408, NULL, "below limits.min_body_rate 1000", 0 },
	{ __LINE__, "CL: fast enough for the rate", false, 5, 100, 0, "", "hello", 0, false, 64, 1, 2, -1,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "chunked: buffered", true, 0, 100, 0, "5\r\nhello\r\n0\r\n\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "chunked: pipelined kept", true, 0, 100, 0, "2\r\nhi\r\n0\r\n\r\nGET", NULL, 0, false, 64, 0, 0, 1000,
	  "hi", 0, "GET", NULL, 0 },
	{ __LINE__, "chunked: byte by byte", true, 0, 100, 0, "", "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n", 1, false, 64,
	  0, 0, 5000, "abcde", 0, "", NULL, 0 },
	{ __LINE__, "chunked: empty", true, 0, 100, 0, "0\r\n\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "", 0, "", NULL, 0 },
	{ __LINE__, "chunked: at the limit", true, 0, 5, 0, "5\r\nhello\r\n0\r\n\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "hello", 0, "", NULL, 0 },
	{ __LINE__, "chunked: over the limit: 413", true, 0, 4, 0, "5\r\nhello\r\n0\r\n\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "", -413, NULL, NULL, 0 },
	{ __LINE__, "chunked: over in a later chunk: 413", true, 0, 6, 0, "5\r\nhello\r\n2\r\nab\r\n0\r\n\r\n", NULL, 0, false, 64,
	  0, 0, 1000, NULL, -413, NULL, NULL, 0 },
	{ __LINE__, "chunked: bad size: 400", true, 0, 100, 0, "zz\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  "", -400, NULL, NULL, 0 },
	{ __LINE__, "chunked: no CRLF after data: 400", true, 0, 100, 0, "2\r\nhiX\r\n0\r\n\r\n", NULL, 0, false, 64, 0, 0, 1000,
	  NULL, -400, NULL, NULL, 0 },
	{ __LINE__, "chunked: client gone: 400", true, 0, 100, 0, "", "5\r\nhel", 0, true, 64, 0, 0, 3000,
	  "hel", -400, NULL, NULL, 0 },
	{ __LINE__, "chunked: trailer too large: 431", true, 0, 100, 8, "0\r\nX-Long: aaaaaaaa\r\n\r\n", NULL, 0, false, 64,
	  0, 0, 1000, "", -431, NULL, NULL, 0 },
	{ __LINE__, "chunked: deadline passes: 408", true, 0, 100, 0, "5\r\nhe", NULL, 0, false, 64, 0, 0, 300,
	  "he", -408, NULL, NULL, 0 },
	{ __LINE__, "rate met, window ends, then timeouts.body: 408", false, 5, 100, 0, "", "he", 2, false, 64, 1, 1, -1,
	  "he", -408, NULL, NULL, 300 },
};

START_TEST(test_read)
{
	const struct read_case *rc = &read_cases[_i];
	char got[4096], out[4096];
	size_t glen = 0, blen = rc->buf ? strlen(rc->buf) : 0;
	struct body b;
	pid_t pid = -1;
	int64_t deadline = rc->wait_ms < 0 ? BODY_WAIT : conn_now_ms() + rc->wait_ms;
	ssize_t n;

	buffered(rc->buf, blen);
	conn_rate_start(&c, 0, 0, rc->rate, rc->body_s);
	body_init(&b, &c, rc->chunked, rc->cl, false, 1, rc->limit);
	if (rc->trailer_max)
		chunked_limit_trailer(&b.dec, rc->trailer_max, 2);
	if (rc->sent)
		pid = client(rc->sent, strlen(rc->sent), rc->step ? rc->step : strlen(rc->sent) + 1,
			     rc->gap_ms ? rc->gap_ms : rc->step ? 5 : 0, rc->closes);
	if (rc->closes) {
		close(sv[1]);
		sv[1] = -1;
	}
	while ((n = body_read(&b, out, rc->cap, deadline)) > 0) {
		ck_assert_msg(glen + (size_t)n <= sizeof(got) && (size_t)n <= rc->cap,
			      "line %d (%s): %zd bytes", rc->line, rc->desc, n);
		memcpy(got + glen, out, (size_t)n);
		glen += (size_t)n;
	}
	ck_assert_msg(n == rc->want_end, "line %d (%s): ended %zd", rc->line, rc->desc, n);
	if (rc->want)
		ck_assert_msg(glen == strlen(rc->want) && memcmp(got, rc->want, glen) == 0,
			      "line %d (%s): body '%.*s'", rc->line, rc->desc, (int)glen, got);
	if (n == 0) {
		ck_assert_msg(body_done(&b), "line %d (%s): not done", rc->line, rc->desc);
		ck_assert_int_eq(body_read(&b, out, rc->cap, deadline), 0); /* and stays at its end */
	}
	if (rc->want_rest)
		ck_assert_msg(c.c_in_len - c.c_in_pos == strlen(rc->want_rest) &&
			      memcmp(c.c_in + c.c_in_pos, rc->want_rest, strlen(rc->want_rest)) == 0,
			      "line %d (%s): rest", rc->line, rc->desc);
	/* The head is never overwritten by the body. */
	ck_assert(memcmp(c.c_in, HEAD, strlen(HEAD)) == 0);
	if (rc->want_log)
		ck_assert_msg(strstr(unit_log_text(), rc->want_log) && strstr(unit_log_text(), "[client 127.0.0.1:40000]"),
			      "line %d (%s): log '%s'", rc->line, rc->desc, unit_log_text());
	else
		ck_assert_msg(unit_log_text()[0] == '\0', "line %d (%s): log '%s'", rc->line, rc->desc, unit_log_text());
	client_stop(pid);
}
END_TEST

/* ---- body_read without waiting (BODY_AGAIN) ---- */

START_TEST(test_read_nowait)
{
	struct body b;
	char out[16];

	body_init(&b, &c, false, 5, false, 1, 100);
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), BODY_AGAIN);
	ck_assert(b.want_since_ms != 0);
	ck_assert_int_eq(write(sv[1], "hel", 3), 3);
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), 3);
	ck_assert(memcmp(out, "hel", 3) == 0);
	ck_assert_int_eq(b.want_since_ms, 0);
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), BODY_AGAIN);
	ck_assert_int_eq(write(sv[1], "lo!", 3), 3);
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), 2);
	ck_assert(memcmp(out, "lo", 2) == 0 && body_done(&b));
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), 0);
	ck_assert_int_eq(c.c_in_len - c.c_in_pos, 1); /* "!" stays for the next request */
	ck_assert_int_eq(c.c_in[c.c_in_pos], '!');
}
END_TEST

/* ---- body_peek / body_consume: the body without a copy (a CGI script's stdin) ---- */

static const struct peek_case {
	int line;
	const char *desc;
	int64_t cl;
	const char *buf;     /* already in the buffer with the head */
	const char *sent;    /* sent by the client meanwhile, or NULL */
	bool closes;         /* the client closes after sending */
	size_t take;         /* consumed per peek (0: all it gives) */
	const char *want;    /* every byte peeked, in order */
	ssize_t want_end;    /* what the last peek returned */
	const char *want_rest;
} peek_cases[] = {
	{ __LINE__, "whole body buffered, pipelined bytes stay", 5, "hello" "GET", NULL, false, 0,
	  "hello", 0, "GET" },
	{ __LINE__, "consumed in pieces: the pointer follows", 5, "hello", NULL, false, 2, "hello", 0, "" },
	{ __LINE__, "nothing buffered: read from the socket", 5, "", "hello", false, 0, "hello", 0, "" },
	{ __LINE__, "part buffered, rest from the socket", 5, "he", "llo", false, 0, "hello", 0, "" },
	{ __LINE__, "nothing yet: BODY_AGAIN", 5, "", NULL, false, 0, "", BODY_AGAIN, "" },
	{ __LINE__, "client gone before the end: 400", 5, "he", NULL, true, 0, "he", -400, "" },
	{ __LINE__, "no body: 0 at once", 0, "GET", NULL, false, 0, "", 0, "GET" },
};

START_TEST(test_peek)
{
	const struct peek_case *pc = &peek_cases[_i];
	char got[64];
	size_t glen = 0;
	const char *p = NULL;
	struct body b;
	ssize_t n;

	buffered(pc->buf, strlen(pc->buf));
	body_init(&b, &c, false, pc->cl, false, 1, 100);
	if (pc->sent)
		ck_assert_int_eq(write(sv[1], pc->sent, strlen(pc->sent)), (ssize_t)strlen(pc->sent));
	if (pc->closes) {
		close(sv[1]);
		sv[1] = -1;
	}
	while ((n = body_peek(&b, &p, -1)) > 0) {
		size_t k = pc->take && pc->take < (size_t)n ? pc->take : (size_t)n;

		ck_assert_msg(p == c.c_in + c.c_in_pos, "line %d (%s): not in the buffer", pc->line, pc->desc);
		ck_assert_uint_le(glen + k, sizeof(got));
		memcpy(got + glen, p, k);
		glen += k;
		body_consume(&b, k);
	}
	ck_assert_msg(n == pc->want_end, "line %d (%s): ended %zd", pc->line, pc->desc, n);
	ck_assert_msg(glen == strlen(pc->want) && memcmp(got, pc->want, glen) == 0,
		      "line %d (%s): body '%.*s'", pc->line, pc->desc, (int)glen, got);
	ck_assert_msg(n != 0 || body_done(&b), "line %d (%s): not done", pc->line, pc->desc);
	ck_assert_msg(c.c_in_len - c.c_in_pos == strlen(pc->want_rest) &&
		      memcmp(c.c_in + c.c_in_pos, pc->want_rest, strlen(pc->want_rest)) == 0,
		      "line %d (%s): rest", pc->line, pc->desc);
	ck_assert(memcmp(c.c_in, HEAD, strlen(HEAD)) == 0);
}
END_TEST

static const struct nowait_case {
	int line;
	const char *desc;
	bool closes;        /* the client closes */
	bool bad_fd;        /* the descriptor is closed */
	uint32_t rate;
	int sleep_ms;       /* between the first BODY_AGAIN and the second read */
	ssize_t want;
	const char *want_log;
} nowait_cases[] = {
	{ __LINE__, "client gone: 400",                  true, false, 0, 0, -400, NULL },
	{ __LINE__, "read error: 400",                   false, true, 0, 0, -400, NULL },
	{ __LINE__, "still nothing: BODY_AGAIN",         false, false, 0, 100, BODY_AGAIN, NULL },
	{ __LINE__, "window of waiting too slow: 408",   false, false, 1000, 1200, -408,
	  "sent 0 body bytes in 1 s, below limits.min_body_rate 1000" },
	{ __LINE__, "rate, window not over: BODY_AGAIN", false, false, 1000, 100, BODY_AGAIN, NULL },
};

START_TEST(test_nowait_end)
{
	const struct nowait_case *nc = &nowait_cases[_i];
	struct body b;
	char out[16];
	ssize_t n;

	conn_rate_start(&c, 0, 0, nc->rate, 1);
	body_init(&b, &c, false, 5, false, 1, 100);
	ck_assert_int_eq(body_read(&b, out, sizeof(out), -1), BODY_AGAIN);
	usleep((useconds_t)nc->sleep_ms * 1000);
	if (nc->closes) {
		close(sv[1]);
		sv[1] = -1;
	}
	if (nc->bad_fd) {
		/* read(2) on a directory fails with EISDIR: an error other than EAGAIN. */
		c.c_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(c.c_fd, 0);
	}
	n = body_read(&b, out, sizeof(out), -1);
	ck_assert_msg(n == nc->want, "line %d (%s): %zd", nc->line, nc->desc, n);
	if (nc->want_log)
		ck_assert_msg(strstr(unit_log_text(), nc->want_log), "line %d (%s): log '%s'",
			      nc->line, nc->desc, unit_log_text());
	else
		ck_assert_msg(unit_log_text()[0] == '\0', "line %d (%s): log '%s'", nc->line, nc->desc, unit_log_text());
	if (nc->bad_fd)
		close(c.c_fd);
}
END_TEST

/* ---- 100 Continue ---- */

static const struct cont_case {
	int line;
	const char *desc;
	bool expect;
	int minor;
	int64_t cl;
	const char *buf;        /* body bytes read with the head */
	bool explicit_first;    /* body_send_continue() before reading */
	bool want_sent;
} cont_cases[] = {
	{ __LINE__, "HTTP/1.1 expects: sent once",           true, 1, 5, "", false, true },
	{ __LINE__, "sent by hand, not again",               true, 1, 5, "", true, true },
	{ __LINE__, "HTTP/1.0: never (RFC 9110 10.1.1)",     true, 0, 5, "", false, false },
	{ __LINE__, "no Expect: never",                      false, 1, 5, "", false, false },
	{ __LINE__, "no body: never",                        true, 1, 0, "", true, false },
	{ __LINE__, "body already here: not needed",         true, 1, 5, "hello", false, false },
};

START_TEST(test_continue)
{
	const struct cont_case *cc = &cont_cases[_i];
	struct body b;
	char out[64], in[64];
	ssize_t n, got = 0;

	buffered(cc->buf, strlen(cc->buf));
	body_init(&b, &c, false, cc->cl, cc->expect, cc->minor, 100);
	if (cc->explicit_first) {
		ck_assert_int_eq(body_send_continue(&b, 5), 0);
		ck_assert_int_eq(body_send_continue(&b, 5), 0);
	}
	if (cc->cl > 0 && !*cc->buf)
		ck_assert_int_eq(write(sv[1], "hel", 3), 3);
	while ((n = body_read(&b, out, sizeof(out), conn_now_ms() + 2000)) > 0) {
		got += n;
		if (got == 3)
			ck_assert_int_eq(write(sv[1], "lo", 2), 2);
	}
	ck_assert_msg(n == 0 && got == cc->cl, "line %d (%s): %zd after %zd", cc->line, cc->desc, n, got);
	ck_assert_int_eq(body_send_continue(&b, 5), 0);
	/* What the client received: the interim response once, or nothing. */
	shutdown(sv[0], SHUT_WR);
	n = read(sv[1], in, sizeof(in));
	if (cc->want_sent)
		ck_assert_msg(n == (ssize_t)strlen(CONT) && memcmp(in, CONT, strlen(CONT)) == 0,
			      "line %d (%s): got %zd bytes", cc->line, cc->desc, n);
	else
		ck_assert_msg(n == 0, "line %d (%s): got %zd bytes", cc->line, cc->desc, n);
}
END_TEST

/* The client gone before the interim response: it cannot be sent, 400. */
START_TEST(test_continue_client_gone)
{
	struct body b;
	char out[16];

	body_init(&b, &c, false, 5, true, 1, 100);
	close(sv[1]);
	sv[1] = -1;
	ck_assert_int_eq(body_read(&b, out, sizeof(out), conn_now_ms() + 1000), -400);
	ck_assert(b.continue_sent);
}
END_TEST

static Suite *body_suite(void)
{
	Suite *s = suite_create("body");
	TCase *rd = tcase_create("read");
	TCase *nw = tcase_create("nowait");
	TCase *ct = tcase_create("continue");

	tcase_add_checked_fixture(rd, setup, teardown);
	tcase_set_timeout(rd, 10);
	tcase_add_loop_test(rd, test_read, 0, NELEM(read_cases));
	suite_add_tcase(s, rd);

	tcase_add_checked_fixture(nw, setup, teardown);
	tcase_set_timeout(nw, 5);
	tcase_add_test(nw, test_read_nowait);
	tcase_add_loop_test(nw, test_peek, 0, NELEM(peek_cases));
	tcase_add_loop_test(nw, test_nowait_end, 0, NELEM(nowait_cases));
	suite_add_tcase(s, nw);

	tcase_add_checked_fixture(ct, setup, teardown);
	tcase_set_timeout(ct, 5);
	tcase_add_loop_test(ct, test_continue, 0, NELEM(cont_cases));
	tcase_add_test(ct, test_continue_client_gone);
	suite_add_tcase(s, ct);
	return s;
}

int main(void)
{
	return unit_run(body_suite());
}
