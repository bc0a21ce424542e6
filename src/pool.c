#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "cov.h"
#include "ctl.h"
#include "handoff.h"
#include "keeper.h"
#include "log.h"
#include "proctitle.h"
#include "worker.h"

#define POOL_BACKOFF_MAX_MS 32000    /* as Apache's: at most one start-up crash every 32 s */
#define POOL_SHRINK_EVERY_MS 1000    /* the master's tick when nothing is due sooner */
/*
 * While more than workers.max_spare are idle, one retires every 100 ms (not
 * one a second, as Apache's MaxSpareServers). It was chosen when every idle
 * worker waited on the listening sockets, each one more process that a new
 * connection might wake instead of a busy one taking it from the queue:
 * after a keep-alive burst had grown the pool to 57, short requests on new
 * connections ran at 9k/s until it shrank; at 17 workers, 18k/s (2 cores).
 * Since only the seated workers wait there (worker.c), a surplus worker
 * costs its memory only; the memory goes back as soon.
 */
#define POOL_RETIRE_EVERY_MS 100
#define POOL_HANDOFF_QUEUE (4 << 20) /* inbox buffer: room for every waiting connection */

static int64_t pool_now_ms(void)
{
	return conn_now_ms();
}

static int pool_socketpair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

/* Let many workers hand connections over at once without EAGAIN (root may exceed wmem_max). */
static void pool_big_queue(int fd)
{
	int n = POOL_HANDOFF_QUEUE;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n)) < 0)
		log_error(LOG_WARN, "SO_SNDBUF: %s", strerror(errno));
}

/*
 * The master holds a control socket per worker: let it reach SB_MAX_SLOTS
 * of them. Its children get the limit it started with back (pool_worker_child),
 * so CGI scripts see the usual one; the keeper raises its own.
 */
static void pool_raise_nofile(struct pool *p)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &p->nofile) < 0)
		return;
	rl = p->nofile;
	if (rl.rlim_cur >= SB_MAX_SLOTS + 1024)
		return;
	rl.rlim_cur = rl.rlim_max < SB_MAX_SLOTS + 1024 ? rl.rlim_max : SB_MAX_SLOTS + 1024;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_error(LOG_WARN, "RLIMIT_NOFILE: %s", strerror(errno));
}

/* The CPUs the master may run on (taskset, cpusets), which its children inherit. */
static int pool_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < SB_MAX_SLOTS ? (int)n : 1;
}

int pool_init(struct pool *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->inbox[0] = p->inbox[1] = p->wake[0] = p->wake[1] = p->keeper_ctl = p->bell = -1;
	for (size_t i = 0; i < SB_MAX_SLOTS; i++)
		p->ctl[i] = -1;
	p->master = getpid();
	pool_raise_nofile(p);
	if (scoreboard_create(&p->sb) < 0 || pool_socketpair(p->inbox) < 0 ||
	    pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    (p->bell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		snprintf(err, errlen, "cannot create the pool's shared state: %s", strerror(errno));
		return -1;
	}
	pool_big_queue(p->inbox[1]);
	p->sb.g->started = time(NULL);
	p->ncpu = pool_cpus();
	return 0;
}

int pool_gen_outbox(struct pool_gen *g, char *err, size_t errlen)
{
	if (pool_socketpair(g->outbox) == 0) {
		pool_big_queue(g->outbox[0]);
		return 0;
	}
	g->outbox[0] = g->outbox[1] = -1;
	snprintf(err, errlen, "cannot create a dispatch socket: %s", strerror(errno));
	return -1;
}

static void pool_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pool_free(struct pool *p)
{
	for (size_t i = 0; i < SB_MAX_SLOTS; i++)
		pool_close(&p->ctl[i]);
	for (size_t i = 0; i < p->nold; i++)
		pool_close(&p->old[i].fd);
	pool_close(&p->keeper_ctl);
	pool_close(&p->inbox[0]);
	pool_close(&p->inbox[1]);
	pool_close(&p->wake[0]);
	pool_close(&p->wake[1]);
	pool_close(&p->bell);
	scoreboard_destroy(&p->sb);
}

/* In a new child: drop the descriptors only the master may hold (other children's channels). */
static void pool_child_close(struct pool *p)
{
	for (size_t i = 0; i < SB_MAX_SLOTS; i++)
		pool_close(&p->ctl[i]);
	for (size_t i = 0; i < p->nold; i++)
		pool_close(&p->old[i].fd);
	pool_close(&p->keeper_ctl);
	pool_close(&p->wake[0]);
}

/*
 * A child must not outlive its master (kill -9, OOM killer): it would keep
 * the port and serve with a stale configuration. Set after the identity
 * switch, which clears the setting (prctl(2)).
 */
static void pool_child_tie(pid_t master)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		log_error(LOG_WARN, "PR_SET_PDEATHSIG: %s", strerror(errno));
	if (getppid() != master) {
		cov_flush();
		_exit(0); /* the master died before the line above */
	}
}

