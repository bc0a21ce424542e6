/*
 * conf_check — run-time checks of a loaded conf; the contract is in
 * conf_check.h.
 *
 * Permissions are asked with faccessat(AT_EACCESS), that is for the
 * effective ids, which are the ones open(2) and execve(2) will use: the
 * master opens the logs and the pid file before it forks, so the answer for
 * this process is the answer for them. A check can still race with the file
 * system (a directory removed after -t), so start-up keeps its own error
 * handling; this only moves the common mistakes to before the restart.
 */
#include "conf_check.h"

#include "cgi.h"
#include "conf.h"
#include "identity.h"
#include "mime.h"
#include "suexec_check.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int conf_check_fn(const struct conf *c, char *err, size_t errlen);

/* Files the master writes, with the lines of their keys. */
static const struct conf_check_file {
	const char *key;
	size_t off;                  /* offsetof(struct conf, <char *>) */
	size_t line_off;             /* offsetof(struct conf, line.<key>) */
} conf_check_files[] = {
	{ "error_log", offsetof(struct conf, site.error_log), offsetof(struct conf, site.lines.error_log) },
	{ "access_log", offsetof(struct conf, site.access_log), offsetof(struct conf, site.lines.access_log) },
	{ "pid_file", offsetof(struct conf, pid_file), offsetof(struct conf, line.pid_file) },
};

static int conf_check_identity(const struct conf *c, char *err, size_t errlen)
{
	struct identity id;

	if (identity_resolve(c, geteuid(), &id, err, errlen) < 0)
		return -1;
	identity_free(&id);
	return 0;
}

/* A file that does not exist yet is created in its directory, which must
 * then exist and let us add an entry (write) and reach it (search). */
static int conf_check_creatable(const struct conf *c, const char *key, int line,
				const char *path, char *err, size_t errlen)
{
	char *copy = strdup(path);
	const char *dir;
	struct stat st;
	int e = 0;

	if (!copy)
		return conf_error(c, line, err, errlen, "%s: %s", key, strerror(errno));
	dir = dirname(copy);
	if (stat(dir, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
		e = errno;
	if (e)
		conf_error(c, line, err, errlen, "%s: cannot create '%s': '%s': %s",
			   key, path, dir, strerror(e));
	free(copy);
	return e ? -1 : 0;
}

static int conf_check_writable(const struct conf *c, const struct conf_check_file *f,
			       char *err, size_t errlen)
{
	const char *path;
	struct stat st;
	int line;

	memcpy(&path, (const char *)c + f->off, sizeof path);
	memcpy(&line, (const char *)c + f->line_off, sizeof line);
	if (!path)
		return 0;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return conf_check_creatable(c, f->key, line, path, err, errlen);
		return conf_error(c, line, err, errlen, "%s: '%s': %s", f->key, path,
				  strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return conf_error(c, line, err, errlen, "%s: '%s' is a directory",
				  f->key, path);
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		return conf_error(c, line, err, errlen, "%s: cannot write '%s': %s",
				  f->key, path, strerror(errno));
	return 0;
}

static int conf_check_logs(const struct conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof conf_check_files / sizeof conf_check_files[0]; i++)
		if (conf_check_writable(c, &conf_check_files[i], err, errlen) < 0)
			return -1;
	return 0;
}

/* mime_load's own message names the mime.types file (and its line), never
 * the key that pointed there; the prefix adds it. */
static int conf_check_mime(const struct conf *c, char *err, size_t errlen)
{
	struct mime_table *t;
	char why[PATH_MAX + 256];
	int rc;

	if (!c->mime_types)
		return 0;
	if (!(t = mime_new()))
		return conf_error(c, c->line.mime_types, err, errlen, "mime_types: %s",
				  strerror(ENOMEM));
	rc = mime_load(t, c->mime_types, why, sizeof why);
	mime_free(t);
	if (rc < 0)
		return conf_error(c, c->line.mime_types, err, errlen, "mime_types: %s", why);
	return 0;
}

/* conf_load saw it when the file was read; a reload reads it again later. */
static int conf_check_cgi_directory(const struct conf *c, char *err, size_t errlen)
{
	struct stat st;
	int e = 0;

	if (!c->site.cgi.enabled)
		return 0;
	if (stat(c->site.cgi.directory, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e)
		return conf_error(c, c->site.cgi.directory_line, err, errlen,
				  "cgi.directory: '%s': %s", c->site.cgi.directory, strerror(e));
	return 0;
}

/* The interpreter is execve()d directly (never through PATH or a shell). */
static int conf_check_interpreter(const struct conf *c,
				  const struct conf_cgi_handler *h,
				  char *err, size_t errlen)
{
	struct stat st;

	if (stat(h->interpreter, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return conf_error(c, h->line, err, errlen, "cgi.handlers: "
					  "interpreter '%s' does not exist", h->interpreter);
		return conf_error(c, h->line, err, errlen, "cgi.handlers: "
				  "interpreter '%s': %s", h->interpreter, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return conf_error(c, h->line, err, errlen, "cgi.handlers: "
				  "interpreter '%s' is not a regular file", h->interpreter);
	if (faccessat(AT_FDCWD, h->interpreter, X_OK, AT_EACCESS) < 0)
		return conf_error(c, h->line, err, errlen, "cgi.handlers: "
				  "interpreter '%s' is not executable", h->interpreter);
	return 0;
}

static int conf_check_handlers(const struct conf *c, char *err, size_t errlen)
{
	if (!c->site.cgi.enabled)
		return 0;
	for (size_t i = 0; i < c->site.cgi.nhandlers; i++)
		if (conf_check_interpreter(c, &c->site.cgi.handlers[i], err, errlen) < 0)
			return -1;
	return 0;
}

/* realpath()'s answer is below document_root (itself a realpath). */
static bool conf_check_beneath(const char *root, const char *real)
{
	size_t rlen = strlen(root);

	return strncmp(real, root, rlen) == 0 && (real[rlen] == '/' || real[rlen] == '\0');
}

/* Error pages are opened beneath their directory (static_open: openat2
 * RESOLVE_BENEATH), so a symlink out of it fails at run time; so here. A
 * script under cgi.alias must also be executable. */
static int conf_check_page_file(const struct conf *c, const struct conf_error_page *p,
				const char *dir, const char *real, bool exec,
				char *err, size_t errlen)
{
	struct stat st;

	if (!conf_check_beneath(dir, real))
		return conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d) "
				  "leads outside %s '%s'", p->path, p->status,
				  exec ? "cgi.directory" : "document_root", dir);
	if (stat(real, &st) < 0)
		return conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d): "
				  "%s", p->path, p->status, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d) "
				  "is not a regular file", p->path, p->status);
	if (exec && faccessat(AT_FDCWD, real, X_OK, AT_EACCESS) < 0)
		return conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d) "
				  "is a script under cgi.alias but not executable", p->path, p->status);
	return 0;
}

