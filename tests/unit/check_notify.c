/*
 * Unit tests for notify: sd_notify(3)'s protocol without libsystemd. A real
 * AF_UNIX datagram socket, bound at a path or in the abstract namespace
 * ("@name"), receives exactly the state sent; a $NOTIFY_SOCKET that is
 * unset, relative, too long for sun_path or names nobody sends nothing and
 * never fails the caller.
 */
#include "unit.h"
#include "notify.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[64];
static int rx = -1;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pfhttpd-notify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	if (rx >= 0)
		close(rx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Bind a datagram socket at name ("@..." abstract) and point $NOTIFY_SOCKET at it. */
static void listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);

	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
}

/* The next datagram within ms, or "" when none came. */
static const char *next(int ms)
{
	static char buf[256];
	struct pollfd p = { .fd = rx, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, ms) == 1 && (n = recv(rx, buf, sizeof(buf) - 1, 0)) >= 0)
		buf[n] = '\0';
	return buf;
}

START_TEST(test_path_socket)
{
	char name[128];

	snprintf(name, sizeof(name), "%s/notify.sock", dir);
	listen_at(name);
	notify_send("READY=1");
	notify_send("STOPPING=1");
	ck_assert_str_eq(next(2000), "READY=1");
	ck_assert_str_eq(next(2000), "STOPPING=1");
	ck_assert_str_eq(next(50), "");
}
END_TEST

START_TEST(test_abstract_socket)
{
	char name[128];

	snprintf(name, sizeof(name), "@pfhttpd-notify-test-%d", (int)getpid());
	listen_at(name);
	notify_send("RELOADING=1");
	ck_assert_str_eq(next(2000), "RELOADING=1");
}
END_TEST

/* Ignored: nothing arrives at the socket we hold, and the caller goes on. */
START_TEST(test_ignored)
{
	static const struct { int line; const char *desc; const char *value; } rows[] = {
		{ __LINE__, "unset",                    NULL },
		{ __LINE__, "relative path",            "notify.sock" },
		{ __LINE__, "empty",                    "" },
		{ __LINE__, "longer than sun_path",     NULL /* built below */ },
		{ __LINE__, "names no socket",          "/nonexistent/notify.sock" },
	};
	char name[128], longname[200];

	snprintf(name, sizeof(name), "%s/notify.sock", dir);
	listen_at(name);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *v = i == 3 ? longname : rows[i].value;

		if (v)
			ck_assert_int_eq(setenv("NOTIFY_SOCKET", v, 1), 0);
		else
			ck_assert_int_eq(unsetenv("NOTIFY_SOCKET"), 0);
		notify_send("READY=1");
		ck_assert_msg(next(50)[0] == '\0', "line %d (%s): something arrived", rows[i].line,
			      rows[i].desc);
	}
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_path_socket);
	tcase_add_test(core, test_abstract_socket);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 5);
	tcase_add_test(bad, test_ignored);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(notify_suite());
}
