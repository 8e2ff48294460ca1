/*
 * Capture on AF_PACKET, SOCK_RAW (packet(7)): each read returns one whole
 * frame, link-layer header included, with a sockaddr_ll saying on which
 * interface, with which link type and in which direction it passed.
 */
#define _GNU_SOURCE   /* ppoll */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

bool capture_open(struct capture *capture, const char *interface)
{
    /* LAB(sniffer) BEGIN: open an AF_PACKET, SOCK_RAW socket for every protocol
     * (ETH_P_ALL, in network order) into capture->fd; with an interface, find its index
     * (SIOCGIFINDEX), bind the socket to it with a sockaddr_ll and keep the index in
     * capture->ifindex, else 0 (packet(7)). Say why on stderr and return false on any
     * failure, with the lines labs/01-sniffer/README.md gives ("sniff: nosuch0: No such
     * device"; a name of IFNAMSIZ bytes or more refused, never cut). */
    capture->ifindex = 0;
    capture->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (capture->fd < 0) {
        perror("sniff: socket(AF_PACKET, SOCK_RAW)");
        return false;
    }
    if (!interface)
        return true;

    struct ifreq request = { 0 };
    if (strlen(interface) >= sizeof request.ifr_name) {
        fprintf(stderr, "sniff: interface name too long: %s\n", interface);
        return false;
    }
    strcpy(request.ifr_name, interface);
    if (ioctl(capture->fd, SIOCGIFINDEX, &request) < 0) {
        fprintf(stderr, "sniff: %s: %s\n", interface, strerror(errno));
        return false;
    }
    struct sockaddr_ll address = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = request.ifr_ifindex,
    };
    if (bind(capture->fd, (struct sockaddr *)&address, sizeof address) < 0) {
        fprintf(stderr, "sniff: bind to %s: %s\n", interface, strerror(errno));
        return false;
    }
    capture->ifindex = request.ifr_ifindex;
    return true;
    /* LAB(sniffer) STUB
     * (void)capture, (void)interface;
     * fprintf(stderr, "sniff: capture_open is not written yet (labs/01-sniffer)\n");
     * return false;
     * LAB(sniffer) END */
}

/* LAB(sniffer) BEGIN: the helpers capture_next needs, if any. */
/*
 * Frames from other interfaces can be queued between socket() and bind(),
 * and frames of links that are not Ethernet-framed (tunnels, which have no
 * link header) cannot go in a LINKTYPE_ETHERNET file: both are skipped.
 */
static bool wanted(const struct capture *capture, const struct sockaddr_ll *from)
{
    if (capture->ifindex != 0 && from->sll_ifindex != capture->ifindex)
        return false;
    return from->sll_hatype == ARPHRD_ETHER || from->sll_hatype == ARPHRD_LOOPBACK;
}
/* LAB(sniffer) END */

enum capture_result capture_next(struct capture *capture, uint8_t *buffer, size_t size,
                                 const sigset_t *wait_mask, struct captured_frame *frame)
{
    /* LAB(sniffer) BEGIN: wait with ppoll under wait_mask (EINTR means a signal came:
     * CAPTURE_INTERRUPTED), never calling a recvfrom that could block without waiting
     * first; read one frame with recvfrom, flags MSG_TRUNC (its real length even when the
     * buffer is smaller; MSG_DONTWAIT may be added, nothing else), note the time
     * (CLOCK_REALTIME, after the wait), skip frames of other interfaces than the bound one
     * and of links that are not Ethernet-framed (sll_hatype other than ARPHRD_ETHER or
     * ARPHRD_LOOPBACK), and fill in *frame from the sockaddr_ll (packet(7)): captured at
     * most size, direction sll_pkttype as it is. Any other failure: print it,
     * CAPTURE_ERROR. */
    for (;;) {
        /* ppoll installs wait_mask atomically, so a stop signal cannot slip in
         * between checking for it and going to sleep. */
        struct pollfd readable = { .fd = capture->fd, .events = POLLIN };
        if (ppoll(&readable, 1, NULL, wait_mask) < 0) {
            if (errno == EINTR)
                return CAPTURE_INTERRUPTED;
            perror("sniff: ppoll");
            return CAPTURE_ERROR;
        }
        struct sockaddr_ll from;
        socklen_t from_len = sizeof from;
        /* MSG_TRUNC makes a packet socket return the frame's real length even
         * when the buffer held less (packet(7)). */
        ssize_t length = recvfrom(capture->fd, buffer, size, MSG_TRUNC,
                                  (struct sockaddr *)&from, &from_len);
        if (length < 0) {
            perror("sniff: recvfrom");
            return CAPTURE_ERROR;
        }
        clock_gettime(CLOCK_REALTIME, &frame->when);
        if (!wanted(capture, &from))
            continue;
        frame->length = (size_t)length;
        frame->captured = frame->length < size ? frame->length : size;
        frame->direction = from.sll_pkttype;
        return CAPTURE_FRAME;
    }
    /* LAB(sniffer) STUB
     * (void)capture, (void)buffer, (void)size, (void)wait_mask, (void)frame;
     * fprintf(stderr, "sniff: capture_next is not written yet (labs/01-sniffer)\n");
     * return CAPTURE_ERROR;
     * LAB(sniffer) END */
}
