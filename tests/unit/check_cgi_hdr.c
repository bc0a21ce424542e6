/*
 * Unit tests for cgi_hdr: the CGI response-header block (RFC 3875 6).
 *
 * Every row is fed three ways — whole, one byte at a time, and split in two
 * at every position — and all must give the same answer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cgi_hdr.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_BYTES 4096
#define MAX_FIELDS 8

struct hdr_case {
	int line;
	const char *desc;
	const char *head;      /* the header block (or all of the output) */
	size_t head_n;         /* its length when it holds a NUL; 0 = strlen */
	const char *body;      /* bytes after it, never parsed */
	int result;            /* CGI_HDR_* */
	const char *err;       /* ERROR: a substring of r->error */
	int status;
	const char *reason;
	const char *ctype;     /* NULL: absent */
	const char *location;  /* NULL: absent */
	enum cgi_redirect redirect;
	int64_t clen;
	const char *fields;    /* the passed-through fields as "Name: value\n"... */
};

#define OK(st, re, ct, lo, rd, cl, fl) CGI_HDR_DONE, NULL, st, re, ct, lo, rd, cl, fl
#define MORE CGI_HDR_NEED_MORE, NULL, 0, NULL, NULL, NULL, 0, -1, ""
#define BAD(why) CGI_HDR_ERROR, why, 0, NULL, NULL, NULL, 0, -1, ""
#define NONE CGI_REDIRECT_NONE
#define LOCAL CGI_REDIRECT_LOCAL
#define CLIENT CGI_REDIRECT_CLIENT

