#include "request.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cgi.h"
#include "cgi_io.h"
#include "conf.h"
#include "http_resp.h"
#include "location.h"
#include "log.h"
#include "realip.h"
#include "request_log.h"
#include "scoreboard.h"
#include "static.h"
#include "status.h"
#include "uri.h"
#include "userdir.h"
#include "vhost.h"

int request_ctx_init(struct request_ctx *x, const struct conf *conf)
{
	memset(x, 0, sizeof(*x));
	x->headers = calloc(conf->limits.headers, sizeof(*x->headers));
	/* A normalised path is never longer than the request line it came from. */
	x->path = malloc(conf->limits.request_line + 1);
	/*
	 * The method, path and query an error page answers for, each NUL-ended:
	 * from the request line, or after a local redirect from redirect_buf.
	 */
	x->orig = malloc(conf->limits.request_line + sizeof(x->rq.redirect_buf) + 3);
	/*
	 * Room for every header we write plus a Location as long as the request
	 * line, tripled by %-encoding, or for a CGI script's whole header block.
	 */
	x->out_cap = conf->limits.request_line * 3 + 8192;
	if (x->out_cap < CGI_HEAD_MAX + 8192)
		x->out_cap = CGI_HEAD_MAX + 8192;
	x->out = malloc(x->out_cap);
	if (!x->headers || !x->path || !x->orig || !x->out) {
		request_ctx_free(x);
		return -1;
	}
	return 0;
}

void request_ctx_free(struct request_ctx *x)
{
	free(x->headers);
	free(x->path);
	free(x->orig);
	free(x->out);
	memset(x, 0, sizeof(*x));
}

const char *request_header(const struct request *rq, const char *name, size_t *len)
{
	const struct http_header *h = http_find_header(&rq->hr, name);

	if (!h) {
		*len = 0;
		return NULL;
	}
	*len = h->value.len;
	return h->value.p;
}

int request_discard_body(struct request *rq)
{
	char sink[16384];
	ssize_t n;

	if (body_done(&rq->body))
		return 0;
	/*
	 * The client is waiting for "100 Continue" before it sends a body we do
	 * not want: do not invite it; answer and close instead (RFC 9110 10.1.1).
	 */
	if (!rq->body.continue_sent) {
		rq->conn->c_keepalive = false;
		rq->body.done = true;
		return 0;
	}
	/* timeouts.body bounds each wait and limits.min_body_rate the pace (body.h). */
	while ((n = body_read(&rq->body, sink, sizeof(sink), BODY_WAIT)) > 0)
		;
	if (n == 0)
		return 0;
	rq->conn->c_keepalive = false;
	rq->body.done = true; /* framing is lost: nothing more will be read */
	return (int)-n;
}

static void request_reset(struct request_ctx *x, const struct site *site, struct conn *c)
{
	struct request *rq = &x->rq;

	memset(rq, 0, offsetof(struct request, error_extra)); /* not the buffers (request.h) */
	rq->error_extra[0] = rq->redirect_buf[0] = '\0';
	rq->conn = c;
	rq->site = site;
	rq->slot = x->slot;
	rq->headers = x->headers;
	rq->path = x->path;
	rq->orig = x->orig;
	rq->out = x->out;
	rq->out_cap = x->out_cap;
	rq->hr.content_length = -1;
	rq->hr.major = 1;
	rq->hr.minor = 1;
	rq->when = time(NULL);
	rq->client = c->c_peer;
	rq->client_addr = &c->c_peer_addr;
	rq->client_port = c->c_peer_port;
	request_log_start(rq);
	body_init(&rq->body, c, false, 0, false, 1, site->conf->limits.body);
}

/*
 * real_ip: the client a trusted proxy names in real_ip.header, for this
 * request only (realip.h has the walk and its reasons). The port is the
 * header's when it gave one, else the connection's, as Apache's
 * mod_remoteip keeps it; the proxy's own stays in conn->c_peer*.
 */
