/*
 * check_startup — the paths of the process model that only go wrong now and
 * then: the command line, a configuration that loads but fails the -t checks
 * (FILE:LINE and the reason, from -t and from a real start alike), a port
 * already taken, detaching (the starting process returns once the pool is
 * up, the pid file names the daemon, -s finds it), IPv6 listening sockets
 * kept across a reload, a reload or a log reopen that fails (the server
 * keeps serving the previous configuration and says so in the error log), a
 * pid file that cannot be removed, a worker that does not stop on SIGTERM
 * (SIGKILL after 1.5 s), and an old generation's worker that outlives
 * timeouts.graceful after a reload.
 *
 * Every process is ours: servers started by the harness or by hs_run(), and
 * a detached master found through the pid file it wrote in our temporary
 * root (stopped by that pid, after checking its comm is pfhttpd).
 */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RELOAD_BAD    "reload failed: "
#define RELOADED      "configuration reloaded (generation "
#define HELLO_REQ     "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

static struct hs_server srv;
static char out[16384];
static char text[65536];

static void setup(void)
{
	/* A daemon we start is orphaned by its starting process: it comes to us to be reaped. */
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
}

static const char *error_log(void)
{
	if (hs_slurp(srv.error_log, text, sizeof text) < 0)
		snprintf(text, sizeof text, "(no error log)");
	return text;
}

static pid_t detached;       /* a detached master we started, or 0 */

static void daemon_stop(void)
{
	pid_t pid = detached;

	detached = 0;
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (!hs_wait_gone(pid, 10000)) {
		kill(pid, SIGKILL);
		ck_abort_msg("the daemon %d did not stop within 10 s of SIGTERM (state %c): %s", (int)pid,
			     hs_proc_state(pid), error_log());
	}
}

static void teardown(void)
{
	daemon_stop();
	hs_destroy(&srv);
}

/* Run pfhttpd with args (NULL-terminated, at most 6); its wait status, output in out. */
static int pf(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { (char *)hs_bin(), (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	int st = hs_run(argv, 10000, out, sizeof out);

	ck_assert_msg(st != -1, "pfhttpd %s %s %s did not exit within 10 s: %s", a1,
		      a2 ? a2 : "", a3 ? a3 : "", out);
	return st;
}

static void expect_exit(int st, int code, const char *want, const char *what)
{
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
		      "%s: wait status %#x, want exit %d; output: %s", what, st, code, out);
	ck_assert_msg(want == NULL || strstr(out, want) != NULL,
		      "%s: want \"%s\" in the output: %s", what, want, out);
}

static int get_status(void)
{
	struct hs_response *r = calloc(1, sizeof(*r));
	int status = -1;

	ck_assert_ptr_nonnull(r);
	if (hs_exchange(&srv, HELLO_REQ, r) == 0)
		status = r->status;
	free(r);
	return status;
}

static void expect_log(const char *needle, const char *what)
{
	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, HS_TIMEOUT_MS),
		      "%s: no \"%s\" in the error log: %s", what, needle, error_log());
}

static void start(const char *extra)
{
	char msg[9000];

	if (hs_start(&srv, extra, msg, sizeof msg) == -1)
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
}

/* ------------------------------------------------------------------------ */
/* The command line */

START_TEST(test_version_and_help)
{
	expect_exit(pf("-v", NULL, NULL, NULL), 0, "pfhttpd/", "-v");
	expect_exit(pf("-h", NULL, NULL, NULL), 0, "usage: pfhttpd", "-h");
	ck_assert_msg(strstr(out, "-s signal") != NULL, "-h: %s", out);
}
END_TEST

START_TEST(test_usage_errors)
{
	expect_exit(pf("-t", "-f", srv.conf, "extra"), 2, "usage: pfhttpd", "an operand");
	expect_exit(pf("-s", "restart", "-f", srv.conf), 2, "usage: pfhttpd", "-s restart");
	expect_exit(pf("-s", NULL, NULL, NULL), 2, "usage: pfhttpd", "-s without a name");
}
END_TEST

