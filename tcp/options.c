/*
 * TCP options (RFC 9293 3.1 and 3.7.1, RFC 7323 2, RFC 2018): MSS, window
 * scale, SACK-permitted and SACK are understood; every other kind is
 * skipped by its length.
 */
#include "tcp_private.h"

enum {
    OPTION_END = 0, OPTION_NOP = 1, OPTION_MSS = 2, OPTION_WSCALE = 3,
    OPTION_SACK_PERMITTED = 4, OPTION_SACK = 5,
};

static uint32_t read_32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *write_32(uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
    return out + 4;
}

/* RFC 2018 3: a SACK option is 2 + 8n bytes, n blocks of left and right
 * edge; one of another size is ignored, as Linux does. */
static void parse_sack(const uint8_t *option, uint8_t size, struct tcp_segment *segment)
{
    if (size < 10 || (size - 2) % 8 != 0 || (segment->flags & TCP_FLAG_SYN))
        return;
    for (int i = 0; i < (size - 2) / 8 && segment->sack_count < TCP_SACK_BLOCKS_MAX; i++) {
        struct tcp_range *block = &segment->sack[segment->sack_count++];
        block->start = read_32(option + 2 + 8 * i);
        block->end = read_32(option + 6 + 8 * i);
    }
}

/*
 * A length byte below 2 or running past the header ends the parsing; the
 * options before it count and the segment goes on (RFC 9293 3.1: "a TCP
 * implementation MUST be prepared to handle an illegal option length";
 * Linux's tcp_parse_options stops there and keeps the segment).  An MSS or
 * window scale option of the wrong size is ignored, as Linux does.
 */
void tcp_options_parse(const uint8_t *options, size_t length, struct tcp_segment *segment)
{
    size_t i = 0;
    while (i < length) {
        uint8_t kind = options[i];
        if (kind == OPTION_END)
            break;
        if (kind == OPTION_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= length)
            break;
        uint8_t size = options[i + 1];
        if (size < 2 || i + size > length)
            break;
        /* RFC 9293 3.7.1 and RFC 7323 2.2: only meaningful on a SYN. */
        if (kind == OPTION_MSS && size == 4 && (segment->flags & TCP_FLAG_SYN))
            segment->mss = (uint16_t)(options[i + 2] << 8 | options[i + 3]);
        else if (kind == OPTION_WSCALE && size == 3 && (segment->flags & TCP_FLAG_SYN)) {
            segment->has_wscale = true;
            /* RFC 7323 2.3: a shift above 14 is used as 14. */
            segment->wscale = MIN(options[i + 2], TCP_MAX_WSCALE);
        } else if (kind == OPTION_SACK_PERMITTED && size == 2 && (segment->flags & TCP_FLAG_SYN))
            segment->sack_permitted = true;
        else if (kind == OPTION_SACK)
            parse_sack(options + i, size, segment);
        i += size;
    }
}

/* In Linux's order and padding (without timestamps): MSS, NOP, NOP,
 * SACK-permitted, NOP, window scale. */
size_t tcp_options_write_mss(uint16_t mss, uint8_t *out)
{
    out[0] = OPTION_MSS;
    out[1] = 4;
    out[2] = (uint8_t)(mss >> 8);
    out[3] = (uint8_t)mss;
    return 4;
}

size_t tcp_options_write_syn(const struct tcp_pcb *pcb, uint8_t *out)
{
    size_t length = tcp_options_write_mss(pcb->advertised_mss, out);
    /* RFC 2018 2: a SYN offers it (tcp_sack at connect); a SYN-ACK only
     * answers a SYN that did (sack_ok then says both sides want it). */
    if (pcb->sack_ok) {
        out[length++] = OPTION_NOP;
        out[length++] = OPTION_NOP;
        out[length++] = OPTION_SACK_PERMITTED;
        out[length++] = 2;
    }
    /* RFC 7323 2.2: a SYN-ACK carries window scale only if the SYN did. */
    if (pcb->state == TCP_SYN_RECEIVED && !pcb->wscale_ok)
        return length;
    out[length++] = OPTION_NOP;
    out[length++] = OPTION_WSCALE;
    out[length++] = 3;
    out[length++] = pcb->rcv_wscale;
    return length;
}

/*
 * RFC 2018 4: the first block covers the most recently received segment;
 * the others follow (here from the lowest, nearest the hole the sender
 * most needs to fill), as many as fit.
 */
size_t tcp_options_sack_length(const struct tcp_pcb *pcb)
{
    if (!pcb->sack_ok || !pcb->ooo_count)
        return 0;
    return 4 + 8 * (size_t)MIN(pcb->ooo_count, TCP_SACK_BLOCKS_MAX);
}

size_t tcp_options_write_sack(const struct tcp_pcb *pcb, uint8_t *out)
{
    size_t length = tcp_options_sack_length(pcb);
    if (!length)
        return 0;
    int latest = 0;
    for (int i = 0; i < pcb->ooo_count; i++)
        if (seq_leq(pcb->ooo[i].start, pcb->ooo_latest) && seq_lt(pcb->ooo_latest, pcb->ooo[i].end))
            latest = i;
    int blocks = (int)(length - 4) / 8;
    out[0] = OPTION_NOP;
    out[1] = OPTION_NOP;
    out[2] = OPTION_SACK;
    out[3] = (uint8_t)(length - 2);
    uint8_t *p = write_32(write_32(out + 4, pcb->ooo[latest].start), pcb->ooo[latest].end);
    for (int i = 0, written = 1; i < pcb->ooo_count && written < blocks; i++) {
        if (i == latest)
            continue;
        p = write_32(write_32(p, pcb->ooo[i].start), pcb->ooo[i].end);
        written++;
    }
    return length;
}
