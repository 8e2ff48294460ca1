/*
 * Interface addresses: which destinations are ours (RFC 1122 3.2.1.3), and
 * setting an address (SIOCSIFADDR/SIOCSIFNETMASK, boot configuration).
 */
#include "ip_private.h"
#include "../arp/arp.h"
#include "../igmp/igmp.h"

static bool is_broadcast_on(const struct netif *netif, uint32_t address)
{
    return netif->ipv4_address != IP_ADDRESS_ANY && netif->ipv4_broadcast == address;
}

bool ip_address_is_broadcast(const struct netif *netif, uint32_t address)
{
    if (address == IP_ADDRESS_BROADCAST)
        return true;
    if (netif)
        return is_broadcast_on(netif, address);
    list_for_each(node, netif_list())
        if (is_broadcast_on(container_of(node, struct netif, node), address))
            return true;
    return false;
}

static bool is_local_on(const struct netif *netif, uint32_t address)
{
    if (netif->type == NETIF_TYPE_LOOPBACK && ip_address_is_loopback(address))
        return true;     /* all of 127/8 is local, as on Linux */
    return (netif->ipv4_address != IP_ADDRESS_ANY && netif->ipv4_address == address) ||
           ip_address_is_broadcast(netif, address);
}

/*
 * A host accepts datagrams for any of its addresses on any interface (the
 * weak host model, RFC 1122 3.3.4.2, as Linux does), and broadcasts and
 * the groups it joined on the interface they arrived on.
 */
bool ip_address_is_local(const struct netif *netif, uint32_t address)
{
    /* RFC 1112 6.2: a datagram to a group is for us on an interface that joined it. */
    if (netif && ip_address_is_multicast(address))
        return igmp_is_member(netif, address);
    if (netif && ip_address_is_broadcast(netif, address))
        return true;
    list_for_each(node, netif_list()) {
        const struct netif *other = container_of(node, struct netif, node);
        if (netif && other != netif && ip_address_is_broadcast(other, address))
            continue;
        if (is_local_on(other, address))
            return true;
    }
    return false;
}

/* Removes the connected routes through netif (its old subnet). */
static void remove_connected_routes(struct netif *netif)
{
    list_for_each_safe(node, ip_route_list()) {
        struct ip_route *route = container_of(node, struct ip_route, node);
        if (route->netif == netif && route->gateway == 0)
            ip_route_delete(route->destination, route->netmask, 0);
    }
}

int ip_address_set(struct netif *netif, uint32_t address, uint32_t netmask)
{
    if (netmask == 0 && address != IP_ADDRESS_ANY) {
        /* SIOCSIFADDR alone: the classful default mask, as Linux picks. */
        uint32_t first = net_ntohl(address) >> 24;
        netmask = net_htonl(first < 128 ? 0xff000000u : first < 192 ? 0xffff0000u : 0xffffff00u);
    }
    remove_connected_routes(netif);
    netif->ipv4_address = address;
    netif->ipv4_netmask = netmask;
    netif->ipv4_broadcast = address == IP_ADDRESS_ANY ? 0 : (address & netmask) | ~netmask;
    if (address == IP_ADDRESS_ANY)
        return 0;
    /* Loopback's 127/8 is implied by ip_route_lookup, not listed (as Linux). */
    if (netif->type != NETIF_TYPE_LOOPBACK) {
        int error = ip_route_add(address & netmask, netmask, 0, netif, 0);
        if (error && error != -EEXIST)
            return error;
        arp_announce(netif);     /* RFC 5227 3: announce the new address */
    }
    return 0;
}
