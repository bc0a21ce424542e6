/*
 * Unit tests for userdir: userdir_split (pure), and userdir_route against
 * the system's own accounts (root, daemon, bin, nobody, which Debian's
 * base-passwd always has) with a hand-filled struct conf: who gets a site,
 * who gets the one 404 (the same bytes for every reason, the reason only in
 * the error log), what the user's site holds, and how cgi_resolve and
 * static_rel read its URL prefix. The user "daemon" publishes a scratch
 * directory: userdir.directory is the relative path from its home to it.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgi.h"
#include "conf.h"
#include "conn.h"
#include "request.h"
#include "static.h"
#include "userdir.h"
#include "unit.h"
#include "unit_log.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- userdir_split ---- */

static const struct split_case {
	int line;
	const char *desc;
	const char *path;
	enum userdir_kind want;
	const char *name;            /* USER, BARE */
	const char *rest;
} split_cases[] = {
	{ __LINE__, "root", "/", USERDIR_NOT, NULL, NULL },
	{ __LINE__, "ordinary path", "/index.html", USERDIR_NOT, NULL, NULL },
	{ __LINE__, "tilde later in the path", "/a/~alice/", USERDIR_NOT, NULL, NULL },
	{ __LINE__, "empty", "", USERDIR_NOT, NULL, NULL },
	{ __LINE__, "no leading slash", "~alice/", USERDIR_NOT, NULL, NULL },
	{ __LINE__, "user with a slash", "/~alice/", USERDIR_USER, "alice", "/" },
	{ __LINE__, "user with a file", "/~alice/x.html", USERDIR_USER, "alice", "/x.html" },
	{ __LINE__, "user with a deep path", "/~alice/a/b/c", USERDIR_USER, "alice", "/a/b/c" },
	{ __LINE__, "user without the slash", "/~alice", USERDIR_BARE, "alice", "" },
	{ __LINE__, "portable set: digits, dot, underscore, hyphen", "/~a1._-z/", USERDIR_USER, "a1._-z", "/" },
	{ __LINE__, "upper case kept", "/~Alice/", USERDIR_USER, "Alice", "/" },
	{ __LINE__, "32 bytes: the longest", "/~abcdefghijklmnopqrstuvwxyz012345/",
	  USERDIR_USER, "abcdefghijklmnopqrstuvwxyz012345", "/" },
	{ __LINE__, "33 bytes: too long", "/~abcdefghijklmnopqrstuvwxyz0123456/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "33 bytes bare: too long", "/~abcdefghijklmnopqrstuvwxyz0123456", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "tilde alone", "/~", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "tilde and slash", "/~/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "empty name with a path", "/~/x", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "leading hyphen", "/~-alice/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "hyphen alone", "/~-", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "second tilde", "/~~alice/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "space", "/~al ice/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "dollar (Samba machine accounts)", "/~host$/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "at sign", "/~a@b/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "non-ASCII byte", "/~al\xc3\xa9/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "control byte", "/~al\x01/", USERDIR_BAD, NULL, NULL },
	{ __LINE__, "percent sign (already decoded paths only)", "/~a%41/", USERDIR_BAD, NULL, NULL },
};

START_TEST(test_split)
{
	const struct split_case *c = &split_cases[_i];
	struct userdir_path up;
	enum userdir_kind k = userdir_split(c->path, strlen(c->path), &up);

	ck_assert_msg(k == c->want, "line %d (%s): kind %d, want %d", c->line, c->desc, k, c->want);
	if (k != USERDIR_USER && k != USERDIR_BARE)
		return;
	ck_assert_msg(up.name_len == strlen(c->name) && memcmp(up.name, c->name, up.name_len) == 0,
		      "line %d (%s): name %.*s", c->line, c->desc, (int)up.name_len, up.name);
	ck_assert_msg(up.rest_len == strlen(c->rest) && memcmp(up.rest, c->rest, up.rest_len) == 0,
		      "line %d (%s): rest %.*s", c->line, c->desc, (int)up.rest_len, up.rest);
}
END_TEST

/* A length, not the NUL, ends the path: bytes after it are not the name's. */
START_TEST(test_split_len)
{
	struct userdir_path up;

	ck_assert_int_eq(userdir_split("/~alice/x", 7, &up), USERDIR_BARE);
	ck_assert_uint_eq(up.name_len, 5);
	ck_assert_int_eq(userdir_split("/~alice/x", 1, &up), USERDIR_NOT);
	ck_assert_int_eq(userdir_split("/~a b", 3, &up), USERDIR_BARE);
}
END_TEST

