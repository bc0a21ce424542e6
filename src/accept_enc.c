#include "accept_enc.h"

#include <string.h>
#include <strings.h>

#include "http_chars.h"

void accept_enc_init(struct accept_enc *ae)
{
	ae->present = false;
	for (int c = 0; c < ACCEPT_ENC_N; c++)
		ae->q[c] = -1;
	ae->star = -1;
}

/*
 * qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * (RFC 9110 12.4.2), in thousandths; -1 when s is not one.
 */
static int ae_qvalue(const char *s, size_t len)
{
	int q, scale = 100;

	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (len == 1)
		return q;
	if (s[1] != '.' || len > 5)
		return -1;
	for (size_t i = 2; i < len; i++, scale /= 10) {
		if (!http_is_digit((unsigned char)s[i]))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* weight = OWS ";" OWS "q=" qvalue: s is what follows the ';'. The qvalue, or -1. */
static int ae_weight(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && http_is_ows((unsigned char)s[i]))
		i++;
	/* "q=" is case-insensitive, as every ABNF literal (RFC 5234 2.3). */
	if (len - i < 2 || (s[i] | 0x20) != 'q' || s[i + 1] != '=')
		return -1;
	return ae_qvalue(s + i + 2, len - i - 2);
}

/* Where the coding name (a token) tok of tlen bytes is remembered, or NULL. */
static int *ae_slot(struct accept_enc *ae, const char *tok, size_t tlen)
{
	static const struct { const char *name; int c; } names[] = {
		{ "br", ACCEPT_ENC_BR }, { "gzip", ACCEPT_ENC_GZIP },
		/* RFC 9110 8.4.1.3: a recipient SHOULD treat x-gzip as gzip. */
		{ "x-gzip", ACCEPT_ENC_GZIP }, { "identity", ACCEPT_ENC_IDENTITY },
	};

	if (tlen == 1 && tok[0] == '*')
		return &ae->star;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == tlen && strncasecmp(names[i].name, tok, tlen) == 0)
			return &ae->q[names[i].c];
	return NULL;
}

/* One list member, OWS already trimmed at both ends; an empty one is none (RFC 9110 5.6.1). */
static void ae_member(struct accept_enc *ae, const char *m, size_t len)
{
	size_t tlen = 0, i;
	int q = 1000, *slot;

	while (tlen < len && http_is_tchar((unsigned char)m[tlen]))
		tlen++;
	if (tlen == 0)
		return;
	for (i = tlen; i < len && http_is_ows((unsigned char)m[i]); i++)
		;
	if (i < len) {
		if (m[i] != ';' || (q = ae_weight(m + i + 1, len - i - 1)) < 0)
			return;  /* malformed: as if absent (accept_enc.h) */
	}
	slot = ae_slot(ae, m, tlen);
	if (slot && *slot < 0)
		*slot = q;  /* the first mention counts (accept_enc.h) */
}

void accept_enc_add(struct accept_enc *ae, const char *val, size_t len)
{
	size_t start = 0;

	ae->present = true;
	while (start <= len) {
		const char *comma = start < len ? memchr(val + start, ',', len - start) : NULL;
		size_t end = comma ? (size_t)(comma - val) : len, b = start, e = end;

		while (b < e && http_is_ows((unsigned char)val[b]))
			b++;
		while (e > b && http_is_ows((unsigned char)val[e - 1]))
			e--;
		ae_member(ae, val + b, e - b);
		start = end + 1;
	}
}

/* The qvalue of c for this request (0: not acceptable); accept_enc.h says why each rule. */
static int ae_q(const struct accept_enc *ae, enum accept_enc_coding c)
{
	if (ae->q[c] >= 0)
		return ae->q[c];
	if (ae->star >= 0)
		return ae->star;  /* RFC 9110 12.5.3: "*" is every coding not listed */
	if (c == ACCEPT_ENC_IDENTITY)
		return 1;         /* acceptable, below anything the client asked for */
	return 0;
}

enum accept_enc_coding accept_enc_choose(const struct accept_enc *ae, unsigned have)
{
	/* Best first, so that a later coding must beat it strictly. */
	static const enum accept_enc_coding order[] = { ACCEPT_ENC_BR, ACCEPT_ENC_GZIP };
	enum accept_enc_coding best = ACCEPT_ENC_IDENTITY;
	int bestq = 0;

	/* No field at all lists nothing: every coding 0, identity 1, so identity (accept_enc.h). */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int q = ae_q(ae, order[i]);
		if ((have & ACCEPT_ENC_HAVE(order[i])) && q > bestq) {
			best = order[i];
			bestq = q;
		}
	}
	/* identity wins only over a strictly lower qvalue; nothing acceptable: identity too. */
	return ae_q(ae, ACCEPT_ENC_IDENTITY) > bestq ? ACCEPT_ENC_IDENTITY : best;
}

const char *accept_enc_name(enum accept_enc_coding c)
{
	return c == ACCEPT_ENC_BR ? "br" : c == ACCEPT_ENC_GZIP ? "gzip" : NULL;
}
