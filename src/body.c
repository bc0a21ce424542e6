#include "body.h"

#include <errno.h>
#include <string.h>

#include "conn.h"

void body_init(struct body *b, struct conn *c, bool chunked,
	       int64_t content_length, bool expect_continue, int minor, int64_t limit)
{
	memset(b, 0, sizeof(*b));
	b->conn = c;
	b->chunked = chunked;
	b->remaining = chunked ? 0 : (content_length > 0 ? content_length : 0);
	b->done = !chunked && b->remaining == 0;
	/* RFC 9110 10.1.1: only an HTTP/1.1 client waits for the interim response. */
	b->continue_sent = !expect_continue || minor < 1;
	b->limit = limit;
	b->keep = c->c_in_pos;
	chunked_init(&b->dec);
}

int body_send_continue(struct body *b, int timeout_s)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

	if (b->continue_sent || b->done)
		return 0;
	b->continue_sent = true;
	return conn_write(b->conn, cont, sizeof(cont) - 1, timeout_s);
}

/* More raw bytes into the connection buffer. 1 got some, or a body_read result. */
static ssize_t body_fill(struct body *b, int64_t deadline_ms)
{
	struct conn *c = b->conn;
	ssize_t n;

	/*
	 * Everything read so far is used: start again right after the request
	 * head, which must stay intact (the request still points into it).
	 */
	c->c_in_len = c->c_in_pos = b->keep;
	if (!b->continue_sent && body_send_continue(b, 10) < 0)
		return -400;
	n = deadline_ms < 0 ? conn_fill_nowait(c) : conn_fill(c, deadline_ms);
	if (n > 0)
		return 1;
	if (n == 0)
		return -400; /* the client closed before sending the whole body */
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return BODY_AGAIN;
	return errno == ETIMEDOUT ? -408 : -400;
}

ssize_t body_read(struct body *b, char *out, size_t cap, int64_t deadline_ms)
{
	struct conn *c = b->conn;

	while (!b->done) {
		size_t avail = c->c_in_len - c->c_in_pos;
		size_t take, used, got;
		int r;

		if (avail == 0) {
			ssize_t f = body_fill(b, deadline_ms);
			if (f != 1)
				return f;
			continue;
		}
		take = avail < cap ? avail : cap;
		if (!b->chunked) {
			if ((uint64_t)take > (uint64_t)b->remaining)
				take = (size_t)b->remaining;
			memcpy(out, c->c_in + c->c_in_pos, take);
			c->c_in_pos += take;
			b->remaining -= (int64_t)take;
			b->done = b->remaining == 0;
			return (ssize_t)take;
		}
		r = chunked_decode(&b->dec, c->c_in + c->c_in_pos, take, &used, out, &got);
		c->c_in_pos += used;
		if (r == CHUNKED_ERROR)
			return -400;
		if (r == CHUNKED_TOO_LARGE)
			return -431;
		if (b->dec.total > (uint64_t)b->limit)
			return -413;
		b->done = r == CHUNKED_DONE;
		if (got > 0)
			return (ssize_t)got;
	}
	return 0;
}