static const struct hdr_case cases[] = {
	/* valid blocks */
	{ __LINE__, "classic Content-type", "Content-type: text/html\n\n", 0, "<html>",
	  OK(200, "", "text/html", NULL, NONE, -1, "") },
	{ __LINE__, "php-cgi output", "X-Powered-By: PHP/8.2.0\r\nContent-type: text/html; charset=UTF-8\r\n\r\n", 0,
	  "<!DOCTYPE html>",
	  OK(200, "", "text/html; charset=UTF-8", NULL, NONE, -1, "X-Powered-By: PHP/8.2.0\n") },
	{ __LINE__, "header only, no body", "Content-Type: text/plain\r\n\r\n", 0, "",
	  OK(200, "", "text/plain", NULL, NONE, -1, "") },
	{ __LINE__, "status with reason", "Status: 404 Not Found\nContent-Type: text/plain\n\n", 0, "nope",
	  OK(404, "Not Found", "text/plain", NULL, NONE, -1, "") },
	{ __LINE__, "status alone, no reason", "Status: 204\n\n", 0, "",
	  OK(204, "", NULL, NULL, NONE, -1, "") },
	{ __LINE__, "status 200 lowest", "Status: 200 OK\n\n", 0, "",
	  OK(200, "OK", NULL, NULL, NONE, -1, "") },
	{ __LINE__, "status 599 highest", "Status: 599 Odd\n\n", 0, "",
	  OK(599, "Odd", NULL, NULL, NONE, -1, "") },
	{ __LINE__, "status reason with spaces", "Status: 500  Internal Server Error \n\n", 0, "",
	  OK(500, "Internal Server Error", NULL, NULL, NONE, -1, "") },
	{ __LINE__, "local redirect", "Location: /other.html\n\n", 0, "",
	  OK(200, "", NULL, "/other.html", LOCAL, -1, "") },
	{ __LINE__, "local redirect, Status 200", "Location: /x?a=b\nStatus: 200 OK\n\n", 0, "",
	  OK(200, "OK", NULL, "/x?a=b", LOCAL, -1, "") },
	{ __LINE__, "client redirect default 302", "Location: http://example.com/\n\n", 0, "",
	  OK(302, "", NULL, "http://example.com/", CLIENT, -1, "") },
	{ __LINE__, "client redirect with 301", "Status: 301 Moved\nLocation: https://e.x/\n\n", 0, "",
	  OK(301, "Moved", NULL, "https://e.x/", CLIENT, -1, "") },
	{ __LINE__, "network-path reference is the client's", "Location: //evil.example/x\n\n", 0, "",
	  OK(302, "", NULL, "//evil.example/x", CLIENT, -1, "") },
	{ __LINE__, "local path, Status 303", "Status: 303 See Other\nLocation: /local\n\n", 0, "",
	  OK(303, "See Other", NULL, "/local", CLIENT, -1, "") },
	{ __LINE__, "client redirect with doc", "Location: http://a/\nStatus: 302 Found\nContent-Type: text/html\n\n", 0,
	  "<a href=...>", OK(302, "Found", "text/html", "http://a/", CLIENT, -1, "") },
	{ __LINE__, "scheme with + - . digits", "Location: a1+b-c.d:x\n\n", 0, "",
	  OK(302, "", NULL, "a1+b-c.d:x", CLIENT, -1, "") },
	{ __LINE__, "mailto scheme", "Location: mailto:a@b\n\n", 0, "",
	  OK(302, "", NULL, "mailto:a@b", CLIENT, -1, "") },
	{ __LINE__, "names case-insensitive", "content-TYPE: a/b\nSTATUS: 201 Made\n\n", 0, "",
	  OK(201, "Made", "a/b", NULL, NONE, -1, "") },
	{ __LINE__, "LOCATION upper case", "LOCATION: /x\n\n", 0, "",
	  OK(200, "", NULL, "/x", LOCAL, -1, "") },
	{ __LINE__, "value trimmed both sides", "Content-Type: \t text/html \t\r\n\r\n", 0, "",
	  OK(200, "", "text/html", NULL, NONE, -1, "") },
	{ __LINE__, "no space after colon", "Content-Type:text/html\n\n", 0, "x",
	  OK(200, "", "text/html", NULL, NONE, -1, "") },
	{ __LINE__, "mixed LF and CRLF", "Content-Type: a/b\r\nX-A: y\n\r\n", 0, "z",
	  OK(200, "", "a/b", NULL, NONE, -1, "X-A: y\n") },
	{ __LINE__, "HTAB inside value", "Content-Type: a/b\nX-T: a\tb\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, -1, "X-T: a\tb\n") },
	{ __LINE__, "obs-text in value", "Content-Type: a/b\nX-U: caf\xc3\xa9\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, -1, "X-U: caf\xc3\xa9\n") },
	{ __LINE__, "empty other value", "Content-Type: a/b\nX-Empty:\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, -1, "X-Empty: \n") },
	{ __LINE__, "fields kept in order", "Set-Cookie: a=1\nContent-Type: a/b\nSet-Cookie: b=2\nX-Z: 3\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, -1, "Set-Cookie: a=1\nSet-Cookie: b=2\nX-Z: 3\n") },
	{ __LINE__, "hop-by-hop dropped",
	  "Content-Type: a/b\nConnection: close\nKeep-Alive: 5\nTransfer-Encoding: chunked\nTE: trailers\n"
	  "Trailer: X\nUpgrade: h2c\nproxy-connection: x\nX-A: 1\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, -1, "X-A: 1\n") },
	{ __LINE__, "Content-Length", "Content-Type: a/b\nContent-Length: 42\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, 42, "") },
	{ __LINE__, "Content-Length 0", "Status: 204\nContent-Length: 0\n\n", 0, "",
	  OK(204, "", NULL, NULL, NONE, 0, "") },
	{ __LINE__, "Content-Length repeated same", "Content-Length: 5\nContent-Type: a/b\ncontent-length: 5\n\n", 0, "hello",
	  OK(200, "", "a/b", NULL, NONE, 5, "") },
	{ __LINE__, "Content-Length max int64", "Content-Type: a/b\nContent-Length: 9223372036854775807\n\n", 0, "",
	  OK(200, "", "a/b", NULL, NONE, INT64_MAX, "") },
	{ __LINE__, "body looks like a header", "Content-Type: a/b\n\n", 0, "X: y\n\n",
	  OK(200, "", "a/b", NULL, NONE, -1, "") },
	{ __LINE__, "body holds a bare CR", "Content-Type: a/b\n\n", 0, "a\rb",
	  OK(200, "", "a/b", NULL, NONE, -1, "") },

	/* incomplete */
	{ __LINE__, "nothing yet", "", 0, "", MORE },
	{ __LINE__, "half a line", "Content-Ty", 0, "", MORE },
	{ __LINE__, "no empty line yet", "Content-Type: text/html\n", 0, "", MORE },
	{ __LINE__, "CR of the empty line", "Content-Type: text/html\r\n\r", 0, "", MORE },
	{ __LINE__, "CR at end of a field", "Content-Type: text/html\r", 0, "", MORE },

	/* no header block at all */
	{ __LINE__, "body text first", "<html><body>hi</body></html>\n", 0, "", BAD("without ':'") },
	{ __LINE__, "plain text first", "Hello world\n\n", 0, "", BAD("without ':'") },
	{ __LINE__, "html with a colon", "<a href=\"http://x/\">\n\n", 0, "", BAD("invalid header field name") },
	{ __LINE__, "empty block (LF)", "\n", 0, "x", BAD("no Content-Type, Location or Status") },
	{ __LINE__, "empty block (CRLF)", "\r\n", 0, "x", BAD("no Content-Type, Location or Status") },
	{ __LINE__, "only other fields", "X-A: b\nSet-Cookie: c=d\n\n", 0, "", BAD("no Content-Type, Location or Status") },
	{ __LINE__, "only hop-by-hop", "Connection: close\n\n", 0, "", BAD("no Content-Type, Location or Status") },

	/* line syntax */
	{ __LINE__, "bare CR mid-line", "Content-Type: a/b\rX-Y: z\n\n", 0, "", BAD("bare CR") },
	{ __LINE__, "bare CR in value", "Content-Type: a\r/b\n\n", 0, "", BAD("bare CR") },
	{ __LINE__, "CR CR LF", "Content-Type: a/b\r\r\n\r\n", 0, "", BAD("bare CR") },
	{ __LINE__, "lone CR line", "Content-Type: a/b\n\r\r\n", 0, "", BAD("bare CR") },
	{ __LINE__, "CR-only line endings", "Content-Type: a/b\r\r", 0, "\n", BAD("bare CR") },
	{ __LINE__, "continuation with SP", "Content-Type: a/b\n X-More: y\n\n", 0, "", BAD("folding") },
	{ __LINE__, "continuation with HTAB", "Content-Type: a/b\n\tmore\n\n", 0, "", BAD("folding") },
	{ __LINE__, "first line indented", " Content-Type: a/b\n\n", 0, "", BAD("folding") },
	{ __LINE__, "line without colon", "Content-Type text/html\n\n", 0, "", BAD("without ':'") },
	{ __LINE__, "space before colon", "Content-Type : a/b\n\n", 0, "", BAD("invalid header field name") },
	{ __LINE__, "space inside name", "Content Type: a/b\n\n", 0, "", BAD("invalid header field name") },
	{ __LINE__, "non-tchar in name", "X(a): b\nStatus: 200\n\n", 0, "", BAD("invalid header field name") },
	{ __LINE__, "empty name", ": a/b\nStatus: 200\n\n", 0, "", BAD("empty header field name") },
	{ __LINE__, "NUL in name", "X\0A: b\nStatus: 200\n\n", 20, "", BAD("invalid header field name") },
	{ __LINE__, "NUL in value", "X-A: a\0b\nStatus: 200\n\n", 22, "", BAD("control character") },
	{ __LINE__, "SOH in value", "X-A: a\x01" "b\nStatus: 200\n\n", 0, "", BAD("control character") },
	{ __LINE__, "ESC in value", "Content-Type: a/b\x1b[0m\n\n", 0, "", BAD("control character") },
	{ __LINE__, "DEL in value", "Content-Type: a/b\x7f\n\n", 0, "", BAD("control character") },
	{ __LINE__, "VT in value", "X-A: a\vb\nStatus: 200\n\n", 0, "", BAD("control character") },

	/* Status */
	{ __LINE__, "status letters", "Status: abc\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status two digits", "Status: 20\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status four digits", "Status: 2000\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status glued reason", "Status: 200OK\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status tab before reason", "Status: 200\tOK\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status digit then letter", "Status: 20a\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status signed", "Status: +200\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status negative", "Status: -20\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status empty", "Status:\nContent-Type: a/b\n\n", 0, "", BAD("malformed Status") },
	{ __LINE__, "status 1xx", "Status: 100 Continue\n\n", 0, "", BAD("out of range") },
	{ __LINE__, "status 199", "Status: 199\n\n", 0, "", BAD("out of range") },
	{ __LINE__, "status 099", "Status: 099\n\n", 0, "", BAD("out of range") },
	{ __LINE__, "status 600", "Status: 600\n\n", 0, "", BAD("out of range") },
	{ __LINE__, "status 999", "Status: 999 x\n\n", 0, "", BAD("out of range") },
	{ __LINE__, "duplicate Status", "Status: 200\nStatus: 404\n\n", 0, "", BAD("duplicate Status") },
	{ __LINE__, "duplicate Status same", "Status: 200\nstatus: 200\n\n", 0, "", BAD("duplicate Status") },

	/* Content-Type */
	{ __LINE__, "duplicate Content-Type", "Content-Type: a/b\ncontent-type: a/b\n\n", 0, "", BAD("duplicate Content-Type") },
	{ __LINE__, "empty Content-Type", "Content-Type:  \n\n", 0, "", BAD("empty Content-Type") },

	/* Content-Length */
	{ __LINE__, "CL letters", "Content-Type: a/b\nContent-Length: abc\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL empty", "Content-Type: a/b\nContent-Length:\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL negative", "Content-Type: a/b\nContent-Length: -1\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL plus sign", "Content-Type: a/b\nContent-Length: +5\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL inner space", "Content-Type: a/b\nContent-Length: 1 2\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL list", "Content-Type: a/b\nContent-Length: 5, 5\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL hex", "Content-Type: a/b\nContent-Length: 0x10\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL decimal point", "Content-Type: a/b\nContent-Length: 1.0\n\n", 0, "", BAD("malformed Content-Length") },
	{ __LINE__, "CL overflow", "Content-Type: a/b\nContent-Length: 9223372036854775808\n\n", 0, "", BAD("too large") },
	{ __LINE__, "CL huge", "Content-Type: a/b\nContent-Length: 99999999999999999999\n\n", 0, "", BAD("too large") },
	{ __LINE__, "CL repeated differing", "Content-Type: a/b\nContent-Length: 5\nContent-Length: 6\n\n", 0, "", BAD("conflicting") },

	/* Location */
	{ __LINE__, "relative Location", "Location: foo.html\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "empty Location", "Location:\nStatus: 302\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "scheme starts with digit", "Location: 1http://x/\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "empty scheme", "Location: ://x/\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "query only", "Location: ?a=b\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "fragment only", "Location: #top\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "space in scheme", "Location: ht tp://x/\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "no colon at all", "Location: http//x/\n\n", 0, "", BAD("neither a local path") },
	{ __LINE__, "duplicate Location", "Location: /a\nLocation: /b\n\n", 0, "", BAD("duplicate Location") },
	{ __LINE__, "duplicate Location case", "Location: /a\nlocation: http://x/\n\n", 0, "", BAD("duplicate Location") },
};

/* What one feeding produced, in a form that compares field by field. */
struct outcome {
	int rc;
	struct cgi_response r;
	struct http_header fields[MAX_FIELDS];
	size_t scanned;
};

static size_t case_len(const struct hdr_case *c)
{
	return c->head_n ? c->head_n : strlen(c->head);
}

/* head + body in one fresh heap buffer, so ASan sees any read past it. */
static char *case_buf(const struct hdr_case *c, size_t *len)
{
	size_t hn = case_len(c), bn = strlen(c->body);
	char *b = malloc(hn + bn + 1);

	ck_assert_ptr_nonnull(b);
	memcpy(b, c->head, hn);
	memcpy(b + hn, c->body, bn);
	*len = hn + bn;
	return b;
}

/* Feeds buf in the lengths given by cuts (each a prefix length), then all. */
static void feed(struct outcome *o, const char *buf, size_t len,
		 const size_t *cuts, size_t ncuts)
{
	struct cgi_hdr_parser p;

	cgi_hdr_init(&p, MAX_BYTES, MAX_FIELDS, &o->r, o->fields);
	o->rc = CGI_HDR_NEED_MORE;
	for (size_t i = 0; i < ncuts && o->rc == CGI_HDR_NEED_MORE; i++)
		o->rc = cgi_hdr_parse(&p, buf, cuts[i], &o->r);
	if (o->rc == CGI_HDR_NEED_MORE)
		o->rc = cgi_hdr_parse(&p, buf, len, &o->r);
	o->scanned = p.scanned;
}

static bool span_is(struct http_str s, const char *want)
{
	if (want == NULL)
		return s.p == NULL && s.len == 0;
	if (s.len == 0)
		return want[0] == '\0';
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

static void fields_text(const struct outcome *o, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < o->r.nfields; i++) {
		int w = snprintf(out + n, cap - n, "%.*s: %.*s\n",
				 (int)o->fields[i].name.len, o->fields[i].name.p,
				 (int)o->fields[i].value.len, o->fields[i].value.p);
		ck_assert_int_ge(w, 0);
		ck_assert_uint_lt((size_t)w, cap - n);
		n += (size_t)w;
	}
}

static void check_outcome(const struct hdr_case *c, const struct outcome *o, const char *how)
{
	char got[1024];

	ck_assert_msg(o->rc == c->result, "line %d (%s) %s: rc %d, want %d (error: %s)",
		      c->line, c->desc, how, o->rc, c->result, o->r.error ? o->r.error : "-");
	if (c->result == CGI_HDR_ERROR) {
		ck_assert_msg(o->r.error != NULL && strstr(o->r.error, c->err) != NULL,
			      "line %d (%s) %s: error \"%s\", want \"%s\"", c->line, c->desc, how,
			      o->r.error ? o->r.error : "(null)", c->err);
		return;
	}
	ck_assert_msg(o->r.error == NULL, "line %d (%s) %s: error set", c->line, c->desc, how);
	if (c->result == CGI_HDR_NEED_MORE) {
		ck_assert_msg(o->r.head_len == 0, "line %d (%s) %s: head_len set", c->line, c->desc, how);
		return;
	}
	ck_assert_msg(o->r.head_len == case_len(c), "line %d (%s) %s: head_len %zu, want %zu",
		      c->line, c->desc, how, o->r.head_len, case_len(c));
	ck_assert_msg(o->r.status == c->status, "line %d (%s) %s: status %d, want %d",
		      c->line, c->desc, how, o->r.status, c->status);
	ck_assert_msg(span_is(o->r.reason, c->reason),
		      "line %d (%s) %s: reason", c->line, c->desc, how);
	ck_assert_msg(span_is(o->r.content_type, c->ctype), "line %d (%s) %s: content_type \"%.*s\"",
		      c->line, c->desc, how, (int)o->r.content_type.len, o->r.content_type.p);
	ck_assert_msg(span_is(o->r.location, c->location), "line %d (%s) %s: location", c->line, c->desc, how);
	ck_assert_msg(o->r.redirect == c->redirect, "line %d (%s) %s: redirect %d, want %d",
		      c->line, c->desc, how, o->r.redirect, c->redirect);
	ck_assert_msg(o->r.content_length == c->clen, "line %d (%s) %s: content_length", c->line, c->desc, how);
	fields_text(o, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->fields) == 0, "line %d (%s) %s: fields \"%s\", want \"%s\"",
		      c->line, c->desc, how, got, c->fields);
}

START_TEST(test_whole)
{
	const struct hdr_case *c = &cases[_i];
	struct outcome o;
	size_t len;
	char *buf = case_buf(c, &len);

	feed(&o, buf, len, NULL, 0);
	check_outcome(c, &o, "whole");
	free(buf);
}
END_TEST

START_TEST(test_bytewise)
{
	const struct hdr_case *c = &cases[_i];
	struct outcome o;
	size_t len;
	char *buf = case_buf(c, &len);
	size_t *cuts = malloc((len + 1) * sizeof(*cuts));

	ck_assert_ptr_nonnull(cuts);
	for (size_t i = 0; i <= len; i++)
		cuts[i] = i;
	feed(&o, buf, len, cuts, len + 1);
	check_outcome(c, &o, "byte at a time");
	free(cuts);
	free(buf);
}
END_TEST

START_TEST(test_split)
{
	const struct hdr_case *c = &cases[_i];
	size_t len;
	char *buf = case_buf(c, &len);

	for (size_t k = 0; k <= len; k++) {
		struct outcome o;
		char how[64];

		snprintf(how, sizeof(how), "split at %zu", k);
		feed(&o, buf, len, &k, 1);
		check_outcome(c, &o, how);
	}
	free(buf);
}
END_TEST

/* A finished parse repeats its answer instead of reading the body as headers. */
START_TEST(test_answer_is_final)
{
	static const char ok[] = "Content-Type: a/b\n\nX: y\n\n";
	static const char bad[] = "Status: 99\n\nContent-Type: a/b\n\n";
	struct cgi_hdr_parser p;
	struct cgi_response r;
	struct http_header f[MAX_FIELDS];

	cgi_hdr_init(&p, MAX_BYTES, MAX_FIELDS, &r, f);
	ck_assert_int_eq(cgi_hdr_parse(&p, ok, sizeof(ok) - 1, &r), CGI_HDR_DONE);
	ck_assert_int_eq(cgi_hdr_parse(&p, ok, sizeof(ok) - 1, &r), CGI_HDR_DONE);
	ck_assert_uint_eq(r.head_len, 19);
	ck_assert_uint_eq(r.nfields, 0);

	cgi_hdr_init(&p, MAX_BYTES, MAX_FIELDS, &r, f);
	ck_assert_int_eq(cgi_hdr_parse(&p, bad, sizeof(bad) - 1, &r), CGI_HDR_ERROR);
	ck_assert_int_eq(cgi_hdr_parse(&p, bad, sizeof(bad) - 1, &r), CGI_HDR_ERROR);
	ck_assert_ptr_nonnull(r.error);
}
END_TEST

/* Each call scans only the new bytes: the offset has moved to the end of
 * what was given, and bytes already judged are not looked at again. */
START_TEST(test_resumes)
{
	char buf[] = "Content-Type: a/b\nX-A: 1\n\n";
	struct cgi_hdr_parser p;
	struct cgi_response r;
	struct http_header f[MAX_FIELDS];

	cgi_hdr_init(&p, MAX_BYTES, MAX_FIELDS, &r, f);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, 10, &r), CGI_HDR_NEED_MORE);
	ck_assert_uint_eq(p.scanned, 10);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, 20, &r), CGI_HDR_NEED_MORE);
	ck_assert_uint_eq(p.scanned, 20);
	ck_assert_uint_eq(p.line_start, 18);
	/* Spoil the finished first line: a parser that rescanned would now
	 * fail on it ("line without ':'"). */
	memset(buf, 'Z', 17);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, sizeof(buf) - 1, &r), CGI_HDR_DONE);
	ck_assert_uint_eq(r.head_len, sizeof(buf) - 1);
	ck_assert_uint_eq(r.nfields, 1);
}
END_TEST

