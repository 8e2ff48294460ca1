/*
 * Net timers: one list sorted by deadline, served by the network context
 * (the net thread in the kernel, net_host_clock_advance on the host).  Both
 * builds share this file; only the clock behind net_now_ms differs.
 */
#include "net_context.h"

static struct list_node timers = LIST_HEAD_INIT(timers);   /* by deadline, then by start */

void net_timer_start(struct net_timer *timer, uint64_t delay_ms,
                     void (*callback)(void *argument), void *argument)
{
    net_timer_cancel(timer);
    timer->deadline_ms = net_now_ms() + delay_ms;
    timer->callback = callback;
    timer->argument = argument;
    struct list_node *position = &timers;
    list_for_each(node, &timers) {
        if (container_of(node, struct net_timer, node)->deadline_ms > timer->deadline_ms) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &timer->node);
    timer->armed = true;
    /* The net thread may be asleep until a later deadline. */
    net_context_wake();
}

void net_timer_cancel(struct net_timer *timer)
{
    if (!timer->armed)
        return;
    list_remove(&timer->node);
    timer->armed = false;
}

void net_timers_run(uint64_t now_ms)
{
    net_assert_context();
    while (!list_empty(&timers)) {
        struct net_timer *timer = container_of(timers.next, struct net_timer, node);
        if (timer->deadline_ms > now_ms)
            return;
        /* Off the list before the callback, which may start it again. */
        net_timer_cancel(timer);
        timer->callback(timer->argument);
    }
}

uint64_t net_timers_next_deadline(void)
{
    if (list_empty(&timers))
        return 0;
    return container_of(timers.next, struct net_timer, node)->deadline_ms;
}
