#include "worker.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "ctl.h"
#include "handoff.h"
#include "ipmatch.h"
#include "log.h"
#include "park.h"
#include "proxy_proto.h"
#include "request.h"
#include "scoreboard.h"

#define WORKER_HANDOFF_WAIT_MS 50 /* for room in the keeper's queue, before holding the connection here */
#define WORKER_LINGER_GRACE_MS 1  /* for a closing client's EOF, before the keeper waits for it */
#define WORKER_LOG_BUFFER 8192    /* access-log bytes gathered per write (log.h): 40-90 lines */
/*
 * A parked connection idle this long goes to the keeper: a client that has
 * not asked for a second is one a person is reading a page on, and may
 * stay idle for the rest of timeouts.keepalive; the keeper holds thousands
 * of them in one process. Busy clients ask again in microseconds.
 */
#define WORKER_PARK_IDLE_MS 1000

/* The worker's state that its signal handlers and loop share. */
static struct {
	const struct worker_args *a;
	struct handoff *h;           /* one message buffer, allocated once */
	struct pollfd *pfds;         /* the listening sockets, then the outbox: a look with no wait */
	size_t npfds;
	int ep;                      /* the same, in this worker's own epoll (worker_epoll) */
	int wake;                    /* an eventfd in ep that the stop handler writes; -1 before */
	struct sockaddr_storage *local; /* per listening socket: its address, if not a wildcard */
	bool *local_known;
	bool broken;                 /* the wait itself failed: exit 1, the master forks another */
	struct park park;            /* keep-alive connections between requests (park.h) */
	bool watched;                /* the connection being served is in ep (it was parked here) */
	bool letting_go;             /* worker_park_empty runs: worker_on_wait must not re-enter it */
	bool park_hook;              /* parked since the keeper last refused any: a wait lets them go (worker_on_wait) */
	enum { SEAT_NONE, SEAT_HELD, SEAT_LENT } seat; /* on the listening sockets? (worker_seat_settle) */
} w;

/*
 * Break an idle wait (async-signal-safe: write(2)). A stop that lands after
 * worker_wait's check of the flags and before epoll_wait() sleeps leaves the
 * eventfd readable, so the wait returns at once: the race that blocking the
 * signals around the check closed, without two sigprocmask() calls per
 * connection.
 */
static void worker_wake(void)
{
	uint64_t one = 1;
	int saved = errno;

	if (w.wake >= 0) {
		/* Fails only with EAGAIN, a full counter: the wait returns anyway. */
		ssize_t ignored = write(w.wake, &one, sizeof(one));

		(void)ignored;
	}
	errno = saved;
}

static void worker_on_stop(int sig)
{
	if (sig == SIGQUIT) {
		/*
		 * A graceful stop: once the last process holds no copy, the port
		 * stops accepting at once, not when the longest request ends.
		 * close() is async-signal-safe; the loop never polls them again.
		 */
		if (conn_retiring != CONN_RETIRE_CLOSE)
			for (size_t i = 0; i < w.a->nlfds; i++)
				close(w.a->lfds[i]);
		conn_retiring = CONN_RETIRE_CLOSE;
	} else if (sig == SIGWINCH && conn_retiring == CONN_RETIRE_NONE)
		conn_retiring = CONN_RETIRE_HANDOFF;
	else if (sig == SIGTERM || sig == SIGINT)
		conn_stopping = 1;
	worker_wake();
}

/* SIGUSR1: the master reopened the logs and sent the descriptors on ctl. */
static void worker_on_logs(int sig)
{
	struct ctl_msg m;

	(void)sig;
	while (w.a->ctl >= 0 && ctl_recv(w.a->ctl, &m) == 1) {
		int i = 0, efd, afd;

		if (m.type == CTL_LOGS) {
			i = ctl_logs(&m, &efd, &afd);
			log_adopt(efd, afd);
		} else if (m.type == CTL_LOG_SLOTS && m.flags >= LOG_SLOT_FIRST_VHOST) {
			log_adopt_slots((size_t)m.flags, m.fds, (size_t)m.nfds);
			i = m.nfds;
		}
		for (; i < m.nfds; i++)
			close(m.fds[i]);
	}
}

static void worker_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a stop must interrupt a blocking poll(). */
	sa.sa_handler = worker_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	/* Log adoption must not cut a write short: restart what it interrupts. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = worker_on_logs;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Idle bookkeeping: the worker that takes the last spare place wakes the master at once. */
static void worker_idle(bool idle)
{
	const struct worker_args *a = w.a;
	int now;

	if (idle == (bool)a->slot->idle_counted)
		return;
	/* The master counts idle workers by state: leave the idle state before waking it. */
	if (!idle)
		a->slot->state = SB_READING;
	a->slot->idle_counted = idle;
	now = scoreboard_idle_add(a->sb, idle ? 1 : -1);
	if (!idle && now < a->site->conf->workers.min_spare && a->wake >= 0) {
		char one = 1;
		ssize_t n = write(a->wake, &one, 1); /* EAGAIN: the master is already woken */
		(void)n;
	}
}