static void request_real_ip(struct request *rq)
{
	const struct conf *cf = rq->site->conf;
	struct realip_entry e;
	int port;

	if (!cf->real_ip.header ||
	    !realip_walk(realip_format_of(cf->real_ip.header), cf->real_ip.header,
			 rq->hr.headers, rq->hr.nheaders, cf->real_ip.trusted,
			 cf->real_ip.ntrusted, &rq->conn->c_peer_addr, &e))
		return;
	rq->client_buf = e.addr;
	conn_addr_text(&rq->client_buf, rq->client_text, sizeof(rq->client_text), &port);
	rq->client = rq->client_text;
	rq->client_addr = &rq->client_buf;
	if (e.has_port)
		rq->client_port = port;
}

static void request_state(struct request_ctx *x, int state)
{
	if (x->slot) {
		x->slot->state = state;
		x->slot->last_change = time(NULL);
	}
}

#define REQUEST_READ_HANDOFF (-2)

/* When to stop waiting here and let the keeper wait instead; INT64_MAX: never. */
static int64_t request_handoff_at(const struct request_ctx *x, bool first)
{
	if (!x->can_handoff)
		return INT64_MAX;
	if (conn_retiring == CONN_RETIRE_HANDOFF)
		return 0;
	return conn_now_ms() + (first ? REQUEST_FIRST_GRACE_MS : REQUEST_HANDOFF_GRACE_MS);
}

/*
 * Read until the head is complete. 0 with the head parsed, a status to
 * answer with, -1 to close without answering (idle timeout, client gone,
 * stopping), or REQUEST_READ_HANDOFF with c->c_deadline_ms set.
 */
static int request_read_head(struct request_ctx *x, struct conn *c, bool first)
{
	const struct conf *cf = x->rq.site->conf;
	struct http_limits lim = {
		.request_line = cf->limits.request_line,
		.header_bytes = cf->limits.header_bytes,
		.headers = cf->limits.headers,
	};
	struct http_parser p;
	bool started = c->c_in_len > 0;
	int64_t deadline = conn_now_ms() +
		(first || started ? cf->timeouts.header : cf->timeouts.keepalive) * 1000LL;
	int64_t handoff_at = request_handoff_at(x, first);

	/* Handed back by the keeper: the head's deadline came with it. */
	if (c->c_deadline_ms) {
		deadline = c->c_deadline_ms;
		c->c_deadline_ms = 0;
	}
	http_parse_init(&p, &lim, &x->rq.hr, x->headers);
	request_state(x, started || first ? SB_READING : SB_KEEPALIVE);
	for (;;) {
		ssize_t n;
		if (c->c_in_len > 0) {
			int r = http_parse_request(&p, c->c_in, c->c_in_len, &x->rq.hr);
			if (r != HTTP_PARSE_NEED_MORE)
				return r;
		}
		if (conn_now_ms() >= handoff_at) {
			c->c_deadline_ms = deadline;
			return REQUEST_READ_HANDOFF;
		}
		n = conn_fill(c, deadline < handoff_at ? deadline : handoff_at);
		if (n < 0 && errno == ETIMEDOUT && conn_now_ms() < deadline)
			continue; /* only the grace ran out: hand over at the top */
		if (n == 0 || (n < 0 && errno != ETIMEDOUT))
			return -1;
		if (n < 0)
			return started ? 408 : -1;
		if (!started) {
			/* The header timeout is total, counted from the first byte. */
			started = true;
			x->rq.when = time(NULL);
			request_log_start(&x->rq);
			deadline = conn_now_ms() + cf->timeouts.header * 1000LL;
			request_state(x, SB_READING);
		}
	}
}

/*
 * The request line for the access log, taken before anything (an internal
 * redirect) can rewrite the request: as parsed, or the first line as received.
 */
static void request_line_span(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	const struct conn *c = rq->conn;
	size_t len = 0;

	if (hr->proto.p) {
		rq->line = hr->method_str.p;
		rq->line_len = (size_t)(hr->proto.p + hr->proto.len - hr->method_str.p);
		return;
	}
	while (len < c->c_in_len && len < 1024 && c->c_in[len] != '\n' && c->c_in[len] != '\r')
		len++;
	rq->line = c->c_in;
	rq->line_len = len;
}

const struct conf_pathset *request_set(const struct request *rq)
{
	return rq->set ? rq->set : &rq->site->cs->set;
}

static int request_route_path(struct request *rq);

