/*
 * Interface and routing ioctls on any socket (netdevice(7), route(8)'s
 * SIOCADDRT): what ifconfig, route, arping and udhcpc ask.  Addresses come
 * and go as struct sockaddr_in in network order, as on Linux.
 */
#include "socket.h"
#include <ip/ip.h>
#include <netif/port.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#define INTERFACE_QUEUE_LENGTH 1000     /* txqueuelen Linux gives both eth0 and lo */
#define INTERFACE_FLAGS_SETTABLE (NETIF_UP | NETIF_PROMISC)

static void address_put(struct sockaddr_generic *generic, uint32_t address)
{
    struct sockaddr_inet inet = { .family = AF_INET, .address = address };
    memcpy(generic, &inet, sizeof(inet));
}

static int address_get(const struct sockaddr_generic *generic, uint32_t *address)
{
    struct sockaddr_inet inet;
    memcpy(&inet, generic, sizeof(inet));
    if (inet.family != AF_INET)
        return -EINVAL;
    *address = inet.address;
    return 0;
}

/* RFC 791 class mask, which Linux's SIOCSIFADDR gives a new address (SIOCSIFNETMASK follows). */
static uint32_t class_netmask(uint32_t address)
{
    uint8_t first = (uint8_t)(net_ntohl(address) >> 24);
    return net_htonl(first < 128 ? 0xff000000u : first < 192 ? 0xffff0000u : 0xffffff00u);
}

static long interface_configuration(uint64_t argument)
{
    struct interface_configuration configuration;
    if (socket_copy_from_user(&configuration, (void *)argument, sizeof(configuration)))
        return -EFAULT;
    int used = 0;
    list_for_each(node, netif_list()) {
        struct netif *netif = container_of(node, struct netif, node);
        if (!netif->ipv4_address)
            continue;   /* Linux lists addresses: an interface without one is absent */
        struct interface_request request = { 0 };
        if (configuration.buffer) {
            if (used + (int)sizeof(request) > configuration.length)
                break;
            snprintf(request.name, sizeof(request.name), "%s", netif->name);
            address_put(&request.address, netif->ipv4_address);
            if (socket_copy_to_user((uint8_t *)configuration.buffer + used, &request, sizeof(request)))
                return -EFAULT;
        }
        used += (int)sizeof(request);
    }
    return socket_copy_to_user(&((struct interface_configuration *)argument)->length, &used,
                               sizeof(used));
}

static long route_change(unsigned command, uint64_t argument)
{
    struct route_entry entry;
    uint32_t destination, gateway = 0, netmask = 0;
    if (socket_copy_from_user(&entry, (void *)argument, sizeof(entry)))
        return -EFAULT;
    if (address_get(&entry.destination, &destination))
        return -EINVAL;
    if ((entry.flags & ROUTE_GATEWAY) && address_get(&entry.gateway, &gateway))
        return -EINVAL;
    if (!(entry.flags & ROUTE_HOST) && entry.netmask.family == AF_INET)
        address_get(&entry.netmask, &netmask);
    if (entry.flags & ROUTE_HOST)
        netmask = IP_ADDRESS_BROADCAST;
    if (command == SIOCDELRT)
        return ip_route_delete(destination, netmask, gateway);
    struct netif *netif = NULL;
    if (entry.device) {
        char name[NETIF_NAME_SIZE];
        long length = socket_string_from_user(name, (const char *)entry.device, sizeof(name));
        if (length < 0)
            return length == -ENAMETOOLONG ? -ENODEV : length;
        if (!(netif = netif_by_name(name)))
            return -ENODEV;
    } else {
        /* No device named: the one the gateway (or destination) is reached by. */
        uint32_t next_hop, source;
        if (ip_route_lookup(gateway ? gateway : destination, &netif, &next_hop, &source))
            return -ENETUNREACH;
    }
    uint32_t metric = entry.metric > 0 ? (uint32_t)entry.metric - 1 : 0;
    return ip_route_add(destination & netmask, netmask, gateway, netif, metric);
}

/*
 * SIOCETHTOOL: only ETHTOOL_GET_TS_INFO, which libpcap asks of every
 * interface it opens.  The answer is Linux's ethtool_op_get_ts_info, which
 * lo and virtio-net use: software time stamps, no PTP clock.  Any other
 * command: EOPNOTSUPP, Linux's answer when the driver lacks the operation.
 */
static long interface_ethtool(uint64_t user_command)
{
    uint32_t command;
    if (socket_copy_from_user(&command, (uint32_t *)user_command, sizeof(command)))
        return -EFAULT;
    if (command != ETHTOOL_GET_TS_INFO)
        return -EOPNOTSUPP;
    struct ethtool_ts_info info = {
        .cmd = command,
        .so_timestamping = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
                           SOF_TIMESTAMPING_SOFTWARE,
        .phc_index = -1,
    };
    return socket_copy_to_user((void *)user_command, &info, sizeof(info));
}

