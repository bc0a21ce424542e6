/*
 * Unit tests for log_escape: the one escaper for text a client or a script
 * controls (access-log fields, CGI stderr lines), as Apache's
 * ap_escape_logitem: '"' and '\' escaped, every other byte outside
 * printable ASCII as \xHH; an escape is never cut by the room left.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "log.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct esc_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;         /* of in (it may hold NUL) */
	size_t cap;         /* room in the output */
	const char *want;   /* output */
	size_t used;        /* input bytes taken */
} cases[] = {
#define S(s) s, sizeof(s) - 1
	{ __LINE__, "plain text untouched", S("GET / HTTP/1.1"), 64, "GET / HTTP/1.1", 14 },
	{ __LINE__, "empty", S(""), 64, "", 0 },
	{ __LINE__, "quote", S("a\"b"), 64, "a\\\"b", 3 },
	{ __LINE__, "backslash (a literal \\x1b stays distinguishable)", S("\\x1b"), 64, "\\\\x1b", 4 },
	{ __LINE__, "CR", S("a\rb"), 64, "a\\x0db", 3 },
	{ __LINE__, "LF cannot end the line", S("a\nb"), 64, "a\\x0ab", 3 },
	{ __LINE__, "ESC sequence (clear screen)", S("a\rb\x1b[2Jc"), 64, "a\\x0db\\x1b[2Jc", 8 },
	{ __LINE__, "NUL", "a\0b", 3, 64, "a\\x00b", 3 },
	{ __LINE__, "tab", S("\t"), 64, "\\x09", 1 },
	{ __LINE__, "DEL", S("\x7f"), 64, "\\x7f", 1 },
	{ __LINE__, "high bytes (UTF-8)", S("\xc3\xa9"), 64, "\\xc3\\xa9", 2 },
	{ __LINE__, "0xff", S("\xff"), 64, "\\xff", 1 },
	{ __LINE__, "space and tilde are printable", S(" ~"), 64, " ~", 2 },
	/* room */
	{ __LINE__, "stops at the room", S("abcdef"), 4, "abcd", 4 },
	{ __LINE__, "no room at all", S("abc"), 0, "", 0 },
	{ __LINE__, "an escape is not cut (3 of 4)", S("ab\x1b"), 5, "ab", 2 },
	{ __LINE__, "an escape that fits exactly", S("ab\x1b"), 6, "ab\\x1b", 3 },
	{ __LINE__, "a quote is not cut", S("a\""), 2, "a", 1 },
	{ __LINE__, "a quote that fits exactly", S("a\""), 3, "a\\\"", 2 },
#undef S
};

START_TEST(test_escape)
{
	const struct esc_case *c = &cases[_i];
	char out[128];
	size_t used = 999, n;

	memset(out, 'Z', sizeof(out));
	n = log_escape(out, c->cap, c->in, c->len, &used);
	ck_assert_msg(n == strlen(c->want) && memcmp(out, c->want, n) == 0,
		      "line %d (%s): \"%.*s\", want \"%s\"", c->line, c->desc, (int)n, out, c->want);
	ck_assert_msg(used == c->used, "line %d (%s): used %zu, want %zu",
		      c->line, c->desc, used, c->used);
	ck_assert_msg(out[n] == 'Z', "line %d (%s): wrote past its answer", c->line, c->desc);
	ck_assert_msg(n <= c->cap, "line %d (%s): %zu bytes in %zu", c->line, c->desc, n, c->cap);
}
END_TEST

/* Every byte value: the output is printable ASCII and undoes to the input. */
START_TEST(test_every_byte)
{
	for (int b = 0; b < 256; b++) {
		char in = (char)b, out[8];
		size_t used, n = log_escape(out, sizeof(out), &in, 1, &used);
		unsigned back;

		ck_assert_uint_eq(used, 1);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(out[i] >= 0x20 && out[i] < 0x7f, "byte %#x: %#x in the output",
				      b, (unsigned char)out[i]);
		if (n == 1)
			back = (unsigned char)out[0];
		else if (n == 2)
			back = (unsigned char)out[1];
		else
			ck_assert_int_eq(sscanf(out + 2, "%2x", &back), 1);
		ck_assert_msg(back == (unsigned)b, "byte %#x comes back as %#x", b, back);
	}
}
END_TEST

/* used may be NULL (the access log does not need it). */
START_TEST(test_used_null)
{
	char out[16];

	ck_assert_uint_eq(log_escape(out, sizeof(out), "a\rb", 3, NULL), 6);
	ck_assert(memcmp(out, "a\\x0db", 6) == 0);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("escape");

	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_escape, 0, NELEM(cases));
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_used_null);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(log_suite());
}
