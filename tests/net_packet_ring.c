/*
 * For tests/test_net_packet_ring.sh: what libpcap 1.10 (tcpdump) asks of
 * AF_PACKET, checked over lo.  The script runs it in Strata and in Linux 6.1
 * (tools/linuxrun), and both must print the same lines, all ok.  qemu-user,
 * the usual oracle, has no SOL_PACKET options, so this is not a t_*.c.
 *
 * Sections: ring setup and its errors (PACKET_VERSION, PACKET_HDRLEN,
 * PACKET_RX_RING, mmap of the socket), TPACKET_V2 capture (frames handed
 * over by tp_status, poll, tp_mac/tp_net, sockaddr_ll after the header,
 * drops in PACKET_STATISTICS), TPACKET_V3 capture (blocks retired by the
 * timeout and when full, a frozen queue), socket filters (tcpdump's
 * compiled "icmp", ancillary loads, the checker's errors, detach and
 * lock, PACKET_AUXDATA; on UDP and raw sockets too), and memberships.  The expected offsets are
 * those of Linux's tpacket_rcv, and Linux confirms them.  Traffic is UDP
 * to 127.0.0.1 and ICMP echoes to it, so a packet socket bound to lo sees
 * every frame twice: PACKET_OUTGOING, then PACKET_HOST.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "../user/tests/tap.h"
#include "net_loopback.h"

#define PORT 47011
#define PAYLOAD "strata-ring"   /* 11 bytes: frames of 14 + 20 + 8 + 11 = 53 */
#define FRAME_LENGTH 53
#define ECHO_ID 0x7a11

/* tcpdump -dd icmp (tcpdump 4.99.3, libpcap 1.10.3) */
static struct sock_filter icmp_only[] = {
	{ 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 3, 0x00000800 }, { 0x30, 0, 0, 0x00000017 },
	{ 0x15, 0, 1, 0x00000001 }, { 0x6, 0, 0, 0x00040000 },  { 0x6, 0, 0, 0x00000000 },
};

static int lo_index;
static int udp_sender, udp_receiver;

