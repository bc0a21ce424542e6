/*
 * Unit tests for access: which rule covers a path (longest prefix, the
 * directory without its slash, ties) and the address step (IPv4, IPv6 and
 * IPv4-mapped peers; no list, an empty list; allow and auth together).
 */
#include "unit.h"
#include "unit_addr.h"
#include "access.h"
#include "conf.h"
#include "ipmatch.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

/* ---- access_pick -------------------------------------------------------- */

/* The rules every pick row runs against, in this order (ties: first wins). */
static struct conf_access pick_rules[] = {
	{ .path = "/admin/", .line = 10 },
	{ .path = "/admin/public/", .line = 11 },
	{ .path = "/private", .line = 12 },
	{ .path = "/a/b/c/", .line = 13 },
	{ .path = "/a/", .line = 14 },
	{ .path = "/a/", .line = 15 },
	{ .path = "/x/y.cgi", .line = 16 },
};

struct pick_case {
	int src_line;
	const char *what;
	const char *path;
	int rule_line;               /* 0: no rule */
};

static const struct pick_case pick_cases[] = {
	{ __LINE__, "the prefix itself", "/admin/", 10 },
	{ __LINE__, "below the prefix", "/admin/x", 10 },
	{ __LINE__, "deep below", "/admin/x/y/z.html", 10 },
	{ __LINE__, "directory without its slash", "/admin", 10 },
	{ __LINE__, "a sibling name is not the directory", "/administrator", 0 },
	{ __LINE__, "a shorter name", "/admi", 0 },
	{ __LINE__, "longer prefix wins", "/admin/public/x", 11 },
	{ __LINE__, "longer prefix without its slash", "/admin/public", 11 },
	{ __LINE__, "a name next to the longer one", "/admin/publicity", 10 },
	{ __LINE__, "prefix without slash is a plain prefix", "/private", 12 },
	{ __LINE__, "plain prefix covers a longer name", "/privateer", 12 },
	{ __LINE__, "plain prefix covers below", "/private/x", 12 },
	{ __LINE__, "plain prefix: not shorter", "/privat", 0 },
	{ __LINE__, "deepest of nested rules", "/a/b/c/d", 13 },
	{ __LINE__, "nested, between them", "/a/b/x", 14 },
	{ __LINE__, "tie: the first in the file", "/a/z", 14 },
	{ __LINE__, "file rule", "/x/y.cgi", 16 },
	{ __LINE__, "file rule covers PATH_INFO", "/x/y.cgi/more", 16 },
	{ __LINE__, "root path", "/", 0 },
	{ __LINE__, "unrelated", "/index.html", 0 },
	{ __LINE__, "case matters (paths are case-sensitive)", "/ADMIN/", 0 },
	{ __LINE__, "empty path", "", 0 },
};

START_TEST(test_pick)
{
	const struct pick_case *c = &pick_cases[_i];
	const struct conf_access *r = access_pick(pick_rules, sizeof pick_rules / sizeof *pick_rules,
						  c->path, strlen(c->path));
	int got = r ? r->line : 0;

	ck_assert_msg(got == c->rule_line, "line %d (%s): '%s' picked the rule of line %d, want %d",
		      c->src_line, c->what, c->path, got, c->rule_line);
}
END_TEST

START_TEST(test_pick_root_rule)
{
	struct conf_access root = { .path = "/", .line = 1 };

	ck_assert_ptr_eq(access_pick(&root, 1, "/anything", 9), &root);
	ck_assert_ptr_eq(access_pick(&root, 1, "/", 1), &root);
	ck_assert_ptr_null(access_pick(&root, 0, "/", 1));
	ck_assert_ptr_null(access_pick(NULL, 0, "/", 1));
	/* The length given counts, not the NUL: "/admin/x" cut to "/admi" is outside. */
	ck_assert_ptr_null(access_pick(pick_rules, 1, "/admin/x", 5));
}
END_TEST

/* ---- access_decide ------------------------------------------------------ */

enum { NO_LIST = -1 };

struct decide_case {
	int src_line;
	const char *what;
	const char *allow[4];        /* NULL-ended entries */
	int list;                    /* NO_LIST: allow is NULL; else 1 (a list, maybe empty) */
	bool auth;                   /* the rule has a realm */
	const char *peer;
	enum access_verdict want;
};

