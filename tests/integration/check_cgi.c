/*
 * check_cgi — CGI/1.1 (RFC 3875) behaviour of the real binary: the MDN
 * contact-form exchange through PHP and sh, the meta-variables a script
 * sees, request bodies in and responses out (8 MB each way, chunked,
 * 100-continue, 413), Status / Location / nph-, streaming and framing,
 * errors (502, 504, 403, 404), stderr in the error log (heavy, unterminated,
 * held by a detached process), heads too large once the site's fields are
 * added, names too long for a path, clients that leave mid-body, what must
 * never be served or run, and that no script process or zombie outlives
 * its request.
 *
 * One server per TCase (unchecked fixture). Its cgi directory is
 * <root>/cgi-bin: a copy of $PFHTTPD_SRC/cgi-bin and
 * $PFHTTPD_SRC/tests/integration/cgi (modes kept), plus the few private
 * fixtures below whose names start with "t-". Bodies larger than the
 * harness's HS_MAX_RESP go through big_xfer(), a poll() loop that sends and
 * receives at once, as a real client must when a script echoes its input.
 */
#include "harness.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define BIG_LEN         (8 * 1024 * 1024)   /* the large request bodies */
#define BEFORE_READ_LEN 2097152             /* big_before_read.sh writes this much first */
#define CGI_TIMEOUT_S   2                   /* timeouts.cgi of the cases that test it */
/* timeouts.cgi of every other case: a loaded machine (CI, parallel suites)
 * can take more than 2 s to run a shell script, which then got 504. */
#define CGI_RELAXED_S   15
#define OUTSIDE_MARKER  "pfhttpd-outside-script-executed"
#define PHP_RAN         "info-php-ran"      /* built by concatenation in PHP: never in the source */

static struct hs_server srv;
static struct hs_response r1, r2;   /* large: keep them off the stack */
static struct hs_conn conn;
static char extra[32768];      /* room for the t-padded.sh location's fields */
static int cgi_timeout_s = CGI_RELAXED_S; /* timeouts.cgi of the next setup() */

/* ------------------------------------------------------------------------ */
/* Fixtures. */

/* Private scripts: each one's job is in its first comment line. */
static const struct { const char *name; const char *text; mode_t mode; } private_scripts[] = {
	{ "cgi-bin/t-mark.sh",
	  "#!/bin/sh\n# Leaves ran.marker in its directory (proof it ran), reads its body, answers \"marked\".\n"
	  ": > ran.marker\ncat > /dev/null\nprintf 'Content-Type: text/plain\\r\\n\\r\\nmarked\\n'\n", 0755 },
	{ "cgi-bin/t-slow.sh",
	  "#!/bin/sh\n# Streams a line every 50 ms for about 20 s: for the client-disconnect test.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\n'\ni=0\n"
	  "while [ $i -lt 400 ]; do\n\tprintf 'slow line %d\\n' \"$i\"\n\ti=$((i + 1))\n\tsleep 0.05\ndone\n", 0755 },
	{ "outside.sh",
	  "#!/bin/sh\n# Lives OUTSIDE the cgi directory: no request may ever run it.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' pfhttpd-outside-script-executed\n", 0755 },
	{ "htdocs/info.php",
	  "<?php\nheader('Content-Type: text/plain');\necho 'info-', 'php-ran', \"\\n\";\n"
	  "foreach (['PATH_INFO', 'SCRIPT_NAME', 'QUERY_STRING', 'REQUEST_METHOD'] as $k) {\n"
	  "\techo $k, '=', $_SERVER[$k] ?? '(unset)', \"\\n\";\n}\n", 0644 },
	{ "htdocs/upper.PHP",
	  "<?php\nheader('Content-Type: text/plain');\necho 'info-', 'php-ran', \"\\n\";\n", 0644 },
	/* Error pages (the error_pages TCase). Markers are built when they run, so
	 * a marker seen proves a run, and a SECRET seen proves leaked source. */
	{ "htdocs/errors/404.php",
	  "<?php\n// SECRET-404-SOURCE\nheader('Status: 200 OK');\nheader('Content-Type: text/plain');\n"
	  "header('X-Error-Page: php');\necho 'err-', 'php-ran', \"\\n\";\n"
	  "foreach (['REDIRECT_STATUS', 'REDIRECT_URL', 'REDIRECT_QUERY_STRING', 'REDIRECT_REQUEST_METHOD',\n"
	  "\t'REQUEST_METHOD', 'QUERY_STRING', 'CONTENT_LENGTH'] as $k) {\n"
	  "\techo $k, '=', $_SERVER[$k] ?? '(unset)', \"\\n\";\n}\n", 0644 },
	{ "htdocs/errors/400.php",
	  "<?php\n// SECRET-400-SOURCE\nheader('Content-Type: text/plain');\necho 'err400-', 'ran', \"\\n\";\n", 0644 },
	{ "htdocs/errors/412.pl",
	  "#!/usr/bin/perl\n# SECRET-412-SOURCE: no handler runs .pl here\nprint \"Content-Type: text/plain\\n\\n\";\n", 0644 },
	{ "cgi-bin/t-errpage.sh",
	  "#!/bin/sh\n# An error page under the alias: tries Status 200, prints what it was told.\n"
	  "printf 'Status: 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n'\n"
	  "echo \"sh-errpage-$REDIRECT_STATUS\"\n"
	  "for v in REDIRECT_STATUS REDIRECT_URL REDIRECT_QUERY_STRING REDIRECT_REQUEST_METHOD REQUEST_METHOD; do\n"
	  "\teval \"echo $v=\\${$v-(unset)}\"\ndone\n", 0755 },
	{ "cgi-bin/t-padded.sh",
	  "#!/bin/sh\n# One field X-Big of N bytes of 'y' (N: the query), then body \"small\\n\"; its location adds 12 KB of fields.\n"
	  "printf 'Content-Type: text/plain\\r\\nX-Big: '\nhead -c \"$QUERY_STRING\" /dev/zero | tr '\\000' y\n"
	  "printf '\\r\\n\\r\\nsmall\\n'\n", 0755 },
	{ "cgi-bin/t-feed.sh",
	  "#!/bin/sh\n# Answers \"started\\n\" at once, writes its pid to feed.pid beside it, then reads its body.\n"
	  "printf 'Content-Type: text/plain\\r\\n\\r\\nstarted\\n'\n"
	  "echo $$ > \"$(dirname \"$SCRIPT_FILENAME\")/feed.pid\"\ncat > /dev/null\nprintf 'done\\n'\n", 0755 },
	{ "htdocs/phpdir/index.php",
	  "<?php\nheader('Content-Type: text/plain');\necho 'info-', 'php-ran', \" index\\n\";\n", 0644 },
};

/* The scripts of the other suites' fixture set this suite relies on. */
static const char *const needed_scripts[] = {
	"printenv", "echo", "contact.sh", "status.sh", "redirect_abs.sh", "redirect_local.sh",
	"stream.sh", "ignore_body.sh", "big_before_read.sh", "sleep_forever.sh", "no_header.sh",
	"exit_early.sh", "stderr.sh", "nph-test.sh", "pathinfo.sh", "cl.sh", "noexec.sh",
	"env_dump.sh", "detached_stderr.sh", "one_write_body.sh", "big_header_field.sh",
	"huge_header_block.sh", "stderr_ctl.sh", "stderr_heavy.sh", "nph-odd.sh",
};

static const char *src_dir(void)
{
	const char *s = getenv("PFHTTPD_SRC");

	return s != NULL && *s != '\0' ? s : ".";
}

/* Copy one regular file to root/rel, keeping its permission bits. */
static int copy_file(const char *from, const char *rel, mode_t mode)
{
	static char data[1 << 20];
	char to[HS_PATH * 2];
	ssize_t n;
	int fd = open(from, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return -1;
	n = read(fd, data, sizeof data);
	close(fd);
	if (n < 0 || (size_t)n == sizeof data || hs_put(&srv, rel, data, (size_t)n) == -1)
		return -1;
	snprintf(to, sizeof to, "%s/%s", srv.root, rel);
	return chmod(to, mode & 07777);
}

/* Copy the regular files of dir into root/reldir (not recursive). */
static int copy_dir(const char *dir, const char *reldir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char from[HS_PATH * 2], rel[HS_PATH];
		struct stat st;

		snprintf(from, sizeof from, "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(from, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		snprintf(rel, sizeof rel, "%s/%s", reldir, de->d_name);
		rc |= copy_file(from, rel, st.st_mode);
	}
	closedir(d);
	return rc;
}

static int cgi_fixtures(char *why, size_t whylen)
{
	char path[HS_PATH * 2], link[HS_PATH * 2];

	snprintf(path, sizeof path, "%s/cgi-bin", src_dir());
	if (copy_dir(path, "cgi-bin") == -1) {
		snprintf(why, whylen, "cannot copy %s", path);
		return -1;
	}
	snprintf(path, sizeof path, "%s/tests/integration/cgi", src_dir());
	if (copy_dir(path, "cgi-bin") == -1) {
		snprintf(why, whylen, "cannot copy %s", path);
		return -1;
	}
	snprintf(path, sizeof path, "%s/htdocs/contact_form.php", src_dir());
	if (copy_file(path, "htdocs/contact_form.php", 0644) == -1) {
		snprintf(why, whylen, "cannot copy %s", path);
		return -1;
	}
	for (size_t i = 0; i < N(private_scripts); i++) {
		snprintf(path, sizeof path, "%s/%s", srv.root, private_scripts[i].name);
		if (hs_put_str(&srv, private_scripts[i].name, private_scripts[i].text) == -1 ||
		    chmod(path, private_scripts[i].mode) == -1) {
			snprintf(why, whylen, "cannot write %s", path);
			return -1;
		}
	}
	/* A symlink inside the cgi directory that points out of it. */
	snprintf(link, sizeof link, "%s/cgi-bin/t-link-out", srv.root);
	if (symlink("../outside.sh", link) == -1) {
		snprintf(why, whylen, "cannot create %s", link);
		return -1;
	}
	return 0;
}

/* More configuration for one TCase's server (the error_pages one). */
static const char *setup_more = "";

#define ERROR_PAGES_CONF \
	"error_pages = (\n" \
	"  { status = 400; path = \"/errors/400.php\"; },\n" \
	"  { status = 403; path = \"/cgi-bin/t-errpage.sh\"; },\n" \
	"  { status = 404; path = \"/errors/404.php\"; },\n" \
	"  { status = 405; path = \"/cgi-bin/redirect_local.sh\"; },\n" \
	"  { status = 412; path = \"/errors/412.pl\"; },\n" \
	"  { status = 416; path = \"/cgi-bin/t-errpage.sh\"; },\n" \
	"  { status = 502; path = \"/cgi-bin/no_header.sh\"; } );\n"

/*
 * t-padded.sh's location: PAD_FIELDS configured fields of PAD_LEN bytes
 * each, which every response of that script carries besides its own.
 */
#define PAD_FIELDS 12
#define PAD_LEN    1000

static void pad_location(char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "locations = ( { path = \"= /cgi-bin/t-padded.sh\"; headers = [ ");

	for (int i = 0; i < PAD_FIELDS && n + PAD_LEN + 32 < cap; i++) {
		n += (size_t)snprintf(out + n, cap - n, "%s\"X-Pad-%02d: ", i ? ", " : "", i);
		memset(out + n, 'p', PAD_LEN);
		n += PAD_LEN;
		out[n++] = '"';
	}
	snprintf(out + n, cap - n, " ]; } );\n");
}

static void setup(void)
{
	static char pads[PAD_FIELDS * (PAD_LEN + 16) + 128];
	char msg[9000];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	if (cgi_fixtures(msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cgi fixtures: %s", msg);
	}
	pad_location(pads, sizeof pads);
	snprintf(extra, sizeof extra,
		 "cgi = { alias = \"/cgi-bin/\"; directory = \"%s/cgi-bin\";\n"
		 "  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } );\n"
		 "  path = \"/usr/local/bin:/usr/bin:/bin\";\n"
		 "  limits = { cpu = 30; memory = 536870912; processes = 64; }; };\n"
		 "timeouts = { header = 10; body = 30; keepalive = 5; send = 30; cgi = %d; };\n"
		 "limits = { request_line = 8192; header_bytes = 16384; headers = 100; body = 20971520; };\n"
		 "index = [ \"index.html\", \"index.php\" ];\n%s%s",
		 srv.root, cgi_timeout_s, pads, setup_more);
	/* The server inherits this; no script may see it (RFC 3875 4.1: meta-variables only). */
	setenv("PFHTTPD_LEAK_MARKER", "leaked-from-the-server-environment", 1);
	if (hs_start(&srv, extra, msg, sizeof msg) == -1) {
		unsetenv("PFHTTPD_LEAK_MARKER");
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
	unsetenv("PFHTTPD_LEAK_MARKER");
}

static void teardown(void)
{
	hs_destroy(&srv);
}

static void setup_error_pages(void)
{
	setup_more = ERROR_PAGES_CONF;
	setup();
	setup_more = "";
}

/* ------------------------------------------------------------------------ */
/* Helpers. */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* A fixture of the shared set is there (a missing one explains a 404 below). */
static void need_script(const char *name)
{
	char path[HS_PATH * 2];

	snprintf(path, sizeof path, "%s/cgi-bin/%s", srv.root, name);
	ck_assert_msg(access(path, F_OK) == 0, "fixture %s missing (tests/integration/cgi or cgi-bin)", name);
}

static void open_conn(void)
{
	ck_assert_msg(hs_conn_open(&srv, &conn) == 0, "cannot connect to port %d", srv.port);
}

static void request(const char *req, struct hs_response *r, bool head)
{
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_msg(hs_read_response(&conn, r, head, HS_TIMEOUT_MS) == 0,
		      "no complete response to %.80s; got: %.300s", req, r->raw);
}

static void exchange(const char *req, struct hs_response *r)
{
	ck_assert_msg(hs_exchange(&srv, req, r) == 0,
		      "no complete response to %.80s; got: %.300s", req, r->raw);
}

/* Every response: an HTTP/1.1 status line, CRLF line ends, one Date, a Server. */
static void assert_wellformed(int line, const char *what, const struct hs_response *r)
{
	ck_assert_msg(r->status >= 100 && r->status <= 599,
		      "line %d (%s): no status line in %.200s", line, what, r->raw);
	ck_assert_msg(strcmp(r->version, "HTTP/1.1") == 0,
		      "line %d (%s): version %s, want HTTP/1.1", line, what, r->version);
	ck_assert_msg(r->crlf, "line %d (%s): head lines must end in CRLF", line, what);
	ck_assert_msg(hs_hdr_count(r, "Date") == 1 && hs_hdr_count(r, "Server") == 1 &&
		      hs_hdr_count(r, "Content-Length") <= 1,
		      "line %d (%s): want one Date, one Server, at most one Content-Length:\n%.600s",
		      line, what, r->raw);
	ck_assert_msg(!(r->chunked && hs_hdr(r, "Content-Length") != NULL),
		      "line %d (%s): both chunked and Content-Length", line, what);
}

/* The server still answers a static file and a script on a new connection. */
static void assert_still_serving(int line, const char *what)
{
	exchange("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2);
	ck_assert_msg(r2.status == 200 && strcmp(r2.body, HS_HELLO) == 0,
		      "line %d (%s): afterwards GET /hello.txt gave %d", line, what, r2.status);
	exchange("GET /cgi-bin/cl.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2);
	ck_assert_msg(r2.status == 200 && strcmp(r2.body, "hello") == 0,
		      "line %d (%s): afterwards GET /cgi-bin/cl.sh gave %d: %.200s",
		      line, what, r2.status, r2.raw);
}

/*
 * After a response on conn: if it said "Connection: close" the connection
 * must end; otherwise it must carry another request cleanly (no stray body
 * bytes ahead of the next response).
 */
static void assert_conn_in_sync(int line, const char *what, const struct hs_response *r)
{
	const char *c = hs_hdr(r, "Connection");

	if (c != NULL && hs_list_has(c, "close")) {
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1,
			      "line %d (%s): Connection: close, yet the connection stays open", line, what);
		return;
	}
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0,
		      "line %d (%s): no second response on the same connection; got: %.300s",
		      line, what, r2.raw);
	ck_assert_msg(r2.status == 200 && strcmp(r2.body, HS_HELLO) == 0,
		      "line %d (%s): second request on the same connection: status %d, raw %.300s",
		      line, what, r2.status, r2.raw);
}

/* The value of NAME in a printenv/env_dump body ("NAME=value" lines). */
static bool env_get(const char *body, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *p = body; p != NULL && *p != '\0'; ) {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);

		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			snprintf(out, cap, "%.*s", (int)(len - nl - 1), p + nl + 1);
			return true;
		}
		p = eol != NULL ? eol + 1 : NULL;
	}
	return false;
}

