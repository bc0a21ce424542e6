/*
 * check_userdir_http — "/~name/" against the real binary (userdir.c): a user's
 * ~/public_html served as her own site, the redirect that adds the slash,
 * the one 404 for every account that may not publish (unknown, excluded,
 * below min_uid, without the directory: the same bytes as a missing file),
 * paths that try to leave the directory, error pages that stay the
 * server's, a handler's file and a cgi-bin/ script run from her directory,
 * her site inside a vhost, and userdir off. Workers run as www-data, so the homes' own permissions
 * (o+x) are what lets them in.
 *
 * Needs root (it creates its users with useradd(8) and removes them with
 * userdel(8) when the suite ends, failed or not: names pfhud_PID_x, homes
 * below the server root) and the user www-data; without them every test
 * prints "SKIP: ..." and passes.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define ALICE_INDEX  "pfhud-alice-index"
#define ALICE_X      "pfhud-alice-x"
#define ALICE_SUB    "pfhud-alice-sub"
#define ALICE_404    "pfhud-alice-own-404"
#define OTHER_INDEX  "pfhud-other-index"
#define VHOST_404    "pfhud-vhost-b-404"
#define LINK_OWN_INDEX "pfhud-link-own-index"

/*
 * The accounts: [0] publishes, the others may not, each for its own
 * reason: excluded, uid below min_uid, no public_html, a public_html that
 * is a file, a primary group that no longer exists (groupdel -f), a
 * public_html that is the user's link to a directory root owns (the
 * server's htdocs). The last publishes through a link to her own directory.
 */
enum { U_ALICE, U_EXCLUDED, U_LOW, U_NODIR, U_FILE, U_NOGROUP, U_LINK_OTHER, U_LINK_OWN, U_NUSERS };
static const char *const user_tag[U_NUSERS] = { "a", "e", "l", "n", "f", "g", "k", "o" };
static char user[U_NUSERS][32];
static bool user_made[U_NUSERS];
static uid_t alice_uid;

static struct hs_server srv;
static struct hs_response r1;
static const char *skip;         /* why the suite cannot run here, or NULL */
static char helper[HS_PATH];     /* the setuid copy of pfhttpd-suexec in the server root */
static char setup_err[2048];      /* a setup that failed: every test fails with this */

static int run(const char *const argv[])
{
	char out[1024];
	int st = hs_run((char *const *)argv, 20000, out, sizeof out);

	if (st != 0)
		snprintf(setup_err, sizeof setup_err, "%s %s: status %d: %.1000s", argv[0],
			 argv[1] ? argv[1] : "", st, out);
	return st == 0 ? 0 : -1;
}

static void home_of(int i, char *out, size_t cap)
{
	snprintf(out, cap, "%s/home/%s", srv.root, user[i]);
}

static int add_user(int i)
{
	char home[HS_PATH];
	uid_t low = i == U_LOW ? hs_free_low_id() : 0;
	bool own_group = i == U_ALICE || i == U_NOGROUP;
	const char *argv_gdel[] = { "groupdel", "-f", user[i], NULL };

	if (i == U_LOW && low == 0) {
		snprintf(setup_err, sizeof setup_err, "no free uid below 1000");
		return -1;
	}
	home_of(i, home, sizeof home);
	if (hs_useradd(user[i], home, own_group ? NULL : "users", low, setup_err, sizeof setup_err) < 0)
		return -1;
	user_made[i] = true;
	return i == U_NOGROUP ? run(argv_gdel) : 0;
}

static void del_users(void)
{
	for (int i = 0; i < U_NUSERS; i++)
		if (user_made[i]) {
			hs_userdel(user[i]);
			user_made[i] = getpwnam(user[i]) != NULL;
		}
}

