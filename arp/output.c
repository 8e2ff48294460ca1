/*
 * ARP output: requests, replies and announcements, and arp_output, an
 * Ethernet interface's netif->output: resolve an IP next hop to a hardware
 * address and send the datagram, queueing a few datagrams per unresolved
 * address while requests go out (RFC 1122 2.3.2.2: keep at least the
 * latest one).
 */
#include "arp_private.h"
#include "../eth/eth.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

void arp_send(struct netif *netif, uint16_t operation, const uint8_t destination[6],
              const uint8_t target_hardware[6], uint32_t target_protocol)
{
    /* LAB(arp) BEGIN: RFC 826's packet for Ethernet and IPv4 (struct arp_packet,
     * fields in network order) in a new pbuf with PBUF_IP headroom: our hardware
     * and protocol addresses as sender, the target's as given; count OutRequests
     * or OutReplies, and send it with eth_output (EtherType 0x0806). */
    struct pbuf *frame = pbuf_alloc(PBUF_IP, sizeof(struct arp_packet));
    if (!frame)
        return;
    struct arp_packet *arp = (struct arp_packet *)frame->data;
    arp->hardware_type = net_htons(ARP_HARDWARE_ETHERNET);
    arp->protocol_type = net_htons(ETH_TYPE_IP);
    arp->hardware_length = ETHERNET_ADDRESS_SIZE;
    arp->protocol_length = 4;
    arp->operation = net_htons(operation);
    memcpy(arp->sender_hardware, netif->address, ETHERNET_ADDRESS_SIZE);
    arp->sender_protocol = netif->ipv4_address;
    memcpy(arp->target_hardware, target_hardware, ETHERNET_ADDRESS_SIZE);
    arp->target_protocol = target_protocol;
    if (operation == ARP_OPERATION_REQUEST)
        NET_COUNT(ARP_OUT_REQUESTS);
    else
        NET_COUNT(ARP_OUT_REPLIES);
    eth_output(netif, frame, destination, ETH_TYPE_ARP);
    /* LAB(arp) END */
}

/* A request for our own address, broadcast (RFC 5227 3, as Linux's arp_send on NETDEV_UP). */
void arp_announce(struct netif *netif)
{
    /* LAB(arp) BEGIN: RFC 5227 3: a broadcast request whose sender and target
     * protocol addresses are both ours, target hardware address zero; nothing on
     * lo, on a NOARP interface, or without an address. */
    if (netif->type == NETIF_TYPE_LOOPBACK || (netif->flags & NETIF_NOARP) ||
        netif->ipv4_address == IP_ADDRESS_ANY)
        return;
    arp_send(netif, ARP_OPERATION_REQUEST, eth_broadcast_address, eth_zero_address,
             netif->ipv4_address);
    /* LAB(arp) END */
}

/* LAB(arp) BEGIN: RFC 1112 6.4's mapping of an IPv4 group address to an Ethernet
 * one. */
/* RFC 1112 6.4: 01:00:5e followed by the group's low 23 bits. */
static void multicast_hardware(uint32_t group, uint8_t hardware[6])
{
    uint32_t g = net_ntohl(group);
    hardware[0] = 0x01;
    hardware[1] = 0x00;
    hardware[2] = 0x5e;
    hardware[3] = (uint8_t)((g >> 16) & 0x7f);
    hardware[4] = (uint8_t)(g >> 8);
    hardware[5] = (uint8_t)g;
}
/* LAB(arp) END */

int arp_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    /* LAB(arp) BEGIN: a broadcast next hop (ip_address_is_broadcast) goes at once
     * to ff:ff:ff:ff:ff:ff, a multicast one to its RFC 1112 6.4 address, both
     * without ARP.  Otherwise a resolved entry (any state but INCOMPLETE) sends at
     * once, after arp_cache_used (RFC 1122 2.3.2.1).  With no entry, create one
     * (none to be had: QueueDrops, -ENOBUFS) and broadcast the first request.  Then
     * the datagram waits in the entry's pending queue, at most ARP_QUEUE_PACKETS of
     * them: when full, drop the oldest (QueueDrops), keeping the latest (RFC 1122
     * 2.3.2.2).  Consume the datagram on every path (pbuf_queue_push takes its own
     * reference); 0 when it was sent or queued, else the error. */
    if (ip_address_is_broadcast(netif, next_hop))
        return eth_output(netif, datagram, eth_broadcast_address, ETH_TYPE_IP);
    if (ip_address_is_multicast(next_hop)) {
        uint8_t hardware[ETHERNET_ADDRESS_SIZE];
        multicast_hardware(next_hop, hardware);
        return eth_output(netif, datagram, hardware, ETH_TYPE_IP);
    }
    struct arp_entry *entry = arp_cache_find(netif, next_hop);
    if (entry && entry->state != ARP_INCOMPLETE) {
        arp_cache_used(entry);      /* RFC 1122 2.3.2.1: revalidate a stale entry */
        return eth_output(netif, datagram, entry->hardware, ETH_TYPE_IP);
    }
    if (!entry) {
        entry = arp_cache_create(netif, next_hop);
        if (!entry) {
            NET_COUNT(ARP_QUEUE_DROPS);
            pbuf_put(datagram);
            return -ENOBUFS;
        }
        arp_send(netif, ARP_OPERATION_REQUEST, eth_broadcast_address, eth_zero_address, next_hop);
    }
    if (entry->pending.count >= ARP_QUEUE_PACKETS) {
        NET_COUNT(ARP_QUEUE_DROPS);      /* drop the oldest, keep the latest */
        pbuf_put(pbuf_queue_pop(&entry->pending));
    }
    if (!pbuf_queue_push(&entry->pending, datagram))
        NET_COUNT(ARP_QUEUE_DROPS);
    pbuf_put(datagram);
    return 0;
    /* LAB(arp) STUB
     * NET_COUNT(ARP_QUEUE_DROPS);
     * pbuf_put(datagram);
     * return -ENOBUFS;
     * LAB(arp) END */
}
