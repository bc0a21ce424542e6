/*
 * Unit tests for suexec_check: the rules pfhttpd-suexec applies before it
 * runs a script as another user (one row per failing check, and the rows
 * that pass), and its environment filter. The facts (struct stat, passwd
 * and group entries) are built by hand: no file, no user, no root needed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cgi_env.h"
#include "suexec_check.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define OK NULL

/* ---- identity ---------------------------------------------------------------- */

struct id_case {
	int line;
	const char *desc;
	bool no_user, no_group;
	uid_t uid;
	gid_t gid;
	int64_t min_uid, min_gid;
	uid_t caller_uid;
	gid_t caller_gid;
	const char *want;
};

static const struct id_case id_cases[] = {
	{ __LINE__, "an ordinary site user", false, false, 1001, 1001, 1000, 1000, 33, 33, OK },
	{ __LINE__, "exactly at the minimum", false, false, 1000, 1000, 1000, 1000, 33, 33, OK },
	{ __LINE__, "unknown user", true, false, 1001, 1001, 1000, 1000, 33, 33, SUEXEC_C_USER },
	{ __LINE__, "unknown group", false, true, 1001, 1001, 1000, 1000, 33, 33, SUEXEC_C_GROUP },
	{ __LINE__, "both unknown: the user is named first", true, true, 1, 1, 0, 0, 33, 33, SUEXEC_C_USER },
	{ __LINE__, "uid below min_uid", false, false, 999, 1001, 1000, 1000, 33, 33, SUEXEC_C_UID },
	{ __LINE__, "uid 0 even with min_uid 0", false, false, 0, 1001, 0, 0, 33, 33, SUEXEC_C_UID },
	{ __LINE__, "uid below the compiled floor, min_uid 1", false, false, 33, 1001, 1, 1, 1000, 1000, SUEXEC_C_UID },
	{ __LINE__, "the server's own uid", false, false, 1001, 1002, 1000, 1000, 1001, 33, SUEXEC_C_UID },
	{ __LINE__, "gid below min_gid", false, false, 1001, 999, 1000, 1000, 33, 33, SUEXEC_C_GID },
	{ __LINE__, "gid 0 even with min_gid 0", false, false, 1001, 0, 0, 0, 33, 33, SUEXEC_C_GID },
	{ __LINE__, "the server's own gid", false, false, 1001, 1002, 1000, 1000, 33, 1002, SUEXEC_C_GID },
	{ __LINE__, "uid checked before gid", false, false, 5, 5, 1000, 1000, 33, 33, SUEXEC_C_UID },
	{ __LINE__, "a negative min is the floor", false, false, 150, 150, -5, -5, 33, 33, OK },
};

START_TEST(test_identity)
{
	const struct id_case *c = &id_cases[_i];
	struct passwd pw = { .pw_name = "site", .pw_uid = c->uid, .pw_gid = c->gid };
	struct group gr = { .gr_name = "site", .gr_gid = c->gid };
	const char *got = suexec_check_identity(c->no_user ? NULL : &pw, c->no_group ? NULL : &gr,
						c->min_uid, c->min_gid, c->caller_uid, c->caller_gid);

	ck_assert_msg((got == NULL) == (c->want == NULL) && (!got || strcmp(got, c->want) == 0),
		      "line %d (%s): got %s, want %s", c->line, c->desc, got ? got : "OK",
		      c->want ? c->want : "OK");
}
END_TEST

/* ---- command and location ------------------------------------------------------ */

struct str_case {
	int line;
	const char *desc;
	const char *a, *b;
	const char *want;
};

static const struct str_case cmd_cases[] = {
	{ __LINE__, "a plain name", "env.cgi", NULL, OK },
	{ __LINE__, "below subdirectories", "a/b/env.cgi", NULL, OK },
	{ __LINE__, "dots inside a name", "a..b/x...y", NULL, OK },
	{ __LINE__, "a hidden file, './'", "./.x", NULL, OK },
	{ __LINE__, "empty", "", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "absolute", "/usr/bin/id", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "'..' alone", "..", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "leading '../'", "../x", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "'/../' inside", "a/../../x", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "trailing '/..'", "a/..", NULL, SUEXEC_C_COMMAND },
	{ __LINE__, "a directory, no file", "a/", NULL, SUEXEC_C_COMMAND },
};

