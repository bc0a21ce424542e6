#include "http_resp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "http_cond.h"
#include "log.h"
#include "mime.h"
#include "request.h"
#include "static.h"

struct reason {
	int status;
	const char *text;
};

/* RFC 9110 15. */
static const struct reason reasons[] = {
	{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
	{ 204, "No Content" }, { 206, "Partial Content" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" }, { 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" }, { 426, "Upgrade Required" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
};

const char *http_reason(int status)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return "Unknown";
}

const char *http_date_now(void)
{
	static time_t cached = -1;
	static char buf[HTTP_DATE_LEN + 1];
	time_t now = time(NULL);

	if (now != cached) {
		http_date_format(now, buf);
		cached = now;
	}
	return buf;
}

static void resp_vadd(struct request *rq, const char *fmt, va_list ap)
{
	size_t room = rq->out_cap - rq->out_len;
	int n = vsnprintf(rq->out + rq->out_len, room, fmt, ap);

	if (n < 0 || (size_t)n >= room)
		rq->out_overflow = true;
	else
		rq->out_len += (size_t)n;
}

/*
 * Append n bytes. The head of every response is built from fixed parts,
 * so it is copied, not formatted: the printf family's 16 calls per 1 KB
 * response were 1.6 % of a worker's CPU samples, 0.1 % copied (perf,
 * issue 8). resp_header keeps a format for the rare value that needs one.
 */
static void resp_put(struct request *rq, const char *p, size_t n)
{
	if (n >= rq->out_cap - rq->out_len) {
		rq->out_overflow = true;
		return;
	}
	memcpy(rq->out + rq->out_len, p, n);
	rq->out_len += n;
}

static void resp_puts(struct request *rq, const char *s)
{
	resp_put(rq, s, strlen(s));
}

/* v in decimal into buf (at least 20 bytes); returns where the digits start. */
static char *resp_u64(uint64_t v, char buf[20])
{
	char *p = buf + 20;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

static void resp_put_u64(struct request *rq, uint64_t v)
{
	char buf[20], *p = resp_u64(v, buf);

	resp_put(rq, p, (size_t)(buf + sizeof(buf) - p));
}

/* The end of the Date line and the Server line, a constant (server_tokens picks one of two). */
#define SERVER_LINE(product) "\r\nServer: " product "\r\n"

void resp_start_reason(struct request *rq, int status, const char *reason, size_t len)
{
	if (!reason || len == 0) {
		reason = http_reason(status);
		len = strlen(reason);
	}
	rq->out_len = 0;
	rq->out_overflow = false;
	rq->status = status;
	resp_put(rq, "HTTP/1.1 ", 9);
	resp_put_u64(rq, (uint64_t)(status < 0 ? 0 : status));
	resp_put(rq, " ", 1);
	resp_put(rq, reason, len);
	resp_put(rq, "\r\nDate: ", 8);
	resp_put(rq, http_date_now(), HTTP_DATE_LEN);
	if (rq->site->conf->server_tokens)
		resp_put(rq, SERVER_LINE(SERVER_SOFTWARE), sizeof(SERVER_LINE(SERVER_SOFTWARE)) - 1);
	else
		resp_put(rq, SERVER_LINE(SERVER_NAME_ONLY), sizeof(SERVER_LINE(SERVER_NAME_ONLY)) - 1);
}

const char *resp_server_software(const struct request *rq)
{
	return rq->site->conf->server_tokens ? SERVER_SOFTWARE : SERVER_NAME_ONLY;
}

void resp_start(struct request *rq, int status)
{
	resp_start_reason(rq, status, NULL, 0);
}

void resp_header(struct request *rq, const char *name, const char *fmt, ...)
{
	va_list ap;

	resp_puts(rq, name);
	resp_put(rq, ": ", 2);
	va_start(ap, fmt);
	resp_vadd(rq, fmt, ap);
	va_end(ap);
	resp_put(rq, "\r\n", 2);
}

void resp_header_str(struct request *rq, const char *name, const char *value)
{
	resp_puts(rq, name);
	resp_put(rq, ": ", 2);
	resp_puts(rq, value);
	resp_put(rq, "\r\n", 2);
}

void resp_field(struct request *rq, struct http_str name, struct http_str value)
{
	resp_put(rq, name.p, name.len);
	resp_put(rq, ": ", 2);
	resp_put(rq, value.p, value.len);
	resp_put(rq, "\r\n", 2);
}

/* Does the head built so far (its first own_end bytes) have a field named name[0..len)? */
static bool resp_has_field(const struct request *rq, size_t own_end, const char *name, size_t len)
{
	const char *p = rq->out, *end = rq->out + own_end;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		if ((size_t)(end - p) > len && p[len] == ':' && strncasecmp(p, name, len) == 0)
			return true;
	}
	return false;
}

/*
 * The path's configured fields (headers = [ ... ]: Apache's "Header
 * always set", nginx's "add_header ... always": error responses too),
 * stored as "Name: value" (conf_keys.c). A field the response already
 * carries wins: a CGI script's own (it knows its page best: a script that
 * sends its own Cache-Control or Content-Security-Policy keeps it), or the
 * server's (Content-Type, ETag, Location). Only what the handler built
 * counts, so two configured fields of one name (two Link fields) are both
 * sent. No allocation, no formatting: the head is scanned only when the
 * path has fields configured.
 */
static void resp_path_fields(struct request *rq)
{
	const struct conf_pathset *set = request_set(rq);
	size_t own_end = rq->out_len;

	for (size_t i = 0; i < set->nheaders; i++) {
		const char *f = set->headers[i];
		size_t nlen = strcspn(f, ":");

		if (resp_has_field(rq, own_end, f, nlen))
			continue;
		/* Stored "Name: value" or "Name:value" (conf_keys.c): sent with one space. */
		resp_put(rq, f, nlen);
		resp_put(rq, ": ", 2);
		resp_puts(rq, f + nlen + 1 + (f[nlen + 1] == ' '));
		resp_put(rq, "\r\n", 2);
	}
}

void resp_content_type(struct request *rq, const char *type)
{
	const char *cs = request_set(rq)->charset;
	bool textual;
	size_t len;

	/* The table's own "; charset=utf-8" is the default: the hot path copies it as it is. */
	if (!cs || strcmp(cs, "utf-8") == 0) {
		resp_header_str(rq, "Content-Type", type);
		return;
	}
	len = mime_type_len(type, &textual);
	resp_put(rq, "Content-Type: ", 14);
	resp_put(rq, type, len);
	if (textual && *cs) {
		resp_put(rq, "; charset=", 10);
		resp_puts(rq, cs);
	}
	resp_put(rq, "\r\n", 2);
}

void resp_end(struct request *rq, int64_t content_length)
{
	resp_path_fields(rq);
	if (content_length >= 0) {
		resp_put(rq, "Content-Length: ", 16);
		resp_put_u64(rq, (uint64_t)content_length);
		resp_put(rq, "\r\n", 2);
	}
	if (!rq->conn->c_keepalive)
		resp_puts(rq, "Connection: close\r\n");
	else if (rq->hr.minor == 0)
		resp_puts(rq, "Connection: keep-alive\r\n"); /* HTTP/1.0 is not persistent unless told */
	resp_put(rq, "\r\n", 2);
}

int resp_send(struct request *rq, const void *body, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = rq->out, .iov_len = rq->out_len },
		{ .iov_base = (void *)body, .iov_len = rq->head_only ? 0 : len },
	};
	const struct conf *cf = rq->site->conf;

	if (rq->out_overflow) {
		log_error(LOG_ERR, "[client %s] response head too large for status %d",
			  rq->client, rq->status);
		rq->conn->c_keepalive = false;
		return -1;
	}
	if (conn_writev(rq->conn, iov, iov[1].iov_len ? 2 : 1, cf->timeouts.send) < 0) {
		rq->conn->c_keepalive = false;
		return -1;
	}
	rq->body_sent += iov[1].iov_len ? len : 0;
	return 0;
}

