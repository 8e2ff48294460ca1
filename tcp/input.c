/*
 * TCP input: header checks, demultiplexing, and RFC 9293 3.10.7 SEGMENT
 * ARRIVES step by step (3.10.7.1 CLOSED, 3.10.7.2 LISTEN, 3.10.7.3
 * SYN-SENT, 3.10.7.4 the other states: first check sequence number,
 * second RST, third security, fourth SYN, fifth ACK, sixth URG, seventh
 * segment text, eighth FIN), with RFC 5961's defences against blind
 * resets, SYNs and data injection.
 */
#include "syn_cookie.h"
#include "../icmp/icmp.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

static bool checksum_valid(const struct ip_header *ip, const struct pbuf *packet)
{
    if (packet->checksum_verified)
        return true;
    uint32_t sum = ip_pseudo_header_sum(ip->source, ip->destination, IP_PROTOCOL_TCP,
                                        (uint16_t)pbuf_length(packet));
    return ip_checksum_finish(sum, packet->data, pbuf_length(packet)) == 0;
}

/* Header checks (RFC 9293 3.1, 3.10.7), once the segment holds its whole
 * header (header_fits): false when the data offset is below 5. */
static bool parse(const struct pbuf *packet, struct tcp_segment *segment)
{
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet);
    const struct tcp_header *header = (const struct tcp_header *)packet->data;
    size_t length = pbuf_length(packet);
    size_t header_length = (size_t)(header->data_offset >> 4) * 4;
    if (header_length < TCP_HEADER_SIZE)
        return false;
    memset(segment, 0, sizeof(*segment));
    segment->seq = net_ntohl(header->sequence);
    segment->ack = net_ntohl(header->acknowledgment);
    segment->flags = header->flags;
    segment->window = net_ntohs(header->window);
    segment->payload = packet->data + header_length;
    segment->payload_length = (uint16_t)(length - header_length);
    segment->source = ip->source;
    segment->destination = ip->destination;
    segment->source_port = header->source_port;
    segment->destination_port = header->destination_port;
    segment->len = segment->payload_length + ((segment->flags & TCP_FLAG_SYN) ? 1 : 0) +
                   ((segment->flags & TCP_FLAG_FIN) ? 1 : 0);
    tcp_options_parse(packet->data + TCP_HEADER_SIZE, header_length - TCP_HEADER_SIZE, segment);
    return true;
}

/* The segment holds the fixed header and the options its data offset
 * claims.  As Linux (tcp_v4_rcv's pskb_may_pull), a segment cut short is
 * dropped without counting an error: it is not a TCP segment at all. */
static bool header_fits(const struct pbuf *packet)
{
    size_t length = pbuf_length(packet);
    if (length < TCP_HEADER_SIZE)
        return false;
    const struct tcp_header *header = (const struct tcp_header *)packet->data;
    return (size_t)(header->data_offset >> 4) * 4 <= length;
}

/* 3.10.7.1 CLOSED: everything but a reset is answered with a reset. */
static void closed_state(const struct tcp_segment *segment)
{
    /* LAB(tcp-connect) BEGIN: no connection takes this segment (RFC 9293 3.10.7.1):
     * answer it with a reset (tcp_send_reset_for, which you write in output.c). */
    tcp_send_reset_for(segment);
    /* LAB(tcp-connect) STUB
     * (void)segment;
     * LAB(tcp-connect) END */
}

/* 3.10.7.2 LISTEN; a new connection's ISN is *iss, or RFC 6528's when NULL. */
static void listen_state(struct tcp_pcb *listener, const struct tcp_segment *segment,
                         const uint32_t *iss)
{
    /* LAB(tcp-connect) BEGIN: RFC 9293 3.10.7.2 in its order: a RST is ignored; an
     * ACK gets <SEQ=SEG.ACK><CTL=RST>; a SYN (without FIN) makes a child in
     * SYN-RECEIVED (tcp_pcb_new_child with ISN *iss, or tcp_initial_sequence's
     * when iss is NULL; NULL back means the queues are full: drop) and sends its
     * SYN-ACK (tcp_output); anything else is dropped. */
    /* First, check for a RST: ignore it. */
    if (segment->flags & TCP_FLAG_RST)
        return;
    /* Second, check for an ACK: <SEQ=SEG.ACK><CTL=RST>. */
    if (segment->flags & TCP_FLAG_ACK) {
        tcp_send_reset_for(segment);
        return;
    }
    /* Third, check for a SYN: a new connection in SYN-RECEIVED sends
     * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.  Data on the SYN is not kept
     * (no TCP Fast Open; the peer sends it again after the handshake).
     * SYN with FIN opens nothing (Linux drops it too). */
    if ((segment->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) == TCP_FLAG_SYN) {
        uint32_t chosen = iss ? *iss
                              : tcp_initial_sequence(segment->destination,
                                                     segment->destination_port,
                                                     segment->source, segment->source_port);
        struct tcp_pcb *child = tcp_pcb_new_child(listener, segment, chosen);
        if (child)
            tcp_output(child);
    }
    /* Fourth, other text or control: drop. */
    /* LAB(tcp-connect) STUB
     * (void)listener, (void)segment, (void)iss;
     * LAB(tcp-connect) END */
}

