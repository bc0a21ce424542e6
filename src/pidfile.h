/*
 * pidfile — the pid file: who is running, written so nobody sees half of it.
 *
 * Contract: pidfile_write() writes "PID\n" to a temporary file beside path
 * and renames it into place, so a reader sees the old file or the whole new
 * one. pidfile_running() tells whether the file names a live pfhttpd (its
 * /proc comm is "pfhttpd"), so a stale file left by a crash, whose pid a
 * later process reused, does not stop a start. Messages go to err.
 */
#ifndef PFHTTPD_PIDFILE_H
#define PFHTTPD_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

/* 0, or -1 with a message. */
int pidfile_write(const char *path, pid_t pid, char *err, size_t errlen);

/* The pid in the file, or 0 (no file, or no number: message in err), or -1 on another error. */
pid_t pidfile_read(const char *path, char *err, size_t errlen);

/* The pid of the live pfhttpd the file names, or 0. */
pid_t pidfile_running(const char *path);

#endif
