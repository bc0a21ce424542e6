/*
 * check_chaos — twenty seconds of everything at once (issue 7): normal
 * clients (keep-alive and not; GET, HEAD and ranges of files up to 1 MiB,
 * CGI POSTs up to 1 MiB with a Content-Length, chunked or with Expect:
 * 100-continue, a POST and a GET pipelined; every byte checked),
 * slowloris clients, clients that send random bytes, clients that go away
 * mid-request and mid-response, a SIGHUP every 3 s and a worker killed with
 * SIGKILL every 3 s.
 *
 * Pass: no normal client sees a failed or corrupted answer, except a
 * connection that broke (EOF or reset) while a worker was being killed, and
 * no more of those than kills (a worker serves one connection at a time);
 * master and keeper keep their PIDs; their descriptors and memory do not
 * grow; no zombie or stray script is left; garbage never gets a server
 * fault (500); every 4xx/5xx a client received has its error-log line
 * ("[client 127.0.0.1:PORT] STATUS"); no sanitizer report (make SAN=1).
 *
 * The clients are forked processes (PR_SET_PDEATHSIG, every wait bounded);
 * they report through one shared anonymous mapping, and only the test
 * process judges and asserts. Set PFHTTPD_CHAOS_VERBOSE=1 for a summary.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define CHAOS_MS      20000   /* the whole storm */
#define WARM_MS       3000    /* memory is sampled here, to compare with the end */
#define HUP_FIRST_MS  1000    /* the first SIGHUP... */
#define KILL_FIRST_MS 2500    /* ...and SIGKILL to a worker... */
#define EVERY_MS      3000    /* ...and the next ones this often */
#define REQ_MS        15000   /* one normal exchange, however loaded the machine */
#define KEEPALIVE_MS  2000    /* timeouts.keepalive */
#define CLOSE_MS      5000    /* the server closes after "Connection: close" */
#define REJECT_MS     8000    /* a garbage client waits this long for its answer */
#define NNORMAL       6       /* normal clients, half of them keep-alive */
#define NRANDOM       2       /* random-bytes clients */
#define NDROP         2       /* clients that go away early */
#define NSLOW         40      /* connections the slowloris process holds */
#define BIG           (1024 * 1024 + 11)
#define MAX_FAILS     512
#define MAX_KILLS     64
#define MAX_REJ       16384
#define FD_MARGIN     2       /* descriptors master or keeper may gain */
#define RSS_MARGIN_KB 512     /* resident memory they may gain (malloc arenas, page rounding) */

/* ASan's quarantine keeps freed memory resident: there VmRSS says nothing, LeakSanitizer does. */
#ifdef __SANITIZE_ADDRESS__
#define RSS_CHECKED   false
#else
#define RSS_CHECKED   true
#endif

/* The static files, each with its own pseudo-random bytes. */
static const size_t file_sizes[] = { 0, 1, 1000, 16384, 65537, 300001, BIG };
static unsigned char *file_data[N(file_sizes)];
/* The CGI POST body sizes. */
static const size_t post_sizes[] = { 0, 1, 777, 65536, 200003, BIG };

static struct hs_server srv;

/* ------------------------------------------------------------------------ */
/* What the clients report (one MAP_SHARED page range, indices taken atomically). */

enum fail_kind { F_CONNECT, F_EOF, F_TIMEOUT, F_CORRUPT, F_NOCLOSE };
static const char *const fail_names[] = { "connect", "EOF/reset", "timeout", "corrupt", "no close" };

struct fail {
	long long t0, t1;            /* the connection was the server's from t0; failure seen at t1 */
	long long rest, sent;        /* the previous answer was read; this request started */
	bool reused;                 /* on a kept-alive connection */
	int kind;
	size_t got;                  /* response bytes received */
	char what[200];
};

struct kill_rec { long long t0, t1; pid_t pid; };
struct rej { int port, status; };

struct shared {
	volatile int stop;
	int nfails, nkills, nrej;
	long ok_get, ok_get_big, ok_head, ok_range, ok_post, ok_post_big, ok_chunked, ok_pipelined, ok_reused;
	long slow_408, slow_silent, random_answered, random_silent, drops;
	long statuses[600];          /* what the slowloris and random clients were answered */
	struct fail fails[MAX_FAILS];
	struct kill_rec kills[MAX_KILLS];
	struct rej rej[MAX_REJ];
};

static struct shared *sh;

static int take(int *counter, int max)
{
	int i = __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);

	return i < max ? i : -1;
}

static void bump(long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
}

/* One normal connection's story so far. */
struct story {
	int fd;
	bool keepalive, reused;
	long long since;             /* the server has held the connection since (at most) */
	long long rest;              /* the previous answer was read */
};

static void record_fail(int kind, const struct story *st, long long sent, size_t got,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void record_fail(int kind, const struct story *st, long long sent, size_t got,
			const char *fmt, ...)
{
	int i = take(&sh->nfails, MAX_FAILS);
	va_list ap;

	if (i < 0)
		return;
	sh->fails[i].t0 = st->since;
	sh->fails[i].t1 = hs_now_ms();
	sh->fails[i].rest = st->rest;
	sh->fails[i].sent = sent;
	sh->fails[i].reused = st->reused;
	sh->fails[i].kind = kind;
	sh->fails[i].got = got;
	va_start(ap, fmt);
	vsnprintf(sh->fails[i].what, sizeof sh->fails[i].what, fmt, ap);
	va_end(ap);
}

static void record_rejection(int port, int status)
{
	int i = take(&sh->nrej, MAX_REJ);

	if (status >= 100 && status < 600)
		bump(&sh->statuses[status]);

	if (i >= 0) {
		sh->rej[i].port = port;
		sh->rej[i].status = status;
	}
}

/* ------------------------------------------------------------------------ */
/* Small tools. */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill_random(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;

	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		p[i] = (unsigned char)(x >> (8 * (i % 8)));
	}
}

static long long since(long long t0)
{
	return hs_now_ms() - t0;
}

/* A non-blocking TCP connection to the server, bounded; fd or -1. */
static int chaos_connect(int timeout_ms, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t elen = sizeof err;

	if (fd == -1)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)srv.port);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == -1 &&
	    (errno != EINPROGRESS || poll(&p, 1, timeout_ms) != 1 ||
	     getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 || err != 0)) {
		close(fd);
		return -1;
	}
	if (port != NULL) {
		*port = 0;
		if (getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
			*port = ntohs(a.sin_port);
	}
	return fd;
}

