/*
 * realip: the X-Forwarded-For and Forwarded (RFC 7239) readers, entry by
 * entry from the right, and the walk that picks the client from a chain.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "ipmatch.h"
#include "realip.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* An entry as text: "1.2.3.4", "1.2.3.4:80", "[::1]", "[::1]:80", "?" unknown, "!" bad. */
static void entry_text(const struct realip_entry *e, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&e->addr;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&e->addr;
	bool v6 = e->addr.ss_family == AF_INET6;
	unsigned port = ntohs(v6 ? s6->sin6_port : s4->sin_port);

	if (e->kind != REALIP_ADDR) {
		snprintf(out, cap, "%s", e->kind == REALIP_UNKNOWN ? "?" : "!");
		return;
	}
	ck_assert(e->addr.ss_family == AF_INET || v6);
	ck_assert_ptr_nonnull(inet_ntop(e->addr.ss_family, v6 ? (const void *)&s6->sin6_addr
					: (const void *)&s4->sin_addr, a, sizeof a));
	ck_assert(e->has_port == (port != 0));
	if (e->has_port)
		snprintf(out, cap, v6 ? "[%s]:%u" : "%s:%u", a, port);
	else
		snprintf(out, cap, v6 ? "[%s]" : "%s", a);
}

/* Every entry of value, from the right, joined by spaces. */
static void read_all(enum realip_format fmt, const char *value, char *out, size_t cap)
{
	struct realip_cursor c;
	struct realip_entry e;
	size_t len = 0;

	out[0] = '\0';
	realip_cursor_init(&c, fmt, value, strlen(value));
	while (realip_prev(&c, &e)) {
		char one[INET6_ADDRSTRLEN + 10];

		entry_text(&e, one, sizeof one);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", one);
		ck_assert_uint_lt(len, cap);
	}
	/* Used up stays used up. */
	ck_assert(!realip_prev(&c, &e));
}

/* ---- the readers ------------------------------------------------------------ */

#define XFF REALIP_XFF
#define FWD REALIP_FORWARDED

