/*
 * check_logformat — access_log_format through the real binary: every
 * directive in one line of a real request (Basic auth, a query, hostile
 * Referer and User-Agent, a CGI variable, a response field, %D > 0, the
 * worker's pid); the default is Combined, byte for byte; the presets;
 * each vhost's own format, or the top level's; an error page's response
 * fields; hostile request bytes kept on one escaped line; a bad format is
 * "FILE:LINE: access_log_format: ..." at -t and at start; a CGI request
 * cut by a fast stop logs the 503 it was answered, one whose client left
 * logs 499, never 0; the lookups at their edges (an empty response
 * field, no head at all, a request line that did not parse, cgi_env
 * entries whose names share a prefix); and goaccess reads a log of varied
 * requests (statuses, methods, quotes and odd bytes, a vhost in
 * vhost_combined) without one invalid line (SKIP without goaccess). (Named check_logformat: the unit
 * suite tests/unit/check_logfmt.c builds to build/tests/check_logfmt.)
 */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct hs_server srv;
static struct hs_response resp;
static struct hs_conn conn;
static char extra[8192];
static char line[16384];

/* alice's password is "wonderland" (check_access_rules.c made the hash with crypt(3)). */
#define H_ALICE "$2y$05$Gl59iME1tw4TzBrOlyM6XeoS0oHDC1q.6J7lp6iPKYuNbsGDm/HNK"
#define ALICE_BASIC "YWxpY2U6d29uZGVybGFuZA=="

static void teardown(void)
{
	if (conn.fd > 0)
		hs_conn_close(&conn);
	hs_destroy(&srv);
}

