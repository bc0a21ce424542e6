/*
 * Unit tests for status: the renderer on a scoreboard filled here (the
 * real one is the same shared mapping, scoreboard_create()), in both
 * formats: the exact ?auto text, the totals, HTML escaping of a hostile
 * request line, and a full 4096-slot board; plus the small pure helpers.
 */
#include "unit.h"
#include "scoreboard.h"
#include "status.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOW ((time_t)1700000000)     /* Tuesday, 14-Nov-2023 22:13:20 UTC */

static struct scoreboard sb;

static void setup(void)
{
	/* The renderer prints local time, as mod_status does: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(scoreboard_create(&sb), 0);
}

static void teardown(void)
{
	scoreboard_destroy(&sb);
}

static void slot(size_t i, pid_t pid, int state, unsigned gen, uint64_t requests,
		 uint64_t bytes, const char *line)
{
	struct sb_slot *s = &sb.slots[i];

	s->pid = pid;
	s->state = state;
	s->generation = gen;
	s->requests = requests;
	s->bytes = bytes;
	s->started = NOW - 50;
	s->last_change = NOW - 7;
	if (line)
		scoreboard_set_request(s, line, strlen(line));
}

/* A pool after two reloads: every state once, one idle worker of the old generation. */
static void fill(void)
{
	sb.g->started = NOW - 100;
	sb.g->generation = 3;
	sb.g->requests_gone = 10;
	sb.g->bytes_gone = 2048;
	sb.g->keeper_conns = 4;
	slot(0, 1000, SB_IDLE, 3, 5, 1024, "GET /old HTTP/1.1");
	slot(1, 1001, SB_WRITING, 3, 2, 0, "GET /now HTTP/1.1");
	slot(2, 1002, SB_KEEPALIVE, 3, 0, 0, NULL);
	slot(3, 1003, SB_STOPPING, 2, 0, 0, NULL);
	slot(4, 1004, SB_IDLE, 2, 0, 0, NULL);
	slot(5, 1005, SB_CGI, 3, 0, 0, "POST /cgi-bin/x HTTP/1.1");
	slot(6, 1006, SB_STARTING, 3, 0, 0, NULL);
}

static struct status_view view(enum status_format f, size_t shown)
{
	struct status_view v = {
		.format = f, .now = NOW, .version = "pfhttpd/9.9",
		.server_name = "www.example.org", .shown = shown,
	};
	return v;
}

static char *render(const struct status_view *v)
{
	struct status_buf b = { 0 };

	ck_assert_int_eq(status_render(&sb, v, &b), 0);
	ck_assert(!b.failed);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_uint_eq(strlen(b.p), b.len);
	return b.p;
}

/* ---- ?auto -------------------------------------------------------------- */

/* The whole text: mod_status 2.4's field names and order, then ours. */
START_TEST(test_auto_exact)
{
	struct status_view v = view(STATUS_AUTO, 10);
	char *got;

	fill();
	v.have_load = true;
	v.load[0] = 0.5;
	v.load[1] = 1.25;
	v.load[2] = 2;
	got = render(&v);
	ck_assert_str_eq(got,
		"www.example.org\n"
		"ServerVersion: pfhttpd/9.9\n"
		"ServerMPM: prefork\n"
		"CurrentTime: Tuesday, 14-Nov-2023 22:13:20 UTC\n"
		"RestartTime: Tuesday, 14-Nov-2023 22:11:40 UTC\n"
		"ParentServerConfigGeneration: 3\n"
		"ParentServerMPMGeneration: 2\n"
		"ServerUptimeSeconds: 100\n"
		"ServerUptime: 1 minute 40 seconds\n"
		"Load1: 0.50\nLoad5: 1.25\nLoad15: 2.00\n"
		"Total Accesses: 17\n"          /* 10 gone + 5 + 2 */
		"Total kBytes: 3\n"             /* (2048 + 1024) / 1024 */
		"Uptime: 100\n"
		"ReqPerSec: 0.17\n"
		"BytesPerSec: 30.72\n"
		"BytesPerReq: 180.706\n"
		"BusyWorkers: 3\n"              /* writing, keep-alive, cgi */
		"GracefulWorkers: 1\n"          /* stopping */
		"IdleWorkers: 1\n"              /* the old generation's idle one is not counted */
		"Scoreboard: _WKG_WS...\n"
		"ConnsKeeper: 4\n");
	free(got);
}
END_TEST

/* A fresh server: no rates (division by zero), no load lines, an empty uptime. */
START_TEST(test_auto_fresh)
{
	struct status_view v = view(STATUS_AUTO, 3);
	char *got;

	sb.g->started = NOW;
	sb.g->generation = 1;
	slot(0, 1000, SB_IDLE, 1, 0, 0, NULL);
	got = render(&v);
	ck_assert_ptr_nonnull(strstr(got, "\nServerUptime:\nTotal Accesses: 0\nTotal kBytes: 0\n"
				     "Uptime: 0\nBusyWorkers: 0\nGracefulWorkers: 0\n"
				     "IdleWorkers: 1\nScoreboard: _..\n"));
	ck_assert_ptr_null(strstr(got, "PerSec"));
	ck_assert_ptr_null(strstr(got, "PerReq"));
	ck_assert_ptr_null(strstr(got, "Load1"));
	free(got);
}
END_TEST

struct uptime_case {
	int src_line;
	long secs;
	const char *want;            /* the ServerUptime line */
};

static const struct uptime_case uptime_cases[] = {
	{ __LINE__, 0, "\nServerUptime:\n" },
	{ __LINE__, 1, "\nServerUptime: 1 second\n" },
	{ __LINE__, 59, "\nServerUptime: 59 seconds\n" },
	{ __LINE__, 3600, "\nServerUptime: 1 hour\n" },
	{ __LINE__, 86400 + 3600 + 60 + 1, "\nServerUptime: 1 day 1 hour 1 minute 1 second\n" },
	{ __LINE__, 2 * 86400 + 7200, "\nServerUptime: 2 days 2 hours\n" },
};

START_TEST(test_auto_uptime)
{
	const struct uptime_case *c = &uptime_cases[_i];
	struct status_view v = view(STATUS_AUTO, 1);
	char *got;

	sb.g->started = NOW - c->secs;
	got = render(&v);
	ck_assert_msg(strstr(got, c->want) != NULL, "line %d: %ld s: want '%s' in\n%s",
		      c->src_line, c->secs, c->want, got);
	free(got);
}
END_TEST

/* A worker past workers.max (after a reload shrank the pool) is still shown. */
START_TEST(test_auto_busy_beyond_shown)
{
	struct status_view v = view(STATUS_AUTO, 2);
	char *got;

	slot(4, 1004, SB_WRITING, 0, 1, 0, NULL);
	got = render(&v);
	ck_assert_ptr_nonnull(strstr(got, "\nScoreboard: ....W\n"));
	ck_assert_ptr_nonnull(strstr(got, "\nBusyWorkers: 1\n"));
	free(got);
}
END_TEST

/* A hostile server name cannot add lines to the machine-readable form. */
START_TEST(test_auto_name_one_line)
{
	struct status_view v = view(STATUS_AUTO, 1);
	char *got;

	v.server_name = "evil\nBusyWorkers: 999";
	got = render(&v);
	ck_assert(strncmp(got, "evil?BusyWorkers: 999\nServerVersion: ", 37) == 0);
	free(got);
	/* Bytes past ASCII too (DEL, UTF-8): the plain form stays ASCII. */
	v.server_name = "caf\xc3\xa9\x7f";
	got = render(&v);
	ck_assert_msg(strncmp(got, "caf???\nServerVersion: ", 22) == 0, "%.40s", got);
	free(got);
}
END_TEST

/*
 * A slot past workers.max whose process is gone but whose state is not
 * yet cleared (a worker that stopped after a reload shrank the pool) still
 * extends the scoreboard line, with its state's letter.
 */
START_TEST(test_auto_stopping_beyond_shown)
{
	struct status_view v = view(STATUS_AUTO, 2);
	char *got, want[64];

	slot(3, 0, SB_STOPPING, 0, 0, 0, NULL);
	got = render(&v);
	snprintf(want, sizeof want, "\nScoreboard: ...%c\n", status_letter(SB_STOPPING));
	ck_assert_msg(strstr(got, want) != NULL, "%s", got);
	free(got);
}
END_TEST

/* ---- HTML --------------------------------------------------------------- */

/* Occurrences of needle. A plain loop: sanitizers' strstr() measures the
 * whole haystack on every call, which makes counting in a large page slow. */
static int count(const char *hay, const char *needle)
{
	size_t len = strlen(needle);
	int n = 0;

	for (const char *p = hay; *p; p++)
		n += *p == *needle && strncmp(p, needle, len) == 0;
	return n;
}

START_TEST(test_html_totals_and_rows)
{
	struct status_view v = view(STATUS_HTML, 10);
	char *got;

	fill();
	got = render(&v);
	ck_assert(strncmp(got, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33) == 0);
	ck_assert_ptr_nonnull(strstr(got, "<dt>Total requests</dt><dd>17</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dt>Total traffic</dt><dd>3072 bytes</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dd>3 busy, 1 idle, 1 finishing</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dt>Connections held by the keeper</dt><dd>4</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dt>Configuration generation</dt><dd>3</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dt>Uptime</dt><dd>1 minute 40 seconds</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dd>pfhttpd/9.9</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<pre>_WKG_WS...\n</pre>"));
	/* Seven workers, seven rows; the empty slots are not listed. */
	ck_assert_int_eq(count(got, "<tr><td>"), 7);
	ck_assert_ptr_nonnull(strstr(got, "<tr><td>1</td><td>1001</td><td class=\"t\">writing</td>"
				     "<td>3</td><td>2</td><td>0</td><td>7</td>"
				     "<td class=\"t\">GET /now HTTP/1.1</td></tr>"));
	ck_assert_ptr_nonnull(strstr(got, "<td class=\"t\">POST /cgi-bin/x HTTP/1.1</td>"));
	/* An idle worker's last request is not "the request it is serving". */
	ck_assert_ptr_null(strstr(got, "GET /old"));
	ck_assert_str_eq(got + strlen(got) - 16, "</body>\n</html>\n");
	free(got);
}
END_TEST

struct escape_case {
	int src_line;
	const char *what;
	const char *line;            /* the request line a worker records */
	const char *want;            /* how the page must show it */
};

static const struct escape_case escape_cases[] = {
	{ __LINE__, "script tag", "GET /<script>alert(1)</script> HTTP/1.1",
	  "GET /&lt;script&gt;alert(1)&lt;/script&gt; HTTP/1.1" },
	{ __LINE__, "attribute breakout", "GET /\"'><img src=x onerror=alert(1)> HTTP/1.1",
	  "GET /&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt; HTTP/1.1" },
	{ __LINE__, "entity", "GET /a&amp;b HTTP/1.1", "GET /a&amp;amp;b HTTP/1.1" },
	{ __LINE__, "control bytes", "GET /\x01\x1b[2J HTTP/1.1", "GET /\\x01\\x1b[2J HTTP/1.1" },
	{ __LINE__, "invalid UTF-8", "GET /\xff\xc3 HTTP/1.1", "GET /\\xff\\xc3 HTTP/1.1" },
};

START_TEST(test_html_escapes_request)
{
	const struct escape_case *c = &escape_cases[_i];
	struct status_view v = view(STATUS_HTML, 1);
	char *got;

	slot(0, 1000, SB_WRITING, 0, 0, 0, c->line);
	got = render(&v);
	ck_assert_msg(strstr(got, c->want) != NULL, "line %d (%s): '%s' not in\n%s",
		      c->src_line, c->what, c->want, got);
	ck_assert_msg(strstr(got, "<script") == NULL && strstr(got, "<img") == NULL,
		      "line %d (%s): markup got through", c->src_line, c->what);
	for (const char *p = got; *p; p++)
		ck_assert_msg((unsigned char)*p < 0x80 && ((unsigned char)*p >= 0x20 || *p == '\n'),
			      "line %d (%s): raw byte 0x%02x", c->src_line, c->what,
			      (unsigned char)*p);
	free(got);
}
END_TEST

START_TEST(test_html_escapes_server_name)
{
	struct status_view v = view(STATUS_HTML, 1);
	char *got;

	v.server_name = "<b>x</b>";
	got = render(&v);
	ck_assert_ptr_nonnull(strstr(got, "<h1>Server status for &lt;b&gt;x&lt;/b&gt;</h1>"));
	free(got);
}
END_TEST

/* Every slot busy with a long line: the buffer grows, nothing is cut. */
START_TEST(test_html_full_board)
{
	struct status_view v = view(STATUS_HTML, SB_MAX_SLOTS);
	char line[SB_LINE_MAX + 10];
	char *got;

	memset(line, '<', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	for (size_t i = 0; i < SB_MAX_SLOTS; i++)
		slot(i, (pid_t)(10000 + i), SB_WRITING, 0, 1, 1, line);
	got = render(&v);
	ck_assert_int_eq(count(got, "<tr><td>"), SB_MAX_SLOTS);
	ck_assert_int_eq(count(got, "&lt;"), SB_MAX_SLOTS * (SB_LINE_MAX - 1));
	ck_assert_ptr_nonnull(strstr(got, "<tr><td>4095</td><td>14095</td>"));
	ck_assert_ptr_nonnull(strstr(got, "</body>\n</html>\n"));
	free(got);
}
END_TEST

/* ---- helpers ------------------------------------------------------------ */

struct letter_case {
	int src_line;
	int state;
	char letter;
};

static const struct letter_case letter_cases[] = {
	{ __LINE__, SB_EMPTY, '.' },     { __LINE__, SB_STARTING, 'S' },
	{ __LINE__, SB_IDLE, '_' },      { __LINE__, SB_READING, 'R' },
	{ __LINE__, SB_WRITING, 'W' },   { __LINE__, SB_KEEPALIVE, 'K' },
	{ __LINE__, SB_CGI, 'W' },       { __LINE__, SB_STOPPING, 'G' },
	{ __LINE__, -1, '?' },           { __LINE__, 99, '?' },
};

START_TEST(test_letter)
{
	const struct letter_case *c = &letter_cases[_i];

	ck_assert_msg(status_letter(c->state) == c->letter, "line %d: state %d gives '%c'",
		      c->src_line, c->state, status_letter(c->state));
}
END_TEST

struct auto_case {
	int src_line;
	const char *query;
	bool want;
};

static const struct auto_case auto_cases[] = {
	{ __LINE__, "auto", true },
	{ __LINE__, "auto&refresh=5", true },
	{ __LINE__, "refresh=5&auto", true },
	{ __LINE__, "&auto&", true },
	{ __LINE__, "", false },
	{ __LINE__, "autox", false },
	{ __LINE__, "xauto", false },
	{ __LINE__, "auto=1", false },
	{ __LINE__, "refresh=auto", false },
	{ __LINE__, "AUTO", false },
};

START_TEST(test_wants_auto)
{
	const struct auto_case *c = &auto_cases[_i];

	ck_assert_msg(status_wants_auto(c->query, strlen(c->query)) == c->want,
		      "line %d: '%s'", c->src_line, c->query);
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tauto = tcase_create("auto");
	TCase *html = tcase_create("html");
	TCase *help = tcase_create("helpers");

	tcase_add_checked_fixture(tauto, setup, teardown);
	tcase_add_checked_fixture(html, setup, teardown);
	tcase_set_timeout(tauto, 10);
	tcase_set_timeout(html, 10);
	tcase_set_timeout(help, 10);
	tcase_add_test(tauto, test_auto_exact);
	tcase_add_test(tauto, test_auto_fresh);
	tcase_add_loop_test(tauto, test_auto_uptime, 0,
			    (int)(sizeof uptime_cases / sizeof uptime_cases[0]));
	tcase_add_test(tauto, test_auto_busy_beyond_shown);
	tcase_add_test(tauto, test_auto_stopping_beyond_shown);
	tcase_add_test(tauto, test_auto_name_one_line);
	tcase_add_test(html, test_html_totals_and_rows);
	tcase_add_loop_test(html, test_html_escapes_request, 0,
			    (int)(sizeof escape_cases / sizeof escape_cases[0]));
	tcase_add_test(html, test_html_escapes_server_name);
	tcase_add_test(html, test_html_full_board);
	tcase_add_loop_test(help, test_letter, 0,
			    (int)(sizeof letter_cases / sizeof letter_cases[0]));
	tcase_add_loop_test(help, test_wants_auto, 0,
			    (int)(sizeof auto_cases / sizeof auto_cases[0]));
	suite_add_tcase(s, tauto);
	suite_add_tcase(s, html);
	suite_add_tcase(s, help);
	return s;
}

int main(void)
{
	return unit_run(status_suite());
}
