/*
 * conf_keys — every configuration key, one row each (conf_table.h), and the
 * checks of the values that have a shape of their own. The rows are in the
 * order the loader reads them: server_root first (the paths below resolve
 * against it), vhosts last (a vhost starts as a copy of the finished top
 * level). The man page (pfhttpd.conf(5)) and etc/pfhttpd.conf describe the
 * same keys in the same words.
 */
#include "conf.h"
#include "conf_table.h"
#include "log.h"
#include "logfmt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi_env.h"
#include "http_chars.h"
#include "ipmatch.h"
#include "suexec_check.h"

/* The setuid helper that runs scripts as cgi.user (make install puts it
 * there); the Makefile passes the installed path. */
#ifndef PFHTTPD_SUEXEC
#define PFHTTPD_SUEXEC "/usr/local/lib/pfhttpd/pfhttpd-suexec"
#endif

#define OFF_C(m) offsetof(struct conf, m)
#define OFF_S(m) offsetof(struct conf_site, m)

/* ---- checks of single values -------------------------------------------- */

/* RFC 3875 3.3: the alias is the URL prefix that selects scripts; both
 * slashes are required so "/cgi-binx" never matches "/cgi-bin". */
static int conf_check_alias(struct conf_ctx *x, const char *key, int line, char *v)
{
	size_t len = strlen(v);

	if (v[0] != '/' || v[len - 1] != '/')
		return conf_err(x, line, "%s: must start and end with '/'", key);
	return 0;
}

/*
 * The status page and the access rules match the request's normalised path
 * (uri.h), so the configured one must already be in that form, or no
 * request could ever reach it: printable ASCII without '%', '?', '#' or
 * '\\', no empty segment but a trailing slash, and no segment starting
 * with '.' (uri_normalize refuses those with 403).
 */
static bool conf_url_path_ok(const char *p)
{
	const char *seg = p + 1;

	if (p[0] != '/')
		return false;
	for (;;) {
		size_t len = strcspn(seg, "/");

		if ((len == 0 && seg[0] != '\0') || seg[0] == '.')
			return false;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)seg[i] <= 0x20 || (unsigned char)seg[i] >= 0x7f ||
			    strchr("%?#\\", seg[i]))
				return false;
		if (seg[len] == '\0')
			return true;
		seg += len + 1;
	}
}

static int conf_check_status_path(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (!conf_url_path_ok(v))
		return conf_err(x, line, "%s: must be a normalised URL path starting with '/', "
				"e.g. \"/server-status\"", key);
	return 0;
}

static int conf_check_access_path(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (!conf_url_path_ok(v))
		return conf_err(x, line, "%s: must be a normalised URL path starting with '/', "
				"e.g. \"/admin/\"", key);
	return 0;
}

/* A location's path: a normalised URL prefix, or nginx's exact form
 * "= /path" (conf_location_finish takes the "= " off). */
static int conf_check_location_path(struct conf_ctx *x, const char *key, int line, char *v)
{
	const char *p = v;

	if (p[0] == '=')
		p += 1 + strspn(p + 1, " ");
	if (!conf_url_path_ok(p))
		return conf_err(x, line, "%s: must be a normalised URL path starting with '/' "
				"(a prefix, e.g. \"/static/\"), or \"= /path\" for that path "
				"alone", key);
	return 0;
}

/*
 * RFC 9110 10.2.2: Location is a URI reference. to is sent as written (a
 * character a URI cannot hold literally must be written %XX), so it must be
 * printable ASCII without spaces, quotes or angle brackets, which also keeps
 * the field and the HTML body clean; and either a path ("/new/") or an
 * absolute http or https URL with a host.
 */
static int conf_check_redirect_to(struct conf_ctx *x, const char *key, int line, char *v)
{
	const char *host = NULL;

	for (const char *p = v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\^`{|}", *p))
			return conf_err(x, line, "%s: must be printable ASCII without spaces, "
					"quotes, '<', '>', '\\', '^', '`', '{', '|' or '}' "
					"(write them %%XX)", key);
	if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	if (v[0] == '/' && v[1] != '/')
		return 0;
	if (host && *host && !strchr("/?#", *host))
		return 0;
	return conf_err(x, line, "%s: must be a path starting with '/' or an absolute "
			"http:// or https:// URL with a host", key);
}

/* An index name is looked up inside a directory; a '/' or a dot segment
 * would let it name a file elsewhere. */
