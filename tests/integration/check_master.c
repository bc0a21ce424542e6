/*
 * check_master — the process model, the command line and the logs:
 * worker supervision (kill -9 a worker, it is replaced and logged), SIGTERM
 * stops everything without zombies, kill -9 of the master takes its workers
 * and the port along, config errors come out as FILE:LINE:,
 * -t checks a config, and every request leaves one Combined Log Format line.
 */
#include "harness.h"

#include <check.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#define START_WORKERS 2  /* workers.start in the harness's default config */

static struct hs_server srv;
static struct hs_response resp;
static char text[HS_MAX_RESP];

static void setup(void)
{
	hs_setup_or_abort(&srv, NULL);
}

static void setup_root_only(void)
{
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create a server root");
	}
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

static int zombies(pid_t master)
{
	pid_t kids[64];
	int n = hs_children(master, kids, 64), z = 0;

	for (int i = 0; i < n && i < 64; i++)
		z += hs_proc_state(kids[i]) == 'Z';
	return z;
}

static bool no_zombies(pid_t master, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	while (zombies(master) > 0 && hs_now_ms() < end)
		usleep(25 * 1000);
	return zombies(master) == 0;
}

static void get_ok(const struct hs_server *s)
{
	ck_assert_msg(hs_exchange(s, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &resp) == 0,
		      "no response: %.200s", resp.raw);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
}

static void copy_line(char *out, size_t cap, const char *line)
{
	size_t l = strnlen(line, cap - 1);

	memcpy(out, line, l);
	out[l] = '\0';
}

/* Does s match the extended regex re? */
static bool matches(const char *s, const char *re)
{
	regex_t rx;
	bool ok;

	ck_assert_msg(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) == 0, "bad regex %s", re);
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/* The line of file holding the decimal number n as a whole word, into out. */
static bool find_line_with_pid(const char *path, pid_t n, char *out, size_t cap, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;
	char num[32];

	snprintf(num, sizeof num, "%d", (int)n);
	do {
		ssize_t len = hs_slurp(path, text, sizeof text);

		for (char *line = text; len > 0 && line != NULL && *line != '\0'; ) {
			char *nl = strchr(line, '\n');

			if (nl != NULL)
				*nl = '\0';
			for (char *p = strstr(line, num); p != NULL; p = strstr(p + 1, num)) {
				bool left = p == line || p[-1] < '0' || p[-1] > '9';
				char r = p[strlen(num)];

				if (left && (r < '0' || r > '9') && strstr(line, "[pid ") != NULL &&
				    strstr(line, "[pid ") + 5 != p) {
					copy_line(out, cap, line);
					return true;
				}
			}
			line = nl != NULL ? nl + 1 : NULL;
		}
		usleep(50 * 1000);
	} while (hs_now_ms() < end);
	return false;
}

/* ------------------------------------------------------------------------ */
/* pool */

START_TEST(test_workers_are_children)
{
	pid_t kids[64];
	int n;

	ck_assert_msg(hs_wait_children(srv.pid, START_WORKERS, HS_TIMEOUT_MS),
		      "master has %d children, want workers.start = %d",
		      hs_workers(srv.pid, kids, 64), START_WORKERS);
	for (int i = 0; i < 10; i++)
		get_ok(&srv);
	n = hs_workers(srv.pid, kids, 64);
	ck_assert_msg(n == START_WORKERS, "after 10 requests: %d workers", n);
	ck_assert_int_eq(zombies(srv.pid), 0);
}
END_TEST

START_TEST(test_kill_worker)
{
	pid_t before[64], after[64], victim;
	int nb, na = 0;
	long long end;
	char line[2048], re[256];

	ck_assert(hs_wait_children(srv.pid, START_WORKERS, HS_TIMEOUT_MS));
	nb = hs_workers(srv.pid, before, 64);
	victim = before[0];
	ck_assert_int_eq(kill(victim, SIGKILL), 0);

	get_ok(&srv);  /* the surviving worker (or the replacement) serves */

	end = hs_now_ms() + HS_TIMEOUT_MS;
	do {
		bool fresh = false;

		na = hs_workers(srv.pid, after, 64);
		for (int i = 0; i < na && i < 64; i++)
			fresh |= !in(after[i], before, nb);
		if (na == START_WORKERS && !in(victim, after, na) && fresh && zombies(srv.pid) == 0)
			break;
		usleep(25 * 1000);
	} while (hs_now_ms() < end);
	ck_assert_msg(na == START_WORKERS, "%d workers after the kill, want %d", na, START_WORKERS);
	ck_assert_msg(!in(victim, after, na), "killed worker %d is still a child (not reaped?)", (int)victim);
	ck_assert_int_eq(zombies(srv.pid), 0);
	get_ok(&srv);

	ck_assert_msg(find_line_with_pid(srv.error_log, victim, line, sizeof line, 3000),
		      "error log never mentions the dead worker %d", (int)victim);
	snprintf(re, sizeof re,
		 "^\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 0-9][0-9] "
		 "[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\\] \\[error\\] \\[pid %d\\] .+$",
		 (int)srv.pid);
	ck_assert_msg(matches(line, re), "error-log line format: %s", line);
	ck_assert_msg(strcasestr(line, "kill") != NULL || matches(line, "[^0-9]9([^0-9]|$)"),
		      "error-log line must name the signal (9/SIGKILL): %s", line);
}
END_TEST

