/*
 * Unit tests for ipmatch: parsing addresses and prefixes (every malformed
 * form refused), and matching IPv4, IPv6 and IPv4-mapped peers.
 */
#include "unit.h"
#include "unit_addr.h"
#include "ipmatch.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

/* ---- parsing ------------------------------------------------------------ */

struct parse_case {
	int src_line;
	const char *what;
	const char *text;
	int family;                  /* 0: must be refused */
	const char *addr;            /* stored (masked) address, as inet_ntop prints it */
	unsigned prefix;
};

static const struct parse_case parse_cases[] = {
	{ __LINE__, "IPv4 address", "127.0.0.1", AF_INET, "127.0.0.1", 32 },
	{ __LINE__, "IPv4 prefix", "10.0.0.0/8", AF_INET, "10.0.0.0", 8 },
	{ __LINE__, "IPv4 host bits cleared", "10.1.2.3/8", AF_INET, "10.0.0.0", 8 },
	{ __LINE__, "IPv4 odd prefix", "192.168.255.255/17", AF_INET, "192.168.128.0", 17 },
	{ __LINE__, "IPv4 /0 matches all", "1.2.3.4/0", AF_INET, "0.0.0.0", 0 },
	{ __LINE__, "IPv4 /32", "1.2.3.4/32", AF_INET, "1.2.3.4", 32 },
	{ __LINE__, "IPv4 prefix with leading zero", "10.0.0.0/08", AF_INET, "10.0.0.0", 8 },
	{ __LINE__, "IPv6 loopback", "::1", AF_INET6, "::1", 128 },
	{ __LINE__, "IPv6 prefix", "2001:db8::/32", AF_INET6, "2001:db8::", 32 },
	{ __LINE__, "IPv6 host bits cleared", "2001:db8:ffff::1/33", AF_INET6, "2001:db8:8000::", 33 },
	{ __LINE__, "IPv6 /0", "::/0", AF_INET6, "::", 0 },
	{ __LINE__, "IPv6 full form", "fe80:0:0:0:0:0:0:1", AF_INET6, "fe80::1", 128 },
	{ __LINE__, "IPv4-mapped becomes IPv4", "::ffff:192.0.2.1", AF_INET, "192.0.2.1", 32 },
	{ __LINE__, "IPv4-mapped prefix becomes IPv4", "::ffff:10.0.0.0/104", AF_INET, "10.0.0.0", 8 },
	{ __LINE__, "IPv4-mapped short prefix stays IPv6", "::ffff:0.0.0.0/95", AF_INET6, "::fffe:0:0", 95 },
	{ __LINE__, "empty", "", 0, NULL, 0 },
	{ __LINE__, "only a prefix", "/8", 0, NULL, 0 },
	{ __LINE__, "empty prefix", "10.0.0.0/", 0, NULL, 0 },
	{ __LINE__, "IPv4 prefix 33", "10.0.0.0/33", 0, NULL, 0 },
	{ __LINE__, "IPv6 prefix 129", "::/129", 0, NULL, 0 },
	{ __LINE__, "negative prefix", "10.0.0.0/-1", 0, NULL, 0 },
	{ __LINE__, "signed prefix", "10.0.0.0/+8", 0, NULL, 0 },
	{ __LINE__, "long prefix", "10.0.0.0/0008", 0, NULL, 0 },
	{ __LINE__, "prefix with junk", "10.0.0.0/8x", 0, NULL, 0 },
	{ __LINE__, "two slashes", "10.0.0.0/8/8", 0, NULL, 0 },
	{ __LINE__, "netmask form", "10.0.0.0/255.0.0.0", 0, NULL, 0 },
	{ __LINE__, "host name", "localhost", 0, NULL, 0 },
	{ __LINE__, "short IPv4", "127.1", 0, NULL, 0 },
	{ __LINE__, "octal-looking IPv4", "010.0.0.1", 0, NULL, 0 },
	{ __LINE__, "hex IPv4", "0x7f.0.0.1", 0, NULL, 0 },
	{ __LINE__, "octet 256", "256.0.0.1", 0, NULL, 0 },
	{ __LINE__, "leading space", " 127.0.0.1", 0, NULL, 0 },
	{ __LINE__, "trailing space", "127.0.0.1 ", 0, NULL, 0 },
	{ __LINE__, "IPv6 in brackets", "[::1]", 0, NULL, 0 },
	{ __LINE__, "IPv6 zone id", "fe80::1%lo", 0, NULL, 0 },
	{ __LINE__, "IPv6 two gaps", "1::2::3", 0, NULL, 0 },
	{ __LINE__, "overlong text",
	  "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", 0, NULL, 0 },
	{ __LINE__, "star", "*", 0, NULL, 0 },
};

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	char buf[INET6_ADDRSTRLEN];
	struct ipmatch m;
	int rc;

	memset(&m, 0xa5, sizeof m);
	rc = ipmatch_parse(c->text, &m);
	if (!c->family) {
		ck_assert_msg(rc == -1, "line %d (%s): '%s' accepted", c->src_line, c->what, c->text);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): '%s' refused", c->src_line, c->what, c->text);
	ck_assert_msg(m.family == c->family, "line %d (%s): family %d", c->src_line, c->what,
		      m.family);
	ck_assert_ptr_nonnull(inet_ntop(m.family, m.addr, buf, sizeof buf));
	ck_assert_msg(strcmp(buf, c->addr) == 0 && m.prefix == c->prefix,
		      "line %d (%s): got %s/%u, want %s/%u", c->src_line, c->what, buf, m.prefix,
		      c->addr, c->prefix);
}
END_TEST

