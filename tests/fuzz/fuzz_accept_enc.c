/*
 * Accept-Encoding (accept_enc.c) on any bytes: every remembered qvalue is
 * -1 (not listed) or 0..1000; the choice is identity or a coding the caller
 * has; and the promise of RFC 9110 5.3 the header makes: the value read as
 * one field is the value split at any comma into two fields.
 */
#include <string.h>

#include "accept_enc.h"
#include "fuzz.h"

static void check_ranges(const struct accept_enc *ae)
{
	FUZZ_ASSERT(ae->star >= -1 && ae->star <= 1000);
	for (int c = 0; c < ACCEPT_ENC_N; c++)
		FUZZ_ASSERT(ae->q[c] >= -1 && ae->q[c] <= 1000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *comma = memchr(s, ',', size);
	struct accept_enc one, two;

	accept_enc_init(&one);
	accept_enc_add(&one, s, size);
	check_ranges(&one);
	for (unsigned have = 0; have < 4; have++) {
		enum accept_enc_coding c = accept_enc_choose(&one, have << 1);
		FUZZ_ASSERT(c == ACCEPT_ENC_IDENTITY || (ACCEPT_ENC_HAVE(c) & (have << 1)));
	}
	if (!comma)
		return 0;
	/* The same list as two fields, cut at its first comma. */
	accept_enc_init(&two);
	accept_enc_add(&two, s, (size_t)(comma - s));
	accept_enc_add(&two, comma + 1, size - (size_t)(comma - s) - 1);
	FUZZ_ASSERT(memcmp(one.q, two.q, sizeof(one.q)) == 0 && one.star == two.star);
	return 0;
}