/* Deterministic pseudo-random bytes (xorshift64*): failures reproduce. */
static void fill_random(unsigned char *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed;

	for (size_t i = 0; i < len; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (unsigned char)((x * 2685821657736338717ULL) >> 56);
	}
}

static size_t first_diff(const unsigned char *a, const unsigned char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return len;
}

/* ------------------------------------------------------------------------ */
/* big_xfer: send a large request and read a large response at once. */

struct big {
	char *raw;              /* every byte received, interim 1xx responses removed */
	size_t len, cap;
	int interim;            /* the last 1xx status seen, or 0 */
	size_t head_len;        /* 0 until the final response's head is complete */
	int status;
	char head[4096];        /* a copy of the head, for messages */
	bool chunked, has_cl;
	unsigned long long cl;
	char *dec;              /* chunked: the decoded payload */
	size_t dec_len, dec_cap;
	size_t pos;             /* chunked: next chunk-size line (or trailer line) */
	bool in_trailer, bad, eof, complete;
	const unsigned char *body;
	size_t body_len;
	size_t end;             /* offset just past the response */
};

static void big_free(struct big *b)
{
	free(b->raw);
	free(b->dec);
	memset(b, 0, sizeof *b);
}

static bool big_head(struct big *b)
{
	char *e = b->len > 0 ? memmem(b->raw, b->len, "\r\n\r\n", 4) : NULL;

	if (e == NULL)
		return false;
	b->head_len = (size_t)(e - b->raw) + 4;
	snprintf(b->head, sizeof b->head, "%.*s", (int)b->head_len, b->raw);
	if (sscanf(b->head, "HTTP/1.%*d %d", &b->status) != 1)
		b->status = -1;
	for (char *l = strstr(b->head, "\r\n"); l != NULL; l = strstr(l, "\r\n")) {
		l += 2;
		if (strncasecmp(l, "Content-Length:", 15) == 0) {
			b->has_cl = true;
			b->cl = strtoull(l + 15, NULL, 10);
		} else if (strncasecmp(l, "Transfer-Encoding:", 18) == 0) {
			char v[128];

			snprintf(v, sizeof v, "%.*s", (int)strcspn(l + 18, "\r"), l + 18);
			b->chunked = strcasestr(v, "chunked") != NULL;
		}
	}
	if (b->status >= 100 && b->status < 200) {
		/* An interim response (100 Continue): note it, drop it, look again. */
		b->interim = b->status;
		memmove(b->raw, b->raw + b->head_len, b->len - b->head_len);
		b->len -= b->head_len;
		b->head_len = 0;
		b->has_cl = b->chunked = false;
		return big_head(b);
	}
	b->pos = b->head_len;
	return true;
}

static void big_chunks(struct big *b)
{
	while (!b->complete && !b->bad) {
		char *eol = b->pos < b->len ? memmem(b->raw + b->pos, b->len - b->pos, "\r\n", 2) : NULL;
		size_t line_end, size;
		char *x;

		if (eol == NULL)
			return;
		line_end = (size_t)(eol - b->raw) + 2;
		if (b->in_trailer) {
			if (line_end - b->pos == 2) {
				b->complete = true;
				b->end = line_end;
			}
			b->pos = line_end;
			continue;
		}
		if (!isxdigit((unsigned char)b->raw[b->pos])) {
			b->bad = true;
			return;
		}
		size = strtoul(b->raw + b->pos, &x, 16);
		if (size == 0) {
			b->in_trailer = true;
			b->pos = line_end;
			continue;
		}
		if (b->len < line_end + size + 2)
			return;
		if (memcmp(b->raw + line_end + size, "\r\n", 2) != 0) {
			b->bad = true;
			return;
		}
		if (b->dec_len + size > b->dec_cap) {
			b->dec_cap = (b->dec_len + size) * 2;
			b->dec = realloc(b->dec, b->dec_cap);
			ck_assert_ptr_nonnull(b->dec);
		}
		memcpy(b->dec + b->dec_len, b->raw + line_end, size);
		b->dec_len += size;
		b->pos = line_end + size + 2;
	}
}

static void big_parse(struct big *b)
{
	if (b->complete || b->bad || (b->head_len == 0 && !big_head(b)))
		return;
	if (b->chunked) {
		big_chunks(b);
		if (b->complete) {
			b->body = (const unsigned char *)b->dec;
			b->body_len = b->dec_len;
		}
	} else if (b->has_cl) {
		if (b->len >= b->head_len + b->cl) {
			b->complete = true;
			b->body = (const unsigned char *)b->raw + b->head_len;
			b->body_len = b->cl;
			b->end = b->head_len + b->cl;
		}
	} else if (b->eof) {
		b->complete = true;
		b->body = (const unsigned char *)b->raw + b->head_len;
		b->body_len = b->len - b->head_len;
		b->end = b->len;
	}
}

/*
 * Send all of out while reading one response into b, both at once; keep
 * sending after the response is complete (the server must discard the
 * rest), stop when the server no longer takes data. 0 when a complete
 * response arrived within timeout_ms, else -1.
 */
static int big_xfer(int fd, const void *out, size_t outlen, struct big *b, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;
	int flags = fcntl(fd, F_GETFL);
	size_t sent = 0;
	bool send_dead = false;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (!(b->complete && (sent == outlen || send_dead)) && !b->eof && !b->bad) {
		bool want_out = sent < outlen && !send_dead;
		struct pollfd p = { .fd = fd, .events = POLLIN | (want_out ? POLLOUT : 0) };
		long long left = end - hs_now_ms();

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n;

			if (b->cap - b->len < 65536) {
				b->cap = b->cap == 0 ? 1 << 20 : b->cap * 2;
				b->raw = realloc(b->raw, b->cap);
				ck_assert_ptr_nonnull(b->raw);
			}
			n = recv(fd, b->raw + b->len, b->cap - b->len - 1, 0);
			if (n > 0)
				b->len += (size_t)n;
			else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				b->eof = true;
			big_parse(b);
		}
		if (want_out && (p.revents & (POLLOUT | POLLERR))) {
			size_t chunk = outlen - sent < 262144 ? outlen - sent : 262144;
			ssize_t n = send(fd, (const char *)out + sent, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n > 0)
				sent += (size_t)n;
			else if (n == -1 && errno != EAGAIN && errno != EINTR)
				send_dead = true;
		}
	}
	big_parse(b);
	if (b->raw != NULL)
		b->raw[b->len] = '\0';
	fcntl(fd, F_SETFL, flags);
	return b->complete ? 0 : -1;
}

/* Hand the rest of a big_xfer'd connection to the harness's reader. */
static void big_to_conn(const struct big *b, int fd)
{
	size_t left = b->len - b->end;

	conn.fd = fd;
	conn.eof = false;
	conn.len = left < sizeof conn.buf ? left : sizeof conn.buf;
	memcpy(conn.buf, b->raw + b->end, conn.len);
}

/*
 * After a big_xfer'd response: "Connection: close" must end the connection,
 * otherwise it must carry another request cleanly. Leaves conn owning fd.
 */
static void assert_big_in_sync(int line, const char *what, const struct big *b, int fd)
{
	big_to_conn(b, fd);
	if (strcasestr(b->head, "\r\nConnection: close") != NULL) {
		ck_assert_msg(hs_wait_eof(&conn, HS_TIMEOUT_MS) == 1,
			      "line %d (%s): Connection: close, yet the connection stays open", line, what);
		return;
	}
	ck_assert_int_eq(hs_send_str(fd, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r2, false, 10000) == 0 && r2.status == 200 &&
		      strcmp(r2.body, HS_HELLO) == 0,
		      "line %d (%s): second request on the same connection: %.300s", line, what, r2.raw);
}

/* The 8 MB test body, made once per test process. */
static unsigned char *big_body(void)
{
	static unsigned char *data;

	if (data == NULL) {
		data = malloc(BIG_LEN);
		ck_assert_ptr_nonnull(data);
		fill_random(data, BIG_LEN, 0x9e3779b97f4a7c15ULL);
	}
	return data;
}

/* head + data as one buffer; *len set. */
static char *with_body(const char *head, const void *data, size_t dlen, size_t *len)
{
	size_t hl = strlen(head);
	char *buf = malloc(hl + dlen);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, head, hl);
	memcpy(buf + hl, data, dlen);
	*len = hl + dlen;
	return buf;
}

/*
 * POST n bytes of data with a Content-Length (after the header lines in
 * fields) to /cgi-bin/script on a new
 * connection, sending and reading at once; fail the test unless a whole
 * response arrives within timeout_ms. Returns the connection.
 */
static int big_post(const char *script, const char *fields, const unsigned char *data, size_t n,
		    struct big *b, int timeout_ms)
{
	char head[512];
	size_t len;
	char *req;
	int fd;

	need_script(script);
	snprintf(head, sizeof head, "POST /cgi-bin/%s HTTP/1.1\r\nHost: localhost\r\n%s"
		 "Content-Length: %zu\r\n\r\n", script, fields, n);
	req = with_body(head, data, n, &len);
	fd = hs_connect(&srv);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(big_xfer(fd, req, len, b, timeout_ms) == 0,
		      "%s: no complete response to a %zu-byte POST (%zu bytes in, eof %d, bad %d): %.300s",
		      script, n, b->len, b->eof, b->bad, b->raw ? b->raw : "");
	free(req);
	return fd;
}

/* ------------------------------------------------------------------------ */
/* /proc: the script processes of a request. */

struct proc { pid_t pid, ppid, pgrp; char state; char cmd[256]; };

static bool proc_read(pid_t pid, struct proc *p)
{
	char path[64], buf[1024], *q;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0 || (q = strrchr(buf, ')')) == NULL ||
	    sscanf(q + 1, " %c %d %d", &p->state, &p->ppid, &p->pgrp) != 3)
		return false;
	p->pid = pid;
	n = hs_cmdline(pid, p->cmd, sizeof p->cmd);
	if (n < 0)
		p->cmd[0] = '\0';
	return true;
}

/*
 * Live (non-zombie) processes whose command line contains needle or whose
 * process group is pgrp (> 0). A zombie is dead: whoever inherited it is
 * not the question here (assert_pool_clean checks the workers' children).
 */
static int find_live(const char *needle, pid_t pgrp, struct proc *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		struct proc p;
		char *e;
		long v = strtol(de->d_name, &e, 10);

		if (*e != '\0' || v <= 0 || v == getpid() || !proc_read((pid_t)v, &p))
			continue;
		if (p.state == 'Z' || p.state == 'X')
			continue;
		if ((needle != NULL && strstr(p.cmd, needle) != NULL) || (pgrp > 0 && p.pgrp == pgrp)) {
			if (n < max)
				out[n] = p;
			n++;
		}
	}
	closedir(d);
	return n;
}

/* Bounded wait until a live process matches; its description, or 0. */
static pid_t wait_live(const char *needle, int timeout_ms, struct proc *found)
{
	long long end = hs_now_ms() + timeout_ms;

	do {
		if (find_live(needle, 0, found, 1) > 0)
			return found->pid;
		sleep_ms(20);
	} while (hs_now_ms() < end);
	return 0;
}

/* Bounded wait until nothing matches; the number still alive. */
static int wait_none_live(const char *needle, pid_t pgrp, int timeout_ms, struct proc *left)
{
	long long end = hs_now_ms() + timeout_ms;
	int n;

	while ((n = find_live(needle, pgrp, left, 1)) > 0 && hs_now_ms() < end)
		sleep_ms(25);
	return n;
}

/*
 * The pool at rest: the master and every worker alive and not zombies, and
 * no worker has any child left (a live one is a leaked script, a zombie an
 * unreaped one). Bounded: a request that just ended may still be reaping.
 */
static bool pool_clean(char *why, size_t len)
{
	pid_t kids[64];
	int n = hs_children(srv.pid, kids, 64);
	char st = hs_proc_state(srv.pid);

	if (st == 0 || st == 'Z' || n < 1) {
		snprintf(why, len, "master %d state '%c', %d children", (int)srv.pid, st ? st : '-', n);
		return false;
	}
	for (int i = 0; i < n && i < 64; i++) {
		pid_t gk[16];
		int m;

		if ((st = hs_proc_state(kids[i])) == 'Z') {
			snprintf(why, len, "worker %d is a zombie", (int)kids[i]);
			return false;
		}
		m = hs_children(kids[i], gk, 16);
		for (int j = 0; j < m && j < 16; j++) {
			struct proc p;

			if (proc_read(gk[j], &p)) {
				snprintf(why, len, "worker %d still has child %d, state '%c': %s",
					 (int)kids[i], (int)gk[j], p.state, p.cmd);
				return false;
			}
		}
	}
	return true;
}

static void assert_pool_clean(int line)
{
	char why[512] = "";
	long long end = hs_now_ms() + 3000;

	while (!pool_clean(why, sizeof why) && hs_now_ms() < end)
		sleep_ms(50);
	ck_assert_msg(pool_clean(why, sizeof why), "line %d: %s", line, why);
}

/* ------------------------------------------------------------------------ */
/* fixtures: every script this suite relies on was copied, with its mode. */

START_TEST(test_fixtures)
{
	char path[HS_PATH * 2];

	for (size_t i = 0; i < N(needed_scripts); i++)
		need_script(needed_scripts[i]);
	snprintf(path, sizeof path, "%s/cgi-bin/noexec.sh", srv.root);
	ck_assert_msg(access(path, X_OK) != 0, "noexec.sh must not be executable for this suite");
	snprintf(path, sizeof path, "%s/cgi-bin/printenv", srv.root);
	ck_assert_msg(access(path, X_OK) == 0, "printenv lost its execute bit in the copy");
	ck_assert_msg(access("/usr/bin/php-cgi", X_OK) == 0, "/usr/bin/php-cgi is not installed");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* mdn: the contact form of MDN's "An overview of HTTP", via PHP and via sh. */

#define MDN_BODY "name=Joe%20User&request=Send%20me%20one%20of%20your%20catalogue"
#define EVIL_BODY "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&request=a%20%22quoted%22%20%26%20%27single%27"

static const struct post_case {
	int line;
	const char *desc;
	const char *target;
	const char *body;
	int status;
	const char *has[3];      /* NULL-padded */
	const char *hasnt[3];
} post_cases[] = {
	{ __LINE__, "MDN POST to PHP", "/contact_form.php", MDN_BODY, 200,
	  { "Joe User", "Send me one of your catalogue", NULL }, { "<?php", "%20", NULL } },
	{ __LINE__, "MDN POST to sh", "/cgi-bin/contact.sh", MDN_BODY, 200,
	  { "Joe User", "Send me one of your catalogue", NULL }, { "%20", NULL, NULL } },
	{ __LINE__, "markup escaped by PHP", "/contact_form.php", EVIL_BODY, 200,
	  { "&lt;script&gt;alert(1)&lt;/script&gt;", "&amp;", NULL }, { "<script>", "\"quoted\"", NULL } },
	{ __LINE__, "markup escaped by sh", "/cgi-bin/contact.sh", EVIL_BODY, 200,
	  { "&lt;script&gt;alert(1)&lt;/script&gt;", "&amp;", NULL }, { "<script>", "\"quoted\"", NULL } },
	{ __LINE__, "missing field: 400 from PHP", "/contact_form.php", "name=Joe", 400,
	  { NULL, NULL, NULL }, { "<?php", NULL, NULL } },
	{ __LINE__, "missing field: 400 from sh", "/cgi-bin/contact.sh", "name=Joe", 400,
	  { NULL, NULL, NULL }, { NULL, NULL, NULL } },
};

START_TEST(test_mdn_post)
{
	const struct post_case *c = &post_cases[_i];
	const char *ct;
	char req[2048];

	snprintf(req, sizeof req,
		 "POST %s HTTP/1.1\r\nHost: developer.mozilla.org\r\nContent-Length: %zu\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\n\r\n%s",
		 c->target, strlen(c->body), c->body);
	open_conn();
	request(req, &r1, false);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.400s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/html", 9) == 0,
		      "line %d (%s): Content-Type %s", c->line, c->desc, ct ? ct : "(none)");
	for (int i = 0; i < 3 && c->has[i] != NULL; i++)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->has[i]),
			      "line %d (%s): body lacks \"%s\": %.600s", c->line, c->desc, c->has[i], r1.body);
	for (int i = 0; i < 3 && c->hasnt[i] != NULL; i++)
		ck_assert_msg(!hs_contains(r1.body, r1.body_len, c->hasnt[i]),
			      "line %d (%s): body has \"%s\": %.600s", c->line, c->desc, c->hasnt[i], r1.body);
	assert_conn_in_sync(c->line, c->desc, &r1);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* env: the meta-variables (RFC 3875 4.1) and what must never become one. */

