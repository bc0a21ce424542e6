/*
 * Unit tests for conn (one client connection's byte stream): the pure rate
 * arithmetic (conn_rate_ok, conn_rate_until), address text, buffer
 * compaction, and reads, writes, sendfile, lingering and shutdown over real
 * sockets — an AF_UNIX socketpair, or a loopback TCP pair where the send
 * path's SIOCOUTQ stall detection needs a real TCP queue. Peers that stop
 * reading, close, or trickle are children of the test, stopped by PID.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "unit.h"
#include "unit_log.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NOGOT 12345u /* *got must stay as it was while a window is not over */

/* ---- helpers ---- */

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	ck_assert_int_ge(fl, 0);
	ck_assert_int_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* sv[0]: the server's side (non-blocking), sv[1]: the client's (blocking). */
static void pair_unix(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	set_nonblock(sv[0]);
}

/*
 * A loopback TCP pair with small buffers on both ends, so a client that
 * stops reading fills them after a few hundred kilobytes at most.
 */
static void pair_tcp(int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int small = 4096, ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(setsockopt(ls, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	sv[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(sv[1], 0);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(connect(sv[1], (struct sockaddr *)&a, sizeof(a)), 0);
	sv[0] = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	ck_assert_int_ge(sv[0], 0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	close(ls);
}

static void conn_on(struct conn *c, int fd, size_t cap)
{
	struct sockaddr_storage peer, local;
	struct sockaddr_in *p4 = (struct sockaddr_in *)&peer, *l4 = (struct sockaddr_in *)&local;

	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	p4->sin_family = l4->sin_family = AF_INET;
	p4->sin_addr.s_addr = l4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p4->sin_port = htons(40000);
	l4->sin_port = htons(8080);
	ck_assert_int_eq(conn_alloc(c, cap), 0);
	conn_open(c, fd, &peer, &local);
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 7 + i / 251) & 0xff);
}

/*
 * A child that reads fd to EOF, delay_us between reads, and exits 0 only
 * if it got exactly want bytes of pattern() from pattern offset first.
 */
static pid_t reader_start(int fd, int other, uint64_t first, uint64_t want, int delay_us)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[8192];
		uint64_t got = 0;
		ssize_t n;

		close(other);
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if ((uint8_t)buf[i] != pattern(first + got + (uint64_t)i))
					_exit(2);
			got += (uint64_t)n;
			if (delay_us > 0)
				usleep((useconds_t)delay_us);
		}
		_exit(n == 0 && got == want ? 0 : 1);
	}
	return pid;
}