/* lo up, its index, and a UDP sender and receiver on 127.0.0.1. */
static void loopback_setup(void)
{
	loopback_up();
	lo_index = (int)if_nametoindex("lo");
	udp_receiver = socket(AF_INET, SOCK_DGRAM, 0);
	udp_sender = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(PORT),
				       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(udp_receiver, (struct sockaddr *)&address, sizeof address);
	connect(udp_sender, (struct sockaddr *)&address, sizeof address);
	struct timeval timeout = { 5, 0 };
	setsockopt(udp_receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

/*
 * Sends datagrams of length bytes to 127.0.0.1 and reads each back: once
 * the receiver has it, a packet socket on lo has seen both its frames.
 */
static int send_datagrams(int count, size_t length)
{
	static char data[2000];
	memcpy(data, PAYLOAD, sizeof PAYLOAD - 1);
	int received = 0;
	for (int i = 0; i < count; i++) {
		send(udp_sender, data, length, 0);
		char buffer[2000];
		received += recv(udp_receiver, buffer, sizeof buffer, 0) == (ssize_t)length;
	}
	return received;
}

/* A SOCK_RAW ETH_P_ALL packet socket bound to lo. */
static int packet_socket(void)
{
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	struct sockaddr_ll address = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				       .sll_ifindex = lo_index };
	bind(s, (struct sockaddr *)&address, sizeof address);
	return s;
}

static int set_int(int s, int level, int name, int value)
{
	return setsockopt(s, level, name, &value, sizeof value);
}

static int get_int(int s, int level, int name, int value)
{
	socklen_t length = sizeof value;
	return getsockopt(s, level, name, &value, &length) == 0 ? value : -errno;
}

static int poll_in(int s, int timeout_ms)
{
	struct pollfd entry = { s, POLLIN, 0 };
	return poll(&entry, 1, timeout_ms) == 1 && (entry.revents & POLLIN);
}

static void test_setup(void)
{
	int s = packet_socket();
	check_eq(get_int(s, SOL_PACKET, PACKET_VERSION, 0), TPACKET_V1, "PACKET_VERSION is TPACKET_V1 at first");
	check_eq(get_int(s, SOL_PACKET, PACKET_HDRLEN, TPACKET_V1), sizeof(struct tpacket_hdr),
		 "PACKET_HDRLEN of TPACKET_V1 is sizeof(struct tpacket_hdr)");
	check_eq(get_int(s, SOL_PACKET, PACKET_HDRLEN, TPACKET_V2), sizeof(struct tpacket2_hdr),
		 "PACKET_HDRLEN of TPACKET_V2 is sizeof(struct tpacket2_hdr)");
	check_eq(get_int(s, SOL_PACKET, PACKET_HDRLEN, TPACKET_V3), sizeof(struct tpacket3_hdr),
		 "PACKET_HDRLEN of TPACKET_V3 is sizeof(struct tpacket3_hdr)");
	check_eq(get_int(s, SOL_PACKET, PACKET_HDRLEN, 3), -EINVAL, "PACKET_HDRLEN of version 3: EINVAL");
	check_errno(set_int(s, SOL_PACKET, PACKET_VERSION, 3), EINVAL, "PACKET_VERSION 3: EINVAL");
	short two_bytes = TPACKET_V2;
	check_errno(setsockopt(s, SOL_PACKET, PACKET_VERSION, &two_bytes, sizeof two_bytes), EINVAL,
		    "PACKET_VERSION with a 2-byte value: EINVAL");
	check_ok(set_int(s, SOL_PACKET, PACKET_VERSION, TPACKET_V2), "PACKET_VERSION TPACKET_V2");
	check_eq(get_int(s, SOL_PACKET, PACKET_VERSION, 0), TPACKET_V2, "PACKET_VERSION reads back TPACKET_V2");
	check_errno(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0) == MAP_FAILED ? -1 : 0, EINVAL,
		    "mmap without a ring: EINVAL");

	struct { const char *what; struct tpacket_req request; } refused[] = {
		{ "a block size that is not a multiple of the page size: EINVAL", { 6000, 2, 2000, 6 } },
		{ "a frame size not a multiple of TPACKET_ALIGNMENT: EINVAL", { 4096, 2, 2056, 2 } },
		{ "a frame smaller than the header: EINVAL", { 4096, 2, 16, 512 } },
		{ "a frame count other than blocks * frames per block: EINVAL", { 4096, 2, 2048, 3 } },
		{ "no blocks but some frames: EINVAL", { 4096, 0, 2048, 2 } },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &refused[i].request,
				       sizeof refused[i].request), EINVAL, refused[i].what);
	struct tpacket_req request = { 4096, 2, 2048, 4 };
	check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &request, sizeof request - 1), EINVAL,
		    "a short tpacket_req: EINVAL");
	struct tpacket_req none = { 0 };
	check_ok(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &none, sizeof none), "no blocks and no ring: nothing to do");
	check_ok(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &request, sizeof request), "a ring of 2 blocks of 2 frames");
	check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &request, sizeof request), EBUSY,
		    "a second ring: EBUSY");
	check_errno(set_int(s, SOL_PACKET, PACKET_VERSION, TPACKET_V3), EBUSY, "PACKET_VERSION with a ring: EBUSY");
	check_errno(set_int(s, SOL_PACKET, PACKET_RESERVE, 4), EBUSY, "PACKET_RESERVE with a ring: EBUSY");
	check_errno(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0) == MAP_FAILED ? -1 : 0, EINVAL,
		    "mmap of part of the ring: EINVAL");
	check_errno(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 4096) == MAP_FAILED ? -1 : 0, EINVAL,
		    "mmap at an offset: EINVAL");
	uint8_t *ring = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	check(ring != MAP_FAILED, "mmap of the whole ring", "errno %d", errno);
	check(ring != MAP_FAILED && ((struct tpacket2_hdr *)ring)->tp_status == TP_STATUS_KERNEL &&
	      ((struct tpacket2_hdr *)(ring + 6144))->tp_status == TP_STATUS_KERNEL,
	      "every frame starts as the kernel's", "status");
	check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &none, sizeof none), EBUSY,
		    "removing a mapped ring: EBUSY");
	munmap(ring, 8192);
	check_ok(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &none, sizeof none), "removing the ring once unmapped");
	check_ok(set_int(s, SOL_PACKET, PACKET_VERSION, TPACKET_V3), "PACKET_VERSION TPACKET_V3 without a ring");
	check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &request, sizeof request), EINVAL,
		    "TPACKET_V3 wants a tpacket_req3: EINVAL");
	struct tpacket_req3 private_too_big = { 4096, 2, 2048, 4, 0, 4096, 0 };
	check_errno(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &private_too_big, sizeof private_too_big), EINVAL,
		    "a block without room for its private area and a frame: EINVAL");
	close(s);
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	check_errno(mmap(NULL, 4096, PROT_READ, MAP_SHARED, udp, 0) == MAP_FAILED ? -1 : 0, ENODEV,
		    "mmap of a UDP socket: ENODEV");
	close(udp);
}

