/*
 * idle_latency — scenario (g) of bench/bench.sh: the latency of a fresh
 * request while other clients hold idle keep-alive connections.
 *
 *   idle_latency HOST PORT PATH IDLE SAMPLES
 *
 * Opens IDLE connections, sends one keep-alive GET of PATH on each and reads
 * its whole answer (head, then Content-Length bytes), and leaves them open
 * and idle. Then, one after another, SAMPLES times: connect, GET PATH with
 * "Connection: close", read to EOF; the time from connect() to EOF is one
 * sample. At the end it counts how many idle connections the server still
 * holds open (a server may close them when its keep-alive timeout runs out,
 * which bench.sh sets longer than this run). Prints one line:
 *
 *   p50_ms=… p99_ms=… max_ms=… samples=… errors=… idle_open=N/IDLE setup_s=…
 *
 * A sample that fails (connect error, a status other than 200, no answer
 * within 10 s) counts as an error, not as a latency. The exit status is 0
 * when it could measure, 1 when it could not set up (usage, the idle
 * connections, or no sample at all).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_TIMEOUT_MS 10000.0
#define SETUP_TIMEOUT_MS 120000.0
#define BUF_SIZE 65536

static double now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("idle_latency: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dial(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Waits for fd to be readable until deadline; 1 ready, 0 timed out, -1 error. */
static int wait_readable(int fd, double deadline)
{
	for (;;) {
		double left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left + 1);
		if (r > 0)
			return 1;
		if (r == 0)
			continue;
		if (errno != EINTR)
			return -1;
	}
}

/* The status code of a response head starting "HTTP/1.x NNN", or -1. */
static int status_of(const char *buf, size_t len)
{
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	return atoi(buf + 9);
}

/* Content-Length of a head (case-insensitive name), or -1 when absent. */
static long content_length(const char *head)
{
	const char *p = strcasestr(head, "\r\ncontent-length:");

	if (p == NULL)
		return -1;
	return strtol(p + 17, NULL, 10);
}

/*
 * Reads one keep-alive answer: the head up to CRLFCRLF, then its
 * Content-Length bytes. Returns the status, or -1.
 */
static int read_keepalive_answer(int fd, double deadline)
{
	static char buf[BUF_SIZE];
	size_t len = 0;
	char *end = NULL;
	long want;

	while (end == NULL) {
		ssize_t r;

		if (len == sizeof buf - 1 || wait_readable(fd, deadline) != 1)
			return -1;
		r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	want = content_length(buf);
	if (want < 0)
		return -1;
	want -= (long)(len - (size_t)(end + 4 - buf));
	while (want > 0) {
		ssize_t r;

		if (wait_readable(fd, deadline) != 1)
			return -1;
		r = recv(fd, buf, sizeof buf, 0);
		if (r <= 0)
			return -1;
		want -= r;
	}
	return want == 0 ? status_of(buf, len) : -1;
}

/* One sample: connect, request, read to EOF. Milliseconds, or -1 on error. */
static double sample(const struct sockaddr_in *sa, const char *req)
{
	static char buf[BUF_SIZE];
	double t0 = now_ms();
	double deadline = t0 + SAMPLE_TIMEOUT_MS;
	size_t head = 0;
	int fd = dial(sa);
	int status = -1;

	if (fd < 0)
		return -1;
	if (send_all(fd, req, strlen(req)) != 0)
		goto out;
	for (;;) {
		ssize_t r;

		if (wait_readable(fd, deadline) != 1)
			goto out;
		r = recv(fd, buf + head, sizeof buf - head, 0);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		if (head < 16)
			head += (size_t)r;
	}
	status = status_of(buf, head);
out:
	close(fd);
	return status == 200 ? now_ms() - t0 : -1;
}

/* An idle connection the server has closed reads EOF (or an error). */
static int still_open(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 1;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, int n, double p)
{
	int k = (int)((p / 100.0) * n + 0.999999) - 1;

	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char keep_req[512], close_req[512];
	int idle, samples, *fds, ok = 0, errors = 0, open_count = 0;
	double *lat, t0, setup_s, deadline;

	if (argc != 6 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: idle_latency HOST PORT PATH IDLE SAMPLES\n");
		return 1;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	idle = atoi(argv[4]);
	samples = atoi(argv[5]);
	if (idle < 0 || samples < 1 ||
	    snprintf(keep_req, sizeof keep_req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n",
		     argv[3]) >= (int)sizeof keep_req ||
	    snprintf(close_req, sizeof close_req,
		     "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		     argv[3]) >= (int)sizeof close_req) {
		fprintf(stderr, "idle_latency: bad arguments\n");
		return 1;
	}
	fds = calloc((size_t)idle + 1, sizeof *fds);
	lat = calloc((size_t)samples, sizeof *lat);
	if (fds == NULL || lat == NULL) {
		perror("idle_latency: calloc");
		return 1;
	}

	/* All requests first, then all answers: a server that must start a
	 * process per connection (Apache prefork) gets them all at once. */
	t0 = now_ms();
	for (int i = 0; i < idle; i++) {
		fds[i] = dial(&sa);
		if (fds[i] < 0 || send_all(fds[i], keep_req, strlen(keep_req)) != 0) {
			fprintf(stderr, "idle_latency: idle connection %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	deadline = t0 + SETUP_TIMEOUT_MS;
	for (int i = 0; i < idle; i++) {
		if (read_keepalive_answer(fds[i], deadline) != 200) {
			fprintf(stderr, "idle_latency: idle connection %d got no 200 answer\n", i);
			return 1;
		}
	}
	setup_s = (now_ms() - t0) / 1e3;
	sleep(1);

	for (int i = 0; i < samples; i++) {
		double ms = sample(&sa, close_req);

		if (ms < 0)
			errors++;
		else
			lat[ok++] = ms;
	}
	for (int i = 0; i < idle; i++)
		open_count += still_open(fds[i]);
	if (ok == 0) {
		fprintf(stderr, "idle_latency: no sample succeeded\n");
		return 1;
	}
	qsort(lat, (size_t)ok, sizeof *lat, cmp_double);
	printf("p50_ms=%.3f p99_ms=%.3f max_ms=%.3f samples=%d errors=%d idle_open=%d/%d setup_s=%.2f\n",
	       pct(lat, ok, 50), pct(lat, ok, 99), lat[ok - 1], ok, errors, open_count, idle,
	       setup_s);
	return 0;
}