/* LAB(tcp-connect) BEGIN: the helpers syn_sent_state and the fifth step need:
 * taking the options of the peer's SYN-ACK (MSS, window scale, SACK-permitted)
 * and entering ESTABLISHED (the README says what that involves). */
static void take_peer_options(struct tcp_pcb *pcb, const struct tcp_segment *segment)
{
    pcb->mss = MIN(pcb->advertised_mss, segment->mss ? segment->mss : TCP_DEFAULT_MSS);
    if (segment->has_wscale) {
        pcb->wscale_ok = true;
        pcb->snd_wscale = segment->wscale;
    } else {
        pcb->rcv_wscale = pcb->snd_wscale = 0;    /* RFC 7323 1.3: both or neither */
    }
    pcb->sack_ok = pcb->sack_ok && segment->sack_permitted;   /* RFC 2018 2 */
    tcp_congestion_init(pcb);
}

static void connection_established(struct tcp_pcb *pcb)
{
    tcp_set_state(pcb, TCP_ESTABLISHED);
    pcb->quick_acks = TCP_QUICK_ACKS;
    pcb->retransmits = 0;
    pcb->backoff = 0;
    tcp_rearm_retransmit(pcb);
    tcp_arm_keepalive(pcb);
    if (pcb->listener) {
        tcp_child_established(pcb);
    } else if (pcb->established) {
        pcb->established(pcb);
    }
    /* A shutdown(SHUT_WR) before the handshake completed takes effect now. */
    if (pcb->fin_queued)
        tcp_set_state(pcb, TCP_FIN_WAIT_1);
}
/* LAB(tcp-connect) END */

static bool process_synchronized(struct tcp_pcb *pcb, struct tcp_segment *segment);

/* 3.10.7.3 SYN-SENT. */
static void syn_sent_state(struct tcp_pcb *pcb, struct tcp_segment *segment)
{
    /* LAB(tcp-connect) BEGIN: RFC 9293 3.10.7.3 in its order: first the ACK bit
     * (SEG.ACK =< ISS or > SND.NXT: reset <SEQ=SEG.ACK><CTL=RST> unless RST, retry
     * the SYN soon with tcp_retry_syn_soon, drop); then the RST bit (only with an
     * acceptable ACK: ECONNREFUSED, RFC 5961 3.2); then the SYN bit (without FIN):
     * take IRS and the peer's window and options; with an acceptable ACK, enter
     * ESTABLISHED, ACK the SYN-ACK and continue at the sixth step with any data or
     * FIN (process_synchronized); without one (simultaneous open), enter
     * SYN-RECEIVED and send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
    bool acceptable_ack = false;
    /* First, check the ACK bit. */
    if (segment->flags & TCP_FLAG_ACK) {
        if (seq_leq(segment->ack, pcb->iss) || seq_gt(segment->ack, pcb->snd_max)) {
            /* Our reset clears the peer's half-open old connection
             * (RFC 9293 3.5.1, figure 11): retry our SYN soon.  A RST
             * with a bad ACK may mean the same, and Linux retries soon
             * after either (tcp_rcv_synsent_state_process). */
            tcp_retry_syn_soon(pcb);
            tcp_send_reset_for(segment);          /* unless RST, which it checks */
            return;
        }
        acceptable_ack = seq_lt(pcb->snd_una, segment->ack) &&
                         seq_leq(segment->ack, pcb->snd_max);
    }
    /* Second, check the RST bit (RFC 5961 3.2: only with an ACK of our SYN). */
    if (segment->flags & TCP_FLAG_RST) {
        if (acceptable_ack)
            tcp_pcb_fail(pcb, ECONNREFUSED);
        return;
    }
    /* Third, security: no IPSO/CIPSO here. */
    /* Fourth, check the SYN bit (with FIN it opens nothing, as in LISTEN). */
    if ((segment->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) != TCP_FLAG_SYN)
        return;                                   /* fifth: drop */
    pcb->irs = segment->seq;
    pcb->rcv_nxt = segment->seq + 1;
    pcb->rcv_adv = pcb->rcv_nxt;          /* the SYN's window was relative to nothing */
    take_peer_options(pcb, segment);
    tcp_receive_window(pcb);
    pcb->snd_wnd = pcb->max_snd_wnd = segment->window;    /* never scaled on a SYN */
    pcb->snd_wl1 = segment->seq;
    pcb->snd_wl2 = segment->ack;
    if (acceptable_ack) {
        pcb->snd_una = segment->ack;
        pcb->snd_nxt = seq_max(pcb->snd_nxt, pcb->snd_una);  /* a timeout may have reset it */
        if (pcb->rtt_timing && pcb->retransmits == 0)
            tcp_rtt_sample(pcb, (uint32_t)(net_now_ms() - pcb->rtt_start_ms));
        pcb->rtt_timing = false;
        connection_established(pcb);
        pcb->ack_now = true;
        /* "If there are other controls or text in the segment, then
         * continue processing at the sixth step". */
        if (segment->payload_length || (segment->flags & TCP_FLAG_FIN)) {
            segment->seq++;
            segment->len--;
            segment->flags &= (uint8_t)~(TCP_FLAG_SYN | TCP_FLAG_ACK);
            if (!process_synchronized(pcb, segment))
                return;
        }
        tcp_output(pcb);
        return;
    }
    /* Simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SYN-RECEIVED. */
    tcp_set_state(pcb, TCP_SYN_RECEIVED);
    pcb->rtt_timing = false;
    tcp_send_segment(pcb, pcb->iss, 0, TCP_SEND_NEW);
    /* LAB(tcp-connect) STUB
     * (void)segment;
     * tcp_pcb_fail(pcb, EOPNOTSUPP);
     * LAB(tcp-connect) END */
}

