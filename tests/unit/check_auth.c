/*
 * Unit tests for auth: the Authorization field (every malformed form),
 * htpasswd parsing, verifying each hash kind against crypt(3), the dummy
 * run for unknown users, the per-worker file cache (re-read after a
 * change, at most once a second), and the WWW-Authenticate challenge.
 */
#include "unit.h"
#include "auth.h"

#include <check.h>
#include <crypt.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

/* Base64 of s[0..len) (RFC 4648 4, padded) into dst. */
static void b64(char *dst, const char *s, size_t len)
{
	static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;
		if (n > 1)
			v |= (unsigned char)s[i + 1] << 8;
		if (n > 2)
			v |= (unsigned char)s[i + 2];
		dst[o++] = d[v >> 18 & 63];
		dst[o++] = d[v >> 12 & 63];
		dst[o++] = n > 1 ? d[v >> 6 & 63] : '=';
		dst[o++] = n > 2 ? d[v & 63] : '=';
	}
	dst[o] = '\0';
}

/* A hash of pw with a fresh salt of prefix's method at cost count. */
static char *hash_of(const char *prefix, unsigned long count, const char *pw)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *out;

	memset(&cd, 0, sizeof cd);
	ck_assert_ptr_nonnull(crypt_gensalt_rn(prefix, count, NULL, 0, salt, sizeof salt));
	out = crypt_rn(pw, salt, &cd, sizeof cd);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(out[0] != '*', "crypt failed for %s", prefix);
	return strdup(out);
}

/* ---- the Authorization field ---------------------------------------------- */

struct basic_case {
	int src_line;
	const char *what;
	const char *prefix;          /* the text before the token68 */
	const char *plain;           /* encoded into the token68 when raw is NULL */
	size_t plain_len;            /* 0: strlen(plain) */
	const char *raw;             /* a token68 as written (not encoded) */
	const char *user, *pass;     /* NULL: refused */
};

/* AUTH_USER_MAX (255) bytes. */
#define U16 "uuuuuuuuuuuuuuuu"
#define LONG_USER U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 "uuuuuuuuuuuuuuu"