static int reader_wait(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static char *pattern_buf(uint64_t first, size_t len)
{
	char *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (char)pattern(first + i);
	return p;
}

/* ---- conn_rate_ok / conn_rate_until / conn_rate_start (pure) ---- */

static const struct rate_case {
	int line;
	const char *desc;
	uint32_t min;
	int64_t window_ms, waited0;
	uint64_t bytes0;
	int64_t waited;
	uint64_t bytes;
	bool want_ok;
	uint64_t want_got;      /* NOGOT: *got untouched */
	int64_t want_waited;    /* the window's state afterwards */
	uint64_t want_bytes;
} rate_cases[] = {
	{ __LINE__, "off: always ok, nothing counted", 0, 1000, 0, 0, 5000, 1, true, NOGOT, 0, 0 },
	{ __LINE__, "window not over",                 100, 1000, 0, 0, 500, 10, true, NOGOT, 500, 10 },
	{ __LINE__, "negative wait not counted",       100, 1000, 200, 0, -50, 10, true, NOGOT, 200, 10 },
	{ __LINE__, "zero wait, bytes counted",        100, 1000, 999, 7, 0, 3, true, NOGOT, 999, 10 },
	{ __LINE__, "end of window, below rate",       100, 1000, 0, 0, 1000, 99, false, 99, 0, 0 },
	{ __LINE__, "end of window, at rate",          100, 1000, 0, 0, 1000, 100, true, 100, 0, 0 },
	{ __LINE__, "end of window, above rate",       100, 1000, 0, 0, 1500, 1000, true, 1000, 0, 0 },
	{ __LINE__, "end reached in two steps, ok",    100, 2000, 1900, 150, 200, 60, true, 210, 0, 0 },
	{ __LINE__, "end reached in two steps, slow",  100, 2000, 1900, 150, 200, 40, false, 190, 0, 0 },
	{ __LINE__, "nothing at all in a window",      1, 1000, 0, 0, 1000, 0, false, 0, 0, 0 },
	{ __LINE__, "bytes saturate, never wrap",      100, 1000, 0, UINT64_MAX - 5, 0, 10, true, NOGOT, 0, UINT64_MAX },
	{ __LINE__, "saturated window at its end",     100, 1000, 0, UINT64_MAX, 1000, UINT64_MAX, true, UINT64_MAX, 0, 0 },
	{ __LINE__, "largest rate, day window, short", UINT32_MAX, 86400000, 0, 0, 86400000, 1, false, 1, 0, 0 },
};

START_TEST(test_rate_ok)
{
	for (int i = 0; i < NELEM(rate_cases); i++) {
		const struct rate_case *rc = &rate_cases[i];
		struct conn_rate r = { .r_min = rc->min, .r_window_ms = rc->window_ms,
				       .r_waited_ms = rc->waited0, .r_bytes = rc->bytes0 };
		uint64_t got = NOGOT;
		bool ok = conn_rate_ok(&r, rc->waited, rc->bytes, &got);

		ck_assert_msg(ok == rc->want_ok, "line %d (%s): ok %d", rc->line, rc->desc, ok);
		ck_assert_msg(got == rc->want_got, "line %d (%s): got %llu", rc->line, rc->desc,
			      (unsigned long long)got);
		ck_assert_msg(r.r_waited_ms == rc->want_waited && r.r_bytes == rc->want_bytes,
			      "line %d (%s): left waited %lld bytes %llu", rc->line, rc->desc,
			      (long long)r.r_waited_ms, (unsigned long long)r.r_bytes);
	}
}
END_TEST

static const struct until_case {
	int line;
	const char *desc;
	uint32_t min;
	int64_t window_ms, waited, now, deadline, want;
} until_cases[] = {
	{ __LINE__, "off: the deadline",               0, 1000, 0, 5000, 9000, 9000 },
	{ __LINE__, "off: even an unbounded one",      0, 1000, 0, 5000, INT64_MAX, INT64_MAX },
	{ __LINE__, "window ends first",               10, 1000, 0, 5000, 9000, 6000 },
	{ __LINE__, "part of the window waited",       10, 1000, 400, 5000, 9000, 5600 },
	{ __LINE__, "deadline first",                  10, 10000, 0, 5000, 9000, 9000 },
	{ __LINE__, "both at once",                    10, 4000, 0, 5000, 9000, 9000 },
	{ __LINE__, "unbounded deadline",              10, 1000, 0, 5000, INT64_MAX, 6000 },
};

START_TEST(test_rate_until)
{
	for (int i = 0; i < NELEM(until_cases); i++) {
		const struct until_case *uc = &until_cases[i];
		struct conn_rate r = { .r_min = uc->min, .r_window_ms = uc->window_ms, .r_waited_ms = uc->waited };
		int64_t got = conn_rate_until(&r, uc->now, uc->deadline);

		ck_assert_msg(got == uc->want, "line %d (%s): %lld", uc->line, uc->desc, (long long)got);
	}
}
END_TEST

static const struct start_case {
	int line;
	const char *desc;
	uint32_t send_rate;
	int send_s;
	uint32_t body_rate;
	int body_s;
	uint32_t want_send_min, want_body_min;
	int64_t want_send_win, want_body_win;
} start_cases[] = {
	{ __LINE__, "both on",                 100, 60, 50, 30, 100, 50, 60000, 30000 },
	{ __LINE__, "no window: rate off",     100, 0, 50, 0, 0, 0, 0, 0 },
	{ __LINE__, "rate 0, window kept",     0, 60, 0, 30, 0, 0, 60000, 30000 },
	{ __LINE__, "negative window: off",    100, -1, 50, 2, 0, 50, -1000, 2000 },
};

START_TEST(test_rate_start)
{
	for (int i = 0; i < NELEM(start_cases); i++) {
		const struct start_case *sc = &start_cases[i];
		struct conn c;

		memset(&c, 0xa5, sizeof(c));
		conn_rate_start(&c, sc->send_rate, sc->send_s, sc->body_rate, sc->body_s);
		ck_assert_msg(c.c_send.r_min == sc->want_send_min && c.c_recv.r_min == sc->want_body_min,
			      "line %d (%s): min %u %u", sc->line, sc->desc, c.c_send.r_min, c.c_recv.r_min);
		ck_assert_msg(c.c_send.r_window_ms == sc->want_send_win &&
			      c.c_recv.r_window_ms == sc->want_body_win,
			      "line %d (%s): windows", sc->line, sc->desc);
		ck_assert(c.c_send.r_waited_ms == 0 && c.c_send.r_bytes == 0);
		ck_assert(c.c_recv.r_waited_ms == 0 && c.c_recv.r_bytes == 0);
	}
}
END_TEST

/* ---- conn_open (address text), conn_compact ---- */

static const struct addr_case {
	int line;
	const char *desc;
	int family;
	const char *addr;
	int port;
	const char *want;
} addr_cases[] = {
	{ __LINE__, "IPv4",                 AF_INET, "192.0.2.1", 8080, "192.0.2.1" },
	{ __LINE__, "IPv6",                 AF_INET6, "2001:db8::1", 443, "2001:db8::1" },
	{ __LINE__, "IPv4-mapped as IPv4",  AF_INET6, "::ffff:192.0.2.7", 65535, "192.0.2.7" },
	{ __LINE__, "unknown family: -",    AF_UNIX, NULL, 0, "-" },
};

START_TEST(test_open_addr)
{
	for (int i = 0; i < NELEM(addr_cases); i++) {
		const struct addr_case *ac = &addr_cases[i];
		struct sockaddr_storage ss;
		struct conn c;

		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)ac->family;
		if (ac->family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			ck_assert_int_eq(inet_pton(AF_INET, ac->addr, &s4->sin_addr), 1);
			s4->sin_port = htons((uint16_t)ac->port);
		} else if (ac->family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			ck_assert_int_eq(inet_pton(AF_INET6, ac->addr, &s6->sin6_addr), 1);
			s6->sin6_port = htons((uint16_t)ac->port);
		}
		ck_assert_int_eq(conn_alloc(&c, 16), 0);
		ck_assert_int_eq(c.c_fd, -1);
		c.c_in_len = c.c_in_pos = 3;
		c.c_keepalive = false;
		conn_open(&c, 7, &ss, &ss);
		ck_assert_msg(strcmp(c.c_peer, ac->want) == 0, "line %d (%s): '%s'", ac->line, ac->desc, c.c_peer);
		ck_assert_msg(c.c_peer_port == ac->port && c.c_local_port == ac->port,
			      "line %d (%s): port %d", ac->line, ac->desc, c.c_peer_port);
		ck_assert(c.c_fd == 7 && c.c_in_len == 0 && c.c_in_pos == 0 && c.c_keepalive);
		conn_release(&c);
		ck_assert_int_eq(c.c_fd, -1);
		conn_close(&c); /* no descriptor: nothing to do */
		ck_assert_int_eq(c.c_fd, -1);
		conn_free(&c);
		ck_assert_ptr_null(c.c_in);
	}
}
END_TEST

