/*
 * Pipes and FIFOs (pipe(7)).
 *
 * A pipe is a ring buffer of 64 KiB (fcntl F_SETPIPE_SZ changes that to
 * another power-of-two number of pages) with counts of the open read and
 * write ends.  Reads take what is there, waiting while the pipe is empty and a
 * writer exists (end of file when none does).  Writes of at most PIPE_BUF
 * bytes are atomic: they wait for room for all of it; longer writes go in
 * pieces.  Writing with no reader left raises SIGPIPE and fails with EPIPE.
 * O_NONBLOCK turns every wait into EAGAIN.
 *
 * Anonymous pipes (pipe2) get an inode of their own; a FIFO's pipe hangs off
 * its ramfs inode while any end is open.  Either way inode->private is the
 * pipe, and it is freed when the last end closes.
 */
#include <fs_internal.h>
#include <page.h>
#include <task.h>
#include <signal.h>
#include <uaccess.h>
#include <asm/poll.h>
#include <asm/ioctls.h>
#include <asm-generic/siginfo.h>

#define PIPE_DEFAULT_ORDER 4           /* 2^4 pages: Linux's 64 KiB */
#define PIPE_BUF 4096                  /* POSIX atomic write limit (Linux's value) */
/* F_SETPIPE_SZ: Linux refuses sizes above 2^31 bytes (EINVAL). */
#define PIPE_SIZE_LIMIT (1UL << 31)

/*
 * /proc/sys/fs/pipe-max-size and pipe-user-pages-soft, Linux's defaults.
 * On Linux they bind only unprivileged users (F_SETPIPE_SZ above the
 * former is EPERM; past the latter, new pipes get one page); every Strata
 * process is the superuser, so they are kept for programs that read or
 * tune them and bind no one.
 */
uint32_t pipe_max_size = 1048576;
uint32_t pipe_user_pages_soft = 16384;

struct pipe {
    uint8_t *buffer;                   /* capacity bytes: 2^order pages */
    size_t capacity;
    unsigned order;
    size_t head;                       /* index of the oldest byte */
    size_t count;                      /* bytes in the buffer */
    unsigned readers, writers;         /* open ends */
    unsigned reader_opens, writer_opens;   /* ends ever opened: FIFO open waits on these */
    struct wait_queue readable;        /* readers: data arrived or last writer left */
    struct wait_queue writable;        /* writers: room appeared or last reader left */
};

static struct pipe *pipe_new(void)
{
    struct pipe *pipe = kzalloc(sizeof(*pipe));
    if (!pipe)
        return NULL;
    pipe->order = PIPE_DEFAULT_ORDER;
    pipe->capacity = PAGE_SIZE << pipe->order;
    pipe->buffer = pages_alloc(pipe->order);
    if (!pipe->buffer) {
        kfree(pipe);
        return NULL;
    }
    wait_queue_init(&pipe->readable);
    wait_queue_init(&pipe->writable);
    return pipe;
}

static void pipe_free(struct pipe *pipe)
{
    pages_free(pipe->buffer, pipe->order);
    kfree(pipe);
}

static ssize_t pipe_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct pipe *pipe = file->inode->private;
    if (length == 0)
        return 0;
    while (pipe->count == 0) {
        if (pipe->writers == 0)
            return 0;
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = wait_on(&pipe->readable, 0);
        if (error)
            return error;
    }
    size_t wanted = MIN(length, pipe->count);
    size_t done = 0;
    while (done < wanted) {
        size_t chunk = MIN(wanted - done, pipe->capacity - pipe->head);
        if (copy_to_user((uint8_t *)user_buffer + done, pipe->buffer + pipe->head, chunk)) {
            if (!done)
                return -EFAULT;
            break;
        }
        pipe->head = (pipe->head + chunk) % pipe->capacity;
        pipe->count -= chunk;
        done += chunk;
    }
    wake_up_all(&pipe->writable);
    return (ssize_t)done;
}

/* Copies up to length bytes into the free space; returns bytes copied or -EFAULT. */
static ssize_t pipe_fill(struct pipe *pipe, const uint8_t *user_source, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t tail = (pipe->head + pipe->count) % pipe->capacity;
        size_t chunk = MIN(length - done, pipe->capacity - tail);
        if (copy_from_user(pipe->buffer + tail, user_source + done, chunk))
            return done ? (ssize_t)done : -EFAULT;
        pipe->count += chunk;
        done += chunk;
    }
    return (ssize_t)done;
}

