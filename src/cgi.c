#include "cgi.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgi_env.h"
#include "cgi_io.h"
#include "cov.h"
#include "conf.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"
#include "static.h"

const char *cgi_handler_for(const struct request *rq, const char *name)
{
	const struct conf *cf = rq->site->conf;
	size_t len = strlen(name);

	if (!cf->cgi.enabled)
		return NULL;
	for (size_t i = 0; i < cf->cgi.nhandlers; i++) {
		const struct conf_cgi_handler *h = &cf->cgi.handlers[i];
		size_t el = strlen(h->extension);
		/* Case-insensitive: "x.PHP" must not be served as source either. */
		if (len > el && strcasecmp(name + len - el, h->extension) == 0)
			return h->interpreter;
	}
	return NULL;
}

static int cgi_fill(struct cgi_target *t, const char *url_prefix, const char *url,
		    size_t url_len, const char *dir, const char *rel)
{
	if ((size_t)snprintf(t->script_name, sizeof(t->script_name), "%s%.*s",
			     url_prefix, (int)url_len, url) >= sizeof(t->script_name) ||
	    (size_t)snprintf(t->filename, sizeof(t->filename), "%s/%s", dir, rel) >= sizeof(t->filename))
		return 404;
	return 0;
}

/* Open rel below dirfd and say what it is: 'f' file, 'd' directory, 'o' other, or a status. */
static int cgi_kind(int dirfd, const char *dir, const char *rel)
{
	struct stat st;
	int fd = static_open_beneath(dirfd, dir, rel, O_PATH);

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG ? 404 : 403;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 403;
	}
	close(fd);
	return S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : 'o';
}

/*
 * "/cgi-bin/sub/script/extra": walk the segments after the alias until one
 * is a file; what follows it is PATH_INFO (RFC 3875 4.1.5).
 */
static int cgi_resolve_alias(struct request *rq, struct cgi_target *t, size_t alen)
{
	const struct conf *cf = rq->site->conf;
	char *rest = rq->path + alen;
	size_t rlen = rq->path_len - alen;

	for (size_t e = 0; e <= rlen; e++) {
		char saved;
		int kind, r;

		if (e < rlen && rest[e] != '/')
			continue;
		if (e == 0)
			return 403; /* the alias itself: no listing */
		saved = rest[e];
		rest[e] = '\0';
		kind = cgi_kind(rq->site->cgi_fd, cf->cgi.directory, rest);
		r = kind == 'f' ? cgi_fill(t, cf->cgi.alias, rest, e, cf->cgi.directory, rest) : 0;
		rest[e] = saved;
		if (kind == 'd' && e < rlen)
			continue;
		if (kind != 'f')
			return kind == 'd' || kind == 'o' ? 403 : kind;
		if (r)
			return r;
		if (faccessat(AT_FDCWD, t->filename, X_OK, AT_EACCESS) < 0)
			return 403;
		t->interpreter = NULL;
		t->path_info = rest + e;
		{
			const char *base = strrchr(t->filename, '/');
			t->nph = strncmp(base ? base + 1 : t->filename, "nph-", 4) == 0;
		}
		return 0;
	}
	return 404;
}

/* "/dir/form.php/extra": the first segment ending in a handler extension that is a file. */
static int cgi_resolve_handler(struct request *rq, struct cgi_target *t)
{
	const struct conf *cf = rq->site->conf;
	char *path = rq->path;

	for (size_t e = 1; e <= rq->path_len; e++) {
		const char *interp;
		char saved;
		int kind, r = 0;

		if (e < rq->path_len && path[e] != '/')
			continue;
		saved = path[e];
		path[e] = '\0';
		interp = cgi_handler_for(rq, path);
		kind = interp ? cgi_kind(rq->site->root_fd, cf->document_root, path + 1) : 0;
		if (kind == 'f')
			r = cgi_fill(t, "", path, e, cf->document_root, path + 1);
		path[e] = saved;
		if (kind != 'f')
			continue;
		if (r)
			return r;
		t->interpreter = interp;
		t->path_info = path + e;
		t->nph = false;
		return 0;
	}
	return CGI_NOT_SCRIPT;
}

int cgi_serve_index(struct request *rq, const char *name)
{
	const struct conf *cf = rq->site->conf;
	struct cgi_target t = { .interpreter = cgi_handler_for(rq, name), .path_info = "" };

	if ((size_t)snprintf(t.script_name, sizeof(t.script_name), "%s%s", rq->path, name) >=
	    sizeof(t.script_name) ||
	    (size_t)snprintf(t.filename, sizeof(t.filename), "%s%s%s", cf->document_root,
			     rq->path, name) >= sizeof(t.filename))
		return http_error(rq, 414, NULL, "index path too long");
	return cgi_serve(rq, &t);
}

int cgi_resolve(struct request *rq, struct cgi_target *t)
{
	const struct conf *cf = rq->site->conf;
	size_t alen;

	if (!cf->cgi.enabled)
		return CGI_NOT_SCRIPT;
	alen = strlen(cf->cgi.alias);
	if (rq->path_len >= alen && memcmp(rq->path, cf->cgi.alias, alen) == 0)
		return cgi_resolve_alias(rq, t, alen);
	return cgi_resolve_handler(rq, t);
}

/* In the child: everything the worker changed goes back to the defaults before exec. */
static void cgi_child_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGPIPE, SIGHUP,
				    SIGUSR1, SIGCHLD, SIGALRM };
	sigset_t none;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void cgi_child_limits(const struct conf *cf)
{
	struct { int res; int64_t v; } lim[] = {
		{ RLIMIT_CPU, cf->cgi.limits.cpu },
		{ RLIMIT_AS, cf->cgi.limits.memory },
		{ RLIMIT_NPROC, cf->cgi.limits.processes },
	};

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl = { (rlim_t)lim[i].v, (rlim_t)lim[i].v };
		if (lim[i].v > 0 && setrlimit(lim[i].res, &rl) < 0)
			dprintf(STDERR_FILENO, "pfhttpd: setrlimit: %s\n", strerror(errno));
	}
}