static const struct basic_case basic_cases[] = {
	{ __LINE__, "plain", "Basic ", "alice:secret", 0, NULL, "alice", "secret" },
	{ __LINE__, "scheme in lower case", "basic ", "alice:secret", 0, NULL, "alice", "secret" },
	{ __LINE__, "scheme in upper case", "BASIC ", "alice:secret", 0, NULL, "alice", "secret" },
	{ __LINE__, "several spaces (RFC 9110 11.6.2: 1*SP)", "Basic   ", "a:b", 0, NULL, "a", "b" },
	{ __LINE__, "password holds ':'", "Basic ", "a:b:c", 0, NULL, "a", "b:c" },
	{ __LINE__, "empty password", "Basic ", "a:", 0, NULL, "a", "" },
	{ __LINE__, "one pad char", "Basic ", "ab:cd", 0, NULL, "ab", "cd" },
	{ __LINE__, "UTF-8 user-id", "Basic ", "J\xc3\xbcrgen:pw", 0, NULL, "J\xc3\xbcrgen", "pw" },
	{ __LINE__, "space inside the password", "Basic ", "a:b c", 0, NULL, "a", "b c" },
	{ __LINE__, "'+' and '/' digits", "Basic ", NULL, 0, "YTo+Pj4/Pz8=", "a", ">>>???" },
	{ __LINE__, "longest user-id", "Basic ", LONG_USER ":p", 0, NULL, LONG_USER, "p" },
	{ __LINE__, "user-id one too long", "Basic ", LONG_USER "u:p", 0, NULL, NULL, NULL },
	{ __LINE__, "empty value", "", NULL, 0, "", NULL, NULL },
	{ __LINE__, "scheme only", "Basic", NULL, 0, "", NULL, NULL },
	{ __LINE__, "scheme and space only", "Basic ", NULL, 0, "", NULL, NULL },
	{ __LINE__, "another scheme", "Bearer ", "a:b", 0, NULL, NULL, NULL },
	{ __LINE__, "Digest", "Digest ", NULL, 0, "username=\"a\"", NULL, NULL },
	{ __LINE__, "scheme glued to a longer token", "Basicx ", "a:b", 0, NULL, NULL, NULL },
	{ __LINE__, "no space after the scheme", "Basic", "a:b", 0, NULL, NULL, NULL },
	{ __LINE__, "tab after the scheme", "Basic\t", "a:b", 0, NULL, NULL, NULL },
	{ __LINE__, "short scheme", "Basi ", "a:b", 0, NULL, NULL, NULL },
	{ __LINE__, "auth-param form", "Basic ", NULL, 0, "user=\"a\"", NULL, NULL },
	{ __LINE__, "no padding", "Basic ", NULL, 0, "YTpiYw", NULL, NULL },
	{ __LINE__, "too much padding", "Basic ", NULL, 0, "YTpi====", NULL, NULL },
	{ __LINE__, "three pad chars", "Basic ", NULL, 0, "YT===", NULL, NULL },
	{ __LINE__, "pad in the middle", "Basic ", NULL, 0, "YQ==YTpi", NULL, NULL },
	{ __LINE__, "pad first", "Basic ", NULL, 0, "=Tpi", NULL, NULL },
	{ __LINE__, "unused bits set (two digits)", "Basic ", NULL, 0, "YTpiYx==", NULL, NULL },
	{ __LINE__, "unused bits set (three digits)", "Basic ", NULL, 0, "YTpiYWN=", NULL, NULL },
	{ __LINE__, "URL-safe alphabet", "Basic ", NULL, 0, "YTpi-_==", NULL, NULL },
	{ __LINE__, "space inside the token", "Basic ", NULL, 0, "YTpi YWJj", NULL, NULL },
	{ __LINE__, "trailing space", "Basic ", NULL, 0, "YTpiYw== ", NULL, NULL },
	{ __LINE__, "a line break inside", "Basic ", NULL, 0, "YTpi\r\nYWJj", NULL, NULL },
	{ __LINE__, "a stray character", "Basic ", NULL, 0, "YTp*YWJj", NULL, NULL },
	{ __LINE__, "no colon", "Basic ", "alice", 0, NULL, NULL, NULL },
	{ __LINE__, "empty user-id", "Basic ", ":secret", 0, NULL, NULL, NULL },
	{ __LINE__, "control character in the user-id", "Basic ", "a\x01:b", 0, NULL, NULL, NULL },
	{ __LINE__, "DEL in the password", "Basic ", "a:b\x7f", 0, NULL, NULL, NULL },
	{ __LINE__, "LF in the password", "Basic ", "a:b\nc", 0, NULL, NULL, NULL },
	{ __LINE__, "NUL in the user-id", "Basic ", "a\0b:c", 5, NULL, NULL, NULL },
	{ __LINE__, "NUL in the password", "Basic ", "a:b\0c", 5, NULL, NULL, NULL },
};

START_TEST(test_basic)
{
	const struct basic_case *c = &basic_cases[_i];
	char value[4096], tok[2048];
	struct auth_cred cred;
	const char *why = NULL;
	int r;

	if (c->raw)
		snprintf(tok, sizeof tok, "%s", c->raw);
	else
		b64(tok, c->plain, c->plain_len ? c->plain_len : strlen(c->plain));
	snprintf(value, sizeof value, "%s%s", c->prefix, tok);
	r = auth_parse_basic(value, strlen(value), &cred, &why);
	if (!c->user) {
		ck_assert_msg(r == -1, "line %d (%s): '%s' accepted", c->src_line, c->what, value);
		ck_assert_msg(why && *why, "line %d (%s): no reason", c->src_line, c->what);
		return;
	}
	ck_assert_msg(r == 0, "line %d (%s): '%s' refused: %s", c->src_line, c->what, value, why);
	ck_assert_msg(strcmp(cred.user, c->user) == 0, "line %d (%s): user '%s'",
		      c->src_line, c->what, cred.user);
	ck_assert_msg(strcmp(cred.pass, c->pass) == 0, "line %d (%s): password '%s'",
		      c->src_line, c->what, cred.pass);
}
END_TEST

