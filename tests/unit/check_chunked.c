/*
 * Unit tests for chunked: every case is decoded whole, one byte at a time,
 * split at every position and in place, and must give the same answer each
 * way: the same result, the same decoded bytes, the same bytes consumed.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "chunked.h"

#define IN(s) .in = (s), .len = sizeof(s) - 1
#define OUT(s) .out = (s), .out_len = sizeof(s) - 1
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct result {
	int rc;
	size_t used;    /* input bytes consumed in all */
	char *out;      /* decoded bytes, concatenated */
	size_t out_len;
	uint64_t total; /* as the decoder counted it */
};

/* Feed in[0..n) in pieces of `step` bytes (0: all at once). in_place: the
 * output goes over the input, as a server decoding into its buffer would. */
static void decode(const char *in, size_t n, size_t step, bool in_place,
		   struct result *r)
{
	char *buf = malloc(n ? n : 1);   /* exact size: ASan sees overreads */
	char *scratch = malloc(n ? n : 1);
	struct chunked_dec d;
	size_t pos = 0;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(scratch);
	r->out = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(r->out);
	memcpy(buf, in, n);
	r->out_len = 0;
	r->rc = CHUNKED_MORE;
	chunked_init(&d);
	while (pos < n && r->rc == CHUNKED_MORE) {
		size_t piece = step == 0 || n - pos < step ? n - pos : step;
		size_t used = 0, got = 0;
		char *dst = in_place ? buf + pos : scratch;

		r->rc = chunked_decode(&d, buf + pos, piece, &used, dst, &got);
		/* Plain checks: ck_assert marks a point (a write) per call, too
		 * slow for megabytes fed a byte at a time. MORE means every
		 * byte given was used. */
		if (used > piece || got > used ||
		    (r->rc == CHUNKED_MORE && used != piece))
			ck_abort_msg("at %zu: used %zu of %zu, wrote %zu, rc %d",
				     pos, used, piece, got, r->rc);
		memcpy(r->out + r->out_len, dst, got);
		r->out_len += got;
		pos += used;
	}
	r->used = pos;
	r->total = d.total;
	free(buf);
	free(scratch);
}

static void assert_same(int line, const char *desc, const char *how,
			size_t step, const struct result *a,
			const struct result *b)
{
	ck_assert_msg(a->rc == b->rc && a->out_len == b->out_len &&
			      memcmp(a->out, b->out, a->out_len) == 0 &&
			      (a->rc == CHUNKED_ERROR ||
			       (a->used == b->used && a->total == b->total)),
		      "line %d (%s): %s step %zu differs: rc %d/%d out %zu/%zu used %zu/%zu",
		      line, desc, how, step, a->rc, b->rc, a->out_len, b->out_len,
		      a->used, b->used);
}

/* Decode every way; return the whole-buffer result (caller frees ->out). */
static struct result decode_all_ways(int line, const char *desc,
				     const char *in, size_t n)
{
	struct result whole, other;

	decode(in, n, 0, false, &whole);
	decode(in, n, 0, true, &other);
	assert_same(line, desc, "in place", 0, &whole, &other);
	free(other.out);
	for (size_t step = 1; step <= n; step++) {
		decode(in, n, step, step % 2 == 0, &other);
		assert_same(line, desc, "steps", step, &whole, &other);
		free(other.out);
	}
	/* Split once at every position: [0, s) then the rest. */
	for (size_t s = 1; s < n; s++) {
		struct chunked_dec d;
		char *buf = malloc(n), *out = malloc(n);
		size_t u1 = 0, o1 = 0, u2 = 0, o2 = 0;
		int rc;

		ck_assert_ptr_nonnull(buf);
		ck_assert_ptr_nonnull(out);
		memcpy(buf, in, n);
		chunked_init(&d);
		rc = chunked_decode(&d, buf, s, &u1, out, &o1);
		if (rc == CHUNKED_MORE)
			rc = chunked_decode(&d, buf + u1, n - u1, &u2, out + o1, &o2);
		ck_assert_msg(rc == whole.rc && o1 + o2 == whole.out_len &&
				      memcmp(out, whole.out, whole.out_len) == 0 &&
				      (rc == CHUNKED_ERROR || u1 + u2 == whole.used),
			      "line %d (%s): split at %zu differs", line, desc, s);
		free(buf);
		free(out);
	}
	return whole;
}

/* ------------------------------------------------------------------------ */

struct good_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;
	const char *out;
	size_t out_len;
	size_t used; /* bytes of the chunked body (0: all of in); the rest is
		      * the next message */
};

