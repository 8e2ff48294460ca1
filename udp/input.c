/*
 * UDP input (RFC 768, RFC 1122 4.1.3): check length and checksum, give the
 * datagram to the most specific PCB (every matching PCB for a broadcast or
 * multicast), or answer with ICMP port unreachable (RFC 1122 4.1.3.1).
 */
#include "udp_private.h"
#include "../icmp/icmp.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

/* LAB(udp) BEGIN: the helpers udp_input needs: the checksum test over the
 * pseudo-header (RFC 768; a zero checksum means the sender computed none; a device
 * that verified the sum said so in packet->checksum_verified), and the delivery to a
 * PCB, counted InDatagrams (its receive callback takes a reference if it keeps the
 * datagram). */
static bool checksum_valid(const struct ip_header *ip, const struct pbuf *packet)
{
    const struct udp_header *header = (const struct udp_header *)packet->data;
    if (header->checksum == 0 || packet->checksum_verified)
        return true;             /* RFC 768: zero means the sender computed none */
    uint32_t sum = ip_pseudo_header_sum(ip->source, ip->destination, IP_PROTOCOL_UDP,
                                        (uint16_t)pbuf_length(packet));
    return ip_checksum_finish(sum, packet->data, pbuf_length(packet)) == 0;
}

static void deliver(struct udp_pcb *pcb, struct pbuf *packet, uint32_t source, uint16_t port)
{
    NET_COUNT(UDP_IN_DATAGRAMS);
    if (pcb->receive)
        pcb->receive(pcb, packet, source, port);
}
/* LAB(udp) END */

static void udp_input(struct pbuf *packet)
{
    net_assert_context();
    /* LAB(udp) BEGIN: drop a datagram shorter than its header or than its Length field
     * says (InErrors), trim the IP payload to Length, drop a bad checksum (InCsumErrors
     * and InErrors); then a datagram to a broadcast or multicast address goes to every
     * matching PCB (none: IgnoredMulti, no ICMP), any other to the most specific one
     * (udp_pcb_lookup), and if there is none, count NoPorts and answer Port Unreachable
     * (RFC 1122 4.1.3.1).  The PCB sees data at the payload.  Consume the packet on
     * every path. */
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet);
    const struct udp_header *header = PBUF_HEADER(packet, struct udp_header);
    size_t length = header ? net_ntohs(header->length) : 0;
    if (!header || length < UDP_HEADER_SIZE || length > pbuf_length(packet)) {
        NET_COUNT(UDP_IN_ERRORS);
        pbuf_put(packet);
        return;
    }
    pbuf_trim(packet, length);
    if (!checksum_valid(ip, packet)) {
        NET_COUNT(UDP_IN_CSUM_ERRORS);
        NET_COUNT(UDP_IN_ERRORS);
        pbuf_put(packet);
        return;
    }
    uint32_t source = ip->source, destination = ip->destination;
    uint16_t source_port = header->source_port, destination_port = header->destination_port;
    bool group = packet->packet_type == PBUF_BROADCAST || packet->packet_type == PBUF_MULTICAST ||
                 ip_address_is_broadcast(packet->netif, destination) ||
                 ip_address_is_multicast(destination);
    pbuf_pull(packet, UDP_HEADER_SIZE);
    if (group) {
        /* Linux's __udp4_lib_mcast_deliver: every matching socket gets a copy. */
        bool delivered = false;
        list_for_each_safe(node, udp_pcb_list()) {
            struct udp_pcb *pcb = container_of(node, struct udp_pcb, node);
            if (udp_pcb_matches(pcb, destination, destination_port, source, source_port)) {
                deliver(pcb, packet, source, source_port);
                delivered = true;
            }
        }
        /* No port unreachable about a broadcast (RFC 1122 3.2.2); Linux
         * counts the datagram nobody wanted as IgnoredMulti, not NoPorts. */
        if (!delivered)
            NET_COUNT(UDP_IGNORED_MULTI);
        pbuf_put(packet);
        return;
    }
    struct udp_pcb *pcb = udp_pcb_lookup(destination, destination_port, source, source_port);
    if (pcb) {
        deliver(pcb, packet, source, source_port);
    } else {
        NET_COUNT(UDP_NO_PORTS);
        icmp_send_error(packet, ICMP_DESTINATION_UNREACHABLE, ICMP_PORT_UNREACHABLE, 0);
    }
    pbuf_put(packet);
    /* LAB(udp) STUB
     * NET_COUNT(UDP_IN_ERRORS);
     * pbuf_put(packet);
     * LAB(udp) END */
}

/*
 * Errors reach only a connected socket (RFC 1122 4.1.3.3 leaves it to the
 * application), and as Linux's udp_err only the hard ones (the fatal
 * entries of ICMP's one table, icmp_error_errno).  Fragmentation Needed is
 * not reported: path MTU discovery is not implemented.
 */
static void udp_error(uint8_t type, uint8_t code, struct pbuf *quoted)
{
    bool fatal;
    int error = icmp_error_errno(type, code, &fatal);
    if (!error || !fatal)
        return;
    const struct ip_header *ip = (const struct ip_header *)quoted->data;
    const struct udp_header *udp =
        (const struct udp_header *)(quoted->data + (ip->version_and_header_length & 0x0f) * 4);
    /* The quoted datagram went from us (source) to the peer (destination). */
    list_for_each(node, udp_pcb_list()) {
        struct udp_pcb *pcb = container_of(node, struct udp_pcb, node);
        if (pcb->remote_address &&
            udp_pcb_matches(pcb, ip->source, udp->source_port, ip->destination,
                            udp->destination_port)) {
            if (pcb->error)
                pcb->error(pcb, error);
            return;
        }
    }
}

void udp_init(void)
{
    ip_register(IP_PROTOCOL_UDP, udp_input);
    icmp_register_error_handler(IP_PROTOCOL_UDP, udp_error);
}