static bool sequence_acceptable(const struct tcp_pcb *pcb, const struct tcp_segment *segment)
{
    /* LAB(tcp-data) BEGIN: RFC 9293 3.10.7.4, first step: the table of four cases, with
     * RCV.WND the window we advertised (rcv_adv - rcv_nxt, 0 when rcv_adv is not beyond
     * rcv_nxt).  A segment of SEG.LEN > 0 (SYN and FIN count) is acceptable when its first
     * or its last octet lies in [RCV.NXT, RCV.NXT + RCV.WND); with a zero window, only one
     * at exactly RCV.NXT (RFC 9293's "special allowance" for its ACK: trim_to_window then
     * leaves it no text, as Linux does).  The stub takes exactly RCV.NXT only. */
    uint32_t window = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    uint32_t seq = segment->seq, end = segment->seq + segment->len;
    if (segment->len == 0)
        return window ? seq_in(seq, pcb->rcv_nxt, pcb->rcv_nxt + window) : seq == pcb->rcv_nxt;
    /* RFC 9293: with a zero window no text is acceptable, but "special
     * allowance should be made to accept valid ACKs, URGs, and RSTs"; as
     * Linux, a segment at RCV.NXT goes on (its text is trimmed to nothing). */
    if (!window)
        return seq == pcb->rcv_nxt;
    return seq_in(seq, pcb->rcv_nxt, pcb->rcv_nxt + window) ||
           seq_in(end - 1, pcb->rcv_nxt, pcb->rcv_nxt + window);
    /* LAB(tcp-data) STUB
     * return segment->seq == pcb->rcv_nxt;
     * LAB(tcp-data) END */
}

/* Cut what lies before RCV.NXT and beyond the window (RFC 9293 3.10.7.4,
 * first step: "segments with higher beginning sequence numbers ... should
 * be held"; the ones starting earlier are trimmed). */
static void trim_to_window(const struct tcp_pcb *pcb, struct tcp_segment *segment)
{
    /* LAB(tcp-data) BEGIN: cut what lies before RCV.NXT (a SYN there first: it occupies one
     * sequence number, then text) and the text beyond the right edge we advertised (a FIN
     * beyond it goes too), keeping seq, len, payload and payload_length consistent.  The
     * stub leaves the segment as it came. */
    if (seq_lt(segment->seq, pcb->rcv_nxt)) {
        uint32_t skip = pcb->rcv_nxt - segment->seq;
        if (segment->flags & TCP_FLAG_SYN) {
            segment->flags &= (uint8_t)~TCP_FLAG_SYN;
            skip--;
            segment->seq++;
            segment->len--;
        }
        skip = MIN(skip, (uint32_t)segment->payload_length);
        segment->payload += skip;
        segment->payload_length = (uint16_t)(segment->payload_length - skip);
        segment->seq += skip;
        segment->len -= skip;
    }
    uint32_t edge = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv : pcb->rcv_nxt;
    uint32_t room = seq_gt(edge, segment->seq) ? edge - segment->seq : 0;
    if (segment->payload_length > room) {
        segment->payload_length = (uint16_t)room;
        segment->flags &= (uint8_t)~TCP_FLAG_FIN;   /* the FIN is beyond the window */
        segment->len = room;
    }
    /* LAB(tcp-data) END */
}

/* LAB(tcp-connect) BEGIN: has the peer acknowledged our FIN?  (It was queued,
 * all data before it is acknowledged, and SND.UNA is past it.) */
static bool our_fin_acked(const struct tcp_pcb *pcb)
{
    return pcb->fin_queued && pcb->send.length == 0 &&
           seq_gt(pcb->snd_una, pcb->snd_buffer_seq);
}
/* LAB(tcp-connect) END */