START_TEST(test_command)
{
	const struct str_case *c = &cmd_cases[_i];
	const char *got = suexec_check_command(c->a);

	ck_assert_msg((got == NULL) == (c->want == NULL), "line %d (%s): got %s", c->line, c->desc,
		      got ? got : "OK");
}
END_TEST

static const struct str_case beneath_cases[] = {
	{ __LINE__, "the base itself", "/srv/a", "/srv/a", OK },
	{ __LINE__, "below it", "/srv/a", "/srv/a/cgi/sub", OK },
	{ __LINE__, "everything is below /", "/", "/srv", OK },
	{ __LINE__, "a sibling sharing the prefix", "/srv/a", "/srv/ab", SUEXEC_C_BENEATH },
	{ __LINE__, "the parent", "/srv/a", "/srv", SUEXEC_C_BENEATH },
	{ __LINE__, "elsewhere", "/srv/a", "/etc", SUEXEC_C_BENEATH },
	{ __LINE__, "a relative real path", "/", "srv", SUEXEC_C_BENEATH },
};

START_TEST(test_beneath)
{
	const struct str_case *c = &beneath_cases[_i];
	const char *got = suexec_check_beneath(c->a, c->b);

	ck_assert_msg((got == NULL) == (c->want == NULL), "line %d (%s): got %s", c->line, c->desc,
		      got ? got : "OK");
}
END_TEST

/* ---- the directory, the script, the interpreter ---------------------------------- */

struct stat_case {
	int line;
	const char *desc;
	mode_t mode;       /* type and permission bits */
	uid_t owner;
	bool runs_itself;  /* scripts: no interpreter */
	const char *want;
};

#define TARGET 1001

static const struct stat_case dir_cases[] = {
	{ __LINE__, "0755, the target's", S_IFDIR | 0755, TARGET, false, OK },
	{ __LINE__, "0711, the target's", S_IFDIR | 0711, TARGET, false, OK },
	{ __LINE__, "not a directory", S_IFREG | 0755, TARGET, false, SUEXEC_C_DIR_TYPE },
	{ __LINE__, "group-writable", S_IFDIR | 0775, TARGET, false, SUEXEC_C_DIR_WRITABLE },
	{ __LINE__, "world-writable", S_IFDIR | 0757, TARGET, false, SUEXEC_C_DIR_WRITABLE },
	{ __LINE__, "sticky /tmp-like", S_IFDIR | 01777, TARGET, false, SUEXEC_C_DIR_WRITABLE },
	{ __LINE__, "another user's", S_IFDIR | 0755, 1002, false, SUEXEC_C_DIR_OWNER },
	{ __LINE__, "root's", S_IFDIR | 0755, 0, false, SUEXEC_C_DIR_OWNER },
};

static const struct stat_case script_cases[] = {
	{ __LINE__, "0755 program", S_IFREG | 0755, TARGET, true, OK },
	{ __LINE__, "0700 program", S_IFREG | 0700, TARGET, true, OK },
	{ __LINE__, "0100 execute-only", S_IFREG | 0100, TARGET, true, OK },
	{ __LINE__, "0644 file for an interpreter", S_IFREG | 0644, TARGET, false, OK },
	{ __LINE__, "0600 file for an interpreter", S_IFREG | 0600, TARGET, false, OK },
	{ __LINE__, "a directory", S_IFDIR | 0755, TARGET, true, SUEXEC_C_SCRIPT_TYPE },
	{ __LINE__, "a symbolic link", S_IFLNK | 0777, TARGET, true, SUEXEC_C_SCRIPT_TYPE },
	{ __LINE__, "a FIFO", S_IFIFO | 0755, TARGET, true, SUEXEC_C_SCRIPT_TYPE },
	{ __LINE__, "setuid", S_IFREG | 04755, TARGET, true, SUEXEC_C_SCRIPT_SETID },
	{ __LINE__, "setgid", S_IFREG | 02755, TARGET, true, SUEXEC_C_SCRIPT_SETID },
	{ __LINE__, "group-writable", S_IFREG | 0775, TARGET, true, SUEXEC_C_SCRIPT_WRITABLE },
	{ __LINE__, "world-writable", S_IFREG | 0757, TARGET, true, SUEXEC_C_SCRIPT_WRITABLE },
	{ __LINE__, "world-writable, interpreter", S_IFREG | 0646, TARGET, false, SUEXEC_C_SCRIPT_WRITABLE },
	{ __LINE__, "another user's", S_IFREG | 0755, 1002, true, SUEXEC_C_SCRIPT_OWNER },
	{ __LINE__, "root's", S_IFREG | 0755, 0, true, SUEXEC_C_SCRIPT_OWNER },
	{ __LINE__, "not executable by its owner", S_IFREG | 0655, TARGET, true, SUEXEC_C_SCRIPT_EXEC },
	{ __LINE__, "0644 runs itself", S_IFREG | 0644, TARGET, true, SUEXEC_C_SCRIPT_EXEC },
};

