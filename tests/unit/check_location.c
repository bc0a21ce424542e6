/*
 * Unit tests for location: which location a path picks (an exact one first,
 * then the longest prefix, the directory without its slash), the redirect
 * target (path or URL, rest and query carried over or not, encoding, room),
 * and locations as conf_load builds them: "= /x", a vhost's list (its own,
 * then the top level's it does not define), and the merging of per-path
 * settings from the top level to the vhost to the location.
 */
#include "unit.h"
#include "conf.h"
#include "conf_table.h"
#include "location.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- location_pick -------------------------------------------------------- */

static struct conf_location pick_locs[] = {
	{ .path = "/static/", .line = 10 },
	{ .path = "/static/img/", .line = 11 },
	{ .path = "/static/img/logo.png", .exact = true, .line = 12 },
	{ .path = "/old", .line = 13 },
	{ .path = "/", .exact = true, .line = 14 },
	{ .path = "/app/", .line = 15 },
	{ .path = "/app/", .exact = true, .line = 16 },
	{ .path = "/dup/", .line = 17 },
	{ .path = "/dup/", .line = 18 },
};

struct pick_case {
	int src_line;
	const char *what;
	const char *path;
	int loc_line;                /* 0: none */
};

static const struct pick_case pick_cases[] = {
	{ __LINE__, "the prefix itself", "/static/", 10 },
	{ __LINE__, "below the prefix", "/static/a.css", 10 },
	{ __LINE__, "the directory without its slash", "/static", 10 },
	{ __LINE__, "longest prefix wins", "/static/img/a.png", 11 },
	{ __LINE__, "longer prefix, its directory without slash", "/static/img", 11 },
	{ __LINE__, "an exact one beats every prefix", "/static/img/logo.png", 12 },
	{ __LINE__, "exact only for that path", "/static/img/logo.png.bak", 11 },
	{ __LINE__, "exact only for that path, shorter", "/static/img/logo.pn", 11 },
	{ __LINE__, "a plain string prefix (nginx)", "/older", 13 },
	{ __LINE__, "prefix without slash, below", "/old/x", 13 },
	{ __LINE__, "exact '/' is only the root", "/", 14 },
	{ __LINE__, "exact '/' is not a prefix", "/index.html", 0 },
	{ __LINE__, "an exact and a prefix of one path: exact first", "/app/", 16 },
	{ __LINE__, "the prefix below it", "/app/x", 15 },
	{ __LINE__, "the prefix for its directory", "/app", 15 },
	{ __LINE__, "same path twice: the first", "/dup/x", 17 },
	{ __LINE__, "no location", "/other", 0 },
	{ __LINE__, "a neighbour of a prefix", "/stati", 0 },
	{ __LINE__, "case matters", "/STATIC/", 0 },
};

START_TEST(test_pick)
{
	const struct pick_case *c = &pick_cases[_i];
	const struct conf_location *l = location_pick(pick_locs, sizeof pick_locs / sizeof pick_locs[0],
						      c->path, strlen(c->path));

	ck_assert_msg((l ? l->line : 0) == c->loc_line, "line %d (%s): got location of line %d, "
		      "want %d", c->src_line, c->what, l ? l->line : 0, c->loc_line);
}
END_TEST

START_TEST(test_pick_none)
{
	ck_assert_ptr_null(location_pick(NULL, 0, "/", 1));
	/* A length shorter than the string: only path[0..len) counts. */
	ck_assert_int_eq(location_pick(pick_locs, 9, "/static/img/logo.png", 11)->line, 11);
}
END_TEST

/* ---- location_redirect ------------------------------------------------------ */

struct redir_case {
	int src_line;
	const char *what;
	const char *loc_path;
	bool loc_exact;
	const char *to;
	bool exact;
	const char *path;
	const char *query;           /* NULL: none */
	const char *want;            /* NULL: does not fit */
};

#define BASE "http://example.com:8080"

