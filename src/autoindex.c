#include "autoindex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "conf.h"
#include "http_cond.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"
#include "static.h"

/* ---- the list (pure) --------------------------------------------------- */

/* Grow *p (elements of size sz, capacity *cap) to hold need. 0 or -1. */
static int autoindex_grow(void **p, size_t *cap, size_t need, size_t sz, size_t first)
{
	size_t ncap = *cap ? *cap : first;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sz)
			return -1;
		ncap *= 2;
	}
	np = realloc(*p, ncap * sz);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int autoindex_add(struct autoindex_list *l, const char *name, size_t len, bool is_dir,
		  uint64_t size, int64_t mtime)
{
	void *e = l->e, *names = l->names;
	int r = autoindex_grow(&e, &l->cap, l->n + 1, sizeof(*l->e), 64);

	l->e = e;
	if (r < 0 || autoindex_grow(&names, &l->names_cap, l->names_len + len + 1, 1, 4096) < 0) {
		l->names = names;
		return -1;
	}
	l->names = names;
	memcpy(l->names + l->names_len, name, len);
	l->names[l->names_len + len] = '\0';
	l->e[l->n++] = (struct autoindex_entry){ .name_off = l->names_len, .name_len = len,
		.is_dir = is_dir, .size = is_dir ? 0 : size, .mtime = mtime };
	l->names_len += len + 1;
	return 0;
}

void autoindex_list_free(struct autoindex_list *l)
{
	free(l->e);
	free(l->names);
	*l = (struct autoindex_list){ 0 };
}

const char *autoindex_name(const struct autoindex_list *l, const struct autoindex_entry *e)
{
	return l->names + e->name_off;
}

/* qsort_r (glibc's, as _GNU_SOURCE gives it): names is the list's buffer. */
static int autoindex_cmp(const void *pa, const void *pb, void *names)
{
	const struct autoindex_entry *a = pa, *b = pb;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	const char *s = names;
	int c;

	if (a->is_dir != b->is_dir)
		return a->is_dir ? -1 : 1;
	c = memcmp(s + a->name_off, s + b->name_off, n);
	if (c != 0)
		return c;
	return (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

void autoindex_sort(struct autoindex_list *l)
{
	if (l->n > 1)
		qsort_r(l->e, l->n, sizeof(*l->e), autoindex_cmp, l->names);
}

/* ---- rendering (pure) -------------------------------------------------- */

static void autoindex_put(struct autoindex_buf *b, const char *s, size_t len)
{
	void *p = b->p;

	if (b->oom)
		return;
	if (autoindex_grow(&p, &b->cap, b->len + len + 1, 1, 4096) < 0) {
		b->oom = true;
		return;
	}
	b->p = p;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void autoindex_puts(struct autoindex_buf *b, const char *s)
{
	autoindex_put(b, s, strlen(s));
}

static void autoindex_printf(struct autoindex_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Short, bounded pieces only (numbers, dates): a fixed buffer is enough. */
static void autoindex_printf(struct autoindex_buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true; /* never with our formats; refuse rather than cut */
		return;
	}
	autoindex_put(b, tmp, (size_t)n);
}

void autoindex_buf_free(struct autoindex_buf *b)
{
	free(b->p);
	*b = (struct autoindex_buf){ 0 };
}

/*
 * The length of the valid UTF-8 sequence at s[0..len) (RFC 3629 4: no
 * overlong form, no surrogate, nothing above U+10FFFF), or 0 when s[0]
 * does not start one.
 */
static size_t autoindex_utf8_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		   c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	unsigned lo = 0x80, hi = 0xBF;

	if (n == 0 || n > len)
		return 0;
	/* The second byte's range is narrower after these leads (RFC 3629 4's table). */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}

/*
 * HTML text (and attribute values: the quotes are escaped too). Invalid
 * UTF-8 bytes become their Latin-1 character; a control character, which
 * HTML text may not hold and no listed name has, U+FFFD.
 */
static void autoindex_html_text(struct autoindex_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = autoindex_utf8_len(u + i, len - i);
		const char *rep = NULL;

		if (n == 0) {
			autoindex_printf(b, "&#x%02X;", u[i]);
			i++;
			continue;
		}
		switch (u[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (u[i] < 0x20 || u[i] == 0x7F)
				rep = "&#xFFFD;";
		}
		if (rep)
			autoindex_puts(b, rep);
		else
			autoindex_put(b, s + i, n);
		i += n;
	}
}

/*
 * The name as a relative reference: every byte but RFC 3986 2.3's
 * unreserved ones percent-encoded, so nothing in it is a delimiter (a ':'
 * would make "a:b" a scheme, RFC 3986 4.2; '?' and '#' would end the path)
 * or HTML markup. The server decodes it once (uri.c) back to the bytes.
 */
static void autoindex_href(struct autoindex_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[3] = { '%', hex[c >> 4], hex[c & 0xF] };

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			autoindex_put(b, s + i, 1);
		else
			autoindex_put(b, enc, 3);
	}
}

/* ISO 8601 in UTC, RFC 3339 5.6's form: "2020-01-02T03:04:05Z". */
static void autoindex_iso_date(struct autoindex_buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm)) {
		autoindex_puts(b, "-");
		return;
	}
	autoindex_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void autoindex_html_row(struct autoindex_buf *b, const struct autoindex_list *l,
			       const struct autoindex_entry *e)
{
	const char *name = autoindex_name(l, e);

	autoindex_puts(b, "<tr><td><a href=\"");
	autoindex_href(b, name, e->name_len);
	autoindex_puts(b, e->is_dir ? "/\">" : "\">");
	autoindex_html_text(b, name, e->name_len);
	autoindex_puts(b, e->is_dir ? "/</a></td><td>" : "</a></td><td>");
	autoindex_iso_date(b, e->mtime);
	if (e->is_dir)
		autoindex_puts(b, "</td><td class=\"size\">-</td></tr>\n");
	else
		autoindex_printf(b, "</td><td class=\"size\">%llu</td></tr>\n",
				 (unsigned long long)e->size);
}