/* -s needs the pid file to find the server; each way of not finding it is exit 1 and a reason. */
START_TEST(test_signal_no_server)
{
	char pid[32];

	srv.port = hs_free_port();
	ck_assert_int_eq(hs_write_conf(&srv, NULL), 0);
	expect_exit(pf("-s", "reload", "-f", srv.conf), 1, "pid_file is not set", "no pid_file");

	ck_assert_int_eq(hs_write_conf(&srv, "pid_file = \"run.pid\";\n"), 0);
	expect_exit(pf("-s", "reopen", "-f", srv.conf), 1, "no server running (cannot read pid_file",
		    "no pid file");
	ck_assert_msg(strstr(out, "No such file or directory") != NULL, "%s", out);

	/* A live process that is not pfhttpd: this test. */
	snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	ck_assert_int_eq(hs_put_str(&srv, "run.pid", pid), 0);
	expect_exit(pf("-s", "quit", "-f", srv.conf), 1, "names no running pfhttpd", "a foreign pid");

	ck_assert_int_eq(hs_put_str(&srv, "run.pid", "garbage\n"), 0);
	expect_exit(pf("-s", "stop", "-f", srv.conf), 1, "holds no pid", "a pid file of garbage");
}
END_TEST

/*
 * -s from a user who may not signal the server (it runs as root here): the
 * pid file names a live pfhttpd, so the reason is the kill() itself.
 */
START_TEST(test_signal_not_permitted)
{
	char *argv[] = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			 (char *)hs_bin(), "-s", "reload", "-f", srv.conf, NULL };
	int st;

	if (geteuid() != 0 || access(argv[0], X_OK) != 0) {
		printf("SKIP: needs root and setpriv(1)\n");
		return;
	}
	start("pid_file = \"run.pid\";\n");
	/* The other user must read the configuration and what it names (not the logs). */
	{
		char run[sizeof srv.root], *slash;
		struct stat rst;

		snprintf(run, sizeof run, "%s", srv.root);
		slash = strrchr(run, '/');
		ck_assert_ptr_nonnull(slash);
		*slash = '\0'; /* the harness's directory for this run, above the server root */
		ck_assert_int_eq(stat(run, &rst), 0);
		ck_assert_int_eq(chmod(run, 0755), 0);
		ck_assert_int_eq(chmod(srv.root, 0755), 0);
		ck_assert_int_eq(chmod(srv.conf, 0644), 0);
		st = hs_run(argv, 10000, out, sizeof out);
		ck_assert_int_eq(chmod(run, rst.st_mode & 07777), 0);
	}
	ck_assert_msg(st != -1, "-s as nobody did not exit");
	expect_exit(st, 1, "cannot send reload to pid ", "-s reload as nobody");
	ck_assert_msg(strstr(out, "Operation not permitted") != NULL, "%s", out);
	ck_assert_msg(hs_file_count(srv.error_log, "reloading") == 0, "it reloaded: %s", error_log());
	ck_assert_int_eq(get_status(), 200);
}
END_TEST

START_TEST(test_missing_conf_file)
{
	char path[HS_PATH + 16];

	snprintf(path, sizeof path, "%s/nope.conf", srv.root);
	expect_exit(pf("-t", "-f", path, NULL), 1, path, "-f of a missing file");
}
END_TEST

/*
 * Configurations that load but fail the start-up checks (conf_check): -t
 * and a real start (-F) both exit 1 with FILE:LINE and the reason. The key
 * under test is on line 3 (after listen and server_root).
 */
static const struct check_case {
	int line;
	const char *desc;
	const char *body;       /* line 3 on; %s: the server root */
	const char *want;       /* besides FILE:3: */
} check_cases[] = {
	{ __LINE__, "error_log in a missing directory",
	  "error_log = \"%s/no/such/dir/error.log\";\n", "error_log: cannot create '" },
	{ __LINE__, "error_log is a directory",
	  "error_log = \"%s/htdocs\";\n", "error_log: '" },
	{ __LINE__, "access_log below a file",
	  "access_log = \"%s/htdocs/hello.txt/access.log\";\n", "access_log: '" },
	{ __LINE__, "pid_file in a missing directory",
	  "pid_file = \"%s/no/such/dir/x.pid\";\n", "pid_file: cannot create '" },
	{ __LINE__, "mime_types with a bad line",
	  "mime_types = \"%s/bad.types\";\n", "bad.types:2:" },
	{ __LINE__, "mime_types missing",
	  "mime_types = \"%s/no.types\";\n", "No such file or directory" },
	{ __LINE__, "interpreter is a symlink loop",
	  "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; "
	  "handlers = ( { extension = \".x\"; interpreter = \"%s/loop\"; } ); };\n",
	  "interpreter '" },
	{ __LINE__, "error page is a symlink loop",
	  "error_pages = ( { status = 404; path = \"/loop\"; } );\n",
	  "error_pages: '/loop' (status 404): Too many levels of symbolic links" },
};

