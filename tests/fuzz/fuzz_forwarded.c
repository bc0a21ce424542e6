/*
 * The real_ip readers (realip.c) on any bytes: X-Forwarded-For and RFC 7239
 * Forwarded, and the walk over them. The input's first byte picks the
 * format; the rest, split at '\n', are up to 4 field lines. Besides what
 * ASan and UBSan catch, realip.h's promises: reading ends, each entry is an
 * IPv4 or IPv6 address (its port set exactly when has_port), "unknown" or
 * malformed, and nothing follows a malformed one; a comma-separated list
 * split in two at a ',' outside quotes reads the same as two field lines
 * (RFC 9110 5.3); and the walk's answer is the one the entries give: from
 * an untrusted peer always the peer, with everyone trusted the last
 * address before the first entry that names none, and otherwise the first
 * untrusted address read, or the last one before an entry naming none.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "fuzz.h"
#include "ipmatch.h"
#include "realip.h"

#define MAX_FIELDS 4
#define MAX_ENTRIES 4096

static struct realip_entry entries[MAX_ENTRIES];

static unsigned entry_port(const struct realip_entry *e)
{
	if (e->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&e->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&e->addr)->sin_port);
}

static bool same_entry(const struct realip_entry *a, const struct realip_entry *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind != REALIP_ADDR ||
	       (a->has_port == b->has_port && memcmp(&a->addr, &b->addr, sizeof a->addr) == 0);
}

/* Every entry of one value, appended from *n; the promises of each. */
static void read_value(enum realip_format fmt, const char *p, size_t len, size_t *n)
{
	struct realip_cursor c;
	struct realip_entry e;
	size_t commas = 0, got = 0;

	for (size_t i = 0; i < len; i++)
		commas += p[i] == ',';
	realip_cursor_init(&c, fmt, p, len);
	while (realip_prev(&c, &e)) {
		FUZZ_ASSERT(e.kind == REALIP_ADDR || e.kind == REALIP_UNKNOWN || e.kind == REALIP_BAD);
		if (e.kind == REALIP_ADDR) {
			FUZZ_ASSERT(e.addr.ss_family == AF_INET || e.addr.ss_family == AF_INET6);
			FUZZ_ASSERT(e.has_port == (entry_port(&e) != 0));
		}
		FUZZ_ASSERT(++got <= commas + 1);
		FUZZ_ASSERT(*n < MAX_ENTRIES);
		entries[(*n)++] = e;
		if (e.kind == REALIP_BAD)
			FUZZ_ASSERT(!realip_prev(&c, &e));
	}
	FUZZ_ASSERT(!realip_prev(&c, &e));
}

/* The walk done by hand over the entries read (from the right). */
static const struct realip_entry *reference_walk(const struct ipmatch *trusted, size_t nt,
						 size_t ne)
{
	const struct realip_entry *w = NULL;

	for (size_t i = 0; i < ne && entries[i].kind == REALIP_ADDR; i++) {
		w = &entries[i];
		if (!ipmatch_any(trusted, nt, &w->addr))
			break;
	}
	return w;
}

/* The walk over n fields, checked against what their entries say. */
static void check_walk(enum realip_format fmt, const struct http_header *h, size_t nh,
		       size_t ne)
{
	static const char *const all_text[] = { "0.0.0.0/0", "::/0" };
	struct ipmatch all[2], only_peer;
	struct sockaddr_storage peer = { .ss_family = AF_INET };
	struct realip_entry got;
	const struct realip_entry *want = NULL;
	const char *name = fmt == REALIP_FORWARDED ? "Forwarded" : "X-Forwarded-For";

	FUZZ_ASSERT(inet_pton(AF_INET, "127.0.0.1", &((struct sockaddr_in *)&peer)->sin_addr) == 1);
	for (size_t i = 0; i < 2; i++)
		FUZZ_ASSERT(ipmatch_parse(all_text[i], &all[i]) == 0);
	FUZZ_ASSERT(ipmatch_parse("192.0.2.1", &only_peer) == 0);
	/* Untrusted: the header is never read. */
	FUZZ_ASSERT(!realip_walk(fmt, name, h, nh, &only_peer, 1, &peer, &got));
	/* Everyone trusted: the last address before the first entry naming none. */
	for (size_t i = 0; i < ne && entries[i].kind == REALIP_ADDR; i++)
		want = &entries[i];
	FUZZ_ASSERT(realip_walk(fmt, name, h, nh, all, 2, &peer, &got) == (want != NULL));
	FUZZ_ASSERT(!want || same_entry(&got, want));
	FUZZ_ASSERT(want == reference_walk(all, 2, ne));
	/* Only the peer trusted: the rightmost address, unless it is the peer's own. */
	FUZZ_ASSERT(ipmatch_parse("127.0.0.1", &only_peer) == 0);
	want = reference_walk(&only_peer, 1, ne);
	FUZZ_ASSERT(realip_walk(fmt, name, h, nh, &only_peer, 1, &peer, &got) == (want != NULL));
	FUZZ_ASSERT(!want || same_entry(&got, want));
	FUZZ_ASSERT(!want || want == &entries[0] || ipmatch_any(&only_peer, 1, &entries[0].addr));
}

/* A ',' outside quotes splits one list into two field lines that read the same. */
static void check_split(enum realip_format fmt, const char *p, size_t len, size_t ne)
{
	size_t cut, n = ne;
	struct realip_entry whole[64];
	size_t nwhole = ne < 64 ? ne : 64;

	if (len == 0 || memchr(p, '"', len) || memchr(p, '\n', len))
		return;
	cut = (size_t)(fuzz_hash((const uint8_t *)p, len) % len);
	if (p[cut] != ',')
		return;
	memcpy(whole, entries, nwhole * sizeof whole[0]);
	n = 0;
	read_value(fmt, p + cut + 1, len - cut - 1, &n);
	/* A malformed entry on the right ends the reading before the left part. */
	if (n == 0 || entries[n - 1].kind != REALIP_BAD)
		read_value(fmt, p, cut, &n);
	FUZZ_ASSERT(n == ne);
	for (size_t i = 0; i < nwhole; i++)
		FUZZ_ASSERT(same_entry(&entries[i], &whole[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum realip_format fmt;
	struct http_header h[MAX_FIELDS];
	size_t nh = 0, ne = 0, start = 1;
	const char *p = (const char *)data;

	if (size == 0)
		return 0;
	fmt = data[0] & 1 ? REALIP_FORWARDED : REALIP_XFF;
	for (size_t i = 1; i <= size && nh < MAX_FIELDS; i++) {
		if (i < size && data[i] != '\n')
			continue;
		h[nh].name = fmt == REALIP_FORWARDED ? (struct http_str){ "forwarded", 9 }
						     : (struct http_str){ "x-forwarded-for", 15 };
		h[nh].value = (struct http_str){ p + start, i - start };
		nh++;
		start = i + 1;
	}
	/* The entries from the last field's end backwards, as the walk reads them. */
	for (size_t i = nh; i-- > 0;) {
		read_value(fmt, h[i].value.p, h[i].value.len, &ne);
		if (ne > 0 && entries[ne - 1].kind == REALIP_BAD)
			break;
	}
	check_walk(fmt, h, nh, ne);
	if (nh == 1) {
		ne = 0;
		read_value(fmt, h[0].value.p, h[0].value.len, &ne);
		check_split(fmt, h[0].value.p, h[0].value.len, ne);
	}
	return 0;
}