/* Checks one TPACKET_V2 frame of a datagram on lo; direction is sll_pkttype. */
static void check_v2_frame(const uint8_t *slot, int direction, const char *what)
{
	const struct tpacket2_hdr *header = (const struct tpacket2_hdr *)slot;
	const struct sockaddr_ll *link = (const struct sockaddr_ll *)(slot + TPACKET_ALIGN(sizeof *header));
	char description[160];
	snprintf(description, sizeof description, "%s: the user's, tp_len and tp_snaplen 53", what);
	uint32_t status = __atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE);
	check((status & (TP_STATUS_USER | TP_STATUS_COPY | TP_STATUS_LOSING)) == TP_STATUS_USER &&
	      header->tp_len == FRAME_LENGTH && header->tp_snaplen == FRAME_LENGTH, description,
	      "status %x len %u snaplen %u", status, header->tp_len, header->tp_snaplen);
	/* TPACKET2_HDRLEN is 52: net = TPACKET_ALIGN(52 + 16) = 80, mac = 80 - 14. */
	snprintf(description, sizeof description, "%s: tp_mac 66, tp_net 80, no VLAN", what);
	check(header->tp_mac == 66 && header->tp_net == 80 && header->tp_vlan_tci == 0 && header->tp_vlan_tpid == 0,
	      description, "mac %u net %u vlan %u", header->tp_mac, header->tp_net, header->tp_vlan_tci);
	snprintf(description, sizeof description, "%s: sockaddr_ll after the header (lo, IPv4, pkttype %d)",
		 what, direction);
	check(link->sll_family == AF_PACKET && link->sll_protocol == htons(ETH_P_IP) &&
	      link->sll_ifindex == lo_index && link->sll_hatype == ARPHRD_LOOPBACK &&
	      link->sll_pkttype == direction && link->sll_halen == 6, description,
	      "family %d protocol %x ifindex %d hatype %d pkttype %d halen %d", link->sll_family,
	      ntohs(link->sll_protocol), link->sll_ifindex, link->sll_hatype, link->sll_pkttype, link->sll_halen);
	const uint8_t *frame = slot + header->tp_mac;
	snprintf(description, sizeof description, "%s: the frame is the datagram", what);
	check(frame[12] == 0x08 && frame[13] == 0 && frame[14 + 9] == IPPROTO_UDP &&
	      !memcmp(frame + 42, PAYLOAD, sizeof PAYLOAD - 1), description, "bytes differ");
}

static void give_back_v2(uint8_t *ring, int frames)
{
	for (int i = 0; i < frames; i++)
		__atomic_store_n(&((struct tpacket2_hdr *)(ring + i * 2048))->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
}

static void test_v2(void)
{
	int s = packet_socket();
	set_int(s, SOL_PACKET, PACKET_VERSION, TPACKET_V2);
	struct tpacket_req request = { 4096, 2, 2048, 4 };
	check_ok(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &request, sizeof request), "TPACKET_V2 ring of 4 frames");
	uint8_t *ring = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	if (!check(ring != MAP_FAILED, "mapped", "errno %d", errno))
		return;
	check_eq(poll_in(s, 0), 0, "poll: no POLLIN while the ring is empty");
	check_eq(send_datagrams(2, sizeof PAYLOAD - 1), 2, "two UDP datagrams to 127.0.0.1 came through");
	check_eq(poll_in(s, 0), 1, "poll: POLLIN once frames are the user's");
	check_v2_frame(ring, PACKET_OUTGOING, "frame 0");
	check_v2_frame(ring + 2048, PACKET_HOST, "frame 1");
	check_v2_frame(ring + 4096, PACKET_OUTGOING, "frame 2");
	check_v2_frame(ring + 6144, PACKET_HOST, "frame 3");
	give_back_v2(ring, 4);
	check_eq(poll_in(s, 0), 0, "poll: no POLLIN once user space gave every frame back");

	struct tpacket_stats statistics;
	socklen_t length = sizeof statistics;
	check_ok(getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &statistics, &length), "PACKET_STATISTICS");
	check(statistics.tp_packets == 4 && statistics.tp_drops == 0 && length == sizeof statistics,
	      "4 packets, no drops, a struct tpacket_stats", "packets %u drops %u length %u",
	      statistics.tp_packets, statistics.tp_drops, length);
	check_eq(send_datagrams(3, sizeof PAYLOAD - 1), 3, "three more datagrams for a ring of 4 frames");
	check_v2_frame(ring, PACKET_OUTGOING, "the first of six, frame 0");
	check_v2_frame(ring + 6144, PACKET_HOST, "the fourth of six, frame 3");
	give_back_v2(ring, 4);
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "one more datagram after the frames came back");
	const struct tpacket2_hdr *header = (const struct tpacket2_hdr *)ring;
	check_eq(header->tp_status & (TP_STATUS_USER | TP_STATUS_LOSING), TP_STATUS_USER | TP_STATUS_LOSING,
		 "its frame says TP_STATUS_LOSING: drops not yet read");
	length = sizeof statistics;
	getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &statistics, &length);
	check(statistics.tp_packets == 8 && statistics.tp_drops == 2,
	      "the two frames without a free slot are drops, counted in tp_packets too",
	      "packets %u drops %u", statistics.tp_packets, statistics.tp_drops);
	length = sizeof statistics;
	getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &statistics, &length);
	check(statistics.tp_packets == 0 && statistics.tp_drops == 0, "reading the statistics reset them",
	      "packets %u drops %u", statistics.tp_packets, statistics.tp_drops);
	give_back_v2(ring, 4);
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "one more datagram");
	check_v2_frame(ring + 4096, PACKET_OUTGOING, "with the drops read, frame 2 is not LOSING");
	munmap(ring, 8192);
	close(s);
}

