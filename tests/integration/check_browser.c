/*
 * check_browser — the demo site end to end in a real browser.
 *
 * Starts the real server on the checkout's htdocs/ and cgi-bin/ (the
 * settings of etc/pfhttpd-local.conf on a free 127.0.0.1 port), drives
 * Debian's Chromium through chromedriver's W3C WebDriver HTTP API (raw
 * HTTP/JSON on 127.0.0.1), fills in the contact form of the home page,
 * submits it and checks that htdocs/contact_form.php, run by php-cgi,
 * answers the thank-you page. A second server, on the harness's fixtures
 * with the status page on, shows its /server-status page to the browser
 * while a slow CGI request carries markup in its request line. Without
 * /usr/bin/chromium or /usr/bin/chromedriver every test prints "SKIP: ..."
 * and passes, except under CI (the environment has CI set, as CI's run of
 * .ci/run does: CI=true), where a browser that make browser-deps could not
 * install is a failure: a skipped test must not look green there.
 *
 * Failures: Check ends a failing test process with _exit(), so no cleanup
 * would run after a ck_assert. The steps therefore fail through NEED(),
 * which records the message and longjmp()s back to run(); run() always
 * deletes the session, stops chromedriver and the server, removes the
 * temporary root, and only then reports the failure to Check.
 *
 * Processes: chromedriver runs under a small guardian process that leads a
 * process group of its own; chromedriver and the Chromium processes live in
 * that group. Stopping sends SIGTERM to the guardian (which SIGKILLs its
 * group), SIGKILLs the group ourselves and reaps it: the test process is a
 * child subreaper, so orphaned browser processes come back to us. Chromium's
 * crashpad handlers daemonize out of the group; they exit when the browser
 * does, and we reap them as adopted children (SIGKILL by pid if they
 * linger). The guardian dies with the test process (PR_SET_PDEATHSIG), so a
 * Check timeout's SIGKILL leaves no browser behind either. Not used:
 * --disable-crashpad-for-testing, which would keep the handlers away but
 * makes the network service crash-loop ("FD ownership violation").
 *
 * JSON is handled minimally: string values are found by key ("sessionId",
 * "value", the W3C element key) and unescaped; chromedriver's answers need
 * nothing more.
 */
#include "harness.h"

#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Overridable (-D) to exercise the SKIP path on a machine that has them. */
#ifndef CHROMIUM
#define CHROMIUM     "/usr/bin/chromium"
#endif
#ifndef CHROMEDRIVER
#define CHROMEDRIVER "/usr/bin/chromedriver"
#endif
#define PHP_CGI      "/usr/bin/php-cgi"
/* W3C WebDriver 12.1: the key of a web element reference. */
#define ELEMENT_KEY  "element-6066-11e4-a52e-4f735466cecf"

#define WD_TIMEOUT_MS      20000  /* one WebDriver command (a page load is bounded below it) */
#define WD_SESSION_MS      40000  /* starting the browser: ~2 s here, ~10 s on a slow machine */
#define WD_READY_MS        10000  /* chromedriver answering /status */
#define WD_NAV_MS          15000  /* the form's POST to show up in the address bar */
#define WD_PAGELOAD_MS     15000  /* the session's page load timeout */

#define FORM_NAME    "Joe User"
#define FORM_REQUEST "Send me one of your catalogue"

/* The status page's server: a pool that neither grows nor shrinks by itself. */
#define STATUS_WORKERS 4
/*
 * Sent raw: the parser lets '<' and '>' through in a target (only CTLs, SP
 * and '#' are refused), and the scoreboard keeps the line as sent, so the
 * page must escape real markup. Percent-encoded, it would show as harmless
 * "%3Cscript%3E" and prove nothing. No SP inside: "<svg/onload=...>".
 */
#define XSS_LINE     "GET /cgi-bin/sleep10.sh?<script>alert(1)</script><svg/onload=alert(2)> HTTP/1.1"

