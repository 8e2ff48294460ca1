#include "arp_answer.h"

#include <string.h>

/* Offsets in an Ethernet frame carrying ARP for IPv4 over Ethernet (RFC 826). */
enum {
	ETH_DST = 0,
	ETH_SRC = 6,
	ETH_TYPE = 12,
	ARP_HTYPE = 14,
	ARP_PTYPE = 16,
	ARP_HLEN = 18,
	ARP_PLEN = 19,
	ARP_OPER = 20,
	ARP_SHA = 22,
	ARP_SPA = 28,
	ARP_THA = 32,
	ARP_TPA = 38,
	ARP_END = 42,
};

static const uint8_t ipv4_over_ethernet[] = {
	0x08, 0x06,		/* EtherType ARP */
	0x00, 0x01,		/* hardware: Ethernet */
	0x08, 0x00,		/* protocol: IPv4 */
	6, 4,			/* address lengths */
};
static const uint8_t request[] = { 0x00, 0x01 };
static const uint8_t reply[] = { 0x00, 0x02 };

int arp_answer(const struct script *script, const uint8_t *frame, size_t length,
	       uint8_t answer[ARP_ANSWER_LENGTH])
{
	if (length < ARP_END || memcmp(frame + ETH_TYPE, ipv4_over_ethernet,
				       sizeof(ipv4_over_ethernet)) != 0 ||
	    memcmp(frame + ARP_OPER, request, sizeof(request)) != 0)
		return 0;
	for (size_t i = 0; i < script->address_count; i++) {
		const struct harness_address *address = &script->addresses[i];

		if (memcmp(frame + ARP_TPA, address->ip, 4) != 0)
			continue;
		/* Padded with zeros to the Ethernet minimum, as a real NIC sends it. */
		memset(answer, 0, ARP_ANSWER_LENGTH);
		memcpy(answer + ETH_DST, frame + ARP_SHA, 6);
		memcpy(answer + ETH_SRC, address->mac, 6);
		memcpy(answer + ETH_TYPE, ipv4_over_ethernet, sizeof(ipv4_over_ethernet));
		memcpy(answer + ARP_OPER, reply, sizeof(reply));
		memcpy(answer + ARP_SHA, address->mac, 6);
		memcpy(answer + ARP_SPA, address->ip, 4);
		memcpy(answer + ARP_THA, frame + ARP_SHA, 6);
		memcpy(answer + ARP_TPA, frame + ARP_SPA, 4);
		return 1;
	}
	return 0;
}

int arp_is_announcement(const uint8_t *frame, size_t length)
{
	return length >= ARP_END &&
	       memcmp(frame + ETH_TYPE, ipv4_over_ethernet, sizeof(ipv4_over_ethernet)) == 0 &&
	       memcmp(frame + ARP_OPER, request, sizeof(request)) == 0 &&
	       memcmp(frame + ARP_SPA, frame + ARP_TPA, 4) == 0;
}