static void write_check_conf(int i, char *path, size_t cap)
{
	char body[1024], conf[2048], link[HS_PATH + 16];

	ck_assert_int_eq(hs_put_str(&srv, "bad.types", "text/plain txt\nno-slash x\n"), 0);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	snprintf(link, sizeof link, "%s/loop", srv.root);
	ck_assert_msg(symlink("loop", link) == 0 || errno == EEXIST, "symlink: %s", strerror(errno));
	snprintf(link, sizeof link, "%s/htdocs/loop", srv.root);
	ck_assert_msg(symlink("loop", link) == 0 || errno == EEXIST, "symlink: %s", strerror(errno));
	snprintf(body, sizeof body, check_cases[i].body, srv.root, srv.root);
	snprintf(conf, sizeof conf, "listen = [ \"127.0.0.1:%d\" ];\nserver_root = \"%s\";\n%s"
		 "allow_root = true;\n", hs_free_port(), srv.root, body);
	snprintf(path, cap, "%s/check%d.conf", srv.root, i);
	snprintf(link, sizeof link, "check%d.conf", i);
	ck_assert_int_eq(hs_put_str(&srv, link, conf), 0);
}

static void expect_check_fails(int i, const char *mode)
{
	const struct check_case *c = &check_cases[i];
	char path[HS_PATH + 32], where[HS_PATH + 48], what[256];

	write_check_conf(i, path, sizeof path);
	snprintf(what, sizeof what, "line %d (%s): %s", c->line, c->desc, mode);
	expect_exit(pf(mode, "-f", path, NULL), 1, c->want, what);
	snprintf(where, sizeof where, "%s:3: ", path);
	ck_assert_msg(strstr(out, where) != NULL, "%s: want \"%s\" in: %s", what, where, out);
	ck_assert_msg(strstr(out, "syntax OK") == NULL, "%s: %s", what, out);
}

START_TEST(test_check_fails_t)
{
	expect_check_fails(_i, "-t");
}
END_TEST