static void fixtures(void)
{
	char path[HS_PATH + 32], script[4096];
	ssize_t n;

	ck_assert_int_eq(hs_root_init(&srv), 0);
	ck_assert_int_eq(hs_fixtures(&srv), 0);
	ck_assert_int_eq(hs_put_str(&srv, "htdocs/private/hello.txt", HS_HELLO), 0);
	ck_assert_int_eq(hs_put_str(&srv, "users.htpasswd", "alice:" H_ALICE "\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "a/index.html", "site a\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "b/index.html", "site b\n"), 0);
	/* The top level's error_pages are each vhost's too: -t wants them there. */
	ck_assert_int_eq(hs_put_str(&srv, "a/errors/404.html", "a-404\n"), 0);
	ck_assert_int_eq(hs_put_str(&srv, "b/errors/404.html", "b-404\n"), 0);
	ck_assert_int_eq(hs_copy_cgi(&srv, "cgi-bin"), 0);
	/* env_dump.sh again, behind Basic auth (start()'s access rule). */
	snprintf(path, sizeof(path), "%s/cgi-bin/env_dump.sh", srv.root);
	n = hs_slurp(path, script, sizeof(script) - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(hs_put(&srv, "cgi-bin/env_auth.sh", script, (size_t)n), 0);
	snprintf(path, sizeof(path), "%s/cgi-bin/env_auth.sh", srv.root);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

/* Start on the fixtures already made (fixtures()), with more keys after the CGI and auth ones. */
static void start(const char *more)
{
	char msg[9000];

	snprintf(extra, sizeof(extra),
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\"; };\n"
		 "access = ( { path = \"/private/\"; auth = { realm = \"R\"; user_file = \"users.htpasswd\"; }; },\n"
		 "  { path = \"/cgi-bin/env_auth.sh\"; auth = { realm = \"R\"; user_file = \"users.htpasswd\"; }; } );\n"
		 "%s", srv.root, more);
	ck_assert_msg(hs_start(&srv, extra, msg, sizeof(msg)) == 0, "start: %s", msg);
}

static void begin(const char *more)
{
	fixtures();
	start(more);
}

/* The access-log line (of path) holding tag, once buffered lines are written. */
static const char *log_line(const char *path, const char *tag)
{
	ck_assert_msg(hs_wait_file_contains(path, tag, 5000), "no line with %s in %s", tag, path);
	ck_assert(hs_find_line(path, tag, NULL, line, sizeof(line)));
	return line;
}

static void get(const char *req)
{
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %.60s", req);
}

/* Split s at '|' into at most max fields, in place. */
static int split(char *s, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = s;
		if (!(s = strchr(s, '|')))
			break;
		*s++ = '\0';
	}
	return n;
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	ck_assert_msg(*s && *end == '\0', "'%s' is not a number", s);
	return v;
}

#define FMT_ALL "%h|%a|%l|%u|%t|%r|%>s|%s|%b|%B|%{Referer}i|%{User-Agent}i|%{X-Tag}i|%D|%T|%{ms}T|" \
		"%v|%{Content-Type}o|%{X-None}o|%{REMOTE_USER}e|%{SERVER_NAME}e|%{QUERY_STRING}e|"      \
		"%{REQUEST_URI}e|%{AUTH_TYPE}e|%m|%U|%q|%H|%p|%{remote}p|%P|%%|%{sec}t|%{NOPE}e|%{%Y}t"

/* Every directive in one line of one real request. */
START_TEST(test_each_directive)
{
	char *f[40], year[8];
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	pid_t workers[16];
	time_t now;
	struct tm tm;
	int n, nw;
	bool worker = false;

	begin("access_log_format = \"" FMT_ALL "\";\n");
	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	ck_assert_int_eq(getsockname(conn.fd, (struct sockaddr *)&me, &len), 0);
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /private/hello.txt?tag=each1 HTTP/1.1\r\nHost: localhost\r\n"
				     "Authorization: Basic " ALICE_BASIC "\r\n"
				     "Referer: http://ref.example/?q=\"x\"\r\n"
				     "User-Agent: Agent \"quoted\" \xff\r\nX-Tag: each1\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(resp.status, 200);
	log_line(srv.access_log, "each1");
	n = split(line, f, 40);
	ck_assert_msg(n == 35, "%d fields: %s", n, line);
	ck_assert_str_eq(f[0], "127.0.0.1");                               /* %h */
	ck_assert_str_eq(f[1], "127.0.0.1");                               /* %a */
	ck_assert_str_eq(f[2], "-");                                       /* %l */
	ck_assert_str_eq(f[3], "alice");                                   /* %u */
	ck_assert_msg(f[4][0] == '[' && strlen(f[4]) == 28 && f[4][27] == ']', "%%t %s", f[4]);
	ck_assert_str_eq(f[5], "GET /private/hello.txt?tag=each1 HTTP/1.1"); /* %r */
	ck_assert_str_eq(f[6], "200");                                     /* %>s */
	ck_assert_str_eq(f[7], "200");                                     /* %s */
	ck_assert_str_eq(f[8], "14");                                      /* %b */
	ck_assert_str_eq(f[9], "14");                                      /* %B */
	ck_assert_str_eq(f[10], "http://ref.example/?q=\\\"x\\\"");         /* escaped quotes */
	ck_assert_str_eq(f[11], "Agent \\\"quoted\\\" \\xff");               /* and an odd byte */
	ck_assert_str_eq(f[12], "each1");                                  /* %{X-Tag}i */
	ck_assert_msg(num(f[13]) > 0, "%%D %s", f[13]);                    /* microseconds */
	ck_assert_msg(num(f[14]) >= 0 && num(f[14]) < 60, "%%T %s", f[14]);
	ck_assert_msg(num(f[15]) >= 0 && num(f[15]) <= num(f[13]) / 1000 + 1, "%%{ms}T %s", f[15]);
	ck_assert_str_eq(f[16], "localhost");                              /* %v */
	ck_assert_msg(strncmp(f[17], "text/plain", 10) == 0, "%%{Content-Type}o %s", f[17]);
	ck_assert_str_eq(f[18], "-");                                      /* absent field */
	ck_assert_str_eq(f[19], "alice");                                  /* REMOTE_USER */
	ck_assert_str_eq(f[20], "localhost");                              /* SERVER_NAME */
	ck_assert_str_eq(f[21], "tag=each1");                              /* QUERY_STRING */
	ck_assert_str_eq(f[22], "/private/hello.txt?tag=each1");           /* REQUEST_URI */
	ck_assert_str_eq(f[23], "Basic");                                  /* AUTH_TYPE */
	ck_assert_str_eq(f[24], "GET");                                    /* %m */
	ck_assert_str_eq(f[25], "/private/hello.txt");                     /* %U */
	ck_assert_str_eq(f[26], "?tag=each1");                             /* %q */
	ck_assert_str_eq(f[27], "HTTP/1.1");                               /* %H */
	ck_assert_int_eq(num(f[28]), srv.port);                            /* %p */
	ck_assert_int_eq(num(f[29]), ntohs(me.sin_port));                  /* %{remote}p */
	nw = hs_workers(srv.pid, workers, 16);                             /* %P: a worker's */
	for (int i = 0; i < nw; i++)
		worker |= workers[i] == (pid_t)num(f[30]);
	ck_assert_msg(worker, "%%P %s is not one of the %d workers", f[30], nw);
	ck_assert_str_eq(f[31], "%");                                      /* %% */
	now = time(NULL);
	ck_assert_msg(labs(num(f[32]) - (long)now) < 300, "%%{sec}t %s", f[32]);
	ck_assert_str_eq(f[33], "-");                                      /* an unknown variable */
	localtime_r(&now, &tm);
	strftime(year, sizeof(year), "%Y", &tm);
	ck_assert_str_eq(f[34], year);                                     /* %{%Y}t */
}
END_TEST

/* The CGI variables %{X}e can show, as the script of the same request got them. */
static const char *const env_names[] = {
	"REMOTE_ADDR", "REMOTE_PORT", "REMOTE_USER", "AUTH_TYPE", "SERVER_NAME", "SERVER_PORT",
	"SERVER_PROTOCOL", "SERVER_SOFTWARE", "REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING",
	"DOCUMENT_ROOT",
};

#define ENV_FMT "%{X-Tag}i|%{REMOTE_ADDR}e|%{REMOTE_PORT}e|%{REMOTE_USER}e|%{AUTH_TYPE}e|" \
		"%{SERVER_NAME}e|%{SERVER_PORT}e|%{SERVER_PROTOCOL}e|%{SERVER_SOFTWARE}e|"      \
		"%{REQUEST_METHOD}e|%{REQUEST_URI}e|%{QUERY_STRING}e|%{DOCUMENT_ROOT}e"

/* The script's own NAME=value line for name in env_dump.sh's body, or "-". */
static const char *script_env(const char *body, const char *name, char *out, size_t cap)
{
	char key[64];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), "\n%s=", name);
	if (!(p = strstr(body, key)))
		return "-";
	p += strlen(key);
	n = strcspn(p, "\n");
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
	return out;
}

