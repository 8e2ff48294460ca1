/*
 * TCP protocol control blocks: allocation and release, the PCB list and
 * segment demultiplexing, binding with ephemeral ports, initial sequence
 * numbers (RFC 6528), state changes with their counters, and
 * /proc/net/tcp.
 *
 * Invariant: a pcb is on the PCB list exactly while local_port != 0 and it
 * is not CLOSED-and-released.
 */
#include "syn_cookie.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

static struct list_node pcbs = LIST_HEAD_INIT(pcbs);

struct list_node *tcp_pcb_list(void)
{
    return &pcbs;
}

/* The rings a pcb was promised (their sizes), or -ENOMEM with neither. */
static int allocate_rings(struct tcp_pcb *pcb, size_t send_size, size_t receive_size)
{
    if (tcp_ring_init(&pcb->send, send_size) || tcp_ring_init(&pcb->receive, receive_size)) {
        tcp_ring_free(&pcb->send);
        tcp_ring_free(&pcb->receive);
        return -ENOMEM;
    }
    return 0;
}

/* A pcb without rings: tcp_pcb_new gives it the default ones, a listener's
 * child gets its own when its handshake completes (tcp_child_established). */
static struct tcp_pcb *pcb_allocate(void)
{
    struct tcp_pcb *pcb = net_zalloc(sizeof(*pcb));
    if (!pcb)
        return NULL;
    pcb->state = TCP_CLOSED;
    pcb->owned = true;
    pcb->mss = TCP_DEFAULT_MSS;
    pcb->advertised_mss = TCP_DEFAULT_MSS;
    pcb->rto_ms = TCP_RTO_INITIAL_MS;
    /* Linux's tcp_keepalive_time, _intvl and _probes. */
    pcb->keepalive_idle_ms = 7200 * 1000;
    pcb->keepalive_interval_ms = 75 * 1000;
    pcb->keepalive_probes = 9;
    list_init(&pcb->accept_queue);         /* timers need only zeroed memory */
    tcp_congestion_init(pcb);
    return pcb;
}

struct tcp_pcb *tcp_pcb_new(void)
{
    struct tcp_pcb *pcb = pcb_allocate();
    if (pcb && allocate_rings(pcb, TCP_DEFAULT_SEND_BUFFER, TCP_DEFAULT_RECEIVE_BUFFER)) {
        net_free(pcb);
        return NULL;
    }
    return pcb;
}

int tcp_set_buffer_sizes(struct tcp_pcb *pcb, size_t send_size, size_t receive_size)
{
    /* A listener's sizes are its connections' (Linux inherits them too). */
    if ((pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN) || pcb->send.length ||
        pcb->receive.length)
        return -EISCONN;
    int error = tcp_ring_init(&pcb->send, send_size);
    if (!error)
        error = tcp_ring_init(&pcb->receive, receive_size);
    return error;
}

static void release(struct tcp_pcb *pcb)
{
    tcp_timers_stop(pcb);
    list_remove(&pcb->node);
    tcp_ring_free(&pcb->send);
    tcp_ring_free(&pcb->receive);
    net_free(pcb);
}

/* Does pcb take a segment to local from remote (wildcards match anything)? */
static bool matches(const struct tcp_pcb *pcb, uint32_t local_address, uint16_t local_port,
                    uint32_t remote_address, uint16_t remote_port)
{
    return pcb->local_port == local_port &&
           (!pcb->local_address || pcb->local_address == local_address) &&
           (!pcb->remote_port ||
            (pcb->remote_address == remote_address && pcb->remote_port == remote_port));
}

/* The listener for a SYN to local: a bound address wins over the wildcard. */
struct tcp_pcb *tcp_listener_lookup(uint32_t local_address, uint16_t local_port)
{
    struct tcp_pcb *best = NULL;
    list_for_each(node, &pcbs) {
        struct tcp_pcb *pcb = container_of(node, struct tcp_pcb, node);
        if (pcb->state == TCP_LISTEN && matches(pcb, local_address, local_port, 0, 0) &&
            (!best || pcb->local_address))
            best = pcb;
    }
    return best;
}

