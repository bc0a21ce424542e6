/*
 * fiu_extra — failure points for the Linux calls pfhttpd makes that
 * libfiu's own POSIX preload library (fiu_posix_preload.so, Debian's
 * libfiu0) does not wrap: accept4, pipe2, socketpair, epoll_*, sendfile,
 * setsockopt, dup2, setsid, getrlimit, setrlimit, syscall(SYS_openat2), and
 * what a CGI script's process does before its exec (cgi_spawn.c): clone
 * ("linux/proc/clone"), setpgid, dup3 and chdir;
 * and for pfhttpd-suexec (check_suexec runs it as root, so the preload
 * holds): setgroups, setresgid, setresuid, getresuid, getresgid
 * ("posix/proc/..."), prctl ("linux/proc/prctl"), fchdir and getcwd
 * ("posix/io/dir/..."), fstat and fstat64 ("posix/io/stat/fstat");
 * and "posix/io/net/sendmsg/fds", sendmsg() passing descriptors only (a
 * connection handed between worker and keeper, not a response's bytes).
 * And "pfhttpd/mm/malloc", ".../calloc", ".../realloc", ".../strdup": an
 * allocation asked for by pfhttpd's own code (the caller's address lies in
 * the executable), so that out-of-memory paths can be walked without
 * failing inside libconfig, which crashes when its malloc fails.
 * Likewise "pfhttpd/io/open", "pfhttpd/io/read", "pfhttpd/io/write" and
 * "pfhttpd/io/fstat" (which libfiu does not wrap at all): libfiu's own
 * posix/io/oc/open and posix/io/rw/write also strike its remote-control
 * thread, which reopens and answers on its FIFO, so a "onetime" failure
 * could be spent there instead of in pfhttpd.
 *
 * Contract: preloaded before fiu_run_preload.so and fiu_posix_preload.so
 * (check_faults does it; its sendmsg then calls theirs), each wrapper asks libfiu whether its point
 * (named as in libfiu's function_list, "posix/..." or "linux/...") should
 * fail; if so it returns the call's failure value with errno set to the
 * point's failinfo (as libfiu's own wrappers do: "failinfo=24" is EMFILE),
 * or to a plausible default when failinfo is 0. Otherwise it calls the real
 * function. It is test code: it never links into pfhttpd.
 *
 * It also starts every thread with all signals blocked. The only threads in
 * pfhttpd's processes are libfiu's remote-control ones, which do not block
 * signals and give up on their FIFO at the first EINTR: a SIGCHLD the
 * master blocks while busy went to that thread, and fiu-ctrl lost the
 * process. Blocked there, signals reach the thread that waits for them.
 */
#define FIU_ENABLE 1   /* fiu.h: the real calls, not its no-op stubs */
#include <dlfcn.h>
#include <link.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <fiu.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <grp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The real function named sym (first call resolves it). */
#define REAL(sym) \
	static __typeof__(&sym) real_##sym; \
	if (real_##sym == NULL) \
		real_##sym = (__typeof__(&sym))dlsym(RTLD_NEXT, #sym)

/*
 * Once exit() runs, nothing fails any more: under make coverage gcov writes
 * its counters then, from code linked into the executable, and crashes
 * when an allocation it makes fails. Registered at the first check, so
 * after the handler that runs the destructors: it runs before them.
 */
static volatile int exiting;

static void stop_failing(void)
{
	exiting = 1;
}

/* Should point fail? Then errno is its failinfo, or dflt. */
static int fails(const char *point, int dflt)
{
	static int registered;

	if (!registered) {
		registered = 1;
		atexit(stop_failing);
	}
	if (exiting || fiu_fail(point) == 0)
		return 0;
	errno = fiu_failinfo() != NULL ? (int)(intptr_t)fiu_failinfo() : dflt;
	return 1;
}

/* The executable's code, found on first use (dl_iterate_phdr lists it first). */
static uintptr_t exe_lo, exe_hi;

static int exe_range(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			exe_lo = info->dlpi_addr + ph->p_vaddr;
			exe_hi = exe_lo + ph->p_memsz;
		}
	}
	return 1; /* the first object is the executable: stop */
}

static bool from_exe(const void *ra)
{
	if (exe_hi == 0)
		dl_iterate_phdr(exe_range, NULL);
	return (uintptr_t)ra >= exe_lo && (uintptr_t)ra < exe_hi;
}