static const struct redir_case redir_cases[] = {
	{ __LINE__, "rest and query carried (Apache's Redirect)", "/old/", false, "/new/", false,
	  "/old/a/b", "x=1", BASE "/new/a/b?x=1" },
	{ __LINE__, "the prefix itself", "/old/", false, "/new/", false, "/old/", NULL,
	  BASE "/new/" },
	{ __LINE__, "the directory without its slash", "/old/", false, "/new/", false, "/old",
	  NULL, BASE "/new/" },
	{ __LINE__, "an empty query is kept", "/old/", false, "/new/", false, "/old/a", "",
	  BASE "/new/a?" },
	{ __LINE__, "exact: neither rest nor query", "/old/", false, "/new/", true, "/old/a/b",
	  "x=1", BASE "/new/" },
	{ __LINE__, "absolute URL: no base", "/old/", false, "https://other.example/n/", false,
	  "/old/a", "q", "https://other.example/n/a?q" },
	{ __LINE__, "absolute URL, exact", "/", false, "https://other.example/", true,
	  "/a/b", "q", "https://other.example/" },
	{ __LINE__, "the rest is percent-encoded", "/old/", false, "/new/", false,
	  "/old/a b/\"<x>?#%", NULL, BASE "/new/a%20b/%22%3Cx%3E%3F%23%25" },
	{ __LINE__, "non-ASCII rest", "/old/", false, "/new/", false, "/old/\xc3\xa9", NULL,
	  BASE "/new/%C3%A9" },
	{ __LINE__, "to as written (already encoded)", "/old/", false, "/n%20w/", false,
	  "/old/a", NULL, BASE "/n%20w/a" },
	{ __LINE__, "prefix without slash", "/old", false, "/new", false, "/old/a", NULL,
	  BASE "/new/a" },
	{ __LINE__, "exact location: the query only", "/form", true, "/contact", false,
	  "/form", "a=b", BASE "/contact?a=b" },
	{ __LINE__, "exact location, exact redirect", "/form", true, "/contact", true,
	  "/form", "a=b", BASE "/contact" },
};

START_TEST(test_redirect)
{
	const struct redir_case *c = &redir_cases[_i];
	struct conf_location l = { .path = (char *)c->loc_path, .exact = c->loc_exact };
	struct location_req r = { c->path, strlen(c->path), c->query ? c->query : "",
				  c->query ? strlen(c->query) : 0, c->query != NULL };
	char buf[256];
	long n;

	l.redirect.to = (char *)c->to;
	l.redirect.exact = c->exact;
	n = location_redirect(&l, BASE, &r, buf, sizeof buf);
	ck_assert_msg(n >= 0, "line %d (%s): did not fit", c->src_line, c->what);
	ck_assert_msg(strcmp(buf, c->want) == 0, "line %d (%s): got '%s', want '%s'",
		      c->src_line, c->what, buf, c->want);
	ck_assert_int_eq(n, (long)strlen(c->want));
}
END_TEST

/* Every cut is refused, never a truncated Location; each stage's room. */
START_TEST(test_redirect_room)
{
	struct conf_location l = { .path = "/old/" };
	struct location_req r = { "/old/a b", 8, "x=1", 3, true };
	const char *want = BASE "/new/a%20b?x=1";
	char buf[64];

	l.redirect.to = "/new/";
	for (size_t cap = 0; cap <= strlen(want); cap++)
		ck_assert_msg(location_redirect(&l, BASE, &r, buf, cap) == -1, "cap %zu fits", cap);
	ck_assert_int_eq(location_redirect(&l, BASE, &r, buf, strlen(want) + 1), (long)strlen(want));
	ck_assert_str_eq(buf, want);
}
END_TEST

/* ---- locations as conf_load builds them ------------------------------------ */

static char tmpdir[PATH_MAX];

static void setup(void)
{
	char tmpl[] = "/tmp/check_location.XXXXXX";
	char path[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, tmpdir));
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/htdocs", tmpdir), (int)sizeof path);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	ck_assert_int_eq(nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void load_ok(const char *text, struct conf *c)
{
	char path[PATH_MAX], err[1024];
	FILE *fp;

	ck_assert_int_lt(snprintf(path, sizeof path, "%s/loc.conf", tmpdir), (int)sizeof path);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_msg(conf_load(path, c, err, sizeof err) == 0, "%s", err);
}

