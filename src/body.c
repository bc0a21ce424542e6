#include "body.h"

#include <errno.h>
#include <string.h>

#include "conn.h"
#include "log.h"

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

/* Account waited_ms of waiting and n bytes to the body window. false: too slow (logged). */
static bool body_rate_ok(struct body *b, int64_t waited_ms, ssize_t n)
{
	struct conn *c = b->conn;
	uint64_t got;

	if (conn_rate_ok(&c->c_recv, waited_ms, n > 0 ? (uint64_t)n : 0, &got))
		return true;
	log_error(LOG_NOTICE, "[client %s:%d] sent %llu body bytes in %lld s, below "
		  "limits.min_body_rate %u", c->c_peer, c->c_peer_port, (unsigned long long)got,
		  (long long)(c->c_recv.r_window_ms / 1000), (unsigned)c->c_recv.r_min);
	return false;
}

/*
 * Read without waiting. The time since the last read that found nothing
 * was spent waiting for the client (the caller polled its socket); time
 * before that was the caller's own (a CGI script slow to take its stdin).
 */
static ssize_t body_fill_nowait(struct body *b)
{
	int64_t now = conn_now_ms();
	ssize_t n = conn_fill_nowait(b->conn);
	int e = errno;

	if (!body_rate_ok(b, b->want_since_ms ? now - b->want_since_ms : 0, n)) {
		errno = ETIMEDOUT;
		return -1;
	}
	b->want_since_ms = n < 0 && (e == EAGAIN || e == EWOULDBLOCK) ? now : 0;
	errno = e;
	return n;
}

/*
 * Wait for bytes until deadline_ms, and no longer than timeouts.body
 * (c_recv's window) from now; wake at each window's end to judge the rate.
 */
static ssize_t body_fill_wait(struct body *b, int64_t deadline_ms)
{
	struct conn *c = b->conn;
	int64_t mark = conn_now_ms();
	int64_t stall = c->c_recv.r_window_ms > 0 ? mark + c->c_recv.r_window_ms : deadline_ms;

	if (deadline_ms < stall)
		stall = deadline_ms;
	for (;;) {
		ssize_t n = conn_fill(c, conn_rate_until(&c->c_recv, mark, stall));
		int e = errno;
		int64_t now = conn_now_ms();

		if (!body_rate_ok(b, now - mark, n)) {
			errno = ETIMEDOUT;
			return -1;
		}
		mark = now;
		if (n >= 0 || e != ETIMEDOUT || now >= stall) {
			errno = e;
			return n;
		}
	}
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
	n = deadline_ms < 0 ? body_fill_nowait(b) : body_fill_wait(b, deadline_ms);
	if (n > 0)
		return 1;
	if (n == 0)
		return -400; /* the client closed before sending the whole body */
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return BODY_AGAIN;
	return errno == ETIMEDOUT ? -408 : -400;
}

ssize_t body_peek(struct body *b, const char **p, int64_t deadline_ms)
{
	struct conn *c = b->conn;

	while (!b->done && c->c_in_len == c->c_in_pos) {
		ssize_t f = body_fill(b, deadline_ms);
		if (f != 1)
			return f;
	}
	if (b->done)
		return 0;
	*p = c->c_in + c->c_in_pos;
	if ((uint64_t)(c->c_in_len - c->c_in_pos) > (uint64_t)b->remaining)
		return (ssize_t)b->remaining;
	return (ssize_t)(c->c_in_len - c->c_in_pos);
}

void body_consume(struct body *b, size_t n)
{
	b->conn->c_in_pos += n;
	b->remaining -= (int64_t)n;
	b->done = b->remaining == 0;
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
