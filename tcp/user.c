/*
 * The user calls of RFC 9293 3.10.2-3.10.4 that move data: SEND, RECEIVE
 * and CLOSE's half (shutdown), with the socket options that shape output.
 * OPEN is tcp_connect / tcp_listen (pcb.c), ABORT tcp_abort.
 */
#include "tcp_private.h"

static bool can_send(enum tcp_state state)
{
    return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT || state == TCP_SYN_SENT ||
           state == TCP_SYN_RECEIVED;
}

long tcp_send(struct tcp_pcb *pcb, const void *data, size_t length)
{
    if (pcb->error)
        return -pcb->error;
    if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
        return -ENOTCONN;
    /* RFC 9293 3.10.2: "error: connection closing" after our FIN. */
    if (!can_send(pcb->state) || pcb->fin_queued)
        return -EPIPE;
    size_t accepted = tcp_ring_append(&pcb->send, data, length);
    /* RFC 9293 3.10.2: in SYN-SENT / SYN-RECEIVED the data waits for ESTABLISHED. */
    if (accepted && (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT))
        tcp_output(pcb);
    return (long)accepted;
}

long tcp_send_more(struct tcp_pcb *pcb, const void *data, size_t length)
{
    pcb->corked = true;
    long accepted = tcp_send(pcb, data, length);
    pcb->corked = false;
    if (accepted > 0 && tcp_unsent_bytes(pcb) && pcb->snd_nxt == pcb->snd_una &&
        (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT))
        tcp_arm_persist(pcb);
    return accepted;
}

long tcp_receive(struct tcp_pcb *pcb, void *data, size_t length)
{
    size_t count = MIN(length, pcb->receive.length);
    if (count) {
        tcp_ring_copy_out(&pcb->receive, 0, data, count);
        tcp_ring_drop(&pcb->receive, count);
        /* Reading opened the window: tell the peer when that is worth a
         * segment (tcp_window_update_due: RFC 1122 4.2.3.3). */
        if ((pcb->state == TCP_ESTABLISHED || pcb->state == TCP_FIN_WAIT_1 ||
             pcb->state == TCP_FIN_WAIT_2) && tcp_window_update_due(pcb))
            tcp_send_ack(pcb);
        return (long)count;
    }
    if (pcb->fin_received)
        return 0;
    if (pcb->error)
        return -pcb->error;
    if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
        return -ENOTCONN;
    return -EAGAIN;
}

size_t tcp_readable_bytes(const struct tcp_pcb *pcb)
{
    return pcb->receive.length;
}

size_t tcp_send_space(const struct tcp_pcb *pcb)
{
    return tcp_ring_space(&pcb->send);
}

size_t tcp_unsent_bytes(const struct tcp_pcb *pcb)
{
    uint32_t sent = seq_gt(pcb->snd_nxt, pcb->snd_buffer_seq) ? pcb->snd_nxt - pcb->snd_buffer_seq
                                                               : 0;
    return pcb->send.length > sent ? pcb->send.length - sent : 0;
}

bool tcp_at_end_of_stream(const struct tcp_pcb *pcb)
{
    return pcb->fin_received && !pcb->receive.length;
}

/* RFC 9293 3.10.4 CLOSE, for the sending direction only. */
int tcp_shutdown(struct tcp_pcb *pcb)
{
    /* LAB(tcp-connect) BEGIN: CLOSE for the sending direction, by state (RFC 9293
     * 3.10.4): queue the FIN after the data (fin_queued) and move ESTABLISHED or
     * SYN-RECEIVED to FIN-WAIT-1, CLOSE-WAIT to LAST-ACK, then send (tcp_output);
     * in SYN-SENT only queue it (connection_established moves to FIN-WAIT-1);
     * -ENOTCONN in CLOSED and LISTEN; 0 when the FIN is already queued. */
    switch (pcb->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        pcb->fin_queued = true;
        tcp_set_state(pcb, TCP_FIN_WAIT_1);
        break;
    case TCP_CLOSE_WAIT:
        pcb->fin_queued = true;
        tcp_set_state(pcb, TCP_LAST_ACK);
        break;
    case TCP_SYN_SENT:
        /* FIN after the handshake (RFC 9293: "queue for processing after
         * entering ESTABLISHED"); input moves to FIN_WAIT_1 then. */
        pcb->fin_queued = true;
        return 0;
    case TCP_CLOSED:
    case TCP_LISTEN:
        return -ENOTCONN;
    default:
        return 0;                 /* FIN already queued */
    }
    tcp_output(pcb);
    return 0;
    /* LAB(tcp-connect) STUB
     * (void)pcb;
     * return -EOPNOTSUPP;
     * LAB(tcp-connect) END */
}

void tcp_set_nodelay(struct tcp_pcb *pcb, bool on)
{
    pcb->nodelay = on;
    if (on && pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
        tcp_output(pcb);          /* Linux pushes what Nagle held back */
}

void tcp_set_keepalive(struct tcp_pcb *pcb, bool on)
{
    pcb->keepalive = on;
    tcp_arm_keepalive(pcb);
}
