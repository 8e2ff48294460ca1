/*
 * AF_PACKET sockets (packet(7)).  Each socket is a netif tap: it sees every
 * frame in and out of every interface (or the one it is bound to) and keeps
 * a reference to those of its protocol (ETH_P_ALL: all), outgoing ones
 * marked PACKET_OUTGOING.  SOCK_RAW reads and writes whole frames;
 * SOCK_DGRAM strips the Ethernet header on input and has the kernel build
 * it on output from sll_addr and sll_protocol (arping, udhcpc).  A socket
 * filter (SO_ATTACH_FILTER) decides what is kept of each frame; with a
 * receive ring (PACKET_RX_RING, packet_ring.h) frames go to the ring, which
 * user space maps, instead of the queue (libpcap's way).
 */
#include "datagram.h"
#include "packet_ring.h"
#include <eth/eth.h>
#include <asm/poll.h>
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
    int version;                        /* PACKET_VERSION: TPACKET_V1 (0) until set */
    uint32_t reserve;                   /* PACKET_RESERVE */
    bool auxdata;                       /* PACKET_AUXDATA: recvmsg adds a tpacket_auxdata */
    struct packet_ring *ring;           /* PACKET_RX_RING; NULL: frames go to queue */
    /* PACKET_STATISTICS since it was last read: frames kept, frames dropped. */
    uint32_t packets, drops;
};

static struct packet_socket *packet_of(struct socket *socket) { return socket->private; }

/* What Linux's packet_rcv and tpacket_rcv add to tp_status about the
 * checksum: a frame whose TCP/UDP checksum is still partial (received so
 * from the host's stack, or one of ours the device will complete) is "not
 * ready"; a received one the device vouched for is "valid". */
static uint32_t packet_checksum_status(const struct pbuf *frame)
{
    if (frame->checksum_partial || frame->gso_size)
        return TP_STATUS_CSUMNOTREADY;
    if (frame->packet_type != PBUF_OUTGOING && frame->checksum_verified)
        return TP_STATUS_CSUM_VALID;
    return 0;
}

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
    /* SOCK_DGRAM sockets see (and their filters load) from the network header on. */
    uint32_t data_offset = packet->socket->type == SOCK_DGRAM ? ETH_HEADER_SIZE : 0;
    struct bpf_classic_packet filtered = {
        .frame = (const uint8_t *)eth,
        .frame_length = (uint32_t)pbuf_length(frame),
        .data_offset = data_offset,
        .network_offset = ETH_HEADER_SIZE,
        .protocol = net_ntohs(eth->type),
        .hardware_type = netif->type,
        .packet_type = frame->packet_type,   /* enum pbuf_packet_type has sll_pkttype's values */
        .ifindex = netif->index,
    };
    uint32_t length = filtered.frame_length - data_offset;
    uint32_t kept = MIN(socket_filter_run(packet->socket, &filtered), length);
    if (!kept)
        return;
    bool stored;
    if (packet->ring) {
        struct packet_ring_frame ring_frame = {
            .data = filtered.frame + data_offset,
            .length = length,
            .snap_length = kept,
            .link_header_length = ETH_HEADER_SIZE - data_offset,
            .link = { .sll_family = AF_PACKET, .sll_protocol = eth->type,
                      .sll_ifindex = netif->index, .sll_hatype = netif->type,
                      .sll_pkttype = frame->packet_type, .sll_halen = ETHERNET_ADDRESS_SIZE },
            .losing = packet->drops != 0,
            .checksum_status = packet_checksum_status(frame),
        };
        memcpy(ring_frame.link.sll_addr, eth->source, ETHERNET_ADDRESS_SIZE);
        stored = packet_ring_store(packet->ring, &ring_frame);
    } else {
        struct socket_packet info = {
            .offset = (uint16_t)((const uint8_t *)eth - frame->start + data_offset),
            .length = (uint16_t)kept,
            .full_length = (uint16_t)length,
            .ifindex = netif->index,
            .packet_type = frame->packet_type,
            .protocol = eth->type,
            .checksum_status = packet_checksum_status(frame),
        };
        memcpy(info.hardware_source, eth->source, ETHERNET_ADDRESS_SIZE);
        stored = socket_queue_push(&packet->queue, frame, &info,
                                   (size_t)packet->socket->receive_buffer);
        if (stored)
            socket_wake(packet->socket);
    }
    if (stored)
        packet->packets++;
    else
        packet->drops++;
}