#define REQ_PI "GET /cgi-bin/printenv/extra/path?x=1 HTTP/1.1\r\nHost: localhost\r\n" \
	"X-Custom: custom-value\r\nX-Multi: a\r\nX-Multi: b\r\nProxy: http://evil\r\n" \
	"Redirect-Status: 999\r\nAuthorization: Basic dXNlcjpwYXNz\r\n" \
	"Proxy-Authorization: Basic cHJveHk6c2VjcmV0\r\n\r\n"
#define REQ_PLAIN "GET /cgi-bin/printenv HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define REQ_POST "POST /cgi-bin/printenv HTTP/1.1\r\nHost: localhost\r\n" \
	"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=b&c=d"
#define REQ_CHUNKED "POST /cgi-bin/env_dump.sh HTTP/1.1\r\nHost: localhost\r\n" \
	"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" \
	"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
#define REQ_ENC "GET /cgi-bin/env_dump.sh/a%20b/c?q=%41%20b&r HTTP/1.1\r\nHost: localhost\r\n" \
	"X_Custom: underscore\r\n\r\n"
#define REQ_PATHINFO "GET /cgi-bin/pathinfo.sh/x/y?k=v HTTP/1.1\r\nHost: localhost\r\n\r\n"

#define ABSENT NULL
#define PORT   "<port>"   /* want: the server's port */

static const struct env_case {
	int line;
	const char *desc;
	const char *req;
	const char *name;
	const char *want;        /* ABSENT, PORT, "prefix*", or the exact value */
} env_cases[] = {
	{ __LINE__, "CGI version", REQ_PI, "GATEWAY_INTERFACE", "CGI/1.1" },
	{ __LINE__, "method", REQ_PI, "REQUEST_METHOD", "GET" },
	{ __LINE__, "script name without the extra path", REQ_PI, "SCRIPT_NAME", "/cgi-bin/printenv" },
	{ __LINE__, "extra path", REQ_PI, "PATH_INFO", "/extra/path" },
	{ __LINE__, "query string", REQ_PI, "QUERY_STRING", "x=1" },
	{ __LINE__, "protocol", REQ_PI, "SERVER_PROTOCOL", "HTTP/1.1" },
	{ __LINE__, "server port", REQ_PI, "SERVER_PORT", PORT },
	{ __LINE__, "server name", REQ_PI, "SERVER_NAME", "localhost" },
	{ __LINE__, "server software", REQ_PI, "SERVER_SOFTWARE", "pfhttpd*" },
	{ __LINE__, "client address", REQ_PI, "REMOTE_ADDR", "127.0.0.1" },
	{ __LINE__, "REDIRECT_STATUS for php-cgi", REQ_PI, "REDIRECT_STATUS", "200" },
	{ __LINE__, "Host header", REQ_PI, "HTTP_HOST", "localhost" },
	{ __LINE__, "custom header", REQ_PI, "HTTP_X_CUSTOM", "custom-value" },
	{ __LINE__, "repeated header joined", REQ_PI, "HTTP_X_MULTI", "a, b" },
	{ __LINE__, "httpoxy: no HTTP_PROXY (CVE-2016-5385)", REQ_PI, "HTTP_PROXY", ABSENT },
	{ __LINE__, "client Redirect-Status dropped (CVE-2024-8927)", REQ_PI, "HTTP_REDIRECT_STATUS", ABSENT },
	{ __LINE__, "Authorization not passed", REQ_PI, "HTTP_AUTHORIZATION", ABSENT },
	{ __LINE__, "Proxy-Authorization never passed (RFC 3875 4.1.18)", REQ_PI,
	  "HTTP_PROXY_AUTHORIZATION", ABSENT },
	{ __LINE__, "no CONTENT_LENGTH for GET", REQ_PI, "CONTENT_LENGTH", ABSENT },
	{ __LINE__, "server environment not inherited", REQ_PI, "PFHTTPD_LEAK_MARKER", ABSENT },
	{ __LINE__, "configured PATH", REQ_PI, "PATH", "/usr/local/bin:/usr/bin:/bin" },
	{ __LINE__, "QUERY_STRING present when empty", REQ_PLAIN, "QUERY_STRING", "" },
	{ __LINE__, "no CONTENT_TYPE for GET", REQ_PLAIN, "CONTENT_TYPE", ABSENT },
	{ __LINE__, "no CONTENT_LENGTH without body", REQ_PLAIN, "CONTENT_LENGTH", ABSENT },
	{ __LINE__, "POST method", REQ_POST, "REQUEST_METHOD", "POST" },
	{ __LINE__, "POST length", REQ_POST, "CONTENT_LENGTH", "7" },
	{ __LINE__, "POST type", REQ_POST, "CONTENT_TYPE", "application/x-www-form-urlencoded" },
	{ __LINE__, "no HTTP_CONTENT_LENGTH", REQ_POST, "HTTP_CONTENT_LENGTH", ABSENT },
	{ __LINE__, "no HTTP_CONTENT_TYPE", REQ_POST, "HTTP_CONTENT_TYPE", ABSENT },
	{ __LINE__, "chunked body: decoded length", REQ_CHUNKED, "CONTENT_LENGTH", "11" },
	{ __LINE__, "chunked body: no HTTP_TRANSFER_ENCODING", REQ_CHUNKED, "HTTP_TRANSFER_ENCODING", ABSENT },
	{ __LINE__, "PATH_INFO is decoded", REQ_ENC, "PATH_INFO", "/a b/c" },
	{ __LINE__, "QUERY_STRING stays encoded", REQ_ENC, "QUERY_STRING", "q=%41%20b&r" },
	{ __LINE__, "SCRIPT_NAME of a .sh", REQ_ENC, "SCRIPT_NAME", "/cgi-bin/env_dump.sh" },
	{ __LINE__, "header name with '_' dropped", REQ_ENC, "HTTP_X_CUSTOM", ABSENT },
	{ __LINE__, "pathinfo.sh sees PATH_INFO", REQ_PATHINFO, "PATH_INFO", "/x/y" },
	{ __LINE__, "pathinfo.sh sees QUERY_STRING", REQ_PATHINFO, "QUERY_STRING", "k=v" },
	{ __LINE__, "pathinfo.sh sees SCRIPT_NAME", REQ_PATHINFO, "SCRIPT_NAME", "/cgi-bin/pathinfo.sh" },
};

START_TEST(test_env)
{
	const struct env_case *c = &env_cases[_i];
	char val[1024], want[64];
	bool have;

	exchange(c->req, &r1);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == 200, "line %d (%s): status %d: %.300s",
		      c->line, c->desc, r1.status, r1.raw);
	ck_assert_msg(hs_contains(r1.body, r1.body_len, "SCRIPT_NAME="),
		      "line %d (%s): not an environment listing: %.300s", c->line, c->desc, r1.body);
	have = env_get(r1.body, c->name, val, sizeof val);
	if (c->want == ABSENT) {
		ck_assert_msg(!have, "line %d (%s): %s=%s must not be set", c->line, c->desc, c->name, val);
		return;
	}
	ck_assert_msg(have, "line %d (%s): %s not set; environment:\n%.2000s",
		      c->line, c->desc, c->name, r1.body);
	if (strcmp(c->want, PORT) == 0)
		snprintf(want, sizeof want, "%d", srv.port);
	else
		snprintf(want, sizeof want, "%s", c->want);
	if (want[0] != '\0' && want[strlen(want) - 1] == '*')
		ck_assert_msg(strncmp(val, want, strlen(want) - 1) == 0,
			      "line %d (%s): %s=%s, want %s", c->line, c->desc, c->name, val, want);
	else
		ck_assert_msg(strcmp(val, want) == 0, "line %d (%s): %s=\"%s\", want \"%s\"",
			      c->line, c->desc, c->name, val, want);
}
END_TEST

/* The whole environment: nothing but meta-variables and the script's own PWD. */
START_TEST(test_env_clean)
{
	static const char *const allowed[] = {
		"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO",
		"PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT",
		"REMOTE_USER", "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
		"SERVER_PROTOCOL", "SERVER_SOFTWARE", "PATH", "PWD", "REDIRECT_STATUS",
		"SCRIPT_FILENAME", "DOCUMENT_ROOT", "REQUEST_URI", "REMOTE_PORT", "SERVER_ADDR",
		"REQUEST_SCHEME", "HTTPS", "SERVER_ADMIN", "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT",
	};

	exchange(REQ_PLAIN, &r1);
	ck_assert_int_eq(r1.status, 200);
	for (const char *p = r1.body; *p != '\0'; ) {
		size_t len = strcspn(p, "=\n");
		bool ok = len > 5 && strncmp(p, "HTTP_", 5) == 0;

		for (size_t i = 0; !ok && i < N(allowed); i++)
			ok = strlen(allowed[i]) == len && strncmp(p, allowed[i], len) == 0;
		ck_assert_msg(ok, "unexpected variable in the script's environment: %.*s",
			      (int)strcspn(p, "\n"), p);
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* body: request bodies into scripts. */

START_TEST(test_echo_8mb_length)
{
	unsigned char *data = big_body();
	struct big b = { 0 };
	int fd = big_post("echo", "Content-Type: application/octet-stream\r\n", data, BIG_LEN, &b, 20000);

	ck_assert_msg(b.status == 200, "status %d: %s", b.status, b.head);
	ck_assert_msg(b.body_len == BIG_LEN, "echoed %zu bytes, want %d", b.body_len, BIG_LEN);
	ck_assert_msg(memcmp(b.body, data, BIG_LEN) == 0, "echo differs from byte %zu on",
		      first_diff(b.body, data, BIG_LEN));
	assert_big_in_sync(__LINE__, "after an 8 MB POST", &b, fd);
	hs_conn_close(&conn);
	big_free(&b);
}
END_TEST

/* Chunk sizes cycled through while encoding the 8 MB body. */
static const size_t chunk_sizes[] = { 1, 2, 15, 16, 255, 4096, 65535, 65536, 65537, 3, 100003, 1048576 };

START_TEST(test_echo_8mb_chunked)
{
	unsigned char *data = big_body();
	static const char head[] = "POST /cgi-bin/echo HTTP/1.1\r\nHost: localhost\r\n"
		"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
	struct big b = { 0 };
	char *req = malloc(BIG_LEN + BIG_LEN / 4 + 4096), *w = req;
	const char *cl;
	size_t off = 0, k = 0;
	int fd;

	need_script("echo");
	ck_assert_ptr_nonnull(req);
	w += sprintf(w, "%s", head);
	while (off < BIG_LEN) {
		size_t n = chunk_sizes[k++ % N(chunk_sizes)];

		if (n > BIG_LEN - off)
			n = BIG_LEN - off;
		w += sprintf(w, "%zx\r\n", n);
		memcpy(w, data + off, n);
		w += n;
		w += sprintf(w, "\r\n");
		off += n;
	}
	w += sprintf(w, "0\r\n\r\n");
	fd = hs_connect(&srv);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(big_xfer(fd, req, (size_t)(w - req), &b, 20000) == 0,
		      "no complete response to an 8 MB chunked POST (%zu bytes in): %.300s",
		      b.len, b.raw ? b.raw : "");
	ck_assert_msg(b.status == 200, "status %d: %s", b.status, b.head);
	cl = strcasestr(b.head, "\r\nContent-Length: ");
	ck_assert_msg(cl != NULL && strtoul(cl + 18, NULL, 10) == BIG_LEN,
		      "echo must have got CONTENT_LENGTH=%d (the decoded length): %s", BIG_LEN, b.head);
	ck_assert_msg(b.body_len == BIG_LEN, "echoed %zu bytes, want %d", b.body_len, BIG_LEN);
	ck_assert_msg(memcmp(b.body, data, BIG_LEN) == 0, "echo differs from byte %zu on",
		      first_diff(b.body, data, BIG_LEN));
	assert_big_in_sync(__LINE__, "after a chunked 8 MB POST", &b, fd);
	hs_conn_close(&conn);
	big_free(&b);
	free(req);
}
END_TEST

START_TEST(test_expect_continue)
{
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, "POST /cgi-bin/echo HTTP/1.1\r\nHost: localhost\r\n"
				     "Content-Type: text/plain\r\nContent-Length: 11\r\n"
				     "Expect: 100-continue\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, 3000) == 0,
		      "no interim response before the body was sent; got: %.300s", r1.raw);
	ck_assert_msg(r1.status == 100, "want 100 Continue first, got %d: %.300s", r1.status, r1.raw);
	ck_assert_msg(strncmp(r1.raw, "HTTP/1.1 100 Continue\r\n", 23) == 0, "interim: %.100s", r1.raw);
	ck_assert_int_eq(hs_send_str(conn.fd, "hello world"), 0);
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0,
		      "no final response; got: %.300s", r2.raw);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_str_eq(r2.body, "hello world");
	hs_conn_close(&conn);
}
END_TEST

/*
 * Expect: 100-continue with the body sent at once, not waiting for the 100
 * (RFC 9110 10.1.1 allows it): a 100, if any, comes before the final
 * answer and never inside it (RFC 9110 15.2). The pump once sent it the
 * first time it read more body, after the script's answer had started.
 */
START_TEST(test_expect_continue_body_at_once)
{
	enum { LEN = 200000 };
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	char *req = malloc(LEN + 512), *out = malloc(LEN + 8192);
	size_t hl;

	need_script("echo");
	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(out);
	hl = (size_t)sprintf(req, "POST /cgi-bin/echo HTTP/1.1\r\nHost: localhost\r\n"
			     "Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", LEN);
	for (size_t i = 0; i < LEN; i++)
		req[hl + i] = (char)('a' + i % 26);
	for (int round = 0; round < 5; round++) {
		ssize_t n = hs_exchange_raw(&srv, req, hl + LEN, out, LEN + 8192, HS_TIMEOUT_MS * 2);
		const char *p = out, *end;

		ck_assert_msg(n > 0, "round %d: no answer", round);
		if ((size_t)n >= sizeof cont - 1 && memcmp(p, cont, sizeof cont - 1) == 0)
			p += sizeof cont - 1;
		ck_assert_msg(strncmp(p, "HTTP/1.1 200 ", 13) == 0, "round %d: %.200s", round, p);
		end = memmem(p, (size_t)(out + n - p), "\r\n\r\n", 4);
		ck_assert_ptr_nonnull(end);
		end += 4;
		ck_assert_msg(out + n - end == LEN && memcmp(end, req + hl, LEN) == 0,
			      "round %d: the echoed body differs (%zd bytes after the head; a 100 inside it?)",
			      round, out + n - end);
	}
	free(req);
	free(out);
}
END_TEST

