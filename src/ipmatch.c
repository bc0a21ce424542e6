#include "ipmatch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* The 12-byte prefix of an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2). */
static const unsigned char ipmatch_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* "/n": 1 to 3 decimal digits, no sign, no spaces, at most max. 0 or -1. */
static int ipmatch_prefix(const char *s, unsigned max, unsigned *out)
{
	size_t len = strlen(s);
	unsigned v = 0;

	if (len == 0 || len > 3 || strspn(s, "0123456789") != len)
		return -1;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Clear every bit of addr past the first prefix bits. */
static void ipmatch_mask(unsigned char *addr, size_t len, unsigned prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned done = 8 * (unsigned)i;
		unsigned keep = prefix <= done ? 0 : prefix - done >= 8 ? 8 : prefix - done;

		addr[i] &= (unsigned char)(0xff00u >> keep);
	}
}

/* Are the first prefix bits of a and b equal? */
static bool ipmatch_same(const unsigned char *a, const unsigned char *b, unsigned prefix)
{
	unsigned whole = prefix / 8, rest = prefix % 8;
	unsigned char mask = (unsigned char)(0xff00u >> rest);

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0;
}

int ipmatch_parse(const char *text, struct ipmatch *m)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);

	memset(m, 0, sizeof *m);
	if (hlen == 0 || hlen >= sizeof host)
		return -1;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	/* glibc's inet_pton refuses "010.0.0.1" and "127.1": no octal or short
	 * forms whose meaning differs between parsers (CVE-2021-29921). */
	if (inet_pton(AF_INET, host, m->addr) == 1)
		m->family = AF_INET;
	else if (inet_pton(AF_INET6, host, m->addr) == 1)
		m->family = AF_INET6;
	else
		return -1;
	m->prefix = m->family == AF_INET ? 32 : 128;
	if (slash && ipmatch_prefix(slash + 1, m->prefix, &m->prefix) < 0) {
		memset(m, 0, sizeof *m);
		return -1;
	}
	if (m->family == AF_INET6 && m->prefix >= 96 &&
	    memcmp(m->addr, ipmatch_v4mapped, sizeof ipmatch_v4mapped) == 0) {
		memmove(m->addr, m->addr + 12, 4);
		memset(m->addr + 4, 0, 12);
		m->family = AF_INET;
		m->prefix -= 96;
	}
	ipmatch_mask(m->addr, sizeof m->addr, m->prefix);
	return 0;
}

/* The peer as (family, address bytes), an IPv4-mapped IPv6 one as IPv4. */
static int ipmatch_peer(const struct sockaddr_storage *peer, const unsigned char **addr)
{
	if (peer->ss_family == AF_INET) {
		*addr = (const unsigned char *)&((const struct sockaddr_in *)peer)->sin_addr;
		return AF_INET;
	}
	if (peer->ss_family != AF_INET6)
		return -1;
	*addr = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
	if (memcmp(*addr, ipmatch_v4mapped, sizeof ipmatch_v4mapped) == 0) {
		*addr += 12;
		return AF_INET;
	}
	return AF_INET6;
}

bool ipmatch_any(const struct ipmatch *m, size_t n, const struct sockaddr_storage *peer)
{
	const unsigned char *addr;
	int family = ipmatch_peer(peer, &addr);

	for (size_t i = 0; family >= 0 && i < n; i++)
		if (m[i].family == family && ipmatch_same(m[i].addr, addr, m[i].prefix))
			return true;
	return false;
}
