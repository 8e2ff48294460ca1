/*
 * impair-bridge: loss, duplication, reordering, delay and corruption between
 * a QEMU guest's netdev and a tap device, from a seeded PRNG whose seed is
 * printed so that a failing run can be replayed.  This machine's kernel has
 * no netem; this is the harness's own.  See README.md beside it.
 *
 * The guest's side is one end of a SOCK_DGRAM socketpair (one datagram = one
 * Ethernet frame, QEMU's -netdev dgram,local.type=fd); COMMAND runs with
 * the other end as descriptor N.  The tap is opened by name in our network
 * namespace.  When COMMAND exits, so do we, with its status.
 */
#define _GNU_SOURCE
#include "impair.h"
#include "pcap_writer.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { TO_HOST, TO_GUEST, DIRECTIONS };
static const char *const direction_names[DIRECTIONS] = { "to-host", "to-guest" };

/* Frames read from one side per wake-up before the other side gets its turn. */
#define READ_BURST 64

static void usage(void)
{
	fprintf(stderr,
		"usage: impair-bridge [--seed N] [--both PROFILE] [--to-guest PROFILE] [--to-host PROFILE]\n"
		"                     [--pcap FILE] [--fd N] --tap IFNAME -- COMMAND [ARG...]\n"
		"\n"
		"Runs COMMAND with descriptor N (default 3) one end of a datagram socketpair,\n"
		"for QEMU's  -netdev dgram,id=ID,local.type=fd,local.str=N  (guestrun --pass-fd N),\n"
		"and forwards frames between it and the tap IFNAME, impaired per direction:\n"
		"  PROFILE  NAME=VALUE,...  with NAME one of\n"
		"           loss=P  duplicate=P  reorder=P  corrupt=P   (P: 5%% or 0.05)\n"
		"           delay=MS  hold=MS   (milliseconds; hold: longest a reordered frame\n"
		"                               waits for the next to overtake it, default 10)\n"
		"  --both   applies to both directions; --to-guest, --to-host on top of it\n"
		"  --seed   replays a run (the seed is printed on stderr at the start)\n"
		"  --pcap   records every frame delivered, both directions, after impairment\n"
		"Prints the seed and the profiles at the start, and per direction what it did\n"
		"at the end, on stderr.  Exit status: COMMAND's; 2 for a usage error.\n");
	exit(2);
}

static int self_pipe[2];
static pid_t child;

static void on_signal(int number)
{
	int saved = errno;
	if (number == SIGCHLD) {
		ssize_t ignored = write(self_pipe[1], "", 1);
		(void)ignored;
	} else if (child > 0) {
		kill(child, number);
	}
	errno = saved;
}

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static int open_tap(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ifreq request = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	snprintf(request.ifr_name, sizeof request.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &request) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void print_profile(const char *name, const struct impair_profile *p)
{
	fprintf(stderr, "impair-bridge: %s loss=%g%% duplicate=%g%% reorder=%g%% corrupt=%g%% "
			"delay=%" PRIu32 "ms hold=%" PRIu32 "ms\n",
		name, p->loss * 100, p->duplicate * 100, p->reorder * 100, p->corrupt * 100,
		p->delay_ms, p->reorder_hold_ms);
}

static void print_counters(const char *name, const struct impair_counters *c)
{
	fprintf(stderr, "impair-bridge: %s frames %" PRIu64 " lost %" PRIu64 " duplicated %" PRIu64
			" reordered %" PRIu64 " corrupted %" PRIu64 " overflowed %" PRIu64
			" sent %" PRIu64 "\n",
		name, c->frames, c->lost, c->duplicated, c->reordered, c->corrupted, c->overflowed,
		c->sent);
}

static pid_t start_command(char **command, int fd, int wanted)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (fd != wanted) {
		if (dup2(fd, wanted) < 0)
			_exit(127);
		close(fd);
	}
	char number[16];
	snprintf(number, sizeof number, "%d", wanted);
	setenv("IMPAIR_BRIDGE_FD", number, 1);
	execvp(command[0], command);
	fprintf(stderr, "impair-bridge: %s: %s\n", command[0], strerror(errno));
	_exit(127);
}

struct bridge {
	int fds[DIRECTIONS];                        /* where each direction's frames go */
	struct impair_direction directions[DIRECTIONS];
	bool blocked[DIRECTIONS];                   /* the last send found no room */
	FILE *pcap;
};

/* Sends what is due; stops at the first frame the receiver has no room for. */
static void deliver(struct bridge *b, int d)
{
	struct impair_frame *frame;
	b->blocked[d] = false;
	while ((frame = impair_take_due(&b->directions[d], now_us()))) {
		if (write(b->fds[d], frame->data, frame->length) < 0 &&
		    (errno == EAGAIN || errno == ENOBUFS)) {
			impair_put_back(&b->directions[d], frame);
			b->blocked[d] = true;
			return;
		}
		if (b->pcap) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			pcap_write(b->pcap, &t, frame->data, frame->length, frame->length);
		}
		free(frame);
	}
}

/* Reads what arrived from the side that feeds direction d. */
static void receive(struct bridge *b, int from_fd, int d)
{
	static uint8_t buffer[IMPAIR_MAX_FRAME];
	for (int i = 0; i < READ_BURST; i++) {
		ssize_t n = read(from_fd, buffer, sizeof buffer);
		if (n <= 0)
			return;
		impair_submit(&b->directions[d], buffer, (size_t)n, now_us());
	}
}

