/*
 * pfhttpd-suexec — runs one CGI script as its site's user, after the checks
 * Apache's suexec makes (support/suexec.c; the rules: suexec_check.c).
 *
 * Usage (the worker calls it; nobody else should):
 *   pfhttpd-suexec USER GROUP MIN_UID MIN_GID BASE SCRIPT
 *   pfhttpd-suexec USER GROUP MIN_UID MIN_GID BASE INTERPRETER SCRIPT
 * USER and GROUP are names (GROUP "-": USER's primary group); BASE is the
 * absolute directory the script must lie below (the site's CGI directory
 * or document root); SCRIPT is the script's path relative to BASE;
 * INTERPRETER the absolute path of a handler's program (".php"). The
 * environment is the CGI one the worker built; it is filtered here.
 *
 * Installed setuid root, mode 4750, group = the server's (make install):
 * only the server's user may run it. It is the trust boundary between the
 * server and its sites, so it stays small, takes nothing from its caller
 * on trust, and does, in order:
 *   1. drop its own environment at once (Apache PR 2790: getpwnam and the
 *      C library read variables) and block the signals it waits for;
 *   2. refuse unless euid is 0; parse argv; look up the user and group;
 *   3. open BASE, then SCRIPT's directory and SCRIPT beneath it with openat2
 *      (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: no "..", no symbolic link
 *      out of BASE, none at all as SCRIPT's last segment) and check those
 *      descriptors (fstat), the directory's real path, and an interpreter;
 *   4. fork. The child sets its process group, setgroups(1)/setgid/setuid
 *      to the target (checking that root cannot come back), asks for
 *      SIGKILL when the parent dies (after setuid, which clears it), chdirs
 *      (already: step 3 fchdir'd) and executes the very descriptor it
 *      checked (execveat AT_EMPTY_PATH), or the interpreter's descriptor
 *      with the script's name, so no file swapped in after the check runs;
 *   5. the parent keeps no root: setresuid(caller, target, caller). Its
 *      real uid is the worker's, so the worker may still signal it (its
 *      timeouts send SIGTERM, then SIGKILL, to the group of the process it
 *      started: this one); its effective uid is the target's, so it may
 *      signal the script, which the worker no longer can; the script, with
 *      neither id, cannot signal it. On SIGTERM (or SIGINT, SIGHUP, or the
 *      worker's death) it sends SIGTERM to the script's process group and
 *      SIGKILL SUEXEC_GRACE_MS later; when the script exits it kills what
 *      is left of its group (as the worker does without the helper) and
 *      ends the same way: the same exit status, or the same signal raised
 *      on itself, so the worker's waitpid() sees what the script did.
 * Why a fork and not a plain exec as Apache does: after the uid switch the
 * worker could not signal the script, and its timeout would leave it and
 * its children running.
 *
 * A refusal is one line on stderr, "pfhttpd-suexec: CHECK: details" (the
 * script's stderr pipe: the worker logs it), and exit SUEXEC_EXIT_REFUSED;
 * any other failure exits SUEXEC_EXIT_FAILED the same way. Nothing is ever
 * written to stdout (the script's answer). There is no log file of its own
 * and no "-V": the worker's error log has every refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cov.h"
#include "suexec_check.h"

/*
 * Between the SIGTERM the helper forwards and its SIGKILL to the script's
 * group. Below the worker's shortest grace (cgi_io.c, CGI_STOP_GRACE, 500
 * ms): the worker's SIGKILL of the helper must not come first, or the
 * script's children would outlive it (the script itself still dies by its
 * PR_SET_PDEATHSIG).
 */
#define SUEXEC_GRACE_MS 250

extern char **environ;

struct suexec_job {
	const char *user, *group, *base, *interp, *cmd;
	int64_t min_uid, min_gid;
	uid_t uid, caller_uid;
	gid_t gid, caller_gid;
	pid_t caller;            /* the worker: the parent must not outlive it */
	pid_t helper;            /* the parent: the child must not outlive it */
	int dir_fd, fd, interp_fd;
	bool shebang;
	char *argv[3];
	char path[PATH_MAX];     /* BASE/SCRIPT, the script's argv[0] (or the interpreter's argv[1]) */
};

/* One line on stderr; control characters become '?' (a file name may hold a newline). */
__attribute__((noreturn, format(printf, 3, 4)))
static void suexec_die(int code, const char *check, const char *fmt, ...)
{
	char line[2048];
	int n = snprintf(line, sizeof(line), "pfhttpd-suexec: %s: ", check);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line) - 1) /* cut: say so rather than end mid-word */
		memcpy(line + sizeof(line) - 5, "...", 4), n = (int)sizeof(line) - 2;
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
	cov_flush();
	_exit(code);
}

