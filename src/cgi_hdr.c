/*
 * cgi_hdr — the header block a CGI script writes (RFC 3875 6.2, 6.3); the
 * contract is in cgi_hdr.h.
 *
 * One complete line at a time: memchr() looks for the next LF from where the
 * previous call stopped, so every byte is scanned once however the output
 * arrives, and a line is judged only when its LF is there. What has been seen
 * so far (Status, Content-Type, ...) is kept in the response itself, so the
 * parser needs no state beyond its two offsets. The buffer must not move
 * between calls: the spans in the response point into it.
 */
#include "cgi_hdr.h"
#include "http_chars.h"

#include <string.h>

/* A field handler: NULL when the value was taken, else why it is refused. */
typedef const char *(*cgi_hdr_fn)(struct cgi_response *r, struct http_str v);

void cgi_hdr_init(struct cgi_hdr_parser *p, size_t max_bytes, size_t max_fields,
		  struct cgi_response *r, struct http_header *fields)
{
	memset(p, 0, sizeof(*p));
	p->max_bytes = max_bytes;
	p->max_fields = max_fields;
	memset(r, 0, sizeof(*r));
	/* status stays 0 ("no Status seen") until the block ends. */
	r->content_length = -1;
	r->fields = fields;
}

static struct http_str cgi_hdr_trim(const char *b, const char *e)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return (struct http_str){ .p = b, .len = (size_t)(e - b) };
}

/* ---- the fields the server interprets ------------------------------------ */

/* RFC 3875 6.3.3: Status = status-code SP reason-phrase. We also take a bare
 * code. 1xx is refused: an interim response cannot end the script's answer. */
static const char *cgi_hdr_on_status(struct cgi_response *r, struct http_str v)
{
	int code = 0;

	if (r->status != 0)
		return "duplicate Status";
	if (v.len < 3 || (v.len > 3 && v.p[3] != ' '))
		return "malformed Status (want \"NNN reason\")";
	for (size_t i = 0; i < 3; i++) {
		if (!http_is_digit((unsigned char)v.p[i]))
			return "malformed Status (want \"NNN reason\")";
		code = code * 10 + (v.p[i] - '0');
	}
	if (code < 200 || code > 599)
		return "Status out of range 200..599";
	r->status = code;
	r->reason = v.len > 3 ? cgi_hdr_trim(v.p + 4, v.p + v.len)
			      : (struct http_str){ .p = v.p + 3, .len = 0 };
	return NULL;
}

/* RFC 3875 6.3.1: media-type = type "/" subtype; an empty one is no type. */
static const char *cgi_hdr_on_content_type(struct cgi_response *r, struct http_str v)
{
	if (r->content_type.p != NULL)
		return "duplicate Content-Type";
	if (v.len == 0)
		return "empty Content-Type";
	r->content_type = v;
	return NULL;
}

/* RFC 3875 6.3.2: Location is a local path ("/"...) or an absolute URI,
 * whose scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986
 * 3.1). A relative reference such as "foo.html" is neither. */
static bool cgi_hdr_location_ok(struct http_str v)
{
	size_t i = 1;

	if (v.len == 0)
		return false;
	if (v.p[0] == '/')
		return true;
	if (!http_is_alpha((unsigned char)v.p[0]))
		return false;
	while (i < v.len && (http_is_alpha((unsigned char)v.p[i]) ||
			     http_is_digit((unsigned char)v.p[i]) ||
			     v.p[i] == '+' || v.p[i] == '-' || v.p[i] == '.'))
		i++;
	return i < v.len && v.p[i] == ':';
}

static const char *cgi_hdr_on_location(struct cgi_response *r, struct http_str v)
{
	if (r->location.p != NULL)
		return "duplicate Location";
	if (!cgi_hdr_location_ok(v))
		return "Location is neither a local path nor an absolute URI";
	r->location = v;
	return NULL;
}

/* RFC 9110 8.6: Content-Length = 1*DIGIT. Repeats must agree. */
static const char *cgi_hdr_on_content_length(struct cgi_response *r, struct http_str v)
{
	int64_t n = 0;

	if (v.len == 0)
		return "malformed Content-Length";
	for (size_t i = 0; i < v.len; i++) {
		int d = v.p[i] - '0';

		if (!http_is_digit((unsigned char)v.p[i]))
			return "malformed Content-Length";
		if (n > (INT64_MAX - d) / 10)
			return "Content-Length too large";
		n = n * 10 + d;
	}
	if (r->content_length >= 0 && r->content_length != n)
		return "conflicting Content-Length values";
	r->content_length = n;
	return NULL;
}

/* The server owns the framing of its own response (RFC 9110 7.6.1, RFC 9112
 * 6), so a script's hop-by-hop fields are dropped without complaint. */
static const char *cgi_hdr_on_drop(struct cgi_response *r, struct http_str v)
{
	(void)r;
	(void)v;
	return NULL;
}

static const struct {
	const char *name;
	cgi_hdr_fn fn;
} cgi_hdr_known[] = {
	{ "Status",            cgi_hdr_on_status },
	{ "Content-Type",      cgi_hdr_on_content_type },
	{ "Location",          cgi_hdr_on_location },
	{ "Content-Length",    cgi_hdr_on_content_length },
	{ "Connection",        cgi_hdr_on_drop },
	{ "Keep-Alive",        cgi_hdr_on_drop },
	{ "Transfer-Encoding", cgi_hdr_on_drop },
	{ "TE",                cgi_hdr_on_drop },
	{ "Trailer",           cgi_hdr_on_drop },
	{ "Upgrade",           cgi_hdr_on_drop },
	{ "Proxy-Connection",  cgi_hdr_on_drop },
};

