/*
 * Wait queues.  A task that must wait links a wait_entry (usually on its own
 * kernel stack) into one or more queues and sleeps; wake_up_all makes every
 * waiting task runnable.  Waking is never lost: the kernel runs with IRQs
 * masked and is not preempted, so nothing can happen between checking a
 * condition and going to sleep.  Callers always re-check their condition.
 */
#ifndef WAIT_H
#define WAIT_H
#include <kernel.h>

struct task;
struct wait_queue {
    struct list_node waiters;
};
struct wait_entry {
    struct list_node node;
    struct task *task;
    /* Set by wait_queue_add_callback: called instead of waking task (epoll). */
    void (*callback)(struct wait_entry *entry);
};

void wait_queue_init(struct wait_queue *queue);
void wait_queue_add(struct wait_queue *queue, struct wait_entry *entry);
/* Links entry so that a wake-up calls callback (which must not unlink entries). */
void wait_queue_add_callback(struct wait_queue *queue, struct wait_entry *entry,
                             void (*callback)(struct wait_entry *entry));
void wait_entry_remove(struct wait_entry *entry);
void wake_up_all(struct wait_queue *queue);
bool wait_queue_has_waiters(struct wait_queue *queue);

/*
 * Sleep on queue until woken, until deadline (monotonic ns, 0 = none) or
 * until a signal is pending.  Returns 0, -ETIMEDOUT or -ERESTARTSYS.
 */
int wait_on(struct wait_queue *queue, uint64_t deadline);

/*
 * Sleep current (already linked into its queues with wait_queue_add) until
 * woken, deadline or a pending signal: 0, -ETIMEDOUT or -ERESTARTSYS.
 */
int wait_sleep(uint64_t deadline);

/* Sleep until cond holds; the result is that of the last wait_on (or 0). */
#define WAIT_UNTIL(queue, cond, deadline)                \
    ({                                                   \
        int wait_result_ = 0;                            \
        while (!(cond)) {                                \
            wait_result_ = wait_on((queue), (deadline)); \
            if (wait_result_)                            \
                break;                                   \
        }                                                \
        (cond) ? 0 : wait_result_;                       \
    })

/* Linux's internal "restart me" code: never reaches user space. */
#define ERESTARTSYS 512
#define ERESTARTNOHAND 514

#endif
