/*
 * mime — file name to Content-Type.
 *
 * Contract: a built-in table covers the common web types; mime_load() may add
 * to or override it from a mime.types file (Apache/Debian format: "type
 * ext1 ext2 ...", '#' comments). The only I/O is mime_load() reading that
 * file; lookups are pure and case-insensitive on the extension. Text types
 * come back with "; charset=utf-8" appended, so callers can use the result
 * as the header value as it is.
 */
#ifndef PFHTTPD_MIME_H
#define PFHTTPD_MIME_H

#include <stdbool.h>
#include <stddef.h>

struct mime_table; /* opaque */

/* A table holding just the built-in types. NULL on allocation failure. */
struct mime_table *mime_new(void);

/*
 * Add the types of a mime.types file. Returns 0, or -1 with a message
 * "FILE:LINE: ..." (or "FILE: strerror") in err.
 */
int mime_load(struct mime_table *t, const char *file, char *err, size_t errlen);

void mime_free(struct mime_table *t);

/* The Content-Type for a path (its last extension); "application/octet-stream" if unknown. */
const char *mime_lookup(const struct mime_table *t, const char *path, size_t len);

/*
 * For a value mime_lookup() gave: the length of its media type, without
 * the "; charset=utf-8" the table appends to text types, and whether it is
 * one of them (*textual), so a path's own charset can take its place.
 */
size_t mime_type_len(const char *value, bool *textual);

#endif
