/*
 * check_static — the static path's performance machinery, observed from
 * outside: a small response leaves in one TCP segment; bodies on either
 * side of the inline limit (16 KiB), ranges across it and HEAD are exact;
 * and the open-file cache never serves a file longer than its second: a
 * file rewritten, replaced, deleted, made unreadable, swapped for a
 * symlink out of the root or for a directory, or a directory whose index
 * changed, is noticed from a second after the change (issue 8), even one
 * rewritten in place with its size and mtime kept; a small file's bytes
 * are kept in its entry, so its answers (200, 206, HEAD) read no file; a
 * client gone before its answer is logged with nothing sent; and a worker
 * holds no more descriptors than a quarter of its limit allows.
 * One worker, so every request meets the same cache.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The cache believes an entry this long (src/fcache.h FCACHE_TTL_MS), plus a margin. */
#define TTL_MS 1000
#define NOTICED_MS (TTL_MS + 150)
#define ONE_WORKER "workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 0; };\n"

static struct hs_server srv;
static struct hs_response resp;

static void root_path(const char *rel, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", srv.root, rel);
}

/* size bytes of a pattern that differs per size, so a wrong file or offset shows. */
static void pattern(char *buf, size_t size)
{
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)('a' + (i * 7 + size) % 26);
}

static const size_t sizes[] = { 1, 1024, 16383, 16384, 16385, 100000 };

static void put_sized(size_t size)
{
	static char buf[100000];
	char rel[64];

	pattern(buf, size);
	snprintf(rel, sizeof rel, "htdocs/s-%zu.bin", size);
	if (hs_put(&srv, rel, buf, size) == -1)
		ck_abort_msg("cannot write %s", rel);
}

static void put_text(const char *rel, const char *text)
{
	if (hs_put_str(&srv, rel, text) == -1)
		ck_abort_msg("cannot write %s", rel);
}

static void setup(void)
{
	char msg[4096];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	for (int i = 0; i < NELEM(sizes); i++)
		put_sized(sizes[i]);
	put_text("htdocs/listing/a.txt", "listed\n");
	if (hs_start(&srv, ONE_WORKER "locations = ( { path = \"/listing/\"; autoindex = true; } );\n",
		     msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static void get(const char *path)
{
	char req[512];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "GET %s: no response", path);
}

/* ---- one segment --------------------------------------------------------- */

/* Data segments the client socket has received so far (RFC 4898 tcpEStatsDataSegsIn). */
static unsigned data_segs_in(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	ck_assert_msg(len >= offsetof(struct tcp_info, tcpi_data_segs_in) + sizeof(ti.tcpi_data_segs_in),
		      "kernel's tcp_info has no tcpi_data_segs_in");
	return ti.tcpi_data_segs_in;
}

/*
 * A small response is one segment: head and body leave in one writev. Sent
 * as head then body (sendmsg, sendfile) with TCP_NODELAY, it was two.
 */
START_TEST(test_one_segment)
{
	static struct hs_conn c;
	const char *req = "GET /s-1024.bin HTTP/1.1\r\nHost: localhost\r\n\r\n";

	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < 3; i++) { /* the first fills the cache; all the same */
		unsigned before = data_segs_in(c.fd), after;
		ck_assert_int_eq(hs_send_str(c.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_uint_eq(resp.body_len, 1024);
		after = data_segs_in(c.fd);
		ck_assert_msg(after - before == 1, "request %d: response in %u segments", i, after - before);
	}
	hs_conn_close(&c);
}
END_TEST

/* ---- bodies around the inline limit ------------------------------------ */

struct body_case {
	int line;
	const char *desc;
	size_t size;                 /* of s-SIZE.bin */
	const char *range;           /* a Range field value, or NULL */
	int status;
	size_t first, len;           /* the bytes expected */
	bool kept;                   /* test_kept: answered with no file read */
};

/* A GET of s-SIZE.bin, with a Range field when range is not NULL. */
static void range_req(char *req, size_t cap, const struct body_case *bc)
{
	snprintf(req, cap, "GET /s-%zu.bin HTTP/1.1\r\nHost: localhost\r\n%s%s%s\r\n", bc->size,
		 bc->range ? "Range: " : "", bc->range ? bc->range : "", bc->range ? "\r\n" : "");
}

static const struct body_case body_cases[] = {
	{ __LINE__, "one byte",                       1,      NULL, 200, 0, 1, false },
	{ __LINE__, "1 KB",                           1024,   NULL, 200, 0, 1024, false },
	{ __LINE__, "one under the inline limit",     16383,  NULL, 200, 0, 16383, false },
	{ __LINE__, "at the inline limit",            16384,  NULL, 200, 0, 16384, false },
	{ __LINE__, "one over: the last byte by sendfile", 16385, NULL, 200, 0, 16385, false },
	{ __LINE__, "large: inline part then sendfile", 100000, NULL, 200, 0, 100000, false },
	{ __LINE__, "range across the limit",         16385,  "bytes=16380-16384", 206, 16380, 5, false },
	{ __LINE__, "range starting past the limit",  100000, "bytes=50000-50009", 206, 50000, 10, false },
	{ __LINE__, "range over the limit, large",    100000, "bytes=10-40009", 206, 10, 40000, false },
	{ __LINE__, "suffix range",                   100000, "bytes=-7", 206, 99993, 7, false },
	{ __LINE__, "whole file as a range",          16384,  "bytes=0-", 206, 0, 16384, false },
	{ __LINE__, "range of a small file",          1024,   "bytes=1000-1023", 206, 1000, 24, false },
};

START_TEST(test_body)
{
	const struct body_case *bc = &body_cases[_i];
	static char want[100000];
	char req[512], cl[32];

	pattern(want, bc->size);
	/* Twice: once resolved afresh, once from the cache. */
	for (int round = 0; round < 2; round++) {
		range_req(req, sizeof req, bc);
		ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "line %d (%s): no response",
			      bc->line, bc->desc);
		ck_assert_msg(resp.status == bc->status, "line %d (%s): status %d", bc->line, bc->desc,
			      resp.status);
		snprintf(cl, sizeof cl, "%zu", bc->len);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), cl);
		ck_assert_msg(resp.body_len == bc->len && memcmp(resp.body, want + bc->first, bc->len) == 0,
			      "line %d (%s): wrong body (%zu bytes)", bc->line, bc->desc, resp.body_len);
	}
}
END_TEST

