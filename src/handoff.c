#include "handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "http_chars.h"
#include "log.h"
#include "scm.h"

/*
 * The fixed part of a message; the bytes follow it in the same datagram.
 * Both ends are the same binary on the same host, so the layout needs no
 * byte-order or versioning care beyond the magic, which catches a stray
 * writer on the socket.
 */
struct handoff_wire {
	uint32_t magic;
	uint32_t flags;
	int64_t deadline_ms;
	uint32_t header_ms;
	uint32_t len;
	struct sockaddr_storage peer, local;
};

#define HANDOFF_MAGIC 0x50464831u   /* "PFH1" */

/* Room for more descriptors than a valid message carries, so extras can be seen and closed. */
#define HANDOFF_RX_FDS 4

/*
 * Empty-line bytes tolerated before the request line. RFC 9112 2.2 asks a
 * server to ignore at least one; the worker's parser refuses more than 256
 * bytes of them (http_parse.c, HTTP_PARSE_MAX_LEADING). Past this many the
 * answer is certain, and the bound keeps the rescan in
 * handoff_head_ready_from() constant per call.
 */
#define HANDOFF_MAX_LEADING 256

int handoff_send(int sock, const struct handoff *h)
{
	struct handoff_wire w;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov[2];
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	if (h->fd < 0 || h->len > HANDOFF_MAX_BYTES) {
		errno = EINVAL;
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.magic = HANDOFF_MAGIC;
	w.flags = h->flags;
	w.deadline_ms = h->deadline_ms;
	w.header_ms = h->header_ms;
	w.len = h->len;
	w.peer = h->peer;
	w.local = h->local;
	iov[0] = (struct iovec){ .iov_base = &w, .iov_len = sizeof(w) };
	iov[1] = (struct iovec){ .iov_base = (void *)h->buf, .iov_len = h->len };

	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &h->fd, sizeof(int));

	/* MSG_NOSIGNAL: a receiver that is gone is an EPIPE to handle, not a SIGPIPE. */
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* SOCK_SEQPACKET sends a datagram whole or fails, so this is only a guard. */
	if ((size_t)n != sizeof(w) + h->len) {
		errno = EMSGSIZE;
		return -1;
	}
	close(h->fd);
	return 0;
}

/* Why a received message cannot be a connection, or NULL if it is one. */
static const char *handoff_check(const struct msghdr *msg, ssize_t n,
				 const struct handoff_wire *w, int nfds)
{
	/* MSG_CTRUNC also covers a receiver out of descriptors (EMFILE): the kernel drops them. */
	if (msg->msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		return "truncated";
	if ((size_t)n < sizeof(*w))
		return "short";
	if (w->magic != HANDOFF_MAGIC)
		return "bad magic";
	if (w->len > HANDOFF_MAX_BYTES || (size_t)n != sizeof(*w) + w->len)
		return "bad length";
	if (nfds != 1)
		return "not one descriptor";
	return NULL;
}

static int handoff_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return (fl & O_NONBLOCK) ? 0 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Receive one datagram: 1 it is a connection, 0 it was dropped, -1 nothing or an error. */
static int handoff_recv_one(int sock, struct handoff *h)
{
	struct handoff_wire w;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(HANDOFF_RX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = &w, .iov_len = sizeof(w) },
		{ .iov_base = h->buf, .iov_len = HANDOFF_MAX_BYTES },
	};
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	int fds[HANDOFF_RX_FDS], nfds;
	const char *why;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0 && !(msg.msg_flags & MSG_CTRUNC) && msg.msg_controllen == 0) {
		/* Our senders never send an empty datagram: this is the end of the stream. */
		errno = ECONNRESET;
		return -1;
	}
	nfds = scm_take_fds(&msg, fds, HANDOFF_RX_FDS);
	why = handoff_check(&msg, n, &w, nfds);
	if (!why && handoff_nonblock(fds[0]) < 0)
		why = "O_NONBLOCK failed";
	if (why) {
		log_error(LOG_WARN, "handoff: dropped a message: %s (%zd bytes, %d fds)",
			  why, n, nfds);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return 0;
	}
	h->fd = fds[0];
	h->flags = w.flags;
	h->deadline_ms = w.deadline_ms;
	h->header_ms = w.header_ms;
	h->len = w.len;
	h->peer = w.peer;
	h->local = w.local;
	return 1;
}

