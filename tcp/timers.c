/*
 * TCP's timers, one net_timer each: retransmission (RFC 6298, with the
 * connection given up after tcp_syn_retries / tcp_retries2 expiries,
 * RFC 1122 4.2.3.5), persist (zero-window probes, RFC 9293 3.8.6.1),
 * delayed ACK (RFC 1122 4.2.3.2), keepalive (RFC 1122 4.2.3.6), and
 * TIME_WAIT (2 MSL, RFC 9293 3.4.2) or an orphan's FIN_WAIT_2 limit.
 */
#include "tcp_private.h"
#include "../netif/counters.h"

uint32_t tcp_msl_ms = 30 * 1000;            /* Linux's TIME_WAIT is 60 s = 2 * 30 s */
uint32_t tcp_syn_retries = 6;
uint32_t tcp_retries2 = 15;
uint32_t tcp_fin_timeout_ms = 60 * 1000;

static uint32_t backed_off(uint32_t base_ms, uint32_t exponent)
{
    /* LAB(tcp-data) BEGIN: RFC 6298 5.5 and 2.5: base_ms doubled exponent times, at most
     * TCP_RTO_MAX_MS (mind the overflow of a large shift).  The stub never backs off. */
    uint64_t timeout = (uint64_t)base_ms << MIN(exponent, 20u);
    return (uint32_t)MIN(timeout, (uint64_t)TCP_RTO_MAX_MS);
    /* LAB(tcp-data) STUB
     * return base_ms;
     * LAB(tcp-data) END */
}

/* RFC 6298 2.2-2.4, in microseconds, G = 1 ms, bounded by [RTO_MIN, RTO_MAX]. */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms)
{
    /* LAB(tcp-data) BEGIN: RFC 6298 2.2-2.4 with K = 4, alpha = 1/8, beta = 1/4 and a clock
     * granularity G of 1 ms: the first sample R sets SRTT = R, RTTVAR = R / 2, later ones
     * RTTVAR = (1 - beta) RTTVAR + beta |SRTT - R| first, then SRTT = (1 - alpha) SRTT +
     * alpha R; RTO = SRTT + max(G, K RTTVAR), within [TCP_RTO_MIN_MS, TCP_RTO_MAX_MS].
     * Keep srtt_us and rttvar_us in microseconds (tcp_get_info reports them), rto_ms in
     * milliseconds.  A sample ends the backoff (RFC 6298 5, after 5.7: backoff = 0).  The
     * stub keeps the initial RTO of 1 s. */
    uint32_t r = rtt_ms * 1000;
    if (!pcb->srtt_us) {
        pcb->srtt_us = MAX(r, 1u);
        pcb->rttvar_us = r / 2;
    } else {
        uint32_t delta = pcb->srtt_us > r ? pcb->srtt_us - r : r - pcb->srtt_us;
        pcb->rttvar_us = pcb->rttvar_us - pcb->rttvar_us / 4 + delta / 4;     /* beta 1/4 */
        pcb->srtt_us = pcb->srtt_us - pcb->srtt_us / 8 + r / 8;               /* alpha 1/8 */
    }
    uint32_t rto = (pcb->srtt_us + MAX(1000u, 4 * pcb->rttvar_us)) / 1000;
    pcb->rto_ms = MIN(MAX(rto, (uint32_t)TCP_RTO_MIN_MS), (uint32_t)TCP_RTO_MAX_MS);
    /* RFC 6298 5: a new measurement "collapses" the backed-off RTO. */
    pcb->backoff = 0;
    /* LAB(tcp-data) END */
}