static struct hs_server srv;
static struct hs_server wd_addr;          /* only .port: where chromedriver listens */
static struct hs_response wd_resp;        /* large: keep it off the stack */
static struct hs_conn wd_conn;
static char page[HS_MAX_RESP + 1];        /* a decoded JSON string value */
static char base_url[64];                 /* http://127.0.0.1:PORT */
static char session[128];
static int slow_fd = -1;                  /* the slow CGI request of the status test */
static jmp_buf fail_jmp;
static char fail_msg[8192];

/* Record why the test fails (line and message) and unwind to run(). */
#define NEED(cond, ...) do { if (!(cond)) fail_at(__LINE__, __VA_ARGS__); } while (0)

__attribute__((noreturn, format(printf, 2, 3)))
static void fail_at(int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(fail_msg, sizeof fail_msg, "line %d: ", line);

	va_start(ap, fmt);
	vsnprintf(fail_msg + n, sizeof fail_msg - (size_t)n, fmt, ap);
	va_end(ap);
	longjmp(fail_jmp, 1);
}

static struct {
	pid_t pid;                            /* the guardian, leader of the group */
	pid_t owner;                          /* the process that started it */
	char log[HS_PATH + 32];
} drv;

/* ------------------------------------------------------------------------ */
/* Small helpers. */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The tail of a file, for failure messages. */
static const char *file_tail(const char *path)
{
	static char buf[HS_MAX_RESP];
	ssize_t n = hs_slurp(path, buf, sizeof buf);

	if (n <= 0)
		return "(empty)";
	return n > 1500 ? buf + n - 1500 : buf;
}

/* Quote src as a JSON string into dst (with the quotes). */
static void json_quote(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	dst[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)src; *p != '\0' && o + 8 < cap; p++) {
		if (*p == '"' || *p == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)*p;
		} else if (*p < 0x20) {
			o += (size_t)snprintf(dst + o, cap - o, "\\u%04x", *p);
		} else {
			dst[o++] = (char)*p;
		}
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* Append code point cp as UTF-8. */
static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Four hex digits at p (never reading past a NUL), or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)p[i]) ? p[i] - '0' :
			      (tolower((unsigned char)p[i]) - 'a' + 10));
	}
	return v;
}

/* Decode the JSON string starting at the opening quote p into out. 0 or -1. */
static int json_unescape(const char *p, char *out, size_t cap)
{
	size_t o = 0;

	if (*p++ != '"')
		return -1;
	while (*p != '"') {
		char c = *p++;

		if (c == '\0' || o + 5 >= cap)
			return -1;
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		c = *p++;
		switch (c) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			long cp = hex4(p), lo;

			if (cp < 0)
				return -1;
			p += 4;
			/* RFC 8259 7: a character outside the BMP is a surrogate pair. */
			if (cp >= 0xD800 && cp <= 0xDBFF && p[0] == '\\' && p[1] == 'u' &&
			    (lo = hex4(p + 2)) >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			o += put_utf8(out + o, (unsigned long)cp);
			break;
		}
		case '\0': return -1;
		default: out[o++] = c; break;  /* \" \\ \/ */
		}
	}
	out[o] = '\0';
	return 0;
}

/*
 * The string value of the first member named key in json, into out.
 * 0, or -1 when there is none or its value is not a string. A match inside
 * a string is skipped because a quote there is escaped ("\"key\"").
 */
static int json_str(const char *json, const char *key, char *out, size_t cap)
{
	char pat[128];
	size_t plen;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	plen = strlen(pat);
	for (const char *p = strstr(json, pat); p != NULL; p = strstr(p + 1, pat)) {
		const char *v = p + plen;

		if (p > json && p[-1] == '\\')
			continue;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		if (*v != ':')
			continue;
		v++;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		return *v == '"' ? json_unescape(v, out, cap) : -1;
	}
	return -1;
}

/* ------------------------------------------------------------------------ */
/* chromedriver: start, talk, stop. */

/*
 * The guardian: leads the group, runs chromedriver in it, and SIGKILLs the
 * whole group when asked (SIGTERM), when the test process dies (pdeathsig)
 * or when chromedriver exits. Never returns.
 */
