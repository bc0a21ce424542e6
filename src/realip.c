#include "realip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "http_chars.h"
#include "ipmatch.h"

enum realip_format realip_format_of(const char *header)
{
	return strcasecmp(header, "Forwarded") == 0 ? REALIP_FORWARDED : REALIP_XFF;
}

void realip_cursor_init(struct realip_cursor *c, enum realip_format fmt,
			const char *value, size_t len)
{
	c->p = value;
	c->end = len;
	c->done = false;
	c->fmt = fmt;
}

/* ---- one node: an address, "unknown", an obfuscated name ------------------- */

static bool realip_ieq(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && strncasecmp(s, lit, len) == 0;
}

/* RFC 7239 6.3: "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ), for a node or a port. */
static bool realip_obf(const char *s, size_t len)
{
	if (len < 2 || s[0] != '_')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!http_is_alpha((unsigned char)s[i]) && !http_is_digit((unsigned char)s[i]) &&
		    !strchr("._-", s[i]))
			return false;
	return true;
}

/* 1*5DIGIT (RFC 7239 6, RFC 3986 3.2.3), 1..65535: 0 does not name a port. */
static bool realip_port(const char *s, size_t len, unsigned *port)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!http_is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*port = v;
	return v >= 1 && v <= 65535;
}

/* inet_pton of s[0, len) into e->addr. false when not an address of family. */
static bool realip_addr(const char *s, size_t len, int family, struct realip_entry *e)
{
	char buf[INET6_ADDRSTRLEN];
	struct sockaddr_in *s4 = (struct sockaddr_in *)&e->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&e->addr;

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(&e->addr, 0, sizeof e->addr);
	e->addr.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		return inet_pton(AF_INET, buf, &s4->sin_addr) == 1;
	return inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1;
}

static void realip_set_port(struct realip_entry *e, unsigned port)
{
	in_port_t p = htons((uint16_t)port);

	e->has_port = true;
	if (e->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&e->addr)->sin_port = p;
	else
		((struct sockaddr_in6 *)&e->addr)->sin6_port = p;
}

/*
 * "host" or "host:port" after the host has been split off: host in
 * [h, h + hlen), the rest (":port" or "") in [r, r + rlen). An obfuscated
 * port (Forwarded only) leaves the address without one.
 */
static enum realip_kind realip_host_port(const char *h, size_t hlen, int family,
					 const char *r, size_t rlen, bool forwarded,
					 struct realip_entry *e)
{
	unsigned port;

	if (!realip_addr(h, hlen, family, e))
		return REALIP_BAD;
	if (rlen == 0)
		return REALIP_ADDR;
	if (r[0] != ':')
		return REALIP_BAD;
	if (forwarded && realip_obf(r + 1, rlen - 1))
		return REALIP_ADDR;
	if (!realip_port(r + 1, rlen - 1, &port))
		return REALIP_BAD;
	realip_set_port(e, port);
	return REALIP_ADDR;
}

/*
 * One node (RFC 7239 6: nodename [ ":" node-port ]), an X-Forwarded-For
 * entry too: "[v6]" with an optional port, "v4" with an optional port, and,
 * in X-Forwarded-For only, a bare "v6" (which cannot carry a port: RFC 7239
 * 6 requires the brackets for that reason, and in a quoted Forwarded value).
 * X-Forwarded-For has no standard, but Azure and some load balancers write
 * "v4:port" and "[v6]:port" into it, and nginx reads those since 1.11.0.
 */
static enum realip_kind realip_node(const char *s, size_t len, bool forwarded,
				    struct realip_entry *e)
{
	const char *colon = memchr(s, ':', len);
	size_t hlen = colon ? (size_t)(colon - s) : len;

	e->has_port = false;
	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return REALIP_BAD;
		hlen = (size_t)(close - s) + 1;
		return realip_host_port(s + 1, hlen - 2, AF_INET6, s + hlen, len - hlen,
					forwarded, e);
	}
	/* RFC 7239 6: "unknown" and obfuscated names are nodes that name no address. */
	if (realip_ieq(s, hlen, "unknown") || (forwarded && realip_obf(s, hlen)))
		return REALIP_UNKNOWN;
	if (!forwarded && colon && memchr(colon + 1, ':', len - hlen - 1))
		return realip_addr(s, len, AF_INET6, e) ? REALIP_ADDR : REALIP_BAD;
	return realip_host_port(s, hlen, AF_INET, s + hlen, len - hlen, forwarded, e);
}

/* ---- X-Forwarded-For -------------------------------------------------------- */

static void realip_trim(const char *p, size_t *start, size_t *end)
{
	while (*start < *end && http_is_ows((unsigned char)p[*start]))
		(*start)++;
	while (*end > *start && http_is_ows((unsigned char)p[*end - 1]))
		(*end)--;
}

/* The span of the last list element of p[0, end), quotes ignored: [*s, end). */
static size_t realip_xff_start(const struct realip_cursor *c)
{
	size_t i = c->end;

	while (i > 0 && c->p[i - 1] != ',')
		i--;
	return i;
}