static const struct compact_case {
	int line;
	const char *desc;
	const char *held;
	size_t pos;
	const char *want;
} compact_cases[] = {
	{ __LINE__, "nothing consumed",  "abcdef", 0, "abcdef" },
	{ __LINE__, "part consumed",     "abcdef", 2, "cdef" },
	{ __LINE__, "all consumed",      "abcdef", 6, "" },
	{ __LINE__, "empty buffer",      "", 0, "" },
};

START_TEST(test_compact)
{
	for (int i = 0; i < NELEM(compact_cases); i++) {
		const struct compact_case *cc = &compact_cases[i];
		struct conn c;

		ck_assert_int_eq(conn_alloc(&c, 16), 0);
		memcpy(c.c_in, cc->held, strlen(cc->held));
		c.c_in_len = strlen(cc->held);
		c.c_in_pos = cc->pos;
		conn_compact(&c);
		ck_assert_msg(c.c_in_pos == 0 && c.c_in_len == strlen(cc->want) &&
			      memcmp(c.c_in, cc->want, c.c_in_len) == 0,
			      "line %d (%s): len %zu", cc->line, cc->desc, c.c_in_len);
		conn_free(&c);
	}
}
END_TEST

/* ---- conn_fill, conn_fill_nowait ---- */

static const struct fill_case {
	int line;
	const char *desc;
	size_t cap, held;       /* buffer size; bytes already in it */
	const char *sent;       /* by the client before the call */
	const char *later;      /* by the client 100 ms into the call */
	bool client_closes;     /* after sending */
	bool stopping;          /* conn_stopping set */
	bool bad_fd;            /* the descriptor is closed */
	bool nowait;            /* conn_fill_nowait instead */
	int wait_ms;            /* conn_fill's deadline from now */
	ssize_t want;
	int want_errno;         /* for want -1 */
} fill_cases[] = {
	{ __LINE__, "bytes waiting",              64, 0, "hello", NULL, false, false, false, false, 1000, 5, 0 },
	{ __LINE__, "appended after held bytes",  64, 10, "hello", NULL, false, false, false, false, 1000, 5, 0 },
	{ __LINE__, "only what fits",             8, 5, "hello", NULL, false, false, false, false, 1000, 3, 0 },
	{ __LINE__, "bytes arrive while waiting", 64, 0, NULL, "late", false, false, false, false, 3000, 4, 0 },
	{ __LINE__, "client closed: EOF",         64, 0, NULL, NULL, true, false, false, false, 1000, 0, 0 },
	{ __LINE__, "bytes then EOF: bytes",      64, 0, "ab", NULL, true, false, false, false, 1000, 2, 0 },
	{ __LINE__, "nothing: ETIMEDOUT",         64, 0, NULL, NULL, false, false, false, false, 200, -1, ETIMEDOUT },
	{ __LINE__, "deadline past: ETIMEDOUT",   64, 0, NULL, NULL, false, false, false, false, -5, -1, ETIMEDOUT },
	{ __LINE__, "buffer full: ENOBUFS",       8, 8, "hello", NULL, false, false, false, false, 1000, -1, ENOBUFS },
	{ __LINE__, "stopping: EINTR",            64, 0, NULL, NULL, false, true, false, false, 5000, -1, EINTR },
	{ __LINE__, "stopping, bytes there: read",64, 0, "x", NULL, false, true, false, false, 5000, 1, 0 },
	{ __LINE__, "bad descriptor: EBADF",      64, 0, NULL, NULL, false, false, true, false, 1000, -1, EBADF },
	{ __LINE__, "nowait: bytes",              64, 0, "hello", NULL, false, false, false, true, 0, 5, 0 },
	{ __LINE__, "nowait: nothing, EAGAIN",    64, 0, NULL, NULL, false, false, false, true, 0, -1, EAGAIN },
	{ __LINE__, "nowait: EOF",                64, 0, NULL, NULL, true, false, false, true, 0, 0, 0 },
	{ __LINE__, "nowait: full, ENOBUFS",      8, 8, "x", NULL, false, false, false, true, 0, -1, ENOBUFS },
};

