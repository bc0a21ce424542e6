/*
 * static — serving files from document_root: index files, the directory
 * redirect, conditional requests, single byte ranges, sendfile, and a
 * file's precompressed variants (file.br, file.gz: precompressed = true,
 * accept_enc.h chooses), which are opened like any file.
 *
 * Contract: every name the server resolves on a client's behalf (a file to
 * send, an error page, a CGI script to run) goes through
 * static_open_beneath(), which refuses any path (symlinks included) that
 * would leave its directory. A script is then executed by its name, so a
 * local user able to swap it between the check and execve() could race it;
 * serving files has no such window. A directory without an index file
 * is listed only where autoindex is on (autoindex.h), else refused (403).
 * Query strings play no part in choosing a file.
 */
#ifndef PFHTTPD_STATIC_H
#define PFHTTPD_STATIC_H

struct request;
struct site;

/*
 * Open rel (relative to document_root, no leading '/'; "" is the root
 * itself) so that no component, symlinks included, can resolve outside it.
 * Returns an fd (O_CLOEXEC) or -1 with errno (EXDEV/ELOOP for an escape).
 */
int static_open(const struct site *s, const char *rel, int flags);

/*
 * rq->path below its site's root: without the site's URL prefix (a user
 * directory's "/~alice", userdir.h) and the '/' after it; "" for the root.
 */
const char *static_rel(const struct request *rq);

/* The same below any directory: dirfd (O_PATH is enough) and its absolute name dir. */
int static_open_beneath(int dirfd, const char *dir, const char *rel, int flags);

/* Answer rq from the file system. 0, or -1 when the connection was lost. */
int static_serve(struct request *rq);

/*
 * The methods a read-only resource answers (RFC 9110 9.3: GET, HEAD,
 * OPTIONS; 405 with Allow for the rest). STATIC_READ_GO for GET or HEAD,
 * once a request body was discarded: the caller sends the resource;
 * otherwise the answer was sent here and its result (0, -1) is returned.
 * what names the resource in the 405's log line.
 */
#define STATIC_READ_GO 1
int static_read_method(struct request *rq, const char *what);

#endif