static void check_stat(const struct stat_case *c, const char *got)
{
	ck_assert_msg((got == NULL) == (c->want == NULL) && (!got || strcmp(got, c->want) == 0),
		      "line %d (%s): got %s, want %s", c->line, c->desc, got ? got : "OK",
		      c->want ? c->want : "OK");
}

static struct stat stat_of(const struct stat_case *c)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = c->mode;
	st.st_uid = c->owner;
	st.st_gid = 4242; /* the file's group is never compared */
	return st;
}

START_TEST(test_dir)
{
	struct stat st = stat_of(&dir_cases[_i]);

	check_stat(&dir_cases[_i], suexec_check_dir(&st, TARGET));
}
END_TEST

START_TEST(test_script)
{
	struct stat st = stat_of(&script_cases[_i]);

	check_stat(&script_cases[_i], suexec_check_script(&st, TARGET, script_cases[_i].runs_itself));
}
END_TEST

/* The interpreter must be root's; runs_itself stands for "named by an absolute path". */
static const struct stat_case interp_cases[] = {
	{ __LINE__, "root's 0755 program", S_IFREG | 0755, 0, true, OK },
	{ __LINE__, "root's 0711 program", S_IFREG | 0711, 0, true, OK },
	{ __LINE__, "a relative name", S_IFREG | 0755, 0, false, SUEXEC_C_INTERPRETER },
	{ __LINE__, "a site user's program", S_IFREG | 0755, TARGET, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "a directory", S_IFDIR | 0755, 0, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "group-writable", S_IFREG | 0775, 0, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "world-writable", S_IFREG | 0757, 0, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "setuid root", S_IFREG | 04755, 0, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "setgid", S_IFREG | 02755, 0, true, SUEXEC_C_INTERPRETER },
	{ __LINE__, "not executable", S_IFREG | 0644, 0, true, SUEXEC_C_INTERPRETER },
};

START_TEST(test_interpreter)
{
	const struct stat_case *c = &interp_cases[_i];
	struct stat st = stat_of(c);

	check_stat(c, suexec_check_interpreter(c->runs_itself ? "/usr/bin/php-cgi" : "php-cgi", &st));
}
END_TEST

/* ---- the environment ---------------------------------------------------------- */

struct env_case {
	int line;
	const char *desc;
	const char *entry;
	bool allowed;
};