/* ---- matching ----------------------------------------------------------- */

struct match_case {
	int src_line;
	const char *what;
	const char *entries[3];      /* NULL-terminated */
	const char *peer;
	bool match;
};

static const struct match_case match_cases[] = {
	{ __LINE__, "default list, IPv4 loopback", { "127.0.0.1", "::1", NULL }, "127.0.0.1", true },
	{ __LINE__, "default list, IPv6 loopback", { "127.0.0.1", "::1", NULL }, "::1", true },
	{ __LINE__, "default list, mapped loopback", { "127.0.0.1", "::1", NULL },
	  "::ffff:127.0.0.1", true },
	{ __LINE__, "default list, other loopback", { "127.0.0.1", "::1", NULL }, "127.0.0.2", false },
	{ __LINE__, "default list, LAN", { "127.0.0.1", "::1", NULL }, "192.168.1.1", false },
	{ __LINE__, "IPv6 only, IPv4 peer", { "::1", NULL }, "127.0.0.1", false },
	{ __LINE__, "/8 inside", { "10.0.0.0/8", NULL }, "10.255.1.2", true },
	{ __LINE__, "/8 outside", { "10.0.0.0/8", NULL }, "11.0.0.0", false },
	{ __LINE__, "/8, mapped peer inside", { "10.0.0.0/8", NULL }, "::ffff:10.9.9.9", true },
	{ __LINE__, "/17 edge inside", { "192.168.128.0/17", NULL }, "192.168.255.255", true },
	{ __LINE__, "/17 edge outside", { "192.168.128.0/17", NULL }, "192.168.127.255", false },
	{ __LINE__, "/0 matches any IPv4", { "0.0.0.0/0", NULL }, "203.0.113.7", true },
	{ __LINE__, "IPv4 /0 not IPv6", { "0.0.0.0/0", NULL }, "2001:db8::1", false },
	{ __LINE__, "IPv6 /32 inside", { "2001:db8::/32", NULL }, "2001:db8:1234::5", true },
	{ __LINE__, "IPv6 /32 outside", { "2001:db8::/32", NULL }, "2001:db9::", false },
	{ __LINE__, "IPv6 /33 edge", { "2001:db8:8000::/33", NULL }, "2001:db8:7fff::1", false },
	{ __LINE__, "mapped entry, IPv4 peer", { "::ffff:192.0.2.0/120", NULL }, "192.0.2.200", true },
	{ __LINE__, "second entry matches", { "10.0.0.0/8", "192.0.2.1", NULL }, "192.0.2.1", true },
	{ __LINE__, "empty list", { NULL }, "127.0.0.1", false },
};

START_TEST(test_match)
{
	const struct match_case *c = &match_cases[_i];
	struct sockaddr_storage ss = unit_addr(c->peer, 0);
	struct ipmatch m[3];
	size_t n = 0;

	for (; c->entries[n]; n++)
		ck_assert_int_eq(ipmatch_parse(c->entries[n], &m[n]), 0);
	ck_assert_msg(ipmatch_any(m, n, &ss) == c->match, "line %d (%s): %s %s",
		      c->src_line, c->what, c->peer, c->match ? "not matched" : "matched");
}
END_TEST

START_TEST(test_other_family)
{
	struct sockaddr_storage ss;
	struct ipmatch m;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	ck_assert_int_eq(ipmatch_parse("0.0.0.0/0", &m), 0);
	ck_assert(!ipmatch_any(&m, 1, &ss));
}
END_TEST

static Suite *ipmatch_suite(void)
{
	Suite *s = suite_create("ipmatch");
	TCase *parse = tcase_create("parse");
	TCase *match = tcase_create("match");

	tcase_set_timeout(parse, 10);
	tcase_set_timeout(match, 10);
	tcase_add_loop_test(parse, test_parse, 0,
			    (int)(sizeof parse_cases / sizeof parse_cases[0]));
	tcase_add_loop_test(match, test_match, 0,
			    (int)(sizeof match_cases / sizeof match_cases[0]));
	tcase_add_test(match, test_other_family);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, match);
	return s;
}

int main(void)
{
	return unit_run(ipmatch_suite());
}
