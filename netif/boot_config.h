/*
 * Boot-time addresses from the kernel command line, in Linux's form
 * (Documentation/admin-guide/nfs/nfsroot.rst):
 *
 *   ip=<client-ip>:<server-ip>:<gw-ip>:<netmask>:<hostname>:<device>:<autoconf>
 *
 * Any field may be empty and trailing ones may be left out.  ip=off (or
 * none) configures nothing; ip=dhcp (or bootp, rarp, both, on, any) also
 * leaves the interface unconfigured, for udhcpc in user space.  Without ip=
 * eth0 gets QEMU user networking's addresses: 10.0.2.15/24 via 10.0.2.2.
 * lo always gets 127.0.0.1/8.
 */
#ifndef NETIF_BOOT_CONFIG_H
#define NETIF_BOOT_CONFIG_H
#include "netif.h"

struct boot_config {
    bool configure;                     /* false: leave the device unconfigured */
    uint32_t address, netmask, gateway; /* network order; gateway 0 = none */
    char device[NETIF_NAME_SIZE];       /* empty: the first Ethernet interface */
};

/* Fills config from a command line; -EINVAL for a malformed ip= (config untouched).
 * net_stack.c applies it once the drivers have registered their interfaces. */
int boot_config_parse(const char *command_line, struct boot_config *config);

#endif
