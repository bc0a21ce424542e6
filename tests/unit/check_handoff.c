/*
 * Unit tests for handoff (moving a connection between processes) and ctl
 * (the master's control channel): the head-readiness judgement, round trips
 * over real SOCK_SEQPACKET socketpairs carrying real descriptors, malformed
 * messages, and a full queue.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ctl.h"
#include "handoff.h"
#include "unit.h"
#include "unit_addr.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- handoff_head_ready ---- */

struct ready_case {
	int line;
	const char *desc;
	size_t lead_crlf;   /* CRLF pairs before text */
	const char *text;
	size_t text_len;    /* 0: strlen(text) */
	size_t fill;        /* >0: pad with 'a' up to this total length */
	int want;
};

static const struct ready_case ready_cases[] = {
	{ __LINE__, "empty",                      0, "", 0, 0, 0 },
	{ __LINE__, "complete head",              0, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 0, 1 },
	{ __LINE__, "complete head, body after",  0, "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", 0, 0, 1 },
	{ __LINE__, "request line only",          0, "GET / HTTP/1.1\r\n", 0, 0, 0 },
	{ __LINE__, "partial field",              0, "GET / HTTP/1.1\r\nHost: a\r\n", 0, 0, 0 },
	{ __LINE__, "ends in CRLF CR",            0, "GET / HTTP/1.1\r\nHost: a\r\n\r", 0, 0, 0 },
	{ __LINE__, "one method byte",            0, "G", 0, 0, 0 },
	{ __LINE__, "leading CRLF, complete",     1, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 0, 1 },
	{ __LINE__, "leading CRLF only",          1, "", 0, 0, 0 },
	{ __LINE__, "two leading CRLF only",      2, "", 0, 0, 0 },
	{ __LINE__, "leading CRLF, partial",      1, "GET / HT", 0, 0, 0 },
	{ __LINE__, "leading bare LF: 400 now",   0, "\nGET / HT", 0, 0, 1 },
	{ __LINE__, "leading LF LF: 400 now",     0, "\n\nGET", 0, 0, 1 },
	{ __LINE__, "lone CR may become CRLF",    0, "\r", 0, 0, 0 },
	{ __LINE__, "CR without LF",              0, "\rGET", 0, 0, 1 },
	{ __LINE__, "TLS ClientHello",            0, "\x16\x03\x01\x02\x00\x01", 0, 0, 1 },
	{ __LINE__, "TLS after an empty line",    1, "\x16\x03\x01", 0, 0, 1 },
	{ __LINE__, "space first",                0, " GET / HTTP/1.1", 0, 0, 1 },
	{ __LINE__, "NUL first",                  0, "\0GET", 4, 0, 1 },
	{ __LINE__, "bare LF head",               0, "GET / HTTP/1.1\nHost: a\n\n", 0, 0, 1 },
	{ __LINE__, "LF CRLF head",               0, "GET / HTTP/1.1\nHost: a\n\r\n", 0, 0, 1 },
	{ __LINE__, "CRLF LF head",               0, "GET / HTTP/1.1\r\nHost: a\r\n\n", 0, 0, 1 },
	{ __LINE__, "request line then LF LF",    0, "GET / HTTP/1.0\n\n", 0, 0, 1 },
	{ __LINE__, "bare LF after the request line", 0, "GET / HTTP/1.1\n\rHost", 0, 0, 1 },
	{ __LINE__, "bare LF after a field",      0, "GET / HTTP/1.1\r\nHost: a\n", 0, 0, 1 },
	{ __LINE__, "HTTP/0.9 line: 400 now",     0, "GET /\r\n", 0, 0, 1 },
	{ __LINE__, "no target: 400 now",         0, "GET  HTTP/1.1\r\n", 0, 0, 1 },
	{ __LINE__, "method alone: 400 now",      0, "GET\r\n", 0, 0, 1 },
	{ __LINE__, "request line, a field",      0, "GET / HTTP/1.1\r\nX: a b\r\n", 0, 0, 0 },
	{ __LINE__, "field without spaces",       0, "GET / HTTP/1.1\r\nX:a\r\n", 0, 0, 0 },
	{ __LINE__, "128 empty lines: tolerated", 128, "", 0, 0, 0 },
	{ __LINE__, "128 empty lines + request",  128, "GET / HT", 0, 0, 0 },
	{ __LINE__, "129 empty lines: 400",       129, "", 0, 0, 1 },
	{ __LINE__, "129 empty lines + request",  129, "GET / HTTP/1.1\r\n\r\n", 0, 0, 1 },
	{ __LINE__, "CR, no LF, after a line",    0, "GET / HTTP/1.1\r\n\rX", 0, 0, 0 },
	{ __LINE__, "full buffer",                0, "GET /", 0, HANDOFF_MAX_BYTES, 1 },
	{ __LINE__, "one short of full",          0, "GET /", 0, HANDOFF_MAX_BYTES - 1, 0 },
};

