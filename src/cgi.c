#include "cgi.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgi_env.h"
#include "cgi_io.h"
#include "cgi_spawn.h"
#include "conf.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"
#include "static.h"
#include "suexec_check.h"

/* The interpreter of the handler whose extension ends name[0..len), or NULL.
 * Case-insensitive: "x.PHP" must not be served as source either. It never
 * looks past name + len, so a caller walking a path can ask about each
 * prefix without measuring it again. */
static const char *cgi_handler_match(const struct conf_site *cs, const char *name, size_t len)
{
	for (size_t i = 0; i < cs->cgi.nhandlers; i++) {
		const struct conf_cgi_handler *h = &cs->cgi.handlers[i];
		size_t el = strlen(h->extension);

		if (len > el && strncasecmp(name + len - el, h->extension, el) == 0)
			return h->interpreter;
	}
	return NULL;
}

const char *cgi_handler_for(const struct request *rq, const char *name)
{
	const struct conf_site *cs = rq->site->cs;

	return cs->cgi.enabled ? cgi_handler_match(cs, name, strlen(name)) : NULL;
}

/*
 * Extensions that name scripts wherever they are found, handler or not.
 * An error page is the one file the server picks itself, so it must never
 * be one whose text is a program (a "/errors/404.php" sent as text leaks
 * its source, secrets included); Apache would send it as a file.
 */
static const char *const cgi_script_exts[] = {
	".php", ".phtml", ".php3", ".php4", ".php5", ".php7", ".phar",
	".cgi", ".pl", ".py", ".rb", ".sh", ".asp", ".aspx", ".jsp",
};

static bool cgi_ext_known(const char *path, size_t len)
{
	for (size_t i = 0; i < sizeof(cgi_script_exts) / sizeof(cgi_script_exts[0]); i++) {
		size_t el = strlen(cgi_script_exts[i]);

		if (len > el && strncasecmp(path + len - el, cgi_script_exts[i], el) == 0)
			return true;
	}
	return false;
}

enum cgi_page cgi_page_kind(const struct conf_site *cs, const char *path, const char **interp)
{
	size_t len = strlen(path);
	const char *h = cgi_handler_match(cs, path, len);

	*interp = NULL;
	if (cs->cgi.enabled && cs->cgi.alias &&
	    strncmp(path, cs->cgi.alias, strlen(cs->cgi.alias)) == 0)
		return CGI_PAGE_SCRIPT;
	if (cs->cgi.enabled && h) {
		*interp = h;
		return CGI_PAGE_SCRIPT;
	}
	/* A handler's extension with CGI off, or a script no handler runs. */
	return h || cgi_ext_known(path, len) ? CGI_PAGE_SOURCE : CGI_PAGE_FILE;
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
	const struct conf_site *cs = rq->site->cs;
	char *rest = rq->path + alen;
	size_t rlen = rq->path_len - alen;

