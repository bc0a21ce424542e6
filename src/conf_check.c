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
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int conf_check_fn(const struct conf *c, char *err, size_t errlen);

/*
 * One site's checks: the top level's, then each vhost's. who is "" for
 * the top level and "vhost 'NAME': " for a vhost, so a message says which
 * site it is about; the line is that of the key in the vhost (or, for what
 * the vhost inherited, in the top level).
 */
struct conf_check_site {
	const struct conf *c;
	const struct conf_site *s;
	char who[300];
};

typedef int conf_check_site_fn(const struct conf_check_site *k, char *err, size_t errlen);

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

/* A file the master writes (or creates), with its key's line. */
static int conf_check_writable(const struct conf *c, const char *who, const char *key,
			       const char *path, int line, char *err, size_t errlen)
{
	char what[400];
	struct stat st;

	if (!path)
		return 0;
	snprintf(what, sizeof what, "%s%s", who, key);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return conf_check_creatable(c, what, line, path, err, errlen);
		return conf_error(c, line, err, errlen, "%s: '%s': %s", what, path,
				  strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return conf_error(c, line, err, errlen, "%s: '%s' is a directory",
				  what, path);
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		return conf_error(c, line, err, errlen, "%s: cannot write '%s': %s",
				  what, path, strerror(errno));
	return 0;
}

static int conf_check_logs(const struct conf_check_site *k, char *err, size_t errlen)
{
	const struct conf_site *s = k->s;

	if (conf_check_writable(k->c, k->who, "error_log", s->error_log, s->lines.error_log,
				err, errlen) < 0)
		return -1;
	return conf_check_writable(k->c, k->who, "access_log", s->access_log,
				   s->lines.access_log, err, errlen);
}

static int conf_check_pid_file(const struct conf *c, char *err, size_t errlen)
{
	return conf_check_writable(c, "", "pid_file", c->pid_file, c->line.pid_file, err, errlen);
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
static int conf_check_cgi_directory(const struct conf_check_site *k, char *err, size_t errlen)
{
	const struct conf_cgi *cgi = &k->s->cgi;
	struct stat st;
	int e = 0;

	if (!cgi->enabled)
		return 0;
	if (stat(cgi->directory, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e)
		return conf_error(k->c, cgi->directory_line, err, errlen,
				  "%scgi.directory: '%s': %s", k->who, cgi->directory, strerror(e));
	return 0;
}

/* The interpreter is execve()d directly (never through PATH or a shell). */
static int conf_check_interpreter(const struct conf_check_site *k,
				  const struct conf_cgi_handler *h,
				  char *err, size_t errlen)
{
	struct stat st;

	if (stat(h->interpreter, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return conf_error(k->c, h->line, err, errlen, "%scgi.handlers: "
					  "interpreter '%s' does not exist", k->who, h->interpreter);
		return conf_error(k->c, h->line, err, errlen, "%scgi.handlers: "
				  "interpreter '%s': %s", k->who, h->interpreter, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return conf_error(k->c, h->line, err, errlen, "%scgi.handlers: "
				  "interpreter '%s' is not a regular file", k->who, h->interpreter);
	if (faccessat(AT_FDCWD, h->interpreter, X_OK, AT_EACCESS) < 0)
		return conf_error(k->c, h->line, err, errlen, "%scgi.handlers: "
				  "interpreter '%s' is not executable", k->who, h->interpreter);
	return 0;
}

static int conf_check_handlers(const struct conf_check_site *k, char *err, size_t errlen)
{
	const struct conf_cgi *cgi = &k->s->cgi;

	if (!cgi->enabled)
		return 0;
	for (size_t i = 0; i < cgi->nhandlers; i++)
		if (conf_check_interpreter(k, &cgi->handlers[i], err, errlen) < 0)
			return -1;
	return 0;
}

/* The helper never goes below its compiled floor, whatever cgi.min_uid says (suexec_check.h). */
static int64_t conf_check_min_id(int64_t min)
{
	return min > PFHTTPD_SUEXEC_MIN_ID ? min : PFHTTPD_SUEXEC_MIN_ID;
}

/* Which limit a message names: the key, or the helper's floor when that is higher. */
static const char *conf_check_min_name(int64_t min, const char *key)
{
	return min >= PFHTTPD_SUEXEC_MIN_ID ? key : "pfhttpd-suexec's floor";
}

/*
 * suEXEC (Apache's suexec.c) refuses at request time a target user or
 * group that does not exist or lies below the minimum ids; -t says so
 * before the first script fails with 500.
 */
static int conf_check_cgi_id(const struct conf_check_site *k, bool group, char *err, size_t errlen)
{
	const struct conf_cgi *cgi = &k->s->cgi;
	const char *what = group ? "group" : "user", *name = group ? cgi->group : cgi->user;
	const int line = group ? cgi->group_line : cgi->user_line;
	const int64_t min = group ? cgi->min_gid : cgi->min_uid;
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	long id;

	errno = 0;
	if (group ? !(gr = getgrnam(name)) : !(pw = getpwnam(name)))
		return conf_error(k->c, line, err, errlen, "%scgi.%s: %s%s '%s'", k->who, what,
				  errno ? strerror(errno) : "unknown ", errno ? "" : what, name);
	id = group ? (long)gr->gr_gid : (long)pw->pw_uid;
	if ((int64_t)id < conf_check_min_id(min))
		return conf_error(k->c, line, err, errlen, "%scgi.%s: '%s' has %s %ld, below %s (%lld)",
				  k->who, what, name, group ? "gid" : "uid", id,
				  conf_check_min_name(min, group ? "cgi.min_gid" : "cgi.min_uid"),
				  (long long)conf_check_min_id(min));
	return 0;
}

static int conf_check_cgi_user(const struct conf_check_site *k, char *err, size_t errlen)
{
	const struct conf_cgi *cgi = &k->s->cgi;

	if (!cgi->enabled || !cgi->user)
		return 0;
	if (conf_check_cgi_id(k, false, err, errlen) < 0)
		return -1;
	return cgi->group ? conf_check_cgi_id(k, true, err, errlen) : 0;
}

/* Apache reads AuthUserFile only when a request needs it; a missing or
 * unreadable one would then turn every request of the rule into 500, so
 * -t looks now. */
static int conf_check_access(const struct conf_check_site *k, char *err, size_t errlen)
{
	for (size_t i = 0; i < k->s->naccess; i++) {
		const struct conf_access *a = &k->s->access[i];
		struct stat st;

		if (!a->user_file)
			continue;
		if (stat(a->user_file, &st) < 0)
			return conf_error(k->c, a->user_file_line, err, errlen,
					  "%saccess: user_file '%s': %s", k->who, a->user_file,
					  strerror(errno));
		if (!S_ISREG(st.st_mode))
			return conf_error(k->c, a->user_file_line, err, errlen,
					  "%saccess: user_file '%s' is not a regular file",
					  k->who, a->user_file);
		if (faccessat(AT_FDCWD, a->user_file, R_OK, AT_EACCESS) < 0)
			return conf_error(k->c, a->user_file_line, err, errlen,
					  "%saccess: user_file '%s': cannot read: %s", k->who,
					  a->user_file, strerror(errno));
	}
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
static int conf_check_page_file(const struct conf_check_site *k, const struct conf_error_page *p,
				const char *dir, const char *real, bool exec,
				char *err, size_t errlen)
{
	struct stat st;

	if (!conf_check_beneath(dir, real))
		return conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d) "
				  "leads outside %s '%s'", k->who, p->path, p->status,
				  exec ? "cgi.directory" : "document_root", dir);
	if (stat(real, &st) < 0)
		return conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d): "
				  "%s", k->who, p->path, p->status, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d) "
				  "is not a regular file", k->who, p->path, p->status);
	if (exec && faccessat(AT_FDCWD, real, X_OK, AT_EACCESS) < 0)
		return conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d) "
				  "is a script under cgi.alias but not executable", k->who, p->path,
				  p->status);
	return 0;
}

