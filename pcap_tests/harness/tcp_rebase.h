/* Sequence rebasing for TCP conversations.  The guest picks its initial
 * sequence number at run time (RFC 6528), so a fixture writes the guest's
 * sequence space relative to it: ack 1 acknowledges the guest's SYN.  The
 * harness learns each connection's guest ISN from the guest's SYN or SYN-ACK
 * and adds it to the acknowledgment field (and SACK blocks) of the
 * fixture's frames that the script marks (see script.h, "tcp-rebase"), just before sending them.
 *
 * A connection is its 4-tuple; a later SYN of the guest on the same 4-tuple
 * (a new incarnation) replaces what was learned.  The TCP checksum is
 * updated incrementally (RFC 1624), so a checksum the fixture made wrong on
 * purpose stays exactly as wrong. */
#ifndef TCP_REBASE_H
#define TCP_REBASE_H

#include <stddef.h>
#include <stdint.h>

#define TCP_REBASE_MAX_CONNECTIONS 16

struct tcp_guest_isn {
	uint8_t guest_ip[4], peer_ip[4];
	uint16_t guest_port, peer_port;
	uint32_t isn;
};

/* Invariant: entries [0, count) are distinct 4-tuples. */
struct tcp_isns {
	struct tcp_guest_isn connections[TCP_REBASE_MAX_CONNECTIONS];
	size_t count;
};

/* Looks at a frame the guest sent: if it is an IPv4 TCP segment with SYN
 * set, remembers its sequence number as its connection's guest ISN. */
void tcp_rebase_learn(struct tcp_isns *isns, const uint8_t *frame, size_t length);

/* Adds the guest ISN of FRAME's connection to FRAME's acknowledgment field
 * and to the edges of its SACK blocks, if any (FRAME goes to the guest).  Returns 0, or -1 with FRAME unchanged when it
 * is no IPv4 TCP segment or its connection's guest ISN is not known. */
int tcp_rebase_ack(const struct tcp_isns *isns, uint8_t *frame, size_t length);

#endif