static const struct env_case {
	int line;
	const char *desc;
	const char *req;             /* %s: the tag */
} env_cases[] = {
	{ __LINE__, "a GET with a query, Host with a port",
	  "GET /cgi-bin/env_dump.sh?q=%s HTTP/1.1\r\nHost: localhost:1\r\nX-Tag: %s\r\n\r\n" },
	{ __LINE__, "a POST without a query, an IPv6 literal Host",
	  "POST /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: [::1]:80\r\nX-Tag: %s\r\n"
	  "Content-Length: 0\r\n\r\n" },
	{ __LINE__, "HTTP/1.0 without Host: SERVER_NAME is server_name",
	  "GET /cgi-bin/env_dump.sh/extra?%s HTTP/1.0\r\nX-Tag: %s\r\n\r\n" },
	{ __LINE__, "a vhost: its server_name whatever Host says",
	  "GET /cgi-bin/env_dump.sh?%s HTTP/1.1\r\nHost: WWW.A.test\r\nX-Tag: %s\r\n\r\n" },
	{ __LINE__, "Basic auth: REMOTE_USER, AUTH_TYPE",
	  "GET /cgi-bin/env_auth.sh?%s HTTP/1.1\r\nHost: localhost\r\nX-Tag: %s\r\n"
	  "Authorization: Basic " ALICE_BASIC "\r\n\r\n" },
};

START_TEST(test_env_vars)
{
	const struct env_case *c = &env_cases[_i];
	char more[2048], req[1024], tag[32], body[HS_MAX_RESP + 2], val[1024], *f[16];
	const char *log;
	int n;

	fixtures();
	snprintf(more, sizeof(more),
		 "access_log_format = \"%s\";\n"
		 "vhosts = ( { server_name = \"a.test\"; aliases = [ \"www.a.test\" ]; document_root = \"%s/a\"; } );\n",
		 ENV_FMT, srv.root);
	start(more);
	snprintf(tag, sizeof(tag), "env%d", c->line);
	snprintf(req, sizeof(req), c->req, tag, tag);
	get(req);
	ck_assert_msg(resp.status == 200, "line %d (%s): status %d", c->line, c->desc, resp.status);
	body[0] = '\n';
	memcpy(body + 1, resp.body, resp.body_len + 1);
	log = log_line(srv.access_log, tag);
	n = split(line, f, 16);
	ck_assert_msg(n == 13, "line %d: %d fields: %s", c->line, n, log);
	for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++) {
		char esc[1024];
		const char *want = script_env(body, env_names[i], val, sizeof(val));
		size_t o = 0;

		/* The log escapes what the script saw raw: only '"' and '\\' could differ here. */
		for (const char *p = want; *p && o + 2 < sizeof(esc); p++) {
			if (*p == '"' || *p == '\\')
				esc[o++] = '\\';
			esc[o++] = *p;
		}
		esc[o] = '\0';
		ck_assert_msg(strcmp(f[1 + i], esc) == 0, "line %d (%s): %s: log '%s', script '%s'",
			      c->line, c->desc, env_names[i], f[1 + i], esc);
	}
}
END_TEST