/* The longest credentials pass; one byte more is refused before decoding. */
START_TEST(test_basic_limits)
{
	static char plain[AUTH_CRED_MAX + 2], tok[2 * AUTH_CRED_MAX], value[2 * AUTH_CRED_MAX + 8];
	struct auth_cred cred;
	const char *why = NULL;

	memset(plain, 'p', sizeof plain - 1);
	memcpy(plain, "u:", 2);
	b64(tok, plain, AUTH_CRED_MAX);
	snprintf(value, sizeof value, "Basic %s", tok);
	ck_assert_int_eq(auth_parse_basic(value, strlen(value), &cred, &why), 0);
	ck_assert_uint_eq(strlen(cred.pass), AUTH_CRED_MAX - 2);
	b64(tok, plain, AUTH_CRED_MAX + 1);
	snprintf(value, sizeof value, "Basic %s", tok);
	ck_assert_int_eq(auth_parse_basic(value, strlen(value), &cred, &why), -1);
	ck_assert_str_eq(why, "credentials too long");
	/* The value's length is what counts, not a NUL: "Basic YTpi" cut before its token. */
	ck_assert_int_eq(auth_parse_basic("Basic YTpi", 6, &cred, &why), -1);
}
END_TEST

/* ---- htpasswd ----------------------------------------------------------------- */

struct notes {
	int n;
	int lines[16];
	char text[16][160];
};

static void note(void *arg, int line, const char *what)
{
	struct notes *ns = arg;

	if (ns->n < 16) {
		ns->lines[ns->n] = line;
		snprintf(ns->text[ns->n], sizeof ns->text[0], "%s", what);
	}
	ns->n++;
}

#define BC "$2y$05$abcdefghijklmnopqrstuu5Lq0b8x1Dv3i0U5Wn9a.nKmYp9X6Hh2"
#define SHA "$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."

struct table_case {
	int src_line;
	const char *what;
	const char *text;
	size_t len;                  /* 0: strlen(text) */
	size_t n;                    /* entries kept */
	const char *user;            /* looked up: NULL for none */
	const char *hash;            /* its hash, NULL: the user must be missing */
	int notes;                   /* lines skipped or noted */
	int note_line;               /* the first note's line, 0: any */
};

static const struct table_case table_cases[] = {
	{ __LINE__, "one line", "alice:" BC "\n", 0, 1, "alice", BC, 0, 0 },
	{ __LINE__, "no final newline", "alice:" BC, 0, 1, "alice", BC, 0, 0 },
	{ __LINE__, "CRLF", "alice:" BC "\r\nbob:" SHA "\r\n", 0, 2, "bob", SHA, 0, 0 },
	{ __LINE__, "comments and blank lines", "# users\n\n   \nalice:" BC "\n  # more\n", 0, 1,
	  "alice", BC, 0, 0 },
	{ __LINE__, "whitespace around the line", "  alice:" BC " \t\n", 0, 1, "alice", BC, 0, 0 },
	{ __LINE__, "a field after the hash is ignored", "alice:" BC ":Alice Liddell\n", 0, 1,
	  "alice", BC, 0, 0 },
	{ __LINE__, "line without ':'", "alice\nbob:" SHA "\n", 0, 1, "bob", SHA, 1, 1 },
	{ __LINE__, "line without ':' is not a user", "alice\n", 0, 0, "alice", NULL, 1, 1 },
	{ __LINE__, "empty user", ":" BC "\n", 0, 0, "", NULL, 1, 1 },
	{ __LINE__, "control character", "al\x01ice:" BC "\nbob:" SHA, 0, 1, "bob", SHA, 1, 1 },
	{ __LINE__, "tab inside the line", "al\tice:" BC "\n", 0, 0, "al\tice", NULL, 1, 1 },
	{ __LINE__, "NUL inside a line", "al\0ice:x\nbob:" SHA, 13 + sizeof(SHA) - 1, 1, "bob", SHA,
	  1, 1 },
	{ __LINE__, "first line wins", "alice:" BC "\nalice:" SHA "\n", 0, 1, "alice", BC, 1, 2 },
	{ __LINE__, "legacy MD5 kept, unusable", "alice:$1$abc$defghijklmnopqrstuvwxy\n", 0, 1,
	  "alice", "$1$abc$defghijklmnopqrstuvwxy", 1, 1 },
	{ __LINE__, "Apache $apr1$ unusable", "alice:$apr1$abc$def\n", 0, 1, "alice",
	  "$apr1$abc$def", 1, 1 },
	{ __LINE__, "DES unusable", "alice:abJnggxhB/yWI\n", 0, 1, "alice", "abJnggxhB/yWI", 1, 1 },
	{ __LINE__, "plain text unusable", "alice:secret\n", 0, 1, "alice", "secret", 1, 1 },
	{ __LINE__, "empty hash unusable", "alice:\n", 0, 1, "alice", "", 1, 1 },
	{ __LINE__, "empty text", "", 0, 0, "alice", NULL, 0, 0 },
	{ __LINE__, "only a newline", "\n", 0, 0, "alice", NULL, 0, 0 },
	{ __LINE__, "user names are case-sensitive", "Alice:" BC "\n", 0, 1, "alice", NULL, 0, 0 },
	{ __LINE__, "lookup among many", "d:" BC "\nb:" BC "\na:" BC "\nc:" SHA "\ne:" BC "\n", 0, 5,
	  "c", SHA, 0, 0 },
	{ __LINE__, "lookup of a missing name among many", "d:" BC "\nb:" BC "\nf:" BC "\n", 0, 3,
	  "c", NULL, 0, 0 },
};