/* An error page under cgi.alias is a file of cgi.directory; any other, of document_root. */
static bool conf_check_page_alias(const struct conf_site *s, const struct conf_error_page *p)
{
	const char *interp;

	return cgi_page_kind(s, p->path, &interp) == CGI_PAGE_SCRIPT && interp == NULL;
}

static int conf_check_page(const struct conf_check_site *k, const struct conf_error_page *p,
			   char *err, size_t errlen)
{
	const struct conf_site *s = k->s;
	bool alias = conf_check_page_alias(s, p);
	const char *rel = alias ? p->path + strlen(s->cgi.alias) - 1 : p->path;
	char *joined = NULL, *real = NULL, *dir = NULL;
	int rc;

	dir = realpath(alias ? s->cgi.directory : s->document_root, NULL);
	if (!dir || asprintf(&joined, "%s%s", dir, rel) < 0) {
		rc = conf_error(k->c, p->line, err, errlen, "%serror_pages: %s", k->who,
				strerror(errno));
		joined = NULL;
		goto out;
	}
	real = realpath(joined, NULL);
	if (!real && (errno == ENOENT || errno == ENOTDIR))
		rc = conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d) "
				"does not exist below %s '%s'", k->who, p->path, p->status,
				alias ? "cgi.directory" : "document_root", dir);
	else if (!real)
		rc = conf_error(k->c, p->line, err, errlen, "%serror_pages: '%s' (status %d): "
				"%s", k->who, p->path, p->status, strerror(errno));
	else
		rc = conf_check_page_file(k, p, dir, real, alias, err, errlen);
