/*
 * Ephemeral ports for the transports: Linux picks a random start in
 * net.ipv4.ip_local_port_range (32768-60999) and walks the range until the
 * transport says a port is free (__inet_hash_connect, __udp_lib_get_port).
 */
#include "ip.h"

#define EPHEMERAL_FIRST 32768
#define EPHEMERAL_LAST 60999

uint16_t ip_ephemeral_port(bool (*in_use)(const void *pcb, uint32_t address, uint16_t port),
                           const void *pcb, uint32_t address)
{
    uint32_t range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    uint32_t start = net_random32() % range;
    for (uint32_t i = 0; i < range; i++) {
        uint16_t port = net_htons((uint16_t)(EPHEMERAL_FIRST + (start + i) % range));
        if (!in_use(pcb, address, port))
            return port;
    }
    return 0;
}