/* The worker now holds a count for c's address: note it where the master can give it back. */
static void worker_ip_hold(struct conn *c)
{
	c->c_ip_counted = true;
	memcpy(w.a->slot->ip_key, c->c_ip_key, sizeof(c->c_ip_key));
	w.a->slot->ip_held = 1;
}

/* c left this worker: closed for good (uncount its address), or handed on (the count goes with it). */
static void worker_ip_let_go(struct conn *c, bool closed)
{
	if (!c->c_ip_counted)
		return;
	w.a->slot->ip_held = 0;
	if (closed)
		scoreboard_ip_drop(w.a->sb->ips, c->c_ip_key);
	c->c_ip_counted = false;
}

/*
 * limits.connections_per_ip: count c's address, or refuse it. Refused, it
 * is closed at once, before a byte is read, so an address that holds its
 * share already gets nothing more of the keeper or the pool.
 */
static bool worker_ip_admit(struct conn *c)
{
	int limit = w.a->site->conf->limits.connections_per_ip, held = 0, r;

	if (limit <= 0 || !w.a->sb->ips || !scoreboard_ip_key(&c->c_peer_addr, c->c_ip_key))
		return true;
	r = scoreboard_ip_take(w.a->sb->ips, c->c_ip_key, limit, &held);
	if (r == 1)
		worker_ip_hold(c);
	else if (r < 0)
		log_error(LOG_WARN, "[client %s:%d] not counted for limits.connections_per_ip: "
			  "the address table is full", c->c_peer, c->c_peer_port);
	else
		log_error(LOG_NOTICE, "[client %s:%d] %d connections from %s exceed "
			  "limits.connections_per_ip %d: closing", c->c_peer, c->c_peer_port,
			  held + 1, c->c_peer, limit);
	return r != 0;
}

/*
 * Read the PROXY header (proxy_proto.h) until deadline_ms. The worker
 * waits for it itself: the keeper does not parse it, and a proxy sends it
 * "immediately and at once upon the connection establishment" (HAProxy's
 * doc/proxy-protocol.txt 2.1), so this is one read in practice and
 * timeouts.header at worst, spent only on a peer in proxy_protocol.trusted.
 * true with the header in pp and the bytes after it still in c_in.
 */
static bool worker_proxy_read(struct conn *c, int64_t deadline_ms, struct proxy_proto *pp)
{
	int r;

	while ((r = proxy_proto_parse(c->c_in, c->c_in_len, pp)) == PROXY_PROTO_MORE) {
		ssize_t n = conn_fill(c, deadline_ms);

		if (n > 0)
			continue;
		if (n < 0 && errno == ETIMEDOUT)
			log_error(LOG_NOTICE, "[client %s:%d] no PROXY header from %s within %d s, closed",
				  c->c_peer, c->c_peer_port, c->c_peer, w.a->site->conf->timeouts.header);
		else if (n == 0 && c->c_in_len > 0)
			log_error(LOG_NOTICE, "[client %s:%d] connection from %s closed inside its "
				  "PROXY header", c->c_peer, c->c_peer_port, c->c_peer);
		else if (n < 0 && errno != EINTR) /* EINTR: the worker stops */
			log_error(LOG_INFO, "[client %s:%d] PROXY header: %s", c->c_peer,
				  c->c_peer_port, strerror(errno));
		/* A peer that connects and closes unheard is a plain TCP health check: not logged. */
		return false;
	}
	if (r == PROXY_PROTO_BAD) {
		log_error(LOG_WARN, "[client %s:%d] malformed PROXY header from %s: %s, closed",
			  c->c_peer, c->c_peer_port, c->c_peer, pp->why);
		return false;
	}
	return true;
}

/*
 * A connection on a proxy_protocol.listen socket: it must come from a
 * proxy_protocol.trusted address (2: "only trusted proxies are allowed to
 * use this protocol", else anyone could claim any address) and start with
 * a valid PROXY header; then the client the header names becomes the
 * connection's peer (conn_set_peer), and the bytes after the header are
 * the first request's. LOCAL (v2 health checks) and UNKNOWN (v1) keep the
 * proxy as the peer. The header's time counts against the first request's
 * timeouts.header. false: close it at once, without an answer (the peer is
 * a proxy, which expects a close, not an HTTP response it would relay).
 */
