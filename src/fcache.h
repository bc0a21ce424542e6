/*
 * fcache — a worker's open-file cache: what a request path resolved to (the
 * open descriptor of a regular file, its stat, the index name a directory
 * led to, and the fields derived from them), so that a hot file costs no
 * openat2, fstat or close (issue 8; nginx's open_file_cache, lighttpd's
 * stat cache).
 *
 * Contract: the table only remembers; it never resolves a path. static.c
 * fills an entry only with what static_open() itself opened through every
 * check (RESOLVE_BENEATH, the open's own permission check; the path checks
 * of uri.c ran before), and an entry is believed for at most FCACHE_TTL_MS:
 * the lookup after that drops it, so the path is resolved, opened and
 * checked afresh, and a file replaced, deleted, chmod'ed or swapped for a
 * symlink out of the root is noticed within a second. The table is bounded
 * (at most FCACHE_MAX entries, least recently used evicted first) and
 * closes the descriptors it drops through the close function it was given,
 * so tests run it with fake descriptors. A key is a scope (the site, whose
 * root the path is relative to: two vhosts' "/index.html" are two files,
 * issue 9) and a path; paths longer than FCACHE_KEY_MAX - 1 are not cached. Pure: no I/O but that close function; the caller passes
 * the clock.
 *
 * An entry may also keep its file's bytes (fcache_body_keep), so a small
 * hot file is answered with no file system call at all: at most
 * FCACHE_BODY_MAX bytes per entry and FCACHE_BYTES_MAX per table, the
 * bodies of the least recently used entries given up first when a new one
 * would pass the total (their descriptors stay). Bytes are allocated when
 * kept and freed when given up or dropped: a worker that served nothing
 * holds none (issue 8, memory). They expire with their entry, so they are
 * never more than FCACHE_TTL_MS older than a read of the file; what static.c
 * guarantees about them is said where it reads them (static_keep_body).
 */
#ifndef PFHTTPD_FCACHE_H
#define PFHTTPD_FCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "http_cond.h"

/*
 * 128 descriptors per worker: a shared host's hot set (pages, their CSS,
 * scripts, images) fits, and with the usual 1024-descriptor limit a worker
 * keeps seven eighths of it for its connection, CGI pipes and logs. The
 * caller lowers it further where RLIMIT_NOFILE is small (fcache_init).
 */
#define FCACHE_MAX 128
#define FCACHE_KEY_MAX 128
/* How long an entry is believed without looking at the file system again. */
#define FCACHE_TTL_MS 1000
/*
 * Bytes kept per entry and per table. 16 KiB: the size static.c sends with
 * its head in one writev anyway (STATIC_INLINE_MAX), past which the body's
 * rest goes by sendfile and a kept copy would save little. 256 KiB: sixteen
 * such files or 256 of 1 KB per worker, 2 MB for the default 8 workers, and
 * only as much as the files served.
 */
#define FCACHE_BODY_MAX (16 * 1024)
#define FCACHE_BYTES_MAX (256 * 1024)

struct fcache_entry {
	char fe_key[FCACHE_KEY_MAX];   /* the request path without its leading '/' */
	size_t fe_klen;
	const void *fe_scope;          /* the site the path is relative to */
	uint32_t fe_hash;
	int fe_fd;                     /* the regular file, O_RDONLY; -1: slot free */
	struct stat fe_st;             /* its fstat() when opened */
	int fe_index;                  /* -1: the path itself; else the index[] name it led to */
	int64_t fe_checked_ms;         /* when it was opened */
	/* Derived from fe_st and the name once, when filled (static.c). */
	char fe_etag[HTTP_ETAG_MAX];
	char fe_lastmod[HTTP_DATE_LEN + 1];
	const char *fe_type;
	char *fe_body;                 /* the file's fe_st.st_size bytes, or NULL: not kept */
	/* The table's own links (indices; -1 none). */
	int16_t fe_prev, fe_next;      /* recency list, most recent first */
	int16_t fe_chain;              /* next in the hash bucket, or in the free list */
};

#define FCACHE_BUCKETS 256 /* a power of two, at least 2 * FCACHE_MAX */

struct fcache {
	struct fcache_entry fc_e[FCACHE_MAX];
	int16_t fc_bucket[FCACHE_BUCKETS];
	int16_t fc_head, fc_tail;      /* most and least recently used */
	int16_t fc_free;               /* dropped slots, linked by fe_chain */
	size_t fc_n, fc_cap;
	size_t fc_used;                /* slots [0, fc_used) were ever handed out */
	size_t fc_bytes;               /* kept in fe_body, all entries together */
	const void *fc_owner;          /* what the entries were filled for (a generation's conf) */
	void (*fc_close)(int fd);
};

/* An empty table of at most cap (1..FCACHE_MAX, clamped) entries for owner. */
void fcache_init(struct fcache *c, size_t cap, const void *owner, void (*close_fn)(int));

/*
 * Make c the table of owner: nothing when it already is; otherwise drop
 * (and close) whatever it holds for another owner and start it empty with
 * at most cap entries. c starts zeroed (static storage).
 */
void fcache_adopt(struct fcache *c, size_t cap, const void *owner, void (*close_fn)(int));

/* Drop (and close) every entry. */
void fcache_flush(struct fcache *c);

/*
 * The fresh entry for key in scope, made the most recently used; NULL when
 * there is none. An entry FCACHE_TTL_MS old or more (or from a clock that
 * went back) is dropped here and NULL returned.
 */
struct fcache_entry *fcache_lookup(struct fcache *c, const void *scope, const char *key,
				   size_t klen, int64_t now_ms);

/*
 * Remember fd and st for key in scope (replacing an entry of the same key
 * and scope), evicting the least recently used entry when full. The table
 * owns fd from here. NULL when the key is too long to cache: fd stays the
 * caller's.
 */
struct fcache_entry *fcache_insert(struct fcache *c, const void *scope, const char *key,
				   size_t klen, int fd, const struct stat *st, int index,
				   int64_t now_ms);

/* Drop e (and close its descriptor, and free its bytes). */
void fcache_drop(struct fcache *c, struct fcache_entry *e);

/*
 * Keep a copy of the len bytes at body as e's file content (len is
 * e->fe_st.st_size; the caller read them), giving up the bytes of the least
 * recently used other entries while the table would hold more than
 * FCACHE_BYTES_MAX. The copy, or NULL when nothing is kept: len is 0 or
 * over FCACHE_BODY_MAX, or there is no memory.
 */
const char *fcache_body_keep(struct fcache *c, struct fcache_entry *e, const void *body, size_t len);

/* Give up e's bytes (if any); the entry and its descriptor stay. */
void fcache_body_forget(struct fcache *c, struct fcache_entry *e);

#endif