/* A connection's exact 4-tuple wins over a listener (RFC 9293 3.10.7). */
struct tcp_pcb *tcp_pcb_lookup(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port)
{
    list_for_each(node, &pcbs) {
        struct tcp_pcb *pcb = container_of(node, struct tcp_pcb, node);
        if (pcb->state != TCP_CLOSED && pcb->remote_port &&
            matches(pcb, local_address, local_port, remote_address, remote_port))
            return pcb;
    }
    return tcp_listener_lookup(local_address, local_port);
}

/* Would binding pcb to (address, port) clash?  Linux's inet_csk_bind_conflict:
 * SO_REUSEADDR on both lets a port be shared unless the other listens. */
static bool in_use(const void *candidate, uint32_t address, uint16_t port)
{
    const struct tcp_pcb *pcb = candidate;
    list_for_each(node, &pcbs) {
        const struct tcp_pcb *other = container_of(node, struct tcp_pcb, node);
        if (other == pcb || other->local_port != port || other->listener)
            continue;
        if (other->local_address && address && other->local_address != address)
            continue;
        if (!(pcb->reuse_address && other->reuse_address && other->state != TCP_LISTEN))
            return true;
    }
    return false;
}

int tcp_bind(struct tcp_pcb *pcb, uint32_t address, uint16_t port)
{
    if (pcb->local_port || pcb->state != TCP_CLOSED)
        return -EINVAL;
    if (address != IP_ADDRESS_ANY && !ip_address_is_local(NULL, address))
        return -EADDRNOTAVAIL;
    if (port == 0) {
        port = ip_ephemeral_port(in_use, pcb, address);
        if (!port)
            return -EADDRINUSE;
    } else if (in_use(pcb, address, port)) {
        return -EADDRINUSE;
    }
    pcb->local_address = address;
    pcb->local_port = port;
    list_push_back(&pcbs, &pcb->node);
    return 0;
}

void tcp_bind_again(struct tcp_pcb *pcb, uint32_t address, uint16_t port)
{
    pcb->local_address = address;
    pcb->local_port = port;
    list_push_back(&pcbs, &pcb->node);
}

/* The MSS we announce through netif (NULL: no route): its MTU less the
 * fixed IP and TCP headers (RFC 9293 3.7.1; TCP_MAXSEG lowers it, Linux's
 * tcp_mss_clamp). */
static uint16_t interface_mss(const struct netif *netif, uint16_t user_mss)
{
    uint16_t mss = TCP_DEFAULT_MSS;
    if (netif && netif->mtu > 40)
        mss = (uint16_t)MIN(netif->mtu - 40, (uint32_t)TCP_MAX_MSS);
    return user_mss ? MIN(mss, user_mss) : mss;
}

/* The interface a segment to remote_address leaves by, or NULL (no route). */
static struct netif *route_to(uint32_t remote_address)
{
    struct netif *netif;
    uint32_t next_hop, source;
    return ip_route_lookup(remote_address, &netif, &next_hop, &source) ? NULL : netif;
}

/* What the outgoing interface (NULL: no route) allows: the MSS we announce
 * and its segmentation offload. */
static void take_interface_limits(struct tcp_pcb *pcb, const struct netif *netif)
{
    pcb->advertised_mss = interface_mss(netif, pcb->user_mss);
    pcb->gso_max_size = netif ? netif->gso_max_size : 0;
}

uint16_t tcp_announced_mss(const struct tcp_pcb *listener, uint32_t remote_address)
{
    return interface_mss(route_to(remote_address), listener->user_mss);
}

/* The smallest shift that lets the 16-bit window field cover the ring (RFC 7323 2.3). */
static uint8_t receive_shift(const struct tcp_pcb *pcb)
{
    uint8_t shift = 0;
    while (shift < TCP_MAX_WSCALE && (pcb->receive.size >> shift) > 65535)
        shift++;
    return shift;
}

/*
 * RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * M a 4-microsecond timer, F a keyed hash.  F is SipHash-2-4 (Linux's
 * secure_tcp_seq uses it too) under a boot-time random key.
 */