static const struct decide_case decide_cases[] = {
	{ __LINE__, "no list, no auth", { NULL }, NO_LIST, false, "192.0.2.1", ACCESS_PASS },
	{ __LINE__, "no list, auth", { NULL }, NO_LIST, true, "192.0.2.1", ACCESS_AUTH },
	{ __LINE__, "empty list denies IPv4", { NULL }, 1, false, "127.0.0.1", ACCESS_DENY },
	{ __LINE__, "empty list denies IPv6", { NULL }, 1, false, "::1", ACCESS_DENY },
	{ __LINE__, "empty list denies before auth", { NULL }, 1, true, "127.0.0.1", ACCESS_DENY },
	{ __LINE__, "IPv4 inside", { "127.0.0.1", NULL }, 1, false, "127.0.0.1", ACCESS_PASS },
	{ __LINE__, "IPv4 outside", { "127.0.0.2/32", NULL }, 1, false, "127.0.0.1", ACCESS_DENY },
	{ __LINE__, "IPv4 prefix inside", { "10.0.0.0/8", NULL }, 1, false, "10.200.3.4", ACCESS_PASS },
	{ __LINE__, "IPv4 prefix outside", { "10.0.0.0/8", NULL }, 1, false, "11.0.0.1", ACCESS_DENY },
	{ __LINE__, "second entry matches", { "10.0.0.0/8", "127.0.0.1", NULL }, 1, false,
	  "127.0.0.1", ACCESS_PASS },
	{ __LINE__, "IPv6 inside", { "::1", NULL }, 1, false, "::1", ACCESS_PASS },
	{ __LINE__, "IPv6 prefix inside", { "2001:db8::/32", NULL }, 1, false, "2001:db8:1::5",
	  ACCESS_PASS },
	{ __LINE__, "IPv6 prefix outside", { "2001:db8::/32", NULL }, 1, false, "2001:db9::5",
	  ACCESS_DENY },
	{ __LINE__, "IPv6 entry, IPv4 peer", { "::1", NULL }, 1, false, "127.0.0.1", ACCESS_DENY },
	{ __LINE__, "IPv4 entry, IPv6 peer", { "127.0.0.1", NULL }, 1, false, "::1", ACCESS_DENY },
	{ __LINE__, "IPv4-mapped peer, IPv4 entry", { "127.0.0.0/8", NULL }, 1, false,
	  "::ffff:127.0.0.9", ACCESS_PASS },
	{ __LINE__, "IPv4-mapped peer outside", { "127.0.0.2/32", NULL }, 1, false,
	  "::ffff:127.0.0.1", ACCESS_DENY },
	{ __LINE__, "allowed address still needs auth", { "127.0.0.1", NULL }, 1, true,
	  "127.0.0.1", ACCESS_AUTH },
	{ __LINE__, "denied address never reaches auth", { "127.0.0.2", NULL }, 1, true,
	  "127.0.0.1", ACCESS_DENY },
	{ __LINE__, "mapped peer, auth", { "127.0.0.1", NULL }, 1, true, "::ffff:127.0.0.1",
	  ACCESS_AUTH },
};

START_TEST(test_decide)
{
	const struct decide_case *c = &decide_cases[_i];
	struct ipmatch m[4];
	struct conf_access r = { .path = "/", .realm = c->auth ? "R" : NULL, .line = 1 };
	struct sockaddr_storage ss = unit_addr(c->peer, 0);
	enum access_verdict v;

	for (size_t i = 0; c->allow[i]; i++) {
		ck_assert_int_eq(ipmatch_parse(c->allow[i], &m[i]), 0);
		r.nallow++;
	}
	r.allow = c->list == NO_LIST ? NULL : m;
	v = access_decide(&r, &ss);
	ck_assert_msg(v == c->want, "line %d (%s): peer %s got %d, want %d",
		      c->src_line, c->what, c->peer, v, c->want);
}
END_TEST

START_TEST(test_decide_no_rule)
{
	struct sockaddr_storage ss = unit_addr("127.0.0.1", 0);

	ck_assert_int_eq(access_decide(NULL, &ss), ACCESS_PASS);
}
END_TEST

START_TEST(test_decide_other_family)
{
	struct ipmatch m;
	struct conf_access r = { .path = "/", .allow = &m, .nallow = 1 };
	struct sockaddr_storage ss;

	ck_assert_int_eq(ipmatch_parse("0.0.0.0/0", &m), 0);
	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX; /* no address to match: outside every list */
	ck_assert_int_eq(access_decide(&r, &ss), ACCESS_DENY);
}
END_TEST

static Suite *access_suite(void)
{
	Suite *s = suite_create("access");
	TCase *pick = tcase_create("pick");
	TCase *decide = tcase_create("decide");

	tcase_set_timeout(pick, 10);
	tcase_set_timeout(decide, 10);
	tcase_add_loop_test(pick, test_pick, 0, sizeof pick_cases / sizeof *pick_cases);
	tcase_add_test(pick, test_pick_root_rule);
	tcase_add_loop_test(decide, test_decide, 0, sizeof decide_cases / sizeof *decide_cases);
	tcase_add_test(decide, test_decide_no_rule);
	tcase_add_test(decide, test_decide_other_family);
	suite_add_tcase(s, pick);
	suite_add_tcase(s, decide);
	return s;
}

int main(void)
{
	return unit_run(access_suite());
}
