/*
 * check_ops — running the server: graceful reload on SIGHUP (a broken
 * configuration changes nothing; a good one is served by every following
 * request while in-flight downloads and streaming scripts finish, with no
 * leaked process or descriptor), log reopening on SIGUSR1, graceful stop on
 * SIGQUIT, fast stop on SIGTERM/SIGINT, process titles, `pfhttpd -s`, the
 * pid file and a second instance, and the privilege drop.
 *
 * Every test owns its server. Work that must run while the test signals the
 * master (a request loop, a slow download, a streaming script) runs in a
 * forked child that reports into shared memory; each is bounded by its own
 * deadline and stopped by pid.
 *
 * Log lines relied on (error log): "configuration reloaded (generation N)",
 * "reload failed: ... still serving the previous configuration" (one line),
 * a CGI script's stderr.
 */
#include "harness.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define GRACEFUL_S  5
#define NROOTS      5                      /* htdocs, htdocs1 .. htdocs4 */
#define BIG_LEN     (5 * 1024 * 1024)      /* htdocs/big.bin */
#define SLOW_CHUNK  (256 * 1024)           /* the slow client reads this much ... */
#define SLOW_PAUSE  100                    /* ... every this many ms */
#define TICKS       10                     /* lines of cgi/tick.sh */
#define RELOADED    "configuration reloaded (generation "
#define RELOAD_BAD  "reload failed:"
#define STILL_OLD   "still serving the previous configuration"
#define GEN_REQ     "GET /gen.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];

/* ------------------------------------------------------------------------ */
/* Server roots and configs. */

static const char *root_dir(int k)
{
	static const char *const dirs[NROOTS] = { "htdocs", "htdocs1", "htdocs2", "htdocs3", "htdocs4" };

	return dirs[k];
}

/* Every root k holds gen.txt = "root-k\n"; htdocs also holds big.bin. */
static int ops_fixtures(void)
{
	static unsigned char big[BIG_LEN];
	char rel[64], body[32];
	int rc = hs_fixtures(&srv) | hs_copy_cgi(&srv, "cgi-bin");

	for (int k = 0; k < NROOTS; k++) {
		snprintf(rel, sizeof rel, "%s/gen.txt", root_dir(k));
		snprintf(body, sizeof body, "root-%d\n", k);
		rc |= hs_put_str(&srv, rel, body);
		snprintf(rel, sizeof rel, "%s/hello.txt", root_dir(k));
		rc |= hs_put_str(&srv, rel, HS_HELLO);
		/* The default config's error page must exist in every root, or -t refuses the reload. */
		snprintf(rel, sizeof rel, "%s/errors/404.html", root_dir(k));
		rc |= hs_put_str(&srv, rel, HS_404_MARKER "\n");
	}
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i % 251);
	rc |= hs_put(&srv, "htdocs/big.bin", big, sizeof big);
	return rc == 0 ? 0 : -1;
}

/* The suite's config: root k, a pid file, CGI, short timeouts, then more. */
static const char *ops_conf(int k, int graceful, const char *more)
{
	static char conf[4096];

	snprintf(conf, sizeof conf,
		 "pid_file = \"pfhttpd.pid\";\n"
		 "document_root = \"%s\";\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n"
		 "timeouts = { header = 3; body = 10; keepalive = 5; send = 10; cgi = 30; graceful = %d; };\n"
		 "%s",
		 root_dir(k), srv.root, graceful, more != NULL ? more : "");
	return conf;
}

