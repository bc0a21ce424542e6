/*
 * check_haproxy — the setup end to end: Debian's HAProxy on
 * loopback in front of two pfhttpd instances, round robin, the PROXY
 * protocol v2 to each (send-proxy-v2) and health checks that send it too
 * (check-send-proxy, inter 200ms fall 2 rise 1).
 *
 * The client connects to HAProxy from 127.0.0.2 while HAProxy connects to
 * the instances from 127.0.0.1 (the only trusted address), so a
 * REMOTE_ADDR of 127.0.0.2 in a CGI response, and a 127.0.0.2 line in both
 * access logs, can only come from the header. Then one instance is stopped
 * by its pid: once HAProxy's health check says it is DOWN (its own log
 * line, waited for a bounded time), 20 requests in a row all succeed. No
 * `option redispatch`: a request sent to the stopped instance would fail, so
 * the 20 show that the check took it out.
 *
 * HAProxy runs in the foreground (-db) as a child of the test, with its
 * configuration and its output in a directory of the second instance's
 * temporary root; it is stopped by its pid, and dies with the test process
 * (PR_SET_PDEATHSIG) if an assertion ends it first. Without
 * /usr/sbin/haproxy (make check installs HAPROXY_PKGS when it can) the test
 * prints "SKIP: ..." and passes, except under CI, as check_browser does.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HAPROXY
#define HAPROXY "/usr/sbin/haproxy"  /* overridable (-D) to exercise the SKIP path */
#endif
#define CLIENT "127.0.0.2"
#define REQ "GET /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

static struct hs_server srv[2];
static int pport[2];                 /* each instance's PROXY listener */
static int fport;                    /* HAProxy's frontend */
static pid_t hap;                    /* HAProxy, or 0 */
static char hap_dir[HS_PATH], hap_out[HS_PATH + 32];
static struct hs_response resp;

static void hap_stop(void)
{
	if (hap <= 0)
		return;
	kill(hap, SIGTERM);
	if (!hs_wait_gone(hap, 5000 * hs_timeout_scale())) {
		kill(hap, SIGKILL);
		hs_wait_gone(hap, 5000);
	}
	hap = 0;
}

static void teardown(void)
{
	hap_stop();
	hs_destroy(&srv[0]);
	hs_destroy(&srv[1]);
}

/* One pfhttpd whose PROXY listener trusts HAProxy's address only. */
static void start_one(int i)
{
	struct hs_server *s = &srv[i];
	char extra[1024], msg[4096];

	ck_assert_msg(hs_root_init(s) == 0 && hs_fixtures(s) == 0, "server root fixtures");
	ck_assert_msg(hs_copy_cgi(s, "cgi-bin") == 0, "copying the CGI fixtures");
	hs_open_root(s);
	pport[i] = hs_free_port();
	ck_assert_int_gt(pport[i], 0);
	snprintf(extra, sizeof extra,
		 "proxy_protocol = { listen = [ \"127.0.0.1:%d\" ]; trusted = [ \"127.0.0.1/32\" ]; };\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n", pport[i], s->root);
	ck_assert_msg(hs_start(s, extra, msg, sizeof msg) == 0, "cannot start %s: %s", hs_bin(), msg);
	ck_assert_msg(hs_port_listening(pport[i]), "no PROXY listener on %d", pport[i]);
}

