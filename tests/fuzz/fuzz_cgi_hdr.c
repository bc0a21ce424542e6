/*
 * The CGI response-header parser (cgi_hdr.c) on any script output, with the
 * server's limits and with small ones, fed whole and in input-dependent
 * pieces (a script's output arrives in pipe-sized reads). Both must agree;
 * a finished block must meet RFC 3875 6.2's minimum, carry a status in
 * 200..599 and a redirect that matches its Location, and every span must
 * lie inside the block; an error always says why. (That the block held
 * Content-Type, Location or Status cannot be seen from outside once the
 * default status is filled in; check_cgi_hdr.c has those rows.)
 */
#include <stdbool.h>
#include <string.h>

#include "cgi_hdr.h"
#include "fuzz.h"

#define NFIELDS 64

struct run {
	struct cgi_response r;
	struct http_header f[NFIELDS];
	int rc;
};

static void feed(size_t max_bytes, size_t max_fields, const char *in, size_t n,
		 uint64_t h, bool split, struct run *x)
{
	struct cgi_hdr_parser p;
	size_t k = split ? 0 : n;

	cgi_hdr_init(&p, max_bytes, max_fields, &x->r, x->f);
	for (;;) {
		if (split) {
			k += 1 + (size_t)(h & 31);
			h = h >> 5 | h << 59;
			if (k > n)
				k = n;
		}
		x->rc = cgi_hdr_parse(&p, in, k, &x->r);
		if (x->rc != CGI_HDR_NEED_MORE || k == n)
			return;
	}
}

static bool span_in(struct http_str s, const char *buf, size_t len)
{
	if (s.len == 0)
		return true;
	return s.p >= buf && s.len <= len && (size_t)(s.p - buf) <= len - s.len;
}

static void check_done(const char *in, size_t n, size_t max_fields,
		       const struct cgi_response *r)
{
	FUZZ_ASSERT(r->head_len > 0 && r->head_len <= n);
	FUZZ_ASSERT(r->status >= 200 && r->status <= 599);
	FUZZ_ASSERT((r->redirect == CGI_REDIRECT_NONE) == (r->location.p == NULL));
	if (r->redirect == CGI_REDIRECT_LOCAL)
		FUZZ_ASSERT(r->location.len > 0 && r->location.p[0] == '/' &&
			    r->status == 200);
	FUZZ_ASSERT(r->content_length >= -1);
	FUZZ_ASSERT(r->nfields <= max_fields);
	FUZZ_ASSERT(span_in(r->reason, in, r->head_len));
	FUZZ_ASSERT(span_in(r->content_type, in, r->head_len));
	FUZZ_ASSERT(span_in(r->location, in, r->head_len));
	for (size_t i = 0; i < r->nfields; i++) {
		FUZZ_ASSERT(span_in(r->fields[i].name, in, r->head_len));
		FUZZ_ASSERT(span_in(r->fields[i].value, in, r->head_len));
	}
}

static void one(size_t max_bytes, size_t max_fields, const char *in, size_t n,
		uint64_t h)
{
	static struct run a, b;

	feed(max_bytes, max_fields, in, n, h, false, &a);
	feed(max_bytes, max_fields, in, n, h, true, &b);
	FUZZ_ASSERT(a.rc == CGI_HDR_DONE || a.rc == CGI_HDR_NEED_MORE ||
		    a.rc == CGI_HDR_ERROR);
	FUZZ_ASSERT(a.rc == b.rc);
	if (a.rc == CGI_HDR_ERROR)
		FUZZ_ASSERT(a.r.error != NULL && b.r.error != NULL);
	if (a.rc != CGI_HDR_DONE)
		return;
	check_done(in, n, max_fields, &a.r);
	FUZZ_ASSERT(a.r.head_len == b.r.head_len && a.r.status == b.r.status);
	FUZZ_ASSERT(a.r.nfields == b.r.nfields && a.r.redirect == b.r.redirect);
	FUZZ_ASSERT(a.r.content_length == b.r.content_length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t h = fuzz_hash(data, size);

	one(16384, NFIELDS, (const char *)data, size, h);
	one(64, 2, (const char *)data, size, h);
	return 0;
}
