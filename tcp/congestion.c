/*
 * Congestion control: slow start and congestion avoidance (RFC 5681 3.1,
 * with appropriate byte counting, RFC 3465), limited transmit on the first
 * two duplicate ACKs (RFC 3042), fast retransmit on the third, then fast
 * recovery: NewReno's (RFC 5681 3.2, RFC 6582), or with SACK RFC 6675's,
 * which also starts when the SACKed bytes show the first hole lost and
 * sends by the pipe estimate (sack.c, and output.c's loop).  cwnd grows
 * only while the sender uses it (congestion window validation, RFC 7661,
 * by Linux's rule: tcp/README.md says why).
 */
#include "tcp_private.h"
#include "../netif/counters.h"

void tcp_congestion_init(struct tcp_pcb *pcb)
{
    pcb->cwnd_limited = false;
    pcb->max_flight_size = 0;
    pcb->cwnd_usage_end = pcb->iss;
    /* LAB(tcp-data) BEGIN: a new connection, its MSS known: cwnd = the initial window of
     * RFC 6928, min(10 MSS, max(2 MSS, 14600)); ssthresh "arbitrarily high" (RFC 5681 3.1);
     * no duplicate ACKs, no recovery, recover = ISS (RFC 6582 3.2 step 1).  The stub's cwnd
     * is one segment, for ever. */
    /* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)). */
    pcb->cwnd = MIN(TCP_INITIAL_WINDOW_SEGMENTS * (uint32_t)pcb->mss,
                    MAX(2u * pcb->mss, 14600u));
    pcb->ssthresh = 0x7fffffffu;            /* RFC 5681 3.1: "arbitrarily high" */
    pcb->bytes_acked = 0;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = pcb->iss;                /* RFC 6582 3.2 step 1 */
    /* LAB(tcp-data) STUB
     * pcb->cwnd = pcb->mss;
     * LAB(tcp-data) END */
}

/* LAB(tcp-data) BEGIN: the helpers of this file, if you want some (the reference's: RFC
 * 5681 equation 4, ssthresh = max(FlightSize / 2, 2 SMSS)). */
/* RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2 * SMSS). */
static void halve(struct tcp_pcb *pcb, uint32_t flight_size)
{
    pcb->ssthresh = MAX(flight_size / 2, 2u * pcb->mss);
}
/* LAB(tcp-data) END */

uint32_t tcp_congestion_window(const struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: how much may be in flight: cwnd, except during limited transmit
     * (RFC 3042 2, RFC 5681 3.2 step 1: on the first and second duplicate ACK, outside
     * recovery) one more SMSS per duplicate ACK. */
    /* RFC 3042 2: up to cwnd + 2 SMSS in flight on the first two duplicate
     * ACKs, cwnd itself unchanged (RFC 5681 3.2 step 1). */
    if (!pcb->in_recovery && pcb->dupacks >= 1 && pcb->dupacks <= 2)
        return pcb->cwnd + pcb->dupacks * (uint32_t)pcb->mss;
    return pcb->cwnd;
    /* LAB(tcp-data) STUB
     * return pcb->cwnd;
     * LAB(tcp-data) END */
}

/*
 * How much of cwnd the sender used, by stretches of one window of data
 * (about an RTT): a stretch ends when SND.UNA reaches the SND.NXT it
 * started at.  Within it, being held back by cwnd once is remembered;
 * else the largest FlightSize is.  This is the sender's view of RFC
 * 7661's pipeACK (4.2) taken when sending rather than from ACKs.
 */
void tcp_congestion_on_sent(struct tcp_pcb *pcb, bool cwnd_limited)
{
    uint32_t flight = tcp_flight_size(pcb);
    if (seq_geq(pcb->snd_una, pcb->cwnd_usage_end) || cwnd_limited ||
        (!pcb->cwnd_limited && flight > pcb->max_flight_size)) {
        pcb->cwnd_limited = cwnd_limited;
        pcb->max_flight_size = flight;
        pcb->cwnd_usage_end = pcb->snd_nxt;
    }
}

