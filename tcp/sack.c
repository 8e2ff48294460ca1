/*
 * The sender's side of SACK (RFC 2018): the scoreboard of the ranges the
 * peer reported holding beyond snd_una, and from it RFC 6675's loss
 * recovery: IsLost, pipe, and NextSeg's choice of what to retransmit.
 * congestion.c decides when recovery starts and ends; output.c sends.
 *
 * RFC 6675 counts in segments; here every byte is SACKed or not, and
 * "lost" uses the byte form of IsLost: more than (DupThresh - 1) * SMSS
 * bytes SACKed above it, with DupThresh = 3.
 */
#include "tcp_private.h"
#include "../netif/counters.h"

uint32_t tcp_sack = 1;

void tcp_sack_clear(struct tcp_pcb *pcb)
{
    pcb->sacked_count = 0;
}

/*
 * A block must lie above the segment's cumulative ACK (and snd_una) and at
 * or below what was sent.  Others are ignored: a D-SACK (RFC 2883) reports
 * data below the ACK, a block starting at the ACK contradicts it, and one
 * past snd_max could only be forged.  When the
 * scoreboard is full a block is forgotten: its bytes then look unSACKed
 * and may be retransmitted needlessly, never skipped wrongly.
 */
void tcp_sack_update(struct tcp_pcb *pcb, const struct tcp_segment *segment)
{
    if (!pcb->sack_ok)
        return;
    for (int i = 0; i < segment->sack_count; i++) {
        const struct tcp_range *block = &segment->sack[i];
        if (!seq_lt(block->start, block->end) || !seq_gt(block->start, segment->ack) ||
            !seq_gt(block->start, pcb->snd_una) || seq_gt(block->end, pcb->snd_max))
            continue;
        tcp_ranges_add(pcb->sacked, &pcb->sacked_count, TCP_SCOREBOARD_RANGES, block->start,
                       block->end);
    }
}

/*
 * snd_una moved.  A cumulative ACK that stops at or inside a SACKed range
 * means the peer no longer holds it: it reneged (RFC 2018 8), and the
 * whole scoreboard is dropped so that everything is sent again.
 */
void tcp_sack_acknowledged(struct tcp_pcb *pcb)
{
    while (pcb->sacked_count && seq_leq(pcb->sacked[0].end, pcb->snd_una))
        tcp_ranges_remove(pcb->sacked, &pcb->sacked_count, 0);
    if (pcb->sacked_count && seq_leq(pcb->sacked[0].start, pcb->snd_una)) {
        NET_COUNT(TCPEXT_TCP_SACK_RENEGING);
        tcp_sack_clear(pcb);
    }
}

/* Bytes in [from, to) that are not SACKed. */
static uint32_t unsacked_between(const struct tcp_pcb *pcb, uint32_t from, uint32_t to)
{
    if (!seq_lt(from, to))
        return 0;
    uint32_t bytes = to - from;
    for (int i = 0; i < pcb->sacked_count; i++) {
        uint32_t start = seq_max(pcb->sacked[i].start, from), end = seq_min(pcb->sacked[i].end, to);
        if (seq_lt(start, end))
            bytes -= end - start;
    }
    return bytes;
}

/*
 * Unsacked bytes below the returned sequence are lost (IsLost): walking
 * down from the highest range, the first whose start has more than
 * 2 * SMSS SACKed at or above it.  snd_una when nothing is lost.
 */
static uint32_t lost_below(const struct tcp_pcb *pcb)
{
    uint32_t above = 0;
    for (int i = pcb->sacked_count - 1; i >= 0; i--) {
        above += pcb->sacked[i].end - pcb->sacked[i].start;
        if (above > 2u * pcb->mss)
            return pcb->sacked[i].start;
    }
    return pcb->snd_una;
}

bool tcp_sack_first_hole_lost(const struct tcp_pcb *pcb)
{
    return pcb->sack_ok && seq_gt(lost_below(pcb), pcb->snd_una);
}

/*
 * RFC 6675 4, SetPipe: every unSACKed byte in flight counts once unless it
 * is lost, and once more if it was retransmitted in this recovery (below
 * high_rxt).
 */
uint32_t tcp_sack_pipe(const struct tcp_pcb *pcb)
{
    uint32_t retransmitted_to = seq_max(pcb->high_rxt, pcb->snd_una);
    return unsacked_between(pcb, pcb->snd_una, pcb->snd_max) -
           unsacked_between(pcb, pcb->snd_una, lost_below(pcb)) +
           unsacked_between(pcb, pcb->snd_una, retransmitted_to);
}

uint32_t tcp_sack_skip_sacked(const struct tcp_pcb *pcb, uint32_t *seq, uint32_t length)
{
    for (int i = 0; i < pcb->sacked_count; i++) {
        const struct tcp_range *range = &pcb->sacked[i];
        if (seq_leq(range->end, *seq))
            continue;
        if (seq_leq(range->start, *seq)) {
            *seq = range->end;
            continue;
        }
        return MIN(length, range->start - *seq);
    }
    return length;
}

/*
 * RFC 6675 4, NextSeg: (1) the first unSACKed bytes above high_rxt that
 * are lost; (2) new data, which the caller sends when it can; (3) failing
 * both, the first unSACKed bytes above high_rxt below the highest SACKed
 * byte, lost or not.  (Rule 4's rescue retransmission is left out: the
 * RTO covers a lost tail.)
 */
bool tcp_sack_retransmit_next(struct tcp_pcb *pcb, bool new_data_possible)
{
    if (!pcb->sacked_count)
        return false;
    uint32_t limit = new_data_possible ? lost_below(pcb) : pcb->sacked[pcb->sacked_count - 1].end;
    uint32_t seq = seq_max(pcb->high_rxt, pcb->snd_una);
    uint32_t length = tcp_sack_skip_sacked(pcb, &seq, tcp_segment_room(pcb));
    if (!length || !seq_lt(seq, limit))
        return false;
    length = MIN(length, limit - seq);
    if (!tcp_send_segment(pcb, seq, length, TCP_SEND_RETRANSMISSION))
        return false;
    pcb->high_rxt = seq + length;
    return true;
}
