#include "request_log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "logfmt.h"
#include "request.h"

static int64_t request_log_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void request_log_start(struct request *rq)
{
	/* A clock read per request only when some format shows the time taken. */
	if (log_access_needs_any() & LOGFMT_NEED_USEC)
		rq->start_us = request_log_us();
}

/* The lookup's state: the request, and room for a number it formats. */
struct request_log_ctx {
	const struct request *rq;
	char num[24];
};

/*
 * A field of the response head in rq->out (the last head built: what was
 * sent, an error page's included), as Apache's %{X}o reads r->headers_out:
 * the first one of that name, its value without the surrounding spaces.
 */
static const char *request_log_out(const struct request *rq, const char *name, size_t *len)
{
	const char *p = rq->out, *end = rq->out + rq->out_len;
	size_t nlen = strlen(name);

	if (rq->out_len < 5 || memcmp(p, "HTTP/", 5) != 0)
		return NULL;
	while ((p = memchr(p, '\n', (size_t)(end - p))) && ++p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *v;
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p), vl;

		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break; /* the end of the head */
		if (ll <= nlen || p[nlen] != ':' || strncasecmp(p, name, nlen) != 0)
			continue;
		v = p + nlen + 1;
		vl = ll - nlen - 1;
		for (; vl && (*v == ' ' || *v == '\t'); v++, vl--)
			;
		for (; vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'); vl--)
			;
		*len = vl;
		return v;
	}
	return NULL;
}

static const char *request_log_num(struct request_log_ctx *x, int v, size_t *len)
{
	*len = (size_t)snprintf(x->num, sizeof(x->num), "%d", v);
	return x->num;
}

/* The path's cgi_env entry ("NAME=value") for name, as the script got it. */
static const char *request_log_setenv(const struct request *rq, const char *name, size_t *len)
{
	const struct conf_pathset *set = request_set(rq);
	size_t nlen = strlen(name);

	for (size_t i = 0; i < set->ncgi_env; i++)
		if (strncmp(set->cgi_env[i], name, nlen) == 0 && set->cgi_env[i][nlen] == '=') {
			*len = strlen(set->cgi_env[i] + nlen + 1);
			return set->cgi_env[i] + nlen + 1;
		}
	return NULL;
}

static const char *request_log_str(const char *s, size_t *len)
{
	*len = s ? strlen(s) : 0;
	return s;
}

static const char *request_log_http(struct http_str s, size_t *len)
{
	*len = s.len;
	return s.p;
}

/*
 * SERVER_NAME as cgi_env.c gives it (RFC 3875 4.1.14): a vhost's own name,
 * else the Host field's host part, else server_name.
 */
static const char *request_log_server_name(const struct request *rq, size_t *len)
{
	struct http_str h = rq->hr.host;
	const char *end;

	if (h.len == 0 || rq->site->index != 0)
		return request_log_str(rq->site->cs->server_name, len);
	end = memchr(h.p, h.p[0] == '[' ? ']' : ':', h.len);
	*len = end ? (size_t)(end - h.p) + (h.p[0] == '[') : h.len;
	return h.p;
}

/* %{X}e: a CGI variable of this request (request_log.h lists them). */
static const char *request_log_env(struct request_log_ctx *x, const char *name, size_t *len)
{
	const struct request *rq = x->rq;
	const struct http_request *hr = &rq->hr;

	if (strcmp(name, "REMOTE_ADDR") == 0)
		return request_log_str(rq->client, len);
	if (strcmp(name, "REMOTE_PORT") == 0)
		return request_log_num(x, rq->client_port, len);
	if (strcmp(name, "REMOTE_USER") == 0)
		return request_log_str(rq->auth_user, len);
	if (strcmp(name, "AUTH_TYPE") == 0)
		return request_log_str(rq->auth_user ? "Basic" : NULL, len);
	if (strcmp(name, "SERVER_NAME") == 0)
		return request_log_server_name(rq, len);
	if (strcmp(name, "SERVER_PORT") == 0)
		return request_log_num(x, rq->conn->c_local_port, len);
	if (strcmp(name, "SERVER_SOFTWARE") == 0)
		return request_log_str("pfhttpd/" PFHTTPD_VERSION, len);
	if (strcmp(name, "DOCUMENT_ROOT") == 0)
		return request_log_str(rq->site->cs->document_root, len);
	if (!hr->method_str.p)
		return NULL; /* the head did not parse: no request to describe */
	if (strcmp(name, "SERVER_PROTOCOL") == 0)
		return request_log_http(hr->proto, len);
	if (strcmp(name, "REQUEST_METHOD") == 0)
		return request_log_http(hr->method_str, len);
	if (strcmp(name, "QUERY_STRING") == 0)
		return request_log_http(hr->query.p ? hr->query : (struct http_str){ "", 0 }, len);
	if (strcmp(name, "REQUEST_URI") == 0)
		/* The path and query are one span of the request line, or of redirect_buf. */
		return request_log_http((struct http_str){ hr->path.p, hr->has_query ?
			(size_t)(hr->query.p + hr->query.len - hr->path.p) : hr->path.len }, len);
	return request_log_setenv(rq, name, len);
}

static const char *request_log_lookup(void *ctx, char kind, const char *name, size_t *len)
{
	struct request_log_ctx *x = ctx;
	const struct http_header *h;

	*len = 0;
	switch (kind) {
	case 'i':
		h = http_find_header(&x->rq->hr, name);
		return h ? request_log_http(h->value, len) : NULL;
	case 'o':
		return request_log_out(x->rq, name, len);
	default:
		return request_log_env(x, name, len);
	}
}

void request_log(const struct request *rq)
{
	unsigned needs = log_access_needs();
	struct request_log_ctx x = { .rq = rq };
	struct log_access_rec r = {
		.client = rq->client,
		.when = rq->when,
		.status = rq->status ? rq->status : REQUEST_LOG_NO_RESPONSE,
		.bytes = rq->body_sent,
		.request_line = rq->line,
		.request_line_len = rq->line_len,
		.user = rq->auth_user,
		.server_name = rq->site->cs->server_name,
		.port = rq->conn->c_local_port,
		.client_port = rq->client_port,
	};

	r.referer = request_header(rq, "Referer", &r.referer_len);
	r.user_agent = request_header(rq, "User-Agent", &r.user_agent_len);
	if ((needs & LOGFMT_NEED_USEC) && rq->start_us) {
		int64_t d = request_log_us() - rq->start_us;
		r.usec = d > 0 ? (uint64_t)d : 0;
	}
	if (needs & LOGFMT_NEED_PID)
		r.pid = (int)getpid();
	if (needs & LOGFMT_NEED_LOOKUP) {
		r.lookup = request_log_lookup;
		r.ctx = &x;
	}
	log_access(&r);
}
