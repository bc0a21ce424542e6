/*
 * ipmatch — IP addresses and CIDR prefixes ("10.0.0.0/8", "2001:db8::/32")
 * parsed from text and matched against a client's address.
 *
 * Contract: pure; no I/O, no allocation, no name lookups (inet_pton only,
 * so "localhost" is refused, never resolved). An entry is stored with the
 * bits past its prefix cleared, so matching is a masked compare. An
 * IPv4-mapped IPv6 peer (::ffff:a.b.c.d, what a dual-stack socket reports
 * for an IPv4 client) matches IPv4 entries, and an IPv4-mapped entry with a
 * prefix of 96 or more is stored as the IPv4 entry it stands for, so
 * the two spellings of one address behave the same.
 */
#ifndef PFHTTPD_IPMATCH_H
#define PFHTTPD_IPMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct ipmatch {
	int family;                  /* AF_INET or AF_INET6 */
	unsigned char addr[16];      /* network byte order; IPv4 uses the first 4 */
	unsigned prefix;             /* 0..32 or 0..128 */
};

/*
 * "a.b.c.d", "a.b.c.d/n", "x:y::z" or "x:y::z/n" into *m. Without "/n" the
 * entry is one address. Host bits set past the prefix ("10.1.2.3/8") are
 * accepted and cleared, as nginx's allow does. 0, or -1 when malformed.
 */
int ipmatch_parse(const char *text, struct ipmatch *m);

/* Does peer (AF_INET or AF_INET6) fall in any of m[0..n)? false for other families. */
bool ipmatch_any(const struct ipmatch *m, size_t n, const struct sockaddr_storage *peer);

#endif
