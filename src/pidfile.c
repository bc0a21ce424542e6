#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pidfile_write(const char *path, pid_t pid, char *err, size_t errlen)
{
	char tmp[PATH_MAX], buf[32];
	int fd, n;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "pid_file '%s': path too long", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (fchmod(fd, 0644) < 0 || write(fd, buf, (size_t)n) != n) {
		close(fd);
		goto fail_unlink;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail_unlink;
	return 0;
fail_unlink:
	n = errno;
	unlink(tmp);
	errno = n;
fail:
	snprintf(err, errlen, "cannot write pid_file '%s': %s", path, strerror(errno));
	return -1;
}

pid_t pidfile_read(const char *path, char *err, size_t errlen)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot read pid_file '%s': %s", path, strerror(errno));
		return errno == ENOENT ? 0 : -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read pid_file '%s': %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v <= 0 || v > INT_MAX) {
		snprintf(err, errlen, "pid_file '%s' holds no pid", path);
		return 0;
	}
	return (pid_t)v;
}

/* Is pid a pfhttpd process? Its comm is the binary's name, whatever its title says. */
static int pidfile_is_pfhttpd(pid_t pid)
{
	char path[64], comm[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno != ENOENT; /* no /proc: trust kill(0) alone */
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	comm[n] = '\0';
	return strncmp(comm, "pfhttpd", 7) == 0;
}

pid_t pidfile_running(const char *path)
{
	char err[256];
	pid_t pid = pidfile_read(path, err, sizeof(err));

	if (pid <= 0 || pid == getpid())
		return 0;
	if (kill(pid, 0) < 0 && errno != EPERM)
		return 0;
	return pidfile_is_pfhttpd(pid) ? pid : 0;
}