static void guardian(pid_t parent, int port)
{
	char portarg[32];
	char *argv[] = { "chromedriver", portarg, NULL };
	sigset_t set;
	pid_t cd;
	int sig, out;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	cd = fork();
	if (cd == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		snprintf(portarg, sizeof portarg, "--port=%d", port);
		out = open(drv.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out != -1) {
			dup2(out, 1);
			dup2(out, 2);
		}
		close(0);
		open("/dev/null", O_RDONLY);
		/* Keep the browser's home, config and cache inside the test root. */
		setenv("HOME", srv.root, 1);
		setenv("XDG_CONFIG_HOME", srv.root, 1);
		setenv("XDG_CACHE_HOME", srv.root, 1);
		execv(CHROMEDRIVER, argv);
		dprintf(2, "exec %s: %s\n", CHROMEDRIVER, strerror(errno));
		_exit(127);
	}
	if (cd > 0)
		sigwait(&set, &sig);
	kill(0, SIGKILL);  /* our group: chromedriver, Chromium, and ourselves */
	_exit(1);
}

/* Is pid one of Chromium's processes ("chromium", "chrome_crashpad_handler")? */
static bool is_browser(pid_t pid)
{
	char path[64], comm[64];

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	return hs_slurp(path, comm, sizeof comm) > 0 && strncmp(comm, "chrom", 5) == 0;
}

/*
 * Reap the browser processes we adopted (crashpad handlers left the group);
 * they exit with the browser. Those still there at the deadline are killed
 * by pid. Never touches any other child (the server is ours too).
 */
static void reap_adopted(long long end)
{
	pid_t kids[64];
	int n;
	bool last = false;

	for (;;) {
		int left = 0;

		n = hs_children(getpid(), kids, 64);
		for (int i = 0; i < n && i < 64; i++) {
			if (!is_browser(kids[i]))
				continue;
			if (last)
				kill(kids[i], SIGKILL);
			if (waitpid(kids[i], NULL, last ? 0 : WNOHANG) == 0)
				left++;
		}
		if (left == 0 || last)
			return;
		last = hs_now_ms() >= end;
		sleep_ms(20);
	}
}

static void driver_stop(void)
{
	long long end = hs_now_ms() + 5000;

	if (drv.pid <= 0 || drv.owner != getpid())
		return;
	kill(drv.pid, SIGTERM);
	kill(-drv.pid, SIGKILL);
	/* Reap the group: the guardian, and (we are a subreaper) its orphans. */
	while (hs_now_ms() < end) {
		while (waitpid(-drv.pid, NULL, WNOHANG) > 0)
			;
		if (kill(-drv.pid, 0) == -1 && errno == ESRCH)
			break;
		kill(-drv.pid, SIGKILL);
		sleep_ms(20);
	}
	drv.pid = 0;
	reap_adopted(hs_now_ms() + 3000);
}

/* One WebDriver command. The HTTP status, or -1; the response in wd_resp. */
static int wd_call(const char *method, const char *path, const char *json, int timeout_ms)
{
	static char req[16384];
	int n;

	if (json != NULL)
		n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
			     "Content-Type: application/json; charset=utf-8\r\n"
			     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			     method, path, wd_addr.port, strlen(json), json);
	else
		n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
			     "Connection: close\r\n\r\n", method, path, wd_addr.port);
	if (n < 0 || (size_t)n >= sizeof req || hs_conn_open(&wd_addr, &wd_conn) == -1)
		return -1;
	if (hs_send(wd_conn.fd, req, (size_t)n) == -1 ||
	    hs_read_response(&wd_conn, &wd_resp, false, timeout_ms) == -1) {
		hs_conn_close(&wd_conn);
		return -1;
	}
	hs_conn_close(&wd_conn);
	return wd_resp.status;
}

/* A command that must succeed; path is relative to the session ("" = the session). */
static void wd_ok(const char *what, const char *method, const char *sub, const char *json)
{
	char path[512];
	int st;

	snprintf(path, sizeof path, "/session/%s%s", session, sub);
	st = wd_call(method, path, json, WD_TIMEOUT_MS);
	NEED(st == 200, "WebDriver %s (%s %s): status %d: %.600s\nchromedriver log: %s",
	     what, method, path, st, st == -1 ? "(no response)" : wd_resp.body,
	     file_tail(drv.log));
}