static char *ready_build(const struct ready_case *c, size_t *len)
{
	size_t tl = c->text_len ? c->text_len : strlen(c->text);
	size_t n = 2 * c->lead_crlf + tl;
	char *buf;

	if (c->fill > n)
		n = c->fill;
	buf = malloc(n + 1);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < c->lead_crlf; i++)
		memcpy(buf + 2 * i, "\r\n", 2);
	memcpy(buf + 2 * c->lead_crlf, c->text, tl);
	memset(buf + 2 * c->lead_crlf + tl, 'a', n - 2 * c->lead_crlf - tl);
	*len = n;
	return buf;
}

START_TEST(test_head_ready)
{
	const struct ready_case *c = &ready_cases[_i];
	size_t len;
	char *buf = ready_build(c, &len);
	int got = handoff_head_ready(buf, len);

	ck_assert_msg(got == c->want, "line %d (%s): got %d, want %d",
		      c->line, c->desc, got, c->want);
	free(buf);
}
END_TEST

/*
 * The incremental form must agree with the whole-buffer one: byte by byte,
 * and with the bytes in two pieces split at every position (the first piece
 * having been judged "need more", as the keeper calls it).
 */
START_TEST(test_head_ready_incremental)
{
	const struct ready_case *c = &ready_cases[_i];
	size_t len;
	char *buf = ready_build(c, &len);
	int want = handoff_head_ready(buf, len);

	for (size_t i = 1; i <= len; i++) {
		int whole = handoff_head_ready(buf, i);

		ck_assert_msg(handoff_head_ready_from(buf, i, i - 1) == whole,
			      "line %d (%s): byte by byte differs at %zu", c->line, c->desc, i);
		if (whole)
			break;
	}
	for (size_t i = 0; i <= len && !handoff_head_ready(buf, i); i++)
		ck_assert_msg(handoff_head_ready_from(buf, len, i) == want,
			      "line %d (%s): split at %zu differs", c->line, c->desc, i);
	free(buf);
}
END_TEST

/* ---- round trips ---- */

static void seqpair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void mkpipe(int p[2])
{
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
}

/* Does reading p (the read end of a pipe) reach EOF within ms, i.e. is every write end closed? */
static int pipe_eof(int p, int ms)
{
	struct pollfd pfd = { .fd = p, .events = POLLIN };
	char b[64];

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(p, b, sizeof(b)) == 0;
}

static struct handoff hs, hr; /* 33 KiB each: not on the stack */

struct trip_case {
	int line;
	const char *desc;
	uint32_t len;
};

static const struct trip_case trip_cases[] = {
	{ __LINE__, "no bytes (idle keep-alive)", 0 },
	{ __LINE__, "a partial head",             17 },
	{ __LINE__, "a full buffer",              HANDOFF_MAX_BYTES },
};

