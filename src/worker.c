#include "worker.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "log.h"
#include "request.h"
#include "scoreboard.h"

static void worker_on_stop(int sig)
{
	(void)sig;
	conn_stopping = 1;
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
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A worker must not outlive its master (kill -9, OOM killer): it would keep
 * the port and serve with a stale configuration. The kernel tells it.
 */
static void worker_tie_to_master(pid_t master)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		log_error(LOG_WARN, "PR_SET_PDEATHSIG: %s", strerror(errno));
	if (getppid() != master)
		_exit(0); /* the master died before the line above */
}

static void worker_serve(struct request_ctx *x, const struct site *site,
			 struct conn *c, int fd)
{
	const struct conf *cf = site->conf;
	struct sockaddr_storage peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	int one = 1;
	bool first = true;

	if (getpeername(fd, (struct sockaddr *)&peer, &plen) < 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &llen) < 0) {
		close(fd);
		return;
	}
	/* Headers leave in one write and bodies by sendfile: Nagle would only add delay. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		log_error(LOG_WARN, "TCP_NODELAY: %s", strerror(errno));
	conn_open(c, fd, &peer, &local);
	for (;;) {
		x->last = cf->workers.max_requests > 0 && x->slot &&
			  x->slot->requests + 1 >= (uint64_t)cf->workers.max_requests;
		if (!request_serve(x, site, c, first))
			break;
		first = false;
	}
	conn_close(c);
}

/* Accept one connection from a ready listening socket, or -1 (another worker won it). */
static int worker_accept(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

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
 * Wait for a connection. The stop signals are blocked from the flag check
 * until ppoll() atomically unblocks them, so a stop that arrives in between
 * cannot be lost while the worker sleeps.
 */
static int worker_wait(struct pollfd *pfds, size_t n)
{
	sigset_t stop, old;
	int r = -1;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (!conn_stopping) {
		r = ppoll(pfds, (nfds_t)n, NULL, &old);
		if (r < 0 && errno != EINTR)
			log_error(LOG_ERR, "poll: %s", strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

void worker_main(const struct site *site, const int *lfds, size_t nlfds,
		 struct sb_slot *slot, pid_t master)
{
	const struct conf *cf = site->conf;
	struct pollfd pfds[nlfds];
	struct request_ctx x;
	struct conn c;

	worker_signals();
	worker_tie_to_master(master);
	if (request_ctx_init(&x, cf) < 0 ||
	    conn_alloc(&c, cf->limits.header_bytes + 65536) < 0) {
		log_error(LOG_ERR, "worker: out of memory");
		_exit(1);
	}
	x.slot = slot;
	for (size_t i = 0; i < nlfds; i++)
		pfds[i] = (struct pollfd){ .fd = lfds[i], .events = POLLIN };

	while (!conn_stopping) {
		if (cf->workers.max_requests > 0 && slot->requests >= (uint64_t)cf->workers.max_requests)
			break;
		slot->state = SB_IDLE;
		if (worker_wait(pfds, nlfds) < 0)
			continue;
		for (size_t i = 0; i < nlfds && !conn_stopping; i++) {
			int fd;
			if (!(pfds[i].revents & POLLIN))
				continue;
			fd = worker_accept(pfds[i].fd);
			if (fd >= 0)
				worker_serve(&x, site, &c, fd);
		}
	}
	slot->state = SB_STOPPING;
	request_ctx_free(&x);
	conn_free(&c);
	exit(0);
}
