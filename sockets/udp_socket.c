/*
 * AF_INET SOCK_DGRAM sockets over UDP (udp(7)): a udp_pcb per socket, its
 * datagrams queued as references.  An ICMP error about a datagram a
 * connected socket sent becomes SO_ERROR and fails the next call
 * (ECONNREFUSED for port unreachable, RFC 1122 4.1.3.3).  Broadcasts need
 * SO_BROADCAST (EACCES otherwise).
 *
 * Sending waits, as Linux's sock_alloc_send_pskb, while the datagrams the
 * socket sent and the device has not yet finished with (charged to sent,
 * netif/pbuf.h) fill SO_SNDBUF; it is writable again (POLLOUT, and the
 * waiters woken) below half of it, as sock_writeable says.  So a sender
 * faster than its NIC waits instead of losing what send() accepted.  A
 * closed socket whose datagrams are still in flight is freed by the last
 * refund.
 *
 * MSG_MORE corks (Linux's up->pending): the data of sends with it gathers
 * into one datagram, to the destination the first of them named, which
 * leaves with the first send without it.  Too much for one datagram is
 * EMSGSIZE and throws the whole corked datagram away, as a bad pointer
 * does; closing throws it away too.
 */
#include "datagram.h"
#include "inet.h"
#include <udp/udp.h>
#include <ip/ip.h>
#include <netif/port.h>
#include <linux/in.h>
#include <asm/poll.h>

#define UDP_PAYLOAD_MAX (65535 - 20 - 8)

struct udp_socket {
    struct socket *socket;
    struct udp_pcb pcb;
    struct socket_queue queue;
    struct inet_options inet;
    bool connected;
    bool closed;                        /* socket is gone; freed when sent.charged is 0 */
    struct pbuf_account sent;
    /* MSG_MORE's datagram being gathered (NULL when none): cork_length
     * bytes so far, of UDP_PAYLOAD_MAX, for cork_destination:cork_port. */
    uint8_t *cork;
    size_t cork_length;
    uint32_t cork_destination;
    uint16_t cork_port;
};

static struct udp_socket *udp_of(struct socket *socket) { return socket->private; }

static void udp_socket_receive(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source,
                               uint16_t source_port)
{
    struct udp_socket *udp = pcb->owner;
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(datagram);
    int ifindex = datagram->netif ? datagram->netif->index : 0;
    if (ip_address_is_multicast(ip->destination) &&
        !inet_multicast_accepts(&udp->inet, ip->destination, ifindex))
        return;
    /* A socket filter sees the UDP header too, and keeps at least it (udp_queue_rcv_one_skb). */
    uint32_t header = sizeof(struct udp_header);
    uint32_t kept = socket_filter_run_ip(udp->socket, datagram, datagram->data - header,
                                         (uint32_t)pbuf_length(datagram) + header, header);
    if (!kept) {
        NET_COUNT(UDP_IN_ERRORS);
        return;
    }
    struct socket_packet info = {
        .offset = (uint16_t)(datagram->data - datagram->start),
        .length = (uint16_t)(kept - header),
        .source = source,
        .destination = ip->destination,
        .source_port = source_port,
        .ifindex = ifindex,
    };
    if (!socket_queue_push(&udp->queue, datagram, &info, (size_t)udp->socket->receive_buffer)) {
        NET_COUNT(UDP_RCVBUF_ERRORS);
        return;
    }
    socket_wake(udp->socket);
}

static void udp_socket_error(struct udp_pcb *pcb, int error)
{
    struct udp_socket *udp = pcb->owner;
    udp->socket->error = error;
    socket_wake(udp->socket);
}

static bool send_buffer_writable(const struct udp_socket *udp)
{
    return udp->sent.charged < (size_t)udp->socket->send_buffer / 2;
}

static void udp_socket_refunded(struct pbuf_account *account)
{
    struct udp_socket *udp = container_of(account, struct udp_socket, sent);
    if (udp->closed) {
        if (!account->charged)
            net_free(udp);
        return;
    }
    if (send_buffer_writable(udp))
        socket_wake(udp->socket);
}

static int udp_socket_create(struct socket *socket)
{
    struct udp_socket *udp = net_zalloc(sizeof(*udp));
    if (!udp)
        return -ENOMEM;
    udp->socket = socket;
    udp_pcb_init(&udp->pcb);
    udp->pcb.receive = udp_socket_receive;
    udp->pcb.error = udp_socket_error;
    udp->pcb.owner = udp;
    udp->sent.refunded = udp_socket_refunded;
    socket_queue_init(&udp->queue);
    inet_options_init(&udp->inet);
    socket->private = udp;
    return 0;
}

