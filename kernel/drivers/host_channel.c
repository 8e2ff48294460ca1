/*
 * Host channels: character devices (major 240, from Linux's "local use"
 * range) whose writes land in files on the host through semihosting.  This is
 * how tools/guestrun gets a guest command's stdout, stderr and /out archive
 * byte for byte and apart from the console.  The host directory comes from
 * the command line (strata.hostdir=PATH); without it the devices answer ENXIO.
 */
#include <devices.h>
#include <power.h>
#include <uaccess.h>
#include <devicetree.h>

#define HOST_CHANNEL_MAJOR 240
static const char *channel_names[] = { "stdout", "stderr", "out.tar" };
static long channel_handles[3] = { -1, -1, -1 };
static char host_directory[200];

static int channel_open(struct inode *inode, struct file *file)
{
    (void)file;
    uint32_t minor = device_minor(inode->device);
    if (!semihosting_enabled || !host_directory[0] || minor >= ARRAY_SIZE(channel_names))
        return -ENXIO;
    if (channel_handles[minor] < 0) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", host_directory, channel_names[minor]);
        channel_handles[minor] = semihosting_open(path, 5 /* "wb" */);
        if (channel_handles[minor] < 0)
            return -EIO;
    }
    return 0;
}

static ssize_t channel_write(struct file *file, const void *user_buffer, size_t length,
                             uint64_t *offset)
{
    (void)offset;
    long handle = channel_handles[device_minor(file->inode->device)];
    char chunk[512];
    size_t done = 0;
    while (done < length) {
        size_t n = MIN(sizeof(chunk), length - done);
        if (copy_from_user(chunk, (const char *)user_buffer + done, n) < 0)
            return done ? (ssize_t)done : -EFAULT;
        if (semihosting_write(handle, chunk, n) != 0)
            return done ? (ssize_t)done : -EIO;
        done += n;
    }
    return (ssize_t)done;
}

static unsigned channel_poll(struct file *file, struct poll_table *table)
{
    (void)file, (void)table;
    return 0x004;   /* POLLOUT: writes never block */
}

static const struct file_operations channel_operations = {
    .open = channel_open,
    .write = channel_write,
    .poll = channel_poll,
};

static void host_channel_init(void)
{
    const char *line = devicetree_bootargs();
    const char *option = line;
    while ((option = strchr(option, 's'))) {
        if (!strncmp(option, "strata.hostdir=", 15) && (option == line || option[-1] == ' ')) {
            const char *value = option + 15;
            size_t length = 0;
            while (value[length] && value[length] != ' ')
                length++;
            strlcpy(host_directory, value, MIN(length + 1, sizeof(host_directory)));
            break;
        }
        option++;
    }
    for (uint32_t minor = 0; minor < ARRAY_SIZE(channel_names); minor++)
        device_register(device_number(HOST_CHANNEL_MAJOR, minor), &channel_operations);
}
INITCALL(INIT_LEVEL_DEVICE, host_channel_init);
