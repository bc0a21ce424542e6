/*
 * check_precompressed — precompressed = true (issue 10): file.br / file.gz
 * sent in place of file when Accept-Encoding allows it (qvalues, "*",
 * identity;q=0, x-gzip, several fields), with Content-Encoding, the file's
 * type, Vary, its own ETag, Last-Modified and Content-Length; ranges,
 * If-None-Match and If-Range on the variant; HEAD; a directory's index;
 * variants that must not be sent (older than the file, by seconds or by
 * nanoseconds within one second, a directory, a symlink out of the root,
 * under another access rule); the .gz asked for by its name; a vhost that
 * turns it off; locations that turn it on and off (merged top level,
 * vhost, location). One worker, and each case asked
 * twice, so a cached entry of the file meets every kind of request.
 */
#include "harness.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define ONE_WORKER "workers = { start = 1; min_spare = 0; max_spare = 1; max = 1; max_requests = 0; };\n"
#define T0 1600000000                /* the files' mtime: Sun, 13 Sep 2020 12:26:40 GMT */

static const char conf_extra[] =
	ONE_WORKER
	"precompressed = true;\n"
	"access = ( { path = \"/private.css.gz\"; allow = [ ]; } );\n"
	"vhosts = ( { server_name = \"off.test\"; precompressed = false; } );\n";

static struct hs_server srv;
static struct hs_response resp;

static void root_path(const char *rel, char *out, size_t cap)
{
	ck_assert_int_lt(snprintf(out, cap, "%s/%s", srv.root, rel), (int)cap);
}

/* Write rel with text and set its mtime to t seconds and ns nanoseconds. */
static void put_at_ns(const char *rel, const char *text, time_t t, long ns)
{
	char path[HS_PATH * 2];
	struct timespec ts[2] = { { .tv_sec = t, .tv_nsec = ns }, { .tv_sec = t, .tv_nsec = ns } };

	if (hs_put_str(&srv, rel, text) == -1)
		ck_abort_msg("cannot write %s", rel);
	root_path(rel, path, sizeof path);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* Write rel with text and set its mtime to t. */
static void put_at(const char *rel, const char *text, time_t t)
{
	put_at_ns(rel, text, t, 0);
}

/* rel.gz made by gzip -k (which gives it rel's mtime: "not older" must hold for it). */
static void gzip_k(const char *rel)
{
	char path[HS_PATH * 2], out[1024];
	char *argv[] = { "gzip", "-k", "-n", "-f", path, NULL };
	int st;

	root_path(rel, path, sizeof path);
	st = hs_run(argv, 10000, out, sizeof out);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "gzip -k %s: %s", rel, out);
}

static const char css[] =
	"body { color: #333; background: #fff; }\n"
	"h1, h2, h3 { font-family: sans-serif; }\n"
	"body { color: #333; background: #fff; }\n";

static void fixtures(void)
{
	char path[HS_PATH * 2];

	put_at("htdocs/file.css", css, T0);
	gzip_k("htdocs/file.css");
	/* brotli may not be installed, and the server never decodes: any bytes. */
	put_at("htdocs/file.css.br", "BR-VARIANT-of-file.css 0123456789\n", T0 + 10);
	put_at("htdocs/gzonly.js", "var only_gzip = 1;\n", T0);
	put_at("htdocs/gzonly.js.gz", "GZ-VARIANT-of-gzonly.js\n", T0);
	put_at("htdocs/stale.css", "stale.css, changed after its variants were made\n", T0);
	put_at("htdocs/stale.css.gz", "GZ-VARIANT-STALE\n", T0 - 1);
	put_at("htdocs/stale.css.br", "BR-VARIANT-STALE\n", T0 - 100);
	/* Edited 0.4 s after its variant was made, within the same second (ext4, tmpfs: ns mtimes). */
	put_at_ns("htdocs/nsec.css", "nsec.css, changed after its variant\n", T0, 600000000);
	put_at_ns("htdocs/nsec.css.gz", "GZ-VARIANT-NSEC-STALE\n", T0, 200000000);
	put_at("htdocs/dirvar.css", "dirvar.css\n", T0);
	put_at("htdocs/dirvar.css.gz/x", "in a directory named like a variant\n", T0 + 5);
	root_path("htdocs/dirvar.css.gz", path, sizeof path);
	ck_assert_int_eq(chmod(path, 0755), 0);
	put_at("htdocs/link.css", "link.css\n", T0);
	root_path("htdocs/link.css.gz", path, sizeof path);
	ck_assert_int_eq(symlink("../secret.txt", path), 0);
	put_at("htdocs/private.css", "private.css, the public file\n", T0);
	put_at("htdocs/private.css.gz", "GZ-VARIANT-PRIVATE: an access rule forbids it\n", T0);
	/* hs_fixtures' index.html has the current time: its variant a later one. */
	put_at("htdocs/index.html.gz", "GZ-VARIANT-of-index.html\n", time(NULL) + 60);
}

