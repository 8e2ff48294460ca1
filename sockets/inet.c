/* AF_INET helpers shared by the udp and raw kinds; see inet.h and ip(7). */
#include "inet.h"
#include <ip/ip.h>
#include <netif/netif.h>
#include <linux/in.h>

int inet_address_from(const void *address, size_t length, struct sockaddr_inet *inet)
{
    if (length < sizeof(*inet))
        return -EINVAL;
    memcpy(inet, address, sizeof(*inet));
    if (inet->family != AF_INET)
        return -EAFNOSUPPORT;
    return 0;
}

int inet_address_to(void *address, size_t *length, uint32_t ip_address, uint16_t port)
{
    struct sockaddr_inet inet = { .family = AF_INET, .port = port, .address = ip_address };
    memcpy(address, &inet, sizeof(inet));
    *length = sizeof(inet);
    return 0;
}

void inet_destination_this_host(struct socket *socket, void *address, size_t length)
{
    struct sockaddr_inet inet, own = { 0 };
    if (length < sizeof(inet))
        return;
    memcpy(&inet, address, sizeof(inet));
    if (inet.family != AF_INET || inet.address != IP_ADDRESS_ANY)
        return;
    uint8_t name[SOCKET_ADDRESS_MAX];
    size_t name_length = sizeof(name);
    if (socket->ops->getsockname && !socket->ops->getsockname(socket, name, &name_length) &&
        name_length >= sizeof(own))
        memcpy(&own, name, sizeof(own));
    /* A socket bound to a group or a broadcast has no source address of its
     * own (Linux's inet_bind leaves inet_saddr 0). */
    bool unicast = own.address && !ip_address_is_multicast(own.address) &&
                   !ip_address_is_broadcast(NULL, own.address);
    inet.address = unicast ? own.address : net_htonl(0x7f000001);   /* INADDR_LOOPBACK */
    memcpy(address, &inet, sizeof(inet));
}

int inet_route_source(struct socket *socket, uint32_t destination, uint32_t *source)
{
    struct netif *netif;
    uint32_t next_hop;
    return ip_route_lookup_on(socket->bound_interface, destination, &netif, &next_hop, source);
}

void inet_options_init(struct inet_options *inet)
{
    inet->multicast_ttl = 1;
    inet->multicast_loop = true;
    inet->multicast_all = true;
}

void inet_output_options(struct socket *socket, const struct inet_options *inet,
                         uint32_t destination, struct ip_output_options *options)
{
    bool group = ip_address_is_multicast(destination);
    *options = (struct ip_output_options){
        .ttl = (uint8_t)(group ? inet->multicast_ttl : inet->ttl),
        .type_of_service = inet->type_of_service,
        .dont_fragment = inet->mtu_discover == IP_PMTUDISC_DO,
        .allow_broadcast = socket->broadcast,
        .bound_interface = socket->bound_interface,
    };
    /* Linux's udp_sendmsg: a group goes by IP_MULTICAST_IF's interface
     * unless the socket is bound to one. */
    if (group && !options->bound_interface)
        options->bound_interface = inet->multicast_interface;
}

int inet_option_set(struct inet_options *inet, int name, const void *value, size_t length)
{
    if (inet_multicast_structure_option(name))
        return inet_multicast_option_set(inet, name, value, length);
    int number;
    int error = socket_option_int(value, length, &number);
    if (error)
        return error;
    switch (name) {
    case IP_TTL:
        if (number == -1)
            number = 0;
        else if (number < 1 || number > 255)
            return -EINVAL;
        inet->ttl = number;
        return 0;
    case IP_TOS: inet->type_of_service = (uint8_t)number; return 0;
    case IP_HDRINCL: inet->header_included = number != 0; return 0;
    case IP_PKTINFO: inet->packet_info = number != 0; return 0;
    case IP_RECVERR: inet->receive_error = number != 0; return 0;
    case IP_RECVTTL: inet->receive_ttl = number != 0; return 0;
    case IP_MTU_DISCOVER:
        if (number < IP_PMTUDISC_DONT || number > IP_PMTUDISC_OMIT)
            return -EINVAL;
        inet->mtu_discover = number;
        return 0;
    case IP_MULTICAST_TTL:
        if (number == -1)
            number = 1;
        if (number < 0 || number > 255)
            return -EINVAL;
        inet->multicast_ttl = number;
        return 0;
    case IP_MULTICAST_LOOP: inet->multicast_loop = number != 0; return 0;
    case IP_MULTICAST_ALL:
        if (number != 0 && number != 1)
            return -EINVAL;
        inet->multicast_all = number;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int inet_option_get(const struct inet_options *inet, int name, void *value, size_t *length)
{
    int number;
    switch (name) {
    case IP_TTL: number = inet->ttl ? inet->ttl : IP_DEFAULT_TTL; break;
    case IP_TOS: number = inet->type_of_service; break;
    case IP_HDRINCL: number = inet->header_included; break;
    case IP_PKTINFO: number = inet->packet_info; break;
    case IP_RECVERR: number = inet->receive_error; break;
    case IP_RECVTTL: number = inet->receive_ttl; break;
    case IP_MTU_DISCOVER: number = inet->mtu_discover; break;
    case IP_MULTICAST_TTL: number = inet->multicast_ttl; break;
    case IP_MULTICAST_LOOP: number = inet->multicast_loop; break;
    case IP_MULTICAST_ALL: number = inet->multicast_all; break;
    case IP_MULTICAST_IF:
        /* in_addr, not int (Linux's do_ip_getsockopt) */
        *length = MIN(*length, sizeof(inet->multicast_address));
        memcpy(value, &inet->multicast_address, *length);
        return 0;
    default: return -ENOPROTOOPT;
    }
    *length = MIN(*length, sizeof(number));
    memcpy(value, &number, *length);
    return 0;
}

int inet_getsockopt_unknown(int level, int transport_level)
{
    return level == SOL_SOCKET || level == SOL_IP || level == transport_level ? -ENOPROTOOPT
                                                                              : -EOPNOTSUPP;
}

void inet_control_messages(const struct inet_options *inet, const struct socket_packet *packet,
                           struct socket_message *message)
{
    if (inet->packet_info) {
        struct netif *netif = netif_by_index(packet->ifindex);
        struct inet_packet_info info = {
            .ifindex = packet->ifindex,
            .local_address = netif ? netif->ipv4_address : 0,
            .destination = packet->destination,
        };
        socket_message_control(message, SOL_IP, IP_PKTINFO, &info, sizeof(info));
    }
    if (inet->receive_ttl) {
        const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet->pbuf);
        int ttl = ip->time_to_live;
        socket_message_control(message, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
    }
}
