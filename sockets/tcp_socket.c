/*
 * AF_INET SOCK_STREAM sockets over TCP (tcp(7)): one tcp_pcb per socket,
 * driven through tcp/tcp.h.  The pcb's callbacks only wake socket->wait;
 * every call re-reads the pcb's state, so readers, writers, connect, accept
 * and poll agree on one source of truth.
 *
 * Errors follow Linux's tcp_sendmsg / tcp_recvmsg: an asynchronous error
 * (reset, refused, timed out) is reported once, by the next call or by
 * SO_ERROR (socket->error); afterwards reads see end of stream and writes
 * EPIPE, with SIGPIPE unless MSG_NOSIGNAL.
 */
#include "inet.h"
#include <tcp/tcp.h>
#include <ip/ip.h>
#include <netif/port.h>
#include <linux/in.h>
#include <asm/poll.h>
#include <asm/socket.h>

/* From Linux's uapi linux/tcp.h (whose TCP_FLAG_* clash with tcp/tcp.h). */
enum {
    SOL_TCP = 6,
    TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6,
    TCP_INFO = 11,
};
#define TCP_MSS_DEFAULT 536          /* what Linux reports for TCP_MAXSEG before a connection */
#define TCP_SOMAXCONN 4096           /* net.core.somaxconn: listen's cap */
#define SIOCOUTQ 0x5411              /* TIOCOUTQ: bytes not yet acknowledged */
#define SIOCOUTQNSD 0x894B           /* bytes not yet sent */
#define FIONREAD 0x541B

/* The first fields of Linux's struct tcp_info (glibc's whole netinet/tcp.h struct). */
enum { TCPI_OPT_SACK = 2, TCPI_OPT_WSCALE = 4 };   /* linux/tcp.h tcpi_options bits */
struct linux_tcp_info {
    uint8_t state, ca_state, retransmits, probes, backoff, options;
    uint8_t wscale;                  /* snd_wscale : 4, rcv_wscale : 4 */
    uint8_t app_limited;
    uint32_t rto, ato, snd_mss, rcv_mss;
    uint32_t unacked, sacked, lost, retrans, fackets;
    uint32_t last_data_sent, last_ack_sent, last_data_recv, last_ack_recv;
    uint32_t pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering;
    uint32_t rcv_rtt, rcv_space, total_retrans;
};

struct linux_linger {
    int32_t on, seconds;
};

/*
 * Invariants: pcb is owned by this socket until tcp_socket_close; listening
 * once listen succeeded; connect_started once an active open was sent (a
 * CLOSED pcb then means the connection ended, not "never connected").
 * Linux's socket states: SS_UNCONNECTED is !connect_started, SS_CONNECTING
 * connect_started alone, SS_CONNECTED both connect_started and
 * connect_reported.
 */
struct tcp_socket {
    struct socket *socket;
    struct tcp_pcb *pcb;
    struct inet_options inet;
    bool listening;
    bool connect_started;
    bool connect_reported;           /* a connect call has answered its outcome */
    bool bound;                      /* bind succeeded: the port stays across connects */
    uint32_t bound_address;
    struct linux_linger linger;
};

/* Bytes go through this buffer between user iovecs and the pcb's rings;
 * net_lock serialises its users, and nothing stays in it across a sleep. */
static uint8_t bounce[16384];

static struct tcp_socket *tcp_of(struct socket *socket) { return socket->private; }

static void wake_owner(struct tcp_pcb *pcb)
{
    struct tcp_socket *tcp = pcb->owner;
    socket_wake(tcp->socket);
}

static void pcb_failed(struct tcp_pcb *pcb, int error)
{
    struct tcp_socket *tcp = pcb->owner;
    tcp->socket->error = error;
    socket_wake(tcp->socket);
}

