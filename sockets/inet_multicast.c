/*
 * A socket's multicast memberships and its IP_MULTICAST_IF (ip(7)), with
 * Linux's argument rules and errors (ip_mc_join_group, ip_mc_leave_group,
 * do_ip_setsockopt).  The interface's own membership, and IGMP, are
 * igmp/igmp.h's: each socket membership is one user of the group there.
 */
#include "inet.h"
#include <igmp/igmp.h>
#include <ip/ip.h>
#include <linux/in.h>

/* struct ip_mreqn, which starts as struct ip_mreq does. */
struct membership_request {
    uint32_t group, address;
    int32_t ifindex;
};

/* struct group_req on a 64-bit ABI: the sockaddr_storage is 8-aligned. */
struct group_request {
    uint32_t interface;
    uint32_t padding;
    struct sockaddr_inet group;
    uint8_t rest[128 - sizeof(struct sockaddr_inet)];
};

bool inet_multicast_structure_option(int name)
{
    return name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP || name == MCAST_JOIN_GROUP ||
           name == MCAST_LEAVE_GROUP || name == IP_MULTICAST_IF;
}

static struct netif *netif_with_address(uint32_t address)
{
    list_for_each(node, netif_list()) {
        struct netif *netif = container_of(node, struct netif, node);
        if (netif->ipv4_address == address)
            return netif;
    }
    return NULL;
}

/* Linux's ip_mc_find_dev: the index, else the address, else the route to
 * the group names the interface. */
static struct netif *interface_of(const struct membership_request *request)
{
    if (request->ifindex)
        return netif_by_index(request->ifindex);
    if (request->address)
        return netif_with_address(request->address);
    struct netif *netif;
    uint32_t next_hop, source;
    return ip_route_lookup(request->group, &netif, &next_hop, &source) ? NULL : netif;
}

static int join(struct inet_options *inet, const struct membership_request *request)
{
    if (!ip_address_is_multicast(request->group))
        return -EINVAL;
    struct netif *netif = interface_of(request);
    if (!netif)
        return -ENODEV;
    for (unsigned i = 0; i < inet->membership_count; i++)
        if (inet->memberships[i].group == request->group &&
            inet->memberships[i].ifindex == netif->index)
            return -EADDRINUSE;
    if (inet->membership_count == INET_MEMBERSHIPS_MAX)
        return -ENOBUFS;
    int error = igmp_join(netif, request->group);
    if (error)
        return error;
    inet->memberships[inet->membership_count++] = (struct inet_membership){
        .group = request->group, .address = request->address, .ifindex = netif->index,
    };
    return 0;
}

static void drop(struct inet_options *inet, unsigned i)
{
    struct netif *netif = netif_by_index(inet->memberships[i].ifindex);
    if (netif)
        igmp_leave(netif, inet->memberships[i].group);
    inet->memberships[i] = inet->memberships[--inet->membership_count];
}

/* Linux's ip_mc_leave_group: the membership is found by the index asked,
 * else by the address asked; with neither and no route, ENODEV. */
static int leave(struct inet_options *inet, const struct membership_request *request)
{
    if (!request->ifindex && !request->address && !interface_of(request))
        return -ENODEV;
    for (unsigned i = 0; i < inet->membership_count; i++) {
        const struct inet_membership *membership = &inet->memberships[i];
        if (membership->group != request->group ||
            (request->ifindex && membership->ifindex != request->ifindex) ||
            (!request->ifindex && request->address && membership->address != request->address))
            continue;
        drop(inet, i);
        return 0;
    }
    return -EADDRNOTAVAIL;
}

void inet_options_release(struct inet_options *inet)
{
    while (inet->membership_count)
        drop(inet, inet->membership_count - 1);
}

/* IP_MULTICAST_IF takes an in_addr, an ip_mreq or an ip_mreqn. */
static int set_interface(struct inet_options *inet, const struct membership_request *request)
{
    struct netif *netif;
    if (request->ifindex) {
        netif = netif_by_index(request->ifindex);
    } else if (!request->address) {
        inet->multicast_interface = 0;
        inet->multicast_address = 0;
        return 0;
    } else {
        netif = netif_with_address(request->address);
    }
    if (!netif)
        return -EADDRNOTAVAIL;
    inet->multicast_interface = netif->index;
    inet->multicast_address = request->address;
    return 0;
}

int inet_multicast_option_set(struct inet_options *inet, int name, const void *value,
                              size_t length)
{
    struct membership_request request = { 0 };
    if (name == MCAST_JOIN_GROUP || name == MCAST_LEAVE_GROUP) {
        struct group_request group;
        if (length < sizeof(group))
            return -EINVAL;
        memcpy(&group, value, sizeof(group));
        if (group.group.family != AF_INET)
            return -EINVAL;
        request.group = group.group.address;
        request.ifindex = (int32_t)group.interface;
        return name == MCAST_JOIN_GROUP ? join(inet, &request) : leave(inet, &request);
    }
    if (name == IP_MULTICAST_IF) {
        if (length < sizeof(uint32_t))
            return -EINVAL;
        if (length >= sizeof(request))
            memcpy(&request, value, sizeof(request));
        else if (length >= 2 * sizeof(uint32_t))
            memcpy(&request.address, (const uint8_t *)value + sizeof(uint32_t), sizeof(uint32_t));
        else
            memcpy(&request.address, value, sizeof(uint32_t));
        return set_interface(inet, &request);
    }
    /* IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP: an ip_mreq, or an ip_mreqn. */
    if (length < 2 * sizeof(uint32_t))
        return -EINVAL;
    memcpy(&request, value, MIN(length, sizeof(request)));
    return name == IP_ADD_MEMBERSHIP ? join(inet, &request) : leave(inet, &request);
}

bool inet_multicast_accepts(const struct inet_options *inet, uint32_t group, int ifindex)
{
    for (unsigned i = 0; i < inet->membership_count; i++)
        if (inet->memberships[i].group == group && inet->memberships[i].ifindex == ifindex)
            return true;
    return inet->multicast_all;
}
