/*
 * Unit tests for ctl (and scm): the master's control messages over a real
 * SOCK_SEQPACKET socketpair. Good messages arrive with their descriptors
 * (close-on-exec); anything malformed (wrong size, no bytes but a
 * descriptor, a descriptor count that does not match, too many descriptors)
 * is dropped with its descriptors closed and the next message still
 * arrives; nothing waiting is 0 with errno kept (a worker calls this from a
 * signal handler); a closed master is -1 ECONNRESET; a full or closed peer
 * never blocks or raises SIGPIPE.
 */
#include "unit.h"
#include "ctl.h"
#include "scm.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int sv[2];

static void setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
}

static void teardown(void)
{
	close(sv[0]);
	close(sv[1]);
}

/* A descriptor whose identity can be checked on the other side (a pipe's read end). */
static int marker(int *write_end)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	*write_end = p[1];
	return p[0];
}

/* Do a and b name the same open file? */
static int same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

START_TEST(test_roundtrip_logs)
{
	static const struct {
		int line;
		const char *desc;
		int flags, nfds;
		int want_used;
		bool want_err, want_acc;
	} rows[] = {
		{ __LINE__, "both logs",              CTL_LOGS_ERR | CTL_LOGS_ACC, 2, 2, true,  true },
		{ __LINE__, "error log only",         CTL_LOGS_ERR,                1, 1, true,  false },
		{ __LINE__, "access log only",        CTL_LOGS_ACC,                1, 1, false, true },
		{ __LINE__, "no log",                 0,                           0, 0, false, false },
		{ __LINE__, "flags without fds",      CTL_LOGS_ERR | CTL_LOGS_ACC, 0, 0, false, false },
		{ __LINE__, "two flags, one fd",      CTL_LOGS_ERR | CTL_LOGS_ACC, 1, 1, true,  false },
		{ __LINE__, "an extra fd is unused",  CTL_LOGS_ERR,                2, 1, true,  false },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct ctl_msg m = { .type = CTL_LOGS, .flags = rows[r].flags, .nfds = rows[r].nfds }, got;
		int w[CTL_MAX_FDS], e, a, used;

		for (int i = 0; i < m.nfds; i++)
			m.fds[i] = marker(&w[i]);
		ck_assert_int_eq(ctl_send(sv[0], &m), 0);
		errno = 1234;
		ck_assert_msg(ctl_recv(sv[1], &got) == 1, "line %d (%s)", rows[r].line, rows[r].desc);
		ck_assert_int_eq(errno, 1234);
		ck_assert_int_eq(got.type, CTL_LOGS);
		ck_assert_int_eq(got.flags, rows[r].flags);
		ck_assert_int_eq(got.nfds, rows[r].nfds);
		for (int i = 0; i < got.nfds; i++) {
			ck_assert_msg(same_file(got.fds[i], m.fds[i]), "line %d: fd %d", rows[r].line, i);
			ck_assert_int_eq(fcntl(got.fds[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		}
		for (int i = got.nfds; i < CTL_MAX_FDS; i++)
			ck_assert_int_eq(got.fds[i], -1);
		used = ctl_logs(&got, &e, &a);
		ck_assert_msg(used == rows[r].want_used, "line %d (%s): used %d", rows[r].line,
			      rows[r].desc, used);
		ck_assert_msg((e >= 0) == rows[r].want_err && (a >= 0) == rows[r].want_acc,
			      "line %d (%s): err %d acc %d", rows[r].line, rows[r].desc, e, a);
		for (int i = 0; i < m.nfds; i++) {
			close(m.fds[i]);
			close(w[i]);
			close(got.fds[i]);
		}
	}
}
END_TEST

START_TEST(test_send_bad_count)
{
	struct ctl_msg m = { .type = CTL_LOGS, .nfds = -1 };

	errno = 0;
	ck_assert_int_eq(ctl_send(sv[0], &m), -1);
	ck_assert_int_eq(errno, EINVAL);
	m.nfds = CTL_MAX_FDS + 1;
	errno = 0;
	ck_assert_int_eq(ctl_send(sv[0], &m), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Malformed datagrams are dropped (their descriptors closed); the good one behind them arrives. */
START_TEST(test_recv_drops_malformed)
{
	int32_t wire[3] = { CTL_OUTBOX, 0, 1 };
	int32_t longer[4] = { CTL_OUTBOX, 0, 0, 0 };
	int w, fd = marker(&w), many[CTL_MAX_FDS + 2], wm[CTL_MAX_FDS + 2];
	struct ctl_msg got, good = { .type = CTL_OUTBOX, .nfds = 0 };
	signal(SIGPIPE, SIG_IGN); /* the checks below write to pipes whose readers are gone */
	unit_send_fds(sv[0], wire, 8, NULL, 0);                        /* short */
	unit_send_fds(sv[0], wire, 0, &fd, 1);                         /* no bytes, one fd: not EOF */
	unit_send_fds(sv[0], longer, sizeof(longer), NULL, 0);         /* long */
	unit_send_fds(sv[0], wire, sizeof(wire), NULL, 0);             /* says 1 fd, carries none */
	wire[2] = 0;
	unit_send_fds(sv[0], wire, sizeof(wire), &fd, 1);              /* says 0 fds, carries 1 */
	for (int i = 0; i < CTL_MAX_FDS + 2; i++)
		many[i] = marker(&wm[i]);
	wire[2] = CTL_MAX_FDS + 2;
	unit_send_fds(sv[0], wire, sizeof(wire), many, CTL_MAX_FDS + 2); /* too many */
	ck_assert_int_eq(ctl_send(sv[0], &good), 0);

	ck_assert_int_eq(ctl_recv(sv[1], &got), 1);
	ck_assert_int_eq(got.type, CTL_OUTBOX);
	ck_assert_int_eq(got.nfds, 0);
	/* The dropped copies were closed: with ours closed too, the pipes' readers are gone. */
	close(fd);
	ck_assert_int_eq(write(w, "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	for (int i = 0; i < CTL_MAX_FDS + 2; i++) {
		close(many[i]);
		ck_assert_int_eq(write(wm[i], "x", 1), -1);
		close(wm[i]);
	}
	close(w);
}
END_TEST

START_TEST(test_recv_nothing_and_eof)
{
	struct ctl_msg got;

	errno = 4321;
	ck_assert_int_eq(ctl_recv(sv[1], &got), 0);
	ck_assert_int_eq(errno, 4321);
	close(sv[0]);
	sv[0] = -1;
	ck_assert_int_eq(ctl_recv(sv[1], &got), -1);
	ck_assert_int_eq(errno, ECONNRESET);
}
END_TEST

/* A recvmsg error other than EAGAIN: -1 with it (a socket that is not connected). */
START_TEST(test_recv_error)
{
	struct ctl_msg got;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ctl_recv(s, &got), -1);
	ck_assert_int_eq(errno, ENOTCONN);
	close(s);
}
END_TEST

/* The master never blocks and never takes SIGPIPE: a full peer is EAGAIN, a gone one EPIPE. */
START_TEST(test_send_full_and_gone)
{
	struct ctl_msg m = { .type = CTL_OUTBOX };
	int i, n = 1, pair[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
	close(pair[1]);
	ck_assert_int_eq(ctl_send(pair[0], &m), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(pair[0]);

	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &n, sizeof(n)), 0);
	for (i = 0; i < 100000 && ctl_send(sv[0], &m) == 0; i++)
		;
	ck_assert_msg(i < 100000, "never full");
	ck_assert_int_eq(errno, EAGAIN);
}
END_TEST

/* scm_take_fds skips control messages that are not SCM_RIGHTS and stops at max. */
START_TEST(test_scm_other_cmsg_and_max)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(3 * sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	int fds[2] = { -1, -1 }, three[3] = { 7, 8, 9 };

	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS + 100; /* not SCM_RIGHTS */
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	cm = CMSG_NXTHDR(&msg, cm);
	ck_assert_ptr_nonnull(cm);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(cm), three, sizeof(three));
	ck_assert_int_eq(scm_take_fds(&msg, fds, 2), 2);
	ck_assert_int_eq(fds[0], 7);
	ck_assert_int_eq(fds[1], 8);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET + 1;     /* not SOL_SOCKET */
	cm->cmsg_type = SCM_RIGHTS;
	ck_assert_int_eq(scm_take_fds(&msg, fds, 2), 2);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 10);
	tcase_add_test(core, test_roundtrip_logs);
	tcase_add_test(core, test_recv_nothing_and_eof);
	tcase_add_test(core, test_send_full_and_gone);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 10);
	tcase_add_test(bad, test_send_bad_count);
	tcase_add_test(bad, test_recv_drops_malformed);
	tcase_add_test(bad, test_recv_error);
	tcase_add_test(bad, test_scm_other_cmsg_and_max);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(ctl_suite());
}
