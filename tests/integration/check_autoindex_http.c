/*
 * check_autoindex_http — directory listings (autoindex.c) through the real
 * binary: hostile file names created on disk come out escaped, and every
 * link of a listing, followed, gets exactly that file; dotfiles, .htpasswd,
 * names no request could ask for, symlinks leaving the root, FIFOs and
 * entries under another access rule are never listed; ?format=json is
 * valid JSON (Python's json module parses it) naming the same entries;
 * HEAD, OPTIONS and other methods; a directory with an index file still
 * serves it; the redirect to a directory's slash; the bounds (10000 entries
 * listed, 40000 read); and the setting per site and per path: off at the
 * top level (403, as before) beside a vhost that lists, and on in a
 * location only; a "~name" file listed while userdir is off. (Named
 * check_autoindex_http:
 * tests/unit/check_autoindex.c holds the module's pure half.)
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static struct hs_server srv;
static struct hs_response resp;
static char text[8192];

#define SCRIPT_NAME "<img src=x onerror=alert(1)>.txt" /* no '/': a name cannot hold one */
#define QUOTE_NAME  "quote\"d'.txt"
#define NL_NAME     "new\nline.txt"
#define PCT_NAME    "%2F..%2Fsecret.txt"
#define UTF8_NAME   "caf\xc3\xa9 \xe2\x82\xac.txt"
#define LATIN1_NAME "caf\xe9.txt"
#define AMP_NAME    "a&b c?d#e:f.txt"

/* Every listed file holds its own name, so a followed link proves which file it got. */
static const char *const listed[] = {
	"plain.txt", SCRIPT_NAME, QUOTE_NAME, PCT_NAME, UTF8_NAME, LATIN1_NAME, AMP_NAME,
};

/* Created beside them and never listed; each a file holding its name. */
static const char *const hidden[] = {
	".hidden", ".htpasswd", ".htaccess", NL_NAME, "tab\there.txt", "del\x7f.txt",
};

static void put_or_abort(const char *rel, const char *body)
{
	if (hs_put_str(&srv, rel, body) != 0)
		ck_abort_msg("cannot write %s: %s", rel, strerror(errno));
}

static void root_path(const char *rel, char *out, size_t cap)
{
	if ((size_t)snprintf(out, cap, "%s/%s", srv.root, rel) >= cap)
		ck_abort_msg("path too long: %s", rel);
}

static void link_or_abort(const char *target, const char *rel)
{
	char path[HS_PATH];

	root_path(rel, path, sizeof path);
	if (symlink(target, path) != 0)
		ck_abort_msg("symlink %s: %s", path, strerror(errno));
}

/* htdocs/list/: the hostile names, the hidden ones, a subdirectory, links and a FIFO. */
static void put_list(const char *dir)
{
	char rel[HS_PATH], path[HS_PATH];

	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		snprintf(rel, sizeof rel, "%s/%s", dir, listed[i]);
		put_or_abort(rel, listed[i]);
	}
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		snprintf(rel, sizeof rel, "%s/%s", dir, hidden[i]);
		put_or_abort(rel, hidden[i]);
	}
	snprintf(rel, sizeof rel, "%s/sub dir/inner.txt", dir);
	put_or_abort(rel, "inner");
	snprintf(rel, sizeof rel, "%s/.git/config", dir);
	put_or_abort(rel, "[core]");
	/* Links: inside the root (listed as what they lead to), outside, dangling, a loop. */
	snprintf(rel, sizeof rel, "%s/link-in.txt", dir);
	link_or_abort("plain.txt", rel);
	snprintf(rel, sizeof rel, "%s/link-up", dir);
	link_or_abort("..", rel);
	snprintf(rel, sizeof rel, "%s/link-out.txt", dir);
	link_or_abort("../../secret.txt", rel);
	root_path("secret.txt", path, sizeof path);
	snprintf(rel, sizeof rel, "%s/link-abs.txt", dir);
	link_or_abort(path, rel);
	snprintf(rel, sizeof rel, "%s/link-outdir", dir);
	link_or_abort("../..", rel);
	snprintf(rel, sizeof rel, "%s/link-dangling", dir);
	link_or_abort("nowhere", rel);
	snprintf(rel, sizeof rel, "%s/link-loop", dir);
	link_or_abort("link-loop", rel);
	snprintf(rel, sizeof rel, "%s/fifo", dir);
	root_path(rel, path, sizeof path);
	if (mkfifo(path, 0644) != 0)
		ck_abort_msg("mkfifo %s: %s", path, strerror(errno));
}

