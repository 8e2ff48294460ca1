/*
 * Fragmentation on output (RFC 791 3.2, "An Example Fragmentation
 * Procedure"; RFC 1122 3.3.3): every fragment but the last carries a
 * multiple of 8 data bytes; the first keeps all options, the others only
 * those whose "copied" flag is set (RFC 791 3.1).
 */
#include "ip_private.h"
#include "../netif/counters.h"

/* LAB(ip-fragments) BEGIN: the helpers of ip_fragment_output: the options a later
 * fragment carries (those with the copied flag, RFC 791 3.1, padded to 4 octets with
 * End of Option List), and one fragment built from the original header, its options
 * and a slice of the data (total length, MF, offset in 8-octet units, checksum). */
#define OPTION_COPIED 0x80

/* Writes the options of a non-first fragment into out (padded to 4 bytes); their length. */
static size_t copied_options(const uint8_t *options, size_t length, uint8_t *out)
{
    size_t used = 0, i = 0;
    while (i < length && options[i] != 0) {
        size_t option_length = options[i] == 1 ? 1 : i + 1 < length ? options[i + 1] : 0;
        if (option_length == 0 || (options[i] != 1 && option_length < 2) ||
            option_length > length - i)
            break;      /* a caller-built (IP_HDRINCL) header may be malformed */
        if (options[i] & OPTION_COPIED) {
            memcpy(out + used, options + i, option_length);
            used += option_length;
        }
        i += option_length;
    }
    while (used % 4)
        out[used++] = 0;        /* End of Option List pads the header */
    return used;
}

static struct pbuf *make_fragment(const struct ip_header *original, const uint8_t *options,
                                  size_t options_length, const uint8_t *data, size_t length,
                                  size_t offset, bool more)
{
    size_t header_length = sizeof(struct ip_header) + options_length;
    struct pbuf *fragment = pbuf_alloc(PBUF_IP, header_length + length);
    if (!fragment)
        return NULL;
    struct ip_header *header = (struct ip_header *)fragment->data;
    *header = *original;
    memcpy(header + 1, options, options_length);
    memcpy((uint8_t *)header + header_length, data, length);
    header->version_and_header_length = (uint8_t)(0x40 | header_length / 4);
    header->total_length = net_htons((uint16_t)(header_length + length));
    uint16_t flags = net_ntohs(original->flags_and_fragment_offset);
    /* A datagram that is itself a fragment (IP_HDRINCL) keeps its MF and offset. */
    offset += (size_t)(flags & IP_FRAGMENT_OFFSET_MASK) * 8;
    header->flags_and_fragment_offset =
        net_htons((uint16_t)((flags & ~IP_FRAGMENT_OFFSET_MASK) |
                             (more ? IP_FLAG_MORE_FRAGMENTS : 0) | (offset / 8)));
    header->checksum = 0;
    header->checksum = ip_checksum(header, header_length);
    pbuf_mark_l3(fragment);
    return fragment;
}
/* LAB(ip-fragments) END */

int ip_fragment_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    /* LAB(ip-fragments) BEGIN: cut the datagram's data into fragments that fit
     * netif->mtu (RFC 791 3.2): each but the last carries a multiple of 8 octets and
     * has More Fragments; the first keeps every option, the others only the copied
     * ones; each is a new pbuf (PBUF_IP), its netif set, counted in FragCreates and
     * handed to ip_transmit.  A datagram that is itself a fragment keeps its offset and
     * MF.  An MTU too small for a header and 8 octets is EMSGSIZE, no memory ENOBUFS:
     * both FragFails; otherwise FragOKs, and the first error of ip_transmit is the
     * result.  Consume the datagram. */
    const struct ip_header *header = (const struct ip_header *)datagram->data;
    size_t header_length = ip_header_length(header);
    const uint8_t *options = (const uint8_t *)(header + 1);
    size_t options_length = header_length - sizeof(*header);
    uint8_t later_options[40];
    size_t later_options_length = copied_options(options, options_length, later_options);
    const uint8_t *data = datagram->data + header_length;
    size_t data_length = pbuf_length(datagram) - header_length;
    int result = 0;
    for (size_t offset = 0; offset < data_length;) {
        bool first = offset == 0;
        size_t this_header = first ? header_length : sizeof(*header) + later_options_length;
        if (netif->mtu < this_header + 8) {
            result = -EMSGSIZE;
            break;
        }
        size_t length = MIN((netif->mtu - this_header) & ~(size_t)7, data_length - offset);
        bool more = offset + length < data_length;
        struct pbuf *fragment = make_fragment(header, first ? options : later_options,
                                              first ? options_length : later_options_length,
                                              data + offset, length, offset, more);
        if (!fragment) {
            result = -ENOBUFS;
            break;
        }
        fragment->netif = netif;
        NET_COUNT(IP_FRAG_CREATES);
        int error = ip_transmit(netif, fragment, next_hop);
        if (error && !result)
            result = error;
        offset += length;
    }
    if (result == -EMSGSIZE || result == -ENOBUFS)
        NET_COUNT(IP_FRAG_FAILS);
    else
        NET_COUNT(IP_FRAG_OKS);
    pbuf_put(datagram);
    return result;
    /* LAB(ip-fragments) STUB
     * (void)netif, (void)next_hop;
     * NET_COUNT(IP_FRAG_FAILS);
     * pbuf_put(datagram);
     * return -EMSGSIZE;
     * LAB(ip-fragments) END */
}
