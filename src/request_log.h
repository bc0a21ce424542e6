/*
 * request_log — one request's access-log line: the record log_access()
 * renders (log.h), filled with what the site's access_log_format shows
 * (logfmt.h) and no more, so the default Combined line costs what it
 * always did.
 *
 * Contract: request_log_start() notes the request's start (its first
 * byte) on a monotonic clock, only when some site's format shows the time
 * taken (%D, %T); request_log() writes the line once the request is
 * answered. The status logged is the one sent; a request that ended with
 * nothing sent (the client left, or the connection failed, before any
 * response) is logged as 499, nginx's "client closed request", never 0.
 *
 * %{X}e names a CGI variable: those pfhttpd computes for the request
 * (REMOTE_ADDR, REMOTE_PORT, REMOTE_USER, AUTH_TYPE, SERVER_NAME,
 * SERVER_PORT, SERVER_PROTOCOL, SERVER_SOFTWARE, REQUEST_METHOD,
 * REQUEST_URI, QUERY_STRING, DOCUMENT_ROOT) and the path's cgi_env
 * entries, with the values a script of this request got; any other name
 * is "-". %{X}o is read back from the response head that was sent.
 */
#ifndef PFHTTPD_REQUEST_LOG_H
#define PFHTTPD_REQUEST_LOG_H

struct request;

/* The status logged for a request that ended before any response was sent. */
#define REQUEST_LOG_NO_RESPONSE 499

void request_log_start(struct request *rq);
void request_log(const struct request *rq);

#endif
