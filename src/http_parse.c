/*
 * http_parse — HTTP/1.1 request-head framing and parsing (RFC 9112 2-3, 5, 6).
 *
 * The scanner looks at each byte once, in http_parse_request(), only to find
 * line ends and to enforce the byte limits as the bytes arrive. Each complete
 * line is then interpreted once, by parse_request_line() or
 * parse_field_line(); what a field means for framing (Host, Content-Length,
 * Transfer-Encoding, Connection, Expect) is recorded as it is seen, and the
 * cross-field rules are judged once, at the empty line, by finish_head().
 * So a head of n bytes costs O(n) however it is split across calls.
 */
#include "http_parse.h"
#include "http_chars.h"

#include <arpa/inet.h>
#include <string.h>

/* Bytes of empty lines tolerated before the request line (RFC 9112 2.2 asks
 * us to ignore "at least one"; a few hundred is generous and still bounded). */
#define HTTP_PARSE_MAX_LEADING 256

/* struct http_parser.flags: what the head has shown so far. */
enum {
	HP_F_HOST = 1u << 0,      /* a Host field was seen */
	HP_F_ABSOLUTE = 1u << 1,  /* the target was absolute-form: it names the host */
	HP_F_CL = 1u << 2,        /* a Content-Length field was seen */
	HP_F_TE = 1u << 3,        /* a Transfer-Encoding field was seen */
	HP_F_TE_CODING = 1u << 4, /* ... and it named at least one coding */
	HP_F_TE_UNKNOWN = 1u << 5, /* ... one of which we do not implement */
	HP_F_CLOSE = 1u << 6,     /* Connection: close */
	HP_F_KEEPALIVE = 1u << 7, /* Connection: keep-alive */
	HP_F_DONE = 1u << 8,      /* the head is complete */
	HP_F_METHOD = 1u << 9,    /* the method of the request line has ended */
};

/* Helpers below return 0 when all is well, else the status to answer. */

static const char hp_slash[] = "/";

/* ------------------------------------------------------------------------ */
/* Character classes (RFC 9110 5.6.2, RFC 3986 2.2-2.3)                     */

static bool hp_in(unsigned char c, const char *set, size_t n)
{
	return c != '\0' && memchr(set, c, n) != NULL;
}

static bool hp_is_unreserved(unsigned char c)
{
	return http_is_alpha(c) || http_is_digit(c) || hp_in(c, "-._~", 4);
}

static bool hp_is_sub_delim(unsigned char c)
{
	static const char sd[] = "!$&'()*+,;=";

	return hp_in(c, sd, sizeof(sd) - 1);
}

static unsigned char hp_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool hp_all_tchar(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!http_is_tchar((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* ------------------------------------------------------------------------ */
/* Spans and lists                                                          */

static struct http_str hp_span(const char *b, const char *e)
{
	return (struct http_str){ .p = b, .len = (size_t)(e - b) };
}

/* Strip optional whitespace from both ends (RFC 9110 5.5). */
static struct http_str hp_trim(const char *b, const char *e)
{
	while (b < e && http_is_ows((unsigned char)*b))
		b++;
	while (e > b && http_is_ows((unsigned char)e[-1]))
		e--;
	return hp_span(b, e);
}

struct hp_list {
	const char *p, *end;
	bool done;
};

/* The next element of a comma-separated list (RFC 9110 5.6.1), trimmed;
 * empty elements are returned too, so each caller decides what they mean. */
static bool hp_list_next(struct hp_list *it, struct http_str *elem)
{
	if (it->done)
		return false;
	const char *comma = memchr(it->p, ',', (size_t)(it->end - it->p));
	const char *stop = comma != NULL ? comma : it->end;

	*elem = hp_trim(it->p, stop);
	if (comma != NULL)
		it->p = comma + 1;
	else
		it->done = true;
	return true;
}

static struct hp_list hp_list_of(struct http_str v)
{
	return (struct hp_list){ .p = v.p, .end = v.p + v.len, .done = false };
}

bool http_str_eq(struct http_str s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hp_lower((unsigned char)s.p[i]) != hp_lower((unsigned char)lit[i]))
			return false;
	return true;
}

/* ------------------------------------------------------------------------ */
/* Authority: uri-host [ ":" port ] (RFC 3986 3.2.2-3.2.3)                  */

/* reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4address is a
 * subset of it, so one check covers both. No '@': userinfo is refused. */
static bool hp_reg_name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (n - i < 3 || !http_is_hex((unsigned char)s[i + 1]) ||
			    !http_is_hex((unsigned char)s[i + 2]))
				return false;
			i += 2;
		} else if (!hp_is_unreserved(c) && !hp_is_sub_delim(c)) {
			return false;
		}
	}
	return true;
}

/* IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
static bool hp_ipvfuture_ok(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && http_is_hex((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= n || s[i] != '.' || i + 1 == n)
		return false;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!hp_is_unreserved(c) && !hp_is_sub_delim(c) && c != ':')
			return false;
	}
	return true;
}

/* The inside of an IP-literal's brackets. */
static bool hp_ip_literal_ok(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (n > 0 && (s[0] == 'v' || s[0] == 'V'))
		return hp_ipvfuture_ok(s, n);
	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, &a) == 1;
}

static bool hp_port_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!http_is_digit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * Is a uri-host [":" port]? need_host: the host may not be empty (RFC 9110
 * 4.2.1 for http URIs); need_port: the port must be there (authority-form,
 * RFC 9112 3.2.3).
 */
static bool hp_authority_ok(struct http_str a, bool need_host, bool need_port)
{
	const char *s = a.p, *end = a.p + a.len, *colon;
	size_t hlen;

	if (a.len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', a.len);

		if (close == NULL || !hp_ip_literal_ok(s + 1, (size_t)(close - s - 1)))
			return false;
		colon = close + 1 < end ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return false;
		hlen = (size_t)(close + 1 - s);
	} else {
		colon = memchr(s, ':', a.len);
		hlen = colon != NULL ? (size_t)(colon - s) : a.len;
		if (!hp_reg_name_ok(s, hlen))
			return false;
	}
	if (need_host && hlen == 0)
		return false;
	if (colon == NULL)
		return !need_port;
	size_t plen = (size_t)(end - colon - 1);

	return hp_port_ok(colon + 1, plen) && (plen > 0 || !need_port);
}

/* ------------------------------------------------------------------------ */
/* Request line (RFC 9112 3)                                                */

static const struct {
	const char *name;
	enum http_method m;
} hp_methods[] = {
	{ "GET", HTTP_M_GET },         { "HEAD", HTTP_M_HEAD },
	{ "POST", HTTP_M_POST },       { "PUT", HTTP_M_PUT },
	{ "DELETE", HTTP_M_DELETE },   { "OPTIONS", HTTP_M_OPTIONS },
	{ "TRACE", HTTP_M_TRACE },     { "CONNECT", HTTP_M_CONNECT },
	{ "PATCH", HTTP_M_PATCH },
};

const char *http_method_name(enum http_method m)
{
	for (size_t i = 0; i < sizeof(hp_methods) / sizeof(hp_methods[0]); i++)
		if (hp_methods[i].m == m)
			return hp_methods[i].name;
	return "OTHER";
}

/* RFC 9110 9.1: method names are case-sensitive. */
static enum http_method hp_method_lookup(struct http_str s)
{
	for (size_t i = 0; i < sizeof(hp_methods) / sizeof(hp_methods[0]); i++) {
		const char *n = hp_methods[i].name;

		if (strlen(n) == s.len && memcmp(n, s.p, s.len) == 0)
			return hp_methods[i].m;
	}
	return HTTP_M_OTHER;
}

/*
 * HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3).
 * A higher 1.x minor is answered as 1.1 (RFC 9110 2.5); another major, 505.
 */