static void retransmit_timeout(void *argument)
{
    /* LAB(tcp-data) BEGIN: RFC 6298 5.4-5.7: the retransmission timer expired (nothing to
     * do if everything is acknowledged).  Count TCPTimeouts.  Give the connection up with
     * ETIMEDOUT (tcp_pcb_fail) after tcp_syn_retries expiries in SYN-SENT and SYN-RECEIVED,
     * tcp_retries2 in other states (RFC 1122 4.2.3.5; retransmits counts them); else count
     * one more retransmission and one more doubling (backoff), let congestion control take
     * the loss (tcp_congestion_on_timeout), go back to SND.UNA (SND.NXT = SND.UNA: later
     * segments follow as ACKs come), retransmit one segment from there
     * (TCP_SEND_RETRANSMISSION) and restart the timer with the backed-off RTO.  The stub
     * gives the connection up at once. */
    struct tcp_pcb *pcb = argument;
    bool handshake = pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED;
    uint32_t limit = handshake ? tcp_syn_retries : tcp_retries2;
    if (pcb->snd_una == pcb->snd_max)
        return;
    NET_COUNT(TCPEXT_TCP_TIMEOUTS);
    if (pcb->retransmits >= limit) {
        tcp_pcb_fail(pcb, ETIMEDOUT);
        return;
    }
    pcb->retransmits++;
    pcb->backoff++;
    /* RFC 5681 3.1 (equation 4) and RFC 6582 4: loss window, leave recovery. */
    tcp_congestion_on_timeout(pcb);
    /* Go back to the first unacknowledged byte (RFC 6298 5.4); later ones
     * follow as ACKs arrive and the window allows. */
    pcb->snd_nxt = pcb->snd_una;
    tcp_send_segment(pcb, pcb->snd_una, pcb->mss, TCP_SEND_RETRANSMISSION);
    /* RFC 6298 5.5-5.6: back off, restart. */
    net_timer_start(&pcb->retransmit_timer, backed_off(pcb->rto_ms, pcb->backoff),
                    retransmit_timeout, pcb);
    /* LAB(tcp-data) STUB
     * tcp_pcb_fail(argument, ETIMEDOUT);
     * LAB(tcp-data) END */
}

void tcp_rearm_retransmit(struct tcp_pcb *pcb)
{
    if (pcb->snd_una == pcb->snd_max)
        net_timer_cancel(&pcb->retransmit_timer);    /* RFC 6298 5.2 */
    else
        net_timer_start(&pcb->retransmit_timer, backed_off(pcb->rto_ms, pcb->backoff),
                        retransmit_timeout, pcb);
}

void tcp_retry_syn_soon(struct tcp_pcb *pcb)
{
    if (pcb->retransmits == 0)
        net_timer_start(&pcb->retransmit_timer, TCP_SYN_RETRY_SOON_MS, retransmit_timeout, pcb);
}

void tcp_arm_retransmit_if_idle(struct tcp_pcb *pcb)
{
    if (!pcb->retransmit_timer.armed)                /* RFC 6298 5.1 */
        tcp_rearm_retransmit(pcb);
}

/* LAB(tcp-data) BEGIN: the persist timer's expiry (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17):
 * while data waits and nothing is outstanding, send what the small window allows (RFC 1122
 * 4.2.3.4's override of SWS avoidance) or, with a zero window, a probe of one byte beyond
 * it (TCP_SEND_PROBE); back off (persist_backoff) and re-arm while nothing is outstanding.
 * The window may stay closed indefinitely, but as Linux give up (ETIMEDOUT) after
 * tcp_retries2 unanswered probes, counted in keepalive_probes_sent (any ACK clears it). */
/*
 * Persist: the peer's window is closed (or too small to be worth a
 * segment).  Send what fits, or one byte beyond the window: the peer
 * answers with its current window.  Probes back off like the RTO and, like
 * Linux, the connection dies only after tcp_retries2 unanswered ones.
 */
static void persist_timeout(void *argument)
{
    struct tcp_pcb *pcb = argument;
    size_t unsent = tcp_unsent_bytes(pcb);
    if (!unsent || pcb->snd_nxt != pcb->snd_una)
        return;
    if (pcb->keepalive_probes_sent >= tcp_retries2) {
        tcp_pcb_fail(pcb, ETIMEDOUT);
        return;
    }
    pcb->keepalive_probes_sent++;
    if (pcb->snd_wnd)
        tcp_send_segment(pcb, pcb->snd_nxt, pcb->snd_wnd, TCP_SEND_NEW);    /* SWS override */
    else
        tcp_send_segment(pcb, pcb->snd_nxt, 1, TCP_SEND_PROBE);
    pcb->persist_backoff++;
    if (pcb->snd_nxt == pcb->snd_una)
        tcp_arm_persist(pcb);
}
/* LAB(tcp-data) END */

void tcp_arm_persist(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: start the persist timer, unless it or the retransmission timer
     * runs: RTO (at least TCP_PERSIST_MIN_MS) backed off persist_backoff times.  The stub
     * never probes. */
    if (pcb->persist_timer.armed || pcb->retransmit_timer.armed)
        return;
    uint32_t base = MAX(pcb->rto_ms, (uint32_t)TCP_PERSIST_MIN_MS);
    net_timer_start(&pcb->persist_timer, backed_off(base, pcb->persist_backoff),
                    persist_timeout, pcb);
    /* LAB(tcp-data) END */
}