static const char locs_conf[] =
	"locations = (\n"
	"  { path = \"/old/\"; redirect = { to = \"/new/\"; status = 301; }; },\n"
	"  { path = \"= /exact\"; redirect = { to = \"https://example.org/\"; exact = true; }; },\n"
	"  { path = \"=/x\"; },\n"
	"  { path = \"/x\"; },\n"
	"  { path = \"/shared/\"; }\n"
	");\n"
	"vhosts = (\n"
	"  { server_name = \"a.example\";\n"
	"    locations = ( { path = \"/shared/\"; redirect = { to = \"/a/\"; }; },\n"
	"                  { path = \"/own\"; } ); },\n"
	"  { server_name = \"b.example\"; },\n"
	"  { server_name = \"c.example\"; locations = ( ); }\n"
	");\n";

START_TEST(test_conf_locations)
{
	struct conf c;
	const struct conf_location *l;

	load_ok(locs_conf, &c);
	ck_assert_uint_eq(c.site.nlocations, 5);
	l = c.site.locations;
	ck_assert_str_eq(l[0].path, "/old/");
	ck_assert(!l[0].exact);
	ck_assert_str_eq(l[0].redirect.to, "/new/");
	ck_assert_int_eq(l[0].redirect.status, 301);
	ck_assert(!l[0].redirect.exact);
	ck_assert_int_eq(l[0].line, 2);
	ck_assert_int_eq(l[0].path_line, 2);
	/* "= " taken off; nginx's form with or without the space. */
	ck_assert_str_eq(l[1].path, "/exact");
	ck_assert(l[1].exact);
	ck_assert_int_eq(l[1].redirect.status, 302); /* the default, as Apache's Redirect */
	ck_assert(l[1].redirect.exact);
	ck_assert_str_eq(l[2].path, "/x");
	ck_assert(l[2].exact);
	ck_assert_ptr_null(l[2].redirect.to);
	ck_assert_str_eq(l[3].path, "/x");
	ck_assert(!l[3].exact);

	/* a.example: its own two, then the top level's but "/shared/". */
	ck_assert_uint_eq(c.vhosts[0].nlocations, 6);
	l = c.vhosts[0].locations;
	ck_assert_str_eq(l[0].path, "/shared/");
	ck_assert_str_eq(l[0].redirect.to, "/a/");
	ck_assert_str_eq(l[1].path, "/own");
	ck_assert_str_eq(l[2].path, "/old/");
	ck_assert_str_eq(l[3].path, "/exact");
	ck_assert_str_eq(l[4].path, "/x");
	ck_assert(l[4].exact);
	ck_assert_str_eq(l[5].path, "/x");
	ck_assert(!l[5].exact);
	/* Copies, not the top level's memory. */
	ck_assert_ptr_ne(l[2].path, c.site.locations[0].path);
	ck_assert_ptr_ne(l[2].redirect.to, c.site.locations[0].redirect.to);
	/* b.example names none: the top level's five. */
	ck_assert_uint_eq(c.vhosts[1].nlocations, 5);
	ck_assert_str_eq(c.vhosts[1].locations[4].path, "/shared/");
	ck_assert_ptr_null(c.vhosts[1].locations[4].redirect.to);
	/* c.example names an empty list: still the top level's (inner adds to outer). */
	ck_assert_uint_eq(c.vhosts[2].nlocations, 5);
	conf_free(&c);
	conf_free(&c); /* harmless twice */
}
END_TEST

START_TEST(test_conf_no_locations)
{
	struct conf c;

	load_ok("server_name = \"x\";\n", &c);
	ck_assert_uint_eq(c.site.nlocations, 0);
	ck_assert_ptr_null(c.site.locations);
	conf_free(&c);
}
END_TEST

/*
 * The commented examples of etc/pfhttpd.conf load as written once their '#'
 * is taken off: the block from "#NAME = (" to its "#);" (run from the
 * source tree, as make unit does). ROOT in the result stands for tmpdir.
 */
