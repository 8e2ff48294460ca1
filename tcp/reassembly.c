/*
 * Out-of-order segments (RFC 9293 3.10.7.4, seventh step; RFC 1122
 * 4.2.2.20 (g): "segments that arrive out of order SHOULD be queued").
 * Their payload is written straight into the receive ring at its place
 * beyond the in-order data; this file only remembers which sequence ranges
 * are there.  Overlapping and duplicate bytes land on the same place, so
 * they are stored once.  The bound is the window (the ring's free space)
 * and TCP_REASSEMBLY_RANGES holes; a segment that would need more is
 * dropped (the peer retransmits it).
 *
 * Invariant: ooo[0..ooo_count) are sorted, disjoint, non-adjacent, and
 * every start is after rcv_nxt.
 */
#include "tcp_private.h"

static void remove_range(struct tcp_pcb *pcb, int index)
{
    memmove(&pcb->ooo[index], &pcb->ooo[index + 1],
            (size_t)(pcb->ooo_count - index - 1) * sizeof(pcb->ooo[0]));
    pcb->ooo_count--;
}

/* Adds [start, end), merging with the ranges it touches; false when full. */
static bool add_range(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    int i = 0;
    while (i < pcb->ooo_count && seq_lt(pcb->ooo[i].end, start))
        i++;
    /* ranges from i on end at or after start: merge those starting by end */
    int j = i;
    while (j < pcb->ooo_count && seq_leq(pcb->ooo[j].start, end)) {
        start = seq_min(start, pcb->ooo[j].start);
        end = seq_max(end, pcb->ooo[j].end);
        j++;
    }
    if (j == i && pcb->ooo_count == TCP_REASSEMBLY_RANGES)
        return false;
    while (j > i + 1) {
        remove_range(pcb, i + 1);
        j--;
    }
    if (j == i) {
        memmove(&pcb->ooo[i + 1], &pcb->ooo[i], (size_t)(pcb->ooo_count - i) * sizeof(pcb->ooo[0]));
        pcb->ooo_count++;
    }
    pcb->ooo[i].start = start;
    pcb->ooo[i].end = end;
    return true;
}

uint32_t tcp_reassembly_insert(struct tcp_pcb *pcb, uint32_t seq, const uint8_t *data,
                               uint32_t length)
{
    if (!length || !add_range(pcb, seq, seq + length))
        return 0;
    tcp_ring_write_beyond(&pcb->receive, seq - pcb->rcv_nxt, data, length);
    uint32_t advanced = 0;
    while (pcb->ooo_count && seq_leq(pcb->ooo[0].start, pcb->rcv_nxt)) {
        uint32_t end = pcb->ooo[0].end;
        if (seq_gt(end, pcb->rcv_nxt)) {
            tcp_ring_grow(&pcb->receive, end - pcb->rcv_nxt);
            advanced += end - pcb->rcv_nxt;
            pcb->rcv_nxt = end;
        }
        remove_range(pcb, 0);
    }
    return advanced;
}

void tcp_reassembly_clear(struct tcp_pcb *pcb)
{
    pcb->ooo_count = 0;
    pcb->ooo_fin = false;
}