/* ---- userdir_route ---- */

static char scratch[] = "/tmp/pfhttpd-userdir-XXXXXX";
static char scratch_real[PATH_MAX];
static char reldir[PATH_MAX];            /* from daemon's home to scratch */
static const char *excluded[] = { "bin" };
static struct conf_cgi_handler handlers[] = { { ".php", "/usr/bin/php-cgi", 1 } };
static struct conf cf;
static struct site base;
static struct conn c;
static struct request rq;
static char out[16384], path[1024];
static int sv[2];

static void put(const char *rel, const char *kind)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", scratch, rel);
	if (strcmp(kind, "dir") == 0) {
		ck_assert_int_eq(mkdir(p, 0755), 0);
	} else if (strncmp(kind, "->", 2) == 0) {
		ck_assert_int_eq(symlink(kind + 2, p), 0);
	} else {
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
}

/* userdir.directory for daemon: "../.." up from its home, then down to scratch. */
static void make_reldir(void)
{
	struct passwd *pw = getpwnam("daemon");
	char home[PATH_MAX];
	size_t o = 0;

	ck_assert_msg(pw != NULL, "the system has no user daemon (base-passwd)");
	ck_assert_msg(realpath(pw->pw_dir, home) != NULL, "daemon's home %s: %s", pw->pw_dir,
		      strerror(errno));
	for (const char *p = home; *p; p++)
		if (*p == '/' && p[1] != '\0')
			o += (size_t)snprintf(reldir + o, sizeof(reldir) - o, "../");
	snprintf(reldir + o, sizeof(reldir) - o, "%s", scratch_real + 1);
}

static void setup(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

	ck_assert_ptr_nonnull(mkdtemp(scratch));
	ck_assert_ptr_nonnull(realpath(scratch, scratch_real));
	put("index.html", "file");
	put("x.php", "file");
	put("cgi-bin", "dir");
	put("cgi-bin/s.sh", "file");
	make_reldir();
	memset(&cf, 0, sizeof(cf));
	cf.userdir.enabled = true;
	cf.userdir.directory = reldir;
	cf.userdir.min_uid = 1;
	cf.userdir.exclude = (char **)excluded;
	cf.userdir.nexclude = 1;
	cf.limits.body = 1000;
	cf.timeouts.send = 5;
	cf.site.document_root = "/nonexistent-docroot";
	cf.site.server_name = "localhost";
	cf.site.cgi.enabled = true;
	cf.site.cgi.alias = "/cgi-bin/";
	cf.site.cgi.directory = "/nonexistent-cgi";
	cf.site.cgi.handlers = handlers;
	cf.site.cgi.nhandlers = 1;
	cf.site.cgi.user = "vhostuser";
	cf.site.cgi.min_uid = 5000;
	cf.site.cgi.min_gid = 77;
	base = (struct site){ .conf = &cf, .cs = &cf.site, .root_fd = -1, .cgi_fd = -1 };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	memset(&ss, 0, sizeof(ss));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(conn_alloc(&c, 256), 0);
	conn_open(&c, sv[0], &ss, &ss);
	unit_log_capture();
	log_set_level(LOG_INFO); /* a 404 and its reason are info */
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	userdir_done(&rq);
	close(sv[0]);
	close(sv[1]);
	conn_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	ck_assert_int_eq(system(cmd), 0);
}

/* userdir_route for p as a fresh request on the base site. */
static int route(const char *p)
{
	memset(&rq, 0, offsetof(struct request, error_extra));
	rq.conn = &c;
	rq.site = &base;
	snprintf(path, sizeof(path), "%s", p);
	rq.path = path;
	rq.path_len = strlen(path);
	rq.out = out;
	rq.out_cap = sizeof(out);
	rq.hr.major = rq.hr.minor = 1;
	rq.hr.target = (struct http_str){ path, rq.path_len };
	rq.body.done = true;
	c.c_keepalive = true;
	return userdir_route(&rq);
}

