/*
 * epoll(7): epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 over any
 * file with a poll operation (sockets, pipes, the tty, another epoll), on the
 * same readiness mechanism
 * as ppoll and pselect6: the file's poll operation names its wait queues
 * through poll_wait.  Here the poll table's queue hook links one permanent
 * callback entry per queue for the item (wait_queue_add_callback), so a
 * wake-up on any of them marks the item woken and wakes the epoll's waiters.
 *
 * epoll_pwait asks each item's file for its readiness now.  Level-triggered
 * items report whenever they are ready; edge-triggered (EPOLLET) ones only
 * if a wake-up came since they last reported, as Linux's ready list does;
 * EPOLLONESHOT disables an item after one report until EPOLL_CTL_MOD.
 *
 * An epoll may watch another: the inner one's poll operation names its wait
 * queue, which every wake-up of its own items wakes, so readiness climbs the
 * nest.  As on Linux, epoll_ctl refuses with ELOOP an item that would make a
 * cycle or a chain of more than EPOLL_MAX_NESTS epolls inside one another.
 *
 * An item holds a reference to its file, so its queues outlive it.  Linux
 * drops an item when its file is closed; here an item whose descriptor no
 * longer names its file is dropped at the next epoll_pwait.
 */
#include <fs_internal.h>
#include <clock.h>
#include <page.h>
#include <signal.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <asm/poll.h>
#include <linux/eventpoll.h>

#define EPOLL_QUEUES_PER_ITEM 4      /* pipes name two queues, sockets and ttys one */
#define EPOLL_ITEMS_MAX 4096
/* What every item reports unasked (epoll_ctl(2)). */
#define EPOLL_ALWAYS (EPOLLERR | EPOLLHUP)
/* Linux's limit on epolls nested below the outermost one (fs/eventpoll.c). */
#define EPOLL_MAX_NESTS 4

struct epoll;

struct epoll_item {
    struct list_node node;          /* on epoll->items, in the order added */
    struct list_node watcher_node;  /* on the watched epoll's watchers, if file is an epoll */
    struct epoll *epoll;
    int fd;
    struct file *file;              /* referenced */
    uint32_t events;                /* asked for, with EPOLLET/EPOLLONESHOT */
    uint64_t data;
    bool woken;                     /* a queue of the file woke since the last report */
    bool disabled;                  /* EPOLLONESHOT fired */
    size_t queue_count;
    struct epoll_queue_entry {
        struct wait_entry entry;
        struct epoll_item *item;
    } queues[EPOLL_QUEUES_PER_ITEM];
};

struct epoll {
    struct list_node items;
    size_t item_count;
    struct wait_queue wait;         /* epoll_pwait callers and pollers of the epoll file */
    struct list_node watchers;      /* the items of other epolls that watch this one */
};

/* The poll table epoll_ctl passes to a file's poll operation. */
struct epoll_registration {
    struct poll_table table;
    struct epoll_item *item;
};

static const struct file_operations epoll_file_operations;

static void epoll_item_woken(struct wait_entry *entry)
{
    struct epoll_item *item = container_of(entry, struct epoll_queue_entry, entry)->item;
    item->woken = true;
    wake_up_all(&item->epoll->wait);
}

static void epoll_register_queue(struct poll_table *table, struct wait_queue *queue)
{
    struct epoll_item *item = container_of(table, struct epoll_registration, table)->item;
    if (item->queue_count == EPOLL_QUEUES_PER_ITEM)
        return;
    struct epoll_queue_entry *slot = &item->queues[item->queue_count++];
    slot->item = item;
    wait_queue_add_callback(queue, &slot->entry, epoll_item_woken);
}

static unsigned item_poll(struct epoll_item *item, struct poll_table *table)
{
    return item->file->ops->poll(item->file, table);
}

static void epoll_item_free(struct epoll *epoll, struct epoll_item *item)
{
    for (size_t i = 0; i < item->queue_count; i++)
        wait_entry_remove(&item->queues[i].entry);
    list_remove(&item->node);
    list_remove(&item->watcher_node);     /* harmless when it watches no epoll */
    epoll->item_count--;
    file_put(item->file);
    kfree(item);
}

static struct epoll_item *epoll_find(struct epoll *epoll, int fd, struct file *file)
{
    list_for_each(node, &epoll->items) {
        struct epoll_item *item = container_of(node, struct epoll_item, node);
        if (item->fd == fd && item->file == file)
            return item;
    }
    return NULL;
}

/* The events item reports now, or 0; consumes the edge and the one shot when reporting. */
static uint32_t item_ready(struct epoll_item *item, bool consume)
{
    if (item->disabled)
        return 0;
    if ((item->events & EPOLLET) && !item->woken)
        return 0;
    uint32_t ready = item_poll(item, NULL) & ((item->events & ~(EPOLLET | EPOLLONESHOT)) | EPOLL_ALWAYS);
    if (!ready || !consume)
        return ready;
    item->woken = false;
    if (item->events & EPOLLONESHOT)
        item->disabled = true;
    return ready;
}

