/* multicast_member: a pcap fixture's multicast peer in the guest.
 *
 *   multicast_member GROUP PORT
 *
 * A UDP socket bound to PORT on any address.  The first datagram it
 * receives (the fixture sends it to the guest's own address) makes it join
 * GROUP on eth0 (IP_ADD_MEMBERSHIP with an ip_mreqn naming eth0's index),
 * which sends the IGMP reports.  The next datagram (sent to GROUP) makes it
 * leave the group, which sends the IGMP Leave, and then answer that
 * datagram's source with "member GROUP: " + its payload, which shows the
 * datagram reached a socket that joined; then it exits.  The socket is open
 * before the program forks into the background and the parent exits 0, so
 * the fixture's guest_setup is done only once datagrams can be received.
 * A static program, run on Strata and Linux.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAM_MAX 1024

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int serve(int s, const char *group_text, struct ip_mreqn *membership)
{
	char data[DATAGRAM_MAX], answer[DATAGRAM_MAX + 64];
	struct sockaddr_in from;
	socklen_t from_length = sizeof from;
	if (recv(s, data, sizeof data, 0) < 0)
		return fail("recv");
	if (setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, membership, sizeof *membership))
		return fail("IP_ADD_MEMBERSHIP");
	ssize_t length = recvfrom(s, data, sizeof data, 0, (struct sockaddr *)&from, &from_length);
	if (length < 0)
		return fail("recvfrom");
	if (setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, membership, sizeof *membership))
		return fail("IP_DROP_MEMBERSHIP");
	int prefix = snprintf(answer, sizeof answer, "member %s: ", group_text);
	memcpy(answer + prefix, data, (size_t)length);
	if (sendto(s, answer, (size_t)prefix + (size_t)length, 0, (struct sockaddr *)&from, from_length) < 0)
		return fail("sendto");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: multicast_member GROUP PORT\n");
		return 2;
	}
	struct ip_mreqn membership = { .imr_ifindex = (int)if_nametoindex("eth0") };
	if (!inet_aton(argv[1], &membership.imr_multiaddr) || !membership.imr_ifindex) {
		fprintf(stderr, "multicast_member: bad group %s or no eth0\n", argv[1]);
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (s < 0 || bind(s, (struct sockaddr *)&address, sizeof address))
		return fail("socket");
	pid_t child = fork();
	if (child < 0)
		return fail("fork");
	if (child > 0)
		return 0;
	return serve(s, argv[1], &membership);
}
