/*
 * Sending ICMP errors (RFC 792; RFC 1122 3.2.2).  The error quotes as much
 * of the original datagram as fits in 576 bytes (RFC 1812 4.3.2.3, as Linux
 * does), which includes RFC 792's "internet header + 64 bits".
 */
#include "icmp_private.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

/* LAB(icmp) BEGIN: the largest error datagram, the error's type of service, and the
 * test of RFC 1122 3.2.2's list of datagrams an error must never be sent about. */
#define ICMP_ERROR_MAXIMUM_DATAGRAM 576
#define IP_TOS_INTERNETWORK_CONTROL 0xc0

/* RFC 1122 3.2.2: the datagrams an error must never be sent about. */
static bool may_answer(const struct pbuf *original, const struct ip_header *header)
{
    if (original->packet_type == PBUF_BROADCAST || original->packet_type == PBUF_MULTICAST ||
        ip_address_is_broadcast(original->netif, header->destination) ||
        ip_address_is_multicast(header->destination))
        return false;
    if (header->source == IP_ADDRESS_ANY || ip_address_is_broadcast(NULL, header->source) ||
        ip_address_is_multicast(header->source))
        return false;
    if (net_ntohs(header->flags_and_fragment_offset) & IP_FRAGMENT_OFFSET_MASK)
        return false;                   /* not the first fragment */
    if (header->protocol == IP_PROTOCOL_ICMP) {
        const uint8_t *type = (const uint8_t *)header + ip_header_length(header);
        if (type >= original->tail || icmp_type_is_error(*type))
            return false;
    }
    return true;
}
/* LAB(icmp) END */

void icmp_send_error(struct pbuf *original, uint8_t type, uint8_t code, uint32_t extra)
{
    /* LAB(icmp) BEGIN: unless RFC 1122 3.2.2 forbids it or the rate limit refuses, build
     * the error: type, code, checksum, the 4 bytes of extra, then the original datagram
     * from its IP header on, as much of it as fits in 576 bytes; send it to the
     * original's source, from the address the original was sent to when that is ours,
     * with precedence 0xc0 (OutErrors when there is no buffer or ip_output fails).
     * original stays the caller's. */
    if (original->l3_offset == PBUF_OFFSET_UNSET)
        return;
    const struct ip_header *header = (const struct ip_header *)pbuf_l3(original);
    if ((const uint8_t *)(header + 1) > original->tail || !may_answer(original, header))
        return;
    if (!icmp_rate_limit_allow(header->source))
        return;
    size_t available = (size_t)(original->tail - (const uint8_t *)header);
    size_t quoted = MIN(MIN(available, (size_t)net_ntohs(header->total_length)),
                        ICMP_ERROR_MAXIMUM_DATAGRAM - sizeof(struct ip_header) - ICMP_HEADER_SIZE);
    struct pbuf *message = pbuf_alloc(PBUF_TRANSPORT, ICMP_HEADER_SIZE + quoted);
    if (!message) {
        NET_COUNT(ICMP_OUT_ERRORS);
        return;
    }
    struct icmp_header *icmp = (struct icmp_header *)message->data;
    icmp->type = type;
    icmp->code = code;
    icmp->checksum = 0;
    icmp->rest = net_htonl(extra);
    memcpy(message->data + ICMP_HEADER_SIZE, header, quoted);
    icmp->checksum = ip_checksum(message->data, pbuf_length(message));
    /* From the address the datagram was sent to when it is ours, else the
     * outgoing interface's (a datagram we failed to send). */
    uint32_t source = ip_address_is_local(NULL, header->destination) ? header->destination : 0;
    struct ip_output_options options = {
        .type_of_service = (uint8_t)((header->type_of_service & 0x1e) | IP_TOS_INTERNETWORK_CONTROL),
    };
    if (ip_output(message, source, header->source, IP_PROTOCOL_ICMP, &options))
        NET_COUNT(ICMP_OUT_ERRORS);
    /* LAB(icmp) STUB
     * (void)original, (void)type, (void)code, (void)extra;
     * NET_COUNT(ICMP_OUT_ERRORS);
     * LAB(icmp) END */
}