START_TEST(test_fill)
{
	const struct fill_case *fc = &fill_cases[_i];
	struct conn c;
	pid_t pid = -1;
	size_t sl = fc->sent ? strlen(fc->sent) : 0;
	ssize_t n;
	int sv[2], e;

	pair_unix(sv);
	conn_on(&c, sv[0], fc->cap);
	memset(c.c_in, 'h', fc->held);
	c.c_in_len = fc->held;
	if (sl > 0)
		ck_assert_int_eq(write(sv[1], fc->sent, sl), (ssize_t)sl);
	if (fc->later) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			usleep(100000);
			_exit(write(sv[1], fc->later, strlen(fc->later)) == (ssize_t)strlen(fc->later) ? 0 : 1);
		}
	}
	if (fc->client_closes)
		close(sv[1]);
	if (fc->bad_fd)
		close(sv[0]);
	conn_stopping = fc->stopping;
	n = fc->nowait ? conn_fill_nowait(&c) : conn_fill(&c, conn_now_ms() + fc->wait_ms);
	e = errno;
	conn_stopping = 0;
	ck_assert_msg(n == fc->want, "line %d (%s): %zd (%s)", fc->line, fc->desc, n, strerror(e));
	if (n < 0)
		ck_assert_msg(e == fc->want_errno, "line %d (%s): errno %s", fc->line, fc->desc, strerror(e));
	ck_assert_msg(c.c_in_len == fc->held + (size_t)(n > 0 ? n : 0), "line %d (%s): len %zu",
		      fc->line, fc->desc, c.c_in_len);
	if (n > 0) {
		const char *src = fc->sent ? fc->sent : fc->later;
		ck_assert(memcmp(c.c_in + fc->held, src, (size_t)n) == 0);
	}
	if (pid > 0)
		ck_assert_int_eq(reader_wait(pid), 0);
	conn_free(&c);
}
END_TEST

/* ---- conn_shutdown, conn_linger, conn_close ---- */

static const struct linger_case {
	int line;
	const char *desc;
	size_t client_sends;    /* bytes the client sends before... */
	bool client_closes;     /* ...closing */
	bool bad_fd;
	int wait_ms;            /* deadline from now */
	bool want;
} linger_cases[] = {
	{ __LINE__, "client closed: EOF",            0, true, false, 1000, true },
	{ __LINE__, "drained, then EOF",             100000, true, false, 3000, true },
	{ __LINE__, "client idle: deadline",         0, false, false, 200, false },
	{ __LINE__, "client idle, deadline past",    0, false, false, -10, false },
	{ __LINE__, "bytes but no EOF: deadline",    5000, false, false, 200, false },
	{ __LINE__, "read error ends it",            0, false, true, 1000, true },
};

