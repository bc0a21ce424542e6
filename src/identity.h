/*
 * identity — who the pool's processes run as.
 *
 * Contract: identity_resolve() turns conf's user, group, keeper_user and
 * allow_root into numeric ids once, in the master, as a process with the
 * given effective uid would use them; it reads the user and group databases
 * and nothing else, changes no id, and fails with one "FILE:LINE: key:
 * message". Started as root, the pool refuses to run CGI scripts as root
 * unless allow_root says so on purpose, and the connection keeper gets a uid
 * of its own, so a script (running as the workers' uid) cannot signal or
 * ptrace it. identity_become_*() are for a freshly forked child that is
 * still root; they drop privileges for good and prove it.
 */
#ifndef PFHTTPD_IDENTITY_H
#define PFHTTPD_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct conf;

struct identity {
	bool change;                 /* euid 0 and user set: children switch identity */
	uid_t uid; gid_t gid;        /* workers' and CGI scripts' identity */
	gid_t *groups; int ngroups;  /* their supplementary groups (getgrouplist), resolved once */
	uid_t keeper_uid; gid_t keeper_gid; /* the connection keeper's */
	const char *keeper_name;     /* the name it resolved to, for messages */
};

/* The keeper's user when keeper_user is not set: the first that exists. */
#define IDENTITY_KEEPER_DEFAULT  "pfhttpd"
#define IDENTITY_KEEPER_FALLBACK "nobody"

/*
 * Resolve conf's user, group and keeper_user as a process with effective
 * uid euid would use them. 0, or -1 with "FILE:LINE: key: message" in err.
 * With euid 0: user must be set (and not be uid 0) unless allow_root, in
 * which case nothing changes and everything runs as root. With any other
 * euid nothing changes (the ids stay the current ones), but a user, group
 * or keeper_user that is set must still exist, so -t catches a typo.
 * On success id owns memory: free it with identity_free().
 */
int identity_resolve(const struct conf *c, uid_t euid, struct identity *id,
		     char *err, size_t errlen);

void identity_free(struct identity *id);

/*
 * In a freshly forked child (still root): setgroups, setgid, setuid to the
 * workers' / keeper's identity, then verify that setuid(0) fails. No-op when
 * !id->change. 0, or -1 with errno set (EPERM if root could be regained).
 */
int identity_become_worker(const struct identity *id);
int identity_become_keeper(const struct identity *id);

#endif