/* The ifreq requests; netif has been found by name (or by index for SIOCGIFNAME). */
static long interface_request(unsigned command, struct netif *netif,
                              struct interface_request *request, bool *write_back)
{
    uint32_t address;
    *write_back = true;
    switch (command) {
    case SIOCGIFFLAGS: request->flags = (int16_t)netif_flags(netif); return 0;
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:   /* not point-to-point: the peer is the address itself */
        if (!netif->ipv4_address)
            return -EADDRNOTAVAIL;
        address_put(&request->address, netif->ipv4_address);
        return 0;
    case SIOCGIFNETMASK:
        if (!netif->ipv4_address)
            return -EADDRNOTAVAIL;
        address_put(&request->address, netif->ipv4_netmask);
        return 0;
    case SIOCGIFBRDADDR:
        if (!netif->ipv4_address)
            return -EADDRNOTAVAIL;
        address_put(&request->address, netif->ipv4_broadcast);
        return 0;
    case SIOCGIFHWADDR:
        request->address.family = netif->type;
        memset(request->address.data, 0, sizeof(request->address.data));
        memcpy(request->address.data, netif->address, ETHERNET_ADDRESS_SIZE);
        return 0;
    case SIOCGIFINDEX: request->value = netif->index; return 0;
    case SIOCGIFNAME: snprintf(request->name, sizeof(request->name), "%s", netif->name); return 0;
    case SIOCGIFMTU: request->value = (int32_t)netif->mtu; return 0;
    case SIOCGIFMETRIC: request->value = 0; return 0;
    case SIOCGIFTXQLEN: request->value = INTERFACE_QUEUE_LENGTH; return 0;
    case SIOCGIFMAP: memset(&request->map, 0, sizeof(request->map)); return 0;
    case SIOCETHTOOL: *write_back = false; return interface_ethtool(request->data);
    }
    *write_back = false;
    switch (command) {
    case SIOCSIFFLAGS: {
        uint32_t wanted = (uint16_t)request->flags;
        if ((wanted ^ netif->flags) & NETIF_PROMISC)
            netif_promiscuous(netif, wanted & NETIF_PROMISC);
        netif->flags = (netif->flags & ~(uint32_t)NETIF_UP) | (wanted & NETIF_UP);
        return 0;
    }
    case SIOCSIFADDR:
        if (address_get(&request->address, &address))
            return -EINVAL;
        return ip_address_set(netif, address, class_netmask(address));
    case SIOCSIFNETMASK:
        if (address_get(&request->address, &address))
            return -EINVAL;
        if (!netif->ipv4_address)
            return -EADDRNOTAVAIL;
        return ip_address_set(netif, netif->ipv4_address, address);
    case SIOCSIFBRDADDR:
        if (address_get(&request->address, &address))
            return -EINVAL;
        netif->ipv4_broadcast = address;
        return 0;
    case SIOCSIFMTU:
        if (request->value < 68 || request->value > 65535)
            return -EINVAL;
        netif->mtu = (uint32_t)request->value;
        return 0;
    case SIOCSIFMETRIC:
    case SIOCSIFTXQLEN:
    case SIOCSIFMAP:
        return 0;
    default:
        return -EOPNOTSUPP;   /* SIOCSIFHWADDR, SIOCSIFNAME and the rest */
    }
}

static long interface_ioctl(unsigned command, uint64_t argument)
{
    struct interface_request request;
    if (socket_copy_from_user(&request, (void *)argument, sizeof(request)))
        return -EFAULT;
    request.name[INTERFACE_NAME_SIZE - 1] = 0;
    struct netif *netif = command == SIOCGIFNAME ? netif_by_index(request.value)
                                                 : netif_by_name(request.name);
    if (!netif)
        return -ENODEV;
    bool write_back;
    long result = interface_request(command, netif, &request, &write_back);
    if (!result && write_back && socket_copy_to_user((void *)argument, &request, sizeof(request)))
        return -EFAULT;
    return result;
}

long socket_interface_ioctl(unsigned command, uint64_t argument)
{
    long result;
    net_lock();
    switch (command) {
    case SIOCGIFCONF:
        result = interface_configuration(argument);
        break;
    case SIOCADDRT:
    case SIOCDELRT:
        result = route_change(command, argument);
        break;
    case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFADDR: case SIOCSIFADDR:
    case SIOCGIFDSTADDR: case SIOCGIFBRDADDR: case SIOCSIFBRDADDR: case SIOCGIFNETMASK:
    case SIOCSIFNETMASK: case SIOCGIFHWADDR: case SIOCSIFHWADDR: case SIOCGIFINDEX:
    case SIOCGIFNAME: case SIOCGIFMTU: case SIOCSIFMTU: case SIOCGIFMETRIC: case SIOCSIFMETRIC:
    case SIOCGIFTXQLEN: case SIOCSIFTXQLEN: case SIOCGIFMAP: case SIOCSIFMAP: case SIOCETHTOOL:
        result = interface_ioctl(command, argument);
        break;
    default:
        result = -ENOTTY;
        break;
    }
    net_unlock();
    return result;
}
