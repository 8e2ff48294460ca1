/* Ethernet II output: push the 14-byte header and hand the frame to the netif. */
#include "eth.h"
#include "../netif/counters.h"

const uint8_t eth_zero_address[ETHERNET_ADDRESS_SIZE] = { 0 };

int eth_output(struct netif *netif, struct pbuf *packet, const uint8_t destination[6],
               uint16_t ethertype)
{
    /* LAB(eth) BEGIN: push the header in front of packet (no headroom: -ENOBUFS):
     * destination, netif's address as source, ethertype in network order, or all
     * zeros on lo; no padding (the device's job).  Set packet's ethertype,
     * packet_type (outgoing) and netif, mark l2, and hand it to netif_transmit, whose
     * answer is yours; count Eth OutFrames when it is 0.  Consume packet on every
     * path (netif_transmit consumes what it is given). */
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
    /* LAB(eth) STUB
     * pbuf_put(packet);
     * return -ENOBUFS;
     * LAB(eth) END */
}

int eth_output_without_resolution(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    /* LAB(eth) BEGIN: lo's netif->output: an IPv4 datagram with no neighbour to
     * resolve goes to eth_output as it is, to the all-zero address. */
    return eth_output(netif, datagram, eth_zero_address, ETH_TYPE_IP);
    /* LAB(eth) STUB
     * pbuf_put(datagram);
     * return -ENOBUFS;
     * LAB(eth) END */
}