/* ---- limits --------------------------------------------------------------- */

/* "Content-Type: a/b\n" + n × "X: 12345\n" + "\n": 18 + 9n + 1 bytes. */
static char *block_of(size_t nfields, size_t *len)
{
	size_t n = 18 + 9 * nfields + 1;
	char *b = malloc(n + 1);
	size_t at = 0;

	ck_assert_ptr_nonnull(b);
	memcpy(b, "Content-Type: a/b\n", 18);
	at = 18;
	for (size_t i = 0; i < nfields; i++, at += 9)
		memcpy(b + at, "X: 12345\n", 9);
	b[at++] = '\n';
	b[at] = '\0';
	*len = at;
	return b;
}

static int parse_limited(const char *buf, size_t len, size_t max_bytes,
			 size_t max_fields, struct cgi_response *r)
{
	struct cgi_hdr_parser p;
	struct http_header f[MAX_FIELDS];
	int rc;

	ck_assert_uint_le(max_fields, MAX_FIELDS);
	cgi_hdr_init(&p, max_bytes, max_fields, r, f);
	rc = cgi_hdr_parse(&p, buf, len, r);
	r->fields = NULL; /* f is about to go out of scope */
	return rc;
}

struct limit_case {
	int line;
	const char *desc;
	size_t nfields;     /* other fields in the block */
	long extra;         /* max_bytes = block length + extra */
	size_t max_fields;
	size_t give;        /* bytes given; 0 = whole block */
	int result;
	const char *err;
};

