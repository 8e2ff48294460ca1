/*
 * UDP (RFC 768, RFC 1122 4.1): protocol control blocks and datagram I/O.
 * Datagrams go out through ip_output.  Ownership is netif/pbuf.h's rule:
 * udp_send consumes its payload; a pcb's receive is only shown a datagram.
 */
#ifndef UDP_UDP_H
#define UDP_UDP_H
#include "../netif/pbuf.h"

struct udp_header {
    uint16_t source_port, destination_port, length, checksum;
} __attribute__((packed));

/*
 * A UDP endpoint.  Addresses and ports are in network order; 0 means
 * "any" (wildcard).  Input goes to the most specific matching PCB (remote
 * address and port count as wildcards when unset).
 */
struct udp_pcb {
    uint32_t local_address, remote_address;
    uint16_t local_port, remote_port;
    bool reuse_address;                     /* SO_REUSEADDR */
    /* bind named this address, this port (Linux's SOCK_BINDADDR_LOCK,
     * SOCK_BINDPORT_LOCK): disconnecting keeps them, and gives up an address
     * or port that was chosen for the PCB. */
    bool explicit_address, explicit_port;
    /* Datagram arrived: data at the payload, l3 and l4 marked.  Takes a ref if kept. */
    void (*receive)(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source,
                    uint16_t source_port);
    /* ICMP error for a datagram this connected PCB sent (errno value). */
    void (*error)(struct udp_pcb *pcb, int error);
    void *owner;                            /* the socket */
    struct list_node node;
};

void udp_pcb_init(struct udp_pcb *pcb);
/* port 0 picks an ephemeral port.  -EADDRINUSE, -EADDRNOTAVAIL. */
int udp_bind(struct udp_pcb *pcb, uint32_t address, uint16_t port);
/* Binds an unbound pcb to an ephemeral port on the local address it kept
 * (Linux's inet_autobind); 0 at once if it is bound. */
int udp_autobind(struct udp_pcb *pcb);
int udp_connect(struct udp_pcb *pcb, uint32_t address, uint16_t port);
/* Forgets the peer, and the local address and port unless bind named them. */
void udp_disconnect(struct udp_pcb *pcb);
/* Takes pcb off the bound list (if it is on it): it is unbound again. */
void udp_pcb_remove(struct udp_pcb *pcb);
/* Sends payload (data at payload, PBUF_TRANSPORT headroom); consumes it. */
struct ip_output_options;
int udp_send(struct udp_pcb *pcb, struct pbuf *payload, uint32_t destination,
             uint16_t destination_port, const struct ip_output_options *options);
size_t udp_pcb_format(char *buffer, size_t size);     /* /proc/net/udp */
void udp_init(void);

#endif
