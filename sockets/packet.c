/*
 * AF_PACKET sockets (packet(7)).  Each socket is a netif tap: it sees every
 * frame in and out of every interface (or the one it is bound to) and keeps
 * a reference to those of its protocol (ETH_P_ALL: all), outgoing ones
 * marked PACKET_OUTGOING.  SOCK_RAW reads and writes whole frames;
 * SOCK_DGRAM strips the Ethernet header on input and has the kernel build
 * it on output from sll_addr and sll_protocol (arping, udhcpc).
 */
#include "datagram.h"
#include <eth/eth.h>
#include <netif/port.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define PACKET_MEMBERSHIPS_MAX 4

struct packet_socket {
    struct socket *socket;
    struct netif_tap tap;
    struct socket_queue queue;
    uint16_t protocol;                  /* ethertype in network order; 0 = none yet */
    int ifindex;                        /* bound interface; 0 = all */
    bool sending;                       /* in sendmsg: its own frame leaving is not shown to it */
    int promiscuous[PACKET_MEMBERSHIPS_MAX];   /* ifindexes of PACKET_MR_PROMISC memberships */
};

static struct packet_socket *packet_of(struct socket *socket) { return socket->private; }

static void packet_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    struct packet_socket *packet = container_of(tap, struct packet_socket, tap);
    const struct eth_header *eth = PBUF_HEADER(frame, struct eth_header);
    if (!eth || !packet->protocol)
        return;
    if (packet->ifindex && packet->ifindex != netif->index)
        return;
    if (packet->sending && frame->packet_type == PBUF_OUTGOING)
        return;   /* Linux's dev_queue_xmit_nit skips the sending socket */
    /* Outgoing frames reach ETH_P_ALL sockets only, as Linux's dev_queue_xmit_nit. */
    bool all = packet->protocol == net_htons(ETH_P_ALL);
    if (!all && (packet->protocol != eth->type || frame->packet_type == PBUF_OUTGOING))
        return;
    struct socket_packet info = {
        .offset = (uint16_t)(frame->data - frame->start),
        .length = (uint16_t)pbuf_length(frame),
        .ifindex = netif->index,
        .packet_type = frame->packet_type,   /* enum pbuf_packet_type has sll_pkttype's values */
        .protocol = eth->type,
    };
    memcpy(info.hardware_source, eth->source, ETHERNET_ADDRESS_SIZE);
    if (packet->socket->type == SOCK_DGRAM) {
        info.offset += ETH_HEADER_SIZE;
        info.length -= ETH_HEADER_SIZE;
    }
    if (socket_queue_push(&packet->queue, frame, &info, (size_t)packet->socket->receive_buffer))
        socket_wake(packet->socket);
}

static int packet_create(struct socket *socket)
{
    struct packet_socket *packet = net_zalloc(sizeof(*packet));
    if (!packet)
        return -ENOMEM;
    packet->socket = socket;
    packet->protocol = (uint16_t)socket->protocol;   /* socket(2) passes it in network order */
    socket_queue_init(&packet->queue);
    packet->tap.frame = packet_frame;
    netif_tap_add(&packet->tap);
    socket->private = packet;
    return 0;
}

static void packet_close(struct socket *socket)
{
    struct packet_socket *packet = packet_of(socket);
    netif_tap_remove(&packet->tap);
    for (int i = 0; i < PACKET_MEMBERSHIPS_MAX; i++) {
        struct netif *netif = packet->promiscuous[i] ? netif_by_index(packet->promiscuous[i]) : NULL;
        if (netif)
            netif_promiscuous(netif, false);
    }
    socket_queue_clear(&packet->queue);
    net_free(packet);
}

static int packet_bind(struct socket *socket, const void *address, size_t length)
{
    struct packet_socket *packet = packet_of(socket);
    struct sockaddr_link link;
    if (length < sizeof(link))
        return -EINVAL;
    memcpy(&link, address, sizeof(link));
    if (link.family != AF_PACKET)
        return -EINVAL;
    if (link.ifindex && !netif_by_index(link.ifindex))
        return -ENODEV;
    packet->ifindex = link.ifindex;
    if (link.protocol)
        packet->protocol = link.protocol;
    return 0;
}

static int packet_getsockname(struct socket *socket, void *address, size_t *length)
{
    struct packet_socket *packet = packet_of(socket);
    struct netif *netif = packet->ifindex ? netif_by_index(packet->ifindex) : NULL;
    struct sockaddr_link link = { .family = AF_PACKET, .protocol = packet->protocol,
                                  .ifindex = packet->ifindex };
    if (netif) {
        link.hatype = netif->type;
        link.halen = ETHERNET_ADDRESS_SIZE;
        memcpy(link.address, netif->address, ETHERNET_ADDRESS_SIZE);
    }
    memcpy(address, &link, sizeof(link));
    *length = offsetof(struct sockaddr_link, address) + link.halen;
    return 0;
}

