/*
 * scoreboard — per-worker state in memory shared by the master and workers.
 *
 * Contract: the master creates it once (anonymous MAP_SHARED mapping, so it
 * survives fork and needs no file) with one slot per possible worker
 * (workers.max). The master owns slot assignment (pid); each worker writes
 * only its own slot's state and counters. Readers may see a slot mid-update;
 * fields are individually word-sized, which is all the pool logic and a
 * status view need.
 */
#ifndef PFHTTPD_SCOREBOARD_H
#define PFHTTPD_SCOREBOARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

enum sb_state {
	SB_EMPTY = 0,   /* no worker in this slot */
	SB_STARTING,
	SB_IDLE,        /* waiting in accept */
	SB_READING,     /* reading a request */
	SB_WRITING,     /* sending a response */
	SB_KEEPALIVE,   /* waiting for the next request on a connection */
	SB_CGI,         /* running a CGI script */
	SB_STOPPING,
};

struct sb_slot {
	volatile pid_t pid;
	volatile int state;          /* enum sb_state */
	volatile uint64_t requests;  /* served by this worker */
	volatile time_t started;
	volatile time_t last_change;
};

struct scoreboard {
	struct sb_slot *slots;
	size_t nslots;
};

int scoreboard_create(struct scoreboard *sb, size_t nslots);
void scoreboard_destroy(struct scoreboard *sb);

/* The first empty slot, or -1. */
int scoreboard_free_slot(const struct scoreboard *sb);

/* The slot of pid, or -1. */
int scoreboard_find(const struct scoreboard *sb, pid_t pid);

#endif
