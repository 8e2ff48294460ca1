/*
 * The filter evaluator: walks the tree from filter_parse over a frame's raw
 * bytes.  Like the decoders, it checks the captured length before every
 * field it reads; a frame too short for a primitive does not match it.
 */
#include "filter.h"
#include "bytes.h"
#include "protocols.h"

#include <string.h>

/* LAB(sniffer) BEGIN: the evaluation of each kind of node: the primitives read the
 * frame's bytes (never at or past captured) under their EtherType only (icmp, udp, tcp,
 * port: 0x0800; host: 0x0800 or an Ethernet/IPv4 ARP packet), port after IHL x 4 bytes
 * and only in UDP or TCP; the operators combine their operands.  What each primitive
 * reads: labs/01-sniffer/README.md, "filter_match.c". */
static bool has_ethertype(const uint8_t *frame, size_t captured, uint16_t type)
{
    return captured >= ETH_HEADER_LEN && read_be16(frame + ETH_TYPE_OFFSET) == type;
}

/* The frame's IPv4 header if it holds a whole, well-formed one, else NULL. */
static const uint8_t *ipv4_header(const uint8_t *frame, size_t captured, size_t *header_len)
{
    if (!has_ethertype(frame, captured, ETHERTYPE_IPV4) ||
        captured < ETH_HEADER_LEN + IPV4_MIN_HEADER_LEN)
        return NULL;
    const uint8_t *ip = frame + ETH_HEADER_LEN;
    *header_len = (size_t)(ip[0] & 0x0f) * 4;
    if (ip[0] >> 4 != 4 || *header_len < IPV4_MIN_HEADER_LEN ||
        captured - ETH_HEADER_LEN < *header_len)
        return NULL;
    return ip;
}

static bool has_ip_protocol(const uint8_t *frame, size_t captured, uint8_t protocol)
{
    size_t header_len;
    const uint8_t *ip = ipv4_header(frame, captured, &header_len);
    return ip && ip[IPV4_PROTOCOL_OFFSET] == protocol;
}

static bool matches_port(const struct filter_node *node, const uint8_t *frame,
                         size_t captured)
{
    size_t header_len;
    const uint8_t *ip = ipv4_header(frame, captured, &header_len);
    if (!ip)
        return false;
    uint8_t protocol = ip[IPV4_PROTOCOL_OFFSET];
    if (protocol != IP_PROTO_UDP && protocol != IP_PROTO_TCP)
        return false;
    if (node->protocol != 0 && protocol != node->protocol)
        return false;
    /* Later fragments carry no transport header: their first bytes are data. */
    if ((read_be16(ip + IPV4_FRAGMENT_OFFSET) & IPV4_FRAGMENT_MASK) != 0)
        return false;
    if (captured - ETH_HEADER_LEN - header_len < L4_PORTS_LEN)
        return false;
    const uint8_t *l4 = ip + header_len;
    return read_be16(l4) == node->port || read_be16(l4 + 2) == node->port;
}

/* Compares the node's address with the frame's source or destination. */
static bool matches_host(const struct filter_node *node, const uint8_t *frame,
                         size_t captured)
{
    const uint8_t *src, *dst;
    size_t header_len;
    const uint8_t *ip = ipv4_header(frame, captured, &header_len);
    const uint8_t *arp = frame + ETH_HEADER_LEN;
    if (ip) {
        src = ip + IPV4_SRC_OFFSET;
        dst = ip + IPV4_DST_OFFSET;
    } else if (has_ethertype(frame, captured, ETHERTYPE_ARP) &&
               captured >= ETH_HEADER_LEN + ARP_IPV4_LEN &&
               read_be16(arp) == ARP_HRD_ETHERNET && read_be16(arp + 2) == ETHERTYPE_IPV4 &&
               arp[4] == 6 && arp[5] == 4) {
        src = arp + ARP_SPA_OFFSET;
        dst = arp + ARP_TPA_OFFSET;
    } else {
        return false;
    }
    bool is_src = memcmp(src, node->address, 4) == 0;
    bool is_dst = memcmp(dst, node->address, 4) == 0;
    switch (node->side) {
    case SIDE_SRC: return is_src;
    case SIDE_DST: return is_dst;
    default:       return is_src || is_dst;
    }
}

static bool evaluate(const struct filter *filter, int index, const uint8_t *frame,
                     size_t captured)
{
    const struct filter_node *node = &filter->nodes[index];
    switch (node->kind) {
    case FILTER_ARP:  return has_ethertype(frame, captured, ETHERTYPE_ARP);
    case FILTER_IP:   return has_ethertype(frame, captured, ETHERTYPE_IPV4);
    case FILTER_ICMP: return has_ip_protocol(frame, captured, IP_PROTO_ICMP);
    case FILTER_UDP:  return has_ip_protocol(frame, captured, IP_PROTO_UDP);
    case FILTER_TCP:  return has_ip_protocol(frame, captured, IP_PROTO_TCP);
    case FILTER_PORT: return matches_port(node, frame, captured);
    case FILTER_HOST: return matches_host(node, frame, captured);
    case FILTER_NOT:  return !evaluate(filter, node->left, frame, captured);
    case FILTER_AND:
        return evaluate(filter, node->left, frame, captured) &&
               evaluate(filter, node->right, frame, captured);
    case FILTER_OR:
        return evaluate(filter, node->left, frame, captured) ||
               evaluate(filter, node->right, frame, captured);
    }
    return false;
}
/* LAB(sniffer) END */

bool filter_match(const struct filter *filter, const uint8_t *frame, size_t captured)
{
    /* LAB(sniffer) BEGIN: evaluate the tree from filter->root over the frame (the empty
     * filter, root -1, matches every frame); a frame too short for a primitive does not
     * match it, and "port" never matches a later IP fragment (pcap-filter(7)). */
    return filter->root < 0 || evaluate(filter, filter->root, frame, captured);
    /* LAB(sniffer) STUB
     * (void)frame, (void)captured;
     * return filter->root < 0;
     * LAB(sniffer) END */
}
