/*
 * check_pool — the worker pool and the keeper: the pool grows under load
 * and shrinks back one worker at a time, workers.max_requests recycles
 * workers without a failed request, idle kept-alive connections and
 * slowloris clients cost no worker (the keeper holds them), a killed
 * keeper is replaced without a leak, a new connection wakes one idle
 * worker (EPOLLEXCLUSIVE), not the whole pool, and the access-log lines a
 * worker buffers reach the file within a second and on every way out
 * (graceful and fast stop). Parked keep-alive connections: served from the
 * worker, let go to the keeper when idle, for a script, when every parking
 * place is taken and on reload, and closed by the worker itself when
 * timeouts.keepalive ends first. Seats: one worker per CPU waits on the
 * listening socket, lends its seat to a spare during a script, and a
 * seat comes back after a crash and a reload.
 *
 * Every test owns its server. The 200-connection cases use a small client
 * of their own (struct mini): a hs_conn per connection would be 50 MB.
 */
#include "harness.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define NSLEEP      12      /* concurrent 2-second requests */
#define GROW_MAX_MS 5000    /* they must all be done by then (one at a time: 24 s) */
#define NIDLE       200     /* idle or slow connections */
#define FAST_MS     100     /* a fresh client's answer meanwhile */
/*
 * A starved pool answers a fresh client in seconds (timeouts.header), a
 * working one in a few ms; on a loaded CI machine (coverage, sanitizers) a
 * single probe can still take a scheduler quantum or two. So one probe may
 * be slow, never unanswered, and most must be fast: SLOW_MS bounds every
 * probe, FAST_MS the typical one (the median).
 */
#define SLOW_MS     1000
#define HEADER_S    3       /* timeouts.header */
#define HELLO_REQ   "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"

static struct hs_server srv;
static struct hs_response resp;

/* The pool of eight the idle and slowloris cases share. */
#define POOL8 "workers = { start = 8; min_spare = 1; max_spare = 8; max = 8; max_requests = 0; };\n"

static void start_pool_ka(const char *workers, int keepalive)
{
	char extra[2048], msg[9000];

	/* Hundreds of client sockets here, as many in the server: it inherits this limit. */
	hs_raise_nofile(4096);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 || hs_copy_cgi(&srv, "cgi-bin") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n"
		 "timeouts = { header = %d; body = 10; keepalive = %d; send = 10; cgi = 30; };\n%s",
		 srv.root, HEADER_S, keepalive, workers);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void start_pool(const char *workers)
{
	start_pool_ka(workers, 5);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static bool in(pid_t p, const pid_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == p)
			return true;
	return false;
}

/* One GET on a new connection; its duration in ms, or -1 when it is not a 200. */
static long long timed_get(void)
{
	long long t0 = hs_now_ms();

	if (hs_exchange(&srv, HELLO_REQ, &resp) == -1 || resp.status != 200)
		return -1;
	return hs_now_ms() - t0;
}

/* Open n keep-alive connections, each answered one GET: 200, and kept open. */
static void open_served(struct hs_conn *c, int n)
{
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(hs_conn_open(&srv, &c[i]), 0);
		ck_assert_int_eq(hs_send_str(c[i].fd, HELLO_REQ), 0);
		ck_assert_int_eq(hs_read_response(&c[i], &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
	}
}

/* ------------------------------------------------------------------------ */
/* A small client for many connections. */

struct mini {
	int fd;
	size_t len;
	char buf[1024];
	long long t0;                /* connected at */
	int status;                  /* of the last complete response, or 0 */
	long long t_status;          /* when it arrived */
};

static struct mini conns[NIDLE];

static void mini_close_all(void)
{
	for (size_t i = 0; i < N(conns); i++)
		if (conns[i].fd > 0)
			close(conns[i].fd);
}

/* Read what is there without blocking; 1 a complete response in m->buf, 0 not yet, -1 EOF/error. */
static int mini_poll(struct mini *m)
{
	ssize_t n = recv(m->fd, m->buf + m->len, sizeof m->buf - 1 - m->len, MSG_DONTWAIT);
	char *end, *cl;

	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n > 0)
		m->len += (size_t)n;
	m->buf[m->len] = '\0';
	end = strstr(m->buf, "\r\n\r\n");
	if (end == NULL)
		return 0;
	cl = strcasestr(m->buf, "\r\nContent-Length:");
	if (cl != NULL && cl < end &&
	    m->len < (size_t)(end + 4 - m->buf) + strtoul(cl + 17, NULL, 10))
		return 0;
	if (sscanf(m->buf, "HTTP/1.1 %d", &m->status) != 1)
		m->status = -1;
	m->t_status = hs_now_ms();
	return 1;
}

/* Wait (bounded) for one complete response on m; its status, or -1. */
static int mini_response(struct mini *m, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	m->len = 0;
	m->status = 0;
	for (;;) {
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		long long left = end - hs_now_ms();
		int rc;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		rc = mini_poll(m);
		if (rc != 0)
			return rc == 1 ? m->status : -1;
	}
}

/* ------------------------------------------------------------------------ */
/* growth and shrinking */