/* Content-Length over limits.body: 413 at once, and the script never runs. */
START_TEST(test_body_too_large)
{
	static const char *const heads[] = {
		"POST /cgi-bin/t-mark.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 30000000\r\n"
		"Expect: 100-continue\r\n\r\n",
		"POST /cgi-bin/t-mark.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20971521\r\n\r\n"
		"only the first bytes",
	};
	char marker[HS_PATH * 2];

	snprintf(marker, sizeof marker, "%s/cgi-bin/ran.marker", srv.root);
	/* The control: a small body runs the script, which leaves its marker. */
	exchange("POST /cgi-bin/t-mark.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "marked\n") == 0, "control: %.300s", r1.raw);
	ck_assert_msg(access(marker, F_OK) == 0, "control: t-mark.sh left no marker");
	for (size_t i = 0; i < N(heads); i++) {
		unlink(marker);
		open_conn();
		request(heads[i], &r1, false);
		ck_assert_msg(r1.status == 413, "head %zu: want 413 (not %d) before any body: %.300s",
			      i, r1.status, r1.raw);
		hs_conn_close(&conn);
		sleep_ms(300);
		ck_assert_msg(access(marker, F_OK) != 0, "head %zu: the script ran despite the 413", i);
	}
	assert_still_serving(__LINE__, "after 413");
}
END_TEST

/* The script answers without reading its 8 MB body: the response is right and the connection stays usable. */
START_TEST(test_ignore_body)
{
	struct big b = { 0 };
	int fd = big_post("ignore_body.sh", "", big_body(), BIG_LEN, &b, 20000);

	ck_assert_msg(b.status == 200 && b.body_len == 8 && memcmp(b.body, "ignored\n", 8) == 0,
		      "response: %s", b.raw);
	assert_big_in_sync(__LINE__, "after an unread 8 MB body", &b, fd);
	hs_conn_close(&conn);
	big_free(&b);
}
END_TEST

/* The script writes 2 MB before it reads its 2 MB body: the server must pump both ways at once. */
START_TEST(test_big_before_read)
{
	char tail[64];
	struct big b = { 0 };
	size_t tl = (size_t)snprintf(tail, sizeof tail, "\nread=%d\n", BEFORE_READ_LEN);
	int fd = big_post("big_before_read.sh", "", big_body(), BEFORE_READ_LEN, &b, 15000);

	ck_assert_msg(b.status == 200, "status %d: %s", b.status, b.head);
	ck_assert_msg(b.body_len == BEFORE_READ_LEN + tl, "body %zu bytes, want %zu",
		      b.body_len, BEFORE_READ_LEN + tl);
	for (size_t i = 0; i < BEFORE_READ_LEN; i++)
		ck_assert_msg(b.body[i] == 'x', "byte %zu is 0x%02x, want 'x'", i, b.body[i]);
	ck_assert_msg(memcmp(b.body + BEFORE_READ_LEN, tail, tl) == 0,
		      "the script did not read its whole body: %.*s", (int)tl, b.body + BEFORE_READ_LEN);
	close(fd);
	big_free(&b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* response: what a script prints becomes the response (RFC 3875 6). */

enum { F_CHUNKED = 1, F_NOT_CHUNKED = 2, F_HEAD = 4 };

static const struct resp_case {
	int line;
	const char *desc;
	const char *req;
	int status, alt_status;  /* alt_status: 0, or another acceptable status */
	const char *body_is;     /* exact body, or NULL */
	const char *body_has;
	const char *body_hasnt;
	const char *hdr, *hdr_value;
	int flags;
} resp_cases[] = {
	{ __LINE__, "Status with its reason", "GET /cgi-bin/status.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  418, 0, "short and stout\n", NULL, NULL, NULL, NULL, 0 },
	{ __LINE__, "absolute Location: client redirect", "GET /cgi-bin/redirect_abs.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  302, 0, NULL, NULL, NULL, "Location", "http://example.com/x", 0 },
	{ __LINE__, "local Location: served internally", "GET /cgi-bin/redirect_local.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, HS_HELLO, NULL, NULL, "Location", NULL, 0 },
	{ __LINE__, "script's Content-Length kept", "GET /cgi-bin/cl.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, "hello", NULL, NULL, "Content-Length", "5", F_NOT_CHUNKED },
	{ __LINE__, "HEAD with Content-Length: no body", "HEAD /cgi-bin/cl.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, NULL, NULL, NULL, "Content-Type", "text/plain", F_HEAD },
	{ __LINE__, "HEAD of a streamed script: no body", "HEAD /cgi-bin/stream.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, NULL, NULL, NULL, "Content-Type", "text/plain", F_HEAD },
	{ __LINE__, "no Content-Length on HTTP/1.1: chunked", "GET /cgi-bin/stream.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, "line 1\nline 2\nline 3\nline 4\nline 5\n", NULL, NULL, "Content-Length", NULL, F_CHUNKED },
	{ __LINE__, "stderr does not reach the client", "GET /cgi-bin/stderr.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  200, 0, "ok\n", NULL, NULL, NULL, NULL, 0 },
	{ __LINE__, "no header block: 502", "GET /cgi-bin/no_header.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  502, 0, NULL, NULL, "oops", NULL, NULL, 0 },
	{ __LINE__, "exit without output: 502", "GET /cgi-bin/exit_early.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  502, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ __LINE__, "not executable: 403", "GET /cgi-bin/noexec.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  403, 0, NULL, NULL, "noexec-must-not-run", NULL, NULL, 0 },
	{ __LINE__, "missing script: 404", "GET /cgi-bin/missing HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  404, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ __LINE__, "missing script with extra path: 404", "GET /cgi-bin/missing/x HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  404, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ __LINE__, "the alias itself: 403, no listing", "GET /cgi-bin/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  403, 0, NULL, NULL, "printenv", NULL, NULL, 0 },
	{ __LINE__, "POST to a script that ignores its small body", "POST /cgi-bin/status.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nabcde",
	  418, 0, "short and stout\n", NULL, NULL, NULL, NULL, 0 },
	/* The body is spooled before the interpreter starts (CONTENT_LENGTH, RFC 3875 4.1.2). */
	{ __LINE__, "malformed chunked body to a PHP script: 400, PHP never runs",
	  "POST /info.php HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
	  400, 0, NULL, NULL, PHP_RAN, NULL, NULL, 0 },
};

START_TEST(test_response)
{
	const struct resp_case *c = &resp_cases[_i];
	const char *v;

	open_conn();
	request(c->req, &r1, c->flags & F_HEAD);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == c->status || (c->alt_status && r1.status == c->alt_status),
		      "line %d (%s): status %d, want %d: %.400s", c->line, c->desc, r1.status, c->status, r1.raw);
	if (c->body_is != NULL)
		ck_assert_msg(r1.body_len == strlen(c->body_is) && strcmp(r1.body, c->body_is) == 0,
			      "line %d (%s): body \"%s\", want \"%s\"", c->line, c->desc, r1.body, c->body_is);
	if (c->body_has != NULL)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->body_has),
			      "line %d (%s): body lacks %s: %.300s", c->line, c->desc, c->body_has, r1.body);
	if (c->body_hasnt != NULL)
		ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, c->body_hasnt),
			      "line %d (%s): response has %s: %.300s", c->line, c->desc, c->body_hasnt, r1.raw);
	if (c->hdr != NULL) {
		v = hs_hdr(&r1, c->hdr);
		if (c->hdr_value == NULL)
			ck_assert_msg(v == NULL, "line %d (%s): %s: %s must not be sent", c->line, c->desc, c->hdr, v);
		else
			ck_assert_msg(v != NULL && strncmp(v, c->hdr_value, strlen(c->hdr_value)) == 0,
				      "line %d (%s): %s: %s, want %s", c->line, c->desc, c->hdr,
				      v ? v : "(none)", c->hdr_value);
	}
	if (c->flags & F_CHUNKED)
		ck_assert_msg(r1.chunked, "line %d (%s): want Transfer-Encoding: chunked", c->line, c->desc);
	if (c->flags & F_NOT_CHUNKED)
		ck_assert_msg(!r1.chunked, "line %d (%s): must not be chunked", c->line, c->desc);
	assert_conn_in_sync(c->line, c->desc, &r1);
	hs_conn_close(&conn);
}
END_TEST

/* The status line of status.sh carries its own reason phrase. */
START_TEST(test_status_reason)
{
	exchange("GET /cgi-bin/status.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 418);
	ck_assert_str_eq(r1.reason, "I'm a teapot");
	ck_assert_pstr_eq(hs_hdr(&r1, "Content-Type"), "text/plain");
}
END_TEST

/* HTTP/1.1 without Content-Length: streamed as it comes, not buffered to the end. */
START_TEST(test_stream_is_streamed)
{
	struct pollfd p;
	long long t0, t_first, t_end;

	open_conn();
	t0 = hs_now_ms();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/stream.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	p = (struct pollfd){ .fd = conn.fd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 3000), 1);
	t_first = hs_now_ms();
	ck_assert_msg(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS) == 0, "%.300s", r1.raw);
	t_end = hs_now_ms();
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(r1.chunked, "want chunked");
	ck_assert_str_eq(r1.body, "line 1\nline 2\nline 3\nline 4\nline 5\n");
	ck_assert_msg(t_end - t_first >= 400,
		      "the response was held back until the script ended (first byte %lld ms, end %lld ms)",
		      t_first - t0, t_end - t0);
	/* And a second request on the same connection, to a script again. */
	request("GET /cgi-bin/stream.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r2, false);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_str_eq(r2.body, "line 1\nline 2\nline 3\nline 4\nline 5\n");
	hs_conn_close(&conn);
}
END_TEST

/* HTTP/1.0 cannot be chunked: the body ends with the connection. */
static const struct { int line; const char *desc; const char *req; } http10_cases[] = {
	{ __LINE__, "HTTP/1.0", "GET /cgi-bin/stream.sh HTTP/1.0\r\n\r\n" },
	{ __LINE__, "HTTP/1.0 asking for keep-alive", "GET /cgi-bin/stream.sh HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" },
};

START_TEST(test_stream_http10)
{
	open_conn();
	request(http10_cases[_i].req, &r1, false);
	ck_assert_msg(r1.status == 200, "line %d (%s): status %d", http10_cases[_i].line,
		      http10_cases[_i].desc, r1.status);
	ck_assert_msg(!r1.chunked && hs_hdr(&r1, "Transfer-Encoding") == NULL,
		      "line %d (%s): no chunked coding for HTTP/1.0", http10_cases[_i].line, http10_cases[_i].desc);
	ck_assert_msg(hs_hdr(&r1, "Content-Length") == NULL && conn.eof,
		      "line %d (%s): want a close-delimited body: %.300s", http10_cases[_i].line,
		      http10_cases[_i].desc, r1.raw);
	ck_assert_str_eq(r1.body, "line 1\nline 2\nline 3\nline 4\nline 5\n");
	hs_conn_close(&conn);
}
END_TEST

/* nph-: the bytes exactly as the script wrote them. */
START_TEST(test_nph)
{
	static const char want[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nnph";
	static const char req[] = "GET /cgi-bin/nph-test.sh HTTP/1.1\r\nHost: localhost\r\n\r\n";
	static char out[4096];
	ssize_t n;

	need_script("nph-test.sh");
	n = hs_exchange_raw(&srv, req, strlen(req), out, sizeof out, 3000);
	ck_assert_msg(n == (ssize_t)strlen(want) && memcmp(out, want, (size_t)n) == 0,
		      "nph output changed (n=%zd):\n%s", n, out);
}
END_TEST

/*
 * nph- output the server cannot read a status from: the bytes still pass
 * unchanged, whatever their first read holds (the second and later reads
 * go straight through too), and the access log says 200 when the first
 * line is no "HTTP/1.x NNN" (split: not checked, that depends on the read).
 */
static const struct { int line; const char *query; const char *status_line; int logged; } nph_odd_cases[] = {
	{ __LINE__, "split", "HTTP/1.1 203 Split", 0 },
	{ __LINE__, "xttp", "XTTP/1.1 203 Odd", 200 },
	{ __LINE__, "nosp", "HTTP/1.1_203 Odd", 200 },
};

START_TEST(test_nph_odd)
{
	static char out[4096];
	char req[256], want[256], logged[64];
	size_t wl;
	ssize_t n;
	int line = nph_odd_cases[_i].line;

	need_script("nph-odd.sh");
	snprintf(req, sizeof req, "GET /cgi-bin/nph-odd.sh?%s HTTP/1.1\r\nHost: localhost\r\n\r\n",
		 nph_odd_cases[_i].query);
	wl = (size_t)snprintf(want, sizeof want, "%s\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
			      nph_odd_cases[_i].status_line);
	n = hs_exchange_raw(&srv, req, strlen(req), out, sizeof out, HS_TIMEOUT_MS);
	ck_assert_msg(n == (ssize_t)wl && memcmp(out, want, wl) == 0,
		      "line %d: nph output changed (n=%zd):\n%.300s", line, n, out);
	if (nph_odd_cases[_i].logged) {
		snprintf(req, sizeof req, "GET /cgi-bin/nph-odd.sh?%s HTTP/1.1\"", nph_odd_cases[_i].query);
		snprintf(logged, sizeof logged, "\" %d %zu ", nph_odd_cases[_i].logged, wl);
		ck_assert_msg(hs_wait_file_contains(srv.access_log, req, HS_TIMEOUT_MS),
			      "line %d: no access-log line", line);
		ck_assert_msg(hs_find_line(srv.access_log, req, logged, out, sizeof out),
			      "line %d: the access log does not say %s", line, logged);
	}
}
END_TEST

/* Each stderr line goes to the error log, naming the script. */
START_TEST(test_stderr_logged)
{
	static char log[HS_MAX_RESP];
	const char *m, *bol;

	exchange("GET /cgi-bin/stderr.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "hello-stderr-marker", 3000),
		      "stderr line not in %s", srv.error_log);
	hs_slurp(srv.error_log, log, sizeof log);
	m = strstr(log, "hello-stderr-marker");
	for (bol = m; bol > log && bol[-1] != '\n'; bol--)
		;
	ck_assert_msg(memmem(bol, (size_t)(m - bol), "stderr.sh", 9) != NULL,
		      "the log line does not name the script: %.*s", (int)strcspn(bol, "\n"), bol);
}
END_TEST

/*
 * Script stderr is escaped like every client-controlled log text: a CR or
 * an ESC written by a script appears as \x0d / \x1b, so it can neither
 * hide a log line nor drive the terminal of whoever reads the log; a CRLF
 * line end is still only a line end.
 */
START_TEST(test_stderr_escaped)
{
	static char log[HS_MAX_RESP];
	const char *m;
	ssize_t n;

	exchange("GET /cgi-bin/stderr_ctl.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "ctl-marker-2", 3000),
		      "stderr lines not in %s", srv.error_log);
	n = hs_slurp(srv.error_log, log, sizeof log);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(memchr(log, '\r', (size_t)n) == NULL, "a raw CR in the error log");
	ck_assert_msg(memchr(log, '\x1b', (size_t)n) == NULL, "a raw ESC in the error log");
	m = strstr(log, "ctl-marker a");
	ck_assert_msg(m != NULL, "first line missing: %s", log);
	ck_assert_msg(strncmp(m, "ctl-marker a\\x0db\\x1b[2Jc\n", 26) == 0,
		      "not escaped as one line: %.*s", (int)strcspn(m, "\n"), m);
	m = strstr(log, "ctl-marker-2");
	ck_assert_msg(strncmp(m, "ctl-marker-2 second\n", 20) == 0,
		      "CRLF line end not taken as the end: %.*s", (int)strcspn(m, "\n"), m);
}
END_TEST

/*
 * A script that ends writing 36 KB to stderr at once (stderr_heavy.sh):
 * more than one read takes, so some is still in the pipe when the script
 * has exited. Every line reaches the error log, the last one without its
 * newline too, and the empty first line as an empty message.
 */
START_TEST(test_stderr_heavy)
{
	static char log[1 << 20];
	ssize_t n;

	need_script("stderr_heavy.sh");
	exchange("GET /cgi-bin/stderr_heavy.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && strcmp(r1.body, "ok\n") == 0, "%.300s", r1.raw);
	ck_assert_msg(hs_wait_file_count(srv.error_log, "stderr_heavy.sh: stderr-heavy-", 2001, HS_TIMEOUT_MS),
		      "%d of the script's 2001 stderr lines in the error log",
		      hs_file_count(srv.error_log, "stderr_heavy.sh: stderr-heavy-"));
	n = hs_slurp(srv.error_log, log, sizeof log);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(memmem(log, (size_t)n, "stderr_heavy.sh: stderr-heavy-0001\n", 35) &&
		      memmem(log, (size_t)n, "stderr_heavy.sh: stderr-heavy-2000\n", 35) &&
		      memmem(log, (size_t)n, "stderr_heavy.sh: stderr-heavy-tail\n", 35),
		      "the first, the last or the unterminated line is missing");
	ck_assert_msg(memmem(log, (size_t)n, "stderr_heavy.sh: \n", 18),
		      "the empty stderr line was not logged");
}
END_TEST

/*
 * HEAD on a script that answers with a local redirect: the internal request
 * is a HEAD too, so no body follows the head. A GET pipelined in the same
 * write shows any stray byte: its response would no longer start with a
 * status line.
 */
START_TEST(test_head_local_redirect)
{
	need_script("redirect_local.sh");
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd,
		"HEAD /cgi-bin/redirect_local.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"
		"GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, true, HS_TIMEOUT_MS) == 0,
		      "no response to the HEAD; got: %.300s", r1.raw);
	assert_wellformed(__LINE__, "HEAD of a local redirect", &r1);
	ck_assert_msg(r1.status == 200, "HEAD of a local redirect: status %d: %.300s", r1.status, r1.raw);
	ck_assert_pstr_eq(hs_hdr(&r1, "Content-Length"), "14");
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0,
		      "no response to the pipelined GET; got: %.300s", r2.raw);
	ck_assert_msg(strncmp(r2.raw, "HTTP/1.1 200 ", 13) == 0 && r2.status == 200,
		      "body bytes followed the HEAD response: the next one reads %.200s", r2.raw);
	ck_assert_str_eq(r2.body, HS_HELLO);
	ck_assert_msg(conn.len == 0, "%zu stray bytes after the second response: %.*s",
		      conn.len, (int)conn.len, conn.buf);
	hs_conn_close(&conn);
}
END_TEST

/*
 * The end of the header block arrives in one write with a body longer than
 * the space left for the block: the block must not be refused as too long.
 */
static const struct { int line; const char *desc; const char *target; } one_write_cases[] = {
	{ __LINE__, "whole output in one write", "/cgi-bin/one_write_body.sh" },
	{ __LINE__, "first field alone, then the rest in one write", "/cgi-bin/one_write_body.sh?split" },
};

START_TEST(test_one_write_body)
{
	int line = one_write_cases[_i].line;
	const char *desc = one_write_cases[_i].desc;
	char req[256];
	size_t i = 0;

	need_script("one_write_body.sh");
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", one_write_cases[_i].target);
	open_conn();
	request(req, &r1, false);
	assert_wellformed(line, desc, &r1);
	ck_assert_msg(r1.status == 200, "line %d (%s): status %d, want 200: %.300s",
		      line, desc, r1.status, r1.raw);
	ck_assert_msg(r1.body_len == 70000, "line %d (%s): body of %zu bytes, want 70000",
		      line, desc, r1.body_len);
	while (i < r1.body_len && r1.body[i] == 'y')
		i++;
	ck_assert_msg(i == r1.body_len, "line %d (%s): body byte %zu is 0x%02x, want 'y'",
		      line, desc, i, (unsigned char)r1.body[i]);
	assert_conn_in_sync(line, desc, &r1);
	hs_conn_close(&conn);
}
END_TEST

/*
 * A header block over 64 KB (CGI_HEAD_MAX) is refused: exactly 502 with an
 * HTML body and an error-log line, and nothing of the script's output.
 */
START_TEST(test_header_block_over_limit)
{
	const char *ct;

	need_script("huge_header_block.sh");
	open_conn();
	request("GET /cgi-bin/huge_header_block.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1, false);
	assert_wellformed(__LINE__, "70000-byte header block", &r1);
	ck_assert_msg(r1.status == 502, "status %d, want 502: %.300s", r1.status, r1.raw);
	ct = hs_hdr(&r1, "Content-Type");
	ck_assert_msg(ct != NULL && strncasecmp(ct, "text/html", 9) == 0 && r1.body_len > 0 &&
		      hs_contains(r1.body, r1.body_len, "<"), "a 502 needs an HTML body: %.300s", r1.raw);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "yyyyyyyy") && !hs_contains(r1.body, r1.body_len, "small"),
		      "the script's output leaked into the 502: %.300s", r1.raw);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "header block too long", HS_TIMEOUT_MS) ||
		      hs_wait_file_contains(srv.error_log, "header block longer than", 100),
		      "no error-log line for the oversized header block");
	hs_conn_close(&conn);
}
END_TEST

/*
 * One 40000-byte header field, within the 64 KB a header block may have
 * (CGI_HEAD_MAX): passed on whole (200). The harness keeps only 1 KB of a
 * field's value, so the field is measured in the raw head.
 */
START_TEST(test_big_header_field)
{
	const char *f, *eol;
	size_t len = 0;

	need_script("big_header_field.sh");
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/big_header_field.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS) == 0,
		      "no complete response to a 40000-byte header field (%zu bytes: %.300s)",
		      r1.raw_len, r1.raw);
	assert_wellformed(__LINE__, "40000-byte header field", &r1);
	ck_assert_msg(r1.status == 200, "status %d, want 200: %.300s", r1.status, r1.raw);
	f = memmem(r1.raw, r1.head_len, "\r\nX-Big: ", 9);
	ck_assert_msg(f != NULL, "200 without the X-Big field: %.300s", r1.raw);
	f += 9;
	eol = memmem(f, r1.head_len - (size_t)(f - r1.raw), "\r\n", 2);
	ck_assert_ptr_nonnull(eol);
	while (f + len < eol && f[len] == 'y')
		len++;
	ck_assert_msg(f + len == eol && len == 40000, "X-Big value of %zu bytes ('y' x %zu), want 40000",
		      (size_t)(eol - f), len);
	ck_assert_str_eq(r1.body, "small\n");
	assert_conn_in_sync(__LINE__, "40000-byte header field", &r1);
	hs_conn_close(&conn);
}
END_TEST

/*
 * t-padded.sh's location adds 12 KB of configured fields to what the
 * script sends. A header block within CGI_HEAD_MAX that, with them, no
 * longer fits the response head is refused as a whole: 502 and an
 * error-log line, never a head cut short (a client would take the cut
 * head's last field, or the body, for something else).
 */
static const struct { int line; const char *desc; int big; int status; } padded_cases[] = {
	{ __LINE__, "1000-byte field and the location's: 200 with all of them", 1000, 200 },
	{ __LINE__, "64000-byte field and the location's: more than a head holds, 502", 64000, 502 },
};

START_TEST(test_padded_head)
{
	int line = padded_cases[_i].line;
	const char *desc = padded_cases[_i].desc, *f;
	char req[128], pad[16];

	snprintf(req, sizeof req, "GET /cgi-bin/t-padded.sh?%d HTTP/1.1\r\nHost: localhost\r\n\r\n",
		 padded_cases[_i].big);
	open_conn();
	request(req, &r1, false);
	assert_wellformed(line, desc, &r1);
	ck_assert_msg(r1.status == padded_cases[_i].status, "line %d (%s): status %d: %.300s",
		      line, desc, r1.status, r1.raw);
	if (r1.status == 200) {
		for (int i = 0; i < PAD_FIELDS; i++) {
			snprintf(pad, sizeof pad, "X-Pad-%02d", i);
			f = hs_hdr(&r1, pad);
			ck_assert_msg(f != NULL && strspn(f, "p") == strlen(f) && strlen(f) > 0,
				      "line %d (%s): %s missing or changed", line, desc, pad);
		}
		ck_assert_msg(memmem(r1.raw, r1.head_len, "\r\nX-Big: yyyy", 13) != NULL,
			      "line %d (%s): no X-Big field", line, desc);
		ck_assert_str_eq(r1.body, "small\n");
	} else {
		ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "yyyyyyyy") &&
			      !hs_contains(r1.body, r1.body_len, "small"),
			      "line %d (%s): the script's output leaked into the 502: %.300s", line, desc, r1.raw);
		ck_assert_msg(hs_wait_file_contains(srv.error_log, "t-padded.sh: header fields too large to send",
						    HS_TIMEOUT_MS),
			      "line %d (%s): no error-log line", line, desc);
	}
	assert_conn_in_sync(line, desc, &r1);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* security: source never served, nothing outside the cgi directory runs. */

static const struct sec_case {
	int line;
	const char *desc;
	const char *target;
	int status;              /* exactly this (body_has checked on 200) */
	const char *body_has;    /* NULL: not checked */
} sec_cases[] = {
	{ __LINE__, "PHP form runs on GET", "/contact_form.php", 200, NULL },
	{ __LINE__, "PHP with PATH_INFO", "/info.php/extra", 200, "PATH_INFO=/extra\n" },
	{ __LINE__, "PHP script name with PATH_INFO", "/info.php/extra", 200, "SCRIPT_NAME=/info.php\n" },
	{ __LINE__, "PHP query string \"-s\" is no option (CVE-2012-1823)", "/info.php?-s", 200, PHP_RAN "\n" },
	{ __LINE__, "PHP query string \"-s\" still a query", "/info.php?-s", 200, "QUERY_STRING=-s\n" },
	{ __LINE__, "upper-case .PHP runs too", "/upper.PHP", 200, PHP_RAN "\n" },
	{ __LINE__, "index.php of a directory", "/phpdir/", 200, PHP_RAN " index\n" },
	{ __LINE__, "dot-segments back into the alias", "/cgi-bin/../cgi-bin/printenv", 200, "GATEWAY_INTERFACE=CGI/1.1" },
	{ __LINE__, "encoded dot-segments back into the alias", "/cgi-bin/%2e%2e/cgi-bin/printenv", 200, "GATEWAY_INTERFACE=CGI/1.1" },
	/* Dot-segments are resolved before the alias is matched (RFC 3986 5.2.4):
	 * these name /outside.sh or /secret.txt below document_root, which do
	 * not exist (404); a climb above "/" is malformed (400); a dotfile
	 * segment or a symlink out of the directory is forbidden (403). */
	{ __LINE__, "dot-segment out of the alias", "/cgi-bin/../outside.sh", 404, NULL },
	{ __LINE__, "encoded dot-segment", "/cgi-bin/%2e%2e/outside.sh", 404, NULL },
	{ __LINE__, "encoded upper-case dot-segment", "/cgi-bin/%2E%2E/outside.sh", 404, NULL },
	{ __LINE__, "half-encoded dot-segment", "/cgi-bin/.%2e/outside.sh", 404, NULL },
	{ __LINE__, "encoded slash", "/cgi-bin/..%2foutside.sh", 404, NULL },
	{ __LINE__, "encoded upper-case slash", "/cgi-bin/..%2Foutside.sh", 404, NULL },
	{ __LINE__, "all encoded", "/cgi-bin/%2e%2e%2foutside.sh", 404, NULL },
	{ __LINE__, "backslash", "/cgi-bin/..%5coutside.sh", 403, NULL },
	{ __LINE__, "double slash", "/cgi-bin//../outside.sh", 404, NULL },
	{ __LINE__, "secret via encoded dots", "/cgi-bin/%2e%2e/secret.txt", 404, NULL },
	{ __LINE__, "secret via encoded slash", "/cgi-bin/..%2fsecret.txt", 404, NULL },
	{ __LINE__, "two levels up", "/cgi-bin/%2e%2e/%2e%2e/outside.sh", 400, NULL },
	{ __LINE__, "symlink out of the cgi directory", "/cgi-bin/t-link-out", 403, NULL },
};

START_TEST(test_security)
{
	const struct sec_case *c = &sec_cases[_i];
	char req[512];

	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", c->target);
	exchange(req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	ck_assert_msg(!hs_contains(r1.body, r1.body_len, "<?php") &&
		      !hs_contains(r1.body, r1.body_len, "#!/bin/sh"),
		      "line %d (%s): script source served: %.300s", c->line, c->desc, r1.body);
	ck_assert_msg(!hs_contains(r1.body, r1.body_len, OUTSIDE_MARKER),
		      "line %d (%s): ran a script outside the cgi directory", c->line, c->desc);
	ck_assert_msg(!hs_contains(r1.body, r1.body_len, srv.secret),
		      "line %d (%s): served a file outside the roots", c->line, c->desc);
	if (c->body_has != NULL && r1.status == 200)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->body_has),
			      "line %d (%s): body lacks %s: %.400s", c->line, c->desc, c->body_has, r1.body);
}
END_TEST

/*
 * Names longer than a path may be (PATH_MAX, with the directory before
 * them): a file deep below cgi.directory or document_root whose full name
 * or URL no longer fits is refused (404, 414 for a directory's index
 * script), never run under a name cut short, which could be another file:
 * beside each script lies a decoy named as the script without its last
 * byte, which a name cut at PATH_MAX would run. The trees start with a directory "t-deep" (teardown_deep removes them:
 * nftw cannot, their names being longer than PATH_MAX).
 */
#define DEEP_MARKER "pfhttpd-deep-script-ran"

/* Remove name below the directory at, whatever its depth, by descriptors. */
static void rm_deep(int at, const char *name)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (fd < 0) {
		unlinkat(at, name, 0);
		return;
	}
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rm_deep(fd, de->d_name);
	closedir(d);
	unlinkat(at, name, AT_REMOVEDIR);
}