static void driver_start(void)
{
	pid_t parent = getpid();
	long long end;

	/* Orphaned browser processes come to us to be reaped, not to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(drv.log, sizeof drv.log, "%s/chromedriver.log", srv.root);
	wd_addr.port = hs_free_port();
	NEED(wd_addr.port > 0, "no free port for chromedriver");
	drv.pid = fork();
	NEED(drv.pid >= 0, "fork: %s", strerror(errno));
	if (drv.pid == 0) {
		setpgid(0, 0);
		guardian(parent, wd_addr.port);
	}
	setpgid(drv.pid, drv.pid);  /* both sides, so no kill(-pid) races the child */
	drv.owner = getpid();
	end = hs_now_ms() + WD_READY_MS;
	while (hs_now_ms() < end) {
		if (wd_call("GET", "/status", NULL, 1000) == 200 &&
		    strstr(wd_resp.body, "\"ready\":true") != NULL)
			return;
		sleep_ms(50);
	}
	NEED(false, "chromedriver not ready on port %d within %d ms: %s",
	     wd_addr.port, WD_READY_MS, file_tail(drv.log));
}

/* POST /session with a fresh profile inside the test root. */
static void session_start(void)
{
	static char caps[4096];
	char profile[HS_PATH + 16], arg[HS_PATH + 64], qarg[2 * sizeof arg + 4];
	int st;

	snprintf(profile, sizeof profile, "%s/profile", srv.root);
	NEED(mkdir(profile, 0700) == 0, "mkdir %s: %s", profile, strerror(errno));
	snprintf(arg, sizeof arg, "--user-data-dir=%s", profile);
	json_quote(qarg, sizeof qarg, arg);
	snprintf(caps, sizeof caps,
		 "{\"capabilities\":{\"alwaysMatch\":{\"goog:chromeOptions\":{"
		 "\"binary\":\"" CHROMIUM "\",\"args\":["
		 "\"--headless\",\"--no-sandbox\",\"--disable-gpu\",\"--disable-quic\","
		 "\"--no-first-run\",\"--disable-background-networking\","
		 "\"--disable-component-update\",\"--disable-sync\","
		 "\"--no-proxy-server\",%s]}}}}", qarg);
	st = wd_call("POST", "/session", caps, WD_SESSION_MS);
	NEED(st == 200 && json_str(wd_resp.body, "sessionId", session, sizeof session) == 0,
	     "WebDriver new session: status %d: %.600s\nchromedriver log: %s",
	     st, st == -1 ? "(no response)" : wd_resp.body, file_tail(drv.log));
	snprintf(caps, sizeof caps, "{\"pageLoad\":%d,\"script\":10000,\"implicit\":0}",
		 WD_PAGELOAD_MS);
	wd_ok("set timeouts", "POST", "/timeouts", caps);
}

static void session_stop(void)
{
	char path[256];

	if (session[0] == '\0')
		return;
	snprintf(path, sizeof path, "/session/%s", session);
	wd_call("DELETE", path, NULL, 5000);  /* quits the browser; the kill follows anyway */
	session[0] = '\0';
}

/* The element matching css (which must exist), into id. */
static void wd_find(const char *css, char *id, size_t cap)
{
	char body[512], q[256];

	json_quote(q, sizeof q, css);
	snprintf(body, sizeof body, "{\"using\":\"css selector\",\"value\":%s}", q);
	wd_ok(css, "POST", "/element", body);
	NEED(json_str(wd_resp.body, ELEMENT_KEY, id, cap) == 0,
	     "no element reference for %s in %.300s", css, wd_resp.body);
}

static void wd_type(const char *id, const char *text)
{
	char sub[256], body[1024], q[900];

	snprintf(sub, sizeof sub, "/element/%s/value", id);
	json_quote(q, sizeof q, text);
	snprintf(body, sizeof body, "{\"text\":%s}", q);
	wd_ok("send keys", "POST", sub, body);
}

static void wd_click(const char *id)
{
	char sub[256];

	snprintf(sub, sizeof sub, "/element/%s/click", id);
	wd_ok("click", "POST", sub, "{}");
}