static void adopt(struct tcp_socket *tcp, struct tcp_pcb *pcb)
{
    tcp->pcb = pcb;
    pcb->owner = tcp;
    pcb->established = wake_owner;
    pcb->readable = wake_owner;
    pcb->writable = wake_owner;
    pcb->failed = pcb_failed;
    pcb->accept_ready = wake_owner;
    pcb->inode = socket_node_number(tcp->socket);
    tcp->socket->soft_error = &pcb->soft_error;
}

static int tcp_socket_create(struct socket *socket)
{
    struct tcp_socket *tcp = net_zalloc(sizeof(*tcp));
    struct tcp_pcb *pcb = tcp_pcb_new();
    if (!tcp || !pcb) {
        if (pcb)
            tcp_close(pcb);
        net_free(tcp);
        return -ENOMEM;
    }
    tcp->socket = socket;
    inet_options_init(&tcp->inet);
    socket->protocol = IPPROTO_TCP;  /* SO_PROTOCOL answers 6 for protocol 0 too */
    socket->private = tcp;
    adopt(tcp, pcb);
    return 0;
}

/* Is our FIN sent but not yet acknowledged (Linux's sk_stream_closing)? */
static bool closing(const struct tcp_pcb *pcb)
{
    return pcb->state == TCP_FIN_WAIT_1 || pcb->state == TCP_CLOSING ||
           pcb->state == TCP_LAST_ACK;
}

/* SO_LINGER with a timeout (socket(7), Linux's tcp_close): the FIN goes
 * after the queued data and close waits until it is acknowledged, the
 * time runs out or a signal comes; never while the process exits. */
static void linger_until_acknowledged(struct tcp_socket *tcp)
{
    struct tcp_pcb *pcb = tcp->pcb;
    if (socket_caller_exiting() || tcp->listening || tcp_readable_bytes(pcb) ||
        tcp_shutdown(pcb))
        return;
    uint64_t deadline = socket_deadline((uint64_t)tcp->linger.seconds * NANOSECONDS_PER_SECOND);
    while (closing(pcb) && !socket_wait(tcp->socket, deadline))
        ;
}

static void tcp_socket_close(struct socket *socket)
{
    struct tcp_socket *tcp = tcp_of(socket);
    /* SO_LINGER with a zero timeout: an abortive close, RST (socket(7)). */
    if (tcp->linger.on && tcp->linger.seconds == 0) {
        tcp_abort(tcp->pcb);
    } else {
        if (tcp->linger.on)
            linger_until_acknowledged(tcp);
        tcp_close(tcp->pcb);
    }
    net_free(tcp);
}

/* SOL_SOCKET and SOL_IP values the pcb keeps its own copy of. */
static void sync_options(struct tcp_socket *tcp)
{
    if (tcp->pcb->keepalive != tcp->socket->keepalive)
        tcp_set_keepalive(tcp->pcb, tcp->socket->keepalive);
    tcp->pcb->reuse_address = tcp->socket->reuse_address;
    tcp->pcb->ttl = (uint8_t)tcp->inet.ttl;
    tcp->pcb->type_of_service = tcp->inet.type_of_service;
}

/*
 * The rings of a socket whose SO_SNDBUF/SO_RCVBUF were left alone.  Linux
 * grows its buffers with the connection (tcp_rmem/tcp_wmem autotuning, up to
 * 6 and 4 MiB); fixed rings must cover the link's bandwidth-delay product
 * from the start.  Through QEMU's tap, 64 KiB each left the sender waiting
 * for ACKs and the host for window a third of the time; 256 KiB each roughly
 * doubled bulk throughput both ways (b_tcp, user/bench/README.md).
 */
#define SOCKET_RING_BYTES (256 * 1024)

/* SO_SNDBUF/SO_RCVBUF (doubled, as getsockopt shows them) size the rings
 * before a connection exists; untouched ones get SOCKET_RING_BYTES. */