static void setup_common(void)
{
	if (hs_root_init(&srv) != 0 || hs_fixtures(&srv) != 0)
		ck_abort_msg("cannot create the server root");
	put_list("htdocs/list");
	put_or_abort("htdocs/withindex/index.html", "the-index-page\n");
	put_or_abort("htdocs/withindex/other.txt", "other\n");
	put_or_abort("htdocs/locked/inside.txt", "locked\n");
	put_or_abort("htdocs/empty/.keep", "");
}

static void start(const char *extra)
{
	if (hs_start(&srv, extra, text, sizeof text) != 0)
		ck_abort_msg("cannot start %s: %s", hs_bin(), text);
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* The top level lists; /locked/ is under an access rule of its own. */
#define TOP_ON "autoindex = true;\nlog_level = \"info\";\n" \
	"access = ( { path = \"/list/locked-rule/\"; allow = [ \"192.0.2.1\" ]; } );\n"

static void get_host(const char *path, const char *host, const char *method)
{
	char req[2048];

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s\r\n\r\n", method, path, host);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "%s %s: no response", method, path);
}

static void get(const char *path)
{
	get_host(path, "localhost", "GET");
}

/* ---- the listing ---------------------------------------------------------- */

static const struct row_case {
	int src_line;
	const char *what;
	const char *row;             /* must be in the HTML */
} row_cases[] = {
	{ __LINE__, "title", "<title>Index of /list/</title>" },
	{ __LINE__, "parent", "<a href=\"../\">../</a>" },
	{ __LINE__, "plain", "<a href=\"plain.txt\">plain.txt</a>" },
	{ __LINE__, "script tag escaped",
	  "<a href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt\">"
	  "&lt;img src=x onerror=alert(1)&gt;.txt</a>" },
	{ __LINE__, "quotes escaped", "<a href=\"quote%22d%27.txt\">quote&quot;d&#39;.txt</a>" },
	{ __LINE__, "percent not decoded twice",
	  "<a href=\"%252F..%252Fsecret.txt\">%2F..%2Fsecret.txt</a>" },
	{ __LINE__, "UTF-8 name", "<a href=\"caf%C3%A9%20%E2%82%AC.txt\">caf\xc3\xa9 \xe2\x82\xac.txt</a>" },
	{ __LINE__, "invalid UTF-8 as Latin-1", "<a href=\"caf%E9.txt\">caf&#xE9;.txt</a>" },
	{ __LINE__, "delimiters encoded", "<a href=\"a%26b%20c%3Fd%23e%3Af.txt\">a&amp;b c?d#e:f.txt</a>" },
	{ __LINE__, "subdirectory with a slash", "<a href=\"sub%20dir/\">sub dir/</a>" },
	{ __LINE__, "symlink inside the root: as its target", "<a href=\"link-in.txt\">link-in.txt</a>" },
	{ __LINE__, "symlink to a directory inside the root", "<a href=\"link-up/\">link-up/</a>" },
	{ __LINE__, "size of a file in bytes", ">plain.txt</a></td><td>" },
	{ __LINE__, "directories before files", "sub%20dir/\">sub dir/</a></td><td>" },
};

static const char *const never[] = {
	".hidden", ".htpasswd", ".htaccess", ".git", "new", "line.txt", "here.txt", "del", "link-out",
	"link-abs", "link-outdir", "link-dangling", "link-loop", "fifo", "truncated",
};

START_TEST(test_listing)
{
	get("/list/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "no-cache");
	ck_assert_ptr_null(hs_hdr(&resp, "ETag"));
	ck_assert_ptr_null(hs_hdr(&resp, "Last-Modified"));
	ck_assert_ptr_null(hs_hdr(&resp, "Pfhttpd-Listing-Truncated"));
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++)
		ck_assert_msg(strstr(resp.body, row_cases[i].row) != NULL, "line %d (%s): not in\n%s",
			      row_cases[i].src_line, row_cases[i].what, resp.body);
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(strstr(resp.body, never[i]) == NULL, "'%s' listed:\n%s", never[i],
			      resp.body);
	/* The size column: plain.txt holds its own 9-byte name. */
	ck_assert_ptr_nonnull(strstr(resp.body, "plain.txt</a></td><td>"));
	ck_assert_ptr_nonnull(strstr(strstr(resp.body, "plain.txt</a>"), "<td class=\"size\">9</td>"));
	/* Directories first: "sub dir/" before every file. */
	ck_assert(strstr(resp.body, "sub dir/") < strstr(resp.body, "plain.txt"));
	ck_assert(strstr(resp.body, "link-up/") < strstr(resp.body, "sub dir/"));
}
END_TEST

/* Each href of the listing, requested below /list/: 200 with the file it names. */
START_TEST(test_links_lead_to_their_files)
{
	static char page[HS_MAX_RESP + 1];
	const char *p;
	int files = 0, dirs = 0;

	get("/list/");
	ck_assert_int_eq(resp.status, 200);
	memcpy(page, resp.body, resp.body_len + 1);
	for (p = strstr(page, "<a href=\""); p; p = strstr(p, "<a href=\"")) {
		char href[512], path[600];
		const char *end;

		p += strlen("<a href=\"");
		end = strchr(p, '"');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_lt(end - p, (int)sizeof href);
		memcpy(href, p, (size_t)(end - p));
		href[end - p] = '\0';
		if (strcmp(href, "../") == 0)
			continue;
		snprintf(path, sizeof path, "/list/%s", href);
		get(path);
		ck_assert_msg(resp.status == 200, "%s: %d", path, resp.status);
		if (href[strlen(href) - 1] == '/') {
			dirs++;
			continue;
		}
		files++;
		/* Each file holds its own name; the symlink link-in.txt plain.txt's. */
		if (strcmp(href, "link-in.txt") == 0) {
			ck_assert_str_eq(resp.body, "plain.txt");
		} else {
			bool known = false;

			for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
				known |= strcmp(resp.body, listed[i]) == 0;
			ck_assert_msg(known, "%s gave %s", path, resp.body);
		}
	}
	ck_assert_int_eq(files, (int)(sizeof(listed) / sizeof(listed[0])) + 1);
	ck_assert_int_eq(dirs, 2);
}
END_TEST

START_TEST(test_subdirectory)
{
	get("/list/sub%20dir/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<title>Index of /list/sub dir/</title>"));
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"../\">../</a>"));
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"inner.txt\">inner.txt</a>"));
	/* Without the slash: RFC 9110 15.4.2's redirect to it, as before. */
	get("/list/sub%20dir");
	ck_assert_int_eq(resp.status, 301);
	ck_assert_ptr_nonnull(hs_hdr(&resp, "Location"));
	ck_assert_msg(strstr(hs_hdr(&resp, "Location"), "/list/sub%20dir/") != NULL, "%s",
		      hs_hdr(&resp, "Location"));
	/* An empty directory (a dotfile only): the frame and the parent link, no entry. */
	get("/empty/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"../\">../</a></td><td></td><td></td></tr>\n"
				     "</table>"));
	ck_assert_ptr_null(strstr(resp.body, ".keep"));
}
END_TEST