START_TEST(test_linger)
{
	const struct linger_case *lc = &linger_cases[_i];
	struct conn c;
	pid_t pid = -1;
	int sv[2];
	bool r;

	pair_unix(sv);
	conn_on(&c, sv[0], 16);
	if (lc->client_sends > 0) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char *p = pattern_buf(0, lc->client_sends);
			ssize_t w = write(sv[1], p, lc->client_sends);

			if (lc->client_closes)
				close(sv[1]);
			else
				usleep(250000);
			_exit(w == (ssize_t)lc->client_sends ? 0 : 1);
		}
	}
	if (lc->client_closes)
		close(sv[1]);
	if (lc->bad_fd)
		close(sv[0]);
	ck_assert_msg(conn_shutdown(&c) == !lc->bad_fd, "line %d (%s): shutdown", lc->line, lc->desc);
	ck_assert_msg(c.c_shut == !lc->bad_fd, "line %d (%s): c_shut", lc->line, lc->desc);
	r = conn_linger(&c, conn_now_ms() + lc->wait_ms);
	ck_assert_msg(r == lc->want, "line %d (%s): %d", lc->line, lc->desc, r);
	/* What conn_close() needs to know so as not to shut down and drain twice. */
	ck_assert_msg(c.c_eof == lc->want, "line %d (%s): c_eof", lc->line, lc->desc);
	if (pid > 0)
		ck_assert_int_eq(reader_wait(pid), 0);
	conn_free(&c);
}
END_TEST

START_TEST(test_shutdown_close)
{
	struct conn c;
	char b[4];
	int sv[2], p[2];

	/* Not a socket: shutdown() refuses, so conn_close() goes straight to close(). */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	conn_on(&c, p[1], 16);
	ck_assert(!conn_shutdown(&c));
	conn_close(&c);
	ck_assert_int_eq(c.c_fd, -1);
	ck_assert_int_eq(read(p[0], b, sizeof(b)), 0); /* the write end is gone */
	close(p[0]);
	conn_free(&c);

	/* A socket: the client sees EOF after the half-close. */
	pair_unix(sv);
	conn_on(&c, sv[0], 16);
	ck_assert(!c.c_shut && !c.c_eof);
	ck_assert(conn_shutdown(&c));
	ck_assert_int_eq(read(sv[1], b, sizeof(b)), 0);
	close(sv[1]);
	conn_close(&c); /* shut down already, no EOF seen yet: it drains to the EOF */
	ck_assert_int_eq(c.c_fd, -1);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	conn_free(&c);

	/* Shut down and drained already (worker_close): conn_close() only closes. */
	pair_unix(sv);
	conn_on(&c, sv[0], 16);
	ck_assert(conn_shutdown(&c));
	close(sv[1]);
	ck_assert(conn_linger(&c, conn_now_ms() + 1000));
	ck_assert(c.c_eof);
	conn_close(&c);
	ck_assert_int_eq(c.c_fd, -1);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	conn_free(&c);
}
END_TEST

/* ---- conn_close_quiet ---- */

static const struct quiet_case {
	int line;
	const char *desc;
	bool last;              /* c_last: the client's last request, no body */
	bool pipelined;         /* unconsumed bytes in c_in */
	const char *client_sends; /* bytes waiting in the kernel */
	bool client_closes;
	bool want;              /* closed at once */
} quiet_cases[] = {
	{ __LINE__, "last request, nothing more: close",   true,  false, NULL, false, true },
	{ __LINE__, "last request, client gone: close",    true,  false, NULL, true,  true },
	{ __LINE__, "not the last request: linger",        false, false, NULL, false, false },
	{ __LINE__, "bytes after it in c_in: linger",      true,  true,  NULL, false, false },
	{ __LINE__, "bytes waiting in the kernel: linger", true,  false, "GET", false, false },
	{ __LINE__, "bytes, then the client's end: linger", true, false, "x", true,  false },
};