/* Fifth step, for an ACK in snd_una < ack <= snd_max: drop what it covers. */
static void new_data_acknowledged(struct tcp_pcb *pcb, uint32_t ack)
{
    /* LAB(tcp-data) BEGIN: the fifth step for an ACK with SND.UNA < SEG.ACK =< SND.MAX:
     * drop the acknowledged bytes from the send ring (snd_buffer_seq is the sequence number
     * of its first byte; our SYN and FIN occupy sequence numbers but no ring bytes), set
     * SND.UNA (and SND.NXT, if a timeout took it back below), tell the SACK scoreboard
     * (tcp_sack_acknowledged).  RFC 6298 2 and 3 (Karn): if the segment being timed
     * (rtt_timing, rtt_seq, rtt_start_ms: tcp_send_segment starts timing, and stops when it
     * retransmits) is now covered, give tcp_rtt_sample its RTT.  The retry count
     * (retransmits, RFC 1122 4.2.3.5) starts again, the backoff stays (RFC 6298 5, after
     * 5.7: only a new sample collapses it); tcp_rearm_retransmit restarts or stops the
     * timer (RFC 6298 5.2, 5.3).  Then tcp_congestion_on_ack with the bytes acknowledged,
     * and the writable callback when the ring has room.  The stub ignores the ACK. */
    uint32_t acked = ack - pcb->snd_una;
    if (seq_gt(ack, pcb->snd_buffer_seq)) {
        uint32_t data = MIN(ack - pcb->snd_buffer_seq, (uint32_t)pcb->send.length);
        tcp_ring_drop(&pcb->send, data);
        pcb->snd_buffer_seq += data;
    }
    pcb->snd_una = ack;
    if (seq_lt(pcb->snd_nxt, ack))
        pcb->snd_nxt = ack;
    tcp_sack_acknowledged(pcb);
    /* RFC 6298 2 with Karn: sample only a segment never retransmitted. */
    if (pcb->rtt_timing && seq_geq(ack, pcb->rtt_seq)) {
        tcp_rtt_sample(pcb, (uint32_t)(net_now_ms() - pcb->rtt_start_ms));
        pcb->rtt_timing = false;
    }
    pcb->retransmits = 0;                 /* RFC 6298 5.3; the backoff stays (Karn) */
    tcp_rearm_retransmit(pcb);
    tcp_congestion_on_ack(pcb, acked);
    if (pcb->writable && tcp_send_space(pcb))
        pcb->writable(pcb);
    /* LAB(tcp-data) END */
}

static void update_send_window(struct tcp_pcb *pcb, const struct tcp_segment *segment)
{
    /* LAB(tcp-data) BEGIN: RFC 9293 3.10.7.4, fifth step: if SND.WL1 < SEG.SEQ, or SND.WL1
     * = SEG.SEQ and SND.WL2 =< SEG.ACK, set SND.WND (SEG.WND << snd_wscale, RFC 7323 2.3),
     * MAX.SND.WND, SND.WL1 and SND.WL2.  A window that opens from zero stops the persist
     * timer and its backoff (persist_backoff).  The stub keeps the window of the handshake. */
    /* RFC 9293 3.10.7.4: only a segment newer than the last update moves it. */
    if (seq_lt(pcb->snd_wl1, segment->seq) ||
        (pcb->snd_wl1 == segment->seq && seq_leq(pcb->snd_wl2, segment->ack))) {
        bool was_closed = pcb->snd_wnd == 0;
        pcb->snd_wnd = segment->window << pcb->snd_wscale;
        pcb->max_snd_wnd = MAX(pcb->max_snd_wnd, pcb->snd_wnd);
        pcb->snd_wl1 = segment->seq;
        pcb->snd_wl2 = segment->ack;
        if (was_closed && pcb->snd_wnd) {
            net_timer_cancel(&pcb->persist_timer);
            pcb->persist_backoff = 0;
        }
    }
    /* LAB(tcp-data) END */
}

/* RFC 5681 2: a duplicate ACK comes while data is outstanding, carries
 * no data and no FIN (a SYN never gets this far: fourth step), acknowledges
 * SND.UNA again and advertises the same window as before. */
static bool duplicate_ack(const struct tcp_pcb *pcb, const struct tcp_segment *segment)
{
    /* LAB(tcp-data) BEGIN: RFC 5681 2's five conditions for a duplicate ACK.  The stub sees
     * none, so fast retransmit never starts. */
    return segment->ack == pcb->snd_una && segment->payload_length == 0 &&
           !(segment->flags & TCP_FLAG_FIN) &&
           segment->window << pcb->snd_wscale == pcb->snd_wnd && pcb->snd_max != pcb->snd_una;
    /* LAB(tcp-data) STUB
     * return false;
     * LAB(tcp-data) END */
}

/* LAB(tcp-connect) BEGIN: the eighth step's work once the FIN is in order, if you
 * want it in a helper: RCV.NXT over the FIN, the state change (RFC 9293 3.10.7.4,
 * eighth step), an ACK owed, the reader woken (it reads end of file). */
static bool fin_arrived(struct tcp_pcb *pcb)
{
    pcb->rcv_nxt++;
    pcb->fin_received = true;
    pcb->ooo_fin = false;
    pcb->ack_now = true;
    switch (pcb->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        tcp_set_state(pcb, TCP_CLOSE_WAIT);
        break;
    case TCP_FIN_WAIT_1:
        if (our_fin_acked(pcb))
            tcp_enter_time_wait(pcb);
        else
            tcp_set_state(pcb, TCP_CLOSING);
        break;
    case TCP_FIN_WAIT_2:
        tcp_enter_time_wait(pcb);
        break;
    default:
        break;
    }
    if (pcb->readable)
        pcb->readable(pcb);
    return true;
}
/* LAB(tcp-connect) END */

/* RFC 5961 4.2: a SYN in a synchronized state, in the window or not,
 * earns a challenge ACK; counted as an input error too, as Linux does. */
