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
 * Invariant: ooo[0..ooo_count) are sorted, disjoint, non-adjacent (range.c),
 * and every start is after rcv_nxt.
 */
#include "tcp_private.h"

uint32_t tcp_reassembly_insert(struct tcp_pcb *pcb, uint32_t seq, const uint8_t *data,
                               uint32_t length)
{
    /* LAB(tcp-data) BEGIN: a segment's text (seq >= rcv_nxt, within the window and so
     * within the ring's free space; in order or not): remember its range in ooo
     * (tcp_ranges_add; when the ranges are full, drop it: the peer sends it again), write
     * it into the receive ring at its place (tcp_ring_write_beyond, seq - rcv_nxt past the
     * in-order bytes) and set ooo_latest = seq (RFC 2018 4: the first SACK block reports
     * it).  Then move RCV.NXT over every range that now starts at or before it, counting
     * its bytes in (tcp_ring_grow), and remove the range.  Return the bytes RCV.NXT moved
     * over.  The stub drops everything. */
    if (!length ||
        !tcp_ranges_add(pcb->ooo, &pcb->ooo_count, TCP_REASSEMBLY_RANGES, seq, seq + length))
        return 0;
    pcb->ooo_latest = seq;            /* the first SACK block reports it (RFC 2018 4) */
    tcp_ring_write_beyond(&pcb->receive, seq - pcb->rcv_nxt, data, length);
    uint32_t advanced = 0;
    while (pcb->ooo_count && seq_leq(pcb->ooo[0].start, pcb->rcv_nxt)) {
        uint32_t end = pcb->ooo[0].end;
        if (seq_gt(end, pcb->rcv_nxt)) {
            tcp_ring_grow(&pcb->receive, end - pcb->rcv_nxt);
            advanced += end - pcb->rcv_nxt;
            pcb->rcv_nxt = end;
        }
        tcp_ranges_remove(pcb->ooo, &pcb->ooo_count, 0);
    }
    return advanced;
    /* LAB(tcp-data) STUB
     * return 0;
     * LAB(tcp-data) END */
}

void tcp_reassembly_clear(struct tcp_pcb *pcb)
{
    pcb->ooo_count = 0;
    pcb->ooo_fin = false;
}