static int request_route(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	const struct conf *cf = rq->site->conf;

	if (hr->expect_unknown)
		return http_error(rq, 417, NULL, "unsupported expectation");
	if (hr->content_length > cf->limits.body)
		return http_error(rq, 413, NULL, "Content-Length over limits.body");
	if (hr->method == HTTP_M_OTHER || hr->method == HTTP_M_CONNECT)
		return http_error(rq, 501, NULL, "method not implemented");
	if (hr->path.len == 1 && hr->path.p[0] == '*')
		return resp_options(rq, "GET, HEAD, POST, OPTIONS"); /* RFC 9110 9.3.7: the server as a whole */
	return request_route_path(rq);
}

/* A location's redirect = { ... } (location.h builds the target). */
static int request_location_redirect(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	const struct location_req r = { rq->path, rq->path_len, hr->query.p, hr->query.len,
					hr->has_query };
	char base[512], loc[RESP_LOCATION_MAX];

	if (resp_site_url(rq, base, sizeof(base)) < 0 ||
	    location_redirect(rq->loc, base, &r, loc, sizeof(loc)) < 0)
		return http_error(rq, 414, NULL, "redirect location too long");
	return resp_redirect(rq, rq->loc->redirect.status, loc);
}

/* The one "what does this path name" step: a script, or a file. */
static int request_route_path(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	const struct conf *cf = rq->site->conf;
	struct cgi_target t;
	int st;

	st = uri_normalize(hr->path.p, hr->path.len, rq->path, cf->limits.request_line + 1,
			   &rq->path_len);
	if (st != 0)
		return http_error(rq, st, NULL, st == 403 ? "forbidden path (a segment starts with '.', "
				  "as .htaccess or .htpasswd)" : "malformed path");
	/* The path's location: its settings (request_set) for all that follows,
	 * chosen again after a local redirect. */
	rq->loc = location_pick(rq->site->cs->locations, rq->site->cs->nlocations,
				rq->path, rq->path_len);
	rq->set = rq->loc ? &rq->loc->set : NULL;
	/* Before the access rules, as Apache's Redirect (translate_name) and
	 * nginx's return (rewrite phase) both answer before access checks. */
	if (rq->loc && rq->loc->redirect.to)
		return request_location_redirect(rq);
	/* Before every handler, the status page too, and again after a local redirect. */
	if ((st = auth_request(rq)) != AUTH_PASS)
		return st;
	if ((st = userdir_route(rq)) != USERDIR_ROUTE) /* "/~alice/": her site, or a 404 */
		return st;
	if ((st = status_serve(rq)) != STATUS_DECLINED)
		return st;
	st = cgi_resolve(rq, &t);
	if (st == 0)
		return cgi_serve(rq, &t);
	if (st != CGI_NOT_SCRIPT)
		return http_error(rq, st, NULL, st == 404 ? "no such script" : "script not runnable");
	return static_serve(rq);
}

int request_redirect_local(struct request *rq, const char *location, size_t len)
{
	struct http_request *hr = &rq->hr;
	const char *q = memchr(location, '?', len);

	/* An error page answers with its own status; a redirect could loop. */
	if (rq->error_status)
		return http_error(rq, 500, NULL, "an error page script may not redirect locally");
	if (++rq->redirects > REQUEST_MAX_REDIRECTS || len >= sizeof(rq->redirect_buf))
		return http_error(rq, 500, NULL, "too many or too long local redirects");
	memcpy(rq->redirect_buf, location, len);
	/* RFC 3875 6.2.2 makes it a GET; a HEAD stays a HEAD, or a body would follow. */
	hr->method = rq->head_only ? HTTP_M_HEAD : HTTP_M_GET;
	hr->method_str = rq->head_only ? (struct http_str){ "HEAD", 4 } : (struct http_str){ "GET", 3 };
	hr->path = (struct http_str){ rq->redirect_buf, q ? (size_t)(q - location) : len };
	hr->has_query = q != NULL;
	hr->query = q ? (struct http_str){ rq->redirect_buf + (q - location) + 1,
					   len - (size_t)(q - location) - 1 }
		      : (struct http_str){ "", 0 };
	hr->content_length = -1;
	hr->chunked = false;
	return request_route_path(rq);
}

/* ---- error pages (Apache's ErrorDocument) -------------------------------- */

