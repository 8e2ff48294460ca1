/*
 * socket_exhaust.c - open sockets until the kernel refuses (issue 13 item 3c).
 *
 * usage: socket_exhaust [LIMIT [PROCESSES]]
 *        (RLIMIT_NOFILE to set first, default 65536; PROCESSES, default 0:
 *        first that many processes each open TCP sockets until refused,
 *        holding them until all are, for fd tables smaller than memory)
 *
 * With the fd limit raised (root may) so that memory, not the fd table, is
 * what runs out, opens sockets of one kind after another until socket()
 * fails: TCP, UDP, raw ICMP, packet, unix stream; then TCP connections over
 * loopback (connect and accept, two sockets and a connection each) until
 * one of the three calls fails.  After each kind everything is closed.
 * Prints per kind how many it had and the errno that ended it:
 *
 *   tcp: 4021 sockets, then ENOMEM
 *
 * and "refusals ok" when every refusal is one a kernel may give for lack of
 * descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), else "refusals
 * NOT ok".  tests/test_socket_exhaustion.sh checks that the kernel gave
 * everything back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int *fds;
static size_t fd_count, fd_room;
static int refusals_ok = 1;

static void keep(int fd)
{
	if (fd_count == fd_room) {
		fd_room = fd_room ? fd_room * 2 : 1024;
		fds = realloc(fds, fd_room * sizeof *fds);
		if (!fds) {
			fprintf(stderr, "socket_exhaust: out of user memory\n");
			exit(1);
		}
	}
	fds[fd_count++] = fd;
}

static void close_all(void)
{
	for (size_t i = 0; i < fd_count; i++)
		close(fds[i]);
	fd_count = 0;
}

static void report(const char *kind, size_t count, const char *unit, int error)
{
	int expected = error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
	printf("%s: %zu %s, then %s\n", kind, count, unit, strerrorname_np(error) ? strerrorname_np(error) : "?");
	if (!expected)
		refusals_ok = 0;
}

static void sockets_of(const char *kind, int family, int type, int protocol)
{
	int fd;
	while ((fd = socket(family, type, protocol)) >= 0)
		keep(fd);
	int error = errno;
	report(kind, fd_count, "sockets", error);
	close_all();
}

static void loopback_connections(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof address;
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
	    listen(listener, 16) != 0 || getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
		perror("socket_exhaust: listener");
		exit(1);
	}
	size_t connections = 0;
	int error;
	for (;;) {
		int client = socket(AF_INET, SOCK_STREAM, 0);
		if (client < 0) {
			error = errno;
			break;
		}
		keep(client);
		if (connect(client, (struct sockaddr *)&address, sizeof address) != 0) {
			error = errno;
			break;
		}
		int server = accept(listener, NULL, NULL);
		if (server < 0) {
			error = errno;
			break;
		}
		keep(server);
		connections++;
	}
	report("tcp-loopback", connections, "connections", error);
	close_all();
	close(listener);
}

/* PROCESSES processes open TCP sockets until refused and hold them until
 * all are refused: memory, not one process's fd table, runs out. */
static void tcp_in_processes(int processes)
{
	int reports[2], release[2];
	if (pipe(reports) != 0 || pipe(release) != 0) {
		perror("socket_exhaust: pipe");
		exit(1);
	}
	int started = 0;
	for (int i = 0; i < processes; i++) {
		pid_t child = fork();
		if (child < 0)
			report("fork", (size_t)started, "processes", errno);
		if (child != 0) {
			started += child > 0;
			continue;
		}
		close(release[1]);
		int fd;
		size_t count = 0;
		while ((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
			count++;
		int answer[2] = { (int)count, errno };
		if (write(reports[1], answer, sizeof answer) != sizeof answer)
			_exit(1);
		char byte;
		_exit(read(release[0], &byte, 1) == 0 ? 0 : 1);   /* until the parent lets go */
	}
	close(release[0]);
	close(reports[1]);      /* a child that dies unreported then ends the loop */
	size_t total = 0;
	int errors[4] = { 0 }, reported = 0;
	for (int i = 0; i < started; i++, reported++) {
		int answer[2];
		if (read(reports[0], answer, sizeof answer) != sizeof answer)
			break;
		total += (size_t)answer[0];
		int expected = answer[1] == EMFILE || answer[1] == ENFILE || answer[1] == ENOBUFS ||
			       answer[1] == ENOMEM;
		if (!expected)
			report("tcp-processes", (size_t)answer[0], "sockets in one process", answer[1]);
		errors[answer[1] == EMFILE ? 0 : answer[1] == ENFILE ? 1 : answer[1] == ENOBUFS ? 2 : 3]++;
	}
	close(release[1]);
	while (wait(NULL) > 0)
		;
	printf("tcp in %d processes: %zu sockets; refusals EMFILE %d ENFILE %d ENOBUFS %d ENOMEM %d\n",
	       started, total, errors[0], errors[1], errors[2], errors[3]);
	if (reported != started) {
		printf("%d of %d processes died before reporting\n", started - reported, started);
		refusals_ok = 0;
	}
}

int main(int argc, char **argv)
{
	rlim_t limit = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
	int processes = argc > 2 ? atoi(argv[2]) : 0;
	struct rlimit files = { limit, limit };
	if (setrlimit(RLIMIT_NOFILE, &files) != 0)
		perror("socket_exhaust: setrlimit (the fd limit stays)");
	if (processes > 0)
		tcp_in_processes(processes);
	sockets_of("tcp", AF_INET, SOCK_STREAM, 0);
	sockets_of("udp", AF_INET, SOCK_DGRAM, 0);
	sockets_of("raw", AF_INET, SOCK_RAW, IPPROTO_ICMP);
	sockets_of("packet", AF_PACKET, SOCK_RAW, htons(0x88b5));
	sockets_of("unix", AF_UNIX, SOCK_STREAM, 0);
	loopback_connections();
	printf("refusals %s\n", refusals_ok ? "ok" : "NOT ok");
	return refusals_ok ? 0 : 1;
}
