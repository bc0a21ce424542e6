/*
 * mime — file name to Content-Type: a built-in table, optionally extended or
 * overridden by a mime.types file. The table is a sorted array of
 * (extension, Content-Type) pairs, so a lookup is a bsearch that never
 * allocates.
 */
#include "mime.h"
#include "http_chars.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIME_DEFAULT "application/octet-stream"
#define MIME_CHARSET "; charset=utf-8"

struct mime_ent {
	char *me_ext;   /* lowercase, without the dot */
	char *me_type;  /* the header value, charset included */
	size_t me_seq;  /* insertion order: the later entry wins */
};

struct mime_table {
	struct mime_ent *mt_v;
	size_t mt_n;
	size_t mt_cap;
	size_t mt_seq;
};

/*
 * The common web types. Where IANA and browsers disagree the registered name
 * is used: text/javascript (RFC 9239), application/gzip (RFC 6713), the
 * font/ tree (RFC 8081), text/markdown (RFC 7763).
 */
static const struct {
	const char *ext;
	const char *type;
} mime_builtin[] = {
	{ "html", "text/html" },          { "htm", "text/html" },
	{ "css", "text/css" },            { "js", "text/javascript" },
	{ "mjs", "text/javascript" },     { "json", "application/json" },
	{ "xml", "application/xml" },     { "txt", "text/plain" },
	{ "csv", "text/csv" },            { "md", "text/markdown" },
	{ "png", "image/png" },           { "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },         { "gif", "image/gif" },
	{ "svg", "image/svg+xml" },       { "webp", "image/webp" },
	{ "ico", "image/vnd.microsoft.icon" }, { "avif", "image/avif" },
	{ "bmp", "image/bmp" },           { "pdf", "application/pdf" },
	{ "zip", "application/zip" },     { "gz", "application/gzip" },
	{ "tar", "application/x-tar" },   { "wasm", "application/wasm" },
	{ "woff", "font/woff" },          { "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },            { "otf", "font/otf" },
	{ "mp3", "audio/mpeg" },          { "mp4", "video/mp4" },
	{ "webm", "video/webm" },         { "ogg", "audio/ogg" },
	{ "wav", "audio/wav" },           { "map", "application/json" },
	{ "xhtml", "application/xhtml+xml" },
	{ "webmanifest", "application/manifest+json" },
};

/* ASCII-only lowering: extensions and media types are not locale text. */
static unsigned char mime_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static void mime_lower_str(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)mime_lower((unsigned char)*s);
}

/* Types a browser reads as text get an explicit charset (RFC 9110 8.3.2). */
static bool mime_is_text(const char *type)
{
	static const char *const text[] = {
		"application/javascript", "application/json",
		"application/xml", "image/svg+xml",
	};
	size_t i;

	if (strncmp(type, "text/", 5) == 0)
		return true;
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (strcmp(type, text[i]) == 0)
			return true;
	return false;
}

/* The header value for a lowercase media type; NULL on allocation failure. */
static char *mime_header_value(const char *type)
{
	size_t tl = strlen(type);
	size_t extra = mime_is_text(type) ? strlen(MIME_CHARSET) : 0;
	char *v = malloc(tl + extra + 1);

	if (v == NULL)
		return NULL;
	memcpy(v, type, tl);
	memcpy(v + tl, MIME_CHARSET, extra);
	v[tl + extra] = '\0';
	return v;
}

/* Append one pair (unsorted); the caller sorts when the batch is complete. */
static int mime_add(struct mime_table *t, const char *ext, const char *value)
{
	struct mime_ent *e;

	if (t->mt_n == t->mt_cap) {
		size_t ncap = t->mt_cap ? t->mt_cap * 2 : 64;
		struct mime_ent *nv = reallocarray(t->mt_v, ncap, sizeof(*nv));

		if (nv == NULL)
			return -1;
		t->mt_v = nv;
		t->mt_cap = ncap;
	}
	e = &t->mt_v[t->mt_n];
	e->me_ext = strdup(ext);
	e->me_type = strdup(value);
	if (e->me_ext == NULL || e->me_type == NULL)
		goto fail;
	mime_lower_str(e->me_ext);
	e->me_seq = t->mt_seq++;
	t->mt_n++;
	return 0;
fail:
	free(e->me_ext);
	free(e->me_type);
	return -1;
}

static void mime_ent_free(struct mime_ent *e)
{
	free(e->me_ext);
	free(e->me_type);
}

/* Drop entries appended since a failed batch started. */
static void mime_truncate(struct mime_table *t, size_t n)
{
	while (t->mt_n > n)
		mime_ent_free(&t->mt_v[--t->mt_n]);
}

static int mime_ent_cmp(const void *a, const void *b)
{
	const struct mime_ent *x = a, *y = b;
	int c = strcmp(x->me_ext, y->me_ext);

	if (c != 0)
		return c;
	return (x->me_seq > y->me_seq) - (x->me_seq < y->me_seq);
}

/* Sort by extension and keep only the newest entry for each one. */
static void mime_finish(struct mime_table *t)
{
	size_t i, w = 0;

	if (t->mt_n == 0)
		return;
	qsort(t->mt_v, t->mt_n, sizeof(*t->mt_v), mime_ent_cmp);
	for (i = 0; i < t->mt_n; i++) {
		if (i + 1 < t->mt_n &&
		    strcmp(t->mt_v[i].me_ext, t->mt_v[i + 1].me_ext) == 0) {
			mime_ent_free(&t->mt_v[i]); /* overridden by the next */
			continue;
		}
		t->mt_v[w++] = t->mt_v[i];
	}
	t->mt_n = w;
}

struct mime_table *mime_new(void)
{
	struct mime_table *t = calloc(1, sizeof(*t));
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < sizeof(mime_builtin) / sizeof(mime_builtin[0]); i++) {
		char *v = mime_header_value(mime_builtin[i].type);
		int rc = v ? mime_add(t, mime_builtin[i].ext, v) : -1;

		free(v);
		if (rc != 0)
			goto fail;
	}
	mime_finish(t);
	return t;
fail:
	mime_free(t);
	return NULL;
}