static void pool_child_identity(const struct pool *p, const struct identity *id, bool keeper)
{
	if ((keeper ? identity_become_keeper(id) : identity_become_worker(id)) < 0) {
		log_error(LOG_ERR, "%s: cannot switch identity: %s", keeper ? "keeper" : "worker",
			  strerror(errno));
		cov_flush();
		_exit(1);
	}
	pool_child_tie(p->master);
}

static void pool_worker_child(struct pool *p, const struct pool_gen *g, int slot, int ctl)
{
	struct worker_args a = {
		.site = &g->site, .lfds = g->lfds, .lproxy = g->lproxy, .nlfds = g->nlfds,
		.sb = &p->sb, .slot = &p->sb.slots[slot],
		.inbox = p->inbox[1], .outbox = g->outbox[1], .ctl = ctl,
		.wake = p->wake[1], .bell = p->bell,
	};

	pool_child_close(p);
	close(p->inbox[0]);
	close(g->outbox[0]);
	if (p->nofile.rlim_cur > 0 && setrlimit(RLIMIT_NOFILE, &p->nofile) < 0)
		log_error(LOG_WARN, "worker: RLIMIT_NOFILE: %s", strerror(errno));
	pool_child_identity(p, &g->id, false);
	proctitle_set("pfhttpd: worker process");
	worker_main(&a);
}