static int apply_buffer_sizes(struct tcp_socket *tcp)
{
    struct socket *socket = tcp->socket;
    size_t send = socket->send_buffer == SOCKET_DEFAULT_BUFFER ? SOCKET_RING_BYTES
                                                               : (size_t)socket->send_buffer / 2;
    size_t receive = socket->receive_buffer == SOCKET_DEFAULT_BUFFER
                         ? SOCKET_RING_BYTES
                         : (size_t)socket->receive_buffer / 2;
    if (send == tcp->pcb->send.size && receive == tcp->pcb->receive.size)
        return 0;
    return tcp_set_buffer_sizes(tcp->pcb, send, receive);
}

static int tcp_socket_bind(struct socket *socket, const void *address, size_t length)
{
    struct tcp_socket *tcp = tcp_of(socket);
    struct sockaddr_inet inet;
    int error = inet_address_from(address, length, &inet);
    if (error)
        return error;
    sync_options(tcp);
    error = tcp_bind(tcp->pcb, inet.address, inet.port);
    if (!error) {
        tcp->bound = true;
        tcp->bound_address = inet.address;
    }
    return error;
}

static int tcp_socket_listen(struct socket *socket, int backlog)
{
    struct tcp_socket *tcp = tcp_of(socket);
    if (tcp->connect_started)
        return -EINVAL;
    if ((unsigned)backlog > TCP_SOMAXCONN)
        backlog = TCP_SOMAXCONN;      /* Linux: a negative backlog is the cap too */
    sync_options(tcp);
    int error = apply_buffer_sizes(tcp);
    if (!error)
        error = tcp_listen(tcp->pcb, (uint32_t)backlog);
    if (!error)
        tcp->listening = true;
    return error;
}

/*
 * Linux's tcp_disconnect: the old pcb is given up (RST in the synchronized
 * states, a listener's queue reset) for a fresh pcb carrying the socket's
 * settings, so the next connect starts from nothing; an address and port
 * the user bound stay bound (SOCK_BINDPORT_LOCK).
 */
static int renew_pcb(struct tcp_socket *tcp)
{
    struct tcp_pcb *old = tcp->pcb, *pcb = tcp_pcb_new();
    if (!pcb)
        return -ENOMEM;
    pcb->nodelay = old->nodelay;
    pcb->keepalive_idle_ms = old->keepalive_idle_ms;
    pcb->keepalive_interval_ms = old->keepalive_interval_ms;
    pcb->keepalive_probes = old->keepalive_probes;
    pcb->user_mss = old->user_mss;
    uint16_t port = old->local_port;
    tcp_abort(old);
    adopt(tcp, pcb);
    sync_options(tcp);
    if (tcp->bound)
        tcp_bind_again(pcb, tcp->bound_address, port);
    return 0;
}

/* connect(AF_UNSPEC) (Linux's tcp_disconnect): the socket is unconnected
 * again, as if new; SO_ERROR tells ECONNRESET when a connection or an
 * attempt was cut. */
static int disconnect(struct tcp_socket *tcp)
{
    enum tcp_state state = tcp->pcb->state;
    int error = renew_pcb(tcp);
    if (error)
        return error;
    tcp->listening = tcp->connect_started = tcp->connect_reported = false;
    tcp->socket->shut_read = tcp->socket->shut_write = false;
    tcp->socket->error = state == TCP_SYN_SENT || state == TCP_SYN_RECEIVED ||
                                 state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT ||
                                 state == TCP_FIN_WAIT_1 || state == TCP_FIN_WAIT_2
                             ? ECONNRESET
                             : 0;
    return 0;
}

/* Sends the SYN (SS_UNCONNECTED to SS_CONNECTING). */
static int start_connect(struct tcp_socket *tcp, const void *address, size_t length)
{
    struct sockaddr_inet to;
    int error = inet_address_from(address, length, &to);
    if (error)
        return error;
    if (tcp->pcb->remote_port)
        error = renew_pcb(tcp);      /* an earlier attempt failed */
    sync_options(tcp);
    if (error || (error = apply_buffer_sizes(tcp)) ||
        (error = tcp_connect(tcp->pcb, to.address, to.port)))
        return error;
    tcp->connect_started = true;
    /* An error before this connect (an old SO_ERROR) belongs to nothing now. */
    tcp->socket->error = 0;
    return 0;
}

