/*
 * The PROXY protocol parser (proxy_proto.c) on any bytes. Besides what ASan
 * and UBSan catch, the header's promises: a known result; a whole header
 * takes no more than was given and no more than its version allows (107
 * bytes for v1, PROXY_PROTO_V2_MAX for v2); a client address is IPv4 or
 * IPv6 with a destination of the same family; a refusal names its reason;
 * "more" is never the answer to more bytes than any header may hold; and
 * the verdict depends on the header's bytes alone: a prefix chosen by the
 * input's hash is judged "more" or the same, and the header by itself gives
 * the same header.
 */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "proxy_proto.h"

static void check_one(const uint8_t *data, size_t size, int r, const struct proxy_proto *pp)
{
	FUZZ_ASSERT(r == PROXY_PROTO_MORE || r == PROXY_PROTO_DONE || r == PROXY_PROTO_BAD);
	FUZZ_ASSERT(pp->version >= 0 && pp->version <= 2);
	if (r == PROXY_PROTO_BAD) {
		FUZZ_ASSERT(pp->why != NULL && pp->why[0] != '\0');
		return;
	}
	FUZZ_ASSERT(pp->why == NULL);
	if (r == PROXY_PROTO_MORE) {
		FUZZ_ASSERT(size < PROXY_PROTO_V2_MAX);
		FUZZ_ASSERT(!(pp->version == 1 && size >= PROXY_PROTO_V1_MAX));
		return;
	}
	FUZZ_ASSERT(pp->version == 1 || pp->version == 2);
	FUZZ_ASSERT(pp->consumed <= size);
	FUZZ_ASSERT(pp->consumed >= (pp->version == 1 ? sizeof("PROXY UNKNOWN\r\n") - 1 : 16));
	FUZZ_ASSERT(pp->consumed <= (pp->version == 1 ? PROXY_PROTO_V1_MAX : PROXY_PROTO_V2_MAX));
	if (pp->version == 1)
		FUZZ_ASSERT(memcmp(data + pp->consumed - 2, "\r\n", 2) == 0);
	if (pp->has_addr) {
		FUZZ_ASSERT(pp->src.ss_family == AF_INET || pp->src.ss_family == AF_INET6);
		FUZZ_ASSERT(pp->dst.ss_family == pp->src.ss_family);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_proto whole, part;
	int r = proxy_proto_parse(data, size, &whole), rp;
	size_t cut = size ? (size_t)(fuzz_hash(data, size) % (size + 1)) : 0;

	check_one(data, size, r, &whole);
	rp = proxy_proto_parse(data, cut, &part);
	check_one(data, cut, rp, &part);
	FUZZ_ASSERT(rp == PROXY_PROTO_MORE || rp == r);
	if (r == PROXY_PROTO_DONE) {
		/* Exactly the header: the same header, the same client. */
		rp = proxy_proto_parse(data, whole.consumed, &part);
		FUZZ_ASSERT(rp == PROXY_PROTO_DONE && part.consumed == whole.consumed);
		FUZZ_ASSERT(part.has_addr == whole.has_addr);
		FUZZ_ASSERT(!whole.has_addr || memcmp(&part.src, &whole.src, sizeof(part.src)) == 0);
		/* One byte short of it: not yet. */
		FUZZ_ASSERT(proxy_proto_parse(data, whole.consumed - 1, &part) == PROXY_PROTO_MORE);
	}
	return 0;
}
