#include "keeper.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conn.h"
#include "cov.h"
#include "ctl.h"
#include "handoff.h"
#include "log.h"
#include "scoreboard.h"

/* Events, inbox and control messages handled per wakeup, so no source starves the others. */
#define KEEPER_BATCH 64

/* A connection's first buffer; it doubles up to HANDOFF_MAX_BYTES as bytes arrive. */
#define KEEPER_BUF_MIN 512

#define KC_UNTIMED SIZE_MAX

/*
 * One held connection: either watched (in the epoll set and the deadline
 * heap) or ready (in the queue for a worker, in neither), never both.
 */
struct kconn {
	int k_fd;
	uint32_t k_flags;             /* HANDOFF_*, passed on as received */
	int64_t k_deadline_ms;
	uint32_t k_header_ms;
	char *k_buf;                  /* NULL until the first byte: most idle connections never get one */
	uint32_t k_len, k_cap;
	size_t k_heap;                /* index in the deadline heap, or KC_UNTIMED */
	struct kconn *k_next;         /* ready queue */
	struct sockaddr_storage k_peer, k_local;
};

struct keeper {
	int ep;
	int inbox, outbox, ctl;
	struct sb_global *g;
	struct sb_iptab *ips;
	struct kconn **heap;          /* min-heap on k_deadline_ms: the watched connections */
	size_t nheap, heap_cap;
	struct kconn *q_head, *q_tail; /* ready for a worker, oldest first */
	size_t held;                  /* watched + ready */
	bool out_armed;               /* outbox in the epoll set, for EPOLLOUT */
	bool out_gone;                /* its workers are gone: hold the queue until CTL_OUTBOX */
};

static volatile sig_atomic_t keeper_stop;

/* epoll tags of the keeper's own sockets; a client's tag is its struct kconn. */
static char tag_inbox, tag_ctl, tag_outbox;

/* One message's room (33 KiB), used by each handoff in turn. */
static struct handoff keeper_h;
static char keeper_rd[HANDOFF_MAX_BYTES];

static void keeper_on_stop(int sig)
{
	(void)sig;
	keeper_stop = 1;
}

/*
 * The stop signals stay blocked except inside epoll_pwait(), which unblocks
 * them atomically (*wait_mask), so one that arrives between the flag check
 * and the wait cannot be lost. Reopening the logs comes as CTL_LOGS, so
 * SIGHUP and SIGUSR1 (which a process group kill may deliver) are ignored.
 */
static void keeper_signals(sigset_t *wait_mask)
{
	static const struct { int sig; void (*fn)(int); } acts[] = {
		{ SIGTERM, keeper_on_stop }, { SIGINT, keeper_on_stop },
		{ SIGQUIT, keeper_on_stop }, { SIGPIPE, SIG_IGN },
		{ SIGHUP, SIG_IGN }, { SIGUSR1, SIG_IGN },
		{ SIGCHLD, SIG_DFL }, { SIGALRM, SIG_DFL },
	};
	struct sigaction sa;
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGQUIT);
	if (sigprocmask(SIG_SETMASK, &stop, NULL) < 0)
		log_error(LOG_ERR, "keeper: sigprocmask: %s", strerror(errno));
	sigemptyset(wait_mask);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		sa.sa_handler = acts[i].fn;
		if (sigaction(acts[i].sig, &sa, NULL) < 0)
			log_error(LOG_ERR, "keeper: sigaction %d: %s", acts[i].sig, strerror(errno));
	}
}

/*
 * Every held connection is a descriptor, and the keeper exists to hold many:
 * the soft limit (often 1024, kept low for select()'s sake) would cap it
 * long before memory does. epoll has no such ceiling.
 */
static void keeper_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		log_error(LOG_WARN, "keeper: getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
		return;
	}
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_error(LOG_WARN, "keeper: setrlimit(RLIMIT_NOFILE): %s", strerror(errno));
}

static void keeper_count(struct keeper *k, int delta)
{
	k->held += (size_t)(ssize_t)delta;
	if (k->g)
		k->g->keeper_conns = (int)k->held;
}