START_TEST(test_pool_grows_and_shrinks)
{
	static struct hs_conn c[NSLEEP];
	pid_t w[64];
	long long t0, took, end;
	int n, prev, surplus, max_spare = 4;

	start_pool("workers = { start = 2; min_spare = 1; max_spare = 4; max = 16; max_requests = 0; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	t0 = hs_now_ms();
	for (int i = 0; i < NSLEEP; i++) {
		ck_assert_int_eq(hs_conn_open(&srv, &c[i]), 0);
		ck_assert_int_eq(hs_send_str(c[i].fd, "GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	}
	for (int i = 0; i < NSLEEP; i++) {
		long long left = t0 + GROW_MAX_MS + 1000 - hs_now_ms();

		ck_assert_msg(hs_read_response(&c[i], &resp, false, left > 0 ? (int)left : 1) == 0,
			      "request %d: no answer %lld ms after the start", i, hs_now_ms() - t0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_str_eq(resp.body, "slept\n");
	}
	took = hs_now_ms() - t0;
	n = hs_workers(srv.pid, w, 64);
	printf("pool: %d concurrent 2 s requests took %lld ms; %d workers after\n", NSLEEP, took, n);
	ck_assert_msg(took < GROW_MAX_MS, "%d concurrent 2 s requests took %lld ms: the pool did not grow",
		      NSLEEP, took);
	ck_assert_msg(n <= 16, "%d workers, more than workers.max = 16", n);
	for (int i = 0; i < NSLEEP; i++)
		hs_conn_close(&c[i]);

	/* Idle now: the extra workers retire, one at a time, down to max_spare. */
	t0 = hs_now_ms();
	end = t0 + 15000;
	prev = n;
	surplus = n - max_spare;
	while (n > max_spare && hs_now_ms() < end) {
		hs_sleep_ms(10);
		n = hs_workers(srv.pid, w, 64);
		ck_assert_msg(n <= prev, "the idle pool grew from %d to %d workers", prev, n);
		ck_assert_msg(prev - n <= 1, "%d workers retired at once (from %d to %d)", prev - n, prev, n);
		prev = n;
	}
	ck_assert_msg(n == max_spare, "%d idle workers 15 s after the load, want max_spare = %d", n, max_spare);
	/* One every 100 ms (pool.c POOL_RETIRE_EVERY_MS), not one a second. */
	took = hs_now_ms() - t0;
	printf("pool: %d surplus workers retired in %lld ms\n", surplus, took);
	ck_assert_msg(took < surplus * 400LL + 1000, "%d surplus workers took %lld ms to retire", surplus, took);
	hs_sleep_ms(300);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), max_spare);
	ck_assert(timed_get() >= 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* max_requests */

#define MAXREQ 5
#define NREQ   30

/* Which worker ran the script (ppid.sh answers "ppid=P"): count per pid. */
struct tally {
	pid_t pid[NREQ];
	int count[NREQ];
	int n;
};

static void tally_add(struct tally *t, pid_t p)
{
	for (int i = 0; i < t->n; i++)
		if (t->pid[i] == p) {
			t->count[i]++;
			return;
		}
	t->pid[t->n] = p;
	t->count[t->n++] = 1;
}

static void tally_check(const struct tally *t, const char *how)
{
	ck_assert_msg(t->n >= NREQ / MAXREQ, "%s: %d requests ran in %d workers, want at least %d",
		      how, NREQ, t->n, NREQ / MAXREQ);
	for (int i = 0; i < t->n; i++)
		ck_assert_msg(t->count[i] <= MAXREQ, "%s: worker %d served %d requests, max_requests = %d",
			      how, (int)t->pid[i], t->count[i], MAXREQ);
}

static pid_t ppid_of(const struct hs_response *r, int i, const char *how)
{
	int p = 0;

	ck_assert_msg(r->status == 200 && sscanf(r->body, "ppid=%d", &p) == 1,
		      "%s, request %d: %.200s", how, i, r->raw);
	return (pid_t)p;
}

#define PPID_REQ "GET /cgi-bin/ppid.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"

/*
 * Short requests on new connections from 16 clients at once: the workers
 * keep freeing up and taking the next connection, so the pool does not fork
 * a process per client (pool_flowing); before, it grew to one worker per
 * client and more (16 clients: 18-20 workers), each a cold wake-up per
 * connection. A stall of 10 ms on a loaded machine may still add a few.
 */
#define NCHURN 16

START_TEST(test_pool_flowing_stays_small)
{
	pid_t kids[NCHURN], w[64];
	int n, most = 0;
	long long end;

	start_pool("workers = { start = 2; min_spare = 2; max_spare = 64; max = 64; max_requests = 0; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	for (int i = 0; i < NCHURN; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			long long stop = hs_now_ms() + 2000;
			static struct hs_response r;
			int bad = 0;

			while (hs_now_ms() < stop)
				bad += hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
						   &r) != 0 || r.status != 200;
			_exit(bad ? 1 : 0);
		}
	}
	end = hs_now_ms() + 2000;
	while (hs_now_ms() < end) {
		n = hs_workers(srv.pid, w, 64);
		most = n > most ? n : most;
		hs_sleep_ms(50);
	}
	for (int i = 0; i < NCHURN; i++) {
		int st;

		ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client %d: a request failed", i);
	}
	printf("flowing: %d clients on new connections, at most %d workers\n", NCHURN, most);
	ck_assert_msg(most <= NCHURN / 2 + 2, "%d workers for %d clients of short requests", most, NCHURN);
}
END_TEST

START_TEST(test_max_requests)
{
	static struct hs_conn ka;
	static struct tally fresh, kept;
	pid_t w0[64], w1[64];
	int n0, n1, reopened = 0, gone = 0;

	start_pool("workers = { start = 2; min_spare = 1; max_spare = 4; max = 8; max_requests = 5; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	n0 = hs_workers(srv.pid, w0, 64);
	for (int i = 0; i < NREQ; i++) {
		ck_assert_msg(hs_exchange(&srv, PPID_REQ, &resp) == 0, "new connection, request %d failed: %.200s",
			      i, resp.raw);
		tally_add(&fresh, ppid_of(&resp, i, "new connections"));
	}
	tally_check(&fresh, "new connections");

	ck_assert_int_eq(hs_conn_open(&srv, &ka), 0);
	for (int i = 0; i < NREQ; i++) {
		if (ka.fd == -1) {
			ck_assert_int_eq(hs_conn_open(&srv, &ka), 0);
			reopened++;
		}
		ck_assert_int_eq(hs_send_str(ka.fd, PPID_REQ), 0);
		ck_assert_msg(hs_read_response(&ka, &resp, false, HS_TIMEOUT_MS) == 0,
			      "kept-alive connection, request %d: no complete answer: %.200s", i, resp.raw);
		tally_add(&kept, ppid_of(&resp, i, "kept-alive connection"));
		if (hs_list_has(hs_hdr(&resp, "Connection"), "close"))
			hs_conn_close(&ka);
	}
	hs_conn_close(&ka);
	printf("max_requests: %d workers served the new connections, %d the kept-alive one "
	       "(reopened %d times after Connection: close)\n", fresh.n, kept.n, reopened);
	tally_check(&kept, "kept-alive connection");

	n1 = hs_workers(srv.pid, w1, 64);
	for (int i = 0; i < n0; i++)
		gone += !in(w0[i], w1, n1);
	ck_assert_msg(gone == n0, "%d of the %d first workers still run after %d requests", n0 - gone, n0,
		      2 * NREQ);
}
END_TEST

/*
 * The request that reaches workers.max_requests arrives with the next one
 * pipelined behind it, a head longer than one message to the keeper
 * (32 KiB, src/handoff.h): the worker cannot hand the connection on with
 * it, so it answers that request too before it exits, and says
 * "Connection: close" then. Closing after the first answer would drop a
 * request the client has already sent (RFC 9112 9.3.2 lets it retry, but
 * it need not).
 */
START_TEST(test_max_requests_big_pipelined)
{
	static char reqs[48 * 1024];
	static struct hs_conn c;
	size_t n;

	start_pool("workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 1; };\n"
		   "limits = { request_line = 8192; header_bytes = 65536; headers = 100; "
		   "body = 10485760; };\n");
	ck_assert(hs_wait_children(srv.pid, 1, HS_TIMEOUT_MS));
	n = (size_t)snprintf(reqs, sizeof reqs, "%s", HELLO_REQ);
	n += (size_t)snprintf(reqs + n, sizeof reqs - n, "GET /sub/ HTTP/1.1\r\nHost: localhost\r\n");
	for (int i = 0; i < 40; i++) {
		n += (size_t)snprintf(reqs + n, sizeof reqs - n, "X-Pad-%02d: ", i);
		memset(reqs + n, 'p', 990);
		n += 990;
		n += (size_t)snprintf(reqs + n, sizeof reqs - n, "\r\n");
	}
	n += (size_t)snprintf(reqs + n, sizeof reqs - n, "\r\n");
	ck_assert_uint_gt(n - strlen(HELLO_REQ), 32768);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send(c.fd, reqs, n), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0,
		      "the pipelined request was not answered: %.200s", resp.raw);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(hs_contains(resp.body, resp.body_len, HS_SUB_MARKER));
	/* The worker exits after it: the keeper does not hold this connection. */
	ck_assert(hs_list_has(hs_hdr(&resp, "Connection"), "close"));
	ck_assert_int_eq(hs_wait_eof(&c, HS_TIMEOUT_MS), 1);
	hs_conn_close(&c);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* idle connections and slowloris */

START_TEST(test_idle_connections_cost_no_worker)
{
	pid_t w[64];
	long long dt;

	start_pool(POOL8);
	ck_assert(hs_wait_children(srv.pid, 8, HS_TIMEOUT_MS));
	for (int i = 0; i < NIDLE; i++) {
		conns[i].fd = hs_connect(&srv);
		ck_assert_msg(conns[i].fd >= 0, "connection %d: %s", i, strerror(errno));
		ck_assert_int_eq(hs_send_str(conns[i].fd, HELLO_REQ), 0);
		ck_assert_msg(mini_response(&conns[i], 2000) == 200,
			      "connection %d: no 200 within 2 s (%d workers, the others idle): %.200s",
			      i, 8, conns[i].buf);
	}
	/* The best of three probes (see SLOW_MS): a starved pool fails all three. */
	dt = -1;
	for (int i = 0; i < 3 && (dt < 0 || dt >= FAST_MS); i++) {
		long long t = timed_get();

		ck_assert_msg(t >= 0, "with %d idle connections a new client got no 200", NIDLE);
		dt = dt < 0 || t < dt ? t : dt;
	}
	printf("idle: a new client answered in %lld ms with %d idle connections open\n", dt, NIDLE);
	ck_assert_msg(dt >= 0 && dt < FAST_MS, "with %d idle connections a new client took %lld ms",
		      NIDLE, dt);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), 8);

	for (int i = 0; i < NIDLE; i++)
		ck_assert_msg(hs_send_str(conns[i].fd, HELLO_REQ) == 0, "connection %d closed while idle", i);
	for (int i = 0; i < NIDLE; i++)
		ck_assert_msg(mini_response(&conns[i], 3000) == 200,
			      "connection %d: second request got no 200: %.200s", i, conns[i].buf);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), 8);
	mini_close_all();
}
END_TEST

