#include "static.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "accept_enc.h"
#include "access.h"
#include "autoindex.h"
#include "cgi.h"
#include "conf.h"
#include "conn.h"
#include "fcache.h"
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
	return static_open_beneath(s->root_fd, s->cs->document_root, rel, flags);
}

const char *static_rel(const struct request *rq)
{
	const char *rel = rq->path + rq->site->url_prefix_len;

	return *rel == '/' ? rel + 1 : rel;
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

/*
 * RFC 9110 15.4.2: a directory asked for without its slash moves to the URL
 * with one, on the site's own URL (resp_site_url).
 */
static int static_redirect_dir(struct request *rq)
{
	const struct http_request *hr = &rq->hr;
	char loc[RESP_LOCATION_MAX];
	int n;
	long pl;

	n = resp_site_url(rq, loc, sizeof(loc));
	pl = n < 0 ? -1 : uri_pct_encode_path(loc, sizeof(loc) - 2, rq->path, rq->path_len);
	if (pl < 0 || (hr->has_query && (size_t)pl + 2 + hr->query.len >= sizeof(loc)))
		return http_error(rq, 414, NULL, "redirect location too long");
	n = (int)pl;
	loc[n++] = '/';
	if (hr->has_query) {
		loc[n++] = '?';
		memcpy(loc + n, hr->query.p, hr->query.len);
		n += (int)hr->query.len;
	}
	loc[n] = '\0';
	return resp_redirect(rq, 301, loc);
}

/*
 * An index name is a path segment the client never wrote: uri_normalize's
 * dotfile rule (.htaccess, .htpasswd: Apache's <Files ".ht*">) and the
 * access rules must hold for it all the same. An index that starts with
 * '.' is never served; one that another (longer) access rule covers than
 * the directory's is not served through the directory's URL, whose check
 * was the other rule's: the client can ask for it by its own name.
 */
static bool static_index_allowed(const struct request *rq, const char *name)
{
	const struct conf_site *cs = rq->site->cs;
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s", rq->path, name);

	if (name[0] == '.') {
		log_error(LOG_WARN, "index name %s in %s is a dotfile: never served", name, rq->path);
		return false;
	}
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    access_pick(cs->access, cs->naccess, path, (size_t)n) !=
	    access_pick(cs->access, cs->naccess, rq->path, rq->path_len)) {
		log_error(LOG_WARN, "index %s falls under another access rule than %s: "
			  "not served through the directory", path, rq->path);
		return false;
	}
	return true;
}