uint32_t tcp_initial_sequence(uint32_t local_address, uint16_t local_port,
                              uint32_t remote_address, uint16_t remote_port)
{
    static uint64_t secret[2];
    static bool keyed;
    if (!keyed) {
        tcp_random_key(secret);
        keyed = true;
    }
    uint64_t words[2] = { (uint64_t)local_address << 32 | remote_address,
                          (uint64_t)local_port << 16 | remote_port };
    uint32_t hash = (uint32_t)tcp_siphash(secret, words, 2);
    return hash + (uint32_t)(net_now_ms() * 250);      /* M: 4 µs ticks */
}

int tcp_listen(struct tcp_pcb *pcb, uint32_t backlog)
{
    if (pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
        return -EINVAL;
    if (!pcb->local_port) {
        int error = tcp_bind(pcb, IP_ADDRESS_ANY, 0);
        if (error)
            return error;
    } else if (pcb->state == TCP_CLOSED) {
        list_for_each(node, &pcbs) {
            const struct tcp_pcb *other = container_of(node, struct tcp_pcb, node);
            if (other != pcb && other->state == TCP_LISTEN &&
                other->local_port == pcb->local_port &&
                (!other->local_address || !pcb->local_address ||
                 other->local_address == pcb->local_address))
                return -EADDRINUSE;
        }
    }
    /* Linux's backlog 0 still admits one connection. */
    pcb->backlog = MAX(backlog, 1u);
    tcp_set_state(pcb, TCP_LISTEN);
    return 0;
}

/* A child of listener in SYN_RECEIVED for the SYN segment describes, that
 * sends iss.  The child holds no rings until its handshake completes: a SYN
 * flood then costs a pcb per SYN queue entry (as Linux's request socks), not
 * the listener's two rings (512 KiB by default, 2 GiB for a backlog of
 * 4096).  NULL without memory. */
static struct tcp_pcb *new_child(struct tcp_pcb *listener, const struct tcp_segment *segment,
                                 uint32_t iss)
{
    struct tcp_pcb *child = pcb_allocate();
    if (!child)
        return NULL;
    child->send.size = listener->send.size;       /* promised; data stays NULL */
    child->receive.size = listener->receive.size;  /* the SYN-ACK's window and scale */
    child->owned = false;
    child->listener = listener;
    child->nodelay = listener->nodelay;
    child->keepalive = listener->keepalive;
    child->keepalive_idle_ms = listener->keepalive_idle_ms;
    child->keepalive_interval_ms = listener->keepalive_interval_ms;
    child->keepalive_probes = listener->keepalive_probes;
    child->ttl = listener->ttl;
    child->type_of_service = listener->type_of_service;
    child->local_address = segment->destination;
    child->local_port = segment->destination_port;
    child->remote_address = segment->source;
    child->remote_port = segment->source_port;
    child->user_mss = listener->user_mss;
    take_interface_limits(child, route_to(child->remote_address));
    child->mss = MIN(child->advertised_mss, segment->mss ? segment->mss : TCP_DEFAULT_MSS);
    if (segment->has_wscale) {
        child->wscale_ok = true;
        child->snd_wscale = segment->wscale;
        child->rcv_wscale = receive_shift(child);
    }
    child->sack_ok = tcp_sack && segment->sack_permitted;
    child->irs = segment->seq;
    child->rcv_nxt = child->rcv_adv = segment->seq + 1;
    child->iss = iss;
    child->snd_una = child->snd_nxt = child->snd_max = child->iss;
    child->snd_buffer_seq = child->iss + 1;
    /* RFC 9293 3.10.7.2: SND.WND from the SYN (never scaled on a SYN, RFC 7323 2.2). */
    child->snd_wnd = child->max_snd_wnd = segment->window;
    child->snd_wl1 = segment->seq;
    child->snd_wl2 = child->iss;
    tcp_congestion_init(child);
    list_push_back(&pcbs, &child->node);
    listener->syn_pending++;
    tcp_set_state(child, TCP_SYN_RECEIVED);
    NET_COUNT(TCP_PASSIVE_OPENS);
    return child;
}

/* A SYN arrived at listener (RFC 9293 3.10.7.2): a child in SYN_RECEIVED
 * that will send iss, or NULL when the accept queue or the SYN queue is full
 * (the SYN is dropped, as Linux does without SYN cookies, and the peer
 * retries; with them, syn_cookie.c answers a SYN that finds the SYN queue
 * full before it comes here). */
struct tcp_pcb *tcp_pcb_new_child(struct tcp_pcb *listener, const struct tcp_segment *segment,
                                  uint32_t iss)
{
    if (listener->accept_pending >= listener->backlog ||
        listener->syn_pending >= listener->backlog)
        return NULL;
    return new_child(listener, segment, iss);
}

struct tcp_pcb *tcp_pcb_new_cookie_child(struct tcp_pcb *listener, const struct tcp_segment *ack,
                                         uint32_t iss, uint16_t peer_mss)
{
    /* The SYN the cookie stands for: the ACK's tuple and window, its
     * sequence number less one, the MSS the cookie kept and no other
     * option (RFC 7323 1.3 and RFC 2018 2: neither side then uses them). */
    struct tcp_segment syn = *ack;
    syn.seq = ack->seq - 1;
    syn.mss = peer_mss;
    syn.has_wscale = false;
    syn.sack_permitted = false;
    syn.sack_count = 0;
    struct tcp_pcb *child = new_child(listener, &syn, iss);
    if (!child)
        return NULL;
    /* Our SYN-ACK went, with the window tcp_syn_cookie_window said. */
    child->snd_nxt = child->snd_max = iss + 1;
    child->rcv_adv = child->rcv_nxt + tcp_syn_cookie_window(listener);
    tcp_arm_retransmit_if_idle(child);
    return child;
}

/* The handshake of a child completed: it waits for tcp_accept. */
void tcp_child_established(struct tcp_pcb *child)
{
    struct tcp_pcb *listener = child->listener;
    /* Without memory the child stays ringless with a zero window (no data is
     * taken: tcp_ring_space is 0); tcp_accept tries again or resets it. */
    allocate_rings(child, listener->send.size, listener->receive.size);
    listener->syn_pending--;
    listener->accept_pending++;
    list_push_back(&listener->accept_queue, &child->accept_node);
    if (listener->accept_ready)
        listener->accept_ready(listener);
}

struct tcp_pcb *tcp_accept(struct tcp_pcb *listener)
{
    if (listener->state != TCP_LISTEN || list_empty(&listener->accept_queue))
        return NULL;
    struct tcp_pcb *child =
        container_of(listener->accept_queue.next, struct tcp_pcb, accept_node);
    list_remove(&child->accept_node);
    listener->accept_pending--;
    child->listener = NULL;
    child->owned = true;
    if (!child->receive.data &&
        allocate_rings(child, listener->send.size, listener->receive.size)) {
        tcp_abort(child);
        return tcp_accept(listener);
    }
    return child;
}

int tcp_connect(struct tcp_pcb *pcb, uint32_t address, uint16_t port)
{
    /* LAB(tcp-connect) BEGIN: an OPEN the state forbids (RFC 9293 3.10.1), with
     * Linux's errors: -EALREADY in SYN-SENT, -EINVAL in LISTEN, -EISCONN in any
     * other state but CLOSED, or when an attempt was made (remote_port set). */
    if (pcb->state == TCP_SYN_SENT)
        return -EALREADY;
    if (pcb->state == TCP_LISTEN)
        return -EINVAL;
    if (pcb->state != TCP_CLOSED || pcb->remote_port)
        return -EISCONN;
    /* LAB(tcp-connect) END */
    if (address == IP_ADDRESS_ANY || port == 0 || ip_address_is_broadcast(NULL, address) ||
        ip_address_is_multicast(address))
        return -ENETUNREACH;        /* Linux: connect to a broadcast is ENETUNREACH */
    struct netif *netif;
    uint32_t next_hop, source;
    int error = ip_route_lookup(address, &netif, &next_hop, &source);
    if (error)
        return error;
    if (!pcb->local_port && (error = tcp_bind(pcb, IP_ADDRESS_ANY, 0)))
        return error;
    if (!pcb->local_address)
        pcb->local_address = source;
    const struct tcp_pcb *existing =
        tcp_pcb_lookup(pcb->local_address, pcb->local_port, address, port);
    if (existing && existing->remote_port)
        return -EADDRNOTAVAIL;      /* the 4-tuple is taken */
    pcb->remote_address = address;
    pcb->remote_port = port;
    take_interface_limits(pcb, netif);
    pcb->mss = MIN(pcb->advertised_mss, TCP_DEFAULT_MSS);
    pcb->rcv_wscale = receive_shift(pcb);
    pcb->sack_ok = tcp_sack != 0;         /* offered; the SYN-ACK says if agreed */
    /* LAB(tcp-connect) BEGIN: the active OPEN (RFC 9293 3.10.1, 3.3.1): the ISS of
     * the 4-tuple (tcp_initial_sequence, RFC 6528), SND.UNA = SND.NXT = SND.MAX =
     * ISS, the send queue's first byte at ISS + 1 (snd_buffer_seq), no pending
     * error, tcp_congestion_init (it reads the ISS), SYN-SENT, Tcp ActiveOpens
     * counted, the SYN sent (tcp_output), 0 returned. */
    pcb->iss = tcp_initial_sequence(pcb->local_address, pcb->local_port, address, port);
    pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->iss;
    pcb->snd_buffer_seq = pcb->iss + 1;
    pcb->error = 0;
    tcp_congestion_init(pcb);
    tcp_set_state(pcb, TCP_SYN_SENT);
    NET_COUNT(TCP_ACTIVE_OPENS);
    tcp_output(pcb);
    return 0;
    /* LAB(tcp-connect) STUB
     * return -EOPNOTSUPP;
     * LAB(tcp-connect) END */
}

/* Counters follow RFC 1213's tcpCurrEstab and tcpEstabResets definitions:
 * connections in ESTABLISHED or CLOSE_WAIT, and "direct transitions to the
 * CLOSED state" from those, whoever reset (Linux counts our aborts too). */
static bool counted_established(enum tcp_state state)
{
    return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state state)
{
    if (counted_established(pcb->state) && state == TCP_CLOSED)
        NET_COUNT(TCP_ESTAB_RESETS);
    if (counted_established(pcb->state) && !counted_established(state))
        net_counters[NET_TCP_CURR_ESTAB]--;
    else if (!counted_established(pcb->state) && counted_established(state))
        NET_COUNT(TCP_CURR_ESTAB);
    pcb->state = state;
}

static void drop_children(struct tcp_pcb *listener)
{
    list_for_each_safe(node, &pcbs) {
        struct tcp_pcb *child = container_of(node, struct tcp_pcb, node);
        if (child->listener != listener)
            continue;
        if (child->state != TCP_CLOSED)
            tcp_send_reset(child);     /* Linux: closing a listener resets its queue */
        list_remove(&child->accept_node);
        child->listener = NULL;
        tcp_set_state(child, TCP_CLOSED);
        release(child);
    }
    list_for_each_safe(node, &listener->accept_queue) {
        struct tcp_pcb *child = container_of(node, struct tcp_pcb, accept_node);
        list_remove(&child->accept_node);
        release(child);
    }
    listener->syn_pending = listener->accept_pending = 0;
}

void tcp_pcb_closed(struct tcp_pcb *pcb)
{
    if (pcb->state == TCP_LISTEN)
        drop_children(pcb);
    tcp_set_state(pcb, TCP_CLOSED);
    tcp_timers_stop(pcb);
    struct tcp_pcb *listener = pcb->listener;
    if (listener && !pcb->accept_node.next) {
        /* a child still in SYN_RECEIVED: nobody will accept it */
        listener->syn_pending--;
        release(pcb);
        return;
    }
    if (!pcb->owned && !listener) {
        release(pcb);
        return;
    }
    /* Owned (or waiting in an accept queue): stays, CLOSED, for its socket. */
    list_remove(&pcb->node);
}

void tcp_pcb_fail(struct tcp_pcb *pcb, int error)
{
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED)
        NET_COUNT(TCP_ATTEMPT_FAILS);
    /* Linux's tcp_write_err: a connection that gives up after an ICMP
     * error reports that error rather than ETIMEDOUT. */
    if (error == ETIMEDOUT && pcb->soft_error)
        error = pcb->soft_error;
    pcb->error = error;
    if (pcb->owned && pcb->failed)
        pcb->failed(pcb, error);
    tcp_pcb_closed(pcb);
}

