/*
 * AF_UNIX messages: allocation and the send-buffer charge, queueing, and
 * the control data they carry (cmsg(3), unix(7)): SCM_RIGHTS descriptors,
 * whose files are referenced while in flight and installed by recvmsg, and
 * SCM_CREDENTIALS.  Control data is parsed as Linux's __scm_send and
 * delivered as its scm_recv / scm_detach_fds.
 */
#include "unix.h"

/* struct cmsghdr on a 64-bit ABI: 8-byte length, level, type; data 8-aligned. */
struct control_header {
    uint64_t length;
    int32_t level, type;
};
#define CONTROL_ALIGN(x) ALIGN_UP((x), sizeof(uint64_t))

struct unix_message *unix_message_new(struct unix_socket *sender, size_t length)
{
    struct unix_message *message = net_zalloc(sizeof(*message) + length);
    if (!message)
        return NULL;
    message->length = length;
    message->sender = sender;
    unix_get(sender);
    sender->send_queued += length;
    return message;
}

/* Puts files with net_lock dropped: a file's release may close a socket. */
static void in_flight_put(struct file **files, size_t count)
{
    if (!count)
        return;
    net_unlock();
    for (size_t i = 0; i < count; i++)
        socket_file_put(files[i]);
    net_lock();
}

void unix_control_drop(struct unix_control *control)
{
    in_flight_put(control->files, control->file_count);
    net_free(control->files);
    control->files = NULL;
    control->file_count = 0;
}

void unix_message_free(struct unix_message *message)
{
    struct unix_socket *sender = message->sender;
    if (message->embryo)
        unix_release(message->embryo);
    sender->send_queued -= message->length;
    if (sender->socket)
        socket_wake(sender->socket);
    unix_put(sender);
    unix_control_drop(&message->control);
    net_free(message);
}

void unix_message_queue(struct unix_socket *receiver, struct unix_message *message)
{
    list_push_back(&receiver->receive_queue, &message->node);
    receiver->receive_count++;
}

void unix_message_unqueue(struct unix_socket *receiver, struct unix_message *message)
{
    bool was_full = unix_receive_queue_full(receiver);
    list_remove(&message->node);
    receiver->receive_count--;
    if (was_full)
        unix_wake_senders(receiver);
}

void unix_queue_detach(struct unix_socket *receiver, struct list_node *detached)
{
    list_init(detached);
    while (!list_empty(&receiver->receive_queue)) {
        struct unix_message *message =
            container_of(receiver->receive_queue.next, struct unix_message, node);
        unix_message_unqueue(receiver, message);
        list_push_back(detached, &message->node);
    }
}

void unix_messages_free(struct list_node *detached)
{
    while (!list_empty(detached)) {
        struct unix_message *message = container_of(detached->next, struct unix_message, node);
        list_remove(&message->node);
        unix_message_free(message);
    }
}

void unix_control_move(struct unix_control *to, struct unix_control *from)
{
    *to = *from;
    from->files = NULL;
    from->file_count = 0;
}

/* SCM_RIGHTS: each descriptor's file, referenced (scm_fp_copy). */
static int rights_parse(const uint8_t *data, size_t length, struct unix_control *control)
{
    size_t count = length / sizeof(int32_t);
    if (!count)
        return 0;
    if (control->file_count + count > UNIX_MAX_FILES)
        return -EINVAL;
    if (!control->files) {
        control->files = net_alloc(UNIX_MAX_FILES * sizeof(struct file *));
        if (!control->files)
            return -ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        int32_t fd;
        memcpy(&fd, data + i * sizeof(fd), sizeof(fd));
        struct file *file = socket_file_of(fd);
        if (!file)
            return -EBADF;
        control->files[control->file_count++] = file;
    }
    return 0;
}

