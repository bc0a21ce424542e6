/*
 * The chunked decoder (chunked.c) on any bytes: once whole into a separate
 * buffer, once in place in pieces cut at input-dependent positions (the
 * header promises it resumes at any byte boundary and that output never
 * overtakes input). Both must agree on the result, the bytes consumed and
 * the decoded data; the count of decoded bytes is what was written.
 */
#include <string.h>

#include "chunked.h"
#include "fuzz.h"

struct dec {
	int rc;
	size_t used;   /* input consumed */
	size_t olen;   /* output written */
	uint64_t total;
};

static void whole(const char *in, size_t size, char *out, struct dec *r)
{
	struct chunked_dec d;

	chunked_init(&d);
	r->rc = chunked_decode(&d, in, size, &r->used, out, &r->olen);
	r->total = d.total;
	FUZZ_ASSERT(r->used <= size && r->olen <= r->used);
	if (r->rc == CHUNKED_MORE)
		FUZZ_ASSERT(r->used == size);
}

/*
 * In place, in pieces of 1..16 bytes chosen by the hash. Decoded bytes are
 * gathered at the front of buf, so each piece is decoded where it lies and
 * its output moved down (as a worker does when it compacts its buffer).
 */
static void pieces(char *buf, size_t size, uint64_t h, struct dec *r)
{
	struct chunked_dec d;
	size_t pos = 0;

	chunked_init(&d);
	r->rc = CHUNKED_MORE;
	r->used = r->olen = 0;
	while (r->rc == CHUNKED_MORE && pos < size) {
		size_t n = 1 + (size_t)(h & 15), used = 0, olen = 0;

		h = h >> 4 | h << 60;
		if (n > size - pos)
			n = size - pos;
		r->rc = chunked_decode(&d, buf + pos, n, &used, buf + pos, &olen);
		FUZZ_ASSERT(used <= n && olen <= used);
		if (r->rc == CHUNKED_MORE)
			FUZZ_ASSERT(used == n);
		memmove(buf + r->olen, buf + pos, olen);
		r->olen += olen;
		pos += used;
		r->used = pos;
	}
	r->total = d.total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(size ? size : 1), *buf = malloc(size ? size : 1);
	struct dec a, b;

	FUZZ_ASSERT(out != NULL && buf != NULL);
	if (size)
		memcpy(buf, data, size);
	whole((const char *)data, size, out, &a);
	pieces(buf, size, fuzz_hash(data, size), &b);
	FUZZ_ASSERT(a.rc == CHUNKED_MORE || a.rc == CHUNKED_DONE || a.rc == CHUNKED_ERROR);
	FUZZ_ASSERT(a.rc == b.rc);
	if (a.rc != CHUNKED_ERROR) {
		FUZZ_ASSERT(a.used == b.used && a.olen == b.olen);
		FUZZ_ASSERT(a.total == a.olen && b.total == b.olen);
		FUZZ_ASSERT(a.olen == 0 || memcmp(out, buf, a.olen) == 0);
	}
	free(out);
	free(buf);
	return 0;
}
