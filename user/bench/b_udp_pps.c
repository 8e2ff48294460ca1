/*
 * b_udp_pps: UDP datagrams per second, guest -> host.
 *
 *   b_udp_pps SIZE [SECONDS [PORT [ADDRESS]]]
 *
 * Sends SIZE-byte datagrams (UDP payload; 1..1472, so that none is
 * fragmented) on one connected socket to ADDRESS:PORT (default 10.0.2.2:9000,
 * tools/peers/udp_count in tools/netns-peer's namespace) with back-to-back
 * send() calls for SECONDS (default 3) and prints the rate at which send()
 * accepted them:
 *
 *   BENCH udp_sent_<SIZE> <datagrams/s> packets/s
 *
 * That is the guest's send rate.  The benchmark's figure is what the host
 * received (udp_count prints BENCH udp_pps_<SIZE>): a stack that accepts
 * datagrams faster than its NIC takes them drops the difference.  ENOBUFS
 * (a full device queue) is counted as not sent, as Linux's own tools do.
 * One datagram goes first, untimed, and the timing starts once ARP has
 * resolved the address (/proc/net/arp, up to 1 s): datagrams a stack holds
 * while it resolves are few, and may be dropped on either kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 1472 /* 1500-byte MTU less the IP and UDP headers */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether /proc/net/arp has a complete entry (flags 0x2, ATF_COM) for address. */
static int arp_resolved(const char *address)
{
	char line[256], ip[64];
	unsigned type, flags;
	int found = 0;
	FILE *f = fopen("/proc/net/arp", "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f))
		found = sscanf(line, "%63s 0x%x 0x%x", ip, &type, &flags) == 3 &&
			!strcmp(ip, address) && (flags & 0x2);
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	static char payload[MAX_SIZE];
	int size = argc > 1 ? atoi(argv[1]) : 0;
	const char *address = argc > 4 ? argv[4] : "10.0.2.2";
	double seconds = argc > 2 ? atof(argv[2]) : 3;
	int port = argc > 3 ? atoi(argv[3]) : 9000;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (size < 1 || size > MAX_SIZE || seconds <= 0 || port <= 0 || port > 65535 ||
	    inet_pton(AF_INET, address, &to.sin_addr) != 1) {
		fprintf(stderr, "usage: b_udp_pps SIZE(1..%d) [SECONDS [PORT [ADDRESS]]]\n", MAX_SIZE);
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) < 0) {
		perror("b_udp_pps: socket/connect");
		return 1;
	}
	memset(payload, 'u', sizeof payload);
	if (send(s, payload, size, 0) != size) {
		perror("b_udp_pps: send");
		return 1;
	}
	for (double start = now_s(); !arp_resolved(address) && now_s() - start < 1;)
		usleep(1000);
	long sent = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		/* The clock is read once every 16 sends: a system call on some kernels. */
		for (int i = 0; i < 16; i++) {
			if (send(s, payload, size, 0) == size)
				sent++;
			else if (errno != ENOBUFS) {
				perror("b_udp_pps: send");
				return 1;
			}
		}
		t = now_s();
	}
	printf("BENCH udp_sent_%d %.0f packets/s\n", size, sent / (t - t0));
	return 0;
}
