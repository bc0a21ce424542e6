/*
 * identity — who the pool's processes run as; the contract is in identity.h.
 *
 * Everything is looked up once, in the master, before any fork: a worker
 * that called getpwnam() after a chroot or in a crowded /etc/nsswitch.conf
 * setup could block or fail mid-flight, and two workers must never disagree
 * on who they are. The rules follow OpenBSD's privilege-separated daemons:
 * drop supplementary groups first, then the gid, then the uid (the gid can
 * no longer be changed once the uid is not root), and prove the drop by
 * trying to get root back.
 */
#include "identity.h"

#include "conf.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* setgroups(2) refuses more than NGROUPS_MAX (65536 on Linux). */
#define IDENTITY_MAX_GROUPS 65536

/* One user as the password database has it. */
struct identity_pw {
	uid_t uid;
	gid_t gid;
};

/* getpwnam(3) NOTES: "not found" comes back with errno 0, ENOENT, ESRCH,
 * EBADF, EPERM or others depending on the NSS module; only a real failure
 * of the lookup (memory, I/O) deserves its own message. */
static bool identity_not_found(int e)
{
	return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

/* 1 found, 0 unknown, -1 the lookup itself failed (errno set). */
static int identity_getpw(const char *name, struct identity_pw *pw)
{
	struct passwd *p;

	errno = 0;
	p = getpwnam(name);
	if (p) {
		pw->uid = p->pw_uid;
		pw->gid = p->pw_gid;
		return 1;
	}
	return identity_not_found(errno) ? 0 : -1;
}

/* A user a key names; "key: unknown user 'name'" when there is none. */
static int identity_user(const struct conf *c, const char *key, const char *name,
			 int line, struct identity_pw *pw, char *err, size_t errlen)
{
	int rc = identity_getpw(name, pw);

	if (rc > 0)
		return 0;
	if (rc == 0)
		return conf_error(c, line, err, errlen, "%s: unknown user '%s'",
				  key, name);
	return conf_error(c, line, err, errlen, "%s: cannot look up user '%s': %s",
			  key, name, strerror(errno));
}

static int identity_group(const struct conf *c, gid_t *gid, char *err,
			  size_t errlen)
{
	struct group *g;

	errno = 0;
	g = getgrnam(c->group);
	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	if (identity_not_found(errno))
		return conf_error(c, c->line.group, err, errlen,
				  "group: unknown group '%s'", c->group);
	return conf_error(c, c->line.group, err, errlen,
			  "group: cannot look up group '%s': %s", c->group,
			  strerror(errno));
}

static int identity_set_name(const struct conf *c, struct identity *id,
			     const char *name, char *err, size_t errlen)
{
	id->keeper_name = strdup(name);
	if (!id->keeper_name)
		return conf_error(c, 0, err, errlen, "%s", strerror(errno));
	return 0;
}

/* keeper_user is looked up whatever the euid, so -t catches a typo there too. */
static int identity_check_keeper(const struct conf *c, char *err, size_t errlen)
{
	struct identity_pw pw;

	if (!c->keeper_user)
		return 0;
	return identity_user(c, "keeper_user", c->keeper_user, c->line.keeper_user,
			     &pw, err, errlen);
}

/* Not root: nobody's identity can change, so every process stays who it is. */
static int identity_keep(const struct conf *c, uid_t euid, struct identity *id,
			 char *err, size_t errlen)
{
	struct passwd *p;
	char name[32];

	if (identity_check_keeper(c, err, errlen) < 0)
		return -1;
	id->uid = id->keeper_uid = euid;
	id->gid = id->keeper_gid = getegid();
	p = getpwuid(euid);
	if (p)
		return identity_set_name(c, id, p->pw_name, err, errlen);
	snprintf(name, sizeof name, "uid %lu", (unsigned long)euid);
	return identity_set_name(c, id, name, err, errlen);
}

/* Root with no user to become (or one that is root itself): only on purpose. */
static int identity_root(const struct conf *c, struct identity *id, char *err,
			 size_t errlen)
{
	if (!c->allow_root && !c->user)
		return conf_error(c, c->line.allow_root, err, errlen,
				  "user: not set, so CGI scripts would run as root; "
				  "set user (and group), or allow_root = true to run "
				  "as root on purpose");
	if (!c->allow_root)
		return conf_error(c, c->line.user, err, errlen,
				  "user: '%s' has uid 0, so CGI scripts would run as "
				  "root; set user to an unprivileged user, or "
				  "allow_root = true to run as root on purpose", c->user);
	if (identity_check_keeper(c, err, errlen) < 0)
		return -1;
	id->uid = id->keeper_uid = 0;
	id->gid = id->keeper_gid = getegid();
	return identity_set_name(c, id, "root", err, errlen);
}

/* The workers' supplementary groups, as initgroups(3) would set them. */
static int identity_groups(const struct conf *c, struct identity *id, char *err,
			   size_t errlen)
{
	int n = 16;

	for (;;) {
		gid_t *g = realloc(id->groups, (size_t)n * sizeof *g);
		int want = n;

		if (!g)
			return conf_error(c, c->line.user, err, errlen, "user: %s",
					  strerror(errno));
		id->groups = g;
		if (getgrouplist(c->user, id->gid, g, &want) >= 0) {
			id->ngroups = want;
			return 0;
		}
		/* glibc puts the number needed in want; others may not. */
		n = want > n ? want : 2 * n;
		if (n > IDENTITY_MAX_GROUPS)
			return conf_error(c, c->line.user, err, errlen,
					  "user: '%s' is in more than %d groups",
					  c->user, IDENTITY_MAX_GROUPS);
	}
}

/* Which user the keeper is: keeper_user, else the first default that exists. */
static int identity_keeper_user(const struct conf *c, struct identity_pw *pw,
				const char **name, char *err, size_t errlen)
{
	int rc;

	*name = c->keeper_user;
	if (*name)
		return identity_user(c, "keeper_user", *name, c->line.keeper_user, pw,
				     err, errlen);
	*name = IDENTITY_KEEPER_DEFAULT;
	if ((rc = identity_getpw(*name, pw)) != 0)
		return rc > 0 ? 0 : conf_error(c, 0, err, errlen,
					       "keeper_user: cannot look up user '%s': %s",
					       *name, strerror(errno));
	*name = IDENTITY_KEEPER_FALLBACK;
	if ((rc = identity_getpw(*name, pw)) > 0)
		return 0;
	return conf_error(c, 0, err, errlen, "keeper_user: not set, and neither user '"
			  IDENTITY_KEEPER_DEFAULT "' nor '" IDENTITY_KEEPER_FALLBACK
			  "' exists; set keeper_user");
}

/*
 * The keeper holds every idle connection; a CGI script runs as the workers'
 * uid, and kill(2) and ptrace(2) allow a process to act on any other with
 * the same uid. So the keeper's uid must be another one, and not root.
 */
static int identity_keeper(const struct conf *c, struct identity *id, char *err,
			   size_t errlen)
{
	struct identity_pw pw;
	const char *name;

	if (identity_keeper_user(c, &pw, &name, err, errlen) < 0)
		return -1;
	if (pw.uid == 0)
		return conf_error(c, c->line.keeper_user, err, errlen,
				  "keeper_user: '%s' has uid 0; the connection keeper "
				  "must not run as root", name);
	if (pw.uid == id->uid && c->keeper_user)
		return conf_error(c, c->line.keeper_user, err, errlen,
				  "keeper_user: '%s' has the workers' uid %lu, so CGI "
				  "scripts could signal the connection keeper; set "
				  "keeper_user to a user of its own", name,
				  (unsigned long)pw.uid);
	if (pw.uid == id->uid)
		return conf_error(c, c->line.user, err, errlen,
				  "user: '%s' has the uid of the connection keeper's "
				  "default user '%s', so CGI scripts could signal the "
				  "keeper; set keeper_user to another user", c->user, name);
	id->keeper_uid = pw.uid;
	id->keeper_gid = pw.gid;
	return identity_set_name(c, id, name, err, errlen);
}

/* Root, and a user to become: the workers and the keeper switch after fork. */
static int identity_switch(const struct conf *c, const struct identity_pw *user,
			   gid_t group, struct identity *id, char *err, size_t errlen)
{
	id->change = true;
	id->uid = user->uid;
	id->gid = c->group ? group : user->gid;
	if (identity_groups(c, id, err, errlen) < 0 ||
	    identity_keeper(c, id, err, errlen) < 0) {
		identity_free(id);
		return -1;
	}
	return 0;
}

int identity_resolve(const struct conf *c, uid_t euid, struct identity *id,
		     char *err, size_t errlen)
{
	struct identity_pw user = { 0, 0 };
	gid_t group = 0;
	int rc;

	memset(id, 0, sizeof *id);
	if (c->user && identity_user(c, "user", c->user, c->line.user, &user,
				     err, errlen) < 0)
		return -1;
	if (c->group && identity_group(c, &group, err, errlen) < 0)
		return -1;
	if (euid != 0)
		rc = identity_keep(c, euid, id, err, errlen);
	else if (!c->user || user.uid == 0)
		rc = identity_root(c, id, err, errlen);
	else
		return identity_switch(c, &user, group, id, err, errlen);
	if (rc < 0)
		identity_free(id);
	return rc;
}

void identity_free(struct identity *id)
{
	free(id->groups);
	free((char *)id->keeper_name);
	memset(id, 0, sizeof *id);
}

/* The gid first: once the uid is not root, setresgid() is refused. Then the
 * proof: a process that can still become root has not dropped anything. */
static int identity_become(uid_t uid, gid_t gid)
{
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	if (setuid(0) != -1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int identity_become_worker(const struct identity *id)
{
	if (!id->change)
		return 0;
	if (setgroups((size_t)id->ngroups, id->groups) < 0)
		return -1;
	return identity_become(id->uid, id->gid);
}

/* The keeper keeps no supplementary group: it needs no file access at all. */
int identity_become_keeper(const struct identity *id)
{
	if (!id->change)
		return 0;
	if (setgroups(1, &id->keeper_gid) < 0)
		return -1;
	return identity_become(id->keeper_uid, id->keeper_gid);
}
