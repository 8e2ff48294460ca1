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

/* Opens `path` for writing and writes the file header; NULL and errno on failure. */
FILE *pcap_open(const char *path);

/*
 * Appends one record: the first `captured` bytes of a frame that was
 * `length` bytes long on the wire, received at `when`.
 */
bool pcap_write(FILE *pcap, const struct timespec *when, const uint8_t *frame,
                size_t captured, size_t length);

/* Flushes and closes; false (errno set) if any write failed. */
bool pcap_close(FILE *pcap);

#endif
