/*
 * uri — percent-decoding, dot-segment removal and containment of request
 * paths (RFC 3986 2.1, 2.4, 3.3, 5.2.4). Pure: no I/O, no allocation.
 */
#include "uri.h"
#include "http_chars.h"

#include <stdbool.h>
#include <string.h>

long uri_pct_decode(const char *src, size_t len, char *dst, size_t cap)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return -1;
			hi = http_hexval((unsigned char)src[i + 1]);
			lo = http_hexval((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			i++;
		}
		if (n + 1 >= cap) /* keep room for the NUL */
			return -1;
		dst[n++] = (char)c;
	}
	if (cap == 0)
		return -1;
	dst[n] = '\0';
	return (long)n;
}

/*
 * RFC 3986 3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@",
 * and '/' separates segments. Everything else is encoded.
 */
static bool uri_path_literal(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

long uri_pct_encode_path(char *dst, size_t cap, const char *src, size_t len)
{
	/* RFC 3986 2.1: producers should use uppercase hex digits. */
	static const char hex[] = "0123456789ABCDEF";
	size_t start = strnlen(dst, cap), n = start, i;

	if (start == cap)
		return -1; /* dst is not a string within cap */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t need = uri_path_literal(c) ? 1 : 3;

		if (cap - n <= need)
			goto fail;
		if (need == 1) {
			dst[n++] = (char)c;
		} else {
			dst[n++] = '%';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 0xF];
		}
	}
	dst[n] = '\0';
	return (long)n;
fail:
	dst[start] = '\0'; /* leave dst as it was */
	return -1;
}

/*
 * A decoded NUL or control character is not part of any name a client may
 * ask for: RFC 9112 3.2 forbids CTLs in the request-target, and encoding one
 * does not make it valid. The request is malformed (400), as Apache and
 * nginx answer; it is not a forbidden file.
 */
static bool uri_has_control(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return false;
}

static bool uri_seg_is(const char *seg, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(seg, lit, len) == 0;
}

/* Drop the last "/segment" of out[0..*w). */
static void uri_pop(const char *out, size_t *w)
{
	while (*w > 0 && out[*w - 1] != '/')
		(*w)--;
	if (*w > 0)
		(*w)--; /* the '/' that introduced the segment */
}

/*
 * Apply one segment to the output stack out[0..*w), which holds "/seg"
 * entries. Returns 0, 400 (climbs above the root) or 403 (a dotfile).
 * *dir is set when the segment leaves the path naming a directory ("." or
 * "..").
 */
static int uri_segment(char *out, size_t *w, const char *seg, size_t len,
		       bool *dir)
{
	*dir = false;
	if (uri_seg_is(seg, len, ".")) {
		*dir = true;
		return 0;
	}
	if (uri_seg_is(seg, len, "..")) {
		/* RFC 3986 5.2.4 has no segment above "/": a path that climbs
		 * there names nothing, so the request is malformed (RFC 9112
		 * 3.2), not forbidden. */
		if (*w == 0)
			return 400;
		uri_pop(out, w);
		*dir = true;
		return 0;
	}
	/*
	 * Dotfiles (.htpasswd, .git/, .env) are never served; RFC 8615 reserves
	 * /.well-known/ as the one leading-dot name a site publishes.
	 */
	if (seg[0] == '.' && !(*w == 0 && uri_seg_is(seg, len, ".well-known")))
		return 403;
	/* In place: the segment was preceded by at least one '/' in the input,
	 * so the write position never passes the read position. */
	out[(*w)++] = '/';
	memmove(out + *w, seg, len);
	*w += len;
	return 0;
}

/*
 * RFC 3986 5.2.4 on the decoded path held in out[0..len), in place. Runs of
 * '/' count as one separator, so empty segments disappear.
 */
static int uri_remove_dots(char *out, size_t len, size_t *out_len)
{
	size_t r = 0, w = 0;
	bool dir = false;

	while (r < len) {
		size_t s;
		int rc;

		if (out[r] == '/') {
			r++;
			dir = true; /* a trailing separator names a directory */
			continue;
		}
		s = r;
		while (r < len && out[r] != '/')
			r++;
		rc = uri_segment(out, &w, out + s, r - s, &dir);
		if (rc != 0)
			return rc;
	}
	if (w == 0 || dir)
		out[w++] = '/';
	out[w] = '\0';
	*out_len = w;
	return 0;
}

int uri_normalize(const char *raw, size_t len, char *out, size_t outcap,
		  size_t *out_len)
{
	long n;

	if (len == 0 || raw[0] != '/')
		return 400; /* RFC 9112 3.2.1: origin-form is an absolute path */
	if (outcap < len + 1)
		return 400;
	/* Decode exactly once: "%252e" becomes the literal "%2e", which is not
	 * a dot-segment and must not be decoded again. */
	n = uri_pct_decode(raw, len, out, outcap);
	if (n < 0)
		return 400;
	if (uri_has_control(out, (size_t)n))
		return 400;
	return uri_remove_dots(out, (size_t)n, out_len);
}
