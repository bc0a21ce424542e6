/*
 * Unit tests for uri: normalisation (RFC 3986 5.2.4), containment, dotfiles,
 * percent-decoding and path encoding.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "uri.h"

struct norm_case {
	int line;
	const char *desc;
	const char *raw;
	int status;        /* 0, 400 or 403 */
	const char *want;  /* normalised path when status is 0 */
	size_t want_len;   /* for results with embedded bytes; 0 = strlen(want) */
};

static const struct norm_case norm_cases[] = {
	/* normal paths */
	{ __LINE__, "root",                      "/",                     0, "/", 0 },
	{ __LINE__, "plain file",                "/index.html",           0, "/index.html", 0 },
	{ __LINE__, "encoded space",             "/a%20b.txt",            0, "/a b.txt", 0 },
	{ __LINE__, "directory keeps slash",     "/sub/",                 0, "/sub/", 0 },
	{ __LINE__, "utf-8 e-acute",             "/caf%C3%A9",            0, "/caf\xC3\xA9", 0 },
	{ __LINE__, "lowercase hex",             "/caf%c3%a9",            0, "/caf\xC3\xA9", 0 },
	{ __LINE__, "raw utf-8 passes",          "/\xC3\xA9",             0, "/\xC3\xA9", 0 },
	{ __LINE__, "nested",                    "/a/b/c.txt",            0, "/a/b/c.txt", 0 },
	{ __LINE__, "plus is literal",           "/a+b",                  0, "/a+b", 0 },
	{ __LINE__, "backslash is a byte",       "/a\\..\\b",             0, "/a\\..\\b", 0 },
	{ __LINE__, "dots inside a name",        "/a..b/c.d",             0, "/a..b/c.d", 0 },
	{ __LINE__, "dot-dot prefix is dotfile", "/a/..b",                403, NULL, 0 },
	/* collapsing and dot-segments */
	{ __LINE__, "double slash collapses",    "//a//b",                0, "/a/b", 0 },
	{ __LINE__, "only slashes",              "////",                  0, "/", 0 },
	{ __LINE__, "trailing double slash",     "/dir//",                0, "/dir/", 0 },
	{ __LINE__, "single dot removed",        "/a/./b",                0, "/a/b", 0 },
	{ __LINE__, "trailing dot is dir",       "/dir/.",                0, "/dir/", 0 },
	{ __LINE__, "root dot",                  "/.",                    0, "/", 0 },
	{ __LINE__, "dot-dot in middle",         "/a/b/../c",             0, "/a/c", 0 },
	{ __LINE__, "trailing dot-dot is dir",   "/a/b/..",               0, "/a/", 0 },
	{ __LINE__, "dot-dot back to root",      "/a/..",                 0, "/", 0 },
	{ __LINE__, "encoded dot-dot inside",    "/a/%2e%2e/b",           0, "/b", 0 },
	{ __LINE__, "encoded single dot",        "/a/%2E/b",              0, "/a/b", 0 },
	{ __LINE__, "%2f is a separator",        "/a%2fb",                0, "/a/b", 0 },
	{ __LINE__, "dot-dot via %2f inside",    "/a/b%2f..%2fc",         0, "/a/c", 0 },
	{ __LINE__, "double-encoded stays",      "/%252e%252e/x",         0, "/%2e%2e/x", 0 },
	{ __LINE__, "double-encoded slash",      "/a%252fb",              0, "/a%2fb", 0 },
	/* .well-known (RFC 8615) */
	{ __LINE__, ".well-known allowed",       "/.well-known/acme",     0, "/.well-known/acme", 0 },
	{ __LINE__, ".well-known after ..",      "/a/../.well-known/x",   0, "/.well-known/x", 0 },
	{ __LINE__, ".well-known not first",     "/a/.well-known/x",      403, NULL, 0 },
	{ __LINE__, ".well-known case differs",  "/.Well-Known/x",        403, NULL, 0 },
	{ __LINE__, "dotfile under .well-known", "/.well-known/.env",     403, NULL, 0 },
	/* 400: syntax */
	{ __LINE__, "empty path",                "",                      400, NULL, 0 },
	{ __LINE__, "no leading slash",          "index.html",            400, NULL, 0 },
	{ __LINE__, "asterisk form",             "*",                     400, NULL, 0 },
	{ __LINE__, "encoded leading slash",     "%2fetc",                400, NULL, 0 },
	{ __LINE__, "lone percent",              "/%",                    400, NULL, 0 },
	{ __LINE__, "one hex digit",             "/%4",                   400, NULL, 0 },
	{ __LINE__, "non-hex escape",            "/%zz",                  400, NULL, 0 },
	{ __LINE__, "half-hex escape",           "/%4g/x",                400, NULL, 0 },
	{ __LINE__, "percent mid path",          "/a%/b",                 400, NULL, 0 },
	/* 400: controls are malformed, not forbidden (RFC 9112 3.2) */
	{ __LINE__, "encoded NUL",               "/a%00.txt",             400, NULL, 0 },
	{ __LINE__, "encoded newline",           "/a%0a",                 400, NULL, 0 },
	{ __LINE__, "encoded CR",                "/a%0D",                 400, NULL, 0 },
	{ __LINE__, "encoded 0x01",              "/%01",                  400, NULL, 0 },
	{ __LINE__, "encoded 0x1f",              "/%1F",                  400, NULL, 0 },
	{ __LINE__, "encoded DEL",               "/%7f",                  400, NULL, 0 },
	{ __LINE__, "raw tab",                   "/a\tb",                 400, NULL, 0 },
	/* 400: climbing above the root is malformed (RFC 3986 5.2.4, RFC 9112 3.2) */
	{ __LINE__, "dot-dot at root",           "/..",                   400, NULL, 0 },
	{ __LINE__, "classic traversal",         "/../etc/passwd",        400, NULL, 0 },
	{ __LINE__, "climb after one level",     "/a/../../b",            400, NULL, 0 },
	{ __LINE__, "encoded traversal",         "/%2e%2e/x",             400, NULL, 0 },
	{ __LINE__, "mixed-case encoded",        "/%2E%2e/x",             400, NULL, 0 },
	{ __LINE__, "half-encoded dot-dot",      "/.%2e/x",               400, NULL, 0 },
	{ __LINE__, "traversal via %2f",         "/..%2f..%2fetc",        400, NULL, 0 },
	{ __LINE__, "deep climb",                "/a/b/../../../c",       400, NULL, 0 },
	{ __LINE__, "slashes do not hide climb", "//..//x",               400, NULL, 0 },
	{ __LINE__, "NUL then climb (9112 3.2)",  "/%00/../x",             400, NULL, 0 },
	{ __LINE__, "climb to a dotfile is 400",  "/../.htpasswd",         400, NULL, 0 },
	{ __LINE__, "encoded NUL alone (9112 3.2)", "/%00",                400, NULL, 0 },
	{ __LINE__, "encoded ESC (9112 3.2)",     "/a%1b[0m",              400, NULL, 0 },
	{ __LINE__, "dotfile before the climb is 403", "/.git/../../x",    403, NULL, 0 },
	/* 403: dotfiles */
	{ __LINE__, "htpasswd",                  "/.htpasswd",            403, NULL, 0 },
	{ __LINE__, "git config",                "/.git/config",          403, NULL, 0 },
	{ __LINE__, "env in subdir",             "/a/.env",               403, NULL, 0 },
	{ __LINE__, "encoded h in dotfile",      "/.%68tpasswd",          403, NULL, 0 },
	{ __LINE__, "encoded leading dot",       "/%2ehtaccess",          403, NULL, 0 },
	{ __LINE__, "triple dot",                "/...",                  403, NULL, 0 },
	{ __LINE__, "dotfile directory",         "/.git/",                403, NULL, 0 },
};

