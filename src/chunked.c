/*
 * chunked — decoder for the chunked transfer-coding (RFC 9112 7.1).
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 *
 * A flat state machine over one byte at a time, except chunk-data, which is
 * moved in one memmove per call. Writing at or behind the read position keeps
 * in-place decoding (out == in) safe.
 */
#include "chunked.h"
#include "http_chars.h"

#include <stdbool.h>
#include <string.h>

/*
 * RFC 9112 7.1 leaves the width of chunk-size to us: any number of digits
 * (leading zeros included, up to CHUNKED_MAX_LINE) whose value stays below
 * 2^63, which is more than any body we accept and guards the arithmetic
 * (CVE-2013-2028).
 *
 * Every line ending in a chunked body must be CRLF. RFC 9112 2.2 lets a
 * recipient accept a bare LF only after the start-line and header fields;
 * accepting it inside chunked framing is what request-smuggling research
 * ("funky chunks") exploits against servers behind a proxy that reads the
 * same bytes differently.
 */

enum {
	CK_SIZE_START,  /* first hex digit of chunk-size */
	CK_SIZE,        /* more hex digits */
	CK_SIZE_BWS,    /* whitespace after the size: only ';' may follow */
	CK_EXT,         /* chunk-ext, skipped up to the line end */
	CK_SIZE_LF,     /* CR seen at the end of the size line */
	CK_DATA,        /* chunk-data, d->remaining bytes left */
	CK_DATA_END,    /* CRLF after chunk-data */
	CK_DATA_LF,     /* CR seen after chunk-data */
	CK_TR_START,    /* start of a trailer line, or the final empty line */
	CK_TR_NAME,     /* trailer field-name */
	CK_TR_VALUE,    /* trailer field-value, discarded */
	CK_TR_LF,       /* CR seen at the end of a trailer line */
	CK_END_LF,      /* CR seen on the final empty line */
	CK_DONE,
	CK_ERROR,
	CK_TOO_LARGE,
};

/* Status of one step: keep going, finished, malformed, or over a limit. */
enum { CK_GO = 0, CK_STOP = 1, CK_BAD = -1, CK_BIG = -2 };

void chunked_init(struct chunked_dec *d)
{
	memset(d, 0, sizeof(*d));
	d->state = CK_SIZE_START;
	d->tr_max_bytes = SIZE_MAX;
	d->tr_max_fields = SIZE_MAX;
}

void chunked_limit_trailer(struct chunked_dec *d, size_t max_bytes, size_t max_fields)
{
	d->tr_max_bytes = max_bytes;
	d->tr_max_fields = max_fields;
}

/* The size line ended: data follows, or the trailer section if size was 0. */
static int ck_size_line_done(struct chunked_dec *d)
{
	d->line_len = 0;
	d->state = d->remaining > 0 ? CK_DATA : CK_TR_START;
	return CK_GO;
}

static int ck_size_digit(struct chunked_dec *d, unsigned char c)
{
	int v = http_hexval(c);

	if (v < 0)
		return CK_BAD;
	/* The value must stay below 2^63. */
	if (d->remaining > ((uint64_t)INT64_MAX - (uint64_t)v) / 16)
		return CK_BAD;
	d->remaining = d->remaining * 16 + (uint64_t)v;
	d->state = CK_SIZE;
	return CK_GO;
}

/* After the size: BWS, then ';' and an extension, or the line end. */
static int ck_after_size(struct chunked_dec *d, unsigned char c)
{
	if (c == ' ' || c == '\t')
		d->state = CK_SIZE_BWS;
	else if (c == ';')
		d->state = CK_EXT;
	else if (c == '\r')
		d->state = CK_SIZE_LF;
	else
		return CK_BAD;
	return CK_GO;
}

/* chunk-size [ BWS ";" ext ] line-end; RFC 9112 7.1.1 allows the BWS. */
static int ck_size_byte(struct chunked_dec *d, unsigned char c)
{
	switch (d->state) {
	case CK_SIZE_START:
		return ck_size_digit(d, c); /* no leading whitespace */
	case CK_SIZE:
		if (http_hexval(c) >= 0)
			return ck_size_digit(d, c);
		return ck_after_size(d, c);
	case CK_SIZE_BWS: /* BWS is only allowed before an extension */
		if (c == ' ' || c == '\t' || c == ';')
			return ck_after_size(d, c);
		return CK_BAD;
	case CK_EXT:
		if (c == '\r')
			d->state = CK_SIZE_LF;
		else if (http_is_field_ctl(c))
			return CK_BAD;
		return CK_GO;
	default: /* CK_SIZE_LF */
		return c == '\n' ? ck_size_line_done(d) : CK_BAD;
	}
}

