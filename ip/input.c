/*
 * IPv4 input (RFC 791 3.2, RFC 1122 3.2.1): validate the header, keep only
 * datagrams for us (a host does not forward), reassemble fragments, then
 * show the datagram to raw listeners and hand it to the protocol that
 * registered its number.
 */
#include "ip_private.h"
#include "../eth/eth.h"
#include "../icmp/icmp.h"
#include "../netif/counters.h"

static ip_protocol_handler_t protocols[256];
static struct list_node raw_listeners = LIST_HEAD_INIT(raw_listeners);

void ip_register(uint8_t protocol, ip_protocol_handler_t handler)
{
    protocols[protocol] = handler;
}

void ip_raw_listener_add(struct ip_raw_listener *listener)
{
    list_push_back(&raw_listeners, &listener->node);
}

void ip_raw_listener_remove(struct ip_raw_listener *listener)
{
    list_remove(&listener->node);
}

/* LAB(ip) BEGIN: the helpers of ip_input: walking the options to find a malformed
 * one (RFC 791 3.1: every option but End of Option List and No Operation has a length
 * octet of at least 2 that stays inside the header), the header checks in Linux's
 * order with their counters (InHdrErrors, IpExt InTruncatedPkts) and the trimming
 * of link padding, and the delivery: raw listeners first, then the registered
 * protocol's handler, or a Protocol Unreachable. */
/*
 * Options (RFC 791 3.1) are not acted on, but walked so that a malformed
 * one is a header error: every option but End of Option List (0) and No
 * Operation (1) has a length octet of at least 2 that stays inside the
 * header.  Returns 0, or the offset in the header of the octet in error
 * (the Parameter Problem pointer, as Linux's ip_options_compile reports it).
 */
static size_t options_error(const uint8_t *options, size_t length)
{
    size_t i = 0;
    while (i < length) {
        uint8_t type = options[i];
        if (type == 0)
            break;
        if (type == 1) {
            i++;
            continue;
        }
        if (i + 1 >= length)
            return sizeof(struct ip_header) + i;
        if (options[i + 1] < 2 || options[i + 1] > length - i)
            return sizeof(struct ip_header) + i;    /* Linux points at the option's type */
        i += options[i + 1];
    }
    return 0;
}

/*
 * The header checks of RFC 1122 3.2.1.1-3.2.1.2 and RFC 791, in the order
 * of Linux's ip_rcv_core, counting a failure; trims link padding.  A
 * datagram longer than what arrived was truncated on the way: Linux counts
 * it in IpExt InTruncatedPkts, not as a header error (RFC 4293 has both).
 */
static bool header_valid(struct pbuf *packet)
{
    const struct ip_header *header = PBUF_HEADER(packet, struct ip_header);
    size_t header_length = header ? ip_header_length(header) : 0;
    if (!header || header->version_and_header_length >> 4 != 4 ||
        header_length < sizeof(struct ip_header) || header_length > pbuf_length(packet) ||
        ip_checksum(header, header_length) != 0) {
        NET_COUNT(IP_IN_HDR_ERRORS);
        return false;
    }
    size_t total_length = net_ntohs(header->total_length);
    if (total_length > pbuf_length(packet)) {
        NET_COUNT(IPEXT_IN_TRUNCATED_PKTS);
        return false;
    }
    if (total_length < header_length) {
        NET_COUNT(IP_IN_HDR_ERRORS);
        return false;
    }
    pbuf_trim(packet, total_length);     /* Ethernet pads frames to 60 bytes */
    return true;
}