/* Linux's __inet_stream_connect: the address is looked at only by a
 * disconnect (AF_UNSPEC) or when a new attempt starts. */
static int tcp_socket_connect(struct socket *socket, const void *address, size_t length)
{
    struct tcp_socket *tcp = tcp_of(socket);
    uint16_t family;
    int error;
    if (length < sizeof(family))
        return -EINVAL;
    memcpy(&family, address, sizeof(family));
    if (family == AF_UNSPEC)
        return disconnect(tcp);
    if (tcp->connect_started && tcp->connect_reported)
        return -EISCONN;
    if (tcp->connect_started) {
        error = -EALREADY;
    } else {
        if (tcp->listening)
            return -EISCONN;          /* Linux: the socket is not in CLOSE */
        if ((error = start_connect(tcp, address, length)))
            return error;
        error = -EINPROGRESS;
    }
    struct tcp_pcb *pcb = tcp->pcb;
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED) {
        if (socket_nonblocking(socket, 0))
            return error;
        /* Linux times connect out with SO_SNDTIMEO (inet_wait_for_connect). */
        uint64_t deadline = socket_deadline(socket->send_timeout_ns);
        while (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED) {
            int waited = socket_wait(socket, deadline);
            if (waited == -EAGAIN)
                return error;
            if (waited)
                return waited;
        }
    }
    if (pcb->state == TCP_CLOSED) {
        /* Reset, refused or timed out: reported once, then unconnected. */
        error = socket->error ? -socket->error : -ECONNABORTED;
        socket->error = 0;
        tcp->connect_started = false;
        return error;
    }
    tcp->connect_reported = true;
    return 0;
}

static int tcp_socket_accept(struct socket *socket, struct socket **accepted, int flags)
{
    struct tcp_socket *listener = tcp_of(socket);
    struct socket *fresh = NULL;
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    int error;
    (void)flags;                      /* SOCK_NONBLOCK/CLOEXEC: the caller's file */
    if (!listener->listening)
        return -EINVAL;
    for (;;) {
        if (listener->pcb->state != TCP_LISTEN) {
            error = -EINVAL;
            break;
        }
        if (!list_empty(&listener->pcb->accept_queue)) {
            if (!fresh) {
                /* socket_create takes net_lock itself; the queue is re-read after. */
                net_unlock();
                error = socket_create(AF_INET, SOCK_STREAM, IPPROTO_TCP, &fresh);
                net_lock();
                if (error)
                    return error;
                continue;
            }
            struct tcp_socket *tcp = tcp_of(fresh);
            struct tcp_pcb *child = tcp_accept(listener->pcb);
            if (!child) {
                /* Its rings could not be had, so it was reset; waiting on
                 * would wait for a connection that is gone.  accept(2)'s
                 * ENOMEM: not enough free memory. */
                error = -ENOMEM;
                break;
            }
            struct tcp_pcb *unused = tcp->pcb;
            adopt(tcp, child);
            tcp_close(unused);
            /* Linux's accepted socket is a clone of the listener's. */
            fresh->reuse_address = socket->reuse_address;
            fresh->keepalive = socket->keepalive;
            fresh->receive_buffer = socket->receive_buffer;
            fresh->send_buffer = socket->send_buffer;
            fresh->receive_timeout_ns = socket->receive_timeout_ns;
            fresh->send_timeout_ns = socket->send_timeout_ns;
            fresh->error = tcp->pcb->error;
            tcp->connect_started = tcp->connect_reported = true;
            tcp->linger = listener->linger;
            tcp->inet = listener->inet;
            sync_options(tcp);
            *accepted = fresh;
            return 0;
        }
        if (socket_nonblocking(socket, 0))
            error = -EAGAIN;
        else
            error = socket_wait(socket, deadline);
        if (error)
            break;
    }
    if (fresh) {
        net_unlock();
        socket_destroy(fresh);   /* made for accept, not handed out */
        net_lock();
    }
    return error;
}