static int64_t suexec_id(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v > (long long)UINT32_MAX - 1)
		suexec_die(SUEXEC_EXIT_FAILED, "usage", "not an id: %s", s);
	return v;
}

static void suexec_args(int argc, char **argv, struct suexec_job *j)
{
	if (argc != 7 && argc != 8)
		suexec_die(SUEXEC_EXIT_FAILED, "usage",
			   "USER GROUP MIN_UID MIN_GID BASE [INTERPRETER] SCRIPT");
	j->user = argv[1];
	j->group = argv[2];
	j->min_uid = suexec_id(argv[3]);
	j->min_gid = suexec_id(argv[4]);
	j->base = argv[5];
	j->interp = argc == 8 ? argv[6] : NULL;
	j->cmd = argv[argc - 1];
	if (j->base[0] != '/')
		suexec_die(SUEXEC_EXIT_FAILED, "usage", "base is not absolute: %s", j->base);
}

/* The target user and group, checked (step 2). */
static void suexec_identity(struct suexec_job *j)
{
	struct passwd *pw = getpwnam(j->user);
	struct group *gr;
	const char *why;

	if (pw) {
		j->uid = pw->pw_uid;
		j->gid = pw->pw_gid;
	}
	/* getgrnam's buffer is its own: pw stays valid. */
	gr = strcmp(j->group, "-") == 0 ? (pw ? getgrgid(pw->pw_gid) : NULL) : getgrnam(j->group);
	if (gr)
		j->gid = gr->gr_gid;
	why = suexec_check_identity(pw, gr, j->min_uid, j->min_gid, j->caller_uid, j->caller_gid);
	if (why)
		suexec_die(SUEXEC_EXIT_REFUSED, why, "user %s (uid %jd), group %s (gid %jd): "
			   "unknown, 0, the server's own, or below min_uid %jd / min_gid %jd",
			   j->user, pw ? (intmax_t)j->uid : -1, j->group, gr ? (intmax_t)j->gid : -1,
			   (intmax_t)j->min_uid, (intmax_t)j->min_gid);
}

static int suexec_openat2(int dirfd, const char *path, uint64_t flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* EXDEV/ELOOP: a ".." or a symbolic link that leaves the base; ENOSYS: Linux < 5.6 (no fallback). */
__attribute__((noreturn))
static void suexec_open_failed(const struct suexec_job *j, const char *what)
{
	int err = errno;

	suexec_die(SUEXEC_EXIT_REFUSED, err == EXDEV || err == ELOOP ? SUEXEC_C_BENEATH : SUEXEC_C_OPEN,
		   "%s/%s: %s: %s", j->base, j->cmd, what, strerror(err));
}

/* The script's directory, opened beneath BASE; it becomes the working directory (step 3). */
static void suexec_open_dir(struct suexec_job *j, char *name_out[1])
{
	char base[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
	char *slash;
	int base_fd;

	if (realpath(j->base, base) == NULL || (base_fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_OPEN, "base %s: %s", j->base, strerror(errno));
	if (snprintf(dir, sizeof(dir), "%s", j->cmd) >= (int)sizeof(dir))
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_COMMAND, "too long");
	slash = strrchr(dir, '/');
	*name_out = (char *)j->cmd + (slash ? slash - dir + 1 : 0);
	if (slash)
		*slash = '\0';
	j->dir_fd = suexec_openat2(base_fd, slash ? dir : ".", O_PATH | O_DIRECTORY);
	if (j->dir_fd < 0)
		suexec_open_failed(j, "its directory");
	close(base_fd);
	/* The directory's real path, by the descriptor itself: what RESOLVE_BENEATH promised, checked. */
	if (fchdir(j->dir_fd) < 0 || getcwd(real, sizeof(real)) == NULL)
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_OPEN, "%s/%s: its directory: %s", j->base,
			   j->cmd, strerror(errno));
	if (suexec_check_beneath(base, real))
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_BENEATH, "%s is not below %s", real, base);
}

/*
 * The script itself: read-only, never following a last symbolic link,
 * non-blocking (a FIFO must not hang us; fstat refuses it), never a
 * controlling terminal. The descriptor is what runs (step 4).
 */
