/*
 * The decoders: one per protocol, each printing its part of a frame's line
 * (the format is in README.md) and handing what follows to the next.
 *
 * Every decoder is given the bytes captured from its header on and checks
 * that count before it reads a field, so no frame, however short or wrong,
 * makes one read past the capture: what cannot be decoded prints as
 * "[truncated PROTO]" or "[bad FIELD VALUE]" instead.
 */
#ifndef SNIFF_DECODE_H
#define SNIFF_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An Ethernet frame, from the destination MAC on: "SRC > DST PAYLOAD". */
void decode_eth(FILE *out, const uint8_t *frame, size_t captured);

void decode_arp(FILE *out, const uint8_t *arp, size_t captured);
void decode_ipv4(FILE *out, const uint8_t *ip, size_t captured);

/*
 * The transport decoders.  `ip` is the (complete) IPv4 header whose
 * addresses the line shows; `captured` counts the bytes held from `l4` on
 * and `length` the bytes the IP header says follow it.
 */
void decode_icmp(FILE *out, const uint8_t *l4, size_t captured, size_t length);
void decode_udp(FILE *out, const uint8_t *ip, const uint8_t *l4, size_t captured,
                size_t length);
void decode_tcp(FILE *out, const uint8_t *ip, const uint8_t *l4, size_t captured,
                size_t length);

/* Addresses as the line shows them. */
void print_mac(FILE *out, const uint8_t *mac);
void print_ipv4(FILE *out, const uint8_t *addr);

/* A tcpdump -xx style dump of the whole frame, 16 bytes a line. */
void print_hex_dump(FILE *out, const uint8_t *frame, size_t captured);

#endif
