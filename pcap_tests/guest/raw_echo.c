/* raw_echo: a pcap fixture's raw IP socket peer in the guest.  It opens an
 * AF_INET SOCK_RAW socket and answers what it receives, so that what the
 * kernel handed it is visible on the wire:
 *
 *   raw_echo proto N     a socket for protocol N answers each datagram to its
 *                        source with a datagram of protocol N, payload
 *                        "raw N INFO: " + the received datagram's payload
 *   raw_echo icmp        a socket for IPPROTO_ICMP answers each echo reply it
 *                        sees (other ICMP messages, such as the fixtures'
 *                        probes, are the kernel's) with an echo request of
 *                        the same identifier and sequence number + 1, payload
 *                        "raw 1 INFO type=T code=C"; it computes the ICMP
 *                        checksum, as a raw ICMP socket must
 *   raw_echo hdrincl N   a socket for protocol N receives; the answer goes
 *                        out of an IPPROTO_RAW socket (IP_HDRINCL) with a
 *                        header built here: TTL 7, protocol N, and total
 *                        length, identification, checksum and source address
 *                        all 0, for the kernel to fill in
 *
 * INFO is what recvfrom gave: "from=A hl=IHL*4 ttl=T len=BYTES", the IP
 * header being part of what a raw socket receives.  The sockets are open
 * before the program forks into the background and the parent exits 0, so
 * the fixture's guest_setup is done only once datagrams can be received.
 * A static program, run on Strata and Linux.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAM_MAX 2048
#define IP_HEADER_MIN 20
#define ICMP_HEADER_LENGTH 8
#define ICMP_ECHO_REPLY_TYPE 0
#define ICMP_ECHO_REQUEST_TYPE 8
#define ANSWER_TTL 7

enum mode { MODE_PROTO, MODE_ICMP, MODE_HDRINCL };

struct peer {
	enum mode mode;
	int protocol;
	int receiver;
	int sender; /* the receiver, or the IPPROTO_RAW socket in MODE_HDRINCL */
};

static int fail(const char *what)
{
	perror(what);
	return 1;
}