/* "addr:port" of the client, for debug lines. */
static const char *kc_peer(const struct kconn *c, char *out, size_t len)
{
	const struct sockaddr_storage *ss = &c->k_peer;
	char addr[INET6_ADDRSTRLEN];
	const void *a;
	unsigned port;

	if (ss->ss_family == AF_INET) {
		a = &((const struct sockaddr_in *)ss)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	} else {
		return "-";
	}
	if (!inet_ntop(ss->ss_family, a, addr, sizeof(addr)))
		return "-";
	snprintf(out, len, "%s:%u", addr, port);
	return out;
}

/* kc_peer() with a buffer that lives until the end of the enclosing statement's block. */
#define KC_PEER(c) kc_peer((c), (char[INET6_ADDRSTRLEN + 8]){ 0 }, INET6_ADDRSTRLEN + 8)

/* ---- the deadline heap ---- */

static void heap_set(struct keeper *k, size_t i, struct kconn *c)
{
	k->heap[i] = c;
	c->k_heap = i;
}

static void heap_up(struct keeper *k, size_t i)
{
	struct kconn *c = k->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (k->heap[p]->k_deadline_ms <= c->k_deadline_ms)
			break;
		heap_set(k, i, k->heap[p]);
		i = p;
	}
	heap_set(k, i, c);
}

static void heap_down(struct keeper *k, size_t i)
{
	struct kconn *c = k->heap[i];

	for (;;) {
		size_t m = 2 * i + 1;

		if (m >= k->nheap)
			break;
		if (m + 1 < k->nheap && k->heap[m + 1]->k_deadline_ms < k->heap[m]->k_deadline_ms)
			m++;
		if (c->k_deadline_ms <= k->heap[m]->k_deadline_ms)
			break;
		heap_set(k, i, k->heap[m]);
		i = m;
	}
	heap_set(k, i, c);
}

static int heap_push(struct keeper *k, struct kconn *c)
{
	if (k->nheap == k->heap_cap) {
		size_t cap = k->heap_cap ? k->heap_cap * 2 : 64;
		struct kconn **h = realloc(k->heap, cap * sizeof(*h));

		if (!h)
			return -1;
		k->heap = h;
		k->heap_cap = cap;
	}
	heap_set(k, k->nheap++, c);
	heap_up(k, c->k_heap);
	return 0;
}

static void heap_remove(struct keeper *k, struct kconn *c)
{
	size_t i = c->k_heap;
	struct kconn *last = k->heap[--k->nheap];

	c->k_heap = KC_UNTIMED;
	if (i == k->nheap)
		return;
	heap_set(k, i, last);
	heap_down(k, i);
	heap_up(k, last->k_heap);
}

/* After c's deadline changed. */
static void heap_fix(struct keeper *k, struct kconn *c)
{
	heap_up(k, c->k_heap);
	heap_down(k, c->k_heap);
}

/* ---- one connection ---- */

static int kc_append(struct kconn *c, const char *src, size_t n)
{
	size_t need = (size_t)c->k_len + n;

	if (need > c->k_cap) {
		size_t cap = c->k_cap ? c->k_cap : KEEPER_BUF_MIN;
		char *b;

		while (cap < need)
			cap *= 2;
		if (cap > HANDOFF_MAX_BYTES)
			cap = HANDOFF_MAX_BYTES;
		b = realloc(c->k_buf, cap);
		if (!b)
			return -1;
		c->k_buf = b;
		c->k_cap = (uint32_t)cap;
	}
	memcpy(c->k_buf + c->k_len, src, n);
	c->k_len = (uint32_t)need;
	return 0;
}

/* c's descriptor is closed for good: its address holds one connection less. */
static void kc_uncount(struct keeper *k, const struct kconn *c)
{
	uint8_t key[SB_IP_KEY];

	if (k->ips && (c->k_flags & HANDOFF_COUNTED) && scoreboard_ip_key(&c->k_peer, key))
		scoreboard_ip_drop(k->ips, key);
}

/* Forget c; its descriptor has been closed or sent. */
static void kc_free(struct keeper *k, struct kconn *c)
{
	free(c->k_buf);
	free(c);
	keeper_count(k, -1);
}

static void keeper_unwatch(struct keeper *k, struct kconn *c)
{
	/* Explicitly: the descriptor may live on in a worker, and so would its registration. */
	if (epoll_ctl(k->ep, EPOLL_CTL_DEL, c->k_fd, NULL) < 0)
		log_error(LOG_ERR, "keeper: epoll_ctl DEL: %s", strerror(errno));
	heap_remove(k, c);
}