struct v3_ring {
	int socket;
	uint8_t *memory;
	unsigned blocks;
};

/* A ring of blocks of one page (two frames of 2048 as far as the request goes). */
static int v3_open(struct v3_ring *ring, unsigned blocks, unsigned timeout_ms)
{
	ring->socket = packet_socket();
	ring->blocks = blocks;
	set_int(ring->socket, SOL_PACKET, PACKET_VERSION, TPACKET_V3);
	struct tpacket_req3 request = { .tp_block_size = 4096, .tp_block_nr = blocks, .tp_frame_size = 2048,
					.tp_frame_nr = 2 * blocks, .tp_retire_blk_tov = timeout_ms };
	int result = setsockopt(ring->socket, SOL_PACKET, PACKET_RX_RING, &request, sizeof request);
	ring->memory = mmap(NULL, blocks * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ring->socket, 0);
	return result == 0 && ring->memory != MAP_FAILED;
}

static void v3_close(struct v3_ring *ring)
{
	munmap(ring->memory, ring->blocks * 4096);
	close(ring->socket);
}

static struct tpacket_hdr_v1 *v3_block(struct v3_ring *ring, int block)
{
	return &((struct tpacket_block_desc *)(ring->memory + block * 4096))->hdr.bh1;
}

static uint32_t v3_status(struct v3_ring *ring, int block)
{
	return __atomic_load_n(&v3_block(ring, block)->block_status, __ATOMIC_ACQUIRE);
}

/*
 * Whether the count frames of a block are lo's copies of datagrams of
 * data_length bytes, first_index counting frames across blocks (even:
 * PACKET_OUTGOING, odd: PACKET_HOST), each 8-aligned after Linux's offsets.
 */