/*
 * Run script (a function body) with an optional element as arguments[0];
 * its string result into page. The result must be a string.
 */
static const char *wd_exec(const char *script, const char *elem)
{
	static char body[4096];
	char q[2048], args[256] = "[]";

	if (elem != NULL)
		snprintf(args, sizeof args, "[{\"" ELEMENT_KEY "\":\"%s\"}]", elem);
	json_quote(q, sizeof q, script);
	snprintf(body, sizeof body, "{\"script\":%s,\"args\":%s}", q, args);
	wd_ok(script, "POST", "/execute/sync", body);
	NEED(json_str(wd_resp.body, "value", page, sizeof page) == 0,
	     "script %s: no string result in %.300s", script, wd_resp.body);
	return page;
}

/* The address bar, into page. */
static const char *wd_url(void)
{
	wd_ok("get url", "GET", "/url", NULL);
	NEED(json_str(wd_resp.body, "value", page, sizeof page) == 0,
	     "no URL in %.300s", wd_resp.body);
	return page;
}

/* Bounded wait until the current URL ends with suffix and the page has loaded. */
static void wait_for_page(const char *suffix)
{
	long long end = hs_now_ms() + WD_NAV_MS;
	char last[1024] = "";

	for (;;) {
		snprintf(last, sizeof last, "%.1000s", wd_url());
		if (ends_with(last, suffix) &&
		    strcmp(wd_exec("return document.readyState;", NULL), "complete") == 0)
			return;
		NEED(hs_now_ms() < end, "no page %s within %d ms; the browser is at %s",
		     suffix, WD_NAV_MS, last);
		sleep_ms(100);
	}
}

/* ------------------------------------------------------------------------ */
/* The server on the checkout's site, chromedriver, a session; and cleanup. */

/* An absolute PFHTTPD_SRC (default: the working directory, the repo root). */
static void repo_root(char *out, size_t cap)
{
	const char *src = getenv("PFHTTPD_SRC");
	char buf[PATH_MAX];

	if (src == NULL || *src == '\0')
		src = ".";
	NEED(realpath(src, buf) != NULL, "PFHTTPD_SRC %s: %s", src, strerror(errno));
	NEED(strpbrk(buf, "\"\\") == NULL, "PFHTTPD_SRC %s: quote or backslash", buf);
	snprintf(out, cap, "%s", buf);
}

static void start_browser(void)
{
	driver_start();
	session_start();
}

/* The checkout's site (etc/pfhttpd-local.conf), and the browser. */
static void start_site(void)
{
	static char extra[2 * PATH_MAX + 1024];
	char src[PATH_MAX], msg[9000];

	repo_root(src, sizeof src);
	NEED(access(PHP_CGI, X_OK) == 0, "%s is not installed", PHP_CGI);
	NEED(hs_root_init(&srv) == 0, "cannot create a server root");
	/* etc/pfhttpd-local.conf, with the harness's loopback port and temporary logs. */
	snprintf(extra, sizeof extra,
		 "document_root = \"%s/htdocs\";\n"
		 "index = [ \"index.html\", \"index.htm\", \"index.php\" ];\n"
		 "#omit error_pages\n"
		 "cgi = {\n"
		 "  alias = \"/cgi-bin/\";\n"
		 "  directory = \"%s/cgi-bin\";\n"
		 "  handlers = ( { extension = \".php\"; interpreter = \"" PHP_CGI "\"; } );\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\";\n"
		 "};\n", src, src);
	NEED(hs_start(&srv, extra, msg, sizeof msg) == 0, "cannot start %s: %s", hs_bin(), msg);
	snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", srv.port);
	/* Say plainly when the site itself is missing, before a browser is involved. */
	NEED(hs_exchange(&srv, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
			 &wd_resp) == 0 && wd_resp.status == 200 &&
	     strstr(wd_resp.body, "contact_form.php") != NULL,
	     "GET / on %s/htdocs: status %d, want 200 with a form posting to "
	     "/contact_form.php: %.300s", src, wd_resp.status, wd_resp.raw);
	start_browser();
}

