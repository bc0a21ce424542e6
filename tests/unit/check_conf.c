/*
 * Unit tests for conf: conf_load() on files written into a temporary
 * directory, and conf_parse_listen() on its own. Every error row asserts the
 * whole "FILE:LINE: message" text, so a wrong line number fails the row.
 */
#include "unit.h"
#include "conf.h"
#include "conf_check.h"
#include "conf_table.h"
#include "ipmatch.h"
#include "log.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set up once per TCase in the parent, so every forked test sees it. */
static char tmpdir[PATH_MAX];

/* ---- fixture ------------------------------------------------------------ */

static void mkdir_in_tmp(const char *rel)
{
	char path[PATH_MAX];

	ck_assert_int_lt(snprintf(path, sizeof path, "%s/%s", tmpdir, rel),
			 (int)sizeof path);
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
}

/* Writes text to tmpdir/rel and puts the full path in path. */
static void write_file(const char *rel, const char *text, char *path, size_t size)
{
	FILE *fp;

	ck_assert_int_lt(snprintf(path, size, "%s/%s", tmpdir, rel), (int)size);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

static void setup(void)
{
	char tmpl[] = "/tmp/check_conf.XXXXXX";
	char path[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* Canonical, because conf stores realpath()s and we compare to them. */
	ck_assert_ptr_nonnull(realpath(tmpl, tmpdir));
	mkdir_in_tmp("htdocs");
	mkdir_in_tmp("cgi-bin");
	mkdir_in_tmp("etc");
	mkdir_in_tmp("srv");
	mkdir_in_tmp("srv/htdocs");
	write_file("afile", "not a directory\n", path, sizeof path);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	ck_assert_int_eq(nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void tmp_path(const char *rel, char *path, size_t size)
{
	ck_assert_int_lt(snprintf(path, size, "%s/%s", tmpdir, rel), (int)size);
}

/* ---- valid files -------------------------------------------------------- */

static const char full_conf[] =
	"listen = [ \"127.0.0.1:8080\", \"[::1]:8081\", \"*:8082\" ];\n"   /* 1 */
	"server_root = \".\";\n"
	"server_name = \"www.example.org\";\n"
	"document_root = \"htdocs\";\n"
	"index = [ \"index.html\", \"index.htm\", \"index.php\" ];\n"        /* 5 */
	"user = \"www-data\";\n"
	"group = \"www-group\";\n"
	"pid_file = \"run/pfhttpd.pid\";\n"
	"access_log = \"logs/access.log\";\n"
	"error_log = \"/var/log/pfhttpd/error.log\";\n"                      /* 10 */
	"mime_types = \"/etc/mime.types\";\n"
	"error_pages = ( { status = 404; path = \"/errors/404.html\"; },\n"
	"                { status = 500; path = \"/errors/500.html\"; } );\n"
	"workers = { start = 2; min_spare = 1; max_spare = 3; max = 10; max_requests = 0; };\n"
	"timeouts = { header = 11; body = 31; keepalive = 0; send = 32; cgi = 61; graceful = 45; };\n"
	"limits = { request_line = 4096; header_bytes = 8192; headers = 50;\n"
	"           body = 1000000000000L; min_send_rate = 64; min_body_rate = 0; connections_per_ip = 8; };\n"
	"cgi = {\n"
	"  alias = \"/scripts/\";\n"
	"  directory = \"cgi-bin\";\n"
	"  handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; },\n"
	"               { extension = \".py\"; interpreter = \"/usr/bin/python3\"; } );\n"
	"  path = \"/bin\";\n"
	"  pass_authorization = true;\n"
	"  limits = { cpu = 5; memory = 0; processes = 8L; };\n"
	"};\n"
	"log_level = \"debug\";\n"
	"allow_root = true;\n"
	"keeper_user = \"daemon\";\n";                                     /* 29 */

static void assert_listen(const struct conf_listen *l, int family,
			  const char *addr, int port, const char *text)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a;
	int p;

	ck_assert_str_eq(l->text, text);
	ck_assert_int_eq(l->addr.ss_family, family);
	if (family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&l->addr;

		a = &sin->sin_addr;
		p = ntohs(sin->sin_port);
		ck_assert_int_eq(l->addrlen, sizeof *sin);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&l->addr;

		a = &sin6->sin6_addr;
		p = ntohs(sin6->sin6_port);
		ck_assert_int_eq(l->addrlen, sizeof *sin6);
	}
	ck_assert_ptr_nonnull(inet_ntop(family, a, buf, sizeof buf));
	ck_assert_str_eq(buf, addr);
	ck_assert_int_eq(p, port);
}

static void assert_tmp(const char *got, const char *rel)
{
	char want[PATH_MAX];

	tmp_path(rel, want, sizeof want);
	ck_assert_str_eq(got, want);
}

static void load_ok(const char *rel, const char *text, struct conf *c)
{
	char path[PATH_MAX], err[1024];

	write_file(rel, text, path, sizeof path);
	ck_assert_msg(conf_load(path, c, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(c->file, path);
}

START_TEST(test_full)
{
	struct conf c;

	load_ok("full.conf", full_conf, &c);
	ck_assert_uint_eq(c.nlisten, 3);
	assert_listen(&c.listen[0], AF_INET, "127.0.0.1", 8080, "127.0.0.1:8080");
	assert_listen(&c.listen[1], AF_INET6, "::1", 8081, "[::1]:8081");
	assert_listen(&c.listen[2], AF_INET, "0.0.0.0", 8082, "*:8082");
	ck_assert_int_eq(c.listen[0].line, 1);
	ck_assert_str_eq(c.server_root, tmpdir);
	ck_assert_str_eq(c.site.server_name, "www.example.org");
	assert_tmp(c.site.document_root, "htdocs");
	ck_assert_uint_eq(c.site.nindex, 3);
	ck_assert_str_eq(c.site.index[0], "index.html");
	ck_assert_str_eq(c.site.index[1], "index.htm");
	ck_assert_str_eq(c.site.index[2], "index.php");
	ck_assert_str_eq(c.user, "www-data");
	ck_assert_str_eq(c.group, "www-group");
	assert_tmp(c.pid_file, "run/pfhttpd.pid");
	assert_tmp(c.site.access_log, "logs/access.log");
	ck_assert_str_eq(c.site.error_log, "/var/log/pfhttpd/error.log");
	ck_assert_str_eq(c.mime_types, "/etc/mime.types");
	ck_assert_int_eq(c.line.user, 6);
	ck_assert_int_eq(c.line.group, 7);
	ck_assert_int_eq(c.line.pid_file, 8);
	ck_assert_int_eq(c.site.lines.access_log, 9);
	ck_assert_int_eq(c.site.lines.error_log, 10);
	ck_assert_int_eq(c.line.mime_types, 11);
	ck_assert_uint_eq(c.site.nerror_pages, 2);
	ck_assert_int_eq(c.site.error_pages[0].status, 404);
	ck_assert_str_eq(c.site.error_pages[0].path, "/errors/404.html");
	ck_assert_int_eq(c.site.error_pages[1].status, 500);
	ck_assert_str_eq(c.site.error_pages[1].path, "/errors/500.html");
	ck_assert_int_eq(c.site.error_pages[0].line, 12);
	ck_assert_int_eq(c.site.error_pages[1].line, 13);
	conf_free(&c);
}
END_TEST

START_TEST(test_full_operations)
{
	struct conf c;

	load_ok("full.conf", full_conf, &c);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert(c.allow_root);
	ck_assert_str_eq(c.keeper_user, "daemon");
	ck_assert_int_eq(c.timeouts.graceful, 45);
	ck_assert_int_eq(c.line.log_level, 27);
	ck_assert_int_eq(c.line.allow_root, 28);
	ck_assert_int_eq(c.line.keeper_user, 29);
	conf_free(&c);
}
END_TEST

struct level_case {
	int src_line;
	const char *name;
	enum log_level level;
};

static const struct level_case level_cases[] = {
	{ __LINE__, "error", LOG_ERR },
	{ __LINE__, "warn", LOG_WARN },
	{ __LINE__, "notice", LOG_NOTICE },
	{ __LINE__, "info", LOG_INFO },
	{ __LINE__, "debug", LOG_DEBUG },
};

START_TEST(test_log_levels)
{
	const struct level_case *l = &level_cases[_i];
	char text[64];
	struct conf c;

	snprintf(text, sizeof text, "\nlog_level = \"%s\";\n", l->name);
	load_ok("level.conf", text, &c);
	ck_assert_msg(c.log_level == (int)l->level, "line %d (%s): got %d",
		      l->src_line, l->name, c.log_level);
	ck_assert_int_eq(c.line.log_level, 2);
	conf_free(&c);
}
END_TEST

START_TEST(test_full_numbers)
{
	struct conf c;

	load_ok("full.conf", full_conf, &c);
	ck_assert_int_eq(c.workers.start, 2);
	ck_assert_int_eq(c.workers.min_spare, 1);
	ck_assert_int_eq(c.workers.max_spare, 3);
	ck_assert_int_eq(c.workers.max, 10);
	ck_assert_int_eq(c.workers.max_requests, 0);
	ck_assert_int_eq(c.timeouts.header, 11);
	ck_assert_int_eq(c.timeouts.body, 31);
	ck_assert_int_eq(c.timeouts.keepalive, 0);
	ck_assert_int_eq(c.timeouts.send, 32);
	ck_assert_int_eq(c.timeouts.cgi, 61);
	ck_assert_uint_eq(c.limits.request_line, 4096);
	ck_assert_uint_eq(c.limits.header_bytes, 8192);
	ck_assert_uint_eq(c.limits.headers, 50);
	ck_assert(c.limits.body == INT64_C(1000000000000));
	ck_assert_int_eq(c.limits.min_send_rate, 64);
	ck_assert_int_eq(c.limits.min_body_rate, 0);
	ck_assert_int_eq(c.limits.connections_per_ip, 8);
	conf_free(&c);
}
END_TEST

START_TEST(test_full_cgi)
{
	struct conf c;

	load_ok("full.conf", full_conf, &c);
	ck_assert(c.site.cgi.enabled);
	ck_assert_str_eq(c.site.cgi.alias, "/scripts/");
	assert_tmp(c.site.cgi.directory, "cgi-bin");
	ck_assert_uint_eq(c.site.cgi.nhandlers, 2);
	ck_assert_str_eq(c.site.cgi.handlers[0].extension, ".php");
	ck_assert_str_eq(c.site.cgi.handlers[0].interpreter, "/usr/bin/php-cgi");
	ck_assert_str_eq(c.site.cgi.handlers[1].extension, ".py");
	ck_assert_str_eq(c.site.cgi.handlers[1].interpreter, "/usr/bin/python3");
	ck_assert_int_eq(c.site.cgi.handlers[0].line, 21);
	ck_assert_int_eq(c.site.cgi.handlers[1].line, 22);
	ck_assert_int_eq(c.site.cgi.directory_line, 20);
	ck_assert_str_eq(c.site.cgi.path, "/bin");
	ck_assert(c.site.cgi.pass_authorization);
	ck_assert(c.site.cgi.limits.cpu == 5);
	ck_assert(c.site.cgi.limits.memory == 0);
	ck_assert(c.site.cgi.limits.processes == 8);
	conf_free(&c);
}
END_TEST

START_TEST(test_defaults)
{
	struct conf c;

	load_ok("defaults.conf", "document_root = \"htdocs\";\n", &c);
	ck_assert_uint_eq(c.nlisten, 1);
	assert_listen(&c.listen[0], AF_INET, "0.0.0.0", 80, "0.0.0.0:80");
	ck_assert_str_eq(c.server_root, tmpdir);
	ck_assert_str_eq(c.site.server_name, "localhost");
	assert_tmp(c.site.document_root, "htdocs");
	ck_assert_uint_eq(c.site.nindex, 2);
	ck_assert_str_eq(c.site.index[0], "index.html");
	ck_assert_str_eq(c.site.index[1], "index.htm");
	ck_assert_ptr_null(c.user);
	ck_assert_ptr_null(c.group);
	ck_assert_ptr_null(c.pid_file);
	ck_assert_ptr_null(c.site.access_log);
	ck_assert_ptr_null(c.site.error_log);
	ck_assert_ptr_null(c.mime_types);
	ck_assert_int_eq(c.line.pid_file, 0);
	ck_assert_str_eq(c.site.access_log_format, "combined");
	ck_assert_uint_eq(c.site.nerror_pages, 0);
	ck_assert_int_eq(c.log_level, LOG_NOTICE);
	ck_assert(!c.allow_root);
	ck_assert_ptr_null(c.keeper_user);
	ck_assert_int_eq(c.line.keeper_user, 0);
	ck_assert_int_eq(c.line.allow_root, 0);
	ck_assert_int_eq(c.line.log_level, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_defaults_numbers)
{
	struct conf c;

	load_ok("defaults.conf", "document_root = \"htdocs\";\n", &c);
	ck_assert_int_eq(c.workers.start, 8);
	ck_assert_int_eq(c.workers.min_spare, 4);
	ck_assert_int_eq(c.workers.max_spare, 16);
	ck_assert_int_eq(c.workers.max, 150);
	ck_assert_int_eq(c.workers.max_requests, 10000);
	ck_assert_int_eq(c.timeouts.header, 10);
	ck_assert_int_eq(c.timeouts.body, 30);
	ck_assert_int_eq(c.timeouts.keepalive, 5);
	ck_assert_int_eq(c.timeouts.send, 30);
	ck_assert_int_eq(c.timeouts.cgi, 60);
	ck_assert_int_eq(c.timeouts.graceful, 30);
	ck_assert_uint_eq(c.limits.request_line, 8192);
	ck_assert_uint_eq(c.limits.header_bytes, 16384);
	ck_assert_uint_eq(c.limits.headers, 100);
	ck_assert(c.limits.body == 10485760);
	ck_assert_int_eq(c.limits.min_send_rate, 1024);
	ck_assert_int_eq(c.limits.min_body_rate, 1024);
	ck_assert_int_eq(c.limits.connections_per_ip, 0);
	ck_assert(!c.site.cgi.enabled);
	ck_assert_str_eq(c.site.cgi.alias, "/cgi-bin/");
	ck_assert_str_eq(c.site.cgi.path, "/usr/local/bin:/usr/bin:/bin");
	ck_assert(!c.site.cgi.pass_authorization);
	ck_assert_uint_eq(c.site.cgi.nhandlers, 0);
	ck_assert(c.site.cgi.limits.cpu == 30);
	ck_assert(c.site.cgi.limits.memory == 268435456);
	ck_assert(c.site.cgi.limits.processes == 64);
	conf_free(&c);
}
END_TEST

/* A present but empty cgi group turns CGI on with every default. */
START_TEST(test_cgi_empty_group)
{
	struct conf c;

	load_ok("cgi.conf", "cgi = { };\n", &c);
	ck_assert(c.site.cgi.enabled);
	ck_assert_str_eq(c.site.cgi.alias, "/cgi-bin/");
	assert_tmp(c.site.cgi.directory, "cgi-bin");
	ck_assert_int_eq(c.site.cgi.directory_line, 1);
	ck_assert_str_eq(c.site.cgi.path, "/usr/local/bin:/usr/bin:/bin");
	ck_assert(c.site.cgi.limits.processes == 64);
	conf_free(&c);
}
END_TEST

/* server_root is relative to the config file's directory. */
START_TEST(test_relative_server_root)
{
	struct conf c;

	load_ok("etc/rel.conf",
		"server_root = \"..\";\n"
		"access_log = \"logs/access.log\";\n"
		"error_log = \"/abs/error.log\";\n", &c);
	ck_assert_str_eq(c.server_root, tmpdir);
	assert_tmp(c.site.document_root, "htdocs");
	assert_tmp(c.site.access_log, "logs/access.log");
	ck_assert_str_eq(c.site.error_log, "/abs/error.log");
	conf_free(&c);
}
END_TEST

/* Relative keys resolve against server_root, not the config directory. */
START_TEST(test_relative_below_server_root)
{
	struct conf c;

	load_ok("sub.conf",
		"server_root = \"srv\";\n"
		"mime_types = \"mime.types\";\n"
		"pid_file = \"run/p.pid\";\n", &c);
	assert_tmp(c.server_root, "srv");
	assert_tmp(c.site.document_root, "srv/htdocs");
	assert_tmp(c.mime_types, "srv/mime.types");
	assert_tmp(c.pid_file, "srv/run/p.pid");
	assert_tmp(c.site.cgi.directory, "srv/cgi-bin");
	conf_free(&c);
}
END_TEST

/* server_root "/" joins relative paths without a doubled slash. */
START_TEST(test_server_root_slash)
{
	char text[PATH_MAX + 128];
	struct conf c;

	snprintf(text, sizeof text, "server_root = \"/\";\ndocument_root = \"%s/htdocs\";\n"
		 "access_log = \"var/log/a.log\";\n", tmpdir + 1);
	load_ok("etc/slash.conf", text, &c);
	ck_assert_str_eq(c.server_root, "/");
	assert_tmp(c.site.document_root, "htdocs");
	ck_assert_str_eq(c.site.access_log, "/var/log/a.log");
	ck_assert_str_eq(c.site.cgi.directory, "/cgi-bin");
	conf_free(&c);
}
END_TEST

/* A config path relative to the working directory still yields absolute paths. */
START_TEST(test_relative_config_path)
{
	struct conf c;
	char path[PATH_MAX], err[1024];

	write_file("cwd.conf", "server_name = \"x\";\n", path, sizeof path);
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_msg(conf_load("cwd.conf", &c, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(c.file, "cwd.conf");
	ck_assert_str_eq(c.server_root, tmpdir);
	assert_tmp(c.site.document_root, "htdocs");
	conf_free(&c);
}
END_TEST

/* int64 literals are accepted wherever an int is; big numbers inside
 * strings and comments do not trip the 32-bit literal check. */
START_TEST(test_int64_and_edges)
{
	struct conf c;

	load_ok("i64.conf",
		"# body = 5000000000;\n"
		"/* 99999999999\n 88888888888 */\n"
		"server_name = \"h9999999999\";\n"
		"workers = { start = 4L; max_requests = 0; min_spare = 0; };\n"
		"timeouts = { keepalive = 0; };\n"
		"limits = { body = 0x7FFFFFFF; request_line = 256; header_bytes = 1024; };\n"
		"cgi = { limits = { memory = 4294967296L; cpu = 0; }; };\n", &c);
	ck_assert_int_eq(c.workers.start, 4);
	ck_assert_int_eq(c.workers.max_requests, 0);
	ck_assert_int_eq(c.workers.min_spare, 0);
	ck_assert_int_eq(c.timeouts.keepalive, 0);
	ck_assert(c.limits.body == 0x7FFFFFFF);
	ck_assert_uint_eq(c.limits.request_line, 256);
	ck_assert(c.site.cgi.limits.memory == INT64_C(4294967296));
	ck_assert(c.site.cgi.limits.cpu == 0);
	ck_assert_str_eq(c.site.server_name, "h9999999999");
	conf_free(&c);
}
END_TEST

START_TEST(test_free_is_idempotent)
{
	struct conf c;

	memset(&c, 0, sizeof c);
	conf_free(&c);
	load_ok("free.conf", full_conf, &c);
	conf_free(&c);
	ck_assert_ptr_null(c.listen);
	ck_assert_ptr_null(c.site.document_root);
	conf_free(&c);
}
END_TEST

/* ---- status ------------------------------------------------------------- */

START_TEST(test_status_absent)
{
	struct conf c;

	load_ok("nostatus.conf", "server_name = \"x\";\n", &c);
	ck_assert(!c.site.status.enabled);
	ck_assert_uint_eq(c.site.status.nallow, 0);
	ck_assert_int_eq(c.site.status.line, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_status_defaults)
{
	struct conf c;

	load_ok("status.conf", "server_name = \"x\";\nstatus = { };\n", &c);
	ck_assert(c.site.status.enabled);
	ck_assert_int_eq(c.site.status.line, 2);
	ck_assert_str_eq(c.site.status.path, "/server-status");
	ck_assert_uint_eq(c.site.status.nallow, 2);
	ck_assert_int_eq(c.site.status.allow[0].family, AF_INET);
	ck_assert_uint_eq(c.site.status.allow[0].prefix, 32);
	ck_assert_int_eq(c.site.status.allow[0].addr[0], 127);
	ck_assert_int_eq(c.site.status.allow[1].family, AF_INET6);
	ck_assert_uint_eq(c.site.status.allow[1].prefix, 128);
	ck_assert_int_eq(c.site.status.allow[1].addr[15], 1);
	conf_free(&c);
}
END_TEST

START_TEST(test_status_full)
{
	struct conf c;

	load_ok("status.conf",
		"status = {\n  path = \"/admin/status/\";\n"
		"  allow = [ \"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.1\" ];\n};\n", &c);
	ck_assert(c.site.status.enabled);
	ck_assert_str_eq(c.site.status.path, "/admin/status/");
	ck_assert_uint_eq(c.site.status.nallow, 3);
	ck_assert_int_eq(c.site.status.allow[0].family, AF_INET);
	ck_assert_uint_eq(c.site.status.allow[0].prefix, 8);
	ck_assert_int_eq(c.site.status.allow[1].family, AF_INET6);
	ck_assert_uint_eq(c.site.status.allow[1].prefix, 32);
	ck_assert_uint_eq(c.site.status.allow[2].prefix, 32);
	conf_free(&c);
}
END_TEST

/* access_log_format: per site; a vhost inherits the top level's unless it names its own. */
START_TEST(test_access_log_format)
{
	struct conf c;

	load_ok("logfmt.conf", "document_root = \"htdocs\";\n"
		"access_log_format = \"vhost_combined\";\n"
		"vhosts = ( { server_name = \"a.example\"; },\n"
		"  { server_name = \"b.example\"; access_log_format = \"%h %D \\\"%r\\\" %{X-Id}o\"; } );\n",
		&c);
	ck_assert_str_eq(c.site.access_log_format, "vhost_combined");
	ck_assert_str_eq(c.vhosts[0].access_log_format, "vhost_combined");
	ck_assert_ptr_ne(c.vhosts[0].access_log_format, c.site.access_log_format);
	ck_assert_str_eq(c.vhosts[1].access_log_format, "%h %D \"%r\" %{X-Id}o");
	conf_free(&c);
}
END_TEST

/* ---- shared hosting: vhosts, cgi identity, access, userdir, proxy -------- */

static const char vhost_conf[] =
	"access_log = \"logs/access.log\";\n"                                /* 1 */
	"cgi = { handlers = ( { extension = \".php\"; interpreter = \"/usr/bin/php-cgi\"; } );\n"
	"        user = \"alice\"; group = \"alice\"; min_uid = 500; };\n"
	"access = ( { path = \"/admin/\"; allow = [ \"127.0.0.1\" ]; } );\n"
	"vhosts = (\n"                                                        /* 5 */
	"  { server_name = \"Example.COM.\";\n"
	"    aliases = [ \"WWW.example.com\", \"*.example.net\", \"[::1]\" ];\n"
	"    document_root = \"srv/htdocs\";\n"
	"    error_log = \"logs/example.error.log\";\n"
	"    index = [ \"home.html\" ];\n"                                    /* 10 */
	"    error_pages = ( { status = 404; path = \"/404.html\"; } );\n"
	"    cgi = { alias = \"/scripts/\"; user = \"bob\"; };\n"
	"    access = ( { path = \"/private/\"; allow = [ ]; },\n"
	"               { path = \"/members/\"; auth = { realm = \"Members\"; user_file = \"m.htpasswd\"; }; } );\n"
	"    status = { };\n"                                                /* 15 */
	"  },\n"
	"  { server_name = \"192.0.2.7\"; default = true; }\n"
	");\n";

START_TEST(test_vhosts)
{
	struct conf c;
	const struct conf_site *v;

	load_ok("vhosts.conf", vhost_conf, &c);
	ck_assert_uint_eq(c.nvhosts, 2);
	v = &c.vhosts[0];
	ck_assert_str_eq(v->server_name, "example.com");
	ck_assert_int_eq(v->line, 6);
	ck_assert(!v->is_default);
	ck_assert_uint_eq(v->naliases, 3);
	ck_assert_str_eq(v->aliases[0], "www.example.com");
	ck_assert_str_eq(v->aliases[1], "*.example.net");
	ck_assert_str_eq(v->aliases[2], "[::1]");
	assert_tmp(v->document_root, "srv/htdocs");
	ck_assert_int_eq(v->lines.document_root, 8);
	assert_tmp(v->error_log, "logs/example.error.log");
	ck_assert_int_eq(v->lines.error_log, 9);
	ck_assert_uint_eq(v->nindex, 1);
	ck_assert_str_eq(v->index[0], "home.html");
	ck_assert_uint_eq(v->nerror_pages, 1);
	ck_assert_int_eq(v->error_pages[0].line, 11);
	/* What the vhost leaves out comes from the top level. */
	assert_tmp(v->access_log, "logs/access.log");
	ck_assert_int_eq(v->lines.access_log, 1);
	ck_assert_ptr_ne(v->access_log, c.site.access_log);
	ck_assert_str_eq(c.site.server_name, "localhost");
	ck_assert_uint_eq(c.site.naliases, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_vhost_cgi_inherits)
{
	struct conf c;
	const struct conf_site *v;

	load_ok("vhosts.conf", vhost_conf, &c);
	v = &c.vhosts[0];
	ck_assert(v->cgi.enabled);
	ck_assert_int_eq(v->cgi.line, 12);
	ck_assert_str_eq(v->cgi.alias, "/scripts/");
	/* Its handlers, directory and min_uid are the top level's. */
	ck_assert_uint_eq(v->cgi.nhandlers, 1);
	ck_assert_str_eq(v->cgi.handlers[0].interpreter, "/usr/bin/php-cgi");
	ck_assert_ptr_ne(v->cgi.handlers, c.site.cgi.handlers);
	assert_tmp(v->cgi.directory, "cgi-bin");
	ck_assert_int_eq(v->cgi.directory_line, 12);
	ck_assert(v->cgi.min_uid == 500);
	ck_assert(v->cgi.min_gid == 1000);
	/* user without group: the user's primary group, not the top level's group. */
	ck_assert_str_eq(v->cgi.user, "bob");
	ck_assert_int_eq(v->cgi.user_line, 12);
	ck_assert_ptr_null(v->cgi.group);
	ck_assert_str_eq(c.site.cgi.user, "alice");
	ck_assert_str_eq(c.site.cgi.group, "alice");
	ck_assert_int_eq(c.site.cgi.user_line, 3);
	ck_assert_int_eq(c.site.cgi.group_line, 3);
	/* The second vhost names no cgi group: all of it is the top level's. */
	ck_assert(c.vhosts[1].cgi.enabled);
	ck_assert_str_eq(c.vhosts[1].cgi.group, "alice");
	ck_assert_str_eq(c.vhosts[1].cgi.alias, "/cgi-bin/");
	conf_free(&c);
}
END_TEST

START_TEST(test_vhost_access_status)
{
	struct conf c;
	const struct conf_site *v;

	load_ok("vhosts.conf", vhost_conf, &c);
	ck_assert_uint_eq(c.site.naccess, 1);
	ck_assert_str_eq(c.site.access[0].path, "/admin/");
	ck_assert_int_eq(c.site.access[0].line, 4);
	ck_assert_uint_eq(c.site.access[0].nallow, 1);
	ck_assert_ptr_null(c.site.access[0].realm);
	v = &c.vhosts[0];
	/* The vhost's access list replaces the top level's. */
	ck_assert_uint_eq(v->naccess, 2);
	ck_assert_str_eq(v->access[0].path, "/private/");
	ck_assert_ptr_nonnull(v->access[0].allow);   /* empty: nobody */
	ck_assert_uint_eq(v->access[0].nallow, 0);
	ck_assert_str_eq(v->access[1].path, "/members/");
	ck_assert_ptr_null(v->access[1].allow);      /* absent: everyone */
	ck_assert_str_eq(v->access[1].realm, "Members");
	assert_tmp(v->access[1].user_file, "m.htpasswd");
	ck_assert_int_eq(v->access[1].user_file_line, 14);
	ck_assert_int_eq(v->access[1].line, 14);
	/* A status group of its own, with the defaults of a status group. */
	ck_assert(v->status.enabled);
	ck_assert_int_eq(v->status.line, 15);
	ck_assert_str_eq(v->status.path, "/server-status");
	ck_assert_uint_eq(v->status.nallow, 2);
	ck_assert(!c.site.status.enabled);
	/* The second vhost inherits the top level's rules and is the default. */
	ck_assert(c.vhosts[1].is_default);
	ck_assert_str_eq(c.vhosts[1].server_name, "192.0.2.7");
	ck_assert_uint_eq(c.vhosts[1].naccess, 1);
	ck_assert_str_eq(c.vhosts[1].access[0].path, "/admin/");
	ck_assert_int_eq(c.vhosts[1].lines.document_root, 0);
	assert_tmp(c.vhosts[1].document_root, "htdocs");
	conf_free(&c);
}
END_TEST

START_TEST(test_shared_top_keys)
{
	struct conf c;

	load_ok("shared.conf",
		"listen = [ \"127.0.0.1:8080\" ];\n"
		"userdir = { directory = \"www/public\"; min_uid = 2000; exclude = [ \"root\", \"admin\" ]; };\n"
		"proxy_protocol = {\n  listen = [ \"127.0.0.1:8081\", \"[::1]:8081\" ];\n"
		"  trusted = [ \"127.0.0.0/8\", \"::1\" ];\n};\n"
		"suexec = \"bin/suexec\";\n"
		"cgi = { user = \"u\"; min_gid = 2147483647; };\n", &c);
	ck_assert(c.userdir.enabled);
	ck_assert_int_eq(c.userdir.line, 2);
	ck_assert_str_eq(c.userdir.directory, "www/public");
	ck_assert(c.userdir.min_uid == 2000);
	ck_assert_uint_eq(c.userdir.nexclude, 2);
	ck_assert_str_eq(c.userdir.exclude[1], "admin");
	ck_assert_uint_eq(c.nlisten, 3);
	ck_assert(!c.listen[0].proxy);
	ck_assert(c.listen[1].proxy);
	ck_assert(c.listen[2].proxy);
	assert_listen(&c.listen[2], AF_INET6, "::1", 8081, "[::1]:8081");
	ck_assert_int_eq(c.listen[1].line, 4);
	ck_assert_int_eq(c.proxy.line, 3);
	ck_assert_uint_eq(c.proxy.ntrusted, 2);
	ck_assert_uint_eq(c.proxy.trusted[0].prefix, 8);
	assert_tmp(c.suexec, "bin/suexec");
	ck_assert_str_eq(c.site.cgi.user, "u");
	ck_assert_ptr_null(c.site.cgi.group);
	ck_assert(c.site.cgi.min_gid == 2147483647);
	ck_assert(c.site.cgi.min_uid == 1000);
	conf_free(&c);
}
END_TEST

/* Only proxy listeners: no default port 80 beside them. */
START_TEST(test_proxy_only_listen)
{
	struct conf c;

	load_ok("proxy.conf",
		"proxy_protocol = { listen = [ \"8081\" ]; trusted = [ \"10.0.0.0/8\" ]; };\n", &c);
	ck_assert_uint_eq(c.nlisten, 1);
	ck_assert(c.listen[0].proxy);
	conf_free(&c);
}
END_TEST

/* real_ip: the header defaults to X-Forwarded-For only when the group is there. */
START_TEST(test_real_ip)
{
	struct conf c;

	load_ok("realip.conf", "\nreal_ip = {\n  trusted = [ \"10.0.0.0/8\", \"::1\" ];\n};\n", &c);
	ck_assert_str_eq(c.real_ip.header, "X-Forwarded-For");
	ck_assert_uint_eq(c.real_ip.ntrusted, 2);
	ck_assert_uint_eq(c.real_ip.trusted[0].prefix, 8);
	ck_assert_int_eq(c.real_ip.line, 2);
	conf_free(&c);
	load_ok("realip.conf", "real_ip = { header = \"Forwarded\"; trusted = [ \"127.0.0.1\" ]; };\n", &c);
	ck_assert_str_eq(c.real_ip.header, "Forwarded");
	ck_assert_uint_eq(c.real_ip.ntrusted, 1);
	conf_free(&c);
	load_ok("realip.conf", "real_ip = { header = \"CF-Connecting-IP\"; trusted = [ \"::/0\" ]; };\n", &c);
	ck_assert_str_eq(c.real_ip.header, "CF-Connecting-IP");
	conf_free(&c);
	load_ok("realip.conf", "document_root = \"htdocs\";\n", &c);
	ck_assert_ptr_null(c.real_ip.header);
	ck_assert_uint_eq(c.real_ip.ntrusted, 0);
	ck_assert_int_eq(c.real_ip.line, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_shared_defaults)
{
	struct conf c;

	load_ok("defaults.conf", "document_root = \"htdocs\";\n", &c);
	ck_assert_uint_eq(c.nvhosts, 0);
	ck_assert_ptr_null(c.vhosts);
	ck_assert(!c.userdir.enabled);
	ck_assert_str_eq(c.userdir.directory, "public_html");
	ck_assert(c.userdir.min_uid == 1000);
	ck_assert_uint_eq(c.userdir.nexclude, 0);
	ck_assert_int_eq(c.proxy.line, 0);
	ck_assert_uint_eq(c.proxy.ntrusted, 0);
	ck_assert(!c.listen[0].proxy);
	ck_assert_str_eq(c.suexec, PFHTTPD_SUEXEC);
	ck_assert_ptr_null(c.site.cgi.user);
	ck_assert_ptr_null(c.site.cgi.group);
	ck_assert(c.site.cgi.min_uid == 1000);
	ck_assert(c.site.cgi.min_gid == 1000);
	ck_assert_uint_eq(c.site.naccess, 0);
	ck_assert_int_eq(c.site.line, 0);
	ck_assert_int_eq(c.site.lines.document_root, 1);
	conf_free(&c);
}
END_TEST

/* Host names in the forms vhost selection compares them in. */
static const struct host_case {
	int src_line;
	const char *what;
	const char *written;
	const char *stored;          /* NULL: refused */
} host_cases[] = {
	{ __LINE__, "plain", "example.com", "example.com" },
	{ __LINE__, "upper case is lowered", "EXAMPLE.Com", "example.com" },
	{ __LINE__, "one trailing dot stripped", "example.com.", "example.com" },
	{ __LINE__, "single label", "intranet", "intranet" },
	{ __LINE__, "digits and hyphens", "a-1.b-2.example", "a-1.b-2.example" },
	{ __LINE__, "IPv4 literal", "192.0.2.1", "192.0.2.1" },
	{ __LINE__, "IPv6 literal in brackets", "[2001:DB8::1]", "[2001:db8::1]" },
	{ __LINE__, "63-byte label", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x" },
	{ __LINE__, "64-byte label", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x", NULL },
	{ __LINE__, "two trailing dots", "example.com..", NULL },
	{ __LINE__, "leading dot", ".example.com", NULL },
	{ __LINE__, "empty label", "a..b", NULL },
	{ __LINE__, "only a dot", ".", NULL },
	{ __LINE__, "underscore", "a_b.example", NULL },
	{ __LINE__, "a port", "example.com:80", NULL },
	{ __LINE__, "a wildcard is no server_name", "*.example.com", NULL },
	{ __LINE__, "IPv6 without brackets", "::1", NULL },
	{ __LINE__, "brackets around no IPv6", "[example]", NULL },
	{ __LINE__, "a space", "a b", NULL },
	{ __LINE__, "non-ASCII", "\xc3\xa9t\xc3\xa9.fr", NULL },
};

START_TEST(test_vhost_names)
{
	const struct host_case *h = &host_cases[_i];
	char text[512], path[PATH_MAX], err[1024];
	struct conf c;
	int rc;

	snprintf(text, sizeof text, "vhosts = ( { server_name = \"%s\"; } );\n", h->written);
	write_file("host.conf", text, path, sizeof path);
	rc = conf_load(path, &c, err, sizeof err);
	if (!h->stored) {
		ck_assert_msg(rc == -1, "line %d (%s): accepted", h->src_line, h->what);
		ck_assert_msg(strstr(err, "vhosts[0].server_name: '") != NULL &&
			      strstr(err, "' is not a host name") != NULL,
			      "line %d (%s): %s", h->src_line, h->what, err);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): %s", h->src_line, h->what, err);
	ck_assert_msg(strcmp(c.vhosts[0].server_name, h->stored) == 0, "line %d (%s): got %s",
		      h->src_line, h->what, c.vhosts[0].server_name);
	conf_free(&c);
}
END_TEST

/* A vhost copies the top level deeply: freeing one never frees the other's
 * (a double free would fail this under make SAN=1). */
START_TEST(test_vhost_copy_is_deep)
{
	struct conf c;

	load_ok("vhosts.conf", vhost_conf, &c);
	ck_assert_ptr_ne(c.vhosts[1].index, c.site.index);
	ck_assert_ptr_ne(c.vhosts[1].index[0], c.site.index[0]);
	ck_assert_ptr_ne(c.vhosts[1].access[0].allow, c.site.access[0].allow);
	ck_assert_ptr_ne(c.vhosts[1].cgi.handlers[0].extension, c.site.cgi.handlers[0].extension);
	ck_assert_ptr_ne(c.vhosts[1].document_root, c.site.document_root);
	conf_free(&c);
	ck_assert_ptr_null(c.vhosts);
	conf_free(&c);
}
END_TEST

/* precompressed (issue 10): a per-path bool, in the site's set; a vhost
 * inherits the top level's and may turn it off or on. */
static const struct precomp_case {
	int line;
	const char *what;
	const char *text;
	bool top, v0, v1;            /* want: the top level's, vhosts[0]'s, vhosts[1]'s */
} precomp_cases[] = {
	{ __LINE__, "default off everywhere",
	  "vhosts = ( { server_name = \"a\"; }, { server_name = \"b\"; } );\n", false, false, false },
	{ __LINE__, "top on, vhosts inherit it",
	  "precompressed = true;\nvhosts = ( { server_name = \"a\"; }, { server_name = \"b\"; } );\n",
	  true, true, true },
	{ __LINE__, "top on, one vhost off",
	  "precompressed = true;\n"
	  "vhosts = ( { server_name = \"a\"; precompressed = false; }, { server_name = \"b\"; } );\n",
	  true, false, true },
	{ __LINE__, "only one vhost on",
	  "vhosts = ( { server_name = \"a\"; }, { server_name = \"b\"; precompressed = true; } );\n",
	  false, false, true },
};

START_TEST(test_precompressed)
{
	const struct precomp_case *p = &precomp_cases[_i];
	struct conf c;

	load_ok("precomp.conf", p->text, &c);
	ck_assert_msg(c.site.set.precompressed == p->top, "line %d (%s): top", p->line, p->what);
	ck_assert_uint_eq(c.nvhosts, 2);
	ck_assert_msg(c.vhosts[0].set.precompressed == p->v0, "line %d (%s): vhost a", p->line, p->what);
	ck_assert_msg(c.vhosts[1].set.precompressed == p->v1, "line %d (%s): vhost b", p->line, p->what);
	conf_free(&c);
}
END_TEST

/* In a location: its set says so, the site's does not change; merged into a vhost's copy. */
START_TEST(test_precompressed_location)
{
	struct conf c;

	load_ok("precomp-loc.conf",
		"locations = ( { path = \"/static/\"; precompressed = true; },\n"
		"              { path = \"/other/\"; } );\n"
		"vhosts = ( { server_name = \"a\"; precompressed = true;\n"
		"  locations = ( { path = \"/raw/\"; precompressed = false; } ); } );\n", &c);
	ck_assert(!c.site.set.precompressed);
	ck_assert_uint_eq(c.site.nlocations, 2);
	ck_assert(c.site.locations[0].set.precompressed);
	ck_assert(!c.site.locations[1].set.precompressed);
	ck_assert(c.vhosts[0].set.precompressed);
	ck_assert_uint_eq(c.vhosts[0].nlocations, 3);
	for (size_t i = 0; i < c.vhosts[0].nlocations; i++) {
		const struct conf_location *l = &c.vhosts[0].locations[i];
		/* /raw/ turns it off; /static/ and /other/ inherit the vhost's (on). */
		ck_assert_msg(l->set.precompressed == (strcmp(l->path, "/raw/") != 0), "%s", l->path);
	}
	conf_free(&c);
}
END_TEST

/* ---- autoindex (issue 10: a per-path key, conf_pathset) ------------------ */

static const struct autoindex_case {
	int src_line;
	const char *what;
	const char *text;
	bool top, vhost;             /* c.site.set.autoindex, c.vhosts[0].set.autoindex */
	int loc;                     /* c.vhosts[0].locations[0].set.autoindex; -1: no location */
} autoindex_cases[] = {
	{ __LINE__, "off by default", "vhosts = ( { server_name = \"a\"; } );\n", false, false, -1 },
	{ __LINE__, "top level on, the vhost inherits it",
	  "autoindex = true;\nvhosts = ( { server_name = \"a\"; } );\n", true, true, -1 },
	{ __LINE__, "on in the vhost only",
	  "vhosts = ( { server_name = \"a\"; autoindex = true; } );\n", false, true, -1 },
	{ __LINE__, "top level on, the vhost turns it off",
	  "autoindex = true;\nvhosts = ( { server_name = \"a\"; autoindex = false; } );\n",
	  true, false, -1 },
	{ __LINE__, "on in a vhost's location only",
	  "vhosts = ( { server_name = \"a\"; locations = ( { path = \"/files/\"; autoindex = true; } ); } );\n",
	  false, false, 1 },
	{ __LINE__, "a location inherits the vhost's on",
	  "vhosts = ( { server_name = \"a\"; autoindex = true; locations = ( { path = \"/x/\"; } ); } );\n",
	  false, true, 1 },
	{ __LINE__, "a location inherits the top level's on through the vhost",
	  "autoindex = true;\nvhosts = ( { server_name = \"a\"; locations = ( { path = \"/x/\"; } ); } );\n",
	  true, true, 1 },
	{ __LINE__, "a location turns the site's on off",
	  "autoindex = true;\nvhosts = ( { server_name = \"a\";\n"
	  "  locations = ( { path = \"/x/\"; autoindex = false; } ); } );\n", true, true, 0 },
};

START_TEST(test_autoindex)
{
	const struct autoindex_case *k = &autoindex_cases[_i];
	struct conf c;

	load_ok("autoindex.conf", k->text, &c);
	ck_assert_uint_eq(c.nvhosts, 1);
	ck_assert_msg(c.site.set.autoindex == k->top && c.vhosts[0].set.autoindex == k->vhost,
		      "line %d (%s): top %d vhost %d", k->src_line, k->what,
		      c.site.set.autoindex, c.vhosts[0].set.autoindex);
	if (k->loc >= 0) {
		ck_assert_uint_ge(c.vhosts[0].nlocations, 1);
		ck_assert_msg(c.vhosts[0].locations[0].set.autoindex == (k->loc == 1),
			      "line %d (%s): location %d", k->src_line, k->what,
			      c.vhosts[0].locations[0].set.autoindex);
	}
	conf_free(&c);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

struct err_case {
	int src_line;
	const char *what;
	const char *file;            /* relative to tmpdir; NULL = "err.conf" */
	const char *text;
	int line;                    /* expected line; 0 = "FILE: message" */
	const char *msg;             /* "%s" (if any) stands for tmpdir */
};

#define LISTEN_FORMS "(expected \"IPv4:port\", \"[IPv6]:port\", \"*:port\" " \
		     "or \"port\", port 1..65535)"

static const struct err_case err_cases[] = {
	/* syntax */
	{ __LINE__, "syntax error", NULL,
	  "server_name = \"a\";\nlisten = [ \"*:80\" ;\n", 2, "syntax error" },
	{ __LINE__, "duplicate key is a syntax error", NULL,
	  "workers = {\n  start = 4;\n  start = 5;\n};\n", 3,
	  "start: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "duplicate top-level key names it", NULL,
	  "listen = [ \"*:80\" ];\nlisten = [ \"*:81\" ];\n", 2,
	  "listen: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "duplicate among several keys on one line", NULL,
	  "workers = { start = 4; max = 8; start = 5; };\n", 1,
	  "start: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "duplicate: names in comments and strings do not count", NULL,
	  "# listen = 1\nserver_name = \"listen = x\";\n/* index = 2 */ index = [ ];\n"
	  "listen = [ ]; server_name = \"b\";\n", 4,
	  "server_name: duplicate setting (a key may be set only once in its group)" },
	/* operations keys */
	{ __LINE__, "log_level not a level", NULL,
	  "\nlog_level = \"verbose\";\n", 2,
	  "log_level: 'verbose' is not one of error, warn, notice, info, debug" },
	{ __LINE__, "log_level is case-sensitive", NULL,
	  "log_level = \"WARN\";\n", 1,
	  "log_level: 'WARN' is not one of error, warn, notice, info, debug" },
	{ __LINE__, "log_level a number", NULL,
	  "log_level = 3;\n", 1, "log_level: must be a string" },
	/* access_log_format (logfmt.h): compiled at load, so every bad format is FILE:LINE */
	{ __LINE__, "access_log_format: unknown directive", NULL,
	  "\naccess_log_format = \"%h %Z\";\n", 2, "access_log_format: unknown directive '%%Z'" },
	{ __LINE__, "access_log_format: %O is not counted", NULL,
	  "access_log_format = \"%h %O\";\n", 1,
	  "access_log_format: '%%O' is not supported by pfhttpd (pfhttpd.conf(5) lists the "
	  "directives; for %%O use %%b)" },
	{ __LINE__, "access_log_format: a newline (libconfig's \\n) splits a line", NULL,
	  "access_log_format = \"%h\\n%u\";\n", 1,
	  "access_log_format: a line break in the format: one request is one line" },
	{ __LINE__, "access_log_format: empty", NULL,
	  "access_log_format = \"\";\n", 1, "access_log_format: must not be empty" },
	{ __LINE__, "access_log_format: not a string", NULL,
	  "access_log_format = 1;\n", 1, "access_log_format: must be a string" },
	{ __LINE__, "access_log_format: a misspelt preset is not logged as text", NULL,
	  "access_log_format = \"combinded\";\n", 1,
	  "access_log_format: neither a preset (combined, common, vhost_combined) nor a format "
	  "with a directive" },
	{ __LINE__, "access_log_format: a lone % at the end", NULL,
	  "access_log_format = \"%h %\";\n", 1,
	  "access_log_format: '%%' at the end of the format has no directive (a percent sign is %%%%)" },
	{ __LINE__, "access_log_format: a vhost's own is checked and named", NULL,
	  "vhosts = ( { server_name = \"a.example\";\n"
	  "  access_log_format = \"%{Referer\"; } );\n", 2,
	  "vhosts[0].access_log_format: '%%{Referer' without a closing '}'" },
	{ __LINE__, "allow_root a string", NULL,
	  "\n\nallow_root = \"yes\";\n", 3, "allow_root: must be true or false" },
	{ __LINE__, "autoindex a string", NULL,
	  "\nautoindex = \"on\";\n", 2, "autoindex: must be true or false" },
	{ __LINE__, "autoindex a number", NULL,
	  "autoindex = 1;\n", 1, "autoindex: must be true or false" },
	{ __LINE__, "autoindex a list", NULL,
	  "autoindex = [ true ];\n", 1, "autoindex: must be true or false" },
	{ __LINE__, "autoindex in a location a string", NULL,
	  "locations = ( { path = \"/files/\";\n  autoindex = \"yes\"; } );\n", 2,
	  "locations[0].autoindex: must be true or false" },
	{ __LINE__, "autoindex in a vhost a string", NULL,
	  "vhosts = ( { server_name = \"a\";\n  autoindex = \"yes\"; } );\n", 2,
	  "vhosts[0].autoindex: must be true or false" },
	{ __LINE__, "keeper_user empty", NULL,
	  "keeper_user = \"\";\n", 1, "keeper_user: must not be empty" },
	{ __LINE__, "timeouts.graceful 0", NULL,
	  "timeouts = {\n  graceful = 0;\n};\n", 2,
	  "timeouts.graceful: must be between 1 and 86400" },
	{ __LINE__, "timeouts.graceful above a day", NULL,
	  "timeouts = { graceful = 86401; };\n", 1,
	  "timeouts.graceful: must be between 1 and 86400" },
	/* unknown keys at every level */
	{ __LINE__, "unknown top-level key", NULL,
	  "server_name = \"a\";\n\nlistne = [ \"*:80\" ];\n", 3, "listne: unknown key" },
	{ __LINE__, "unknown workers key", NULL,
	  "workers = {\n  start = 4;\n  strat = 5;\n};\n", 3, "workers.strat: unknown key" },
	{ __LINE__, "unknown timeouts key", NULL,
	  "timeouts = { idle = 5; };\n", 1, "timeouts.idle: unknown key" },
	{ __LINE__, "unknown limits key", NULL,
	  "\nlimits = {\n  body = 5; uri = 4; };\n", 3, "limits.uri: unknown key" },
	{ __LINE__, "unknown cgi key", NULL,
	  "cgi = {\n  alias = \"/cgi-bin/\";\n  dir = \"cgi-bin\";\n};\n", 3,
	  "cgi.dir: unknown key" },
	{ __LINE__, "unknown cgi.limits key", NULL,
	  "cgi = {\n  limits = {\n    cpu = 1;\n    rss = 2;\n  };\n};\n", 4,
	  "cgi.limits.rss: unknown key" },
	{ __LINE__, "unknown error_pages entry key", NULL,
	  "error_pages = (\n  { status = 404; path = \"/e.html\"; },\n"
	  "  { status = 500;\n    file = \"/x\"; }\n);\n", 4,
	  "error_pages[1].file: unknown key" },
	{ __LINE__, "unknown handler entry key", NULL,
	  "cgi = {\n  handlers = (\n    { extension = \".php\";\n"
	  "      interp = \"/usr/bin/php-cgi\"; }\n  );\n};\n", 4,
	  "cgi.handlers[0].interp: unknown key" },
	/* wrong types */
	{ __LINE__, "float for an int", NULL,
	  "workers = {\n  start = 1.5;\n};\n", 2, "workers.start: must be an integer" },
	{ __LINE__, "string for an int", NULL,
	  "workers = { start = \"8\"; };\n", 1, "workers.start: must be an integer" },
	{ __LINE__, "bool for an int", NULL,
	  "timeouts = {\n\n  header = true;\n};\n", 3, "timeouts.header: must be an integer" },
	{ __LINE__, "float with exponent for limits.body", NULL,
	  "limits = { body = 1.0e6; };\n", 1, "limits.body: must be an integer" },
	{ __LINE__, "int for a string", NULL,
	  "server_name = 5;\n", 1, "server_name: must be a string" },
	{ __LINE__, "empty string", NULL,
	  "server_name = \"\";\n", 1, "server_name: must not be empty" },
	{ __LINE__, "int for a bool", NULL,
	  "cgi = {\n  pass_authorization = 1;\n};\n", 2,
	  "cgi.pass_authorization: must be true or false" },
	{ __LINE__, "scalar for a group", NULL,
	  "workers = 5;\n", 1, "workers: must be a group" },
	{ __LINE__, "scalar for the cgi group", NULL,
	  "cgi = \"on\";\n", 1, "cgi: must be a group" },
	{ __LINE__, "string for listen", NULL,
	  "listen = \"*:80\";\n", 1, "listen: must be a list of strings" },
	{ __LINE__, "int in listen", NULL,
	  "listen = [ 80 ];\n", 1, "listen: entries must be strings" },
	{ __LINE__, "string for index", NULL,
	  "index = \"index.html\";\n", 1, "index: must be a list of strings" },
	{ __LINE__, "group for error_pages", NULL,
	  "error_pages = { status = 404; };\n", 1, "error_pages: must be a list of groups" },
	{ __LINE__, "string in error_pages", NULL,
	  "error_pages = ( \"x\" );\n", 1, "error_pages: entries must be groups { ... }" },
	{ __LINE__, "string for an error page status", NULL,
	  "error_pages = ( { status = \"404\"; path = \"/a\"; } );\n", 1,
	  "error_pages[0].status: must be an integer" },
	/* out of range */
	{ __LINE__, "workers.start 0", NULL,
	  "workers = { start = 0; };\n", 1, "workers.start: must be between 1 and 4096" },
	{ __LINE__, "workers.max 5000", NULL,
	  "workers = {\n  max = 5000;\n};\n", 2, "workers.max: must be between 1 and 4096" },
	{ __LINE__, "workers.max_requests negative", NULL,
	  "workers = { max_requests = -1; };\n", 1,
	  "workers.max_requests: must be between 0 and 2147483647" },
	{ __LINE__, "timeouts.header 0", NULL,
	  "timeouts = {\n  header = 0;\n};\n", 2, "timeouts.header: must be between 1 and 86400" },
	{ __LINE__, "timeouts.keepalive negative", NULL,
	  "timeouts = { keepalive = -1; };\n", 1,
	  "timeouts.keepalive: must be between 0 and 86400" },
	{ __LINE__, "timeouts.cgi above a day", NULL,
	  "timeouts = { cgi = 86401; };\n", 1, "timeouts.cgi: must be between 1 and 86400" },
	{ __LINE__, "limits.request_line too small", NULL,
	  "limits = {\n  request_line = 100;\n};\n", 2,
	  "limits.request_line: must be between 256 and 1048576" },
	{ __LINE__, "limits.header_bytes too large", NULL,
	  "limits = { header_bytes = 16777217; };\n", 1,
	  "limits.header_bytes: must be between 1024 and 16777216" },
	{ __LINE__, "limits.headers 0", NULL,
	  "limits = { headers = 0; };\n", 1, "limits.headers: must be between 1 and 10000" },
	{ __LINE__, "limits.body above 1 TiB", NULL,
	  "limits = {\n  body = 1099511627777L;\n};\n", 2,
	  "limits.body: must be between 0 and 1099511627776" },
	{ __LINE__, "limits.min_send_rate negative", NULL,
	  "limits = {\n  min_send_rate = -1;\n};\n", 2,
	  "limits.min_send_rate: must be between 0 and 1073741824" },
	{ __LINE__, "limits.min_send_rate above 1 GiB/s", NULL,
	  "limits = { min_send_rate = 1073741825; };\n", 1,
	  "limits.min_send_rate: must be between 0 and 1073741824" },
	{ __LINE__, "limits.min_body_rate above 1 GiB/s", NULL,
	  "\nlimits = { min_body_rate = 2000000000; };\n", 2,
	  "limits.min_body_rate: must be between 0 and 1073741824" },
	{ __LINE__, "limits.min_body_rate a string", NULL,
	  "limits = { min_body_rate = \"fast\"; };\n", 1,
	  "limits.min_body_rate: must be an integer" },
	{ __LINE__, "limits.connections_per_ip negative", NULL,
	  "limits = { connections_per_ip = -3; };\n", 1,
	  "limits.connections_per_ip: must be between 0 and 1000000" },
	{ __LINE__, "limits.connections_per_ip above a million", NULL,
	  "limits = {\n\n  connections_per_ip = 1000001;\n};\n", 3,
	  "limits.connections_per_ip: must be between 0 and 1000000" },
	{ __LINE__, "cgi.limits.memory negative", NULL,
	  "cgi = { limits = { memory = -1; }; };\n", 1, "cgi.limits.memory: must be 0 or more" },
	{ __LINE__, "plain literal above 32 bits", NULL,
	  "\nlimits = { body = 5000000000; };\n", 2,
	  "body: integer 5000000000 does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "hex literal above 32 bits", NULL,
	  "workers = { start = 0x100000001; };\n", 1,
	  "start: integer 0x100000001 does not fit in 32 bits; write it as 0x100000001L" },
	{ __LINE__, "decimal literal past 64 bits (strtoull ERANGE)", NULL,
	  "workers = { start = 99999999999999999999; };\n", 1,
	  "start: integer 99999999999999999999 does not fit in 32 bits; write it as 99999999999999999999L" },
	{ __LINE__, "upper-case hex literal above 32 bits", NULL,
	  "workers = { start = 0X100000000; };\n", 1,
	  "start: integer 0X100000000 does not fit in 32 bits; write it as 0X100000000L" },
	{ __LINE__, "a float with an upper-case exponent is not scanned as an integer", NULL,
	  "workers = {\n  start = 1E10;\n};\n", 2, "workers.start: must be an integer" },
	{ __LINE__, "':' also names a setting for the scan's messages", NULL,
	  "limits : { body : 5000000000; };\n", 1,
	  "body: integer 5000000000 does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "a setting name longer than the scan keeps is cut", NULL,
	  "a234567890123456789012345678901234567890123456789012345678901234567890 = 5000000000;\n", 1,
	  "a23456789012345678901234567890123456789012345678901234567890123: integer 5000000000 "
	  "does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "numbers inside a block comment with a lone '*' are skipped", NULL,
	  "/* 2 * 5000000000\n   still 6000000000 */\nlimits = { body = 7000000000; };\n", 3,
	  "body: integer 7000000000 does not fit in 32 bits; write it as 7000000000L" },
	{ __LINE__, "an escaped quote does not end a string for the scan", NULL,
	  "server_name = \"a\\\" 5000000000\";\nlimits = { body = 6000000000; };\n", 2,
	  "body: integer 6000000000 does not fit in 32 bits; write it as 6000000000L" },
	{ __LINE__, "a float with a lowercase exponent is no 32-bit overflow", NULL,
	  "workers = { start = 5000000000e0; };\n", 1, "workers.start: must be an integer" },
	{ __LINE__, "an overflow before any setting name has no prefix", NULL,
	  "5000000000;\n", 1,
	  "integer 5000000000 does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "a // comment hides its numbers", NULL,
	  "// start = 5000000000\nlog_level = \"verbose\";\n", 2,
	  "log_level: 'verbose' is not one of error, warn, notice, info, debug" },
	{ __LINE__, "a lone slash starts no comment", NULL,
	  "x = 1 / 5000000000;\n", 1,
	  "x: integer 5000000000 does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "a name may start with '*' (libconfig's grammar)", NULL,
	  "*x = 5000000000;\n", 1,
	  "*x: integer 5000000000 does not fit in 32 bits; write it as 5000000000L" },
	{ __LINE__, "a backslash ending the file inside a string", NULL,
	  "server_name = \"a\\", 1, "syntax error" },
	{ __LINE__, "duplicate: the first one on the line is named", NULL,
	  "workers = { start = 4; max = 8; start = 5; max = 9; };\n", 1,
	  "start: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "duplicate whose name is apart from its '=': libconfig's words", NULL,
	  "workers = { start\n = 4; start\n = 5; };\n", 2, "duplicate setting name" },
	{ __LINE__, "error page path not a string", NULL,
	  "error_pages = ( { status = 404; path = 5; } );\n", 1,
	  "error_pages[0].path: must be a string" },
	{ __LINE__, "handler interpreter not a string", NULL,
	  "cgi = { handlers = ( { extension = \".php\"; interpreter = 5; } ); };\n", 1,
	  "cgi.handlers[0].interpreter: must be a string" },
	{ __LINE__, "unknown handler key", NULL,
	  "cgi = { handlers = ( { extension = \".php\"; foo = 1; } ); };\n", 1,
	  "cgi.handlers[0].foo: unknown key" },
	/* relations between keys */
	{ __LINE__, "header_bytes < request_line", NULL,
	  "limits = {\n  request_line = 8192;\n  header_bytes = 4096;\n};\n", 3,
	  "limits.header_bytes: 4096 must not be less than limits.request_line (8192)" },
	{ __LINE__, "request_line above the default header_bytes", NULL,
	  "limits = {\n  request_line = 32768;\n};\n", 2,
	  "limits.header_bytes: 16384 must not be less than limits.request_line (32768)" },
	{ __LINE__, "min_spare > max_spare", NULL,
	  "workers = {\n  min_spare = 10;\n  max_spare = 5;\n};\n", 2,
	  "workers.min_spare: 10 must not be greater than workers.max_spare (5)" },
	{ __LINE__, "start > max", NULL,
	  "workers = {\n  max = 4;\n  start = 8;\n};\n", 3,
	  "workers.start: 8 must not be greater than workers.max (4)" },
	{ __LINE__, "default start > max", NULL,
	  "workers = {\n  max = 4;\n};\n", 2,
	  "workers.start: 8 must not be greater than workers.max (4)" },
	{ __LINE__, "max_spare > default max", NULL,
	  "workers = { max_spare = 200; };\n", 1,
	  "workers.max_spare: 200 must not be greater than workers.max (150)" },
	/* listen */
	{ __LINE__, "listen hostname", NULL,
	  "listen = [ \"localhost:80\" ];\n", 1,
	  "listen: 'localhost:80' is malformed " LISTEN_FORMS },
	{ __LINE__, "listen port 0 on the second line", NULL,
	  "listen = [ \"*:80\",\n  \"*:0\" ];\n", 2,
	  "listen: '*:0' is malformed " LISTEN_FORMS },
	{ __LINE__, "listen IPv6 without port", NULL,
	  "listen = [ \"[::1]\" ];\n", 1, "listen: '[::1]' is malformed " LISTEN_FORMS },
	{ __LINE__, "listen port 65536", NULL,
	  "listen = [ \"0.0.0.0:65536\" ];\n", 1,
	  "listen: '0.0.0.0:65536' is malformed " LISTEN_FORMS },
	{ __LINE__, "listen empty list", NULL,
	  "listen = [ ];\n", 1, "listen: must not be empty" },
	{ __LINE__, "duplicate listen via *", NULL,
	  "listen = [\n  \"*:8080\",\n  \"0.0.0.0:8080\" ];\n", 3,
	  "listen: duplicate address '0.0.0.0:8080'" },
	{ __LINE__, "duplicate IPv6 listen spelled differently", NULL,
	  "listen = [ \"[::]:80\", \"[0::0]:80\" ];\n", 1, "listen: duplicate address '[0::0]:80'" },
	/* index */
	{ __LINE__, "index with a slash", NULL,
	  "index = [ \"a/index.html\" ];\n", 1,
	  "index: 'a/index.html' must be a file name without '/'" },
	{ __LINE__, "index dot-dot", NULL,
	  "index = [ \"..\" ];\n", 1, "index: '..' must be a file name without '/'" },
	{ __LINE__, "index dot", NULL,
	  "index = [ \"a.html\",\n  \".\" ];\n", 2, "index: '.' must be a file name without '/'" },
	{ __LINE__, "index empty name", NULL,
	  "index = [ \"\" ];\n", 1, "index: '' must be a file name without '/'" },
	{ __LINE__, "index entries not strings", NULL,
	  "\nindex = [ 1, 2 ];\n", 2, "index: entries must be strings" },
	/* error_pages */
	{ __LINE__, "error page status 399", NULL,
	  "error_pages = (\n  { status = 399; path = \"/e.html\"; }\n);\n", 2,
	  "error_pages[0].status: must be between 400 and 599" },
	{ __LINE__, "error page status 600", NULL,
	  "error_pages = ( { status = 600; path = \"/e.html\"; } );\n", 1,
	  "error_pages[0].status: must be between 400 and 599" },
	{ __LINE__, "error page path without slash", NULL,
	  "error_pages = (\n  { status = 404;\n    path = \"e.html\"; }\n);\n", 3,
	  "error_pages[0].path: must start with '/'" },
	{ __LINE__, "error page duplicate status", NULL,
	  "error_pages = (\n  { status = 404; path = \"/a.html\"; },\n"
	  "  { status = 404; path = \"/b.html\"; }\n);\n", 3,
	  "error_pages[1].status: duplicate error page for status 404" },
	{ __LINE__, "error page without path", NULL,
	  "error_pages = (\n  { status = 404; }\n);\n", 2, "error_pages[0].path: required but not set" },
	{ __LINE__, "error page without status", NULL,
	  "error_pages = (\n  { path = \"/a.html\"; }\n);\n", 2,
	  "error_pages[0].status: required but not set" },
	/* cgi */
	{ __LINE__, "cgi alias without trailing slash", NULL,
	  "cgi = {\n  alias = \"/cgi-bin\";\n};\n", 2, "cgi.alias: must start and end with '/'" },
	{ __LINE__, "cgi alias without leading slash", NULL,
	  "cgi = {\n  alias = \"cgi-bin/\";\n};\n", 2, "cgi.alias: must start and end with '/'" },
	{ __LINE__, "cgi handler extension without dot", NULL,
	  "cgi = {\n  handlers = (\n"
	  "    { extension = \"php\"; interpreter = \"/usr/bin/php-cgi\"; }\n  );\n};\n", 3,
	  "cgi.handlers[0].extension: must start with '.', e.g. \".php\"" },
	{ __LINE__, "cgi handler relative interpreter", NULL,
	  "cgi = {\n  handlers = (\n"
	  "    { extension = \".php\";\n      interpreter = \"php-cgi\"; }\n  );\n};\n", 4,
	  "cgi.handlers[0].interpreter: must be an absolute path" },
	{ __LINE__, "cgi handler duplicate extension", NULL,
	  "cgi = { handlers = (\n  { extension = \".php\"; interpreter = \"/a\"; },\n"
	  "  { extension = \".php\"; interpreter = \"/b\"; } ); };\n", 3,
	  "cgi.handlers[1].extension: duplicate handler for '.php'" },
	{ __LINE__, "cgi handler without extension", NULL,
	  "cgi = { handlers = (\n  { interpreter = \"/a\"; }\n); };\n", 2,
	  "cgi.handlers[0].extension: required but not set" },
	{ __LINE__, "cgi handler extension only a dot", NULL,
	  "cgi = { handlers = (\n  { extension = \".\"; interpreter = \"/a\"; }\n); };\n", 2,
	  "cgi.handlers[0].extension: must start with '.', e.g. \".php\"" },
	{ __LINE__, "cgi handler extension with a slash", NULL,
	  "cgi = { handlers = (\n  { extension = \".a/b\"; interpreter = \"/a\"; }\n); };\n", 2,
	  "cgi.handlers[0].extension: must start with '.', e.g. \".php\"" },
	{ __LINE__, "cgi handler without interpreter", NULL,
	  "cgi = { handlers = (\n  { extension = \".php\"; }\n); };\n", 2,
	  "cgi.handlers[0].interpreter: required but not set" },
	{ __LINE__, "server_root missing: the first path below it says so", NULL,
	  "\nserver_root = \"nope\";\n", 0,
	  "document_root: '%s/nope/htdocs': No such file or directory" },
	{ __LINE__, "cgi directory missing", NULL,
	  "cgi = {\n  directory = \"nope\";\n};\n", 2,
	  "cgi.directory: '%s/nope': No such file or directory" },
	{ __LINE__, "cgi directory is a file", NULL,
	  "cgi = {\n  directory = \"afile\";\n};\n", 2,
	  "cgi.directory: '%s/afile': Not a directory" },
	/* document_root */
	{ __LINE__, "document_root missing", NULL,
	  "\n\n\ndocument_root = \"nope\";\n", 4,
	  "document_root: '%s/nope': No such file or directory" },
	{ __LINE__, "document_root is a file", NULL,
	  "document_root = \"afile\";\n", 1, "document_root: '%s/afile': Not a directory" },
	{ __LINE__, "absolute document_root missing", NULL,
	  "document_root = \"/nonexistent-pfhttpd-root\";\n", 1,
	  "document_root: '/nonexistent-pfhttpd-root': No such file or directory" },
	{ __LINE__, "default document_root missing has no line", "etc/noroot.conf",
	  "server_name = \"x\";\n", 0,
	  "document_root: '%s/etc/htdocs': No such file or directory" },
	/* status */
	{ __LINE__, "status allow host name", NULL,
	  "status = {\n  allow = [ \"127.0.0.1\",\n    \"localhost\" ];\n};\n", 3,
	  "status.allow: 'localhost' is not an IP address or prefix" },
	{ __LINE__, "status allow prefix too long", NULL,
	  "status = { allow = [ \"10.0.0.0/33\" ]; };\n", 1,
	  "status.allow: '10.0.0.0/33' is not an IP address or prefix" },
	{ __LINE__, "status allow int entry", NULL,
	  "status = { allow = [ 127 ]; };\n", 1, "status.allow: entries must be strings" },
	{ __LINE__, "status allow a string", NULL,
	  "status = {\n  allow = \"127.0.0.1\";\n};\n", 2,
	  "status.allow: must be a list of strings" },
	{ __LINE__, "status allow empty", NULL,
	  "status = {\n  allow = [ ];\n};\n", 2,
	  "status.allow: must not be empty (remove the status group to turn the page off)" },
	{ __LINE__, "status path relative", NULL,
	  "status = {\n  path = \"server-status\";\n};\n", 2,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with dot-dot", NULL,
	  "status = { path = \"/a/../status\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with a query", NULL,
	  "status = { path = \"/status?x\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with a double slash", NULL,
	  "status = { path = \"//status\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with a control character", NULL,
	  "status = { path = \"/a\\tb\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with a DEL or non-ASCII byte", NULL,
	  "status = { path = \"/st\\x7fatus\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path with a percent", NULL,
	  "status = { path = \"/st%41tus\"; };\n", 1,
	  "status.path: must be a normalised URL path starting with '/', e.g. \"/server-status\"" },
	{ __LINE__, "status path empty", NULL,
	  "status = { path = \"\"; };\n", 1, "status.path: must not be empty" },
	{ __LINE__, "unknown status key", NULL,
	  "status = {\n  enable = true;\n};\n", 2, "status.enable: unknown key" },
	{ __LINE__, "scalar for the status group", NULL,
	  "status = true;\n", 1, "status: must be a group" },
	{ __LINE__, "default cgi directory missing blames the cgi group", "etc/nocgi.conf",
	  "document_root = \"../htdocs\";\n\ncgi = { };\n", 3,
	  "cgi.directory: '%s/etc/cgi-bin': No such file or directory" },	/* vhosts */
	{ __LINE__, "vhosts a group", NULL,
	  "vhosts = { server_name = \"a\"; };\n", 1, "vhosts: must be a list of groups" },
	{ __LINE__, "vhosts entry a string", NULL,
	  "vhosts = ( \"a\" );\n", 1, "vhosts: entries must be groups { ... }" },
	{ __LINE__, "vhost without server_name", NULL,
	  "vhosts = (\n  { server_name = \"a\"; },\n  { index = [ ]; }\n);\n", 3,
	  "vhosts[1].server_name: required but not set" },
	{ __LINE__, "vhost server_name not a host name", NULL,
	  "vhosts = (\n  { server_name = \"a..b\"; }\n);\n", 2,
	  "vhosts[0].server_name: 'a..b' is not a host name (letters, digits, '-' and '.'), "
	  "an IPv4 address or an IPv6 address in brackets" },
	{ __LINE__, "vhost server_name empty", NULL,
	  "vhosts = ( { server_name = \"\"; } );\n", 1, "vhosts[0].server_name: must not be empty" },
	{ __LINE__, "vhost alias with two wildcards", NULL,
	  "vhosts = ( { server_name = \"a\";\n  aliases = [ \"b\", \"*.*.example\" ]; } );\n", 2,
	  "vhosts[0].aliases: '*.*.example' is not a host name, an IP address or a "
	  "\"*.domain\" wildcard" },
	{ __LINE__, "vhost alias with a wildcard inside", NULL,
	  "vhosts = ( { server_name = \"a\"; aliases = [ \"www.*.example\" ]; } );\n", 1,
	  "vhosts[0].aliases: 'www.*.example' is not a host name, an IP address or a "
	  "\"*.domain\" wildcard" },
	{ __LINE__, "vhost alias a bare star", NULL,
	  "vhosts = ( { server_name = \"a\"; aliases = [ \"*\" ]; } );\n", 1,
	  "vhosts[0].aliases: '*' is not a host name, an IP address or a \"*.domain\" wildcard" },
	{ __LINE__, "vhost alias \"*.\" alone", NULL,
	  "vhosts = ( { server_name = \"a\"; aliases = [ \"*.\" ]; } );\n", 1,
	  "vhosts[0].aliases: '*.' is not a host name, an IP address or a \"*.domain\" wildcard" },
	{ __LINE__, "vhost aliases a string", NULL,
	  "vhosts = ( { server_name = \"a\"; aliases = \"b\"; } );\n", 1,
	  "vhosts[0].aliases: must be a list of strings" },
	{ __LINE__, "vhost default a string", NULL,
	  "vhosts = ( { server_name = \"a\"; default = \"yes\"; } );\n", 1,
	  "vhosts[0].default: must be true or false" },
	{ __LINE__, "two vhosts with one server_name, in other cases", NULL,
	  "vhosts = (\n  { server_name = \"example.com\"; },\n"
	  "  { server_name = \"EXAMPLE.com.\"; }\n);\n", 3,
	  "vhosts[1].server_name: 'example.com' is already claimed by vhosts[0] (line 2)" },
	{ __LINE__, "an alias claiming an earlier vhost's alias", NULL,
	  "vhosts = (\n  { server_name = \"a\";\n    aliases = [ \"x\", \"*.w\" ]; },\n"
	  "  { server_name = \"b\";\n    aliases = [\n      \"*.W\" ]; }\n);\n", 6,
	  "vhosts[1].aliases: '*.w' is already claimed by vhosts[0] (line 3)" },
	{ __LINE__, "a server_name claiming an earlier vhost's alias", NULL,
	  "vhosts = (\n  { server_name = \"a\";\n    aliases = [ \"b\" ]; },\n"
	  "  { server_name = \"b\"; }\n);\n", 4,
	  "vhosts[1].server_name: 'b' is already claimed by vhosts[0] (line 3)" },
	{ __LINE__, "an alias repeating its own server_name", NULL,
	  "vhosts = (\n  { server_name = \"a\";\n    aliases = [ \"A\" ]; }\n);\n", 3,
	  "vhosts[0].aliases: 'a' is already claimed by vhosts[0] (line 2)" },
	{ __LINE__, "two defaults", NULL,
	  "vhosts = (\n  { server_name = \"a\"; default = true; },\n"
	  "  { server_name = \"b\"; default = false; },\n"
	  "  { server_name = \"c\";\n    default = true; }\n);\n", 5,
	  "vhosts[2].default: only one vhost may be the default; vhosts[0] (line 2) already is" },
	{ __LINE__, "unknown key in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\";\n  docroot = \"x\"; } );\n", 2,
	  "vhosts[0].docroot: unknown key" },
	{ __LINE__, "unknown key in a vhost's cgi", NULL,
	  "vhosts = ( { server_name = \"a\";\n  cgi = { dir = \"x\"; }; } );\n", 2,
	  "vhosts[0].cgi.dir: unknown key" },
	{ __LINE__, "workers in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\";\n  workers = { max = 4; }; } );\n", 2,
	  "vhosts[0].workers: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "listen in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; listen = [ \"*:81\" ]; } );\n", 1,
	  "vhosts[0].listen: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "user in a vhost", NULL,
	  "vhosts = ( { user = \"www-data\"; server_name = \"a\"; } );\n", 1,
	  "vhosts[0].user: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "timeouts in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; timeouts = { header = 5; }; } );\n", 1,
	  "vhosts[0].timeouts: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "limits in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; limits = { body = 5; }; } );\n", 1,
	  "vhosts[0].limits: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "pid_file in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; pid_file = \"p\"; } );\n", 1,
	  "vhosts[0].pid_file: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "userdir in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; userdir = { }; } );\n", 1,
	  "vhosts[0].userdir: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "proxy_protocol in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; proxy_protocol = { }; } );\n", 1,
	  "vhosts[0].proxy_protocol: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "suexec in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; suexec = \"/x\"; } );\n", 1,
	  "vhosts[0].suexec: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "vhosts in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; vhosts = ( ); } );\n", 1,
	  "vhosts[0].vhosts: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "server_root in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; server_root = \"/\"; } );\n", 1,
	  "vhosts[0].server_root: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "log_level in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; log_level = \"info\"; } );\n", 1,
	  "vhosts[0].log_level: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "aliases at the top level", NULL,
	  "\naliases = [ \"a\" ];\n", 2, "aliases: allowed only inside a vhost" },
	{ __LINE__, "default at the top level", NULL,
	  "default = true;\n", 1, "default: allowed only inside a vhost" },
	{ __LINE__, "vhost document_root missing names the vhost", NULL,
	  "vhosts = (\n  { server_name = \"example.com\";\n    document_root = \"nope\"; }\n);\n", 3,
	  "vhost 'example.com': document_root: '%s/nope': No such file or directory" },
	{ __LINE__, "vhost document_root a file", NULL,
	  "vhosts = ( { server_name = \"a\"; document_root = \"afile\"; } );\n", 1,
	  "vhost 'a': document_root: '%s/afile': Not a directory" },
	{ __LINE__, "vhost cgi directory missing", NULL,
	  "vhosts = ( { server_name = \"a.example\";\n  cgi = {\n    directory = \"nope\"; }; } );\n", 3,
	  "vhost 'a.example': cgi.directory: '%s/nope': No such file or directory" },
	{ __LINE__, "vhost cgi directory missing after its error_pages: still named", NULL,
	  "vhosts = ( { server_name = \"b.example\";\n"
	  "  error_pages = ( { status = 404; path = \"/e.html\"; } );\n"
	  "  cgi = { directory = \"nope\"; }; } );\n", 3,
	  "vhost 'b.example': cgi.directory: '%s/nope': No such file or directory" },
	{ __LINE__, "vhost cgi group with the top's default directory missing", "etc/vcgi.conf",
	  "document_root = \"../htdocs\";\nvhosts = ( { server_name = \"a\";\n  cgi = { }; } );\n", 3,
	  "vhost 'a': cgi.directory: '%s/etc/cgi-bin': No such file or directory" },
	{ __LINE__, "vhost cgi alias bad", NULL,
	  "vhosts = ( { server_name = \"a\";\n  cgi = { alias = \"x\"; }; } );\n", 2,
	  "vhosts[0].cgi.alias: must start and end with '/'" },
	{ __LINE__, "vhost status path bad", NULL,
	  "vhosts = ( { server_name = \"a\";\n  status = { path = \"s\"; }; } );\n", 2,
	  "vhosts[0].status.path: must be a normalised URL path starting with '/', "
	  "e.g. \"/server-status\"" },
	{ __LINE__, "vhost error page duplicate status", NULL,
	  "vhosts = ( { server_name = \"a\"; error_pages = (\n  { status = 404; path = \"/a\"; },\n"
	  "  { status = 404; path = \"/b\"; } ); } );\n", 3,
	  "vhosts[0].error_pages[1].status: duplicate error page for status 404" },
	{ __LINE__, "duplicate key in the second vhost, names repeated across vhosts", NULL,
	  "vhosts = ( { server_name = \"a\"; index = [ ]; },\n"
	  "  { server_name = \"b\"; index = [ ]; index = [ ]; } );\n", 2,
	  "index: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "duplicate key after a group that had it", NULL,
	  "timeouts = { body = 5; };\nlimits = { headers = 5; body = 6; body = 7; };\n", 2,
	  "body: duplicate setting (a key may be set only once in its group)" },
	/* cgi identity */
	{ __LINE__, "cgi.group without cgi.user", NULL,
	  "cgi = {\n  group = \"www\";\n};\n", 2,
	  "cgi.group: needs cgi.user in the same group (the scripts' group belongs to their user)" },
	{ __LINE__, "vhost cgi.group without cgi.user, even with the top's user", NULL,
	  "cgi = { user = \"a\"; };\nvhosts = ( { server_name = \"a\";\n  cgi = { group = \"g\"; }; } );\n", 3,
	  "vhosts[0].cgi.group: needs vhosts[0].cgi.user in the same group (the scripts' group "
	  "belongs to their user)" },
	{ __LINE__, "cgi.user empty", NULL,
	  "cgi = { user = \"\"; };\n", 1, "cgi.user: must not be empty" },
	{ __LINE__, "cgi.user a number", NULL,
	  "cgi = { user = 1000; };\n", 1, "cgi.user: must be a string" },
	{ __LINE__, "cgi.min_uid 0", NULL,
	  "cgi = {\n  min_uid = 0;\n};\n", 2, "cgi.min_uid: must be between 1 and 2147483647" },
	{ __LINE__, "cgi.min_gid above 31 bits", NULL,
	  "cgi = { min_gid = 2147483648L; };\n", 1, "cgi.min_gid: must be between 1 and 2147483647" },
	{ __LINE__, "cgi.min_gid a string", NULL,
	  "cgi = { min_gid = \"1000\"; };\n", 1, "cgi.min_gid: must be an integer" },
	/* access */
	{ __LINE__, "access a group", NULL,
	  "access = { path = \"/\"; };\n", 1, "access: must be a list of groups" },
	{ __LINE__, "access rule without path", NULL,
	  "access = (\n  { allow = [ \"::1\" ]; }\n);\n", 2, "access[0].path: required but not set" },
	{ __LINE__, "access path relative", NULL,
	  "access = ( { path = \"admin/\"; allow = [ ]; } );\n", 1,
	  "access[0].path: must be a normalised URL path starting with '/', e.g. \"/admin/\"" },
	{ __LINE__, "access path with dot-dot", NULL,
	  "access = ( { path = \"/a/../admin/\"; allow = [ ]; } );\n", 1,
	  "access[0].path: must be a normalised URL path starting with '/', e.g. \"/admin/\"" },
	{ __LINE__, "access rule with neither allow nor auth", NULL,
	  "access = (\n  { path = \"/admin/\"; }\n);\n", 2, "access[0]: needs allow, auth or both" },
	{ __LINE__, "access allow host name", NULL,
	  "access = ( { path = \"/a/\";\n  allow = [ \"localhost\" ]; } );\n", 2,
	  "access[0].allow: 'localhost' is not an IP address or prefix" },
	{ __LINE__, "access allow a string", NULL,
	  "access = ( { path = \"/a/\"; allow = \"::1\"; } );\n", 1,
	  "access[0].allow: must be a list of strings" },
	{ __LINE__, "access allow int entry", NULL,
	  "access = ( { path = \"/a/\"; allow = [ 10 ]; } );\n", 1,
	  "access[0].allow: entries must be strings" },
	{ __LINE__, "auth without realm", NULL,
	  "access = ( { path = \"/a/\";\n  auth = { user_file = \"x\"; }; } );\n", 2,
	  "access[0].auth.realm: required but not set" },
	{ __LINE__, "auth without user_file", NULL,
	  "access = ( { path = \"/a/\";\n  auth = {\n    realm = \"R\"; }; } );\n", 2,
	  "access[0].auth.user_file: required but not set" },
	{ __LINE__, "auth a string", NULL,
	  "access = ( { path = \"/a/\"; auth = \"basic\"; } );\n", 1,
	  "access[0].auth: must be a group" },
	{ __LINE__, "realm with a quote", NULL,
	  "access = ( { path = \"/a/\"; auth = { realm = \"a\\\"b\"; user_file = \"x\"; }; } );\n", 1,
	  "access[0].auth.realm: must be printable ASCII without '\"' or '\\'" },
	{ __LINE__, "realm with a backslash", NULL,
	  "access = ( { path = \"/a/\"; auth = { realm = \"a\\\\b\"; user_file = \"x\"; }; } );\n", 1,
	  "access[0].auth.realm: must be printable ASCII without '\"' or '\\'" },
	{ __LINE__, "realm with a control character", NULL,
	  "access = ( { path = \"/a/\"; auth = { realm = \"a\\tb\"; user_file = \"x\"; }; } );\n", 1,
	  "access[0].auth.realm: must be printable ASCII without '\"' or '\\'" },
	{ __LINE__, "realm with a non-ASCII byte", NULL,
	  "access = ( { path = \"/a/\"; auth = { realm = \"\xc3\xa9\"; user_file = \"x\"; }; } );\n", 1,
	  "access[0].auth.realm: must be printable ASCII without '\"' or '\\'" },
	{ __LINE__, "two access rules for one path", NULL,
	  "access = (\n  { path = \"/a/\"; allow = [ ]; },\n  { path = \"/b/\"; allow = [ ]; },\n"
	  "  { path = \"/a/\";\n    allow = [ \"::1\" ]; }\n);\n", 4,
	  "access[2].path: '/a/' already has a rule (line 2)" },
	{ __LINE__, "unknown key in an access rule", NULL,
	  "access = ( { path = \"/a/\"; deny = [ ]; } );\n", 1, "access[0].deny: unknown key" },
	{ __LINE__, "unknown key in auth", NULL,
	  "access = ( { path = \"/a/\"; auth = { type = \"basic\"; }; } );\n", 1,
	  "access[0].auth.type: unknown key" },
	{ __LINE__, "vhost access rule error", NULL,
	  "vhosts = ( { server_name = \"a\";\n  access = ( { path = \"/x/\"; } ); } );\n", 2,
	  "vhosts[0].access[0]: needs allow, auth or both" },
	/* userdir */
	{ __LINE__, "userdir absolute directory", NULL,
	  "userdir = {\n  directory = \"/srv/www\";\n};\n", 2,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir directory with a trailing slash", NULL,
	  "userdir = { directory = \"public_html/\"; };\n", 1,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir directory leaving the home", NULL,
	  "userdir = { directory = \"../bob/public_html\"; };\n", 1,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir directory with an inner dot-dot", NULL,
	  "userdir = { directory = \"a/../../b\"; };\n", 1,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir directory with an empty segment", NULL,
	  "userdir = { directory = \"a//b\"; };\n", 1,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir directory a dot", NULL,
	  "userdir = { directory = \".\"; };\n", 1,
	  "userdir.directory: must be a relative path without '.' or '..' segments or a '/' "
	  "at either end, e.g. \"public_html\"" },
	{ __LINE__, "userdir min_uid 0", NULL,
	  "userdir = { min_uid = 0; };\n", 1, "userdir.min_uid: must be between 1 and 2147483647" },
	{ __LINE__, "userdir exclude a string", NULL,
	  "userdir = { exclude = \"root\"; };\n", 1, "userdir.exclude: must be a list of strings" },
	{ __LINE__, "userdir exclude an empty name", NULL,
	  "userdir = { exclude = [ \"root\",\n  \"\" ]; };\n", 2,
	  "userdir.exclude: entries must not be empty" },
	{ __LINE__, "unknown userdir key", NULL,
	  "userdir = { dir = \"x\"; };\n", 1, "userdir.dir: unknown key" },
	{ __LINE__, "userdir a boolean", NULL,
	  "userdir = true;\n", 1, "userdir: must be a group" },
	/* proxy_protocol */
	{ __LINE__, "proxy_protocol without trusted", NULL,
	  "proxy_protocol = {\n  listen = [ \"*:8081\" ];\n};\n", 1,
	  "proxy_protocol.trusted: required but not set" },
	{ __LINE__, "proxy_protocol without listen", NULL,
	  "\nproxy_protocol = { trusted = [ \"10.0.0.0/8\" ]; };\n", 2,
	  "proxy_protocol.listen: required but not set" },
	{ __LINE__, "proxy_protocol trusted empty", NULL,
	  "proxy_protocol = { listen = [ \"*:8081\" ];\n  trusted = [ ]; };\n", 2,
	  "proxy_protocol.trusted: must not be empty" },
	{ __LINE__, "proxy_protocol listen empty", NULL,
	  "proxy_protocol = { listen = [ ]; trusted = [ \"::1\" ]; };\n", 1,
	  "proxy_protocol.listen: must not be empty" },
	{ __LINE__, "proxy_protocol trusted host name", NULL,
	  "proxy_protocol = { listen = [ \"*:8081\" ]; trusted = [ \"haproxy\" ]; };\n", 1,
	  "proxy_protocol.trusted: 'haproxy' is not an IP address or prefix" },
	{ __LINE__, "proxy_protocol listen malformed", NULL,
	  "proxy_protocol = { listen = [ \"localhost:8081\" ]; trusted = [ \"::1\" ]; };\n", 1,
	  "proxy_protocol.listen: 'localhost:8081' is malformed " LISTEN_FORMS },
	/* real_ip */
	{ __LINE__, "real_ip without trusted", NULL,
	  "\nreal_ip = { header = \"X-Forwarded-For\"; };\n", 2,
	  "real_ip.trusted: required but not set" },
	{ __LINE__, "real_ip trusted empty", NULL,
	  "real_ip = {\n  trusted = [ ]; };\n", 2,
	  "real_ip.trusted: must not be empty (remove the real_ip group to turn it off)" },
	{ __LINE__, "real_ip trusted host name", NULL,
	  "real_ip = { trusted = [ \"proxy\" ]; };\n", 1,
	  "real_ip.trusted: 'proxy' is not an IP address or prefix" },
	{ __LINE__, "real_ip header not a field name", NULL,
	  "real_ip = { trusted = [ \"::1\" ];\n  header = \"X-Forwarded-For:\"; };\n", 2,
	  "real_ip.header: 'X-Forwarded-For:' is not a header field name, e.g. "
	  "\"X-Forwarded-For\" or \"Forwarded\"" },
	{ __LINE__, "real_ip header with a space", NULL,
	  "real_ip = { trusted = [ \"::1\" ]; header = \"X Real IP\"; };\n", 1,
	  "real_ip.header: 'X Real IP' is not a header field name, e.g. "
	  "\"X-Forwarded-For\" or \"Forwarded\"" },
	{ __LINE__, "real_ip header empty", NULL,
	  "real_ip = { trusted = [ \"::1\" ]; header = \"\"; };\n", 1,
	  "real_ip.header: must not be empty" },
	{ __LINE__, "real_ip header a number", NULL,
	  "real_ip = { trusted = [ \"::1\" ]; header = 4; };\n", 1,
	  "real_ip.header: must be a string" },
	{ __LINE__, "real_ip unknown key", NULL,
	  "real_ip = { trusted = [ \"::1\" ];\n  recursive = true; };\n", 2,
	  "real_ip.recursive: unknown key" },
	{ __LINE__, "real_ip not a group", NULL,
	  "real_ip = \"X-Forwarded-For\";\n", 1, "real_ip: must be a group" },
	{ __LINE__, "real_ip in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\"; real_ip = { trusted = [ \"::1\" ]; }; } );\n", 1,
	  "vhosts[0].real_ip: not allowed in a vhost (only at the top level)" },
	{ __LINE__, "the same address in listen and proxy_protocol.listen", NULL,
	  "listen = [ \"127.0.0.1:8080\",\n  \"127.0.0.1:8081\" ];\n"
	  "proxy_protocol = {\n  listen = [ \"127.0.0.1:8081\" ];\n  trusted = [ \"127.0.0.1\" ];\n};\n", 4,
	  "proxy_protocol.listen: '127.0.0.1:8081' is also in listen (line 2)" },
	{ __LINE__, "the same address twice in proxy_protocol.listen", NULL,
	  "proxy_protocol = { listen = [ \"*:8081\",\n  \"0.0.0.0:8081\" ]; trusted = [ \"::1\" ]; };\n", 2,
	  "proxy_protocol.listen: duplicate address '0.0.0.0:8081'" },
	{ __LINE__, "unknown proxy_protocol key", NULL,
	  "proxy_protocol = { version = 2; };\n", 1, "proxy_protocol.version: unknown key" },
	/* locations (issue 10) */
#define LOC_PATH_MSG "must be a normalised URL path starting with '/' (a prefix, e.g. " \
		     "\"/static/\"), or \"= /path\" for that path alone"
#define LOC_TO_MSG "must be a path starting with '/' or an absolute http:// or https:// URL " \
		   "with a host"
	{ __LINE__, "locations not a list", NULL,
	  "locations = { path = \"/a/\"; };\n", 1, "locations: must be a list of groups" },
	{ __LINE__, "location path relative", NULL,
	  "locations = (\n  { path = \"static/\"; }\n);\n", 2, "locations[0].path: " LOC_PATH_MSG },
	{ __LINE__, "location path with a dot segment", NULL,
	  "locations = ( { path = \"/a/../b/\"; } );\n", 1, "locations[0].path: " LOC_PATH_MSG },
	{ __LINE__, "location exact path relative", NULL,
	  "locations = ( { path = \"= a\"; } );\n", 1, "locations[0].path: " LOC_PATH_MSG },
	{ __LINE__, "location exact path empty", NULL,
	  "locations = ( { path = \"=\"; } );\n", 1, "locations[0].path: " LOC_PATH_MSG },
	{ __LINE__, "location without path", NULL,
	  "locations = (\n  { redirect = { to = \"/b/\"; }; }\n);\n", 2,
	  "locations[0].path: required but not set" },
	{ __LINE__, "two locations for one path", NULL,
	  "locations = (\n  { path = \"/a/\"; },\n  { path = \"/b/\"; },\n  { path = \"/a/\"; }\n);\n",
	  4, "locations[2].path: '/a/' also at line 2" },
	{ __LINE__, "two exact locations for one path", NULL,
	  "locations = ( { path = \"= /a\"; },\n  { path = \"=/a\"; } );\n",
	  2, "locations[1].path: '= /a' also at line 1" },
	{ __LINE__, "two locations for one path in a vhost", NULL,
	  "vhosts = ( { server_name = \"a.example\";\n  locations = ( { path = \"/a\"; },\n"
	  "  { path = \"/a\"; } ); } );\n",
	  3, "vhosts[0].locations[1].path: '/a' also at line 2" },
	{ __LINE__, "a site key in a location", NULL,
	  "locations = ( { path = \"/a/\";\n  index = [ \"x.html\" ]; } );\n", 2,
	  "locations[0].index: not allowed in a location (only path, redirect and the per-path "
	  "keys are)" },
	{ __LINE__, "a top-level key in a location", NULL,
	  "locations = ( { path = \"/a/\"; workers = { max = 4; }; } );\n", 1,
	  "locations[0].workers: not allowed in a location (only path, redirect and the per-path "
	  "keys are)" },
	{ __LINE__, "locations in a location", NULL,
	  "locations = ( { path = \"/a/\"; locations = ( ); } );\n", 1,
	  "locations[0].locations: not allowed in a location (only path, redirect and the "
	  "per-path keys are)" },
	{ __LINE__, "unknown key in a location", NULL,
	  "locations = ( { path = \"/a/\"; root = \"/x\"; } );\n", 1,
	  "locations[0].root: unknown key" },
	{ __LINE__, "path at the top level", NULL,
	  "\npath = \"/a/\";\n", 2, "path: allowed only inside a location" },
	{ __LINE__, "redirect in a vhost", NULL,
	  "vhosts = ( { server_name = \"a.example\";\n  redirect = { to = \"/b/\"; }; } );\n", 2,
	  "vhosts[0].redirect: allowed only inside a location" },
	{ __LINE__, "redirect not a group", NULL,
	  "locations = ( { path = \"/a/\"; redirect = \"/b/\"; } );\n", 1,
	  "locations[0].redirect: must be a group" },
	{ __LINE__, "redirect without to", NULL,
	  "locations = ( { path = \"/a/\";\n  redirect = { status = 301; }; } );\n", 2,
	  "locations[0].redirect.to: required but not set" },
	{ __LINE__, "redirect unknown key", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b/\"; code = 301; }; } );\n", 1,
	  "locations[0].redirect.code: unknown key" },
	{ __LINE__, "redirect.to relative", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"b/\"; }; } );\n", 1,
	  "locations[0].redirect.to: " LOC_TO_MSG },
	{ __LINE__, "redirect.to scheme-relative", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"//evil.example/\"; }; } );\n", 1,
	  "locations[0].redirect.to: " LOC_TO_MSG },
	{ __LINE__, "redirect.to another scheme", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"ftp://x.example/\"; }; } );\n", 1,
	  "locations[0].redirect.to: " LOC_TO_MSG },
	{ __LINE__, "redirect.to URL without host", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"https:///b/\"; }; } );\n", 1,
	  "locations[0].redirect.to: " LOC_TO_MSG },
	{ __LINE__, "redirect.to URL only a scheme", NULL,
	  "locations = ( { path = \"/a\"; redirect = { to = \"http://\"; }; } );\n", 1,
	  "locations[0].redirect.to: " LOC_TO_MSG },
	{ __LINE__, "redirect.to with a space", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b c/\"; }; } );\n", 1,
	  "locations[0].redirect.to: must be printable ASCII without spaces, quotes, '<', '>', "
	  "'\\', '^', '`', '{', '|' or '}' (write them %%XX)" },
	{ __LINE__, "redirect.to with CR LF (header injection)", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b/\\r\\nSet-Cookie: x\"; }; } );\n", 1,
	  "locations[0].redirect.to: must be printable ASCII without spaces, quotes, '<', '>', "
	  "'\\', '^', '`', '{', '|' or '}' (write them %%XX)" },
	{ __LINE__, "redirect.to with a quote", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b\\\"/\"; }; } );\n", 1,
	  "locations[0].redirect.to: must be printable ASCII without spaces, quotes, '<', '>', "
	  "'\\', '^', '`', '{', '|' or '}' (write them %%XX)" },
	{ __LINE__, "redirect.to empty", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"\"; }; } );\n", 1,
	  "locations[0].redirect.to: must not be empty" },
	{ __LINE__, "redirect.status below 301", NULL,
	  "locations = ( { path = \"/a/\";\n  redirect = { to = \"/b/\"; status = 300; }; } );\n", 2,
	  "locations[0].redirect.status: must be between 301 and 308" },
	{ __LINE__, "redirect.status 304 is no redirect", NULL,
	  "locations = ( { path = \"/a/\";\n  redirect = { to = \"/b/\";\n  status = 304; }; } );\n", 3,
	  "locations[0].redirect.status: 304 is not one of 301, 302, 303, 307, 308" },
	{ __LINE__, "redirect.status 305", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b/\"; status = 305; }; } );\n", 1,
	  "locations[0].redirect.status: 305 is not one of 301, 302, 303, 307, 308" },
	{ __LINE__, "redirect.status a string", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b/\"; status = \"301\"; }; } );\n", 1,
	  "locations[0].redirect.status: must be an integer" },
	{ __LINE__, "redirect.exact a string", NULL,
	  "locations = ( { path = \"/a/\"; redirect = { to = \"/b/\"; exact = \"yes\"; }; } );\n", 1,
	  "locations[0].redirect.exact: must be true or false" },
	{ __LINE__, "redirect.to with a query needs exact", NULL,
	  "locations = ( { path = \"/a/\";\n  redirect = { to = \"/b/?x=1\"; }; } );\n", 2,
	  "locations[0].redirect.to: a query or fragment in '/b/?x=1' needs redirect.exact = true "
	  "(the request's path and query would be appended after it)" },
	{ __LINE__, "redirect.to with a fragment needs exact", NULL,
	  "locations = ( { path = \"= /a\"; redirect = { to = \"/b#top\"; }; } );\n", 1,
	  "locations[0].redirect.to: a query or fragment in '/b#top' needs redirect.exact = true "
	  "(the request's path and query would be appended after it)" },
	{ __LINE__, "prefix ends in '/', to does not", NULL,
	  "locations = ( { path = \"/old/\"; redirect = { to = \"/new\"; }; } );\n", 1,
	  "locations[0].redirect.to: '/new' and the path '/old/' must both end in '/' or neither "
	  "(the rest of the path is appended to it), or set redirect.exact = true" },
	{ __LINE__, "to ends in '/', prefix does not", NULL,
	  "locations = ( { path = \"/old\"; redirect = { to = \"https://x.example/\"; }; } );\n", 1,
	  "locations[0].redirect.to: 'https://x.example/' and the path '/old' must both end in '/' "
	  "or neither (the rest of the path is appended to it), or set redirect.exact = true" },
	{ __LINE__, "a vhost's location checked like the top level's", NULL,
	  "vhosts = ( { server_name = \"a.example\";\n  locations = ( { path = \"/a/\"; "
	  "redirect = { to = \"/b/\"; status = 200; }; } ); } );\n", 2,
	  "vhosts[0].locations[0].redirect.status: must be between 301 and 308" },
	/* suexec */
	{ __LINE__, "suexec a number", NULL,
	  "suexec = 1;\n", 1, "suexec: must be a string" },
	{ __LINE__, "suexec empty", NULL,
	  "\nsuexec = \"\";\n", 2, "suexec: must not be empty" },
	/* precompressed (issue 10) */
	{ __LINE__, "precompressed a string", NULL,
	  "\nprecompressed = \"yes\";\n", 2, "precompressed: must be true or false" },
	{ __LINE__, "precompressed a number", NULL,
	  "precompressed = 1;\n", 1, "precompressed: must be true or false" },
	{ __LINE__, "precompressed a list", NULL,
	  "precompressed = [ true ];\n", 1, "precompressed: must be true or false" },
	{ __LINE__, "precompressed twice", NULL,
	  "precompressed = true;\nprecompressed = false;\n", 2,
	  "precompressed: duplicate setting (a key may be set only once in its group)" },
	{ __LINE__, "precompressed in a location, a number", NULL,
	  "locations = (\n  { path = \"/s/\";\n    precompressed = 0; }\n);\n", 3,
	  "locations[0].precompressed: must be true or false" },
	{ __LINE__, "precompressed in a vhost, a string", NULL,
	  "vhosts = (\n  { server_name = \"a\";\n    precompressed = \"on\"; }\n);\n", 3,
	  "vhosts[0].precompressed: must be true or false" },
};

static void check_err(const struct err_case *e)
{
	char path[PATH_MAX], msg[PATH_MAX + 256], want[PATH_MAX + 512];
	char err[1024];
	struct conf c;
	int n;

	write_file(e->file ? e->file : "err.conf", e->text, path, sizeof path);
	ck_assert_int_lt(snprintf(msg, sizeof msg, e->msg, tmpdir), (int)sizeof msg);
	if (e->line > 0)
		n = snprintf(want, sizeof want, "%s:%d: %s", path, e->line, msg);
	else
		n = snprintf(want, sizeof want, "%s: %s", path, msg);
	ck_assert_int_lt(n, (int)sizeof want);
	memset(&c, 0xa5, sizeof c);
	ck_assert_msg(conf_load(path, &c, err, sizeof err) == -1,
		      "line %d (%s): load succeeded", e->src_line, e->what);
	ck_assert_msg(strcmp(err, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
		      e->src_line, e->what, err, want);
	/* A failed load leaves nothing to free, and freeing again is harmless. */
	ck_assert_ptr_null(c.file);
	ck_assert_ptr_null(c.listen);
	conf_free(&c);
}

START_TEST(test_errors)
{
	check_err(&err_cases[_i]);
}
END_TEST

START_TEST(test_missing_file)
{
	char path[PATH_MAX], want[PATH_MAX + 64], err[1024];
	struct conf c;

	tmp_path("no-such.conf", path, sizeof path);
	ck_assert_int_lt(snprintf(want, sizeof want, "%s: No such file or directory",
				  path), (int)sizeof want);
	ck_assert_int_eq(conf_load(path, &c, err, sizeof err), -1);
	ck_assert_str_eq(err, want);
	ck_assert_int_lt(snprintf(want, sizeof want, "%s: Is a directory", tmpdir),
			 (int)sizeof want);
	ck_assert_int_eq(conf_load(tmpdir, &c, err, sizeof err), -1);
	ck_assert_str_eq(err, want);
}
END_TEST

/* The message is cut like snprintf() and always terminated. */
START_TEST(test_small_err_buffer)
{
	char path[PATH_MAX], err[8];
	struct conf c;

	write_file("small.conf", "listne = 1;\n", path, sizeof path);
	ck_assert_int_eq(conf_load(path, &c, err, sizeof err), -1);
	ck_assert_uint_eq(strlen(err), sizeof err - 1);
	ck_assert_int_eq(conf_load(path, &c, NULL, 0), -1);
}
END_TEST

/* ---- conf_check ----------------------------------------------------------- */

static void write_mode(const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX];

	write_file(rel, text, path, sizeof path);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* What conf_check looks at, beside setup()'s directories. */
static void check_setup(void)
{
	char path[PATH_MAX], target[PATH_MAX];

	setup();
	/* Rows for an unprivileged user run as nobody (see check_as_nobody): let it in. */
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
	mkdir_in_tmp("logs");
	mkdir_in_tmp("bin");
	mkdir_in_tmp("rodir");
	mkdir_in_tmp("htdocs/errors");
	write_mode("htdocs/errors/404.html", "<p>not found</p>\n", 0644);
	write_mode("bin/interp", "#!/bin/sh\n", 0755);
	write_mode("bin/noexec", "#!/bin/sh\n", 0644);
	write_mode("logs/access.log", "", 0644);
	write_mode("ro.log", "", 0444);
	write_mode("good.types", "text/x-foo foo\n", 0644);
	write_mode("good.htpasswd", "alice:$2y$05$abcdefghijklmnopqrstuv\n", 0644);
	write_mode("secret.htpasswd", "alice:x\n", 0600);
	write_mode("bad.types", "text/plain txt\nbogus\n", 0644);
	tmp_path("rodir", path, sizeof path);
	ck_assert_int_eq(chmod(path, 0555), 0);
	tmp_path("afile", target, sizeof target);
	tmp_path("htdocs/out.html", path, sizeof path);
	ck_assert_int_eq(symlink(target, path), 0);
	write_mode("cgi-bin/noexec.sh", "#!/bin/sh\n", 0644);
	tmp_path("cgi-bin/out.sh", path, sizeof path);
	ck_assert_int_eq(symlink(target, path), 0);
	/* "htdocs2" starts with "htdocs": a bare prefix test would let it in. */
	mkdir_in_tmp("htdocs2");
	write_mode("htdocs2/x.html", "<p>sibling</p>\n", 0644);
	tmp_path("htdocs/sibling.html", path, sizeof path);
	ck_assert_int_eq(symlink("../htdocs2/x.html", path), 0);
	tmp_path("bin/loop", path, sizeof path);
	ck_assert_int_eq(symlink("loop", path), 0);
}

/* Copies in to out with every "@T" replaced by tmpdir. */
static void subst(const char *in, char *out, size_t size)
{
	size_t n = 0, tlen = strlen(tmpdir);

	for (; *in; in++) {
		if (in[0] == '@' && in[1] == 'T') {
			ck_assert_uint_lt(n + tlen, size);
			memcpy(out + n, tmpdir, tlen);
			n += tlen;
			in++;
			continue;
		}
		ck_assert_uint_lt(n + 1, size);
		out[n++] = *in;
	}
	out[n] = '\0';
}

/* Which effective uid a row needs: root sees no permission errors and
 * is refused without user; anyone else is never refused for that. */
enum who { ANYONE, ROOT, NOT_ROOT };

struct check_case {
	int src_line;
	const char *what;
	enum who who;
	const char *text;            /* "@T" stands for tmpdir */
	int line;                    /* expected line; 0 = "FILE: message" */
	const char *msg;             /* NULL: conf_check passes; "@T" = tmpdir */
};

#define ROOT_OK "allow_root = true;\n"

static const struct check_case check_cases[] = {
	{ __LINE__, "everything in place", ANYONE,
	  ROOT_OK "error_log = \"logs/error.log\";\naccess_log = \"logs/access.log\";\n"
	  "pid_file = \"logs/p.pid\";\nmime_types = \"good.types\";\n"
	  "error_pages = ( { status = 404; path = \"/errors/404.html\"; } );\n"
	  "cgi = { handlers = ( { extension = \".sh\"; interpreter = \"@T/bin/interp\"; } ); };\n",
	  0, NULL },
	{ __LINE__, "no cgi group: interpreters are not looked at", ANYONE,
	  ROOT_OK "log_level = \"info\";\n", 0, NULL },
	/* identities */
	{ __LINE__, "unknown user", ANYONE,
	  ROOT_OK "\nuser = \"no-such-user-pfhttpd\";\n", 3,
	  "user: unknown user 'no-such-user-pfhttpd'" },
	{ __LINE__, "unknown group", ANYONE,
	  "user = \"www-data\";\ngroup = \"no-such-group-pfhttpd\";\n", 2,
	  "group: unknown group 'no-such-group-pfhttpd'" },
	{ __LINE__, "unknown keeper_user", ANYONE,
	  "user = \"www-data\";\nkeeper_user = \"no-such-user-pfhttpd\";\n", 2,
	  "keeper_user: unknown user 'no-such-user-pfhttpd'" },
	{ __LINE__, "root without user", ROOT, "server_name = \"x\";\n", 0,
	  "user: not set, so CGI scripts would run as root; set user (and group), "
	  "or allow_root = true to run as root on purpose" },
	{ __LINE__, "root without user, allow_root false", ROOT,
	  "server_name = \"x\";\nallow_root = false;\n", 2,
	  "user: not set, so CGI scripts would run as root; set user (and group), "
	  "or allow_root = true to run as root on purpose" },
	{ __LINE__, "root with user", ROOT,
	  "user = \"www-data\";\nkeeper_user = \"daemon\";\n", 0, NULL },
	/* files the master writes */
	{ __LINE__, "error_log directory missing", ANYONE,
	  ROOT_OK "error_log = \"nologs/error.log\";\n", 2,
	  "error_log: cannot create '@T/nologs/error.log': '@T/nologs': "
	  "No such file or directory" },
	{ __LINE__, "access_log is a directory", ANYONE,
	  ROOT_OK "\naccess_log = \"htdocs\";\n", 3, "access_log: '@T/htdocs' is a directory" },
	{ __LINE__, "pid_file below a file", ANYONE,
	  ROOT_OK "pid_file = \"afile/p.pid\";\n", 2,
	  "pid_file: '@T/afile/p.pid': Not a directory" },
	{ __LINE__, "error_log not writable", NOT_ROOT,
	  ROOT_OK "error_log = \"ro.log\";\n", 2,
	  "error_log: cannot write '@T/ro.log': Permission denied" },
	{ __LINE__, "pid_file directory not writable", NOT_ROOT,
	  ROOT_OK "pid_file = \"rodir/p.pid\";\n", 2,
	  "pid_file: cannot create '@T/rodir/p.pid': '@T/rodir': Permission denied" },
	/* mime_types */
	{ __LINE__, "mime_types missing", ANYONE,
	  ROOT_OK "mime_types = \"no.types\";\n", 2,
	  "mime_types: @T/no.types: No such file or directory" },
	{ __LINE__, "mime_types malformed", ANYONE,
	  ROOT_OK "\nmime_types = \"bad.types\";\n", 3,
	  "mime_types: @T/bad.types:2: media type has no '/'" },
	/* cgi interpreters */
	{ __LINE__, "interpreter missing", ANYONE,
	  ROOT_OK "cgi = {\n  handlers = (\n    { extension = \".php\";\n"
	  "      interpreter = \"/nonexistent/php-cgi\"; }\n  );\n};\n", 5,
	  "cgi.handlers: interpreter '/nonexistent/php-cgi' does not exist" },
	{ __LINE__, "second interpreter not executable", ANYONE,
	  ROOT_OK "cgi = { handlers = (\n"
	  "  { extension = \".sh\"; interpreter = \"@T/bin/interp\"; },\n"
	  "  { extension = \".x\"; interpreter = \"@T/bin/noexec\"; } ); };\n", 4,
	  "cgi.handlers: interpreter '@T/bin/noexec' is not executable" },
	{ __LINE__, "interpreter below a file", ANYONE,
	  ROOT_OK "cgi = { handlers = (\n"
	  "  { extension = \".sh\"; interpreter = \"@T/afile/sh\"; } ); };\n", 3,
	  "cgi.handlers: interpreter '@T/afile/sh' does not exist" },
	{ __LINE__, "interpreter a symlink loop: the reason is given", ANYONE,
	  ROOT_OK "cgi = { handlers = (\n"
	  "  { extension = \".sh\"; interpreter = \"@T/bin/loop\"; } ); };\n", 3,
	  "cgi.handlers: interpreter '@T/bin/loop': Too many levels of symbolic links" },
	{ __LINE__, "interpreter a directory", ANYONE,
	  ROOT_OK "cgi = { handlers = (\n"
	  "  { extension = \".sh\"; interpreter = \"@T/bin\"; } ); };\n", 3,
	  "cgi.handlers: interpreter '@T/bin' is not a regular file" },
	/* error pages */
	{ __LINE__, "error page missing", ANYONE,
	  ROOT_OK "error_pages = (\n  { status = 404; path = \"/errors/404.html\"; },\n"
	  "  { status = 500;\n    path = \"/errors/500.html\"; } );\n", 5,
	  "error_pages: '/errors/500.html' (status 500) does not exist below "
	  "document_root '@T/htdocs'" },
	{ __LINE__, "error page a directory", ANYONE,
	  ROOT_OK "error_pages = ( { status = 403; path = \"/errors\"; } );\n", 2,
	  "error_pages: '/errors' (status 403) is not a regular file" },
	{ __LINE__, "error page leads outside document_root", ANYONE,
	  ROOT_OK "error_pages = ( { status = 403; path = \"/out.html\"; } );\n", 2,
	  "error_pages: '/out.html' (status 403) leads outside document_root '@T/htdocs'" },
	{ __LINE__, "error page under cgi.alias not executable", ANYONE,
	  ROOT_OK "cgi = { alias = \"/cgi-bin/\"; };\n"
	  "error_pages = ( { status = 500; path = \"/cgi-bin/noexec.sh\"; } );\n", 3,
	  "error_pages: '/cgi-bin/noexec.sh' (status 500) is a script under cgi.alias but not executable" },
	{ __LINE__, "error page under cgi.alias leads outside cgi.directory", ANYONE,
	  ROOT_OK "cgi = { alias = \"/cgi-bin/\"; };\n"
	  "error_pages = ( { status = 500; path = \"/cgi-bin/out.sh\"; } );\n", 3,
	  "error_pages: '/cgi-bin/out.sh' (status 500) leads outside cgi.directory '@T/cgi-bin'" },
	{ __LINE__, "error page in a sibling whose name extends document_root's", ANYONE,
	  ROOT_OK "error_pages = ( { status = 403; path = \"/sibling.html\"; } );\n", 2,
	  "error_pages: '/sibling.html' (status 403) leads outside document_root '@T/htdocs'" },
	{ __LINE__, "error page is document_root itself", ANYONE,
	  ROOT_OK "error_pages = ( { status = 403; path = \"/\"; } );\n", 2,
	  "error_pages: '/' (status 403) is not a regular file" },
	{ __LINE__, "error page below a file", ANYONE,
	  ROOT_OK "error_pages = ( { status = 403; path = \"/errors/404.html/x\"; } );\n", 2,
	  "error_pages: '/errors/404.html/x' (status 403) does not exist below "
	  "document_root '@T/htdocs'" },
	/* vhosts: the same checks, naming the vhost */
	{ __LINE__, "vhost error page missing", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a.example\";\n"
	  "  error_pages = ( { status = 404; path = \"/nope.html\"; } ); } );\n", 3,
	  "vhost 'a.example': error_pages: '/nope.html' (status 404) does not exist below "
	  "document_root '@T/htdocs'" },
	{ __LINE__, "vhost inherits a good error page, its own access_log dir is missing", ANYONE,
	  ROOT_OK "error_pages = ( { status = 404; path = \"/errors/404.html\"; } );\n"
	  "vhosts = ( { server_name = \"a.example\";\n  access_log = \"nologs/a.log\"; } );\n", 4,
	  "vhost 'a.example': access_log: cannot create '@T/nologs/a.log': '@T/nologs': "
	  "No such file or directory" },
	{ __LINE__, "vhost error_log a directory", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"b\"; error_log = \"htdocs\"; } );\n", 2,
	  "vhost 'b': error_log: '@T/htdocs' is a directory" },
	{ __LINE__, "vhost interpreter missing", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a\";\n  cgi = { handlers = (\n"
	  "    { extension = \".x\"; interpreter = \"/nonexistent/x\"; } ); }; } );\n", 4,
	  "vhost 'a': cgi.handlers: interpreter '/nonexistent/x' does not exist" },
	{ __LINE__, "vhost error page under its cgi.alias not executable", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a\"; cgi = { alias = \"/cgi-bin/\"; };\n"
	  "  error_pages = ( { status = 500; path = \"/cgi-bin/noexec.sh\"; } ); } );\n", 3,
	  "vhost 'a': error_pages: '/cgi-bin/noexec.sh' (status 500) is a script under "
	  "cgi.alias but not executable" },
	{ __LINE__, "second vhost's problem, the first is fine", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a\"; },\n"
	  "  { server_name = \"b\";\n    error_pages = ( { status = 403; path = \"/out.html\"; } ); } );\n", 4,
	  "vhost 'b': error_pages: '/out.html' (status 403) leads outside document_root '@T/htdocs'" },
	/* cgi identity */
	{ __LINE__, "cgi.user unknown", ANYONE,
	  ROOT_OK "cgi = {\n  user = \"no-such-user-pfhttpd\"; };\n", 3,
	  "cgi.user: unknown user 'no-such-user-pfhttpd'" },
	{ __LINE__, "cgi.group unknown", ANYONE,
	  ROOT_OK "cgi = { user = \"nobody\";\n  group = \"no-such-group-pfhttpd\"; };\n", 3,
	  "cgi.group: unknown group 'no-such-group-pfhttpd'" },
	{ __LINE__, "cgi.user below cgi.min_uid", ANYONE,
	  ROOT_OK "cgi = { user = \"daemon\"; };\n", 2,
	  "cgi.user: 'daemon' has uid 1, below cgi.min_uid (1000)" },
	{ __LINE__, "cgi.group below cgi.min_gid", ANYONE,
	  ROOT_OK "cgi = { user = \"nobody\"; min_gid = 100;\n  group = \"daemon\"; };\n", 3,
	  "cgi.group: 'daemon' has gid 1, below cgi.min_gid (100)" },
	{ __LINE__, "cgi.user above a lowered cgi.min_uid, below the helper's floor", ANYONE,
	  ROOT_OK "cgi = { user = \"daemon\"; min_uid = 1; };\n", 2,
	  "cgi.user: 'daemon' has uid 1, below pfhttpd-suexec's floor (100)" },
	{ __LINE__, "cgi.user and cgi.group above the minimum", ANYONE,
	  ROOT_OK "suexec = \"/bin/sh\";\ncgi = { user = \"nobody\"; group = \"nogroup\"; };\n", 0, NULL },
	{ __LINE__, "cgi.user, the helper missing", ANYONE,
	  ROOT_OK "suexec = \"/nonexistent/pfhttpd-suexec\";\ncgi = { user = \"nobody\"; };\n", 3,
	  "cgi.user: the helper '/nonexistent/pfhttpd-suexec' (suexec): No such file or directory; "
	  "make install puts it there" },
	{ __LINE__, "cgi.user, the helper writable by others", ANYONE,
	  ROOT_OK "suexec = \"/tmp\";\ncgi = { user = \"nobody\"; };\n", 3,
	  "cgi.user: the helper '/tmp' (suexec) is not a regular file only its owner may write" },
	{ __LINE__, "vhost cgi.user unknown, the line of the vhost's cgi group", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a\";\n  cgi = {\n"
	  "    user = \"no-such-user-pfhttpd\"; }; } );\n", 4,
	  "vhost 'a': cgi.user: unknown user 'no-such-user-pfhttpd'" },
	/* access rules' password files */
	{ __LINE__, "access user_file missing", ANYONE,
	  ROOT_OK "access = ( { path = \"/a/\"; auth = { realm = \"R\";\n"
	  "  user_file = \"no.htpasswd\"; }; } );\n", 3,
	  "access: user_file '@T/no.htpasswd': No such file or directory" },
	{ __LINE__, "access user_file a directory", ANYONE,
	  ROOT_OK "access = ( { path = \"/a/\"; auth = { realm = \"R\"; user_file = \"htdocs\"; }; } );\n", 2,
	  "access: user_file '@T/htdocs' is not a regular file" },
	{ __LINE__, "access user_file unreadable", NOT_ROOT,
	  ROOT_OK "access = ( { path = \"/a/\"; auth = { realm = \"R\"; user_file = \"secret.htpasswd\"; }; } );\n", 2,
	  "access: user_file '@T/secret.htpasswd': cannot read: Permission denied" },
	{ __LINE__, "access user_file in place", ANYONE,
	  ROOT_OK "access = ( { path = \"/a/\"; allow = [ ];\n"
	  "  auth = { realm = \"R\"; user_file = \"good.htpasswd\"; }; } );\n", 0, NULL },
	{ __LINE__, "vhost access user_file missing", ANYONE,
	  ROOT_OK "vhosts = ( { server_name = \"a\"; access = ( { path = \"/a/\";\n"
	  "  auth = { realm = \"R\"; user_file = \"no.htpasswd\"; }; } ); } );\n", 3,
	  "vhost 'a': access: user_file '@T/no.htpasswd': No such file or directory" },
};

static void load_check(const char *text, struct conf *c)
{
	char conf[4096];

	subst(text, conf, sizeof conf);
	load_ok("check.conf", conf, c);
}

/*
 * A row for an unprivileged user, when the suite runs as root: conf_check in
 * a child that dropped to nobody (65534) first, so the permission checks
 * are really made; the child reports through its exit status.
 */
static void check_as_nobody(const struct check_case *k, const struct conf *c, const char *want)
{
	const gid_t nobody = 65534;
	char err[2048] = "";
	int st, rc;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(1, &nobody) < 0 || setresgid(nobody, nobody, nobody) < 0 ||
		    setresuid(nobody, nobody, nobody) < 0)
			exit(2);
		rc = conf_check(c, err, sizeof err);
		if (rc != -1 || strcmp(err, want) != 0)
			fprintf(stderr, "line %d (%s): rc %d\n got  '%s'\n want '%s'\n",
				k->src_line, k->what, rc, err, want);
		exit(rc == -1 && strcmp(err, want) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "line %d (%s): as nobody: status %d",
		      k->src_line, k->what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

START_TEST(test_check)
{
	const struct check_case *k = &check_cases[_i];
	char msg[2048], want[4096], err[2048] = "";
	bool root = geteuid() == 0;
	struct conf c;
	int rc;

	if (k->who == ROOT && !root)
		return;
	load_check(k->text, &c);
	if (k->msg) {
		subst(k->msg, msg, sizeof msg);
		if (k->line > 0)
			snprintf(want, sizeof want, "%s:%d: %s", c.file, k->line, msg);
		else
			snprintf(want, sizeof want, "%s: %s", c.file, msg);
	}
	if (k->who == NOT_ROOT && root) {
		ck_assert_ptr_nonnull(k->msg);
		check_as_nobody(k, &c, want);
		conf_free(&c);
		return;
	}
	rc = conf_check(&c, err, sizeof err);
	if (!k->msg) {
		ck_assert_msg(rc == 0, "line %d (%s): %s", k->src_line, k->what, err);
		conf_free(&c);
		return;
	}
	ck_assert_msg(rc == -1, "line %d (%s): check passed", k->src_line, k->what);
	ck_assert_msg(strcmp(err, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
		      k->src_line, k->what, err, want);
	conf_free(&c);
}
END_TEST

/* A directory that went away between conf_load and a reload's check. */
START_TEST(test_check_cgi_directory_gone)
{
	char path[PATH_MAX], want[PATH_MAX * 2 + 128], err[2048];
	struct conf c;

	mkdir_in_tmp("scripts");
	load_check(ROOT_OK "cgi = {\n  directory = \"scripts\";\n};\n", &c);
	ck_assert_msg(conf_check(&c, err, sizeof err) == 0, "%s", err);
	tmp_path("scripts", path, sizeof path);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(conf_check(&c, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:3: cgi.directory: '%s': No such file or directory",
		 c.file, path);
	ck_assert_str_eq(err, want);
	/* And a file in its place. */
	write_mode("scripts", "", 0644);
	ck_assert_int_eq(conf_check(&c, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:3: cgi.directory: '%s': Not a directory", c.file, path);
	ck_assert_str_eq(err, want);
	conf_free(&c);
}
END_TEST

/* What -t prints about error pages that are scripts: run as one (a notice), or never sent (a warning). */
static const struct notice_case {
	int src_line;
	const char *what;
	const char *text;            /* "@T" stands for tmpdir */
	const char *out;             /* "@F" stands for the file; "" = nothing said */
} notice_cases[] = {
	{ __LINE__, "a plain file: nothing said",
	  "error_pages = ( { status = 404; path = \"/errors/404.html\"; } );\n", "" },
	{ __LINE__, "no error pages: nothing said", "log_level = \"info\";\n", "" },
	{ __LINE__, "under cgi.alias: run as a script",
	  "cgi = { alias = \"/cgi-bin/\"; };\n"
	  "error_pages = ( { status = 500; path = \"/cgi-bin/e.sh\"; } );\n",
	  "@F:2: notice: error_pages: '/cgi-bin/e.sh' (status 500) will be run as a script "
	  "(under cgi.alias), as Apache's ErrorDocument\n" },
	{ __LINE__, "a handler's extension: run by its interpreter",
	  "cgi = { handlers = ( { extension = \".sh\"; interpreter = \"@T/bin/interp\"; } ); };\n"
	  "error_pages = ( { status = 500; path = \"/errors/e.sh\"; } );\n",
	  "@F:2: notice: error_pages: '/errors/e.sh' (status 500) will be run as a script "
	  "(by @T/bin/interp), as Apache's ErrorDocument\n" },
	{ __LINE__, "a vhost's script page: its notice names it",
	  "vhosts = ( { server_name = \"a\"; cgi = { alias = \"/cgi-bin/\"; };\n"
	  "  error_pages = ( { status = 500; path = \"/cgi-bin/e.sh\"; } ); } );\n",
	  "@F:2: notice: vhost 'a': error_pages: '/cgi-bin/e.sh' (status 500) will be run as a "
	  "script (under cgi.alias), as Apache's ErrorDocument\n" },
	{ __LINE__, "a script with CGI off: never sent",
	  "error_pages = ( { status = 404; path = \"/errors/404.html\"; },\n"
	  "  { status = 500; path = \"/errors/e.php\"; } );\n",
	  "@F:2: warning: error_pages: '/errors/e.php' (status 500) is a script that no handler "
	  "runs: it is never sent, the built-in page answers instead\n" },
};

START_TEST(test_check_notices)
{
	const struct notice_case *k = &notice_cases[_i];
	char text[2048], want[4096], *got = NULL;
	size_t len = 0, n = 0;
	struct conf c;
	FILE *out;

	subst(k->text, text, sizeof text);
	load_check(text, &c);
	for (const char *o = k->out; *o; o++) {
		if (o[0] == '@' && o[1] == 'F') {
			n += (size_t)snprintf(want + n, sizeof want - n, "%s", c.file);
			o++;
		} else if (o[0] == '@' && o[1] == 'T') {
			n += (size_t)snprintf(want + n, sizeof want - n, "%s", tmpdir);
			o++;
		} else {
			want[n++] = *o;
		}
		ck_assert_uint_lt(n, sizeof want);
	}
	want[n] = '\0';
	out = open_memstream(&got, &len);
	ck_assert_ptr_nonnull(out);
	conf_check_notices(&c, out);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_msg(strcmp(got, want) == 0, "line %d (%s):\n got  '%s'\n want '%s'",
		      k->src_line, k->what, got, want);
	free(got);
	conf_free(&c);
}
END_TEST

/* ---- per-path settings: headers, cgi_env, pass_env, charset, server_tokens (issue 10) ---- */

static const char pathset_conf[] =
	"headers = [ \"X-Content-Type-Options:nosniff\",\n"
	"            \"Cache-Control: \\t public, max-age=60 \\t\",\n"
	"            \"Link: </a.css>; rel=preload\", \"Link: </b.js>; rel=preload\" ];\n"
	"cgi_env = { APP_ENV = \"production\"; app_mode = \"a=b c\"; EMPTY = \"\"; };\n"
	"pass_env = [ \"TZ\", \"LANG\" ];\n"
	"charset = \"iso-8859-1\";\n"
	"server_tokens = false;\n"
	"vhosts = ( { server_name = \"a\"; headers = [ \"X-A: 1\" ]; charset = \"\"; },\n"
	"  { server_name = \"b\";\n"
	"    cgi_env = { B = \"2\"; };\n"
	"    pass_env = [ ]; } );\n";

/* Stored in the form they are used in: "Name: value" (one space, or none as written), "NAME=value". */
START_TEST(test_pathset)
{
	struct conf c;
	const struct conf_pathset *top, *a, *b;

	load_ok("pathset.conf", pathset_conf, &c);
	top = &c.site.set;
	a = &c.vhosts[0].set;
	b = &c.vhosts[1].set;
	ck_assert(!c.server_tokens);
	ck_assert_uint_eq(top->nheaders, 4);
	ck_assert_str_eq(top->headers[0], "X-Content-Type-Options:nosniff");
	ck_assert_str_eq(top->headers[1], "Cache-Control: public, max-age=60");
	ck_assert_str_eq(top->headers[3], "Link: </b.js>; rel=preload");
	ck_assert_uint_eq(top->ncgi_env, 3);
	ck_assert_str_eq(top->cgi_env[0], "APP_ENV=production");
	ck_assert_str_eq(top->cgi_env[1], "app_mode=a=b c");
	ck_assert_str_eq(top->cgi_env[2], "EMPTY=");
	ck_assert_uint_eq(top->npass_env, 2);
	ck_assert_str_eq(top->pass_env[1], "LANG");
	ck_assert_int_eq(top->pass_env_line, 5);
	ck_assert_str_eq(top->charset, "iso-8859-1");
	/* A vhost adds to the lists it inherits (deep copies), the same name replacing. */
	ck_assert_uint_eq(a->nheaders, 5);
	ck_assert_str_eq(a->headers[4], "X-A: 1");
	ck_assert_ptr_ne(a->headers[0], top->headers[0]);
	ck_assert_str_eq(a->charset, "");
	ck_assert_uint_eq(a->ncgi_env, 3);
	ck_assert_ptr_ne(a->cgi_env[0], top->cgi_env[0]);
	ck_assert_str_eq(a->cgi_env[0], "APP_ENV=production");
	ck_assert_uint_eq(a->npass_env, 2);
	ck_assert_int_eq(a->pass_env_line, 5);
	ck_assert_uint_eq(b->nheaders, 4);
	ck_assert_ptr_ne(b->headers[0], top->headers[0]);
	ck_assert_uint_eq(b->ncgi_env, 4);
	ck_assert_str_eq(b->cgi_env[0], "APP_ENV=production");
	ck_assert_str_eq(b->cgi_env[3], "B=2");
	ck_assert_uint_eq(b->npass_env, 2);
	ck_assert_str_eq(b->charset, "iso-8859-1");
	conf_free(&c);
	ck_assert_ptr_null(c.site.set.headers);
}
END_TEST

/* Inside a location: the site's settings, its own added (the same name replacing). */
START_TEST(test_pathset_location)
{
	struct conf c;
	const struct conf_pathset *l, *v;

	load_ok("pathset_loc.conf",
		"headers = [ \"X-Content-Type-Options: nosniff\", \"Cache-Control: public\" ];\n"
		"cgi_env = { APP_ENV = \"production\"; A = \"1\"; };\n"
		"locations = ( { path = \"/app/\"; headers = [ \"cache-control: no-store\" ];\n"
		"  cgi_env = { APP_ENV = \"app\"; }; pass_env = [ \"TZ\" ]; charset = \"koi8-r\"; } );\n"
		"vhosts = ( { server_name = \"v\"; headers = [ \"X-V: 1\" ];\n"
		"  locations = ( { path = \"/static/\"; headers = [ \"X-S: 1\" ]; } ); } );\n", &c);
	ck_assert_uint_eq(c.site.nlocations, 1);
	l = &c.site.locations[0].set;
	ck_assert_uint_eq(l->nheaders, 2);
	ck_assert_str_eq(l->headers[0], "X-Content-Type-Options: nosniff");
	ck_assert_str_eq(l->headers[1], "cache-control: no-store");
	ck_assert_uint_eq(l->ncgi_env, 2);
	ck_assert_str_eq(l->cgi_env[0], "A=1");
	ck_assert_str_eq(l->cgi_env[1], "APP_ENV=app");
	ck_assert_uint_eq(l->npass_env, 1);
	ck_assert_str_eq(l->charset, "koi8-r");
	/* The site's own are untouched. */
	ck_assert_uint_eq(c.site.set.nheaders, 2);
	ck_assert_str_eq(c.site.set.charset, "utf-8");
	v = &c.vhosts[0].locations[0].set;
	ck_assert_uint_eq(v->nheaders, 4);
	ck_assert_str_eq(v->headers[2], "X-V: 1");
	ck_assert_str_eq(v->headers[3], "X-S: 1");
	conf_free(&c);
}
END_TEST

START_TEST(test_pathset_defaults)
{
	struct conf c;

	load_ok("pathset0.conf", "vhosts = ( { server_name = \"a\"; } );\n", &c);
	ck_assert(c.server_tokens);
	ck_assert_str_eq(c.site.set.charset, "utf-8");
	ck_assert_str_eq(c.vhosts[0].set.charset, "utf-8");
	ck_assert_ptr_ne(c.vhosts[0].set.charset, c.site.set.charset);
	ck_assert_uint_eq(c.site.set.nheaders, 0);
	ck_assert_uint_eq(c.site.set.ncgi_env, 0);
	ck_assert_uint_eq(c.site.set.npass_env, 0);
	ck_assert_int_eq(c.site.set.pass_env_line, 0);
	conf_free(&c);
}
END_TEST

#define SHADOW "would shadow a CGI meta-variable (HTTP_*, REMOTE_*, SERVER_*, REDIRECT_*, " \
	       "PFHTTPD_*, PATH_INFO, ...): the server sets it"
#define STEERS "steers the dynamic linker, a shell or an interpreter (LD_*, BASH_ENV, " \
	       "PERL5OPT, PHPRC, PATH: cgi.path...): refused"
#define OWNED "is the server's own field (framing, connection, Date, Server): it cannot be set"
#define TOKEN "the field name must be a token (RFC 9110 5.1), e.g. " \
	      "\"X-Content-Type-Options: nosniff\""
#define BADNAME "is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"
#define CHARSET "is not a charset name (a token, RFC 9110 8.3.2, e.g. \"iso-8859-1\"), " \
		"or \"\" for none"

static const struct err_case pathset_err_cases[] = {
	/* headers */
	{ __LINE__, "headers a string", NULL, "headers = \"X-A: 1\";\n", 1,
	  "headers: must be a list of strings" },
	{ __LINE__, "headers entry a number", NULL, "headers = [ 1 ];\n", 1,
	  "headers: entries must be strings" },
	{ __LINE__, "headers entry empty", NULL, "\nheaders = [ \"\" ];\n", 2,
	  "headers: '' must be \"Name: value\"" },
	{ __LINE__, "no colon", NULL, "headers = [\n  \"X-Frame-Options DENY\" ];\n", 2,
	  "headers: 'X-Frame-Options DENY': " TOKEN },
	{ __LINE__, "no colon, a token", NULL, "headers = [ \"nosniff\" ];\n", 1,
	  "headers: 'nosniff' must be \"Name: value\"" },
	{ __LINE__, "no name", NULL, "headers = [ \": x\" ];\n", 1,
	  "headers: ': x' must be \"Name: value\"" },
	{ __LINE__, "space before the colon (RFC 9112 5.1)", NULL, "headers = [ \"X-A : 1\" ];\n", 1,
	  "headers: 'X-A : 1': " TOKEN },
	{ __LINE__, "a separator in the name", NULL, "headers = [ \"X(A): 1\" ];\n", 1,
	  "headers: 'X(A): 1': " TOKEN },
	{ __LINE__, "non-ASCII name", NULL, "headers = [ \"X-\xc3\xa9: 1\" ];\n", 1,
	  "headers: 'X-\xc3\xa9: 1': " TOKEN },
	{ __LINE__, "CR LF in the value (response splitting)", NULL,
	  "headers = [ \"X-A: 1\\r\\nSet-Cookie: a=b\" ];\n", 1,
	  "headers: 'X-A': the value holds a control character (RFC 9110 5.5)" },
	{ __LINE__, "a bare LF in the value", NULL, "headers = [ \"X-A: a\\nb\" ];\n", 1,
	  "headers: 'X-A': the value holds a control character (RFC 9110 5.5)" },
	{ __LINE__, "DEL in the value", NULL, "headers = [ \"X-A: a\x7f\" ];\n", 1,
	  "headers: 'X-A': the value holds a control character (RFC 9110 5.5)" },
	{ __LINE__, "an empty value", NULL, "headers = [ \"X-A:\" ];\n", 1,
	  "headers: 'X-A' has no value" },
	{ __LINE__, "a value of white space", NULL, "headers = [ \"X-A: \\t \" ];\n", 1,
	  "headers: 'X-A' has no value" },
	{ __LINE__, "Content-Length", NULL, "headers = [ \"Content-Length: 0\" ];\n", 1,
	  "headers: 'Content-Length' " OWNED },
	{ __LINE__, "transfer-encoding, any case", NULL,
	  "headers = [ \"transfer-encoding: chunked\" ];\n", 1,
	  "headers: 'Transfer-Encoding' " OWNED },
	{ __LINE__, "Connection", NULL, "headers = [ \"Connection: close\" ];\n", 1,
	  "headers: 'Connection' " OWNED },
	{ __LINE__, "Keep-Alive", NULL, "headers = [ \"Keep-Alive: timeout=5\" ];\n", 1,
	  "headers: 'Keep-Alive' " OWNED },
	{ __LINE__, "Upgrade", NULL, "headers = [ \"Upgrade: h2c\" ];\n", 1,
	  "headers: 'Upgrade' " OWNED },
	{ __LINE__, "Trailer", NULL, "headers = [ \"Trailer: X\" ];\n", 1,
	  "headers: 'Trailer' " OWNED },
	{ __LINE__, "TE", NULL, "headers = [ \"te: trailers\" ];\n", 1,
	  "headers: 'TE' " OWNED },
	{ __LINE__, "Proxy-Connection", NULL, "headers = [ \"Proxy-Connection: x\" ];\n", 1,
	  "headers: 'Proxy-Connection' " OWNED },
	{ __LINE__, "Content-Range", NULL, "headers = [ \"Content-Range: bytes 0-1/2\" ];\n", 1,
	  "headers: 'Content-Range' " OWNED },
	{ __LINE__, "Date", NULL, "headers = [ \"Date: x\" ];\n", 1, "headers: 'Date' " OWNED },
	{ __LINE__, "Server (server_tokens decides it)", NULL,
	  "headers = [ \"Server: Apache\" ];\n", 1, "headers: 'Server' " OWNED },
	{ __LINE__, "a bad entry after a good one", NULL,
	  "headers = [ \"X-A: 1\",\n  \"Date: x\" ];\n", 2, "headers: 'Date' " OWNED },
	{ __LINE__, "vhost headers bad", NULL,
	  "vhosts = ( { server_name = \"a\";\n  headers = [ \"X-A\" ]; } );\n", 2,
	  "vhosts[0].headers: 'X-A' must be \"Name: value\"" },
	/* cgi_env */
	{ __LINE__, "cgi_env a list", NULL, "cgi_env = [ \"A=1\" ];\n", 1,
	  "cgi_env: must be a group { NAME = \"value\"; }" },
	{ __LINE__, "cgi_env a string", NULL, "cgi_env = \"A=1\";\n", 1,
	  "cgi_env: must be a group { NAME = \"value\"; }" },
	{ __LINE__, "cgi_env value a number", NULL, "cgi_env = {\n  A = 1; };\n", 2,
	  "cgi_env.A: must be a string" },
	{ __LINE__, "cgi_env value a group", NULL, "cgi_env = { A = { }; };\n", 1,
	  "cgi_env.A: must be a string" },
	{ __LINE__, "cgi_env name with '-'", NULL, "cgi_env = { APP-ENV = \"x\"; };\n", 1,
	  "cgi_env: 'APP-ENV' " BADNAME },
	{ __LINE__, "cgi_env name with '*'", NULL, "cgi_env = { A* = \"x\"; };\n", 1,
	  "cgi_env: 'A*' " BADNAME },
	{ __LINE__, "HTTP_*", NULL, "cgi_env = {\n  HTTP_HOST = \"x\"; };\n", 2,
	  "cgi_env: 'HTTP_HOST' " SHADOW },
	{ __LINE__, "HTTP_PROXY (httpoxy)", NULL, "cgi_env = { HTTP_PROXY = \"x\"; };\n", 1,
	  "cgi_env: 'HTTP_PROXY' " SHADOW },
	{ __LINE__, "REMOTE_*", NULL, "cgi_env = { REMOTE_HOST = \"x\"; };\n", 1,
	  "cgi_env: 'REMOTE_HOST' " SHADOW },
	{ __LINE__, "SERVER_*", NULL, "cgi_env = { SERVER_ADMIN = \"x\"; };\n", 1,
	  "cgi_env: 'SERVER_ADMIN' " SHADOW },
	{ __LINE__, "REDIRECT_*", NULL, "cgi_env = { REDIRECT_STATUS = \"200\"; };\n", 1,
	  "cgi_env: 'REDIRECT_STATUS' " SHADOW },
	{ __LINE__, "PFHTTPD_*", NULL, "cgi_env = { PFHTTPD_PEER_ADDR = \"x\"; };\n", 1,
	  "cgi_env: 'PFHTTPD_PEER_ADDR' " SHADOW },
	{ __LINE__, "PATH_INFO", NULL, "cgi_env = { PATH_INFO = \"x\"; };\n", 1,
	  "cgi_env: 'PATH_INFO' " SHADOW },
	{ __LINE__, "PATH_TRANSLATED", NULL, "cgi_env = { PATH_TRANSLATED = \"x\"; };\n", 1,
	  "cgi_env: 'PATH_TRANSLATED' " SHADOW },
	{ __LINE__, "SCRIPT_NAME", NULL, "cgi_env = { SCRIPT_NAME = \"x\"; };\n", 1,
	  "cgi_env: 'SCRIPT_NAME' " SHADOW },
	{ __LINE__, "SCRIPT_FILENAME", NULL, "cgi_env = { SCRIPT_FILENAME = \"x\"; };\n", 1,
	  "cgi_env: 'SCRIPT_FILENAME' " SHADOW },
	{ __LINE__, "QUERY_STRING", NULL, "cgi_env = { QUERY_STRING = \"x\"; };\n", 1,
	  "cgi_env: 'QUERY_STRING' " SHADOW },
	{ __LINE__, "REQUEST_METHOD", NULL, "cgi_env = { REQUEST_METHOD = \"x\"; };\n", 1,
	  "cgi_env: 'REQUEST_METHOD' " SHADOW },
	{ __LINE__, "REQUEST_URI", NULL, "cgi_env = { REQUEST_URI = \"x\"; };\n", 1,
	  "cgi_env: 'REQUEST_URI' " SHADOW },
	{ __LINE__, "CONTENT_TYPE", NULL, "cgi_env = { CONTENT_TYPE = \"x\"; };\n", 1,
	  "cgi_env: 'CONTENT_TYPE' " SHADOW },
	{ __LINE__, "CONTENT_LENGTH", NULL, "cgi_env = { CONTENT_LENGTH = \"1\"; };\n", 1,
	  "cgi_env: 'CONTENT_LENGTH' " SHADOW },
	{ __LINE__, "GATEWAY_INTERFACE", NULL, "cgi_env = { GATEWAY_INTERFACE = \"x\"; };\n", 1,
	  "cgi_env: 'GATEWAY_INTERFACE' " SHADOW },
	{ __LINE__, "AUTH_TYPE", NULL, "cgi_env = { AUTH_TYPE = \"x\"; };\n", 1,
	  "cgi_env: 'AUTH_TYPE' " SHADOW },
	{ __LINE__, "DOCUMENT_ROOT", NULL, "cgi_env = { DOCUMENT_ROOT = \"x\"; };\n", 1,
	  "cgi_env: 'DOCUMENT_ROOT' " SHADOW },
	{ __LINE__, "PATH (cgi.path)", NULL, "cgi_env = { PATH = \"/tmp\"; };\n", 1,
	  "cgi_env: 'PATH' " SHADOW },
	{ __LINE__, "LD_PRELOAD", NULL, "cgi_env = { LD_PRELOAD = \"/tmp/x.so\"; };\n", 1,
	  "cgi_env: 'LD_PRELOAD' " STEERS },
	{ __LINE__, "BASH_ENV", NULL, "cgi_env = { BASH_ENV = \"/tmp/x\"; };\n", 1,
	  "cgi_env: 'BASH_ENV' " STEERS },
	{ __LINE__, "PHPRC", NULL, "cgi_env = { PHPRC = \"/tmp\"; };\n", 1,
	  "cgi_env: 'PHPRC' " STEERS },
	{ __LINE__, "a bad name after good ones", NULL,
	  "cgi_env = { A = \"1\";\n  B = \"2\";\n  SERVER_NAME = \"x\"; };\n", 3,
	  "cgi_env: 'SERVER_NAME' " SHADOW },
	{ __LINE__, "vhost cgi_env bad", NULL,
	  "vhosts = ( { server_name = \"a\";\n  cgi_env = { HTTP_X = \"1\"; }; } );\n", 2,
	  "vhosts[0].cgi_env: 'HTTP_X' " SHADOW },
	/* pass_env */
	{ __LINE__, "pass_env a string", NULL, "pass_env = \"TZ\";\n", 1,
	  "pass_env: must be a list of strings" },
	{ __LINE__, "pass_env empty name", NULL, "pass_env = [ \"\" ];\n", 1,
	  "pass_env: '' " BADNAME },
	{ __LINE__, "pass_env digit first", NULL, "pass_env = [ \"1TZ\" ];\n", 1,
	  "pass_env: '1TZ' " BADNAME },
	{ __LINE__, "pass_env with '='", NULL, "pass_env = [ \"TZ=UTC\" ];\n", 1,
	  "pass_env: 'TZ=UTC' " BADNAME },
	{ __LINE__, "pass_env REMOTE_ADDR", NULL, "pass_env = [\n  \"REMOTE_ADDR\" ];\n", 2,
	  "pass_env: 'REMOTE_ADDR' " SHADOW },
	{ __LINE__, "pass_env HTTP_PROXY", NULL, "pass_env = [ \"HTTP_PROXY\" ];\n", 1,
	  "pass_env: 'HTTP_PROXY' " SHADOW },
	{ __LINE__, "pass_env LD_LIBRARY_PATH", NULL, "pass_env = [ \"LD_LIBRARY_PATH\" ];\n", 1,
	  "pass_env: 'LD_LIBRARY_PATH' " STEERS },
	{ __LINE__, "pass_env http_proxy", NULL, "pass_env = [ \"http_proxy\" ];\n", 1,
	  "pass_env: 'http_proxy' " STEERS },
	/* charset */
	{ __LINE__, "charset a number", NULL, "charset = 8859;\n", 1, "charset: must be a string" },
	{ __LINE__, "charset with a space", NULL, "charset = \"utf 8\";\n", 1,
	  "charset: 'utf 8' " CHARSET },
	{ __LINE__, "charset quoted", NULL, "charset = \"\\\"utf-8\\\"\";\n", 1,
	  "charset: '\"utf-8\"' " CHARSET },
	{ __LINE__, "charset with ';' (a second parameter)", NULL,
	  "charset = \"utf-8; x=y\";\n", 1, "charset: 'utf-8; x=y' " CHARSET },
	{ __LINE__, "vhost charset bad", NULL,
	  "vhosts = ( { server_name = \"a\";\n  charset = \"a/b\"; } );\n", 2,
	  "vhosts[0].charset: 'a/b' " CHARSET },
	{ __LINE__, "location headers bad", NULL,
	  "locations = ( { path = \"/a/\";\n  headers = [ \"Date: x\" ]; } );\n", 2,
	  "locations[0].headers: 'Date' " OWNED },
	{ __LINE__, "location cgi_env bad", NULL,
	  "locations = ( { path = \"/a/\";\n  cgi_env = { REMOTE_USER = \"x\"; }; } );\n", 2,
	  "locations[0].cgi_env: 'REMOTE_USER' " SHADOW },
	{ __LINE__, "location charset bad", NULL,
	  "locations = ( { path = \"/a/\"; charset = \"a b\"; } );\n", 1,
	  "locations[0].charset: 'a b' " CHARSET },
	{ __LINE__, "server_tokens in a location", NULL,
	  "locations = ( { path = \"/a/\"; server_tokens = false; } );\n", 1,
	  "locations[0].server_tokens: not allowed in a location (only path, redirect and the "
	  "per-path keys are)" },
	/* server_tokens */
	{ __LINE__, "server_tokens a string", NULL, "server_tokens = \"off\";\n", 1,
	  "server_tokens: must be true or false" },
	{ __LINE__, "server_tokens in a vhost", NULL,
	  "vhosts = ( { server_name = \"a\";\n  server_tokens = false; } );\n", 2,
	  "vhosts[0].server_tokens: not allowed in a vhost (only at the top level)" },
};

START_TEST(test_pathset_errors)
{
	check_err(&pathset_err_cases[_i]);
}
END_TEST

/* -t's notice for a pass_env name the server's environment lacks: once, where it is written. */
START_TEST(test_pass_env_notice)
{
	char *got = NULL, want[4096];
	size_t len = 0;
	struct conf c;
	FILE *out;

	ck_assert_int_eq(setenv("HDRS_SET", "1", 1), 0);
	ck_assert_int_eq(unsetenv("HDRS_UNSET"), 0);
	ck_assert_int_eq(unsetenv("HDRS_UNSET2"), 0);
	ck_assert_int_eq(unsetenv("HDRS_UNSET3"), 0);
	load_check("pass_env = [ \"HDRS_SET\", \"HDRS_UNSET\" ];\n"
		   "vhosts = ( { server_name = \"a\"; },\n  { server_name = \"b\";\n"
		   "  pass_env = [ \"HDRS_UNSET\", \"HDRS_UNSET2\" ];\n"
		   "  locations = ( { path = \"/x/\";\n    pass_env = [ \"HDRS_UNSET3\" ]; } ); } );\n",
		   &c);
	snprintf(want, sizeof want,
		 "%s:1: notice: pass_env: 'HDRS_UNSET' is not in the server's environment: "
		 "scripts will not get it\n"
		 "%s:4: notice: vhost 'b': pass_env: 'HDRS_UNSET2' is not in the server's "
		 "environment: scripts will not get it\n"
		 "%s:6: notice: vhost 'b': pass_env: 'HDRS_UNSET3' is not in the server's "
		 "environment: scripts will not get it\n", c.file, c.file, c.file);
	out = open_memstream(&got, &len);
	ck_assert_ptr_nonnull(out);
	conf_check_notices(&c, out);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_str_eq(got, want);
	free(got);
	conf_free(&c);
}
END_TEST

/* ---- the key table against the documentation ------------------------------ */

/* The whole of a file of the source tree (the suites run from its top). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int ch;

	ck_assert_msg(fp != NULL, "%s: %s (run the suite from the source tree)", path,
		      strerror(errno));
	ck_assert_ptr_nonnull(mem);
	while ((ch = getc(fp)) != EOF)
		putc(ch, mem);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(fclose(mem), 0);
	return buf;
}

/* "name =" (maybe after '#', spaces or '{', maybe with spaces before '='). */
static bool conf_text_sets(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		const char *q = p + len;

		if (p > text && !strchr(" \t\n#{", p[-1]))
			continue;
		q += strspn(q, " \t");
		if (*q == '=')
			return true;
	}
	return false;
}

/* ".B name" or ".SS name" on a line of its own: the key's own entry. */
static bool man_describes(const char *man, const char *name)
{
	char b[128], ss[128];

	snprintf(b, sizeof b, "\n.B %s\n", name);
	snprintf(ss, sizeof ss, "\n.SS %s\n", name);
	return strstr(man, b) || strstr(man, ss);
}

static void check_documented(const struct conf_table *t, const char *man, const char *etc,
			     int depth)
{
	ck_assert_int_lt(depth, 8);
	for (const struct conf_key *k = t->keys; k->name; k++) {
		ck_assert_msg(man_describes(man, k->name), "key '%s' has no entry in "
			      "man/pfhttpd.conf.5", k->name);
		ck_assert_msg(conf_text_sets(etc, k->name), "key '%s' is not in "
			      "etc/pfhttpd.conf", k->name);
		/* vhosts' table is the top level's own keys again. */
		if (k->sub && k->sub->keys != t->keys)
			check_documented(k->sub, man, etc, depth + 1);
	}
}

/* STYLE: every key once in etc/pfhttpd.conf and in pfhttpd.conf(5). */
START_TEST(test_keys_documented)
{
	char *man = slurp("man/pfhttpd.conf.5"), *etc = slurp("etc/pfhttpd.conf");

	check_documented(&conf_root_table, man, etc, 0);
	free(man);
	free(etc);
}
END_TEST

/* ---- conf_parse_listen --------------------------------------------------- */

struct listen_case {
	int src_line;
	const char *what;
	const char *text;
	int family;                  /* 0: must be rejected */
	const char *addr;
	int port;
};

static const struct listen_case listen_cases[] = {
	{ __LINE__, "IPv4 any", "0.0.0.0:80", AF_INET, "0.0.0.0", 80 },
	{ __LINE__, "IPv4 loopback", "127.0.0.1:8080", AF_INET, "127.0.0.1", 8080 },
	{ __LINE__, "star", "*:80", AF_INET, "0.0.0.0", 80 },
	{ __LINE__, "IPv6 any", "[::]:80", AF_INET6, "::", 80 },
	{ __LINE__, "IPv6 loopback", "[::1]:8080", AF_INET6, "::1", 8080 },
	{ __LINE__, "bare port", "8080", AF_INET, "0.0.0.0", 8080 },
	{ __LINE__, "highest port", "*:65535", AF_INET, "0.0.0.0", 65535 },
	{ __LINE__, "port 1", "1", AF_INET, "0.0.0.0", 1 },
	{ __LINE__, "empty", "", 0, NULL, 0 },
	{ __LINE__, "missing port", "127.0.0.1", 0, NULL, 0 },
	{ __LINE__, "empty port", "127.0.0.1:", 0, NULL, 0 },
	{ __LINE__, "missing host", ":80", 0, NULL, 0 },
	{ __LINE__, "port 0", "*:0", 0, NULL, 0 },
	{ __LINE__, "bare port 0", "0", 0, NULL, 0 },
	{ __LINE__, "port 65536", "*:65536", 0, NULL, 0 },
	{ __LINE__, "port overflow", "*:4294967377", 0, NULL, 0 },
	{ __LINE__, "negative port", "*:-80", 0, NULL, 0 },
	{ __LINE__, "signed port", "*:+80", 0, NULL, 0 },
	{ __LINE__, "port with space", "*: 80", 0, NULL, 0 },
	{ __LINE__, "trailing junk", "127.0.0.1:80x", 0, NULL, 0 },
	{ __LINE__, "hostname", "localhost:80", 0, NULL, 0 },
	{ __LINE__, "short IPv4", "127.1:80", 0, NULL, 0 },
	{ __LINE__, "IPv4 octet 256", "256.0.0.1:80", 0, NULL, 0 },
	{ __LINE__, "IPv6 without brackets", "::1:80", 0, NULL, 0 },
	{ __LINE__, "IPv6 without port", "[::1]", 0, NULL, 0 },
	{ __LINE__, "IPv6 without colon", "[::1]80", 0, NULL, 0 },
	{ __LINE__, "IPv6 unclosed", "[::1:80", 0, NULL, 0 },
	{ __LINE__, "IPv6 empty", "[]:80", 0, NULL, 0 },
	{ __LINE__, "IPv4 in brackets", "[127.0.0.1]:80", 0, NULL, 0 },
	{ __LINE__, "IPv6 zone id", "[fe80::1%lo]:80", 0, NULL, 0 },
	{ __LINE__, "IPv6 name", "[localhost]:80", 0, NULL, 0 },
	{ __LINE__, "overlong IPv6", "[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]:80",
	  0, NULL, 0 },
	{ __LINE__, "star in brackets", "[*]:80", 0, NULL, 0 },
};

START_TEST(test_parse_listen)
{
	const struct listen_case *l = &listen_cases[_i];
	struct conf_listen got;
	int rc;

	memset(&got, 0, sizeof got);
	rc = conf_parse_listen(l->text, &got.addr, &got.addrlen);
	if (!l->family) {
		ck_assert_msg(rc == -1, "line %d (%s): '%s' accepted", l->src_line,
			      l->what, l->text);
		return;
	}
	ck_assert_msg(rc == 0, "line %d (%s): '%s' rejected", l->src_line, l->what,
		      l->text);
	got.text = (char *)l->text;
	assert_listen(&got, l->family, l->addr, l->port, l->text);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static TCase *conf_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	return tc;
}

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *core = conf_tcase("core");
	TCase *paths = conf_tcase("paths");
	TCase *bad = conf_tcase("bad_input");
	TCase *listen = tcase_create("listen");
	TCase *check = tcase_create("check");

	tcase_add_test(core, test_full);
	tcase_add_test(core, test_full_numbers);
	tcase_add_test(core, test_full_cgi);
	tcase_add_test(core, test_full_operations);
	tcase_add_loop_test(core, test_log_levels, 0,
			    (int)(sizeof level_cases / sizeof level_cases[0]));
	tcase_add_test(core, test_defaults);
	tcase_add_test(core, test_access_log_format);
	tcase_add_test(core, test_defaults_numbers);
	tcase_add_test(core, test_cgi_empty_group);
	tcase_add_test(core, test_int64_and_edges);
	tcase_add_test(core, test_free_is_idempotent);
	tcase_add_test(core, test_status_absent);
	tcase_add_test(core, test_status_defaults);
	tcase_add_test(core, test_status_full);
	tcase_add_test(core, test_vhosts);
	tcase_add_test(core, test_vhost_cgi_inherits);
	tcase_add_test(core, test_vhost_access_status);
	tcase_add_test(core, test_vhost_copy_is_deep);
	tcase_add_test(core, test_shared_top_keys);
	tcase_add_test(core, test_proxy_only_listen);
	tcase_add_test(core, test_shared_defaults);
	tcase_add_test(core, test_real_ip);
	tcase_add_test(core, test_keys_documented);
	tcase_add_test(core, test_precompressed_location);
	tcase_add_loop_test(core, test_precompressed, 0,
			    (int)(sizeof(precomp_cases) / sizeof(precomp_cases[0])));
	tcase_add_loop_test(core, test_autoindex, 0,
			    (int)(sizeof autoindex_cases / sizeof autoindex_cases[0]));
	tcase_add_loop_test(core, test_vhost_names, 0,
			    (int)(sizeof host_cases / sizeof host_cases[0]));
	tcase_add_test(paths, test_relative_server_root);
	tcase_add_test(paths, test_relative_below_server_root);
	tcase_add_test(paths, test_relative_config_path);
	tcase_add_test(paths, test_server_root_slash);
	tcase_add_loop_test(bad, test_errors, 0,
			    (int)(sizeof err_cases / sizeof err_cases[0]));
	tcase_add_loop_test(bad, test_pathset_errors, 0,
			    (int)(sizeof pathset_err_cases / sizeof pathset_err_cases[0]));
	tcase_add_test(core, test_pathset);
	tcase_add_test(core, test_pathset_defaults);
	tcase_add_test(core, test_pathset_location);
	tcase_add_test(bad, test_missing_file);
	tcase_add_test(bad, test_small_err_buffer);
	tcase_set_timeout(listen, 10);
	tcase_add_loop_test(listen, test_parse_listen, 0,
			    (int)(sizeof listen_cases / sizeof listen_cases[0]));
	suite_add_tcase(s, core);
	suite_add_tcase(s, paths);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, listen);
	tcase_add_unchecked_fixture(check, check_setup, teardown);
	tcase_set_timeout(check, 10);
	tcase_add_loop_test(check, test_check, 0,
			    (int)(sizeof check_cases / sizeof check_cases[0]));
	tcase_add_test(check, test_check_cgi_directory_gone);
	tcase_add_test(check, test_pass_env_notice);
	tcase_add_loop_test(check, test_check_notices, 0,
			    (int)(sizeof notice_cases / sizeof notice_cases[0]));
	suite_add_tcase(s, check);
	return s;
}

int main(void)
{
	return unit_run(conf_suite());
}
