/*
 * http_cond — HTTP-date (RFC 9110 5.6.7), entity tags (8.8.3), conditional
 * requests (13) and single byte ranges (14). Pure: no I/O, no allocation.
 */
#include "http_cond.h"
#include "http_chars.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const http_wday[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const http_wday_long[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};
static const char *const http_month[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* ---- dates -------------------------------------------------------------- */

void http_date_format(time_t t, char *buf)
{
	/* A time gmtime_r cannot express, or one past year 9999 that would not
	 * fit IMF-fixdate's four-digit year, is sent as the epoch. */
	static const char epoch[] = "Thu, 01 Jan 1970 00:00:00 GMT";
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		goto fallback;
	/* Day and month names come from tables, not strftime(): IMF-fixdate
	 * is English whatever the locale (RFC 9110 5.6.7). */
	n = snprintf(buf, HTTP_DATE_LEN + 1, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		     http_wday[tm.tm_wday], tm.tm_mday, http_month[tm.tm_mon],
		     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n == HTTP_DATE_LEN)
		return;
fallback:
	memcpy(buf, epoch, sizeof(epoch));
}

/* A read cursor over a header value that is not NUL-terminated. */
struct http_cur {
	const char *p;
	size_t len;
	size_t i;
};

static bool http_lit(struct http_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if (c->len - c->i < n || memcmp(c->p + c->i, lit, n) != 0)
		return false;
	c->i += n;
	return true;
}

/* Exactly n digits. */
static bool http_digits(struct http_cur *c, int n, int *val)
{
	int v = 0;

	if (c->len - c->i < (size_t)n)
		return false;
	for (; n > 0; n--, c->i++) {
		char ch = c->p[c->i];

		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	*val = v;
	return true;
}

/* One of a table's names, case-sensitive (RFC 9110 5.6.7 uses %s"..."). */
static bool http_name(struct http_cur *c, const char *const *tab, int n,
		      int *idx)
{
	int k;

	for (k = 0; k < n; k++) {
		if (http_lit(c, tab[k])) {
			*idx = k;
			return true;
		}
	}
	return false;
}

/* time-of-day = hour ":" minute ":" second. RFC 5322 3.3 lets second be 60
 * for a leap second; 61 is never valid. */
static bool http_time(struct http_cur *c, struct tm *tm)
{
	return http_digits(c, 2, &tm->tm_hour) && http_lit(c, ":") &&
	       http_digits(c, 2, &tm->tm_min) && http_lit(c, ":") &&
	       http_digits(c, 2, &tm->tm_sec) && tm->tm_hour <= 23 &&
	       tm->tm_min <= 59 && tm->tm_sec <= 60;
}

/* The fields of a date as read, before they are checked. */
struct http_date_fields {
	struct tm tm;
	int wday;
	int year;
};

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
static bool http_parse_imf(struct http_cur *c, struct http_date_fields *d)
{
	return http_name(c, http_wday, 7, &d->wday) && http_lit(c, ", ") &&
	       http_digits(c, 2, &d->tm.tm_mday) && http_lit(c, " ") &&
	       http_name(c, http_month, 12, &d->tm.tm_mon) && http_lit(c, " ") &&
	       http_digits(c, 4, &d->year) && http_lit(c, " ") &&
	       http_time(c, &d->tm) && http_lit(c, " GMT");
}

/* asctime: "Sun Nov  6 08:49:37 1994"; the day is 2DIGIT or SP DIGIT. */
static bool http_parse_asctime(struct http_cur *c, struct http_date_fields *d)
{
	if (!(http_name(c, http_wday, 7, &d->wday) && http_lit(c, " ") &&
	      http_name(c, http_month, 12, &d->tm.tm_mon) && http_lit(c, " ")))
		return false;
	if (!(http_lit(c, " ") ? http_digits(c, 1, &d->tm.tm_mday)
			       : http_digits(c, 2, &d->tm.tm_mday)))
		return false;
	return http_lit(c, " ") && http_time(c, &d->tm) && http_lit(c, " ") &&
	       http_digits(c, 4, &d->year);
}

/*
 * RFC 9110 5.6.7: a two-digit year that would be more than 50 years in the
 * future is the most recent past year with those digits.
 */
static bool http_rfc850_year(int yy, int *year)
{
	time_t now = time(NULL);
	struct tm tm;
	int cur, y;

	if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL)
		return false;
	cur = tm.tm_year + 1900;
	y = cur - cur % 100 + yy;
	if (y > cur + 50)
		y -= 100;
	else if (y <= cur - 50)
		y += 100; /* still not more than 50 years ahead */
	*year = y;
	return true;
}

/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
static bool http_parse_rfc850(struct http_cur *c, struct http_date_fields *d)
{
	int yy;

	return http_name(c, http_wday_long, 7, &d->wday) && http_lit(c, ", ") &&
	       http_digits(c, 2, &d->tm.tm_mday) && http_lit(c, "-") &&
	       http_name(c, http_month, 12, &d->tm.tm_mon) && http_lit(c, "-") &&
	       http_digits(c, 2, &yy) && http_lit(c, " ") &&
	       http_time(c, &d->tm) && http_lit(c, " GMT") &&
	       http_rfc850_year(yy, &d->year);
}

static int http_mdays(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 1 && leap ? 29 : days[mon];
}

/*
 * Check the calendar and convert. The day name must be the one the date
 * falls on (RFC 5322 3.3, which IMF-fixdate is a profile of).
 */
static int http_date_finish(struct http_date_fields *d, time_t *t)
{
	bool leap_sec = d->tm.tm_sec == 60;
	time_t r;

	if (d->tm.tm_mday < 1 || d->tm.tm_mday > http_mdays(d->year, d->tm.tm_mon))
		return -1;
	d->tm.tm_year = d->year - 1900;
	d->tm.tm_isdst = 0;
	if (leap_sec)
		d->tm.tm_sec = 59; /* keep timegm from rolling the day over */
	r = timegm(&d->tm);
	if (r == (time_t)-1 && !(d->year == 1969 && d->tm.tm_yday == 364 &&
				 d->tm.tm_hour == 23 && d->tm.tm_min == 59))
		return -1; /* does not fit time_t */
	if (d->tm.tm_wday != d->wday)
		return -1;
	*t = r + (leap_sec ? 1 : 0);
	return 0;
}

/* Strip OWS (RFC 9110 5.6.3) from both ends of s[0..*len). */
static const char *http_trim(const char *s, size_t *len)
{
	while (*len > 0 && http_is_ows((unsigned char)s[0])) {
		s++;
		(*len)--;
	}
	while (*len > 0 && http_is_ows((unsigned char)s[*len - 1]))
		(*len)--;
	return s;
}

int http_date_parse(const char *s, size_t len, time_t *t)
{
	struct http_date_fields d;
	struct http_cur c;
	bool ok;

	if (s == NULL)
		return -1;
	s = http_trim(s, &len);
	memset(&d, 0, sizeof(d));
	c = (struct http_cur){ s, len, 0 };
	/* The fourth byte tells the forms apart: "Sun," "Sun " "Sunday,". */
	if (len > 3 && s[3] == ',')
		ok = http_parse_imf(&c, &d);
	else if (len > 3 && s[3] == ' ')
		ok = http_parse_asctime(&c, &d);
	else
		ok = http_parse_rfc850(&c, &d);
	if (!ok || c.i != c.len)
		return -1; /* malformed, or trailing junk */
	return http_date_finish(&d, t);
}

/* ---- entity tags -------------------------------------------------------- */

void http_etag_make(uint64_t size, int64_t mtime_sec, long mtime_nsec,
		    char *buf, size_t cap)
{
	/* Unsigned arithmetic: a pre-1970 or absurd mtime wraps instead of
	 * overflowing; the tag only has to change when the file does. */
	uint64_t ns = (uint64_t)mtime_sec * UINT64_C(1000000000) +
		      (uint64_t)mtime_nsec;

	if (cap == 0)
		return;
	/* Truncation (cap below 36) still leaves a terminated string. */
	(void)snprintf(buf, cap, "\"%llx-%llx\"", (unsigned long long)size,
		       (unsigned long long)ns);
}

struct http_etag {
	bool weak;
	const char *opaque; /* with its quotes */
	size_t len;
};

/* RFC 9110 8.8.3: etagc = %x21 / %x23-7E / obs-text */
static bool http_etagc(unsigned char ch)
{
	return ch == 0x21 || (ch >= 0x23 && ch != 0x7F);
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE */
static bool http_etag_parse(struct http_cur *c, struct http_etag *e)
{
	size_t s;

	e->weak = http_lit(c, "W/");
	s = c->i;
	if (!http_lit(c, "\""))
		return false;
	while (c->i < c->len && http_etagc((unsigned char)c->p[c->i]))
		c->i++;
	if (!http_lit(c, "\""))
		return false;
	e->opaque = c->p + s;
	e->len = c->i - s;
	return true;
}

/* RFC 9110 8.8.3.2: strong comparison needs both tags strong; weak
 * comparison only looks at the opaque parts. */
static bool http_etag_eq(const struct http_etag *a, const struct http_etag *b,
			 bool strong)
{
	if (strong && (a->weak || b->weak))
		return false;
	return a->len == b->len && memcmp(a->opaque, b->opaque, a->len) == 0;
}

static bool http_rep_etag(const struct http_cond_rep *rep, struct http_etag *e)
{
	struct http_cur c;

	if (rep->etag == NULL)
		return false;
	c = (struct http_cur){ rep->etag, strlen(rep->etag), 0 };
	return http_etag_parse(&c, e) && c.i == c.len;
}

static void http_skip_ows(struct http_cur *c)
{
	while (c->i < c->len && http_is_ows((unsigned char)c->p[c->i]))
		c->i++;
}

/*
 * Does the list #entity-tag in s[0..len) hold a tag equal to ours? Empty
 * list elements are allowed (RFC 9110 5.6.1.2). A malformed list matches
 * nothing: If-Match then fails safe (412) and If-None-Match is ignored.
 */
static bool http_etag_list_match(const char *s, size_t len,
				 const struct http_cond_rep *rep, bool strong)
{
	struct http_cur c = { s, len, 0 };
	struct http_etag mine, e;
	bool have = http_rep_etag(rep, &mine), match = false, any = false;

	for (;;) {
		http_skip_ows(&c);
		if (c.i == c.len)
			break;
		if (http_lit(&c, ","))
			continue;
		if (!http_etag_parse(&c, &e))
			return false;
		any = true;
		match |= have && http_etag_eq(&mine, &e, strong);
		http_skip_ows(&c);
		if (c.i != c.len && !http_lit(&c, ","))
			return false;
	}
	return any && match;
}

/* "*" as the whole field value matches any current representation. */
static bool http_is_star(const char *s, size_t len)
{
	s = http_trim(s, &len);
	return len == 1 && s[0] == '*';
}

static bool http_match_field(const char *s, size_t len,
			     const struct http_cond_rep *rep, bool strong)
{
	return http_is_star(s, len) || http_etag_list_match(s, len, rep, strong);
}

/* ---- ranges ------------------------------------------------------------- */

/* 1*DIGIT, saturating: a huge first-pos is simply past the end. */
static bool http_u64(struct http_cur *c, uint64_t *v)
{
	size_t s = c->i;

	*v = 0;
	while (c->i < c->len && c->p[c->i] >= '0' && c->p[c->i] <= '9') {
		unsigned d = (unsigned)(c->p[c->i++] - '0');

		*v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
	}
	return c->i > s;
}

struct http_range_spec {
	bool suffix;    /* "-n": the last n bytes */
	bool open;      /* "a-": to the end */
	uint64_t first; /* or n for a suffix */
	uint64_t last;
};

/* range-spec = int-range / suffix-range (RFC 9110 14.1.1) */
static bool http_range_spec(struct http_cur *c, struct http_range_spec *r)
{
	memset(r, 0, sizeof(*r));
	if (http_lit(c, "-")) {
		r->suffix = true;
		return http_u64(c, &r->first);
	}
	if (!http_u64(c, &r->first) || !http_lit(c, "-"))
		return false;
	if (!http_u64(c, &r->last))
		r->open = true;
	/* An int-range with last-pos below first-pos is invalid. */
	return r->open || r->first <= r->last;
}

/*
 * Parse "bytes=" 1#range-spec. True only for exactly one valid range-spec;
 * several ranges are served whole (a multipart/byteranges body is a choice
 * RFC 9110 14.2 leaves to us, and we do not make it).
 */
static bool http_range_parse(const char *s, size_t len,
			     struct http_range_spec *r)
{
	struct http_cur c;
	int n = 0;

	s = http_trim(s, &len);
	c = (struct http_cur){ s, len, 0 };
	/* RFC 9110 14.1: range units are case-insensitive. */
	if (len < 6 || strncasecmp(s, "bytes=", 6) != 0)
		return false;
	c.i = 6;
	for (;;) {
		http_skip_ows(&c);
		if (c.i == c.len)
			break;
		if (http_lit(&c, ","))
			continue;
		if (++n > 1 || !http_range_spec(&c, r))
			return false;
		http_skip_ows(&c);
		if (c.i != c.len && !http_lit(&c, ","))
			return false;
	}
	return n == 1;
}

/*
 * RFC 9110 13.1.5: If-Range holds an entity-tag (strong comparison only) or
 * a date that must equal Last-Modified exactly. The first byte tells which.
 */
static bool http_if_range_holds(const char *s, size_t len,
				const struct http_cond_rep *rep)
{
	time_t d;

	s = http_trim(s, &len);
	if (len > 0 && (s[0] == '"' || (len > 1 && s[0] == 'W' && s[1] == '/'))) {
		struct http_cur c = { s, len, 0 };
		struct http_etag e, mine;

		return http_etag_parse(&c, &e) && c.i == c.len &&
		       http_rep_etag(rep, &mine) && http_etag_eq(&mine, &e, true);
	}
	return http_date_parse(s, len, &d) == 0 && d == rep->mtime;
}

/* Map a valid range onto the representation: 206 or 416 (RFC 9110 14.1.2). */
static void http_range_apply(const struct http_range_spec *r, uint64_t size,
			     struct http_cond_result *out)
{
	out->status = 416;
	if (size == 0)
		return; /* no byte of an empty representation can be selected */
	if (r->suffix) {
		if (r->first == 0)
			return;
		out->first = r->first >= size ? 0 : size - r->first;
		out->last = size - 1;
	} else {
		if (r->first >= size)
			return;
		out->first = r->first;
		out->last = r->open || r->last >= size ? size - 1 : r->last;
	}
	out->status = 206;
}

static void http_cond_range(const struct http_cond_req *rq,
			    const struct http_cond_rep *rep,
			    struct http_cond_result *out)
{
	struct http_range_spec r;

	/* RFC 9110 14.2: Range is defined for GET; HEAD mirrors GET here. */
	if (rq->range == NULL || !rq->get_or_head)
		return;
	if (rq->if_range != NULL &&
	    !http_if_range_holds(rq->if_range, rq->if_range_len, rep))
		return; /* the client's copy is stale: send it all */
	if (!http_range_parse(rq->range, rq->range_len, &r))
		return;
	http_range_apply(&r, rep->size, out);
}

/* ---- evaluation (RFC 9110 13.2.2) -------------------------------------- */

/* Steps 1-4; returns 0 to go on, or 304/412. */
static int http_cond_preconditions(const struct http_cond_req *rq,
				   const struct http_cond_rep *rep)
{
	time_t d;

	if (rq->if_match != NULL) {
		if (!http_match_field(rq->if_match, rq->if_match_len, rep, true))
			return 412;
	} else if (rq->if_unmodified_since != NULL &&
		   http_date_parse(rq->if_unmodified_since,
				   rq->if_unmodified_since_len, &d) == 0 &&
		   rep->mtime > d) {
		return 412; /* an invalid date is ignored (13.1.4) */
	}
	if (rq->if_none_match != NULL) {
		if (http_match_field(rq->if_none_match, rq->if_none_match_len,
				     rep, false))
			return rq->get_or_head ? 304 : 412;
	} else if (rq->get_or_head && rq->if_modified_since != NULL &&
		   http_date_parse(rq->if_modified_since,
				   rq->if_modified_since_len, &d) == 0 &&
		   rep->mtime <= d) {
		return 304; /* an invalid date is ignored (13.1.3) */
	}
	return 0;
}

void http_cond_evaluate(const struct http_cond_req *rq,
			const struct http_cond_rep *rep,
			struct http_cond_result *out)
{
	int st = http_cond_preconditions(rq, rep);

	out->status = 200;
	out->first = 0;
	out->last = 0;
	if (st != 0) {
		out->status = st;
		return;
	}
	http_cond_range(rq, rep, out);
}