static int tcp_socket_shutdown(struct socket *socket, int how)
{
    struct tcp_socket *tcp = tcp_of(socket);
    enum tcp_state state = tcp->pcb->state;
    if (state == TCP_LISTEN)
        return 0;
    socket->shut_read |= how != SHUT_WR;
    socket->shut_write |= how != SHUT_RD;
    if (state == TCP_CLOSED)
        return -ENOTCONN;
    if (how != SHUT_RD)
        return tcp_shutdown(tcp->pcb);
    return 0;
}

static int tcp_socket_getsockname(struct socket *socket, void *address, size_t *length)
{
    struct tcp_pcb *pcb = tcp_of(socket)->pcb;
    return inet_address_to(address, length, pcb->local_address, pcb->local_port);
}

static int tcp_socket_getpeername(struct socket *socket, void *address, size_t *length)
{
    struct tcp_pcb *pcb = tcp_of(socket)->pcb;
    /* Linux: ENOTCONN while CLOSED or SYN_SENT (inet_getname). */
    if (!pcb->remote_port || pcb->state == TCP_CLOSED || pcb->state == TCP_SYN_SENT ||
        pcb->state == TCP_LISTEN)
        return -ENOTCONN;
    return inet_address_to(address, length, pcb->remote_address, pcb->remote_port);
}

/* The pending error, reported once (sock_error). */
static int take_error(struct socket *socket)
{
    int error = socket->error;
    socket->error = 0;
    return -error;
}

static void broken_pipe(const struct socket_message *message)
{
    if (!(message->flags & MSG_NOSIGNAL))
        socket_caller_broken_pipe();
}

