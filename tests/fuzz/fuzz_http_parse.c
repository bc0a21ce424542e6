/*
 * The request-head parser (http_parse.c) on any bytes, under the default
 * limits and under small ones (so 414 and 431 are reached), fed whole, one
 * byte at a time and split at one input-dependent position: the answer must
 * be the same each way (the parser resumes; TCP may cut a head anywhere),
 * a status the contract lists, and every span of a parsed request must lie
 * inside the head (but the "/" of an absolute-form target without a path).
 *
 * The keeper decides with handoff_head_ready() when a connection it holds
 * has a head for a worker to parse: a head the parser finds complete must
 * be ready there too (else the keeper sits on a full request until the
 * header timeout), and the incremental form must agree with the whole one
 * at every split.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "handoff.h"
#include "http_parse.h"

#define NHDR 128

struct run {
	struct http_request req;
	struct http_header hdrs[NHDR];
	int rc;
};

/* Feed [0, k) growing by step up to n (step 0: whole at once). */
static void feed(const struct http_limits *lim, const char *in, size_t n,
		 size_t first, size_t step, struct run *r)
{
	struct http_parser p;
	size_t k = first < n ? first : n;

	http_parse_init(&p, lim, &r->req, r->hdrs);
	for (;;) {
		r->rc = http_parse_request(&p, in, k, &r->req);
		if (r->rc != HTTP_PARSE_NEED_MORE || k == n)
			return;
		k = step == 0 || n - k < step ? n : k + step;
	}
}

static bool span_in(struct http_str s, const char *buf, size_t len)
{
	if (s.len == 0)
		return true;
	return s.p >= buf && s.len <= len && (size_t)(s.p - buf) <= len - s.len;
}

static bool str_same(struct http_str a, struct http_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void check_done(const struct http_limits *lim, const char *in, size_t n,
		       const struct run *r)
{
	const struct http_request *q = &r->req;

	FUZZ_ASSERT(q->head_len > 0 && q->head_len <= n);
	FUZZ_ASSERT(q->nheaders <= lim->headers);
	FUZZ_ASSERT(q->content_length >= -1);
	FUZZ_ASSERT(span_in(q->method_str, in, q->head_len));
	FUZZ_ASSERT(span_in(q->target, in, q->head_len));
	/* An absolute-form target without a path gets a static "/" (RFC 9112
	 * 3.2.4), the one span outside the buffer. */
	FUZZ_ASSERT(span_in(q->path, in, q->head_len) ||
		    (q->path.len == 1 && q->path.p[0] == '/'));
	FUZZ_ASSERT(span_in(q->query, in, q->head_len));
	FUZZ_ASSERT(span_in(q->host, in, q->head_len));
	FUZZ_ASSERT(span_in(q->proto, in, q->head_len));
	FUZZ_ASSERT(q->major == 1 && (q->minor == 0 || q->minor == 1));
	for (size_t i = 0; i < q->nheaders; i++) {
		FUZZ_ASSERT(span_in(q->headers[i].name, in, q->head_len));
		FUZZ_ASSERT(span_in(q->headers[i].value, in, q->head_len));
		FUZZ_ASSERT(q->headers[i].name.len > 0);
	}
	(void)http_find_header(q, "host");
	(void)http_find_header(q, "transfer-encoding");
	(void)http_method_name(q->method);
}

static void check_same(const struct run *a, const struct run *b)
{
	const struct http_request *x = &a->req, *y = &b->req;

	FUZZ_ASSERT(a->rc == b->rc);
	if (a->rc != HTTP_PARSE_DONE)
		return;
	FUZZ_ASSERT(x->head_len == y->head_len && x->method == y->method);
	FUZZ_ASSERT(str_same(x->target, y->target) && str_same(x->host, y->host));
	FUZZ_ASSERT(x->nheaders == y->nheaders && x->chunked == y->chunked);
	FUZZ_ASSERT(x->content_length == y->content_length);
	FUZZ_ASSERT(x->keep_alive == y->keep_alive);
	FUZZ_ASSERT(x->expect_continue == y->expect_continue);
}

static void check_keeper(const char *in, size_t n, const struct run *whole)
{
	int ready = handoff_head_ready(in, n), grown = 0;

	if (whole->rc == HTTP_PARSE_DONE && n < HANDOFF_MAX_BYTES)
		FUZZ_ASSERT(handoff_head_ready(in, whole->req.head_len) == 1);
	/* Bytes arriving one at a time, judged as the keeper does. */
	for (size_t k = 1; k <= n && !grown; k++)
		grown = handoff_head_ready_from(in, k, k - 1);
	FUZZ_ASSERT(grown == ready);
}

static void one(const struct http_limits *lim, const char *in, size_t n,
		uint64_t h)
{
	static struct run whole, bytes, split;

	feed(lim, in, n, n, 0, &whole);
	if (lim->headers == 100)
		check_keeper(in, n, &whole);
	FUZZ_ASSERT(whole.rc == HTTP_PARSE_DONE || whole.rc == HTTP_PARSE_NEED_MORE ||
		    whole.rc == 400 || whole.rc == 414 || whole.rc == 431 ||
		    whole.rc == 501 || whole.rc == 505);
	if (whole.rc == HTTP_PARSE_DONE)
		check_done(lim, in, n, &whole);
	feed(lim, in, n, 1, 1, &bytes);
	check_same(&whole, &bytes);
	feed(lim, in, n, n ? (size_t)(h % n) : 0, 0, &split);
	check_same(&whole, &split);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_limits deflt = { 8192, 16384, 100 };
	static const struct http_limits small = { 32, 128, 4 };
	uint64_t h = fuzz_hash(data, size);

	one(&deflt, (const char *)data, size, h);
	one(&small, (const char *)data, size, h);
	return 0;
}