static const char *cgi_hdr_field(struct cgi_hdr_parser *p, struct cgi_response *r,
				 struct http_str name, struct http_str value)
{
	for (size_t i = 0; i < sizeof(cgi_hdr_known) / sizeof(cgi_hdr_known[0]); i++)
		if (http_str_eq(name, cgi_hdr_known[i].name))
			return cgi_hdr_known[i].fn(r, value);
	if (r->nfields >= p->max_fields)
		return "too many header fields";
	r->fields[r->nfields].name = name;
	r->fields[r->nfields].value = value;
	r->nfields++;
	return NULL;
}

/* ---- lines ---------------------------------------------------------------- */

/* One non-empty line, its line ending removed: "name: value" (RFC 3875 6.3,
 * RFC 9112 5). No obs-fold: RFC 9112 5.2 deprecates it and a script has no
 * reason to send it. */
static const char *cgi_hdr_line(struct cgi_hdr_parser *p, struct cgi_response *r,
				const char *s, size_t n)
{
	size_t colon = 0;
	struct http_str value;

	/* A CR that does not end the line could split it in a downstream
	 * parser (response splitting); refuse it. */
	if (memchr(s, '\r', n) != NULL)
		return "bare CR in the header block";
	if (s[0] == ' ' || s[0] == '\t')
		return "line folding (continuation line) is not allowed";
	while (colon < n && http_is_tchar((unsigned char)s[colon]))
		colon++;
	if (colon == n || s[colon] != ':') {
		if (memchr(s, ':', n) == NULL)
			return "line without ':' (body text without a header block?)";
		return "invalid header field name";
	}
	if (colon == 0)
		return "empty header field name";
	value = cgi_hdr_trim(s + colon + 1, s + n);
	for (size_t i = 0; i < value.len; i++)
		if (http_is_field_ctl((unsigned char)value.p[i]))
			return "control character in a header value";
	return cgi_hdr_field(p, r, (struct http_str){ .p = s, .len = colon }, value);
}

/* The empty line: check RFC 3875 6.2's minimum and settle the redirect. */
static const char *cgi_hdr_finish(struct cgi_response *r)
{
	bool has_status = r->status != 0;

	if (!has_status && r->content_type.p == NULL && r->location.p == NULL)
		return "no Content-Type, Location or Status";
	if (r->location.p == NULL) {
		r->redirect = CGI_REDIRECT_NONE;
		if (!has_status)
			r->status = 200;
	} else if (r->location.p[0] == '/' &&
		   (r->location.len < 2 || r->location.p[1] != '/') &&
		   (!has_status || r->status == 200)) {
		/* ("//host/x" is a network-path reference, RFC 3986 4.2: the client's to follow.) */
		/* RFC 3875 6.2.2: the server fetches the local path itself. */
		r->redirect = CGI_REDIRECT_LOCAL;
		r->status = 200;
	} else {
		/* RFC 3875 6.2.3-6.2.4: the client follows it; 302 by default. */
		r->redirect = CGI_REDIRECT_CLIENT;
		if (!has_status)
			r->status = 302;
	}
	return NULL;
}

static int cgi_hdr_fail(struct cgi_response *r, const char *why)
{
	r->error = why;
	return CGI_HDR_ERROR;
}

/* The line [p->line_start, lf) has just completed. */
static int cgi_hdr_line_done(struct cgi_hdr_parser *p, const char *buf, size_t lf,
			     struct cgi_response *r)
{
	size_t end = lf;
	const char *why;

	if (end > p->line_start && buf[end - 1] == '\r')
		end--;
	if (end == p->line_start) {
		why = cgi_hdr_finish(r);
		if (why != NULL)
			return cgi_hdr_fail(r, why);
		r->head_len = lf + 1;
		return CGI_HDR_DONE;
	}
	why = cgi_hdr_line(p, r, buf + p->line_start, end - p->line_start);
	if (why != NULL)
		return cgi_hdr_fail(r, why);
	p->line_start = lf + 1;
	return CGI_HDR_NEED_MORE;
}

int cgi_hdr_parse(struct cgi_hdr_parser *p, const char *buf, size_t len,
		  struct cgi_response *r)
{
	/* The answer is final once given; calling again repeats it. */
	if (r->error != NULL)
		return CGI_HDR_ERROR;
	if (r->head_len != 0)
		return CGI_HDR_DONE;
	for (;;) {
		/* Never look past max_bytes: a block whose empty line is not
		 * within it is too long, however much more arrives. */
		size_t limit = len < p->max_bytes ? len : p->max_bytes;
		const char *lf = NULL;
		int rc;

		if (p->scanned < limit)
			lf = memchr(buf + p->scanned, '\n', limit - p->scanned);
		if (lf == NULL) {
			if (limit > p->scanned)
				p->scanned = limit;
			if (len >= p->max_bytes)
				return cgi_hdr_fail(r, "header block too long");
			return CGI_HDR_NEED_MORE;
		}
		p->scanned = (size_t)(lf - buf) + 1;
		rc = cgi_hdr_line_done(p, buf, (size_t)(lf - buf), r);
		if (rc != CGI_HDR_NEED_MORE)
			return rc;
	}
}

int cgi_hdr_error_status(const struct cgi_response *r, int original)
{
	if (r->redirect == CGI_REDIRECT_CLIENT && r->status >= 300 && r->status < 400)
		return r->status;
	return original;
}
