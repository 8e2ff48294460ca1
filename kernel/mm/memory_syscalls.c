/* brk, mmap, munmap, mprotect, madvise (mmap(2), brk(2)). */
#include <address_space.h>
#include <syscall.h>
#include <task.h>
#include <vfs.h>
#include <page.h>

static struct address_space *space(void) { return current->process->address_space; }

/* brk(2): the kernel call returns the new break, or the old one on failure. */
static long sys_brk(uint64_t requested)
{
    struct address_space *s = space();
    if (requested < s->heap_start)
        return (long)s->heap_end;
    uint64_t old_top = ALIGN_UP(s->heap_end, PAGE_SIZE);
    uint64_t new_top = ALIGN_UP(requested, PAGE_SIZE);
    if (new_top > old_top) {
        /* The heap may not run into the mmap region or any other mapping. */
        if (new_top > USER_MMAP_TOP || area_overlaps(s, old_top, new_top))
            return (long)s->heap_end;
        if (area_map(s, old_top, new_top, AREA_READ | AREA_WRITE, AREA_HEAP) < 0)
            return (long)s->heap_end;
    } else if (new_top < old_top) {
        area_unmap(s, new_top, old_top);
    }
    s->heap_end = requested;
    return (long)requested;
}
SYSCALL(__NR_brk, sys_brk);

static int fill_from_file(uint64_t start, uint64_t length, int fd, uint64_t offset)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    int result = 0;
    for (uint64_t done = 0; done < length; done += PAGE_SIZE) {
        void *page = page_alloc_zeroed();
        if (!page) {
            result = -ENOMEM;
            break;
        }
        ssize_t got = kernel_read(file, page, PAGE_SIZE, offset + done);
        if (got < 0) {
            page_put(page);
            result = (int)got;
            break;
        }
        struct area *area = area_find(space(), start + done);
        result = address_space_insert_page(space(), start + done, page, area->protection, false);
        if (result < 0)
            break;
    }
    file_put(file);
    return result;
}

static long sys_mmap(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                     uint64_t fd, uint64_t offset)
{
    if (length == 0 || (offset & (PAGE_SIZE - 1)) || (address & (PAGE_SIZE - 1) && (flags & MAP_FIXED)))
        return -EINVAL;
    if (!(flags & (MAP_PRIVATE | MAP_SHARED)))
        return -EINVAL;
    length = ALIGN_UP(length, PAGE_SIZE);
    if (length > USER_ADDRESS_LIMIT)
        return -ENOMEM;
    struct address_space *s = space();
    uint64_t start;
    if (flags & MAP_FIXED) {
        start = address;
        if (start + length > USER_ADDRESS_LIMIT || start + length < start)
            return -EINVAL;
    } else {
        start = 0;
        if (address && address + length <= USER_STACK_TOP - USER_STACK_MAX) {
            start = ALIGN_DOWN(address, PAGE_SIZE);
            if (area_overlaps(s, start, start + length))
                start = 0;
        }
        if (!start)
            start = area_find_free(s, length);
        if (!start)
            return -ENOMEM;
    }
    bool anonymous = flags & MAP_ANONYMOUS;
    uint32_t area_flags = ((flags & MAP_SHARED) && anonymous) ? AREA_SHARED : 0;
    int error = area_map(s, start, start + length, (uint32_t)protection & 7, area_flags);
    if (error)
        return error;
    if (!anonymous) {
        /* File mappings are private copies made now (no page cache sharing yet). */
        error = fill_from_file(start, length, (int)fd, offset);
        if (error) {
            area_unmap(s, start, start + length);
            return error;
        }
        struct file *file = fd_get((int)fd);
        area_set_file(s, start, file, offset);
        file_put(file);
    }
    return (long)start;
}
SYSCALL(__NR_mmap, sys_mmap);

static long sys_munmap(uint64_t address, uint64_t length)
{
    if ((address & (PAGE_SIZE - 1)) || length == 0 || address + length > USER_ADDRESS_LIMIT)
        return -EINVAL;
    return area_unmap(space(), address, address + ALIGN_UP(length, PAGE_SIZE));
}
SYSCALL(__NR_munmap, sys_munmap);

static long sys_mprotect(uint64_t address, uint64_t length, uint64_t protection)
{
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    if (length == 0)
        return 0;
    return area_protect(space(), address, address + ALIGN_UP(length, PAGE_SIZE),
                        (uint32_t)protection & 7);
}
SYSCALL(__NR_mprotect, sys_mprotect);

/* Advice is only advice: accepted and ignored, except that DONTNEED drops pages. */
static long sys_madvise(uint64_t address, uint64_t length, uint64_t advice)
{
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    if (advice == MADV_DONTNEED) {
        struct area *area = area_find(space(), address);
        if (area && !(area->flags & AREA_SHARED)) {
            uint32_t protection = area->protection, flags = area->flags;
            uint64_t end = address + ALIGN_UP(length, PAGE_SIZE);
            return area_map(space(), address, MIN(end, area->end), protection, flags);
        }
    }
    return 0;
}
SYSCALL(__NR_madvise, sys_madvise);