static int v3_frames_good(struct v3_ring *ring, int block, uint32_t count, uint32_t data_length,
			  uint32_t first_index)
{
	struct tpacket_hdr_v1 *header = v3_block(ring, block);
	const uint8_t *frame = (const uint8_t *)header - offsetof(struct tpacket_block_desc, hdr) +
			       header->offset_to_first_pkt;
	/* TPACKET3_HDRLEN is 68: net = TPACKET_ALIGN(68 + 16) = 96, mac = 82. */
	uint32_t step = (82 + data_length + 7) & ~7u;
	int good = 1;
	for (uint32_t i = 0; i < count; i++) {
		const struct tpacket3_hdr *packet = (const struct tpacket3_hdr *)frame;
		const struct sockaddr_ll *link =
			(const struct sockaddr_ll *)(frame + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
		good &= (packet->tp_status & TP_STATUS_USER) && packet->tp_len == data_length &&
			packet->tp_snaplen == data_length && packet->tp_mac == 82 && packet->tp_net == 96 &&
			packet->hv1.tp_vlan_tci == 0 && packet->hv1.tp_vlan_tpid == 0 &&
			packet->tp_next_offset == (i + 1 < count ? step : 0) &&
			link->sll_ifindex == lo_index && link->sll_protocol == htons(ETH_P_IP) &&
			link->sll_pkttype == ((first_index + i) % 2 ? PACKET_HOST : PACKET_OUTGOING) &&
			!memcmp(frame + packet->tp_mac + 42, PAYLOAD, sizeof PAYLOAD - 1);
		frame += packet->tp_next_offset;
	}
	return good;
}

/*
 * Takes the blocks the timeout retires, from block *next on, until they
 * held frames frames, and gives each back.  How the timer splits the
 * frames into blocks depends on timing, so only what every split shares
 * is checked: each block timed out, with consecutive seq_num from
 * *sequence, Linux's header fields, and the frames in order.
 */
static void v3_take_timed_out(struct v3_ring *ring, unsigned *next, uint64_t *sequence, uint32_t frames,
			      const char *what)
{
	uint32_t seen = 0;
	int good = 1;
	while (seen < frames && good) {
		struct tpacket_hdr_v1 *block = v3_block(ring, (int)*next);
		for (int waits = 0; waits < 50 && v3_status(ring, (int)*next) == TP_STATUS_KERNEL; waits++)
			poll_in(ring->socket, 100);
		const struct tpacket_block_desc *descriptor =
			(const struct tpacket_block_desc *)(ring->memory + *next * 4096);
		/* The block header is sizeof(struct tpacket_block_desc), 48 bytes, aligned to 8. */
		good = v3_status(ring, (int)*next) == (TP_STATUS_USER | TP_STATUS_BLK_TMO) &&
		       descriptor->version == TPACKET_V3 && descriptor->offset_to_priv == 48 &&
		       block->offset_to_first_pkt == 48 && block->seq_num == *sequence &&
		       block->num_pkts >= 1 && seen + block->num_pkts <= frames &&
		       block->blk_len == 48 + block->num_pkts * 136 &&
		       v3_frames_good(ring, (int)*next, block->num_pkts, FRAME_LENGTH, seen);
		if (!good)
			break;
		seen += block->num_pkts;
		__atomic_store_n(&block->block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		*next = (*next + 1) % ring->blocks;
		++*sequence;
	}
	check(good && seen == frames, what, "block %u: status %x seq %llu packets %u length %u after %u frames",
	      *next, v3_status(ring, (int)*next), (unsigned long long)v3_block(ring, (int)*next)->seq_num,
	      v3_block(ring, (int)*next)->num_pkts, v3_block(ring, (int)*next)->blk_len, seen);
}

static void test_v3(void)
{
	struct v3_ring ring;
	unsigned next = 0;
	uint64_t sequence = 1;
	check(v3_open(&ring, 8, 50), "TPACKET_V3 ring of 8 blocks, tp_retire_blk_tov 50 ms, mapped", "errno %d", errno);
	check_eq(poll_in(ring.socket, 300), 0, "an empty block is not retired: no POLLIN in 300 ms");
	check_eq(send_datagrams(2, sizeof PAYLOAD - 1), 2, "two datagrams: four frames");
	check_eq(poll_in(ring.socket, 5000), 1, "poll: POLLIN when the timeout retires a block");
	v3_take_timed_out(&ring, &next, &sequence, 4,
			  "blocks retired by the timeout (TP_STATUS_USER | TP_STATUS_BLK_TMO, seq_num from 1, "
			  "version, offset_to_priv 48, first at 48, blk_len) hold the four frames in order: "
			  "tp_len, tp_snaplen, tp_mac 82, tp_net 96, no VLAN, tp_next_offset, sockaddr_ll, data");
	check_eq(poll_in(ring.socket, 0), 0, "poll: no POLLIN once the blocks are given back");
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "one more datagram");
	v3_take_timed_out(&ring, &next, &sequence, 2, "the next blocks time out with its two frames");
	v3_close(&ring);

	check(v3_open(&ring, 2, 0), "TPACKET_V3 ring with tp_retire_blk_tov 0 (Linux's default: 8 ms for lo)",
	      "errno %d", errno);
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "one datagram");
	check_eq(poll_in(ring.socket, 5000), 1, "poll: POLLIN when the default timeout retires the block");
	v3_close(&ring);

	/* 1400-byte datagrams: frames of 82 + 1442 bytes, two to a block. */
	check(v3_open(&ring, 2, 60000), "TPACKET_V3 ring of 2 blocks with a 60 s timeout", "errno %d", errno);
	check_eq(send_datagrams(2, 1400), 2, "two 1400-byte datagrams: four frames of 82 + 1442 bytes");
	check_eq(v3_status(&ring, 0), TP_STATUS_USER, "block 0 retired full: TP_STATUS_USER without BLK_TMO");
	check_eq(v3_block(&ring, 0)->num_pkts, 2, "block 0 holds 2 frames");
	check(v3_frames_good(&ring, 0, 2, 1442, 0), "its frames: tp_len, tp_snaplen, tp_mac 82, tp_net 96, "
	      "no VLAN, tp_next_offset, sockaddr_ll, data", "a frame differs");
	check_eq(v3_status(&ring, 1), TP_STATUS_KERNEL, "block 1 (2 frames) is still the kernel's");
	check_eq(send_datagrams(1, 1400), 1, "a third datagram: block 1 full, block 0 still the user's");
	check_eq(v3_status(&ring, 1), TP_STATUS_USER, "block 1 retired full");
	struct tpacket_stats_v3 statistics;
	socklen_t length = sizeof statistics;
	check_ok(getsockopt(ring.socket, SOL_PACKET, PACKET_STATISTICS, &statistics, &length),
		 "PACKET_STATISTICS of a TPACKET_V3 socket");
	check(statistics.tp_packets == 6 && statistics.tp_drops == 2 && statistics.tp_freeze_q_cnt == 1 &&
	      length == sizeof statistics, "6 packets, 2 dropped, the queue frozen once, a tpacket_stats_v3",
	      "packets %u drops %u freezes %u length %u", statistics.tp_packets, statistics.tp_drops,
	      statistics.tp_freeze_q_cnt, length);
	__atomic_store_n(&v3_block(&ring, 0)->block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	check_eq(send_datagrams(1, 1400), 1, "block 0 given back: one more datagram");
	check(v3_block(&ring, 0)->seq_num == 3 && v3_block(&ring, 0)->num_pkts == 2 &&
	      v3_status(&ring, 0) == TP_STATUS_KERNEL, "the queue thawed: block 0 reopened as seq_num 3 with 2 frames",
	      "seq %llu packets %u", (unsigned long long)v3_block(&ring, 0)->seq_num, v3_block(&ring, 0)->num_pkts);
	length = sizeof statistics;
	getsockopt(ring.socket, SOL_PACKET, PACKET_STATISTICS, &statistics, &length);
	check(statistics.tp_packets == 2 && statistics.tp_drops == 0 && statistics.tp_freeze_q_cnt == 0,
	      "the statistics were reset", "packets %u drops %u freezes %u", statistics.tp_packets,
	      statistics.tp_drops, statistics.tp_freeze_q_cnt);
	v3_close(&ring);
}

static int attach(int s, struct sock_filter *program, unsigned short length)
{
	struct sock_fprog fprog = { length, program };
	return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
}

/* The frames queued on s: how many, and how many are IPv4 of protocol. */
static int drain(int s, int protocol, int *matching, int *outgoing)
{
	int count = 0;
	*matching = *outgoing = 0;
	uint8_t frame[2048];
	struct sockaddr_ll from;
	socklen_t length = sizeof from;
	ssize_t n;
	while ((n = recvfrom(s, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr *)&from, &length)) >= 0) {
		count++;
		*matching += n >= 34 && frame[12] == 0x08 && frame[13] == 0 && frame[23] == protocol;
		*outgoing += from.sll_pkttype == PACKET_OUTGOING;
		length = sizeof from;
	}
	return count;
}