void tcp_close(struct tcp_pcb *pcb)
{
    pcb->owned = false;
    pcb->established = NULL;
    pcb->readable = NULL;
    pcb->writable = NULL;
    pcb->failed = NULL;
    pcb->accept_ready = NULL;
    /* LAB(tcp-connect) BEGIN: CLOSE by state (RFC 9293 3.10.4): CLOSED, LISTEN and
     * SYN-SENT just delete the TCB (tcp_pcb_closed); with unread data the
     * connection is aborted instead (tcp_abort: RFC 2525 2.17, as Linux); in
     * TIME-WAIT the orphan only gives its rings back (tcp_pcb_release_buffers);
     * otherwise the FIN goes as for shutdown (tcp_shutdown), and an orphan in
     * FIN-WAIT-2 gets its time limit (tcp_arm_fin_wait_2_timeout). */
    switch (pcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_SYN_SENT:
        tcp_pcb_closed(pcb);                     /* RFC 9293 3.10.4: delete the TCB */
        return;
    default:
        break;
    }
    /* RFC 9293 3.10.4 leaves unread data to the implementation; Linux (and
     * RFC 2525 2.17) resets the connection so the peer knows it was lost. */
    if (pcb->receive.length || (pcb->state != TCP_TIME_WAIT && pcb->ooo_count)) {
        tcp_abort(pcb);
        return;
    }
    if (pcb->state == TCP_TIME_WAIT) {
        tcp_pcb_release_buffers(pcb);
        return;
    }
    if (pcb->state == TCP_FIN_WAIT_2)
        tcp_arm_fin_wait_2_timeout(pcb);
    tcp_shutdown(pcb);
    /* LAB(tcp-connect) STUB
     * tcp_abort(pcb);
     * LAB(tcp-connect) END */
}