START_TEST(test_normalize)
{
	const struct norm_case *c = &norm_cases[_i];
	size_t len = strlen(c->raw), out_len = (size_t)-1;
	char *out = malloc(len + 1);
	int st;

	ck_assert_ptr_nonnull(out);
	st = uri_normalize(c->raw, len, out, len + 1, &out_len);
	ck_assert_msg(st == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, st, c->status);
	if (c->status == 0) {
		size_t wl = c->want_len ? c->want_len : strlen(c->want);

		ck_assert_msg(out_len == wl && memcmp(out, c->want, wl) == 0 &&
			      out[out_len] == '\0',
			      "line %d (%s): got \"%s\", want \"%s\"",
			      c->line, c->desc, out, c->want);
	}
	free(out);
}
END_TEST

/* The out buffer must hold len + 1 bytes; less is refused, not truncated. */
START_TEST(test_normalize_room)
{
	char out[16];
	size_t n = 0;

	ck_assert_int_eq(uri_normalize("/abc", 4, out, 4, &n), 400);
	ck_assert_int_eq(uri_normalize("/abc", 4, out, 5, &n), 0);
	ck_assert_str_eq(out, "/abc");
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(uri_normalize("/abc", 4, out, 0, &n), 400);
}
END_TEST

/* The length argument bounds the read: bytes after it are not looked at. */
START_TEST(test_normalize_len_bound)
{
	char out[16];
	size_t n = 0;

	ck_assert_int_eq(uri_normalize("/ab/../../x", 3, out, sizeof(out), &n), 0);
	ck_assert_str_eq(out, "/ab");
	ck_assert_int_eq(uri_normalize("/a%41", 3, out, sizeof(out), &n), 400);
}
END_TEST

