/*
 * Integration tests for per-site CGI identity (issue 9): scripts of a site
 * with cgi.user run through the setuid helper pfhttpd-suexec as that user,
 * after its checks, each of which fails once here with 500 and an
 * error-log line naming it.
 *
 * Root only: the suite creates its own users (useradd: pfhtst_<pid>_a and
 * _b, uid >= 1000, no home) and removes them (userdel) in the unchecked
 * teardown and again when the suite ends, whatever failed. The workers
 * run as www-data; the helper is a copy of build/pfhttpd-suexec in the
 * server root, made setuid root (chown root, chmod 4755). Without root, or
 * on a nosuid /tmp, every test says SKIP and why.
 *
 * Checks the worker's own path checks already stop (a ".." never reaches
 * the helper, a symbolic link out of cgi.directory or a set-ID script is
 * refused by cgi_open with 403) are run against the helper directly, as
 * www-data (setpriv): exit 126 and the line on stderr. Run by root itself
 * (real and effective uid 0: no AT_SECURE, so LD_PRELOAD holds) it takes
 * libfiu's preload libraries and fiu_extra.so, and each system call of its
 * own failing is walked once (test_direct_faults; not under ASan, as in
 * check_faults).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SAFE_PATH "/usr/local/bin:/usr/bin:/bin" /* the Makefile's SUEXEC_PATH */
#define WORKER_USER "www-data"

static struct hs_server srv;
static struct hs_response r1;
static const char *skip;          /* why this suite cannot run here, or NULL */
static char user_a[32], user_b[32];
static uid_t uid_a, uid_b;
static gid_t gid_a;
static char helper[HS_PATH];      /* the setuid copy in the server root */
static pid_t suite_pid;           /* names the users, so the suite's end finds them all */

/* ---- users -------------------------------------------------------------- */

