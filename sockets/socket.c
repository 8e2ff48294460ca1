/*
 * What every socket kind shares and the host build can run: choosing the
 * kind's table from (family, type, protocol) as Linux's socket(2) does, a
 * socket's creation and end, and the counts /proc/net/sockstat and leak
 * checks read.  The sockfs inode and file behind a socket are the port's
 * (socket_port.h's socket_node_*, socket_fs.c in the kernel).
 */
#include "socket.h"
#include <netif/pbuf.h>
#include <tcp/tcp.h>
#include <linux/in.h>

/* Open sockets, for /proc/net/sockstat and leak checks: all, and by kind. */
static size_t sockets_in_use, sockets_by_kind[5];
enum { KIND_UDP, KIND_RAW, KIND_PACKET, KIND_TCP, KIND_UNIX };

static size_t *kind_count(const struct socket *socket)
{
    if (socket->ops == &udp_socket_operations)
        return &sockets_by_kind[KIND_UDP];
    if (socket->ops == &raw_socket_operations)
        return &sockets_by_kind[KIND_RAW];
    if (socket->ops == &tcp_socket_operations)
        return &sockets_by_kind[KIND_TCP];
    if (socket->ops == &unix_socket_operations)
        return &sockets_by_kind[KIND_UNIX];
    return &sockets_by_kind[KIND_PACKET];
}

static void socket_count(const struct socket *socket, int change)
{
    sockets_in_use += change;
    *kind_count(socket) += change;
}

size_t sockets_open(void)
{
    return sockets_in_use;
}

/*
 * Linux's sockstat lines (TCP inuse counts sockets, alloc them and the
 * orphans; UDPLITE and FRAG read 0 here), then Strata's own: packet
 * sockets and the pbufs alive, which leak tests compare.
 */
size_t socket_statistics_format(char *buffer, size_t size)
{
    size_t orphans, time_wait;
    tcp_pcb_census(&orphans, &time_wait);
    int length = snprintf(buffer, size,
                          "sockets: used %zu\n"
                          "TCP: inuse %zu orphan %zu tw %zu alloc %zu mem 0\n"
                          "UDP: inuse %zu mem 0\n"
                          "UDPLITE: inuse 0\n"
                          "RAW: inuse %zu\n"
                          "FRAG: inuse 0 memory 0\n"
                          "PACKET: inuse %zu\n"
                          "PBUF: inuse %zu\n",
                          sockets_in_use, sockets_by_kind[KIND_TCP], orphans, time_wait,
                          sockets_by_kind[KIND_TCP] + orphans,
                          sockets_by_kind[KIND_UDP], sockets_by_kind[KIND_RAW],
                          sockets_by_kind[KIND_PACKET], pbuf_count());
    return length < 0 ? 0 : (size_t)length;
}

/*
 * Which table serves (family, type, protocol); errno values as Linux's
 * socket(2) answers them.  AF_INET6 and AF_NETLINK are not implemented:
 * EAFNOSUPPORT, on which busybox falls back to AF_INET (nc, httpd) or
 * fails cleanly (ip).
 */
static int socket_kind(int family, int type, int protocol, const socket_op_t **ops)
{
    switch (family) {
    case AF_INET:
        if (protocol < 0 || protocol >= IPPROTO_MAX)
            return -EINVAL;
        if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) {
            *ops = &udp_socket_operations;
            return 0;
        }
        /* ICMP ping sockets are not offered: EACCES, as Linux answers with its
         * default net.ipv4.ping_group_range ("1 0": no group may). */
        if (type == SOCK_DGRAM && protocol == IPPROTO_ICMP)
            return -EACCES;
        /* A raw socket names its protocol: 0 is no protocol (EPROTONOSUPPORT). */
        if (type == SOCK_RAW && protocol != 0) {
            *ops = &raw_socket_operations;
            return 0;
        }
        if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) {
            *ops = &tcp_socket_operations;
            return 0;
        }
        if (type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_STREAM)
            return -EPROTONOSUPPORT;
        return -ESOCKTNOSUPPORT;
    case AF_PACKET:
        if (type != SOCK_RAW && type != SOCK_DGRAM)
            return -ESOCKTNOSUPPORT;
        *ops = &packet_socket_operations;
        return 0;
    case AF_UNIX:
        /* Linux's unix_create; SOCK_RAW is taken as SOCK_DGRAM by the kind. */
        if (protocol != 0 && protocol != AF_UNIX)
            return -EPROTONOSUPPORT;
        if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET && type != SOCK_RAW)
            return -ESOCKTNOSUPPORT;
        *ops = &unix_socket_operations;
        return 0;
    default:
        return -EAFNOSUPPORT;
    }
}

