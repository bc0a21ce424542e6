#include "logfmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * One op per directive or run of literal text. The literal text and the
 * arguments (NUL-ended, so a lookup gets a C string) live in logfmt.text.
 */
enum logfmt_kind {
	LF_TEXT,                     /* literal text, copied as it is */
	LF_CLIENT,                   /* %a %h: no DNS lookups, as Apache's HostnameLookups Off */
	LF_USER,                     /* %u */
	LF_TIME,                     /* %t: [10/Oct/2000:13:55:36 -0700] */
	LF_STRFTIME,                 /* %{format}t */
	LF_EPOCH,                    /* %{sec}t */
	LF_REQUEST,                  /* %r */
	LF_STATUS,                   /* %s %>s %<s */
	LF_BYTES_CLF,                /* %b: "-" for none */
	LF_BYTES,                    /* %B: 0 for none */
	LF_REFERER,                  /* %{Referer}i, kept in the record: Combined needs no lookup */
	LF_UA,                       /* %{User-Agent}i, likewise */
	LF_LOOKUP,                   /* %{X}i %{X}o %{X}e: arg is the kind */
	LF_DURATION,                 /* %D %T %{ms}T: arg is the unit */
	LF_VHOST,                    /* %v */
	LF_METHOD,                   /* %m */
	LF_PATH,                     /* %U */
	LF_QUERY,                    /* %q */
	LF_PROTO,                    /* %H */
	LF_PORT,                     /* %p %{local}p %{canonical}p; arg 'r': %{remote}p */
	LF_PID,                      /* %P */
};

enum { LF_US, LF_MS, LF_S };

/* The most escaped bytes a value takes: what the fixed Combined line allowed (log.c, issue 1). */
#define LF_CAP_USER    1024
#define LF_CAP_REQUEST 4096
#define LF_CAP_FIELD   2048
#define LF_CAP_SHORT   256

/*
 * Apache's own presets (the Debian apache2.conf's LogFormat lines). pfhttpd
 * does not count header bytes, so vhost_combined has %b where Apache has %O:
 * the body's bytes, which is what log analysers add up anyway.
 */
static const struct {
	const char *name, *text;
} logfmt_presets[] = {
	{ "combined", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" },
	{ "common", "%h %l %u %t \"%r\" %>s %b" },
	{ "vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" },
};

const char *logfmt_preset(const char *name)
{
	for (size_t i = 0; i < sizeof(logfmt_presets) / sizeof(logfmt_presets[0]); i++)
		if (strcmp(name, logfmt_presets[i].name) == 0)
			return logfmt_presets[i].text;
	return NULL;
}

/* ---- compiling ------------------------------------------------------------ */

struct lf_comp {
	struct logfmt *f;
	char *err;
	size_t errlen;
	bool directive;              /* one was seen (%l and %% compile to text) */
};

static int lf_err(struct lf_comp *k, const char *fmt, const char *what, size_t len)
{
	snprintf(k->err, k->errlen, fmt, (int)(len > 64 ? 64 : len), what);
	return -1;
}

static int lf_msg(struct lf_comp *k, const char *msg)
{
	snprintf(k->err, k->errlen, "%s", msg);
	return -1;
}

static int lf_op(struct lf_comp *k, uint8_t kind, uint8_t arg, uint16_t cap)
{
	struct logfmt *f = k->f;

	if (f->nops == LOGFMT_MAX_OPS)
		return lf_msg(k, "the format is too long (at most 128 directives and text pieces)");
	f->ops[f->nops++] = (struct logfmt_op){ .kind = kind, .arg = arg,
						.off = (uint16_t)f->text_len, .cap = cap };
	return 0;
}

/* Append bytes to the text of the last op. */
static int lf_text(struct lf_comp *k, const char *s, size_t len)
{
	struct logfmt *f = k->f;

	if (f->text_len + len > LOGFMT_MAX_TEXT)
		return lf_msg(k, "the format is too long (at most 1024 bytes of text)");
	memcpy(f->text + f->text_len, s, len);
	f->text_len += len;
	f->ops[f->nops - 1].len = (uint16_t)(f->ops[f->nops - 1].len + len);
	return 0;
}

/*
 * Literal text up to the next '%'. mod_log_config's escapes: "\\" a
 * backslash, "\t" a tab; a backslash before anything else stays. "\n" and
 * "\r" (or the raw bytes, which libconfig's own "\n" gives) would split one
 * request's line in two, which every log reader takes for two requests:
 * refused, as is any other control byte.
 */
static int lf_literal(struct lf_comp *k, const char **sp)
{
	const char *s = *sp;

	if (lf_op(k, LF_TEXT, 0, 0) < 0)
		return -1;
	while (*s && *s != '%') {
		char ch = *s++;

		if (ch == '\\' && (*s == '\\' || *s == 't'))
			ch = *s++ == 't' ? '\t' : '\\';
		else if (ch == '\\' && (*s == 'n' || *s == 'r'))
			return lf_err(k, "'%.*s' in the format: one request is one line", s - 1, 2);
		if (ch == '\n' || ch == '\r')
			return lf_msg(k, "a line break in the format: one request is one line");
		if (((unsigned char)ch < 0x20 && ch != '\t') || ch == 0x7f)
			return lf_msg(k, "a control character in the format");
		if (lf_text(k, &ch, 1) < 0)
			return -1;
	}
	*sp = s;
	return 0;
}

/* RFC 9110 5.1: a field name is a token. */
static bool lf_is_token(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("!#$%&'*+-.^_`|~", s[i])))
			return false;
	return len > 0;
}

