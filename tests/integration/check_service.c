/*
 * check_service — the LSB init script etc/init.d/pfhttpd driving the real
 * binary: start (the server answers), status (0 running, 1 dead with its
 * pid file left, 3 stopped), reload (the new configuration is served by the
 * same master), configtest, a broken configuration refused by reload and
 * restart while the server keeps answering, start with a broken
 * configuration, stop and graceful-stop (the master is gone, its pid file
 * removed).
 *
 * The script runs as it would from /etc/init.d, pointed at the binary under
 * test and a generated configuration through its environment overrides
 * (DAEMON, CONF); the pid file is the configuration's pid_file, found by the
 * script itself. Without start-stop-daemon every test prints "SKIP: ..."
 * and passes.
 *
 * Processes: pfhttpd detaches, so its master is nobody's child. The test
 * process makes itself a child subreaper, so the master is re-parented to
 * it and can be reaped the moment it exits; run_script() therefore reaps
 * any child while it waits for the script (start-stop-daemon --stop waits
 * for the master to disappear, and a zombie never does).
 *
 * Failures: Check ends a failing test process with _exit(), so the steps
 * fail through NEED(), which records the message and longjmp()s back to
 * run(); run() always stops the master by its pid (TERM, then KILL to its
 * process group) and only then reports the failure to Check.
 */
#include "harness.h"

#include <check.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#define SCRIPT_MS   20000  /* bound for one run of the init script (stop may wait 10 s) */
#define ANSWER_MS   5000   /* bound for the server to answer after start or reload */

/* LSB init script exit codes (LSB core, "Init Script Actions"). */
#define LSB_RUNNING        0
#define LSB_DEAD_PIDFILE   1
#define LSB_NOT_RUNNING    3
#define LSB_START_FAILED   1

static struct hs_server srv;
static struct hs_response resp;
static char out[16384];
static char pid_path[HS_PATH * 2];
static pid_t master;             /* the last master seen in the pid file */

static jmp_buf fail_jmp;
static char fail_msg[1024];

#define NEED(cond, ...) do { if (!(cond)) need_failed(__LINE__, __VA_ARGS__); } while (0)

__attribute__((format(printf, 2, 3), noreturn))
static void need_failed(int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(fail_msg, sizeof fail_msg, "line %d: ", line);

	va_start(ap, fmt);
	vsnprintf(fail_msg + n, sizeof fail_msg - (size_t)n, fmt, ap);
	va_end(ap);
	longjmp(fail_jmp, 1);
}