static const struct env_case env_cases[] = {
	{ __LINE__, "RFC 3875 meta-variable", "GATEWAY_INTERFACE=CGI/1.1", true },
	{ __LINE__, "an empty value", "QUERY_STRING=", true },
	{ __LINE__, "cgi_env's SCRIPT_FILENAME", "SCRIPT_FILENAME=/srv/a/x.php", true },
	{ __LINE__, "cgi_env's REQUEST_URI", "REQUEST_URI=/x?y", true },
	{ __LINE__, "REMOTE_USER (Basic auth)", "REMOTE_USER=alice", true },
	{ __LINE__, "a request field", "HTTP_USER_AGENT=curl", true },
	{ __LINE__, "a value with '='", "HTTP_COOKIE=a=b; c=d", true },
	{ __LINE__, "REDIRECT_STATUS (php-cgi)", "REDIRECT_STATUS=200", true },
	{ __LINE__, "another REDIRECT_*", "REDIRECT_URL=/missing", true },
	{ __LINE__, "the dynamic linker", "LD_PRELOAD=/tmp/evil.so", false },
	{ __LINE__, "LD_LIBRARY_PATH", "LD_LIBRARY_PATH=/tmp", false },
	{ __LINE__, "a bash function (Shellshock)", "BASH_FUNC_f%%=() { id; }", false },
	{ __LINE__, "IFS", "IFS= ", false },
	{ __LINE__, "the caller's PATH: the filter sets its own", "PATH=/tmp", false },
	{ __LINE__, "httpoxy", "HTTP_PROXY=http://evil:1", false },
	{ __LINE__, "HTTP_ with no name", "HTTP_=x", false },
	{ __LINE__, "REDIRECT_ with no name", "REDIRECT_=x", false },
	{ __LINE__, "an administrator's lower-case name (cgi_env)", "app_env=x", true },
	{ __LINE__, "an administrator's name (cgi_env)", "APP_ENV=production", true },
	{ __LINE__, "a name with a digit and '_' first", "_X1=1", true },
	{ __LINE__, "glibc's tunables (CVE-2023-4911)", "GLIBC_TUNABLES=glibc.malloc.x=1", false },
	{ __LINE__, "the dynamic linker's audit", "LD_AUDIT=/tmp/a.so", false },
	{ __LINE__, "iconv modules", "GCONV_PATH=/tmp", false },
	{ __LINE__, "malloc's tracing", "MALLOC_TRACE=/tmp/t", false },
	{ __LINE__, "bash's start-up file", "BASH_ENV=/tmp/x", false },
	{ __LINE__, "perl's options", "PERL5OPT=-Mevil", false },
	{ __LINE__, "python's path", "PYTHONPATH=/tmp", false },
	{ __LINE__, "php-cgi's php.ini", "PHPRC=/tmp", false },
	{ __LINE__, "node's options", "NODE_OPTIONS=--require=/tmp/x", false },
	{ __LINE__, "a lower-case proxy (libcurl reads it)", "http_proxy=http://evil:1", false },
	{ __LINE__, "HTTPS_PROXY", "HTTPS_PROXY=http://evil:1", false },
	{ __LINE__, "no '='", "SERVER_NAME", false },
	{ __LINE__, "empty name", "=x", false },
	{ __LINE__, "TZ (pass_env's typical name; Apache keeps it too)", "TZ=UTC", true },
	{ __LINE__, "a SERVER_* cgi_env never sets", "SERVER_ADMIN=x", false },
	{ __LINE__, "a REMOTE_* cgi_env never sets", "REMOTE_HOSTX=x", false },
	{ __LINE__, "a PFHTTPD_* cgi_env never sets", "PFHTTPD_SUEXEC_JUNK=1", false },
	{ __LINE__, "a name longer than an allowed one", "SERVER_SOFTWAREX=1", false },
	{ __LINE__, "a name shorter than an allowed one", "SERVER_SOFTWAR=1", false },
	{ __LINE__, "a name with a '-'", "HTTP_X-Y=1", false },
	{ __LINE__, "HTTP_ then lower case (cgi_env makes none; harmless)", "HTTP_user_agent=x", true },
	{ __LINE__, "HTTP_ then a space", "HTTP_A B=1", false },
	{ __LINE__, "a name starting with a digit", "1HTTP=1", false },
};

START_TEST(test_env_allowed)
{
	const struct env_case *c = &env_cases[_i];

	ck_assert_msg(suexec_env_allowed(c->entry) == c->allowed, "line %d (%s): '%s'", c->line,
		      c->desc, c->entry);
}
END_TEST