START_TEST(test_table)
{
	const struct table_case *c = &table_cases[_i];
	struct notes ns = { 0 };
	struct auth_table t;
	const struct auth_entry *e;

	ck_assert_int_eq(auth_table_parse(&t, c->text, c->len ? c->len : strlen(c->text), note, &ns), 0);
	ck_assert_msg(t.n == c->n, "line %d (%s): %zu entries", c->src_line, c->what, t.n);
	ck_assert_msg(ns.n == c->notes, "line %d (%s): %d notes (first: %s)", c->src_line, c->what,
		      ns.n, ns.n ? ns.text[0] : "");
	if (c->note_line)
		ck_assert_msg(ns.lines[0] == c->note_line, "line %d (%s): note on line %d",
			      c->src_line, c->what, ns.lines[0]);
	e = auth_table_find(&t, c->user);
	if (!c->hash)
		ck_assert_msg(!e, "line %d (%s): '%s' found", c->src_line, c->what, c->user);
	else {
		ck_assert_msg(e != NULL, "line %d (%s): '%s' missing", c->src_line, c->what, c->user);
		ck_assert_msg(strcmp(e->hash, c->hash) == 0, "line %d (%s): hash '%s'",
			      c->src_line, c->what, e->hash);
	}
	auth_table_free(&t);
}
END_TEST