static bool have_start_stop_daemon(void)
{
	/* The script's own PATH. */
	static const char *const dirs[] = {
		"/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin", "/usr/sbin", "/usr/bin",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/start-stop-daemon", dirs[i]);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

static const char *script_path(void)
{
	static char path[PATH_MAX];
	const char *src = getenv("PFHTTPD_SRC");

	snprintf(path, sizeof path, "%s/etc/init.d/pfhttpd",
		 src != NULL && *src != '\0' ? src : ".");
	return path;
}

/* The environment the script reads: the binary under test and our config. */
static void script_env(void)
{
	char bin[PATH_MAX];

	NEED(realpath(hs_bin(), bin) != NULL, "no binary at %s", hs_bin());
	setenv("DAEMON", bin, 1);
	setenv("CONF", srv.conf, 1);
	unsetenv("PIDFILE");       /* the script must find the config's pid_file */
	unsetenv("DAEMON_OPTS");
	setenv("SYSTEMCTL_SKIP_REDIRECT", "1", 1);
}

/*
 * sh etc/init.d/pfhttpd action, bounded; its stdout and stderr into out.
 * Returns its exit status. Reaps every other child meanwhile (see above).
 */
static int run_script(const char *action)
{
	char tmp[] = "/tmp/pfhttpd-service-XXXXXX";
	int fd = mkstemp(tmp), st = -1;
	long long end = hs_now_ms() + SCRIPT_MS;
	pid_t pid;

	NEED(fd != -1, "mkstemp");
	pid = fork();
	NEED(pid != -1, "fork");
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execl("/bin/sh", "sh", script_path(), action, (char *)NULL);
		_exit(127);
	}
	close(fd);
	for (;;) {
		int s;
		pid_t r = waitpid(-1, &s, WNOHANG);

		if (r == pid) {
			st = s;
			break;
		}
		if (r > 0)
			continue;               /* a re-parented master or its helper */
		if (hs_now_ms() > end) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		usleep(20 * 1000);
	}
	hs_slurp(tmp, out, sizeof out);
	unlink(tmp);
	NEED(st != -1, "init script %s did not finish within %d ms: %s", action, SCRIPT_MS, out);
	NEED(WIFEXITED(st), "init script %s died of signal %d: %s", action,
	     WIFSIGNALED(st) ? WTERMSIG(st) : 0, out);
	return WEXITSTATUS(st);
}

static void expect_script(const char *action, int want)
{
	int rc = run_script(action);

	NEED(rc == want, "'%s' exited %d, want %d; output: %s", action, rc, want, out);
}

/* The pid in the pid file, or 0. */
static pid_t pidfile_pid(void)
{
	char buf[64];

	if (hs_slurp(pid_path, buf, sizeof buf) <= 0)
		return 0;
	return (pid_t)atoi(buf);
}

static bool answers(const char *body, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	do {
		if (hs_exchange(&srv, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &resp) == 0 &&
		    resp.status == 200 && strcmp(resp.body, body) == 0)
			return true;
		usleep(50 * 1000);
	} while (hs_now_ms() < end);
	return false;
}

static void need_answer(const char *body, const char *when)
{
	NEED(answers(body, ANSWER_MS), "%s: GET /hello.txt: status %d, body %.100s (want %.100s)",
	     when, resp.status, resp.body, body);
}

/*
 * The configuration: the harness's, on a free port, with a pid_file the
 * script must find and resolve against server_root. allow_root: the tests
 * may run as root, and the temporary root is not readable by any user to
 * switch to.
 */
static const char *conf_extra(const char *more)
{
	static char extra[1024];

	snprintf(extra, sizeof extra,
		 "pid_file = \"run/server.pid\";\nallow_root = true;\n%s", more);
	return extra;
}

static void write_conf(const char *more)
{
	NEED(hs_write_conf(&srv, conf_extra(more)) == 0, "cannot write %s", srv.conf);
}

/* Append an unknown key; *line: its line number. */
static void break_conf(int *line)
{
	char text[8192];
	ssize_t n = hs_slurp(srv.conf, text, sizeof text);
	FILE *f;

	NEED(n > 0, "cannot read %s", srv.conf);
	*line = 1;
	for (ssize_t i = 0; i < n; i++)
		*line += text[i] == '\n';
	f = fopen(srv.conf, "ae");
	NEED(f != NULL, "cannot append to %s", srv.conf);
	fprintf(f, "listne = [ \"127.0.0.1:1\" ];\n");
	fclose(f);
}

static void need_line_in_out(int line)
{
	char want[HS_PATH + 32];

	snprintf(want, sizeof want, "%s:%d:", srv.conf, line);
	NEED(strstr(out, want) != NULL, "output does not name %s: %s", want, out);
}

static void start_ok(void)
{
	expect_script("start", 0);
	master = pidfile_pid();
	NEED(master > 0, "no pid in %s after start; output: %s", pid_path, out);
	NEED(kill(master, 0) == 0, "pid %d from %s is not running", (int)master, pid_path);
	need_answer(HS_HELLO, "after start");
}

static void stopped_ok(const char *how)
{
	NEED(hs_wait_gone(master, 3000), "master %d still there after %s", (int)master, how);
	NEED(access(pid_path, F_OK) != 0, "%s still exists after %s", pid_path, how);
	expect_script("status", LSB_NOT_RUNNING);
}

/* Stop whatever master this test started, by its pid. */
static void stop_master(void)
{
	pid_t p = pidfile_pid();

	if (p <= 0)
		p = master;
	if (p <= 0 || kill(p, 0) != 0)
		return;
	kill(p, SIGTERM);
	if (!hs_wait_gone(p, 3000)) {
		kill(-p, SIGKILL);          /* pfhttpd leads its own process group */
		kill(p, SIGKILL);
		hs_wait_gone(p, 2000);
	}
}

static void run(void (*scenario)(void))
{
	if (!have_start_stop_daemon()) {
		printf("SKIP: start-stop-daemon not found (Debian package dpkg)\n");
		fflush(stdout);
		return;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fail_msg[0] = '\0';
	master = 0;
	if (setjmp(fail_jmp) == 0) {
		NEED(hs_root_init(&srv) == 0 && hs_fixtures(&srv) == 0, "cannot create a server root");
		NEED(hs_put_str(&srv, "run/.keep", "") == 0, "cannot create run/");
		srv.port = hs_free_port();
		NEED(srv.port > 0, "no free port");
		snprintf(pid_path, sizeof pid_path, "%s/run/server.pid", srv.root);
		script_env();
		write_conf("");
		scenario();
	}
	stop_master();
	hs_destroy(&srv);
	if (fail_msg[0] != '\0')
		ck_abort_msg("%s", fail_msg);
}

/* ------------------------------------------------------------------------ */

static void lifecycle(void)
{
	int line;

	expect_script("status", LSB_NOT_RUNNING);
	start_ok();
	expect_script("status", LSB_RUNNING);

	expect_script("reload", 0);
	need_answer(HS_HELLO, "after reload");
	NEED(pidfile_pid() == master, "reload replaced the master %d by %d", (int)master,
	     (int)pidfile_pid());
	expect_script("status", LSB_RUNNING);

	expect_script("configtest", 0);
	NEED(strstr(out, "syntax OK") != NULL, "configtest printed: %s", out);

	break_conf(&line);
	NEED(run_script("configtest") != 0, "configtest accepted a broken configuration: %s", out);
	need_line_in_out(line);
	NEED(run_script("reload") != 0, "reload accepted a broken configuration: %s", out);
	need_line_in_out(line);
	need_answer(HS_HELLO, "after a refused reload");
	NEED(pidfile_pid() == master, "a refused reload changed the master");
	expect_script("status", LSB_RUNNING);

	write_conf("");
	expect_script("stop", 0);
	stopped_ok("stop");
}

START_TEST(test_lifecycle)
{
	run(lifecycle);
}
END_TEST

/* reload really applies the new configuration, in the same master. */
static void reload_applies(void)
{
	NEED(hs_put_str(&srv, "htdocs2/hello.txt", "reloaded\n") == 0 &&
	     hs_put_str(&srv, "htdocs2/errors/404.html", "not here\n") == 0, "cannot write htdocs2/");
	start_ok();
	write_conf("document_root = \"htdocs2\";\n");
	expect_script("reload", 0);
	need_answer("reloaded\n", "after reload to htdocs2");
	NEED(pidfile_pid() == master, "reload replaced the master");
	expect_script("force-reload", 0);
	need_answer("reloaded\n", "after force-reload");
	expect_script("stop", 0);
	stopped_ok("stop");
}

START_TEST(test_reload_applies)
{
	run(reload_applies);
}
END_TEST

/* restart checks the configuration first and leaves a working server alone. */
static void restart_refuses_broken(void)
{
	int line;

	start_ok();
	break_conf(&line);
	NEED(run_script("restart") != 0, "restart accepted a broken configuration: %s", out);
	need_line_in_out(line);
	NEED(kill(master, 0) == 0 && pidfile_pid() == master, "a refused restart stopped the master");
	need_answer(HS_HELLO, "after a refused restart");

	write_conf("");
	expect_script("restart", 0);
	NEED(hs_wait_gone(master, 3000), "restart left the old master %d", (int)master);
	master = pidfile_pid();
	NEED(master > 0, "no pid file after restart: %s", out);
	need_answer(HS_HELLO, "after restart");
	expect_script("stop", 0);
	stopped_ok("stop");
}

START_TEST(test_restart_refuses_broken)
{
	run(restart_refuses_broken);
}
END_TEST

/* LSB: start when running and stop when stopped succeed and change nothing. */
static void idempotent(void)
{
	expect_script("stop", 0);
	expect_script("status", LSB_NOT_RUNNING);
	start_ok();
	expect_script("start", 0);
	NEED(pidfile_pid() == master, "a second start replaced the master");
	need_answer(HS_HELLO, "after a second start");
	expect_script("stop", 0);
	stopped_ok("stop");
	expect_script("stop", 0);
}

START_TEST(test_idempotent)
{
	run(idempotent);
}
END_TEST

/* A broken configuration: start fails, names FILE:LINE:, nothing runs. */
static void start_broken(void)
{
	int line;

	break_conf(&line);
	NEED(run_script("start") == LSB_START_FAILED, "start with a broken configuration: %s", out);
	need_line_in_out(line);
	NEED(pidfile_pid() == 0, "a pid file after a failed start");
	expect_script("status", LSB_NOT_RUNNING);
}

START_TEST(test_start_broken)
{
	run(start_broken);
}
END_TEST

/* A master killed with SIGKILL leaves its pid file: status 1, stop cleans up. */
static void dead_master(void)
{
	start_ok();
	NEED(kill(master, SIGKILL) == 0, "kill -9 %d", (int)master);
	NEED(hs_wait_gone(master, 3000), "master survived SIGKILL");
	expect_script("status", LSB_DEAD_PIDFILE);
	expect_script("stop", 0);
	NEED(access(pid_path, F_OK) != 0, "stop left the stale %s", pid_path);
	expect_script("status", LSB_NOT_RUNNING);
}

START_TEST(test_dead_master)
{
	run(dead_master);
}
END_TEST

/* graceful-stop (QUIT) with nothing in flight ends well within the bound. */
static void graceful_stop(void)
{
	long long t0;

	start_ok();
	t0 = hs_now_ms();
	expect_script("graceful-stop", 0);
	NEED(hs_now_ms() - t0 < 10000, "graceful-stop of an idle server took %lld ms",
	     hs_now_ms() - t0);
	stopped_ok("graceful-stop");
}

START_TEST(test_graceful_stop)
{
	run(graceful_stop);
}
END_TEST

/* An unknown action: usage on stderr, LSB exit 2. */
static void usage(void)
{
	expect_script("frobnicate", 2);
	NEED(strstr(out, "Usage:") != NULL, "no usage: %s", out);
}

START_TEST(test_usage)
{
	run(usage);
}
END_TEST

static Suite *service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("init_script");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_reload_applies);
	tcase_add_test(tc, test_restart_refuses_broken);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_start_broken);
	tcase_add_test(tc, test_dead_master);
	tcase_add_test(tc, test_graceful_stop);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(service_suite());
}
