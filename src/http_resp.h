/*
 * http_resp — writing responses: status line, headers, error pages, the
 * Date cache.
 *
 * Contract: a response head is built in the request's out buffer
 * (resp_start, resp_header..., resp_end) and leaves in one write together
 * with a small body (resp_send), or followed by a file (static.c). Every
 * response carries Date and Server (without the version when
 * server_tokens is false), the fields configured for its path (headers,
 * added by resp_end unless the response has its own of that name), and
 * the Connection field that matches conn->c_keepalive. Every client-visible error goes through http_error(),
 * which writes the small HTML body, logs one error-log line, and decides
 * whether the connection survives; where an error page is configured it
 * leaves the answer to the router (request.c), which knows whether that
 * page is a file to send (http_error_send) or a script to run.
 */
#ifndef PFHTTPD_HTTP_RESP_H
#define PFHTTPD_HTTP_RESP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"

struct request;

#define SERVER_SOFTWARE "pfhttpd/" PFHTTPD_VERSION
/* server_tokens = false: the product without its version (Apache's ServerTokens Prod). */
#define SERVER_NAME_ONLY "pfhttpd"

/* What the Server field says for rq's configuration: SERVER_SOFTWARE or SERVER_NAME_ONLY. */
const char *resp_server_software(const struct request *rq);
const char *http_reason(int status);

/* The current time as an IMF-fixdate, recomputed at most once a second. */
const char *http_date_now(void);

void resp_start(struct request *rq, int status);
/* The same with a reason phrase of the caller's (a CGI script's Status); NULL or empty: the standard one. */
void resp_start_reason(struct request *rq, int status, const char *reason, size_t len);
void resp_header(struct request *rq, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A field whose value is a string, copied as it is (no formatting: the hot path's). */
void resp_header_str(struct request *rq, const char *name, const char *value);
/* A field given as spans (a CGI script's own fields). */
void resp_field(struct request *rq, struct http_str name, struct http_str value);
/*
 * Content-Type for a static file: type as the mime table gives it, its
 * charset parameter the path's charset (conf_pathset.charset) for the
 * types the table marks as text; none with charset "".
 */
void resp_content_type(struct request *rq, const char *type);
/* The path's configured headers (those the head does not carry yet),
 * Content-Length (when len >= 0), Connection, and the empty line. */
void resp_end(struct request *rq, int64_t content_length);

/* Send the head and body[0..len) (no body for HEAD). 0, or -1 (connection lost). */
int resp_send(struct request *rq, const void *body, size_t len);

/*
 * "http://host[:port]" of rq's site into buf: the host SERVER_NAME names
 * (cgi_env.c): the top level's from the request's Host, a vhost's its
 * server_name whatever alias the client used (issue 9), and server_name
 * with the port the request came in on when there is no Host. Its length,
 * or -1 when it does not fit.
 */
int resp_site_url(const struct request *rq, char *buf, size_t cap);

/*
 * Answer with a redirection (RFC 9110 15.4) to loc, a URI reference ready
 * for the field: Location, and a small HTML page linking to it (none for
 * HEAD). The request body is read and dropped first. 0, or -1 (connection
 * lost).
 */
int resp_redirect(struct request *rq, int status, const char *loc);
/* The longest loc resp_redirect takes (a path of PATH_MAX bytes, each
 * percent-encoded, and room for the host and query). */
#define RESP_LOCATION_MAX (PATH_MAX * 3 + 512)

/* s into dst (cap bytes) with the five HTML specials escaped; false if it
 * does not fit (dst then holds a cut, still escaped, string). */
bool resp_html_escape(char *dst, size_t cap, const char *s);

/* Answer OPTIONS (RFC 9110 9.3.7): 200 with Allow and no content. */
int resp_options(struct request *rq, const char *allow);

/*
 * Answer with an error status; one error-log line saying why. extra: more
 * header lines (each ending CRLF, e.g. "Allow: GET, HEAD\r\n"), or NULL.
 * The connection is kept only when the status allows it and the request
 * body was read. With no error page for status, the small built-in HTML
 * page is sent. With one, nothing is sent yet: rq->error_pending says which
 * status the router must answer with that page (request.c). While an error
 * page script runs (rq->error_status), any error answers the original
 * status with the built-in page, so error pages never loop.
 * Returns 0, or -1 if the connection was lost.
 */
int http_error(struct request *rq, int status, const char *extra, const char *why);

/* The error_pages path configured for status, or NULL. */
const char *http_error_page(const struct request *rq, int status);

/*
 * Answer rq->error_pending with its configured page file, or (builtin, or
 * the file cannot be opened) with the built-in page. 0, or -1 (connection lost).
 */
int http_error_send(struct request *rq, bool builtin);

/* In a response head: the extra header lines of the error an error page answers. */
void resp_error_extra(struct request *rq);

#endif