static const struct limit_case limit_cases[] = {
	{ __LINE__, "block exactly max_bytes",     2,  0, 4, 0,  CGI_HDR_DONE, NULL },
	{ __LINE__, "block one over max_bytes",    2, -1, 4, 0,  CGI_HDR_ERROR, "too long" },
	{ __LINE__, "block way over max_bytes",    2, -20, 4, 0, CGI_HDR_ERROR, "too long" },
	{ __LINE__, "partial under max_bytes",     2,  0, 4, 20, CGI_HDR_NEED_MORE, NULL },
	{ __LINE__, "fields exactly max_fields",   4, 10, 4, 0,  CGI_HDR_DONE, NULL },
	{ __LINE__, "fields one over max_fields",  5, 10, 4, 0,  CGI_HDR_ERROR, "too many" },
	{ __LINE__, "no room for any field",       1, 10, 0, 0,  CGI_HDR_ERROR, "too many" },
	{ __LINE__, "only known fields, none room", 0, 10, 0, 0, CGI_HDR_DONE, NULL },
};

START_TEST(test_limits)
{
	const struct limit_case *c = &limit_cases[_i];
	size_t len;
	char *buf = block_of(c->nfields, &len);
	struct cgi_response r;
	int rc = parse_limited(buf, c->give ? c->give : len, (size_t)((long)len + c->extra),
			       c->max_fields, &r);

	ck_assert_msg(rc == c->result, "line %d (%s): rc %d, want %d (%s)", c->line, c->desc,
		      rc, c->result, r.error ? r.error : "-");
	if (c->err != NULL)
		ck_assert_msg(r.error && strstr(r.error, c->err), "line %d (%s): error %s",
			      c->line, c->desc, r.error ? r.error : "(null)");
	if (rc == CGI_HDR_DONE)
		ck_assert_uint_eq(r.nfields, c->nfields);
	free(buf);
}
END_TEST