/*
 * Sizes are exact byte counts, as nginx's default (autoindex_exact_size on):
 * a script or a person comparing with ls -l sees the same number.
 */
int autoindex_html(const struct autoindex_list *l, const char *path, struct autoindex_buf *out)
{
	size_t plen = strlen(path);

	autoindex_puts(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>Index of ");
	autoindex_html_text(out, path, plen);
	autoindex_puts(out, "</title>\n<style>td{padding:0 1em 0 0}td.size{text-align:right}</style>\n"
		       "</head>\n<body>\n<h1>Index of ");
	autoindex_html_text(out, path, plen);
	autoindex_puts(out, "</h1>\n<table>\n<tr><th>Name</th><th>Last modified (UTC)</th>"
		       "<th>Size (bytes)</th></tr>\n");
	if (strcmp(path, "/") != 0)
		autoindex_puts(out, "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
	for (size_t i = 0; i < l->n; i++)
		autoindex_html_row(out, l, &l->e[i]);
	autoindex_puts(out, "</table>\n");
	if (l->truncated)
		autoindex_printf(out, "<p>Listing truncated: only the first %zu entries are shown.</p>\n",
				 l->n);
	autoindex_puts(out, "</body></html>\n");
	return out->oom ? -1 : 0;
}

/* RFC 8259 7: '"', '\\' and U+0000..U+001F escaped; an invalid UTF-8 byte as its Latin-1 character. */
static void autoindex_json_str(struct autoindex_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	autoindex_put(b, "\"", 1);
	while (i < len) {
		size_t n = autoindex_utf8_len(u + i, len - i);

		if (n == 0 || u[i] < 0x20) {
			autoindex_printf(b, "\\u%04x", u[i]);
			i++;
			continue;
		}
		if (u[i] == '"' || u[i] == '\\')
			autoindex_put(b, "\\", 1);
		autoindex_put(b, s + i, n);
		i += n;
	}
	autoindex_put(b, "\"", 1);
}

int autoindex_json(const struct autoindex_list *l, struct autoindex_buf *out)
{
	char date[HTTP_DATE_LEN + 1];

	autoindex_puts(out, "[");
	for (size_t i = 0; i < l->n; i++) {
		const struct autoindex_entry *e = &l->e[i];

		autoindex_puts(out, i ? ",\n{ \"name\":" : "\n{ \"name\":");
		autoindex_json_str(out, autoindex_name(l, e), e->name_len);
		http_date_format((time_t)e->mtime, date);
		autoindex_printf(out, ", \"type\":\"%s\", \"mtime\":\"%s\"",
				 e->is_dir ? "directory" : "file", date);
		if (!e->is_dir)
			autoindex_printf(out, ", \"size\":%llu", (unsigned long long)e->size);
		autoindex_puts(out, " }");
	}
	autoindex_puts(out, l->n ? "\n]\n" : "]\n");
	return out->oom ? -1 : 0;
}

bool autoindex_wants_json(const char *query, size_t len)
{
	static const char want[] = "format=json";
	size_t i = 0;

	if (len == 0)
		return false;
	while (i <= len) {
		const char *amp = memchr(query + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - query) : len;

		if (end - i == sizeof(want) - 1 && memcmp(query + i, want, sizeof(want) - 1) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

/* ---- reading the directory and answering (I/O) -------------------------- */

/*
 * Would a request for this name be refused before the file system is asked?
 * uri_normalize's rules (a leading '.', 403; a control character, 400), the
 * user directories' "/~name" at the root, and another access rule than the
 * directory's (as static.c's index names: the listing passed the
 * directory's check, not the entry's).
 */
static bool autoindex_hidden(const struct request *rq, const char *name, size_t len)
{
	const struct conf_site *cs = rq->site->cs;
	char path[PATH_MAX];
	int n;

	if (name[0] == '.')
		return true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] == 0x7F)
			return true;
	if (name[0] == '~' && rq->site->conf->userdir.enabled && strcmp(rq->path, "/") == 0)
		return true;
	if (cs->naccess == 0)
		return false;
	n = snprintf(path, sizeof(path), "%s%s", rq->path, name);
	return n < 0 || (size_t)n >= sizeof(path) ||
	       access_pick(cs->access, cs->naccess, path, (size_t)n) !=
	       access_pick(cs->access, cs->naccess, rq->path, rq->path_len);
}

/*
 * What a symlink leads to, if static_open would follow it: opened beneath
 * the root exactly as a request for it would be (O_PATH: a FIFO is never
 * opened for reading). 0 with *st, or -1: it escapes, dangles or loops.
 */
static int autoindex_follow(const struct request *rq, const char *name, struct stat *st)
{
	char rel[PATH_MAX];
	int fd, r;

	if ((size_t)snprintf(rel, sizeof(rel), "%s%s", static_rel(rq), name) >= sizeof(rel))
		return -1;
	fd = static_open(rq->site, rel, O_PATH);
	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	close(fd);
	return r;
}

/* Can a request get this directory entry? Then *st says what it is (a symlink followed). */
static bool autoindex_listable(const struct request *rq, int dfd, const char *name, size_t len,
			       struct stat *st)
{
	if (autoindex_hidden(rq, name, len))
		return false;
	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return false; /* gone since readdir */
	if (S_ISLNK(st->st_mode) && autoindex_follow(rq, name, st) < 0)
		return false;
	return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode);
}

/*
 * The listable entries of rq's directory into l, at most AUTOINDEX_MAX of
 * them after reading at most AUTOINDEX_MAX_SCAN entries. 0, or an HTTP
 * status to answer.
 */
static int autoindex_read(const struct request *rq, struct autoindex_list *l)
{
	int fd = static_open(rq->site, static_rel(rq), O_RDONLY | O_DIRECTORY);
	size_t seen = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int status = 0;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 404 : 403;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return 500;
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		size_t len = strlen(de->d_name);

		if (++seen > AUTOINDEX_MAX_SCAN || (l->n == AUTOINDEX_MAX &&
		    autoindex_listable(rq, dirfd(d), de->d_name, len, &st))) {
			l->truncated = true;
			break;
		}
		if (l->n < AUTOINDEX_MAX && autoindex_listable(rq, dirfd(d), de->d_name, len, &st) &&
		    autoindex_add(l, de->d_name, len, S_ISDIR(st.st_mode), (uint64_t)st.st_size,
				  (int64_t)st.st_mtim.tv_sec) < 0) {
			status = 500;
			break;
		}
	}
	if (status == 0 && !l->truncated && errno != 0)
		status = 500;
	closedir(d);
	return status;
}

/* The listing of rq's directory rendered into out (HTML, or JSON when asked). 0, or a status. */
static int autoindex_render(struct request *rq, struct autoindex_buf *out, bool *json,
			    size_t *count, bool *truncated)
{
	struct autoindex_list l = { 0 };
	int st = autoindex_read(rq, &l);

	*json = rq->hr.has_query && autoindex_wants_json(rq->hr.query.p, rq->hr.query.len);
	if (st == 0) {
		autoindex_sort(&l);
		if ((*json ? autoindex_json(&l, out) : autoindex_html(&l, rq->path, out)) < 0)
			st = 500;
	}
	*count = l.n;
	*truncated = l.truncated;
	autoindex_list_free(&l);
	return st;
}

static int autoindex_listing(struct request *rq)
{
	struct autoindex_buf out = { 0 };
	size_t count;
	bool json, truncated;
	int st = autoindex_render(rq, &out, &json, &count, &truncated), r;

	if (st != 0) {
		autoindex_buf_free(&out);
		return http_error(rq, st, NULL, st == 500 ? "cannot list the directory"
				  : "directory cannot be opened for its listing");
	}
	if (truncated)
		log_error(LOG_WARN, "listing of %s truncated to %zu entries", rq->path, count);
	resp_start(rq, 200);
	resp_header_str(rq, "Content-Type", json ? "application/json" : "text/html; charset=utf-8");
	/* Made afresh for each request: no validator to revalidate with. */
	resp_header_str(rq, "Cache-Control", "no-cache");
	if (truncated)
		resp_header(rq, "Pfhttpd-Listing-Truncated", "%zu", count);
	resp_end(rq, (int64_t)out.len);
	r = resp_send(rq, out.p, out.len);
	autoindex_buf_free(&out);
	return r;
}

int autoindex_serve(struct request *rq)
{
	int r = static_read_method(rq, "a directory listing");

	return r == STATIC_READ_GO ? autoindex_listing(rq) : r;
}
