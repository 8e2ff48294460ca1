/* The character-device registry (see devices.h). */
#include <devices.h>

#define DEVICES_MAX 64

static struct {
    uint32_t device;
    const struct file_operations *ops;
} devices[DEVICES_MAX];
static int device_count;

int device_register(uint32_t device, const struct file_operations *ops)
{
    if (device_operations(device))
        return -EBUSY;
    if (device_count == DEVICES_MAX)
        return -ENOMEM;
    devices[device_count].device = device;
    devices[device_count].ops = ops;
    device_count++;
    return 0;
}

const struct file_operations *device_operations(uint32_t device)
{
    for (int i = 0; i < device_count; i++)
        if (devices[i].device == device)
            return devices[i].ops;
    return NULL;
}

/* Opening a device node switches the file to its driver's operations. */
static int char_device_open(struct inode *inode, struct file *file)
{
    const struct file_operations *ops = device_operations(inode->device);
    if (!ops)
        return -ENXIO;
    file->ops = ops;
    return ops->open ? ops->open(inode, file) : 0;
}

const struct file_operations char_device_file_operations = {
    .open = char_device_open,
};