/* An endless line is refused as soon as max_bytes have arrived, and a
 * script that keeps writing more does not make it look again. */
START_TEST(test_endless_line)
{
	size_t n = 1000;
	char *buf = malloc(n);
	struct cgi_hdr_parser p;
	struct cgi_response r;
	struct http_header f[MAX_FIELDS];

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', n);
	cgi_hdr_init(&p, 100, MAX_FIELDS, &r, f);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, 99, &r), CGI_HDR_NEED_MORE);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, 100, &r), CGI_HDR_ERROR);
	ck_assert_ptr_nonnull(strstr(r.error, "too long"));
	ck_assert_uint_eq(p.scanned, 100);
	ck_assert_int_eq(cgi_hdr_parse(&p, buf, n, &r), CGI_HDR_ERROR);
	ck_assert_uint_eq(p.scanned, 100);
	free(buf);
}
END_TEST

/*
 * An error page script (Apache's ErrorDocument) answers with the original
 * status whatever its own Status says, unless it sends the client elsewhere.
 */
static const struct errst_case {
	int line;
	const char *desc;
	const char *head;
	int original;
	int want;
} errst_cases[] = {
	{ __LINE__, "no Status: the original", "Content-Type: text/html\n\n", 404, 404 },
	{ __LINE__, "Status 200 does not win", "Status: 200 OK\nContent-Type: text/html\n\n", 404, 404 },
	{ __LINE__, "another error status does not win", "Status: 500\nContent-Type: text/html\n\n", 403, 403 },
	{ __LINE__, "204 does not win (a body would be lost)", "Status: 204\n\n", 404, 404 },
	{ __LINE__, "client redirect: 302 kept", "Location: http://example.com/\n\n", 404, 302 },
	{ __LINE__, "client redirect with its own 301", "Status: 301\nLocation: http://example.com/\n\n", 410, 301 },
	{ __LINE__, "Location with Status 200: not a redirect", "Status: 200\nLocation: http://e/\n\n", 404, 404 },
	{ __LINE__, "local Location: the original (never followed)", "Location: /elsewhere\n\n", 500, 500 },
};