/* Close with a reset instead of a FIN (SO_LINGER 0). */
static void close_rst(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

/* Wait for EOF: 1 EOF or reset, 0 timeout, -1 bytes arrived instead. */
static int wait_eof(int fd, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - hs_now_ms();
		char b[512];
		ssize_t n;

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(fd, b, sizeof b, 0);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 1;
		if (n > 0)
			return -1;
	}
}

/* ------------------------------------------------------------------------ */
/* A response checker fed as bytes arrive: status 200, exact framing, every byte. */

enum rp_state { RP_HEAD, RP_BODY, RP_EOFBODY, RP_CSIZE, RP_CDATA, RP_CCRLF, RP_TRAILER, RP_DONE, RP_ERR };

/* What one answer must be: its status and exactly these body bytes (none sent for HEAD). */
struct want { int status; const unsigned char *body; size_t len; bool head_only; };

struct rparse {
	enum rp_state state;
	struct want w;
	size_t pos;                  /* body bytes checked so far */
	uint64_t left;               /* of the Content-Length or of the chunk */
	bool chunked, close;
	int status;
	char line[8192];
	size_t llen;
	char err[160];
};

static void rp_init(struct rparse *r, const struct want *w)
{
	memset(r, 0, sizeof *r);
	r->state = RP_HEAD;
	r->w = *w;
}

/* The response is wrong: say why, and stop. Returns -1. */
static int rp_fail(struct rparse *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int rp_fail(struct rparse *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	r->state = RP_ERR;
	return -1;
}

/* The value of field name in a complete head (CRLF lines), into out; false when absent. */
static bool rp_field(const char *head, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l != NULL; l = strstr(l + 2, "\r\n")) {
		const char *v = l + 2, *e;

		if (strncasecmp(v, name, nl) != 0 || v[nl] != ':')
			continue;
		v += nl + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = strstr(v, "\r\n");
		snprintf(out, cap, "%.*s", (int)(e - v), v);
		return true;
	}
	return false;
}

/* The head is complete: check the status and learn the framing. 0 or -1. */
static int rp_head_done(struct rparse *r)
{
	char v[256], *e;

	r->line[r->llen] = '\0';
	if (strncmp(r->line, "HTTP/1.1 ", 9) != 0 || sscanf(r->line + 9, "%3d", &r->status) != 1)
		return rp_fail(r, "bad status line: %.60s", r->line);
	if (r->status == 100) {  /* RFC 9110 15.2.1: an interim answer to Expect; the real one follows */
		r->llen = 0;
		return 0;
	}
	if (r->status != r->w.status)
		return rp_fail(r, "status %d, want %d: %.80s", r->status, r->w.status, r->line);
	r->close = rp_field(r->line, "Connection", v, sizeof v) && strcasestr(v, "close") != NULL;
	r->chunked = rp_field(r->line, "Transfer-Encoding", v, sizeof v);
	if (r->chunked && strcasecmp(v, "chunked") != 0)
		return rp_fail(r, "Transfer-Encoding: %s", v);
	if (rp_field(r->line, "Content-Length", v, sizeof v)) {
		r->left = strtoull(v, &e, 10);
		if (r->chunked || e == v || *e != '\0' || r->left != r->w.len)
			return rp_fail(r, "Content-Length: %s, want %zu%s", v, r->w.len,
				       r->chunked ? " (and chunked)" : "");
		r->state = r->w.head_only || r->left == 0 ? RP_DONE : RP_BODY;
	} else if (r->w.head_only) {
		r->state = RP_DONE;
	} else {
		r->state = r->chunked ? RP_CSIZE : RP_EOFBODY;
	}
	r->llen = 0;
	return 0;
}

/* Body bytes: compare them with what is expected at pos. */
static size_t rp_body(struct rparse *r, const char *p, size_t n, bool bounded)
{
	size_t k = bounded && n > r->left ? (size_t)r->left : n;

	if (r->pos + k > r->w.len) {
		rp_fail(r, "body longer than %zu bytes", r->w.len);
		return n;
	}
	if (memcmp(p, r->w.body + r->pos, k) != 0) {
		size_t i = 0;

		while (p[i] == (char)r->w.body[r->pos + i])
			i++;
		rp_fail(r, "body byte %zu is 0x%02x, want 0x%02x", r->pos + i,
			(unsigned char)p[i], r->w.body[r->pos + i]);
		return n;
	}
	r->pos += k;
	if (bounded)
		r->left -= k;
	if (bounded && r->left == 0)
		r->state = r->state == RP_BODY ? RP_DONE : RP_CCRLF;
	return k;
}

/* One line of the chunked framing has ended (CRLF stripped). 0 or -1. */
static int rp_chunk_line(struct rparse *r)
{
	char *e;

	r->line[r->llen] = '\0';
	r->llen = 0;
	switch (r->state) {
	case RP_CSIZE:
		r->left = strtoull(r->line, &e, 16);
		if (e == r->line || (*e != '\0' && *e != ';'))
			return rp_fail(r, "bad chunk size line '%.40s'", r->line);
		r->state = r->left > 0 ? RP_CDATA : RP_TRAILER;
		if (r->left == 0 && r->pos != r->w.len)
			return rp_fail(r, "chunked body of %zu bytes, want %zu", r->pos, r->w.len);
		return 0;
	case RP_CCRLF:
		if (r->line[0] != '\0')
			return rp_fail(r, "no CRLF after a chunk");
		r->state = RP_CSIZE;
		return 0;
	default: /* RP_TRAILER */
		if (r->line[0] == '\0')
			r->state = RP_DONE;
		return 0;
	}
}

/* Head and chunk lines: collect up to the CRLF (the head: up to CRLF CRLF). */
static size_t rp_line(struct rparse *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r->llen + 1 >= sizeof r->line) {
			rp_fail(r, "line or head longer than %zu bytes", sizeof r->line);
			return n;
		}
		r->line[r->llen++] = p[i];
		if (r->state == RP_HEAD) {
			if (r->llen >= 4 && memcmp(r->line + r->llen - 4, "\r\n\r\n", 4) == 0) {
				rp_head_done(r);
				return i + 1;
			}
		} else if (r->llen >= 2 && memcmp(r->line + r->llen - 2, "\r\n", 2) == 0) {
			r->llen -= 2;
			rp_chunk_line(r);
			return i + 1;
		}
	}
	return n;
}

/* Feed received bytes up to the end of the response; how many it took. */
static size_t rp_feed(struct rparse *r, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n && r->state != RP_ERR && r->state != RP_DONE) {
		switch (r->state) {
		case RP_BODY:
		case RP_CDATA:
			done += rp_body(r, p + done, n - done, true);
			break;
		case RP_EOFBODY:
			done += rp_body(r, p + done, n - done, false);
			break;
		default:
			done += rp_line(r, p + done, n - done);
		}
	}
	return done;
}