static void syn_challenge(struct tcp_pcb *pcb)
{
    NET_COUNT(TCP_IN_ERRS);
    NET_COUNT(TCPEXT_TCP_SYN_CHALLENGE);
    tcp_send_challenge_ack(pcb);
}

/*
 * 3.10.7.4, the synchronized states and SYN-RECEIVED.  Returns false when
 * the pcb is gone (closed and released) and must not be touched.
 */
static bool process_synchronized(struct tcp_pcb *pcb, struct tcp_segment *segment)
{
    uint8_t flags = segment->flags;
    /* First, check the sequence number.  In a simultaneous open the
     * peer's SYN-ACK repeats the SYN we already took (RCV.NXT - 1): as
     * Linux, it passes, and trimming removes the SYN (RFC 9293 figure 8). */
    bool simultaneous_syn_ack = pcb->state == TCP_SYN_RECEIVED && !pcb->listener &&
                                (flags & TCP_FLAG_SYN) && (flags & TCP_FLAG_ACK) &&
                                segment->seq + 1 == pcb->rcv_nxt;
    if (!simultaneous_syn_ack && !sequence_acceptable(pcb, segment)) {
        if (flags & TCP_FLAG_RST)
            return true;
        if (pcb->state == TCP_SYN_RECEIVED) {
            /* a retransmitted SYN: our SYN-ACK was lost, send it again */
            tcp_send_segment(pcb, pcb->iss, 0, TCP_SEND_RETRANSMISSION);
            return true;
        }
        if ((flags & TCP_FLAG_SYN) && pcb->state != TCP_TIME_WAIT) {
            syn_challenge(pcb);
            return true;
        }
        /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; in TIME-WAIT a
         * retransmitted FIN also restarts the 2 MSL wait. */
        if (pcb->state == TCP_TIME_WAIT && (flags & TCP_FLAG_FIN))
            tcp_enter_time_wait(pcb);
        tcp_send_ack(pcb);
        return true;
    }
    /* That SYN-ACK is below RCV.NXT, which calls for an ACK (3.10.7.4,
     * first step); Linux sends it and still takes the segment's ACK. */
    if (simultaneous_syn_ack)
        pcb->ack_now = true;
    trim_to_window(pcb, segment);
    flags = segment->flags;
    /* Second, check the RST bit. */
    /* LAB(tcp-connect) BEGIN: a RST (already known to be in the window) resets the
     * connection only exactly at RCV.NXT; anywhere else it earns a challenge ACK
     * (RFC 5961 3.2).  What a reset does depends on the state (RFC 9293 3.10.7.4,
     * second step): SYN-RECEIVED fails with ECONNREFUSED (a passive one is a
     * TcpExt EmbryonicRsts); ESTABLISHED and FIN-WAIT-1/2 with ECONNRESET;
     * CLOSE-WAIT with EPIPE (Linux); CLOSING, LAST-ACK and TIME-WAIT just close.
     * Return false once the pcb is gone. */
    if (flags & TCP_FLAG_RST) {
        if (segment->seq != pcb->rcv_nxt) {
            tcp_send_challenge_ack(pcb);
            return true;
        }
        switch (pcb->state) {
        case TCP_SYN_RECEIVED:
            /* Passive: back to LISTEN (the listener forgets the child);
             * active (simultaneous open): "connection refused". */
            if (pcb->listener)
                NET_COUNT(TCPEXT_EMBRYONIC_RSTS);
            tcp_pcb_fail(pcb, ECONNREFUSED);
            return false;
        case TCP_ESTABLISHED:
        case TCP_FIN_WAIT_1:
        case TCP_FIN_WAIT_2:
            tcp_pcb_fail(pcb, ECONNRESET);
            return false;
        case TCP_CLOSE_WAIT:
            /* The peer had closed already: a send fails with EPIPE (Linux). */
            tcp_pcb_fail(pcb, EPIPE);
            return false;
        default:                          /* CLOSING, LAST-ACK, TIME-WAIT */
            tcp_pcb_closed(pcb);
            return false;
        }
    }
    /* LAB(tcp-connect) STUB
     * if (flags & TCP_FLAG_RST)
     *     return true;
     * LAB(tcp-connect) END */
    /* Third, check security: no IPSO/CIPSO here. */
    /* Fourth, check the SYN bit. */
    /* LAB(tcp-connect) BEGIN: a SYN here earns a challenge ACK in every
     * synchronized state (RFC 5961 4.2, syn_challenge), except that a passive
     * SYN-RECEIVED connection goes back to LISTEN: it is closed (RFC 9293
     * 3.10.7.4, fourth step). */
    if (flags & TCP_FLAG_SYN) {
        if (pcb->state == TCP_SYN_RECEIVED && pcb->listener) {
            tcp_pcb_closed(pcb);
            return false;
        }
        syn_challenge(pcb);
        return true;
    }
    /* LAB(tcp-connect) STUB
     * if (flags & TCP_FLAG_SYN)
     *     return true;
     * LAB(tcp-connect) END */
    /* Fifth, check the ACK field. */
    if (!(flags & TCP_FLAG_ACK))
        return true;
    /* LAB(tcp-connect) BEGIN: in SYN-RECEIVED, an ACK outside SND.UNA < SEG.ACK =<
     * SND.NXT (SND.MAX here) gets <SEQ=SEG.ACK><CTL=RST> and the segment is dropped
     * (RFC 9293 3.10.7.4, fifth step: "If SEG.ACK is not acceptable, form a reset
     * segment"; RFC 5961's challenge ACKs are for the synchronized states, and
     * Linux resets here too). */
    if (pcb->state == TCP_SYN_RECEIVED &&
        (!seq_gt(segment->ack, pcb->snd_una) || seq_gt(segment->ack, pcb->snd_max))) {
        tcp_send_reset_for(segment);
        return true;
    }
    /* LAB(tcp-connect) END */
    /* RFC 5961 5.2: acceptable only in [SND.UNA - MAX.SND.WND, SND.NXT];
     * below, a challenge ACK.  Above, RFC 9293 and RFC 5961 want an ACK
     * too; Linux drops the segment silently, and so do we (an ACK would
     * tell a blind attacker nothing new either). */
    if (seq_gt(segment->ack, pcb->snd_max))
        return true;
    if (seq_lt(segment->ack, pcb->snd_una - pcb->max_snd_wnd)) {
        tcp_send_challenge_ack(pcb);
        return true;
    }
    /* LAB(tcp-connect) BEGIN: the ACK completes the handshake (SYN-RECEIVED): unless
     * the listener's accept queue is full (then drop the segment, as Linux), take
     * the send window from it (SND.WND, SND.WL1, SND.WL2, MAX.SND.WND), SND.UNA =
     * SEG.ACK, an RTT sample if the SYN-ACK was sent once, and enter ESTABLISHED
     * (RFC 9293 3.10.7.4, fifth step); the ACK is then processed as in ESTABLISHED. */
    if (pcb->state == TCP_SYN_RECEIVED) {
        if (pcb->listener && pcb->listener->accept_pending >= pcb->listener->backlog)
            return true;                  /* accept queue full: Linux drops the ACK */
        pcb->snd_wnd = segment->window << pcb->snd_wscale;
        pcb->max_snd_wnd = MAX(pcb->max_snd_wnd, pcb->snd_wnd);
        pcb->snd_wl1 = segment->seq;
        pcb->snd_wl2 = segment->ack;
        pcb->snd_una = segment->ack;
        pcb->snd_nxt = seq_max(pcb->snd_nxt, pcb->snd_una);
        if (pcb->rtt_timing && pcb->retransmits == 0)
            tcp_rtt_sample(pcb, (uint32_t)(net_now_ms() - pcb->rtt_start_ms));
        pcb->rtt_timing = false;
        connection_established(pcb);
    }
    /* LAB(tcp-connect) END */
    tcp_sack_update(pcb, segment);
    if (seq_gt(segment->ack, pcb->snd_una)) {
        pcb->soft_error = 0;              /* something got through (Linux's tcp_ack) */
        new_data_acknowledged(pcb, segment->ack);
    } else if (duplicate_ack(pcb, segment))
        tcp_congestion_on_duplicate_ack(pcb);
    if (segment->sack_count)
        tcp_congestion_on_sack(pcb);
    pcb->keepalive_probes_sent = 0;       /* the peer is alive */
    update_send_window(pcb, segment);
    /* LAB(tcp-connect) BEGIN: the moves an ACK of our FIN makes (RFC 9293 3.10.7.4,
     * fifth step): FIN-WAIT-1 to FIN-WAIT-2 (stop the retransmission timer; an
     * orphan gets tcp_arm_fin_wait_2_timeout), CLOSING to TIME-WAIT, LAST-ACK to
     * CLOSED (return false: the pcb is gone).  Then RFC 1122 4.2.2.13: data
     * arriving after close() (no socket owns the pcb) in FIN-WAIT-1 or -2 gets
     * <SEQ=SEG.ACK><CTL=RST> and the connection is closed, as Linux. */
    switch (pcb->state) {
    case TCP_FIN_WAIT_1:
        if (our_fin_acked(pcb)) {
            tcp_set_state(pcb, TCP_FIN_WAIT_2);
            net_timer_cancel(&pcb->retransmit_timer);
            tcp_arm_fin_wait_2_timeout(pcb);
        }
        break;
    case TCP_CLOSING:
        if (our_fin_acked(pcb))
            tcp_enter_time_wait(pcb);
        break;
    case TCP_LAST_ACK:
        if (our_fin_acked(pcb)) {
            tcp_pcb_closed(pcb);
            return false;
        }
        break;
    default:
        break;
    }
    /* RFC 1122 4.2.2.13: "if new data is received after CLOSE is called,
     * its TCP SHOULD send a RST to show that data was lost" (Linux:
     * <SEQ=SEG.ACK><CTL=RST> in FIN-WAIT-1 and -2, then CLOSED). */
    if (segment->payload_length && !pcb->owned &&
        (pcb->state == TCP_FIN_WAIT_1 || pcb->state == TCP_FIN_WAIT_2)) {
        tcp_send_reset_for(segment);
        tcp_pcb_closed(pcb);
        return false;
    }
    /* LAB(tcp-connect) END */
    /* Sixth, check the URG bit: urgent data is not supported; its bytes
     * are delivered in line (as with SO_OOBINLINE). */
    /* Seventh, process the segment text. */
    bool receiving = pcb->state == TCP_ESTABLISHED || pcb->state == TCP_FIN_WAIT_1 ||
                     pcb->state == TCP_FIN_WAIT_2;
    /* LAB(tcp-data) BEGIN: the seventh step: in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2
     * (receiving), the text goes to tcp_reassembly_insert, which returns the bytes it made
     * in order (RCV.NXT moved over them); count them in unacked_bytes and call the readable
     * callback.  Then the ACK: at once (ack_now) for a segment out of order or one that
     * fills a hole (RFC 5681 4.2), for each of the first quick_acks data segments (count
     * them down: Linux's quick ACKs), or when more than one MSS is unacknowledged (RFC 1122
     * 4.2.3.2); else delayed (tcp_arm_delayed_ack).  Text in any other state is only
     * acknowledged.  The stub drops the text and acknowledges the unchanged RCV.NXT. */
    if (segment->payload_length && receiving) {
        bool had_holes = pcb->ooo_count > 0;
        uint32_t delivered = tcp_reassembly_insert(pcb, segment->seq, segment->payload,
                                                   segment->payload_length);
        pcb->unacked_bytes += delivered;
        if (segment->seq != pcb->rcv_nxt - delivered || had_holes) {
            /* RFC 5681 4.2: out of order, or filling a hole: ACK at once. */
            pcb->ack_now = true;
        } else if (pcb->quick_acks) {
            /* Linux's quick-ACK mode: the first segments of a connection
             * are ACKed at once, so the peer's slow start is not slowed
             * by delayed ACKs (RFC 5681 4.2 allows it). */
            pcb->quick_acks--;
            pcb->ack_now = true;
        } else if (pcb->unacked_bytes > pcb->mss) {
            /* RFC 1122 4.2.3.2: at least every second full-sized segment
             * (more than one MSS unacknowledged, as Linux counts it). */
            pcb->ack_now = true;
        } else {
            tcp_arm_delayed_ack(pcb);
        }
        if (delivered && pcb->readable)
            pcb->readable(pcb);
    } else if (segment->payload_length) {
        pcb->ack_now = true;
    }
    /* LAB(tcp-data) STUB
     * if (segment->payload_length)
     *     pcb->ack_now = true;
     * LAB(tcp-data) END */
    /* Eighth, check the FIN bit. */
    /* LAB(tcp-connect) BEGIN: a FIN at RCV.NXT (after the segment's text) is taken
     * once (RFC 9293 3.10.7.4, eighth step); a repeated one is ACKed again (in
     * TIME-WAIT it restarts the 2 MSL wait); one beyond a hole waits in ooo_fin
     * until the hole is filled (ACK at once, RFC 5681 4.2), and is taken when a
     * later segment makes RCV.NXT reach it. */
    if (flags & TCP_FLAG_FIN) {
        uint32_t fin_seq = segment->seq + segment->payload_length;
        if (fin_seq == pcb->rcv_nxt && !pcb->fin_received) {
            fin_arrived(pcb);
        } else if (pcb->fin_received) {
            pcb->ack_now = true;
            if (pcb->state == TCP_TIME_WAIT)
                tcp_enter_time_wait(pcb);  /* a retransmitted FIN restarts 2 MSL */
        } else if (receiving) {
            pcb->ooo_fin = true;           /* after a hole: wait for it */
            pcb->ooo_fin_seq = fin_seq;
            pcb->ack_now = true;
        }
    } else if (pcb->ooo_fin && pcb->ooo_fin_seq == pcb->rcv_nxt) {
        fin_arrived(pcb);
    }
    /* LAB(tcp-connect) END */
    return true;
}

