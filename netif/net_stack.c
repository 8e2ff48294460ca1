/*
 * Bringing the network stack up at boot, in dependency order:
 *
 *   INIT_LEVEL_CORE   the protocol layers register with the layers below
 *                     them; lo registers (index 1, as on Linux); the net
 *                     thread is created (it first runs once boot ends).
 *   INIT_LEVEL_DEVICE drivers register their interfaces (virtio-net: eth0,
 *                     index 2).
 *   INIT_LEVEL_LATE   addresses and routes from the command line (ip=).
 */
#include "net_context.h"
#include "loopback.h"
#include "boot_config.h"
#include "net_thread.h"
#include "../arp/arp.h"
#include "../ip/ip.h"
#include "../icmp/icmp.h"
#include "../igmp/igmp.h"
#include "../udp/udp.h"
#include "../tcp/tcp.h"
#include <devicetree.h>

#define ADDRESS(a, b, c, d) net_htonl(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void net_stack_init(void)
{
    arp_init();
    ip_init();
    icmp_init();
    igmp_init();
    udp_init();
    tcp_init();
    if (loopback_init())
        panic("cannot register the loopback interface");
}
INITCALL(INIT_LEVEL_CORE, net_stack_init);

/* After init is created, so that init is pid 1 as on Linux. */
static void net_stack_start_thread(void)
{
    net_thread_start();
}
INITCALL(INIT_LEVEL_THREADS, net_stack_start_thread);

static struct netif *first_ethernet(void)
{
    list_for_each(node, netif_list()) {
        struct netif *netif = container_of(node, struct netif, node);
        if (netif->type == NETIF_TYPE_ETHERNET)
            return netif;
    }
    return NULL;
}

static int boot_config_apply(const char *command_line)
{
    int error = ip_address_set(loopback_netif(), ADDRESS(127, 0, 0, 1), ADDRESS(255, 0, 0, 0));
    if (error)
        return error;
    struct boot_config config;
    if ((error = boot_config_parse(command_line, &config))) {
        net_log("boot config: malformed ip= option, interfaces left unconfigured\n");
        return error;
    }
    if (!config.configure)
        return 0;
    struct netif *netif = config.device[0] ? netif_by_name(config.device) : first_ethernet();
    if (!netif)
        return -ENODEV;
    if ((error = ip_address_set(netif, config.address, config.netmask)))
        return error;
    if (config.gateway)
        error = ip_route_add(0, 0, config.gateway, netif, 0);
    return error;
}

static void net_boot_config(void)
{
    int error = boot_config_apply(devicetree_bootargs());
    if (error)
        kernel_log("net: boot-time address configuration failed: error %d\n", error);
}
INITCALL(INIT_LEVEL_LATE, net_boot_config);
