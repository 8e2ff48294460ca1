/*
 * Reading and writing files from the kernel (exec, init): the file
 * operations copy "user" buffers, so the calls run between
 * kernel_buffers_begin and kernel_buffers_end (uaccess.h).
 */
#include <vfs.h>
#include <uaccess.h>

ssize_t kernel_read(struct file *file, void *buffer, size_t length, uint64_t offset)
{
    if (!file->ops || !file->ops->read)
        return -EINVAL;
    bool previous = kernel_buffers_begin();
    ssize_t result = file->ops->read(file, buffer, length, &offset);
    kernel_buffers_end(previous);
    return result;
}

ssize_t kernel_write(struct file *file, const void *buffer, size_t length, uint64_t offset)
{
    if (!file->ops || !file->ops->write)
        return -EINVAL;
    bool previous = kernel_buffers_begin();
    ssize_t result = file->ops->write(file, buffer, length, &offset);
    kernel_buffers_end(previous);
    return result;
}
