/*
 * hello.c — scenario (d) of bench/bench.sh: the smallest useful compiled CGI
 * program (RFC 3875 6: a header block, a blank line, the body). Compiled at
 * run time into the run's cgi-bin/ as "hello"; bench.sh checks that every
 * server answers exactly its body.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static const char out[] = "Content-Type: text/plain\r\n\r\n"
				  "Hello from a compiled CGI program.\n";
	size_t len = sizeof out - 1;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, out + done, len - done);
		if (n < 0) {
			perror("hello: write");
			return 1;
		}
		done += (size_t)n;
	}
	return 0;
}
