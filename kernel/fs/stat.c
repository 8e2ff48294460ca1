/* The struct stat a file's inode answers with (fstat, newfstatat). */
#include <fs_internal.h>
#include <asm/stat.h>

void inode_fill_stat(const struct inode *inode, struct stat *stat)
{
    memset(stat, 0, sizeof(*stat));
    stat->st_dev = inode->super_block ? inode->super_block->device : 0;
    stat->st_ino = inode->number;
    stat->st_mode = inode->mode;
    stat->st_nlink = inode->link_count;
    stat->st_uid = inode->uid;
    stat->st_gid = inode->gid;
    stat->st_rdev = inode->device;
    stat->st_size = (long)inode->size;
    stat->st_blksize = PAGE_SIZE;
    /* st_blocks counts 512-byte units of storage: whole pages for data. */
    if (S_ISREG(inode->mode))
        stat->st_blocks = (long)(ALIGN_UP(inode->size, PAGE_SIZE) / 512);
    stat->st_atime = inode->access_time.seconds;
    stat->st_atime_nsec = inode->access_time.nanoseconds;
    stat->st_mtime = inode->modify_time.seconds;
    stat->st_mtime_nsec = inode->modify_time.nanoseconds;
    stat->st_ctime = inode->change_time.seconds;
    stat->st_ctime_nsec = inode->change_time.nanoseconds;
}
