/*
 * For tests/test_net_packet_ring.sh: tcpdump's own capture path, built
 * statically against Debian's arm64 libpcap 1.10 (libpcap0.8-dev:arm64):
 * pcap_create/pcap_activate on lo (a TPACKET_V3 ring with a 1 s block
 * timeout, or TPACKET_V2 in immediate mode; mmap, poll, a promiscuous
 * membership), pcap_setfilter("icmp") (the kernel filter),
 * pcap_next_ex and pcap_stats, while the program sends itself a UDP
 * datagram and an ICMP echo.  Run in Strata and in Linux 6.1; the lines
 * must be the same.  libpcap ignores lo's outgoing copies (its
 * pcap_handle_packet_mmap), so each ICMP message shows once.
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>
#include "../user/tests/tap.h"
#include "net_loopback.h"

/*
 * Debian's libpcap.a brings its D-Bus capture module, whose libdbus-1.a
 * refers to libsystemd's socket activation; Debian ships libsystemd only as
 * a shared library.  Nothing here captures D-Bus, so these are never called.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);
int sd_listen_fds(int unset_environment) { (void)unset_environment; return 0; }
int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd, (void)family, (void)type, (void)listening;
	return 0;
}

#define ECHO_ID 0x7a12
#define ECHO_DATA "strata-pcap"

/* A UDP datagram and an ICMP echo to 127.0.0.1; true once the reply came back. */
static int send_traffic(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(47012),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	/* A receiver, so that no ICMP port unreachable comes back. */
	int receiver = socket(AF_INET, SOCK_DGRAM, 0);
	bind(receiver, (struct sockaddr *)&to, sizeof to);
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(udp, "not icmp", 8, 0, (struct sockaddr *)&to, sizeof to);
	char buffer[16];
	recv(receiver, buffer, sizeof buffer, 0);
	close(udp);
	close(receiver);
	return loopback_ping(ECHO_ID, ECHO_DATA, sizeof ECHO_DATA - 1);
}

/* The next captured frame must be our ICMP message of type. */
static void check_next(pcap_t *capture, int type, const char *what)
{
	struct pcap_pkthdr *header;
	const u_char *frame;
	int result = pcap_next_ex(capture, &header, &frame);
	unsigned length = sizeof ECHO_DATA - 1 + 8 + 20 + 14;
	check(result == 1 && header->caplen == length && header->len == length && frame[12] == 0x08 &&
	      frame[23] == IPPROTO_ICMP && frame[34] == type && !memcmp(frame + 42, ECHO_DATA, sizeof ECHO_DATA - 1),
	      what, "result %d caplen %u len %u type %d", result, result == 1 ? header->caplen : 0,
	      result == 1 ? header->len : 0, result == 1 ? frame[34] : -1);
}

/*
 * One capture as tcpdump makes it: snapshot 262144, 1000 ms timeout,
 * promiscuous.  libpcap takes TPACKET_V3 unless in immediate mode
 * (tcpdump --immediate-mode), where it takes TPACKET_V2.
 */
static void capture_icmp(int immediate)
{
	char error[PCAP_ERRBUF_SIZE] = "";
	pcap_t *capture = pcap_create("lo", error);
	if (!check(capture != NULL, "pcap_create(\"lo\")", "%s", error))
		return;
	pcap_set_snaplen(capture, 262144);
	pcap_set_promisc(capture, 1);
	pcap_set_timeout(capture, 1000);
	pcap_set_immediate_mode(capture, immediate);
	check_eq(pcap_activate(capture), 0, immediate ? "pcap_activate, immediate mode (TPACKET_V2)"
						       : "pcap_activate (TPACKET_V3)");
	check_eq(pcap_datalink(capture), DLT_EN10MB, "lo's link type is DLT_EN10MB");
	struct bpf_program program;
	check_ok(pcap_compile(capture, &program, "icmp", 1, PCAP_NETMASK_UNKNOWN), "pcap_compile(\"icmp\")");
	check(pcap_setfilter(capture, &program) == 0, "pcap_setfilter: the kernel takes the filter", "%s",
	      pcap_geterr(capture));
	pcap_freecode(&program);
	check(send_traffic(), "a UDP datagram, then an ICMP echo to 127.0.0.1 and its reply", "no reply");
	check_next(capture, ICMP_ECHO, "pcap_next_ex: the echo request, whole");
	check_next(capture, ICMP_ECHOREPLY, "pcap_next_ex: the echo reply, whole");
	struct pcap_stat statistics;
	check_ok(pcap_stats(capture, &statistics), "pcap_stats");
	/* The kernel filter kept 4 frames: lo's outgoing copies too. */
	check(statistics.ps_recv == 4 && statistics.ps_drop == 0, "ps_recv 4 (both copies on lo), ps_drop 0",
	      "recv %u drop %u", statistics.ps_recv, statistics.ps_drop);
	pcap_close(capture);
}

int main(void)
{
	loopback_up();
	capture_icmp(0);
	capture_icmp(1);
	return tap_done("net_pcap_capture.c");
}
