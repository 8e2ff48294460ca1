/*
 * Changing what stat reports: chmod, chown, utimensat, truncate; and the
 * sync family, which has nothing to do in memory file systems.
 */
#include <fs_internal.h>
#include <syscall.h>
#include <uaccess.h>
#include <linux/time_types.h>

/* utimensat(2) special nanosecond values (Linux's, not in the uapi headers). */
#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

static struct inode *fd_inode(int fd, bool allow_path_only, long *error)
{
    struct file *file = fd_get(fd);
    if (!file || (!allow_path_only && (file->flags & O_PATH))) {
        if (file)
            file_put(file);
        *error = -EBADF;
        return NULL;
    }
    struct inode *inode = file->inode;
    inode_get(inode);
    file_put(file);
    return inode;
}

static long change_mode(struct inode *inode, uint64_t mode)
{
    inode->mode = (inode->mode & S_IFMT) | (mode & 07777);
    inode->change_time = vfs_now();
    return 0;
}

static long sys_fchmodat(uint64_t dirfd, uint64_t user_path, uint64_t mode)
{
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path, 0, &inode);
    if (result)
        return result;
    result = change_mode(inode, mode);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_fchmodat, sys_fchmodat);

static long sys_fchmod(uint64_t fd, uint64_t mode)
{
    long result;
    struct inode *inode = fd_inode((int)fd, false, &result);
    if (!inode)
        return result;
    result = change_mode(inode, mode);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_fchmod, sys_fchmod);

/*
 * chown(2): an id of -1 is left unchanged.  Changing either clears the
 * set-user-ID bit of a regular file, and set-group-ID when group execute is
 * set, even for the superuser (Linux).
 */
static long change_owner(struct inode *inode, uint64_t uid, uint64_t gid)
{
    bool changing = (uint32_t)uid != (uint32_t)-1 || (uint32_t)gid != (uint32_t)-1;
    if ((uint32_t)uid != (uint32_t)-1)
        inode->uid = (uint32_t)uid;
    if ((uint32_t)gid != (uint32_t)-1)
        inode->gid = (uint32_t)gid;
    if (changing && S_ISREG(inode->mode)) {
        inode->mode &= ~S_ISUID;
        if (inode->mode & S_IXGRP)
            inode->mode &= ~S_ISGID;
    }
    inode->change_time = vfs_now();
    return 0;
}

static long sys_fchownat(uint64_t dirfd, uint64_t user_path, uint64_t uid, uint64_t gid, uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *inode;
    long result = user_path_lookup((int)dirfd, (const char *)user_path, (unsigned)flags, &inode);
    if (result)
        return result;
    result = change_owner(inode, uid, gid);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_fchownat, sys_fchownat);

static long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid)
{
    long result;
    struct inode *inode = fd_inode((int)fd, false, &result);
    if (!inode)
        return result;
    result = change_owner(inode, uid, gid);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_fchown, sys_fchown);

static int time_from_user(const struct __kernel_timespec *given, struct timespec_kernel now,
                          struct timespec_kernel *time, bool *omit)
{
    *omit = given->tv_nsec == UTIME_OMIT;
    if (given->tv_nsec == UTIME_NOW)
        *time = now;
    else if (!*omit && (given->tv_nsec < 0 || given->tv_nsec >= 1000000000))
        return -EINVAL;
    else
        *time = (struct timespec_kernel){ .seconds = given->tv_sec, .nanoseconds = given->tv_nsec };
    return 0;
}

/* utimensat(2); a NULL path (a Linux extension futimens uses) names dirfd. */
static long sys_utimensat(uint64_t dirfd, uint64_t user_path, uint64_t user_times, uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct timespec_kernel now = vfs_now();
    struct timespec_kernel access = now, modify = now;
    bool omit_access = false, omit_modify = false;
    if (user_times) {
        struct __kernel_timespec times[2];
        if (copy_from_user(times, (void *)user_times, sizeof(times)))
            return -EFAULT;
        long error = time_from_user(&times[0], now, &access, &omit_access);
        if (!error)
            error = time_from_user(&times[1], now, &modify, &omit_modify);
        if (error)
            return error;
    }
    long result;
    struct inode *inode;
    if (!user_path)
        inode = fd_inode((int)dirfd, false, &result);
    else if ((result = user_path_lookup((int)dirfd, (const char *)user_path, (unsigned)flags, &inode)))
        inode = NULL;
    if (!inode)
        return result;
    if (!omit_access)
        inode->access_time = access;
    if (!omit_modify)
        inode->modify_time = modify;
    if (!omit_access || !omit_modify)
        inode->change_time = now;
    inode_put(inode);
    return 0;
}
SYSCALL(__NR_utimensat, sys_utimensat);

static long truncate_inode(struct inode *inode, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    if (inode_is_directory(inode))
        return -EISDIR;
    if (!S_ISREG(inode->mode) || !inode->ops || !inode->ops->truncate)
        return -EINVAL;
    return inode->ops->truncate(inode, (uint64_t)length);
}

static long sys_truncate(uint64_t user_path, uint64_t length)
{
    struct inode *inode;
    long result = user_path_lookup(AT_FDCWD, (const char *)user_path, 0, &inode);
    if (result)
        return result;
    /* vfs_truncate takes write access after its other checks: ETXTBSY for a
     * running program. */
    if ((int64_t)length >= 0 && S_ISREG(inode->mode) && inode->write_count < 0)
        result = -ETXTBSY;
    else
        result = truncate_inode(inode, (int64_t)length);
    inode_put(inode);
    return result;
}
SYSCALL(__NR_truncate, sys_truncate);

static long sys_ftruncate(uint64_t fd, uint64_t length)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result;
    /* ftruncate(2): EINVAL when fd is not a regular file open for writing. */
    if ((int64_t)length < 0 || !file_writable(file) || !S_ISREG(file->inode->mode))
        result = -EINVAL;
    else
        result = truncate_inode(file->inode, (int64_t)length);
    file_put(file);
    return result;
}
SYSCALL(__NR_ftruncate, sys_ftruncate);

static long sys_sync(void)
{
    return 0;
}
SYSCALL(__NR_sync, sys_sync);

/* fsync(2): nothing to write back; pipes and sockets cannot be synced (EINVAL). */
static long sys_fsync(uint64_t fd)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result = S_ISFIFO(file->inode->mode) || S_ISSOCK(file->inode->mode) ? -EINVAL : 0;
    file_put(file);
    return result;
}
SYSCALL(__NR_fsync, sys_fsync);

static long sys_fdatasync(uint64_t fd)
{
    return sys_fsync(fd);
}
SYSCALL(__NR_fdatasync, sys_fdatasync);

static long sys_syncfs(uint64_t fd)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    file_put(file);
    return 0;
}
SYSCALL(__NR_syncfs, sys_syncfs);