/* RFC 1071: the ones' complement of the ones' complement sum. */
static unsigned short internet_checksum(const unsigned char *data, size_t length)
{
	unsigned long sum = 0;

	for (size_t i = 0; i + 1 < length; i += 2)
		sum += data[i] << 8 | data[i + 1];
	if (length % 2)
		sum += data[length - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

static int describe(const struct sockaddr_in *from, const unsigned char *datagram, ssize_t length,
		    char *text, size_t size)
{
	return snprintf(text, size, "from=%s hl=%d ttl=%d len=%zd", inet_ntoa(from->sin_addr),
			(datagram[0] & 0x0f) * 4, datagram[8], length);
}

/* MODE_PROTO and MODE_HDRINCL: "raw N INFO: " + the payload. */
static size_t echo_payload(const struct peer *peer, const struct sockaddr_in *from,
			   const unsigned char *datagram, ssize_t length, unsigned char *out, size_t size)
{
	size_t header = (datagram[0] & 0x0f) * 4;
	size_t used = snprintf((char *)out, size, "raw %d ", peer->protocol);

	used += describe(from, datagram, length, (char *)out + used, size - used);
	used += snprintf((char *)out + used, size - used, ": ");
	if (header < (size_t)length && length - header <= size - used) {
		memcpy(out + used, datagram + header, length - header);
		used += length - header;
	}
	return used;
}

/* MODE_ICMP: an echo request answering an echo reply. */
static size_t icmp_answer(const struct sockaddr_in *from, const unsigned char *datagram,
			  ssize_t length, unsigned char *out, size_t size)
{
	const unsigned char *icmp = datagram + (datagram[0] & 0x0f) * 4;
	unsigned sequence = (icmp[6] << 8 | icmp[7]) + 1;
	size_t used = ICMP_HEADER_LENGTH;

	memset(out, 0, ICMP_HEADER_LENGTH);
	out[0] = ICMP_ECHO_REQUEST_TYPE;
	memcpy(out + 4, icmp + 4, 2);
	out[6] = (sequence >> 8) & 0xff;
	out[7] = sequence & 0xff;
	used += snprintf((char *)out + used, size - used, "raw 1 ");
	used += describe(from, datagram, length, (char *)out + used, size - used);
	used += snprintf((char *)out + used, size - used, " type=%d code=%d", icmp[0], icmp[1]);
	unsigned short checksum = internet_checksum(out, used);
	out[2] = checksum >> 8;
	out[3] = checksum & 0xff;
	return used;
}

/* MODE_HDRINCL: a header with the fields the kernel fills in left 0. */
static size_t hdrincl_answer(const struct peer *peer, const struct sockaddr_in *from,
			     const unsigned char *datagram, ssize_t length, unsigned char *out,
			     size_t size)
{
	memset(out, 0, IP_HEADER_MIN);
	out[0] = 0x45;
	out[8] = ANSWER_TTL;
	out[9] = peer->protocol;
	memcpy(out + 16, &from->sin_addr, 4);
	return IP_HEADER_MIN + echo_payload(peer, from, datagram, length, out + IP_HEADER_MIN,
					    size - IP_HEADER_MIN);
}

static int answer(const struct peer *peer, const unsigned char *datagram, ssize_t length,
		  const struct sockaddr_in *from)
{
	unsigned char out[DATAGRAM_MAX];
	size_t out_length;

	if (length < IP_HEADER_MIN || (datagram[0] & 0x0f) * 4 > length)
		return 0;
	if (peer->mode == MODE_ICMP) {
		const unsigned char *icmp = datagram + (datagram[0] & 0x0f) * 4;
		if (datagram + length - icmp < ICMP_HEADER_LENGTH || icmp[0] != ICMP_ECHO_REPLY_TYPE)
			return 0;
		out_length = icmp_answer(from, datagram, length, out, sizeof(out));
	} else if (peer->mode == MODE_HDRINCL) {
		out_length = hdrincl_answer(peer, from, datagram, length, out, sizeof(out));
	} else {
		out_length = echo_payload(peer, from, datagram, length, out, sizeof(out));
	}
	return sendto(peer->sender, out, out_length, 0, (const struct sockaddr *)from,
		      sizeof(*from)) < 0 ? -1 : 0;
}

static int serve(const struct peer *peer)
{
	for (;;) {
		unsigned char datagram[DATAGRAM_MAX];
		struct sockaddr_in from;
		socklen_t from_length = sizeof(from);
		ssize_t length = recvfrom(peer->receiver, datagram, sizeof(datagram), 0,
					  (struct sockaddr *)&from, &from_length);

		if (length < 0)
			return fail("raw_echo: recvfrom");
		if (answer(peer, datagram, length, &from) < 0)
			return fail("raw_echo: sendto");
	}
}

static int parse(int argc, char **argv, struct peer *peer)
{
	if (argc == 2 && strcmp(argv[1], "icmp") == 0) {
		peer->mode = MODE_ICMP;
		peer->protocol = IPPROTO_ICMP;
		return 0;
	}
	if (argc != 3)
		return -1;
	if (strcmp(argv[1], "proto") == 0)
		peer->mode = MODE_PROTO;
	else if (strcmp(argv[1], "hdrincl") == 0)
		peer->mode = MODE_HDRINCL;
	else
		return -1;
	peer->protocol = atoi(argv[2]);
	return 0;
}

int main(int argc, char **argv)
{
	struct peer peer;
	pid_t child;

	if (parse(argc, argv, &peer) < 0) {
		fprintf(stderr, "usage: raw_echo proto N | icmp | hdrincl N\n");
		return 2;
	}
	peer.receiver = socket(AF_INET, SOCK_RAW, peer.protocol);
	if (peer.receiver < 0)
		return fail("raw_echo: socket(SOCK_RAW)");
	peer.sender = peer.receiver;
	if (peer.mode == MODE_HDRINCL) {
		peer.sender = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (peer.sender < 0)
			return fail("raw_echo: socket(IPPROTO_RAW)");
	}
	child = fork();
	if (child < 0)
		return fail("raw_echo: fork");
	return child == 0 ? serve(&peer) : 0;
}
