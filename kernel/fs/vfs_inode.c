/* Inodes: allocation, reference counting and timestamps (see vfs.h). */
#include <vfs.h>
#include <page.h>
#include <clock.h>

struct timespec_kernel vfs_now(void)
{
    uint64_t now = clock_realtime_ns();
    return (struct timespec_kernel){ .seconds = (int64_t)(now / NANOSECONDS_PER_SECOND),
                                     .nanoseconds = (int64_t)(now % NANOSECONDS_PER_SECOND) };
}

/*
 * A new inode with refcount 1 (the caller's) and link_count 0: the file
 * system sets link_count when it links the inode into a directory.
 */
struct inode *inode_new(struct super_block *super_block, uint32_t mode)
{
    struct inode *inode = kzalloc(sizeof(*inode));
    if (!inode)
        return NULL;
    inode->number = ++super_block->next_inode_number;
    inode->mode = mode;
    inode->super_block = super_block;
    inode->refcount = 1;
    list_init(&inode->mapped_areas);
    inode->access_time = inode->modify_time = inode->change_time = vfs_now();
    return inode;
}

void inode_get(struct inode *inode)
{
    inode->refcount++;
}

void inode_put(struct inode *inode)
{
    ASSERT(inode->refcount > 0);
    if (--inode->refcount)
        return;
    if (inode->ops && inode->ops->release)
        inode->ops->release(inode);
    kfree(inode);
}

/*
 * POSIX: a read marks st_atime; a change of the data marks st_mtime and
 * st_ctime (a change of the status alone sets only st_ctime, done in place).
 */
void inode_touch(struct inode *inode, bool modified)
{
    struct timespec_kernel now = vfs_now();
    if (modified)
        inode->modify_time = inode->change_time = now;
    else
        inode->access_time = now;
}