static void start_ops(int graceful, const char *more)
{
	char msg[9000];

	if (hs_root_init(&srv) == -1 || ops_fixtures() == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	if (hs_start(&srv, ops_conf(0, graceful, more), msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static const char *pid_path(void)
{
	static char p[HS_PATH + 16];

	snprintf(p, sizeof p, "%s/pfhttpd.pid", srv.root);
	return p;
}

/* The pid in the pid file, 0 when there is none. */
static pid_t pid_file_pid(void)
{
	char buf[64];

	return hs_slurp(pid_path(), buf, sizeof buf) > 0 ? (pid_t)atoi(buf) : 0;
}

/* The root number a GET /gen.txt answer names, or -1. */
static int served_root(const struct hs_response *r)
{
	int k;

	return r->status == 200 && sscanf(r->body, "root-%d", &k) == 1 ? k : -1;
}

static int get_root(void)
{
	if (hs_exchange(&srv, GEN_REQ, &resp) == -1)
		return -1;
	return served_root(&resp);
}


/* The generation numbers of every "configuration reloaded" line, in order. */
static int generations(int *gen, int max)
{
	ssize_t len = hs_slurp(srv.error_log, text, sizeof text);
	int n = 0;

	for (char *p = text; len > 0 && (p = strstr(p, RELOADED)) != NULL; p++)
		if (n < max && sscanf(p + strlen(RELOADED), "%d)", &gen[n]) == 1)
			n++;
	return n;
}

/* Write the config for root k (or a broken one) and send SIGHUP; wait for its log line. */
static bool reload_to(int k, int graceful, int *ok_seen, int *bad_seen)
{
	char extra[4200];
	bool good = k >= 0;

	snprintf(extra, sizeof extra, "%s%s", ops_conf(good ? k : 0, graceful, NULL),
		 good ? "" : "workers = { start = ; };\n");
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	if (good)
		return hs_wait_file_count(srv.error_log, RELOADED, ++*ok_seen, HS_TIMEOUT_MS);
	return hs_wait_file_count(srv.error_log, RELOAD_BAD, ++*bad_seen, HS_TIMEOUT_MS);
}

static bool in(pid_t p, const pid_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == p)
			return true;
	return false;
}

/* Is any of the first generation's workers still a worker? */
static bool first_gen_left(const pid_t *w0, int nw0)
{
	pid_t w[64];
	int n = hs_workers(srv.pid, w, 64);

	for (int i = 0; i < nw0; i++)
		if (in(w0[i], w, n))
			return true;
	return false;
}

static int live_children(pid_t master)
{
	pid_t kids[256];
	int n = hs_children(master, kids, 256), live = 0;

	for (int i = 0; i < n && i < 256; i++) {
		char st = hs_proc_state(kids[i]);

		live += st != 0 && st != 'Z';
	}
	return live;
}

/* ------------------------------------------------------------------------ */
/* Background clients: forked children reporting into shared memory. */

#define MAX_REC 20000

struct rec {
	long long t0, t1;            /* hs_now_ms() when the request began and ended */
	int root;                    /* the root its answer named */
};

struct shared {
	volatile int stop;           /* the test asks the loop to end */
	volatile int loop_n;         /* requests the loop completed */
	int loop_fail;
	char loop_why[512];
	struct rec rec[MAX_REC];
	volatile int dl_started;     /* the slow download has its first bytes */
	int dl_ok;
	size_t dl_bytes;
	char dl_why[256];
	int st_ok;
	char st_why[512];
};

static struct shared *sh;

static void shared_init(void)
{
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(sh != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(sh, 0, sizeof *sh);
}

static pid_t bg(void (*fn)(void))
{
	pid_t parent = getpid(), pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		fn();
		_exit(0);
	}
	return pid;
}

/* Bounded wait for a background child; SIGKILL it when late. true if it ended in time. */
static bool bg_wait(pid_t pid, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	do {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return true;
		hs_sleep_ms(10);
	} while (hs_now_ms() < end);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

static void loop_fail(const char *what, int i, const struct hs_response *r)
{
	if (sh->loop_fail++ == 0)
		snprintf(sh->loop_why, sizeof sh->loop_why, "request %d (%s): status %d, got: %.300s",
			 i, what, r->status, r->raw);
}

/*
 * GET /gen.txt without pause until told to stop (20 s at most): even
 * requests on a fresh connection, odd ones on one kept-alive connection
 * (reopened only after the server said Connection: close).
 */
static void load_loop(void)
{
	static struct hs_conn ka = { .fd = -1 };
	long long end = hs_now_ms() + 20000;

	for (int i = 0; !sh->stop && i < MAX_REC && hs_now_ms() < end; i++) {
		bool fresh = i % 2 == 0;
		int rc;

		sh->rec[i].t0 = hs_now_ms();
		if (fresh) {
			rc = hs_exchange(&srv, GEN_REQ, &resp);
		} else {
			if (ka.fd == -1 && hs_conn_open(&srv, &ka) == -1)
				ka.fd = -1;
			rc = hs_send_str(ka.fd, GEN_REQ);
			if (rc == 0)
				rc = hs_read_response(&ka, &resp, false, HS_TIMEOUT_MS);
			if (rc == -1 || hs_list_has(hs_hdr(&resp, "Connection"), "close"))
				hs_conn_close(&ka);
		}
		sh->rec[i].t1 = hs_now_ms();
		sh->rec[i].root = rc == 0 ? served_root(&resp) : -1;
		if (sh->rec[i].root < 0)
			loop_fail(fresh ? "new connection" : "kept-alive connection", i, &resp);
		sh->loop_n = i + 1;
	}
}

/* Check one block of the big file's pattern. */
static bool big_ok(const unsigned char *p, size_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)((off + i) % 251))
			return false;
	return true;
}

/* Read the head of a response on fd into buf; the body bytes that came along are left after it. */
static ssize_t read_head(int fd, char *buf, size_t cap, size_t *have, long long deadline)
{
	*have = 0;
	while (*have < cap) {
		char *e;
		ssize_t n;
		struct timeval tv = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		n = recv(fd, buf + *have, cap - *have, 0);
		if (n <= 0 && !(n == -1 && (errno == EINTR || errno == EAGAIN)))
			return -1;
		if (n > 0)
			*have += (size_t)n;
		e = memmem(buf, *have, "\r\n\r\n", 4);
		if (e != NULL)
			return e - buf + 4;
		if (hs_now_ms() > deadline)
			return -1;
	}
	return -1;
}

/* GET /big.bin reading SLOW_CHUNK every SLOW_PAUSE ms, through a small receive buffer. */
static void slow_download(void)
{
	static unsigned char buf[SLOW_CHUNK];
	int rcv = SLOW_CHUNK, fd = hs_connect(&srv);
	long long end = hs_now_ms() + 15000;
	size_t have, got = 0;
	ssize_t head;
	char *cl;

	/* A fixed receive buffer turns off autotuning, so the server cannot be done early. */
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) == -1 ||
	    hs_send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n") == -1) {
		snprintf(sh->dl_why, sizeof sh->dl_why, "cannot connect or send");
		return;
	}
	head = read_head(fd, (char *)buf, sizeof buf, &have, end);
	cl = head > 0 ? strcasestr((char *)buf, "\r\nContent-Length:") : NULL;
	if (head <= 0 || strncmp((char *)buf, "HTTP/1.1 200", 12) != 0 || cl == NULL ||
	    strtoul(cl + 17, NULL, 10) != BIG_LEN) {
		snprintf(sh->dl_why, sizeof sh->dl_why, "bad head: %.200s", (char *)buf);
		return;
	}
	got = have - (size_t)head;
	if (!big_ok(buf + head, 0, got)) {
		snprintf(sh->dl_why, sizeof sh->dl_why, "corrupt bytes in the first block");
		return;
	}
	sh->dl_started = 1;
	while (got < BIG_LEN && hs_now_ms() < end) {
		size_t want = BIG_LEN - got < SLOW_CHUNK ? BIG_LEN - got : SLOW_CHUNK;
		ssize_t n = recv(fd, buf, want, MSG_WAITALL);

		if (n <= 0 && !(n == -1 && (errno == EINTR || errno == EAGAIN)))
			break;
		if (n > 0 && !big_ok(buf, got, (size_t)n)) {
			snprintf(sh->dl_why, sizeof sh->dl_why, "corrupt bytes at offset %zu", got);
			return;
		}
		got += n > 0 ? (size_t)n : 0;
		hs_sleep_ms(SLOW_PAUSE);
	}
	sh->dl_bytes = got;
	sh->dl_ok = got == BIG_LEN;
	if (!sh->dl_ok)
		snprintf(sh->dl_why, sizeof sh->dl_why, "cut after %zu of %d bytes", got, BIG_LEN);
	close(fd);
}