static int run(char *const argv[], char *out, size_t cap)
{
	int st = hs_run(argv, 20000, out, cap);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The per-row users of test_identity, named from the suite's pid so teardown can find them. */
static void row_user(char *buf, size_t cap, size_t row, char kind)
{
	snprintf(buf, cap, "pfhtst_%d_%c%zu", (int)suite_pid, kind, row);
}

/* ---- files ---------------------------------------------------------------- */

static void root_path(const char *rel, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", srv.root, rel);
}

/* Write rel with mode and owner (uid -1: root's). */
static void put(const char *rel, const char *text, mode_t mode, uid_t owner)
{
	char p[HS_PATH * 2];

	root_path(rel, p, sizeof p);
	/* chown first: it clears the set-ID bits chmod sets. */
	if (hs_put_str(&srv, rel, text) == -1 ||
	    chown(p, owner == (uid_t)-1 ? 0 : owner, owner == (uid_t)-1 ? 0 : gid_a) == -1 ||
	    chmod(p, mode) == -1)
		ck_abort_msg("cannot write %s: %s", p, strerror(errno));
}

/* A copy of a program, A's, 0755. */
static void put_bin(const char *rel, const char *from)
{
	static char bin[4 << 20];
	char p[HS_PATH * 2];
	ssize_t n = hs_slurp(from, bin, sizeof bin);

	root_path(rel, p, sizeof p);
	if (n <= 0 || (size_t)n >= sizeof bin - 1 || hs_put(&srv, rel, bin, (size_t)n) == -1 ||
	    chown(p, uid_a, gid_a) == -1 || chmod(p, 0755) == -1)
		ck_abort_msg("cannot copy %s to %s", from, p);
}

static void dir(const char *rel, mode_t mode, uid_t owner)
{
	char p[HS_PATH * 2];

	root_path(rel, p, sizeof p);
	if ((mkdir(p, mode) == -1 && errno != EEXIST) || chown(p, owner, gid_a) == -1 ||
	    chmod(p, mode) == -1)
		ck_abort_msg("cannot make %s: %s", p, strerror(errno));
}

static void link_to(const char *target, const char *rel)
{
	char p[HS_PATH * 2];

	root_path(rel, p, sizeof p);
	if (symlink(target, p) == -1 || lchown(p, uid_a, gid_a) == -1)
		ck_abort_msg("cannot link %s: %s", p, strerror(errno));
}

#define ID_SH "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" \
	      "echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G)\"\nenv\n"

/*
 * The site: cgi.directory site/cgi-bin and htdocs/a, A's; a script for each
 * check the worker lets through to the helper.
 */
static void make_site(void)
{
	dir("site", 0755, uid_a);
	dir("site/cgi-bin", 0755, uid_a);
	put("site/cgi-bin/id.sh", ID_SH, 0755, uid_a);
	put("site/cgi-bin/nph-id.sh", "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\n\\r\\n'\nid -u\n", 0755, uid_a);
	put("site/cgi-bin/sleep.sh", "#!/bin/sh\ntrap '' TERM\nsleep 300 &\nsleep 300\n", 0755, uid_a);
	put("site/cgi-bin/term.sh", "#!/bin/sh\ntrap 'echo pfhttpd-test-got-TERM >&2; exit 0' TERM\n"
	    "sleep 300 &\nwait\n", 0755, uid_a);
	put("site/cgi-bin/bg.sh", "#!/bin/sh\nsleep 300 >/dev/null 2>&1 &\n"
	    "printf 'Content-Type: text/plain\\r\\n\\r\\nbg\\n'\n", 0755, uid_a);
	put("site/cgi-bin/closes.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nclosed\\n'\n"
	    "exec >&-\nsleep 8\n", 0755, uid_a);
	put("site/cgi-bin/badbang.sh", "#!/nonexistent/pfhttpd-sh\n", 0755, uid_a);
	put("site/cgi-bin/exec.sh", "#!/bin/sh\nexec sleep 300\n", 0755, uid_a);
	put("site/cgi-bin/gw.sh", ID_SH, 0775, uid_a);            /* script-writable */
	put("site/cgi-bin/b.sh", ID_SH, 0755, uid_b);             /* script-owner */
	put("site/cgi-bin/noexec.sh", ID_SH, 0644, uid_a);        /* script-exec */
	link_to("id.sh", "site/cgi-bin/link.sh");                 /* script-type */
	dir("site/cgi-bin/gwdir", 0775, uid_a);                   /* dir-writable */
	put("site/cgi-bin/gwdir/s.sh", ID_SH, 0755, uid_a);
	dir("site/cgi-bin/bdir", 0755, uid_b);                    /* dir-owner */
	put("site/cgi-bin/bdir/s.sh", ID_SH, 0755, uid_a);
	put("site/cgi-bin/setid.sh", ID_SH, 04755, uid_a);        /* script-setid (direct) */
	dir("site/outside", 0755, uid_a);                         /* beneath (direct) */
	put("site/outside/s.sh", ID_SH, 0755, uid_a);
	link_to("../outside", "site/cgi-bin/out");
	dir("siteb", 0755, uid_b);                                /* the vhost b.test, B's */
	dir("siteb/cgi-bin", 0755, uid_b);
	put("siteb/cgi-bin/id.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nid -u\n",
	    0755, uid_b);
	dir("htdocs/a", 0755, uid_a);
	put("htdocs/a/t.php", "<?php echo 'uid=', posix_getuid(), \"\\n\";\n", 0644, uid_a);
	put("htdocs/a/private.php", "<?php echo 'private uid=', posix_getuid(), \"\\n\";\n", 0600, uid_a);
	put("htdocs/a/x.tst", "data\n", 0644, uid_a);             /* interpreter */
	put("site/interp", "#!/bin/sh\nexit 0\n", 0755, uid_a);   /* not root's */
	put_bin("site/cgi-bin/idbin", "/usr/bin/id");
	put("site/cgi-bin/empty.sh", "", 0755, uid_a);           /* no "#!", nothing to run */
	link_to("loop", "site/cgi-bin/loop");                     /* a link to itself (ELOOP) */
}

/* ---- the helper ------------------------------------------------------------ */

static void copy_helper(void)
{
	int rc = hs_install_suexec(&srv, helper, sizeof helper);

	if (rc == -1)
		ck_abort_msg("no pfhttpd-suexec beside %s (make all builds it)", hs_bin());
	if (rc < 0)
		ck_abort_msg("cannot install %s: %s", helper, strerror(errno));
}

/* The helper run as the workers' user with env (NULL-terminated) and args. Its exit code. */
static int run_helper(char *const env[], char *const args[], char *out, size_t cap)
{
	char *argv[48];
	size_t n = 0;

	argv[n++] = "setpriv";
	argv[n++] = "--reuid=" WORKER_USER;
	argv[n++] = "--regid=" WORKER_USER;
	argv[n++] = "--clear-groups";
	argv[n++] = "env";
	argv[n++] = "-i";
	for (size_t i = 0; env && env[i]; i++)
		argv[n++] = env[i];
	argv[n++] = helper;
	for (size_t i = 0; args[i] && n < N(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return run(argv, out, cap);
}

/* ---- the suite's server -------------------------------------------------- */

static void conf_for(char *buf, size_t cap, const char *user, const char *group, int cgi_timeout)
{
	snprintf(buf, cap,
		 "user = \"" WORKER_USER "\";\n"
		 "suexec = \"%s\";\n"
		 "timeouts = { header = 10; body = 30; keepalive = 2; send = 30; cgi = %d; };\n"
		 "document_root = \"%s/htdocs\";\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/site/cgi-bin\"; path = \"/tmp/pfhttpd-evil:/bin\";\n"
		 "  user = \"%s\"; group = \"%s\"; min_uid = 1000; min_gid = 1000;\n"
		 "  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; },\n"
		 "               { extension = \".tst\"; interpreter = \"%s/site/interp\"; } ); };\n"
		 "cgi_env = { APP_ENV = \"production\"; };\n"
		 "vhosts = ( { server_name = \"b.test\";\n"
		 "  cgi = { alias = \"/cgi-bin/\"; directory = \"%s/siteb/cgi-bin\"; user = \"%s\"; }; } );\n",
		 helper, cgi_timeout, srv.root, srv.root, user, group, srv.root, srv.root, user_b);
}

static void cleanup_users(void)
{
	char name[32];

	if (user_a[0])
		hs_userdel(user_a);
	if (user_b[0])
		hs_userdel(user_b);
	for (size_t row = 0; row < 8; row++) {
		row_user(name, sizeof name, row, 'c');
		hs_userdel(name);
		row_user(name, sizeof name, row, 'g');
		hs_userdel(name);
	}
}

/* Users, tree and helper; skip (with the reason) when this machine cannot. */
static bool prepare(void)
{
	const struct passwd *pw;
	char out[4096], *args[] = { NULL };

	if (geteuid() != 0)
		return skip = "needs root (creates users, installs a setuid helper)", false;
	if (getpwnam(WORKER_USER) == NULL)
		return skip = "needs the user " WORKER_USER, false;
	snprintf(user_a, sizeof user_a, "pfhtst_%d_a", (int)suite_pid);
	snprintf(user_b, sizeof user_b, "pfhtst_%d_b", (int)suite_pid);
	if (hs_useradd(user_a, NULL, NULL, 0, out, sizeof out) < 0 ||
	    hs_useradd(user_b, NULL, NULL, 0, out, sizeof out) < 0 || !(pw = getpwnam(user_a)))
		return skip = "useradd failed (Debian package passwd)", false;
	uid_a = pw->pw_uid;
	gid_a = pw->pw_gid;
	uid_b = getpwnam(user_b) ? getpwnam(user_b)->pw_uid : 0;
	if (uid_a < 1000 || uid_b < 1000)
		return skip = "useradd gave uids below 1000 (login.defs UID_MIN)", false;
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	hs_open_root(&srv);
	copy_helper();
	/* On a nosuid file system the copy runs as www-data itself and says so. */
	run_helper(NULL, args, out, sizeof out);
	if (strstr(out, "pfhttpd-suexec: setuid:"))
		return skip = "the setuid bit has no effect here (/tmp mounted nosuid?)", false;
	make_site();
	return true;
}

static void setup(void)
{
	char conf[4096], msg[4096];

	if (!prepare())
		return;
	conf_for(conf, sizeof conf, user_a, user_a, 2);
	if (hs_start(&srv, conf, msg, sizeof msg) == -1) {
		cleanup_users();
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
	cleanup_users();
}

#define SKIP_IF_NEEDED() do { if (skip) { printf("SKIP: %s: %s\n", __func__, skip); return; } } while (0)

static void exchange_on(const struct hs_server *s, const char *path)
{
	char req[1024];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\nX-Probe: 1\r\n\r\n", path);
	ck_assert_msg(hs_exchange(s, req, &r1) == 0, "no response for %s", path);
}

static void exchange(const char *path)
{
	exchange_on(&srv, path);
}

/*
 * Another server, its own root (conf, logs), serving the suite's tree by
 * absolute paths (conf_for): a server a test process starts has its root
 * removed when that process exits (the harness's registry), so it must not
 * be the suite's.
 */
static struct hs_server sibling(void)
{
	struct hs_server s;

	if (hs_root_init(&s) == -1)
		ck_abort_msg("cannot create a server root");
	hs_open_root(&s);
	return s;
}

/* ---- the success path ----------------------------------------------------- */

/* Names a script may see: RFC 3875 4.1, cgi_env.c's, PATH, and PWD, which sh sets itself. */
static bool env_name_allowed(const char *name, size_t len)
{
	static const char *const names[] = {
		"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO",
		"PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT",
		"REMOTE_USER", "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
		"SERVER_PROTOCOL", "SERVER_SOFTWARE", "DOCUMENT_ROOT", "REMOTE_PORT", "REQUEST_URI",
		"SCRIPT_FILENAME", "PATH", "PWD",
		"APP_ENV", /* the configuration's cgi_env (issue 10): the administrator's */
	};

	if ((len > 5 && strncmp(name, "HTTP_", 5) == 0) || (len > 9 && strncmp(name, "REDIRECT_", 9) == 0))
		return true;
	for (size_t i = 0; i < N(names); i++)
		if (strlen(names[i]) == len && strncmp(name, names[i], len) == 0)
			return true;
	return false;
}

/* Every "NAME=" line of an env listing is allowed, and PATH is the helper's. */
static void assert_env_clean(const char *listing)
{
	char want_uid[64];
	const char *l = strchr(listing, '\n');
	bool path = false;

	snprintf(want_uid, sizeof want_uid, "uid=%u gid=%u groups=%u\n", uid_a, gid_a, gid_a);
	ck_assert_msg(strncmp(listing, want_uid, strlen(want_uid)) == 0, "want %s: %s", want_uid, listing);
	for (l = l ? l + 1 : NULL; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "=\n");

		if (l[len] != '=')
			continue; /* a value's continuation line */
		ck_assert_msg(env_name_allowed(l, len), "the script saw %.*s", (int)strcspn(l, "\n"), l);
		if (strncmp(l, "PATH=", 5) == 0) {
			ck_assert_msg(strncmp(l, "PATH=" SAFE_PATH "\n", sizeof("PATH=" SAFE_PATH)) == 0,
				      "PATH is not the helper's: %.*s", (int)strcspn(l, "\n"), l);
			path = true;
		}
	}
	ck_assert_msg(path, "no PATH: %s", listing);
}

/*
 * A script runs as cgi.user:cgi.group with only that group, and sees the
 * CGI variables and the helper's PATH (not cgi.path, not the server's junk).
 */
START_TEST(test_runs_as_site_user)
{
	SKIP_IF_NEEDED();
	exchange("/cgi-bin/id.sh?q=1");
	ck_assert_msg(r1.status == 200, "status %d: %.400s", r1.status, r1.raw);
	assert_env_clean(r1.body);
	ck_assert_msg(strstr(r1.body, "HTTP_X_PROBE=1\n") && strstr(r1.body, "QUERY_STRING=q=1\n"),
		      "the CGI variables are missing: %s", r1.body);
	ck_assert_msg(!strstr(r1.body, "PFHTTPD_SUEXEC_JUNK"), "the server's environment leaked");
	/* The administrator's variables pass the helper (Apache's suexec would drop them). */
	ck_assert_msg(strstr(r1.body, "\nAPP_ENV=production\n"), "cgi_env was dropped: %s", r1.body);
}
END_TEST

/* Scripts whose output is a prefix and the uid they ran as. */
static const struct uid_case {
	int line;
	const char *desc;
	const char *host;
	const char *path;
	const char *prefix;          /* before the uid in the body */
	bool site_b;                 /* runs as B (cgi.user of the vhost b.test), else as A */
} uid_cases[] = {
	{ __LINE__, "an nph- script", "a", "/cgi-bin/nph-id.sh", "", false },
	{ __LINE__, "each site its own user: the vhost's script runs as its cgi.user (group: "
	  "its primary one)", "b.test", "/cgi-bin/id.sh", "", true },
	{ __LINE__, "the .php handler runs through the helper too (interpreter + script)", "a",
	  "/a/t.php", "uid=", false },
	{ __LINE__, "a file only the site's user may read: the worker checks it by an O_PATH "
	  "descriptor, the helper runs it", "a", "/a/private.php", "private uid=", false },
};

START_TEST(test_runs_as_uid)
{
	const struct uid_case *c = &uid_cases[_i];
	char req[1024], want[64];

	SKIP_IF_NEEDED();
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", c->path, c->host);
	ck_assert_msg(hs_exchange(&srv, req, &r1) == 0, "line %d: no response for %s", c->line, c->path);
	snprintf(want, sizeof want, "%s%u\n", c->prefix, c->site_b ? uid_b : uid_a);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, want) == 0, "line %d (%s): want %s: %.600s",
		      c->line, c->desc, want, r1.raw);
}
END_TEST

/* ---- each check the server reaches, failing once ---------------------------- */

static const struct refusal_case {
	int line;
	const char *path;
	const char *check;       /* "pfhttpd-suexec: CHECK:" must be logged */
} refusal_cases[] = {
	{ __LINE__, "/cgi-bin/gw.sh", "script-writable" },
	{ __LINE__, "/cgi-bin/b.sh", "script-owner" },
	{ __LINE__, "/cgi-bin/noexec.sh", "script-exec" },
	{ __LINE__, "/cgi-bin/link.sh", "script-type" },
	{ __LINE__, "/cgi-bin/gwdir/s.sh", "dir-writable" },
	{ __LINE__, "/cgi-bin/bdir/s.sh", "dir-owner" },
	{ __LINE__, "/a/x.tst", "interpreter" },
	{ __LINE__, "/cgi-bin/badbang.sh", "exec" },         /* checked, then execveat fails: 127 */
};

START_TEST(test_refusal)
{
	const struct refusal_case *c = &refusal_cases[_i];
	char needle[64];

	SKIP_IF_NEEDED();
	exchange(c->path);
	ck_assert_msg(r1.status == 500, "line %d (%s): status %d: %.300s", c->line, c->check,
		      r1.status, r1.raw);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "uid="), "line %d: the script ran", c->line);
	snprintf(needle, sizeof needle, "pfhttpd-suexec: %s:", c->check);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, HS_TIMEOUT_MS),
		      "line %d: no '%s' in the error log", c->line, needle);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "pfhttpd-suexec refused to run it", HS_TIMEOUT_MS),
		      "line %d: the worker did not log the refusal", c->line);
}
END_TEST

