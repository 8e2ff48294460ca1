/*
 * IPv4 output (RFC 791 3.2, RFC 1122 3.2.1): route, build the header,
 * fragment when the datagram exceeds the MTU, hand it to the link.
 */
#include "ip_private.h"
#include "../icmp/icmp.h"
#include "../netif/counters.h"

/* LAB(ip) BEGIN: the identification of each datagram (RFC 791 3.1; RFC 6864 4.1: it
 * must not repeat for a source, destination and protocol while a datagram may live;
 * start at a random value, net_random32). */
/*
 * One global identification counter, started at a random value.  RFC 6864
 * 4.1 only asks that id not repeat for a source/destination/protocol within
 * the datagram lifetime, which a 16-bit counter meets at our rates.
 */
static uint16_t next_identification;
static bool identification_seeded;

static uint16_t new_identification(void)
{
    if (!identification_seeded) {
        next_identification = (uint16_t)net_random32();
        identification_seeded = true;
    }
    return net_htons(next_identification++);
}
/* LAB(ip) END */

/*
 * A broadcast we send is also one we receive (RFC 1122 3.3.6: a host's own
 * broadcasts should reach its local listeners), as Linux's ip_mc_output
 * loops a copy back.  The copy goes straight to ip_input from a timer in
 * the network context, not through netif_receive, so that packet sockets
 * do not see it as an incoming frame (Linux's packet_rcv drops
 * PACKET_LOOPBACK too) and the sender's own call does not re-enter input.
 */
#define LOOPED_BROADCAST_LIMIT (256 * 1024)
static struct pbuf_queue looped_broadcasts;
static struct net_timer looped_timer;

static void deliver_looped_broadcasts(void *argument)
{
    struct pbuf *datagram;
    while ((datagram = pbuf_queue_pop(&looped_broadcasts)))
        ip_input(datagram->netif, datagram);
}

static void loop_back_broadcast(struct netif *netif, const struct pbuf *datagram)
{
    if (!looped_broadcasts.limit_bytes)
        pbuf_queue_init(&looped_broadcasts, LOOPED_BROADCAST_LIMIT);
    struct pbuf *copy = pbuf_copy(datagram);
    if (!copy)
        return;
    copy->netif = netif;
    copy->packet_type = PBUF_BROADCAST;
    copy->l2_offset = copy->l4_offset = PBUF_OFFSET_UNSET;
    pbuf_queue_push(&looped_broadcasts, copy);
    pbuf_put(copy);
    if (!looped_timer.armed)
        net_timer_start(&looped_timer, 0, deliver_looped_broadcasts, NULL);
}

/* The link below is the interface's business (netif.h): ARP on Ethernet,
 * no resolution on lo, which brings every datagram back by itself. */
int ip_transmit(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    if (ip_address_is_broadcast(netif, next_hop) && netif->type != NETIF_TYPE_LOOPBACK)
        loop_back_broadcast(netif, datagram);
    return netif->output(netif, datagram, next_hop);
}

/* LAB(ip) BEGIN: the send path both ip_output and ip_output_header_included take:
 * the header checksum, Ip OutRequests and icmp_out_count, then the interface through
 * ip_transmit when the datagram fits its MTU (or its segmentation offload), EMSGSIZE
 * with Don't Fragment (FragFails), ip_fragment_output otherwise; and the route
 * lookup that checks a broadcast is allowed (SO_BROADCAST, else EACCES). */
/* Sends a datagram whose header is complete but for the checksum; consumes it. */
static int send_datagram(struct pbuf *datagram, struct netif *netif, uint32_t next_hop,
                         bool dont_fragment)
{
    struct ip_header *header = (struct ip_header *)datagram->data;
    header->checksum = 0;
    header->checksum = ip_checksum(header, ip_header_length(header));
    pbuf_mark_l3(datagram);
    datagram->netif = netif;
    NET_COUNT(IP_OUT_REQUESTS);
    size_t header_length = ip_header_length(header);
    if (header->protocol == IP_PROTOCOL_ICMP && pbuf_length(datagram) > header_length &&
        !(net_ntohs(header->flags_and_fragment_offset) & IP_FRAGMENT_OFFSET_MASK))
        icmp_out_count(datagram->data[header_length]);
    if (pbuf_length(datagram) <= netif->mtu)
        return ip_transmit(netif, datagram, next_hop);
    /* TCP built it for segmentation offload: the device cuts it, if this
     * interface can (a route that moved elsewhere: dropped, TCP resends). */
    if (datagram->gso_size) {
        if (pbuf_length(datagram) <= netif->gso_max_size)
            return ip_transmit(netif, datagram, next_hop);
        NET_COUNT(IP_OUT_DISCARDS);
        pbuf_put(datagram);
        return -EMSGSIZE;
    }
    if (dont_fragment) {
        NET_COUNT(IP_FRAG_FAILS);
        pbuf_put(datagram);
        return -EMSGSIZE;
    }
    return ip_fragment_output(netif, datagram, next_hop);
}