/* EOF from the server: is the response complete? */
static bool rp_eof(struct rparse *r)
{
	if (r->state == RP_EOFBODY && r->pos == r->w.len)
		r->state = RP_DONE;
	return r->state == RP_DONE;
}

/* ------------------------------------------------------------------------ */
/* One exchange: send the request(s) while reading the answers (a CGI echoes as it reads). */

enum ask_kind { K_GET, K_HEAD, K_RANGE, K_POST, K_CHUNKED, K_PIPELINED };

#define WIRE_CAP (2 * BIG + 65536)   /* a request as sent: a 1 MiB body, chunked */

struct ask {
	enum ask_kind kind;
	bool big;                    /* a 1 MiB body either way */
	const unsigned char *wire;   /* every byte to send */
	size_t wire_len;
	int nresp;                   /* answers expected: 1, or 2 when pipelined */
	struct want want[2];
	char line[128];              /* the first request line, for messages */
	size_t stop_send, stop_recv; /* a dropping client gives up after so many bytes */
};

/* A client's buffers: random body bytes, and the request as it goes out. */
struct bufs { unsigned char *body, *wire; };

enum xres { XR_OK, XR_EOF, XR_TIMEOUT, XR_CORRUPT, XR_GAVE_UP };

struct xstate {
	const struct ask *a;
	size_t sent, got;
	bool send_dead;
	int cur;                     /* the answer being read */
	struct rparse rp[2];
};

static struct rparse *x_rp(struct xstate *s)
{
	return &s->rp[s->cur];
}

/* Send what the socket takes of the request. */
static void x_send(int fd, struct xstate *s)
{
	size_t n = s->a->wire_len - s->sent;
	ssize_t w;

	if (n > s->a->stop_send - s->sent)
		n = s->a->stop_send - s->sent;
	w = send(fd, s->a->wire + s->sent, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w > 0)
		s->sent += (size_t)w;
	else if (w == -1 && errno != EAGAIN && errno != EINTR)
		s->send_dead = true;  /* keep reading: the answer tells what happened */
}

/* Received bytes to the answers in turn; anything after the last one is wrong. */
static void x_feed(struct xstate *s, const char *p, size_t n)
{
	while (n > 0 && x_rp(s)->state != RP_ERR) {
		size_t used = rp_feed(x_rp(s), p, n);

		p += used;
		n -= used;
		if (x_rp(s)->state != RP_DONE || n == 0)
			continue;
		if (s->cur + 1 < s->a->nresp) {
			const struct want *w = &s->a->want[++s->cur];

			rp_init(x_rp(s), w);
		} else {
			rp_fail(x_rp(s), "%zu bytes after the end of the response: '%.20s'", n, p);
		}
	}
}

/* Receive what is there. -1 connection over (EOF or reset), 0 otherwise. */
static int x_recv(int fd, struct xstate *s)
{
	static char buf[65536];
	ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

	if (n > 0) {
		s->got += (size_t)n;
		x_feed(s, buf, (size_t)n);
		return 0;
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		return -1;
	return 0;
}

/* Where the exchange stands, or -1 while it goes on. */
static int x_verdict(struct xstate *s, long long deadline)
{
	bool last = s->cur == s->a->nresp - 1;

	if (x_rp(s)->state == RP_ERR)
		return XR_CORRUPT;
	if (last && x_rp(s)->state == RP_DONE) {
		if (s->sent == s->a->wire_len)
			return XR_OK;
		rp_fail(x_rp(s), "answered after %zu of %zu request bytes", s->sent, s->a->wire_len);
		return XR_CORRUPT;
	}
	if (s->sent >= s->a->stop_send || s->got >= s->a->stop_recv)
		return XR_GAVE_UP;
	return hs_now_ms() >= deadline ? XR_TIMEOUT : -1;
}

static enum xres exchange(int fd, const struct ask *a, struct xstate *s, long long deadline)
{
	int v;

	memset(s, 0, sizeof *s);
	s->a = a;
	rp_init(&s->rp[0], &a->want[0]);
	while ((v = x_verdict(s, deadline)) < 0) {
		bool want_out = s->sent < a->wire_len && s->sent < a->stop_send && !s->send_dead;
		struct pollfd p = { .fd = fd, .events = POLLIN | (want_out ? POLLOUT : 0) };
		long long left = deadline - hs_now_ms();

		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			continue;
		if (p.revents & POLLOUT)
			x_send(fd, s);
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)) || x_recv(fd, s) == 0)
			continue;
		if (s->cur == a->nresp - 1 && rp_eof(x_rp(s)) && s->sent == a->wire_len)
			return XR_OK;
		return x_rp(s)->state == RP_ERR ? XR_CORRUPT : XR_EOF;
	}
	return (enum xres)v;
}

/* ------------------------------------------------------------------------ */
/* Building requests into a client's buffers. */

static void ask_init(struct ask *a, enum ask_kind kind, const struct bufs *b)
{
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->wire = b->wire;
	a->nresp = 1;
	a->stop_send = a->stop_recv = SIZE_MAX;
}

/* Append a request head to the wire. */
static void ask_head(struct ask *a, const struct bufs *b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ask_head(struct ask *a, const struct bufs *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)b->wire + a->wire_len, WIRE_CAP - a->wire_len, fmt, ap);
	va_end(ap);
	if (a->line[0] == '\0')
		snprintf(a->line, sizeof a->line, "%.*s", (int)strcspn((char *)b->wire, "\r"), b->wire);
	a->wire_len += (size_t)n;
}

static void ask_static(struct ask *a, const struct bufs *b, size_t i, bool head, bool keepalive)
{
	ask_init(a, head ? K_HEAD : K_GET, b);
	ask_head(a, b, "%s /chaos/f%zu.bin HTTP/1.1\r\nHost: localhost\r\n%s\r\n",
		 head ? "HEAD" : "GET", i, keepalive ? "" : "Connection: close\r\n");
	a->want[0] = (struct want){ 200, file_data[i], file_sizes[i], head };
	a->big = !head && file_sizes[i] >= BIG;
}

/* A GET of one random byte range of a file (RFC 9110 14.2): 206 and exactly those bytes. */
static void ask_range(struct ask *a, const struct bufs *b, size_t i, bool keepalive)
{
	size_t first = (size_t)(rnd() % file_sizes[i]), last = first + (size_t)(rnd() % (file_sizes[i] - first));

	ask_init(a, K_RANGE, b);
	ask_head(a, b, "GET /chaos/f%zu.bin HTTP/1.1\r\nHost: localhost\r\nRange: bytes=%zu-%zu\r\n%s\r\n",
		 i, first, last, keepalive ? "" : "Connection: close\r\n");
	a->want[0] = (struct want){ 206, file_data[i] + first, last - first + 1, false };
}