/* Keep the request an error page answers for: its script sees it as REDIRECT_*. */
static void request_keep_orig(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	struct http_str *dst[] = { &rq->orig_method, &rq->orig_path, &rq->orig_query };
	const struct http_str src[] = { hr->method_str, hr->path, hr->query };
	char *p = rq->orig;

	/* Room: the method is from the request line, the path and query from it
	 * or from redirect_buf (request_ctx_init). */
	for (size_t i = 0; i < 3; i++) {
		if (src[i].len)
			memcpy(p, src[i].p, src[i].len);
		p[src[i].len] = '\0';
		*dst[i] = (struct http_str){ p, src[i].len };
		p += src[i].len + 1;
	}
}

/*
 * Run the error page script page for status, as Apache's ErrorDocument: a
 * GET of the page (the original method goes in REDIRECT_REQUEST_METHOD;
 * a HEAD still gets no body), with no request body, answered with the
 * original status (cgi_io keeps it). Whatever goes wrong from here is
 * answered by http_error with the original status and the built-in page.
 */
static int request_error_script(struct request *rq, int status, const char *page)
{
	struct http_request *hr = &rq->hr;
	const struct conf *cf = rq->site->conf;
	size_t len = strlen(page);
	const char *q = memchr(page, '?', len);
	struct cgi_target t;
	int st;

	request_keep_orig(rq);
	rq->error_status = status;
	hr->method = HTTP_M_GET;
	hr->method_str = (struct http_str){ "GET", 3 };
	hr->path = (struct http_str){ page, q ? (size_t)(q - page) : len };
	hr->has_query = q != NULL;
	hr->query = q ? (struct http_str){ q + 1, len - (size_t)(q - page) - 1 } : (struct http_str){ "", 0 };
	hr->content_length = -1;
	hr->chunked = false;
	st = uri_normalize(hr->path.p, hr->path.len, rq->path, cf->limits.request_line + 1,
			   &rq->path_len);
	if (st != 0)
		return http_error(rq, st, NULL, "error page path");
	st = cgi_resolve(rq, &t);
	/* Never a file: a page named as a script that is not one is not sent as text. */
	if (st == CGI_NOT_SCRIPT)
		return http_error(rq, 404, NULL, "error page script does not exist");
	if (st != 0)
		return http_error(rq, st, NULL, "error page script not runnable");
	/* An nph- script writes its own status line: the original could not be kept. */
	if (t.nph)
		return http_error(rq, 500, NULL, "an nph- script cannot be an error page");
	return cgi_serve(rq, &t);
}

/*
 * http_error left the answer here (rq->error_pending): a configured error
 * page. A file is sent; a script is run, unless the request could not be
 * parsed (parsed false: there is no request to describe to it); a script
 * that nothing here runs is never sent, since its text is a program.
 */
static void request_error_page(struct request *rq, bool parsed)
{
	const char *page, *interp;
	int status = rq->error_pending;

	if (!status)
		return;
	page = http_error_page(rq, status);
	switch (cgi_page_kind(rq->site->cs, page, &interp)) {
	case CGI_PAGE_FILE:
		(void)http_error_send(rq, false);
		return;
	case CGI_PAGE_SOURCE:
		log_error(LOG_ERR, "error page %s (status %d) is a script that no handler runs: "
			  "sending the built-in page, never its source", page, status);
		(void)http_error_send(rq, true);
		return;
	case CGI_PAGE_SCRIPT:
		break;
	}
	if (!parsed) {
		(void)http_error_send(rq, true);
		return;
	}
	rq->error_pending = 0;
	(void)request_error_script(rq, status, page);
}

/* The error-log reason for a status from the parser. */
static const char *request_parse_why(int status)
{
	switch (status) {
	case 408: return "timed out reading the request head";
	case 414: return "request line longer than limits.request_line";
	case 431: return "header section over limits.header_bytes or limits.headers";
	case 501: return "unsupported transfer coding or method longer than limits.request_line";
	case 505: return "unsupported HTTP major version";
	default:  return "malformed request";
	}
}

/*
 * A reload happened while this worker waited: the request must see the new
 * configuration (every request after "configuration reloaded" does), so a
 * worker of the new generation serves it.
 */
static bool request_stale(const struct request_ctx *x, const struct site *site)
{
	return x->can_handoff && x->slot && site->sb &&
	       x->slot->generation < site->sb->g->generation;
}