/* An orphan in TIME-WAIT has delivered and received everything: it keeps
 * only what its 2 MSL of answers need (sequence numbers, the advertised
 * edge), not 2 x 64 KiB of rings, so many short connections closed from
 * our side do not pin megabytes for a minute (Linux's small tw sockets). */
void tcp_pcb_release_buffers(struct tcp_pcb *pcb)
{
    tcp_ring_free(&pcb->send);
    tcp_ring_free(&pcb->receive);
}

void tcp_abort(struct tcp_pcb *pcb)
{
    pcb->owned = false;
    switch (pcb->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        /* RFC 9293 3.10.5: "send a reset segment" in these states. */
        tcp_send_reset(pcb);
        break;
    default:
        break;
    }
    tcp_pcb_closed(pcb);
}

void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_pcb_info *info)
{
    memset(info, 0, sizeof(*info));
    info->state = pcb->state;
    info->rtt_us = pcb->srtt_us;
    info->rttvar_us = pcb->rttvar_us;
    info->rto_us = pcb->rto_ms * 1000;
    info->snd_mss = pcb->mss;
    info->rcv_mss = pcb->advertised_mss;
    info->snd_cwnd = pcb->mss ? pcb->cwnd / pcb->mss : 0;
    info->snd_ssthresh = pcb->mss ? MIN(pcb->ssthresh / pcb->mss, 0x7fffffffu) : 0;
    info->retransmits = pcb->retransmits;
    info->total_retransmits = pcb->total_retransmits;
    info->snd_wscale = pcb->snd_wscale;
    info->rcv_wscale = pcb->rcv_wscale;
    info->sack_ok = pcb->sack_ok;
    info->wscale_ok = pcb->wscale_ok;
    /* Linux's tcpi_unacked counts segments in flight (packets_out), not bytes */
    info->unacked = pcb->mss ? (pcb->snd_max - pcb->snd_una + pcb->mss - 1) / pcb->mss : 0;
    for (int i = 0; i < pcb->sacked_count && pcb->mss; i++)
        info->sacked += (pcb->sacked[i].end - pcb->sacked[i].start + pcb->mss - 1) / pcb->mss;
    info->rcv_space = (uint32_t)tcp_ring_space(&pcb->receive);
}

