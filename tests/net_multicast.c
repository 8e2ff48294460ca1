/*
 * net_multicast.c - IP multicast on the loopback interface (ip(7)):
 * IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP with ip_mreq and ip_mreqn,
 * MCAST_JOIN_GROUP/MCAST_LEAVE_GROUP, their errors, IP_MULTICAST_IF, _TTL,
 * _LOOP and _ALL, and which sockets a datagram to a group reaches.
 * qemu-user passes none of the structure options to the host, so
 * tests/test_net_multicast.sh runs this under Strata and under Linux 6.1
 * (tools/linuxrun) and compares.  Run after `ifconfig lo up`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include "../user/tests/tap.h"

#define PORT 45123

static uint32_t group_a, group_b, loopback_address;
static int lo_index;

static int udp_on(uint32_t address)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	a.sin_addr.s_addr = address;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&a, sizeof a))
		return -1;
	return s;
}

static int get_int(int s, int name)
{
	int value = -7;
	socklen_t length = sizeof value;
	return getsockopt(s, IPPROTO_IP, name, &value, &length) ? -100 - errno : value;
}

static void test_defaults(int s)
{
	check_eq(get_int(s, IP_MULTICAST_TTL), 1, "IP_MULTICAST_TTL is 1 by default");
	check_eq(get_int(s, IP_MULTICAST_LOOP), 1, "IP_MULTICAST_LOOP is on by default");
	check_eq(get_int(s, IP_MULTICAST_ALL), 1, "IP_MULTICAST_ALL is on by default");
	check_eq(get_int(s, IP_MULTICAST_IF), 0, "IP_MULTICAST_IF is 0.0.0.0 by default");
}

static int membership(int s, int name, uint32_t group, uint32_t interface)
{
	struct ip_mreq request = { .imr_multiaddr.s_addr = group, .imr_interface.s_addr = interface };
	return setsockopt(s, IPPROTO_IP, name, &request, sizeof request);
}

static int membership_n(int s, int name, uint32_t group, int ifindex)
{
	struct ip_mreqn request = { .imr_multiaddr.s_addr = group, .imr_ifindex = ifindex };
	return setsockopt(s, IPPROTO_IP, name, &request, sizeof request);
}

static int group_request(int s, int name, uint32_t group, int family, int ifindex, socklen_t length)
{
	struct group_req request = { .gr_interface = (uint32_t)ifindex };
	struct sockaddr_in *address = (struct sockaddr_in *)&request.gr_group;
	address->sin_family = (sa_family_t)family;
	address->sin_addr.s_addr = group;
	return setsockopt(s, IPPROTO_IP, name, &request, length);
}

static void test_membership_errors(int s)
{
	check_ok(membership(s, IP_ADD_MEMBERSHIP, group_b, loopback_address), "ip_mreq join on 127.0.0.1");
	check_errno(membership(s, IP_ADD_MEMBERSHIP, group_b, loopback_address), EADDRINUSE,
		    "joining again: EADDRINUSE");
	struct ip_mreq request = { .imr_multiaddr.s_addr = group_b };
	check_errno(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request - 1), EINVAL,
		    "a short ip_mreq: EINVAL");
	check_errno(membership(s, IP_ADD_MEMBERSHIP, loopback_address, loopback_address), EINVAL,
		    "joining a unicast address: EINVAL");
	check_errno(membership(s, IP_ADD_MEMBERSHIP, inet_addr("224.5.5.5"), inet_addr("10.9.9.9")),
		    ENODEV, "joining on an address no interface has: ENODEV");
	check_errno(membership(s, IP_DROP_MEMBERSHIP, inet_addr("224.5.5.5"), loopback_address),
		    EADDRNOTAVAIL, "leaving a group not joined: EADDRNOTAVAIL");
	check_ok(membership(s, IP_DROP_MEMBERSHIP, group_b, loopback_address), "leaving the group joined");
	check_errno(membership_n(s, IP_ADD_MEMBERSHIP, group_b, 9999), ENODEV,
		    "ip_mreqn with an unknown index: ENODEV");
	check_ok(membership_n(s, IP_ADD_MEMBERSHIP, group_b, lo_index), "ip_mreqn join on lo's index");
	check_ok(membership_n(s, IP_DROP_MEMBERSHIP, group_b, lo_index), "ip_mreqn leave");
	check_errno(membership_n(s, IP_DROP_MEMBERSHIP, group_b, lo_index), EADDRNOTAVAIL,
		    "leaving twice: EADDRNOTAVAIL");
	struct ip_mreqn out;
	socklen_t length = sizeof out;
	check_errno(getsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &out, &length), ENOPROTOOPT,
		    "getsockopt IP_ADD_MEMBERSHIP: ENOPROTOOPT");

	socklen_t whole = sizeof(struct group_req);
	check_ok(group_request(s, MCAST_JOIN_GROUP, group_b, AF_INET, lo_index, whole),
		 "MCAST_JOIN_GROUP on lo");
	check_errno(group_request(s, MCAST_JOIN_GROUP, group_b, AF_INET, lo_index, whole), EADDRINUSE,
		    "MCAST_JOIN_GROUP again: EADDRINUSE");
	check_ok(group_request(s, MCAST_LEAVE_GROUP, group_b, AF_INET, lo_index, whole),
		 "MCAST_LEAVE_GROUP");
	check_errno(group_request(s, MCAST_LEAVE_GROUP, group_b, AF_INET, lo_index, whole),
		    EADDRNOTAVAIL, "MCAST_LEAVE_GROUP again: EADDRNOTAVAIL");
	check_errno(group_request(s, MCAST_JOIN_GROUP, group_b, AF_INET, lo_index, whole - 1), EINVAL,
		    "a short group_req: EINVAL");
	check_errno(group_request(s, MCAST_JOIN_GROUP, group_b, AF_INET6, lo_index, whole), EINVAL,
		    "a group_req not AF_INET: EINVAL");
	check_errno(group_request(s, MCAST_JOIN_GROUP, loopback_address, AF_INET, lo_index, whole),
		    EINVAL, "MCAST_JOIN_GROUP of a unicast address: EINVAL");
	check_errno(group_request(s, MCAST_JOIN_GROUP, group_b, AF_INET, 9999, whole), ENODEV,
		    "MCAST_JOIN_GROUP on an unknown index: ENODEV");

	int tcp = socket(AF_INET, SOCK_STREAM, 0), ttl = 2;
	check_errno(membership(tcp, IP_ADD_MEMBERSHIP, group_b, loopback_address), EPROTO,
		    "TCP joins no group: EPROTO");
	check_errno(setsockopt(tcp, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl), EINVAL,
		    "TCP takes no IP_MULTICAST_TTL: EINVAL");
	close(tcp);
}

static void test_sender_options(int tx)
{
	int value = 256;
	check_errno(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_TTL, &value, sizeof value), EINVAL,
		    "IP_MULTICAST_TTL 256: EINVAL");
	value = -1;
	check(!setsockopt(tx, IPPROTO_IP, IP_MULTICAST_TTL, &value, sizeof value) &&
	      get_int(tx, IP_MULTICAST_TTL) == 1, "IP_MULTICAST_TTL -1 means 1", NULL);
	value = 7;
	check(!setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &value, sizeof value) &&
	      get_int(tx, IP_MULTICAST_LOOP) == 1, "IP_MULTICAST_LOOP 7 reads back 1", NULL);
	value = 2;
	check_errno(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_ALL, &value, sizeof value), EINVAL,
		    "IP_MULTICAST_ALL 2: EINVAL");
	struct in_addr interface = { inet_addr("10.9.9.9") };
	check_errno(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface),
		    EADDRNOTAVAIL, "IP_MULTICAST_IF of an address no interface has: EADDRNOTAVAIL");
	check_errno(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &interface, 3), EINVAL,
		    "IP_MULTICAST_IF with 3 bytes: EINVAL");
	interface.s_addr = loopback_address;
	check_ok(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface),
		 "IP_MULTICAST_IF 127.0.0.1");
	check_eq(get_int(tx, IP_MULTICAST_IF), (int)loopback_address, "reads back 127.0.0.1");
}

/* Sends to group_a and reports, in one number, which of the sockets got
 * it (bit i for sockets[i]), after a unicast marker to the last socket
 * (bound to 127.0.0.1) says every earlier datagram went through. */
