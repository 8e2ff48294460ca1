/*
 * The routing table: connected routes (added with an interface address) and
 * static ones (SIOCADDRT), looked up by longest prefix match (RFC 1812
 * 5.2.4.3), ties broken by the lowest metric.  Local addresses and 127/8
 * route to the loopback netif, as Linux's "local" table does; those implicit
 * routes are not listed, so /proc/net/route shows what Linux's main table does.
 *
 * Invariant: routes are sorted by destination, then by prefix length
 * (/proc/net/route's order); destination has no bits outside netmask.
 */
#include "ip_private.h"

static struct list_node routes = LIST_HEAD_INIT(routes);

struct list_node *ip_route_list(void)
{
    return &routes;
}

static int prefix_length(uint32_t netmask)
{
    return __builtin_popcount(netmask);
}

/* A netmask is contiguous ones from the top. */
static bool netmask_valid(uint32_t netmask)
{
    uint32_t mask = net_ntohl(netmask);
    return (mask | (mask - 1)) == 0xffffffffu || mask == 0;
}

struct netif *ip_loopback_netif(void)
{
    list_for_each(node, netif_list()) {
        struct netif *netif = container_of(node, struct netif, node);
        if (netif->type == NETIF_TYPE_LOOPBACK)
            return netif;
    }
    return NULL;
}

static struct ip_route *find(uint32_t destination, uint32_t netmask, uint32_t gateway)
{
    list_for_each(node, &routes) {
        struct ip_route *route = container_of(node, struct ip_route, node);
        if (route->destination == destination && route->netmask == netmask &&
            (!gateway || route->gateway == gateway))
            return route;
    }
    return NULL;
}

int ip_route_add(uint32_t destination, uint32_t netmask, uint32_t gateway, struct netif *netif,
                 uint32_t metric)
{
    if (!netmask_valid(netmask) || (destination & ~netmask))
        return -EINVAL;
    if (gateway) {
        /* The gateway must be on a connected network (Linux: ENETUNREACH). */
        struct netif *gateway_netif;
        uint32_t next_hop, source;
        if (ip_route_lookup_on(netif ? netif->index : 0, gateway, &gateway_netif, &next_hop,
                               &source) ||
            next_hop != gateway || gateway_netif->type == NETIF_TYPE_LOOPBACK)
            return -ENETUNREACH;
        netif = gateway_netif;
    }
    if (!netif)
        return -ENODEV;
    list_for_each(node, &routes) {
        struct ip_route *route = container_of(node, struct ip_route, node);
        if (route->destination == destination && route->netmask == netmask &&
            route->metric == metric)
            return -EEXIST;
    }
    struct ip_route *route = net_zalloc(sizeof(*route));
    if (!route)
        return -ENOMEM;
    route->destination = destination;
    route->netmask = netmask;
    route->gateway = gateway;
    route->netif = netif;
    route->metric = metric;
    struct list_node *position = &routes;
    list_for_each(node, &routes) {
        struct ip_route *other = container_of(node, struct ip_route, node);
        if (net_ntohl(other->destination) > net_ntohl(destination) ||
            (other->destination == destination &&
             prefix_length(other->netmask) > prefix_length(netmask))) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &route->node);
    return 0;
}

int ip_route_delete(uint32_t destination, uint32_t netmask, uint32_t gateway)
{
    struct ip_route *route = find(destination, netmask, gateway);
    if (!route)
        return -ESRCH;
    list_remove(&route->node);
    net_free(route);
    return 0;
}

/* LAB(ip) BEGIN: what ip_route_lookup_on needs besides the table: the interface a
 * limited broadcast (255.255.255.255) leaves by when no route matches it. */
/* Limited broadcast with no route: the first interface that is up and
 * addressed (RFC 1122 3.3.6 leaves the choice to the host). */
static int limited_broadcast_route(int ifindex, uint32_t destination, struct netif **netif,
                                   uint32_t *next_hop, uint32_t *source)
{
    if (destination != IP_ADDRESS_BROADCAST)
        return -ENETUNREACH;
    list_for_each(node, netif_list()) {
        struct netif *candidate = container_of(node, struct netif, node);
        if ((candidate->flags & NETIF_UP) && candidate->ipv4_address &&
            candidate->type != NETIF_TYPE_LOOPBACK && (!ifindex || ifindex == candidate->index)) {
            *netif = candidate;
            *next_hop = destination;
            *source = candidate->ipv4_address;
            return 0;
        }
    }
    return -ENETUNREACH;
}
/* LAB(ip) END */

