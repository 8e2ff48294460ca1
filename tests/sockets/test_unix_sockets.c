/*
 * Host unit tests of AF_UNIX (sockets/unix/), built with the rest of
 * sockets/ over the host's side of the sockets' port
 * (netif/host/socket_host.h): a test calls the operations as the system
 * calls do, on sockets that are the descriptors of the host's one process.
 * A test runs holding net_lock, as a system call does (net_test.h), and
 * drops it to create and to close, as socket(2) and close(2) run without
 * it.  The answers are Linux's (unix(7), cmsg(3),
 * net/unix/af_unix.c); t_socket_unix checks the same ones in the guest
 * against Linux.  The last tests are about sockets in flight: a socket's
 * file sent with SCM_RIGHTS lives while a message carries it, and sockets
 * only their own messages carry are collected (Linux's unix_gc).
 */
#include "tests/host/net_test.h"
#include "sockets/socket.h"
#include "sockets/unix/unix.h"
#include "netif/host/socket_host.h"

#define CONTROL_HEADER 16     /* struct cmsghdr on a 64-bit ABI */
enum { LEVEL_SOCKET = 1, TYPE_RIGHTS = 1 };

static uint8_t user_memory[8192];   /* the process's memory: every iovec points here */
static size_t baseline_bytes;

static void setup(void)
{
    stack_setup();
    socket_host_user_memory(user_memory, sizeof(user_memory));
    socket_host_wait_budget(0);   /* a call that would block is "interrupted" */
    baseline_bytes = net_host_allocated_bytes();
}

/* Everything the test made is gone: sockets, files, path nodes, memory. */
static void check_all_freed(void)
{
    CHECK_EQUAL(sockets_open(), 0);
    CHECK_EQUAL(socket_host_files(), 0);
    CHECK_EQUAL(socket_host_paths(), 0);
    CHECK_EQUAL(net_host_allocated_bytes(), baseline_bytes);
}

static struct socket *at(int fd)
{
    struct socket *socket = socket_host_socket(fd);
    CHECK(socket != NULL);
    return socket;
}

static int open_unix(int type)
{
    struct socket *socket;
    net_unlock();
    int error = socket_create(AF_UNIX, type, 0, &socket);
    net_lock();
    CHECK_EQUAL(error, 0);
    int fd = socket_host_open(socket);
    CHECK(fd >= 0);
    return fd;
}

static void open_pair(int type, int fds[2])
{
    fds[0] = open_unix(type);
    fds[1] = open_unix(type);
    CHECK_EQUAL(at(fds[0])->ops->socketpair(at(fds[0]), at(fds[1])), 0);
}

/* A sockaddr_un of a path (with its NUL) or, with a leading '@', an abstract name. */
static size_t unix_address(const char *name, uint8_t *address)
{
    size_t length = strlen(name);
    memset(address, 0, SOCKET_ADDRESS_MAX);
    address[0] = AF_UNIX;
    memcpy(address + 2, name, length);
    if (name[0] == '@') {
        address[2] = 0;
        return 2 + length;
    }
    return 2 + length + 1;
}

static int bind_to(int fd, const char *name)
{
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = unix_address(name, address);
    return at(fd)->ops->bind(at(fd), address, length);
}

static int connect_to(int fd, const char *name)
{
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = unix_address(name, address);
    return at(fd)->ops->connect(at(fd), address, length);
}

/* sendmsg of text with SCM_RIGHTS for the count descriptors of rights (none: no control). */
static long send_text(int fd, const char *text, const int32_t *rights, size_t count)
{
    static uint8_t control[CONTROL_HEADER + 8 * sizeof(int32_t)];
    struct iovec iov = { user_memory, strlen(text) };
    memcpy(user_memory, text, iov.iov_len);
    struct socket_message message = { .iov = &iov, .iov_count = 1, .length = iov.iov_len,
                                      .flags = MSG_DONTWAIT };
    if (count) {
        uint64_t length = CONTROL_HEADER + count * sizeof(int32_t);
        int32_t level = LEVEL_SOCKET, type = TYPE_RIGHTS;
        memcpy(control, &length, 8);
        memcpy(control + 8, &level, 4);
        memcpy(control + 12, &type, 4);
        memcpy(control + CONTROL_HEADER, rights, count * sizeof(int32_t));
        message.sent_control = control;
        message.sent_control_length = length;
    }
    return at(fd)->ops->sendmsg(at(fd), &message);
}

