/*
 * Unit tests for vhost: Host normalisation (every odd form a client can
 * send) and the lookup's precedence (exact, longest wildcard, default, top
 * level) over a struct conf filled by hand, as conf_load would fill it.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "conf.h"
#include "vhost.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct norm_case {
	int line;
	const char *desc;
	const char *in;              /* NULL: absent */
	int ret;                     /* length, 0 (no host) or -1 */
	const char *out;             /* when ret > 0 */
};

static const struct norm_case norm_cases[] = {
	{ __LINE__, "absent",                     NULL,                 0,  NULL },
	{ __LINE__, "empty (HTTP/1.1 allows it)", "",                   0,  NULL },
	{ __LINE__, "plain name",                 "example.com",        11, "example.com" },
	{ __LINE__, "upper case lowered",         "WWW.Example.COM",    15, "www.example.com" },
	{ __LINE__, "port dropped",               "example.com:8080",   11, "example.com" },
	{ __LINE__, "empty port (RFC 3986 3.2.3)","host:",              4,  "host" },
	{ __LINE__, "port alone: no host",        ":80",                0,  NULL },
	{ __LINE__, "colon alone: no host",       ":",                  0,  NULL },
	{ __LINE__, "trailing dot dropped",       "example.com.",       11, "example.com" },
	{ __LINE__, "trailing dot and port",      "Example.com.:80",    11, "example.com" },
	{ __LINE__, "two trailing dots refused",  "example.com..",      -1, NULL },
	{ __LINE__, "dot alone refused",          ".",                  -1, NULL },
	{ __LINE__, "leading dot refused",        ".example.com",       -1, NULL },
	{ __LINE__, "empty label refused",        "a..example.com",     -1, NULL },
	{ __LINE__, "IPv4 address",               "127.0.0.1:8080",     9,  "127.0.0.1" },
	{ __LINE__, "IPv6 literal keeps brackets","[::1]:8080",         5,  "[::1]" },
	{ __LINE__, "IPv6 literal lowered",       "[2001:DB8::A]",      13, "[2001:db8::a]" },
	{ __LINE__, "IPv6 literal, empty port",   "[::1]:",             5,  "[::1]" },
	{ __LINE__, "IPv6 literal, bad port",     "[::1]:8x",           -1, NULL },
	{ __LINE__, "IPv6 literal, junk after",   "[::1]x",             -1, NULL },
	{ __LINE__, "IPv6 literal unclosed",      "[::1",               -1, NULL },
	{ __LINE__, "IPv6 literal empty",         "[]",                 -1, NULL },
	{ __LINE__, "IPv6 literal bad char",      "[::g]",              -1, NULL },
	{ __LINE__, "space inside refused",       "exa mple.com",       -1, NULL },
	{ __LINE__, "leading space refused",      " example.com",       -1, NULL },
	{ __LINE__, "trailing space refused",     "example.com ",       -1, NULL },
	{ __LINE__, "non-digit port refused",     "example.com:http",   -1, NULL },
	{ __LINE__, "two colons refused",         "example.com:80:81",  -1, NULL },
	{ __LINE__, "userinfo refused",           "user@example.com",   -1, NULL },
	{ __LINE__, "percent-encoding refused",   "ex%41mple.com",      -1, NULL },
	{ __LINE__, "slash refused",              "example.com/x",      -1, NULL },
	{ __LINE__, "NUL refused",                "a\0b",               -1, NULL },
	{ __LINE__, "high byte refused",          "caf\xc3\xa9.com",    -1, NULL },
	{ __LINE__, "wildcard is no host name",   "*.example.net",      -1, NULL },
	{ __LINE__, "underscore kept",            "my_host.example",    15, "my_host.example" },
};

START_TEST(test_normalize)
{
	const struct norm_case *c = &norm_cases[_i];
	/* The NUL row's length counts past its NUL. */
	size_t len = !c->in ? 0 : strcmp(c->desc, "NUL refused") == 0 ? 3 : strlen(c->in);
	char out[VHOST_NAME_MAX];
	int r;

	memset(out, 'x', sizeof(out));
	r = vhost_normalize(c->in, len, out, sizeof(out));
	ck_assert_msg(r == c->ret, "line %d (%s): returned %d, want %d", c->line, c->desc, r, c->ret);
	if (r > 0)
		ck_assert_msg(strcmp(out, c->out) == 0, "line %d (%s): '%s', want '%s'",
			      c->line, c->desc, out, c->out);
	else
		ck_assert_msg(out[0] == '\0', "line %d (%s): out not emptied", c->line, c->desc);
}
END_TEST