START_TEST(test_index_still_served)
{
	get("/withindex/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "the-index-page\n");
	get("/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, HS_INDEX_MARKER));
	/* A dotfile directory stays refused, listing or not (uri_normalize). */
	get("/list/.git/");
	ck_assert_int_eq(resp.status, 403);
}
END_TEST

/* An entry under another access rule than its directory's is not listed (as an index file). */
START_TEST(test_access_rule_hides)
{
	char rel[HS_PATH];

	get("/list/");
	ck_assert_ptr_null(strstr(resp.body, "locked-rule"));
	snprintf(rel, sizeof rel, "%s/htdocs/list/locked-rule", srv.root);
	ck_assert_int_eq(access(rel, F_OK), 0); /* it is there: hidden, not missing */
	get("/list/locked-rule/");
	ck_assert_int_eq(resp.status, 403);
}
END_TEST

/* ---- JSON ----------------------------------------------------------------- */

/*
 * Python's json module (strict UTF-8 decoding of the file) parses it; its
 * entries, printed back sorted as ASCII-escaped JSON, are exactly these.
 */
static const char json_want[] =
	"[[\"%2F..%2Fsecret.txt\", \"file\", 18], "
	"[\"<img src=x onerror=alert(1)>.txt\", \"file\", 32], "
	"[\"a&b c?d#e:f.txt\", \"file\", 15], "
	"[\"caf\\u00e9 \\u20ac.txt\", \"file\", 13], "
	"[\"caf\\u00e9.txt\", \"file\", 8], "
	"[\"link-in.txt\", \"file\", 9], "
	"[\"link-up\", \"directory\", null], "
	"[\"plain.txt\", \"file\", 9], "
	"[\"quote\\\"d'.txt\", \"file\", 12], "
	"[\"sub dir\", \"directory\", null]]\n";

START_TEST(test_json)
{
	static const char *const py =
		"import json, sys, email.utils\n"
		"d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8', 'strict'))\n"
		"assert isinstance(d, list)\n"
		"for e in d:\n"
		"    assert email.utils.parsedate_to_datetime(e['mtime']).year >= 2020, e\n"
		"    assert set(e) == ({'name', 'type', 'mtime', 'size'} if e['type'] == 'file'"
		" else {'name', 'type', 'mtime'}), e\n"
		"print(json.dumps(sorted([e['name'], e['type'], e.get('size')] for e in d)))\n";
	char path[HS_PATH], out[4096];
	char *argv[] = { "/usr/bin/python3", "-c", (char *)py, path, NULL };
	int st;

	get("/list/?format=json");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "application/json");
	ck_assert_str_eq(hs_hdr(&resp, "Cache-Control"), "no-cache");
	root_path("listing.json", path, sizeof path);
	ck_assert_int_eq(hs_put(&srv, "listing.json", resp.body, resp.body_len), 0);
	st = hs_run(argv, 20000, out, sizeof out);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "python3: %s", out);
	ck_assert_str_eq(out, json_want);
	/* Among other parameters too; anything else is the HTML page. */
	get("/list/?a=1&format=json");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "application/json");
	get("/list/?format=xml");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

