/*
 * Unit tests for identity: identity_resolve() over users and groups that
 * every Debian system has (root, daemon, www-data, nobody) and names that no
 * system has, as a root master (euid 0) and as an ordinary user (euid 1000)
 * would see them; the euid is only a parameter there. The switch itself
 * (identity_become_*) runs in a process of its own: Check's per test, or a
 * child the test forks, which drops to nobody or loses CAP_SETUID first to
 * see the switch refused. Expected ids come from the system's own database,
 * never hard-coded.
 */
#include "unit.h"
#include "conf.h"
#include "identity.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Failing lookups: the password and group databases cannot be made to fail
 * from outside (an LDAP server that is down, a broken nsswitch.conf), so
 * this suite defines getpwnam(3), getgrnam(3) and getgrouplist(3) itself.
 * The executable's definitions come first in symbol resolution, so
 * identity.c calls these; each answers from the table the running case set
 * (fakes, grouplist_mode) and passes every other name on to the C library's
 * own (dlsym RTLD_NEXT). Check forks per test, so a case's fakes die with it.
 */
struct fake {
	const char *name;            /* NULL ends the list */
	bool group;                  /* getgrnam's, else getpwnam's */
	int err;                     /* not found, with this errno; -1: found */
	unsigned id, gid;            /* found: the uid (or gid) and primary gid */
};

static const struct fake *fakes;