struct dec_case {
	int line;
	const char *desc;
	const char *src;
	size_t cap;
	long want_n;       /* -1 on refusal */
	const char *want;
	size_t want_len;   /* bytes to compare (embedded NUL) */
};

static const struct dec_case dec_cases[] = {
	{ __LINE__, "plain",              "abc",        8, 3, "abc", 3 },
	{ __LINE__, "empty",              "",           1, 0, "", 0 },
	{ __LINE__, "space",              "a%20b",      8, 3, "a b", 3 },
	{ __LINE__, "plus not special",   "a+b",        8, 3, "a+b", 3 },
	{ __LINE__, "decode once only",   "%252e",      8, 3, "%2e", 3 },
	{ __LINE__, "NUL decoded",        "a%00b",      8, 3, "a\0b", 3 },
	{ __LINE__, "high byte",          "%FF",        8, 1, "\xFF", 1 },
	{ __LINE__, "exact fit",          "abc",        4, 3, "abc", 3 },
	{ __LINE__, "no room for NUL",    "abc",        3, -1, NULL, 0 },
	{ __LINE__, "zero cap",           "",           0, -1, NULL, 0 },
	{ __LINE__, "lone percent",       "%",          8, -1, NULL, 0 },
	{ __LINE__, "short escape",       "a%4",        8, -1, NULL, 0 },
	{ __LINE__, "bad hex",            "%zz",        8, -1, NULL, 0 },
	{ __LINE__, "bad second hex",     "%4x",        8, -1, NULL, 0 },
};

START_TEST(test_pct_decode)
{
	const struct dec_case *c = &dec_cases[_i];
	char buf[16];
	long n;

	memset(buf, 'Z', sizeof(buf));
	n = uri_pct_decode(c->src, strlen(c->src), buf, c->cap);
	ck_assert_msg(n == c->want_n, "line %d (%s): got %ld, want %ld",
		      c->line, c->desc, n, c->want_n);
	if (n >= 0) {
		ck_assert_msg(memcmp(buf, c->want, c->want_len) == 0 &&
			      buf[n] == '\0', "line %d (%s): wrong bytes",
			      c->line, c->desc);
	}
}
END_TEST

