/*
 * ramfs regular files: the data is an array of whole pages, so that exec and
 * mmap map them without copying (ramfs_map_page): they are the page cache.
 * Pages are allocated on first write; a missing page is a hole and reads as
 * zeros.
 */
#include "ramfs_internal.h"
#include <address_space.h>
#include <page.h>
#include <uaccess.h>
#include <linux/fs.h>

/* Sizes beyond what the page array can describe answer EFBIG (write(2)). */
#define RAMFS_FILE_MAX ((uint64_t)1 << 40)

static struct ramfs_file *file_data(struct inode *inode)
{
    if (!inode->private)
        inode->private = kzalloc(sizeof(struct ramfs_file));
    return inode->private;
}

static void *page_at(struct inode *inode, uint64_t index)
{
    struct ramfs_file *data = inode->private;
    if (!data || index >= data->page_slots)
        return NULL;
    return data->pages[index];
}

/* Grows the page array to at least slots entries. */
static int reserve_slots(struct ramfs_file *data, size_t slots)
{
    if (slots <= data->page_slots)
        return 0;
    size_t capacity = MAX(data->page_slots * 2, MAX(slots, 16));
    void **pages = kzalloc(capacity * sizeof(void *));
    if (!pages)
        return -ENOSPC;
    if (data->pages)
        memcpy(pages, data->pages, data->page_slots * sizeof(void *));
    kfree(data->pages);
    data->pages = pages;
    data->page_slots = capacity;
    return 0;
}

/* The page at index, allocated (zeroed) when it is a hole. */
static void *page_for_write(struct inode *inode, uint64_t index)
{
    struct ramfs_file *data = file_data(inode);
    if (!data || reserve_slots(data, index + 1))
        return NULL;
    if (!data->pages[index])
        data->pages[index] = page_alloc_zeroed();
    return data->pages[index];
}

void ramfs_file_free(struct inode *inode)
{
    struct ramfs_file *data = inode->private;
    if (!data)
        return;
    for (size_t i = 0; i < data->page_slots; i++)
        if (data->pages[i])
            page_put(data->pages[i]);
    kfree(data->pages);
    kfree(data);
}

static int ramfs_map_page(struct file *file, uint64_t index, void **page)
{
    struct inode *inode = file->inode;
    if (index >= ALIGN_UP(inode->size, PAGE_SIZE) / PAGE_SIZE)
        return -ENXIO;
    *page = page_for_write(inode, index);
    if (!*page)
        return -ENOMEM;
    page_get(*page);
    return 0;
}

/*
 * Before the size grows: the bytes past the old end in its page may hold
 * what a store through a shared mapping left there (mmap(2): they are not
 * part of the file); what the file gains must read as zeros (POSIX
 * ftruncate, write).
 */
static void zero_past_end(struct inode *inode)
{
    uint8_t *last = page_at(inode, inode->size / PAGE_SIZE);
    size_t in_page = inode->size % PAGE_SIZE;
    if (last && in_page)
        memset(last + in_page, 0, PAGE_SIZE - in_page);
}

static ssize_t ramfs_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct inode *inode = file->inode;
    if (*offset >= inode->size)
        return 0;
    length = MIN(length, inode->size - *offset);
    size_t done = 0;
    while (done < length) {
        uint64_t position = *offset + done;
        size_t in_page = position % PAGE_SIZE;
        size_t chunk = MIN(PAGE_SIZE - in_page, length - done);
        uint8_t *page = page_at(inode, position / PAGE_SIZE);
        uint8_t *destination = (uint8_t *)user_buffer + done;
        int error = page ? copy_to_user(destination, page + in_page, chunk)
                         : clear_user(destination, chunk);
        if (error) {
            if (!done)
                return error;
            break;
        }
        done += chunk;
    }
    *offset += done;
    inode_touch(inode, false);
    return (ssize_t)done;
}

/*
 * Copies length bytes to offset, from user memory or (from_kernel) kernel
 * memory.  Returns the bytes written, or an errno when none were.
 */
