#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

volatile sig_atomic_t conn_stopping;
volatile sig_atomic_t conn_retiring;

int64_t conn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void (*conn_wait_hook)(bool held);

void conn_wait_script(void)
{
	if (conn_wait_hook)
		conn_wait_hook(false);
}

int conn_poll(struct pollfd *pfd, nfds_t n, int timeout_ms)
{
	if (conn_wait_hook && (timeout_ms < 0 || timeout_ms > CONN_HOLD_MS)) {
		int r = poll(pfd, n, CONN_HOLD_MS);

		if (r != 0)
			return r;
		conn_wait_hook(true);
		if (timeout_ms > 0)
			timeout_ms -= CONN_HOLD_MS;
	}
	return poll(pfd, n, timeout_ms);
}

int conn_alloc(struct conn *c, size_t in_cap)
{
	memset(c, 0, sizeof(*c));
	c->c_fd = -1;
	c->c_in = malloc(in_cap);
	if (!c->c_in)
		return -1;
	c->c_in_cap = in_cap;
	return 0;
}

void conn_free(struct conn *c)
{
	free(c->c_in);
	c->c_in = NULL;
}

void conn_addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap, int *port)
{
	const void *a;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		/* Show an IPv4 client of a dual-stack socket as IPv4, as users expect in logs. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, (socklen_t)cap);
			*port = ntohs(s6->sin6_port);
			return;
		}
		a = &s6->sin6_addr;
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		a = &s4->sin_addr;
		*port = ntohs(s4->sin_port);
	}
	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)cap))
		strcpy(buf, "-");
}

void conn_open(struct conn *c, int fd, const struct sockaddr_storage *peer,
	       const struct sockaddr_storage *local)
{
	char ignored[INET6_ADDRSTRLEN];

	c->c_fd = fd;
	c->c_in_len = c->c_in_pos = 0;
	c->c_keepalive = true;
	c->c_shut = c->c_eof = c->c_last = false;
	c->c_deadline_ms = 0;
	c->c_ip_counted = false;
	conn_rate_start(c, 0, 0, 0, 0);
	c->c_local_addr = *local;
	conn_set_peer(c, peer);
	conn_addr_text(local, ignored, sizeof(ignored), &c->c_local_port);
}

void conn_set_peer(struct conn *c, const struct sockaddr_storage *peer)
{
	c->c_peer_addr = *peer;
	conn_addr_text(peer, c->c_peer, sizeof(c->c_peer), &c->c_peer_port);
}

/*
 * Half-close and drain before close(): closing with unread bytes pending
 * makes the kernel send RST, which can destroy the response still in
 * flight (RFC 9112 9.6).
 */
bool conn_shutdown(struct conn *c)
{
	if (shutdown(c->c_fd, SHUT_WR) < 0)
		return false;
	c->c_shut = true;
	return true;
}

bool conn_linger(struct conn *c, int64_t deadline_ms)
{
	char sink[4096];
	struct pollfd pfd = { .fd = c->c_fd, .events = POLLIN };

	for (;;) {
		int64_t left = deadline_ms - conn_now_ms();
		ssize_t n = read(c->c_fd, sink, sizeof(sink));

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			c->c_eof = true;
			return true;
		}
		if (n > 0)
			continue;
		if (left <= 0 || conn_poll(&pfd, 1, left > 100 ? 100 : (int)left) < 0)
			return false;
	}
}

/*
 * Lingering protects a response from the RST that close() sends when
 * unread bytes wait (RFC 9112 9.6). A client that said "close" on a request
 * without a body, and sent nothing after it, leaves none: if the kernel
 * holds none either, close() sends FIN after the response, and the wait for
 * the client's own FIN (shutdown, poll, read: a sleep and a wake-up per
 * connection) buys nothing. nginx's lingering_close skips it the same way
 * unless more data is expected. One bodyless peek decides; a byte that
 * arrives later can only be a client breaking its own "close".
 */
