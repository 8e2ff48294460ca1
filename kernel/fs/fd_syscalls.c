/* Descriptor system calls: openat, close, close_range, dup, dup3, fcntl, ioctl, pipe2. */
#include "locks.h"
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <asm/ioctls.h>
#include <linux/close_range.h>

static long sys_openat(uint64_t dirfd, uint64_t user_path, uint64_t flags, uint64_t mode)
{
    char *path;
    long result = path_from_user((const char *)user_path, &path);
    if (result < 0)
        return result;
    /* 64-bit Linux opens every file as if O_LARGEFILE were given. */
    uint32_t open_flags = (uint32_t)flags | O_LARGEFILE;
    struct file *file;
    result = vfs_open_at((int)dirfd, path, open_flags, (uint32_t)mode, &file);
    kfree(path);
    if (result)
        return result;
    result = fd_install(file, flags & O_CLOEXEC);
    if (result < 0)
        file_put(file);
    return result;
}
SYSCALL(__NR_openat, sys_openat);

static long sys_close(uint64_t fd)
{
    return fd_close((int)fd);
}
SYSCALL(__NR_close, sys_close);

/* close_range(2): closes, or marks close-on-exec, every open fd in [first, last]. */
static long sys_close_range(uint64_t first, uint64_t last, uint64_t flags)
{
    if (flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
        return -EINVAL;
    for (uint64_t fd = first; fd <= last && fd < (uint64_t)current->process->files->size; fd++) {
        struct file *file = fd_get((int)fd);
        if (!file)
            continue;
        file_put(file);
        if (flags & CLOSE_RANGE_CLOEXEC)
            fd_set_close_on_exec((int)fd, true);
        else
            fd_close((int)fd);
    }
    return 0;
}
SYSCALL(__NR_close_range, sys_close_range);

static long duplicate(int fd, int minimum, bool close_on_exec)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = fd_install_from(minimum, file, close_on_exec);
    if (result < 0)
        file_put(file);
    return result;
}

static long sys_dup(uint64_t fd)
{
    return duplicate((int)fd, 0, false);
}
SYSCALL(__NR_dup, sys_dup);

static long sys_dup3(uint64_t old_fd, uint64_t new_fd, uint64_t flags)
{
    if (flags & ~(uint64_t)O_CLOEXEC)
        return -EINVAL;
    if (old_fd == new_fd)
        return -EINVAL;       /* dup3(2), unlike dup2 */
    struct file *file = fd_get((int)old_fd);
    if (!file)
        return -EBADF;
    long result = fd_install_at((int)new_fd, file, flags & O_CLOEXEC);
    if (result < 0)
        file_put(file);
    return result;
}
SYSCALL(__NR_dup3, sys_dup3);

/* fcntl(2) F_SETFL may change only these; the access mode and the rest stay. */
#define SETTABLE_STATUS_FLAGS (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

static long sys_fcntl(uint64_t fd, uint64_t command, uint64_t argument)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result;
    switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (argument >= (uint64_t)fd_limit()) {
            result = -EINVAL;
            break;
        }
        result = fd_install_from((int)argument, file, command == F_DUPFD_CLOEXEC);
        if (result >= 0)
            return result;   /* the slot took this call's reference */
        break;
    case F_GETFD:
        result = fd_get_close_on_exec((int)fd) ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        fd_set_close_on_exec((int)fd, argument & FD_CLOEXEC);
        result = 0;
        break;
    case F_GETFL:
        result = file->flags;
        break;
    case F_SETFL:
        file->flags = (file->flags & ~SETTABLE_STATUS_FLAGS) | (argument & SETTABLE_STATUS_FLAGS);
        result = 0;
        break;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        result = file_lock_fcntl((int)fd, file, (unsigned)command, argument);
        break;
    case F_GETOWN:
    case F_SETOWN:
        result = 0;
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        result = pipe_fcntl(file, (unsigned)command, argument);
        break;
    default:
        result = -EINVAL;
        break;
    }
    file_put(file);
    return result;
}
SYSCALL(__NR_fcntl, sys_fcntl);

static long sys_ioctl(uint64_t fd, uint64_t command, uint64_t argument)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result;
    int value;
    switch (command) {
    case FIOCLEX:
    case FIONCLEX:
        fd_set_close_on_exec((int)fd, command == FIOCLEX);
        result = 0;
        break;
    case FIONBIO:
        result = GET_USER(value, (int *)argument);
        if (!result)
            file->flags = value ? file->flags | O_NONBLOCK : file->flags & ~O_NONBLOCK;
        break;
    case FIONREAD:
        /* Linux answers FIONREAD for regular files itself: bytes left. */
        if (S_ISREG(file->inode->mode)) {
            result = PUT_USER((int)(file->inode->size - file->offset), (int *)argument);
            break;
        }
        result = file->ops && file->ops->ioctl ? file->ops->ioctl(file, (unsigned)command, argument)
                                               : -ENOTTY;
        break;
    case FIOASYNC:
        result = GET_USER(value, (int *)argument);
        if (!result)
            file->flags = value ? file->flags | FASYNC : file->flags & ~FASYNC;
        break;
    default:
        if (file->flags & O_PATH)
            result = -EBADF;
        else if (file->ops && file->ops->ioctl)
            result = file->ops->ioctl(file, (unsigned)command, argument);
        else
            result = -ENOTTY;   /* ioctl(2): not a device that takes requests */
        break;
    }
    file_put(file);
    return result;
}
SYSCALL(__NR_ioctl, sys_ioctl);

static long sys_pipe2(uint64_t user_fds, uint64_t flags)
{
    if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    struct file *ends[2];
    long result = pipe_create(ends, (uint32_t)flags);
    if (result)
        return result;
    int fds[2];
    fds[0] = fd_install(ends[0], flags & O_CLOEXEC);
    fds[1] = fds[0] < 0 ? -EMFILE : fd_install(ends[1], flags & O_CLOEXEC);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            fd_close(fds[0]);
        else
            file_put(ends[0]);
        file_put(ends[1]);
        return -EMFILE;
    }
    if (copy_to_user((void *)user_fds, fds, sizeof(fds))) {
        fd_close(fds[0]);
        fd_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}
SYSCALL(__NR_pipe2, sys_pipe2);