static bool worker_proxy(struct conn *c)
{
	const struct conf *cf = w.a->site->conf;
	int64_t deadline = conn_now_ms() + cf->timeouts.header * 1000LL;
	struct proxy_proto pp;

	if (!ipmatch_any(cf->proxy.trusted, cf->proxy.ntrusted, &c->c_peer_addr)) {
		log_error(LOG_WARN, "[client %s:%d] PROXY listener: connection from %s not trusted, "
			  "closed", c->c_peer, c->c_peer_port, c->c_peer);
		return false;
	}
	if (!worker_proxy_read(c, deadline, &pp))
		return false;
	c->c_in_pos = pp.consumed;
	if (pp.has_addr)
		conn_set_peer(c, &pp.src);
	c->c_deadline_ms = deadline;
	return true;
}

/* The keeper's queue was full: give it a moment to catch up, once. */
static bool worker_handoff_retry(const struct handoff *h)
{
	struct pollfd pfd = { .fd = w.a->inbox, .events = POLLOUT };

	if (errno != EAGAIN || poll(&pfd, 1, WORKER_HANDOFF_WAIT_MS) <= 0)
		return false;
	return handoff_send(w.a->inbox, h) == 0;
}

/* Send fd with its first len bytes to the keeper: true when it holds it (fd is no longer ours). */
static bool worker_send(int fd, uint32_t flags, int64_t deadline_ms, const struct sockaddr_storage *peer,
			const struct sockaddr_storage *local, const char *bytes, size_t len)
{
	struct handoff *h = w.h;

	h->fd = fd;
	h->flags = flags;
	h->deadline_ms = deadline_ms;
	h->header_ms = (uint32_t)w.a->site->conf->timeouts.header * 1000u;
	h->len = (uint32_t)len;
	h->peer = *peer;
	h->local = *local;
	if (len > 0)
		memcpy(h->buf, bytes, len);
	if (handoff_send(w.a->inbox, h) < 0 && !worker_handoff_retry(h)) {
		log_error(errno == EAGAIN ? LOG_DEBUG : LOG_WARN,
			  "cannot hand a connection to the keeper: %s", strerror(errno));
		return false;
	}
	return true;
}

/*
 * c leaves this worker (closed, or sent on): out of the epoll it was parked
 * in first. Closing alone would not remove it while another process (the
 * keeper, a message in flight) still holds the socket.
 */
static void worker_unwatch(const struct conn *c)
{
	if (!w.watched)
		return;
	if (epoll_ctl(w.ep, EPOLL_CTL_DEL, c->c_fd, NULL) < 0)
		log_error(LOG_ERR, "epoll_ctl: %s", strerror(errno));
	w.watched = false;
}

/* Give the connection to the keeper. true: it holds it now; false: keep serving it here. */
static bool worker_handoff(struct conn *c, bool first, uint32_t flags)
{
	size_t len = c->c_in_len - c->c_in_pos;

	/* More than a message carries (a huge head): the worker keeps it, as before there was a keeper. */
	if (w.a->inbox < 0 || len >= HANDOFF_MAX_BYTES)
		return false;
	worker_unwatch(c);
	flags |= (first ? HANDOFF_FIRST : 0) | (c->c_ip_counted ? HANDOFF_COUNTED : 0);
	if (!worker_send(c->c_fd, flags, c->c_deadline_ms, &c->c_peer_addr, &c->c_local_addr,
			 c->c_in + c->c_in_pos, len))
		return false;
	c->c_deadline_ms = 0;
	worker_ip_let_go(c, false);
	conn_release(c);
	return true;
}

/* ---- seats: which idle workers wait on the listening sockets ---- */

/*
 * A new connection wakes one idle worker that waits on the listening
 * sockets (EPOLLEXCLUSIVE, worker_epoll), even when a busy one would have
 * taken it from the queue a moment later: with 8 idle workers, 50 clients
 * that open a connection per request cost 0.92 sleeps and wake-ups of a
 * worker per request, and 20k requests/s; with 2 workers, 0.45 and 20.5k;
 * with 1, 0.01 and 23k (2 cores, wrk on the same ones). So only as many
 * workers wait on them as there are CPUs to run them (seats_max, pool.c):
 * they take turns, and take what queued while they were busy without a
 * wake-up (worker_accept_more). The other idle workers wait on the
 * keeper's outbox and on the bell, an eventfd rung when a seat is free.
 * A seated worker that has waited CONN_HOLD_MS in the middle of a request
 * (a slow client or script) lends its seat (worker_on_wait), so that the
 * seats are always held by workers ready for the next connection, and the
 * pool still grows at once (pool_grow: a stall brings spares, which take
 * the seats lent). Back in the loop it takes a seat again if one is free,
 * else it leaves the sockets to the others. As nginx's worker_processes
 * auto, one accepting process per CPU, while the rest stay forked ahead of
 * need for slow requests.
 */

/* Join (true) or leave the listening sockets in ep; the bell the other way. false: failed, logged. */
static bool worker_seat_epoll(bool join)
{
	struct epoll_event bev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = w.npfds + 1 };

	for (size_t i = 0; i < w.a->nlfds; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = i };

		if (epoll_ctl(w.ep, join ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, w.a->lfds[i], &ev) < 0)
			goto fail;
	}
	if (epoll_ctl(w.ep, join ? EPOLL_CTL_DEL : EPOLL_CTL_ADD, w.a->bell, &bev) < 0)
		goto fail;
	return true;
