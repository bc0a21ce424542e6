#include "static.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgi.h"
#include "conf.h"
#include "conn.h"
#include "http_cond.h"
#include "http_resp.h"
#include "log.h"
#include "mime.h"
#include "request.h"
#include "uri.h"

#define STATIC_METHODS "GET, HEAD, OPTIONS"

/*
 * Without openat2 (old kernels, strict seccomp filters): resolve the whole
 * name and check it is still below the root. Racy against a local user
 * swapping symlinks, which openat2's RESOLVE_BENEATH is not.
 */
static int static_open_fallback(const char *root, const char *rel, int flags)
{
	size_t rlen = strlen(root);
	char joined[PATH_MAX], *real;
	int fd = -1;

	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", root, rel) >= sizeof(joined)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	real = realpath(joined, NULL);
	if (!real)
		return -1;
	if (strncmp(real, root, rlen) != 0 || (real[rlen] != '/' && real[rlen] != '\0'))
		errno = EXDEV;
	else
		fd = open(real, flags | O_CLOEXEC | O_NOCTTY);
	free(real);
	return fd;
}

int static_open_beneath(int dirfd, const char *dir, const char *rel, int flags)
{
	/* openat2 refuses O_PATH combined with anything but a few flags. */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY)),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (*rel == '\0')
		rel = ".";
	fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		return static_open_fallback(dir, rel, flags);
	return fd;
}

int static_open(const struct site *s, const char *rel, int flags)
{
	return static_open_beneath(s->root_fd, s->conf->document_root, rel, flags);
}

static int static_open_error(struct request *rq)
{
	switch (errno) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return http_error(rq, 404, NULL, "file does not exist");
	case EACCES:
	case EPERM:
		return http_error(rq, 403, NULL, "permission denied by the file system");
	case EXDEV:
	case ELOOP:
		return http_error(rq, 403, NULL, "path resolves outside document_root");
	default:
		log_error(LOG_ERR, "open '%s': %s", rq->path, strerror(errno));
		return http_error(rq, 500, NULL, "cannot open file");
	}
}

/* Copy s into dst (capacity cap) with the five HTML specials escaped. false if it does not fit. */
static bool static_html_escape(char *dst, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
				  *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
		size_t n = rep ? strlen(rep) : 1;
		if (o + n >= cap)
			return false;
		memcpy(dst + o, rep ? rep : s, n);
		o += n;
	}
	dst[o] = '\0';
	return true;
}

/* RFC 9110 15.4.2: a directory asked for without its slash moves to the URL with one. */
static int static_redirect_dir(struct request *rq)
{
	const struct conf *cf = rq->site->conf;
	const struct http_request *hr = &rq->hr;
	char loc[PATH_MAX * 3 + 512], href[sizeof(loc) * 6], html[sizeof(href) + 256];
	int n, len;
	long pl;

	if (hr->host.len > 0)
		n = snprintf(loc, sizeof(loc), "http://%.*s", (int)hr->host.len, hr->host.p);
	else if (rq->conn->c_local_port != 80)
		n = snprintf(loc, sizeof(loc), "http://%s:%d", cf->server_name, rq->conn->c_local_port);
	else
		n = snprintf(loc, sizeof(loc), "http://%s", cf->server_name);
	pl = uri_pct_encode_path(loc, sizeof(loc) - 2, rq->path, rq->path_len);
	if (n < 0 || (size_t)n >= sizeof(loc) || pl < 0 ||
	    (hr->has_query && (size_t)pl + 2 + hr->query.len >= sizeof(loc)))
		return http_error(rq, 414, NULL, "redirect location too long");
	n = (int)pl;
	loc[n++] = '/';
	if (hr->has_query) {
		loc[n++] = '?';
		memcpy(loc + n, hr->query.p, hr->query.len);
		n += (int)hr->query.len;
	}
	loc[n] = '\0';
	(void)request_discard_body(rq); /* on failure it closes the connection */
	/* The query is the client's: in HTML it must stay text (reflected XSS otherwise). */
	static_html_escape(href, sizeof(href), loc);
	len = snprintf(html, sizeof(html),
		       "<!DOCTYPE html>\n<html><head><title>301 Moved Permanently</title></head>\n"
		       "<body><h1>Moved Permanently</h1>\n<p>The document has moved <a href=\"%s\">here</a>.</p>\n"
		       "</body></html>\n", href);
	resp_start(rq, 301);
	resp_header(rq, "Location", "%s", loc);
	resp_header(rq, "Content-Type", "text/html; charset=utf-8");
	resp_end(rq, len);
	return resp_send(rq, html, (size_t)len);
}

