/*
 * Unit tests for cgi_resolve's handler lookup ("/dir/form.php/extra") and
 * cgi_page_kind (what an error page is), on a scratch document root.
 *
 * The lookup walks the path once: a 60,000-byte path resolves right, and a
 * 2,000,000-byte one finishes well inside the case's 8 s timeout (the old
 * walk measured the whole prefix at each segment: about 10^12 bytes).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "cgi.h"
#include "conf.h"
#include "request.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char root[] = "/tmp/pfhttpd-resolve-XXXXXX";
static struct conf cf;
static struct site site;
static struct conf_cgi_handler handlers[] = {
	{ ".php", "/usr/bin/php-cgi", 1 },
	{ ".py", "/usr/bin/python3", 2 },
};

static void put(const char *rel, bool dir)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (dir) {
		ck_assert_int_eq(mkdir(p, 0755), 0);
		return;
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(root));
	put("s.php", false);
	put("d.php", true);
	put("d.php/in.php", false);
	put("page.html", false);
	memset(&cf, 0, sizeof(cf));
	cf.site.document_root = root;
	cf.site.cgi.enabled = true;
	cf.site.cgi.alias = "/cgi-bin/";
	cf.site.cgi.directory = root;
	cf.site.cgi.handlers = handlers;
	cf.site.cgi.nhandlers = NELEM(handlers);
	site.conf = &cf;
	site.cs = &cf.site;
	site.root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	site.cgi_fd = -1;
	ck_assert_int_ge(site.root_fd, 0);
}

static void teardown(void)
{
	char cmd[600];

	close(site.root_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Resolve path (a copy: the lookup writes into it for a moment). */
static int resolve(const char *path, struct cgi_target *t, char **keep)
{
	struct request rq = { .site = &site };

	rq.path_len = strlen(path);
	rq.path = strdup(path);
	ck_assert_ptr_nonnull(rq.path);
	*keep = rq.path;
	return cgi_resolve(&rq, t);
}

static const struct resolve_case {
	int line;
	const char *desc;
	const char *path;
	int want;                 /* 0, CGI_NOT_SCRIPT, or a status */
	const char *script_name;  /* when 0 */
	const char *path_info;
} cases[] = {
	{ __LINE__, "script", "/s.php", 0, "/s.php", "" },
	{ __LINE__, "script with extra path", "/s.php/a/b", 0, "/s.php", "/a/b" },
	{ __LINE__, "upper-case extension, no such file", "/S.PHP", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "directory named .php: the file inside", "/d.php/in.php/x", 0, "/d.php/in.php", "/x" },
	{ __LINE__, "missing script: a file's 404", "/nope.php", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "below a missing script: nothing longer exists", "/nope.php/s.php", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "no handler extension", "/page.html", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "extension alone is no name", "/.php", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "extension mid-segment", "/s.phpx", CGI_NOT_SCRIPT, NULL, NULL },
	{ __LINE__, "root", "/", CGI_NOT_SCRIPT, NULL, NULL },
};

START_TEST(test_resolve)
{
	const struct resolve_case *c = &cases[_i];
	struct cgi_target t;
	char *keep;
	int r = resolve(c->path, &t, &keep);

	ck_assert_msg(r == c->want, "line %d (%s): %d, want %d", c->line, c->desc, r, c->want);
	ck_assert_msg(strcmp(keep, c->path) == 0, "line %d (%s): path changed: %s",
		      c->line, c->desc, keep);
	if (c->want == 0) {
		ck_assert_msg(strcmp(t.script_name, c->script_name) == 0, "line %d (%s): SCRIPT_NAME %s",
			      c->line, c->desc, t.script_name);
		ck_assert_msg(strcmp(t.path_info, c->path_info) == 0, "line %d (%s): PATH_INFO %s",
			      c->line, c->desc, t.path_info);
		ck_assert_str_eq(t.interpreter, "/usr/bin/php-cgi");
	}
	free(keep);
}
END_TEST

/* "/s.php" then "/p" to 60,000 bytes: the script, with all the rest as PATH_INFO. */
START_TEST(test_long_path_info)
{
	enum { LEN = 60000 };
	char *path = malloc(LEN + 1), *keep;
	struct cgi_target t;

	ck_assert_ptr_nonnull(path);
	strcpy(path, "/s.php");
	for (size_t i = 6; i < LEN; i += 2)
		memcpy(path + i, "/p", 2);
	path[LEN] = '\0';
	ck_assert_int_eq(resolve(path, &t, &keep), 0);
	ck_assert_str_eq(t.script_name, "/s.php");
	ck_assert_uint_eq(strlen(t.path_info), LEN - 6);
	free(keep);
	free(path);
}
END_TEST