/* The harness's fixtures and CGI scripts with the status page on, and the browser. */
static void start_status(void)
{
	char extra[HS_PATH + 512], msg[9000];

	NEED(hs_root_init(&srv) == 0 && hs_fixtures(&srv) == 0 && hs_copy_cgi(&srv, "cgi-bin") == 0,
	     "cannot create the server root fixtures");
	snprintf(extra, sizeof extra,
		 "status = { path = \"/server-status\"; allow = [ \"127.0.0.1\", \"::1\" ]; };\n"
		 "workers = { start = %d; min_spare = 0; max_spare = %d; max = 8; max_requests = 0; };\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n",
		 STATUS_WORKERS, STATUS_WORKERS, srv.root);
	NEED(hs_start(&srv, extra, msg, sizeof msg) == 0, "cannot start %s: %s", hs_bin(), msg);
	snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", srv.port);
	NEED(hs_wait_children(srv.pid, STATUS_WORKERS, HS_TIMEOUT_MS),
	     "no %d workers within %d ms", STATUS_WORKERS, HS_TIMEOUT_MS);
	start_browser();
}

/* Idempotent, and safe after a failure at any step of a start function. */
static void stop_all(void)
{
	if (slow_fd != -1)
		close(slow_fd);
	slow_fd = -1;
	session_stop();
	driver_stop();   /* before hs_destroy: the profile lives in the server root */
	hs_destroy(&srv);
}

/*
 * Run one scenario between start() and stop_all(); report its failure (if
 * any) to Check only after everything is stopped.
 */
static void run(void (*start)(void), void (*scenario)(void))
{
	if (access(CHROMIUM, X_OK) != 0 || access(CHROMEDRIVER, X_OK) != 0) {
		ck_assert_msg(getenv("CI") == NULL,
			      "chromium/chromedriver not installed (%s, %s) under CI: "
			      "make browser-deps must install them", CHROMIUM, CHROMEDRIVER);
		printf("SKIP: chromium/chromedriver not installed (%s, %s)\n",
		       CHROMIUM, CHROMEDRIVER);
		fflush(stdout);
		return;
	}
	fail_msg[0] = '\0';
	if (setjmp(fail_jmp) == 0) {
		start();
		scenario();
	}
	stop_all();
	if (fail_msg[0] != '\0')
		ck_abort_msg("%s", fail_msg);
}

/* ------------------------------------------------------------------------ */
/* Tests. */

/* Load the home page, fill in the contact form, submit it; wait for the answer. */
static void submit_form(const char *name, const char *request)
{
	char url[128], name_id[128], req_id[128], btn_id[128];
	const char *action;

	snprintf(url, sizeof url, "{\"url\":\"%s/\"}", base_url);
	wd_ok("navigate to /", "POST", "/url", url);
	wait_for_page("/");
	wd_find("input[name=name]", name_id, sizeof name_id);
	wd_find("textarea[name=request]", req_id, sizeof req_id);
	/* The form itself must POST to the PHP handler (MDN's example exchange). */
	action = wd_exec("var f = arguments[0].form;"
			 "return f ? f.method + ' ' + f.action : 'no form';", name_id);
	snprintf(url, sizeof url, "post %s/contact_form.php", base_url);
	NEED(strcmp(action, url) == 0, "the form sends \"%s\", want \"%s\"", action, url);
	wd_type(name_id, name);
	wd_type(req_id, request);
	wd_find("form:has(input[name=name]) :is(button:not([type]), button[type=submit], "
		"input[type=submit])", btn_id, sizeof btn_id);
	wd_click(btn_id);
	wait_for_page("/contact_form.php");
}

/* The answer page links back to the home page. */
static void follow_home_link(void)
{
	char link[128], home[80];
	const char *s;

	wd_find("a[href='/']", link, sizeof link);
	wd_click(link);
	wait_for_page("/");
	snprintf(home, sizeof home, "%s/", base_url);
	s = wd_url();
	NEED(strcmp(s, home) == 0, "the home link led to %s, want %s", s, home);
}