static void setup(void)
{
	char msg[4096];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	fixtures();
	if (hs_start(&srv, conf_extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static void teardown(void)
{
	hs_destroy(&srv);
}

/* One request: method, host, path and extra header lines ("" for none). */
static void ask(const char *method, const char *host, const char *path, const char *fields)
{
	char req[2048];

	snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", method, path, host, fields);
	ck_assert_msg(hs_exchange(&srv, req, &resp) == 0, "%s %s: no response", method, path);
}

/* The bytes of htdocs/rel, for comparison; its size. */
static size_t file_bytes(const char *rel, char *buf, size_t cap)
{
	char path[HS_PATH * 2], full[HS_PATH];
	ssize_t n;

	snprintf(full, sizeof full, "htdocs/%s", rel);
	root_path(full, path, sizeof path);
	n = hs_slurp(path, buf, cap);
	ck_assert_msg(n >= 0, "cannot read %s", path);
	return (size_t)n;
}

/* ---- which file, and how it is labelled ---------------------------------- */

struct sel_case {
	int line;
	const char *desc;
	const char *host;            /* NULL: localhost (precompressed on) */
	const char *path;
	const char *fields;          /* Accept-Encoding lines, "" for none */
	const char *sent;            /* the file below htdocs whose bytes come back */
	const char *coding;          /* Content-Encoding, or NULL: none */
	const char *type;            /* Content-Type starts with */
	bool vary;                   /* Vary: Accept-Encoding */
};

#define AE(v) "Accept-Encoding: " v "\r\n"
#define CSS "text/css"

static const struct sel_case sel_cases[] = {
	{ __LINE__, "gzip", NULL, "/file.css", AE("gzip"), "file.css.gz", "gzip", CSS, true },
	{ __LINE__, "br, gzip: br", NULL, "/file.css", AE("br, gzip"), "file.css.br", "br", CSS, true },
	{ __LINE__, "gzip, br: br (the tie)", NULL, "/file.css", AE("gzip, br"), "file.css.br", "br", CSS, true },
	{ __LINE__, "br;q=0.5 vs gzip;q=0.8: gzip", NULL, "/file.css", AE("br;q=0.5, gzip;q=0.8"),
	  "file.css.gz", "gzip", CSS, true },
	{ __LINE__, "identity: the file", NULL, "/file.css", AE("identity"), "file.css", NULL, CSS, true },
	{ __LINE__, "no Accept-Encoding: the file", NULL, "/file.css", "", "file.css", NULL, CSS, true },
	{ __LINE__, "empty Accept-Encoding: the file", NULL, "/file.css", AE(""), "file.css", NULL, CSS, true },
	{ __LINE__, "*: br", NULL, "/file.css", AE("*"), "file.css.br", "br", CSS, true },
	{ __LINE__, "gzip;q=0: the file", NULL, "/file.css", AE("gzip;q=0"), "file.css", NULL, CSS, true },
	{ __LINE__, "identity;q=0 and nothing else: the file", NULL, "/file.css", AE("identity;q=0"),
	  "file.css", NULL, CSS, true },
	{ __LINE__, "x-gzip is gzip", NULL, "/file.css", AE("x-gzip"), "file.css.gz", "gzip", CSS, true },
	{ __LINE__, "case-insensitive", NULL, "/file.css", AE("GZIP;Q=1"), "file.css.gz", "gzip", CSS, true },
	{ __LINE__, "malformed q: as if absent", NULL, "/file.css", AE("gzip;q=2"), "file.css", NULL, CSS, true },
	{ __LINE__, "two fields: one list", NULL, "/file.css", AE("br;q=0") AE("gzip"), "file.css.gz",
	  "gzip", CSS, true },
	{ __LINE__, "deflate only: the file", NULL, "/file.css", AE("deflate"), "file.css", NULL, CSS, true },
	{ __LINE__, "no .br: the next best", NULL, "/gzonly.js", AE("br, gzip;q=0.5"), "gzonly.js.gz",
	  "gzip", "text/javascript", true },
	{ __LINE__, "only br wanted, no .br: the file", NULL, "/gzonly.js", AE("br"), "gzonly.js", NULL,
	  "text/javascript", true },
	{ __LINE__, "variants older than the file: the file", NULL, "/stale.css", AE("br, gzip"),
	  "stale.css", NULL, CSS, true },
	{ __LINE__, "variant older within the same second: the file", NULL, "/nsec.css", AE("gzip"),
	  "nsec.css", NULL, CSS, true },
	{ __LINE__, "variant a directory: the file", NULL, "/dirvar.css", AE("gzip"), "dirvar.css", NULL,
	  CSS, true },
	{ __LINE__, "variant a symlink out of the root: the file", NULL, "/link.css", AE("gzip"),
	  "link.css", NULL, CSS, true },
	{ __LINE__, "variant under a stricter access rule: the file", NULL, "/private.css", AE("gzip"),
	  "private.css", NULL, CSS, true },
	{ __LINE__, "a directory's index: index.html.gz", NULL, "/", AE("gzip"), "index.html.gz", "gzip",
	  "text/html", true },
	{ __LINE__, "index, no .br: the file", NULL, "/", AE("br"), "index.html", NULL, "text/html", true },
	{ __LINE__, "file.css.gz by its name: application/gzip", NULL, "/file.css.gz", AE("gzip"),
	  "file.css.gz", NULL, "application/gzip", true },
	{ __LINE__, "file.css.br by its name: bytes", NULL, "/file.css.br", AE("br"), "file.css.br", NULL,
	  "application/octet-stream", true },
	{ __LINE__, "vhost with precompressed off", "off.test", "/file.css", AE("br, gzip"), "file.css",
	  NULL, CSS, false },
	{ __LINE__, "vhost off: the .gz by name", "off.test", "/file.css.gz", AE("gzip"), "file.css.gz",
	  NULL, "application/gzip", false },
};

static void check_sel(const struct sel_case *c)
{
	static char want[8192];
	size_t n = file_bytes(c->sent, want, sizeof want);
	const char *ce, *ct, *vary;
	char cl[32];

	/* Twice: resolved afresh, then with the file's cache entry (the same worker). */
	for (int round = 0; round < 2; round++) {
		ask("GET", c->host ? c->host : "localhost", c->path, c->fields);
		ck_assert_msg(resp.status == 200, "line %d (%s): status %d", c->line, c->desc, resp.status);
		ck_assert_msg(resp.body_len == n && memcmp(resp.body, want, n) == 0,
			      "line %d (%s): not the bytes of %s (%zu bytes)", c->line, c->desc, c->sent,
			      resp.body_len);
		snprintf(cl, sizeof cl, "%zu", n);
		ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), cl);
		ce = hs_hdr(&resp, "Content-Encoding");
		ck_assert_msg(c->coding ? ce && strcmp(ce, c->coding) == 0 : ce == NULL,
			      "line %d (%s): Content-Encoding %s", c->line, c->desc, ce ? ce : "(none)");
		ct = hs_hdr(&resp, "Content-Type");
		ck_assert_msg(ct && strncmp(ct, c->type, strlen(c->type)) == 0,
			      "line %d (%s): Content-Type %s", c->line, c->desc, ct ? ct : "(none)");
		vary = hs_hdr(&resp, "Vary");
		ck_assert_msg(c->vary ? vary && hs_list_has(vary, "Accept-Encoding") : vary == NULL,
			      "line %d (%s): Vary %s", c->line, c->desc, vary ? vary : "(none)");
		ck_assert_int_le(hs_hdr_count(&resp, "Vary"), 1);
	}
}

START_TEST(test_select)
{
	check_sel(&sel_cases[_i]);
}
END_TEST

/* A real gzip stream: what gzip -k made, as it is (the server never recompresses). */
START_TEST(test_real_gzip)
{
	ask("GET", "localhost", "/file.css", AE("gzip"));
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_ge(resp.body_len, 2);
	ck_assert_int_eq((unsigned char)resp.body[0], 0x1f);
	ck_assert_int_eq((unsigned char)resp.body[1], 0x8b);
}
END_TEST

/* ---- validators ----------------------------------------------------------- */

static void copy_hdr(const char *name, char *out, size_t cap)
{
	const char *v = hs_hdr(&resp, name);

	ck_assert_msg(v != NULL, "no %s", name);
	ck_assert_int_lt(snprintf(out, cap, "%s", v), (int)cap);
}

/*
 * Each representation has its own ETag and Last-Modified: the file, the
 * gzip and the br variants, and the .gz asked for by its name (another
 * representation again: application/gzip, no Content-Encoding).
 */
START_TEST(test_etags_distinct)
{
	char id[128], gz[128], br[128], byname[128], lm_id[64], lm_br[64];

	ask("GET", "localhost", "/file.css", "");
	copy_hdr("ETag", id, sizeof id);
	copy_hdr("Last-Modified", lm_id, sizeof lm_id);
	ask("GET", "localhost", "/file.css", AE("gzip"));
	copy_hdr("ETag", gz, sizeof gz);
	ask("GET", "localhost", "/file.css", AE("br"));
	copy_hdr("ETag", br, sizeof br);
	copy_hdr("Last-Modified", lm_br, sizeof lm_br);
	ask("GET", "localhost", "/file.css.gz", AE("gzip"));
	copy_hdr("ETag", byname, sizeof byname);
	ck_assert_str_ne(id, gz);
	ck_assert_str_ne(id, br);
	ck_assert_str_ne(gz, br);
	ck_assert_str_ne(gz, byname);
	/* Strong tags, quoted. */
	ck_assert_msg(gz[0] == '"' && gz[strlen(gz) - 1] == '"', "gzip ETag %s", gz);
	ck_assert_msg(br[0] == '"' && br[strlen(br) - 1] == '"', "br ETag %s", br);
	/* The br variant's own mtime (T0 + 10), not the file's (T0). */
	ck_assert_int_eq(hs_parse_date(lm_id), T0);
	ck_assert_int_eq(hs_parse_date(lm_br), T0 + 10);
}
END_TEST

struct cond_case {
	int line;
	const char *desc;
	const char *ae;              /* Accept-Encoding value, or NULL: none */
	int tag;                     /* If-None-Match / If-Range with: 0 the file's ETag, 1 the gzip variant's */
	const char *field;           /* "If-None-Match" or "If-Range" */
	const char *range;           /* a Range value, or NULL */
	int status;
	const char *coding;          /* Content-Encoding wanted (200/206), or NULL */
};

static const struct cond_case cond_cases[] = {
	{ __LINE__, "If-None-Match the variant's tag, gzip: 304", "gzip", 1, "If-None-Match", NULL, 304, NULL },
	{ __LINE__, "If-None-Match the variant's tag, no coding: the file", NULL, 1, "If-None-Match", NULL,
	  200, NULL },
	{ __LINE__, "If-None-Match the file's tag, gzip: the variant", "gzip", 0, "If-None-Match", NULL,
	  200, "gzip" },
	{ __LINE__, "If-None-Match the file's tag, no coding: 304", NULL, 0, "If-None-Match", NULL, 304, NULL },
	{ __LINE__, "If-Range the variant's tag: 206 of the variant", "gzip", 1, "If-Range", "bytes=0-9",
	  206, "gzip" },
	{ __LINE__, "If-Range the file's tag, gzip: the whole variant", "gzip", 0, "If-Range", "bytes=0-9",
	  200, "gzip" },
	{ __LINE__, "If-Range the variant's tag, no coding: the whole file", NULL, 1, "If-Range", "bytes=0-9",
	  200, NULL },
};

START_TEST(test_conditionals)
{
	const struct cond_case *c = &cond_cases[_i];
	char tags[2][128], fields[1024];
	const char *ce;

	ask("GET", "localhost", "/file.css", "");
	copy_hdr("ETag", tags[0], sizeof tags[0]);
	ask("GET", "localhost", "/file.css", AE("gzip"));
	copy_hdr("ETag", tags[1], sizeof tags[1]);
	snprintf(fields, sizeof fields, "%s%s%s%s: %s\r\n%s%s%s", c->ae ? "Accept-Encoding: " : "",
		 c->ae ? c->ae : "", c->ae ? "\r\n" : "", c->field, tags[c->tag],
		 c->range ? "Range: " : "", c->range ? c->range : "", c->range ? "\r\n" : "");
	ask("GET", "localhost", "/file.css", fields);
	ck_assert_msg(resp.status == c->status, "line %d (%s): status %d", c->line, c->desc, resp.status);
	ck_assert_msg(hs_hdr(&resp, "Vary") && hs_list_has(hs_hdr(&resp, "Vary"), "Accept-Encoding"),
		      "line %d (%s): no Vary", c->line, c->desc);
	if (c->status == 304) {
		/* RFC 9110 15.4.5: the ETag of the representation the 200 would have carried. */
		ck_assert_str_eq(hs_hdr(&resp, "ETag"), tags[c->tag]);
		ck_assert_uint_eq(resp.body_len, 0);
		return;
	}
	ce = hs_hdr(&resp, "Content-Encoding");
	ck_assert_msg(c->coding ? ce && strcmp(ce, c->coding) == 0 : ce == NULL,
		      "line %d (%s): Content-Encoding %s", c->line, c->desc, ce ? ce : "(none)");
}
END_TEST

/* ---- ranges and HEAD on the variant ----------------------------------------- */

START_TEST(test_range)
{
	static char gz[8192];
	size_t n = file_bytes("file.css.gz", gz, sizeof gz);
	char cr[64];

	ask("GET", "localhost", "/file.css", AE("gzip") "Range: bytes=0-9\r\n");
	ck_assert_int_eq(resp.status, 206);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Encoding"), "gzip");
	snprintf(cr, sizeof cr, "bytes 0-9/%zu", n);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Range"), cr);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), "10");
	ck_assert_uint_eq(resp.body_len, 10);
	ck_assert(memcmp(resp.body, gz, 10) == 0);
	ck_assert(hs_list_has(hs_hdr(&resp, "Vary"), "Accept-Encoding"));

	/* The last bytes: the variant's length counts, not the file's. */
	ask("GET", "localhost", "/file.css", AE("gzip") "Range: bytes=-5\r\n");
	ck_assert_int_eq(resp.status, 206);
	ck_assert_uint_eq(resp.body_len, 5);
	ck_assert(memcmp(resp.body, gz + n - 5, 5) == 0);

	/* Past the variant's end, within the file's: 416 with the variant's length. */
	ck_assert_uint_lt(n, sizeof(css) - 1);
	snprintf(cr, sizeof cr, AE("gzip") "Range: bytes=%zu-\r\n", n);
	ask("GET", "localhost", "/file.css", cr);
	ck_assert_int_eq(resp.status, 416);
	snprintf(cr, sizeof cr, "bytes */%zu", n);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Range"), cr);
	ck_assert(hs_hdr(&resp, "Vary") && hs_list_has(hs_hdr(&resp, "Vary"), "Accept-Encoding"));
}
END_TEST

START_TEST(test_head)
{
	static char br[8192];
	size_t n = file_bytes("file.css.br", br, sizeof br);
	char cl[32];

	ask("HEAD", "localhost", "/file.css", AE("br"));
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Encoding"), "br");
	snprintf(cl, sizeof cl, "%zu", n);
	ck_assert_str_eq(hs_hdr(&resp, "Content-Length"), cl);
	ck_assert_uint_eq(resp.body_len, 0);
	ck_assert(hs_list_has(hs_hdr(&resp, "Vary"), "Accept-Encoding"));
}
END_TEST

/* 412 carries Vary too; other methods than GET and HEAD never get a variant. */
START_TEST(test_412_and_methods)
{
	ask("GET", "localhost", "/file.css", AE("gzip") "If-Match: \"nope\"\r\n");
	ck_assert_int_eq(resp.status, 412);
	ck_assert(hs_hdr(&resp, "Vary") && hs_list_has(hs_hdr(&resp, "Vary"), "Accept-Encoding"));
	ask("OPTIONS", "localhost", "/file.css", AE("gzip"));
	ck_assert_int_lt(resp.status, 300);
	ck_assert_ptr_nonnull(hs_hdr(&resp, "Allow"));
	ck_assert_ptr_null(hs_hdr(&resp, "Content-Encoding"));
	ask("DELETE", "localhost", "/file.css", AE("gzip"));
	ck_assert_int_eq(resp.status, 405);
	ck_assert_ptr_null(hs_hdr(&resp, "Content-Encoding"));
}
END_TEST

/*
 * One keep-alive connection, one worker: the file's cache entry and the
 * variants never mix, whatever the order of the requests.
 */
START_TEST(test_cache_keeps_apart)
{
	static const struct { const char *ae; const char *ce; } seq[] = {
		{ NULL, NULL }, { "gzip", "gzip" }, { NULL, NULL }, { "br", "br" },
		{ "gzip", "gzip" }, { "identity", NULL }, { "br", "br" },
	};
	static struct hs_conn c;
	char req[512];

	ck_assert_int_eq(hs_conn_open(&srv, &c), 0);
	for (int i = 0; i < NELEM(seq); i++) {
		const char *ce;

		snprintf(req, sizeof req, "GET /file.css HTTP/1.1\r\nHost: l\r\n%s%s%s\r\n",
			 seq[i].ae ? "Accept-Encoding: " : "", seq[i].ae ? seq[i].ae : "",
			 seq[i].ae ? "\r\n" : "");
		ck_assert_int_eq(hs_send_str(c.fd, req), 0);
		ck_assert_int_eq(hs_read_response(&c, &resp, false, HS_TIMEOUT_MS), 0);
		ck_assert_int_eq(resp.status, 200);
		ce = hs_hdr(&resp, "Content-Encoding");
		ck_assert_msg(seq[i].ce ? ce && strcmp(ce, seq[i].ce) == 0 : ce == NULL,
			      "request %d: Content-Encoding %s", i, ce ? ce : "(none)");
		if (!seq[i].ce)
			ck_assert(resp.body_len == sizeof(css) - 1 && memcmp(resp.body, css, resp.body_len) == 0);
	}
	hs_conn_close(&c);
}
END_TEST

/* The variant is rebuilt older than the file after being served: no longer sent. */
START_TEST(test_stale_after_change)
{
	ask("GET", "localhost", "/gzonly.js", AE("gzip"));
	ck_assert_str_eq(hs_hdr(&resp, "Content-Encoding"), "gzip");
	put_at("htdocs/gzonly.js", "var only_gzip = 2; /* edited, the .gz not rebuilt */\n", T0 + 50);
	hs_sleep_ms(1200); /* the open-file cache believes an entry one second */
	ask("GET", "localhost", "/gzonly.js", AE("gzip"));
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_null(hs_hdr(&resp, "Content-Encoding"));
	ck_assert(hs_contains(resp.body, resp.body_len, "edited"));
}
END_TEST

/* ---- per path: locations (issue 10) ---------------------------------------- */

/*
 * Off at the top level but on below /static/; on in the vhost on.test but
 * off below its /raw/; the top level's /static/ location applies in the
 * vhost too (merged top level, vhost, location).
 */
static const char loc_extra[] =
	ONE_WORKER
	"locations = ( { path = \"/static/\"; precompressed = true; } );\n"
	"vhosts = ( { server_name = \"on.test\"; precompressed = true; "
	"locations = ( { path = \"/raw/\"; precompressed = false; } ); } );\n";

static void setup_loc(void)
{
	char msg[4096];

	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	put_at("htdocs/static/app.css", css, T0);
	put_at("htdocs/static/app.css.gz", "GZ-VARIANT-of-static/app.css\n", T0);
	put_at("htdocs/plain.css", css, T0);
	put_at("htdocs/plain.css.gz", "GZ-VARIANT-of-plain.css\n", T0);
	put_at("htdocs/raw/r.css", css, T0);
	put_at("htdocs/raw/r.css.gz", "GZ-VARIANT-of-raw/r.css\n", T0);
	if (hs_start(&srv, loc_extra, msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

static const struct sel_case loc_cases[] = {
	{ __LINE__, "top off, its /static/ on", NULL, "/static/app.css", AE("gzip"), "static/app.css.gz",
	  "gzip", CSS, true },
	{ __LINE__, "top off, outside /static/", NULL, "/plain.css", AE("gzip"), "plain.css", NULL, CSS,
	  false },
	{ __LINE__, "top off, /raw/ (the vhost's location only)", NULL, "/raw/r.css", AE("gzip"),
	  "raw/r.css", NULL, CSS, false },
	{ __LINE__, "vhost on", "on.test", "/plain.css", AE("gzip"), "plain.css.gz", "gzip", CSS, true },
	{ __LINE__, "vhost on, its /raw/ off", "on.test", "/raw/r.css", AE("gzip"), "raw/r.css", NULL,
	  CSS, false },
	{ __LINE__, "vhost on, the top level's /static/ on", "on.test", "/static/app.css", AE("gzip"),
	  "static/app.css.gz", "gzip", CSS, true },
};

START_TEST(test_location)
{
	check_sel(&loc_cases[_i]);
}
END_TEST

static Suite *precompressed_suite(void)
{
	Suite *s = suite_create("precompressed");
	TCase *sel = hs_tcase("select", 60, NULL);
	TCase *val = hs_tcase("validators", 60, NULL);
	TCase *loc = hs_tcase("location", 60, NULL);

	tcase_add_unchecked_fixture(sel, setup, teardown);
	tcase_add_loop_test(sel, test_select, 0, NELEM(sel_cases));
	tcase_add_test(sel, test_real_gzip);
	tcase_add_test(sel, test_cache_keeps_apart);
	suite_add_tcase(s, sel);

	tcase_add_unchecked_fixture(val, setup, teardown);
	tcase_add_test(val, test_etags_distinct);
	tcase_add_loop_test(val, test_conditionals, 0, NELEM(cond_cases));
	tcase_add_test(val, test_range);
	tcase_add_test(val, test_head);
	tcase_add_test(val, test_412_and_methods);
	tcase_add_test(val, test_stale_after_change);
	suite_add_tcase(s, val);

	tcase_add_unchecked_fixture(loc, setup_loc, teardown);
	tcase_add_loop_test(loc, test_location, 0, NELEM(loc_cases));
	suite_add_tcase(s, loc);
	return s;
}

int main(void)
{
	return hs_main(precompressed_suite());
}
