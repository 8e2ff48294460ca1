/* pcap_guest: the guest side of a pcap fixture.  It prints the network
 * counters, says it is ready, waits for the harness's end-of-test frame, and
 * prints the counters again, so that the host can tell which rose:
 *
 *   PCAP-COUNTERS before
 *   == /proc/net/snmp          (each file's text, or "== PATH missing")
 *   == /proc/net/netstat
 *   == /proc/net/dev
 *   == /proc/net/snmp_link
 *   PCAP-READY
 *   PCAP-COUNTERS after
 *   ... the same four files ...
 *   PCAP-DONE
 *
 * The packet socket is open before PCAP-READY, so the end frame cannot come
 * before anyone listens for it.  A static program, run on Strata and Linux.
 */
#include <arpa/inet.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/end_of_test.h"

#define ETH_HEADER_LENGTH 14

static const char *const counter_files[] = {
	"/proc/net/snmp",
	"/proc/net/netstat",
	"/proc/net/dev",
	"/proc/net/snmp_link",    /* Strata's Eth and Arp; missing on Linux */
};

static void print_counters(const char *when)
{
	printf("PCAP-COUNTERS %s\n", when);
	for (size_t i = 0; i < sizeof(counter_files) / sizeof(counter_files[0]); i++) {
		FILE *file = fopen(counter_files[i], "r");
		char line[1024];

		if (file == NULL) {
			printf("== %s missing\n", counter_files[i]);
			continue;
		}
		printf("== %s\n", counter_files[i]);
		while (fgets(line, sizeof(line), file) != NULL)
			fputs(line, stdout);
		fclose(file);
	}
	fflush(stdout);
}

static int is_end_frame(const unsigned char *frame, ssize_t length)
{
	size_t payload = strlen(END_OF_TEST_PAYLOAD);

	return length >= (ssize_t)(ETH_HEADER_LENGTH + payload) &&
	       memcmp(frame + ETH_HEADER_LENGTH, END_OF_TEST_PAYLOAD, payload) == 0;
}

int main(void)
{
	int sock = socket(AF_PACKET, SOCK_RAW, htons(END_OF_TEST_ETHERTYPE));
	unsigned char frame[2048];
	ssize_t length;

	if (sock < 0) {
		perror("pcap_guest: socket(AF_PACKET)");
		return 1;
	}
	print_counters("before");
	printf("PCAP-READY\n");
	fflush(stdout);
	do {
		length = recv(sock, frame, sizeof(frame), 0);
		if (length < 0) {
			perror("pcap_guest: recv");
			return 1;
		}
	} while (!is_end_frame(frame, length));
	print_counters("after");
	printf("PCAP-DONE\n");
	return 0;
}