/* Drops items whose descriptor was closed (or now names another file). */
static void epoll_drop_closed(struct epoll *epoll)
{
    list_for_each_safe(node, &epoll->items) {
        struct epoll_item *item = container_of(node, struct epoll_item, node);
        struct file *file = fd_get(item->fd);
        if (file != item->file)
            epoll_item_free(epoll, item);
        if (file)
            file_put(file);
    }
}

static int epoll_scan(struct epoll *epoll, struct epoll_event *events, int max)
{
    int count = 0;
    list_for_each(node, &epoll->items) {
        if (count == max)
            break;
        struct epoll_item *item = container_of(node, struct epoll_item, node);
        uint32_t ready = item_ready(item, true);
        if (ready) {
            events[count].events = ready;
            events[count].data = item->data;
            count++;
        }
    }
    return count;
}

static unsigned epoll_poll(struct file *file, struct poll_table *table)
{
    struct epoll *epoll = file->private;
    poll_wait(table, &epoll->wait);
    list_for_each(node, &epoll->items)
        if (item_ready(container_of(node, struct epoll_item, node), false))
            return POLLIN | POLLRDNORM;
    return 0;
}

static void epoll_release(struct file *file)
{
    struct epoll *epoll = file->private;
    list_for_each_safe(node, &epoll->items)
        epoll_item_free(epoll, container_of(node, struct epoll_item, node));
    kfree(epoll);
}

static const struct file_operations epoll_file_operations = {
    .poll = epoll_poll,
    .seek = no_seek,
    .release = epoll_release,
};