out:
	free(real);
	free(joined);
	free(dir);
	return rc;
}

static int conf_check_error_pages(const struct conf_check_site *k, char *err, size_t errlen)
{
	for (size_t i = 0; i < k->s->nerror_pages; i++)
		if (conf_check_page(k, &k->s->error_pages[i], err, errlen) < 0)
			return -1;
	return 0;
}

/* Site n: 0 the top level, then the vhosts in file order. */
static void conf_check_site_of(const struct conf *c, size_t n, struct conf_check_site *k)
{
	k->c = c;
	k->s = n == 0 ? &c->site : &c->vhosts[n - 1];
	if (n == 0)
		k->who[0] = '\0';
	else
		snprintf(k->who, sizeof k->who, "vhost '%s': ", k->s->server_name);
}

static void conf_check_site_notices(const struct conf_check_site *k, FILE *out)
{
	char msg[PATH_MAX + 512];

	for (size_t i = 0; i < k->s->nerror_pages; i++) {
		const struct conf_error_page *p = &k->s->error_pages[i];
		const char *interp;

		switch (cgi_page_kind(k->s, p->path, &interp)) {
		case CGI_PAGE_FILE:
			continue;
		case CGI_PAGE_SCRIPT:
			conf_error(k->c, p->line, msg, sizeof msg, "notice: %serror_pages: '%s' "
				   "(status %d) will be run as a script (%s%s), as Apache's "
				   "ErrorDocument", k->who, p->path, p->status,
				   interp ? "by " : "under cgi.alias", interp ? interp : "");
			break;
		case CGI_PAGE_SOURCE:
			conf_error(k->c, p->line, msg, sizeof msg, "warning: %serror_pages: '%s' "
				   "(status %d) is a script that no handler runs: it is never "
				   "sent, the built-in page answers instead", k->who, p->path,
				   p->status);
			break;
		}
		fprintf(out, "%s\n", msg);
	}
}

/*
 * pass_env (Apache's PassEnv) takes each value from the environment the
 * server was started with; a name that is not there is left out of the
 * scripts' environment, and -t says so, as Apache's PassEnv warns at
 * start. Said once per name where it is written: a vhost or location says
 * nothing of the names it inherited (those of parent, NULL at the top).
 * The line is the innermost pass_env's (conf_pathset_merge keeps it).
 */
static bool conf_check_named(const struct conf_pathset *set, const char *name)
{
	for (size_t i = 0; set && i < set->npass_env; i++)
		if (strcmp(set->pass_env[i], name) == 0)
			return true;
	return false;
}

static void conf_check_pass_env(const struct conf_check_site *k, const struct conf_pathset *set,
				const struct conf_pathset *parent, FILE *out)
{
	char msg[PATH_MAX + 512];

	for (size_t i = 0; i < set->npass_env; i++) {
		if (getenv(set->pass_env[i]) || conf_check_named(parent, set->pass_env[i]))
			continue;
		conf_error(k->c, set->pass_env_line, msg, sizeof msg, "notice: %spass_env: '%s' is "
			   "not in the server's environment: scripts will not get it", k->who,
			   set->pass_env[i]);
		fprintf(out, "%s\n", msg);
	}
}