/* %D is the time taken: a script that sleeps 2 s shows it, in µs, ms and s. */
START_TEST(test_duration)
{
	char *f[8];

	begin("access_log_format = \"%D|%{ms}T|%T|%{X-Tag}i\";\n");
	get("GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: localhost\r\nX-Tag: slow1\r\n\r\n");
	ck_assert_int_eq(resp.status, 200);
	get("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Tag: fast1\r\n\r\n");
	log_line(srv.access_log, "slow1");
	ck_assert_int_eq(split(line, f, 8), 4);
	ck_assert_msg(num(f[0]) >= 1900000 && num(f[0]) < 60000000, "%%D %s", f[0]);
	ck_assert_msg(num(f[1]) >= 1900 && num(f[1]) == num(f[0]) / 1000, "%%{ms}T %s", f[1]);
	ck_assert_msg(num(f[2]) >= 1 && num(f[2]) == num(f[0]) / 1000000, "%%T %s", f[2]);
	log_line(srv.access_log, "fast1");
	ck_assert_int_eq(split(line, f, 8), 4);
	ck_assert_msg(num(f[0]) > 0 && num(f[0]) < 1900000, "%%D %s", f[0]);
}
END_TEST

/* No access_log_format: Combined, exactly as pfhttpd always wrote it. */
START_TEST(test_default_combined)
{
	const char *l, *rest;

	begin("");
	get("GET /hello.txt?comb1 HTTP/1.1\r\nHost: localhost\r\nReferer: http://r/\r\n"
	    "User-Agent: UA \"x\"\r\n\r\n");
	l = log_line(srv.access_log, "comb1");
	ck_assert_msg(strncmp(l, "127.0.0.1 - - [", 15) == 0, "%s", l);
	rest = strchr(l, ']');
	ck_assert_ptr_nonnull(rest);
	ck_assert_int_eq(rest - l, 15 + 26);
	ck_assert_str_eq(rest, "] \"GET /hello.txt?comb1 HTTP/1.1\" 200 14 \"http://r/\" \"UA \\\"x\\\"\"");
}
END_TEST

