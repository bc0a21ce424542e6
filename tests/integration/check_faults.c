/*
 * check_faults — the error paths of the real server, provoked by fault
 * injection: the server runs under libfiu's preload libraries (Debian's
 * fiu-utils: fiu_run_preload.so gives each process a control FIFO,
 * fiu_posix_preload.so wraps malloc, fork, bind, write...) plus our
 * fiu_extra.so for the Linux calls libfiu does not wrap (accept4, pipe2,
 * epoll_pwait, sendfile, openat2). This is what `fiu-run -x` does, with one
 * more library in LD_PRELOAD. A failure is switched on in ONE process, the
 * master, the keeper or a worker, by its pid with fiu-ctrl, and each test
 * asserts what the server must then do: the status it answers, its
 * error-log line, and that it serves again once the fault is gone.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIU_LIBS "/usr/lib/fiu"
#define GET_HELLO "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
#define GET_CGI   "GET /cgi-bin/status.sh HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

/* One worker: a fault switched on in it meets the next request for sure. */
#define ONE_WORKER "workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 0; };\n"
#define CGI_CONF \
	"cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n" \
	"  path = \"/usr/bin:/bin\"; };\n"

static struct hs_server srv;
static struct hs_response resp;
static char fifo[HS_PATH + 16], preload[3 * PATH_MAX], enable_env[512];
static const char *wrap[8];
static const char *soft_nofile; /* "--nofile=SOFT:HARD" for prlimit(1), or NULL */

static void teardown(void)
{
	hs_destroy(&srv);
}

/* The directory of this suite's binary, where make puts fiu_extra.so. */
static void extra_lib(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	ck_assert_msg(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	ck_assert_msg((size_t)snprintf(out, cap, "%s/fiu_extra.so", self) < cap, "path too long");
}

/*
 * Start the server under the fault-injection libraries with config extra
 * (one %s: the server root) and the fiu commands in enable ("" for none),
 * which are in force from its first instruction on.
 */
static void start(const char *extra, const char *enable)
{
	char conf[2048], msg[9000], lib[PATH_MAX];

	extra_lib(lib, sizeof lib);
	ck_assert_msg(access(FIU_LIBS "/fiu_posix_preload.so", R_OK) == 0 && access(lib, R_OK) == 0,
		      "fault injection needs Debian's fiu-utils and %s (make deps; make integration)", lib);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 || hs_copy_cgi(&srv, "cgi-bin") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	snprintf(fifo, sizeof fifo, "FIU_CTRL_FIFO=%s/fiu", srv.root);
	snprintf(enable_env, sizeof enable_env, "FIU_ENABLE=%s", enable);
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s/fiu_run_preload.so %s/fiu_posix_preload.so",
		 lib, FIU_LIBS, FIU_LIBS);
	wrap[0] = "env";
	wrap[1] = fifo;
	wrap[2] = enable_env;
	wrap[3] = preload;
	wrap[4] = soft_nofile != NULL ? "prlimit" : NULL;
	wrap[5] = soft_nofile;
	wrap[6] = NULL;
	srv.wrap = wrap;
	snprintf(conf, sizeof conf, extra, srv.root);
	if (hs_start(&srv, conf, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

/* fiu-ctrl -c cmd pid: switch a failure point of that one process on or off. */
static void fiu_ctrl(pid_t pid, const char *cmd)
{
	char pidbuf[16], prefix[HS_PATH + 8], out[2048];
	char *argv[] = { "fiu-ctrl", "-f", prefix, "-c", (char *)cmd, pidbuf, NULL };
	int st;

	ck_assert_int_gt(pid, 1);
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
	snprintf(prefix, sizeof prefix, "%s/fiu", srv.root);
	st = hs_run(argv, HS_TIMEOUT_MS * hs_timeout_scale(), out, sizeof out);
	ck_assert_msg(st == 0, "fiu-ctrl -c '%s' %d: status %d: %s", cmd, (int)pid, st, out);
}

static void fiu_ctrl_workers(const char *cmd)
{
	pid_t w[16];
	int n = hs_workers(srv.pid, w, 16);

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++)
		fiu_ctrl(w[i], cmd);
}

static pid_t only_worker(void)
{
	pid_t w[4];

	ck_assert_msg(hs_wait_children(srv.pid, 1, HS_TIMEOUT_MS), "not exactly one worker");
	ck_assert_int_eq(hs_workers(srv.pid, w, 4), 1);
	return w[0];
}

static pid_t keeper(void)
{
	return hs_wait_keeper(srv.pid);
}

static void expect(const char *req, int status)
{
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %.40s", req);
	ck_assert_int_eq(resp.status, status);
}

static void expect_log(const char *needle)
{
	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, HS_TIMEOUT_MS),
		      "no error-log line with '%s'", needle);
}

/*
 * The log holds no line of a process killed by a crash signal (SIGKILL is
 * the tests' own). scripts: count CGI script processes too.
 */
static void assert_no_crash_of(bool scripts)
{
	const char *log = srv.error_log;
	/* "worker N (slot S) killed by signal", "keeper N killed by signal", "CGI script F: killed by signal" */
	int crashes = hs_file_count(log, "killed by signal") - hs_file_count(log, "killed by signal 9");

	if (!scripts)
		crashes -= hs_file_count(log, ": killed by signal") - hs_file_count(log, ": killed by signal 9");
	ck_assert_msg(crashes == 0, "%d processes crashed (see %s)", crashes, log);
	ck_assert_msg(hs_proc_state(srv.pid) != 0 && keeper() > 0,
		      "the master or the keeper is gone");
}

static void assert_no_crash(void)
{
	assert_no_crash_of(true);
}

/*
 * fork() failing in the master: a dead worker cannot be replaced. Each
 * attempt is logged, attempts are spaced (not a busy loop), the remaining
 * worker keeps serving, and the pool is whole again once fork works.
 */
START_TEST(master_fork_fails)
{
	pid_t w[4];
	int tries;

	start("%.0s", "");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_workers(srv.pid, w, 4), 2);
	fiu_ctrl(srv.pid, "enable name=posix/proc/fork,failinfo=11");
	ck_assert_int_eq(kill(w[0], SIGKILL), 0);
	ck_assert(hs_wait_gone(w[0], HS_TIMEOUT_MS));
	ck_assert(hs_wait_file_count(srv.error_log, "fork: Resource temporarily unavailable", 2,
				     HS_TIMEOUT_MS));
	hs_sleep_ms(1000);
	tries = hs_file_count(srv.error_log, "fork: Resource temporarily unavailable");
	ck_assert_msg(tries <= 20, "%d fork attempts in ~2 s: the master spins", tries);
	ck_assert_int_eq(hs_workers(srv.pid, w, 4), 1);
	expect(GET_HELLO, 200);
	fiu_ctrl(srv.pid, "disable name=posix/proc/fork");
	ck_assert_msg(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS), "the pool did not recover");
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * accept4() failing with EMFILE in every worker: each logs it and backs
 * off; the waiting client is neither dropped nor answered with garbage, and
 * is served once descriptors are back. ECONNABORTED (the client left the
 * queue) is silent and harmless.
 */
