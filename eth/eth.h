/*
 * Ethernet II (IEEE 802.3 framing with an EtherType): input demux and output.
 *
 * The contract: frames come in through eth_input (an Ethernet interface's
 * link_input) and go up to the handler registered for their EtherType;
 * frames go out through eth_output, which pushes the header and calls
 * netif_transmit; eth_output_without_resolution is lo's netif->output.
 * Every function here that takes a pbuf consumes it, on success and on
 * every error (netif/pbuf.h).
 */
#ifndef ETH_ETH_H
#define ETH_ETH_H
#include "../netif/netif.h"

#define ETH_HEADER_SIZE 14
#define ETH_TYPE_IP  0x0800
#define ETH_TYPE_ARP 0x0806

struct eth_header {
    uint8_t destination[ETHERNET_ADDRESS_SIZE];
    uint8_t source[ETHERNET_ADDRESS_SIZE];
    uint16_t type;                              /* network order */
} __attribute__((packed));

extern const uint8_t eth_broadcast_address[ETHERNET_ADDRESS_SIZE];
/* 00:00:00:00:00:00: lo's addresses, and the unknown target of an ARP request. */
extern const uint8_t eth_zero_address[ETHERNET_ADDRESS_SIZE];

/* Called with data at the upper-layer header, l2 marked, ethertype set;
 * consumes frame. */
typedef void (*eth_handler_t)(struct netif *netif, struct pbuf *frame);
void eth_register(uint16_t ethertype, eth_handler_t handler);
/* The link input of Ethernet netifs and lo (netif->link_input); consumes frame. */
void eth_input(struct netif *netif, struct pbuf *frame);
/* Pushes the header (lo's: all zeros) in front of packet, which needs
 * PBUF_IP headroom, and hands the frame to netif_transmit; consumes packet.
 * 0, -ENOBUFS (no headroom) or netif_transmit's error. */
int eth_output(struct netif *netif, struct pbuf *packet, const uint8_t destination[6],
               uint16_t ethertype);
/* The netif->output of an interface that resolves no addresses (lo): the
 * datagram goes to eth_output with the all-zero destination. */
int eth_output_without_resolution(struct netif *netif, struct pbuf *datagram, uint32_t next_hop);

#endif