/* ---- methods -------------------------------------------------------------- */

START_TEST(test_head)
{
	size_t get_len;

	get("/list/");
	ck_assert_int_eq(resp.status, 200);
	get_len = resp.body_len;
	get_host("/list/", "localhost", "HEAD");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_eq(resp.body_len, 0);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "text/html; charset=utf-8");
	ck_assert_uint_eq(strtoul(hs_hdr(&resp, "Content-Length"), NULL, 10), get_len);
	/* Nothing followed the head: the connection carries the next request cleanly. */
	ck_assert_uint_eq(resp.raw_len, resp.head_len);
}
END_TEST

START_TEST(test_other_methods)
{
	get_host("/list/", "localhost", "OPTIONS");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Allow"), "GET, HEAD, OPTIONS");
	ck_assert_int_eq(hs_exchange(&srv, "POST /list/ HTTP/1.1\r\nHost: localhost\r\n"
				     "Content-Length: 3\r\n\r\nabc", &resp), 0);
	ck_assert_int_eq(resp.status, 405);
	ck_assert_str_eq(hs_hdr(&resp, "Allow"), "GET, HEAD, OPTIONS");
	ck_assert(hs_wait_file_contains(srv.error_log, "method not allowed for a directory listing",
					HS_TIMEOUT_MS));
}
END_TEST

/* ---- bounds --------------------------------------------------------------- */

/* n empty files named prefix%06d in htdocs/dir. */
static void many_files(const char *dir, const char *prefix, int n)
{
	char path[HS_PATH];

	root_path(dir, path, sizeof path);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	for (int i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof path, "%s/%s/%s%06d", srv.root, dir, prefix, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
		close(fd);
	}
}

/*
 * Send req on a new connection and read everything until EOF into out
 * (NUL-terminated), for answers larger than the harness's HS_MAX_RESP;
 * each read waits at most 30 s.
 */
