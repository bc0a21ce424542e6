/*
 * Unit tests for logfmt: Apache LogFormat compiled and rendered. Every
 * directive over a known record (and over an empty one: "-" where Apache
 * logs "-"); the presets, Combined byte for byte as log.c wrote it before
 * formats existed; hostile values (quotes, CR LF, ESC, bytes >= 0x80 in the
 * request line, a field, a CGI variable) escaped so a line stays one line;
 * values cut at their share and the line at the buffer, always ending in
 * '\n'; what a format needs (LOGFMT_NEED_*); and every compile error.
 * TZ is UTC, so %t is fixed.
 */
#include "unit.h"
#include "logfmt.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 10/Oct/2000:13:55:36 +0000, Apache's documentation's example time. */
#define WHEN 971186136

static const char *lookup(void *ctx, char kind, const char *name, size_t *len)
{
	static const struct { char kind; const char *name, *value; } t[] = {
		{ 'i', "x-forwarded-for", "10.0.0.1" },
		{ 'i', "host", "www.example.com" },
		{ 'i', "x-evil", "a\r\n1.2.3.4 - - [x] \"GET / HTTP/1.1\" 200 1\x1b[31m\xff" },
		{ 'o', "content-type", "text/html; charset=utf-8" },
		{ 'o', "x-id", "" },
		{ 'e', "REMOTE_USER", "alice" },
		{ 'e', "APP_ENV", "prod\"uction\\" },
	};

	(void)ctx;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].kind == kind && strcasecmp(t[i].name, name) == 0) {
			*len = strlen(t[i].value);
			return t[i].value;
		}
	*len = 0;
	return NULL;
}

#define S(s) s, sizeof(s) - 1

static const char ua[] = "Mozilla/5.0 \"quoted\"";

static const struct log_access_rec rec_full = {
	.client = "192.0.2.1", .when = WHEN,
	.request_line = S("GET /a/b%20c?x=1&y=2 HTTP/1.1"),
	.user = "alice", .status = 200, .bytes = 1234,
	.referer = S("http://ref.example/"), .user_agent = S(ua),
	.server_name = "www.example.com", .port = 8080, .client_port = 54321, .pid = 4242,
	.usec = 2345678, .lookup = lookup,
};

/* Nothing known: a request cut before anything could be said of it. */
static const struct log_access_rec rec_empty = { .status = 400 };

static const struct log_access_rec rec_hostile = {
	.client = "192.0.2.9", .when = WHEN,
	.request_line = S("GET /\"x\\y\r\n\x1b[2J\x7f\x80 HTTP/1.1"),
	.user = "bob\"\n", .status = 404,
	.referer = S("\"\r\nforged"), .user_agent = S("\x01\xfe"),
	.server_name = "a.example", .lookup = lookup,
};

/* A request line without a query and without a protocol (HTTP/0.9 style, or cut). */
static const struct log_access_rec rec_short = {
	.client = "c", .request_line = S("GET /only"), .status = 400,
};

static const struct log_access_rec rec_method_only = {
	.client = "c", .request_line = S("BREW"), .status = 400,
};

enum { FULL, EMPTY, HOSTILE, SHORT, METHOD_ONLY };

static const struct log_access_rec *const recs[] = {
	[FULL] = &rec_full, [EMPTY] = &rec_empty, [HOSTILE] = &rec_hostile,
	[SHORT] = &rec_short, [METHOD_ONLY] = &rec_method_only,
};

