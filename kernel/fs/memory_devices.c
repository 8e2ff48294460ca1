/* The memory character devices, major 1 as on Linux: null, zero, full, random, urandom. */
#include <devices.h>
#include <fs_internal.h>
#include <random.h>
#include <uaccess.h>

/* /dev/null and friends read at offset 0 forever: seeking is a no-op. */
static int64_t memory_seek(struct file *file, int64_t offset, int whence)
{
    file->offset = 0;
    return 0;
}

static ssize_t read_nothing(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    return 0;
}

static ssize_t read_zeros(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    return clear_user(user_buffer, length) ? -EFAULT : (ssize_t)length;
}

static ssize_t write_discard(struct file *file, const void *user_buffer, size_t length, uint64_t *offset)
{
    return (ssize_t)length;
}

/* /dev/full: every write fails as on a full disk (null(4), full(4)). */
static ssize_t write_full(struct file *file, const void *user_buffer, size_t length, uint64_t *offset)
{
    return length ? -ENOSPC : 0;
}

static ssize_t read_random(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    uint8_t chunk[256];
    size_t done = 0;
    while (done < length) {
        size_t count = MIN(sizeof(chunk), length - done);
        random_bytes(chunk, count);
        if (copy_to_user((uint8_t *)user_buffer + done, chunk, count))
            return done ? (ssize_t)done : -EFAULT;
        done += count;
    }
    return (ssize_t)done;
}

static const struct file_operations null_operations = {
    .read = read_nothing, .write = write_discard, .seek = memory_seek,
};
static const struct file_operations zero_operations = {
    .read = read_zeros, .write = write_discard, .seek = memory_seek, .maps_anonymous = true,
};
static const struct file_operations full_operations = {
    .read = read_zeros, .write = write_full, .seek = memory_seek,
};
static const struct file_operations random_operations = {
    .read = read_random, .write = write_discard, .seek = memory_seek,
};

void memory_devices_register(void)
{
    device_register(device_number(1, 3), &null_operations);
    device_register(device_number(1, 5), &zero_operations);
    device_register(device_number(1, 7), &full_operations);
    device_register(device_number(1, 8), &random_operations);
    device_register(device_number(1, 9), &random_operations);
}
