/*
 * conf_check — what would make a start or a reload fail, found before it does.
 *
 * Contract: conf_check() takes a struct conf that conf_load() accepted and
 * checks, as this process (its effective uid) would meet them, everything
 * conf_load() leaves to run time: the identities (identity.h), that the
 * error log, access log and pid file can be written (or created: their
 * directory exists and is writable), that each CGI interpreter is an
 * executable regular file, that cgi.directory is a directory, that every
 * error page is a regular file below document_root (or, under cgi.alias,
 * an executable one below cgi.directory), that mime_types loads, and,
 * when a site sets cgi.user, that its user and group exist above the
 * minimum ids and that the helper (conf.suexec) exists and only its owner
 * may write it. It only looks: it creates, opens for writing and changes
 * nothing, so -t is safe on a live server. The first problem ends the check with one
 * "FILE:LINE: key: message" (the line of the key, or "FILE: key: message"
 * for a default that has no line).
 */
#ifndef PFHTTPD_CONF_CHECK_H
#define PFHTTPD_CONF_CHECK_H

#include <stddef.h>
#include <stdio.h>

struct conf;

/* 0, or -1 with the message in err. */
int conf_check(const struct conf *c, char *err, size_t errlen);

/*
 * What -t tells beside errors, one "FILE:LINE: notice: ..." line each:
 * every error page that will be run as a script (as Apache's
 * ErrorDocument), and every one that names a script nothing here runs
 * (never sent; the built-in page answers); and a warning when a site sets
 * cgi.user but the helper is not setuid root.
 */
void conf_check_notices(const struct conf *c, FILE *out);

#endif
