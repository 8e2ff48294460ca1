/* Records both directions of the guest's link into one pcap (linktype
 * Ethernet, host wall-clock timestamps), and beside it an index with one line
 * per recorded frame, "NUMBER DIRECTION ROLE", because a pcap has no field
 * that says which way a frame went.  NUMBER is Wireshark's frame number.
 *
 *   DIRECTION  to-guest | from-guest
 *   ROLE       fixture K    the fixture's K-th input frame (1-based)
 *              arp-answer   the harness answering an ARP request for its address
 *              end          the end-of-test frame the guest program waits for
 *              test         a guest frame the fixture's expectations are about
 *              arp-request  a guest ARP request for a harness address
 *              arp-announcement  a guest's gratuitous ARP request (RFC 5227 2.3)
 */
#ifndef RECORDER_H
#define RECORDER_H

#include <stddef.h>
#include <stdint.h>

struct recorder;

struct recorder *recorder_open(const char *pcap_path, const char *index_path);
void recorder_add(struct recorder *recorder, const uint8_t *frame, size_t length,
		  const char *direction, const char *role);
void recorder_close(struct recorder *recorder);

#endif
