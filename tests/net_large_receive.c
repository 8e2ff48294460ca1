/*
 * What a packet socket sees of a bulk TCP transfer from the host, with
 * PACKET_AUXDATA, on a virtio-net NIC whose tap offers large receive
 * (GUEST_TSO4).  Run on Strata and on Linux 6.1 by
 * tests/test_net_large_receive.sh, which requires the same lines from both.
 *
 * usage: net_large_receive MIB
 * Connects to 10.0.2.2:9102 (tools/peers/tcp_peer.py's source), asks for
 * MIB MiB and reads them, while an ETH_P_ALL packet socket bound to eth0
 * records every frame's length and tp_status.  Prints:
 *   - whether all MIB MiB arrived;
 *   - whether some TCP frame from the peer was longer than an Ethernet
 *     frame (1514 bytes): the host's GSO packets arrived whole, as Linux's
 *     GRO would have made them, and the packet socket sees them so;
 *   - the checksum bits of tp_status (TP_STATUS_CSUMNOTREADY,
 *     TP_STATUS_CSUM_VALID) on the peer's TCP frames with data: the host's
 *     own TCP leaves its checksum partial.
 * (Our own outgoing frames are not compared: Linux leaves every TCP
 * checksum to the device, Strata only those of its large frames.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PEER_PORT 9102
#define CHECKSUM_BITS (TP_STATUS_CSUMNOTREADY | TP_STATUS_CSUM_VALID)

static int die(const char *what)
{
	fprintf(stderr, "net_large_receive: %s: %s\n", what, strerror(errno));
	return 1;
}

struct seen {
	size_t largest_data_frame;      /* from the peer, TCP with data */
	unsigned data_status;           /* OR of the checksum bits */
	unsigned data_frames_without_bits;
};

static void record(struct seen *seen, const uint8_t *frame, size_t captured, size_t length,
		   const struct tpacket_auxdata *aux, int packet_type)
{
	if (captured < 14 + 20 + 20 || frame[12] != 0x08 || frame[13] != 0x00)
		return;
	const struct iphdr *ip = (const void *)(frame + 14);
	if (ip->protocol != IPPROTO_TCP)
		return;
	const struct tcphdr *tcp = (const void *)(frame + 14 + ip->ihl * 4);
	unsigned bits = aux ? aux->tp_status & CHECKSUM_BITS : 0;
	if (packet_type == PACKET_OUTGOING)
		return;
	size_t data = ntohs(ip->tot_len) - ip->ihl * 4 - tcp->doff * 4;
	if (ntohs(tcp->source) != PEER_PORT || data == 0)
		return;
	if (length > seen->largest_data_frame)
		seen->largest_data_frame = length;
	seen->data_status |= bits;
	if (!bits)
		seen->data_frames_without_bits++;
}

static void drain(int packet, struct seen *seen)
{
	uint8_t frame[128];
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} control;
	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = { frame, sizeof(frame) };
		struct msghdr message = { .msg_name = &from, .msg_namelen = sizeof(from),
					  .msg_iov = &iov, .msg_iovlen = 1,
					  .msg_control = &control, .msg_controllen = sizeof(control) };
		ssize_t length = recvmsg(packet, &message, MSG_DONTWAIT | MSG_TRUNC);
		if (length < 0)
			return;
		const struct tpacket_auxdata *aux = NULL;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
				aux = (const void *)CMSG_DATA(c);
		size_t captured = (size_t)length < sizeof(frame) ? (size_t)length : sizeof(frame);
		record(seen, frame, captured, (size_t)length, aux, from.sll_pkttype);
	}
}

static const char *bit_names(unsigned bits)
{
	switch (bits) {
	case 0: return "none";
	case TP_STATUS_CSUMNOTREADY: return "TP_STATUS_CSUMNOTREADY";
	case TP_STATUS_CSUM_VALID: return "TP_STATUS_CSUM_VALID";
	default: return "TP_STATUS_CSUMNOTREADY and TP_STATUS_CSUM_VALID";
	}
}

int main(int argc, char **argv)
{
	long mib = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	if (mib <= 0 || mib > 1024) {
		fprintf(stderr, "usage: net_large_receive MIB (1 to 1024)\n");
		return 2;
	}
	int packet = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (packet < 0)
		return die("socket(AF_PACKET)");
	int one = 1, buffer = 4 << 20;
	struct sockaddr_ll link = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				    .sll_ifindex = (int)if_nametoindex("eth0") };
	if (setsockopt(packet, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    setsockopt(packet, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer)) ||
	    bind(packet, (struct sockaddr *)&link, sizeof(link)))
		return die("packet socket set-up");

	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(PEER_PORT) };
	inet_pton(AF_INET, "10.0.2.2", &peer.sin_addr);
	if (tcp < 0 || connect(tcp, (struct sockaddr *)&peer, sizeof(peer)))
		return die("connect to 10.0.2.2:9102");
	uint64_t size = (uint64_t)mib << 20, wanted = size;
	uint8_t request[8];
	for (int i = 0; i < 8; i++)
		request[i] = (uint8_t)(size >> (56 - 8 * i));
	if (write(tcp, request, sizeof(request)) != sizeof(request))
		return die("write the size");

	struct seen seen = { 0 };
	static char data[64 * 1024];
	uint64_t received = 0;
	for (;;) {
		struct pollfd fds[2] = { { tcp, POLLIN, 0 }, { packet, POLLIN, 0 } };
		if (poll(fds, 2, 10000) <= 0)
			return die("poll (nothing for 10 s)");
		drain(packet, &seen);
		if (!(fds[0].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t got = read(tcp, data, sizeof(data));
		if (got < 0)
			return die("read");
		if (got == 0)
			break;
		received += (uint64_t)got;
	}
	drain(packet, &seen);
	printf("received all %ld MiB: %s\n", mib, received == wanted ? "yes" : "no");
	printf("a TCP frame from the peer longer than 1514 bytes: %s\n",
	       seen.largest_data_frame > 1514 ? "yes" : "no");
	printf("tp_status checksum bits on the peer's TCP data frames: %s%s\n",
	       bit_names(seen.data_status),
	       seen.data_frames_without_bits ? " (some frames with none)" : "");
	return received == wanted ? 0 : 1;
}