/* Close a watched connection without a word: there is no one to answer, or nothing to. */
static void keeper_close(struct keeper *k, struct kconn *c)
{
	keeper_unwatch(k, c);
	close(c->k_fd);
	kc_uncount(k, c);
	kc_free(k, c);
}

static void keeper_queue(struct keeper *k, struct kconn *c)
{
	c->k_next = NULL;
	if (k->q_tail)
		k->q_tail->k_next = c;
	else
		k->q_head = c;
	k->q_tail = c;
}

static void keeper_watch(struct keeper *k, struct kconn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };

	if (heap_push(k, c) < 0)
		goto fail;
	if (epoll_ctl(k->ep, EPOLL_CTL_ADD, c->k_fd, &ev) < 0) {
		int e = errno;

		heap_remove(k, c);
		errno = e;
		goto fail;
	}
	return;
fail:
	/* A worker can wait for it, as workers did before there was a keeper. */
	log_error(LOG_ERR, "keeper: cannot watch a connection, passing it on: %s",
		  strerror(errno));
	keeper_queue(k, c);
}

/* A connection from a worker (in keeper_h). */
static void keeper_take(struct keeper *k, const struct handoff *h)
{
	struct kconn *c = calloc(1, sizeof(*c));

	if (!c) {
		struct kconn tmp = { .k_flags = h->flags, .k_peer = h->peer };

		log_error(LOG_ERR, "keeper: out of memory, passing a connection on");
		if (handoff_send(k->outbox, h) < 0) {
			close(h->fd);
			kc_uncount(k, &tmp);
		}
		return;
	}
	keeper_count(k, +1);
	c->k_fd = h->fd;
	c->k_flags = h->flags;
	c->k_deadline_ms = h->deadline_ms;
	c->k_header_ms = h->header_ms;
	c->k_peer = h->peer;
	c->k_local = h->local;
	c->k_heap = KC_UNTIMED;
	if (h->len > 0 && kc_append(c, h->buf, h->len) < 0) {
		log_error(LOG_ERR, "keeper: out of memory, closing %s", KC_PEER(c));
		close(c->k_fd);
		kc_uncount(k, c);
		kc_free(k, c);
		return;
	}
	if (!(c->k_flags & HANDOFF_LINGER) && handoff_head_ready(c->k_buf, c->k_len))
		keeper_queue(k, c);
	else
		keeper_watch(k, c);
}

/*
 * A closing connection (HANDOFF_LINGER): its response is sent and the
 * worker shut it down for writing; what the client still sends is read and
 * dropped until it closes, so close() sends no RST that could destroy the
 * response in flight (RFC 9112 9.6).
 */
static void keeper_drain(struct keeper *k, struct kconn *c)
{
	ssize_t n;

	while ((n = read(c->k_fd, keeper_rd, HANDOFF_MAX_BYTES)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		keeper_close(k, c);
}

static void keeper_read(struct keeper *k, struct kconn *c)
{
	size_t seen = c->k_len;
	ssize_t n;

	if (c->k_flags & HANDOFF_LINGER) {
		keeper_drain(k, c);
		return;
	}
	n = read(c->k_fd, keeper_rd, HANDOFF_MAX_BYTES - seen);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		log_error(LOG_DEBUG, "keeper: %s: %s", KC_PEER(c),
			  n == 0 ? "closed by the client" : strerror(errno));
		keeper_close(k, c);
		return;
	}
	if (kc_append(c, keeper_rd, (size_t)n) < 0) {
		log_error(LOG_ERR, "keeper: out of memory, closing %s", KC_PEER(c));
		keeper_close(k, c);
		return;
	}
	/*
	 * The header timeout runs from a request's first byte; until then the
	 * deadline the worker set (keep-alive or header timeout) held.
	 */
	if (seen == 0 && c->k_header_ms > 0) {
		c->k_deadline_ms = conn_now_ms() + c->k_header_ms;
		heap_fix(k, c);
	}
	if (handoff_head_ready_from(c->k_buf, c->k_len, seen)) {
		keeper_unwatch(k, c);
		keeper_queue(k, c);
	}
}

/*
 * Deadlines that have passed: a connection that sent nothing, or that is
 * closing, is closed, as
 * a worker closes an idle keep-alive connection; one that sent part of a
 * head goes to a worker as it is, whose deadline check answers 408.
 */
static void keeper_expire(struct keeper *k, int64_t now)
{
	while (k->nheap > 0 && k->heap[0]->k_deadline_ms <= now) {
		struct kconn *c = k->heap[0];

		log_error(LOG_DEBUG, "keeper: %s: timed out with %u bytes",
			  KC_PEER(c), (unsigned)c->k_len);
		if (c->k_len == 0 || (c->k_flags & HANDOFF_LINGER)) {
			keeper_close(k, c);
		} else {
			keeper_unwatch(k, c);
			keeper_queue(k, c);
		}
	}
}

/* ---- to the workers ---- */

static void keeper_arm_outbox(struct keeper *k, bool on)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = &tag_outbox };

	if (on == k->out_armed)
		return;
	if (epoll_ctl(k->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, k->outbox, &ev) < 0 &&
	    errno != (on ? EEXIST : ENOENT)) {
		log_error(LOG_ERR, "keeper: epoll_ctl outbox: %s", strerror(errno));
		if (on)
			return; /* keeper_flush() tries again at the next wakeup */
	}
	k->out_armed = on;
}

