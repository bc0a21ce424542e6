/*
 * main — command line, configuration check, hand-off to the master.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "conf_check.h"
#include "log.h"
#include "master.h"
#include "mime.h"

#define DEFAULT_CONF "/etc/pfhttpd/pfhttpd.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pfhttpd [-Fthv] [-f file]\n"
		"  -f file  configuration file (default " DEFAULT_CONF ")\n"
		"  -t       check the configuration and exit\n"
		"  -F       stay in the foreground; errors also go to stderr\n"
		"  -v       print the version and exit\n"
		"  -h       print this help and exit\n");
}

/* -t: the configuration and everything it names that start-up would meet. */
static int check_only(const struct conf *c)
{
	char err[1024];

	if (conf_check(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("syntax OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = DEFAULT_CONF;
	bool test = false, foreground = false;
	char err[1024];
	struct conf conf;
	int opt, ret;

	while ((opt = getopt(argc, argv, "f:tFvh")) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 't': test = true; break;
		case 'F': foreground = true; break;
		case 'v': printf("pfhttpd/%s\n", PFHTTPD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init(foreground);
	if (conf_load(file, &conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ret = test ? check_only(&conf) : master_run(&conf, foreground);
	conf_free(&conf);
	return ret;
}
