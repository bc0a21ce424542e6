/*
 * access — which access rule (access = ( ... ), struct conf_access) covers a
 * request path, and what that rule says about the client's address.
 *
 * Contract: pure; no I/O, no allocation. The rules of one site are matched
 * against the normalised path (uri_normalize: decoded, no dot-segments, no
 * "//"), so no spelling of a path can slip past a rule that another
 * spelling of it meets. The caller (auth.c's auth_request) asks for
 * credentials only after the address passed: both must pass (Apache's
 * RequireAll), and a denied address never costs a crypt(3) run.
 */
#ifndef PFHTTPD_ACCESS_H
#define PFHTTPD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct conf_access;

/*
 * Does rule prefix cover path[0..len)? A plain string prefix, as Apache's
 * <Location> and nginx's prefix location ("/admin" covers "/administrator"
 * too). One addition: a prefix ending in '/' also covers the path without
 * that slash ("/admin/" covers "/admin"), so the directory's own URL
 * (answered with a redirect to "/admin/", or a file or script named
 * "admin") is never outside the rule that protects what lies below it.
 */
bool access_prefix_covers(const char *prefix, const char *path, size_t len);

/*
 * The rule of rules[0..n) whose prefix covers path and is longest, or NULL.
 * Of two rules with the same prefix the first in the file wins (the loader
 * refuses such a pair; this keeps the answer defined anyway). Rules do not
 * add up: only the longest counts, so "/admin/public/" with an allow list
 * of every address opens that sub-path of a protected "/admin/" again
 * (nginx's nested locations, not Apache's merged <Location>s).
 */
const struct conf_access *access_pick(const struct conf_access *rules, size_t n,
				      const char *path, size_t len);

enum access_verdict {
	ACCESS_PASS,     /* nothing more to check */
	ACCESS_DENY,     /* 403: the address is outside the rule's allow list */
	ACCESS_AUTH,     /* the address passed (or no list); Basic credentials are required */
};

/*
 * The address step, taken first. allow == NULL: no list, every address
 * passes. allow != NULL with nallow 0 (an empty "allow = [ ];"): nobody
 * passes, as Apache's "Require ip" with nothing to match. An IPv4-mapped
 * IPv6 peer matches IPv4 entries (ipmatch.h). rule NULL: ACCESS_PASS.
 */
enum access_verdict access_decide(const struct conf_access *rule,
				  const struct sockaddr_storage *peer);

#endif
