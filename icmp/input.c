/*
 * ICMP input (RFC 792, RFC 1122 3.2.2): answer echo requests, and hand
 * errors about datagrams we sent to the transport that sent them.
 */
#include "icmp_private.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

static icmp_error_handler_t error_handlers[256];

void icmp_register_error_handler(uint8_t protocol, icmp_error_handler_t handler)
{
    error_handlers[protocol] = handler;
}

/* LAB(icmp) BEGIN: the helpers icmp_input needs: answering an echo request with an
 * echo reply (RFC 792 "Echo or Echo Reply Message"; RFC 1122 3.2.2.6), and handing an
 * error about one of our datagrams to the handler its quoted protocol registered
 * (error_handlers) once the quote is long enough (RFC 792, RFC 1122 3.2.2). */
/* RFC 792 "Echo or Echo Reply Message": same identifier, sequence and data. */
static void answer_echo(struct pbuf *request, const struct ip_header *ip)
{
    /* RFC 1122 3.2.2.6 allows ignoring echoes to a broadcast; Linux does
     * by default (icmp_echo_ignore_broadcasts), and so do we, counting the
     * echo in Icmp InErrors as Linux's icmp_rcv does. */
    if (request->packet_type == PBUF_BROADCAST || request->packet_type == PBUF_MULTICAST ||
        ip_address_is_broadcast(request->netif, ip->destination) ||
        ip_address_is_multicast(ip->destination)) {
        NET_COUNT(ICMP_IN_ERRORS);
        return;
    }
    struct pbuf *reply = pbuf_alloc(PBUF_TRANSPORT, pbuf_length(request));
    if (!reply) {
        NET_COUNT(ICMP_OUT_ERRORS);
        return;
    }
    memcpy(reply->data, request->data, pbuf_length(request));
    struct icmp_header *icmp = (struct icmp_header *)reply->data;
    icmp->type = ICMP_ECHO_REPLY;
    icmp->checksum = 0;
    icmp->checksum = ip_checksum(reply->data, pbuf_length(reply));
    struct ip_output_options options = { .type_of_service = ip->type_of_service };
    if (ip_output(reply, ip->destination, ip->source, IP_PROTOCOL_ICMP, &options))
        NET_COUNT(ICMP_OUT_ERRORS);
}

/* An error about one of our datagrams: the quoted header must hold at
 * least the IP header and 8 bytes (RFC 792), enough for the ports. */
static void dispatch_error(struct pbuf *message, uint8_t type, uint8_t code)
{
    pbuf_pull(message, ICMP_HEADER_SIZE);
    const struct ip_header *quoted = PBUF_HEADER(message, struct ip_header);
    size_t quoted_header_length = quoted ? ip_header_length(quoted) : 0;
    if (!quoted || quoted->version_and_header_length >> 4 != 4 ||
        quoted_header_length < sizeof(*quoted) || pbuf_length(message) < quoted_header_length + 8) {
        NET_COUNT(ICMP_IN_ERRORS);
        return;
    }
    icmp_error_handler_t handler = error_handlers[quoted->protocol];
    if (handler)
        handler(type, code, message);
}
/* LAB(icmp) END */

static void icmp_input(struct pbuf *packet)
{
    /* LAB(icmp) BEGIN: count the message (InMsgs), drop it if shorter than the ICMP
     * header or if its checksum is wrong (InErrors; InCsumErrors too), then by type:
     * answer an echo request, count an echo reply (a raw socket such as ping's has its
     * copy already), hand destination unreachable, time exceeded and parameter problem
     * to the quoted protocol's handler, and silently discard every other type (RFC 1122
     * 3.2.2).  Consume the packet on every path. */
    NET_COUNT(ICMP_IN_MSGS);
    const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet);
    const struct icmp_header *icmp = PBUF_HEADER(packet, struct icmp_header);
    if (!icmp) {
        NET_COUNT(ICMP_IN_ERRORS);
        pbuf_put(packet);
        return;
    }
    if (ip_checksum(packet->data, pbuf_length(packet)) != 0) {
        NET_COUNT(ICMP_IN_CSUM_ERRORS);
        NET_COUNT(ICMP_IN_ERRORS);
        pbuf_put(packet);
        return;
    }
    switch (icmp->type) {
    case ICMP_ECHO_REQUEST:
        NET_COUNT(ICMP_IN_ECHOS);
        answer_echo(packet, ip);
        break;
    case ICMP_ECHO_REPLY:
        NET_COUNT(ICMP_IN_ECHO_REPS);      /* for the raw sockets (ping), which saw it */
        break;
    case ICMP_DESTINATION_UNREACHABLE:
        NET_COUNT(ICMP_IN_DEST_UNREACHS);
        dispatch_error(packet, icmp->type, icmp->code);
        break;
    case ICMP_TIME_EXCEEDED:
        NET_COUNT(ICMP_IN_TIME_EXCDS);
        dispatch_error(packet, icmp->type, icmp->code);
        break;
    case ICMP_PARAMETER_PROBLEM:
        dispatch_error(packet, icmp->type, icmp->code);
        break;
    default:
        break;
    }
    pbuf_put(packet);
    /* LAB(icmp) STUB
     * NET_COUNT(ICMP_IN_ERRORS);
     * pbuf_put(packet);
     * LAB(icmp) END */
}

void icmp_init(void)
{
    ip_register(IP_PROTOCOL_ICMP, icmp_input);
}