/*
 * dlsym() may allocate: while it looks up the next allocator, glibc's own
 * serves (the same heap, so free() takes either).
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static __thread int resolving;

#define NEXT(sym, fallback) \
	static __typeof__(&sym) next_##sym; \
	if (next_##sym == NULL) { \
		if (resolving) \
			return fallback; \
		resolving = 1; \
		next_##sym = (__typeof__(&sym))dlsym(RTLD_NEXT, #sym); \
		resolving = 0; \
	}

void *malloc(size_t n)
{
	NEXT(malloc, __libc_malloc(n));
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/mm/malloc", ENOMEM))
		return NULL;
	return next_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	NEXT(calloc, __libc_calloc(n, size));
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/mm/calloc", ENOMEM))
		return NULL;
	return next_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	NEXT(realloc, __libc_realloc(p, n));
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/mm/realloc", ENOMEM))
		return NULL;
	return next_realloc(p, n);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/mm/strdup", ENOMEM))
		return NULL;
	d = malloc(n); /* from here: not pfhttpd's call */
	return d != NULL ? memcpy(d, s, n) : NULL;
}

int open(const char *path, int flags, ...)
{
	REAL(open);
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/io/open", EMFILE))
		return -1;
	return real_open(path, flags, mode);
}

ssize_t read(int fd, void *buf, size_t n)
{
	REAL(read);
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/io/read", EIO))
		return -1;
	return real_read(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);
	if (from_exe(__builtin_return_address(0)) && fails("pfhttpd/io/write", EIO))
		return -1;
	return real_write(fd, buf, n);
}

/*
 * glibc 2.33 and later export fstat itself (before, it was an inline
 * __fxstat call). Two points: "pfhttpd/io/fstat" for the server's own
 * calls only, "posix/io/stat/fstat" for any (pfhttpd-suexec's).
 */
int fstat(int fd, struct stat *st)
{
	REAL(fstat);
	if ((from_exe(__builtin_return_address(0)) && fails("pfhttpd/io/fstat", EIO)) ||
	    fails("posix/io/stat/fstat", EIO))
		return -1;
	return real_fstat(fd, st);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	REAL(pthread_create);
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = real_pthread_create(t, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	REAL(accept4);
	if (fails("posix/io/net/accept4", EMFILE))
		return -1;
	return real_accept4(fd, addr, len, flags);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	REAL(sendmsg);
	if (msg->msg_controllen > 0 && fails("posix/io/net/sendmsg/fds", EBADF))
		return -1;
	return real_sendmsg(fd, msg, flags);
}

int pipe2(int fds[2], int flags)
{
	REAL(pipe2);
	if (fails("linux/io/pipe2", EMFILE))
		return -1;
	return real_pipe2(fds, flags);
}

/*
 * glibc's clone(): fn, stack, flags, arg, then parent_tid, tls and
 * child_tid only for the flags that use them; pfhttpd passes none, and
 * reading an argument that was not passed would be undefined.
 */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	REAL(clone);
	const int extra = CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_CHILD_SETTID |
			  CLONE_CHILD_CLEARTID | CLONE_PIDFD;
	pid_t *ptid;
	void *tls;
	pid_t *ctid;
	va_list ap;

	if (fails("linux/proc/clone", EAGAIN))
		return -1;
	if (!(flags & extra))
		return real_clone(fn, stack, flags, arg);
	va_start(ap, arg);
	ptid = va_arg(ap, pid_t *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, pid_t *);
	va_end(ap);
	return real_clone(fn, stack, flags, arg, ptid, tls, ctid);
}

int socketpair(int dom, int type, int proto, int sv[2])
{
	REAL(socketpair);
	if (fails("posix/io/net/socketpair", EMFILE))
		return -1;
	return real_socketpair(dom, type, proto, sv);
}

int epoll_create1(int flags)
{
	REAL(epoll_create1);
	if (fails("linux/io/epoll_create1", EMFILE))
		return -1;
	return real_epoll_create1(flags);
}

int epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
	REAL(epoll_ctl);
	if (fails("linux/io/epoll_ctl", ENOMEM))
		return -1;
	return real_epoll_ctl(ep, op, fd, ev);
}

int epoll_pwait(int ep, struct epoll_event *ev, int max, int ms, const sigset_t *mask)
{
	REAL(epoll_pwait);
	if (fails("linux/io/epoll_pwait", EBADF))
		return -1;
	return real_epoll_pwait(ep, ev, max, ms, mask);
}

