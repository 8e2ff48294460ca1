/*
 * Setting up the file-system tree at boot.
 *
 * filesystems_init builds the root ramfs, unpacks the initramfs into it,
 * makes /dev and /proc if the archive lacks them, mounts devfs on /dev, and
 * calls procfs_mount when a procfs is linked in.  kernel_main calls it once,
 * before starting init.
 */
#ifndef FILESYSTEMS_H
#define FILESYSTEMS_H
#include <kernel.h>

void filesystems_init(const void *initrd, size_t initrd_size);

/*
 * Defined by procfs (kernel/fs/procfs/) if it is built: mounts it on /proc.
 * Weak, so that the kernel links and boots without a procfs.
 */
void procfs_mount(void) __attribute__((weak));

#endif
