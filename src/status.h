/*
 * status — the server status page, like Apache's mod_status: the pool's
 * scoreboard as HTML for people, or (query "auto") as the "Key: value" text
 * of mod_status's ?auto that Munin, collectd and Zabbix already read.
 *
 * Contract: status_render() is pure: it reads a scoreboard (copying each
 * slot once, since workers update theirs while we read) and the view it is
 * given, and writes text into a growable buffer; no I/O (but the time-zone
 * file localtime_r() may load), no clock of its own, no globals. status_serve() is the handler: it answers only the configured
 * status.path, only to clients in status.allow, only GET and HEAD, and
 * declines every other request so the router goes on to scripts and files.
 * The page is allocated per request and freed before status_serve returns:
 * it is an operator's page, rare enough that a per-worker buffer sized for
 * 4096 slots would cost every worker more than it saves.
 */
#ifndef PFHTTPD_STATUS_H
#define PFHTTPD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct request;
struct scoreboard;

/* A growable text buffer. Zero-initialise; free with status_buf_free(). */
struct status_buf {
	char *p;                     /* NUL-terminated while len < cap */
	size_t len, cap;
	bool failed;                 /* an allocation failed: the text is cut short */
};

void status_buf_free(struct status_buf *b);

enum status_format {
	STATUS_HTML,                 /* text/html for people */
	STATUS_AUTO,                 /* text/plain "Key: value" lines, mod_status ?auto */
};

/* What the page shows that does not come from the scoreboard. */
struct status_view {
	enum status_format format;
	time_t now;
	const char *version;         /* "pfhttpd/0.1.0" */
	const char *server_name;     /* conf server_name */
	size_t shown;                /* slots on the scoreboard line (workers.max);
	                                more when a busy slot lies beyond */
	bool have_load;              /* getloadavg() answered */
	double load[3];              /* 1, 5, 15 minutes */
};

/* Append the page to out. 0, or -1 (out of memory; out->failed set). */
int status_render(const struct scoreboard *sb, const struct status_view *v,
		  struct status_buf *out);

/* Apache's scoreboard letter for a state: '_' idle, 'W' writing, '.' empty, ... */
char status_letter(int state);

/* Does the query string carry a parameter named "auto" ("auto", "x=1&auto")? */
bool status_wants_auto(const char *query, size_t len);

/* status_serve() returns this when the request is not for the status page. */
#define STATUS_DECLINED 1

/*
 * Answer rq if its path is status.path and the page is on: 403 for a client
 * outside status.allow, 405 for a method other than GET or HEAD, 503 when
 * the site has no scoreboard, else 200 with the page. Returns
 * STATUS_DECLINED (nothing sent), or 0 / -1 as http_error and resp_send do.
 */
int status_serve(struct request *rq);

#endif
