/* The harness's own hosts on the guest's link: answers the guest's ARP
 * requests for them, as any neighbour would (RFC 826, "Packet Reception"). */
#ifndef ARP_ANSWER_H
#define ARP_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "script.h"

#define ARP_ANSWER_LENGTH 60 /* an Ethernet minimum frame, without the FCS */

/* If FRAME is an Ethernet ARP request for one of the addresses, writes the
 * reply into ANSWER and returns 1; returns 0 otherwise. */
int arp_answer(const struct script *script, const uint8_t *frame, size_t length,
	       uint8_t answer[ARP_ANSWER_LENGTH]);

/* Whether FRAME is an ARP request whose sender and target addresses are
 * the same: a gratuitous ARP announcing the sender (RFC 5227 2.3), which
 * nobody answers. */
int arp_is_announcement(const uint8_t *frame, size_t length);

#endif