/*
 * TIME-WAIT (RFC 9293 3.10.7.4 note, RFC 1122 4.2.2.13, RFC 6191 without
 * timestamps): a SYN whose sequence number lies beyond the old
 * connection's RCV.NXT may open a new incarnation of it, when a listener
 * takes the port.  The TIME-WAIT connection ends; returns the listener,
 * or NULL (the segment then goes through TIME-WAIT's own processing).
 * As Linux, the new connection's ISN is the old SND.NXT + 65537, so no
 * old duplicate can fall inside the new sequence space.
 */
static struct tcp_pcb *time_wait_reopen(struct tcp_pcb *pcb, const struct tcp_segment *segment,
                                        uint32_t *iss)
{
    /* LAB(tcp-connect) BEGIN: a SYN (no ACK, no RST) above RCV.NXT, and a listener
     * on the port (tcp_listener_lookup): *iss = SND.NXT + 65537, close this pcb,
     * return the listener.  Otherwise NULL. */
    if ((segment->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) != TCP_FLAG_SYN ||
        !seq_gt(segment->seq, pcb->rcv_nxt))
        return NULL;
    struct tcp_pcb *listener = tcp_listener_lookup(segment->destination, segment->destination_port);
    if (!listener)
        return NULL;
    *iss = pcb->snd_nxt + 65535 + 2;
    tcp_pcb_closed(pcb);
    return listener;
    /* LAB(tcp-connect) STUB
     * (void)pcb, (void)segment, (void)iss;
     * return NULL;
     * LAB(tcp-connect) END */
}