static const struct render_case {
	int line;
	const char *desc;
	const char *format;
	int rec;
	const char *want;            /* without the final '\n' */
	unsigned needs;
} render_cases[] = {
	/* presets */
	{ __LINE__, "combined, the default, as log.c always wrote it", "combined", FULL,
	  "192.0.2.1 - alice [10/Oct/2000:13:55:36 +0000] \"GET /a/b%20c?x=1&y=2 HTTP/1.1\" 200 1234 "
	  "\"http://ref.example/\" \"Mozilla/5.0 \\\"quoted\\\"\"", 0 },
	{ __LINE__, "combined: nothing known is \"-\"", "combined", EMPTY,
	  "- - - [01/Jan/1970:00:00:00 +0000] \"-\" 400 - \"-\" \"-\"", 0 },
	{ __LINE__, "combined spelt out is the same", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"",
	  FULL, "192.0.2.1 - alice [10/Oct/2000:13:55:36 +0000] \"GET /a/b%20c?x=1&y=2 HTTP/1.1\" 200 1234 "
	  "\"http://ref.example/\" \"Mozilla/5.0 \\\"quoted\\\"\"", 0 },
	{ __LINE__, "common", "common", FULL,
	  "192.0.2.1 - alice [10/Oct/2000:13:55:36 +0000] \"GET /a/b%20c?x=1&y=2 HTTP/1.1\" 200 1234", 0 },
	{ __LINE__, "vhost_combined: %v:%p first, %b for Apache's %O", "vhost_combined", FULL,
	  "www.example.com:8080 192.0.2.1 - alice [10/Oct/2000:13:55:36 +0000] \"GET /a/b%20c?x=1&y=2 "
	  "HTTP/1.1\" 200 1234 \"http://ref.example/\" \"Mozilla/5.0 \\\"quoted\\\"\"", 0 },
	{ __LINE__, "vhost_combined, nothing known", "vhost_combined", EMPTY,
	  "-:- - - - [01/Jan/1970:00:00:00 +0000] \"-\" 400 - \"-\" \"-\"", 0 },
	/* each directive */
	{ __LINE__, "%h", "%h", FULL, "192.0.2.1", 0 },
	{ __LINE__, "%a", "%a", FULL, "192.0.2.1", 0 },
	{ __LINE__, "%l is always -", "%l", FULL, "-", 0 },
	{ __LINE__, "%u", "%u", FULL, "alice", 0 },
	{ __LINE__, "%u without a user", "%u", EMPTY, "-", 0 },
	{ __LINE__, "%t", "%t", FULL, "[10/Oct/2000:13:55:36 +0000]", 0 },
	{ __LINE__, "%{format}t", "%{%Y-%m-%dT%H:%M:%S}t", FULL, "2000-10-10T13:55:36", 0 },
	{ __LINE__, "%{begin:format}t", "%{begin:%H}t", FULL, "13", 0 },
	{ __LINE__, "%{sec}t", "%{sec}t", FULL, "971186136", 0 },
	{ __LINE__, "%{format}t output escaped", "%{a\"b}t", FULL, "a\\\"b", 0 },
	{ __LINE__, "%r", "%r", FULL, "GET /a/b%20c?x=1&y=2 HTTP/1.1", 0 },
	{ __LINE__, "%r without a line", "%r", EMPTY, "-", 0 },
	{ __LINE__, "%s", "%s", FULL, "200", 0 },
	{ __LINE__, "%>s", "%>s", FULL, "200", 0 },
	{ __LINE__, "%<s", "%<s", FULL, "200", 0 },
	{ __LINE__, "%b", "%b", FULL, "1234", 0 },
	{ __LINE__, "%b for no bytes", "%b", EMPTY, "-", 0 },
	{ __LINE__, "%B", "%B", FULL, "1234", 0 },
	{ __LINE__, "%B for no bytes", "%B", EMPTY, "0", 0 },
	{ __LINE__, "%{Referer}i", "%{Referer}i", FULL, "http://ref.example/", 0 },
	{ __LINE__, "%{referer}i any case, no lookup", "%{rEfErEr}i", FULL, "http://ref.example/", 0 },
	{ __LINE__, "%{User-Agent}i", "%{User-Agent}i", FULL, "Mozilla/5.0 \\\"quoted\\\"", 0 },
	{ __LINE__, "%{Name}i", "%{X-Forwarded-For}i", FULL, "10.0.0.1", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{Name}i absent", "%{X-None}i", FULL, "-", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{Name}i without a lookup", "%{Host}i", EMPTY, "-", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{Name}o", "%{Content-Type}o", FULL, "text/html; charset=utf-8", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{Name}o empty value", "[%{X-Id}o]", FULL, "[]", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{NAME}e", "%{REMOTE_USER}e", FULL, "alice", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{NAME}e escaped", "%{APP_ENV}e", FULL, "prod\\\"uction\\\\", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%{NAME}e unknown", "%{NOPE}e", FULL, "-", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%D", "%D", FULL, "2345678", LOGFMT_NEED_USEC },
	{ __LINE__, "%T", "%T", FULL, "2", LOGFMT_NEED_USEC },
	{ __LINE__, "%{ms}T", "%{ms}T", FULL, "2345", LOGFMT_NEED_USEC },
	{ __LINE__, "%{us}T", "%{us}T", FULL, "2345678", LOGFMT_NEED_USEC },
	{ __LINE__, "%{s}T", "%{s}T", FULL, "2", LOGFMT_NEED_USEC },
	{ __LINE__, "%v", "%v", FULL, "www.example.com", 0 },
	{ __LINE__, "%v unknown", "%v", EMPTY, "-", 0 },
	{ __LINE__, "%m", "%m", FULL, "GET", 0 },
	{ __LINE__, "%U: the path as sent", "%U", FULL, "/a/b%20c", 0 },
	{ __LINE__, "%q: ? and the query", "%q", FULL, "?x=1&y=2", 0 },
	{ __LINE__, "%H", "%H", FULL, "HTTP/1.1", 0 },
	{ __LINE__, "%m %U %q %H without a line", "[%m|%U|%q|%H]", EMPTY, "[-|-||-]", 0 },
	{ __LINE__, "%U %q %H of a line without protocol", "[%m|%U|%q|%H]", SHORT, "[GET|/only||-]", 0 },
	{ __LINE__, "a line that is only a method", "[%m|%U|%q|%H]", METHOD_ONLY, "[BREW|-||-]", 0 },
	{ __LINE__, "%p", "%p", FULL, "8080", 0 },
	{ __LINE__, "%{local}p", "%{local}p", FULL, "8080", 0 },
	{ __LINE__, "%{canonical}p", "%{canonical}p", FULL, "8080", 0 },
	{ __LINE__, "%{remote}p", "%{remote}p", FULL, "54321", 0 },
	{ __LINE__, "%p unknown", "%p", EMPTY, "-", 0 },
	{ __LINE__, "%P", "%P", FULL, "4242", LOGFMT_NEED_PID },
	{ __LINE__, "%%", "100%% %s", FULL, "100% 200", 0 },
		/* literal text and mod_log_config's escapes */
	{ __LINE__, "\\t is a tab", "%h\\t%s", FULL, "192.0.2.1\t200", 0 },
	{ __LINE__, "a raw tab stays", "%h\t%s", FULL, "192.0.2.1\t200", 0 },
	{ __LINE__, "\\\\ is a backslash", "a\\\\b %s", FULL, "a\\b 200", 0 },
	{ __LINE__, "another \\x stays as written", "\\q\\\" %s", FULL, "\\q\\\" 200", 0 },
	{ __LINE__, "a trailing backslash stays", "%s\\", FULL, "200\\", 0 },
	{ __LINE__, "UTF-8 text stays", "\xc3\xa9 %s", FULL, "\xc3\xa9 200", 0 },
	{ __LINE__, "several needs", "%D %P %{Host}i", FULL, "2345678 4242 www.example.com",
	  LOGFMT_NEED_USEC | LOGFMT_NEED_PID | LOGFMT_NEED_LOOKUP },
	/* hostile values: nothing a client sends ends the line or forges another */
	{ __LINE__, "request line: quote, backslash, CR LF, ESC, DEL, 0x80", "\"%r\"", HOSTILE,
	  "\"GET /\\\"x\\\\y\\x0d\\x0a\\x1b[2J\\x7f\\x80 HTTP/1.1\"", 0 },
	{ __LINE__, "user with a quote and LF", "%u", HOSTILE, "bob\\\"\\x0a", 0 },
	{ __LINE__, "Referer forging a line", "\"%{Referer}i\"", HOSTILE, "\"\\\"\\x0d\\x0aforged\"", 0 },
	{ __LINE__, "User-Agent control bytes", "%{User-Agent}i", HOSTILE, "\\x01\\xfe", 0 },
	{ __LINE__, "a field forging a line, colouring a terminal", "%{X-Evil}i", HOSTILE,
	  "a\\x0d\\x0a1.2.3.4 - - [x] \\\"GET / HTTP/1.1\\\" 200 1\\x1b[31m\\xff", LOGFMT_NEED_LOOKUP },
	{ __LINE__, "%m %U %H of a hostile line", "%m %U %H", HOSTILE,
	  "GET /\\\"x\\\\y\\x0d\\x0a\\x1b[2J\\x7f\\x80 HTTP/1.1", 0 },
};

