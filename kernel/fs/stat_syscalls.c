/* Asking about files: newfstatat, fstat, statx, statfs, fstatfs, faccessat, readlinkat. */
/* The arm64 header first: it asks the generic one for newfstatat and fstat. */
#include <asm/unistd.h>
#include <fs_internal.h>
#include <page.h>
#include <syscall.h>
#include <uaccess.h>
#include <devices.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/magic.h>

static long stat_to_user(struct inode *inode, uint64_t user_stat)
{
    struct stat stat;
    inode_fill_stat(inode, &stat);
    return copy_to_user((void *)user_stat, &stat, sizeof(stat)) ? -EFAULT : 0;
}

static long sys_newfstatat(uint64_t dirfd, uint64_t user_path, uint64_t user_stat, uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path, (unsigned)flags, &inode);
    if (result)
        return result;
    result = stat_to_user(inode, user_stat);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_newfstatat, sys_newfstatat);

static long sys_fstat(uint64_t fd, uint64_t user_stat)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result = stat_to_user(file->inode, user_stat);
    file_put(file);
    return result;
}
SYSCALL(__NR_fstat, sys_fstat);

static struct statx_timestamp statx_time(struct timespec_kernel time)
{
    return (struct statx_timestamp){ .tv_sec = time.seconds, .tv_nsec = (uint32_t)time.nanoseconds };
}

static long sys_statx(uint64_t dirfd, uint64_t user_path, uint64_t flags, uint64_t mask,
                      uint64_t user_statx)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
                            AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
        return -EINVAL;
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path, (unsigned)flags, &inode);
    if (result)
        return result;
    struct stat stat;
    inode_fill_stat(inode, &stat);
    /* Everything in STATX_BASIC_STATS is known, whatever was asked. */
    struct statx statx = {
        .stx_mask = STATX_BASIC_STATS,
        .stx_blksize = (uint32_t)stat.st_blksize,
        .stx_nlink = stat.st_nlink,
        .stx_uid = stat.st_uid,
        .stx_gid = stat.st_gid,
        .stx_mode = (uint16_t)stat.st_mode,
        .stx_ino = stat.st_ino,
        .stx_size = (uint64_t)stat.st_size,
        .stx_blocks = (uint64_t)stat.st_blocks,
        .stx_atime = statx_time(inode->access_time),
        .stx_ctime = statx_time(inode->change_time),
        .stx_mtime = statx_time(inode->modify_time),
        .stx_rdev_major = device_major(inode->device),
        .stx_rdev_minor = device_minor(inode->device),
        .stx_dev_major = device_major((uint32_t)stat.st_dev),
        .stx_dev_minor = device_minor((uint32_t)stat.st_dev),
    };
    inode_put(inode);
    return copy_to_user((void *)user_statx, &statx, sizeof(statx)) ? -EFAULT : 0;
}
SYSCALL(__NR_statx, sys_statx);

static long statfs_to_user(struct inode *inode, uint64_t user_statfs)
{
    static const struct {
        const char *name;
        long magic;
    } types[] = {
        { "rootfs", RAMFS_MAGIC }, { "ramfs", RAMFS_MAGIC }, { "devtmpfs", TMPFS_MAGIC },
        { "proc", PROC_SUPER_MAGIC }, { "pipefs", PIPEFS_MAGIC }, { "sockfs", SOCKFS_MAGIC },
    };
    struct statfs statfs = {
        .f_bsize = PAGE_SIZE,
        .f_frsize = PAGE_SIZE,
        .f_namelen = NAME_MAX,
    };
    const char *name = inode->super_block ? inode->super_block->name : "";
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        if (name && !strcmp(name, types[i].name))
            statfs.f_type = types[i].magic;
    /* Memory file systems share all of RAM: report the page allocator's view. */
    if (statfs.f_type == RAMFS_MAGIC || statfs.f_type == TMPFS_MAGIC) {
        statfs.f_blocks = (long)page_total_count();
        statfs.f_bfree = statfs.f_bavail = (long)page_free_count();
    }
    statfs.f_fsid.val[0] = inode->super_block ? (int)inode->super_block->device : 0;
    return copy_to_user((void *)user_statfs, &statfs, sizeof(statfs)) ? -EFAULT : 0;
}

static long sys_statfs(uint64_t user_path, uint64_t user_statfs)
{
    struct inode *inode;
    long result = user_path_lookup(AT_FDCWD, (const char *)user_path, 0, &inode);
    if (result)
        return result;
    result = statfs_to_user(inode, user_statfs);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_statfs, sys_statfs);

static long sys_fstatfs(uint64_t fd, uint64_t user_statfs)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result = statfs_to_user(file->inode, user_statfs);
    file_put(file);
    return result;
}
SYSCALL(__NR_fstatfs, sys_fstatfs);

/* access(2) modes (unistd.h values). */
#define R_OK 4
#define W_OK 2
#define X_OK 1

/*
 * access(2) for the superuser, which every process here is: reading and
 * writing are always allowed; executing needs an execute bit on something
 * other than a directory (directories may always be searched).
 */
static long access_check(uint64_t dirfd, uint64_t user_path, uint64_t mode, uint64_t flags)
{
    if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path, (unsigned)flags, &inode);
    if (result)
        return result;
    if ((mode & X_OK) && !inode_is_directory(inode) && !(inode->mode & 0111))
        result = -EACCES;
    inode_put(inode);
    return result;
}

static long sys_faccessat(uint64_t dirfd, uint64_t user_path, uint64_t mode)
{
    return access_check(dirfd, user_path, mode, 0);
}
SYSCALL(__NR_faccessat, sys_faccessat);

static long sys_faccessat2(uint64_t dirfd, uint64_t user_path, uint64_t mode, uint64_t flags)
{
    return access_check(dirfd, user_path, mode, flags);
}
SYSCALL(__NR_faccessat2, sys_faccessat2);

static long sys_readlinkat(uint64_t dirfd, uint64_t user_path, uint64_t user_buffer, uint64_t size)
{
    if ((int)size <= 0)
        return -EINVAL;
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path,
                                   AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &inode);
    if (result)
        return result;
    char *target = NULL;
    if (!S_ISLNK(inode->mode) || !inode->ops || !inode->ops->readlink)
        result = -EINVAL;     /* readlink(2): not a symbolic link */
    else if (!(target = kmalloc(PATH_MAX)))
        result = -ENOMEM;
    else
        result = inode->ops->readlink(inode, target, PATH_MAX);
    /* The target is not NUL-terminated and is silently truncated to size. */
    if (result > 0) {
        result = MIN((uint64_t)result, size);
        if (copy_to_user((void *)user_buffer, target, (size_t)result))
            result = -EFAULT;
    }
    kfree(target);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_readlinkat, sys_readlinkat);
