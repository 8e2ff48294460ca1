/*
 * Fuzz target (c): a sequence of socket calls on sockets of every kind
 * (AF_PACKET SOCK_RAW and SOCK_DGRAM, AF_INET SOCK_RAW, UDP, TCP, AF_UNIX
 * SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET), interleaved with frames and
 * virtual-clock steps.  The target plays the system calls of
 * sockets/socket_syscalls.c: it calls socket_create, the operations of
 * socket_op_t, socket_setsockopt/getsockopt and socket_destroy as they do,
 * with net_lock held around each operation (fuzz_stack_begin_input takes it
 * for the input; creation and closing drop it, as socket(2) and close(2)
 * run without it).  A slot is a descriptor of the host's one process
 * (socket_host.h), so SCM_RIGHTS control data may name slots: their files
 * travel in messages, and a received one lands in the lowest free slot.
 * User memory is the target's arena (socket_host.h): data, iovec bases,
 * control data and the pointers inside option values point into it, or
 * past it when the input says so (EFAULT).  A blocking call waits at most
 * the input's budget of waits, each a step of the virtual clock, then is
 * "interrupted" (socket_host.h).
 *
 * Input: records, each an opcode byte and its fields (big-endian), until
 * the input ends; a record cut short ends the input.
 *
 *   0 socket    kind                       (kinds[] below; >= KIND_COUNT: family,
 *                                           type, protocol16 from the input)
 *   1 bind      slot address               (address: see take_address)
 *   2 connect   slot address
 *   3 listen    slot backlog8 (signed)
 *   4 accept    slot                       (into a free slot)
 *   5 send      slot flags16 address iovs length16 control8 bytes...
 *   6 receive   slot flags16 iovs length16 control_room16
 *   7 setsockopt slot level name8 length8 value...   (length8 above 239: 256 x
 *                                           (length8 - 239); level: take_option)
 *   8 getsockopt slot level name8 length8 value...   (the room, cut to 128 bytes)
 *   9 shutdown  slot how8
 *  10 close     slot
 *  11 frame     length16 bytes...          (onto eth0, as fuzz_frame's)
 *  12 udp       port8 length8 bytes...     (a datagram from the peer 10.0.2.2)
 *  13 clock     step8                      (bit 7: seconds, else 10 ms units)
 *  14 ioctl     slot command8 length16 bytes...   (ioctls[]: the kind's, then the
 *                                           interface getters; command8's bit 7: the
 *                                           argument runs off the arena's end)
 *  15 name      slot peer8
 *  16 poll      slot
 *  17 mode      bits8                      (0: O_NONBLOCK, 1: exiting, 2-5: the waits
 *                                           each later call may make; 2 at first)
 *  18 map       slot length8 index8 offset16 byte8   (mmap, a page written, kept)
 *  19 unmap     slot                       (the pages map took are put)
 *  20 socketpair kind                      (as socket; two slots)
 *
 * With FUZZ_TRACE set in the environment, each call and its result go to
 * stderr (to read what a finding's input does).
 *
 * The end of an input: every slot closed, every bound path unlinked, the
 * AF_UNIX collector run (as the next close of an AF_UNIX socket runs it:
 * sockets only their own messages in flight hold), every timer run out,
 * then fuzz_stack_check_no_leak: no pbuf, TCP PCB, socket, socket node,
 * open file, path node or ring page more than before it.
 */
#include "fuzz_stack.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "sockets/inet.h"
#include "sockets/unix/unix.h"
#include "netif/host/socket_host.h"

#define SLOTS SOCKET_HOST_DESCRIPTORS
#define ARENA_SIZE (128 * 1024)
#define SEND_AREA 0                       /* the arena's first half: data to send */
#define RECEIVE_AREA (ARENA_SIZE / 2)     /* the second: what receives write */
#define MAPPED_MAX 4
#define OPTION_VALUE_MAX 4096             /* setsockopt copies at most PAGE_SIZE */
#define IOV_MAX_HERE 4

