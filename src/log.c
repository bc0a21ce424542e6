#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "logfmt.h"

#include <stdatomic.h>

/*
 * The open log files, each once (two vhosts naming one file share it):
 * slot 0 is the top level's error log (-1: stderr only), slot 1 its access
 * log, then every other file some vhost names. A site (0: the top level,
 * 1 + i: conf.vhosts[i]) names the slots its lines go to. Until log_open()
 * the tables are the two static slots and one site.
 *
 * Each access file has its own buffer (log_access_buffer), as Apache's
 * BufferedLogs and nginx's "access_log ... buffer=": whole lines only,
 * written together, allocated on its first line (memory only where used).
 * log_dirty lists the files with lines waiting. lb_busy marks the main
 * flow inside a buffer; log_adopt(), which a worker calls from its SIGUSR1
 * handler, must not write or switch a file under it then, so it parks the
 * new descriptors in the slots' lf_pend and the main flow adopts them when
 * it leaves (log_unbusy).
 */
struct log_file {
	int lf_fd;               /* -1: none */
	int lf_pend;             /* a reopen's newest descriptor, parked; -1 none */
	char *lf_buf;            /* buffered access lines, or NULL */
	size_t lf_len;
	int64_t lf_first_ms;     /* when the oldest line in lf_buf came */
	bool lf_dirty;           /* listed in log_dirty */
};

struct log_site {
	int ls_err, ls_acc;      /* slots; ls_acc -1: no access log */
	const struct logfmt *ls_fmt; /* its access_log_format, compiled; NULL: Combined */
};

static struct log_file log_boot_files[LOG_SLOT_FIRST_VHOST] = {
	{ .lf_fd = -1, .lf_pend = -1 }, { .lf_fd = -1, .lf_pend = -1 },
};
static size_t log_boot_dirty[LOG_SLOT_FIRST_VHOST];
static struct log_site log_boot_site = { 0, 1, NULL };

static struct log_file *log_files = log_boot_files;
static size_t log_nfiles = LOG_SLOT_FIRST_VHOST;
static struct log_site *log_sites = &log_boot_site;
static size_t log_nsites = 1;
static size_t log_cur;           /* the site of the request being served */
static size_t *log_dirty = log_boot_dirty;
static size_t log_ndirty;
static size_t log_cap;           /* the buffer size; 0: unbuffered */
static struct logfmt *log_fmts;  /* one compiled format per site (log_open), or NULL */
static unsigned log_needs_any;   /* the union of their LOGFMT_NEED_* */

static int log_foreground = 1;
static enum log_level log_level = LOG_NOTICE;

static volatile sig_atomic_t lb_busy, lb_pend;

