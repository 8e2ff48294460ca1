/* The loopback interface (loopback.c). */
#ifndef NETIF_LOOPBACK_H
#define NETIF_LOOPBACK_H
#include "netif.h"

/* Registers "lo"; the first interface registered, so it gets index 1 as on Linux. */
int loopback_init(void);
struct netif *loopback_netif(void);

#endif
