/*
 * Unit tests for keeper: a real keeper_main() in a child process, fed real
 * TCP connections over 127.0.0.1 through socketpairs the test holds the
 * other ends of (it plays the workers and the master). Every wait is
 * bounded; each test kills and reaps its keeper by pid (and a keeper whose
 * test dies early exits by itself when its control socket closes).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "ctl.h"
#include "handoff.h"
#include "keeper.h"
#include "scoreboard.h"
#include "unit.h"

#define REQ "GET /index.html HTTP/1.1\r\nHost: example\r\nUser-Agent: t\r\n\r\n"

/* The test's side of one keeper. */
struct kt {
	pid_t pid;
	int inbox;       /* send end: the test is the workers handing connections over */
	int outbox;      /* receive end: the test is the workers taking them back */
	int ctl;         /* the master's end */
	int lfd;         /* where the test's clients connect */
	struct sb_global *g;
	struct scoreboard sb; /* only its address table (kt_start_counting), else zeroed */
};

static struct handoff h; /* 33 KiB: not on the stack */

static void kt_pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static int kt_listen(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 512), 0);
	return fd;
}

static void kt_start_with(struct kt *t, struct sb_iptab *ips)
{
	int in[2], out[2], ctl[2];

	kt_pair(in);
	kt_pair(out);
	kt_pair(ctl);
	t->g = mmap(NULL, sizeof(*t->g), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(t->g != MAP_FAILED);
	memset((void *)t->g, 0, sizeof(*t->g));
	t->g->keeper_conns = -1; /* the keeper sets it at once */
	t->lfd = kt_listen();
	t->pid = fork();
	ck_assert(t->pid >= 0);
	if (t->pid == 0) {
		struct keeper_args a = { .inbox = in[1], .outbox = out[0], .ctl = ctl[1], .g = t->g,
					 .ips = ips };

		/* The keeper must hold nothing of the test's ends, or they could not close. */
		close(in[0]);
		close(out[1]);
		close(ctl[0]);
		close(t->lfd);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		keeper_main(&a);
	}
	close(in[1]);
	close(out[0]);
	close(ctl[1]);
	t->inbox = in[0];
	t->outbox = out[1];
	t->ctl = ctl[0];
}

static void kt_start(struct kt *t)
{
	memset(&t->sb, 0, sizeof(t->sb));
	kt_start_with(t, NULL);
}

/* A keeper that uncounts what it closes in a real (shared) address table. */
static void kt_start_counting(struct kt *t)
{
	ck_assert_int_eq(scoreboard_create(&t->sb), 0);
	kt_start_with(t, t->sb.ips);
}

/* Wait up to ms for the keeper to exit; its wait status, or -1. */
static int kt_wait(struct kt *t, int ms)
{
	int64_t end = conn_now_ms() + ms;
	int st;

	do {
		pid_t r = waitpid(t->pid, &st, WNOHANG);

		if (r == t->pid) {
			t->pid = 0;
			return st;
		}
		ck_assert(r == 0);
		usleep(2000);
	} while (conn_now_ms() < end);
	return -1;
}

/* SIGTERM first: a keeper that exits on its own writes its coverage counters (make coverage). */
static void kt_stop(struct kt *t)
{
	if (t->pid > 0 && kill(t->pid, SIGTERM) == 0 && kt_wait(t, 2000) != -1)
		return;
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		ck_assert_int_eq(waitpid(t->pid, NULL, 0), t->pid);
		t->pid = 0;
	}
}

/* A client connection: *cli the client's end, the server's end returned. */
static int kt_connect(struct kt *t, int *cli)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	ck_assert_int_eq(getsockname(t->lfd, (struct sockaddr *)&ss, &len), 0);
	*cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(*cli >= 0);
	ck_assert_int_eq(connect(*cli, (struct sockaddr *)&ss, len), 0);
	fd = accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ck_assert(fd >= 0);
	return fd;
}

/* Hand fd to the keeper, as a worker does, with extra flags; retry while its inbox is full. */
static void kt_give_flags(struct kt *t, int fd, const char *bytes, int64_t deadline_ms,
			  uint32_t header_ms, uint32_t flags)
{
	socklen_t pl = sizeof(h.peer), ll = sizeof(h.local);
	int64_t end = conn_now_ms() + 3000;

	memset(&h, 0, sizeof(h));
	h.fd = fd;
	h.flags = HANDOFF_FIRST | flags;
	h.deadline_ms = deadline_ms;
	h.header_ms = header_ms;
	h.len = (uint32_t)strlen(bytes);
	memcpy(h.buf, bytes, h.len);
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&h.peer, &pl), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&h.local, &ll), 0);
	while (handoff_send(t->inbox, &h) < 0) {
		struct pollfd pfd = { .fd = t->inbox, .events = POLLOUT };

		ck_assert_int_eq(errno, EAGAIN);
		ck_assert(conn_now_ms() < end);
		poll(&pfd, 1, 100);
	}
}