static int hp_parse_version(struct http_str v, struct http_request *req)
{
	if (v.len != 8 || memcmp(v.p, "HTTP/", 5) != 0 ||
	    !http_is_digit((unsigned char)v.p[5]) || v.p[6] != '.' ||
	    !http_is_digit((unsigned char)v.p[7]))
		return 400;
	if (v.p[5] != '1')
		return 505;
	req->proto = v;
	req->major = 1;
	req->minor = v.p[7] == '0' ? 0 : 1;
	return 0;
}

/* path = up to the first '?', query = after it (RFC 3986 3.3-3.4). */
static void hp_split_path(const char *s, size_t n, struct http_request *req)
{
	const char *q = memchr(s, '?', n);

	if (q == NULL) {
		req->path = hp_span(s, s + n);
		return;
	}
	req->path = hp_span(s, q);
	req->query = hp_span(q + 1, s + n);
	req->has_query = true;
}

/* absolute-form (RFC 9112 3.2.2): only http and https are ours to serve. */
static int hp_target_absolute(struct http_parser *p, struct http_str t,
			      struct http_request *req)
{
	size_t skip;

	if (t.len >= 7 && http_str_eq(hp_span(t.p, t.p + 7), "http://"))
		skip = 7;
	else if (t.len >= 8 && http_str_eq(hp_span(t.p, t.p + 8), "https://"))
		skip = 8;
	else
		return 400;

	const char *a = t.p + skip, *end = t.p + t.len, *e = a;

	while (e < end && *e != '/' && *e != '?')
		e++;
	req->host = hp_span(a, e);
	if (!hp_authority_ok(req->host, true, false))
		return 400;
	p->flags |= HP_F_ABSOLUTE;
	if (e < end && *e == '/') {
		hp_split_path(e, (size_t)(end - e), req);
		return 0;
	}
	if (e < end) /* "?query" with an empty path */
		hp_split_path(e, (size_t)(end - e), req);
	/* RFC 9112 3.2.4: an empty path is "/" for the origin server. */
	req->path = hp_span(hp_slash, hp_slash + 1);
	return 0;
}

static int hp_parse_target(struct http_parser *p, struct http_str t,
			   struct http_request *req)
{
	/* No CTLs, SP or fragment in a request-target (RFC 9112 3.2); obs-text
	 * bytes are let through, as nginx does, for the URI layer to judge. */
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c < 0x20 || c == 0x7f || c == ' ' || c == '#')
			return 400;
	}
	if (t.len == 0)
		return 400;
	req->target = t;
	/* RFC 9112 3.2.3: CONNECT takes authority-form and nothing else. */
	if (req->method == HTTP_M_CONNECT) {
		if (!hp_authority_ok(t, true, true))
			return 400;
		req->path = req->host = t;
		p->flags |= HP_F_ABSOLUTE;
		return 0;
	}
	if (t.p[0] == '/') {
		hp_split_path(t.p, t.len, req);
		return 0;
	}
	/* RFC 9112 3.2.4: asterisk-form is only for a server-wide OPTIONS. */
	if (t.len == 1 && t.p[0] == '*') {
		if (req->method != HTTP_M_OPTIONS)
			return 400;
		req->path = t;
		return 0;
	}
	return hp_target_absolute(p, t, req);
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3):
 * exactly one SP between parts, no other whitespace anywhere. */
static int hp_parse_request_line(struct http_parser *p, const char *s, size_t n,
				 struct http_request *req)
{
	const char *end = s + n;
	const char *sp1 = memchr(s, ' ', n);

	if (sp1 == NULL || !hp_all_tchar(s, (size_t)(sp1 - s)))
		return 400;
	const char *t = sp1 + 1;
	const char *sp2 = memchr(t, ' ', (size_t)(end - t));

	if (sp2 == NULL) /* HTTP/0.9 "GET /" is not served */
		return 400;
	int rc = hp_parse_version(hp_span(sp2 + 1, end), req);