START_TEST(accept_fails)
{
	struct hs_conn c;
	pid_t before[4], after[4];

	start("%.0s", "");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_eq(hs_workers(srv.pid, before, 4), 2);
	fiu_ctrl_workers("enable name=posix/io/net/accept4,failinfo=24");
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, GET_HELLO), 0);
	expect_log("accept: Too many open files");
	fiu_ctrl_workers("disable name=posix/io/net/accept4");
	ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0,
		      "the client that waited through EMFILE got no answer");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&c);

	fiu_ctrl_workers("enable name=posix/io/net/accept4,failinfo=103,onetime");
	expect(GET_HELLO, 200);
	ck_assert_int_eq(hs_workers(srv.pid, after, 4), 2);
	ck_assert_msg((after[0] == before[0] || after[0] == before[1]) &&
		      (after[1] == before[0] || after[1] == before[1]), "a worker was replaced");
	ck_assert_int_eq(hs_file_count(srv.error_log, "Software caused connection abort"), 0);
	assert_no_crash();
}
END_TEST

/* Small enough to go into the script's stdin before it starts (cgi_stdin_prefill). */
#define POST_CL_CGI "POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: localhost\r\n" \
	"Content-Length: 5\r\nConnection: close\r\n\r\nhello"
#define POST_CHUNKED_CGI "POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: localhost\r\n" \
	"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"

/*
 * A CGI script cannot be started: no pipe, no process, a step of the
 * process's setup, no /dev/null for a body-less request, the body cannot
 * be put in its stdin, no temporary file or no disk space to spool a
 * chunked body (RFC 3875 4.1.2 needs its length). Each is the server's failure:
 * 500, an error-log line, and the next request runs the script.
 */
START_TEST(cgi_spawn_fails)
{
	static const struct { int line; const char *point; int err; const char *req; const char *log; int next; } rows[] = {
		/* First: a worker opens /dev/null once, for its first body-less script. */
		{ __LINE__, "pfhttpd/io/open", ENFILE, GET_CGI, "cannot open /dev/null", 418 },
		{ __LINE__, "linux/io/pipe2", EMFILE, GET_CGI, "cannot start CGI script", 418 },
		{ __LINE__, "linux/proc/clone", EAGAIN, GET_CGI,
		  "/cgi-bin/status.sh': Resource temporarily unavailable", 418 },
		/* A step of the child fails (cgi_spawn.c): it says which, through the shared memory. */
		{ __LINE__, "posix/io/oc/dup2", EBADF, GET_CGI,
		  "/cgi-bin/status.sh cannot run: dup2: Bad file descriptor", 418 },
		{ __LINE__, "posix/proc/setpgid", EPERM, GET_CGI,
		  "/cgi-bin/status.sh cannot run: setpgid: Operation not permitted", 418 },
		/* status.sh is a "#!" script: its descriptor becomes 3 with dup3. */
		{ __LINE__, "linux/io/dup3", EMFILE, GET_CGI,
		  "/cgi-bin/status.sh cannot run: dup3: Too many open files", 418 },
		{ __LINE__, "posix/io/dir/chdir", EACCES, GET_CGI,
		  "/cgi-bin/status.sh cannot run: chdir: Permission denied", 418 },
		/* The body cannot be written into the script's stdin pipe: the script never starts. */
		{ __LINE__, "pfhttpd/io/write", ENOSPC, POST_CL_CGI,
		  "/cgi-bin/echo_body.sh': No space left on device", 200 },
		{ __LINE__, "pfhttpd/io/open", EMFILE, POST_CHUNKED_CGI,
		  "cannot create a temporary file in /tmp: Too many open files", 200 },
		{ __LINE__, "pfhttpd/io/write", ENOSPC, POST_CHUNKED_CGI,
		  "spooling a request body: No space left on device", 200 },
		/* With a body to feed, the first pipe is the script's stdin: only that one fails. */
		{ __LINE__, "linux/io/pipe2", EMFILE, POST_CL_CGI,
		  "cannot start CGI script '", 200 },
	};
	char cmd[128];
	pid_t w;

	start(ONE_WORKER CGI_CONF, "");
	w = only_worker();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int logged = hs_file_count(srv.error_log, rows[i].log);

		/* The worker is done with the last request (its access-log line is a write). */
		ck_assert(hs_wait_file_count(srv.access_log, " HTTP/1.1\" ", (int)(2 * i), HS_TIMEOUT_MS));
		/*
		 * On for one request, then off: a onetime failure could be spent
		 * elsewhere. Not write's: the error-log line is a write too. With
		 * a small body, only the first call fails: the body's write, or
		 * the stdin pipe's creation.
		 */
		snprintf(cmd, sizeof cmd, "enable name=%s,failinfo=%d%s", rows[i].point, rows[i].err,
			 rows[i].err == ENOSPC || strcmp(rows[i].req, POST_CL_CGI) == 0 ? ",onetime" : "");
		fiu_ctrl(w, cmd);
		ck_assert_msg(hs_exchange(&srv, rows[i].req, &resp) == 0, "line %d: no answer", rows[i].line);
		snprintf(cmd, sizeof cmd, "disable name=%s", rows[i].point);
		fiu_ctrl(w, cmd);
		ck_assert_msg(resp.status == 500, "line %d: %d, want 500", rows[i].line, resp.status);
		ck_assert_msg(hs_wait_file_count(srv.error_log, rows[i].log, logged + 1, HS_TIMEOUT_MS),
			      "line %d: no error-log line '%s'", rows[i].line, rows[i].log);
		ck_assert_msg(hs_exchange(&srv, rows[i].req, &resp) == 0, "line %d: no answer", rows[i].line);
		ck_assert_msg(resp.status == rows[i].next,
			      "line %d: the next request: %d", rows[i].line, resp.status);
		ck_assert_msg(rows[i].next != 200 || strcmp(resp.body, "hello") == 0,
			      "line %d: the spooled body: '%s'", rows[i].line, resp.body);
	}
	ck_assert_int_eq(only_worker(), w);
	assert_no_crash();
}
END_TEST

/* Read c until needle has arrived (bounded); what came, in buf. */
static void read_until(struct hs_conn *c, const char *needle, char *buf, size_t cap)
{
	ck_assert_msg(hs_read_until(c, needle, buf, cap, HS_TIMEOUT_MS), "no '%s' in %.300s", needle, buf);
}

/* A pid a script wrote to root/rel (bounded wait), or 0. */
static pid_t script_pid(const char *rel)
{
	char path[HS_PATH * 2], buf[64];
	long long end = hs_now_ms() + HS_TIMEOUT_MS;

	snprintf(path, sizeof path, "%s/%s", srv.root, rel);
	while (hs_slurp(path, buf, sizeof buf) <= 0 && hs_now_ms() < end)
		hs_sleep_ms(20);
	return hs_slurp(path, buf, sizeof buf) > 0 ? (pid_t)atoi(buf) : 0;
}