/* recvmsg into the second half of user memory with control_room bytes of control room. */
static long receive(int fd, struct socket_message *message, size_t control_room)
{
    static struct iovec iov;
    iov = (struct iovec){ user_memory + sizeof(user_memory) / 2, sizeof(user_memory) / 2 };
    *message = (struct socket_message){ .iov = &iov, .iov_count = 1, .length = iov.iov_len,
                                        .flags = MSG_DONTWAIT, .control_capacity = control_room };
    return at(fd)->ops->recvmsg(at(fd), message);
}

static const uint8_t *received(void) { return user_memory + sizeof(user_memory) / 2; }

/* The descriptors an SCM_RIGHTS control message gave: its count, each in fds. */
static size_t received_rights(const struct socket_message *message, int32_t *fds)
{
    uint64_t length;
    int32_t level, type;
    if (message->control_length < CONTROL_HEADER)
        return 0;
    memcpy(&length, message->control, 8);
    memcpy(&level, message->control + 8, 4);
    memcpy(&type, message->control + 12, 4);
    CHECK_EQUAL(level, LEVEL_SOCKET);
    CHECK_EQUAL(type, TYPE_RIGHTS);
    size_t count = (length - CONTROL_HEADER) / sizeof(int32_t);
    memcpy(fds, message->control + CONTROL_HEADER, count * sizeof(int32_t));
    return count;
}

static void close_fd(int fd)
{
    net_unlock();
    socket_host_close(fd);
    net_lock();
}

/* What closing any AF_UNIX socket does besides: runs the collector. */
static void close_some_unix_socket(void)
{
    close_fd(open_unix(SOCK_DGRAM));
}

static void test_unix_stream_pair_carries_bytes_both_ways(void)
{
    setup();
    int pair[2];
    open_pair(SOCK_STREAM, pair);
    struct socket_message message;
    CHECK_EQUAL(send_text(pair[0], "hello", NULL, 0), 5);
    CHECK_EQUAL(send_text(pair[1], "back", NULL, 0), 4);
    CHECK_EQUAL(receive(pair[1], &message, 0), 5);
    CHECK_BYTES(received(), "hello", 5);
    CHECK_EQUAL(receive(pair[0], &message, 0), 4);
    CHECK_BYTES(received(), "back", 4);
    /* Nothing more: a non-blocking read is EAGAIN; after the peer's close, end of file. */
    CHECK_EQUAL(receive(pair[0], &message, 0), -EAGAIN);
    close_fd(pair[1]);
    CHECK_EQUAL(receive(pair[0], &message, 0), 0);
    CHECK_EQUAL(send_text(pair[0], "x", NULL, 0), -EPIPE);
    CHECK_EQUAL(socket_host_broken_pipes(), 1);
    close_fd(pair[0]);
    check_all_freed();
}

/* unix(7), bind: EADDRINUSE for a name that exists; EINVAL for a socket already bound. */
static void test_unix_bind_path_in_use_and_bound_twice(void)
{
    setup();
    int first = open_unix(SOCK_STREAM), second = open_unix(SOCK_STREAM);
    CHECK_EQUAL(bind_to(first, "s0"), 0);
    CHECK_EQUAL(bind_to(second, "s0"), -EADDRINUSE);
    CHECK_EQUAL(bind_to(first, "s1"), -EINVAL);
    /* The second bind's node was removed again: s1 is free. */
    CHECK_EQUAL(bind_to(second, "s1"), 0);
    CHECK_EQUAL(bind_to(open_unix(SOCK_STREAM), "@abstract"), 0);
    CHECK_EQUAL(bind_to(open_unix(SOCK_STREAM), "@abstract"), -EADDRINUSE);
    for (int fd = 0; fd < SOCKET_HOST_DESCRIPTORS; fd++)
        close_fd(fd);
    /* A closed socket's path stays in the file system (until unlinked). */
    CHECK_EQUAL(socket_host_paths(), 2);
    socket_host_unlink_all();
    check_all_freed();
}

/* Linux's unix_find_other: no name ENOENT, a name nobody listens on
 * ECONNREFUSED, another type EPROTOTYPE. */
