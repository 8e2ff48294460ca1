/* packet_echo: a pcap fixture's AF_PACKET peer in the guest.  It opens a
 * packet socket on eth0, and answers what the socket receives with a frame
 * that says what the kernel told it, so the answer is on the wire:
 *
 *   packet_echo raw ETHERTYPE      SOCK_RAW bound to ETHERTYPE: each frame is
 *                                  answered with a raw frame it builds, to the
 *                                  frame's source, of the same EtherType,
 *                                  payload "raw INFO: " + the frame's payload
 *   packet_echo dgram ETHERTYPE    SOCK_DGRAM: the same, the kernel building
 *                                  the Ethernet header from a sockaddr_ll,
 *                                  payload "dgram INFO: " + the payload
 *   packet_echo promisc ETHERTYPE  as raw, with PACKET_MR_PROMISC added: frames
 *                                  for other stations come in too
 *   packet_echo all ETHERTYPE      SOCK_RAW for ETH_P_ALL: logs every frame but
 *                                  ARP (direction and EtherType); a frame of
 *                                  ETHERTYPE for us is answered with the log
 *
 * INFO is the sockaddr_ll recvfrom gave: "pkttype=P proto=0xPPPP hatype=H
 * halen=L addr=MAC ifindex=eth0|N len=BYTES".  The socket is bound before
 * the program forks into the background and the parent exits 0, so that
 * the fixture's guest_setup ("packet_echo ... &&") is done only once frames
 * can be received.  A static program, run on Strata and Linux.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETH_HEADER_LENGTH 14
#define ETH_ADDRESS_LENGTH 6
#define ETH_P_ALL_VALUE 0x0003
#define ETH_P_ARP_VALUE 0x0806
#define FRAME_MAX 2048

enum mode { MODE_RAW, MODE_DGRAM, MODE_PROMISC, MODE_ALL };

struct peer {
	enum mode mode;
	int sock;
	int ifindex;
	unsigned ethertype;                 /* the one bound, or answered in MODE_ALL */
	unsigned char mac[ETH_ADDRESS_LENGTH]; /* eth0's */
	char log[FRAME_MAX / 2];            /* MODE_ALL: one line per frame seen */
	size_t log_length;
};

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int interface_facts(struct peer *peer)
{
	struct ifreq request;

	memset(&request, 0, sizeof(request));
	strcpy(request.ifr_name, "eth0");
	if (ioctl(peer->sock, SIOCGIFINDEX, &request) < 0)
		return fail("packet_echo: SIOCGIFINDEX");
	peer->ifindex = request.ifr_ifindex;
	if (ioctl(peer->sock, SIOCGIFHWADDR, &request) < 0)
		return fail("packet_echo: SIOCGIFHWADDR");
	memcpy(peer->mac, request.ifr_hwaddr.sa_data, ETH_ADDRESS_LENGTH);
	return 0;
}

static int open_socket(struct peer *peer)
{
	unsigned protocol = peer->mode == MODE_ALL ? ETH_P_ALL_VALUE : peer->ethertype;
	struct sockaddr_ll address;

	peer->sock = socket(AF_PACKET, peer->mode == MODE_DGRAM ? SOCK_DGRAM : SOCK_RAW,
			    htons(protocol));
	if (peer->sock < 0)
		return fail("packet_echo: socket(AF_PACKET)");
	if (interface_facts(peer))
		return 1;
	memset(&address, 0, sizeof(address));
	address.sll_family = AF_PACKET;
	address.sll_protocol = htons(protocol);
	address.sll_ifindex = peer->ifindex;
	if (bind(peer->sock, (struct sockaddr *)&address, sizeof(address)) < 0)
		return fail("packet_echo: bind");
	if (peer->mode == MODE_PROMISC) {
		struct packet_mreq membership;

		memset(&membership, 0, sizeof(membership));
		membership.mr_ifindex = peer->ifindex;
		membership.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(peer->sock, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership,
			       sizeof(membership)) < 0)
			return fail("packet_echo: PACKET_ADD_MEMBERSHIP");
	}
	return 0;
}

static int describe(const struct peer *peer, const struct sockaddr_ll *from, ssize_t length,
		    char *text, size_t size)
{
	char ifindex[16];
	const unsigned char *a = from->sll_addr;

	if (from->sll_ifindex == peer->ifindex)
		strcpy(ifindex, "eth0");
	else
		snprintf(ifindex, sizeof(ifindex), "%d", from->sll_ifindex);
	return snprintf(text, size,
			"pkttype=%u proto=0x%04x hatype=%u halen=%u addr=%02x:%02x:%02x:%02x:%02x:%02x"
			" ifindex=%s len=%zd",
			from->sll_pkttype, ntohs(from->sll_protocol), from->sll_hatype,
			from->sll_halen, a[0], a[1], a[2], a[3], a[4], a[5], ifindex, length);
}

