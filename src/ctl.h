/*
 * ctl — the master's control channel to one child (a worker or the keeper):
 * one SOCK_SEQPACKET socketpair per child, made at fork.
 *
 * Contract: the master sends small typed messages that may carry
 * descriptors (SCM_RIGHTS); the child receives them without blocking.
 * ctl_recv uses only async-signal-safe calls (recvmsg, close), so a worker
 * may call it from its SIGUSR1 handler. Received descriptors are O_CLOEXEC.
 */
#ifndef PFHTTPD_CTL_H
#define PFHTTPD_CTL_H

#define CTL_MAX_FDS 4

enum ctl_type {
	CTL_LOGS = 1,    /* fds: the error log, then the access log, each present when its flag is */
	CTL_OUTBOX = 2,  /* fds: the send end of the new generation's dispatch socket (keeper only) */
	CTL_LOG_SLOTS = 3, /* fds: the vhosts' log files (log.h slots) from slot flags on (current workers only) */
};

#define CTL_LOGS_ERR 0x1      /* CTL_LOGS flags */
#define CTL_LOGS_ACC 0x2

struct ctl_msg {
	int type;                    /* enum ctl_type */
	int flags;                   /* CTL_LOGS: bit 0 error log present, bit 1 access log present */
	int nfds;
	int fds[CTL_MAX_FDS];
};

/* 0 or -1 with errno. */
int ctl_send(int sock, const struct ctl_msg *m);

/* 1 a message in *m; 0 nothing waiting; -1 error or the master is gone. */
int ctl_recv(int sock, struct ctl_msg *m);

/*
 * A CTL_LOGS message's descriptors (-1 for a log it does not carry).
 * Returns how many of m->fds it named; the caller closes the rest.
 * Async-signal-safe.
 */
int ctl_logs(const struct ctl_msg *m, int *err_fd, int *acc_fd);

#endif