static void example_block(const char *name, char *out, size_t cap)
{
	char head[64], line[1024];
	FILE *fp = fopen("etc/pfhttpd.conf", "r");
	size_t n = 0;
	bool in = false;

	ck_assert_msg(fp != NULL, "etc/pfhttpd.conf: %s (run from the source tree)", strerror(errno));
	snprintf(head, sizeof head, "#%s = (", name);
	out[0] = '\0';
	while (fgets(line, sizeof line, fp)) {
		if (!in && strncmp(line, head, strlen(head)) == 0)
			in = true;
		if (!in)
			continue;
		ck_assert_int_eq(line[0], '#');
		ck_assert_uint_lt(n + strlen(line), cap);
		memcpy(out + n, line + 1, strlen(line + 1) + 1);
		n += strlen(line + 1);
		if (strncmp(line, "#);", 3) == 0)
			break;
	}
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_msg(in && n > 0, "no '%s' block in etc/pfhttpd.conf", head);
}

START_TEST(test_example_locations)
{
	char text[8192];
	struct conf c;

	example_block("locations", text, sizeof text);
	load_ok(text, &c);
	ck_assert_uint_ge(c.site.nlocations, 2);
	for (size_t i = 0; i < c.site.nlocations; i++)
		ck_assert_ptr_nonnull(c.site.locations[i].path);
	conf_free(&c);
}
END_TEST

/* The shared-host example: its /srv/ paths made below tmpdir, which has them. */
START_TEST(test_example_vhosts)
{
	static const char *const dirs[] = { "srv", "srv/example.com", "srv/example.com/htdocs",
					     "srv/example.com/cgi-bin", "srv/example.org",
					     "srv/example.org/htdocs" };
	char text[8192], moved[16384], dir[PATH_MAX];
	size_t n = 0;
	struct conf c;

	example_block("vhosts", text, sizeof text);
	for (const char *p = text; *p; ) {
		const char *hit = strstr(p, "\"/srv/");
		size_t len = hit ? (size_t)(hit - p) + 1 : strlen(p);

		ck_assert_uint_lt(n + len + strlen(tmpdir) + 1, sizeof moved);
		memcpy(moved + n, p, len);
		n += len;
		p += len;
		if (hit) {
			memcpy(moved + n, tmpdir, strlen(tmpdir));
			n += strlen(tmpdir);
		}
	}
	moved[n] = '\0';
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/%s", tmpdir, dirs[i]), (int)sizeof dir);
		ck_assert_int_eq(mkdir(dir, 0755), 0);
	}
	load_ok(moved, &c);
	ck_assert_uint_eq(c.nvhosts, 2);
	ck_assert_uint_ge(c.vhosts[0].nlocations, 3);
	ck_assert_uint_ge(c.vhosts[1].nlocations, 2);
	conf_free(&c);
}
END_TEST

/* ---- merging: top level -> vhost -> location ---------------------------- */

static const char merge_conf[] =
	"headers = [ \"X-Frame-Options: DENY\", \"Cache-Control: no-cache\" ];\n"
	"cgi_env = { A = \"top\"; B = \"top\"; };\n"
	"pass_env = [ \"TZ\" ];\n"
	"locations = (\n"
	"  { path = \"/static/\"; headers = [ \"cache-control: max-age=60\" ]; precompressed = true; },\n"
	"  { path = \"/app/\"; cgi_env = { B = \"app\"; C = \"app\"; }; pass_env = [ \"LANG\", \"TZ\" ];\n"
	"    autoindex = true; },\n"
	"  { path = \"/plain/\"; }\n"
	");\n"
	"vhosts = (\n"
	"  { server_name = \"v.example\"; charset = \"iso-8859-1\";\n"
	"    headers = [ \"X-Frame-Options: SAMEORIGIN\", \"X-V: 1\" ];\n"
	"    locations = ( { path = \"/app/\"; charset = \"\"; } ); },\n"
	"  { server_name = \"w.example\"; autoindex = true; precompressed = false; }\n"
	");\n";

/* list[0..n) is exactly the NULL-terminated want. */
static void assert_list(int src_line, const char *what, char *const *list, size_t n,
			const char *const *want)
{
	size_t i = 0;

	for (; want[i]; i++) {
		ck_assert_msg(i < n, "line %d (%s): %zu entries, want more", src_line, what, n);
		ck_assert_msg(strcmp(list[i], want[i]) == 0, "line %d (%s): [%zu] '%s', want '%s'",
			      src_line, what, i, list[i], want[i]);
	}
	ck_assert_msg(i == n, "line %d (%s): %zu entries, want %zu", src_line, what, n, i);
}

