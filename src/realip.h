/*
 * realip — the client a trusted reverse proxy reports in a request header
 * (real_ip in pfhttpd.conf(5)): X-Forwarded-For, RFC 7239's Forwarded, or
 * any other field read as an X-Forwarded-For style list (X-Real-IP,
 * CF-Connecting-IP...).
 *
 * Contract: pure; no I/O, no allocation, no name lookups (inet_pton only).
 * The chain is read from its right end, the hop nearest to us, because
 * only that end is written by proxies we trust: everything to the left
 * may be the client's own invention. So the Forwarded parser, too, finds
 * an element's start by scanning leftwards, and a client's unbalanced
 * quote can never swallow the element a trusted proxy appended after it.
 * A quoted value holding '\' or an unbalanced '"' makes its element
 * malformed (no node of RFC 7239 6 needs either).
 *
 * The walk (nginx's real_ip_recursive on): only when the connection's peer
 * is trusted, take entries from the right, skip trusted addresses, and stop
 * at the first untrusted one: that is the client. A chain of trusted
 * addresses only gives its leftmost. An entry that names no address
 * ("unknown", an obfuscated "_id", a Forwarded element without for=) or
 * that is malformed also stops the walk: the client is then the last
 * address read before it (a trusted hop, the nearest known client), or,
 * when there is none, the peer itself. nginx keeps the peer in both cases;
 * we keep the hop the proxy chain did vouch for, which is never an address
 * the client chose. Empty list elements are skipped (RFC 9110 5.6.1).
 */
#ifndef PFHTTPD_REALIP_H
#define PFHTTPD_REALIP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "http_parse.h"

struct ipmatch;

enum realip_format {
	REALIP_XFF,                  /* "a, b, c": addresses, "[v6]" and "v4:port" also read */
	REALIP_FORWARDED,            /* RFC 7239: elements by ',', pairs by ';', for= is the node */
};

enum realip_kind {
	REALIP_ADDR,                 /* an IP address, maybe with a port */
	REALIP_UNKNOWN,              /* "unknown", an obfuscated node, an element without for= */
	REALIP_BAD,                  /* not the field's syntax: nothing left of it is read */
};

struct realip_entry {
	enum realip_kind kind;
	struct sockaddr_storage addr; /* REALIP_ADDR: AF_INET or AF_INET6, the port in it (0: none) */
	bool has_port;               /* the entry named a numeric port */
};

/* Reading one field line's value from its end. */
struct realip_cursor {
	const char *p;
	size_t end;                  /* p[0, end) is still to read */
	bool done;
	enum realip_format fmt;
};

/* "Forwarded" (case-insensitive) is RFC 7239's; any other field name is an XFF list. */
enum realip_format realip_format_of(const char *header);

void realip_cursor_init(struct realip_cursor *c, enum realip_format fmt,
			const char *value, size_t len);

/*
 * The entry before those already read (empty ones skipped): true with *e,
 * false when the value is used up. After a REALIP_BAD entry, false.
 */
bool realip_prev(struct realip_cursor *c, struct realip_entry *e);

/*
 * The walk above over every field line named name among h[0, n), the
 * lines taken as one list in their order (RFC 9110 5.3), from the last.
 * true with *client (REALIP_ADDR) when an address of the header is the
 * client; false: the peer is (untrusted, no such field, or nothing before
 * the first entry that names no address).
 */
bool realip_walk(enum realip_format fmt, const char *name, const struct http_header *h,
		 size_t n, const struct ipmatch *trusted, size_t ntrusted,
		 const struct sockaddr_storage *peer, struct realip_entry *client);

#endif