static void suexec_open_script(struct suexec_job *j, const char *name)
{
	struct stat dst, st;
	const char *why;
	char magic[2];

	if (fstat(j->dir_fd, &dst) < 0)
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_OPEN, "fstat: %s", strerror(errno));
	if ((why = suexec_check_dir(&dst, j->uid)))
		suexec_die(SUEXEC_EXIT_REFUSED, why, "directory of %s/%s: mode %04o, owner %jd, "
			   "target %jd", j->base, j->cmd, (unsigned)(dst.st_mode & 07777),
			   (intmax_t)dst.st_uid, (intmax_t)j->uid);
	j->fd = suexec_openat2(j->dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
	if (j->fd < 0 && errno == ELOOP)
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_SCRIPT_TYPE, "%s/%s is a symbolic link",
			   j->base, j->cmd);
	if (j->fd < 0)
		suexec_open_failed(j, "the script");
	if (fstat(j->fd, &st) < 0)
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_OPEN, "fstat: %s", strerror(errno));
	if ((why = suexec_check_script(&st, j->uid, j->interp == NULL)))
		suexec_die(SUEXEC_EXIT_REFUSED, why, "%s/%s: mode %04o, owner %jd, target %jd",
			   j->base, j->cmd, (unsigned)(st.st_mode & 07777), (intmax_t)st.st_uid,
			   (intmax_t)j->uid);
	/* Only a script that runs itself keeps descriptor 3; an interpreter opens its file by name. */
	j->shebang = !j->interp && pread(j->fd, magic, 2, 0) == 2 && memcmp(magic, "#!", 2) == 0;
}

static void suexec_open_interp(struct suexec_job *j)
{
	struct stat st;

	if (j->interp == NULL)
		return;
	j->interp_fd = j->interp[0] == '/' ? open(j->interp, O_PATH | O_CLOEXEC) : -1;
	if (j->interp_fd < 0 || fstat(j->interp_fd, &st) < 0 || suexec_check_interpreter(j->interp, &st))
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_INTERPRETER, "%s: not an absolute path to a "
			   "program only root may change", j->interp);
}

/* argv of what runs: the script (its name for $0), or the interpreter and the script's name. */
static void suexec_argv(struct suexec_job *j)
{
	if (snprintf(j->path, sizeof(j->path), "%s/%s", j->base, j->cmd) >= (int)sizeof(j->path))
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_COMMAND, "too long");
	j->argv[0] = j->interp ? (char *)j->interp : j->path;
	j->argv[1] = j->interp ? j->path : NULL;
	j->argv[2] = NULL;
}

/* ---- step 4: the child becomes the script ---------------------------------- */

static void suexec_become(const struct suexec_job *j)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	/* Only the target group: initgroups() would add the user's others ("sudo", "docker"). */
	if (setgroups(1, &j->gid) < 0 || setresgid(j->gid, j->gid, j->gid) < 0 ||
	    setresuid(j->uid, j->uid, j->uid) < 0)
		suexec_die(SUEXEC_EXIT_FAILED, "setuid", "to %jd:%jd: %s", (intmax_t)j->uid,
			   (intmax_t)j->gid, strerror(errno));
	if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0 ||
	    r != j->uid || e != j->uid || s != j->uid || gr != j->gid || ge != j->gid ||
	    gs != j->gid || setuid(0) == 0 || setgid(0) == 0)
		suexec_die(SUEXEC_EXIT_FAILED, "setuid", "the switch to %jd:%jd did not hold",
			   (intmax_t)j->uid, (intmax_t)j->gid);
}

/* The script's descriptor, without O_CLOEXEC as 3 for a "#!" script (cgi.c: the kernel passes /dev/fd/3). */
static int suexec_script_fd(const struct suexec_job *j)
{
	int hi;

	if (!j->shebang)
		return j->fd;
	if ((hi = fcntl(j->fd, F_DUPFD_CLOEXEC, 4)) < 0 || dup3(hi, 3, 0) < 0)
		suexec_die(SUEXEC_EXIT_FAILED, "exec", "dup: %s", strerror(errno));
	return 3;
}

__attribute__((noreturn))
static void suexec_child(const struct suexec_job *j, char **envp)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int fd;

	/* Its own group: the parent signals the script and all it starts, not itself. */
	if (setpgid(0, 0) < 0)
		suexec_die(SUEXEC_EXIT_FAILED, "exec", "setpgid: %s", strerror(errno));
	suexec_become(j);
	/* A credential change clears it, so after setuid; then make sure the parent still lives. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != j->helper)
		suexec_die(SUEXEC_EXIT_FAILED, "exec", "parent gone");
	fd = suexec_script_fd(j);
	/* Ignored signals stay ignored across exec: a caller's SIG_IGN must not shield the script. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &dfl, NULL); /* EINVAL for SIGKILL, SIGSTOP, libc's own */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	cov_flush();
	syscall(SYS_execveat, j->interp ? j->interp_fd : fd, "", j->argv, envp, AT_EMPTY_PATH);
	suexec_die(SUEXEC_EXIT_FAILED, "exec", "%s: %s", j->interp ? j->interp : j->path, strerror(errno));
}

