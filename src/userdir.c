#include "userdir.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"
#include "static.h"

/* ---- the pure part -------------------------------------------------------- */

/* POSIX.1-2017 3.437: a portable user name is made of these (and may not start with '-'). */
static bool userdir_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

enum userdir_kind userdir_split(const char *path, size_t len, struct userdir_path *out)
{
	size_t n = 2;

	memset(out, 0, sizeof(*out));
	if (len < 2 || path[0] != '/' || path[1] != '~')
		return USERDIR_NOT;
	for (; n < len && path[n] != '/'; n++)
		if (!userdir_name_char(path[n]) || n - 2 >= USERDIR_NAME_MAX)
			return USERDIR_BAD;
	if (n == 2 || path[2] == '-')
		return USERDIR_BAD;
	out->name = path + 2;
	out->name_len = n - 2;
	out->rest = path + n;
	out->rest_len = len - n;
	return n == len ? USERDIR_BARE : USERDIR_USER;
}

/* ---- the user's site -------------------------------------------------------- */

/*
 * The one user site a worker has at a time (a worker serves one request at
 * a time): its strings live here, so no request allocates. buf holds
 * getpwnam_r's strings, then getgrgid_r's (a primary group such as "users"
 * can list many members).
 */
static struct {
	struct site site;
	struct conf_site cs;
	char prefix[2 + USERDIR_NAME_MAX + 1];                       /* "/~name" */
	char alias[2 + USERDIR_NAME_MAX + sizeof("/cgi-bin/")];      /* "/~name/cgi-bin/" */
	char user[USERDIR_NAME_MAX + 1];
	char group[256];
	char root[PATH_MAX];         /* realpath of home/userdir.directory */
	char cgi_dir[PATH_MAX];      /* realpath of its cgi-bin/, or "" */
	char buf[65536];
} ud = { .site = { .root_fd = -1, .cgi_fd = -1 } };

static bool userdir_excluded(const struct conf *cf, const char *name)
{
	for (size_t i = 0; i < cf->userdir.nexclude; i++)
		if (strcmp(cf->userdir.exclude[i], name) == 0)
			return true;
	return false;
}

/*
 * May ud.user publish? NULL, with *pw filled (its strings in ud.buf), or
 * why not, for the error log only: the client gets a missing file's 404
 * whatever the reason, so it cannot tell an account from no account. The
 * lookup comes first for every name, excluded ones too, so that each
 * refusal costs the same one NSS lookup.
 */
static const char *userdir_user(const struct conf *cf, struct passwd *pw)
{
	struct passwd *res = NULL;
	int e = getpwnam_r(ud.user, pw, ud.buf, sizeof(ud.buf), &res);

	/* getpwnam_r(3): some NSS modules report "not found" as one of these. */
	if (e == ENOENT || e == ESRCH || e == EBADF || e == EPERM)
		e = 0;
	if (e != 0) {
		log_error(LOG_ERR, "userdir: looking up user '%s': %s", ud.user, strerror(e));
		return "userdir: user lookup failed";
	}
	if (!res)
		return "userdir: no such user";
	/* root never publishes, whatever min_uid says (Apache's suexec refuses uid 0 the same way). */
	if (pw->pw_uid == 0 || (int64_t)pw->pw_uid < cf->userdir.min_uid)
		return "userdir: user below userdir.min_uid";
	if (userdir_excluded(cf, ud.user))
		return "userdir: user in userdir.exclude";
	if (pw->pw_dir == NULL || pw->pw_dir[0] != '/')
		return "userdir: home directory not absolute";
	return NULL;
}

/* Close the user's directories (a new request, or the end of this one). */
static void userdir_close(void)
{
	if (ud.site.root_fd >= 0)
		close(ud.site.root_fd);
	if (ud.site.cgi_fd >= 0)
		close(ud.site.cgi_fd);
	ud.site.root_fd = ud.site.cgi_fd = -1;
}

/*
 * cgi-bin/ below the user's directory, if it is a directory that stays
 * inside it: cgi_fd and cgi_dir, or -1 and "" (its scripts then get 404).
 */
static void userdir_cgi_dir(void)
{
	char joined[PATH_MAX];
	size_t rlen = strlen(ud.root);

	ud.cgi_dir[0] = '\0';
	ud.site.cgi_fd = static_open_beneath(ud.site.root_fd, ud.root, "cgi-bin", O_PATH | O_DIRECTORY);
	if (ud.site.cgi_fd < 0)
		return;
	/* The name must agree with the descriptor: cgi_open and suEXEC check scripts by it. */
	if ((size_t)snprintf(joined, sizeof(joined), "%s/cgi-bin", ud.root) >= sizeof(joined) ||
	    !realpath(joined, ud.cgi_dir) || strncmp(ud.cgi_dir, ud.root, rlen) != 0 ||
	    ud.cgi_dir[rlen] != '/') {
		ud.cgi_dir[0] = '\0';
		close(ud.site.cgi_fd);
		ud.site.cgi_fd = -1;
	}
}

/*
 * Each step of home/userdir.directory may be a symbolic link only to a
 * directory the link's owner owns (Apache's SymLinksIfOwnerMatch, which
 * Debian's userdir.conf sets): a user's link to another site's tree would
 * serve that tree, with the worker's rights, under /~user/ and past that
 * site's access rules. The last step is checked against the directory
 * opened (root_fd), so a link swapped meanwhile is caught too.
 */