static void kt_give(struct kt *t, int fd, const char *bytes, int64_t deadline_ms,
		    uint32_t header_ms)
{
	kt_give_flags(t, fd, bytes, deadline_ms, header_ms, 0);
}

/* Take a connection from outbox within ms: 1 (in h), 0 none came. */
static int kt_take(int outbox, int ms)
{
	struct pollfd pfd = { .fd = outbox, .events = POLLIN };
	int64_t end = conn_now_ms() + ms;

	for (;;) {
		int r = handoff_recv(outbox, &h);
		int64_t left = end - conn_now_ms();

		if (r != 0)
			return r;
		if (left <= 0)
			return 0;
		poll(&pfd, 1, (int)left);
	}
}

/* Does the client see the connection closed within ms? */
static int closed_within(int cli, int ms)
{
	struct pollfd pfd = { .fd = cli, .events = POLLIN };
	char b[256];
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	n = read(cli, b, sizeof(b));
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

static int wait_conns(struct kt *t, int n, int ms)
{
	int64_t end = conn_now_ms() + ms;

	while (t->g->keeper_conns != n) {
		if (conn_now_ms() >= end)
			return 0;
		usleep(2000);
	}
	return 1;
}

/* The received connection is the client's: bytes written to it reach the client. */
static void assert_same_conn(int fd, int cli)
{
	char b[16];
	struct pollfd pfd = { .fd = cli, .events = POLLIN };

	ck_assert_int_eq(write(fd, "pong", 4), 4);
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
	ck_assert_int_eq(read(cli, b, sizeof(b)), 4);
	ck_assert(memcmp(b, "pong", 4) == 0);
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	ck_assert_int_eq(write(fd, s, len), (ssize_t)len);
}

/* (a) An idle connection that sends nothing is closed at its deadline, not before. */
START_TEST(test_idle_closed_at_deadline)
{
	struct kt t;
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, "", conn_now_ms() + 300, 5000);
	ck_assert(wait_conns(&t, 1, 2000));
	ck_assert_msg(!closed_within(cli, 150), "closed before its deadline");
	ck_assert_msg(closed_within(cli, 2000), "not closed after its deadline");
	ck_assert(wait_conns(&t, 0, 1000));
	ck_assert_int_eq(kt_take(t.outbox, 0), 0);
	kt_stop(&t);
}
END_TEST

/* (b) An idle connection whose client then sends a request goes to a worker with the bytes. */
START_TEST(test_request_after_idle)
{
	struct kt t;
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, "", conn_now_ms() + 5000, 5000);
	ck_assert(wait_conns(&t, 1, 2000));
	write_all(cli, REQ);
	ck_assert_int_eq(kt_take(t.outbox, 2000), 1);
	ck_assert_uint_eq(h.len, strlen(REQ));
	ck_assert(memcmp(h.buf, REQ, h.len) == 0);
	ck_assert_uint_eq(h.flags, HANDOFF_FIRST);
	ck_assert_uint_eq(h.header_ms, 5000);
	ck_assert_int_eq(getsockname(cli, (struct sockaddr *)&me, &ml), 0);
	ck_assert(memcmp(&h.peer, &me, ml) == 0);
	assert_same_conn(h.fd, cli);
	ck_assert(wait_conns(&t, 0, 1000));
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/* A connection that arrives with its head complete (or hopeless) goes on at once. */
static const struct { int line; const char *desc; const char *bytes; } at_once[] = {
	{ __LINE__, "complete head",     REQ },
	{ __LINE__, "TLS ClientHello",   "\x16\x03\x01\x02" },
	{ __LINE__, "bare LF head",      "GET / HTTP/1.1\nHost: a\n\n" },
};