/*
 * RFC 7661 4.3: while the sender does not use its cwnd (an application
 * writing less, or the peer's window smaller), ACKs say nothing about
 * what the path could carry, so cwnd must not grow on them.  Linux's rule
 * (tcp_is_cwnd_limited): grow when cwnd held the sender back in this
 * stretch; in slow start also while cwnd is below twice the largest
 * FlightSize, so that a sender filling its window as ACKs free it keeps
 * doubling.
 */
bool tcp_congestion_window_used(const struct tcp_pcb *pcb)
{
    if (pcb->cwnd_limited)
        return true;
    return pcb->cwnd < pcb->ssthresh && pcb->cwnd / 2 < pcb->max_flight_size;
}

/* LAB(tcp-data) BEGIN: fast retransmit, on the third duplicate ACK (or, with SACK, when
 * tcp_sack_first_hole_lost): only when SND.UNA is beyond recover (RFC 6582 3.2 step 2).
 * ssthresh by equation 4, FlightSize leaving out what limited transmit sent beyond cwnd
 * (RFC 5681 3.2 step 2); recover = the highest sequence number sent; no RTT sample from now
 * on (Karn: rtt_timing off).  Without SACK: count TCPRenoRecovery, retransmit the segment
 * at SND.UNA and set cwnd = ssthresh + 3 SMSS (RFC 5681 3.2 steps 3-4).  With SACK: count
 * TCPSackRecovery, cwnd = ssthresh, high_rxt = SND.UNA and tcp_sack_retransmit_next (RFC
 * 6675 5 step 4).  Then tcp_output. */
/* Fast retransmit (RFC 5681 3.2 steps 2-4; RFC 6675 5 step 4 with SACK). */
static void enter_recovery(struct tcp_pcb *pcb)
{
    /* RFC 6582 3.2 step 2: only if this loss is after the last recovery
     * (RFC 6675 5.1: and after the last timeout). */
    if (!seq_gt(pcb->snd_una, pcb->recover))
        return;
    /* RFC 5681 3.2 step 2: what limited transmit sent beyond cwnd does not
     * count in FlightSize. */
    uint32_t flight = tcp_flight_size(pcb), beyond = flight > pcb->cwnd ? flight - pcb->cwnd : 0;
    halve(pcb, flight - MIN(beyond, 2u * pcb->mss));
    pcb->recover = pcb->snd_max - 1;
    pcb->in_recovery = true;
    pcb->rtt_timing = false;
    if (pcb->sack_ok) {
        NET_COUNT(TCPEXT_TCP_SACK_RECOVERY);
        pcb->cwnd = pcb->ssthresh;
        pcb->high_rxt = pcb->snd_una;
        tcp_sack_retransmit_next(pcb, false);     /* the first hole, at snd_una */
    } else {
        NET_COUNT(TCPEXT_TCP_RENO_RECOVERY);
        tcp_send_segment(pcb, pcb->snd_una, pcb->mss, TCP_SEND_RETRANSMISSION);
        pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
    }
    tcp_output(pcb);
}
/* LAB(tcp-data) END */