/*
 * 200 clients send a request head a byte every 900 ms and stop before it is
 * complete; a fresh client is answered fast meanwhile, and each slow one
 * gets 408 once timeouts.header (counted from its connection, not from its
 * last byte) runs out.
 */
#define SLOW_HEAD "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define SLOW_STEP 900
#define SLOW_BYTES 4   /* at 0, 0.9, 1.8 and 2.7 s */

START_TEST(test_slowloris)
{
	static struct pollfd pfd[NIDLE];
	pid_t w[64];
	long long t0, next_probe, worst = 0, end;
	int sent = 0, done = 0, probes = 0, slow = 0;

	start_pool(POOL8);
	ck_assert(hs_wait_children(srv.pid, 8, HS_TIMEOUT_MS));
	for (int i = 0; i < NIDLE; i++) {
		conns[i].fd = hs_connect(&srv);
		ck_assert_msg(conns[i].fd >= 0, "connection %d: %s", i, strerror(errno));
		conns[i].t0 = hs_now_ms();
	}
	t0 = hs_now_ms();
	next_probe = t0 + 100;
	end = t0 + (HEADER_S * 1000) + 1500;
	while (done < NIDLE && hs_now_ms() < end) {
		long long now = hs_now_ms();

		if (sent < SLOW_BYTES && now >= t0 + (long long)sent * SLOW_STEP) {
			for (int i = 0; i < NIDLE; i++)
				if (conns[i].status == 0)
					send(conns[i].fd, SLOW_HEAD + sent, 1, MSG_NOSIGNAL);
			sent++;
		}
		if (now >= next_probe) {
			long long dt = timed_get();

			ck_assert_msg(dt >= 0 && dt < SLOW_MS,
				      "%lld ms into the slowloris a new client took %lld ms (-1: no 200)",
				      now - t0, dt);
			worst = dt > worst ? dt : worst;
			slow += dt >= FAST_MS;
			probes++;
			next_probe = hs_now_ms() + 250;
		}
		for (int i = 0; i < NIDLE; i++)
			pfd[i] = (struct pollfd){ .fd = conns[i].status == 0 ? conns[i].fd : -1, .events = POLLIN };
		if (poll(pfd, NIDLE, 20) <= 0)
			continue;
		for (int i = 0; i < NIDLE; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (mini_poll(&conns[i]) != 0 || conns[i].len >= 12) {
				if (conns[i].status == 0 && sscanf(conns[i].buf, "HTTP/1.1 %d", &conns[i].status) != 1)
					conns[i].status = -1;
				conns[i].t_status = hs_now_ms();
				done++;
			}
		}
	}
	printf("slowloris: %d probes, %d of them %d ms or more, slowest %lld ms; %d of %d slow clients answered\n",
	       probes, slow, FAST_MS, worst, done, NIDLE);
	for (int i = 0; i < NIDLE; i++) {
		long long after = conns[i].t_status - conns[i].t0;

		ck_assert_msg(conns[i].status == 408, "slow client %d: status %d (0: nothing within %d ms): %.80s",
			      i, conns[i].status, HEADER_S * 1000 + 1500, conns[i].buf);
		ck_assert_msg(after >= HEADER_S * 1000 - 500,
			      "slow client %d got 408 after %lld ms, before timeouts.header = %d s", i, after, HEADER_S);
	}
	ck_assert_msg(probes >= 5, "only %d probes ran", probes);
	ck_assert_msg(slow * 2 < probes, "%d of %d probes took %d ms or more", slow, probes, FAST_MS);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), 8);
	mini_close_all();
}
END_TEST

