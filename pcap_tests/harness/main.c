/* pcap_tests harness: replays a fixture's frames into a QEMU guest's NIC,
 * answers the guest's ARP requests for the harness's addresses, and records
 * both directions.
 *
 * usage: harness --script FILE --input PCAP --pcap OUT --index OUT --guest-log OUT
 *                -- RUNNER [ARG...]
 *
 * The runner (tools/guestrun or tools/linuxrun) boots the guest with
 * "-netdev dgram,local.type=fd,local.str=@FD@"; see guest.h.  The test
 * begins when the guest prints PCAP-READY, and ends as the script says (see
 * script.h): then the harness sends the end-of-test frame and waits for the
 * runner to exit.  Exit status 0 when the guest became ready, the test ended
 * and the runner exited with 0 (and every "tcp-rebase" frame could be
 * rebased); 1 otherwise; 2 for a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/end_of_test.h"
#include "arp_answer.h"
#include "guest.h"
#include "input.h"
#include "recorder.h"
#include "script.h"
#include "tcp_rebase.h"

#define READY_TIMEOUT_MS 120000	/* booting under TCG on a busy machine */
#define EXIT_TIMEOUT_MS 30000	/* from the end-of-test frame to the runner's exit */
#define MAX_FRAME 65536
#define NEVER -1L

struct options {
	const char *script, *input, *pcap, *index, *guest_log;
	char **command;
};

struct run {
	struct script script;
	struct input_frame *frames;
	long frame_count;
	struct guest guest;
	struct recorder *recorder;
	long started_ms, ready_ms, end_ms, last_traffic_ms;
	long sent;		/* input frames sent so far */
	long guest_frames;	/* "test" frames received from the guest */
	struct tcp_isns isns;	/* the guest's ISNs, learned from its SYNs */
	int rebase_failed;	/* a "tcp-rebase" frame's connection had no known ISN */
	const char *why_ended;
};

static long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

static void usage(void)
{
	fprintf(stderr, "usage: harness --script FILE --input PCAP --pcap OUT --index OUT "
		"--guest-log OUT -- RUNNER [ARG...]\n");
	exit(2);
}

static void parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "script", required_argument, NULL, 's' },
		{ "input", required_argument, NULL, 'i' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "index", required_argument, NULL, 'x' },
		{ "guest-log", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int option;

	memset(options, 0, sizeof(*options));
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case 's': options->script = optarg; break;
		case 'i': options->input = optarg; break;
		case 'p': options->pcap = optarg; break;
		case 'x': options->index = optarg; break;
		case 'g': options->guest_log = optarg; break;
		default: usage();
		}
	}
	if (!options->script || !options->input || !options->pcap || !options->index ||
	    !options->guest_log || optind >= argc)
		usage();
	options->command = argv + optind;
}

static void send_frame(struct run *run, const uint8_t *frame, size_t length, const char *role)
{
	if (send(run->guest.link, frame, length, 0) < 0)
		perror("harness: send to the guest");
	recorder_add(run->recorder, frame, length, "to-guest", role);
	run->last_traffic_ms = now_ms();
}

static int condition_met(const struct run *run, const struct send_directive *send)
{
	switch (send->condition) {
	case SEND_WHEN_READY:
		return 1;
	case SEND_AFTER_GUEST_FRAMES:
		return run->guest_frames >= send->argument;
	case SEND_AFTER_QUIET_MS:
		return now_ms() - run->last_traffic_ms >= send->argument;
	}
	return 0;
}

static void send_due_frames(struct run *run)
{
	while (run->sent < run->frame_count && condition_met(run, &run->script.sends[run->sent])) {
		char role[32];

		snprintf(role, sizeof(role), "fixture %ld", run->sent + 1);
		if (run->script.rebase_ack[run->sent] &&
		    tcp_rebase_ack(&run->isns, run->frames[run->sent].bytes,
				   run->frames[run->sent].length) < 0) {
			fprintf(stderr, "harness: frame %ld: no guest SYN seen on its TCP "
				"connection, so its ack cannot be rebased\n", run->sent + 1);
			run->rebase_failed = 1;
		}
		send_frame(run, run->frames[run->sent].bytes, run->frames[run->sent].length, role);
		run->sent++;
	}
}

static void end_test(struct run *run, const char *why)
{
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (run->script.address_count > 0)
		memcpy(frame + 6, run->script.addresses[0].mac, 6);
	frame[12] = END_OF_TEST_ETHERTYPE >> 8;
	frame[13] = END_OF_TEST_ETHERTYPE & 0xff;
	memcpy(frame + 14, END_OF_TEST_PAYLOAD, strlen(END_OF_TEST_PAYLOAD));
	send_frame(run, frame, sizeof(frame), "end");
	run->end_ms = now_ms();
	run->why_ended = why;
}

/* What ends the test, once the guest is ready and before the end frame. */
static void check_end(struct run *run)
{
	long now = now_ms();

	if (run->sent == run->frame_count && run->script.expect_frames > 0 &&
	    run->guest_frames >= run->script.expect_frames)
		end_test(run, "the guest sent the frames expected");
	else if (run->sent == run->frame_count && now - run->last_traffic_ms >= run->script.quiet_ms)
		end_test(run, "the link was quiet");
	else if (now - run->ready_ms >= run->script.timeout_ms)
		end_test(run, "timeout");
}