static const struct read_case {
	int line;
	const char *what;
	enum realip_format fmt;
	const char *value;
	const char *want;            /* entries from the right */
} read_cases[] = {
	/* X-Forwarded-For */
	{ __LINE__, "one address", XFF, "1.2.3.4", "1.2.3.4" },
	{ __LINE__, "a chain, rightmost first", XFF, "6.6.6.6, 1.2.3.4, 127.0.0.5",
	  "127.0.0.5 1.2.3.4 6.6.6.6" },
	{ __LINE__, "no spaces", XFF, "1.1.1.1,2.2.2.2", "2.2.2.2 1.1.1.1" },
	{ __LINE__, "tabs and spaces around", XFF, " \t1.1.1.1 \t,\t 2.2.2.2 ", "2.2.2.2 1.1.1.1" },
	{ __LINE__, "empty elements ignored (RFC 9110 5.6.1)", XFF, ", 1.1.1.1,, ,2.2.2.2,",
	  "2.2.2.2 1.1.1.1" },
	{ __LINE__, "empty value", XFF, "", "" },
	{ __LINE__, "only commas and spaces", XFF, " , ,, ", "" },
	{ __LINE__, "bare IPv6", XFF, "2001:db8::1", "[2001:db8::1]" },
	{ __LINE__, "IPv6 in brackets", XFF, "[2001:db8::1]", "[2001:db8::1]" },
	{ __LINE__, "IPv6 in brackets with a port", XFF, "[2001:db8::1]:4711", "[2001:db8::1]:4711" },
	{ __LINE__, "IPv4 with a port (Azure)", XFF, "1.2.3.4:5678", "1.2.3.4:5678" },
	{ __LINE__, "IPv4-mapped IPv6", XFF, "::ffff:1.2.3.4", "[::ffff:1.2.3.4]" },
	{ __LINE__, "unknown (squid)", XFF, "unknown, 1.2.3.4", "1.2.3.4 ?" },
	{ __LINE__, "UNKNOWN in capitals", XFF, "UNKNOWN", "?" },
	{ __LINE__, "obfuscated is not XFF's: malformed", XFF, "_hidden", "!" },
	{ __LINE__, "a host name", XFF, "1.2.3.4, proxy.example", "!" },
	{ __LINE__, "a bad entry ends the reading", XFF, "1.1.1.1, x, 2.2.2.2", "2.2.2.2 !" },
	{ __LINE__, "IPv4 with 5 parts", XFF, "1.2.3.4.5", "!" },
	{ __LINE__, "IPv4 octet 256", XFF, "1.2.3.256", "!" },
	{ __LINE__, "IPv4 leading zero", XFF, "01.2.3.4", "!" },
	{ __LINE__, "port 0", XFF, "1.2.3.4:0", "!" },
	{ __LINE__, "port 65536", XFF, "1.2.3.4:65536", "!" },
	{ __LINE__, "port 65535", XFF, "1.2.3.4:65535", "1.2.3.4:65535" },
	{ __LINE__, "port six digits", XFF, "1.2.3.4:000080", "!" },
	{ __LINE__, "empty port", XFF, "1.2.3.4:", "!" },
	{ __LINE__, "port with a sign", XFF, "1.2.3.4:+80", "!" },
	{ __LINE__, "obfuscated port is not XFF's", XFF, "1.2.3.4:_p", "!" },
	{ __LINE__, "unclosed bracket", XFF, "[2001:db8::1", "!" },
	{ __LINE__, "empty brackets", XFF, "[]", "!" },
	{ __LINE__, "IPv4 in brackets", XFF, "[1.2.3.4]", "!" },
	{ __LINE__, "junk after the bracket", XFF, "[::1]x", "!" },
	{ __LINE__, "IPv6 zone id", XFF, "fe80::1%eth0", "!" },
	{ __LINE__, "quoted (Forwarded's form) in XFF", XFF, "\"1.2.3.4\"", "!" },
	{ __LINE__, "a space inside an entry", XFF, "1.2.3.4 5.6.7.8", "!" },
	{ __LINE__, "longer than any address", XFF,
	  "1111:2222:3333:4444:5555:6666:7777:8888:9999", "!" },
	{ __LINE__, "for= is not XFF's", XFF, "for=1.2.3.4", "!" },

	/* Forwarded (RFC 7239) */
	{ __LINE__, "RFC 7239 7.4 example", FWD,
	  "for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com",
	  "198.51.100.17 192.0.2.43" },
	{ __LINE__, "quoted IPv6 with a port", FWD, "for=\"[2001:db8:cafe::17]:4711\"",
	  "[2001:db8:cafe::17]:4711" },
	{ __LINE__, "quoted IPv4", FWD, "for=\"192.0.2.60\"", "192.0.2.60" },
	{ __LINE__, "quoted IPv4 with a port", FWD, "for=\"192.0.2.60:80\"", "192.0.2.60:80" },
	{ __LINE__, "For in any case", FWD, "FOR=1.2.3.4", "1.2.3.4" },
	{ __LINE__, "for= after other pairs", FWD, "proto=https;for=1.2.3.4;by=10.0.0.1", "1.2.3.4" },
	{ __LINE__, "OWS around ';'", FWD, "for=1.2.3.4 ; proto=https", "1.2.3.4" },
	{ __LINE__, "empty pairs", FWD, ";;for=1.2.3.4;;", "1.2.3.4" },
	{ __LINE__, "empty elements", FWD, ", for=1.1.1.1,,for=2.2.2.2 ,", "2.2.2.2 1.1.1.1" },
	{ __LINE__, "unknown", FWD, "for=unknown", "?" },
	{ __LINE__, "quoted unknown with a port", FWD, "for=\"unknown:80\"", "?" },
	{ __LINE__, "obfuscated node (RFC 7239 6.3)", FWD, "for=_hidden, for=1.2.3.4", "1.2.3.4 ?" },
	{ __LINE__, "obfuscated port: the address without one", FWD,
	  "for=\"[2001:db8::1]:_p1\"", "[2001:db8::1]" },
	{ __LINE__, "an element without for=", FWD, "proto=https;by=1.2.3.4", "?" },
	{ __LINE__, "a ',' inside quotes", FWD, "for=1.1.1.1;host=\"a,b\", for=2.2.2.2",
	  "2.2.2.2 1.1.1.1" },
	{ __LINE__, "bare IPv6 is malformed (needs quotes)", FWD, "for=2001:db8::1", "!" },
	{ __LINE__, "quoted IPv6 without brackets", FWD, "for=\"2001:db8::1\"", "!" },
	{ __LINE__, "IPv4 with a port, unquoted", FWD, "for=1.2.3.4:80", "!" },
	{ __LINE__, "obfuscated node with a bad byte", FWD, "for=\"_a b\"", "!" },
	{ __LINE__, "'_' alone", FWD, "for=_", "!" },
	{ __LINE__, "for twice", FWD, "for=1.1.1.1;for=2.2.2.2", "!" },
	{ __LINE__, "no '='", FWD, "for", "!" },
	{ __LINE__, "empty value", FWD, "for=", "!" },
	{ __LINE__, "empty quoted value", FWD, "for=\"\"", "!" },
	{ __LINE__, "space around '='", FWD, "for = 1.2.3.4", "!" },
	{ __LINE__, "no ';' between pairs", FWD, "for=1.2.3.4 by=5.6.7.8", "!" },
	{ __LINE__, "junk after a quoted value", FWD, "for=\"1.2.3.4\"x", "!" },
	{ __LINE__, "a name that is no token", FWD, "f@r=1.2.3.4", "!" },
	{ __LINE__, "a quote left open", FWD, "for=\"1.2.3.4", "!" },
	{ __LINE__, "a backslash in quotes", FWD, "for=\"1.2.3.4\\\"\"", "!" },
	/* The client's broken prefix cannot swallow what the proxy appended. */
	{ __LINE__, "an open quote on the left", FWD, "for=\"6.6.6.6, for=1.2.3.4", "1.2.3.4 !" },
	{ __LINE__, "a backslash on the left", FWD, "host=\"a\\\", for=1.2.3.4", "1.2.3.4 !" },
	{ __LINE__, "XFF's form in Forwarded", FWD, "1.2.3.4", "!" },
};

