/*
 * autoindex — the listing of a directory that has no index file, when the
 * path's autoindex setting is on (issue 10; Apache's Options Indexes,
 * nginx's autoindex).
 *
 * Contract: two halves. The pure half (autoindex_add .. autoindex_json)
 * keeps entries in one list (two growing buffers, never a malloc per
 * entry), sorts them (directories first, then by name bytewise, as nginx)
 * and renders them as HTML or JSON into a growing buffer; it does no I/O.
 * The I/O half, autoindex_serve(), reads the directory the request names
 * (opened beneath the site's root as every static file is) and answers.
 *
 * What is never listed (a request could not get it, so the listing must
 * not show it): a name starting with '.' (uri_normalize refuses such a
 * segment with 403: .htaccess, .htpasswd, .git, and .well-known too), a
 * name holding a control character (uri_normalize answers 400), a name a
 * user directory would take ("~x" at the root while userdir is on), an
 * entry under another access rule than the directory's (as an index file:
 * static.c), anything but a regular file or a directory, and a symlink
 * that does not resolve beneath the site's root (openat2 RESOLVE_BENEATH,
 * static_open). At most AUTOINDEX_MAX entries are listed; beyond that the
 * listing says it was truncated (a note in HTML, a response field for both).
 *
 * Names: in HTML each is HTML-escaped in the text and percent-encoded
 * (every byte but RFC 3986's unreserved ones) in its href, so '"', '<', '&',
 * '%', '?', '#', ':' and spaces never change what the link means. In JSON
 * (RFC 8259) '"', '\\' and control characters are escaped. A byte that is
 * not part of valid UTF-8 (RFC 3629) is shown, in both, as the Latin-1
 * character of its value (&#xE9; / \u00e9), so the document stays valid
 * UTF-8; the href keeps the exact bytes.
 */
#ifndef PFHTTPD_AUTOINDEX_H
#define PFHTTPD_AUTOINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;

/*
 * The most entries one listing shows, and the most directory entries one
 * listing reads (hidden ones count): a directory of 100,000 files costs a
 * bounded time and at most a few MB (a 255-byte name escaped costs at most
 * about 3 KB of HTML). Apache has no bound; nginx streams everything.
 */
#define AUTOINDEX_MAX      10000
#define AUTOINDEX_MAX_SCAN (4 * AUTOINDEX_MAX)

struct autoindex_entry {
	size_t name_off;             /* into autoindex_list.names, NUL-terminated */
	size_t name_len;
	bool is_dir;
	uint64_t size;               /* bytes; files only */
	int64_t mtime;               /* seconds since the epoch, UTC */
};

struct autoindex_list {
	struct autoindex_entry *e;   size_t n, cap;
	char *names;                 size_t names_len, names_cap;
	bool truncated;              /* entries were left out (AUTOINDEX_MAX, _MAX_SCAN) */
};

/* A growing output buffer; oom is set (and len stops growing) when it cannot grow. */
struct autoindex_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Add one entry (name copied). 0, or -1 when there is no memory. */
int autoindex_add(struct autoindex_list *l, const char *name, size_t len, bool is_dir,
		  uint64_t size, int64_t mtime);
void autoindex_list_free(struct autoindex_list *l);
const char *autoindex_name(const struct autoindex_list *l, const struct autoindex_entry *e);

/* Directories first, then by name, bytewise (memcmp: nginx's order, no locale). */
void autoindex_sort(struct autoindex_list *l);

/*
 * "Index of PATH" as an HTML page: path is the decoded URL path of the
 * directory, ending in '/'; a "../" link unless path is "/". 0, or -1 (out
 * of memory: out->oom).
 */
int autoindex_html(const struct autoindex_list *l, const char *path, struct autoindex_buf *out);

/*
 * [{"name":"a","type":"file","mtime":"Thu, 02 Jan 2020 03:04:05 GMT","size":14},
 *  {"name":"d","type":"directory","mtime":"..."}]: nginx's
 * autoindex_format json, so scripts written for it work here; a directory
 * has no "size". 0, or -1 (out of memory).
 */
int autoindex_json(const struct autoindex_list *l, struct autoindex_buf *out);

void autoindex_buf_free(struct autoindex_buf *b);

/* Does the query ask for JSON ("format=json" among its '&'-separated parameters)? */
bool autoindex_wants_json(const char *query, size_t len);

/*
 * Answer rq (a directory path ending in '/', without an index file, whose
 * autoindex is on) with its listing; GET and HEAD, OPTIONS, else 405.
 * 0, or -1 when the connection was lost.
 */
int autoindex_serve(struct request *rq);

#endif