/* Routes destination (on bound_interface if set) and checks a broadcast is allowed. */
static int route(uint32_t destination, const struct ip_output_options *options,
                 struct netif **netif, uint32_t *next_hop, uint32_t *source)
{
    int error = ip_route_lookup_on(options ? options->bound_interface : 0, destination, netif,
                                   next_hop, source);
    if (error) {
        NET_COUNT(IP_OUT_NO_ROUTES);
        return error;
    }
    if (ip_address_is_broadcast(*netif, destination)) {
        if (!options || !options->allow_broadcast)
            return -EACCES;      /* SO_BROADCAST unset, as Linux */
        *next_hop = destination;
    }
    return 0;
}
/* LAB(ip) END */

int ip_output(struct pbuf *packet, uint32_t source, uint32_t destination, uint8_t protocol,
              const struct ip_output_options *options)
{
    net_assert_context();
    /* LAB(ip) BEGIN: route the destination (OutNoRoutes and the lookup's error when
     * there is none; EACCES for a broadcast without permission); refuse more than
     * 65535 octets (EMSGSIZE); push and fill the header (RFC 791 3.1): version 4, IHL
     * 5, the options' type of service, total length, a new identification, Don't
     * Fragment if asked, the options' TTL or IP_DEFAULT_TTL, the protocol, the source
     * (the route's when 0), the destination; then send it.  Consume the packet on
     * every path. */
    struct netif *netif;
    uint32_t next_hop, route_source;
    int error = route(destination, options, &netif, &next_hop, &route_source);
    if (error) {
        pbuf_put(packet);
        return error;
    }
    if (pbuf_length(packet) > IP_MAXIMUM_LENGTH - sizeof(struct ip_header)) {
        pbuf_put(packet);
        return -EMSGSIZE;
    }
    struct ip_header *header = pbuf_push(packet, sizeof(struct ip_header));
    if (!header) {
        NET_COUNT(IP_OUT_DISCARDS);
        pbuf_put(packet);
        return -ENOBUFS;
    }
    bool dont_fragment = options && options->dont_fragment;
    header->version_and_header_length = 0x45;
    header->type_of_service = options ? options->type_of_service : 0;
    header->total_length = net_htons((uint16_t)pbuf_length(packet));
    header->identification = new_identification();
    header->flags_and_fragment_offset = net_htons(dont_fragment ? IP_FLAG_DONT_FRAGMENT : 0);
    header->time_to_live = options && options->ttl ? options->ttl : IP_DEFAULT_TTL;
    header->protocol = protocol;
    header->source = source ? source : route_source;
    header->destination = destination;
    return send_datagram(packet, netif, next_hop, dont_fragment);
    /* LAB(ip) STUB
     * (void)source, (void)destination, (void)protocol, (void)options;
     * NET_COUNT(IP_OUT_DISCARDS);
     * pbuf_put(packet);
     * return -ENETUNREACH;
     * LAB(ip) END */
}

/*
 * IP_HDRINCL (raw(7)): the caller built the header.  As Linux does, total
 * length and checksum are always filled in, source and id when zero.
 */
int ip_output_header_included(struct pbuf *datagram, const struct ip_output_options *options)
{
    /* LAB(ip) BEGIN: check the caller's header (EINVAL: IHL below 5 or beyond the
     * datagram, more than 65535 octets); route its destination as ip_output does;
     * fill in total length, and source and identification when they are 0 (raw(7));
     * send it, with Don't Fragment as its flags say.  Consume it on every path. */
    struct ip_header *header = PBUF_HEADER(datagram, struct ip_header);
    if (!header || ip_header_length(header) < sizeof(*header) ||
        ip_header_length(header) > pbuf_length(datagram) ||
        pbuf_length(datagram) > IP_MAXIMUM_LENGTH) {
        pbuf_put(datagram);
        return -EINVAL;
    }
    struct netif *netif;
    uint32_t next_hop, source;
    int error = route(header->destination, options, &netif, &next_hop, &source);
    if (error) {
        pbuf_put(datagram);
        return error;
    }
    header->total_length = net_htons((uint16_t)pbuf_length(datagram));
    if (!header->source)
        header->source = source;
    if (!header->identification)
        header->identification = new_identification();
    bool dont_fragment = net_ntohs(header->flags_and_fragment_offset) & IP_FLAG_DONT_FRAGMENT;
    return send_datagram(datagram, netif, next_hop, dont_fragment);
    /* LAB(ip) STUB
     * (void)options;
     * NET_COUNT(IP_OUT_DISCARDS);
     * pbuf_put(datagram);
     * return -ENETUNREACH;
     * LAB(ip) END */
}