static void receive_frame(struct run *run)
{
	uint8_t frame[MAX_FRAME], answer[ARP_ANSWER_LENGTH];
	ssize_t length = recv(run->guest.link, frame, sizeof(frame), 0);

	if (length < 0)
		return;
	run->last_traffic_ms = now_ms();
	tcp_rebase_learn(&run->isns, frame, length);
	/* Before PCAP-READY the guest is still booting: what it sends then (a
	 * gratuitous ARP announcing its address, say) answers no fixture frame. */
	if (!run->guest.ready) {
		recorder_add(run->recorder, frame, length, "from-guest", "boot");
		return;
	}
	/* An announcement sent while configuring the address may reach us just
	 * after PCAP-READY, which takes another path: it is still boot's. */
	if (arp_is_announcement(frame, length)) {
		recorder_add(run->recorder, frame, length, "from-guest", "announce");
		return;
	}
	if (arp_answer(&run->script, frame, length, answer)) {
		recorder_add(run->recorder, frame, length, "from-guest", "arp-request");
		send_frame(run, answer, sizeof(answer), "arp-answer");
		return;
	}
	recorder_add(run->recorder, frame, length, "from-guest", "test");
	run->guest_frames++;
}

static long earliest(long a, long b)
{
	return a == NEVER ? b : b == NEVER ? a : (a < b ? a : b);
}

/* How long poll may sleep: until the next moment at which something is due. */
static int poll_timeout(const struct run *run)
{
	long deadline = NEVER;

	if (!run->guest.ready) {
		deadline = run->started_ms + READY_TIMEOUT_MS;
	} else if (run->end_ms == NEVER) {
		if (run->sent < run->frame_count) {
			const struct send_directive *next = &run->script.sends[run->sent];

			if (next->condition == SEND_AFTER_QUIET_MS)
				deadline = run->last_traffic_ms + next->argument;
		} else {
			deadline = run->last_traffic_ms + run->script.quiet_ms;
		}
		deadline = earliest(deadline, run->ready_ms + run->script.timeout_ms);
	} else {
		deadline = run->end_ms + EXIT_TIMEOUT_MS;
	}
	deadline -= now_ms();
	return deadline < 0 ? 0 : deadline;
}

/* Runs the test; returns 0 if it ended and the runner exited with status 0. */
static int run_test(struct run *run)
{
	int status;

	run->started_ms = now_ms();
	run->end_ms = NEVER;
	for (;;) {
		/* A negative fd (the output, once closed) is left out by poll. */
		struct pollfd fds[3] = {
			{ .fd = run->guest.link, .events = POLLIN },
			{ .fd = run->guest.output, .events = POLLIN },
			{ .fd = run->guest.exit_fd, .events = POLLIN },
		};
		int was_ready = run->guest.ready;

		if (poll(fds, 3, poll_timeout(run)) < 0)
			continue;
		if (fds[0].revents & POLLIN)
			receive_frame(run);
		if (fds[1].revents & (POLLIN | POLLHUP))
			guest_read_output(&run->guest);
		if (fds[2].revents & POLLIN)
			guest_reap(&run->guest);
		if (!was_ready && run->guest.ready)
			run->ready_ms = run->last_traffic_ms = now_ms();
		if (run->guest.ready && run->end_ms == NEVER) {
			send_due_frames(run);
			check_end(run);
		}
		if (run->guest.output < 0 && run->guest.exited)
			break;
		if (!run->guest.ready && now_ms() - run->started_ms >= READY_TIMEOUT_MS) {
			fprintf(stderr, "harness: the guest never printed " GUEST_READY_LINE "\n");
			guest_stop(&run->guest);
			return 1;
		}
		if (run->end_ms != NEVER && now_ms() - run->end_ms >= EXIT_TIMEOUT_MS) {
			fprintf(stderr, "harness: the guest did not exit after the end frame\n");
			guest_stop(&run->guest);
			return 1;
		}
	}
	/* Frames the guest sent just before it stopped are still in the socket. */
	while (recv(run->guest.link, (char[1]){ 0 }, 0, MSG_PEEK | MSG_DONTWAIT) >= 0)
		receive_frame(run);
	if (run->end_ms == NEVER) {
		fprintf(stderr, "harness: the guest exited before the test ended%s\n",
			run->guest.ready ? "" : " (it never printed " GUEST_READY_LINE ")");
		return 1;
	}
	fprintf(stderr, "harness: test ended: %s; %ld of %ld frames sent, %ld received\n",
		run->why_ended, run->sent, run->frame_count, run->guest_frames);
	if (run->rebase_failed) {
		fprintf(stderr, "harness: a tcp-rebase frame's connection had no guest SYN (see above)\n");
		return 1;
	}
	status = run->guest.status;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: the guest runner failed (wait status %#x)\n", status);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options options;
	struct run run;
	int status;

	parse_options(argc, argv, &options);
	/* A send to a guest that has gone must fail, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	memset(&run, 0, sizeof(run));
	if (script_load(options.script, &run.script) < 0)
		return 2;
	run.frame_count = input_load(options.input, &run.frames);
	if (run.frame_count < 0)
		return 2;
	if ((size_t)run.frame_count != run.script.send_count) {
		fprintf(stderr, "harness: %s has %ld frames but %s has %zu send lines\n",
			options.input, run.frame_count, options.script, run.script.send_count);
		return 2;
	}
	run.recorder = recorder_open(options.pcap, options.index);
	if (run.recorder == NULL || guest_start(&run.guest, options.command, options.guest_log) < 0)
		return 1;
	status = run_test(&run);
	recorder_close(run.recorder);
	fclose(run.guest.log);
	return status;
}
