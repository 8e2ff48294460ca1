/* The kernel's net thread (net_thread.c). */
#ifndef NETIF_NET_THREAD_H
#define NETIF_NET_THREAD_H

/* Creates the thread; it runs once the boot context first sleeps. */
void net_thread_start(void);

#endif