static ssize_t write_data(struct inode *inode, uint64_t offset, const void *source,
                          size_t length, bool from_kernel)
{
    if (length == 0)
        return 0;
    if (offset >= RAMFS_FILE_MAX)
        return -EFBIG;
    length = MIN(length, RAMFS_FILE_MAX - offset);
    if (offset + length > inode->size)
        zero_past_end(inode);
    size_t done = 0;
    int error = 0;
    while (done < length) {
        uint64_t position = offset + done;
        size_t in_page = position % PAGE_SIZE;
        size_t chunk = MIN(PAGE_SIZE - in_page, length - done);
        uint8_t *page = page_for_write(inode, position / PAGE_SIZE);
        if (!page) {
            error = -ENOSPC;
            break;
        }
        const uint8_t *from = (const uint8_t *)source + done;
        if (from_kernel)
            memcpy(page + in_page, from, chunk);
        else if ((error = copy_from_user(page + in_page, from, chunk)))
            break;
        done += chunk;
    }
    if (!done)
        return error;
    inode->size = MAX(inode->size, offset + done);
    inode_touch(inode, true);
    return (ssize_t)done;
}

static ssize_t ramfs_write(struct file *file, const void *user_buffer, size_t length, uint64_t *offset)
{
    /* POSIX: with O_APPEND each write first moves the offset to the end. */
    if (file->flags & O_APPEND)
        *offset = file->inode->size;
    ssize_t written = write_data(file->inode, *offset, user_buffer, length, false);
    if (written > 0)
        *offset += written;
    return written;
}

int ramfs_write_kernel(struct inode *inode, uint64_t offset, const void *data, size_t length)
{
    ssize_t written = write_data(inode, offset, data, length, true);
    if (written < 0)
        return (int)written;
    return (size_t)written == length ? 0 : -ENOSPC;
}

/*
 * truncate(2): bytes past a new, smaller size are dropped (whole pages
 * unmapped from every mapping and freed, the tail of the last page zeroed,
 * which its mappings see); a larger size just leaves a hole.
 */
int ramfs_truncate(struct inode *inode, uint64_t size)
{
    if (size > RAMFS_FILE_MAX)
        return -EFBIG;
    struct ramfs_file *data = inode->private;
    if (size > inode->size)
        zero_past_end(inode);
    if (size < inode->size)
        file_mappings_truncate(inode, size);
    if (size < inode->size && data) {
        uint64_t first_dropped = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
        for (uint64_t i = first_dropped; i < data->page_slots; i++) {
            if (data->pages[i]) {
                page_put(data->pages[i]);
                data->pages[i] = NULL;
            }
        }
        uint8_t *last = page_at(inode, size / PAGE_SIZE);
        if (last && size % PAGE_SIZE)
            memset(last + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
    }
    inode->size = size;
    inode_touch(inode, true);
    return 0;
}

/*
 * lseek(2) SEEK_DATA and SEEK_HOLE see the holes, at page granularity as
 * tmpfs does: a hole is a page never written.  The end of the file counts
 * as a hole; past it there is nothing (ENXIO).
 */
static int64_t ramfs_seek(struct file *file, int64_t offset, int whence)
{
    if (whence != SEEK_DATA && whence != SEEK_HOLE)
        return generic_seek(file, offset, whence);
    struct inode *inode = file->inode;
    if (offset < 0 || (uint64_t)offset >= inode->size)
        return -ENXIO;
    uint64_t position = (uint64_t)offset;
    while (position < inode->size) {
        bool data = page_at(inode, position / PAGE_SIZE) != NULL;
        if (data == (whence == SEEK_DATA))
            break;
        position = ALIGN_DOWN(position, PAGE_SIZE) + PAGE_SIZE;
    }
    if (position >= inode->size) {
        if (whence == SEEK_DATA)
            return -ENXIO;
        position = inode->size;
    }
    file->offset = position;
    return (int64_t)position;
}

const struct file_operations ramfs_regular_file_operations = {
    .read = ramfs_read,
    .write = ramfs_write,
    .seek = ramfs_seek,
    .map_page = ramfs_map_page,
};
