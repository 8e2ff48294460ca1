/*
 * SOL_SOCKET options shared by every kind (socket(7)).  Values that only
 * matter to a kind (SO_BROADCAST to UDP, SO_BINDTODEVICE to UDP and raw)
 * are stored here and read by the kind when it sends.
 */
#include "socket.h"
#include <netif/netif.h>
#include <asm/socket.h>
#include <linux/if_ether.h>
#include <linux/time_types.h>

int socket_option_int(const void *value, size_t length, int *result)
{
    /* Linux reads an int; shorter values (1..3 bytes) are read as one byte. */
    if (length >= sizeof(int))
        memcpy(result, value, sizeof(int));
    else if (length > 0)
        *result = *(const uint8_t *)value;
    else
        return -EINVAL;
    return 0;
}

/* SO_RCVBUF/SO_SNDBUF: Linux caps at rmem_max, then doubles for bookkeeping. */
static int buffer_size(int requested, int minimum)
{
    long doubled = 2L * MIN((long)MAX(requested, 0), (long)SOCKET_BUFFER_MAX);
    return (int)MAX(doubled, (long)minimum);
}

static int timeout_set(uint64_t *timeout_ns, const void *value, size_t length)
{
    struct __kernel_old_timeval timeval;
    if (length < sizeof(timeval))
        return -EINVAL;
    memcpy(&timeval, value, sizeof(timeval));
    if (timeval.tv_usec < 0 || timeval.tv_usec >= 1000000)
        return -EDOM;
    if (timeval.tv_sec < 0) {
        *timeout_ns = 0;   /* Linux: a negative time means no timeout */
        return 0;
    }
    *timeout_ns = (uint64_t)timeval.tv_sec * NANOSECONDS_PER_SECOND +
                  (uint64_t)timeval.tv_usec * 1000;
    return 0;
}

/*
 * SO_ATTACH_FILTER, in the order of Linux's sk_attach_filter: a locked
 * filter (EPERM), no program or a bad length (EINVAL), the copy (EFAULT),
 * the checker (EINVAL).  The new filter replaces the old one.
 */
static int filter_attach(struct socket *socket, const void *value, size_t length)
{
    struct sock_fprog program;
    if (length != sizeof(program))
        return -EINVAL;
    memcpy(&program, value, sizeof(program));
    if (socket->filter_locked)
        return -EPERM;
    if (!program.filter || program.len == 0 || program.len > BPF_MAXINSNS)
        return -EINVAL;
    struct socket_filter *filter =
        net_alloc(sizeof(*filter) + program.len * sizeof(struct sock_filter));
    if (!filter)
        return -ENOMEM;
    filter->length = program.len;
    int error = socket_copy_from_user(filter->program, program.filter,
                                      program.len * sizeof(struct sock_filter));
    if (!error)
        error = bpf_classic_check(filter->program, filter->length);
    if (error) {
        net_free(filter);
        return error;
    }
    socket_filter_free(socket);
    socket->filter = filter;
    return 0;
}

void socket_filter_free(struct socket *socket)
{
    net_free(socket->filter);
    socket->filter = NULL;
}

uint32_t socket_filter_run(const struct socket *socket, const struct bpf_classic_packet *packet)
{
    if (!socket->filter)
        return packet->frame_length - packet->data_offset;
    return bpf_classic_run(socket->filter->program, socket->filter->length, packet);
}

uint32_t socket_filter_run_ip(const struct socket *socket, const struct pbuf *pbuf,
                              const uint8_t *data, uint32_t length, uint32_t minimum)
{
    if (!socket->filter)
        return length;
    const uint8_t *frame = pbuf->l2_offset != PBUF_OFFSET_UNSET ? pbuf_l2(pbuf) : pbuf_l3(pbuf);
    struct bpf_classic_packet packet = {
        .frame = frame,
        .frame_length = (uint32_t)(data - frame) + length,
        .data_offset = (uint32_t)(data - frame),
        .network_offset = (uint32_t)(pbuf_l3(pbuf) - frame),
        .protocol = ETH_P_IP,
        .hardware_type = pbuf->netif ? pbuf->netif->type : 0,
        .packet_type = pbuf->packet_type,
        .ifindex = pbuf->netif ? pbuf->netif->index : 0,
    };
    uint32_t kept = bpf_classic_run(socket->filter->program, socket->filter->length, &packet);
    return kept ? MIN(MAX(kept, minimum), length) : 0;
}

