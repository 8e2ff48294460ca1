/*
 * IPv4 (RFC 791 section 3.1).  Prints "IP ", then hands the payload to the
 * transport decoder, which prints the addresses (with ports, for UDP and
 * TCP) as tcpdump does.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

void print_ipv4(FILE *out, const uint8_t *addr)
{
    fprintf(out, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
}

static void print_addresses(FILE *out, const uint8_t *ip)
{
    print_ipv4(out, ip + IPV4_SRC_OFFSET);
    fprintf(out, " > ");
    print_ipv4(out, ip + IPV4_DST_OFFSET);
    fprintf(out, ": ");
}

void decode_ipv4(FILE *out, const uint8_t *ip, size_t captured)
{
    if (captured < IPV4_MIN_HEADER_LEN) {
        fprintf(out, "[truncated ip]");
        return;
    }
    unsigned version = ip[0] >> 4;
    size_t header_len = (size_t)(ip[0] & 0x0f) * 4;   /* IHL counts 32-bit words */
    size_t total_len = read_be16(ip + IPV4_TOTAL_LEN_OFFSET);
    if (version != 4) {
        fprintf(out, "[bad ip version %u]", version);
        return;
    }
    if (header_len < IPV4_MIN_HEADER_LEN) {
        fprintf(out, "[bad ip header length %zu]", header_len);
        return;
    }
    if (captured < header_len) {
        fprintf(out, "[truncated ip]");
        return;
    }
    if (total_len < header_len) {
        fprintf(out, "[bad ip total length %zu]", total_len);
        return;
    }

    /* Bytes past the total length are Ethernet padding to 60 bytes, not data. */
    size_t held = captured < total_len ? captured : total_len;
    const uint8_t *l4 = ip + header_len;
    size_t l4_captured = held - header_len;
    size_t l4_length = total_len - header_len;
    unsigned protocol = ip[IPV4_PROTOCOL_OFFSET];
    unsigned fragment_offset = read_be16(ip + IPV4_FRAGMENT_OFFSET) & IPV4_FRAGMENT_MASK;

    fprintf(out, "IP ");
    if (fragment_offset != 0) {
        /* Only the first fragment carries the transport header. */
        print_addresses(out, ip);
        fprintf(out, "fragment proto %u offset %u length %zu", protocol,
                fragment_offset * 8, l4_length);
    } else if (protocol == IP_PROTO_ICMP) {
        print_addresses(out, ip);
        decode_icmp(out, l4, l4_captured, l4_length);
    } else if (protocol == IP_PROTO_UDP) {
        decode_udp(out, ip, l4, l4_captured, l4_length);
    } else if (protocol == IP_PROTO_TCP) {
        decode_tcp(out, ip, l4, l4_captured, l4_length);
    } else {
        print_addresses(out, ip);
        fprintf(out, "proto %u length %zu", protocol, l4_length);
    }
    if (captured < total_len)
        fprintf(out, " [truncated ip]");
}
