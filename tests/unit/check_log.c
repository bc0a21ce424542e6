/*
 * Unit tests for log: opening the logs (and failing to, with FILE:LINE),
 * the error-log line and its level filter, a long message cut and marked,
 * the access log's Combined Log Format with its escaping and "-" for what is
 * missing, log_adopt() replacing a log in place (SIGUSR1 reopen), and
 * log_escape, the one escaper for text a client or a script controls
 * (access-log fields, CGI stderr lines), as Apache's ap_escape_logitem: '"'
 * and '\' escaped, every other byte outside printable ASCII as \xHH; an
 * escape is never cut by the room left. The access-log buffer (a worker's):
 * whole lines only, written together when full, at once when one line is
 * bigger than the buffer, after a second, on log_flush() and before a
 * reopen switches files; each write(2) is seen on its own through a
 * datagram socket standing in for the file.
 * Each case runs in Check's own process, so the module's static state
 * (descriptors, level) starts fresh; files live in a temporary directory.
 */
#include "unit.h"
#include "conf.h"
#include "log.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char dir[64], elog[128], alog[128];
static char buf[32768];
static struct conf cf;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pfhttpd-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(elog, sizeof(elog), "%s/error.log", dir);
	snprintf(alog, sizeof(alog), "%s/access.log", dir);
	memset(&cf, 0, sizeof(cf));
	cf.file = "/etc/pfhttpd/t.conf";
	cf.site.error_log = elog;
	cf.site.access_log = alog;
	cf.site.lines.error_log = 7;
	cf.site.lines.access_log = 8;
	log_init(0);
}

static void teardown(void)
{
	char cmd[128];

	log_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The whole file (NUL-terminated in buf); its length. */
static size_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	close(fd);
	buf[n] = '\0';
	return (size_t)n;
}