/* The body in chunks of random sizes (RFC 9112 7.1), at most about 200 of them. */
static void ask_chunks(struct ask *a, const struct bufs *b, size_t len)
{
	for (size_t off = 0; off < len; ) {
		size_t c = 1 + rnd() % 65536;

		if (c < len / 200)
			c = len / 200;
		if (c > len - off)
			c = len - off;
		ask_head(a, b, "%zx\r\n", c);
		memcpy(b->wire + a->wire_len, b->body + off, c);
		a->wire_len += c;
		ask_head(a, b, "\r\n");
		off += c;
	}
	ask_head(a, b, "0\r\n\r\n");
}

/* A POST of len random bytes to the echo script, with a Content-Length or chunked. */
static void ask_post(struct ask *a, const struct bufs *b, size_t len, bool chunked, bool keepalive)
{
	ask_init(a, chunked ? K_CHUNKED : K_POST, b);
	fill_random(b->body, len, rnd());
	if (chunked) {
		ask_head(a, b, "POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: localhost\r\n"
			 "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n%s\r\n",
			 keepalive ? "" : "Connection: close\r\n");
		ask_chunks(a, b, len);
	} else {
		/* Like curl, sometimes with Expect: 100-continue, but sending the body at once (RFC 9110 10.1.1). */
		ask_head(a, b, "POST /cgi-bin/echo_body.sh HTTP/1.1\r\nHost: localhost\r\n"
			 "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n%s%s\r\n",
			 len, keepalive ? "" : "Connection: close\r\n",
			 rnd() % 3 == 0 ? "Expect: 100-continue\r\n" : "");
		memcpy(b->wire + a->wire_len, b->body, len);
		a->wire_len += len;
	}
	a->want[0] = (struct want){ 200, b->body, len, false };
	a->big = len >= BIG;
}

/* A POST and a GET in one go: the server must stop reading the body at its end (RFC 9112 9.3.2). */
static void ask_pipelined(struct ask *a, const struct bufs *b, size_t post_len, size_t file)
{
	ask_post(a, b, post_len, rnd() % 2 == 0, true);
	ask_head(a, b, "GET /chaos/f%zu.bin HTTP/1.1\r\nHost: localhost\r\n\r\n", file);
	a->kind = K_PIPELINED;
	a->nresp = 2;
	a->want[1] = (struct want){ 200, file_data[file], file_sizes[file], false };
}

/* A random normal request: a GET, HEAD or range of a file, a POST to the echo script, or two pipelined. */
static void ask_random(struct ask *a, const struct bufs *b, bool keepalive)
{
	uint64_t pick = rnd() % 20;
	size_t file = (size_t)(rnd() % N(file_sizes)), post = post_sizes[rnd() % N(post_sizes)];

	if (pick < 7)
		ask_static(a, b, file, false, keepalive);
	else if (pick < 9)
		ask_range(a, b, 1 + file % (N(file_sizes) - 1), keepalive);  /* not the empty file */
	else if (pick < 11)
		ask_static(a, b, file, true, keepalive);
	else if (pick < 18 || !keepalive)
		ask_post(a, b, post, pick % 3 == 0, keepalive);
	else
		ask_pipelined(a, b, post, file);
}

static void count_ok(const struct ask *a, bool reused)
{
	static const size_t off[] = {
		[K_GET] = offsetof(struct shared, ok_get), [K_HEAD] = offsetof(struct shared, ok_head),
		[K_RANGE] = offsetof(struct shared, ok_range),
		[K_POST] = offsetof(struct shared, ok_post), [K_CHUNKED] = offsetof(struct shared, ok_chunked),
		[K_PIPELINED] = offsetof(struct shared, ok_pipelined),
	};

	bump((long *)((char *)sh + off[a->kind]));
	if (a->big)
		bump(a->kind == K_GET ? &sh->ok_get_big : &sh->ok_post_big);
	if (reused)
		bump(&sh->ok_reused);
}

/* ------------------------------------------------------------------------ */
/* The clients. Each runs until sh->stop, then _exit(0); none asserts. */

static const int fail_of[] = { [XR_EOF] = F_EOF, [XR_TIMEOUT] = F_TIMEOUT, [XR_CORRUPT] = F_CORRUPT };

static bool bufs_alloc(struct bufs *b)
{
	b->body = malloc(BIG);
	b->wire = malloc(WIRE_CAP);
	return b->body != NULL && b->wire != NULL;
}

/*
 * One request on the connection (with Connection: close unless keep-alive).
 * A failure's interval starts with the previous request on the connection
 * (or its connect): a worker killed after it sent an answer breaks the next
 * request, or the answer itself if its reset arrives before the client has
 * read it.
 * false: the connection is over.
 */
static bool normal_request(struct story *st, const struct bufs *b)
{
	static struct xstate s;
	struct ask a;
	long long start = hs_now_ms();
	enum xres x;

	ask_random(&a, b, st->keepalive);
	x = exchange(st->fd, &a, &s, start + REQ_MS);
	if (x != XR_OK) {
		record_fail(fail_of[x], st, start, s.got,
			    "%s%s%s (answer %d of %d): %s, %zu of %zu request bytes sent, %zu received",
			    st->reused ? "reused connection, " : "", a.line,
			    a.nresp > 1 ? " and a pipelined GET" : "", s.cur + 1, a.nresp,
			    x == XR_CORRUPT ? x_rp(&s)->err : x == XR_EOF ? "EOF before the whole answer"
									  : "no answer",
			    s.sent, a.wire_len, s.got);
		return false;
	}
	count_ok(&a, st->reused);
	st->reused = true;
	st->since = start;
	st->rest = hs_now_ms();
	if (!st->keepalive) {
		int e = wait_eof(st->fd, CLOSE_MS);

		if (e != 1)
			record_fail(e == 0 ? F_NOCLOSE : F_CORRUPT, st, st->rest, 0, "%s: %s",
				    a.line, e == 0 ? "open 5 s after Connection: close" : "bytes after the response");
		return false;
	}
	return !x_rp(&s)->close;
}

/* Connections of up to six requests (keep-alive), or of one (Connection: close). */
static void normal_client(int id)
{
	struct bufs b;
	struct story st = { .keepalive = id % 2 == 0 };

	if (!bufs_alloc(&b))
		_exit(1);
	while (!sh->stop) {
		st.since = st.rest = hs_now_ms();
		st.reused = false;
		st.fd = chaos_connect(REQ_MS, NULL);
		if (st.fd == -1) {
			record_fail(F_CONNECT, &st, st.rest, 0, "connect: %s", strerror(errno));
			hs_sleep_ms(100);
			continue;
		}
		for (int n = st.keepalive ? 1 + (int)(rnd() % 6) : 1; n > 0 && !sh->stop; n--)
			if (!normal_request(&st, &b))
				break;
		close(st.fd);
	}
}

