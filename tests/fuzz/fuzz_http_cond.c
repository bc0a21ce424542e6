/*
 * Conditional requests and ranges (http_cond.c) on any header values.
 *
 * Input: byte 0 flags (1 the method is not GET/HEAD, 2 an empty
 * representation, 4 no entity tag, 8 and 16 pick the size among 1000, 1,
 * 2^63-1 and 2^32, 32 and 64 the mtime among the unit tests' 1994 date, 0,
 * -1 and 2^62), byte 1 the fields present (1 If-Match, 2 If-None-Match,
 * 4 If-Modified-Since, 8 If-Unmodified-Since, 16 If-Range, 32 Range), then
 * the six values in that order, each ended by '\n' (tests/fuzz/seeds.py
 * writes the unit tests' rows so). Each value lies in its own exact-size
 * heap block, so reading one byte past its length is an ASan report.
 *
 * Checked: the status is one of the five the header lists, 206 names a
 * range inside the representation, 206/416/304 only happen when their
 * fields were sent (RFC 9110 13.2.2, 14.2), 412 only with a precondition;
 * a date that parses formats back to the same instant; an entity tag never
 * overruns its buffer.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "http_cond.h"

#define T1994 ((time_t)784111777)
#define NFIELD 6

struct field {
	char *p;    /* exact-size copy, or NULL when absent */
	size_t len;
};

static void split_fields(const uint8_t *in, size_t n, unsigned mask,
			 struct field f[NFIELD])
{
	size_t pos = 0;

	for (int i = 0; i < NFIELD; i++) {
		const uint8_t *nl = pos < n ? memchr(in + pos, '\n', n - pos) : NULL;
		size_t len = nl != NULL ? (size_t)(nl - (in + pos)) : n - (pos < n ? pos : n);

		f[i].p = NULL;
		f[i].len = 0;
		if (mask & (1u << i)) {
			f[i].p = malloc(len ? len : 1);
			FUZZ_ASSERT(f[i].p != NULL);
			if (len)
				memcpy(f[i].p, in + pos, len);
			f[i].len = len;
		}
		pos = nl != NULL ? pos + len + 1 : n;
	}
}

/* A date that parses formats back to the instant it names. */
static void check_date(const struct field *f)
{
	char buf[HTTP_DATE_LEN + 1];
	time_t t, back;

	if (f->p == NULL || http_date_parse(f->p, f->len, &t) != 0)
		return;
	http_date_format(t, buf);
	FUZZ_ASSERT(strlen(buf) == HTTP_DATE_LEN);
	FUZZ_ASSERT(http_date_parse(buf, HTTP_DATE_LEN, &back) == 0);
	if (strcmp(buf, "Thu, 01 Jan 1970 00:00:00 GMT") != 0) /* out of range: epoch */
		FUZZ_ASSERT(back == t);
}

static void check_result(const struct http_cond_req *rq,
			 const struct http_cond_rep *rep,
			 const struct http_cond_result *out)
{
	bool pre = rq->if_match || rq->if_unmodified_since || rq->if_none_match;

	switch (out->status) {
	case 200:
		break;
	case 206:
		FUZZ_ASSERT(rq->range != NULL && rq->get_or_head);
		FUZZ_ASSERT(out->first <= out->last && out->last < rep->size);
		break;
	case 304:
		FUZZ_ASSERT(rq->get_or_head);
		FUZZ_ASSERT(rq->if_none_match != NULL || rq->if_modified_since != NULL);
		break;
	case 412:
		FUZZ_ASSERT(pre);
		break;
	case 416:
		FUZZ_ASSERT(rq->range != NULL && rq->get_or_head);
		break;
	default:
		FUZZ_ASSERT(!"status outside 200, 206, 304, 412, 416");
	}
}

static void check_etag(size_t size, uint64_t h)
{
	size_t cap = (size_t)(h % (HTTP_ETAG_MAX + 2));
	char *buf = malloc(cap ? cap : 1);
	int64_t sec = (int64_t)h;

	FUZZ_ASSERT(buf != NULL);
	buf[0] = 'Z';
	http_etag_make(size * (h >> 32), sec, (long)(h % 1000000000), buf, cap);
	if (cap > 0)
		FUZZ_ASSERT(strnlen(buf, cap) < cap);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[] = { 1000, 1, INT64_MAX, 1ULL << 32 };
	static const time_t mtimes[] = { T1994, 0, -1, (time_t)1 << 62 };
	unsigned flags = size > 0 ? data[0] : 0, mask = size > 1 ? data[1] : 0;
	struct field f[NFIELD];
	struct http_cond_req rq;
	struct http_cond_rep rep;
	struct http_cond_result out = { -1, 0, 0 };

	split_fields(data + (size > 2 ? 2 : size), size > 2 ? size - 2 : 0, mask, f);
	rq = (struct http_cond_req){
		.if_match = f[0].p, .if_match_len = f[0].len,
		.if_none_match = f[1].p, .if_none_match_len = f[1].len,
		.if_modified_since = f[2].p, .if_modified_since_len = f[2].len,
		.if_unmodified_since = f[3].p, .if_unmodified_since_len = f[3].len,
		.if_range = f[4].p, .if_range_len = f[4].len,
		.range = f[5].p, .range_len = f[5].len,
		.get_or_head = !(flags & 1),
	};
	rep = (struct http_cond_rep){
		.etag = flags & 4 ? NULL : "\"abc\"",
		.mtime = mtimes[(flags >> 5) & 3],
		.size = flags & 2 ? 0 : sizes[(flags >> 3) & 3],
	};
	http_cond_evaluate(&rq, &rep, &out);
	check_result(&rq, &rep, &out);
	for (int i = 0; i < NFIELD; i++)
		check_date(&f[i]);
	check_etag(size, fuzz_hash(data, size));
	for (int i = 0; i < NFIELD; i++)
		free(f[i].p);
	return 0;
}