static void open_logs(void)
{
	char err[512] = "";

	ck_assert_msg(log_open(&cf, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_open_errors)
{
	static const struct {
		int line;
		const char *desc;
		bool bad_error, bad_access;
		const char *want;
	} rows[] = {
		{ __LINE__, "error_log dir missing",  true,  false,
		  "/etc/pfhttpd/t.conf:7: cannot open error_log '" },
		{ __LINE__, "access_log dir missing", false, true,
		  "/etc/pfhttpd/t.conf:8: cannot open access_log '" },
		{ __LINE__, "both: error_log first",  true,  true,
		  "/etc/pfhttpd/t.conf:7: cannot open error_log '" },
	};
	char bad[160], err[512];

	snprintf(bad, sizeof(bad), "%s/missing/x.log", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cf.site.error_log = rows[i].bad_error ? bad : elog;
		cf.site.access_log = rows[i].bad_access ? bad : alog;
		err[0] = '\0';
		ck_assert_msg(log_open(&cf, err, sizeof(err)) == -1, "line %d (%s): opened",
			      rows[i].line, rows[i].desc);
		ck_assert_msg(strstr(err, rows[i].want) == err && strstr(err, "No such file or directory"),
			      "line %d (%s): %s", rows[i].line, rows[i].desc, err);
		/* A failed open keeps the logs that were there: none here. */
		ck_assert_int_eq(log_error_fd(), -1);
		ck_assert_int_eq(log_access_fd(), -1);
	}
}
END_TEST

START_TEST(test_no_logs_configured)
{
	cf.site.error_log = NULL;
	cf.site.access_log = NULL;
	open_logs();
	ck_assert_int_eq(log_error_fd(), -1);
	ck_assert_int_eq(log_access_fd(), -1);
	log_access(&(struct log_access_rec){ .status = 200 }); /* no access log: nothing, no crash */
}
END_TEST

START_TEST(test_error_line_and_level)
{
	struct stat st;

	open_logs();
	ck_assert_int_eq(stat(elog, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	log_error(LOG_ERR, "first %d", 1);
	log_error(LOG_INFO, "dropped at the default level");
	log_set_level(LOG_DEBUG);
	log_error(LOG_DEBUG, "kept at debug");
	log_set_level(LOG_ERR);
	log_error(LOG_WARN, "dropped at error");
	slurp(elog);
	ck_assert_msg(buf[0] == '[' && strstr(buf, "] [error] [pid ") && strstr(buf, "] first 1\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "] [debug] [pid ") && strstr(buf, "] kept at debug\n"), "%s", buf);
	ck_assert_msg(!strstr(buf, "dropped"), "%s", buf);
}
END_TEST

/* A message longer than a line is cut to one line that ends in "...". */
START_TEST(test_error_long_cut)
{
	char msg[5000];
	size_t n;

	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	open_logs();
	log_error(LOG_ERR, "%s", msg);
	n = slurp(elog);
	ck_assert_uint_eq(n, 2048);
	ck_assert_msg(memcmp(buf + n - 4, "...\n", 4) == 0, "%s", buf + n - 8);
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + n - 1);
}
END_TEST

START_TEST(test_access_line)
{
	static const char req[] = "GET /a\"b\\c\x01\xff HTTP/1.1";
	static const char ref[] = "http://r/";
	static const char ua[] = "UA \"quoted\"";

	open_logs();
	log_access(&(struct log_access_rec){
		.client = "192.0.2.1", .when = 0, .request_line = req, .request_line_len = sizeof(req) - 1,
		.status = 200, .bytes = 1234, .referer = ref, .referer_len = sizeof(ref) - 1,
		.user_agent = ua, .user_agent_len = sizeof(ua) - 1,
	});
	log_access(&(struct log_access_rec){ .status = 400 });
	slurp(alog);
	ck_assert_msg(strncmp(buf, "192.0.2.1 - - [", 15) == 0, "%s", buf);
	ck_assert_msg(strstr(buf, "] \"GET /a\\\"b\\\\c\\x01\\xff HTTP/1.1\" 200 1234 \"http://r/\" "
			     "\"UA \\\"quoted\\\"\"\n") != NULL, "%s", buf);
	/* Nothing known: "-" for the client, the request, the byte count and the fields. */
	ck_assert_msg(strstr(buf, "\n- - - [") && strstr(buf, "] \"-\" 400 - \"-\" \"-\"\n"), "%s", buf);
}
END_TEST

/* Combined's third field: the authenticated user, escaped as client text is; cut at 1 KB. */
START_TEST(test_access_user)
{
	static char longuser[3000];

	memset(longuser, 'u', sizeof(longuser) - 1);
	open_logs();
	log_access(&(struct log_access_rec){ .client = "192.0.2.1", .user = "alice", .status = 200 });
	log_access(&(struct log_access_rec){ .client = "192.0.2.2", .user = "a\"b\x01", .status = 200 });
	log_access(&(struct log_access_rec){ .client = "192.0.2.3", .user = longuser, .status = 200 });
	slurp(alog);
	ck_assert_msg(strncmp(buf, "192.0.2.1 - alice [", 19) == 0, "%s", buf);
	ck_assert_msg(strstr(buf, "\n192.0.2.2 - a\\\"b\\x01 [") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\n192.0.2.3 - uuuu") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "u [") - strstr(buf, "\n192.0.2.3 - ") == 13 + 1023, "%s", buf); /* 1024 bytes of it */
}
END_TEST

/* Fields longer than their share of the line are cut, never overflow it. */
START_TEST(test_access_long_fields)
{
	static char big[70000], longuser[5000];
	size_t n;

	memset(big, '"', sizeof(big));
	memset(longuser, '"', sizeof(longuser) - 1);
	open_logs();
	log_access(&(struct log_access_rec){
		.client = "c", .request_line = big, .request_line_len = sizeof(big), .status = 200,
		.referer = big, .referer_len = sizeof(big), .user_agent = big, .user_agent_len = sizeof(big),
		.user = longuser,
	});
	n = slurp(alog);
	ck_assert_uint_lt(n, 4096 * 3);
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + n - 1);
	ck_assert_msg(strstr(buf, "\" 200 - \"") != NULL, "%.200s", buf);
}
END_TEST

/* Reopen: the new file takes the old descriptor's number; -1 leaves a log as it is. */
START_TEST(test_adopt)
{
	char elog2[160], alog2[160];
	int efd, afd, e2, a2;

	snprintf(elog2, sizeof(elog2), "%s/error.log.new", dir);
	snprintf(alog2, sizeof(alog2), "%s/access.log.new", dir);
	/* No logs yet: adopted descriptors are taken as they are. */
	e2 = open(elog2, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(e2, 0);
	log_adopt(e2, -1);
	ck_assert_int_eq(log_error_fd(), e2);
	ck_assert_int_eq(log_access_fd(), -1);
	log_close();

	open_logs();
	efd = log_error_fd();
	afd = log_access_fd();
	e2 = open(elog2, O_WRONLY | O_APPEND | O_CLOEXEC);
	a2 = open(alog2, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	ck_assert_int_ge(e2, 0);
	ck_assert_int_ge(a2, 0);
	log_adopt(e2, a2);
	ck_assert_int_eq(log_error_fd(), efd);
	ck_assert_int_eq(log_access_fd(), afd);
	ck_assert_int_eq(fcntl(e2, F_GETFD), -1); /* the adopted copies are closed */
	ck_assert_int_eq(fcntl(efd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	log_error(LOG_ERR, "after the reopen");
	log_access(&(struct log_access_rec){ .status = 204 });
	log_adopt(-1, -1);
	ck_assert_int_eq(log_error_fd(), efd);
	ck_assert_uint_eq(slurp(elog), 0);
	slurp(elog2);
	ck_assert_msg(strstr(buf, "after the reopen\n") != NULL, "%s", buf);
	slurp(alog2);
	ck_assert_msg(strstr(buf, "\" 204 - ") != NULL, "%s", buf);
}
END_TEST

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct esc_case {
	int line;
	const char *desc;
	const char *in;
	size_t len;         /* of in (it may hold NUL) */
	size_t cap;         /* room in the output */
	const char *want;   /* output */
	size_t used;        /* input bytes taken */
} cases[] = {
#define S(s) s, sizeof(s) - 1
	{ __LINE__, "plain text untouched", S("GET / HTTP/1.1"), 64, "GET / HTTP/1.1", 14 },
	{ __LINE__, "empty", S(""), 64, "", 0 },
	{ __LINE__, "quote", S("a\"b"), 64, "a\\\"b", 3 },
	{ __LINE__, "backslash (a literal \\x1b stays distinguishable)", S("\\x1b"), 64, "\\\\x1b", 4 },
	{ __LINE__, "CR", S("a\rb"), 64, "a\\x0db", 3 },
	{ __LINE__, "LF cannot end the line", S("a\nb"), 64, "a\\x0ab", 3 },
	{ __LINE__, "ESC sequence (clear screen)", S("a\rb\x1b[2Jc"), 64, "a\\x0db\\x1b[2Jc", 8 },
	{ __LINE__, "NUL", "a\0b", 3, 64, "a\\x00b", 3 },
	{ __LINE__, "tab", S("\t"), 64, "\\x09", 1 },
	{ __LINE__, "DEL", S("\x7f"), 64, "\\x7f", 1 },
	{ __LINE__, "high bytes (UTF-8)", S("\xc3\xa9"), 64, "\\xc3\\xa9", 2 },
	{ __LINE__, "0xff", S("\xff"), 64, "\\xff", 1 },
	{ __LINE__, "space and tilde are printable", S(" ~"), 64, " ~", 2 },
	/* room */
	{ __LINE__, "stops at the room", S("abcdef"), 4, "abcd", 4 },
	{ __LINE__, "no room at all", S("abc"), 0, "", 0 },
	{ __LINE__, "an escape is not cut (3 of 4)", S("ab\x1b"), 5, "ab", 2 },
	{ __LINE__, "an escape that fits exactly", S("ab\x1b"), 6, "ab\\x1b", 3 },
	{ __LINE__, "a quote is not cut", S("a\""), 2, "a", 1 },
	{ __LINE__, "a quote that fits exactly", S("a\""), 3, "a\\\"", 2 },
#undef S
};

START_TEST(test_escape)
{
	const struct esc_case *c = &cases[_i];
	char out[128];
	size_t used = 999, n;

	memset(out, 'Z', sizeof(out));
	n = log_escape(out, c->cap, c->in, c->len, &used);
	ck_assert_msg(n == strlen(c->want) && memcmp(out, c->want, n) == 0,
		      "line %d (%s): \"%.*s\", want \"%s\"", c->line, c->desc, (int)n, out, c->want);
	ck_assert_msg(used == c->used, "line %d (%s): used %zu, want %zu",
		      c->line, c->desc, used, c->used);
	ck_assert_msg(out[n] == 'Z', "line %d (%s): wrote past its answer", c->line, c->desc);
	ck_assert_msg(n <= c->cap, "line %d (%s): %zu bytes in %zu", c->line, c->desc, n, c->cap);
}
END_TEST

/* Every byte value: the output is printable ASCII and undoes to the input. */
START_TEST(test_every_byte)
{
	for (int b = 0; b < 256; b++) {
		char in = (char)b, out[8];
		size_t used, n = log_escape(out, sizeof(out), &in, 1, &used);
		unsigned back;

		ck_assert_uint_eq(used, 1);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(out[i] >= 0x20 && out[i] < 0x7f, "byte %#x: %#x in the output",
				      b, (unsigned char)out[i]);
		if (n == 1)
			back = (unsigned char)out[0];
		else if (n == 2)
			back = (unsigned char)out[1];
		else
			ck_assert_int_eq(sscanf(out + 2, "%2x", &back), 1);
		ck_assert_msg(back == (unsigned)b, "byte %#x comes back as %#x", b, back);
	}
}
END_TEST

/* used may be NULL (the access log does not need it). */
START_TEST(test_used_null)
{
	char out[16];

	ck_assert_uint_eq(log_escape(out, sizeof(out), "a\rb", 3, NULL), 6);
	ck_assert(memcmp(out, "a\\x0db", 6) == 0);
}
END_TEST


/* ---- the access-log buffer ---- */

static int dg[2];       /* the access "file": each write(2) is one datagram at dg[1] */

static void setup_buf(void)
{
	setup();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dg), 0);
	log_adopt(-1, dg[0]); /* no access log yet: taken as it is */
}

static void teardown_buf(void)
{
	log_access_buffer(0);
	log_close();
	close(dg[1]);
	teardown();
}

/* One access-log line with a request line of rl_len bytes; the whole line's length. */
static void line_of(size_t rl_len)
{
	static char rl[20000];

	ck_assert_uint_le(rl_len, sizeof(rl));
	memset(rl, 'a', rl_len);
	log_access(&(struct log_access_rec){ .client = "c", .when = 0, .request_line = rl,
					     .request_line_len = rl_len, .status = 200 });
}

/* The next write(2) the log made, or 0 when none waits; every one ends a line. */
static size_t next_write(int fd)
{
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return 0;
	}
	ck_assert_msg(n > 0 && buf[n - 1] == '\n', "a write that ends inside a line");
	buf[n] = '\0';
	return (size_t)n;
}

/* The length of a line of rl_len request bytes, measured unbuffered. */
static size_t line_len(size_t rl_len)
{
	size_t n;

	line_of(rl_len);
	n = next_write(dg[1]);
	ck_assert_uint_gt(n, rl_len < 4096 ? rl_len : 4096); /* the request line is cut at 4096 */
	return n;
}

static const struct buf_case {
	int line;
	const char *desc;
	int cap_lines, cap_extra;  /* buffer: cap_lines whole lines + cap_extra bytes */
	int nlines;                /* lines logged (each the same length) */
	int writes[4];             /* lines per write before log_flush(), 0-ended */
	int on_flush;              /* lines the flush writes */
} buf_cases[] = {
	{ __LINE__, "off: a write per line",                      0, 0, 3, { 1, 1, 1, 0 }, 0 },
	{ __LINE__, "3 lines fit: held until the flush",          3, 0, 3, { 0 }, 3 },
	{ __LINE__, "the 4th does not fit: 3 go together",        3, 0, 4, { 3, 0 }, 1 },
	{ __LINE__, "room for 2.5: never part of a line",         2, 50, 5, { 2, 2, 0 }, 1 },
	{ __LINE__, "one byte short of a line: each on its own",  1, -1, 2, { 1, 1, 0 }, 0 },
	{ __LINE__, "exactly one line: held",                     1, 0, 1, { 0 }, 1 },
};

START_TEST(test_buf_lines)
{
	const struct buf_case *c = &buf_cases[_i];
	size_t len = line_len(100), cap = (size_t)c->cap_lines * len, n;
	int i;

	if (cap)
		cap = (size_t)((long)cap + c->cap_extra);
	log_access_buffer(cap);
	for (i = 0; i < c->nlines; i++)
		line_of(100);
	for (i = 0; c->writes[i]; i++) {
		n = next_write(dg[1]);
		ck_assert_msg(n == (size_t)c->writes[i] * len, "line %d (%s): write %d: %zu bytes, want %d lines",
			      c->line, c->desc, i, n, c->writes[i]);
	}
	ck_assert_msg(next_write(dg[1]) == 0, "line %d (%s): more writes than expected", c->line, c->desc);
	ck_assert_msg((log_flush_due_ms() >= 0) == (c->on_flush > 0), "line %d (%s): due %d",
		      c->line, c->desc, log_flush_due_ms());
	log_flush();
	n = next_write(dg[1]);
	ck_assert_msg(n == (size_t)c->on_flush * len, "line %d (%s): the flush wrote %zu, want %d lines",
		      c->line, c->desc, n, c->on_flush);
	ck_assert_int_eq(log_flush_due_ms(), -1);
	ck_assert_uint_eq(next_write(dg[1]), 0); /* a flush of nothing writes nothing */
	log_flush();
	ck_assert_uint_eq(next_write(dg[1]), 0);
}
END_TEST

/* A line too big for the buffer: what is buffered first, then it alone, in order. */
START_TEST(test_buf_big_line_in_order)
{
	size_t small = line_len(10), big = line_len(6000);

	log_access_buffer(2 * small + 1);
	line_of(10);
	ck_assert_uint_eq(next_write(dg[1]), 0);
	line_of(6000);
	ck_assert_uint_eq(next_write(dg[1]), small);
	ck_assert_uint_eq(next_write(dg[1]), big);
	ck_assert_uint_eq(next_write(dg[1]), 0);
	ck_assert_int_eq(log_flush_due_ms(), -1);
}
END_TEST

/* A busy worker that never waits: a line a second old goes out with the next one. */
START_TEST(test_buf_second_old)
{
	size_t len = line_len(10);
	int due;

	log_access_buffer(4096);
	line_of(10);
	due = log_flush_due_ms();
	ck_assert_msg(due > 0 && due <= LOG_FLUSH_MS, "due %d", due);
	usleep((LOG_FLUSH_MS + 50) * 1000);
	ck_assert_int_eq(log_flush_due_ms(), 0);
	ck_assert_uint_eq(next_write(dg[1]), 0); /* nothing writes on its own: the wait's timeout does */
	line_of(10);
	ck_assert_uint_eq(next_write(dg[1]), 2 * len);
	ck_assert_int_eq(log_flush_due_ms(), -1);
}
END_TEST

/* Reopen: what was buffered goes to the old file, before the switch; turning it off writes too. */
START_TEST(test_buf_adopt_flushes_first)
{
	int nd[2];
	size_t len = line_len(10);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, nd), 0);
	log_access_buffer(4096);
	line_of(10);
	line_of(10);
	log_adopt(-1, dup(nd[0]));
	ck_assert_uint_eq(next_write(dg[1]), 2 * len);
	line_of(10);
	ck_assert_uint_eq(next_write(nd[1]), 0);
	log_access_buffer(0);
	ck_assert_uint_eq(next_write(nd[1]), len);
	ck_assert_uint_eq(next_write(dg[1]), 0);
	close(nd[0]);
	close(nd[1]);
}
END_TEST

/*
 * A reopen signal that lands while the buffer is being written (SIGUSR1 runs
 * log_adopt in a worker's handler): it must not write the buffer again nor
 * switch files under the write; the lines in flight go once to the old file, the parked
 * descriptors are adopted right after it (an older parked one closed),
 * and the next line goes to the newest file. The old "file" is a stream
 * socket kept full, so the write blocks until the timer's handler drains it.
 */
static int st[2], park1[2], park2[2];
static volatile sig_atomic_t ticks;
static size_t drained;

static void drain(void)
{
	char sink[4096];
	ssize_t n;

	while ((n = recv(st[1], sink, sizeof(sink), MSG_DONTWAIT)) > 0)
		drained += (size_t)n;
}

static void on_tick(int sig)
{
	(void)sig;
	drain(); /* first, so a handler that wrote the buffer again would be seen */
	if (++ticks == 1) {
		log_adopt(-1, park1[0]);
		log_adopt(-1, park2[0]);
	}
}

START_TEST(test_buf_adopt_during_write)
{
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
	struct itimerval every = { { 0, 20000 }, { 0, 20000 } }, off = { { 0, 0 }, { 0, 0 } };
	int small = 4096, fd_old;
	char fill[1024];
	size_t big = line_len(16000), small_line = line_len(10), filled = 0;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, park1), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, park2), 0);
	ck_assert_int_eq(setsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	fd_old = log_access_fd();
	ck_assert_int_eq(dup2(st[0], fd_old), fd_old); /* the log's descriptor is the stream now */
	memset(fill, 'f', sizeof(fill));
	while ((n = send(st[0], fill, sizeof(fill), MSG_DONTWAIT)) > 0)
		filled += (size_t)n;
	log_access_buffer(8192);
	line_of(16000);
	ck_assert_int_eq(next_write(dg[1]), 0); /* buffered */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &every, NULL), 0);
	log_flush(); /* blocks until the ticks drain the old file */
	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
	ck_assert_int_ge(ticks, 1);
	ck_assert_msg(fcntl(park1[0], F_GETFD) < 0 && errno == EBADF, "the older parked log stayed open");
	/* The line in flight went whole to the old file, and nothing else did. */
	drain();
	ck_assert_uint_eq(drained, filled + big);
	/* The next line goes to the newest file, through the same descriptor number. */
	ck_assert_int_eq(log_access_fd(), fd_old);
	line_of(10);
	log_flush();
	ck_assert_uint_eq(next_write(park2[1]), small_line); /* that line alone: nothing went twice */
	ck_assert_uint_eq(next_write(park2[1]), 0);
	drain();
	ck_assert_uint_eq(drained, filled + big);
	ck_assert_uint_eq(next_write(park1[1]), 0);
}
END_TEST