static void teardown_deep(void)
{
	static const char *const bases[] = { "cgi-bin", "htdocs" };

	for (size_t i = 0; i < N(bases) && srv.root[0] != '\0'; i++) {
		char path[HS_PATH * 2];
		int fd;

		snprintf(path, sizeof path, "%s/%s", srv.root, bases[i]);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			rm_deep(fd, "t-deep");
			close(fd);
		}
	}
	teardown();
}

/*
 * Below root/base: "t-deep/D/D/.../D" of exactly dlen bytes (each D at
 * most 200 bytes of 'd'), holding leaf and the decoy (leaf without its
 * last byte), both mode 0755 with text. rel gets "t-deep/.../D/leaf".
 */
static void deep_file(const char *base, size_t dlen, const char *leaf, const char *text, char *rel, size_t cap)
{
	char path[HS_PATH * 2], name[256];
	size_t n = 0;
	int fd, next, lf;

	ck_assert(dlen > 6 && dlen + strlen(leaf) + 2 < cap);
	snprintf(path, sizeof path, "%s/%s", srv.root, base);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	strcpy(name, "t-deep");
	for (;;) {
		size_t k = strlen(name), left;

		ck_assert_msg(mkdirat(fd, name, 0755) == 0 || errno == EEXIST, "mkdir: %s", strerror(errno));
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(next, 0);
		close(fd);
		fd = next;
		memcpy(rel + n, name, k);
		n += k;
		if (n == dlen)
			break;
		rel[n++] = '/';
		left = dlen - n;     /* the next names and their slashes */
		k = left <= 200 ? left : left - 200 >= 2 ? 200 : 199;
		memset(name, 'd', k);
		name[k] = '\0';
	}
	rel[n] = '/';
	strcpy(rel + n + 1, leaf);
	snprintf(name, sizeof name, "%.*s", (int)strlen(leaf) - 1, leaf);
	for (int i = 0; i < 2; i++) {
		lf = openat(fd, i ? name : leaf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		ck_assert_int_ge(lf, 0);
		ck_assert_int_eq(write(lf, text, strlen(text)), (ssize_t)strlen(text));
		ck_assert_int_eq(fchmod(lf, 0755), 0);
		close(lf);
	}
	close(fd);
}

enum { DEEP_ALIAS, DEEP_HANDLER, DEEP_INDEX };

static const struct deep_case {
	int line;
	const char *desc;
	int kind;
	int status;
} deep_cases[] = {
	{ __LINE__, "below the alias: the file name would not fit", DEEP_ALIAS, 404 },
	{ __LINE__, "a handler's file: the file name would not fit", DEEP_HANDLER, 404 },
	{ __LINE__, "a directory's index.php: its file name would not fit", DEEP_INDEX, 414 },
};

START_TEST(test_deep_names)
{
	const struct deep_case *c = &deep_cases[_i];
	static char rel[PATH_MAX + 64], req[PATH_MAX + 256];
	size_t cgi_dir = strlen(srv.root) + strlen("/cgi-bin"), doc = strlen(srv.root) + strlen("/htdocs");

	switch (c->kind) {
	case DEEP_ALIAS:
		/* "/cgi-bin/" + rel, and cgi.directory + "/" + rel: PATH_MAX with the NUL. */
		deep_file("cgi-bin", PATH_MAX - 1 - cgi_dir - 5, "t.sh",
			  "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n" DEEP_MARKER "\\n'\n",
			  rel, sizeof rel);
		snprintf(req, sizeof req, "GET /cgi-bin/%s HTTP/1.1\r\nHost: localhost\r\n\r\n", rel);
		break;
	case DEEP_HANDLER:
		deep_file("htdocs", PATH_MAX - 1 - doc - 6, "x.php", "<?php echo 'pfhttpd-deep-', 'script-ran';\n",
			  rel, sizeof rel);
		snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: localhost\r\n\r\n", rel);
		break;
	default:
		/* The index's name opens (below PATH_MAX), the full one does not fit. */
		deep_file("htdocs", PATH_MAX - doc - 11, "index.php", "<?php echo 'pfhttpd-deep-', 'script-ran';\n",
			  rel, sizeof rel);
		*strrchr(rel, '/') = '\0';
		snprintf(req, sizeof req, "GET /%s/ HTTP/1.1\r\nHost: localhost\r\n\r\n", rel);
		break;
	}
	exchange(req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, DEEP_MARKER), "line %d (%s): the script ran",
		      c->line, c->desc);
	ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, "<?php"), "line %d (%s): its source was sent",
		      c->line, c->desc);
	/* The server's own 404 page, not one from an interpreter that was started. */
	ck_assert_msg(c->status != 404 || hs_contains(r1.body, r1.body_len, HS_404_MARKER),
		      "line %d (%s): not the server's 404 page: %.300s", c->line, c->desc, r1.raw);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* processes: timeouts, disconnects, and nothing left behind. */

