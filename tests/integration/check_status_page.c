/*
 * check_status_page — the status page served by the real binary: HTML with the
 * pool's workers, the ?auto text that monitoring plugins parse, the allow
 * list, HEAD, 405 for other methods, a configured path, and no page at all
 * without a status group.
 *
 * Every test here needs the master to hand its scoreboard to the workers
 * (struct site.sb); without it the page answers 503. Assertions that also
 * need the master to keep the slots up to date (pid, state, generation of
 * each worker) are marked "MASTER:" so a failure there points at the
 * master's side, not at the page.
 */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_ON "status = { };"
#define MAX_WORKERS 8                /* workers.max in the harness's default config */

static struct hs_server srv;
static struct hs_response resp;

static void setup_on(void)
{
	hs_setup_or_abort(&srv, STATUS_ON);
}

static void setup_off(void)
{
	hs_setup_or_abort(&srv, NULL);
}

static void setup_ipv6_only(void)
{
	hs_setup_or_abort(&srv, "status = { allow = [ \"::1\" ]; };");
}

static void setup_path(void)
{
	hs_setup_or_abort(&srv, "status = { path = \"/admin/status\"; allow = [ \"127.0.0.0/8\" ]; };");
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* One request on its own connection; a POST carries a three-byte body. */
static void request(const char *method, const char *target)
{
	bool post = strcmp(method, "POST") == 0;
	char req[512];

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n%s",
		 method, target, post ? "Content-Length: 3\r\n" : "", post ? "abc" : "");
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "%s %s: no response: %.200s",
		      method, target, resp.raw);
}

/* The value of "Key: value" in an ?auto body, or NULL. */
static const char *field(const char *body, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);

	for (const char *l = body; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t len = strcspn(l, "\n");

		if (len > klen + 1 && strncmp(l, key, klen) == 0 && l[klen] == ':' && l[klen + 1] == ' ') {
			snprintf(out, cap, "%.*s", (int)(len - klen - 2), l + klen + 2);
			return out;
		}
	}
	return NULL;
}

static long number(const char *body, const char *key)
{
	char v[64], *end;
	long n;

	ck_assert_msg(field(body, key, v, sizeof v) != NULL, "no '%s:' in\n%s", key, body);
	n = strtol(v, &end, 10);
	ck_assert_msg(*v && *end == '\0' && n >= 0, "'%s: %s' is not a count", key, v);
	return n;
}

/* ---- HTML ---------------------------------------------------------------- */

START_TEST(test_html)
{
	pid_t kids[64];
	char cell[64];
	int n;

	request("GET", "/server-status");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "no-cache");
	ck_assert(strncmp(resp.body, "<!DOCTYPE html>\n", 16) == 0);
	ck_assert_ptr_nonnull(strstr(resp.body, "<h1>Server status for localhost</h1>"));
	ck_assert_ptr_nonnull(strstr(resp.body, "<dd>pfhttpd/"));
	ck_assert_ptr_nonnull(strstr(resp.body, "</html>\n"));
	/* MASTER: every live worker has a row with its pid. */
	n = hs_workers(srv.pid, kids, 64);
	ck_assert_int_ge(n, 1);
	for (int i = 0; i < n; i++) {
		snprintf(cell, sizeof cell, "</td><td>%d</td>", (int)kids[i]);
		ck_assert_msg(strstr(resp.body, cell) != NULL, "MASTER: worker %d not listed:\n%s",
			      (int)kids[i], resp.body);
	}
}
END_TEST

