/*
 * System V shared memory (shmget(2), shmat(2), shmdt(2), shmctl(2)).
 *
 * A segment is an array of zeroed pages, allocated whole at shmget, each
 * holding one reference for the segment.  shmat maps them into a shared
 * area of the caller's address space (kernel/mm: AREA_SHARED with its pages
 * present, the same as a MAP_SHARED|MAP_ANONYMOUS area after its pages came
 * in), so fork shares them and munmap, exec and exit drop them as they do
 * any other page.  Every mapping of the segment holds a reference to its
 * first page, so the number of attaches is that page's count less the
 * segment's own reference: nothing here needs telling about fork, exec or
 * exit.  (A munmap of the first page alone therefore counts as a detach.)
 *
 * IPC_RMID of an attached segment marks it SHM_DEST and gives it the key
 * IPC_PRIVATE, as Linux does; its id keeps working until the last detach.
 * Each shm call first destroys the marked segments nobody has attached any
 * more, so no call sees one, and the pages themselves go with their last
 * mapping whenever that is.
 */
#include "ipc_internal.h"
#include <address_space.h>
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <linux/shm.h>

#define SHM_DEST 01000              /* Linux's mode bit: destroy at the last detach */
#define SHM_ALIGNMENT PAGE_SIZE     /* SHMLBA on arm64 */
#define SEGMENT_SIZE_MAX (~0UL - (1UL << 24))   /* Linux's SHMMAX */

struct shared_memory_segment {
    struct ipc_object object;       /* first: the table holds these */
    size_t size;                    /* shm_segsz: as asked, not rounded */
    size_t page_count;
    void **pages;                   /* kernel addresses, one reference each */
    pid_t creator_pid, last_pid;
    int64_t attach_time, detach_time, change_time;
};

static void segment_free(struct ipc_object *object)
{
    struct shared_memory_segment *segment = (struct shared_memory_segment *)object;
    for (size_t i = 0; i < segment->page_count; i++)
        if (segment->pages[i])
            page_put(segment->pages[i]);
    kfree(segment->pages);
    kfree(segment);
}

static struct ipc_table segment_table = { .free = segment_free };

static size_t attach_count(const struct shared_memory_segment *segment)
{
    return page_refcount(segment->pages[0]) - 1;
}

/* Destroys the segments IPC_RMID marked that are attached nowhere any more. */
static void destroy_detached(void)
{
    for (int slot = 0; slot < IPC_TABLE_SIZE; slot++) {
        struct shared_memory_segment *segment =
            (struct shared_memory_segment *)segment_table.slots[slot];
        if (segment && (segment->object.permission.mode & SHM_DEST) && !attach_count(segment))
            ipc_remove(&segment_table, &segment->object);
    }
}

static struct shared_memory_segment *segment_of(int id)
{
    destroy_detached();
    return (struct shared_memory_segment *)ipc_find(&segment_table, id);
}

static int segment_create(uint64_t size, struct ipc_object **object)
{
    if (size < SHMMIN || size > SEGMENT_SIZE_MAX)
        return -EINVAL;
    size_t page_count = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
    if (page_count > page_free_count())
        return -ENOMEM;
    struct shared_memory_segment *segment = kzalloc(sizeof(*segment));
    void **pages = kzalloc(page_count * sizeof(void *));
    if (!segment || !pages) {
        kfree(segment);
        kfree(pages);
        return -ENOMEM;
    }
    segment->pages = pages;
    segment->page_count = page_count;
    segment->size = size;
    for (size_t i = 0; i < page_count; i++) {
        if (!(pages[i] = page_alloc_zeroed())) {
            segment_free(&segment->object);
            return -ENOMEM;
        }
    }
    segment->creator_pid = current->process->pid;
    segment->change_time = ipc_now();
    *object = &segment->object;
    return 0;
}

static int segment_check(struct ipc_object *object, uint64_t size)
{
    return size > ((struct shared_memory_segment *)object)->size ? -EINVAL : 0;
}

static long sys_shmget(uint64_t key, uint64_t size, uint64_t flags)
{
    destroy_detached();
    return ipc_get(&segment_table, (int)key, (int)flags, size, segment_create, segment_check);
}
SYSCALL(__NR_shmget, sys_shmget);

/* Maps the segment's pages at [address, + its size) in space. */
static int map_segment(struct address_space *space, struct shared_memory_segment *segment,
                       uint64_t address, uint32_t protection)
{
    uint64_t end = address + segment->page_count * PAGE_SIZE;
    int error = area_map(space, address, end, protection, AREA_SHARED);
    for (size_t i = 0; !error && i < segment->page_count; i++) {
        page_get(segment->pages[i]);
        error = address_space_insert_page(space, address + i * PAGE_SIZE, segment->pages[i],
                                          protection, false);
        if (error)
            page_put(segment->pages[i]);
    }
    if (error)
        area_unmap(space, address, end);
    return error;
}