/* A script that never answers: 504 after timeouts.cgi, and its whole process group is gone. */
START_TEST(test_timeout_504)
{
	static char log[HS_MAX_RESP];
	char needle[HS_PATH], cpid[32] = "";
	struct proc script, left;
	long long t0, took;
	const char *m;
	pid_t child = 0;

	need_script("sleep_forever.sh");
	snprintf(needle, sizeof needle, "%s/cgi-bin/sleep_forever.sh", srv.root);
	open_conn();
	t0 = hs_now_ms();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/sleep_forever.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(wait_live(needle, 2000, &script) > 0, "the script never started");
	ck_assert_msg(script.pgrp != srv.pid && script.pgrp > 1,
		      "the script (pid %d) must run in its own process group, not %d",
		      (int)script.pid, (int)script.pgrp);
	ck_assert_msg(hs_read_response(&conn, &r1, false, (CGI_TIMEOUT_S + 6) * 1000) == 0,
		      "no response to a hanging script; got: %.300s", r1.raw);
	took = hs_now_ms() - t0;
	ck_assert_msg(r1.status == 504, "status %d, want 504: %.300s", r1.status, r1.raw);
	ck_assert_msg(took >= CGI_TIMEOUT_S * 1000 - 300 && took < CGI_TIMEOUT_S * 1000 + 4000,
		      "504 after %lld ms, want about %d s", took, CGI_TIMEOUT_S);
	/* The background child it reported on stderr, and every process of its group. */
	if (hs_wait_file_contains(srv.error_log, "child=", 2000)) {
		hs_slurp(srv.error_log, log, sizeof log);
		m = strstr(log, "child=");
		if (m != NULL && sscanf(m + 6, "%31[0-9]", cpid) == 1)
			child = (pid_t)atoi(cpid);
	}
	ck_assert_msg(wait_none_live(needle, script.pgrp, 5000, &left) == 0,
		      "after the 504, process %d (group %d, state '%c') lives on: %s",
		      (int)left.pid, (int)left.pgrp, left.state, left.cmd);
	if (child > 0) {
		struct proc p;

		ck_assert_msg(!proc_read(child, &p) || p.state == 'Z' || p.pgrp != script.pgrp,
			      "the background child %d lives on", (int)child);
	}
	hs_conn_close(&conn);
	assert_still_serving(__LINE__, "after a 504");
}
END_TEST

/* The client leaves in the middle of a slow response: the script is stopped. */
START_TEST(test_client_disconnect)
{
	char needle[HS_PATH], buf[65536];
	struct proc script, left;

	snprintf(needle, sizeof needle, "%s/cgi-bin/t-slow.sh", srv.root);
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/t-slow.sh HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_until(&conn, "slow line 3", buf, sizeof buf, 3000) &&
		      hs_contains(buf, strlen(buf), "HTTP/1.1 200"),
		      "the slow script's first lines did not arrive: %.300s", buf);
	ck_assert_msg(wait_live(needle, 1000, &script) > 0, "the slow script is not running");
	hs_conn_close(&conn);
	ck_assert_msg(wait_none_live(needle, script.pgrp, 6000, &left) == 0,
		      "the client left, yet process %d (group %d, state '%c') lives on: %s",
		      (int)left.pid, (int)left.pgrp, left.state, left.cmd);
	assert_still_serving(__LINE__, "after a client disconnect");
}
END_TEST

/*
 * SIGKILL the process whose pid the script wrote to path, if it is still the
 * sleep the script started (pids are reused). Its pid, or 0 if none was written.
 */
static pid_t kill_detached(const char *path)
{
	char buf[64];
	long long end = hs_now_ms() + 2000;
	struct proc p;
	ssize_t n;
	pid_t pid;

	while ((n = hs_slurp(path, buf, sizeof buf)) <= 0 && hs_now_ms() < end)
		sleep_ms(20);
	if (n <= 0 || (pid = (pid_t)atoi(buf)) <= 1)
		return 0;
	if (proc_read(pid, &p) && p.state != 'Z' && strstr(p.cmd, "sleep") != NULL)
		kill(pid, SIGKILL);
	/* Not our child (a subreaper above us inherits it): wait until it is dead, not reaped. */
	end = hs_now_ms() + 2000;
	while (proc_read(pid, &p) && p.state != 'Z' && p.state != 'X' && hs_now_ms() < end)
		sleep_ms(20);
	return pid;
}

/*
 * A script leaves a process outside its group that holds its stderr open
 * (setsid): the response must still end as soon as the script exits, not
 * when that process does (30 s later). A last stderr line without its
 * newline is logged all the same, though its end never comes.
 */
static const struct { int line; const char *target; const char *logged; } detached_cases[] = {
	{ __LINE__, "/cgi-bin/detached_stderr.sh", NULL },
	{ __LINE__, "/cgi-bin/detached_stderr.sh?tail", "detached_stderr.sh: detached-tail-marker\n" },
};

START_TEST(test_detached_stderr)
{
	char pidfile[HS_PATH * 2], req[256];
	long long t0, took;
	pid_t bg;
	int rc, line = detached_cases[_i].line;

	need_script("detached_stderr.sh");
	ck_assert_msg(access("/usr/bin/setsid", X_OK) == 0 || access("/bin/setsid", X_OK) == 0,
		      "setsid(1) is needed by detached_stderr.sh");
	snprintf(pidfile, sizeof pidfile, "%s/cgi-bin/bg.pid", srv.root);
	unlink(pidfile);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", detached_cases[_i].target);
	open_conn();
	t0 = hs_now_ms();
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	rc = hs_read_response(&conn, &r1, false, 3000);
	took = hs_now_ms() - t0;
	/* The line is logged before the access-log line: wait while the holder still runs. */
	if (rc == 0 && detached_cases[_i].logged)
		hs_wait_file_contains(srv.error_log, detached_cases[_i].logged, HS_TIMEOUT_MS);
	/* First stop the sleep: a failed assertion below ends this process. */
	bg = kill_detached(pidfile);
	ck_assert_msg(bg > 0, "line %d: the script wrote no pid to %s", line, pidfile);
	ck_assert_msg(rc == 0, "line %d: no complete response within 3 s (%lld ms) while a detached process "
		      "holds the script's stderr; got: %.300s", line, took, r1.raw);
	ck_assert_msg(r1.status == 200 && r1.chunked && strcmp(r1.body, "ok\n") == 0,
		      "line %d: status %d, chunked %d, body \"%s\": %.300s", line, r1.status, r1.chunked,
		      r1.body, r1.raw);
	if (detached_cases[_i].logged)
		ck_assert_msg(hs_file_count(srv.error_log, detached_cases[_i].logged) == 1,
			      "line %d: the unterminated stderr line was not logged once", line);
	assert_conn_in_sync(line, "after a detached stderr holder", &r1);
	hs_conn_close(&conn);
}
END_TEST

/* Many quick scripts, errors included, in a row: the workers reap every one. */
START_TEST(test_many_scripts)
{
	static const char *const targets[] = {
		"/cgi-bin/cl.sh", "/cgi-bin/exit_early.sh", "/cgi-bin/no_header.sh",
		"/cgi-bin/printenv", "/cgi-bin/status.sh", "/info.php",
	};

	for (int i = 0; i < 24; i++) {
		char req[256];

		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", targets[i % N(targets)]);
		exchange(req, &r1);
		ck_assert_msg(r1.status >= 200 && r1.status < 600, "%s: %.200s", targets[i % N(targets)], r1.raw);
	}
	assert_pool_clean(__LINE__);
}
END_TEST

/* Last of each TCase: the pool at rest has no zombie and no leftover script. */
START_TEST(test_zz_pool_clean)
{
	pid_t w[64];

	ck_assert_msg(hs_workers(srv.pid, w, 64) >= 1, "no live worker left");
	assert_pool_clean(__LINE__);
	assert_still_serving(__LINE__, "at the end");
}
END_TEST


/* ------------------------------------------------------------------------ */
/*
 * error_pages: an error page that is a script runs as one, as Apache's
 * ErrorDocument: GET, REDIRECT_* of the original request, the original
 * status whatever the script says; never its source; no loops.
 */

/* The value of NAME= in body, or "" (a failed check names the body). */
static const char *body_var(const struct hs_response *r, const char *name)
{
	static char val[512];

	if (!env_get(r->body, name, val, sizeof val))
		snprintf(val, sizeof val, "(missing)");
	return val;
}

static void assert_no_source(int line, const struct hs_response *r)
{
	ck_assert_msg(!hs_contains(r->raw, r->raw_len, "SECRET-") &&
		      !hs_contains(r->raw, r->raw_len, "<?php"),
		      "line %d: script source sent: %.400s", line, r->raw);
}

static const struct errpage_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *marker;      /* in the body: the page script ran (NULL: built-in page) */
	const char *vars[5][2];  /* NAME, value in the body */
	const char *hdr[2];      /* a header the answer must carry, and its value prefix */
} errpage_cases[] = {
	{ __LINE__, "php 404 page runs; Status 200 does not win", "GET /nope?a=b HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  404, "err-php-ran", { { "REDIRECT_STATUS", "404" }, { "REDIRECT_URL", "/nope" },
	  { "REDIRECT_QUERY_STRING", "a=b" }, { "REDIRECT_REQUEST_METHOD", "GET" }, { "REQUEST_METHOD", "GET" } },
	  { "X-Error-Page", "php" } },
	{ __LINE__, "php 404 page for a POST runs as GET, without the body",
	  "POST /nope HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
	  404, "err-php-ran", { { "REDIRECT_REQUEST_METHOD", "POST" }, { "REQUEST_METHOD", "GET" },
	  { "REDIRECT_QUERY_STRING", "" }, { "CONTENT_LENGTH", "(unset)" }, { "QUERY_STRING", "" } }, { NULL, NULL } },
	{ __LINE__, "404 of a missing handler script", "GET /missing.php/x HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  404, "err-php-ran", { { "REDIRECT_URL", "/missing.php/x" } }, { NULL, NULL } },
	{ __LINE__, "sh 403 page under the alias (dotfile)", "GET /.htpasswd HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  403, "sh-errpage-403", { { "REDIRECT_STATUS", "403" }, { "REDIRECT_URL", "/.htpasswd" },
	  { "REQUEST_METHOD", "GET" } }, { NULL, NULL } },
	{ __LINE__, "sh 403 page for a script that cannot run", "GET /cgi-bin/noexec.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  403, "sh-errpage-403", { { "REDIRECT_URL", "/cgi-bin/noexec.sh" } }, { NULL, NULL } },
	{ __LINE__, "sh 416 page keeps Content-Range (RFC 9110 15.5.17)",
	  "GET /index.html HTTP/1.1\r\nHost: localhost\r\nRange: bytes=999999-\r\n\r\n",
	  416, "sh-errpage-416", { { "REDIRECT_STATUS", "416" }, { "REQUEST_METHOD", "GET" } },
	  { "Content-Range", "bytes */" } },
	{ __LINE__, ".pl page with no handler: built-in, never the source",
	  "GET /index.html HTTP/1.1\r\nHost: localhost\r\nIf-Match: \"nope\"\r\n\r\n",
	  412, NULL, { { NULL, NULL } }, { NULL, NULL } },
	{ __LINE__, "error page that redirects locally: built-in page, original status, Allow kept",
	  "POST /index.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
	  405, NULL, { { NULL, NULL } }, { "Allow", "GET" } },
	{ __LINE__, "error page script that fails itself: built-in page, original status",
	  "GET /cgi-bin/no_header.sh HTTP/1.1\r\nHost: localhost\r\n\r\n",
	  502, NULL, { { NULL, NULL } }, { NULL, NULL } },
	{ __LINE__, "unparsable request: the 400 page script is not run",
	  "GET / HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n",
	  400, NULL, { { NULL, NULL } }, { NULL, NULL } },
};

START_TEST(test_error_page)
{
	const struct errpage_case *c = &errpage_cases[_i];

	open_conn();
	request(c->req, &r1, false);
	assert_wellformed(c->line, c->desc, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.400s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	assert_no_source(c->line, &r1);
	if (c->marker)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, c->marker),
			      "line %d (%s): the page script did not run: %.400s", c->line, c->desc, r1.raw);
	else
		ck_assert_msg(hs_contains(r1.body, r1.body_len, "<address>pfhttpd"),
			      "line %d (%s): not the built-in page: %.400s", c->line, c->desc, r1.raw);
	for (size_t i = 0; i < 5 && c->vars[i][0]; i++)
		ck_assert_msg(strcmp(body_var(&r1, c->vars[i][0]), c->vars[i][1]) == 0,
			      "line %d (%s): %s=%s, want %s; body:\n%.600s", c->line, c->desc,
			      c->vars[i][0], body_var(&r1, c->vars[i][0]), c->vars[i][1], r1.body);
	if (c->hdr[0])
		ck_assert_msg(hs_hdr(&r1, c->hdr[0]) &&
			      strncmp(hs_hdr(&r1, c->hdr[0]), c->hdr[1], strlen(c->hdr[1])) == 0,
			      "line %d (%s): want %s: %s...: %.400s", c->line, c->desc, c->hdr[0],
			      c->hdr[1], r1.raw);
	assert_conn_in_sync(c->line, c->desc, &r1);
	hs_conn_close(&conn);
}
END_TEST

