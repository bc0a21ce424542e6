#include "proxy_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

/* 2.1: "PROXY" and exactly one space. */
static const char pp_v1_magic[6] = { 'P', 'R', 'O', 'X', 'Y', ' ' };

/* 2.2: the v2 signature; it holds a NUL, so it is never a C string. */
static const unsigned char pp_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

#define PP_V2_HEAD 16                /* signature, version/command, family, length */
#define PP_V2_LOCAL 0x0
#define PP_V2_PROXY 0x1
/* 2.2: the family/transport bytes a sender may emit. */
#define PP_V2_UNSPEC 0x00
#define PP_V2_TCP4 0x11
#define PP_V2_TCP6 0x21
#define PP_V2_UNIX_STREAM 0x31
/* 2.2: the address block's size for each: addresses, then ports. */
#define PP_V2_LEN_TCP4 (2 * 4 + 2 * 2)
#define PP_V2_LEN_TCP6 (2 * 16 + 2 * 2)
#define PP_V2_LEN_UNIX (2 * 108)

static enum proxy_proto_result pp_bad(struct proxy_proto *pp, const char *why)
{
	pp->why = why;
	return PROXY_PROTO_BAD;
}

/* ---- version 1: one line of text --------------------------------------- */

/* A span of the v1 line. */
struct pp_tok {
	const char *p;
	size_t len;
};

/*
 * Where the line's CRLF starts, in *end. MORE while the line may still
 * end within PROXY_PROTO_V1_MAX bytes; BAD for a bare CR or LF (2.1: "must
 * not tolerate a single CR or LF character to end the line"), a byte that
 * is not printable US-ASCII, or no CRLF in time.
 */
static enum proxy_proto_result pp_v1_end(const char *b, size_t len, size_t *end,
					 struct proxy_proto *pp)
{
	for (size_t i = 0; i < len && i < PROXY_PROTO_V1_MAX; i++) {
		unsigned char ch = (unsigned char)b[i];

		if (ch == '\r') {
			if (i + 2 > PROXY_PROTO_V1_MAX)
				return pp_bad(pp, "v1: no CRLF within 107 bytes");
			if (i + 1 == len)
				return PROXY_PROTO_MORE;
			if (b[i + 1] != '\n')
				return pp_bad(pp, "v1: CR without LF");
			*end = i;
			return PROXY_PROTO_DONE;
		}
		if (ch == '\n')
			return pp_bad(pp, "v1: LF without CR");
		if (ch < 0x20 || ch > 0x7e)
			return pp_bad(pp, "v1: a byte that is not printable US-ASCII");
	}
	if (len >= PROXY_PROTO_V1_MAX)
		return pp_bad(pp, "v1: no CRLF within 107 bytes");
	return PROXY_PROTO_MORE;
}

/*
 * The next field: exactly one space, then one or more bytes up to the next
 * space or the end of the line. false for a missing or empty field (two
 * spaces in a row, a space before CRLF).
 */
static bool pp_v1_field(const char *line, size_t end, size_t *pos, struct pp_tok *t)
{
	size_t i = *pos;

	if (i >= end || line[i] != ' ')
		return false;
	t->p = line + ++i;
	while (i < end && line[i] != ' ')
		i++;
	t->len = (size_t)(line + i - t->p);
	*pos = i;
	return t->len > 0;
}

static bool pp_tok_is(const struct pp_tok *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->p, s, t->len) == 0;
}

/*
 * 2.1: "a decimal integer in the range [0..65535] inclusive. Heading zeroes
 * are not permitted", so "0" but not "080", no sign, no spaces.
 */
