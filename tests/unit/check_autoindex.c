/*
 * Unit tests for autoindex's pure half: the entry list, its order, and the
 * HTML and JSON it renders for hostile names (every character class that
 * could break out of an attribute, a link, a JSON string or UTF-8). Every
 * JSON document is also run through a small RFC 8259 validator below, so
 * "valid JSON" is checked, not assumed.
 */
#include "unit.h"
#include "autoindex.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define T_2020 1577934245 /* Thu, 02 Jan 2020 03:04:05 GMT */

/* ---- a tiny RFC 8259 validator (strict: UTF-8 checked, no trailing commas) ---- */

struct jv {
	const unsigned char *p, *end;
	int depth;
};

static bool jv_value(struct jv *v);

static void jv_ws(struct jv *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
		v->p++;
}

static bool jv_lit(struct jv *v, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0)
		return false;
	v->p += n;
	return true;
}

/* One UTF-8 sequence (RFC 3629), independently of autoindex's own decoder. */
static bool jv_utf8(struct jv *v)
{
	unsigned c = *v->p, cp;
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;

	if (n < 0 || v->end - v->p <= n)
		return false;
	cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
	for (int i = 1; i <= n; i++) {
		if ((v->p[i] & 0xC0) != 0x80)
			return false;
		cp = cp << 6 | (v->p[i] & 0x3F);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	v->p += n + 1;
	return true;
}

static bool jv_string(struct jv *v)
{
	if (!jv_lit(v, "\""))
		return false;
	while (v->p < v->end && *v->p != '"') {
		if (*v->p < 0x20)
			return false;
		if (*v->p == '\\') {
			v->p++;
			if (v->p >= v->end || *v->p == 0 || !strchr("\"\\/bfnrtu", *v->p))
				return false;
			if (*v->p++ == 'u') {
				for (int i = 0; i < 4; i++, v->p++)
					if (v->p >= v->end || *v->p == 0 ||
					    !strchr("0123456789abcdefABCDEF", *v->p))
						return false;
			}
			continue;
		}
		if (!jv_utf8(v))
			return false;
	}
	return jv_lit(v, "\"");
}

static bool jv_number(struct jv *v)
{
	const unsigned char *s = v->p;

	while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > s && !(s[0] == '0' && v->p - s > 1);
}

/* An array or object: open, members separated by commas, close. */
static bool jv_members(struct jv *v, char close, bool object)
{
	jv_ws(v);
	if (v->p < v->end && *v->p == close) {
		v->p++;
		return true;
	}
	for (;;) {
		jv_ws(v);
		if (object) {
			if (!jv_string(v))
				return false;
			jv_ws(v);
			if (!jv_lit(v, ":"))
				return false;
		}
		if (!jv_value(v))
			return false;
		jv_ws(v);
		if (v->p < v->end && *v->p == close) {
			v->p++;
			return true;
		}
		if (!jv_lit(v, ","))
			return false;
	}
}

static bool jv_value(struct jv *v)
{
	bool ok;

	jv_ws(v);
	if (v->p >= v->end || ++v->depth > 16)
		return false;
	switch (*v->p) {
	case '[': v->p++; ok = jv_members(v, ']', false); break;
	case '{': v->p++; ok = jv_members(v, '}', true); break;
	case '"': ok = jv_string(v); break;
	case 't': ok = jv_lit(v, "true"); break;
	case 'f': ok = jv_lit(v, "false"); break;
	case 'n': ok = jv_lit(v, "null"); break;
	default: ok = jv_number(v);
	}
	v->depth--;
	return ok;
}

static bool json_valid(const char *s, size_t len)
{
	struct jv v = { (const unsigned char *)s, (const unsigned char *)s + len, 0 };

	if (!jv_value(&v))
		return false;
	jv_ws(&v);
	return v.p == v.end;
}

/* The validator itself must refuse what is not JSON, or its "valid" means nothing. */
static const struct jv_case {
	int src_line;
	const char *what;
	const char *text;
	bool valid;
} jv_cases[] = {
	{ __LINE__, "empty array", "[]", true },
	{ __LINE__, "object with escapes", "[{\"a\\u00e9\\n\":1}]", true },
	{ __LINE__, "raw control character", "[\"a\nb\"]", false },
	{ __LINE__, "raw invalid byte", "[\"\xe9\"]", false },
	{ __LINE__, "overlong", "[\"\xc0\x80\"]", false },
	{ __LINE__, "surrogate", "[\"\xed\xa0\x80\"]", false },
	{ __LINE__, "trailing comma", "[1,]", false },
	{ __LINE__, "unescaped quote", "[\"a\"b\"]", false },
	{ __LINE__, "bad escape", "[\"\\x41\"]", false },
	{ __LINE__, "short \\u", "[\"\\u00e\"]", false },
	{ __LINE__, "trailing garbage", "[] x", false },
	{ __LINE__, "missing colon", "{\"a\" 1}", false },
	{ __LINE__, "leading zero", "[01]", false },
	{ __LINE__, "literals", "[true,false,null]", true },
	{ __LINE__, "unterminated", "[\"a", false },
};

START_TEST(test_validator)
{
	const struct jv_case *k = &jv_cases[_i];

	ck_assert_msg(json_valid(k->text, strlen(k->text)) == k->valid, "line %d (%s)",
		      k->src_line, k->what);
}
END_TEST

/* ---- helpers ------------------------------------------------------------- */

static void add(struct autoindex_list *l, const char *name, size_t len, bool dir)
{
	ck_assert_int_eq(autoindex_add(l, name, len, dir, 14, T_2020), 0);
}

static char *html_of(const struct autoindex_list *l, const char *path, struct autoindex_buf *b)
{
	*b = (struct autoindex_buf){ 0 };
	ck_assert_int_eq(autoindex_html(l, path, b), 0);
	ck_assert_uint_eq(strlen(b->p), b->len);
	return b->p;
}

static char *json_of(const struct autoindex_list *l, struct autoindex_buf *b)
{
	*b = (struct autoindex_buf){ 0 };
	ck_assert_int_eq(autoindex_json(l, b), 0);
	ck_assert_msg(json_valid(b->p, b->len), "invalid JSON: %s", b->p);
	return b->p;
}

/* ---- hostile names --------------------------------------------------------- */

static const struct name_case {
	int src_line;
	const char *what;
	const char *name;            /* NULL-free; len from strlen */
	bool dir;
	const char *row;             /* the HTML row up to the date */
	const char *json;            /* the JSON "name" value, quotes included */
} name_cases[] = {
	{ __LINE__, "plain", "hello.txt", false,
	  "<tr><td><a href=\"hello.txt\">hello.txt</a></td><td>", "\"hello.txt\"" },
	{ __LINE__, "directory gets a slash", "sub", true,
	  "<tr><td><a href=\"sub/\">sub/</a></td><td>", "\"sub\"" },
	{ __LINE__, "script tag", "<script>alert(1)</script>", false,
	  "<tr><td><a href=\"%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">"
	  "&lt;script&gt;alert(1)&lt;/script&gt;</a></td><td>",
	  "\"<script>alert(1)</script>\"" },
	{ __LINE__, "double quote breaks no attribute", "a\"onmouseover=\"x", false,
	  "<tr><td><a href=\"a%22onmouseover%3D%22x\">a&quot;onmouseover=&quot;x</a></td><td>",
	  "\"a\\\"onmouseover=\\\"x\"" },
	{ __LINE__, "single quote", "it's", false,
	  "<tr><td><a href=\"it%27s\">it&#39;s</a></td><td>", "\"it's\"" },
	{ __LINE__, "ampersand", "a&amp;b", false,
	  "<tr><td><a href=\"a%26amp%3Bb\">a&amp;amp;b</a></td><td>", "\"a&amp;b\"" },
	{ __LINE__, "percent is not decoded twice", "%2F..%2Fetc", false,
	  "<tr><td><a href=\"%252F..%252Fetc\">%2F..%2Fetc</a></td><td>", "\"%2F..%2Fetc\"" },
	{ __LINE__, "question mark and hash stay in the path", "a?b#c", false,
	  "<tr><td><a href=\"a%3Fb%23c\">a?b#c</a></td><td>", "\"a?b#c\"" },
	{ __LINE__, "spaces", "my file.txt", false,
	  "<tr><td><a href=\"my%20file.txt\">my file.txt</a></td><td>", "\"my file.txt\"" },
	{ __LINE__, "colon would make a scheme", "javascript:alert(1)", false,
	  "<tr><td><a href=\"javascript%3Aalert%281%29\">javascript:alert(1)</a></td><td>",
	  "\"javascript:alert(1)\"" },
	{ __LINE__, "newline and tab", "a\nb\tc", false,
	  "<tr><td><a href=\"a%0Ab%09c\">a&#xFFFD;b&#xFFFD;c</a></td><td>", "\"a\\u000ab\\u0009c\"" },
	{ __LINE__, "DEL", "a\x7f", false,
	  "<tr><td><a href=\"a%7F\">a&#xFFFD;</a></td><td>", "\"a\x7f\"" },
	{ __LINE__, "backslash", "a\\b", false,
	  "<tr><td><a href=\"a%5Cb\">a\\b</a></td><td>", "\"a\\\\b\"" },
	{ __LINE__, "UTF-8 kept as it is", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false,
	  "<tr><td><a href=\"caf%C3%A9%20%E2%82%AC%20%F0%9F%98%80\">"
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</a></td><td>",
	  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ __LINE__, "Latin-1 byte (invalid UTF-8)", "caf\xe9", false,
	  "<tr><td><a href=\"caf%E9\">caf&#xE9;</a></td><td>", "\"caf\\u00e9\"" },
	{ __LINE__, "overlong '/' (C0 AF)", "a\xc0\xaf", false,
	  "<tr><td><a href=\"a%C0%AF\">a&#xC0;&#xAF;</a></td><td>", "\"a\\u00c0\\u00af\"" },
	{ __LINE__, "surrogate (ED A0 80)", "\xed\xa0\x80", false,
	  "<tr><td><a href=\"%ED%A0%80\">&#xED;&#xA0;&#x80;</a></td><td>",
	  "\"\\u00ed\\u00a0\\u0080\"" },
	{ __LINE__, "above U+10FFFF (F4 90 80 80)", "\xf4\x90\x80\x80", false,
	  "<tr><td><a href=\"%F4%90%80%80\">&#xF4;&#x90;&#x80;&#x80;</a></td><td>",
	  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ __LINE__, "overlong 3-byte (E0 80 AF)", "\xe0\x80\xaf", false,
	  "<tr><td><a href=\"%E0%80%AF\">&#xE0;&#x80;&#xAF;</a></td><td>",
	  "\"\\u00e0\\u0080\\u00af\"" },
	{ __LINE__, "overlong 4-byte (F0 80 80 80)", "\xf0\x80\x80\x80", false,
	  "<tr><td><a href=\"%F0%80%80%80\">&#xF0;&#x80;&#x80;&#x80;</a></td><td>",
	  "\"\\u00f0\\u0080\\u0080\\u0080\"" },
	{ __LINE__, "truncated sequence at the end", "a\xe2\x82", false,
	  "<tr><td><a href=\"a%E2%82\">a&#xE2;&#x82;</a></td><td>", "\"a\\u00e2\\u0082\"" },
	{ __LINE__, "lead byte then ASCII", "\xc3" "a", false,
	  "<tr><td><a href=\"%C3a\">&#xC3;a</a></td><td>", "\"\\u00c3a\"" },
	{ __LINE__, "lone continuation byte", "\x80", false,
	  "<tr><td><a href=\"%80\">&#x80;</a></td><td>", "\"\\u0080\"" },
	{ __LINE__, "F5 never starts UTF-8", "\xf5\x80\x80\x80", false,
	  "<tr><td><a href=\"%F5%80%80%80\">&#xF5;&#x80;&#x80;&#x80;</a></td><td>",
	  "\"\\u00f5\\u0080\\u0080\\u0080\"" },
	{ __LINE__, "highest code point U+10FFFF (F4 8F BF BF)", "\xf4\x8f\xbf\xbf", false,
	  "<tr><td><a href=\"%F4%8F%BF%BF\">\xf4\x8f\xbf\xbf</a></td><td>",
	  "\"\xf4\x8f\xbf\xbf\"" },
	{ __LINE__, "U+D7FF (ED 9F BF), below the surrogates", "\xed\x9f\xbf", false,
	  "<tr><td><a href=\"%ED%9F%BF\">\xed\x9f\xbf</a></td><td>", "\"\xed\x9f\xbf\"" },
	{ __LINE__, "unreserved kept", "A-z_0.9~", false,
	  "<tr><td><a href=\"A-z_0.9~\">A-z_0.9~</a></td><td>", "\"A-z_0.9~\"" },
	{ __LINE__, "sub-delims encoded", "!$&'()*+,;=@", false,
	  "<tr><td><a href=\"%21%24%26%27%28%29%2A%2B%2C%3B%3D%40\">"
	  "!$&amp;&#39;()*+,;=@</a></td><td>", "\"!$&'()*+,;=@\"" },
};

START_TEST(test_names_html)
{
	const struct name_case *k = &name_cases[_i];
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;
	const char *html;

	add(&l, k->name, strlen(k->name), k->dir);
	html = html_of(&l, "/d/", &b);
	ck_assert_msg(strstr(html, k->row) != NULL, "line %d (%s): row not in\n%s",
		      k->src_line, k->what, html);
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

START_TEST(test_names_json)
{
	const struct name_case *k = &name_cases[_i];
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;
	char want[512];

	add(&l, k->name, strlen(k->name), k->dir);
	snprintf(want, sizeof want, "[\n{ \"name\":%s, \"type\":\"%s\", "
		 "\"mtime\":\"Thu, 02 Jan 2020 03:04:05 GMT\"%s }\n]\n", k->json,
		 k->dir ? "directory" : "file", k->dir ? "" : ", \"size\":14");
	ck_assert_msg(strcmp(json_of(&l, &b), want) == 0, "line %d (%s): got\n%s\nwant\n%s",
		      k->src_line, k->what, b.p, want);
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

/* A name with a NUL cannot come from readdir, but the renderers take lengths, not strings. */
START_TEST(test_name_with_nul)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;

	add(&l, "a\0b", 3, false);
	ck_assert_ptr_nonnull(strstr(html_of(&l, "/", &b), "<a href=\"a%00b\">a&#xFFFD;b</a>"));
	autoindex_buf_free(&b);
	ck_assert_ptr_nonnull(strstr(json_of(&l, &b), "\"name\":\"a\\u0000b\""));
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

/* ---- order ------------------------------------------------------------------ */

static const struct sort_case {
	int src_line;
	const char *what;
	const char *in;              /* names separated by ' '; a trailing '/' marks a directory */
	const char *out;             /* the same, sorted */
} sort_cases[] = {
	{ __LINE__, "empty", "", "" },
	{ __LINE__, "one", "a", "a" },
	{ __LINE__, "directories first", "a z/ b y/", "y/ z/ a b" },
	{ __LINE__, "bytewise: upper case before lower", "b a B A", "A B a b" },
	{ __LINE__, "bytewise: digits are not numbers", "10 9 1 100", "1 10 100 9" },
	{ __LINE__, "a prefix sorts first", "abc ab a abcd", "a ab abc abcd" },
	{ __LINE__, "UTF-8 after ASCII (bytes >= 0x80)", "\xc3\xa9 z e", "e z \xc3\xa9" },
	{ __LINE__, "a file and a directory of one name", "x x/", "x/ x" },
	{ __LINE__, "punctuation by byte value", "_ - ~ 0", "- 0 _ ~" },
};

START_TEST(test_sort)
{
	const struct sort_case *k = &sort_cases[_i];
	struct autoindex_list l = { 0 };
	char in[256], got[256] = "";
	size_t o = 0;

	snprintf(in, sizeof in, "%s", k->in);
	for (char *save = NULL, *t = strtok_r(in, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(t);
		bool dir = t[len - 1] == '/';

		add(&l, t, dir ? len - 1 : len, dir);
	}
	autoindex_sort(&l);
	for (size_t i = 0; i < l.n; i++)
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%s%s", i ? " " : "",
				      autoindex_name(&l, &l.e[i]), l.e[i].is_dir ? "/" : "");
	ck_assert_msg(strcmp(got, k->out) == 0, "line %d (%s): got '%s', want '%s'",
		      k->src_line, k->what, got, k->out);
	autoindex_list_free(&l);
}
END_TEST

/* ---- the page around the rows --------------------------------------------- */

START_TEST(test_page)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;
	const char *html;

	add(&l, "f", 1, false);
	add(&l, "d", 1, true);
	autoindex_sort(&l);
	html = html_of(&l, "/a b/<x>/", &b);
	ck_assert_ptr_nonnull(strstr(html, "<title>Index of /a b/&lt;x&gt;/</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<h1>Index of /a b/&lt;x&gt;/</h1>"));
	ck_assert_ptr_nonnull(strstr(html, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"../\">../</a>"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"d/\">d/</a></td><td>2020-01-02T03:04:05Z"
				     "</td><td class=\"size\">-</td></tr>\n"
				     "<tr><td><a href=\"f\">f</a></td><td>2020-01-02T03:04:05Z"
				     "</td><td class=\"size\">14</td></tr>\n</table>\n</body>"));
	ck_assert_ptr_null(strstr(html, "truncated"));
	autoindex_buf_free(&b);
	/* At the root there is no parent. */
	html = html_of(&l, "/", &b);
	ck_assert_ptr_nonnull(strstr(html, "<title>Index of /</title>"));
	ck_assert_ptr_null(strstr(html, "../"));
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

START_TEST(test_empty)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;

	ck_assert_str_eq(json_of(&l, &b), "[]\n");
	autoindex_buf_free(&b);
	ck_assert_ptr_nonnull(strstr(html_of(&l, "/e/", &b), "</tr>\n<tr><td><a href=\"../\">../"
				     "</a></td><td></td><td></td></tr>\n</table>"));
	autoindex_buf_free(&b);
	autoindex_sort(&l); /* nothing to sort, no crash */
	autoindex_list_free(&l);
}
END_TEST

START_TEST(test_sizes_and_dates)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;

	ck_assert_int_eq(autoindex_add(&l, "big", 3, false, UINT64_C(18446744073709551615), 0), 0);
	ck_assert_int_eq(autoindex_add(&l, "zero", 4, false, 0, 951782400), 0); /* 2000-02-29 */
	ck_assert_int_eq(autoindex_add(&l, "dir", 3, true, 4096, 4102444799), 0); /* 2099-12-31 23:59:59 */
	autoindex_sort(&l);
	html_of(&l, "/", &b);
	ck_assert_ptr_nonnull(strstr(b.p, ">big</a></td><td>1970-01-01T00:00:00Z</td>"
				     "<td class=\"size\">18446744073709551615</td>"));
	ck_assert_ptr_nonnull(strstr(b.p, ">zero</a></td><td>2000-02-29T00:00:00Z</td>"
				     "<td class=\"size\">0</td>"));
	ck_assert_ptr_nonnull(strstr(b.p, ">dir/</a></td><td>2099-12-31T23:59:59Z</td>"
				     "<td class=\"size\">-</td>"));
	autoindex_buf_free(&b);
	json_of(&l, &b);
	ck_assert_str_eq(b.p, "[\n"
			 "{ \"name\":\"dir\", \"type\":\"directory\", \"mtime\":\"Thu, 31 Dec 2099 23:59:59 GMT\" },\n"
			 "{ \"name\":\"big\", \"type\":\"file\", \"mtime\":\"Thu, 01 Jan 1970 00:00:00 GMT\", "
			 "\"size\":18446744073709551615 },\n"
			 "{ \"name\":\"zero\", \"type\":\"file\", \"mtime\":\"Tue, 29 Feb 2000 00:00:00 GMT\", "
			 "\"size\":0 }\n]\n");
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

/* A time gmtime_r cannot break down: "-" in HTML, the epoch in JSON (http_date_format's rule). */
START_TEST(test_date_out_of_range)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;

	ck_assert_int_eq(autoindex_add(&l, "f", 1, false, 1, INT64_MAX), 0);
	ck_assert_ptr_nonnull(strstr(html_of(&l, "/", &b), ">f</a></td><td>-</td>"));
	autoindex_buf_free(&b);
	ck_assert_ptr_nonnull(strstr(json_of(&l, &b), "\"mtime\":\"Thu, 01 Jan 1970 00:00:00 GMT\""));
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

/*
 * Out of memory (an address-space limit on this forked test): adding
 * fails with -1 and leaves the list whole; rendering says -1 and oom, and
 * never hands out a cut document. Not under AddressSanitizer, whose shadow
 * memory needs more address space than any such limit allows.
 */
START_TEST(test_out_of_memory)
{
#if defined(__SANITIZE_ADDRESS__)
	printf("SKIP: test_out_of_memory: not under AddressSanitizer\n");
#else
	static char name[255];
	struct autoindex_list l = { 0 };
	struct autoindex_buf b = { 0 };
	unsigned long pages = 0;
	struct rlimit rl;
	size_t n = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	/* What the process maps now, and 48 MiB more. */
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	rl.rlim_cur = rl.rlim_max = pages * (rlim_t)sysconf(_SC_PAGESIZE) + (48u << 20);
	memset(name, '<', sizeof name);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	while (autoindex_add(&l, name, sizeof name, false, 0, 0) == 0)
		ck_assert_uint_lt(++n, (size_t)10 << 20);
	ck_assert_uint_eq(l.n, n);
	ck_assert_str_eq(autoindex_name(&l, &l.e[n - 1]), name);
	ck_assert_int_eq(autoindex_html(&l, "/", &b), -1);
	ck_assert(b.oom);
	autoindex_buf_free(&b);
	ck_assert_int_eq(autoindex_json(&l, &b), -1);
	ck_assert(b.oom);
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
#endif
}
END_TEST

/* A directory's size is never shown: the list does not even keep it. */
START_TEST(test_dir_size_dropped)
{
	struct autoindex_list l = { 0 };

	ck_assert_int_eq(autoindex_add(&l, "d", 1, true, 4096, 0), 0);
	ck_assert_uint_eq(l.e[0].size, 0);
	autoindex_list_free(&l);
}
END_TEST

START_TEST(test_truncated_note)
{
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;

	add(&l, "a", 1, false);
	add(&l, "b", 1, false);
	l.truncated = true;
	ck_assert_ptr_nonnull(strstr(html_of(&l, "/", &b), "</table>\n<p>Listing truncated: only the "
				     "first 2 entries are shown.</p>\n</body></html>\n"));
	autoindex_buf_free(&b);
	json_of(&l, &b); /* still a valid array: the response field says it was cut */
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
}
END_TEST

/*
 * Many entries, the longest names: one growing buffer each, every name
 * found again, the JSON still valid. 10000 names of 255 bytes (NAME_MAX).
 */
START_TEST(test_many)
{
	enum { N = 10000 };
	struct autoindex_list l = { 0 };
	struct autoindex_buf b;
	char name[256];

	memset(name, '<', 255);
	for (int i = 0; i < N; i++) {
		int n = snprintf(name, sizeof name, "%05d", N - 1 - i);

		name[n] = '<';
		name[255] = '\0';
		add(&l, name, 255, i % 2 == 0);
	}
	ck_assert_uint_eq(l.n, N);
	autoindex_sort(&l);
	for (size_t i = 1; i < l.n; i++)
		ck_assert(l.e[i - 1].is_dir > l.e[i].is_dir ||
			  (l.e[i - 1].is_dir == l.e[i].is_dir &&
			   strcmp(autoindex_name(&l, &l.e[i - 1]), autoindex_name(&l, &l.e[i])) < 0));
	html_of(&l, "/", &b);
	ck_assert_uint_gt(b.len, (size_t)N * 250 * 7); /* "&lt;" and "%3C" */
	autoindex_buf_free(&b);
	json_of(&l, &b);
	autoindex_buf_free(&b);
	autoindex_list_free(&l);
	ck_assert_ptr_null(l.e);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* ---- the query ------------------------------------------------------------ */

static const struct query_case {
	int src_line;
	const char *what;
	const char *query;
	bool json;
} query_cases[] = {
	{ __LINE__, "exact", "format=json", true },
	{ __LINE__, "among others", "a=1&format=json&b=2", true },
	{ __LINE__, "last", "x&format=json", true },
	{ __LINE__, "empty", "", false },
	{ __LINE__, "html", "format=html", false },
	{ __LINE__, "prefix only", "format=jsonx", false },
	{ __LINE__, "suffix only", "xformat=json", false },
	{ __LINE__, "case matters", "format=JSON", false },
	{ __LINE__, "encoded is not decoded", "format%3Djson", false },
	{ __LINE__, "empty parameters", "&&format=json&", true },
	{ __LINE__, "only ampersands", "&&", false },
};

START_TEST(test_query)
{
	const struct query_case *k = &query_cases[_i];

	ck_assert_msg(autoindex_wants_json(k->query, strlen(k->query)) == k->json,
		      "line %d (%s)", k->src_line, k->what);
}
END_TEST

#define LOOP(tc, fn, arr) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(arr) / sizeof((arr)[0])))

static Suite *autoindex_suite(void)
{
	Suite *s = suite_create("autoindex");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");
	TCase *limits = tcase_create("limits");

	LOOP(core, test_validator, jv_cases);
	LOOP(core, test_sort, sort_cases);
	tcase_add_test(core, test_page);
	tcase_add_test(core, test_empty);
	tcase_add_test(core, test_sizes_and_dates);
	tcase_add_test(core, test_dir_size_dropped);
	LOOP(core, test_query, query_cases);
	LOOP(bad, test_names_html, name_cases);
	LOOP(bad, test_names_json, name_cases);
	tcase_add_test(bad, test_name_with_nul);
	tcase_add_test(limits, test_truncated_note);
	tcase_add_test(limits, test_many);
	tcase_add_test(limits, test_out_of_memory);
	tcase_add_test(core, test_date_out_of_range);
	tcase_set_timeout(core, 10);
	tcase_set_timeout(bad, 10);
	tcase_set_timeout(limits, 60);
	suite_add_tcase(s, core);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(autoindex_suite());
}
