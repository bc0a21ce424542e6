/*
 * chunked — decoder for the chunked transfer-coding (RFC 9112 7.1).
 *
 * Contract: pure. Bytes in, decoded bytes out; no I/O, no allocation. Feed it
 * whatever arrived; it resumes at any byte boundary (inside a size line, an
 * extension, a CRLF, data or the trailer section). Chunk extensions are
 * skipped; trailer fields are read and discarded (never merged into the
 * header section, RFC 9112 7.1.2). Every line ending must be CRLF: a bare
 * LF or bare CR, a non-hex size, a size of 2^63 or more (leading zeros are
 * fine), or a chunk whose data is not followed by CRLF is an error (400),
 * as is a size line, extension or trailer line longer than CHUNKED_MAX_LINE.
 * The trailer section is held to the limits of a request head
 * (chunked_limit_trailer: limits.header_bytes and limits.headers); past
 * them the answer is 431, as for a head (RFC 6585 5).
 */
#ifndef PFHTTPD_CHUNKED_H
#define PFHTTPD_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#define CHUNKED_MAX_LINE 4096 /* size line with extensions, or one trailer line */

enum chunked_result {
	CHUNKED_MORE = 0,   /* all input used; more needed */
	CHUNKED_DONE = 1,   /* last chunk and trailer section read */
	CHUNKED_ERROR = -1, /* malformed: answer 400 and close */
	CHUNKED_TOO_LARGE = -2, /* trailer section over its limits: answer 431 and close */
};

struct chunked_dec {
	int state;
	uint64_t remaining;  /* data bytes left in the current chunk */
	size_t line_len;     /* bytes of the current size/trailer line so far */
	uint64_t total;      /* decoded bytes so far: the caller checks it against limits.body */
	size_t tr_bytes, tr_fields;         /* trailer section so far */
	size_t tr_max_bytes, tr_max_fields; /* its limits; SIZE_MAX: none */
};

/* Ready to decode a body; the trailer section has no limit but CHUNKED_MAX_LINE. */
void chunked_init(struct chunked_dec *d);

/*
 * Hold the trailer section to at most max_bytes bytes (its field lines with
 * their CRLFs, not the final empty line) and max_fields fields.
 */
void chunked_limit_trailer(struct chunked_dec *d, size_t max_bytes, size_t max_fields);

/*
 * Decode from in[0..in_len). Decoded data is written to out (which may be
 * the same pointer as in: output never overtakes input), *out_len set to
 * the bytes written, *in_used to the bytes consumed. On CHUNKED_DONE,
 * in[*in_used..] is the start of the next message (pipelining).
 */
int chunked_decode(struct chunked_dec *d, const char *in, size_t in_len,
		   size_t *in_used, char *out, size_t *out_len);

#endif