/*
 * What a running script meets in the only worker: no memory for the
 * pump's buffer (a fresh worker allocates it with its first script), an
 * interrupted waitpid, a failing poll while the script is silent, a
 * client connection that fails on the last write of a chunked answer or on
 * a head still held back (CGI_HEAD_HOLD). The client gets a 500, the whole
 * answer, or a closed connection without a false end; the script is
 * reaped (no zombie), nothing crashes, and the next script runs.
 */
/* tail: the rest of the answer after "before\n", or NULL: the connection closes without its end. */
static const struct { int line; const char *query, *enable, *tail, *log; } go_rows[] = {
	/* stderr closed: the read that fails is the one of the output's last line. */
	{ __LINE__, "quiet", "enable name=pfhttpd/io/read,failinfo=11,onetime", "6\r\nafter\n\r\n0\r\n\r\n", NULL },
	{ __LINE__, "quiet", "enable name=pfhttpd/io/read,failinfo=4,onetime", "6\r\nafter\n\r\n0\r\n\r\n", NULL },
	/* stderr is read first when both have something. */
	{ __LINE__, "err", "enable name=pfhttpd/io/read,failinfo=4,onetime", "0\r\n\r\n",
	  "wait_go.sh: wait-go-stderr" },
	{ __LINE__, "", "enable name=posix/io/net/sendmsg,failinfo=32,onetime", NULL, NULL },
};

START_TEST(cgi_io_fails)
{
	static char buf[8192];
	char path[HS_PATH * 2];
	struct hs_conn c;
	pid_t w, kids[8], sh;
	int n;

	start(ONE_WORKER CGI_CONF, "");
	w = only_worker();
	/* Its first script: the pump's buffer is allocated now (cgi_io_prepare). */
	fiu_ctrl(w, "enable name=pfhttpd/mm/malloc,failinfo=12,onetime");
	expect(GET_CGI, 500);
	expect_log("500 Internal Server Error: out of memory for CGI");
	expect(GET_CGI, 418);

	/* EINTR from waitpid while the script ends: waited for again, reaped. */
	fiu_ctrl(w, "enable name=posix/proc/waitpid,failinfo=4,onetime");
	expect(GET_CGI, 418);
	n = hs_children(w, kids, 8);
	for (int i = 0; i < n && i < 8; i++)
		ck_assert_msg(hs_proc_state(kids[i]) != 'Z', "the script %d was not reaped", (int)kids[i]);

	/* poll fails while silent.sh says nothing: the script is stopped, the client gets no byte. */
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/silent.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	sh = script_pid("cgi-bin/silent.pid");
	ck_assert_msg(sh > 1, "silent.sh never started");
	fiu_ctrl(w, "enable name=posix/io/net/poll,failinfo=12,onetime");
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1 && c.len == 0,
		      "want a close without a byte: %.*s", (int)c.len, c.buf);
	hs_conn_close(&c);
	expect_log("poll: Cannot allocate memory");
	ck_assert_msg(hs_wait_gone(sh, HS_TIMEOUT_MS), "silent.sh %d still runs", (int)sh);

	/*
	 * Reading the script's output or stderr is interrupted (EINTR, or
	 * EAGAIN after all) as it ends: read again, the answer is whole and
	 * the stderr line logged. Then the last write of a chunked answer
	 * fails: the connection closes, never with the last chunk.
	 */
	snprintf(path, sizeof path, "%s/cgi-bin/go", srv.root);
	for (size_t i = 0; i < sizeof go_rows / sizeof go_rows[0]; i++) {
		int line = go_rows[i].line;

		unlink(path);
		snprintf(buf, sizeof buf, "GET /cgi-bin/wait_go.sh?%s HTTP/1.1\r\nHost: localhost\r\n\r\n",
			 go_rows[i].query);
		ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
		ck_assert_int_eq(hs_send_str(c.fd, buf), 0);
		read_until(&c, "before\n\r\n", buf, sizeof buf);
		ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0 && strstr(buf, "Transfer-Encoding: chunked"),
			      "line %d: %.300s", line, buf);
		fiu_ctrl(w, go_rows[i].enable);
		ck_assert_int_eq(hs_put_str(&srv, "cgi-bin/go", ""), 0);
		if (go_rows[i].tail) {
			read_until(&c, "0\r\n\r\n", buf, sizeof buf);
			ck_assert_msg(strcmp(buf, go_rows[i].tail) == 0, "line %d: the end: %.300s", line, buf);
		} else {
			ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1, "line %d: the connection stays open", line);
			ck_assert_msg(!hs_contains(c.buf, c.len, "0\r\n\r\n"),
				      "line %d: the failed end was sent after all", line);
		}
		if (go_rows[i].log)
			expect_log(go_rows[i].log);
		hs_conn_close(&c);
	}

	/* HTTP/1.0 (no chunks): the held head is the one write, and fails: no byte, a close. */
	fiu_ctrl(w, "enable name=posix/io/net/sendmsg,failinfo=32,onetime");
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/redirect_abs.sh HTTP/1.0\r\n\r\n"), 0);
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1 && c.len == 0,
		      "want a close without a byte: %.*s", (int)c.len, c.buf);
	hs_conn_close(&c);

	expect(GET_CGI, 418);
	ck_assert_int_eq(only_worker(), w);
	assert_no_crash();
}
END_TEST

/*
 * Opening a static file fails: what the errno means decides the status.
 * Out of descriptors is the server's trouble (500, logged); a file that
 * vanished is 404; permission is 403.
 */
START_TEST(static_open_fails)
{
	static const struct { int line; const char *why; int err; int status; const char *log; } rows[] = {
		{ __LINE__, "EMFILE: server's fault", EMFILE, 500, "open '/hello.txt': Too many open files" },
		{ __LINE__, "ENFILE: server's fault", ENFILE, 500, "open '/hello.txt': Too many open files in system" },
		{ __LINE__, "ENOENT: gone",           ENOENT, 404, NULL },
		{ __LINE__, "EACCES: forbidden",      EACCES, 403, NULL },
	};
	char cmd[128];
	pid_t w;

	start(ONE_WORKER, "");
	w = only_worker();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(cmd, sizeof cmd, "enable name=linux/io/openat2,failinfo=%d,onetime", rows[i].err);
		fiu_ctrl(w, cmd);
		ck_assert_msg(hs_exchange(&srv, GET_HELLO, &resp) == 0, "line %d: no answer", rows[i].line);
		ck_assert_msg(resp.status == rows[i].status, "line %d (%s): %d, want %d",
			      rows[i].line, rows[i].why, resp.status, rows[i].status);
		if (rows[i].log != NULL)
			expect_log(rows[i].log);
		expect(GET_HELLO, 200);
		/* The worker's open-file cache (src/fcache.h) keeps hello.txt
		 * open for a second: wait it out, so the next row's request opens it. */
		hs_sleep_ms(1100);
	}
	assert_no_crash();
}
END_TEST

