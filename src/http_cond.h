/*
 * http_cond — HTTP dates, validators, conditional requests and byte ranges
 * (RFC 9110 5.6.7, 8.8, 13, 14).
 *
 * Contract: pure; no I/O, no allocation. The static file handler gives it the
 * request's header values and the file's validators and it says what to
 * answer. Evaluation order is RFC 9110 13.2.2: If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since, then Range with If-Range.
 */
#ifndef PFHTTPD_HTTP_COND_H
#define PFHTTPD_HTTP_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HTTP_DATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define HTTP_ETAG_MAX 48

/* IMF-fixdate of t into buf (at least HTTP_DATE_LEN + 1 bytes). */
void http_date_format(time_t t, char *buf);

/*
 * Parse an HTTP-date in any of the three forms a recipient must accept
 * (IMF-fixdate, obsolete RFC 850, asctime; RFC 9110 5.6.7). Returns 0 and
 * sets *t, or -1 when it is not a valid date.
 */
int http_date_parse(const char *s, size_t len, time_t *t);

/* A strong entity tag, quotes included, from size and mtime: "\"<size hex>-<mtime ns hex>\"". */
void http_etag_make(uint64_t size, int64_t mtime_sec, long mtime_nsec,
		    char *buf, size_t cap);

/* The request's conditional and range fields; absent ones have p == NULL. */
struct http_cond_req {
	const char *if_match;            size_t if_match_len;
	const char *if_none_match;       size_t if_none_match_len;
	const char *if_modified_since;   size_t if_modified_since_len;
	const char *if_unmodified_since; size_t if_unmodified_since_len;
	const char *if_range;            size_t if_range_len;
	const char *range;               size_t range_len;
	bool get_or_head;                /* If-Modified-Since and Range apply only to GET/HEAD */
};

/* The representation's validators. */
struct http_cond_rep {
	const char *etag;  /* strong, with quotes */
	time_t mtime;
	uint64_t size;
};

struct http_cond_result {
	int status;         /* 200, 206, 304, 412 or 416 */
	uint64_t first;     /* for 206: the byte range [first, last] */
	uint64_t last;
};

/*
 * Decide the answer. Only a single byte range is served as 206; a Range with
 * several ranges, another unit or bad syntax is ignored (RFC 9110 14.2 lets a
 * server ignore Range) and the answer is 200. A syntactically valid single
 * range that does not overlap the representation gives 416.
 */
void http_cond_evaluate(const struct http_cond_req *rq,
			const struct http_cond_rep *rep,
			struct http_cond_result *out);

#endif
