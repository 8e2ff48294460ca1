/*
 * System V message queues (msgget(2), msgsnd(2), msgrcv(2), msgctl(2)).
 *
 * A queue is a list of typed messages in the order sent.  A sender waits
 * while the message would take the queue past msg_qbytes bytes (or
 * messages); a receiver waits until a message of the type asked for is
 * there.  Both sleep on the queue's one wait queue, which every change
 * wakes, and look again; IPC_RMID wakes them to answer EIDRM.
 */
#include "ipc_internal.h"
#include <page.h>
#include <signal.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <wait.h>
#include <linux/msg.h>

struct message {
    struct list_node node;          /* on queue->messages */
    long type;                      /* >= 1 */
    size_t size;
    char text[];
};

struct message_queue {
    struct ipc_object object;       /* first: the table holds these */
    struct list_node messages;
    size_t bytes, count;            /* msg_cbytes, msg_qnum */
    size_t byte_limit;              /* msg_qbytes */
    pid_t last_sender, last_receiver;
    int64_t send_time, receive_time, change_time;
    struct wait_queue queue;        /* senders and receivers */
};

static void queue_free(struct ipc_object *object)
{
    struct message_queue *queue = (struct message_queue *)object;
    list_for_each_safe(node, &queue->messages) {
        list_remove(node);
        kfree(container_of(node, struct message, node));
    }
    kfree(queue);
}

static struct ipc_table queue_table = { .free = queue_free };

static struct message_queue *queue_of(int id)
{
    return (struct message_queue *)ipc_find(&queue_table, id);
}

static int queue_create(uint64_t unused, struct ipc_object **object)
{
    (void)unused;
    struct message_queue *queue = kzalloc(sizeof(*queue));
    if (!queue)
        return -ENOMEM;
    list_init(&queue->messages);
    wait_queue_init(&queue->queue);
    queue->byte_limit = MSGMNB;
    queue->change_time = ipc_now();
    *object = &queue->object;
    return 0;
}

static long sys_msgget(uint64_t key, uint64_t flags)
{
    return ipc_get(&queue_table, (int)key, (int)flags, 0, queue_create, NULL);
}
SYSCALL(__NR_msgget, sys_msgget);

/*
 * Sleeps on the queue once: 0 to look again, -EIDRM, or for a signal
 * -ERESTARTNOHAND (Linux's: restarted only when no handler ran).
 */
static int wait_for_change(struct message_queue *queue)
{
    ipc_hold(&queue->object);
    int error = wait_on(&queue->queue, 0);
    bool removed = queue->object.removed;
    ipc_put(&queue_table, &queue->object);
    if (removed)
        return -EIDRM;
    return error ? -ERESTARTNOHAND : 0;
}

static bool fits(const struct message_queue *queue, size_t size)
{
    /* Linux also counts each message as a byte, so that empty ones are bounded. */
    return queue->bytes + size <= queue->byte_limit && queue->count + 1 <= queue->byte_limit;
}

static long sys_msgsnd(uint64_t id, uint64_t user_message, uint64_t size, uint64_t flags)
{
    long type;
    if (GET_USER(type, (long *)user_message))
        return -EFAULT;
    if (size > MSGMAX || (int)id < 0)
        return -EINVAL;
    if (type < 1)
        return -EINVAL;
    struct message *message = kmalloc(sizeof(*message) + size);
    if (!message)
        return -ENOMEM;
    message->type = type;
    message->size = size;
    if (copy_from_user(message->text, (char *)user_message + sizeof(long), size)) {
        kfree(message);
        return -EFAULT;
    }
    struct message_queue *queue = queue_of((int)id);
    int error = queue ? 0 : -EINVAL;
    while (!error && !fits(queue, size))
        error = (flags & IPC_NOWAIT) ? -EAGAIN : wait_for_change(queue);
    if (error) {
        kfree(message);
        return error;
    }
    list_push_back(&queue->messages, &message->node);
    queue->bytes += size;
    queue->count++;
    queue->last_sender = current->process->pid;
    queue->send_time = ipc_now();
    wake_up_all(&queue->queue);
    return 0;
}
SYSCALL(__NR_msgsnd, sys_msgsnd);

