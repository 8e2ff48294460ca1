/*
 * TCP (RFC 9293 section 3.1).  Flags are shown as tcpdump shows them, in its
 * order: F S R P . (ACK) U E (ECE) W (CWR), "none" for none.  Sequence
 * numbers are absolute; "ack" appears only when the ACK flag makes the field
 * meaningful; "win" is the raw window field (unscaled); "length" is the
 * payload length, from the IP total length less both headers.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

static const struct {
    uint8_t bit;
    char letter;
} tcp_flags[] = {
    { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
    { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
};
#define TCP_FLAG_ACK 0x10

static void print_flags(FILE *out, uint8_t flags)
{
    fprintf(out, "[");
    if (flags == 0)
        fprintf(out, "none");
    for (size_t i = 0; i < sizeof tcp_flags / sizeof tcp_flags[0]; i++)
        if (flags & tcp_flags[i].bit)
            fputc(tcp_flags[i].letter, out);
    fprintf(out, "]");
}

void decode_tcp(FILE *out, const uint8_t *ip, const uint8_t *l4, size_t captured,
                size_t length)
{
    print_ipv4(out, ip + IPV4_SRC_OFFSET);
    if (captured < TCP_MIN_HEADER_LEN) {
        fprintf(out, " > ");
        print_ipv4(out, ip + IPV4_DST_OFFSET);
        fprintf(out, ": [truncated tcp]");
        return;
    }
    fprintf(out, ".%u > ", read_be16(l4));
    print_ipv4(out, ip + IPV4_DST_OFFSET);
    fprintf(out, ".%u: ", read_be16(l4 + 2));

    size_t header_len = (size_t)(l4[12] >> 4) * 4;   /* data offset, in 32-bit words */
    if (header_len < TCP_MIN_HEADER_LEN || header_len > length) {
        fprintf(out, "[bad tcp header length %zu]", header_len);
        return;
    }
    uint8_t flags = l4[13];
    fprintf(out, "TCP ");
    print_flags(out, flags);
    fprintf(out, " seq %u", read_be32(l4 + 4));
    if (flags & TCP_FLAG_ACK)
        fprintf(out, " ack %u", read_be32(l4 + 8));
    fprintf(out, " win %u length %zu", read_be16(l4 + 14), length - header_len);
}
