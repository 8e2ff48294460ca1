/*
 * AF_INET SOCK_RAW sockets (raw(7)).  Each socket is an IP raw listener: it
 * keeps a reference to every locally delivered datagram of its protocol
 * (matching its bound and connected addresses) and returns it with the IP
 * header, as ping expects.  IPPROTO_RAW sockets only send, with the header
 * included; IP_HDRINCL gives any raw socket that.  ICMP_FILTER (SOL_RAW)
 * drops ICMP types a socket does not want.
 */
#include "datagram.h"
#include "inet.h"
#include <ip/ip.h>
#include <netif/port.h>
#include <linux/in.h>

struct raw_socket {
    struct socket *socket;
    struct ip_raw_listener listener;
    struct socket_queue queue;
    struct inet_options inet;
    uint32_t local_address, remote_address;   /* bind / connect; 0 = any */
    uint32_t icmp_filter;                     /* ICMP_FILTER: bit n drops type n */
};

static struct raw_socket *raw_of(struct socket *socket) { return socket->private; }

static bool raw_wants(struct raw_socket *raw, const struct ip_header *ip, size_t length)
{
    if (ip->protocol != raw->socket->protocol)
        return false;
    if (raw->local_address && ip->destination != raw->local_address)
        return false;
    if (raw->remote_address && ip->source != raw->remote_address)
        return false;
    if (ip->protocol == IPPROTO_ICMP) {
        size_t header_length = (size_t)(ip->version_and_header_length & 0xf) * 4;
        if (length > header_length) {
            uint8_t type = ((const uint8_t *)ip)[header_length];
            if (type < 32 && (raw->icmp_filter & (1u << type)))
                return false;
        }
    }
    return true;
}

static bool raw_datagram(struct ip_raw_listener *listener, struct pbuf *datagram)
{
    struct raw_socket *raw = container_of(listener, struct raw_socket, listener);
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(datagram);
    size_t length = (size_t)(datagram->tail - pbuf_l3(datagram));
    if (length < sizeof(*ip))
        return false;
    length = MIN(length, (size_t)net_ntohs(ip->total_length));
    if (!raw_wants(raw, ip, length))
        return false;
    /* A socket filter sees the IP header on, and keeps at least a byte (raw_rcv_skb). */
    length = socket_filter_run_ip(raw->socket, datagram, (const uint8_t *)ip, (uint32_t)length, 1);
    if (!length)
        return false;
    struct socket_packet info = {
        .offset = datagram->l3_offset,
        .length = (uint16_t)length,
        .source = ip->source,
        .destination = ip->destination,
        .ifindex = datagram->netif ? datagram->netif->index : 0,
    };
    if (!socket_queue_push(&raw->queue, datagram, &info, (size_t)raw->socket->receive_buffer))
        return false;
    socket_wake(raw->socket);
    return true;
}

static int raw_create(struct socket *socket)
{
    struct raw_socket *raw = net_zalloc(sizeof(*raw));
    if (!raw)
        return -ENOMEM;
    raw->socket = socket;
    socket_queue_init(&raw->queue);
    /* IPPROTO_RAW implies IP_HDRINCL and receives nothing (raw(7)). */
    inet_options_init(&raw->inet);
    raw->inet.header_included = socket->protocol == IPPROTO_RAW;
    raw->listener.datagram = raw_datagram;
    if (socket->protocol != IPPROTO_RAW)
        ip_raw_listener_add(&raw->listener);
    socket->private = raw;
    return 0;
}

static void raw_close(struct socket *socket)
{
    struct raw_socket *raw = raw_of(socket);
    if (socket->protocol != IPPROTO_RAW)
        ip_raw_listener_remove(&raw->listener);
    socket_queue_clear(&raw->queue);
    inet_options_release(&raw->inet);
    net_free(raw);
}

static int raw_bind(struct socket *socket, const void *address, size_t length)
{
    struct sockaddr_inet inet;
    int error = inet_address_from(address, length, &inet);
    if (error)
        return error;
    if (inet.address != IP_ADDRESS_ANY && !ip_address_is_local(NULL, inet.address))
        return -EADDRNOTAVAIL;
    raw_of(socket)->local_address = inet.address;
    return 0;
}

static int raw_connect(struct socket *socket, const void *address, size_t length)
{
    struct raw_socket *raw = raw_of(socket);
    struct sockaddr_inet inet;
    if (length >= sizeof(uint16_t) && ((const struct sockaddr_inet *)address)->family == AF_UNSPEC) {
        raw->remote_address = 0;
        return 0;
    }
    int error = inet_address_from(address, length, &inet);
    if (error)
        return error;
    uint32_t source;
    if ((error = inet_route_source(socket, inet.address, &source)))
        return error;
    raw->remote_address = inet.address;
    return 0;
}