/*
 * HEAD, 304 and 416 send no body whatever the size, and keep the framing:
 * the next response on the connection is read whole.
 */
START_TEST(test_no_body)
{
	static struct hs_conn c;
	char req[512];
	const char *etag;
	char tag[128];

	get("/s-100000.bin");
	ck_assert_int_eq(resp.status, 200);
	etag = hs_hdr(&resp, "ETag");
	ck_assert_ptr_nonnull(etag);
	snprintf(tag, sizeof tag, "%s", etag);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(hs_send_str(c.fd, "HEAD /s-100000.bin HTTP/1.1\r\nHost: l\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, true, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), "100000");
		ck_assert_uint_eq(resp.body_len, 0);
		ck_assert_int_eq(hs_send_str(c.fd, "HEAD /s-16384.bin HTTP/1.1\r\nHost: l\r\n"
					     "Range: bytes=5-9\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, true, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 206);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), "5");
		snprintf(req, sizeof req, "GET /s-100000.bin HTTP/1.1\r\nHost: l\r\nIf-None-Match: %s\r\n\r\n", tag);
		ck_assert_int_eq(hs_send_str(c.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, true, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 304);
		ck_assert_ptr_null(hs_hdr(&resp, "Content-Length"));
		ck_assert_int_eq(hs_send_str(c.fd, "GET /s-16385.bin HTTP/1.1\r\nHost: l\r\n"
					     "Range: bytes=20000-\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 416);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Range"), "bytes */16385");
		ck_assert_int_eq(hs_send_str(c.fd, "GET /s-1.bin HTTP/1.1\r\nHost: l\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_uint_eq(resp.body_len, 1);
	}
	hs_conn_close(&c);
}
END_TEST

/* ---- the open-file cache notices changes -------------------------------- */

enum change { REWRITE, SAME_SIZE_MTIME, RENAME, TRUNCATE, DELETE, CHMOD0, SYMLINK_OUT, TO_DIR, INDEX_SWAP, INDEX_GONE };

struct change_case {
	int line;
	const char *desc;
	const char *url;             /* what is asked for */
	const char *file;            /* below htdocs: what is there before, and changed */
	enum change how;
	int status;                  /* after the change */
	const char *body;            /* after the change, or NULL: not checked */
};

static const struct change_case change_cases[] = {
	{ __LINE__, "rewritten in place, longer", "/c-rewrite.txt", "c-rewrite.txt", REWRITE, 200,
	  "new content, longer than before\n" },
	{ __LINE__, "rewritten in place, same size and mtime (its bytes were kept)", "/c-same.txt",
	  "c-same.txt", SAME_SIZE_MTIME, 200, "NEW-c-same.txt\n" },
	{ __LINE__, "replaced by rename, same size", "/c-rename.txt", "c-rename.txt", RENAME, 200,
	  "NEW-c-rename.txt\n" },
	{ __LINE__, "truncated in place", "/c-trunc.txt", "c-trunc.txt", TRUNCATE, 200, "" },
	{ __LINE__, "deleted", "/c-delete.txt", "c-delete.txt", DELETE, 404, NULL },
	{ __LINE__, "swapped for a symlink out of the root", "/c-link.txt", "c-link.txt", SYMLINK_OUT,
	  403, NULL },
	{ __LINE__, "swapped for a directory", "/c-dir", "c-dir", TO_DIR, 301, NULL },
	{ __LINE__, "directory's index.html gone, index.htm there", "/c-ix/", "c-ix/index.html",
	  INDEX_SWAP, 200, "the index.htm\n" },
	{ __LINE__, "directory's only index gone", "/c-ix2/", "c-ix2/index.html", INDEX_GONE, 403,
	  NULL },
};

/*
 * Overwrite path's bytes with text (as long as they are) in place, and set
 * its times back: only the content differs from what the cache saw (the
 * hazard of a content cache that trusts size and mtime).
 */
static void rewrite_keep_mtime(const char *path, const char *text)
{
	struct stat st;
	struct timespec times[2];
	int fd;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq((size_t)st.st_size, strlen(text));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	ck_assert_int_eq(futimens(fd, times), 0);
	close(fd);
}

static void change(const struct change_case *cc)
{
	char path[HS_PATH * 2], tmp[HS_PATH * 2 + 8], rel[HS_PATH];
	char *slash;

	snprintf(rel, sizeof rel, "htdocs/%s", cc->file);
	root_path(rel, path, sizeof path);
	switch (cc->how) {
	case REWRITE:
		put_text(rel, cc->body);
		break;
	case SAME_SIZE_MTIME:
		rewrite_keep_mtime(path, cc->body);
		break;
	case RENAME:
		ck_assert_int_eq(hs_put_str(&srv, "htdocs/rename.tmp", cc->body), 0);
		root_path("htdocs/rename.tmp", tmp, sizeof tmp);
		ck_assert_int_eq(rename(tmp, path), 0);
		break;
	case TRUNCATE:
		ck_assert_int_eq(truncate(path, 0), 0);
		break;
	case DELETE:
	case INDEX_GONE:
		ck_assert_int_eq(unlink(path), 0);
		break;
	case CHMOD0:
		ck_assert_int_eq(chmod(path, 0), 0);
		break;
	case SYMLINK_OUT:
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(symlink("../secret.txt", path), 0);
		break;
	case TO_DIR:
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	case INDEX_SWAP:
		ck_assert_int_eq(unlink(path), 0);
		slash = strrchr(rel, '/');
		snprintf(slash + 1, sizeof rel - (size_t)(slash + 1 - rel), "index.htm");
		put_text(rel, cc->body);
		break;
	}
}

static void check_changed(const struct change_case *cc, const char *when)
{
	get(cc->url);
	ck_assert_msg(resp.status == cc->status, "line %d (%s) %s: status %d, want %d",
		      cc->line, cc->desc, when, resp.status, cc->status);
	if (cc->body)
		ck_assert_msg(resp.body_len == strlen(cc->body) && memcmp(resp.body, cc->body, resp.body_len) == 0,
			      "line %d (%s) %s: stale body %.60s", cc->line, cc->desc, when, resp.body);
	ck_assert_msg(!hs_contains(resp.body, resp.body_len, srv.secret),
		      "line %d (%s) %s: the secret outside the root was served", cc->line, cc->desc, when);
}

START_TEST(test_change_noticed)
{
	const struct change_case *cc = &change_cases[_i];
	char rel[HS_PATH], old[HS_PATH];
	long long t0;

	snprintf(rel, sizeof rel, "htdocs/%s", cc->file);
	snprintf(old, sizeof old, "OLD-%s\n", cc->file);
	put_text(rel, old);
	/* The first request fills the worker's cache, the second is served from it. */
	get(cc->url);
	ck_assert_msg(resp.status == 200, "line %d: status %d before the change", cc->line, resp.status);
	get(cc->url);
	ck_assert_str_eq(resp.body, old);
	change(cc);
	t0 = hs_now_ms();
	/*
	 * Still inside the entry's second the cache may answer as before: these
	 * files are small, so their bytes were kept, and even one truncated is
	 * answered whole, consistently, with its old length and ETag (a file read
	 * for each answer that shrank is looked at again at once:
	 * test_shrunk_large). Never is a file out of the root sent.
	 */
	/* Any entry filled before the change has expired by now: every answer is the new one. */
	hs_sleep_ms((int)(t0 + NOTICED_MS - hs_now_ms()));
	for (int i = 0; i < 3; i++)
		check_changed(cc, "after a second");
}
END_TEST

/* A file that shrank under a fresh entry is resolved again, never sent short. */
START_TEST(test_shrunk_large)
{
	static char buf[100000];
	char path[HS_PATH * 2];

	pattern(buf, sizeof buf);
	ck_assert_int_eq(hs_put(&srv, "htdocs/shrink.bin", buf, sizeof buf), 0);
	get("/shrink.bin");
	get("/shrink.bin");
	ck_assert_uint_eq(resp.body_len, sizeof buf);
	root_path("htdocs/shrink.bin", path, sizeof path);
	ck_assert_int_eq(truncate(path, 100), 0);
	get("/shrink.bin");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_eq(resp.body_len, 100);
	ck_assert(memcmp(resp.body, buf, 100) == 0);
}
END_TEST

/*
 * A path too long to be a cache key (127 bytes and more) is served from a
 * descriptor of its own, closed after the response: a deletion shows at
 * once.
 */
START_TEST(test_long_path)
{
	char name[200], rel[256], url[256], path[HS_PATH * 2];

	memset(name, 'L', 150);
	memcpy(name + 150, ".txt", 5);
	snprintf(rel, sizeof rel, "htdocs/%s", name);
	snprintf(url, sizeof url, "/%s", name);
	put_text(rel, "long name\n");
	for (int i = 0; i < 2; i++) {
		get(url);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_str_eq(resp.body, "long name\n");
	}
	root_path(rel, path, sizeof path);
	ck_assert_int_eq(unlink(path), 0);
	get(url);
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* ---- a client that is gone before its answer ------------------------------ */

/* Bytes the server has not read yet on its end of the client socket fd (/proc/net/tcp), or -1. */
static long server_unread(int fd)
{
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	char line[512];
	long unread = -1;
	FILE *f;

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &len), 0);
	f = fopen("/proc/net/tcp", "r");
	ck_assert_msg(f != NULL, "cannot open /proc/net/tcp: %s", strerror(errno));
	while (fgets(line, sizeof line, f)) {
		unsigned lport, rport;
		unsigned long tx, rx;

		if (sscanf(line, " %*d: %*8s:%x %*8s:%x %*x %lx:%lx", &lport, &rport, &tx, &rx) == 4 &&
		    lport == (unsigned)srv.port && rport == ntohs(me.sin_port)) {
			unread = (long)rx;
			break;
		}
	}
	fclose(f);
	return unread;
}

static const struct gone_case {
	int line;
	const char *desc;
	const char *path;
	const char *logged;          /* its access-log line: the status, and "-" for no bytes sent */
} gone_cases[] = {
	{ __LINE__, "403: resolves outside the root", "/link-secret?gone", "403 -" },
	{ __LINE__, "403: not a regular file",        "/fifo?gone",        "403 -" },
	{ __LINE__, "301: a directory's slash",       "/sub?gone",         "301 -" },
	{ __LINE__, "403: no index, no listing",      "/noindex/?gone",    "403 -" },
	{ __LINE__, "200: a directory listing",       "/listing/?gone",    "200 -" },
	{ __LINE__, "200: a file read to send",       "/s-100000.bin?gone", "200 -" },
};

/* Send gc's request on a connection that waits in the listen queue behind a busy worker, then reset it. */
static void gone_request(const struct gone_case *gc)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	static struct hs_conn busy;
	char req[256];
	long long end;
	int gone;

	ck_assert_int_eq(hs_conn_open(&srv, &busy), 0);
	ck_assert_int_eq(hs_send_str(busy.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
				     "Content-Length: 1\r\n\r\n"), 0);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while (server_unread(busy.fd) != 0 && hs_now_ms() < end)
		hs_sleep_ms(10);
	ck_assert_msg(server_unread(busy.fd) == 0, "line %d: the worker did not read the first request",
		      gc->line);

	gone = hs_connect(&srv);
	ck_assert_int_ge(gone, 0);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", gc->path);
	ck_assert_int_eq(hs_send_str(gone, req), 0);
	ck_assert_int_eq(setsockopt(gone, SOL_SOCKET, SO_LINGER, &rst, sizeof rst), 0);
	close(gone); /* SO_LINGER 0: RST */

	ck_assert_int_eq(hs_send_str(busy.fd, "x"), 0);
	ck_assert_int_eq(hs_read_response(&busy, &resp, false, HS_TIMEOUT_MS), 0);
	ck_assert_str_eq(resp.body, HS_HELLO);
	hs_conn_close(&busy);
}

/*
 * A client that sends its request and resets the connection before the
 * answer (a browser tab closed, a crawler's timeout): the worker reads the
 * request, its answer meets the reset, and it goes on with the next
 * connection. The access log says what was sent: nothing ("-"), not the
 * size of the page it meant to send (Apache's %b counts bytes sent too).
 * To make sure the reset is there before the worker reads the request,
 * the only worker is kept busy first: another client's request waits for
 * its 1-byte body, and the gone client's connection waits in the listen
 * queue behind it. The log lines are read once all rows are done: the
 * worker writes them out within a second (log.h), once.
 */
START_TEST(test_client_gone)
{
	char fifo[HS_PATH * 2], want[256], found[1024];

	root_path("htdocs/fifo", fifo, sizeof fifo);
	ck_assert(mkfifo(fifo, 0644) == 0 || errno == EEXIST);
	for (int i = 0; i < NELEM(gone_cases); i++)
		gone_request(&gone_cases[i]);
	/* The worker goes on. */
	get("/hello.txt");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, HS_HELLO);
	for (int i = 0; i < NELEM(gone_cases); i++) {
		const struct gone_case *gc = &gone_cases[i];

		snprintf(want, sizeof want, "\"GET %s HTTP/1.1\" ", gc->path);
		ck_assert_msg(hs_wait_file_contains(srv.access_log, want, HS_TIMEOUT_MS),
			      "line %d (%s): no access-log line", gc->line, gc->desc);
		ck_assert(hs_find_line(srv.access_log, want, NULL, found, sizeof found));
		snprintf(want, sizeof want, "\"GET %s HTTP/1.1\" %s ", gc->path, gc->logged);
		ck_assert_msg(strstr(found, want) != NULL, "line %d (%s): logged '%s', want '%s'", gc->line,
			      gc->desc, found, want);
	}
}
END_TEST

/* ---- a small file's bytes are kept -------------------------------------- */

/* Bytes the worker has read through read(2)-like calls, sockets included (proc(5) rchar). */
static unsigned long long worker_rchar(pid_t pid)
{
	char path[64], line[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "rchar: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static const struct body_case kept_cases[] = {
	{ __LINE__, "1 KB",                          1024,  NULL, 200, 0, 1024, true },
	{ __LINE__, "at the per-entry limit",        16384, NULL, 200, 0, 16384, true },
	{ __LINE__, "a range of a kept file",        16384, "bytes=100-16099", 206, 100, 16000, true },
	{ __LINE__, "a suffix range of a kept file", 16384, "bytes=-9000", 206, 7384, 9000, true },
	{ __LINE__, "one over the limit: read",      16385, NULL, 200, 0, 16385, false },
};

/*
 * REPEAT requests on one connection after the first: a kept file costs the
 * worker only the requests' own bytes (the entry may be refilled once or
 * twice as its second passes); a file read for each answer costs its bytes
 * each time.
 */
START_TEST(test_kept)
{
	enum { REPEAT = 10 };
	const struct body_case *kc = &kept_cases[_i];
	static struct hs_conn c;
	static char want[100000];
	unsigned long long before = 0, read_bytes;
	char req[256];
	pid_t worker = 0;

	pattern(want, kc->size);
	range_req(req, sizeof req, kc);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i <= REPEAT; i++) {
		if (i == 1) { /* the first filled the entry (and the worker is titled by now) */
			ck_assert_int_eq(hs_workers(srv.pid, &worker, 1), 1);
			before = worker_rchar(worker);
		}
		ck_assert_int_eq(hs_send_str(c.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_msg(resp.status == kc->status, "line %d (%s): status %d", kc->line, kc->desc,
			      resp.status);
		ck_assert_msg(resp.body_len == kc->len && memcmp(resp.body, want + kc->first, kc->len) == 0,
			      "line %d (%s): wrong body (%zu bytes)", kc->line, kc->desc, resp.body_len);
	}
	read_bytes = worker_rchar(worker) - before;
	hs_conn_close(&c);
	if (kc->kept)
		ck_assert_msg(read_bytes < 3 * kc->size, "line %d (%s): the worker read %llu bytes",
			      kc->line, kc->desc, read_bytes);
	else
		ck_assert_msg(read_bytes >= REPEAT * kc->len, "line %d (%s): the worker read %llu bytes",
			      kc->line, kc->desc, read_bytes);
}
END_TEST

/*
 * HEAD of a kept file sends the head alone, whole or ranged, and the
 * answers after it on the connection are framed right.
 */
START_TEST(test_kept_head)
{
	static struct hs_conn c;
	static char want[1024];

	pattern(want, sizeof want);
	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(hs_send_str(c.fd, "GET /s-1024.bin HTTP/1.1\r\nHost: l\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert(resp.body_len == 1024 && memcmp(resp.body, want, 1024) == 0);
		ck_assert_int_eq(hs_send_str(c.fd, "HEAD /s-1024.bin HTTP/1.1\r\nHost: l\r\n\r\n"
					     "HEAD /s-1024.bin HTTP/1.1\r\nHost: l\r\nRange: bytes=0-9\r\n\r\n"
					     "GET /s-1024.bin HTTP/1.1\r\nHost: l\r\nRange: bytes=1000-\r\n\r\n"), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, true, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), "1024");
		ck_assert_uint_eq(resp.body_len, 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, true, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 206);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), "10");
		ck_assert_uint_eq(resp.body_len, 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 206);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Range"), "bytes 1000-1023/1024");
		ck_assert(resp.body_len == 24 && memcmp(resp.body, want + 1000, 24) == 0);
	}
	hs_conn_close(&c);
}
END_TEST

/* ---- servers of their own ------------------------------------------------ */

static struct hs_server small;

static void small_teardown(void)
{
	hs_destroy(&small);
}

/*
 * A file made unreadable (chmod 000) under a cached descriptor is refused
 * from a second after. Its own server, whose workers are not root (as root
 * they may read anything): run as root, it switches them to www-data; run
 * as another user, permissions apply anyway. SKIP as root without www-data.
 */
START_TEST(test_chmod_noticed)
{
	char msg[4096], path[HS_PATH * 2];
	bool root = geteuid() == 0;
	long long t0;

	if (root && getpwnam("www-data") == NULL) {
		printf("test_chmod_noticed: SKIP (root, and no user www-data to run the workers as)\n");
		return;
	}
	ck_assert_int_eq(hs_root_init(&small), 0);
	ck_assert_int_eq(hs_fixtures(&small), 0);
	ck_assert_int_eq(hs_put_str(&small, "htdocs/c-chmod.txt", "readable\n"), 0);
	snprintf(path, sizeof path, "%s/htdocs/c-chmod.txt", small.root);
	ck_assert_int_eq(chmod(path, 0644), 0);
	hs_open_root(&small);
	snprintf(msg, sizeof msg, "%s%s", root ? "user = \"www-data\";\n" : "", ONE_WORKER);
	ck_assert_msg(hs_start(&small, msg, msg, sizeof msg) == 0, "cannot start: %s", msg);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(hs_exchange(&small, "GET /c-chmod.txt HTTP/1.1\r\nHost: l\r\n\r\n", &resp), 0);
		ck_assert_int_eq(resp.status, 200);
	}
	ck_assert_int_eq(chmod(path, 0), 0);
	t0 = hs_now_ms();
	hs_sleep_ms((int)(t0 + NOTICED_MS - hs_now_ms()));
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(hs_exchange(&small, "GET /c-chmod.txt HTTP/1.1\r\nHost: l\r\n\r\n", &resp), 0);
		ck_assert_msg(resp.status == 403, "status %d a second after chmod 000", resp.status);
	}
}
END_TEST

/* ---- the cache is bounded ------------------------------------------------ */

/*
 * With RLIMIT_NOFILE at 64 a worker caches at most 16 descriptors (a
 * quarter): 40 files asked for once each leave it holding no more than
 * that, and every one is still served right (eviction closes, never
 * confuses, files). Only descriptors of files under the document root
 * count: the connection's own socket may or may not be open yet when the
 * worker is looked at.
 */
START_TEST(test_fd_bound)
{
	struct rlimit rl;
	char msg[4096], rel[64], url[64], body[64], docroot[sizeof small.root + 16];
	pid_t worker;
	int fds;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0); /* this test's process only: the server inherits it */
	ck_assert_int_eq(hs_root_init(&small), 0);
	ck_assert_int_eq(hs_fixtures(&small), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(rel, sizeof rel, "htdocs/f%d.txt", i);
		snprintf(body, sizeof body, "file number %d\n", i);
		ck_assert_int_eq(hs_put_str(&small, rel, body), 0);
	}
	ck_assert_msg(hs_start(&small, ONE_WORKER, msg, sizeof msg) == 0, "cannot start: %s", msg);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 40; i++) {
			snprintf(url, sizeof url, "GET /f%d.txt HTTP/1.1\r\nHost: l\r\n\r\n", i);
			snprintf(body, sizeof body, "file number %d\n", i);
			ck_assert_int_eq(hs_exchange(&small, url, &resp), 0);
			ck_assert_int_eq(resp.status, 200);
			ck_assert_str_eq(resp.body, body);
		}
	/* Looked for once it has served: just after the start it may not be titled yet. */
	ck_assert_int_eq(hs_workers(small.pid, &worker, 1), 1);
	snprintf(docroot, sizeof docroot, "%s/htdocs/", small.root);
	fds = hs_fd_count_under(worker, docroot);
	ck_assert_msg(fds >= 1 && fds <= 16, "the worker holds %d descriptors of files under %s",
		      fds, docroot);
}
END_TEST

static Suite *static_suite(void)
{
	Suite *s = suite_create("static");
	TCase *tc = hs_tcase("static", 60, NULL);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_segment);
	tcase_add_loop_test(tc, test_body, 0, NELEM(body_cases));
	tcase_add_test(tc, test_no_body);
	tcase_add_loop_test(tc, test_change_noticed, 0, NELEM(change_cases));
	tcase_add_test(tc, test_shrunk_large);
	tcase_add_test(tc, test_long_path);
	tcase_add_test(tc, test_client_gone);
	tcase_add_loop_test(tc, test_kept, 0, NELEM(kept_cases));
	tcase_add_test(tc, test_kept_head);
	suite_add_tcase(s, tc);
	tc = hs_tcase("own_server", 60, small_teardown);
	tcase_add_test(tc, test_fd_bound);
	tcase_add_test(tc, test_chmod_noticed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(static_suite());
}