/*
 * Which site answers (issue 9): the one the Host field names, or the
 * absolute-form target's authority, which the parser has already let win
 * (RFC 9112 3.2.2: hr->host is that authority then). No Host (HTTP/1.0),
 * a malformed one, or a head that did not parse (parsed false: nothing in
 * it is to be trusted): the default vhost, else the top level. From here
 * on everything (routing, files, scripts, error pages, the status page,
 * the logs) uses this site.
 */
static const struct site *request_site(const struct site *top, const struct http_request *hr,
				       bool parsed)
{
	char name[VHOST_NAME_MAX];
	int n = 0, v;

	if (!top->vtab)
		return top;
	if (parsed)
		n = vhost_normalize(hr->host.p, hr->host.len, name, sizeof(name));
	v = vhost_lookup(top->vtab, name, n > 0 ? (size_t)n : 0);
	return v == VHOST_TOP ? top : &top->vhosts[v];
}

static void request_use_site(struct request *rq, const struct site *top, bool parsed)
{
	rq->site = request_site(top, &rq->hr, parsed);
	log_set_site(rq->site->index);
}

/* The request's counters on the status page. */
static void request_account(struct request_ctx *x)
{
	if (!x->slot)
		return;
	x->slot->requests++;
	x->slot->bytes += x->rq.body_sent;
}

enum request_next request_serve(struct request_ctx *x, const struct site *site,
				struct conn *c, bool first)
{
	struct request *rq = &x->rq;
	int r;

	conn_compact(c);
	c->c_last = false;
	request_reset(x, site, c);
	r = request_read_head(x, c, first);
	if (r == REQUEST_READ_HANDOFF)
		return REQUEST_HANDOFF;
	if (r < 0)
		return REQUEST_CLOSE;
	if (r == HTTP_PARSE_DONE && request_stale(x, site)) {
		c->c_deadline_ms = conn_now_ms() + site->conf->timeouts.header * 1000LL;
		return REQUEST_HANDOFF;
	}
	request_line_span(rq);
	if (x->slot)
		scoreboard_set_request(x->slot, rq->line, rq->line_len); /* for the status page */
	if (r != HTTP_PARSE_DONE) {
		c->c_keepalive = false;
		/* RFC 9110 9.3.2: a refused HEAD still gets no body, or the
		 * client reads the page as the start of the next response. */
		rq->head_only = rq->hr.method == HTTP_M_HEAD;
		request_use_site(rq, site, false);
		http_error(rq, r, NULL, request_parse_why(r));
		request_error_page(rq, false);
		request_log(rq);
		log_set_site(0);
		return REQUEST_CLOSE;
	}
	c->c_in_pos = rq->hr.head_len;
	request_real_ip(rq); /* before anything reads the client: routing, access, logs */
	/* A worker about to exit keeps the connection when the keeper can take it over. */
	c->c_keepalive = rq->hr.keep_alive && !conn_stopping &&
			 conn_retiring != CONN_RETIRE_CLOSE &&
			 (!x->last || x->can_handoff) &&
			 site->conf->timeouts.keepalive > 0;
	rq->head_only = rq->hr.method == HTTP_M_HEAD;
	body_init(&rq->body, c, rq->hr.chunked, rq->hr.content_length,
		  rq->hr.expect_continue, rq->hr.minor, site->conf->limits.body);
	/* A trailer section is held to the limits of a head, on its own. */
	chunked_limit_trailer(&rq->body.dec, site->conf->limits.header_bytes,
			      site->conf->limits.headers);
	request_state(x, SB_WRITING);
	request_use_site(rq, site, true);
	request_route(rq);
	userdir_done(rq); /* error pages are the site's, never a user directory's */
	request_error_page(rq, true);
	(void)request_discard_body(rq); /* whatever the handler left; closes on failure */
	request_account(x);
	request_log(rq);
	log_set_site(0); /* what the worker logs next is its own, until the next request's site */
	/* The client closes after this one and sent no body: conn_close_quiet. */
	c->c_last = !rq->hr.keep_alive && !rq->hr.chunked && rq->hr.content_length <= 0;
	return c->c_keepalive && !conn_stopping ? REQUEST_NEXT : REQUEST_CLOSE;
}
