/*
 * access — the longest-prefix access rule for a path, and its address step.
 */
#include "access.h"

#include <string.h>

#include "conf.h"
#include "ipmatch.h"

bool access_prefix_covers(const char *prefix, const char *path, size_t len)
{
	size_t plen = strlen(prefix);

	if (plen <= len && memcmp(prefix, path, plen) == 0)
		return true;
	/* "/admin/" covers "/admin": the directory itself is never outside its rule. */
	return plen > 1 && prefix[plen - 1] == '/' && len == plen - 1 &&
	       memcmp(prefix, path, len) == 0;
}

const struct conf_access *access_pick(const struct conf_access *rules, size_t n,
				      const char *path, size_t len)
{
	const struct conf_access *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(rules[i].path);
		if ((!best || plen > best_len) && access_prefix_covers(rules[i].path, path, len)) {
			best = &rules[i];
			best_len = plen;
		}
	}
	return best;
}

enum access_verdict access_decide(const struct conf_access *rule,
				  const struct sockaddr_storage *peer)
{
	if (!rule)
		return ACCESS_PASS;
	if (rule->allow && !ipmatch_any(rule->allow, rule->nallow, peer))
		return ACCESS_DENY;
	return rule->realm ? ACCESS_AUTH : ACCESS_PASS;
}
