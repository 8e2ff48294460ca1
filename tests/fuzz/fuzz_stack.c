/* What the stack's fuzz targets share (fuzz_stack.h). */
#include <stdlib.h>
#include "fuzz_stack.h"
#include "tcp/tcp_private.h"
#include "netif/host/socket_host.h"

/* Longer than anything the stack waits for: TCP gives a connection up
 * after tcp_retries2 RTOs of at most 120 s (about 15 minutes), an orphan
 * in FIN_WAIT_2 after tcp_fin_timeout, TIME_WAIT after 2 MSL. */
#define QUIESCENCE_MS (2 * 3600 * 1000)

static bool set_up;
static size_t baseline_pbufs, baseline_tcp_pcbs, baseline_bytes;

static size_t tcp_pcb_count(void)
{
    size_t count = 0;
    list_for_each(node, tcp_pcb_list())
        count++;
    return count;
}

void fuzz_stack_finding(const char *reason)
{
    fprintf(stderr, "fuzz finding: %s\n", reason);
    abort();
}

void fuzz_stack_run_timers_out(void)
{
    net_host_clock_advance(QUIESCENCE_MS);
    fake_netif_clear_transmitted();
}

void fuzz_stack_begin_input(void (*open)(void))
{
    net_lock();
    if (!set_up) {
        tcp_stack_setup();
        if (open)
            open();
        fuzz_stack_run_timers_out();   /* IGMP's unsolicited reports, say */
        set_up = true;
        baseline_pbufs = pbuf_count();
        baseline_tcp_pcbs = tcp_pcb_count();
        baseline_bytes = net_host_allocated_bytes();
    }
    net_host_random_seed(1);
    learn_peer();   /* ARP forgot it while the last input's timers ran out */
    fake_netif_clear_transmitted();
}

void fuzz_stack_check_no_leak(void)
{
    if (pbuf_count() != baseline_pbufs) {
        fprintf(stderr, "%zu pbufs held after the input, %zu before it\n", pbuf_count(),
                baseline_pbufs);
        fuzz_stack_finding("pbuf leak");
    }
    if (tcp_pcb_count() != baseline_tcp_pcbs) {
        fprintf(stderr, "%zu TCP PCBs left after every timer ran out, %zu before the input\n",
                tcp_pcb_count(), baseline_tcp_pcbs);
        fuzz_stack_finding("TCP PCB kept forever");
    }
    /* Nothing of sockets/ is open at set-up: the target closed what it opened. */
    if (sockets_open() || socket_host_nodes()) {
        fprintf(stderr, "%zu sockets and %zu socket nodes left after the input\n", sockets_open(),
                socket_host_nodes());
        fuzz_stack_finding("socket leak");
    }
    if (net_host_allocated_bytes() != baseline_bytes) {
        fprintf(stderr, "the stack holds %zu bytes after the input, %zu before it\n",
                net_host_allocated_bytes(), baseline_bytes);
        fuzz_stack_finding("memory leak");
    }
    if (socket_host_files() || socket_host_paths()) {
        fprintf(stderr, "%zu open files and %zu path nodes left after the input\n",
                socket_host_files(), socket_host_paths());
        fuzz_stack_finding("file leak");
    }
    if (socket_host_pages()) {
        fprintf(stderr, "%zu ring pages left after the input\n", socket_host_pages());
        fuzz_stack_finding("page leak");
    }
    net_unlock();
}

bool fuzz_take(struct fuzz_input *input, void *out, size_t count)
{
    if (input->size < count)
        return false;
    memcpy(out, input->data, count);
    input->data += count;
    input->size -= count;
    return true;
}

bool fuzz_take8(struct fuzz_input *input, uint8_t *value) { return fuzz_take(input, value, 1); }

bool fuzz_take16(struct fuzz_input *input, uint16_t *value)
{
    uint8_t bytes[2];
    if (!fuzz_take(input, bytes, 2))
        return false;
    *value = (uint16_t)(bytes[0] << 8 | bytes[1]);
    return true;
}