/*
 * sendfile() failing mid-body: the head has gone out with its
 * Content-Length, so the only honest end is closing the connection
 * (RFC 9112 8: the client sees an incomplete message), never keep-alive.
 * A body of up to 16 KiB leaves with its head in one write (static.c), so
 * the file is larger: its first 16 KiB go with the head, the rest by sendfile.
 */
START_TEST(sendfile_fails)
{
	static char big[20000];
	struct hs_conn c;
	const char *end;
	int r;

	/* A long keep-alive: only the failure may end the connection within the wait. */
	start(ONE_WORKER "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	memset(big, 'b', sizeof big);
	ck_assert_int_eq(hs_put(&srv, "htdocs/big.bin", big, sizeof big), 0);
	fiu_ctrl(only_worker(), "enable name=linux/io/sendfile,failinfo=5,onetime");
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	r = hs_wait_eof(&c, HS_TIMEOUT_MS);
	ck_assert_msg(r == 1, "the connection stayed open after a failed body");
	ck_assert_msg(hs_contains(c.buf, c.len, "HTTP/1.1 200") && hs_contains(c.buf, c.len, "Content-Length: 20000"),
		      "no head: %.*s", (int)(c.len < 300 ? c.len : 300), c.buf);
	end = memmem(c.buf, c.len, "\r\n\r\n", 4);
	ck_assert_ptr_nonnull(end);
	ck_assert_msg(c.len - (size_t)(end + 4 - c.buf) < sizeof big,
		      "the whole body arrived although sendfile failed");
	hs_conn_close(&c);
	expect(GET_HELLO, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	assert_no_crash();
}
END_TEST

/*
 * Reading a file to send fails (pread: an I/O error of the disk, or a file
 * cut short under the open descriptor; or fstat of the file just opened):
 * nothing of the answer has left yet, so the client gets a 500 and a log
 * line, never a head whose body then falls short; the file's cache entry
 * is forgotten, so the next request (the fault gone) reads it afresh. A
 * precompressed variant the same. Small files are read into their cache
 * entry first (static.c static_keep_body): that read fails too.
 */
START_TEST(static_read_fails)
{
	static const struct { int line; const char *why; const char *point; const char *path;
			      const char *fields; const char *log; } rows[] = {
		{ __LINE__, "a small file, kept in its entry", "posix/io/rw/pread", "/small.txt", "",
		  "500 Internal Server Error: file shrank or cannot be read, target /small.txt" },
		{ __LINE__, "a large file, read to send", "posix/io/rw/pread", "/big.bin", "",
		  "500 Internal Server Error: file shrank or cannot be read, target /big.bin" },
		{ __LINE__, "the file opened, fstat fails", "pfhttpd/io/fstat", "/stat.txt", "",
		  "500 Internal Server Error: fstat failed, target /stat.txt" },
		{ __LINE__, "its gzip variant", "posix/io/rw/pread", "/app.css", "Accept-Encoding: gzip\r\n",
		  "500 Internal Server Error: precompressed file shrank or cannot be read, target /app.css" },
	};
	char cmd[128];
	static char big[20000];
	char req[256];
	pid_t w;

	start(ONE_WORKER "precompressed = true;\n", "");
	memset(big, 'b', sizeof big);
	ck_assert_int_eq(hs_put(&srv, "htdocs/big.bin", big, sizeof big), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/small.txt", "small\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/stat.txt", "stat\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/app.css", "body { color: red; }\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/app.css.gz", "GZ-VARIANT\n"), 0);
	w = only_worker();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n",
			 rows[i].path, rows[i].fields);
		snprintf(cmd, sizeof cmd, "enable name=%s,failinfo=5", rows[i].point);
		fiu_ctrl(w, cmd);
		ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "line %d: no answer", rows[i].line);
		snprintf(cmd, sizeof cmd, "disable name=%s", rows[i].point);
		fiu_ctrl(w, cmd);
		ck_assert_msg(resp.status == 500, "line %d (%s): %d, want 500", rows[i].line, rows[i].why,
			      resp.status);
		expect_log(rows[i].log);
		ck_assert_msg(hs_exchange(&srv, req, &resp) == 0 && resp.status == 200,
			      "line %d (%s): the next request: %d", rows[i].line, rows[i].why, resp.status);
	}
	ck_assert_str_eq(resp.body, "GZ-VARIANT\n");
	ck_assert_int_eq(only_worker(), w);
	assert_no_crash();
}
END_TEST

/*
 * epoll_pwait() failing in the keeper: it cannot go on, so it exits; the
 * master logs it and starts a new keeper, and keep-alive works again.
 */
START_TEST(keeper_epoll_fails)
{
	struct hs_conn c;
	pid_t k;
	int r;

	start(ONE_WORKER, "");
	k = keeper();
	ck_assert_int_gt(k, 0);
	fiu_ctrl(k, "enable name=linux/io/epoll_pwait,failinfo=9");
	/* An idle keep-alive connection goes to the keeper, whose wait then ends. */
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	expect_log("keeper: epoll_pwait: Bad file descriptor");
	ck_assert(hs_wait_gone(k, HS_TIMEOUT_MS));
	expect_log("exited with status 1");
	r = hs_wait_eof(&c, HS_TIMEOUT_MS);
	ck_assert_msg(r == 1, "the keeper's connection was not closed");
	hs_conn_close(&c);
	ck_assert_msg(keeper() > 0 && keeper() != k, "no new keeper");
	/* The new keeper holds a connection between two requests again. */
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		hs_sleep_ms(200);
	}
	hs_conn_close(&c);
	assert_no_crash();
}
END_TEST

/*
 * A worker's wait for work: its epoll cannot be made (epoll_create1, in a
 * worker the master forks after the fault is on) or its wait fails
 * (epoll_wait): the worker logs it and exits 1 instead of spinning, the
 * master replaces it, and the pool serves again once the fault is gone.
 */
START_TEST(worker_wait_fails)
{
	pid_t w, k;

	start(ONE_WORKER, "");
	k = keeper();
	/* The wait fails in the one worker: it serves the request that woke it, then exits. */
	w = only_worker();
	fiu_ctrl(w, "enable name=linux/io/epoll_wait,failinfo=9");
	expect(GET_HELLO, 200);
	expect_log("epoll_wait: Bad file descriptor");
	ck_assert(hs_wait_gone(w, HS_TIMEOUT_MS));
	expect_log("exited with status 1");
	expect(GET_HELLO, 200);
	/* epoll_create1 fails in every worker forked from now on. */
	fiu_ctrl(srv.pid, "enable name=linux/io/epoll_create1,failinfo=24");
	w = only_worker();
	ck_assert_int_eq(kill(w, SIGKILL), 0);
	ck_assert(hs_wait_gone(w, HS_TIMEOUT_MS));
	expect_log("worker: epoll: Too many open files");
	fiu_ctrl(srv.pid, "disable name=linux/io/epoll_create1");
	ck_assert_msg(hs_wait_file_count(srv.error_log, "worker: epoll:", 1, HS_TIMEOUT_MS), "not logged");
	w = only_worker();
	expect(GET_HELLO, 200);
	ck_assert_int_eq(keeper(), k); /* the keeper never noticed */
	assert_no_crash();
}
END_TEST