int main(int argc, char **argv)
{
	struct impair_profile both = { .reorder_hold_ms = 10 }, profiles[DIRECTIONS];
	const char *given[DIRECTIONS] = { NULL, NULL }, *tap_name = NULL, *pcap_path = NULL;
	uint64_t seed = 0;
	bool seeded = false;
	int wanted_fd = 3, i;
	for (i = 1; i < argc; i++) {
		const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(option, "--") == 0) {
			i++;
			break;
		}
		if (!value)
			usage();
		i++;
		const char *error = NULL;
		if (strcmp(option, "--seed") == 0) {
			char *end;
			seed = strtoull(value, &end, 0);
			if (*end || !*value)
				error = "the seed is a number";
			seeded = true;
		} else if (strcmp(option, "--both") == 0) {
			error = impair_profile_parse(value, &both);
		} else if (strcmp(option, "--to-guest") == 0) {
			given[TO_GUEST] = value;
		} else if (strcmp(option, "--to-host") == 0) {
			given[TO_HOST] = value;
		} else if (strcmp(option, "--tap") == 0) {
			tap_name = value;
		} else if (strcmp(option, "--pcap") == 0) {
			pcap_path = value;
		} else if (strcmp(option, "--fd") == 0) {
			wanted_fd = atoi(value);
			if (wanted_fd < 3)
				error = "--fd must be 3 or more";
		} else {
			usage();
		}
		if (error) {
			fprintf(stderr, "impair-bridge: %s %s: %s\n", option, value, error);
			usage();
		}
	}
	if (!tap_name || i >= argc)
		usage();
	for (int d = 0; d < DIRECTIONS; d++) {
		profiles[d] = both;
		const char *error = given[d] ? impair_profile_parse(given[d], &profiles[d]) : NULL;
		if (error) {
			fprintf(stderr, "impair-bridge: --%s %s: %s\n", direction_names[d], given[d], error);
			usage();
		}
	}
	if (!seeded && getrandom(&seed, sizeof seed, 0) != sizeof seed)
		seed = (uint64_t)time(NULL);

	struct bridge b = { .pcap = NULL };
	int pair[2];
	int tap = open_tap(tap_name);
	if (tap < 0) {
		fprintf(stderr, "impair-bridge: opening tap %s: %s\n", tap_name, strerror(errno));
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) < 0 || pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("impair-bridge: socketpair/pipe");
		return 1;
	}
	if (pcap_path && !(b.pcap = pcap_open(pcap_path))) {
		fprintf(stderr, "impair-bridge: %s: %s\n", pcap_path, strerror(errno));
		return 1;
	}
	fcntl(pair[0], F_SETFD, FD_CLOEXEC);
	fcntl(pair[0], F_SETFL, O_NONBLOCK);
	b.fds[TO_HOST] = tap;
	b.fds[TO_GUEST] = pair[0];
	fprintf(stderr, "impair-bridge: seed %" PRIu64 " (replay with --seed %" PRIu64 ")\n", seed, seed);
	for (int d = 0; d < DIRECTIONS; d++) {
		impair_direction_init(&b.directions[d], &profiles[d], seed, (unsigned)d);
		print_profile(direction_names[d], &profiles[d]);
	}

	struct sigaction action = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGCHLD, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	child = start_command(argv + i, pair[1], wanted_fd);
	close(pair[1]);
	if (child < 0) {
		perror("impair-bridge: fork");
		return 1;
	}

	int status = 0;
	for (;;) {
		for (int d = 0; d < DIRECTIONS; d++)
			deliver(&b, d);
		uint64_t now = now_us(), due = UINT64_MAX;
		for (int d = 0; d < DIRECTIONS; d++) {
			uint64_t next = impair_next_due(&b.directions[d]);
			if (!b.blocked[d] && next < due)
				due = next;
		}
		int timeout = due == UINT64_MAX ? -1 : due <= now ? 0 : (int)((due - now + 999) / 1000);
		struct pollfd fds[3] = {
			{ .fd = pair[0], .events = POLLIN | (b.blocked[TO_GUEST] ? POLLOUT : 0) },
			{ .fd = tap, .events = POLLIN | (b.blocked[TO_HOST] ? POLLOUT : 0) },
			{ .fd = self_pipe[0], .events = POLLIN },
		};
		if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
			perror("impair-bridge: poll");
			break;
		}
		if (fds[2].revents) {
			char drained[16];
			while (read(self_pipe[0], drained, sizeof drained) > 0)
				;
			if (waitpid(child, &status, WNOHANG) == child)
				break;
		}
		if (fds[0].revents & POLLIN)
			receive(&b, pair[0], TO_HOST);
		if (fds[1].revents & POLLIN)
			receive(&b, tap, TO_GUEST);
	}
	for (int d = 0; d < DIRECTIONS; d++) {
		print_counters(direction_names[d], &b.directions[d].counters);
		impair_direction_free(&b.directions[d]);
	}
	if (b.pcap && !pcap_close(b.pcap))
		fprintf(stderr, "impair-bridge: writing %s: %s\n", pcap_path, strerror(errno));
	fprintf(stderr, "impair-bridge: seed %" PRIu64 "\n", seed);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
