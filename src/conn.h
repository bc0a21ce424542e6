/*
 * conn — one client connection's byte stream.
 *
 * Contract: every read, write and sendfile on a client socket goes through
 * here, so a TLS connection can later stand behind the same four calls. The
 * socket is non-blocking; each call waits in poll(2) for at most its timeout
 * and gives up with errno ETIMEDOUT, or EINTR once the worker is told to
 * stop. Writes either send everything or fail. Each direction also has a
 * minimum rate (limits.min_send_rate, limits.min_body_rate) judged over
 * windows of its timeout: a client that moves fewer bytes than the rate
 * asks for in a window is cut and logged, so trickling one byte before
 * each timeout cannot hold a worker for hours. conn owns its input buffer,
 * allocated once per worker and reused for every connection, holding the
 * bytes of the current request and any pipelined ones after it.
 */
#ifndef PFHTTPD_CONN_H
#define PFHTTPD_CONN_H

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

/*
 * One direction's minimum rate. The window's clock runs only while conn
 * waits for the client (a write that would block, a body read with nothing
 * to read), so time the server spends elsewhere (a slow CGI script, the
 * disk) is never held against the client.
 */
struct conn_rate {
	uint32_t r_min;                /* bytes per second; 0: off */
	int64_t r_window_ms;           /* the direction's timeout */
	int64_t r_waited_ms;           /* waited in this window so far */
	uint64_t r_bytes;              /* moved in this window so far */
};

struct conn {
	int c_fd;
	char c_peer[INET6_ADDRSTRLEN]; /* client address, text */
	struct sockaddr_storage c_peer_addr, c_local_addr; /* as sockaddrs (status.allow, hand-off) */
	int c_peer_port;
	int c_local_port;
	char *c_in;                    /* input buffer */
	size_t c_in_cap;
	size_t c_in_len;               /* bytes held */
	size_t c_in_pos;               /* start of the unconsumed bytes */
	bool c_keepalive;              /* keep the connection after this response */
	bool c_shut;                   /* our side is shut down (conn_shutdown) */
	bool c_eof;                    /* conn_linger saw the client's end: nothing left to drain */
	bool c_last;                   /* the client's last request, without a body, nothing after it */
	int64_t c_deadline_ms;         /* set by a hand-back from the keeper: the head's deadline; 0 none */
	struct conn_rate c_send;       /* response bytes, reset per request */
	struct conn_rate c_recv;       /* request-body bytes, reset per request */
	uint8_t c_ip_key[16];          /* the peer as IPv6 (IPv4 mapped), for limits.connections_per_ip */
	bool c_ip_counted;             /* counted in the scoreboard's per-address table */
};

/* Set by the worker's signal handler: blocking waits give up with EINTR. */
extern volatile sig_atomic_t conn_stopping;

/*
 * Set by the worker's signal handlers: finish the request in flight, then
 * CONN_RETIRE_CLOSE closes the connection (graceful stop) and
 * CONN_RETIRE_HANDOFF passes it to the keeper (reload, a shrinking pool).
 */
enum { CONN_RETIRE_NONE, CONN_RETIRE_CLOSE, CONN_RETIRE_HANDOFF };
extern volatile sig_atomic_t conn_retiring;

int64_t conn_now_ms(void);

/*
 * Set by a worker (worker.c), so that what it holds for others does not
 * wait behind one client's slow request: its seat on the listening
 * sockets, and its parked keep-alive connections (park.h). conn_poll calls
 * it with held true once a wait has lasted CONN_HOLD_MS; conn_wait_script
 * with held false as a script starts, which may take any time.
 */
extern void (*conn_wait_hook)(bool held);
#define CONN_HOLD_MS 5

/*
 * poll(2) for every wait of a worker (a client, a script's pipes): after
 * CONN_HOLD_MS with nothing ready, conn_wait_hook's turn, then the rest.
 */
int conn_poll(struct pollfd *pfd, nfds_t n, int timeout_ms);

/* A script has started: conn_wait_hook(false), if set. */
void conn_wait_script(void);

/* Once per worker. */
int conn_alloc(struct conn *c, size_t in_cap);
void conn_free(struct conn *c);

/* How long a closing connection may drain what the client still sends. */
#define CONN_LINGER_MS 1000

/* Take over an accepted socket. */
void conn_open(struct conn *c, int fd, const struct sockaddr_storage *peer,
	       const struct sockaddr_storage *local);
void conn_close(struct conn *c);

/*
 * The client is peer, not the socket's other end: what a trusted proxy
 * reported in its PROXY header (proxy_proto.h). c_peer, c_peer_port and
 * c_peer_addr change, so everything downstream (REMOTE_ADDR, the logs,
 * status.allow, access rules, a hand-off to the keeper) sees the client.
 */
void conn_set_peer(struct conn *c, const struct sockaddr_storage *peer);

/* The text of an address as c_peer shows it (an IPv4-mapped IPv6 one as
 * IPv4; "-" for another family), its port in *port. */
void conn_addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap, int *port);

/* conn_close() in two steps, so the drain can be left to another process. */
bool conn_shutdown(struct conn *c);
/* Read and drop until EOF (true) or deadline (false). */
bool conn_linger(struct conn *c, int64_t deadline_ms);
/* With c_last set, close at once if the client has sent nothing more (true); false: linger. */
bool conn_close_quiet(struct conn *c);

/* Forget a connection that another process now holds (its descriptor already closed here). */
void conn_release(struct conn *c);

/* Drop consumed bytes so the unconsumed ones start at c_in[0]. */
void conn_compact(struct conn *c);

/*
 * Read more bytes into c_in after c_in_len, waiting until deadline_ms
 * (conn_now_ms() clock). Returns bytes read, 0 on EOF, -1 on error
 * (errno ETIMEDOUT, EINTR when stopping, ENOBUFS when the buffer is full).
 */
ssize_t conn_fill(struct conn *c, int64_t deadline_ms);

/* Read bytes available now, without waiting: >0, 0 EOF, -1 with EAGAIN or an error. */
ssize_t conn_fill_nowait(struct conn *c);

/*
 * Start both rate windows afresh, for a new request: send_rate over
 * send_s-second windows, body_rate over body_s-second windows (0: off).
 */
void conn_rate_start(struct conn *c, uint32_t send_rate, int send_s,
		     uint32_t body_rate, int body_s);

/*
 * Account waited_ms of waiting for the client and bytes moved. At the end
 * of each window: false when fewer than r_min bytes per second of it moved
 * (*got set to that window's bytes), and the next window starts either way.
 */
bool conn_rate_ok(struct conn_rate *r, int64_t waited_ms, uint64_t bytes, uint64_t *got);

/* When a wait that starts at now must wake for the window's end: min(that, deadline). */
int64_t conn_rate_until(const struct conn_rate *r, int64_t now, int64_t deadline);

/*
 * Send all of iov; no progress for timeout_s seconds, or a window of
 * c_send below its rate, is a failure (ETIMEDOUT, logged). 0 or -1.
 */
int conn_writev(struct conn *c, struct iovec *iov, int iovcnt, int timeout_s);
int conn_write(struct conn *c, const void *buf, size_t len, int timeout_s);

/* Send len bytes of fd from off with sendfile(2). 0 or -1. */
int conn_sendfile(struct conn *c, int fd, off_t off, uint64_t len, int timeout_s);

#endif
