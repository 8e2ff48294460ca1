/*
 * Host unit tests of the receive backlog's backpressure (netif/netif.c): a
 * driver that asks netif_receive_full before taking each frame from its
 * device never has a frame dropped behind it; it is told once the backlog
 * has room again (receive_resume), and then takes the rest.  The test plays
 * a device holding frames, its driver, and the net thread's pass
 * (netif_deliver_queued).
 */
#include "tests/host/net_test.h"
#include "netif/net_context.h"

/* netif.c's backlog, in frames. */
#define RECEIVE_BACKLOG 256

static struct netif device_netif;
static size_t device_holding;   /* frames the device has received, not yet taken */
static size_t delivered, resumes;

static void count_delivered(struct netif *netif, struct pbuf *frame)
{
    delivered++;
    pbuf_put(frame);
}

static int refuse_transmit(struct netif *netif, struct pbuf *frame) { return -EIO; }

/* The driver's interrupt handler: takes frames while the backlog has room. */
static void driver_take_frames(struct netif *netif)
{
    while (device_holding && !netif_receive_full(netif)) {
        struct pbuf *frame = pbuf_alloc(PBUF_RAW, 60);
        CHECK(frame != NULL);
        memset(frame->data, 0xff, 60);
        device_holding--;
        netif_receive(netif, frame);
    }
}

static void driver_resume(struct netif *netif)
{
    resumes++;
    driver_take_frames(netif);
}

static const struct netif_operations device_operations = {
    .transmit = refuse_transmit,
    .receive_resume = driver_resume,
};

static void device_setup(size_t frames)
{
    stack_setup();
    strcpy(device_netif.name, "test0");
    device_netif.type = NETIF_TYPE_ETHERNET;
    device_netif.flags = NETIF_UP;
    device_netif.ops = &device_operations;
    device_netif.link_input = count_delivered;
    device_netif.output = eth0->output;
    CHECK_EQUAL(netif_register(&device_netif), 0);
    device_holding = frames;
    delivered = resumes = 0;
}

static void test_netif_receive_full_only_when_backlog_is_full(void)
{
    device_setup(RECEIVE_BACKLOG + 10);
    driver_take_frames(&device_netif);
    CHECK_EQUAL(device_holding, 10);                 /* left in the device */
    CHECK(netif_receive_full(&device_netif));
    CHECK_EQUAL(device_netif.statistics.receive_dropped, 0);
    CHECK_EQUAL(device_netif.statistics.receive_packets, RECEIVE_BACKLOG);
}

static void test_netif_resumes_the_driver_once_the_backlog_is_emptied(void)
{
    device_setup(RECEIVE_BACKLOG + 10);
    driver_take_frames(&device_netif);
    CHECK_EQUAL(resumes, 0);
    netif_deliver_queued();
    CHECK_EQUAL(delivered, RECEIVE_BACKLOG);
    CHECK_EQUAL(resumes, 1);
    CHECK_EQUAL(device_holding, 0);                  /* the rest taken on resume */
    netif_deliver_queued();
    CHECK_EQUAL(delivered, RECEIVE_BACKLOG + 10);
    CHECK_EQUAL(resumes, 1);                          /* never full again: no resume owed */
}

static void test_netif_backpressure_drops_nothing(void)
{
    size_t frames = 5 * RECEIVE_BACKLOG + 3;
    device_setup(frames);
    driver_take_frames(&device_netif);
    for (int pass = 0; pass < 10 && delivered < frames; pass++)
        netif_deliver_queued();
    CHECK_EQUAL(delivered, frames);
    CHECK_EQUAL(device_netif.statistics.receive_dropped, 0);
    CHECK_EQUAL(device_netif.statistics.receive_packets, frames);
}

static void test_netif_receive_without_asking_drops_when_full(void)
{
    device_setup(0);
    for (int i = 0; i < RECEIVE_BACKLOG + 1; i++) {
        struct pbuf *frame = pbuf_alloc(PBUF_RAW, 60);
        CHECK(frame != NULL);
        memset(frame->data, 0xff, 60);
        netif_receive(&device_netif, frame);
    }
    CHECK_EQUAL(device_netif.statistics.receive_dropped, 1);
    netif_deliver_queued();
    CHECK_EQUAL(delivered, RECEIVE_BACKLOG);
    CHECK_EQUAL(resumes, 0);                          /* the driver never asked */
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_netif_receive_full_only_when_backlog_is_full),
        TEST_ENTRY(test_netif_resumes_the_driver_once_the_backlog_is_emptied),
        TEST_ENTRY(test_netif_backpressure_drops_nothing),
        TEST_ENTRY(test_netif_receive_without_asking_drops_when_full),
    };
    return net_test_run_all(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