/*
 * Slowloris: NSLOW connections each sending a head that never ends, one
 * byte every 100-400 ms. timeouts.header (2 s) ends each with a 408 (or a
 * close); then a new one takes its place.
 */
struct slow {
	int fd, port;
	long long next;
	size_t sent, got;
	char buf[512];
};

static void slow_open(struct slow *c)
{
	c->fd = chaos_connect(2000, &c->port);
	c->sent = c->got = 0;
	c->next = hs_now_ms();
}

static void slow_finish(struct slow *c)
{
	int status = 0;

	c->buf[c->got] = '\0';
	if (c->got > 0 && sscanf(c->buf, "HTTP/1.1 %3d ", &status) == 1 && status >= 400)
		record_rejection(c->port, status);
	bump(status == 408 ? &sh->slow_408 : &sh->slow_silent);
	close(c->fd);
	c->fd = -1;
}

static void slow_tick(struct slow *c, const struct pollfd *p)
{
	static const char head[] = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

	if (c->fd == -1) {
		slow_open(c);
		return;
	}
	if (p->revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = recv(c->fd, c->buf + c->got, sizeof c->buf - 1 - c->got, MSG_DONTWAIT);

		if (n > 0)
			c->got += (size_t)n;
		if (n == 0 || (n == -1 && errno != EAGAIN) || c->got + 1 >= sizeof c->buf)
			slow_finish(c);
		return;
	}
	if (hs_now_ms() >= c->next) {
		char ch = c->sent < sizeof head - 1 ? head[c->sent] : 'a';

		if (send(c->fd, &ch, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
			c->sent++;
		c->next = hs_now_ms() + 100 + (long long)(rnd() % 300);
	}
}

static void slowloris_client(void)
{
	static struct slow c[NSLOW];
	struct pollfd p[NSLOW];

	for (int i = 0; i < NSLOW; i++)
		c[i].fd = -1;
	while (!sh->stop) {
		for (int i = 0; i < NSLOW; i++)
			p[i] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
		poll(p, NSLOW, 50);
		for (int i = 0; i < NSLOW && !sh->stop; i++)
			slow_tick(&c[i], &p[i]);
	}
	for (int i = 0; i < NSLOW; i++)
		if (c[i].fd != -1)
			close(c[i].fd);
}

/* Garbage: random bytes, a valid request with a few bytes changed, random text, or an unfinished head. */
static size_t random_payload(char *p, size_t cap)
{
	static const char base[] = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	size_t n = 1 + rnd() % (cap / 2);

	switch (rnd() % 4) {
	case 0:
		fill_random((unsigned char *)p, n, rnd());
		memcpy(p + n, "\r\n\r\n", 4);
		return n + 4;
	case 1:
		memcpy(p, base, sizeof base - 1);
		for (int k = 1 + (int)(rnd() % 4); k > 0; k--)
			p[rnd() % (sizeof base - 1)] = (char)rnd();
		return sizeof base - 1;
	case 2:
		for (size_t i = 0; i < n; i++)
			p[i] = (char)(0x20 + rnd() % 0x5f);
		memcpy(p + n, "\r\n\r\n", 4);
		memcpy(p, "GET ", 4);
		return n + 4;
	default:
		fill_random((unsigned char *)p, n, rnd());
		return n;
	}
}

static void random_client(void)
{
	static char req[4096], ans[4096];

	while (!sh->stop) {
		int port, status = 0, fd = chaos_connect(2000, &port);
		size_t n = random_payload(req, sizeof req - 8), got = 0;
		long long end = hs_now_ms() + REJECT_MS;

		if (fd == -1) {
			hs_sleep_ms(50);
			continue;
		}
		(void)!send(fd, req, n, MSG_NOSIGNAL);
		while (got + 1 < sizeof ans) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			long long left = end - hs_now_ms();
			ssize_t r;

			if (left <= 0)
				break;
			if (poll(&p, 1, (int)left) <= 0)
				continue;
			r = recv(fd, ans + got, sizeof ans - 1 - got, 0);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		ans[got] = '\0';
		if (got > 0 && sscanf(ans, "HTTP/1.1 %3d ", &status) == 1 && status >= 400)
			record_rejection(port, status);
		bump(got > 0 ? &sh->random_answered : &sh->random_silent);
		close(fd);
	}
}

/* Go away early: at once, mid-head, mid-body, or mid-response, with a FIN or a reset. */
static void drop_one(const struct bufs *b)
{
	static struct xstate s;
	struct ask a;
	int fd = chaos_connect(2000, NULL);

	if (fd == -1)
		return;
	switch (rnd() % 4) {
	case 0:  /* part of a head */
		ask_static(&a, b, N(file_sizes) - 1, false, true);
		a.stop_send = rnd() % a.wire_len;
		break;
	case 1:  /* part of a 1 MiB body */
		ask_post(&a, b, BIG, rnd() % 2 == 0, true);
		a.stop_send = rnd() % a.wire_len;
		break;
	case 2:  /* part of a 1 MiB file */
		ask_static(&a, b, N(file_sizes) - 1, false, true);
		a.stop_recv = rnd() % BIG;
		break;
	default: /* part of a 1 MiB echo */
		ask_post(&a, b, BIG, rnd() % 2 == 0, true);
		a.stop_recv = rnd() % BIG;
	}
	exchange(fd, &a, &s, hs_now_ms() + REQ_MS);
	if (rnd() % 2)
		close_rst(fd);
	else
		close(fd);
	bump(&sh->drops);
}

static void drop_client(void)
{
	struct bufs b;

	if (!bufs_alloc(&b))
		_exit(1);
	while (!sh->stop) {
		drop_one(&b);
		hs_sleep_ms(10);
	}
}

static pid_t spawn_client(void (*fn)(int), int id)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	rng = (uint64_t)getpid() * 0x2545F4914F6CDD1DULL ^ (uint64_t)hs_now_ms();
	fn(id);
	_exit(0);
}

static void run_normal(int id) { normal_client(id); }
static void run_slow(int id) { (void)id; slowloris_client(); }
static void run_random(int id) { (void)id; random_client(); }
static void run_drop(int id) { (void)id; drop_client(); }

/* ------------------------------------------------------------------------ */
/* The storm's driver: signals to the master, kills of workers, samples. */

/*
 * The master holds one control socket per child, so its own descriptors are
 * those in /proc/PID/fd less its children; the keeper's are compared quiet
 * to quiet (before the storm and once its clients are gone), since in
 * between it holds every slow connection. Memory is compared with the
 * warm-up point, 3 s into the storm, when the buffers are allocated.
 */
struct sample { int fd_master, fd_keeper, kids; long rss_master, rss_keeper; };

static void take_sample(struct sample *s, pid_t keeper)
{
	pid_t kids[256];

	s->kids = hs_children(srv.pid, kids, 256);
	s->fd_master = hs_fd_count(srv.pid) - s->kids;
	s->fd_keeper = hs_fd_count(keeper);
	s->rss_master = hs_rss_kb(srv.pid);
	s->rss_keeper = hs_rss_kb(keeper);
}

/* SIGKILL one worker of the master: a child titled "worker process", checked again just before. */
static void kill_worker(void)
{
	pid_t w[64];
	int n = hs_workers(srv.pid, w, 64), i;
	char line[256];

	if (n <= 0 || (i = take(&sh->nkills, MAX_KILLS)) < 0)
		return;
	n = n < 64 ? n : 64;
	sh->kills[i].pid = w[rnd() % (uint64_t)n];
	sh->kills[i].t0 = hs_now_ms();
	if (hs_cmdline(sh->kills[i].pid, line, sizeof line) > 0 && strstr(line, "worker process") != NULL)
		kill(sh->kills[i].pid, SIGKILL);
	sh->kills[i].t1 = hs_now_ms();
}

static bool alive(pid_t pid)
{
	char st = hs_proc_state(pid);

	return st != 0 && st != 'Z' && st != 'X';
}

/* Run the storm; false (with why) when master or keeper died during it. */
static bool storm(pid_t keeper, struct sample *warm, int *nhup, char *why, size_t cap)
{
	long long t0 = hs_now_ms(), next_hup = HUP_FIRST_MS, next_kill = KILL_FIRST_MS;
	bool warmed = false;

	for (long long t = 0; t < CHAOS_MS; t = since(t0)) {
		if (!alive(srv.pid) || !alive(keeper)) {
			snprintf(why, cap, "%s died %lld ms into the storm",
				 alive(srv.pid) ? "the keeper" : "the master", t);
			return false;
		}
		if (!warmed && t >= WARM_MS) {
			take_sample(warm, keeper);
			warmed = true;
		}
		if (t >= next_hup) {
			kill(srv.pid, SIGHUP);
			(*nhup)++;
			next_hup += EVERY_MS;
		}
		if (t >= next_kill) {
			kill_worker();
			next_kill += EVERY_MS;
		}
		hs_sleep_ms(20);
	}
	return true;
}

/* Stop the clients and wait for them (their own timeouts bound them); false when one hung. */
static bool stop_clients(pid_t *pids, int n)
{
	long long end = hs_now_ms() + REQ_MS + REJECT_MS + 5000;
	bool ok = true;

	sh->stop = 1;
	for (int i = 0; i < n; i++) {
		while (waitpid(pids[i], NULL, WNOHANG) == 0) {
			if (hs_now_ms() > end) {
				kill(pids[i], SIGKILL);
				waitpid(pids[i], NULL, 0);
				ok = false;
				break;
			}
			hs_sleep_ms(20);
		}
	}
	return ok;
}

/* ------------------------------------------------------------------------ */
/* Judging. */

/* Was a worker killed while this connection was the server's? */
static bool by_kill(const struct fail *f)
{
	if (f->kind != F_EOF)
		return false;  /* a killed worker breaks its connection at once: never a timeout or a wrong byte */
	for (int i = 0; i < sh->nkills && i < MAX_KILLS; i++)
		if (f->t0 <= sh->kills[i].t1 && f->t1 >= sh->kills[i].t0)
			return true;
	return false;
}

/*
 * Did the client itself wait so long on a kept-alive connection that the
 * server could close it (timeouts.keepalive)? RFC 9112 9.3.1: a client
 * must be ready to retry then. Only a stalled client (a loaded machine)
 * gets here; none is seen otherwise.
 */
static bool by_idle(const struct fail *f)
{
	return f->kind == F_EOF && f->reused && f->got == 0 && f->sent - f->rest >= KEEPALIVE_MS - 500;
}

static int cmp_rej(const void *a, const void *b)
{
	const struct rej *x = a, *y = b;

	return x->port != y->port ? x->port - y->port : x->status - y->status;
}

/* Every "[client 127.0.0.1:PORT] STATUS" of the error log, into out (sorted). Count, or -1. */
static int log_rejections(struct rej *out, int max)
{
	FILE *f = fopen(srv.error_log, "re");
	char line[4096];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL && n < max) {
		const char *c = strstr(line, "[client 127.0.0.1:");

		if (c != NULL && sscanf(c, "[client 127.0.0.1:%d] %3d ", &out[n].port, &out[n].status) == 2)
			n++;
	}
	fclose(f);
	qsort(out, (size_t)n, sizeof *out, cmp_rej);
	return n;
}

