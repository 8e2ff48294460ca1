/* The guest: a runner command (tools/guestrun or tools/linuxrun) started with
 * one end of a datagram socketpair, which QEMU takes as the NIC's backend
 * (-netdev dgram,local.type=fd: one datagram is one Ethernet frame, no
 * header, no padding).  Every "@FD@" in the command's words becomes that
 * descriptor's number, and it is the only descriptor we leave open across
 * exec besides stdin, stdout and stderr.  The runner gets its own process
 * group, so that stopping it also stops the QEMU it started.
 *
 * The guest's stdout comes back through a pipe, is copied to a log, and is
 * watched for the line the guest program prints when it is ready. */
#ifndef GUEST_H
#define GUEST_H

#include <stdio.h>
#include <sys/types.h>

#define GUEST_READY_LINE "PCAP-READY"

struct guest {
	pid_t pid;
	int exit_fd;	/* a pidfd: readable once the runner has exited */
	int exited;
	int status;	/* its wait status, once exited */
	int link;	/* our end of the socketpair: the guest's Ethernet link */
	int output;	/* the guest's stdout, -1 once it has closed */
	FILE *log;
	char line[256];	/* the line being read, to spot the ready line */
	size_t line_length;
	int ready;
};

int guest_start(struct guest *guest, char **command, const char *log_path);
/* Reads what the guest printed; returns 0, or -1 at end of file. */
int guest_read_output(struct guest *guest);
/* Called when exit_fd is readable: collects the runner's status. */
void guest_reap(struct guest *guest);
/* Ends the runner's process group: SIGINT, as Ctrl-C would, so that the
 * runner cleans up after itself; SIGKILL if it lingers. */
void guest_stop(struct guest *guest);

#endif
