/* lseek(2) for files that have a size, and for those that cannot seek. */
#include <fs_internal.h>
#include <linux/fs.h>

int64_t generic_seek(struct file *file, int64_t offset, int whence)
{
    int64_t base;
    int64_t size = (int64_t)file->inode->size;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)file->offset;
        break;
    case SEEK_END:
        base = size;
        break;
    /* Without holes, data runs up to the end and the one hole is after it. */
    case SEEK_DATA:
    case SEEK_HOLE:
        if (offset < 0 || offset >= size)
            return -ENXIO;
        base = 0;
        if (whence == SEEK_HOLE)
            offset = size;
        break;
    default:
        return -EINVAL;
    }
    int64_t position;
    /* lseek(2): a resulting offset that is negative (or overflows) is EINVAL. */
    if (__builtin_add_overflow(base, offset, &position) || position < 0)
        return -EINVAL;
    file->offset = (uint64_t)position;
    return position;
}

int64_t no_seek(struct file *file, int64_t offset, int whence)
{
    return -ESPIPE;
}

int64_t seek_stays(struct file *file, int64_t offset, int whence)
{
    return (int64_t)file->offset;
}
