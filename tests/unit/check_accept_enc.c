/*
 * Unit tests for accept_enc: reading Accept-Encoding (RFC 9110 12.5.3,
 * qvalues 12.4.2, lists 5.6.1, repeated fields 5.3) and choosing among the
 * precompressed variants (br, gzip, identity) by qvalue and tie order.
 */
#include <check.h>
#include <string.h>

#include "unit.h"
#include "accept_enc.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXF 4

/* ---- what a field value leaves in struct accept_enc --------------------- */

struct parse_case {
	int line;
	const char *desc;
	const char *fields[MAXF];    /* each one Accept-Encoding field; NULL ends */
	int id, gzip, br, star;      /* thousandths; -1: not listed */
};

static const struct parse_case parse_cases[] = {
	{ __LINE__, "one coding, no weight",      { "gzip" },               -1, 1000, -1, -1 },
	{ __LINE__, "two codings",                { "gzip, br" },           -1, 1000, 1000, -1 },
	{ __LINE__, "weights",                    { "br;q=0.5, gzip;q=0.8" }, -1, 800, 500, -1 },
	{ __LINE__, "three decimals",             { "gzip;q=0.123" },       -1, 123, -1, -1 },
	{ __LINE__, "two decimals",               { "gzip;q=0.05" },        -1, 50, -1, -1 },
	{ __LINE__, "0. has no decimals",         { "gzip;q=0." },          -1, 0, -1, -1 },
	{ __LINE__, "1.000",                      { "gzip;q=1.000" },       -1, 1000, -1, -1 },
	{ __LINE__, "1.",                         { "br;q=1." },            -1, -1, 1000, -1 },
	{ __LINE__, "q=0",                        { "gzip;q=0" },           -1, 0, -1, -1 },
	{ __LINE__, "Q= upper case",              { "gzip;Q=0.4" },         -1, 400, -1, -1 },
	{ __LINE__, "coding case-insensitive",    { "GZip, BR" },           -1, 1000, 1000, -1 },
	{ __LINE__, "x-gzip is gzip",             { "x-gzip;q=0.3" },       -1, 300, -1, -1 },
	{ __LINE__, "X-GZIP upper case",          { "X-GZIP" },             -1, 1000, -1, -1 },
	{ __LINE__, "identity",                   { "identity;q=0" },       0, -1, -1, -1 },
	{ __LINE__, "star",                       { "*;q=0.2" },            -1, -1, -1, 200 },
	{ __LINE__, "unknown codings ignored",    { "deflate, compress, zstd;q=1" }, -1, -1, -1, -1 },
	{ __LINE__, "whitespace everywhere",      { " \t gzip \t;\t q=0.7 ,\tbr ; q=0.1 \t" }, -1, 700, 100, -1 },
	{ __LINE__, "empty elements (5.6.1)",     { ", ,gzip,, ,br,," },    -1, 1000, 1000, -1 },
	{ __LINE__, "empty field value",          { "" },                   -1, -1, -1, -1 },
	{ __LINE__, "only commas",                { ",,," },                -1, -1, -1, -1 },
	{ __LINE__, "first mention counts",       { "gzip;q=0, gzip" },     -1, 0, -1, -1 },
	{ __LINE__, "gzip then x-gzip",           { "gzip;q=0.5, x-gzip;q=0.9" }, -1, 500, -1, -1 },
	{ __LINE__, "fields joined in order",     { "gzip;q=0.3", "br", "gzip" }, -1, 300, 1000, -1 },
	{ __LINE__, "four fields",                { "identity;q=0.1", "*;q=0", "br;q=0.9", "gzip;q=0.2" }, 100, 200, 900, 0 },
	{ __LINE__, "an empty field among others", { "", "gzip" },          -1, 1000, -1, -1 },
	/* malformed members: as if absent, the others still count */
	{ __LINE__, "q above 1",                  { "gzip;q=2, br" },        -1, -1, 1000, -1 },
	{ __LINE__, "q=1.5",                      { "gzip;q=1.5, br" },      -1, -1, 1000, -1 },
	{ __LINE__, "q=1.001",                    { "gzip;q=1.001" },        -1, -1, -1, -1 },
	{ __LINE__, "four decimals",              { "gzip;q=0.1234, br" },   -1, -1, 1000, -1 },
	{ __LINE__, "no leading digit",           { "gzip;q=.5, br" },       -1, -1, 1000, -1 },
	{ __LINE__, "negative",                   { "gzip;q=-0" },           -1, -1, -1, -1 },
	{ __LINE__, "letters in q",               { "gzip;q=0.5x" },         -1, -1, -1, -1 },
	{ __LINE__, "comma as decimal mark",      { "gzip;q=0,5" },          -1, 0, -1, -1 },
	{ __LINE__, "empty q",                    { "gzip;q=" },             -1, -1, -1, -1 },
	{ __LINE__, "bare semicolon",             { "gzip;" },               -1, -1, -1, -1 },
	{ __LINE__, "space around =",             { "gzip;q = 0.5, br" },    -1, -1, 1000, -1 },
	{ __LINE__, "another parameter",          { "gzip;level=9, br" },    -1, -1, 1000, -1 },
	{ __LINE__, "a parameter after q",        { "gzip;q=0.5;x=1" },      -1, -1, -1, -1 },
	{ __LINE__, "two words, no comma",        { "gzip br" },             -1, -1, -1, -1 },
	{ __LINE__, "quoted name",                { "\"gzip\", br" },        -1, -1, 1000, -1 },
	{ __LINE__, "weight without a name",      { ";q=1, gzip" },          -1, 1000, -1, -1 },
	{ __LINE__, "prefix of a name",           { "gz, b, identit" },      -1, -1, -1, -1 },
	{ __LINE__, "longer than a name",         { "gzipx, brr, **" },      -1, -1, -1, -1 },
	{ __LINE__, "malformed first, good later", { "gzip;q=9, gzip;q=0.4" }, -1, 400, -1, -1 },
};

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	struct accept_enc ae;

	accept_enc_init(&ae);
	for (int f = 0; f < MAXF && c->fields[f]; f++)
		accept_enc_add(&ae, c->fields[f], strlen(c->fields[f]));
	ck_assert_msg(ae.present, "line %d (%s): not present", c->line, c->desc);
	ck_assert_msg(ae.q[ACCEPT_ENC_IDENTITY] == c->id && ae.q[ACCEPT_ENC_GZIP] == c->gzip &&
		      ae.q[ACCEPT_ENC_BR] == c->br && ae.star == c->star,
		      "line %d (%s): identity %d gzip %d br %d * %d, want %d %d %d %d",
		      c->line, c->desc, ae.q[ACCEPT_ENC_IDENTITY], ae.q[ACCEPT_ENC_GZIP],
		      ae.q[ACCEPT_ENC_BR], ae.star, c->id, c->gzip, c->br, c->star);
}
END_TEST