static int pool_spawn_worker(struct pool *p, const struct pool_gen *g)
{
	int slot = scoreboard_free_slot(&p->sb), sv[2];
	struct sb_slot *s;
	pid_t pid;

	if (slot < 0)
		return -1;
	if (pool_socketpair(sv) < 0) {
		log_error(LOG_ERR, "socketpair: %s", strerror(errno));
		return -1;
	}
	s = &p->sb.slots[slot];
	memset(s, 0, sizeof(*s));
	s->state = SB_STARTING;
	s->generation = g->generation;
	s->started = time(NULL);
	s->started_ms = pool_now_ms();
	s->pid = -1; /* taken, until fork tells the pid */
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		pool_worker_child(p, g, slot, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		log_error(LOG_ERR, "fork: %s", strerror(errno));
		close(sv[0]);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	s->pid = pid;
	p->ctl[slot] = sv[0];
	return 0;
}

static void pool_keeper_child(struct pool *p, const struct pool_gen *g, int ctl)
{
	struct keeper_args a = {
		.inbox = p->inbox[0], .outbox = g->outbox[0], .ctl = ctl, .g = p->sb.g,
		.ips = p->sb.ips,
	};

	pool_child_close(p);
	close(p->inbox[1]);
	close(p->wake[1]);
	close(p->bell);
	close(g->outbox[1]);
	for (size_t i = 0; i < g->nlfds; i++)
		close(g->lfds[i]); /* the keeper never accepts */
	pool_child_identity(p, &g->id, true);
	proctitle_set("pfhttpd: keeper process");
	keeper_main(&a);
}

static void pool_spawn_keeper(struct pool *p, const struct pool_gen *g)
{
	int sv[2];
	pid_t pid;

	if (pool_socketpair(sv) < 0) {
		log_error(LOG_ERR, "socketpair: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		pool_keeper_child(p, g, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		log_error(LOG_ERR, "fork: %s", strerror(errno));
		close(sv[0]);
		p->keeper_after_ms = pool_now_ms() + 1000;
		return;
	}
	p->keeper = pid;
	p->keeper_ctl = sv[0];
	p->sb.g->keeper_pid = pid;
}

/* The current generation's workers that are not on their way out. */
static void pool_count(const struct pool *p, unsigned gen, int *alive, int *idle)
{
	*alive = *idle = 0;
	for (size_t i = 0; i < scoreboard_used(&p->sb); i++) {
		const struct sb_slot *s = &p->sb.slots[i];
		if (s->pid == 0 || s->generation != gen || s->retiring)
			continue;
		(*alive)++;
		*idle += s->state == SB_STARTING || s->state == SB_IDLE;
	}
}

/* Retire one idle worker of the current generation: the most recently started one. */
static void pool_shrink(struct pool *p, unsigned gen)
{
	struct sb_slot *pick = NULL;

	for (size_t i = 0; i < scoreboard_used(&p->sb); i++) {
		struct sb_slot *s = &p->sb.slots[i];
		if (s->pid > 0 && s->generation == gen && !s->retiring && s->state == SB_IDLE &&
		    (!pick || s->started >= pick->started))
			pick = s;
	}
	if (!pick)
		return;
	pick->retiring = 1;
	log_error(LOG_INFO, "retiring idle worker %d: more than workers.max_spare idle", (int)pick->pid);
	kill(pick->pid, SIGWINCH);
}

/*
 * Short of spare workers, fork more only when the pool stalls: no worker
 * has taken a connection for POOL_FLOW_MS. While workers keep freeing up
 * and taking the next connection, what waits in the listen queue is served
 * within milliseconds anyway, and every extra process added a wake-up of
 * a cold process per connection (before seats, worker.c): 50 clients that
 * each open a connection per request grew the pool to 53 workers and got
 * 9k requests/s; held at 12 it served 16k (make bench (b), 2 cores). Workers busy with slow
 * requests (CGI, downloads) take nothing, so the pool still grows within
 * POOL_FLOW_MS of running short: twelve 2-second scripts on start = 2 end
 * in about 2 s. Apache prefork checks once a second; this stays faster.
 */
#define POOL_FLOW_MS 10

static bool pool_flowing(struct pool *p, int64_t now)
{
	int64_t last = p->sb.g->last_take_ms;

	if (last == 0 || now - last >= POOL_FLOW_MS)
		return false;
	p->spare_check_ms = last + POOL_FLOW_MS;
	return true;
}

/*
 * Fork the workers that are missing: never fewer than workers.start (a
 * worker that dies is replaced), and workers.min_spare idle ones once the
 * pool is up and stalls (pool_flowing). false when a fork failed (try again
 * later).
 */
static bool pool_grow(struct pool *p, const struct pool_gen *g, int alive, int idle)
{
	const struct conf *cf = g->conf;
	int want = cf->workers.start - alive;

	p->spare_check_ms = 0;
	if (p->started && cf->workers.min_spare - idle > want && !pool_flowing(p, pool_now_ms()))
		want = cf->workers.min_spare - idle;
	if (want > cf->workers.max - alive)
		want = cf->workers.max - alive;
	for (; want > 0; want--)
		if (pool_spawn_worker(p, g) < 0) {
			p->spawn_after_ms = pool_now_ms() + 1000;
			return false;
		}
	p->started = true;
	return true;
}

/* Stop an earlier generation's workers that outlived timeouts.graceful. */
static void pool_stop_old(struct pool *p, size_t i)
{
	if (p->old[i].stopped || pool_now_ms() < p->old[i].deadline_ms)
		return;
	p->old[i].stopped = true;
	log_error(LOG_WARN, "workers of generation %u still busy after timeouts.graceful: stopping them",
		  p->old[i].gen);
	for (size_t j = 0; j < scoreboard_used(&p->sb); j++)
		if (p->sb.slots[j].pid > 0 && p->sb.slots[j].generation == p->old[i].gen)
			kill(p->sb.slots[j].pid, SIGTERM);
}

/* Close an earlier generation's outbox once its workers are gone, handing on what waits in it. */
static void pool_close_old(struct pool *p)
{
	for (size_t i = 0; i < p->nold;) {
		struct handoff h;
		bool busy = false;

		for (size_t j = 0; j < scoreboard_used(&p->sb) && !busy; j++)
			busy = p->sb.slots[j].pid != 0 && p->sb.slots[j].generation == p->old[i].gen;
		if (busy) {
			pool_stop_old(p, i++);
			continue;
		}
		/* The keeper's sends now fail (EPIPE) instead of queueing where nobody reads. */
		shutdown(p->old[i].fd, SHUT_RD);
		while (handoff_recv(p->old[i].fd, &h) == 1)
			if (handoff_send(p->inbox[1], &h) < 0)
				close(h.fd);
		close(p->old[i].fd);
		p->old[i] = p->old[--p->nold];
	}
}

void pool_adjust(struct pool *p, const struct pool_gen *g)
{
	int64_t now = pool_now_ms();
	int alive, idle;

	if (p->stopping)
		return;
	p->generation = g->generation;
	p->sb.g->seats_max = p->ncpu < g->conf->workers.max ? p->ncpu : g->conf->workers.max;
	pool_close_old(p);
	if (p->keeper == 0 && now >= p->keeper_after_ms)
		pool_spawn_keeper(p, g);
	pool_count(p, g->generation, &alive, &idle);
	if (now >= p->spawn_after_ms && !pool_grow(p, g, alive, idle))
		return;
	p->surplus = idle > g->conf->workers.max_spare && alive > g->conf->workers.start;
	if (p->surplus && now >= p->shrink_after_ms) {
		pool_shrink(p, g->generation);
		p->shrink_after_ms = now + POOL_RETIRE_EVERY_MS;
	}
}

/* Wake at `at` if it is ahead of now and sooner than *t (-1: nothing yet). */
static void pool_due(int64_t *t, int64_t at, int64_t now)
{
	if (at > now && (*t < 0 || at - now < *t))
		*t = at - now;
}

int pool_timeout_ms(const struct pool *p)
{
	int64_t now = pool_now_ms(), t = -1;

	if (p->stopping)
		return -1;
	/*
	 * Only times still ahead count: one already past was acted on by the
	 * pool_adjust() just before, or waits for spawn_after_ms (a start-up
	 * crash back-off), which a zero timeout would only spin on.
	 */
	pool_due(&t, p->spawn_after_ms, now);
	if (p->keeper == 0)
		pool_due(&t, p->keeper_after_ms, now);
	pool_due(&t, p->spare_check_ms, now);
	if (p->surplus)
		pool_due(&t, p->shrink_after_ms, now);
	/* Closing old outboxes is checked once a second at most. */
	if (t < 0 || t > POOL_SHRINK_EVERY_MS)
		t = POOL_SHRINK_EVERY_MS;
	return (int)t;
}

static void pool_keeper_gone(struct pool *p, int status)
{
	bool quick = false;

	if (!p->stopping) {
		log_error(LOG_ERR, "keeper %d %s %d; the connections it held are closed, starting a new one",
			  (int)p->keeper, WIFSIGNALED(status) ? "killed by signal" : "exited with status",
			  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		quick = true;
	}
	pool_close(&p->keeper_ctl);
	p->keeper = 0;
	p->sb.g->keeper_pid = 0;
	p->sb.g->keeper_conns = 0;
	/*
	 * Its counts in the address table went with it, and which they were is
	 * unknown: forget all, erring towards admitting (scoreboard.h).
	 */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		scoreboard_ip_clear(p->sb.ips);
	/* Not faster than once a second, so a keeper that cannot start does not spin. */
	if (quick)
		p->keeper_after_ms = pool_now_ms() + 1000;
}

/* Log a worker's exit unless it is routine (retired, recycled, stopped); true for a start-up crash. */
static bool pool_worker_gone(struct pool *p, struct sb_slot *s, int slot, int status)
{
	char line[SB_LINE_MAX];
	bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	const char *then = p->stopping ? "" : "; starting a replacement";

	scoreboard_request_line(s, line);
	if (WIFSIGNALED(status))
		log_error(LOG_ERR, "worker %d (slot %d) killed by signal %d (%s) while %s%s%s%s",
			  (int)s->pid, slot, WTERMSIG(status), strsignal(WTERMSIG(status)),
			  line[0] ? "serving \"" : "idle", line, line[0] ? "\"" : "", then);
	else if (!clean)
		log_error(LOG_ERR, "worker %d (slot %d) exited with status %d%s", (int)s->pid, slot,
			  WEXITSTATUS(status), then);
	else
		log_error(LOG_DEBUG, "worker %d (slot %d) exited", (int)s->pid, slot);
	return !clean && !p->stopping && pool_now_ms() - s->started_ms < 1000;
}

static void pool_backoff(struct pool *p, bool crash)
{
	if (!crash) {
		p->backoff_ms = 0;
		return;
	}
	p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : 1000;
	if (p->backoff_ms > POOL_BACKOFF_MAX_MS)
		p->backoff_ms = POOL_BACKOFF_MAX_MS;
	p->spawn_after_ms = pool_now_ms() + p->backoff_ms;
	log_error(LOG_ERR, "workers die right after starting; next start in %d s",
		  p->backoff_ms / 1000);
}

void pool_reap(struct pool *p)
{
	int status, slot, crashes = 0, exits = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct sb_slot *s;

		if (pid == p->keeper) {
			pool_keeper_gone(p, status);
			continue;
		}
		if ((slot = scoreboard_find(&p->sb, pid)) < 0)
			continue;
		s = &p->sb.slots[slot];
		p->sb.g->requests_gone += s->requests;
		p->sb.g->bytes_gone += s->bytes;
		if (s->idle_counted)
			scoreboard_idle_add(&p->sb, -1); /* it died idle: nobody else will uncount it */
		if (s->ip_held)
			scoreboard_ip_drop(p->sb.ips, s->ip_key); /* it died holding a connection */
		if (s->seated)
			scoreboard_seat_give(&p->sb, p->bell); /* it left the listening sockets */
		crashes += pool_worker_gone(p, s, slot, status);
		exits++;
		pool_close(&p->ctl[slot]);
		memset(s, 0, sizeof(*s));
	}
	/* Workers that die together (a bad configuration kills all of them) are one crash. */
	if (exits)
		pool_backoff(p, crashes > 0);
}

void pool_new_generation(struct pool *p, const struct pool_gen *g, const struct pool_gen *prev)
{
	struct ctl_msg m = { .type = CTL_OUTBOX, .nfds = 1, .fds = { g->outbox[0] } };

	p->sb.g->generation = g->generation;
	if (p->keeper > 0 && ctl_send(p->keeper_ctl, &m) < 0)
		log_error(LOG_ERR, "cannot reach the keeper: %s", strerror(errno));
	for (size_t i = 0; i < scoreboard_used(&p->sb); i++) {
		struct sb_slot *s = &p->sb.slots[i];
		if (s->pid > 0 && s->generation != g->generation) {
			s->retiring = 1;
			kill(s->pid, SIGWINCH);
		}
	}
	if (p->nold == POOL_MAX_OLD) {
		/* Reloads faster than requests finish: stop waiting for the oldest. */
		close(p->old[0].fd);
		p->old[0] = p->old[--p->nold];
	}
	p->old[p->nold].gen = prev->generation;
	p->old[p->nold].fd = prev->outbox[1];
	p->old[p->nold].deadline_ms = pool_now_ms() + g->conf->timeouts.graceful * 1000LL;
	p->old[p->nold++].stopped = false;
}

/*
 * The vhosts' log files (log.h slots from LOG_SLOT_FIRST_VHOST on), a few
 * per message, to worker i, before its SIGUSR1. Only a worker of the
 * current generation gets them: it was forked with the table log_open()
 * built from this configuration, so a slot means the same file to both
 * sides. An older generation's worker (a reload's, finishing) has another
 * table: it keeps its vhost files as they were until it exits, and its top
 * level's logs are reopened through CTL_LOGS. 0, or -1 with errno: the
 * worker's control socket is full or gone.
 */
static int pool_send_log_slots(struct pool *p, size_t i)
{
	struct ctl_msg m = { .type = CTL_LOG_SLOTS };

	if (p->sb.slots[i].generation != p->generation)
		return 0;
	for (size_t s = LOG_SLOT_FIRST_VHOST; s < log_slots(); s += CTL_MAX_FDS) {
		m.flags = (int)s;
		m.nfds = 0;
		for (size_t k = s; k < log_slots() && k < s + CTL_MAX_FDS; k++)
			m.fds[m.nfds++] = log_slot_fd(k);
		if (ctl_send(p->ctl[i], &m) < 0)
			return -1;
	}
	return 0;
}

void pool_send_logs(struct pool *p)
{
	struct ctl_msg m = { .type = CTL_LOGS };

	if (log_error_fd() >= 0) {
		m.flags |= CTL_LOGS_ERR;
		m.fds[m.nfds++] = log_error_fd();
	}
	if (log_access_fd() >= 0) {
		m.flags |= CTL_LOGS_ACC;
		m.fds[m.nfds++] = log_access_fd();
	}
	if (p->keeper > 0)
		(void)ctl_send(p->keeper_ctl, &m);
	for (size_t i = 0; i < scoreboard_used(&p->sb); i++) {
		if (p->sb.slots[i].pid <= 0 || p->ctl[i] < 0)
			continue;
		if (ctl_send(p->ctl[i], &m) < 0)
			continue;
		/* A worker that cannot take them all still reopens what it got. */
		if (pool_send_log_slots(p, i) < 0)
			log_error(LOG_WARN, "worker %d: cannot send the virtual hosts' logs: %s",
				  (int)p->sb.slots[i].pid, strerror(errno));
		kill(p->sb.slots[i].pid, SIGUSR1);
	}
}

void pool_signal(struct pool *p, int sig)
{
	for (size_t i = 0; i < scoreboard_used(&p->sb); i++)
		if (p->sb.slots[i].pid > 0)
			kill(p->sb.slots[i].pid, sig);
	if (p->keeper > 0)
		kill(p->keeper, sig);
}

size_t pool_alive(const struct pool *p)
{
	size_t n = p->keeper > 0;

	for (size_t i = 0; i < scoreboard_used(&p->sb); i++)
		n += p->sb.slots[i].pid != 0;
	return n;
}

void pool_drain_wake(struct pool *p)
{
	char buf[256];

	while (read(p->wake[0], buf, sizeof(buf)) > 0)
		;
}