/* Linux pads each line of /proc/net/tcp to 149 characters (tcp4_seq_show). */
static size_t append_padded(char *buffer, size_t size, size_t used, const char *line)
{
    size_t length = strlen(line), width = MAX(length, (size_t)149) + 1;
    for (size_t i = 0; i < width; i++) {
        char c = i < length ? line[i] : i + 1 < width ? ' ' : '\n';
        if (used + 1 < size)
            buffer[used] = c;
        used++;
    }
    if (size)
        buffer[MIN(used, size - 1)] = 0;
    return used;
}

/* Which timer /proc/net/tcp's tr column names (Linux's get_tcp4_sock):
 * 1 retransmit, 4 zero-window probe, 2 keepalive, 3 TIME_WAIT, 0 none. */
static const struct net_timer *active_timer(const struct tcp_pcb *pcb, int *kind)
{
    if (pcb->retransmit_timer.armed)
        return *kind = 1, &pcb->retransmit_timer;
    if (pcb->persist_timer.armed)
        return *kind = 4, &pcb->persist_timer;
    if (pcb->time_wait_timer.armed)
        return *kind = pcb->state == TCP_TIME_WAIT ? 3 : 2, &pcb->time_wait_timer;
    if (pcb->keepalive_timer.armed)
        return *kind = 2, &pcb->keepalive_timer;
    return *kind = 0, NULL;
}

