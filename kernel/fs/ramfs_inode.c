/* ramfs inodes: creation by type, release, symlinks, and new instances. */
#include "ramfs_internal.h"
#include <devices.h>
#include <page.h>

static int ramfs_readlink(struct inode *inode, char *buffer, size_t size)
{
    size_t length = MIN(size, inode->size);
    memcpy(buffer, inode->private, length);
    return (int)length;
}

static const struct inode_operations ramfs_regular_inode_operations = {
    .truncate = ramfs_truncate,
    .release = ramfs_release,
};

static const struct inode_operations ramfs_symlink_inode_operations = {
    .readlink = ramfs_readlink,
    .release = ramfs_release,
};

static const struct inode_operations ramfs_special_inode_operations = {
    .release = ramfs_release,
};

/* Block devices and socket files have nothing behind them here: ENXIO. */
static int no_device_open(struct inode *inode, struct file *file)
{
    return -ENXIO;
}
static const struct file_operations no_device_file_operations = {
    .open = no_device_open,
};

struct inode *ramfs_inode_new(struct super_block *super_block, uint32_t mode, uint32_t device)
{
    struct inode *inode = inode_new(super_block, mode);
    if (!inode)
        return NULL;
    switch (mode & S_IFMT) {
    case S_IFDIR: {
        struct ramfs_directory *directory = kzalloc(sizeof(*directory));
        if (!directory) {
            kfree(inode);
            return NULL;
        }
        list_init(&directory->entries);
        directory->next_position = 2;
        inode->private = directory;
        inode->size = 2 * RAMFS_DIRENT_SIZE;
        inode->ops = &ramfs_directory_inode_operations;
        inode->file_ops = &ramfs_directory_file_operations;
        break;
    }
    case S_IFREG:
        inode->ops = &ramfs_regular_inode_operations;
        inode->file_ops = &ramfs_regular_file_operations;
        break;
    case S_IFLNK:
        inode->ops = &ramfs_symlink_inode_operations;
        break;
    case S_IFCHR:
        inode->device = device;
        inode->ops = &ramfs_special_inode_operations;
        inode->file_ops = &char_device_file_operations;
        break;
    case S_IFIFO:
        inode->ops = &ramfs_special_inode_operations;
        inode->file_ops = &fifo_file_operations;
        break;
    default:   /* S_IFBLK, S_IFSOCK */
        inode->device = device;
        inode->ops = &ramfs_special_inode_operations;
        inode->file_ops = &no_device_file_operations;
        break;
    }
    return inode;
}

void ramfs_release(struct inode *inode)
{
    switch (inode->mode & S_IFMT) {
    case S_IFDIR:
        kfree(inode->private);
        if (inode->parent)
            inode_put(inode->parent);
        break;
    case S_IFREG:
        ramfs_file_free(inode);
        break;
    case S_IFLNK:
        kfree(inode->private);
        break;
    default:
        break;
    }
}

struct inode *ramfs_create(const char *name)
{
    struct super_block *super_block = super_block_new(name);
    if (!super_block)
        return NULL;
    struct inode *root = ramfs_inode_new(super_block, S_IFDIR | 0755, 0);
    if (!root) {
        kfree(super_block);
        return NULL;
    }
    /* The root's one reference is the file system's: it is never unlinked. */
    root->link_count = 2;
    return root;
}

struct inode *ramfs_create_root(void)
{
    /* Linux names the initramfs root's type "rootfs" in /proc/mounts. */
    return ramfs_create("rootfs");
}