START_TEST(test_normalize_limits)
{
	char in[VHOST_NAME_MAX + 8], out[VHOST_NAME_MAX];

	memset(in, 'a', sizeof(in));
	/* The longest name kept, then one more. */
	ck_assert_int_eq(vhost_normalize(in, VHOST_NAME_MAX - 1, out, sizeof(out)), VHOST_NAME_MAX - 1);
	ck_assert_int_eq(vhost_normalize(in, VHOST_NAME_MAX, out, sizeof(out)), -1);
	/* A trailing dot does not count against it. */
	in[VHOST_NAME_MAX - 1] = '.';
	ck_assert_int_eq(vhost_normalize(in, VHOST_NAME_MAX, out, sizeof(out)), VHOST_NAME_MAX - 1);
	/* A small buffer is never overrun, and never cut. */
	ck_assert_int_eq(vhost_normalize("abcd", 4, out, 4), -1);
	ck_assert_int_eq(vhost_normalize("abc", 3, out, 4), 3);
	ck_assert_int_eq(vhost_normalize("[::1]", 5, out, 5), -1);
	ck_assert_int_eq(vhost_normalize("abc", 3, out, 0), -1);
	/* cap above VHOST_NAME_MAX is held to it. */
	{
		char big[VHOST_NAME_MAX * 2];
		ck_assert_int_eq(vhost_normalize(in, VHOST_NAME_MAX + 1, big, sizeof(big)), -1);
	}
}
END_TEST

/* ---- lookup -------------------------------------------------------------- */

struct vh {
	const char *server_name;
	const char *aliases[4];
	bool is_default;
};

static struct conf conf;
static struct conf_site sites[8];
static char *alias_ptrs[8][4];
static struct vhost_table table;

static void load(const struct vh *v, size_t n)
{
	memset(&conf, 0, sizeof(conf));
	memset(sites, 0, sizeof(sites));
	for (size_t i = 0; i < n; i++) {
		sites[i].server_name = (char *)v[i].server_name;
		sites[i].is_default = v[i].is_default;
		for (size_t a = 0; a < 4 && v[i].aliases[a]; a++) {
			alias_ptrs[i][a] = (char *)v[i].aliases[a];
			sites[i].naliases = a + 1;
		}
		sites[i].aliases = alias_ptrs[i];
	}
	conf.vhosts = n ? sites : NULL;
	conf.nvhosts = n;
	ck_assert_int_eq(vhost_table_build(&table, &conf), 0);
}

static int look(const char *host)
{
	char name[VHOST_NAME_MAX];
	int n = vhost_normalize(host, host ? strlen(host) : 0, name, sizeof(name));

	return vhost_lookup(&table, name, n > 0 ? (size_t)n : 0);
}

/* 0 example.com, 1 wildcards at two depths, 2 the default, 3 a duplicate name. */
static const struct vh four[] = {
	{ "example.com", { "www.example.com", "*.example.net", "exact.b.example.net" }, false },
	{ "Other.org", { "*.b.example.net", "*.Other.org", NULL }, false },
	{ "fallback.test", { NULL }, true },
	{ "example.com", { "dup.test", NULL }, true },
};

struct look_case {
	int line;
	const char *desc;
	const char *host;
	int want;
};

static const struct look_case look_cases[] = {
	{ __LINE__, "exact server_name",                "example.com",           0 },
	{ __LINE__, "exact alias",                      "www.example.com",       0 },
	{ __LINE__, "upper case",                       "WWW.EXAMPLE.COM",       0 },
	{ __LINE__, "trailing dot",                     "example.com.",          0 },
	{ __LINE__, "port",                             "example.com:8080",      0 },
	{ __LINE__, "double trailing dot: default",     "example.com..",         2 },
	{ __LINE__, "conf name lowered",                "other.org",             1 },
	{ __LINE__, "wildcard, one label",              "a.example.net",         0 },
	{ __LINE__, "wildcard, two labels",             "x.a.example.net",       0 },
	{ __LINE__, "wildcard needs a label",           "example.net",           2 },
	{ __LINE__, "longest wildcard wins",            "c.b.example.net",       1 },
	{ __LINE__, "longest wildcard, deeper",         "d.c.b.example.net",     1 },
	{ __LINE__, "suffix itself is not its wildcard","b.example.net",         0 },
	{ __LINE__, "exact beats a longer wildcard",    "exact.b.example.net",   0 },
	{ __LINE__, "conf wildcard lowered",            "www.other.org",         1 },
	{ __LINE__, "unknown: default",                 "unknown.test",          2 },
	{ __LINE__, "absent: default",                  NULL,                    2 },
	{ __LINE__, "empty: default",                   "",                      2 },
	{ __LINE__, "port only: default",               ":80",                   2 },
	{ __LINE__, "malformed: default",               "a b",                   2 },
	{ __LINE__, "IPv6 literal: default",            "[::1]:8080",            2 },
	{ __LINE__, "duplicate name: first vhost",      "EXAMPLE.com",           0 },
	{ __LINE__, "duplicate's alias still works",    "dup.test",              3 },
	{ __LINE__, "a name's prefix is another name",  "example.co",            2 },
	{ __LINE__, "a longer name is another name",    "example.comm",          2 },
	{ __LINE__, "first default wins",               "nowhere",               2 },
};