/*
 * SIGHUP with a new listen address whose socket cannot be made: the reload
 * fails as a whole, is logged, and the old configuration keeps serving;
 * once the fault is gone the same reload succeeds.
 */
START_TEST(reload_bind_fails)
{
	static const char *const points[] = { "posix/io/net/bind", "posix/io/net/socket" };
	char extra[512], msg[256];
	int port2 = hs_free_port();

	start("%.0s", "");
	ck_assert_int_gt(port2, 0);
	snprintf(extra, sizeof extra, "listen = [ \"127.0.0.1:%d\", \"127.0.0.1:%d\" ];\n", srv.port, port2);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
		char cmd[128];
		int failed = hs_file_count(srv.error_log, "reload failed");

		snprintf(cmd, sizeof cmd, "enable name=%s,failinfo=98", points[i]);
		fiu_ctrl(srv.pid, cmd);
		ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
		ck_assert_msg(hs_wait_file_count(srv.error_log, "still serving the previous configuration",
						 failed + 1, HS_TIMEOUT_MS), "%s: no reload-failed line", points[i]);
		snprintf(cmd, sizeof cmd, "disable name=%s", points[i]);
		fiu_ctrl(srv.pid, cmd);
		expect(GET_HELLO, 200);
		ck_assert_msg(!hs_port_listening(port2), "%s: the failed reload left port %d open",
			      points[i], port2);
	}
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_log("configuration reloaded (generation 2)");
	snprintf(msg, sizeof msg, "%d", port2);
	for (long long end = hs_now_ms() + HS_TIMEOUT_MS; !hs_port_listening(port2) && hs_now_ms() < end; )
		hs_sleep_ms(50);
	ck_assert_msg(hs_port_listening(port2), "port %s not listening after the good reload", msg);
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/* Is raw[0..len) empty (a closed connection) or one well-formed response? */
static bool well_formed(const char *raw, size_t len, int *status)
{
	const char *end = memmem(raw, len, "\r\n\r\n", 4);
	int st;

	*status = 0;
	if (len == 0)
		return true;
	if (end == NULL || sscanf(raw, "HTTP/1.1 %3d ", &st) != 1 || st < 100 || st > 599)
		return false;
	*status = st;
	return true;
}

/*
 * malloc(), calloc() and realloc() failing now and then in the only worker
 * while requests come: the worker may answer 500 or close, never crash or
 * send a broken response; master and keeper are not touched; once the
 * fault is gone, everything is answered right.
 */
START_TEST(malloc_fails_randomly)
{
	static const char *const reqs[] = {
		GET_HELLO,
		GET_CGI,
		"GET /nonexistent HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"GET /sub HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
		"Connection: close\r\n\r\nhello",
	};
	static char raw[HS_MAX_RESP];
	int ok = 0;

	start(ONE_WORKER CGI_CONF, "");
	fiu_ctrl(only_worker(), "enable_random name=libc/mm/*,probability=0.05");
	for (int i = 0; i < 40; i++) {
		const char *rq = reqs[i % (sizeof reqs / sizeof reqs[0])];
		ssize_t n = hs_exchange_raw(&srv, rq, strlen(rq), raw, sizeof raw, HS_TIMEOUT_MS);
		int st;

		ck_assert_msg(n >= 0, "request %d: no answer nor close within the bound", i);
		ck_assert_msg(well_formed(raw, (size_t)n, &st), "request %d: malformed answer: %.200s", i, raw);
		ok += st > 0 && st < 500;
		/* A worker that left is replaced without the fault: put it back. */
		if (i % 10 == 9)
			fiu_ctrl(only_worker(), "enable_random name=libc/mm/*,probability=0.05");
	}
	ck_assert_msg(ok > 0, "not one request succeeded under a 5%% malloc failure rate");
	fiu_ctrl(only_worker(), "disable name=libc/mm/*");
	/* pfhttpd's own allocations only, more often: its out-of-memory paths. */
	for (int i = 0; i < 30; i++) {
		const char *rq = reqs[i % (sizeof reqs / sizeof reqs[0])];
		ssize_t n;
		int st;

		if (i % 5 == 0)
			fiu_ctrl(only_worker(), "enable_random name=pfhttpd/mm/*,probability=0.2");
		n = hs_exchange_raw(&srv, rq, strlen(rq), raw, sizeof raw, HS_TIMEOUT_MS);
		ck_assert_msg(n >= 0, "request %d: no answer nor close within the bound", i);
		ck_assert_msg(well_formed(raw, (size_t)n, &st), "request %d: malformed answer: %.200s", i, raw);
	}
	fiu_ctrl(only_worker(), "disable name=pfhttpd/mm/*");
	expect(GET_HELLO, 200);
	expect(GET_CGI, 418);
	/*
	 * Only the server's processes count here: pfhttpd's own code between
	 * clone and exec allocates nothing (cgi_spawn.c), and what a script
	 * does is the script's.
	 */
	assert_no_crash_of(false);
}
END_TEST

/*
 * The master cannot set up: no listening socket (an address family the
 * kernel lacks, or no descriptors), no shared state for the pool. It says
 * why on stderr and exits non-zero, instead of running half a server.
 */
