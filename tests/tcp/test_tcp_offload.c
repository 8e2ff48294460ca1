/* TCP segmentation offload (virtio 5.1.6.2): new data goes out in frames
 * the device cuts into MSS-sized segments, with a partial checksum the
 * device completes; retransmissions stay one segment. */
#include "tcp_test.h"

static uint8_t pattern[16384];

/* What the device does for NEEDS_CSUM (5.1.6.2): the checksum of the
 * bytes from csum_start, the partial value in the field included, stored
 * at csum_offset.  Then the whole segment must check against its
 * pseudo-header, as every segment cut from it will. */
static void complete_and_check_checksum(uint8_t *tcp, size_t length)
{
    uint16_t completed = test_checksum(0, tcp, length);
    memcpy(tcp + 16, &completed, 2);
    CHECK_EQUAL(test_checksum(test_pseudo_header_sum(OUR_ADDRESS, PEER_ADDRESS, 6, length), tcp,
                              length), 0);
}

static void test_tcp_offload_sends_new_data_in_frames_the_device_cuts(void)
{
    tcp_stack_setup();
    eth0->gso_max_size = 65000;
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 11 + 5);
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    CHECK_EQUAL(tcp_send(pcb, pattern, 8000), 8000);
    struct pbuf *frame = fake_netif_next_transmitted();
    CHECK(frame != NULL);
    check_no_frame();                             /* one frame for the initial window */
    CHECK_EQUAL(frame->gso_size, 1000);
    uint8_t *ip = frame->data + 14, *tcp = ip + 20;
    size_t length = get16(ip + 2) - 20;
    CHECK_EQUAL(length, 20 + 8000);
    CHECK_EQUAL(get32(tcp + 4), isn + 1);
    CHECK_EQUAL(tcp[13], TCP_FLAG_ACK | TCP_FLAG_PSH);
    CHECK_BYTES(tcp + 20, pattern, 8000);
    complete_and_check_checksum(tcp, length);
    pbuf_put(frame);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutSegs"), 1 + 8);   /* the SYN-ACK, then 8 segments */
    /* RFC 6298 5.4: the retransmission is the first segment alone, whole checksum */
    net_host_clock_advance(pcb->rto_ms);
    struct captured segment;
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(segment.length, 1000);
    CHECK_BYTES(segment.payload, pattern, 1000);
}

/* Without the offload (gso_max_size 0), segments are MSS-sized. */
static void test_tcp_offload_off_sends_mss_segments(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    CHECK_EQUAL(tcp_send(pcb, pattern, 3000), 3000);
    struct captured segment;
    for (uint32_t offset = 0; offset < 3000; offset += 1000) {
        expect_segment(&segment);
        CHECK_EQUAL(segment.seq, isn + 1 + offset);
        CHECK_EQUAL(segment.length, 1000);
    }
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_offload_sends_new_data_in_frames_the_device_cuts),
        TEST_ENTRY(test_tcp_offload_off_sends_mss_segments),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