enum {
    OP_SOCKET, OP_BIND, OP_CONNECT, OP_LISTEN, OP_ACCEPT, OP_SEND, OP_RECEIVE, OP_SETSOCKOPT,
    OP_GETSOCKOPT, OP_SHUTDOWN, OP_CLOSE, OP_FRAME, OP_UDP, OP_CLOCK, OP_IOCTL, OP_NAME,
    OP_POLL, OP_MODE, OP_MAP, OP_UNMAP, OP_SOCKETPAIR, OP_COUNT
};

/* (family, type, protocol) of each kind; protocols in the caller's order. */
static const int kinds[][3] = {
    { AF_INET, SOCK_DGRAM, 0 },
    { AF_INET, SOCK_STREAM, 0 },
    { AF_INET, SOCK_RAW, 1 },                   /* IPPROTO_ICMP */
    { AF_INET, SOCK_RAW, 17 },                  /* IPPROTO_UDP */
    { AF_INET, SOCK_RAW, 255 },                 /* IPPROTO_RAW */
    { AF_PACKET, SOCK_RAW, 0x0300 },            /* htons(ETH_P_ALL) */
    { AF_PACKET, SOCK_DGRAM, 0x0008 },          /* htons(ETH_P_IP) */
    { AF_PACKET, SOCK_RAW, 0 },                 /* bound later, or never */
    { AF_UNIX, SOCK_STREAM, 0 },
    { AF_UNIX, SOCK_DGRAM, 0 },
    { AF_UNIX, SOCK_SEQPACKET, 0 },
};
#define KIND_COUNT ARRAY_SIZE(kinds)

/* Option levels: SOL_SOCKET, SOL_IP, SOL_TCP, SOL_UDP, SOL_RAW, SOL_PACKET. */
static const int levels[] = { SOL_SOCKET, SOL_IP, 6, 17, SOL_RAW, SOL_PACKET };
static const uint16_t ports[] = { 0, 7, 9, 80, 8080, 5000, 5001, 40000 };
/* Ioctls a socket answers: the kinds' (FIONREAD, SIOCOUTQ, SIOCOUTQNSD,
 * SIOCATMARK) and the interface getters; setters are left out, since they
 * would change the topology every input shares. */
static const unsigned ioctls[] = {
    0x541B, 0x5411, 0x894B, 0x8905, 0x8912 /* SIOCGIFCONF */, 0x8913 /* SIOCGIFFLAGS */,
    0x8915 /* SIOCGIFADDR */, 0x8917, 0x8919, 0x891b, 0x8921 /* SIOCGIFMTU */,
    0x8927 /* SIOCGIFHWADDR */, 0x8933 /* SIOCGIFINDEX */, 0x8910 /* SIOCGIFNAME */,
    0x891d, 0x8942, 0x8970, 0x8946 /* SIOCETHTOOL */,
};

/* A descriptor (its socket is socket_host_socket's) and what was mapped through it. */
struct slot {
    void *mapped[MAPPED_MAX];           /* pages map_page gave, until unmapped */
    size_t mapped_count;
};

static struct slot slots[SLOTS];
static uint8_t arena[ARENA_SIZE];
static struct socket_message message;
static struct iovec iovs[IOV_MAX_HERE];
static uint8_t option_value[OPTION_VALUE_MAX];
static unsigned wait_budget;             /* waits each call may make (mode) */

static int trace = -1;                  /* -1: FUZZ_TRACE not looked at yet */

/* The socket open at the slot's descriptor, or NULL. */
static struct socket *socket_at(const struct slot *slot)
{
    return socket_host_socket((int)(slot - slots));
}

/* What a call answered, for FUZZ_TRACE. */
static void report(const char *call, const struct slot *slot, long result)
{
    if (trace < 0)
        trace = getenv("FUZZ_TRACE") != NULL;
    if (trace)
        fprintf(stderr, "%-10s slot %td: %ld\n", call, slot ? slot - slots : -1, result);
}

