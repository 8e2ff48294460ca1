/*
 * ARP (RFC 826).  Only Ethernet/IPv4 ARP has its addresses shown; any other
 * hardware or protocol space is named by its numbers.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

void decode_arp(FILE *out, const uint8_t *arp, size_t captured)
{
    if (captured < ARP_FIXED_LEN) {
        fprintf(out, "[truncated arp]");
        return;
    }
    uint16_t hardware = read_be16(arp);
    uint16_t protocol = read_be16(arp + 2);
    uint16_t op = read_be16(arp + 6);
    if (hardware != ARP_HRD_ETHERNET || protocol != ETHERTYPE_IPV4 ||
        arp[4] != 6 || arp[5] != 4) {
        fprintf(out, "ARP hrd %u pro 0x%04x op %u", hardware, protocol, op);
        return;
    }
    if (captured < ARP_IPV4_LEN) {
        fprintf(out, "[truncated arp]");
        return;
    }
    fprintf(out, "ARP ");
    if (op == ARP_OP_REQUEST) {
        fprintf(out, "who-has ");
        print_ipv4(out, arp + ARP_TPA_OFFSET);
        fprintf(out, " tell ");
        print_ipv4(out, arp + ARP_SPA_OFFSET);
    } else if (op == ARP_OP_REPLY) {
        fprintf(out, "reply ");
        print_ipv4(out, arp + ARP_SPA_OFFSET);
        fprintf(out, " is-at ");
        print_mac(out, arp + ARP_SHA_OFFSET);
    } else {
        fprintf(out, "op %u ", op);
        print_ipv4(out, arp + ARP_SPA_OFFSET);
        fprintf(out, " > ");
        print_ipv4(out, arp + ARP_TPA_OFFSET);
    }
}
