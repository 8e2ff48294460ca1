/*
 * ICMP for IPv4 (RFC 792, RFC 1122 3.2.2).  Messages go out through
 * ip_output.  Ownership is netif/pbuf.h's rule; the two functions below
 * that are only shown a pbuf say so.
 */
#ifndef ICMP_ICMP_H
#define ICMP_ICMP_H
#include "../netif/pbuf.h"

enum {
    ICMP_ECHO_REPLY = 0, ICMP_DESTINATION_UNREACHABLE = 3, ICMP_ECHO_REQUEST = 8,
    ICMP_TIME_EXCEEDED = 11, ICMP_PARAMETER_PROBLEM = 12,
};
enum {
    ICMP_NETWORK_UNREACHABLE = 0, ICMP_HOST_UNREACHABLE = 1, ICMP_PROTOCOL_UNREACHABLE = 2,
    ICMP_PORT_UNREACHABLE = 3, ICMP_FRAGMENTATION_NEEDED = 4,
};
enum { ICMP_TTL_EXCEEDED = 0, ICMP_REASSEMBLY_TIME_EXCEEDED = 1 };

/*
 * Sends an error about original (whose l3 offset marks its IP header),
 * unless RFC 1122 3.2.2 forbids it (original is an ICMP error, a broadcast
 * or multicast, a non-first fragment, or from a non-unicast source) or the
 * rate limit says no.  Does not consume original.
 */
void icmp_send_error(struct pbuf *original, uint8_t type, uint8_t code, uint32_t extra);

/*
 * Errors received about datagrams we sent, handed to the transport that
 * sent them (UDP: to the connected socket; TCP: to the connection the
 * quoted segment belongs to).  quoted has data at the quoted IP header,
 * which is followed by at least 8 bytes; the handler is only shown it.
 */
typedef void (*icmp_error_handler_t)(uint8_t type, uint8_t code, struct pbuf *quoted);
void icmp_register_error_handler(uint8_t protocol, icmp_error_handler_t handler);
/* The errno an error of type and code means to a socket (Linux's
 * icmp_err_convert for Destination Unreachable, EHOSTUNREACH for Time
 * Exceeded, EPROTO for Parameter Problem), and whether it is fatal (RFC
 * 1122's hard error, *fatal); 0 for a message no socket hears of. */
int icmp_error_errno(uint8_t type, uint8_t code, bool *fatal);
/* Counts an ICMP message of type leaving the host (OutMsgs and the
 * per-type counter), whoever built it: IP calls it for every ICMP datagram
 * it sends, raw sockets' included, as Linux's icmp_out_count. */
void icmp_out_count(uint8_t type);
void icmp_init(void);

#endif