/* ---- Forwarded (RFC 7239 4) --------------------------------------------------- */

/*
 * Where the last element of p[0, end) starts, scanning leftwards: the first
 * ',' outside a quoted-string. A quoted-string is read from its closing
 * quote back to the previous '"'; one holding '\' cannot be read
 * backwards with certainty (is the '\' itself escaped?), so it is refused
 * (SIZE_MAX), as is a quote left open.
 */
static size_t realip_fwd_start(const struct realip_cursor *c)
{
	size_t i = c->end;

	while (i > 0 && c->p[i - 1] != ',') {
		if (c->p[--i] != '"')
			continue;
		while (i > 0 && c->p[i - 1] != '"') {
			if (c->p[--i] == '\\')
				return SIZE_MAX;
		}
		if (i == 0)
			return SIZE_MAX;
		i--;
	}
	return i;
}

/* A value (RFC 7239 4: token / quoted-string) at p[*i, end): its text in *v, *vlen. */
static bool realip_fwd_value(const char *p, size_t *i, size_t end, const char **v, size_t *vlen)
{
	size_t j = *i;

	if (j < end && p[j] == '"') {
		const char *q = memchr(p + j + 1, '"', end - j - 1);

		if (!q)
			return false;
		*v = p + j + 1;
		*vlen = (size_t)(q - *v);
		*i = (size_t)(q - p) + 1;
		return true;
	}
	while (j < end && http_is_tchar((unsigned char)p[j]))
		j++;
	*v = p + *i;
	*vlen = j - *i;
	*i = j;
	return *vlen > 0;
}

/*
 * One forwarded-element, p[i, end) without OWS at either end:
 * [ pair ] *( ";" [ pair ] ), pair = token "=" value. OWS around ';' is
 * accepted (writers put it there, RFC 7239's own grammar has none); a
 * second for= is malformed (RFC 7239 4: a parameter at most once).
 */
static enum realip_kind realip_fwd_element(const char *p, size_t i, size_t end,
					   struct realip_entry *e)
{
	const char *node = NULL;
	size_t node_len = 0;

	while (i < end) {
		size_t name = i;
		const char *v;
		size_t vlen;

		while (i < end && http_is_tchar((unsigned char)p[i]))
			i++;
		if (i > name) {
			bool is_for = realip_ieq(p + name, i - name, "for");

			if (i == end || p[i++] != '=' || !realip_fwd_value(p, &i, end, &v, &vlen) ||
			    (is_for && node))
				return REALIP_BAD;
			if (is_for) {
				node = v;
				node_len = vlen;
			}
		}
		while (i < end && http_is_ows((unsigned char)p[i]))
			i++;
		if (i < end && p[i++] != ';')
			return REALIP_BAD;
		while (i < end && http_is_ows((unsigned char)p[i]))
			i++;
	}
	/* A proxy that appended an element without for= did not tell who its client was. */
	if (!node)
		return REALIP_UNKNOWN;
	return realip_node(node, node_len, true, e);
}

/* ---- the cursor ------------------------------------------------------------------- */

bool realip_prev(struct realip_cursor *c, struct realip_entry *e)
{
	while (!c->done) {
		size_t start = c->fmt == REALIP_FORWARDED ? realip_fwd_start(c) : realip_xff_start(c);
		size_t end = c->end;

		memset(e, 0, sizeof *e);
		if (start == SIZE_MAX) {
			c->done = true;
			e->kind = REALIP_BAD;
			return true;
		}
		c->done = start == 0;
		c->end = start > 0 ? start - 1 : 0;
		realip_trim(c->p, &start, &end);
		if (start == end)
			continue;    /* RFC 9110 5.6.1: an empty list element is ignored */
		if (c->fmt == REALIP_FORWARDED)
			e->kind = realip_fwd_element(c->p, start, end, e);
		else
			e->kind = realip_node(c->p + start, end - start, false, e);
		if (e->kind == REALIP_BAD)
			c->done = true;
		return true;
	}
	return false;
}

/* ---- the walk ---------------------------------------------------------------------- */

bool realip_walk(enum realip_format fmt, const char *name, const struct http_header *h,
		 size_t n, const struct ipmatch *trusted, size_t ntrusted,
		 const struct sockaddr_storage *peer, struct realip_entry *client)
{
	bool found = false;
	struct realip_cursor c;
	struct realip_entry e;

	/* A header from anyone else is whatever the client chose to write. */
	if (!ipmatch_any(trusted, ntrusted, peer))
		return false;
	for (size_t i = n; i-- > 0;) {
		if (!http_str_eq(h[i].name, name))
			continue;
		realip_cursor_init(&c, fmt, h[i].value.p, h[i].value.len);
		while (realip_prev(&c, &e)) {
			if (e.kind != REALIP_ADDR)
				return found;
			*client = e;
			found = true;
			if (!ipmatch_any(trusted, ntrusted, &e.addr))
				return true;
		}
	}
	return found;
}
