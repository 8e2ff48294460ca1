/*
 * t_socket_ioctl.c - the interface ioctls busybox's ifconfig, arping and
 * udhcpc use (netdevice(7)), asked about lo on an ordinary UDP socket:
 * SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFNETMASK,
 * SIOCGIFDSTADDR, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFMETRIC, SIOCGIFTXQLEN,
 * SIOCGIFMAP, SIOCGIFCONF, ENODEV for an unknown name or index, EFAULT
 * for a bad pointer.  (Unknown requests are not checked: qemu-user, the
 * oracle, answers ENOSYS for them itself.)  Only lo's facts are checked,
 * so the host's other interfaces do not matter.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "tap.h"

static struct ifreq request(const char *name)
{
	struct ifreq r;
	memset(&r, 0, sizeof r);
	strncpy(r.ifr_name, name, IFNAMSIZ - 1);
	return r;
}

static uint32_t address_of(const struct ifreq *r)
{
	return ((const struct sockaddr_in *)&r->ifr_addr)->sin_addr.s_addr;
}

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r = request("lo");
	check(ioctl(s, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex == (int)if_nametoindex("lo"),
	      "SIOCGIFINDEX of lo", "index %d", r.ifr_ifindex);
	int index = r.ifr_ifindex;
	r = request("");
	r.ifr_ifindex = index;
	check(ioctl(s, SIOCGIFNAME, &r) == 0 && !strcmp(r.ifr_name, "lo"), "SIOCGIFNAME of its index is lo",
	      "name %s", r.ifr_name);
	r = request("lo");
	int want = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	check(ioctl(s, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & want) == want && !(r.ifr_flags & IFF_BROADCAST),
	      "SIOCGIFFLAGS: lo is up, running, a loopback, no broadcast", "flags %x", r.ifr_flags);
	r = request("lo");
	check(ioctl(s, SIOCGIFADDR, &r) == 0 && r.ifr_addr.sa_family == AF_INET &&
	      address_of(&r) == htonl(INADDR_LOOPBACK), "SIOCGIFADDR: 127.0.0.1", "family %d", r.ifr_addr.sa_family);
	r = request("lo");
	check(ioctl(s, SIOCGIFNETMASK, &r) == 0 && address_of(&r) == htonl(0xff000000),
	      "SIOCGIFNETMASK: 255.0.0.0", "mask %08x", ntohl(address_of(&r)));
	r = request("lo");
	check(ioctl(s, SIOCGIFDSTADDR, &r) == 0 && address_of(&r) == htonl(INADDR_LOOPBACK),
	      "SIOCGIFDSTADDR: the address itself (not point-to-point)", "addr %08x", ntohl(address_of(&r)));
	r = request("lo");
	check(ioctl(s, SIOCGIFMTU, &r) == 0 && r.ifr_mtu == 65536, "SIOCGIFMTU: 65536", "mtu %d", r.ifr_mtu);
	r = request("lo");
	static const char zero[6];
	check(ioctl(s, SIOCGIFHWADDR, &r) == 0 && r.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK &&
	      !memcmp(r.ifr_hwaddr.sa_data, zero, 6), "SIOCGIFHWADDR: ARPHRD_LOOPBACK, all-zero address",
	      "family %d", r.ifr_hwaddr.sa_family);
	r = request("lo");
	check(ioctl(s, SIOCGIFMETRIC, &r) == 0 && r.ifr_metric == 0, "SIOCGIFMETRIC: 0", "metric %d", r.ifr_metric);
	r = request("lo");
	check(ioctl(s, SIOCGIFTXQLEN, &r) == 0 && r.ifr_qlen == 1000, "SIOCGIFTXQLEN: 1000", "qlen %d", r.ifr_qlen);
	r = request("lo");
	check_ok(ioctl(s, SIOCGIFMAP, &r), "SIOCGIFMAP answers");

	struct ifreq list[32];
	struct ifconf conf = { .ifc_len = sizeof list, .ifc_req = list };
	int found = 0;
	check_ok(ioctl(s, SIOCGIFCONF, &conf), "SIOCGIFCONF");
	for (size_t i = 0; i < conf.ifc_len / sizeof list[0]; i++)
		found |= !strcmp(list[i].ifr_name, "lo") && address_of(&list[i]) == htonl(INADDR_LOOPBACK);
	check(found && conf.ifc_len % sizeof list[0] == 0, "SIOCGIFCONF lists lo with 127.0.0.1", "len %d", conf.ifc_len);
	struct ifconf count = { .ifc_len = 0, .ifc_req = NULL };
	check(ioctl(s, SIOCGIFCONF, &count) == 0 && count.ifc_len == conf.ifc_len,
	      "SIOCGIFCONF with no buffer gives the length needed", "len %d vs %d", count.ifc_len, conf.ifc_len);
	struct ifconf one = { .ifc_len = sizeof list[0], .ifc_req = list };
	check(ioctl(s, SIOCGIFCONF, &one) == 0 && one.ifc_len == sizeof list[0],
	      "SIOCGIFCONF fills only what fits", "len %d", one.ifc_len);

	r = request("nosuch0");
	check_errno(ioctl(s, SIOCGIFFLAGS, &r), ENODEV, "an unknown interface gives ENODEV");
	r = request("");
	r.ifr_ifindex = 999999;
	check_errno(ioctl(s, SIOCGIFNAME, &r), ENODEV, "SIOCGIFNAME of an unknown index gives ENODEV");
	check_errno(ioctl(s, SIOCGIFFLAGS, (void *)8), EFAULT, "a bad request pointer gives EFAULT");
	close(s);
	return tap_done("t_socket_ioctl.c");
}
