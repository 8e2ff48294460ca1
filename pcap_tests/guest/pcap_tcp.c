/* pcap_tcp: the guest application's side of a TCP conversation fixture.  It
 * performs the socket calls its arguments name, one step after another, and
 * prints what each returned, one line per step, so that a fixture can assert
 * them (pcap_tests/lib/tcp.py, guest_says); the lines go to stderr, which
 * the runner hands back apart from the counters on stdout:
 *
 *   listen PORT          socket, SO_REUSEADDR, bind to PORT, listen   TCP listen 0
 *   bind PORT            bind the client socket to PORT               TCP bind 0
 *   set OPTION VALUE     setsockopt on the current socket             TCP set rcvbuf 0
 *                        (rcvbuf, sndbuf, nodelay, maxseg: the value; linger: on
 *                        with that many seconds)
 *   accept               accept; the new socket becomes current       TCP accept 10.0.2.2:40000
 *   connect IP PORT      connect the client socket                    TCP connect 0
 *   write N              write N bytes of the pattern (below)         TCP write 100
 *   read N               one read of at most N bytes                  TCP read 5 "abcde"
 *   readfull N           recv with MSG_WAITALL                        TCP readfull 0
 *   shutdown rd|wr|rdwr  shutdown                                     TCP shutdown 0
 *   close                close the current socket (then the listener) TCP close 0
 *   await                wait for one datagram on UDP port 9999       TCP await
 *   notify               send a datagram to 10.0.2.2, UDP port 9999   (no line)
 *
 * A call that fails prints the errno's name instead (TCP connect
 * ECONNREFUSED).  The current socket is the accepted or client socket if
 * there is one, else the listener; "bind", "set" and "connect" make a client
 * socket if there is none.  The pattern is the stream's byte offset modulo
 * 26 as a letter, "abc...zabc...", counted over all of a run's writes.
 *
 * Start-up: the steps before the first one that waits for the network
 * (accept, connect, read, readfull, await) or, if none waits, all of them
 * run at once; then pcap_tcp forks,
 * the parent exits with status 0 (1 if a step failed) and the child carries
 * on.  So in "pcap_tcp listen 8080 accept ... && exec pcap_guest" the guest
 * listens before pcap_guest prints PCAP-READY.  "await" lets a fixture start
 * an active open (or any later step) once the harness is sending: the
 * control socket is bound before the fork.  "notify" lets a fixture know
 * that the steps before it are done and printed: it expects the datagram.  After its last step pcap_tcp
 * waits forever, so that its sockets stay as the steps left them (exiting
 * would close them).  SIGPIPE is ignored: a write after a reset fails with
 * EPIPE.  A static program, run on Strata and Linux.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONTROL_PORT 9999 /* pcap_tests/lib/tcp.py's "await" and "notify" datagrams */
#define HARNESS_IP "10.0.2.2"
#define MAX_IO 65536
#define MAX_SHOWN 200 /* bytes of a read shown; the length is always printed */

struct state {
	int listener, connection, control;
	unsigned long written; /* bytes of the pattern written so far */
};