static void tcp_input(struct pbuf *packet)
{
    net_assert_context();
    struct tcp_segment segment;
    /* RFC 1122 4.2.3.10 / RFC 9293 3.10.7.2: no connection with a broadcast
     * or multicast address; such segments are dropped unanswered, those
     * sent to a link-layer broadcast or multicast before they are counted
     * (as Linux). */
    if (packet->packet_type != PBUF_TO_US) {
        pbuf_put(packet);
        return;
    }
    NET_COUNT(TCP_IN_SEGS);              /* even a bad one, as Linux */
    if (!header_fits(packet)) {
        pbuf_put(packet);
        return;
    }
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet);
    if (!checksum_valid(ip, packet)) {
        NET_COUNT(TCP_IN_CSUM_ERRORS);
        NET_COUNT(TCP_IN_ERRS);
        pbuf_put(packet);
        return;
    }
    if (!parse(packet, &segment)) {
        NET_COUNT(TCP_IN_ERRS);
        pbuf_put(packet);
        return;
    }
    if (ip_address_is_broadcast(NULL, ip->destination) ||
        ip_address_is_multicast(ip->destination) || ip_address_is_multicast(ip->source) ||
        ip->source == IP_ADDRESS_BROADCAST) {
        pbuf_put(packet);
        return;
    }
    struct tcp_pcb *pcb = tcp_pcb_lookup(segment.destination, segment.destination_port,
                                         segment.source, segment.source_port);
    struct tcp_pcb *listener, *child;
    uint32_t iss;
    enum tcp_syn_cookie_verdict cookie;
    if (!pcb) {
        closed_state(&segment);
    } else if (pcb->state == TCP_LISTEN &&
               (cookie = tcp_syn_cookie_input(pcb, &segment, &child)) != TCP_SYN_COOKIE_NOT_TAKEN) {
        /* A cookie's child completes its handshake with this ACK. */
        if (cookie == TCP_SYN_COOKIE_CHILD && process_synchronized(child, &segment))
            tcp_output(child);
    } else if (pcb->state == TCP_LISTEN) {
        listen_state(pcb, &segment, NULL);
    } else if (pcb->state == TCP_TIME_WAIT && (listener = time_wait_reopen(pcb, &segment, &iss))) {
        listen_state(listener, &segment, &iss);
    } else if (pcb->state == TCP_SYN_SENT) {
        syn_sent_state(pcb, &segment);
    } else {
        tcp_arm_keepalive(pcb);
        if (process_synchronized(pcb, &segment))
            tcp_output(pcb);
    }
    pbuf_put(packet);
}

