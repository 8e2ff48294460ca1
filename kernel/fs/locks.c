/*
 * Advisory file locks: fcntl's record and OFD locks, and flock(2).  The
 * table and its invariants are described in locks.h; the errno values and
 * the order of the checks are Linux's (fs/locks.c's behaviour, fcntl(2),
 * flock(2)).
 */
#include "locks.h"
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <linux/fs.h>

/* How many owners EDEADLK detection follows (Linux's MAX_DEADLK_ITERATIONS). */
#define DEADLOCK_STEPS_MAX 10

static struct list_node lock_waiters = LIST_HEAD_INIT(lock_waiters);

static struct file_lock *lock_of(struct list_node *node)
{
    return container_of(node, struct file_lock, node);
}

static bool same_owner(const struct file_lock *a, const struct file_lock *b)
{
    return a->owner == b->owner && (a->kind == FILE_LOCK_FLOCK) == (b->kind == FILE_LOCK_FLOCK);
}

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
    return a->start <= b->end && b->start <= a->end;
}

static bool conflict(const struct file_lock *request, const struct file_lock *held)
{
    return !same_owner(request, held) && overlap(request, held) &&
           (request->type == F_WRLCK || held->type == F_WRLCK);
}

static struct list_node *list_of(struct file_lock_context *context, const struct file_lock *lock)
{
    return lock->kind == FILE_LOCK_FLOCK ? &context->flock : &context->posix;
}

/* The first lock on inode that conflicts with request, in list order; NULL if none. */
static struct file_lock *first_conflict(struct inode *inode, const struct file_lock *request)
{
    if (!inode->locks)
        return NULL;
    list_for_each(node, list_of(inode->locks, request)) {
        if (conflict(request, lock_of(node)))
            return lock_of(node);
    }
    return NULL;
}

/* lock is about to shrink, split or go: whoever waits for it looks again. */
static void wake_waiters(const struct file_lock *lock)
{
    list_for_each(node, &lock_waiters) {
        struct lock_waiter *waiter = container_of(node, struct lock_waiter, node);
        if (waiter->blocker == lock) {
            waiter->blocker = NULL;
            wake_up_all(&waiter->queue);
        }
    }
}

static void lock_delete(struct file_lock *lock)
{
    wake_waiters(lock);
    list_remove(&lock->node);
    kfree(lock);
}

static struct file_lock_context *context_get(struct inode *inode)
{
    if (!inode->locks && (inode->locks = kmalloc(sizeof(*inode->locks)))) {
        list_init(&inode->locks->posix);
        list_init(&inode->locks->flock);
    }
    return inode->locks;
}

/* Frees the context of an inode that has no lock left (locks.h). */
static void context_put_if_empty(struct inode *inode)
{
    struct file_lock_context *context = inode->locks;
    if (context && list_empty(&context->posix) && list_empty(&context->flock)) {
        kfree(context);
        inode->locks = NULL;
    }
}

/*
 * EDEADLK (fcntl(2)): would request, waiting for held, close a cycle of
 * POSIX owners each waiting for the next?  OFD and flock waits are never
 * reported, as on Linux.
 */
static bool would_deadlock(const struct file_lock *request, const struct file_lock *held)
{
    if (request->kind != FILE_LOCK_POSIX)
        return false;
    for (int step = 0; step < DEADLOCK_STEPS_MAX && held; step++) {
        const struct file_lock *next = NULL;
        list_for_each(node, &lock_waiters) {
            struct lock_waiter *waiter = container_of(node, struct lock_waiter, node);
            if (waiter->request.kind == FILE_LOCK_POSIX && waiter->request.owner == held->owner &&
                waiter->blocker && waiter->blocker->kind == FILE_LOCK_POSIX) {
                next = waiter->blocker;
                break;
            }
        }
        if (next && next->owner == request->owner)
            return true;
        held = next;
    }
    return false;
}

/*
 * Waits until request conflicts with no lock on inode (or fails at once
 * with EAGAIN when !wait).  0, -EAGAIN, -EDEADLK, or -ERESTARTSYS when a
 * signal came (EINTR, or a restart with SA_RESTART, as Linux).
 */