static void setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

START_TEST(test_render)
{
	const struct render_case *c = &render_cases[_i];
	static struct logfmt f;
	char err[256], buf[LOGFMT_LINE_MAX];
	size_t n;

	ck_assert_msg(logfmt_compile(&f, c->format, err, sizeof(err)) == 0,
		      "line %d (%s): %s", c->line, c->desc, err);
	n = logfmt_render(&f, recs[c->rec], buf, sizeof(buf));
	ck_assert_msg(n >= 1 && buf[n - 1] == '\n', "line %d (%s): no final LF", c->line, c->desc);
	ck_assert_msg(n - 1 == strlen(c->want) && memcmp(buf, c->want, n - 1) == 0,
		      "line %d (%s):\n got  '%.*s'\n want '%s'", c->line, c->desc, (int)(n - 1), buf, c->want);
	ck_assert_msg(f.needs == c->needs, "line %d (%s): needs %#x, want %#x", c->line, c->desc,
		      f.needs, c->needs);
}
END_TEST

static const struct err_case {
	int line;
	const char *desc;
	const char *format;
	const char *want;
} err_cases[] = {
	{ __LINE__, "empty", "", "empty (a preset: combined, common, vhost_combined)" },
	{ __LINE__, "a misspelt preset", "combinded",
	  "neither a preset (combined, common, vhost_combined) nor a format with a directive" },
	{ __LINE__, "text only", "- -", "neither a preset (combined, common, vhost_combined) nor a format "
	  "with a directive" },
	{ __LINE__, "unknown directive", "%h %Z", "unknown directive '%Z'" },
	{ __LINE__, "unknown directive with an argument", "%{x}z", "unknown directive '%{x}z'" },
	{ __LINE__, "a long directive is named in part", "%{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}z",
	  "unknown directive '%{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'" },
	{ __LINE__, "%O: header bytes are not counted", "%O",
	  "'%O' is not supported by pfhttpd (pfhttpd.conf(5) lists the directives; for %O use %b)" },
	{ __LINE__, "%I", "%I", "'%I' is not supported by pfhttpd (pfhttpd.conf(5) lists the directives; "
	  "for %O use %b)" },
	{ __LINE__, "%S", "%S", "'%S' is not supported by pfhttpd (pfhttpd.conf(5) lists the directives; "
	  "for %O use %b)" },
	{ __LINE__, "%k", "%k", "'%k' is not supported by pfhttpd (pfhttpd.conf(5) lists the directives; "
	  "for %O use %b)" },
	{ __LINE__, "%{c}a", "%{c}a", "'%{c}a' takes no {argument}" },
	{ __LINE__, "%{x}l", "%{x}l", "'%{x}l' takes no {argument}" },
	{ __LINE__, "%{x}%", "%{x}%", "'%{x}%' takes no {argument}" },
	{ __LINE__, "%{x}D", "%{x}D", "'%{x}D': the unit is ms, us or s, as %{ms}T" },
	{ __LINE__, "%{min}T", "%{min}T", "'%{min}T': the unit is ms, us or s, as %{ms}T" },
	{ __LINE__, "%{x}p", "%{x}p", "'%{x}p': the port is %p, %{local}p, %{canonical}p or %{remote}p" },
	{ __LINE__, "%{end:...}t", "%{end:%H}t", "'%{end:%H}t' is not supported: %t, %{sec}t or "
	  "%{strftime format}t" },
	{ __LINE__, "%{msec}t", "%{msec}t", "'%{msec}t' is not supported: %t, %{sec}t or %{strftime format}t" },
	{ __LINE__, "%{usec_frac}t", "%{usec_frac}t", "'%{usec_frac}t' is not supported: %t, %{sec}t or "
	  "%{strftime format}t" },
	{ __LINE__, "%{}t", "%{}t", "'%{}t' is not supported: %t, %{sec}t or %{strftime format}t" },
	{ __LINE__, "%i without a name", "%i", "'%i' needs a name: %{Name}i, %{Name}o or %{NAME}e" },
	{ __LINE__, "%{}o", "%{}o", "'%{}o' needs a name: %{Name}i, %{Name}o or %{NAME}e" },
	{ __LINE__, "a field name with a space", "%{X Y}i", "'%{X Y}i': not a field name" },
	{ __LINE__, "a field name with a colon", "%{X:}o", "'%{X:}o': not a field name" },
	{ __LINE__, "a variable name with a dash", "%{A-B}e", "'%{A-B}e': not a variable name" },
	{ __LINE__, "a variable name with a leading digit", "%{1A}e", "'%{1A}e': not a variable name" },
	{ __LINE__, "%{ without }", "%h %{Referer", "'%{Referer' without a closing '}'" },
	{ __LINE__, "two arguments", "%{a}{b}i", "'%{a}{...': two {arguments}" },
	{ __LINE__, "a lone % at the end", "%h %",
	  "'%' at the end of the format has no directive (a percent sign is %%)" },
	{ __LINE__, "a modifier and nothing", "%h %>", "'%>' at the end of the format has no directive "
	  "(a percent sign is %%)" },
	{ __LINE__, "%{x} and nothing", "%{x}", "'%{x}' at the end of the format has no directive "
	  "(a percent sign is %%)" },
	{ __LINE__, "status condition", "%400,501{User-agent}i", "status conditions ('%4...') are not supported" },
	{ __LINE__, "negated status condition", "%!200{Referer}i", "status conditions ('%!...') are not supported" },
	{ __LINE__, "\\n splits a line", "%h\\n%u", "'\\n' in the format: one request is one line" },
	{ __LINE__, "\\r too", "%h\\r", "'\\r' in the format: one request is one line" },
	{ __LINE__, "a raw LF (libconfig's \\n)", "%h\n%u", "a line break in the format: one request is one line" },
	{ __LINE__, "a raw CR", "%h\r", "a line break in the format: one request is one line" },
	{ __LINE__, "ESC", "%h\x1b[31m", "a control character in the format" },
	{ __LINE__, "DEL", "%h\x7f", "a control character in the format" },
};