#define LIST(...) ((const char *const []){ __VA_ARGS__, NULL })
#define NONE ((const char *const []){ NULL })

struct merge_case {
	int src_line;
	const char *what;
	int site;                    /* -1 the top level, else vhosts[site] */
	const char *path;            /* a location's path; NULL: the site's own set */
	const char *const *headers, *const *cgi_env, *const *pass_env;
	bool autoindex, precompressed;
	const char *charset;
};

static const struct merge_case merge_cases[] = {
	{ __LINE__, "the top level's own", -1, NULL,
	  LIST("X-Frame-Options: DENY", "Cache-Control: no-cache"), LIST("A=top", "B=top"),
	  LIST("TZ"), false, false, "utf-8" },
	{ __LINE__, "a location replaces a field of the same name (any case), keeps the rest",
	  -1, "/static/", LIST("X-Frame-Options: DENY", "cache-control: max-age=60"),
	  LIST("A=top", "B=top"), LIST("TZ"), false, true, "utf-8" },
	{ __LINE__, "env: replaced by name, added; pass_env: a name named again moves last",
	  -1, "/app/", LIST("X-Frame-Options: DENY", "Cache-Control: no-cache"),
	  LIST("A=top", "B=app", "C=app"), LIST("LANG", "TZ"), true, false, "utf-8" },
	{ __LINE__, "a location without keys: the site's", -1, "/plain/",
	  LIST("X-Frame-Options: DENY", "Cache-Control: no-cache"), LIST("A=top", "B=top"),
	  LIST("TZ"), false, false, "utf-8" },
	{ __LINE__, "a vhost's headers merged into the top level's", 0, NULL,
	  LIST("Cache-Control: no-cache", "X-Frame-Options: SAMEORIGIN", "X-V: 1"),
	  LIST("A=top", "B=top"), LIST("TZ"), false, false, "iso-8859-1" },
	{ __LINE__, "a vhost's own location: charset \"\" wins, nothing of the top's /app/",
	  0, "/app/", LIST("Cache-Control: no-cache", "X-Frame-Options: SAMEORIGIN", "X-V: 1"),
	  LIST("A=top", "B=top"), LIST("TZ"), false, false, "" },
	{ __LINE__, "an inherited location computed against the vhost", 0, "/static/",
	  LIST("X-Frame-Options: SAMEORIGIN", "X-V: 1", "cache-control: max-age=60"),
	  LIST("A=top", "B=top"), LIST("TZ"), false, true, "iso-8859-1" },
	{ __LINE__, "inherited, without keys: the vhost's charset", 0, "/plain/",
	  LIST("Cache-Control: no-cache", "X-Frame-Options: SAMEORIGIN", "X-V: 1"),
	  LIST("A=top", "B=top"), LIST("TZ"), false, false, "iso-8859-1" },
	{ __LINE__, "another vhost: its autoindex under the top's location", 1, "/static/",
	  LIST("X-Frame-Options: DENY", "cache-control: max-age=60"), LIST("A=top", "B=top"),
	  LIST("TZ"), true, true, "utf-8" },
	{ __LINE__, "a location's own scalar beats the vhost's", 1, "/app/",
	  LIST("X-Frame-Options: DENY", "Cache-Control: no-cache"),
	  LIST("A=top", "B=app", "C=app"), LIST("LANG", "TZ"), true, false, "utf-8" },
};

static const struct conf_pathset *merged_set(const struct conf *c, const struct merge_case *m)
{
	const struct conf_site *s = m->site < 0 ? &c->site : &c->vhosts[m->site];

	if (!m->path)
		return &s->set;
	for (size_t i = 0; i < s->nlocations; i++)
		if (strcmp(s->locations[i].path, m->path) == 0)
			return &s->locations[i].set;
	ck_abort_msg("line %d (%s): no location %s", m->src_line, m->what, m->path);
	return NULL;
}

