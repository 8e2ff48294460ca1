/*
 * /proc/net (proc(5)): the network stack's tables in Linux's formats, so
 * that ifconfig, route, arp and netstat parse them unchanged.  The layers
 * format their own tables; this file only gives them a buffer, under
 * net_lock.  The IPv6 and raw tables are headers only for now.
 */
#include "procfs_internal.h"
#include <page.h>
#include <netif/port.h>
#include <netif/netif.h>
#include <netif/counters.h>
#include <arp/arp.h>
#include <ip/ip.h>
#include <udp/udp.h>
#include <tcp/tcp.h>
#include <sockets/socket.h>

#define FORMAT_BUFFER_FIRST 4096
#define FORMAT_BUFFER_MAX (256 * 1024)

/* Runs a layer's formatter with a buffer that grows until the text fits. */
static int show_formatted(struct procfs_text *text, size_t (*format)(char *, size_t))
{
    for (size_t size = FORMAT_BUFFER_FIRST; size <= FORMAT_BUFFER_MAX; size *= 2) {
        char *buffer = kmalloc(size);
        if (!buffer)
            return -ENOMEM;
        net_lock();
        size_t length = format(buffer, size);
        net_unlock();
        if (length < size - 1 || size == FORMAT_BUFFER_MAX) {
            procfs_append(text, buffer, strnlen(buffer, MIN(length, size)));
            kfree(buffer);
            return 0;
        }
        kfree(buffer);
    }
    return 0;
}

static int show_route(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, ip_route_format);
}

static int show_arp(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, arp_cache_format);
}

static int show_snmp(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, net_counters_format);
}

static int show_netstat(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, net_netstat_format);
}

/* Strata's Eth and Arp counters, which Linux has no file for, in snmp's format. */
static int show_snmp_link(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, net_link_counters_format);
}

static int show_sockstat(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, socket_statistics_format);
}

static int show_udp(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, udp_pcb_format);
}

static int show_tcp(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, tcp_pcb_format);
}

/* Tables with no entries yet: Linux's header lines, so netstat reads them without error. */
static int show_raw(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                        "retrnsmt   uid  timeout inode ref pointer drops\n");
    return 0;
}

static int show_tcp6(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "  sl  local_address                         remote_address                "
                        "        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    return 0;
}

static int show_udp6(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "  sl  local_address                         remote_address                "
                        "        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
                        "pointer drops\n");
    return 0;
}

static int show_unix(struct process *unused, struct procfs_text *text)
{
    return show_formatted(text, unix_sockets_format);
}

/* Linux's dev_seq_show layout; fifo, compressed, multicast, colls, carrier are 0. */
static int show_dev(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "Inter-|   Receive                                                |  Transmit\n"
                        " face |bytes    packets errs drop fifo frame compressed multicast|"
                        "bytes    packets errs drop fifo colls carrier compressed\n");
    net_lock();
    list_for_each(node, netif_list()) {
        struct netif *netif = container_of(node, struct netif, node);
        const struct netif_statistics *s = &netif->statistics;
        procfs_printf(text, "%6s:%8lu %7lu %4lu %4lu %4u %5lu %10u %9u %8lu %7lu %4lu %4lu %4u %5u %7u %10u\n",
                      netif->name, s->receive_bytes, s->receive_packets, s->receive_errors,
                      s->receive_dropped, 0, s->receive_frame_errors, 0, 0, s->transmit_bytes,
                      s->transmit_packets, s->transmit_errors, s->transmit_dropped, 0, 0, 0, 0);
    }
    net_unlock();
    return 0;
}

static const struct procfs_entry procfs_net_entries[] = {
    PROCFS_FILE("arp", show_arp),
    PROCFS_FILE("dev", show_dev),
    PROCFS_FILE("netstat", show_netstat),
    PROCFS_FILE("raw", show_raw),
    PROCFS_FILE("raw6", show_udp6),   /* the same columns as udp6 */
    PROCFS_FILE("route", show_route),
    PROCFS_FILE("snmp", show_snmp),
    PROCFS_FILE("snmp_link", show_snmp_link),
    PROCFS_FILE("sockstat", show_sockstat),
    PROCFS_FILE("tcp", show_tcp),
    PROCFS_FILE("tcp6", show_tcp6),
    PROCFS_FILE("udp", show_udp),
    PROCFS_FILE("udp6", show_udp6),
    PROCFS_FILE("unix", show_unix),
};
const struct procfs_directory procfs_net_directory = {
    procfs_net_entries, ARRAY_SIZE(procfs_net_entries), PROCFS_NET_FIRST_SLOT,
};