int resp_site_url(const struct request *rq, char *buf, size_t cap)
{
	const struct conf_site *cs = rq->site->cs;
	const struct http_request *hr = &rq->hr;
	int n;

	if (hr->host.len > 0 && rq->site->index == 0)
		n = snprintf(buf, cap, "http://%.*s", (int)hr->host.len, hr->host.p);
	else if (rq->conn->c_local_port != 80)
		n = snprintf(buf, cap, "http://%s:%d", cs->server_name, rq->conn->c_local_port);
	else
		n = snprintf(buf, cap, "http://%s", cs->server_name);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

bool resp_html_escape(char *dst, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
				  *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
		size_t n = rep ? strlen(rep) : 1;

		if (o + n >= cap) {
			dst[o] = '\0';
			return false;
		}
		memcpy(dst + o, rep ? rep : s, n);
		o += n;
	}
	dst[o] = '\0';
	return true;
}

int resp_redirect(struct request *rq, int status, const char *loc)
{
	/* Each character of loc becomes at most 6 ("&quot;"). */
	char href[RESP_LOCATION_MAX * 6], html[sizeof(href) + 512];
	const char *reason = http_reason(status);
	int len;

	(void)request_discard_body(rq); /* on failure it closes the connection */
	/* The query is the client's: in HTML it must stay text (reflected XSS otherwise). */
	if (!resp_html_escape(href, sizeof(href), loc))
		return http_error(rq, 414, NULL, "redirect location too long");
	len = snprintf(html, sizeof(html),
		       "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n"
		       "<body><h1>%s</h1>\n<p>The document has moved <a href=\"%s\">here</a>.</p>\n"
		       "</body></html>\n", status, reason, reason, href);
	if (len < 0 || (size_t)len >= sizeof(html))
		return http_error(rq, 414, NULL, "redirect location too long");
	resp_start(rq, status);
	resp_header(rq, "Location", "%s", loc);
	resp_header(rq, "Content-Type", "text/html; charset=utf-8");
	resp_end(rq, len);
	return resp_send(rq, html, (size_t)len);
}