START_TEST(test_close_quiet)
{
	const struct quiet_case *qc = &quiet_cases[_i];
	struct conn c;
	char b[4];
	int sv[2];
	bool r;

	pair_unix(sv);
	conn_on(&c, sv[0], 16);
	c.c_last = qc->last;
	if (qc->pipelined)
		c.c_in_len = 3;
	if (qc->client_sends)
		ck_assert_int_eq(write(sv[1], qc->client_sends, strlen(qc->client_sends)),
				 (ssize_t)strlen(qc->client_sends));
	if (qc->client_closes)
		close(sv[1]);
	r = conn_close_quiet(&c);
	ck_assert_msg(r == qc->want, "line %d (%s): %d", qc->line, qc->desc, r);
	if (r) {
		ck_assert_msg(c.c_fd == -1 && fcntl(sv[0], F_GETFD) == -1, "line %d: not closed", qc->line);
		if (!qc->client_closes)
			ck_assert_int_eq(read(sv[1], b, sizeof(b)), 0); /* EOF: a FIN, no reset */
	} else {
		ck_assert_msg(c.c_fd == sv[0] && fcntl(sv[0], F_GETFD) >= 0, "line %d: closed", qc->line);
		/* Nothing was consumed: the lingering close still sees every byte. */
		if (qc->client_sends)
			ck_assert_int_eq(recv(sv[0], b, sizeof(b), MSG_DONTWAIT), (ssize_t)strlen(qc->client_sends));
		conn_close(&c);
	}
	if (!qc->client_closes)
		close(sv[1]);
	conn_free(&c);
}
END_TEST

/* ---- conn_writev, conn_write ---- */

static const struct writev_case {
	int line;
	const char *desc;
	size_t lens[4];
	int iovcnt;
	int delay_us;       /* the client's pause between reads */
} writev_cases[] = {
	{ __LINE__, "nothing to send",               { 0 }, 0, 0 },
	{ __LINE__, "one small buffer",              { 5 }, 1, 0 },
	{ __LINE__, "empty buffers between",         { 0, 3, 0, 4 }, 4, 0 },
	{ __LINE__, "one large, slow client",        { 600000 }, 1, 200 },
	{ __LINE__, "short writes across buffers",   { 100001, 7, 300000, 99999 }, 4, 100 },
	{ __LINE__, "large, fast client",            { 1 << 20, 1 << 20 }, 2, 0 },
};

START_TEST(test_writev)
{
	const struct writev_case *wc = &writev_cases[_i];
	struct iovec iov[4];
	struct conn c;
	char *bufs[4];
	uint64_t total = 0;
	pid_t pid;
	int sv[2], small = 8192;

	pair_unix(sv);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	conn_on(&c, sv[0], 16);
	for (int i = 0; i < wc->iovcnt; i++) {
		bufs[i] = pattern_buf(total, wc->lens[i]);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = wc->lens[i];
		total += wc->lens[i];
	}
	pid = reader_start(sv[1], sv[0], 0, total, wc->delay_us);
	close(sv[1]);
	ck_assert_msg(conn_writev(&c, iov, wc->iovcnt, 5) == 0, "line %d (%s): %s",
		      wc->line, wc->desc, strerror(errno));
	conn_close(&c);
	ck_assert_msg(reader_wait(pid) == 0, "line %d (%s): client got other bytes", wc->line, wc->desc);
	for (int i = 0; i < wc->iovcnt; i++)
		free(bufs[i]);
	conn_free(&c);
}
END_TEST

/* A client gone: EPIPE at once (and no SIGPIPE: the test process survives). */
START_TEST(test_write_closed)
{
	struct conn c;
	int sv[2];

	pair_unix(sv);
	conn_on(&c, sv[0], 16);
	close(sv[1]);
	errno = 0;
	ck_assert_int_eq(conn_write(&c, "hello", 5, 5), -1);
	ck_assert_int_eq(errno, EPIPE);
	conn_close(&c);
	conn_free(&c);
}
END_TEST

/*
 * A client that stops reading, over TCP: the send queue stays full, the
 * stall is noticed after timeout_s and logged (timeouts.send); with a
 * minimum send rate, at the end of its window instead (limits.min_send_rate);
 * and a stopping worker gives up at once with EINTR.
 */
static const struct stall_case {
	int line;
	const char *desc;
	uint32_t send_rate;
	int send_s, timeout_s;
	bool stopping;
	bool use_sendfile;      /* conn_sendfile instead of conn_write */
	int want_errno;
	const char *want_log;   /* NULL: no line */
} stall_cases[] = {
	{ __LINE__, "stall: timeouts.send",         0, 0, 1, false, false, ETIMEDOUT, "took nothing for 1 s (timeouts.send)" },
	{ __LINE__, "sendfile stall: timeouts.send",0, 0, 1, false, true, ETIMEDOUT, "took nothing for 1 s (timeouts.send)" },
	{ __LINE__, "too slow: min_send_rate",      4000000, 1, 5, false, false, ETIMEDOUT, "below limits.min_send_rate 4000000" },
	{ __LINE__, "stopping: EINTR, no log",      0, 0, 5, true, false, EINTR, NULL },
	{ __LINE__, "sendfile stopping: EINTR",     0, 0, 5, true, true, EINTR, NULL },
};

