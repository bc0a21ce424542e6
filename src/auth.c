/*
 * auth — Basic credentials, htpasswd files, crypt(3), and the access gate.
 */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "conf.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"

/* ---- the Authorization field (RFC 7617 2) ------------------------------ */

/* The value of a base64 digit (RFC 4648 4), or -1. */
static int auth_b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict base64 (RFC 4648 4) of s[0..len) into out (room for cap bytes):
 * a multiple of 4 digits, '=' only as the last one or two, and the bits a
 * padded group leaves over zero (RFC 4648 3.5 allows refusing others; one
 * credential then has one spelling). The decoded length, -1 when
 * malformed, or -2 when longer than cap.
 */
static long auth_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
	size_t pad = 0, o = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	if ((len / 4) * 3 - pad > cap)
		return -2;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;
		size_t digits = i + 4 == len ? 4 - pad : 4;
		for (size_t k = 0; k < 4; k++) {
			int d = k < digits ? auth_b64_digit((unsigned char)s[i + k]) : 0;
			if (d < 0)
				return -1;
			v = v << 6 | (uint32_t)d;
		}
		if ((digits == 2 && (v & 0xffff)) || (digits == 3 && (v & 0xff)))
			return -1;
		for (size_t k = 0; k + 1 < digits; k++)
			out[o++] = (unsigned char)(v >> (16 - 8 * k));
	}
	return (long)o;
}

static bool auth_has_ctl(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Split "user-id:password" (RFC 7617 2) into out. 0, or -1 with *why. */
static int auth_split(const char *dec, size_t n, struct auth_cred *out, const char **why)
{
	const char *colon = memchr(dec, ':', n);
	size_t ulen;

	if (!colon) {
		*why = "no ':' between user-id and password";
		return -1;
	}
	ulen = (size_t)(colon - dec);
	if (ulen == 0) {
		*why = "empty user-id";
		return -1;
	}
	if (ulen > AUTH_USER_MAX) {
		*why = "user-id too long";
		return -1;
	}
	/* RFC 7617 2: neither may contain a control character (a NUL included). */
	if (auth_has_ctl(dec, n)) {
		*why = "control character in the credentials";
		return -1;
	}
	memcpy(out->user, dec, ulen);
	out->user[ulen] = '\0';
	memcpy(out->pass, colon + 1, n - ulen - 1);
	out->pass[n - ulen - 1] = '\0';
	return 0;
}

int auth_parse_basic(const char *value, size_t len, struct auth_cred *out, const char **why)
{
	unsigned char dec[AUTH_CRED_MAX];
	size_t i = 5;
	long n;
	int r;

	/* RFC 9110 11.1: the scheme is a case-insensitive token, then 1*SP. */
	if (len < 5 || strncasecmp(value, "Basic", 5) != 0 || (len > 5 && value[5] != ' ')) {
		*why = "not the Basic scheme";
		return -1;
	}
	while (i < len && value[i] == ' ')
		i++;
	if (i == len) {
		*why = "no credentials after Basic";
		return -1;
	}
	n = auth_b64_decode(value + i, len - i, dec, sizeof(dec));
	if (n == -2) {
		*why = "credentials too long";
		return -1;
	}
	if (n < 0) {
		*why = "credentials are not strict base64";
		return -1;
	}
	r = auth_split((const char *)dec, (size_t)n, out, why);
	explicit_bzero(dec, sizeof(dec));
	return r;
}

/* ---- htpasswd ------------------------------------------------------------ */

static void auth_note(auth_note_fn *note, void *arg, int line, const char *what)
{
	if (note)
		note(arg, line, what);
}

/* Trim s[0..*len) of spaces and tabs at both ends (a CR is trimmed by the caller). */
static char *auth_trim(char *s, size_t *len)
{
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	return s;
}

/* One line s[0..len) (its CR and LF gone) into *e; false when it is skipped (noted). */
static bool auth_line(struct auth_entry *e, char *s, size_t len, int line,
		      auth_note_fn *note, void *arg)
{
	char *colon, *end;

	s = auth_trim(s, &len);
	if (len == 0 || s[0] == '#')
		return false;
	if (auth_has_ctl(s, len)) { /* a NUL too: the text is not C strings yet */
		auth_note(note, arg, line, "control character or NUL in the line: skipped");
		return false;
	}
	s[len] = '\0';
	if (!(colon = strchr(s, ':'))) {
		auth_note(note, arg, line, "no ':' between user and hash: skipped");
		return false;
	}
	if (colon == s) {
		auth_note(note, arg, line, "empty user name: skipped");
		return false;
	}
	*colon = '\0';
	if ((end = strchr(colon + 1, ':')))
		*end = '\0'; /* mod_authn_file: whatever follows the hash is not the hash */
	*e = (struct auth_entry){ .user = s, .hash = colon + 1, .line = line,
				  .usable = crypt_checksalt(colon + 1) == CRYPT_SALT_OK };
	if (!e->usable)
		auth_note(note, arg, line, "hash method not supported or legacy (DES, MD5, "
			  "SHA-256, $apr1$, {SHA}, plain text): this user cannot log in");
	return true;
}

static int auth_entry_cmp(const void *a, const void *b)
{
	const struct auth_entry *x = a, *y = b;
	int c = strcmp(x->user, y->user);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sort, keep each user's first line, and pick the dummy hash. */
static void auth_table_finish(struct auth_table *t, auth_note_fn *note, void *arg)
{
	size_t w = 0;
	int first = 0;

	qsort(t->e, t->n, sizeof(*t->e), auth_entry_cmp);
	for (size_t i = 0; i < t->n; i++) {
		if (w > 0 && strcmp(t->e[w - 1].user, t->e[i].user) == 0) {
			auth_note(note, arg, t->e[i].line, "user listed again: this line is ignored");
			continue;
		}
		t->e[w++] = t->e[i];
	}
	t->n = w;
	/* The file's first usable hash costs what a real user's check costs. */
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].usable && (!first || t->e[i].line < first)) {
			first = t->e[i].line;
			t->dummy = t->e[i].hash;
		}
}