/* A CGI variable's name (RFC 3875 4.1: the meta-variables are such names). */
static bool lf_is_env_name(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		      (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return false;
	return len > 0;
}

/* One directive, its text d[0..dlen) ("%{X}i") for messages, its argument a[0..alen) or NULL. */
struct lf_dir {
	const char *d;
	size_t dlen;
	const char *a;
	size_t alen;
	char letter;
};

static bool lf_arg_is(const struct lf_dir *x, const char *s)
{
	return x->alen == strlen(s) && strncasecmp(x->a, s, x->alen) == 0;
}

/* An op that keeps its argument as a C string. */
static int lf_op_arg(struct lf_comp *k, uint8_t kind, uint8_t arg, uint16_t cap, const struct lf_dir *x)
{
	if (lf_op(k, kind, arg, cap) < 0 || lf_text(k, x->a, x->alen) < 0 || lf_text(k, "", 1) < 0)
		return -1;
	k->f->ops[k->f->nops - 1].len--; /* the NUL is storage, not text */
	return 0;
}

/* %{X}i %{X}o %{X}e. */
static int lf_lookup(struct lf_comp *k, const struct lf_dir *x)
{
	if (!x->a || x->alen == 0)
		return lf_err(k, "'%.*s' needs a name: %%{Name}i, %%{Name}o or %%{NAME}e", x->d, x->dlen);
	if (x->letter == 'e' ? !lf_is_env_name(x->a, x->alen) : !lf_is_token(x->a, x->alen))
		return lf_err(k, x->letter == 'e' ? "'%.*s': not a variable name"
				 : "'%.*s': not a field name", x->d, x->dlen);
	if (x->letter == 'i' && lf_arg_is(x, "Referer"))
		return lf_op(k, LF_REFERER, 0, LF_CAP_FIELD);
	if (x->letter == 'i' && lf_arg_is(x, "User-Agent"))
		return lf_op(k, LF_UA, 0, LF_CAP_FIELD);
	k->f->needs |= LOGFMT_NEED_LOOKUP;
	return lf_op_arg(k, LF_LOOKUP, (uint8_t)x->letter, LF_CAP_FIELD, x);
}

/* %t and %{format}t: Apache's begin: prefix is what %t always means; end: is not kept. */
static int lf_time(struct lf_comp *k, struct lf_dir *x)
{
	if (!x->a)
		return lf_op(k, LF_TIME, 0, LF_CAP_SHORT);
	if (x->alen >= 6 && strncmp(x->a, "begin:", 6) == 0) {
		x->a += 6;
		x->alen -= 6;
	}
	if (lf_arg_is(x, "sec"))
		return lf_op(k, LF_EPOCH, 0, LF_CAP_SHORT);
	if (x->alen == 0 || (x->alen >= 4 && strncmp(x->a, "end:", 4) == 0) ||
	    lf_arg_is(x, "msec") || lf_arg_is(x, "usec") || lf_arg_is(x, "msec_frac") ||
	    lf_arg_is(x, "usec_frac"))
		return lf_err(k, "'%.*s' is not supported: %%t, %%{sec}t or %%{strftime format}t",
			      x->d, x->dlen);
	return lf_op_arg(k, LF_STRFTIME, 0, LF_CAP_SHORT, x);
}

/* %T in seconds, %{ms}T, %{us}T; %D in microseconds. */
static int lf_duration(struct lf_comp *k, const struct lf_dir *x)
{
	uint8_t unit = x->letter == 'D' ? LF_US : LF_S;

	if (x->a && x->letter == 'T')
		unit = lf_arg_is(x, "ms") ? LF_MS : lf_arg_is(x, "us") ? LF_US : lf_arg_is(x, "s") ? LF_S : 9;
	if (unit == 9 || (x->a && x->letter == 'D'))
		return lf_err(k, "'%.*s': the unit is ms, us or s, as %%{ms}T", x->d, x->dlen);
	k->f->needs |= LOGFMT_NEED_USEC;
	return lf_op(k, LF_DURATION, unit, LF_CAP_SHORT);
}

/* %p, and Apache's %{canonical}p, %{local}p (the same here) and %{remote}p. */
static int lf_port(struct lf_comp *k, const struct lf_dir *x)
{
	if (!x->a || lf_arg_is(x, "canonical") || lf_arg_is(x, "local"))
		return lf_op(k, LF_PORT, 0, LF_CAP_SHORT);
	if (lf_arg_is(x, "remote"))
		return lf_op(k, LF_PORT, 'r', LF_CAP_SHORT);
	return lf_err(k, "'%.*s': the port is %%p, %%{local}p, %%{canonical}p or %%{remote}p",
		      x->d, x->dlen);
}

/* A directive without an argument: its op. */
static int lf_plain(struct lf_comp *k, const struct lf_dir *x)
{
	static const struct { char c; uint8_t kind; uint16_t cap; } plain[] = {
		{ 'a', LF_CLIENT, LF_CAP_SHORT }, { 'h', LF_CLIENT, LF_CAP_SHORT },
		{ 'u', LF_USER, LF_CAP_USER }, { 'r', LF_REQUEST, LF_CAP_REQUEST },
		{ 's', LF_STATUS, LF_CAP_SHORT }, { 'b', LF_BYTES_CLF, LF_CAP_SHORT },
		{ 'B', LF_BYTES, LF_CAP_SHORT }, { 'v', LF_VHOST, LF_CAP_USER },
		{ 'm', LF_METHOD, LF_CAP_REQUEST }, { 'U', LF_PATH, LF_CAP_REQUEST },
		{ 'q', LF_QUERY, LF_CAP_REQUEST }, { 'H', LF_PROTO, LF_CAP_REQUEST },
		{ 'P', LF_PID, LF_CAP_SHORT },
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (plain[i].c != x->letter)
			continue;
		if (x->a)
			return lf_err(k, "'%.*s' takes no {argument}", x->d, x->dlen);
		if (x->letter == 'P')
			k->f->needs |= LOGFMT_NEED_PID;
		return lf_op(k, plain[i].kind, 0, plain[i].cap);
	}
	if (x->letter && strchr("OISkLXRCnfVA", x->letter))
		return lf_err(k, "'%.*s' is not supported by pfhttpd (pfhttpd.conf(5) lists the "
			      "directives; for %%O use %%b)", x->d, x->dlen);
	return lf_err(k, "unknown directive '%.*s'", x->d, x->dlen);
}

static int lf_emit(struct lf_comp *k, struct lf_dir *x)
{
	switch (x->letter) {
	case '%':
		if (x->a)
			return lf_err(k, "'%.*s' takes no {argument}", x->d, x->dlen);
		return lf_op(k, LF_TEXT, 0, 0) < 0 ? -1 : lf_text(k, "%", 1);
	case 'l':
		/* RFC 1413 identd is never asked (Apache's IdentityCheck Off): always "-". */
		if (x->a)
			return lf_err(k, "'%.*s' takes no {argument}", x->d, x->dlen);
		return lf_op(k, LF_TEXT, 0, 0) < 0 ? -1 : lf_text(k, "-", 1);
	case 'i': case 'o': case 'e':
		return lf_lookup(k, x);
	case 't':
		return lf_time(k, x);
	case 'D': case 'T':
		return lf_duration(k, x);
	case 'p':
		return lf_port(k, x);
	default:
		return lf_plain(k, x);
	}
}

/*
 * One directive from "%": %[<>][{arg}]letter, as mod_log_config's
 * parse_log_item reads it. '<' and '>' (original or final request) are
 * accepted and change nothing: the status and fields logged are those
 * sent, whatever internal redirect came between. Status conditions
 * (%400,501{...}i, %!200{...}i) are refused rather than ignored.
 */
static int lf_directive(struct lf_comp *k, const char **sp)
{
	const char *s = *sp + 1, *close;
	struct lf_dir x = { .d = *sp };

	for (;; s++) {
		if (*s == '<' || *s == '>')
			continue;
		if (*s == '!' || *s == ',' || (*s >= '0' && *s <= '9'))
			return lf_err(k, "status conditions ('%.*s...') are not supported", *sp,
				      (size_t)(s - *sp + 1));
		if (*s != '{')
			break;
		if (x.a)
			return lf_err(k, "'%.*s...': two {arguments}", *sp, (size_t)(s - *sp + 1));
		if (!(close = strchr(s, '}')))
			return lf_err(k, "'%.*s' without a closing '}'", *sp, strlen(*sp));
		x.a = s + 1;
		x.alen = (size_t)(close - s - 1);
		s = close;
	}
	if (*s == '\0')
		return lf_err(k, "'%.*s' at the end of the format has no directive "
			      "(a percent sign is %%%%)", *sp, (size_t)(s - *sp));
	x.letter = *s++;
	x.dlen = (size_t)(s - *sp);
	*sp = s;
	k->directive = true;
	return lf_emit(k, &x);
}

int logfmt_compile(struct logfmt *f, const char *format, char *err, size_t errlen)
{
	struct lf_comp k = { f, err, errlen, false };
	const char *preset = logfmt_preset(format);
	const char *s = preset ? preset : format;

	f->nops = 0;
	f->needs = 0;
	f->text_len = 0;
	if (!*s)
		return lf_msg(&k, "empty (a preset: combined, common, vhost_combined)");
	while (*s)
		if ((*s == '%' ? lf_directive(&k, &s) : lf_literal(&k, &s)) < 0)
			return -1;
	/* "combinded" would log that word for every request: a misspelt preset, surely. */
	if (!k.directive)
		return lf_msg(&k, "neither a preset (combined, common, vhost_combined) nor a format "
			      "with a directive");
	return 0;
}

/* ---- rendering -------------------------------------------------------------- */

struct lf_out {
	char *buf;
	size_t len, room;            /* room: the end, less the '\n' */
};

static void lf_put(struct lf_out *o, const char *s, size_t len)
{
	if (len > o->room - o->len)
		len = o->room - o->len;
	memcpy(o->buf + o->len, s, len);
	o->len += len;
}

/* A value from the client or a script: escaped, at most cap bytes; NULL is "-". */
static void lf_esc(struct lf_out *o, const char *s, size_t len, size_t cap)
{
	size_t left = o->room - o->len;

	if (!s) {
		lf_put(o, "-", 1);
		return;
	}
	o->len += log_escape(o->buf + o->len, cap < left ? cap : left, s, len, NULL);
}

static void lf_u64(struct lf_out *o, uint64_t v)
{
	char b[20], *p = b + sizeof(b);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	lf_put(o, p, (size_t)(b + sizeof(b) - p));
}

static void lf_int(struct lf_out *o, int v)
{
	if (v < 0) {
		lf_put(o, "-", 1);
		v = -v;
	}
	lf_u64(o, (uint64_t)v);
}

/* The parts of the request line (%m %U %q %H): "METHOD SP target SP protocol". */
struct lf_line {
	const char *method, *path, *query, *proto;
	size_t method_len, path_len, query_len, proto_len;
};

static void lf_split(const struct log_access_rec *r, struct lf_line *l)
{
	const char *s = r->request_line, *sp1, *sp2, *q;
	size_t n = r->request_line_len;

	memset(l, 0, sizeof(*l));
	if (!s)
		return;
	sp1 = memchr(s, ' ', n);
	l->method = s;
	l->method_len = sp1 ? (size_t)(sp1 - s) : n;
	if (!sp1)
		return;
	l->path = sp1 + 1;
	sp2 = memrchr(l->path, ' ', n - (size_t)(l->path - s));
	l->path_len = sp2 ? (size_t)(sp2 - l->path) : n - (size_t)(l->path - s);
	if (sp2) {
		l->proto = sp2 + 1;
		l->proto_len = n - (size_t)(l->proto - s);
	}
	if ((q = memchr(l->path, '?', l->path_len))) {
		l->query = q;
		l->query_len = l->path_len - (size_t)(q - l->path);
		l->path_len = (size_t)(q - l->path);
	}
}

static void lf_time_put(struct lf_out *o, const struct log_access_rec *r, const char *fmt)
{
	char when[LF_CAP_SHORT];
	struct tm tm;
	size_t n;

	localtime_r(&r->when, &tm);
	n = strftime(when, sizeof(when), fmt ? fmt : "[%d/%b/%Y:%H:%M:%S %z]", &tm);
	/* A format of the administrator's may hold anything strftime copies: escaped. */
	lf_esc(o, when, n, sizeof(when));
}

static void lf_duration_put(struct lf_out *o, uint64_t usec, unsigned unit)
{
	lf_u64(o, unit == LF_US ? usec : unit == LF_MS ? usec / 1000 : usec / 1000000);
}

static void lf_lookup_put(struct lf_out *o, const struct log_access_rec *r,
			  const struct logfmt_op *op, const char *name)
{
	const char *v = NULL;
	size_t len = 0;

	if (r->lookup)
		v = r->lookup(r->ctx, (char)op->arg, name, &len);
	lf_esc(o, v, len, op->cap);
}

/* The request line's parts: split once per line, only when a format asks for one. */
static void lf_part_put(struct lf_out *o, const struct log_access_rec *r, const struct logfmt_op *op,
			struct lf_line *l, bool *split)
{
	if (!*split) {
		lf_split(r, l);
		*split = true;
	}
	switch (op->kind) {
	case LF_METHOD: lf_esc(o, l->method, l->method_len, op->cap); break;
	case LF_PATH:   lf_esc(o, l->path, l->path_len, op->cap); break;
	case LF_QUERY:  lf_esc(o, l->query ? l->query : "", l->query_len, op->cap); break; /* Apache: "" */
	default:        lf_esc(o, l->proto, l->proto_len, op->cap); break;
	}
}

static void lf_op_put(struct lf_out *o, const struct logfmt *f, const struct logfmt_op *op,
		      const struct log_access_rec *r, struct lf_line *l, bool *split)
{
	const char *arg = f->text + op->off;

	switch (op->kind) {
	case LF_TEXT:      lf_put(o, arg, op->len); break;
	case LF_CLIENT:    lf_esc(o, r->client, r->client ? strlen(r->client) : 0, op->cap); break;
	case LF_USER:      lf_esc(o, r->user, r->user ? strlen(r->user) : 0, op->cap); break;
	case LF_TIME:      lf_time_put(o, r, NULL); break;
	case LF_STRFTIME:  lf_time_put(o, r, arg); break;
	case LF_EPOCH:     lf_u64(o, (uint64_t)(r->when < 0 ? 0 : r->when)); break;
	case LF_REQUEST:   lf_esc(o, r->request_line, r->request_line_len, op->cap); break;
	case LF_STATUS:    lf_int(o, r->status); break;
	case LF_BYTES_CLF: if (r->bytes) lf_u64(o, r->bytes); else lf_put(o, "-", 1); break;
	case LF_BYTES:     lf_u64(o, r->bytes); break;
	case LF_REFERER:   lf_esc(o, r->referer, r->referer_len, op->cap); break;
	case LF_UA:        lf_esc(o, r->user_agent, r->user_agent_len, op->cap); break;
	case LF_LOOKUP:    lf_lookup_put(o, r, op, arg); break;
	case LF_DURATION:  lf_duration_put(o, r->usec, op->arg); break;
	case LF_VHOST:     lf_esc(o, r->server_name, r->server_name ? strlen(r->server_name) : 0, op->cap); break;
	case LF_PORT: {
		int port = op->arg == 'r' ? r->client_port : r->port;
		if (port > 0)
			lf_int(o, port);
		else
			lf_put(o, "-", 1);
		break;
	}
	case LF_PID:       lf_int(o, r->pid); break;
	default:           lf_part_put(o, r, op, l, split); break;
	}
}

size_t logfmt_render(const struct logfmt *f, const struct log_access_rec *r, char *buf, size_t cap)
{
	struct lf_out o = { .buf = buf, .room = cap - 1 };
	struct lf_line l;
	bool split = false;

	for (size_t i = 0; i < f->nops; i++)
		lf_op_put(&o, f, &f->ops[i], r, &l, &split);
	buf[o.len++] = '\n';
	return o.len;
}
