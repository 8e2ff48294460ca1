/*
 * Ethernet II (IEEE 802.3 clause 3.2.6): 6-byte destination, 6-byte source,
 * 2-byte EtherType.  Values below 0x0600 are an 802.3 length, not a type.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

void print_mac(FILE *out, const uint8_t *mac)
{
    fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x",
            mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void decode_eth(FILE *out, const uint8_t *frame, size_t captured)
{
    if (captured < ETH_HEADER_LEN) {
        fprintf(out, "[truncated eth]");
        return;
    }
    print_mac(out, frame + 6);
    fprintf(out, " > ");
    print_mac(out, frame);
    fprintf(out, " ");

    uint16_t type = read_be16(frame + ETH_TYPE_OFFSET);
    const uint8_t *payload = frame + ETH_HEADER_LEN;
    size_t payload_len = captured - ETH_HEADER_LEN;
    if (type == ETHERTYPE_ARP)
        decode_arp(out, payload, payload_len);
    else if (type == ETHERTYPE_IPV4)
        decode_ipv4(out, payload, payload_len);
    else if (type < ETH_TYPE_MIN)
        fprintf(out, "802.3 length %u", type);
    else
        fprintf(out, "ethertype 0x%04x length %zu", type, payload_len);
}
