/*
 * cgi — running CGI/1.1 scripts (RFC 3875): which request is a script, the
 * script's process, and the response built from its output.
 *
 * Contract: cgi_resolve() decides from the normalised path whether a
 * request names a script: a file under cgi.directory reached through
 * cgi.alias, or a file under document_root whose name ends in a handler's
 * extension (run by its interpreter). cgi_serve() opens it once beneath its
 * directory, checks that descriptor (regular, executable, no set-ID bit,
 * not writable by others) and executes that same descriptor (execveat, in
 * a process started at vfork's cost: cgi_spawn), so no file swapped in
 * after the check runs. The script gets a clean
 * environment (cgi_env), argv[0] only (plus the script for an interpreter;
 * never the query string, CVE-2012-1823), its own process group, cwd = its
 * directory, the configured rlimits, and no inherited descriptor but its
 * three pipes (and, for a "#!" script, descriptor 3: its own file, which
 * the interpreter reads as /dev/fd/3). A small body already read with the
 * head is in the script's stdin before it starts. cgi_io pumps stdin,
 * stdout and stderr at once, so no script can deadlock the worker, and
 * every exit path reaps the script: no zombie survives a request.
 * A site with cgi.user runs its scripts through the setuid helper
 * pfhttpd-suexec (src/suexec_main.c) instead: the worker executes the
 * helper with the script's identity and place (struct cgi_target's run_*
 * fields), the helper checks and executes the script, and a refusal
 * answers 500 (cgi_io).
 */
#ifndef PFHTTPD_CGI_H
#define PFHTTPD_CGI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct conf_site;
struct request;

struct cgi_target {
	char script_name[PATH_MAX];  /* URL path of the script */
	char filename[PATH_MAX];     /* absolute file name */
	const char *interpreter;     /* NULL: execute the file itself */
	const char *path_info;       /* decoded extra path, points into rq->path; "" if none */
	bool nph;                    /* "nph-" script: output goes to the client untouched */
	/*
	 * The identity the script runs as (Per-site CGI identity, issue 9).
	 * run_user NULL: the worker's own, as always. Set: the worker executes
	 * the setuid helper pfhttpd-suexec (conf.suexec) instead, which checks
	 * the script against these and runs it as run_user (see man pfhttpd.8).
	 * cgi_resolve fills them from the site's cgi.user, cgi.group,
	 * cgi.min_uid and cgi.min_gid; a userdir script fills them with the
	 * home's owner. The strings are the configuration's (or the caller's),
	 * never copied; they must outlive the request.
	 */
	const char *run_user;        /* target user name; NULL: no identity switch */
	const char *run_group;       /* target group name; NULL: run_user's primary group */
	int64_t min_uid, min_gid;    /* the lowest ids the helper may switch to */
	const char *base_dir;        /* the script must lie below it: cgi.directory (alias
					scripts) or document_root (handler scripts); absolute,
					and filename starts with it */
};

#define CGI_NOT_SCRIPT 1

/*
 * 0 with t filled in when rq names a script, CGI_NOT_SCRIPT when it does
 * not (serve it as a file), or the status to answer (403, 404).
 */
int cgi_resolve(struct request *rq, struct cgi_target *t);

/* The handler interpreter for a file name, or NULL. */
const char *cgi_handler_for(const struct request *rq, const char *name);

/* What an error_pages path is (the router and -t ask). */
enum cgi_page {
	CGI_PAGE_FILE,     /* a document: send it */
	CGI_PAGE_SCRIPT,   /* under cgi.alias, or a handler's extension: run it */
	CGI_PAGE_SOURCE,   /* a script nothing here runs (CGI off, no handler for
			      ".php"...): never send it, its text is a program */
};

/* Classify path; *interp is the handler's interpreter for a handler script, else NULL. */
enum cgi_page cgi_page_kind(const struct conf_site *cs, const char *path, const char **interp);

/* rq names a directory whose index file, name, belongs to a handler ("index.php"): run it. */
int cgi_serve_index(struct request *rq, const char *name);

/* Run the script and answer rq from its output. 0, or -1 when the connection was lost. */
int cgi_serve(struct request *rq, const struct cgi_target *t);

#endif
