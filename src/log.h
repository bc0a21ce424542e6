/*
 * log — the error log and the access log.
 *
 * Contract: log_open() is called by the master before forking, so every
 * worker inherits the same O_APPEND descriptors; each line is formatted
 * whole and written with one write(2), so lines from different workers never
 * interleave. Error-log lines read "[Sun Nov 22 01:19:50 2026] [error] [pid
 * 123] message"; access-log lines are in Combined Log Format. Writing a log
 * line never fails the caller: a failed write is dropped (there is nowhere
 * left to report it). The descriptors live in one place, so reopening them
 * on SIGUSR1 (log rotation, a later issue) is a small step.
 */
#ifndef PFHTTPD_LOG_H
#define PFHTTPD_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct conf;

enum log_level { LOG_ERR, LOG_WARN, LOG_NOTICE, LOG_INFO };

/* Before log_open(): lines go to stderr only. foreground: copy every error-log line to stderr too. */
void log_init(int foreground);

/* Open the configured logs. 0, or -1 with "FILE:LINE: message" in err. */
int log_open(const struct conf *c, char *err, size_t errlen);

void log_close(void);

void log_error(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One request as the access log records it. Strings may be NULL ("-"). */
struct log_access_rec {
	const char *client;          /* remote address */
	time_t when;                 /* when the request arrived */
	const char *request_line;    size_t request_line_len;
	int status;
	uint64_t bytes;              /* body bytes sent */
	const char *referer;         size_t referer_len;
	const char *user_agent;      size_t user_agent_len;
};

void log_access(const struct log_access_rec *r);

#endif