/* ---- identity checks: the user or group changes under a running server ------ */

enum id_change { ID_USERDEL, ID_GROUPDEL, ID_UID_LOW, ID_GID_LOW };

static const struct id_case {
	int line;
	const char *desc;
	enum id_change change;
	const char *check;
} id_cases[] = {
	{ __LINE__, "the user was removed", ID_USERDEL, "user" },
	{ __LINE__, "the group was removed", ID_GROUPDEL, "group" },
	{ __LINE__, "the uid went below min_uid", ID_UID_LOW, "uid" },
	{ __LINE__, "the gid went below min_gid", ID_GID_LOW, "gid" },
};

static void change_identity(const struct id_case *c, const char *user, const char *group)
{
	char out[1024], id[16];
	char *userdel[] = { "userdel", (char *)user, NULL };
	char *groupdel[] = { "groupdel", (char *)group, NULL };
	char *usermod[] = { "usermod", "-u", id, (char *)user, NULL };
	char *groupmod[] = { "groupmod", "-g", id, (char *)group, NULL };
	char *const *argv = c->change == ID_USERDEL ? userdel : c->change == ID_GROUPDEL ? groupdel
			    : c->change == ID_UID_LOW ? usermod : groupmod;

	/* Below 1000 and above the compiled floor (100). */
	ck_assert_msg(hs_free_low_id() != 0, "no free id below 1000");
	snprintf(id, sizeof id, "%u", (unsigned)hs_free_low_id());
	ck_assert_msg(run(argv, out, sizeof out) == 0, "line %d: %s %s: %s", c->line, argv[0],
		      argv[1], out);
}