/* The child, between fork and exec: only async-signal-safe work that cannot leak. */
static void cgi_child(const struct request *rq, const struct cgi_target *t,
		      int in, int out, int err, char **envp)
{
	char dir[PATH_MAX], *slash;
	char *argv[3] = { NULL, NULL, NULL };

	cgi_child_signals();
	setpgid(0, 0);
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	/* Everything else is O_CLOEXEC already; this makes sure of it. */
	close_range(3, ~0U, 0);
	snprintf(dir, sizeof(dir), "%s", t->filename);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	if (chdir(dir) < 0) {
		dprintf(STDERR_FILENO, "pfhttpd: chdir '%s': %s\n", dir, strerror(errno));
		_exit(127);
	}
	cgi_child_limits(rq->site->conf);
	/* argv[0] only, plus the script for an interpreter: never the query string. */
	argv[0] = (char *)(t->interpreter ? t->interpreter : t->filename);
	argv[1] = t->interpreter ? (char *)t->filename : NULL;
	cov_flush();
	execve(argv[0], argv, envp);
	dprintf(STDERR_FILENO, "pfhttpd: cannot execute '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int cgi_env(const struct request *rq, const struct cgi_target *t,
		   int64_t content_length, struct cgi_env *env)
{
	const struct conf *cf = rq->site->conf;
	const struct http_request *hr = &rq->hr;
	/* REQUEST_URI is the path and query as sent, however long limits.request_line allows. */
	char *uri = malloc(hr->path.len + hr->query.len + 2);
	int ret;
	struct cgi_env_in in = {
		.hr = hr,
		.remote_addr = rq->conn->c_peer,
		.remote_port = rq->conn->c_peer_port,
		.server_port = rq->conn->c_local_port,
		.server_name = cf->server_name,
		.document_root = cf->document_root,
		.script_name = t->script_name,
		.script_filename = t->filename,
		.path_info = t->path_info,
		.request_uri = uri,
		.content_length = content_length,
		.path = cf->cgi.path,
		.pass_authorization = cf->cgi.pass_authorization,
	};

	if (!uri)
		return -1;
	sprintf(uri, "%.*s%s%.*s", (int)hr->path.len, hr->path.p,
		hr->has_query ? "?" : "", (int)hr->query.len, hr->query.p);
	ret = cgi_env_build(env, &in);
	free(uri);
	return ret;
}

static int cgi_spawn(struct request *rq, const struct cgi_target *t, int stdin_fd,
	      int64_t content_length, struct cgi_proc *p)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct cgi_env env = { 0 };
	int ret = -1;
	pid_t pid;

	p->pid = -1;
	p->in_fd = p->out_fd = p->err_fd = -1;
	if (cgi_env(rq, t, content_length, &env) < 0)
		goto fail;
	if ((stdin_fd < 0 && pipe2(in, O_CLOEXEC) < 0) ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		goto fail;
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0)
		cgi_child(rq, t, stdin_fd >= 0 ? stdin_fd : in[0], out[1], err[1], env.envp);
	/* Both sides set the group, so the worker can signal it whichever runs first. */
	setpgid(pid, pid);
	p->pid = pid;
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = err[0];
	in[1] = out[0] = err[0] = -1; /* now the proc's */
	ret = 0;
	goto out;
fail:
	log_error(LOG_ERR, "cannot start CGI script '%s': %s", t->filename, strerror(errno));
out:
	cgi_env_free(&env);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return ret;
}

/*
 * A chunked body must reach the script with its length (CONTENT_LENGTH,
 * RFC 3875 4.1.2): decode it whole into an unnamed temporary file first.
 * Returns the file, positioned at 0, or -status.
 */
static int cgi_spool_body(struct request *rq, int64_t *len)
{
	char buf[65536];
	int64_t deadline = conn_now_ms() + rq->site->conf->timeouts.body * 1000LL;
	ssize_t n;
	int fd = open(P_tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		log_error(LOG_ERR, "cannot create a temporary file in %s: %s", P_tmpdir, strerror(errno));
		return -500;
	}
	*len = 0;
	while ((n = body_read(&rq->body, buf, sizeof(buf), deadline)) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			log_error(LOG_ERR, "spooling a request body: %s", strerror(errno));
			close(fd);
			return -500;
		}
		*len += n;
	}
	if (n < 0) {
		close(fd);
		rq->conn->c_keepalive = false;
		rq->body.done = true;
		return (int)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -500;
	}
	return fd;
}

int cgi_serve(struct request *rq, const struct cgi_target *t)
{
	struct cgi_proc proc;
	int64_t len = -1;
	int in_fd = -1, started;

	if (cgi_io_prepare() < 0)
		return http_error(rq, 500, NULL, "out of memory for CGI");
	if (rq->hr.chunked) {
		in_fd = cgi_spool_body(rq, &len);
		if (in_fd < 0)
			return http_error(rq, -in_fd, NULL, "reading the chunked request body");
	} else if (rq->hr.content_length > 0) {
		len = rq->hr.content_length;
	} else if ((in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		return http_error(rq, 500, NULL, "cannot open /dev/null");
	}
	started = cgi_spawn(rq, t, in_fd, len, &proc);
	if (in_fd >= 0)
		close(in_fd); /* the script has its own copy */
	if (started < 0)
		return http_error(rq, 500, NULL, "cannot start the script");
	return cgi_io_run(rq, t, &proc);
}