static int wait_for_no_conflict(struct inode *inode, const struct file_lock *request, bool wait)
{
    struct file_lock *held = first_conflict(inode, request);
    if (!held)
        return 0;
    if (!wait)
        return -EAGAIN;
    struct lock_waiter waiter = { .request = *request };
    wait_queue_init(&waiter.queue);
    list_push_back(&lock_waiters, &waiter.node);
    int result = 0;
    while (held) {
        if (would_deadlock(request, held)) {
            result = -EDEADLK;
            break;
        }
        waiter.blocker = held;
        result = wait_on(&waiter.queue, 0);
        if (result)
            break;
        held = first_conflict(inode, request);
    }
    list_remove(&waiter.node);
    return result;
}

/* The first lock of owner on list, or list itself if it has none. */
static struct list_node *owner_first(struct list_node *list, const struct file_lock *request)
{
    list_for_each(node, list) {
        if (same_owner(request, lock_of(node)))
            return node;
    }
    return list;
}

/*
 * Cuts start..end out of lock, which overlaps it (spare becomes the
 * right-hand piece when the range is inside lock).  Returns what is left
 * past the range, if anything.
 */
static struct file_lock *cut_range(struct file_lock *lock, int64_t start, int64_t end,
                                   struct file_lock *spare)
{
    wake_waiters(lock);
    if (lock->start < start && lock->end > end) {
        *spare = *lock;
        spare->start = end + 1;
        list_insert_before(lock->node.next, &spare->node);
        lock->end = start - 1;
        return spare;
    }
    if (lock->start < start) {
        lock->end = start - 1;
        return NULL;
    }
    if (lock->end > end) {
        lock->start = end + 1;
        return lock;
    }
    lock_delete(lock);
    return NULL;
}

/* Merges lock with a neighbour of its owner and type that ends or starts next to it. */
static void merge_neighbours(struct list_node *list, struct file_lock *lock)
{
    struct list_node *before = lock->node.prev, *after = lock->node.next;
    if (before != list && same_owner(lock, lock_of(before)) && lock_of(before)->type == lock->type &&
        lock_of(before)->end == lock->start - 1) {
        lock->start = lock_of(before)->start;
        lock_delete(lock_of(before));
    }
    if (after != list && same_owner(lock, lock_of(after)) && lock_of(after)->type == lock->type &&
        lock_of(after)->start - 1 == lock->end) {
        lock->end = lock_of(after)->end;
        lock_delete(lock_of(after));
    }
}

/*
 * Sets (or with F_UNLCK removes) request's range for its owner, once no
 * other owner's lock is in the way: the owner's locks over the range are
 * cut away, then the new lock goes in start order among the owner's and
 * merges with its neighbours (locks.h's invariants).
 */
static int posix_set_range(struct inode *inode, const struct file_lock *request)
{
    struct file_lock_context *context = context_get(inode);
    struct file_lock *spare = kmalloc(sizeof(*spare));
    struct file_lock *new_lock = request->type == F_UNLCK ? NULL : kmalloc(sizeof(*new_lock));
    if (!context || !spare || (request->type != F_UNLCK && !new_lock)) {
        kfree(spare);
        kfree(new_lock);
        context_put_if_empty(inode);
        return -ENOLCK;   /* Linux's answer when it has no memory for a lock */
    }
    struct list_node *list = &context->posix;
    struct list_node *node = owner_first(list, request);
    struct list_node *insert_before = NULL;
    while (node != list && same_owner(request, lock_of(node))) {
        struct file_lock *lock = lock_of(node);
        node = node->next;
        if (lock->start > request->end) {
            insert_before = &lock->node;
            break;
        }
        if (lock->end < request->start)
            continue;
        struct file_lock *after = cut_range(lock, request->start, request->end, spare);
        if (after) {
            spare = after == spare ? NULL : spare;
            insert_before = &after->node;
            break;
        }
    }
    if (new_lock) {
        *new_lock = *request;
        /* Past the owner's last lock, or at the tail for an owner that had none. */
        list_insert_before(insert_before ? insert_before : node, &new_lock->node);
        merge_neighbours(list, new_lock);
    }
    kfree(spare);
    context_put_if_empty(inode);
    return 0;
}

