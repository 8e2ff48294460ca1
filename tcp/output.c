/*
 * TCP output: building segments (header, SYN options, checksum over the
 * pseudo-header, RFC 9293 3.1) and deciding what to send: the send window
 * and congestion window (RFC 5681), Nagle's algorithm (RFC 896, RFC 1122
 * 4.2.3.4) and sender SWS avoidance, the advertised window with receiver
 * SWS avoidance (RFC 1122 4.2.3.3), ACKs and resets.
 */
#include "tcp_private.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

uint32_t tcp_flight_size(const struct tcp_pcb *pcb)
{
    return pcb->snd_max - pcb->snd_una;
}

static uint32_t fin_sequence(const struct tcp_pcb *pcb)
{
    return pcb->snd_buffer_seq + (uint32_t)pcb->send.length;
}

/* LAB(tcp-data) BEGIN: the helpers tcp_receive_window and tcp_window_update_due share, if
 * you want some: the reference has two, the largest window the 16-bit field carries at our
 * scale (65535 << rcv_wscale), and the right edge that receiver SWS avoidance allows now. */
/* The largest window the 16-bit field can carry at our scale. */
static uint32_t window_limit(const struct tcp_pcb *pcb)
{
    return 65535u << pcb->rcv_wscale;
}

/*
 * Receiver SWS avoidance (RFC 1122 4.2.3.3): the right edge moves only when
 * it can move by min(buffer / 2, MSS); it never moves left (RFC 9293
 * 3.8.6: shrinking the window is strongly discouraged).
 */
static uint32_t allowed_right_edge(const struct tcp_pcb *pcb)
{
    uint32_t advertised = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv : pcb->rcv_nxt;
    uint32_t space = (uint32_t)MIN(tcp_ring_space(&pcb->receive), window_limit(pcb));
    space &= ~((1u << pcb->rcv_wscale) - 1);            /* what the scaled field can say */
    uint32_t edge = pcb->rcv_nxt + space;
    if (seq_leq(edge, advertised))
        return advertised;
    uint32_t step = MIN((uint32_t)pcb->receive.size / 2, (uint32_t)pcb->advertised_mss);
    if (edge - advertised < step)
        return advertised;
    return edge;
}
/* LAB(tcp-data) END */

uint32_t tcp_receive_window(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: the window to advertise, RFC 9293 3.8.6 with receiver SWS
     * avoidance (RFC 1122 4.2.3.3).  The right edge RCV.NXT + window never moves left
     * (shrinking is "strongly discouraged"), and moves right only when it can move by at
     * least min(receive.size / 2, advertised_mss).  The window is at most the receive
     * ring's free space and what the header can say at our scale (RFC 7323 2.3): at most
     * 65535 << rcv_wscale, and a whole number of 1 << rcv_wscale.  Keep the edge in rcv_adv
     * and return the window.  The stub advertises a zero window. */
    pcb->rcv_adv = allowed_right_edge(pcb);
    return pcb->rcv_adv - pcb->rcv_nxt;
    /* LAB(tcp-data) STUB
     * pcb->rcv_adv = pcb->rcv_nxt;
     * return 0;
     * LAB(tcp-data) END */
}

/* After a read: Linux's rule (tcp_cleanup_rbuf) of announcing a window at
 * least twice the one the peer knows, within what SWS avoidance allows. */