static int who_gets_it(int tx, const int *sockets, int count, int *ttl)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	to.sin_addr.s_addr = group_a;
	sendto(tx, "group", 5, 0, (struct sockaddr *)&to, sizeof to);
	to.sin_addr.s_addr = loopback_address;
	sendto(tx, "marker", 6, 0, (struct sockaddr *)&to, sizeof to);
	struct pollfd wait = { .fd = sockets[count - 1], .events = POLLIN };
	poll(&wait, 1, 5000);
	int mask = 0;
	for (int i = 0; i < count; i++) {
		char data[16], control[64];
		struct iovec iov = { data, sizeof data };
		struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
					  .msg_controllen = sizeof control };
		ssize_t length;
		while ((length = recvmsg(sockets[i], &message, MSG_DONTWAIT)) > 0) {
			if (length != 5)
				continue;
			mask |= 1 << i;
			struct cmsghdr *c = CMSG_FIRSTHDR(&message);
			if (ttl && c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
				memcpy(ttl, CMSG_DATA(c), sizeof *ttl);
			message.msg_controllen = sizeof control;
		}
	}
	return mask;
}

static void test_delivery(int tx)
{
	/* s0 any, joined; s1 any, not joined; s2 the group's address, joined;
	 * s3 another group's address; s4 127.0.0.1, the marker's receiver. */
	int s[5] = { udp_on(0), udp_on(0), udp_on(group_a), udp_on(group_b), udp_on(loopback_address) };
	check_ok(membership(s[0], IP_ADD_MEMBERSHIP, group_a, loopback_address), "s0 joins on lo");
	check_ok(membership(s[2], IP_ADD_MEMBERSHIP, group_a, loopback_address), "s2 joins on lo");
	int one = 1, ttl = -1;
	setsockopt(s[0], IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
	check_eq(who_gets_it(tx, s, 5, &ttl), 0x7,
		 "reaches the any-address sockets (joined or not) and the one bound to the group");
	check_eq(ttl, 1, "with TTL 1");
	int five = 5, zero = 0;
	setsockopt(tx, IPPROTO_IP, IP_MULTICAST_TTL, &five, sizeof five);
	who_gets_it(tx, s, 5, &ttl);
	check_eq(ttl, 5, "IP_MULTICAST_TTL 5 sends with TTL 5");
	setsockopt(s[1], IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
	check_eq(who_gets_it(tx, s, 5, NULL), 0x5, "IP_MULTICAST_ALL 0: only joined sockets");
	setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero);
	check_eq(who_gets_it(tx, s, 5, NULL), 0x5, "IP_MULTICAST_LOOP 0: lo brings it back anyway");
	check_ok(membership(s[0], IP_DROP_MEMBERSHIP, group_a, loopback_address), "s0 leaves");
	check_eq(who_gets_it(tx, s, 5, NULL), 0x5,
		 "s0 still gets it (IP_MULTICAST_ALL) while lo is in the group");
	close(s[2]);
	check_eq(who_gets_it(tx, s, 5, NULL), 0x0, "once the last member closed, nobody does");
	for (int i = 0; i < 5; i++)
		if (i != 2)
			close(s[i]);
}

int main(void)
{
	group_a = inet_addr("224.1.2.3");
	group_b = inet_addr("224.6.6.6");
	loopback_address = htonl(INADDR_LOOPBACK);
	lo_index = (int)if_nametoindex("lo");
	int tx = socket(AF_INET, SOCK_DGRAM, 0), s = udp_on(0);
	test_defaults(s);
	test_membership_errors(s);
	close(s);
	test_sender_options(tx);
	test_delivery(tx);
	close(tx);
	return tap_done("net_multicast.c");
}
