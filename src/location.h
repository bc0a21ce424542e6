/*
 * location — which location (locations = ( ... ), struct conf_location) a
 * request path falls in, and where a location's redirect sends it.
 *
 * Contract: pure; no I/O, no allocation. Paths are the normalised ones
 * (uri_normalize: decoded, no dot-segments, no "//"), as the access rules
 * match them, so no spelling of a path picks another location.
 */
#ifndef PFHTTPD_LOCATION_H
#define PFHTTPD_LOCATION_H

#include <stdbool.h>
#include <stddef.h>

struct conf_location;

/*
 * The location of locs[0..n) for path[0..len): one written "= /path" whose
 * path is exactly this one first (nginx's exact match), else the longest
 * prefix that covers it, with access_prefix_covers()'s rule (access.h): a
 * plain string prefix, and a prefix ending in '/' also covers the path
 * without it ("/static/" covers "/static"), so the directory's own URL,
 * which static.c redirects to "/static/", follows the same rule as what lies
 * below it. NULL when none does. Of two with the same path the first wins
 * (the loader refuses such a pair).
 */
const struct conf_location *location_pick(const struct conf_location *locs, size_t n,
					  const char *path, size_t len);

/* A request's parts that a redirect carries over. */
struct location_req {
	const char *path;            /* normalised, decoded */
	size_t len;
	const char *query;           /* as received, without '?' */
	size_t query_len;
	bool has_query;
};

/*
 * The Location for loc's redirect of r into buf (cap bytes, NUL-terminated):
 * base (the site's "http://host[:port]") when redirect.to is a path, then
 * redirect.to as written, then, unless redirect.exact, the rest of the path
 * after the location's prefix percent-encoded (uri_pct_encode_path) and
 * "?query" (Apache's Redirect: "/old/" to "/new/" sends "/old/a/b?x=1" to
 * "/new/a/b?x=1"). The length, or -1 when it does not fit.
 */
long location_redirect(const struct conf_location *loc, const char *base,
		       const struct location_req *r, char *buf, size_t cap);

#endif