START_TEST(test_read)
{
	const struct read_case *t = &read_cases[_i];
	char got[512];

	read_all(t->fmt, t->value, got, sizeof got);
	ck_assert_msg(strcmp(got, t->want) == 0, "line %d (%s): '%s' read as '%s', want '%s'",
		      t->line, t->what, t->value, got, t->want);
}
END_TEST

START_TEST(test_format_of)
{
	ck_assert_int_eq(realip_format_of("Forwarded"), REALIP_FORWARDED);
	ck_assert_int_eq(realip_format_of("forwarded"), REALIP_FORWARDED);
	ck_assert_int_eq(realip_format_of("X-Forwarded-For"), REALIP_XFF);
	ck_assert_int_eq(realip_format_of("X-Real-IP"), REALIP_XFF);
	ck_assert_int_eq(realip_format_of("Forwarded-For"), REALIP_XFF);
}
END_TEST

/* ---- the walk -------------------------------------------------------------- */

#define PEER "127.0.0.1"

static const struct walk_case {
	int line;
	const char *what;
	const char *header;          /* real_ip.header */
	const char *trusted;         /* comma-separated prefixes */
	const char *peer;
	const char *fields[4];       /* "Name: value" lines, in order */
	const char *want;            /* the client (entry_text), or NULL: the peer */
} walk_cases[] = {
	{ __LINE__, "one address from a trusted peer", "X-Forwarded-For", "127.0.0.1/32", PEER,
	  { "X-Forwarded-For: 1.2.3.4" }, "1.2.3.4" },
	{ __LINE__, "an untrusted peer changes nothing", "X-Forwarded-For", "127.0.0.2/32", PEER,
	  { "X-Forwarded-For: 1.2.3.4" }, NULL },
	{ __LINE__, "no such field", "X-Forwarded-For", "127.0.0.0/8", PEER,
	  { "X-Real-IP: 1.2.3.4" }, NULL },
	{ __LINE__, "empty value", "X-Forwarded-For", "127.0.0.0/8", PEER,
	  { "X-Forwarded-For: " }, NULL },
	{ __LINE__, "the field name in any case", "X-Forwarded-For", "127.0.0.0/8", PEER,
	  { "x-forwarded-for: 1.2.3.4" }, "1.2.3.4" },
	{ __LINE__, "trusted hops skipped: the rightmost untrusted", "X-Forwarded-For",
	  "127.0.0.0/8", PEER, { "X-Forwarded-For: 6.6.6.6, 1.2.3.4, 127.0.0.5" }, "1.2.3.4" },
	{ __LINE__, "spoofed leading entries stay unread", "X-Forwarded-For", "10.0.0.0/8", PEER,
	  { "X-Forwarded-For: 10.9.9.9, 6.6.6.6, 10.0.0.1" }, NULL },
	{ __LINE__, "a spoofed trusted address left of the client", "X-Forwarded-For",
	  "10.0.0.0/8, 127.0.0.1", PEER, { "X-Forwarded-For: 10.9.9.9, 6.6.6.6, 10.0.0.1" },
	  "6.6.6.6" },
	{ __LINE__, "all trusted: the leftmost", "X-Forwarded-For", "10.0.0.0/8, 127.0.0.1", PEER,
	  { "X-Forwarded-For: 10.0.0.3, 10.0.0.2, 10.0.0.1" }, "10.0.0.3" },
	{ __LINE__, "a malformed entry: the last address before it", "X-Forwarded-For",
	  "10.0.0.0/8, 127.0.0.1", PEER, { "X-Forwarded-For: 6.6.6.6, junk, 10.0.0.2, 10.0.0.1" },
	  "10.0.0.2" },
	{ __LINE__, "a malformed entry left of the client is never read", "X-Forwarded-For",
	  "127.0.0.1", PEER, { "X-Forwarded-For: junk, 1.2.3.4" }, "1.2.3.4" },
	{ __LINE__, "the rightmost malformed: the peer", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 1.2.3.4, junk" }, NULL },
	{ __LINE__, "unknown rightmost: the peer", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 1.2.3.4, unknown" }, NULL },
	{ __LINE__, "unknown after a trusted hop: the hop", "X-Forwarded-For",
	  "10.0.0.0/8, 127.0.0.1", PEER, { "X-Forwarded-For: 6.6.6.6, unknown, 10.0.0.1" },
	  "10.0.0.1" },
	{ __LINE__, "two fields are one list, in order (RFC 9110 5.3)", "X-Forwarded-For",
	  "10.0.0.0/8, 127.0.0.1", PEER,
	  { "X-Forwarded-For: 6.6.6.6", "Via: 1.1 p", "X-Forwarded-For: 1.2.3.4, 10.0.0.1" },
	  "1.2.3.4" },
	{ __LINE__, "the walk continues into an earlier field", "X-Forwarded-For",
	  "10.0.0.0/8, 127.0.0.1", PEER,
	  { "X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 10.0.0.2, 10.0.0.1" }, "6.6.6.6" },
	{ __LINE__, "an empty later field is skipped", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 1.2.3.4", "X-Forwarded-For: " }, "1.2.3.4" },
	{ __LINE__, "a malformed later field stops it", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 1.2.3.4", "X-Forwarded-For: junk" }, NULL },
	{ __LINE__, "IPv6 client", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 2001:db8::1" }, "[2001:db8::1]" },
	{ __LINE__, "IPv6 trusted hop", "X-Forwarded-For", "127.0.0.1, 2001:db8::/32", PEER,
	  { "X-Forwarded-For: 1.2.3.4, [2001:db8::7]:443" }, "1.2.3.4" },
	{ __LINE__, "an IPv4-mapped hop matches an IPv4 prefix", "X-Forwarded-For",
	  "127.0.0.0/8", PEER, { "X-Forwarded-For: 1.2.3.4, ::ffff:127.0.0.9" }, "1.2.3.4" },
	{ __LINE__, "a port kept", "X-Forwarded-For", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 1.2.3.4:5678" }, "1.2.3.4:5678" },
	{ __LINE__, "an IPv6 peer", "X-Forwarded-For", "::1", "::1",
	  { "X-Forwarded-For: 1.2.3.4" }, "1.2.3.4" },
	{ __LINE__, "another header name: an XFF list", "X-Real-IP", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 6.6.6.6", "X-Real-IP: 1.2.3.4" }, "1.2.3.4" },
	{ __LINE__, "the configured header only", "X-Real-IP", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 6.6.6.6" }, NULL },

	{ __LINE__, "Forwarded: quoted IPv6", "Forwarded", "127.0.0.1", PEER,
	  { "Forwarded: for=\"[2001:db8::1]:4711\"" }, "[2001:db8::1]:4711" },
	{ __LINE__, "Forwarded: a chain", "Forwarded", "127.0.0.0/8", PEER,
	  { "Forwarded: for=6.6.6.6, for=1.2.3.4;proto=https, for=127.0.0.5;by=127.0.0.1" },
	  "1.2.3.4" },
	{ __LINE__, "Forwarded: obfuscated rightmost: the peer", "Forwarded", "127.0.0.1", PEER,
	  { "Forwarded: for=1.2.3.4, for=_hidden" }, NULL },
	{ __LINE__, "Forwarded: unknown after a trusted hop", "Forwarded", "127.0.0.0/8", PEER,
	  { "Forwarded: for=6.6.6.6, for=unknown, for=127.0.0.9" }, "127.0.0.9" },
	{ __LINE__, "Forwarded: a client's open quote", "Forwarded", "127.0.0.1", PEER,
	  { "Forwarded: for=\"127.0.0.1, for=6.6.6.6" }, "6.6.6.6" },
	{ __LINE__, "Forwarded: an untrusted peer", "Forwarded", "10.0.0.0/8", PEER,
	  { "Forwarded: for=1.2.3.4" }, NULL },
	{ __LINE__, "Forwarded: two fields", "Forwarded", "127.0.0.0/8", PEER,
	  { "Forwarded: for=1.2.3.4", "Forwarded: for=127.0.0.7" }, "1.2.3.4" },
	{ __LINE__, "Forwarded: X-Forwarded-For ignored", "Forwarded", "127.0.0.1", PEER,
	  { "X-Forwarded-For: 6.6.6.6", "Forwarded: for=1.2.3.4" }, "1.2.3.4" },
};

static void make_peer(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (strchr(text, ':')) {
		ss->ss_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, text,
					   &((struct sockaddr_in6 *)ss)->sin6_addr), 1);
		((struct sockaddr_in6 *)ss)->sin6_port = htons(40000);
	} else {
		ss->ss_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr), 1);
		((struct sockaddr_in *)ss)->sin_port = htons(40000);
	}
}

static size_t make_trusted(const char *list, struct ipmatch *m, size_t cap)
{
	char buf[256], *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", list);
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		ck_assert_uint_lt(n, cap);
		ck_assert_int_eq(ipmatch_parse(t, &m[n++]), 0);
	}
	return n;
}

static size_t make_fields(const char *const *lines, struct http_header *h, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < cap && lines[i]; i++, n++) {
		const char *colon = strchr(lines[i], ':');
		const char *v = colon + 1;

		while (*v == ' ')
			v++;
		h[n].name = (struct http_str){ lines[i], (size_t)(colon - lines[i]) };
		h[n].value = (struct http_str){ v, strlen(v) };
	}
	return n;
}

START_TEST(test_walk)
{
	const struct walk_case *t = &walk_cases[_i];
	struct ipmatch trusted[8];
	struct http_header h[4];
	struct sockaddr_storage peer;
	struct realip_entry e;
	size_t nt = make_trusted(t->trusted, trusted, NELEM(trusted));
	size_t nh = make_fields(t->fields, h, NELEM(h));
	bool got;
	char text[64];

	make_peer(t->peer, &peer);
	memset(&e, 0xa5, sizeof e);
	got = realip_walk(realip_format_of(t->header), t->header, h, nh, trusted, nt, &peer, &e);
	if (!t->want) {
		ck_assert_msg(!got, "line %d (%s): took an address, want the peer", t->line, t->what);
		return;
	}
	ck_assert_msg(got, "line %d (%s): kept the peer, want %s", t->line, t->what, t->want);
	entry_text(&e, text, sizeof text);
	ck_assert_msg(strcmp(text, t->want) == 0, "line %d (%s): got %s, want %s",
		      t->line, t->what, text, t->want);
}
END_TEST

/* A walk over no header lines at all, and over an empty trusted list. */
START_TEST(test_walk_edges)
{
	struct sockaddr_storage peer;
	struct realip_entry e;
	struct ipmatch any;
	struct http_header h = { { "X-Forwarded-For", 15 }, { "1.2.3.4", 7 } };

	make_peer(PEER, &peer);
	ck_assert_int_eq(ipmatch_parse("0.0.0.0/0", &any), 0);
	ck_assert(!realip_walk(REALIP_XFF, "X-Forwarded-For", NULL, 0, &any, 1, &peer, &e));
	ck_assert(!realip_walk(REALIP_XFF, "X-Forwarded-For", &h, 1, NULL, 0, &peer, &e));
	/* Everyone trusted: the leftmost, as nginx's real_ip_recursive with 0.0.0.0/0. */
	ck_assert(realip_walk(REALIP_XFF, "X-Forwarded-For", &h, 1, &any, 1, &peer, &e));
}
END_TEST

static Suite *realip_suite(void)
{
	Suite *s = suite_create("realip");
	TCase *read = tcase_create("read");
	TCase *walk = tcase_create("walk");

	tcase_set_timeout(read, 10);
	tcase_set_timeout(walk, 10);
	tcase_add_loop_test(read, test_read, 0, (int)NELEM(read_cases));
	tcase_add_test(read, test_format_of);
	tcase_add_loop_test(walk, test_walk, 0, (int)NELEM(walk_cases));
	tcase_add_test(walk, test_walk_edges);
	suite_add_tcase(s, read);
	suite_add_tcase(s, walk);
	return s;
}

int main(void)
{
	return unit_run(realip_suite());
}
