/* Wait queues; see wait.h. */
#include <wait.h>
#include <task.h>
#include <signal.h>
#include <clock.h>

void wait_queue_init(struct wait_queue *queue) { list_init(&queue->waiters); }

void wait_queue_add(struct wait_queue *queue, struct wait_entry *entry)
{
    entry->task = current;
    entry->callback = NULL;
    list_push_back(&queue->waiters, &entry->node);
}

void wait_queue_add_callback(struct wait_queue *queue, struct wait_entry *entry,
                             void (*callback)(struct wait_entry *entry))
{
    entry->task = NULL;
    entry->callback = callback;
    list_push_back(&queue->waiters, &entry->node);
}

void wait_entry_remove(struct wait_entry *entry) { list_remove(&entry->node); }

bool wait_queue_has_waiters(struct wait_queue *queue) { return !list_empty(&queue->waiters); }

void wake_up_all(struct wait_queue *queue)
{
    if (!queue->waiters.next)
        return;   /* never initialised: nobody can be waiting */
    list_for_each(node, &queue->waiters) {
        struct wait_entry *entry = container_of(node, struct wait_entry, node);
        if (entry->callback)
            entry->callback(entry);
        else
            task_wake(entry->task);
    }
}

int wait_sleep(uint64_t deadline)
{
    if (signal_pending())
        return -ERESTARTSYS;
    if (deadline && clock_monotonic_ns() >= deadline)
        return -ETIMEDOUT;
    current->state = TASK_SLEEPING;
    current->woken_by_timer = false;
    if (deadline)
        timer_sleep_add(current, deadline);
    schedule();
    timer_sleep_remove(current);
    if (signal_pending())
        return -ERESTARTSYS;
    if (current->woken_by_timer)
        return -ETIMEDOUT;
    return 0;
}

int wait_on(struct wait_queue *queue, uint64_t deadline)
{
    struct wait_entry entry;
    wait_queue_add(queue, &entry);
    int result = wait_sleep(deadline);
    wait_entry_remove(&entry);
    return result;
}
