/* Ethernet II output: push the 14-byte header and hand the frame to the netif. */
#include "eth.h"
#include "../netif/counters.h"

const uint8_t eth_zero_address[ETHERNET_ADDRESS_SIZE] = { 0 };

int eth_output(struct netif *netif, struct pbuf *packet, const uint8_t destination[6],
               uint16_t ethertype)
{
    struct eth_header *header = pbuf_push(packet, ETH_HEADER_SIZE);
    if (!header) {
        pbuf_put(packet);
        return -ENOBUFS;
    }
    /* The loopback device carries an all-zero header, as Linux's lo does. */
    if (netif->type == NETIF_TYPE_LOOPBACK) {
        memset(header, 0, ETH_HEADER_SIZE);
    } else {
        memcpy(header->destination, destination, ETHERNET_ADDRESS_SIZE);
        memcpy(header->source, netif->address, ETHERNET_ADDRESS_SIZE);
    }
    header->type = net_htons(ethertype);
    packet->ethertype = ethertype;
    packet->packet_type = PBUF_OUTGOING;
    packet->netif = netif;
    pbuf_mark_l2(packet);
    int error = netif_transmit(netif, packet);
    if (!error)
        NET_COUNT(ETH_OUT_FRAMES);
    return error;
}

int eth_output_without_resolution(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    return eth_output(netif, datagram, eth_zero_address, ETH_TYPE_IP);
}