/* ------------------------------------------------------------------------ */
/* the keeper */

#define NHELD 5

START_TEST(test_keeper_killed)
{
	static struct hs_conn held[NHELD];
	pid_t keeper, fresh = 0, w[64];
	int kfd0, fd0;
	long long end;

	/* No spare workers: the pool stays at 2, so the master's descriptor count is comparable. */
	start_pool("workers = { start = 2; min_spare = 0; max_spare = 2; max = 8; max_requests = 0; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	keeper = hs_wait_keeper(srv.pid);
	ck_assert_msg(keeper > 0, "no child titled 'keeper process'");
	fd0 = hs_fd_count_settled(srv.pid);
	kfd0 = hs_fd_count(keeper);
	open_served(held, NHELD);
	/* The idle connections move to the keeper. */
	end = hs_now_ms() + 2000;
	while (hs_fd_count(keeper) < kfd0 + NHELD && hs_now_ms() < end)
		hs_sleep_ms(20);
	ck_assert_msg(hs_fd_count(keeper) >= kfd0 + NHELD, "the keeper holds %d descriptors, %d before %d idle "
		      "connections", hs_fd_count(keeper), kfd0, NHELD);

	ck_assert_int_eq(kill(keeper, SIGKILL), 0);
	end = hs_now_ms() + 3000;
	while (((fresh = hs_keeper_pid(srv.pid)) == 0 || fresh == keeper) && hs_now_ms() < end)
		hs_sleep_ms(20);
	ck_assert_msg(fresh > 0 && fresh != keeper, "no new keeper 3 s after killing %d", (int)keeper);
	for (int i = 0; i < NHELD; i++)
		ck_assert_msg(hs_wait_eof(&held[i], 2000) == 1, "held connection %d not closed", i);
	ck_assert(timed_get() >= 0);

	end = hs_now_ms() + 3000;
	while (hs_fd_count(srv.pid) != fd0 && hs_now_ms() < end)
		hs_sleep_ms(20);
	ck_assert_msg(hs_fd_count(srv.pid) == fd0, "master: %d descriptors, %d before the keeper died",
		      hs_fd_count(srv.pid), fd0);
	ck_assert_int_eq(hs_keepers(srv.pid), 1);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), 2);
	ck_assert(hs_wait_gone(keeper, 1000));
	for (int i = 0; i < NHELD; i++)
		hs_conn_close(&held[i]);
}
END_TEST

/*
 * A head that stalls past 32 KiB (HANDOFF_MAX_BYTES, more than one hand-off
 * message carries) stays with its worker instead of going to the keeper,
 * and is answered when it completes; nothing is lost on the way.
 */
START_TEST(test_big_partial_head_stays)
{
	static char head[48 * 1024];
	struct hs_conn c;
	size_t n;

	start_pool("limits = { request_line = 8192; header_bytes = 65536; headers = 100; "
		   "body = 10485760; };\n");
	n = (size_t)snprintf(head, sizeof head, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n");
	for (int i = 0; i < 40; i++) {
		n += (size_t)snprintf(head + n, sizeof head - n, "X-Pad-%02d: ", i);
		memset(head + n, 'a', 990);
		n += 990;
		n += (size_t)snprintf(head + n, sizeof head - n, "\r\n");
	}
	ck_assert_uint_gt(n, 32768);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send(c.fd, head, n), 0);
	hs_sleep_ms(500); /* far past the worker's hand-off grace */
	ck_assert_int_eq(hs_send_str(c.fd, "Connection: close\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&c);
	ck_assert_msg(hs_file_count(srv.error_log, "cannot hand a connection") == 0,
		      "a hand-off was tried and failed");

	/*
	 * A head that grows while the keeper holds it: its buffer (512 bytes
	 * first, src/keeper.c) grows again past the bytes it already holds,
	 * which the request keeps, in order.
	 */
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"), 0);
	hs_sleep_ms(300); /* the first request's grace is 2 ms: the keeper holds it now */
	n = (size_t)snprintf(head, sizeof head, "X-Pad: ");
	memset(head + n, 'b', 1000);
	n += 1000;
	n += (size_t)snprintf(head + n, sizeof head - n, "\r\n");
	ck_assert_int_eq(hs_send(c.fd, head, n), 0);
	hs_sleep_ms(100);
	ck_assert_int_eq(hs_send_str(c.fd, "Connection: close\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&c);
}
END_TEST

/* The soft "Max open files" of /proc/PID/limits, or -1. */
static long soft_nofile(pid_t pid)
{
	char path[64], buf[8192], *p;
	long soft = -1;

	snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) > 0 && (p = strstr(buf, "Max open files")) != NULL)
		sscanf(p + strlen("Max open files"), "%ld", &soft);
	return soft;
}

/*
 * Started with a soft descriptor limit below what the master wants for its
 * control sockets and the keeper for its connections: the master raises
 * its own (up to the hard limit), the keeper goes to the hard limit, and
 * workers (so CGI scripts) keep the limit the server was started with.
 */
START_TEST(test_nofile_limits)
{
	struct rlimit rl;
	pid_t w[8], keeper;
	long want_master;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= 1000) {
		printf("SKIP: hard descriptor limit %lu leaves nothing to raise\n",
		       (unsigned long)rl.rlim_max);
		return;
	}
	rl.rlim_cur = 1000;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	hs_setup_or_abort(&srv, NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	/* pool.c: SB_MAX_SLOTS (4096) control sockets and 1024 more, as far as the hard limit allows. */
	want_master = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 4096 + 1024 ? 4096 + 1024
										 : (long)rl.rlim_max;
	ck_assert_int_eq(soft_nofile(srv.pid), want_master);
	keeper = hs_keeper_pid(srv.pid);
	ck_assert_int_gt(keeper, 0);
	if (rl.rlim_max != RLIM_INFINITY)
		ck_assert_int_eq(soft_nofile(keeper), (long)rl.rlim_max);
	ck_assert_int_eq(hs_workers(srv.pid, w, 8), 2);
	ck_assert_int_eq(soft_nofile(w[0]), 1000);
	ck_assert_int_eq(soft_nofile(w[1]), 1000);
	ck_assert_int_eq(hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				     "Connection: close\r\n\r\n", &resp), 0);
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/* The lowest descriptor number pid has free (where its next open() lands), or -1. */
static int lowest_free_fd(pid_t pid)
{
	char path[64];
	bool used[1024] = { false };
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd >= 0 && fd < 1024)
			used[fd] = true;
	}
	closedir(d);
	for (int i = 0; i < 1024; i++)
		if (!used[i])
			return i;
	return -1;
}

