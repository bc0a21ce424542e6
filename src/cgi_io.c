#include "cgi_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgi.h"
#include "cgi_hdr.h"
#include "conf.h"
#include "conn.h"
#include "http_resp.h"
#include "log.h"
#include "request.h"
#include "scoreboard.h"
#include "suexec_check.h"

#define CGI_MAX_FIELDS 100
#define CGI_BUF        65536
#define CGI_ERR_LINE   1024   /* a longer stderr line is logged in pieces */
#define CGI_KILL_GRACE 2000   /* ms between SIGTERM and SIGKILL */
#define CGI_STOP_GRACE 500    /* the same when the server stops at once: all gone within 2 s */
/*
 * How long a complete head waits for the script's first body bytes, so that
 * both leave in one segment: a shell script prints its header block, then
 * starts the program that prints its body (fork and exec: about a
 * millisecond), and one that ends with no body sends the head with the
 * last chunk. The head never waits longer, however slow the body.
 */
#define CGI_HEAD_HOLD  20     /* ms */

enum cgi_mode {
	CGI_M_HEAD,      /* reading the header block */
	CGI_M_LENGTH,    /* body framed by the script's Content-Length */
	CGI_M_CHUNKED,   /* body framed by us, chunked (HTTP/1.1) */
	CGI_M_CLOSE,     /* body ends when the connection closes (HTTP/1.0) */
	CGI_M_DISCARD,   /* no body may be sent (HEAD, 204, 304, local redirect) */
	CGI_M_RAW,       /* nph-: the script writes the whole response */
};

enum cgi_end {
	CGI_END_EOF = 0,  /* the script closed its stdout */
	CGI_END_BADHEAD,  /* no valid header block: 502 */
	CGI_END_TIMEOUT,  /* 504 */
	CGI_END_ABORT,    /* the client went away or the worker is stopping */
};

struct cgi_io {
	struct request *rq;
	const struct cgi_target *t;
	struct cgi_proc *p;
	enum cgi_mode mode;
	enum cgi_end end;
	bool sent;                    /* a response head was built for the client */
	bool head_pending;            /* ... and waits in rq->out to leave with the first body bytes */
	int64_t head_at;              /* when it was built (CGI_HEAD_HOLD) */
	int body_err;                 /* the status a failed body read gave, or 0 */
	int status;                   /* the script's wait status, once reaped */
	bool watch_client;            /* poll the client for POLLRDHUP (cgi_io_client_gone) */
	int64_t cl_left;              /* CGI_M_LENGTH: bytes still allowed */
	int64_t last_activity, start; /* conn_now_ms() */
	struct cgi_hdr_parser hp;
	struct cgi_response resp;
	struct http_header fields[CGI_MAX_FIELDS];
	char head[CGI_HEAD_MAX];
	size_t head_len;
	const char *in_ptr;           /* request body for stdin, in the connection's buffer */
	size_t in_len, in_off;
	char out[CGI_BUF];
	char err[CGI_ERR_LINE];
	size_t err_len;
};

/* One per worker, allocated by the first cgi_io_prepare(): no per-request allocation. */
static struct cgi_io *cgi_io_buf;

static void cgi_io_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * One stderr line, escaped like every other client- or script-controlled
 * text in the logs (log_escape): a PHP error_log() of a query parameter
 * must not forge or hide error-log lines, nor send escape sequences to the
 * terminal of whoever reads the log. A line longer than one piece goes out
 * in several, none cut inside an escape.
 */
static void cgi_io_log_line(struct cgi_io *io, const char *line, size_t len)
{
	char esc[CGI_ERR_LINE];

	do {
		size_t used, n = log_escape(esc, sizeof(esc), line, len, &used);

		log_error(LOG_ERR, "[client %s:%d] %s: %.*s", io->rq->client,
			  io->rq->client_port, io->t->script_name, (int)n, esc);
		line += used;
		len -= used;
	} while (len > 0);
}

/* Each line the script writes to stderr becomes an error-log line. */
static void cgi_io_stderr(struct cgi_io *io, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch == '\n') {
			if (io->err_len && io->err[io->err_len - 1] == '\r')
				io->err_len--;
			cgi_io_log_line(io, io->err, io->err_len);
			io->err_len = 0;
			continue;
		}
		if (io->err_len == sizeof(io->err)) {
			cgi_io_log_line(io, io->err, io->err_len);
			io->err_len = 0;
		}
		io->err[io->err_len++] = ch;
	}
}