/* GET /cgi-bin/tick.sh: 200 and every line, in order, properly ended. */
static void stream_ticks(void)
{
	static struct hs_conn c;
	char want[256] = "";

	for (int i = 1; i <= TICKS; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "tick %d\n", i);
	if (hs_conn_open(&srv, &c) == -1 ||
	    hs_send_str(c.fd, "GET /cgi-bin/tick.sh HTTP/1.1\r\nHost: localhost\r\n\r\n") == -1 ||
	    hs_read_response(&c, &resp, false, 10000) == -1) {
		snprintf(sh->st_why, sizeof sh->st_why, "no complete response: %.300s", resp.raw);
		return;
	}
	sh->st_ok = resp.status == 200 && strcmp(resp.body, want) == 0;
	if (!sh->st_ok)
		snprintf(sh->st_why, sizeof sh->st_why, "status %d, body: %.300s", resp.status, resp.body);
}

/* Wait until a process running tick.sh descends from the master. */
static bool ticking(int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	do {
		pid_t d[256];
		int n = hs_descendants(srv.pid, d, 256);

		for (int i = 0; i < n; i++) {
			char cmd[512];

			if (hs_cmdline(d[i], cmd, sizeof cmd) > 0 && strstr(cmd, "tick.sh") != NULL)
				return true;
		}
		hs_sleep_ms(10);
	} while (hs_now_ms() < end);
	return false;
}

/* Start the slow download and the streaming script; return once both are under way. */
static void start_inflight(pid_t *dl, pid_t *st)
{
	long long end;

	*dl = bg(slow_download);
	*st = bg(stream_ticks);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while (!sh->dl_started && hs_now_ms() < end)
		hs_sleep_ms(10);
	ck_assert_msg(sh->dl_started, "the slow download never started: %s", sh->dl_why);
	ck_assert_msg(ticking(HS_TIMEOUT_MS), "tick.sh never started");
}

static void assert_inflight_done(pid_t dl, pid_t st)
{
	ck_assert_msg(bg_wait(st, 10000), "the streaming client did not finish within 10 s");
	ck_assert_msg(sh->st_ok, "streaming CGI response cut or wrong: %s", sh->st_why);
	ck_assert_msg(bg_wait(dl, 15000), "the slow download did not finish within 15 s");
	ck_assert_msg(sh->dl_ok, "5 MB download: %s", sh->dl_why);
}

/* ------------------------------------------------------------------------ */
/* reload */