static const char *const log_level_names[] = {
	[LOG_ERR] = "error", [LOG_WARN] = "warn",
	[LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	log_level = level;
}

int log_error_fd(void)
{
	return log_files[LOG_SLOT_ERROR].lf_fd;
}

int log_access_fd(void)
{
	return log_files[LOG_SLOT_ACCESS].lf_fd;
}

size_t log_slots(void)
{
	return log_nfiles;
}

int log_slot_fd(size_t slot)
{
	return slot < log_nfiles ? log_files[slot].lf_fd : -1;
}

void log_set_site(size_t site)
{
	log_cur = site < log_nsites ? site : 0;
}

static void log_adopt_one(int *cur, int fd)
{
	if (fd < 0)
		return;
	if (*cur < 0) {
		*cur = fd; /* a log that did not exist before: take the number as it is */
		return;
	}
	/*
	 * dup3 replaces *cur atomically: no moment without a log descriptor.
	 * If it fails, the old file keeps receiving lines rather than none.
	 */
	(void)dup3(fd, *cur, O_CLOEXEC);
	close(fd);
}

static void log_write(int fd, const char *buf, size_t len);

/* Write one file's buffered lines, in one write(2). */
static void log_buf_flush(struct log_file *f)
{
	if (f->lf_len && f->lf_fd >= 0)
		log_write(f->lf_fd, f->lf_buf, f->lf_len);
	f->lf_len = 0;
}

/* Write every file's buffered lines. */
static void log_flush_all(void)
{
	for (size_t i = 0; i < log_ndirty; i++) {
		log_buf_flush(&log_files[log_dirty[i]]);
		log_files[log_dirty[i]].lf_dirty = false;
	}
	log_ndirty = 0;
}

/*
 * Adopt what is parked: the newest descriptors of every reopen since. Lines
 * buffered before a reopen belong to the old file: written first.
 */
static void log_switch_parked(void)
{
	for (size_t i = 0; i < log_nfiles; i++) {
		struct log_file *f = &log_files[i];

		if (f->lf_pend < 0)
			continue;
		log_buf_flush(f);
		log_adopt_one(&f->lf_fd, f->lf_pend);
		f->lf_pend = -1;
	}
	lb_pend = 0;
}

/* Keep only the newest descriptor a reopen sent: the older ones name older files. */
static void log_park(size_t slot, int fd)
{
	if (fd < 0)
		return;
	if (slot >= log_nfiles) {
		close(fd); /* a table of another shape (pool.c never sends one): not ours */
		return;
	}
	if (log_files[slot].lf_pend >= 0)
		close(log_files[slot].lf_pend);
	log_files[slot].lf_pend = fd;
}

/*
 * Outside the buffers: switch now. (A handler that comes between
 * log_unbusy's lb_busy = 0 and its own check takes what was parked with
 * it, so older descriptors can never be adopted after newer ones.)
 */
static void log_adopt_parked(void)
{
	lb_pend = 1;
	if (!lb_busy)
		log_switch_parked();
}

void log_adopt(int err_fd, int acc_fd)
{
	int saved = errno;

	log_park(LOG_SLOT_ERROR, err_fd);
	log_park(LOG_SLOT_ACCESS, acc_fd);
	log_adopt_parked();
	errno = saved;
}

void log_adopt_slots(size_t first, const int *fds, size_t n)
{
	int saved = errno;

	for (size_t i = 0; i < n; i++)
		log_park(first + i, fds[i]);
	log_adopt_parked();
	errno = saved;
}

static void log_busy(void)
{
	lb_busy = 1;
	atomic_signal_fence(memory_order_seq_cst);
}

/*
 * Leave the buffer. A reopen parked meanwhile is done now, with every
 * signal blocked so the handler cannot park more while the parked
 * descriptors are taken; a costly path, but one taken once per reopen.
 */
static void log_unbusy(void)
{
	sigset_t all, old;

	atomic_signal_fence(memory_order_seq_cst);
	lb_busy = 0;
	atomic_signal_fence(memory_order_seq_cst);
	if (!lb_pend)
		return;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, &old) < 0)
		return; /* cannot happen with a valid set; the next line retries */
	if (lb_pend)
		log_switch_parked();
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void log_init(int foreground)
{
	log_foreground = foreground;
}

static int log_open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* What log_open builds before it replaces the current tables. */
struct log_new {
	struct log_file *files;
	const char **paths;          /* each slot's file name, NULL: none */
	size_t nfiles;
	struct log_site *sites;
	size_t nsites;
	size_t *dirty;
	struct logfmt *fmts;         /* one per site */
	unsigned needs;
};

static void log_new_free(struct log_new *t, bool close_fds)
{
	for (size_t i = 0; close_fds && t->files && i < t->nfiles; i++)
		if (t->files[i].lf_fd >= 0)
			close(t->files[i].lf_fd);
	free(t->files);
	free(t->paths);
	free(t->sites);
	free(t->dirty);
	free(t->fmts);
}

/*
 * The slot of path (opened here the first time it is named; slot 0 and 1
 * are the top level's whatever they hold): two vhosts naming one file
 * share its descriptor. -1 with a message.
 */
static int log_new_slot(struct log_new *t, const struct conf *c, const struct conf_site *cs,
			const char *key, int top_slot, const char *path, int line,
			char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		if (t->paths[i] && strcmp(t->paths[i], path) == 0)
			return (int)i;
	i = top_slot >= 0 ? (size_t)top_slot : t->nfiles++;
	t->files[i] = (struct log_file){ .lf_fd = log_open_file(path), .lf_pend = -1 };
	t->paths[i] = path;
	if (t->files[i].lf_fd >= 0)
		return (int)i;
	if (cs == &c->site)
		snprintf(err, errlen, "%s:%d: cannot open %s '%s': %s", c->file, line, key, path,
			 strerror(errno));
	else
		snprintf(err, errlen, "%s:%d: vhost '%s': cannot open %s '%s': %s", c->file, line,
			 cs->server_name, key, path, strerror(errno));
	return -1;
}

/*
 * Compile a site's access_log_format once, here, so a request only renders
 * it. The configuration check compiled it already (a bad format is a
 * FILE:LINE error at -t), so this fails only for a conf built by hand.
 */
static int log_new_format(struct log_new *t, const struct conf *c, const struct conf_site *cs,
			  struct log_site *ls, char *err, size_t errlen)
{
	struct logfmt *f = &t->fmts[ls - t->sites];
	char why[256];

	if (logfmt_compile(f, cs->access_log_format ? cs->access_log_format : LOGFMT_DEFAULT,
			   why, sizeof(why)) < 0)
		return conf_error(c, cs->line, err, errlen, "access_log_format: %s", why);
	ls->ls_fmt = f;
	t->needs |= f->needs;
	return 0;
}