static const struct {
	int number;
	const char *name;
} errno_names[] = {
	{ EAGAIN, "EAGAIN" }, { EADDRINUSE, "EADDRINUSE" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ ECONNRESET, "ECONNRESET" }, { EINVAL, "EINVAL" }, { EISCONN, "EISCONN" },
	{ ENOTCONN, "ENOTCONN" }, { EPIPE, "EPIPE" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { ENETUNREACH, "ENETUNREACH" }, { EBADF, "EBADF" },
	{ ENOPROTOOPT, "ENOPROTOOPT" }, { EOPNOTSUPP, "EOPNOTSUPP" },
};

/* Our lines go to stderr, one write each, so that they never land inside
 * pcap_guest's counters on stdout. */
static void say(const char *format, ...)
{
	char line[64 + 4 * MAX_SHOWN];
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(line, sizeof(line), format, arguments);
	va_end(arguments);
	if (length > (int)sizeof(line) - 1)
		length = sizeof(line) - 1;
	if (write(STDERR_FILENO, line, length) < 0)
		return;
}

/* Prints "TCP WHAT RESULT": RESULT is 0 or, when the call failed, errno's name. */
static int report(const char *what, long result)
{
	if (result >= 0) {
		say("TCP %s %ld\n", what, result);
	} else {
		const char *name = NULL;

		for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
			if (errno_names[i].number == errno)
				name = errno_names[i].name;
		if (name != NULL)
			say("TCP %s %s\n", what, name);
		else
			say("TCP %s errno %d\n", what, errno);
	}
	return result < 0 ? -1 : 0;
}

static void report_data(const char *what, const unsigned char *data, ssize_t length)
{
	if (length <= 0) {
		report(what, length);
		return;
	}
	char shown[4 * MAX_SHOWN + 1];
	size_t used = 0;

	for (ssize_t i = 0; i < length && i < MAX_SHOWN; i++) {
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' && data[i] != '\\')
			shown[used++] = data[i];
		else
			used += snprintf(shown + used, sizeof(shown) - used, "\\x%02x", data[i]);
	}
	shown[used] = '\0';
	say("TCP %s %zd \"%s\"%s\n", what, length, shown, length > MAX_SHOWN ? "..." : "");
}

static int current(struct state *state)
{
	return state->connection >= 0 ? state->connection : state->listener;
}

static int client(struct state *state)
{
	if (state->connection < 0)
		state->connection = socket(AF_INET, SOCK_STREAM, 0);
	return state->connection;
}

static struct sockaddr_in address(const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };

	sin.sin_addr.s_addr = ip ? inet_addr(ip) : htonl(INADDR_ANY);
	return sin;
}