/* Pass c on: 0 it is gone from the keeper (sent, or dropped), -1 keep it and wait. */
static int keeper_send(struct keeper *k, struct kconn *c)
{
	keeper_h.fd = c->k_fd;
	keeper_h.flags = c->k_flags;
	keeper_h.deadline_ms = c->k_deadline_ms;
	keeper_h.header_ms = c->k_header_ms;
	keeper_h.len = c->k_len;
	keeper_h.peer = c->k_peer;
	keeper_h.local = c->k_local;
	if (c->k_len > 0)
		memcpy(keeper_h.buf, c->k_buf, c->k_len);
	if (handoff_send(k->outbox, &keeper_h) == 0) {
		log_error(LOG_DEBUG, "keeper: %s: to a worker with %u bytes",
			  KC_PEER(c), (unsigned)c->k_len);
		return 0;
	}
	switch (errno) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
		return -1; /* every worker is busy: EPOLLOUT says when one takes a connection */
	case EPIPE:
	case ECONNREFUSED:
	case ECONNRESET:
	case ENOTCONN:
		/* That generation's workers are all gone; the master sends the next one's outbox. */
		log_error(LOG_WARN, "keeper: outbox: %s; holding connections until a new one",
			  strerror(errno));
		k->out_gone = true;
		return -1;
	default:
		log_error(LOG_ERR, "keeper: outbox: %s; closing %s", strerror(errno), KC_PEER(c));
		close(c->k_fd);
		kc_uncount(k, c);
		return 0;
	}
}

static void keeper_flush(struct keeper *k)
{
	while (k->q_head && !k->out_gone) {
		struct kconn *c = k->q_head;

		if (keeper_send(k, c) < 0)
			break;
		k->q_head = c->k_next;
		if (!k->q_head)
			k->q_tail = NULL;
		kc_free(k, c);
	}
	keeper_arm_outbox(k, k->q_head && !k->out_gone);
}

/* ---- from the master ---- */

static void keeper_new_outbox(struct keeper *k, int fd)
{
	keeper_arm_outbox(k, false);
	close(k->outbox);
	k->outbox = fd;
	k->out_gone = false;
	log_error(LOG_INFO, "keeper: new outbox, %zu connections held", k->held);
}

static void keeper_ctl_msg(struct keeper *k, const struct ctl_msg *m)
{
	int used = 0, err = -1, acc = -1;

	switch (m->type) {
	case CTL_OUTBOX:
		if (m->nfds >= 1)
			keeper_new_outbox(k, m->fds[used++]);
		break;
	case CTL_LOGS:
		used = ctl_logs(m, &err, &acc);
		log_adopt(err, acc);
		break;
	default:
		log_error(LOG_WARN, "keeper: unknown control message %d", m->type);
	}
	for (int i = used; i < m->nfds; i++)
		close(m->fds[i]);
}

/* false: the master is gone, and the keeper with it. */
static bool keeper_on_ctl(struct keeper *k)
{
	struct ctl_msg m;
	int r = 0;

	for (int i = 0; i < KEEPER_BATCH && (r = ctl_recv(k->ctl, &m)) == 1; i++)
		keeper_ctl_msg(k, &m);
	if (r < 0) {
		log_error(LOG_NOTICE, "keeper: control channel: %s; exiting",
			  errno == ECONNRESET ? "the master is gone" : strerror(errno));
		return false;
	}
	return true;
}

