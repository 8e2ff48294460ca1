/* brk, mmap, munmap, mprotect, madvise, msync (mmap(2), brk(2), msync(2)). */
#include <address_space.h>
#include <syscall.h>
#include <task.h>
#include <vfs.h>
#include <page.h>
#include <linux/fcntl.h>

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

/*
 * What a file mapping needs of its file, in do_mmap's order: read access,
 * write access for a writable shared mapping, a file that can be mapped,
 * then what the file's own mmap check says of offset and length.
 */
static int check_file_mapping(struct file *file, uint64_t protection, uint64_t flags,
                              uint64_t offset, uint64_t length)
{
    uint32_t access = file->flags & O_ACCMODE;
    if ((flags & MAP_SHARED) && (protection & PROT_WRITE) && access == O_RDONLY)
        return -EACCES;
    if (access == O_WRONLY)
        return -EACCES;
    if (!file->ops->map_page && !file->ops->maps_anonymous)
        return -ENODEV;
    return file->ops->mmap ? file->ops->mmap(file, offset, length) : 0;
}

/* The flags every mapping type takes (Linux's LEGACY_MAP_MASK); with
 * MAP_SHARED_VALIDATE, any other flag is refused (no file here supports
 * MAP_SYNC). */
#define MAP_FLAGS_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
                         MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |     \
                         MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | \
                         MAP_HUGE_2MB | MAP_HUGE_1GB)

/* The mapping type, flags & MAP_TYPE (mmap(2)), in do_mmap's terms: a file
 * takes MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE (which refuses
 * unknown flags with EOPNOTSUPP), anonymous memory MAP_SHARED or
 * MAP_PRIVATE; any other type is EINVAL. */
static int check_mapping_type(uint64_t flags, bool file)
{
    switch (flags & MAP_TYPE) {
    case MAP_SHARED:
    case MAP_PRIVATE:
        return 0;
    case MAP_SHARED_VALIDATE:
        if (!file)
            return -EINVAL;
        return (flags & ~(uint64_t)MAP_FLAGS_KNOWN) ? -EOPNOTSUPP : 0;
    default:
        return -EINVAL;
    }
}

/* Where a mapping of length bytes goes: address itself (MAP_FIXED), the hint
 * if it is free, else a free gap; 0 when there is none. */
static uint64_t placement(struct address_space *s, uint64_t address, uint64_t length,
                          uint64_t flags)
{
    if (flags & MAP_FIXED)
        return address;
    /* A hint whose end wraps past 2^64 is no hint. */
    if (address && address + length > address && address + length <= USER_STACK_TOP - USER_STACK_MAX) {
        uint64_t start = ALIGN_DOWN(address, PAGE_SIZE);
        if (!area_overlaps(s, start, start + length))
            return start;
    }
    return area_find_free(s, length);
}

static long map(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                struct file *file, uint64_t offset)
{
    /* MAP_FIXED_NOREPLACE is MAP_FIXED that fails with EEXIST where
     * anything is mapped already; do_mmap checks that after the address and
     * length, before the file. */
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    if (length == 0 || (address & (PAGE_SIZE - 1) && (flags & MAP_FIXED)))
        return -EINVAL;
    length = ALIGN_UP(length, PAGE_SIZE);
    if (length > USER_ADDRESS_LIMIT)
        return -ENOMEM;
    if ((flags & MAP_FIXED) && (address + length > USER_ADDRESS_LIMIT || address + length < address))
        return -EINVAL;
    struct address_space *s = space();
    if ((flags & MAP_FIXED_NOREPLACE) && area_overlaps(s, address, address + length))
        return -EEXIST;
    int type_error = check_mapping_type(flags, file != NULL);
    if (type_error)
        return type_error;
    uint32_t area_flags = (flags & MAP_SHARED) ? AREA_SHARED : 0;
    if (file) {
        if (offset + length < offset)
            return -EOVERFLOW;
        int error = check_file_mapping(file, protection, flags, offset, length);
        if (error)
            return error;
        if ((file->flags & O_ACCMODE) == O_RDONLY && (flags & MAP_SHARED))
            area_flags |= AREA_WRITE_DENIED;
        if (!file->ops->map_page)
            file = NULL;           /* maps_anonymous */
    }
    uint64_t start = placement(s, address, length, flags);
    if (!start)
        return -ENOMEM;
    int error = area_map_file(s, start, start + length, (uint32_t)protection & 7, area_flags,
                              file, offset);
    return error ? error : (long)start;
}

static long sys_mmap(uint64_t address, uint64_t length, uint64_t protection, uint64_t flags,
                     uint64_t fd, uint64_t offset)
{
    if (offset & (PAGE_SIZE - 1))
        return -EINVAL;
    if (flags & MAP_ANONYMOUS)
        return map(address, length, protection, flags, NULL, 0);
    struct file *file = fd_get((int)fd);
    if (!file || (file->flags & O_PATH)) {
        if (file)
            file_put(file);
        return -EBADF;
    }
    long result = map(address, length, protection, flags, file, offset);
    file_put(file);
    return result;
}
SYSCALL(__NR_mmap, sys_mmap);

static long sys_munmap(uint64_t address, uint64_t length)
{
    /* Linux's vm_munmap checks, written so that a huge length cannot wrap. */
    if ((address & (PAGE_SIZE - 1)) || length == 0 || address > USER_ADDRESS_LIMIT ||
        length > USER_ADDRESS_LIMIT - address)
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
    /* A range that wraps past 2^64 covers no mapping (do_mprotect_pkey). */
    uint64_t end = address + ALIGN_UP(length, PAGE_SIZE);
    if (end <= address)
        return -ENOMEM;
    return area_protect(space(), address, end, (uint32_t)protection & 7);
}
SYSCALL(__NR_mprotect, sys_mprotect);

/* The advice Linux 6.1 knows (madvise_behavior_valid, with KSM,
 * transparent huge pages and memory-failure handling built in). */
static bool advice_known(int advice)
{
    switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
    case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
    case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE: case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
    case MADV_HWPOISON: case MADV_SOFT_OFFLINE:
        return true;
    default:
        return false;
    }
}

/* Advice is only advice: accepted and ignored, except that DONTNEED drops
 * pages (a private page then reads anew from its file, or as zeros).
 * Unknown advice is EINVAL before anything else is looked at (do_madvise),
 * even with a length of 0.  The kernel reads advice as an int. */
static long sys_madvise(uint64_t address, uint64_t length, uint64_t advice)
{
    if (!advice_known((int)advice))
        return -EINVAL;
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    /* A length that wraps when rounded, or a range past 2^64 (do_madvise). */
    uint64_t end = address + ALIGN_UP(length, PAGE_SIZE);
    if ((length && end == address) || end < address)
        return -EINVAL;
    if ((int)advice == MADV_DONTNEED)
        area_discard(space(), address, end);
    return 0;
}
SYSCALL(__NR_madvise, sys_madvise);

/*
 * msync(2): a shared mapping's pages are the file's (ramfs keeps files in
 * memory), so there is nothing to write back; what is left are Linux's
 * checks, in its order: flags and alignment (EINVAL), then a range with
 * unmapped pages in it (ENOMEM).
 */
static long sys_msync(uint64_t address, uint64_t length, uint64_t flags)
{
    if ((flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (address & (PAGE_SIZE - 1)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    uint64_t end = address + ALIGN_UP(length, PAGE_SIZE);
    if (end < address)
        return -ENOMEM;
    if (end == address)
        return 0;
    return area_covers(space(), address, end) ? 0 : -ENOMEM;
}
SYSCALL(__NR_msync, sys_msync);