START_TEST(test_ready_passed_at_once)
{
	struct kt t;
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, at_once[_i].bytes, conn_now_ms() + 5000, 5000);
	ck_assert_msg(kt_take(t.outbox, 2000) == 1, "line %d (%s): not passed on",
		      at_once[_i].line, at_once[_i].desc);
	ck_assert_uint_eq(h.len, strlen(at_once[_i].bytes));
	ck_assert(memcmp(h.buf, at_once[_i].bytes, h.len) == 0);
	assert_same_conn(h.fd, cli);
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/*
 * (c) A client sending its head a byte at a time is passed on only when the
 * head is complete; the header timeout starts at its first byte, so the
 * short keep-alive deadline it arrived with does not cut it off.
 */
START_TEST(test_slow_head)
{
	static const char head[] = "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n";
	struct kt t;
	int64_t first;
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, "", conn_now_ms() + 200, 3000);
	ck_assert(wait_conns(&t, 1, 2000));
	first = conn_now_ms();
	for (size_t i = 0; i < sizeof(head) - 1; i++) {
		ck_assert_int_eq(write(cli, head + i, 1), 1);
		if (i + 1 < sizeof(head) - 1)
			ck_assert_msg(kt_take(t.outbox, 12) == 0, "passed on after %zu bytes", i + 1);
	}
	ck_assert(conn_now_ms() - first > 200); /* the test outlived the keep-alive deadline */
	ck_assert_int_eq(kt_take(t.outbox, 2000), 1);
	ck_assert_uint_eq(h.len, sizeof(head) - 1);
	ck_assert(memcmp(h.buf, head, h.len) == 0);
	ck_assert(h.deadline_ms >= first + 3000 && h.deadline_ms <= first + 3000 + 500);
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/* (d) A partial head whose deadline passes goes to a worker as it is, the deadline past (408). */
START_TEST(test_partial_times_out)
{
	static const char part[] = "GET / HTTP/1.1\r\nHo";
	struct kt t;
	int64_t start = conn_now_ms();
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, part, start + 300, 5000);
	ck_assert_int_eq(kt_take(t.outbox, 2000), 1);
	ck_assert(conn_now_ms() - start >= 290);
	ck_assert_uint_eq(h.len, sizeof(part) - 1);
	ck_assert(memcmp(h.buf, part, h.len) == 0);
	ck_assert(h.deadline_ms <= conn_now_ms());
	assert_same_conn(h.fd, cli);
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/* A first byte on an idle connection restarts its clock with the (here shorter) header timeout. */
START_TEST(test_first_byte_starts_header_timeout)
{
	struct kt t;
	int64_t sent;
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, "", conn_now_ms() + 10000, 300);
	ck_assert(wait_conns(&t, 1, 2000));
	sent = conn_now_ms();
	write_all(cli, "GET /");
	ck_assert_int_eq(kt_take(t.outbox, 2000), 1);
	ck_assert(conn_now_ms() - sent >= 250);
	ck_assert_uint_eq(h.len, 5);
	ck_assert(h.deadline_ms <= conn_now_ms());
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/* A client that leaves mid-head is closed; nothing is passed on. */
START_TEST(test_client_gone)
{
	struct kt t;
	int cli, fd;

	kt_start(&t);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, "GET", conn_now_ms() + 5000, 5000);
	ck_assert(wait_conns(&t, 1, 2000));
	close(cli);
	ck_assert(wait_conns(&t, 0, 2000));
	ck_assert_int_eq(kt_take(t.outbox, 100), 0);
	kt_stop(&t);
}
END_TEST

