#include "ctl.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scm.h"

/* The fixed part of a message; descriptors travel beside it as SCM_RIGHTS. */
struct ctl_wire {
	int32_t type;
	int32_t flags;
	int32_t nfds;
};

/* Room for more descriptors than a valid message carries, so extras can be seen and closed. */
#define CTL_RX_FDS (CTL_MAX_FDS + 4)

int ctl_send(int sock, const struct ctl_msg *m)
{
	struct ctl_wire w = { .type = m->type, .flags = m->flags, .nfds = m->nfds };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(CTL_MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = &w, .iov_len = sizeof(w) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (m->nfds < 0 || m->nfds > CTL_MAX_FDS) {
		errno = EINVAL;
		return -1;
	}
	if (m->nfds > 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)m->nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)m->nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), m->fds, (size_t)m->nfds * sizeof(int));
	}
	/*
	 * The master must never wait for a child: a child that stopped reading
	 * costs it an EAGAIN here, not a hang. MSG_NOSIGNAL: a child that is
	 * gone is an EPIPE, not a SIGPIPE.
	 */
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != sizeof(w)) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* Receive one datagram: 1 a message, 0 a malformed one dropped, -1 nothing, EOF or an error. */
static int ctl_recv_one(int sock, struct ctl_msg *m)
{
	struct ctl_wire w;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(CTL_RX_FDS * sizeof(int))];
	} ctl;
	/* One spare byte, so that a longer (foreign) datagram shows as MSG_TRUNC or a wrong size. */
	char spare;
	struct iovec iov[2] = {
		{ .iov_base = &w, .iov_len = sizeof(w) },
		{ .iov_base = &spare, .iov_len = 1 },
	};
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	int fds[CTL_RX_FDS], nfds;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0 && msg.msg_controllen == 0) {
		errno = ECONNRESET; /* the master closed its end: it is gone */
		return -1;
	}
	nfds = scm_take_fds(&msg, fds, CTL_RX_FDS);
	if ((msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || (size_t)n != sizeof(w) ||
	    w.nfds != nfds || nfds > CTL_MAX_FDS) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return 0;
	}
	m->type = w.type;
	m->flags = w.flags;
	m->nfds = nfds;
	for (int i = 0; i < CTL_MAX_FDS; i++)
		m->fds[i] = i < nfds ? fds[i] : -1;
	return 1;
}

int ctl_recv(int sock, struct ctl_msg *m)
{
	/* A worker calls this from a signal handler: leave errno as found unless failing. */
	int saved = errno;

	for (;;) {
		int r = ctl_recv_one(sock, m);

		if (r == 1) {
			errno = saved;
			return 1;
		}
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			errno = saved;
			return 0;
		}
	}
}

int ctl_logs(const struct ctl_msg *m, int *err_fd, int *acc_fd)
{
	int used = 0;

	*err_fd = *acc_fd = -1;
	if ((m->flags & CTL_LOGS_ERR) && used < m->nfds)
		*err_fd = m->fds[used++];
	if ((m->flags & CTL_LOGS_ACC) && used < m->nfds)
		*acc_fd = m->fds[used++];
	return used;
}