static void conf_check_env_notices(const struct conf_check_site *k, FILE *out)
{
	const struct conf_pathset *set = &k->s->set;

	conf_check_pass_env(k, set, k->s == &k->c->site ? NULL : &k->c->site.set, out);
	for (size_t i = 0; i < k->s->nlocations; i++)
		conf_check_pass_env(k, &k->s->locations[i].set, set, out);
}

/* ---- the setuid helper of cgi.user sites ---------------------------------- */

/* The first site (top level, then vhosts) whose scripts run as cgi.user, or NULL. */
static const struct conf_site *conf_check_suexec_site(const struct conf *c)
{
	for (size_t n = 0; n <= c->nvhosts; n++) {
		const struct conf_site *s = n == 0 ? &c->site : &c->vhosts[n - 1];

		if (s->cgi.enabled && s->cgi.user)
			return s;
	}
	return NULL;
}

static const char *conf_check_helper(const struct conf *c)
{
	return c->suexec ? c->suexec : PFHTTPD_SUEXEC;
}

/*
 * With any cgi.user, the helper must exist and be a file nobody but its
 * owner may change (a setuid-root program others could rewrite makes them
 * root). That it is setuid root is only a warning (conf_check_notices): a
 * development server whose workers run as root needs no setuid bit, and
 * without root none can be installed; its scripts then answer 500 with
 * "pfhttpd-suexec: setuid: ..." in the error log.
 */
static int conf_check_suexec(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_site *s = conf_check_suexec_site(c);
	const char *helper = conf_check_helper(c);
	struct stat st;

	if (!s)
		return 0;
	if (stat(helper, &st) < 0)
		return conf_error(c, s->cgi.user_line, err, errlen, "cgi.user: the helper '%s' "
				  "(suexec): %s; make install puts it there", helper, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return conf_error(c, s->cgi.user_line, err, errlen, "cgi.user: the helper '%s' "
				  "(suexec) is not a regular file only its owner may write", helper);
	return 0;
}

static void conf_check_suexec_notice(const struct conf *c, FILE *out)
{
	const struct conf_site *s = conf_check_suexec_site(c);
	const char *helper = conf_check_helper(c);
	char msg[PATH_MAX + 512];
	struct stat st;

	if (!s || (stat(helper, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID)))
		return;
	conf_error(c, s->cgi.user_line, msg, sizeof msg, "warning: cgi.user: the helper '%s' is "
		   "not setuid root: scripts of cgi.user sites answer 500 unless the workers run "
		   "as root (make install sets mode 4750 root:SUEXEC_GROUP)", helper);
	fprintf(out, "%s\n", msg);
}

void conf_check_notices(const struct conf *c, FILE *out)
{
	struct conf_check_site k;

	for (size_t n = 0; n <= c->nvhosts; n++) {
		conf_check_site_of(c, n, &k);
		conf_check_site_notices(&k, out);
		conf_check_env_notices(&k, out);
	}
	conf_check_suexec_notice(c, out);
}

/* In the order start-up meets them: identities, logs, then what requests use. */
static conf_check_fn *const conf_checks[] = {
	conf_check_identity,
	conf_check_pid_file,
	conf_check_mime,
};

static conf_check_site_fn *const conf_site_checks[] = {
	conf_check_logs,
	conf_check_cgi_directory,
	conf_check_handlers,
	conf_check_cgi_user,
	conf_check_error_pages,
	conf_check_access,
};

static int conf_check_sites(const struct conf *c, char *err, size_t errlen)
{
	struct conf_check_site k;

	for (size_t n = 0; n <= c->nvhosts; n++) {
		conf_check_site_of(c, n, &k);
		for (size_t i = 0; i < sizeof conf_site_checks / sizeof conf_site_checks[0]; i++)
			if (conf_site_checks[i](&k, err, errlen) < 0)
				return -1;
	}
	return 0;
}

int conf_check(const struct conf *c, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < sizeof conf_checks / sizeof conf_checks[0]; i++)
		if (conf_checks[i](c, err, errlen) < 0)
			return -1;
	/* The helper last: a site's own cgi.user problem names its line first. */
	if (conf_check_sites(c, err, errlen) < 0)
		return -1;
	return conf_check_suexec(c, err, errlen);
}