/* ---- virtual hosts' logs (issue 9) ---- */

/*
 * Three vhosts: a has its own access and error logs, b shares a's access
 * log and has no error log of its own (the top level's), c names the top
 * level's access log.
 */
static char va_acc[160], va_err[160], vbad[160];
static struct conf_site vs[3];

static void setup_vhosts(void)
{
	setup();
	snprintf(va_acc, sizeof(va_acc), "%s/a.access.log", dir);
	snprintf(va_err, sizeof(va_err), "%s/a.error.log", dir);
	snprintf(vbad, sizeof(vbad), "%s/missing/x.log", dir);
	memset(vs, 0, sizeof(vs));
	vs[0] = (struct conf_site){ .server_name = "a.test", .access_log = va_acc, .error_log = va_err,
				    .line = 20 };
	vs[1] = (struct conf_site){ .server_name = "b.test", .access_log = va_acc, .line = 30 };
	vs[2] = (struct conf_site){ .server_name = "c.test", .access_log = alog, .line = 40 };
	vs[0].lines.access_log = 21;
	cf.vhosts = vs;
	cf.nvhosts = 3;
}

static void log_one(size_t site, const char *client)
{
	log_set_site(site);
	log_access(&(struct log_access_rec){ .client = client, .status = 200 });
	log_error(LOG_ERR, "error from %s", client);
	log_set_site(0);
}

