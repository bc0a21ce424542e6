/*
 * check_lifecycle — the master's life as a service manager and an operator
 * see it: the sd_notify messages around start, reload (good and broken) and
 * stop, for a socket path and for the abstract "@name" form; the back-off
 * that stops a pool whose workers die right after starting from forking
 * hundreds of them; and the log line and the replacement when a worker is
 * killed in the middle of a request.
 *
 * Every test owns its server (started in the test, stopped by teardown, by
 * pid). The notify socket is the test's own AF_UNIX datagram socket; every
 * read from it is bounded by poll().
 *
 * Log lines relied on (error log):
 *   "workers die right after starting; next start in N s"
 *   "worker PID (slot N) killed by signal 9 (Killed) while idle; starting a replacement"
 *   "... while serving \"GET /cgi-bin/sleep2.sh HTTP/1.1\"; starting a replacement"
 *   "configuration reloaded (generation N)", "reload failed: ..."
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOTIFY_MS     5000          /* one expected notify datagram */
#define QUIET_MS      300           /* no datagram may follow the last one this long */
#define KILL_FOR_MS   4000          /* how long the crash test kills every worker */
#define KILL_POLL_MS  5
#define MAX_FORKS     20            /* workers forked while killing; hundreds without back-off */
#define BACKOFF_LINE  "workers die right after starting; next start in "
#define RELOADED      "configuration reloaded (generation "
#define RELOAD_BAD    "reload failed:"
#define CGI_CONF      "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n" \
		      "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n"
#define HELLO_REQ     "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
#define SLEEP_REQ     "GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];
static int notify_fd = -1;

static void teardown(void)
{
	hs_destroy(&srv);
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}

/* Root, fixtures and cgi-bin/ (tests/integration/cgi); start with CGI on plus more. */
static void start(const char *more)
{
	char extra[2048], msg[9000];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 || hs_copy_cgi(&srv, "cgi-bin") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	snprintf(extra, sizeof extra, CGI_CONF "%s", srv.root, more);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static bool in(pid_t p, const pid_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == p)
			return true;
	return false;
}

static int get_status(const char *req)
{
	return hs_exchange(&srv, req, &resp) == 0 ? resp.status : -1;
}


/* The error log, for failure messages. */
static const char *error_log(void)
{
	static char buf[8192];
	ssize_t n = hs_slurp(srv.error_log, buf, sizeof buf);

	return n > 0 ? buf : "(empty)";
}

/* ------------------------------------------------------------------------ */
/* sd_notify */

/*
 * Bind an AF_UNIX datagram socket the way $NOTIFY_SOCKET names it: a path,
 * or "@name" for Linux's abstract namespace (a leading NUL, no file).
 */
static int notify_bind(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	socklen_t salen;
	int fd;

	ck_assert_msg(len < sizeof sa.sun_path, "socket name too long: %s", name);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, salen) == 0, "bind %s: %s", name, strerror(errno));
	return fd;
}

