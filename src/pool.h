/*
 * pool — the master's children: the workers and the connection keeper.
 *
 * Contract: the master's only view of its children. pool_adjust() forks
 * what is missing (workers.start at first, then enough to keep
 * workers.min_spare idle workers of the current generation, never more than
 * workers.max of them) and retires one surplus idle worker a second above
 * workers.max_spare; pool_reap() collects exits, logs the ones that are not
 * routine, and backs off when workers die at start-up again and again. The
 * master learns within milliseconds that idle workers run short: the
 * worker that takes the last spare place writes a byte to the wake pipe,
 * which the master polls. Each child gets a control socket (ctl.h) for log
 * descriptors; the keeper also gets the current generation's dispatch socket.
 * Workers share the bell, an eventfd rung when a seat on the listening
 * sockets is free (worker.c); the master sets how many seats there are
 * (the CPUs it may run on, at most workers.max) and gives back the seat of
 * a worker that exits holding one.
 * The pool never touches a request.
 */
#ifndef PFHTTPD_POOL_H
#define PFHTTPD_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "identity.h"
#include "request.h"
#include "scoreboard.h"

/* What the children of one configuration generation are forked with. */
struct pool_gen {
	unsigned generation;
	struct conf *conf;
	struct site site;            /* the top level's; it leads to the vhosts' */
	struct site *vsites;         /* one per conf->vhosts[i], or NULL */
	struct vhost_table *vtab;    /* their lookup table (heap: a pool_gen is copied), or NULL */
	struct mime_table *mime;
	int *lfds;                   /* listening sockets */
	bool *lproxy;                /* per socket: a proxy_protocol.listen one (expects a PROXY header) */
	size_t nlfds;
	struct identity id;
	int outbox[2];               /* [0] the keeper sends, [1] this generation's workers receive */
};

#define POOL_MAX_OLD 16              /* generations still finishing at once */

struct pool {
	struct scoreboard sb;
	int ctl[SB_MAX_SLOTS];       /* the master's end of each worker's control socket */
	int inbox[2];                /* [0] the keeper receives, [1] workers send */
	int wake[2];                 /* [0] the master reads, [1] workers write */
	int bell;                    /* eventfd: a seat on the listening sockets is free (worker.c) */
	int ncpu;                    /* CPUs the pool may run on: the seats (pool_adjust) */
	pid_t master;
	pid_t keeper;
	int keeper_ctl;
	int64_t keeper_after_ms;     /* no keeper restart before (a crash loop) */
	struct {
		unsigned gen;
		int fd;                  /* its outbox's receive end */
		int64_t deadline_ms;     /* timeouts.graceful after the reload: then SIGTERM */
		bool stopped;
	} old[POOL_MAX_OLD];         /* earlier generations still finishing */
	size_t nold;
	int backoff_ms;              /* start-up crash back-off, 0 when healthy */
	int64_t spawn_after_ms;      /* no worker fork before */
	int64_t spare_check_ms;      /* short of spares but flowing: look again then (pool_grow); 0 none */
	int64_t shrink_after_ms;     /* next chance to retire a surplus idle worker */
	bool surplus;                /* more than workers.max_spare idle at the last look */
	bool started;                /* workers.start has been forked once */
	struct rlimit nofile;        /* as the master started: what workers and scripts get */
	bool stopping;
	unsigned generation;         /* the current one, as pool_adjust was last given */
};

/* 0, or -1 with a message. */
int pool_init(struct pool *p, char *err, size_t errlen);
void pool_free(struct pool *p);

/* A new generation's dispatch socket pair. 0 or -1 with a message. */
int pool_gen_outbox(struct pool_gen *g, char *err, size_t errlen);

/* Fork what is missing, retire what is surplus. */
void pool_adjust(struct pool *p, const struct pool_gen *g);

/* Collect every exited child. */
void pool_reap(struct pool *p);

/*
 * A reload: the keeper switches to g's outbox and every worker of an older
 * generation is told to finish and exit, within g's timeouts.graceful (then
 * it is stopped); the previous outbox's receive end is kept until its
 * workers are gone, so no connection is lost in it.
 */
void pool_new_generation(struct pool *p, const struct pool_gen *g, const struct pool_gen *prev);

/* Send the current log descriptors to every child (SIGUSR1 / log_reopen). */
void pool_send_logs(struct pool *p);

/* Signal every child (workers of all generations and the keeper). */
void pool_signal(struct pool *p, int sig);

/* Children still alive. */
size_t pool_alive(const struct pool *p);

/* Milliseconds until pool_adjust() has something timed to do, or -1. */
int pool_timeout_ms(const struct pool *p);

/* Drain the wake pipe. */
void pool_drain_wake(struct pool *p);

#endif