static void test_unix_connect_errors_name_the_cause(void)
{
    setup();
    int server = open_unix(SOCK_STREAM), client = open_unix(SOCK_DGRAM);
    CHECK_EQUAL(connect_to(client, "missing"), -ENOENT);
    CHECK_EQUAL(bind_to(server, "s0"), 0);
    CHECK_EQUAL(connect_to(client, "s0"), -EPROTOTYPE);
    close_fd(server);
    CHECK_EQUAL(connect_to(client, "s0"), -ECONNREFUSED);
    close_fd(client);
    socket_host_unlink_all();
    check_all_freed();
}

static void test_unix_listener_accepts_a_connection_made_before_accept(void)
{
    setup();
    int listener = open_unix(SOCK_STREAM), client = open_unix(SOCK_STREAM);
    CHECK_EQUAL(bind_to(listener, "s0"), 0);
    CHECK_EQUAL(at(listener)->ops->listen(at(listener), 1), 0);
    CHECK_EQUAL(connect_to(client, "s0"), 0);
    /* Connected at once: the data waits on the server's end until accept. */
    CHECK_EQUAL(send_text(client, "early", NULL, 0), 5);
    struct socket *accepted;
    CHECK_EQUAL(at(listener)->ops->accept(at(listener), &accepted, 0), 0);
    int server = socket_host_open(accepted);
    struct socket_message message;
    CHECK_EQUAL(receive(server, &message, 0), 5);
    CHECK_BYTES(received(), "early", 5);
    close_fd(client);
    close_fd(server);
    close_fd(listener);
    socket_host_unlink_all();
    check_all_freed();
}

/* cmsg(3), unix(7): SCM_RIGHTS gives the receiver a new descriptor of the same open file. */
static void test_unix_rights_give_the_receiver_the_same_socket(void)
{
    setup();
    int pair[2];
    open_pair(SOCK_STREAM, pair);
    int32_t passed = open_unix(SOCK_DGRAM), got[8];
    struct socket *socket = at(passed);
    CHECK_EQUAL(send_text(pair[0], "f", &passed, 1), 1);
    struct socket_message message;
    CHECK_EQUAL(receive(pair[1], &message, 64), 1);
    CHECK_EQUAL(received_rights(&message, got), 1);
    CHECK_EQUAL(got[0], 3);                      /* the lowest free descriptor */
    CHECK(at(got[0]) == socket);
    CHECK_EQUAL(message.result_flags & MSG_CTRUNC, 0);
    /* Two descriptors, one open file: the socket lives until both close. */
    close_fd(passed);
    CHECK_EQUAL(sockets_open(), 3);
    close_fd(got[0]);
    CHECK_EQUAL(sockets_open(), 2);
    close_fd(pair[0]);
    close_fd(pair[1]);
    check_all_freed();
}

/* scm_detach_fds: no room for the descriptor: MSG_CTRUNC, and the file is dropped. */
static void test_unix_rights_without_control_room_are_cut(void)
{
    setup();
    int pair[2];
    open_pair(SOCK_DGRAM, pair);
    int32_t passed = open_unix(SOCK_DGRAM);
    CHECK_EQUAL(send_text(pair[0], "f", &passed, 1), 1);
    close_fd(passed);
    CHECK_EQUAL(sockets_open(), 3);              /* the message holds it */
    struct socket_message message;
    CHECK_EQUAL(receive(pair[1], &message, 0), 1);
    CHECK(message.result_flags & MSG_CTRUNC);
    CHECK_EQUAL(sockets_open(), 2);
    close_fd(pair[0]);
    close_fd(pair[1]);
    check_all_freed();
}

/* A socket whose file is in flight lives until the message goes with its receiver. */
static void test_unix_socket_in_flight_closes_with_its_receiver(void)
{
    setup();
    int pair[2];
    open_pair(SOCK_STREAM, pair);
    int32_t passed = open_unix(SOCK_STREAM);
    CHECK_EQUAL(send_text(pair[0], "f", &passed, 1), 1);
    close_fd(passed);
    close_some_unix_socket();                    /* the collector keeps it: pair[1] is open */
    CHECK_EQUAL(sockets_open(), 3);
    close_fd(pair[1]);
    CHECK_EQUAL(sockets_open(), 1);
    close_fd(pair[0]);
    check_all_freed();
}

