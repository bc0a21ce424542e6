/*
 * The path normaliser (uri.c) on any bytes. Its header promises a result
 * that starts with '/', holds no "//", no dot-segment, no control byte and
 * no dotfile segment but "/.well-known", is never longer than the input,
 * and is exactly as long as it says; with too small an output buffer it
 * answers 400 rather than writing past it. Percent-encoding a result and
 * normalising it again gives the same result, and encoding then decoding
 * any bytes gives them back.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "uri.h"

static void check_path(const char *out, size_t len)
{
	FUZZ_ASSERT(len > 0 && out[0] == '/' && out[len] == '\0');
	FUZZ_ASSERT(strlen(out) == len);
	FUZZ_ASSERT(strstr(out, "//") == NULL);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_ASSERT(c >= 0x20 && c != 0x7F);
		/* A segment never starts with '.', but for /.well-known. */
		if (c == '/' && i + 1 < len && out[i + 1] == '.')
			FUZZ_ASSERT(strncmp(out + i, "/.well-known", 12) == 0 &&
				    (out[i + 12] == '/' || out[i + 12] == '\0'));
	}
}

/* Encode the result and normalise it again: the same path. */
static void check_again(const char *out, size_t len)
{
	size_t cap = 3 * len + 1, len2 = 0;
	char *enc = malloc(cap), *out2 = malloc(cap);
	long n;

	FUZZ_ASSERT(enc != NULL && out2 != NULL);
	enc[0] = '\0';
	n = uri_pct_encode_path(enc, cap, out, len);
	FUZZ_ASSERT(n >= (long)len);
	FUZZ_ASSERT(uri_normalize(enc, (size_t)n, out2, cap, &len2) == 0);
	FUZZ_ASSERT(len2 == len && memcmp(out, out2, len) == 0);
	free(enc);
	free(out2);
}

static void check_normalize(const char *in, size_t size)
{
	/* Exact-size heap buffers, so ASan sees one byte too many. */
	char *out = malloc(size + 1), *tiny = malloc(size / 2 + 1);
	size_t len = 0, len_tiny = 0;
	int rc;

	FUZZ_ASSERT(out != NULL && tiny != NULL);
	rc = uri_normalize(in, size, out, size + 1, &len);
	FUZZ_ASSERT(rc == 0 || rc == 400 || rc == 403);
	if (rc == 0) {
		FUZZ_ASSERT(len <= size);
		check_path(out, len);
		check_again(out, len);
	}
	if (size > 0)
		FUZZ_ASSERT(uri_normalize(in, size, tiny, size / 2 + 1, &len_tiny) == 400);
	free(out);
	free(tiny);
}

/* Any bytes survive encoding then decoding. */
static void check_codec(const char *in, size_t size)
{
	size_t cap = 3 * size + 1;
	char *enc = malloc(cap), *dec = malloc(size + 1);
	long n, m;

	FUZZ_ASSERT(enc != NULL && dec != NULL);
	enc[0] = '\0';
	n = uri_pct_encode_path(enc, cap, in, size);
	FUZZ_ASSERT(n >= (long)size && (size_t)n < cap);
	m = uri_pct_decode(enc, (size_t)n, dec, size + 1);
	FUZZ_ASSERT(m == (long)size && memcmp(dec, in, size) == 0);
	/* One byte short: refused, nothing written past it. */
	if (size > 0) {
		enc[0] = '\0';
		FUZZ_ASSERT(uri_pct_encode_path(enc, (size_t)n, in, size) == -1);
		FUZZ_ASSERT(enc[0] == '\0');
	}
	/* Decoding the raw input never writes more than cap. */
	m = uri_pct_decode(in, size, dec, size + 1);
	FUZZ_ASSERT(m >= -1 && m <= (long)size);
	free(enc);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_normalize((const char *)data, size);
	check_codec((const char *)data, size);
	return 0;
}
