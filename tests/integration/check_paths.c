/*
 * check_paths — the request path's less travelled branches, each through
 * the real binary: how a CGI alias is walked (subdirectories, PATH_INFO,
 * names too long, symlink loops), local redirects (a query, a loop),
 * what a script does to its stderr and its own death, error pages that
 * fail at run time (each kind: nph, malformed path, gone, replaced by a
 * directory), static files that are neither files nor directories, the
 * directory redirect without Host or with a query too long or to be
 * escaped, and the request-wide answers (OPTIONS *, an Expect: 100-continue
 * body the server does not want). Every test asserts the status, the bytes
 * and, where the server has a reason to give, its error-log line.
 * One server for the whole suite; what must change after start-up (an
 * error page removed once conf_check has seen it) changes in setup().
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <pwd.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct hs_server srv;
static struct hs_response r1, r2;   /* large: keep them off the stack */

/* Scripts: each one's job is in its first comment line. */
static const struct { const char *name; const char *text; mode_t mode; } scripts[] = {
	{ "cgi-bin/sub/t-env.sh",
	  "#!/bin/sh\n# Prints what it was told about where it is, one variable a line.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
	  "echo \"PATH_INFO=$PATH_INFO\"\necho \"SCRIPT_NAME=$SCRIPT_NAME\"\n"
	  "echo \"QUERY_STRING=$QUERY_STRING\"\necho \"REQUEST_METHOD=$REQUEST_METHOD\"\n", 0755 },
	{ "cgi-bin/t-redir-q.sh",
	  "#!/bin/sh\n# A local redirect that carries a query.\n"
	  "printf 'Location: /cgi-bin/sub/t-env.sh/pi?a=1&b=2\\r\\n\\r\\n'\n", 0755 },
	{ "cgi-bin/t-loop.sh",
	  "#!/bin/sh\n# A local redirect to itself, for ever.\n"
	  "printf 'Location: /cgi-bin/t-loop.sh\\r\\n\\r\\n'\n", 0755 },
	{ "cgi-bin/t-redir-long.sh",
	  "#!/bin/sh\n# A local redirect longer than the 8192 bytes a redirect target may have.\n"
	  "printf 'Location: /'\nhead -c 8300 /dev/zero | tr '\\000' a\nprintf '\\r\\n\\r\\n'\n", 0755 },
	{ "cgi-bin/t-server.sh",
	  "#!/bin/sh\n# Tries to set the Server and Date fields, which are the server's own.\n"
	  "printf 'Content-Type: text/plain\\r\\nServer: pfhttpd-forged\\r\\n"
	  "Date: Thu, 01 Jan 1970 00:00:00 GMT\\r\\nX-Mine: kept\\r\\n\\r\\nok\\n'\n", 0755 },
	{ "cgi-bin/t-errlong.sh",
	  "#!/bin/sh\n# One stderr line of 3000 bytes, longer than a log line holds.\n"
	  "head -c 3000 /dev/zero | tr '\\000' y >&2\necho >&2\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n", 0755 },
	{ "cgi-bin/t-errcrlf.sh",
	  "#!/bin/sh\n# A stderr line ended by CRLF, then 1000 control bytes on one line.\n"
	  "printf 'pfhttpd-crlf-line\\r\\n' >&2\n"
	  "head -c 1000 /dev/zero | tr '\\000' '\\001' >&2\necho >&2\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n", 0755 },
	{ "cgi-bin/t-errpart.sh",
	  "#!/bin/sh\n# Ends with stderr text that no newline closes.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n"
	  "printf 'pfhttpd-partial-stderr' >&2\n", 0755 },
	{ "cgi-bin/t-signal.sh",
	  "#!/bin/sh\n# Answers, then dies of SIGUSR1 (no core file); its end of output is its death.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\nbye!\\n'\n"
	  "kill -USR1 $$\n", 0755 },
	{ "cgi-bin/nph-raw.sh",
	  "#!/bin/sh\n# An nph- script whose output is no HTTP status line.\nprintf 'short\\n'\n", 0755 },
	{ "cgi-bin/t-sleep1.sh",
	  "#!/bin/sh\n# Silent for a second, then answers.\nsleep 1\n"
	  "printf 'Content-Type: text/plain\\r\\nContent-Length: 6\\r\\n\\r\\nslept\\n'\n", 0755 },
	{ "cgi-bin/t-echo.sh",
	  "#!/bin/sh\n# Reads its whole request body, then sends it back (one line).\nb=$(cat)\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$b\"\n", 0755 },
	/* Error pages: each is fine when conf_check looks and broken at run time. */
	{ "cgi-bin/nph-err.sh",
	  "#!/bin/sh\n# An nph- error page, which cannot keep the original status.\n"
	  "printf 'HTTP/1.1 200 OK\\r\\n\\r\\npfhttpd-nph-errpage-ran\\n'\n", 0755 },
	{ "cgi-bin/t-err%zz",
	  "#!/bin/sh\n# An error page whose URL path is malformed (%zz).\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\npfhttpd-bad-errpage-ran\\n'\n", 0755 },
	{ "cgi-bin/t-errdir.sh",
	  "#!/bin/sh\n# Replaced by a directory once the server runs.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\npfhttpd-dir-errpage-ran\\n'\n", 0755 },
	{ "htdocs/gone.php", "<?php echo 'pfhttpd-gone-errpage-ran';\n", 0644 },
	{ "htdocs/errors/413.html", "<p>pfhttpd-413-page</p>\n", 0644 },
	{ "htdocs/errors/414.html", "<p>pfhttpd-414-page</p>\n", 0644 },
	{ "htdocs/errors/416.html", "<p>pfhttpd-416-page</p>\n", 0644 },
	/* An index.html that is a directory: the next index name answers. */
	{ "htdocs/idx/index.html/keep", "", 0644 },
	{ "htdocs/idx/index.htm", "pfhttpd-index-htm\n", 0644 },
};