/* Can data be queued in this state (ESTABLISHED, CLOSE_WAIT)? */
static bool sending_state(enum tcp_state state)
{
    return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

static ssize_t tcp_socket_sendmsg(struct socket *socket, struct socket_message *message)
{
    struct tcp_socket *tcp = tcp_of(socket);
    uint64_t deadline = socket_deadline(socket->send_timeout_ns);
    bool nonblocking = socket_nonblocking(socket, message->flags);
    size_t sent = 0;
    sync_options(tcp);
    for (;;) {
        struct tcp_pcb *pcb = tcp->pcb;
        if (socket->error)
            return sent ? (ssize_t)sent : take_error(socket);
        if (socket->shut_write || tcp->listening ||
            !(sending_state(pcb->state) || pcb->state == TCP_SYN_SENT ||
              pcb->state == TCP_SYN_RECEIVED)) {
            /* SEND_SHUTDOWN, or no connection (sk_stream_wait_connect): EPIPE. */
            if (sent)
                return (ssize_t)sent;
            broken_pipe(message);
            return -EPIPE;
        }
        if (sent == message->length)
            return (ssize_t)sent;
        size_t space = sending_state(pcb->state) ? tcp_send_space(pcb) : 0;
        if (space) {
            size_t count = MIN(MIN(space, message->length - sent), sizeof(bounce));
            if (socket_message_copy_in(message, bounce, count))
                return sent ? (ssize_t)sent : -EFAULT;
            long queued = message->flags & MSG_MORE ? tcp_send_more(pcb, bounce, count)
                                                    : tcp_send(pcb, bounce, count);
            if (queued < 0)
                return sent ? (ssize_t)sent : queued;
            sent += (size_t)queued;
            continue;
        }
        if (nonblocking)
            return sent ? (ssize_t)sent : -EAGAIN;
        int error = socket_wait(socket, deadline);
        if (error)
            return sent ? (ssize_t)sent : error;
    }
}

/* Copies count bytes at offset of the receive ring without consuming them
 * (MSG_PEEK); the ring's layout is tcp.h's documented invariant. */
static void peek(const struct tcp_ring *ring, size_t offset, void *data, size_t count)
{
    for (size_t i = 0; i < count; i++)
        ((uint8_t *)data)[i] = ring->data[(ring->head + offset + i) % ring->size];
}

static ssize_t tcp_socket_recvmsg(struct socket *socket, struct socket_message *message)
{
    struct tcp_socket *tcp = tcp_of(socket);
    bool peeking = message->flags & MSG_PEEK;
    size_t target = (message->flags & MSG_WAITALL) && !peeking ? message->length : 1;
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    size_t copied = 0;
    sync_options(tcp);
    if (tcp->listening)
        return -ENOTCONN;
    /* Urgent bytes stay in line (tcp/README.md): there is never an
     * out-of-band byte to read, Linux's EINVAL (tcp_recv_urg). */
    if (message->flags & MSG_OOB)
        return -EINVAL;
    message->address_length = 0;     /* a stream reports no source address */
    for (;;) {
        struct tcp_pcb *pcb = tcp->pcb;
        size_t available = tcp_readable_bytes(pcb);
        if (peeking)
            available = available > copied ? available - copied : 0;
        if (available && copied < message->length) {
            size_t count = MIN(MIN(available, message->length - copied), sizeof(bounce));
            if (peeking)
                peek(&pcb->receive, copied, bounce, count);
            else
                count = (size_t)tcp_receive(pcb, bounce, count);
            if (socket_message_copy_out(message, bounce, count))
                return copied ? (ssize_t)copied : -EFAULT;
            copied += count;
            continue;
        }
        if (copied >= target || copied == message->length)
            return (ssize_t)copied;
        if (socket->error)
            return copied ? (ssize_t)copied : take_error(socket);
        if (tcp_at_end_of_stream(pcb) || socket->shut_read ||
            (pcb->state == TCP_CLOSED && tcp->connect_started))
            return (ssize_t)copied;
        if (pcb->state == TCP_CLOSED)
            return -ENOTCONN;
        if (socket_nonblocking(socket, message->flags))
            return copied ? (ssize_t)copied : -EAGAIN;
        int error = socket_wait(socket, deadline);
        if (error)
            return copied ? (ssize_t)copied : error;
    }
}

/* Linux's tcp_poll, with the shutdown bits derived from the pcb. */
static unsigned tcp_socket_poll(struct socket *socket)
{
    struct tcp_socket *tcp = tcp_of(socket);
    struct tcp_pcb *pcb = tcp->pcb;
    unsigned mask = 0;
    if (tcp->listening)
        return list_empty(&pcb->accept_queue) ? 0 : POLLIN | POLLRDNORM;
    bool closed = pcb->state == TCP_CLOSED;
    bool read_shut = socket->shut_read || pcb->fin_received || (closed && tcp->connect_started);
    bool write_shut = socket->shut_write || (closed && tcp->connect_started);
    if ((read_shut && write_shut) || closed)
        mask |= POLLHUP;
    if (read_shut)
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (pcb->state != TCP_SYN_SENT && pcb->state != TCP_SYN_RECEIVED) {
        if (tcp_readable_bytes(pcb))
            mask |= POLLIN | POLLRDNORM;
        /* Writable when at least a third of the buffer is free (sk_stream_is_writeable). */
        size_t space = tcp_send_space(pcb);
        if (write_shut || closed || space * 3 >= pcb->send.size)
            mask |= POLLOUT | POLLWRNORM;
    }
    if (socket->error)
        mask |= POLLERR;
    return mask;
}

static long tcp_socket_ioctl(struct socket *socket, unsigned command, uint64_t argument)
{
    struct tcp_socket *tcp = tcp_of(socket);
    int value;
    switch (command) {
    case FIONREAD:
        if (tcp->listening)
            return -EINVAL;
        value = (int)tcp_readable_bytes(tcp->pcb);
        break;
    case SIOCOUTQ:
        value = tcp->listening ? 0 : (int)tcp->pcb->send.length;
        break;
    case SIOCOUTQNSD:
        value = tcp->listening ? 0 : (int)tcp_unsent_bytes(tcp->pcb);
        break;
    case SIOCATMARK:
        /* The URG bit is ignored and urgent bytes stay in line (tcp/README.md),
         * so no mark is ever pending: 0, Linux's answer without urgent data. */
        value = 0;
        break;
    default:
        return -ENOTTY;
    }
    return socket_copy_to_user((int *)argument, &value, sizeof(value));
}

static int tcp_option_set(struct tcp_socket *tcp, int name, const void *value, size_t length)
{
    int number;
    /* Linux's do_tcp_setsockopt wants a whole int (IP options take a byte). */
    if (length < sizeof(number))
        return -EINVAL;
    memcpy(&number, value, sizeof(number));
    struct tcp_pcb *pcb = tcp->pcb;
    switch (name) {
    case TCP_NODELAY:
        tcp_set_nodelay(pcb, number != 0);
        return 0;
    case TCP_MAXSEG:
        /* Linux: TCP_MIN_MSS (88) .. MAX_TCP_WINDOW, 0 = the route's. */
        if (number && (number < 88 || number > 32767))
            return -EINVAL;
        pcb->user_mss = (uint16_t)number;
        if (number && pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
            pcb->mss = (uint16_t)MIN(pcb->mss, number);
        return 0;
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
        if (number < 1 || number > 32767)
            return -EINVAL;
        if (name == TCP_KEEPIDLE)
            pcb->keepalive_idle_ms = (uint32_t)number * 1000;
        else
            pcb->keepalive_interval_ms = (uint32_t)number * 1000;
        if (pcb->keepalive)
            tcp_set_keepalive(pcb, true);   /* re-arm with the new times */
        return 0;
    case TCP_KEEPCNT:
        if (number < 1 || number > 127)
            return -EINVAL;
        pcb->keepalive_probes = (uint32_t)number;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static void info_of(const struct tcp_pcb *pcb, struct linux_tcp_info *info)
{
    struct tcp_pcb_info figures;
    tcp_get_info(pcb, &figures);
    memset(info, 0, sizeof(*info));
    info->state = (uint8_t)figures.state;
    info->retransmits = (uint8_t)figures.retransmits;
    info->options = (uint8_t)((figures.sack_ok ? TCPI_OPT_SACK : 0) |
                              (figures.wscale_ok ? TCPI_OPT_WSCALE : 0));
    info->wscale = (uint8_t)(figures.snd_wscale | figures.rcv_wscale << 4);
    info->sacked = figures.sacked;
    info->rto = figures.rto_us;
    info->snd_mss = figures.snd_mss;
    info->rcv_mss = figures.rcv_mss;
    info->unacked = figures.unacked;
    info->rtt = figures.rtt_us;
    info->rttvar = figures.rttvar_us;
    info->snd_ssthresh = figures.snd_ssthresh;
    info->snd_cwnd = figures.snd_cwnd;
    info->advmss = pcb->advertised_mss;
    info->rcv_space = figures.rcv_space;
    info->total_retrans = figures.total_retransmits;
}

static int tcp_option_get(struct tcp_socket *tcp, int name, void *value, size_t *length)
{
    struct tcp_pcb *pcb = tcp->pcb;
    int number;
    switch (name) {
    case TCP_INFO: {
        struct linux_tcp_info info;
        info_of(pcb, &info);
        *length = MIN(*length, sizeof(info));
        memcpy(value, &info, *length);
        return 0;
    }
    case TCP_NODELAY: number = pcb->nodelay; break;
    case TCP_MAXSEG:
        number = pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN
                     ? (pcb->user_mss ? pcb->user_mss : TCP_MSS_DEFAULT)
                     : pcb->mss;
        break;
    case TCP_KEEPIDLE: number = (int)(pcb->keepalive_idle_ms / 1000); break;
    case TCP_KEEPINTVL: number = (int)(pcb->keepalive_interval_ms / 1000); break;
    case TCP_KEEPCNT: number = (int)pcb->keepalive_probes; break;
    default:
        return -ENOPROTOOPT;
    }
    *length = MIN(*length, sizeof(number));
    memcpy(value, &number, *length);
    return 0;
}

static int tcp_socket_setsockopt(struct socket *socket, int level, int name, const void *value,
                                 size_t length)
{
    struct tcp_socket *tcp = tcp_of(socket);
    if (level == SOL_TCP)
        return tcp_option_set(tcp, name, value, length);
    /* Linux's do_ip_setsockopt: no groups for a connection (EPROTO), no
     * multicast TTL or interface either (EINVAL). */
    if (level == SOL_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP ||
                            name == MCAST_JOIN_GROUP || name == MCAST_LEAVE_GROUP))
        return -EPROTO;
    if (level == SOL_IP && (name == IP_MULTICAST_TTL || name == IP_MULTICAST_IF))
        return -EINVAL;
    int type_of_service;
    if (level == SOL_IP && name == IP_TOS) {
        /* Linux's __ip_sock_set_tos: the ECN field (RFC 3168 5, the low two
         * bits) of a stream's TOS is TCP's to set, never the user's. */
        int error = socket_option_int(value, length, &type_of_service);
        if (error)
            return error;
        type_of_service &= ~0x03;
        value = &type_of_service;
        length = sizeof(type_of_service);
    }
    if (level == SOL_IP) {
        int error = inet_option_set(&tcp->inet, name, value, length);
        if (!error)
            sync_options(tcp);        /* IP_TTL and IP_TOS: the next segment carries them */
        return error;
    }
    /* The socket layer took these; the pcb's copy follows at once, so an
     * idle connection starts its keepalive timer (Linux's sk_prot->keepalive). */
    if (level == SOL_SOCKET && (name == SO_KEEPALIVE || name == SO_REUSEADDR)) {
        sync_options(tcp);
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_LINGER) {
        if (length < sizeof(tcp->linger))
            return -EINVAL;
        memcpy(&tcp->linger, value, sizeof(tcp->linger));
        return 0;
    }
    return -ENOPROTOOPT;
}

static int tcp_socket_getsockopt(struct socket *socket, int level, int name, void *value,
                                 size_t *length)
{
    struct tcp_socket *tcp = tcp_of(socket);
    if (level == SOL_TCP)
        return tcp_option_get(tcp, name, value, length);
    if (level == SOL_IP)
        return inet_option_get(&tcp->inet, name, value, length);
    if (level == SOL_SOCKET && name == SO_LINGER) {
        struct linux_linger linger = { .on = tcp->linger.on != 0, .seconds = tcp->linger.seconds };
        *length = MIN(*length, sizeof(linger));
        memcpy(value, &linger, *length);
        return 0;
    }
    return inet_getsockopt_unknown(level, SOL_TCP);
}

const socket_op_t tcp_socket_operations = {
    .socket = tcp_socket_create,
    .close = tcp_socket_close,
    .bind = tcp_socket_bind,
    .connect = tcp_socket_connect,
    .listen = tcp_socket_listen,
    .accept = tcp_socket_accept,
    .shutdown = tcp_socket_shutdown,
    .getsockname = tcp_socket_getsockname,
    .getpeername = tcp_socket_getpeername,
    .getsockopt = tcp_socket_getsockopt,
    .setsockopt = tcp_socket_setsockopt,
    .sendmsg = tcp_socket_sendmsg,
    .recvmsg = tcp_socket_recvmsg,
    .poll = tcp_socket_poll,
    .ioctl = tcp_socket_ioctl,
};
