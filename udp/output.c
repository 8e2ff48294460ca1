/* UDP output (RFC 768): header, checksum over the pseudo-header, then IP. */
#include "udp_private.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

int udp_send(struct udp_pcb *pcb, struct pbuf *payload, uint32_t destination,
             uint16_t destination_port, const struct ip_output_options *options)
{
    net_assert_context();
    /* LAB(udp) BEGIN: with no destination, send to the connected peer (none:
     * -EDESTADDRREQ); port 0 is -EINVAL and a payload that cannot fit in one IP
     * datagram -EMSGSIZE; bind the PCB if it is not (udp_autobind); take the source
     * address from the route unless the PCB is bound to a unicast one (honouring
     * options->bound_interface); push the header and compute the checksum over the
     * pseudo-header, sending a computed 0 as 0xffff (RFC 768); mark l4 and hand it to
     * ip_output (OutDatagrams when it took it, SndbufErrors on -ENOBUFS).  Consume the
     * payload on every path. */
    int error = 0;
    if (destination == IP_ADDRESS_ANY) {
        destination = pcb->remote_address;
        destination_port = pcb->remote_port;
        if (!pcb->remote_address)
            error = -EDESTADDRREQ;
    }
    if (!error && destination_port == 0)
        error = -EINVAL;           /* Linux's udp_sendmsg */
    if (!error && pbuf_length(payload) > 65535 - UDP_HEADER_SIZE - sizeof(struct ip_header))
        error = -EMSGSIZE;
    if (!error)
        error = udp_autobind(pcb);
    struct netif *netif;
    uint32_t next_hop, source = pcb->local_address;
    if (!error && (!source || ip_address_is_broadcast(NULL, source) ||
                   ip_address_is_multicast(source)))
        error = ip_route_lookup_on(options ? options->bound_interface : 0, destination,
                                   &netif, &next_hop, &source);
    if (error) {
        pbuf_put(payload);
        return error;
    }
    struct udp_header *header = pbuf_push(payload, UDP_HEADER_SIZE);
    if (!header) {
        NET_COUNT(UDP_SNDBUF_ERRORS);
        pbuf_put(payload);
        return -ENOBUFS;
    }
    uint16_t length = (uint16_t)pbuf_length(payload);
    header->source_port = pcb->local_port;
    header->destination_port = destination_port;
    header->length = net_htons(length);
    header->checksum = 0;
    uint16_t checksum = ip_checksum_finish(
        ip_pseudo_header_sum(source, destination, IP_PROTOCOL_UDP, length), header, length);
    header->checksum = checksum ? checksum : 0xffff;    /* RFC 768: 0 means "none" */
    pbuf_mark_l4(payload);
    error = ip_output(payload, source, destination, IP_PROTOCOL_UDP, options);
    if (error == -ENOBUFS)
        NET_COUNT(UDP_SNDBUF_ERRORS);
    else if (!error)
        NET_COUNT(UDP_OUT_DATAGRAMS);
    return error;
    /* LAB(udp) STUB
     * (void)pcb, (void)destination, (void)destination_port, (void)options;
     * pbuf_put(payload);
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}