fail:
	/* A graceful stop closes the listening sockets under the loop (worker_on_stop): no fault. */
	if (!conn_retiring && !conn_stopping) {
		log_error(LOG_ERR, "epoll_ctl: %s", strerror(errno));
		w.broken = true;
	}
	return false;
}

/* Take a seat if one is free (the slot's flag first: scoreboard.h). */
static bool worker_seat_take(void)
{
	w.a->slot->seated = 1;
	if (scoreboard_seat_take(w.a->sb))
		return true;
	w.a->slot->seated = 0;
	return false;
}

/* Give the seat back, for an idle worker to take (the flag last: scoreboard.h). */
static void worker_seat_give(void)
{
	scoreboard_seat_give(w.a->sb, w.a->bell);
	w.a->slot->seated = 0;
}

/* A slow request: the seat goes to an idle worker; the sockets stay in ep until the loop settles. */
static void worker_seat_lend(void)
{
	worker_seat_give();
	w.seat = SEAT_LENT;
}

/*
 * Before the wait: a worker without a seat takes a free one; one that lent
 * its seat takes one again, or leaves the sockets to those that sit.
 */
static void worker_seat_settle(void)
{
	if (w.seat == SEAT_HELD || conn_retiring || conn_stopping)
		return;
	if (worker_seat_take()) {
		if (w.seat == SEAT_NONE && !worker_seat_epoll(true)) {
			worker_seat_give();
			return;
		}
		w.seat = SEAT_HELD;
	} else if (w.seat == SEAT_LENT) {
		w.seat = SEAT_NONE;
		(void)worker_seat_epoll(false);
	}
}