/* The length bounds the value: bytes past it are not read. */
START_TEST(test_parse_length)
{
	struct accept_enc ae;

	accept_enc_init(&ae);
	accept_enc_add(&ae, "gzip;q=0.5, br", 10); /* "gzip;q=0.5" */
	ck_assert_int_eq(ae.q[ACCEPT_ENC_GZIP], 500);
	ck_assert_int_eq(ae.q[ACCEPT_ENC_BR], -1);
	accept_enc_init(&ae);
	accept_enc_add(&ae, "gzip;q=0.25", 9); /* "gzip;q=0." */
	ck_assert_int_eq(ae.q[ACCEPT_ENC_GZIP], 0);
}
END_TEST

/* ---- the choice ---------------------------------------------------------- */

#define ID ACCEPT_ENC_IDENTITY
#define GZ ACCEPT_ENC_GZIP
#define BR ACCEPT_ENC_BR
#define H_GZ ACCEPT_ENC_HAVE(ACCEPT_ENC_GZIP)
#define H_BR ACCEPT_ENC_HAVE(ACCEPT_ENC_BR)
#define H_ALL (H_GZ | H_BR)

struct choose_case {
	int line;
	const char *desc;
	bool absent;                 /* no Accept-Encoding field at all */
	const char *fields[MAXF];
	unsigned have;
	enum accept_enc_coding want;
};

