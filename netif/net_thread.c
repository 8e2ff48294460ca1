/*
 * The net thread: the kernel's one network context (docs/design.md).  Interrupt
 * handlers only queue received frames (netif_receive); this thread hands
 * them to the protocol layers and runs the net timers, holding net_lock
 * while it does, so protocol code never runs in two places at once.
 */
#include "net_context.h"
#include "net_thread.h"
#include <task.h>
#include <wait.h>

static struct wait_queue net_thread_queue;
/* Set by every wake; cleared when the thread starts a round of work.  Work
 * that arrives during a round (a timer a callback restarts, a frame looped
 * back) is therefore seen before the thread sleeps. */
static bool work_pending;

/*
 * The thread runs before the interrupted task resumes in user mode, as
 * Linux runs its softirqs on the way out of the interrupt: a user program
 * that never sleeps (a sender in a loop) would otherwise keep received
 * frames, an ARP reply it waits for among them, queued for a whole slice.
 */
void net_context_wake(void)
{
    work_pending = true;
    wake_up_all(&net_thread_queue);
    reschedule_soon();
}

static void net_thread(void *unused)
{
    for (;;) {
        work_pending = false;
        net_lock();
        netif_deliver_queued();
        netif_transmit_queued();
        net_timers_run(net_now_ms());
        uint64_t next_ms = net_timers_next_deadline();
        net_unlock();
        if (work_pending)
            continue;
        /* A kernel thread takes no signals (it has no handlers, and kill
         * skips parentless processes): it wakes for work or the deadline. */
        wait_on(&net_thread_queue, next_ms * 1000000);
    }
}

void net_thread_start(void)
{
    wait_queue_init(&net_thread_queue);
    if (!kernel_thread_create("net", net_thread, NULL))
        panic("cannot create the net thread");
}