/* The bell rang: drain it; the loop then takes a seat if one is still free. */
static void worker_seat_bell(void)
{
	uint64_t n;

	if (read(w.a->bell, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_error(LOG_ERR, "seat bell: %s", strerror(errno));
}

/* ---- parked keep-alive connections (park.h) ---- */

/* Hold pc in ep under a new key, armed for one event; false: it could not be (pc not parked). */
static bool worker_park_arm(struct park_conn *pc, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };

	if ((ev.data.u64 = park_put(&w.park, pc)) == 0)
		return false;
	if (epoll_ctl(w.ep, op, pc->fd, &ev) == 0)
		return true;
	log_error(LOG_ERR, "epoll_ctl: %s", strerror(errno));
	park_take(&w.park, ev.data.u64, pc);
	return false;
}

/*
 * A parked connection leaves: to the keeper (to_keeper), which holds it
 * until its keep-alive deadline. When the keeper cannot take it and stay
 * is true, it stays parked here until then, as a connection being served
 * stays with its worker; otherwise (the deadline has passed, the worker
 * exits or stops) it is closed: an idle keep-alive connection may be
 * closed at any time, RFC 9112 9.3, and its client retries.
 */
static void worker_park_out(struct park_conn *pc, bool to_keeper, bool stay)
{
	bool live = conn_now_ms() < pc->deadline_ms;

	if (epoll_ctl(w.ep, EPOLL_CTL_DEL, pc->fd, NULL) < 0)
		log_error(LOG_ERR, "epoll_ctl: %s", strerror(errno));
	if (to_keeper && live && w.a->inbox >= 0 &&
	    worker_send(pc->fd, 0, pc->deadline_ms, &pc->peer, &pc->local, NULL, 0))
		return;
	pc->due_ms = pc->deadline_ms;
	if (!live || !stay || !worker_park_arm(pc, EPOLL_CTL_ADD))
		close(pc->fd);
}

/* Every parked connection leaves (worker_park_out). */
static void worker_park_empty(bool to_keeper, bool stay)
{
	struct park_conn out[PARK_MAX];
	size_t n = 0;

	w.letting_go = true;
	while (n < PARK_MAX && park_take_any(&w.park, &out[n]))
		n++;
	for (size_t i = 0; i < n; i++)
		worker_park_out(&out[i], to_keeper, stay);
	/* What stayed is the keeper's trouble: not tried again at every wait, only with the next park. */
	w.park_hook = false;
	w.letting_go = false;
}

/*
 * Park c: its response is out and nothing of its next request is here.
 * Not a connection counted for limits.connections_per_ip: the scoreboard
 * keeps one held address per worker, for the master to give back if the
 * worker dies. Its key goes into ep with EPOLLONESHOT: the event that
 * wakes the worker for it disarms it, so no other wait sees it while it
 * is served. true: parked (c is released); false: it stays c.
 */
static bool worker_park(struct conn *c)
{
	int64_t now = conn_now_ms();
	struct park_conn pc = {
		.fd = c->c_fd, .peer = c->c_peer_addr, .local = c->c_local_addr,
		.deadline_ms = now + w.a->site->conf->timeouts.keepalive * 1000LL,
	};

	if (c->c_ip_counted || c->c_in_pos != c->c_in_len)
		return false;
	/* Without a keeper it stays parked until timeouts.keepalive ends. */
	pc.due_ms = w.a->inbox >= 0 && now + WORKER_PARK_IDLE_MS < pc.deadline_ms ?
		    now + WORKER_PARK_IDLE_MS : pc.deadline_ms;
	if (!worker_park_arm(&pc, w.watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD))
		return false;
	w.watched = false;
	conn_release(c);
	w.park_hook = true;
	return true;
}

/* Parked connections idle for WORKER_PARK_IDLE_MS go to the keeper; past timeouts.keepalive, closed. */
static void worker_park_expire(void)
{
	int64_t now = conn_now_ms();
	struct park_conn pc;

	/* One that stays (the keeper could not take it) is due only at its deadline: no loop. */
	while (park_take_due(&w.park, now, &pc))
		worker_park_out(&pc, true, true);
}

/*
 * conn_wait_hook: the worker has waited CONN_HOLD_MS for something (held:
 * a slow client, a script) and may wait much longer, or starts a script,
 * which may take any time. The next requests of the connections parked
 * here must not wait behind it: the keeper takes them, and hands each to
 * whichever worker is idle when it asks (what it cannot take stays, and
 * waits). Nor must new connections, once the wait has lasted: the seat
 * goes to an idle worker (worker_seat_lend). Not as the script starts: a
 * compiled one ends within about 1 ms, and a lent seat costs a wake-up.
 */
static void worker_on_wait(bool held)
{
	if (held && w.seat == SEAT_HELD)
		worker_seat_lend();
	if (w.park_hook && !w.letting_go)
		worker_park_empty(true, true);
}

/*
 * Is another client waiting, in the listen queue or handed back by the
 * keeper? Then a connection whose next request has not arrived yet goes to
 * the keeper now, not after the grace, so a full pool of busy keep-alive
 * clients takes turns with newcomers instead of starving them. One poll
 * with no wait; when nobody waits, nothing changes.
 */
static bool worker_others_wait(const struct conn *c)
{
	if (w.a->inbox < 0 || c->c_in_len > c->c_in_pos)
		return false;
	return poll(w.pfds, (nfds_t)w.npfds, 0) > 0;
}

/* Is c leaving this worker after the response (the worker exits), which it then leaves to the keeper? */
static bool worker_leaving(const struct request_ctx *x)
{
	return x->last || conn_retiring == CONN_RETIRE_HANDOFF;
}

/*
 * After a response on a connection that stays open and could not be
 * parked: is it time to let it go? With every parking place taken, it
 * goes at once rather than wait here.
 */
static bool worker_must_let_go(const struct request_ctx *x, const struct conn *c)
{
	return worker_leaving(x) || worker_others_wait(c) ||
	       (w.park.n == PARK_MAX && c->c_in_len == c->c_in_pos);
}

/*
 * Close c. The drain before close (conn.h) waits for the client, which
 * may never come: unless the client closes within WORKER_LINGER_GRACE_MS
 * (one that reads its response to the end does, on a near network), the
 * keeper does that waiting, so a burst of 408s to clients that do not
 * read (200 slowloris connections timing out together) cannot hold every
 * worker for long.
 */
static void worker_close(struct conn *c)
{
	worker_unwatch(c);
	if (conn_close_quiet(c)) {
		worker_ip_let_go(c, true);
		return;
	}
	if (w.a->inbox < 0 || !conn_shutdown(c)) {
		conn_close(c);
		worker_ip_let_go(c, true);
		return;
	}
	if (!conn_linger(c, conn_now_ms() + WORKER_LINGER_GRACE_MS)) {
		c->c_in_pos = c->c_in_len; /* what is left unread is dropped, not passed on */
		c->c_deadline_ms = conn_now_ms() + CONN_LINGER_MS;
		if (worker_handoff(c, false, HANDOFF_LINGER))
			return;
	}
	conn_close(c); /* shut down already: drains what is left, at once if EOF came */
	worker_ip_let_go(c, true);
}

/*
 * The worker is about to exit (max_requests, reload, shrink) but the client
 * keeps its connection: the keeper holds it (and passes on at once any
 * request already pipelined), so the client never sees a close. false: close.
 */
static bool worker_let_go(struct conn *c)
{
	const struct conf *cf = w.a->site->conf;
	bool pending = c->c_in_len > c->c_in_pos;

	c->c_deadline_ms = conn_now_ms() +
		(pending ? cf->timeouts.header : cf->timeouts.keepalive) * 1000LL;
	return worker_handoff(c, false, 0);
}

/* Serve requests on c until it closes or the keeper takes it. */
static void worker_serve(struct request_ctx *x, struct conn *c, bool first)
{
	const struct conf *cf = w.a->site->conf;

	x->can_handoff = w.a->inbox >= 0;
	for (;;) {
		enum request_next next;

		x->last = cf->workers.max_requests > 0 &&
			  w.a->slot->requests + 1 >= (uint64_t)cf->workers.max_requests;
		/* Each response and each body has its own minimum-rate windows (conn.h). */
		conn_rate_start(c, (uint32_t)cf->limits.min_send_rate, cf->timeouts.send,
				(uint32_t)cf->limits.min_body_rate, cf->timeouts.body);
		next = request_serve(x, w.a->site, c, first);
		if (next == REQUEST_NEXT && !worker_leaving(x) && worker_park(c))
			return;
		if (next == REQUEST_NEXT && worker_must_let_go(x, c)) {
			if (worker_let_go(c))
				return;
			if (c->c_in_len == c->c_in_pos)
				break;
			/* A pipelined request the keeper cannot take (a head over one message): answered here. */
			x->can_handoff = false;
		}
		if (next == REQUEST_HANDOFF) {
			if (worker_handoff(c, first, 0))
				return;
			x->can_handoff = false; /* the keeper cannot take it: wait here as before */
			continue;
		}
		if (next == REQUEST_CLOSE)
			break;
		first = false;
	}
	worker_close(c);
}

/* The kernel fills only the address's own length; the whole struct may
 * travel to the keeper (handoff_send), so no stack bytes go with it. */
static int worker_sockname(int fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	memset(ss, 0, sizeof(*ss));
	return getsockname(fd, (struct sockaddr *)ss, &len);
}

/* A socket bound to one address: every connection it accepts has that local address. */
static bool worker_specific(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr != htonl(INADDR_ANY);
	return ss->ss_family == AF_INET6 &&
	       !IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/*
 * The local address of a connection accepted on listening socket i: one
 * getsockname() per connection only where the socket is a wildcard
 * ("0.0.0.0:80"); TCP_NODELAY came from the listening socket (master.c).
 * On a PROXY listener the header comes first, and limits.connections_per_ip
 * then counts the client it names, not the proxy: counted by the proxy's
 * address, every client behind it would share one limit. LOCAL and UNKNOWN
 * connections (health checks) count against the proxy's own address.
 */
static void worker_serve_accepted(struct request_ctx *x, struct conn *c, int fd,
				  const struct sockaddr_storage *peer, size_t i)
{
	struct sockaddr_storage local;

	/* The pool takes new connections: it flows (pool_flowing). The keeper's hand-backs do not count. */
	w.a->sb->g->last_take_ms = conn_now_ms();
	if (w.local_known[i])
		local = w.local[i];
	else if (worker_sockname(fd, &local) < 0) {
		close(fd);
		return;
	}
	conn_open(c, fd, peer, &local);
	if ((w.a->lproxy && w.a->lproxy[i] && !worker_proxy(c)) || !worker_ip_admit(c)) {
		conn_release(c);
		close(fd); /* no answer to protect from a reset: at once */
		return;
	}
	worker_serve(x, c, true);
}

/* A connection the keeper passes back: its bytes and deadline come with it. */
static void worker_serve_handed(struct request_ctx *x, struct conn *c)
{
	struct handoff *h = w.h;

	conn_open(c, h->fd, &h->peer, &h->local);
	memcpy(c->c_in, h->buf, h->len);
	c->c_in_len = h->len;
	c->c_deadline_ms = h->deadline_ms;
	if ((h->flags & HANDOFF_COUNTED) && scoreboard_ip_key(&h->peer, c->c_ip_key))
		worker_ip_hold(c);
	worker_serve(x, c, (h->flags & HANDOFF_FIRST) != 0);
}

/* Accept one connection from a ready listening socket, or -1 (another worker won it). */
static int worker_accept(int lfd, struct sockaddr_storage *peer)
{
	socklen_t plen = sizeof(*peer);
	int fd;

	memset(peer, 0, sizeof(*peer)); /* as local in worker_serve_accepted */
	fd = accept4(lfd, (struct sockaddr *)peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case EAGAIN:
	case EINTR:
	case ECONNABORTED:
	case EPROTO:
		break;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		log_error(LOG_ERR, "accept: %s", strerror(errno));
		poll(NULL, 0, 100); /* let descriptors or memory free up instead of spinning */
		break;
	default:
		log_error(LOG_ERR, "accept: %s", strerror(errno));
	}
	return -1;
}

/*
 * Accept: one wake-up per connection. Every idle worker waits on the same
 * listening sockets; with poll() (or plain epoll) a new connection wakes
 * them all, one wins the accept and the rest go back to sleep (the
 * thundering herd). EPOLLEXCLUSIVE (Linux 4.5) wakes one waiting worker per
 * event, as nginx's accept path does. Alternatives, and why not:
 * - a blocking accept() is also wake-one, but a worker must wait for the
 *   keeper's outbox too, so it cannot block in accept() on one socket;
 * - SO_REUSEPORT gives each worker its own queue, hashed by the client's
 *   address: a connection queued on a busy worker (a slow CGI script) waits
 *   although others are idle, and connections queued on a worker that
 *   retires (max_requests, a shrinking pool, reload) are reset when its
 *   socket closes (unless the administrator turned on Linux 5.14's
 *   net.ipv4.tcp_migrate_req). A pool that grows and shrinks cannot use it.
 * Measured with 64 workers, a connection per request, 50 clients: 2.5-3x
 * the poll() herd; a SO_REUSEPORT prototype (a socket per worker) made
 * 0.4x of this with 64 workers and 0.93x with 8.
 * The listening sockets defer accept until the first bytes are in
 * (TCP_DEFER_ACCEPT, master.c), so a woken worker finds a request to read.
 * Only the seated workers wait on them (worker_seat_settle).
 * The epoll is created after fork, so no two workers share one (a shared
 * epoll would wake waiters of one instance, not one per process). The
 * outbox is exclusive too: one handed-back connection wakes one worker.
 */
static int worker_epoll(void)
{
	/* This worker's own wake-up: an ordinary (not exclusive) member, index npfds. */
	struct epoll_event wev = { .events = EPOLLIN, .data.u64 = w.npfds };
	/* The bell, index npfds + 1: exclusive, one free seat wakes one idle worker. */
	struct epoll_event bev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = w.npfds + 1 };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -1;
	/* The listening sockets join when the worker takes a seat (worker_seat_settle). */
	for (size_t i = w.a->nlfds; i < w.npfds; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = i };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, w.pfds[i].fd, &ev) < 0) {
			close(ep);
			return -1;
		}
	}
	if ((w.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, w.wake, &wev) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, w.a->bell, &bev) < 0) {
		close(ep);
		return -1;
	}
	return ep;
}