/* Write rel below user i's home, owned by the user, with mode. 0 or -1. */
static int put_home(int i, const char *rel, const char *text, mode_t mode)
{
	struct passwd *pw = getpwnam(user[i]);
	char path[HS_PATH * 2], hrel[HS_PATH];

	snprintf(hrel, sizeof hrel, "home/%s/%s", user[i], rel);
	snprintf(path, sizeof path, "%s/%s", srv.root, hrel);
	if (pw == NULL || (text ? hs_put_str(&srv, hrel, text) : mkdir(path, mode)) == -1 ||
	    chmod(path, mode) == -1 || lchown(path, pw->pw_uid, pw->pw_gid) == -1) {
		snprintf(setup_err, sizeof setup_err, "cannot write %.1000s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A symbolic link rel below user i's home, owned by the user. 0 or -1. */
static int link_home(int i, const char *rel, const char *target)
{
	struct passwd *pw = getpwnam(user[i]);
	char path[HS_PATH * 2];

	snprintf(path, sizeof path, "%s/home/%s/%s", srv.root, user[i], rel);
	return pw && symlink(target, path) == 0 && lchown(path, pw->pw_uid, pw->pw_gid) == 0 ? 0 : -1;
}

/* Every home: 0711 (others may pass, not list) and public_html inside, but for U_NODIR. */
static int make_homes(void)
{
	char home[HS_PATH], dir[HS_PATH + 16];
	int rc = 0;

	snprintf(dir, sizeof dir, "%s/home", srv.root);
	if (mkdir(dir, 0755) == -1)
		return -1;
	for (int i = 0; i < U_NUSERS; i++) {
		struct passwd *pw = getpwnam(user[i]);

		home_of(i, home, sizeof home);
		if (pw == NULL || mkdir(home, 0711) == -1 || chown(home, pw->pw_uid, pw->pw_gid) == -1)
			return -1;
		if (i == U_NODIR)
			continue;
		if (i == U_FILE) {
			rc |= put_home(i, "public_html", OTHER_INDEX "\n", 0644);
			continue;
		}
		if (i == U_LINK_OTHER || i == U_LINK_OWN) {
			char target[HS_PATH + 16];

			snprintf(target, sizeof target, "%s/%s", srv.root, i == U_LINK_OWN ? "own-site" : "htdocs");
			if (i == U_LINK_OWN && (mkdir(target, 0755) == -1 ||
						chown(target, pw->pw_uid, pw->pw_gid) == -1 ||
						hs_put_str(&srv, "own-site/index.html", LINK_OWN_INDEX "\n") == -1))
				return -1;
			rc |= link_home(i, "public_html", target);
			continue;
		}
		rc |= put_home(i, "public_html", NULL, 0755);
		rc |= put_home(i, "public_html/index.html", OTHER_INDEX "\n", 0644);
	}
	return rc;
}

static int alice_files(void)
{
	int rc = 0;

	rc |= put_home(U_ALICE, "public_html/index.html", ALICE_INDEX "\n", 0644);
	rc |= put_home(U_ALICE, "public_html/x.html", ALICE_X "\n", 0644);
	rc |= put_home(U_ALICE, "public_html/sub", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/sub/index.html", ALICE_SUB "\n", 0644);
	/* Her own 404 page at the path the server's is configured at: never used. */
	rc |= put_home(U_ALICE, "public_html/errors", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/errors/404.html", ALICE_404 "\n", 0644);
	rc |= put_home(U_ALICE, "private.txt", "pfhud-alice-private\n", 0644);
	/* Its output, never its text, holds "php-ran:" (the source would show if sent as a file). */
	rc |= put_home(U_ALICE, "public_html/p.php", "<?php echo 'php-', 'ran:', getmyuid(), \"\\n\";\n", 0644);
	rc |= put_home(U_ALICE, "public_html/locked", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/locked/index.html", "pfhud-alice-locked\n", 0644);
	rc |= put_home(U_ALICE, "public_html/both", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/both/index.html", "pfhud-both-html\n", 0644);
	rc |= put_home(U_ALICE, "public_html/both/index.php", "<?php echo 'php-', 'both:', getmyuid(), \"\\n\";\n", 0644);
	rc |= put_home(U_ALICE, "public_html/phpidx", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/phpidx/index.php", "<?php echo 'php-', 'index:', getmyuid(), \"\\n\";\n", 0644);
	rc |= put_home(U_ALICE, "public_html/cgi-bin", NULL, 0755);
	rc |= put_home(U_ALICE, "public_html/cgi-bin/id.sh",
		       "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\necho \"uid=$(id -u)\"\n", 0755);
	rc |= link_home(U_ALICE, "public_html/link-out", "/etc/passwd");
	rc |= link_home(U_ALICE, "public_html/link-home", "../private.txt");
	return rc;
}

/* pfhttpd-suexec beside the binary, copied into the server root and made setuid root. */
static void install_helper(void)
{
	int rc = hs_install_suexec(&srv, helper, sizeof helper);

	if (rc == -1)
		snprintf(setup_err, sizeof setup_err, "no pfhttpd-suexec beside %s (make all builds it)",
			 hs_bin());
	else if (rc < 0)
		snprintf(setup_err, sizeof setup_err, "cannot install %s: %s", helper, strerror(errno));
}

static void setup(void)
{
	char extra[4096], msg[4096];

	if (geteuid() != 0 || getpwnam("www-data") == NULL || access("/usr/sbin/useradd", X_OK) != 0) {
		skip = "needs root, the user www-data and useradd(8)";
		return;
	}
	for (int i = 0; i < U_NUSERS; i++)
		snprintf(user[i], sizeof user[i], "pfhud_%d_%s", (int)getpid(), user_tag[i]);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1) {
		snprintf(setup_err, sizeof setup_err, "cannot create the server root");
		return;
	}
	hs_open_root(&srv);
	for (int i = 0; i < U_NUSERS; i++)
		if (add_user(i) < 0)
			return;
	alice_uid = getpwnam(user[U_ALICE])->pw_uid;
	if (make_homes() < 0 || alice_files() < 0 || hs_put_str(&srv, "cgi-bin/.keep", "") == -1 ||
	    hs_put_str(&srv, "htdocs-b/b404.html", VHOST_404 "\n") == -1) {
		if (!setup_err[0])
			snprintf(setup_err, sizeof setup_err, "cannot make the homes: %s", strerror(errno));
		return;
	}
	install_helper();
	if (setup_err[0])
		return;
	snprintf(extra, sizeof extra,
		 "suexec = \"%s\";\n"
		 "user = \"www-data\";\nlog_level = \"info\";\n"
		 "index = [ \"index.html\", \"index.php\" ];\n"
		 "userdir = { directory = \"public_html\"; min_uid = 1000; exclude = [ \"root\", \"%s\" ]; };\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\";\n"
		 "  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } ); };\n"
		 "access = ( { path = \"/~%s/locked/\"; allow = [ \"192.0.2.1\" ]; } );\n"
		 "vhosts = ( { server_name = \"b.test\"; document_root = \"htdocs-b\"; "
		 "index = [ \"index.php\", \"index.html\" ]; "
		 "error_pages = ( { status = 404; path = \"/b404.html\"; } ); } );\n",
		 helper,
		 user[U_EXCLUDED], user[U_ALICE]);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1)
		snprintf(setup_err, sizeof setup_err, "cannot start %s: %.400s", hs_bin(), msg);
}

static void teardown(void)
{
	hs_destroy(&srv);
	del_users();
}

/* false (after a SKIP line) when the suite cannot run here; fails on a broken setup. */
static bool ready(const char *test)
{
	if (skip) {
		printf("SKIP: %s: %s\n", test, skip);
		return false;
	}
	ck_assert_msg(setup_err[0] == '\0', "setup: %s", setup_err);
	return true;
}

static void get(const char *path)
{
	char req[1024];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	ck_assert_msg(hs_exchange(&srv, req, &r1) == 0, "GET %s: no response: %.200s", path, r1.raw);
}

/* "~A" (or "%7EA") in a case's path or Location stands for user[U_ALICE]; E, L, N: the others (user_tag). */
static void expand(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	for (; *in && o + 40 < cap; in++) {
		size_t t = in[0] == '~' ? 1 : strncmp(in, "%7E", 3) == 0 ? 3 : 0;
		int u = -1;

		for (int i = 0; t > 0 && i < U_NUSERS; i++)
			if (in[t] == user_tag[i][0] - 'a' + 'A')
				u = i;
		if (u < 0) {
			out[o++] = *in;
			continue;
		}
		o += (size_t)snprintf(out + o, cap - o, "%.*s%s", (int)t, in, user[u]);
		in += t;
	}
	out[o] = '\0';
}

static const struct get_case {
	int line;
	const char *desc;
	const char *path;            /* ~A, ~E, ~L, ~N: the users */
	int status;
	const char *body;            /* the body holds this, or NULL */
	const char *location;        /* 301: the Location ends so */
	const char *log;             /* an error-log line holds this, or NULL */
} get_cases[] = {
	{ __LINE__, "her directory: her index", "/~A/", 200, ALICE_INDEX, NULL, NULL },
	{ __LINE__, "her file", "/~A/x.html", 200, ALICE_X, NULL, NULL },
	{ __LINE__, "without the slash: 301 to it", "/~A", 301, NULL, "/~A/", NULL },
	{ __LINE__, "a subdirectory without the slash", "/~A/sub", 301, NULL, "/~A/sub/", NULL },
	{ __LINE__, "a subdirectory's index", "/~A/sub/", 200, ALICE_SUB, NULL, NULL },
	{ __LINE__, "query kept on the redirect", "/~A?q=1", 301, NULL, "/~A/?q=1", NULL },
	{ __LINE__, "percent-encoded tilde", "/%7EA/x.html", 200, ALICE_X, NULL, NULL },
	{ __LINE__, "a missing file: the server's 404 page, not hers", "/~A/nope.html", 404,
	  HS_404_MARKER, NULL, "file does not exist" },
	{ __LINE__, "unknown user", "/~pfhud_nobody_zz/", 404, HS_404_MARKER, NULL, "userdir: no such user" },
	{ __LINE__, "excluded user", "/~E/", 404, HS_404_MARKER, NULL, "userdir: user in userdir.exclude" },
	{ __LINE__, "uid below min_uid", "/~L/", 404, HS_404_MARKER, NULL, "userdir: user below userdir.min_uid" },
	{ __LINE__, "root", "/~root/", 404, HS_404_MARKER, NULL, "userdir: user below userdir.min_uid" },
	{ __LINE__, "no public_html", "/~N/", 404, HS_404_MARKER, NULL, "userdir: no such directory" },
	{ __LINE__, "public_html is a file", "/~F/", 404, HS_404_MARKER, NULL,
	  "userdir: cannot open the directory" },
	{ __LINE__, "primary group gone", "/~G/", 404, HS_404_MARKER, NULL,
	  "userdir: primary group unusable" },
	{ __LINE__, "public_html: her link to her own directory", "/~O/", 200, LINK_OWN_INDEX, NULL, NULL },
	{ __LINE__, "public_html: her link to a directory root owns (another site's tree)", "/~K/", 404,
	  HS_404_MARKER, NULL, "userdir: a link to another owner's directory" },
	{ __LINE__, "not a user name", "/~a$b/", 404, HS_404_MARKER, NULL, "userdir: not a user name" },
	{ __LINE__, "tilde alone", "/~", 404, HS_404_MARKER, NULL, "userdir: not a user name" },
	{ __LINE__, "a symlink out of her directory", "/~A/link-out", 403, NULL, NULL,
	  "path resolves outside document_root" },
	{ __LINE__, "a symlink to her home, above public_html", "/~A/link-home", 403, NULL, NULL,
	  "path resolves outside document_root" },
	{ __LINE__, "dot-dot above the root: malformed", "/~A/../../etc/passwd", 400, NULL, NULL, NULL },
	{ __LINE__, "dot-dot out of the user: the server's own path", "/~A/../hello.txt", 200, HS_HELLO,
	  NULL, NULL },
	{ __LINE__, "encoded dot-dot out of the user", "/~A/%2e%2e/hello.txt", 200, HS_HELLO, NULL, NULL },
	{ __LINE__, "a handler's file in her directory", "/~A/p.php", 200, "php-ran:", NULL, NULL },
	{ __LINE__, "a handler's index file in her directory", "/~A/phpidx/", 200, "php-index:", NULL, NULL },
	{ __LINE__, "an access rule on her URL path holds", "/~A/locked/", 403, NULL, NULL, NULL },
	{ __LINE__, "... and for its file", "/~A/locked/index.html", 403, NULL, NULL, NULL },
	{ __LINE__, "the server's own paths are unchanged", "/hello.txt", 200, HS_HELLO, NULL, NULL },
};

START_TEST(test_get)
{
	const struct get_case *c = &get_cases[_i];
	char path[256], want[256];

	if (!ready("test_get"))
		return;
	expand(c->path, path, sizeof path);
	get(path);
	ck_assert_msg(r1.status == c->status, "line %d (%s): GET %s: %d, want %d: %.300s", c->line,
		      c->desc, path, r1.status, c->status, r1.raw);
	if (c->body)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->body), "line %d (%s): body %.300s",
			      c->line, c->desc, r1.body);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, ALICE_404) &&
		      !hs_contains(r1.raw, r1.raw_len, "pfhud-alice-private") &&
		      !hs_contains(r1.raw, r1.raw_len, "pfhud-alice-locked") &&
		      !hs_contains(r1.raw, r1.raw_len, "root:x:0:0"),
		      "line %d (%s): leaked: %.300s", c->line, c->desc, r1.raw);
	if (c->location) {
		const char *loc = hs_hdr(&r1, "Location");
		size_t ll;
		expand(c->location, want, sizeof want);
		ll = loc ? strlen(loc) : 0;
		ck_assert_msg(loc && ll >= strlen(want) && strcmp(loc + ll - strlen(want), want) == 0,
			      "line %d (%s): Location %s, want ...%s", c->line, c->desc, loc ? loc : "(none)",
			      want);
	}
	if (c->log)
		ck_assert_msg(hs_wait_file_contains(srv.error_log, c->log, 3000),
			      "line %d (%s): no error-log line with %s", c->line, c->desc, c->log);
}
END_TEST

/*
 * No account probing: every account that may not publish gets the bytes a
 * missing file gets (the Date aside), and none of them names the user.
 */
START_TEST(test_same_404)
{
	static const char *const paths[] = { "/~A/nope.html", "/~pfhud_nobody_zz/", "/~E/", "/~L/",
					     "/~N/", "/~F/", "/~G/", "/~K/", "/~root/", "/~E", "/~pfhud_nobody_zz" };
	char first[HS_MAX_RESP + 1], path[256];
	size_t first_len = 0;

	if (!ready("test_same_404"))
		return;
	for (int i = 0; i < N(paths); i++) {
		expand(paths[i], path, sizeof path);
		get(path);
		ck_assert_msg(r1.status == 404, "%s: %d", path, r1.status);
		ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "pfhud_"), "%s: names the user: %.300s",
			      path, r1.raw);
		if (i == 0) {
			memcpy(first, r1.body, r1.body_len);
			first_len = r1.body_len;
		}
		ck_assert_msg(r1.body_len == first_len && memcmp(r1.body, first, first_len) == 0,
			      "%s: another 404 body: %.300s", path, r1.body);
		ck_assert_int_eq(hs_hdr_count(&r1, "Location"), 0);
	}
}
END_TEST

