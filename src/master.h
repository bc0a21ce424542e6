/*
 * master — the supervising process.
 *
 * Contract: master_run() takes a loaded and checked configuration, does
 * everything that can fail at start-up (refusing a second instance,
 * document root, MIME table, identities, logs, binding every listen
 * address, detaching, pid file) and reports the first failure as
 * "FILE:LINE: message" with exit status 1 before any worker exists; a
 * detached start returns to the shell only once the pid file is written and
 * the pool is up, with the start's real exit status. The master keeps the
 * identity it started with (root, usually), so it can bind a new privileged
 * port and reopen root-owned logs on reload, and no CGI script can signal
 * it. Then it only supervises: signal handlers set flags, and the loop,
 * asleep in ppoll() on the pool's wake pipe, reaps and adjusts the pool
 * (pool.h), reloads (HUP), reopens the logs (USR1), stops gracefully (QUIT,
 * bounded by timeouts.graceful) or at once (TERM, INT). The master never
 * touches a request.
 */
#ifndef PFHTTPD_MASTER_H
#define PFHTTPD_MASTER_H

#include <stdbool.h>

struct conf;

/*
 * conf: loaded from path (a reload reads path again); the master owns it
 * from here and frees it. cmdline: shown in the master's process title.
 * Returns the process exit status.
 */
int master_run(struct conf *conf, const char *path, bool foreground, const char *cmdline);

#endif
