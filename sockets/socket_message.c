/*
 * Moving a message's data between its user iovecs and the kernel, and
 * building the control messages recvmsg returns (cmsg(3) layout).
 */
#include "socket.h"

/* Walks the iovecs from message->done on, copying length bytes either way. */
static int message_copy(struct socket_message *message, void *data, size_t length, bool out)
{
    size_t skip = message->done;
    uint8_t *bytes = data;
    for (size_t i = 0; i < message->iov_count && length; i++) {
        size_t size = message->iov[i].iov_len;
        if (skip >= size) {
            skip -= size;
            continue;
        }
        /* A user address, NULL among them: added as a number, since C
         * defines no arithmetic on a null pointer. */
        void *user = (void *)((uintptr_t)message->iov[i].iov_base + skip);
        size_t chunk = MIN(size - skip, length);
        skip = 0;
        if (out ? socket_copy_to_user(user, bytes, chunk) : socket_copy_from_user(bytes, user, chunk))
            return -EFAULT;
        bytes += chunk;
        length -= chunk;
        message->done += chunk;
    }
    return 0;
}

int socket_message_copy_out(struct socket_message *message, const void *data, size_t length)
{
    return message_copy(message, (void *)data, length, true);
}

int socket_message_copy_in(struct socket_message *message, void *data, size_t length)
{
    return message_copy(message, data, length, false);
}

/* struct cmsghdr on a 64-bit ABI: 8-byte length, level, type; data 8-aligned. */
struct control_header {
    uint64_t length;
    int32_t level, type;
};
#define CONTROL_ALIGN(x) ALIGN_UP((x), sizeof(uint64_t))

/*
 * Linux's put_cmsg: with no room for a header, only MSG_CTRUNC; with room
 * for part of the data, a header saying what was written and MSG_CTRUNC.
 * The space used is the aligned size, cut to the room left.
 */
void socket_message_control(struct socket_message *message, int level, int type,
                            const void *data, size_t length)
{
    size_t capacity = MIN(message->control_capacity, sizeof(message->control));
    size_t room = capacity - MIN(capacity, message->control_length);
    size_t full = sizeof(struct control_header) + length, written = full;
    if (room < sizeof(struct control_header)) {
        message->result_flags |= MSG_CTRUNC;
        return;
    }
    if (room < full) {
        message->result_flags |= MSG_CTRUNC;
        written = room;
    }
    struct control_header header = { .length = written, .level = level, .type = type };
    uint8_t *at = message->control + message->control_length;
    size_t space = MIN(CONTROL_ALIGN(full), room);
    memset(at, 0, space);
    memcpy(at, &header, sizeof(header));
    memcpy(at + sizeof(header), data, written - sizeof(header));
    message->control_length += space;
}