static bool pp_v1_port(const struct pp_tok *t, in_port_t *port)
{
	unsigned v = 0;

	if (t->len > 5 || (t->len > 1 && t->p[0] == '0'))
		return false;
	for (size_t i = 0; i < t->len; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(t->p[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = htons((uint16_t)v);
	return true;
}

/*
 * An address of the line's family into *ss. inet_pton is strict enough for
 * 2.1: IPv4 as four decimal numbers 0..255 without heading zeroes (glibc
 * refuses "010.0.0.1"), IPv6 as hex groups with at most one "::". The
 * character set is checked first so that nothing else (a zone "%lo")
 * reaches it.
 */
static bool pp_v1_addr(const struct pp_tok *t, int family, struct sockaddr_storage *ss)
{
	const char *set = family == AF_INET ? "0123456789." : "0123456789abcdefABCDEF:.";
	char text[INET6_ADDRSTRLEN];

	if (t->len >= sizeof(text))
		return false;
	memcpy(text, t->p, t->len);
	text[t->len] = '\0';
	if (strspn(text, set) != t->len)
		return false;
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		return inet_pton(AF_INET, text, &s4->sin_addr) == 1;
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	return inet_pton(AF_INET6, text, &s6->sin6_addr) == 1;
}

static void pp_set_port(struct sockaddr_storage *ss, in_port_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = port;
	else
		((struct sockaddr_in6 *)ss)->sin6_port = port;
}

/* "TCP4 src dst sport dport" or "TCP6 ...", after the protocol at *pos. */
static enum proxy_proto_result pp_v1_tcp(const char *line, size_t end, size_t pos, int family,
					 struct proxy_proto *pp)
{
	struct pp_tok src, dst, sport, dport;
	in_port_t sp, dp;

	if (!pp_v1_field(line, end, &pos, &src) || !pp_v1_field(line, end, &pos, &dst) ||
	    !pp_v1_field(line, end, &pos, &sport) || !pp_v1_field(line, end, &pos, &dport))
		return pp_bad(pp, "v1: a missing field or not exactly one space between fields");
	if (pos != end)
		return pp_bad(pp, pp_v1_field(line, end, &pos, &src) ?
			"v1: more than four fields after the protocol" :
			"v1: a missing field or not exactly one space between fields");
	if (!pp_v1_addr(&src, family, &pp->src) || !pp_v1_addr(&dst, family, &pp->dst))
		return pp_bad(pp, family == AF_INET ? "v1: not an IPv4 address after TCP4"
						    : "v1: not an IPv6 address after TCP6");
	if (!pp_v1_port(&sport, &sp) || !pp_v1_port(&dport, &dp))
		return pp_bad(pp, "v1: a port that is not 0..65535 in decimal without heading zeroes");
	pp_set_port(&pp->src, sp);
	pp_set_port(&pp->dst, dp);
	pp->has_addr = true;
	return PROXY_PROTO_DONE;
}

static enum proxy_proto_result pp_v1(const char *b, size_t len, struct proxy_proto *pp)
{
	size_t end = 0, pos = sizeof(pp_v1_magic) - 1; /* at the magic's space */
	struct pp_tok proto;
	enum proxy_proto_result r;

	pp->version = 1;
	if ((r = pp_v1_end(b, len, &end, pp)) != PROXY_PROTO_DONE)
		return r;
	if (!pp_v1_field(b, end, &pos, &proto))
		return pp_bad(pp, "v1: no protocol after PROXY");
	/* 2.1: for UNKNOWN "the receiver must ignore anything presented before the CRLF". */
	if (pp_tok_is(&proto, "UNKNOWN"))
		r = PROXY_PROTO_DONE;
	else if (pp_tok_is(&proto, "TCP4"))
		r = pp_v1_tcp(b, end, pos, AF_INET, pp);
	else if (pp_tok_is(&proto, "TCP6"))
		r = pp_v1_tcp(b, end, pos, AF_INET6, pp);
	else
		r = pp_bad(pp, "v1: protocol is not TCP4, TCP6 or UNKNOWN");
	if (r == PROXY_PROTO_DONE)
		pp->consumed = end + 2;
	return r;
}

/* ---- version 2: binary ------------------------------------------------- */

/*
 * Byte 13 (version and command) and byte 14 (family and transport), as far
 * as they have arrived. 2.2: the version "must always be sent as \x2 and the
 * receiver must only accept this value"; a command other than LOCAL and
 * PROXY must be dropped; for LOCAL the family "is ignored". Of the valid
 * family bytes the datagram ones (0x12, 0x22, 0x32) are refused too: this
 * is a TCP listener, and a header that says otherwise is not our proxy's.
 */
static enum proxy_proto_result pp_v2_kind(const unsigned char *b, size_t len,
					  struct proxy_proto *pp)
{
	if (len <= 12)
		return PROXY_PROTO_MORE;
	if (b[12] >> 4 != 2)
		return pp_bad(pp, "v2: version is not 2");
	if ((b[12] & 0xf) != PP_V2_LOCAL && (b[12] & 0xf) != PP_V2_PROXY)
		return pp_bad(pp, "v2: command is neither LOCAL nor PROXY");
	if (len <= 13 || (b[12] & 0xf) == PP_V2_LOCAL)
		return PROXY_PROTO_MORE;
	switch (b[13]) {
	case PP_V2_UNSPEC:
	case PP_V2_TCP4:
	case PP_V2_TCP6:
	case PP_V2_UNIX_STREAM:
		return PROXY_PROTO_MORE;
	case 0x12:
	case 0x22:
	case 0x32:
		return pp_bad(pp, "v2: a datagram transport on a stream connection");
	default:
		return pp_bad(pp, "v2: unknown address family or transport");
	}
}

/* The address block a PROXY command's family needs at least. */
static size_t pp_v2_need(unsigned char fam)
{
	switch (fam) {
	case PP_V2_TCP4:
		return PP_V2_LEN_TCP4;
	case PP_V2_TCP6:
		return PP_V2_LEN_TCP6;
	case PP_V2_UNIX_STREAM:
		return PP_V2_LEN_UNIX;
	default:
		return 0;
	}
}

/*
 * 2.2.7: after the addresses, type-length-value records fill the rest of
 * the header. None is interpreted, but each must end inside it: a length
 * that runs past the header (or a record cut before its length) is refused,
 * as HAProxy's own receiver does.
 */
static bool pp_v2_tlvs(const unsigned char *b, size_t off, size_t total)
{
	while (off < total) {
		size_t tlen;

		if (total - off < 3)
			return false;
		tlen = (size_t)b[off + 1] << 8 | b[off + 2];
		if (tlen > total - off - 3)
			return false;
		off += 3 + tlen;
	}
	return true;
}

/* The relayed endpoints of a TCP4 or TCP6 block: addresses, then ports. */
static void pp_v2_addrs(const unsigned char *a, unsigned char fam, struct proxy_proto *pp)
{
	if (fam == PP_V2_TCP4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&pp->src, *d = (struct sockaddr_in *)&pp->dst;

		s->sin_family = d->sin_family = AF_INET;
		memcpy(&s->sin_addr, a, 4);
		memcpy(&d->sin_addr, a + 4, 4);
		memcpy(&s->sin_port, a + 8, 2);
		memcpy(&d->sin_port, a + 10, 2);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&pp->src, *d = (struct sockaddr_in6 *)&pp->dst;

		s->sin6_family = d->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, a, 16);
		memcpy(&d->sin6_addr, a + 16, 16);
		memcpy(&s->sin6_port, a + 32, 2);
		memcpy(&d->sin6_port, a + 34, 2);
	}
	pp->has_addr = true;
}

static enum proxy_proto_result pp_v2(const unsigned char *b, size_t len, struct proxy_proto *pp)
{
	enum proxy_proto_result r;
	size_t total, need;
	unsigned char fam;

	pp->version = 2;
	if ((r = pp_v2_kind(b, len, pp)) != PROXY_PROTO_MORE || len < PP_V2_HEAD)
		return r;
	total = PP_V2_HEAD + ((size_t)b[14] << 8 | b[15]);
	if (total > PROXY_PROTO_V2_MAX)
		return pp_bad(pp, "v2: header longer than 1024 bytes");
	/* 2.2: LOCAL "must use the real connection endpoints and discard the protocol block". */
	fam = (b[12] & 0xf) == PP_V2_LOCAL ? PP_V2_UNSPEC : b[13];
	need = pp_v2_need(fam);
	if (total - PP_V2_HEAD < need)
		return pp_bad(pp, "v2: address length too small for the family");
	if (len < total)
		return PROXY_PROTO_MORE;
	/* UNSPEC: "the receiver should ignore address information", TLVs included. */
	if (fam != PP_V2_UNSPEC && !pp_v2_tlvs(b, PP_V2_HEAD + need, total))
		return pp_bad(pp, "v2: a TLV runs past the end of the header");
	if (fam == PP_V2_TCP4 || fam == PP_V2_TCP6)
		pp_v2_addrs(b + PP_V2_HEAD, fam, pp);
	pp->consumed = total;
	return PROXY_PROTO_DONE;
}

/* ---- which version ----------------------------------------------------- */

static size_t pp_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

enum proxy_proto_result proxy_proto_parse(const void *buf, size_t len, struct proxy_proto *pp)
{
	const unsigned char *b = buf;

	memset(pp, 0, sizeof(*pp));
	if (len == 0)
		return PROXY_PROTO_MORE;
	/* 2.1 and 2.2: the first byte tells the versions apart ('P' or CR). */
	if (memcmp(b, pp_v1_magic, pp_min(len, sizeof(pp_v1_magic))) == 0)
		return len < sizeof(pp_v1_magic) ? PROXY_PROTO_MORE : pp_v1(buf, len, pp);
	if (memcmp(b, pp_v2_sig, pp_min(len, sizeof(pp_v2_sig))) == 0)
		return len < sizeof(pp_v2_sig) ? PROXY_PROTO_MORE : pp_v2(b, len, pp);
	return pp_bad(pp, "not a PROXY protocol header");
}