static int raw_getsockname(struct socket *socket, void *address, size_t *length)
{
    return inet_address_to(address, length, raw_of(socket)->local_address, 0);
}

static int raw_getpeername(struct socket *socket, void *address, size_t *length)
{
    struct raw_socket *raw = raw_of(socket);
    if (!raw->remote_address)
        return -ENOTCONN;
    return inet_address_to(address, length, raw->remote_address, 0);
}

static ssize_t raw_sendmsg(struct socket *socket, struct socket_message *message)
{
    struct raw_socket *raw = raw_of(socket);
    uint32_t destination = raw->remote_address;
    if (message->address_length) {
        struct sockaddr_inet inet;
        int error = inet_address_from(message->address, message->address_length, &inet);
        if (error)
            return error;
        destination = inet.address;
    } else if (!destination) {
        return -EDESTADDRREQ;
    }
    bool header_included = raw->inet.header_included;
    if (message->length > 65535 - (header_included ? 0 : sizeof(struct ip_header)))
        return -EMSGSIZE;
    if (header_included && message->length < sizeof(struct ip_header))
        return -EINVAL;
    if (destination == IP_ADDRESS_BROADCAST && !socket->broadcast)
        return -EACCES;
    struct pbuf *packet = pbuf_alloc(header_included ? PBUF_IP : PBUF_TRANSPORT, message->length);
    if (!packet)
        return -ENOBUFS;
    if (socket_message_copy_in(message, packet->data, message->length)) {
        pbuf_put(packet);
        return -EFAULT;
    }
    struct ip_output_options options;
    inet_output_options(socket, &raw->inet, destination, &options);
    int error;
    if (header_included) {
        /* raw(7): the destination given wins over the header's. */
        ((struct ip_header *)packet->data)->destination = destination;
        error = ip_output_header_included(packet, &options);
    } else {
        error = ip_output(packet, raw->local_address, destination, (uint8_t)socket->protocol,
                          &options);
    }
    return error ? error : (ssize_t)message->length;
}

static ssize_t raw_recvmsg(struct socket *socket, struct socket_message *message)
{
    struct raw_socket *raw = raw_of(socket);
    struct socket_packet *packet;
    int error = datagram_wait(socket, &raw->queue, message, &packet);
    if (error || !packet)
        return error;
    size_t length = sizeof(message->address);
    inet_address_to(message->address, &length, packet->source, 0);
    message->address_length = length;
    inet_control_messages(&raw->inet, packet, message);
    return datagram_deliver(&raw->queue, packet, message);
}

static int raw_setsockopt(struct socket *socket, int level, int name, const void *value,
                          size_t length)
{
    struct raw_socket *raw = raw_of(socket);
    if (level == SOL_IP)
        return inet_option_set(&raw->inet, name, value, length);
    if (level == SOL_RAW && name == ICMP_FILTER) {
        if (socket->protocol != IPPROTO_ICMP)
            return -EOPNOTSUPP;
        if (length < sizeof(raw->icmp_filter))
            return -EINVAL;
        memcpy(&raw->icmp_filter, value, sizeof(raw->icmp_filter));
        return 0;
    }
    return -ENOPROTOOPT;
}

static int raw_getsockopt(struct socket *socket, int level, int name, void *value, size_t *length)
{
    struct raw_socket *raw = raw_of(socket);
    if (level == SOL_IP)
        return inet_option_get(&raw->inet, name, value, length);
    if (level == SOL_RAW && name == ICMP_FILTER) {
        if (socket->protocol != IPPROTO_ICMP)
            return -EOPNOTSUPP;
        *length = MIN(*length, sizeof(raw->icmp_filter));
        memcpy(value, &raw->icmp_filter, *length);
        return 0;
    }
    return inet_getsockopt_unknown(level, SOL_RAW);
}

static int raw_shutdown(struct socket *socket, int how)
{
    socket->shut_read |= how != SHUT_WR;
    socket->shut_write |= how != SHUT_RD;
    return raw_of(socket)->remote_address ? 0 : -ENOTCONN;
}

static unsigned raw_poll(struct socket *socket)
{
    return datagram_poll(socket, &raw_of(socket)->queue);
}

static long raw_ioctl(struct socket *socket, unsigned command, uint64_t argument)
{
    return datagram_ioctl(&raw_of(socket)->queue, command, argument);
}

const socket_op_t raw_socket_operations = {
    .socket = raw_create,
    .close = raw_close,
    .bind = raw_bind,
    .connect = raw_connect,
    .shutdown = raw_shutdown,
    .getsockname = raw_getsockname,
    .getpeername = raw_getpeername,
    .getsockopt = raw_getsockopt,
    .setsockopt = raw_setsockopt,
    .sendmsg = raw_sendmsg,
    .recvmsg = raw_recvmsg,
    .poll = raw_poll,
    .ioctl = raw_ioctl,
};