static int conf_check_index(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (!*v || strchr(v, '/') || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return conf_err(x, line, "%s: '%s' must be a file name without '/'", key, v);
	return 0;
}

/* The path is a URL path served from document_root, so it is absolute. */
static int conf_check_page_path(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (v[0] != '/')
		return conf_err(x, line, "%s: must start with '/'", key);
	return 0;
}

static int conf_check_extension(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (v[0] != '.' || v[1] == '\0' || strchr(v, '/'))
		return conf_err(x, line, "%s: must start with '.', e.g. \".php\"", key);
	return 0;
}

/*
 * access_log_format: compiled here, at load, so an unknown directive is a
 * FILE:LINE error at -t and at start, never a surprise in the log; log.c
 * compiles it again (it cannot fail then) where the lines are written.
 */
static int conf_check_log_format(struct conf_ctx *x, const char *key, int line, char *v)
{
	struct logfmt f;
	char why[256];

	if (logfmt_compile(&f, v, why, sizeof(why)) < 0)
		return conf_err(x, line, "%s: %s", key, why);
	return 0;
}

/* The interpreter is exec'd directly, never looked up in PATH. */
static int conf_check_absolute(struct conf_ctx *x, const char *key, int line, char *v)
{
	if (v[0] != '/')
		return conf_err(x, line, "%s: must be an absolute path", key);
	return 0;
}

/* RFC 7617 2: the realm goes out as a quoted-string in WWW-Authenticate;
 * without '"' and '\\' it needs no escaping, and printable ASCII keeps the
 * header clean (RFC 9110 5.5). */
static int conf_check_realm(struct conf_ctx *x, const char *key, int line, char *v)
{
	for (const char *p = v; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			return conf_err(x, line, "%s: must be printable ASCII without '\"' "
					"or '\\'", key);
	return 0;
}

/* Below each home directory: relative, no '.' or '..' segment, no empty
 * one, so "~alice/" can never leave alice's home. */
static int conf_check_userdir(struct conf_ctx *x, const char *key, int line, char *v)
{
	const char *seg = v;

	for (;;) {
		size_t len = strcspn(seg, "/");

		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return conf_err(x, line, "%s: must be a relative path without '.' or "
					"'..' segments or a '/' at either end, e.g. \"public_html\"",
					key);
		if (seg[len] == '\0')
			return 0;
		seg += len + 1;
	}
}

/* ---- per-path settings (issue 10) ------------------------------------------- */

/*
 * Fields the server itself owns in every response: the framing and the
 * connection's (RFC 9112 6, 9; RFC 9110 7.6.1's hop-by-hop fields, 7.8
 * Upgrade, 10.1.4 TE, 6.6.2 Trailer; Content-Range: the bytes a 206
 * carries), Date (RFC 9110 6.6.1: the origin's clock) and Server
 * (server_tokens decides it). A configured copy would contradict the
 * real one and could break the framing for every client.
 */
static const char *const conf_header_owned[] = {
	"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade",
	"Trailer", "TE", "Proxy-Connection", "Content-Range", "Date", "Server", NULL,
};

/* RFC 9110 5.5: VCHAR, obs-text, SP and HTAB; no other control (CR, LF, NUL...). */
static bool conf_field_value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/*
 * "Name: value": the name a token (RFC 9110 5.1), the value a field value
 * (5.5) without leading or trailing white space, not empty, not a field
 * of the server's own. Stored with the white space after the colon made
 * one space ("Name:value" stays so: the entry cannot grow in place), and
 * none at the end; resp_end sends "Name: value" either way.
 */
static int conf_check_header(struct conf_ctx *x, const char *key, int line, char *v)
{
	size_t nlen = strcspn(v, ":"), vlen;
	char *val;

	for (size_t i = 0; i < nlen; i++)
		if (!http_is_tchar((unsigned char)v[i]))
			return conf_err(x, line, "%s: '%s': the field name must be a token "
					"(RFC 9110 5.1), e.g. \"X-Content-Type-Options: nosniff\"",
					key, v);
	if (nlen == 0 || v[nlen] != ':')
		return conf_err(x, line, "%s: '%s' must be \"Name: value\"", key, v);
	val = v + nlen + 1 + strspn(v + nlen + 1, " \t");
	vlen = strlen(val);
	while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	val[vlen] = '\0';
	if (!conf_field_value_ok(val))
		return conf_err(x, line, "%s: '%.*s': the value holds a control character "
				"(RFC 9110 5.5)", key, (int)nlen, v);
	if (vlen == 0)
		return conf_err(x, line, "%s: '%.*s' has no value", key, (int)nlen, v);
	for (size_t i = 0; conf_header_owned[i]; i++)
		if (strlen(conf_header_owned[i]) == nlen && strncasecmp(v, conf_header_owned[i], nlen) == 0)
			return conf_err(x, line, "%s: '%s' is the server's own field (framing, "
					"connection, Date, Server): it cannot be set", key,
					conf_header_owned[i]);
	if (val > v + nlen + 1) {
		v[nlen + 1] = ' ';
		memmove(v + nlen + 2, val, vlen + 1);
	}
	return 0;
}

/* A variable an administrator gives scripts (cgi_env, pass_env). */
static int conf_check_env_name(struct conf_ctx *x, const char *key, int line,
			       const char *name, size_t len)
{
	if (!cgi_env_name_valid(name, len))
		return conf_err(x, line, "%s: '%.*s' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)",
				key, (int)len, name);
	/* RFC 3875 4.1: the meta-variables are the server's; a script must be able to trust them. */
	if (cgi_env_reserved(name, len))
		return conf_err(x, line, "%s: '%.*s' would shadow a CGI meta-variable (HTTP_*, "
				"REMOTE_*, SERVER_*, REDIRECT_*, PFHTTPD_*, PATH_INFO, ...): the server "
				"sets it", key, (int)len, name);
	if (suexec_env_denied(name, len))
		return conf_err(x, line, "%s: '%.*s' steers the dynamic linker, a shell or an "
				"interpreter (LD_*, BASH_ENV, PERL5OPT, PHPRC, PATH: cgi.path...): "
				"refused", key, (int)len, name);
	return 0;
}

/* cgi_env's entries come as "NAME=value" (conf.c's CONF_T_ENV). */
static int conf_check_cgi_env(struct conf_ctx *x, const char *key, int line, char *v)
{
	return conf_check_env_name(x, key, line, v, strcspn(v, "="));
}

static int conf_check_pass_env(struct conf_ctx *x, const char *key, int line, char *v)
{
	return conf_check_env_name(x, key, line, v, strlen(v));
}

/* RFC 9110 8.3.2: charset = token; "" (none) is allowed by the row. */
static int conf_check_charset(struct conf_ctx *x, const char *key, int line, char *v)
{
	for (const char *p = v; *p; p++)
		if (!http_is_tchar((unsigned char)*p))
			return conf_err(x, line, "%s: '%s' is not a charset name (a token, RFC 9110 "
					"8.3.2, e.g. \"iso-8859-1\"), or \"\" for none", key, v);
	return 0;
}

/* ---- host names (vhosts) -------------------------------------------------- */

/* RFC 1123 2.1 / RFC 1035 2.3.4: labels of letters, digits and '-', at
 * most 63 bytes, at most 253 in all. A dotted IPv4 address is one too. */
static bool conf_hostname_ok(const char *h)
{
	size_t total = strlen(h);
	const char *label = h;

	if (total == 0 || total > 253)
		return false;
	for (;;) {
		size_t len = strspn(label, "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

		if (len == 0 || len > 63)
			return false;
		if (label[len] == '\0')
			return true;
		if (label[len] != '.')
			return false;
		label += len + 1;
	}
}

/* An IPv6 literal as the Host header carries it: in brackets (RFC 3986 3.2.2). */
static bool conf_ipv6_ok(const char *h)
{
	size_t len = strlen(h);
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (len < 3 || h[0] != '[' || h[len - 1] != ']' || len - 2 >= sizeof buf)
		return false;
	memcpy(buf, h + 1, len - 2);
	buf[len - 2] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* Lower case, one trailing dot stripped: the form the Host header is
 * compared in (vhost selection normalises it the same way). */
static void conf_host_normalise(char *v)
{
	size_t len = strlen(v);

	for (char *p = v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (len > 1 && v[len - 1] == '.' && v[0] != '[')
		v[len - 1] = '\0';
}

/* The top level's server_name is any string (it names the server in CGI
 * variables and redirects); a vhost's is matched against Host, so it must
 * be a name a Host header can carry. */
/* Normalises v in place; false if it is not a host name (or, wild, a
 * "*.domain" wildcard). written gets v as it was, for the message. */
static bool conf_host_check(char *v, bool wild, char *written, size_t size)
{
	snprintf(written, size, "%s", v);
	conf_host_normalise(v);
	if (wild)
		return v[0] == '*' && v[1] == '.' && conf_hostname_ok(v + 2);
	return conf_hostname_ok(v) || conf_ipv6_ok(v);
}

static int conf_check_server_name(struct conf_ctx *x, const char *key, int line, char *v)
{
	char written[300];

	if (!x->vhost_prefix)
		return 0;
	if (!conf_host_check(v, false, written, sizeof written))
		return conf_err(x, line, "%s: '%s' is not a host name (letters, digits, '-' "
				"and '.'), an IPv4 address or an IPv6 address in brackets",
				key, written);
	x->vhost = v;
	return 0;
}

/* "*.example.net": one leading "*." and a host name after it. */
static int conf_check_vhost_alias(struct conf_ctx *x, const char *key, int line, char *v)
{
	char written[300];

	if (!conf_host_check(v, v[0] == '*', written, sizeof written))
		return conf_err(x, line, "%s: '%s' is not a host name, an IP address or "
				"a \"*.domain\" wildcard", key, written);
	return 0;
}

/* ---- relations between keys ------------------------------------------------ */

/* "lo must not be greater than hi", blamed on lo's line when lo is set. */
static const struct conf_order {
	const char *group, *lo, *hi;
	size_t lo_off, hi_off;
	bool size;                   /* size_t fields, else int */
	bool blame_hi;               /* report hi's line first (hi is the odd one) */
} conf_orders[] = {
	{ "workers", "start", "max", OFF_C(workers.start), OFF_C(workers.max), false, false },
	{ "workers", "min_spare", "max_spare", OFF_C(workers.min_spare),
	  OFF_C(workers.max_spare), false, false },
	{ "workers", "max_spare", "max", OFF_C(workers.max_spare), OFF_C(workers.max),
	  false, false },
	/* The request line is part of the header section (RFC 9112 2.1). */
	{ "limits", "request_line", "header_bytes", OFF_C(limits.request_line),
	  OFF_C(limits.header_bytes), true, true },
};

static long long conf_fetch(const struct conf *c, size_t off, bool size)
{
	int i;
	size_t z;

	if (size) {
		memcpy(&z, (const char *)c + off, sizeof z);
		return (long long)z;
	}
	memcpy(&i, (const char *)c + off, sizeof i);
	return i;
}

/* Checked after both sides have their final value, so a default can
 * conflict with a value set in the file. */
static int conf_check_orders(struct conf_ctx *x, const struct conf_frame *f)
{
	for (size_t i = 0; i < sizeof conf_orders / sizeof conf_orders[0]; i++) {
		const struct conf_order *o = &conf_orders[i];
		long long lo = conf_fetch(x->c, o->lo_off, o->size);
		long long hi = conf_fetch(x->c, o->hi_off, o->size);
		int l1 = conf_member_line(f->grp, o->blame_hi ? o->hi : o->lo);
		int l2 = conf_member_line(f->grp, o->blame_hi ? o->lo : o->hi);
		int line = l1 ? l1 : l2 ? l2 : f->line;

		if (strcmp(o->group, f->prefix) != 0 || lo <= hi)
			continue;
		if (o->blame_hi)
			return conf_err(x, line, "%s.%s: %lld must not be less than %s.%s (%lld)",
					o->group, o->hi, hi, o->group, o->lo, lo);
		return conf_err(x, line, "%s.%s: %lld must not be greater than %s.%s (%lld)",
				o->group, o->lo, lo, o->group, o->hi, hi);
	}
	return 0;
}

static int conf_error_page_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	const struct conf_error_page *p = f->b->elem;

	for (size_t i = 1; i <= f->index; i++)
		if (p[-(ptrdiff_t)i].status == p->status)
			return conf_err(x, conf_member_line(f->grp, "status"),
					"%s.status: duplicate error page for status %d",
					f->prefix, p->status);
	return 0;
}

static int conf_handler_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	const struct conf_cgi_handler *h = f->b->elem;

	for (size_t i = 1; i <= f->index; i++)
		if (strcmp(h[-(ptrdiff_t)i].extension, h->extension) == 0)
			return conf_err(x, conf_member_line(f->grp, "extension"),
					"%s.extension: duplicate handler for '%s'",
					f->prefix, h->extension);
	return 0;
}

/* cgi.user and cgi.group are one identity: a cgi group that names user
 * without group means the user's primary group (resolved at run time), even
 * where a vhost would otherwise inherit the top level's group. */
static int conf_cgi_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	struct conf_cgi *cgi = &f->b->site->cgi;
	const config_setting_t *user = config_setting_get_member(f->grp, "user");
	const config_setting_t *group = config_setting_get_member(f->grp, "group");

	if (group && !user)
		return conf_err(x, conf_line(group), "%s.group: needs %s.user in the same "
				"group (the scripts' group belongs to their user)",
				f->prefix, f->prefix);
	if (user && !group) {
		free(cgi->group);
		cgi->group = NULL;
		cgi->group_line = 0;
	}
	return 0;
}

/* Longest prefix wins at run time, so two rules for one path would leave
 * one of them dead. */
static int conf_access_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	const struct conf_access *a = f->b->elem;

	if (!config_setting_get_member(f->grp, "allow") &&
	    !config_setting_get_member(f->grp, "auth"))
		return conf_err(x, f->line, "%s: needs allow, auth or both", f->prefix);
	for (size_t i = 1; i <= f->index; i++)
		if (strcmp(a[-(ptrdiff_t)i].path, a->path) == 0)
			return conf_err(x, conf_member_line(f->grp, "path"),
					"%s.path: '%s' already has a rule (line %d)",
					f->prefix, a->path, a[-(ptrdiff_t)i].line);
	return 0;
}

/* RFC 9110 15.4: the redirections that name a new URL in Location. 300
 * and 304 do not; 305 and 306 are deprecated or unused. */
static int conf_redirect_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	struct conf_location *l = f->b->elem;
	int st = l->redirect.status;

	if (!config_setting_get_member(f->grp, "status"))
		l->redirect.status = 302;
	else if (st != 301 && st != 302 && st != 303 && st != 307 && st != 308)
		return conf_err(x, conf_member_line(f->grp, "status"), "%s.status: %d is not "
				"one of 301, 302, 303, 307, 308", f->prefix, st);
	return 0;
}

