/*
 * cgi_spawn — starting a script's process; the contract is in cgi_spawn.h.
 *
 * Why clone(CLONE_VM | CLONE_VFORK) and not fork(): fork() copies the
 * worker's page tables and then takes a copy-on-write fault for every page
 * either side touches before the exec, for each request; the vfork-style
 * child shares the memory and costs about as much as a thread. Why not
 * posix_spawn(): it cannot execveat() a descriptor (the checked script, so
 * that a file swapped in after the check cannot run), nor set rlimits, nor
 * report which step failed. The technique is glibc's own posix_spawn
 * (sysdeps/unix/sysv/linux/spawni.c): all signals blocked around the
 * clone, a separate stack for the child, every caught signal reset to
 * SIG_DFL in the child before its mask is lifted, and the failure of a step
 * reported through the shared memory.
 *
 * Under make coverage the child's counters land in the worker's memory, so
 * the worker writes them at its exit: the child must not call cov_flush()
 * (gcov's dump would run on the worker's state).
 */
#include "cgi_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The child's stack: in the worker's .bss, so it costs no memory until the
 * first script, then only the few pages the child touches (its calls are
 * shallow and never recurse), and it cannot fail to be allocated.
 */
#define CGI_SPAWN_STACK (64 * 1024)

/*
 * AddressSanitizer keeps one stack per thread and takes a frame on another
 * stack for an error; the child's few functions run on ours, so they are
 * left uninstrumented (they only make system calls).
 */
#if defined(__SANITIZE_ADDRESS__)
#define CGI_CHILD __attribute__((no_sanitize_address))
#else
#define CGI_CHILD
#endif

static char cgi_spawn_stack[CGI_SPAWN_STACK] __attribute__((aligned(64)));

/*
 * The signals the worker catches or ignores. A handler would run in the
 * child on shared memory (a stop flag set in the worker by the child's
 * SIGTERM), and an ignored signal stays ignored across exec (a script
 * would never see SIGPIPE): the child sets each back to SIG_DFL. The
 * worker sets its dispositions once, when it starts (worker_signals), so
 * they are read once, at its first script.
 */
static sigset_t cgi_spawn_caught;
static bool cgi_spawn_ready;

static void cgi_spawn_prepare(void)
{
	if (cgi_spawn_ready)
		return;
	sigemptyset(&cgi_spawn_caught);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		/* EINVAL for the C library's own real-time signals: not ours to reset. */
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
			sigaddset(&cgi_spawn_caught, sig);
	}
	cgi_spawn_ready = true;
}

/* In the child: say which step failed, and leave before anything runs. */
CGI_CHILD __attribute__((noreturn))
static void cgi_child_fail(struct cgi_spawn *s, const char *step)
{
	s->fail_errno = errno;
	s->fail = step;
	_exit(127);
}

CGI_CHILD
static void cgi_child_signals(void)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&cgi_spawn_caught, sig) == 1)
			sigaction(sig, &dfl, NULL); /* cannot fail: sig was read the same way */
}

/* Limits that cannot be set do not stop the script (a container may forbid them): a warning. */
CGI_CHILD
static void cgi_child_limits(struct cgi_spawn *s)
{
	const struct { int res; int64_t v; } lim[] = {
		{ RLIMIT_CPU, s->cpu }, { RLIMIT_AS, s->memory }, { RLIMIT_NPROC, s->processes },
	};

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl = { (rlim_t)lim[i].v, (rlim_t)lim[i].v };

		if (lim[i].v > 0 && setrlimit(lim[i].res, &rl) < 0) {
			s->warn_errno = errno;
			s->warn = "setrlimit";
		}
	}
}

/*
 * The child, between clone and exec. All signals are blocked on entry
 * (cgi_spawn_run) and unblocked only after every disposition is the
 * default, right before the exec. A "#!" script keeps its descriptor open
 * as CGI_SCRIPT_FD (dup3 without O_CLOEXEC): the kernel hands the
 * interpreter /dev/fd/3 (see cgi.c, cgi_exec_argv).
 */
CGI_CHILD
static int cgi_child(void *arg)
{
	struct cgi_spawn *s = arg;
	sigset_t none;
	/* Out of the way of the three dup2 below first, wherever the worker had it. */
	int sfd = s->script_fd >= 0 ? fcntl(s->script_fd, F_DUPFD_CLOEXEC, CGI_SCRIPT_FD + 1) : -1;

	if (s->script_fd >= 0 && sfd < 0)
		cgi_child_fail(s, "fcntl");
	cgi_child_signals();
	/* Its own group, so that the worker can stop it and all it started. */
	if (setpgid(0, 0) < 0)
		cgi_child_fail(s, "setpgid");
	if (dup2(s->fd[0], STDIN_FILENO) < 0 || dup2(s->fd[1], STDOUT_FILENO) < 0 ||
	    dup2(s->fd[2], STDERR_FILENO) < 0)
		cgi_child_fail(s, "dup2");
	if (sfd >= 0 && dup3(sfd, CGI_SCRIPT_FD, s->shebang ? 0 : O_CLOEXEC) < 0)
		cgi_child_fail(s, "dup3");
	/* Everything else is O_CLOEXEC already; this makes sure of it (ENOSYS before Linux 5.9). */
	(void)close_range(sfd >= 0 ? CGI_SCRIPT_FD + 1 : CGI_SCRIPT_FD, ~0U, 0);
	if (chdir(s->dir) < 0)
		cgi_child_fail(s, "chdir");
	cgi_child_limits(s);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (s->script_fd < 0)
		execve(s->path, s->argv, s->envp);
	else
		syscall(SYS_execveat, CGI_SCRIPT_FD, "", s->argv, s->envp, AT_EMPTY_PATH);
	cgi_child_fail(s, "execve");
}

pid_t cgi_spawn_run(struct cgi_spawn *s)
{
	sigset_t all, old;
	pid_t pid;
	int err, st;

	s->fail = s->warn = NULL;
	cgi_spawn_prepare();
	sigfillset(&all);
	/* Blocked until the child has reset every disposition: no handler of the worker runs in it. */
	if (sigprocmask(SIG_BLOCK, &all, &old) < 0)
		return -1;
	/* The stack grows down: the child starts at its top. */
	pid = clone(cgi_child, cgi_spawn_stack + CGI_SPAWN_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, s);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL); /* cannot fail: old came from the kernel */
	if (pid > 0 && s->fail) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		err = s->fail_errno;
		pid = -1;
	}
	errno = err;
	return pid;
}