/* The wait's bound: buffered access-log lines (log.h) or a parked connection's due time. */
static int worker_wait_ms(void)
{
	int64_t p = park_wait_ms(&w.park, conn_now_ms());
	int l = log_flush_due_ms();

	if (p < 0 || (l >= 0 && l < p))
		return l;
	return p > INT32_MAX ? INT32_MAX : (int)p;
}

/*
 * Wait for work. A stop signal that arrives after the flag check breaks
 * the wait through w.wake (worker_wake); one during it, with EINTR.
 * Buffered access-log lines bound the wait, so an idle worker writes them
 * within LOG_FLUSH_MS (log.h).
 */
static int worker_wait(struct epoll_event *evs, int n)
{
	int r;

	if (conn_stopping || conn_retiring)
		return -1;
	r = epoll_wait(w.ep, evs, n, worker_wait_ms());
	/* It would fail again at once: a worker that cannot wait exits, and is replaced. */
	if (r < 0 && errno != EINTR) {
		log_error(LOG_ERR, "epoll_wait: %s", strerror(errno));
		w.broken = true;
	}
	if (r == 0)
		log_flush();
	return r;
}

/* Did the wait find index i (a listening socket, or the outbox at nlfds) ready? */
static bool worker_ready(const struct epoll_event *evs, int n, size_t i)
{
	for (int k = 0; k < n; k++)
		if (evs[k].data.u64 == i)
			return true;
	return false;
}