static char *repeat(const char *seg, size_t len)
{
	size_t sl = strlen(seg);
	char *p = malloc(len + 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i += sl)
		memcpy(p + i, seg, len - i < sl ? len - i : sl);
	p[len] = '\0';
	return p;
}

/* Linear time: the case's timeout is the assertion. */
START_TEST(test_long_paths_scale)
{
	static const char *const segs[] = { "/a", "/d.php", "/x.py" };
	struct cgi_target t;

	for (size_t i = 0; i < NELEM(segs); i++) {
		char *path = repeat(segs[i], 2000000), *keep;

		ck_assert_int_eq(resolve(path, &t, &keep), CGI_NOT_SCRIPT);
		free(keep);
		free(path);
	}
}
END_TEST

static const struct page_case {
	int line;
	const char *desc;
	bool cgi;               /* cgi.enabled */
	const char *path;
	enum cgi_page want;
	const char *interp;
} pages[] = {
	{ __LINE__, "html page", true, "/errors/404.html", CGI_PAGE_FILE, NULL },
	{ __LINE__, "php page with a handler", true, "/errors/404.php", CGI_PAGE_SCRIPT, "/usr/bin/php-cgi" },
	{ __LINE__, "handler extension in upper case", true, "/errors/404.PHP", CGI_PAGE_SCRIPT, "/usr/bin/php-cgi" },
	{ __LINE__, "under the cgi alias", true, "/cgi-bin/err.sh", CGI_PAGE_SCRIPT, NULL },
	{ __LINE__, "under the cgi alias, no extension", true, "/cgi-bin/err", CGI_PAGE_SCRIPT, NULL },
	{ __LINE__, "php page, CGI off", false, "/errors/404.php", CGI_PAGE_SOURCE, NULL },
	{ __LINE__, "alias path, CGI off: a file", false, "/cgi-bin/err.txt", CGI_PAGE_FILE, NULL },
	{ __LINE__, "script extension without a handler", true, "/errors/404.pl", CGI_PAGE_SOURCE, NULL },
	{ __LINE__, "phtml without a handler", true, "/errors/404.phtml", CGI_PAGE_SOURCE, NULL },
	{ __LINE__, "sh outside the alias", true, "/errors/404.sh", CGI_PAGE_SOURCE, NULL },
	{ __LINE__, "text file", true, "/errors/404.txt", CGI_PAGE_FILE, NULL },
	{ __LINE__, "php in the middle", true, "/errors/404.php.html", CGI_PAGE_FILE, NULL },
};

START_TEST(test_page_kind)
{
	const struct page_case *c = &pages[_i];
	const char *interp = "unset";
	enum cgi_page k;

	cf.site.cgi.enabled = c->cgi;
	k = cgi_page_kind(&cf.site, c->path, &interp);
	ck_assert_msg(k == c->want, "line %d (%s): kind %d, want %d", c->line, c->desc, k, c->want);
	if (c->interp)
		ck_assert_msg(interp && strcmp(interp, c->interp) == 0, "line %d (%s): interpreter %s",
			      c->line, c->desc, interp ? interp : "(null)");
	else
		ck_assert_msg(interp == NULL, "line %d (%s): interpreter %s", c->line, c->desc, interp);
}
END_TEST

static Suite *cgi_resolve_suite(void)
{
	Suite *s = suite_create("cgi_resolve");
	TCase *core = tcase_create("core");
	TCase *scale = tcase_create("scale");
	TCase *page = tcase_create("error_pages");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 5);
	tcase_add_loop_test(core, test_resolve, 0, NELEM(cases));
	tcase_add_test(core, test_long_path_info);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(scale, setup, teardown);
	tcase_set_timeout(scale, 8); /* hours before; well under a second now */
	tcase_add_test(scale, test_long_paths_scale);
	suite_add_tcase(s, scale);

	tcase_add_checked_fixture(page, setup, teardown);
	tcase_set_timeout(page, 5);
	tcase_add_loop_test(page, test_page_kind, 0, NELEM(pages));
	suite_add_tcase(s, page);
	return s;
}

int main(void)
{
	return unit_run(cgi_resolve_suite());
}
