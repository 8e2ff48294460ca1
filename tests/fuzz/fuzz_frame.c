/*
 * Fuzz target (a): one Ethernet frame into the whole stack on eth0
 * (10.0.2.15, tests/host/net_test.h's topology) while something of every
 * socket kind is open and listening, each attached where its socket kind
 * attaches (sockets/): a packet tap that, like an AF_PACKET socket, runs a
 * classic BPF filter (tcpdump's 'udp port 9') and keeps a reference to the
 * frames it passes; a raw IP listener that keeps a reference to every
 * datagram, like a SOCK_RAW socket; a UDP PCB on port 7 that echoes what it
 * gets and a connected one; a TCP listener on port 80 with its backlog;
 * and a multicast group joined, so that IGMP queries are answered.  The
 * stack builds on the host without sockets/ (issue 13, item 1 (c)), so
 * these are the layers' own attachment points, not the socket files.
 *
 * Input: one control byte, then the frame.  Control bit 0 recomputes the
 * IPv4 header checksum and bit 1 the transport checksum (TCP, UDP, ICMP,
 * IGMP) of an unfragmented datagram, so that mutations reach past the
 * checksum checks; the seeds (fixtures' frames) come with 0, as made.
 * Bit 2 sends an IPv4 datagram as fragments of 8 x (1 + control >> 3)
 * bytes, in order (RFC 791 3.2's rules), so that one input reaches
 * reassembly and, through the echo of a datagram larger than the MTU,
 * fragmentation.
 */
#include "fuzz_stack.h"
#include "eth/eth.h"
#include "igmp/igmp.h"
#include "ip/ip.h"
#include "udp/udp.h"
#include "sockets/bpf_classic.h"
#include "tests/host/tcpdump_programs.h"

#define MULTICAST_GROUP ADDRESS(224, 1, 2, 3)
#define QUEUE_LIMIT (256 * 1024)
#define FIX_IP_CHECKSUM 0x01
#define FIX_TRANSPORT_CHECKSUM 0x02
#define FRAGMENT 0x04

static struct pbuf_queue packet_queue, raw_queue;
static struct netif_tap packet_tap;
static struct ip_raw_listener raw_listener;
static struct udp_pcb echo_pcb, connected_pcb;
static struct tcp_pcb *listener;

static void packet_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    struct bpf_classic_packet packet = {
        .frame = frame->data, .frame_length = (uint32_t)pbuf_length(frame),
        .network_offset = ETH_HEADER_SIZE, .protocol = frame->ethertype,
        .hardware_type = netif->type, .packet_type = frame->packet_type,
        .ifindex = netif->index,
    };
    if (pbuf_length(frame) < ETH_HEADER_SIZE ||
        !bpf_classic_run(udp_port_9, ARRAY_SIZE(udp_port_9), &packet))
        return;
    pbuf_queue_push(&packet_queue, frame);   /* takes its own reference, or drops */
}

static bool raw_datagram(struct ip_raw_listener *listener, struct pbuf *datagram)
{
    return pbuf_queue_push(&raw_queue, datagram);
}

static void echo(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source, uint16_t port)
{
    size_t length = pbuf_length(datagram);
    struct pbuf *reply = pbuf_alloc(PBUF_TRANSPORT, length);
    if (!reply)
        return;
    memcpy(reply->data, datagram->data, length);
    udp_send(pcb, reply, source, port, NULL);
}

static void open_everything(void)
{
    if (bpf_classic_check(udp_port_9, ARRAY_SIZE(udp_port_9)))
        fuzz_stack_finding("tcpdump's filter does not pass the checker");
    pbuf_queue_init(&packet_queue, QUEUE_LIMIT);
    pbuf_queue_init(&raw_queue, QUEUE_LIMIT);
    packet_tap.frame = packet_frame;
    netif_tap_add(&packet_tap);
    raw_listener.datagram = raw_datagram;
    ip_raw_listener_add(&raw_listener);
    udp_pcb_init(&echo_pcb);
    echo_pcb.receive = echo;
    udp_pcb_init(&connected_pcb);
    connected_pcb.receive = echo;
    listener = tcp_pcb_new();
    if (udp_bind(&echo_pcb, IP_ADDRESS_ANY, net_htons(7)) ||
        udp_connect(&connected_pcb, PEER_ADDRESS, net_htons(53)) || !listener ||
        tcp_bind(listener, IP_ADDRESS_ANY, net_htons(80)) || tcp_listen(listener, 4) ||
        igmp_join(eth0, MULTICAST_GROUP))
        fuzz_stack_finding("the sockets could not be opened");
}

/* Accepted connections are aborted and the queues emptied, so that the
 * input leaves nothing behind (fuzz_stack_check_no_leak checks). */