static bool worker_done(const struct worker_args *a)
{
	int max = a->site->conf->workers.max_requests;

	return conn_stopping || conn_retiring || w.broken ||
	       (max > 0 && a->slot->requests >= (uint64_t)max);
}

/*
 * A connection served, the next may already wait in the backlog: take it
 * without going back to sleep in epoll_wait (a wake-up, and a context
 * switch, per connection). A short run, so that the keeper's outbox, which
 * goes first in worker_take, waits at most that long when all workers are
 * busy; EAGAIN (the backlog is empty) ends it at the cost of one accept4.
 */
#define WORKER_ACCEPT_RUN 8

static void worker_accept_more(struct request_ctx *x, struct conn *c, size_t i)
{
	for (int k = 0; k < WORKER_ACCEPT_RUN && !worker_done(w.a); k++) {
		struct sockaddr_storage peer;
		int fd = worker_accept(w.a->lfds[i], &peer);

		if (fd < 0)
			return;
		worker_serve_accepted(x, c, fd, &peer, i);
	}
}

/* The parked connection key names has bytes (or its end) to read: serve it, unless let go meanwhile. */
static void worker_serve_parked(struct request_ctx *x, struct conn *c, uint64_t key)
{
	struct park_conn pc;

	if (!park_take(&w.park, key, &pc))
		return;
	conn_open(c, pc.fd, &pc.peer, &pc.local);
	c->c_deadline_ms = pc.deadline_ms;
	w.watched = true;
	worker_idle(false);
	worker_serve(x, c, false);
}