/* Removes every lock of owner of this kind family on inode. */
static void remove_owner_locks(struct inode *inode, const struct file_lock *owner)
{
    if (!inode->locks)
        return;
    list_for_each_safe(node, list_of(inode->locks, owner)) {
        if (same_owner(owner, lock_of(node)))
            lock_delete(lock_of(node));
    }
    context_put_if_empty(inode);
}

void file_locks_close(struct file *file, struct files *files)
{
    struct file_lock owner = { .kind = FILE_LOCK_POSIX, .owner = files };
    remove_owner_locks(file->inode, &owner);
}

void file_locks_release(struct file *file)
{
    struct file_lock owner = { .kind = FILE_LOCK_OFD, .owner = file };
    remove_owner_locks(file->inode, &owner);
    owner.kind = FILE_LOCK_FLOCK;
    remove_owner_locks(file->inode, &owner);
}

/*
 * struct flock's l_whence, l_start and l_len to the bytes start..end
 * (fcntl(2)): a negative l_len means the l_len bytes before l_start, 0
 * means to the end of the file however far it grows.
 */
static int flock_to_range(struct file *file, const struct flock *user, struct file_lock *lock)
{
    int64_t base;
    switch (user->l_whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)file->offset;
        break;
    case SEEK_END:
        base = (int64_t)file->inode->size;
        break;
    default:
        return -EINVAL;
    }
    if (user->l_start > OFFSET_MAX - base)
        return -EOVERFLOW;
    lock->start = base + user->l_start;
    if (lock->start < 0)
        return -EINVAL;
    if (user->l_len > 0) {
        if (user->l_len - 1 > OFFSET_MAX - lock->start)
            return -EOVERFLOW;
        lock->end = lock->start + user->l_len - 1;
    } else if (user->l_len < 0) {
        if (lock->start + user->l_len < 0)
            return -EINVAL;
        lock->end = lock->start - 1;
        lock->start += user->l_len;
    } else {
        lock->end = OFFSET_MAX;
    }
    if (user->l_type != F_RDLCK && user->l_type != F_WRLCK && user->l_type != F_UNLCK)
        return -EINVAL;
    lock->type = user->l_type;
    return 0;
}

/*
 * F_GETLK and F_OFD_GETLK: the first lock that would block request, or
 * F_UNLCK.  Asking about F_UNLCK is EINVAL for both in Linux 6.1 (later
 * kernels let F_OFD_GETLK take it and report the description's own locks).
 */
static long get_lock(struct file *file, unsigned command, struct flock *user)
{
    if (user->l_type != F_RDLCK && user->l_type != F_WRLCK)
        return -EINVAL;
    struct file_lock request = { .kind = FILE_LOCK_POSIX, .owner = current->process->files };
    int error = flock_to_range(file, user, &request);
    if (error)
        return error;
    if (command == F_OFD_GETLK) {
        if (user->l_pid != 0)
            return -EINVAL;
        request.kind = FILE_LOCK_OFD;
        request.owner = file;
    }
    struct file_lock *held = first_conflict(file->inode, &request);
    if (!held) {
        user->l_type = F_UNLCK;
        return 0;
    }
    user->l_type = held->type;
    user->l_whence = SEEK_SET;
    user->l_start = held->start;
    user->l_len = held->end == OFFSET_MAX ? 0 : held->end - held->start + 1;
    user->l_pid = held->kind == FILE_LOCK_OFD ? -1 : held->pid;
    return 0;
}