/* The answer's payload: "MODE INFO: " and the received payload. */
static size_t answer_payload(const struct peer *peer, const struct sockaddr_ll *from,
			     const unsigned char *payload, ssize_t payload_length, ssize_t length,
			     unsigned char *out, size_t size)
{
	int used = snprintf((char *)out, size, "%s ", peer->mode == MODE_DGRAM ? "dgram" : "raw");

	used += describe(peer, from, length, (char *)out + used, size - used);
	used += snprintf((char *)out + used, size - used, ": ");
	if ((size_t)payload_length > size - used)
		payload_length = size - used;
	memcpy(out + used, payload, payload_length);
	return used + payload_length;
}

static void log_frame(struct peer *peer, const struct sockaddr_ll *from, unsigned ethertype)
{
	static const char *const directions[] = { "host", "broadcast", "multicast", "otherhost",
						  "outgoing" };
	const char *direction = from->sll_pkttype < 5 ? directions[from->sll_pkttype] : "?";

	peer->log_length += snprintf(peer->log + peer->log_length,
				     sizeof(peer->log) - peer->log_length, "%s 0x%04x\n",
				     direction, ethertype);
	if (peer->log_length >= sizeof(peer->log))
		peer->log_length = sizeof(peer->log) - 1;
}

/* A raw frame: to SOURCE, from eth0, of ETHERTYPE, with PAYLOAD. */
static int send_raw(const struct peer *peer, const unsigned char *source, unsigned ethertype,
		    const unsigned char *payload, size_t length)
{
	unsigned char frame[FRAME_MAX];
	struct sockaddr_ll to;

	memcpy(frame, source, ETH_ADDRESS_LENGTH);
	memcpy(frame + ETH_ADDRESS_LENGTH, peer->mac, ETH_ADDRESS_LENGTH);
	frame[12] = ethertype >> 8;
	frame[13] = ethertype & 0xff;
	memcpy(frame + ETH_HEADER_LENGTH, payload, length);
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = peer->ifindex;
	to.sll_protocol = htons(ethertype);
	return sendto(peer->sock, frame, ETH_HEADER_LENGTH + length, 0, (struct sockaddr *)&to,
		      sizeof(to)) < 0 ? -1 : 0;
}

static int send_dgram(const struct peer *peer, const struct sockaddr_ll *from,
		      const unsigned char *payload, size_t length)
{
	struct sockaddr_ll to;

	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = peer->ifindex;
	to.sll_protocol = from->sll_protocol;
	to.sll_halen = ETH_ADDRESS_LENGTH;
	memcpy(to.sll_addr, from->sll_addr, ETH_ADDRESS_LENGTH);
	return sendto(peer->sock, payload, length, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0;
}

static int answer(struct peer *peer, const unsigned char *frame, ssize_t length,
		  const struct sockaddr_ll *from)
{
	unsigned char out[FRAME_MAX - ETH_HEADER_LENGTH];
	size_t out_length;

	if (peer->mode == MODE_DGRAM) {
		out_length = answer_payload(peer, from, frame, length, length, out, sizeof(out));
		return send_dgram(peer, from, out, out_length);
	}
	if (length < ETH_HEADER_LENGTH)
		return 0;
	unsigned ethertype = frame[12] << 8 | frame[13];
	if (peer->mode == MODE_ALL) {
		if (ethertype == ETH_P_ARP_VALUE)
			return 0;
		log_frame(peer, from, ethertype);
		if (ethertype != peer->ethertype || from->sll_pkttype != PACKET_HOST)
			return 0;
		return send_raw(peer, frame + ETH_ADDRESS_LENGTH, ethertype,
				(const unsigned char *)peer->log, peer->log_length);
	}
	out_length = answer_payload(peer, from, frame + ETH_HEADER_LENGTH,
				    length - ETH_HEADER_LENGTH, length, out, sizeof(out));
	return send_raw(peer, frame + ETH_ADDRESS_LENGTH, ethertype, out, out_length);
}

static int serve(struct peer *peer)
{
	for (;;) {
		unsigned char frame[FRAME_MAX];
		struct sockaddr_ll from;
		socklen_t from_length = sizeof(from);
		ssize_t length = recvfrom(peer->sock, frame, sizeof(frame), 0,
					  (struct sockaddr *)&from, &from_length);

		if (length < 0)
			return fail("packet_echo: recvfrom");
		if (answer(peer, frame, length, &from) < 0)
			return fail("packet_echo: sendto");
	}
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "raw", "dgram", "promisc", "all" };
	struct peer peer;
	pid_t child;

	memset(&peer, 0, sizeof(peer));
	if (argc != 3)
		goto usage;
	for (peer.mode = MODE_RAW; peer.mode <= MODE_ALL; peer.mode++)
		if (strcmp(argv[1], modes[peer.mode]) == 0)
			break;
	if (peer.mode > MODE_ALL)
		goto usage;
	peer.ethertype = strtoul(argv[2], NULL, 0);
	if (open_socket(&peer))
		return 1;
	child = fork();
	if (child < 0)
		return fail("packet_echo: fork");
	return child == 0 ? serve(&peer) : 0;
usage:
	fprintf(stderr, "usage: packet_echo raw|dgram|promisc|all ETHERTYPE\n");
	return 2;
}
