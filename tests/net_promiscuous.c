/*
 * For tests/test_net_busybox.sh, run in the guest: PACKET_ADD_MEMBERSHIP
 * with PACKET_MR_PROMISC puts eth0 in promiscuous mode (IFF_PROMISC in
 * SIOCGIFFLAGS) while a member holds it; PACKET_DROP_MEMBERSHIP and closing
 * the socket end it.  Prints one ok/not ok line per check.  (Linux counts
 * memberships the same way but shows IFF_PROMISC only for SIOCSIFFLAGS'
 * own request; Strata shows both, see sockets/README.md.  qemu-user lacks
 * the option, so this is not an oracle test.)
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int failed;

static int promiscuous(void)
{
	struct ifreq request;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&request, 0, sizeof request);
	strcpy(request.ifr_name, "eth0");
	int result = ioctl(s, SIOCGIFFLAGS, &request) == 0 ? !!(request.ifr_flags & IFF_PROMISC) : -1;
	close(s);
	return result;
}

static void check(int condition, const char *description)
{
	printf("%s - %s\n", condition ? "ok" : "not ok", description);
	failed |= !condition;
}

int main(void)
{
	struct packet_mreq request = { .mr_ifindex = (int)if_nametoindex("eth0"), .mr_type = PACKET_MR_PROMISC };
	int a = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	int b = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	check(promiscuous() == 0, "eth0 starts not promiscuous");
	check(setsockopt(a, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request) == 0 &&
	      setsockopt(b, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request) == 0,
	      "two sockets add PACKET_MR_PROMISC memberships");
	check(promiscuous() == 1, "eth0 is promiscuous");
	check(setsockopt(a, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &request, sizeof request) == 0,
	      "one drops its membership");
	check(promiscuous() == 1, "eth0 stays promiscuous for the other");
	close(b);
	check(promiscuous() == 0, "closing the other ends it");
	close(a);
	return failed;
}
