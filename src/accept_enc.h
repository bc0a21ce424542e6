/*
 * accept_enc — Accept-Encoding (RFC 9110 12.5.3) and the choice among the
 * precompressed variants of a file (br, gzip, the file itself).
 *
 * Contract: pure; no I/O, no allocation. accept_enc_add() reads one field
 * value into a struct accept_enc (call it once per Accept-Encoding field, in
 * the order they came: RFC 9110 5.3 makes them one list), and
 * accept_enc_choose() says which of the codings the server has is sent.
 * Only br, gzip (and its alias x-gzip, RFC 9110 8.4.1.3), identity and "*"
 * are remembered: a server with no other variant needs no other name.
 *
 * Decisions (RFC 9110 leaves them to the server; each is nginx's
 * gzip_static behaviour where nginx has one):
 * - No Accept-Encoding field: identity. RFC 9110 12.5.3 rule 1 makes every
 *   coding acceptable then, but adds that this "does not imply that the user
 *   agent will be able to correctly process all encodings"; nginx sends
 *   the .gz only to a client that names gzip.
 * - A malformed member (a qvalue such as "q=2", "q=.5", "q=0.5000",
 *   "q = 0.5", a parameter other than q, a name with a character a token
 *   may not hold) is treated as absent, as if the client had not written
 *   it: guessing what it meant could send a coding it cannot decode. The
 *   other members of the field still count.
 * - A coding listed twice (or gzip and x-gzip both): the first one counts,
 *   as nginx reads the first "gzip" it finds.
 * - identity not listed (and no "*"): acceptable (rule 2), but ranked below
 *   every coding the client listed with a non-zero qvalue: "gzip;q=0.5"
 *   asks for gzip, and an implied identity;q=1 would never let it have it.
 * - Equal qvalues: br, then gzip, then identity. The variants are the same
 *   representation, so the smaller transfer is the better one, and for
 *   text br is smaller than gzip (RFC 7932's purpose; about a fifth on web
 *   assets) and both smaller than the file.
 * - Nothing acceptable ("identity;q=0" or "*;q=0" and no coding that is
 *   both acceptable and present): identity all the same. RFC 9110 12.5.3:
 *   the server "SHOULD send a response without any content coding" then;
 *   415 is for request content and 406 would only leave the client with
 *   nothing.
 */
#ifndef PFHTTPD_ACCEPT_ENC_H
#define PFHTTPD_ACCEPT_ENC_H

#include <stdbool.h>
#include <stddef.h>

enum accept_enc_coding {
	ACCEPT_ENC_IDENTITY,
	ACCEPT_ENC_GZIP,
	ACCEPT_ENC_BR,
	ACCEPT_ENC_N
};

/* Bits of accept_enc_choose()'s have: the variants that exist (identity always does). */
#define ACCEPT_ENC_HAVE(c) (1u << (c))

/* What the request's Accept-Encoding fields said. Zero it, or use accept_enc_init(). */
struct accept_enc {
	bool present;                /* at least one Accept-Encoding field */
	int q[ACCEPT_ENC_N];         /* thousandths 0..1000; -1: not listed */
	int star;                    /* "*": thousandths, or -1: not listed */
};

void accept_enc_init(struct accept_enc *ae);

/* Read one Accept-Encoding field value (len bytes, not NUL-terminated). */
void accept_enc_add(struct accept_enc *ae, const char *val, size_t len);

/*
 * The coding to send among those in have (ACCEPT_ENC_HAVE bits; identity is
 * always possible): the highest qvalue, ties to br, gzip, identity.
 */
enum accept_enc_coding accept_enc_choose(const struct accept_enc *ae, unsigned have);

/* The Content-Encoding name of c ("br", "gzip"), or NULL for identity. */
const char *accept_enc_name(enum accept_enc_coding c);

#endif
