/*
 * unit_log — for suites that assert on error-log lines: the process's
 * error log becomes an unlinked temporary file (unit_log_capture), read
 * back whole from its start (unit_log_text). Shared by check_body and
 * check_conn.
 */
#ifndef PFHTTPD_TESTS_UNIT_LOG_H
#define PFHTTPD_TESTS_UNIT_LOG_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

static inline void unit_log_capture(void)
{
	char path[] = "/tmp/pfhttpd-unit-log.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	log_init(0);
	log_adopt(fd, -1); /* no error log yet: takes fd as it is */
}

/* What the error log holds so far; valid until the next call. */
static inline const char *unit_log_text(void)
{
	static char buf[8192];
	ssize_t n = pread(log_error_fd(), buf, sizeof(buf) - 1, 0);

	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

#endif