/* F_SETLK(W) and F_OFD_SETLK(W). */
static long set_lock(int fd, struct file *file, unsigned command, const struct flock *user)
{
    struct file_lock request = { .kind = FILE_LOCK_POSIX, .owner = current->process->files,
                                 .pid = current->process->pid };
    int error = flock_to_range(file, user, &request);
    if (error)
        return error;
    if ((request.type == F_RDLCK && !file_readable(file)) ||
        (request.type == F_WRLCK && !file_writable(file)))
        return -EBADF;
    if (command == F_OFD_SETLK || command == F_OFD_SETLKW) {
        if (user->l_pid != 0)
            return -EINVAL;
        request.kind = FILE_LOCK_OFD;
        request.owner = file;
    }
    if (request.type != F_UNLCK) {
        error = wait_for_no_conflict(file->inode, &request,
                                     command == F_SETLKW || command == F_OFD_SETLKW);
        if (error)
            return error;
    }
    error = posix_set_range(file->inode, &request);
    if (error || request.kind != FILE_LOCK_POSIX || request.type == F_UNLCK)
        return error;
    /* Another thread closed fd while this one waited: that close released
     * this table's locks, so this one must not stay (Linux does the same). */
    struct file *now = fd_get(fd);
    if (now != file) {
        request.type = F_UNLCK;
        posix_set_range(file->inode, &request);
        error = -EBADF;
    }
    if (now)
        file_put(now);
    return error;
}

long file_lock_fcntl(int fd, struct file *file, unsigned command, uint64_t user_lock)
{
    if (file->flags & O_PATH)
        return -EBADF;
    struct flock lock;
    if (copy_from_user(&lock, (void *)user_lock, sizeof(lock)))
        return -EFAULT;
    if (command == F_GETLK || command == F_OFD_GETLK) {
        long result = get_lock(file, command, &lock);
        if (!result && copy_to_user((void *)user_lock, &lock, sizeof(lock)))
            return -EFAULT;
        return result;
    }
    return set_lock(fd, file, command, &lock);
}

/* flock(2) operations (sys/file.h). */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

/*
 * flock(2).  A conversion is not atomic (flock(2) says so): the old lock
 * goes first, so a refused LOCK_NB upgrade leaves the file unlocked.
 */
static long flock_file(struct file *file, short type, bool wait)
{
    struct file_lock request = { .kind = FILE_LOCK_FLOCK, .owner = file, .type = type,
                                 .pid = current->process->pid, .start = 0, .end = OFFSET_MAX };
    struct file_lock_context *context = context_get(file->inode);
    struct file_lock *new_lock = type == F_UNLCK ? NULL : kmalloc(sizeof(*new_lock));
    if (!context || (type != F_UNLCK && !new_lock)) {
        context_put_if_empty(file->inode);
        return type == F_UNLCK ? 0 : -ENOMEM;
    }
    list_for_each(node, &context->flock) {
        if (lock_of(node)->owner != file)
            continue;
        if (lock_of(node)->type == type) {
            kfree(new_lock);
            return 0;
        }
        lock_delete(lock_of(node));
        break;
    }
    int error = type == F_UNLCK ? 0 : wait_for_no_conflict(file->inode, &request, wait);
    /* While this task slept, the context may have emptied and gone. */
    if (!error && type != F_UNLCK && !(context = context_get(file->inode)))
        error = -ENOMEM;
    if (error || type == F_UNLCK) {
        kfree(new_lock);
        context_put_if_empty(file->inode);
        return error == -EAGAIN ? -EWOULDBLOCK : error;
    }
    *new_lock = request;
    list_push_back(&context->flock, &new_lock->node);
    return 0;
}

static long sys_flock(uint64_t fd, uint64_t operation)
{
    /* Linux 6.1 accepts and ignores the obsolete LOCK_MAND, before anything else. */
    if (operation & LOCK_MAND)
        return 0;
    uint64_t kind = operation & ~(uint64_t)LOCK_NB;
    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
        return -EINVAL;
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result = -EBADF;   /* O_PATH: no lock of any kind */
    if (!(file->flags & O_PATH))
        result = flock_file(file, kind == LOCK_SH ? F_RDLCK : kind == LOCK_EX ? F_WRLCK : F_UNLCK,
                            !(operation & LOCK_NB));
    file_put(file);
    return result;
}
SYSCALL(__NR_flock, sys_flock);