/* Up to length bytes of the input into out; the rest is a pattern. */
static void take_fill(struct fuzz_input *in, uint8_t *out, size_t length)
{
    size_t have = MIN(length, in->size);
    fuzz_take(in, out, have);
    for (size_t i = have; i < length; i++)
        out[i] = (uint8_t)i;
}

static struct slot *take_slot(struct fuzz_input *in)
{
    uint8_t number;
    if (!fuzz_take8(in, &number))
        return NULL;
    return &slots[number % SLOTS];
}

/*
 * An address: a selector byte, bits 0-2 the kind (AF_INET to 127.0.0.1,
 * 10.0.2.15, the peer 10.0.2.2, 0.0.0.0, 224.1.2.3; AF_PACKET with a
 * protocol16 and an ifindex8 from the input; AF_UNSPEC or AF_UNIX; raw
 * bytes, a length8 and the bytes), bits 3-5 the port (ports[]) or which
 * AF_UNIX name (0: AF_UNSPEC instead; unix_names[]), bit 6: no address at
 * all (send only), bit 7: the length comes from the input (length8).
 */
static bool take_address(struct fuzz_input *in, uint8_t *address, size_t *length, bool *none)
{
    uint8_t selector, byte;
    if (!fuzz_take8(in, &selector))
        return false;
    const uint32_t inet_addresses[] = {
        ADDRESS(127, 0, 0, 1), OUR_ADDRESS, PEER_ADDRESS, 0, ADDRESS(224, 1, 2, 3),
    };
    memset(address, 0, SOCKET_ADDRESS_MAX);
    *length = sizeof(struct sockaddr_inet);
    *none = selector & 0x40;
    unsigned kind = selector & 7;
    if (kind < ARRAY_SIZE(inet_addresses)) {
        struct sockaddr_inet inet = { .family = AF_INET,
                                      .port = net_htons(ports[(selector >> 3) & 7]),
                                      .address = inet_addresses[kind] };
        memcpy(address, &inet, sizeof(inet));
    } else if (kind == 5) {
        uint16_t protocol;
        if (!fuzz_take16(in, &protocol) || !fuzz_take8(in, &byte))
            return false;
        struct sockaddr_link link = { .family = AF_PACKET, .protocol = net_htons(protocol),
                                      .ifindex = byte % 4, .halen = 6 };
        memcpy(link.address, "\xff\xff\xff\xff\xff\xff", 6);
        memcpy(address, &link, sizeof(link));
        *length = sizeof(link);
    } else if (kind == 6) {
        /* sun_path's names: two paths, two abstract names, autobind (the
         * family alone), a path in a missing directory, a path without
         * its NUL. */
        static const struct { const char *name; size_t length; } unix_names[] = {
            { "", 0 }, { "s0", 3 }, { "s1", 3 }, { "\0a", 2 }, { "\0b", 2 }, { "", 0 },
            { "d/s", 4 }, { "s0", 2 },
        };
        unsigned which = (selector >> 3) & 7;
        address[0] = which ? AF_UNIX : AF_UNSPEC;
        memcpy(address + 2, unix_names[which].name, unix_names[which].length);
        *length = which ? 2 + unix_names[which].length : sizeof(struct sockaddr_inet);
    } else {
        if (!fuzz_take8(in, &byte))
            return false;
        *length = MIN((size_t)byte, SOCKET_ADDRESS_MAX);
        take_fill(in, address, *length);
    }
    if (selector & 0x80) {
        if (!fuzz_take8(in, &byte))
            return false;
        *length = MIN((size_t)byte, SOCKET_ADDRESS_MAX);
    }
    return true;
}

/* Operations run as the system calls run them: net_lock held. */

/* Whether the process has a free descriptor (socket(2) and accept(2) check
 * first: EMFILE before anything is made). */
