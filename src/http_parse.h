/*
 * http_parse — HTTP/1.1 request-head framing and parsing (RFC 9112 2-3, 5, 6).
 *
 * Contract: pure. Bytes in, a struct http_request out; no I/O, no allocation,
 * no global state. The caller owns the buffer; every string in the request
 * points into it, so the buffer must not move between calls for one request.
 *
 * Incremental: call http_parse_request() each time more bytes have arrived,
 * always with the whole buffer from the first byte of this request. It
 * remembers how far it has scanned and resumes there, answers NEED_MORE until
 * the head is complete, then DONE with req filled in and req->head_len the
 * number of bytes the head used (the body, if any, starts there). Every
 * limit is enforced as bytes arrive, so a client cannot make it scan forever.
 *
 * Errors come back as the RFC-right status for the response: 400 (malformed,
 * a bare LF or CR anywhere in the head, a Transfer-Encoding whose final
 * coding is not chunked), 414 (request line over limits.request_line), 431
 * (head over limits.header_bytes or more than limits.headers fields), 501 (a
 * transfer-coding we do not implement below a final chunked, or a method
 * that alone reaches limits.request_line), 505 (HTTP major version not 1).
 * The parser does not judge methods: an unknown one parses (HTTP_M_OTHER) and
 * the server answers 501. req->method and req->method_str are set as soon as
 * the method has ended, so they are valid even when an error comes back
 * later in the head (the answer to a HEAD never has a body).
 */
#ifndef PFHTTPD_HTTP_PARSE_H
#define PFHTTPD_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_parse_result {
	HTTP_PARSE_DONE = 0,
	HTTP_PARSE_NEED_MORE = 1,
	/* any other value is an HTTP status code (400, 414, 431, 501, 505) */
};

enum http_method {
	HTTP_M_OTHER = 0, /* a syntactically valid token we do not know: 501 */
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_TRACE,
	HTTP_M_CONNECT,
	HTTP_M_PATCH,
};

/* A span of the caller's buffer; not NUL-terminated. */
struct http_str {
	const char *p;
	size_t len;
};

struct http_header {
	struct http_str name;  /* as sent (case preserved) */
	struct http_str value; /* leading and trailing whitespace removed */
};

struct http_limits {
	size_t request_line; /* longest request line, without its line ending */
	size_t header_bytes; /* longest head: request line + fields + endings */
	size_t headers;      /* most header fields */
};

struct http_request {
	enum http_method method;
	struct http_str method_str;
	struct http_str target;   /* request-target exactly as sent */
	struct http_str path;     /* the path (origin-form, or of absolute-form), raw, not decoded; "*" for asterisk-form */
	struct http_str query;    /* after '?', without it; len 0 if none */
	bool has_query;           /* a '?' was present (even with an empty query) */
	struct http_str host;     /* authority of absolute-form, else the Host field value (may be empty) */
	int major, minor;         /* as understood: 1.x with x>1 is reported as 1.1 */
	struct http_str proto;    /* "HTTP/1.1" etc. as sent */

	struct http_header *headers; /* caller-provided array of cap limits.headers */
	size_t nheaders;

	/* Framing (RFC 9112 6): */
	bool chunked;             /* Transfer-Encoding ends in chunked */
	int64_t content_length;   /* -1 when absent */
	bool keep_alive;          /* after Connection and version rules */
	bool expect_continue;     /* Expect: 100-continue */
	bool expect_unknown;      /* an Expect other than 100-continue: answer 417 (RFC 9110 10.1.1) */

	size_t head_len;          /* bytes of the head, including the empty line */
};

/* Parser state; zero it (http_parse_init) before the first call for each request. */
struct http_parser {
	const struct http_limits *lim;
	size_t scanned;      /* bytes already looked at */
	size_t line_start;   /* start of the line being scanned */
	size_t lines;        /* complete lines seen (request line + fields) */
	size_t skipped;      /* empty lines before the request line (RFC 9112 2.2) */
	unsigned flags;      /* private to http_parse.c: fields seen so far */
};

void http_parse_init(struct http_parser *p, const struct http_limits *lim,
		     struct http_request *req, struct http_header *headers);

/* See the contract above. Returns HTTP_PARSE_DONE, HTTP_PARSE_NEED_MORE or a status. */
int http_parse_request(struct http_parser *p, const char *buf, size_t len,
		       struct http_request *req);

/* The first field named `name` (case-insensitive), or NULL. */
const struct http_header *http_find_header(const struct http_request *req,
					   const char *name);

/* Case-insensitive comparison of a span with a NUL-terminated string. */
bool http_str_eq(struct http_str s, const char *lit);

const char *http_method_name(enum http_method m);

#endif