/* What the client got since the last call ("" if nothing). */
static const char *client_got(void)
{
	static char buf[4096];
	ssize_t n = recv(sv[1], buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const struct route_case {
	int line;
	const char *desc;
	bool off;                    /* userdir.enabled false */
	bool cgi_off;                /* the site's cgi.enabled false */
	int64_t min_uid;             /* 0: the fixture's 1 */
	const char *path;
	int want;                    /* USERDIR_ROUTE, or 404: answered (0) with a 404 */
	bool user_site;              /* ROUTE with the user's site */
	const char *log;             /* in the error log, for a 404 */
} route_cases[] = {
	{ __LINE__, "userdir off: an ordinary path", true, false, 0, "/~daemon/", USERDIR_ROUTE, false, NULL },
	{ __LINE__, "not a /~ path", false, false, 0, "/index.html", USERDIR_ROUTE, false, NULL },
	{ __LINE__, "tilde alone", false, false, 0, "/~", 404, false, "userdir: not a user name" },
	{ __LINE__, "empty name", false, false, 0, "/~/x", 404, false, "userdir: not a user name" },
	{ __LINE__, "leading hyphen", false, false, 0, "/~-daemon/", 404, false, "userdir: not a user name" },
	{ __LINE__, "unknown user", false, false, 0, "/~pfhud-no-such-user/", 404, false,
	  "userdir: no such user" },
	{ __LINE__, "root: uid 0 never, whatever min_uid", false, false, 0, "/~root/", 404, false,
	  "userdir: user below userdir.min_uid" },
	{ __LINE__, "uid below min_uid", false, false, 2, "/~daemon/", 404, false,
	  "userdir: user below userdir.min_uid" },
	{ __LINE__, "excluded", false, false, 0, "/~bin/", 404, false, "userdir: user in userdir.exclude" },
	{ __LINE__, "no directory (home /nonexistent)", false, false, 0, "/~nobody/x", 404, false,
	  "userdir: no such directory" },
	{ __LINE__, "user's directory", false, false, 0, "/~daemon/", USERDIR_ROUTE, true, NULL },
	{ __LINE__, "user's file", false, false, 0, "/~daemon/index.html", USERDIR_ROUTE, true, NULL },
	{ __LINE__, "without the slash: static.c redirects", false, false, 0, "/~daemon", USERDIR_ROUTE,
	  true, NULL },
	{ __LINE__, "uid equal to min_uid", false, false, 1, "/~daemon/", USERDIR_ROUTE, true, NULL },
	{ __LINE__, "cgi-bin/ with CGI on", false, false, 0, "/~daemon/cgi-bin/s.sh", USERDIR_ROUTE, true, NULL },
	{ __LINE__, "cgi-bin/ with CGI off: never as files", false, true, 0, "/~daemon/cgi-bin/s.sh", 404,
	  false, "userdir: cgi-bin/ while CGI is off" },
	{ __LINE__, "cgi-bin itself with CGI off", false, true, 0, "/~daemon/cgi-bin", 404, false,
	  "userdir: cgi-bin/ while CGI is off" },
	{ __LINE__, "cgi-binx is not cgi-bin", false, true, 0, "/~daemon/cgi-binx", USERDIR_ROUTE, true, NULL },
	{ __LINE__, "CGI off, another file", false, true, 0, "/~daemon/index.html", USERDIR_ROUTE, true, NULL },
};

START_TEST(test_route)
{
	const struct route_case *t = &route_cases[_i];
	int r;

	cf.userdir.enabled = !t->off;
	cf.site.cgi.enabled = !t->cgi_off;
	if (t->min_uid)
		cf.userdir.min_uid = t->min_uid;
	r = route(t->path);
	ck_assert_msg(r == (t->want == 404 ? 0 : t->want), "line %d (%s): %d, want %d", t->line, t->desc, r, t->want);
	if (t->want == 404) {
		const char *got = client_got();
		ck_assert_msg(strncmp(got, "HTTP/1.1 404 ", 13) == 0, "line %d (%s): sent %s",
			      t->line, t->desc, got);
		ck_assert_msg(strstr(unit_log_text(), t->log) != NULL, "line %d (%s): log %s",
			      t->line, t->desc, unit_log_text());
		ck_assert_msg(rq.site == &base, "line %d (%s): site changed", t->line, t->desc);
		return;
	}
	ck_assert_msg(client_got()[0] == '\0', "line %d (%s): answered", t->line, t->desc);
	ck_assert_msg((rq.site != &base) == t->user_site, "line %d (%s): site", t->line, t->desc);
}
END_TEST

/* The user's site: what it copies from the base, what it changes. */
START_TEST(test_site)
{
	const struct site *s;
	const struct conf_site *cs;
	char cgi_dir[PATH_MAX + 16];
	struct group *gr;
	int root_fd;

	ck_assert_int_eq(route("/~daemon/index.html"), USERDIR_ROUTE);
	s = rq.site;
	cs = s->cs;
	ck_assert_ptr_eq(s->base, &base);
	ck_assert_ptr_eq(s->conf, &cf);
	ck_assert_str_eq(s->url_prefix, "/~daemon");
	ck_assert_uint_eq(s->url_prefix_len, 8);
	ck_assert_int_ge(s->root_fd, 0);
	ck_assert_int_ge(s->cgi_fd, 0);
	ck_assert_str_eq(cs->document_root, scratch_real);
	snprintf(cgi_dir, sizeof(cgi_dir), "%s/cgi-bin", scratch_real);
	ck_assert_str_eq(cs->cgi.directory, cgi_dir);
	ck_assert_str_eq(cs->cgi.alias, "/~daemon/cgi-bin/");
	ck_assert_str_eq(cs->cgi.user, "daemon");
	gr = getgrgid(getpwnam("daemon")->pw_gid);
	ck_assert_ptr_nonnull(gr);
	ck_assert_str_eq(cs->cgi.group, gr->gr_name);
	ck_assert_int_eq(cs->cgi.min_uid, 1);       /* userdir.min_uid, not the site's 5000 */
	ck_assert_int_eq(cs->cgi.min_gid, 77);      /* the site's */
	ck_assert(cs->cgi.enabled);
	ck_assert_ptr_eq(cs->cgi.handlers, handlers);
	ck_assert_str_eq(cs->server_name, "localhost");
	ck_assert_str_eq(cf.site.cgi.user, "vhostuser"); /* the base is untouched */
	ck_assert_str_eq(cf.site.document_root, "/nonexistent-docroot");
	ck_assert_str_eq(static_rel(&rq), "index.html");
	/* Done: the request's own site again, the user's directories closed. */
	root_fd = s->root_fd;
	userdir_done(&rq);
	ck_assert_ptr_eq(rq.site, &base);
	ck_assert_int_eq(fcntl(root_fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

/* A local redirect routes again: from the request's own site, not the user's. */
START_TEST(test_reroute)
{
	ck_assert_int_eq(route("/~daemon/"), USERDIR_ROUTE);
	ck_assert_ptr_ne(rq.site, &base);
	snprintf(path, sizeof(path), "/other");
	rq.path_len = strlen(path);
	ck_assert_int_eq(userdir_route(&rq), USERDIR_ROUTE);
	ck_assert_ptr_eq(rq.site, &base);
	ck_assert_int_eq(route("/~daemon/"), USERDIR_ROUTE);
	snprintf(path, sizeof(path), "/~root/");
	rq.path_len = strlen(path);
	ck_assert_int_eq(userdir_route(&rq), 0);
	ck_assert(strncmp(client_got(), "HTTP/1.1 404 ", 13) == 0);
	ck_assert_ptr_eq(rq.site, &base);
}
END_TEST

/* Every refusal sends the same bytes but for the Date: no account probing. */
START_TEST(test_same_404)
{
	static const char *const paths[] = { "/~pfhud-no-such-user/", "/~root/", "/~bin/", "/~nobody/", "/~-x/" };
	char first[4096] = "";

	for (int i = 0; i < NELEM(paths); i++) {
		const char *got, *body;

		ck_assert_int_eq(route(paths[i]), 0);
		got = client_got();
		body = strstr(got, "\r\n\r\n");
		ck_assert_ptr_nonnull(body);
		if (i == 0)
			snprintf(first, sizeof(first), "%s", body);
		ck_assert_msg(strcmp(first, body) == 0, "%s: another body: %s", paths[i], body);
		ck_assert_msg(strstr(got, "daemon") == NULL && strstr(got, "userdir") == NULL,
			      "%s: the answer says why: %s", paths[i], got);
	}
}
END_TEST

/*
 * Without cgi-bin/, or with one that leads out, or a link to the user's
 * directory itself (every file of hers would run as a script): no CGI
 * directory, its scripts 404.
 */
START_TEST(test_cgi_bin_missing)
{
	static const char *const kinds[] = { NULL, "->/etc", "->../", "file", "->." };

	for (int i = 0; i < NELEM(kinds); i++) {
		struct cgi_target t;
		char p[PATH_MAX + 16];
		snprintf(p, sizeof(p), "%s/cgi-bin", scratch);
		if (i == 0) {
			unlink(strcat(p, "/s.sh"));
			snprintf(p, sizeof(p), "%s/cgi-bin", scratch);
			ck_assert_int_eq(rmdir(p), 0);
		} else {
			ck_assert_int_eq(unlink(p), i == 1 ? -1 : 0); /* i 1: nothing there yet */
			put("cgi-bin", kinds[i]);
		}
		ck_assert_int_eq(route("/~daemon/cgi-bin/s.sh"), USERDIR_ROUTE);
		ck_assert_msg(rq.site->cgi_fd == -1, "%s: cgi_fd %d", kinds[i] ? kinds[i] : "none",
			      rq.site->cgi_fd);
		ck_assert_str_eq(rq.site->cs->cgi.directory, "");
		ck_assert_int_eq(cgi_resolve(&rq, &t), 404);
	}
}
END_TEST

/*
 * The directory, and each step to it, may be a link only to a directory
 * the link's owner owns (SymLinksIfOwnerMatch): daemon's link to root's
 * directory would serve another owner's tree under /~daemon/.
 */
START_TEST(test_links)
{
	static const struct {
		int line;
		const char *desc;
		const char *below;       /* userdir.directory: reldir/below */
		bool ok;
	} rows[] = {
		{ __LINE__, "root's link to root's directory", "own", true },
		{ __LINE__, "a step through root's link", "own/sub", true },
		{ __LINE__, "daemon's link to root's directory", "other", false },
		{ __LINE__, "a step through daemon's link", "other/sub", false },
	};
	const struct passwd *pw = getpwnam("daemon");
	char dir[PATH_MAX + 16], p[PATH_MAX + 16];

	put("in", "dir");
	put("in/sub", "dir");
	put("own", "->in");
	put("other", "->in");
	snprintf(p, sizeof(p), "%s/other", scratch);
	if (geteuid() != 0 || !pw || lchown(p, pw->pw_uid, pw->pw_gid) != 0) {
		printf("SKIP: test_links: needs root (a link owned by daemon)\n");
		return;
	}
	for (size_t i = 0; i < NELEM(rows); i++) {
		size_t logged = strlen(unit_log_text());
		int r;

		snprintf(dir, sizeof(dir), "%s/%s", reldir, rows[i].below);
		cf.userdir.directory = dir;
		r = route("/~daemon/");
		if (rows[i].ok) {
			ck_assert_msg(r == USERDIR_ROUTE && rq.site != &base, "line %d (%s): %d",
				      rows[i].line, rows[i].desc, r);
			continue;
		}
		ck_assert_msg(r == 0 && strncmp(client_got(), "HTTP/1.1 404 ", 13) == 0,
			      "line %d (%s): %d", rows[i].line, rows[i].desc, r);
		ck_assert_msg(strstr(unit_log_text() + logged, "userdir: a link to another owner's directory"),
			      "line %d (%s): log %s", rows[i].line, rows[i].desc, unit_log_text() + logged);
	}
}
END_TEST

/* home + "/" + userdir.directory past PATH_MAX: the one 404, and the reason in the log. */
START_TEST(test_directory_too_long)
{
	static char dir[PATH_MAX + 64];

	memset(dir, 'd', sizeof(dir) - 1);
	cf.userdir.directory = dir;
	ck_assert_int_eq(route("/~daemon/"), 0);
	ck_assert(strncmp(client_got(), "HTTP/1.1 404 ", 13) == 0);
	ck_assert_msg(strstr(unit_log_text(), "userdir: directory name too long"), "log %s", unit_log_text());
	ck_assert_ptr_eq(rq.site, &base);
}
END_TEST

/* cgi_resolve on the user's site: her cgi-bin/ behind /~daemon/cgi-bin/, her handlers' files. */
static const struct resolve_case {
	int line;
	const char *desc;
	const char *path;
	int want;
	const char *script_name, *file, *path_info;  /* file: below scratch */
} resolve_cases[] = {
	{ __LINE__, "script in cgi-bin", "/~daemon/cgi-bin/s.sh", 0, "/~daemon/cgi-bin/s.sh",
	  "cgi-bin/s.sh", "" },
	{ __LINE__, "script with PATH_INFO", "/~daemon/cgi-bin/s.sh/a/b", 0, "/~daemon/cgi-bin/s.sh",
	  "cgi-bin/s.sh", "/a/b" },
	{ __LINE__, "missing script", "/~daemon/cgi-bin/nope", 404, NULL, NULL, NULL },
	{ __LINE__, "the alias itself: no listing", "/~daemon/cgi-bin/", 403, NULL, NULL, NULL },
	{ __LINE__, "handler file", "/~daemon/x.php", 0, "/~daemon/x.php", "x.php", "" },
	{ __LINE__, "handler file with PATH_INFO", "/~daemon/x.php/p", 0, "/~daemon/x.php", "x.php", "/p" },
	{ __LINE__, "missing handler file", "/~daemon/y.php", CGI_NOT_SCRIPT, NULL, NULL, NULL },
	{ __LINE__, "a file", "/~daemon/index.html", CGI_NOT_SCRIPT, NULL, NULL, NULL },
	{ __LINE__, "bare prefix", "/~daemon", CGI_NOT_SCRIPT, NULL, NULL, NULL },
	{ __LINE__, "the directory", "/~daemon/", CGI_NOT_SCRIPT, NULL, NULL, NULL },
};

START_TEST(test_resolve)
{
	const struct resolve_case *t = &resolve_cases[_i];
	struct cgi_target tg;
	char file[PATH_MAX + 64];
	int r;

	ck_assert_int_eq(route(t->path), USERDIR_ROUTE);
	r = cgi_resolve(&rq, &tg);
	ck_assert_msg(r == t->want, "line %d (%s): %d, want %d", t->line, t->desc, r, t->want);
	if (r != 0)
		return;
	snprintf(file, sizeof(file), "%s/%s", scratch_real, t->file);
	ck_assert_msg(strcmp(tg.script_name, t->script_name) == 0, "line %d (%s): SCRIPT_NAME %s",
		      t->line, t->desc, tg.script_name);
	ck_assert_msg(strcmp(tg.filename, file) == 0, "line %d (%s): file %s", t->line, t->desc,
		      tg.filename);
	ck_assert_msg(strcmp(tg.path_info, t->path_info) == 0, "line %d (%s): PATH_INFO %s",
		      t->line, t->desc, tg.path_info);
}
END_TEST

/* static_rel: the path below the site's root. */
START_TEST(test_rel)
{
	static const struct { int line; const char *path; bool user; const char *want; } cases[] = {
		{ __LINE__, "/", false, "" },
		{ __LINE__, "/a/b", false, "a/b" },
		{ __LINE__, "/~daemon", true, "" },
		{ __LINE__, "/~daemon/", true, "" },
		{ __LINE__, "/~daemon/a/b", true, "a/b" },
	};

	for (int i = 0; i < NELEM(cases); i++) {
		if (cases[i].user)
			ck_assert_int_eq(route(cases[i].path), USERDIR_ROUTE);
		else
			route(cases[i].path);
		ck_assert_msg(strcmp(static_rel(&rq), cases[i].want) == 0, "line %d: %s",
			      cases[i].line, static_rel(&rq));
	}
}
END_TEST

static Suite *userdir_suite(void)
{
	Suite *s = suite_create("userdir");
	TCase *tc = tcase_create("split");

	tcase_add_loop_test(tc, test_split, 0, NELEM(split_cases));
	tcase_add_test(tc, test_split_len);
	suite_add_tcase(s, tc);
	tc = tcase_create("route");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_route, 0, NELEM(route_cases));
	tcase_add_test(tc, test_site);
	tcase_add_test(tc, test_reroute);
	tcase_add_test(tc, test_same_404);
	tcase_add_test(tc, test_cgi_bin_missing);
	tcase_add_test(tc, test_directory_too_long);
	tcase_add_test(tc, test_links);
	tcase_add_loop_test(tc, test_resolve, 0, NELEM(resolve_cases));
	tcase_add_test(tc, test_rel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(userdir_suite());
}