/* A long line is skipped; the lines around it stay. */
START_TEST(test_table_long_line)
{
	char *text = malloc(AUTH_LINE_MAX + 512), *p = text;
	struct notes ns = { 0 };
	struct auth_table t;

	ck_assert_ptr_nonnull(text);
	p += sprintf(p, "a:%s\n", SHA);
	memset(p, 'x', AUTH_LINE_MAX + 1);
	p[2] = ':';
	p += AUTH_LINE_MAX + 1;
	p += sprintf(p, "\r\nb:%s\n", SHA);
	ck_assert_int_eq(auth_table_parse(&t, text, (size_t)(p - text), note, &ns), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(ns.n, 1);
	ck_assert_int_eq(ns.lines[0], 2);
	ck_assert_ptr_nonnull(strstr(ns.text[0], "longer than"));
	ck_assert_ptr_null(auth_table_find(&t, "xx"));
	auth_table_free(&t);
	/* Exactly AUTH_LINE_MAX bytes is still a line. */
	memset(text, 'y', AUTH_LINE_MAX);
	text[1] = ':';
	memcpy(text + 2, "$6$", 3);
	ck_assert_int_eq(auth_table_parse(&t, text, AUTH_LINE_MAX, NULL, NULL), 0);
	ck_assert_uint_eq(t.n, 1);
	auth_table_free(&t);
	free(text);
}
END_TEST

/* ---- verifying ------------------------------------------------------------------- */

struct verify_case {
	int src_line;
	const char *what;
	const char *prefix;          /* method, for crypt_gensalt_rn */
	unsigned long count;         /* its cost: low, the test is not about cost */
};

static const struct verify_case verify_cases[] = {
	{ __LINE__, "bcrypt $2b$", "$2b$", 4 },
	{ __LINE__, "bcrypt $2y$ (PHP, htpasswd -B)", "$2y$", 4 },
	{ __LINE__, "SHA-512-crypt", "$6$", 1000 },
	{ __LINE__, "yescrypt", "$y$", 0 },
};

START_TEST(test_verify)
{
	const struct verify_case *c = &verify_cases[_i];
	char *h = hash_of(c->prefix, c->count, "s3cret pw"), text[512];
	struct auth_table t;

	snprintf(text, sizeof text, "# test\nalice:%s\nbob:%s\n", h, SHA);
	ck_assert_int_eq(auth_table_parse(&t, text, strlen(text), NULL, NULL), 0);
	ck_assert_msg(auth_verify(&t, "alice", "s3cret pw") == AUTH_V_OK, "line %d (%s): right password",
		      c->src_line, c->what);
	ck_assert_msg(auth_verify(&t, "alice", "s3cret pW") == AUTH_V_WRONG, "line %d (%s): wrong",
		      c->src_line, c->what);
	ck_assert_msg(auth_verify(&t, "alice", "") == AUTH_V_WRONG, "line %d (%s): empty",
		      c->src_line, c->what);
	ck_assert_msg(auth_verify(&t, "alice", "s3cret pw ") == AUTH_V_WRONG, "line %d (%s): longer",
		      c->src_line, c->what);
	ck_assert_msg(auth_verify(&t, "carol", "s3cret pw") == AUTH_V_UNKNOWN, "line %d (%s): unknown",
		      c->src_line, c->what);
	ck_assert_msg(auth_verify(&t, "Alice", "s3cret pw") == AUTH_V_UNKNOWN, "line %d (%s): case",
		      c->src_line, c->what);
	ck_assert_ptr_eq(t.dummy, auth_table_find(&t, "alice")->hash); /* the file's first usable hash */
	auth_table_free(&t);
	free(h);
}
END_TEST

/* A known vector (SHA-512-crypt of "password" with salt "salt"), not generated here. */
START_TEST(test_verify_known_vector)
{
	struct auth_table t;
	const char *text = "u:" SHA "\n";

	ck_assert_int_eq(auth_table_parse(&t, text, strlen(text), NULL, NULL), 0);
	ck_assert_int_eq(auth_verify(&t, "u", "password"), AUTH_V_OK);
	ck_assert_int_eq(auth_verify(&t, "u", "Password"), AUTH_V_WRONG);
	auth_table_free(&t);
}
END_TEST

/* A legacy hash never authenticates, even with its right password. */
START_TEST(test_verify_unusable)
{
	struct crypt_data cd;
	struct auth_table t;
	char text[256];

	memset(&cd, 0, sizeof cd);
	snprintf(text, sizeof text, "md5:%s\ndes:%s\nplain:pw\n",
		 crypt_rn("pw", "$1$saltsalt", &cd, sizeof cd), "abJnggxhB/yWI");
	ck_assert_int_eq(auth_table_parse(&t, text, strlen(text), NULL, NULL), 0);
	ck_assert_ptr_null(t.dummy);
	ck_assert_int_eq(auth_verify(&t, "md5", "pw"), AUTH_V_UNUSABLE);
	ck_assert_int_eq(auth_verify(&t, "des", "test"), AUTH_V_UNUSABLE);
	ck_assert_int_eq(auth_verify(&t, "plain", "pw"), AUTH_V_UNUSABLE);
	ck_assert_int_eq(auth_verify(&t, "nobody", "pw"), AUTH_V_UNKNOWN);
	auth_table_free(&t);
	ck_assert_str_eq(auth_verdict_why(AUTH_V_UNUSABLE), "the user's hash method is not accepted");
	ck_assert_str_eq(auth_verdict_why(AUTH_V_WRONG), "password mismatch");
	ck_assert_str_eq(auth_verdict_why(AUTH_V_UNKNOWN), "user not found");
	ck_assert_str_eq(auth_verdict_why(AUTH_V_OK), "ok");
	ck_assert_str_eq(auth_verdict_why((enum auth_verdict)99), "?");
}
END_TEST

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * An unknown user costs what a known one does: crypt runs against the
 * dummy hash. CPU time, not wall time, so a loaded machine does not
 * matter; without the dummy run an unknown user costs microseconds
 * against bcrypt's milliseconds, far below the generous half asserted.
 */
START_TEST(test_verify_unknown_costs_the_same)
{
	char *h = hash_of("$2b$", 8, "pw"), text[256];
	struct auth_table t;
	double known = 0, unknown = 0, t0;

	snprintf(text, sizeof text, "alice:%s\n", h);
	ck_assert_int_eq(auth_table_parse(&t, text, strlen(text), NULL, NULL), 0);
	for (int i = 0; i < 3; i++) {
		t0 = cpu_seconds();
		ck_assert_int_eq(auth_verify(&t, "alice", "nope"), AUTH_V_WRONG);
		known += cpu_seconds() - t0;
		t0 = cpu_seconds();
		ck_assert_int_eq(auth_verify(&t, "mallory", "nope"), AUTH_V_UNKNOWN);
		unknown += cpu_seconds() - t0;
	}
	ck_assert_msg(known > 0.003, "bcrypt cost 8 took only %f s of CPU", known);
	ck_assert_msg(unknown > known / 2, "unknown user: %f s of CPU, known: %f s", unknown, known);
	auth_table_free(&t);
	free(h);
}
END_TEST

/* ---- the file cache ------------------------------------------------------------ */

static void write_file(const char *path, const char *text, long mtime_ns)
{
	FILE *f = fopen(path, "w");
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1700000000, mtime_ns } };

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	/* Set the mtime: two writes within one clock tick could share it otherwise. */
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

