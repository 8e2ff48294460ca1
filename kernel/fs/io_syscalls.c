/* Data transfer: read, write, their vectored and positioned forms, lseek, sendfile. */
#include <fs_internal.h>
#include <page.h>
#include <syscall.h>
#include <uaccess.h>
#include <linux/fs.h>
#include <linux/uio.h>

/* Linux caps one transfer at MAX_RW_COUNT, INT_MAX rounded down to a page. */
#define TRANSFER_MAX ((size_t)0x7ffff000)

/* A file cannot be read at an offset if it cannot seek (pread(2): ESPIPE). */
static bool file_seekable(struct file *file)
{
    return !file->ops->seek || file->ops->seek(file, 0, SEEK_CUR) != -ESPIPE;
}

/* offset NULL: at the file's own offset. */
static ssize_t file_read(struct file *file, void *buffer, size_t length, uint64_t *offset)
{
    if (!file_readable(file))
        return -EBADF;
    if (inode_is_directory(file->inode))
        return -EISDIR;
    if (!file->ops || !file->ops->read)
        return -EINVAL;
    return file->ops->read(file, buffer, MIN(length, TRANSFER_MAX), offset ? offset : &file->offset);
}

static ssize_t file_write(struct file *file, const void *buffer, size_t length, uint64_t *offset)
{
    if (!file_writable(file))
        return -EBADF;
    if (!file->ops || !file->ops->write)
        return -EINVAL;
    return file->ops->write(file, buffer, MIN(length, TRANSFER_MAX), offset ? offset : &file->offset);
}

static long sys_read(uint64_t fd, uint64_t buffer, uint64_t length)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    ssize_t result = file_read(file, (void *)buffer, length, NULL);
    file_put(file);
    return result;
}
SYSCALL(__NR_read, sys_read);

static long sys_write(uint64_t fd, uint64_t buffer, uint64_t length)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    ssize_t result = file_write(file, (const void *)buffer, length, NULL);
    file_put(file);
    return result;
}
SYSCALL(__NR_write, sys_write);

static long positioned(uint64_t fd, uint64_t buffer, uint64_t length, int64_t position, bool write)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    ssize_t result;
    uint64_t offset = (uint64_t)position;
    if (write ? !file_writable(file) : !file_readable(file))
        result = -EBADF;
    else if (!file_seekable(file))
        result = -ESPIPE;
    else if (position < 0)
        result = -EINVAL;
    else if (write)
        result = file_write(file, (const void *)buffer, length, &offset);
    else
        result = file_read(file, (void *)buffer, length, &offset);
    file_put(file);
    return result;
}

static long sys_pread64(uint64_t fd, uint64_t buffer, uint64_t length, uint64_t position)
{
    return positioned(fd, buffer, length, (int64_t)position, false);
}
SYSCALL(__NR_pread64, sys_pread64);

static long sys_pwrite64(uint64_t fd, uint64_t buffer, uint64_t length, uint64_t position)
{
    return positioned(fd, buffer, length, (int64_t)position, true);
}
SYSCALL(__NR_pwrite64, sys_pwrite64);

/*
 * readv/writev: the buffers are done in order, as one transfer would be,
 * and a short transfer ends the call.  More than IOV_MAX (UIO_MAXIOV)
 * buffers, or a total that overflows ssize_t, is EINVAL.  position < 0:
 * at the file's offset.
 */
