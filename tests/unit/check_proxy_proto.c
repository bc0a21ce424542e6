/*
 * Unit tests for proxy_proto: PROXY protocol v1 and v2 headers
 * (HAProxy's doc/proxy-protocol.txt), good forms and every malformed form,
 * whole, in every prefix and arriving one byte at a time.
 */
#include "unit.h"
#include "proxy_proto.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* A literal with its length: v2 headers hold NUL bytes. */
#define B(s) s, sizeof(s) - 1

/* 2.2: the v2 signature; then come version/command, family, length (2 bytes). */
#define SIG "\r\n\r\n\0\r\nQUIT\n"
/* 192.0.2.1 -> 10.0.0.1, ports 12345 -> 80. */
#define A4 "\xc0\x00\x02\x01" "\x0a\x00\x00\x01" "\x30\x39" "\x00\x50"
/* 2001:db8::1 -> 2001:db8::2, ports 443 -> 8443. */
#define A6 "\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x01" \
	   "\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x02" "\x01\xbb" "\x20\xfb"
#define Z8 "\0\0\0\0\0\0\0\0"
#define Z72 Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8
#define Z216 Z72 Z72 Z72
#define REQ_GET "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
#define F39 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

enum { MORE = PROXY_PROTO_MORE, DONE = PROXY_PROTO_DONE, BAD = PROXY_PROTO_BAD };

struct pp_case {
	int src_line;
	const char *what;
	const char *in;
	size_t len;
	int result;
	size_t consumed;             /* DONE */
	const char *src;             /* DONE: the client, or NULL: keep the real peer */
	int port;                    /* DONE with src */
	const char *why;             /* BAD: a part of the reason */
	size_t early;                /* BAD: refused already with this many bytes; 0: not checked */
};