/* The presets by name; common and vhost_combined (%v:%p first, %b where Apache has %O). */
START_TEST(test_presets)
{
	char want[256];
	const char *l;

	begin("access_log_format = \"vhost_combined\";\n");
	get("GET /nothing?pre1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	ck_assert_int_eq(resp.status, 404);
	l = log_line(srv.access_log, "pre1");
	snprintf(want, sizeof(want), "localhost:%d 127.0.0.1 - - [", srv.port);
	ck_assert_msg(strncmp(l, want, strlen(want)) == 0, "%s", l);
	snprintf(want, sizeof(want), "] \"GET /nothing?pre1 HTTP/1.1\" 404 %zu \"-\" \"-\"", resp.body_len);
	ck_assert_str_eq(strchr(l, ']'), want);
	hs_destroy(&srv);
	begin("access_log_format = \"common\";\n");
	get("GET /hello.txt?pre2 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: not-logged\r\n\r\n");
	l = log_line(srv.access_log, "pre2");
	ck_assert_str_eq(strchr(l, ']'), "] \"GET /hello.txt?pre2 HTTP/1.1\" 200 14");
}
END_TEST

/* Each vhost's own format, or the top level's; each in its site's log. */
START_TEST(test_per_vhost)
{
	char more[2048], a_log[HS_PATH + 16], b_log[HS_PATH + 16], want[128];

	fixtures();
	snprintf(a_log, sizeof(a_log), "%s/a.log", srv.root);
	snprintf(b_log, sizeof(b_log), "%s/b.log", srv.root);
	snprintf(more, sizeof(more),
		 "access_log_format = \"TOP %%>s %%{X-Tag}i\";\n"
		 "vhosts = ( { server_name = \"a.test\"; document_root = \"%s/a\"; access_log = \"%s\";"
		 " access_log_format = \"A %%v:%%p %%>s %%{X-Tag}i %%D\"; },\n"
		 "  { server_name = \"b.test\"; document_root = \"%s/b\"; access_log = \"%s\"; } );\n",
		 srv.root, a_log, srv.root, b_log);
	start(more);
	get("GET / HTTP/1.1\r\nHost: a.test\r\nX-Tag: va1\r\n\r\n");
	ck_assert_int_eq(resp.status, 200);
	get("GET / HTTP/1.1\r\nHost: b.test\r\nX-Tag: vb1\r\n\r\n");
	get("GET / HTTP/1.1\r\nHost: localhost\r\nX-Tag: vt1\r\n\r\n");
	snprintf(want, sizeof(want), "A a.test:%d 200 va1 ", srv.port);
	ck_assert_msg(strncmp(log_line(a_log, "va1"), want, strlen(want)) == 0, "%s", line);
	ck_assert_str_eq(log_line(b_log, "vb1"), "TOP 200 vb1");
	ck_assert_str_eq(log_line(srv.access_log, "vt1"), "TOP 200 vt1");
}
END_TEST

/* %{X}o reads the head that was sent: an error page's, a script's own field. */
START_TEST(test_response_fields)
{
	char want[128];

	begin("access_log_format = \"%>s|%{Content-Type}o|%{content-length}o|%{Location}o|%{X-Tag}i\";\n");
	get("GET /nothing HTTP/1.1\r\nHost: localhost\r\nX-Tag: ro1\r\n\r\n");
	ck_assert_int_eq(resp.status, 404);
	snprintf(want, sizeof(want), "404|%s|%s|-|ro1", hs_hdr(&resp, "Content-Type"),
		 hs_hdr(&resp, "Content-Length"));
	ck_assert_str_eq(log_line(srv.access_log, "ro1"), want);
	get("GET /sub HTTP/1.1\r\nHost: localhost\r\nX-Tag: ro2\r\n\r\n");
	ck_assert_int_eq(resp.status, 301);
	snprintf(want, sizeof(want), "301|%s|%s|%s|ro2", hs_hdr(&resp, "Content-Type"),
		 hs_hdr(&resp, "Content-Length"), hs_hdr(&resp, "Location"));
	ck_assert_str_eq(log_line(srv.access_log, "ro2"), want);
}
END_TEST

/* Longer than every line of the heads sent here: never found, never read past a line. */
static void wait_silent(void);

#define LONG_NAME "X-A-Field-Name-Longer-Than-Any-Line-Of-These-Response-Heads"
#define EDGE_FMT "%{X-Tag}i|%>s|%{X-Empty}o|%{" LONG_NAME "}o|%{Content-Type}o|" \
		 "%{SERVER_PROTOCOL}e|%{APP_MODE}e|%{APP_MOD}e|%r"

/*
 * The lookups at their edges, in one server: a response field sent with
 * an empty value is "" (there), not "-" (absent), as Apache's %{X}o; no
 * head at all (the client left: 499) has no field; a request line that did
 * not parse has no SERVER_PROTOCOL, nor the path's cgi_env, to show;
 * %{NAME}e of cgi_env is that entry, and a longer name that starts with
 * NAME (APP_MODE for APP_MOD) is another variable.
 */
START_TEST(test_lookup_edges)
{
	char *f[12];

	begin("access_log_format = \"" EDGE_FMT "\";\n"
	      "cgi_env = { APP_MODEX = \"x\"; APP_MODE = \"m\"; };\n");
	get("GET /cgi-bin/empty_field.sh HTTP/1.1\r\nHost: localhost\r\nX-Tag: edge1\r\n\r\n");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_pstr_eq(hs_hdr(&resp, "X-Empty"), "");
	ck_assert_str_eq(log_line(srv.access_log, "edge1"),
			 "edge1|200||-|text/plain|HTTP/1.1|m|-|GET /cgi-bin/empty_field.sh HTTP/1.1");
	get("GARBAGE-edge2\r\n\r\n");
	ck_assert_int_eq(resp.status, 400);
	log_line(srv.access_log, "GARBAGE-edge2");
	ck_assert_msg(split(line, f, 12) == 9, "%s", line);
	ck_assert_msg(strcmp(f[0], "-") == 0 && strcmp(f[1], "400") == 0 && strcmp(f[2], "-") == 0 &&
		      strcmp(f[3], "-") == 0 && strncmp(f[4], "text/html", 9) == 0, "%s", line);
	ck_assert_msg(strcmp(f[5], "-") == 0 && strcmp(f[6], "-") == 0 && strcmp(f[7], "-") == 0 &&
		      strcmp(f[8], "GARBAGE-edge2") == 0, "no request to describe, yet: %s|%s|%s|%s",
		      f[5], f[6], f[7], f[8]);
	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/silent.sh?edge3 HTTP/1.1\r\nHost: localhost\r\n"
				     "X-Tag: edge3\r\n\r\n"), 0);
	wait_silent();
	hs_conn_close(&conn);
	conn.fd = 0;
	ck_assert_str_eq(log_line(srv.access_log, "edge3"),
			 "edge3|499|-|-|-|HTTP/1.1|m|-|GET /cgi-bin/silent.sh?edge3 HTTP/1.1");
}
END_TEST