	if (rc != 0)
		return rc;
	return hp_parse_target(p, hp_span(t, sp2), req);
}

/* ------------------------------------------------------------------------ */
/* Header fields that frame the message (RFC 9112 6, RFC 9110 7.2, 7.6.1)   */

static int hp_on_host(struct http_parser *p, struct http_str v,
		      struct http_request *req)
{
	/* RFC 9112 3.2: more than one Host, or an invalid one, is a 400. */
	if ((p->flags & HP_F_HOST) || !hp_authority_ok(v, false, false))
		return 400;
	p->flags |= HP_F_HOST;
	/* RFC 9112 3.2.2: an absolute-form target's authority wins. */
	if (!(p->flags & HP_F_ABSOLUTE))
		req->host = v;
	return 0;
}

/* 1*DIGIT into *out without overflowing int64_t; false if it is not that. */
static bool hp_parse_digits(struct http_str s, int64_t *out)
{
	int64_t n = 0;

	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (!http_is_digit(c) || n > (INT64_MAX - (c - '0')) / 10)
			return false;
		n = n * 10 + (c - '0');
	}
	*out = n;
	return true;
}

/*
 * RFC 9110 8.6 / RFC 9112 6.3 (5): a list of identical values, or repeated
 * identical fields, is one value; anything else is a framing error.
 */
static int hp_on_content_length(struct http_parser *p, struct http_str v,
				struct http_request *req)
{
	struct hp_list it = hp_list_of(v);
	struct http_str e;
	int64_t n;

	while (hp_list_next(&it, &e)) {
		if (!hp_parse_digits(e, &n))
			return 400;
		if ((p->flags & HP_F_CL) && n != req->content_length)
			return 400;
		req->content_length = n;
		p->flags |= HP_F_CL;
	}
	return 0;
}

/* transfer-coding = token *( OWS ";" OWS transfer-parameter ): the name
 * must be a token; the parameters of a coding we refuse do not matter. */
static bool hp_coding_name_ok(struct http_str e)
{
	const char *semi = memchr(e.p, ';', e.len);
	struct http_str name = hp_trim(e.p, semi != NULL ? semi : e.p + e.len);

	return hp_all_tchar(name.p, name.len);
}

/*
 * RFC 9112 6.1: the codings of every Transfer-Encoding field form one list.
 * chunked must be the last and appear once; a coding we lack earns a 501,
 * decided in hp_finish_head() so that framing errors (400) win.
 */
static int hp_on_transfer_encoding(struct http_parser *p, struct http_str v,
				   struct http_request *req)
{
	struct hp_list it = hp_list_of(v);
	struct http_str e;

	p->flags |= HP_F_TE;
	while (hp_list_next(&it, &e)) {
		if (e.len == 0) /* RFC 9110 5.6.1: empty elements are ignored */
			continue;
		if (req->chunked) /* something after chunked, or chunked twice */
			return 400;
		p->flags |= HP_F_TE_CODING;
		if (http_str_eq(e, "chunked"))
			req->chunked = true;
		else if (hp_coding_name_ok(e))
			p->flags |= HP_F_TE_UNKNOWN;
		else
			return 400;
	}
	return 0;
}

/* RFC 9112 9.3: the connection options we act on are close and keep-alive. */
static int hp_on_connection(struct http_parser *p, struct http_str v,
			    struct http_request *req)
{
	struct hp_list it = hp_list_of(v);
	struct http_str e;

	(void)req;
	while (hp_list_next(&it, &e)) {
		if (http_str_eq(e, "close"))
			p->flags |= HP_F_CLOSE;
		else if (http_str_eq(e, "keep-alive"))
			p->flags |= HP_F_KEEPALIVE;
	}
	return 0;
}

