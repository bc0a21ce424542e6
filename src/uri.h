/*
 * uri — request path to a safe, normalised path below a root (RFC 3986 5.2.4).
 *
 * Contract: pure; no I/O, no allocation. Takes the raw path of a request
 * (http_request.path, still percent-encoded), decodes it exactly once,
 * removes dot-segments and collapses repeated slashes, and refuses anything
 * that could name a file the server must not serve. The result always starts
 * with '/', never contains "//", "/./" or "/../", and never climbs above "/".
 * It keeps a trailing slash when the request had one (the server needs it to
 * tell a directory request from a file request).
 *
 * Returns 0 on success, or the status to answer:
 *   400  malformed: not starting with '/', a malformed %-escape, a decoded
 *        NUL or other control character, a ".." that would climb above the
 *        root (RFC 9112 3.2, RFC 3986 5.2.4), or room in out too small (out
 *        must hold len + 1 bytes; decoding never lengthens a path)
 *   403  well-formed but never served: a segment starting with '.'
 *        (dotfiles such as /.htpasswd or /.git/) other than "/.well-known"
 *        (RFC 8615)
 */
#ifndef PFHTTPD_URI_H
#define PFHTTPD_URI_H

#include <stddef.h>

int uri_normalize(const char *raw, size_t len, char *out, size_t outcap,
		  size_t *out_len);

/*
 * Percent-decode src[0..len) into dst (capacity cap, NUL-terminated).
 * '+' is not special (it is only in form bodies). Returns the decoded
 * length, or -1 on a malformed escape or lack of room.
 */
long uri_pct_decode(const char *src, size_t len, char *dst, size_t cap);

/*
 * Append src[0..len) to dst (capacity cap, NUL-terminated), percent-encoding
 * every byte that may not appear literally in a URI path. Returns the new
 * length of dst, or -1 if it would not fit. Used to build Location headers.
 */
long uri_pct_encode_path(char *dst, size_t cap, const char *src, size_t len);

#endif
