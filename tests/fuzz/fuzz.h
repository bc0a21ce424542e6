/*
 * fuzz — what every libFuzzer harness in tests/fuzz/ shares.
 *
 * Contract: each harness defines LLVMFuzzerTestOneInput() over one pure
 * module of src/ and checks, besides what ASan and UBSan catch, the promises
 * the module's header makes (results in range, spans inside the input, the
 * same answer however the bytes are split). A broken promise aborts with
 * FUZZ_ASSERT, which libFuzzer reports as a crash with its reproducer.
 * Harnesses do no I/O per input (conf's one temporary file excepted).
 */
#ifndef PFHTTPD_FUZZ_H
#define PFHTTPD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: broken promise: %s\n",       \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

/* FNV-1a of the input: a split position that is the same on every run of
 * the same input, so a reproducer reproduces. */
static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	return h;
}

#endif
