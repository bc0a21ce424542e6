/*
 * proxy_proto — the PROXY protocol header (HAProxy's doc/proxy-protocol.txt,
 * versions 1 and 2) that a load balancer sends before the client's bytes,
 * naming the client it relays.
 *
 * Contract: pure; bytes in, a verdict out; no I/O, no allocation. The
 * caller passes everything received so far, from the connection's first
 * byte, and calls again with more: the answer depends only on the bytes, so
 * however they were split the verdict is the same. Strict, as the spec asks
 * ("any sequence which does not exactly match the protocol must be
 * discarded", 2.1): a header is refused as soon as its bytes so far can no
 * longer start a valid one, never after waiting. A complete header reports
 * how many bytes it took (the bytes after it are the client's) and either the
 * client's address or "keep the real peer" (v2 LOCAL, a health check; v1
 * UNKNOWN; v2 AF_UNSPEC and AF_UNIX). TLVs of v2 are walked so that a
 * truncated one is refused, but not interpreted (no CRC32c check: the peer
 * is trusted by its address, and HAProxy sends the checksum only when told).
 */
#ifndef PFHTTPD_PROXY_PROTO_H
#define PFHTTPD_PROXY_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* 2.1: the longest v1 line, "PROXY UNKNOWN <39> <39> 65535 65535\r\n", CRLF included. */
#define PROXY_PROTO_V1_MAX 107
/*
 * A v2 header's length field allows 16 + 65535 bytes; 16 + 216 (AF_UNIX)
 * plus the TLVs HAProxy adds (ALPN, authority, unique id, SSL facts) fit
 * well below this. Longer is refused rather than buffered.
 */
#define PROXY_PROTO_V2_MAX 1024

enum proxy_proto_result {
	PROXY_PROTO_MORE = 0,        /* a valid prefix: read more */
	PROXY_PROTO_DONE = 1,        /* a whole header in the first pp->consumed bytes */
	PROXY_PROTO_BAD = -1,        /* never a valid header: pp->why says why */
};

struct proxy_proto {
	int version;                 /* 1 or 2 once known, else 0 */
	size_t consumed;             /* DONE: the header's length; the client's bytes follow */
	bool has_addr;               /* DONE: src and dst hold the relayed endpoints;
					false: keep the connection's real peer */
	struct sockaddr_storage src, dst; /* with has_addr: AF_INET or AF_INET6 with port */
	const char *why;             /* BAD: a static reason, for the error log */
};

/* Judge buf[0..len): the start of a connection on a PROXY listener. */
enum proxy_proto_result proxy_proto_parse(const void *buf, size_t len, struct proxy_proto *pp);

#endif