START_TEST(test_error_status)
{
	const struct errst_case *c = &errst_cases[_i];
	struct http_header fields[MAX_FIELDS];
	struct cgi_hdr_parser p;
	struct cgi_response r;
	int got;

	cgi_hdr_init(&p, MAX_BYTES, MAX_FIELDS, &r, fields);
	ck_assert_msg(cgi_hdr_parse(&p, c->head, strlen(c->head), &r) == CGI_HDR_DONE,
		      "line %d (%s): does not parse", c->line, c->desc);
	got = cgi_hdr_error_status(&r, c->original);
	ck_assert_msg(got == c->want, "line %d (%s): %d, want %d", c->line, c->desc, got, c->want);
}
END_TEST

static Suite *cgi_hdr_suite(void)
{
	Suite *s = suite_create("cgi_hdr");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_set_timeout(core, 10);
	tcase_add_loop_test(core, test_whole, 0, NELEM(cases));
	tcase_add_loop_test(core, test_bytewise, 0, NELEM(cases));
	tcase_add_loop_test(core, test_split, 0, NELEM(cases));
	tcase_add_test(core, test_answer_is_final);
	tcase_add_test(core, test_resumes);
	tcase_add_loop_test(core, test_error_status, 0, NELEM(errst_cases));
	suite_add_tcase(s, core);

	tcase_set_timeout(limits, 5);
	tcase_add_loop_test(limits, test_limits, 0, NELEM(limit_cases));
	tcase_add_test(limits, test_endless_line);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(cgi_hdr_suite());
}