/* Nothing a client sends breaks a line: ESC, BEL, DEL, 0xfe, quotes, a fake line in a field. */
START_TEST(test_hostile)
{
	static const char req[] =
		"GET /hello.txt?host1 HTTP/1.1\r\nHost: localhost\r\n"
		"User-Agent: x\" 200 1 \"-\" \"y\xfe\r\n"
		"X-Note: \"\\\" 127.0.0.1 - - [01/Jan/2000:00:00:00 +0000] \"GET /forged HTTP/1.1\"\r\n\r\n";
	char buf[1 << 16];
	ssize_t n;
	int lines = 0;

	begin("access_log_format = \"%h \\\"%r\\\" %>s \\\"%{User-Agent}i\\\" \\\"%{X-Note}i\\\"\";\n");
	get(req);
	get("GET /\x1b]0;owned\x07\x7f HTTP/1.1\r\nHost: localhost\r\n\r\n");
	ck_assert_int_eq(resp.status, 400);
	get("GET /hello.txt?host2 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	log_line(srv.access_log, "host2");
	n = hs_slurp(srv.access_log, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	for (ssize_t i = 0; i < n; i++) {
		lines += buf[i] == '\n';
		ck_assert_msg((unsigned char)buf[i] >= 0x20 || buf[i] == '\n', "a raw control byte %#x",
			      (unsigned char)buf[i]);
		ck_assert_msg((unsigned char)buf[i] < 0x7f, "a raw byte %#x", (unsigned char)buf[i]);
	}
	ck_assert_int_eq(lines, 3);
	ck_assert_str_eq(log_line(srv.access_log, "host1"),
			 "127.0.0.1 \"GET /hello.txt?host1 HTTP/1.1\" 200 \"x\\\" 200 1 \\\"-\\\" \\\"y\\xfe\" "
			 "\"\\\"\\\\\\\" 127.0.0.1 - - [01/Jan/2000:00:00:00 +0000] \\\"GET /forged HTTP/1.1\\\"\"");
	ck_assert_msg(hs_find_line(srv.access_log, "\\x1b]0;owned\\x07\\x7f", NULL, line, sizeof(line)),
		      "the ESC line is not escaped: %.*s", (int)n, buf);
	ck_assert_int_eq(hs_file_count(srv.access_log, "GET /forged"), 1); /* inside host1's line only */
}
END_TEST

/* A bad format is a FILE:LINE error, at -t and at start; the server does not start. */
START_TEST(test_bad_format)
{
	char out[8192], msg[9000], want[HS_PATH + 96];
	char *argv[] = { (char *)hs_bin(), "-t", "-f", srv.conf, NULL };
	int st;

	fixtures();
	srv.port = hs_free_port();
	ck_assert_int_eq(hs_write_conf(&srv, "access_log_format = \"%h %Z %r\";"), 0);
	st = hs_run(argv, HS_TIMEOUT_MS, out, sizeof(out));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0, "-t accepted it: %s", out);
	snprintf(want, sizeof(want), "%s:", srv.conf);
	ck_assert_msg(strstr(out, want) && strstr(out, ": access_log_format: unknown directive '%Z'"),
		      "-t said: %s", out);
	ck_assert_int_eq(hs_start(&srv, "access_log_format = \"%{X-Y}i %400{Referer}i\";", msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "access_log_format: status conditions ('%4...') are not supported"),
		      "start said: %s", msg);
}
END_TEST

/* Wait for silent.sh's pid file: the script runs, and has sent nothing. */
static void wait_silent(void)
{
	char path[HS_PATH * 2], buf[64];
	long long end = hs_now_ms() + 5000;

	snprintf(path, sizeof(path), "%s/cgi-bin/silent.pid", srv.root);
	while (hs_slurp(path, buf, sizeof(buf)) <= 0 && hs_now_ms() < end)
		hs_sleep_ms(20);
	ck_assert_msg(hs_slurp(path, buf, sizeof(buf)) > 0, "silent.sh never started");
}

/*
 * A fast stop (TERM) while a script has said nothing: the client gets 503
 * and the log says 503, the status on the wire; never 0.
 */
START_TEST(test_fast_stop_status)
{
	begin("");
	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/silent.sh?stop1 HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	wait_silent();
	ck_assert_int_eq(kill(srv.pid, SIGTERM), 0);
	ck_assert_int_eq(hs_read_response(&conn, &resp, false, 5000), 0);
	ck_assert_int_eq(resp.status, 503);
	ck_assert_int_ge(hs_wait_exit(&srv, 10000), 0);
	log_line(srv.access_log, "stop1");
	ck_assert_msg(strstr(line, "\"GET /cgi-bin/silent.sh?stop1 HTTP/1.1\" 503 "), "%s", line);
}
END_TEST

/* The client leaves while the script is silent: nothing was sent, the log says 499 (nginx's). */
START_TEST(test_client_gone_status)
{
	begin("");
	ck_assert_int_eq(hs_conn_open(&srv, &conn), 0);
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/silent.sh?gone1 HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	wait_silent();
	hs_conn_close(&conn);
	conn.fd = 0;
	log_line(srv.access_log, "gone1");
	ck_assert_msg(strstr(line, "\"GET /cgi-bin/silent.sh?gone1 HTTP/1.1\" 499 - "), "%s", line);
}
END_TEST

/* ---- goaccess ------------------------------------------------------------- */

static bool have_goaccess(void)
{
	return system("command -v goaccess >/dev/null 2>&1") == 0;
}

/*
 * A varied day: statuses 200, 206, 301, 304, 400, 403, 404, 405, 413, 417,
 * 501, 503?; methods GET, HEAD, POST, OPTIONS, PUT, DELETE; Referer and
 * User-Agent with quotes, backslashes and bytes >= 0x80; CGI; auth.
 * Returns how many requests were made.
 */
static int varied_requests(const char *host)
{
	static const char *const reqs[] = {
		"GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\r\n\r\n",
		"GET /hello.txt HTTP/1.1\r\nHost: %s\r\nReferer: http://ref.example/a?b=\"c\"\r\n"
		"User-Agent: Agent \"quoted\" \\back \xc3\xa9\xff\r\n\r\n",
		"HEAD /hello.txt HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GET /hello.txt HTTP/1.1\r\nHost: %s\r\nRange: bytes=0-3\r\n\r\n",
		"GET /hello.txt HTTP/1.1\r\nHost: %s\r\nIf-Modified-Since: " HS_HELLO_LM "\r\n\r\n",
		"GET /sub HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GET /nothing/here.html?x=1&y=%%22 HTTP/1.1\r\nHost: %s\r\nReferer: -\r\n\r\n",
		"GET /.htpasswd HTTP/1.1\r\nHost: %s\r\n\r\n",
		"DELETE /hello.txt HTTP/1.1\r\nHost: %s\r\n\r\n",
		"PUT /hello.txt HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GET /hello.txt HTTP/1.1\r\nHost: %s\r\nExpect: bogus\r\n\r\n",
		"POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: %s\r\nContent-Length: 5\r\n\r\nhello",
		"GET /cgi-bin/env_dump.sh?a=1 HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.0\r\n\r\n",
		"GET /private/hello.txt HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GET /private/hello.txt HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic " ALICE_BASIC "\r\n\r\n",
		"BREW /pot HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GET /hello.txt HTTP/1.0\r\n\r\n",
		"GET /a b HTTP/1.1\r\nHost: %s\r\n\r\n",
		"GARBAGE\r\n\r\n",
	};
	char req[1024];
	int n = 0;

	for (int round = 0; round < 5; round++)
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			snprintf(req, sizeof(req), reqs[i], host);
			ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "no response to %.40s", req);
			n++;
		}
	return n;
}