/* The first rejection a client received with no error-log line of its own, or NULL. */
static const struct rej *unlogged_rejection(int *nlog)
{
	static struct rej logged[4 * MAX_REJ];
	int nrej = sh->nrej < MAX_REJ ? sh->nrej : MAX_REJ, j = 0;

	*nlog = log_rejections(logged, (int)N(logged));
	qsort(sh->rej, (size_t)nrej, sizeof sh->rej[0], cmp_rej);
	for (int i = 0; i < nrej; i++) {
		while (j < *nlog && cmp_rej(&logged[j], &sh->rej[i]) < 0)
			j++;
		if (j >= *nlog || cmp_rej(&logged[j], &sh->rej[i]) != 0)
			return &sh->rej[i];
		j++;  /* one line per rejection: the same port twice needs two lines */
	}
	return NULL;
}

/*
 * Bounded wait until every process below the master is a live worker or
 * the keeper: no zombie child, and no script left running (or unreaped)
 * by a worker. The processes that are not, described into why; how many.
 */
static int settle_tree(int timeout_ms, char *why, size_t cap)
{
	long long end = hs_now_ms() + timeout_ms;
	int bad;

	do {
		pid_t all[512];
		int n = hs_descendants(srv.pid, all, 512);
		size_t len = 0;

		why[0] = '\0';
		bad = 0;
		for (int i = 0; i < n && i < 512; i++) {
			char st = hs_proc_state(all[i]), cmd[128] = "";

			hs_cmdline(all[i], cmd, sizeof cmd);
			if (st != 0 && (st == 'Z' || (strstr(cmd, "worker process") == NULL &&
						     strstr(cmd, "keeper process") == NULL))) {
				bad++;
				if (len < cap)
					len += (size_t)snprintf(why + len, cap - len, " %d (%c, '%.40s')",
								(int)all[i], st, cmd);
			}
		}
		if (bad == 0)
			break;
		hs_sleep_ms(50);
	} while (hs_now_ms() < end);
	return bad;
}

