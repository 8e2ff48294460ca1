/* A fake Ethernet interface for host tests: transmit captures (host_stack.h). */
#include <stdlib.h>
#include "host_stack.h"
#include "../../eth/eth.h"
#include "../../arp/arp.h"

static struct pbuf_queue transmitted;
static bool transmitted_ready;
static int transmit_error;

static struct pbuf_queue *capture(void)
{
    if (!transmitted_ready) {
        pbuf_queue_init(&transmitted, SIZE_MAX);
        transmitted_ready = true;
    }
    return &transmitted;
}

static int fake_transmit(struct netif *netif, struct pbuf *frame)
{
    if (transmit_error)
        return transmit_error;
    if (!pbuf_queue_push(capture(), frame))
        return -ENOBUFS;
    pbuf_uncharge(frame);   /* captured means sent */
    pbuf_put(frame);   /* the queue's reference replaces the driver's */
    return 0;
}

static const struct netif_operations fake_operations = { .transmit = fake_transmit };

struct netif *fake_netif_create(const char *name, const uint8_t address[ETHERNET_ADDRESS_SIZE])
{
    struct netif *netif = calloc(1, sizeof(*netif));
    if (!netif)
        abort();
    strncpy(netif->name, name, NETIF_NAME_SIZE - 1);
    netif->type = NETIF_TYPE_ETHERNET;
    memcpy(netif->address, address, ETHERNET_ADDRESS_SIZE);
    netif->mtu = 1500;
    netif->flags = NETIF_UP | NETIF_BROADCAST | NETIF_MULTICAST;
    netif->carrier = true;
    netif->ops = &fake_operations;
    netif->link_input = eth_input;
    netif->output = arp_output;
    if (netif_register(netif))
        abort();
    return netif;
}

void fake_netif_inject(struct netif *netif, const void *frame, size_t length)
{
    struct pbuf *pbuf = pbuf_alloc(PBUF_RAW, length);
    if (!pbuf)
        abort();
    memcpy(pbuf->data, frame, length);
    pbuf->timestamp_ms = net_now_ms();
    netif_receive(netif, pbuf);
    net_host_poll();
}

struct pbuf *fake_netif_next_transmitted(void) { return pbuf_queue_pop(capture()); }

size_t fake_netif_transmitted_count(void) { return capture()->count; }

void fake_netif_clear_transmitted(void) { pbuf_queue_clear(capture()); }

void fake_netif_fail_transmit(int error) { transmit_error = error; }
