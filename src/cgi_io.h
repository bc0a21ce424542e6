/*
 * cgi_io — the one poll() pump between a running script and the client.
 *
 * Contract: cgi_io_run() feeds the request body to the script's stdin,
 * reads its stdout and stderr, all at once, so neither side can block the
 * other (a script that never reads its input, or writes megabytes before
 * reading, still completes; unread input is discarded later). It parses the
 * script's header block (cgi_hdr), answers 502 when there is none, streams
 * the body as it arrives (the script's Content-Length, else chunked on
 * HTTP/1.1, else close-delimited), logs each stderr line with the script's
 * name, kills the script's process group after timeouts.cgi seconds in
 * which it neither wrote output nor took input, or after a total cap (504 if nothing was sent yet),
 * or as soon as the client closes its end of the connection while the script runs (POLLRDHUP),
 * and always reaps it.
 * A local Location is served internally (request_redirect_local).
 */
#ifndef PFHTTPD_CGI_IO_H
#define PFHTTPD_CGI_IO_H

#include <sys/types.h>

struct request;
struct cgi_target;

struct cgi_proc {
	pid_t pid;      /* also the process group */
	int in_fd;      /* script's stdin (write end), -1 when stdin is a file */
	int out_fd;     /* script's stdout (read end) */
	int err_fd;     /* script's stderr (read end) */
};

#define CGI_HEAD_MAX 65536 /* longest header block a script may print */

/* The total cap on a script's run time, as a multiple of timeouts.cgi. */
#define CGI_TOTAL_FACTOR 10

/* Allocate the worker's pump buffers, once; call before starting a script. 0, or -1 (no memory). */
int cgi_io_prepare(void);

/* Run the exchange; closes the proc's descriptors and reaps it. 0, or -1 when the connection was lost. */
int cgi_io_run(struct request *rq, const struct cgi_target *t, struct cgi_proc *p);

#endif