void tcp_pcb_census(size_t *orphans, size_t *time_wait)
{
    *orphans = *time_wait = 0;
    list_for_each(node, &pcbs) {
        const struct tcp_pcb *pcb = container_of(node, struct tcp_pcb, node);
        if (pcb->state == TCP_TIME_WAIT)
            (*time_wait)++;
        else if (!pcb->owned && !pcb->listener)    /* not a child waiting for accept */
            (*orphans)++;
    }
}

/* Addresses print as the raw network-order word (%08X), ports in host
 * order; times in clock ticks of 100 Hz (USER_HZ), as Linux prints them. */
size_t tcp_pcb_format(char *buffer, size_t size)
{
    char line[200];
    size_t used = append_padded(buffer, size, 0,
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
        "  timeout inode");
    int slot = 0;
    uint64_t now = net_now_ms();
    list_for_each(node, &pcbs) {
        const struct tcp_pcb *pcb = container_of(node, struct tcp_pcb, node);
        int kind;
        const struct net_timer *timer = active_timer(pcb, &kind);
        unsigned long when = timer && timer->deadline_ms > now
                                 ? (unsigned long)(timer->deadline_ms - now) / 10 : 0;
        uint32_t rx = pcb->state == TCP_LISTEN ? pcb->accept_pending : (uint32_t)pcb->receive.length;
        uint32_t tx = pcb->state == TCP_LISTEN ? 0 : (uint32_t)pcb->send.length;
        if (pcb->state == TCP_TIME_WAIT) {
            snprintf(line, sizeof(line),
                     "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d "
                     "0000000000000000",
                     slot++, pcb->local_address, net_ntohs(pcb->local_port), pcb->remote_address,
                     net_ntohs(pcb->remote_port), pcb->state, 0u, 0u, 3, when, 0u, 0, 0, 0, 1);
        } else {
            snprintf(line, sizeof(line),
                     "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu 1 "
                     "0000000000000000 %u %u %u %u %d",
                     slot++, pcb->local_address, net_ntohs(pcb->local_port), pcb->remote_address,
                     net_ntohs(pcb->remote_port), pcb->state, tx, rx, kind, when,
                     pcb->retransmits, pcb->uid, 0, pcb->inode, pcb->rto_ms / 10,
                     pcb->state == TCP_LISTEN ? 0u : TCP_DELAYED_ACK_MS / 10, 0u, pcb->mss ? pcb->cwnd / pcb->mss : 0,
                     pcb->ssthresh >= 0x7fffffffu ? -1 : (int)(pcb->ssthresh / MAX(pcb->mss, 1)));
        }
        used = append_padded(buffer, size, used, line);
    }
    return used;
}