START_TEST(test_write_stall)
{
	const struct stall_case *sc = &stall_cases[_i];
	size_t len = 2u << 20;
	char *buf = pattern_buf(0, len);
	struct conn c;
	int64_t t0;
	int sv[2], r, fd = -1;

	if (sc->use_sendfile) {
		char path[] = "/tmp/pfhttpd-conn-file.XXXXXX";

		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		unlink(path);
		ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	}
	unit_log_capture();
	pair_tcp(sv);
	conn_on(&c, sv[0], 16);
	conn_rate_start(&c, sc->send_rate, sc->send_s, 0, 0);
	/*
	 * Fill both queues first and let the acknowledgements settle, so the
	 * call under test meets a client that takes nothing from its start.
	 */
	for (int round = 0; round < 2; round++) {
		while (send(sv[0], buf, 65536, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
			;
		ck_assert_int_eq(errno, EAGAIN);
		usleep(100000);
	}
	conn_stopping = sc->stopping;
	t0 = conn_now_ms();
	r = sc->use_sendfile ? conn_sendfile(&c, fd, 0, len, sc->timeout_s)
			     : conn_write(&c, buf, len, sc->timeout_s);
	conn_stopping = 0;
	ck_assert_msg(r == -1 && errno == sc->want_errno, "line %d (%s): %d %s",
		      sc->line, sc->desc, r, strerror(errno));
	/* Generous: the machine is loaded; but never before the timeout. */
	ck_assert_msg(conn_now_ms() - t0 < 8000, "line %d (%s): took too long", sc->line, sc->desc);
	if (sc->want_log) {
		ck_assert_msg(conn_now_ms() - t0 >= 900, "line %d (%s): gave up early", sc->line, sc->desc);
		ck_assert_msg(strstr(unit_log_text(), sc->want_log) && strstr(unit_log_text(), "[client 127.0.0.1:40000]"),
			      "line %d (%s): log '%s'", sc->line, sc->desc, unit_log_text());
	} else {
		ck_assert_msg(unit_log_text()[0] == '\0', "line %d (%s): log '%s'", sc->line, sc->desc, unit_log_text());
	}
	close(sv[1]);
	close(sv[0]);
	if (fd >= 0)
		close(fd);
	free(buf);
	conn_free(&c);
}
END_TEST

/*
 * The worker's stop signal arriving while a call waits: poll() is
 * interrupted (no SA_RESTART), the handler has set conn_stopping, and the
 * call gives up with EINTR long before its deadline.
 */
static void on_alarm(int sig)
{
	(void)sig;
	conn_stopping = 1;
}

static const struct signal_case {
	int line;
	const char *desc;
	bool write;             /* conn_write to a client not reading; else conn_fill */
} signal_cases[] = {
	{ __LINE__, "conn_fill waiting for bytes", false },
	{ __LINE__, "conn_write waiting for room", true },
};

START_TEST(test_signal_stops)
{
	const struct signal_case *gc = &signal_cases[_i];
	struct sigaction sa = { .sa_handler = on_alarm };
	size_t len = 2u << 20;
	char *buf = pattern_buf(0, len);
	struct conn c;
	int64_t t0;
	ssize_t r;
	int sv[2];

	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	pair_tcp(sv);
	conn_on(&c, sv[0], 16);
	conn_stopping = 0;
	t0 = conn_now_ms();
	ck_assert_int_eq(ualarm(200000, 0), 0);
	r = gc->write ? conn_write(&c, buf, len, 8) : conn_fill(&c, t0 + 8000);
	ck_assert_msg(r == -1 && errno == EINTR, "line %d (%s): %zd %s", gc->line, gc->desc, r,
		      strerror(errno));
	ck_assert_msg(conn_now_ms() - t0 < 6000, "line %d (%s): waited to the deadline", gc->line, gc->desc);
	ck_assert(conn_stopping);
	close(sv[1]);
	close(sv[0]);
	free(buf);
	conn_free(&c);
}
END_TEST

/*
 * A client slow but steady over TCP, while a minimum send rate it meets is
 * on: the SIOCOUTQ accounting sees it taking bytes, so it is never cut.
 */
START_TEST(test_write_slow_ok)
{
	size_t len = 400000;
	char *buf = pattern_buf(0, len);
	struct conn c;
	pid_t pid;
	int sv[2];

	unit_log_capture();
	pair_tcp(sv);
	conn_on(&c, sv[0], 16);
	conn_rate_start(&c, 1000, 1, 0, 0);
	pid = reader_start(sv[1], sv[0], 0, len, 2000);
	close(sv[1]);
	ck_assert_msg(conn_write(&c, buf, len, 2) == 0, "%s", strerror(errno));
	conn_close(&c);
	ck_assert_int_eq(reader_wait(pid), 0);
	ck_assert_msg(unit_log_text()[0] == '\0', "log '%s'", unit_log_text());
	free(buf);
	conn_free(&c);
}
END_TEST

/* ---- conn_sendfile ---- */

static const struct sendfile_case {
	int line;
	const char *desc;
	size_t file_len;
	off_t off;
	uint64_t len;
	bool bad_fd;
	int delay_us;
	int want;
	int want_errno;
	uint64_t want_bytes;    /* the client receives */
} sendfile_cases[] = {
	{ __LINE__, "nothing to send",            100, 0, 0, false, 0, 0, 0, 0 },
	{ __LINE__, "whole small file",           100, 0, 100, false, 0, 0, 0, 100 },
	{ __LINE__, "a range",                    100, 10, 50, false, 0, 0, 0, 50 },
	{ __LINE__, "large file, slow client",    700000, 3, 699990, false, 100, 0, 0, 699990 },
	{ __LINE__, "file shorter: EIO",          100, 0, 200, false, 0, -1, EIO, 100 },
	{ __LINE__, "offset at the end: EIO",     100, 100, 1, false, 0, -1, EIO, 0 },
	{ __LINE__, "bad file: EBADF",            100, 0, 10, true, 0, -1, EBADF, 0 },
};

START_TEST(test_sendfile)
{
	const struct sendfile_case *fc = &sendfile_cases[_i];
	char path[] = "/tmp/pfhttpd-conn-file.XXXXXX";
	char *data = pattern_buf(0, fc->file_len);
	struct conn c;
	pid_t pid;
	int sv[2], fd, r, e, small = 8192;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, data, fc->file_len), (ssize_t)fc->file_len);
	pair_unix(sv);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	conn_on(&c, sv[0], 16);
	pid = reader_start(sv[1], sv[0], (uint64_t)fc->off, fc->want_bytes, fc->delay_us);
	close(sv[1]);
	r = conn_sendfile(&c, fc->bad_fd ? -1 : fd, fc->off, fc->len, 5);
	e = errno;
	ck_assert_msg(r == fc->want, "line %d (%s): %d %s", fc->line, fc->desc, r, strerror(e));
	if (r < 0)
		ck_assert_msg(e == fc->want_errno, "line %d (%s): errno %s", fc->line, fc->desc, strerror(e));
	conn_close(&c);
	ck_assert_msg(reader_wait(pid) == 0, "line %d (%s): client got other bytes", fc->line, fc->desc);
	close(fd);
	free(data);
	conn_free(&c);
}
END_TEST