/*
 * Her cgi-bin/ script and her handler's file run, and as her, through
 * pfhttpd-suexec.
 */
START_TEST(test_cgi)
{
	char path[256], want[64];

	static const struct { const char *path, *prefix; } runs[] = {
		{ "/~A/cgi-bin/id.sh", "uid=" }, { "/~A/p.php", "php-ran:" },
	};

	if (!ready("test_cgi"))
		return;
	for (int i = 0; i < N(runs); i++) {
		expand(runs[i].path, path, sizeof path);
		get(path);
		snprintf(want, sizeof want, "%s%u\n", runs[i].prefix, (unsigned)alice_uid);
		ck_assert_msg(r1.status == 200 && strcmp(r1.body, want) == 0, "GET %s: %d: %.300s, want %s",
			      path, r1.status, r1.raw, want);
	}
	expand("/~A/cgi-bin/", path, sizeof path);
	get(path);
	ck_assert_msg(r1.status == 403, "the alias itself: %d", r1.status);
	expand("/~A/cgi-bin/nope.sh", path, sizeof path);
	get(path);
	ck_assert_msg(r1.status == 404, "a missing script: %d", r1.status);
	ck_assert(hs_contains(r1.body, r1.body_len, HS_404_MARKER));
}
END_TEST

/*
 * In a vhost: its error page, and its index list (the file cache keeps a
 * user directory's entries per vhost: the top level's index.html must not
 * answer the vhost's request, whose first index is index.php).
 */