/*
 * The rest of the path after a prefix location is appended to redirect.to
 * (as Apache's Redirect does), so both end in '/' or neither: "/old/" to
 * "/new" would turn "/old/a" into "/newa". A query or fragment in to has
 * nothing to append after; it needs exact = true.
 */
static int conf_redirect_shape(struct conf_ctx *x, const struct conf_frame *f,
			       const struct conf_location *l)
{
	const config_setting_t *r = config_setting_get_member(f->grp, "redirect");
	const char *to = l->redirect.to;

	if (!to || l->redirect.exact)
		return 0;
	if (strpbrk(to, "?#"))
		return conf_err(x, conf_member_line(r, "to"), "%s.redirect.to: a query or "
				"fragment in '%s' needs redirect.exact = true (the request's "
				"path and query would be appended after it)", f->prefix, to);
	if (!l->exact && (l->path[strlen(l->path) - 1] == '/') != (to[strlen(to) - 1] == '/'))
		return conf_err(x, conf_member_line(r, "to"), "%s.redirect.to: '%s' and the "
				"path '%s' must both end in '/' or neither (the rest of the path "
				"is appended to it), or set redirect.exact = true", f->prefix,
				to, l->path);
	return 0;
}

/* Two locations for one path would leave one of them dead: refused, as
 * nginx refuses a duplicate location. */