/*
 * ICMP errors about our segments (RFC 1122 4.2.3.9), by Linux's tcp_v4_err
 * (tcp(7): "either ETIMEDOUT or the last received error on this connection
 * is reported").  The errno is ICMP's one table (icmp_error_errno).  Any
 * error ends an attempt in SYN-SENT, and a simultaneous open in
 * SYN-RECEIVED; a listener's half-open child goes only for a hard one.
 * Later every error is soft: kept in soft_error, the connection carries on.
 * The quoted sequence number must be one in flight (RFC 5927 4.1).
 */
static void tcp_error(uint8_t type, uint8_t code, struct pbuf *quoted)
{
    bool fatal;
    int error = icmp_error_errno(type, code, &fatal);
    if (!error || (type == ICMP_DESTINATION_UNREACHABLE && code == ICMP_FRAGMENTATION_NEEDED))
        return;                       /* path MTU discovery is not implemented */
    const struct ip_header *ip = (const struct ip_header *)quoted->data;
    size_t ip_length = (size_t)(ip->version_and_header_length & 0x0f) * 4;
    if (pbuf_length(quoted) < ip_length + 8)
        return;
    const struct tcp_header *tcp = (const struct tcp_header *)(quoted->data + ip_length);
    struct tcp_pcb *pcb = tcp_pcb_lookup(ip->source, tcp->source_port, ip->destination,
                                         tcp->destination_port);
    uint32_t seq = net_ntohl(tcp->sequence);
    if (!pcb || !pcb->remote_port || !seq_in(seq, pcb->snd_una, pcb->snd_max + 1))
        return;
    if (pcb->state == TCP_SYN_SENT || (pcb->state == TCP_SYN_RECEIVED && (fatal || !pcb->listener)))
        tcp_pcb_fail(pcb, error);
    else if (pcb->state != TCP_SYN_RECEIVED)
        pcb->soft_error = error;
}

void tcp_init(void)
{
    /* /proc/net/snmp's Tcp RtoMin and RtoMax are the bounds in use, in ms. */
    net_counters[NET_TCP_RTO_MIN] = TCP_RTO_MIN_MS;
    net_counters[NET_TCP_RTO_MAX] = TCP_RTO_MAX_MS;
    ip_register(IP_PROTOCOL_TCP, tcp_input);
    icmp_register_error_handler(IP_PROTOCOL_TCP, tcp_error);
}
