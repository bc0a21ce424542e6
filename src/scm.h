/*
 * scm — descriptors that arrived with a unix-socket message (SCM_RIGHTS),
 * the one piece handoff.c and ctl.c both need on the receiving side.
 *
 * Contract: scm_take_fds() collects the descriptors of every SCM_RIGHTS
 * block of a received msghdr, at most max; the kernel has already closed
 * any that did not fit the control buffer (and set MSG_CTRUNC). Pure
 * arithmetic and copying, so it is async-signal-safe (memcpy is on
 * POSIX.1-2017's list).
 */
#ifndef PFHTTPD_SCM_H
#define PFHTTPD_SCM_H

#include <sys/socket.h>

/* How many descriptors it stored in fds. */
int scm_take_fds(struct msghdr *msg, int *fds, int max);

#endif
