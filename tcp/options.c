/*
 * TCP options (RFC 9293 3.1 and 3.7.1, RFC 7323 2): MSS and window scale
 * are understood; every other kind is skipped by its length.
 */
#include "tcp_private.h"

enum { OPTION_END = 0, OPTION_NOP = 1, OPTION_MSS = 2, OPTION_WSCALE = 3 };

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
        }
        i += size;
    }
}

size_t tcp_options_write_syn(const struct tcp_pcb *pcb, uint8_t *out)
{
    out[0] = OPTION_MSS;
    out[1] = 4;
    out[2] = (uint8_t)(pcb->advertised_mss >> 8);
    out[3] = (uint8_t)pcb->advertised_mss;
    /* RFC 7323 2.2: a SYN-ACK carries window scale only if the SYN did. */
    if (pcb->state == TCP_SYN_RECEIVED && !pcb->wscale_ok)
        return 4;
    out[4] = OPTION_NOP;
    out[5] = OPTION_WSCALE;
    out[6] = 3;
    out[7] = pcb->rcv_wscale;
    return 8;
}