START_TEST(test_identity)
{
	const struct id_case *c = &id_cases[_i];
	char user[32], group[32], conf[4096], msg[4096], needle[64];
	struct hs_server s;
	char *groupadd[] = { "groupadd", group, NULL };

	SKIP_IF_NEEDED();
	row_user(user, sizeof user, (size_t)_i, 'c');
	row_user(group, sizeof group, (size_t)_i, 'g');
	ck_assert_msg(hs_useradd(user, NULL, NULL, 0, msg, sizeof msg) == 0, "%s", msg);
	ck_assert_int_eq(run(groupadd, msg, sizeof msg), 0);
	s = sibling();
	conf_for(conf, sizeof conf, user, group, 60);
	ck_assert_msg(hs_start(&s, conf, msg, sizeof msg) == 0, "line %d: %s", c->line, msg);
	change_identity(c, user, group);
	exchange_on(&s, "/cgi-bin/id.sh");
	ck_assert_msg(r1.status == 500, "line %d (%s): status %d: %.300s", c->line, c->desc,
		      r1.status, r1.raw);
	snprintf(needle, sizeof needle, "pfhttpd-suexec: %s:", c->check);
	ck_assert_msg(hs_wait_file_contains(s.error_log, needle, HS_TIMEOUT_MS),
		      "line %d (%s): no '%s' in the error log", c->line, c->desc, needle);
	hs_stop(&s, 5000);
	hs_userdel(user);
	hs_userdel(group);
}
END_TEST

/* ---- checks the worker never lets through: the helper run directly ---------- */

static const struct direct_case {
	int line;
	const char *desc;
	const char *cmd;         /* relative to site/cgi-bin ("" base: a missing base) */
	int code;
	const char *check;
} direct_cases[] = {
	{ __LINE__, "'..' out of the base", "../outside/s.sh", 126, "command" },
	{ __LINE__, "an absolute command", "/bin/id", 126, "command" },
	{ __LINE__, "a symbolic link out of the base", "out/s.sh", 126, "beneath" },
	{ __LINE__, "a set-user-ID script", "setid.sh", 126, "script-setid" },
	{ __LINE__, "no such script", "nosuch.sh", 126, "open" },
	{ __LINE__, "the server's own user as target", NULL, 126, "uid" },
};

START_TEST(test_direct)
{
	const struct direct_case *c = &direct_cases[_i];
	char base[HS_PATH * 2], out[8192], needle[64];
	char *args[] = { user_a, user_a, "1000", "1000", base, (char *)c->cmd, NULL };
	int code;

	SKIP_IF_NEEDED();
	root_path("site/cgi-bin", base, sizeof base);
	if (c->cmd == NULL) {
		/* www-data calling for www-data, with a min it passes. */
		args[0] = args[1] = WORKER_USER;
		args[2] = args[3] = "1";
		args[5] = "id.sh";
	}
	code = run_helper(NULL, args, out, sizeof out);
	snprintf(needle, sizeof needle, "pfhttpd-suexec: %s:", c->check);
	ck_assert_msg(code == c->code && strstr(out, needle), "line %d (%s): exit %d: %s", c->line,
		      c->desc, code, out);
	ck_assert_msg(!strstr(out, "uid="), "line %d: the script ran", c->line);
}
END_TEST

/*
 * The helper's command line, as a worker taken over might write it: "@A" is
 * the site user, "@C" the suite's cgi.directory, "@D" its document root,
 * "@L" a name longer than PATH_MAX, "@M" one with ".." too long for a log
 * line (2 KiB), "@S" a script's path (a base that is a file), "@B" the
 * cgi.directory spelled with "/." until it is over PATH_MAX.
 * want is in the output (a refusal's "pfhttpd-suexec: CHECK:", or what the
 * script prints).
 */