/* How often needle occurs in the file. */
static int count_in(const char *path, const char *needle)
{
	int n = 0;

	slurp(path);
	for (const char *p = buf; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

START_TEST(test_vhost_routing)
{
	open_logs();
	/* One descriptor per distinct file: the top level's two and a's two. */
	ck_assert_uint_eq(log_slots(), 4);
	log_one(0, "top");
	log_one(1, "va");
	log_one(2, "vb");
	log_one(3, "vc");
	log_one(99, "nosuch"); /* a site the table does not have: the top level's */
	log_error(LOG_ERR, "after the request");
	ck_assert_int_eq(count_in(alog, "top - -"), 1);
	ck_assert_int_eq(count_in(alog, "vc - -"), 1);
	ck_assert_int_eq(count_in(alog, "nosuch - -"), 1);
	ck_assert_int_eq(count_in(alog, "va - -") + count_in(alog, "vb - -"), 0);
	ck_assert_int_eq(count_in(va_acc, "va - -"), 1);
	ck_assert_int_eq(count_in(va_acc, "vb - -"), 1);
	ck_assert_int_eq(count_in(va_acc, "top - -") + count_in(va_acc, "vc - -"), 0);
	/* a's error lines in its own error log; b's and c's in the top level's. */
	ck_assert_int_eq(count_in(va_err, "error from va"), 1);
	ck_assert_int_eq(count_in(va_err, "error from"), 1);
	ck_assert_int_eq(count_in(va_err, "after the request"), 0);
	ck_assert_int_eq(count_in(elog, "error from va"), 0);
	ck_assert_int_eq(count_in(elog, "error from vb"), 1);
	ck_assert_int_eq(count_in(elog, "error from vc"), 1);
	ck_assert_int_eq(count_in(elog, "error from top"), 1);
	ck_assert_int_eq(count_in(elog, "after the request"), 1);
}
END_TEST

START_TEST(test_vhost_open_errors)
{
	static const struct {
		int line;
		const char *desc;
		int vhost;                /* which one gets the bad file */
		bool error_log;           /* its error_log (else its access_log) */
		const char *want;
	} rows[] = {
		{ __LINE__, "access_log, with its line", 0, false,
		  "/etc/pfhttpd/t.conf:21: vhost 'a.test': cannot open access_log '" },
		{ __LINE__, "error_log, the vhost's line", 0, true,
		  "/etc/pfhttpd/t.conf:20: vhost 'a.test': cannot open error_log '" },
		{ __LINE__, "the third vhost", 2, false,
		  "/etc/pfhttpd/t.conf:40: vhost 'c.test': cannot open access_log '" },
	};
	char err[512];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct conf_site *v = &vs[rows[i].vhost];
		char *keep = rows[i].error_log ? v->error_log : v->access_log;

		*(rows[i].error_log ? &v->error_log : &v->access_log) = vbad;
		err[0] = '\0';
		ck_assert_msg(log_open(&cf, err, sizeof(err)) == -1, "line %d (%s): opened",
			      rows[i].line, rows[i].desc);
		ck_assert_msg(strstr(err, rows[i].want) == err, "line %d (%s): %s",
			      rows[i].line, rows[i].desc, err);
		ck_assert_int_eq(log_error_fd(), -1);
		ck_assert_uint_eq(log_slots(), LOG_SLOT_FIRST_VHOST);
		*(rows[i].error_log ? &v->error_log : &v->access_log) = keep;
	}
	/* And a good table replaces a good one, every file still reachable. */
	open_logs();
	open_logs();
	ck_assert_uint_eq(log_slots(), 4);
	ck_assert_int_ge(log_slot_fd(2), 0);
	ck_assert_int_ge(log_slot_fd(3), 0);
	ck_assert_int_eq(log_slot_fd(4), -1);
}
END_TEST

/* SIGUSR1 for the vhosts' files: log_adopt_slots swaps them in place. */
START_TEST(test_vhost_adopt)
{
	char moved[200];
	int fds[3], nums[2];

	open_logs();
	nums[0] = log_slot_fd(2);
	nums[1] = log_slot_fd(3);
	log_one(1, "before");
	snprintf(moved, sizeof(moved), "%s.1", va_acc);
	ck_assert_int_eq(rename(va_acc, moved), 0);
	fds[0] = open(va_acc, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	fds[1] = -1;                                 /* left as it is */
	fds[2] = dup(fds[0]);                        /* a slot the table lacks: closed */
	ck_assert_int_ge(fds[0], 0);
	ck_assert_int_ge(fds[2], 0);
	/* Which of slots 2 and 3 is a's access log: the one whose file moved. */
	{
		struct stat a, b;
		ck_assert_int_eq(fstat(log_slot_fd(2), &a), 0);
		ck_assert_int_eq(stat(moved, &b), 0);
		if (a.st_ino != b.st_ino) {
			fds[1] = fds[0];
			fds[0] = -1;
		}
	}
	log_adopt_slots(2, fds, 3);
	ck_assert_msg(fcntl(fds[2], F_GETFD) < 0 && errno == EBADF, "a slot too many kept its fd");
	ck_assert_int_eq(log_slot_fd(2), nums[0]);   /* the same numbers */
	ck_assert_int_eq(log_slot_fd(3), nums[1]);
	log_one(2, "after");
	ck_assert_int_eq(count_in(moved, "before - -"), 1);
	ck_assert_int_eq(count_in(moved, "after - -"), 0);
	ck_assert_int_eq(count_in(va_acc, "after - -"), 1);
	ck_assert_int_eq(count_in(va_acc, "before - -"), 0);
}
END_TEST

/* Each access file has its own buffer; each waits at most LOG_FLUSH_MS. */
START_TEST(test_vhost_buffers)
{
	open_logs();
	log_access_buffer(8192);
	ck_assert_int_eq(log_flush_due_ms(), -1);
	log_one(0, "top");
	log_one(1, "va");
	ck_assert_int_eq(count_in(alog, "top - -"), 0);   /* both held */
	ck_assert_int_eq(count_in(va_acc, "va - -"), 0);
	ck_assert_int_ge(log_flush_due_ms(), 0);
	ck_assert_int_le(log_flush_due_ms(), LOG_FLUSH_MS);
	/* A second on, a line for the top level writes both files: a's is due too. */
	usleep((LOG_FLUSH_MS + 50) * 1000);
	ck_assert_int_eq(log_flush_due_ms(), 0);
	log_one(0, "later");
	ck_assert_int_eq(count_in(alog, "top - -"), 1);
	ck_assert_int_eq(count_in(alog, "later - -"), 1);
	ck_assert_int_eq(count_in(va_acc, "va - -"), 1);
	ck_assert_int_eq(log_flush_due_ms(), -1);
	/* log_flush writes every file. */
	log_one(1, "vb");
	log_one(3, "vc");
	ck_assert_int_eq(count_in(va_acc, "vb - -"), 0);
	log_flush();
	ck_assert_int_eq(count_in(va_acc, "vb - -"), 1);
	ck_assert_int_eq(count_in(alog, "vc - -"), 1);
	ck_assert_int_eq(log_flush_due_ms(), -1);
	log_access_buffer(0);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");
	TCase *esc = tcase_create("escape");
	TCase *bufc = tcase_create("buffer");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 10);
	tcase_add_test(core, test_no_logs_configured);
	tcase_add_test(core, test_error_line_and_level);
	tcase_add_test(core, test_access_line);
	tcase_add_test(core, test_access_user);
	tcase_add_test(core, test_adopt);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 10);
	tcase_add_test(bad, test_open_errors);
	tcase_add_test(bad, test_error_long_cut);
	tcase_add_test(bad, test_access_long_fields);
	suite_add_tcase(s, bad);

	{
		TCase *vh = tcase_create("vhosts");

		tcase_add_checked_fixture(vh, setup_vhosts, teardown);
		tcase_set_timeout(vh, 10);
		tcase_add_test(vh, test_vhost_routing);
		tcase_add_test(vh, test_vhost_open_errors);
		tcase_add_test(vh, test_vhost_adopt);
		tcase_add_test(vh, test_vhost_buffers);
		suite_add_tcase(s, vh);
	}

	tcase_add_checked_fixture(bufc, setup_buf, teardown_buf);
	tcase_set_timeout(bufc, 10);
	tcase_add_loop_test(bufc, test_buf_lines, 0, NELEM(buf_cases));
	tcase_add_test(bufc, test_buf_big_line_in_order);
	tcase_add_test(bufc, test_buf_second_old);
	tcase_add_test(bufc, test_buf_adopt_flushes_first);
	tcase_add_test(bufc, test_buf_adopt_during_write);
	suite_add_tcase(s, bufc);

	tcase_set_timeout(esc, 5);
	tcase_add_loop_test(esc, test_escape, 0, NELEM(cases));
	tcase_add_test(esc, test_every_byte);
	tcase_add_test(esc, test_used_null);
	suite_add_tcase(s, esc);
	return s;
}

int main(void)
{
	return unit_run(log_suite());
}
