/*
 * location — the location of a path, and a location's redirect target; the
 * contract is in location.h.
 */
#include "location.h"

#include <string.h>

#include "access.h"
#include "conf.h"
#include "uri.h"

const struct conf_location *location_pick(const struct conf_location *locs, size_t n,
					  const char *path, size_t len)
{
	const struct conf_location *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++)
		if (locs[i].exact && strlen(locs[i].path) == len &&
		    memcmp(locs[i].path, path, len) == 0)
			return &locs[i];
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(locs[i].path);

		if (!locs[i].exact && (!best || plen > best_len) &&
		    access_prefix_covers(locs[i].path, path, len)) {
			best = &locs[i];
			best_len = plen;
		}
	}
	return best;
}

/* Appends s[0..len) to buf at *n; false when it does not fit (NUL included). */
static bool location_put(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	if (len >= cap - *n)
		return false;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
	return true;
}

long location_redirect(const struct conf_location *loc, const char *base,
		       const struct location_req *r, char *buf, size_t cap)
{
	const char *to = loc->redirect.to;
	size_t n = 0, plen = strlen(loc->path);
	long e;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	if (to[0] == '/' && !location_put(buf, cap, &n, base, strlen(base)))
		return -1;
	if (!location_put(buf, cap, &n, to, strlen(to)))
		return -1;
	if (loc->redirect.exact)
		return (long)n;
	/* An exact location, or "/static/" covering "/static": nothing is left. */
	if (!loc->exact && r->len > plen) {
		e = uri_pct_encode_path(buf, cap, r->path + plen, r->len - plen);
		if (e < 0)
			return -1;
		n = (size_t)e;
	}
	if (r->has_query && (!location_put(buf, cap, &n, "?", 1) ||
			     !location_put(buf, cap, &n, r->query, r->query_len)))
		return -1;
	return (long)n;
}