/*
 * Has pid opened its wake eventfd, the last descriptor a worker opens
 * before it waits (worker_epoll)? A worker titled but still starting up
 * would otherwise get the lowered limit on its own epoll_create1, and exit
 * (CI under SAN=1 saw it: "worker exited with status 1"). Two eventfds:
 * the seat bell comes from the master with the fork, the wake is its own.
 */
static bool worker_started(pid_t pid)
{
	long long end = hs_now_ms() + HS_TIMEOUT_MS;

	while (hs_fd_count_under(pid, "anon_inode:[eventfd]") < 2 && hs_now_ms() < end)
		hs_sleep_ms(10);
	return hs_fd_count_under(pid, "anon_inode:[eventfd]") >= 2;
}

/*
 * Workers with no descriptor to spare: accept() fails with EMFILE.
 * Each says so in the error log and waits before trying again (no busy
 * loop); the master and the keeper go on, and once descriptors are free
 * again the client that waited is served.
 */
START_TEST(test_accept_emfile)
{
	struct rlimit was[2];
	pid_t w[8];
	struct hs_conn c;

	hs_setup_or_abort(&srv, NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_workers(srv.pid, w, 8), 2);
	/* Each worker's limit lowered (prlimit(2)) to its lowest free number: accept()'s is refused. */
	for (int i = 0; i < 2; i++) {
		struct rlimit rl;
		int n;

		ck_assert_msg(worker_started(w[i]), "worker %d has no wake eventfd", (int)w[i]);
		n = lowest_free_fd(w[i]);
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(prlimit(w[i], RLIMIT_NOFILE, NULL, &was[i]), 0);
		rl = was[i];
		rl.rlim_cur = (rlim_t)n;
		ck_assert_int_eq(prlimit(w[i], RLIMIT_NOFILE, &rl, NULL), 0);
	}
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				     "Connection: close\r\n\r\n"), 0);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "accept: Too many open files", HS_TIMEOUT_MS),
		      "no EMFILE line");
	hs_sleep_ms(500);
	/* At most one line per worker per 100 ms: 2 workers, 0.5 s, and slack for the load. */
	ck_assert_int_lt(hs_file_count(srv.error_log, "accept: Too many open files"), 40);
	ck_assert_int_gt(hs_keeper_pid(srv.pid), 0);
	ck_assert_int_eq(hs_workers(srv.pid, w, 8), 2);
	/* Descriptors free again: the client that waited in the listen queue is served. */
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(prlimit(w[i], RLIMIT_NOFILE, &was[i], NULL), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&c);
}
END_TEST


/* ------------------------------------------------------------------------ */
/* accept and the buffered access log */

#define NWAKE  16       /* workers, all idle */
#define NCONNS 40       /* connections, one after another */

/* The voluntary context switches of every worker of the pool: how often they slept and woke. */
static long pool_switches(void)
{
	pid_t w[64];
	int n = hs_workers(srv.pid, w, 64);
	long sum = 0;

	ck_assert_int_eq(n, NWAKE);
	for (int i = 0; i < n; i++) {
		char path[64], line[256];
		FILE *f;
		long v = -1;

		snprintf(path, sizeof path, "/proc/%d/status", (int)w[i]);
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1)
				break;
		fclose(f);
		ck_assert_int_ge(v, 0);
		sum += v;
	}
	return sum;
}

/*
 * Thundering herd: with every idle worker polling the listening socket,
 * each connection wakes all sixteen (NCONNS * NWAKE wake-ups). With one
 * wake-up per connection the pool wakes a few times per connection (the
 * worker that takes it: the accept, the head, the client's close), so a
 * third of the herd's count is a generous bound (measured: 96 against 683).
 */
START_TEST(test_accept_wakes_one)
{
	long before, woke;

	start_pool("workers = { start = 16; min_spare = 1; max_spare = 16; max = 16; max_requests = 0; };\n"
		   "#omit access_log\n");
	ck_assert(hs_wait_children(srv.pid, NWAKE, HS_TIMEOUT_MS));
	hs_sleep_ms(300); /* the workers reach their first wait */
	before = pool_switches();
	for (int i = 0; i < NCONNS; i++) {
		ck_assert_int_eq(hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
					     "Connection: close\r\n\r\n", &resp), 0);
		ck_assert_int_eq(resp.status, 200);
	}
	woke = pool_switches() - before;
	ck_assert_msg(woke < NCONNS * NWAKE / 3, "%ld wake-ups of %d workers for %d connections",
		      woke, NWAKE, NCONNS);
}
END_TEST

/* n requests tagged tag on one kept-alive connection, all answered. */
static void tagged_requests(const char *tag, int n)
{
	static struct hs_conn conn;
	char req[256];

	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	for (int i = 0; i < n; i++) {
		snprintf(req, sizeof req, "GET /hello.txt?%s-%d HTTP/1.1\r\nHost: localhost\r\n\r\n", tag, i);
		ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
	}
	hs_conn_close(&conn);
}

/* Buffered, a line still reaches the file within a second of an idle worker's wait (3 s allowed). */
START_TEST(test_access_log_idle_flush)
{
	char tag[64];

	start_pool(POOL8);
	snprintf(tag, sizeof tag, "idle%d", (int)getpid());
	tagged_requests(tag, 3);
	ck_assert_msg(hs_wait_file_count(srv.access_log, tag, 3, 3000),
		      "%d of 3 lines after 3 s", hs_file_count(srv.access_log, tag));
}
END_TEST

/* A stop right after the requests, while their lines are still buffered: none is lost. */
static const struct stop_case {
	int line;
	const char *desc;
	int sig;
} stop_cases[] = {
	{ __LINE__, "graceful stop (QUIT)", SIGQUIT },
	{ __LINE__, "fast stop (TERM)",     SIGTERM },
};

