/*
 * Host unit tests of the interface's transmit queue and of send accounting
 * (netif/netif.c, netif/pbuf.c): what the stack accepted to send reaches the
 * device, in order, even while the device is full; what cannot be kept is
 * refused with an error and counted, never lost in silence.  The fake netif
 * plays a full device by answering -EBUSY, and the test plays its interrupt
 * by calling netif_transmit_ready.
 */
#include "tests/host/net_test.h"
#include "netif/net_context.h"
#include "ip/ip.h"
#include "udp/udp.h"

#define PORT 4000
/* netif.c's limit: Linux's default txqueuelen. */
#define TRANSMIT_QUEUE_FRAMES 1000

static int refunds;

static void count_refund(struct pbuf_account *account) { refunds++; }

/* One UDP datagram whose payload is its 4-byte big-endian index; udp_send's result. */
static int send_numbered(struct udp_pcb *pcb, uint32_t index, struct pbuf_account *account)
{
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 4);
    CHECK(payload != NULL);
    uint32_t value = net_htonl(index);
    memcpy(payload->data, &value, 4);
    if (account)
        pbuf_charge(payload, account);
    return udp_send(pcb, payload, PEER_ADDRESS, net_htons(PORT), NULL);
}

/* The next frame is datagram index of send_numbered (14 + 20 + 8 bytes of headers). */
static void check_numbered(uint32_t index)
{
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(pbuf_length(frame), 14 + 20 + 8 + 4);
    uint32_t value;
    memcpy(&value, frame->data + 14 + 20 + 8, 4);
    CHECK_EQUAL(net_ntohl(value), index);
    pbuf_put(frame);
}

/* Frames eth0 sent before the test's own (learn_peer's ARP request). */
static uint64_t sent_before;

static void open_sender(struct udp_pcb *pcb)
{
    stack_setup();
    learn_peer();
    fake_netif_clear_transmitted();
    sent_before = eth0->statistics.transmit_packets;
    udp_pcb_init(pcb);
    CHECK_EQUAL(udp_bind(pcb, IP_ADDRESS_ANY, net_htons(PORT)), 0);
}

/* The device ready again, as its transmit-complete interrupt reports it. */
static void device_ready(void)
{
    fake_netif_fail_transmit(0);
    netif_transmit_ready(eth0);
    net_host_poll();
}

static void test_netif_full_device_queues_in_order(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    size_t baseline = pbuf_count();
    fake_netif_fail_transmit(-EBUSY);
    for (uint32_t i = 0; i < 10; i++)
        CHECK_EQUAL(send_numbered(&pcb, i, NULL), 0);
    check_no_frame();
    CHECK_EQUAL(eth0->statistics.transmit_packets - sent_before, 0);
    device_ready();
    for (uint32_t i = 0; i < 10; i++)
        check_numbered(i);
    check_no_frame();
    CHECK_EQUAL(eth0->statistics.transmit_packets - sent_before, 10);
    CHECK_EQUAL(eth0->statistics.transmit_dropped, 0);
    CHECK_EQUAL(COUNTER(UDP_OUT_DATAGRAMS), 10);
    CHECK_EQUAL(pbuf_count(), baseline);
    udp_pcb_remove(&pcb);
}

/* Frames sent while others wait go behind them, even once the device has room. */
static void test_netif_new_frames_wait_behind_queued_ones(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    fake_netif_fail_transmit(-EBUSY);
    CHECK_EQUAL(send_numbered(&pcb, 1, NULL), 0);
    fake_netif_fail_transmit(0);
    CHECK_EQUAL(send_numbered(&pcb, 2, NULL), 0);
    check_no_frame();
    netif_transmit_ready(eth0);
    net_host_poll();
    check_numbered(1);
    check_numbered(2);
    check_no_frame();
    udp_pcb_remove(&pcb);
}

/* A full queue refuses (ENOBUFS, Linux's qdisc drop): counted in tx_dropped
 * and UDP's SndbufErrors, and everything accepted still goes out. */
static void test_netif_full_queue_refuses_and_counts(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    size_t baseline = pbuf_count();
    fake_netif_fail_transmit(-EBUSY);
    for (uint32_t i = 0; i < TRANSMIT_QUEUE_FRAMES; i++)
        CHECK_EQUAL(send_numbered(&pcb, i, NULL), 0);
    CHECK_EQUAL(send_numbered(&pcb, TRANSMIT_QUEUE_FRAMES, NULL), -ENOBUFS);
    CHECK_EQUAL(eth0->statistics.transmit_dropped, 1);
    CHECK_EQUAL(COUNTER(UDP_SNDBUF_ERRORS), 1);
    CHECK_EQUAL(COUNTER(UDP_OUT_DATAGRAMS), TRANSMIT_QUEUE_FRAMES);
    device_ready();
    for (uint32_t i = 0; i < TRANSMIT_QUEUE_FRAMES; i++)
        check_numbered(i);
    check_no_frame();
    CHECK_EQUAL(eth0->statistics.transmit_packets - sent_before, TRANSMIT_QUEUE_FRAMES);
    CHECK_EQUAL(pbuf_count(), baseline);
    udp_pcb_remove(&pcb);
}

/* A device error is the sender's error, and counted: nothing vanishes. */
static void test_netif_device_error_reaches_the_sender(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    fake_netif_fail_transmit(-EIO);
    CHECK_EQUAL(send_numbered(&pcb, 1, NULL), -EIO);
    CHECK_EQUAL(eth0->statistics.transmit_dropped, 1);
    CHECK_EQUAL(COUNTER(UDP_OUT_DATAGRAMS), 0);
    fake_netif_fail_transmit(0);
    check_no_frame();
    udp_pcb_remove(&pcb);
}

/* The sender stays charged while its datagrams wait for the device, and
 * is refunded once the device has them (the socket's SO_SNDBUF wait). */
static void test_pbuf_charge_lasts_until_the_device_has_it(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    struct pbuf_account account = { .refunded = count_refund };
    fake_netif_fail_transmit(-EBUSY);
    CHECK_EQUAL(send_numbered(&pcb, 1, &account), 0);
    CHECK_EQUAL(send_numbered(&pcb, 2, &account), 0);
    size_t one = account.charged / 2;
    CHECK(one > 4);
    CHECK_EQUAL(account.charged, 2 * one);
    CHECK_EQUAL(refunds, 0);
    device_ready();
    CHECK_EQUAL(account.charged, 0);
    CHECK_EQUAL(refunds, 2);
    check_numbered(1);
    check_numbered(2);
    udp_pcb_remove(&pcb);
}

/* A datagram refused on the way is refunded too. */
static void test_pbuf_charge_refunded_when_refused(void)
{
    struct udp_pcb pcb;
    open_sender(&pcb);
    struct pbuf_account account = { .refunded = count_refund };
    fake_netif_fail_transmit(-EIO);
    CHECK_EQUAL(send_numbered(&pcb, 1, &account), -EIO);
    CHECK_EQUAL(account.charged, 0);
    CHECK_EQUAL(refunds, 1);
    fake_netif_fail_transmit(0);
    udp_pcb_remove(&pcb);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_netif_full_device_queues_in_order),
        TEST_ENTRY(test_netif_new_frames_wait_behind_queued_ones),
        TEST_ENTRY(test_netif_full_queue_refuses_and_counts),
        TEST_ENTRY(test_netif_device_error_reaches_the_sender),
        TEST_ENTRY(test_pbuf_charge_lasts_until_the_device_has_it),
        TEST_ENTRY(test_pbuf_charge_refunded_when_refused),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