START_TEST(startup_fails)
{
	static const struct { int line; const char *enable; const char *says; bool daemon; } rows[] = {
		{ __LINE__, "enable name=posix/io/net/socket,failinfo=97", "listen: no address could be used", false },
		{ __LINE__, "enable name=posix/io/net/socket,failinfo=24", "Too many open files", false },
		{ __LINE__, "enable name=posix/io/net/bind,failinfo=98", "Address already in use", false },
		{ __LINE__, "enable name=posix/io/net/socketpair,failinfo=24",
		  "cannot create the pool's shared state: Too many open files", false },
		{ __LINE__, "enable name=linux/io/pipe2,failinfo=23",
		  "cannot create the pool's shared state: Too many open files in system", false },
		{ __LINE__, "enable name=posix/mm/mmap,failinfo=12",
		  "cannot create the pool's shared state: Cannot allocate memory", false },
		{ __LINE__, "enable name=posix/io/net/setsockopt,failinfo=22", "Invalid argument", false },
		{ __LINE__, "enable name=posix/io/net/listen,failinfo=98", "Address already in use", false },
		/* Without -F: detaching fails, and the starting process says so. */
		{ __LINE__, "enable name=posix/proc/setsid,failinfo=1",
		  "cannot detach: Operation not permitted", true },
		{ __LINE__, "enable name=posix/proc/fork,failinfo=11",
		  "cannot detach: Resource temporarily unavailable", true },
		/* The daemon, detached, cannot leave its directory: the starting process still hears of it. */
		{ __LINE__, "enable name=posix/io/dir/chdir,failinfo=13",
		  "cannot detach: Permission denied", true },
	};
	static char out[16384];
	char lib[PATH_MAX];

	extra_lib(lib, sizeof lib);
	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	srv.port = hs_free_port();
	ck_assert_int_eq(hs_write_conf(&srv, ""), 0);
	snprintf(fifo, sizeof fifo, "FIU_CTRL_FIFO=%s/fiu", srv.root);
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s/fiu_run_preload.so %s/fiu_posix_preload.so",
		 lib, FIU_LIBS, FIU_LIBS);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *argv[] = { "env", fifo, enable_env, preload, (char *)hs_bin(), "-F", "-f", srv.conf, NULL };
		int st;

		if (rows[i].daemon)
			memmove(argv + 5, argv + 6, 3 * sizeof argv[0]); /* drop -F */
		snprintf(enable_env, sizeof enable_env, "FIU_ENABLE=%s", rows[i].enable);
		st = hs_run(argv, HS_TIMEOUT_MS * hs_timeout_scale(), out, sizeof out);
		ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0,
			      "line %d: status %d: %s", rows[i].line, st, out);
		ck_assert_msg(strstr(out, rows[i].says) != NULL, "line %d: want '%s' in: %s",
			      rows[i].line, rows[i].says, out);
		ck_assert_msg(!hs_port_listening(srv.port), "line %d: still listening", rows[i].line);
	}
}
END_TEST

/* Out of memory as a reload begins: it fails as a whole and the old configuration serves on. */
START_TEST(reload_oom)
{
	start("%.0s", "");
	fiu_ctrl(srv.pid, "enable name=libc/mm/calloc,failinfo=12,onetime");
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_log("reload failed: out of memory; still serving the previous configuration");
	expect(GET_HELLO, 200);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_log("configuration reloaded (generation 2)");
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * The keeper cannot hold an idle keep-alive connection (epoll_ctl fails, or
 * no memory for it): it logs that and passes the connection back to the
 * workers, so the client's next request on it is still answered.
 */
START_TEST(keeper_cannot_hold)
{
	static const struct { int line; const char *enable; const char *log; } rows[] = {
		{ __LINE__, "enable name=linux/io/epoll_ctl,failinfo=12,onetime",
		  "keeper: cannot watch a connection, passing it on: Cannot allocate memory" },
		{ __LINE__, "enable name=libc/mm/calloc,failinfo=12,onetime",
		  "keeper: out of memory, passing a connection on" },
		/* A failed receive leaves the message queued: the next wakeup takes it. */
		{ __LINE__, "enable name=posix/io/net/recvmsg,failinfo=12,onetime",
		  "keeper: inbox: Cannot allocate memory" },
	};
	struct hs_conn c;

	start(ONE_WORKER "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fiu_ctrl(keeper(), rows[i].enable);
		ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
		for (int j = 0; j < 2; j++) {
			ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
			ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0,
				      "line %d: request %d on the connection: no answer", rows[i].line, j + 1);
			ck_assert_int_eq(resp.status, 200);
			if (j == 0)
				ck_assert_msg(hs_wait_file_contains(srv.error_log, rows[i].log, HS_TIMEOUT_MS),
					      "line %d: no '%s'", rows[i].line, rows[i].log);
		}
		hs_conn_close(&c);
	}
	assert_no_crash();
}
END_TEST

/*
 * The keeper cannot set up (epoll_create1 fails in every new keeper): each
 * one exits 1, the master logs it and tries again about once a second, the
 * workers serve meanwhile, and a keeper stays once the fault is gone.
 * Workers make an epoll too (worker_epoll), so the fault is switched on in
 * the master once its workers run, and the keeper is killed to be remade.
 */
START_TEST(keeper_cannot_start)
{
	int exits;
	pid_t k;

	start("%.0s", "");
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	k = keeper();
	ck_assert_int_gt(k, 0);
	fiu_ctrl(srv.pid, "enable name=linux/io/epoll_create1,failinfo=24");
	ck_assert_int_eq(kill(k, SIGKILL), 0);
	ck_assert(hs_wait_gone(k, HS_TIMEOUT_MS));
	expect_log("keeper: epoll_create1: Too many open files");
	ck_assert(hs_wait_file_count(srv.error_log, "exited with status 1", 2, HS_TIMEOUT_MS));
	expect(GET_HELLO, 200);
	exits = hs_file_count(srv.error_log, "exited with status 1");
	hs_sleep_ms(2000);
	exits = hs_file_count(srv.error_log, "exited with status 1") - exits;
	ck_assert_msg(exits <= 4, "%d keeper restarts in 2 s: no back-off", exits);
	fiu_ctrl(srv.pid, "disable name=linux/io/epoll_create1");
	hs_sleep_ms(1500);
	k = keeper();
	ck_assert_int_gt(k, 0);
	hs_sleep_ms(500);
	ck_assert_msg(keeper() == k && hs_proc_state(k) != 'Z', "the keeper did not stay");
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * socketpair() or fork() failing in the master while it replaces a worker
 * and the keeper: both logged, both retried, both back once it works.
 */
START_TEST(master_respawn_fails)
{
	static const struct { int line; const char *point; const char *log; } rows[] = {
		{ __LINE__, "posix/io/net/socketpair", "socketpair: Too many open files" },
		{ __LINE__, "posix/proc/fork",         "fork: Too many open files" },
	};
	char cmd[128];
	pid_t w[4], k;

	start("%.0s", "");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int logged = hs_file_count(srv.error_log, rows[i].log);

		ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
		k = keeper();
		ck_assert_int_gt(k, 0);
		snprintf(cmd, sizeof cmd, "enable name=%s,failinfo=24", rows[i].point);
		fiu_ctrl(srv.pid, cmd);
		/* The keeper alone first: its replacement is retried on its own clock. */
		ck_assert_int_eq(kill(k, SIGKILL), 0);
		ck_assert(hs_wait_gone(k, HS_TIMEOUT_MS));
		ck_assert_msg(hs_wait_file_count(srv.error_log, rows[i].log, logged + 2, HS_TIMEOUT_MS),
			      "line %d: the keeper's start was not retried", rows[i].line);
		ck_assert_int_eq(hs_workers(srv.pid, w, 4), 2);
		ck_assert_int_eq(kill(w[0], SIGKILL), 0);
		ck_assert(hs_wait_gone(w[0], HS_TIMEOUT_MS));
		ck_assert_msg(hs_wait_file_count(srv.error_log, rows[i].log, logged + 4, HS_TIMEOUT_MS),
			      "line %d: not logged and retried", rows[i].line);
		ck_assert_int_eq(hs_keeper_pid(srv.pid), 0);
		expect(GET_HELLO, 200);
		snprintf(cmd, sizeof cmd, "disable name=%s", rows[i].point);
		fiu_ctrl(srv.pid, cmd);
		ck_assert_msg(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS) && keeper() > 0,
			      "line %d: the pool did not recover", rows[i].line);
	}
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * Resource limits cannot be read or set (a container that forbids it): the
 * master, the keeper, the workers and the scripts' setup each warn and go
 * on with what they have; nothing stops serving.
 */
