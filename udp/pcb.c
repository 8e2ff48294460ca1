/*
 * UDP protocol control blocks: binding (with ephemeral ports and
 * SO_REUSEADDR), connecting, and the lookup that picks the most specific
 * PCB for a datagram (RFC 1122 4.1.3.4 leaves the rule to us; this is
 * Linux's: each bound or connected field that matches exactly scores).
 *
 * Invariant: a PCB is on the bound list exactly while local_port != 0.
 */
#include "udp_private.h"
#include "../ip/ip.h"

static struct list_node bound = LIST_HEAD_INIT(bound);

struct list_node *udp_pcb_list(void)
{
    return &bound;
}

void udp_pcb_init(struct udp_pcb *pcb)
{
    memset(pcb, 0, sizeof(*pcb));
}

bool udp_pcb_matches(const struct udp_pcb *pcb, uint32_t local_address, uint16_t local_port,
                     uint32_t remote_address, uint16_t remote_port)
{
    /* LAB(udp) BEGIN: the local port must be equal; every address or port the PCB set
     * (bound local address, connected remote address and port) must be equal too, and
     * one it left 0 matches anything. */
    return pcb->local_port == local_port &&
           (!pcb->local_address || pcb->local_address == local_address) &&
           (!pcb->remote_address || pcb->remote_address == remote_address) &&
           (!pcb->remote_port || pcb->remote_port == remote_port);
    /* LAB(udp) STUB
     * (void)pcb, (void)local_address, (void)local_port, (void)remote_address;
     * (void)remote_port;
     * return false;
     * LAB(udp) END */
}

/* LAB(udp) BEGIN: how specific a PCB is, for the lookup. */
/* A connected peer outweighs a bound local address (Linux's compute_score). */
static int score(const struct udp_pcb *pcb)
{
    return (pcb->local_address ? 1 : 0) + (pcb->remote_address ? 2 : 0) +
           (pcb->remote_port ? 2 : 0);
}
/* LAB(udp) END */

struct udp_pcb *udp_pcb_lookup(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port)
{
    /* LAB(udp) BEGIN: of the bound PCBs that match, the most specific: a connected
     * remote address and port count for more than a bound local address (Linux's
     * compute_score); NULL if none matches. */
    struct udp_pcb *best = NULL;
    list_for_each(node, &bound) {
        struct udp_pcb *pcb = container_of(node, struct udp_pcb, node);
        if (udp_pcb_matches(pcb, local_address, local_port, remote_address, remote_port) &&
            (!best || score(pcb) > score(best)))
            best = pcb;
    }
    return best;
    /* LAB(udp) STUB
     * (void)local_address, (void)local_port, (void)remote_address, (void)remote_port;
     * return NULL;
     * LAB(udp) END */
}

/* LAB(udp) BEGIN: the test bind and the ephemeral port search share. */
/* Would binding pcb to (address, port) clash with another PCB (Linux's udp_lib_lport_inuse)? */
static bool in_use(const void *candidate, uint32_t address, uint16_t port)
{
    const struct udp_pcb *pcb = candidate;
    list_for_each(node, &bound) {
        const struct udp_pcb *other = container_of(node, struct udp_pcb, node);
        if (other == pcb || other->local_port != port)
            continue;
        if (other->local_address && address && other->local_address != address)
            continue;
        if (!(pcb->reuse_address && other->reuse_address))
            return true;
    }
    return false;
}
/* LAB(udp) END */