/* One site's slots: its own files, or the top level's error log; no access log without one. */
static int log_new_site(struct log_new *t, const struct conf *c, const struct conf_site *cs,
			struct log_site *ls, char *err, size_t errlen)
{
	int line_e = cs->lines.error_log ? cs->lines.error_log : cs->line;
	int line_a = cs->lines.access_log ? cs->lines.access_log : cs->line;
	bool top = cs == &c->site;

	ls->ls_err = LOG_SLOT_ERROR;
	ls->ls_acc = -1;
	if (log_new_format(t, c, cs, ls, err, errlen) < 0)
		return -1;
	if (cs->error_log &&
	    (ls->ls_err = log_new_slot(t, c, cs, "error_log", top ? LOG_SLOT_ERROR : -1, cs->error_log,
				       line_e, err, errlen)) < 0)
		return -1;
	if (cs->access_log &&
	    (ls->ls_acc = log_new_slot(t, c, cs, "access_log", top ? LOG_SLOT_ACCESS : -1, cs->access_log,
				       line_a, err, errlen)) < 0)
		return -1;
	return 0;
}

static int log_new_build(struct log_new *t, const struct conf *c, char *err, size_t errlen)
{
	/* At most two files per site, and the top level's two slots. */
	size_t max = LOG_SLOT_FIRST_VHOST + 2 * c->nvhosts;

	t->nsites = 1 + c->nvhosts;
	t->nfiles = LOG_SLOT_FIRST_VHOST;
	t->files = calloc(max, sizeof(*t->files));
	t->paths = calloc(max, sizeof(*t->paths));
	t->sites = calloc(t->nsites, sizeof(*t->sites));
	t->dirty = calloc(max, sizeof(*t->dirty));
	t->fmts = calloc(t->nsites, sizeof(*t->fmts));
	if (!t->files || !t->paths || !t->sites || !t->dirty || !t->fmts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < LOG_SLOT_FIRST_VHOST; i++)
		t->files[i] = (struct log_file){ .lf_fd = -1, .lf_pend = -1 };
	/* The top level's first: its files are slots 0 and 1 (log.h). */
	if (log_new_site(t, c, &c->site, &t->sites[0], err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < c->nvhosts; i++)
		if (log_new_site(t, c, &c->vhosts[i], &t->sites[1 + i], err, errlen) < 0)
			return -1;
	return 0;
}

int log_open(const struct conf *c, char *err, size_t errlen)
{
	struct log_new t = { 0 };

	if (log_new_build(&t, c, err, errlen) < 0) {
		log_new_free(&t, true);
		return -1;
	}
	log_close();
	free(t.paths); /* the conf's strings: only needed to share files */
	log_files = t.files;
	log_nfiles = t.nfiles;
	log_sites = t.sites;
	log_nsites = t.nsites;
	log_dirty = t.dirty;
	log_fmts = t.fmts;
	log_needs_any = t.needs;
	log_cur = 0;
	return 0;
}

void log_close(void)
{
	log_flush();
	for (size_t i = 0; i < log_nfiles; i++) {
		if (log_files[i].lf_fd >= 0)
			close(log_files[i].lf_fd);
		if (log_files[i].lf_pend >= 0)
			close(log_files[i].lf_pend);
		free(log_files[i].lf_buf);
	}
	if (log_files != log_boot_files) {
		free(log_files);
		free(log_sites);
		free(log_dirty);
	}
	free(log_fmts);
	log_fmts = NULL;
	log_needs_any = 0;
	for (size_t i = 0; i < LOG_SLOT_FIRST_VHOST; i++)
		log_boot_files[i] = (struct log_file){ .lf_fd = -1, .lf_pend = -1 };
	log_files = log_boot_files;
	log_nfiles = LOG_SLOT_FIRST_VHOST;
	log_sites = &log_boot_site;
	log_nsites = 1;
	log_dirty = log_boot_dirty;
	log_ndirty = 0;
	log_cur = 0;
	lb_pend = 0;
}

/* One write per line: O_APPEND makes it atomic with respect to other workers. */
static void log_write(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);
	(void)n; /* A log write that fails has nowhere to be reported. */
}