void tcp_congestion_on_ack(struct tcp_pcb *pcb, uint32_t acked)
{
    /* LAB(tcp-data) BEGIN: an ACK of acked new bytes.  In recovery: a full acknowledgment
     * (SND.UNA beyond recover) ends it with cwnd = min(ssthresh, max(FlightSize, SMSS) +
     * SMSS) (RFC 6582 3.2 step 3, option 1); a partial one, without SACK, retransmits the
     * segment at SND.UNA and deflates cwnd by the bytes acknowledged, adding back one SMSS
     * when at least one SMSS was (step 4), never below one SMSS; with SACK cwnd stays
     * (tcp_output's NextSeg finds the holes).  Outside recovery the duplicate ACK count
     * restarts, and, if the sender used cwnd (tcp_congestion_window_used, given), cwnd
     * grows: slow start (cwnd < ssthresh) by min(acked, SMSS), RFC 5681
     * equation 2; congestion avoidance by one SMSS per cwnd of acknowledged bytes (byte
     * counting, RFC 3465, in bytes_acked).  The stub never grows cwnd. */
    if (pcb->in_recovery) {
        if (seq_gt(pcb->snd_una, pcb->recover)) {
            /* RFC 6582 3.2 step 3, full acknowledgment: deflate (option 1). */
            pcb->cwnd = MIN(pcb->ssthresh, MAX(tcp_flight_size(pcb), (uint32_t)pcb->mss) + pcb->mss);
            pcb->in_recovery = false;
            pcb->dupacks = 0;
        } else if (!pcb->sack_ok) {
            /* Step 4, partial acknowledgment: retransmit the next hole,
             * deflate by what was acknowledged, add back one SMSS.  (With
             * SACK, output.c's NextSeg finds the holes; cwnd stays.) */
            tcp_send_segment(pcb, pcb->snd_una, pcb->mss, TCP_SEND_RETRANSMISSION);
            pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
            if (acked >= pcb->mss)
                pcb->cwnd += pcb->mss;
            pcb->cwnd = MAX(pcb->cwnd, (uint32_t)pcb->mss);
        }
        return;
    }
    pcb->dupacks = 0;
    if (!tcp_congestion_window_used(pcb))
        return;                     /* RFC 7661 4.3: not used, not grown */
    if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += MIN(acked, (uint32_t)pcb->mss);       /* slow start, L = 1 SMSS */
    } else {
        pcb->bytes_acked += acked;                          /* congestion avoidance */
        if (pcb->bytes_acked >= pcb->cwnd) {
            pcb->bytes_acked -= pcb->cwnd;
            pcb->cwnd += pcb->mss;
        }
    }
    /* LAB(tcp-data) END */
}

void tcp_congestion_on_duplicate_ack(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: count it (dupacks).  In recovery: without SACK, inflate cwnd by
     * one SMSS (RFC 5681 3.2 step 4), and let tcp_output send.  Outside: the first two send
     * new data if they can (limited transmit, RFC 3042: tcp_output, with
     * tcp_congestion_window's allowance), the third starts fast retransmit.  The stub
     * ignores it. */
    pcb->dupacks++;
    if (pcb->in_recovery) {
        if (!pcb->sack_ok)
            pcb->cwnd += pcb->mss;    /* RFC 6582 3.2 step 3: inflate per extra duplicate */
        tcp_output(pcb);
        return;
    }
    if (pcb->dupacks < 3) {
        tcp_output(pcb);              /* limited transmit: new data, if any */
        return;
    }
    if (pcb->dupacks == 3)
        enter_recovery(pcb);
    /* LAB(tcp-data) END */
}

void tcp_congestion_on_sack(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: RFC 6675 5 step 3: outside recovery, SACK blocks that show the
     * first hole lost (tcp_sack_first_hole_lost) start recovery at once, without waiting
     * for three duplicate ACKs.  The stub ignores them. */
    if (!pcb->in_recovery && tcp_sack_first_hole_lost(pcb))
        enter_recovery(pcb);     /* RFC 6675 5 step 3: IsLost(HighACK + 1) */
    /* LAB(tcp-data) END */
}

void tcp_congestion_on_timeout(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: the RTO expired (RFC 5681 3.1 equation 4 and the loss window;
     * RFC 6582 4): ssthresh by equation 4 (not for a lost SYN or SYN-ACK, in SYN-SENT
     * and SYN-RECEIVED), cwnd = 1 SMSS, byte count and duplicate ACKs start again, recovery
     * ends, recover = the highest sequence number sent, and no RTT sample (Karn).  The stub
     * does nothing. */
    if (pcb->state != TCP_SYN_SENT && pcb->state != TCP_SYN_RECEIVED)
        halve(pcb, tcp_flight_size(pcb));
    pcb->cwnd = pcb->mss;             /* loss window: one segment */
    pcb->bytes_acked = 0;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = pcb->snd_max - 1;
    pcb->rtt_timing = false;
    /* LAB(tcp-data) END */
}
