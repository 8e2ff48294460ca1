/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit words.  Summing the bytes as big-endian words
 * keeps the result in network order whatever the host's byte order.
 */
#include "ip.h"

static uint32_t sum_words(uint32_t sum, const void *data, size_t length)
{
    const uint8_t *bytes = data;
    for (; length >= 2; bytes += 2, length -= 2)
        sum += (uint32_t)(bytes[0] << 8 | bytes[1]);
    if (length)
        sum += (uint32_t)bytes[0] << 8;     /* RFC 1071: pad an odd byte with zero */
    return sum;
}

/* Returns the checksum in network order, ready to store in a header. */
uint16_t ip_checksum_finish(uint32_t sum, const void *data, size_t length)
{
    uint64_t total = sum_words(0, data, length);
    total += sum;
    while (total >> 16)
        total = (total & 0xffff) + (total >> 16);
    return net_htons((uint16_t)~total);
}

uint16_t ip_checksum(const void *data, size_t length)
{
    return ip_checksum_finish(0, data, length);
}

/* RFC 768: source, destination, zero, protocol, UDP length (all big-endian). */
uint32_t ip_pseudo_header_sum(uint32_t source, uint32_t destination, uint8_t protocol,
                              uint16_t length)
{
    uint32_t s = net_ntohl(source), d = net_ntohl(destination);
    return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + protocol + length;
}
