/*
 * body — the request body as a stream of decoded bytes.
 *
 * Contract: hides the framing (Content-Length or chunked, RFC 9112 6) from
 * whoever consumes the body (discarding for static files, a CGI script's
 * stdin). Bytes already in the connection's input buffer are used first; more
 * are read from the socket. Stops exactly at the end of the body, so pipelined
 * bytes after it stay in the buffer for the next request. Enforces
 * limits.body (413), timeouts.body for each wait for more bytes and
 * limits.min_body_rate over windows of that length (408, logged), with the
 * connection's c_recv (conn.h) set by the worker for each request.
 */
#ifndef PFHTTPD_BODY_H
#define PFHTTPD_BODY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "chunked.h"

struct conn;

struct body {
	struct conn *conn;
	bool chunked;
	bool done;
	bool continue_sent;     /* "100 Continue" already sent (or not due) */
	int64_t remaining;      /* Content-Length bytes still to read */
	int64_t limit;          /* limits.body */
	size_t keep;            /* end of the request head in the input buffer */
	int64_t want_since_ms;  /* a read without waiting found nothing then; 0: not waiting */
	struct chunked_dec dec;
};

#define BODY_AGAIN (-1)    /* nothing available without waiting */

/* body_read's deadline_ms: wait as long as timeouts.body and the minimum rate allow. */
#define BODY_WAIT INT64_MAX

void body_init(struct body *b, struct conn *c, bool chunked,
	       int64_t content_length, bool expect_continue, int minor, int64_t limit);

/* True when the request has no body or it has been read to its end. */
static inline bool body_done(const struct body *b) { return b->done; }

/*
 * Up to cap decoded body bytes into out. deadline_ms < 0: do not wait
 * (BODY_AGAIN if nothing is available now); otherwise wait until that
 * conn_now_ms() time at the latest (BODY_WAIT: no such bound), and never
 * longer than timeouts.body for the next bytes. Either way a window of
 * timeouts.body spent waiting for the client with fewer than
 * limits.min_body_rate bytes per second in it ends the body with -408.
 * Returns bytes (> 0), 0 at the end of the body, BODY_AGAIN, or -status:
 * -400 malformed chunking or a body cut short (client gone), -408 timeout
 * or too slow, -413 over the limit, -431 a trailer section over its limits
 * (see chunked_limit_trailer).
 */
ssize_t body_read(struct body *b, char *out, size_t cap, int64_t deadline_ms);

/*
 * The next Content-Length body bytes without copying them: *p points into
 * the connection's input buffer (filled first, as body_read does, when it
 * holds none), valid until the next body call; body_consume() marks n of
 * them read. Returns the count (> 0), 0 at the end of the body, or what
 * body_read would. A chunked body must be decoded: use body_read.
 * A CGI script's stdin takes the bytes from there (issue 8: no copy).
 */
ssize_t body_peek(struct body *b, const char **p, int64_t deadline_ms);
void body_consume(struct body *b, size_t n);

/* Send "HTTP/1.1 100 Continue" if the client asked for it and it is not sent yet. 0 or -1. */
int body_send_continue(struct body *b, int timeout_s);

#endif