int udp_bind(struct udp_pcb *pcb, uint32_t address, uint16_t port)
{
    /* LAB(udp) BEGIN: -EINVAL if already bound; -EADDRNOTAVAIL for an address that is
     * neither any, nor ours, nor multicast; port 0 takes a free ephemeral port
     * (ip_ephemeral_port; none free: -EADDRINUSE); a port another PCB holds on an
     * overlapping address is -EADDRINUSE unless both set reuse_address; then record
     * address and port, whether the caller named them (explicit_address,
     * explicit_port), and put the PCB on the bound list. */
    if (pcb->local_port)
        return -EINVAL;      /* already bound, as Linux's inet_bind */
    if (address != IP_ADDRESS_ANY && !ip_address_is_local(NULL, address) &&
        !ip_address_is_multicast(address))
        return -EADDRNOTAVAIL;
    uint16_t port_asked = port;
    if (port == 0) {
        port = ip_ephemeral_port(in_use, pcb, address);
        if (!port)
            return -EADDRINUSE;
    } else if (in_use(pcb, address, port)) {
        return -EADDRINUSE;
    }
    pcb->explicit_address = address != IP_ADDRESS_ANY;
    pcb->explicit_port = port_asked != 0;
    pcb->local_address = address;
    pcb->local_port = port;
    list_push_back(&bound, &pcb->node);
    return 0;
    /* LAB(udp) STUB
     * (void)pcb, (void)address, (void)port;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

int udp_autobind(struct udp_pcb *pcb)
{
    /* LAB(udp) BEGIN: bind an unbound PCB to an ephemeral port on the address it
     * has; a bound one is left as it is. */
    return pcb->local_port ? 0 : udp_bind(pcb, pcb->local_address, 0);
    /* LAB(udp) STUB
     * (void)pcb;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

/* RFC 1122 4.1.3.4 / Linux's ip4_datagram_connect: an unbound PCB gets an
 * ephemeral port, and a wildcard local address becomes the route's source. */
int udp_connect(struct udp_pcb *pcb, uint32_t address, uint16_t port)
{
    /* LAB(udp) BEGIN: look the route up (its error is connect's), then do what the
     * comment above says, and record the peer. */
    struct netif *netif;
    uint32_t next_hop, source;
    int error = ip_route_lookup(address, &netif, &next_hop, &source);
    if (error)
        return error;
    error = udp_autobind(pcb);
    if (error)
        return error;
    if (!pcb->local_address)
        pcb->local_address = source;
    pcb->remote_address = address;
    pcb->remote_port = port;
    return 0;
    /* LAB(udp) STUB
     * (void)pcb, (void)address, (void)port;
     * return -EOPNOTSUPP;
     * LAB(udp) END */
}

/* Linux's __udp_disconnect (connect with AF_UNSPEC): what connect or an
 * autobind chose goes too, so the next send binds afresh. */
void udp_disconnect(struct udp_pcb *pcb)
{
    /* LAB(udp) BEGIN: forget the peer; then the local address unless bind named it,
     * and the port unless bind named it (off the bound list: udp_pcb_remove). */
    pcb->remote_address = IP_ADDRESS_ANY;
    pcb->remote_port = 0;
    if (!pcb->explicit_address)
        pcb->local_address = IP_ADDRESS_ANY;
    if (!pcb->explicit_port)
        udp_pcb_remove(pcb);
    /* LAB(udp) STUB
     * (void)pcb;
     * LAB(udp) END */
}

void udp_pcb_remove(struct udp_pcb *pcb)
{
    list_remove(&pcb->node);
    pcb->local_port = 0;
}

/* Linux pads each line of /proc/net/udp to 127 characters (udp4_seq_show). */
static size_t append_padded(char *buffer, size_t size, size_t used, const char *line)
{
    size_t length = strlen(line);
    for (size_t i = 0; i < MAX(length + 1, (size_t)128); i++) {
        char c = i < length ? line[i] : i + 1 < MAX(length + 1, (size_t)128) ? ' ' : '\n';
        if (used + 1 < size)
            buffer[used] = c;
        used++;
    }
    if (size)
        buffer[MIN(used, size - 1)] = 0;
    return used;
}

/* Addresses print as Linux prints the raw network-order word (%08X): 127.0.0.1
 * is 0100007F on a little-endian machine; ports in host order.  Queue sizes,
 * uid and inode belong to the socket layer, which this table does not know. */
size_t udp_pcb_format(char *buffer, size_t size)
{
    char line[160];
    size_t used = append_padded(buffer, size, 0,
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
        "  timeout inode ref pointer drops");
    int slot = 0;
    list_for_each(node, &bound) {
        const struct udp_pcb *pcb = container_of(node, struct udp_pcb, node);
        /* st: TCP_ESTABLISHED (1) when connected, else TCP_CLOSE (7), as Linux shows. */
        snprintf(line, sizeof(line),
                 "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d %lu 2 "
                 "0000000000000000 0",
                 slot++, pcb->local_address, net_ntohs(pcb->local_port), pcb->remote_address,
                 net_ntohs(pcb->remote_port), pcb->remote_address ? 1u : 7u, 0u, 0u, 0u, 0,
                 0ul);
        used = append_padded(buffer, size, used, line);
    }
    return used;
}
