/*
 * Unit tests for http_parse: every case is fed whole, one byte at a time and
 * split at every position, and must give the same answer each way.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "http_parse.h"

#define IN(s) .in = (s), .len = sizeof(s) - 1
#define NHDR 128

static const struct http_limits lim_default = {
	.request_line = 8192, .header_bytes = 16384, .headers = 100,
};

/* One complete parse of in[0..n); split == 0 means whole, SIZE_MAX byte by
 * byte, anything else two calls: [0, split) then [0, n). */
#define FEED_BYTES SIZE_MAX

struct run {
	char *buf; /* the input, which req points into */
	struct http_request req;
	struct http_header hdrs[NHDR];
	int rc;
};

static void feed(const struct http_limits *lim, const char *in, size_t n,
		 size_t split, struct run *r)
{
	struct http_parser p;
	size_t k = split == FEED_BYTES ? 1 : split == 0 ? n : split;

	if (k > n)
		k = n;

	http_parse_init(&p, lim, &r->req, r->hdrs);
	for (;;) {
		r->rc = http_parse_request(&p, in, k, &r->req);
		if (r->rc != HTTP_PARSE_NEED_MORE || k == n)
			break;
		/* Resumable: all given bytes were looked at once, none twice. */
		ck_assert_uint_eq(p.scanned, k);
		k = split == FEED_BYTES ? k + 1 : n;
	}
}

/* Copy to an exact-size heap buffer so ASan sees any read past the end. */
static char *dup_input(const char *in, size_t n)
{
	char *b = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(b);
	if (n)
		memcpy(b, in, n);
	return b;
}

static bool str_same(struct http_str a, struct http_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void assert_same(int line, const char *desc, size_t split,
			const struct run *a, const struct run *b)
{
	const struct http_request *x = &a->req, *y = &b->req;

	ck_assert_msg(a->rc == b->rc, "line %d (%s) split %zu: rc %d vs %d",
		      line, desc, split, a->rc, b->rc);
	if (a->rc != HTTP_PARSE_DONE)
		return;
	ck_assert_msg(x->method == y->method && str_same(x->target, y->target) &&
			      str_same(x->path, y->path) &&
			      str_same(x->query, y->query) &&
			      x->has_query == y->has_query &&
			      str_same(x->host, y->host) && x->minor == y->minor &&
			      x->content_length == y->content_length &&
			      x->chunked == y->chunked &&
			      x->keep_alive == y->keep_alive &&
			      x->expect_continue == y->expect_continue &&
			      x->expect_unknown == y->expect_unknown &&
			      x->head_len == y->head_len &&
			      x->nheaders == y->nheaders,
		      "line %d (%s) split %zu: request differs", line, desc, split);
	for (size_t i = 0; i < x->nheaders; i++)
		ck_assert_msg(str_same(x->headers[i].name, y->headers[i].name) &&
				      str_same(x->headers[i].value, y->headers[i].value),
			      "line %d (%s) split %zu: header %zu differs", line,
			      desc, split, i);
}

/* Parse whole, byte by byte and split everywhere; return the whole run. */
static struct run *parse_all_ways(int line, const char *desc,
				  const struct http_limits *lim, const char *in,
				  size_t n)
{
	struct run *whole = calloc(1, sizeof(*whole));
	struct run *other = calloc(1, sizeof(*other));
	char *buf = dup_input(in, n);

	ck_assert_ptr_nonnull(whole);
	ck_assert_ptr_nonnull(other);
	feed(lim, buf, n, 0, whole);
	feed(lim, buf, n, FEED_BYTES, other);
	assert_same(line, desc, FEED_BYTES, whole, other);
	for (size_t s = 1; s < n; s++) {
		feed(lim, buf, n, s, other);
		assert_same(line, desc, s, whole, other);
	}
	free(other);
	whole->buf = buf;
	return whole;
}

static void run_free(struct run *r)
{
	free(r->buf);
	free(r);
}

static void assert_str(int line, const char *desc, const char *what,
		       struct http_str got, const char *want)
{
	ck_assert_msg(got.len == strlen(want) &&
			      (got.len == 0 || memcmp(got.p, want, got.len) == 0),
		      "line %d (%s): %s is \"%.*s\", want \"%s\"", line, desc,
		      what, (int)got.len, got.p ? got.p : "", want);
}

/* ------------------------------------------------------------------------ */

struct good_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;
	enum http_method method;
	const char *path;
	const char *query; /* NULL: no '?' */
	const char *host;
	int minor;
	int64_t cl;
	bool chunked, keep_alive, expect_continue, expect_unknown;
	size_t nheaders;
};

