/*
 * Receiving frames from an AF_PACKET socket (packet(7)).
 */
#ifndef SNIFF_CAPTURE_H
#define SNIFF_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct capture {
    int fd;
    int ifindex;             /* the interface bound to, or 0 for all */
};

struct captured_frame {
    size_t captured;         /* bytes held in the buffer */
    size_t length;           /* bytes on the wire */
    int direction;           /* sll_pkttype: PACKET_HOST, PACKET_OUTGOING, ... */
    struct timespec when;    /* CLOCK_REALTIME at receipt */
};

enum capture_result { CAPTURE_FRAME, CAPTURE_INTERRUPTED, CAPTURE_ERROR };

/*
 * Opens a packet socket that sees every protocol, bound to `interface` when
 * it is not NULL.  Prints why on stderr and returns false on failure.
 */
bool capture_open(struct capture *capture, const char *interface);

/*
 * Waits for the next Ethernet frame and copies up to `size` bytes of it
 * into `buffer`.  Only the signals outside `wait_mask` are delivered while
 * it waits; one that arrives ends the wait with CAPTURE_INTERRUPTED.
 */
enum capture_result capture_next(struct capture *capture, uint8_t *buffer, size_t size,
                                 const sigset_t *wait_mask, struct captured_frame *frame);

#endif