/* An error page under cgi.alias is a file of cgi.directory; any other, of document_root. */
static bool conf_check_page_alias(const struct conf *c, const struct conf_error_page *p)
{
	const char *interp;

	return cgi_page_kind(&c->site, p->path, &interp) == CGI_PAGE_SCRIPT && interp == NULL;
}

static int conf_check_page(const struct conf *c, const struct conf_error_page *p,
			   char *err, size_t errlen)
{
	bool alias = conf_check_page_alias(c, p);
	const char *rel = alias ? p->path + strlen(c->site.cgi.alias) - 1 : p->path;
	char *joined = NULL, *real = NULL, *dir = NULL;
	int rc;

	dir = realpath(alias ? c->site.cgi.directory : c->site.document_root, NULL);
	if (!dir || asprintf(&joined, "%s%s", dir, rel) < 0) {
		rc = conf_error(c, p->line, err, errlen, "error_pages: %s", strerror(errno));
		joined = NULL;
		goto out;
	}
	real = realpath(joined, NULL);
	if (!real && (errno == ENOENT || errno == ENOTDIR))
		rc = conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d) "
				"does not exist below %s '%s'", p->path, p->status,
				alias ? "cgi.directory" : "document_root", dir);
	else if (!real)
		rc = conf_error(c, p->line, err, errlen, "error_pages: '%s' (status %d): "
				"%s", p->path, p->status, strerror(errno));
	else
		rc = conf_check_page_file(c, p, dir, real, alias, err, errlen);
out:
	free(real);
	free(joined);
	free(dir);
	return rc;
}

static int conf_check_error_pages(const struct conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->site.nerror_pages; i++)
		if (conf_check_page(c, &c->site.error_pages[i], err, errlen) < 0)
			return -1;
	return 0;
}

static void conf_check_suexec_notice(const struct conf *c, FILE *out);

void conf_check_notices(const struct conf *c, FILE *out)
{
	char msg[PATH_MAX + 512];

	conf_check_suexec_notice(c, out);
	for (size_t i = 0; i < c->site.nerror_pages; i++) {
		const struct conf_error_page *p = &c->site.error_pages[i];
		const char *interp;

		switch (cgi_page_kind(&c->site, p->path, &interp)) {
		case CGI_PAGE_FILE:
			continue;
		case CGI_PAGE_SCRIPT:
			conf_error(c, p->line, msg, sizeof msg, "notice: error_pages: '%s' "
				   "(status %d) will be run as a script (%s%s), as Apache's "
				   "ErrorDocument", p->path, p->status,
				   interp ? "by " : "under cgi.alias", interp ? interp : "");
			break;
		case CGI_PAGE_SOURCE:
			conf_error(c, p->line, msg, sizeof msg, "warning: error_pages: '%s' "
				   "(status %d) is a script that no handler runs: it is never "
				   "sent, the built-in page answers instead", p->path, p->status);
			break;
		}
		fprintf(out, "%s\n", msg);
	}
}

