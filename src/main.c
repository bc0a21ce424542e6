/*
 * main — command line, configuration check, signals to a running server,
 * hand-off to the master.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_check.h"
#include "log.h"
#include "master.h"
#include "pidfile.h"
#include "proctitle.h"

#define DEFAULT_CONF "/etc/pfhttpd/pfhttpd.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pfhttpd [-Fthv] [-f file] [-s reload|reopen|quit|stop]\n"
		"  -f file    configuration file (default " DEFAULT_CONF ")\n"
		"  -t         check the configuration and everything it names, then exit\n"
		"  -s signal  tell the running server (pid_file) to reload, reopen its logs,\n"
		"             quit (finish requests, then stop) or stop (at once)\n"
		"  -F         stay in the foreground; errors also go to stderr\n"
		"  -v         print the version and exit\n"
		"  -h         print this help and exit\n");
}

/* -s NAME: the signal, as nginx -s names them. 0 when unknown. */
static int signal_named(const char *name)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "reload", SIGHUP }, { "reopen", SIGUSR1 }, { "quit", SIGQUIT }, { "stop", SIGTERM },
	};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(sigs[i].name, name) == 0)
			return sigs[i].sig;
	return 0;
}

static int send_signal(const struct conf *c, const char *name, int sig)
{
	char err[512];
	pid_t pid;

	if (!c->pid_file) {
		fprintf(stderr, "pfhttpd: %s: pid_file is not set, so the running server cannot be found\n",
			c->file);
		return 1;
	}
	pid = pidfile_running(c->pid_file);
	if (pid == 0) {
		if (pidfile_read(c->pid_file, err, sizeof(err)) > 0)
			snprintf(err, sizeof(err), "pid file '%s' names no running pfhttpd", c->pid_file);
		fprintf(stderr, "pfhttpd: no server running (%s)\n", err);
		return 1;
	}
	if (kill(pid, sig) < 0) {
		fprintf(stderr, "pfhttpd: cannot send %s to pid %d: %s\n", name, (int)pid, strerror(errno));
		return 1;
	}
	return 0;
}

/* The command line, for the master's process title, before proctitle takes its memory. */
static char *command_line(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(s = calloc(1, len)))
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *file = DEFAULT_CONF, *sname = NULL;
	bool test = false, foreground = false;
	char err[1024], *path = NULL, *given = NULL, *cmdline = NULL;
	struct conf *conf;
	int opt, ret = 1, sig = 0;

	while ((opt = getopt(argc, argv, "f:s:tFvh")) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 's': sname = optarg; break;
		case 't': test = true; break;
		case 'F': foreground = true; break;
		case 'v': printf("pfhttpd/%s\n", PFHTTPD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 2;
		}
	}
	if (optind != argc || (sname && !(sig = signal_named(sname)))) {
		usage(stderr);
		return 2;
	}
	log_init(foreground || test || sname);
	/* Absolute, so a reload finds the file after the daemon's chdir("/"). */
	if (!(path = realpath(file, NULL)))
		path = strdup(file); /* conf_load says what is wrong with it */
	if (!path || !(given = strdup(file)) || !(cmdline = command_line(argc, argv)) ||
	    !(conf = calloc(1, sizeof(*conf)))) {
		fprintf(stderr, "pfhttpd: out of memory\n");
		goto out;
	}
	proctitle_init(argc, argv); /* argv is title space from here on */
	if (conf_load(given, conf, err, sizeof(err)) < 0) { /* messages name the file as given */
		fprintf(stderr, "%s\n", err);
		free(conf);
		goto out;
	}
	if (sname) {
		ret = send_signal(conf, sname, sig);
	} else if (conf_check(conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
	} else if (test) {
		conf_check_notices(conf, stderr);
		printf("syntax OK\n");
		ret = 0;
	} else {
		ret = master_run(conf, path, foreground, cmdline); /* frees conf */
		conf = NULL;
	}
	if (conf) {
		conf_free(conf);
		free(conf);
	}
out:
	free(path);
	free(given);
	free(cmdline);
	return ret;
}