static int ck_trailer_line_done(struct chunked_dec *d)
{
	d->state = CK_TR_START;
	d->line_len = 0;
	return CK_GO;
}

/*
 * Trailer fields are counted like the fields of a head: Apache holds them
 * to its field limits too. Without a limit a client could send an endless
 * trailer section that is read and thrown away for as long as it likes.
 */
static int ck_trailer_count(struct chunked_dec *d, unsigned char c)
{
	if (d->state == CK_TR_START && http_is_tchar(c) &&
	    ++d->tr_fields > d->tr_max_fields)
		return CK_BIG;
	if (++d->tr_bytes > d->tr_max_bytes)
		return CK_BIG;
	return CK_GO;
}

/* Line endings after data and in the trailer section; bare CR is an error. */
static int ck_trailer_byte(struct chunked_dec *d, unsigned char c)
{
	if (d->state != CK_END_LF && !(d->state == CK_TR_START && c == '\r') &&
	    ck_trailer_count(d, c) != CK_GO)
		return CK_BIG;
	switch (d->state) {
	case CK_TR_START:
		if (c == '\r')
			d->state = CK_END_LF;
		else if (http_is_tchar(c))
			d->state = CK_TR_NAME;
		else /* a bare LF, or obs-fold (RFC 9112 5.2) */
			return CK_BAD;
		return CK_GO;
	case CK_TR_NAME:
		if (c == ':')
			d->state = CK_TR_VALUE;
		else if (!http_is_tchar(c))
			return CK_BAD;
		return CK_GO;
	case CK_TR_VALUE:
		if (c == '\r')
			d->state = CK_TR_LF;
		else if (http_is_field_ctl(c))
			return CK_BAD;
		return CK_GO;
	case CK_TR_LF:
		return c == '\n' ? ck_trailer_line_done(d) : CK_BAD;
	default: /* CK_END_LF */
		if (c != '\n')
			return CK_BAD;
		d->state = CK_DONE;
		return CK_STOP;
	}
}

/* The line ending that must follow chunk-data (RFC 9112 7.1). */
static int ck_data_end_byte(struct chunked_dec *d, unsigned char c)
{
	if (d->state == CK_DATA_END) {
		if (c != '\r')
			return CK_BAD;
		d->state = CK_DATA_LF;
		return CK_GO;
	}
	if (c != '\n')
		return CK_BAD;
	d->state = CK_SIZE_START;
	d->line_len = 0;
	return CK_GO;
}

/* One byte of a line (size line, line ending or trailer). Line content,
 * without its ending, is counted against CHUNKED_MAX_LINE so that no line
 * can be endless. */
static int ck_line_byte(struct chunked_dec *d, unsigned char c)
{
	if (d->state == CK_DATA_END || d->state == CK_DATA_LF)
		return ck_data_end_byte(d, c);
	if (c != '\r' && c != '\n' && ++d->line_len > CHUNKED_MAX_LINE)
		return CK_BAD;
	switch (d->state) {
	case CK_SIZE_START:
	case CK_SIZE:
	case CK_SIZE_BWS:
	case CK_EXT:
	case CK_SIZE_LF:
		return ck_size_byte(d, c);
	default:
		return ck_trailer_byte(d, c);
	}
}

/* Move as much chunk-data as there is; return the bytes moved. */
static size_t ck_data(struct chunked_dec *d, const char *in, size_t avail,
		      char *out)
{
	size_t n = avail;

	if ((uint64_t)n > d->remaining)
		n = (size_t)d->remaining;
	memmove(out, in, n);
	d->remaining -= n;
	d->total += n;
	if (d->remaining == 0)
		d->state = CK_DATA_END;
	return n;
}

int chunked_decode(struct chunked_dec *d, const char *in, size_t in_len,
		   size_t *in_used, char *out, size_t *out_len)
{
	size_t i = 0, o = 0;
	int rc = CK_GO;

	while (i < in_len && rc == CK_GO && d->state != CK_DONE &&
	       d->state != CK_ERROR && d->state != CK_TOO_LARGE) {
		if (d->state == CK_DATA) {
			size_t n = ck_data(d, in + i, in_len - i, out + o);

			i += n;
			o += n;
			continue;
		}
		rc = ck_line_byte(d, (unsigned char)in[i++]);
	}
	*in_used = i;
	*out_len = o;
	if (rc == CK_BAD)
		d->state = CK_ERROR;
	else if (rc == CK_BIG)
		d->state = CK_TOO_LARGE;
	if (d->state == CK_ERROR)
		return CHUNKED_ERROR;
	if (d->state == CK_TOO_LARGE)
		return CHUNKED_TOO_LARGE;
	return d->state == CK_DONE ? CHUNKED_DONE : CHUNKED_MORE;
}
