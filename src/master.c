#include "master.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "mime.h"
#include "request.h"
#include "scoreboard.h"
#include "worker.h"

#define MASTER_BACKLOG 4096
#define MASTER_STOP_GRACE 10 /* seconds before SIGKILL on stop */

static volatile sig_atomic_t got_chld, got_stop, got_alarm;

static void master_on_signal(int sig)
{
	switch (sig) {
	case SIGCHLD: got_chld = 1; break;
	case SIGALRM: got_alarm = 1; break;
	default:      got_stop = sig; break;
	}
}

struct master {
	struct conf *conf;
	struct site site;
	struct scoreboard sb;
	struct mime_table *mime;     /* owned here; the site borrows it */
	int *lfds;
	size_t nlfds;
	bool pid_written;
	bool stopping;
};

static int master_bind_one(const struct conf_listen *l, char *err, size_t errlen,
			   const char *file)
{
	int one = 1, e;
	int fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	/* "[::]:80" beside "0.0.0.0:80" must not claim the IPv4 port too. */
	if (l->addr.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) < 0)
		goto fail;
	if (listen(fd, MASTER_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	snprintf(err, errlen, "%s:%d: cannot listen on %s: %s", file, l->line,
		 l->text, strerror(e));
	if (fd >= 0)
		close(fd);
	errno = e; /* the caller tells a missing address family from the rest */
	return -1;
}

static int master_bind(struct master *m, char *err, size_t errlen)
{
	m->lfds = calloc(m->conf->nlisten, sizeof(int));
	if (!m->lfds) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < m->conf->nlisten; i++) {
		const struct conf_listen *l = &m->conf->listen[i];
		int fd = master_bind_one(l, err, errlen, m->conf->file);

		/*
		 * A kernel built or booted without IPv6 cannot have "[::]:80":
		 * say so and serve the other addresses, as long as there are some.
		 */
		if (fd < 0 && errno == EAFNOSUPPORT) {
			log_error(LOG_WARN, "%s", err);
			continue;
		}
		if (fd < 0)
			return -1;
		m->lfds[m->nlfds++] = fd;
	}
	if (m->nlfds == 0) {
		snprintf(err, errlen, "%s: no listen address could be used", m->conf->file);
		return -1;
	}
	return 0;
}

static int master_site(struct master *m, char *err, size_t errlen)
{
	const struct conf *cf = m->conf;

	m->site.conf = cf;
	m->site.root_fd = open(cf->document_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->site.root_fd < 0) {
		snprintf(err, errlen, "%s: document_root '%s': %s", cf->file,
			 cf->document_root, strerror(errno));
		return -1;
	}
	if (cf->cgi.enabled &&
	    (m->site.cgi_fd = open(cf->cgi.directory, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: cgi.directory '%s': %s", cf->file,
			 cf->cgi.directory, strerror(errno));
		return -1;
	}
	m->site.mime = m->mime = mime_new();
	if (!m->mime) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cf->mime_types && mime_load(m->mime, cf->mime_types, err, errlen) < 0)
		return -1;
	return 0;
}

/* Detach from the terminal (unless -F): double fork, new session, stdio to /dev/null. */
static int master_daemonize(char *err, size_t errlen)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		goto fail;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		goto fail;
	if ((pid = fork()) < 0)
		goto fail;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		goto fail;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	snprintf(err, errlen, "cannot detach: %s", strerror(errno));
	return -1;
}

static int master_write_pid(struct master *m, char *err, size_t errlen)
{
	const struct conf *cf = m->conf;
	char buf[32];
	int fd, n;

	if (!cf->pid_file)
		return 0;
	fd = open(cf->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		goto fail;
	}
	if (close(fd) < 0)
		goto fail;
	m->pid_written = true;
	return 0;
fail:
	snprintf(err, errlen, "%s:%d: cannot write pid_file '%s': %s", cf->file,
		 cf->line.pid_file, cf->pid_file, strerror(errno));
	return -1;
}