static const struct choose_case choose_cases[] = {
	{ __LINE__, "no field: identity (nginx)",     true,  { NULL }, H_ALL, ID },
	{ __LINE__, "empty field: no coding wanted",  false, { "" }, H_ALL, ID },
	{ __LINE__, "gzip",                           false, { "gzip" }, H_ALL, GZ },
	{ __LINE__, "br, gzip: br on the tie",        false, { "br, gzip" }, H_ALL, BR },
	{ __LINE__, "gzip, br: order does not matter", false, { "gzip, br" }, H_ALL, BR },
	{ __LINE__, "gzip, br: only gzip there",      false, { "gzip, br" }, H_GZ, GZ },
	{ __LINE__, "br only, no br file",            false, { "br" }, H_GZ, ID },
	{ __LINE__, "nothing there",                  false, { "gzip, br" }, 0, ID },
	{ __LINE__, "higher q wins over tie order",   false, { "br;q=0.5, gzip;q=0.8" }, H_ALL, GZ },
	{ __LINE__, "br higher",                      false, { "br;q=0.8, gzip;q=0.5" }, H_ALL, BR },
	{ __LINE__, "a thousandth decides",           false, { "br;q=0.499, gzip;q=0.5" }, H_ALL, GZ },
	{ __LINE__, "identity only",                  false, { "identity" }, H_ALL, ID },
	{ __LINE__, "identity above gzip",            false, { "gzip;q=0.5, identity" }, H_ALL, ID },
	{ __LINE__, "gzip ties identity: gzip",       false, { "gzip, identity" }, H_ALL, GZ },
	{ __LINE__, "gzip;q=0.001 beats unlisted identity", false, { "gzip;q=0.001" }, H_ALL, GZ },
	{ __LINE__, "gzip;q=0: identity",             false, { "gzip;q=0" }, H_ALL, ID },
	{ __LINE__, "x-gzip",                         false, { "x-gzip" }, H_ALL, GZ },
	{ __LINE__, "star: br",                       false, { "*" }, H_ALL, BR },
	{ __LINE__, "star: gzip when no br",          false, { "*" }, H_GZ, GZ },
	{ __LINE__, "star but gzip;q=0",              false, { "gzip;q=0, *" }, H_GZ, ID },
	{ __LINE__, "star but br;q=0",                false, { "br;q=0, *" }, H_ALL, GZ },
	{ __LINE__, "star;q=0 with gzip listed",      false, { "gzip, *;q=0" }, H_ALL, GZ },
	{ __LINE__, "star;q=0 alone: identity anyway", false, { "*;q=0" }, H_ALL, ID },
	{ __LINE__, "star low, identity listed high", false, { "*;q=0.1, identity" }, H_ALL, ID },
	{ __LINE__, "star gives identity its q",      false, { "*;q=0.5, gzip;q=0.4" }, H_ALL, BR },
	{ __LINE__, "identity;q=0, gzip there",       false, { "identity;q=0, gzip" }, H_ALL, GZ },
	{ __LINE__, "identity;q=0, nothing acceptable: identity (12.5.3)", false,
	  { "identity;q=0, br" }, H_GZ, ID },
	{ __LINE__, "identity;q=0 alone",             false, { "identity;q=0" }, H_ALL, ID },
	{ __LINE__, "unknown codings only",           false, { "deflate, zstd" }, H_ALL, ID },
	{ __LINE__, "malformed gzip, good br",        false, { "gzip;q=2, br;q=0.1" }, H_ALL, BR },
	{ __LINE__, "malformed everything",           false, { "gzip;q=x, br;;" }, H_ALL, ID },
	{ __LINE__, "case and whitespace",            false, { "  GZIP ; Q=1 " }, H_ALL, GZ },
	{ __LINE__, "many fields: first mention",     false, { "gzip;q=0", "gzip", "br;q=0" }, H_ALL, ID },
	{ __LINE__, "many fields: later field adds",  false, { "identity;q=0.5", "gzip;q=0.6" }, H_ALL, GZ },
	{ __LINE__, "many fields: star in the last",  false, { "deflate", "identity;q=0.2", "*;q=0.3" }, H_ALL, BR },
	{ __LINE__, "gzip wanted, only br there",     false, { "gzip" }, H_BR, ID },
};

START_TEST(test_choose)
{
	const struct choose_case c = choose_cases[_i];
	struct accept_enc ae;
	enum accept_enc_coding got;

	accept_enc_init(&ae);
	for (int f = 0; !c.absent && f < MAXF && c.fields[f]; f++)
		accept_enc_add(&ae, c.fields[f], strlen(c.fields[f]));
	got = accept_enc_choose(&ae, c.have);
	ck_assert_msg(got == c.want, "line %d (%s): got %d, want %d", c.line, c.desc,
		      (int)got, (int)c.want);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(accept_enc_name(ACCEPT_ENC_BR), "br");
	ck_assert_str_eq(accept_enc_name(ACCEPT_ENC_GZIP), "gzip");
	ck_assert_ptr_null(accept_enc_name(ACCEPT_ENC_IDENTITY));
}
END_TEST

/* accept_enc_init() whatever was there before: no field, identity. */
START_TEST(test_init)
{
	struct accept_enc ae;

	memset(&ae, 0x55, sizeof(ae));
	accept_enc_init(&ae);
	ck_assert(!ae.present);
	ck_assert_int_eq(ae.star, -1);
	for (int c = 0; c < ACCEPT_ENC_N; c++)
		ck_assert_int_eq(ae.q[c], -1);
	ck_assert_int_eq(accept_enc_choose(&ae, H_ALL), ID);
}
END_TEST

static Suite *accept_enc_suite(void)
{
	Suite *s = suite_create("accept_enc");
	TCase *parse = tcase_create("parse");
	TCase *choose = tcase_create("choose");

	tcase_set_timeout(parse, 5);
	tcase_add_loop_test(parse, test_parse, 0, NELEM(parse_cases));
	tcase_add_test(parse, test_parse_length);
	tcase_add_test(parse, test_init);
	suite_add_tcase(s, parse);

	tcase_set_timeout(choose, 5);
	tcase_add_loop_test(choose, test_choose, 0, NELEM(choose_cases));
	tcase_add_test(choose, test_names);
	suite_add_tcase(s, choose);
	return s;
}

int main(void)
{
	return unit_run(accept_enc_suite());
}
