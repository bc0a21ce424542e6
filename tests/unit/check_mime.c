/*
 * Unit tests for mime: the built-in table, extension rules, and loading
 * mime.types files (overrides, errors with FILE:LINE, missing files).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "mime.h"

#define OCTET "application/octet-stream"

struct lookup_case {
	int line;
	const char *desc;
	const char *path;
	const char *want;
};

static const struct lookup_case builtin_cases[] = {
	{ __LINE__, "html is text",           "/index.html",       "text/html; charset=utf-8" },
	{ __LINE__, "htm",                    "/a.htm",            "text/html; charset=utf-8" },
	{ __LINE__, "css",                    "/s.css",            "text/css; charset=utf-8" },
	{ __LINE__, "js (RFC 9239)",          "/app.js",           "text/javascript; charset=utf-8" },
	{ __LINE__, "mjs",                    "/m.mjs",            "text/javascript; charset=utf-8" },
	{ __LINE__, "json gets charset",      "/d.json",           "application/json; charset=utf-8" },
	{ __LINE__, "xml gets charset",       "/d.xml",            "application/xml; charset=utf-8" },
	{ __LINE__, "txt",                    "/r.txt",            "text/plain; charset=utf-8" },
	{ __LINE__, "csv",                    "/t.csv",            "text/csv; charset=utf-8" },
	{ __LINE__, "md",                     "/README.md",        "text/markdown; charset=utf-8" },
	{ __LINE__, "svg gets charset",       "/i.svg",            "image/svg+xml; charset=utf-8" },
	{ __LINE__, "map is json",            "/a.js.map",         "application/json; charset=utf-8" },
	{ __LINE__, "png has no charset",     "/i.png",            "image/png" },
	{ __LINE__, "jpg",                    "/i.jpg",            "image/jpeg" },
	{ __LINE__, "jpeg",                   "/i.jpeg",           "image/jpeg" },
	{ __LINE__, "gif",                    "/i.gif",            "image/gif" },
	{ __LINE__, "webp",                   "/i.webp",           "image/webp" },
	{ __LINE__, "ico",                    "/favicon.ico",      "image/vnd.microsoft.icon" },
	{ __LINE__, "avif",                   "/i.avif",           "image/avif" },
	{ __LINE__, "pdf",                    "/d.pdf",            "application/pdf" },
	{ __LINE__, "zip",                    "/a.zip",            "application/zip" },
	{ __LINE__, "gz",                     "/a.gz",             "application/gzip" },
	{ __LINE__, "css.gz: the last extension", "/app.css.gz",   "application/gzip" },
	/* RFC 7932 registers br as a content coding only, no media type
	 * (Debian's mime.types has none either): a .br asked for by name is bytes. */
	{ __LINE__, "br has no media type",   "/app.css.br",       OCTET },
	{ __LINE__, "tar",                    "/a.tar",            "application/x-tar" },
	{ __LINE__, "wasm",                   "/m.wasm",           "application/wasm" },
	{ __LINE__, "woff",                   "/f.woff",           "font/woff" },
	{ __LINE__, "woff2",                  "/f.woff2",          "font/woff2" },
	{ __LINE__, "ttf",                    "/f.ttf",            "font/ttf" },
	{ __LINE__, "otf",                    "/f.otf",            "font/otf" },
	{ __LINE__, "mp3",                    "/s.mp3",            "audio/mpeg" },
	{ __LINE__, "mp4",                    "/v.mp4",            "video/mp4" },
	{ __LINE__, "webm",                   "/v.webm",           "video/webm" },
	{ __LINE__, "ogg",                    "/s.ogg",            "audio/ogg" },
	{ __LINE__, "wav",                    "/s.wav",            "audio/wav" },
	/* extension rules */
	{ __LINE__, "upper-case extension",   "/x.HTML",           "text/html; charset=utf-8" },
	{ __LINE__, "mixed-case extension",   "/x.PnG",            "image/png" },
	{ __LINE__, "last extension wins",    "/archive.tar.gz",   "application/gzip" },
	{ __LINE__, "no extension",           "/Makefile",         OCTET },
	{ __LINE__, "dot only in directory",  "/a.b/README",       OCTET },
	{ __LINE__, "dir with dot and ext",   "/a.html/x.png",     "image/png" },
	{ __LINE__, "unknown extension",      "/x.qqq",            OCTET },
	{ __LINE__, "trailing dot",           "/x.",               OCTET },
	{ __LINE__, "dotfile is not an ext",  "/.html",            OCTET },
	{ __LINE__, "directory path",         "/dir/",             OCTET },
	{ __LINE__, "prefix of an extension", "/x.ht",             OCTET },
	{ __LINE__, "extension too long",     "/x.htmlx",          OCTET },
	{ __LINE__, "relative name",          "page.css",          "text/css; charset=utf-8" },
	{ __LINE__, "empty path",             "",                  OCTET },
};