int socket_create(int family, int type, int protocol, struct socket **result)
{
    /* Linux's __sock_create: the family's range before the type's. */
    if (family < 0 || family >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return -EINVAL;
    const socket_op_t *ops;
    int error = socket_kind(family, type, protocol, &ops);
    if (error)
        return error;
    struct socket *socket = net_zalloc(sizeof(*socket));
    if (!socket)
        return -ENOMEM;
    if (socket_node_new(socket)) {
        net_free(socket);
        return -ENOMEM;
    }
    socket->family = family;
    socket->type = type;
    socket->protocol = protocol;
    socket->ops = ops;
    socket->receive_buffer = SOCKET_DEFAULT_BUFFER;
    socket->send_buffer = SOCKET_DEFAULT_BUFFER;
    socket_wait_queue_init(&socket->wait);
    net_lock();
    error = ops->socket ? ops->socket(socket) : 0;
    net_unlock();
    if (error) {
        socket_node_put(socket);
        net_free(socket);
        return error;
    }
    socket_count(socket, 1);
    *result = socket;
    return 0;
}

void socket_close(struct socket *socket)
{
    socket_count(socket, -1);
    net_lock();
    if (socket->ops->close)
        socket->ops->close(socket);
    socket_filter_free(socket);
    net_unlock();
    socket_wake(socket);
}

void socket_destroy(struct socket *socket)
{
    socket_close(socket);
    socket_node_put(socket);
    net_free(socket);
}

bool socket_nonblocking(const struct socket *socket, int message_flags)
{
    return (message_flags & MSG_DONTWAIT) || socket_file_nonblocking(socket);
}


int socket_setsockopt(struct socket *socket, int level, int name, const void *value, size_t length)
{
    int result = 0;
    if (level == SOL_SOCKET)
        result = socket_option_set(socket, name, value, length);
    /* A SOL_SOCKET option only one kind knows (TCP's SO_LINGER) is the kind's. */
    if (level != SOL_SOCKET || result == -ENOPROTOOPT) {
        if (socket->ops->setsockopt)
            result = socket->ops->setsockopt(socket, level, name, value, length);
        else if (level != SOL_SOCKET)
            result = -EOPNOTSUPP;
    } else if (!result && socket->ops->setsockopt) {
        /* One the socket layer took is shown to the kind too, which acts on
         * those it keeps a copy of (TCP's SO_KEEPALIVE starts the timer)
         * and answers -ENOPROTOOPT for the rest. */
        int kind_result = socket->ops->setsockopt(socket, level, name, value, length);
        if (kind_result != -ENOPROTOOPT)
            result = kind_result;
    }
    return result;
}

int socket_getsockopt(struct socket *socket, int level, int name, void *value, size_t *length)
{
    int result = 0;
    if (level == SOL_SOCKET)
        result = socket_option_get(socket, name, value, length);
    if (level != SOL_SOCKET || result == -ENOPROTOOPT) {
        if (socket->ops->getsockopt)
            result = socket->ops->getsockopt(socket, level, name, value, length);
        else if (level != SOL_SOCKET)
            result = -EOPNOTSUPP;
    }
    return result;
}