static long vectored(uint64_t fd, uint64_t user_vector, uint64_t count, int64_t position, bool write)
{
    if (count > UIO_MAXIOV)
        return -EINVAL;
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    struct iovec *vector = kmalloc(MAX(count, 1) * sizeof(struct iovec));
    long result = 0;
    uint64_t total = 0;
    if (!vector)
        result = -ENOMEM;
    else if (write ? !file_writable(file) : !file_readable(file))
        result = -EBADF;
    else if (copy_from_user(vector, (void *)user_vector, count * sizeof(struct iovec)))
        result = -EFAULT;
    for (uint64_t i = 0; !result && i < count; i++)
        if (__builtin_add_overflow(total, vector[i].iov_len, &total) || (int64_t)total < 0)
            result = -EINVAL;
    if (!result && position >= 0 && !file_seekable(file))
        result = -ESPIPE;
    uint64_t offset = (uint64_t)position;
    uint64_t *at = position >= 0 ? &offset : NULL;
    ssize_t transferred = 0;
    for (uint64_t i = 0; !result && i < count; i++) {
        if (!vector[i].iov_len)
            continue;
        ssize_t done = write ? file_write(file, vector[i].iov_base, vector[i].iov_len, at)
                             : file_read(file, vector[i].iov_base, vector[i].iov_len, at);
        if (done < 0) {
            /* An error after some data was moved is reported as the count. */
            if (!transferred)
                result = done;
            break;
        }
        transferred += done;
        if ((size_t)done < vector[i].iov_len)
            break;
    }
    if (!result)
        result = transferred;
    kfree(vector);
    file_put(file);
    return result;
}

static long sys_readv(uint64_t fd, uint64_t vector, uint64_t count)
{
    return vectored(fd, vector, count, -1, false);
}
SYSCALL(__NR_readv, sys_readv);

static long sys_writev(uint64_t fd, uint64_t vector, uint64_t count)
{
    return vectored(fd, vector, count, -1, true);
}
SYSCALL(__NR_writev, sys_writev);

static long sys_preadv(uint64_t fd, uint64_t vector, uint64_t count, uint64_t position)
{
    if ((int64_t)position < 0)
        return -EINVAL;
    return vectored(fd, vector, count, (int64_t)position, false);
}
SYSCALL(__NR_preadv, sys_preadv);

static long sys_pwritev(uint64_t fd, uint64_t vector, uint64_t count, uint64_t position)
{
    if ((int64_t)position < 0)
        return -EINVAL;
    return vectored(fd, vector, count, (int64_t)position, true);
}
SYSCALL(__NR_pwritev, sys_pwritev);

static long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    int64_t result;
    if (whence > SEEK_MAX)
        result = -EINVAL;
    else if (file->ops && file->ops->seek)
        result = file->ops->seek(file, (int64_t)offset, (int)whence);
    else
        result = generic_seek(file, (int64_t)offset, (int)whence);
    file_put(file);
    return result;
}
SYSCALL(__NR_lseek, sys_lseek);

/*
 * sendfile(2): copies through a kernel page, reading at *offset (updated)
 * or at the input file's offset, and writing at the output file's offset.
 */
static long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t user_offset, uint64_t count)
{
    struct file *in = fd_get((int)in_fd);
    struct file *out = fd_get((int)out_fd);
    long result = 0;
    uint64_t offset = 0;
    void *page = page_alloc();
    if (!in || !out)
        result = -EBADF;
    else if (!file_readable(in) || !file_writable(out))
        result = -EBADF;
    else if ((in->inode->mode & 0170000) != 0100000)
        result = -EINVAL;   /* sendfile(2): input must be mmap-able (a regular file), as on Linux */
    else if (!page)
        result = -ENOMEM;
    else if (user_offset && copy_from_user(&offset, (void *)user_offset, sizeof(offset)))
        result = -EFAULT;
    else if (user_offset && (int64_t)offset < 0)
        result = -EINVAL;
    uint64_t *in_offset = user_offset ? &offset : &in->offset;
    size_t done = 0;
    count = MIN(count, TRANSFER_MAX);
    while (!result && done < count) {
        bool previous = kernel_buffers_begin();
        ssize_t got = file_read(in, page, MIN(PAGE_SIZE, count - done), in_offset);
        ssize_t put = got > 0 ? file_write(out, page, (size_t)got, NULL) : got;
        kernel_buffers_end(previous);
        if (got <= 0 || put < 0) {
            if (!done)
                result = got < 0 ? got : put;
            break;
        }
        done += (size_t)put;
        if (put < got) {
            /* The reader is ahead of what was written: give the rest back. */
            *in_offset -= (size_t)(got - put);
            break;
        }
    }
    if (!result) {
        result = (long)done;
        if (user_offset && copy_to_user((void *)user_offset, &offset, sizeof(offset)))
            result = -EFAULT;
    }
    if (page)
        page_put(page);
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return result;
}
SYSCALL(__NR_sendfile, sys_sendfile);