static void raise_sigpipe(void)
{
    struct signal_info info = { .signal = SIGPIPE, .code = SI_USER, .pid = current->process->pid };
    signal_send_task(current, &info);
}

static ssize_t pipe_write(struct file *file, const void *user_buffer, size_t length, uint64_t *offset)
{
    struct pipe *pipe = file->inode->private;
    if (length == 0)
        return 0;
    size_t done = 0;
    for (;;) {
        if (pipe->readers == 0) {
            raise_sigpipe();
            return done ? (ssize_t)done : -EPIPE;
        }
        size_t room = pipe->capacity - pipe->count;
        /* POSIX: a write of at most PIPE_BUF bytes is never interleaved. */
        bool fits = length <= PIPE_BUF ? room >= length : room > 0;
        if (fits) {
            ssize_t copied = pipe_fill(pipe, (const uint8_t *)user_buffer + done,
                                       MIN(room, length - done));
            if (copied > 0)
                wake_up_all(&pipe->readable);
            if (copied < 0)
                return done ? (ssize_t)done : copied;
            done += copied;
            if (done == length)
                return (ssize_t)done;
            continue;
        }
        if (file->flags & O_NONBLOCK)
            return done ? (ssize_t)done : -EAGAIN;
        int error = wait_on(&pipe->writable, 0);
        if (error)
            return done ? (ssize_t)done : error;
    }
}

static unsigned pipe_poll(struct file *file, struct poll_table *table)
{
    struct pipe *pipe = file->inode->private;
    unsigned mask = 0;
    if (file_readable(file)) {
        poll_wait(table, &pipe->readable);
        if (pipe->count)
            mask |= POLLIN | POLLRDNORM;
        if (pipe->writers == 0)
            mask |= POLLHUP;
    }
    if (file_writable(file)) {
        poll_wait(table, &pipe->writable);
        if (pipe->capacity - pipe->count >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM;
        if (pipe->readers == 0)
            mask |= POLLERR;
    }
    return mask;
}

static long pipe_ioctl(struct file *file, unsigned command, uint64_t argument)
{
    struct pipe *pipe = file->inode->private;
    if (command != FIONREAD)
        return -ENOTTY;
    return PUT_USER((int)pipe->count, (int *)argument);
}

/*
 * Linux's rounding of a pipe size: a page at least, else the next power
 * of two; 0 (refused) above PIPE_SIZE_LIMIT.  Also for pipe-max-size.
 */
uint64_t pipe_round_size(uint64_t size)
{
    if (size > PIPE_SIZE_LIMIT)
        return 0;
    uint64_t rounded = PAGE_SIZE;
    while (rounded < size)
        rounded <<= 1;
    return rounded;
}

/*
 * F_SETPIPE_SZ: a new buffer holding what the pipe holds.  Linux refuses
 * (EBUSY) when the pages its data occupies would not fit; Strata's ring
 * holds bytes, so the test is on bytes, which can accept a size Linux
 * refuses by one page.  The buffer is one block allocated now (Linux's
 * pages come on demand), so sizes above 2^PAGE_MAX_ORDER pages fail with
 * ENOMEM.
 */
static long pipe_resize(struct pipe *pipe, uint64_t size)
{
    uint64_t capacity = pipe_round_size(size);
    if (!capacity)
        return -EINVAL;
    if (pipe->count > capacity)
        return -EBUSY;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < capacity)
        order++;
    uint8_t *buffer = order <= PAGE_MAX_ORDER ? pages_alloc(order) : NULL;
    if (!buffer)
        return -ENOMEM;
    size_t first = MIN(pipe->count, pipe->capacity - pipe->head);
    memcpy(buffer, pipe->buffer + pipe->head, first);
    memcpy(buffer + first, pipe->buffer, pipe->count - first);
    pages_free(pipe->buffer, pipe->order);
    pipe->buffer = buffer;
    pipe->order = order;
    pipe->capacity = capacity;
    pipe->head = 0;
    wake_up_all(&pipe->writable);   /* a larger pipe may take a waiting write */
    return (long)capacity;
}