/* HEAD of a missing page: the php page's head, the original status, no body (a pipelined GET shows any stray byte). */
START_TEST(test_error_page_head)
{
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd,
		"HEAD /nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
		"GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, true, HS_TIMEOUT_MS) == 0,
		      "no response to the HEAD; got: %.300s", r1.raw);
	ck_assert_msg(r1.status == 404, "HEAD: status %d: %.300s", r1.status, r1.raw);
	ck_assert_pstr_eq(hs_hdr(&r1, "X-Error-Page"), "php");
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0,
		      "no response to the pipelined GET; got: %.300s", r2.raw);
	ck_assert_msg(strncmp(r2.raw, "HTTP/1.1 200 ", 13) == 0,
		      "body bytes followed the HEAD response: the next one reads %.200s", r2.raw);
	ck_assert_str_eq(r2.body, HS_HELLO);
	hs_conn_close(&conn);
}
END_TEST

/* Why the .pl page was not sent, and that the failing page script was noticed, are in the error log. */
START_TEST(test_error_page_log)
{
	exchange("GET /index.html HTTP/1.1\r\nHost: localhost\r\nIf-Match: \"nope\"\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 412);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "is a script that no handler runs", 3000),
		      "no log line for the .pl error page");
	exchange("GET /cgi-bin/no_header.sh HTTP/1.1\r\nHost: localhost\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 502);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "the error page for status 502 failed", 3000),
		      "no log line for the failing error page script");
}
END_TEST

/* -t: each script page is announced, the .pl one warned about; the configuration is still OK. */
START_TEST(test_error_page_conf_check)
{
	char cmd[HS_PATH * 8], out[HS_PATH * 2];
	static char text[8192];
	int rc;

	snprintf(out, sizeof out, "%s/t-check.out", srv.root);
	snprintf(cmd, sizeof cmd, "'%s' -t -f '%s' > '%s' 2>&1", hs_bin(), srv.conf, out);
	rc = system(cmd);
	ck_assert_int_ge(hs_slurp(out, text, sizeof text), 0);
	ck_assert_msg(rc == 0, "-t failed (%d): %s", rc, text);
	ck_assert_msg(strstr(text, "syntax OK") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "'/errors/404.php' (status 404) will be run as a script (by /usr/bin/php-cgi)"),
		      "no notice for the php page: %s", text);
	ck_assert_msg(strstr(text, "'/cgi-bin/t-errpage.sh' (status 403) will be run as a script (under cgi.alias)"),
		      "no notice for the sh page: %s", text);
	ck_assert_msg(strstr(text, "warning: error_pages: '/errors/412.pl' (status 412) is a script that no handler runs"),
		      "no warning for the .pl page: %s", text);
	ck_assert_msg(strstr(text, "/errors/404.html") == NULL, "a plain page noted: %s", text);
}
END_TEST

/* -t still checks that a script page exists (below cgi.directory for the alias). */
START_TEST(test_error_page_conf_check_missing)
{
	char cmd[HS_PATH * 8], out[HS_PATH * 2], conf2[HS_PATH * 2];
	static char text[8192];
	int rc;

	snprintf(conf2, sizeof conf2, "%s/t-missing.conf", srv.root);
	snprintf(out, sizeof out, "%s/t-missing.out", srv.root);
	/* The server's config with the 403 page renamed to a script that is not there. */
	snprintf(cmd, sizeof cmd, "sed 's|status = 403; path = \"/cgi-bin/t-errpage.sh\"|"
		 "status = 403; path = \"/cgi-bin/t-gone.sh\"|' '%s' > '%s'", srv.conf, conf2);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "'%s' -t -f '%s' > '%s' 2>&1", hs_bin(), conf2, out);
	rc = system(cmd);
	ck_assert_int_ge(hs_slurp(out, text, sizeof text), 0);
	ck_assert_msg(rc != 0, "-t accepted a missing error page script: %s", text);
	ck_assert_msg(strstr(text, "'/cgi-bin/t-gone.sh' (status 403) does not exist below cgi.directory"),
		      "%s", text);
}
END_TEST

/* ------------------------------------------------------------------------ */
/*
 * Issue 7, running scripts safely: the checks are made on the descriptor
 * that is executed, scripts hold no descriptor of the server's, a client
 * that leaves stops its silent script, and the framing of a script's
 * response survives whatever the script does wrong.
 */

#define SAFE_MARKER "pfhttpd-refused-script-ran"

/* Scripts made at run time: modes git cannot keep (set-ID bits), and odd files. */
static const struct { const char *name; mode_t mode; } safe_scripts[] = {
	{ "cgi-bin/t-suid.sh", 04755 },
	{ "cgi-bin/t-sgid.sh", 02755 },
	{ "cgi-bin/t-ow.sh", 0757 },
	{ "cgi-bin/t-ok.sh", 0755 },
};

static void setup_safe(void)
{
	char path[HS_PATH * 2], link[HS_PATH * 2];

	setup();
	for (size_t i = 0; i < N(safe_scripts); i++) {
		snprintf(path, sizeof path, "%s/%s", srv.root, safe_scripts[i].name);
		if (hs_put_str(&srv, safe_scripts[i].name, "#!/bin/sh\nprintf 'Content-Type: text/plain"
			       "\\r\\n\\r\\n%s\\n' " SAFE_MARKER "\n") == -1 ||
		    chmod(path, safe_scripts[i].mode) == -1)
			ck_abort_msg("cannot write %s", path);
	}
	snprintf(path, sizeof path, "%s/cgi-bin/t-dir", srv.root);
	if (mkdir(path, 0755) == -1)
		ck_abort_msg("cannot create %s", path);
	snprintf(path, sizeof path, "%s/cgi-bin/t-fifo", srv.root);
	if (mkfifo(path, 0755) == -1)
		ck_abort_msg("cannot create %s", path);
	/* A symlink that stays inside the directory runs what it points to. */
	snprintf(link, sizeof link, "%s/cgi-bin/t-link-in", srv.root);
	if (symlink("cl.sh", link) == -1)
		ck_abort_msg("cannot create %s", link);
	/* And one to a set-user-ID script: the target is what is checked. */
	snprintf(link, sizeof link, "%s/cgi-bin/t-link-suid", srv.root);
	if (symlink("t-suid.sh", link) == -1)
		ck_abort_msg("cannot create %s", link);
	/* A binary (not "#!"), which reads its header block from the request body. */
	snprintf(path, sizeof path, "%s/cgi-bin/t-cat", srv.root);
	if (copy_file("/bin/cat", "cgi-bin/t-cat", 0755) == -1)
		ck_abort_msg("cannot copy /bin/cat to %s", path);
	/* Passes every check, but its interpreter does not exist: the exec fails. */
	snprintf(path, sizeof path, "%s/cgi-bin/t-nointerp.sh", srv.root);
	if (hs_put_str(&srv, "cgi-bin/t-nointerp.sh", "#!/nonexistent/pfhttpd-sh\n") == -1 ||
	    chmod(path, 0755) == -1)
		ck_abort_msg("cannot write %s", path);
}

static const struct exec_case {
	int line;
	const char *desc;
	const char *req;
	int status;
	const char *body_is;     /* exact body on 200, or NULL */
} exec_cases[] = {
	{ __LINE__, "plain #! script runs", "GET /cgi-bin/t-ok.sh HTTP/1.1\r\nHost: a\r\n\r\n",
	  200, SAFE_MARKER "\n" },
	{ __LINE__, "set-user-ID script refused", "GET /cgi-bin/t-suid.sh HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "set-group-ID script refused", "GET /cgi-bin/t-sgid.sh HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "world-writable script refused", "GET /cgi-bin/t-ow.sh HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "not executable refused", "GET /cgi-bin/noexec.sh HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "directory refused", "GET /cgi-bin/t-dir HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "FIFO refused, never opened for long", "GET /cgi-bin/t-fifo HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "symlink out of the cgi directory refused", "GET /cgi-bin/t-link-out HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "symlink inside the cgi directory runs its target", "GET /cgi-bin/t-link-in HTTP/1.1\r\nHost: a\r\n\r\n",
	  200, "hello" },
	{ __LINE__, "symlink to a set-user-ID script refused", "GET /cgi-bin/t-link-suid HTTP/1.1\r\nHost: a\r\n\r\n", 403, NULL },
	{ __LINE__, "a binary runs from its descriptor",
	  "POST /cgi-bin/t-cat HTTP/1.1\r\nHost: a\r\nContent-Length: 32\r\n\r\nContent-Type: text/plain\r\n\r\ncat\n",
	  200, "cat\n" },
	{ __LINE__, "php-cgi handler still runs", "GET /info.php HTTP/1.1\r\nHost: a\r\n\r\n", 200, NULL },
	{ __LINE__, "an exec that fails is the server's 500 (cgi_spawn reports it)",
	  "GET /cgi-bin/t-nointerp.sh HTTP/1.1\r\nHost: a\r\n\r\n", 500, NULL },
};

START_TEST(test_exec_checks)
{
	const struct exec_case *c = &exec_cases[_i];

	exchange(c->req, &r1);
	ck_assert_msg(r1.status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r1.status, c->status, r1.raw);
	if (c->status != 200)
		ck_assert_msg(!hs_contains(r1.raw, r1.raw_len, SAFE_MARKER),
			      "line %d (%s): the refused script ran", c->line, c->desc);
	if (c->body_is != NULL)
		ck_assert_msg(strcmp(r1.body, c->body_is) == 0, "line %d (%s): body \"%s\", want \"%s\"",
			      c->line, c->desc, r1.body, c->body_is);
	if (c->status == 200 && c->body_is == NULL)
		ck_assert_msg(hs_contains(r1.body, r1.body_len, PHP_RAN), "line %d (%s): %.300s",
			      c->line, c->desc, r1.body);
}
END_TEST

/*
 * The script's process cannot exec (cgi_spawn.c): the worker learns it
 * through the memory it shares with the child until then, answers 500 and
 * logs the step and its errno; the worker keeps serving scripts.
 */