bool tcp_window_update_due(const struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: after the application read: true when the right edge SWS
     * avoidance allows now differs from rcv_adv and gives a window at least twice the one
     * the peer knows (Linux's rule in tcp_cleanup_rbuf).  The stub never sends an update. */
    uint32_t current = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    uint32_t edge = allowed_right_edge(pcb);
    return edge != pcb->rcv_adv && edge - pcb->rcv_nxt >= 2 * current;
    /* LAB(tcp-data) STUB
     * return false;
     * LAB(tcp-data) END */
}

/* A frame for segmentation offload (gso_size) carries the pseudo-header's
 * sum, folded, not complemented, and counts as the segments it becomes
 * (Linux's convention for a partial checksum, virtio 5.1.6.2). */
static void checksum_and_send(struct pbuf *segment, uint32_t source, uint32_t destination,
                              uint8_t flags, const struct ip_output_options *options)
{
    struct tcp_header *header = (struct tcp_header *)segment->data;
    uint16_t length = (uint16_t)pbuf_length(segment);
    uint32_t pseudo_header = ip_pseudo_header_sum(source, destination, IP_PROTOCOL_TCP, length);
    header->checksum = 0;
    if (segment->gso_size) {
        uint32_t payload = length - (uint32_t)(header->data_offset >> 4) * 4;
        header->checksum = (uint16_t)~ip_checksum_finish(pseudo_header, header, 0);
        NET_COUNT_ADD(TCP_OUT_SEGS, (payload + segment->gso_size - 1) / segment->gso_size);
    } else {
        header->checksum = ip_checksum_finish(pseudo_header, header, length);
        NET_COUNT(TCP_OUT_SEGS);
    }
    pbuf_mark_l4(segment);
    if (flags & TCP_FLAG_RST)
        NET_COUNT(TCP_OUT_RSTS);
    ip_output(segment, source, destination, IP_PROTOCOL_TCP, options);
}

/* A segment of pcb's connection, with its IP_TTL and IP_TOS. */
static void send_for(const struct tcp_pcb *pcb, struct pbuf *segment, uint8_t flags)
{
    struct ip_output_options options = { .ttl = pcb->ttl,
                                         .type_of_service = pcb->type_of_service };
    checksum_and_send(segment, pcb->local_address, pcb->remote_address, flags, &options);
}

/* A segment from pcb: header with options_length bytes of room, payload
 * copied from the send ring at seq.  NULL when out of buffers. */
static struct pbuf *build(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags,
                          size_t options_length, uint32_t payload_length)
{
    size_t header_length = TCP_HEADER_SIZE + options_length;
    struct pbuf *segment = pbuf_alloc(PBUF_TRANSPORT, header_length + payload_length);
    if (!segment)
        return NULL;
    struct tcp_header *header = (struct tcp_header *)segment->data;
    memset(header, 0, header_length);
    header->source_port = pcb->local_port;
    header->destination_port = pcb->remote_port;
    header->sequence = net_htonl(seq);
    header->data_offset = (uint8_t)(header_length / 4) << 4;
    header->flags = flags;
    if (flags & TCP_FLAG_ACK)
        header->acknowledgment = net_htonl(pcb->rcv_nxt);
    uint32_t window = tcp_receive_window(pcb);
    /* RFC 7323 2.2: the window in a SYN is never scaled. */
    header->window = net_htons((uint16_t)((flags & TCP_FLAG_SYN) ? MIN(window, 65535u)
                                                                  : window >> pcb->rcv_wscale));
    if (payload_length)
        tcp_ring_copy_out(&pcb->send, seq - pcb->snd_buffer_seq, segment->data + header_length,
                          payload_length);
    return segment;
}

/* Every segment we send with ACK acknowledges everything so far: the
 * delayed ACK is no longer owed. */
static void ack_sent(struct tcp_pcb *pcb)
{
    pcb->ack_now = false;
    pcb->unacked_bytes = 0;
    net_timer_cancel(&pcb->delayed_ack_timer);
}

/* RFC 9293 3.7.1 (RFC 6691): the options a segment carries come out of
 * the MSS; only SACK blocks vary after the handshake.  (A peer MSS too
 * small to hold them is ignored there: the segment still fits our MTU.) */
uint32_t tcp_segment_room(const struct tcp_pcb *pcb)
{
    uint32_t options_length = (uint32_t)tcp_options_sack_length(pcb);
    return options_length < pcb->mss ? pcb->mss - options_length : pcb->mss;
}

uint32_t tcp_burst_room(const struct tcp_pcb *pcb)
{
    uint32_t room = tcp_segment_room(pcb);
    uint32_t headers = sizeof(struct ip_header) + TCP_HEADER_SIZE + TCP_MAX_OPTIONS;
    if (pcb->gso_max_size <= headers + room)
        return room;
    return (pcb->gso_max_size - headers) / room * room;
}

bool tcp_send_segment(struct tcp_pcb *pcb, uint32_t seq, uint32_t max_length,
                      enum tcp_send_kind kind)
{
    uint8_t flags = TCP_FLAG_ACK;
    uint8_t options[TCP_MAX_OPTIONS];
    size_t options_length = 0;
    uint32_t length = 0, room = 0, sequence_length;
    bool handshake = pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED;
    if (seq == pcb->iss && handshake) {
        /* RFC 9293 3.10.7.2-3: <SEQ=ISS><CTL=SYN> or <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
        flags = pcb->state == TCP_SYN_SENT ? TCP_FLAG_SYN : TCP_FLAG_SYN | TCP_FLAG_ACK;
        options_length = tcp_options_write_syn(pcb, options);
        sequence_length = 1;
    } else {
        options_length = tcp_options_write_sack(pcb, options);
        room = tcp_segment_room(pcb);
        uint32_t offset = seq - pcb->snd_buffer_seq;
        uint32_t available = offset < pcb->send.length ? (uint32_t)pcb->send.length - offset : 0;
        /* Only new data goes out in frames the device cuts (offload):
         * a retransmission is one segment. */
        length = MIN(MIN(available, max_length), kind == TCP_SEND_NEW ? tcp_burst_room(pcb) : room);
        if (length && length == available)
            flags |= TCP_FLAG_PSH;    /* the last queued byte: push it (RFC 9293 3.9.1.2) */
        /* FIN after the last byte, once shutdown queued it. */
        if (pcb->fin_queued && !handshake && seq + length == fin_sequence(pcb))
            flags |= TCP_FLAG_FIN;
        sequence_length = length + ((flags & TCP_FLAG_FIN) ? 1 : 0);
    }
    struct pbuf *segment = build(pcb, seq, flags, options_length, length);
    if (!segment)
        return false;
    memcpy(segment->data + TCP_HEADER_SIZE, options, options_length);
    if (length > room)
        segment->gso_size = (uint16_t)room;
    if (sequence_length) {
        uint32_t end = seq + sequence_length;
        if (kind == TCP_SEND_RETRANSMISSION) {
            NET_COUNT(TCP_RETRANS_SEGS);
            if (flags & TCP_FLAG_SYN)
                NET_COUNT(TCPEXT_TCP_SYN_RETRANS);
            else if (pcb->in_recovery)
                NET_COUNT(TCPEXT_TCP_FAST_RETRANS);
            pcb->total_retransmits++;
            /* Karn's rule (RFC 6298 3): no sample from a retransmitted segment. */
            if (pcb->rtt_timing && seq_lt(seq, pcb->rtt_seq))
                pcb->rtt_timing = false;
        } else if (!pcb->rtt_timing && seq_gt(end, pcb->snd_max) && kind == TCP_SEND_NEW) {
            pcb->rtt_timing = true;
            pcb->rtt_seq = end;
            pcb->rtt_start_ms = net_now_ms();
        }
        if (kind != TCP_SEND_PROBE && seq_gt(end, pcb->snd_nxt))
            pcb->snd_nxt = end;
        pcb->snd_max = seq_max(pcb->snd_max, end);
        if (kind != TCP_SEND_PROBE)
            tcp_arm_retransmit_if_idle(pcb);
    }
    if (flags & TCP_FLAG_ACK)
        ack_sent(pcb);
    send_for(pcb, segment, flags);
    return true;
}

void tcp_send_ack(struct tcp_pcb *pcb)
{
    uint8_t options[TCP_MAX_OPTIONS];
    size_t options_length = tcp_options_write_sack(pcb, options);
    struct pbuf *segment = build(pcb, pcb->snd_nxt, TCP_FLAG_ACK, options_length, 0);
    if (!segment)
        return;
    memcpy(segment->data + TCP_HEADER_SIZE, options, options_length);
    ack_sent(pcb);
    send_for(pcb, segment, TCP_FLAG_ACK);
}

/* RFC 5961 7: challenge ACKs are limited per second across the host. */
void tcp_send_challenge_ack(struct tcp_pcb *pcb)
{
    static uint64_t second;
    static uint32_t sent;
    uint64_t now = net_now_ms() / 1000;
    if (now != second) {
        second = now;
        sent = 0;
    }
    if (sent++ < TCP_CHALLENGE_ACK_LIMIT) {
        NET_COUNT(TCPEXT_TCP_CHALLENGE_ACK);
        tcp_send_ack(pcb);
    }
}

/* Keepalive probe (RFC 1122 4.2.3.6): <SEQ=SND.UNA-1><ACK=RCV.NXT>, no data.
 * Counted in TcpExt TCPKeepAlive once built, as Linux's tcp_xmit_probe_skb. */
void tcp_send_keepalive_probe(struct tcp_pcb *pcb)
{
    struct pbuf *segment = build(pcb, pcb->snd_una - 1, TCP_FLAG_ACK, 0, 0);
    if (!segment)
        return;
    NET_COUNT(TCPEXT_TCP_KEEP_ALIVE);
    send_for(pcb, segment, TCP_FLAG_ACK);
}

void tcp_send_reset(struct tcp_pcb *pcb)
{
    struct pbuf *segment = build(pcb, pcb->snd_nxt, TCP_FLAG_RST | TCP_FLAG_ACK, 0, 0);
    if (!segment)
        return;
    ((struct tcp_header *)segment->data)->window = 0;
    send_for(pcb, segment, TCP_FLAG_RST);
}

void tcp_send_cookie_syn_ack(const struct tcp_pcb *listener, const struct tcp_segment *syn,
                             uint32_t iss, uint16_t mss, uint16_t window)
{
    size_t header_length = TCP_HEADER_SIZE + 4;        /* the MSS option */
    struct pbuf *segment = pbuf_alloc(PBUF_TRANSPORT, header_length);
    if (!segment)
        return;
    struct tcp_header *header = (struct tcp_header *)segment->data;
    memset(header, 0, header_length);
    header->source_port = syn->destination_port;
    header->destination_port = syn->source_port;
    header->sequence = net_htonl(iss);
    header->acknowledgment = net_htonl(syn->seq + 1);
    header->data_offset = (uint8_t)(header_length / 4) << 4;
    header->flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
    header->window = net_htons(window);
    tcp_options_write_mss(mss, segment->data + TCP_HEADER_SIZE);
    struct ip_output_options options = { .ttl = listener->ttl,
                                         .type_of_service = listener->type_of_service };
    checksum_and_send(segment, syn->destination, syn->source, header->flags, &options);
}

/* RFC 9293 3.10.7.1: "If the ACK bit is off, sequence number zero is used,
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; if the ACK bit is on,
 * <SEQ=SEG.ACK><CTL=RST>".  Never in answer to a reset. */
void tcp_send_reset_for(const struct tcp_segment *incoming)
{
    /* LAB(tcp-connect) BEGIN: never answer a reset; else build a 20-byte header
     * (pbuf_alloc(PBUF_TRANSPORT, ...); no buffer: give up) with the incoming
     * segment's ports swapped and the sequence, acknowledgment and flags of RFC
     * 9293 3.10.7.1 (window 0), and send it from its destination address to its
     * source with checksum_and_send (which counts OutSegs and OutRsts), with IP's
     * default options (NULL): no connection's IP_TTL or IP_TOS applies. */
    if (incoming->flags & TCP_FLAG_RST)
        return;
    struct pbuf *segment = pbuf_alloc(PBUF_TRANSPORT, TCP_HEADER_SIZE);
    if (!segment)
        return;
    struct tcp_header *header = (struct tcp_header *)segment->data;
    memset(header, 0, TCP_HEADER_SIZE);
    header->source_port = incoming->destination_port;
    header->destination_port = incoming->source_port;
    header->data_offset = 5 << 4;
    if (incoming->flags & TCP_FLAG_ACK) {
        header->sequence = net_htonl(incoming->ack);
        header->flags = TCP_FLAG_RST;
    } else {
        header->acknowledgment = net_htonl(incoming->seq + incoming->len);
        header->flags = TCP_FLAG_RST | TCP_FLAG_ACK;
    }
    checksum_and_send(segment, incoming->destination, incoming->source, TCP_FLAG_RST, NULL);
    /* LAB(tcp-connect) STUB
     * (void)incoming;
     * LAB(tcp-connect) END */
}

/* LAB(tcp-data) BEGIN: sender SWS avoidance with Nagle's algorithm, for the send loop (RFC
 * 1122 4.2.3.4, RFC 896).  A segment of length bytes (of the available ones queued) is
 * worth sending when it is full (tcp_segment_room), when it takes all that is queued and
 * nothing is outstanding, or TCP_NODELAY (nodelay) is set, when it takes the last bytes
 * before a queued FIN, or when nothing is outstanding and it is at least half the largest
 * window the peer offered (max_snd_wnd); but never a partial segment while corked
 * (MSG_MORE).  Otherwise wait for an ACK, or for the persist timer when nothing is
 * outstanding.  (The reference's helper is worth_sending.) */
/*
 * Sender SWS avoidance and Nagle (RFC 1122 4.2.3.4): send a segment of
 * length bytes (of available queued ones) when it is full, when it empties
 * the queue and nothing is outstanding (or TCP_NODELAY), or when it is at
 * least half the largest window the peer offered.  Otherwise wait for an
 * ACK (or the persist timer, when nothing is outstanding).
 */
static bool worth_sending(const struct tcp_pcb *pcb, uint32_t length, uint32_t available)
{
    if (pcb->corked && length < tcp_segment_room(pcb))
        return false;             /* MSG_MORE: more data is coming to fill it */
    bool idle = pcb->snd_nxt == pcb->snd_una;
    if (length >= tcp_segment_room(pcb))      /* a full segment (SACK blocks come out of it) */
        return true;
    if (length == available && (idle || pcb->nodelay))
        return true;
    if (pcb->fin_queued && length == available)
        return true;              /* closing: nothing more will come to fill it */
    return idle && length >= pcb->max_snd_wnd / 2;
}
/* LAB(tcp-data) END */

/*
 * Is cwnd what holds the sender back after the send loop?  Yes when what
 * is in flight (the pipe, in SACK recovery) fills the congestion window,
 * or when data waits and the window's room is below the next segment,
 * whatever the peer's window says (Linux's tcp_write_xmit checks cwnd
 * first too).  No when nothing waits or the peer's window alone stops it.
 */
static bool held_by_congestion_window(const struct tcp_pcb *pcb)
{
    uint32_t in_flight = pcb->snd_nxt - pcb->snd_una;
    uint32_t pipe = pcb->in_recovery && pcb->sack_ok ? tcp_sack_pipe(pcb) : in_flight;
    uint32_t congestion_window = tcp_congestion_window(pcb);
    if (pipe >= congestion_window)
        return true;
    uint32_t offset = pcb->snd_nxt - pcb->snd_buffer_seq;
    uint32_t waiting = seq_lt(pcb->snd_nxt, fin_sequence(pcb))
                           ? (uint32_t)pcb->send.length - offset : 0;
    return waiting && congestion_window - pipe < MIN(waiting, tcp_segment_room(pcb));
}

void tcp_output(struct tcp_pcb *pcb)
{
    net_assert_context();
    switch (pcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
        return;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        if (pcb->snd_nxt == pcb->iss)
            tcp_send_segment(pcb, pcb->iss, 0, TCP_SEND_NEW);
        else if (pcb->ack_now)
            tcp_send_ack(pcb);
        return;
    default:
        break;
    }
    uint32_t sent_from = pcb->snd_nxt;
    /* LAB(tcp-data) BEGIN: the send loop (RFC 9293 3.8.6, RFC 5681, RFC 1122 4.2.3.4): from
     * SND.NXT, send what the usable window allows, the smaller of the send window (SND.UNA
     * + SND.WND - SND.NXT) and the congestion window (tcp_congestion_window) less what is
     * in flight, in frames of at most tcp_burst_room, each worth sending (above), with
     * tcp_send_segment(pcb, pcb->snd_nxt, length, TCP_SEND_NEW).  A queued FIN
     * (fin_queued, once the state is past ESTABLISHED and CLOSE-WAIT) goes after the last
     * byte; alone it needs no window.  When nothing may go while nothing is outstanding and
     * the peer's window is below min(queued bytes, MSS), arm the persist timer (RFC 9293
     * 3.8.6.1); also when tcp_send_segment finds no buffer (after trying one segment of
     * tcp_segment_room when a larger frame failed).  With SACK: going back over sent data
     * after a timeout, skip what the peer SACKed (tcp_sack_skip_sacked) and end a segment
     * where SACKed data begins (send it even if small); in SACK recovery (in_recovery and
     * sack_ok) count tcp_sack_pipe as in flight, and let tcp_sack_retransmit_next send a
     * hole first whenever one MSS fits the congestion window (RFC 6675 5, NextSeg).  Never
     * loop without sending.  The stub sends no data. */
    /* RFC 6675: in SACK loss recovery what is in flight is the pipe, and
     * holes go before new data (NextSeg). */
    bool sack_recovery = pcb->in_recovery && pcb->sack_ok;
    for (;;) {
        /* After a timeout, going back over what was sent: skip what the
         * peer SACKed (it is not lost). */
        uint32_t unsacked_run = UINT32_MAX;
        if (pcb->sacked_count && seq_lt(pcb->snd_nxt, pcb->snd_max))
            unsacked_run = tcp_sack_skip_sacked(pcb, &pcb->snd_nxt, UINT32_MAX);
        uint32_t offset = pcb->snd_nxt - pcb->snd_buffer_seq;
        uint32_t available = seq_lt(pcb->snd_nxt, fin_sequence(pcb))
                                 ? (uint32_t)pcb->send.length - offset : 0;
        bool fin_pending = pcb->fin_queued && seq_leq(pcb->snd_nxt, fin_sequence(pcb)) &&
                           pcb->state != TCP_CLOSE_WAIT && pcb->state != TCP_ESTABLISHED;
        uint32_t in_flight = pcb->snd_nxt - pcb->snd_una;
        uint32_t pipe = sack_recovery ? tcp_sack_pipe(pcb) : in_flight;
        uint32_t congestion_window = tcp_congestion_window(pcb);
        uint32_t congestion_room = congestion_window > pipe ? congestion_window - pipe : 0;
        uint32_t send_room = pcb->snd_wnd > in_flight ? pcb->snd_wnd - in_flight : 0;
        if (sack_recovery && congestion_room >= pcb->mss &&
            tcp_sack_retransmit_next(pcb, available && send_room))
            continue;
        if (!available) {
            if (fin_pending)      /* a FIN alone (it needs no window) */
                tcp_send_segment(pcb, pcb->snd_nxt, 0, TCP_SEND_NEW);
            break;
        }
        uint32_t window = MIN(send_room, congestion_room);
        uint32_t length = MIN(MIN(MIN(available, window), tcp_burst_room(pcb)), unsacked_run);
        bool fills_hole = length == unsacked_run;       /* SACKed data follows: no more fits */
        if (!length || (!fills_hole && !worth_sending(pcb, length, available))) {
            /* RFC 9293 3.8.6.1: a zero (or SWS-small) window with nothing
             * outstanding is probed, or nothing would ever reopen it. */
            if (in_flight == 0 && pcb->snd_wnd < MIN(available, (uint32_t)pcb->mss))
                tcp_arm_persist(pcb);
            break;
        }
        uint32_t before = pcb->snd_nxt, room = tcp_segment_room(pcb);
        /* A frame for offload needs a 64 KiB buffer: without one, one segment. */
        if (!tcp_send_segment(pcb, pcb->snd_nxt, length, TCP_SEND_NEW) &&
            (length <= room || !tcp_send_segment(pcb, pcb->snd_nxt, room, TCP_SEND_NEW))) {
            tcp_arm_persist(pcb);     /* out of buffers: try again later */
            break;
        }
        if (pcb->snd_nxt == before)
            break;                    /* nothing went: never spin */
    }
    /* LAB(tcp-data) END */
    /* Congestion window validation (RFC 7661): how much of cwnd was used. */
    bool cwnd_limited = held_by_congestion_window(pcb);
    if (pcb->snd_nxt != sent_from || cwnd_limited)
        tcp_congestion_on_sent(pcb, cwnd_limited);
    if (pcb->ack_now)
        tcp_send_ack(pcb);
}