/* ---- step 5: the parent forwards signals and reports the script's end ------ */

/* End like the script: its exit status, or its signal raised here. */
__attribute__((noreturn))
static void suexec_end_like(int st)
{
	sigset_t one;
	int sig;

	if (WIFEXITED(st)) {
		cov_flush();
		_exit(WEXITSTATUS(st));
	}
	sig = WTERMSIG(st);
	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	cov_flush();
	raise(sig);
	_exit(128 + sig); /* not reached for a signal whose default is to end the process */
}

static int64_t suexec_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep no root: real and saved uid the worker's (it may signal us), effective the target's. */
static void suexec_parent_drop(const struct suexec_job *j)
{
	if (setresuid(j->caller_uid, j->uid, j->caller_uid) < 0 ||
	    (j->caller_uid != 0 && setuid(0) == 0))
		suexec_die(SUEXEC_EXIT_FAILED, "setuid", "parent: %s", strerror(errno));
	/* The worker's death counts as its SIGTERM (cleared by setresuid, so after it). */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != j->caller)
		kill(getpid(), SIGTERM); /* blocked: the loop takes it */
}

__attribute__((noreturn))
static void suexec_parent(const struct suexec_job *j, pid_t pid, const sigset_t *wait)
{
	int64_t kill_at = -1;
	bool killed = false;

	(void)setpgid(pid, pid); /* as the child does: whichever runs first; EACCES after its exec */
	/*
	 * The script's stdin and stdout are its own: held open here, the worker
	 * would not see the end of the output until the script exited. Its
	 * stderr stays, for this side's last words.
	 */
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	suexec_parent_drop(j);
	for (;;) {
		struct timespec ts = { 0, 0 };
		int st, sig;
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			kill(-pid, SIGKILL); /* what it left running in its group; ESRCH when nothing */
			suexec_end_like(st);
		}
		if (r < 0 && errno != EINTR)
			suexec_die(SUEXEC_EXIT_FAILED, "wait", "%s", strerror(errno));
		if (kill_at >= 0) {
			int64_t left = kill_at - suexec_now_ms();

			left = left > 0 ? left : 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (long)(left % 1000) * 1000000;
		}
		sig = sigtimedwait(wait, NULL, kill_at >= 0 ? &ts : NULL);
		if (sig > 0 && sig != SIGCHLD && kill_at < 0 && !killed) {
			kill(-pid, SIGTERM);
			kill_at = suexec_now_ms() + SUEXEC_GRACE_MS;
		} else if (sig < 0 && errno == EAGAIN) {
			kill(-pid, SIGKILL);
			kill_at = -1;
			killed = true;
		}
	}
}

int main(int argc, char **argv)
{
	static char *no_env[] = { NULL };
	char **envp = environ;
	struct suexec_job j = { .dir_fd = -1, .fd = -1, .interp_fd = -1 };
	const char **clean;
	size_t n = 0;
	sigset_t wait;
	char *name;
	pid_t pid;

	/* Before anything reads it (Apache PR 2790); glibc already ignores LD_* for a setuid program. */
	environ = no_env;
	sigemptyset(&wait);
	sigaddset(&wait, SIGTERM);
	sigaddset(&wait, SIGINT);
	sigaddset(&wait, SIGHUP);
	sigaddset(&wait, SIGCHLD);
	/* A caller's SIG_IGN would discard them before sigtimedwait could take them. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &wait, NULL);
	j.caller = getppid();
	j.caller_uid = getuid();
	j.caller_gid = getgid();
	if (geteuid() != 0)
		suexec_die(SUEXEC_EXIT_FAILED, "setuid", "not running as root: install it setuid root (make install)");
	suexec_args(argc, argv, &j);
	suexec_identity(&j);
	if (suexec_check_command(j.cmd))
		suexec_die(SUEXEC_EXIT_REFUSED, SUEXEC_C_COMMAND, "%s: empty, absolute or with \"..\"", j.cmd);
	suexec_open_dir(&j, &name);
	suexec_open_script(&j, name);
	suexec_open_interp(&j);
	suexec_argv(&j);
	while (envp[n])
		n++;
	if ((clean = calloc(n + 2, sizeof(*clean))) == NULL || suexec_env_filter(envp, clean, n + 2) < 0)
		suexec_die(SUEXEC_EXIT_FAILED, "environment", "out of memory");
	j.helper = getpid();
	if ((pid = fork()) < 0)
		suexec_die(SUEXEC_EXIT_FAILED, "fork", "%s", strerror(errno));
	if (pid == 0)
		suexec_child(&j, (char **)clean);
	suexec_parent(&j, pid, &wait);
}