START_TEST(test_exec_failure_logged)
{
	exchange("GET /cgi-bin/t-nointerp.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 500);
	ck_assert_msg(hs_wait_file_contains(srv.error_log,
					    "t-nointerp.sh cannot run: execve: No such file or directory", 3000),
		      "no error-log line says why the script could not run");
	exchange("GET /cgi-bin/t-ok.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
}
END_TEST

/* A refusal names its reason in the error log. */
START_TEST(test_exec_refusal_logged)
{
	exchange("GET /cgi-bin/t-suid.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 403);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "set-user-ID", 3000),
		      "no error-log line says why the set-user-ID script was refused");
}
END_TEST

/*
 * fds.sh lists its shell's descriptors (ls -l /proc/PID/fd from a child, as
 * the shell's own command substitution or glob would open descriptors in
 * the shell itself). Besides 0 (/dev/null: no body),
 * 1 and 2 (pipes), every one must be the script file itself: descriptor 3,
 * which the kernel names /dev/fd/3 to the interpreter (so $0 is /dev/fd/3:
 * the proof that the checked descriptor was executed, not the name), and
 * the interpreter's own for reading it (dash: 10, bash: 255). A listening
 * socket, a log, the keeper's channel would show as anything else.
 */
static void assert_fds_clean(int line, const char *what)
{
	char script[HS_PATH * 2];
	bool has0 = false, has1 = false, has2 = false, has3 = false;

	need_script("fds.sh");
	snprintf(script, sizeof script, "%s/cgi-bin/fds.sh", srv.root);
	exchange("GET /cgi-bin/fds.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200, "line %d (%s): status %d: %.300s", line, what, r1.status, r1.raw);
	for (char *l = r1.body; *l != '\0'; ) {
		char *eol = strchr(l, '\n'), *arrow = strstr(l, " -> "), *num;
		const char *target;
		int fd;

		ck_assert_msg(eol != NULL, "line %d (%s): unterminated listing %s", line, what, r1.body);
		*eol = '\0';
		if (arrow == NULL || arrow > eol) { /* "total 0" */
			l = eol + 1;
			continue;
		}
		for (num = arrow; num > l && num[-1] != ' '; num--)
			;
		fd = atoi(num);
		target = arrow + 4;
		if (fd == 0)
			has0 = strcmp(target, "/dev/null") == 0;
		else if (fd == 1 || fd == 2)
			*(fd == 1 ? &has1 : &has2) = strncmp(target, "pipe:", 5) == 0;
		else
			ck_assert_msg(strcmp(target, script) == 0,
				      "line %d (%s): the script holds descriptor %d -> %s", line, what, fd, target);
		if (fd == 3)
			has3 = true;
		l = eol + 1;
	}
	ck_assert_msg(has0 && has1 && has2 && has3, "line %d (%s): want 0 /dev/null, 1 and 2 pipes, "
		      "3 the script: %s", line, what, r1.body);
}

START_TEST(test_fds_only_std)
{
	assert_fds_clean(__LINE__, "a fresh pool");
}
END_TEST

/* The workers started by a reload (SIGHUP) hand scripts nothing more. */
START_TEST(test_fds_after_reload)
{
	pid_t before[16], now[16];
	int nb = hs_workers(srv.pid, before, 16), nn = 0;
	long long end = hs_now_ms() + 10000;
	bool fresh = false;

	ck_assert_int_ge(nb, 1);
	ck_assert_int_eq(kill(srv.pid, SIGHUP), 0);
	/* Wait until no worker of before is left. */
	while (!fresh && hs_now_ms() < end) {
		sleep_ms(50);
		nn = hs_workers(srv.pid, now, 16);
		fresh = nn >= 1;
		for (int i = 0; i < nn && fresh; i++)
			for (int j = 0; j < nb; j++)
				fresh = fresh && now[i] != before[j];
	}
	ck_assert_msg(fresh, "the reload did not replace the workers");
	for (int i = 0; i < 4; i++)
		assert_fds_clean(__LINE__, "after a reload");
}
END_TEST

/* Nor after a log reopen (SIGUSR1), whose new log descriptors reach every worker. */
START_TEST(test_fds_after_reopen)
{
	int had = hs_file_count(srv.error_log, "logs reopened");

	ck_assert_int_eq(kill(srv.pid, SIGUSR1), 0);
	ck_assert_msg(hs_wait_file_count(srv.error_log, "logs reopened", had + 1, 5000),
		      "the master did not reopen its logs");
	sleep_ms(300); /* the workers take the new descriptors between requests */
	for (int i = 0; i < 4; i++)
		assert_fds_clean(__LINE__, "after a log reopen");
}
END_TEST

/* The script's own name: what ps shows, and what a script may use instead of $0. */
START_TEST(test_fds_argv0)
{
	exchange("GET /cgi-bin/fds.sh?argv0 HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_msg(r1.status == 200 && hs_contains(r1.body, r1.body_len, "argv0=/dev/fd/3\n"),
		      "a #! script must be run from its checked descriptor ($0 /dev/fd/3): %.300s", r1.body);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* A client that leaves while its script is silent (timeouts.cgi is long here). */

static void setup_slow_cgi(void)
{
	cgi_timeout_s = 20;
	setup();
	cgi_timeout_s = CGI_RELAXED_S;
}

/* The cases that wait for timeouts.cgi itself. */
static void setup_short_cgi(void)
{
	cgi_timeout_s = CGI_TIMEOUT_S;
	setup();
	cgi_timeout_s = CGI_RELAXED_S;
}

/* Wait for silent.sh's "SHELL SLEEP" pid file; false if it never came. */
static bool silent_pids(pid_t *sh, pid_t *sl)
{
	char path[HS_PATH * 2], buf[64];
	long long end = hs_now_ms() + 3000;
	int a = 0, b = 0;

	snprintf(path, sizeof path, "%s/cgi-bin/silent.pid", srv.root);
	while (hs_now_ms() < end) {
		if (hs_slurp(path, buf, sizeof buf) > 0 && sscanf(buf, "%d %d", &a, &b) == 2 && a > 1 && b > 1)
			break;
		sleep_ms(20);
	}
	unlink(path);
	*sh = (pid_t)a;
	*sl = (pid_t)b;
	return a > 1 && b > 1;
}

/* shut: 0 close the socket, 1 shutdown(SHUT_WR) only (a half-close: an abort as well). */
static void client_gone(int shut)
{
	int had = hs_file_count(srv.error_log, "the client closed the connection");
	long long t0;
	pid_t sh, sl;

	need_script("silent.sh");
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/silent.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert_msg(silent_pids(&sh, &sl), "silent.sh never started");
	t0 = hs_now_ms();
	if (shut)
		ck_assert_int_eq(shutdown(conn.fd, SHUT_WR), 0);
	else
		hs_conn_close(&conn);
	/* SIGTERM at once; within a second of the close, plus generous slack for a loaded machine. */
	ck_assert_msg(hs_wait_gone(sh, 4000), "the script %d still runs %lld ms after its client left",
		      (int)sh, hs_now_ms() - t0);
	{
		long long end = hs_now_ms() + 2000;
		char st;

		while ((st = hs_proc_state(sl)) != 0 && st != 'Z' && hs_now_ms() < end)
			sleep_ms(20);
		ck_assert_msg(st == 0 || st == 'Z', "the script's sleep %d lives on (state %c)", (int)sl, st);
	}
	ck_assert_msg(hs_wait_file_count(srv.error_log, "the client closed the connection", had + 1, 3000),
		      "no error-log line for the abandoned script");
	if (shut) {
		ck_assert_msg(hs_wait_eof(&conn, 3000) == 1, "the half-closed connection stays open");
		hs_conn_close(&conn);
	}
	assert_still_serving(__LINE__, "after an abandoned script");
	assert_pool_clean(__LINE__);
}

START_TEST(test_client_gone_close)
{
	client_gone(0);
}
END_TEST

START_TEST(test_client_gone_half_close)
{
	client_gone(1);
}
END_TEST

/*
 * The client leaves while its POST body is still being fed to a script
 * that has answered already (t-feed.sh reads it after its first line):
 * the missing body is an abort, not a wait for timeouts.cgi (20 s here),
 * and the access log keeps the 200 that went out with the head.
 */
START_TEST(test_client_leaves_body)
{
	static const char head[] = "POST /cgi-bin/t-feed.sh?feed1 HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n";
	char path[HS_PATH * 2], buf[4096], part[1000];
	long long end;
	pid_t pid = 0;

	snprintf(path, sizeof path, "%s/cgi-bin/feed.pid", srv.root);
	unlink(path);
	memset(part, 'b', sizeof part);
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, head), 0);
	ck_assert_int_eq(hs_send(conn.fd, part, sizeof part), 0);
	ck_assert_msg(hs_read_until(&conn, "started", buf, sizeof buf, HS_TIMEOUT_MS) &&
		      hs_contains(buf, strlen(buf), "HTTP/1.1 200"),
		      "the script's first line did not arrive: %.300s", buf);
	end = hs_now_ms() + HS_TIMEOUT_MS;
	while (pid <= 1 && hs_now_ms() < end) {
		if (hs_slurp(path, buf, sizeof buf) > 0)
			pid = (pid_t)atoi(buf);
		if (pid <= 1)
			sleep_ms(20);
	}
	ck_assert_msg(pid > 1, "t-feed.sh wrote no pid");
	hs_conn_close(&conn);
	ck_assert_msg(hs_wait_gone(pid, 4000), "the script %d still runs after its client left mid-body", (int)pid);
	ck_assert_msg(hs_wait_file_contains(srv.access_log, "\"POST /cgi-bin/t-feed.sh?feed1 HTTP/1.1\" 200 ",
					    HS_TIMEOUT_MS), "no access-log line with the 200 that was sent");
	assert_still_serving(__LINE__, "after a client left mid-body");
	assert_pool_clean(__LINE__);
}
END_TEST

/* A client that stays, silent script and all, is not cut: the script ends on its own. */
START_TEST(test_client_stays)
{
	open_conn();
	request("GET /cgi-bin/sleep2.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1, false);
	ck_assert_msg(r1.status == 200, "status %d: %.300s", r1.status, r1.raw);
	hs_conn_close(&conn);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Framing failures of a script's response. */

/* More than its Content-Length: exactly Content-Length bytes, and the connection stays in step. */
START_TEST(test_cl_longer)
{
	need_script("cl_long.sh");
	open_conn();
	request("GET /cgi-bin/cl_long.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1, false);
	ck_assert_int_eq(r1.status, 200);
	ck_assert_pstr_eq(hs_hdr(&r1, "Content-Length"), "5");
	ck_assert_str_eq(r1.body, "hello");
	assert_conn_in_sync(__LINE__, "after output longer than Content-Length", &r1);
	hs_conn_close(&conn);
}
END_TEST

/* Less than its Content-Length: the short body, then EOF (never a hang), and a log line. */
START_TEST(test_cl_shorter)
{
	static const char req[] = "GET /cgi-bin/cl_short.sh HTTP/1.1\r\nHost: a\r\n\r\n";
	static char out[8192];
	const char *body;
	ssize_t n;

	need_script("cl_short.sh");
	n = hs_exchange_raw(&srv, req, strlen(req), out, sizeof out, 5000);
	ck_assert_msg(n > 0, "no EOF after a short body (%zd): %.300s", n, out);
	body = strstr(out, "\r\n\r\n");
	ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0 && hs_contains(out, (size_t)n, "Content-Length: 20\r\n") &&
		      body != NULL && strcmp(body + 4, "short") == 0, "got %.300s", out);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, "short of its Content-Length", 3000),
		      "no error-log line for the short body");
}
END_TEST

/* Status 204 and 304 from a script: no body, no Content-Length, no chunked (RFC 9110 8.6, 15.3.5, 15.4.5). */
static const struct { int line; const char *target; int status; } no_body_cases[] = {
	{ __LINE__, "/cgi-bin/no_body_status.sh?204", 204 },
	{ __LINE__, "/cgi-bin/no_body_status.sh?304", 304 },
};

START_TEST(test_no_body_status)
{
	char req[512];
	int line = no_body_cases[_i].line;

	need_script("no_body_status.sh");
	/* The next request in the same write: a stray body would be read as its response. */
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n"
		 "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n", no_body_cases[_i].target);
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, req), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, HS_TIMEOUT_MS) == 0, "line %d: %.300s", line, r1.raw);
	ck_assert_msg(r1.status == no_body_cases[_i].status, "line %d: status %d", line, r1.status);
	ck_assert_msg(hs_hdr(&r1, "Content-Length") == NULL && hs_hdr(&r1, "Transfer-Encoding") == NULL,
		      "line %d: a %d carries framing: %.300s", line, r1.status, r1.raw);
	ck_assert_msg(hs_read_response(&conn, &r2, false, HS_TIMEOUT_MS) == 0, "line %d: %.300s", line, r2.raw);
	ck_assert_msg(strncmp(r2.raw, "HTTP/1.1 200 ", 13) == 0 && strcmp(r2.body, HS_HELLO) == 0,
		      "line %d: the script's body reached the client: next response reads %.200s", line, r2.raw);
	hs_conn_close(&conn);
}
END_TEST

/* A timeout once the head is out: the chunked body is left unterminated, the connection closed, logged. */
START_TEST(test_timeout_after_head)
{
	static const char req[] = "GET /cgi-bin/head_then_sleep.sh HTTP/1.1\r\nHost: a\r\n\r\n";
	static char out[8192];
	char needle[HS_PATH * 2];
	ssize_t n;

	need_script("head_then_sleep.sh");
	n = hs_exchange_raw(&srv, req, strlen(req), out, sizeof out, (CGI_TIMEOUT_S + 6) * 1000);
	ck_assert_msg(n > 0, "no EOF after the script timed out (%zd): %.300s", n, out);
	ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0 && hs_contains(out, (size_t)n, "Transfer-Encoding: chunked") &&
		      hs_contains(out, (size_t)n, "partial line\n"), "got %.300s", out);
	ck_assert_msg(!hs_contains(out, (size_t)n, "\r\n0\r\n\r\n"),
		      "the cut response was terminated as if complete: %.300s", out);
	snprintf(needle, sizeof needle, "head_then_sleep.sh: no output for %d s", CGI_TIMEOUT_S);
	ck_assert_msg(hs_wait_file_contains(srv.error_log, needle, 3000), "no error-log line for the timeout");
}
END_TEST

/* A script that ignores SIGTERM: SIGKILL after the grace, reaped (no zombie), 504. */
START_TEST(test_ignore_term)
{
	char path[HS_PATH * 2], buf[64];
	long long end;
	pid_t pid = 0;

	need_script("ignore_term.sh");
	snprintf(path, sizeof path, "%s/cgi-bin/term.pid", srv.root);
	unlink(path);
	open_conn();
	ck_assert_int_eq(hs_send_str(conn.fd, "GET /cgi-bin/ignore_term.sh HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
	ck_assert_msg(hs_read_response(&conn, &r1, false, (CGI_TIMEOUT_S + 8) * 1000) == 0,
		      "no response; got %.300s", r1.raw);
	ck_assert_msg(r1.status == 504, "status %d, want 504", r1.status);
	if (hs_slurp(path, buf, sizeof buf) > 0)
		pid = (pid_t)atoi(buf);
	ck_assert_msg(pid > 1, "ignore_term.sh wrote no pid");
	end = hs_now_ms() + 5000;
	while (hs_proc_state(pid) != 0 && hs_now_ms() < end)
		sleep_ms(20);
	ck_assert_msg(hs_proc_state(pid) == 0, "the script %d is still there (state %c)",
		      (int)pid, hs_proc_state(pid));
	hs_conn_close(&conn);
	assert_pool_clean(__LINE__);
}
END_TEST

/* cgi.limits read back from the script's own /proc/self/limits (setup: 30 s, 512 MiB, 64). */
static const struct { int line; const char *name; const char *value; } limit_cases[] = {
	{ __LINE__, "Max cpu time", "30" },
	{ __LINE__, "Max address space", "536870912" },
	{ __LINE__, "Max processes", "64" },
};

START_TEST(test_limits_applied)
{
	need_script("limits.sh");
	exchange("GET /cgi-bin/limits.sh HTTP/1.1\r\nHost: a\r\n\r\n", &r1);
	ck_assert_int_eq(r1.status, 200);
	for (size_t i = 0; i < N(limit_cases); i++) {
		const char *l = strstr(r1.body, limit_cases[i].name);
		char soft[32] = "", hard[32] = "";

		ck_assert_msg(l != NULL, "line %d: no %s in %s", limit_cases[i].line, limit_cases[i].name, r1.body);
		/* "Max cpu time              30                   30                   seconds" */
		ck_assert_msg(sscanf(l + strlen(limit_cases[i].name), "%31s %31s", soft, hard) == 2 &&
			      strcmp(soft, limit_cases[i].value) == 0 && strcmp(hard, limit_cases[i].value) == 0,
			      "line %d: %s is %s/%s, want %s", limit_cases[i].line, limit_cases[i].name,
			      soft, hard, limit_cases[i].value);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *tcase(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

static TCase *tcase_short_cgi(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, setup_short_cgi, teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

static Suite *cgi_suite(void)
{
	Suite *s = suite_create("cgi");
	TCase *tc;

	tc = tcase("mdn", 20);
	tcase_add_test(tc, test_fixtures);
	tcase_add_loop_test(tc, test_mdn_post, 0, N(post_cases));
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase("env", 20);
	tcase_add_loop_test(tc, test_env, 0, N(env_cases));
	tcase_add_test(tc, test_env_clean);
	suite_add_tcase(s, tc);

	tc = tcase("body", 40);
	tcase_add_test(tc, test_echo_8mb_length);
	tcase_add_test(tc, test_echo_8mb_chunked);
	tcase_add_test(tc, test_expect_continue);
	tcase_add_test(tc, test_expect_continue_body_at_once);
	tcase_add_test(tc, test_body_too_large);
	tcase_add_test(tc, test_ignore_body);
	tcase_add_test(tc, test_big_before_read);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase("response", 20);
	tcase_add_loop_test(tc, test_response, 0, N(resp_cases));
	tcase_add_test(tc, test_status_reason);
	tcase_add_test(tc, test_stream_is_streamed);
	tcase_add_loop_test(tc, test_stream_http10, 0, N(http10_cases));
	tcase_add_test(tc, test_nph);
	tcase_add_test(tc, test_stderr_logged);
	tcase_add_test(tc, test_stderr_escaped);
	tcase_add_test(tc, test_head_local_redirect);
	tcase_add_loop_test(tc, test_one_write_body, 0, N(one_write_cases));
	tcase_add_test(tc, test_big_header_field);
	tcase_add_test(tc, test_header_block_over_limit);
	tcase_add_loop_test(tc, test_padded_head, 0, N(padded_cases));
	tcase_add_loop_test(tc, test_nph_odd, 0, N(nph_odd_cases));
	tcase_add_test(tc, test_stderr_heavy);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase_create("error_pages");
	tcase_add_unchecked_fixture(tc, setup_error_pages, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_error_page, 0, N(errpage_cases));
	tcase_add_test(tc, test_error_page_head);
	tcase_add_test(tc, test_error_page_log);
	tcase_add_test(tc, test_error_page_conf_check);
	tcase_add_test(tc, test_error_page_conf_check_missing);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase_create("security");
	tcase_add_unchecked_fixture(tc, setup, teardown_deep);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_security, 0, N(sec_cases));
	tcase_add_loop_test(tc, test_deep_names, 0, N(deep_cases));
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase_short_cgi("processes", 30);
	tcase_add_test(tc, test_timeout_504);
	tcase_add_test(tc, test_client_disconnect);
	tcase_add_loop_test(tc, test_detached_stderr, 0, N(detached_cases));
	tcase_add_test(tc, test_many_scripts);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	/* Issue 7: running scripts safely. */
	tc = tcase_create("exec_checks");
	tcase_add_unchecked_fixture(tc, setup_safe, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_exec_checks, 0, N(exec_cases));
	tcase_add_test(tc, test_exec_refusal_logged);
	tcase_add_test(tc, test_exec_failure_logged);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase("descriptors", 40);
	tcase_add_test(tc, test_fds_only_std);
	tcase_add_test(tc, test_fds_argv0);
	tcase_add_test(tc, test_fds_after_reopen);
	tcase_add_test(tc, test_fds_after_reload);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase_create("client_gone");
	tcase_add_unchecked_fixture(tc, setup_slow_cgi, teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, test_client_gone_close);
	tcase_add_test(tc, test_client_gone_half_close);
	tcase_add_test(tc, test_client_stays);
	tcase_add_test(tc, test_client_leaves_body);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);

	tc = tcase_short_cgi("framing", 40);
	tcase_add_test(tc, test_cl_longer);
	tcase_add_test(tc, test_cl_shorter);
	tcase_add_loop_test(tc, test_no_body_status, 0, N(no_body_cases));
	tcase_add_test(tc, test_timeout_after_head);
	tcase_add_test(tc, test_ignore_term);
	tcase_add_test(tc, test_limits_applied);
	tcase_add_test(tc, test_zz_pool_clean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(cgi_suite());
}