/* RFC 9110 10.1.1: 100-continue is the only expectation; others get 417. */
static int hp_on_expect(struct http_parser *p, struct http_str v,
			struct http_request *req)
{
	(void)p;
	if (http_str_eq(v, "100-continue"))
		req->expect_continue = true;
	else
		req->expect_unknown = true;
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct http_parser *, struct http_str, struct http_request *);
} hp_field_handlers[] = {
	{ "Host", hp_on_host },
	{ "Content-Length", hp_on_content_length },
	{ "Transfer-Encoding", hp_on_transfer_encoding },
	{ "Connection", hp_on_connection },
	{ "Expect", hp_on_expect },
};

static int hp_field_meaning(struct http_parser *p, const struct http_header *h,
			    struct http_request *req)
{
	size_t n = sizeof(hp_field_handlers) / sizeof(hp_field_handlers[0]);

	for (size_t i = 0; i < n; i++)
		if (http_str_eq(h->name, hp_field_handlers[i].name))
			return hp_field_handlers[i].fn(p, h->value, req);
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5). */
static int hp_parse_field_line(struct http_parser *p, const char *s, size_t n,
			       struct http_request *req)
{
	size_t i = 0;

	while (i < n && http_is_tchar((unsigned char)s[i]))
		i++;
	/* RFC 9112 5.1: no whitespace between field name and colon. A line
	 * that starts with whitespace has an empty name and is refused too:
	 * that is obs-fold, or whitespace right after the request line, which
	 * RFC 9112 5.2 and 2.2 let us reject (both have smuggled fields). */
	if (i == 0 || i == n || s[i] != ':')
		return 400;
	for (size_t j = i + 1; j < n; j++) {
		unsigned char c = (unsigned char)s[j];

		/* RFC 9110 5.5: CR, LF and NUL are never valid; nor other CTLs. */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 400;
	}
	if (req->nheaders >= p->lim->headers)
		return 431;
	struct http_header *h = &req->headers[req->nheaders++];

	h->name = hp_span(s, s + i);
	h->value = hp_trim(s + i + 1, s + n);
	return hp_field_meaning(p, h, req);
}

/* ------------------------------------------------------------------------ */
/* Lines and the head                                                       */

/* The rules that need the whole head, judged at its empty line. */
static int hp_finish_head(struct http_parser *p, size_t head_len,
			  struct http_request *req)
{
	unsigned f = p->flags;

	/* RFC 9112 3.2: an HTTP/1.1 request without Host is a 400. */
	if (req->minor == 1 && !(f & HP_F_HOST))
		return 400;
	if (f & HP_F_TE) {
		/* RFC 9112 6.1: TE with CL is a smuggling vector; TE in 1.0 is
		 * faulty framing; an empty TE list frames nothing. */
		if ((f & HP_F_CL) || req->minor == 0 || !(f & HP_F_TE_CODING))
			return 400;
		/* RFC 9112 6.3 (4): a request whose final coding is not chunked
		 * has no length we can know: 400, and close. Only a coding we
		 * lack below a final chunked is 501 (RFC 9112 6.1). */
		if (!req->chunked)
			return 400;
		if (f & HP_F_TE_UNKNOWN)
			return 501;
	}
	/* RFC 9110 10.1.1: a server MUST ignore 100-continue from HTTP/1.0. */
	if (req->minor == 0)
		req->expect_continue = false;
	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only on "keep-alive". */
	if (f & HP_F_CLOSE)
		req->keep_alive = false;
	else
		req->keep_alive = req->minor == 1 || (f & HP_F_KEEPALIVE);
	req->head_len = head_len;
	p->flags |= HP_F_DONE;
	return HTTP_PARSE_DONE;
}

/* A line ended at buf[i] (the LF); interpret it. */
static int hp_end_of_line(struct http_parser *p, const char *buf, size_t i,
			  struct http_request *req)
{
	/*
	 * RFC 9112 2.2 only allows a recipient to accept a bare LF; we do not.
	 * A front end that splits heads on CRLF CRLF would see another request
	 * than we do (request smuggling); Apache and lighttpd refuse it too.
	 */
	if (i == p->line_start || buf[i - 1] != '\r')
		return 400;
	size_t e = i - 1;
	const char *s = buf + p->line_start;
	size_t n = e - p->line_start;
	int rc;

