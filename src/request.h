/*
 * request — one request's life inside a connection: read the head, route it
 * (a CGI script or a static file), keep the connection in sync, log it.
 *
 * Contract: request_serve() handles exactly one request on c (whose input
 * buffer may already hold it, pipelined) and says whether the connection
 * can carry another. Handlers (static.c, cgi.c) receive a struct
 * request with the parsed head, the normalised path and the site settings,
 * and answer through http_resp. Per-worker buffers are allocated once in
 * request_ctx_init(), never per request.
 */
#ifndef PFHTTPD_REQUEST_H
#define PFHTTPD_REQUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "body.h"
#include "conn.h"
#include "http_parse.h"

struct conf;
struct conf_site;
struct conf_location;
struct conf_pathset;
struct mime_table;
struct sb_slot;
struct scoreboard;
struct vhost_table;

/* The settings that apply to one request: the one "which site is this" answer. */
struct site {
	const struct conf *conf;
	const struct mime_table *mime;
	int root_fd;                 /* document_root, O_PATH|O_DIRECTORY */
	int cgi_fd;                  /* cgi.directory, O_PATH|O_DIRECTORY, or -1 */
	const struct conf_site *cs;    /* this site's settings (the top level's or a vhost's) */
	const struct scoreboard *sb; /* the pool's shared state (status page), or NULL */
	/*
	 * Virtual hosts (issue 9). index: 0 the top level, 1 + i conf.vhosts[i]
	 * (log.h's site number). On the top level's site only: the generation's
	 * vhost sites [0, conf->nvhosts) and their lookup table (vhost.h), or
	 * NULL when there are none; request.c picks rq->site from them.
	 */
	size_t index;
	const struct site *vhosts;
	const struct vhost_table *vtab;
	/*
	 * A user directory's site (userdir.h): the site it was made from, whose
	 * error pages and file-cache entries it shares, and the URL prefix
	 * ("/~alice") its paths carry before the part below root_fd. NULL and
	 * 0 otherwise.
	 */
	const struct site *base;
	const char *url_prefix;
	size_t url_prefix_len;
};

#define REQUEST_MAX_REDIRECTS 10

struct request {
	struct conn *conn;
	const struct site *site;
	struct sb_slot *slot;        /* this worker's scoreboard slot, or NULL */
	unsigned redirects;          /* internal redirects so far (CGI local Location) */
	struct http_request hr;
	struct http_header *headers; /* conf limits.headers entries */
	char *path;                  /* normalised, decoded path, NUL-terminated */
	size_t path_len;
	struct body body;
	time_t when;
	const char *line;            /* the request line as received, for the access log */
	size_t line_len;
	int status;                  /* sent status, for the access log */
	uint64_t body_sent;          /* body bytes sent, for the access log */
	bool head_only;              /* HEAD: headers only */
	char *out;                   /* response head buffer */
	size_t out_len, out_cap;
	bool out_overflow;
	/* Error pages (http_error, request_error_page). */
	int error_pending;           /* a status whose configured page the router must serve */
	int error_status;            /* an error page script is answering this status */
	struct http_str orig_path, orig_query, orig_method; /* the request it answers (REDIRECT_*) */
	char *orig;                  /* their storage (request_ctx_init) */
	const char *auth_user;       /* Basic auth passed for this user (auth.c), else NULL */
	const struct conf_location *loc; /* the location the path matched (issue 10), or NULL */
	const struct conf_pathset *set;  /* loc's settings, or NULL: the site's; read through request_set() */
	int64_t start_us;            /* its first byte, CLOCK_MONOTONIC, when a format shows %D/%T (request_log.h) */
	/*
	 * The client (real_ip, realip.h): the connection's peer (after a PROXY
	 * header, if any), or the address a trusted proxy named for this request
	 * in real_ip.header. Per request: the next one on the connection starts
	 * from the peer again, since a proxy sends many clients' requests on one
	 * connection. REMOTE_ADDR, the access and error logs, access rules and
	 * status.allow read these, never conn->c_peer*.
	 */
	const char *client;          /* text: conn->c_peer or client_text */
	const struct sockaddr_storage *client_addr; /* &conn->c_peer_addr or &client_buf */
	int client_port;             /* the header's port, else the connection's (as Apache's mod_remoteip) */
	struct sockaddr_storage client_buf;
	char client_text[INET6_ADDRSTRLEN];
	/*
	 * Buffers last: request_reset clears the fields above and not these
	 * (8.4 KB, more than half a keep-alive 1 KB request's user-space
	 * instructions when cleared each time, callgrind), only their first byte.
	 */
	char error_extra[256];       /* an error page's extra header lines ("Allow: ...\r\n"), "" if none */
	char redirect_buf[8192];     /* the target of the last internal redirect */
	char auth_user_buf[256];     /* auth_user's storage: AUTH_USER_MAX + 1 */
};

struct request_ctx {
	struct request rq;
	struct sb_slot *slot;        /* this worker's scoreboard slot, or NULL */
	bool last;                   /* the worker will exit after this request */
	bool can_handoff;            /* a keeper can take this connection while it waits */
	struct http_header *headers;
	char *path;
	char *orig;
	char *out;
	size_t out_cap;
};

int request_ctx_init(struct request_ctx *x, const struct conf *conf);
void request_ctx_free(struct request_ctx *x);

/* What the connection does after request_serve(). */
enum request_next {
	REQUEST_CLOSE,               /* close it */
	REQUEST_NEXT,                /* it may carry another request */
	REQUEST_HANDOFF,             /* nothing to do now but wait: give it to the keeper
				        (c->c_deadline_ms says until when), nothing consumed */
};

/*
 * How long a worker waits for a request head before it hands the connection
 * to the keeper. A client that sends its requests back to back (keep-alive
 * benchmarks, pipelining, a browser fetching a page's assets) answers well
 * within it, so the fast path never leaves the worker; a client that only
 * waits costs the worker this much once per idle period. A new connection's
 * first request follows the handshake at once (it leaves the client with
 * the handshake's last packet), so its grace is shorter: 200 slowloris
 * connections opened together then cost the pool milliseconds, not a
 * quarter of a second.
 */
#define REQUEST_HANDOFF_GRACE_MS 10
#define REQUEST_FIRST_GRACE_MS 2

/*
 * Serve one request on c. first: no request yet on this connection (the
 * wait for its first byte uses timeouts.header, later ones timeouts.keepalive).
 * With x->can_handoff, a head that has not arrived within the grace, or a
 * complete head meant for a newer configuration generation, is not served
 * here: REQUEST_HANDOFF.
 */
/* The settings of rq's path: its location's, else its site's (conf_pathset in conf.h). */
const struct conf_pathset *request_set(const struct request *rq);

enum request_next request_serve(struct request_ctx *x, const struct site *site,
				struct conn *c, bool first);

/*
 * Read and drop the rest of the request body so the connection stays in
 * sync. 0, or a status (400, 408, 413); whenever the body is not read to
 * its end, the connection is marked to close, so a caller that answers
 * anyway need not do more.
 */
int request_discard_body(struct request *rq);

/*
 * Serve rq again for a local path (CGI local redirect, RFC 3875 6.2.2) as
 * a GET without a body. location: "/path[?query]", copied. 0 or -1.
 */
int request_redirect_local(struct request *rq, const char *location, size_t len);

/* The value of the first header named name, or NULL; *len set. */
const char *request_header(const struct request *rq, const char *name, size_t *len);

#endif