START_TEST(test_lookup)
{
	const struct look_case *c = &look_cases[_i];
	int got;

	load(four, NELEM(four));
	got = look(c->host);
	ck_assert_msg(got == c->want, "line %d (%s): vhost %d, want %d", c->line, c->desc, got, c->want);
	vhost_table_free(&table);
}
END_TEST

START_TEST(test_no_default)
{
	static const struct vh v[] = {
		{ "a.test", { "*.a.test", NULL }, false },
		{ "b.test", { NULL }, false },
	};

	load(v, NELEM(v));
	ck_assert_int_eq(look("b.test"), 1);
	ck_assert_int_eq(look("x.a.test"), 0);
	ck_assert_int_eq(look("unknown.test"), VHOST_TOP);
	ck_assert_int_eq(look(NULL), VHOST_TOP);
	ck_assert_int_eq(look("bad host"), VHOST_TOP);
	vhost_table_free(&table);
	/* A freed table answers the top level for everything. */
	ck_assert_int_eq(look("b.test"), VHOST_TOP);
}
END_TEST

START_TEST(test_no_vhosts)
{
	load(NULL, 0);
	ck_assert_ptr_null(table.exact);
	ck_assert_int_eq(look("example.com"), VHOST_TOP);
	ck_assert_int_eq(look(NULL), VHOST_TOP);
	vhost_table_free(&table);
}
END_TEST

/* Hundreds of vhosts: each found by its own name and its wildcard. */
START_TEST(test_many)
{
	enum { N = 500 };
	static char names[N][32], wilds[N][32];
	static struct conf_site many[N];
	static char *aliases[N][1];
	char host[64];

	memset(&conf, 0, sizeof(conf));
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "site%d.example", i);
		snprintf(wilds[i], sizeof(wilds[i]), "*.site%d.example", i);
		aliases[i][0] = wilds[i];
		many[i] = (struct conf_site){ .server_name = names[i], .aliases = aliases[i], .naliases = 1 };
	}
	conf.vhosts = many;
	conf.nvhosts = N;
	ck_assert_int_eq(vhost_table_build(&table, &conf), 0);
	ck_assert_uint_eq(table.nexact, N);
	ck_assert_uint_eq(table.nwild, N);
	for (int i = 0; i < N; i++) {
		snprintf(host, sizeof(host), "SITE%d.example", i);
		ck_assert_int_eq(look(host), i);
		snprintf(host, sizeof(host), "www.site%d.example.:443", i);
		ck_assert_int_eq(look(host), i);
	}
	ck_assert_int_eq(look("site500.example"), VHOST_TOP);
	vhost_table_free(&table);
}
END_TEST

static Suite *vhost_suite(void)
{
	Suite *s = suite_create("vhost");
	TCase *core = tcase_create("core"), *lookup = tcase_create("lookup");

	tcase_add_loop_test(core, test_normalize, 0, (int)NELEM(norm_cases));
	tcase_add_test(core, test_normalize_limits);
	tcase_add_loop_test(lookup, test_lookup, 0, (int)NELEM(look_cases));
	tcase_add_test(lookup, test_no_default);
	tcase_add_test(lookup, test_no_vhosts);
	tcase_add_test(lookup, test_many);
	tcase_set_timeout(core, 10);
	tcase_set_timeout(lookup, 10);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lookup);
	return s;
}

int main(void)
{
	return unit_run(vhost_suite());
}