START_TEST(test_kill_all_workers)
{
	pid_t kids[64];
	int n;

	ck_assert(hs_wait_children(srv.pid, START_WORKERS, HS_TIMEOUT_MS));
	n = hs_workers(srv.pid, kids, 64);
	for (int i = 0; i < n && i < 64; i++)
		ck_assert_int_eq(kill(kids[i], SIGKILL), 0);
	/* SIGKILL is asynchronous: count the pool only once every victim is dead. */
	for (int i = 0; i < n && i < 64; i++) {
		long long end = hs_now_ms() + HS_TIMEOUT_MS;

		while (hs_proc_state(kids[i]) != 0 && hs_proc_state(kids[i]) != 'Z' &&
		       hs_now_ms() < end)
			usleep(10 * 1000);
	}
	ck_assert_msg(hs_wait_children(srv.pid, START_WORKERS, HS_TIMEOUT_MS),
		      "pool not refilled after all workers died");
	get_ok(&srv);
	n = hs_workers(srv.pid, kids, 64);
	ck_assert_int_eq(n, START_WORKERS);
	ck_assert_msg(no_zombies(srv.pid, 3000), "master leaves %d zombies", zombies(srv.pid));
	ck_assert_msg(hs_proc_state(srv.pid) != 0 && hs_proc_state(srv.pid) != 'Z', "master died");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* lifecycle: each test owns its server, so it can wait for the master. */

static void sigterm_stops_all(bool busy)
{
	static struct hs_server s;
	static struct hs_conn conn;
	pid_t kids[64];
	int n, st;
	char msg[9000];

	ck_assert(hs_root_init(&s) == 0 && hs_fixtures(&s) == 0);
	ck_assert_msg(hs_start(&s, NULL, msg, sizeof msg) == 0, "start: %s", msg);
	ck_assert(hs_wait_children(s.pid, START_WORKERS, HS_TIMEOUT_MS));
	n = hs_workers(s.pid, kids, 64);
	if (busy) {  /* a worker sits on an idle kept-alive connection */
		ck_assert_int_eq(hs_conn_open(&s, &conn), 0);
		ck_assert_int_eq(hs_send_str(conn.fd, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	}
	ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
	st = hs_wait_exit(&s, HS_TIMEOUT_MS);
	ck_assert_msg(st != -1, "master still running 5 s after SIGTERM");
	ck_assert_msg((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
		      (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM),
		      "master ended with wait status %#x", st);
	for (int i = 0; i < n && i < 64; i++)
		ck_assert_msg(hs_wait_gone(kids[i], 3000), "worker %d outlived the master", (int)kids[i]);
	if (busy)
		hs_conn_close(&conn);
	hs_destroy(&s);
}

START_TEST(test_sigterm)
{
	sigterm_stops_all(false);
}
END_TEST

START_TEST(test_sigterm_with_idle_connection)
{
	sigterm_stops_all(true);
}
END_TEST

/*
 * kill -9 of the master (no handler runs): its workers must not outlive it,
 * holding the port with a pool nobody supervises. Orphans come to this test
 * process (the harness makes it a subreaper), so they are stopped by pid here
 * before any assertion can end the test.
 */
START_TEST(test_sigkill_master)
{
	static struct hs_server s;
	pid_t kids[64];
	int n, st, fd, left = 0;
	long long end;
	char msg[9000];

	ck_assert(hs_root_init(&s) == 0 && hs_fixtures(&s) == 0);
	ck_assert_msg(hs_start(&s, NULL, msg, sizeof msg) == 0, "start: %s", msg);
	ck_assert(hs_wait_children(s.pid, START_WORKERS, HS_TIMEOUT_MS));
	get_ok(&s);
	n = hs_workers(s.pid, kids, 64);
	ck_assert_int_eq(n, START_WORKERS);
	ck_assert_int_eq(kill(s.pid, SIGKILL), 0);
	st = hs_wait_exit(&s, HS_TIMEOUT_MS);
	ck_assert_msg(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "master wait status %#x after SIGKILL", st);
	end = hs_now_ms() + 3000;
	for (int i = 0; i < n; i++) {
		long long ms = end - hs_now_ms();

		if (!hs_wait_gone(kids[i], ms > 0 ? (int)ms : 0))
			kids[left++] = kids[i];
	}
	fd = hs_connect(&s);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < left; i++) {
		kill(kids[i], SIGKILL);
		hs_wait_gone(kids[i], 2000);
	}
	hs_destroy(&s);
	ck_assert_msg(left == 0, "%d of %d workers still running 3 s after kill -9 of the master "
		      "(first: %d; the port %s connections)", left, n, left > 0 ? (int)kids[0] : 0,
		      fd >= 0 ? "still accepts" : "refuses");
	ck_assert_msg(fd < 0, "port %d still accepts connections after the master and its workers died",
		      s.port);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* config and command line */

static const struct bad_conf {
	int line;
	const char *desc;
	const char *body;        /* follows line 1 (listen) and line 2 (server_root) */
	int bad_line;
} bad_confs[] = {
	{ __LINE__, "syntax error", "workers = { start = ; };\n", 3 },
	{ __LINE__, "unknown top-level key", "document_root = \"htdocs\";\nbogus_key = 1;\n", 4 },
	{ __LINE__, "unknown nested key", "timeouts = {\n  header = 10;\n  bogus = 1;\n};\n", 5 },
	{ __LINE__, "wrong type", "server_name = 42;\n", 3 },
	{ __LINE__, "negative worker count", "workers = { start = -1; };\n", 3 },
	{ __LINE__, "document_root missing", "document_root = \"no-such-dir\";\n", 3 },
	{ __LINE__, "document_root is a file", "document_root = \"htdocs/hello.txt\";\n", 3 },
};

static void write_bad(int i, char *path, size_t cap)
{
	char conf[2048];

	snprintf(conf, sizeof conf, "listen = [ \"127.0.0.1:%d\" ];\nserver_root = \"%s\";\n%s",
		 hs_free_port(), srv.root, bad_confs[i].body);
	snprintf(path, cap, "%s/bad%d.conf", srv.root, i);
	snprintf(text, sizeof text, "bad%d.conf", i);
	ck_assert_int_eq(hs_put_str(&srv, text, conf), 0);
}

static void expect_bad(int i, const char *mode)
{
	const struct bad_conf *c = &bad_confs[i];
	char path[HS_PATH + 32], where[HS_PATH + 48], out[8192];
	char *argv[] = { (char *)hs_bin(), (char *)mode, "-f", path, NULL };
	int st;

	write_bad(i, path, sizeof path);
	st = hs_run(argv, HS_TIMEOUT_MS, out, sizeof out);
	ck_assert_msg(st != -1, "line %d (%s): %s still running after 5 s", c->line, c->desc, mode);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		      "line %d (%s): %s: wait status %#x, want exit 1; output: %s",
		      c->line, c->desc, mode, st, out);
	snprintf(where, sizeof where, "%s:%d:", path, c->bad_line);
	ck_assert_msg(strstr(out, where) != NULL, "line %d (%s): %s: want '%s' in: %s",
		      c->line, c->desc, mode, where, out);
}

START_TEST(test_bad_conf_foreground)
{
	expect_bad(_i, "-F");
}
END_TEST

START_TEST(test_bad_conf_check)
{
	expect_bad(_i, "-t");
}
END_TEST

START_TEST(test_good_conf_check)
{
	char out[8192];
	char *argv[] = { (char *)hs_bin(), "-t", "-f", srv.conf, NULL };
	int st;

	srv.port = hs_free_port();
	ck_assert_int_eq(hs_write_conf(&srv, NULL), 0);
	st = hs_run(argv, HS_TIMEOUT_MS, out, sizeof out);
	ck_assert_msg(st != -1, "-t did not exit");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "-t: wait status %#x: %s", st, out);
	ck_assert_msg(strstr(out, "syntax OK") != NULL, "-t output: %s", out);
}
END_TEST

START_TEST(test_unknown_option)
{
	char out[8192];
	char *argv[] = { (char *)hs_bin(), "-Z", NULL };
	int st = hs_run(argv, HS_TIMEOUT_MS, out, sizeof out);

	ck_assert_msg(st != -1, "pfhttpd -Z did not exit");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "-Z: wait status %#x, want exit 2: %s", st, out);
	ck_assert_msg(out[0] != '\0', "a usage message is expected");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* logs */

/* Wait for the access-log lines holding needle; how many. */
static int access_lines(const char *needle, char *first, size_t cap, int want, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;
	int n;

	do {
		ssize_t len = hs_slurp(srv.access_log, text, sizeof text);

		n = 0;
		for (char *line = text; len > 0 && line != NULL && *line != '\0'; ) {
			char *nl = strchr(line, '\n');

			if (nl != NULL)
				*nl = '\0';
			if (strstr(line, needle) != NULL && n++ == 0)
				copy_line(first, cap, line);
			line = nl != NULL ? nl + 1 : NULL;
		}
		if (n >= want)
			return n;
		usleep(25 * 1000);
	} while (hs_now_ms() < end);
	return n;
}

#define CLF_TIME "\\[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\\]"

START_TEST(test_access_log_line)
{
	char tag[64], req[512], line[2048], re[1024];

	snprintf(tag, sizeof tag, "alog%d%lld", (int)getpid(), hs_now_ms());
	snprintf(req, sizeof req, "GET /hello.txt?%s HTTP/1.1\r\nHost: localhost\r\n"
		 "Referer: http://ref.example/x\r\nUser-Agent: pfhttpd-test/1.0\r\n\r\n", tag);
	ck_assert_int_eq(hs_exchange(&srv, req, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(access_lines(tag, line, sizeof line, 1, 3000) == 1, "no access-log line for %s", tag);
	snprintf(re, sizeof re, "^127\\.0\\.0\\.1 - - " CLF_TIME
		 " \"GET /hello\\.txt\\?%s HTTP/1\\.1\" 200 14 \"http://ref\\.example/x\" \"pfhttpd-test/1\\.0\"$", tag);
	ck_assert_msg(matches(line, re), "not Combined Log Format: %s", line);
}
END_TEST

START_TEST(test_access_log_404_and_count)
{
	static struct hs_conn conn;
	char tag[64], req[512], line[2048], re[1024];
	const char *cl;
	int n;

	snprintf(tag, sizeof tag, "miss%d%lld", (int)getpid(), hs_now_ms());
	snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: localhost\r\n\r\n", tag);
	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 404);
	cl = hs_hdr(&resp, "Content-Length");
	ck_assert_ptr_nonnull(cl);
	snprintf(req, sizeof req, "HEAD /%s HTTP/1.1\r\nHost: localhost\r\n\r\n", tag);
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_int_eq(hs_read_response(&conn, &resp, true, HS_TIMEOUT_MS), 0);
	hs_conn_close(&conn);

	n = access_lines(tag, line, sizeof line, 2, 3000);
	ck_assert_msg(n == 2, "%d access-log lines for 2 requests", n);
	snprintf(re, sizeof re, "^127\\.0\\.0\\.1 - - " CLF_TIME " \"GET /%s HTTP/1\\.1\" 404 %s \"-\" \"-\"$",
		 tag, cl);
	ck_assert_msg(matches(line, re), "404 line: %s (want size %s)", line, cl);
	usleep(300 * 1000);
	ck_assert_int_eq(access_lines(tag, line, sizeof line, 3, 0), 2);
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *tcase(const char *name, void (*su)(void))
{
	TCase *tc = tcase_create(name);

	if (su != NULL)
		tcase_add_unchecked_fixture(tc, su, teardown);
	tcase_set_timeout(tc, 30);
	return tc;
}

static Suite *master_suite(void)
{
	Suite *s = suite_create("master");
	TCase *tc;
	int nbad = (int)(sizeof bad_confs / sizeof bad_confs[0]);

	tc = tcase("pool", setup);
	tcase_add_test(tc, test_workers_are_children);
	tcase_add_test(tc, test_kill_worker);
	tcase_add_test(tc, test_kill_all_workers);
	suite_add_tcase(s, tc);

	tc = tcase("lifecycle", NULL);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_sigterm_with_idle_connection);
	tcase_add_test(tc, test_sigkill_master);
	suite_add_tcase(s, tc);

	tc = tcase("config", setup_root_only);
	tcase_add_loop_test(tc, test_bad_conf_foreground, 0, nbad);
	tcase_add_loop_test(tc, test_bad_conf_check, 0, nbad);
	tcase_add_test(tc, test_good_conf_check);
	tcase_add_test(tc, test_unknown_option);
	suite_add_tcase(s, tc);

	tc = tcase("logs", setup);
	tcase_add_test(tc, test_access_log_line);
	tcase_add_test(tc, test_access_log_404_and_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(master_suite());
}
