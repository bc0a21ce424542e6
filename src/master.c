#include "master.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "conf_check.h"
#include "conn.h"
#include "cov.h"
#include "log.h"
#include "mime.h"
#include "notify.h"
#include "pidfile.h"
#include "pool.h"
#include "proctitle.h"
#include "vhost.h"

#define MASTER_BACKLOG 4096
#define MASTER_FAST_STOP_MS 1500   /* TERM, then KILL: every child gone within 2 s */

static volatile sig_atomic_t got_chld, got_hup, got_usr1, got_quit, got_term;

static void master_on_signal(int sig)
{
	switch (sig) {
	case SIGCHLD: got_chld = 1; break;
	case SIGHUP:  got_hup = 1; break;
	case SIGUSR1: got_usr1 = 1; break;
	case SIGQUIT: got_quit = 1; break;
	default:      got_term = sig; break;
	}
}

struct master {
	struct pool pool;
	struct pool_gen gen;         /* the current configuration generation */
	const char *path;            /* the configuration file, read again on reload */
	char *pid_file;              /* as at start: a reload does not move it */
	bool pid_written;
	int ready_fd;                /* detached start: tells the starting process; -1 */
	sigset_t wait_mask;
};

/* ---- listening sockets ------------------------------------------------- */

static int master_bind_one(const struct conf *cf, const struct conf_listen *l,
			   char *err, size_t errlen)
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
	/*
	 * Headers leave in one write and bodies by sendfile: Nagle would only
	 * add delay. Linux copies TCP_NODELAY from the listening socket to every
	 * socket accept() returns, so it is set once here, not per connection.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		goto fail;
	/*
	 * A connection is handed to accept() only once its first bytes are in
	 * (or, for a silent client, after one SYN-ACK retransmission: about a
	 * second), as Apache's default AcceptFilter does on Linux. A worker woken
	 * for a connection whose request has not arrived sleeps again in poll()
	 * and is woken twice; make bench (b), after a keep-alive burst had grown
	 * the pool: 9-13k -> 23k requests/s (2 rounds, 2 cores). A silent client
	 * meanwhile costs no process at all; timeouts.header runs from accept.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) < 0)
		goto fail;
	if (listen(fd, MASTER_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	conf_error(cf, l->line, err, errlen, "listen: cannot listen on %s: %s", l->text, strerror(e));
	if (fd >= 0)
		close(fd);
	errno = e; /* the caller tells a missing address family from the rest */
	return -1;
}

/* Is fd a socket bound to l's address? (A reload keeps such a socket open.) */
static bool master_bound_to(int fd, const struct conf_listen *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || ss.ss_family != l->addr.ss_family)
		return false;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)&ss, *b = (const void *)&l->addr;
		return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *a = (const void *)&ss, *b = (const void *)&l->addr;
	return a->sin6_port == b->sin6_port &&
	       memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
}

static int master_reuse(const struct pool_gen *prev, const struct conf_listen *l)
{
	for (size_t i = 0; prev && i < prev->nlfds; i++)
		if (master_bound_to(prev->lfds[i], l))
			return prev->lfds[i];
	return -1;
}

static bool master_owns(const struct pool_gen *g, int fd)
{
	for (size_t i = 0; g && i < g->nlfds; i++)
		if (g->lfds[i] == fd)
			return true;
	return false;
}

/* Bind g's listen list, keeping prev's sockets for the addresses it already has. */
static int master_bind(struct pool_gen *g, const struct pool_gen *prev, char *err, size_t errlen)
{
	const struct conf *cf = g->conf;

	g->lfds = calloc(cf->nlisten, sizeof(int));
	g->lproxy = calloc(cf->nlisten, sizeof(bool));
	if (!g->lfds || !g->lproxy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cf->nlisten; i++) {
		const struct conf_listen *l = &cf->listen[i];
		int fd = master_reuse(prev, l);

		if (fd < 0)
			fd = master_bind_one(cf, l, err, errlen);
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
		/* The flag is the new configuration's, also for a socket kept from prev. */
		g->lproxy[g->nlfds] = l->proxy;
		g->lfds[g->nlfds++] = fd;
	}
	if (g->nlfds == 0) {
		conf_error(cf, 0, err, errlen, "listen: no address could be used");
		return -1;
	}
	return 0;
}