static bool descriptor_free(void)
{
    for (size_t i = 0; i < SLOTS; i++)
        if (!socket_at(&slots[i]))
            return true;
    return false;
}

/* Gives a new socket its file and descriptor, as the system calls do. */
static void install(struct socket *socket)
{
    if (socket_host_open(socket) < 0) {
        net_unlock();
        socket_destroy(socket);
        net_lock();
    }
}

/* A kind byte, then for one past kinds[] the family, type and protocol. */
static bool take_kind(struct fuzz_input *in, int *family, int *type, int *protocol)
{
    uint8_t kind, family_byte, type_byte;
    uint16_t protocol16;
    if (!fuzz_take8(in, &kind))
        return false;
    if (kind < KIND_COUNT) {
        *family = kinds[kind][0];
        *type = kinds[kind][1];
        *protocol = kinds[kind][2];
        return true;
    }
    if (!fuzz_take8(in, &family_byte) || !fuzz_take8(in, &type_byte) ||
        !fuzz_take16(in, &protocol16))
        return false;
    *family = family_byte % 48;
    *type = type_byte % 12;
    *protocol = (int16_t)protocol16;
    return true;
}

static void open_socket(struct fuzz_input *in)
{
    int family, type, protocol;
    struct socket *socket;
    if (!take_kind(in, &family, &type, &protocol) || !descriptor_free())
        return;
    net_unlock();
    int error = socket_create(family, type, protocol, &socket);
    net_lock();
    report("socket", NULL, error);
    if (!error)
        install(socket);
}

/* As sys_socketpair: two sockets of the kind, connected by the kind. */
static void open_pair(struct fuzz_input *in)
{
    int family, type, protocol;
    struct socket *first, *second;
    if (!take_kind(in, &family, &type, &protocol))
        return;
    net_unlock();
    int error = socket_create(family, type, protocol, &first);
    if (!error && (error = socket_create(family, type, protocol, &second)))
        socket_destroy(first);
    net_lock();
    if (!error) {
        error = first->ops->socketpair ? first->ops->socketpair(first, second) : -EOPNOTSUPP;
        if (error) {
            net_unlock();
            socket_destroy(first);
            socket_destroy(second);
            net_lock();
        }
    }
    report("socketpair", NULL, error);
    if (!error) {
        install(first);
        install(second);
    }
}

static void unmap_pages(struct slot *slot)
{
    for (size_t i = 0; i < slot->mapped_count; i++)
        socket_page_put(slot->mapped[i]);
    slot->mapped_count = 0;
}

static void close_slot(struct slot *slot)
{
    net_unlock();
    socket_host_close((int)(slot - slots));
    net_lock();
    unmap_pages(slot);   /* munmap after close: the ring outlived the socket */
}

static void address_call(struct fuzz_input *in, bool connect)
{
    struct slot *slot = take_slot(in);
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length;
    bool none;
    if (!slot || !take_address(in, address, &length, &none) || !socket_at(slot))
        return;
    struct socket *socket = socket_at(slot);
    if (connect && socket->ops->connect) {
        if (socket->family == AF_INET)
            inet_destination_this_host(socket, address, length);
        report("connect", slot, socket->ops->connect(socket, address, length));
    } else if (!connect && socket->ops->bind) {
        report("bind", slot, socket->ops->bind(socket, address, length));
    }
}

static void listen_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint8_t backlog;
    if (slot && fuzz_take8(in, &backlog) && socket_at(slot) && socket_at(slot)->ops->listen)
        report("listen", slot, socket_at(slot)->ops->listen(socket_at(slot), (int8_t)backlog));
}

static void accept_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    struct socket *listener = slot ? socket_at(slot) : NULL;
    if (!listener || !listener->ops->accept || !listener->ops->getpeername || !descriptor_free())
        return;
    struct socket *accepted;
    int error = listener->ops->accept(listener, &accepted, 0);
    report("accept", slot, error);
    if (error)
        return;
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = sizeof(address);
    accepted->ops->getpeername(accepted, address, &length);
    install(accepted);   /* a descriptor a received file took meanwhile: EMFILE */
}

