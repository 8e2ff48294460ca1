/* Building the file-system tree at boot (see filesystems.h). */
#include <filesystems.h>
#include <fs_internal.h>
#include <devices.h>
#include <ramfs.h>

/* Makes /name in the root unless the initramfs brought it. */
static void ensure_directory(struct inode *root, const char *name, uint32_t mode)
{
    struct inode *existing;
    if (!root->ops->lookup(root, name, strlen(name), &existing)) {
        inode_put(existing);
        return;
    }
    root->ops->mkdir(root, name, strlen(name), mode);
}

void filesystems_init(const void *initrd, size_t initrd_size)
{
    struct inode *root = ramfs_create_root();
    if (!root)
        panic("filesystems: cannot create the root file system");
    vfs_set_root(root);
    inode_put(root);
    if (initrd && initrd_size)
        initramfs_unpack(initrd, initrd_size);
    else
        kprintf("filesystems: no initramfs\n");
    ensure_directory(root, "dev", 0755);
    ensure_directory(root, "proc", 0555);
    /* Shells and mktemp expect a sticky, world-writable /tmp. */
    ensure_directory(root, "tmp", 01777);
    int error = vfs_mount("/dev", devfs_create());
    if (error)
        kprintf("filesystems: cannot mount /dev: error %d\n", error);
    if (procfs_mount)
        procfs_mount();
}