static Suite *conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *rate = tcase_create("rate");
	TCase *core = tcase_create("core");
	TCase *io = tcase_create("io");
	TCase *slow = tcase_create("slow_client");

	tcase_set_timeout(rate, 5);
	tcase_add_test(rate, test_rate_ok);
	tcase_add_test(rate, test_rate_until);
	tcase_add_test(rate, test_rate_start);
	suite_add_tcase(s, rate);

	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_open_addr);
	tcase_add_test(core, test_compact);
	tcase_add_test(core, test_shutdown_close);
	suite_add_tcase(s, core);

	tcase_set_timeout(io, 10);
	tcase_add_loop_test(io, test_fill, 0, NELEM(fill_cases));
	tcase_add_loop_test(io, test_linger, 0, NELEM(linger_cases));
	tcase_add_loop_test(io, test_close_quiet, 0, NELEM(quiet_cases));
	tcase_add_loop_test(io, test_writev, 0, NELEM(writev_cases));
	tcase_add_test(io, test_write_closed);
	tcase_add_loop_test(io, test_sendfile, 0, NELEM(sendfile_cases));
	suite_add_tcase(s, io);

	tcase_set_timeout(slow, 15);
	tcase_add_loop_test(slow, test_write_stall, 0, NELEM(stall_cases));
	tcase_add_test(slow, test_write_slow_ok);
	tcase_add_loop_test(slow, test_signal_stops, 0, NELEM(signal_cases));
	suite_add_tcase(s, slow);
	return s;
}

int main(void)
{
	return unit_run(conn_suite());
}