START_TEST(test_reload_bad_config)
{
	pid_t before[64], after[64];
	int nb, na, ok = 0, bad = 0;
	char line[2048];

	start_ops(GRACEFUL_S, NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	nb = hs_workers(srv.pid, before, 64);
	ck_assert_int_eq(get_root(), 0);

	ck_assert_msg(reload_to(-1, GRACEFUL_S, &ok, &bad), "no '%s' line within 5 s of SIGHUP", RELOAD_BAD);
	ck_assert_msg(hs_find_line(srv.error_log, RELOAD_BAD, STILL_OLD, line, sizeof line),
		      "the '%s' line must also say '%s'", RELOAD_BAD, STILL_OLD);
	ck_assert_msg(hs_file_count(srv.error_log, RELOADED) == 0, "a broken config was 'reloaded'");
	ck_assert_int_eq(get_root(), 0);
	hs_sleep_ms(300);  /* a wrongly started generation would show by now */
	na = hs_workers(srv.pid, after, 64);
	ck_assert_msg(na == nb, "%d workers before, %d after the failed reload", nb, na);
	for (int i = 0; i < na; i++)
		ck_assert_msg(in(after[i], before, nb), "worker %d is new: a failed reload changed the pool",
			      (int)after[i]);
	ck_assert_int_eq(get_root(), 0);
	ck_assert_int_eq(pid_file_pid(), srv.pid);
}
END_TEST

/*
 * Three good reloads, each to another document_root: the new root serves
 * every request after the log line, on a new connection and on one kept
 * alive from before; the listening socket stays the same; afterwards the
 * master has as many children and descriptors as before.
 */
START_TEST(test_reload_new_root_no_leak)
{
	static struct hs_conn ka;
	pid_t w0[64], w[64];
	int nw0, fd0, kids0, ok = 0, bad = 0, gen[8];
	unsigned long ino0;
	long long end;

	start_ops(GRACEFUL_S, NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_eq(get_root(), 0);
	ck_assert_int_eq(hs_conn_open(&srv, &ka), 0);
	ck_assert_int_eq(hs_send_str(ka.fd, GEN_REQ), 0);
	ck_assert_int_eq(hs_read_response(&ka, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(served_root(&resp), 0);
	hs_sleep_ms(200);  /* let the pool settle before counting */
	nw0 = hs_workers(srv.pid, w0, 64);
	fd0 = hs_fd_count_settled(srv.pid);
	kids0 = live_children(srv.pid);
	ino0 = hs_listen_inode(srv.port);
	ck_assert(ino0 != 0 && fd0 > 0);

	for (int k = 1; k <= 3; k++) {
		ck_assert_msg(reload_to(k, GRACEFUL_S, &ok, &bad), "reload %d: no '%s' line", k, RELOADED);
		for (int j = 0; j < 3; j++)
			ck_assert_msg(get_root() == k, "reload %d, new connection %d: served %.100s",
				      k, j, resp.raw);
		ck_assert_int_eq(hs_send_str(ka.fd, GEN_REQ), 0);
		ck_assert_msg(hs_read_response(&ka, &resp, false, HS_TIMEOUT_MS) == 0,
			      "reload %d: the kept-alive connection got no answer: %.200s", k, resp.raw);
		ck_assert_msg(served_root(&resp) == k, "reload %d: kept-alive connection served %.100s",
			      k, resp.raw);
		ck_assert_msg(hs_listen_inode(srv.port) == ino0, "reload %d replaced the listening socket", k);
	}
	ck_assert_int_eq(generations(gen, 8), 3);
	ck_assert_msg(gen[0] < gen[1] && gen[1] < gen[2], "generations %d, %d, %d do not increase",
		      gen[0], gen[1], gen[2]);
	hs_conn_close(&ka);

	/*
	 * The master holds one control socket per child, so its descriptors
	 * less its children must be what they were; how many workers the pool
	 * keeps may differ (min_spare growth), but none of the first remains.
	 */
	end = hs_now_ms() + (GRACEFUL_S + 3) * 1000;
	while ((hs_fd_count(srv.pid) - live_children(srv.pid) != fd0 - kids0 ||
		live_children(srv.pid) != hs_workers(srv.pid, w, 64) + 1 ||
		first_gen_left(w0, nw0)) && hs_now_ms() < end)
		hs_sleep_ms(25);
	ck_assert_msg(hs_fd_count(srv.pid) - live_children(srv.pid) == fd0 - kids0,
		      "master: %d descriptors for %d children after 3 reloads, %d for %d before",
		      hs_fd_count(srv.pid), live_children(srv.pid), fd0, kids0);
	ck_assert_msg(live_children(srv.pid) == hs_workers(srv.pid, w, 64) + 1,
		      "master has %d children: %d workers and a keeper expected",
		      live_children(srv.pid), hs_workers(srv.pid, w, 64));
	ck_assert_msg(!first_gen_left(w0, nw0), "a worker of the first generation still runs");
	ck_assert_int_eq(get_root(), 3);
}
END_TEST

/* The reloads of the under-load test: a root, or -1 for a broken config. */
static const int load_plan[] = { 1, -1, 2, 3, 4 };

/* The root in force after step s of load_plan (s = -1: before any). */
static int root_after(int s)
{
	int r = 0;

	for (int i = 0; i <= s; i++)
		if (load_plan[i] >= 0)
			r = load_plan[i];
	return r;
}

/*
 * Each request must be served from the root in force when it began (the
 * root after the last reload whose log line the test had seen by then) or
 * from a later one whose SIGHUP was sent before it ended. The plan's roots
 * only grow, so that is a range.
 */
static void check_roots(const long long *hup, const long long *seen, int nsteps)
{
	for (int i = 0; i < sh->loop_n; i++) {
		const struct rec *r = &sh->rec[i];
		int s = -1, j;

		while (s + 1 < nsteps && seen[s + 1] <= r->t0)
			s++;
		for (j = s; j + 1 < nsteps && hup[j + 1] <= r->t1; j++)
			;
		ck_assert_msg(r->root >= root_after(s) && r->root <= root_after(j),
			      "request %d began %lld ms after reload step %d was logged and got root-%d, "
			      "want root-%d", i, s >= 0 ? r->t0 - seen[s] : 0, s, r->root, root_after(s));
	}
}

START_TEST(test_reload_under_load)
{
	long long hup[N(load_plan)], seen[N(load_plan)], end;
	int ok = 0, bad = 0;
	pid_t loop, dl, st;

	start_ops(GRACEFUL_S, "workers = { start = 2; min_spare = 1; max_spare = 4; max = 8; max_requests = 0; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	shared_init();
	loop = bg(load_loop);
	start_inflight(&dl, &st);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while (sh->loop_n < 20 && hs_now_ms() < end)
		hs_sleep_ms(10);
	ck_assert_msg(sh->loop_n >= 20, "the request loop is stuck: %s", sh->loop_why);

	for (size_t s = 0; s < N(load_plan); s++) {
		hup[s] = hs_now_ms();
		ck_assert_msg(reload_to(load_plan[s], GRACEFUL_S, &ok, &bad),
			      "reload step %zu (%s): no log line within 5 s", s,
			      load_plan[s] < 0 ? "broken config" : "new root");
		seen[s] = hs_now_ms();
		hs_sleep_ms(150);
	}
	assert_inflight_done(dl, st);
	hs_sleep_ms(200);
	sh->stop = 1;
	ck_assert_msg(bg_wait(loop, HS_TIMEOUT_MS + 1000), "the request loop did not stop");
	ck_assert_msg(sh->loop_fail == 0, "%d of %d requests failed through the reloads; first: %s",
		      sh->loop_fail, sh->loop_n, sh->loop_why);
	printf("reload under load: %d requests, 5 SIGHUPs, slow download %zu bytes\n",
	       sh->loop_n, sh->dl_bytes);
	check_roots(hup, seen, (int)N(load_plan));
	ck_assert_int_eq(get_root(), 4);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* SIGUSR1, SIGQUIT, SIGTERM, SIGINT */

static bool get_tagged(const char *path, const char *tag)
{
	char req[512];

	snprintf(req, sizeof req, "GET %s%s HTTP/1.1\r\nHost: localhost\r\n\r\n", path, tag);
	return hs_exchange(&srv, req, &resp) == 0 && resp.status == 200;
}

/* True once no worker has a descriptor open on path, within timeout_ms. */
static bool workers_leave(const char *path, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	do {
		pid_t w[64];
		int n = hs_workers(srv.pid, w, 64);
		bool held = false;

		for (int i = 0; i < n && !held; i++) {
			char dir[64], link[HS_PATH + 64], target[HS_PATH + 64];
			DIR *d;
			struct dirent *e;

			snprintf(dir, sizeof dir, "/proc/%d/fd", (int)w[i]);
			if (!(d = opendir(dir)))
				continue;
			while (!held && (e = readdir(d))) {
				ssize_t k;

				snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
				k = readlink(link, target, sizeof target - 1);
				if (k > 0) {
					target[k] = '\0';
					held = strcmp(target, path) == 0;
				}
			}
			closedir(d);
		}
		if (n > 0 && !held)
			return true;
		hs_sleep_ms(20);
	} while (hs_now_ms() < end);
	return false;
}

START_TEST(test_reopen_logs)
{
	char old_access[HS_PATH + 8], old_error[HS_PATH + 8], tag[64];
	bool moved = false;
	long long end;

	start_ops(GRACEFUL_S, NULL);
	ck_assert(get_tagged("/hello.txt?", "before"));
	ck_assert(hs_wait_file_contains(srv.access_log, "before", 3000));
	snprintf(old_access, sizeof old_access, "%s.1", srv.access_log);
	snprintf(old_error, sizeof old_error, "%s.1", srv.error_log);
	ck_assert_int_eq(rename(srv.access_log, old_access), 0);
	ck_assert_int_eq(rename(srv.error_log, old_error), 0);
	ck_assert_int_eq(kill(srv.pid, SIGUSR1), 0);

	/*
	 * The reopen is asynchronous: wait until one request lands in the new
	 * file. Any probe: a worker buffers its lines for up to a second (log.h).
	 */
	end = hs_now_ms() + 3000;
	for (int i = 0; !moved && hs_now_ms() < end; i++) {
		snprintf(tag, sizeof tag, "probe%d", i);
		ck_assert(get_tagged("/hello.txt?", tag));
		moved = hs_wait_file_contains(srv.access_log, "probe", 100);
	}
	ck_assert_msg(moved, "no access line in the new access.log within 3 s of SIGUSR1");
	/* One worker has the new logs; each adopts them in its own SIGUSR1
	 * handler, so wait until none still holds the renamed file. */
	ck_assert_msg(workers_leave(old_access, 3000), "a worker still writes %s 3 s after SIGUSR1",
		      old_access);
	for (int i = 0; i < 6; i++) {
		snprintf(tag, sizeof tag, "after%d", i);
		ck_assert(get_tagged("/hello.txt?", tag));
		ck_assert(get_tagged("/cgi-bin/stderr_tag.sh?", tag));
	}
	for (int i = 0; i < 6; i++) {
		char needle[80];

		snprintf(tag, sizeof tag, "after%d", i);
		ck_assert_msg(hs_wait_file_contains(srv.access_log, tag, 3000), "%s not in the new access.log", tag);
		snprintf(needle, sizeof needle, "stderr-tag-%s", tag);
		ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, 3000),
			      "CGI stderr '%s' not in the new error.log", needle);
		ck_assert_msg(hs_file_count(old_access, tag) == 0, "%s went to the renamed access log", tag);
		ck_assert_msg(hs_file_count(old_error, needle) == 0, "%s went to the renamed error log", needle);
	}
}
END_TEST

/* Every descendant of the master (workers, keeper, scripts) into out. */
static int snapshot(pid_t *out, int max)
{
	int n = hs_descendants(srv.pid, out, max);

	ck_assert_msg(n > 0, "the master has no children");
	return n;
}

static void assert_all_gone(const pid_t *d, int n, long long deadline, const char *what)
{
	for (int i = 0; i < n; i++) {
		long long left = deadline - hs_now_ms();
		char cmd[256] = "";

		hs_cmdline(d[i], cmd, sizeof cmd);
		ck_assert_msg(hs_wait_gone(d[i], left > 0 ? (int)left : 0),
			      "%s: process %d (%s) still there", what, (int)d[i], cmd);
	}
}

START_TEST(test_quit_graceful)
{
	pid_t d[256], dl, st;
	int n, status;
	long long t0, end, left;

	start_ops(GRACEFUL_S, NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	shared_init();
	start_inflight(&dl, &st);
	n = snapshot(d, 256);
	t0 = hs_now_ms();
	ck_assert_int_eq(kill(srv.pid, SIGQUIT), 0);

	end = t0 + 1500;
	while (hs_port_listening(srv.port) && hs_now_ms() < end)
		hs_sleep_ms(10);
	ck_assert_msg(!hs_port_listening(srv.port), "still listening 1.5 s after SIGQUIT");
	assert_inflight_done(dl, st);
	left = (GRACEFUL_S + 2) * 1000 - (hs_now_ms() - t0);
	status = hs_wait_exit(&srv, left > 0 ? (int)left : 0);
	ck_assert_msg(status != -1, "master still running %d s after SIGQUIT", GRACEFUL_S + 2);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "master wait status %#x", status);
	ck_assert_msg(access(pid_path(), F_OK) == -1, "pid file left behind");
	assert_all_gone(d, n, hs_now_ms() + 1000, "after SIGQUIT");
}
END_TEST

/* A request whose script never answers: graceful stop gives up after timeouts.graceful. */
START_TEST(test_quit_bounded)
{
	static struct hs_conn c;
	pid_t d[256];
	int n, status;
	long long t0;

	start_ops(2, NULL);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/sleep_forever.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert(hs_wait_file_contains(srv.error_log, "sleep_forever.sh pid=", 3000));
	n = snapshot(d, 256);
	t0 = hs_now_ms();
	ck_assert_int_eq(kill(srv.pid, SIGQUIT), 0);
	status = hs_wait_exit(&srv, 2000 + 2000);
	ck_assert_msg(status != -1, "master still running 4 s after SIGQUIT with graceful = 2");
	printf("SIGQUIT with a hung script: master exited after %lld ms (graceful = 2 s)\n",
	       hs_now_ms() - t0);
	assert_all_gone(d, n, hs_now_ms() + 1000, "after a bounded SIGQUIT");
	ck_assert_msg(access(pid_path(), F_OK) == -1, "pid file left behind");
	hs_conn_close(&c);
}
END_TEST

static const int fast_sigs[] = { SIGTERM, SIGINT };

START_TEST(test_fast_stop)
{
	static struct hs_conn hung, idle;
	pid_t d[256];
	int n, status, sig = fast_sigs[_i];
	long long deadline;

	start_ops(GRACEFUL_S, NULL);
	ck_assert_int_eq(hs_conn_open(&srv, &idle), 0);
	ck_assert_int_eq(hs_send_str(idle.fd, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&idle, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(hs_conn_open(&srv, &hung), 0);
	ck_assert_int_eq(hs_send_str(hung.fd, "GET /cgi-bin/sleep_forever.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert(hs_wait_file_contains(srv.error_log, "sleep_forever.sh pid=", 3000));
	n = snapshot(d, 256);
	deadline = hs_now_ms() + 2000;
	ck_assert_int_eq(kill(srv.pid, sig), 0);
	status = hs_wait_exit(&srv, 2000);
	ck_assert_msg(status != -1, "master still running 2 s after %s", strsignal(sig));
	assert_all_gone(d, n, deadline, strsignal(sig));
	ck_assert_msg(access(pid_path(), F_OK) == -1, "pid file left behind after %s", strsignal(sig));
	hs_conn_close(&hung);
	hs_conn_close(&idle);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* titles, pid file, -s */

START_TEST(test_titles)
{
	pid_t kids[64];
	char cmd[512];
	int n, workers = 0, keepers = 0;
	long long end = hs_now_ms() + HS_TIMEOUT_MS;

	start_ops(GRACEFUL_S, NULL);
	/* The listener answers before the master has set its title (it does so
	 * once its pool is forked): poll for it, bounded, as for the children. */
	do {
		ck_assert(hs_cmdline(srv.pid, cmd, sizeof cmd) > 0);
	} while (strncmp(cmd, "pfhttpd: master process", 23) != 0 && hs_now_ms() < end &&
		 poll(NULL, 0, 20) == 0);
	ck_assert_msg(strncmp(cmd, "pfhttpd: master process", 23) == 0, "master cmdline: %s", cmd);
	do {  /* a child just forked still shows the master's title */
		n = hs_children(srv.pid, kids, 64);
		workers = keepers = 0;
		for (int i = 0; i < n && i < 64; i++) {
			hs_cmdline(kids[i], cmd, sizeof cmd);
			workers += strncmp(cmd, "pfhttpd: worker process", 23) == 0;
			keepers += strncmp(cmd, "pfhttpd: keeper process", 23) == 0;
		}
		if (workers == 2 && keepers == 1 && n == 3)
			break;
		hs_sleep_ms(25);
	} while (hs_now_ms() < end);
	ck_assert_msg(n == 3 && workers == 2 && keepers == 1,
		      "children: %d, titled worker: %d, titled keeper: %d (want 3 = 2 workers + 1 keeper)",
		      n, workers, keepers);
	ck_assert_int_eq(hs_workers(srv.pid, kids, 64), 2);
	ck_assert_int_ne(hs_keeper_pid(srv.pid), 0);
}
END_TEST

START_TEST(test_pid_file)
{
	int status;

	start_ops(GRACEFUL_S, NULL);
	/*
	 * In the foreground (-F) the master binds, then writes the pid file
	 * (atomically, by rename), so the port may listen a moment before the
	 * file is there; a detached start returns only after both
	 * (check_startup). Bounded: a master that never writes it fails.
	 */
	for (long long end = hs_now_ms() + 2000; pid_file_pid() != srv.pid && hs_now_ms() < end;)
		hs_sleep_ms(10);
	ck_assert_msg(pid_file_pid() == srv.pid, "pid file says %d 2 s after the port listens, master is %d",
		      (int)pid_file_pid(), (int)srv.pid);
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	status = hs_wait_exit(&srv, 3000);
	ck_assert(status != -1);
	ck_assert_msg(access(pid_path(), F_OK) == -1, "pid file left behind after SIGTERM");
}
END_TEST

START_TEST(test_second_instance)
{
	static struct hs_server two;
	char out[8192], num[32];
	char *argv[] = { (char *)hs_bin(), "-F", "-f", two.conf, NULL };
	int status;

	start_ops(GRACEFUL_S, NULL);
	two = srv;
	two.port = hs_free_port();
	snprintf(two.conf, sizeof two.conf, "%s/second.conf", srv.root);
	ck_assert_int_eq(hs_write_conf(&two, ops_conf(0, GRACEFUL_S, NULL)), 0);
	status = hs_run(argv, 3000, out, sizeof out);
	ck_assert_msg(status != -1, "a second instance with the same pid_file kept running: %s", out);
	ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
		      "a second instance exited 0: %s", out);
	snprintf(num, sizeof num, "%d", (int)srv.pid);
	ck_assert_msg(strstr(out, num) != NULL || strcasestr(out, "already running") != NULL,
		      "the refusal must name the running pid %s or say 'already running': %s", num, out);
	ck_assert_msg(pid_file_pid() == srv.pid, "the first instance lost its pid file (now %d)",
		      (int)pid_file_pid());
	ck_assert_msg(hs_proc_state(srv.pid) != 0 && hs_proc_state(srv.pid) != 'Z', "the first instance died");
	ck_assert_int_eq(get_root(), 0);
}
END_TEST

static int ctl(const char *cmd, char *out, size_t cap)
{
	char *argv[] = { (char *)hs_bin(), "-s", (char *)cmd, "-f", srv.conf, NULL };

	return hs_run(argv, 3000, out, cap);
}

enum ctl_expect { RELOADS, REOPENS, QUITS, STOPS };

static const struct ctl_case {
	int line;
	const char *cmd;
	enum ctl_expect expect;
} ctl_cases[] = {
	{ __LINE__, "reload", RELOADS },
	{ __LINE__, "reopen", REOPENS },
	{ __LINE__, "quit",   QUITS },
	{ __LINE__, "stop",   STOPS },
};

START_TEST(test_ctl)
{
	const struct ctl_case *c = &ctl_cases[_i];
	char out[4096], moved[HS_PATH + 8];
	int status;
	bool reopened = false;

	start_ops(GRACEFUL_S, NULL);
	ck_assert(get_tagged("/hello.txt?", "first"));
	snprintf(moved, sizeof moved, "%s.1", srv.access_log);
	if (c->expect == REOPENS)
		ck_assert_int_eq(rename(srv.access_log, moved), 0);
	status = ctl(c->cmd, out, sizeof out);
	ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "line %d: -s %s: wait status %#x: %s", c->line, c->cmd, status, out);
	switch (c->expect) {
	case RELOADS:
		ck_assert_msg(hs_wait_file_count(srv.error_log, RELOADED, 1, 3000), "-s reload: no '%s'", RELOADED);
		ck_assert_int_eq(get_root(), 0);
		break;
	case REOPENS:
		for (long long end = hs_now_ms() + 3000; !reopened && hs_now_ms() < end; )
			reopened = get_tagged("/hello.txt?", "second") &&
				   hs_wait_file_contains(srv.access_log, "second", 100);
		ck_assert_msg(reopened, "-s reopen: no new access.log");
		break;
	case QUITS:
	case STOPS:
		status = hs_wait_exit(&srv, c->expect == QUITS ? 3000 : 2000);
		ck_assert_msg(status != -1, "-s %s: master still running", c->cmd);
		ck_assert_msg(access(pid_path(), F_OK) == -1, "-s %s: pid file left behind", c->cmd);
		break;
	}
}
END_TEST

/* No server: no pid file, then a pid file naming a process that is gone. */
START_TEST(test_ctl_no_server)
{
	const struct ctl_case *c = &ctl_cases[_i];
	char out[4096], stale[32] = "";
	pid_t dead;
	int status;

	if (hs_root_init(&srv) == -1 || ops_fixtures() == -1)
		ck_abort_msg("cannot create a server root");
	srv.port = hs_free_port();
	ck_assert_int_eq(hs_write_conf(&srv, ops_conf(0, GRACEFUL_S, NULL)), 0);
	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			dead = fork();
			if (dead == 0)
				_exit(0);
			ck_assert(dead > 0 && waitpid(dead, NULL, 0) == dead);
			snprintf(stale, sizeof stale, "%d\n", (int)dead);
			ck_assert_int_eq(hs_put_str(&srv, "pfhttpd.pid", stale), 0);
		}
		status = ctl(c->cmd, out, sizeof out);
		ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 1,
			      "line %d: -s %s with %s: wait status %#x, want exit 1: %s", c->line, c->cmd,
			      round == 0 ? "no pid file" : "a stale pid file", status, out);
		stale[strcspn(stale, "\n")] = '\0';
		ck_assert_msg(strcasestr(out, "running") != NULL || strstr(out, "pfhttpd.pid") != NULL ||
			      (stale[0] != '\0' && strstr(out, stale) != NULL),
			      "-s %s with no server: the message should say no server is running "
			      "(or name the pid file or the stale pid): '%s'", c->cmd, out);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* privileges */

/* Real, effective, saved and filesystem uid all equal uid? */
static bool runs_as(pid_t pid, uid_t uid)
{
	char path[64], buf[4096], *p;
	unsigned r, e, s, f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0 || (p = strstr(buf, "\nUid:")) == NULL ||
	    sscanf(p + 5, "%u %u %u %u", &r, &e, &s, &f) != 4)
		return false;
	return r == uid && e == uid && s == uid && f == uid;
}

START_TEST(test_privilege_drop)
{
	struct passwd *pw;
	uid_t wuid, kuid;
	pid_t w[64], keeper;
	char msg[9000], req[256];
	int n;

	if (geteuid() != 0) {
		printf("test_privilege_drop: skipped (not root)\n");
		return;
	}
	if ((pw = getpwnam("www-data")) == NULL) {
		printf("test_privilege_drop: skipped (no user www-data)\n");
		return;
	}
	wuid = pw->pw_uid;
	if ((pw = getpwnam("nobody")) == NULL) {
		printf("test_privilege_drop: skipped (no user nobody)\n");
		return;
	}
	kuid = pw->pw_uid;
	if (hs_root_init(&srv) == -1 || ops_fixtures() == -1)
		ck_abort_msg("cannot create a server root");
	hs_open_root(&srv);
	ck_assert_msg(hs_start(&srv, ops_conf(0, GRACEFUL_S, "user = \"www-data\";\nkeeper_user = \"nobody\";\n"),
			       msg, sizeof msg) == 0, "start: %s", msg);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	keeper = hs_keeper_pid(srv.pid);
	ck_assert_msg(keeper > 0, "no keeper process");
	ck_assert_msg(runs_as(srv.pid, 0), "the master must stay root");
	n = hs_workers(srv.pid, w, 64);
	for (int i = 0; i < n; i++)
		ck_assert_msg(runs_as(w[i], wuid), "worker %d does not run as www-data (%u)", (int)w[i], wuid);
	ck_assert_msg(runs_as(keeper, kuid), "keeper %d does not run as nobody (%u)", (int)keeper, kuid);

	/* Only now, with the workers known not to be root, may a script try to kill. */
	snprintf(req, sizeof req, "GET /cgi-bin/ids.sh?master=%d&keeper=%d HTTP/1.1\r\nHost: a\r\n\r\n",
		 (int)srv.pid, (int)keeper);
	ck_assert_int_eq(hs_exchange(&srv, req, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	snprintf(msg, sizeof msg, "uid=%u\n", wuid);
	ck_assert_msg(strstr(resp.body, msg) != NULL, "the CGI script is not www-data: %s", resp.body);
	ck_assert_msg(strstr(resp.body, "kill master rc=") != NULL &&
		      strstr(resp.body, "kill keeper rc=") != NULL, "the script tried no kill: %s", resp.body);
	ck_assert_msg(strstr(resp.body, "rc=0") == NULL, "a script could signal the master or keeper: %s",
		      resp.body);
	ck_assert_msg(strcasestr(resp.body, "not permitted") != NULL, "want EPERM: %s", resp.body);
	hs_sleep_ms(200);
	ck_assert_msg(hs_proc_state(srv.pid) != 0 && hs_proc_state(srv.pid) != 'Z', "the master died");
	ck_assert_msg(hs_keeper_pid(srv.pid) == keeper, "the keeper died");
	ck_assert_int_eq(get_root(), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *ops_suite(void)
{
	Suite *s = suite_create("ops");
	TCase *tc;

	tc = hs_tcase("reload", 30, teardown);
	tcase_add_test(tc, test_reload_bad_config);
	tcase_add_test(tc, test_reload_new_root_no_leak);
	tcase_add_test(tc, test_reload_under_load);
	suite_add_tcase(s, tc);

	tc = hs_tcase("signals", 20, teardown);
	tcase_add_test(tc, test_reopen_logs);
	tcase_add_test(tc, test_quit_graceful);
	tcase_add_test(tc, test_quit_bounded);
	tcase_add_loop_test(tc, test_fast_stop, 0, (int)N(fast_sigs));
	suite_add_tcase(s, tc);

	tc = hs_tcase("control", 20, teardown);
	tcase_add_test(tc, test_titles);
	tcase_add_test(tc, test_pid_file);
	tcase_add_test(tc, test_second_instance);
	tcase_add_loop_test(tc, test_ctl, 0, (int)N(ctl_cases));
	tcase_add_loop_test(tc, test_ctl_no_server, 0, (int)N(ctl_cases));
	suite_add_tcase(s, tc);

	tc = hs_tcase("privileges", 20, teardown);
	tcase_add_test(tc, test_privilege_drop);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(ops_suite());
}
