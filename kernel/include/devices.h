/*
 * Character devices.  A device number is kept in the encoding user space
 * sees in st_rdev and passes to mknod (Linux's new_encode_dev, glibc's
 * makedev): minor bits 0-7, major bits 8-19, minor bits 8-19 at bits 20-31.
 * A driver registers file operations for its numbers; opening a character
 * device node looks them up (ENXIO when nobody registered the number, as on
 * Linux).
 */
#ifndef DEVICES_H
#define DEVICES_H
#include <vfs.h>

static inline uint32_t device_number(uint32_t major, uint32_t minor)
{
    return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffu) << 12);
}
static inline uint32_t device_major(uint32_t device) { return (device >> 8) & 0xfff; }
static inline uint32_t device_minor(uint32_t device)
{
    return (device & 0xff) | ((device >> 12) & ~0xffu);
}

/* Returns 0, or -EBUSY when the number is taken, -ENOMEM when full. */
int device_register(uint32_t device, const struct file_operations *ops);
const struct file_operations *device_operations(uint32_t device);

/* The file operations of every character-device inode: open dispatches. */
extern const struct file_operations char_device_file_operations;

/* Registers null, zero, full, random and urandom (fs/memory_devices.c). */
void memory_devices_register(void);

/* A new devfs instance, populated with the standard nodes (fs/devfs.c). */
struct inode *devfs_create(void);

#endif
