/*
 * devfs: a ramfs instance holding the standard device nodes, mounted on
 * /dev at boot.  Being a ramfs, it also takes whatever user space creates
 * there (mknod, /dev/shm files).
 */
#include <devices.h>
#include <fs_internal.h>
#include <ramfs.h>
#include <tty.h>

static const struct {
    const char *name;
    uint32_t mode;
    uint32_t major, minor;
} nodes[] = {
    { "null", S_IFCHR | 0666, 1, 3 },
    { "zero", S_IFCHR | 0666, 1, 5 },
    { "full", S_IFCHR | 0666, 1, 7 },
    { "random", S_IFCHR | 0666, 1, 8 },
    { "urandom", S_IFCHR | 0666, 1, 9 },
    { "tty", S_IFCHR | 0666, 5, 0 },
    { "console", S_IFCHR | 0600, 5, 1 },
};

/* What udev and systemd put in every Linux /dev. */
static const struct {
    const char *name, *target;
} links[] = {
    { "fd", "/proc/self/fd" },
    { "stdin", "/proc/self/fd/0" },
    { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" },
};

struct inode *devfs_create(void)
{
    memory_devices_register();
    device_register(device_number(5, 0), &tty_file_operations);
    device_register(device_number(5, 1), &tty_file_operations);

    struct inode *root = ramfs_create("devtmpfs");
    if (!root)
        panic("devfs: out of memory");
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
        root->ops->mknod(root, nodes[i].name, strlen(nodes[i].name), nodes[i].mode,
                         device_number(nodes[i].major, nodes[i].minor));
    for (size_t i = 0; i < ARRAY_SIZE(links); i++)
        root->ops->symlink(root, links[i].name, strlen(links[i].name), links[i].target);
    /* POSIX shared memory (shm_open) lives in /dev/shm, sticky and world-writable. */
    root->ops->mkdir(root, "shm", 3, 01777);
    root->ops->mkdir(root, "pts", 3, 0755);
    return root;
}