int resp_options(struct request *rq, const char *allow)
{
	int r = request_discard_body(rq);

	if (r != 0)
		return http_error(rq, r, NULL, "reading the request body");
	resp_start(rq, 200);
	resp_header(rq, "Allow", "%s", allow);
	resp_end(rq, 0);
	return resp_send(rq, NULL, 0);
}

/*
 * Statuses after which the connection is never reused: framing may be lost,
 * or (417) the client is waiting to send a body we will not read.
 */
static bool http_error_closes(int status)
{
	switch (status) {
	case 400: case 408: case 411: case 413: case 414: case 417: case 431:
	case 500: case 501: case 505:
		return true;
	default:
		return false;
	}
}

static const char *http_error_text(int status)
{
	switch (status) {
	case 400: return "Your browser sent a request that this server could not understand.";
	case 403: return "You don't have permission to access this resource.";
	case 404: return "The requested URL was not found on this server.";
	case 405: return "The requested method is not allowed for this resource.";
	case 408: return "The server timed out waiting for the request.";
	case 412: return "A precondition of the request was not met.";
	case 413: return "The request content is larger than this server accepts.";
	case 414: return "The request URI is longer than this server accepts.";
	case 416: return "The requested range is not satisfiable.";
	case 417: return "The expectation given in the Expect header cannot be met.";
	case 431: return "The request header fields are larger than this server accepts.";
	case 501: return "The server does not support the requested method or transfer coding.";
	case 502: return "The gateway received an invalid response.";
	case 504: return "The gateway did not receive a timely response.";
	case 505: return "The server does not support the HTTP major version of the request.";
	default:  return "The server could not complete the request.";
	}
}

/* The configured error_pages path for status, or NULL. */
const char *http_error_page(const struct request *rq, int status)
{
	const struct conf_site *cs = rq->site->cs;

	for (size_t i = 0; i < cs->nerror_pages; i++)
		if (cs->error_pages[i].status == status)
			return cs->error_pages[i].path;
	return NULL;
}

/* The configured error page file for status, opened below document_root, or -1. */
static int http_error_page_open(const struct request *rq, int status, struct stat *st)
{
	const char *page = http_error_page(rq, status);
	int fd;

	if (!page)
		return -1;
	fd = static_open(rq->site, page + 1, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode))
		return fd;
	close(fd);
	return -1;
}

/*
 * A server fault is an error. A request that breaks the protocol (400,
 * 408, 411, 413, 414, 417, 431, 501, 505) is a notice, so it shows at the
 * default log_level: the administrator of a server under attack or behind a
 * broken client wants to see it. An ordinary client miss (403, 404, 405,
 * 412, 416) is info, as in Apache and nginx, or every crawler would fill
 * the log.
 */
static enum log_level http_error_level(int status)
{
	switch (status) {
	case 403: case 404: case 405: case 410: case 412: case 416:
		return LOG_INFO;
	default:
		return status >= 500 && status != 501 && status != 505 ? LOG_ERR : LOG_NOTICE;
	}
}