void mime_free(struct mime_table *t)
{
	if (t == NULL)
		return;
	mime_truncate(t, 0);
	free(t->mt_v);
	free(t);
}

/* Returns NULL if the media type is well-formed, else why not. */
static const char *mime_check_type(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t i;

	if (slash == NULL)
		return "media type has no '/'";
	if (slash == s || slash[1] == '\0' || strchr(slash + 1, '/') != NULL)
		return "media type must be type/subtype";
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != '/' && !http_is_tchar((unsigned char)s[i]))
			return "bad character in media type";
	return NULL;
}

/*
 * Extensions are matched against file names, so any visible ASCII byte but
 * '/' may appear (Debian's list has "~" and "%"); controls and non-ASCII
 * bytes mean the file is not a mime.types file.
 */
static const char *mime_check_ext(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7F || c == '/')
			return "bad character in extension";
	}
	return NULL;
}

static bool mime_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\v' || c == '\f';
}

/*
 * Split line[0..len) in place into whitespace-separated words. Returns the
 * next word or NULL; *pos is the cursor. line[len] must be writable (getline
 * leaves its NUL there).
 */
static char *mime_word(char *line, size_t len, size_t *pos)
{
	size_t i = *pos, s;

	while (i < len && mime_space(line[i]))
		i++;
	if (i >= len) {
		*pos = len;
		return NULL;
	}
	s = i;
	while (i < len && !mime_space(line[i]))
		i++;
	line[i] = '\0';
	*pos = i < len ? i + 1 : len;
	return line + s;
}

/* One line of a mime.types file. Returns NULL or the reason it is bad. */
static const char *mime_parse_line(struct mime_table *t, char *line, size_t len)
{
	size_t pos = 0;
	const char *why;
	const char *hash;
	char *type, *value, *ext;

	if (memchr(line, '\0', len) != NULL)
		return "NUL byte in line";
	hash = memchr(line, '#', len);
	if (hash != NULL)
		len = (size_t)(hash - line); /* a comment runs to the end of the line */
	type = mime_word(line, len, &pos);
	if (type == NULL)
		return NULL; /* blank or comment */
	why = mime_check_type(type);
	if (why != NULL)
		return why;
	mime_lower_str(type); /* RFC 9110 8.3.1: case-insensitive */
	value = mime_header_value(type);
	if (value == NULL)
		return strerror(ENOMEM);
	while (why == NULL && (ext = mime_word(line, len, &pos)) != NULL) {
		why = mime_check_ext(ext);
		if (why == NULL && mime_add(t, ext, value) != 0)
			why = strerror(ENOMEM);
	}
	free(value);
	return why;
}

static int mime_read(struct mime_table *t, FILE *f, const char *file,
		     char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = -1;

	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *why;

		lineno++;
		why = mime_parse_line(t, line, (size_t)n);
		if (why != NULL) {
			snprintf(err, errlen, "%s:%zu: %s", file, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int mime_load(struct mime_table *t, const char *file, char *err, size_t errlen)
{
	size_t before = t->mt_n;
	FILE *f = fopen(file, "re");
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	rc = mime_read(t, f, file, err, errlen);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		goto fail;
	mime_finish(t);
	return 0;
fail:
	/* All or nothing: a bad file leaves the table as it was. */
	mime_truncate(t, before);
	return -1;
}

struct mime_key {
	const char *p;
	size_t len;
};

/* Same order as mime_ent_cmp's strcmp, with the key lowered on the fly. */
static int mime_key_cmp(const void *k, const void *e)
{
	const struct mime_key *key = k;
	const unsigned char *ext =
		(const unsigned char *)((const struct mime_ent *)e)->me_ext;
	size_t i;

	for (i = 0; i < key->len; i++) {
		unsigned char a = mime_lower((unsigned char)key->p[i]);

		if (ext[i] == '\0' || a != ext[i])
			return ext[i] == '\0' ? 1 : (int)a - (int)ext[i];
	}
	return ext[i] == '\0' ? 0 : -1;
}

size_t mime_type_len(const char *value, bool *textual)
{
	size_t len = strlen(value), cl = sizeof(MIME_CHARSET) - 1;

	/* mime_check_type refuses ';' in a type, so only the table's own suffix can end one so. */
	*textual = len > cl && memcmp(value + len - cl, MIME_CHARSET, cl) == 0;
	return *textual ? len - cl : len;
}

const char *mime_lookup(const struct mime_table *t, const char *path, size_t len)
{
	const char *seg, *dot;
	const struct mime_ent *e;
	struct mime_key key;

	if (t == NULL || t->mt_n == 0 || len == 0)
		return MIME_DEFAULT;
	seg = memrchr(path, '/', len);
	seg = seg ? seg + 1 : path;
	dot = memrchr(seg, '.', len - (size_t)(seg - path));
	/* No dot, a dotfile's leading dot, or a trailing dot: no extension. */
	if (dot == NULL || dot == seg || dot + 1 == path + len)
		return MIME_DEFAULT;
	key.p = dot + 1;
	key.len = len - (size_t)(key.p - path);
	e = bsearch(&key, t->mt_v, t->mt_n, sizeof(*t->mt_v), mime_key_cmp);
	return e ? e->me_type : MIME_DEFAULT;
}