static void test_filter(void)
{
	int s = packet_socket();
	int matching, outgoing;
	drain(s, 0, &matching, &outgoing);
	check_ok(attach(s, icmp_only, sizeof icmp_only / sizeof icmp_only[0]),
		 "SO_ATTACH_FILTER with tcpdump -dd icmp");
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "a UDP datagram");
	check(loopback_ping(ECHO_ID, "", 0), "an ICMP echo to 127.0.0.1 and its reply", "no reply");
	int count = drain(s, IPPROTO_ICMP, &matching, &outgoing);
	check(count == 4 && matching == 4 && outgoing == 2,
	      "the filter keeps the echo and its reply (out and in), not the UDP frames",
	      "%d frames, %d ICMP, %d outgoing", count, matching, outgoing);
	check_eq(get_int(s, SOL_SOCKET, SO_BPF_EXTENSIONS, 0), SKF_AD_MAX, "SO_BPF_EXTENSIONS is SKF_AD_MAX");

	/* Ancillary loads: outgoing IPv4 frames on lo, cut to 20 bytes. */
	struct sock_filter outgoing_only[] = {
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_PKTTYPE },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 6, PACKET_OUTGOING },
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_IFINDEX },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (uint32_t)lo_index },
		{ BPF_LD | BPF_H | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_PROTOCOL },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 2, ETH_P_IP },
		{ BPF_LD | BPF_W | BPF_LEN, 0, 0, 0 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 1, 0, FRAME_LENGTH },
		{ BPF_RET | BPF_K, 0, 0, 0 },
		{ BPF_RET | BPF_K, 0, 0, 20 },
	};
	check_ok(attach(s, outgoing_only, sizeof outgoing_only / sizeof outgoing_only[0]),
		 "a filter of ancillary loads (pkttype, ifindex, protocol, len) replaces it");
	check_ok(set_int(s, SOL_PACKET, PACKET_AUXDATA, 1), "PACKET_AUXDATA on");
	check_eq(get_int(s, SOL_PACKET, PACKET_AUXDATA, 0), 1, "PACKET_AUXDATA reads back 1");
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "a UDP datagram");
	uint8_t frame[2048], control[256];
	struct sockaddr_ll from;
	struct iovec iov = { frame, sizeof frame };
	struct msghdr message = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
				  .msg_control = control, .msg_controllen = sizeof control };
	ssize_t n = recvmsg(s, &message, MSG_DONTWAIT);
	check(n == 20 && from.sll_pkttype == PACKET_OUTGOING && !(message.msg_flags & MSG_TRUNC),
	      "only the outgoing frame, cut to the 20 bytes the filter returned", "n %zd pkttype %d flags %x",
	      n, from.sll_pkttype, message.msg_flags);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
	struct tpacket_auxdata auxdata = { 0 };
	if (cmsg && cmsg->cmsg_level == SOL_PACKET && cmsg->cmsg_type == PACKET_AUXDATA)
		memcpy(&auxdata, CMSG_DATA(cmsg), sizeof auxdata);
	check((auxdata.tp_status & TP_STATUS_USER) && auxdata.tp_len == FRAME_LENGTH && auxdata.tp_snaplen == 20 &&
	      auxdata.tp_mac == 0 && auxdata.tp_net == 14 && auxdata.tp_vlan_tci == 0,
	      "PACKET_AUXDATA: tp_len 53, tp_snaplen 20, tp_mac 0, tp_net 14", "status %x len %u snaplen %u net %u",
	      auxdata.tp_status, auxdata.tp_len, auxdata.tp_snaplen, auxdata.tp_net);
	check_errno(recv(s, frame, sizeof frame, MSG_DONTWAIT), EAGAIN, "and nothing else");

	check_ok(setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(int)), "SO_DETACH_FILTER");
	check_errno(setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(int)), ENOENT,
		    "SO_DETACH_FILTER without a filter: ENOENT");
	check_eq(send_datagrams(1, sizeof PAYLOAD - 1), 1, "a UDP datagram");
	count = drain(s, IPPROTO_UDP, &matching, &outgoing);
	check(count == 2 && matching == 2, "without a filter both its frames come", "%d frames", count);

	struct { const char *what; struct sock_filter program[3]; unsigned short length; } refused[] = {
		{ "an unknown opcode: EINVAL", { { 0x0e, 0, 0, 0 } }, 1 },
		{ "a jump past the end: EINVAL", { { BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
		{ "ja past the end: EINVAL", { { BPF_JMP | BPF_JA, 0, 0, 1 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
		{ "division by the constant 0: EINVAL", { { BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
		{ "scratch memory cell 16: EINVAL", { { BPF_ST, 0, 0, 16 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
		{ "a cell read before it is written: EINVAL", { { BPF_LD | BPF_MEM, 0, 0, 3 }, { BPF_RET | BPF_A, 0, 0, 0 } }, 2 },
		{ "an unknown ancillary load: EINVAL", { { BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_MAX },
							 { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
		{ "not ending in a return: EINVAL", { { BPF_RET | BPF_K, 0, 0, 0 }, { BPF_LD | BPF_IMM, 0, 0, 0 } }, 2 },
		{ "length 0: EINVAL", { { BPF_RET | BPF_K, 0, 0, 0 } }, 0 },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		check_errno(attach(s, refused[i].program, refused[i].length), EINVAL, refused[i].what);
	static struct sock_filter longest[BPF_MAXINSNS + 1];
	for (size_t i = 0; i < BPF_MAXINSNS + 1; i++)
		longest[i] = (struct sock_filter){ BPF_RET | BPF_K, 0, 0, 0xffff };
	check_errno(attach(s, longest, BPF_MAXINSNS + 1), EINVAL, "4097 instructions: EINVAL");
	/* Linux takes 4096 only if their eBPF translation fits in optmem_max (20 KiB): not
	 * these 4096 returns (ENOMEM); Strata takes any 4096.  100 fit both. */
	check_ok(attach(s, longest, 100), "100 instructions");
	check_errno(attach(s, NULL, 1), EINVAL, "no program: EINVAL");
	check_errno(attach(s, (struct sock_filter *)8, 1), EFAULT, "a bad program address: EFAULT");
	struct sock_fprog fprog = { 1, longest };
	check_errno(setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog - 1), EINVAL,
		    "a short sock_fprog: EINVAL");

	check_eq(get_int(s, SOL_SOCKET, SO_LOCK_FILTER, 7), 0, "SO_LOCK_FILTER is 0 at first");
	check_ok(set_int(s, SOL_SOCKET, SO_LOCK_FILTER, 1), "SO_LOCK_FILTER 1");
	check_eq(get_int(s, SOL_SOCKET, SO_LOCK_FILTER, 7), 1, "SO_LOCK_FILTER reads back 1");
	check_errno(attach(s, icmp_only, 6), EPERM, "attach on a locked socket: EPERM");
	check_errno(setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(int)), EPERM,
		    "detach on a locked socket: EPERM");
	check_errno(set_int(s, SOL_SOCKET, SO_LOCK_FILTER, 0), EPERM, "unlocking: EPERM");
	close(s);

}

/* Linux runs socket filters on every kind: UDP from its header, raw sockets from the IP header. */
static void test_filter_other_kinds(void)
{
	/* Datagrams whose payload starts with 'k', cut to the UDP header and 4 bytes. */
	struct sock_filter first_byte_k[] = {
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, 8 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 'k' },
		{ BPF_RET | BPF_K, 0, 0, 8 + 4 },
		{ BPF_RET | BPF_K, 0, 0, 0 },
	};
	check_ok(attach(udp_receiver, first_byte_k, 4), "SO_ATTACH_FILTER on a UDP socket");
	send(udp_sender, "drop me", 7, 0);
	send(udp_sender, "keep me", 7, 0);
	char buffer[64];
	ssize_t n = recv(udp_receiver, buffer, sizeof buffer, 0);
	check(n == 4 && !memcmp(buffer, "keep", 4), "the UDP socket gets only the kept datagram, cut to 4 bytes",
	      "n %zd", n);
	check_errno(recv(udp_receiver, buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN, "and nothing else");
	check_ok(setsockopt(udp_receiver, SOL_SOCKET, SO_DETACH_FILTER, &n, sizeof(int)), "detach it");

	/* ICMP (SKF_NET_OFF + 9 is the IP protocol) echo replies (type 0 after a 20-byte header). */
	struct sock_filter echo_replies[] = {
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, SKF_NET_OFF + 9 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 3, IPPROTO_ICMP },
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, 20 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, ICMP_ECHOREPLY },
		{ BPF_RET | BPF_K, 0, 0, 0xffff },
		{ BPF_RET | BPF_K, 0, 0, 0 },
	};
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	check_ok(attach(raw, echo_replies, 6), "SO_ATTACH_FILTER on a raw ICMP socket");
	check(loopback_ping(ECHO_ID, "", 0), "an ICMP echo to 127.0.0.1 and its reply", "no reply");
	uint8_t packet[256];
	n = recv(raw, packet, sizeof packet, MSG_DONTWAIT);
	check(n == 28 && packet[20] == ICMP_ECHOREPLY, "the raw socket gets the reply, IP header included",
	      "n %zd type %d", n, n > 20 ? packet[20] : -1);
	check_errno(recv(raw, packet, sizeof packet, MSG_DONTWAIT), EAGAIN, "not the request");
	close(raw);
}

static void test_membership(void)
{
	int s = packet_socket();
	struct packet_mreq request = { .mr_ifindex = lo_index, .mr_type = PACKET_MR_ALLMULTI };
	check_ok(setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request),
		 "PACKET_ADD_MEMBERSHIP PACKET_MR_ALLMULTI on lo");
	check_ok(setsockopt(s, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &request, sizeof request),
		 "PACKET_DROP_MEMBERSHIP of it");
	request.mr_type = PACKET_MR_PROMISC;
	check_ok(setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request),
		 "PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC on lo");
	check_ok(setsockopt(s, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &request, sizeof request),
		 "PACKET_DROP_MEMBERSHIP of it");
	check_errno(setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request - 1), EINVAL,
		    "a short packet_mreq: EINVAL");
	request.mr_ifindex = 999;
	check_errno(setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request), ENODEV,
		    "an interface that does not exist: ENODEV");
	close(s);
}

int main(int argc, char **argv)
{
	static const struct tap_section sections[] = {
		{ "setup", test_setup },   { "v2", test_v2 },
		{ "v3", test_v3 },         { "filter", test_filter },
		{ "filter-udp-raw", test_filter_other_kinds },
		{ "membership", test_membership },
	};
	loopback_setup();
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	return tap_done("net_packet_ring.c");
}