/*
 * The message's iovecs over area: an iovs byte (bits 0-1: count - 1; bit 2:
 * the last iovec reaches past the arena, so the copy faults midway; bit 3:
 * the first is NULL) and a total length16 split evenly.
 */
static bool take_iovecs(struct fuzz_input *in, size_t area, uint8_t *shape)
{
    uint16_t length;
    if (!fuzz_take8(in, shape) || !fuzz_take16(in, &length))
        return false;
    size_t count = 1 + (*shape & 3), share = length / count, offset = area;
    memset(&message, 0, sizeof(message));
    for (size_t i = 0; i < count; i++) {
        size_t size = i + 1 == count ? length - share * i : share;
        iovs[i].iov_base = arena + offset;
        iovs[i].iov_len = size;
        offset += size;
    }
    if (*shape & 4)
        iovs[count - 1].iov_len += ARENA_SIZE;
    if (*shape & 8)
        iovs[0].iov_base = NULL;
    message.iov = iovs;
    message.iov_count = count;
    for (size_t i = 0; i < count; i++)
        message.length += iovs[i].iov_len;
    return true;
}

static void send_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint16_t flags;
    uint8_t address[SOCKET_ADDRESS_MAX], shape, control_length;
    size_t address_length;
    bool none;
    static uint8_t control[256];
    if (!slot || !fuzz_take16(in, &flags) || !take_address(in, address, &address_length, &none) ||
        !take_iovecs(in, SEND_AREA, &shape) || !fuzz_take8(in, &control_length))
        return;
    take_fill(in, control, control_length);
    take_fill(in, arena + SEND_AREA, MIN(message.length, (size_t)(RECEIVE_AREA - SEND_AREA)));
    struct socket *socket = socket_at(slot);
    if (!socket || !socket->ops->sendmsg)
        return;
    message.flags = flags;
    if (!none) {
        memcpy(message.address, address, address_length);
        message.address_length = address_length;
    }
    if (control_length) {
        message.sent_control = control;
        message.sent_control_length = control_length;
    }
    if (socket->family == AF_INET)
        inet_destination_this_host(socket, message.address, message.address_length);
    report("send", slot, socket->ops->sendmsg(socket, &message));
}

static void receive_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint16_t flags, control_room;
    uint8_t shape;
    if (!slot || !fuzz_take16(in, &flags) || !take_iovecs(in, RECEIVE_AREA, &shape) ||
        !fuzz_take16(in, &control_room))
        return;
    struct socket *socket = socket_at(slot);
    if (!socket || !socket->ops->recvmsg)
        return;
    message.flags = flags;
    message.control_capacity = control_room;
    report("receive", slot, socket->ops->recvmsg(socket, &message));
}

/* A level byte: bits 0-6 pick levels[] (past it: bits 0-6 are the level);
 * for setsockopt, bit 7 makes the value 16 bytes whose last 8 point to the
 * rest of it in user memory, as sock_fprog's filter does. */
static bool take_option(struct fuzz_input *in, int *level, uint8_t *name, size_t *length,
                        bool with_pointer_bit)
{
    uint8_t level_byte, length_byte;
    if (!fuzz_take8(in, &level_byte) || !fuzz_take8(in, name) || !fuzz_take8(in, &length_byte))
        return false;
    unsigned index = level_byte & 0x7f;
    *level = index < ARRAY_SIZE(levels) ? levels[index] : (int)index;
    /* 0..239 as they are; above, lengths only a buffer of a page has. */
    *length = length_byte < 240 ? length_byte : (size_t)(length_byte - 239) * 256;
    take_fill(in, option_value, *length);
    if (with_pointer_bit && (level_byte & 0x80) && *length >= 16) {
        /* The value is its 16 bytes; the rest goes to user memory, where
         * the pointer says. */
        size_t rest = *length - 16;
        memcpy(arena + SEND_AREA, option_value + 16, rest);
        uint64_t pointer = (uint64_t)(uintptr_t)(arena + SEND_AREA);
        memcpy(option_value + 8, &pointer, sizeof(pointer));
        *length = 16;
    }
    return true;
}