/* ---- cgi.user: the setuid helper and the identities ---------------------- */

/* The helper the workers execute for cgi.user sites (conf.suexec, else the compiled default). */
static const char *conf_check_helper(const struct conf *c)
{
	return c->suexec ? c->suexec : PFHTTPD_SUEXEC;
}

/* Site i: 0 the top level, then the vhosts; NULL past the end. */
static const struct conf_site *conf_check_site(const struct conf *c, size_t i)
{
	return i == 0 ? &c->site : i <= c->nvhosts ? &c->vhosts[i - 1] : NULL;
}

/* The helper's own checks of the user and group, here with the line (the caller's uid aside). */
static int conf_check_run_as(const struct conf *c, const struct conf_site *s,
			     char *err, size_t errlen)
{
	const struct conf_cgi *g = &s->cgi;
	struct passwd *pw = getpwnam(g->user);
	uid_t uid = pw ? pw->pw_uid : 0;
	gid_t gid = pw ? pw->pw_gid : 0;
	struct group *gr = g->group ? getgrnam(g->group) : pw ? getgrgid(gid) : NULL;
	const char *why = suexec_check_identity(pw, gr, g->min_uid, g->min_gid, (uid_t)-1, (gid_t)-1);

	if (why)
		return conf_error(c, g->user_line, err, errlen, "cgi.user: '%s', group '%s' (uid %jd, "
				  "gid %jd): %s: unknown, 0, or below cgi.min_uid %jd / cgi.min_gid "
				  "%jd (never below %d)", g->user, g->group ? g->group : "(primary)",
				  pw ? (intmax_t)uid : -1, gr ? (intmax_t)gr->gr_gid : -1, why,
				  (intmax_t)g->min_uid, (intmax_t)g->min_gid, PFHTTPD_SUEXEC_MIN_ID);
	return 0;
}

/*
 * With any cgi.user, the helper must exist and be a file nobody but its
 * owner may change (a setuid-root program others could rewrite makes
 * them root). That it is setuid root is only a warning (conf_check_notices):
 * a development server running as root needs no setuid bit.
 */
static int conf_check_suexec(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_site *s, *first = NULL;
	const char *helper = conf_check_helper(c);
	struct stat st;

	for (size_t i = 0; (s = conf_check_site(c, i)); i++) {
		if (!s->cgi.enabled || !s->cgi.user)
			continue;
		if (conf_check_run_as(c, s, err, errlen) < 0)
			return -1;
		first = first ? first : s;
	}
	if (!first)
		return 0;
	if (stat(helper, &st) < 0)
		return conf_error(c, first->cgi.user_line, err, errlen, "cgi.user: the helper '%s' "
				  "(suexec): %s; make install puts it there", helper, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return conf_error(c, first->cgi.user_line, err, errlen, "cgi.user: the helper '%s' "
				  "(suexec) is not a regular file only its owner may write", helper);
	return 0;
}

/* -t's warning: a helper that is not setuid root cannot switch users (it says so per script). */
static void conf_check_suexec_notice(const struct conf *c, FILE *out)
{
	const char *helper = conf_check_helper(c);
	const struct conf_site *s;
	char msg[PATH_MAX + 512];
	struct stat st;

	for (size_t i = 0; (s = conf_check_site(c, i)); i++) {
		if (!s->cgi.enabled || !s->cgi.user)
			continue;
		if (stat(helper, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID))
			return;
		conf_error(c, s->cgi.user_line, msg, sizeof msg, "warning: cgi.user: the helper '%s' "
			   "is not setuid root: its scripts answer 500 unless the workers run as "
			   "root (make install sets mode 4750 root:SUEXEC_GROUP)", helper);
		fprintf(out, "%s\n", msg);
		return;
	}
}

/* In the order start-up meets them: identities, logs, then what requests use. */
static conf_check_fn *const conf_checks[] = {
	conf_check_identity,
	conf_check_logs,
	conf_check_mime,
	conf_check_cgi_directory,
	conf_check_handlers,
	conf_check_error_pages,
	conf_check_suexec,
};

int conf_check(const struct conf *c, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < sizeof conf_checks / sizeof conf_checks[0]; i++)
		if (conf_checks[i](c, err, errlen) < 0)
			return -1;
	return 0;
}