START_TEST(test_check_fails_start)
{
	expect_check_fails(_i, "-F");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Starting */

/* A listening socket on 127.0.0.1, any port; its port in *port. */
static int hold_port(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void write_conf_port(int port, const char *extra)
{
	char conf[4096];

	snprintf(conf, sizeof conf, "listen = [ \"127.0.0.1:%d\" ];\n%s", port, extra ? extra : "");
	ck_assert_int_eq(hs_write_conf(&srv, conf), 0);
}

/*
 * The port is taken: exit 1 and "cannot listen on ADDR: Address already in
 * use", in the foreground on stderr; detached, in the error log as well.
 */
START_TEST(test_port_in_use)
{
	char want[128];
	int port, fd = hold_port(&port);

	snprintf(want, sizeof want, "listen: cannot listen on 127.0.0.1:%d: Address already in use", port);
	write_conf_port(port, NULL);
	expect_exit(pf("-F", "-f", srv.conf, NULL), 1, want, "-F, port taken");
	/* Before detaching: the starting process still has the terminal (stderr). */
	expect_exit(pf("-f", srv.conf, NULL, NULL), 1, want, "detached, port taken");
	close(fd);
}
END_TEST

/*
 * The pid file cannot be written although its directory looks writable (to
 * root, /proc does): the start fails with FILE:LINE and the reason, in the
 * foreground and detached alike; detached, the error log has it too (the
 * terminal may be gone), and no server is left behind.
 */
START_TEST(test_pid_file_unwritable)
{
	char extra[128], want[160];

	snprintf(extra, sizeof extra, "pid_file = \"/proc/pfhttpd-test-%d.pid\";\n", (int)getpid());
	snprintf(want, sizeof want, "pid_file: cannot write pid_file '/proc/pfhttpd-test-%d.pid': ",
		 (int)getpid());
	srv.port = hs_free_port();
	write_conf_port(srv.port, extra);
	expect_exit(pf("-F", "-f", srv.conf, NULL), 1, want, "-F, pid file unwritable");
	expect_exit(pf("-f", srv.conf, NULL, NULL), 1, want, "detached, pid file unwritable");
	expect_log(want, "detached, pid file unwritable");
	ck_assert_msg(!hs_port_listening(srv.port), "a server still listens on port %d", srv.port);
}
END_TEST

/* The daemon the pid file names: a pfhttpd we started (else 0). */
static pid_t daemon_pid(const char *pidfile)
{
	char buf[64], path[64];
	int pid;

	if (hs_slurp(pidfile, buf, sizeof buf) <= 0 || sscanf(buf, "%d", &pid) != 1 || pid <= 1)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0 || strncmp(buf, "pfhttpd", 7) != 0)
		return 0;
	return pid;
}

/*
 * Without -F: the starting process returns 0 once the pool serves; the
 * daemon (a new session, not our child) wrote the pid file; -s quit finds
 * it and it removes the pid file on the way out.
 */
START_TEST(test_daemon)
{
	char pidfile[HS_PATH + 16];
	pid_t pid;

	srv.port = hs_free_port();
	snprintf(pidfile, sizeof pidfile, "%s/run.pid", srv.root);
	write_conf_port(srv.port, "pid_file = \"run.pid\";\n");
	expect_exit(pf("-f", srv.conf, NULL, NULL), 0, NULL, "detached start");
	pid = detached = daemon_pid(pidfile);
	ck_assert_msg(pid > 0, "no running pfhttpd in %s", pidfile);
	/* setsid() then a second fork: a new session it does not lead (no terminal to acquire). */
	ck_assert_msg(getsid(pid) != getsid(0) && getsid(pid) != pid,
		      "the daemon %d: session %d, ours %d", (int)pid, (int)getsid(pid), (int)getsid(0));
	/* Up at once: the starting process waited for the pool. */
	ck_assert_int_eq(get_status(), 200);
	expect_log("started: 1 listening socket(s)", "detached start");
	expect_exit(pf("-s", "quit", "-f", srv.conf), 0, NULL, "-s quit");
	if (!hs_wait_gone(pid, 10000)) {
		ck_abort_msg("the daemon %d did not stop within 10 s of -s quit", (int)pid);
	}
	detached = 0;
	ck_assert_msg(access(pidfile, F_OK) == -1 && errno == ENOENT, "the pid file is left behind");
	expect_log("caught SIGQUIT, stopping gracefully", "-s quit");
}
END_TEST

/* The inode of the socket listening on [::1]:port (/proc/net/tcp6), or 0. */
static unsigned long listen6_inode(int port)
{
	char pat[16], line[512];
	unsigned long ino = 0;
	FILE *f = fopen("/proc/net/tcp6", "re");

	ck_assert_ptr_nonnull(f);
	snprintf(pat, sizeof pat, ":%04X ", port);
	while (fgets(line, sizeof line, f))
		if (strstr(line, "00000000000000000000000001000000" ) && strstr(line, pat) &&
		    strstr(line, " 0A "))
			sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu", &ino);
	fclose(f);
	return ino;
}

/* A free port on [::1], or 0 when this machine has no IPv6 loopback. */
static int free_port6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin6_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* GET /hello.txt from 127.0.0.2:port (another loopback address): its status, or -1. */
static int get_status_at_127_0_0_2(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct hs_conn *c = calloc(1, sizeof(*c));
	struct hs_response *r = calloc(1, sizeof(*r));
	int status = -1;

	ck_assert(c != NULL && r != NULL);
	a.sin_addr.s_addr = htonl(0x7f000002);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd >= 0 && connect(c->fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    hs_send_str(c->fd, HELLO_REQ) == 0 && hs_read_response(c, r, false, HS_TIMEOUT_MS) == 0)
		status = r->status;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	free(r);
	return status;
}

/*
 * IPv6 beside IPv4 (detached, so the listen list is ours): all serve; a
 * reload keeps each listening socket (same inode), which the master
 * matches by address and port: two IPv6 ports, and two IPv4 addresses on
 * one port (matched by port alone, 127.0.0.2's socket would be dropped for
 * 127.0.0.1's, and 127.0.0.2 would stop answering).
 */
START_TEST(test_ipv6_reload_keeps_socket)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char conf[512], pidfile[HS_PATH + 16];
	int port6 = free_port6(), port6b = 0, c6, n, kfd0;
	pid_t keeper;
	unsigned long ino, inob;

	if (port6 == 0) {
		printf("SKIP: no IPv6 loopback here\n");
		return;
	}
	for (int i = 0; i < 20 && (port6b == 0 || port6b == port6); i++)
		port6b = free_port6();
	ck_assert_msg(port6b != port6, "no second free port on [::1]");
	srv.port = hs_free_port();
	snprintf(pidfile, sizeof pidfile, "%s/run.pid", srv.root);
	snprintf(conf, sizeof conf, "listen = [ \"127.0.0.1:%d\", \"127.0.0.2:%d\", \"[::1]:%d\", "
		 "\"[::1]:%d\" ];\npid_file = \"run.pid\";\nlog_level = \"debug\";\n",
		 srv.port, srv.port, port6, port6b);
	ck_assert_int_eq(hs_write_conf(&srv, conf), 0);
	expect_exit(pf("-f", srv.conf, NULL, NULL), 0, NULL, "detached start on [::1]");
	detached = daemon_pid(pidfile);
	ck_assert_msg(detached > 0, "no running pfhttpd in %s", pidfile);
	ck_assert_int_eq(get_status(), 200);

	keeper = hs_wait_keeper(detached);
	ck_assert_int_gt(keeper, 0);
	kfd0 = hs_fd_count_settled(keeper);
	c6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin6_port = htons((uint16_t)port6);
	ck_assert_msg(connect(c6, (struct sockaddr *)&a, sizeof a) == 0, "[::1]:%d: %s", port6,
		      strerror(errno));
	/* Kept alive: the idle connection goes to the keeper, which names the IPv6 peer when it closes. */
	ck_assert_int_eq(hs_send_str(c6, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	n = (int)read(c6, text, sizeof text - 1);
	ck_assert_msg(n > 12 && strncmp(text, "HTTP/1.1 200", 12) == 0, "[::1]: %.100s", n > 0 ? text : "");
	{
		struct sockaddr_in6 me;
		socklen_t len = sizeof me;
		char want[96];

		ck_assert_int_eq(getsockname(c6, (struct sockaddr *)&me, &len), 0);
		/* "closed by the client", or a reset if the response was not read to its end. */
		snprintf(want, sizeof want, "] keeper: ::1:%d: ", ntohs(me.sin6_port));
		/* Idle for a second, parked in the worker (park.h): then the keeper holds it. */
		ck_assert_msg(hs_wait_fd_count(keeper, kfd0 + 1, 3000), "the keeper holds %d descriptors, "
			      "%d before", hs_fd_count(keeper), kfd0);
		close(c6);
		expect_log(want, "an idle IPv6 client closing");
	}

	ino = listen6_inode(port6);
	inob = listen6_inode(port6b);
	ck_assert_msg(ino != 0 && inob != 0, "nothing listens on [::1]:%d or [::1]:%d", port6, port6b);
	ck_assert_int_eq(get_status_at_127_0_0_2(srv.port), 200);
	ck_assert_int_eq(kill(detached, SIGHUP), 0);
	expect_log(RELOADED, "reload");
	ck_assert_msg(listen6_inode(port6) == ino, "the [::1] socket was replaced on reload");
	ck_assert_msg(listen6_inode(port6b) == inob, "the second [::1] socket was replaced on reload");
	ck_assert_int_eq(get_status(), 200);
	ck_assert_msg(get_status_at_127_0_0_2(srv.port) == 200, "127.0.0.2:%d no longer answers after "
		      "the reload", srv.port);
	daemon_stop();
}
END_TEST

/*
 * Root without CAP_SETUID and CAP_SETGID (a container that dropped them):
 * workers and the keeper cannot become their users, so they exit at once
 * (status 1) and say why; none ever serves as root; the master backs off
 * instead of forking in a loop, and still stops cleanly.
 */
START_TEST(test_identity_switch_fails)
{
	struct hs_conn c;
	int st;

	if (geteuid() != 0 || getpwnam("www-data") == NULL || getpwnam("nobody") == NULL) {
		printf("SKIP: needs root and the users www-data and nobody\n");
		return;
	}
	/* This test's process only (Check forks one per test); the server inherits the bounding set. */
	ck_assert_int_eq(prctl(PR_CAPBSET_DROP, CAP_SETUID, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_CAPBSET_DROP, CAP_SETGID, 0, 0, 0), 0);
	start("user = \"www-data\";\nkeeper_user = \"nobody\";\n#omit allow_root\n");
	expect_log("worker: cannot switch identity: Operation not permitted", "no CAP_SETUID");
	expect_log("keeper: cannot switch identity: Operation not permitted", "no CAP_SETUID");
	expect_log("exited with status 1", "no CAP_SETUID");
	expect_log("workers die right after starting; next start in ", "no CAP_SETUID");
	/* Nobody answers: a connection gets no response (and certainly not from root). */
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, HELLO_REQ), 0);
	{
		struct hs_response *r = calloc(1, sizeof(*r));

		ck_assert_ptr_nonnull(r);
		ck_assert_msg(hs_read_response(&c, r, false, 1000) == -1, "answered: %d", r->status);
		free(r);
	}
	hs_conn_close(&c);
	ck_assert_int_eq(hs_proc_state(srv.pid) != 0 && hs_proc_state(srv.pid) != 'Z', 1);
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	st = hs_wait_exit(&srv, 10000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Reloads and reopens that fail: the server keeps what it had */

/* A reload whose configuration fails conf_check (the log directory is gone). */
START_TEST(test_reload_fails_check)
{
	char extra[512];

	start(NULL);
	snprintf(extra, sizeof extra, "access_log = \"%s/gone/access.log\";\n", srv.root);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	/* The harness rewrote the port in the file: keep the one the server has. */
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_log(RELOAD_BAD, "reload with a missing log directory");
	expect_log("access_log: cannot create '", "reload with a missing log directory");
	expect_log("still serving the previous configuration", "reload with a missing log directory");
	ck_assert_int_eq(get_status(), 200);
}
END_TEST

/*
 * A reload whose new listen address is taken: the new generation cannot
 * bind, the old one goes on (its socket and its workers).
 */
START_TEST(test_reload_fails_bind)
{
	char extra[256], want[128];
	int port, fd = hold_port(&port);
	pid_t before[8], after[8];
	int nb, na;

	start(NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	nb = hs_workers(srv.pid, before, 8);
	snprintf(extra, sizeof extra, "listen = [ \"127.0.0.1:%d\", \"127.0.0.1:%d\" ];\n", srv.port, port);
	ck_assert_int_eq(hs_write_conf(&srv, extra), 0);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	snprintf(want, sizeof want, "cannot listen on 127.0.0.1:%d: Address already in use", port);
	expect_log(want, "reload onto a taken port");
	expect_log(RELOAD_BAD, "reload onto a taken port");
	ck_assert_int_eq(get_status(), 200);
	na = hs_workers(srv.pid, after, 8);
	ck_assert_int_eq(na, nb);
	for (int i = 0; i < na; i++) {
		bool same = false;

		for (int j = 0; j < nb; j++)
			same |= after[i] == before[j];
		ck_assert_msg(same, "worker %d is new after a failed reload", (int)after[i]);
	}
	ck_assert_msg(hs_file_count(srv.error_log, RELOADED) == 0, "%s", error_log());
	close(fd);
}
END_TEST

/* SIGUSR1 with the access log's directory gone: logged, the old files go on. */
START_TEST(test_reopen_fails)
{
	char dir[HS_PATH + 8], cmd[HS_PATH + 32];

	ck_assert_int_eq(hs_put_str(&srv, "logs/keep", ""), 0);
	start("access_log = \"logs/access.log\";\n");
	ck_assert_int_eq(get_status(), 200);
	snprintf(dir, sizeof dir, "%s/logs", srv.root);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(kill(srv.pid, SIGUSR1), 0);
	expect_log("cannot reopen the logs: ", "reopen into a removed directory");
	expect_log("access_log '", "reopen into a removed directory");
	expect_log("still writing to the old ones", "reopen into a removed directory");
	ck_assert_int_eq(get_status(), 200);
	ck_assert_msg(hs_file_count(srv.error_log, "logs reopened") == 0, "%s", error_log());
}
END_TEST

/*
 * mime_types names a file of its own: its types are the ones served (it
 * replaces /etc/mime.types, as Apache's TypesConfig does).
 */
START_TEST(test_mime_types_file)
{
	char extra[HS_PATH + 64];
	struct hs_response *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(hs_put_str(&srv, "pfh.types", "# a comment\napplication/x-pfhttpd-test\tpfhx pfhy\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/file.pfhy", "typed\n"), 0);
	snprintf(extra, sizeof extra, "mime_types = \"%s/pfh.types\";\n", srv.root);
	start(extra);
	ck_assert_int_eq(hs_exchange(&srv, "GET /file.pfhy HTTP/1.1\r\nHost: localhost\r\n\r\n", r), 0);
	ck_assert_msg(r->status == 200 && hs_hdr(r, "Content-Type") &&
		      strncmp(hs_hdr(r, "Content-Type"), "application/x-pfhttpd-test", 26) == 0,
		      "%d, Content-Type %s", r->status, hs_hdr(r, "Content-Type") ? hs_hdr(r, "Content-Type") : "none");
	free(r);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Stopping */

/* The pid file was removed while it ran (a tidy-up of /run): stopping is quiet about it. */
START_TEST(test_pid_file_gone)
{
	char pidfile[HS_PATH + 16];
	int st;

	snprintf(pidfile, sizeof pidfile, "%s/run.pid", srv.root);
	start("pid_file = \"run.pid\";\n");
	ck_assert_int_eq(unlink(pidfile), 0);
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	st = hs_wait_exit(&srv, 10000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
	expect_log("stopped", "stop without its pid file");
	ck_assert_msg(!strstr(error_log(), "cannot remove"), "a warning for a file already gone: %s", text);
}
END_TEST

/* The pid file was replaced by a directory: stopping says it cannot remove it. */
START_TEST(test_pid_file_not_removable)
{
	char pidfile[HS_PATH + 16];
	int st;

	snprintf(pidfile, sizeof pidfile, "%s/run.pid", srv.root);
	start("pid_file = \"run.pid\";\n");
	ck_assert_int_eq(unlink(pidfile), 0);
	ck_assert_int_eq(mkdir(pidfile, 0755), 0);
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	st = hs_wait_exit(&srv, 10000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
	expect_log("cannot remove '", "stop with a directory for a pid file");
	expect_log("run.pid': Is a directory", "stop with a directory for a pid file");
}
END_TEST

/*
 * A worker that does not act on SIGTERM (stopped here, as a hung one would
 * be): after 1.5 s the master SIGKILLs what is left and still exits 0.
 */
START_TEST(test_stop_kills_stuck_worker)
{
	pid_t w[8];
	long long t0;
	int st;

	start(NULL);
	ck_assert(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS));
	ck_assert_int_ge(hs_workers(srv.pid, w, 8), 1);
	ck_assert_int_eq(kill(w[0], SIGSTOP), 0);
	t0 = hs_now_ms();
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	st = hs_wait_exit(&srv, 15000);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
	ck_assert_msg(hs_now_ms() - t0 >= 1400, "the master did not wait for the worker");
	expect_log("children still running after 1500 ms: sending SIGKILL", "a stopped worker");
	ck_assert(hs_wait_gone(w[0], 5000));
}
END_TEST

/*
 * A reload while a script runs, with timeouts.graceful = 1: the old
 * generation's busy worker is told to stop once the second has passed.
 */
START_TEST(test_old_generation_outlives_graceful)
{
	char extra[512];
	struct hs_conn c;

	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n"
		 "timeouts = { header = 10; body = 30; keepalive = 2; send = 30; cgi = 60; graceful = 1; };\n",
		 srv.root);
	start(extra);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/sleep_forever.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	hs_sleep_ms(300); /* the script is running */
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	expect_log(RELOADED, "reload during a script");
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "still busy after timeouts.graceful: stopping them",
					    8000),
		      "no graceful-timeout line: %s", error_log());
	ck_assert_int_eq(get_status(), 200);
	hs_conn_close(&c);
}
END_TEST

/* How many sleep10.sh scripts a worker runs (its direct children: not the shell's own forks). */
static int scripts_running(void)
{
	pid_t d[256];
	char cmd[512], path[64], stat[512];
	int n = hs_descendants(srv.pid, d, 256), k = 0, ppid;

	for (int i = 0; i < n; i++) {
		if (hs_cmdline(d[i], cmd, sizeof cmd) <= 0 || !strstr(cmd, "sleep10.sh"))
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)d[i]);
		if (hs_slurp(path, stat, sizeof stat) <= 0 || !strrchr(stat, ')') ||
		    sscanf(strrchr(stat, ')') + 1, " %*c %d", &ppid) != 1)
			continue;
		if (hs_cmdline(ppid, cmd, sizeof cmd) > 0 && strncmp(cmd, "pfhttpd:", 8) == 0)
			k++;
	}
	return k;
}

