/*
 * Sets of sequence ranges, kept sorted, disjoint and non-adjacent: the
 * receiver's out-of-order data (reassembly.c) and the sender's SACK
 * scoreboard (sack.c).
 */
#include "tcp_private.h"

void tcp_ranges_remove(struct tcp_range *ranges, int *count, int index)
{
    memmove(&ranges[index], &ranges[index + 1], (size_t)(*count - index - 1) * sizeof(ranges[0]));
    (*count)--;
}

bool tcp_ranges_add(struct tcp_range *ranges, int *count, int capacity, uint32_t start,
                    uint32_t end)
{
    int i = 0;
    while (i < *count && seq_lt(ranges[i].end, start))
        i++;
    /* ranges from i on end at or after start: merge those starting by end */
    int j = i;
    while (j < *count && seq_leq(ranges[j].start, end)) {
        start = seq_min(start, ranges[j].start);
        end = seq_max(end, ranges[j].end);
        j++;
    }
    if (j == i && *count == capacity)
        return false;
    while (j > i + 1) {
        tcp_ranges_remove(ranges, count, i + 1);
        j--;
    }
    if (j == i) {
        memmove(&ranges[i + 1], &ranges[i], (size_t)(*count - i) * sizeof(ranges[0]));
        (*count)++;
    }
    ranges[i].start = start;
    ranges[i].end = end;
    return true;
}