static const struct good_case good_cases[] = {
	{ __LINE__, "MDN example",
	  IN("GET / HTTP/1.1\r\nHost: developer.mozilla.org\r\nAccept-Language: fr\r\n\r\n"),
	  HTTP_M_GET, "/", NULL, "developer.mozilla.org", 1, -1, false, true, false, false, 2 },
	{ __LINE__, "curl request",
	  IN("GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"),
	  HTTP_M_GET, "/index.html", NULL, "localhost:8080", 1, -1, false, true, false, false, 3 },
	{ __LINE__, "Firefox request",
	  IN("GET /search?q=caf%C3%A9&lang=fr HTTP/1.1\r\n"
	     "Host: www.example.org\r\n"
	     "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
	     "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
	     "Accept-Language: en-US,en;q=0.5\r\n"
	     "Accept-Encoding: gzip, deflate, br\r\n"
	     "Connection: keep-alive\r\n"
	     "Cookie: a=b; c=d\r\n"
	     "Upgrade-Insecure-Requests: 1\r\n"
	     "Sec-Fetch-Dest: document\r\n"
	     "Sec-Fetch-Mode: navigate\r\n"
	     "If-Modified-Since: Sat, 29 Oct 1994 19:43:31 GMT\r\n\r\n"),
	  HTTP_M_GET, "/search", "q=caf%C3%A9&lang=fr", "www.example.org", 1, -1, false, true, false, false, 11 },
	{ __LINE__, "curl POST with 100-continue",
	  IN("POST /cgi-bin/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2048\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"),
	  HTTP_M_POST, "/cgi-bin/upload", NULL, "a", 1, 2048, false, true, true, false, 4 },
	{ __LINE__, "empty lines before the request line skipped (9112 2.2)",
	  IN("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "field names are case-insensitive (9110 5.1)",
	  IN("GET / HTTP/1.1\r\nhOST: a\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "OWS around a field value is not part of it (9112 5.1)",
	  IN("GET / HTTP/1.1\r\nHost:a\r\nX:\t v \t\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 2 },
	{ __LINE__, "no Content-Length nor Transfer-Encoding: no body (9112 6.3 item 7)",
	  IN("POST / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Content-Length 0 (9110 8.6)",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, 0, false, true, false, false, 2 },
	{ __LINE__, "Content-Length list over two lines, same value (9110 8.6)",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, 5, false, true, false, false, 3 },
	{ __LINE__, "Transfer-Encoding split over two lines, chunked last (9112 6.1)",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\nTransfer-Encoding: chunked\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, -1, true, true, false, false, 3 },
	{ __LINE__, "absolute-form must be accepted; Host is then ignored (9112 3.2.2)",
	  IN("GET http://b/x HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/x", NULL, "b", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "HTTP/1.0 request may carry Host (9112 3.2)",
	  IN("GET / HTTP/1.0\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 0, -1, false, false, false, false, 1 },
	{ __LINE__, "Connection option tokens are case-insensitive (9110 7.6.1)",
	  IN("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, false, false, false, 2 },
	{ __LINE__, "HTTP/1.0 without Host, no keep-alive",
	  IN("GET /x HTTP/1.0\r\n\r\n"), HTTP_M_GET, "/x", NULL, "", 0, -1, false, false, false, false, 0 },
	{ __LINE__, "HTTP/1.0 with Connection: keep-alive",
	  IN("HEAD /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), HTTP_M_HEAD, "/x", NULL, "", 0, -1, false, true, false, false, 1 },
	{ __LINE__, "HTTP/1.0 keep-alive and close: close wins",
	  IN("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), HTTP_M_GET, "/", NULL, "", 0, -1, false, false, false, false, 1 },
	{ __LINE__, "HTTP/1.1 Connection: close",
	  IN("GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, false, false, false, 2 },
	{ __LINE__, "close found in a Connection list over two fields",
	  IN("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nConnection: foo , close\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, false, false, false, 3 },
	{ __LINE__, "HTTP/1.2 is understood as 1.1",
	  IN("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "HTTP/1.9 is understood as 1.1 and needs Host",
	  IN("GET / HTTP/1.9\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "unknown method token parses as OTHER",
	  IN("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_OTHER, "/pot", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "methods are case-sensitive",
	  IN("get / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_OTHER, "/", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "all the known methods: DELETE",
	  IN("DELETE /r HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_DELETE, "/r", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "PUT", IN("PUT /r HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), HTTP_M_PUT, "/r", NULL, "a", 1, 0, false, true, false, false, 2 },
	{ __LINE__, "TRACE", IN("TRACE /r HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_TRACE, "/r", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "PATCH", IN("PATCH /r HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_PATCH, "/r", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "empty query has_query",
	  IN("GET /a? HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/a", "", "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "query keeps later '?'",
	  IN("GET /a?b?c=/d HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/a", "b?c=/d", "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "obs-text bytes allowed in the target",
	  IN("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/caf\xc3\xa9", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "absolute-form authority wins over Host",
	  IN("GET http://example.com:8080/x?y HTTP/1.1\r\nHost: other\r\n\r\n"), HTTP_M_GET, "/x", "y", "example.com:8080", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "absolute-form scheme case-insensitive, empty path is /",
	  IN("GET HTTPS://Example.com HTTP/1.1\r\nHost: Example.com\r\n\r\n"), HTTP_M_GET, "/", NULL, "Example.com", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "absolute-form empty path with query",
	  IN("GET http://a?q=1 HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_GET, "/", "q=1", "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "absolute-form HTTP/1.0 without Host",
	  IN("GET http://[::1]:80/ HTTP/1.0\r\n\r\n"), HTTP_M_GET, "/", NULL, "[::1]:80", 0, -1, false, false, false, false, 0 },
	{ __LINE__, "asterisk-form with OPTIONS",
	  IN("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_M_OPTIONS, "*", NULL, "a", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "authority-form with CONNECT",
	  IN("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), HTTP_M_CONNECT, "example.com:443", NULL, "example.com:443", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Content-Length identical list",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, 5, false, true, false, false, 2 },
	{ __LINE__, "Content-Length repeated identical fields",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, 7, false, true, false, false, 3 },
	{ __LINE__, "Content-Length INT64_MAX",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, INT64_MAX, false, true, false, false, 2 },
	{ __LINE__, "Content-Length with leading zeros",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, 7, false, true, false, false, 2 },
	{ __LINE__, "Transfer-Encoding chunked",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, -1, true, true, false, false, 2 },
	{ __LINE__, "Transfer-Encoding CHUNKED, case-insensitive",
	  IN("POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding:  CHUNKED \r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, -1, true, true, false, false, 2 },
	{ __LINE__, "Transfer-Encoding empty list elements ignored",
	  IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked,\r\n\r\n"), HTTP_M_POST, "/", NULL, "a", 1, -1, true, true, false, false, 2 },
	{ __LINE__, "Expect other than 100-continue is reported",
	  IN("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n"), HTTP_M_PUT, "/", NULL, "a", 1, -1, false, true, false, true, 2 },
	{ __LINE__, "Expect 100-continue ignored in HTTP/1.0 (RFC 9110 10.1.1)",
	  IN("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"), HTTP_M_PUT, "/", NULL, "", 0, 1, false, false, false, false, 2 },
	{ __LINE__, "Expect 100-continue case-insensitive",
	  IN("PUT / HTTP/1.1\r\nHost: a\r\nexpect: 100-Continue\r\n\r\n"), HTTP_M_PUT, "/", NULL, "a", 1, -1, false, true, true, false, 2 },
	{ __LINE__, "Host IPv4 with port",
	  IN("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), HTTP_M_GET, "/", NULL, "127.0.0.1:8080", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Host IPv6 literal with port",
	  IN("GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n"), HTTP_M_GET, "/", NULL, "[2001:db8::1]:8080", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Host IPvFuture literal",
	  IN("GET / HTTP/1.1\r\nHost: [v1.fe80::a+en1]\r\n\r\n"), HTTP_M_GET, "/", NULL, "[v1.fe80::a+en1]", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Host pct-encoded reg-name",
	  IN("GET / HTTP/1.1\r\nHost: ex%41mple.com\r\n\r\n"), HTTP_M_GET, "/", NULL, "ex%41mple.com", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "empty Host allowed",
	  IN("GET / HTTP/1.1\r\nHost:\r\n\r\n"), HTTP_M_GET, "/", NULL, "", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "Host value whitespace trimmed",
	  IN("GET / HTTP/1.1\r\nHost: \t a.b \t\r\n\r\n"), HTTP_M_GET, "/", NULL, "a.b", 1, -1, false, true, false, false, 1 },
	{ __LINE__, "obs-text and HTAB in a field value allowed",
	  IN("GET / HTTP/1.1\r\nHost: a\r\nX-Name: Jos\xc3\xa9\tP\r\n\r\n"), HTTP_M_GET, "/", NULL, "a", 1, -1, false, true, false, false, 2 },
};

START_TEST(test_good)
{
	const struct good_case *c = &good_cases[_i];
	struct run *r = parse_all_ways(c->line, c->desc, &lim_default, c->in, c->len);
	const struct http_request *q = &r->req;

	ck_assert_msg(r->rc == HTTP_PARSE_DONE, "line %d (%s): rc %d",
		      c->line, c->desc, r->rc);
	ck_assert_msg(q->method == c->method, "line %d (%s): method %d",
		      c->line, c->desc, q->method);
	assert_str(c->line, c->desc, "path", q->path, c->path);
	ck_assert_msg(q->has_query == (c->query != NULL), "line %d (%s): has_query",
		      c->line, c->desc);
	assert_str(c->line, c->desc, "query", q->query, c->query ? c->query : "");
	assert_str(c->line, c->desc, "host", q->host, c->host);
	ck_assert_msg(q->major == 1 && q->minor == c->minor,
		      "line %d (%s): version %d.%d", c->line, c->desc, q->major, q->minor);
	ck_assert_msg(q->content_length == c->cl, "line %d (%s): cl %jd",
		      c->line, c->desc, (intmax_t)q->content_length);
	ck_assert_msg(q->chunked == c->chunked && q->keep_alive == c->keep_alive &&
			      q->expect_continue == c->expect_continue &&
			      q->expect_unknown == c->expect_unknown,
		      "line %d (%s): chunked %d keep_alive %d expect %d/%d", c->line,
		      c->desc, q->chunked, q->keep_alive, q->expect_continue,
		      q->expect_unknown);
	ck_assert_msg(q->nheaders == c->nheaders, "line %d (%s): %zu headers",
		      c->line, c->desc, q->nheaders);
	ck_assert_msg(q->head_len == c->len, "line %d (%s): head_len %zu of %zu",
		      c->line, c->desc, q->head_len, c->len);
	run_free(r);
}
END_TEST

/* ------------------------------------------------------------------------ */

struct bad_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;
	int want;
};

static const struct bad_case bad_cases[] = {
	/* line endings */
	{ __LINE__, "bare CR in the request line", IN("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "bare CR ending the request line", IN("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400 },
	{ __LINE__, "bare CR in a field value", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"), 400 },
	{ __LINE__, "CR CR LF ending a field", IN("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n"), 400 },
	{ __LINE__, "bare CR as the final empty line", IN("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n"), 400 },
	{ __LINE__, "bare CR among leading empty lines", IN("\r\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "bare CR in request line seen before its end", IN("GET /\rx"), 400 },
	{ __LINE__, "bare CR in a field seen before its end", IN("GET / HTTP/1.1\r\nHost: a\rb"), 400 },
	{ __LINE__, "bare LF ending every line (9112 2.2)", IN("GET / HTTP/1.1\nHost: a\n\n"), 400 },
	{ __LINE__, "bare LF ending the request line (9112 2.2)", IN("GET / HTTP/1.1\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "bare LF ending a field line (9112 2.2)", IN("GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n"), 400 },
	{ __LINE__, "bare LF as the final empty line (9112 2.2)", IN("GET / HTTP/1.1\r\nHost: a\r\n\n"), 400 },
	{ __LINE__, "bare LF among leading empty lines (9112 2.2)", IN("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "bare LF splitting a field value (9112 2.2)", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n"), 400 },
	{ __LINE__, "LF CR is not a line ending (9112 2.2)", IN("GET / HTTP/1.1\n\rHost: a\r\n\r\n"), 400 },
	/* request line */
	{ __LINE__, "empty method (9112 3)", IN(" / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "empty target (9112 3)", IN("GET  HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/1.1 with trailing CR CR (9112 2.2)", IN("GET / HTTP/1.1\r\r\n\r\n"), 400 },
	{ __LINE__, "version mixed case Http/1.1 (9112 2.3)", IN("GET / Http/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version with leading zero HTTP/01.1 (9112 2.3)", IN("GET / HTTP/01.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "space inside the target (9112 3.2)", IN("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "asterisk-form with HEAD (9112 3.2.4)", IN("HEAD * HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "authority-form with OPTIONS (9112 3.2.3)", IN("OPTIONS a:80 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "CONNECT with asterisk (9112 3.2.3)", IN("CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "CONNECT with absolute-form (9112 3.2.3)", IN("CONNECT http://a:80/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "TLS ClientHello, refused before any line end", IN("\x16\x03\x01\x00\xa5\x01"), 400 },
	{ __LINE__, "NUL in the method, before any line end", IN("GE\0T"), 400 },
	{ __LINE__, "slash in the method", IN("GE/T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "double space after method", IN("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "double space before version", IN("GET /  HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "tab as separator", IN("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "tab before version", IN("GET /\tHTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "leading space", IN(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "trailing space", IN("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "method not a token", IN("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "NUL in method", IN("G\0T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "HTTP/0.9 request without version", IN("GET /\r\n\r\n"), 400 },
	{ __LINE__, "method only", IN("GET\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/1", IN("GET / HTTP/1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/1.10", IN("GET / HTTP/1.10\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/11.1", IN("GET / HTTP/11.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version lower case", IN("GET / http/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/1,1", IN("GET / HTTP/1,1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTP/a.1", IN("GET / HTTP/a.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "version HTTPS/1.1", IN("GET / HTTPS/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "extra word in request line", IN("GET / x HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "HTTP/2.0 is 505", IN("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505 },
	{ __LINE__, "HTTP/0.9 with version is 505", IN("GET / HTTP/0.9\r\nHost: a\r\n\r\n"), 505 },
	{ __LINE__, "HTTP/9.9 is 505", IN("GET / HTTP/9.9\r\n\r\n"), 505 },
	/* request target */
	{ __LINE__, "control byte in target", IN("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "DEL in target", IN("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "NUL in target", IN("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "fragment in target", IN("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "asterisk-form with GET", IN("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "asterisk with more bytes", IN("OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "authority-form without CONNECT", IN("GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "CONNECT with origin-form", IN("CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "CONNECT without port", IN("CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "CONNECT with userinfo", IN("CONNECT u@example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "absolute-form unknown scheme", IN("GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "absolute-form missing slashes", IN("GET http:/a/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "absolute-form userinfo", IN("GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "absolute-form empty host", IN("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "absolute-form bad port", IN("GET http://a:8x/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "relative target", IN("GET index.html HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
	/* field lines */
	{ __LINE__, "space before colon", IN("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400 },
	{ __LINE__, "tab before colon", IN("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"), 400 },
	{ __LINE__, "no colon", IN("GET / HTTP/1.1\r\nHost: a\r\nX-Foo\r\n\r\n"), 400 },
	{ __LINE__, "empty field name", IN("GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n"), 400 },
	{ __LINE__, "field name not a token", IN("GET / HTTP/1.1\r\nHost: a\r\nX(y): x\r\n\r\n"), 400 },
	{ __LINE__, "obs-fold with SP", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"), 400 },
	{ __LINE__, "obs-fold with HTAB", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"), 400 },
	{ __LINE__, "whitespace line after request line", IN("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), 400 },
	{ __LINE__, "NUL in field value", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"), 400 },
	{ __LINE__, "control byte in field value", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\x1b[0m\r\n\r\n"), 400 },
	{ __LINE__, "DEL in field value", IN("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n"), 400 },
	/* Host */
	{ __LINE__, "HTTP/1.1 without Host", IN("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"), 400 },
	{ __LINE__, "HTTP/1.1 absolute-form still needs Host", IN("GET http://a/ HTTP/1.1\r\n\r\n"), 400 },
	{ __LINE__, "two Host fields", IN("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400 },
	{ __LINE__, "two Host fields, second empty", IN("GET / HTTP/1.1\r\nHost: a\r\nhost:\r\n\r\n"), 400 },
	{ __LINE__, "Host with space", IN("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400 },
	{ __LINE__, "Host with userinfo", IN("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), 400 },
	{ __LINE__, "Host with path", IN("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400 },
	{ __LINE__, "Host port not digits", IN("GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n"), 400 },
	{ __LINE__, "Host two colons", IN("GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n"), 400 },
	{ __LINE__, "Host unclosed IPv6", IN("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"), 400 },
	{ __LINE__, "Host bad IPv6", IN("GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n"), 400 },
	{ __LINE__, "Host IPv6 junk after bracket", IN("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"), 400 },
	{ __LINE__, "Host bad pct-encoding", IN("GET / HTTP/1.1\r\nHost: a%2\r\n\r\n"), 400 },
	{ __LINE__, "Host obs-text", IN("GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n"), 400 },
	/* Content-Length */
	{ __LINE__, "Content-Length not digits", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length negative", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length plus sign", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length empty", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length hex", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length inner space", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length differing list", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length empty list element", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,,5\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length differing fields", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length INT64_MAX + 1", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length huge", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400 },
	/* Transfer-Encoding */
	{ __LINE__, "gzip only: final coding not chunked is 400 (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 400 },
	{ __LINE__, "gzip, chunked is 501 (9112 6.1)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501 },
	{ __LINE__, "foo, chunked is 501 (9112 6.1)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n"), 501 },
	{ __LINE__, "deflate over two fields is 501 (9112 6.1)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"), 501 },
	{ __LINE__, "identity alone is 400 (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"), 400 },
	{ __LINE__, "compress alone is 400 (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: compress\r\n\r\n"), 400 },
	{ __LINE__, "unknown coding alone is 400 (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x-foo\r\n\r\n"), 400 },
	{ __LINE__, "chunk is not chunked (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunk\r\n\r\n"), 400 },
	{ __LINE__, "chunked with a parameter is not chunked (9112 7)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n"), 400 },
	{ __LINE__, "two codings over two lines, neither chunked (9112 6.3 item 4)", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: x\r\n\r\n"), 400 },
	{ __LINE__, "Transfer-Encoding with Content-Length in a GET (9112 6.1)", IN("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length and a 501 coding: framing error wins (9112 6.1)", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 400 },
	{ __LINE__, "chunked not last", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), 400 },
	{ __LINE__, "chunked twice in a list", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), 400 },
	{ __LINE__, "chunked twice over fields", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
	{ __LINE__, "chunked then gzip over fields", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n"), 400 },
	{ __LINE__, "Transfer-Encoding empty", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n"), 400 },
	{ __LINE__, "Transfer-Encoding not a token", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"), 400 },
	{ __LINE__, "coding with parameters is 501", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip;q=1, chunked\r\n\r\n"), 501 },
	{ __LINE__, "coding name with a space", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: g zip, chunked\r\n\r\n"), 400 },
	{ __LINE__, "Transfer-Encoding with Content-Length", IN("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
	{ __LINE__, "Content-Length after Transfer-Encoding", IN("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400 },
	{ __LINE__, "Transfer-Encoding in HTTP/1.0", IN("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
	/* limits with the default configuration */
	{ __LINE__, "over 256 bytes of leading empty lines",
	  IN("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct run *r = parse_all_ways(c->line, c->desc, &lim_default, c->in, c->len);

	ck_assert_msg(r->rc == c->want, "line %d (%s): rc %d, want %d", c->line,
		      c->desc, r->rc, c->want);
	run_free(r);
}
END_TEST

/* ------------------------------------------------------------------------ */

struct limit_case {
	int line;
	const char *desc;
	struct http_limits lim;
	const char *in;
	size_t len;
	int want;
};

#define REQ "GET / HTTP/1.1\r\nHost: a\r\n\r\n" /* 14 + 2 + 7 + 2 + 2 = 27 bytes */

static const struct limit_case limit_cases[] = {
	{ __LINE__, "request line exactly at the limit", { 14, 1000, 10 }, IN(REQ), HTTP_PARSE_DONE },
	{ __LINE__, "request line one over the limit", { 13, 1000, 10 }, IN(REQ), 414 },
	{ __LINE__, "414 without waiting for the line end", { 13, 1000, 10 }, IN("GET / HTTP/1.1"), 414 },
	{ __LINE__, "at the limit, no line end yet: wait", { 13, 1000, 10 }, IN("GET / HTTP/1."), HTTP_PARSE_NEED_MORE },
	{ __LINE__, "a CR at the limit may start the ending", { 14, 1000, 10 }, IN("GET / HTTP/1.1\r"), HTTP_PARSE_NEED_MORE },
	{ __LINE__, "long target 414 early", { 16, 1000, 10 }, IN("GET /aaaaaaaaaaaaaaaaaaaaaaaa"), 414 },
	{ __LINE__, "bare LF request line at the limit (9112 2.2)", { 14, 1000, 10 }, IN("GET / HTTP/1.1\nHost: a\n\n"), 400 },
	{ __LINE__, "method reaching the limit is 501, not 414 (9112 3)", { 14, 1000, 10 }, IN("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n"), 501 },
	{ __LINE__, "501 for a long method without waiting (9112 3)", { 8, 1000, 10 }, IN("ABCDEFGHIJK"), 501 },
	{ __LINE__, "method exactly the limit is 501 (9112 3)", { 8, 1000, 10 }, IN("ABCDEFGH / HTTP/1.1\r\n"), 501 },
	{ __LINE__, "short method, long target: 414 (9112 3)", { 8, 1000, 10 }, IN("GET /abcdefgh HTTP/1.1\r\n"), 414 },
	{ __LINE__, "long method that is not a token: 400 at once (9110 9.1)", { 8, 1000, 10 }, IN("ABC(DEFGHIJK"), 400 },
	{ __LINE__, "head exactly at header_bytes", { 100, 27, 10 }, IN(REQ), HTTP_PARSE_DONE },
	{ __LINE__, "head one over header_bytes", { 100, 26, 10 }, IN(REQ), 431 },
	{ __LINE__, "431 without waiting for the end", { 100, 20, 10 }, IN("GET / HTTP/1.1\r\nHost: aaaa"), 431 },
	{ __LINE__, "431 on an endless field", { 100, 30, 10 }, IN("GET / HTTP/1.1\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 431 },
	{ __LINE__, "leading empty lines count toward header_bytes", { 100, 28, 10 }, IN("\r\n" REQ), 431 },
	{ __LINE__, "fields exactly at the limit", { 100, 1000, 2 }, IN("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n"), HTTP_PARSE_DONE },
	{ __LINE__, "one field over the limit", { 100, 1000, 2 }, IN("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\nZ: w\r\n\r\n"), 431 },
	{ __LINE__, "no fields allowed", { 100, 1000, 0 }, IN("GET / HTTP/1.0\r\nX: y\r\n\r\n"), 431 },
	{ __LINE__, "no fields allowed, none sent", { 100, 1000, 0 }, IN("GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_DONE },
	{ __LINE__, "incomplete head", { 100, 1000, 10 }, IN("GET / HTTP/1.1\r\nHost: a\r\n"), HTTP_PARSE_NEED_MORE },
	{ __LINE__, "incomplete head ending in CR", { 100, 1000, 10 }, IN("GET / HTTP/1.1\r\nHost: a\r\n\r"), HTTP_PARSE_NEED_MORE },
	{ __LINE__, "nothing yet", { 100, 1000, 10 }, IN(""), HTTP_PARSE_NEED_MORE },
};

START_TEST(test_limits)
{
	const struct limit_case *c = &limit_cases[_i];
	struct run *r = parse_all_ways(c->line, c->desc, &c->lim, c->in, c->len);

	ck_assert_msg(r->rc == c->want, "line %d (%s): rc %d, want %d", c->line,
		      c->desc, r->rc, c->want);
	run_free(r);
}
END_TEST

/* Builds "GET / HTTP/1.1\r\nHost: a\r\n" + n fields "X-n: v" + "\r\n". */
static char *many_fields(size_t n, size_t *len)
{
	size_t cap = 64 + n * 32, off;
	char *b = malloc(cap);

	ck_assert_ptr_nonnull(b);
	off = (size_t)snprintf(b, cap, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(b + off, cap - off, "X-%zu: v\r\n", i);
	off += (size_t)snprintf(b + off, cap - off, "\r\n");
	ck_assert_uint_lt(off, cap);
	*len = off;
	return b;
}

START_TEST(test_default_field_count)
{
	size_t len;
	char *b = many_fields(99, &len); /* + Host = 100 fields: fine */
	struct run *r = parse_all_ways(__LINE__, "100 fields", &lim_default, b, len);

	ck_assert_int_eq(r->rc, HTTP_PARSE_DONE);
	ck_assert_uint_eq(r->req.nheaders, 100);
	run_free(r);
	free(b);
	b = many_fields(100, &len);
	r = parse_all_ways(__LINE__, "101 fields", &lim_default, b, len);
	ck_assert_int_eq(r->rc, 431);
	run_free(r);
	free(b);
}
END_TEST

START_TEST(test_default_header_bytes)
{
	size_t n = 20000;
	char *b = malloc(n);

	ck_assert_ptr_nonnull(b);
	memset(b, 'a', n);
	memcpy(b, "GET / HTTP/1.1\r\nHost: a\r\nCookie: ", 33);
	struct run *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	feed(&lim_default, b, n, 0, r);
	ck_assert_int_eq(r->rc, 431);
	/* Exactly header_bytes without an end is not yet too much. */
	feed(&lim_default, b, lim_default.header_bytes, 0, r);
	ck_assert_int_eq(r->rc, HTTP_PARSE_NEED_MORE);
	feed(&lim_default, b, lim_default.header_bytes + 1, 0, r);
	ck_assert_int_eq(r->rc, 431);
	free(r);
	free(b);
}
END_TEST

/* ------------------------------------------------------------------------ */

START_TEST(test_pipelined)
{
	static const char first[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char two[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
				  "GET /b?x HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n";
	struct run *r = parse_all_ways(__LINE__, "two requests", &lim_default,
				       two, sizeof(two) - 1);

	ck_assert_int_eq(r->rc, HTTP_PARSE_DONE);
	ck_assert_uint_eq(r->req.head_len, sizeof(first) - 1);
	assert_str(__LINE__, "first", "path", r->req.path, "/a");
	ck_assert(r->req.keep_alive);

	const char *rest = r->buf + r->req.head_len;
	size_t restlen = sizeof(two) - 1 - r->req.head_len;
	struct run *r2 = parse_all_ways(__LINE__, "second", &lim_default, rest, restlen);

	ck_assert_int_eq(r2->rc, HTTP_PARSE_DONE);
	ck_assert_uint_eq(r2->req.head_len, restlen);
	assert_str(__LINE__, "second", "path", r2->req.path, "/b");
	assert_str(__LINE__, "second", "query", r2->req.query, "x");
	assert_str(__LINE__, "second", "host", r2->req.host, "b");
	ck_assert(!r2->req.keep_alive);
	run_free(r);
	run_free(r2);
}
END_TEST

START_TEST(test_body_not_scanned)
{
	/* The body holds bytes that would be errors in a head (bare CR, NUL);
	 * the parser must stop at head_len and never see them. */
	static const char in[] = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n"
				 "a\rb\0\x01\n";
	struct run *r = parse_all_ways(__LINE__, "body after head", &lim_default,
				       in, sizeof(in) - 1);

	ck_assert_int_eq(r->rc, HTTP_PARSE_DONE);
	ck_assert_uint_eq(r->req.head_len, sizeof(in) - 1 - 6);
	ck_assert_int_eq(r->req.content_length, 6);
	run_free(r);
}
END_TEST

START_TEST(test_done_is_sticky)
{
	static const char in[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\r";
	struct http_parser p;
	struct http_request req;
	struct http_header h[4];

	http_parse_init(&p, &lim_default, &req, h);
	ck_assert_int_eq(http_parse_request(&p, in, sizeof(in) - 1, &req), HTTP_PARSE_DONE);
	ck_assert_uint_eq(req.head_len, 27);
	ck_assert_uint_eq(p.scanned, 27);
	ck_assert_int_eq(http_parse_request(&p, in, sizeof(in) - 1, &req), HTTP_PARSE_DONE);
	ck_assert_uint_eq(req.head_len, 27);
}
END_TEST

START_TEST(test_fields_stored)
{
	static const char in[] = "GET / HTTP/1.1\r\nHost: a\r\nX-A:  one two \t\r\n"
				 "x-a: second\r\nEmpty:\r\n\r\n";
	struct run *r = parse_all_ways(__LINE__, "fields", &lim_default, in,
				       sizeof(in) - 1);
	const struct http_header *h;

	ck_assert_int_eq(r->rc, HTTP_PARSE_DONE);
	ck_assert_uint_eq(r->req.nheaders, 4);
	assert_str(__LINE__, "order", "name 0", r->req.headers[0].name, "Host");
	assert_str(__LINE__, "case kept", "name 2", r->req.headers[2].name, "x-a");
	h = http_find_header(&r->req, "X-A");
	ck_assert_ptr_eq(h, &r->req.headers[1]);
	assert_str(__LINE__, "trimmed", "value", h->value, "one two");
	h = http_find_header(&r->req, "empty");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->value.len, 0);
	ck_assert_ptr_null(http_find_header(&r->req, "X"));
	ck_assert_ptr_null(http_find_header(&r->req, "X-A-B"));
	run_free(r);
}
END_TEST

START_TEST(test_absolute_slash_static)
{
	static const char in[] = "GET http://a HTTP/1.1\r\nHost: a\r\n\r\n";
	struct run *r = parse_all_ways(__LINE__, "static slash", &lim_default, in,
				       sizeof(in) - 1);

	ck_assert_int_eq(r->rc, HTTP_PARSE_DONE);
	assert_str(__LINE__, "absolute", "target", r->req.target, "http://a");
	assert_str(__LINE__, "absolute", "path", r->req.path, "/");
	/* The "/" is not in the buffer: it must not point into it. */
	ck_assert(r->req.path.p < r->req.target.p ||
		  r->req.path.p >= r->req.target.p + r->req.head_len);
	assert_str(__LINE__, "absolute", "proto", r->req.proto, "HTTP/1.1");
	assert_str(__LINE__, "absolute", "method", r->req.method_str, "GET");
	run_free(r);
}
END_TEST

/* ------------------------------------------------------------------------ */

struct eq_case {
	int line;
	const char *desc;
	const char *span;
	const char *lit;
	bool want;
};

static const struct eq_case eq_cases[] = {
	{ __LINE__, "same", "close", "close", true },
	{ __LINE__, "case differs", "Keep-ALIVE", "keep-alive", true },
	{ __LINE__, "prefix", "clos", "close", false },
	{ __LINE__, "longer", "closed", "close", false },
	{ __LINE__, "empty both", "", "", true },
	{ __LINE__, "empty span", "", "a", false },
	{ __LINE__, "non-letters not folded", "[", "{", false },
	{ __LINE__, "obs-text not folded", "\xc3\xa9", "\xc3\x89", false },
};

/*
 * RFC 9110 9.3.2: the answer to a HEAD has no body, errors included, so the
 * method must be known even when the head is refused after it.
 */
static const struct method_err_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;
	int want;
	enum http_method method;
} method_err_cases[] = {
	{ __LINE__, "HEAD refused for its Transfer-Encoding (9110 9.3.2)",
	  IN("HEAD / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 400, HTTP_M_HEAD },
	{ __LINE__, "HEAD refused for a bare CR in its target (9110 9.3.2)", IN("HEAD /\rx"), 400, HTTP_M_HEAD },
	{ __LINE__, "HEAD refused for a bad version (9110 9.3.2)", IN("HEAD / HTTP/1.x\r\n"), 400, HTTP_M_HEAD },
	{ __LINE__, "HEAD refused for 505 (9110 9.3.2)", IN("HEAD / HTTP/2.0\r\n\r\n"), 505, HTTP_M_HEAD },
	{ __LINE__, "HEAD with a target over the limit (9110 9.3.2)",
	  IN("HEAD /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 414, HTTP_M_HEAD },
	{ __LINE__, "GET refused stays GET", IN("GET / HTTP/1.1\nHost: a\n\n"), 400, HTTP_M_GET },
	{ __LINE__, "no method yet: OTHER", IN("HEA\x01"), 400, HTTP_M_OTHER },
};

START_TEST(test_method_known_on_error)
{
	const struct method_err_case *c = &method_err_cases[_i];
	static const struct http_limits lim = { .request_line = 64, .header_bytes = 1000, .headers = 10 };
	struct run *r = parse_all_ways(c->line, c->desc, &lim, c->in, c->len);

	ck_assert_msg(r->rc == c->want, "line %d (%s): rc %d, want %d", c->line, c->desc,
		      r->rc, c->want);
	ck_assert_msg(r->req.method == c->method, "line %d (%s): method %d, want %d",
		      c->line, c->desc, r->req.method, c->method);
	run_free(r);
}
END_TEST

START_TEST(test_str_eq)
{
	const struct eq_case *c = &eq_cases[_i];
	struct http_str s = { c->span, strlen(c->span) };

	ck_assert_msg(http_str_eq(s, c->lit) == c->want, "line %d (%s)", c->line,
		      c->desc);
}
END_TEST

START_TEST(test_method_names)
{
	static const struct {
		enum http_method m;
		const char *name;
	} t[] = {
		{ HTTP_M_GET, "GET" },         { HTTP_M_HEAD, "HEAD" },
		{ HTTP_M_POST, "POST" },       { HTTP_M_PUT, "PUT" },
		{ HTTP_M_DELETE, "DELETE" },   { HTTP_M_OPTIONS, "OPTIONS" },
		{ HTTP_M_TRACE, "TRACE" },     { HTTP_M_CONNECT, "CONNECT" },
		{ HTTP_M_PATCH, "PATCH" },     { HTTP_M_OTHER, "OTHER" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(http_method_name(t[i].m), t[i].name);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *http_parse_suite(void)
{
	Suite *s = suite_create("http_parse");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");
	TCase *limits = tcase_create("limits");

	tcase_add_loop_test(core, test_good, 0, NELEM(good_cases));
	tcase_add_test(core, test_pipelined);
	tcase_add_test(core, test_body_not_scanned);
	tcase_add_test(core, test_done_is_sticky);
	tcase_add_test(core, test_fields_stored);
	tcase_add_test(core, test_absolute_slash_static);
	tcase_add_loop_test(core, test_str_eq, 0, NELEM(eq_cases));
	tcase_add_test(core, test_method_names);
	tcase_add_loop_test(bad, test_bad, 0, NELEM(bad_cases));
	tcase_add_loop_test(bad, test_method_known_on_error, 0, NELEM(method_err_cases));
	tcase_add_loop_test(limits, test_limits, 0, NELEM(limit_cases));
	tcase_add_test(limits, test_default_field_count);
	tcase_add_test(limits, test_default_header_bytes);
	tcase_set_timeout(core, 30);
	tcase_set_timeout(bad, 30);
	tcase_set_timeout(limits, 60);
	suite_add_tcase(s, core);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(http_parse_suite());
}
