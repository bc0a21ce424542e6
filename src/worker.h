/*
 * worker — one process of the pool: accept connections on the inherited
 * listening sockets and serve them, one at a time, until told to stop or
 * workers.max_requests is reached.
 *
 * Contract: runs in a freshly forked child; never returns (exits 0 when it
 * stops cleanly). Resets the signal dispositions and mask the master set.
 * Writes only its own scoreboard slot. A worker waits for new connections
 * in exactly one place, a poll() over all listening sockets.
 */
#ifndef PFHTTPD_WORKER_H
#define PFHTTPD_WORKER_H

#include <stddef.h>
#include <sys/types.h>

struct site;
struct sb_slot;

/* master: the pid of the master, which the worker must not outlive. */
void worker_main(const struct site *site, const int *lfds, size_t nlfds,
		 struct sb_slot *slot, pid_t master) __attribute__((noreturn));

#endif
