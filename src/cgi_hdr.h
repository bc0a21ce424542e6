/*
 * cgi_hdr — parsing the header block a CGI script writes before its body
 * (RFC 3875 6.2, 6.3).
 *
 * Contract: pure, incremental, no I/O and no allocation, like http_parse:
 * call cgi_hdr_parse() with the whole output received so far (from the
 * script's first byte) each time more arrives; it resumes where it stopped
 * and answers CGI_HDR_NEED_MORE, CGI_HDR_DONE (r filled in, r->head_len bytes
 * used, the body follows) or CGI_HDR_ERROR (the server answers 502 and logs
 * r->error). Line endings may be LF or CRLF (scripts print either).
 *
 * The response is valid only with at least one of Content-Type, Location or
 * Status (RFC 3875 6.2). Status, Content-Type, Location and Content-Length
 * are reported in their own fields; hop-by-hop fields (Connection,
 * Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-Connection) are
 * dropped because the server owns the framing; every other field is passed
 * through in order.
 */
#ifndef PFHTTPD_CGI_HDR_H
#define PFHTTPD_CGI_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parse.h" /* struct http_str, struct http_header */

enum cgi_hdr_result {
	CGI_HDR_DONE = 0,
	CGI_HDR_NEED_MORE = 1,
	CGI_HDR_ERROR = -1,
};

enum cgi_redirect {
	CGI_REDIRECT_NONE = 0,
	CGI_REDIRECT_LOCAL,   /* Location is a local path ('/'...) and Status is absent or 200: serve it internally as GET (RFC 3875 6.2.2) */
	CGI_REDIRECT_CLIENT,  /* Location given otherwise: send it to the client (302 unless Status says another 3xx/2xx) */
};

struct cgi_response {
	int status;                      /* Status, or 302 for a client redirect without one, else 200 */
	struct http_str reason;          /* Status reason phrase; len 0 if absent */
	struct http_str content_type;    /* len 0 if absent */
	struct http_str location;        /* len 0 if absent */
	enum cgi_redirect redirect;
	int64_t content_length;          /* -1 if absent */
	struct http_header *fields;      /* caller's array: the other fields, in order */
	size_t nfields;
	size_t head_len;                 /* bytes of the header block including the empty line */
	const char *error;               /* on CGI_HDR_ERROR: why, for the error log */
};

struct cgi_hdr_parser {
	size_t max_bytes;    /* longest header block accepted */
	size_t max_fields;   /* capacity of r->fields */
	size_t scanned;      /* bytes already looked at */
	size_t line_start;
};

/*
 * The status to send when the script is an error page answering original
 * (Apache's ErrorDocument): the original, whatever the script's own Status
 * says, unless it sends the client elsewhere (a Location with a 3xx), which
 * Apache lets through too.
 */
int cgi_hdr_error_status(const struct cgi_response *r, int original);

void cgi_hdr_init(struct cgi_hdr_parser *p, size_t max_bytes, size_t max_fields,
		  struct cgi_response *r, struct http_header *fields);

int cgi_hdr_parse(struct cgi_hdr_parser *p, const char *buf, size_t len,
		  struct cgi_response *r);

#endif