int socket_option_set(struct socket *socket, int name, const void *value, size_t length)
{
    int number = 0;
    if (name == SO_RCVTIMEO_OLD)
        return timeout_set(&socket->receive_timeout_ns, value, length);
    if (name == SO_SNDTIMEO_OLD)
        return timeout_set(&socket->send_timeout_ns, value, length);
    if (name == SO_BINDTODEVICE) {
        char device[NETIF_NAME_SIZE] = { 0 };
        memcpy(device, value, MIN(length, sizeof(device) - 1));
        if (!device[0]) {
            socket->bound_interface = 0;
            return 0;
        }
        struct netif *netif = netif_by_name(device);
        if (!netif)
            return -ENODEV;
        socket->bound_interface = netif->index;
        return 0;
    }
    /* Linux's sock_setsockopt wants an int's room for every other option. */
    if ((name == SO_ATTACH_FILTER || name == SO_DETACH_FILTER || name == SO_LOCK_FILTER) &&
        length < sizeof(int))
        return -EINVAL;
    if (name == SO_ATTACH_FILTER)
        return filter_attach(socket, value, length);
    int error = socket_option_int(value, length, &number);
    if (error)
        return error;
    switch (name) {
    case SO_DETACH_FILTER:
        if (socket->filter_locked)
            return -EPERM;
        if (!socket->filter)
            return -ENOENT;
        socket_filter_free(socket);
        return 0;
    case SO_LOCK_FILTER:
        if (socket->filter_locked && !number)
            return -EPERM;
        socket->filter_locked = number != 0;
        return 0;
    case SO_REUSEADDR: socket->reuse_address = number != 0; return 0;
    case SO_BROADCAST: socket->broadcast = number != 0; return 0;
    case SO_KEEPALIVE: socket->keepalive = number != 0; return 0;
    case SO_DONTROUTE: socket->dont_route = number != 0; return 0;
    case SO_OOBINLINE: socket->oob_inline = number != 0; return 0;
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
        socket->receive_buffer = buffer_size(number, SOCKET_BUFFER_MIN_RECEIVE);
        return 0;
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
        socket->send_buffer = buffer_size(number, SOCKET_BUFFER_MIN_SEND);
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static void timeout_get(uint64_t timeout_ns, struct __kernel_old_timeval *timeval)
{
    timeval->tv_sec = (long)(timeout_ns / NANOSECONDS_PER_SECOND);
    timeval->tv_usec = (long)(timeout_ns % NANOSECONDS_PER_SECOND / 1000);
}

int socket_option_get(struct socket *socket, int name, void *value, size_t *length)
{
    int number;
    switch (name) {
    case SO_RCVTIMEO_OLD:
    case SO_SNDTIMEO_OLD: {
        struct __kernel_old_timeval timeval;
        timeout_get(name == SO_RCVTIMEO_OLD ? socket->receive_timeout_ns : socket->send_timeout_ns,
                    &timeval);
        *length = MIN(*length, sizeof(timeval));
        memcpy(value, &timeval, *length);
        return 0;
    }
    case SO_BINDTODEVICE: {
        struct netif *netif = socket->bound_interface ? netif_by_index(socket->bound_interface) : NULL;
        size_t name_length = netif ? strlen(netif->name) + 1 : 0;
        if (*length < name_length)
            return -EINVAL;
        memcpy(value, netif ? netif->name : "", name_length);
        *length = name_length;
        return 0;
    }
    case SO_REUSEADDR: number = socket->reuse_address; break;
    case SO_BROADCAST: number = socket->broadcast; break;
    case SO_KEEPALIVE: number = socket->keepalive; break;
    case SO_DONTROUTE: number = socket->dont_route; break;
    case SO_OOBINLINE: number = socket->oob_inline; break;
    case SO_RCVBUF: number = socket->receive_buffer; break;
    case SO_SNDBUF: number = socket->send_buffer; break;
    case SO_TYPE: number = socket->type; break;
    case SO_PROTOCOL: number = socket->protocol; break;
    case SO_DOMAIN: number = socket->family; break;
    case SO_ERROR:
        number = socket->error;
        socket->error = 0;
        if (!number && socket->soft_error) {
            number = *socket->soft_error;
            *socket->soft_error = 0;
        }
        break;
    case SO_ACCEPTCONN: number = socket->accepting; break;
    case SO_LOCK_FILTER: number = socket->filter_locked; break;
    case SO_BPF_EXTENSIONS: number = SKF_AD_MAX; break;   /* every ancillary load is known */
    default:
        return -ENOPROTOOPT;
    }
    /* Linux copies min(optlen, sizeof(int)) bytes of the int. */
    *length = MIN(*length, sizeof(number));
    memcpy(value, &number, *length);
    return 0;
}
