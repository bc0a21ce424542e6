/*
 * check_fallback — the document root stays a wall without openat2, and
 * scripts run by the kernel's rule without faccessat2.
 *
 * static.c opens files with openat2(RESOLVE_BENEATH) and, where the kernel
 * lacks it (ENOSYS, Linux < 5.6) or a seccomp filter refuses it (EPERM or
 * ENOSYS: container runtimes, systemd's SystemCallFilter=), falls back to
 * realpath() and a prefix check. This suite puts the server under such a
 * filter: the test process installs a seccomp program that fails openat2
 * with ENOSYS (or EPERM) before it starts the server, and the server, its
 * workers and its scripts inherit it across fork() and execve() (seccomp(2)).
 *
 * Why a filter and not a switch in the server (an environment variable, a
 * build-time hook): it is exactly how production ends up on the fallback,
 * the binary under test is the one that ships, and no administrator gets a
 * knob that weakens containment.
 *
 * The rows are check_security's for what the fallback decides: a symlink
 * that leaves the root is 403, files and symlinks inside it are served,
 * dotfiles stay 403, a missing file is 404 with the configured error page
 * (also opened through static_open).
 *
 * The same way, the faccessat2 fallback of cgi.c (Linux < 5.8): a filter
 * that fails faccessat2 with ENOSYS, and scripts whose owner, group and
 * mode put each class of the kernel's execute rule to the test.
 */
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "check_fallback: add this architecture's AUDIT_ARCH_ value"
#endif

static struct hs_server srv;

/* Fail system call nr with err; allow everything else (and other ABIs' calls). */
static void deny_syscall(long nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };

	/* Without no_new_privs only CAP_SYS_ADMIN may install a filter. */
	ck_assert_msg(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs: %s", strerror(errno));
	ck_assert_msg(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0,
		      "seccomp: %s", strerror(errno));
}

static void deny_openat2(int err)
{
	long rc;
	int e;

	deny_syscall(SYS_openat2, err);
	rc = syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0);
	e = errno;
	ck_assert_msg(rc == -1 && e == err, "openat2 under the filter: %ld, %s", rc, strerror(e));
}

static void put_link(const char *name, const char *target)
{
	char link[HS_PATH];

	snprintf(link, sizeof link, "%s/htdocs/%s", srv.root, name);
	if (symlink(target, link) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("symlink %s: %s", link, strerror(errno));
	}
}

/*
 * Besides the harness's fixtures: a symlink inside the root to a file inside
 * it (realpath() must follow it), and one into htdocs2/, a sibling whose
 * name starts with the root's (a bare prefix test would let it through).
 */
static void start(int err)
{
	deny_openat2(err);
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1 ||
	    hs_put_str(&srv, "htdocs/sub/deep.txt", "pfhttpd-test-deep\n") == -1 ||
	    hs_put_str(&srv, "htdocs2/evil.txt", "pfhttpd-test-sibling\n") == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot create the server root fixtures");
	}
	put_link("link-hello", "sub/deep.txt");
	put_link("link-sibling", "../htdocs2/evil.txt");
	{
		char msg[9000];

		if (hs_start(&srv, NULL, msg, sizeof msg) == -1) {
			hs_destroy(&srv);
			ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
		}
	}
}

static void setup_enosys(void) { start(ENOSYS); }
static void setup_eperm(void)  { start(EPERM); }

static void teardown(void)
{
	hs_destroy(&srv);
}

static const struct fallback_case {
	int line;
	const char *desc;
	const char *target;
	int status;
	const char *body;       /* must be in the body, or NULL */
} cases[] = {
	{ __LINE__, "plain file",                   "/hello.txt",              200, HS_HELLO },
	{ __LINE__, "file in a subdirectory",       "/sub/deep.txt",           200, "pfhttpd-test-deep" },
	{ __LINE__, "directory index",              "/sub/",                   200, HS_SUB_MARKER },
	{ __LINE__, "root index",                   "/",                       200, HS_INDEX_MARKER },
	{ __LINE__, "symlink inside the root",      "/link-hello",             200, "pfhttpd-test-deep" },
	{ __LINE__, "symlink to the secret",        "/link-secret",            403, NULL },
	{ __LINE__, "absolute symlink to secret",   "/link-abs",               403, NULL },
	{ __LINE__, "symlink to the parent dir",    "/link-parent/secret.txt", 403, NULL },
	{ __LINE__, "symlink to a prefix sibling",  "/link-sibling",           403, NULL },
	{ __LINE__, "symlinked parent listing",     "/link-parent/",           403, NULL },
	{ __LINE__, "dotfile",                      "/.htpasswd",              403, NULL },
	{ __LINE__, "dot directory",                "/.git/config",            403, NULL },
	{ __LINE__, "missing file, error page",     "/nope.txt",               404, HS_404_MARKER },
	{ __LINE__, "missing directory",            "/nope/x.txt",             404, HS_404_MARKER },
};