static long sys_shmat(uint64_t id, uint64_t address, uint64_t flags)
{
    if ((int)id < 0)
        return -EINVAL;
    if (address & (SHM_ALIGNMENT - 1)) {
        if (!(flags & SHM_RND))
            return -EINVAL;
        address = ALIGN_DOWN(address, SHM_ALIGNMENT);
        if (!address && (flags & SHM_REMAP))
            return -EINVAL;
    } else if (!address && (flags & SHM_REMAP)) {
        return -EINVAL;
    }
    uint32_t protection = (flags & SHM_RDONLY) ? AREA_READ : AREA_READ | AREA_WRITE;
    if (flags & SHM_EXEC)
        protection |= AREA_EXEC;
    struct shared_memory_segment *segment = segment_of((int)id);
    if (!segment)
        return -EINVAL;
    struct address_space *space = current->process->address_space;
    uint64_t length = segment->page_count * PAGE_SIZE;
    if (address) {
        /* Linux refuses a fixed address over another mapping unless SHM_REMAP;
         * mmap's ENOMEM is for one past the end of the address space. */
        if (address + length < address ||
            (!(flags & SHM_REMAP) && area_overlaps(space, address, address + length)))
            return -EINVAL;
        if (address + length > USER_ADDRESS_LIMIT)
            return -ENOMEM;
    } else if (!(address = area_find_free(space, length))) {
        return -ENOMEM;
    }
    int error = map_segment(space, segment, address, protection);
    if (error)
        return error;
    segment->attach_time = ipc_now();
    segment->last_pid = current->process->pid;
    return (long)address;
}
SYSCALL(__NR_shmat, sys_shmat);

/* The segment whose first page is mapped at address, the start of an area. */
static struct shared_memory_segment *segment_attached_at(struct address_space *space,
                                                         uint64_t address)
{
    struct area *area = area_find(space, address);
    void *page = area && area->start == address ? address_space_lookup(space, address, false)
                                                : NULL;
    for (int slot = 0; page && slot < IPC_TABLE_SIZE; slot++) {
        struct shared_memory_segment *segment =
            (struct shared_memory_segment *)segment_table.slots[slot];
        if (segment && segment->pages[0] == page)
            return segment;
    }
    return NULL;
}

static long sys_shmdt(uint64_t address)
{
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    struct address_space *space = current->process->address_space;
    struct shared_memory_segment *segment = segment_attached_at(space, address);
    if (!segment)
        return -EINVAL;
    /* Unmaps the run of the segment's own pages from there, and nothing else. */
    uint64_t end = address;
    for (size_t i = 0; i < segment->page_count; i++, end += PAGE_SIZE)
        if (address_space_lookup(space, end, false) != segment->pages[i])
            break;
    area_unmap(space, address, end);
    segment->detach_time = ipc_now();
    segment->last_pid = current->process->pid;
    destroy_detached();
    return 0;
}
SYSCALL(__NR_shmdt, sys_shmdt);

static long segment_status(struct shared_memory_segment *segment, uint64_t user_buffer)
{
    struct shmid64_ds status = { .shm_perm = segment->object.permission,
                                 .shm_segsz = segment->size,
                                 .shm_atime = segment->attach_time,
                                 .shm_dtime = segment->detach_time,
                                 .shm_ctime = segment->change_time,
                                 .shm_cpid = segment->creator_pid,
                                 .shm_lpid = segment->last_pid,
                                 .shm_nattch = attach_count(segment) };
    return copy_to_user((void *)user_buffer, &status, sizeof(status)) ? -EFAULT : 0;
}

static long sys_shmctl(uint64_t id, uint64_t command, uint64_t user_buffer)
{
    if ((int)command < 0 || (int)id < 0)
        return -EINVAL;
    if ((int)command != IPC_STAT && (int)command != IPC_SET && (int)command != IPC_RMID)
        return -EINVAL;
    struct ipc64_perm given;
    if ((int)command == IPC_SET &&
        copy_from_user(&given, &((struct shmid64_ds *)user_buffer)->shm_perm, sizeof(given)))
        return -EFAULT;
    struct shared_memory_segment *segment = segment_of((int)id);
    if (!segment)
        return -EINVAL;
    switch ((int)command) {
    case IPC_STAT:
        return segment_status(segment, user_buffer);
    case IPC_SET:
        ipc_set_permission(&segment->object, &given);
        segment->change_time = ipc_now();
        return 0;
    default:    /* IPC_RMID */
        segment->object.permission.key = IPC_PRIVATE;
        segment->object.permission.mode |= SHM_DEST;
        destroy_detached();
        return 0;
    }
}
SYSCALL(__NR_shmctl, sys_shmctl);
