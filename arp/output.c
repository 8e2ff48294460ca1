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
}

/* A request for our own address, broadcast (RFC 5227 3, as Linux's arp_send on NETDEV_UP). */
void arp_announce(struct netif *netif)
{
    if (netif->type == NETIF_TYPE_LOOPBACK || (netif->flags & NETIF_NOARP) ||
        netif->ipv4_address == IP_ADDRESS_ANY)
        return;
    arp_send(netif, ARP_OPERATION_REQUEST, eth_broadcast_address, eth_zero_address,
             netif->ipv4_address);
}

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

int arp_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
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
}
