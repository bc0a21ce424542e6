/*
 * Unit tests for http_cond: HTTP-date formatting and parsing (RFC 9110
 * 5.6.7), entity tags (8.8.3), precondition order (13.2.2) and single byte
 * ranges with If-Range (13.1.5, 14).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "http_cond.h"

#define T1994 ((time_t)784111777) /* Sun, 06 Nov 1994 08:49:37 GMT */

/* ---- dates -------------------------------------------------------------- */

struct date_case {
	int line;
	const char *desc;
	const char *s;
	size_t len;     /* 0 = strlen(s) */
	int rc;
	time_t want;
};

static const struct date_case date_cases[] = {
	{ __LINE__, "IMF-fixdate",               "Sun, 06 Nov 1994 08:49:37 GMT", 0, 0, T1994 },
	{ __LINE__, "RFC 850",                   "Sunday, 06-Nov-94 08:49:37 GMT", 0, 0, T1994 },
	{ __LINE__, "asctime, space-padded day", "Sun Nov  6 08:49:37 1994", 0, 0, T1994 },
	{ __LINE__, "asctime, two-digit day",    "Sun Nov 06 08:49:37 1994", 0, 0, T1994 },
	{ __LINE__, "epoch",                     "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0, 0 },
	{ __LINE__, "leap day",                  "Thu, 29 Feb 2024 12:00:00 GMT", 0, 0, 1709208000 },
	{ __LINE__, "leap second allowed",       "Sun, 06 Nov 1994 08:49:60 GMT", 0, 0, T1994 + 23 },
	{ __LINE__, "before the epoch",          "Wed, 31 Dec 1969 23:59:59 GMT", 0, 0, -1 },
	{ __LINE__, "OWS around",                " \tSun, 06 Nov 1994 08:49:37 GMT ", 0, 0, T1994 },
	{ __LINE__, "wrong day for the date",    "Mon, 06 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "unknown day name",          "Sux, 06 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "lower-case day name",       "sun, 06 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "bad month",                 "Sun, 06 Nox 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "lower-case month",          "Sun, 06 nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "61 seconds",                "Sun, 06 Nov 1994 08:49:61 GMT", 0, -1, 0 },
	{ __LINE__, "minute 60",                 "Sun, 06 Nov 1994 08:60:37 GMT", 0, -1, 0 },
	{ __LINE__, "hour 24",                   "Sun, 06 Nov 1994 24:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "day 00",                    "Sun, 00 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "31 November",               "Thu, 31 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "29 Feb, common year",       "Wed, 29 Feb 2023 12:00:00 GMT", 0, -1, 0 },
	{ __LINE__, "one-digit day in IMF",      "Sun, 6 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "two-digit year in IMF",     "Sun, 06 Nov 94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "UTC is not GMT",            "Sun, 06 Nov 1994 08:49:37 UTC", 0, -1, 0 },
	{ __LINE__, "missing zone",              "Sun, 06 Nov 1994 08:49:37", 0, -1, 0 },
	{ __LINE__, "trailing junk",             "Sun, 06 Nov 1994 08:49:37 GMTx", 0, -1, 0 },
	{ __LINE__, "two dates",                 "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "NUL inside length",         "Sun, 06 Nov 1994 08:49:37 GMT\0", 30, -1, 0 },
	{ __LINE__, "cut short by length",       "Sun, 06 Nov 1994 08:49:37 GMT", 28, -1, 0 },
	{ __LINE__, "garbage",                   "yesterday", 0, -1, 0 },
	{ __LINE__, "empty",                     "", 0, -1, 0 },
	{ __LINE__, "number",                    "784111777", 0, -1, 0 },
	{ __LINE__, "RFC 850 short day name",    "Sun, 06-Nov-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 wrong day",         "Monday, 06-Nov-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 four-digit year",   "Sunday, 06-Nov-1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 without GMT",       "Sunday, 06-Nov-94 08:49:37", 0, -1, 0 },
	{ __LINE__, "asctime one space, 1 digit","Sun Nov 6 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime trailing junk",     "Sun Nov  6 08:49:37 1994 GMT", 0, -1, 0 },
	{ __LINE__, "asctime wrong day",         "Mon Nov  6 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime short year",        "Sun Nov  6 08:49:37 94", 0, -1, 0 },
	/* Each piece of each form missing or wrong, so every step of the parsers refuses. */
	{ __LINE__, "IMF without the comma",     "Sun 06 Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF without space after day", "Sun, 06Nov 1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF without space after month", "Sun, 06 Nov1994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF without space after year", "Sun, 06 Nov 199408:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF letter in the hour",    "Sun, 06 Nov 1994 0x:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF hour-minute not ':'",   "Sun, 06 Nov 1994 08.49:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF letter in the minute",  "Sun, 06 Nov 1994 08:4x:37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF minute-second not ':'", "Sun, 06 Nov 1994 08:49.37 GMT", 0, -1, 0 },
	{ __LINE__, "IMF letter in the second",  "Sun, 06 Nov 1994 08:49:3x GMT", 0, -1, 0 },
	{ __LINE__, "IMF three-digit year",      "Sun, 06 Nov 994 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "century leap day 2000",     "Tue, 29 Feb 2000 12:00:00 GMT", 0, 0, 951825600 },
	{ __LINE__, "no 29 Feb in 2100",         "Mon, 29 Feb 2100 12:00:00 GMT", 0, -1, 0 },
	{ __LINE__, "asctime unknown month",     "Sun Nox  6 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime no space after day name", "SunNov  6 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime no space after month", "Sun Nov6 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime padded day not a digit", "Sun Nov  x 08:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime no space before the time", "Sun Nov  608:49:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime bad time",          "Sun Nov  6 08:4:37 1994", 0, -1, 0 },
	{ __LINE__, "asctime no space before the year", "Sun Nov  6 08:49:371994", 0, -1, 0 },
	{ __LINE__, "RFC 850 without the comma", "Sunday 06-Nov-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 one-digit day",     "Sunday, 6-Nov-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 space for dash",    "Sunday, 06 Nov-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 bad month",         "Sunday, 06-Nox-94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 second dash missing", "Sunday, 06-Nov 94 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 one-digit year",    "Sunday, 06-Nov-9 08:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 no space before time", "Sunday, 06-Nov-9408:49:37 GMT", 0, -1, 0 },
	{ __LINE__, "RFC 850 bad time",          "Sunday, 06-Nov-94 08:49 GMT", 0, -1, 0 },
};

START_TEST(test_date_parse)
{
	const struct date_case *c = &date_cases[_i];
	size_t len = c->len ? c->len : strlen(c->s);
	time_t t = 12345;
	int rc = http_date_parse(c->s, len, &t);

	ck_assert_msg(rc == c->rc, "line %d (%s): rc %d, want %d",
		      c->line, c->desc, rc, c->rc);
	if (rc == 0)
		ck_assert_msg(t == c->want, "line %d (%s): got %lld, want %lld",
			      c->line, c->desc, (long long)t, (long long)c->want);
}
END_TEST

/* Current UTC year, for the RFC 850 50-year rule. */
static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	ck_assert(now != (time_t)-1);
	ck_assert_ptr_nonnull(gmtime_r(&now, &tm));
	return tm.tm_year + 1900;
}

/* RFC 9110 5.6.7: a two-digit year more than 50 years ahead is in the past. */
START_TEST(test_rfc850_window)
{
	static const struct { int line; const char *desc; int ahead; } rows[] = {
		{ __LINE__, "this year",           0 },
		{ __LINE__, "10 years ahead",      10 },
		{ __LINE__, "50 years ahead kept", 50 },
		{ __LINE__, "51 years ahead: past", 51 },
		{ __LINE__, "90 years ahead: past", 90 },
	};
	int cur = this_year();
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int want = cur + rows[i].ahead - (rows[i].ahead > 50 ? 100 : 0);
		char buf[64];
		struct tm tm = { .tm_mday = 1, .tm_mon = 0, .tm_year = want - 1900 };
		static const char *const days[] = { "Sunday", "Monday", "Tuesday",
			"Wednesday", "Thursday", "Friday", "Saturday" };
		time_t expect = timegm(&tm), got = 0;

		snprintf(buf, sizeof(buf), "%s, 01-Jan-%02d 00:00:00 GMT",
			 days[tm.tm_wday], want % 100);
		ck_assert_msg(http_date_parse(buf, strlen(buf), &got) == 0 &&
			      got == expect, "line %d (%s): \"%s\" gave %lld",
			      rows[i].line, rows[i].desc, buf, (long long)got);
	}
}
END_TEST

struct fmt_case {
	int line;
	const char *desc;
	time_t t;
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ __LINE__, "epoch",            0,                       "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ __LINE__, "RFC example",      T1994,                   "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ __LINE__, "leap day",         1709208000,              "Thu, 29 Feb 2024 12:00:00 GMT" },
	{ __LINE__, "before the epoch", -1,                      "Wed, 31 Dec 1969 23:59:59 GMT" },
	{ __LINE__, "last 4-digit sec", (time_t)253402300799LL,  "Fri, 31 Dec 9999 23:59:59 GMT" },
	{ __LINE__, "year 10000 falls back", (time_t)253402300800LL, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ __LINE__, "gmtime overflow falls back", (time_t)INT64_MAX, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ __LINE__, "year 0 is still four digits", (time_t)-62167219200LL, "Sat, 01 Jan 0000 00:00:00 GMT" },
	{ __LINE__, "year -1 falls back",   (time_t)-62167219201LL, "Thu, 01 Jan 1970 00:00:00 GMT" },
};

START_TEST(test_date_format)
{
	const struct fmt_case *c = &fmt_cases[_i];
	char buf[HTTP_DATE_LEN + 8];
	time_t back = 0;

	memset(buf, 'Z', sizeof(buf));
	http_date_format(c->t, buf);
	ck_assert_msg(strcmp(buf, c->want) == 0, "line %d (%s): got \"%s\"",
		      c->line, c->desc, buf);
	ck_assert_uint_eq(strlen(buf), HTTP_DATE_LEN);
	/* What we send, we can read back. */
	ck_assert_int_eq(http_date_parse(buf, strlen(buf), &back), 0);
	if (strcmp(c->want, "Thu, 01 Jan 1970 00:00:00 GMT") != 0)
		ck_assert_int_eq((long long)back, (long long)c->t);
}
END_TEST

/* ---- entity tags -------------------------------------------------------- */

struct etag_case {
	int line;
	const char *desc;
	uint64_t size;
	int64_t sec;
	long nsec;
	size_t cap;
	const char *want;
};

static const struct etag_case etag_cases[] = {
	{ __LINE__, "small",            0x1234, 1, 5, HTTP_ETAG_MAX, "\"1234-3b9aca05\"" },
	{ __LINE__, "zero",             0, 0, 0, HTTP_ETAG_MAX, "\"0-0\"" },
	{ __LINE__, "RFC example time", 10, 784111777, 0, HTTP_ETAG_MAX, "\"a-ae1b981bc490a00\"" },
	{ __LINE__, "largest values",   UINT64_MAX, INT64_MAX, 999999999, HTTP_ETAG_MAX,
	  "\"ffffffffffffffff-ffffffffffffffff\"" },
	{ __LINE__, "negative mtime wraps", 1, -1, 0, HTTP_ETAG_MAX, "\"1-ffffffffc4653600\"" },
	{ __LINE__, "truncated safely", 0x1234, 1, 5, 6, "\"1234" },
	{ __LINE__, "cap of one",       0x1234, 1, 5, 1, "" },
};

START_TEST(test_etag_make)
{
	const struct etag_case *c = &etag_cases[_i];
	char buf[HTTP_ETAG_MAX + 8];

	memset(buf, 'Z', sizeof(buf));
	http_etag_make(c->size, c->sec, c->nsec, buf, c->cap);
	ck_assert_msg(strcmp(buf, c->want) == 0, "line %d (%s): got \"%s\"",
		      c->line, c->desc, buf);
	ck_assert_msg(buf[c->cap] == 'Z', "line %d (%s): wrote past cap",
		      c->line, c->desc);
}
END_TEST

START_TEST(test_etag_cap_zero)
{
	char buf[4] = "xyz";

	http_etag_make(1, 1, 1, buf, 0);
	ck_assert_str_eq(buf, "xyz");
}
END_TEST

/* Different files, or one file changed a nanosecond later, differ. */
START_TEST(test_etag_distinct)
{
	char a[HTTP_ETAG_MAX], b[HTTP_ETAG_MAX];

	http_etag_make(100, 1000, 1, a, sizeof(a));
	http_etag_make(100, 1000, 2, b, sizeof(b));
	ck_assert_str_ne(a, b);
	http_etag_make(101, 1000, 1, b, sizeof(b));
	ck_assert_str_ne(a, b);
}
END_TEST

/* ---- evaluation --------------------------------------------------------- */

#define ETAG   "\"abc\""
#define SIZE   1000
#define D_EQ   "Sun, 06 Nov 1994 08:49:37 GMT"   /* == mtime */
#define D_OLD  "Sun, 06 Nov 1994 08:49:36 GMT"   /* mtime is newer */
#define D_NEW  "Sun, 06 Nov 1994 08:49:38 GMT"   /* mtime is older */

struct hdrs {
	const char *im, *inm, *ims, *ius, *ir, *range;
	bool post;      /* neither GET nor HEAD */
	bool empty;     /* a zero-length representation */
	bool no_etag;   /* representation without an entity tag */
};

struct cond_case {
	int line;
	const char *desc;
	struct hdrs h;
	int status;
	uint64_t first, last;
};

static const struct cond_case cond_cases[] = {
	{ __LINE__, "no conditionals",              { 0 }, 200, 0, 0 },
	/* If-Match: strong comparison */
	{ __LINE__, "If-Match *",                   { .im = "*" }, 200, 0, 0 },
	{ __LINE__, "If-Match * with OWS",          { .im = " * " }, 200, 0, 0 },
	{ __LINE__, "If-Match same tag",            { .im = ETAG }, 200, 0, 0 },
	{ __LINE__, "If-Match in list",             { .im = "\"x\", \"abc\"" }, 200, 0, 0 },
	{ __LINE__, "If-Match list with spaces",    { .im = "  \"x\" ,\t\"abc\"  " }, 200, 0, 0 },
	{ __LINE__, "If-Match empty elements",      { .im = ", \"x\",, ,\"abc\"," }, 200, 0, 0 },
	{ __LINE__, "If-Match other tag",           { .im = "\"x\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match weak never matches",  { .im = "W/\"abc\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match case of tag matters", { .im = "\"ABC\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match unterminated tag",    { .im = "\"abc" }, 412, 0, 0 },
	{ __LINE__, "If-Match unquoted",            { .im = "abc" }, 412, 0, 0 },
	{ __LINE__, "If-Match missing comma",       { .im = "\"abc\" \"x\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match malformed after hit", { .im = "\"abc\", x" }, 412, 0, 0 },
	{ __LINE__, "If-Match * inside a list",     { .im = "*, \"abc\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match lower-case w/",       { .im = "w/\"abc\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match '!' is an etagc (8.8.3)", { .im = "\"a!\", \"abc\"" }, 200, 0, 0 },
	{ __LINE__, "If-Match DEL is no etagc: malformed", { .im = "\"a\x7f\", \"abc\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match space in tag",        { .im = "\"a c\"" }, 412, 0, 0 },
	{ __LINE__, "If-Match empty value",         { .im = "" }, 412, 0, 0 },
	{ __LINE__, "If-Match fails for POST too",  { .im = "\"x\"", .post = true }, 412, 0, 0 },
	{ __LINE__, "If-Match beats If-Unmod",      { .im = ETAG, .ius = D_OLD }, 200, 0, 0 },
	/* If-Unmodified-Since */
	{ __LINE__, "IUS modified since",           { .ius = D_OLD }, 412, 0, 0 },
	{ __LINE__, "IUS equal",                    { .ius = D_EQ }, 200, 0, 0 },
	{ __LINE__, "IUS later",                    { .ius = D_NEW }, 200, 0, 0 },
	{ __LINE__, "IUS RFC 850 form",             { .ius = "Sunday, 06-Nov-94 08:49:36 GMT" }, 412, 0, 0 },
	{ __LINE__, "IUS asctime form",             { .ius = "Sun Nov  6 08:49:36 1994" }, 412, 0, 0 },
	{ __LINE__, "IUS invalid date ignored",     { .ius = "Sun, 06 Nov 1994 08:49:61 GMT" }, 200, 0, 0 },
	{ __LINE__, "IUS applies to POST",          { .ius = D_OLD, .post = true }, 412, 0, 0 },
	/* If-None-Match: weak comparison */
	{ __LINE__, "INM same tag",                 { .inm = ETAG }, 304, 0, 0 },
	{ __LINE__, "INM weak matches",             { .inm = "W/\"abc\"" }, 304, 0, 0 },
	{ __LINE__, "INM *",                        { .inm = "*" }, 304, 0, 0 },
	{ __LINE__, "INM in list",                  { .inm = "\"x\" , W/\"abc\"" }, 304, 0, 0 },
	{ __LINE__, "INM other tag",                { .inm = "\"x\"" }, 200, 0, 0 },
	{ __LINE__, "INM malformed ignored",        { .inm = "\"abc" }, 200, 0, 0 },
	{ __LINE__, "INM for POST is 412",          { .inm = ETAG, .post = true }, 412, 0, 0 },
	{ __LINE__, "INM * for POST is 412",        { .inm = "*", .post = true }, 412, 0, 0 },
	{ __LINE__, "INM miss hides IMS",           { .inm = "\"x\"", .ims = D_NEW }, 200, 0, 0 },
	{ __LINE__, "INM hit with old IMS",         { .inm = ETAG, .ims = D_OLD }, 304, 0, 0 },
	{ __LINE__, "If-Match ok then INM hit",     { .im = ETAG, .inm = ETAG }, 304, 0, 0 },
	{ __LINE__, "IUS fail beats INM",           { .ius = D_OLD, .inm = ETAG }, 412, 0, 0 },
	/* If-Modified-Since */
	{ __LINE__, "IMS equal",                    { .ims = D_EQ }, 304, 0, 0 },
	{ __LINE__, "IMS later",                    { .ims = D_NEW }, 304, 0, 0 },
	{ __LINE__, "IMS earlier",                  { .ims = D_OLD }, 200, 0, 0 },
	{ __LINE__, "IMS RFC 850 form",             { .ims = "Sunday, 06-Nov-94 08:49:37 GMT" }, 304, 0, 0 },
	{ __LINE__, "IMS asctime form",             { .ims = "Sun Nov  6 08:49:37 1994" }, 304, 0, 0 },
	{ __LINE__, "IMS invalid ignored",          { .ims = "not a date" }, 200, 0, 0 },
	{ __LINE__, "IMS two dates ignored",        { .ims = D_EQ ", " D_EQ }, 200, 0, 0 },
	{ __LINE__, "IMS ignored for POST",         { .ims = D_NEW, .post = true }, 200, 0, 0 },
	/* Fields of more than one member are ignored; repeated lines reach
	 * http_cond joined by ", " (RFC 9110 5.3), as static.c joins them. */
	{ __LINE__, "IMS two equal dates ignored (13.1.3)",   { .ims = D_NEW ", " D_NEW }, 200, 0, 0 },
	{ __LINE__, "IMS two differing dates ignored (13.1.3)", { .ims = D_NEW ", " D_OLD }, 200, 0, 0 },
	{ __LINE__, "IUS two dates never 412 (13.1.4)",       { .ius = D_OLD ", " D_OLD }, 200, 0, 0 },
	{ __LINE__, "IUS two differing dates never 412 (13.1.4)", { .ius = D_NEW ", " D_OLD }, 200, 0, 0 },
	{ __LINE__, "IUS date with junk ignored (13.1.4)",     { .ius = D_OLD "x" }, 200, 0, 0 },
	{ __LINE__, "If-Range of two dates does not hold (13.1.5)", { .ir = D_EQ ", " D_EQ, .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range of two tags does not hold (13.1.5)", { .ir = ETAG ", " ETAG, .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "Range of two lines joined is ignored (14.2)", { .range = "bytes=0-1, bytes=2-3" }, 200, 0, 0 },
	/* Precedence (13.2.2) */
	{ __LINE__, "INM present, even malformed: IMS ignored (13.1.3)", { .inm = "\"abc", .ims = D_NEW }, 200, 0, 0 },
	{ __LINE__, "INM miss: IMS ignored, not 304 (13.1.3)", { .inm = "\"x\"", .ims = D_EQ }, 200, 0, 0 },
	{ __LINE__, "If-Match * hides IUS (13.1.4)",   { .im = "*", .ius = D_OLD }, 200, 0, 0 },
	{ __LINE__, "If-Match miss: 412 whatever IUS says (13.2.2)", { .im = "\"x\"", .ius = D_NEW }, 412, 0, 0 },
	{ __LINE__, "If-Match miss beats INM hit (13.2.2)", { .im = "\"x\"", .inm = ETAG }, 412, 0, 0 },
	{ __LINE__, "IUS fail beats IMS (13.2.2)",      { .ius = D_OLD, .ims = D_NEW }, 412, 0, 0 },
	{ __LINE__, "INM weak comparison: W/ on both (13.1.2)", { .inm = "W/\"abc\"" , .no_etag = false }, 304, 0, 0 },
	{ __LINE__, "If-Match strong comparison: list with weak twin (13.1.1)", { .im = "W/\"abc\", \"x\"" }, 412, 0, 0 },
	{ __LINE__, "IMS ignored for POST even when INM absent (13.1.3)", { .ims = D_EQ, .post = true }, 200, 0, 0 },
	{ __LINE__, "INM hit for POST is 412, not 304 (13.1.2)", { .inm = "W/\"abc\"", .post = true }, 412, 0, 0 },
	/* Range */
	{ __LINE__, "range first-last",             { .range = "bytes=0-99" }, 206, 0, 99 },
	{ __LINE__, "range open-ended",             { .range = "bytes=100-" }, 206, 100, 999 },
	{ __LINE__, "range suffix",                 { .range = "bytes=-100" }, 206, 900, 999 },
	{ __LINE__, "range suffix > size",          { .range = "bytes=-2000" }, 206, 0, 999 },
	{ __LINE__, "range suffix == size",         { .range = "bytes=-1000" }, 206, 0, 999 },
	{ __LINE__, "range last clamped",           { .range = "bytes=0-5000" }, 206, 0, 999 },
	{ __LINE__, "range last byte",              { .range = "bytes=999-999" }, 206, 999, 999 },
	{ __LINE__, "range one byte",               { .range = "bytes=0-0" }, 206, 0, 0 },
	{ __LINE__, "range unit upper-case",        { .range = "BYTES=1-2" }, 206, 1, 2 },
	{ __LINE__, "range unit mixed case",        { .range = "Bytes=1-2" }, 206, 1, 2 },
	{ __LINE__, "range OWS around",             { .range = " bytes=1-2\t" }, 206, 1, 2 },
	{ __LINE__, "range OWS after =",            { .range = "bytes= 1-2 " }, 206, 1, 2 },
	{ __LINE__, "range empty list elements",    { .range = "bytes=, 1-2 ," }, 206, 1, 2 },
	{ __LINE__, "range huge last",              { .range = "bytes=5-99999999999999999999999" }, 206, 5, 999 },
	{ __LINE__, "range suffix zero",            { .range = "bytes=-0" }, 416, 0, 0 },
	{ __LINE__, "range first == size",          { .range = "bytes=1000-" }, 416, 0, 0 },
	{ __LINE__, "range beyond end",             { .range = "bytes=1000-2000" }, 416, 0, 0 },
	{ __LINE__, "range huge first",             { .range = "bytes=99999999999999999999999-" }, 416, 0, 0 },
	{ __LINE__, "range first > last ignored",   { .range = "bytes=5-2" }, 200, 0, 0 },
	{ __LINE__, "range several ignored",        { .range = "bytes=0-1,5-6" }, 200, 0, 0 },
	{ __LINE__, "range several with suffix",    { .range = "bytes=0-1, -5" }, 200, 0, 0 },
	{ __LINE__, "range garbage",                { .range = "bytes=abc" }, 200, 0, 0 },
	{ __LINE__, "range other unit",             { .range = "items=0-1" }, 200, 0, 0 },
	{ __LINE__, "range no =",                   { .range = "bytes 0-1" }, 200, 0, 0 },
	{ __LINE__, "range space before =",         { .range = "bytes =0-1" }, 200, 0, 0 },
	{ __LINE__, "range empty set",              { .range = "bytes=" }, 200, 0, 0 },
	{ __LINE__, "range lone dash",              { .range = "bytes=-" }, 200, 0, 0 },
	{ __LINE__, "range negative last",          { .range = "bytes=0--1" }, 200, 0, 0 },
	{ __LINE__, "range trailing junk",          { .range = "bytes=0-1x" }, 200, 0, 0 },
	{ __LINE__, "range space inside spec",      { .range = "bytes=0 -1" }, 200, 0, 0 },
	{ __LINE__, "range plus sign",              { .range = "bytes=+1-2" }, 200, 0, 0 },
	{ __LINE__, "range empty value",            { .range = "" }, 200, 0, 0 },
	{ __LINE__, "range ignored for POST",       { .range = "bytes=0-1", .post = true }, 200, 0, 0 },
	{ __LINE__, "range on empty file",          { .range = "bytes=0-", .empty = true }, 416, 0, 0 },
	{ __LINE__, "suffix on empty file",         { .range = "bytes=-5", .empty = true }, 416, 0, 0 },
	{ __LINE__, "bad range on empty file",      { .range = "bytes=5-2", .empty = true }, 200, 0, 0 },
	{ __LINE__, "304 beats range",              { .inm = ETAG, .range = "bytes=0-1" }, 304, 0, 0 },
	{ __LINE__, "412 beats range",              { .im = "\"x\"", .range = "bytes=0-1" }, 412, 0, 0 },
	{ __LINE__, "If-Match ok, then range",      { .im = ETAG, .range = "bytes=0-1" }, 206, 0, 1 },
	/* If-Range */
	{ __LINE__, "If-Range same tag",            { .ir = ETAG, .range = "bytes=0-1" }, 206, 0, 1 },
	{ __LINE__, "If-Range tag with OWS",        { .ir = " \"abc\" ", .range = "bytes=0-1" }, 206, 0, 1 },
	{ __LINE__, "If-Range other tag",           { .ir = "\"x\"", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range weak tag",            { .ir = "W/\"abc\"", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range lone W is no tag",    { .ir = "W", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range W/ without quotes",   { .ir = "W/abc", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range tag list",            { .ir = "\"abc\", \"x\"", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range bad tag",             { .ir = "\"abc", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range equal date",          { .ir = D_EQ, .range = "bytes=0-1" }, 206, 0, 1 },
	{ __LINE__, "If-Range asctime equal date",  { .ir = "Sun Nov  6 08:49:37 1994", .range = "bytes=0-1" }, 206, 0, 1 },
	{ __LINE__, "If-Range older date",          { .ir = D_OLD, .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range newer date",          { .ir = D_NEW, .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range garbage",             { .ir = "garbage", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range empty",               { .ir = "", .range = "bytes=0-1" }, 200, 0, 0 },
	{ __LINE__, "If-Range without Range",       { .ir = ETAG }, 200, 0, 0 },
	{ __LINE__, "If-Range ok, bad range",       { .ir = ETAG, .range = "bytes=x" }, 200, 0, 0 },
	{ __LINE__, "If-Range ok, unsatisfiable",   { .ir = ETAG, .range = "bytes=5000-" }, 416, 0, 0 },
	/* a representation without an entity tag */
	{ __LINE__, "no etag: If-Match *",          { .im = "*", .no_etag = true }, 200, 0, 0 },
	{ __LINE__, "no etag: If-Match tag",        { .im = ETAG, .no_etag = true }, 412, 0, 0 },
	{ __LINE__, "no etag: INM tag",             { .inm = ETAG, .no_etag = true }, 200, 0, 0 },
	{ __LINE__, "no etag: If-Range tag",        { .ir = ETAG, .range = "bytes=0-1", .no_etag = true }, 200, 0, 0 },
};

/* Point a request field at s, or leave it absent. */
static void set_field(const char *s, const char **p, size_t *len)
{
	*p = s;
	*len = s ? strlen(s) : 0;
}

START_TEST(test_evaluate)
{
	const struct cond_case *c = &cond_cases[_i];
	struct http_cond_req rq;
	struct http_cond_rep rep = { c->h.no_etag ? NULL : ETAG, T1994,
				     c->h.empty ? 0 : SIZE };
	struct http_cond_result out = { -1, 77, 77 };

	memset(&rq, 0, sizeof(rq));
	set_field(c->h.im, &rq.if_match, &rq.if_match_len);
	set_field(c->h.inm, &rq.if_none_match, &rq.if_none_match_len);
	set_field(c->h.ims, &rq.if_modified_since, &rq.if_modified_since_len);
	set_field(c->h.ius, &rq.if_unmodified_since, &rq.if_unmodified_since_len);
	set_field(c->h.ir, &rq.if_range, &rq.if_range_len);
	set_field(c->h.range, &rq.range, &rq.range_len);
	rq.get_or_head = !c->h.post;
	http_cond_evaluate(&rq, &rep, &out);
	ck_assert_msg(out.status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, out.status, c->status);
	if (c->status == 206)
		ck_assert_msg(out.first == c->first && out.last == c->last,
			      "line %d (%s): range %llu-%llu, want %llu-%llu",
			      c->line, c->desc, (unsigned long long)out.first,
			      (unsigned long long)out.last,
			      (unsigned long long)c->first,
			      (unsigned long long)c->last);
}
END_TEST

/* Header values are spans: bytes past the length must not be read. */
START_TEST(test_evaluate_spans)
{
	static const char range[] = "bytes=0-12345";
	static const char inm[] = "\"abc\"\"junk";
	struct http_cond_rep rep = { ETAG, T1994, SIZE };
	struct http_cond_req rq;
	struct http_cond_result out;

	memset(&rq, 0, sizeof(rq));
	rq.get_or_head = true;
	rq.range = range;
	rq.range_len = 9; /* "bytes=0-1" */
	http_cond_evaluate(&rq, &rep, &out);
	ck_assert_int_eq(out.status, 206);
	ck_assert_uint_eq(out.last, 1);
	rq.if_none_match = inm;
	rq.if_none_match_len = 5; /* "\"abc\"" */
	http_cond_evaluate(&rq, &rep, &out);
	ck_assert_int_eq(out.status, 304);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *http_cond_suite(void)
{
	Suite *s = suite_create("http_cond");
	TCase *date = tcase_create("date");
	TCase *etag = tcase_create("etag");
	TCase *cond = tcase_create("core");

	tcase_set_timeout(date, 5);
	tcase_add_loop_test(date, test_date_parse, 0, NELEM(date_cases));
	tcase_add_loop_test(date, test_date_format, 0, NELEM(fmt_cases));
	tcase_add_test(date, test_rfc850_window);
	suite_add_tcase(s, date);

	tcase_set_timeout(etag, 5);
	tcase_add_loop_test(etag, test_etag_make, 0, NELEM(etag_cases));
	tcase_add_test(etag, test_etag_cap_zero);
	tcase_add_test(etag, test_etag_distinct);
	suite_add_tcase(s, etag);

	tcase_set_timeout(cond, 5);
	tcase_add_loop_test(cond, test_evaluate, 0, NELEM(cond_cases));
	tcase_add_test(cond, test_evaluate_spans);
	suite_add_tcase(s, cond);
	return s;
}

int main(void)
{
	return unit_run(http_cond_suite());
}
