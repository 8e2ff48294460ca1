/*
 * t_socket_raw.c - AF_INET SOCK_RAW and AF_PACKET over the loopback
 * interface: an ICMP echo to 127.0.0.1 read back with its IP header and
 * IP_PKTINFO, ICMP_FILTER, IPPROTO_RAW with the header included, and
 * packet sockets on lo seeing a UDP datagram with a filled sockaddr_ll:
 * ETH_P_ALL sees it leave (PACKET_OUTGOING) and arrive (PACKET_HOST),
 * ETH_P_IP only arrive.  Needs CAP_NET_RAW (root).  Other traffic on the host's lo
 * is skipped by matching identifiers and ports.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#define ICMP_FILTER 1   /* <linux/icmp.h>, which clashes with glibc headers */
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "internet_checksum.h"
#include "tap.h"

#define ECHO_ID 0x5a17

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void set_timeout(int s, int seconds)
{
	struct timeval tv = { seconds, 0 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* Reads until an ICMP message of type with our id comes; its length or -1. */
static ssize_t read_icmp(int s, uint8_t *buf, size_t size, int type, struct msghdr *msg)
{
	for (int tries = 0; tries < 100; tries++) {
		struct iovec iov = { buf, size };
		msg->msg_iov = &iov;
		msg->msg_iovlen = 1;
		ssize_t n = recvmsg(s, msg, 0);
		if (n < 0)
			return -1;
		struct iphdr *ip = (struct iphdr *)buf;
		struct icmphdr *icmp = (struct icmphdr *)(buf + ip->ihl * 4);
		if (n >= ip->ihl * 4 + 8 && icmp->type == type && icmp->un.echo.id == htons(ECHO_ID))
			return n;
	}
	return -1;
}

static void test_raw_icmp(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	check_ok(s, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)");
	int on = 1;
	check_ok(setsockopt(s, IPPROTO_IP, IP_PKTINFO, &on, sizeof on), "set IP_PKTINFO");
	struct sockaddr_in to = loopback(0);
	check_ok(connect(s, (struct sockaddr *)&to, sizeof to), "connect the raw socket to 127.0.0.1");
	set_timeout(s, 5);

	uint8_t packet[8 + 6];
	struct icmphdr *echo = (struct icmphdr *)packet;
	memset(packet, 0, sizeof packet);
	echo->type = ICMP_ECHO;
	echo->un.echo.id = htons(ECHO_ID);
	echo->un.echo.sequence = htons(1);
	memcpy(packet + 8, "strata", 6);
	echo->checksum = internet_checksum(packet, sizeof packet);
	check_eq(sendto(s, packet, sizeof packet, 0, (struct sockaddr *)&to, sizeof to), (long long)sizeof packet,
		 "sendto an ICMP echo request to 127.0.0.1");
	struct pollfd pfd = { s, POLLIN, 0 };
	check(poll(&pfd, 1, 5000) == 1, "poll reports the raw socket readable", "revents %x", pfd.revents);

	uint8_t buf[256], control[256];
	struct sockaddr_in from;
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_control = control,
			      .msg_controllen = sizeof control };
	ssize_t n = read_icmp(s, buf, sizeof buf, ICMP_ECHO, &msg);
	struct iphdr *ip = (struct iphdr *)buf;
	check(n == 20 + (ssize_t)sizeof packet, "the raw socket sees our own request, IP header included",
	      "n %zd", n);
	check(n > 0 && ip->version == 4 && ip->ihl == 5 && ip->protocol == IPPROTO_ICMP &&
	      ip->saddr == htonl(INADDR_LOOPBACK) && ip->daddr == htonl(INADDR_LOOPBACK) &&
	      ntohs(ip->tot_len) == n, "the IP header is the datagram's", "wrong header");
	check(from.sin_family == AF_INET && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	      msg.msg_namelen == sizeof from, "recvmsg names the source 127.0.0.1", "namelen %u", msg.msg_namelen);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct in_pktinfo info = { 0 };
	if (cmsg && cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO)
		memcpy(&info, CMSG_DATA(cmsg), sizeof info);
	check(info.ipi_ifindex == (int)if_nametoindex("lo") && info.ipi_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "IP_PKTINFO names lo and the destination 127.0.0.1", "ifindex %d", info.ipi_ifindex);

	msg.msg_namelen = sizeof from;
	msg.msg_controllen = sizeof control;
	n = read_icmp(s, buf, sizeof buf, ICMP_ECHOREPLY, &msg);
	struct icmphdr *reply = (struct icmphdr *)(buf + 20);
	check(n == 20 + (ssize_t)sizeof packet && ntohs(reply->un.echo.sequence) == 1 &&
	      !memcmp(buf + 28, "strata", 6), "then the echo reply with our id, sequence and data", "n %zd", n);
	check_eq(internet_checksum(buf + 20, n - 20), 0, "the reply's ICMP checksum verifies");

	/* ICMP_FILTER: drop echo requests, keep replies. */
	uint32_t filter = 1u << ICMP_ECHO;
	check_ok(setsockopt(s, SOL_RAW, ICMP_FILTER, &filter, sizeof filter), "set ICMP_FILTER");
	echo->un.echo.sequence = htons(2);
	echo->checksum = 0;
	echo->checksum = internet_checksum(packet, sizeof packet);
	send(s, packet, sizeof packet, 0);
	n = recv(s, buf, sizeof buf, 0);
	reply = (struct icmphdr *)(buf + 20);
	check(n == 20 + (ssize_t)sizeof packet && reply->type == ICMP_ECHOREPLY && ntohs(reply->un.echo.sequence) == 2,
	      "with the filter only the reply arrives", "n %zd type %d", n, n > 20 ? reply->type : -1);
	close(s);

	/* IPPROTO_RAW: the caller writes the IP header. */
	int r = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	check_ok(r, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof a;
	bind(u, (struct sockaddr *)&a, sizeof a);
	getsockname(u, (struct sockaddr *)&a, &len);
	set_timeout(u, 5);
	uint8_t datagram[20 + 8 + 3] = { 0 };
	struct iphdr *h = (struct iphdr *)datagram;
	struct udphdr *udp = (struct udphdr *)(datagram + 20);
	h->version = 4;
	h->ihl = 5;
	h->ttl = 64;
	h->protocol = IPPROTO_UDP;
	h->tot_len = htons(sizeof datagram);
	h->saddr = htonl(INADDR_LOOPBACK);
	h->daddr = htonl(INADDR_LOOPBACK);
	udp->source = htons(9);
	udp->dest = a.sin_port;
	udp->len = htons(8 + 3);
	memcpy(datagram + 28, "raw", 3);
	check_eq(sendto(r, datagram, sizeof datagram, 0, (struct sockaddr *)&a, sizeof a), (long long)sizeof datagram,
		 "sendto a whole IP datagram on an IPPROTO_RAW socket");
	char text[8] = "";
	struct sockaddr_in source;
	len = sizeof source;
	check(recvfrom(u, text, sizeof text, 0, (struct sockaddr *)&source, &len) == 3 && !memcmp(text, "raw", 3) &&
	      ntohs(source.sin_port) == 9, "the UDP socket receives it (checksum 0: none)", "got %s", text);
	close(r);
	close(u);
}

/* Reads frames until one carries UDP to port; its length or -1. */
static ssize_t read_frame(int s, uint8_t *buf, size_t size, size_t ip_offset, uint16_t port,
			  struct sockaddr_ll *from)
{
	for (int tries = 0; tries < 100; tries++) {
		socklen_t len = sizeof *from;
		ssize_t n = recvfrom(s, buf, size, 0, (struct sockaddr *)from, &len);
		if (n < 0)
			return -1;
		struct iphdr *ip = (struct iphdr *)(buf + ip_offset);
		struct udphdr *udp = (struct udphdr *)(buf + ip_offset + 20);
		if ((size_t)n >= ip_offset + 28 && ip->protocol == IPPROTO_UDP && udp->dest == htons(port))
			return n;
	}
	return -1;
}

static void test_packet(void)
{
	int lo = (int)if_nametoindex("lo");
	int d = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	int r = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	check(d >= 0 && r >= 0, "AF_PACKET SOCK_DGRAM and SOCK_RAW sockets", "d %d r %d", d, r);
	struct sockaddr_ll bind_to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = lo };
	check_ok(bind(d, (struct sockaddr *)&bind_to, sizeof bind_to), "bind the SOCK_DGRAM socket to lo");
	bind_to.sll_protocol = htons(ETH_P_ALL);
	check_ok(bind(r, (struct sockaddr *)&bind_to, sizeof bind_to), "bind the SOCK_RAW socket to lo");
	struct sockaddr_ll name;
	socklen_t len = sizeof name;
	check(getsockname(d, (struct sockaddr *)&name, &len) == 0 && name.sll_family == AF_PACKET &&
	      name.sll_ifindex == lo && name.sll_protocol == htons(ETH_P_IP) && name.sll_hatype == ARPHRD_LOOPBACK,
	      "getsockname gives the bound sockaddr_ll", "len %u", len);
	struct sockaddr_ll nowhere = { .sll_family = AF_PACKET, .sll_ifindex = 999999 };
	check_errno(bind(d, (struct sockaddr *)&nowhere, sizeof nowhere), ENODEV, "bind to an unknown ifindex gives ENODEV");
	set_timeout(d, 5);
	set_timeout(r, 5);

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = loopback(0);
	len = sizeof a;
	bind(u, (struct sockaddr *)&a, sizeof a);
	getsockname(u, (struct sockaddr *)&a, &len);
	uint16_t port = ntohs(a.sin_port);
	sendto(u, "sniff", 5, 0, (struct sockaddr *)&a, sizeof a);

	uint8_t buf[2048];
	struct sockaddr_ll from;
	ssize_t n = read_frame(d, buf, sizeof buf, 0, port, &from);
	check(n == 20 + 8 + 5 && !memcmp(buf + 28, "sniff", 5), "SOCK_DGRAM gets the IP datagram without the Ethernet header",
	      "n %zd", n);
	check(from.sll_family == AF_PACKET && from.sll_protocol == htons(ETH_P_IP) && from.sll_ifindex == lo &&
	      from.sll_hatype == ARPHRD_LOOPBACK && from.sll_halen == 6,
	      "sockaddr_ll gives family, protocol, ifindex, hatype and halen", "hatype %d halen %d",
	      from.sll_hatype, from.sll_halen);
	/* Outgoing frames go only to ETH_P_ALL sockets (Linux's dev_queue_xmit_nit). */
	check_eq(from.sll_pkttype, PACKET_HOST, "an ETH_P_IP socket sees it arrive only: PACKET_HOST");
	check_errno(recv(d, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "and nothing else");

	n = read_frame(r, buf, sizeof buf, 14, port, &from);
	struct ether_header *eth = (struct ether_header *)buf;
	static const uint8_t zero[6];
	check(n == 14 + 33 && eth->ether_type == htons(ETHERTYPE_IP) && !memcmp(eth->ether_shost, zero, 6) &&
	      !memcmp(eth->ether_dhost, zero, 6) && !memcmp(buf + 14 + 28, "sniff", 5),
	      "SOCK_RAW gets the whole frame: zero addresses on lo, type IPv4", "n %zd", n);
	check_eq(from.sll_pkttype, PACKET_OUTGOING, "the raw socket sees it leave too");
	n = read_frame(r, buf, sizeof buf, 14, port, &from);
	check(n == 47 && from.sll_pkttype == PACKET_HOST, "and arrive", "n %zd", n);

	char text[8] = "";
	check(recv(u, text, sizeof text, 0) == 5, "the UDP socket still gets its datagram", "got %s", text);

	/* Sending: a whole frame on SOCK_RAW, a datagram on SOCK_DGRAM (the
	 * kernel adds the Ethernet header).  A second ETH_P_ALL socket sees each
	 * leave; the sender does not see its own frame leave, only arrive. */
	int watch = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	bind(watch, (struct sockaddr *)&bind_to, sizeof bind_to);
	set_timeout(watch, 5);
	uint8_t frame[14 + 20 + 8 + 4] = { 0 };
	struct ether_header *out_eth = (struct ether_header *)frame;
	struct iphdr *ip = (struct iphdr *)(frame + 14);
	struct udphdr *udp = (struct udphdr *)(frame + 34);
	out_eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(20 + 8 + 4);
	ip->saddr = ip->daddr = htonl(INADDR_LOOPBACK);
	ip->check = internet_checksum(ip, 20);
	udp->source = htons(9);
	udp->dest = htons(port + 1);
	udp->len = htons(8 + 4);
	memcpy(frame + 42, "wire", 4);
	struct sockaddr_ll via = { .sll_family = AF_PACKET, .sll_ifindex = lo, .sll_halen = 6,
				   .sll_protocol = htons(ETH_P_IP) };
	check_eq(sendto(r, frame, sizeof frame, 0, (struct sockaddr *)&via, sizeof via), (long long)sizeof frame,
		 "SOCK_RAW sends a whole frame on lo");
	n = read_frame(watch, buf, sizeof buf, 14, port + 1, &from);
	check(n == (ssize_t)sizeof frame && !memcmp(buf, frame, sizeof frame) && from.sll_pkttype == PACKET_OUTGOING,
	      "another ETH_P_ALL socket sees exactly that frame leave", "n %zd pkttype %d", n, from.sll_pkttype);
	n = read_frame(r, buf, sizeof buf, 14, port + 1, &from);
	check(n == (ssize_t)sizeof frame && from.sll_pkttype == PACKET_HOST,
	      "the sender sees it only arrive", "n %zd pkttype %d", n, from.sll_pkttype);
	memcpy(frame + 42, "dgrm", 4);
	check_eq(sendto(d, frame + 14, sizeof frame - 14, 0, (struct sockaddr *)&via, sizeof via),
		 (long long)sizeof frame - 14, "SOCK_DGRAM sends an IP datagram on lo");
	n = read_frame(watch, buf, sizeof buf, 14, port + 1, &from);
	n = n > 0 && !memcmp(buf + 42, "wire", 4) ? read_frame(watch, buf, sizeof buf, 14, port + 1, &from) : n;
	check(n == (ssize_t)sizeof frame && !memcmp(buf, frame, sizeof frame) && from.sll_pkttype == PACKET_OUTGOING,
	      "it leaves with the Ethernet header the kernel built", "n %zd pkttype %d", n, from.sll_pkttype);
	close(watch);
	check_errno(socket(AF_PACKET, SOCK_STREAM, 0), ESOCKTNOSUPPORT, "AF_PACKET SOCK_STREAM gives ESOCKTNOSUPPORT");
	close(u);
	close(d);
	close(r);
}

int main(void)
{
	test_raw_icmp();
	test_packet();
	return tap_done("t_socket_raw.c");
}