	if (rq->site->cgi_fd < 0)
		return 404; /* a user directory without cgi-bin/ (userdir.c) */
	for (size_t e = 0; e <= rlen; e++) {
		char saved;
		int kind, r;

		if (e < rlen && rest[e] != '/')
			continue;
		if (e == 0)
			return 403; /* the alias itself: no listing */
		saved = rest[e];
		rest[e] = '\0';
		kind = cgi_kind(rq->site->cgi_fd, cs->cgi.directory, rest);
		r = kind == 'f' ? cgi_fill(t, cs->cgi.alias, rest, e, cs->cgi.directory, rest) : 0;
		rest[e] = saved;
		if (kind == 'd' && e < rlen)
			continue;
		if (kind != 'f')
			return kind == 'd' || kind == 'o' ? 403 : kind;
		if (r)
			return r;
		/* Whether it may run is decided on the descriptor that runs it (cgi_open). */
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

/*
 * "/dir/form.php/extra": the first segment ending in a handler extension
 * that is a file. One pass from left to right: each segment's end is
 * matched against the handlers in constant time (never by measuring the
 * prefix again, which made a long path quadratic), and the walk stops at
 * the first prefix that does not exist, since nothing longer can. A user
 * directory's site starts after its "/~name" (userdir.h), whose name is
 * no file's.
 */
static int cgi_resolve_handler(struct request *rq, struct cgi_target *t)
{
	const struct conf_site *cs = rq->site->cs;
	char *path = rq->path;
	size_t skip = rq->site->url_prefix_len;

	for (size_t e = skip + 1; e <= rq->path_len; e++) {
		const char *interp;
		char saved;
		int kind, r = 0;

		if (e < rq->path_len && path[e] != '/')
			continue;
		interp = cgi_handler_match(cs, path, e);
		if (!interp)
			continue;
		saved = path[e];
		path[e] = '\0';
		kind = cgi_kind(rq->site->root_fd, cs->document_root, path + skip + 1);
		if (kind == 'f')
			r = cgi_fill(t, "", path, e, cs->document_root, path + skip + 1);
		path[e] = saved;
		if (kind == 404)
			return CGI_NOT_SCRIPT; /* the file answers its own 404 */
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

/*
 * The site's identity for its scripts (cgi.user and cgi.group, checked by
 * pfhttpd-suexec against cgi.min_uid and cgi.min_gid), and the directory
 * the script must lie below: the one cgi_open opens it beneath.
 */
static void cgi_identity(const struct conf_site *cs, struct cgi_target *t)
{
	t->run_user = cs->cgi.user;
	t->run_group = cs->cgi.group;
	t->min_uid = cs->cgi.min_uid;
	t->min_gid = cs->cgi.min_gid;
	t->base_dir = t->interpreter ? cs->document_root : cs->cgi.directory;
}

int cgi_serve_index(struct request *rq, const char *name)
{
	const struct conf_site *cs = rq->site->cs;
	struct cgi_target t = { .interpreter = cgi_handler_for(rq, name), .path_info = "" };

	if ((size_t)snprintf(t.script_name, sizeof(t.script_name), "%s%s", rq->path, name) >=
	    sizeof(t.script_name) ||
	    (size_t)snprintf(t.filename, sizeof(t.filename), "%s/%s%s", cs->document_root,
			     static_rel(rq), name) >= sizeof(t.filename))
		return http_error(rq, 414, NULL, "index path too long");
	cgi_identity(cs, &t);
	return cgi_serve(rq, &t);
}

int cgi_resolve(struct request *rq, struct cgi_target *t)
{
	const struct conf_site *cs = rq->site->cs;
	size_t alen;
	int st;

	if (!cs->cgi.enabled)
		return CGI_NOT_SCRIPT;
	alen = strlen(cs->cgi.alias);
	if (rq->path_len >= alen && memcmp(rq->path, cs->cgi.alias, alen) == 0)
		st = cgi_resolve_alias(rq, t, alen);
	else
		st = cgi_resolve_handler(rq, t);
	if (st == 0)
		cgi_identity(cs, t);
	return st;
}

/*
 * The opened script: cgi_open() checked this very descriptor, and the child
 * executes it, so a file swapped in under the same name between the check
 * and the exec cannot run.
 */
struct cgi_script {
	int fd;        /* O_RDONLY, or O_PATH for an execute-only binary; -1 for a handler's file */
	bool shebang;  /* starts with "#!" */
};

/*
 * How the script is executed (cgi_spawn runs it).
 *
 * A binary runs from its close-on-exec descriptor (execveat with
 * AT_EMPTY_PATH, Linux 3.19): the script has 0, 1 and 2 and nothing else.
 * A "#!" script cannot: the kernel hands the interpreter the name
 * /dev/fd/3, which a close-on-exec descriptor no longer has once the
 * interpreter runs (execveat(2): ENOENT). So for it, and only for it,
 * descriptor 3 stays open: it is the script file itself, opened read-only,
 * which the script may read anyway. The interpreter reads the script from
 * it (Perl takes /dev/fd/N as that descriptor itself, which is why it is
 * O_RDONLY and not O_PATH: Perl would read an empty script from an O_PATH
 * one), and $0 is "/dev/fd/3"; a script finds its own name in
 * SCRIPT_FILENAME. Apache's suexec instead checks the name and then
 * executes the name, which leaves the window this closes.
 *
 * argv[0] only, plus the script for an interpreter: never the query string
 * (CVE-2012-1823). php-cgi opens SCRIPT_FILENAME by its name, which we
 * cannot change without breaking __FILE__ and relative includes: for a
 * handler's file cgi_open's checks narrow the window, not close it.
 */
struct cgi_argv {
	char *v[9];                  /* the helper's 8 at most (cgi_exec_suexec), and NULL */
	char ids[2][24];             /* min_uid and min_gid in decimal */
};

static void cgi_exec_args(const struct cgi_target *t, const struct cgi_script *sc,
			  char *argv[3], struct cgi_spawn *sp)
{
	argv[0] = (char *)(t->interpreter ? t->interpreter : t->filename);
	argv[1] = t->interpreter ? (char *)t->filename : NULL;
	argv[2] = NULL;
	sp->argv = argv;
	sp->path = t->interpreter;
	sp->script_fd = t->interpreter ? -1 : sc->fd;
	sp->shebang = sc->shebang;
}

/*
 * With an identity to run as: the setuid helper instead of the script
 * (conf.suexec; PFHTTPD_SUEXEC until the loader sets it), with what it
 * checks, "USER GROUP MIN_UID MIN_GID BASE [INTERPRETER] SCRIPT", SCRIPT
 * relative to BASE (suexec_main.c). The helper opens and executes the
 * script itself; the worker's descriptor only served its own checks.
 * 0, or -1 when the script is not below base_dir (a caller's mistake).
 */
static int cgi_exec_suexec(const struct request *rq, const struct cgi_target *t,
			   struct cgi_argv *a, struct cgi_spawn *sp)
{
	const char *helper = rq->site->conf->suexec ? rq->site->conf->suexec : PFHTTPD_SUEXEC;
	size_t blen = t->base_dir ? strlen(t->base_dir) : 0, i = 0;

	if (blen == 0 || strncmp(t->filename, t->base_dir, blen) != 0 || t->filename[blen] != '/')
		return -1;
	snprintf(a->ids[0], sizeof(a->ids[0]), "%" PRId64, t->min_uid);
	snprintf(a->ids[1], sizeof(a->ids[1]), "%" PRId64, t->min_gid);
	a->v[i++] = (char *)helper;
	a->v[i++] = (char *)t->run_user;
	a->v[i++] = (char *)(t->run_group ? t->run_group : "-"); /* the user's primary group */
	a->v[i++] = a->ids[0];
	a->v[i++] = a->ids[1];
	a->v[i++] = (char *)t->base_dir;
	if (t->interpreter)
		a->v[i++] = (char *)t->interpreter;
	a->v[i++] = (char *)t->filename + blen + 1;
	a->v[i] = NULL;
	sp->argv = a->v;
	sp->path = helper;
	sp->script_fd = -1;
	sp->shebang = false;
	return 0;
}

/* The script's working directory: the one that holds it (RFC 3875 7.2, UNIX). */
static void cgi_exec_dir(const struct cgi_target *t, char dir[PATH_MAX])
{
	char *slash;

	memcpy(dir, t->filename, strlen(t->filename) + 1); /* both PATH_MAX */
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
}

/*
 * The directory a script is opened beneath: cgi.directory for a script
 * that runs itself (cgi_resolve_alias), document_root for a handler's file.
 */
static int cgi_script_dir(const struct request *rq, const struct cgi_target *t, const char **dir)
{
	const struct site *s = rq->site;

	*dir = t->interpreter ? s->cs->document_root : s->cs->cgi.directory;
	return t->interpreter ? s->root_fd : s->cgi_fd;
}

/* The kernel's rule (fs/namei.c), ACLs aside, for kernels without faccessat2 (Linux < 5.8). */
static bool cgi_mode_executable(const struct stat *st)
{
	uid_t uid = geteuid();

	if (uid == 0)
		return st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH);
	if (st->st_uid == uid)
		return st->st_mode & S_IXUSR;
	if (st->st_gid == getegid() || group_member(st->st_gid))
		return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

static bool cgi_executable(int fd, const struct stat *st)
{
	if (faccessat(fd, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) == 0)
		return true;
	return (errno == EINVAL || errno == ENOSYS) && cgi_mode_executable(st);
}

/* Why the opened file st may not run, or NULL. */
static const char *cgi_refusal(int fd, const struct stat *st, bool direct)
{
	if (!S_ISREG(st->st_mode))
		return "script is not a regular file";
	/* suexec's rules: no set-ID bits, nothing anyone may rewrite. */
	if (st->st_mode & (S_ISUID | S_ISGID))
		return "script is set-user-ID or set-group-ID";
	if (st->st_mode & S_IWOTH)
		return "script is writable by others";
	if (direct && !cgi_executable(fd, st))
		return "script is not executable";
	return NULL;
}

/*
 * Open the script once, beneath its directory (openat2 RESOLVE_BENEATH, or
 * static.c's realpath fallback), and decide on that descriptor whether it
 * may run. Returns 0 with sc filled in, or the status to answer with *why.
 */
static int cgi_open(const struct request *rq, const struct cgi_target *t,
		    struct cgi_script *sc, const char **why)
{
	const char *dir;
	int dirfd = cgi_script_dir(rq, t, &dir);
	size_t dlen = strlen(dir);
	const char *rel = t->filename + dlen + 1;
	char magic[2];
	struct stat st;

	sc->fd = -1;
	*why = "script not runnable";
	if (strncmp(t->filename, dir, dlen) != 0 || t->filename[dlen] != '/')
		return 403; /* cannot happen: cgi_resolve built the name from dir */
	/* O_NONBLOCK: a FIFO put in its place must not hang the open; fstat refuses it. */
	sc->fd = static_open_beneath(dirfd, dir, rel, O_RDONLY | O_NONBLOCK);
	/* An execute-only binary; or, for the helper to run, a file only its owner may read. */
	if (sc->fd < 0 && errno == EACCES && (!t->interpreter || t->run_user))
		sc->fd = static_open_beneath(dirfd, dir, rel, O_PATH);
	if (sc->fd < 0) {
		*why = errno == ENOENT || errno == ENOTDIR ? "no such script" : "cannot open the script";
		return errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG ? 404 : 403;
	}
	if (fstat(sc->fd, &st) < 0)
		*why = "fstat on the script failed";
	else
		/* Run as another user, the helper checks the owner's execute bit, not ours. */
		*why = cgi_refusal(sc->fd, &st, !t->interpreter && !t->run_user);
	if (*why) {
		/* The file's mode is the administrator's to fix: say so above the 403's info line. */
		log_error(LOG_ERR, "CGI script %s refused: %s", t->filename, *why);
		close(sc->fd);
		sc->fd = -1;
		return 403;
	}
	sc->shebang = !t->interpreter && pread(sc->fd, magic, 2, 0) == 2 && memcmp(magic, "#!", 2) == 0;
	return 0;
}

static int cgi_env(const struct request *rq, const struct cgi_target *t,
		   int64_t content_length, struct cgi_env *env)
{
	const struct conf_site *cs = rq->site->cs;
	const struct conf_pathset *set = request_set(rq);
	struct cgi_env_in in = {
		.hr = &rq->hr,
		.remote_addr = rq->client,
		.remote_port = rq->client_port,
		/* real_ip: the proxy the request came through, beside the client it named. */
		.peer_addr = rq->site->conf->real_ip.header ? rq->conn->c_peer : NULL,
		.peer_port = rq->conn->c_peer_port,
		.server_port = rq->conn->c_local_port,
		.server_name = cs->server_name,
		.vhost = rq->site->index > 0,
		.document_root = cs->document_root,
		.script_name = t->script_name,
		.script_filename = t->filename,
		.path_info = t->path_info,
		.content_length = content_length,
		.path = cs->cgi.path,
		.pass_authorization = cs->cgi.pass_authorization,
		/* RFC 3875 4.1.1, 4.1.11: only once auth.c has checked the credentials. */
		.auth_type = rq->auth_user ? "Basic" : NULL,
		.remote_user = rq->auth_user,
		.redirect_status = rq->error_status,
		.redirect_url = rq->orig_path,
		.redirect_query = rq->orig_query,
		.redirect_method = rq->orig_method,
		.server_software = resp_server_software(rq),
		/* The administrator's (Apache's SetEnv, PassEnv): after the meta-variables. */
		.set_env = set->cgi_env, .nset_env = set->ncgi_env,
		.pass_env = set->pass_env, .npass_env = set->npass_env, .lookup = getenv,
	};

	return cgi_env_build(env, &in);
}

/*
 * A small body already in the connection's buffer, the common form post,
 * goes into the fresh stdin pipe before the script starts, straight from
 * that buffer: no copy, and the pump has no stdin left to feed. At most
 * PIPE_BUF bytes, the least a pipe holds (pipe(7): a user over
 * fs.pipe-user-pages-soft gets one-page pipes), so this write into an
 * empty pipe never blocks. Then the write end is closed: the script reads
 * the body, then its end. 0 (done, or left to the pump) or -1.
 */
static int cgi_stdin_prefill(struct request *rq, int in[2])
{
	const struct conn *c = rq->conn;
	int64_t left = rq->body.remaining;
	const char *p;

	if (in[1] < 0 || left <= 0 || left > PIPE_BUF || (int64_t)(c->c_in_len - c->c_in_pos) < left ||
	    body_peek(&rq->body, &p, -1) != left)
		return 0;
	if (write(in[1], p, (size_t)left) != left)
		return -1;
	body_consume(&rq->body, (size_t)left);
	close(in[1]);
	in[1] = -1;
	return 0;
}

/* The script's process, with the script's ends of the pipes (in: its stdin). */
static pid_t cgi_exec(struct request *rq, const struct cgi_target *t, const struct cgi_script *sc,
		      int in, int out, int err, char **envp)
{
	const struct conf_site *cs = rq->site->cs;
	struct cgi_argv argv;
	char dir[PATH_MAX];
	struct cgi_spawn sp = {
		.fd = { in, out, err },
		.envp = envp,
		.dir = dir,
		.cpu = cs->cgi.limits.cpu,
		.memory = cs->cgi.limits.memory,
		.processes = cs->cgi.limits.processes,
	};
	pid_t pid;

#if defined(__SANITIZE_ADDRESS__)
	/*
	 * make SAN=1: the helper is instrumented too, and AddressSanitizer
	 * reserves terabytes of shadow address space before main(): under
	 * RLIMIT_AS it cannot start. Only sanitizer builds run it unlimited.
	 */
	if (t->run_user)
		sp.memory = 0;
#endif
	if (!t->run_user) {
		cgi_exec_args(t, sc, argv.v, &sp);
	} else if (cgi_exec_suexec(rq, t, &argv, &sp) < 0) {
		log_error(LOG_ERR, "CGI script %s is not below %s", t->filename, t->base_dir);
		errno = EINVAL;
		return -1;
	}
	cgi_exec_dir(t, dir);
	pid = cgi_spawn_run(&sp);
	if (sp.warn)
		log_error(LOG_ERR, "CGI script %s: %s: %s", t->filename, sp.warn,
			  strerror(sp.warn_errno));
	if (pid < 0 && sp.fail)
		log_error(LOG_ERR, "CGI script %s cannot run: %s: %s", t->filename, sp.fail,
			  strerror(sp.fail_errno));
	return pid;
}

static int cgi_start(struct request *rq, const struct cgi_target *t, const struct cgi_script *sc,
		     int stdin_fd, int64_t content_length, struct cgi_proc *p)
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
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || cgi_stdin_prefill(rq, in) < 0)
		goto fail;
	pid = cgi_exec(rq, t, sc, stdin_fd >= 0 ? stdin_fd : in[0], out[1], err[1], env.envp);
	if (pid < 0)
		goto fail;
	/* The child made its own process group before its exec; cgi_spawn_run returns after that. */
	p->pid = pid;
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = err[0];
	in[1] = out[0] = err[0] = -1; /* now the proc's */
	conn_wait_script(); /* the parked clients are not kept waiting for it (worker.c) */
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
 * The stdin of a script that gets no body: /dev/null, opened once per
 * worker (close-on-exec) rather than opened and closed for each request.
 */
static int cgi_null_fd = -1;

static int cgi_devnull(void)
{
	if (cgi_null_fd < 0)
		cgi_null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return cgi_null_fd;
}

/*
 * A chunked body must reach the script with its length (CONTENT_LENGTH,
 * RFC 3875 4.1.2): decode it whole into an unnamed temporary file first.
 * Returns the file, positioned at 0, or -status.
 */
static int cgi_spool_body(struct request *rq, int64_t *len)
{
	char buf[65536];
	ssize_t n;
	int fd = open(P_tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		log_error(LOG_ERR, "cannot create a temporary file in %s: %s", P_tmpdir, strerror(errno));
		return -500;
	}
	*len = 0;
	while ((n = body_read(&rq->body, buf, sizeof(buf), BODY_WAIT)) > 0) {
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
	struct cgi_script sc;
	struct cgi_proc proc;
	const char *why;
	int64_t len = -1;
	int in_fd = -1, started, st;

	if (cgi_io_prepare() < 0)
		return http_error(rq, 500, NULL, "out of memory for CGI");
	if ((st = cgi_open(rq, t, &sc, &why)) != 0)
		return http_error(rq, st, NULL, why);
	if (t->interpreter) {
		close(sc.fd); /* checked; the interpreter opens the file by its name */
		sc.fd = -1;
	}
	if (rq->hr.chunked) {
		in_fd = cgi_spool_body(rq, &len);
		if (in_fd < 0) {
			st = -in_fd;
			why = "reading the chunked request body";
			goto fail;
		}
	} else if (rq->hr.content_length > 0) {
		len = rq->hr.content_length;
		/*
		 * RFC 9110 15.2: interim answers come before the final one. The
		 * pump reads the body while it sends the script's answer, so a
		 * "100 Continue" sent when it first needs the socket would land
		 * inside that answer: invite the body before the script can speak.
		 */
		if (body_send_continue(&rq->body, rq->site->conf->timeouts.send) < 0) {
			rq->conn->c_keepalive = false;
			rq->body.done = true;
			return -1;
		}
	} else if ((in_fd = cgi_devnull()) < 0) {
		st = 500;
		why = "cannot open /dev/null";
		goto fail;
	}
	started = cgi_start(rq, t, &sc, in_fd, len, &proc);
	if (in_fd >= 0 && in_fd != cgi_null_fd)
		close(in_fd); /* the script has its own copy */
	if (sc.fd >= 0)
		close(sc.fd);
	if (started < 0)
		return http_error(rq, 500, NULL, "cannot start the script");
	return cgi_io_run(rq, t, &proc);
fail:
	if (sc.fd >= 0)
		close(sc.fd);
	return http_error(rq, st, NULL, why);
}