static ssize_t read_all(const char *req, char *out, size_t cap)
{
	struct timeval tv = { .tv_sec = 30 * hs_timeout_scale() };
	int fd = hs_connect(&srv);
	size_t len = 0;
	ssize_t n = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
	ck_assert_int_eq(hs_send_str(fd, req), 0);
	while (len + 1 < cap && (n = read(fd, out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	ck_assert_msg(n == 0, "no EOF after %zu bytes (%s)", len, n < 0 ? strerror(errno) : "full");
	out[len] = '\0';
	return (ssize_t)len;
}

/* 10001 files: 10000 listed, the note, the field, a warning; HEAD and GET agree. */
START_TEST(test_truncated)
{
	static char raw[8 << 20];
	const char *body;
	ssize_t n;

	many_files("htdocs/many", "f", 10001);
	get_host("/many/", "localhost", "HEAD");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Pfhttpd-Listing-Truncated"), "10000");
	n = read_all("GET /many/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		     raw, sizeof raw);
	ck_assert_int_gt(n, 0);
	body = strstr(raw, "\r\n\r\n");
	ck_assert_msg(body != NULL, "%zd bytes: %.300s", n, raw);
	ck_assert_uint_eq((size_t)(raw + n - body - 4),
			  strtoul(hs_hdr(&resp, "Content-Length"), NULL, 10));
	ck_assert_msg(hs_contains(raw, (size_t)n, "<p>Listing truncated: only the first 10000 "
				  "entries are shown.</p>\n</body></html>\n"), "no note");
	ck_assert(hs_wait_file_contains(srv.error_log, "listing of /many/ truncated to 10000 entries",
					HS_TIMEOUT_MS));
	/* The listed ones, and only 10000 of them. */
	{
		int rows = 0;

		for (const char *p = strstr(body, "<a href=\"f"); p; p = strstr(p + 1, "<a href=\"f"))
			rows++;
		ck_assert_int_eq(rows, 10000);
	}
}
END_TEST

/*
 * 50000 dotfiles and one visible file: reading stops after 40000 entries,
 * in a bounded time, the answer says it was cut, and the server goes on.
 */
START_TEST(test_scan_bound)
{
	long long t0;

	many_files("htdocs/dots", ".d", 50000);
	put_or_abort("htdocs/dots/visible.txt", "v");
	t0 = hs_now_ms();
	get_host("/dots/", "localhost", "HEAD");
	ck_assert_int_eq(resp.status, 200);
	/* Cut while reading: the visible file may or may not have come first. */
	ck_assert_ptr_nonnull(hs_hdr(&resp, "Pfhttpd-Listing-Truncated"));
	ck_assert_int_le(atoi(hs_hdr(&resp, "Pfhttpd-Listing-Truncated")), 1);
	ck_assert_int_lt(hs_now_ms() - t0, 20000 * hs_timeout_scale());
	get("/hello.txt");
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/* ---- per site --------------------------------------------------------------- */

/*
 * Top level off (the default): 403 as before, with its log line; the vhost
 * v.test, whose autoindex is on, lists the same kind of directory. Each
 * vhost group on one line (the harness's rule for top-level keys).
 */
START_TEST(test_vhost_beside_top_off)
{
	char extra[1024];

	put_list("v/list");
	put_or_abort("v/errors/404.html", "v-404\n");
	put_or_abort("v/~tilde.txt", "taken by userdir\n");
	put_or_abort("v/root.txt", "root\n");
	put_or_abort("v/list/~below.txt", "below\n");
	snprintf(extra, sizeof extra, "log_level = \"info\";\nuserdir = { };\n"
		 "vhosts = ( { server_name = \"v.test\"; document_root = \"%s/v\"; "
		 "autoindex = true; } );\n", srv.root);
	start(extra);
	get("/list/");
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "plain.txt"));
	ck_assert(hs_wait_file_contains(srv.error_log, "directory has no index file and listings are off",
					HS_TIMEOUT_MS));
	get("/noindex/");
	ck_assert_int_eq(resp.status, 403);
	get_host("/list/", "v.test", "GET");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"plain.txt\">plain.txt</a>"));
	ck_assert_ptr_null(strstr(resp.body, ".htpasswd"));
	ck_assert_ptr_null(strstr(resp.body, "link-out"));
	get_host("/list/?format=json", "v.test", "GET");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "application/json");
	/* At the root, "~name" is a user directory's URL while userdir is on: never listed. */
	get_host("/", "v.test", "GET");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"root.txt\">root.txt</a>"));
	ck_assert_ptr_null(strstr(resp.body, "tilde"));
	ck_assert_ptr_null(strstr(resp.body, "../"));
	get_host("/~tilde.txt", "v.test", "GET");
	ck_assert_int_eq(resp.status, 404);
	/* Below the root it is an ordinary name. */
	get_host("/list/", "v.test", "GET");
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"~below.txt\">~below.txt</a>"));
	get_host("/list/~below.txt", "v.test", "GET");
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

