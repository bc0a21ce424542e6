/*
 * check_site — the shipped demo site (htdocs/ of the checkout) served by the
 * real binary: the home page carries the MDN contact form, every local link
 * and stylesheet of every page resolves, nothing is loaded from elsewhere,
 * and a missing page gets errors/404.html.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct hs_server srv;
static struct hs_response resp;
static char htdocs[PATH_MAX + 16];
static char file[HS_MAX_RESP];

static void setup(void)
{
	const char *src = getenv("PFHTTPD_SRC");
	char real[PATH_MAX], extra[PATH_MAX + 96];

	if (src == NULL || *src == '\0')
		src = ".";
	if (realpath(src, real) == NULL || strpbrk(real, "\"\\") != NULL)
		ck_abort_msg("PFHTTPD_SRC %s: unusable: %s", src, strerror(errno));
	snprintf(htdocs, sizeof htdocs, "%s/htdocs", real);
	snprintf(extra, sizeof extra, "document_root = \"%s\";\n", htdocs);
	if (hs_root_init(&srv) == -1)
		ck_abort_msg("cannot create a server root");
	if (hs_start(&srv, extra, file, sizeof file) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), file);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static void get(const char *path)
{
	char req[1024];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "GET %s: no response: %.200s", path, resp.raw);
}

/* The shipped file, for comparison with what is served. */
static size_t shipped(const char *rel)
{
	char path[PATH_MAX + 64];
	ssize_t n;

	snprintf(path, sizeof path, "%s%s", htdocs, rel);
	n = hs_slurp(path, file, sizeof file);
	ck_assert_msg(n > 0, "htdocs%s missing or empty", rel);
	return (size_t)n;
}

static const struct page_case {
	int line;
	const char *desc;
	const char *path;       /* URL */
	const char *file;       /* shipped file it must equal */
	int status;
	const char *type;
} page_cases[] = {
	{ __LINE__, "home page", "/", "/index.html", 200, "text/html; charset=utf-8" },
	{ __LINE__, "stylesheet", "/style.css", "/style.css", 200, "text/css" },
	{ __LINE__, "docs index", "/docs/", "/docs/index.html", 200, "text/html; charset=utf-8" },
	{ __LINE__, "missing page gets the 404 page", "/no/such/page.html", "/errors/404.html", 404, "text/html" },
};

START_TEST(test_page)
{
	const struct page_case *c = &page_cases[_i];
	const char *ct;
	size_t n = shipped(c->file);

	get(c->path);
	ck_assert_msg(resp.status == c->status, "line %d (%s): status %d, want %d",
		      c->line, c->desc, resp.status, c->status);
	ck_assert_msg(resp.body_len == n && memcmp(resp.body, file, n) == 0,
		      "line %d (%s): body differs from htdocs%s", c->line, c->desc, c->file);
	ct = hs_hdr(&resp, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, c->type, strlen(c->type)) == 0,
		      "line %d (%s): Content-Type %s, want %s", c->line, c->desc, ct ? ct : "(none)", c->type);
}
END_TEST

START_TEST(test_contact_form)
{
	static const char *const parts[] = {
		"<title>pfhttpd</title>",
		"<form action=\"/contact_form.php\" method=\"post\">",
		"name=\"name\"",
		"<textarea",
		"name=\"request\"",
		"type=\"submit\"",
		"</form>",
	};

	get("/");
	ck_assert_int_eq(resp.status, 200);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		ck_assert_msg(hs_contains(resp.body, resp.body_len, parts[i]),
			      "home page lacks %s", parts[i]);
}
END_TEST

START_TEST(test_docs_redirect)
{
	get("/docs");
	ck_assert_int_eq(resp.status, 301);
	ck_assert_pstr_eq(hs_hdr(&resp, "Location"), "http://localhost/docs/");
}
END_TEST

/* Every href/src of every page is local and answers 200; nothing external. */
START_TEST(test_links_resolve)
{
	static const char *const pages[] = { "/", "/docs/", "/errors/404.html", "/style.css" };
	static char body[HS_MAX_RESP + 1];
	int checked = 0;

	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		get(pages[i]);
		ck_assert_msg(resp.status == 200, "%s: status %d", pages[i], resp.status);
		memcpy(body, resp.body, resp.body_len + 1);
		ck_assert_msg(strstr(body, "://") == NULL && strstr(body, "url(") == NULL &&
			      strstr(body, "@import") == NULL,
			      "%s refers to an external resource", pages[i]);
		for (const char *p = body; (p = strpbrk(p, "hs")) != NULL; p++) {
			char url[512];
			size_t len;
			const char *q;

			if (strncmp(p, "href=\"", 6) == 0)
				q = p + 6;
			else if (strncmp(p, "src=\"", 5) == 0)
				q = p + 5;
			else
				continue;
			len = strcspn(q, "\"");
			ck_assert_msg(len > 0 && len < sizeof url && q[0] == '/',
				      "%s: link %.40s is not a local absolute path", pages[i], q);
			snprintf(url, sizeof url, "%.*s", (int)len, q);
			get(url);
			ck_assert_msg(resp.status == 200, "%s links to %s: status %d", pages[i], url, resp.status);
			checked++;
		}
	}
	ck_assert_msg(checked >= 6, "only %d links found: the pages lost their stylesheet or navigation", checked);
}
END_TEST

static Suite *site_suite(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("htdocs");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_page, 0, (int)(sizeof page_cases / sizeof page_cases[0]));
	tcase_add_test(tc, test_contact_form);
	tcase_add_test(tc, test_docs_redirect);
	tcase_add_test(tc, test_links_resolve);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(site_suite());
}