/* SCM_CREDENTIALS: the superuser may name any existing process, and any ids. */
static int credentials_parse(const uint8_t *data, size_t length, struct unix_control *control)
{
    struct unix_credentials credentials;
    if (length != sizeof(credentials))
        return -EINVAL;
    memcpy(&credentials, data, sizeof(credentials));
    if (!socket_process_exists(credentials.pid))
        return -ESRCH;
    if (credentials.uid == (uint32_t)-1 || credentials.gid == (uint32_t)-1)
        return -EINVAL;
    control->credentials = credentials;
    control->has_credentials = true;
    return 0;
}

int unix_control_parse(const struct socket_message *request, struct unix_control *control)
{
    const uint8_t *data = request->sent_control;
    size_t total = request->sent_control_length, at = 0;
    memset(control, 0, sizeof(*control));
    int error = 0;
    /* CMSG_FIRSTHDR / CMSG_NXTHDR: a header must fit whole, else the walk ends. */
    while (!error && total - at >= sizeof(struct control_header)) {
        struct control_header header;
        memcpy(&header, data + at, sizeof(header));
        if (header.length < sizeof(header) || header.length > total - at)
            error = -EINVAL;
        else if (header.level != SOL_SOCKET)
            ;
        else if (header.type == SCM_RIGHTS)
            error = rights_parse(data + at + sizeof(header), header.length - sizeof(header),
                                 control);
        else if (header.type == SCM_CREDENTIALS)
            error = credentials_parse(data + at + sizeof(header), header.length - sizeof(header),
                                      control);
        else
            error = -EINVAL;
        if (!error && CONTROL_ALIGN(header.length) >= total - at)
            break;
        at += CONTROL_ALIGN(header.length);
    }
    if (error)
        unix_control_drop(control);
    return error;
}

void unix_control_credit(struct unix_control *control, const struct unix_socket *sender,
                         const struct unix_socket *receiver)
{
    /* Linux's maybe_add_creds: an end not yet accepted counts as asking. */
    if (control->has_credentials ||
        !(sender->pass_credentials || receiver->pass_credentials || !receiver->socket))
        return;
    unix_current_credentials(&control->credentials);
    control->has_credentials = true;
}

void unix_credentials_deliver(struct socket_message *reply, const struct unix_control *from)
{
    struct unix_credentials credentials = { 0, 65534, 65534 };
    if (from->has_credentials)
        credentials = from->credentials;
    socket_message_control(reply, SOL_SOCKET, SCM_CREDENTIALS, &credentials, sizeof(credentials));
}

/*
 * scm_detach_fds: as many descriptors as the room left allows, installed
 * now; MSG_CTRUNC when some did not fit.  The header says how many went in;
 * the space used is its aligned size, cut to the room left.
 */
void unix_rights_deliver(struct unix_control *control, bool peek, struct socket_message *reply)
{
    if (!control->file_count)
        return;
    size_t capacity = MIN(reply->control_capacity, sizeof(reply->control));
    size_t room = capacity - MIN(capacity, reply->control_length);
    size_t fit = room > sizeof(struct control_header)
                     ? (room - sizeof(struct control_header)) / sizeof(int32_t) : 0;
    size_t wanted = MIN(fit, control->file_count), installed = 0;
    uint8_t *at = reply->control + reply->control_length;
    bool close_on_exec = reply->flags & MSG_CMSG_CLOEXEC;
    for (; installed < wanted; installed++) {
        struct file *file = control->files[installed];
        socket_file_get(file);
        int fd = socket_file_install(file, close_on_exec);
        if (fd < 0) {
            in_flight_put(&file, 1);
            break;
        }
        memcpy(at + sizeof(struct control_header) + installed * sizeof(int32_t), &fd, sizeof(fd));
    }
    if (installed) {
        struct control_header header = {
            .length = sizeof(header) + installed * sizeof(int32_t),
            .level = SOL_SOCKET, .type = SCM_RIGHTS,
        };
        memcpy(at, &header, sizeof(header));
        reply->control_length += MIN(CONTROL_ALIGN(header.length), room);
    }
    if (installed < control->file_count || (control->file_count && !fit))
        reply->result_flags |= MSG_CTRUNC;
    if (!peek)
        unix_control_drop(control);
}