START_TEST(test_access_log_stop_keeps_lines)
{
	const struct stop_case *c = &stop_cases[_i];
	char tag[64];
	int n;

	start_pool(POOL8);
	snprintf(tag, sizeof tag, "stop%d-%d", (int)getpid(), c->line);
	tagged_requests(tag, 20);
	ck_assert_int_eq(kill(srv.pid, c->sig), 0);
	ck_assert_int_ge(hs_wait_exit(&srv, 10000), 0);
	n = hs_file_count(srv.access_log, tag);
	ck_assert_msg(n == 20, "line %d (%s): %d of 20 access-log lines", c->line, c->desc, n);
}
END_TEST

/*
 * The local address of an accepted connection: taken once from a listening
 * socket bound to one address, asked per connection of a wildcard one
 * (0.0.0.0, or [::], which is IPv6 only: IPV6_V6ONLY). It shows where a
 * request without Host is redirected (server_name:port).
 */
static const struct local_case {
	int line;
	const char *desc;
	const char *host;
	const char *from;            /* the client's address: NULL 127.0.0.1, "::1" [::1] */
} local_cases[] = {
	{ __LINE__, "one address: known from the listening socket", "127.0.0.1", NULL },
	{ __LINE__, "wildcard: asked per connection",                "0.0.0.0",   NULL },
	{ __LINE__, "IPv6 wildcard: asked per connection",           "[::]",      "::1" },
};

START_TEST(test_local_port)
{
	const struct local_case *c = &local_cases[_i];
	static const char req[] = "GET /sub HTTP/1.0\r\n\r\n";
	char extra[512], want[64];
	static struct hs_conn conn;
	long long end;

	start_pool(POOL8);
	/* The harness starts on 127.0.0.1; a reload moves to the row's address on a new port. */
	srv.port = hs_free_port();
	snprintf(extra, sizeof extra, "listen = [ \"%s:%d\" ];\n" POOL8, c->host, srv.port);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while ((conn.fd = hs_connect_from(c->from, srv.port)) == -1 && hs_now_ms() < end)
		hs_sleep_ms(20);
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(conn.fd >= 0, "line %d (%s): connect: %s", c->line, c->desc, strerror(errno));
		conn.len = 0;
		conn.eof = false;
		ck_assert_int_eq(hs_send(conn.fd, req, sizeof req - 1), 0);
		ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
		hs_conn_close(&conn);
		ck_assert_int_eq(resp.status, 301);
		snprintf(want, sizeof want, "http://localhost:%d/sub/", srv.port);
		ck_assert_msg(hs_hdr(&resp, "Location") && strcmp(hs_hdr(&resp, "Location"), want) == 0,
			      "line %d (%s): Location %s, want %s", c->line, c->desc,
			      hs_hdr(&resp, "Location") ? hs_hdr(&resp, "Location") : "(none)", want);
		conn.fd = hs_connect_from(c->from, srv.port);
	}
	hs_conn_close(&conn);
}
END_TEST

/* A field of /proc/PID/smaps_rollup in kB, or -1. */
static long rollup_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, flen) == 0 && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Idle memory: the scoreboard has room for 4096 workers (900 KB of shared
 * memory), but a pool of eight must not map more of it than its own slots:
 * the master's scans stop at the slots ever used. (The whole idle PSS,
 * 1.9 MB for master, keeper and eight workers, is measured, not asserted:
 * sanitizer builds are much bigger.)
 */
