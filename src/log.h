/*
 * log — the error log and the access log.
 *
 * Contract: log_open() is called by the master before forking, so every
 * worker inherits the same O_APPEND descriptors; each line is formatted
 * whole and written with one write(2), so lines from different workers never
 * interleave. Error-log lines read "[Sun Nov 22 01:19:50 2026] [error] [pid
 * 123] message"; access-log lines are in each site's access_log_format
 * (logfmt.h; default Combined Log Format), compiled once in log_open(). Writing a log
 * line never fails the caller: a failed write is dropped (there is nowhere
 * left to report it). Reopening (SIGUSR1, logrotate): the master opens the
 * files anew and sends the descriptors to every child, which adopts them in
 * place (log_adopt), so lines written after the signal land in the new files.
 * Buffered access log (log_access_buffer, what a worker uses): lines are
 * gathered and written together, as Apache's BufferedLogs and nginx's
 * "access_log ... buffer=" do, whole lines only, so O_APPEND still keeps
 * every line whole; a line waits at most LOG_FLUSH_MS before it is written
 * (the caller's idle wait wakes by log_flush_due_ms()), and log_adopt()
 * writes what is buffered to the old file before it switches.
 * Error-log lines are never buffered.
 *
 * Virtual hosts (issue 9): every distinct file the top level and the vhosts
 * name is opened once, in a table of slots (0: the top level's error log,
 * 1: its access log, then the vhosts' own files); each access file has its
 * own buffer. While a request is served (log_set_site), its access line goes
 * to its site's access log, and its error lines to the site's own error
 * log when it names one, else the top level's; every other line (the
 * master, the keeper, a worker between requests) is the top level's.
 * log_adopt_slots() reopens the vhosts' files as log_adopt() does the top
 * level's.
 */
#ifndef PFHTTPD_LOG_H
#define PFHTTPD_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct conf;

/* As Apache's LogLevel and nginx's error_log level; a client's own error (404) is LOG_INFO. */
enum log_level { LOG_ERR, LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

/* Before log_open(): lines go to stderr only. foreground: copy every error-log line to stderr too. */
void log_init(int foreground);

/* Open the configured logs. 0, or -1 with "FILE:LINE: message" in err. */
int log_open(const struct conf *c, char *err, size_t errlen);

void log_close(void);

/* Lines less severe than level are dropped (default LOG_NOTICE). */
void log_set_level(enum log_level level);

/*
 * Make the given descriptors the error and access log, in place of the
 * current ones, keeping the descriptor numbers (dup3), so nothing that holds
 * them needs telling; a fd of -1 leaves that log as it is. Takes ownership
 * of the fds. Async-signal-safe: a worker calls it from its SIGUSR1 handler.
 */
void log_adopt(int err_fd, int acc_fd);

/* The current descriptors (-1: none), for the master to send to a child. */
int log_error_fd(void);
int log_access_fd(void);

/* The slots of the file table (log_open): the top level's two, then the vhosts' files. */
enum { LOG_SLOT_ERROR = 0, LOG_SLOT_ACCESS = 1, LOG_SLOT_FIRST_VHOST = 2 };

/* How many slots the table has, and one slot's descriptor (-1: none). */
size_t log_slots(void);
int log_slot_fd(size_t slot);

/*
 * As log_adopt, for the n slots from first (fds[i] -1: leave it). A slot
 * the table does not have gets its descriptor closed. Async-signal-safe.
 */
void log_adopt_slots(size_t first, const int *fds, size_t n);

/*
 * The site whose lines follow: 0 the top level, 1 + i conf.vhosts[i] (a
 * number the table does not have: the top level). request.c sets it once
 * the site is known and puts 0 back when the request is logged.
 */
void log_set_site(size_t site);

void log_error(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Copy s[0..len) to dst (room for cap bytes; no NUL is added) with '"' and
 * '\\' escaped as \" and \\, and every other byte outside printable ASCII
 * (CR, LF, ESC, DEL, bytes >= 0x80) as \xHH, as Apache's ap_escape_logitem
 * does: nothing a client or a script writes can end a log line, forge
 * another, or reach an administrator's terminal as a control sequence.
 * Stops before an item that would not fit, so an escape is never cut; *used
 * (if not NULL) is the number of bytes of s taken. Returns the bytes written.
 */
size_t log_escape(char *dst, size_t cap, const char *s, size_t len, size_t *used);

/* One request as the access log records it. Strings may be NULL ("-"). */
struct log_access_rec {
	const char *client;          /* remote address */
	time_t when;                 /* when the request arrived */
	const char *request_line;    size_t request_line_len;
	const char *user;            /* the authenticated user (Basic auth), NUL-ended; NULL: "-" */
	int status;
	uint64_t bytes;              /* body bytes sent */
	const char *referer;         size_t referer_len;
	const char *user_agent;      size_t user_agent_len;
	/*
	 * Beyond Combined: what access_log_format's other directives read
	 * (logfmt.h). The caller fills what log_access_needs() asks for; the
	 * rest may stay 0 / NULL ("-").
	 */
	const char *server_name;     /* %v: the site's server_name */
	int port;                    /* %p: the port the request came in on; 0: "-" */
	int client_port;             /* %{remote}p */
	int pid;                     /* %P (LOGFMT_NEED_PID) */
	uint64_t usec;               /* %D %T: from the request's first byte to its log line (LOGFMT_NEED_USEC) */
	/* %{X}i, %{X}o, %{X}e (LOGFMT_NEED_LOOKUP): X's value for kind 'i' (a request
	 * field), 'o' (a response field) or 'e' (a CGI variable), NULL if none; *len set. */
	const char *(*lookup)(void *ctx, char kind, const char *name, size_t *len);
	void *ctx;
};

void log_access(const struct log_access_rec *r);

/*
 * What the current site's access_log_format needs beyond Combined's fields
 * (logfmt.h's LOGFMT_NEED_*), so the caller computes nothing the line does
 * not show; log_access_needs_any(): the union over every site, for what
 * must be noted before the site is known (the request's start).
 */
unsigned log_access_needs(void);
unsigned log_access_needs_any(void);

/* The longest an access-log line waits in the buffer: the issue allows one second. */
#define LOG_FLUSH_MS 1000

/*
 * Buffer access-log lines, cap bytes (0: write each line at once, the
 * default). What was buffered is written first. A line longer than cap is
 * written on its own; a line never straddles two writes.
 */
void log_access_buffer(size_t cap);

/* Write the buffered access-log lines now (idle timeout, reopen, exit). */
void log_flush(void);

/* Milliseconds until the buffered lines must be written (0: now), or -1: nothing buffered. */
int log_flush_due_ms(void);

#endif