START_TEST(test_file_reread)
{
	char dir[] = "/tmp/pfhttpd-auth.XXXXXX", path[64], err[256];
	const struct auth_table *t;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/users", dir);
	write_file(path, "alice:" SHA "\n", 1);
	ck_assert_int_eq(auth_file_get(path, 10000, &t, err, sizeof err), 0);
	ck_assert_ptr_nonnull(auth_table_find(t, "alice"));
	/* Same size, another user name: only the mtime (ns) tells. */
	write_file(path, "bobby:" SHA "\n", 2);
	ck_assert_int_eq(auth_file_get(path, 10999, &t, err, sizeof err), 0);
	ck_assert_msg(auth_table_find(t, "alice") != NULL, "looked at again within a second");
	ck_assert_int_eq(auth_file_get(path, 11000, &t, err, sizeof err), 0);
	ck_assert_msg(auth_table_find(t, "alice") == NULL, "not re-read after a second");
	ck_assert_ptr_nonnull(auth_table_find(t, "bobby"));
	/* Unchanged: the same table. */
	ck_assert_int_eq(auth_file_get(path, 13000, &t, err, sizeof err), 0);
	ck_assert_ptr_nonnull(auth_table_find(t, "bobby"));
	/* A clock that went back is not "within the last second". */
	write_file(path, "carol:" SHA "\n", 3);
	ck_assert_int_eq(auth_file_get(path, 12500, &t, err, sizeof err), 0);
	ck_assert_ptr_nonnull(auth_table_find(t, "carol"));
	/* Replaced by rename (another inode), same size and mtime. */
	{
		char tmp[80];
		snprintf(tmp, sizeof tmp, "%s/users.new", dir);
		write_file(tmp, "dave1:" SHA "\n", 3);
		ck_assert_int_eq(rename(tmp, path), 0);
	}
	ck_assert_int_eq(auth_file_get(path, 20000, &t, err, sizeof err), 0);
	ck_assert_ptr_nonnull(auth_table_find(t, "dave1"));
	/* Gone: an error, never the old table. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(auth_file_get(path, 30000, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	ck_assert_int_eq(auth_file_get(path, 30001, &t, err, sizeof err), -1);
	/* Back again. */
	write_file(path, "erin:" SHA "\n", 4);
	ck_assert_int_eq(auth_file_get(path, 30002, &t, err, sizeof err), 0);
	ck_assert_ptr_nonnull(auth_table_find(t, "erin"));
	auth_file_reset();
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_file_errors)
{
	char dir[] = "/tmp/pfhttpd-auth.XXXXXX", path[64], err[256];
	const struct auth_table *t;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* A directory is not a password file. */
	ck_assert_int_eq(auth_file_get(dir, 0, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	/* Too large: the limit is the file's size, not what it holds. */
	snprintf(path, sizeof path, "%s/big", dir);
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(ftruncate(fd, AUTH_FILE_MAX + 1), 0);
		close(fd);
	}
	ck_assert_int_eq(auth_file_get(path, 0, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "at most"));
	/* Empty is fine: nobody can log in. */
	write_file(path, "", 1);
	ck_assert_int_eq(auth_file_get(path, 5000, &t, err, sizeof err), 0);
	ck_assert_uint_eq(t->n, 0);
	ck_assert_int_eq(auth_verify(t, "alice", "pw"), AUTH_V_UNKNOWN);
	/* Unreadable (as root too: a FIFO with no writer would block; use a mode 0 file as non-root). */
	if (geteuid() != 0) {
		ck_assert_int_eq(chmod(path, 0), 0);
		ck_assert_int_eq(auth_file_get(path, 20000, &t, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "open"));
	}
	auth_file_reset();
	unlink(path);
	rmdir(dir);
}
END_TEST

/* ---- WWW-Authenticate ---------------------------------------------------------- */

struct www_case {
	int src_line;
	const char *what;
	const char *realm;
	size_t cap;
	const char *want;            /* NULL: refused */
};

static const struct www_case www_cases[] = {
	{ __LINE__, "plain", "Admin", 256,
	  "WWW-Authenticate: Basic realm=\"Admin\", charset=\"UTF-8\"\r\n" },
	{ __LINE__, "quote and backslash escaped", "a\"b\\c", 256,
	  "WWW-Authenticate: Basic realm=\"a\\\"b\\\\c\", charset=\"UTF-8\"\r\n" },
	{ __LINE__, "empty realm", "", 256, "WWW-Authenticate: Basic realm=\"\", charset=\"UTF-8\"\r\n" },
	{ __LINE__, "UTF-8 realm kept", "K\xc3\xb6ln", 256,
	  "WWW-Authenticate: Basic realm=\"K\xc3\xb6ln\", charset=\"UTF-8\"\r\n" },
	{ __LINE__, "exact fit (with its NUL)", "Admin", 57, "WWW-Authenticate: Basic realm=\"Admin\", charset=\"UTF-8\"\r\n" },
	{ __LINE__, "one byte short", "Admin", 56, NULL },
	{ __LINE__, "escape does not fit", "Admi\"", 36, NULL },
	{ __LINE__, "realm does not fit", "Admin", 33, NULL },
	{ __LINE__, "no room for the head", "Admin", 10, NULL },
	{ __LINE__, "CR in the realm", "a\rb", 256, NULL },
	{ __LINE__, "LF in the realm", "a\nb", 256, NULL },
	{ __LINE__, "DEL in the realm", "a\x7f", 256, NULL },
};

START_TEST(test_www)
{
	const struct www_case *c = &www_cases[_i];
	char buf[256];
	int n;

	ck_assert_uint_le(c->cap, sizeof buf);
	ck_assert_uint_eq(strlen(LONG_USER), AUTH_USER_MAX);
	n = auth_www_authenticate(buf, c->cap, c->realm);
	if (!c->want) {
		ck_assert_msg(n == -1, "line %d (%s): accepted", c->src_line, c->what);
		return;
	}
	ck_assert_msg(n == (int)strlen(c->want) && strcmp(buf, c->want) == 0,
		      "line %d (%s): '%s' (%d)", c->src_line, c->what, n >= 0 ? buf : "", n);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *basic = tcase_create("basic");
	TCase *table = tcase_create("htpasswd");
	TCase *verify = tcase_create("verify");
	TCase *file = tcase_create("file");
	TCase *www = tcase_create("www_authenticate");

	tcase_set_timeout(basic, 10);
	tcase_set_timeout(table, 10);
	tcase_set_timeout(verify, 60);
	tcase_set_timeout(file, 30);
	tcase_set_timeout(www, 10);
	tcase_add_loop_test(basic, test_basic, 0, sizeof basic_cases / sizeof *basic_cases);
	tcase_add_test(basic, test_basic_limits);
	tcase_add_loop_test(table, test_table, 0, sizeof table_cases / sizeof *table_cases);
	tcase_add_test(table, test_table_long_line);
	tcase_add_loop_test(verify, test_verify, 0, sizeof verify_cases / sizeof *verify_cases);
	tcase_add_test(verify, test_verify_known_vector);
	tcase_add_test(verify, test_verify_unusable);
	tcase_add_test(verify, test_verify_unknown_costs_the_same);
	tcase_add_test(file, test_file_reread);
	tcase_add_test(file, test_file_errors);
	tcase_add_loop_test(www, test_www, 0, sizeof www_cases / sizeof *www_cases);
	suite_add_tcase(s, basic);
	suite_add_tcase(s, table);
	suite_add_tcase(s, verify);
	suite_add_tcase(s, file);
	suite_add_tcase(s, www);
	return s;
}

int main(void)
{
	return unit_run(auth_suite());
}