START_TEST(test_idle_scoreboard_pages)
{
	pid_t kids[32];
	int n;
	long shm;

	start_pool(POOL8);
	ck_assert(hs_wait_children(srv.pid, 8, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_exchange(&srv, HELLO_REQ, &resp), 0);
	hs_sleep_ms(1200); /* a few rounds of the master's once-a-second upkeep */
	shm = rollup_kb(srv.pid, "Pss_Shmem");
	ck_assert_msg(shm >= 0 && shm < 64, "master: %ld kB of shared memory", shm);
	n = hs_children(srv.pid, kids, 32);
	for (int i = 0; i < n; i++) {
		long k = rollup_kb(kids[i], "Pss_Shmem");
		ck_assert_msg(k < 64, "child %d: %ld kB of shared memory", (int)kids[i], k);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* parked keep-alive connections (park.h) */

#define ONE_WORKER "workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 0; };\n"
#define NPARK 3

/* The one worker of a ONE_WORKER pool, started and warm (its open-file cache holds hello.txt). */
static pid_t one_worker(void)
{
	pid_t w[4];

	ck_assert(hs_wait_children(srv.pid, 1, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_workers(srv.pid, w, 4), 1);
	ck_assert_int_eq(hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				     "Connection: close\r\n\r\n", &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	return w[0];
}

/*
 * A worker keeps the keep-alive connections it served between their
 * requests, beside the listening socket, instead of waiting on one of
 * them and handing the others to the keeper: one wake-up for whichever
 * are ready (what (a) of make bench measures). Idle for a second, they go
 * to the keeper, and still work from there.
 */
START_TEST(test_parked_in_worker)
{
	struct hs_conn c[NPARK];
	pid_t worker, keeper;
	int wfd0, kfd0;

	start_pool(ONE_WORKER);
	worker = one_worker();
	keeper = hs_keeper_pid(srv.pid);
	ck_assert_int_gt(keeper, 0);
	wfd0 = hs_fd_count_settled(worker);
	kfd0 = hs_fd_count_settled(keeper);
	open_served(c, NPARK);
	ck_assert_msg(hs_fd_count(worker) == wfd0 + NPARK && hs_fd_count(keeper) == kfd0,
		      "worker %d descriptors (%d before), keeper %d (%d before)",
		      hs_fd_count(worker), wfd0, hs_fd_count(keeper), kfd0);
	/* Served again on the same connections, from the worker. */
	for (int i = 0; i < NPARK; i++) {
		ck_assert_int_eq(hs_send_str(c[i].fd, HELLO_REQ), 0);
		ck_assert_int_eq(hs_read_response(&c[i], &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_str_eq(resp.body, HS_HELLO);
	}
	ck_assert_msg(hs_wait_fd_count(keeper, kfd0 + NPARK, 3000), "the keeper holds %d descriptors, %d before",
		      hs_fd_count(keeper), kfd0);
	ck_assert_int_eq(hs_fd_count(worker), wfd0);
	for (int i = 0; i < NPARK; i++) {
		ck_assert_int_eq(hs_send_str(c[i].fd, HELLO_REQ), 0);
		ck_assert_int_eq(hs_read_response(&c[i], &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		hs_conn_close(&c[i]);
	}
}
END_TEST

/*
 * A parked client must not wait behind another's slow request: once the
 * worker has waited CONN_HOLD_MS for a script, what it holds parked goes
 * to the keeper (here the only worker is busy for 2 s; a parked
 * connection left in it would stay there until then).
 */
START_TEST(test_parked_let_go_for_script)
{
	struct hs_conn a, b;
	pid_t keeper;
	int kfd0;
	long long sent;

	start_pool(ONE_WORKER);
	(void)one_worker();
	keeper = hs_keeper_pid(srv.pid);
	ck_assert_int_gt(keeper, 0);
	kfd0 = hs_fd_count_settled(keeper);
	open_served(&a, 1);
	ck_assert_int_eq(hs_conn_open(&srv, &b), 0);
	sent = hs_now_ms();
	ck_assert_int_eq(hs_send_str(b.fd, "GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert_msg(hs_wait_fd_count(keeper, kfd0 + 1, 1500), "the keeper holds %d descriptors, %d before",
		      hs_fd_count(keeper), kfd0);
	ck_assert_int_lt(hs_now_ms() - sent, 1900); /* the script still runs */
	/* From the keeper, to the worker once the script is done. */
	ck_assert_int_eq(hs_send_str(a.fd, HELLO_REQ), 0);
	ck_assert_int_eq(hs_read_response(&b, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_str_eq(resp.body, "slept\n");
	ck_assert_int_eq(hs_read_response(&a, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&a);
	hs_conn_close(&b);
}
END_TEST

/*
 * Every parking place taken (PARK_MAX, 32, in src/park.h): the next
 * keep-alive connection goes to the keeper at once instead of waiting in
 * the worker, while one with a pipelined request is served on. A connection
 * that closes with unread bytes (lingering, RFC 9112 9.6) meanwhile gets
 * its whole response. Then a reload: the retiring
 * worker hands everything it holds parked to the keeper, and every client
 * is answered on its connection again, none sees a close.
 */
#define NFULL (32 + 1)

START_TEST(test_parked_full_reload)
{
	static struct mini m[NFULL];
	struct hs_conn lc;
	pid_t worker;

	start_pool(ONE_WORKER);
	worker = one_worker();
	for (int i = 0; i < NFULL; i++) {
		m[i].fd = hs_connect(&srv);
		ck_assert_int_ge(m[i].fd, 0);
		ck_assert_int_eq(hs_send_str(m[i].fd, HELLO_REQ), 0);
		ck_assert_msg(mini_response(&m[i], HS_TIMEOUT_MS) == 200, "connection %d: status %d", i,
			      m[i].status);
	}
	/* Two requests at once, with no place to park between them: both answered here, in order. */
	ck_assert_int_eq(hs_conn_open(&srv, &lc), 0);
	ck_assert_int_eq(hs_send_str(lc.fd, HELLO_REQ "GET /sub/ HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&lc, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_str_eq(resp.body, HS_HELLO);
	ck_assert_int_eq(hs_read_response(&lc, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert(hs_contains(resp.body, resp.body_len, HS_SUB_MARKER));
	hs_conn_close(&lc);
	/* "Connection: close" with bytes after the request: the worker drains before it closes. */
	ck_assert_int_eq(hs_conn_open(&srv, &lc), 0);
	ck_assert_int_eq(hs_send_str(lc.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				     "Connection: close\r\n\r\nstray bytes"), 0);
	ck_assert_int_eq(hs_read_response(&lc, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	ck_assert_int_eq(hs_wait_eof(&lc, HS_TIMEOUT_MS), 1);
	hs_conn_close(&lc);

	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	ck_assert_msg(hs_wait_gone(worker, HS_TIMEOUT_MS), "the old worker did not retire");
	for (int i = 0; i < NFULL; i++) {
		ck_assert_int_eq(hs_send_str(m[i].fd, HELLO_REQ), 0);
		ck_assert_msg(mini_response(&m[i], HS_TIMEOUT_MS) == 200,
			      "connection %d after the reload: status %d", i, m[i].status);
		close(m[i].fd);
		m[i].fd = -1;
	}
	ck_assert_int_eq(hs_file_count(srv.error_log, "cannot hand a connection"), 0);
}
END_TEST

/*
 * timeouts.keepalive shorter than the worker's park (1 s): the worker
 * closes an idle connection itself when it ends, without a trip to the
 * keeper, and not before.
 */
START_TEST(test_parked_keepalive_short)
{
	struct hs_conn c;
	long long t0;

	start_pool_ka(ONE_WORKER, 1);
	(void)one_worker();
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, HELLO_REQ), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	t0 = hs_now_ms();
	ck_assert_msg(hs_wait_eof(&c, 4000) == 1, "idle connection still open 4 s after keepalive = 1");
	ck_assert_msg(hs_now_ms() - t0 >= 500, "closed after %lld ms, before timeouts.keepalive",
		      hs_now_ms() - t0);
	ck_assert_msg(c.len == 0, "bytes on an idle keep-alive close: %.100s", c.buf);
	hs_conn_close(&c);
}
END_TEST

/* ---- seats: only as many workers wait on the listening sockets as there are CPUs (src/worker.c) ---- */

/* Five workers: on at most two CPUs (pin_cpus), three of them or more are spares. */
#define SEATS_POOL "workers = { start = 5; min_spare = 1; max_spare = 5; max = 5; max_requests = 0; };\n"
#define NSEATPOOL 5

/*
 * Pin this test process, and so the server it starts, to at most two of
 * its CPUs: the seats are the CPUs the master may run on, so the pool has
 * spares on any machine. Returns how many.
 */
static int pin_cpus(void)
{
	cpu_set_t set, mine;
	int n = 0;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	CPU_ZERO(&mine);
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set)) {
			CPU_SET(c, &mine);
			n++;
		}
	ck_assert_int_eq(sched_setaffinity(0, sizeof(mine), &mine), 0);
	return n;
}

/* The workers whose epoll watches the listening socket (seated), into out; how many. */
static int seated(pid_t *out, int max)
{
	unsigned long ino = hs_listen_inode(srv.port);
	pid_t w[64];
	int n = hs_workers(srv.pid, w, 64), k = 0;

	ck_assert_uint_gt(ino, 1);
	for (int i = 0; i < n && i < 64; i++)
		if (hs_epoll_watches(w[i], ino) && k < max)
			out[k++] = w[i];
	return k;
}

/* Wait until exactly want workers sit, and stay so over three looks 50 ms apart. */
static bool wait_seated(int want, int within_ms)
{
	long long end = hs_now_ms() + (long long)within_ms * hs_timeout_scale();
	int same = 0;
	pid_t w[64];

	while (hs_now_ms() < end && same < 3) {
		same = seated(w, 64) == want ? same + 1 : 0;
		hs_sleep_ms(50);
	}
	return same == 3;
}

/*
 * Five idle workers, but only one per CPU waits on the listening socket:
 * a new connection wakes one of those, or none when a busy one takes it
 * from the queue (make bench (b)); the spares wait on the keeper and the
 * bell. Connections are served as before, and the seats stay as many.
 */
START_TEST(test_seats)
{
	int k = pin_cpus();
	pid_t w[64];

	start_pool(SEATS_POOL);
	ck_assert(hs_wait_children(srv.pid, NSEATPOOL, HS_TIMEOUT_MS));
	ck_assert_msg(wait_seated(k, 3000), "%d workers on the listening socket, want %d (the CPUs)",
		      seated(w, 64), k);
	for (int i = 0; i < 40; i++) {
		ck_assert_int_eq(hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
					     "Connection: close\r\n\r\n", &resp), 0);
		ck_assert_int_eq(resp.status, 200);
	}
	ck_assert_msg(wait_seated(k, 3000), "%d seated after 40 connections, want %d", seated(w, 64), k);
	ck_assert_int_eq(hs_workers(srv.pid, w, 64), NSEATPOOL);
}
END_TEST

/*
 * Every seated worker runs a 2-second script: each lends its seat to a
 * spare once it has waited CONN_HOLD_MS, so a fresh client is answered
 * at once, not when a script ends.
 */
START_TEST(test_seat_lent_for_script)
{
	struct hs_conn c[2];
	int k = pin_cpus();
	long long t0;
	pid_t w[64];

	start_pool(SEATS_POOL);
	ck_assert(hs_wait_children(srv.pid, NSEATPOOL, HS_TIMEOUT_MS));
	ck_assert(wait_seated(k, 3000));
	for (int i = 0; i < k; i++) {
		ck_assert_int_eq(hs_conn_open(&srv, &c[i]), 0);
		ck_assert_int_eq(hs_send_str(c[i].fd, "GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
		hs_sleep_ms(50); /* taken, by whichever sits now */
	}
	hs_sleep_ms(200);
	t0 = hs_now_ms();
	ck_assert_int_eq(hs_exchange(&srv, HELLO_REQ, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(hs_now_ms() - t0 < SLOW_MS, "a fresh client waited %lld ms behind %d scripts",
		      hs_now_ms() - t0, k);
	for (int i = 0; i < k; i++) {
		ck_assert_int_eq(hs_read_response(&c[i], &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_str_eq(resp.body, "slept\n");
		hs_conn_close(&c[i]);
	}
	/* The scripts done, as many sit as before: the lenders left the sockets to those that took over. */
	ck_assert_msg(wait_seated(k, 3000), "%d seated after the scripts, want %d", seated(w, 64), k);
}
END_TEST

/* Is pid among the n of old? */
static bool pid_in(pid_t pid, const pid_t *old, int n)
{
	for (int i = 0; i < n; i++)
		if (old[i] == pid)
			return true;
	return false;
}

/*
 * A seated worker killed: the master gives its seat back, and a spare (or
 * its replacement) takes it. A reload: the old generation's seated workers
 * give theirs back as they exit, and the new one's take them.
 */
START_TEST(test_seat_of_killed_worker)
{
	int k = pin_cpus(), n;
	pid_t s[64], old[64], w[64];
	long long end;
	bool fresh = false;

	start_pool(SEATS_POOL);
	ck_assert(hs_wait_children(srv.pid, NSEATPOOL, HS_TIMEOUT_MS));
	ck_assert(wait_seated(k, 3000));
	ck_assert_int_eq(seated(s, 64), k);
	ck_assert_int_eq(kill(s[0], SIGKILL), 0);
	ck_assert(hs_wait_gone(s[0], HS_TIMEOUT_MS));
	ck_assert_msg(wait_seated(k, 3000), "%d seated after a seated worker was killed, want %d",
		      seated(w, 64), k);

	n = hs_workers(srv.pid, old, 64);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	end = hs_now_ms() + HS_TIMEOUT_MS * hs_timeout_scale();
	while (!fresh && hs_now_ms() < end) {
		int m = hs_workers(srv.pid, w, 64);

		fresh = m == NSEATPOOL;
		for (int i = 0; i < m && fresh; i++)
			fresh = !pid_in(w[i], old, n);
		hs_sleep_ms(50);
	}
	ck_assert_msg(fresh, "the reload's workers did not replace the old ones");
	ck_assert_msg(wait_seated(k, 3000), "%d seated after a reload, want %d", seated(w, 64), k);
	ck_assert_int_eq(hs_exchange(&srv, HELLO_REQ, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc;

	tc = hs_tcase("pool", 30, teardown);
	tcase_add_test(tc, test_pool_grows_and_shrinks);
	tcase_add_test(tc, test_pool_flowing_stays_small);
	tcase_add_test(tc, test_max_requests);
	tcase_add_test(tc, test_max_requests_big_pipelined);
	suite_add_tcase(s, tc);

	tc = hs_tcase("keeper", 20, teardown);
	tcase_add_test(tc, test_idle_connections_cost_no_worker);
	tcase_add_test(tc, test_slowloris);
	tcase_add_test(tc, test_keeper_killed);
	tcase_add_test(tc, test_big_partial_head_stays);
	tcase_add_test(tc, test_nofile_limits);
	tcase_add_test(tc, test_accept_emfile);
	tcase_add_test(tc, test_parked_in_worker);
	tcase_add_test(tc, test_parked_let_go_for_script);
	tcase_add_test(tc, test_parked_full_reload);
	tcase_add_test(tc, test_parked_keepalive_short);
	suite_add_tcase(s, tc);

	tc = hs_tcase("accept_log", 30, teardown);
	tcase_add_test(tc, test_accept_wakes_one);
	tcase_add_test(tc, test_seats);
	tcase_add_test(tc, test_seat_lent_for_script);
	tcase_add_test(tc, test_seat_of_killed_worker);
	tcase_add_test(tc, test_access_log_idle_flush);
	tcase_add_loop_test(tc, test_access_log_stop_keeps_lines, 0, N(stop_cases));
	tcase_add_loop_test(tc, test_local_port, 0, N(local_cases));
	tcase_add_test(tc, test_idle_scoreboard_pages);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(pool_suite());
}
