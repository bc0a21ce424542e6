/*
 * suexec_check — the rules pfhttpd-suexec applies before it runs a script
 * as another user (Apache's support/suexec.c rules, our own code).
 *
 * Contract: pure functions over facts the helper (suexec_main.c) has
 * already gathered: the target's passwd and group entries, the struct stat
 * of the script, of its directory and of an interpreter, real paths. No
 * I/O, no allocation. Each check returns the name of the first rule that
 * fails, a short fixed string (SUEXEC_C_*), or NULL when all hold; the
 * helper prints that name as "pfhttpd-suexec: NAME: details" and exits
 * with SUEXEC_EXIT_REFUSED, and the worker answers 500.
 * suexec_env_filter() is the environment the script gets: the CGI
 * meta-variables, HTTP_* and REDIRECT_*, the administrator's variables
 * (any name but the denied ones: LD_*, BASH_FUNC_*, IFS...), and the
 * helper's own PATH.
 */
#ifndef PFHTTPD_SUEXEC_CHECK_H
#define PFHTTPD_SUEXEC_CHECK_H

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * The helper's exit codes, which the worker (cgi_io.c) turns into a 500
 * when the helper wrote nothing on stdout. Apache's suexec exits 101..126
 * (one per check); one code per kind is enough here, since the check's
 * name is on the error-log line the helper writes.
 */
#define SUEXEC_EXIT_REFUSED 126  /* a check failed: the script did not run */
#define SUEXEC_EXIT_FAILED  127  /* the helper could not do its job (usage, not setuid root, exec) */

/* The check names, as they appear in the error log. */
#define SUEXEC_C_USER            "user"            /* no such target user */
#define SUEXEC_C_GROUP           "group"           /* no such target group */
#define SUEXEC_C_UID             "uid"             /* 0, below min_uid, or the server's own */
#define SUEXEC_C_GID             "gid"             /* 0, below min_gid, or the server's own */
#define SUEXEC_C_COMMAND         "command"         /* empty, absolute, or with a ".." segment */
#define SUEXEC_C_BENEATH         "beneath"         /* not below the base directory */
#define SUEXEC_C_OPEN            "open"            /* the base, directory or script cannot be opened */
#define SUEXEC_C_DIR_TYPE        "dir-type"        /* the script's directory is not one */
#define SUEXEC_C_DIR_WRITABLE    "dir-writable"    /* writable by group or others */
#define SUEXEC_C_DIR_OWNER       "dir-owner"       /* not owned by the target user */
#define SUEXEC_C_SCRIPT_TYPE     "script-type"     /* not a regular file (a symlink, a FIFO...) */
#define SUEXEC_C_SCRIPT_SETID    "script-setid"    /* set-user-ID or set-group-ID */
#define SUEXEC_C_SCRIPT_WRITABLE "script-writable" /* writable by group or others */
#define SUEXEC_C_SCRIPT_OWNER    "script-owner"    /* not owned by the target user */
#define SUEXEC_C_SCRIPT_EXEC     "script-exec"     /* not executable by its owner */
#define SUEXEC_C_INTERPRETER     "interpreter"     /* not absolute, or not a root-owned program */

/*
 * The compiled floor below which no min_uid/min_gid from the command line
 * can go: the helper's argv comes from the worker, and a worker taken over
 * must not run programs as a system account (Apache compiles AP_UID_MIN
 * in for the same reason). Debian gives ids below 100 to the system
 * (www-data is 33); the Makefile may set it higher.
 */
#ifndef PFHTTPD_SUEXEC_MIN_ID
#define PFHTTPD_SUEXEC_MIN_ID 100
#endif

/* Where the worker finds the helper when conf.suexec is not set (the Makefile's, from PREFIX). */
#ifndef PFHTTPD_SUEXEC
#define PFHTTPD_SUEXEC "/usr/local/lib/pfhttpd/pfhttpd-suexec"
#endif

/* The PATH every script gets, whatever the worker passed (Apache's AP_SAFE_PATH). */
#ifndef PFHTTPD_SUEXEC_PATH
#define PFHTTPD_SUEXEC_PATH "/usr/local/bin:/usr/bin:/bin"
#endif

/*
 * The target identity: pw and gr as looked up (NULL: unknown). The
 * effective minimum is the larger of min and PFHTTPD_SUEXEC_MIN_ID, and
 * id 0 is refused whatever it says. caller_uid/caller_gid are the helper's
 * real ids, the server's user: a script never runs as the server itself.
 */
const char *suexec_check_identity(const struct passwd *pw, const struct group *gr,
				  int64_t min_uid, int64_t min_gid,
				  uid_t caller_uid, gid_t caller_gid);

/* The command, relative to the base directory: not empty, not absolute, no ".." segment. */
const char *suexec_check_command(const char *cmd);

/* dir (a real path) is base (a real path) or below it. */
const char *suexec_check_beneath(const char *base, const char *dir);

/* The script's directory: a directory owned by uid that only its owner may write. */
const char *suexec_check_dir(const struct stat *st, uid_t uid);

/*
 * The script: a regular file, no set-ID bit, owned by uid, writable by its
 * owner only, and (when it runs itself, not through an interpreter)
 * executable by its owner.
 */
const char *suexec_check_script(const struct stat *st, uid_t uid, bool runs_itself);

/*
 * A handler's interpreter (".php" -> /usr/bin/php-cgi), named by absolute
 * path: a regular file owned by root, executable, writable by nobody else,
 * no set-ID bit. The worker names it, so a program anyone but root could
 * change must not become what every site's scripts run through.
 */
const char *suexec_check_interpreter(const char *path, const struct stat *st);

/*
 * Whether the environment entry "NAME=value" may reach the script: the
 * names in suexec_env_names (RFC 3875 4.1 and what cgi_env.c sets),
 * HTTP_* (but HTTP_PROXY, httpoxy) and REDIRECT_*, and any other name
 * of the form [A-Za-z_][A-Za-z0-9_]* outside the server's families
 * (REMOTE_*, SERVER_*, PFHTTPD_*: only the names listed) that
 * suexec_env_denied() does not refuse (the administrator's cgi_env and
 * pass_env variables). Never PATH: the filter sets its own.
 */
bool suexec_env_allowed(const char *entry);

/*
 * Whether name[0..len) steers the dynamic linker, libc, a shell or an
 * interpreter (LD_*, GLIBC_TUNABLES, BASH_ENV, BASH_FUNC_*, IFS, PERL*,
 * PYTHON*, PHPRC, ...) or is PATH: never passed to a script run as
 * another user, and refused by the configuration in cgi_env and pass_env.
 */
bool suexec_env_denied(const char *name, size_t len);

/*
 * Copies the allowed entries of in (NULL-terminated) into out, in order,
 * preceded by "PATH=" PFHTTPD_SUEXEC_PATH, and ends out with NULL. out has
 * room for cap pointers; cap >= (entries in in) + 2 always suffices.
 * Returns how many entries out holds (PATH included), or -1 when cap is
 * too small (nothing is cut silently).
 */
long suexec_env_filter(char *const *in, const char **out, size_t cap);

/* The exact names allowed, NULL-terminated (the unit suite checks cgi_env's output against it). */
extern const char *const suexec_env_names[];

#endif
