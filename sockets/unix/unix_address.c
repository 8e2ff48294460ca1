/*
 * AF_UNIX names (unix(7)): a path, which bind makes a socket inode in the
 * file system; an abstract name (sun_path[0] == 0), which lives only while
 * its socket does and is per socket type, as Linux hashes it; or an
 * autobind name ("\0" and five hex digits).
 */
#include "unix.h"

int unix_address_check(const void *address, size_t length)
{
    uint16_t family;
    if (length < UNIX_PATH_OFFSET || length > UNIX_SOCKADDR_SIZE)
        return -EINVAL;
    memcpy(&family, address, sizeof(family));
    return family == AF_UNIX ? 0 : -EINVAL;
}

/*
 * The name a checked address gives: a path ends at its first NUL or at the
 * address's end and is reported with one NUL (Linux's unix_mkname_bsd); an
 * abstract name is all length bytes.
 */
static void unix_name(const void *address, size_t length, struct unix_address *name)
{
    const uint8_t *bytes = address;
    memset(name, 0, sizeof(*name));
    if (bytes[UNIX_PATH_OFFSET]) {
        size_t path_length = strnlen((const char *)bytes + UNIX_PATH_OFFSET,
                                     length - UNIX_PATH_OFFSET);
        memcpy(name->bytes, bytes, UNIX_PATH_OFFSET + path_length);
        name->length = UNIX_PATH_OFFSET + path_length + 1;
    } else {
        memcpy(name->bytes, bytes, length);
        name->length = length;
    }
}

static bool is_abstract(const struct unix_address *name)
{
    return name->length > UNIX_PATH_OFFSET && !name->bytes[UNIX_PATH_OFFSET];
}

/* The live socket of this type bound to an abstract name, or NULL. */
static struct unix_socket *abstract_owner(const struct unix_address *name, int type)
{
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *owner = container_of(node, struct unix_socket, all_node);
        if (owner->bound && !owner->closed && owner->type == type &&
            owner->address.length == name->length && !memcmp(owner->address.bytes, name->bytes, name->length))
            return owner;
    }
    return NULL;
}

void unix_address_report(const struct unix_socket *unix_socket, void *address, size_t *length)
{
    if (!unix_socket->address.length) {
        /* Unnamed: sa_family alone (Linux's unix_getname). */
        uint16_t family = AF_UNIX;
        memcpy(address, &family, sizeof(family));
        *length = sizeof(family);
        return;
    }
    memcpy(address, unix_socket->address.bytes, unix_socket->address.length);
    *length = unix_socket->address.length;
}

void unix_address_source(const struct unix_socket *sender, struct socket_message *message)
{
    if (!sender->address.length)
        return;
    memcpy(message->address, sender->address.bytes, sender->address.length);
    message->address_length = sender->address.length;
}

int unix_autobind(struct unix_socket *unix_socket)
{
    static uint32_t next_number;
    if (unix_socket->address.length)
        return 0;
    struct unix_address name = { .length = UNIX_PATH_OFFSET + 6 };
    uint16_t family = AF_UNIX;
    memcpy(name.bytes, &family, sizeof(family));
    for (uint32_t tries = 0; tries <= 0xFFFFF; tries++) {
        next_number = (next_number + 1) & 0xFFFFF;
        char digits[8];
        snprintf(digits, sizeof(digits), "%05x", next_number);
        memcpy(name.bytes + UNIX_PATH_OFFSET + 1, digits, 5);
        if (!abstract_owner(&name, unix_socket->type)) {
            unix_socket->address = name;
            unix_socket->bound = true;
            return 0;
        }
    }
    return -ENOSPC;
}

/*
 * Makes the socket node (Linux's unix_bind_bsd): an existing name is
 * EADDRINUSE; a socket already bound gets EINVAL and its new node removed
 * again, in Linux's order.
 */
static int bind_path(struct unix_socket *unix_socket, const struct unix_address *name)
{
    const char *path = (const char *)name->bytes + UNIX_PATH_OFFSET;
    struct inode *node;
    int error = socket_path_make(path, &node);
    if (error)
        return error;
    if (unix_socket->address.length) {
        socket_path_remove(path, node);
        return -EINVAL;
    }
    unix_socket->path_inode = node;
    unix_socket->address = *name;
    unix_socket->bound = true;
    return 0;
}

int unix_bind(struct socket *socket, const void *address, size_t length)
{
    struct unix_socket *unix_socket = unix_of(socket);
    uint16_t family = 0;
    if (length >= sizeof(family))
        memcpy(&family, address, sizeof(family));
    if (length == UNIX_PATH_OFFSET && family == AF_UNIX)
        return unix_autobind(unix_socket);
    int error = unix_address_check(address, length);
    if (error)
        return error;
    struct unix_address name;
    unix_name(address, length, &name);
    if (!is_abstract(&name))
        return bind_path(unix_socket, &name);
    if (unix_socket->address.length)
        return -EINVAL;
    if (abstract_owner(&name, unix_socket->type))
        return -EADDRINUSE;
    unix_socket->address = name;
    unix_socket->bound = true;
    return 0;
}

/*
 * Linux's unix_find_other: a path must name a socket inode with a live
 * socket bound to it (else ECONNREFUSED) of the same type (else
 * EPROTOTYPE); an abstract name must be bound by a socket of this type.
 */
int unix_find(const void *address, size_t length, int type, struct unix_socket **found)
{
    struct unix_address name;
    unix_name(address, length, &name);
    if (is_abstract(&name)) {
        struct unix_socket *owner = abstract_owner(&name, type);
        if (!owner)
            return -ECONNREFUSED;
        unix_get(owner);
        *found = owner;
        return 0;
    }
    struct inode *inode;
    int error = socket_path_find((const char *)name.bytes + UNIX_PATH_OFFSET, &inode);
    if (error)
        return error;
    struct unix_socket *owner = NULL;
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *candidate = container_of(node, struct unix_socket, all_node);
        if (candidate->bound && !candidate->closed && candidate->path_inode == inode) {
            owner = candidate;
            break;
        }
    }
    socket_path_put(inode);
    if (!owner)
        return -ECONNREFUSED;
    if (owner->type != type)
        return -EPROTOTYPE;
    unix_get(owner);
    *found = owner;
    return 0;
}