/* Try each index name in the directory rq->path names. An fd, or -1 if none. */
static int static_open_index(struct request *rq, struct stat *st, const char **name)
{
	const struct conf *cf = rq->site->conf;
	char rel[PATH_MAX];

	for (size_t i = 0; i < cf->nindex; i++) {
		int fd;
		if ((size_t)snprintf(rel, sizeof(rel), "%s%s", rq->path + 1, cf->index[i]) >= sizeof(rel))
			continue;
		fd = static_open(rq->site, rel, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (fstat(fd, st) == 0 && S_ISREG(st->st_mode)) {
			*name = cf->index[i];
			return fd;
		}
		close(fd);
	}
	return -1;
}

/* The conditional and range fields, each possibly joined into a buffer of its own. */
enum { STATIC_COND_FIELDS = 6 };

struct static_cond_bufs {
	char *joined[STATIC_COND_FIELDS];
};

/*
 * The value of every field called name, as one value: RFC 9110 5.3 makes
 * repeated field lines one field whose members are joined by commas. For an
 * entity-tag list (If-Match, If-None-Match) that is the list the client
 * meant. For the single-member fields it yields a value of more than one
 * member, which is invalid: If-Modified-Since and If-Unmodified-Since are
 * then ignored (RFC 9110 13.1.3, 13.1.4: never a 304 or a 412 for two
 * dates), a repeated If-Range does not hold and a repeated Range is not one
 * valid range, so the whole representation is sent. *joined is set to a
 * buffer the caller frees when the lines had to be joined. 0, or -1 when
 * there is no memory for it.
 */
static int static_field(const struct request *rq, const char *name, const char **val,
			size_t *len, char **joined)
{
	const struct http_request *hr = &rq->hr;
	size_t n = 0, total = 0, o = 0;

	*val = request_header(rq, name, len);
	for (size_t i = 0; i < hr->nheaders; i++)
		if (http_str_eq(hr->headers[i].name, name)) {
			n++;
			total += hr->headers[i].value.len + 2;
		}
	if (n < 2)
		return 0;
	if ((*joined = malloc(total)) == NULL)
		return -1;
	for (size_t i = 0; i < hr->nheaders; i++) {
		if (!http_str_eq(hr->headers[i].name, name))
			continue;
		if (o > 0) {
			memcpy(*joined + o, ", ", 2);
			o += 2;
		}
		memcpy(*joined + o, hr->headers[i].value.p, hr->headers[i].value.len);
		o += hr->headers[i].value.len;
	}
	*val = *joined;
	*len = o;
	return 0;
}

static void static_cond_free(struct static_cond_bufs *b)
{
	for (size_t i = 0; i < STATIC_COND_FIELDS; i++)
		free(b->joined[i]);
}

static int static_cond_fields(const struct request *rq, struct http_cond_req *cr,
			      struct static_cond_bufs *b)
{
	int r = 0;

	memset(cr, 0, sizeof(*cr));
	memset(b, 0, sizeof(*b));
	r |= static_field(rq, "If-Match", &cr->if_match, &cr->if_match_len, &b->joined[0]);
	r |= static_field(rq, "If-None-Match", &cr->if_none_match, &cr->if_none_match_len,
			  &b->joined[1]);
	r |= static_field(rq, "If-Modified-Since", &cr->if_modified_since,
			  &cr->if_modified_since_len, &b->joined[2]);
	r |= static_field(rq, "If-Unmodified-Since", &cr->if_unmodified_since,
			  &cr->if_unmodified_since_len, &b->joined[3]);
	r |= static_field(rq, "If-Range", &cr->if_range, &cr->if_range_len, &b->joined[4]);
	r |= static_field(rq, "Range", &cr->range, &cr->range_len, &b->joined[5]);
	cr->get_or_head = rq->hr.method == HTTP_M_GET || rq->hr.method == HTTP_M_HEAD;
	return r;
}

/* Evaluate the request's conditionals and range against the file (RFC 9110 13.2.2). 0 or -1. */
static int static_cond(const struct request *rq, const struct http_cond_rep *rep,
		       struct http_cond_result *res)
{
	struct static_cond_bufs b;
	struct http_cond_req cr;
	int r = static_cond_fields(rq, &cr, &b);

	if (r == 0)
		http_cond_evaluate(&cr, rep, res);
	static_cond_free(&b);
	return r;
}

static int static_send_file(struct request *rq, int fd, const struct stat *st, const char *name)
{
	char etag[HTTP_ETAG_MAX], lastmod[HTTP_DATE_LEN + 1], range[96];
	struct http_cond_rep rep;
	struct http_cond_result res;
	uint64_t first = 0, len = (uint64_t)st->st_size;

	http_etag_make((uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		       etag, sizeof(etag));
	http_date_format(st->st_mtim.tv_sec, lastmod);
	rep = (struct http_cond_rep){ .etag = etag, .mtime = st->st_mtim.tv_sec,
				      .size = (uint64_t)st->st_size };
	if (static_cond(rq, &rep, &res) < 0)
		return http_error(rq, 500, NULL, "out of memory joining conditional fields");

	if (res.status == 412)
		return http_error(rq, 412, NULL, "precondition failed");
	if (res.status == 416) {
		snprintf(range, sizeof(range), "Content-Range: bytes */%llu\r\n",
			 (unsigned long long)st->st_size);
		return http_error(rq, 416, range, "range not satisfiable");
	}
	resp_start(rq, res.status);
	resp_header(rq, "Last-Modified", "%s", lastmod);
	resp_header(rq, "ETag", "%s", etag);
	if (res.status == 304) {
		resp_end(rq, -1); /* RFC 9110 15.4.5: no content, and no Content-Length needed */
		return resp_send(rq, NULL, 0);
	}
	resp_header(rq, "Content-Type", "%s", mime_lookup(rq->site->mime, name, strlen(name)));
	resp_header(rq, "Accept-Ranges", "bytes");
	if (res.status == 206) {
		first = res.first;
		len = res.last - res.first + 1;
		resp_header(rq, "Content-Range", "bytes %llu-%llu/%llu",
			    (unsigned long long)res.first, (unsigned long long)res.last,
			    (unsigned long long)st->st_size);
	}
	resp_end(rq, (int64_t)len);
	if (resp_send(rq, NULL, 0) < 0)
		return -1;
	if (rq->head_only || len == 0)
		return 0;
	if (conn_sendfile(rq->conn, fd, (off_t)first, len, rq->site->conf->timeouts.send) < 0) {
		rq->conn->c_keepalive = false;
		return -1;
	}
	rq->body_sent += len;
	return 0;
}

static int static_answer(struct request *rq, int fd, const struct stat *st, const char *name)
{
	int r;

	switch (rq->hr.method) {
	case HTTP_M_GET:
	case HTTP_M_HEAD:
		if ((r = request_discard_body(rq)) != 0)
			return http_error(rq, r, NULL, "reading the request body");
		return static_send_file(rq, fd, st, name);
	case HTTP_M_OPTIONS:
		return resp_options(rq, STATIC_METHODS);
	default:
		return http_error(rq, 405, "Allow: " STATIC_METHODS "\r\n",
				  "method not allowed for a static file");
	}
}

int static_serve(struct request *rq)
{
	struct stat st;
	const char *name = rq->path;
	int fd, ifd, ret;

	fd = static_open(rq->site, rq->path + 1, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return static_open_error(rq);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return http_error(rq, 500, NULL, "fstat failed");
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (rq->path[rq->path_len - 1] != '/')
			return static_redirect_dir(rq);
		ifd = static_open_index(rq, &st, &name);
		if (ifd < 0)
			return http_error(rq, 403, NULL, "directory has no index file and listings are off");
		if (cgi_handler_for(rq, name)) {
			close(ifd);
			return cgi_serve_index(rq, name);
		}
		fd = ifd;
	} else if (!S_ISREG(st.st_mode)) {
		close(fd);
		return http_error(rq, 403, NULL, "not a regular file");
	}
	ret = static_answer(rq, fd, &st, name);
	close(fd);
	return ret;
}
