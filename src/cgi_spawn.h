/*
 * cgi_spawn — starting a CGI script's process at vfork's cost.
 *
 * Contract: cgi_spawn_run() starts the process that becomes the script,
 * with clone(CLONE_VM | CLONE_VFORK): the child borrows the worker's
 * memory (no page tables copied, which is what fork() of a worker cost per
 * request) and the worker waits until the child has called execve() or
 * exited. Between the two the child runs on its own stack, only with
 * signals it cannot catch (every disposition the worker set goes back to
 * SIG_DFL before anything is unblocked), and it only reads what the caller
 * prepared in struct cgi_spawn, writing nothing but that struct's
 * failure fields: so a step that fails is known to the caller the moment
 * cgi_spawn_run() returns, without a pipe. The child: its own process group,
 * descriptors 0, 1, 2 from fd[] and nothing else (but descriptor 3 for a
 * "#!" script, see cgi.h), cwd = dir, the given rlimits, an empty signal
 * mask, then execveat() of the checked script descriptor, or execve() of
 * an interpreter. It never allocates, locks or logs.
 */
#ifndef PFHTTPD_CGI_SPAWN_H
#define PFHTTPD_CGI_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The script's descriptor, as the child sees it. Fixed, so that the one
 * descriptor a "#!" script keeps is always the same (its $0 is /dev/fd/3).
 */
#define CGI_SCRIPT_FD 3

struct cgi_spawn {
	/* In: prepared by the caller, only read by the child. */
	int fd[3];               /* become the script's 0, 1 and 2 */
	int script_fd;           /* the checked script, executed with execveat; -1: execve(path) */
	bool shebang;            /* script_fd is a "#!" script: it stays open as CGI_SCRIPT_FD */
	const char *path;        /* the interpreter, when script_fd is -1 */
	char *const *argv;
	char *const *envp;
	const char *dir;         /* working directory */
	int64_t cpu, memory, processes; /* RLIMIT_CPU, RLIMIT_AS, RLIMIT_NPROC; 0: unchanged */
	/* Out: written by the child only. */
	const char *fail;        /* the step that failed (the script never ran), or NULL */
	int fail_errno;
	const char *warn;        /* a step that failed while the script still ran, or NULL */
	int warn_errno;
};

/*
 * Start the script. Its pid (also its process group), or -1 with errno set:
 * no process could be made (s->fail NULL), or the child failed at step
 * s->fail before the script ran (it is reaped already). s->warn may be set
 * either way.
 */
pid_t cgi_spawn_run(struct cgi_spawn *s);

#endif