START_TEST(test_compile_errors)
{
	const struct err_case *c = &err_cases[_i];
	static struct logfmt f;
	char err[256] = "";

	ck_assert_msg(logfmt_compile(&f, c->format, err, sizeof(err)) == -1,
		      "line %d (%s): compiled", c->line, c->desc);
	ck_assert_msg(strcmp(err, c->want) == 0, "line %d (%s):\n got  '%s'\n want '%s'", c->line,
		      c->desc, err, c->want);
}
END_TEST

/* The program's bounds: 128 ops, 1024 bytes of text; exactly at them compiles. */
START_TEST(test_limits)
{
	static struct logfmt f;
	char fmt[4096], err[256];

	/* 128 ops: "%h " is two (a directive, a text), so 64 of them. */
	fmt[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(fmt, "%h ");
	ck_assert_int_eq(logfmt_compile(&f, fmt, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.nops, LOGFMT_MAX_OPS);
	strcat(fmt, "%h");
	ck_assert_int_eq(logfmt_compile(&f, fmt, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the format is too long (at most 128 directives and text pieces)");
	/* 1024 bytes of text. */
	memset(fmt, 'x', 1024);
	strcpy(fmt + 1024, "%h");
	ck_assert_int_eq(logfmt_compile(&f, fmt, err, sizeof(err)), 0);
	memset(fmt, 'x', 1025);
	strcpy(fmt + 1025, "%h");
	ck_assert_int_eq(logfmt_compile(&f, fmt, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the format is too long (at most 1024 bytes of text)");
	/* An argument counts as text, with its NUL. */
	memset(fmt, 'x', 1020);
	strcpy(fmt + 1020, "%{Abcdefgh}i");
	ck_assert_int_eq(logfmt_compile(&f, fmt, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "the format is too long (at most 1024 bytes of text)");
}
END_TEST

/*
 * Values longer than their share are cut at a whole escape (the request
 * line at 4096, as log.c's Combined always did); a line longer than the
 * buffer is cut, and still ends in '\n'.
 */
START_TEST(test_cut)
{
	static char big[70000], buf[LOGFMT_LINE_MAX];
	static struct logfmt f;
	struct log_access_rec r = { .request_line = big, .request_line_len = sizeof(big) };
	char err[256];
	size_t n;

	memset(big, '"', sizeof(big));
	ck_assert_int_eq(logfmt_compile(&f, "%r", err, sizeof(err)), 0);
	n = logfmt_render(&f, &r, buf, sizeof(buf));
	ck_assert_uint_eq(n, 4096 + 1);           /* 2048 escaped quotes, never half of one */
	ck_assert_int_eq(buf[4095], '"');
	ck_assert_int_eq(buf[4094], '\\');
	/* Many directives: the line stops at the buffer, with its '\n'. */
	ck_assert_int_eq(logfmt_compile(&f, "%r %r %r %r %r %r", err, sizeof(err)), 0);
	n = logfmt_render(&f, &r, buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(buf));
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_eq(memchr(buf, '\n', n), buf + n - 1);
	/* A buffer of two: only room for one byte and the LF. */
	n = logfmt_render(&f, &r, buf, 2);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(buf[1], '\n');
	/* Text is cut too. */
	ck_assert_int_eq(logfmt_compile(&f, "abcdef %s", err, sizeof(err)), 0);
	n = logfmt_render(&f, &r, buf, 4);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(buf, "abc\n", 4), 0);
}
END_TEST

START_TEST(test_presets)
{
	ck_assert_str_eq(logfmt_preset("combined"),
			 "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"");
	ck_assert_str_eq(logfmt_preset("common"), "%h %l %u %t \"%r\" %>s %b");
	ck_assert_str_eq(logfmt_preset("vhost_combined"),
			 "%v:%p %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"");
	ck_assert_str_eq(logfmt_preset(LOGFMT_DEFAULT), logfmt_preset("combined"));
	ck_assert_ptr_null(logfmt_preset("Combined"));
	ck_assert_ptr_null(logfmt_preset(""));
}
END_TEST

/* A compiled format is a value: compiling another into it replaces it whole. */
START_TEST(test_recompile)
{
	static struct logfmt f;
	char err[256], buf[256];
	size_t n;

	ck_assert_int_eq(logfmt_compile(&f, "%D %{Host}i %P", err, sizeof(err)), 0);
	ck_assert_int_eq(logfmt_compile(&f, "%s", err, sizeof(err)), 0);
	ck_assert_uint_eq(f.needs, 0);
	n = logfmt_render(&f, &rec_full, buf, sizeof(buf));
	ck_assert_int_eq(memcmp(buf, "200\n", n), 0);
	/* A failed compile leaves nothing to render by mistake: callers check the result. */
	ck_assert_int_eq(logfmt_compile(&f, "%Z", err, sizeof(err)), -1);
}
END_TEST

static Suite *logfmt_suite(void)
{
	Suite *s = suite_create("logfmt");
	TCase *core = tcase_create("core"), *bad = tcase_create("bad_input"),
	      *lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, NULL);
	tcase_add_loop_test(core, test_render, 0, sizeof(render_cases) / sizeof(render_cases[0]));
	tcase_add_test(core, test_presets);
	tcase_add_test(core, test_recompile);
	tcase_add_loop_test(bad, test_compile_errors, 0, sizeof(err_cases) / sizeof(err_cases[0]));
	tcase_add_test(lim, test_limits);
	tcase_add_test(lim, test_cut);
	tcase_set_timeout(core, 10);
	tcase_set_timeout(bad, 10);
	tcase_set_timeout(lim, 10);
	suite_add_tcase(s, core);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, lim);
	return s;
}

int main(void)
{
	return unit_run(logfmt_suite());
}
