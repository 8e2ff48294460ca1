/*
 * System V semaphores (semget(2), semop(2), semtimedop(2), semctl(2)).
 *
 * A semop's operations apply all together or not at all: they are applied
 * in order, each seeing the ones before, and taken back if one cannot be;
 * if one would block, the caller (unless
 * IPC_NOWAIT: EAGAIN) sleeps on the set's queue, recording that operation
 * for GETNCNT and GETZCNT, and tries the whole list again after every change
 * to the set.  SEM_UNDO operations add up, per process and set, what exit
 * must undo (semaphore_undo_exit); SETVAL and SETALL clear those sums.
 */
#include "ipc_internal.h"
#include <fs_internal.h>
#include <ipc.h>
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <linux/sem.h>

struct semaphore {
    int value;
    pid_t last_pid;                 /* GETPID: the last process to change it */
};

struct semaphore_set {
    struct ipc_object object;       /* first: the table holds these */
    int64_t operation_time, change_time;
    struct wait_queue queue;        /* semop sleepers; woken by any change */
    struct list_node waiters;       /* their struct semaphore_waiter, for GETNCNT/GETZCNT */
    size_t count;
    struct semaphore semaphores[];
};

/* A semop sleeping on a set, and the operation it waits for. */
struct semaphore_waiter {
    struct list_node node;
    struct sembuf blocking;
};

/* What one process's SEM_UNDO operations on one set add up to. */
struct semaphore_undo {
    struct list_node node;          /* on undo_list */
    struct process *process;
    struct semaphore_set *set;
    int adjustment[];               /* one per semaphore: added back at exit */
};

static struct list_node undo_list = LIST_HEAD_INIT(undo_list);

static void set_free(struct ipc_object *object) { kfree(object); }

static struct ipc_table semaphore_table = { .free = set_free };

static struct semaphore_set *set_of(int id)
{
    return (struct semaphore_set *)ipc_find(&semaphore_table, id);
}

static int set_create(uint64_t count, struct ipc_object **object)
{
    if (count == 0)
        return -EINVAL;
    struct semaphore_set *set = kzalloc(sizeof(*set) + count * sizeof(struct semaphore));
    if (!set)
        return -ENOMEM;
    set->count = count;
    set->change_time = ipc_now();
    wait_queue_init(&set->queue);
    list_init(&set->waiters);
    *object = &set->object;
    return 0;
}

static int set_check(struct ipc_object *object, uint64_t count)
{
    return count > ((struct semaphore_set *)object)->count ? -EINVAL : 0;
}

static long sys_semget(uint64_t key, uint64_t count, uint64_t flags)
{
    if ((int)count < 0 || (int)count > SEMMSL)
        return -EINVAL;
    return ipc_get(&semaphore_table, (int)key, (int)flags, (uint64_t)(int)count, set_create,
                   set_check);
}
SYSCALL(__NR_semget, sys_semget);

static struct semaphore_undo *undo_find(struct semaphore_set *set, struct process *process)
{
    list_for_each(node, &undo_list) {
        struct semaphore_undo *undo = container_of(node, struct semaphore_undo, node);
        if (undo->set == set && undo->process == process)
            return undo;
    }
    return NULL;
}

static struct semaphore_undo *undo_find_or_add(struct semaphore_set *set)
{
    struct semaphore_undo *undo = undo_find(set, current->process);
    if (undo)
        return undo;
    undo = kzalloc(sizeof(*undo) + set->count * sizeof(int));
    if (!undo)
        return NULL;
    undo->process = current->process;
    undo->set = set;
    list_push_back(&undo_list, &undo->node);
    return undo;
}

/* SETVAL and SETALL: "semadj values in all processes are cleared" (semctl(2)). */
static void undo_clear(struct semaphore_set *set, size_t first, size_t count)
{
    list_for_each(node, &undo_list) {
        struct semaphore_undo *undo = container_of(node, struct semaphore_undo, node);
        if (undo->set == set)
            memset(&undo->adjustment[first], 0, count * sizeof(int));
    }
}

static void undo_drop_set(struct semaphore_set *set)
{
    list_for_each_safe(node, &undo_list) {
        struct semaphore_undo *undo = container_of(node, struct semaphore_undo, node);
        if (undo->set == set) {
            list_remove(node);
            kfree(undo);
        }
    }
}

/* Takes back the first count operations, last first. */
static void revert_operations(struct semaphore_set *set, const struct sembuf *operations,
                              size_t count, struct semaphore_undo *undo)
{
    while (count-- > 0) {
        const struct sembuf *operation = &operations[count];
        set->semaphores[operation->sem_num].value -= operation->sem_op;
        if (operation->sem_flg & SEM_UNDO)
            undo->adjustment[operation->sem_num] += operation->sem_op;
    }
}

