/*
 * Header sizes, offsets and numbers of the protocols the sniffer knows,
 * shared by the decoders and the filter so that both read the same bytes.
 */
#ifndef SNIFF_PROTOCOLS_H
#define SNIFF_PROTOCOLS_H

/* Ethernet II (IEEE 802.3 clause 3): destination, source, EtherType. */
#define ETH_HEADER_LEN      14
#define ETH_TYPE_OFFSET     12
#define ETH_TYPE_MIN        0x0600   /* below this the field is an 802.3 length */
#define ETHERTYPE_IPV4      0x0800
#define ETHERTYPE_ARP       0x0806

/* ARP for IPv4 over Ethernet (RFC 826). */
#define ARP_FIXED_LEN       8        /* hrd, pro, hln, pln, op */
#define ARP_IPV4_LEN        28       /* the fixed part plus two MAC/IPv4 pairs */
#define ARP_HRD_ETHERNET    1
#define ARP_OP_REQUEST      1
#define ARP_OP_REPLY        2
#define ARP_SHA_OFFSET      8
#define ARP_SPA_OFFSET      14
#define ARP_THA_OFFSET      18
#define ARP_TPA_OFFSET      24

/* IPv4 (RFC 791 section 3.1). */
#define IPV4_MIN_HEADER_LEN 20
#define IPV4_TOTAL_LEN_OFFSET 2
#define IPV4_FRAGMENT_OFFSET 6       /* flags and fragment offset */
#define IPV4_FRAGMENT_MASK  0x1fff   /* offset in 8-byte units */
#define IPV4_PROTOCOL_OFFSET 9
#define IPV4_SRC_OFFSET     12
#define IPV4_DST_OFFSET     16
#define IP_PROTO_ICMP       1
#define IP_PROTO_TCP        6
#define IP_PROTO_UDP        17

/* ICMP (RFC 792): type, code, checksum, then per type; echo has id and seq. */
#define ICMP_HEADER_LEN     4
#define ICMP_ECHO_LEN       8
#define ICMP_ECHO_REPLY     0
#define ICMP_DEST_UNREACH   3
#define ICMP_REDIRECT       5
#define ICMP_ECHO_REQUEST   8
#define ICMP_TIME_EXCEEDED  11

/* UDP (RFC 768) and TCP (RFC 9293 section 3.1): the ports come first in both. */
#define UDP_HEADER_LEN      8
#define TCP_MIN_HEADER_LEN  20
#define L4_PORTS_LEN        4

#endif