START_TEST(test_vhost)
{
	char path[256], req[512];

	if (!ready("test_vhost"))
		return;
	expand("/~A/both/", path, sizeof path);
	get(path);
	ck_assert_msg(r1.status == 200 && hs_contains(r1.body, r1.body_len, "pfhud-both-html"),
		      "top level: %.300s", r1.raw);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: b.test\r\n\r\n", path);
	for (int i = 0; i < 2; i++) { /* twice: the second may come from the cache */
		ck_assert_int_eq(hs_exchange(&srv, req, &r1), 0);
		ck_assert_msg(r1.status == 200 && hs_contains(r1.body, r1.body_len, "php-both:"),
			      "b.test: %.300s", r1.raw);
	}
	expand("/~A/nope.html", path, sizeof path);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: b.test\r\n\r\n", path);
	ck_assert_int_eq(hs_exchange(&srv, req, &r1), 0);
	ck_assert_msg(r1.status == 404 && hs_contains(r1.body, r1.body_len, VHOST_404), "%.300s", r1.raw);
	ck_assert_int_eq(hs_exchange(&srv, "GET /~pfhud_nobody_zz/ HTTP/1.1\r\nHost: b.test\r\n\r\n", &r1), 0);
	ck_assert_msg(r1.status == 404 && hs_contains(r1.body, r1.body_len, VHOST_404), "%.300s", r1.raw);
}
END_TEST

