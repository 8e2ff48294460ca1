/*
 * The console terminal as a file: open, read, write, poll, ioctl.
 *
 * Reading follows termios(3): in canonical mode a read returns at most one
 * line (a VEOF at the start of a line reads as end of file); otherwise
 * VMIN and VTIME decide how long a read waits and how much it wants.
 */
#include "tty_internal.h"
#include <clock.h>
#include <uaccess.h>
#include <asm/fcntl.h>
#include <asm/poll.h>

/* Reads go through a kernel buffer this big so that a fault never loses input. */
#define CHUNK_SIZE 256

/* VTIME counts tenths of a second. */
#define VTIME_UNIT_NS (NANOSECONDS_PER_SECOND / 10)

/*
 * Moves up to length readable bytes to the user; in canonical mode stops
 * after a line end.  A VEOF mark is consumed but not copied, so a read that
 * meets one at the start of a line returns 0.  *line_done reports that a
 * line end was consumed.  Returns bytes copied or -EFAULT.
 */
static ssize_t copy_input(struct tty *tty, char *user_buffer, size_t length, bool *line_done)
{
    bool canonical = tty_local(tty, ICANON);
    size_t copied = 0;
    *line_done = false;
    while (copied < length && tty->read_position != tty->line_end && !*line_done) {
        char chunk[CHUNK_SIZE];
        size_t count = 0;
        uint32_t position = tty->read_position;
        while (count < MIN(length - copied, sizeof(chunk)) && position != tty->line_end) {
            uint8_t mark = tty->marks[position % TTY_INPUT_SIZE];
            uint8_t c = tty->input[position % TTY_INPUT_SIZE];
            position++;
            if (!(mark & TTY_MARK_EOF))
                chunk[count++] = (char)c;
            if (canonical && (mark & TTY_MARK_LINE_END)) {
                *line_done = true;
                break;
            }
        }
        if (copy_to_user(user_buffer + copied, chunk, count))
            return copied ? (ssize_t)copied : -EFAULT;
        tty->read_position = position;
        copied += count;
    }
    return (ssize_t)copied;
}

static ssize_t read_raw(struct tty *tty, struct file *file, char *user_buffer, size_t length);

static ssize_t read_canonical(struct tty *tty, struct file *file, char *user_buffer,
                              size_t length)
{
    while (tty->read_position == tty->line_end) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = wait_on(&tty->readers, 0);
        if (error)
            return error;
        if (!tty_local(tty, ICANON))   /* another process changed the settings */
            return read_raw(tty, file, user_buffer, length);
    }
    bool line_done;
    return copy_input(tty, user_buffer, length, &line_done);
}

/*
 * Non-canonical reads (termios(3), "Noncanonical mode"):
 *   MIN > 0, TIME = 0: wait until MIN bytes (or as many as asked) have come;
 *   MIN = 0, TIME = 0: return what is there, perhaps nothing;
 *   MIN = 0, TIME > 0: wait up to TIME for the first byte;
 *   MIN > 0, TIME > 0: TIME is an inter-byte timer, started by the first byte.
 */
static ssize_t read_raw(struct tty *tty, struct file *file, char *user_buffer, size_t length)
{
    size_t minimum = MIN((size_t)tty->termios.c_cc[VMIN], length);
    uint64_t interval = tty->termios.c_cc[VTIME] * VTIME_UNIT_NS;
    uint64_t deadline = minimum == 0 && interval ? clock_monotonic_ns() + interval : 0;
    size_t copied = 0;
    for (;;) {
        bool line_done;
        ssize_t count = copy_input(tty, user_buffer + copied, length - copied, &line_done);
        if (count < 0)
            return copied ? (ssize_t)copied : count;
        copied += (size_t)count;
        if (copied >= length || (minimum ? copied >= minimum : copied > 0 || !interval))
            return (ssize_t)copied;
        if (count > 0 && minimum && interval)
            deadline = clock_monotonic_ns() + interval;
        if (file->flags & O_NONBLOCK)
            return copied ? (ssize_t)copied : -EAGAIN;
        int error = wait_on(&tty->readers, deadline);
        if (error == -ETIMEDOUT)
            return (ssize_t)copied;
        if (error)
            return copied ? (ssize_t)copied : error;
        if (tty_local(tty, ICANON))   /* another process changed the settings */
            return copied ? (ssize_t)copied : read_canonical(tty, file, user_buffer, length);
    }
}

static ssize_t tty_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct tty *tty = &console_tty;
    if (length == 0)
        return 0;
    if (tty_local(tty, ICANON))
        return read_canonical(tty, file, user_buffer, length);
    return read_raw(tty, file, user_buffer, length);
}

static ssize_t tty_write(struct file *file, const void *user_buffer, size_t length,
                         uint64_t *offset)
{
    struct tty *tty = &console_tty;
    const char *source = user_buffer;
    size_t written = 0;
    while (written < length) {
        uint8_t chunk[CHUNK_SIZE];
        size_t count = MIN(length - written, sizeof(chunk));
        if (copy_from_user(chunk, source + written, count))
            return written ? (ssize_t)written : -EFAULT;
        for (size_t i = 0; i < count; i++)
            tty_output_byte(tty, chunk[i]);
        written += count;
    }
    return (ssize_t)written;
}

/*
 * Readable as a read would see it: a complete line in canonical mode; in
 * non-canonical mode with MIN > 0 and TIME = 0, MIN bytes (as Linux's poll).
 */
static unsigned tty_poll(struct file *file, struct poll_table *table)
{
    struct tty *tty = &console_tty;
    if (table)
        poll_wait(table, &tty->readers);
    uint32_t available = tty->line_end - tty->read_position;
    uint32_t wanted = 1;
    if (!tty_local(tty, ICANON) && tty->termios.c_cc[VMIN] && !tty->termios.c_cc[VTIME])
        wanted = tty->termios.c_cc[VMIN];
    unsigned events = POLLOUT | POLLWRNORM;
    if (available >= wanted)
        events |= POLLIN | POLLRDNORM;
    return events;
}

static int tty_open(struct inode *inode, struct file *file)
{
    return tty_job_control_open(&console_tty, inode->device);
}

static long tty_file_ioctl(struct file *file, unsigned command, uint64_t argument)
{
    return tty_ioctl(&console_tty, command, argument);
}

/* A terminal has no file position: lseek answers ESPIPE, as on Linux. */
static int64_t tty_seek(struct file *file, int64_t offset, int whence)
{
    return -ESPIPE;
}

const struct file_operations tty_file_operations = {
    .open = tty_open,
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll,
    .ioctl = tty_file_ioctl,
    .seek = tty_seek,
};