static const struct pp_case cases[] = {
	/* ---- v1, good ---- */
	{ __LINE__, "v1 TCP4", B("PROXY TCP4 192.0.2.1 10.0.0.1 12345 80\r\n"), DONE, 40,
	  "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v1 TCP4, request after it", B("PROXY TCP4 192.0.2.1 10.0.0.1 12345 80\r\n" REQ_GET),
	  DONE, 40, "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v1 TCP4 longest (56)",
	  B("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"), DONE, 56,
	  "255.255.255.255", 65535, NULL, 0 },
	{ __LINE__, "v1 TCP4 port 0", B("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n"), DONE, 32,
	  "0.0.0.0", 0, NULL, 0 },
	{ __LINE__, "v1 TCP6", B("PROXY TCP6 2001:db8::1 2001:db8::2 443 8443\r\n"), DONE, 45,
	  "2001:db8::1", 443, NULL, 0 },
	{ __LINE__, "v1 TCP6 upper-case hex", B("PROXY TCP6 2001:DB8::A ::1 1 2\r\n"), DONE, 32,
	  "2001:db8::a", 1, NULL, 0 },
	{ __LINE__, "v1 TCP6 IPv4-mapped", B("PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"), DONE, 37,
	  "::ffff:192.0.2.1", 1, NULL, 0 },
	{ __LINE__, "v1 TCP6 longest (104)", B("PROXY TCP6 " F39 " " F39 " 65535 65535\r\n"), DONE, 104,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, NULL, 0 },
	{ __LINE__, "v1 UNKNOWN short form", B("PROXY UNKNOWN\r\n" REQ_GET), DONE, 15, NULL, 0, NULL, 0 },
	{ __LINE__, "v1 UNKNOWN, rest ignored", B("PROXY UNKNOWN what ever\r\n"), DONE, 25,
	  NULL, 0, NULL, 0 },
	{ __LINE__, "v1 UNKNOWN longest (107)", B("PROXY UNKNOWN " F39 " " F39 " 65535 65535\r\n"),
	  DONE, 107, NULL, 0, NULL, 0 },

	/* ---- v1, malformed ---- */
	{ __LINE__, "lower-case proxy", B("proxy TCP4 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not a PROXY", 1 },
	{ __LINE__, "an HTTP request", B(REQ_GET), BAD, 0, NULL, 0, "not a PROXY", 1 },
	{ __LINE__, "PROXY without a space", B("PROXY\r\n"), BAD, 0, NULL, 0, "not a PROXY", 6 },
	{ __LINE__, "tab after PROXY", B("PROXY\tTCP4 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not a PROXY", 6 },
	{ __LINE__, "no protocol", B("PROXY \r\n"), BAD, 0, NULL, 0, "no protocol", 0 },
	{ __LINE__, "two spaces after PROXY", B("PROXY  TCP4 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0,
	  NULL, 0, "no protocol", 0 },
	{ __LINE__, "lower-case protocol", B("PROXY tcp4 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "protocol is not", 0 },
	{ __LINE__, "protocol TCP5", B("PROXY TCP5 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "protocol is not", 0 },
	{ __LINE__, "protocol UDP4", B("PROXY UDP4 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "protocol is not", 0 },
	{ __LINE__, "UNKNOWN run on", B("PROXY UNKNOWNX\r\n"), BAD, 0, NULL, 0, "protocol is not", 0 },
	{ __LINE__, "TCP4 without fields", B("PROXY TCP4\r\n"), BAD, 0, NULL, 0, "missing field", 0 },
	{ __LINE__, "two spaces between fields", B("PROXY TCP4 192.0.2.1  10.0.0.1 1 2\r\n"), BAD, 0,
	  NULL, 0, "missing field", 0 },
	{ __LINE__, "space before CRLF", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 2 \r\n"), BAD, 0, NULL, 0,
	  "missing field", 0 },
	{ __LINE__, "no destination port", B("PROXY TCP4 192.0.2.1 10.0.0.1 1\r\n"), BAD, 0, NULL, 0,
	  "missing field", 0 },
	{ __LINE__, "a fifth field", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 2 3\r\n"), BAD, 0, NULL, 0,
	  "more than four", 0 },
	{ __LINE__, "tab between fields", B("PROXY TCP4 192.0.2.1\t10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "printable", 21 },
	{ __LINE__, "NUL in the line", B("PROXY TCP4 192.0.2.1\00010.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "printable", 21 },
	{ __LINE__, "non-ASCII byte", B("PROXY TCP4 192.0.2.\xb9 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "printable", 20 },
	{ __LINE__, "LF alone", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 2\n" REQ_GET), BAD, 0, NULL, 0,
	  "LF without CR", 34 },
	{ __LINE__, "CR alone", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 2\rX"), BAD, 0, NULL, 0,
	  "CR without LF", 35 },
	{ __LINE__, "CR CR LF", B("PROXY TCP4 192.0.2.1 10.0.0.1 1 2\r\r\n"), BAD, 0, NULL, 0,
	  "CR without LF", 35 },
	{ __LINE__, "no CRLF in 107 bytes", B("PROXY UNKNOWN " F39 " " F39 " 65535 655355\r\n"), BAD, 0,
	  NULL, 0, "no CRLF within 107", 107 },
	{ __LINE__, "CR as byte 107", B("PROXY UNKNOWN " F39 " " F39 " 65535 655355\r"), BAD, 0,
	  NULL, 0, "no CRLF within 107", 107 },
	{ __LINE__, "IPv4 octet 256", B("PROXY TCP4 256.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv4 three parts", B("PROXY TCP4 192.0.2 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv4 five parts", B("PROXY TCP4 192.0.2.1.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv4 heading zero", B("PROXY TCP4 192.0.2.01 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv4 host name", B("PROXY TCP4 localhost 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv6 after TCP4", B("PROXY TCP4 ::1 ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "bad IPv4 destination", B("PROXY TCP4 192.0.2.1 10.0.0 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv4", 0 },
	{ __LINE__, "IPv4 after TCP6", B("PROXY TCP6 192.0.2.1 10.0.0.1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "IPv6 two gaps", B("PROXY TCP6 1::2::3 ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "IPv6 zone", B("PROXY TCP6 fe80::1%lo ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "IPv6 in brackets", B("PROXY TCP6 [::1] ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "IPv6 nine groups", B("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "IPv6 too long for any address",
	  B("PROXY TCP6 0000:0000:0000:0000:0000:0000:0000:0000:0 ::1 1 2\r\n"), BAD, 0, NULL, 0,
	  "not an IPv6", 0 },
	{ __LINE__, "port 65536", B("PROXY TCP4 192.0.2.1 10.0.0.1 65536 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "destination port 99999", B("PROXY TCP4 192.0.2.1 10.0.0.1 80 99999\r\n"), BAD, 0,
	  NULL, 0, "port", 0 },
	{ __LINE__, "six-digit port", B("PROXY TCP4 192.0.2.1 10.0.0.1 123456 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "port heading zero", B("PROXY TCP4 192.0.2.1 10.0.0.1 080 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "port 00", B("PROXY TCP4 192.0.2.1 10.0.0.1 00 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "negative port", B("PROXY TCP4 192.0.2.1 10.0.0.1 -1 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "signed port", B("PROXY TCP4 192.0.2.1 10.0.0.1 +80 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "hex port", B("PROXY TCP4 192.0.2.1 10.0.0.1 0x50 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },
	{ __LINE__, "port with a letter", B("PROXY TCP4 192.0.2.1 10.0.0.1 8a 80\r\n"), BAD, 0, NULL, 0,
	  "port", 0 },

	/* ---- v2, good ---- */
	{ __LINE__, "v2 PROXY TCP4", B(SIG "\x21\x11\x00\x0c" A4), DONE, 28,
	  "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v2 PROXY TCP4, request after it", B(SIG "\x21\x11\x00\x0c" A4 REQ_GET),
	  DONE, 28, "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v2 PROXY TCP6", B(SIG "\x21\x21\x00\x24" A6), DONE, 52,
	  "2001:db8::1", 443, NULL, 0 },
	{ __LINE__, "v2 TCP4 with TLVs",
	  B(SIG "\x21\x11\x00\x17" A4 "\x01\x00\x02h1" "\x04\x00\x03\0\0\0"), DONE, 39,
	  "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v2 TCP4 with an empty TLV", B(SIG "\x21\x11\x00\x0f" A4 "\x04\x00\x00"),
	  DONE, 31, "192.0.2.1", 12345, NULL, 0 },
	{ __LINE__, "v2 LOCAL, no address", B(SIG "\x20\x00\x00\x00" REQ_GET), DONE, 16,
	  NULL, 0, NULL, 0 },
	{ __LINE__, "v2 LOCAL with an address, ignored", B(SIG "\x20\x11\x00\x0c" A4),
	  DONE, 28, NULL, 0, NULL, 0 },
	{ __LINE__, "v2 LOCAL, family byte ignored", B(SIG "\x20\xff\x00\x02" "\xff\xff"),
	  DONE, 18, NULL, 0, NULL, 0 },
	{ __LINE__, "v2 PROXY UNSPEC", B(SIG "\x21\x00\x00\x00"), DONE, 16, NULL, 0, NULL, 0 },
	{ __LINE__, "v2 PROXY UNSPEC, block skipped unread", B(SIG "\x21\x00\x00\x02" "\x01\x00"),
	  DONE, 18, NULL, 0, NULL, 0 },
	{ __LINE__, "v2 PROXY UNIX stream: no address", B(SIG "\x21\x31\x00\xd8" Z216),
	  DONE, 232, NULL, 0, NULL, 0 },

	/* ---- v2, malformed ---- */
	{ __LINE__, "v2 signature, last byte wrong", B("\r\n\r\n\0\r\nQUIT\r" "\x21\x11\x00\x0c" A4),
	  BAD, 0, NULL, 0, "not a PROXY", 12 },
	{ __LINE__, "v2 signature without its NUL", B("\r\n\r\n \r\nQUIT\n" "\x21\x11\x00\x0c" A4),
	  BAD, 0, NULL, 0, "not a PROXY", 5 },
	{ __LINE__, "v2 version 1", B(SIG "\x11\x11\x00\x0c" A4), BAD, 0, NULL, 0,
	  "version", 13 },
	{ __LINE__, "v2 version 3", B(SIG "\x31\x11\x00\x0c" A4), BAD, 0, NULL, 0,
	  "version", 13 },
	{ __LINE__, "v2 version 0", B(SIG "\x01\x11\x00\x0c" A4), BAD, 0, NULL, 0,
	  "version", 13 },
	{ __LINE__, "v2 command 2", B(SIG "\x22\x11\x00\x0c" A4), BAD, 0, NULL, 0,
	  "command", 13 },
	{ __LINE__, "v2 command 15", B(SIG "\x2f\x11\x00\x0c" A4), BAD, 0, NULL, 0,
	  "command", 13 },
	{ __LINE__, "v2 family 4", B(SIG "\x21\x41\x00\x0c" A4), BAD, 0, NULL, 0,
	  "unknown address family", 14 },
	{ __LINE__, "v2 family 15", B(SIG "\x21\xf1\x00\x0c" A4), BAD, 0, NULL, 0,
	  "unknown address family", 14 },
	{ __LINE__, "v2 transport 3", B(SIG "\x21\x13\x00\x0c" A4), BAD, 0, NULL, 0,
	  "unknown address family", 14 },
	{ __LINE__, "v2 INET without transport", B(SIG "\x21\x10\x00\x0c" A4), BAD, 0,
	  NULL, 0, "unknown address family", 14 },
	{ __LINE__, "v2 UNSPEC family, STREAM", B(SIG "\x21\x01\x00\x00"), BAD, 0, NULL, 0,
	  "unknown address family", 14 },
	{ __LINE__, "v2 UDP4", B(SIG "\x21\x12\x00\x0c" A4), BAD, 0, NULL, 0,
	  "datagram", 14 },
	{ __LINE__, "v2 UDP6", B(SIG "\x21\x22\x00\x24" A6), BAD, 0, NULL, 0,
	  "datagram", 14 },
	{ __LINE__, "v2 UNIX datagram", B(SIG "\x21\x32\x00\xd8" Z216), BAD, 0, NULL, 0,
	  "datagram", 14 },
	{ __LINE__, "v2 TCP4, length 0", B(SIG "\x21\x11\x00\x00" A4), BAD, 0, NULL, 0,
	  "too small", 16 },
	{ __LINE__, "v2 TCP4, length 11", B(SIG "\x21\x11\x00\x0b" A4), BAD, 0, NULL, 0,
	  "too small", 16 },
	{ __LINE__, "v2 TCP6, length 12", B(SIG "\x21\x21\x00\x0c" A4), BAD, 0, NULL, 0,
	  "too small", 16 },
	{ __LINE__, "v2 TCP6, length 35", B(SIG "\x21\x21\x00\x23" A6), BAD, 0, NULL, 0,
	  "too small", 16 },
	{ __LINE__, "v2 UNIX, length 215", B(SIG "\x21\x31\x00\xd7" Z216), BAD, 0, NULL, 0,
	  "too small", 16 },
	{ __LINE__, "v2 length 65535", B(SIG "\x21\x11\xff\xff" A4), BAD, 0, NULL, 0,
	  "longer than 1024", 16 },
	{ __LINE__, "v2 LOCAL, length 65535", B(SIG "\x20\x00\xff\xff"), BAD, 0, NULL, 0,
	  "longer than 1024", 16 },
	{ __LINE__, "v2 one byte after the address", B(SIG "\x21\x11\x00\x0d" A4 "\x04"),
	  BAD, 0, NULL, 0, "TLV", 29 },
	{ __LINE__, "v2 TLV cut in its length", B(SIG "\x21\x11\x00\x0e" A4 "\x04\x00"),
	  BAD, 0, NULL, 0, "TLV", 30 },
	{ __LINE__, "v2 TLV longer than the header",
	  B(SIG "\x21\x11\x00\x12" A4 "\x04\x00\x04\0\0\0"), BAD, 0, NULL, 0, "TLV", 34 },
	{ __LINE__, "v2 second TLV runs past",
	  B(SIG "\x21\x11\x00\x13" A4 "\x04\x00\x00" "\x04\x01\x00\0\0\0\0"), BAD, 0, NULL, 0,
	  "TLV", 35 },
	{ __LINE__, "v2 UNIX, TLV runs past", B(SIG "\x21\x31\x00\xdb" Z216 "\x04\x00\x01"),
	  BAD, 0, NULL, 0, "TLV", 235 },
};

#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

/* The client's address and port as text, or "-" for another family. */
static int pp_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		ck_assert_ptr_nonnull(inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)cap));
		return ntohs(s4->sin_port);
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)cap));
		return ntohs(s6->sin6_port);
	}
	snprintf(buf, cap, "-");
	return -1;
}

/* The whole input: the verdict, the length, the client, the reason. */
START_TEST(test_whole)
{
	const struct pp_case *c = &cases[_i];
	struct proxy_proto pp;
	char text[INET6_ADDRSTRLEN];
	int r = proxy_proto_parse(c->in, c->len, &pp), port;

	ck_assert_msg(r == c->result, "line %d (%s): result %d, want %d (%s)", c->src_line, c->what,
		      r, c->result, pp.why ? pp.why : "");
	if (r == BAD) {
		ck_assert_msg(pp.why && strstr(pp.why, c->why), "line %d (%s): reason '%s', want '%s'",
			      c->src_line, c->what, pp.why ? pp.why : "(none)", c->why);
		return;
	}
	ck_assert_msg(pp.consumed == c->consumed, "line %d (%s): consumed %zu, want %zu",
		      c->src_line, c->what, pp.consumed, c->consumed);
	ck_assert_msg(pp.has_addr == (c->src != NULL), "line %d (%s): has_addr %d", c->src_line,
		      c->what, pp.has_addr);
	ck_assert_int_eq(pp.version, c->in[0] == 'P' ? 1 : 2);
	if (!c->src)
		return;
	port = pp_text(&pp.src, text, sizeof(text));
	ck_assert_msg(strcmp(text, c->src) == 0 && port == c->port, "line %d (%s): client %s:%d",
		      c->src_line, c->what, text, port);
	ck_assert_int_eq(pp.dst.ss_family, pp.src.ss_family);
}
END_TEST

/*
 * Every prefix of the input: "more" until the verdict, then the verdict
 * itself, and never a different one; a refusal comes as early as the
 * table says (no waiting for bytes that cannot help).
 */
START_TEST(test_prefixes)
{
	const struct pp_case *c = &cases[_i];
	bool decided = false;

	for (size_t k = 0; k <= c->len; k++) {
		struct proxy_proto pp;
		int r = proxy_proto_parse(c->in, k, &pp);

		ck_assert_msg(r == MORE || r == c->result, "line %d (%s): %zu bytes: result %d (%s)",
			      c->src_line, c->what, k, r, pp.why ? pp.why : "");
		ck_assert_msg(!decided || r != MORE, "line %d (%s): %zu bytes: more after a verdict",
			      c->src_line, c->what, k);
		if (r == DONE)
			ck_assert_msg(pp.consumed == c->consumed && k >= pp.consumed,
				      "line %d (%s): %zu bytes: consumed %zu", c->src_line, c->what, k,
				      pp.consumed);
		if (c->result == BAD && c->early && k >= c->early)
			ck_assert_msg(r == BAD, "line %d (%s): not refused with %zu bytes",
				      c->src_line, c->what, k);
		decided = r != MORE;
	}
}
END_TEST

/*
 * Bytes arriving one at a time into a buffer, as a worker reads them: a
 * good header is complete exactly when its last byte is in, never before.
 */
START_TEST(test_bytewise)
{
	const struct pp_case *c = &cases[_i];
	char buf[2048];
	size_t k = 0;
	struct proxy_proto pp;
	int r = MORE;

	ck_assert_uint_le(c->len, sizeof(buf));
	while (r == MORE && k < c->len) {
		buf[k] = c->in[k];
		k++;
		r = proxy_proto_parse(buf, k, &pp);
	}
	ck_assert_msg(r == c->result, "line %d (%s): result %d", c->src_line, c->what, r);
	if (r == DONE)
		ck_assert_msg(k == c->consumed, "line %d (%s): done after %zu bytes, header is %zu",
			      c->src_line, c->what, k, c->consumed);
}
END_TEST

/* Fill buf with a v2 TCP4 header of total bytes: the address, then one NOOP TLV. */
static size_t pp_v2_sized(unsigned char *buf, size_t total)
{
	static const unsigned char head[] = SIG "\x21\x11";
	size_t alen = total - 16, tlv = alen - 12 - 3;

	memset(buf, 0, total);
	memcpy(buf, head, 14);
	buf[14] = (unsigned char)(alen >> 8);
	buf[15] = (unsigned char)alen;
	memcpy(buf + 16, A4, 12);
	buf[28] = 0x04; /* PP2_TYPE_NOOP */
	buf[29] = (unsigned char)(tlv >> 8);
	buf[30] = (unsigned char)tlv;
	return total;
}

/* PROXY_PROTO_V2_MAX is the longest header taken; one byte more is refused at once. */
START_TEST(test_v2_cap)
{
	unsigned char buf[PROXY_PROTO_V2_MAX + 1];
	struct proxy_proto pp;

	pp_v2_sized(buf, PROXY_PROTO_V2_MAX);
	ck_assert_int_eq(proxy_proto_parse(buf, PROXY_PROTO_V2_MAX - 1, &pp), MORE);
	ck_assert_int_eq(proxy_proto_parse(buf, PROXY_PROTO_V2_MAX, &pp), DONE);
	ck_assert_uint_eq(pp.consumed, PROXY_PROTO_V2_MAX);
	ck_assert(pp.has_addr);
	pp_v2_sized(buf, PROXY_PROTO_V2_MAX + 1);
	ck_assert_int_eq(proxy_proto_parse(buf, 16, &pp), BAD);
	ck_assert_ptr_nonnull(strstr(pp.why, "longer than"));
}
END_TEST

/* An empty buffer waits; a result is never left over from an earlier call. */
START_TEST(test_empty)
{
	struct proxy_proto pp;

	memset(&pp, 0xa5, sizeof(pp));
	ck_assert_int_eq(proxy_proto_parse("", 0, &pp), MORE);
	ck_assert(!pp.has_addr);
	ck_assert_uint_eq(pp.consumed, 0);
	ck_assert_ptr_null(pp.why);
}
END_TEST

static Suite *proxy_proto_suite(void)
{
	Suite *s = suite_create("proxy_proto");
	TCase *core = tcase_create("core");
	TCase *split = tcase_create("split");
	TCase *limits = tcase_create("limits");

	tcase_set_timeout(core, 10);
	tcase_set_timeout(split, 10);
	tcase_set_timeout(limits, 10);
	tcase_add_loop_test(core, test_whole, 0, NCASES);
	tcase_add_loop_test(split, test_prefixes, 0, NCASES);
	tcase_add_loop_test(split, test_bytewise, 0, NCASES);
	tcase_add_test(limits, test_v2_cap);
	tcase_add_test(limits, test_empty);
	suite_add_tcase(s, core);
	suite_add_tcase(s, split);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(proxy_proto_suite());
}