START_TEST(rlimits_fail)
{
	static const struct { int line; const char *enable; const char *logs[3]; } rows[] = {
		{ __LINE__, "enable name=posix/proc/setrlimit,failinfo=1",
		  { "worker: RLIMIT_NOFILE: Operation not permitted",
		    "keeper: setrlimit(RLIMIT_NOFILE): Operation not permitted",
		    "cgi-bin/status.sh: setrlimit: Operation not permitted" } },
		{ __LINE__, "enable name=posix/proc/getrlimit,failinfo=22",
		  { "keeper: getrlimit(RLIMIT_NOFILE): Invalid argument", NULL, NULL } },
	};

	/* A soft limit below the hard one, so that every process has a limit to set. */
	soft_nofile = "--nofile=1024:4096";
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		start("cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; path = \"/usr/bin:/bin\";\n"
		      "  limits = { cpu = 30; }; };\n", rows[i].enable);
		ck_assert(keeper() > 0);
		expect(GET_HELLO, 200);
		expect(GET_CGI, 418);
		for (int j = 0; j < 3 && rows[i].logs[j] != NULL; j++)
			ck_assert_msg(hs_wait_file_contains(srv.error_log, rows[i].logs[j], HS_TIMEOUT_MS),
				      "line %d: no '%s'", rows[i].line, rows[i].logs[j]);
		/* The master's own comes before the error log is open: on stderr. */
		ck_assert_msg(i != 0 || hs_wait_file_contains(srv.err_path, "] RLIMIT_NOFILE: Operation not permitted",
							      HS_TIMEOUT_MS), "the master did not warn");
		assert_no_crash();
		hs_destroy(&srv);
	}
	soft_nofile = NULL;
}
END_TEST

/*
 * A keep-alive connection cannot go from the worker to the keeper
 * (sendmsg fails): the worker keeps the connection itself, so the client's
 * next request on it is answered. A real failure is logged as a warning; a
 * full keeper queue (EAGAIN) is routine back-pressure: the worker waits a
 * moment for room and tries once more (the keeper then holds it), or keeps
 * it with a debug line only.
 */
#define GET_KEEP "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define EAGAIN_TEXT "Resource temporarily unavailable"

START_TEST(worker_cannot_hand_off)
{
	static const struct { int line; const char *why; const char *enable; const char *log;
			      bool to_keeper; } rows[] = {
		{ __LINE__, "EBADF: logged, kept", "enable name=posix/io/net/sendmsg/fds,failinfo=9,onetime",
		  "cannot hand a connection to the keeper: Bad file descriptor", false },
		{ __LINE__, "EAGAIN once: the second try goes",
		  "enable name=posix/io/net/sendmsg/fds,failinfo=11,onetime", NULL, true },
		{ __LINE__, "EAGAIN twice: kept, debug only",
		  "enable name=posix/io/net/sendmsg/fds,failinfo=11",
		  "cannot hand a connection to the keeper: Resource temporarily unavailable", false },
	};
	struct hs_conn c;
	char line[1024];
	pid_t w, k;
	int kfd0;

	start(ONE_WORKER "log_level = \"debug\";\n"
	      "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	w = only_worker();
	k = keeper();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		kfd0 = hs_fd_count_settled(k);
		fiu_ctrl(w, rows[i].enable);
		ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
		for (int j = 0; j < 2; j++) {
			ck_assert_int_eq(hs_send_str(c.fd, GET_KEEP), 0);
			ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0,
				      "line %d: request %d: no answer", rows[i].line, j + 1);
			ck_assert_int_eq(resp.status, 200);
			if (j > 0)
				break;
			/* Idle for a second, the parked connection leaves the worker, or tries to. */
			if (rows[i].log)
				expect_log(rows[i].log);
			if (rows[i].to_keeper)
				ck_assert_msg(hs_wait_fd_count(k, kfd0 + 1, 3000),
					      "line %d (%s): the keeper holds %d descriptors, %d before",
					      rows[i].line, rows[i].why, hs_fd_count(k), kfd0);
		}
		hs_conn_close(&c); /* first: parked again, it would try to leave again in a second */
		if (strstr(rows[i].enable, "onetime") == NULL)
			fiu_ctrl(w, "disable name=posix/io/net/sendmsg/fds");
	}
	/* EAGAIN is never a warning; the retry that worked is not logged at all. */
	ck_assert(!hs_find_line(srv.error_log, "[warn]", EAGAIN_TEXT, line, sizeof line));
	ck_assert(hs_find_line(srv.error_log, "[debug]", EAGAIN_TEXT, line, sizeof line));
	ck_assert_int_eq(hs_file_count(srv.error_log, "cannot hand a connection"), 2);
	assert_no_crash();
}
END_TEST

/*
 * A worker at workers.max_requests cannot give its keep-alive connection
 * to the keeper (sendmsg fails) and nothing more of the client is there:
 * it closes the connection (an idle keep-alive connection may be closed at
 * any time, RFC 9112 9.3) and exits; its replacement serves the next.
 */
START_TEST(worker_leaves_cannot_hand_off)
{
	struct hs_conn c;
	pid_t w;

	start("workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 1; };\n"
	      "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	w = only_worker();
	fiu_ctrl(w, "enable name=posix/io/net/sendmsg/fds,failinfo=9");
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, GET_KEEP), 0);
	ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1, "the connection stayed open");
	hs_conn_close(&c);
	expect_log("cannot hand a connection to the keeper: Bad file descriptor");
	ck_assert(hs_wait_gone(w, HS_TIMEOUT_MS));
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * Open c, get one answer on it, and wait until the keeper holds it: an
 * idle keep-alive connection stays parked in its worker for a second
 * first (park.h).
 */
