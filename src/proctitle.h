/*
 * proctitle — process titles as nginx sets them ("pfhttpd: master process
 * ...", "pfhttpd: worker process", "pfhttpd: keeper process"), so ps and
 * top tell the processes apart.
 *
 * Contract: proctitle_init() must be called first thing in main(), with
 * main's argc and argv: it moves the environment strings to the heap so the
 * memory after argv can hold a title longer than the command line. After
 * that, argv[] must not be read again (copy what is needed first).
 * proctitle_set() rewrites that memory; /proc/PID/cmdline then reads the
 * title. It cannot fail: a title longer than the space is cut.
 */
#ifndef PFHTTPD_PROCTITLE_H
#define PFHTTPD_PROCTITLE_H

void proctitle_init(int argc, char **argv);

void proctitle_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