static void packet_ring_wake(void *argument)
{
    socket_wake(argument);
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
    if (packet->ring)
        packet_ring_destroy(packet->ring);
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
    if (packet->auxdata) {
        struct tpacket_auxdata auxdata = {
            .tp_status = TP_STATUS_USER | entry->checksum_status,
            .tp_len = entry->full_length,
            .tp_snaplen = entry->length,
            .tp_net = socket->type == SOCK_DGRAM ? 0 : ETH_HEADER_SIZE,
        };
        socket_message_control(message, SOL_PACKET, PACKET_AUXDATA, &auxdata, sizeof(auxdata));
    }
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

/*
 * PACKET_RX_RING, in the order of Linux's packet_set_ring: a mapped ring
 * cannot change (EBUSY); a request with blocks makes a ring (EBUSY when
 * one exists, packet_ring_create's EINVAL and ENOMEM), one without blocks
 * (and without frames, else EINVAL) removes it.  Queued frames are dropped.
 */
static int packet_set_ring(struct packet_socket *packet, const void *value, size_t length)
{
    struct tpacket_req3 request = { 0 };
    size_t request_size = packet->version == TPACKET_V3 ? sizeof(struct tpacket_req3)
                                                         : sizeof(struct tpacket_req);
    if (length < request_size)
        return -EINVAL;
    memcpy(&request, value, request_size);
    if (packet->ring && packet_ring_mapped(packet->ring))
        return -EBUSY;
    struct packet_ring *ring = NULL;
    if (request.tp_block_nr) {
        if (packet->ring)
            return -EBUSY;
        int error = packet_ring_create(packet->version, packet->reserve, &request,
                                       packet_ring_wake, packet->socket, &ring);
        if (error)
            return error;
    } else if (request.tp_frame_nr) {
        return -EINVAL;
    }
    if (packet->ring)
        packet_ring_destroy(packet->ring);
    packet->ring = ring;
    socket_queue_clear(&packet->queue);
    return 0;
}

/* An unsigned int option of exactly 4 bytes (PACKET_VERSION, PACKET_RESERVE). */
static int packet_option_exact(const void *value, size_t length, uint32_t *result)
{
    if (length != sizeof(*result))
        return -EINVAL;
    memcpy(result, value, sizeof(*result));
    return 0;
}

/* Options Linux has and Strata does not (PACKET_TX_RING, PACKET_FANOUT, ...): ENOPROTOOPT. */
static int packet_setsockopt(struct socket *socket, int level, int name, const void *value,
                             size_t length)
{
    struct packet_socket *packet = packet_of(socket);
    uint32_t number;
    int error;
    if (level != SOL_PACKET)
        return -ENOPROTOOPT;
    switch (name) {
    case PACKET_ADD_MEMBERSHIP:
    case PACKET_DROP_MEMBERSHIP:
        return packet_membership(packet, value, length, name == PACKET_ADD_MEMBERSHIP);
    case PACKET_RX_RING:
        return packet_set_ring(packet, value, length);
    case PACKET_VERSION:
        if ((error = packet_option_exact(value, length, &number)))
            return error;
        if (number != TPACKET_V1 && number != TPACKET_V2 && number != TPACKET_V3)
            return -EINVAL;
        if (packet->ring)
            return -EBUSY;
        packet->version = (int)number;
        return 0;
    case PACKET_RESERVE:
        if ((error = packet_option_exact(value, length, &number)))
            return error;
        if (number > INT32_MAX)
            return -EINVAL;
        if (packet->ring)
            return -EBUSY;
        packet->reserve = number;
        return 0;
    case PACKET_AUXDATA:
        if (length < sizeof(int))
            return -EINVAL;
        memcpy(&number, value, sizeof(number));
        packet->auxdata = number != 0;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

/* PACKET_STATISTICS: read and reset; kept frames include the dropped ones, as on Linux. */
static size_t packet_statistics(struct packet_socket *packet, void *value)
{
    struct tpacket_stats_v3 statistics = {
        .tp_packets = packet->packets + packet->drops,
        .tp_drops = packet->drops,
    };
    if (packet->ring) {
        statistics.tp_freeze_q_cnt = packet->ring->freezes;
        packet->ring->freezes = 0;
    }
    packet->packets = packet->drops = 0;
    memcpy(value, &statistics, sizeof(statistics));
    return packet->version == TPACKET_V3 ? sizeof(struct tpacket_stats_v3)
                                         : sizeof(struct tpacket_stats);
}

/* Linux's packet_getsockopt: at most the option's size is copied. */
static int packet_getsockopt(struct socket *socket, int level, int name, void *value,
                             size_t *length)
{
    struct packet_socket *packet = packet_of(socket);
    uint8_t answer[sizeof(struct tpacket_stats_v3)];
    size_t answer_length = sizeof(int);
    int number;
    if (level != SOL_PACKET)
        return -ENOPROTOOPT;
    switch (name) {
    case PACKET_STATISTICS:
        answer_length = packet_statistics(packet, answer);
        break;
    case PACKET_AUXDATA: number = packet->auxdata; break;
    case PACKET_VERSION: number = packet->version; break;
    case PACKET_RESERVE: number = (int)packet->reserve; break;
    case PACKET_HDRLEN:
        if (*length < sizeof(int))
            return -EINVAL;
        memcpy(&number, value, sizeof(number));   /* the version asked about */
        switch (number) {
        case TPACKET_V1: number = sizeof(struct tpacket_hdr); break;
        case TPACKET_V2: number = sizeof(struct tpacket2_hdr); break;
        case TPACKET_V3: number = sizeof(struct tpacket3_hdr); break;
        default: return -EINVAL;
        }
        break;
    default:
        return -ENOPROTOOPT;
    }
    if (name != PACKET_STATISTICS)
        memcpy(answer, &number, sizeof(number));
    *length = MIN(*length, answer_length);
    memcpy(value, answer, *length);
    return 0;
}

static unsigned packet_poll(struct socket *socket)
{
    struct packet_socket *packet = packet_of(socket);
    unsigned mask = datagram_poll(socket, &packet->queue);
    if (packet->ring && packet_ring_readable(packet->ring))
        mask |= POLLIN | POLLRDNORM;
    return mask;
}

/* Linux's packet_mmap: the whole ring from offset 0, else EINVAL. */
static int packet_mmap(struct socket *socket, uint64_t offset, uint64_t length)
{
    struct packet_ring *ring = packet_of(socket)->ring;
    if (offset || !ring || length != packet_ring_size(ring))
        return -EINVAL;
    return 0;
}

static int packet_map_page(struct socket *socket, uint64_t index, void **page)
{
    struct packet_ring *ring = packet_of(socket)->ring;
    return ring ? packet_ring_map_page(ring, index, page) : -ENXIO;
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
    .getsockopt = packet_getsockopt,
    .sendmsg = packet_sendmsg,
    .recvmsg = packet_recvmsg,
    .poll = packet_poll,
    .ioctl = packet_ioctl,
    .mmap = packet_mmap,
    .map_page = packet_map_page,
};