/* LAB(tcp-data) BEGIN: the delayed ACK timer's expiry: the ACK owed goes now. */
static void delayed_ack_timeout(void *argument)
{
    struct tcp_pcb *pcb = argument;
    tcp_send_ack(pcb);
}
/* LAB(tcp-data) END */

void tcp_arm_delayed_ack(struct tcp_pcb *pcb)
{
    /* LAB(tcp-data) BEGIN: RFC 1122 4.2.3.2: an ACK may wait, at most TCP_DELAYED_ACK_MS
     * (40 ms, Linux's shortest delay; the RFC's bound is 0.5 s), for data to carry it or a
     * second segment to acknowledge with it: start the timer unless it runs.  (Every
     * segment we send with ACK cancels it: ack_sent in output.c.)  The stub ACKs at once. */
    if (!pcb->delayed_ack_timer.armed)
        net_timer_start(&pcb->delayed_ack_timer, TCP_DELAYED_ACK_MS, delayed_ack_timeout, pcb);
    /* LAB(tcp-data) STUB
     * pcb->ack_now = true;
     * LAB(tcp-data) END */
}

static void keepalive_timeout(void *argument)
{
    struct tcp_pcb *pcb = argument;
    if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT)
        return;
    if (pcb->keepalive_probes_sent >= pcb->keepalive_probes) {
        tcp_pcb_fail(pcb, ETIMEDOUT);
        return;
    }
    pcb->keepalive_probes_sent++;
    tcp_send_keepalive_probe(pcb);
    net_timer_start(&pcb->keepalive_timer, pcb->keepalive_interval_ms, keepalive_timeout, pcb);
}

/* Restarted by every segment received: it fires after keepalive_idle_ms of silence. */
void tcp_arm_keepalive(struct tcp_pcb *pcb)
{
    if (pcb->keepalive && (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT))
        net_timer_start(&pcb->keepalive_timer, pcb->keepalive_idle_ms, keepalive_timeout, pcb);
    else
        net_timer_cancel(&pcb->keepalive_timer);
}

/* LAB(tcp-connect) BEGIN: the end of TIME-WAIT (and of an orphan's FIN-WAIT-2):
 * the connection is over (tcp_pcb_closed). */
static void time_wait_timeout(void *argument)
{
    tcp_pcb_closed(argument);
}
/* LAB(tcp-connect) END */

void tcp_enter_time_wait(struct tcp_pcb *pcb)
{
    /* LAB(tcp-connect) BEGIN: TIME-WAIT (RFC 9293 3.6, 3.4.2): the state, no
     * retransmission, persist or keepalive timer, the time_wait_timer started for
     * 2 MSL (tcp_msl_ms; restarted when called again), and an orphan (not owned)
     * gives its rings back (tcp_pcb_release_buffers). */
    tcp_set_state(pcb, TCP_TIME_WAIT);
    net_timer_cancel(&pcb->retransmit_timer);
    net_timer_cancel(&pcb->persist_timer);
    net_timer_cancel(&pcb->keepalive_timer);
    net_timer_start(&pcb->time_wait_timer, 2 * tcp_msl_ms, time_wait_timeout, pcb);
    if (!pcb->owned)
        tcp_pcb_release_buffers(pcb);
    /* LAB(tcp-connect) STUB
     * (void)pcb;
     * LAB(tcp-connect) END */
}

/* Linux's tcp_fin_timeout: an orphan in FIN_WAIT_2 does not wait forever
 * for a FIN the peer may never send (RFC 9293 leaves it open). */
void tcp_arm_fin_wait_2_timeout(struct tcp_pcb *pcb)
{
    /* LAB(tcp-connect) BEGIN: an orphan (not owned) in FIN-WAIT-2 is closed after
     * tcp_fin_timeout_ms, on the time_wait_timer. */
    if (!pcb->owned)
        net_timer_start(&pcb->time_wait_timer, tcp_fin_timeout_ms, time_wait_timeout, pcb);
    /* LAB(tcp-connect) STUB
     * (void)pcb;
     * LAB(tcp-connect) END */
}

void tcp_timers_stop(struct tcp_pcb *pcb)
{
    net_timer_cancel(&pcb->retransmit_timer);
    net_timer_cancel(&pcb->persist_timer);
    net_timer_cancel(&pcb->delayed_ack_timer);
    net_timer_cancel(&pcb->keepalive_timer);
    net_timer_cancel(&pcb->time_wait_timer);
}
