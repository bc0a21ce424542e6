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
 * The seat count (how many workers wait on the listening sockets, worker.c)
 * is the other: workers take and give seats with compare-and-swap, never
 * beyond seats_max nor below 0. A worker sets its slot's seated flag before
 * it takes a seat and clears it after it gives one back, so the master can
 * give back the seat of a worker that died holding it; a death between the
 * two steps errs towards one seat more, never one fewer.
 *
 * The address table counts each client address's open connections for
 * limits.connections_per_ip, wherever they are (a worker, the keeper, a
 * hand-off queue): a connection is counted once when a worker accepts it
 * and uncounted once when it is finally closed, by whichever process holds
 * it then; a hand-off moves it without a change. Workers, the keeper and
 * the master change it under one process-shared robust mutex, so a process
 * killed inside cannot wedge the rest. A worker notes the address it holds
 * a count for in its slot, so the master can give back the count of a
 * worker that died holding a connection; a keeper that dies takes its
 * counts with it (the master clears the table: it errs towards admitting).
 */
#ifndef PFHTTPD_SCOREBOARD_H
#define PFHTTPD_SCOREBOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#define SB_MAX_SLOTS 4096            /* = the largest workers.max conf accepts */
#define SB_LINE_MAX 128              /* request line kept for the status page */
#define SB_IP_SLOTS 65536            /* client addresses counted at once (limits.connections_per_ip) */
#define SB_IP_KEY 16                 /* an address as IPv6; IPv4 as ::ffff:a.b.c.d */

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
	volatile int ip_held;         /* the worker holds a count in the address table for ip_key */
	uint8_t ip_key[SB_IP_KEY];
	volatile int seated;          /* the worker may hold one of sb_global.seats (worker.c) */
};

struct sb_global {
	volatile time_t started;            /* when the master started */
	volatile unsigned generation;       /* 1 at start, +1 per successful reload */
	volatile uint64_t requests_gone;    /* requests of workers that have exited */
	volatile uint64_t bytes_gone;       /* their body bytes */
	volatile int keeper_conns;          /* connections the keeper holds now */
	volatile pid_t keeper_pid;
	int idle;                           /* current-generation idle workers (atomic) */
	volatile unsigned slots_used;       /* slots ever taken: every one from here on is empty */
	volatile int64_t last_take_ms;      /* conn_now_ms() when a worker last left idle (pool_grow) */
	int seats;                          /* workers waiting on the listening sockets (atomic) */
	volatile int seats_max;             /* how many may: the CPUs the master may run on (pool.c) */
};

/* One address and its open connections; count 0: a free entry. */
struct sb_ip {
	uint8_t key[SB_IP_KEY];
	uint32_t count;
};

/* Open addressing with linear probing; deletion shifts back, so no tombstones pile up. */
struct sb_iptab {
	pthread_mutex_t lock;
	uint64_t seed;                      /* random: addresses chosen to collide cannot be */
	uint32_t used;                      /* entries with a count */
	struct sb_ip ent[SB_IP_SLOTS];
};

struct scoreboard {
	struct sb_global *g;
	struct sb_slot *slots;
	size_t nslots;
	struct sb_iptab *ips;
};

/* 0, or -1 with errno. */
int scoreboard_create(struct scoreboard *sb);
void scoreboard_destroy(struct scoreboard *sb);

/*
 * The first empty slot, or -1. Slots are taken lowest first and the scans
 * stop at g->slots_used, so an idle master never reads (and so never maps)
 * the pages of the thousands of slots a small pool does not use.
 */
int scoreboard_free_slot(const struct scoreboard *sb);

/* The slot of pid, or -1. */
int scoreboard_find(const struct scoreboard *sb, pid_t pid);

/* How many slots a scan must look at: those ever taken. */
static inline size_t scoreboard_used(const struct scoreboard *sb)
{
	return sb->g->slots_used;
}

/* Copy the slot's request line, NUL-terminated, into out (SB_LINE_MAX bytes). */
void scoreboard_request_line(const struct sb_slot *s, char *out);

/* A worker records the request line it starts serving (cut to fit). */
void scoreboard_set_request(struct sb_slot *s, const char *line, size_t len);

/* Atomic idle count: +1 / -1; each returns the count after the change. */
int scoreboard_idle_add(struct scoreboard *sb, int delta);

/* Take a seat if fewer than seats_max are taken: true when taken. */
bool scoreboard_seat_take(struct scoreboard *sb);

/* Give a seat back and ring bell (an eventfd), so that an idle worker takes it; nothing when none is taken. */
void scoreboard_seat_give(struct scoreboard *sb, int bell);

/* The table key of a peer address (IPv4-mapped IPv6 counts as its IPv4). false: not IP. */
bool scoreboard_ip_key(const struct sockaddr_storage *ss, uint8_t key[SB_IP_KEY]);

/*
 * Count one more connection from key, unless it holds limit already:
 * 1 counted; 0 refused, *count set to what it holds; -1 not counted (the
 * table is full or its lock failed, logged): admit the client uncounted.
 */
int scoreboard_ip_take(struct sb_iptab *t, const uint8_t key[SB_IP_KEY], int limit, int *count);

/* Uncount one connection from key (nothing when key holds none). */
void scoreboard_ip_drop(struct sb_iptab *t, const uint8_t key[SB_IP_KEY]);

/* Forget every count (the master, after the keeper died with its connections). */
void scoreboard_ip_clear(struct sb_iptab *t);

/* Short name of a state for the status page ("idle", "reading", ...). */
const char *scoreboard_state_name(int state);

#endif