/* The page's path is compared after normalisation, like every other path. */
START_TEST(test_encoded_path)
{
	request("GET", "/server%2Dstatus");
	ck_assert_int_eq(resp.status, 200);
	request("GET", "/server-status/");
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* ---- ?auto --------------------------------------------------------------- */

START_TEST(test_auto)
{
	const char *keys[] = { "ServerVersion", "ServerMPM", "ParentServerConfigGeneration",
			       "ServerUptimeSeconds", "Total Accesses", "Total kBytes",
			       "Uptime", "BusyWorkers", "GracefulWorkers", "IdleWorkers",
			       "Scoreboard", "ConnsKeeper" };
	char v[256], *line;
	long before, workers;
	pid_t kids[64];

	request("GET", "/server-status?auto");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/plain; charset=utf-8");
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "no-cache");
	/* The server name alone, then only "Key: value" lines, as mod_status. */
	ck_assert(strncmp(resp.body, "localhost\n", 10) == 0);
	for (line = strchr(resp.body, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		size_t key = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ");

		ck_assert_msg(key > 0 && line[key] == ':' && strchr(line, '\n') != NULL,
			      "not a 'Key: value' line: %.80s", line);
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ck_assert_msg(field(resp.body, keys[i], v, sizeof v) != NULL, "no %s in\n%s",
			      keys[i], resp.body);
	ck_assert_str_eq(field(resp.body, "ServerMPM", v, sizeof v), "prefork");
	ck_assert_int_ge(number(resp.body, "BusyWorkers"), 1);      /* the one answering us */
	before = number(resp.body, "Total Accesses");
	/* The scoreboard line covers workers.max slots in Apache's letters. */
	field(resp.body, "Scoreboard", v, sizeof v);
	ck_assert_uint_eq(strlen(v), MAX_WORKERS);
	ck_assert_uint_eq(strspn(v, "_SRWKG."), MAX_WORKERS);
	/* MASTER: one letter other than '.' per live worker. */
	workers = hs_workers(srv.pid, kids, 64);
	for (const char *p = v; *p; p++)
		workers -= *p != '.';
	ck_assert_msg(workers == 0, "MASTER: scoreboard '%s' vs %d workers", v,
		      hs_workers(srv.pid, kids, 64));

	request("GET", "/hello.txt");
	ck_assert_int_eq(resp.status, 200);
	request("GET", "/server-status?auto");
	/* Our earlier status request and hello.txt have both been counted. */
	ck_assert_int_ge(number(resp.body, "Total Accesses"), before + 2);
}
END_TEST

/* ---- access and methods -------------------------------------------------- */

START_TEST(test_head)
{
	long len;

	request("HEAD", "/server-status");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_eq(resp.body_len, 0);
	len = strtol(hs_hdr(&resp, "Content-Length"), NULL, 10);
	ck_assert_int_gt(len, 100);
}
END_TEST

START_TEST(test_post)
{
	request("POST", "/server-status");
	ck_assert_int_eq(resp.status, 405);
	ck_assert_str_eq(hs_hdr(&resp, "Allow"), "GET, HEAD");
}
END_TEST

START_TEST(test_forbidden)
{
	request("GET", "/server-status");
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "Scoreboard"));
	request("GET", "/server-status?auto");
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "Scoreboard"));
}
END_TEST

START_TEST(test_absent)
{
	request("GET", "/server-status");
	ck_assert_int_eq(resp.status, 404);
	request("GET", "/server-status?auto");
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

START_TEST(test_custom_path)
{
	request("GET", "/admin/status?auto");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "\nScoreboard: "));
	request("GET", "/server-status");
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *tcase(const char *name, void (*su)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, su, teardown);
	tcase_set_timeout(tc, 30);
	return tc;
}

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc;

	tc = tcase("page", setup_on);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_encoded_path);
	tcase_add_test(tc, test_auto);
	tcase_add_test(tc, test_head);
	tcase_add_test(tc, test_post);
	suite_add_tcase(s, tc);

	tc = tcase("forbidden", setup_ipv6_only);
	tcase_add_test(tc, test_forbidden);
	suite_add_tcase(s, tc);

	tc = tcase("absent", setup_off);
	tcase_add_test(tc, test_absent);
	suite_add_tcase(s, tc);

	tc = tcase("path", setup_path);
	tcase_add_test(tc, test_custom_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(status_suite());
}