static void keeper_on_inbox(struct keeper *k)
{
	for (int i = 0; i < KEEPER_BATCH; i++) {
		int r = handoff_recv(k->inbox, &keeper_h);

		if (r == 0)
			return;
		if (r == 1) {
			keeper_take(k, &keeper_h);
			continue;
		}
		log_error(LOG_ERR, "keeper: inbox: %s", strerror(errno));
		/* No sender is left, not even the master: stop listening, wait for ctl's end. */
		if (errno == ECONNRESET && epoll_ctl(k->ep, EPOLL_CTL_DEL, k->inbox, NULL) < 0)
			log_error(LOG_ERR, "keeper: epoll_ctl inbox: %s", strerror(errno));
		return;
	}
}

/* ---- the loop ---- */

static int keeper_setup(struct keeper *k)
{
	struct epoll_event in = { .events = EPOLLIN, .data.ptr = &tag_inbox };
	struct epoll_event ctl = { .events = EPOLLIN, .data.ptr = &tag_ctl };

	k->ep = epoll_create1(EPOLL_CLOEXEC);
	if (k->ep < 0) {
		log_error(LOG_ERR, "keeper: epoll_create1: %s", strerror(errno));
		return -1;
	}
	if (epoll_ctl(k->ep, EPOLL_CTL_ADD, k->inbox, &in) < 0 ||
	    epoll_ctl(k->ep, EPOLL_CTL_ADD, k->ctl, &ctl) < 0) {
		log_error(LOG_ERR, "keeper: epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Milliseconds until the nearest deadline, for epoll_wait; -1: none. */
static int keeper_timeout(const struct keeper *k, int64_t now)
{
	int64_t d;

	if (k->nheap == 0)
		return -1;
	d = k->heap[0]->k_deadline_ms - now;
	if (d <= 0)
		return 0;
	return d > INT_MAX ? INT_MAX : (int)d;
}

/* false: time to exit. */
static bool keeper_event(struct keeper *k, const struct epoll_event *e)
{
	void *p = e->data.ptr;

	if (p == &tag_ctl)
		return keeper_on_ctl(k);
	if (p == &tag_inbox)
		keeper_on_inbox(k);
	else if (p != &tag_outbox) /* the outbox: keeper_flush() runs after every wakeup */
		keeper_read(k, p);
	return true;
}

/* Closing is what the clients see (EOF); memory goes with the process. */
static void keeper_exit(struct keeper *k, int status) __attribute__((noreturn));
static void keeper_exit(struct keeper *k, int status)
{
	log_error(LOG_INFO, "keeper: exiting, closing %zu connections", k->held);
	for (size_t i = 0; i < k->nheap; i++) {
		close(k->heap[i]->k_fd);
		kc_uncount(k, k->heap[i]);
	}
	for (struct kconn *c = k->q_head; c; c = c->k_next) {
		close(c->k_fd);
		kc_uncount(k, c);
	}
	k->held = 0;
	keeper_count(k, 0);
	cov_flush();
	_exit(status);
}

void keeper_main(const struct keeper_args *a)
{
	struct keeper k = {
		.ep = -1, .inbox = a->inbox, .outbox = a->outbox, .ctl = a->ctl, .g = a->g,
		.ips = a->ips,
	};
	struct epoll_event ev[KEEPER_BATCH];
	sigset_t wait_mask;

	keeper_signals(&wait_mask);
	keeper_raise_nofile();
	keeper_count(&k, 0);
	if (keeper_setup(&k) < 0) {
		cov_flush();
		_exit(1);
	}
	while (!keeper_stop) {
		int n = epoll_pwait(k.ep, ev, KEEPER_BATCH,
				    keeper_timeout(&k, conn_now_ms()), &wait_mask);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error(LOG_ERR, "keeper: epoll_pwait: %s", strerror(errno));
			keeper_exit(&k, 1);
		}
		for (int i = 0; i < n; i++)
			if (!keeper_event(&k, &ev[i]))
				keeper_exit(&k, 0);
		keeper_expire(&k, conn_now_ms());
		keeper_flush(&k);
	}
	keeper_exit(&k, 0);
}