/* (e) After CTL_OUTBOX, connections go to the new outbox, and the old one is closed. */
START_TEST(test_outbox_switch)
{
	struct kt t;
	struct ctl_msg m = { .type = CTL_OUTBOX, .nfds = 1 };
	int next[2], cli, fd;

	kt_start(&t);
	kt_pair(next);
	m.fds[0] = next[1];
	ck_assert_int_eq(ctl_send(t.ctl, &m), 0);
	close(next[1]);
	/* The keeper closed the old send end: the old outbox reaches its end. */
	ck_assert_int_eq(kt_take(t.outbox, 2000), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, REQ, conn_now_ms() + 5000, 5000);
	ck_assert_int_eq(kt_take(next[0], 2000), 1);
	assert_same_conn(h.fd, cli);
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/* (e) With the outbox's workers gone, ready connections wait for the next outbox. */
START_TEST(test_outbox_gone_then_new)
{
	struct kt t;
	struct ctl_msg m = { .type = CTL_OUTBOX, .nfds = 1 };
	int next[2], cli, fd;

	kt_start(&t);
	close(t.outbox);
	fd = kt_connect(&t, &cli);
	kt_give(&t, fd, REQ, conn_now_ms() + 5000, 5000);
	ck_assert(wait_conns(&t, 1, 2000));
	usleep(100 * 1000);
	ck_assert_int_eq(t.g->keeper_conns, 1); /* held, not dropped */
	ck_assert(!closed_within(cli, 0));
	kt_pair(next);
	m.fds[0] = next[1];
	ck_assert_int_eq(ctl_send(t.ctl, &m), 0);
	close(next[1]);
	ck_assert_int_eq(kt_take(next[0], 2000), 1);
	ck_assert_uint_eq(h.len, strlen(REQ));
	assert_same_conn(h.fd, cli);
	ck_assert(wait_conns(&t, 0, 1000));
	close(h.fd);
	kt_stop(&t);
}
END_TEST

/*
 * With every worker busy (outbox full), ready connections queue in the
 * keeper and all arrive, in order, once the workers take them. Heads of
 * 16 KiB fill the outbox's send buffer after a dozen.
 */
static const char *big_req(int i)
{
	static char req[16384 + 64];
	int n = snprintf(req, sizeof(req), "GET /%d HTTP/1.1\r\nX-Pad: ", i);

	memset(req + n, 'p', 16384);
	strcpy(req + n + 16384, "\r\n\r\n");
	return req;
}

START_TEST(test_outbox_full_queues)
{
	enum { N = 40 };
	struct kt t;
	int cli[N];

	kt_start(&t);
	for (int i = 0; i < N; i++)
		kt_give(&t, kt_connect(&t, &cli[i]), big_req(i), conn_now_ms() + 5000, 5000);
	usleep(200 * 1000);
	ck_assert_int_gt(t.g->keeper_conns, 0);
	ck_assert_int_lt(t.g->keeper_conns, N);
	for (int i = 0; i < N; i++) {
		const char *req = big_req(i);

		ck_assert_msg(kt_take(t.outbox, 2000) == 1, "connection %d lost", i);
		ck_assert_msg(h.len == strlen(req) && memcmp(h.buf, req, h.len) == 0,
			      "connection %d out of order", i);
		close(h.fd);
	}
	ck_assert(wait_conns(&t, 0, 1000));
	kt_stop(&t);
}
END_TEST

/* (f) Many idle connections are counted; SIGTERM closes them all and exits promptly. */
START_TEST(test_many_then_sigterm)
{
	enum { N = 200 };
	struct kt t;
	int cli[N], st;

	kt_start(&t);
	for (int i = 0; i < N; i++)
		kt_give(&t, kt_connect(&t, &cli[i]), "", conn_now_ms() + 20000, 20000);
	ck_assert_msg(wait_conns(&t, N, 3000), "keeper_conns %d", t.g->keeper_conns);
	ck_assert_int_eq(kill(t.pid, SIGTERM), 0);
	st = kt_wait(&t, 1000);
	ck_assert_msg(st != -1, "still running a second after SIGTERM");
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(t.g->keeper_conns, 0);
	for (int i = 0; i < N; i++)
		ck_assert_msg(closed_within(cli[i], 1000), "client %d not closed", i);
	kt_stop(&t);
}
END_TEST

/* The master gone (ctl at its end) means exit; CTL_LOGS redirects the error log first. */
START_TEST(test_ctl_eof_and_logs)
{
	struct kt t;
	struct ctl_msg m = { .type = CTL_LOGS, .flags = 1, .nfds = 1 };
	char line[1024];
	int p[2], cli, st;
	ssize_t n;

	kt_start(&t);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	m.fds[0] = p[1];
	ck_assert_int_eq(ctl_send(t.ctl, &m), 0);
	close(p[1]);
	kt_give(&t, kt_connect(&t, &cli), "", conn_now_ms() + 20000, 20000);
	ck_assert(wait_conns(&t, 1, 2000));
	close(t.ctl);
	st = kt_wait(&t, 1000);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert(closed_within(cli, 1000));
	n = read(p[0], line, sizeof(line) - 1);
	ck_assert(n > 0);
	line[n] = '\0';
	ck_assert_msg(strstr(line, "the master is gone") != NULL, "log: %s", line);
	kt_stop(&t);
}
END_TEST

/* How many connections 127.0.0.1 holds in t's table now (a take at limit 1000000 and a drop). */
static int ip_count(struct kt *t)
{
	static const uint8_t lo[SB_IP_KEY] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	int held = 0, r = scoreboard_ip_take(t->sb.ips, lo, 1, &held);

	if (r == 1) {
		scoreboard_ip_drop(t->sb.ips, lo);
		return 0;
	}
	ck_assert_int_eq(r, 0);
	return held;
}

static int wait_ip_count(struct kt *t, int n, int ms)
{
	int64_t end = conn_now_ms() + ms;

	while (ip_count(t) != n) {
		if (conn_now_ms() >= end)
			return 0;
		usleep(2000);
	}
	return 1;
}

/*
 * limits.connections_per_ip: the keeper gives back the count of every
 * counted connection it closes for good (client gone, deadline, a closing
 * one drained), keeps it for one passed to a worker, and never touches the
 * table for an uncounted one.
 */
START_TEST(test_counted_connections)
{
	static const uint8_t lo[SB_IP_KEY] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	struct kt t;
	int held, cli[4], fd[4];

	kt_start_counting(&t);
	for (int i = 0; i < 4; i++) {
		fd[i] = kt_connect(&t, &cli[i]);
		ck_assert_int_eq(scoreboard_ip_take(t.sb.ips, lo, 100, &held), 1);
	}
	ck_assert_int_eq(ip_count(&t), 4);
	kt_give_flags(&t, fd[0], "", conn_now_ms() + 5000, 5000, HANDOFF_COUNTED);
	kt_give_flags(&t, fd[1], "", conn_now_ms() + 300, 5000, HANDOFF_COUNTED);
	kt_give_flags(&t, fd[2], "", conn_now_ms() + 5000, 5000, HANDOFF_COUNTED);
	kt_give_flags(&t, fd[3], "", conn_now_ms() + 5000, 5000, HANDOFF_LINGER | HANDOFF_COUNTED);
	ck_assert(wait_conns(&t, 4, 2000));
	ck_assert_int_eq(ip_count(&t), 4);
	close(cli[0]);                          /* the client goes away */
	shutdown(cli[3], SHUT_WR);              /* the closing one reaches EOF */
	ck_assert(wait_ip_count(&t, 2, 2000));
	ck_assert(closed_within(cli[1], 2000)); /* its deadline */
	ck_assert(wait_ip_count(&t, 1, 2000));
	write_all(cli[2], REQ);                 /* to a worker: the count goes with it */
	ck_assert_int_eq(kt_take(t.outbox, 2000), 1);
	ck_assert(h.flags & HANDOFF_COUNTED);
	ck_assert(wait_conns(&t, 0, 2000));
	ck_assert_int_eq(ip_count(&t), 1);
	close(h.fd);
	/* Uncounted: closing it leaves the table alone. */
	fd[0] = kt_connect(&t, &cli[0]);
	kt_give(&t, fd[0], "", conn_now_ms() + 5000, 5000);
	ck_assert(wait_conns(&t, 1, 2000));
	close(cli[0]);
	ck_assert(wait_conns(&t, 0, 2000));
	ck_assert_int_eq(ip_count(&t), 1);
	kt_stop(&t);
	for (int i = 1; i < 4; i++)
		close(cli[i]);
	scoreboard_destroy(&t.sb);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *keeper_suite(void)
{
	Suite *s = suite_create("keeper");
	TCase *core = tcase_create("core");
	TCase *timeouts = tcase_create("timeouts");
	TCase *outbox = tcase_create("outbox");
	TCase *life = tcase_create("life");

	tcase_set_timeout(core, 10);
	tcase_add_test(core, test_request_after_idle);
	tcase_add_loop_test(core, test_ready_passed_at_once, 0, NELEM(at_once));
	tcase_add_test(core, test_slow_head);
	tcase_add_test(core, test_client_gone);
	tcase_add_test(core, test_counted_connections);
	suite_add_tcase(s, core);

	tcase_set_timeout(timeouts, 10);
	tcase_add_test(timeouts, test_idle_closed_at_deadline);
	tcase_add_test(timeouts, test_partial_times_out);
	tcase_add_test(timeouts, test_first_byte_starts_header_timeout);
	suite_add_tcase(s, timeouts);

	tcase_set_timeout(outbox, 10);
	tcase_add_test(outbox, test_outbox_switch);
	tcase_add_test(outbox, test_outbox_gone_then_new);
	tcase_add_test(outbox, test_outbox_full_queues);
	suite_add_tcase(s, outbox);

	tcase_set_timeout(life, 10);
	tcase_add_test(life, test_many_then_sigterm);
	tcase_add_test(life, test_ctl_eof_and_logs);
	suite_add_tcase(s, life);
	return s;
}

int main(void)
{
	return unit_run(keeper_suite());
}