static int conf_location_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	struct conf_location *l = f->b->elem;

	l->path_line = conf_member_line(f->grp, "path");
	if (l->path[0] == '=') {
		size_t skip = 1 + strspn(l->path + 1, " ");

		memmove(l->path, l->path + skip, strlen(l->path + skip) + 1);
		l->exact = true;
	}
	for (size_t i = 1; i <= f->index; i++) {
		const struct conf_location *o = l - i;

		if (o->exact == l->exact && strcmp(o->path, l->path) == 0)
			return conf_err(x, l->path_line, "%s.path: '%s%s' also at line %d",
					f->prefix, l->exact ? "= " : "", l->path, o->path_line);
	}
	return conf_redirect_shape(x, f, l);
}

static bool conf_location_defined(const struct conf_location *locs, size_t n,
				  const struct conf_location *l)
{
	for (size_t i = 0; i < n; i++)
		if (locs[i].exact == l->exact && strcmp(locs[i].path, l->path) == 0)
			return true;
	return false;
}

static const struct conf_table conf_location_table;

/* A vhost that names locations: its own, then the top level's whose path it
 * does not define (one without locations kept the top level's copy). */
static int conf_vhost_locations(struct conf_ctx *x, const struct conf_frame *f)
{
	struct conf_site *v = f->b->site;
	const struct conf_site *top = &x->c->site;
	const size_t own = v->nlocations;

	if (!config_setting_get_member(f->grp, "locations"))
		return 0;
	for (size_t i = 0; i < top->nlocations; i++) {
		struct conf_location *grown;

		if (conf_location_defined(v->locations, own, &top->locations[i]))
			continue;
		grown = realloc(v->locations, (v->nlocations + 1) * sizeof *grown);
		if (!grown)
			return conf_err(x, 0, "%s", strerror(errno));
		v->locations = grown;
		memset(&v->locations[v->nlocations], 0, sizeof *grown);
		v->nlocations++;
		if (conf_elem_copy(x, &conf_location_table, &v->locations[v->nlocations - 1],
				   &top->locations[i]) < 0)
			return -1;
	}
	return 0;
}

/* The line of a vhost's name n: 0 its server_name, then its aliases. */
static int conf_vhost_name_line(const config_setting_t *vg, size_t n)
{
	const config_setting_t *aliases = config_setting_get_member(vg, "aliases");

	if (n == 0)
		return conf_member_line(vg, "server_name");
	return conf_line(config_setting_get_elem(aliases, (unsigned)(n - 1)));
}

static const char *conf_vhost_name(const struct conf_site *s, size_t n)
{
	return n == 0 ? s->server_name : s->aliases[n - 1];
}

/* Is name n of vhost v claimed by an earlier vhost, or earlier in v itself? */
static int conf_vhost_claimed(struct conf_ctx *x, const struct conf_frame *f,
			      const struct conf_site *v, size_t n)
{
	const char *name = conf_vhost_name(v, n);
	const char *key = n == 0 ? "server_name" : "aliases";

	for (size_t i = 0; i <= f->index; i++) {
		const struct conf_site *o = v - (f->index - i);
		size_t own = i == f->index ? n : 1 + o->naliases;

		for (size_t m = 0; m < own; m++) {
			if (strcmp(conf_vhost_name(o, m), name) != 0)
				continue;
			return conf_err(x, conf_vhost_name_line(f->grp, n),
					"%s.%s: '%s' is already claimed by vhosts[%zu] (line %d)",
					f->prefix, key, name, i,
					conf_vhost_name_line(config_setting_get_elem(f->list,
							     (unsigned)i), m));
		}
	}
	return 0;
}

