/* The fixture's directive file: what the harness sends, when, and when it stops.
 *
 * One directive a line, '#' starts a comment:
 *
 *   address IP MAC          an address of the harness: it answers the guest's ARP
 *                           requests for IP with MAC (RFC 826); repeatable
 *   expect N                the test is over once the guest has sent N frames
 *                           (frames the harness answered as ARP are not counted)
 *   quiet-ms MS             ... or once every frame is sent and nothing moved for MS
 *   timeout-ms MS           ... or at the latest MS after the guest is ready
 *   send ready              one line per frame of the input pcap, in order: send it
 *   send after-guest N      as soon as the previous one is, once the guest has sent N
 *   send after-quiet-ms MS  frames, once nothing has moved for MS
 *   tcp-rebase K            input frame K (1-based) is a TCP segment whose ack field
 *                           is relative to the guest's ISN of its connection: add
 *                           that ISN before sending it (see tcp_rebase.h)
 *
 * Frames are sent in pcap order: a frame's condition is only looked at once
 * the frame before it has gone.
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#define SCRIPT_MAX_ADDRESSES 8
#define SCRIPT_MAX_FRAMES 256

enum send_condition {
	SEND_WHEN_READY,
	SEND_AFTER_GUEST_FRAMES,
	SEND_AFTER_QUIET_MS,
};

struct send_directive {
	enum send_condition condition;
	long argument; /* a frame count or milliseconds */
};

struct harness_address {
	uint8_t ip[4];
	uint8_t mac[6];
};

struct script {
	struct harness_address addresses[SCRIPT_MAX_ADDRESSES];
	size_t address_count;
	long expect_frames;
	long quiet_ms;
	long timeout_ms;
	struct send_directive sends[SCRIPT_MAX_FRAMES];
	size_t send_count;
	uint8_t rebase_ack[SCRIPT_MAX_FRAMES]; /* 1: "tcp-rebase K" for frame K - 1 */
};

/* Reads PATH into SCRIPT; on error prints "PATH:LINE: why" and returns -1. */
int script_load(const char *path, struct script *script);

#endif