/* Started as root with user/group set: give root up once the ports are bound and the logs open. */
static int master_drop_privileges(const struct conf *cf, char *err, size_t errlen)
{
	struct passwd *pw;
	struct group *gr = NULL;
	gid_t gid;

	if (geteuid() != 0 || !cf->user)
		return 0;
	errno = 0;
	if (!(pw = getpwnam(cf->user))) {
		snprintf(err, errlen, "%s:%d: unknown user '%s'", cf->file, cf->line.user, cf->user);
		return -1;
	}
	gid = pw->pw_gid;
	if (cf->group) {
		if (!(gr = getgrnam(cf->group))) {
			snprintf(err, errlen, "%s:%d: unknown group '%s'", cf->file,
				 cf->line.group, cf->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (initgroups(pw->pw_name, gid) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "%s:%d: cannot become user '%s': %s", cf->file,
			 cf->line.user, cf->user, strerror(errno));
		return -1;
	}
	return 0;
}

static int master_scoreboard(struct master *m, char *err, size_t errlen)
{
	if (scoreboard_create(&m->sb, (size_t)m->conf->workers.max) == 0)
		return 0;
	snprintf(err, errlen, "cannot create the scoreboard: %s", strerror(errno));
	return -1;
}

static void master_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGALRM);
	/* Blocked except inside sigsuspend(): the loop never misses a flag. */
	sigprocmask(SIG_BLOCK, &block, old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = master_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* HUP (reload) and USR1 (log reopen) come with the operations issue; until then they do no harm. */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

static int master_spawn(struct master *m)
{
	int slot = scoreboard_free_slot(&m->sb);
	struct sb_slot *s;
	pid_t master = getpid(), pid;

	if (slot < 0)
		return -1;
	s = &m->sb.slots[slot];
	memset(s, 0, sizeof(*s));
	s->state = SB_STARTING;
	s->started = time(NULL);
	pid = fork();
	if (pid < 0) {
		log_error(LOG_ERR, "fork: %s", strerror(errno));
		s->state = SB_EMPTY;
		return -1;
	}
	if (pid == 0)
		worker_main(&m->site, m->lfds, m->nlfds, s, master);
	s->pid = pid;
	return 0;
}

static size_t master_alive(const struct master *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->sb.nslots; i++)
		n += m->sb.slots[i].pid != 0;
	return n;
}

/*
 * Bring the pool back to workers.start. A worker that died within a second
 * of starting is probably crashing in a loop: wait a second (SIGALRM)
 * rather than fork as fast as the machine can.
 */
static void master_fill(struct master *m, bool crash_loop)
{
	if (m->stopping)
		return;
	if (crash_loop) {
		alarm(1);
		return;
	}
	while (master_alive(m) < (size_t)m->conf->workers.start)
		if (master_spawn(m) < 0) {
			alarm(1);
			return;
		}
}

static bool master_reap(struct master *m)
{
	bool crash_loop = false;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int slot = scoreboard_find(&m->sb, pid);
		if (slot < 0)
			continue;
		/* Only a failure counts: a worker retiring after max_requests is normal. */
		if (time(NULL) - m->sb.slots[slot].started < 1 && !m->stopping &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			crash_loop = true;
		memset(&m->sb.slots[slot], 0, sizeof(m->sb.slots[slot]));
		if (WIFSIGNALED(status))
			log_error(LOG_ERR, "worker %d (slot %d) killed by signal %d (%s)%s",
				  (int)pid, slot, WTERMSIG(status), strsignal(WTERMSIG(status)),
				  m->stopping ? "" : "; starting a replacement");
		else if (WEXITSTATUS(status) != 0 || !m->stopping)
			log_error(m->stopping || WEXITSTATUS(status) == 0 ? LOG_NOTICE : LOG_ERR,
				  "worker %d (slot %d) exited with status %d%s",
				  (int)pid, slot, WEXITSTATUS(status),
				  m->stopping ? "" : "; starting a replacement");
	}
	return crash_loop;
}

static void master_kill_all(struct master *m, int sig)
{
	for (size_t i = 0; i < m->sb.nslots; i++)
		if (m->sb.slots[i].pid > 0)
			kill(m->sb.slots[i].pid, sig);
}

/* Stop every worker: TERM, then KILL after the grace period; reap them all. */
static void master_stop(struct master *m, const sigset_t *wait_mask)
{
	time_t deadline = time(NULL) + MASTER_STOP_GRACE;

	m->stopping = true;
	master_kill_all(m, SIGTERM);
	while (master_alive(m) > 0) {
		if (time(NULL) >= deadline) {
			log_error(LOG_WARN, "workers still running after %d s: sending SIGKILL",
				  MASTER_STOP_GRACE);
			master_kill_all(m, SIGKILL);
			deadline = time(NULL) + MASTER_STOP_GRACE;
		}
		alarm(1);
		sigsuspend(wait_mask);
		master_reap(m);
	}
	alarm(0);
}

static void master_loop(struct master *m, const sigset_t *wait_mask)
{
	master_fill(m, false);
	while (!got_stop) {
		sigsuspend(wait_mask);
		if (got_chld) {
			got_chld = 0;
			master_fill(m, master_reap(m));
		}
		if (got_alarm) {
			got_alarm = 0;
			master_fill(m, false);
		}
	}
	log_error(LOG_NOTICE, "caught signal %d (%s), stopping", (int)got_stop,
		  strsignal(got_stop));
	master_stop(m, wait_mask);
}

static void master_cleanup(struct master *m)
{
	for (size_t i = 0; i < m->nlfds; i++)
		close(m->lfds[i]);
	free(m->lfds);
	if (m->site.root_fd >= 0)
		close(m->site.root_fd);
	if (m->site.cgi_fd >= 0)
		close(m->site.cgi_fd);
	if (m->mime)
		mime_free(m->mime);
	scoreboard_destroy(&m->sb);
	if (m->pid_written && unlink(m->conf->pid_file) < 0 && errno != ENOENT)
		log_error(LOG_WARN, "cannot remove '%s': %s", m->conf->pid_file, strerror(errno));
}

int master_run(struct conf *conf, bool foreground)
{
	struct master m = { .conf = conf, .site.root_fd = -1, .site.cgi_fd = -1 };
	char err[1024];
	sigset_t wait_mask;
	int ret = 1;

	if (master_site(&m, err, sizeof(err)) < 0 ||
	    log_open(conf, err, sizeof(err)) < 0 ||
	    master_bind(&m, err, sizeof(err)) < 0 ||
	    (!foreground && master_daemonize(err, sizeof(err)) < 0) ||
	    master_write_pid(&m, err, sizeof(err)) < 0 ||
	    master_drop_privileges(conf, err, sizeof(err)) < 0 ||
	    master_scoreboard(&m, err, sizeof(err)) < 0) {
		fprintf(stderr, "pfhttpd: %s\n", err);
		/* Detached, stderr is /dev/null: the error log is the only witness. */
		if (!foreground)
			log_error(LOG_ERR, "%s", err);
		goto out;
	}
	master_signals(&wait_mask);
	log_error(LOG_NOTICE, "%s started: %zu listening socket(s), %d workers",
		  "pfhttpd/" PFHTTPD_VERSION, m.nlfds, conf->workers.start);
	master_loop(&m, &wait_mask);
	log_error(LOG_NOTICE, "stopped");
	ret = 0;
out:
	master_cleanup(&m);
	log_close();
	return ret;
}
