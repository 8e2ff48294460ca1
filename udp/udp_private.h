/* UDP's internals, shared by the files of udp/ only. */
#ifndef UDP_UDP_PRIVATE_H
#define UDP_UDP_PRIVATE_H
#include "udp.h"

#define UDP_HEADER_SIZE 8
/* Linux's default net.ipv4.ip_local_port_range. */

/* The PCB that should receive a datagram to local from remote, or NULL. */
struct udp_pcb *udp_pcb_lookup(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port);
/* Every bound PCB, for broadcast delivery and the ICMP error lookup. */
struct list_node *udp_pcb_list(void);
/* Does pcb accept a datagram to local from remote (wildcards match anything)? */
bool udp_pcb_matches(const struct udp_pcb *pcb, uint32_t local_address, uint16_t local_port,
                     uint32_t remote_address, uint16_t remote_port);

#endif