/* goaccess's JSON "general" section: valid and failed requests. */
static void goaccess_counts(const char *log, const char *format, long *valid, long *failed)
{
	char out[HS_PATH + 32], cmd[4 * HS_PATH], json[1 << 16];
	const char *v, *f;

	snprintf(out, sizeof(out), "%s/goaccess.json", srv.root);
	snprintf(cmd, sizeof(cmd), "goaccess '%s' --log-format=%s --no-global-config -o '%s' "
		 ">'%s/goaccess.out' 2>&1", log, format, out, srv.root);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	ck_assert_int_gt(hs_slurp(out, json, sizeof(json)), 0);
	v = strstr(json, "\"valid_requests\":");
	f = strstr(json, "\"failed_requests\":");
	ck_assert_msg(v && f, "no counts in goaccess's JSON");
	*valid = strtol(v + 17, NULL, 10);
	*failed = strtol(f + 18, NULL, 10);
}

START_TEST(test_goaccess)
{
	char more[2048], b_log[HS_PATH + 16];
	long valid, failed;
	int n, nb;

	if (!have_goaccess()) {
		fprintf(stderr, "check_logformat: SKIP test_goaccess: goaccess is not installed "
			"(Debian package goaccess; make check installs it)\n");
		return;
	}
	fixtures();
	snprintf(b_log, sizeof(b_log), "%s/b.log", srv.root);
	snprintf(more, sizeof(more),
		 "vhosts = ( { server_name = \"b.test\"; document_root = \"%s/b\"; access_log = \"%s\";"
		 " access_log_format = \"vhost_combined\"; } );\n", srv.root, b_log);
	start(more);
	n = varied_requests("localhost");
	nb = varied_requests("b.test");
	/* Every line written (buffers flushed by the stop), then read. */
	ck_assert_int_eq(kill(srv.pid, SIGQUIT), 0);
	ck_assert_int_ge(hs_wait_exit(&srv, 10000), 0);
	/*
	 * Without a default vhost, the top level logs what names no site: each
	 * round's HTTP/1.0 request without Host and the two heads that did
	 * not parse ("GET /a b", "GARBAGE"), b.test's rounds included.
	 */
	goaccess_counts(srv.access_log, "COMBINED", &valid, &failed);
	ck_assert_msg(failed == 0, "goaccess: %ld invalid lines of %ld (COMBINED)", failed, valid + failed);
	ck_assert_int_eq(valid, n + 3 * 5);
	goaccess_counts(b_log, "VCOMBINED", &valid, &failed);
	ck_assert_msg(failed == 0, "goaccess: %ld invalid lines of %ld (VCOMBINED)", failed, valid + failed);
	ck_assert_int_eq(valid, nb - 3 * 5);
}
END_TEST