void log_error(enum log_level level, const char *fmt, ...)
{
	char line[2048], when[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	int n, m, fd;

	if (level > log_level)
		return;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Y", &tm);
	n = snprintf(line, sizeof(line), "[%s] [%s] [pid %d] ", when,
		     log_level_names[level], (int)getpid());
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	/* A longer message is cut, and the cut is marked, rather than lost. */
	if ((size_t)m >= sizeof(line) - (size_t)n - 1) {
		m = (int)(sizeof(line) - (size_t)n - 1);
		memcpy(line + n + m - 3, "...", 3);
	}
	n += m;
	line[n++] = '\n';
	/* A request's lines go to its site's own error log, when it has one (issue 9). */
	fd = log_files[log_sites[log_cur].ls_err].lf_fd;
	if (fd < 0)
		fd = log_error_fd();
	if (fd >= 0)
		log_write(fd, line, (size_t)n);
	if (fd < 0 || log_foreground)
		log_write(STDERR_FILENO, line, (size_t)n);
}

size_t log_escape(char *dst, size_t cap, const char *s, size_t len, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool plain = ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
		size_t w = plain ? 1 : ch == '"' || ch == '\\' ? 2 : 4;

		if (o + w > cap)
			break;
		if (plain) {
			dst[o++] = (char)ch;
		} else if (w == 2) {
			dst[o++] = '\\';
			dst[o++] = (char)ch;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		}
	}
	if (used)
		*used = i;
	return o;
}

static int64_t log_now_ms(void)
{
	struct timespec ts;

	/* The coarse clock is read without a system call (vDSO); a few ms of slack is nothing here. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_access_buffer(size_t cap)
{
	log_flush();
	log_busy();
	for (size_t i = 0; i < log_nfiles; i++) {
		free(log_files[i].lf_buf);
		log_files[i].lf_buf = NULL;
	}
	log_cap = cap;
	log_unbusy();
}

static void log_buf_dirty(struct log_file *f)
{
	if (f->lf_dirty)
		return;
	f->lf_dirty = true;
	log_dirty[log_ndirty++] = (size_t)(f - log_files);
}

/*
 * Write every file whose oldest line is LOG_FLUSH_MS old: a busy worker
 * that never waits still writes each file once a second, also the files
 * of the sites it no longer serves. Only the files with lines waiting are
 * looked at.
 */
static void log_buf_due(int64_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < log_ndirty; i++) {
		struct log_file *f = &log_files[log_dirty[i]];

		if (f->lf_len && now - f->lf_first_ms < LOG_FLUSH_MS) {
			log_dirty[k++] = log_dirty[i];
			continue;
		}
		log_buf_flush(f);
		f->lf_dirty = false;
	}
	log_ndirty = k;
}

/* Append a whole line to f's buffer, writing the buffer first when it would not fit. */
static void log_buf_put(struct log_file *f, const char *line, size_t n, int64_t now)
{
	if (f->lf_len + n > log_cap)
		log_buf_flush(f);
	if (!f->lf_buf && n <= log_cap)
		f->lf_buf = malloc(log_cap);
	if (n > log_cap || !f->lf_buf) {
		log_write(f->lf_fd, line, n); /* too big to buffer (or no memory): on its own, still whole */
	} else {
		if (f->lf_len == 0)
			f->lf_first_ms = now;
		memcpy(f->lf_buf + f->lf_len, line, n);
		f->lf_len += n;
		log_buf_dirty(f);
	}
	log_buf_due(now);
}

static void log_access_put(struct log_file *f, const char *line, size_t n)
{
	if (!log_cap) {
		log_write(f->lf_fd, line, n);
		return;
	}
	log_busy();
	log_buf_put(f, line, n, log_now_ms());
	log_unbusy();
}

void log_flush(void)
{
	log_busy();
	log_flush_all();
	log_unbusy();
}

int log_flush_due_ms(void)
{
	int64_t oldest = INT64_MAX, left;

	for (size_t i = 0; i < log_ndirty; i++) {
		const struct log_file *f = &log_files[log_dirty[i]];
		if (f->lf_len && f->lf_first_ms < oldest)
			oldest = f->lf_first_ms;
	}
	if (oldest == INT64_MAX)
		return -1;
	left = oldest + LOG_FLUSH_MS - log_now_ms();
	return left < 0 ? 0 : (int)left;
}

/* The format of a site without one (before log_open, or a hand-made conf): Combined. */
static const struct logfmt *log_combined(void)
{
	static struct logfmt f;
	static bool done;
	char err[64];

	if (!done)
		done = logfmt_compile(&f, LOGFMT_DEFAULT, err, sizeof(err)) == 0;
	return &f;
}

unsigned log_access_needs(void)
{
	const struct logfmt *f = log_sites[log_cur].ls_fmt;

	return f ? f->needs : 0;
}

unsigned log_access_needs_any(void)
{
	return log_needs_any;
}

void log_access(const struct log_access_rec *r)
{
	char line[LOGFMT_LINE_MAX];
	const struct log_site *ls = &log_sites[log_cur];
	struct log_file *f = ls->ls_acc >= 0 ? &log_files[ls->ls_acc] : NULL;

	if (!f || f->lf_fd < 0)
		return;
	log_access_put(f, line, logfmt_render(ls->ls_fmt ? ls->ls_fmt : log_combined(), r,
					      line, sizeof(line)));
}