START_TEST(test_builtin)
{
	const struct lookup_case *c = &builtin_cases[_i];
	struct mime_table *t = mime_new();
	const char *got;

	ck_assert_ptr_nonnull(t);
	got = mime_lookup(t, c->path, strlen(c->path));
	ck_assert_msg(strcmp(got, c->want) == 0, "line %d (%s): got \"%s\", want \"%s\"",
		      c->line, c->desc, got, c->want);
	mime_free(t);
}
END_TEST

/* The length bounds the name: "x.png" cut to "x.pn" is not a png. */
START_TEST(test_len_bound)
{
	struct mime_table *t = mime_new();

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(mime_lookup(t, "/x.pngjunk", 6), "image/png");
	ck_assert_str_eq(mime_lookup(t, "/x.png", 5), OCTET);
	ck_assert_str_eq(mime_lookup(t, "/x.css/y", 6), "text/css; charset=utf-8");
	mime_free(t);
}
END_TEST

/* Write text to a fresh temporary file; path receives its name. */
static void write_temp(char *path, size_t cap, const char *text)
{
	FILE *f;
	int fd;

	ck_assert_int_lt(snprintf(path, cap, "/tmp/check_mime.XXXXXX"), (int)cap);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static const char override_file[] =
	"# a comment line\n"
	"\n"
	"   \t\n"
	"text/x-custom\tfoo bar   # trailing comment baz\n"
	"application/x-mine html\n"
	"TEXT/Plain log LOG2\n"
	"application/x-empty\n"
	"image/x-first dup\n"
	"image/x-second dup\n"
	"text/x-ws\vvt1\fff1\r\n"
	"application/x-nonl last";

static const struct lookup_case override_cases[] = {
	{ __LINE__, "new type, charset added", "/a.foo",   "text/x-custom; charset=utf-8" },
	{ __LINE__, "second ext on the line",  "/a.bar",   "text/x-custom; charset=utf-8" },
	{ __LINE__, "comment is not an ext",   "/a.baz",   OCTET },
	{ __LINE__, "file overrides built-in", "/a.html",  "application/x-mine" },
	{ __LINE__, "type lowered",            "/a.log",   "text/plain; charset=utf-8" },
	{ __LINE__, "ext lowered",             "/a.log2",  "text/plain; charset=utf-8" },
	{ __LINE__, "later line wins",         "/a.dup",   "image/x-second" },
	{ __LINE__, "VT separates (isspace)",  "/a.vt1",   "text/x-ws; charset=utf-8" },
	{ __LINE__, "FF separates, CRLF ends", "/a.ff1",   "text/x-ws; charset=utf-8" },
	{ __LINE__, "no final newline",        "/a.last",  "application/x-nonl" },
	{ __LINE__, "built-in kept",           "/a.png",   "image/png" },
	{ __LINE__, "htm not overridden",      "/a.htm",   "text/html; charset=utf-8" },
};

START_TEST(test_override)
{
	const struct lookup_case *c = &override_cases[_i];
	struct mime_table *t = mime_new();
	char path[64], err[256] = "";
	const char *got;

	ck_assert_ptr_nonnull(t);
	write_temp(path, sizeof(path), override_file);
	ck_assert_msg(mime_load(t, path, err, sizeof(err)) == 0, "load: %s", err);
	got = mime_lookup(t, c->path, strlen(c->path));
	ck_assert_msg(strcmp(got, c->want) == 0, "line %d (%s): got \"%s\", want \"%s\"",
		      c->line, c->desc, got, c->want);
	ck_assert_int_eq(unlink(path), 0);
	mime_free(t);
}
END_TEST

struct bad_case {
	int line;
	const char *desc;
	const char *text;
	int bad_line;          /* expected LINE in "FILE:LINE: " */
};

static const struct bad_case bad_cases[] = {
	{ __LINE__, "type without slash",     "text/x-good x\nhtml html\n",           2 },
	{ __LINE__, "empty subtype",          "# c\n\ntext/ txt\n",                   3 },
	{ __LINE__, "empty type",             "/plain txt\n",                         1 },
	{ __LINE__, "two slashes",            "a/b/c x\n",                            1 },
	{ __LINE__, "bad char in type",       "text/pl(ain x\n",                      1 },
	{ __LINE__, "non-ascii in type",      "text/pl\xC3\xA9 x\n",                  1 },
	{ __LINE__, "control char in type",   "ok/x x\n\ntext/p\x01 y\n",             3 },
	{ __LINE__, "slash in extension",     "text/plain a/b\n",                     1 },
	{ __LINE__, "control in extension",   "text/plain a\x02z\n",                  1 },
	{ __LINE__, "non-ascii in extension", "text/plain \xC3\xA9\n",                1 },
	{ __LINE__, "bad line after many",    "a/b x\nc/d y\n# z\ne/f g\nbad\n",      5 },
};

START_TEST(test_bad_lines)
{
	const struct bad_case *c = &bad_cases[_i];
	struct mime_table *t = mime_new();
	char path[64], err[256] = "", prefix[96];

	ck_assert_ptr_nonnull(t);
	write_temp(path, sizeof(path), c->text);
	ck_assert_msg(mime_load(t, path, err, sizeof(err)) == -1,
		      "line %d (%s): loaded", c->line, c->desc);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, c->bad_line);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0 &&
		      strlen(err) > strlen(prefix),
		      "line %d (%s): err \"%s\", want prefix \"%s\"",
		      c->line, c->desc, err, prefix);
	ck_assert_int_eq(unlink(path), 0);
	/* All or nothing: good lines before the bad one are not kept, not even
	 * once a later load succeeds. */
	ck_assert_str_eq(mime_lookup(t, "/a.x", 4), OCTET);
	write_temp(path, sizeof(path), "z/later zz\n");
	ck_assert_int_eq(mime_load(t, path, err, sizeof(err)), 0);
	ck_assert_str_eq(mime_lookup(t, "/a.x", 4), OCTET);
	ck_assert_str_eq(mime_lookup(t, "/a.zz", 5), "z/later");
	ck_assert_str_eq(mime_lookup(t, "/a.html", 7), "text/html; charset=utf-8");
	ck_assert_int_eq(unlink(path), 0);
	mime_free(t);
}
END_TEST