#define ERROR_PAGES \
	"error_pages = (\n" \
	"  { status = 403; path = \"/cgi-bin/nph-err.sh\"; },\n" \
	"  { status = 404; path = \"/errors/404.html\"; },\n" \
	"  { status = 405; path = \"/cgi-bin/t-err%zz\"; },\n" \
	"  { status = 412; path = \"/gone.php\"; },\n" \
	"  { status = 413; path = \"/errors/413.html\"; },\n" \
	"  { status = 414; path = \"/errors/414.html\"; },\n" \
	"  { status = 416; path = \"/errors/416.html\"; },\n" \
	"  { status = 417; path = \"/cgi-bin/t-errdir.sh\"; } );\n"

#define CONF \
	"log_level = \"info\";\n" \
	"cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\";\n" \
	"  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } ); };\n" \
	"limits = { request_line = 16384; header_bytes = 32768; headers = 100; body = 1000; };\n" \
	"status = { allow = [ \"127.0.0.1\" ]; };\n" \
	ERROR_PAGES

static void root_path(const char *rel, char *out, size_t cap)
{
	if ((size_t)snprintf(out, cap, "%s/%s", srv.root, rel) >= cap)
		ck_abort_msg("path too long: %s", rel);
}

/* A socket file: open(2) gives ENXIO, which no other case of static_open_error has. */
static void make_socket(const char *rel)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1 || (size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", srv.root, rel) >=
	    sizeof sa.sun_path || bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
		ck_abort_msg("cannot make a socket %s: %s", rel, strerror(errno));
	close(fd);
}

