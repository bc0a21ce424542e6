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

#include <stdatomic.h>

static int log_err_fd = -1;     /* -1: stderr only */
static int log_acc_fd = -1;     /* -1: no access log */
static int log_foreground = 1;
static enum log_level log_level = LOG_NOTICE;

/*
 * The access-log buffer (log_access_buffer), as Apache's BufferedLogs and
 * nginx's "access_log ... buffer=": whole lines only, written together.
 * lb_busy marks the main flow inside the buffer; log_adopt(), which a
 * worker calls from its SIGUSR1 handler, must not write or switch the
 * file under it then, so it parks the new descriptors in lb_pend_* and
 * the main flow adopts them when it leaves (log_unbusy).
 */
static struct {
	char *buf;               /* allocated on the first line: memory only where used */
	size_t cap;              /* 0: unbuffered */
	size_t len;
	int64_t first_ms;        /* when the oldest line in buf came */
} lb;
static volatile sig_atomic_t lb_busy, lb_pend;
static int lb_pend_err = -1, lb_pend_acc = -1;

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
	return log_err_fd;
}

int log_access_fd(void)
{
	return log_acc_fd;
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

/* Write the buffered lines, in one write(2). */
static void log_buf_flush(void)
{
	if (lb.len && log_acc_fd >= 0)
		log_write(log_acc_fd, lb.buf, lb.len);
	lb.len = 0;
}

/* Lines buffered before a reopen belong to the old file: write them, then switch. */
static void log_switch(int err_fd, int acc_fd)
{
	log_buf_flush();
	log_adopt_one(&log_err_fd, err_fd);
	log_adopt_one(&log_acc_fd, acc_fd);
}

/* Keep only the newest descriptors a reopen sent: the older ones name older files. */
static void log_park(int *slot, int fd)
{
	if (fd < 0)
		return;
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* Adopt what is parked: the newest descriptors of every reopen since. */
static void log_switch_parked(void)
{
	log_switch(lb_pend_err, lb_pend_acc);
	lb_pend_err = lb_pend_acc = -1;
	lb_pend = 0;
}

void log_adopt(int err_fd, int acc_fd)
{
	int saved = errno;

	log_park(&lb_pend_err, err_fd);
	log_park(&lb_pend_acc, acc_fd);
	lb_pend = 1;
	/*
	 * Outside the buffer: switch now. (A handler that comes between
	 * log_unbusy's lb_busy = 0 and its own check takes what was parked
	 * with it, so older descriptors can never be adopted after newer ones.)
	 */
	if (!lb_busy)
		log_switch_parked();
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

int log_open(const struct conf *c, char *err, size_t errlen)
{
	int efd = -1, afd = -1;

	if (c->site.error_log && (efd = log_open_file(c->site.error_log)) < 0) {
		snprintf(err, errlen, "%s:%d: cannot open error_log '%s': %s",
			 c->file, c->site.lines.error_log, c->site.error_log, strerror(errno));
		goto fail;
	}
	if (c->site.access_log && (afd = log_open_file(c->site.access_log)) < 0) {
		snprintf(err, errlen, "%s:%d: cannot open access_log '%s': %s",
			 c->file, c->site.lines.access_log, c->site.access_log, strerror(errno));
		goto fail;
	}
	log_close();
	log_err_fd = efd;
	log_acc_fd = afd;
	return 0;
fail:
	if (efd >= 0)
		close(efd);
	return -1;
}

void log_close(void)
{
	log_flush();
	if (log_err_fd >= 0)
		close(log_err_fd);
	if (log_acc_fd >= 0)
		close(log_acc_fd);
	log_err_fd = log_acc_fd = -1;
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
	int n, m;

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
	if (log_err_fd >= 0)
		log_write(log_err_fd, line, (size_t)n);
	if (log_err_fd < 0 || log_foreground)
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

/* A header value in the access log: escaped, or "-" when absent. */
static size_t log_field(char *dst, size_t cap, const char *s, size_t len)
{
	if (!s) {
		if (cap > 1)
			dst[0] = '-';
		return cap > 1;
	}
	return log_escape(dst, cap, s, len, NULL);
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
	free(lb.buf);
	lb.buf = NULL;
	lb.cap = cap;
	log_unbusy();
}

/* Append a whole line, writing the buffer first when it would not fit. */
static void log_buf_put(const char *line, size_t n, int64_t now)
{
	if (lb.len + n > lb.cap)
		log_buf_flush();
	if (!lb.buf && n <= lb.cap)
		lb.buf = malloc(lb.cap);
	if (n > lb.cap || !lb.buf) {
		log_write(log_acc_fd, line, n); /* too big to buffer (or no memory): on its own, still whole */
		return;
	}
	if (lb.len == 0)
		lb.first_ms = now;
	memcpy(lb.buf + lb.len, line, n);
	lb.len += n;
	if (now - lb.first_ms >= LOG_FLUSH_MS)
		log_buf_flush(); /* a busy worker that never waits still writes once a second */
}

static void log_access_put(const char *line, size_t n)
{
	if (!lb.cap) {
		log_write(log_acc_fd, line, n);
		return;
	}
	log_busy();
	log_buf_put(line, n, log_now_ms());
	log_unbusy();
}

void log_flush(void)
{
	log_busy();
	log_buf_flush();
	log_unbusy();
}

int log_flush_due_ms(void)
{
	int64_t left;

	if (!lb.len)
		return -1;
	left = lb.first_ms + LOG_FLUSH_MS - log_now_ms();
	return left < 0 ? 0 : (int)left;
}

void log_access(const struct log_access_rec *r)
{
	char line[4096 * 3], when[40], bytes[24];
	struct tm tm;
	size_t n;

	if (log_acc_fd < 0)
		return;
	localtime_r(&r->when, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm);
	if (r->bytes)
		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)r->bytes);
	else
		strcpy(bytes, "-");
	n = (size_t)snprintf(line, sizeof(line), "%s - ", r->client ? r->client : "-");
	/* Combined's %u: the client chose the name, so it is escaped like any client text. */
	n += log_field(line + n, 1024, r->user, r->user ? strlen(r->user) : 0);
	n += (size_t)snprintf(line + n, sizeof(line) - n, " [%s] \"", when);
	n += log_field(line + n, 4096, r->request_line, r->request_line_len);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\" %d %s \"", r->status, bytes);
	n += log_field(line + n, 2048, r->referer, r->referer_len);
	line[n++] = '"'; line[n++] = ' '; line[n++] = '"';
	n += log_field(line + n, 2048, r->user_agent, r->user_agent_len);
	line[n++] = '"';
	line[n++] = '\n';
	log_access_put(line, n);
}
