/*
 * park — the keep-alive connections one worker holds between requests.
 *
 * A pre-fork worker that waits for one connection's next request sleeps
 * and is woken once per request; with 50 busy keep-alive clients that is
 * a process wake-up per request, where an event server (lighttpd, nginx)
 * wakes once for every connection that became ready meanwhile. A worker
 * therefore parks a connection whose response is out and whose next
 * request has not arrived in its own epoll (worker.c), beside the
 * listening sockets, and serves whichever parked connections are ready
 * when it wakes. It lets them go to the keeper as soon as it would wait
 * for anything else (conn_wait_hook), so a parked client never waits
 * behind another client's slow request or script.
 *
 * Contract: pure bookkeeping, no I/O: a fixed table of PARK_MAX slots,
 * each one connection's descriptor, addresses and times. park_put gives
 * each stay in a slot a key of its own (never below PARK_KEY_MIN, so keys
 * and small event indexes never collide); an event that still carries
 * the key of a connection since taken out is recognised as stale. The
 * table never closes or frees a descriptor: whoever takes a connection
 * out owns it.
 */
#ifndef PFHTTPD_PARK_H
#define PFHTTPD_PARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Connections a worker holds parked at most; one more goes to the keeper. */
#define PARK_MAX 32

/* Every key is at least this: below it, an epoll event's data is an index. */
#define PARK_KEY_MIN ((uint64_t)1 << 32)

struct park_conn {
	int fd;
	struct sockaddr_storage peer, local;
	int64_t due_ms;              /* idle until then: to the keeper (conn_now_ms() clock) */
	int64_t deadline_ms;         /* timeouts.keepalive ends: close */
};

struct park {
	struct park_conn slot[PARK_MAX];
	uint32_t stay[PARK_MAX];     /* the slot's current stay; 0: free */
	uint32_t stays;              /* stays handed out so far */
	size_t n;                    /* slots in use */
};

void park_init(struct park *p);

/* Hold pc in a free slot: its key, or 0 when every slot is taken. */
uint64_t park_put(struct park *p, const struct park_conn *pc);

/* Take out the connection key names: true; false when key is stale or not a park key. */
bool park_take(struct park *p, uint64_t key, struct park_conn *out);

/* Take out one connection whose due_ms has come at now: true; false when none has. */
bool park_take_due(struct park *p, int64_t now, struct park_conn *out);

/* Take out any one connection: true; false when the table is empty. */
bool park_take_any(struct park *p, struct park_conn *out);

/* Milliseconds from now until the earliest due_ms (0 if one has passed); -1 when empty. */
int64_t park_wait_ms(const struct park *p, int64_t now);

#endif