static int conf_vhost_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	const struct conf_site *v = f->b->site;

	if (!v->server_name)
		return conf_err(x, f->line, "%s.server_name: required but not set", f->prefix);
	for (size_t n = 0; n <= v->naliases; n++)
		if (conf_vhost_claimed(x, f, v, n) < 0)
			return -1;
	for (size_t i = 0; v->is_default && i < f->index; i++)
		if (v[-(ptrdiff_t)(f->index - i)].is_default)
			return conf_err(x, conf_member_line(f->grp, "default"),
					"%s.default: only one vhost may be the default; "
					"vhosts[%zu] (line %d) already is", f->prefix, i,
					conf_member_line(config_setting_get_elem(f->list,
							 (unsigned)i), "default"));
	return conf_vhost_locations(x, f);
}

/* A vhost starts as the top level's site and overrides what it names. */
static int conf_vhost_init(struct conf_ctx *x, void *elem, const struct conf_bases *b)
{
	return conf_site_copy(x, elem, &b->conf->site);
}

/* Every location's effective settings, against the site it ends up in
 * (conf.h): once every site's own settings are final. */
static int conf_site_locations(struct conf_ctx *x, struct conf_site *s)
{
	for (size_t i = 0; i < s->nlocations; i++) {
		struct conf_location *l = &s->locations[i];

		conf_pathset_free(&l->set);
		if (conf_pathset_copy(x, &l->set, &s->set) < 0 ||
		    conf_pathset_merge(x, &l->set, &l->own, l->own_mask) < 0)
			return -1;
	}
	return 0;
}

/* Without listen (and proxy_protocol.listen), port 80 on every IPv4 address. */
static int conf_root_finish(struct conf_ctx *x, const struct conf_frame *f)
{
	struct conf *c = x->c;

	(void)f;
	if (conf_site_locations(x, &c->site) < 0)
		return -1;
	for (size_t i = 0; i < c->nvhosts; i++)
		if (conf_site_locations(x, &c->vhosts[i]) < 0)
			return -1;
	if (c->nlisten > 0)
		return 0;
	return conf_add_listen(x, "listen", "0.0.0.0:80", 0, false);
}

/* ---- the tables ------------------------------------------------------------ */

/* Integers: name, field, range and default (top level only). */
#define TOP_INT(n, type_, m, lo, hi, d) \
	{ .name = n, .type = type_, .scope = CONF_TOP, .base = CONF_B_CONF, \
	  .off = OFF_C(m), .min = lo, .max = hi, .idflt = d }
#define SITE_I64(n, m, lo, hi, d) \
	{ .name = n, .type = CONF_T_I64, .scope = CONF_ALL, .base = CONF_B_SITE, \
	  .off = OFF_S(m), .min = lo, .max = hi, .idflt = d }

/* The pool never grows past 4096 workers: the scoreboard is sized from it. */
static const struct conf_key conf_workers_keys[] = {
	TOP_INT("start", CONF_T_INT, workers.start, 1, 4096, 8),
	TOP_INT("min_spare", CONF_T_INT, workers.min_spare, 0, 4096, 4),
	TOP_INT("max_spare", CONF_T_INT, workers.max_spare, 1, 4096, 16),
	TOP_INT("max", CONF_T_INT, workers.max, 1, 4096, 150),
	TOP_INT("max_requests", CONF_T_INT, workers.max_requests, 0, INT_MAX, 10000),
	{ .name = NULL }
};

/* keepalive = 0 turns persistent connections off (RFC 9112 9.3 lets a server
 * close after any response); every other phase needs a real deadline. */
static const struct conf_key conf_timeouts_keys[] = {
	TOP_INT("header", CONF_T_INT, timeouts.header, 1, 86400, 10),
	TOP_INT("body", CONF_T_INT, timeouts.body, 1, 86400, 30),
	TOP_INT("keepalive", CONF_T_INT, timeouts.keepalive, 0, 86400, 5),
	TOP_INT("send", CONF_T_INT, timeouts.send, 1, 86400, 30),
	TOP_INT("cgi", CONF_T_INT, timeouts.cgi, 1, 86400, 60),
	TOP_INT("graceful", CONF_T_INT, timeouts.graceful, 1, 86400, 30),
	{ .name = NULL }
};

/* RFC 9112 3 recommends supporting request lines of at least 8000 octets;
 * 256 is a floor below which ordinary URLs break. */
static const struct conf_key conf_limits_keys[] = {
	TOP_INT("request_line", CONF_T_SIZE, limits.request_line, 256, 1048576, 8192),
	TOP_INT("header_bytes", CONF_T_SIZE, limits.header_bytes, 1024, 16777216, 16384),
	TOP_INT("headers", CONF_T_SIZE, limits.headers, 1, 10000, 100),
	TOP_INT("body", CONF_T_I64, limits.body, 0, INT64_C(1) << 40, 10485760),
	/* Bytes per second; 1 GiB/s is beyond any client worth cutting. 0 turns each off. */
	TOP_INT("min_send_rate", CONF_T_INT, limits.min_send_rate, 0, 1073741824, 1024),
	TOP_INT("min_body_rate", CONF_T_INT, limits.min_body_rate, 0, 1073741824, 1024),
	/* 0 turns it off; more than the scoreboard's address table holds would mean nothing. */
	TOP_INT("connections_per_ip", CONF_T_INT, limits.connections_per_ip, 0, 1000000, 0),
	{ .name = NULL }
};

static const struct conf_table conf_workers_table = { .keys = conf_workers_keys,
						      .finish = conf_check_orders };
static const struct conf_table conf_timeouts_table = { .keys = conf_timeouts_keys };
static const struct conf_table conf_limits_table = { .keys = conf_limits_keys,
						     .finish = conf_check_orders };

static const struct conf_key conf_cgi_limits_keys[] = {
	SITE_I64("cpu", cgi.limits.cpu, 0, INT64_MAX, 30),
	SITE_I64("memory", cgi.limits.memory, 0, INT64_MAX, 268435456),
	SITE_I64("processes", cgi.limits.processes, 0, INT64_MAX, 64),
	{ .name = NULL }
};
static const struct conf_table conf_cgi_limits_table = { .keys = conf_cgi_limits_keys };

#define ELEM(T, m) offsetof(T, m)