static int step_listen(struct state *state, const char *port)
{
	struct sockaddr_in sin = address(NULL, port);
	int on = 1;

	state->listener = socket(AF_INET, SOCK_STREAM, 0);
	if (state->listener < 0 ||
	    setsockopt(state->listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(state->listener, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return report("listen", -1);
	return report("listen", listen(state->listener, 8));
}

static int step_set(struct state *state, const char *option, const char *text)
{
	int value = atoi(text), level = SOL_SOCKET, name;
	struct linger linger = { .l_onoff = 1, .l_linger = value };
	const void *argument = &value;
	socklen_t length = sizeof(value);
	char what[64];

	if (current(state) < 0)
		client(state);
	if (strcmp(option, "rcvbuf") == 0)
		name = SO_RCVBUF;
	else if (strcmp(option, "sndbuf") == 0)
		name = SO_SNDBUF;
	else if (strcmp(option, "linger") == 0) {
		name = SO_LINGER;
		argument = &linger;
		length = sizeof(linger);
	} else if (strcmp(option, "nodelay") == 0 || strcmp(option, "maxseg") == 0) {
		level = IPPROTO_TCP;
		name = option[0] == 'n' ? TCP_NODELAY : TCP_MAXSEG;
	} else {
		fprintf(stderr, "pcap_tcp: unknown option %s\n", option);
		return -1;
	}
	snprintf(what, sizeof(what), "set %s", option);
	return report(what, setsockopt(current(state), level, name, argument, length));
}

static int step_accept(struct state *state)
{
	struct sockaddr_in peer;
	socklen_t length = sizeof(peer);
	int sock = accept(state->listener, (struct sockaddr *)&peer, &length);

	if (sock < 0)
		return report("accept", -1);
	state->connection = sock;
	say("TCP accept %s:%u\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
	return 0;
}

static int step_write(struct state *state, long count)
{
	static unsigned char data[MAX_IO];

	if (count > MAX_IO)
		count = MAX_IO;
	for (long i = 0; i < count; i++)
		data[i] = 'a' + (state->written + i) % 26;
	ssize_t written = write(state->connection, data, count);
	if (written > 0)
		state->written += written;
	return report("write", written);
}

static int step_read(struct state *state, long count, int flags, const char *what)
{
	static unsigned char data[MAX_IO];

	if (count > MAX_IO)
		count = MAX_IO;
	ssize_t got = recv(state->connection, data, count, flags);
	report_data(what, data, got);
	return got < 0 ? -1 : 0;
}

static int step_shutdown(struct state *state, const char *how)
{
	int value = strcmp(how, "rd") == 0 ? SHUT_RD : strcmp(how, "wr") == 0 ? SHUT_WR : SHUT_RDWR;

	return report("shutdown", shutdown(state->connection, value));
}

static int step_close(struct state *state)
{
	int *sock = state->connection >= 0 ? &state->connection : &state->listener;
	int result = close(*sock);

	*sock = -1;
	return report("close", result);
}

static int step_await(struct state *state)
{
	char datagram[64];

	if (recv(state->control, datagram, sizeof(datagram), 0) < 0)
		return report("await", -1);
	say("TCP await\n");
	return 0;
}

static int step_notify(struct state *state)
{
	struct sockaddr_in harness = address(HARNESS_IP, "9999");

	if (sendto(state->control, "done", 4, 0, (struct sockaddr *)&harness, sizeof(harness)) < 0)
		return report("notify", -1);
	return 0;
}

static int waits(const char *step)
{
	static const char *const waiting[] = { "accept", "connect", "read", "readfull", "await" };

	for (size_t i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
		if (strcmp(step, waiting[i]) == 0)
			return 1;
	return 0;
}

static int arguments_of(const char *step)
{
	if (strcmp(step, "connect") == 0 || strcmp(step, "set") == 0)
		return 2;
	if (strcmp(step, "listen") == 0 || strcmp(step, "bind") == 0 || strcmp(step, "write") == 0 ||
	    strcmp(step, "read") == 0 || strcmp(step, "readfull") == 0 || strcmp(step, "shutdown") == 0)
		return 1;
	if (strcmp(step, "accept") == 0 || strcmp(step, "close") == 0 || strcmp(step, "await") == 0 ||
	    strcmp(step, "notify") == 0)
		return 0;
	return -1;
}

/* Runs the step at ARGV[0]; returns -1 if its call failed. */
static int run_step(struct state *state, char **argv)
{
	const char *step = argv[0];

	if (strcmp(step, "listen") == 0)
		return step_listen(state, argv[1]);
	if (strcmp(step, "bind") == 0) {
		struct sockaddr_in sin = address(NULL, argv[1]);

		return report("bind", bind(client(state), (struct sockaddr *)&sin, sizeof(sin)));
	}
	if (strcmp(step, "set") == 0)
		return step_set(state, argv[1], argv[2]);
	if (strcmp(step, "accept") == 0)
		return step_accept(state);
	if (strcmp(step, "connect") == 0) {
		struct sockaddr_in sin = address(argv[1], argv[2]);

		return report("connect", connect(client(state), (struct sockaddr *)&sin, sizeof(sin)));
	}
	if (strcmp(step, "write") == 0)
		return step_write(state, atol(argv[1]));
	if (strcmp(step, "read") == 0)
		return step_read(state, atol(argv[1]), 0, "read");
	if (strcmp(step, "readfull") == 0)
		return step_read(state, atol(argv[1]), MSG_WAITALL, "readfull");
	if (strcmp(step, "shutdown") == 0)
		return step_shutdown(state, argv[1]);
	if (strcmp(step, "close") == 0)
		return step_close(state);
	if (strcmp(step, "notify") == 0)
		return step_notify(state);
	return step_await(state);
}

static int open_control(struct state *state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(CONTROL_PORT) };

	state->control = socket(AF_INET, SOCK_DGRAM, 0);
	if (state->control < 0 || bind(state->control, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("pcap_tcp: the control socket");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct state state = { .listener = -1, .connection = -1, .control = -1 };
	int background = 0, status = 0;

	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc; i += 1 + arguments_of(argv[i])) {
		if (arguments_of(argv[i]) < 0 || i + arguments_of(argv[i]) >= argc) {
			fprintf(stderr, "pcap_tcp: bad step %s (see pcap_tests/guest/pcap_tcp.c)\n", argv[i]);
			return 2;
		}
		if ((strcmp(argv[i], "await") == 0 || strcmp(argv[i], "notify") == 0) &&
		    state.control < 0 && open_control(&state) < 0)
			return 1;
	}
	/* i == argc: the end of the steps, where the sockets must stay open. */
	for (int i = 1; i <= argc; i += 1 + arguments_of(argv[i])) {
		if (!background && (i == argc || waits(argv[i]))) {
			pid_t child = fork();

			if (child < 0) {
				perror("pcap_tcp: fork");
				return 1;
			}
			if (child > 0)
				return status;
			background = 1;
		}
		if (i == argc)
			break;
		if (run_step(&state, argv + i) < 0)
			status = 1;
	}
	for (;;)
		pause();
}
