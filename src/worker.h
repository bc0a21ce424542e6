/*
 * worker — one process of the pool: take connections from the listening
 * sockets or from the keeper and serve them, one at a time, until told to
 * stop or workers.max_requests is reached.
 *
 * Contract: runs in a freshly forked child that already has its identity
 * and is tied to the master's life (pool.c does both); never returns (exits 0 when it stops cleanly).
 * Resets the signal dispositions and mask the master set. Writes only its
 * own scoreboard slot and the shared idle and seat counts. It waits for
 * work in exactly one place, its own epoll over the keeper's dispatch
 * socket, registered EPOLLEXCLUSIVE so that one handed-back connection
 * wakes one idle worker, the keep-alive connections it parked there
 * between requests (park.h), served together when it wakes, and either
 * the listening sockets (EPOLLEXCLUSIVE too) while it holds one of the
 * seats, one per CPU, or the bell that says a seat is free. It serves one
 * request at a time; once it has waited CONN_HOLD_MS for anything else (a
 * slow client, a script) it gives its seat to an idle worker, and as it
 * starts a script or waits that long it hands what it holds parked to the
 * keeper, as it does a connection idle for a second or a head still
 * arriving. Signals:
 * TERM/INT stop at once, QUIT finishes the request in flight and closes
 * (parked connections too, as the keeper closes its own), WINCH finishes it
 * and hands the connection and the parked ones to the keeper (reload, a
 * shrinking pool), USR1 adopts the log descriptors the master sent on ctl.
 * Its access-log lines are buffered (log.h): the wait wakes to write them
 * within a second, and every way out writes them first.
 */
#ifndef PFHTTPD_WORKER_H
#define PFHTTPD_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct site;
struct sb_slot;
struct scoreboard;

struct worker_args {
	const struct site *site;
	const int *lfds;             /* listening sockets */
	const bool *lproxy;          /* per socket: expects a PROXY header first; NULL: none does */
	size_t nlfds;
	struct scoreboard *sb;
	struct sb_slot *slot;        /* this worker's */
	int inbox;                   /* send end: connections to the keeper, or -1 */
	int outbox;                  /* receive end: connections from the keeper, or -1 */
	int ctl;                     /* from the master (CTL_LOGS), or -1 */
	int wake;                    /* write end: "idle workers run short", or -1 */
	int bell;                    /* eventfd: "a seat on the listening sockets is free" (worker.c) */
};

void worker_main(const struct worker_args *a) __attribute__((noreturn));

#endif
