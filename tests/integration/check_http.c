/*
 * check_http — HTTP/1.1 behaviour of the real binary (RFC 9110, RFC 9112):
 * static files, conditionals, ranges, methods, request parsing errors,
 * connection management, and the MDN "typical HTTP session" exchanges.
 * One server per TCase (unchecked fixture); every test talks raw TCP.
 */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static struct hs_server srv;
static struct hs_response r1, r2, r3;   /* large: keep them off the stack */
static struct hs_conn conn;
static char raw[HS_MAX_RESP];

static void setup(void)
{
	hs_setup_or_abort(&srv, NULL);
}

static void setup_no_error_pages(void)
{
	hs_setup_or_abort(&srv, "#omit error_pages\n");
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* Every response: an HTTP/1.1 status line, CRLF line ends, Date and Server. */
static void assert_wellformed(int line, const char *what, const struct hs_response *r)
{
	const char *date = hs_hdr(r, "Date"), *server = hs_hdr(r, "Server");
	time_t t = hs_parse_date(date);

	ck_assert_msg(r->status >= 100 && r->status <= 599,
		      "line %d (%s): no status line in %.200s", line, what, r->raw);
	ck_assert_msg(strcmp(r->version, "HTTP/1.1") == 0,
		      "line %d (%s): version %s, want HTTP/1.1", line, what, r->version);
	ck_assert_msg(r->crlf, "line %d (%s): head lines must end in CRLF", line, what);
	ck_assert_msg(t != -1 && llabs((long long)(t - time(NULL))) < 120,
		      "line %d (%s): bad or wrong Date: %s", line, what, date ? date : "(none)");
	ck_assert_msg(server != NULL && strncmp(server, "pfhttpd/", 8) == 0 && server[8] != '\0',
		      "line %d (%s): Server: %s", line, what, server ? server : "(none)");
	ck_assert_msg(hs_hdr_count(r, "Date") == 1 && hs_hdr_count(r, "Content-Length") <= 1,
		      "line %d (%s): duplicated Date or Content-Length", line, what);
}

static void open_conn(void)
{
	ck_assert_msg(hs_conn_open(&srv, &conn) == 0, "cannot connect to port %d", srv.port);
}

static void request(const char *req, struct hs_response *r, bool head)
{
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_msg(hs_read_response(&conn, r, head, HS_TIMEOUT_MS) == 0,
		      "no complete response to %.60s; got: %.300s", req, r->raw);
}

static void exchange(const char *req, struct hs_response *r)
{
	ck_assert_msg(hs_exchange(&srv, req, r) == 0,
		      "no complete response to %.60s; got: %.300s", req, r->raw);
}

/* ------------------------------------------------------------------------ */
/* core: one request, one status, table-driven. */

enum { CLOSES = 1, HAS_ALLOW = 2, EMPTY_BODY = 4 };

static const struct status_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *body_has;   /* NULL: not checked */
	int flags;
} status_cases[] = {
	{ __LINE__, "plain file", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "query string ignored for files", "GET /hello.txt?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "root serves index.html", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_INDEX_MARKER, 0 },
	{ __LINE__, "subdir with slash serves its index", "GET /sub/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_SUB_MARKER, 0 },
	{ __LINE__, "index.html named explicitly", "GET /sub/index.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_SUB_MARKER, 0 },
	{ __LINE__, "directory without index is 403", "GET /noindex/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 403, NULL, 0 },
	{ __LINE__, "missing file: configured 404 page", "GET /nope.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 404, HS_404_MARKER, 0 },
	{ __LINE__, "missing file below a file", "GET /hello.txt/x HTTP/1.1\r\nHost: localhost\r\n\r\n", 404, NULL, 0 },
	{ __LINE__, "percent-encoded path", "GET /hello%2Etxt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "absolute-form target", "GET http://localhost/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "HTTP/1.2 is served as 1.1", "GET /hello.txt HTTP/1.2\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "HTTP/1.0 without Host is fine", "GET /hello.txt HTTP/1.0\r\n\r\n", 200, HS_HELLO, CLOSES },
	{ __LINE__, "OPTIONS lists methods", "OPTIONS /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, NULL, HAS_ALLOW | EMPTY_BODY },
	{ __LINE__, "POST on a static file", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405, NULL, HAS_ALLOW },
	{ __LINE__, "PUT on a static file", "PUT /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc", 405, NULL, HAS_ALLOW },
	{ __LINE__, "DELETE on a static file", "DELETE /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 405, NULL, HAS_ALLOW },
	{ __LINE__, "unknown method", "BREW /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 501, NULL, 0 },
	{ __LINE__, "HTTP/2.0 request line", "GET /hello.txt HTTP/2.0\r\nHost: localhost\r\n\r\n", 505, NULL, 0 },
	{ __LINE__, "garbage request line", "GARBAGE\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "request line with 4 words", "GET /hello.txt HTTP/1.1 x\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "bad version token", "GET /hello.txt HTTX/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "HTTP/1.1 without Host", "GET /hello.txt HTTP/1.1\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "two Host fields", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nHost: other\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "space before colon (RFC 9112 5.1)", "GET /hello.txt HTTP/1.1\r\nHost : localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "header line without colon", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "conflicting Content-Length (RFC 9112 6.3)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, NULL, CLOSES },
	{ __LINE__, "non-numeric Content-Length", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1x\r\n\r\nab", 400, NULL, CLOSES },
	{ __LINE__, "empty line before request line (RFC 9112 2.2)", "\r\nGET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200, HS_HELLO, 0 },
	{ __LINE__, "final coding not chunked: gzip (RFC 9112 6.3 item 4)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\nxx", 400, NULL, CLOSES },
	{ __LINE__, "final coding not chunked: foo (RFC 9112 6.3 item 4)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: foo\r\n\r\nxx", 400, NULL, CLOSES },
	{ __LINE__, "final coding not chunked: chunk (RFC 9112 6.3 item 4)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunk\r\n\r\nxx", 400, NULL, CLOSES },
	{ __LINE__, "chunked, gzip (RFC 9112 6.3 item 4)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxx", 400, NULL, CLOSES },
	{ __LINE__, "chunked, chunked (RFC 9112 6.1)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "unknown coding below chunked (RFC 9112 6.1)", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n", 501, NULL, CLOSES },
	{ __LINE__, "bare LF line endings (RFC 9112 2.2)", "GET /hello.txt HTTP/1.1\nHost: localhost\n\n", 400, NULL, CLOSES },
	{ __LINE__, "bare LF ending one field (RFC 9112 2.2)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\nX: y\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "bare LF as the final empty line (RFC 9112 2.2)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\n", 400, NULL, CLOSES },
	{ __LINE__, "bare CR in a field (RFC 9112 2.2)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX: a\rb\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "obs-fold (RFC 9112 5.2)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "whitespace before the first field (RFC 9112 2.2)", "GET /hello.txt HTTP/1.1\r\n Host: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "version in lower case (RFC 9112 2.3)", "GET /hello.txt http/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "invalid Host (RFC 9112 3.2)", "GET /hello.txt HTTP/1.1\r\nHost: a b\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "asterisk-form with GET (RFC 9112 3.2.4)", "GET * HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "encoded NUL in the path (RFC 9112 3.2)", "GET /%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "encoded LF in the path (RFC 9112 3.2)", "GET /a%0ab HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "encoded DEL in the path (RFC 9112 3.2)", "GET /a%7f HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "climbing above / (RFC 3986 5.2.4)", "GET /a/../../hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "dotfile stays 403", "GET /.htpasswd HTTP/1.1\r\nHost: localhost\r\n\r\n", 403, NULL, 0 },
	{ __LINE__, "If-Match on a missing file is 404, not 412 (RFC 9110 13.2.1)", "GET /nope.html HTTP/1.1\r\nHost: localhost\r\nIf-Match: \"x\"\r\n\r\n", 404, HS_404_MARKER, 0 },
	{ __LINE__, "If-None-Match * on a directory redirect is 301, not 304 (RFC 9110 13.2.1)", "GET /sub HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: *\r\n\r\n", 301, NULL, 0 },
	{ __LINE__, "If-Unmodified-Since on a missing file is 404 (RFC 9110 13.2.1)", "GET /nope.html HTTP/1.1\r\nHost: localhost\r\nIf-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n", 404, NULL, 0 },
	{ __LINE__, "Content-Length list of equal values (RFC 9110 8.6)", "OPTIONS /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2, 2\r\n\r\nab", 200, NULL, HAS_ALLOW | EMPTY_BODY },
	{ __LINE__, "body over limits.body", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20000000\r\n\r\nxx", 413, NULL, CLOSES },
	{ __LINE__, "unknown expectation (RFC 9110 10.1.1)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n", 417, NULL, CLOSES },
	{ __LINE__, "unknown expectation, body withheld: answered at once", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\n", 417, NULL, CLOSES },
	{ __LINE__, "TLS ClientHello on the plain port: 400 at once", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400, NULL, CLOSES },
	{ __LINE__, "chunk size line ending in bare LF (smuggling)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400, NULL, CLOSES },
	{ __LINE__, "target not starting with /", "GET hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, NULL, CLOSES },
};

START_TEST(test_status)
{
	const struct status_case *c = &status_cases[_i];
	const char *allow;

	open_conn();
	request(c->req, &r1, false);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, r1.status, c->status);
	if (c->body_has != NULL)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->body_has),
			      "line %d (%s): body lacks %s: %.200s", c->line, c->desc, c->body_has, r1.body);
	allow = hs_hdr(&r1, "Allow");
	if (c->flags & HAS_ALLOW)
		ck_assert_msg(allow != NULL && hs_list_has(allow, "GET") && hs_list_has(allow, "HEAD") &&
			      !hs_list_has(allow, "PUT") && !hs_list_has(allow, "DELETE"),
			      "line %d (%s): Allow: %s", c->line, c->desc, allow ? allow : "(none)");
	if (c->flags & EMPTY_BODY) {
		const char *cl = hs_hdr(&r1, "Content-Length");

		ck_assert_msg(cl != NULL && strcmp(cl, "0") == 0 && r1.body_len == 0,
			      "line %d (%s): want Content-Length: 0, got %s", c->line, c->desc, cl ? cl : "(none)");
	}
	if (c->flags & CLOSES)
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1 && conn.len == 0,
			      "line %d (%s): connection must close right after the response",
			      c->line, c->desc);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* files: headers and representations. */

START_TEST(test_file_headers)
{
	const char *etag, *ct;

	exchange("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "GET file", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_str_eq(r1.reason, "OK");
	ck_assert_uint_eq(r1.body_len, HS_HELLO_LEN);
	ck_assert_str_eq(r1.body, HS_HELLO);
	ck_assert_pstr_eq(hs_hdr(&r1, "Content-Length"), "14");
	ck_assert_pstr_eq(hs_hdr(&r1, "Last-Modified"), HS_HELLO_LM);
	ck_assert_pstr_eq(hs_hdr(&r1, "Accept-Ranges"), "bytes");
	etag = hs_hdr(&r1, "ETag");
	ck_assert_msg(etag != NULL && strlen(etag) >= 3 && etag[0] == '"' &&
		      etag[strlen(etag) - 1] == '"', "want a strong ETag, got %s", etag ? etag : "(none)");
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/plain", 10) == 0, "Content-Type: %s", ct ? ct : "(none)");
	ck_assert_msg(hs_hdr(&r1, "Transfer-Encoding") == NULL, "a file needs no chunking");
}
END_TEST

START_TEST(test_html_type)
{
	const char *ct;

	exchange("GET /page.html HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strcasecmp(ct, "text/html; charset=utf-8") == 0,
		      "Content-Type: %s", ct ? ct : "(none)");
	ck_assert(hs_contains(r1.body, r1.body_len, "a page"));
}
END_TEST

START_TEST(test_binary_file)
{
	exchange("GET /bin.dat HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_uint_eq(r1.body_len, HS_BIN_LEN);
	for (int i = 0; i < HS_BIN_LEN; i++)
		ck_assert_msg((unsigned char)r1.body[i] == i, "byte %d is %d", i, (unsigned char)r1.body[i]);
}
END_TEST

START_TEST(test_dir_redirect)
{
	const char *ct;

	exchange("GET /sub HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "301", &r1);
	ck_assert_int_eq(r1.status, 301);
	ck_assert_pstr_eq(hs_hdr(&r1, "Location"), "http://localhost/sub/");
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/html", 9) == 0, "Content-Type: %s", ct ? ct : "(none)");
	ck_assert_msg(r1.body_len > 0 && hs_contains(r1.body, r1.body_len, "<"), "301 needs an HTML body");

	/* The Host asked for, port included, not server_name (RFC 9110 7.2). */
	exchange("GET /sub?a=1 HTTP/1.1\r\nHost: other.example:1234\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 301);
	ck_assert_pstr_eq(hs_hdr(&r1, "Location"), "http://other.example:1234/sub/?a=1");
	/* absolute-form: its authority is the host asked for (RFC 9112 3.2.2). */
	exchange("GET http://abs.example:99/sub HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 301);
	ck_assert_pstr_eq(hs_hdr(&r1, "Location"), "http://abs.example:99/sub/");

	/* Same for a directory without an index: the slash first, then 403. */
	exchange("GET /noindex HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 301);
	ck_assert_pstr_eq(hs_hdr(&r1, "Location"), "http://localhost/noindex/");
}
END_TEST

/*
 * The query of a directory redirect is the client's: in the 301 page it must
 * stay text, or a link to it is a reflected XSS. The parser lets " < > through
 * in a query, so the raw bytes go on the wire; Location may carry them raw.
 */
static const struct xss_case {
	int line;
	const char *desc;
	const char *target;
	const char *hasnt;       /* must not be in the body */
	const char *has;         /* must be in the body */
} xss_cases[] = {
	{ __LINE__, "script element not reflected", "/sub?\"><script>alert(1)</script>", "<script>", "&lt;script&gt;" },
	{ __LINE__, "attribute not broken out of", "/sub?\"><script>alert(1)</script>", "\"><", "&quot;&gt;&lt;" },
	{ __LINE__, "directory without index too", "/noindex?<b>bold</b>", "<b>bold", "&lt;b&gt;bold&lt;/b&gt;" },
};

START_TEST(test_dir_redirect_escapes_query)
{
	const struct xss_case *c = &xss_cases[_i];
	const char *loc;
	char req[512];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", c->target);
	exchange(req, &r1);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == 301, "line %d (%s): status %d, want 301: %.300s",
		      c->line, c->desc, r1.status, r1.raw);
	loc = hs_hdr(&r1, "Location");
	ck_assert_msg(loc != NULL && strncmp(loc, "http://localhost/", 17) == 0 && strchr(loc, '?') != NULL,
		      "line %d (%s): Location: %s", c->line, c->desc, loc ? loc : "(none)");
	ck_assert_msg(!hs_contains(r1.body, r1.body_len, c->hasnt),
		      "line %d (%s): the body reflects %s unescaped: %.400s", c->line, c->desc, c->hasnt, r1.body);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, c->has),
		      "line %d (%s): the body lacks %s: %.400s", c->line, c->desc, c->has, r1.body);
}
END_TEST

START_TEST(test_head)
{
	static const char *const same[] = { "Content-Length", "Content-Type", "ETag",
					    "Last-Modified", "Accept-Ranges" };
	static const char head_close[] =
		"HEAD /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	ssize_t n;
	const char *end;

	exchange("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	exchange("HEAD /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2);
	assert_wellformed(__LINE__, "HEAD", &r2);
	ck_assert_int_eq(r2.status, 200);
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		ck_assert_msg(hs_hdr(&r2, same[i]) != NULL &&
			      strcmp(hs_hdr(&r1, same[i]), hs_hdr(&r2, same[i])) == 0,
			      "HEAD %s differs from GET", same[i]);

	/* No body may follow: read everything up to EOF. */
	n = hs_exchange_raw(&srv, head_close, strlen(head_close), raw, sizeof raw, HS_TIMEOUT_MS);
	ck_assert_msg(n > 0, "HEAD with Connection: close must end in EOF (%zd)", n);
	end = strstr(raw, "\r\n\r\n");
	ck_assert_msg(end != NULL && end + 4 == raw + n, "bytes after HEAD's head: %s", end ? end + 4 : raw);
}
END_TEST

/*
 * RFC 9110 9.3.2: a response to HEAD never carries content, errors included;
 * its head is the one GET would get. Each HEAD is followed, in the same
 * packet, by a GET: when the connection lives on, the next response must
 * start right after the head; when it closes, nothing may follow the head.
 */
static const struct head_err_case {
	int line;
	const char *desc;
	const char *rest;       /* after "HEAD " / "GET ": target, version, fields, empty line */
	int status;
	bool closes;
} head_err_cases[] = {
	{ __LINE__, "404 (9110 9.3.2)", "/nope.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 404, false },
	{ __LINE__, "403 dotfile", "/.htpasswd HTTP/1.1\r\nHost: localhost\r\n\r\n", 403, false },
	{ __LINE__, "403 directory without index", "/noindex/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 403, false },
	{ __LINE__, "301 directory redirect", "/sub HTTP/1.1\r\nHost: localhost\r\n\r\n", 301, false },
	{ __LINE__, "412 If-Match", "/hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-Match: \"x\"\r\n\r\n", 412, false },
	{ __LINE__, "416 range", "/hello.txt HTTP/1.1\r\nHost: localhost\r\nRange: bytes=100-\r\n\r\n", 416, false },
	{ __LINE__, "304 (9110 15.4.5)", "/hello.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: *\r\n\r\n", 304, false },
	{ __LINE__, "400 encoded NUL", "/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, true },
	{ __LINE__, "400 climbing above /", "/../x HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, true },
	{ __LINE__, "400 from the parser: final coding not chunked",
	  "/hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n", 400, true },
	{ __LINE__, "400 from the parser: bare LF", "/hello.txt HTTP/1.1\r\nHost: localhost\n\n", 400, true },
	{ __LINE__, "400 from the parser: no Host", "/hello.txt HTTP/1.1\r\n\r\n", 400, true },
	{ __LINE__, "505", "/hello.txt HTTP/2.0\r\nHost: localhost\r\n\r\n", 505, true },
	{ __LINE__, "417", "/hello.txt HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n", 417, true },
};

static void head_err_send(const struct head_err_case *c, const char *method, bool then_get)
{
	char req[1024];

	snprintf(req, sizeof req, "%s %s%s", method, c->rest,
		 then_get ? "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n" : "");
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
}

START_TEST(test_head_error_no_body)
{
	const struct head_err_case *c = &head_err_cases[_i];
	const char *gcl, *hcl;

	/* What GET gets: the head HEAD must mirror. */
	head_err_send(c, "GET", false);
	ck_assert_int_eq(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS), 0);
	hs_conn_close(&conn);
	ck_assert_msg(r1.status == c->status, "line %d (%s): GET status %d, want %d",
		      c->line, c->desc, r1.status, c->status);

	head_err_send(c, "HEAD", true);
	ck_assert_msg(hs_read_response(&conn, &r2, true, HS_TIMEOUT_MS) == 0,
		      "line %d (%s): no head: %.200s", c->line, c->desc, r2.raw);
	assert_wellformed(c->line, c->desc, &r2);
	ck_assert_msg(r2.status == c->status, "line %d (%s): HEAD status %d, want %d",
		      c->line, c->desc, r2.status, c->status);
	gcl = hs_hdr(&r1, "Content-Length");
	hcl = hs_hdr(&r2, "Content-Length");
	ck_assert_msg((gcl == NULL && hcl == NULL) || (gcl && hcl && strcmp(gcl, hcl) == 0),
		      "line %d (%s): HEAD Content-Length %s, GET %s", c->line, c->desc,
		      hcl ? hcl : "(none)", gcl ? gcl : "(none)");
	if (c->closes) {
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1 && conn.len == 0,
			      "line %d (%s): %zu bytes after the head: %.200s", c->line, c->desc,
			      conn.len, conn.buf);
	} else {
		ck_assert_msg(hs_read_response(&conn, &r3, false, HS_TIMEOUT_MS) == 0 &&
			      r3.status == 200 && strcmp(r3.body, HS_HELLO) == 0,
			      "line %d (%s): the next response does not start right after the head: %.200s",
			      c->line, c->desc, r3.raw);
	}
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* conditional: RFC 9110 13. "ETAG" in a row stands for the file's ETag. */

static const struct cond_case {
	int line;
	const char *desc;
	const char *field;      /* "If-None-Match: ETAG", ... */
	int status;
} cond_cases[] = {
	{ __LINE__, "If-None-Match with the ETag", "If-None-Match: ETAG", 304 },
	{ __LINE__, "If-None-Match in a list", "If-None-Match: \"zzz\", ETAG", 304 },
	{ __LINE__, "If-None-Match: *", "If-None-Match: *", 304 },
	{ __LINE__, "If-None-Match other tag", "If-None-Match: \"zzz\"", 200 },
	{ __LINE__, "If-Modified-Since = Last-Modified", "If-Modified-Since: " HS_HELLO_LM, 304 },
	{ __LINE__, "If-Modified-Since later", "If-Modified-Since: Sat, 01 Jan 2022 00:00:00 GMT", 304 },
	{ __LINE__, "If-Modified-Since earlier", "If-Modified-Since: Wed, 01 Jan 2020 00:00:00 GMT", 200 },
	{ __LINE__, "If-Modified-Since garbage is ignored", "If-Modified-Since: yesterday", 200 },
	{ __LINE__, "INM wins over IMS (13.1.3)", "If-None-Match: \"zzz\"\r\nIf-Modified-Since: " HS_HELLO_LM, 200 },
	{ __LINE__, "If-Match other tag", "If-Match: \"zzz\"", 412 },
	{ __LINE__, "If-Match with the ETag", "If-Match: ETAG", 200 },
	{ __LINE__, "If-Unmodified-Since earlier", "If-Unmodified-Since: Wed, 01 Jan 2020 00:00:00 GMT", 412 },
	{ __LINE__, "two If-Modified-Since lines are ignored (RFC 9110 13.1.3)",
	  "If-Modified-Since: " HS_HELLO_LM "\r\nIf-Modified-Since: Sat, 01 Jan 2022 00:00:00 GMT", 200 },
	{ __LINE__, "two equal If-Modified-Since lines are ignored (RFC 9110 13.1.3)",
	  "If-Modified-Since: " HS_HELLO_LM "\r\nIf-Modified-Since: " HS_HELLO_LM, 200 },
	{ __LINE__, "two If-Unmodified-Since lines: never 412 (RFC 9110 13.1.4)",
	  "If-Unmodified-Since: Wed, 01 Jan 2020 00:00:00 GMT\r\nIf-Unmodified-Since: Wed, 01 Jan 2020 00:00:00 GMT", 200 },
	{ __LINE__, "If-None-Match over two lines, the second matches (RFC 9110 5.3)",
	  "If-None-Match: \"zzz\"\r\nIf-None-Match: ETAG", 304 },
	{ __LINE__, "If-Match over two lines, the second matches (RFC 9110 5.3)",
	  "If-Match: \"zzz\"\r\nIf-Match: ETAG", 200 },
	{ __LINE__, "If-Match weak never matches (RFC 9110 13.1.1)", "If-Match: W/ETAG", 412 },
	{ __LINE__, "If-None-Match weak matches (RFC 9110 13.1.2)", "If-None-Match: W/ETAG", 304 },
	{ __LINE__, "If-Match beats If-Unmodified-Since (RFC 9110 13.2.2)",
	  "If-Match: ETAG\r\nIf-Unmodified-Since: Wed, 01 Jan 2020 00:00:00 GMT", 200 },
};

/* Replace "ETAG" in a template by the real tag. */
static void expand(char *out, size_t cap, const char *tmpl, const char *etag)
{
	const char *at = strstr(tmpl, "ETAG");

	if (at == NULL)
		snprintf(out, cap, "%s", tmpl);
	else
		snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, etag, at + 4);
}

static void get_etag(char *etag, size_t cap)
{
	exchange("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_ptr_nonnull(hs_hdr(&r1, "ETag"));
	snprintf(etag, cap, "%s", hs_hdr(&r1, "ETag"));
}

START_TEST(test_conditional)
{
	const struct cond_case *c = &cond_cases[_i];
	char etag[256], field[512], req[1024];

	get_etag(etag, sizeof etag);
	expand(field, sizeof field, c->field, etag);
	snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n%s\r\n\r\n", field);
	open_conn();
	request(req, &r2, false);
	assert_wellformed(c->line, c->desc, &r2);
	ck_assert_msg(r2.status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, r2.status, c->status);
	if (c->status == 304) {
		ck_assert_msg(r2.body_len == 0, "line %d: 304 has no body", c->line);
		/* RFC 9110 8.6: a Content-Length in a 304 is the 200's, or absent. */
		ck_assert_msg(hs_hdr(&r2, "Content-Length") == NULL ||
			      strcmp(hs_hdr(&r2, "Content-Length"), "14") == 0,
			      "line %d (%s): 304 with Content-Length %s", c->line, c->desc,
			      hs_hdr(&r2, "Content-Length"));
		ck_assert_msg(hs_hdr(&r2, "ETag") != NULL && strcmp(hs_hdr(&r2, "ETag"), etag) == 0,
			      "line %d (%s): 304 must carry the ETag (RFC 9110 15.4.5)", c->line, c->desc);
		/* Nothing after the head: the next response parses cleanly. */
		request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r3, false);
		ck_assert_msg(r3.status == 200 && strcmp(r3.body, HS_HELLO) == 0,
			      "line %d (%s): bytes after the 304 broke the connection", c->line, c->desc);
	}
	if (c->status == 200)
		ck_assert_str_eq(r2.body, HS_HELLO);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* ranges: RFC 9110 14. */

static const struct range_case {
	int line;
	const char *desc;
	const char *fields;
	int status;
	const char *body;            /* exact body for 200/206 */
	const char *content_range;   /* NULL: must be absent */
} range_cases[] = {
	{ __LINE__, "first five bytes", "Range: bytes=0-4", 206, "Hello", "bytes 0-4/14" },
	{ __LINE__, "open-ended", "Range: bytes=7-", 206, "world!\n", "bytes 7-13/14" },
	{ __LINE__, "suffix", "Range: bytes=-6", 206, "orld!\n", "bytes 8-13/14" },
	{ __LINE__, "last clipped to size", "Range: bytes=0-100", 206, HS_HELLO, "bytes 0-13/14" },
	{ __LINE__, "single last byte", "Range: bytes=13-13", 206, "\n", "bytes 13-13/14" },
	{ __LINE__, "beyond the end", "Range: bytes=100-200", 416, NULL, "bytes */14" },
	{ __LINE__, "first byte = size", "Range: bytes=14-", 416, NULL, "bytes */14" },
	{ __LINE__, "If-Range with a stale ETag", "Range: bytes=0-4\r\nIf-Range: \"stale\"", 200, HS_HELLO, NULL },
	{ __LINE__, "If-Range with the ETag", "Range: bytes=0-4\r\nIf-Range: ETAG", 206, "Hello", "bytes 0-4/14" },
	{ __LINE__, "If-Range with Last-Modified", "Range: bytes=0-4\r\nIf-Range: " HS_HELLO_LM, 206, "Hello", "bytes 0-4/14" },
	{ __LINE__, "If-Range with another date", "Range: bytes=0-4\r\nIf-Range: Wed, 01 Jan 2020 00:00:00 GMT", 200, HS_HELLO, NULL },
	{ __LINE__, "other unit ignored", "Range: items=0-4", 200, HS_HELLO, NULL },
	{ __LINE__, "bad syntax ignored", "Range: bytes=4-1", 200, HS_HELLO, NULL },
	{ __LINE__, "If-Range with a weak ETag never matches (RFC 9110 13.1.5)", "Range: bytes=0-4\r\nIf-Range: W/ETAG", 200, HS_HELLO, NULL },
	{ __LINE__, "two Range lines are ignored (RFC 9110 14.2)", "Range: bytes=0-4\r\nRange: bytes=0-4", 200, HS_HELLO, NULL },
};

START_TEST(test_range)
{
	const struct range_case *c = &range_cases[_i];
	char etag[256], fields[512], req[1024], cl[32];

	get_etag(etag, sizeof etag);
	expand(fields, sizeof fields, c->fields, etag);
	snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n%s\r\n\r\n", fields);
	exchange(req, &r2);
	assert_wellformed(c->line, c->desc, &r2);
	ck_assert_msg(r2.status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, r2.status, c->status);
	if (c->content_range != NULL)
		ck_assert_msg(hs_hdr(&r2, "Content-Range") != NULL &&
			      strcmp(hs_hdr(&r2, "Content-Range"), c->content_range) == 0,
			      "line %d (%s): Content-Range %s, want %s", c->line, c->desc,
			      hs_hdr(&r2, "Content-Range") ? hs_hdr(&r2, "Content-Range") : "(none)",
			      c->content_range);
	else
		ck_assert_msg(hs_hdr(&r2, "Content-Range") == NULL,
			      "line %d (%s): unexpected Content-Range", c->line, c->desc);
	if (c->body != NULL) {
		snprintf(cl, sizeof cl, "%zu", strlen(c->body));
		ck_assert_msg(r2.body_len == strlen(c->body) && memcmp(r2.body, c->body, r2.body_len) == 0,
			      "line %d (%s): body '%s', want '%s'", c->line, c->desc, r2.body, c->body);
		ck_assert_pstr_eq(hs_hdr(&r2, "Content-Length"), cl);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits */

START_TEST(test_request_line_too_long)
{
	static char req[12000];
	int n = snprintf(req, sizeof req, "GET /");

	memset(req + n, 'a', 9000);
	snprintf(req + n + 9000, sizeof req - (size_t)n - 9000, " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	open_conn();
	request(req, &r1, false);
	ck_assert_int_eq(r1.status, 414);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "414 must close the connection");
	hs_conn_close(&conn);
}
END_TEST

/* RFC 9112 3: a method longer than any we implement is 501, not 414. */
START_TEST(test_method_too_long)
{
	static char req[12000];

	memset(req, 'A', 9000);
	snprintf(req + 9000, sizeof req - 9000, " /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
	open_conn();
	request(req, &r1, false);
	ck_assert_int_eq(r1.status, 501);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "501 must close the connection");
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_header_bytes_too_many)
{
	static char req[32000];
	size_t n = (size_t)snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n");

	for (int i = 0; i < 20; i++) {   /* 20 fields of ~1 KB: over 16384 bytes */
		n += (size_t)snprintf(req + n, sizeof req - n, "X-Fill-%d: ", i);
		memset(req + n, 'b', 1000);
		n += 1000;
		n += (size_t)snprintf(req + n, sizeof req - n, "\r\n");
	}
	snprintf(req + n, sizeof req - n, "\r\n");
	open_conn();
	request(req, &r1, false);
	ck_assert_int_eq(r1.status, 431);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "431 must close the connection");
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_header_count_too_many)
{
	static char req[8000];
	size_t n = (size_t)snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n");

	for (int i = 0; i < 120; i++)    /* small fields, but over the 100-field limit */
		n += (size_t)snprintf(req + n, sizeof req - n, "X-%d: y\r\n", i);
	snprintf(req + n, sizeof req - n, "\r\n");
	open_conn();
	request(req, &r1, false);
	ck_assert_int_eq(r1.status, 431);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "431 must close the connection");
	hs_conn_close(&conn);
}
END_TEST

/*
 * The same after a pause: a connection quiet for a moment is held by the
 * keeper, which must pass an answer-now head (a bare LF, an HTTP/0.9 line)
 * to a worker at once, not at the header timeout (10 s here).
 */
static const struct late_bad_case {
	int line;
	const char *desc;
	const char *req;
} late_bad_cases[] = {
	{ __LINE__, "HTTP/0.9 request line", "GET /\r\n" },
	{ __LINE__, "bare LF after the request line", "GET / HTTP/1.1\nHost: a" },
	{ __LINE__, "bare LF after a field", "GET / HTTP/1.1\r\nHost: a\nX" },
	{ __LINE__, "leading bare LF", "\nGET" },
};

START_TEST(test_bad_line_after_pause)
{
	const struct late_bad_case *c = &late_bad_cases[_i];
	long long t0;

	open_conn();
	hs_sleep_ms(200);
	t0 = hs_now_ms();
	ck_assert_int_eq(hs_send_str(conn.fd, c->req), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, 5000) == 0, "line %d (%s): no answer: %.100s",
		      c->line, c->desc, r1.raw);
	ck_assert_msg(r1.status == 400, "line %d (%s): status %d", c->line, c->desc, r1.status);
	ck_assert_msg(hs_now_ms() - t0 < 5000, "line %d (%s): answered after %lld ms",
		      c->line, c->desc, hs_now_ms() - t0);
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_http09_gets_status_line)
{
	ssize_t n = hs_exchange_raw(&srv, "GET /\r\n", 7, raw, sizeof raw, HS_TIMEOUT_MS);

	ck_assert_msg(n != -1, "cannot talk to the server");
	ck_assert_msg(strncmp(raw, "HTTP/1.1 400", 12) == 0,
		      "an HTTP/0.9 request must get a 400 status line, got: %.100s", raw);
	ck_assert_msg(n > 0, "the connection must close after the 400");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* connection management: RFC 9112 9. */

START_TEST(test_keepalive_sequential)
{
	open_conn();
	request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1, false);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(hs_hdr(&r1, "Connection") == NULL || !hs_list_has(hs_hdr(&r1, "Connection"), "close"),
		      "a plain HTTP/1.1 request keeps the connection");
	request("GET /page.html HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2, false);
	ck_assert_int_eq(r2.status, 200);
	ck_assert(hs_contains(r2.body, r2.body_len, "a page"));
	request("GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n", &r3, false);
	ck_assert_msg(r3.status == 404, "a 404 keeps the connection usable");
	request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r3, false);
	ck_assert_int_eq(r3.status, 200);
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_connection_close)
{
	open_conn();
	request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", &r1, false);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(hs_hdr(&r1, "Connection") != NULL && hs_list_has(hs_hdr(&r1, "Connection"), "close"),
		      "the response to Connection: close says close (RFC 9112 9.6)");
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1 && conn.len == 0,
		      "EOF right after the response");
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_http10_keepalive)
{
	open_conn();
	request("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r1, false);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(hs_hdr(&r1, "Connection") != NULL && hs_list_has(hs_hdr(&r1, "Connection"), "keep-alive"),
		      "HTTP/1.0 keep-alive response must say Connection: keep-alive");
	ck_assert_ptr_nonnull(hs_hdr(&r1, "Content-Length"));
	request("GET /page.html HTTP/1.0\r\n\r\n", &r2, false);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "plain HTTP/1.0 closes after the response");
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_pipelining)
{
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd,
		"GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
		"HEAD /page.html HTTP/1.1\r\nHost: localhost\r\n\r\n"
		"GET /sub/ HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_int_eq(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(hs_read_response(&conn, &r2, true, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(hs_read_response(&conn, &r3, false, HS_TIMEOUT_MS), 0);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_str_eq(r1.body, HS_HELLO);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_msg(strncasecmp(hs_hdr(&r2, "Content-Type") ? hs_hdr(&r2, "Content-Type") : "", "text/html", 9) == 0,
		      "second response is the HEAD of page.html");
	ck_assert_int_eq(r3.status, 200);
	ck_assert(hs_contains(r3.body, r3.body_len, HS_SUB_MARKER));
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_keepalive_timeout)
{
	long long t0;
	int eof;

	open_conn();
	request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1, false);
	ck_assert_int_eq(r1.status, 200);
	t0 = hs_now_ms();
	eof = hs_wait_eof(&conn, 4500);
	ck_assert_msg(eof == 1, "idle connection still open after 4.5 s (keepalive = 2)");
	ck_assert_msg(hs_now_ms() - t0 >= 1000, "closed after %lld ms, before the keep-alive timeout",
		      hs_now_ms() - t0);
	ck_assert_msg(conn.len == 0, "no bytes (e.g. a 408) on an idle keep-alive close: %.100s", conn.buf);
	hs_conn_close(&conn);
}
END_TEST

/*
 * After the client's last request without a body, the server closes at
 * once (conn_close_quiet): bytes the client wrongly sends afterwards meet a
 * closed socket, and the second send fails with a reset. After a request
 * with a body the server lingers instead (RFC 9112 9.6): it drains them.
 */
static const struct quiet_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	bool at_once;
} quiet_cases[] = {
	{ __LINE__, "GET with Connection: close", "GET /hello.txt HTTP/1.1\r\nHost: l\r\nConnection: close\r\n\r\n", 200, true },
	{ __LINE__, "HTTP/1.0 GET", "GET /hello.txt HTTP/1.0\r\n\r\n", 200, true },
	{ __LINE__, "POST with a body, close", "POST /hello.txt HTTP/1.1\r\nHost: l\r\nConnection: close\r\n"
					      "Content-Length: 5\r\n\r\nhello", 405, false },
};

START_TEST(test_close_at_once)
{
	const struct quiet_case *qc = &quiet_cases[_i];
	bool reset = false;

	open_conn();
	request(qc->req, &r1, false);
	ck_assert_msg(r1.status == qc->status, "line %d (%s): status %d", qc->line, qc->desc, r1.status);
	ck_assert_msg(hs_wait_eof(&conn, 3000) == 1, "line %d (%s): no close", qc->line, qc->desc);
	for (int i = 0; i < 3 && !reset; i++) {
		reset = send(conn.fd, "x", 1, MSG_NOSIGNAL) < 0;
		hs_sleep_ms(100);
	}
	ck_assert_msg(reset == qc->at_once, "line %d (%s): %s", qc->line, qc->desc,
		      reset ? "closed at once (reset)" : "the server still drained");
	hs_conn_close(&conn);
}
END_TEST

/* The body of a refused request is still consumed: the next one is in sync. */
static const struct body_case {
	int line;
	const char *desc;
	const char *req;
} body_cases[] = {
	{ __LINE__, "Content-Length body", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 26\r\n\r\nGET /nope HTTP/1.1\r\nX: y\r\n" },
	{ __LINE__, "chunked body", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\n1a\r\nGET /nope HTTP/1.1\r\nX: y\r\n\r\n0\r\n\r\n" },
	{ __LINE__, "chunked body with extension and trailer", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n" },
};

START_TEST(test_body_consumed)
{
	const struct body_case *c = &body_cases[_i];

	open_conn();
	request(c->req, &r1, false);
	ck_assert_msg(r1.status == 405, "line %d (%s): status %d, want 405", c->line, c->desc, r1.status);
	request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2, false);
	ck_assert_msg(r2.status == 200 && strcmp(r2.body, HS_HELLO) == 0,
		      "line %d (%s): the next request is out of sync: %d %.100s",
		      c->line, c->desc, r2.status, r2.raw);
	hs_conn_close(&conn);
}
END_TEST

/*
 * A request pipelined right behind a POST's body, in the same packet, is
 * answered: the body read stops exactly at Content-Length (and at the end
 * of the chunked body), never eating into the next request.
 */
static const struct pipelined_body_case {
	int line;
	const char *desc;
	const char *post;
} pipelined_body_cases[] = {
	{ __LINE__, "Content-Length", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello" },
	{ __LINE__, "chunked", "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" },
	{ __LINE__, "Content-Length, OPTIONS reads it first",
	  "OPTIONS /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello" },
};

START_TEST(test_pipelined_after_body)
{
	const struct pipelined_body_case *c = &pipelined_body_cases[_i];
	char req[1024];

	snprintf(req, sizeof req, "%sGET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", c->post);
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS) == 0 &&
		      (r1.status == 405 || r1.status == 200),
		      "line %d (%s): first response: %.200s", c->line, c->desc, r1.raw);
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0 &&
		      r2.status == 200 && strcmp(r2.body, HS_HELLO) == 0,
		      "line %d (%s): the pipelined GET was not answered: %.200s", c->line, c->desc, r2.raw);
	hs_conn_close(&conn);
}
END_TEST

/* RFC 9112 6.1: both Transfer-Encoding and Content-Length: reject or use the
 * chunked framing, and in either case close the connection afterwards. */
START_TEST(test_te_and_cl_closes)
{
	open_conn();
	request("POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n"
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", &r1, false);
	ck_assert_msg(r1.status == 400, "status %d, want 400 (RFC 9112 6.1)", r1.status);
	ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1 && conn.len == 0,
		      "the connection must close after a request with both framings");
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* timeouts (header = body = keepalive = 2 s) */

static void setup_short_timeouts(void)
{
	hs_setup_or_abort(&srv, "timeouts = { header = 2; body = 2; keepalive = 2; send = 30; cgi = 60; };\n");
}

/*
 * What each stalled client must get: nothing at all for a connection that
 * never started a request (RFC 9112 9.5 lets a server close an idle one);
 * 408 for a head that stops (RFC 9110 15.5.9); the answer already decided
 * from the head for a body that stops (a POST to a file is 405 whatever
 * its body; the unread rest ends the connection).
 */
static const struct slow_case {
	int line;
	const char *desc;
	const char *partial;    /* sent, then nothing more */
	const char *answer;     /* the status line's start, or NULL: closed without a byte */
} slow_cases[] = {
	{ __LINE__, "nothing at all", "", NULL },
	{ __LINE__, "half a request line", "GET /hello.txt HT", "HTTP/1.1 408 " },
	{ __LINE__, "head without its empty line", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n",
	  "HTTP/1.1 408 " },
	{ __LINE__, "half a HEAD: 408 without a body", "HEAD /hello.txt HTTP/1.1\r\nHost: local",
	  "HTTP/1.1 408 " },
	{ __LINE__, "body shorter than Content-Length",
	  "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc",
	  "HTTP/1.1 405 " },
	{ __LINE__, "chunked body that stops",
	  "POST /hello.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
	  "HTTP/1.1 405 " },
};

/*
 * A client that connects and sends nothing waits in the kernel's listen
 * queue (TCP_DEFER_ACCEPT) until one SYN-ACK retransmission, about a
 * second, before a worker takes it; timeouts.header (2 s) runs from then.
 * Without the deferral it is closed at 2 s.
 */
START_TEST(test_silent_deferred)
{
	long long t0, took;

	open_conn();
	t0 = hs_now_ms();
	ck_assert_msg(hs_wait_eof(&conn, 8000) == 1, "a silent connection still open after 8 s");
	took = hs_now_ms() - t0;
	printf("silent: closed after %lld ms (timeouts.header = 2 s)\n", took);
	ck_assert_msg(took >= 2700, "a silent connection closed after %lld ms: not deferred", took);
	ck_assert_msg(conn.len == 0, "expected a silent close, got %.100s", conn.buf);
	hs_conn_close(&conn);
}
END_TEST

START_TEST(test_slow_client)
{
	const struct slow_case *c = &slow_cases[_i];
	long long t0;
	int eof;

	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, c->partial), 0);
	t0 = hs_now_ms();
	eof = hs_wait_eof(&conn, 4500);
	ck_assert_msg(eof == 1, "line %d (%s): connection still open after 4.5 s (timeouts = 2 s)",
		      c->line, c->desc);
	ck_assert_msg(hs_now_ms() - t0 >= 1000, "line %d (%s): closed after %lld ms, before the timeout",
		      c->line, c->desc, hs_now_ms() - t0);
	if (c->answer == NULL)
		ck_assert_msg(conn.len == 0, "line %d (%s): expected a silent close, got %.100s",
			      c->line, c->desc, conn.buf);
	else
		ck_assert_msg(conn.len > strlen(c->answer) &&
			      strncmp(conn.buf, c->answer, strlen(c->answer)) == 0 &&
			      hs_contains(conn.buf, conn.len, "\r\nConnection: close\r\n"),
			      "line %d (%s): expected %s... with Connection: close, got %.100s",
			      c->line, c->desc, c->answer, conn.len ? conn.buf : "(nothing)");
	/* RFC 9110 9.3.2: the 408 to a HEAD is a head alone. */
	if (c->answer != NULL && strncmp(c->partial, "HEAD ", 5) == 0) {
		const char *end = memmem(conn.buf, conn.len, "\r\n\r\n", 4);

		ck_assert_msg(end != NULL && (size_t)(end + 4 - conn.buf) == conn.len,
			      "line %d (%s): bytes after the head of a 408 to HEAD", c->line, c->desc);
	}
	hs_conn_close(&conn);

	/* The pool is still serving. */
	exchange("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* framing: limits.body, chunked trailers (limits small on purpose) */

#define FR_BODY    100   /* limits.body */
#define FR_HBYTES  2048  /* limits.header_bytes */
#define FR_HEADERS 20    /* limits.headers */

static void setup_framing(void)
{
	char extra[1024], msg[4096];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 || hs_copy_cgi(&srv, "cgi-bin") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n"
		 "limits = { request_line = 1024; header_bytes = %d; headers = %d; body = %d; };\n",
		 srv.root, FR_HBYTES, FR_HEADERS, FR_BODY);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

/* What a body row sends after the head. */
enum fr_body { FR_CL, FR_CHUNKED_ONE, FR_CHUNKED_TWO };

static const struct limit_body_case {
	int line;
	const char *desc;
	enum fr_body framing;
	size_t n;            /* body bytes */
	int status;
} limit_body_cases[] = {
	{ __LINE__, "Content-Length exactly limits.body is accepted", FR_CL, FR_BODY, 200 },
	{ __LINE__, "Content-Length limits.body + 1 is 413", FR_CL, FR_BODY + 1, 413 },
	{ __LINE__, "chunked, one chunk of exactly limits.body, is accepted", FR_CHUNKED_ONE, FR_BODY, 200 },
	{ __LINE__, "chunked, one chunk of limits.body + 1, is 413", FR_CHUNKED_ONE, FR_BODY + 1, 413 },
	{ __LINE__, "chunked, exactly limits.body over two chunks, is accepted", FR_CHUNKED_TWO, FR_BODY, 200 },
	{ __LINE__, "chunked, limits.body + 1 over two chunks, is 413", FR_CHUNKED_TWO, FR_BODY + 1, 413 },
	{ __LINE__, "chunked, far over limits.body, is 413", FR_CHUNKED_TWO, FR_BODY * 20, 413 },
};

/* OPTIONS reads the whole body before it answers: 200 when it fits. */
START_TEST(test_limit_body)
{
	const struct limit_body_case *c = &limit_body_cases[_i];
	static char req[8192];
	size_t o = (size_t)snprintf(req, sizeof req, "OPTIONS /hello.txt HTTP/1.1\r\nHost: localhost\r\n");

	if (c->framing == FR_CL) {
		o += (size_t)snprintf(req + o, sizeof req - o, "Content-Length: %zu\r\n\r\n", c->n);
		memset(req + o, 'b', c->n);
		o += c->n;
	} else {
		size_t first = c->framing == FR_CHUNKED_ONE ? c->n : c->n / 2;

		o += (size_t)snprintf(req + o, sizeof req - o, "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", first);
		memset(req + o, 'b', first);
		o += first;
		if (first < c->n) {
			o += (size_t)snprintf(req + o, sizeof req - o, "\r\n%zx\r\n", c->n - first);
			memset(req + o, 'c', c->n - first);
			o += c->n - first;
		}
		o += (size_t)snprintf(req + o, sizeof req - o, "\r\n0\r\n\r\n");
	}
	ck_assert_uint_lt(o, sizeof req);
	req[o] = '\0';
	open_conn();
	request(req, &r1, false);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d", c->line,
		      c->desc, r1.status, c->status);
	if (c->status == 413)
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "line %d (%s): 413 must close",
			      c->line, c->desc);
	hs_conn_close(&conn);
}
END_TEST

/*
 * The trailer section is held to limits.header_bytes and limits.headers on
 * its own (431 past them), like a head.
 */
static const struct trailer_limit_case {
	int line;
	const char *desc;
	size_t fields;       /* trailer fields "X-T<i>: v" */
	size_t big;          /* or: one field of this many value bytes */
	int status;
} trailer_limit_cases[] = {
	{ __LINE__, "a few trailer fields are fine", 3, 0, 200 },
	{ __LINE__, "exactly limits.headers trailer fields", FR_HEADERS, 0, 200 },
	{ __LINE__, "limits.headers + 1 trailer fields: 431", FR_HEADERS + 1, 0, 431 },
	{ __LINE__, "one trailer field within limits.header_bytes", 0, FR_HBYTES - 100, 200 },
	{ __LINE__, "one trailer field over limits.header_bytes: 431", 0, FR_HBYTES + 100, 431 },
};

START_TEST(test_trailer_limits)
{
	const struct trailer_limit_case *c = &trailer_limit_cases[_i];
	static char req[16384];
	size_t o = (size_t)snprintf(req, sizeof req, "OPTIONS /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n");

	for (size_t i = 0; i < c->fields; i++)
		o += (size_t)snprintf(req + o, sizeof req - o, "X-T%zu: v\r\n", i);
	if (c->big > 0) {
		o += (size_t)snprintf(req + o, sizeof req - o, "X-Big: ");
		memset(req + o, 'z', c->big);
		o += c->big;
		o += (size_t)snprintf(req + o, sizeof req - o, "\r\n");
	}
	o += (size_t)snprintf(req + o, sizeof req - o, "\r\n");
	ck_assert_uint_lt(o, sizeof req);
	open_conn();
	request(req, &r1, false);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d", c->line,
		      c->desc, r1.status, c->status);
	if (c->status == 431)
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1, "line %d (%s): 431 must close",
			      c->line, c->desc);
	else
		request("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2, false);
	hs_conn_close(&conn);
}
END_TEST

/* RFC 9112 7.1.2: trailer fields are discarded, never merged into the header section. */
START_TEST(test_trailer_not_merged)
{
	open_conn();
	request("POST /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: localhost\r\nX-Bar: head-value\r\n"
		"Trailer: X-Foo\r\nTransfer-Encoding: chunked\r\n\r\n"
		"3\r\nabc\r\n0\r\nX-Foo: trailer-value\r\nX-Bar: trailer-bar\r\n\r\n", &r1, false);
	ck_assert_msg(r1.status == 200, "status %d: %.300s", r1.status, r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "\nHTTP_X_BAR=head-value\n"),
		      "the dump lacks the head's X-Bar: %.600s", r1.body);
	ck_assert_msg(!hs_contains(r1.body, r1.body_len, "HTTP_X_FOO") &&
		      !hs_contains(r1.body, r1.body_len, "trailer-value") &&
		      !hs_contains(r1.body, r1.body_len, "trailer-bar"),
		      "a trailer field reached the script: %.600s", r1.body);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "CONTENT_LENGTH=3\n"),
		      "the script sees the decoded body length: %.600s", r1.body);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* MDN "A typical HTTP session", the three exchanges. */

START_TEST(test_mdn_index)
{
	static char expect[4096];
	char path[HS_PATH + 32];
	ssize_t n;

	exchange("GET / HTTP/1.1\r\nHost: developer.mozilla.org\r\nAccept-Language: fr\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "MDN index", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_str_eq(r1.reason, "OK");
	ck_assert_ptr_nonnull(hs_hdr(&r1, "Last-Modified"));
	ck_assert_ptr_nonnull(hs_hdr(&r1, "ETag"));
	ck_assert_pstr_eq(hs_hdr(&r1, "Accept-Ranges"), "bytes");
	ck_assert_pstr_eq(hs_hdr(&r1, "Content-Type"), "text/html; charset=utf-8");
	snprintf(path, sizeof path, "%s/htdocs/index.html", srv.root);
	n = hs_slurp(path, expect, sizeof expect);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(r1.body_len, (size_t)n);
	ck_assert(memcmp(r1.body, expect, (size_t)n) == 0);
}
END_TEST

START_TEST(test_mdn_redirect)
{
	const char *loc;

	exchange("GET /sub HTTP/1.1\r\nHost: developer.mozilla.org\r\nAccept-Language: fr\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "MDN 301", &r1);
	ck_assert_int_eq(r1.status, 301);
	ck_assert_str_eq(r1.reason, "Moved Permanently");
	loc = hs_hdr(&r1, "Location");
	/* The request's Host, as in the MDN exchange, never server_name. */
	ck_assert_msg(loc != NULL && strcmp(loc, "http://developer.mozilla.org/sub/") == 0,
		      "Location: %s", loc ? loc : "(none)");
	ck_assert_msg(r1.body_len > 0, "301 carries a small HTML body");
}
END_TEST

START_TEST(test_mdn_not_found)
{
	const char *ct;

	exchange("GET /fr/docs/Glossary/Simple_header HTTP/1.1\r\nHost: developer.mozilla.org\r\nAccept-Language: fr\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "MDN 404", &r1);
	ck_assert_int_eq(r1.status, 404);
	ck_assert_str_eq(r1.reason, "Not Found");
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/html", 9) == 0, "Content-Type: %s", ct ? ct : "(none)");
	ck_assert(hs_contains(r1.body, r1.body_len, HS_404_MARKER));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* default error pages (no error_pages configured) */

START_TEST(test_default_404)
{
	const char *ct;

	exchange("GET /nope.html HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	assert_wellformed(__LINE__, "default 404", &r1);
	ck_assert_int_eq(r1.status, 404);
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/html", 9) == 0, "Content-Type: %s", ct ? ct : "(none)");
	ck_assert_msg(r1.body_len > 0 && hs_contains(r1.body, r1.body_len, "404"),
		      "small default HTML body naming the status: %s", r1.body);
	ck_assert(!hs_contains(r1.body, r1.body_len, HS_404_MARKER));

	exchange("HEAD /nope.html HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2);
	ck_assert_int_eq(r2.status, 404);
	ck_assert_pstr_eq(hs_hdr(&r2, "Content-Length"), hs_hdr(&r1, "Content-Length"));
}
END_TEST

/* ------------------------------------------------------------------------ */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static TCase *tcase(const char *name, void (*su)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, su, teardown);
	tcase_set_timeout(tc, 30);
	return tc;
}

static Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase("core", setup);
	tcase_add_loop_test(tc, test_status, 0, N(status_cases));
	tcase_add_test(tc, test_file_headers);
	tcase_add_test(tc, test_html_type);
	tcase_add_test(tc, test_binary_file);
	tcase_add_test(tc, test_dir_redirect);
	tcase_add_loop_test(tc, test_dir_redirect_escapes_query, 0, N(xss_cases));
	tcase_add_test(tc, test_head);
	tcase_add_loop_test(tc, test_head_error_no_body, 0, N(head_err_cases));
	suite_add_tcase(s, tc);

	tc = tcase("conditional", setup);
	tcase_add_loop_test(tc, test_conditional, 0, N(cond_cases));
	tcase_add_loop_test(tc, test_range, 0, N(range_cases));
	suite_add_tcase(s, tc);

	tc = tcase("limits", setup);
	tcase_add_test(tc, test_request_line_too_long);
	tcase_add_test(tc, test_method_too_long);
	tcase_add_test(tc, test_header_bytes_too_many);
	tcase_add_test(tc, test_header_count_too_many);
	tcase_add_test(tc, test_http09_gets_status_line);
	tcase_add_loop_test(tc, test_bad_line_after_pause, 0, (int)(sizeof(late_bad_cases) / sizeof(late_bad_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase("connection", setup);
	tcase_add_test(tc, test_keepalive_sequential);
	tcase_add_test(tc, test_connection_close);
	tcase_add_test(tc, test_http10_keepalive);
	tcase_add_test(tc, test_pipelining);
	tcase_add_test(tc, test_keepalive_timeout);
	tcase_add_loop_test(tc, test_close_at_once, 0, N(quiet_cases));
	tcase_add_loop_test(tc, test_body_consumed, 0, N(body_cases));
	tcase_add_test(tc, test_te_and_cl_closes);
	tcase_add_loop_test(tc, test_pipelined_after_body, 0, N(pipelined_body_cases));
	suite_add_tcase(s, tc);

	tc = tcase("framing", setup_framing);
	tcase_add_loop_test(tc, test_limit_body, 0, N(limit_body_cases));
	tcase_add_loop_test(tc, test_trailer_limits, 0, N(trailer_limit_cases));
	tcase_add_test(tc, test_trailer_not_merged);
	suite_add_tcase(s, tc);

	tc = tcase("timeouts", setup_short_timeouts);
	tcase_add_loop_test(tc, test_slow_client, 0, N(slow_cases));
	tcase_add_test(tc, test_silent_deferred);
	suite_add_tcase(s, tc);

	tc = tcase("mdn", setup);
	tcase_add_test(tc, test_mdn_index);
	tcase_add_test(tc, test_mdn_redirect);
	tcase_add_test(tc, test_mdn_not_found);
	suite_add_tcase(s, tc);

	tc = tcase("default_errors", setup_no_error_pages);
	tcase_add_test(tc, test_default_404);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(http_suite());
}