/*
 * Per path (issue 10's example): off at the top level, on in the location
 * /files/ (and every path below it); in the vhost v.test, on for the site
 * but off in its location /list/. A vhost group on one line.
 */
START_TEST(test_location)
{
	char extra[1024];

	put_list("htdocs/files");
	put_or_abort("htdocs/files/deeper/inner.txt", "inner\n");
	put_list("v/list");
	put_or_abort("v/other/x.txt", "x\n");
	put_or_abort("v/errors/404.html", "v-404\n");
	snprintf(extra, sizeof extra, "log_level = \"info\";\n"
		 "locations = ( { path = \"/files/\"; autoindex = true; } );\n"
		 "vhosts = ( { server_name = \"v.test\"; document_root = \"%s/v\"; autoindex = true; "
		 "locations = ( { path = \"/list/\"; autoindex = false; } ); } );\n", srv.root);
	start(extra);
	get("/files/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<title>Index of /files/</title>"));
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"plain.txt\">plain.txt</a>"));
	ck_assert_ptr_null(strstr(resp.body, ".htpasswd"));
	get("/files/deeper/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"inner.txt\">inner.txt</a>"));
	get("/files/?format=json");
	ck_assert_str_eq(hs_hdr(&resp, "Content-Type"), "application/json");
	/* Outside the location: the top level's off, 403 as before. */
	get("/list/");
	ck_assert_int_eq(resp.status, 403);
	get("/noindex/");
	ck_assert_int_eq(resp.status, 403);
	/* The vhost: on for the site, off in its location. */
	get_host("/other/", "v.test", "GET");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "<a href=\"x.txt\">x.txt</a>"));
	get_host("/list/", "v.test", "GET");
	ck_assert_int_eq(resp.status, 403);
	ck_assert_ptr_null(strstr(resp.body, "plain.txt"));
}
END_TEST

/*
 * userdir off: a "~name" entry is an ordinary file, listed and served
 * (only while userdir is on does "/~name" at the root mean a user's site).
 */
START_TEST(test_tilde_without_userdir)
{
	get("/tilde/");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(strstr(resp.body, "<a href=\"~home.txt\">~home.txt</a>") != NULL, "%s", resp.body);
	get("/tilde/~home.txt");
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "tilde\n");
}
END_TEST

static void setup_top_on(void)
{
	setup_common();
	put_or_abort("htdocs/list/locked-rule/x.txt", "x");
	put_or_abort("htdocs/tilde/~home.txt", "tilde\n");
	start(TOP_ON);
}

static Suite *autoindex_suite(void)
{
	Suite *s = suite_create("autoindex_http");
	TCase *on = hs_tcase("top_on", 30, teardown);
	TCase *bounds = hs_tcase("bounds", 120, teardown);
	TCase *site = hs_tcase("per_site", 30, teardown);

	tcase_add_checked_fixture(on, setup_top_on, NULL);
	tcase_add_test(on, test_listing);
	tcase_add_test(on, test_links_lead_to_their_files);
	tcase_add_test(on, test_subdirectory);
	tcase_add_test(on, test_index_still_served);
	tcase_add_test(on, test_access_rule_hides);
	tcase_add_test(on, test_json);
	tcase_add_test(on, test_head);
	tcase_add_test(on, test_other_methods);
	tcase_add_test(on, test_tilde_without_userdir);
	tcase_add_checked_fixture(bounds, setup_top_on, NULL);
	tcase_add_test(bounds, test_truncated);
	tcase_add_test(bounds, test_scan_bound);
	tcase_add_checked_fixture(site, setup_common, NULL);
	tcase_add_test(site, test_vhost_beside_top_off);
	tcase_add_test(site, test_location);
	suite_add_tcase(s, on);
	suite_add_tcase(s, bounds);
	suite_add_tcase(s, site);
	return s;
}

int main(void)
{
	return hs_main(autoindex_suite());
}