static long sys_epoll_create1(uint64_t flags)
{
    if (flags & ~(uint64_t)EPOLL_CLOEXEC)
        return -EINVAL;
    struct epoll *epoll = kzalloc(sizeof(*epoll));
    struct file *file = epoll ? anon_inode_file_new("[eventpoll]", &epoll_file_operations, epoll,
                                                    O_RDWR) : NULL;
    if (!file) {
        kfree(epoll);
        return -ENOMEM;
    }
    list_init(&epoll->items);
    list_init(&epoll->watchers);
    wait_queue_init(&epoll->wait);
    int fd = fd_install(file, flags & EPOLL_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}
SYSCALL(__NR_epoll_create1, sys_epoll_create1);

static struct epoll *epoll_of(struct file *file)
{
    return file->ops == &epoll_file_operations ? file->private : NULL;
}

/* The longest chain of epolls nested below epoll (0: none), or -1 if target is among them. */
static int depth_below(struct epoll *epoll, const struct epoll *target)
{
    int deepest = 0;
    list_for_each(node, &epoll->items) {
        struct epoll *inner = epoll_of(container_of(node, struct epoll_item, node)->file);
        if (!inner)
            continue;
        int depth = inner == target ? -1 : depth_below(inner, target);
        if (depth < 0)
            return -1;
        deepest = MAX(deepest, depth + 1);
    }
    return deepest;
}

/* The longest chain of epolls epoll is nested in (0: none watches it). */
static int depth_above(struct epoll *epoll)
{
    int deepest = 0;
    list_for_each(node, &epoll->watchers) {
        struct epoll_item *item = container_of(node, struct epoll_item, watcher_node);
        deepest = MAX(deepest, depth_above(item->epoll) + 1);
    }
    return deepest;
}

/* epoll_ctl(2)'s ELOOP: watching inner from epoll would close a cycle or nest too deep. */
static bool nesting_refused(struct epoll *epoll, struct epoll *inner)
{
    int below = depth_below(inner, epoll);
    return below < 0 || depth_above(epoll) + 1 + below > EPOLL_MAX_NESTS;
}

static int epoll_add(struct epoll *epoll, int fd, struct file *file, const struct epoll_event *event)
{
    if (epoll->item_count == EPOLL_ITEMS_MAX)
        return -ENOSPC;
    struct epoll_item *item = kzalloc(sizeof(*item));
    if (!item)
        return -ENOMEM;
    item->epoll = epoll;
    item->fd = fd;
    item->file = file;
    file_get(file);
    item->events = event->events;
    item->data = event->data;
    item->woken = true;     /* the first scan looks whatever the file's state */
    struct epoll_registration registration = { .table = { .queue = epoll_register_queue },
                                               .item = item };
    item_poll(item, &registration.table);
    list_push_back(&epoll->items, &item->node);
    struct epoll *inner = epoll_of(file);
    if (inner)
        list_push_back(&inner->watchers, &item->watcher_node);
    epoll->item_count++;
    if (item_ready(item, false))
        wake_up_all(&epoll->wait);
    return 0;
}

static long sys_epoll_ctl(uint64_t epoll_fd, uint64_t operation, uint64_t fd, uint64_t user_event)
{
    struct epoll_event event = { 0 };
    if (operation != EPOLL_CTL_DEL && copy_from_user(&event, (void *)user_event, sizeof(event)))
        return -EFAULT;
    struct file *epoll_file = fd_get((int)epoll_fd);
    struct file *file = fd_get((int)fd);
    long result = 0;
    struct epoll *epoll = epoll_file ? epoll_of(epoll_file) : NULL;
    if (!epoll_file || !file)
        result = -EBADF;
    else if (!file->ops || !file->ops->poll)
        result = -EPERM;    /* epoll_ctl(2): regular files and directories cannot be watched */
    else if (!epoll || file == epoll_file)
        result = -EINVAL;
    else if (operation == EPOLL_CTL_ADD && epoll_of(file) && nesting_refused(epoll, epoll_of(file)))
        result = -ELOOP;
    if (result)
        goto out;
    struct epoll_item *item = epoll_find(epoll, (int)fd, file);
    switch (operation) {
    case EPOLL_CTL_ADD:
        result = item ? -EEXIST : epoll_add(epoll, (int)fd, file, &event);
        break;
    case EPOLL_CTL_MOD:
        if (!item) {
            result = -ENOENT;
            break;
        }
        item->events = event.events;
        item->data = event.data;
        item->disabled = false;
        item->woken = true;
        if (item_ready(item, false))
            wake_up_all(&epoll->wait);
        break;
    case EPOLL_CTL_DEL:
        if (item)
            epoll_item_free(epoll, item);
        else
            result = -ENOENT;
        break;
    default:
        result = -EINVAL;
    }
out:
    if (epoll_file)
        file_put(epoll_file);
    if (file)
        file_put(file);
    return result;
}
SYSCALL(__NR_epoll_ctl, sys_epoll_ctl);

/* Waits until deadline (monotonic ns, 0 = none), or only looks when immediate. */
static long epoll_wait_events(struct epoll *epoll, struct epoll_event *events, int max,
                              uint64_t deadline, bool immediate)
{
    bool timed_out = immediate;
    epoll_drop_closed(epoll);
    for (;;) {
        int count = epoll_scan(epoll, events, max);
        if (count || timed_out)
            return count;
        int error = wait_on(&epoll->wait, deadline);
        if (error == -ERESTARTSYS)
            return -EINTR;   /* epoll_wait(2) is never restarted */
        if (error == -ETIMEDOUT)
            timed_out = true;
    }
}

static long epoll_pwait_until(uint64_t epoll_fd, uint64_t user_events, uint64_t max_events,
                              uint64_t deadline, bool immediate, uint64_t user_mask,
                              uint64_t mask_size)
{
    int max = (int)max_events;
    if (max <= 0 || (size_t)max > INT32_MAX / sizeof(struct epoll_event))
        return -EINVAL;
    struct file *file = fd_get((int)epoll_fd);
    if (!file)
        return -EBADF;
    struct epoll *epoll = epoll_of(file);
    struct epoll_event *events = NULL;
    long result = 0;
    if (!epoll)
        result = -EINVAL;
    else if (user_range_prepare((void *)user_events, (size_t)max * sizeof(*events), true))
        result = -EFAULT;
    else if ((result = poll_install_signal_mask(user_mask, mask_size)))
        ;
    else if (!(events = kmalloc(MIN((size_t)max, epoll->item_count + 1) * sizeof(*events))))
        result = -ENOMEM;
    if (!result) {
        max = (int)MIN((size_t)max, epoll->item_count + 1);
        result = epoll_wait_events(epoll, events, max, deadline, immediate);
        if (result > 0 && copy_to_user((void *)user_events, events, (size_t)result * sizeof(*events)))
            result = -EFAULT;
    }
    kfree(events);
    file_put(file);
    return result;
}

/* The timeout in milliseconds: negative waits for ever, 0 only looks. */
static long sys_epoll_pwait(uint64_t epoll_fd, uint64_t user_events, uint64_t max_events,
                            uint64_t timeout, uint64_t user_mask, uint64_t mask_size)
{
    int timeout_ms = (int)timeout;
    uint64_t deadline = timeout_ms > 0 ? clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000 : 0;
    return epoll_pwait_until(epoll_fd, user_events, max_events, deadline, timeout_ms == 0,
                             user_mask, mask_size);
}
SYSCALL(__NR_epoll_pwait, sys_epoll_pwait);

/* epoll_pwait2(2): the timeout is a struct timespec, NULL waiting for ever;
 * Linux reads and checks it before anything else. */
static long sys_epoll_pwait2(uint64_t epoll_fd, uint64_t user_events, uint64_t max_events,
                             uint64_t user_timeout, uint64_t user_mask, uint64_t mask_size)
{
    uint64_t deadline;
    bool immediate;
    long error = poll_read_timeout(user_timeout, &deadline, &immediate);
    if (error)
        return error;
    return epoll_pwait_until(epoll_fd, user_events, max_events, deadline, immediate, user_mask,
                             mask_size);
}
SYSCALL(__NR_epoll_pwait2, sys_epoll_pwait2);
