/* Open files: allocation and reference counting (see vfs.h). */
#include "locks.h"
#include <page.h>

/*
 * An open file on inode, with the inode's file operations.  The caller runs
 * ops->open itself when the file system needs it (see open.c), so that
 * pipes and sockets can build files without an open step.
 */
struct file *file_new(struct inode *inode, uint32_t flags)
{
    struct file *file = kzalloc(sizeof(*file));
    if (!file)
        return NULL;
    inode_get(inode);
    file->inode = inode;
    file->ops = inode->file_ops;
    file->flags = flags;
    file->refcount = 1;
    return file;
}

int inode_get_write_access(struct inode *inode)
{
    if (inode->write_count < 0)
        return -ETXTBSY;
    inode->write_count++;
    return 0;
}

void inode_put_write_access(struct inode *inode)
{
    ASSERT(inode->write_count > 0);
    inode->write_count--;
}

int inode_deny_write_access(struct inode *inode)
{
    if (inode->write_count > 0)
        return -ETXTBSY;
    inode->write_count--;
    return 0;
}

void inode_allow_write_access(struct inode *inode)
{
    ASSERT(inode->write_count < 0);
    inode->write_count++;
}

void file_get(struct file *file)
{
    file->refcount++;
}

void file_put(struct file *file)
{
    ASSERT(file->refcount > 0);
    if (--file->refcount)
        return;
    if (file->inode->locks)
        file_locks_release(file);
    if (file->ops && file->ops->release)
        file->ops->release(file);
    if (file->directory)
        inode_put(file->directory);
    kfree(file->name);
    if (file->counted_writer)
        inode_put_write_access(file->inode);
    inode_put(file->inode);
    kfree(file);
}

int file_set_name(struct file *file, struct inode *directory, const char *name)
{
    size_t length = strlen(name);
    file->name = kmalloc(length + 1);
    if (!file->name)
        return -ENOMEM;
    memcpy(file->name, name, length + 1);
    inode_get(directory);
    file->directory = directory;
    return 0;
}