START_TEST(test_row)
{
	const struct fallback_case *c = &cases[_i];
	struct hs_response *r = calloc(1, sizeof(*r));
	char req[512];

	ck_assert_ptr_nonnull(r);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		 c->target);
	ck_assert_msg(hs_exchange(&srv, req, r) == 0, "line %d (%s): no response", c->line, c->desc);
	ck_assert_msg(r->status == c->status, "line %d (%s): %s is %d, want %d",
		      c->line, c->desc, c->target, r->status, c->status);
	ck_assert_msg(c->body == NULL || strstr(r->body, c->body) != NULL,
		      "line %d (%s): body lacks \"%s\": %.300s", c->line, c->desc, c->body, r->body);
	ck_assert_msg(strstr(r->body, srv.secret) == NULL && strstr(r->body, HS_DOT_MARKER) == NULL &&
		      strstr(r->body, "pfhttpd-test-sibling") == NULL,
		      "line %d (%s): %s leaks a secret", c->line, c->desc, c->target);
	free(r);
}
END_TEST

/* The filter really is on the server's processes (Seccomp: 2 = filter mode). */
START_TEST(test_filter_inherited)
{
	pid_t w[8];
	char path[64], buf[8192];
	int n;

	ck_assert_msg(hs_wait_children(srv.pid, 2, HS_TIMEOUT_MS), "the pool of 2 did not come up");
	n = hs_workers(srv.pid, w, 8);
	ck_assert_int_ge(n, 1);
	snprintf(path, sizeof path, "/proc/%d/status", (int)w[0]);
	ck_assert_int_gt(hs_slurp(path, buf, sizeof buf), 0);
	ck_assert_msg(strstr(buf, "\nSeccomp:\t2\n") != NULL, "worker %d has no filter", (int)w[0]);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * cgi.c asks faccessat2(AT_EACCESS | AT_EMPTY_PATH) whether the opened
 * script may be executed; without faccessat2 (ENOSYS, Linux < 5.8) glibc
 * refuses AT_EMPTY_PATH with EINVAL, and cgi_mode_executable() applies the
 * kernel's rule itself (fs/namei.c): root needs any x bit; otherwise the
 * owner's bits when the worker owns the file, else the group's when it is
 * in the file's group, else the others' (the first class that matches
 * decides, even when a later one would allow). Each row is a script with
 * its owner, group and mode, run by workers that are www-data or root
 * under a filter that fails faccessat2 with ENOSYS.
 */
#define RAN "pfhttpd-fallback-ran"

static const struct exec_case {
	int line;
	const char *desc;
	bool root;              /* the workers run as root, else as www-data */
	const char *name;       /* below cgi-bin/ */
	bool own, grp;          /* owner, group www-data (else root) */
	mode_t mode;
	int status;             /* 200 with RAN, or 403 and the log line */
} exec_cases[] = {
	{ __LINE__, "others may execute",             false, "t-other.sh",    false, false, 0755, 200 },
	{ __LINE__, "only owner and group may",       false, "t-nother.sh",   false, false, 0754, 403 },
	{ __LINE__, "the owner may",                  false, "t-owner.sh",    true,  false, 0744, 200 },
	{ __LINE__, "the owner may not, others may",  false, "t-nowner.sh",   true,  false, 0645, 403 },
	{ __LINE__, "the group may",                  false, "t-group.sh",    false, true,  0750, 200 },
	{ __LINE__, "the group may not, others may",  false, "t-ngroup.sh",   false, true,  0745, 403 },
	{ __LINE__, "root: an x bit for others only", true,  "t-rootx.sh",    true,  true,  0701, 200 },
	{ __LINE__, "root: no x bit at all",          true,  "t-rootnx.sh",   false, false, 0644, 403 },
};

static void put_script(const struct exec_case *c, uid_t uid, gid_t gid)
{
	char rel[HS_PATH], path[HS_PATH * 2];

	snprintf(rel, sizeof rel, "cgi-bin/%s", c->name);
	snprintf(path, sizeof path, "%s/%s", srv.root, rel);
	if (hs_put_str(&srv, rel, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n"
		       RAN "\\n'\n") == -1 ||
	    chown(path, c->own ? uid : 0, c->grp ? gid : 0) == -1 || chmod(path, c->mode) == -1)
		ck_abort_msg("cannot write %s: %s", path, strerror(errno));
}

static void exec_row(const struct exec_case *c)
{
	struct hs_response *r = calloc(1, sizeof(*r));
	char req[512], found[2048];

	ck_assert_ptr_nonnull(r);
	snprintf(req, sizeof req, "GET /cgi-bin/%s HTTP/1.1\r\nHost: localhost\r\n"
		 "Connection: close\r\n\r\n", c->name);
	ck_assert_msg(hs_exchange(&srv, req, r) == 0, "line %d (%s): no response", c->line, c->desc);
	ck_assert_msg(r->status == c->status, "line %d (%s): status %d, want %d: %.300s",
		      c->line, c->desc, r->status, c->status, r->raw);
	if (c->status == 200)
		ck_assert_msg(strcmp(r->body, RAN "\n") == 0, "line %d (%s): body %.300s",
			      c->line, c->desc, r->body);
	else
		ck_assert_msg(!hs_contains(r->raw, r->raw_len, RAN) &&
			      hs_wait_file_contains(srv.error_log, c->name, 3000) &&
			      hs_find_line(srv.error_log, c->name, "script is not executable",
					   found, sizeof found),
			      "line %d (%s): not refused as not executable: %.300s",
			      c->line, c->desc, r->raw);
	free(r);
}

/* _i 0: workers as www-data, 1: as root; one server each, its rows in turn. */
START_TEST(test_exec_rule)
{
	const bool root = _i == 1;
	const struct passwd *pw = getpwnam("www-data");
	char msg[9000];
	long rc;

	if (geteuid() != 0 || pw == NULL) {
		printf("SKIP: test_exec_rule needs root and the user www-data\n");
		return;
	}
	deny_syscall(SYS_faccessat2, ENOSYS);
	rc = syscall(SYS_faccessat2, AT_FDCWD, ".", X_OK, AT_EACCESS | AT_EMPTY_PATH);
	ck_assert_msg(rc == -1 && errno == ENOSYS, "faccessat2 under the filter: %ld", rc);
	ck_assert_msg(faccessat(AT_FDCWD, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) == -1 &&
		      errno == EINVAL, "glibc without faccessat2: %s", strerror(errno));
	if (hs_root_init(&srv) == -1 || hs_fixtures(&srv) == -1)
		ck_abort_msg("cannot create the server root");
	hs_open_root(&srv);
	for (int i = 0; i < NELEM(exec_cases); i++)
		if (exec_cases[i].root == root)
			put_script(&exec_cases[i], pw->pw_uid, pw->pw_gid);
	if (hs_start(&srv, root ? "cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\"; };\n"
		     : "user = \"www-data\";\n"
		     "cgi = { alias = \"/cgi-bin/\"; directory = \"cgi-bin\"; };\n",
		     msg, sizeof msg) == -1) {
		hs_destroy(&srv);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
	for (int i = 0; i < NELEM(exec_cases); i++)
		if (exec_cases[i].root == root)
			exec_row(&exec_cases[i]);
	hs_destroy(&srv);
}
END_TEST



static Suite *fallback_suite(void)
{
	Suite *s = suite_create("fallback");
	TCase *tc = tcase_create("enosys");

	tcase_add_checked_fixture(tc, setup_enosys, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_filter_inherited);
	tcase_add_loop_test(tc, test_row, 0, NELEM(cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("eperm");
	tcase_add_checked_fixture(tc, setup_eperm, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_row, 0, NELEM(cases));
	suite_add_tcase(s, tc);

	/* Each test installs its own filter and starts its own server. */
	tc = tcase_create("faccessat2");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_exec_rule, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_main(fallback_suite());
}