/* Raw listeners, then the protocol; data at the IP header, l3 marked.  Consumes. */
static void deliver(struct pbuf *packet)
{
    const struct ip_header *header = (const struct ip_header *)packet->data;
    bool raw_taken = false;
    list_for_each_safe(node, &raw_listeners) {
        struct ip_raw_listener *listener = container_of(node, struct ip_raw_listener, node);
        if (listener->datagram(listener, packet))
            raw_taken = true;
    }
    uint8_t protocol = header->protocol;
    size_t header_length = ip_header_length(header);
    /* Raw sockets that kept the datagram share it read-only (pbuf.h). */
    if (packet->ref > 1) {
        struct pbuf *copy = pbuf_copy(packet);
        pbuf_put(packet);
        if (!copy) {
            NET_COUNT(IP_IN_DISCARDS);
            return;
        }
        packet = copy;
    }
    pbuf_pull(packet, header_length);
    pbuf_mark_l4(packet);
    ip_protocol_handler_t handler = protocols[protocol];
    if (handler) {
        NET_COUNT(IP_IN_DELIVERS);
        handler(packet);
        return;
    }
    if (raw_taken) {
        NET_COUNT(IP_IN_DELIVERS);
    } else {
        /* RFC 1122 3.2.2.1: protocol unreachable, unless a raw socket took it (as Linux). */
        NET_COUNT(IP_IN_UNKNOWN_PROTOS);
        icmp_send_error(packet, ICMP_DESTINATION_UNREACHABLE, ICMP_PROTOCOL_UNREACHABLE, 0);
    }
    pbuf_put(packet);
}
/* LAB(ip) END */

void ip_input(struct netif *netif, struct pbuf *packet)
{
    net_assert_context();
    /* LAB(ip) BEGIN: count InReceives; check the header (a failure is counted and
     * dropped) and trim the link's padding; mark l3; silently drop martians (RFC 1122
     * 3.2.1.3: a broadcast or multicast source, 127/8 on any interface but lo); drop a
     * datagram that is not for us (InAddrErrors: a host does not forward, RFC 1122
     * 3.3.4.2); answer a malformed option with a Parameter Problem pointing at it
     * (InHdrErrors, RFC 1122 3.2.2.5); hand a fragment to ip_reassemble, which returns
     * the whole datagram or NULL; deliver.  Do not check the TTL (RFC 1122 3.2.1.7).
     * Consume the packet on every path. */
    NET_COUNT(IP_IN_RECEIVES);
    if (!header_valid(packet)) {
        pbuf_put(packet);
        return;
    }
    pbuf_mark_l3(packet);
    const struct ip_header *header = (const struct ip_header *)packet->data;
    /* RFC 1122 3.2.1.3: silently discard a datagram from a broadcast or
     * multicast source, and 127/8 seen outside the loopback interface (g).
     * Linux drops these "martians" without an SNMP counter. */
    bool martian_loopback = netif->type != NETIF_TYPE_LOOPBACK &&
                            (ip_address_is_loopback(header->source) ||
                             ip_address_is_loopback(header->destination));
    if (header->source == IP_ADDRESS_BROADCAST || ip_address_is_multicast(header->source) ||
        martian_loopback) {
        pbuf_put(packet);
        return;
    }
    /* A host discards datagrams that are not for it (3.3.4.2: we do not
     * forward), counted as RFC 4293's ipSystemStatsInAddrErrors, as Linux
     * does.  A group is ours where it was joined (igmp_is_member). */
    if (!ip_address_is_local(netif, header->destination)) {
        NET_COUNT(IP_IN_ADDR_ERRORS);
        pbuf_put(packet);
        return;
    }
    /* RFC 1122 3.2.2.5: a bad option gets a Parameter Problem (code 0). */
    size_t bad_option = options_error((const uint8_t *)(header + 1),
                                      ip_header_length(header) - sizeof(*header));
    if (bad_option) {
        NET_COUNT(IP_IN_HDR_ERRORS);
        icmp_send_error(packet, ICMP_PARAMETER_PROBLEM, 0, (uint32_t)bad_option << 24);
        pbuf_put(packet);
        return;
    }
    if (net_ntohs(header->flags_and_fragment_offset) &
        (IP_FLAG_MORE_FRAGMENTS | IP_FRAGMENT_OFFSET_MASK)) {
        packet = ip_reassemble(packet);
        if (!packet)
            return;
    }
    deliver(packet);
    /* LAB(ip) STUB
     * (void)netif;
     * NET_COUNT(IP_IN_DISCARDS);
     * pbuf_put(packet);
     * LAB(ip) END */
}

void ip_init(void)
{
    eth_register(ETH_TYPE_IP, ip_input);
}