/* MDN's example: name "Joe User", request "Send me one of your catalogue". */
static void thank_you(void)
{
	const char *s;

	submit_form(FORM_NAME, FORM_REQUEST);
	s = wd_exec("return document.title;", NULL);
	NEED(strcmp(s, "Thank you") == 0, "title \"%s\", want \"Thank you\"", s);
	s = wd_exec("return document.body.innerText;", NULL);
	NEED(strstr(s, "Thank you, " FORM_NAME) != NULL,
	     "no \"Thank you, " FORM_NAME "\" on the page: %.500s", s);
	NEED(strstr(s, FORM_REQUEST) != NULL,
	     "the request text is not on the page: %.500s", s);
	wd_ok("page source", "GET", "/source", NULL);
	NEED(json_str(wd_resp.body, "value", page, sizeof page) == 0 &&
	     strstr(page, "Thank you, " FORM_NAME) != NULL,
	     "page source lacks the thank-you text: %.500s", page);
	/* The browser really POSTed, and the server logged the 200 it sent. */
	NEED(hs_wait_file_contains(srv.access_log, "\"POST /contact_form.php HTTP/1.1\" 200 ",
				   3000),
	     "no POST /contact_form.php 200 in the access log: %s", file_tail(srv.access_log));
	follow_home_link();
}

START_TEST(contact_form_thank_you)
{
	run(start_site, thank_you);
}
END_TEST

/* Markup typed into the form is shown as text, never interpreted (XSS). */
static void escapes_markup(void)
{
	static const char name[] = "<b id=x>Joe</b><script>document.title='pwned'</script>";
	static const char request[] = "a & b < c \"quoted\" 'single' <img src=x onerror=alert(1)>";
	const char *s;

	submit_form(name, request);
	s = wd_exec("return document.title;", NULL);
	NEED(strcmp(s, "Thank you") == 0, "title \"%s\", want \"Thank you\"", s);
	s = wd_exec("return String(document.querySelectorAll("
		    "'#x, img[src=x], script').length);", NULL);
	NEED(strcmp(s, "0") == 0, "%s injected element(s) on the page", s);
	s = wd_exec("return document.body.innerText;", NULL);
	NEED(strstr(s, name) != NULL, "the name is not shown as text: %.600s", s);
	NEED(strstr(s, request) != NULL, "the request is not shown as text: %.600s", s);
}

START_TEST(contact_form_escapes_markup)
{
	run(start_site, escapes_markup);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The status page. */

/* The worker running sleep10.sh, bounded; 0 when none shows up. */
static pid_t sleeping_worker(void)
{
	long long end = hs_now_ms() + HS_TIMEOUT_MS;

	do {
		pid_t w[16], d[64];
		int n = hs_workers(srv.pid, w, 16);

		for (int i = 0; i < n && i < 16; i++) {
			int nd = hs_descendants(w[i], d, 64);

			for (int j = 0; j < nd && j < 64; j++) {
				char cmd[512];

				if (hs_cmdline(d[j], cmd, sizeof cmd) > 0 && strstr(cmd, "sleep10.sh") != NULL)
					return w[i];
			}
		}
		sleep_ms(10);
	} while (hs_now_ms() < end);
	return 0;
}

/* The table's rows as "cells:pid" words; every row must have the eight columns. */
static void check_rows(void)
{
	char rows[4096], want[32];
	pid_t w[64];
	int n, nrows = 0;
	const char *s;

	s = wd_exec("return Array.from(document.querySelectorAll('table tbody tr'))"
		    ".map(function (r) { return r.cells.length + ':' + r.cells[1].textContent; })"
		    ".join(' ');", NULL);
	snprintf(rows, sizeof rows, " %.4000s ", s);
	n = hs_workers(srv.pid, w, 64);
	NEED(n == STATUS_WORKERS, "%d workers, want %d", n, STATUS_WORKERS);
	for (const char *p = rows; (p = strchr(p + 1, ':')) != NULL; )
		nrows++;
	NEED(nrows == n, "%d rows for %d workers: %s", nrows, n, rows);
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof want, " 8:%d ", (int)w[i]);
		NEED(strstr(rows, want) != NULL, "no row of 8 cells for worker %d: %s", (int)w[i], rows);
	}
}

