/*
 * scoreboard — the pool's shared state: one slot per worker plus a few
 * server-wide counters, in memory shared by the master, the workers, the
 * keeper and (read-only use) the status page.
 *
 * Contract: the master creates it once (anonymous MAP_SHARED mapping, so it
 * survives fork and needs no file) with SB_MAX_SLOTS slots, the ceiling of
 * workers.max, so a reload that raises workers.max needs no new mapping.
 * The master owns slot assignment (pid, generation); each worker writes only
 * its own slot's state and counters; the keeper writes only keeper_conns.
 * Readers may see a slot mid-update: every field is word-sized except the
 * request line, which a reader copies and NUL-terminates itself. The idle
 * count is the one field several processes change: it is atomic, so the
 * worker that takes the last idle place can tell at once and wake the master.
 */
#ifndef PFHTTPD_SCOREBOARD_H
#define PFHTTPD_SCOREBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SB_MAX_SLOTS 4096            /* = the largest workers.max conf accepts */
#define SB_LINE_MAX 128              /* request line kept for the status page */

enum sb_state {
	SB_EMPTY = 0,   /* no worker in this slot */
	SB_STARTING,
	SB_IDLE,        /* waiting in accept */
	SB_READING,     /* reading a request */
	SB_WRITING,     /* sending a response */
	SB_KEEPALIVE,   /* waiting briefly for the next request on a connection */
	SB_CGI,         /* running a CGI script */
	SB_STOPPING,    /* told to finish and exit (reload, shrink, stop) */
};

struct sb_slot {
	volatile pid_t pid;
	volatile int state;           /* enum sb_state */
	volatile unsigned generation; /* configuration generation it was forked with */
	volatile uint64_t requests;   /* served by this worker */
	volatile uint64_t bytes;      /* body bytes sent by this worker */
	volatile time_t started;
	volatile int64_t started_ms;  /* conn_now_ms() at fork: tells a start-up crash */
	volatile time_t last_change;
	volatile int idle_counted;    /* the worker is counted in sb_global.idle */
	volatile int retiring;        /* the master told it to finish (reload, shrink) */
	char request[SB_LINE_MAX];    /* request line in progress; may be mid-update */
};

struct sb_global {
	volatile time_t started;            /* when the master started */
	volatile unsigned generation;       /* 1 at start, +1 per successful reload */
	volatile uint64_t requests_gone;    /* requests of workers that have exited */
	volatile uint64_t bytes_gone;       /* their body bytes */
	volatile int keeper_conns;          /* connections the keeper holds now */
	volatile pid_t keeper_pid;
	int idle;                           /* current-generation idle workers (atomic) */
};

struct scoreboard {
	struct sb_global *g;
	struct sb_slot *slots;
	size_t nslots;
};

/* 0, or -1 with errno. */
int scoreboard_create(struct scoreboard *sb);
void scoreboard_destroy(struct scoreboard *sb);

/* The first empty slot, or -1. */
int scoreboard_free_slot(const struct scoreboard *sb);

/* The slot of pid, or -1. */
int scoreboard_find(const struct scoreboard *sb, pid_t pid);

/* Copy the slot's request line, NUL-terminated, into out (SB_LINE_MAX bytes). */
void scoreboard_request_line(const struct sb_slot *s, char *out);

/* A worker records the request line it starts serving (cut to fit). */
void scoreboard_set_request(struct sb_slot *s, const char *line, size_t len);

/* Atomic idle count: +1 / -1; each returns the count after the change. */
int scoreboard_idle_add(struct scoreboard *sb, int delta);

/* Short name of a state for the status page ("idle", "reading", ...). */
const char *scoreboard_state_name(int state);

#endif