int epoll_wait(int ep, struct epoll_event *ev, int max, int ms)
{
	REAL(epoll_wait);
	if (fails("linux/io/epoll_wait", EBADF))
		return -1;
	return real_epoll_wait(ep, ev, max, ms);
}

ssize_t sendfile(int out, int in, off_t *off, size_t n)
{
	REAL(sendfile);
	if (fails("linux/io/sendfile", EIO))
		return -1;
	return real_sendfile(out, in, off, n);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	REAL(setsockopt);
	if (fails("posix/io/net/setsockopt", ENOMEM))
		return -1;
	return real_setsockopt(fd, level, name, val, len);
}

int dup2(int from, int to)
{
	REAL(dup2);
	if (fails("posix/io/oc/dup2", EBADF))
		return -1;
	return real_dup2(from, to);
}

int setpgid(pid_t pid, pid_t pgid)
{
	REAL(setpgid);
	if (fails("posix/proc/setpgid", EPERM))
		return -1;
	return real_setpgid(pid, pgid);
}

int dup3(int from, int to, int flags)
{
	REAL(dup3);
	if (fails("linux/io/dup3", EBADF))
		return -1;
	return real_dup3(from, to, flags);
}

int chdir(const char *path)
{
	REAL(chdir);
	if (fails("posix/io/dir/chdir", EACCES))
		return -1;
	return real_chdir(path);
}

pid_t setsid(void)
{
	REAL(setsid);
	if (fails("posix/proc/setsid", EPERM))
		return -1;
	return real_setsid();
}

int getrlimit(__rlimit_resource_t res, struct rlimit *rl)
{
	REAL(getrlimit);
	if (fails("posix/proc/getrlimit", EINVAL))
		return -1;
	return real_getrlimit(res, rl);
}

int setrlimit(__rlimit_resource_t res, const struct rlimit *rl)
{
	REAL(setrlimit);
	if (fails("posix/proc/setrlimit", EPERM))
		return -1;
	return real_setrlimit(res, rl);
}

/*
 * syscall(2) takes at most six arguments, each a register-sized word on
 * Linux; passing six longs through is what glibc's own syscall() reads.
 */
long syscall(long nr, ...)
{
	REAL(syscall);
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_openat2 && fails("linux/io/openat2", EMFILE))
		return -1;
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ---- pfhttpd-suexec's identity switch and checks ---------------------------- */

int setgroups(size_t n, const gid_t *list)
{
	REAL(setgroups);
	if (fails("posix/proc/setgroups", EPERM))
		return -1;
	return real_setgroups(n, list);
}

int setresgid(gid_t r, gid_t e, gid_t s)
{
	REAL(setresgid);
	if (fails("posix/proc/setresgid", EPERM))
		return -1;
	return real_setresgid(r, e, s);
}

int setresuid(uid_t r, uid_t e, uid_t s)
{
	REAL(setresuid);
	if (fails("posix/proc/setresuid", EAGAIN))
		return -1;
	return real_setresuid(r, e, s);
}

int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	REAL(getresuid);
	if (fails("posix/proc/getresuid", EFAULT))
		return -1;
	return real_getresuid(r, e, s);
}

int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	REAL(getresgid);
	if (fails("posix/proc/getresgid", EFAULT))
		return -1;
	return real_getresgid(r, e, s);
}

/* prctl(2) takes at most four more arguments, each an unsigned long (see syscall above). */
int prctl(int option, ...)
{
	REAL(prctl);
	unsigned long a[4];
	va_list ap;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (fails("linux/proc/prctl", EINVAL))
		return -1;
	return real_prctl(option, a[0], a[1], a[2], a[3]);
}

int fchdir(int fd)
{
	REAL(fchdir);
	if (fails("posix/io/dir/fchdir", EACCES))
		return -1;
	return real_fchdir(fd);
}

char *getcwd(char *buf, size_t n)
{
	REAL(getcwd);
	if (fails("posix/io/dir/getcwd", ENAMETOOLONG))
		return NULL;
	return real_getcwd(buf, n);
}

int fstat64(int fd, struct stat64 *st)
{
	REAL(fstat64);
	if (fails("posix/io/stat/fstat", EIO))
		return -1;
	return real_fstat64(fd, st);
}