static void drain_everything(void)
{
    struct tcp_pcb *child;
    while ((child = tcp_accept(listener)))
        tcp_abort(child);
    pbuf_queue_clear(&packet_queue);
    pbuf_queue_clear(&raw_queue);
}

static void put_checksum(uint8_t *field, uint16_t checksum)
{
    memcpy(field, &checksum, sizeof(checksum));
}

/* The checksums the control byte asks for, computed by the tests' own
 * RFC 1071 code (tests/host/net_test.c), not the stack's. */
static void fix_checksums(uint8_t *frame, size_t length, uint8_t control)
{
    if (length < ETH_HEADER_SIZE + 20 || frame[12] != 0x08 || frame[13] != 0x00)
        return;
    uint8_t *ip = frame + ETH_HEADER_SIZE;
    size_t header_length = (size_t)(ip[0] & 0x0f) * 4;
    size_t total = MIN((size_t)(ip[2] << 8 | ip[3]), length - ETH_HEADER_SIZE);
    if (header_length < 20 || header_length > total)
        return;
    if (control & FIX_IP_CHECKSUM) {
        put_checksum(ip + 10, 0);
        put_checksum(ip + 10, test_checksum(0, ip, header_length));
    }
    bool fragment = (ip[6] & 0x3f) || ip[7];   /* MF or an offset */
    if (!(control & FIX_TRANSPORT_CHECKSUM) || fragment)
        return;
    uint8_t *transport = ip + header_length;
    size_t size = total - header_length;
    uint32_t source, destination;
    memcpy(&source, ip + 12, 4);
    memcpy(&destination, ip + 16, 4);
    size_t field;
    uint32_t sum = test_pseudo_header_sum(source, destination, ip[9], size);
    switch (ip[9]) {
    case IP_PROTOCOL_TCP: field = 16; break;
    case IP_PROTOCOL_UDP: field = 6; break;
    case IP_PROTOCOL_ICMP: case 2 /* IGMP */: field = 2; sum = 0; break;
    default: return;
    }
    if (size < field + 2)
        return;
    put_checksum(transport + field, 0);
    put_checksum(transport + field, test_checksum(sum, transport, size));
}

/* The frame's IPv4 datagram cut into fragments of size bytes (a multiple
 * of 8), each injected with the frame's Ethernet header and its own IP
 * header; a frame that holds no IPv4 header goes whole. */
static void inject_fragments(const uint8_t *frame, size_t length, size_t size)
{
    static uint8_t fragment[ETH_HEADER_SIZE + 60 + 256];
    const uint8_t *ip = frame + ETH_HEADER_SIZE;
    size_t header_length = length >= ETH_HEADER_SIZE + 20 ? (size_t)(ip[0] & 0x0f) * 4 : 0;
    if (header_length < 20 || length < ETH_HEADER_SIZE + header_length) {
        fake_netif_inject(eth0, frame, length);
        return;
    }
    size_t payload = length - ETH_HEADER_SIZE - header_length;
    uint16_t flags_and_offset = (uint16_t)(ip[6] << 8 | ip[7]);
    for (size_t offset = 0; offset == 0 || offset < payload; offset += size) {
        size_t chunk = MIN(size, payload - offset);
        bool more = offset + chunk < payload || (flags_and_offset & 0x2000);
        uint16_t field = (uint16_t)((flags_and_offset & 0x4000) | (more ? 0x2000 : 0) |
                                    (((flags_and_offset & 0x1fff) + offset / 8) & 0x1fff));
        memcpy(fragment, frame, ETH_HEADER_SIZE + header_length);
        memcpy(fragment + ETH_HEADER_SIZE + header_length, ip + header_length + offset, chunk);
        uint8_t *header = fragment + ETH_HEADER_SIZE;
        header[2] = (uint8_t)((header_length + chunk) >> 8);
        header[3] = (uint8_t)(header_length + chunk);
        header[6] = (uint8_t)(field >> 8);
        header[7] = (uint8_t)field;
        put_checksum(header + 10, 0);
        put_checksum(header + 10, test_checksum(0, header, header_length));
        fake_netif_inject(eth0, fragment, ETH_HEADER_SIZE + header_length + chunk);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[65536];
    if (size < 1 || size - 1 > sizeof(frame))
        return -1;    /* not kept in the corpus */
    fuzz_stack_begin_input(open_everything);
    size_t length = size - 1;
    memcpy(frame, data + 1, length);
    fix_checksums(frame, length, data[0]);
    if (data[0] & FRAGMENT)
        inject_fragments(frame, length, 8 * (1 + (size_t)(data[0] >> 3)));
    else
        fake_netif_inject(eth0, frame, length);
    fuzz_stack_run_timers_out();
    drain_everything();
    fuzz_stack_check_no_leak();
    return 0;
}