static void idle_in_keeper(struct hs_conn *c)
{
	pid_t k = keeper();
	int kfd0 = hs_fd_count_settled(k);

	ck_assert_int_eq(hs_conn_open(&srv, c), 0);
	ck_assert_int_eq(hs_send_str(c->fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(c, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(hs_wait_fd_count(k, kfd0 + 1, 3000), "the keeper holds %d descriptors, %d before",
		      hs_fd_count(k), kfd0);
}

/*
 * The keeper cannot give a connection back to a worker (sendmsg on the
 * outbox fails for good): it closes that one connection and logs it; the
 * client sees a close, never a hang, and the next connection works.
 */
START_TEST(keeper_outbox_fails)
{
	struct hs_conn c;

	start(ONE_WORKER "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	idle_in_keeper(&c);
	fiu_ctrl(keeper(), "enable name=posix/io/net/sendmsg/fds,failinfo=9,onetime");
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1 && c.len == 0, "no clean close: %.*s", (int)c.len, c.buf);
	expect_log("keeper: outbox: Bad file descriptor; closing 127.0.0.1");
	hs_conn_close(&c);
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

/*
 * Loading and checking a configuration (-t) while pfhttpd's own
 * allocations fail at random (libconfig's are spared: it crashes on a NULL
 * from malloc): every run either says "syntax OK" or exits 1 with one line
 * that says memory ran out, never a crash or a half-checked success.
 */
START_TEST(config_load_oom)
{
	static const double probability[] = { 0.01, 0.03, 0.1, 0.3 };
	static char out[16384];
	char extra[1024], lib[PATH_MAX];
	int ok = 0, oom = 0;

	extra_lib(lib, sizeof lib);
	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	srv.port = hs_free_port();
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; path = \"/usr/bin:/bin\";\n"
		 "  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } ); };\n"
		 "index = [ \"index.html\", \"index.htm\", \"index.php\" ];\n"
		 "error_pages = ( { status = 404; path = \"/errors/404.html\"; },\n"
		 "  { status = 500; path = \"/cgi-bin/status.sh\"; } );\n", srv.root);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	snprintf(fifo, sizeof fifo, "FIU_CTRL_FIFO=");
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s/fiu_run_preload.so %s/fiu_posix_preload.so",
		 lib, FIU_LIBS, FIU_LIBS);
	for (size_t i = 0; i < sizeof probability / sizeof probability[0]; i++) {
		for (int run = 0; run < 10; run++) {
			char *argv[] = { "env", fifo, enable_env, preload, (char *)hs_bin(), "-t", "-f", srv.conf, NULL };
			int st;

			snprintf(enable_env, sizeof enable_env,
				 "FIU_ENABLE=enable_random name=pfhttpd/mm/*,probability=%.2f", probability[i]);
			st = hs_run(argv, HS_TIMEOUT_MS * hs_timeout_scale(), out, sizeof out);
			ck_assert_msg(st != -1 && WIFEXITED(st), "p=%.2f: status %d: %s", probability[i], st, out);
			if (WEXITSTATUS(st) == 0) {
				ck_assert_msg(strstr(out, "syntax OK") != NULL, "exit 0 without 'syntax OK': %s", out);
				ok++;
			} else {
				ck_assert_msg(WEXITSTATUS(st) == 1 && (strstr(out, "memory") != NULL),
					      "p=%.2f: exit %d: %s", probability[i], WEXITSTATUS(st), out);
				oom++;
			}
		}
	}
	ck_assert_msg(ok > 0 && oom > 0, "%d runs OK, %d out of memory: the fault did not bite", ok, oom);
}
END_TEST

/*
 * Reading a held connection goes wrong in the keeper. EAGAIN is routine
 * (the next wakeup reads), so the request is answered; a real read error,
 * or no memory to keep the bytes, closes that connection and says so.
 */
START_TEST(keeper_read_fails)
{
	static const struct { int line; const char *enable; const char *log; } rows[] = {
		{ __LINE__, "enable name=pfhttpd/io/read,failinfo=11,onetime", NULL },
		{ __LINE__, "enable name=pfhttpd/io/read,failinfo=5,onetime", "keeper: 127.0.0.1" },
		{ __LINE__, "enable name=pfhttpd/mm/realloc,failinfo=12,onetime",
		  "keeper: out of memory, closing 127.0.0.1" },
	};
	struct hs_conn c;

	start(ONE_WORKER "log_level = \"debug\";\n"
	      "timeouts = { header = 10; body = 30; keepalive = 60; send = 30; cgi = 60; };\n", "");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		idle_in_keeper(&c);
		fiu_ctrl(keeper(), rows[i].enable);
		ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
		if (rows[i].log == NULL) {
			ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0 && resp.status == 200,
				      "line %d: the request after EAGAIN was not answered", rows[i].line);
		} else {
			ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1 && c.len == 0,
				      "line %d: no clean close: %.*s", rows[i].line, (int)c.len, c.buf);
			expect_log(rows[i].log);
		}
		hs_conn_close(&c);
	}
	/*
	 * No memory for the bytes a connection arrives with: a head begun in
	 * the worker (the first request's grace is 2 ms) goes on with its
	 * bytes, which the keeper cannot keep: it closes that connection.
	 */
	fiu_ctrl(keeper(), "enable name=pfhttpd/mm/realloc,failinfo=12,onetime");
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\n"), 0);
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1 && c.len == 0, "no clean close: %.*s",
		      (int)c.len, c.buf);
	ck_assert(hs_wait_file_count(srv.error_log, "keeper: out of memory, closing 127.0.0.1", 2,
				     HS_TIMEOUT_MS));
	hs_conn_close(&c);
	expect(GET_HELLO, 200);
	assert_no_crash();
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = hs_tcase("faults", 30, teardown);

	tcase_add_test(tc, master_fork_fails);
	tcase_add_test(tc, accept_fails);
	tcase_add_test(tc, cgi_spawn_fails);
	tcase_add_test(tc, cgi_io_fails);
	tcase_add_test(tc, static_open_fails);
	tcase_add_test(tc, sendfile_fails);
	tcase_add_test(tc, static_read_fails);
	tcase_add_test(tc, keeper_epoll_fails);
	tcase_add_test(tc, worker_wait_fails);
	tcase_add_test(tc, reload_bind_fails);
	tcase_add_test(tc, malloc_fails_randomly);
	tcase_add_test(tc, startup_fails);
	tcase_add_test(tc, reload_oom);
	tcase_add_test(tc, keeper_cannot_hold);
	tcase_add_test(tc, keeper_cannot_start);
	tcase_add_test(tc, master_respawn_fails);
	tcase_add_test(tc, rlimits_fail);
	tcase_add_test(tc, worker_cannot_hand_off);
	tcase_add_test(tc, worker_leaves_cannot_hand_off);
	tcase_add_test(tc, keeper_outbox_fails);
	tcase_add_test(tc, config_load_oom);
	tcase_add_test(tc, keeper_read_fails);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
#ifdef __SANITIZE_ADDRESS__
	/*
	 * libfiu's preloaded wrappers (malloc among them) would have to come
	 * before ASan's runtime, which refuses to start then ("ASan runtime
	 * does not come first"): fault injection runs on the plain build, the
	 * sanitizers on everything else.
	 */
	puts("SKIP: check_faults: LD_PRELOAD fault injection and ASan exclude each other");
	(void)faults_suite;
	return 0;
#else
	return hs_main(faults_suite());
#endif
}