static void setsockopt_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    int level;
    uint8_t name;
    size_t length;
    if (slot && take_option(in, &level, &name, &length, true) && socket_at(slot))
        report("setsockopt", slot, socket_setsockopt(socket_at(slot), level, name, option_value, length));
}

static void getsockopt_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    int level;
    uint8_t name;
    size_t length;
    /* The syscall's buffer is 128 bytes: longer rooms are cut to it. */
    if (slot && take_option(in, &level, &name, &length, false) && socket_at(slot)) {
        length = MIN(length, (size_t)128);
        report("getsockopt", slot,
               socket_getsockopt(socket_at(slot), level, name, option_value, &length));
    }
}

static void shutdown_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint8_t how;
    if (!slot || !fuzz_take8(in, &how) || !socket_at(slot) || how > SHUT_RDWR)
        return;   /* the system call refuses another how with EINVAL */
    if (socket_at(slot)->ops->shutdown)
        report("shutdown", slot, socket_at(slot)->ops->shutdown(socket_at(slot), how));
    socket_wake(socket_at(slot));
}

static void frame_call(struct fuzz_input *in)
{
    static uint8_t frame[2048];
    uint16_t length;
    if (!fuzz_take16(in, &length))
        return;
    length = (uint16_t)MIN((size_t)length, sizeof(frame));
    take_fill(in, frame, length);
    fake_netif_inject(eth0, frame, length);
}

static void udp_call(struct fuzz_input *in)
{
    static uint8_t payload[256], datagram[20 + 8 + 256], udp[8 + 256];
    uint8_t port, length;
    if (!fuzz_take8(in, &port) || !fuzz_take8(in, &length))
        return;
    take_fill(in, payload, length);
    size_t udp_length = build_udp(udp, PEER_ADDRESS, OUR_ADDRESS, PEER_PORT,
                                  ports[port % ARRAY_SIZE(ports)], payload, length, true);
    size_t total = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, IP_PROTOCOL_UDP, 1, 0, 64,
                            udp, udp_length);
    inject_ip(datagram, total);
}

static void clock_call(struct fuzz_input *in)
{
    uint8_t step;
    if (fuzz_take8(in, &step))
        net_host_clock_advance((uint64_t)(step & 0x7f) * (step & 0x80 ? 1000 : 10));
}

/* As socket_fs.c's ioctl: the kind first, then the interface ioctls
 * (which take net_lock themselves). */
static void ioctl_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint8_t command;
    uint16_t length;
    if (!slot || !fuzz_take8(in, &command) || !fuzz_take16(in, &length))
        return;
    take_fill(in, arena + SEND_AREA, MIN((size_t)length, (size_t)RECEIVE_AREA));
    struct socket *socket = socket_at(slot);
    if (!socket)
        return;
    unsigned number = ioctls[command % ARRAY_SIZE(ioctls)];
    uint64_t argument = (uint64_t)(uintptr_t)(arena + SEND_AREA);
    if (command & 0x80)
        argument = (uint64_t)(uintptr_t)(arena + ARENA_SIZE - 2);   /* runs off the end */
    long result = socket->ops->ioctl ? socket->ops->ioctl(socket, number, argument) : -ENOTTY;
    if (result == -ENOTTY && number >= 0x890B && number < 0x89F0) {
        net_unlock();
        result = socket_interface_ioctl(number, argument);
        net_lock();
    }
    report("ioctl", slot, result);
}

static void name_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint8_t peer;
    if (!slot || !fuzz_take8(in, &peer) || !socket_at(slot))
        return;
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = sizeof(address);
    int (*operation)(struct socket *, void *, size_t *) =
        peer & 1 ? socket_at(slot)->ops->getpeername : socket_at(slot)->ops->getsockname;
    if (operation)
        report(peer & 1 ? "getpeername" : "getsockname", slot,
               operation(socket_at(slot), address, &length));
}

