/*
 * b_packet_rx: Ethernet frames per second received on an AF_PACKET socket
 * while the host floods the guest.
 *
 *   b_packet_rx [SECONDS [INTERFACE]]     (default 3 s on eth0)
 *
 * The socket is socket(AF_PACKET, SOCK_DGRAM, ETH_P_BENCH) bound to the
 * interface, ETH_P_BENCH being 0x88b5 (IEEE 802 local experimental), so it
 * sees the flood and nothing else.  The flood is tools/peers/frame_flood, in
 * tools/netns-peer's namespace: this program broadcasts a "start" frame of
 * that type, the flooder answers with minimum-size frames to our MAC as fast
 * as it can send them, and a "stop" frame ends it.  The window opens at the
 * first flood frame read and lasts SECONDS; frames read in it are counted:
 *
 *   BENCH packet_rx <frames/s> frames/s
 *
 * "start" is sent again each second until the flood begins (5 tries).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#define ETH_P_BENCH 0x88b5

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void broadcast(int s, int ifindex, const char *word)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_BENCH),
				  .sll_ifindex = ifindex, .sll_halen = 6 };
	memset(to.sll_addr, 0xff, 6);
	if (sendto(s, word, strlen(word), 0, (struct sockaddr *)&to, sizeof to) < 0) {
		perror("b_packet_rx: sendto");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3;
	const char *name = argc > 2 ? argv[2] : "eth0";
	if (seconds <= 0 || strlen(name) >= IFNAMSIZ) {
		fprintf(stderr, "usage: b_packet_rx [SECONDS [INTERFACE]]\n");
		return 2;
	}
	int s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_BENCH));
	if (s < 0) {
		perror("b_packet_rx: socket");
		return 1;
	}
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, name);
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		perror("b_packet_rx: SIOCGIFINDEX");
		return 1;
	}
	struct sockaddr_ll here = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_BENCH),
				    .sll_ifindex = ifr.ifr_ifindex };
	if (bind(s, (struct sockaddr *)&here, sizeof here) < 0) {
		perror("b_packet_rx: bind");
		return 1;
	}
	static char frame[2048];
	struct pollfd p = { .fd = s, .events = POLLIN };
	int tries = 0;
	do {
		if (++tries > 5) {
			fprintf(stderr, "b_packet_rx: no flood after %d start frames\n", tries - 1);
			return 1;
		}
		broadcast(s, ifr.ifr_ifindex, "start");
	} while (poll(&p, 1, 1000) == 0);
	if (recv(s, frame, sizeof frame, 0) < 0) {
		perror("b_packet_rx: recv");
		return 1;
	}
	long frames = 0;
	double t0 = now_s();
	while (now_s() - t0 < seconds) {
		/* poll bounds the wait should the flood stop; the window still closes on time. */
		if (poll(&p, 1, 100) == 1) {
			if (recv(s, frame, sizeof frame, 0) < 0) {
				perror("b_packet_rx: recv");
				return 1;
			}
			frames++;
		}
	}
	broadcast(s, ifr.ifr_ifindex, "stop");
	printf("BENCH packet_rx %.0f frames/s\n", frames / seconds);
	return 0;
}
