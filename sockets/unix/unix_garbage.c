/*
 * Garbage collection of AF_UNIX sockets in flight (Linux's unix_gc, the
 * algorithm of net/unix/garbage.c up to 6.9).  A socket's open file sent
 * with SCM_RIGHTS is referenced by the message until the receiver takes it.
 * When every reference to a socket's file is such a message, no process can
 * reach the socket but by reading those messages; if they all wait on the
 * queues of sockets in the same state (a socket sent over itself, two ends
 * of a pair sent over each other, then closed), nothing ever will, and the
 * sockets would live forever.  The collector finds them and drops the
 * messages that carry files from their queues; the files' last references
 * go, and the sockets close as any socket does.
 *
 * As on Linux it runs when an AF_UNIX socket closes, so garbage made by
 * closing descriptors is collected at the next close of any AF_UNIX socket,
 * and from sendmsg: Linux once 16 000 files are in flight, here on every
 * UNIX_GC_SENDS-th sendmsg with control data (a count needs no bookkeeping
 * of files in flight), so a program that makes cycles and never lets an
 * AF_UNIX socket close holds at most that many sends' worth.
 */
#include "unix.h"

/* The AF_UNIX socket behind a file in flight, or NULL (another kind of file). */
static struct unix_socket *unix_of_file(struct file *file)
{
    struct socket *socket = socket_file_socket(file);
    return socket && socket->ops == &unix_socket_operations ? unix_of(socket) : NULL;
}

/*
 * Calls visit for each AF_UNIX socket whose file a message queued on owner
 * carries; a listener's queue holds its pending connections, whose own
 * queues (data the connector sent before accept) count as the listener's.
 */
static void for_each_child(struct unix_socket *owner,
                           void (*visit)(struct unix_socket *child, bool *changed), bool *changed)
{
    list_for_each(node, &owner->receive_queue) {
        struct unix_message *message = container_of(node, struct unix_message, node);
        for (size_t i = 0; i < message->control.file_count; i++) {
            struct unix_socket *child = unix_of_file(message->control.files[i]);
            if (child)
                visit(child, changed);
        }
        if (message->embryo)
            for_each_child(message->embryo, visit, changed);
    }
}

static void count_in_flight(struct unix_socket *child, bool *changed)
{
    child->garbage_in_flight++;
}

/* A socket a live one's queue holds is live, and so is all it holds. */
static void keep_alive(struct unix_socket *child, bool *changed)
{
    if (child->garbage) {
        child->garbage = false;
        *changed = true;
    }
}

/* An embryo is its listener's: it is scanned through the listener's queue. */
static bool is_embryo(const struct unix_socket *unix_socket)
{
    return !unix_socket->socket && !unix_socket->closed;
}

/* Moves owner's messages that carry files (and its embryos' too) to hit_list. */
static void take_files_messages(struct unix_socket *owner, struct list_node *hit_list)
{
    struct list_node *node = owner->receive_queue.next;
    while (node != &owner->receive_queue) {
        struct unix_message *message = container_of(node, struct unix_message, node);
        node = node->next;
        if (message->embryo)
            take_files_messages(message->embryo, hit_list);
        if (message->control.file_count) {
            unix_message_unqueue(owner, message);
            list_push_back(hit_list, &message->node);
        }
    }
}

void unix_collect_garbage_now_and_then(void)
{
    static unsigned sends;
    if (++sends % UNIX_GC_SENDS == 0)
        unix_collect_garbage();
}

void unix_collect_garbage(void)
{
    static bool collecting;
    if (collecting)
        return;               /* a socket the collection closes calls back here */
    bool any = false, changed = false;
    list_for_each(node, &unix_all_sockets)
        container_of(node, struct unix_socket, all_node)->garbage_in_flight = 0;
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *owner = container_of(node, struct unix_socket, all_node);
        if (!owner->closed && !is_embryo(owner))
            for_each_child(owner, count_in_flight, &changed);
    }
    /* Candidates: every reference to the socket's file is a queued message. */
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *unix_socket = container_of(node, struct unix_socket, all_node);
        unix_socket->garbage = unix_socket->socket && unix_socket->garbage_in_flight &&
                               unix_socket->garbage_in_flight ==
                                   socket_file_references(unix_socket->socket);
        any |= unix_socket->garbage;
    }
    if (!any)
        return;
    /* What a live socket (a process holds it, or a live socket's queue) holds is live. */
    do {
        changed = false;
        list_for_each(node, &unix_all_sockets) {
            struct unix_socket *owner = container_of(node, struct unix_socket, all_node);
            if (!owner->garbage && !owner->closed && !is_embryo(owner))
                for_each_child(owner, keep_alive, &changed);
        }
    } while (changed);
    struct list_node hit_list;
    list_init(&hit_list);
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *unix_socket = container_of(node, struct unix_socket, all_node);
        if (unix_socket->garbage)
            take_files_messages(unix_socket, &hit_list);
    }
    /* Freeing puts the files (net_lock dropped), and the sockets close. */
    collecting = true;
    unix_messages_free(&hit_list);
    collecting = false;
}
