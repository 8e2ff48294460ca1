/*
 * What tests/net_packet_ring.c and tests/net_pcap_capture.c share: lo
 * brought up (Linux 6.1 under tools/linuxrun starts with it down), and an
 * ICMP echo to 127.0.0.1 through a raw socket (root), waited for until its
 * reply comes back, so that a packet socket on lo has seen all four frames.
 */
#ifndef TESTS_NET_LOOPBACK_H
#define TESTS_NET_LOOPBACK_H
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "../user/tests/internet_checksum.h"

static void loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq request = { 0 };
	strcpy(request.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &request) == 0 && !(request.ifr_flags & IFF_UP)) {
		request.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &request);
	}
	close(s);
}

/* An echo request with id, sequence 1 and data to 127.0.0.1; true once its reply came back. */
static int loopback_ping(uint16_t id, const void *data, size_t length)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint8_t echo[8 + 64] = { ICMP_ECHO };
	struct icmphdr *header = (struct icmphdr *)echo;
	header->un.echo.id = htons(id);
	header->un.echo.sequence = htons(1);
	memcpy(echo + 8, data, length);
	header->checksum = internet_checksum(echo, 8 + length);
	struct timeval timeout = { 5, 0 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	sendto(s, echo, 8 + length, 0, (struct sockaddr *)&to, sizeof to);
	int replied = 0;
	for (int tries = 0; tries < 10 && !replied; tries++) {
		uint8_t buffer[256];
		ssize_t n = recv(s, buffer, sizeof buffer, 0);
		if (n < 0)
			break;
		struct icmphdr *icmp = (struct icmphdr *)(buffer + 20);
		replied = n >= 28 && icmp->type == ICMP_ECHOREPLY && icmp->un.echo.id == htons(id);
	}
	close(s);
	return replied;
}

#endif