static bool userdir_links_ok(const char *joined, size_t home_len, int root_fd)
{
	char step[PATH_MAX];
	struct stat l, d;

	for (size_t i = home_len + 1; joined[i]; i++) {
		if (joined[i] != '/')
			continue;
		memcpy(step, joined, i);
		step[i] = '\0';
		if (lstat(step, &l) < 0)
			return false;
		if (S_ISLNK(l.st_mode) && (stat(step, &d) < 0 || l.st_uid != d.st_uid))
			return false;
	}
	if (lstat(joined, &l) < 0 || fstat(root_fd, &d) < 0)
		return false;
	if (S_ISLNK(l.st_mode))
		return l.st_uid == d.st_uid;
	return l.st_dev == d.st_dev && l.st_ino == d.st_ino;
}

/* Open home/userdir.directory (a link to it is followed, see above). NULL or why not. */
static const char *userdir_dirs(const struct conf *cf, const struct passwd *pw)
{
	char joined[PATH_MAX];
	const size_t home_len = strlen(pw->pw_dir);

	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", pw->pw_dir, cf->userdir.directory) >=
	    sizeof(joined))
		return "userdir: directory name too long";
	if (!realpath(joined, ud.root))
		return "userdir: no such directory";
	ud.site.root_fd = open(ud.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ud.site.root_fd < 0)
		return "userdir: cannot open the directory";
	if (!userdir_links_ok(joined, home_len, ud.site.root_fd))
		return "userdir: a link to another owner's directory";
	userdir_cgi_dir();
	return NULL;
}

/* The user's primary group's name into ud.group (suEXEC takes names). NULL or why not. */
static const char *userdir_group(gid_t gid)
{
	struct group gr, *res = NULL;
	int e = getgrgid_r(gid, &gr, ud.buf, sizeof(ud.buf), &res);

	if (e != 0 || !res || strlen(gr.gr_name) >= sizeof(ud.group)) {
		log_error(LOG_ERR, "userdir: user '%s': primary group %lu: %s", ud.user,
			  (unsigned long)gid, e ? strerror(e) : res ? "name too long" : "no such group");
		return "userdir: primary group unusable";
	}
	memcpy(ud.group, gr.gr_name, strlen(gr.gr_name) + 1);
	return NULL;
}

/*
 * The site made from base for the user: base's settings, but the user's
 * directory as its root, its cgi-bin/ behind "/~name/cgi-bin/", and the
 * user as the identity of its scripts (cgi.c, suEXEC). cgi.enabled stays
 * base's: with CGI off for the site, no user's script runs either.
 */
static void userdir_site(const struct site *base, const struct userdir_path *up)
{
	int root_fd = ud.site.root_fd, cgi_fd = ud.site.cgi_fd;

	snprintf(ud.prefix, sizeof(ud.prefix), "/~%s", ud.user);
	snprintf(ud.alias, sizeof(ud.alias), "/~%s/cgi-bin/", ud.user);
	ud.cs = *base->cs;
	ud.cs.document_root = ud.root;
	ud.cs.cgi.alias = ud.alias;
	ud.cs.cgi.directory = ud.cgi_dir;
	ud.cs.cgi.user = ud.user;
	ud.cs.cgi.group = ud.group;
	ud.cs.cgi.min_uid = base->conf->userdir.min_uid;
	ud.site = *base;
	ud.site.cs = &ud.cs;
	ud.site.root_fd = root_fd;
	ud.site.cgi_fd = cgi_fd;
	ud.site.base = base;
	ud.site.url_prefix = ud.prefix;
	ud.site.url_prefix_len = up->name_len + 2;
}

/* "/cgi-bin" or "/cgi-bin/...": what CGI would have run. */
static bool userdir_in_cgi_bin(const struct userdir_path *up)
{
	static const char cb[] = "/cgi-bin";
	size_t n = sizeof(cb) - 1;

	return up->rest_len >= n && memcmp(up->rest, cb, n) == 0 &&
	       (up->rest_len == n || up->rest[n] == '/');
}

static int userdir_enter(struct request *rq, const struct userdir_path *up)
{
	const struct site *base = rq->site;
	const struct conf *cf = base->conf;
	struct passwd pw;
	const char *why;

	memcpy(ud.user, up->name, up->name_len);
	ud.user[up->name_len] = '\0';
	why = userdir_user(cf, &pw);
	if (!why)
		why = userdir_dirs(cf, &pw);
	if (!why)
		why = userdir_group(pw.pw_gid); /* last: it reuses the buffer pw's strings are in */
	/*
	 * With CGI off, cgi-bin/ is not served as files either: its files are
	 * programs, whose text (passwords included) must not leak. 404, not
	 * 403, so that it says no more about the account than a missing file.
	 */
	if (!why && !base->cs->cgi.enabled && userdir_in_cgi_bin(up))
		why = "userdir: cgi-bin/ while CGI is off for the site";
	if (why) {
		userdir_close();
		return http_error(rq, 404, NULL, why);
	}
	userdir_site(base, up);
	rq->site = &ud.site;
	return USERDIR_ROUTE;
}

void userdir_done(struct request *rq)
{
	if (rq->site == &ud.site)
		rq->site = ud.site.base;
	userdir_close();
}

int userdir_route(struct request *rq)
{
	struct userdir_path up;

	userdir_done(rq); /* a local redirect starts again from the request's own site */
	if (!rq->site->conf->userdir.enabled)
		return USERDIR_ROUTE;
	switch (userdir_split(rq->path, rq->path_len, &up)) {
	case USERDIR_NOT:
		return USERDIR_ROUTE;
	case USERDIR_BAD:
		return http_error(rq, 404, NULL, "userdir: not a user name");
	case USERDIR_USER:
	case USERDIR_BARE:
		break;
	}
	/* "/~name" alone: static.c's directory redirect adds the slash once the user is found. */
	return userdir_enter(rq, &up);
}