static void pipe_release(struct file *file)
{
    struct inode *inode = file->inode;
    struct pipe *pipe = inode->private;
    if (file_readable(file))
        pipe->readers--;
    if (file_writable(file))
        pipe->writers--;
    wake_up_all(&pipe->readable);
    wake_up_all(&pipe->writable);
    if (pipe->readers == 0 && pipe->writers == 0) {
        pipe_free(pipe);
        inode->private = NULL;
    }
}

static const struct file_operations pipe_file_operations = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .seek = no_seek,
    .release = pipe_release,
};

long pipe_fcntl(struct file *file, unsigned command, uint64_t argument)
{
    if (file->ops != &pipe_file_operations)
        return -EBADF;   /* Linux: not a pipe or FIFO */
    struct pipe *pipe = file->inode->private;
    return command == F_GETPIPE_SZ ? (long)pipe->capacity : pipe_resize(pipe, argument);
}

static struct super_block *pipe_super_block(void)
{
    static struct super_block *super_block;
    if (!super_block)
        super_block = pseudo_super_block_new("pipefs", "pipe");
    return super_block;
}

int pipe_create(struct file *ends[2], uint32_t flags)
{
    struct super_block *super_block = pipe_super_block();
    if (!super_block)
        return -ENOMEM;
    struct inode *inode = inode_new(super_block, S_IFIFO | 0600);
    if (!inode)
        return -ENOMEM;
    inode->link_count = 1;
    /* Opened again through /proc/PID/fd, a pipe is opened as a FIFO (Linux). */
    inode->file_ops = &fifo_file_operations;
    struct pipe *pipe = pipe_new();
    if (!pipe) {
        inode_put(inode);
        return -ENOMEM;
    }
    inode->private = pipe;
    pipe->readers = pipe->writers = 1;
    /* Linux keeps only O_NONBLOCK (and O_DIRECT) in a pipe end's status flags. */
    ends[0] = file_new(inode, O_RDONLY | (flags & O_NONBLOCK));
    ends[1] = file_new(inode, O_WRONLY | (flags & O_NONBLOCK));
    inode_put(inode);
    for (int end = 0; end < 2; end++)
        if (ends[end])
            ends[end]->ops = &pipe_file_operations;
    if (!ends[0] || !ends[1]) {
        pipe->readers = !!ends[0];
        pipe->writers = !!ends[1];
        if (ends[0])
            file_put(ends[0]);
        if (ends[1])
            file_put(ends[1]);
        return -ENOMEM;
    }
    return 0;
}

/*
 * fifo(7): opening one end blocks until the other end is opened too, unless
 * O_NONBLOCK: then a reader opens at once and a writer without a reader
 * fails with ENXIO.  O_RDWR never blocks (Linux).  A pipe opened again
 * through /proc/PID/fd neither waits nor fails so (Linux's is_pipe).
 */
static int fifo_open(struct inode *inode, struct file *file)
{
    if (!inode->private && !(inode->private = pipe_new()))
        return -ENOMEM;
    struct pipe *pipe = inode->private;
    bool reading = file_readable(file), writing = file_writable(file);
    bool is_pipe = inode->super_block == pipe_super_block();
    if (writing && !reading && !is_pipe && (file->flags & O_NONBLOCK) && pipe->readers == 0) {
        if (pipe->writers == 0) {
            pipe_free(pipe);
            inode->private = NULL;
        }
        return -ENXIO;
    }
    file->ops = &pipe_file_operations;
    if (reading) {
        pipe->readers++;
        pipe->reader_opens++;
    }
    if (writing) {
        pipe->writers++;
        pipe->writer_opens++;
    }
    wake_up_all(&pipe->readable);
    wake_up_all(&pipe->writable);
    if ((reading && writing) || is_pipe || (file->flags & O_NONBLOCK))
        return 0;
    int error = 0;
    if (reading) {
        unsigned seen = pipe->writer_opens;
        if (pipe->writers == 0)
            error = WAIT_UNTIL(&pipe->readable, pipe->writer_opens != seen, 0);
    } else {
        unsigned seen = pipe->reader_opens;
        if (pipe->readers == 0)
            error = WAIT_UNTIL(&pipe->writable, pipe->reader_opens != seen, 0);
    }
    if (error)
        pipe_release(file);     /* undo this end; the open fails */
    return error;
}

const struct file_operations fifo_file_operations = {
    .open = fifo_open,
};