static const struct usage_case {
	int line;
	const char *desc;
	const char *args[8];
	int code;
	const char *want;
} usage_cases[] = {
	{ __LINE__, "too few arguments", { "@A", "@A", "1000", "1000" }, 127, "pfhttpd-suexec: usage:" },
	{ __LINE__, "too many arguments", { "@A", "@A", "1000", "1000", "@C", "a", "b", "c" }, 127,
	  "pfhttpd-suexec: usage:" },
	{ __LINE__, "min_uid not a number", { "@A", "@A", "x", "1000", "@C", "id.sh" }, 127,
	  "pfhttpd-suexec: usage:" },
	{ __LINE__, "a negative min_gid", { "@A", "@A", "1000", "-1", "@C", "id.sh" }, 127,
	  "pfhttpd-suexec: usage:" },
	{ __LINE__, "min_uid past 32 bits", { "@A", "@A", "4294967296", "1000", "@C", "id.sh" }, 127,
	  "pfhttpd-suexec: usage:" },
	{ __LINE__, "a relative base", { "@A", "@A", "1000", "1000", "site/cgi-bin", "id.sh" }, 127,
	  "pfhttpd-suexec: usage:" },
	{ __LINE__, "a missing base", { "@A", "@A", "1000", "1000", "/nonexistent/pfhttpd", "id.sh" }, 126,
	  "pfhttpd-suexec: open:" },
	{ __LINE__, "a relative interpreter", { "@A", "@A", "1000", "1000", "@D", "php-cgi", "a/t.php" }, 126,
	  "pfhttpd-suexec: interpreter:" },
	{ __LINE__, "a missing interpreter", { "@A", "@A", "1000", "1000", "@D", "/nonexistent/php", "a/t.php" },
	  126, "pfhttpd-suexec: interpreter:" },
	{ __LINE__, "an unknown user", { "pfhtst_nosuch", "@A", "1000", "1000", "@C", "id.sh" }, 126,
	  "pfhttpd-suexec: user:" },
	{ __LINE__, "group '-': the user's primary group", { "@A", "-", "1000", "1000", "@C", "id.sh" }, 0,
	  "uid=" },
	{ __LINE__, "a command longer than PATH_MAX", { "@A", "@A", "1000", "1000", "@C", "@L" }, 126,
	  "pfhttpd-suexec: command: too long" },
	{ __LINE__, "a refusal longer than a log line is cut, and says so",
	  { "@A", "@A", "1000", "1000", "@C", "@M" }, 126, "pfhttpd-suexec: command: ../aaaa" },
	{ __LINE__, "a newline in the command is not a second log line",
	  { "@A", "@A", "1000", "1000", "@C", "../a\nb" }, 126, "pfhttpd-suexec: command: ../a?b:" },
	{ __LINE__, "a command in a subdirectory", { "@A", "@A", "1000", "1000", "@C", "gwdir/s.sh" }, 126,
	  "pfhttpd-suexec: dir-writable:" },
	{ __LINE__, "min_uid with trailing junk", { "@A", "@A", "10x", "1000", "@C", "id.sh" }, 127,
	  "pfhttpd-suexec: usage: not an id: 10x" },
	{ __LINE__, "min_gid past what strtoll holds", { "@A", "@A", "1000", "99999999999999999999", "@C",
	  "id.sh" }, 127, "pfhttpd-suexec: usage: not an id: 9999" },
	{ __LINE__, "group '-' of an unknown user", { "pfhtst_nosuch", "-", "1000", "1000", "@C", "id.sh" },
	  126, "pfhttpd-suexec: user:" },
	{ __LINE__, "a DEL byte in a name is not written to the log as it is",
	  { "@A", "@A", "1000", "1000", "@C", "nosuch\x7f.sh" }, 126, "/nosuch?.sh: the script:" },
	{ __LINE__, "a loop of symbolic links on the way to the script",
	  { "@A", "@A", "1000", "1000", "@C", "loop/s.sh" }, 126, "pfhttpd-suexec: beneath:" },
	{ __LINE__, "a base that is a file", { "@A", "@A", "1000", "1000", "@S", "id.sh" }, 126,
	  "pfhttpd-suexec: open: base " },
	{ __LINE__, "an empty script passes the checks, then the kernel cannot run it (ENOEXEC)",
	  { "@A", "@A", "1000", "1000", "@C", "empty.sh" }, 127, "pfhttpd-suexec: exec:" },
	{ __LINE__, "a base that resolves, but past PATH_MAX once joined with the command",
	  { "@A", "@A", "1000", "1000", "@B", "id.sh" }, 126, "pfhttpd-suexec: command: too long" },
};

START_TEST(test_direct_usage)
{
	const struct usage_case *c = &usage_cases[_i];
	char cgi[HS_PATH * 2], docroot[HS_PATH * 2], script[HS_PATH * 2], out[16384];
	static char longer[5000], log_long[3000], long_base[HS_PATH * 2 + 4200];
	char *args[N(c->args) + 1];
	size_t n = 0;
	int code;

	SKIP_IF_NEEDED();
	memset(longer, 'a', sizeof longer - 1);
	memset(log_long, 'a', sizeof log_long - 1);
	memcpy(log_long, "../", 3);
	root_path("site/cgi-bin", cgi, sizeof cgi);
	root_path("htdocs", docroot, sizeof docroot);
	root_path("site/cgi-bin/id.sh", script, sizeof script);
	/* cgi-bin with "/." enough times that BASE/SCRIPT is over PATH_MAX, though realpath(BASE) is not. */
	snprintf(long_base, sizeof long_base, "%s", cgi);
	while (strlen(long_base) < 4100)
		strcat(long_base, "/.");
	for (; n < N(c->args) && c->args[n]; n++)
		args[n] = strcmp(c->args[n], "@A") == 0 ? user_a : strcmp(c->args[n], "@C") == 0 ? cgi
			  : strcmp(c->args[n], "@D") == 0 ? docroot : strcmp(c->args[n], "@L") == 0 ? longer
			  : strcmp(c->args[n], "@M") == 0 ? log_long : strcmp(c->args[n], "@S") == 0 ? script
			  : strcmp(c->args[n], "@B") == 0 ? long_base : (char *)c->args[n];
	args[n] = NULL;
	code = run_helper(NULL, args, out, sizeof out);
	ck_assert_msg(code == c->code && strstr(out, c->want), "line %d (%s): exit %d: %.500s", c->line,
		      c->desc, code, out);
	/* One line, whatever was cut: 2 KiB at most, ending in "...". */
	ck_assert_msg(c->code == 0 || (strchr(out, '\n') == out + strlen(out) - 1 && strlen(out) < 2048),
		      "line %d (%s): not one line of at most 2 KiB: %zu bytes", c->line, c->desc, strlen(out));
	if (strcmp(c->args[5] ? c->args[5] : "", "@M") == 0)
		ck_assert_msg(strstr(out, "...\n") != NULL, "line %d: the cut is not marked", c->line);
}
END_TEST

/* A binary (no "#!") runs from its descriptor too. */
START_TEST(test_direct_binary)
{
	char base[HS_PATH * 2], out[4096], want[64];
	char *args[] = { user_a, user_a, "1000", "1000", base, "idbin", NULL };

	SKIP_IF_NEEDED();
	root_path("site/cgi-bin", base, sizeof base);
	snprintf(want, sizeof want, "uid=%u(%s)", uid_a, user_a);
	ck_assert_msg(run_helper(NULL, args, out, sizeof out) == 0 && strncmp(out, want, strlen(want)) == 0,
		      "want %s: %s", want, out);
}
END_TEST