/*
 * Take the work the wait found: a connection from the keeper first, they
 * waited longest; then every parked connection that is ready (the event
 * disarmed it: one left unserved would wait until it goes to the keeper);
 * then a new one. Even when a stop or retire signal came right after the
 * wait: EPOLLEXCLUSIVE woke this worker alone for it, so a worker that
 * left it would strand it until the next connection (the notify cases of
 * check_lifecycle fail so). A retiring worker hands it to the keeper after
 * its request (worker_serve), and what is still parked then with it
 * (worker_main). A connection still queued when a worker exits after
 * max_requests goes to its replacement, whose epoll_ctl finds the socket
 * ready.
 */
static void worker_take(struct request_ctx *x, struct conn *c, const struct epoll_event *evs, int n)
{
	const struct worker_args *a = w.a;
	bool handed = false;

	if (worker_ready(evs, n, w.npfds + 1))
		worker_seat_bell();
	if (a->outbox >= 0 && worker_ready(evs, n, a->nlfds) && handoff_recv(a->outbox, w.h) == 1) {
		worker_idle(false);
		worker_serve_handed(x, c);
		handed = true;
	}
	for (int k = 0; k < n && !worker_done(a); k++)
		if (evs[k].data.u64 >= PARK_KEY_MIN)
			worker_serve_parked(x, c, evs[k].data.u64);
	for (size_t i = 0; i < a->nlfds && !handed; i++) {
		struct sockaddr_storage peer;
		int fd;

		if (!worker_ready(evs, n, i) || (fd = worker_accept(a->lfds[i], &peer)) < 0)
			continue;
		worker_idle(false);
		worker_serve_accepted(x, c, fd, &peer, i);
		worker_accept_more(x, c, i);
		return;
	}
}


/* The worker's buffers, sized once; a request touches only the pages it uses. */
static void worker_alloc(const struct worker_args *a, struct request_ctx *x, struct conn *c)
{
	w.h = malloc(sizeof(*w.h));
	if (!w.h || request_ctx_init(x, a->site->conf) < 0 ||
	    conn_alloc(c, a->site->conf->limits.header_bytes + 65536) < 0) {
		log_error(LOG_ERR, "worker: out of memory");
		_exit(1);
	}
	x->slot = a->slot;
	for (size_t i = 0; i < a->nlfds; i++)
		w.local_known[i] = worker_sockname(a->lfds[i], &w.local[i]) == 0 &&
				   worker_specific(&w.local[i]);
	if ((w.ep = worker_epoll()) < 0) {
		log_error(LOG_ERR, "worker: epoll: %s", strerror(errno));
		_exit(1);
	}
}

void worker_main(const struct worker_args *a)
{
	size_t n = a->nlfds + (a->outbox >= 0);
	struct pollfd pfds[n];
	struct epoll_event evs[n + 2 + PARK_MAX]; /* + 2: the wake eventfd and the bell */
	struct sockaddr_storage local[a->nlfds + 1]; /* + 1: never a zero-length array */
	bool local_known[a->nlfds + 1];
	struct request_ctx x;
	struct conn c;

	w.a = a;
	w.wake = -1;
	park_init(&w.park);
	worker_signals();
	w.pfds = pfds;
	w.npfds = n;
	w.local = local;
	w.local_known = local_known;
	for (size_t i = 0; i < a->nlfds; i++)
		pfds[i] = (struct pollfd){ .fd = a->lfds[i], .events = POLLIN };
	if (a->outbox >= 0)
		pfds[n - 1] = (struct pollfd){ .fd = a->outbox, .events = POLLIN };
	worker_alloc(a, &x, &c);
	log_access_buffer(WORKER_LOG_BUFFER);
	conn_wait_hook = worker_on_wait;

	while (!worker_done(a)) {
		int r;

		a->slot->state = SB_IDLE;
		a->slot->request[0] = '\0';
		worker_idle(true);
		worker_seat_settle();
		if ((r = worker_wait(evs, (int)(n + 2 + PARK_MAX))) > 0)
			worker_take(&x, &c, evs, r);
		worker_park_expire();
	}
	/* Retiring, or max_requests: the keeper keeps them; stopping: closed, as the keeper closes its own. */
	worker_park_empty(!conn_stopping && conn_retiring != CONN_RETIRE_CLOSE, false);
	worker_idle(false); /* a seat held goes back when the master reaps this worker (pool_reap) */
	a->slot->state = SB_STOPPING;
	log_flush(); /* stop, retire, max_requests, TERM: no buffered line is lost */
	request_ctx_free(&x);
	conn_free(&c);
	free(w.h);
	exit(w.broken ? 1 : 0);
}