static const struct conf_key conf_handler_keys[] = {
	{ .name = "extension", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_cgi_handler, extension),
	  .check = conf_check_extension },
	{ .name = "interpreter", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_cgi_handler, interpreter),
	  .line_off = ELEM(struct conf_cgi_handler, line), .check = conf_check_absolute },
	{ .name = NULL }
};
static const struct conf_table conf_handler_table = {
	.keys = conf_handler_keys, .elem_size = sizeof(struct conf_cgi_handler),
	.finish = conf_handler_finish,
};

/* The lowest ids suEXEC accepts by default (Apache's AP_UID_MIN is 100;
 * Debian gives people 1000 and up); never 0. */
#define CONF_ID_MIN 1000

static const struct conf_key conf_cgi_keys[] = {
	{ .name = "alias", .type = CONF_T_STR, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(cgi.alias), .dflt = "/cgi-bin/", .check = conf_check_alias },
	{ .name = "path", .type = CONF_T_STR, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(cgi.path), .dflt = "/usr/local/bin:/usr/bin:/bin" },
	{ .name = "pass_authorization", .type = CONF_T_BOOL, .scope = CONF_ALL,
	  .base = CONF_B_SITE, .off = OFF_S(cgi.pass_authorization) },
	{ .name = "directory", .type = CONF_T_DIR, .scope = CONF_ALL, .flags = CONF_F_GROUPLINE,
	  .base = CONF_B_SITE, .off = OFF_S(cgi.directory),
	  .line_off = OFF_S(cgi.directory_line), .dflt = "cgi-bin" },
	{ .name = "handlers", .type = CONF_T_GROUPS, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(cgi.handlers), .count_off = OFF_S(cgi.nhandlers),
	  .sub = &conf_handler_table },
	{ .name = "user", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_GROUPLINE,
	  .base = CONF_B_SITE, .off = OFF_S(cgi.user), .line_off = OFF_S(cgi.user_line) },
	{ .name = "group", .type = CONF_T_STR, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(cgi.group), .line_off = OFF_S(cgi.group_line) },
	SITE_I64("min_uid", cgi.min_uid, 1, INT_MAX, CONF_ID_MIN),
	SITE_I64("min_gid", cgi.min_gid, 1, INT_MAX, CONF_ID_MIN),
	{ .name = "limits", .type = CONF_T_GROUP, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .sub = &conf_cgi_limits_table },
	{ .name = NULL }
};
static const struct conf_table conf_cgi_table = { .keys = conf_cgi_keys,
						  .finish = conf_cgi_finish };

/* Without an allow list only the host itself may look (loopback, both families). */
static const char *const conf_status_allow[] = { "127.0.0.1", "::1", NULL };

static const struct conf_key conf_status_keys[] = {
	{ .name = "path", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_LATE,
	  .base = CONF_B_SITE, .off = OFF_S(status.path), .dflt = "/server-status",
	  .check = conf_check_status_path },
	/* An empty list would turn the page on for nobody: say so instead. */
	{ .name = "allow", .type = CONF_T_IPS, .scope = CONF_ALL,
	  .flags = CONF_F_LATE | CONF_F_NONEMPTY, .base = CONF_B_SITE,
	  .off = OFF_S(status.allow), .count_off = OFF_S(status.nallow),
	  .ldflt = conf_status_allow,
	  .empty_msg = "must not be empty (remove the status group to turn the page off)" },
	{ .name = NULL }
};
static const struct conf_table conf_status_table = { .keys = conf_status_keys };

static const struct conf_key conf_error_page_keys[] = {
	{ .name = "status", .type = CONF_T_INT, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_error_page, status),
	  .min = 400, .max = 599 },
	{ .name = "path", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_error_page, path),
	  .line_off = ELEM(struct conf_error_page, line), .check = conf_check_page_path },
	{ .name = NULL }
};
static const struct conf_table conf_error_page_table = {
	.keys = conf_error_page_keys, .elem_size = sizeof(struct conf_error_page),
	.finish = conf_error_page_finish,
};

static const struct conf_key conf_auth_keys[] = {
	{ .name = "realm", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_access, realm),
	  .check = conf_check_realm },
	{ .name = "user_file", .type = CONF_T_PATH, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_access, user_file),
	  .line_off = ELEM(struct conf_access, user_file_line) },
	{ .name = NULL }
};
static const struct conf_table conf_auth_table = { .keys = conf_auth_keys };

/* An empty allow list is accepted: nobody passes (403 for all). */
static const struct conf_key conf_access_keys[] = {
	{ .name = "path", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = ELEM(struct conf_access, path),
	  .check = conf_check_access_path },
	{ .name = "allow", .type = CONF_T_IPS, .scope = CONF_ALL, .base = CONF_B_ELEM,
	  .off = ELEM(struct conf_access, allow), .count_off = ELEM(struct conf_access, nallow) },
	{ .name = "auth", .type = CONF_T_GROUP, .scope = CONF_ALL, .base = CONF_B_ELEM,
	  .sub = &conf_auth_table },
	{ .name = NULL }
};
static const struct conf_table conf_access_table = {
	.keys = conf_access_keys, .elem_size = sizeof(struct conf_access),
	.elem_line_off = ELEM(struct conf_access, line), .finish = conf_access_finish,
};

static const struct conf_key conf_userdir_keys[] = {
	{ .name = "directory", .type = CONF_T_STR, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(userdir.directory), .dflt = "public_html", .check = conf_check_userdir },
	TOP_INT("min_uid", CONF_T_I64, userdir.min_uid, 1, INT_MAX, CONF_ID_MIN),
	{ .name = "exclude", .type = CONF_T_STRS, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(userdir.exclude), .count_off = OFF_C(userdir.nexclude) },
	{ .name = NULL }
};
static const struct conf_table conf_userdir_table = { .keys = conf_userdir_keys };