/* Each end of a pair sent over the other, then closed: only the collector can free them. */
static void test_unix_cycle_of_sockets_in_flight_is_collected(void)
{
    setup();
    int32_t pair[2];
    open_pair(SOCK_STREAM, pair);
    CHECK_EQUAL(send_text(pair[0], "a", &pair[0], 1), 1);
    CHECK_EQUAL(send_text(pair[1], "b", &pair[1], 1), 1);
    close_fd(pair[0]);
    close_fd(pair[1]);
    CHECK_EQUAL(sockets_open(), 2);              /* kept by each other's messages */
    close_some_unix_socket();
    check_all_freed();
}

/* A socket sent over itself, and a listener holding it in a pending connection's data. */
static void test_unix_socket_sent_over_itself_is_collected(void)
{
    setup();
    int32_t listener = open_unix(SOCK_STREAM), client = open_unix(SOCK_STREAM);
    CHECK_EQUAL(bind_to(listener, "s0"), 0);
    CHECK_EQUAL(at(listener)->ops->listen(at(listener), 1), 0);
    CHECK_EQUAL(connect_to(client, "s0"), 0);
    /* The listener's own file, in data waiting on its pending connection. */
    CHECK_EQUAL(send_text(client, "l", &listener, 1), 1);
    close_fd(client);
    close_fd(listener);
    CHECK_EQUAL(sockets_open(), 1);
    close_some_unix_socket();
    socket_host_unlink_all();
    check_all_freed();
}

/* Garbage that holds a live socket frees it only if nothing else holds it. */
static void test_unix_collector_spares_what_a_live_socket_holds(void)
{
    setup();
    int32_t pair[2], inner[2];
    open_pair(SOCK_STREAM, pair);
    open_pair(SOCK_STREAM, inner);
    /* inner[0] rides on pair[1]'s queue; pair[1] stays open, so it is live. */
    CHECK_EQUAL(send_text(pair[0], "i", &inner[0], 1), 1);
    CHECK_EQUAL(send_text(inner[1], "x", &inner[1], 1), 1);   /* inner[1] on inner[0]'s queue */
    close_fd(inner[0]);
    close_fd(inner[1]);
    close_some_unix_socket();
    CHECK_EQUAL(sockets_open(), 4);
    /* The receiver takes inner[0] back: it reads what inner[1] sent. */
    struct socket_message message;
    int32_t got[8];
    CHECK_EQUAL(receive(pair[1], &message, 64), 1);
    CHECK_EQUAL(received_rights(&message, got), 1);
    CHECK_EQUAL(receive(got[0], &message, 64), 1);
    CHECK_BYTES(received(), "x", 1);
    CHECK_EQUAL(received_rights(&message, got + 1), 1);
    close_fd(got[0]);
    close_fd(got[1]);
    close_fd(pair[0]);
    close_fd(pair[1]);
    check_all_freed();
}

/* A process that makes cycles and never lets an AF_UNIX socket close is
 * bounded too: sendmsg runs the collector now and then (UNIX_GC_SENDS). */
static void test_unix_cycles_without_any_close_are_bounded(void)
{
    setup();
    size_t cycles = UNIX_GC_SENDS;
    for (size_t cycle = 0; cycle < cycles; cycle++) {
        int32_t pair[2];
        open_pair(SOCK_DGRAM, pair);
        CHECK_EQUAL(send_text(pair[0], "a", &pair[0], 1), 1);
        CHECK_EQUAL(send_text(pair[1], "b", &pair[1], 1), 1);
        close_fd(pair[0]);
        close_fd(pair[1]);
    }
    /* Without the collector: 2 sockets a cycle, 2 * cycles. */
    CHECK(sockets_open() < cycles);
    close_some_unix_socket();
    check_all_freed();
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_unix_stream_pair_carries_bytes_both_ways),
        TEST_ENTRY(test_unix_bind_path_in_use_and_bound_twice),
        TEST_ENTRY(test_unix_connect_errors_name_the_cause),
        TEST_ENTRY(test_unix_listener_accepts_a_connection_made_before_accept),
        TEST_ENTRY(test_unix_rights_give_the_receiver_the_same_socket),
        TEST_ENTRY(test_unix_rights_without_control_room_are_cut),
        TEST_ENTRY(test_unix_socket_in_flight_closes_with_its_receiver),
        TEST_ENTRY(test_unix_cycle_of_sockets_in_flight_is_collected),
        TEST_ENTRY(test_unix_socket_sent_over_itself_is_collected),
        TEST_ENTRY(test_unix_collector_spares_what_a_live_socket_holds),
        TEST_ENTRY(test_unix_cycles_without_any_close_are_bounded),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