/* A caller's environment: only the CGI names pass, PATH is the helper's. */
START_TEST(test_direct_env)
{
	char base[HS_PATH * 2], out[16384];
	char *env[] = { "LD_PRELOAD=/nonexistent/pfhttpd.so", "BASH_FUNC_x%%=() { :; }", "IFS=x",
			"PFHTTPD_SUEXEC_JUNK=1", "PATH=/tmp/pfhttpd-evil", "HTTP_X_OK=1",
			"REDIRECT_STATUS=200", "SERVER_NAME=s", "GLIBC_TUNABLES=glibc.x=1",
			"BASH_ENV=/tmp/x", "PHPRC=/tmp", "APP_ENV=x", NULL };
	char *args[] = { user_a, user_a, "1000", "1000", base, "id.sh", NULL };
	int code;

	SKIP_IF_NEEDED();
	root_path("site/cgi-bin", base, sizeof base);
	code = run_helper(env, args, out, sizeof out);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	ck_assert_msg(strncmp(out, "Content-Type: text/plain\r\n\r\n", 28) == 0, "%s", out);
	assert_env_clean(out + 28);
	ck_assert_msg(strstr(out, "HTTP_X_OK=1\n") && strstr(out, "REDIRECT_STATUS=200\n") &&
		      strstr(out, "SERVER_NAME=s\n") && strstr(out, "\nAPP_ENV=x\n"),
		      "CGI variables were dropped: %s", out);
}
END_TEST

/* Not setuid: the helper refuses (exit 127) before anything else. */
START_TEST(test_direct_not_root)
{
	char plain[HS_PATH * 2], out[4096];
	char *argv[] = { "setpriv", "--reuid=" WORKER_USER, "--regid=" WORKER_USER, "--clear-groups",
			 plain, user_a, user_a, "1000", "1000", "/", "x", NULL };
	static char bin[1 << 20];
	ssize_t n;

	SKIP_IF_NEEDED();
	n = hs_slurp(helper, bin, sizeof bin);
	ck_assert(n > 0);
	ck_assert_int_eq(hs_put(&srv, "plain-suexec", bin, (size_t)n), 0);
	root_path("plain-suexec", plain, sizeof plain);
	ck_assert_int_eq(chmod(plain, 0755), 0);
	ck_assert_msg(run(argv, out, sizeof out) == 127 && strstr(out, "pfhttpd-suexec: setuid:"),
		      "%s", out);
}
END_TEST

/*
 * Root may call the helper too (a server started as root with cgi.user and
 * no user of its own would): the script still runs as the target only,
 * and the half that waits keeps no root but its real uid (checked by the
 * next test: root signals it).
 */
START_TEST(test_direct_root_caller)
{
	char base[HS_PATH * 2], out[4096], want[64];
	char *argv[] = { "env", "-i", helper, user_a, user_a, "1000", "1000", base, "idbin", NULL };

	SKIP_IF_NEEDED();
	root_path("site/cgi-bin", base, sizeof base);
	snprintf(want, sizeof want, "uid=%u(%s)", uid_a, user_a);
	ck_assert_msg(run(argv, out, sizeof out) == 0 && strncmp(out, want, strlen(want)) == 0,
		      "want %s: %s", want, out);
}
END_TEST

/* ---- the helper's own system calls failing (root runs it: LD_PRELOAD holds) ---- */

#define FIU_LIBS "/usr/lib/fiu"

/* fiu_extra.so, which make puts beside this suite's binary (as for check_faults). */
static void extra_lib(char *out, size_t cap)
{
	char self[HS_PATH];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	ck_assert_msg(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	ck_assert_msg((size_t)snprintf(out, cap, "%s/fiu_extra.so", self) < cap, "path too long");
}

/*
 * Each call the helper makes between its checks and the script's exec,
 * failing (libfiu: fiu_posix_preload.so, and fiu_extra.so for the calls it
 * does not wrap): never a script run with half a switch of identity; the
 * helper, or its child, says which step failed and exits 127 (or, for an
 * interrupted wait, simply waits again).
 */
static const struct fault_case {
	int line;
	const char *desc;
	const char *enable;          /* FIU_ENABLE */
	int code;
	const char *want;            /* in the output */
	bool may_run;                /* the script may have run (its end only went unseen) */
} fault_cases[] = {
	{ __LINE__, "no memory for the filtered environment", "enable name=pfhttpd/mm/calloc,failinfo=12,onetime",
	  127, "pfhttpd-suexec: environment: out of memory", false },
	{ __LINE__, "fork fails", "enable name=posix/proc/fork,failinfo=11", 127,
	  "pfhttpd-suexec: fork: Resource temporarily unavailable", false },
	{ __LINE__, "its wait fails", "enable name=posix/proc/waitpid,failinfo=10", 127,
	  "pfhttpd-suexec: wait: No child processes", true },
	{ __LINE__, "its wait is interrupted once: it waits again", "enable name=posix/proc/waitpid,failinfo=4,onetime",
	  0, "uid=", true },
	{ __LINE__, "fchdir to the script's directory fails", "enable name=posix/io/dir/fchdir,failinfo=13", 126,
	  "pfhttpd-suexec: open: ", false },
	{ __LINE__, "getcwd fails", "enable name=posix/io/dir/getcwd,failinfo=36", 126,
	  "pfhttpd-suexec: open: ", false },
	{ __LINE__, "fstat of the script's directory fails", "enable name=posix/io/stat/fstat,failinfo=5,onetime",
	  126, "pfhttpd-suexec: open: fstat: Input/output error", false },
	{ __LINE__, "the child's setpgid fails", "enable name=posix/proc/setpgid,failinfo=1", 127,
	  "pfhttpd-suexec: exec: setpgid: Operation not permitted", false },
	{ __LINE__, "setgroups fails", "enable name=posix/proc/setgroups,failinfo=1", 127,
	  "pfhttpd-suexec: setuid: to ", false },
	{ __LINE__, "setresgid fails", "enable name=posix/proc/setresgid,failinfo=1", 127,
	  "pfhttpd-suexec: setuid: to ", false },
	{ __LINE__, "setresuid fails (the child's and the parent's)", "enable name=posix/proc/setresuid,failinfo=11",
	  127, "pfhttpd-suexec: setuid: ", false },
	{ __LINE__, "getresuid fails: the switch cannot be verified", "enable name=posix/proc/getresuid,failinfo=14",
	  127, "pfhttpd-suexec: setuid: the switch to ", false },
	{ __LINE__, "getresgid fails: the switch cannot be verified", "enable name=posix/proc/getresgid,failinfo=14",
	  127, "pfhttpd-suexec: setuid: the switch to ", false },
	{ __LINE__, "prctl fails: no death signal, so no exec (and the parent stops the script)",
	  "enable name=linux/proc/prctl,failinfo=22", 127, "pfhttpd-suexec: exec: parent gone", false },
	{ __LINE__, "dup3 of the script's descriptor to 3 fails", "enable name=linux/io/dup3,failinfo=24", 127,
	  "pfhttpd-suexec: exec: dup: Too many open files", false },
};

START_TEST(test_direct_faults)
{
	const struct fault_case *c = &fault_cases[_i];
	char base[HS_PATH * 2], lib[HS_PATH], preload[3 * HS_PATH], enable[256], out[8192], want[64];
	char *argv[] = { "env", "-i", preload, enable, helper, user_a, user_a, "1000", "1000", base,
			 "id.sh", NULL };
	int code;

#ifdef __SANITIZE_ADDRESS__
	/* check_faults's reason: libfiu's preloaded wrappers and ASan's runtime exclude each other. */
	printf("SKIP: test_direct_faults: LD_PRELOAD fault injection and ASan exclude each other\n");
	return;
#endif
	SKIP_IF_NEEDED();
	extra_lib(lib, sizeof lib);
	ck_assert_msg(access(FIU_LIBS "/fiu_posix_preload.so", R_OK) == 0 && access(lib, R_OK) == 0,
		      "fault injection needs Debian's fiu-utils and %s", lib);
	root_path("site/cgi-bin", base, sizeof base);
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s %s/fiu_run_preload.so %s/fiu_posix_preload.so",
		 lib, FIU_LIBS, FIU_LIBS);
	snprintf(enable, sizeof enable, "FIU_ENABLE=%s", c->enable);
	code = run(argv, out, sizeof out);
	ck_assert_msg(code == c->code && strstr(out, c->want), "line %d (%s): exit %d: %.500s", c->line,
		      c->desc, code, out);
	if (c->code == 0) {
		snprintf(want, sizeof want, "uid=%u ", uid_a);
		ck_assert_msg(strstr(out, want), "line %d (%s): not run as %u: %.500s", c->line, c->desc,
			      uid_a, out);
	} else if (!c->may_run) {
		ck_assert_msg(!strstr(out, "uid="), "line %d (%s): the script ran: %.500s", c->line, c->desc,
			      out);
	}
}
END_TEST