/* Log what the script wrote to stderr. >0 read some, 0 nothing now, -1 closed. */
static int cgi_io_read_stderr(struct cgi_io *io)
{
	char buf[4096];
	ssize_t n = read(io->p->err_fd, buf, sizeof(buf));

	if (n > 0) {
		cgi_io_stderr(io, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (io->err_len)
		cgi_io_log_line(io, io->err, io->err_len);
	io->err_len = 0;
	cgi_io_close(&io->p->err_fd);
	return -1;
}

static int cgi_io_write(struct cgi_io *io, struct iovec *iov, int n)
{
	if (conn_writev(io->rq->conn, iov, n, io->rq->site->conf->timeouts.send) < 0) {
		io->end = CGI_END_ABORT;
		io->rq->conn->c_keepalive = false;
		return -1;
	}
	return 0;
}

/*
 * Send iov (n body bytes in k pieces), after the response head while it
 * is still pending: the head and the first body bytes leave in one write,
 * so a small answer is one segment and wakes the client once.
 */
static void cgi_io_send(struct cgi_io *io, const struct iovec *iov, int k, size_t n)
{
	struct iovec all[4];
	int m = 0;

	if (io->head_pending)
		all[m++] = (struct iovec){ io->rq->out, io->rq->out_len };
	for (int i = 0; i < k; i++)
		all[m++] = iov[i];
	if (m == 0)
		return;
	if (cgi_io_write(io, all, m) == 0) {
		io->head_pending = false;
		io->rq->body_sent += n;
	}
}

static void cgi_io_body(struct cgi_io *io, const char *data, size_t n)
{
	char size[24];
	struct iovec iov[3];
	int k = 0;

	/* Nothing to send with the head yet: it waits (CGI_HEAD_HOLD), unless no body may follow. */
	if (n == 0 && io->mode != CGI_M_DISCARD)
		return;
	/* No body may be sent (HEAD, 204, 304): the head alone. */
	if (io->mode == CGI_M_DISCARD)
		n = 0;
	if (io->mode == CGI_M_LENGTH) {
		/* More than the script announced would corrupt the framing: drop it. */
		if ((int64_t)n > io->cl_left)
			n = (size_t)io->cl_left;
		io->cl_left -= (int64_t)n;
	}
	if (n > 0 && io->mode == CGI_M_CHUNKED)
		iov[k++] = (struct iovec){ size, (size_t)snprintf(size, sizeof(size), "%zx\r\n", n) };
	if (n > 0)
		iov[k++] = (struct iovec){ (void *)data, n };
	if (n > 0 && io->mode == CGI_M_CHUNKED)
		iov[k++] = (struct iovec){ "\r\n", 2 };
	cgi_io_send(io, iov, k, n);
}

static bool cgi_io_skip_field(const struct http_header *h)
{
	/* Date and Server are the server's own (RFC 9110 6.6.1, 10.2.4). */
	return http_str_eq(h->name, "Date") || http_str_eq(h->name, "Server");
}

/* The script's header block is complete: decide the framing and send the head. */
static void cgi_io_start_response(struct cgi_io *io)
{
	struct request *rq = io->rq;
	const struct cgi_response *r = &io->resp;
	/* An error page script answers with the original status (request.c). */
	int status = rq->error_status ? cgi_hdr_error_status(r, rq->error_status) : r->status;
	bool body_allowed = status != 204 && status != 304;

	if (r->redirect == CGI_REDIRECT_LOCAL) {
		io->mode = CGI_M_DISCARD; /* answered after the script ends */
		return;
	}
	if (status == r->status)
		resp_start_reason(rq, status, r->reason.p, r->reason.len);
	else
		resp_start(rq, status);
	if (rq->error_status)
		resp_error_extra(rq); /* a 405's Allow, a 416's Content-Range */
	for (size_t i = 0; i < r->nfields; i++)
		if (!cgi_io_skip_field(&r->fields[i]))
			resp_field(rq, r->fields[i].name, r->fields[i].value);
	if (r->content_type.len)
		resp_header(rq, "Content-Type", "%.*s", (int)r->content_type.len, r->content_type.p);
	if (r->location.len)
		resp_header(rq, "Location", "%.*s", (int)r->location.len, r->location.p);
	if (!body_allowed) {
		io->mode = CGI_M_DISCARD;
		resp_end(rq, -1);
	} else if (rq->head_only) {
		io->mode = CGI_M_DISCARD;
		resp_end(rq, r->content_length);
	} else if (r->content_length >= 0) {
		io->mode = CGI_M_LENGTH;
		io->cl_left = r->content_length;
		resp_end(rq, r->content_length);
	} else if (rq->hr.minor >= 1) {
		io->mode = CGI_M_CHUNKED;
		resp_header(rq, "Transfer-Encoding", "chunked");
		resp_end(rq, -1);
	} else {
		io->mode = CGI_M_CLOSE;  /* HTTP/1.0: the end of the connection ends the body */
		rq->conn->c_keepalive = false;
		resp_end(rq, -1);
	}
	if (rq->out_overflow) {
		log_error(LOG_ERR, "CGI script %s: header fields too large to send", io->t->filename);
		io->end = CGI_END_BADHEAD;
		return;
	}
	io->sent = true;
	io->head_pending = true; /* leaves with the first body bytes (cgi_io_head) */
	io->head_at = conn_now_ms();
}

/* n more bytes of the header block arrived in io->head. */
static void cgi_io_head(struct cgi_io *io, size_t n)
{
	int r;

	io->head_len += n;
	r = cgi_hdr_parse(&io->hp, io->head, io->head_len, &io->resp);
	if (r == CGI_HDR_NEED_MORE && io->head_len == sizeof(io->head)) {
		log_error(LOG_ERR, "CGI script %s: header block longer than %d bytes",
			  io->t->filename, CGI_HEAD_MAX);
		io->end = CGI_END_BADHEAD;
		return;
	}
	if (r == CGI_HDR_NEED_MORE)
		return;
	if (r == CGI_HDR_ERROR) {
		log_error(LOG_ERR, "CGI script %s: malformed header: %s", io->t->filename,
			  io->resp.error ? io->resp.error : "?");
		io->end = CGI_END_BADHEAD;
		return;
	}
	cgi_io_start_response(io);
	if (io->end == CGI_END_EOF)
		cgi_io_body(io, io->head + io->resp.head_len, io->head_len - io->resp.head_len);
}

/* nph-: pass everything through; read the status only for the access log. */
static void cgi_io_raw(struct cgi_io *io, const char *data, size_t n)
{
	if (!io->sent) {
		io->sent = true;
		io->rq->status = 200;
		io->rq->conn->c_keepalive = false; /* we cannot know where its response ends */
		if (n >= 12 && memcmp(data, "HTTP/1.", 7) == 0 && data[8] == ' ')
			io->rq->status = atoi(data + 9);
	}
	cgi_io_body(io, data, n);
}

static void cgi_io_read_stdout(struct cgi_io *io)
{
	/* The header block is read in place, so its bytes are never copied or cut. */
	bool head = io->mode == CGI_M_HEAD;
	ssize_t n = head ? read(io->p->out_fd, io->head + io->head_len, sizeof(io->head) - io->head_len)
			 : read(io->p->out_fd, io->out, sizeof(io->out));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		cgi_io_close(&io->p->out_fd);
		return;
	}
	io->last_activity = conn_now_ms();
	if (head)
		cgi_io_head(io, (size_t)n);
	else if (io->mode == CGI_M_RAW)
		cgi_io_raw(io, io->out, (size_t)n);
	else
		cgi_io_body(io, io->out, (size_t)n);
}

/*
 * Take more request body for stdin without waiting; close stdin at its
 * end. The body goes to the script straight from the connection's buffer
 * (body_peek): no copy. Only a Content-Length body comes here; a chunked
 * one is spooled to a file first (cgi_spool_body), which is the script's stdin.
 */
static void cgi_io_refill(struct cgi_io *io)
{
	struct body *b = &io->rq->body;
	ssize_t n;

	if (io->p->in_fd < 0 || io->in_off < io->in_len)
		return;
	n = body_peek(b, &io->in_ptr, -1);
	if (n > 0) {
		io->in_len = (size_t)n;
		io->in_off = 0;
	} else if (n == 0) {
		cgi_io_close(&io->p->in_fd);
	} else if (n != BODY_AGAIN) {
		/* Cut short (the client went away), too slow (408) or too long (413). */
		io->end = CGI_END_ABORT;
		io->body_err = (int)-n;
		io->rq->conn->c_keepalive = false;
	}
}

static void cgi_io_write_stdin(struct cgi_io *io)
{
	ssize_t n = write(io->p->in_fd, io->in_ptr + io->in_off, io->in_len - io->in_off);

	if (n > 0) {
		io->in_off += (size_t)n;
		body_consume(&io->rq->body, (size_t)n);
		io->last_activity = conn_now_ms();
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/* The script stopped reading (EPIPE): the rest of the body is discarded later. */
		cgi_io_close(&io->p->in_fd);
	}
}

static int64_t cgi_io_time_left(const struct cgi_io *io)
{
	int64_t idle = io->rq->site->conf->timeouts.cgi * 1000LL;
	int64_t now = conn_now_ms();
	int64_t a = io->last_activity + idle - now;
	int64_t b = io->start + idle * CGI_TOTAL_FACTOR - now;

	return a < b ? a : b;
}

/*
 * The client's end of the connection changed while the script runs: if the
 * client has gone, stop the script now rather than when its next write
 * fails, which for a silent script may be never (an abandoned PHP page that
 * keeps burning CPU). POLLHUP or POLLERR: the connection is dead. POLLRDHUP
 * alone: the client shut down its sending side; with nothing left to read
 * that is an abort, as nginx takes it (proxy_ignore_client_abort off: 499,
 * ngx_http_upstream_check_broken_connection peeks the same way). A client
 * that half-closes after pipelining more requests has bytes waiting: it
 * still wants its answers, so we stop watching instead. true: gone.
 */
static bool cgi_io_client_gone(struct cgi_io *io, short revents)
{
	struct conn *c = io->rq->conn;
	ssize_t n;
	char b;

	if (revents & (POLLHUP | POLLERR))
		goto gone;
	if (c->c_in_len > c->c_in_pos)
		goto stays; /* pipelined bytes already read */
	n = recv(c->c_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		goto gone;
stays:
	io->watch_client = false; /* POLLRDHUP stays set: polling it again would spin */
	return false;
gone:
	log_error(LOG_ERR, "[client %s:%d] CGI script %s: the client closed the connection, "
		  "script stopped", io->rq->client, io->rq->client_port, io->t->filename);
	io->end = CGI_END_ABORT;
	c->c_keepalive = false;
	return true;
}

/*
 * A pending head whose hold is over leaves alone; otherwise the next wait
 * (*ms) ends no later than the hold does. -1: the client is gone.
 */
static int cgi_io_hold(struct cgi_io *io, int64_t *ms)
{
	int64_t held;

	if (!io->head_pending)
		return 0;
	held = conn_now_ms() - io->head_at;
	if (held < CGI_HEAD_HOLD) {
		if (*ms > CGI_HEAD_HOLD - held)
			*ms = CGI_HEAD_HOLD - held;
		return 0;
	}
	cgi_io_send(io, NULL, 0, 0);
	return io->end == CGI_END_EOF ? 0 : -1;
}

static void cgi_io_pump(struct cgi_io *io)
{
	struct cgi_proc *p = io->p;

	while (p->out_fd >= 0 && io->end == CGI_END_EOF) {
		struct pollfd pfd[4];
		int n = 0, iout, ierr = -1, iin = -1, icl = -1;
		int64_t left;

		cgi_io_refill(io);
		if (io->end != CGI_END_EOF)
			break;
		iout = n;
		pfd[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
		if (p->err_fd >= 0) {
			ierr = n;
			pfd[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
		}
		if (p->in_fd >= 0 && io->in_off < io->in_len) {
			iin = n;
			pfd[n++] = (struct pollfd){ .fd = p->in_fd, .events = POLLOUT };
		} else if (p->in_fd >= 0) {
			/* Waiting for more of the request body from the client. */
			pfd[n++] = (struct pollfd){ .fd = io->rq->conn->c_fd, .events = POLLIN };
		} else if (io->watch_client) {
			/* The body is in: only the client's end of the connection matters now. */
			icl = n;
			pfd[n++] = (struct pollfd){ .fd = io->rq->conn->c_fd, .events = POLLRDHUP };
		}
		left = cgi_io_time_left(io);
		if (left <= 0) {
			io->end = CGI_END_TIMEOUT;
			break;
		}
		if (left > 1000)
			left = 1000;
		if (cgi_io_hold(io, &left) < 0)
			break;
		if (conn_poll(pfd, (nfds_t)n, (int)left) < 0 && errno != EINTR) {
			log_error(LOG_ERR, "poll: %s", strerror(errno));
			io->end = CGI_END_ABORT;
			break;
		}
		if (conn_stopping) {
			io->end = CGI_END_ABORT;
			break;
		}
		if (icl >= 0 && pfd[icl].revents && cgi_io_client_gone(io, pfd[icl].revents))
			break;
		if (iin >= 0 && pfd[iin].revents)
			cgi_io_write_stdin(io);
		if (ierr >= 0 && pfd[ierr].revents)
			cgi_io_read_stderr(io);
		if (pfd[iout].revents)
			cgi_io_read_stdout(io);
	}
}

/* Wait until the script exits or deadline (ms) passes, logging its stderr meanwhile. 1 exited. */
static int cgi_io_wait(struct cgi_io *io, int64_t deadline, int *status)
{
	for (;;) {
		pid_t r = waitpid(io->p->pid, status, WNOHANG);
		if (r == io->p->pid || (r < 0 && errno == ECHILD))
			return 1;
		if (conn_now_ms() >= deadline)
			return 0;
		if (io->p->err_fd >= 0) {
			struct pollfd pfd = { .fd = io->p->err_fd, .events = POLLIN };
			if (conn_poll(&pfd, 1, 50) > 0)
				cgi_io_read_stderr(io);
		} else {
			conn_poll(NULL, 0, 50);
		}
	}
}

/*
 * End the script: let it exit on its own after a clean end of output,
 * otherwise SIGTERM then SIGKILL to its whole process group; always reap it,
 * and kill whatever it left running in its group.
 */
static void cgi_io_reap(struct cgi_io *io)
{
	struct cgi_proc *p = io->p;
	int status = 0;
	bool exited = false;

	cgi_io_close(&p->in_fd);
	cgi_io_close(&p->out_fd);
	if (io->end == CGI_END_EOF) {
		int64_t left = cgi_io_time_left(io);
		exited = cgi_io_wait(io, conn_now_ms() + (left > 0 ? left : 0), &status);
	}
	if (!exited) {
		kill(-p->pid, SIGTERM);
		exited = cgi_io_wait(io, conn_now_ms() +
				     (conn_stopping ? CGI_STOP_GRACE : CGI_KILL_GRACE), &status);
	}
	if (!exited) {
		kill(-p->pid, SIGKILL);
		while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	kill(-p->pid, SIGKILL); /* stragglers in its group; ESRCH when there are none */
	/* What is in the pipe now; a process outside the group may hold it open forever. */
	for (int i = 0; i < 64 && p->err_fd >= 0; i++)
		if (cgi_io_read_stderr(io) <= 0)
			break;
	if (io->err_len)
		cgi_io_log_line(io, io->err, io->err_len);
	cgi_io_close(&p->err_fd);
	io->status = status;
	if (io->end == CGI_END_TIMEOUT)
		log_error(LOG_ERR, "CGI script %s: no output for %d s, killed", io->t->filename,
			  io->rq->site->conf->timeouts.cgi);
	else if (WIFSIGNALED(status) && io->end == CGI_END_EOF)
		log_error(LOG_ERR, "CGI script %s: killed by signal %d (%s)", io->t->filename,
			  WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/*
 * pfhttpd-suexec ran instead of the script and refused it (or could not
 * switch to its user): it exited with one of its own codes and wrote
 * nothing on stdout. Its reason, "pfhttpd-suexec: CHECK: ...", came on
 * stderr and is logged already; the server's fault, not the script's: 500.
 */
static bool cgi_io_suexec_refused(const struct cgi_io *io)
{
	int code = WIFEXITED(io->status) ? WEXITSTATUS(io->status) : -1;

	return io->t->run_user && io->end == CGI_END_EOF && !io->sent && io->head_len == 0 &&
	       (code == SUEXEC_EXIT_REFUSED || code == SUEXEC_EXIT_FAILED);
}

static int cgi_io_answer(struct cgi_io *io)
{
	struct request *rq = io->rq;

	if (cgi_io_suexec_refused(io)) {
		log_error(LOG_ERR, "CGI script %s: pfhttpd-suexec refused to run it as %s "
			  "(exit %d; the check is named on the line above)", io->t->filename,
			  io->t->run_user, WEXITSTATUS(io->status));
		return http_error(rq, 500, NULL, "pfhttpd-suexec refused the script");
	}

	if (io->end == CGI_END_EOF && io->mode == CGI_M_HEAD) {
		log_error(LOG_ERR, "CGI script %s: ended before its header block was complete",
			  io->t->filename);
		io->end = CGI_END_BADHEAD;
	}

	switch (io->end) {
	case CGI_END_ABORT:
		rq->conn->c_keepalive = false;
		/* A body that failed before the script answered still gets its status
		 * (408 for a client below limits.min_body_rate); a client that is
		 * gone simply does not read it. */
		if (io->body_err && !io->sent)
			return http_error(rq, io->body_err, NULL, "request body not received");
		if (io->sent && !io->head_pending)
			return -1; /* the status went out with the head: the log shows it */
		/*
		 * Nothing reached the wire (no head yet, or one still waiting for
		 * the first body bytes): the log must not show a status never
		 * sent. A fast stop answers 503 (RFC 9110 15.6.4: the server is
		 * unable to handle the request now), as a worker that still has
		 * the connection can; a client that left gets nothing, and the
		 * log shows 499 (request_log.h).
		 */
		rq->status = 0;
		if (conn_stopping)
			return http_error(rq, 503, NULL, "the server is stopping (fast stop)");
		return -1;
	case CGI_END_TIMEOUT:
		if (!io->sent)
			return http_error(rq, 504, NULL, "CGI script timed out");
		rq->conn->c_keepalive = false; /* the response cannot be completed */
		return -1;
	case CGI_END_BADHEAD:
		return http_error(rq, 502, NULL, "CGI script sent no valid header");
	case CGI_END_EOF:
		break;
	}
	if (io->resp.redirect == CGI_REDIRECT_LOCAL && !io->sent)
		return request_redirect_local(rq, io->resp.location.p, io->resp.location.len);
	if (io->mode == CGI_M_CHUNKED) {
		struct iovec end = { "0\r\n\r\n", 5 };
		/* With the head, if it still waits: a script that printed no body. */
		cgi_io_send(io, &end, 1, 0);
		return io->end == CGI_END_EOF ? 0 : -1;
	}
	cgi_io_send(io, NULL, 0, 0); /* a head still waiting, framed by Content-Length or the close */
	if (io->end != CGI_END_EOF)
		return -1;
	if (io->mode == CGI_M_LENGTH && io->cl_left > 0) {
		/* The script sent less than it announced: the client must see the truncation. */
		log_error(LOG_ERR, "CGI script %s: %lld bytes short of its Content-Length",
			  io->t->filename, (long long)io->cl_left);
		rq->conn->c_keepalive = false;
	}
	return 0;
}

int cgi_io_prepare(void)
{
	if (!cgi_io_buf)
		cgi_io_buf = malloc(sizeof(*cgi_io_buf));
	return cgi_io_buf ? 0 : -1;
}

int cgi_io_run(struct request *rq, const struct cgi_target *t, struct cgi_proc *p)
{
	struct cgi_io *io = cgi_io_buf;

	if (rq->slot)
		rq->slot->state = SB_CGI;
	/*
	 * All three non-blocking: a grandchild that escaped the process group
	 * may keep a pipe open forever, and no read or write may wait on it.
	 */
	if ((p->in_fd >= 0 && fcntl(p->in_fd, F_SETFL, O_NONBLOCK) < 0) ||
	    fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(p->err_fd, F_SETFL, O_NONBLOCK) < 0)
		log_error(LOG_ERR, "fcntl: %s", strerror(errno));
	io->rq = rq;
	io->t = t;
	io->p = p;
	io->mode = t->nph ? CGI_M_RAW : CGI_M_HEAD;
	io->end = CGI_END_EOF;
	io->body_err = 0;
	io->sent = false;
	io->head_pending = false;
	io->watch_client = true;
	io->head_len = io->in_len = io->in_off = io->err_len = 0;
	io->start = io->last_activity = conn_now_ms();
	cgi_hdr_init(&io->hp, sizeof(io->head), CGI_MAX_FIELDS, &io->resp, io->fields);
	cgi_io_pump(io);
	cgi_io_reap(io);
	return cgi_io_answer(io);
}