static const struct good_case good_cases[] = {
	{ __LINE__, "one chunk", IN("5\r\nhello\r\n0\r\n\r\n"), OUT("hello"), 15 },
	{ __LINE__, "MDN example",
	  IN("7\r\nMozilla\r\n11\r\nDeveloper Network\r\n0\r\n\r\n"),
	  OUT("MozillaDeveloper Network"), 0 },
	{ __LINE__, "empty body", IN("0\r\n\r\n"), OUT(""), 5 },
	{ __LINE__, "hex sizes in both cases",
	  IN("a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n"),
	  OUT("0123456789abcdefghijk"), 0 },
	{ __LINE__, "leading zeros in sizes", IN("0005\r\nhello\r\n000\r\n\r\n"), OUT("hello"), 20 },
	{ __LINE__, "16 hex digits allowed", IN("0000000000000003\r\nabc\r\n0\r\n\r\n"), OUT("abc"), 0 },
	{ __LINE__, "data holding CRLF and NUL",
	  IN("6\r\n\r\n\0\r\n\n\r\n0\r\n\r\n"), OUT("\r\n\0\r\n\n"), 16 },
	{ __LINE__, "extensions skipped",
	  IN("5;name=value\r\nhello\r\n6;a;b=\"q;x\"\r\n world\r\n0;last\r\n\r\n"),
	  OUT("hello world"), 0 },
	{ __LINE__, "BWS before ';' allowed (RFC 9112 7.1.1)",
	  IN("5 ;a=b\r\nhello\r\n5\t \t; a = b\r\nthere\r\n0 ; z\r\n\r\n"),
	  OUT("hellothere"), 44 },
	{ __LINE__, "obs-text in an extension", IN("1;n=\xc3\xa9\r\nx\r\n0\r\n\r\n"), OUT("x"), 16 },
	{ __LINE__, "trailer fields discarded",
	  IN("3\r\nabc\r\n0\r\nX-Checksum: 900150983cd24fb0\r\nExpires: never\r\n\r\n"),
	  OUT("abc"), 59 },
	{ __LINE__, "trailer with empty value", IN("0\r\nX:\r\n\r\n"), OUT(""), 9 },
	{ __LINE__, "leading zeros beyond 16 digits", IN("00000000000000000003\r\nabc\r\n0\r\n\r\n"),
	  OUT("abc"), 32 },
	{ __LINE__, "pipelined request after the body",
	  IN("3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), OUT("abc"), 13 },
	{ __LINE__, "pipelined bytes after trailers",
	  IN("0\r\nT: v\r\n\r\n0\r\n\r\n"), OUT(""), 11 },
	{ __LINE__, "pipelined junk is not looked at", IN("0\r\n\r\n\r\r\x01 bad"), OUT(""), 5 },
};

START_TEST(test_good)
{
	const struct good_case *c = &good_cases[_i];
	struct result r = decode_all_ways(c->line, c->desc, c->in, c->len);

	ck_assert_msg(r.rc == CHUNKED_DONE, "line %d (%s): rc %d", c->line,
		      c->desc, r.rc);
	ck_assert_msg(r.out_len == c->out_len && memcmp(r.out, c->out, r.out_len) == 0,
		      "line %d (%s): decoded \"%.*s\"", c->line, c->desc,
		      (int)r.out_len, r.out);
	size_t want_used = c->used ? c->used : c->len;

	ck_assert_msg(r.used == want_used, "line %d (%s): used %zu, want %zu",
		      c->line, c->desc, r.used, want_used);
	ck_assert_msg(r.total == c->out_len, "line %d (%s): total %ju", c->line,
		      c->desc, (uintmax_t)r.total);
	free(r.out);
}
END_TEST

/* ------------------------------------------------------------------------ */

struct bad_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;
	int want; /* CHUNKED_ERROR, or CHUNKED_MORE for a valid prefix */
};

static const struct bad_case bad_cases[] = {
	{ __LINE__, "empty size line", IN("\r\n5\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "size not hex", IN("g\r\n"), CHUNKED_ERROR },
	{ __LINE__, "size with 0x prefix", IN("0x5\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "size with sign", IN("+5\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "negative size", IN("-1\r\n"), CHUNKED_ERROR },
	{ __LINE__, "whitespace before size", IN(" 5\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "tab before size", IN("\t5\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "whitespace after size without ';'", IN("5 \r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "whitespace inside size", IN("1 0\r\n"), CHUNKED_ERROR },
	{ __LINE__, "17 significant hex digits", IN("10000000000000003\r\nabc\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare LF after size (funky chunks)", IN("3\nabc\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare LF after an extension", IN("3;e\nabc\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare LF after data", IN("3\r\nabc\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare LF after a trailer field", IN("0\r\nT: v\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare LF as the final line", IN("0\r\n\n"), CHUNKED_ERROR },
	{ __LINE__, "size 2^63 overflows 63 bits", IN("8000000000000000\r\n"), CHUNKED_ERROR },
	{ __LINE__, "size 2^64 - 1", IN("ffffffffffffffff\r\n"), CHUNKED_ERROR },
	{ __LINE__, "size 2^63 - 1 is fine, data awaited", IN("7fffffffffffffff\r\nabc"), CHUNKED_MORE },
	{ __LINE__, "bare CR after size", IN("5\rhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare CR in an extension", IN("5;a\rb\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "control byte in an extension", IN("5;a\x01\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "NUL in an extension", IN("5;a\0\r\nhello\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "data longer than size", IN("3\r\nabcd\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "data followed by bare CR", IN("3\r\nabc\rX0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "data followed by CR CR", IN("3\r\nabc\r\r\n0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "data without any line end", IN("3\r\nabc0\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "last-chunk with bare CR", IN("0\r\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "bare CR on the final empty line", IN("0\r\n\rX"), CHUNKED_ERROR },
	{ __LINE__, "trailer line without colon", IN("0\r\nX-Foo\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer with space before colon", IN("0\r\nX-Foo : a\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer with empty name", IN("0\r\n: a\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer obs-fold", IN("0\r\nX: a\r\n b\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer with bare CR", IN("0\r\nX: a\rb\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer with control byte", IN("0\r\nX: a\x7f\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "trailer ending CR CR LF", IN("0\r\nX: a\r\r\n\r\n"), CHUNKED_ERROR },
	{ __LINE__, "incomplete: inside data", IN("5\r\nhel"), CHUNKED_MORE },
	{ __LINE__, "incomplete: after data", IN("5\r\nhello\r\n"), CHUNKED_MORE },
	{ __LINE__, "incomplete: pending CR", IN("5\r\nhello\r"), CHUNKED_MORE },
	{ __LINE__, "incomplete: trailer section", IN("0\r\nX: a\r\n"), CHUNKED_MORE },
	{ __LINE__, "incomplete: final CR", IN("0\r\n\r"), CHUNKED_MORE },
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct result r = decode_all_ways(c->line, c->desc, c->in, c->len);

	ck_assert_msg(r.rc == c->want, "line %d (%s): rc %d, want %d", c->line,
		      c->desc, r.rc, c->want);
	free(r.out);
}
END_TEST

/* ------------------------------------------------------------------------ */

/* A size line "1;" + ext padded so the line has exactly `line` bytes. */
static char *long_line_body(size_t line, bool trailer, size_t *len)
{
	size_t cap = line + 32;
	char *b = malloc(cap);
	size_t off = 0;

	ck_assert_ptr_nonnull(b);
	if (trailer) {
		off = (size_t)snprintf(b, cap, "0\r\nX:");
		memset(b + off, 'v', line - 2);
		off += line - 2;
		off += (size_t)snprintf(b + off, cap - off, "\r\n\r\n");
	} else {
		memcpy(b, "1;", 2);
		memset(b + 2, 'e', line - 2);
		off = line;
		off += (size_t)snprintf(b + off, cap - off, "\r\nz\r\n0\r\n\r\n");
	}
	ck_assert_uint_lt(off, cap);
	*len = off;
	return b;
}

struct line_case {
	int line;
	const char *desc;
	size_t length;
	bool trailer;
	int want;
};

static const struct line_case line_cases[] = {
	{ __LINE__, "size line at CHUNKED_MAX_LINE", CHUNKED_MAX_LINE, false, CHUNKED_DONE },
	{ __LINE__, "size line over CHUNKED_MAX_LINE", CHUNKED_MAX_LINE + 1, false, CHUNKED_ERROR },
	{ __LINE__, "trailer line at CHUNKED_MAX_LINE", CHUNKED_MAX_LINE, true, CHUNKED_DONE },
	{ __LINE__, "trailer line over CHUNKED_MAX_LINE", CHUNKED_MAX_LINE + 1, true, CHUNKED_ERROR },
};

START_TEST(test_line_limit)
{
	const struct line_case *c = &line_cases[_i];
	size_t len;
	char *b = long_line_body(c->length, c->trailer, &len);
	struct result r;

	for (size_t step = 0; step < 3; step++) {
		decode(b, len, step, step == 1, &r);
		ck_assert_msg(r.rc == c->want, "line %d (%s) step %zu: rc %d",
			      c->line, c->desc, step, r.rc);
		if (r.rc == CHUNKED_DONE)
			ck_assert_msg(r.out_len == 1 || c->trailer, "line %d", c->line);
		free(r.out);
	}
	free(b);
}
END_TEST

/* An endless size line must fail without waiting for its end. */
START_TEST(test_endless_line)
{
	size_t n = CHUNKED_MAX_LINE + 100;
	char *b = malloc(n);
	struct result r;

	ck_assert_ptr_nonnull(b);
	memset(b, 'x', n);
	memcpy(b, "1;", 2);
	decode(b, n, 0, false, &r);
	ck_assert_int_eq(r.rc, CHUNKED_ERROR);
	free(r.out);
	free(b);
}
END_TEST

START_TEST(test_done_is_sticky)
{
	static const char in[] = "1\r\na\r\n0\r\n\r\nNEXT";
	char out[sizeof(in)];
	struct chunked_dec d;
	size_t used, got;

	chunked_init(&d);
	ck_assert_int_eq(chunked_decode(&d, in, sizeof(in) - 1, &used, out, &got),
			 CHUNKED_DONE);
	ck_assert_uint_eq(used, sizeof(in) - 1 - 4);
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(chunked_decode(&d, in + used, 4, &used, out, &got),
			 CHUNKED_DONE);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(got, 0);
}
END_TEST

START_TEST(test_error_is_sticky)
{
	static const char bad[] = "z\r\n";
	static const char good[] = "0\r\n\r\n";
	char out[8];
	struct chunked_dec d;
	size_t used, got;

	chunked_init(&d);
	ck_assert_int_eq(chunked_decode(&d, bad, 3, &used, out, &got), CHUNKED_ERROR);
	ck_assert_int_eq(chunked_decode(&d, good, 5, &used, out, &got), CHUNKED_ERROR);
}
END_TEST

/* ------------------------------------------------------------------------ */

/* Several MB in chunks of many sizes; the payload is a pattern so a lost or
 * repeated byte shows. */
static char *big_body(size_t payload, size_t *len, char **want)
{
	size_t cap = payload + payload / 8 + 64, off = 0, done = 0, sz = 1;
	char *b = malloc(cap);

	*want = malloc(payload);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(*want);
	for (size_t i = 0; i < payload; i++)
		(*want)[i] = (char)(i * 7 + i / 251);
	while (done < payload) {
		size_t n = sz < payload - done ? sz : payload - done;

		off += (size_t)snprintf(b + off, cap - off, "%zx%s", n,
					n % 3 ? "\r\n" : ";ext=1\r\n");
		memcpy(b + off, *want + done, n);
		off += n;
		b[off++] = '\r';
		b[off++] = '\n';
		done += n;
		sz = sz * 3 + 1 > 200000 ? 1 : sz * 3 + 1;
		ck_assert_uint_lt(off + 32, cap);
	}
	off += (size_t)snprintf(b + off, cap - off, "0\r\nT: v\r\n\r\n");
	*len = off;
	return b;
}

START_TEST(test_large)
{
	size_t payload = 5 * 1024 * 1024 + 17, len;
	char *want;
	char *b = big_body(payload, &len, &want);
	static const size_t steps[] = { 0, 1, 4093, 65536 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct result r;

		decode(b, len, steps[i], i % 2 == 0, &r);
		ck_assert_int_eq(r.rc, CHUNKED_DONE);
		ck_assert_uint_eq(r.used, len);
		ck_assert_uint_eq(r.out_len, payload);
		ck_assert_uint_eq(r.total, payload);
		ck_assert(memcmp(r.out, want, payload) == 0);
		free(r.out);
	}
	free(b);
	free(want);
}
END_TEST

/* One 4 MB chunk decoded in place in one call. */
START_TEST(test_large_single_chunk)
{
	size_t payload = 4 * 1024 * 1024, hdr = 8; /* "400000\r\n" */
	size_t len = hdr + payload + 7;
	char *b = malloc(len);
	size_t used, got;
	struct chunked_dec d;

	ck_assert_ptr_nonnull(b);
	memcpy(b, "400000\r\n", hdr);
	for (size_t i = 0; i < payload; i++)
		b[hdr + i] = (char)(i % 253);
	memcpy(b + hdr + payload, "\r\n0\r\n\r\n", 7);
	chunked_init(&d);
	ck_assert_int_eq(chunked_decode(&d, b, len, &used, b, &got), CHUNKED_DONE);
	ck_assert_uint_eq(used, len);
	ck_assert_uint_eq(got, payload);
	ck_assert_uint_eq(d.total, payload);
	char *want = malloc(payload);

	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < payload; i++)
		want[i] = (char)(i % 253);
	ck_assert(memcmp(b, want, payload) == 0);
	free(want);
	free(b);
}
END_TEST

/*
 * The trailer section is held to the limits of a head (limits.header_bytes,
 * limits.headers), counted on its own: field lines with their CRLFs, not the
 * final empty line. "T: v\r\n" is 6 bytes.
 */
static const struct trailer_case {
	int line;
	const char *desc;
	size_t max_bytes, max_fields;
	const char *in;
	size_t len;
	int want;
} trailer_cases[] = {
	{ __LINE__, "no trailer, no room for any", 0, 0, IN("1\r\na\r\n0\r\n\r\n"), CHUNKED_DONE },
	{ __LINE__, "one field exactly at the byte limit", 6, 1, IN("0\r\nT: v\r\n\r\n"), CHUNKED_DONE },
	{ __LINE__, "one field a byte over the limit", 5, 1, IN("0\r\nT: v\r\n\r\n"), CHUNKED_TOO_LARGE },
	{ __LINE__, "over the byte limit before its line ends", 3, 10, IN("0\r\nT: vvvvvvvv"), CHUNKED_TOO_LARGE },
	{ __LINE__, "fields exactly at the count limit", 100, 2, IN("0\r\nA: 1\r\nB: 2\r\n\r\n"), CHUNKED_DONE },
	{ __LINE__, "one field over the count limit", 100, 2, IN("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), CHUNKED_TOO_LARGE },
	{ __LINE__, "no fields allowed", 100, 0, IN("0\r\nA: 1\r\n\r\n"), CHUNKED_TOO_LARGE },
	{ __LINE__, "chunk data does not count", 6, 1, IN("a\r\n0123456789\r\n0\r\nT: v\r\n\r\n"), CHUNKED_DONE },
	{ __LINE__, "extensions do not count", 6, 1, IN("0;name=valuevalue\r\nT: v\r\n\r\n"), CHUNKED_DONE },
	{ __LINE__, "malformed within the limit is still 400", 100, 10, IN("0\r\nT v\r\n\r\n"), CHUNKED_ERROR },
};

static int decode_trailer_case(const struct trailer_case *c, size_t step)
{
	struct chunked_dec d;
	char out[256];
	size_t pos = 0, used, got;
	int rc = CHUNKED_MORE;

	chunked_init(&d);
	chunked_limit_trailer(&d, c->max_bytes, c->max_fields);
	while (pos < c->len && rc == CHUNKED_MORE) {
		size_t piece = step == 0 || c->len - pos < step ? c->len - pos : step;

		rc = chunked_decode(&d, c->in + pos, piece, &used, out, &got);
		pos += used;
	}
	/* An error is sticky. */
	if (rc < 0)
		ck_assert_int_eq(chunked_decode(&d, "0", 1, &used, out, &got), rc);
	return rc;
}

START_TEST(test_trailer_limits)
{
	const struct trailer_case *c = &trailer_cases[_i];
	int whole = decode_trailer_case(c, 0), bytes = decode_trailer_case(c, 1);

	ck_assert_msg(whole == c->want && bytes == c->want,
		      "line %d (%s): rc %d whole, %d byte by byte, want %d", c->line,
		      c->desc, whole, bytes, c->want);
}
END_TEST

static Suite *chunked_suite(void)
{
	Suite *s = suite_create("chunked");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");
	TCase *limits = tcase_create("limits");

	tcase_add_loop_test(core, test_good, 0, NELEM(good_cases));
	tcase_add_test(core, test_done_is_sticky);
	tcase_add_test(core, test_error_is_sticky);
	tcase_add_loop_test(bad, test_bad, 0, NELEM(bad_cases));
	tcase_add_loop_test(limits, test_line_limit, 0, NELEM(line_cases));
	tcase_add_test(limits, test_endless_line);
	tcase_add_loop_test(limits, test_trailer_limits, 0, NELEM(trailer_cases));
	tcase_add_test(limits, test_large);
	tcase_add_test(limits, test_large_single_chunk);
	tcase_set_timeout(core, 30);
	tcase_set_timeout(bad, 30);
	tcase_set_timeout(limits, 120);
	suite_add_tcase(s, core);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(chunked_suite());
}