int handoff_recv(int sock, struct handoff *h)
{
	/* A dropped message is not an answer: look at the next one. */
	for (;;) {
		int r = handoff_recv_one(sock, h);

		if (r == 1)
			return 1;
		if (r < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
}

/*
 * Where the request line starts: the length of the empty lines (CRLF, as
 * the worker's parser accepts) before it; past HANDOFF_MAX_LEADING at a
 * bare LF, which the parser refuses. *more is set when the buffer ends
 * inside them, or in a CR that may yet become CRLF.
 */
static size_t handoff_skip_empty(const char *buf, size_t len, bool *more)
{
	size_t i = 0;

	*more = false;
	while (i < len && i <= HANDOFF_MAX_LEADING) {
		if (buf[i] == '\n')
			return HANDOFF_MAX_LEADING + 1; /* a bare LF: the worker's 400 */
		else if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i += 2;
		else if (buf[i] == '\r' && i + 1 == len)
			break;
		else
			return i;
	}
	*more = i <= HANDOFF_MAX_LEADING;
	return i;
}

/*
 * Whether the line that ends at the CRLF before lf could still be the start
 * of a request: true for every line but the request line, which must have
 * the two spaces of "method SP request-target SP HTTP-version" (RFC 9112
 * 3). "GET /" (HTTP/0.9) is the worker's 400 at once, not a head to wait
 * for until the header timeout. The first line is the one with no LF
 * before it; looking back stops at the previous LF, so a head is read
 * back once in all, however it arrives.
 */
static bool handoff_line_ok(const char *line, const char *lf)
{
	const char *sp1, *sp2;

	if (memrchr(line, '\n', (size_t)(lf - line)))
		return true;
	sp1 = memchr(line, ' ', (size_t)(lf - line));
	sp2 = sp1 ? memrchr(sp1 + 1, ' ', (size_t)(lf - sp1 - 1)) : NULL;
	return sp2 != NULL && sp2 > sp1 + 1;
}

int handoff_head_ready_from(const char *buf, size_t len, size_t seen)
{
	size_t start, from;
	bool more;

	if (len >= HANDOFF_MAX_BYTES)
		return 1;
	start = handoff_skip_empty(buf, len, &more);
	if (start > HANDOFF_MAX_LEADING)
		return 1; /* the worker's parser answers 400 */
	if (more)
		return 0;
	/*
	 * A method is a token (RFC 9110 9.1): anything else (a TLS ClientHello's
	 * 0x16, binary noise, a CR without its LF) can never become a request,
	 * so the worker may answer 400 now instead of after the header timeout.
	 */
	if (!http_is_tchar((unsigned char)buf[start]))
		return 1;
	/*
	 * The head ends with an empty line: LF CRLF or LF LF (a bare LF line end
	 * is the worker's parser to judge). Both patterns end in LF and are at
	 * most 3 bytes long, so a terminator not present in the first `seen`
	 * bytes must start at seen - 2 or later. Neither can start before the
	 * request line's first byte, which is a tchar.
	 */
	from = seen > start + 2 ? seen - 2 : start;
	for (const char *p = buf + from, *end = buf + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
		/* A bare LF, anywhere in the head, is the worker's 400 (RFC 9112 2.2). */
		if (p[-1] != '\r')
			return 1;
		if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
			return 1;
		if (!handoff_line_ok(buf + start, p))
			return 1;
	}
	return 0;
}

int handoff_head_ready(const char *buf, size_t len)
{
	return handoff_head_ready_from(buf, len, 0);
}