/*
 * /server-status in the browser while a worker runs a request whose line
 * holds a <script> and an <svg onload>: a table with one row per worker
 * (its pid in the PID column), the server's version, and the request line
 * shown as text in the row of the worker serving it; no element or alert
 * comes out of it.
 */
static void status_page(void)
{
	char url[128], path[256], want[32];
	const char *s;
	pid_t busy;
	int st;

	slow_fd = hs_connect(&srv);
	NEED(slow_fd != -1 && hs_send_str(slow_fd, XSS_LINE "\r\nHost: localhost\r\n\r\n") == 0,
	     "cannot send the slow request");
	busy = sleeping_worker();
	NEED(busy > 0, "no worker ran sleep10.sh within %d ms: %s", HS_TIMEOUT_MS,
	     file_tail(srv.error_log));
	snprintf(url, sizeof url, "{\"url\":\"%s/server-status\"}", base_url);
	wd_ok("navigate to /server-status", "POST", "/url", url);
	wait_for_page("/server-status");

	s = wd_exec("return document.title;", NULL);
	NEED(strcmp(s, "Server status") == 0, "title \"%s\", want \"Server status\"", s);
	s = wd_exec("var h = document.querySelector('h1'); return h ? h.textContent : 'no h1';", NULL);
	NEED(strcmp(s, "Server status for localhost") == 0, "heading \"%s\"", s);
	s = wd_exec("var a = document.querySelector('address'); return a ? a.textContent : 'none';", NULL);
	NEED(strncmp(s, "pfhttpd/", 8) == 0, "the footer names \"%s\", want pfhttpd/VERSION", s);
	s = wd_exec("var t = Array.from(document.querySelectorAll('dt'))"
		    ".filter(function (d) { return d.textContent === 'Server version'; });"
		    "return t.length === 1 && t[0].nextElementSibling ?"
		    " t[0].nextElementSibling.textContent : 'no Server version';", NULL);
	NEED(strncmp(s, "pfhttpd/", 8) == 0, "Server version \"%s\", want pfhttpd/VERSION", s);
	check_rows();

	/* The request line is one cell's text, visible, in the busy worker's row. */
	s = wd_exec("var want = '" XSS_LINE "';"
		    "var c = Array.from(document.querySelectorAll('td'))"
		    ".filter(function (td) { return td.textContent === want; });"
		    "if (c.length !== 1) return c.length + ' cells hold the request line';"
		    "var r = c[0].getBoundingClientRect();"
		    "if (!(r.width > 0 && r.height > 0) || document.body.innerText.indexOf(want) < 0)"
		    "  return 'the request line is not visible';"
		    "return c[0].parentNode.cells[1].textContent;", NULL);
	snprintf(want, sizeof want, "%d", (int)busy);
	NEED(strcmp(s, want) == 0, "request line cell: %s (want it in the row of worker %d)",
	     s, (int)busy);
	s = wd_exec("return String(document.querySelectorAll('script, svg, [onload]').length);", NULL);
	NEED(strcmp(s, "0") == 0, "%s injected element(s) on the status page", s);
	/* W3C WebDriver 16.3: no alert is open, so getting its text is "no such alert" (404). */
	snprintf(path, sizeof path, "/session/%s/alert/text", session);
	st = wd_call("GET", path, NULL, WD_TIMEOUT_MS);
	NEED(st == 404 && strstr(wd_resp.body, "no such alert") != NULL,
	     "an alert is open (status %d): %.300s", st, wd_resp.body);
	wd_ok("page source", "GET", "/source", NULL);
	NEED(json_str(wd_resp.body, "value", page, sizeof page) == 0 &&
	     strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;svg/onload=alert(2)&gt;") != NULL &&
	     strstr(page, "<script") == NULL,
	     "the page source does not hold the request line as escaped text: %.2000s", page);
}

START_TEST(status_page_in_browser)
{
	run(start_status, status_page);
}
END_TEST

static Suite *browser_suite(void)
{
	Suite *s = suite_create("browser");
	TCase *tc = tcase_create("contact_form");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, contact_form_thank_you);
	tcase_add_test(tc, contact_form_escapes_markup);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, status_page_in_browser);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(browser_suite());
}