/* The next datagram within timeout_ms into buf (NUL-terminated): its length, or -1. */
static ssize_t notify_read(char *buf, size_t cap, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = notify_fd, .events = POLLIN };
		long long left = end - hs_now_ms();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(notify_fd, buf, cap - 1, MSG_DONTWAIT);
		if (n >= 0) {
			buf[n] = '\0';
			return n;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

/* The next datagram is exactly want (after what). */
static void expect_notify(const char *want, const char *what)
{
	char got[512];

	ck_assert_msg(notify_read(got, sizeof got, NOTIFY_MS) >= 0,
		      "no notify datagram within %d ms %s (want \"%s\"); error log:\n%s",
		      NOTIFY_MS, what, want, error_log());
	ck_assert_msg(strcmp(got, want) == 0, "notify %s: got \"%s\", want \"%s\"", what, got, want);
}

static void expect_quiet(const char *what)
{
	char got[512];

	ck_assert_msg(notify_read(got, sizeof got, QUIET_MS) == -1,
		      "an extra notify datagram %s: \"%s\"", what, got);
}

/*
 * Start with $NOTIFY_SOCKET naming our socket (a path in the server root, or
 * an abstract "@name"), then: READY=1 once the pool is up; a good reload and
 * a broken one each RELOADING=1 then READY=1 (the broken one changes
 * nothing, the server still answers); SIGTERM STOPPING=1, and nothing after.
 */
static void notify_cycle(bool abstract)
{
	const char *extra = "status = { };\n";
	char name[HS_PATH], msg[9000];
	pid_t kids[64];
	int rc, st;

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	if (abstract)
		snprintf(name, sizeof name, "@pfhttpd-test-notify-%d-%lld", (int)getpid(), hs_now_ms());
	else
		snprintf(name, sizeof name, "%s/notify.sock", srv.root);
	notify_fd = notify_bind(name);
	/* The server inherits the test's environment; nothing else started here should. */
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	rc = hs_start(&srv, extra, msg, sizeof msg);
	unsetenv("NOTIFY_SOCKET");
	ck_assert_msg(rc == 0, "cannot start %s: %s", hs_bin(), msg);

	expect_notify("READY=1", "after start");
	/* The master forks the pool before it says READY. */
	ck_assert_int_ge(hs_children(srv.pid, kids, 64), 2);
	ck_assert_int_eq(get_status(HELLO_REQ), 200);
	expect_quiet("after READY=1");

	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_notify("RELOADING=1", "after SIGHUP");
	expect_notify("READY=1", "after RELOADING=1 (good config)");
	ck_assert_msg(hs_wait_file_contains(srv.error_log, RELOADED, HS_TIMEOUT_MS),
		      "no '%s' line: %s", RELOADED, error_log());
	ck_assert_int_eq(get_status(HELLO_REQ), 200);
	expect_quiet("after the good reload");

	ck_assert_int_eq(hs_write_conf(&srv, "workers = { start = ; };\n"), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_notify("RELOADING=1", "after SIGHUP with a broken config");
	expect_notify("READY=1", "after RELOADING=1 (broken config)");
	ck_assert_msg(hs_wait_file_contains(srv.error_log, RELOAD_BAD, HS_TIMEOUT_MS),
		      "no '%s' line: %s", RELOAD_BAD, error_log());
	ck_assert_int_eq(get_status(HELLO_REQ), 200);
	/* Still the first configuration: its status page answers. */
	ck_assert_int_eq(get_status("GET /server-status?auto HTTP/1.1\r\nHost: localhost\r\n"
				    "Connection: close\r\n\r\n"), 200);
	expect_quiet("after the failed reload");

	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	expect_notify("STOPPING=1", "after SIGTERM");
	st = hs_wait_exit(&srv, HS_TIMEOUT_MS);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the master did not exit 0 within %d ms of SIGTERM (status %d)", HS_TIMEOUT_MS, st);
	expect_quiet("after STOPPING=1");
}

START_TEST(test_notify_path)
{
	notify_cycle(false);
}
END_TEST

START_TEST(test_notify_abstract)
{
	notify_cycle(true);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Crash back-off */

/* N of the last "next start in N s" line, or -1; how many such lines, and the largest N. */
static int last_backoff(int *count, int *max)
{
	ssize_t len = hs_slurp(srv.error_log, text, sizeof text);
	int n = -1;

	*count = 0;
	*max = -1;
	for (char *p = text; len > 0 && (p = strstr(p, BACKOFF_LINE)) != NULL; p++)
		if (sscanf(p + strlen(BACKOFF_LINE), "%d s", &n) == 1) {
			++*count;
			if (n > *max)
				*max = n;
		}
	return n;
}

/*
 * Kill every worker as soon as it shows up, for KILL_FOR_MS: each dies well
 * within a second of its start, so the master must wait 1, 2, 4 ... s
 * between forks instead of forking hundreds. Once the killing stops, the
 * pool is back within the last announced delay (plus slack).
 *
 * The master counts a death as a crash when it falls in the same second
 * (time()) as the fork, so now and then one kill does not count and resets
 * the delay; nothing below depends on the exact sequence of delays, only on
 * the last one announced and on the delay having grown past 1 s.
 */
START_TEST(test_crash_backoff)
{
	pid_t seen[256], w[16];
	int nseen = 0, announced, n, secs, most;
	long long end, last_kill = 0, back;
	char want[64], line[1024];

	start("workers = { start = 2; min_spare = 0; max_spare = 2; max = 4; };\n");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	end = hs_now_ms() + KILL_FOR_MS;
	while (hs_now_ms() < end) {
		n = hs_workers(srv.pid, w, 16);
		for (int i = 0; i < n && i < 16; i++) {
			if (!in(w[i], seen, nseen) && nseen < 256)
				seen[nseen++] = w[i];
			kill(w[i], SIGKILL);
			last_kill = hs_now_ms();
		}
		hs_sleep_ms(KILL_POLL_MS);
	}
	ck_assert_msg(hs_wait_file_contains(srv.error_log, BACKOFF_LINE, 1000),
		      "no '%s' line after killing %d workers: %s", BACKOFF_LINE, nseen, error_log());
	ck_assert_msg(nseen >= 2 && nseen < MAX_FORKS,
		      "%d workers forked in %d ms of killing them at start (want 2..%d): no back-off?",
		      nseen, KILL_FOR_MS, MAX_FORKS - 1);
	snprintf(want, sizeof want, "worker %d (slot ", (int)seen[0]);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, want, 1000) &&
		      hs_find_line(srv.error_log, want, "killed by signal 9 (Killed) while idle; starting a replacement",
			       line, sizeof line),
		      "no 'killed by signal 9 (Killed) while idle' line for worker %d: %s",
		      (int)seen[0], error_log());
	hs_sleep_ms(100);  /* the last death's line is written when it is reaped */
	secs = last_backoff(&announced, &most);
	ck_assert_msg(secs >= 1 && secs <= 32, "bad back-off in the log: %s", error_log());
	ck_assert_msg(most >= 2, "the delay never grew past %d s: %s", most, error_log());
	/* The pool comes back by itself once workers stop dying. */
	back = last_kill + secs * 1000LL + 2000 - hs_now_ms();
	ck_assert_msg(hs_wait_children(srv.pid, 2, back > 0 ? (int)back : 0),
		      "no 2 workers within %d s (+2) of the last kill (%d back-off lines, last %d s): %s",
		      secs, announced, secs, error_log());
	ck_assert_int_eq(get_status(HELLO_REQ), 200);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* A worker killed while serving */

/* The worker running a process whose command line holds needle (and that process), or 0. */
static pid_t worker_running(const char *needle, pid_t *script)
{
	pid_t w[16], d[64];
	int n = hs_workers(srv.pid, w, 16);

	for (int i = 0; i < n && i < 16; i++) {
		int nd = hs_descendants(w[i], d, 64);

		for (int j = 0; j < nd && j < 64; j++) {
			char cmd[512];

			if (hs_cmdline(d[j], cmd, sizeof cmd) > 0 && strstr(cmd, needle) != NULL) {
				*script = d[j];
				return w[i];
			}
		}
	}
	return 0;
}

/*
 * SIGKILL the worker running a slow CGI request: the master logs its pid,
 * the signal and the request line, the client sees the connection end
 * without a response, and a replacement joins the pool.
 */
START_TEST(test_killed_while_serving)
{
	static struct hs_conn c;
	char want[256], line[1024];
	pid_t victim = 0, script = 0, w[16];
	long long end;
	int n;

	start("");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, SLEEP_REQ), 0);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while ((victim = worker_running("sleep2.sh", &script)) == 0 && hs_now_ms() < end)
		hs_sleep_ms(10);
	ck_assert_msg(victim > 0, "no worker ran sleep2.sh within %d ms", HS_TIMEOUT_MS);
	ck_assert_int_eq(kill(victim, SIGKILL), 0);

	snprintf(want, sizeof want, "worker %d (slot ", (int)victim);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, want, HS_TIMEOUT_MS),
		      "no '%s' line: %s", want, error_log());
	ck_assert(hs_find_line(srv.error_log, want, NULL, line, sizeof line));
	ck_assert_msg(strstr(line, ") killed by signal 9 (Killed) while serving "
			     "\"GET /cgi-bin/sleep2.sh HTTP/1.1\"; starting a replacement") != NULL,
		      "unexpected line: %s", line);
	/* The connection ends with no response: nobody else holds it. */
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1, "the client's connection stays open");
	ck_assert_msg(c.len == 0, "bytes after the worker died: %.*s", (int)c.len, c.buf);
	hs_conn_close(&c);
	/*
	 * A replacement: two live workers again, the victim not among them
	 * (after at most the 1 s back-off, should the victim have been forked
	 * in the same second as it died).
	 */
	end = hs_now_ms() + HS_TIMEOUT_MS;
	do {
		n = hs_workers(srv.pid, w, 16);
		if (n == 2 && !in(victim, w, n))
			break;
		hs_sleep_ms(25);
	} while (hs_now_ms() < end);
	ck_assert_msg(n == 2 && !in(victim, w, n), "the pool was not replenished: %d workers", n);
	ck_assert_int_eq(get_status(HELLO_REQ), 200);
	/* The orphaned script ends by itself within its 2 s; do not leave it behind the test. */
	hs_wait_gone(script, 4000);
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *tcase(const char *name, int timeout_s)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, timeout_s);
	return tc;
}

static Suite *lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc;

	tc = tcase("notify", 30);
	tcase_add_test(tc, test_notify_path);
	tcase_add_test(tc, test_notify_abstract);
	suite_add_tcase(s, tc);

	tc = tcase("backoff", 40);
	tcase_add_test(tc, test_crash_backoff);
	suite_add_tcase(s, tc);

	tc = tcase("crash", 30);
	tcase_add_test(tc, test_killed_while_serving);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(lifecycle_suite());
}
