/*
 * auth — HTTP Basic authentication (RFC 7617) against htpasswd files, and
 * the one gate every request passes (auth_request: access rule, address,
 * credentials).
 *
 * Contract: the parsers (auth_parse_basic, auth_table_parse,
 * auth_www_authenticate) are pure: no I/O, and only auth_table_parse
 * allocates. auth_verify runs crypt(3) from libxcrypt and compares in
 * constant time; it never tells a caller more than the verdict. The
 * password files are read lazily, per worker, and kept until they change
 * (auth_file_get); nothing here ever writes a file. Only
 * auth_request talks to the client, through http_error.
 *
 * Hash methods: what libxcrypt's crypt_checksalt() calls CRYPT_SALT_OK:
 * bcrypt ($2b$, $2y$, $2a$), SHA-512-crypt ($6$), yescrypt ($y$),
 * gost-yescrypt ($gy$) and scrypt ($7$). Methods libxcrypt keeps only for
 * old files (DES, MD5-crypt $1$, SHA-256-crypt $5$, ...) are refused, and
 * Apache's own $apr1$ and {SHA} are unknown to crypt(3): an entry with
 * such a hash never authenticates, and the file's loading logs it.
 */
#ifndef PFHTTPD_AUTH_H
#define PFHTTPD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;

/* The longest user-id, and user-id ":" password, we take (decoded bytes). */
#define AUTH_USER_MAX 255
#define AUTH_CRED_MAX 1024
/* The longest htpasswd line (bcrypt's are 60 bytes, yescrypt's about 80). */
#define AUTH_LINE_MAX 4096
/* The largest password file read; a bigger one is a misconfiguration (500). */
#define AUTH_FILE_MAX (16 * 1024 * 1024)

struct auth_cred {
	char user[AUTH_USER_MAX + 1];
	char pass[AUTH_CRED_MAX + 1];
};

/*
 * Parse an Authorization field value: "Basic" (any case) 1*SP token68
 * (RFC 9110 11.6.2, RFC 7617 2), the token68 being strict base64 (RFC 4648
 * 4: padded, no line breaks, unused bits zero) of "user-id:password". The
 * user-id is what precedes the first ':', may not be empty, and neither
 * part may hold a control character (RFC 7617 2). 0 with *out filled, or -1
 * with *why a short reason for the error log ("not the Basic scheme", ...).
 */
int auth_parse_basic(const char *value, size_t len, struct auth_cred *out, const char **why);

/* One "user:hash" line. */
struct auth_entry {
	const char *user;
	const char *hash;
	int line;
	bool usable;                 /* crypt_checksalt() accepts the hash (the header comment) */
};

struct auth_table {
	struct auth_entry *e;        /* sorted by user; one entry per user (the first line wins) */
	size_t n;
	const char *dummy;           /* a usable hash of the file (its first), or NULL: unknown users */
	char *text;                  /* the lines, NUL-ended in place */
};

/* Called for every line auth_table_parse skips or cannot use: line number, why. */
typedef void auth_note_fn(void *arg, int line, const char *what);

/*
 * Parse htpasswd text into t: "user:hash" lines (anything after a second
 * ':' is ignored, as Apache's mod_authn_file does), '#' comments, blank
 * lines, LF or CRLF ends, whitespace around a line dropped. A line without
 * ':', with an empty user, a control character or a NUL in it, or longer
 * than AUTH_LINE_MAX is skipped, and note says so; so is a second line for
 * the same user. 0, or -1 (no memory). note may be NULL.
 */
int auth_table_parse(struct auth_table *t, const char *text, size_t len,
		     auth_note_fn *note, void *arg);
void auth_table_free(struct auth_table *t);
const struct auth_entry *auth_table_find(const struct auth_table *t, const char *user);

enum auth_verdict {
	AUTH_V_OK,
	AUTH_V_WRONG,                /* wrong password */
	AUTH_V_UNKNOWN,              /* no such user */
	AUTH_V_UNUSABLE,             /* the user's hash is of a refused method */
};

/*
 * Check user and pass against t. For an unknown user (or an unusable hash)
 * crypt(3) still runs, against t->dummy, so the answer takes as long as a
 * known user's would and the timing does not tell which users exist.
 */
enum auth_verdict auth_verify(const struct auth_table *t, const char *user, const char *pass);

/* The reason for the error log: "password mismatch", "user not found", ... */
const char *auth_verdict_why(enum auth_verdict v);

/*
 * The password file path, read now or earlier in this process: re-read
 * when its device, inode, size or mtime (ns) changed, which is looked at
 * no more than once a second (now_ms: a monotonic clock in ms) per file,
 * as lighttpd's stat cache does. 0 with *t, or -1 with err (the file
 * cannot be opened, read, or is too large): the server is misconfigured.
 */
int auth_file_get(const char *path, int64_t now_ms, const struct auth_table **t,
		  char *err, size_t errlen);

/* Forget every file (tests; a worker never needs to). */
void auth_file_reset(void);

/*
 * "WWW-Authenticate: Basic realm="<realm>", charset="UTF-8"\r\n" into
 * dst (RFC 7617 2, 2.1), '"' and '\' in the realm escaped (RFC 9110
 * 5.6.4). The length, or -1 when it does not fit or the realm holds a
 * control character (a field value cannot carry it).
 */
int auth_www_authenticate(char *dst, size_t cap, const char *realm);

#define AUTH_PASS 1

/*
 * The access gate, called once per routed path (request.c), before any
 * handler: the longest-prefix rule of the request's site (access.h), its
 * address step, then Basic credentials. AUTH_PASS (rq->auth_user set when
 * credentials were checked), or 0 / -1 as http_error after answering 403,
 * 401 (with WWW-Authenticate) or 500 (the password file is unusable).
 */
int auth_request(struct request *rq);

#endif