/* The interface a frame leaves by: the address's ifindex, else the bound one. */
static int packet_destination(struct packet_socket *packet, struct socket_message *message,
                              struct sockaddr_link *link, struct netif **netif)
{
    memset(link, 0, sizeof(*link));
    int ifindex = packet->ifindex;
    if (message->address_length) {
        if (message->address_length < SOCKADDR_LINK_MIN)
            return -EINVAL;
        memcpy(link, message->address, MIN(message->address_length, sizeof(*link)));
        if (link->family != AF_PACKET)
            return -EINVAL;
        ifindex = link->ifindex;
    }
    if (!ifindex)
        return -ENXIO;
    *netif = netif_by_index(ifindex);
    if (!*netif)
        return -ENXIO;
    if (!((*netif)->flags & NETIF_UP))
        return -ENETDOWN;
    return 0;
}

static ssize_t packet_sendmsg(struct socket *socket, struct socket_message *message)
{
    struct packet_socket *packet = packet_of(socket);
    struct sockaddr_link link;
    struct netif *netif;
    int error = packet_destination(packet, message, &link, &netif);
    if (error)
        return error;
    bool raw = socket->type == SOCK_RAW;
    size_t header = raw ? ETH_HEADER_SIZE : 0;
    if (message->length > netif->mtu + header)
        return -EMSGSIZE;
    if (raw && message->length < ETH_HEADER_SIZE)
        return -EINVAL;
    if (!raw && (!message->address_length || link.halen < ETHERNET_ADDRESS_SIZE) &&
        netif->type == NETIF_TYPE_ETHERNET)
        return -EINVAL;
    struct pbuf *frame = pbuf_alloc(raw ? PBUF_LINK : PBUF_IP, message->length);
    if (!frame)
        return -ENOBUFS;
    if (socket_message_copy_in(message, frame->data, message->length)) {
        pbuf_put(frame);
        return -EFAULT;
    }
    packet->sending = true;
    if (raw) {
        error = netif_transmit(netif, frame);
    } else {
        uint16_t protocol = link.protocol ? link.protocol : packet->protocol;
        error = eth_output(netif, frame, link.address, net_ntohs(protocol));
    }
    packet->sending = false;
    return error ? error : (ssize_t)message->length;
}

static ssize_t packet_recvmsg(struct socket *socket, struct socket_message *message)
{
    struct packet_socket *packet = packet_of(socket);
    struct socket_packet *entry;
    int error = datagram_wait(socket, &packet->queue, message, &entry);
    if (error || !entry)
        return error;
    struct netif *netif = netif_by_index(entry->ifindex);
    struct sockaddr_link link = {
        .family = AF_PACKET,
        .protocol = entry->protocol,
        .ifindex = entry->ifindex,
        .hatype = netif ? netif->type : 0,
        .pkttype = entry->packet_type,
        .halen = ETHERNET_ADDRESS_SIZE,
    };
    memcpy(link.address, entry->hardware_source, ETHERNET_ADDRESS_SIZE);
    memcpy(message->address, &link, sizeof(link));
    message->address_length = offsetof(struct sockaddr_link, address) + link.halen;
    return datagram_deliver(&packet->queue, entry, message);
}

static int packet_membership(struct packet_socket *packet, const void *value, size_t length,
                             bool add)
{
    struct packet_mreq request;
    if (length < sizeof(request))
        return -EINVAL;
    memcpy(&request, value, sizeof(request));
    struct netif *netif = netif_by_index(request.mr_ifindex);
    if (!netif)
        return -ENODEV;
    if (request.mr_type != PACKET_MR_PROMISC)
        return 0;   /* multicast memberships: every multicast frame is passed up anyway */
    for (int i = 0; i < PACKET_MEMBERSHIPS_MAX; i++) {
        if (packet->promiscuous[i] == (add ? 0 : request.mr_ifindex)) {
            packet->promiscuous[i] = add ? request.mr_ifindex : 0;
            netif_promiscuous(netif, add);
            return 0;
        }
    }
    return add ? -ENOBUFS : -EADDRNOTAVAIL;
}

/* PACKET_AUXDATA and the rest are not offered: ENOPROTOOPT (udhcpc carries on). */
static int packet_setsockopt(struct socket *socket, int level, int name, const void *value,
                             size_t length)
{
    if (level != SOL_PACKET)
        return -ENOPROTOOPT;
    if (name == PACKET_ADD_MEMBERSHIP || name == PACKET_DROP_MEMBERSHIP)
        return packet_membership(packet_of(socket), value, length, name == PACKET_ADD_MEMBERSHIP);
    return -ENOPROTOOPT;
}

static unsigned packet_poll(struct socket *socket)
{
    return datagram_poll(socket, &packet_of(socket)->queue);
}

static long packet_ioctl(struct socket *socket, unsigned command, uint64_t argument)
{
    return datagram_ioctl(&packet_of(socket)->queue, command, argument);
}

const socket_op_t packet_socket_operations = {
    .socket = packet_create,
    .close = packet_close,
    .bind = packet_bind,
    .getsockname = packet_getsockname,
    .setsockopt = packet_setsockopt,
    .sendmsg = packet_sendmsg,
    .recvmsg = packet_recvmsg,
    .poll = packet_poll,
    .ioctl = packet_ioctl,
};