/* ---- lifetime: a script past timeouts.cgi dies with its children ------------ */

/* Live (not zombie) processes whose real uid is uid. */
static int procs_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[4096], *p;
		unsigned ruid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if (hs_slurp(path, buf, sizeof buf) <= 0 || !(p = strstr(buf, "\nUid:")) ||
		    sscanf(p + 5, "%u", &ruid) != 1 || ruid != uid)
			continue;
		if ((p = strstr(buf, "\nState:")) && p[7 + strspn(p + 7, " \t")] == 'Z')
			continue; /* dead, waiting for whoever reaps orphans here */
		n++;
	}
	closedir(d);
	return n;
}

/*
 * The script ignores SIGTERM (and so do its children): the helper forwards
 * the worker's SIGTERM to the script's group, then SIGKILLs it; nothing of
 * the site's user survives the 504.
 */
START_TEST(test_timeout_kills_group)
{
	struct hs_conn c;
	long long until;
	int seen = 0;

	SKIP_IF_NEEDED();
	ck_assert_int_eq(procs_of(uid_a), 0);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/sleep.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	/* sh and its two sleeps, all the site user's (the helper's parent half is not: real uid www-data). */
	for (until = hs_now_ms() + 5000; hs_now_ms() < until && seen < 3; hs_sleep_ms(50))
		seen = procs_of(uid_a);
	ck_assert_msg(seen >= 3, "the script's processes did not start (%d)", seen);
	ck_assert_int_eq(hs_read_response(&c, &r1, false, 20000), 0);
	hs_conn_close(&c);
	ck_assert_msg(r1.status == 504, "status %d: %.300s", r1.status, r1.raw);
	for (until = hs_now_ms() + 10000; hs_now_ms() < until && procs_of(uid_a) > 0; hs_sleep_ms(50))
		;
	ck_assert_msg(procs_of(uid_a) == 0, "%d processes of %s survived", procs_of(uid_a), user_a);
}
END_TEST

/* The worker's SIGTERM reaches the script through the helper (before any SIGKILL). */
START_TEST(test_timeout_term_forwarded)
{
	SKIP_IF_NEEDED();
	exchange("/cgi-bin/term.sh");
	ck_assert_msg(r1.status == 504, "status %d: %.300s", r1.status, r1.raw);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "pfhttpd-test-got-TERM", HS_TIMEOUT_MS),
		      "the script never saw SIGTERM");
}
END_TEST

/*
 * The response ends when the script closes its stdout, not when it exits:
 * the helper holds no copy of it. (Held, the worker's timeouts.cgi of 2 s
 * would cut the response before the script's 8 s sleep ends.)
 */
START_TEST(test_output_ends_at_close)
{
	SKIP_IF_NEEDED();
	exchange("/cgi-bin/closes.sh");
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "closed\n") == 0, "%.300s", r1.raw);
}
END_TEST

/* What a script leaves running in its group when it ends is killed, as without the helper. */
START_TEST(test_stragglers_killed)
{
	long long until;

	SKIP_IF_NEEDED();
	exchange("/cgi-bin/bg.sh");
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "bg\n") == 0, "%.300s", r1.raw);
	for (until = hs_now_ms() + 10000; hs_now_ms() < until && procs_of(uid_a) > 0; hs_sleep_ms(50))
		;
	ck_assert_msg(procs_of(uid_a) == 0, "the script's background child survived");
}
END_TEST

/* The real uid of pid (/proc/PID/status), or -1. */
static long real_uid(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned uid;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0 || !(p = strstr(buf, "\nUid:")) || sscanf(p + 5, "%u", &uid) != 1)
		return -1;
	return uid;
}

/*
 * The helper's half that stays is SIGKILLed (as the worker does after its
 * grace): the script, its child, dies with it (PR_SET_PDEATHSIG).
 */