START_TEST(test_round_trip)
{
	const struct trip_case *c = &trip_cases[_i];
	int sv[2], p[2], fl;
	char b[8];

	seqpair(sv);
	mkpipe(p);
	memset(&hs, 0, sizeof(hs));
	hs.fd = p[1];
	hs.flags = HANDOFF_FIRST;
	hs.deadline_ms = 123456789012LL;
	hs.header_ms = 20000;
	hs.len = c->len;
	for (uint32_t i = 0; i < c->len; i++)
		hs.buf[i] = (char)('A' + i % 26);
	hs.peer = unit_addr("192.0.2.7", 40000);
	hs.local = unit_addr("127.0.0.1", 8080);
	ck_assert_msg(handoff_send(sv[0], &hs) == 0, "line %d (%s): send: %s",
		      c->line, c->desc, strerror(errno));
	/* The sender's copy is closed by a successful send. */
	ck_assert_int_eq(fcntl(p[1], F_GETFD), -1);

	memset(&hr, 0xa5, sizeof(hr));
	ck_assert_int_eq(handoff_recv(sv[1], &hr), 1);
	ck_assert_int_eq(hr.flags, HANDOFF_FIRST);
	ck_assert(hr.deadline_ms == 123456789012LL);
	ck_assert_uint_eq(hr.header_ms, 20000);
	ck_assert_uint_eq(hr.len, c->len);
	ck_assert(memcmp(hr.buf, hs.buf, c->len) == 0);
	ck_assert(memcmp(&hr.peer, &hs.peer, sizeof(hs.peer)) == 0);
	ck_assert(memcmp(&hr.local, &hs.local, sizeof(hs.local)) == 0);
	ck_assert_int_eq(fcntl(hr.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	fl = fcntl(hr.fd, F_GETFL);
	ck_assert(fl >= 0 && (fl & O_NONBLOCK));
	/* The received descriptor is the same pipe. */
	ck_assert_int_eq(write(hr.fd, "ok", 2), 2);
	ck_assert_int_eq(read(p[0], b, sizeof(b)), 2);
	ck_assert(memcmp(b, "ok", 2) == 0);
	/* Nothing else waits. */
	ck_assert_int_eq(handoff_recv(sv[1], &hr), 0);
	close(hr.fd);
	ck_assert(pipe_eof(p[0], 1000));
}
END_TEST

START_TEST(test_send_refuses)
{
	int sv[2];

	seqpair(sv);
	memset(&hs, 0, sizeof(hs));
	hs.fd = -1;
	ck_assert_int_eq(handoff_send(sv[0], &hs), -1);
	ck_assert_int_eq(errno, EINVAL);
	hs.fd = 0;
	hs.len = HANDOFF_MAX_BYTES + 1;
	ck_assert_int_eq(handoff_send(sv[0], &hs), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The end of the stream (every sender gone) is an error, not "nothing waiting". */
START_TEST(test_recv_eof)
{
	int sv[2];

	seqpair(sv);
	close(sv[0]);
	ck_assert_int_eq(handoff_recv(sv[1], &hr), -1);
	ck_assert_int_eq(errno, ECONNRESET);
}
END_TEST

/* ---- malformed messages ---- */

enum bad_kind { BAD_MAGIC, BAD_SHORT, BAD_LEN, BAD_NOFD, BAD_TWOFDS, BAD_LONG, BAD_EMPTY, BAD_EMPTY_TRUNC, BAD_HUGE };

struct bad_case {
	int line;
	const char *desc;
	enum bad_kind kind;
};

static const struct bad_case bad_cases[] = {
	{ __LINE__, "wrong magic",          BAD_MAGIC },
	{ __LINE__, "shorter than header",  BAD_SHORT },
	{ __LINE__, "one byte missing",     BAD_LEN },
	{ __LINE__, "no descriptor",        BAD_NOFD },
	{ __LINE__, "two descriptors",      BAD_TWOFDS },
	{ __LINE__, "longer than any",      BAD_LONG },
	{ __LINE__, "no bytes, one fd",     BAD_EMPTY },
	{ __LINE__, "no bytes, fds cut off", BAD_EMPTY_TRUNC },
	{ __LINE__, "len field past max",   BAD_HUGE },
};

/* The bytes of a valid message with len payload bytes, as handoff_send() writes them. */
static size_t valid_wire(char *out, size_t cap, uint32_t len)
{
	int sv[2], p[2];
	struct iovec iov = { .iov_base = out, .iov_len = cap };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	seqpair(sv);
	mkpipe(p);
	memset(&hs, 0, sizeof(hs));
	hs.fd = p[1];
	hs.len = len;
	ck_assert_int_eq(handoff_send(sv[0], &hs), 0);
	n = recvmsg(sv[1], &msg, 0); /* no control buffer: the fd is discarded */
	ck_assert(n > 0);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	return (size_t)n;
}

/* Where valid_wire() keeps the payload length: the first header byte that len changes. */
static size_t len_offset(void)
{
	static char a[HANDOFF_MAX_BYTES + 1024], b[HANDOFF_MAX_BYTES + 1024];
	size_t na = valid_wire(a, sizeof(a), 5), nb = valid_wire(b, sizeof(b), 6);
	size_t i = 0;

	ck_assert_uint_eq(na + 1, nb);
	while (i < na - 5 && a[i] == b[i])
		i++;
	ck_assert_msg(i < na - 5, "len not found in the header");
	return i;
}

START_TEST(test_malformed_dropped)
{
	const struct bad_case c = bad_cases[_i];
	static char wire[HANDOFF_MAX_BYTES + 1024];
	size_t n = valid_wire(wire, sizeof(wire), 5);
	int sv[2], p[2], fds[2];

	seqpair(sv);
	mkpipe(p);
	fds[0] = p[1];
	fds[1] = dup(p[1]);
	ck_assert(fds[1] >= 0);
	switch (c.kind) {
	case BAD_MAGIC:
		wire[0] ^= 0x55;
		unit_send_fds(sv[0], wire, n, fds, 1);
		break;
	case BAD_SHORT:
		unit_send_fds(sv[0], wire, 8, fds, 1);
		break;
	case BAD_LEN:
		unit_send_fds(sv[0], wire, n - 1, fds, 1);
		break;
	case BAD_NOFD:
		unit_send_fds(sv[0], wire, n, NULL, 0);
		break;
	case BAD_TWOFDS:
		unit_send_fds(sv[0], wire, n, fds, 2);
		break;
	case BAD_LONG:
		memset(wire + n, 'x', sizeof(wire) - n);
		unit_send_fds(sv[0], wire, sizeof(wire), fds, 1);
		break;
	case BAD_EMPTY:
		unit_send_fds(sv[0], wire, 0, fds, 1);
		break;
	case BAD_EMPTY_TRUNC: {
		/* More than the receiver has room for: MSG_CTRUNC, not the end of the stream. */
		const int six[6] = { p[1], p[1], p[1], p[1], p[1], p[1] };

		unit_send_fds(sv[0], wire, 0, six, 6);
		break;
	}
	case BAD_HUGE: {
		uint32_t huge = HANDOFF_MAX_BYTES + 1;

		memcpy(wire + len_offset(), &huge, sizeof(huge));
		unit_send_fds(sv[0], wire, n, fds, 1);
		break;
	}
	}
	close(fds[0]);
	close(fds[1]);
	/* A valid message behind the bad one is still delivered. */
	mkpipe(fds);
	memset(&hs, 0, sizeof(hs));
	hs.fd = fds[1];
	ck_assert_int_eq(handoff_send(sv[0], &hs), 0);

	ck_assert_msg(handoff_recv(sv[1], &hr) == 1, "line %d (%s): the good message is lost",
		      c.line, c.desc);
	close(hr.fd);
	ck_assert_int_eq(handoff_recv(sv[1], &hr), 0);
	/* Every descriptor of the bad message was closed. */
	ck_assert_msg(pipe_eof(p[0], 1000), "line %d (%s): a descriptor leaked", c.line, c.desc);
	ck_assert(pipe_eof(fds[0], 1000));
}
END_TEST

/* A full queue is EAGAIN, and the sender still owns the descriptor. */
START_TEST(test_queue_full)
{
	int sv[2], p[2], sent = 0;

	seqpair(sv);
	mkpipe(p);
	memset(&hs, 0, sizeof(hs));
	hs.len = 100;
	for (;;) {
		hs.fd = dup(p[1]);
		ck_assert(hs.fd >= 0);
		if (handoff_send(sv[0], &hs) < 0)
			break;
		ck_assert_int_lt(++sent, 100000);
	}
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_gt(sent, 0);
	ck_assert_int_ne(fcntl(hs.fd, F_GETFD), -1);
	close(hs.fd);
	/* The receiver drains exactly what was sent. */
	for (int i = 0; i < sent; i++) {
		ck_assert_int_eq(handoff_recv(sv[1], &hr), 1);
		close(hr.fd);
	}
	ck_assert_int_eq(handoff_recv(sv[1], &hr), 0);
}
END_TEST

/* ---- ctl ---- */

START_TEST(test_ctl_round_trip)
{
	int sv[2], p1[2], p2[2];
	struct ctl_msg m = { .type = CTL_LOGS, .flags = 3, .nfds = 2 };
	struct ctl_msg r;
	char b[8];

	seqpair(sv);
	mkpipe(p1);
	mkpipe(p2);
	m.fds[0] = p1[1];
	m.fds[1] = p2[1];
	ck_assert_int_eq(ctl_send(sv[0], &m), 0);
	close(p1[1]);
	close(p2[1]);

	errno = EDOM;
	ck_assert_int_eq(ctl_recv(sv[1], &r), 1);
	ck_assert_int_eq(errno, EDOM); /* left as found: a signal handler calls this */
	ck_assert_int_eq(r.type, CTL_LOGS);
	ck_assert_int_eq(r.flags, 3);
	ck_assert_int_eq(r.nfds, 2);
	ck_assert_int_eq(r.fds[2], -1);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(fcntl(r.fds[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(write(r.fds[0], "1", 1), 1);
	ck_assert_int_eq(write(r.fds[1], "2", 1), 1);
	ck_assert_int_eq(read(p1[0], b, sizeof(b)), 1);
	ck_assert_int_eq(b[0], '1');
	ck_assert_int_eq(read(p2[0], b, sizeof(b)), 1);
	ck_assert_int_eq(b[0], '2');

	/* A message without descriptors. */
	m = (struct ctl_msg){ .type = CTL_LOGS, .flags = 0, .nfds = 0 };
	ck_assert_int_eq(ctl_send(sv[0], &m), 0);
	ck_assert_int_eq(ctl_recv(sv[1], &r), 1);
	ck_assert_int_eq(r.nfds, 0);

	ck_assert_int_eq(ctl_recv(sv[1], &r), 0);
	close(sv[0]);
	ck_assert_int_eq(ctl_recv(sv[1], &r), -1);
}
END_TEST

START_TEST(test_ctl_bad)
{
	int sv[2], p[2];
	struct ctl_msg m = { .type = CTL_OUTBOX, .nfds = CTL_MAX_FDS + 1 };
	struct ctl_msg r;
	int32_t lie[3] = { CTL_OUTBOX, 0, 2 }; /* says two descriptors, carries one */

	seqpair(sv);
	ck_assert_int_eq(ctl_send(sv[0], &m), -1);
	ck_assert_int_eq(errno, EINVAL);

	mkpipe(p);
	unit_send_fds(sv[0], lie, sizeof(lie), &p[1], 1);
	unit_send_fds(sv[0], "x", 1, &p[1], 1);
	close(p[1]);
	ck_assert_int_eq(ctl_recv(sv[1], &r), 0);
	ck_assert(pipe_eof(p[0], 1000));
}
END_TEST

static Suite *handoff_suite(void)
{
	Suite *s = suite_create("handoff");
	TCase *ready = tcase_create("head_ready");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");
	TCase *ctl = tcase_create("ctl");

	tcase_set_timeout(ready, 10);
	tcase_add_loop_test(ready, test_head_ready, 0, NELEM(ready_cases));
	tcase_add_loop_test(ready, test_head_ready_incremental, 0, NELEM(ready_cases));
	suite_add_tcase(s, ready);

	tcase_set_timeout(core, 5);
	tcase_add_loop_test(core, test_round_trip, 0, NELEM(trip_cases));
	tcase_add_test(core, test_send_refuses);
	tcase_add_test(core, test_recv_eof);
	tcase_add_test(core, test_queue_full);
	suite_add_tcase(s, core);

	tcase_set_timeout(bad, 5);
	tcase_add_loop_test(bad, test_malformed_dropped, 0, NELEM(bad_cases));
	suite_add_tcase(s, bad);

	tcase_set_timeout(ctl, 5);
	tcase_add_test(ctl, test_ctl_round_trip);
	tcase_add_test(ctl, test_ctl_bad);
	suite_add_tcase(s, ctl);
	return s;
}

int main(void)
{
	return unit_run(handoff_suite());
}