/* Write HAProxy's configuration into the second instance's root and start it. */
static void hap_start(void)
{
	char cfg[HS_PATH + 32], text[2048];
	int out;

	snprintf(hap_dir, sizeof hap_dir, "%s/haproxy", srv[1].root);
	snprintf(cfg, sizeof cfg, "%s/haproxy.cfg", hap_dir);
	snprintf(hap_out, sizeof hap_out, "%s/haproxy.out", hap_dir);
	fport = hs_free_port();
	ck_assert_int_gt(fport, 0);
	snprintf(text, sizeof text,
		 "global\n"
		 "    maxconn 256\n"
		 "defaults\n"
		 "    mode http\n"
		 "    timeout connect 2s\n"
		 "    timeout client 10s\n"
		 "    timeout server 10s\n"
		 "    timeout check 2s\n"
		 "frontend fe\n"
		 "    bind 127.0.0.1:%d\n"
		 "    default_backend be\n"
		 "backend be\n"
		 "    balance roundrobin\n"
		 "    option httpchk GET /hello.txt\n"
		 "    server s1 127.0.0.1:%d send-proxy-v2 check check-send-proxy inter 200ms fall 2 rise 1\n"
		 "    server s2 127.0.0.1:%d send-proxy-v2 check check-send-proxy inter 200ms fall 2 rise 1\n",
		 fport, pport[0], pport[1]);
	ck_assert_int_eq(hs_put_str(&srv[1], "haproxy/haproxy.cfg", text), 0);
	out = open(hap_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(out, 0);
	hap = fork();
	ck_assert_int_ge(hap, 0);
	if (hap == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(out, 1);
		dup2(out, 2);
		execl(HAPROXY, HAPROXY, "-db", "-f", cfg, (char *)NULL);
		_exit(127);
	}
	close(out);
	for (long long end = hs_now_ms() + 10000LL * hs_timeout_scale(); !hs_port_listening(fport);) {
		char log[4096];

		if (hs_now_ms() >= end || waitpid(hap, NULL, WNOHANG) == hap) {
			hs_slurp(hap_out, log, sizeof log);
			hap = 0;
			ck_abort_msg("haproxy did not start listening on %d: %s", fport, log);
		}
		hs_sleep_ms(20);
	}
}

/* One request through HAProxy from CLIENT: 200, and the client is CLIENT. */
static void request_ok(int n)
{
	static struct hs_conn c;

	c.fd = hs_connect_from(CLIENT, fport);
	c.len = 0;
	c.eof = false;
	ck_assert_msg(c.fd >= 0, "connect from " CLIENT ": %s", strerror(errno));
	ck_assert_int_eq(hs_send_str(c.fd, REQ), 0);
	ck_assert_msg(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS) == 0,
		      "request %d: no response: %.300s", n, resp.raw);
	ck_assert_msg(resp.status == 200, "request %d: status %d: %.300s", n, resp.status, resp.raw);
	ck_assert_msg(strstr(resp.body, "\nREMOTE_ADDR=" CLIENT "\n") != NULL,
		      "request %d: REMOTE_ADDR is not " CLIENT ":\n%s", n, resp.body);
	hs_conn_close(&c);
}

START_TEST(test_haproxy)
{
	char log[16384];

	if (access(HAPROXY, X_OK) != 0) {
		ck_assert_msg(getenv("CI") == NULL,
			      "%s not installed under CI: make check must install HAPROXY_PKGS", HAPROXY);
		printf("SKIP: %s not installed (Debian's haproxy; make check installs it)\n", HAPROXY);
		fflush(stdout);
		return;
	}
	start_one(0);
	start_one(1);
	hap_start();
	for (int i = 0; i < 6; i++)
		request_ok(i);
	/* Round robin: each instance logged the client the header named. */
	for (int i = 0; i < 2; i++)
		ck_assert_msg(hs_wait_file_contains(srv[i].access_log, CLIENT " - - [",
						    HS_TIMEOUT_MS * hs_timeout_scale()),
			      "instance %d's access log has no " CLIENT " line", i + 1);

	ck_assert_int_ge(hs_stop(&srv[0], 5000), 0);
	/* fall 2, inter 200ms: DOWN within a second or so; 5 s on a loaded machine. */
	if (!hs_wait_file_contains(hap_out, "be/s1 is DOWN", 5000 * hs_timeout_scale())) {
		hs_slurp(hap_out, log, sizeof log);
		ck_abort_msg("haproxy did not take s1 out within 5 s:\n%s", log);
	}
	for (int i = 0; i < 20; i++)
		request_ok(100 + i);
	hs_slurp(hap_out, log, sizeof log);
	ck_assert_msg(strstr(log, "be/s2 is DOWN") == NULL, "haproxy took s2 out:\n%s", log);
	hap_stop();
}
END_TEST

static Suite *haproxy_suite(void)
{
	Suite *s = suite_create("haproxy");
	TCase *tc = hs_tcase("round_robin", 90, teardown);

	tcase_add_test(tc, test_haproxy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(haproxy_suite());
}