START_TEST(test_merge)
{
	struct conf c;

	load_ok(merge_conf, &c);
	for (size_t i = 0; i < sizeof merge_cases / sizeof merge_cases[0]; i++) {
		const struct merge_case *m = &merge_cases[i];
		const struct conf_pathset *set = merged_set(&c, m);

		assert_list(m->src_line, m->what, set->headers, set->nheaders, m->headers);
		assert_list(m->src_line, m->what, set->cgi_env, set->ncgi_env, m->cgi_env);
		assert_list(m->src_line, m->what, set->pass_env, set->npass_env, m->pass_env);
		ck_assert_msg(set->autoindex == m->autoindex, "line %d (%s): autoindex", m->src_line,
			      m->what);
		ck_assert_msg(set->precompressed == m->precompressed, "line %d (%s): precompressed",
			      m->src_line, m->what);
		ck_assert_msg(set->charset && strcmp(set->charset, m->charset) == 0,
			      "line %d (%s): charset '%s', want '%s'", m->src_line, m->what,
			      set->charset ? set->charset : "(null)", m->charset);
	}
	/* Every site and location owns its lists (conf_free frees each once). */
	ck_assert_ptr_ne(c.site.locations[2].set.headers, c.site.set.headers);
	ck_assert_ptr_ne(c.site.locations[2].set.headers[0], c.site.set.headers[0]);
	ck_assert_ptr_ne(c.vhosts[1].locations[0].set.headers, c.site.locations[0].set.headers);
	conf_free(&c);
}
END_TEST

/* Two entries name the same thing (the merge's rule, conf_table.h). */
struct same_case {
	int src_line;
	const char *what;
	const char *a, *b;
	bool same;
};

static const struct same_case same_cases[] = {
	{ __LINE__, "header, same case", "Cache-Control: a", "Cache-Control: b", true },
	{ __LINE__, "header name in any case (RFC 9110 5.1)", "cache-control: a",
	  "CACHE-CONTROL: b", true },
	{ __LINE__, "two headers", "Cache-Control: a", "Cache-Controls: a", false },
	{ __LINE__, "a prefix is not the name", "X-A: 1", "X-AB: 1", false },
	{ __LINE__, "env name exactly", "APP_ENV=a", "APP_ENV=b", true },
	{ __LINE__, "env names are case-sensitive", "APP_ENV=a", "app_env=a", false },
	{ __LINE__, "an env is not a header", "X=1", "X: 1", false },
	{ __LINE__, "'=' in a header's value", "X: a=b", "X: c", true },
	{ __LINE__, "':' in an env's value", "X=a:b", "X=c", true },
	{ __LINE__, "plain names (pass_env) whole", "TZ", "TZ", true },
	{ __LINE__, "plain names differ", "TZ", "TZX", false },
	{ __LINE__, "plain names are case-sensitive", "TZ", "tz", false },
	{ __LINE__, "a plain name is not an env entry", "TZ", "TZ=x", false },
};

START_TEST(test_entry_same)
{
	const struct same_case *c = &same_cases[_i];

	ck_assert_msg(conf_entry_same(c->a, c->b) == c->same, "line %d (%s)", c->src_line, c->what);
	ck_assert_msg(conf_entry_same(c->b, c->a) == c->same, "line %d (%s), swapped",
		      c->src_line, c->what);
}
END_TEST

static Suite *location_suite(void)
{
	Suite *s = suite_create("location");
	TCase *core = tcase_create("core");
	TCase *conf = tcase_create("conf");

	tcase_add_loop_test(core, test_pick, 0, sizeof pick_cases / sizeof pick_cases[0]);
	tcase_add_test(core, test_pick_none);
	tcase_add_loop_test(core, test_redirect, 0, sizeof redir_cases / sizeof redir_cases[0]);
	tcase_add_test(core, test_redirect_room);
	tcase_add_loop_test(core, test_entry_same, 0, sizeof same_cases / sizeof same_cases[0]);
	suite_add_tcase(s, core);
	tcase_add_checked_fixture(conf, setup, teardown);
	tcase_add_test(conf, test_conf_locations);
	tcase_add_test(conf, test_conf_no_locations);
	tcase_add_test(conf, test_example_locations);
	tcase_add_test(conf, test_merge);
	tcase_add_test(conf, test_example_vhosts);
	tcase_set_timeout(conf, 30);
	suite_add_tcase(s, conf);
	return s;
}

int main(void)
{
	return unit_run(location_suite());
}