/* Try each index name in the directory rq->path names. An fd, or -1 if none. */
static int static_open_index(struct request *rq, struct stat *st, const char **name, int *index)
{
	const struct conf_site *cs = rq->site->cs;
	char rel[PATH_MAX];

	for (size_t i = 0; i < cs->nindex; i++) {
		int fd;
		if ((size_t)snprintf(rel, sizeof(rel), "%s%s", static_rel(rq), cs->index[i]) >= sizeof(rel))
			continue;
		if (!static_index_allowed(rq, cs->index[i]))
			continue;
		fd = static_open(rq->site, rel, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (fstat(fd, st) == 0 && S_ISREG(st->st_mode)) {
			*name = cs->index[i];
			*index = (int)i;
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

/* The conditional and range fields' names, in the order of their buffers. */
static const char *const static_cond_names[STATIC_COND_FIELDS] = {
	"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range", "Range",
};

/* Which of static_cond_names h is, or -1. Each begins with I or R: most fields need one compare. */
static int static_cond_which(const struct http_header *h)
{
	int c = h->name.len > 0 ? h->name.p[0] | 0x20 : 0;

	if (c != 'i' && c != 'r')
		return -1;
	for (int k = 0; k < STATIC_COND_FIELDS; k++)
		if (http_str_eq(h->name, static_cond_names[k]))
			return k;
	return -1;
}

/*
 * The n (two or more) fields called name as one value: RFC 9110 5.3 makes
 * repeated field lines one field whose members are joined by commas. For an
 * entity-tag list (If-Match, If-None-Match) that is the list the client
 * meant. For the single-member fields it yields a value of more than one
 * member, which is invalid: If-Modified-Since and If-Unmodified-Since are
 * then ignored (RFC 9110 13.1.3, 13.1.4: never a 304 or a 412 for two
 * dates), a repeated If-Range does not hold and a repeated Range is not one
 * valid range, so the whole representation is sent. *joined is a buffer
 * the caller frees. 0, or -1 when there is no memory for it.
 */
static int static_field_join(const struct request *rq, const char *name, const char **val,
			     size_t *len, char **joined)
{
	const struct http_request *hr = &rq->hr;
	size_t total = 0, o = 0;

	for (size_t i = 0; i < hr->nheaders; i++)
		if (http_str_eq(hr->headers[i].name, name))
			total += hr->headers[i].value.len + 2;
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

/*
 * The request's conditional and range fields into cr, in one pass over its
 * fields (a keep-alive 1 KB GET asked for each of the six by name, twelve
 * passes, a tenth of its user-space instructions, callgrind); a repeated
 * one joined (static_field_join). 0, or -1 when there is no memory.
 */
static int static_cond_fields(const struct request *rq, struct http_cond_req *cr,
			      struct static_cond_bufs *b)
{
	const char **val[STATIC_COND_FIELDS] = { &cr->if_match, &cr->if_none_match,
		&cr->if_modified_since, &cr->if_unmodified_since, &cr->if_range, &cr->range };
	size_t *len[STATIC_COND_FIELDS] = { &cr->if_match_len, &cr->if_none_match_len,
		&cr->if_modified_since_len, &cr->if_unmodified_since_len, &cr->if_range_len,
		&cr->range_len };
	unsigned seen[STATIC_COND_FIELDS] = { 0 };
	int r = 0;

	memset(cr, 0, sizeof(*cr));
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < rq->hr.nheaders; i++) {
		const struct http_header *h = &rq->hr.headers[i];
		int k = static_cond_which(h);
		if (k >= 0 && seen[k]++ == 0) {
			*val[k] = h->value.p;
			*len[k] = h->value.len;
		}
	}
	for (int k = 0; k < STATIC_COND_FIELDS; k++)
		if (seen[k] > 1)
			r |= static_field_join(rq, static_cond_names[k], val[k], len[k], &b->joined[k]);
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

/*
 * What a request path resolved to: the open file and what its answer is
 * made of. Either a cache entry's or, uncached, computed for this request.
 */
struct static_file {
	int fd;
	const struct stat *st;
	const char *name;            /* for the Content-Type and CGI index handlers */
	const char *etag, *lastmod, *type;
	struct fcache_entry *e;      /* its cache entry, or NULL: not cached */
	bool is_index;               /* name is the index file a directory led to */
	const char *coding;          /* a precompressed variant's Content-Encoding, else NULL */
	bool vary;                   /* Vary: Accept-Encoding (precompressed is on for the path) */
};

#define STATIC_VARY "Vary: Accept-Encoding\r\n"

/*
 * A response whose body is at most this large leaves with its head in one
 * writev, so one TCP segment carries it (the worker sets TCP_NODELAY, which
 * would otherwise push the head alone); a larger one sends this much of its
 * body with the head and the rest with sendfile, so the head never travels
 * alone either. 16 KiB: copying that much costs a few microseconds, less
 * than the extra send and segment it saves, and it is one BSS buffer per
 * worker, touched only as far as the files it carries. Not tuned beyond
 * the 1 KB and 10 MB cases of issue 8 (both gained).
 */
#define STATIC_INLINE_MAX 16384

static char static_inline[STATIC_INLINE_MAX];

/* Read len bytes of fd from off into buf. 0, or -1: an error, or the file ends before. */
static int static_pread_all(int fd, char *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static struct fcache static_cache;

static bool static_same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * Read a small file's bytes into its cache entry, so that until the entry
 * expires its answers need no pread (issue 8 (a)); NULL when they are not
 * kept (too large, empty, unreadable, changed while read, no memory).
 *
 * What the kept bytes are: the bytes one read of the file returned while
 * its size, mtime and ctime (to the nanosecond) were those of the fstat the
 * entry's ETag and Last-Modified came from; a file seen changing across the
 * read is served as read once and not kept. They are believed no longer
 * than the entry (FCACHE_TTL_MS): each revalidation reopens the file and
 * reads its bytes again, whatever its stat says, so a file rewritten in
 * place with the same size inside the same second (the case where a
 * cache that compared size and mtime would keep old bytes) shows within a
 * second too, as pfhttpd(8) promises for every change. What we do not
 * promise: a writer still between its write calls when we read (inside one
 * tick of the file system's clock, so the times do not move) can leave a
 * mix of old and new bytes served for that second, as any server reading
 * the file then would send it once. nginx's open_file_cache and lighttpd's
 * stat cache keep no content; Apache's mod_file_cache MMapFile does, and
 * never rereads it until a restart.
 */
static const char *static_keep_body(struct fcache_entry *e)
{
	size_t size = (size_t)e->fe_st.st_size;
	struct stat after;

	if (size == 0 || size > FCACHE_BODY_MAX || size > STATIC_INLINE_MAX)
		return NULL;
	if (static_pread_all(e->fe_fd, static_inline, size, 0) < 0 || fstat(e->fe_fd, &after) < 0 ||
	    !static_same_stat(&after, &e->fe_st))
		return NULL;
	return fcache_body_keep(&static_cache, e, static_inline, size);
}

/*
 * Send the head already built, and len bytes of f from first: from the
 * bytes kept in its cache entry (one writev, no file system call), else
 * read. 0, -1 (the connection was lost) or -2: the file is shorter than its
 * stat said (it changed under a cached entry) or cannot be read, and
 * nothing was sent.
 */
static int static_send_body(struct request *rq, const struct static_file *f, uint64_t first,
			    uint64_t len)
{
	size_t part = len < STATIC_INLINE_MAX ? (size_t)len : STATIC_INLINE_MAX;
	const char *kept;

	if (rq->head_only || len == 0)
		return resp_send(rq, NULL, 0);
	kept = !f->e ? NULL : f->e->fe_body ? f->e->fe_body : static_keep_body(f->e);
	if (kept)
		return resp_send(rq, kept + first, (size_t)len);
	if (static_pread_all(f->fd, static_inline, part, first) < 0)
		return -2;
	if (resp_send(rq, static_inline, part) < 0)
		return -1;
	if (len == part)
		return 0;
	if (conn_sendfile(rq->conn, f->fd, (off_t)(first + part), len - part,
			  rq->site->conf->timeouts.send) < 0) {
		rq->conn->c_keepalive = false;
		return -1;
	}
	rq->body_sent += len - part;
	return 0;
}

static int static_send_file(struct request *rq, const struct static_file *f)
{
	const struct stat *st = f->st;
	struct http_cond_rep rep = { .etag = f->etag, .mtime = st->st_mtim.tv_sec,
				     .size = (uint64_t)st->st_size };
	struct http_cond_result res;
	uint64_t first = 0, len = (uint64_t)st->st_size;
	char range[96];

	if (static_cond(rq, &rep, &res) < 0)
		return http_error(rq, 500, NULL, "out of memory joining conditional fields");

	if (res.status == 412)
		return http_error(rq, 412, f->vary ? STATIC_VARY : NULL, "precondition failed");
	if (res.status == 416) {
		snprintf(range, sizeof(range), "Content-Range: bytes */%llu\r\n%s",
			 (unsigned long long)st->st_size, f->vary ? STATIC_VARY : "");
		return http_error(rq, 416, range, "range not satisfiable");
	}
	resp_start(rq, res.status);
	resp_header_str(rq, "Last-Modified", f->lastmod);
	resp_header_str(rq, "ETag", f->etag);
	/* RFC 9110 15.4.5: a 304 carries the Vary a 200 would. */
	if (f->vary)
		resp_header_str(rq, "Vary", "Accept-Encoding");
	if (res.status == 304) {
		resp_end(rq, -1); /* RFC 9110 15.4.5: no content, and no Content-Length needed */
		return resp_send(rq, NULL, 0);
	}
	resp_content_type(rq, f->type);
	if (f->coding)
		resp_header_str(rq, "Content-Encoding", f->coding);
	resp_header_str(rq, "Accept-Ranges", "bytes");
	if (res.status == 206) {
		first = res.first;
		len = res.last - res.first + 1;
		resp_header(rq, "Content-Range", "bytes %llu-%llu/%llu",
			    (unsigned long long)res.first, (unsigned long long)res.last,
			    (unsigned long long)st->st_size);
	}
	resp_end(rq, (int64_t)len);
	return static_send_body(rq, f, first, len);
}

int static_read_method(struct request *rq, const char *what)
{
	char why[128];
	int r;

	switch (rq->hr.method) {
	case HTTP_M_GET:
	case HTTP_M_HEAD:
		if ((r = request_discard_body(rq)) != 0)
			return http_error(rq, r, NULL, "reading the request body");
		return STATIC_READ_GO;
	case HTTP_M_OPTIONS:
		return resp_options(rq, STATIC_METHODS);
	default:
		snprintf(why, sizeof(why), "method not allowed for %s", what);
		return http_error(rq, 405, "Allow: " STATIC_METHODS "\r\n", why);
	}
}

/* 0, -1 (connection lost), or -2 (static_send_body: the file changed, nothing sent). */
static int static_answer(struct request *rq, const struct static_file *f)
{
	int r = static_read_method(rq, "a static file");

	return r == STATIC_READ_GO ? static_send_file(rq, f) : r;
}

/* ---- precompressed variants (issue 10) ------------------------------------ */

/* What a variant's name ends with on disk, and the tag its ETag gains, by coding. */
static const char *const static_variant_ext[ACCEPT_ENC_N] = {
	[ACCEPT_ENC_GZIP] = ".gz", [ACCEPT_ENC_BR] = ".br",
};

/* Every Accept-Encoding field of the request, in order: one list (RFC 9110 5.3). */
static void static_accept_enc(const struct request *rq, struct accept_enc *ae)
{
	accept_enc_init(ae);
	for (size_t i = 0; i < rq->hr.nheaders; i++)
		if (http_str_eq(rq->hr.headers[i].name, "Accept-Encoding"))
			accept_enc_add(ae, rq->hr.headers[i].value.p, rq->hr.headers[i].value.len);
}

/*
 * The variant's name is one the client never wrote, like an index name
 * (static_index_allowed): an access rule that covers it and not f's path
 * (access = ( { path = "/data.json.gz"; allow = [ ]; } )) must not be
 * passed by asking for "/data.json". Such a variant is not sent.
 */
static bool static_variant_allowed(const struct request *rq, const struct static_file *f,
				   const char *ext)
{
	const struct conf_site *cs = rq->site->cs;
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s%s", rq->path, f->is_index ? f->name : "", ext);

	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	return access_pick(cs->access, cs->naccess, path, (size_t)n) ==
	       access_pick(cs->access, cs->naccess, rq->path, rq->path_len);
}

/*
 * Open f's variant for coding c, beside f and below the root through every
 * check static_open makes: an fd with *st, or -1 when there is none to
 * send: absent, refused, not a regular file, or older than f (f changed
 * after the variant was made: sending it would send the old content; nginx
 * does not check this, Apache's MultiViews does not either, but a stale .gz
 * is the usual mistake with precompressed files). gzip -k and brotli -k give
 * the variant f's mtime, hence "not older" and not "newer".
 */
static int static_variant_open(const struct request *rq, const struct static_file *f,
			       enum accept_enc_coding c, struct stat *st)
{
	const char *ext = static_variant_ext[c];
	char rel[PATH_MAX];
	int n = snprintf(rel, sizeof(rel), "%s%s%s", static_rel(rq), f->is_index ? f->name : "", ext);
	int fd;

	if (n < 0 || (size_t)n >= sizeof(rel) || !static_variant_allowed(rq, f, ext))
		return -1;
	fd = static_open(rq->site, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_error(LOG_INFO, "precompressed %s: %s: not sent", rel, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    st->st_mtim.tv_sec < f->st->st_mtim.tv_sec ||
	    (st->st_mtim.tv_sec == f->st->st_mtim.tv_sec &&
	     st->st_mtim.tv_nsec < f->st->st_mtim.tv_nsec)) {
		log_error(LOG_INFO, "precompressed %s: not a regular file or older than the file: not sent", rel);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The variant's own strong ETag: its own validator (size, mtime) with the
 * coding's tag, "\"<size>-<mtime>-gz\"". Never the file's: RFC 9110 8.8.3
 * makes an entity tag name one representation, and a cache that revalidates
 * its gzip copy must not be told a 304 for the identity one (Apache's
 * mod_deflate appends "-gzip" for the same reason; nginx's gzip_static sends
 * the .gz file's own). The tag also keeps it apart from the .gz file asked
 * for by its own name (application/gzip, no Content-Encoding).
 */
static void static_variant_etag(const struct stat *st, enum accept_enc_coding c,
				char *buf, size_t cap)
{
	size_t len;

	http_etag_make((uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		       buf, cap);
	len = strlen(buf);
	/* "-gz\"": 4 bytes after the tag's closing quote is dropped; HTTP_ETAG_MAX has room. */
	if (len >= 2 && len + 4 < cap)
		snprintf(buf + len - 1, cap - (len - 1), "-%s\"", static_variant_ext[c] + 1);
}

/* Answer rq with the open variant fd of f (closed here). 0 or -1. */
static int static_answer_variant(struct request *rq, const struct static_file *f,
				 enum accept_enc_coding c, int fd, const struct stat *st)
{
	char etag[HTTP_ETAG_MAX], lastmod[HTTP_DATE_LEN + 1];
	struct static_file v = {
		.fd = fd, .st = st, .name = f->name, .etag = etag, .lastmod = lastmod,
		.type = f->type, .e = NULL, .is_index = f->is_index,
		.coding = accept_enc_name(c), .vary = true,
	};
	int r;

	static_variant_etag(st, c, etag, sizeof(etag));
	http_date_format(st->st_mtim.tv_sec, lastmod);
	r = static_answer(rq, &v);
	close(fd);
	return r == -2 ? http_error(rq, 500, NULL, "precompressed file shrank or cannot be read") : r;
}

/*
 * Answer rq with f or, where the path's settings say precompressed, with
 * the variant accept_enc_choose() picks among those that exist (trying the
 * next best when the best is missing). Every answer there carries Vary:
 * Accept-Encoding, f's own too: a cache must not give a gzip client's copy
 * to one that sent no Accept-Encoding (nginx's gzip_vary). A variant is
 * only looked for once f resolved: a .gz without its file is not served as
 * the file (as nginx's gzip_static without "always").
 *
 * Variants do not go through the open-file cache: its entries are keyed
 * by request path and carry the type and ETag of the file as asked for, so
 * a variant there would be either a second key form or a wrong answer to a
 * request for "/app.css.gz" itself. Opening the variant costs an openat2
 * and an fstat per request of such a path; not measured (issue 10 asks for
 * correctness here). 0, -1 (connection lost) or -2 (f changed, nothing sent).
 */
static int static_answer_any(struct request *rq, struct static_file *f)
{
	unsigned have = ACCEPT_ENC_HAVE(ACCEPT_ENC_GZIP) | ACCEPT_ENC_HAVE(ACCEPT_ENC_BR);
	enum accept_enc_coding c;
	struct accept_enc ae;
	struct stat st;

	if (!request_set(rq)->precompressed)
		return static_answer(rq, f);
	f->vary = true;
	if (rq->hr.method != HTTP_M_GET && rq->hr.method != HTTP_M_HEAD)
		return static_answer(rq, f);
	static_accept_enc(rq, &ae);
	while ((c = accept_enc_choose(&ae, have)) != ACCEPT_ENC_IDENTITY) {
		int fd = static_variant_open(rq, f, c, &st);
		if (fd >= 0)
			return static_answer_variant(rq, f, c, fd, &st);
		have &= ~ACCEPT_ENC_HAVE(c);
	}
	return static_answer(rq, f);
}

/* ---- the open-file cache ---------------------------------------------- */

static void static_close_fd(int fd)
{
	close(fd);
}

/*
 * The worker's cache, one for all the sites of its configuration: each
 * entry is keyed by its site and path, since two vhosts' "/index.html" are
 * two files (issue 9); a user directory's by the site it was made from
 * (static_scope); the sites share the table's bound, as nginx's
 * open_file_cache is one per worker whatever the server blocks. Emptied
 * when asked for another configuration than it was filled for. Workers
 * are forked per configuration generation (pool.c), so a reload starts
 * them with an empty cache anyway; the check keeps it right should a
 * worker ever serve two. At most a quarter of RLIMIT_NOFILE: connections,
 * CGI pipes and logs need the rest.
 */
static struct fcache *static_cache_for(const struct site *s)
{
	struct rlimit rl;
	size_t cap = FCACHE_MAX;

	if (static_cache.fc_owner == s->conf)
		return &static_cache;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < cap)
		cap = (size_t)(rl.rlim_cur / 4);
	fcache_adopt(&static_cache, cap, s->conf, static_close_fd);
	return &static_cache;
}

/*
 * The site a cache entry belongs to. A user directory's is the site it was
 * made from: its keys are full URL paths ("~alice/x.html"), which no other
 * request of that site can name while userdir is on, and an entry's index
 * name and access checks are that site's (another vhost may list other
 * index files for the same directory).
 */
static const void *static_scope(const struct request *rq)
{
	return rq->site->base ? rq->site->base : rq->site;
}

static void static_file_from(struct static_file *f, struct fcache_entry *e,
			     const struct request *rq)
{
	f->fd = e->fe_fd;
	f->st = &e->fe_st;
	f->name = e->fe_index >= 0 ? rq->site->cs->index[e->fe_index] : rq->path;
	f->etag = e->fe_etag;
	f->lastmod = e->fe_lastmod;
	f->type = e->fe_type;
	f->e = e;
	f->is_index = e->fe_index >= 0;
	f->coding = NULL;
	f->vary = false;
}

/* Fill the derived fields of f (etag, lastmod, type) into the buffers of e. */
static void static_derive(struct fcache_entry *e, const struct request *rq, const char *name)
{
	const struct stat *st = &e->fe_st;

	http_etag_make((uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		       e->fe_etag, sizeof(e->fe_etag));
	http_date_format(st->st_mtim.tv_sec, e->fe_lastmod);
	e->fe_type = mime_lookup(rq->site->mime, name, strlen(name));
}

/* ---- resolving a path --------------------------------------------------- */

/*
 * Resolve rq->path to a regular file (a directory with a slash to its
 * index file), every check of static_open applied: 0 with *fd, *st and
 * *index (-1, or the index[] entry), or 1 when the request was answered
 * (an error, the directory redirect, a CGI index, a listing), or -1 (connection lost).
 */
static int static_resolve(struct request *rq, int *fd, struct stat *st, int *index)
{
	const char *name;

	*index = -1;
	*fd = static_open(rq->site, static_rel(rq), O_RDONLY | O_NONBLOCK);
	if (*fd < 0)
		return static_open_error(rq) < 0 ? -1 : 1;
	if (fstat(*fd, st) < 0) {
		close(*fd);
		return http_error(rq, 500, NULL, "fstat failed") < 0 ? -1 : 1;
	}
	if (S_ISREG(st->st_mode))
		return 0;
	close(*fd);
	if (!S_ISDIR(st->st_mode))
		return http_error(rq, 403, NULL, "not a regular file") < 0 ? -1 : 1;
	if (rq->path[rq->path_len - 1] != '/')
		return static_redirect_dir(rq) < 0 ? -1 : 1;
	*fd = static_open_index(rq, st, &name, index);
	if (*fd < 0 && request_set(rq)->autoindex)
		return autoindex_serve(rq) < 0 ? -1 : 1;
	if (*fd < 0)
		return http_error(rq, 403, NULL, "directory has no index file and listings are off") < 0 ? -1 : 1;
	if (cgi_handler_for(rq, name)) {
		close(*fd);
		return cgi_serve_index(rq, name) < 0 ? -1 : 1;
	}
	return 0;
}

/*
 * Resolve afresh and answer: through a new cache entry, or (a key too long
 * to cache) with the descriptor closed afterwards.
 */
static int static_serve_fresh(struct request *rq, struct fcache *c, int64_t now)
{
	struct fcache_entry *e, tmp;
	struct static_file f;
	struct stat st;
	int fd, index, r = static_resolve(rq, &fd, &st, &index);

	if (r != 0)
		return r < 0 ? -1 : 0;
	e = fcache_insert(c, static_scope(rq), rq->path + 1, rq->path_len - 1, fd, &st, index, now);
	if (!e) {
		tmp = (struct fcache_entry){ .fe_fd = fd, .fe_st = st, .fe_index = index };
		e = &tmp;
	}
	static_file_from(&f, e, rq);
	static_derive(e, rq, f.name);
	f.type = e->fe_type;
	if (e == &tmp)
		f.e = NULL;
	r = static_answer_any(rq, &f);
	if (e == &tmp)
		close(fd);
	else if (r == -2)
		fcache_drop(c, e);
	return r == -2 ? http_error(rq, 500, NULL, "file shrank or cannot be read") : r;
}

int static_serve(struct request *rq)
{
	struct fcache *c = static_cache_for(rq->site);
	int64_t now = conn_now_ms();
	struct fcache_entry *e = fcache_lookup(c, static_scope(rq), rq->path + 1, rq->path_len - 1, now);
	struct static_file f;
	int r;

	if (!e)
		return static_serve_fresh(rq, c, now);
	static_file_from(&f, e, rq);
	r = static_answer_any(rq, &f);
	if (r != -2)
		return r;
	/* The file shrank within the entry's second: forget it and look again. */
	fcache_drop(c, e);
	return static_serve_fresh(rq, c, now);
}