bool conn_close_quiet(struct conn *c)
{
	char b;
	ssize_t n;

	if (!c->c_last || c->c_in_pos != c->c_in_len)
		return false;
	n = recv(c->c_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		return false;
	close(c->c_fd); /* EOF, nothing queued (EAGAIN), or a connection already gone */
	c->c_fd = -1;
	return true;
}

void conn_close(struct conn *c)
{
	if (c->c_fd >= 0) {
		/* After worker_close's own shutdown and drain, not the same two system calls again. */
		if (!c->c_eof && (c->c_shut || conn_shutdown(c)))
			(void)conn_linger(c, conn_now_ms() + CONN_LINGER_MS);
		close(c->c_fd);
	}
	c->c_fd = -1;
}

void conn_release(struct conn *c)
{
	/* handoff_send() closed the descriptor; shutdown() would have ended it for the new holder too. */
	c->c_fd = -1;
}

void conn_compact(struct conn *c)
{
	if (c->c_in_pos == 0)
		return;
	memmove(c->c_in, c->c_in + c->c_in_pos, c->c_in_len - c->c_in_pos);
	c->c_in_len -= c->c_in_pos;
	c->c_in_pos = 0;
}

/* Wait for events until deadline; 1 ready, -1 with errno set. */
static int conn_wait(struct conn *c, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = c->c_fd, .events = events };

	for (;;) {
		int64_t left = deadline - conn_now_ms();
		int r;

		if (conn_stopping) {
			errno = EINTR;
			return -1;
		}
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = conn_poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

ssize_t conn_fill_nowait(struct conn *c)
{
	ssize_t n;

	if (c->c_in_len == c->c_in_cap) {
		errno = ENOBUFS;
		return -1;
	}
	do
		n = read(c->c_fd, c->c_in + c->c_in_len, c->c_in_cap - c->c_in_len);
	while (n < 0 && errno == EINTR && !conn_stopping);
	if (n > 0)
		c->c_in_len += (size_t)n;
	return n;
}

ssize_t conn_fill(struct conn *c, int64_t deadline_ms)
{
	for (;;) {
		ssize_t n = conn_fill_nowait(c);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n;
		if (conn_wait(c, POLLIN, deadline_ms) < 0)
			return -1;
	}
}

static void conn_rate_init(struct conn_rate *r, uint32_t min, int window_s)
{
	r->r_min = window_s > 0 ? min : 0;
	r->r_window_ms = window_s * 1000LL;
	r->r_waited_ms = 0;
	r->r_bytes = 0;
}

void conn_rate_start(struct conn *c, uint32_t send_rate, int send_s,
		     uint32_t body_rate, int body_s)
{
	conn_rate_init(&c->c_send, send_rate, send_s);
	conn_rate_init(&c->c_recv, body_rate, body_s);
}

bool conn_rate_ok(struct conn_rate *r, int64_t waited_ms, uint64_t bytes, uint64_t *got)
{
	uint64_t need;
	bool ok;

	if (r->r_min == 0)
		return true;
	/* A fast client never waits, so its window may hold a lot: saturate, never wrap. */
	r->r_bytes = bytes > UINT64_MAX - r->r_bytes ? UINT64_MAX : r->r_bytes + bytes;
	if (waited_ms > 0)
		r->r_waited_ms += waited_ms;
	if (r->r_waited_ms < r->r_window_ms)
		return true;
	/* At most 4294967295 * 86400, far below 2^64: conf bounds both factors. */
	need = (uint64_t)r->r_min * (uint64_t)(r->r_window_ms / 1000);
	ok = r->r_bytes >= need;
	*got = r->r_bytes;
	r->r_waited_ms = 0;
	r->r_bytes = 0;
	return ok;
}

int64_t conn_rate_until(const struct conn_rate *r, int64_t now, int64_t deadline)
{
	int64_t end;

	if (r->r_min == 0)
		return deadline;
	end = now + (r->r_window_ms - r->r_waited_ms);
	return end < deadline ? end : deadline;
}

/* Bytes written to c's socket that its peer has not acknowledged yet (SIOCOUTQ), or -1. */
static int64_t conn_unacked(const struct conn *c)
{
	int q;

	return ioctl(c->c_fd, SIOCOUTQ, &q) == 0 && q >= 0 ? q : -1;
}

/*
 * A write would block: wait until the client takes more. POLLOUT alone
 * cannot tell a slow client from a gone one: Linux reports it only once a
 * third of the send buffer (megabytes, after autotuning) is free. So the
 * wait wakes every second and reads how much of the queue the client has
 * taken (SIOCOUTQ): that is what the send window counts, and nothing taken
 * for timeout_s seconds is a stall. 0, or -1 with errno (ETIMEDOUT logged).
 */
static int conn_wait_send(struct conn *c, int timeout_s)
{
	int64_t mark = conn_now_ms(), stall = mark + timeout_s * 1000LL;
	int64_t queued = conn_unacked(c);

	for (;;) {
		int64_t until = conn_rate_until(&c->c_send, mark, stall);
		int r = conn_wait(c, POLLOUT, until - mark > 1000 ? mark + 1000 : until);
		int e = errno;
		int64_t now = conn_now_ms(), q = conn_unacked(c);
		uint64_t taken = 0, got;

		if (q >= 0 && queued >= 0 && q < queued) {
			taken = (uint64_t)(queued - q);
			stall = now + timeout_s * 1000LL; /* the client is still there */
		}
		queued = q;
		if (!conn_rate_ok(&c->c_send, now - mark, taken, &got)) {
			log_error(LOG_NOTICE, "[client %s:%d] took %llu bytes in %lld s, below "
				  "limits.min_send_rate %u: closing", c->c_peer, c->c_peer_port,
				  (unsigned long long)got, (long long)(c->c_send.r_window_ms / 1000),
				  (unsigned)c->c_send.r_min);
			errno = ETIMEDOUT;
			return -1;
		}
		mark = now;
		if (r > 0)
			return 0;
		if (e != ETIMEDOUT) {
			errno = e;
			return -1;
		}
		if (now >= stall) {
			log_error(LOG_NOTICE, "[client %s:%d] took nothing for %d s "
				  "(timeouts.send): closing", c->c_peer, c->c_peer_port, timeout_s);
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

int conn_writev(struct conn *c, struct iovec *iov, int iovcnt, int timeout_s)
{
	while (iovcnt > 0) {
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
		ssize_t n = sendmsg(c->c_fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR && !conn_stopping)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (conn_wait_send(c, timeout_s) < 0)
				return -1;
			continue;
		}
		/* A short write leaves the rest of the iovec to send: never take it as done. */
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int conn_write(struct conn *c, const void *buf, size_t len, int timeout_s)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return conn_writev(c, &iov, 1, timeout_s);
}

/*
 * Keep at most CONN_SEND_LOWAT bytes of a body queued but not yet sent
 * (TCP_NOTSENT_LOWAT, Linux 3.12): sendfile stops there, and POLLOUT comes
 * back once the unsent part is below it. Without the mark, sendfile fills
 * the whole autotuned send buffer (up to tcp_wmem's 4 MiB), and the kernel
 * pushes that backlog out from the client's side, a window's worth on each
 * of its acknowledgements. Issue 8 scenario (c) on loopback (10 MiB, 10
 * connections, wrk -t2), CPU per response of server and wrk together,
 * median of 3 alternating rounds: no mark 17.1 ms, 256 KiB 15.5, 128 KiB
 * 13.1, 64 KiB 12.1, 32 KiB 10.1, 16 KiB no better; lighttpd, which sends
 * 256 KiB per connection and pass of its event loop (a shallow queue too),
 * 15.5. 1 MiB and 200 KB files gained as well. The wake-ups it adds (about
 * 30 per 10 MiB instead of 8) cost far less than they save. Set for each
 * body that can reach the mark (one setsockopt); it then stays on the
 * connection, where it only shortens the waits of later responses.
 */
#define CONN_SEND_LOWAT 32768

static void conn_send_lowat(const struct conn *c, uint64_t len)
{
	int mark = CONN_SEND_LOWAT;

	if (len <= CONN_SEND_LOWAT)
		return;
	/* Failing (an old kernel, a socket that is not TCP) only costs speed: send as before. */
	(void)setsockopt(c->c_fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &mark, sizeof(mark));
}

int conn_sendfile(struct conn *c, int fd, off_t off, uint64_t len, int timeout_s)
{
	conn_send_lowat(c, len);
	while (len > 0) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t n = sendfile(c->c_fd, fd, &off, chunk);

		if (n < 0) {
			if (errno == EINTR && !conn_stopping)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (conn_wait_send(c, timeout_s) < 0)
				return -1;
			continue;
		}
		if (n == 0) {
			/* The file shrank under us: the promised length cannot be sent. */
			errno = EIO;
			return -1;
		}
		len -= (uint64_t)n;
	}
	return 0;
}
