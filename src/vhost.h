/*
 * vhost — which site a request is for: the Host (or an absolute-form
 * target's authority) normalised, and looked up among the virtual hosts.
 *
 * Contract: pure; no I/O, and no allocation but vhost_table_build's, made
 * once per configuration generation by the master (children inherit it).
 * A lookup costs a few binary searches (one for the exact name, one per
 * label of the name for the wildcards), never a scan over the vhosts.
 * Precedence (issue 9, as nginx's server_name): an exact name (a vhost's
 * server_name or one of its aliases) first, then the longest "*.suffix"
 * wildcard, then the vhost marked default = true, else the top level.
 * Names are compared in lower case; the configuration's are lowered when
 * the table is built, a request's by vhost_normalize.
 */
#ifndef PFHTTPD_VHOST_H
#define PFHTTPD_VHOST_H

#include <stddef.h>

struct conf;

/*
 * The longest host name kept: RFC 1035 2.3.4 caps a DNS name at 255
 * octets, and an IPv6 literal with its brackets is shorter. A longer Host
 * names no vhost of ours.
 */
#define VHOST_NAME_MAX 256

/* vhost_lookup's answer when the top level serves the request. */
#define VHOST_TOP (-1)

struct vhost_name {
	const char *name;            /* lower case; a wildcard's is its suffix with the dot: ".example.net" */
	size_t len;
	int vhost;                   /* index into conf.vhosts */
};

struct vhost_table {
	struct vhost_name *exact;    size_t nexact;   /* sorted by name (vhost_cmp) */
	struct vhost_name *wild;     size_t nwild;    /* sorted by suffix */
	char *names;                 /* the lowered names' storage */
	int dflt;                    /* the default = true vhost, or VHOST_TOP */
};

/*
 * Normalise a Host field value or an absolute-form target's authority (RFC
 * 9110 7.2, RFC 9112 3.2.2: uri-host [ ":" port ]) into out (cap bytes,
 * NUL-terminated): lower case, port dropped, one trailing dot dropped (the
 * DNS root: "example.com." is example.com), an IPv6 literal kept with its
 * brackets. Returns the length, 0 for no host at all (absent, empty, ":80"),
 * or -1 for a value that names no host of ours: a character a DNS name
 * cannot hold, an empty label ("a..b", two trailing dots), a bad port or
 * literal, or longer than VHOST_NAME_MAX - 1 (or cap - 1).
 */
int vhost_normalize(const char *s, size_t len, char *out, size_t cap);

/*
 * Build t for c's vhosts. 0, or -1 when out of memory (t is then empty and
 * may be freed). Two vhosts claiming one name (conf -t reports it): the
 * first in the file keeps it.
 */
int vhost_table_build(struct vhost_table *t, const struct conf *c);

void vhost_table_free(struct vhost_table *t);

/*
 * The vhost (an index into conf.vhosts) serving name[0..len), which
 * vhost_normalize returned; len 0 (no host, or a malformed one): the
 * default. VHOST_TOP: the top level.
 */
int vhost_lookup(const struct vhost_table *t, const char *name, size_t len);

#endif