/* Lines in text[0..len): an upper bound on the entries. */
static size_t auth_count_lines(const char *text, size_t len)
{
	size_t n = 1;

	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
		n++;
	return n;
}

int auth_table_parse(struct auth_table *t, const char *text, size_t len,
		     auth_note_fn *note, void *arg)
{
	size_t pos = 0;
	int line = 0;

	memset(t, 0, sizeof(*t));
	t->text = malloc(len + 1);
	t->e = calloc(auth_count_lines(text, len), sizeof(*t->e));
	if (!t->text || !t->e) {
		auth_table_free(t);
		return -1;
	}
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	while (pos < len) {
		char *s = t->text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		pos += l + (nl != NULL);
		line++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l > AUTH_LINE_MAX) {
			auth_note(note, arg, line, "line longer than 4096 bytes: skipped");
			continue;
		}
		if (auth_line(&t->e[t->n], s, l, line, note, arg))
			t->n++;
	}
	auth_table_finish(t, note, arg);
	return 0;
}

void auth_table_free(struct auth_table *t)
{
	free(t->e);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

const struct auth_entry *auth_table_find(const struct auth_table *t, const char *user)
{
	struct auth_entry key = { .user = user };

	if (!t->n)
		return NULL;
	/* Lines are unique per user after auth_table_finish: compare names only. */
	for (size_t lo = 0, hi = t->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key.user, t->e[mid].user);
		if (c == 0)
			return &t->e[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---- verifying ------------------------------------------------------------ */

/*
 * a equals b, in time that depends on their lengths only, never on where
 * they first differ: no memcmp, whose early exit would let a client learn
 * the stored hash byte by byte from response times.
 */
static bool auth_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	volatile unsigned char d = la != lb;

	for (size_t i = 0; i < lb; i++)
		d |= (unsigned char)((i < la ? a[i] : 0) ^ b[i]);
	return d == 0;
}

/* One per worker: 32 KB is too much for a stack frame, and workers serve one request at a time. */
static struct crypt_data auth_crypt_data;

enum auth_verdict auth_verify(const struct auth_table *t, const char *user, const char *pass)
{
	const struct auth_entry *e = auth_table_find(t, user);
	const char *setting = e && e->usable ? e->hash : t->dummy;
	const char *out = NULL;
	bool same;

	if (setting)
		out = crypt_rn(pass, setting, &auth_crypt_data, sizeof(auth_crypt_data));
	/* A failure is NULL, or "*0"/"*1" from builds that return a failure token. */
	same = out && out[0] != '*' && e && e->usable && auth_equal_ct(out, e->hash);
	explicit_bzero(&auth_crypt_data, sizeof(auth_crypt_data)); /* it held the password */
	if (!e)
		return AUTH_V_UNKNOWN;
	if (!e->usable)
		return AUTH_V_UNUSABLE;
	return same ? AUTH_V_OK : AUTH_V_WRONG;
}

const char *auth_verdict_why(enum auth_verdict v)
{
	switch (v) {
	case AUTH_V_OK:       return "ok";
	case AUTH_V_WRONG:    return "password mismatch";
	case AUTH_V_UNKNOWN:  return "user not found";
	case AUTH_V_UNUSABLE: return "the user's hash method is not accepted";
	}
	return "?";
}

/* ---- password files, per worker -------------------------------------- */

struct auth_file {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int64_t checked_ms;          /* when it was last stat()ed */
	bool loaded;                 /* table holds the file as (dev, ino, size, mtime) say */
	struct auth_table table;
};

static struct auth_file *auth_files;
static size_t auth_nfiles;

static bool auth_file_same(const struct auth_file *f, const struct stat *st)
{
	return f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
	       f->mtime.tv_sec == st->st_mtim.tv_sec && f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static void auth_file_note(void *arg, int line, const char *what)
{
	log_error(LOG_WARN, "%s:%d: %s", (const char *)arg, line, what);
}

/* Read fd (st: its fstat) whole into a new table for f. 0, or -1 with err. */
static int auth_file_read(struct auth_file *f, int fd, const struct stat *st,
			  char *err, size_t errlen)
{
	struct auth_table t;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int r;

	if (!S_ISREG(st->st_mode) || st->st_size > AUTH_FILE_MAX) {
		snprintf(err, errlen, "not a regular file of at most %d bytes", AUTH_FILE_MAX);
		return -1;
	}
	/* One byte more than its size: a file that grew meanwhile is read again next time. */
	if (!(buf = malloc((size_t)st->st_size + 1))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (len <= (size_t)st->st_size &&
	       (n = read(fd, buf + len, (size_t)st->st_size + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			free(buf);
			return -1;
		}
		len += (size_t)n;
	}
	r = auth_table_parse(&t, buf, len, auth_file_note, f->path);
	free(buf);
	if (r < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	auth_table_free(&f->table);
	f->table = t;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->loaded = true;
	return 0;
}

/* Open and read path into f (again). 0, or -1 with err. */
static int auth_file_load(struct auth_file *f, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r = -1;

	if (fd < 0) {
		snprintf(err, errlen, "open: %s", strerror(errno));
		return -1;
	}
	/* The identity kept is the opened file's, whatever was stat()ed before. */
	if (fstat(fd, &st) < 0)
		snprintf(err, errlen, "fstat: %s", strerror(errno));
	else
		r = auth_file_read(f, fd, &st, err, errlen);
	close(fd);
	return r;
}

/* The entry for path, added (empty, never loaded) when new; NULL: no memory. */
static struct auth_file *auth_file_slot(const char *path)
{
	struct auth_file *n;

	for (size_t i = 0; i < auth_nfiles; i++)
		if (strcmp(auth_files[i].path, path) == 0)
			return &auth_files[i];
	n = realloc(auth_files, (auth_nfiles + 1) * sizeof(*n));
	if (!n)
		return NULL;
	auth_files = n;
	n = &auth_files[auth_nfiles];
	memset(n, 0, sizeof(*n));
	if (!(n->path = strdup(path)))
		return NULL;
	auth_nfiles++;
	return n;
}

int auth_file_get(const char *path, int64_t now_ms, const struct auth_table **t,
		  char *err, size_t errlen)
{
	struct auth_file *f = auth_file_slot(path);
	struct stat st;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Loaded and looked at within the last second: as it was. */
	if (f->loaded && now_ms - f->checked_ms < 1000 && now_ms >= f->checked_ms) {
		*t = &f->table;
		return 0;
	}
	/*
	 * A stat() first: the common case (unchanged) opens nothing. A file
	 * that is gone or unreadable is a misconfiguration, not a wrong
	 * password: the caller answers 500, and the old table is not used.
	 */
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "stat: %s", strerror(errno));
		return -1;
	}
	if (!(f->loaded && auth_file_same(f, &st)) && auth_file_load(f, err, errlen) < 0) {
		f->loaded = false; /* never the old table after a failure */
		return -1;
	}
	f->checked_ms = now_ms;
	*t = &f->table;
	return 0;
}

void auth_file_reset(void)
{
	for (size_t i = 0; i < auth_nfiles; i++) {
		auth_table_free(&auth_files[i].table);
		free(auth_files[i].path);
	}
	free(auth_files);
	auth_files = NULL;
	auth_nfiles = 0;
}

/* ---- the gate --------------------------------------------------------------- */

int auth_www_authenticate(char *dst, size_t cap, const char *realm)
{
	static const char head[] = "WWW-Authenticate: Basic realm=\"";
	static const char tail[] = "\", charset=\"UTF-8\"\r\n";
	size_t o = sizeof(head) - 1;

	if (cap < o)
		return -1;
	memcpy(dst, head, o);
	for (const char *s = realm; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
		if ((*s == '"' || *s == '\\') && o < cap)
			dst[o++] = '\\';
		if (o >= cap)
			return -1;
		dst[o++] = *s;
	}
	if (cap - o < sizeof(tail))
		return -1;
	memcpy(dst + o, tail, sizeof(tail));
	return (int)(o + sizeof(tail) - 1);
}

static int64_t auth_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Authorization field's value, or NULL; *many when it comes more than once. */
static const char *auth_field(const struct request *rq, size_t *len, bool *many)
{
	const char *v = NULL;

	*len = 0;
	*many = false;
	for (size_t i = 0; i < rq->hr.nheaders; i++) {
		const struct http_header *h = &rq->hr.headers[i];
		if (!http_str_eq(h->name, "Authorization"))
			continue;
		*many = v != NULL;
		v = h->value.p;
		*len = h->value.len;
	}
	return v;
}

/* 401 with the challenge; the log line names the user (or "-"), the path and why. */
static int auth_refuse(struct request *rq, const struct conf_access *r, const char *user,
		       const char *why)
{
	char hdr[512], u[4 * AUTH_USER_MAX + 1], p[512], line[2048];
	size_t n;

	if (auth_www_authenticate(hdr, sizeof(hdr), r->realm) < 0) {
		snprintf(line, sizeof(line), "access rule at %s:%d: realm cannot be sent in a "
			 "WWW-Authenticate field", rq->site->conf->file, r->line);
		return http_error(rq, 500, NULL, line);
	}
	/* Both are the client's bytes: escaped as every logged client text is. */
	n = log_escape(u, sizeof(u) - 1, user ? user : "-", user ? strlen(user) : 1, NULL);
	u[n] = '\0';
	n = log_escape(p, sizeof(p) - 1, rq->path, rq->path_len, NULL);
	p[n] = '\0';
	snprintf(line, sizeof(line), "user %s: authentication failure for %s: %s", u, p, why);
	return http_error(rq, 401, hdr, line);
}

_Static_assert(sizeof(((struct request *)0)->auth_user_buf) == AUTH_USER_MAX + 1,
	       "request.h's auth_user_buf holds one user-id");

/* The credentials step of rule r. AUTH_PASS, or what http_error returned. */
static int auth_credentials(struct request *rq, const struct conf_access *r)
{
	const struct auth_table *t;
	struct auth_cred cred;
	const char *v, *why;
	char err[512], line[1024];
	enum auth_verdict verdict;
	size_t len;
	bool many;

	if (!(v = auth_field(rq, &len, &many)))
		return auth_refuse(rq, r, NULL, "no credentials");
	/* Two fields: which one a peer in front of us checked is anyone's guess. */
	if (many)
		return auth_refuse(rq, r, NULL, "more than one Authorization field");
	if (auth_parse_basic(v, len, &cred, &why) < 0)
		return auth_refuse(rq, r, NULL, why);
	if (auth_file_get(r->user_file, auth_now_ms(), &t, err, sizeof(err)) < 0) {
		explicit_bzero(&cred, sizeof(cred));
		snprintf(line, sizeof(line), "access rule at %s:%d: user_file %s: %s",
			 rq->site->conf->file, r->line, r->user_file, err);
		return http_error(rq, 500, NULL, line);
	}
	verdict = auth_verify(t, cred.user, cred.pass);
	explicit_bzero(cred.pass, sizeof(cred.pass));
	if (verdict != AUTH_V_OK)
		return auth_refuse(rq, r, cred.user, auth_verdict_why(verdict));
	memcpy(rq->auth_user_buf, cred.user, strlen(cred.user) + 1);
	rq->auth_user = rq->auth_user_buf;
	return AUTH_PASS;
}

int auth_request(struct request *rq)
{
	const struct conf_site *cs = rq->site->cs;
	const struct conf_access *r = access_pick(cs->access, cs->naccess, rq->path, rq->path_len);
	char why[1024];

	switch (access_decide(r, rq->client_addr)) {
	case ACCESS_PASS:
		return AUTH_PASS;
	case ACCESS_DENY:
		snprintf(why, sizeof(why), "client denied by access rule (%s at %s:%d)",
			 r->path, rq->site->conf->file, r->line);
		return http_error(rq, 403, NULL, why);
	case ACCESS_AUTH:
		break;
	}
	return auth_credentials(rq, r);
}
