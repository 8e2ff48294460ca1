#include "tcp_rebase.h"

#include <string.h>

/* Offsets in an Ethernet frame (no VLAN tag) carrying IPv4. */
enum {
	ETH_TYPE = 12,
	IP_START = 14,
	IP_MIN_HEADER = 20,
	IP_PROTOCOL = 9,
	IP_SOURCE = 12,
	IP_DESTINATION = 16,
	TCP_SOURCE_PORT = 0,
	TCP_DESTINATION_PORT = 2,
	TCP_SEQ = 4,
	TCP_ACK = 8,
	TCP_FLAGS = 13,
	TCP_CHECKSUM = 16,
	TCP_MIN_HEADER = 20,
	TCP_FLAG_SYN = 0x02,
	IPPROTO_TCP_NUMBER = 6,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, uint16_t value)
{
	p[0] = value >> 8;
	p[1] = value & 0xff;
}

/* The IPv4 header and the TCP header of FRAME, or NULL when FRAME is not an
 * unfragmented IPv4 TCP segment with a whole fixed TCP header. */
static uint8_t *tcp_header(const uint8_t *frame, size_t length, const uint8_t **ip)
{
	size_t header_length;

	if (length < IP_START + IP_MIN_HEADER || get16(frame + ETH_TYPE) != 0x0800)
		return NULL;
	*ip = frame + IP_START;
	header_length = ((*ip)[0] & 0x0f) * 4u;
	if ((*ip)[0] >> 4 != 4 || header_length < IP_MIN_HEADER ||
	    (*ip)[IP_PROTOCOL] != IPPROTO_TCP_NUMBER || (get16(*ip + 6) & 0x1fff) != 0 ||
	    length < IP_START + header_length + TCP_MIN_HEADER)
		return NULL;
	return (uint8_t *)(*ip + header_length);
}

static struct tcp_guest_isn *find(const struct tcp_isns *isns, const uint8_t guest_ip[4],
				  uint16_t guest_port, const uint8_t peer_ip[4], uint16_t peer_port)
{
	for (size_t i = 0; i < isns->count; i++) {
		const struct tcp_guest_isn *c = &isns->connections[i];

		if (c->guest_port == guest_port && c->peer_port == peer_port &&
		    memcmp(c->guest_ip, guest_ip, 4) == 0 && memcmp(c->peer_ip, peer_ip, 4) == 0)
			return (struct tcp_guest_isn *)c;
	}
	return NULL;
}

void tcp_rebase_learn(struct tcp_isns *isns, const uint8_t *frame, size_t length)
{
	const uint8_t *ip;
	const uint8_t *tcp = tcp_header(frame, length, &ip);
	struct tcp_guest_isn *connection;

	if (tcp == NULL || !(tcp[TCP_FLAGS] & TCP_FLAG_SYN))
		return;
	connection = find(isns, ip + IP_SOURCE, get16(tcp + TCP_SOURCE_PORT),
			  ip + IP_DESTINATION, get16(tcp + TCP_DESTINATION_PORT));
	if (connection == NULL) {
		if (isns->count == TCP_REBASE_MAX_CONNECTIONS)
			return;
		connection = &isns->connections[isns->count++];
		memcpy(connection->guest_ip, ip + IP_SOURCE, 4);
		memcpy(connection->peer_ip, ip + IP_DESTINATION, 4);
		connection->guest_port = get16(tcp + TCP_SOURCE_PORT);
		connection->peer_port = get16(tcp + TCP_DESTINATION_PORT);
	}
	connection->isn = get32(tcp + TCP_SEQ);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word m -> m'. */
static uint16_t checksum_update(uint16_t checksum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~checksum + (uint16_t)~old_word + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Adds ISN to the 32-bit word at P, keeping CHECKSUM right. */
static void rebase_word(uint8_t *p, uint32_t isn, uint16_t *checksum)
{
	uint32_t old_value = get32(p), new_value = old_value + isn;

	*checksum = checksum_update(*checksum, old_value >> 16, new_value >> 16);
	*checksum = checksum_update(*checksum, old_value & 0xffff, new_value & 0xffff);
	put16(p, new_value >> 16);
	put16(p + 2, new_value & 0xffff);
}

/* The edges of SACK blocks (RFC 2018 3: kind 5, length 2 + 8n) are in the
 * guest's sequence space too.  Options are walked as far as they are well
 * formed and inside the frame; a malformed one stops the walk. */
static void rebase_sack_blocks(uint8_t *tcp, size_t available, uint32_t isn, uint16_t *checksum)
{
	size_t end = (tcp[12] >> 4) * 4u, i = TCP_MIN_HEADER;

	if (end > available)
		end = available;
	while (i < end && tcp[i] != 0) {
		size_t size;

		if (tcp[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= end || tcp[i + 1] < 2 || i + tcp[i + 1] > end)
			return;
		size = tcp[i + 1];
		if (tcp[i] == 5 && size >= 10 && (size - 2) % 8 == 0)
			for (size_t edge = i + 2; edge < i + size; edge += 4)
				rebase_word(tcp + edge, isn, checksum);
		i += size;
	}
}

int tcp_rebase_ack(const struct tcp_isns *isns, uint8_t *frame, size_t length)
{
	const uint8_t *ip;
	uint8_t *tcp = tcp_header(frame, length, &ip);
	const struct tcp_guest_isn *connection;
	uint16_t checksum;

	if (tcp == NULL)
		return -1;
	connection = find(isns, ip + IP_DESTINATION, get16(tcp + TCP_DESTINATION_PORT),
			  ip + IP_SOURCE, get16(tcp + TCP_SOURCE_PORT));
	if (connection == NULL)
		return -1;
	checksum = get16(tcp + TCP_CHECKSUM);
	rebase_word(tcp + TCP_ACK, connection->isn, &checksum);
	rebase_sack_blocks(tcp, length - (size_t)(tcp - frame), connection->isn, &checksum);
	put16(tcp + TCP_CHECKSUM, checksum);
	return 0;
}