static void setup(void)
{
	char msg[4096], path[HS_PATH * 2];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	for (size_t i = 0; i < N(scripts); i++) {
		root_path(scripts[i].name, path, sizeof path);
		if (hs_put_str(&srv, scripts[i].name, scripts[i].text) == -1 ||
		    chmod(path, scripts[i].mode) == -1)
			ck_abort_msg("cannot write %s", path);
	}
	root_path("cgi-bin/t-selfloop", path, sizeof path);
	if (symlink("t-selfloop", path) == -1)
		ck_abort_msg("cannot create %s", path);
	root_path("htdocs/fifo", path, sizeof path);
	if (mkfifo(path, 0644) == -1)
		ck_abort_msg("cannot create %s", path);
	make_socket("htdocs/sock");
	if (hs_start(&srv, CONF, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
	/* conf_check has seen them in place; now break them. */
	root_path("htdocs/gone.php", path, sizeof path);
	if (unlink(path) == -1)
		ck_abort_msg("unlink %s", path);
	root_path("htdocs/errors/414.html", path, sizeof path);
	if (unlink(path) == -1)
		ck_abort_msg("unlink %s", path);
	root_path("htdocs/errors/413.html", path, sizeof path);
	if (unlink(path) == -1 || mkdir(path, 0755) == -1)
		ck_abort_msg("cannot replace %s by a directory", path);
	root_path("cgi-bin/t-errdir.sh", path, sizeof path);
	if (unlink(path) == -1 || mkdir(path, 0755) == -1)
		ck_abort_msg("cannot replace %s by a directory", path);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static void exchange(const char *req, struct hs_response *r)
{
	ck_assert_msg(hs_exchange(&srv, req, r) == 0,
		      "no complete response to %.80s; got: %.300s", req, r->raw);
}

/* The error log has a line holding both needles (bounded wait for the first). */
static void assert_logged(int line, const char *what, const char *needle, const char *needle2)
{
	char found[2048];

	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, 3000) &&
		      hs_find_line(srv.error_log, needle, needle2, found, sizeof found),
		      "line %d (%s): no error-log line with '%s' and '%s'", line, what, needle,
		      needle2 ? needle2 : "");
}

/* ------------------------------------------------------------------------ */
/* The CGI alias walked segment by segment (cgi.c cgi_resolve_alias, cgi_kind). */

static const struct alias_case {
	int line;
	const char *desc;
	const char *target;
	int status;
	const char *body;        /* exact body, or NULL */
	const char *log;         /* an error-log line must hold this and the target, or NULL */
} alias_cases[] = {
	{ __LINE__, "script in a subdirectory, PATH_INFO and query (RFC 3875 4.1.5)",
	  "/cgi-bin/sub/t-env.sh/x/y?q=1", 200,
	  "PATH_INFO=/x/y\nSCRIPT_NAME=/cgi-bin/sub/t-env.sh\nQUERY_STRING=q=1\nREQUEST_METHOD=GET\n", NULL },
	{ __LINE__, "script in a subdirectory, no PATH_INFO", "/cgi-bin/sub/t-env.sh", 200,
	  "PATH_INFO=\nSCRIPT_NAME=/cgi-bin/sub/t-env.sh\nQUERY_STRING=\nREQUEST_METHOD=GET\n", NULL },
	{ __LINE__, "a subdirectory of the alias is no script", "/cgi-bin/sub", 403, NULL,
	  "script not runnable" },
	{ __LINE__, "a subdirectory with its slash is no script", "/cgi-bin/sub/", 403, NULL,
	  "script not runnable" },
	{ __LINE__, "a missing script below a subdirectory", "/cgi-bin/sub/none.sh/x", 404, NULL,
	  "no such script" },
	{ __LINE__, "a name longer than NAME_MAX is missing, not forbidden",
	  "/cgi-bin/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  404, NULL, "no such script" },
	{ __LINE__, "a symlink loop is forbidden (ELOOP)", "/cgi-bin/t-selfloop", 403, NULL,
	  "script not runnable" },
	{ __LINE__, "a symlink loop with PATH_INFO is forbidden", "/cgi-bin/t-selfloop/x", 403, NULL,
	  "script not runnable" },
	{ __LINE__, "local redirect with a query: GET, new query, new PATH_INFO (RFC 3875 6.2.2)",
	  "/cgi-bin/t-redir-q.sh?old=1", 200,
	  "PATH_INFO=/pi\nSCRIPT_NAME=/cgi-bin/sub/t-env.sh\nQUERY_STRING=a=1&b=2\nREQUEST_METHOD=GET\n", NULL },
	{ __LINE__, "a local redirect loop ends in 500", "/cgi-bin/t-loop.sh", 500, NULL,
	  "too many or too long local redirects" },
	{ __LINE__, "a local redirect too long to keep ends in 500", "/cgi-bin/t-redir-long.sh", 500, NULL,
	  "too many or too long local redirects" },
};

START_TEST(test_alias)
{
	const struct alias_case *c = &alias_cases[_i];
	char req[1024];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", c->target);
	exchange(req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	if (c->body)
		ck_assert_msg(strcmp(r1.body, c->body) == 0, "line %d (%s): body\n%s\nwant\n%s",
			      c->line, c->desc, r1.body, c->body);
	if (c->status == 500)   /* the built-in page's text for a status it has none for */
		ck_assert_msg(hs_contains(r1.body, r1.body_len, "The server could not complete the request."),
			      "line %d (%s): %.300s", c->line, c->desc, r1.body);
	if (c->log) {
		char target[201];   /* the log line holds the first 250 bytes of the target */

		snprintf(target, sizeof target, "%s", c->target);
		assert_logged(c->line, c->desc, c->log, target);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* What a script does around its answer (cgi_io.c). */

/* A stderr line longer than CGI_ERR_LINE (1024) is logged in pieces, none longer. */
START_TEST(test_stderr_long_line)
{
	char y1024[1025], y1025[1026];

	memset(y1024, 'y', 1024);
	y1024[1024] = '\0';
	memset(y1025, 'y', 1025);
	y1025[1025] = '\0';
	exchange("GET /cgi-bin/t-errlong.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "ok\n") == 0, "%.300s", r1.raw);
	/* 3000 = 1024 + 1024 + 952: three lines. */
	ck_assert_msg(hs_wait_file_count(srv.error_log, "t-errlong.sh: y", 3, 3000),
		      "want three error-log pieces of the long stderr line");
	ck_assert_msg(hs_file_count(srv.error_log, y1024) >= 2, "no full 1024-byte piece");
	ck_assert_msg(hs_file_count(srv.error_log, y1025) == 0, "a piece longer than 1024 bytes");
}
END_TEST

/*
 * A stderr line's CR before its LF is the line end, not a byte to show; and
 * a line whose escaped form (\xHH, four bytes for one) outgrows a log line
 * is logged in several, with no byte lost.
 */
START_TEST(test_stderr_crlf_and_escapes)
{
	exchange("GET /cgi-bin/t-errcrlf.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "ok\n") == 0, "%.300s", r1.raw);
	assert_logged(__LINE__, "CRLF stderr line", "t-errcrlf.sh: pfhttpd-crlf-line", NULL);
	ck_assert_msg(!hs_file_count(srv.error_log, "pfhttpd-crlf-line\\x0d"), "the CR was logged");
	ck_assert_msg(hs_wait_file_count(srv.error_log, "\\x01", 1000, 3000),
		      "want all 1000 escaped bytes, got %d", hs_file_count(srv.error_log, "\\x01"));
	ck_assert_int_eq(hs_file_count(srv.error_log, "\\x01"), 1000);
	ck_assert_msg(hs_file_count(srv.error_log, "t-errcrlf.sh: \\x01") >= 4,
		      "4000 escaped bytes fit in no fewer than four log lines");
}
END_TEST

/* Text left in the stderr buffer when the script ends is logged too. */
START_TEST(test_stderr_partial_line)
{
	exchange("GET /cgi-bin/t-errpart.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "ok\n") == 0, "%.300s", r1.raw);
	assert_logged(__LINE__, "unterminated stderr", "t-errpart.sh: pfhttpd-partial-stderr", NULL);
}
END_TEST

/* A script that answered in full and then died of a signal: the answer stands, the death is logged. */
START_TEST(test_killed_after_answer)
{
	exchange("GET /cgi-bin/t-signal.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "bye!\n") == 0, "%.300s", r1.raw);
	assert_logged(__LINE__, "death by signal", "t-signal.sh: killed by signal 10", NULL);
}
END_TEST

/* nph- output is passed through as it is, even when it is no status line. */
START_TEST(test_nph_not_http)
{
	static const char req[] = "GET /cgi-bin/nph-raw.sh HTTP/1.1\r\nHost: a\r\n\r\n";
	char out[256];
	ssize_t n = hs_exchange_raw(&srv, req, sizeof req - 1, out, sizeof out, HS_TIMEOUT_MS);

	ck_assert_msg(n == 6 && strcmp(out, "short\n") == 0, "got %zd bytes: %s", n, n >= 0 ? out : "");
}
END_TEST

/*
 * A client that pipelines a second request and half-closes while the first
 * script is silent still wants both answers: POLLRDHUP with the next
 * request already read is no hang-up (cgi_io_client_gone).
 */
START_TEST(test_pipelined_half_close)
{
	struct hs_conn c;

	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/t-sleep1.sh HTTP/1.1\r\nHost: a\r\n\r\n"
				     "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 0);
	ck_assert_int_eq(shutdown(c.fd, SHUT_WR), 0);
	ck_assert_msg(hs_read_response(&c, &r1, false, HS_TIMEOUT_MS) == 0, "no first answer: %.300s", r1.raw);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "slept\n") == 0, "%.300s", r1.raw);
	ck_assert_msg(hs_read_response(&c, &r2, false, HS_TIMEOUT_MS) == 0, "no second answer: %.300s", r2.raw);
	ck_assert_msg(r2.status == 200 && strcmp(r2.body, HS_HELLO) == 0, "%.300s", r2.raw);
	hs_conn_close(&c);
	ck_assert_msg(!hs_file_count(srv.error_log, "t-sleep1.sh: the client closed"),
		      "the script was stopped as if its client had gone");
}
END_TEST

/*
 * RFC 9110 10.1.1: an HTTP/1.0 client gets no 100 Continue (it would not
 * understand it); its body is read all the same. Nothing may arrive while
 * the server waits for the body.
 */
START_TEST(test_http10_expect)
{
	struct hs_conn c;
	char b;

	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "POST /cgi-bin/t-echo.sh HTTP/1.0\r\nExpect: 100-continue\r\n"
				     "Content-Length: 11\r\n\r\n"), 0);
	hs_sleep_ms(1000);
	ck_assert_msg(recv(c.fd, &b, 1, MSG_DONTWAIT | MSG_PEEK) == -1 && errno == EAGAIN,
		      "the server answered an HTTP/1.0 Expect before the body");
	ck_assert_int_eq(hs_send_str(c.fd, "hello body\n"), 0);
	ck_assert_msg(hs_read_response(&c, &r1, false, HS_TIMEOUT_MS) == 0, "%.300s", r1.raw);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "hello body\n") == 0, "%.300s", r1.raw);
	hs_conn_close(&c);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Request-wide answers (request.c). */

/* RFC 9110 10.1.1: a body the server does not want is never invited: answer, then close. */
START_TEST(test_expect_unwanted_body)
{
	struct hs_conn c;

	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n"
				     "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&c, &r1, false, HS_TIMEOUT_MS) == 0, "%.300s", r1.raw);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, HS_HELLO) == 0, "%.300s", r1.raw);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "100 Continue"), "%.300s", r1.raw);
	ck_assert_msg(hs_hdr(&r1, "Connection") && hs_list_has(hs_hdr(&r1, "Connection"), "close"),
		      "%.300s", r1.raw);
	ck_assert_msg(hs_wait_eof(&c, HS_TIMEOUT_MS) == 1, "the connection stayed open");
	hs_conn_close(&c);
}
END_TEST

/* RFC 9110 9.3.7: OPTIONS * asks about the server as a whole. */
START_TEST(test_options_star)
{
	exchange("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200, "%.300s", r1.raw);
	ck_assert_msg(hs_hdr(&r1, "Allow") && strcmp(hs_hdr(&r1, "Allow"), "GET, HEAD, POST, OPTIONS") == 0,
		      "%.300s", r1.raw);
	ck_assert_uint_eq(r1.body_len, 0);
}
END_TEST

/* RFC 9110 9.3.6: CONNECT is a proxy's method: 501 from an origin server. */
START_TEST(test_connect)
{
	exchange("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 501, "%.300s", r1.raw);
	assert_logged(__LINE__, "CONNECT", "method not implemented", "a:443");
}
END_TEST

/* Server and Date are the server's own (RFC 3875 6.3 leaves them to it); other fields pass. */
START_TEST(test_cgi_server_date)
{
	exchange("GET /cgi-bin/t-server.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "ok\n") == 0, "%.300s", r1.raw);
	ck_assert_int_eq(hs_hdr_count(&r1, "Server"), 1);
	ck_assert_int_eq(hs_hdr_count(&r1, "Date"), 1);
	ck_assert_msg(strncmp(hs_hdr(&r1, "Server"), "pfhttpd/", 8) == 0, "%.300s", r1.raw);
	ck_assert_msg(strcmp(hs_hdr(&r1, "Date"), "Thu, 01 Jan 1970 00:00:00 GMT") != 0, "%.300s", r1.raw);
	ck_assert_msg(hs_hdr(&r1, "X-Mine") && strcmp(hs_hdr(&r1, "X-Mine"), "kept") == 0, "%.300s", r1.raw);
}
END_TEST

/* A query that does not ask for ?auto keeps the status page HTML (status.c). */
START_TEST(test_status_other_query)
{
	exchange("GET /server-status?refresh=5 HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200, "%.300s", r1.raw);
	ck_assert_msg(hs_hdr(&r1, "Content-Type") && strncmp(hs_hdr(&r1, "Content-Type"), "text/html", 9) == 0,
		      "%.300s", r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "<html"), "%.300s", r1.body);
}
END_TEST

/* ------------------------------------------------------------------------ */
/*
 * Error pages that fail at run time: the client gets the original status
 * with the built-in page (as Apache's ap_die), the reason is logged, and
 * the page itself never runs or is never sent.
 */

static const struct errpage_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *h1;          /* the built-in page's heading */
	const char *why;         /* the error-log reason of the failure */
	const char *failed;      /* "the error page for status N failed (M)", or NULL for a file */
	const char *never;       /* a marker that must not appear */
} errpage_cases[] = {
	{ __LINE__, "an nph- script cannot be an error page",
	  "GET /noindex/ HTTP/1.1\r\nHost: a\r\n\r\n", 403, "<h1>Forbidden</h1>",
	  "an nph- script cannot be an error page", "the error page for status 403 failed (500)",
	  "pfhttpd-nph-errpage-ran" },
	{ __LINE__, "an error page path that does not normalise",
	  "POST /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 405,
	  "<h1>Method Not Allowed</h1>", "error page path", "the error page for status 405 failed (400)",
	  "pfhttpd-bad-errpage-ran" },
	{ __LINE__, "a handler error page removed after start-up",
	  "GET /hello.txt HTTP/1.1\r\nHost: a\r\nIf-Match: \"nope\"\r\n\r\n", 412,
	  "<h1>Precondition Failed</h1>", "error page script does not exist",
	  "the error page for status 412 failed (404)", "pfhttpd-gone-errpage-ran" },
	{ __LINE__, "an alias error page replaced by a directory",
	  "GET /hello.txt HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", 417,
	  "<h1>Expectation Failed</h1>", "error page script not runnable",
	  "the error page for status 417 failed (403)", "pfhttpd-dir-errpage-ran" },
	{ __LINE__, "a file error page replaced by a directory",
	  "POST /cgi-bin/t-echo.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413,
	  "<h1>Content Too Large</h1>", "Content-Length over limits.body", NULL, "pfhttpd-413-page" },
};

START_TEST(test_errpage_fails)
{
	const struct errpage_case *c = &errpage_cases[_i];

	exchange(c->req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, c->h1), "line %d (%s): not the built-in page: %.300s",
		      c->line, c->desc, r1.body);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, c->never), "line %d (%s): %.300s",
		      c->line, c->desc, r1.raw);
	assert_logged(c->line, c->desc, c->why, NULL);
	if (c->failed)
		assert_logged(c->line, c->desc, c->failed, NULL);
}
END_TEST

/* A request line too long for any parse still gets its file page; a file gone gets the built-in one. */
START_TEST(test_errpage_file_gone)
{
	static char req[17000];   /* a request line over limits.request_line (16384) */
	const char *tail = " HTTP/1.1\r\nHost: a\r\n\r\n";

	memset(req, 'a', sizeof req);
	memcpy(req, "GET /", 5);
	strcpy(req + sizeof req - strlen(tail) - 1, tail);
	exchange(req, &r1);
	ck_assert_msg(r1.status == 414, "status %d: %.300s", r1.status, r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "<h1>URI Too Long</h1>"), "%.300s", r1.body);
}
END_TEST

/* A file error page with a field of its own (416's Content-Range) keeps the field. */
START_TEST(test_errpage_file_extra)
{
	exchange("GET /hello.txt HTTP/1.1\r\nHost: a\r\nRange: bytes=999-\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 416, "%.300s", r1.raw);
	ck_assert_msg(strcmp(r1.body, "<p>pfhttpd-416-page</p>\n") == 0, "%.300s", r1.raw);
	ck_assert_msg(hs_hdr(&r1, "Content-Range") && strcmp(hs_hdr(&r1, "Content-Range"), "bytes */14") == 0,
		      "%.300s", r1.raw);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Static files (static.c). */

static const struct static_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *body;        /* exact body, or NULL */
	const char *location;    /* exact Location, or NULL; "%d" is the port */
	const char *log;         /* an error-log line holds this, or NULL */
} static_cases[] = {
	{ __LINE__, "a FIFO is not a regular file", "GET /fifo HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL, NULL,
	  "not a regular file" },
	{ __LINE__, "a socket cannot be opened (ENXIO): 500 and the reason",
	  "GET /sock HTTP/1.1\r\nHost: a\r\n\r\n", 500, NULL, NULL, "open '/sock': No such device or address" },
	{ __LINE__, "an index name that is a directory is skipped",
	  "GET /idx/ HTTP/1.1\r\nHost: a\r\n\r\n", 200, "pfhttpd-index-htm\n", NULL, NULL },
	{ __LINE__, "directory redirect without Host names server_name and the port (RFC 9110 15.4.2)",
	  "GET /sub HTTP/1.0\r\n\r\n", 301, NULL, "http://localhost:%d/sub/", NULL },
	{ __LINE__, "directory redirect keeps the query",
	  "GET /sub?a=1&b='x' HTTP/1.1\r\nHost: a\r\n\r\n", 301, NULL, "http://a/sub/?a=1&b='x'", NULL },
};

START_TEST(test_static)
{
	const struct static_case *c = &static_cases[_i];
	char want[256];

	exchange(c->req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	if (c->body)
		ck_assert_msg(strcmp(r1.body, c->body) == 0, "line %d (%s): %.300s", c->line, c->desc, r1.raw);
	if (c->location) {
		snprintf(want, sizeof want, c->location, srv.port);
		ck_assert_msg(hs_hdr(&r1, "Location") && strcmp(hs_hdr(&r1, "Location"), want) == 0,
			      "line %d (%s): Location %s, want %s", c->line, c->desc,
			      hs_hdr(&r1, "Location") ? hs_hdr(&r1, "Location") : "(none)", want);
	}
	if (c->log)
		assert_logged(c->line, c->desc, c->log, NULL);
}
END_TEST

/* The query is the client's: in the redirect's HTML it is escaped (no reflected markup). */
START_TEST(test_redirect_escaped)
{
	exchange("GET /sub?a=1&b='x' HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 301, "%.300s", r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "href=\"http://a/sub/?a=1&amp;b=&#39;x&#39;\""),
		      "%.500s", r1.body);
}
END_TEST

/* A Location that cannot hold the query is refused, never cut. */
START_TEST(test_redirect_too_long)
{
	static char req[14000];
	const char *head = "GET /sub?";
	const char *tail = " HTTP/1.1\r\nHost: a\r\n\r\n";

	memset(req, 'q', sizeof req);
	memcpy(req, head, strlen(head));
	strcpy(req + sizeof req - strlen(tail) - 1, tail);
	exchange(req, &r1);
	ck_assert_msg(r1.status == 414, "status %d: %.300s", r1.status, r1.raw);
	ck_assert_msg(!hs_hdr(&r1, "Location"), "a Location was sent");
	assert_logged(__LINE__, "redirect too long", "redirect location too long", NULL);
}
END_TEST

/* ------------------------------------------------------------------------ */
/*
 * Workers that are not root (user = "www-data"), so the file system's own
 * permissions decide: an execute-only binary runs from an O_PATH descriptor
 * (cgi_open), a script or file the worker may not read is refused with 403.
 * Root only (the server must be able to change user); a SKIP line otherwise.
 */

static bool unpriv_skip;

static void put_mode(const char *rel, const void *data, size_t len, mode_t mode)
{
	char path[HS_PATH * 2];

	root_path(rel, path, sizeof path);
	if (hs_put(&srv, rel, data, len) == -1 || chmod(path, mode) == -1)
		ck_abort_msg("cannot write %s", path);
}

static void put_text(const char *rel, const char *text, mode_t mode)
{
	put_mode(rel, text, strlen(text), mode);
}

static void setup_unpriv(void)
{
	static char bin[4 << 20];
	char msg[4096];
	ssize_t n;

	unpriv_skip = geteuid() != 0 || getpwnam("www-data") == NULL;
	if (unpriv_skip)
		return;
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	hs_open_root(&srv);
	n = hs_slurp("/bin/cat", bin, sizeof bin);
	if (n <= 0 || (size_t)n >= sizeof bin - 1)
		ck_abort_msg("cannot read /bin/cat");
	put_mode("cgi-bin/t-xonly", bin, (size_t)n, 0711);      /* root's: www-data may only execute it */
	put_text("cgi-bin/t-private.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n"
		 "pfhttpd-private-ran\\n'\n", 0700);                 /* root's only */
	put_text("htdocs/private.txt", "pfhttpd-private-file\n", 0600);
	put_text("htdocs/private.php", "<?php echo 'pfhttpd-private-php';\n", 0600);
	if (hs_start(&srv, "user = \"www-data\";\nlog_level = \"info\";\n"
		     "cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\";\n"
		     "  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } ); };\n",
		     msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static const struct unpriv_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *body;        /* exact body on 200 */
	const char *log;         /* an error-log line holds this, or NULL */
} unpriv_cases[] = {
	{ __LINE__, "an execute-only binary runs from an O_PATH descriptor",
	  "POST /cgi-bin/t-xonly HTTP/1.1\r\nHost: a\r\nContent-Length: 32\r\n\r\n"
	  "Content-Type: text/plain\r\n\r\nxo!\n", 200, "xo!\n", NULL },
	{ __LINE__, "a script the worker may not execute is refused",
	  "GET /cgi-bin/t-private.sh HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL, "script is not executable" },
	{ __LINE__, "a handler's file the worker may not read is refused",
	  "GET /private.php HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL, "cannot open the script" },
	{ __LINE__, "a file the worker may not read is forbidden",
	  "GET /private.txt HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL, "permission denied by the file system" },
};

START_TEST(test_unpriv)
{
	const struct unpriv_case *c = &unpriv_cases[_i];

	if (unpriv_skip) {
		printf("SKIP: test_unpriv needs root and the user www-data\n");
		return;
	}
	exchange(c->req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	if (c->body)
		ck_assert_msg(strcmp(r1.body, c->body) == 0, "line %d (%s): %.300s", c->line, c->desc, r1.raw);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "pfhttpd-private"), "line %d (%s): %.300s",
		      c->line, c->desc, r1.raw);
	if (c->log)
		assert_logged(c->line, c->desc, c->log, NULL);
}
END_TEST

static Suite *paths_suite(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = hs_tcase("paths", 30, NULL);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_alias, 0, N(alias_cases));
	tcase_add_test(tc, test_stderr_long_line);
	tcase_add_test(tc, test_stderr_partial_line);
	tcase_add_test(tc, test_stderr_crlf_and_escapes);
	tcase_add_test(tc, test_killed_after_answer);
	tcase_add_test(tc, test_nph_not_http);
	tcase_add_test(tc, test_pipelined_half_close);
	tcase_add_test(tc, test_http10_expect);
	tcase_add_test(tc, test_expect_unwanted_body);
	tcase_add_test(tc, test_options_star);
	tcase_add_test(tc, test_status_other_query);
	tcase_add_test(tc, test_connect);
	tcase_add_test(tc, test_cgi_server_date);
	tcase_add_loop_test(tc, test_errpage_fails, 0, N(errpage_cases));
	tcase_add_test(tc, test_errpage_file_gone);
	tcase_add_test(tc, test_errpage_file_extra);
	tcase_add_loop_test(tc, test_static, 0, N(static_cases));
	tcase_add_test(tc, test_redirect_escaped);
	tcase_add_test(tc, test_redirect_too_long);
	suite_add_tcase(s, tc);
	tc = hs_tcase("unprivileged", 30, NULL);
	tcase_add_unchecked_fixture(tc, setup_unpriv, teardown);
	tcase_add_loop_test(tc, test_unpriv, 0, N(unpriv_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(paths_suite());
}
