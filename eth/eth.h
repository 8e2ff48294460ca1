/* Ethernet II (IEEE 802.3 framing with an EtherType): input demux and output. */
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

/* Called with data at the upper-layer header, l2 marked, ethertype set. */
typedef void (*eth_handler_t)(struct netif *netif, struct pbuf *frame);
void eth_register(uint16_t ethertype, eth_handler_t handler);
/* The link input of Ethernet netifs (netif->link_input). Consumes frame. */
void eth_input(struct netif *netif, struct pbuf *frame);
/* Pushes the header and transmits; consumes packet.  0 or -errno. */
int eth_output(struct netif *netif, struct pbuf *packet, const uint8_t destination[6],
               uint16_t ethertype);

#endif
