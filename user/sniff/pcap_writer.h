/*
 * Writing classic pcap files (the libpcap format: pcap-savefile(5), and
 * draft-ietf-opsawg-pcap), which Wireshark, tcpdump and Scapy read.
 */
#ifndef SNIFF_PCAP_WRITER_H
#define SNIFF_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define PCAP_SNAPLEN 65535   /* the most bytes of a frame a record holds */

/* Opens `path` for writing and writes the file header; NULL with errno from
 * the call that failed (fopen's ENOENT, EACCES, ...). */
FILE *pcap_open(const char *path);

/*
 * Appends one record: the first `captured` bytes (at most PCAP_SNAPLEN) of a
 * frame that was `length` bytes long on the wire, received at `when` (its
 * nanoseconds cut, not rounded, to microseconds).  False with errno when a
 * write fails.
 */
bool pcap_write(FILE *pcap, const struct timespec *when, const uint8_t *frame,
                size_t captured, size_t length);

/*
 * Flushes and closes; false if any write failed, this one or an earlier one,
 * with errno from the call that failed, or EIO when only an earlier write did
 * (the stream remembers that one failed, not why).
 */
bool pcap_close(FILE *pcap);

#endif