static void http_error_log(const struct request *rq, int status, const char *why)
{
	const struct http_request *hr = &rq->hr;
	char target[256];
	/* The target is the client's bytes: escaped as every logged client text is. */
	size_t n = log_escape(target, sizeof(target) - 1, hr->target.p, hr->target.len, NULL);

	target[n] = '\0';
	log_error(http_error_level(status), "[client %s:%d] %d %s: %s%s%s",
		  rq->client, rq->client_port, status, http_reason(status),
		  why, n ? ", target " : "", target);
}

/* Send the error page file for status, or -1 (nothing sent) when it cannot be opened. */
static int http_error_file(struct request *rq, int status, const char *extra)
{
	struct stat st;
	int fd = http_error_page_open(rq, status, &st), ret;

	if (fd < 0)
		return -1;
	resp_start(rq, status);
	if (extra)
		resp_puts(rq, extra);
	/* The page is one of the site's files: its charset is the path's (RFC 9110 8.3.2). */
	resp_content_type(rq, "text/html; charset=utf-8");
	resp_end(rq, (int64_t)st.st_size);
	ret = resp_send(rq, NULL, 0);
	if (ret == 0 && !rq->head_only) {
		ret = conn_sendfile(rq->conn, fd, 0, (uint64_t)st.st_size,
				    rq->site->conf->timeouts.send);
		if (ret == 0)
			rq->body_sent += (uint64_t)st.st_size;
	}
	close(fd);
	if (ret < 0)
		rq->conn->c_keepalive = false;
	return ret < 0 ? -2 : 0;
}

static int http_error_builtin(struct request *rq, int status, const char *extra)
{
	char html[768];
	int len;

	resp_start(rq, status);
	if (extra)
		resp_puts(rq, extra);
	len = snprintf(html, sizeof(html),
		       "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n"
		       "<body><h1>%s</h1>\n<p>%s</p>\n<hr><address>%s</address></body></html>\n",
		       status, http_reason(status), http_reason(status),
		       http_error_text(status), resp_server_software(rq));
	resp_header_str(rq, "Content-Type", "text/html; charset=utf-8");
	resp_end(rq, len);
	return resp_send(rq, html, (size_t)len);
}

/*
 * A configured error page is the router's to serve (it may be a script,
 * and only the router knows what a path names): keep what the answer
 * needs and tell it so. The extra lines are copied, since they may live on
 * the caller's stack; lines too long to keep (never, with the callers we
 * have) get the built-in page rather than being cut.
 */
static bool http_error_defer(struct request *rq, int status, const char *extra)
{
	size_t elen = extra ? strlen(extra) : 0;

	if (rq->error_status || !http_error_page(rq, status) || elen >= sizeof(rq->error_extra))
		return false;
	memcpy(rq->error_extra, extra ? extra : "", elen + 1);
	rq->error_pending = status;
	rq->status = status;
	return true;
}

int http_error(struct request *rq, int status, const char *extra, const char *why)
{
	http_error_log(rq, status, why);
	if (http_error_closes(status)) {
		rq->conn->c_keepalive = false;
		rq->body.done = true; /* the connection ends here: read no more of it */
	} else {
		(void)request_discard_body(rq); /* on failure it closes the connection */
	}
	/*
	 * An error while an error page script answers: as Apache's ap_die, the
	 * client gets the original status with the built-in page, and no second
	 * error page (which could fail again, and again).
	 */
	if (rq->error_status) {
		log_error(LOG_ERR, "[client %s:%d] the error page for status %d failed (%d): "
			  "sending the built-in page", rq->client, rq->client_port,
			  rq->error_status, status);
		return http_error_builtin(rq, rq->error_status, rq->error_extra[0] ? rq->error_extra : NULL);
	}
	if (http_error_defer(rq, status, extra))
		return 0;
	return http_error_builtin(rq, status, extra);
}

int http_error_send(struct request *rq, bool builtin)
{
	int status = rq->error_pending;
	const char *extra = rq->error_extra[0] ? rq->error_extra : NULL;
	int ret = -1;

	rq->error_pending = 0;
	if (!builtin)
		ret = http_error_file(rq, status, extra);
	if (ret == -1)
		ret = http_error_builtin(rq, status, extra);
	return ret < 0 ? -1 : 0;
}

void resp_error_extra(struct request *rq)
{
	if (rq->error_extra[0])
		resp_puts(rq, rq->error_extra);
}