struct enc_case {
	int line;
	const char *desc;
	const char *prefix;   /* already in dst */
	const char *src;
	size_t src_len;       /* 0 = strlen(src) */
	size_t cap;
	long want_n;
	const char *want;     /* dst afterwards (unchanged on refusal) */
};

static const struct enc_case enc_cases[] = {
	{ __LINE__, "unreserved kept",  "", "/aZ09-._~",  0, 32, 9, "/aZ09-._~" },
	{ __LINE__, "sub-delims kept",  "", "!$&'()*+,;=", 0, 32, 11, "!$&'()*+,;=" },
	{ __LINE__, "colon at kept",    "", "/a:b@c",     0, 32, 6, "/a:b@c" },
	{ __LINE__, "space encoded",    "", "/a b",       0, 32, 6, "/a%20b" },
	{ __LINE__, "gen-delims",       "", "?#[]",       0, 32, 12, "%3F%23%5B%5D" },
	{ __LINE__, "percent encoded",  "", "100%",       0, 32, 6, "100%25" },
	{ __LINE__, "quote and lt",     "", "\"<>",       0, 32, 9, "%22%3C%3E" },
	{ __LINE__, "utf-8 uppercase",  "", "\xC3\xA9",   0, 32, 6, "%C3%A9" },
	{ __LINE__, "controls",         "", "\r\n\x7F",   0, 32, 9, "%0D%0A%7F" },
	{ __LINE__, "embedded NUL",     "", "a\0b",       3, 32, 5, "a%00b" },
	{ __LINE__, "appends",          "http://h", "/x y", 0, 32, 14, "http://h/x%20y" },
	{ __LINE__, "exact fit",        "", "a b",        0, 6, 5, "a%20b" },
	{ __LINE__, "one short",        "", "a b",        0, 5, -1, "" },
	{ __LINE__, "refusal restores", "pre", "abc",     0, 6, -1, "pre" },
};

START_TEST(test_pct_encode)
{
	const struct enc_case *c = &enc_cases[_i];
	char buf[32];
	size_t len = c->src_len ? c->src_len : strlen(c->src);
	long n;

	memset(buf, 'Z', sizeof(buf));
	strcpy(buf, c->prefix);
	n = uri_pct_encode_path(buf, c->cap, c->src, len);
	ck_assert_msg(n == c->want_n, "line %d (%s): got %ld, want %ld",
		      c->line, c->desc, n, c->want_n);
	ck_assert_msg(strcmp(buf, c->want) == 0, "line %d (%s): got \"%s\"",
		      c->line, c->desc, buf);
}
END_TEST

/* A dst without a NUL inside cap is refused rather than overrun. */
START_TEST(test_pct_encode_unterminated)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };

	ck_assert_int_eq(uri_pct_encode_path(buf, sizeof(buf), "x", 1), -1);
	ck_assert_int_eq(memcmp(buf, "abcd", 4), 0);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *uri_suite(void)
{
	Suite *s = suite_create("uri");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");
	TCase *codec = tcase_create("codec");

	tcase_set_timeout(core, 5);
	tcase_add_loop_test(core, test_normalize, 0, NELEM(norm_cases));
	suite_add_tcase(s, core);

	tcase_set_timeout(limits, 5);
	tcase_add_test(limits, test_normalize_room);
	tcase_add_test(limits, test_normalize_len_bound);
	tcase_add_test(limits, test_pct_encode_unterminated);
	suite_add_tcase(s, limits);

	tcase_set_timeout(codec, 5);
	tcase_add_loop_test(codec, test_pct_decode, 0, NELEM(dec_cases));
	tcase_add_loop_test(codec, test_pct_encode, 0, NELEM(enc_cases));
	suite_add_tcase(s, codec);
	return s;
}

int main(void)
{
	return unit_run(uri_suite());
}
