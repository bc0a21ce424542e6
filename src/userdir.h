/*
 * userdir — "/~alice/..." served from alice's ~/public_html (Apache's
 * mod_userdir), her scripts run as alice.
 *
 * Contract: userdir_split() is pure: it says whether a normalised path is a
 * user directory path and cuts it into the user's name and the rest.
 * userdir_route() is the router's one step for it (in the worker, at
 * request time): it looks the user up (getpwnam_r) and, for a user that may
 * publish, makes the request's site one of its own, kept in this module's
 * one per-worker buffer (never allocated per request): the site it was made
 * from with root_fd and document_root = the user's directory, the URL
 * prefix "/~alice" that static and CGI lookups strip, cgi.alias
 * "/~alice/cgi-bin/" (its directory: cgi-bin/ below hers) and cgi.user,
 * cgi.group = alice and her primary group, so cgi.c and the suEXEC helper
 * run her scripts and her handlers' files as her. An unknown user, one
 * below userdir.min_uid, an excluded one and one without the directory all
 * get the very 404 a missing file gets (no account probing); the error log
 * says which at info level. userdir_done() gives the request back its own
 * site, so error pages are always the server's (a user cannot plant one),
 * and closes the user's directories. Access rules see the full URL path.
 */
#ifndef PFHTTPD_USERDIR_H
#define PFHTTPD_USERDIR_H

#include <stddef.h>

struct request;

/*
 * The longest user name taken: useradd(8)'s limit on Linux. A longer one is
 * not looked up at all.
 */
#define USERDIR_NAME_MAX 32

enum userdir_kind {
	USERDIR_NOT,    /* not "/~...": an ordinary path */
	USERDIR_BAD,    /* "/~", "/~/x", a name outside the portable set: 404 */
	USERDIR_USER,   /* "/~name/rest": name, and rest starting with '/' */
	USERDIR_BARE,   /* "/~name": the directory without its slash (a 301 once found) */
};

struct userdir_path {
	const char *name;            /* points into the path; not NUL-ended */
	size_t name_len;
	const char *rest;            /* "/..." for USERDIR_USER, "" for USERDIR_BARE */
	size_t rest_len;
};

/*
 * Split the normalised path[0..len). A name is 1..USERDIR_NAME_MAX bytes of
 * the POSIX portable user-name set [A-Za-z0-9._-], not starting with '-'
 * (POSIX.1-2017 3.437, as useradd(8) checks).
 */
enum userdir_kind userdir_split(const char *path, size_t len, struct userdir_path *out);

/* userdir_route()'s "not answered: route on with rq->site". */
#define USERDIR_ROUTE 1

/*
 * With userdir enabled and rq->path a user directory path: make rq->site
 * the user's and return USERDIR_ROUTE, or answer (404, as a missing file)
 * and return what http_error() did (0, or -1 when the connection was lost).
 * Any other request: USERDIR_ROUTE with rq->site its own.
 */
int userdir_route(struct request *rq);

/* Give rq back the site it was routed with, and close the user's directories. */
void userdir_done(struct request *rq);

#endif