/* Once the clients are gone, descriptors come down: wait (bounded) for both within the margin. */
static void settle_fds(struct sample *end, const struct sample *quiet, pid_t keeper)
{
	long long until = hs_now_ms() + 5000;

	do {
		take_sample(end, keeper);
		if (end->fd_master <= quiet->fd_master + FD_MARGIN &&
		    end->fd_keeper <= quiet->fd_keeper + FD_MARGIN)
			return;
		hs_sleep_ms(50);
	} while (hs_now_ms() < until);
}

static void summary(const struct sample *q, const struct sample *w, const struct sample *e, int nhup,
		    int nkill_excused, int nidle_excused)
{
	if (getenv("PFHTTPD_CHAOS_VERBOSE") == NULL)
		return;
	fprintf(stderr, "chaos: GET %ld (1 MiB: %ld), HEAD %ld, range %ld, POST %ld (1 MiB: %ld), chunked %ld, "
		"pipelined %ld, reused %ld; "
		"failures %d (%d at a kill, %d idle); %d kills, %d HUPs; slowloris 408 %ld, silent %ld; random answered %ld, "
		"silent %ld; rejections %d; drops %ld\n",
		sh->ok_get, sh->ok_get_big, sh->ok_head, sh->ok_range, sh->ok_post, sh->ok_post_big,
		sh->ok_chunked, sh->ok_pipelined, sh->ok_reused, sh->nfails, nkill_excused, nidle_excused, sh->nkills, nhup, sh->slow_408, sh->slow_silent, sh->random_answered,
		sh->random_silent, sh->nrej, sh->drops);
	fprintf(stderr, "chaos: own fds master %d (%d children) -> %d (%d), keeper %d -> %d; "
		"rss master %ld -> %ld KiB, keeper %ld -> %ld KiB\n",
		q->fd_master, q->kids, e->fd_master, e->kids, q->fd_keeper, e->fd_keeper,
		w->rss_master, e->rss_master, w->rss_keeper, e->rss_keeper);
	fprintf(stderr, "chaos: garbage answered with");
	for (int i = 100; i < 600; i++)
		if (sh->statuses[i] > 0)
			fprintf(stderr, " %d x%ld", i, sh->statuses[i]);
	fprintf(stderr, "\n");
	for (int i = 0; i < sh->nkills && i < MAX_KILLS; i++)
		fprintf(stderr, "chaos: SIGKILL to %d at %lld..%lld\n", (int)sh->kills[i].pid,
			sh->kills[i].t0, sh->kills[i].t1);
	for (int i = 0; i < sh->nfails && i < MAX_FAILS; i++)
		fprintf(stderr, "chaos: %s failure, held %lld..%lld, rest %lld, sent %lld: %s\n",
			fail_names[sh->fails[i].kind], sh->fails[i].t0, sh->fails[i].t1, sh->fails[i].rest,
			sh->fails[i].sent, sh->fails[i].what);
}

/* ------------------------------------------------------------------------ */
/* Setup. */

static void make_site(void)
{
	char name[64];

	for (size_t i = 0; i < N(file_sizes); i++) {
		file_data[i] = malloc(file_sizes[i] + 1);
		ck_assert(file_data[i] != NULL);
		fill_random(file_data[i], file_sizes[i], 1000 + i);
		snprintf(name, sizeof name, "htdocs/chaos/f%zu.bin", i);
		ck_assert_int_eq(hs_put(&srv, name, file_data[i], file_sizes[i]), 0);
	}
}

static void start_server(void)
{
	char extra[2048], msg[9000];

	/* Hundreds of client sockets here, as many in the server: it inherits this limit. */
	hs_raise_nofile(4096);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 || hs_copy_cgi(&srv, "cgi-bin") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	make_site();
	/* log_level info: every 4xx and 5xx has its line, 404 included (a mangled target). */
	snprintf(extra, sizeof extra,
		 "log_level = \"info\";\n"
		 "workers = { start = 4; min_spare = 2; max_spare = 6; max = 16; max_requests = 0; };\n"
		 "timeouts = { header = 2; body = 10; keepalive = %d; send = 10; cgi = 30; };\n"
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\"; };\n", KEEPALIVE_MS / 1000, srv.root);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
	if (sh != NULL)
		munmap(sh, sizeof *sh);
	sh = NULL;
	for (size_t i = 0; i < N(file_sizes); i++) {
		free(file_data[i]);
		file_data[i] = NULL;
	}
}

/* Before the storm: one of each normal request must work, or the storm proves nothing. */
static void sanity(void)
{
	static struct xstate s;
	struct bufs b;
	struct ask a;

	ck_assert(bufs_alloc(&b));
	for (size_t i = 0; i < N(file_sizes) + 3; i++) {
		int fd = chaos_connect(HS_TIMEOUT_MS, NULL);

		ck_assert_msg(fd != -1, "connect: %s", strerror(errno));
		if (i < N(file_sizes))
			ask_static(&a, &b, i, false, false);
		else if (i < N(file_sizes) + 2)
			ask_post(&a, &b, BIG, i % 2 == 0, false);
		else
			ask_pipelined(&a, &b, 65536, 3);
		ck_assert_msg(exchange(fd, &a, &s, hs_now_ms() + REQ_MS) == XR_OK,
			      "before the storm, %s (answer %d of %d): %s (%zu bytes received)",
			      a.line, s.cur + 1, a.nresp, x_rp(&s)->err, s.got);
		close(fd);
	}
	free(b.body);
	free(b.wire);
}

/* ------------------------------------------------------------------------ */

/* What the storm left, for the checks. */
struct outcome {
	pid_t keeper;
	struct sample quiet, warm, end;
	int nhup, nkill, nidle, nlog, strays;
	bool storm_ok, clients_ok;
	char why[256], tree[512];
	const struct rej *lost;
};