/* With userdir off (no userdir group), "/~alice/" is an ordinary path: not in htdocs, 404. */
START_TEST(test_off)
{
	struct hs_server off = { 0 };
	char msg[4096], path[256];

	if (!ready("test_off"))
		return;
	if (hs_root_init(&off) == -1 || hs_fixtures(&off) == -1)
		ck_abort_msg("cannot create a second server root");
	if (hs_start(&off, "log_level = \"info\";\n", msg, sizeof msg) == -1) {
		hs_destroy(&off);
		ck_abort_msg("cannot start %s: %.400s", hs_bin(), msg);
	}
	expand("/~A/", path, sizeof path);
	ck_assert_int_eq(hs_exchange(&off, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n", &r1), 0);
	ck_assert_int_eq(r1.status, 200);
	{
		char req[512];
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", path);
		ck_assert_int_eq(hs_exchange(&off, req, &r1), 0);
	}
	ck_assert_msg(r1.status == 404 && !hs_contains(r1.raw, r1.raw_len, ALICE_INDEX),
		      "%d: %.300s", r1.status, r1.raw);
	ck_assert(hs_wait_file_contains(off.error_log, "file does not exist", 3000));
	ck_assert(!hs_wait_file_contains(off.error_log, "userdir:", 300));
	hs_destroy(&off);
}
END_TEST

static Suite *userdir_suite(void)
{
	Suite *s = suite_create("userdir");
	TCase *tc = hs_tcase("userdir", 30, NULL);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_get, 0, N(get_cases));
	tcase_add_test(tc, test_same_404);
	tcase_add_test(tc, test_cgi);
	tcase_add_test(tc, test_vhost);
	tcase_add_test(tc, test_off);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc = hs_main(userdir_suite());

	del_users(); /* should the fixture's teardown not have run */
	return rc;
}