START_TEST(test_env_filter)
{
	char *in[] = { "LD_PRELOAD=x", "HTTP_HOST=a", "PATH=/tmp", "QUERY_STRING=q", "IFS= ", NULL };
	const char *out[NELEM(in) + 1];
	long n = suexec_env_filter(in, out, NELEM(out));

	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(out[0], "PATH=" PFHTTPD_SUEXEC_PATH);
	ck_assert_str_eq(out[1], "HTTP_HOST=a");
	ck_assert_str_eq(out[2], "QUERY_STRING=q");
	ck_assert_ptr_null(out[3]);
}
END_TEST

START_TEST(test_env_filter_room)
{
	char *in[] = { "HTTP_A=1", "HTTP_B=2", NULL };
	char *none[] = { NULL };
	const char *out[4];

	/* Never cut silently: one slot short of PATH, two entries and NULL fails. */
	ck_assert_int_eq(suexec_env_filter(in, out, 3), -1);
	ck_assert_int_eq(suexec_env_filter(in, out, 1), -1);
	ck_assert_int_eq(suexec_env_filter(in, out, 4), 3);
	ck_assert_int_eq(suexec_env_filter(none, out, 2), 1);
	ck_assert_ptr_null(out[1]);
}
END_TEST

/*
 * Every variable cgi_env builds (all optional ones on: a body, PATH_INFO,
 * Basic auth, an error page's REDIRECT_*) passes the filter, but PATH,
 * which it replaces: a name added to cgi_env.c without adding it here
 * would silently never reach a cgi.user script.
 */
START_TEST(test_env_covers_cgi_env)
{
	struct http_header h[] = {
		{ .name = { "Content-Type", 12 }, .value = { "text/plain", 10 } },
		{ .name = { "User-Agent", 10 }, .value = { "t", 1 } },
	};
	struct http_request hr = {
		.method_str = { "POST", 4 }, .proto = { "HTTP/1.1", 8 }, .path = { "/x/a", 4 },
		.query = { "q", 1 }, .has_query = true, .headers = h, .nheaders = NELEM(h),
	};
	struct cgi_env_in in = {
		.hr = &hr, .remote_addr = "127.0.0.1", .server_name = "s", .document_root = "/d",
		.script_name = "/x", .script_filename = "/d/x", .path_info = "/a",
		.content_length = 1, .path = "/bin", .auth_type = "Basic", .remote_user = "u",
		.redirect_status = 404, .redirect_url = { "/m", 2 }, .redirect_query = { "", 0 },
		.redirect_method = { "GET", 3 }, .peer_addr = "10.0.0.1", .peer_port = 4711,
	};
	struct cgi_env e;
	size_t path = 0;

	ck_assert_int_eq(cgi_env_build(&e, &in), 0);
	ck_assert_uint_ge(e.n, 27);
	for (size_t i = 0; i < e.n; i++) {
		if (strncmp(e.envp[i], "PATH=", 5) == 0) {
			path++;
			continue;
		}
		ck_assert_msg(suexec_env_allowed(e.envp[i]), "cgi_env sets %s, the filter drops it",
			      e.envp[i]);
	}
	ck_assert_uint_eq(path, 1);
	cgi_env_free(&e);
}
END_TEST

static Suite *suexec_suite(void)
{
	Suite *s = suite_create("suexec_check");
	TCase *checks = tcase_create("checks");
	TCase *env = tcase_create("env");

	tcase_set_timeout(checks, 5);
	tcase_add_loop_test(checks, test_identity, 0, NELEM(id_cases));
	tcase_add_loop_test(checks, test_command, 0, NELEM(cmd_cases));
	tcase_add_loop_test(checks, test_beneath, 0, NELEM(beneath_cases));
	tcase_add_loop_test(checks, test_dir, 0, NELEM(dir_cases));
	tcase_add_loop_test(checks, test_script, 0, NELEM(script_cases));
	tcase_add_loop_test(checks, test_interpreter, 0, NELEM(interp_cases));
	suite_add_tcase(s, checks);
	tcase_set_timeout(env, 5);
	tcase_add_loop_test(env, test_env_allowed, 0, NELEM(env_cases));
	tcase_add_test(env, test_env_filter);
	tcase_add_test(env, test_env_filter_room);
	tcase_add_test(env, test_env_covers_cgi_env);
	suite_add_tcase(s, env);
	return s;
}

int main(void)
{
	return unit_run(suexec_suite());
}
