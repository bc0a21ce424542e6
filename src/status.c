#include "status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conn.h"
#include "http_resp.h"
#include "ipmatch.h"
#include "request.h"
#include "scoreboard.h"

/* Scoreboard letters per line in the HTML page, as mod_status's STATUS_MAXLINE. */
#define STATUS_LINE 64

/* ---- the buffer -------------------------------------------------------- */

void status_buf_free(struct status_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Room for need more bytes plus a NUL. 0, or -1 (and failed set). */
static int status_buf_room(struct status_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + need < b->cap)
		return 0;
	while (cap <= b->len + need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void status_put(struct status_buf *b, const char *s, size_t len)
{
	if (status_buf_room(b, len) < 0)
		return;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void status_puts(struct status_buf *b, const char *s)
{
	status_put(b, s, strlen(s));
}

static void status_printf(struct status_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void status_printf(struct status_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || status_buf_room(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/*
 * Text that may come from a client (a request line) or an operator (the
 * server name), made safe in HTML: the five markup characters become
 * entities, and bytes outside printable ASCII become "\xHH" text, so a
 * request line can neither inject markup nor make the page invalid UTF-8.
 */
static void status_put_html(struct status_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '&':  status_puts(b, "&amp;"); break;
		case '<':  status_puts(b, "&lt;"); break;
		case '>':  status_puts(b, "&gt;"); break;
		case '"':  status_puts(b, "&quot;"); break;
		case '\'': status_puts(b, "&#39;"); break;
		default:
			if (ch < 0x20 || ch >= 0x7f)
				status_printf(b, "\\x%02x", ch);
			else
				status_put(b, s, 1);
		}
	}
}

/* The same for one line of the plain-text form: no line breaks, ASCII only. */
static void status_put_plain(struct status_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		status_put(b, ch < 0x20 || ch >= 0x7f ? "?" : s, 1);
	}
}

/* ---- reading the scoreboard -------------------------------------------- */

char status_letter(int state)
{
	/* Apache's letters (mod_status status_init()); a CGI script runs while
	 * the response is being written, so it shows as 'W', and a worker told
	 * to finish and exit is Apache's "Gracefully finishing". */
	switch (state) {
	case SB_EMPTY:     return '.';
	case SB_STARTING:  return 'S';
	case SB_IDLE:      return '_';
	case SB_READING:   return 'R';
	case SB_WRITING:   return 'W';
	case SB_KEEPALIVE: return 'K';
	case SB_CGI:       return 'W';
	case SB_STOPPING:  return 'G';
	default:           return '?';
	}
}

/* One slot, copied once so every number on a row comes from one reading. */
struct status_slot {
	pid_t pid;
	int state;
	unsigned generation;
	uint64_t requests, bytes;
	time_t started, last_change;
	char request[SB_LINE_MAX];
};

static void status_copy(const struct sb_slot *s, struct status_slot *c)
{
	c->pid = s->pid;
	c->state = s->state;
	c->generation = s->generation;
	c->requests = s->requests;
	c->bytes = s->bytes;
	c->started = s->started;
	c->last_change = s->last_change;
	scoreboard_request_line(s, c->request);
}

/* Totals over the whole scoreboard, counted the way mod_status counts them. */
struct status_totals {
	unsigned generation;
	uint64_t requests, bytes;
	long uptime;
	int busy, graceful, idle, keeper_conns;
};

/*
 * mod_status counts an idle worker only when it belongs to the current
 * generation (one of an older configuration is about to leave), a worker
 * told to finish as "graceful", and everything that is neither starting
 * nor idle as busy, keep-alive included.
 */
static void status_count(struct status_totals *t, const struct status_slot *c)
{
	t->requests += c->requests;
	t->bytes += c->bytes;
	switch (c->state) {
	case SB_EMPTY:
	case SB_STARTING:
		break;
	case SB_IDLE:
		t->idle += c->generation == t->generation;
		break;
	case SB_STOPPING:
		t->graceful++;
		break;
	default:
		t->busy++;
	}
}

/* The number of slots the scoreboard line shows: v->shown, or up to the last used one. */
static size_t status_shown(const struct scoreboard *sb, const struct status_view *v)
{
	size_t n = v->shown < sb->nslots ? v->shown : sb->nslots;

	for (size_t i = sb->nslots; i > n; i--)
		if (sb->slots[i - 1].pid != 0 || sb->slots[i - 1].state != SB_EMPTY)
			return i;
	return n;
}

/* ---- shared pieces ------------------------------------------------------ */

/* Apache's show_time(): "1 day 2 hours 5 seconds", units that are 0 left
 * out, so "" for 0. 96 bytes hold the longest a long can give. */
static void status_uptime_text(long secs, char out[96])
{
	static const struct { long unit; const char *name; } parts[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		long n = secs / parts[i].unit;

		secs %= parts[i].unit;
		if (n)
			len += (size_t)snprintf(out + len, 96 - len, "%s%ld %s%s", len ? " " : "",
						n, parts[i].name, n == 1 ? "" : "s");
	}
}

/* Apache's DEFAULT_TIME_FORMAT, in local time as mod_status prints it. */
static void status_put_time(struct status_buf *b, time_t t)
{
	char text[128];
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    strftime(text, sizeof text, "%A, %d-%b-%Y %H:%M:%S %Z", &tm) == 0)
		snprintf(text, sizeof text, "%lld", (long long)t);
	status_put(b, text, strlen(text));
}

/* ---- ?auto -------------------------------------------------------------- */

/*
 * The fields and order of Apache 2.4 mod_status ?auto for the prefork MPM
 * (modules/generators/mod_status.c, status_handler(), short_report): the
 * server name alone on the first line, then "Key: value" lines. We leave
 * out what we do not measure (Server Built, Total Duration, the CPU lines,
 * DurationPerReq) rather than print made-up numbers; parsers look fields up
 * by name. Our own fields follow the Scoreboard line, where Apache's
 * modules add theirs (status hooks), so no parser meets them first.
 */
static void status_auto(struct status_buf *b, const struct status_view *v,
			const struct sb_global *g, const struct status_totals *t,
			const char *letters)
{
	char up[96];

	status_put_plain(b, v->server_name);
	status_printf(b, "\nServerVersion: %s\nServerMPM: prefork\nCurrentTime: ", v->version);
	status_put_time(b, v->now);
	status_puts(b, "\nRestartTime: ");
	status_put_time(b, g->started);
	status_uptime_text(t->uptime, up);
	/* mod_status's MPM generation counts restarts from 0; its config generation from 1, as ours. */
	status_printf(b, "\nParentServerConfigGeneration: %u\nParentServerMPMGeneration: %u\n"
		      "ServerUptimeSeconds: %ld\nServerUptime:%s%s\n",
		      t->generation, t->generation ? t->generation - 1 : 0, t->uptime,
		      *up ? " " : "", up);
	if (v->have_load)
		status_printf(b, "Load1: %.2f\nLoad5: %.2f\nLoad15: %.2f\n",
			      v->load[0], v->load[1], v->load[2]);
	status_printf(b, "Total Accesses: %" PRIu64 "\nTotal kBytes: %" PRIu64 "\nUptime: %ld\n",
		      t->requests, t->bytes / 1024, t->uptime);
	if (t->uptime > 0)
		status_printf(b, "ReqPerSec: %g\nBytesPerSec: %g\n",
			      (double)t->requests / (double)t->uptime,
			      (double)t->bytes / (double)t->uptime);
	if (t->requests > 0)
		status_printf(b, "BytesPerReq: %g\n", (double)t->bytes / (double)t->requests);
	status_printf(b, "BusyWorkers: %d\nGracefulWorkers: %d\nIdleWorkers: %d\n"
		      "Scoreboard: %s\nConnsKeeper: %d\n",
		      t->busy, t->graceful, t->idle, letters, t->keeper_conns);
}

/* ---- HTML --------------------------------------------------------------- */

static const char status_html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>Server status</title>\n<style>\n"
	"body { font-family: sans-serif; margin: 1em 2em; }\n"
	"table { border-collapse: collapse; }\n"
	"th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: right; }\n"
	"td.t { text-align: left; font-family: monospace; }\n"
	"</style>\n</head>\n<body>\n";

static void status_html_summary(struct status_buf *b, const struct status_view *v,
				const struct sb_global *g, const struct status_totals *t)
{
	char up[96];

	status_puts(b, "<h1>Server status for ");
	status_put_html(b, v->server_name);
	status_puts(b, "</h1>\n<dl>\n<dt>Server version</dt><dd>");
	status_put_html(b, v->version);
	status_puts(b, "</dd>\n<dt>Current time</dt><dd>");
	status_put_time(b, v->now);
	status_puts(b, "</dd>\n<dt>Restart time</dt><dd>");
	status_put_time(b, g->started);
	status_uptime_text(t->uptime, up);
	status_printf(b, "</dd>\n<dt>Configuration generation</dt><dd>%u</dd>\n"
		      "<dt>Uptime</dt><dd>%s</dd>\n", t->generation, *up ? up : "0 seconds");
	status_printf(b, "<dt>Total requests</dt><dd>%" PRIu64 "</dd>\n"
		      "<dt>Total traffic</dt><dd>%" PRIu64 " bytes</dd>\n"
		      "<dt>Workers</dt><dd>%d busy, %d idle, %d finishing</dd>\n"
		      "<dt>Connections held by the keeper</dt><dd>%d</dd>\n</dl>\n",
		      t->requests, t->bytes, t->busy, t->idle, t->graceful, t->keeper_conns);
}

static void status_html_letters(struct status_buf *b, const char *letters)
{
	size_t n = strlen(letters);

	status_puts(b, "<h2>Scoreboard</h2>\n<pre>");
	for (size_t i = 0; i < n; i += STATUS_LINE) {
		status_put(b, letters + i, n - i < STATUS_LINE ? n - i : STATUS_LINE);
		status_puts(b, "\n");
	}
	status_puts(b, "</pre>\n<p>\"<code>_</code>\" waiting for a connection, "
		   "\"<code>S</code>\" starting, \"<code>R</code>\" reading a request, "
		   "\"<code>W</code>\" sending a reply or running a script, "
		   "\"<code>K</code>\" keep-alive, \"<code>G</code>\" finishing, "
		   "\"<code>.</code>\" open slot</p>\n");
}

static const char status_html_table[] =
	"<h2>Workers</h2>\n<table>\n<thead><tr><th>Slot</th><th>PID</th><th>State</th>"
	"<th>Generation</th><th>Requests</th><th>Bytes</th><th>Seconds in state</th>"
	"<th>Request</th></tr></thead>\n<tbody>\n";

/* One worker's row; the request line only while it is serving one. */
static void status_html_row(struct status_buf *b, size_t i, const struct status_slot *c,
			    time_t now)
{
	bool serving = c->state == SB_WRITING || c->state == SB_CGI;
	long secs = c->last_change && now > c->last_change ? (long)(now - c->last_change) : 0;

	status_printf(b, "<tr><td>%zu</td><td>%ld</td><td class=\"t\">%s</td><td>%u</td>"
		      "<td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%ld</td><td class=\"t\">",
		      i, (long)c->pid, scoreboard_state_name(c->state), c->generation,
		      c->requests, c->bytes, secs);
	if (serving)
		status_put_html(b, c->request);
	status_puts(b, "</td></tr>\n");
}

static void status_html(struct status_buf *b, const struct status_view *v,
			const struct sb_global *g, const struct status_totals *t,
			const char *letters, const struct status_buf *rows)
{
	status_put(b, status_html_head, sizeof status_html_head - 1);
	status_html_summary(b, v, g, t);
	status_html_letters(b, letters);
	status_put(b, status_html_table, sizeof status_html_table - 1);
	if (rows->len)
		status_put(b, rows->p, rows->len);
	status_puts(b, "</tbody>\n</table>\n<hr>\n<address>");
	status_put_html(b, v->version);
	status_puts(b, "</address>\n</body>\n</html>\n");
}

/* ---- the page ----------------------------------------------------------- */

/*
 * One pass over the slots: each is copied once, counted, given its letter
 * and (HTML) its row, so the totals above the table add up to the rows.
 * Slots past the shown ones are empty (status_shown), or were taken after
 * it looked: those wait for the next look.
 */
static void status_scan(const struct scoreboard *sb, const struct status_view *v,
			struct status_totals *t, char *letters, struct status_buf *rows)
{
	size_t shown = status_shown(sb, v);
	struct status_slot c;

	for (size_t i = 0; i < shown; i++) {
		status_copy(&sb->slots[i], &c);
		letters[i] = status_letter(c.state);
		if (c.pid == 0 && c.state == SB_EMPTY)
			continue;
		status_count(t, &c);
		if (v->format == STATUS_HTML)
			status_html_row(rows, i, &c, v->now);
	}
	letters[shown] = '\0';
}

int status_render(const struct scoreboard *sb, const struct status_view *v,
		  struct status_buf *out)
{
	const struct sb_global *g = sb->g;
	struct status_totals t = {
		.generation = g->generation,
		.requests = g->requests_gone,
		.bytes = g->bytes_gone,
		.uptime = g->started && v->now > g->started ? (long)(v->now - g->started) : 0,
		.keeper_conns = g->keeper_conns,
	};
	struct status_buf rows = { 0 };
	char *letters = malloc(sb->nslots + 1);

	if (!letters) {
		out->failed = true;
		return -1;
	}
	status_scan(sb, v, &t, letters, &rows);
	if (v->format == STATUS_AUTO)
		status_auto(out, v, g, &t, letters);
	else
		status_html(out, v, g, &t, letters, &rows);
	out->failed |= rows.failed;
	status_buf_free(&rows);
	free(letters);
	if (out->failed)
		errno = ENOMEM;
	return out->failed ? -1 : 0;
}

/* ---- the handler -------------------------------------------------------- */

bool status_wants_auto(const char *query, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *amp = memchr(query + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - query) : len;

		if (end - i == 4 && memcmp(query + i, "auto", 4) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

static void status_view_init(const struct request *rq, struct status_view *v)
{
	const struct conf *cf = rq->site->conf;
	const struct conf_site *cs = rq->site->cs;
	const struct http_request *hr = &rq->hr;

	memset(v, 0, sizeof *v);
	v->format = hr->has_query && status_wants_auto(hr->query.p, hr->query.len)
		    ? STATUS_AUTO : STATUS_HTML;
	v->now = time(NULL);
	v->version = SERVER_SOFTWARE;
	v->server_name = cs->server_name;
	v->shown = (size_t)cf->workers.max;
	/* The load average is optional in Apache's output too; without /proc it is left out. */
	v->have_load = getloadavg(v->load, 3) == 3;
}

static int status_send(struct request *rq, const struct status_view *v)
{
	struct status_buf page = { 0 };
	int r;

	if (status_render(rq->site->sb, v, &page) < 0) {
		status_buf_free(&page);
		return http_error(rq, 500, NULL, "status page: out of memory");
	}
	resp_start(rq, 200);
	resp_header(rq, "Content-Type", "%s", v->format == STATUS_AUTO ?
		    "text/plain; charset=utf-8" : "text/html; charset=utf-8");
	/* Every look must be fresh: a cached copy would show an old pool. */
	resp_header(rq, "Cache-Control", "no-cache");
	resp_end(rq, (int64_t)page.len);
	r = resp_send(rq, page.p, page.len);
	status_buf_free(&page);
	return r;
}

int status_serve(struct request *rq)
{
	const struct conf_site *cs = rq->site->cs;
	enum http_method m = rq->hr.method;
	struct status_view v;

	if (!cs->status.enabled || strcmp(rq->path, cs->status.path) != 0)
		return STATUS_DECLINED;
	/* Who may look is decided before anything else, as Apache's access
	 * checks run before its handler: an outsider learns nothing more. */
	if (!ipmatch_any(cs->status.allow, cs->status.nallow, rq->client_addr))
		return http_error(rq, 403, NULL, "status page: client not in status.allow");
	if (m != HTTP_M_GET && m != HTTP_M_HEAD)
		return http_error(rq, 405, "Allow: GET, HEAD\r\n", "status page: method not allowed");
	if (!rq->site->sb)
		return http_error(rq, 503, NULL, "status page: no scoreboard");
	status_view_init(rq, &v);
	return status_send(rq, &v);
}
