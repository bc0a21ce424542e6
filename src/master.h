/*
 * master — the supervising process.
 *
 * Contract: master_run() takes a loaded configuration, does everything that
 * can fail at start-up (MIME table, document root, logs, binding every
 * listen address, detaching, pid file, dropping privileges) and reports the
 * first failure as "FILE:LINE: message" with exit status 1 before any worker
 * exists. Then it forks workers.start workers and only supervises: signal
 * handlers set flags, and the loop, sleeping in sigsuspend(), reaps and
 * replaces workers (logging pid and signal) and stops the pool. The master
 * never touches a request.
 */
#ifndef PFHTTPD_MASTER_H
#define PFHTTPD_MASTER_H

#include <stdbool.h>

struct conf;

/* Returns the process exit status. */
int master_run(struct conf *conf, bool foreground);

#endif