static void udp_socket_close(struct socket *socket)
{
    struct udp_socket *udp = udp_of(socket);
    udp_pcb_remove(&udp->pcb);
    socket_queue_clear(&udp->queue);
    inet_options_release(&udp->inet);
    net_free(udp->cork);
    if (udp->sent.charged) {
        udp->closed = true;
        udp->socket = NULL;
    } else {
        net_free(udp);
    }
}

static int udp_socket_bind(struct socket *socket, const void *address, size_t length)
{
    /* LAB(udp) BEGIN: read the sockaddr_in (inet_address_from answers EINVAL and
     * EAFNOSUPPORT), refuse a second bind (EINVAL), pass SO_REUSEADDR on to the PCB and
     * bind it (udp_bind's errors are bind's). */
    struct udp_socket *udp = udp_of(socket);
    struct sockaddr_inet inet;
    int error = inet_address_from(address, length, &inet);
    if (error)
        return error;
    if (udp->pcb.local_port)
        return -EINVAL;
    udp->pcb.reuse_address = socket->reuse_address;
    return udp_bind(&udp->pcb, inet.address, inet.port);
    /* LAB(udp) STUB
     * (void)socket, (void)address, (void)length;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

/* LAB(udp) BEGIN: binding an unbound socket to an ephemeral port with its
 * SO_REUSEADDR, as connect and sendmsg do first (Linux's inet_autobind). */
static int bind_ephemeral(struct udp_socket *udp)
{
    if (!udp->pcb.local_port)
        udp->pcb.reuse_address = udp->socket->reuse_address;
    return udp_autobind(&udp->pcb);
}
/* LAB(udp) END */

/* connect(2) on UDP: sets the default peer; AF_UNSPEC dissolves it. */
static int udp_socket_connect(struct socket *socket, const void *address, size_t length)
{
    /* LAB(udp) BEGIN: AF_UNSPEC dissolves the association, connected or not
     * (udp_disconnect), and forgets SO_BINDTODEVICE, as Linux's __udp_disconnect;
     * otherwise read the sockaddr_in, find the route's source (inet_route_source
     * honours SO_BINDTODEVICE), bind an unbound socket, connect the PCB, fix a wildcard
     * local address to that source (so getsockname shows it), and forget a pending
     * SO_ERROR, as Linux does. */
    struct udp_socket *udp = udp_of(socket);
    struct sockaddr_inet inet;
    if (length >= sizeof(uint16_t) && ((const struct sockaddr_inet *)address)->family == AF_UNSPEC) {
        /* Connected or not, as Linux's __udp_disconnect, which also
         * forgets SO_BINDTODEVICE. */
        udp_disconnect(&udp->pcb);
        socket->bound_interface = 0;
        udp->connected = false;
        return 0;
    }
    int error = inet_address_from(address, length, &inet);
    if (error)
        return error;
    uint32_t source;
    if ((error = inet_route_source(socket, inet.address, &source)))
        return error;
    if ((error = bind_ephemeral(udp)))
        return error;
    if ((error = udp_connect(&udp->pcb, inet.address, inet.port)))
        return error;
    /* Linux fixes the source address at connect, so getsockname shows it. */
    if (udp->pcb.local_address == IP_ADDRESS_ANY)
        udp->pcb.local_address = source;
    udp->connected = true;
    socket->error = 0;
    return 0;
    /* LAB(udp) STUB
     * (void)socket, (void)address, (void)length;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

static int udp_socket_shutdown(struct socket *socket, int how)
{
    /* LAB(udp) BEGIN: mark the directions shut (SHUT_RD, SHUT_WR or SHUT_RDWR; the
     * socket layer checked how), and answer ENOTCONN when not connected, as Linux
     * does (it marks them all the same). */
    struct udp_socket *udp = udp_of(socket);
    socket->shut_read |= how != SHUT_WR;
    socket->shut_write |= how != SHUT_RD;
    return udp->connected ? 0 : -ENOTCONN;
    /* LAB(udp) STUB
     * (void)socket, (void)how;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

static int udp_socket_getsockname(struct socket *socket, void *address, size_t *length)
{
    /* LAB(udp) BEGIN: the PCB's local address and port (0.0.0.0:0 when unbound). */
    struct udp_socket *udp = udp_of(socket);
    return inet_address_to(address, length, udp->pcb.local_address, udp->pcb.local_port);
    /* LAB(udp) STUB
     * (void)socket, (void)address, (void)length;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

static int udp_socket_getpeername(struct socket *socket, void *address, size_t *length)
{
    /* LAB(udp) BEGIN: the connected peer's address and port; ENOTCONN when not
     * connected. */
    struct udp_socket *udp = udp_of(socket);
    if (!udp->connected)
        return -ENOTCONN;
    return inet_address_to(address, length, udp->pcb.remote_address, udp->pcb.remote_port);
    /* LAB(udp) STUB
     * (void)socket, (void)address, (void)length;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

/* What stops a send before it starts: a pending SO_ERROR (taken), or shutdown. */
static int send_stopped(struct socket *socket)
{
    if (socket->error) {
        int error = socket->error;
        socket->error = 0;
        return -error;
    }
    return socket->shut_write ? -EPIPE : 0;
}

/* Waits until the send buffer has room for one more datagram, checking
 * again after each wait what sock_alloc_send_pskb checks. */
static int send_buffer_wait(struct socket *socket, struct udp_socket *udp, int flags)
{
    uint64_t deadline = socket_deadline(socket->send_timeout_ns);
    while (udp->sent.charged >= (size_t)socket->send_buffer) {
        if (socket_nonblocking(socket, flags))
            return -EAGAIN;
        int error = socket_wait(socket, deadline);
        if (!error)
            error = send_stopped(socket);
        if (error)
            return error;
    }
    return 0;
}

static ssize_t udp_socket_sendmsg(struct socket *socket, struct socket_message *message)
{
    /* LAB(udp) BEGIN: in Linux's order: a pending error or shutdown (send_stopped); the
     * destination from msg_name, else the connected peer (EDESTADDRREQ); port 0
     * (EINVAL); more than UDP_PAYLOAD_MAX bytes (EMSGSIZE); the limited broadcast
     * without SO_BROADCAST (EACCES); bind an unbound socket; wait for room in the send
     * buffer (send_buffer_wait), after which a connected socket's peer is read again;
     * then copy the data into a PBUF_TRANSPORT pbuf (EFAULT), charge it to
     * udp->sent, and send it with the socket's IP options.  The byte count, or the
     * error. */
    struct udp_socket *udp = udp_of(socket);
    uint32_t destination = udp->pcb.remote_address;
    uint16_t port = udp->pcb.remote_port;
    int error = send_stopped(socket);
    if (error)
        return error;
    if (message->address_length) {
        struct sockaddr_inet inet;
        int error = inet_address_from(message->address, message->address_length, &inet);
        if (error)
            return error;
        destination = inet.address;
        port = inet.port;
    } else if (!udp->connected) {
        return -EDESTADDRREQ;
    }
    if (!port)
        return -EINVAL;
    if (message->length > UDP_PAYLOAD_MAX)
        return -EMSGSIZE;
    if (destination == IP_ADDRESS_BROADCAST && !socket->broadcast)
        return -EACCES;
    error = bind_ephemeral(udp);
    if (!error)
        error = send_buffer_wait(socket, udp, message->flags);
    if (error)
        return error;
    if (!message->address_length && udp->connected) {
        /* connect() may have moved the peer while we waited. */
        destination = udp->pcb.remote_address;
        port = udp->pcb.remote_port;
    }
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, message->length);
    if (!payload)
        return -ENOBUFS;
    if (socket_message_copy_in(message, payload->data, message->length)) {
        pbuf_put(payload);
        return -EFAULT;
    }
    pbuf_charge(payload, &udp->sent);
    struct ip_output_options options;
    inet_output_options(socket, &udp->inet, destination, &options);
    error = udp_send(&udp->pcb, payload, destination, port, &options);
    return error ? error : (ssize_t)message->length;
    /* LAB(udp) STUB
     * (void)socket, (void)message, (void)send_buffer_wait;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

/* The first send with MSG_MORE: its destination checked as sendmsg checks
 * it, then an empty datagram to gather into. */
static int cork_start(struct socket *socket, struct udp_socket *udp,
                      const struct socket_message *message)
{
    uint32_t destination = udp->pcb.remote_address;
    uint16_t port = udp->pcb.remote_port;
    int error = send_stopped(socket);
    if (error)
        return error;
    if (message->address_length) {
        struct sockaddr_inet inet;
        if ((error = inet_address_from(message->address, message->address_length, &inet)))
            return error;
        destination = inet.address;
        port = inet.port;
    } else if (!udp->connected) {
        return -EDESTADDRREQ;
    }
    if (!port)
        return -EINVAL;
    if (destination == IP_ADDRESS_BROADCAST && !socket->broadcast)
        return -EACCES;
    /* bind_ephemeral's work, which lab udp's handout leaves to the student. */
    if (!udp->pcb.local_port)
        udp->pcb.reuse_address = socket->reuse_address;
    if ((error = udp_autobind(&udp->pcb)))
        return error;
    udp->cork = net_zalloc(UDP_PAYLOAD_MAX);
    if (!udp->cork)
        return -ENOBUFS;
    udp->cork_length = 0;
    udp->cork_destination = destination;
    udp->cork_port = port;
    return 0;
}

static void cork_discard(struct udp_socket *udp)
{
    net_free(udp->cork);
    udp->cork = NULL;
}

/* Sends the gathered datagram (Linux's udp_push_pending_frames). */
static int cork_push(struct socket *socket, struct udp_socket *udp, int flags)
{
    int error = send_buffer_wait(socket, udp, flags);
    struct pbuf *payload = error ? NULL : pbuf_alloc(PBUF_TRANSPORT, udp->cork_length);
    if (payload)
        memcpy(payload->data, udp->cork, udp->cork_length);
    cork_discard(udp);
    if (!payload)
        return error ? error : -ENOBUFS;
    pbuf_charge(payload, &udp->sent);
    struct ip_output_options options;
    inet_output_options(socket, &udp->inet, udp->cork_destination, &options);
    return udp_send(&udp->pcb, payload, udp->cork_destination, udp->cork_port, &options);
}

/* sendmsg: with MSG_MORE, or while data is corked, the data joins the
 * corked datagram; otherwise it is a datagram of its own. */
static ssize_t udp_socket_send(struct socket *socket, struct socket_message *message)
{
    struct udp_socket *udp = udp_of(socket);
    if (!udp->cork && !(message->flags & MSG_MORE))
        return udp_socket_sendmsg(socket, message);
    int error = udp->cork ? 0 : cork_start(socket, udp, message);
    if (error)
        return error;
    if (message->length > UDP_PAYLOAD_MAX - udp->cork_length) {
        cork_discard(udp);
        return -EMSGSIZE;
    }
    if (socket_message_copy_in(message, udp->cork + udp->cork_length, message->length)) {
        cork_discard(udp);
        return -EFAULT;
    }
    udp->cork_length += message->length;
    if (message->flags & MSG_MORE)
        return (ssize_t)message->length;
    error = cork_push(socket, udp, message->flags);
    return error ? error : (ssize_t)message->length;
}

static ssize_t udp_socket_recvmsg(struct socket *socket, struct socket_message *message)
{
    /* LAB(udp) BEGIN: wait for the first queued datagram (datagram_wait: blocking,
     * timeouts, signals and SO_ERROR are done there; no packet and no error means end
     * of file after SHUT_RD), fill msg_name with its sender, add the control messages
     * asked for, and hand the datagram out (datagram_deliver: truncation, MSG_PEEK). */
    struct udp_socket *udp = udp_of(socket);
    struct socket_packet *packet;
    int error = datagram_wait(socket, &udp->queue, message, &packet);
    if (error || !packet)
        return error;
    size_t length = sizeof(message->address);
    inet_address_to(message->address, &length, packet->source, packet->source_port);
    message->address_length = length;
    inet_control_messages(&udp->inet, packet, message);
    return datagram_deliver(&udp->queue, packet, message);
    /* LAB(udp) STUB
     * (void)socket, (void)message;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

static int udp_socket_setsockopt(struct socket *socket, int level, int name, const void *value,
                                 size_t length)
{
    if (level == SOL_IP)
        return inet_option_set(&udp_of(socket)->inet, name, value, length);
    return -ENOPROTOOPT;
}

static int udp_socket_getsockopt(struct socket *socket, int level, int name, void *value,
                                 size_t *length)
{
    if (level == SOL_IP)
        return inet_option_get(&udp_of(socket)->inet, name, value, length);
    return inet_getsockopt_unknown(level, IPPROTO_UDP);
}

static unsigned udp_socket_poll(struct socket *socket)
{
    struct udp_socket *udp = udp_of(socket);
    unsigned mask = datagram_poll(socket, &udp->queue);
    if (!send_buffer_writable(udp))
        mask &= ~(unsigned)(POLLOUT | POLLWRNORM);
    return mask;
}

static long udp_socket_ioctl(struct socket *socket, unsigned command, uint64_t argument)
{
    return datagram_ioctl(&udp_of(socket)->queue, command, argument);
}

const socket_op_t udp_socket_operations = {
    .socket = udp_socket_create,
    .close = udp_socket_close,
    .bind = udp_socket_bind,
    .connect = udp_socket_connect,
    .shutdown = udp_socket_shutdown,
    .getsockname = udp_socket_getsockname,
    .getpeername = udp_socket_getpeername,
    .getsockopt = udp_socket_getsockopt,
    .setsockopt = udp_socket_setsockopt,
    .sendmsg = udp_socket_send,
    .recvmsg = udp_socket_recvmsg,
    .poll = udp_socket_poll,
    .ioctl = udp_socket_ioctl,
};