static Suite *logformat_suite(void)
{
	Suite *s = suite_create("logformat");
	TCase *dir = hs_tcase("directives", 60, teardown);
	TCase *site = hs_tcase("sites", 30, teardown);
	TCase *stop = hs_tcase("status", 40, teardown);
	TCase *tools = hs_tcase("tools", 90, teardown);

	tcase_add_test(dir, test_each_directive);
	tcase_add_loop_test(dir, test_env_vars, 0, sizeof(env_cases) / sizeof(env_cases[0]));
	tcase_add_test(dir, test_duration);
	tcase_add_test(dir, test_default_combined);
	tcase_add_test(dir, test_presets);
	tcase_add_test(dir, test_response_fields);
	tcase_add_test(dir, test_hostile);
	tcase_add_test(stop, test_lookup_edges);
	tcase_add_test(site, test_per_vhost);
	tcase_add_test(site, test_bad_format);
	tcase_add_test(stop, test_fast_stop_status);
	tcase_add_test(stop, test_client_gone_status);
	tcase_add_test(tools, test_goaccess);
	suite_add_tcase(s, dir);
	suite_add_tcase(s, site);
	suite_add_tcase(s, stop);
	suite_add_tcase(s, tools);
	return s;
}

int main(void)
{
	return hs_main(logformat_suite());
}