static const struct conf_key conf_proxy_keys[] = {
	{ .name = "listen", .type = CONF_T_LISTEN, .scope = CONF_TOP,
	  .flags = CONF_F_REQUIRED | CONF_F_NONEMPTY | CONF_F_PROXY, .base = CONF_B_CONF,
	  .off = OFF_C(listen), .count_off = OFF_C(nlisten), .empty_msg = "must not be empty" },
	/* A PROXY header from anyone else would let a client pick its own address. */
	{ .name = "trusted", .type = CONF_T_IPS, .scope = CONF_TOP,
	  .flags = CONF_F_REQUIRED | CONF_F_NONEMPTY, .base = CONF_B_CONF,
	  .off = OFF_C(proxy.trusted), .count_off = OFF_C(proxy.ntrusted),
	  .empty_msg = "must not be empty" },
	{ .name = NULL }
};
static const struct conf_table conf_proxy_table = { .keys = conf_proxy_keys };

/*
 * real_ip.header is a field name (RFC 9110 5.1: a token). "Forwarded" is
 * read as RFC 7239's; any other name as an X-Forwarded-For list (realip.h),
 * as nginx's real_ip_header takes any field.
 */
static int conf_check_field_name(struct conf_ctx *x, const char *key, int line, char *v)
{
	for (const char *p = v; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("!#$%&'*+-.^_`|~", *p))
			return conf_err(x, line, "%s: '%s' is not a header field name, e.g. "
					"\"X-Forwarded-For\" or \"Forwarded\"", key, v);
	return 0;
}

static const struct conf_key conf_real_ip_keys[] = {
	{ .name = "header", .type = CONF_T_STR, .scope = CONF_TOP, .flags = CONF_F_LATE,
	  .base = CONF_B_CONF, .off = OFF_C(real_ip.header), .dflt = "X-Forwarded-For",
	  .check = conf_check_field_name },
	/* Believing the header from anyone would let every client pick its address. */
	{ .name = "trusted", .type = CONF_T_IPS, .scope = CONF_TOP,
	  .flags = CONF_F_REQUIRED | CONF_F_NONEMPTY, .base = CONF_B_CONF,
	  .off = OFF_C(real_ip.trusted), .count_off = OFF_C(real_ip.ntrusted),
	  .empty_msg = "must not be empty (remove the real_ip group to turn it off)" },
	{ .name = NULL }
};
static const struct conf_table conf_real_ip_table = { .keys = conf_real_ip_keys };

/* As Apache's LogLevel and nginx's error_log name them, most severe first. */
static const struct conf_enum conf_log_levels[] = {
	{ "error", LOG_ERR }, { "warn", LOG_WARN }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG }, { NULL, 0 }
};

static const char *const conf_index_default[] = { "index.html", "index.htm", NULL };

#define TOP_STR(n, type_, m, line_m) \
	{ .name = n, .type = type_, .scope = CONF_TOP, .base = CONF_B_CONF, \
	  .off = OFF_C(m), .line_off = OFF_C(line_m) }
#define SITE_GROUP(n, sub_, present, line_m) \
	{ .name = n, .type = CONF_T_GROUP, .scope = CONF_ALL, .base = CONF_B_SITE, \
	  .count_off = OFF_S(present), .line_off = OFF_S(line_m), .sub = sub_ }
#define OFF_P(m) offsetof(struct conf_pathset, m)
/* A per-path list (headers, pass_env): the site's, a vhost's or a location's. */
#define SET_LIST(n, type_, m, count, check_) \
	{ .name = n, .type = type_, .scope = CONF_ALL, .base = CONF_B_SET, \
	  .off = OFF_P(m), .count_off = OFF_P(count), .check = check_ }
#define SITE_GROUPS(n, sub_, arr, count) \
	{ .name = n, .type = CONF_T_GROUPS, .scope = CONF_ALL, .base = CONF_B_SITE, \
	  .off = OFF_S(arr), .count_off = OFF_S(count), .sub = sub_ }

static const struct conf_table conf_vhost_table;

#define LOC(m) offsetof(struct conf_location, m)

/* redirect = { to; status; exact; }: a location's own (conf_location). */
static const struct conf_key conf_redirect_keys[] = {
	{ .name = "to", .type = CONF_T_STR, .scope = CONF_LOC, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = LOC(redirect.to), .check = conf_check_redirect_to },
	/* 301..308, one of conf_redirect_finish's; default 302 there. */
	{ .name = "status", .type = CONF_T_INT, .scope = CONF_LOC, .base = CONF_B_ELEM,
	  .off = LOC(redirect.status), .min = 301, .max = 308 },
	{ .name = "exact", .type = CONF_T_BOOL, .scope = CONF_LOC, .base = CONF_B_ELEM,
	  .off = LOC(redirect.exact) },
	{ .name = NULL }
};
static const struct conf_table conf_redirect_table = {
	.keys = conf_redirect_keys, .scope = CONF_LOC, .finish = conf_redirect_finish,
};