START_TEST(test_helper_killed)
{
	const struct passwd *w = getpwnam(WORKER_USER);
	struct hs_conn c;
	pid_t pids[64], found = 0;
	char cmd[HS_PATH * 2];
	long long until;

	SKIP_IF_NEEDED();
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	ck_assert_int_eq(hs_send_str(c.fd, "GET /cgi-bin/exec.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	for (until = hs_now_ms() + 5000; hs_now_ms() < until && (!found || procs_of(uid_a) < 1);
	     hs_sleep_ms(50)) {
		int n = hs_descendants(srv.pid, pids, 64);

		for (int i = 0; i < n && !found; i++)
			if (hs_cmdline(pids[i], cmd, sizeof cmd) > 0 && strstr(cmd, "pfhttpd-suexec ") &&
			    real_uid(pids[i]) == (long)w->pw_uid)
				found = pids[i];
	}
	ck_assert_msg(found && procs_of(uid_a) == 1, "no helper or no script running");
	ck_assert_int_eq(kill(found, SIGKILL), 0);
	for (until = hs_now_ms() + 10000; hs_now_ms() < until && procs_of(uid_a) > 0; hs_sleep_ms(50))
		;
	hs_conn_close(&c);
	ck_assert_msg(procs_of(uid_a) == 0, "the script outlived the helper");
}
END_TEST

/*
 * A worker whose timeout fires keeps sending SIGTERM (here every 20 ms,
 * well within the helper's 250 ms grace): the grace runs from the first
 * one, not from the last, so the script, which ignores SIGTERM, still gets
 * its SIGKILL, and the helper ends as it did (killed by SIGKILL).
 */
START_TEST(test_repeated_term)
{
	char base[HS_PATH * 2];
	char *argv[] = { helper, user_a, user_a, "1000", "1000", base, "sleep.sh", NULL };
	char *envp[] = { NULL };
	long long until;
	bool ended = false;
	pid_t pid;
	int st = 0, seen = 0;

	SKIP_IF_NEEDED();
	root_path("site/cgi-bin", base, sizeof base);
	ck_assert_int_eq(procs_of(uid_a), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execve(helper, argv, envp);
		_exit(99);
	}
	/* Before its first instruction a SIGTERM would end the helper itself: wait for the script. */
	for (until = hs_now_ms() + 10000; hs_now_ms() < until && seen < 3; hs_sleep_ms(50))
		seen = procs_of(uid_a);
	for (until = hs_now_ms() + 15000; !ended && hs_now_ms() < until; hs_sleep_ms(20)) {
		ended = waitpid(pid, &st, WNOHANG) == pid;
		if (!ended)
			kill(pid, SIGTERM);
	}
	if (!ended) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("the helper outlived 15 s of SIGTERMs (script started: %d processes)", seen);
	}
	ck_assert_msg(seen >= 3, "the script did not start (%d processes)", seen);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x: not killed like the script", st);
	for (until = hs_now_ms() + 10000; hs_now_ms() < until && procs_of(uid_a) > 0; hs_sleep_ms(50))
		;
	ck_assert_msg(procs_of(uid_a) == 0, "%d processes of %s survived", procs_of(uid_a), user_a);
}
END_TEST

/* ---- -t ------------------------------------------------------------------------ */

static const struct t_case {
	int line;
	const char *desc;
	const char *user;        /* NULL: user_a */
	const char *helper;      /* NULL: the setuid copy */
	bool ok;
	const char *says;
} t_cases[] = {
	{ __LINE__, "a good setup", NULL, NULL, true, "syntax OK" },
	{ __LINE__, "an unknown cgi.user", "pfhtst_nosuch_user", NULL, false, "unknown user 'pfhtst_nosuch_user'" },
	{ __LINE__, "root as cgi.user", "root", NULL, false, "'root' has uid 0, below cgi.min_uid" },
	{ __LINE__, "no helper", NULL, "/nonexistent/pfhttpd-suexec", false, "the helper '/nonexistent/pfhttpd-suexec'" },
	{ __LINE__, "a helper that is not setuid", NULL, "plain", true, "is not setuid root" },
};

START_TEST(test_config_check)
{
	const struct t_case *c = &t_cases[_i];
	char conf[4096], out[8192], plain[HS_PATH * 2], *p;
	struct hs_server t;
	char *argv[] = { (char *)hs_bin(), "-t", "-f", t.conf, NULL };
	int code;

	SKIP_IF_NEEDED();
	t = sibling();
	t.port = hs_free_port(); /* -t only reads it */
	root_path("site/interp", plain, sizeof plain); /* any existing, non-setuid, A-owned 0755 file */
	conf_for(conf, sizeof conf, c->user ? c->user : user_a, user_a, 60);
	if (c->helper && (p = strstr(conf, helper)) != NULL) {
		char rest[4096];

		snprintf(rest, sizeof rest, "%s", p + strlen(helper));
		snprintf(p, sizeof conf - (size_t)(p - conf), "%s%s",
			 strcmp(c->helper, "plain") == 0 ? plain : c->helper, rest);
	}
	ck_assert_int_eq(hs_write_conf(&t, conf), 0);
	code = run(argv, out, sizeof out);
	ck_assert_msg((code == 0) == c->ok && strstr(out, c->says), "line %d (%s): exit %d: %s",
		      c->line, c->desc, code, out);
}
END_TEST

static Suite *suexec_suite(void)
{
	Suite *s = suite_create("suexec");
	TCase *tc = hs_tcase("suexec", 60, NULL);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_runs_as_site_user);
	tcase_add_loop_test(tc, test_runs_as_uid, 0, N(uid_cases));
	tcase_add_loop_test(tc, test_refusal, 0, N(refusal_cases));
	tcase_add_loop_test(tc, test_direct, 0, N(direct_cases));
	tcase_add_test(tc, test_direct_env);
	tcase_add_loop_test(tc, test_direct_usage, 0, N(usage_cases));
	tcase_add_test(tc, test_direct_binary);
	tcase_add_test(tc, test_direct_not_root);
	tcase_add_test(tc, test_direct_root_caller);
	tcase_add_loop_test(tc, test_direct_faults, 0, N(fault_cases));
	tcase_add_test(tc, test_timeout_kills_group);
	tcase_add_test(tc, test_timeout_term_forwarded);
	tcase_add_test(tc, test_stragglers_killed);
	tcase_add_test(tc, test_output_ends_at_close);
	tcase_add_test(tc, test_helper_killed);
	tcase_add_test(tc, test_repeated_term);
	tcase_add_loop_test(tc, test_config_check, 0, N(t_cases));
	tcase_add_loop_test(tc, test_identity, 0, N(id_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	/* The server's own environment holds junk a script must never see. */
	setenv("PFHTTPD_SUEXEC_JUNK", "1", 1);
	suite_pid = getpid();
	rc = hs_main(suexec_suite());
	cleanup_users(); /* whatever happened in the cases */
	return rc;
}
