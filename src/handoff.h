/*
 * handoff — move a client connection between processes over a
 * SOCK_SEQPACKET unix socket: worker → keeper when it has nothing to do but
 * wait, keeper → worker when a complete request head has arrived.
 *
 * Contract: one message carries exactly one connection: its descriptor
 * (SCM_RIGHTS), the bytes already read from it, its deadline and the facts
 * about it (peer and local address), so nothing assumes the receiver can
 * learn them from a TCP socket (room for TLS later, see ROADMAP). A message
 * is sent whole or not at all. The sender always closes its own copy of the
 * descriptor after a successful send; after a failed send it still owns it.
 * handoff_recv never blocks; a received descriptor is O_CLOEXEC and
 * O_NONBLOCK. A received message that is malformed (wrong size or magic, no
 * descriptor) is dropped, any descriptor in it closed.
 */
#ifndef PFHTTPD_HANDOFF_H
#define PFHTTPD_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Bytes that may travel with a connection; a worker holding more keeps it. */
#define HANDOFF_MAX_BYTES 32768

#define HANDOFF_FIRST 0x1u   /* no request has been served on this connection yet */
#define HANDOFF_LINGER 0x2u  /* closing: already shut down for writing; drain until EOF or the
				deadline, then close; never back to a worker */
#define HANDOFF_COUNTED 0x4u /* counted in the scoreboard's address table: whoever closes it
				for good uncounts it (scoreboard.h) */

struct handoff {
	int fd;                      /* the client socket */
	uint32_t flags;              /* HANDOFF_* */
	int64_t deadline_ms;         /* CLOCK_MONOTONIC ms (conn_now_ms()): give up then */
	uint32_t header_ms;          /* timeouts.header of the sender, in ms */
	uint32_t len;                /* bytes already read, in buf */
	struct sockaddr_storage peer, local;
	char buf[HANDOFF_MAX_BYTES];
};

/* 0 sent (h->fd is no longer the caller's to close); -1 with errno (EAGAIN: queue full). */
int handoff_send(int sock, const struct handoff *h);

/* 1 a connection in *h; 0 none waiting (EAGAIN); -1 with errno (peer gone: ECONNRESET). */
int handoff_recv(int sock, struct handoff *h);

/*
 * Pure: does buf hold a complete request head (the empty line that ends
 * it), or bytes that can never start a valid one (the worker should answer
 * at once)? 1 ready to pass to a worker, 0 need more.
 */
int handoff_head_ready(const char *buf, size_t len);

/*
 * The same judgement for a buffer that grows: its first `seen` bytes were
 * already judged "need more", so only what follows them is searched and a
 * client sending one byte at a time costs O(1) per byte, not O(len)
 * (each line is read back once, when it ends).
 */
int handoff_head_ready_from(const char *buf, size_t len, size_t seen);

#endif
