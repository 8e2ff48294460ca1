/*
 * Congestion control: slow start and congestion avoidance (RFC 5681 3.1,
 * with appropriate byte counting, RFC 3465), limited transmit on the first
 * two duplicate ACKs (RFC 3042), fast retransmit on the third, then fast
 * recovery: NewReno's (RFC 5681 3.2, RFC 6582), or with SACK RFC 6675's,
 * which also starts when the SACKed bytes show the first hole lost and
 * sends by the pipe estimate (sack.c, and output.c's loop).
 */
#include "tcp_private.h"
#include "../netif/counters.h"

void tcp_congestion_init(struct tcp_pcb *pcb)
{
    /* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)). */
    pcb->cwnd = MIN(TCP_INITIAL_WINDOW_SEGMENTS * (uint32_t)pcb->mss,
                    MAX(2u * pcb->mss, 14600u));
    pcb->ssthresh = 0x7fffffffu;            /* RFC 5681 3.1: "arbitrarily high" */
    pcb->bytes_acked = 0;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = pcb->iss;                /* RFC 6582 3.2 step 1 */
}

/* RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2 * SMSS). */
static void halve(struct tcp_pcb *pcb, uint32_t flight_size)
{
    pcb->ssthresh = MAX(flight_size / 2, 2u * pcb->mss);
}

uint32_t tcp_congestion_window(const struct tcp_pcb *pcb)
{
    /* RFC 3042 2: up to cwnd + 2 SMSS in flight on the first two duplicate
     * ACKs, cwnd itself unchanged (RFC 5681 3.2 step 1). */
    if (!pcb->in_recovery && pcb->dupacks >= 1 && pcb->dupacks <= 2)
        return pcb->cwnd + pcb->dupacks * (uint32_t)pcb->mss;
    return pcb->cwnd;
}

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

void tcp_congestion_on_ack(struct tcp_pcb *pcb, uint32_t acked)
{
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
    if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += MIN(acked, (uint32_t)pcb->mss);       /* slow start, L = 1 SMSS */
    } else {
        pcb->bytes_acked += acked;                          /* congestion avoidance */
        if (pcb->bytes_acked >= pcb->cwnd) {
            pcb->bytes_acked -= pcb->cwnd;
            pcb->cwnd += pcb->mss;
        }
    }
}

void tcp_congestion_on_duplicate_ack(struct tcp_pcb *pcb)
{
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
}

void tcp_congestion_on_sack(struct tcp_pcb *pcb)
{
    if (!pcb->in_recovery && tcp_sack_first_hole_lost(pcb))
        enter_recovery(pcb);     /* RFC 6675 5 step 3: IsLost(HighACK + 1) */
}

void tcp_congestion_on_timeout(struct tcp_pcb *pcb)
{
    if (pcb->state != TCP_SYN_SENT && pcb->state != TCP_SYN_RECEIVED)
        halve(pcb, tcp_flight_size(pcb));
    pcb->cwnd = pcb->mss;             /* loss window: one segment */
    pcb->bytes_acked = 0;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = pcb->snd_max - 1;
    pcb->rtt_timing = false;
}