/*
 * Applies operations in order, each seeing the ones before it, or none of
 * them: 0 when all were applied, 1 when one must wait (*blocking is it),
 * -EAGAIN for that under IPC_NOWAIT, -ERANGE past SEMVMX or past SEMAEM
 * for an undo sum.
 */
static int try_operations(struct semaphore_set *set, const struct sembuf *operations, size_t count,
                          struct semaphore_undo *undo, struct sembuf *blocking)
{
    for (size_t i = 0; i < count; i++) {
        const struct sembuf *operation = &operations[i];
        struct semaphore *semaphore = &set->semaphores[operation->sem_num];
        int value = semaphore->value + operation->sem_op;
        int result = 0;
        if ((operation->sem_op == 0 && semaphore->value != 0) || value < 0) {
            *blocking = *operation;
            result = (operation->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
        } else if (value > SEMVMX) {
            result = -ERANGE;
        } else if (operation->sem_flg & SEM_UNDO) {
            int sum = undo->adjustment[operation->sem_num] - operation->sem_op;
            if (sum < -SEMAEM - 1 || sum > SEMAEM)
                result = -ERANGE;
            else
                undo->adjustment[operation->sem_num] = sum;
        }
        if (result) {
            revert_operations(set, operations, i, undo);
            return result;
        }
        semaphore->value = value;
    }
    for (size_t i = 0; i < count; i++)
        set->semaphores[operations[i].sem_num].last_pid = current->process->pid;
    set->operation_time = ipc_now();
    wake_up_all(&set->queue);
    return 0;
}

/* Sleeps on the set once; -EIDRM, -EAGAIN on timeout, -EINTR or 0 to try again. */
static int wait_for_change(struct semaphore_set *set, const struct sembuf *blocking,
                           uint64_t deadline, bool immediate)
{
    if (immediate)
        return -EAGAIN;     /* a zero timeout has already passed */
    struct semaphore_waiter waiter = { .blocking = *blocking };
    list_push_back(&set->waiters, &waiter.node);
    ipc_hold(&set->object);
    int error = wait_on(&set->queue, deadline);
    list_remove(&waiter.node);
    bool removed = set->object.removed;
    ipc_put(&semaphore_table, &set->object);
    if (removed)
        return -EIDRM;
    if (error == -ETIMEDOUT)
        return -EAGAIN;
    return error ? -EINTR : 0;     /* semop(2) is never restarted */
}

/* deadline: monotonic ns, 0 for none; immediate: a zero timeout. */
static long semaphore_operations(int id, const struct sembuf *operations, size_t count,
                                 uint64_t deadline, bool immediate)
{
    unsigned short highest = 0;
    bool undoing = false;
    for (size_t i = 0; i < count; i++) {
        highest = MAX(highest, operations[i].sem_num);
        undoing |= (operations[i].sem_flg & SEM_UNDO) != 0;
    }
    struct semaphore_set *set = set_of(id);
    if (!set)
        return -EINVAL;
    if (highest >= set->count)
        return -EFBIG;
    for (;;) {
        struct semaphore_undo *undo = undoing ? undo_find_or_add(set) : NULL;
        if (undoing && !undo)
            return -ENOMEM;
        struct sembuf blocking;
        int result = try_operations(set, operations, count, undo, &blocking);
        if (result <= 0)
            return result;
        if ((result = wait_for_change(set, &blocking, deadline, immediate)))
            return result;
    }
}

/*
 * Linux 6.1's order: the timeout is read first (EFAULT), the count checked,
 * the operations read, then the id and the timeout's value checked.
 */
static long sys_semtimedop(uint64_t id, uint64_t user_operations, uint64_t count,
                           uint64_t user_timeout)
{
    uint64_t deadline;
    bool immediate;
    long timeout_error = poll_read_timeout(user_timeout, &deadline, &immediate);
    if (timeout_error == -EFAULT)
        return timeout_error;
    if (count < 1)
        return -EINVAL;
    if (count > SEMOPM)
        return -E2BIG;
    struct sembuf *operations = kmalloc(count * sizeof(*operations));
    if (!operations)
        return -ENOMEM;
    long result;
    if (copy_from_user(operations, (void *)user_operations, count * sizeof(*operations)))
        result = -EFAULT;
    else if ((int)id < 0)
        result = -EINVAL;
    else if (timeout_error)
        result = timeout_error;
    else
        result = semaphore_operations((int)id, operations, count, deadline, immediate);
    kfree(operations);
    return result;
}
SYSCALL(__NR_semtimedop, sys_semtimedop);

static long sys_semop(uint64_t id, uint64_t user_operations, uint64_t count)
{
    return sys_semtimedop(id, user_operations, count, 0);
}
SYSCALL(__NR_semop, sys_semop);

static size_t count_waiting(struct semaphore_set *set, size_t n, bool for_zero)
{
    size_t count = 0;
    list_for_each(node, &set->waiters) {
        struct sembuf *blocking = &container_of(node, struct semaphore_waiter, node)->blocking;
        if (blocking->sem_num == n && (for_zero ? blocking->sem_op == 0 : blocking->sem_op < 0))
            count++;
    }
    return count;
}

static long set_status(struct semaphore_set *set, uint64_t user_buffer)
{
    struct semid64_ds status = { .sem_perm = set->object.permission,
                                 .sem_otime = set->operation_time,
                                 .sem_ctime = set->change_time,
                                 .sem_nsems = set->count };
    return copy_to_user((void *)user_buffer, &status, sizeof(status)) ? -EFAULT : 0;
}

static long set_all(struct semaphore_set *set, uint64_t user_values)
{
    unsigned short *values = kmalloc(set->count * sizeof(*values));
    if (!values)
        return -ENOMEM;
    long result = copy_from_user(values, (void *)user_values, set->count * sizeof(*values))
                      ? -EFAULT : 0;
    for (size_t i = 0; !result && i < set->count; i++)
        if (values[i] > SEMVMX)
            result = -ERANGE;
    for (size_t i = 0; !result && i < set->count; i++) {
        set->semaphores[i].value = values[i];
        set->semaphores[i].last_pid = current->process->pid;
    }
    if (!result) {
        undo_clear(set, 0, set->count);
        set->change_time = ipc_now();
        wake_up_all(&set->queue);
    }
    kfree(values);
    return result;
}

static long get_all(struct semaphore_set *set, uint64_t user_values)
{
    unsigned short *values = kmalloc(set->count * sizeof(*values));
    if (!values)
        return -ENOMEM;
    for (size_t i = 0; i < set->count; i++)
        values[i] = (unsigned short)set->semaphores[i].value;
    long result = copy_to_user((void *)user_values, values, set->count * sizeof(*values))
                      ? -EFAULT : 0;
    kfree(values);
    return result;
}

/* The commands on one semaphore: semnum is checked (EINVAL) first. */
static long one_semaphore(struct semaphore_set *set, int n, int command, uint64_t argument)
{
    if (n < 0 || (size_t)n >= set->count)
        return -EINVAL;
    struct semaphore *semaphore = &set->semaphores[n];
    switch (command) {
    case GETVAL:
        return semaphore->value;
    case GETPID:
        return semaphore->last_pid;
    case GETNCNT:
        return (long)count_waiting(set, (size_t)n, false);
    case GETZCNT:
        return (long)count_waiting(set, (size_t)n, true);
    default: {     /* SETVAL: the argument is the union's int */
        int value = (int)argument;
        if (value < 0 || value > SEMVMX)
            return -ERANGE;
        semaphore->value = value;
        semaphore->last_pid = current->process->pid;
        undo_clear(set, (size_t)n, 1);
        set->change_time = ipc_now();
        wake_up_all(&set->queue);
        return 0;
    }
    }
}

static long sys_semctl(uint64_t id, uint64_t semaphore_number, uint64_t command, uint64_t argument)
{
    if ((int)id < 0)
        return -EINVAL;
    switch ((int)command) {
    case IPC_STAT: case IPC_SET: case IPC_RMID: case GETALL: case SETALL:
    case GETVAL: case SETVAL: case GETPID: case GETNCNT: case GETZCNT:
        break;
    default:
        return -EINVAL;
    }
    struct ipc64_perm given;
    if ((int)command == IPC_SET &&
        copy_from_user(&given, &((struct semid64_ds *)argument)->sem_perm, sizeof(given)))
        return -EFAULT;
    struct semaphore_set *set = set_of((int)id);
    if (!set)
        return -EINVAL;
    switch ((int)command) {
    case IPC_STAT:
        return set_status(set, argument);
    case IPC_SET:
        ipc_set_permission(&set->object, &given);
        set->change_time = ipc_now();
        return 0;
    case IPC_RMID:
        undo_drop_set(set);
        wake_up_all(&set->queue);
        ipc_remove(&semaphore_table, &set->object);
        return 0;
    case GETALL:
        return get_all(set, argument);
    case SETALL:
        return set_all(set, argument);
    default:
        return one_semaphore(set, (int)semaphore_number, (int)command, argument);
    }
}
SYSCALL(__NR_semctl, sys_semctl);

void semaphore_undo_exit(struct process *process)
{
    list_for_each_safe(node, &undo_list) {
        struct semaphore_undo *undo = container_of(node, struct semaphore_undo, node);
        if (undo->process != process)
            continue;
        struct semaphore_set *set = undo->set;
        for (size_t i = 0; i < set->count; i++) {
            if (!undo->adjustment[i])
                continue;
            /* Linux clamps the result to 0 .. SEMVMX rather than wait or fail. */
            int value = set->semaphores[i].value + undo->adjustment[i];
            set->semaphores[i].value = MAX(0, MIN(value, SEMVMX));
            set->semaphores[i].last_pid = process->pid;
        }
        set->operation_time = ipc_now();
        wake_up_all(&set->queue);
        list_remove(node);
        kfree(undo);
    }
}
