/*
 * UDP (RFC 768).  "length" is the payload length from the UDP header's own
 * length field (which counts the 8-byte header), as tcpdump prints it.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

void decode_udp(FILE *out, const uint8_t *ip, const uint8_t *l4, size_t captured,
                size_t length)
{
    print_ipv4(out, ip + IPV4_SRC_OFFSET);
    if (captured < UDP_HEADER_LEN) {
        fprintf(out, " > ");
        print_ipv4(out, ip + IPV4_DST_OFFSET);
        fprintf(out, ": [truncated udp]");
        return;
    }
    fprintf(out, ".%u > ", read_be16(l4));
    print_ipv4(out, ip + IPV4_DST_OFFSET);
    fprintf(out, ".%u: ", read_be16(l4 + 2));

    size_t udp_length = read_be16(l4 + 4);
    if (udp_length < UDP_HEADER_LEN || udp_length > length)
        fprintf(out, "[bad udp length %zu]", udp_length);
    else
        fprintf(out, "UDP length %zu", udp_length - UDP_HEADER_LEN);
}