/*
 * Reloads faster than requests finish: 17 generations, each with a request
 * still running (more than the 16 the master tracks, so it stops waiting
 * for the oldest). Every request is still answered, and so is a new one.
 */
#define NGEN 17
START_TEST(test_reloads_faster_than_requests)
{
	struct hs_conn *c = calloc(NGEN, sizeof(*c));
	struct hs_response *r = calloc(1, sizeof(*r));
	char extra[512], want[64];

	ck_assert(c != NULL && r != NULL);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n"
		 "workers = { start = 2; min_spare = 1; max_spare = 4; max = 40; max_requests = 0; };\n",
		 srv.root);
	start(extra);
	for (int i = 0; i < NGEN; i++) {
		long long end = hs_now_ms() + HS_TIMEOUT_MS;

		ck_assert_int_eq(hs_conn_open(&srv, &c[i]), 0);
		ck_assert_int_eq(hs_send_str(c[i].fd, "GET /cgi-bin/sleep10.sh HTTP/1.1\r\nHost: a\r\n"
					     "Connection: close\r\n\r\n"), 0);
		while (scripts_running() < i + 1 && hs_now_ms() < end)
			hs_sleep_ms(20);
		ck_assert_msg(scripts_running() >= i + 1, "request %d did not start", i);
		ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
		snprintf(want, sizeof want, RELOADED "%d)", i + 2);
		expect_log(want, "a reload with requests running");
	}
	ck_assert_int_eq(get_status(), 200);
	for (int i = 0; i < NGEN; i++) {
		ck_assert_msg(hs_read_response(&c[i], r, false, 20000) == 0, "request %d: no answer", i);
		ck_assert_msg(r->status == 200 && strcmp(r->body, "slept\n") == 0,
			      "request %d: %d %s", i, r->status, r->body);
		hs_conn_close(&c[i]);
	}
	free(r);
	free(c);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *startup_suite(void)
{
	Suite *s = suite_create("startup");
	TCase *tc = tcase_create("command_line");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_version_and_help);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_signal_no_server);
	tcase_add_test(tc, test_missing_conf_file);
	tcase_add_test(tc, test_signal_not_permitted);
	tcase_add_loop_test(tc, test_check_fails_t, 0, NELEM(check_cases));
	tcase_add_loop_test(tc, test_check_fails_start, 0, NELEM(check_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("start");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_port_in_use);
	tcase_add_test(tc, test_daemon);
	tcase_add_test(tc, test_pid_file_unwritable);
	tcase_add_test(tc, test_ipv6_reload_keeps_socket);
	tcase_add_test(tc, test_identity_switch_fails);
	tcase_add_test(tc, test_mime_types_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reload_fails_check);
	tcase_add_test(tc, test_reload_fails_bind);
	tcase_add_test(tc, test_reopen_fails);
	tcase_add_test(tc, test_old_generation_outlives_graceful);
	tcase_add_test(tc, test_reloads_faster_than_requests);
	suite_add_tcase(s, tc);

	tc = tcase_create("stop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_pid_file_not_removable);
	tcase_add_test(tc, test_pid_file_gone);
	tcase_add_test(tc, test_stop_kills_stuck_worker);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(startup_suite());
}