static const struct fake *fake_find(const char *name, bool group)
{
	for (const struct fake *f = fakes; f && f->name; f++)
		if (f->group == group && strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

struct passwd *getpwnam(const char *name)
{
	static struct passwd pw;
	struct passwd *(*real)(const char *);
	const struct fake *f = fake_find(name, false);

	if (f && f->err >= 0) {
		errno = f->err;
		return NULL;
	}
	if (f) {
		pw = (struct passwd){ .pw_name = (char *)f->name, .pw_uid = f->id, .pw_gid = f->gid };
		return &pw;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "getpwnam");
	return real(name);
}

struct group *getgrnam(const char *name)
{
	struct group *(*real)(const char *);
	const struct fake *f = fake_find(name, true);

	if (f) {
		ck_assert_int_ge(f->err, 0);
		errno = f->err;
		return NULL;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "getgrnam");
	return real(name);
}

/* How getgrouplist answers the first call; later calls are the real one's. */
enum grouplist_mode {
	GL_REAL,
	GL_HINT,         /* -1 and the number needed in *ngroups, as glibc does */
	GL_NO_HINT,      /* -1 and *ngroups untouched, as other libcs may */
	GL_TOO_MANY,     /* -1 and a need beyond setgroups' limit, every call */
};

#define GL_HINTED 40

static enum grouplist_mode grouplist_mode;
static int grouplist_calls;
static int grouplist_sizes[8];   /* *ngroups as each call got it */

int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	int (*real)(const char *, gid_t, gid_t *, int *);

	if (grouplist_calls < 8)
		grouplist_sizes[grouplist_calls] = *ngroups;
	grouplist_calls++;
	if (grouplist_mode == GL_TOO_MANY) {
		*ngroups = 70000;
		return -1;
	}
	if (grouplist_mode != GL_REAL && grouplist_calls == 1) {
		if (grouplist_mode == GL_HINT)
			*ngroups = GL_HINTED;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "getgrouplist");
	return real(user, group, groups, ngroups);
}

#define FILE_NAME "/etc/pfhttpd/test.conf"
#define NOUSER "no-such-user-pfhttpd"

/* Lines the hand-made conf gives its keys. */
enum { L_USER = 3, L_GROUP = 4, L_KEEPER = 5, L_ALLOW = 6 };

enum allow { ALLOW_ABSENT, ALLOW_FALSE, ALLOW_TRUE };

struct id_case {
	int src_line;
	const char *what;
	uid_t euid;
	const char *user, *group, *keeper;
	enum allow allow;
	/* On error: the expected line (0: none) and message. */
	int line;
	const char *msg;
	/* On success: change, and who the workers and the keeper are (NULL:
	 * the euid itself / getegid()). group NULL: the user's primary gid. */
	bool change;
	const char *want_user, *want_group, *want_keeper;
};

#define NOT_SET "user: not set, so CGI scripts would run as root; set user " \
		"(and group), or allow_root = true to run as root on purpose"

static const struct id_case id_cases[] = {
	/* euid 0: the pool switches identities */
	{ __LINE__, "user only", 0, "www-data", NULL, "daemon", ALLOW_ABSENT, 0, NULL,
	  true, "www-data", NULL, "daemon" },
	{ __LINE__, "user and group", 0, "www-data", "daemon", "nobody", ALLOW_ABSENT, 0, NULL,
	  true, "www-data", "daemon", "nobody" },
	{ __LINE__, "allow_root does not stop a switch", 0, "daemon", NULL, "www-data",
	  ALLOW_TRUE, 0, NULL, true, "daemon", NULL, "www-data" },
	/* euid 0: refusals */
	{ __LINE__, "no user, no allow_root", 0, NULL, NULL, NULL, ALLOW_ABSENT, 0, NOT_SET,
	  false, NULL, NULL, NULL },
	{ __LINE__, "no user, allow_root = false", 0, NULL, NULL, NULL, ALLOW_FALSE, L_ALLOW,
	  NOT_SET, false, NULL, NULL, NULL },
	{ __LINE__, "user root without allow_root", 0, "root", NULL, NULL, ALLOW_ABSENT, L_USER,
	  "user: 'root' has uid 0, so CGI scripts would run as root; set user to an "
	  "unprivileged user, or allow_root = true to run as root on purpose",
	  false, NULL, NULL, NULL },
	{ __LINE__, "keeper is the workers' user", 0, "www-data", NULL, "www-data",
	  ALLOW_ABSENT, L_KEEPER, "keeper_user: 'www-data' has the workers' uid 33, so CGI "
	  "scripts could signal the connection keeper; set keeper_user to a user of its own",
	  false, NULL, NULL, NULL },
	{ __LINE__, "keeper is root", 0, "www-data", NULL, "root", ALLOW_ABSENT, L_KEEPER,
	  "keeper_user: 'root' has uid 0; the connection keeper must not run as root",
	  false, NULL, NULL, NULL },
	{ __LINE__, "unknown user", 0, NOUSER, NULL, NULL, ALLOW_ABSENT, L_USER,
	  "user: unknown user '" NOUSER "'", false, NULL, NULL, NULL },
	{ __LINE__, "unknown group", 0, "www-data", "no-such-group-pfhttpd", NULL, ALLOW_ABSENT,
	  L_GROUP, "group: unknown group 'no-such-group-pfhttpd'", false, NULL, NULL, NULL },
	{ __LINE__, "unknown keeper_user", 0, "www-data", NULL, NOUSER, ALLOW_ABSENT, L_KEEPER,
	  "keeper_user: unknown user '" NOUSER "'", false, NULL, NULL, NULL },
	/* euid 0, allow_root: everything stays root */
	{ __LINE__, "no user, allow_root", 0, NULL, NULL, NULL, ALLOW_TRUE, 0, NULL,
	  false, "root", NULL, "root" },
	{ __LINE__, "user root, allow_root", 0, "root", NULL, NULL, ALLOW_TRUE, 0, NULL,
	  false, "root", NULL, "root" },
	{ __LINE__, "allow_root still checks keeper_user", 0, NULL, NULL, NOUSER, ALLOW_TRUE,
	  L_KEEPER, "keeper_user: unknown user '" NOUSER "'", false, NULL, NULL, NULL },
	/* euid 1000: nothing changes, but names must exist */
	{ __LINE__, "not root: user set", 1000, "www-data", "daemon", "nobody", ALLOW_ABSENT,
	  0, NULL, false, NULL, NULL, NULL },
	{ __LINE__, "not root: nothing set", 1000, NULL, NULL, NULL, ALLOW_ABSENT, 0, NULL,
	  false, NULL, NULL, NULL },
	{ __LINE__, "not root: user root", 1000, "root", NULL, NULL, ALLOW_ABSENT, 0, NULL,
	  false, NULL, NULL, NULL },
	{ __LINE__, "not root: unknown user", 1000, NOUSER, NULL, NULL, ALLOW_ABSENT, L_USER,
	  "user: unknown user '" NOUSER "'", false, NULL, NULL, NULL },
	{ __LINE__, "not root: unknown group", 1000, NULL, "no-such-group-pfhttpd", NULL,
	  ALLOW_ABSENT, L_GROUP, "group: unknown group 'no-such-group-pfhttpd'",
	  false, NULL, NULL, NULL },
	{ __LINE__, "not root: unknown keeper_user", 1000, NULL, NULL, NOUSER, ALLOW_ABSENT,
	  L_KEEPER, "keeper_user: unknown user '" NOUSER "'", false, NULL, NULL, NULL },
};

static void make_conf(const struct id_case *k, struct conf *c)
{
	memset(c, 0, sizeof *c);
	c->file = (char *)FILE_NAME;
	c->user = (char *)k->user;
	c->group = (char *)k->group;
	c->keeper_user = (char *)k->keeper;
	c->allow_root = k->allow == ALLOW_TRUE;
	c->line.user = k->user ? L_USER : 0;
	c->line.group = k->group ? L_GROUP : 0;
	c->line.keeper_user = k->keeper ? L_KEEPER : 0;
	c->line.allow_root = k->allow != ALLOW_ABSENT ? L_ALLOW : 0;
}

static const struct passwd *must_pw(const char *name)
{
	const struct passwd *pw = getpwnam(name);

	ck_assert_msg(pw != NULL, "no user '%s' on this system", name);
	return pw;
}

static bool has_group(const struct identity *id, gid_t gid)
{
	for (int i = 0; i < id->ngroups; i++)
		if (id->groups[i] == gid)
			return true;
	return false;
}

static void assert_error(const struct id_case *k, const char *err)
{
	char want[1024];

	if (k->line > 0)
		snprintf(want, sizeof want, "%s:%d: %s", FILE_NAME, k->line, k->msg);
	else
		snprintf(want, sizeof want, "%s: %s", FILE_NAME, k->msg);
	ck_assert_msg(strcmp(err, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
		      k->src_line, k->what, err, want);
}

static void assert_switch(const struct id_case *k, const struct identity *id)
{
	const struct passwd *pw = must_pw(k->want_user);
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;

	if (k->want_group) {
		const struct group *g = getgrnam(k->want_group);

		ck_assert_msg(g != NULL, "no group '%s'", k->want_group);
		gid = g->gr_gid;
	}
	ck_assert_msg(id->uid == uid && id->gid == gid, "line %d (%s): workers %d:%d",
		      k->src_line, k->what, (int)id->uid, (int)id->gid);
	ck_assert_msg(id->ngroups > 0 && has_group(id, gid),
		      "line %d (%s): gid %d not among %d groups", k->src_line, k->what,
		      (int)gid, id->ngroups);
	pw = must_pw(k->want_keeper);
	ck_assert_msg(id->keeper_uid == pw->pw_uid && id->keeper_gid == pw->pw_gid,
		      "line %d (%s): keeper %d:%d", k->src_line, k->what,
		      (int)id->keeper_uid, (int)id->keeper_gid);
	ck_assert_str_eq(id->keeper_name, k->want_keeper);
}

/* No switch: the workers and the keeper are the process as it is. */
static void assert_stay(const struct id_case *k, const struct identity *id)
{
	uid_t uid = k->want_user ? must_pw(k->want_user)->pw_uid : k->euid;

	ck_assert_msg(id->uid == uid && id->keeper_uid == uid,
		      "line %d (%s): uids %d, %d", k->src_line, k->what,
		      (int)id->uid, (int)id->keeper_uid);
	ck_assert_int_eq(id->gid, getegid());
	ck_assert_int_eq(id->keeper_gid, getegid());
	ck_assert_int_eq(id->ngroups, 0);
	ck_assert_ptr_nonnull(id->keeper_name);
	/* Nothing to do for a child that stays who it is. */
	ck_assert_int_eq(identity_become_worker(id), 0);
	ck_assert_int_eq(identity_become_keeper(id), 0);
}

START_TEST(test_resolve)
{
	const struct id_case *k = &id_cases[_i];
	struct identity id;
	struct conf c;
	char err[1024] = "";
	int rc;

	make_conf(k, &c);
	memset(&id, 0xa5, sizeof id);
	rc = identity_resolve(&c, k->euid, &id, err, sizeof err);
	if (k->msg) {
		ck_assert_msg(rc == -1, "line %d (%s): resolved", k->src_line, k->what);
		assert_error(k, err);
		/* A failure leaves nothing to free. */
		ck_assert_ptr_null(id.groups);
		ck_assert_ptr_null(id.keeper_name);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): %s", k->src_line, k->what, err);
	ck_assert_msg(id.change == k->change, "line %d (%s): change %d",
		      k->src_line, k->what, id.change);
	if (k->change)
		assert_switch(k, &id);
	else
		assert_stay(k, &id);
	identity_free(&id);
	identity_free(&id);
}
END_TEST

/* Without keeper_user the keeper is "pfhttpd" when it exists, else "nobody";
 * so a workers' user "nobody" collides with the default only on a system
 * without a "pfhttpd" user. */
START_TEST(test_default_keeper)
{
	const bool has_pfhttpd = getpwnam(IDENTITY_KEEPER_DEFAULT) != NULL;
	const char *want = has_pfhttpd ? IDENTITY_KEEPER_DEFAULT : IDENTITY_KEEPER_FALLBACK;
	const struct id_case k = { __LINE__, "default keeper", 0, "www-data", NULL, NULL,
				   ALLOW_ABSENT, 0, NULL, true, "www-data", NULL, want };
	const struct id_case nobody = { __LINE__, "nobody is the default keeper", 0,
					"nobody", NULL, NULL, ALLOW_ABSENT, 0, NULL,
					false, NULL, NULL, NULL };
	struct identity id;
	struct conf c;
	char err[1024] = "", want_err[1024];

	make_conf(&k, &c);
	ck_assert_msg(identity_resolve(&c, 0, &id, err, sizeof err) == 0, "%s", err);
	assert_switch(&k, &id);
	identity_free(&id);
	if (has_pfhttpd)
		return;
	make_conf(&nobody, &c);
	ck_assert_int_eq(identity_resolve(&c, 0, &id, err, sizeof err), -1);
	snprintf(want_err, sizeof want_err, "%s:%d: user: 'nobody' has the uid of the "
		 "connection keeper's default user 'nobody', so CGI scripts could signal "
		 "the keeper; set keeper_user to another user", FILE_NAME, L_USER);
	ck_assert_str_eq(err, want_err);
}
END_TEST

/* Not root: the keeper's name is the euid's user, or "uid N" for a uid without one. */
START_TEST(test_keep_names)
{
	static const struct { int line; const char *desc; uid_t euid; const char *want; } rows[] = {
		{ __LINE__, "a uid with a user",     65534, NULL /* getpwuid's name */ },
		{ __LINE__, "a uid without a user",  54321, "uid 54321" },
	};
	const struct id_case k = { __LINE__, "not root", 1, NULL, NULL, NULL, ALLOW_ABSENT, 0, NULL,
				   false, NULL, NULL, NULL };

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct passwd *pw = getpwuid(rows[i].euid);
		const char *want = rows[i].want ? rows[i].want : pw ? pw->pw_name : NULL;
		struct identity id;
		struct conf c;
		char err[1024] = "";

		ck_assert_msg(want != NULL, "line %d: no user with uid %d here", rows[i].line,
			      (int)rows[i].euid);
		ck_assert_msg(rows[i].want == NULL || pw == NULL, "line %d: uid %d has a user here",
			      rows[i].line, (int)rows[i].euid);
		make_conf(&k, &c);
		ck_assert_msg(identity_resolve(&c, rows[i].euid, &id, err, sizeof err) == 0, "%s", err);
		ck_assert_msg(strcmp(id.keeper_name, want) == 0, "line %d (%s): '%s', want '%s'",
			      rows[i].line, rows[i].desc, id.keeper_name, want);
		identity_free(&id);
	}
}
END_TEST

/*
 * The switch itself, in this test's own process (Check forks one per test):
 * as root, become the workers' user (its groups included) or the keeper,
 * and root is gone for good (setuid(0) fails afterwards).
 */
static void become(bool keeper)
{
	const struct id_case k = { __LINE__, "switch", 0, "www-data", "daemon", "nobody",
				   ALLOW_ABSENT, 0, NULL, true, "www-data", "daemon", "nobody" };
	/* Copied at once: getpwnam's buffer is reused by identity_resolve. */
	const uid_t want_uid = must_pw(keeper ? "nobody" : "www-data")->pw_uid;
	const gid_t want_pgid = must_pw(keeper ? "nobody" : "www-data")->pw_gid;
	const struct group *g = getgrnam("daemon");
	gid_t daemon_gid;
	struct identity id;
	struct conf c;
	char err[1024] = "";
	gid_t groups[64];
	int n;

	if (geteuid() != 0) {
		printf("SKIP: the identity switch needs root\n");
		return;
	}
	ck_assert_ptr_nonnull(g);
	daemon_gid = g->gr_gid;
	make_conf(&k, &c);
	ck_assert_msg(identity_resolve(&c, 0, &id, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq((keeper ? identity_become_keeper(&id) : identity_become_worker(&id)), 0);
	ck_assert_int_eq(getuid(), want_uid);
	ck_assert_int_eq(geteuid(), want_uid);
	ck_assert_int_eq(getgid(), keeper ? want_pgid : daemon_gid);
	n = getgroups(64, groups);
	ck_assert_int_ge(n, 1);
	if (keeper)
		ck_assert_msg(n == 1 && groups[0] == want_pgid, "keeper groups: %d", n);
	ck_assert_int_eq(setuid(0), -1);
	ck_assert_int_eq(seteuid(0), -1);
	identity_free(&id);
}

START_TEST(test_become_worker)
{
	become(false);
}
END_TEST

START_TEST(test_become_keeper)
{
	become(true);
}
END_TEST

/*
 * The switch refused, each in a child of this test that reports through its
 * exit status (the errno of the failure, 100 for success): a process that
 * is no longer root cannot drop anything (setgroups() fails first), and an
 * identity whose target is uid 0 fails the proof that root is gone.
 */
enum { BECAME = 100 };

static const struct refuse_case {
	int line;
	const char *desc;
	bool keeper;          /* identity_become_keeper(), else _worker() */
	bool as_nobody;       /* the child drops to 65534 first */
	bool to_root;         /* the target uid and gid are 0 */
	bool no_setuid;       /* the child is root without CAP_SETUID */
	int want;             /* exit status: errno, or BECAME */
} refuse_cases[] = {
	{ __LINE__, "worker, child not root",    false, true,  false, false, EPERM },
	{ __LINE__, "keeper, child not root",    true,  true,  false, false, EPERM },
	{ __LINE__, "worker would stay root",    false, false, true,  false, EPERM },
	{ __LINE__, "keeper would stay root",    true,  false, true,  false, EPERM },
	{ __LINE__, "worker, setresuid refused", false, false, false, true,  EPERM },
	{ __LINE__, "keeper, setresuid refused", true,  false, false, true,  EPERM },
	{ __LINE__, "worker, control: drops",    false, false, false, false, BECAME },
	{ __LINE__, "keeper, control: drops",    true,  false, false, false, BECAME },
};

/* Root without CAP_SETUID: setgroups() and setresgid() still work, setresuid() does not. */
static int drop_cap_setuid(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[CAP_TO_INDEX(CAP_SETUID)].effective &= ~CAP_TO_MASK(CAP_SETUID);
	d[CAP_TO_INDEX(CAP_SETUID)].permitted &= ~CAP_TO_MASK(CAP_SETUID);
	return (int)syscall(SYS_capset, &h, d);
}

static void refuse_child(const struct refuse_case *r, struct identity *id)
{
	const gid_t nobody = 65534;
	int rc;

	if (r->as_nobody && (setgroups(1, &nobody) < 0 || setresgid(nobody, nobody, nobody) < 0 ||
			     setresuid(nobody, nobody, nobody) < 0))
		exit(99);
	if (r->no_setuid && drop_cap_setuid() < 0)
		exit(98);
	if (r->to_root) {
		id->uid = id->keeper_uid = 0;
		id->gid = id->keeper_gid = 0;
	}
	errno = 0;
	rc = r->keeper ? identity_become_keeper(id) : identity_become_worker(id);
	/* exit(), not _exit(): coverage counters are written at exit. */
	exit(rc == 0 ? BECAME : errno & 0x7f);
}

START_TEST(test_become_refused)
{
	const struct refuse_case *r = &refuse_cases[_i];
	const struct id_case k = { __LINE__, "switch", 0, "www-data", "daemon", "nobody",
				   ALLOW_ABSENT, 0, NULL, true, "www-data", "daemon", "nobody" };
	struct identity id;
	struct conf c;
	char err[1024] = "";
	int st;
	pid_t pid;

	if (geteuid() != 0) {
		printf("SKIP: the identity switch needs root\n");
		return;
	}
	make_conf(&k, &c);
	ck_assert_msg(identity_resolve(&c, 0, &id, err, sizeof err) == 0, "%s", err);
	ck_assert(id.change);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		refuse_child(r, &id);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == r->want,
		      "line %d (%s): status %d, want %d", r->line, r->desc,
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1, r->want);
	identity_free(&id);
}
END_TEST

/*
 * The databases answering badly, as a root master sees it: a lookup that
 * fails is named as such (never "unknown user"), every errno getpwnam(3)
 * NOTES lists for "not found" means unknown, and the keeper's default user
 * "pfhttpd" is taken when it exists, "nobody" otherwise.
 */
#define EIO_TEXT "Input/output error"

static const struct lookup_case {
	int line;
	const char *desc;
	const char *user, *group, *keeper;
	struct fake fakes[3];
	int want_line;               /* of the error; 0: "FILE: msg" */
	const char *msg;             /* NULL: success, the keeper is fakes[0] */
} lookup_cases[] = {
	{ __LINE__, "user lookup fails", "www-data", NULL, "nobody",
	  { { "www-data", false, EIO, 0, 0 } },
	  L_USER, "user: cannot look up user 'www-data': " EIO_TEXT },
	{ __LINE__, "not found, errno 0", "www-data", NULL, "nobody",
	  { { "www-data", false, 0, 0, 0 } }, L_USER, "user: unknown user 'www-data'" },
	{ __LINE__, "not found, ENOENT", "www-data", NULL, "nobody",
	  { { "www-data", false, ENOENT, 0, 0 } }, L_USER, "user: unknown user 'www-data'" },
	{ __LINE__, "not found, ESRCH", "www-data", NULL, "nobody",
	  { { "www-data", false, ESRCH, 0, 0 } }, L_USER, "user: unknown user 'www-data'" },
	{ __LINE__, "not found, EBADF", "www-data", NULL, "nobody",
	  { { "www-data", false, EBADF, 0, 0 } }, L_USER, "user: unknown user 'www-data'" },
	{ __LINE__, "not found, EPERM", "www-data", NULL, "nobody",
	  { { "www-data", false, EPERM, 0, 0 } }, L_USER, "user: unknown user 'www-data'" },
	{ __LINE__, "group lookup fails", "www-data", "daemon", "nobody",
	  { { "daemon", true, EIO, 0, 0 } },
	  L_GROUP, "group: cannot look up group 'daemon': " EIO_TEXT },
	{ __LINE__, "group not found, ESRCH", "www-data", "daemon", "nobody",
	  { { "daemon", true, ESRCH, 0, 0 } }, L_GROUP, "group: unknown group 'daemon'" },
	{ __LINE__, "keeper_user lookup fails", "www-data", NULL, "nobody",
	  { { "nobody", false, EIO, 0, 0 } },
	  L_KEEPER, "keeper_user: cannot look up user 'nobody': " EIO_TEXT },
	{ __LINE__, "default keeper's lookup fails", "www-data", NULL, NULL,
	  { { IDENTITY_KEEPER_DEFAULT, false, EIO, 0, 0 } },
	  0, "keeper_user: cannot look up user '" IDENTITY_KEEPER_DEFAULT "': " EIO_TEXT },
	{ __LINE__, "neither default keeper exists", "www-data", NULL, NULL,
	  { { IDENTITY_KEEPER_DEFAULT, false, 0, 0, 0 },
	    { IDENTITY_KEEPER_FALLBACK, false, ENOENT, 0, 0 } },
	  0, "keeper_user: not set, and neither user '" IDENTITY_KEEPER_DEFAULT "' nor '"
	  IDENTITY_KEEPER_FALLBACK "' exists; set keeper_user" },
	{ __LINE__, "default keeper exists: it is taken", "www-data", NULL, NULL,
	  { { IDENTITY_KEEPER_DEFAULT, false, -1, 4242, 4243 } }, 0, NULL },
};

START_TEST(test_lookup)
{
	const struct lookup_case *k = &lookup_cases[_i];
	const struct id_case ik = { k->line, k->desc, 0, k->user, k->group, k->keeper,
				    ALLOW_ABSENT, 0, NULL, false, NULL, NULL, NULL };
	struct identity id;
	struct conf c;
	char err[1024] = "", want[1024];
	int rc;

	make_conf(&ik, &c);
	fakes = k->fakes;
	memset(&id, 0xa5, sizeof id);
	rc = identity_resolve(&c, 0, &id, err, sizeof err);
	fakes = NULL;
	if (k->msg) {
		ck_assert_msg(rc == -1, "line %d (%s): resolved", k->line, k->desc);
		if (k->want_line > 0)
			snprintf(want, sizeof want, "%s:%d: %s", FILE_NAME, k->want_line, k->msg);
		else
			snprintf(want, sizeof want, "%s: %s", FILE_NAME, k->msg);
		ck_assert_msg(strcmp(err, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
			      k->line, k->desc, err, want);
		ck_assert_ptr_null(id.groups);
		ck_assert_ptr_null(id.keeper_name);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): %s", k->line, k->desc, err);
	ck_assert_str_eq(id.keeper_name, k->fakes[0].name);
	ck_assert_int_eq(id.keeper_uid, k->fakes[0].id);
	ck_assert_int_eq(id.keeper_gid, k->fakes[0].gid);
	identity_free(&id);
}
END_TEST

/*
 * The workers' supplementary groups when the first buffer (16) is too
 * small: glibc's hint is taken as the new size, without one the buffer
 * doubles, and a need beyond setgroups(2)'s limit is refused.
 */
static const struct grouplist_case {
	int line;
	const char *desc;
	enum grouplist_mode mode;
	int second;                  /* *ngroups of the second call; 0: none */
	const char *msg;             /* NULL: success */
} grouplist_cases[] = {
	{ __LINE__, "glibc's hint is the new size", GL_HINT, GL_HINTED, NULL },
	{ __LINE__, "no hint: the buffer doubles", GL_NO_HINT, 32, NULL },
	{ __LINE__, "too many groups", GL_TOO_MANY, 0,
	  "user: 'www-data' is in more than 65536 groups" },
};

START_TEST(test_grouplist)
{
	const struct grouplist_case *g = &grouplist_cases[_i];
	const struct id_case k = { __LINE__, "switch", 0, "www-data", NULL, "nobody",
				   ALLOW_ABSENT, 0, NULL, true, "www-data", NULL, "nobody" };
	struct identity id;
	struct conf c;
	char err[1024] = "", want[1024];
	int rc;

	make_conf(&k, &c);
	grouplist_mode = g->mode;
	rc = identity_resolve(&c, 0, &id, err, sizeof err);
	grouplist_mode = GL_REAL;
	ck_assert_int_eq(grouplist_sizes[0], 16);
	if (g->msg) {
		snprintf(want, sizeof want, "%s:%d: %s", FILE_NAME, L_USER, g->msg);
		ck_assert_msg(rc == -1, "line %d (%s): resolved", g->line, g->desc);
		ck_assert_msg(strcmp(err, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
			      g->line, g->desc, err, want);
		ck_assert_int_eq(grouplist_calls, 1);
		ck_assert_ptr_null(id.groups);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): %s", g->line, g->desc, err);
	ck_assert_msg(grouplist_calls == 2 && grouplist_sizes[1] == g->second,
		      "line %d (%s): %d calls, second with %d", g->line, g->desc,
		      grouplist_calls, grouplist_sizes[1]);
	assert_switch(&k, &id);
	identity_free(&id);
}
END_TEST

static Suite *identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *core = tcase_create("core");

	tcase_set_timeout(core, 10);
	tcase_add_loop_test(core, test_resolve, 0,
			    (int)(sizeof id_cases / sizeof id_cases[0]));
	tcase_add_test(core, test_default_keeper);
	tcase_add_test(core, test_keep_names);
	tcase_add_loop_test(core, test_lookup, 0,
			    (int)(sizeof lookup_cases / sizeof lookup_cases[0]));
	tcase_add_loop_test(core, test_grouplist, 0,
			    (int)(sizeof grouplist_cases / sizeof grouplist_cases[0]));
	tcase_add_test(core, test_become_worker);
	tcase_add_test(core, test_become_keeper);
	tcase_add_loop_test(core, test_become_refused, 0,
			    (int)(sizeof refuse_cases / sizeof refuse_cases[0]));
	suite_add_tcase(s, core);
	return s;
}

int main(void)
{
	return unit_run(identity_suite());
}