static const struct conf_key conf_root_keys[] = {
	{ .name = "server_root", .type = CONF_T_ROOT, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(server_root), .dflt = "." },
	{ .name = "server_name", .type = CONF_T_STR, .scope = CONF_ALL,
	  .flags = CONF_F_NOINHERIT, .base = CONF_B_SITE, .off = OFF_S(server_name),
	  .dflt = "localhost", .check = conf_check_server_name },
	{ .name = "aliases", .type = CONF_T_STRS, .scope = CONF_VHOST,
	  .flags = CONF_F_NOINHERIT, .base = CONF_B_SITE, .off = OFF_S(aliases),
	  .count_off = OFF_S(naliases), .check = conf_check_vhost_alias },
	{ .name = "default", .type = CONF_T_BOOL, .scope = CONF_VHOST,
	  .flags = CONF_F_NOINHERIT, .base = CONF_B_SITE, .off = OFF_S(is_default) },
	TOP_STR("user", CONF_T_STR, user, line.user),
	TOP_STR("group", CONF_T_STR, group, line.group),
	TOP_STR("pid_file", CONF_T_PATH, pid_file, line.pid_file),
	{ .name = "access_log", .type = CONF_T_PATH, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(access_log), .line_off = OFF_S(lines.access_log) },
	/* Apache's LogFormat text or a preset's name (logfmt.h); per site, not per path. */
	{ .name = "access_log_format", .type = CONF_T_STR, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(access_log_format), .dflt = LOGFMT_DEFAULT, .check = conf_check_log_format },
	{ .name = "error_log", .type = CONF_T_PATH, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(error_log), .line_off = OFF_S(lines.error_log) },
	TOP_STR("mime_types", CONF_T_PATH, mime_types, line.mime_types),
	TOP_STR("keeper_user", CONF_T_STR, keeper_user, line.keeper_user),
	{ .name = "suexec", .type = CONF_T_PATH, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(suexec), .dflt = PFHTTPD_SUEXEC },
	{ .name = "log_level", .type = CONF_T_ENUM, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(log_level), .line_off = OFF_C(line.log_level),
	  .idflt = LOG_NOTICE, .names = conf_log_levels },
	{ .name = "allow_root", .type = CONF_T_BOOL, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(allow_root), .line_off = OFF_C(line.allow_root) },
	{ .name = "document_root", .type = CONF_T_DIR, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(document_root), .line_off = OFF_S(lines.document_root),
	  .dflt = "htdocs" },
	{ .name = "listen", .type = CONF_T_LISTEN, .scope = CONF_TOP, .flags = CONF_F_NONEMPTY,
	  .base = CONF_B_CONF, .off = OFF_C(listen), .count_off = OFF_C(nlisten),
	  .empty_msg = "must not be empty" },
	{ .name = "index", .type = CONF_T_STRS, .scope = CONF_ALL, .base = CONF_B_SITE,
	  .off = OFF_S(index), .count_off = OFF_S(nindex), .ldflt = conf_index_default,
	  .check = conf_check_index },
	/* Per path (conf_pathset): send file.br / file.gz when accepted (static.c). */
	{ .name = "precompressed", .type = CONF_T_BOOL, .scope = CONF_ALL, .base = CONF_B_SET,
	  .off = offsetof(struct conf_pathset, precompressed) },
	/* Per path (issue 10): a directory without an index file is listed
	 * (autoindex.h) instead of refused with 403; off by default, as before. */
	{ .name = "autoindex", .type = CONF_T_BOOL, .scope = CONF_ALL, .base = CONF_B_SET,
	  .off = offsetof(struct conf_pathset, autoindex) },
	SITE_GROUPS("error_pages", &conf_error_page_table, error_pages, nerror_pages),
	/* Per path (issue 10): what responses carry and scripts get. */
	SET_LIST("headers", CONF_T_STRS, headers, nheaders, conf_check_header),
	SET_LIST("cgi_env", CONF_T_ENV, cgi_env, ncgi_env, conf_check_cgi_env),
	{ .name = "pass_env", .type = CONF_T_STRS, .scope = CONF_ALL, .base = CONF_B_SET,
	  .off = OFF_P(pass_env), .count_off = OFF_P(npass_env), .line_off = OFF_P(pass_env_line),
	  .check = conf_check_pass_env },
	{ .name = "charset", .type = CONF_T_STR, .scope = CONF_ALL, .flags = CONF_F_EMPTY,
	  .base = CONF_B_SET, .off = OFF_P(charset), .dflt = "utf-8", .check = conf_check_charset },
	{ .name = "server_tokens", .type = CONF_T_BOOL, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(server_tokens), .idflt = 1 },
	{ .name = "workers", .type = CONF_T_GROUP, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .sub = &conf_workers_table },
	{ .name = "timeouts", .type = CONF_T_GROUP, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .sub = &conf_timeouts_table },
	{ .name = "limits", .type = CONF_T_GROUP, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .sub = &conf_limits_table },
	SITE_GROUP("status", &conf_status_table, status.enabled, status.line),
	SITE_GROUP("cgi", &conf_cgi_table, cgi.enabled, cgi.line),
	SITE_GROUPS("access", &conf_access_table, access, naccess),
	/* A location: path and redirect are its alone; every CONF_B_SET row is
	 * allowed in it too (conf_table.h). */
	{ .name = "path", .type = CONF_T_STR, .scope = CONF_LOC, .flags = CONF_F_REQUIRED,
	  .base = CONF_B_ELEM, .off = LOC(path), .check = conf_check_location_path },
	{ .name = "redirect", .type = CONF_T_GROUP, .scope = CONF_LOC, .base = CONF_B_ELEM,
	  .sub = &conf_redirect_table },
	SITE_GROUPS("locations", &conf_location_table, locations, nlocations),
	{ .name = "userdir", .type = CONF_T_GROUP, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .count_off = OFF_C(userdir.enabled), .line_off = OFF_C(userdir.line),
	  .sub = &conf_userdir_table },
	{ .name = "proxy_protocol", .type = CONF_T_GROUP, .scope = CONF_TOP,
	  .base = CONF_B_CONF, .line_off = OFF_C(proxy.line), .sub = &conf_proxy_table },
	{ .name = "real_ip", .type = CONF_T_GROUP, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .line_off = OFF_C(real_ip.line), .sub = &conf_real_ip_table },
	/* Last: a vhost starts as a copy of the finished top level. */
	{ .name = "vhosts", .type = CONF_T_GROUPS, .scope = CONF_TOP, .base = CONF_B_CONF,
	  .off = OFF_C(vhosts), .count_off = OFF_C(nvhosts), .sub = &conf_vhost_table },
	{ .name = NULL }
};

const struct conf_table conf_root_table = { .keys = conf_root_keys,
					    .finish = conf_root_finish };

/* A location: the top level's keys that allow CONF_LOC, in a struct conf_location. */
static const struct conf_table conf_location_table = {
	.keys = conf_root_keys, .elem_size = sizeof(struct conf_location),
	.elem_line_off = LOC(line), .scope = CONF_LOC, .finish = conf_location_finish,
	.own_set_off = LOC(own), .own_mask_off = LOC(own_mask), .eff_set_off = LOC(set),
};

/* A vhost: the top level's keys that allow CONF_VHOST, in a struct conf_site. */
static const struct conf_table conf_vhost_table = {
	.keys = conf_root_keys, .elem_size = sizeof(struct conf_site),
	.elem_line_off = OFF_S(line), .is_site = true, .scope = CONF_VHOST,
	.init = conf_vhost_init, .finish = conf_vhost_finish,
};