/* Start the clients, run the storm, stop the clients, let the server settle, and look. */
static void run(struct outcome *o)
{
	pid_t pids[NNORMAL + NRANDOM + NDROP + 1];
	int np = 0;

	for (int i = 0; i < NNORMAL; i++)
		pids[np++] = spawn_client(run_normal, i);
	for (int i = 0; i < NRANDOM; i++)
		pids[np++] = spawn_client(run_random, i);
	for (int i = 0; i < NDROP; i++)
		pids[np++] = spawn_client(run_drop, i);
	pids[np++] = spawn_client(run_slow, 0);
	for (int i = 0; i < np; i++)
		ck_assert_msg(pids[i] > 0, "fork: %s", strerror(errno));

	o->storm_ok = storm(o->keeper, &o->warm, &o->nhup, o->why, sizeof o->why);
	o->clients_ok = stop_clients(pids, np);
	o->strays = settle_tree(5000, o->tree, sizeof o->tree);
	settle_fds(&o->end, &o->quiet, o->keeper);
	for (int i = 0; i < sh->nfails && i < MAX_FAILS; i++) {
		if (by_idle(&sh->fails[i]))
			o->nidle++;
		else
			o->nkill += by_kill(&sh->fails[i]);
	}
	o->lost = unlogged_rejection(&o->nlog);
	summary(&o->quiet, &o->warm, &o->end, o->nhup, o->nkill, o->nidle);
}

static void check_processes(const struct outcome *o)
{
	ck_assert_msg(o->storm_ok, "%s", o->why);
	ck_assert_msg(o->clients_ok, "a client did not stop within its own bounds");
	ck_assert_msg(alive(srv.pid), "the master died");
	ck_assert_msg(hs_keeper_pid(srv.pid) == o->keeper, "the keeper is %d, was %d",
		      (int)hs_keeper_pid(srv.pid), (int)o->keeper);
	ck_assert_msg(sh->nkills >= 5 && o->nhup >= 6, "only %d kills and %d HUPs", sh->nkills, o->nhup);
	ck_assert_msg(o->strays == 0, "5 s after the storm, %d processes below the master are neither a "
		      "live worker nor the keeper:%s", o->strays, o->tree);
}

static void check_answers(const struct outcome *o)
{
	for (int i = 0; i < sh->nfails && i < MAX_FAILS; i++)
		ck_assert_msg(by_idle(&sh->fails[i]) || by_kill(&sh->fails[i]),
			      "normal client, %s: %s (no worker killed meanwhile)",
			      fail_names[sh->fails[i].kind], sh->fails[i].what);
	ck_assert_msg(o->nkill <= sh->nkills, "%d failures excused by %d kills: a kill breaks one connection",
		      o->nkill, sh->nkills);
	ck_assert_msg(sh->nfails <= MAX_FAILS, "more than %d failures", MAX_FAILS);
	ck_assert_msg(sh->ok_get > 10 && sh->ok_get_big > 0 && sh->ok_head > 0 && sh->ok_range > 0 &&
		      sh->ok_post > 5 && sh->ok_post_big > 0 && sh->ok_chunked > 0 && sh->ok_pipelined > 0 &&
		      sh->ok_reused > 5,
		      "too few answers to judge: GET %ld (1 MiB %ld), HEAD %ld, range %ld, POST %ld (1 MiB %ld), "
		      "chunked %ld, pipelined %ld, reused %ld", sh->ok_get, sh->ok_get_big, sh->ok_head,
		      sh->ok_range, sh->ok_post, sh->ok_post_big, sh->ok_chunked, sh->ok_pipelined, sh->ok_reused);
}

static void check_resources(const struct outcome *o)
{
	ck_assert_msg(o->end.fd_master <= o->quiet.fd_master + FD_MARGIN,
		      "master: %d descriptors besides its children's at the end, %d before the storm",
		      o->end.fd_master, o->quiet.fd_master);
	ck_assert_msg(o->end.fd_keeper <= o->quiet.fd_keeper + FD_MARGIN,
		      "keeper: %d descriptors at the end, %d before the storm", o->end.fd_keeper, o->quiet.fd_keeper);
	ck_assert_msg(!RSS_CHECKED || o->end.rss_master <= o->warm.rss_master + RSS_MARGIN_KB,
		      "master: VmRSS %ld KiB at the end, %ld after warm-up", o->end.rss_master, o->warm.rss_master);
	ck_assert_msg(!RSS_CHECKED || o->end.rss_keeper <= o->warm.rss_keeper + RSS_MARGIN_KB,
		      "keeper: VmRSS %ld KiB at the end, %ld after warm-up", o->end.rss_keeper, o->warm.rss_keeper);
}

/* Under make SAN=1, a worker that hit a sanitizer report died with its client: say why. */
static void check_sanitizers(void)
{
	char line[512];

	ck_assert_msg(!hs_find_line(srv.err_path, "Sanitizer", NULL, line, sizeof line) &&
		      !hs_find_line(srv.err_path, "runtime error", NULL, line, sizeof line),
		      "the server's stderr: %s", line);
}

static void check_rejections(const struct outcome *o)
{
	const struct rej *l = o->lost;

	ck_assert_msg(sh->nrej > 0 && sh->slow_408 > 0, "no rejection to check (%d, 408s %ld)",
		      sh->nrej, sh->slow_408);
	ck_assert_msg(sh->nrej <= MAX_REJ, "more than %d rejections", MAX_REJ);
	/* Garbage is the client's fault: 4xx, or 501/505 for what the server does not do; never a fault of its own. */
	for (int st = 500; st < 600; st++)
		ck_assert_msg(sh->statuses[st] == 0 || st == 501 || st == 505,
			      "garbage was answered %d (%ld times)", st, sh->statuses[st]);
	ck_assert_msg(l == NULL, "a client got %d on port %d, with no \"[client 127.0.0.1:%d] %d\" "
		      "in the error log (%d rejections received, %d logged)", l ? l->status : 0,
		      l ? l->port : 0, l ? l->port : 0, l ? l->status : 0, sh->nrej, o->nlog);
}

START_TEST(test_chaos)
{
	static struct outcome o;

	memset(&o, 0, sizeof o);
	rng = (uint64_t)hs_now_ms() | 1;
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(sh != MAP_FAILED);
	start_server();
	for (long long end = hs_now_ms() + HS_TIMEOUT_MS; o.keeper == 0 && hs_now_ms() < end; hs_sleep_ms(20))
		o.keeper = hs_keeper_pid(srv.pid);
	ck_assert_msg(o.keeper > 0, "no keeper %d ms after the start", HS_TIMEOUT_MS);
	sanity();
	hs_sleep_ms(500);  /* the keeper drains the closed connections */
	take_sample(&o.quiet, o.keeper);

	run(&o);
	check_sanitizers();
	check_processes(&o);
	check_answers(&o);
	check_resources(&o);
	check_rejections(&o);
}
END_TEST

static Suite *chaos_suite(void)
{
	Suite *s = suite_create("chaos");
	TCase *tc = hs_tcase("chaos", 90, teardown);

	tcase_add_test(tc, test_chaos);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(chaos_suite());
}