static void poll_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    if (slot && socket_at(slot) && socket_at(slot)->ops->poll)
        report("poll", slot, socket_at(slot)->ops->poll(socket_at(slot)));
}

static void mode_call(struct fuzz_input *in)
{
    uint8_t bits;
    if (!fuzz_take8(in, &bits))
        return;
    socket_host_nonblocking(bits & 1);
    socket_host_exiting(bits & 2);
    wait_budget = (bits >> 2) & 15;
}

/* mmap of length8 pages from offset 0, then the page at index8 written
 * at offset16 with byte8 (the user handing a slot back) and kept mapped. */
static void map_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    uint8_t pages, index, byte;
    uint16_t offset;
    if (!slot || !fuzz_take8(in, &pages) || !fuzz_take8(in, &index) || !fuzz_take16(in, &offset) ||
        !fuzz_take8(in, &byte))
        return;
    struct socket *socket = socket_at(slot);
    if (!socket || !socket->ops->mmap || !socket->ops->map_page ||
        slot->mapped_count == MAPPED_MAX)
        return;
    int error = socket->ops->mmap(socket, 0, (uint64_t)pages * PAGE_SIZE);
    report("mmap", slot, error);
    void *page;
    if (error || (error = socket->ops->map_page(socket, index, &page)))
        return;
    ((uint8_t *)page)[offset % PAGE_SIZE] = byte;
    slot->mapped[slot->mapped_count++] = page;
}

static void unmap_call(struct fuzz_input *in)
{
    struct slot *slot = take_slot(in);
    if (slot)
        unmap_pages(slot);
}

static void run(struct fuzz_input *in)
{
    uint8_t opcode;
    while (fuzz_take8(in, &opcode)) {
        socket_host_wait_budget(wait_budget);
        switch (opcode % OP_COUNT) {
        case OP_SOCKET: open_socket(in); break;
        case OP_BIND: address_call(in, false); break;
        case OP_CONNECT: address_call(in, true); break;
        case OP_LISTEN: listen_call(in); break;
        case OP_ACCEPT: accept_call(in); break;
        case OP_SEND: send_call(in); break;
        case OP_RECEIVE: receive_call(in); break;
        case OP_SETSOCKOPT: setsockopt_call(in); break;
        case OP_GETSOCKOPT: getsockopt_call(in); break;
        case OP_SHUTDOWN: shutdown_call(in); break;
        case OP_CLOSE: { struct slot *slot = take_slot(in); if (slot) close_slot(slot); break; }
        case OP_FRAME: frame_call(in); break;
        case OP_UDP: udp_call(in); break;
        case OP_CLOCK: clock_call(in); break;
        case OP_IOCTL: ioctl_call(in); break;
        case OP_NAME: name_call(in); break;
        case OP_POLL: poll_call(in); break;
        case OP_MODE: mode_call(in); break;
        case OP_MAP: map_call(in); break;
        case OP_UNMAP: unmap_call(in); break;
        case OP_SOCKETPAIR: open_pair(in); break;
        }
        /* The kernel's net thread runs before the caller's next call: what
         * the call queued (looped-back frames) is delivered. */
        net_host_poll();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_stack_begin_input(NULL);
    socket_host_user_memory(arena, sizeof(arena));
    socket_host_nonblocking(false);
    socket_host_exiting(false);
    wait_budget = 2;
    struct fuzz_input in = { data, size };
    run(&in);
    socket_host_wait_budget(2);
    socket_host_exiting(false);
    for (size_t i = 0; i < SLOTS; i++)
        close_slot(&slots[i]);
    socket_host_unlink_all();
    unix_collect_garbage();
    fuzz_stack_run_timers_out();
    fuzz_stack_check_no_leak();
    return 0;
}