int ip_route_lookup_on(int ifindex, uint32_t destination, struct netif **netif,
                       uint32_t *next_hop, uint32_t *source)
{
    /* LAB(ip) BEGIN: unless bound to an interface (ifindex != 0), 127/8 and our own
     * unicast addresses go to lo (ip_loopback_netif), from 127.0.0.1 or from the
     * address itself; otherwise the route with the longest prefix matching the
     * destination (RFC 1812 5.2.4.3), the lowest metric among equal prefixes, over
     * interfaces that are up, only the bound interface's when ifindex != 0; the next
     * hop is its gateway, or the destination itself on a connected route (RFC 1122
     * 3.3.1.1); the source is the interface's address.  No route: a limited broadcast
     * still leaves by the first addressed interface (or the bound one), else
     * -ENETUNREACH.  A multicast destination on a named interface needs no route: it
     * leaves by that interface (if up), to the group itself. */
    struct netif *named = ifindex ? netif_by_index(ifindex) : NULL;
    if (named && (named->flags & NETIF_UP) && ip_address_is_multicast(destination)) {
        /* IP_MULTICAST_IF, IGMP: as Linux's ip_route_output_key_hash_rcu */
        *netif = named;
        *next_hop = destination;
        *source = named->ipv4_address;
        return 0;
    }
    struct netif *loopback = ip_loopback_netif();
    if (loopback && !ifindex &&
        (ip_address_is_loopback(destination) ||
         (destination != IP_ADDRESS_ANY && ip_address_is_local(NULL, destination) &&
          !ip_address_is_broadcast(NULL, destination)))) {
        *netif = loopback;
        *next_hop = destination;
        *source = ip_address_is_loopback(destination) ? loopback->ipv4_address : destination;
        return 0;
    }
    struct ip_route *best = NULL;
    list_for_each(node, &routes) {
        struct ip_route *route = container_of(node, struct ip_route, node);
        if ((destination & route->netmask) != route->destination ||
            !(route->netif->flags & NETIF_UP) ||
            (ifindex && route->netif->index != ifindex))
            continue;
        if (!best || prefix_length(route->netmask) > prefix_length(best->netmask) ||
            (route->netmask == best->netmask && route->metric < best->metric))
            best = route;
    }
    if (!best)
        return limited_broadcast_route(ifindex, destination, netif, next_hop, source);
    *netif = best->netif;
    *next_hop = best->gateway ? best->gateway : destination;
    *source = best->netif->ipv4_address;
    return 0;
    /* LAB(ip) STUB
     * (void)ifindex, (void)destination, (void)netif, (void)next_hop, (void)source;
     * return -ENETUNREACH;
     * LAB(ip) END */
}

int ip_route_lookup(uint32_t destination, struct netif **netif, uint32_t *next_hop,
                    uint32_t *source)
{
    return ip_route_lookup_on(0, destination, netif, next_hop, source);
}

/* Linux's route flags (route(8)): up, via a gateway, a host route. */
enum { RTF_UP = 0x1, RTF_GATEWAY = 0x2, RTF_HOST = 0x4 };

/* Linux pads each line of /proc/net/route to 127 characters (fib_route_seq_show). */
static size_t append_padded(char *buffer, size_t size, size_t used, const char *line)
{
    size_t length = strlen(line);
    for (size_t i = 0; i < 128; i++) {
        char c = i < length ? line[i] : i < 127 ? ' ' : '\n';
        if (used + 1 < size)
            buffer[used] = c;
        used++;
    }
    if (size)
        buffer[MIN(used, size - 1)] = 0;
    return used;
}

/* Addresses print as Linux prints the raw network-order word: %08X on a
 * little-endian machine, so 10.0.2.2 shows as 0202000A. */
size_t ip_route_format(char *buffer, size_t size)
{
    char line[128];
    size_t used = append_padded(buffer, size, 0,
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    list_for_each(node, &routes) {
        struct ip_route *route = container_of(node, struct ip_route, node);
        unsigned flags = RTF_UP | (route->gateway ? RTF_GATEWAY : 0) |
                         (route->netmask == 0xffffffffu ? RTF_HOST : 0);
        snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t0\t0\t%u\t%08X\t0\t0\t0",
                 route->netif->name, route->destination, route->gateway, flags,
                 route->metric, route->netmask);
        used = append_padded(buffer, size, used, line);
    }
    return used;
}