START_TEST(test_missing_file)
{
	struct mime_table *t = mime_new();
	char err[256] = "";

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(mime_load(t, "/nonexistent/mime.types", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/mime.types: No such file or directory");
	ck_assert_str_eq(mime_lookup(t, "/a.css", 6), "text/css; charset=utf-8");
	mime_free(t);
}
END_TEST

/* A short err buffer gets a truncated, still terminated, message. */
START_TEST(test_short_err)
{
	struct mime_table *t = mime_new();
	char err[8];

	ck_assert_ptr_nonnull(t);
	memset(err, 'Z', sizeof(err));
	ck_assert_int_eq(mime_load(t, "/nonexistent/mime.types", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexi");
	ck_assert_int_eq(mime_load(t, "/nonexistent/mime.types", NULL, 0), -1);
	mime_free(t);
}
END_TEST

/* Loading twice, and loading a second file, keeps the newest entries. */
START_TEST(test_two_files)
{
	struct mime_table *t = mime_new();
	char p1[64], p2[64], err[256] = "";

	ck_assert_ptr_nonnull(t);
	write_temp(p1, sizeof(p1), "a/one x y\n");
	write_temp(p2, sizeof(p2), "b/two y\n");
	ck_assert_int_eq(mime_load(t, p1, err, sizeof(err)), 0);
	ck_assert_int_eq(mime_load(t, p2, err, sizeof(err)), 0);
	ck_assert_int_eq(mime_load(t, p1, err, sizeof(err)), 0);
	ck_assert_str_eq(mime_lookup(t, "/f.x", 4), "a/one");
	ck_assert_str_eq(mime_lookup(t, "/f.y", 4), "a/one");
	ck_assert_int_eq(mime_load(t, p2, err, sizeof(err)), 0);
	ck_assert_str_eq(mime_lookup(t, "/f.y", 4), "b/two");
	ck_assert_int_eq(unlink(p1), 0);
	ck_assert_int_eq(unlink(p2), 0);
	mime_free(t);
}
END_TEST

/*
 * The fixture beside this file has the layout of Debian's /etc/mime.types
 * (media-types): every machine checks the loader against the real format.
 * Unit suites run from the checkout (make unit); PFHTTPD_SRC points there
 * otherwise, as for the integration suites.
 */
static const struct lookup_case fixture_cases[] = {
	{ __LINE__, "type only in the file",      "/doc.odt",   "application/vnd.oasis.opendocument.text" },
	{ __LINE__, "type folded to lower case", "/x.a2l",     "application/a2l" },
	{ __LINE__, "fifth extension of a line",  "/s.mp3",     "audio/mpeg" },
	{ __LINE__, "first extension of a line",  "/s.mpga",    "audio/mpeg" },
	{ __LINE__, "file agrees with built-in",  "/x.png",     "image/png" },
	{ __LINE__, "text/ gets its charset",     "/x.HTML",    "text/html; charset=utf-8" },
	{ __LINE__, "third extension, text/",     "/a.shtml",   "text/html; charset=utf-8" },
	{ __LINE__, "second extension, text/",    "/a.markdown", "text/markdown; charset=utf-8" },
	{ __LINE__, "file does not know it",      "/x.qqqzz",   OCTET },
};

START_TEST(test_fixture_file)
{
	const struct lookup_case *c = &fixture_cases[_i];
	const char *src = getenv("PFHTTPD_SRC");
	struct mime_table *t = mime_new();
	char path[4096], err[256] = "";

	ck_assert_ptr_nonnull(t);
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/tests/unit/mime.types",
				  src ? src : "."), (int)sizeof(path));
	ck_assert_msg(mime_load(t, path, err, sizeof(err)) == 0, "load %s: %s", path, err);
	ck_assert_msg(strcmp(mime_lookup(t, c->path, strlen(c->path)), c->want) == 0,
		      "line %d (%s): %s is %s, want %s", c->line, c->desc, c->path,
		      mime_lookup(t, c->path, strlen(c->path)), c->want);
	mime_free(t);
}
END_TEST

/*
 * The file `mime_types` names by default. make deps installs media-types;
 * without it this is a skip on a developer's machine but a failure under CI
 * (CI=true), where a missing package must not pass unnoticed.
 */
START_TEST(test_system_file)
{
	struct mime_table *t;
	char err[256] = "";

	if (access("/etc/mime.types", R_OK) != 0) {
		ck_assert_msg(getenv("CI") == NULL,
			      "/etc/mime.types is missing under CI: install media-types (make deps)");
		printf("SKIP: /etc/mime.types not installed (Debian package media-types)\n");
		return;
	}
	t = mime_new();
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(mime_load(t, "/etc/mime.types", err, sizeof(err)) == 0,
		      "load: %s", err);
	ck_assert_str_eq(mime_lookup(t, "/x.png", 6), "image/png");
	ck_assert_str_eq(mime_lookup(t, "/x.HTML", 7), "text/html; charset=utf-8");
	ck_assert_str_eq(mime_lookup(t, "/doc.odt", 8), "application/vnd.oasis.opendocument.text");
	ck_assert_str_eq(mime_lookup(t, "/x.qqqzz", 8), OCTET);
	mime_free(t);
}
END_TEST

/* A NUL byte hides the rest of a line from string functions: refused, with its line. */
START_TEST(test_nul_byte)
{
	static const char text[] = "a/b x\ntext/pl\0ain y\n";
	struct mime_table *t = mime_new();
	char path[] = "/tmp/pfhttpd-mime-nul.XXXXXX", err[256] = "", want[96];
	int fd = mkstemp(path);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(mime_load(t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_int_eq(unlink(path), 0);
	mime_free(t);
}
END_TEST

/* A directory opens but cannot be read: the read error is reported, not an empty table. */
START_TEST(test_read_error)
{
	struct mime_table *t = mime_new();
	char err[256] = "";

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(mime_load(t, "/tmp", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/tmp: ") == err && strstr(err, "Is a directory"), "%s", err);
	mime_free(t);
}
END_TEST

START_TEST(test_free_null)
{
	mime_free(NULL);
	ck_assert_str_eq(mime_lookup(NULL, "/a.html", 7), OCTET);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* mime_type_len: the type without the table's own charset, so a path's charset can replace it. */
static const struct type_len_case {
	int line;
	const char *desc;
	const char *value;
	size_t len;
	bool textual;
} type_len_cases[] = {
	{ __LINE__, "a text type", "text/html; charset=utf-8", 9, true },
	{ __LINE__, "a textual application type", "application/json; charset=utf-8", 16, true },
	{ __LINE__, "an image", "image/png", 9, false },
	{ __LINE__, "the default", "application/octet-stream", 24, false },
	{ __LINE__, "only the suffix, nothing before", "; charset=utf-8", 15, false },
	{ __LINE__, "another charset is not the table's", "text/x; charset=latin1", 22, false },
	{ __LINE__, "empty", "", 0, false },
};

START_TEST(test_type_len)
{
	const struct type_len_case *c = &type_len_cases[_i];
	bool textual = !c->textual;

	ck_assert_msg(mime_type_len(c->value, &textual) == c->len && textual == c->textual,
		      "line %d (%s)", c->line, c->desc);
}
END_TEST

/* Every textual built-in type comes with the table's suffix; mime_type_len finds it. */
START_TEST(test_type_len_lookup)
{
	struct mime_table *t = mime_new();
	bool textual;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(mime_type_len(mime_lookup(t, "/a.css", 6), &textual), 8);
	ck_assert(textual);
	ck_assert_uint_eq(mime_type_len(mime_lookup(t, "/a.svg", 6), &textual), 13);
	ck_assert(textual);
	ck_assert_uint_eq(mime_type_len(mime_lookup(t, "/a.png", 6), &textual), 9);
	ck_assert(!textual);
	mime_free(t);
}
END_TEST

static Suite *mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *core = tcase_create("core");
	TCase *load = tcase_create("load");
	TCase *bad = tcase_create("bad_input");

	tcase_set_timeout(core, 5);
	tcase_add_loop_test(core, test_builtin, 0, NELEM(builtin_cases));
	tcase_add_test(core, test_len_bound);
	tcase_add_test(core, test_free_null);
	tcase_add_loop_test(core, test_type_len, 0, NELEM(type_len_cases));
	tcase_add_test(core, test_type_len_lookup);
	suite_add_tcase(s, core);

	tcase_set_timeout(load, 10);
	tcase_add_loop_test(load, test_override, 0, NELEM(override_cases));
	tcase_add_test(load, test_two_files);
	tcase_add_loop_test(load, test_fixture_file, 0, NELEM(fixture_cases));
	tcase_add_test(load, test_system_file);
	suite_add_tcase(s, load);

	tcase_set_timeout(bad, 5);
	tcase_add_loop_test(bad, test_bad_lines, 0, NELEM(bad_cases));
	tcase_add_test(bad, test_missing_file);
	tcase_add_test(bad, test_short_err);
	tcase_add_test(bad, test_nul_byte);
	tcase_add_test(bad, test_read_error);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(mime_suite());
}
