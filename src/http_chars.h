/*
 * http_chars — the character classes every parser here shares (RFC 5234
 * B.1, RFC 9110 5.6.2, RFC 3986 2.1).
 *
 * Contract: pure inline predicates on one byte, no locale (isalpha() and
 * friends depend on it, and HTTP's grammar must not).
 */
#ifndef PFHTTPD_HTTP_CHARS_H
#define PFHTTPD_HTTP_CHARS_H

#include <stdbool.h>

static inline bool http_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool http_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The value of a hex digit (either case), or -1. */
static inline int http_hexval(unsigned char c)
{
	if (http_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool http_is_hex(unsigned char c)
{
	return http_hexval(c) >= 0;
}

/* tchar: what a token (a method, a field name, a coding) is made of. */
static inline bool http_is_tchar(unsigned char c)
{
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
	case '+': case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return true;
	default:
		return http_is_alpha(c) || http_is_digit(c);
	}
}

/* A CTL other than HTAB: never valid in a field value (RFC 9110 5.5). */
static inline bool http_is_field_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* OWS: optional whitespace around values (RFC 9110 5.6.3). */
static inline bool http_is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

#endif