/* ---- one configuration generation ------------------------------------- */

/* "vhost 'example.com': " before a vhost's messages (issue 9: they name the vhost). */
static void master_site_who(const struct conf_site *cs, char *buf, size_t len)
{
	snprintf(buf, len, "vhost '%s': ", cs->server_name ? cs->server_name : "?");
}

/* One site's directories, opened once per generation: what its requests resolve beneath. */
static int master_site_open(struct site *s, const struct pool_gen *g, const struct conf_site *cs,
			    size_t index, char *err, size_t errlen)
{
	const struct conf *cf = g->conf;
	char who[320];

	*s = (struct site){ .conf = cf, .cs = cs, .mime = g->mime, .sb = g->site.sb,
			    .index = index, .root_fd = -1, .cgi_fd = -1 };
	if (index == 0)
		who[0] = '\0';
	else
		master_site_who(cs, who, sizeof(who));
	s->root_fd = open(cs->document_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0) {
		return conf_error(cf, cs->lines.document_root ? cs->lines.document_root : cs->line,
				  err, errlen, "%sdocument_root: '%s': %s", who, cs->document_root,
				  strerror(errno));
	}
	if (cs->cgi.enabled &&
	    (s->cgi_fd = open(cs->cgi.directory, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		return conf_error(cf, cs->cgi.directory_line ? cs->cgi.directory_line : cs->line,
				  err, errlen, "%scgi.directory: '%s': %s", who, cs->cgi.directory,
				  strerror(errno));
	}
	return 0;
}

static void master_site_close(struct site *s)
{
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->cgi_fd >= 0)
		close(s->cgi_fd);
	s->root_fd = s->cgi_fd = -1;
}

/*
 * Every vhost's site and the table that finds them, linked from the top
 * level's site, which is all a worker is given. The vsites are allocated
 * with -1 descriptors first, so whatever fails, master_gen_close closes
 * exactly what was opened.
 */
static int master_vhosts(struct pool_gen *g, char *err, size_t errlen)
{
	const struct conf *cf = g->conf;

	if (cf->nvhosts == 0)
		return 0;
	g->vsites = calloc(cf->nvhosts, sizeof(*g->vsites));
	g->vtab = calloc(1, sizeof(*g->vtab));
	if (!g->vsites || !g->vtab)
		goto oom;
	for (size_t i = 0; i < cf->nvhosts; i++)
		g->vsites[i].root_fd = g->vsites[i].cgi_fd = -1;
	if (vhost_table_build(g->vtab, cf) < 0)
		goto oom;
	for (size_t i = 0; i < cf->nvhosts; i++)
		if (master_site_open(&g->vsites[i], g, &cf->vhosts[i], i + 1, err, errlen) < 0)
			return -1;
	g->site.vhosts = g->vsites;
	g->site.vtab = g->vtab;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int master_site(struct pool_gen *g, char *err, size_t errlen)
{
	const struct conf *cf = g->conf;

	g->mime = mime_new();
	if (!g->mime) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cf->mime_types && mime_load(g->mime, cf->mime_types, err, errlen) < 0)
		return -1;
	if (master_site_open(&g->site, g, &cf->site, 0, err, errlen) < 0)
		return -1;
	return master_vhosts(g, err, errlen);
}

static void master_gen_init(struct pool_gen *g)
{
	memset(g, 0, sizeof(*g));
	g->site.root_fd = g->site.cgi_fd = -1;
	g->outbox[0] = g->outbox[1] = -1;
}

/* Everything a generation's children are forked with; g owns cf from here. 0, or -1 with a message. */
static int master_gen_open(struct master *m, struct pool_gen *g, struct conf *cf,
			   const struct pool_gen *prev, char *err, size_t errlen)
{
	g->conf = cf;
	g->site.sb = &m->pool.sb;
	g->generation = prev ? prev->generation + 1 : 1;
	if (master_site(g, err, errlen) < 0 ||
	    identity_resolve(cf, geteuid(), &g->id, err, errlen) < 0 ||
	    master_bind(g, prev, err, errlen) < 0)
		return -1;
	return 0;
}

/* Free g, leaving open the listening sockets that keep serving in keep (a reload). */
static void master_gen_close(struct pool_gen *g, const struct pool_gen *keep, bool close_outbox)
{
	for (size_t i = 0; i < g->nlfds; i++)
		if (!master_owns(keep, g->lfds[i]))
			close(g->lfds[i]);
	free(g->lfds);
	free(g->lproxy);
	master_site_close(&g->site);
	for (size_t i = 0; g->vsites && i < g->conf->nvhosts; i++)
		master_site_close(&g->vsites[i]);
	free(g->vsites);
	if (g->vtab) {
		vhost_table_free(g->vtab);
		free(g->vtab);
	}
	if (g->mime)
		mime_free(g->mime);
	identity_free(&g->id);
	if (g->outbox[0] >= 0)
		close(g->outbox[0]);
	if (close_outbox && g->outbox[1] >= 0)
		close(g->outbox[1]);
	if (g->conf) {
		conf_free(g->conf);
		free(g->conf);
	}
	master_gen_init(g);
}

/* ---- start-up ------------------------------------------------------------ */

/*
 * Detach from the terminal (unless -F): fork, new session, fork again. The
 * starting process waits on a pipe until the pool is up (master_ready), so
 * an init script that reads the pid file right after we return finds it,
 * and a failure after detaching still reaches the shell as exit status 1.
 */
static int master_daemonize(struct master *m, char *err, size_t errlen)
{
	int fds[2];
	pid_t pid;
	char ok;

	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		goto fail;
	if (pid > 0) {
		int status;

		close(fds[1]);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		status = read(fds[0], &ok, 1) == 1 && ok == 0 ? 0 : 1;
		cov_flush();
		_exit(status);
	}
	close(fds[0]);
	if (setsid() < 0 || (pid = fork()) < 0)
		goto fail;
	if (pid > 0) {
		cov_flush();
		_exit(0);
	}
	if (chdir("/") < 0)
		goto fail;
	m->ready_fd = fds[1];
	return 0;
fail:
	snprintf(err, errlen, "cannot detach: %s", strerror(errno));
	return -1;
}

/* The pool is up: release the starting process and let go of the terminal. */
static void master_ready(struct master *m)
{
	char ok = 0;
	int fd;

	notify_send("READY=1");
	if (m->ready_fd < 0)
		return;
	if (write(m->ready_fd, &ok, 1) != 1)
		log_error(LOG_WARN, "cannot tell the starting process: %s", strerror(errno));
	close(m->ready_fd);
	m->ready_fd = -1;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		log_error(LOG_WARN, "cannot detach standard streams: %s", strerror(errno));
	if (fd > STDERR_FILENO)
		close(fd);
}

static int master_refuse_second(const struct conf *cf, char *err, size_t errlen)
{
	pid_t pid;

	if (!cf->pid_file || (pid = pidfile_running(cf->pid_file)) == 0)
		return 0;
	return conf_error(cf, cf->line.pid_file, err, errlen, "pid_file: pfhttpd is already running "
			  "as pid %d (pid file '%s'); stop it first, or use -s reload",
			  (int)pid, cf->pid_file);
}

static int master_write_pid(struct master *m, char *err, size_t errlen)
{
	const struct conf *cf = m->gen.conf;
	char why[512];

	if (!cf->pid_file)
		return 0;
	if (!(m->pid_file = strdup(cf->pid_file)) ||
	    pidfile_write(m->pid_file, getpid(), why, sizeof(why)) < 0) {
		return conf_error(cf, cf->line.pid_file, err, errlen, "pid_file: %s",
				  m->pid_file ? why : "out of memory");
	}
	m->pid_written = true;
	return 0;
}

static void master_signals(struct master *m)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&block, sigs[i]);
	/* Blocked except inside ppoll(): the loop never misses a flag. */
	sigprocmask(SIG_BLOCK, &block, &m->wait_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = master_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

/* ---- the loop -------------------------------------------------------------- */

/* Sleep until a signal, the wake pipe, or timeout_ms (-1: no timeout). */
static void master_sleep(struct master *m, int timeout_ms)
{
	struct pollfd pfd = { .fd = m->pool.wake[0], .events = POLLIN };
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	if (ppoll(&pfd, 1, timeout_ms < 0 ? NULL : &ts, &m->wait_mask) > 0)
		pool_drain_wake(&m->pool);
}

static void master_reopen(struct master *m)
{
	char err[1024];

	if (log_open(m->gen.conf, err, sizeof(err)) < 0) {
		log_error(LOG_ERR, "cannot reopen the logs: %s; still writing to the old ones", err);
		return;
	}
	pool_send_logs(&m->pool);
	log_error(LOG_NOTICE, "logs reopened");
}

/* The part of a reload that can fail: load, check and open everything of the new generation. */
static int master_reload_prepare(struct master *m, struct pool_gen *g, char *err, size_t errlen)
{
	struct conf *cf = calloc(1, sizeof(*cf));

	master_gen_init(g);
	if (!cf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (conf_load(m->path, cf, err, errlen) < 0) {
		free(cf);
		return -1;
	}
	if (conf_check(cf, err, errlen) < 0) {
		conf_free(cf);
		free(cf);
		return -1;
	}
	if (master_gen_open(m, g, cf, &m->gen, err, errlen) < 0 ||
	    pool_gen_outbox(g, err, errlen) < 0 ||
	    log_open(cf, err, errlen) < 0)
		return -1;
	return 0;
}

/*
 * SIGHUP. New workers start with the new configuration before the old ones
 * are told to finish, and the listening sockets stay open throughout, so no
 * connection is refused; the generation number in the scoreboard makes an
 * old worker pass on any request that arrives after this point.
 */
static void master_reload(struct master *m)
{
	struct pool_gen g, old;
	char err[1024];

	notify_send("RELOADING=1");
	log_error(LOG_NOTICE, "reloading %s", m->path);
	if (master_reload_prepare(m, &g, err, sizeof(err)) < 0) {
		log_error(LOG_ERR, "reload failed: %s; still serving the previous configuration", err);
		master_gen_close(&g, &m->gen, true);
		notify_send("READY=1");
		return;
	}
	old = m->gen;
	m->gen = g;
	log_set_level((enum log_level)m->gen.conf->log_level);
	m->pool.started = false;
	pool_adjust(&m->pool, &m->gen);
	pool_new_generation(&m->pool, &m->gen, &old);
	pool_send_logs(&m->pool);
	master_gen_close(&old, &m->gen, false); /* its outbox's receive end is the pool's now */
	log_error(LOG_NOTICE, "configuration reloaded (generation %u)", m->gen.generation);
	notify_send("READY=1");
}

/* Wait until every child is gone or deadline (ms) passes. true: all gone. */
static bool master_wait_children(struct master *m, int64_t deadline)
{
	while (pool_alive(&m->pool) > 0) {
		int64_t left = deadline - conn_now_ms();
		if (left <= 0)
			return false;
		master_sleep(m, left > 100 ? 100 : (int)left);
		pool_reap(&m->pool);
	}
	return true;
}

static void master_stop_now(struct master *m)
{
	pool_signal(&m->pool, SIGTERM);
	if (master_wait_children(m, conn_now_ms() + MASTER_FAST_STOP_MS))
		return;
	log_error(LOG_WARN, "children still running after %d ms: sending SIGKILL", MASTER_FAST_STOP_MS);
	pool_signal(&m->pool, SIGKILL);
	master_wait_children(m, conn_now_ms() + 5000);
}

/*
 * SIGQUIT: no new connections, every request in flight finishes (bounded by
 * timeouts.graceful), then a fast stop for whatever is left.
 */
static void master_stop_graceful(struct master *m)
{
	int64_t deadline = conn_now_ms() + m->gen.conf->timeouts.graceful * 1000LL;

	for (size_t i = 0; i < m->gen.nlfds; i++)
		close(m->gen.lfds[i]);
	m->gen.nlfds = 0;
	pool_signal(&m->pool, SIGQUIT);
	if (!master_wait_children(m, deadline)) {
		log_error(LOG_WARN, "requests still running after timeouts.graceful (%d s): stopping them",
			  m->gen.conf->timeouts.graceful);
		master_stop_now(m);
	}
}

static void master_loop(struct master *m)
{
	pool_adjust(&m->pool, &m->gen);
	master_ready(m);
	while (!got_term && !got_quit) {
		master_sleep(m, pool_timeout_ms(&m->pool));
		if (got_chld) {
			got_chld = 0;
			pool_reap(&m->pool);
		}
		if (got_term || got_quit)
			break;
		if (got_hup) {
			got_hup = 0;
			master_reload(m);
		}
		if (got_usr1) {
			got_usr1 = 0;
			master_reopen(m);
		}
		pool_adjust(&m->pool, &m->gen);
	}
	m->pool.stopping = true;
	notify_send("STOPPING=1");
	if (got_term) {
		log_error(LOG_NOTICE, "caught signal %d (%s), stopping now", (int)got_term,
			  strsignal(got_term));
		master_stop_now(m);
	} else {
		log_error(LOG_NOTICE, "caught SIGQUIT, stopping gracefully");
		master_stop_graceful(m);
	}
}

static void master_cleanup(struct master *m)
{
	master_gen_close(&m->gen, NULL, true);
	pool_free(&m->pool);
	if (m->pid_written && unlink(m->pid_file) < 0 && errno != ENOENT)
		log_error(LOG_WARN, "cannot remove '%s': %s", m->pid_file, strerror(errno));
	free(m->pid_file);
}

static int master_start(struct master *m, struct conf *conf, bool foreground,
			char *err, size_t errlen)
{
	m->gen.conf = conf; /* freed by the cleanup, whatever fails */
	if (pool_init(&m->pool, err, errlen) < 0 ||
	    master_refuse_second(conf, err, errlen) < 0 ||
	    master_gen_open(m, &m->gen, conf, NULL, err, errlen) < 0)
		return -1;
	log_set_level((enum log_level)conf->log_level);
	if (log_open(conf, err, errlen) < 0 ||
	    pool_gen_outbox(&m->gen, err, errlen) < 0 ||
	    (!foreground && master_daemonize(m, err, errlen) < 0) ||
	    master_write_pid(m, err, errlen) < 0)
		return -1;
	m->pool.master = getpid(); /* after detaching */
	return 0;
}

int master_run(struct conf *conf, const char *path, bool foreground, const char *cmdline)
{
	struct master m = { .path = path, .ready_fd = -1 };
	char err[1024];
	int ret = 1;

	master_gen_init(&m.gen);
	if (master_start(&m, conf, foreground, err, sizeof(err)) < 0) {
		fprintf(stderr, "pfhttpd: %s\n", err);
		/* Detached, the terminal may be gone: the error log is the other witness. */
		if (!foreground)
			log_error(LOG_ERR, "%s", err);
		goto out;
	}
	proctitle_set("pfhttpd: master process %s", cmdline);
	master_signals(&m);
	log_error(LOG_NOTICE, "%s started: %zu listening socket(s), %d workers, generation 1",
		  "pfhttpd/" PFHTTPD_VERSION, m.gen.nlfds, conf->workers.start);
	master_loop(&m);
	log_error(LOG_NOTICE, "stopped");
	ret = 0;
out:
	master_cleanup(&m);
	log_close();
	return ret;
}