	p->line_start = i + 1;
	if (p->lines == 0 && n == 0) {
		p->skipped++;
		return i + 1 > HTTP_PARSE_MAX_LEADING ? 400 : HTTP_PARSE_NEED_MORE;
	}
	if (n == 0)
		return hp_finish_head(p, i + 1, req);
	if (p->lines++ == 0)
		rc = hp_parse_request_line(p, s, n, req);
	else
		rc = hp_parse_field_line(p, s, n, req);
	return rc != 0 ? rc : HTTP_PARSE_NEED_MORE;
}

/*
 * A byte of the method. A method is a token (RFC 9110 9.1): anything else
 * before the first SP (a TLS ClientHello, binary noise) is refused at once,
 * not after the header timeout has held the worker. The method is recorded
 * as soon as it ends, so that even a request refused later in its head is
 * known to be a HEAD, whose answer has no body (RFC 9110 9.3.2).
 */
static int hp_scan_method(struct http_parser *p, const char *buf, size_t i,
			  struct http_request *req)
{
	if (buf[i] == ' ') {
		p->flags |= HP_F_METHOD;
		req->method_str = hp_span(buf + p->line_start, buf + i);
		req->method = hp_method_lookup(req->method_str);
	} else if (buf[i] != '\r' && !http_is_tchar((unsigned char)buf[i])) {
		return 400;
	}
	return HTTP_PARSE_NEED_MORE;
}

/* One new byte at buf[i]: line ends and the limits that must not wait. */
static int hp_scan_byte(struct http_parser *p, const char *buf, size_t i,
			struct http_request *req)
{
	size_t col = i - p->line_start; /* bytes of this line before buf[i] */

	/* RFC 6585 5: the head is too large, as soon as it is. */
	if (i >= p->lim->header_bytes)
		return 431;
	if (buf[i] == '\n')
		return hp_end_of_line(p, buf, i, req);
	/* RFC 9112 2.2: a CR not followed by LF is invalid. */
	if (col > 0 && buf[i - 1] == '\r')
		return 400;
	/*
	 * RFC 9112 3: a request line over our limit is a 414, said early; a CR
	 * right at the limit may still be the start of its ending. A method
	 * that alone reaches the limit is longer than any we implement: 501.
	 */
	if (p->lines == 0 && col >= p->lim->request_line &&
	    !(col == p->lim->request_line && buf[i] == '\r'))
		return (p->flags & HP_F_METHOD) ? 414 : 501;
	if (p->lines == 0 && !(p->flags & HP_F_METHOD))
		return hp_scan_method(p, buf, i, req);
	return HTTP_PARSE_NEED_MORE;
}

void http_parse_init(struct http_parser *p, const struct http_limits *lim,
		     struct http_request *req, struct http_header *headers)
{
	memset(p, 0, sizeof(*p));
	p->lim = lim;
	memset(req, 0, sizeof(*req));
	req->headers = headers;
	req->content_length = -1;
}

int http_parse_request(struct http_parser *p, const char *buf, size_t len,
		       struct http_request *req)
{
	if (p->flags & HP_F_DONE)
		return HTTP_PARSE_DONE;
	for (size_t i = p->scanned; i < len; i++) {
		int rc = hp_scan_byte(p, buf, i, req);

		if (rc != HTTP_PARSE_NEED_MORE) {
			p->scanned = i + 1;
			return rc;
		}
	}
	if (len > p->scanned)
		p->scanned = len;
	return HTTP_PARSE_NEED_MORE;
}

const struct http_header *http_find_header(const struct http_request *req,
					   const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (http_str_eq(req->headers[i].name, name))
			return &req->headers[i];
	return NULL;
}