/*
 * The message msgrcv(2) takes: with type 0 the first; with type > 0 the
 * first of that type (of another type under MSG_EXCEPT); with type < 0 the
 * first of the lowest type not above -type.
 */
static struct message *find_message(struct message_queue *queue, long type, int flags)
{
    struct message *lowest = NULL;
    list_for_each(node, &queue->messages) {
        struct message *message = container_of(node, struct message, node);
        if (type == 0)
            return message;
        if (type > 0 && ((message->type == type) != ((flags & MSG_EXCEPT) != 0)))
            return message;
        if (type < 0 && message->type <= -type && (!lowest || message->type < lowest->type))
            lowest = message;
    }
    return lowest;
}

/* Copies message out as struct msgbuf, its text cut to size: the bytes copied or -EFAULT. */
static long store_message(uint64_t user_message, const struct message *message, size_t size)
{
    size = MIN(size, message->size);
    if (PUT_USER(message->type, (long *)user_message) ||
        copy_to_user((char *)user_message + sizeof(long), message->text, size))
        return -EFAULT;
    return (long)size;
}

static long sys_msgrcv(uint64_t id, uint64_t user_message, uint64_t size, uint64_t type,
                       uint64_t flags)
{
    if ((int)id < 0 || (long)size < 0)
        return -EINVAL;
    struct message_queue *queue = queue_of((int)id);
    if (!queue)
        return -EINVAL;
    struct message *message;
    while (!(message = find_message(queue, (long)type, (int)flags))) {
        if (flags & IPC_NOWAIT)
            return -ENOMSG;
        int error = wait_for_change(queue);
        if (error)
            return error;
    }
    if (size < message->size && !(flags & MSG_NOERROR))
        return -E2BIG;
    list_remove(&message->node);
    queue->bytes -= message->size;
    queue->count--;
    queue->last_receiver = current->process->pid;
    queue->receive_time = ipc_now();
    wake_up_all(&queue->queue);
    long result = store_message(user_message, message, size);
    kfree(message);
    return result;
}
SYSCALL(__NR_msgrcv, sys_msgrcv);

static long queue_status(struct message_queue *queue, uint64_t user_buffer)
{
    struct msqid64_ds status = { .msg_perm = queue->object.permission,
                                 .msg_stime = queue->send_time,
                                 .msg_rtime = queue->receive_time,
                                 .msg_ctime = queue->change_time,
                                 .msg_cbytes = queue->bytes,
                                 .msg_qnum = queue->count,
                                 .msg_qbytes = queue->byte_limit,
                                 .msg_lspid = queue->last_sender,
                                 .msg_lrpid = queue->last_receiver };
    return copy_to_user((void *)user_buffer, &status, sizeof(status)) ? -EFAULT : 0;
}

static long sys_msgctl(uint64_t id, uint64_t command, uint64_t user_buffer)
{
    if ((int)command < 0 || (int)id < 0)
        return -EINVAL;
    if ((int)command != IPC_STAT && (int)command != IPC_SET && (int)command != IPC_RMID)
        return -EINVAL;
    struct msqid64_ds given;
    if ((int)command == IPC_SET && copy_from_user(&given, (void *)user_buffer, sizeof(given)))
        return -EFAULT;
    struct message_queue *queue = queue_of((int)id);
    if (!queue)
        return -EINVAL;
    switch ((int)command) {
    case IPC_STAT:
        return queue_status(queue, user_buffer);
    case IPC_SET:
        /* Raising msg_qbytes past MSGMNB needs CAP_SYS_RESOURCE, which everyone has here. */
        queue->byte_limit = given.msg_qbytes;
        ipc_set_permission(&queue->object, &given.msg_perm);
        queue->change_time = ipc_now();
        wake_up_all(&queue->queue);
        return 0;
    default:    /* IPC_RMID */
        wake_up_all(&queue->queue);
        ipc_remove(&queue_table, &queue->object);
        return 0;
    }
}
SYSCALL(__NR_msgctl, sys_msgctl);
