/* User address spaces: areas, page faults, fork; see address_space.h. */
#include <address_space.h>
#include <page.h>
#include <page_table.h>
#include <vfs.h>

static uint64_t asid_generation = 1 << 8;
static uint64_t next_asid = 1;
static uint64_t *empty_page_table;
/* What TTBR0 holds once loaded: a user space, or NULL for the empty table
 * (before, it holds the boot tables). */
static struct address_space *active_space;
static bool ttbr0_loaded;
static void *signal_trampoline_page;

/* The trampoline a signal handler returns to: rt_sigreturn (Linux nr 139). */
static const uint32_t signal_trampoline_code[] = {
    0xd2801168,   /* mov x8, #139 */
    0xd4000001,   /* svc #0 */
};

static void signal_trampoline_init(void)
{
    signal_trampoline_page = page_alloc_zeroed();
    memcpy(signal_trampoline_page, signal_trampoline_code, sizeof(signal_trampoline_code));
    cache_sync_instructions(signal_trampoline_page, sizeof(signal_trampoline_code));
}

/* An empty address space: no areas, an empty level-0 table. */
static struct address_space *address_space_allocate(void)
{
    struct address_space *space = kzalloc(sizeof(*space));
    if (!space)
        return NULL;
    space->page_table = page_alloc_zeroed();
    if (!space->page_table) {
        kfree(space);
        return NULL;
    }
    space->refcount = 1;
    list_init(&space->areas);
    space->mmap_next = USER_MMAP_TOP;
    return space;
}

struct address_space *address_space_new(void)
{
    if (!signal_trampoline_page)
        signal_trampoline_init();
    struct address_space *space = address_space_allocate();
    if (!space)
        return NULL;
    page_get(signal_trampoline_page);
    if (area_map(space, SIGNAL_TRAMPOLINE_ADDRESS, SIGNAL_TRAMPOLINE_ADDRESS + PAGE_SIZE,
                 AREA_READ | AREA_EXEC, 0) < 0 ||
        address_space_insert_page(space, SIGNAL_TRAMPOLINE_ADDRESS, signal_trampoline_page,
                                  AREA_READ | AREA_EXEC, false) < 0) {
        address_space_put(space);
        return NULL;
    }
    return space;
}

void address_space_get(struct address_space *space) { space->refcount++; }

/* Makes area (a new one, or a copy) a mapping of file from offset on, or of
 * nothing when file is NULL. */
static void area_attach_file(struct area *area, struct file *file, uint64_t offset)
{
    area->file = file;
    area->file_offset = offset;
    if (file) {
        file_get(file);
        list_push_back(&file->inode->mapped_areas, &area->file_node);
    }
}

static void area_free(struct area *area)
{
    list_remove(&area->node);
    if (area->file) {
        list_remove(&area->file_node);
        file_put(area->file);
    }
    kfree(area);
}

static void release_page(uint64_t *entry, uint64_t address, void *context)
{
    (void)address, (void)context;
    page_put(page_table_entry_page(*entry));
    *entry = 0;
}

void address_space_put(struct address_space *space)
{
    if (--space->refcount)
        return;
    if (space == active_space)
        address_space_activate(NULL);   /* a kernel thread kept it active */
    page_table_walk(space->page_table, 0, USER_ADDRESS_LIMIT, release_page, NULL);
    page_table_free(space->page_table);
    list_for_each_safe(node, &space->areas)
        area_free(container_of(node, struct area, node));
    if ((space->asid & ~0xffUL) == asid_generation)
        tlb_flush_asid(space->asid);
    kfree(space);
}

void address_space_activate(struct address_space *space)
{
    active_space = space;
    ttbr0_loaded = true;
    if (!space) {
        if (!empty_page_table)
            empty_page_table = page_alloc_zeroed();
        page_table_activate(empty_page_table, 0);
        return;
    }
    /* ASIDs are handed out per generation; running out starts a new one. */
    if ((space->asid & ~0xffUL) != asid_generation) {
        if (next_asid > 255) {
            asid_generation += 1 << 8;
            next_asid = 1;
            tlb_flush_all();
        }
        space->asid = asid_generation | next_asid++;
    }
    page_table_activate(space->page_table, space->asid);
}

/*
 * A kernel thread touches no user memory, so it runs on whatever user space
 * is active, as Linux's lazy TLB mode does: a switch to the net thread and
 * back then loads TTBR0 not twice but never.  Under QEMU's TCG every change
 * of ASID empties the whole software TLB, which is what made these
 * switches, one per received burst of frames, expensive.
 */
void address_space_switch(struct address_space *space)
{
    if (space ? space == active_space : ttbr0_loaded)
        return;
    address_space_activate(space);
}

static void flush(struct address_space *space)
{
    if ((space->asid & ~0xffUL) == asid_generation)
        tlb_flush_asid(space->asid);
}

struct area *area_find(struct address_space *space, uint64_t address)
{
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (address < area->start)
            return NULL;
        if (address < area->end)
            return area;
    }
    return NULL;
}

bool area_overlaps(struct address_space *space, uint64_t start, uint64_t end)
{
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (area->start < end && area->end > start)
            return true;
    }
    return false;
}

/* Splits the area containing address so that an area boundary falls there. */
static int split_at(struct address_space *space, uint64_t address)
{
    struct area *area = area_find(space, address);
    if (!area || area->start == address)
        return 0;
    struct area *upper = kmalloc(sizeof(*upper));
    if (!upper)
        return -ENOMEM;
    *upper = *area;
    upper->start = address;
    area_attach_file(upper, area->file, area->file_offset + (address - area->start));
    area->end = address;
    list_insert_before(area->node.next, &upper->node);
    return 0;
}

int area_unmap(struct address_space *space, uint64_t start, uint64_t end)
{
    int error = split_at(space, start);
    if (!error)
        error = split_at(space, end);
    if (error)
        return error;
    list_for_each_safe(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (area->start >= start && area->end <= end)
            area_free(area);
    }
    page_table_walk(space->page_table, start, end, release_page, NULL);
    flush(space);
    return 0;
}

int area_map_file(struct address_space *space, uint64_t start, uint64_t end,
                  uint32_t protection, uint32_t flags, struct file *file, uint64_t offset)
{
    int error = area_unmap(space, start, end);
    if (error)
        return error;
    struct area *area = kmalloc(sizeof(*area));
    if (!area)
        return -ENOMEM;
    area->start = start;
    area->end = end;
    area->protection = protection;
    area->flags = flags;
    area->space = space;
    area_attach_file(area, file, offset);
    struct list_node *position = &space->areas;
    list_for_each(node, &space->areas) {
        if (container_of(node, struct area, node)->start >= end) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &area->node);
    return 0;
}

int area_map(struct address_space *space, uint64_t start, uint64_t end, uint32_t protection,
             uint32_t flags)
{
    return area_map_file(space, start, end, protection, flags, NULL, 0);
}

bool area_covers(struct address_space *space, uint64_t start, uint64_t end)
{
    for (uint64_t address = start; address < end;) {
        struct area *area = area_find(space, address);
        if (!area)
            return false;
        address = area->end;
    }
    return true;
}

struct protect_context {
    uint32_t protection;
};

static void reprotect_page(uint64_t *entry, uint64_t address, void *context)
{
    (void)address;
    struct protect_context *change = context;
    void *page = page_table_entry_page(*entry);
    bool copy_on_write = (*entry & PTE_COW) != 0;
    *entry = page_table_make_entry(page, change->protection, copy_on_write);
}

int area_protect(struct address_space *space, uint64_t start, uint64_t end, uint32_t protection)
{
    if (!area_covers(space, start, end))
        return -ENOMEM;
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (area->start < end && area->end > start && (protection & AREA_WRITE) &&
            (area->flags & AREA_WRITE_DENIED))
            return -EACCES;
    }
    int error = split_at(space, start);
    if (!error)
        error = split_at(space, end);
    if (error)
        return error;
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (area->start >= start && area->end <= end)
            area->protection = protection;
    }
    struct protect_context change = { protection };
    page_table_walk(space->page_table, start, end, reprotect_page, &change);
    flush(space);
    return 0;
}

void area_discard(struct address_space *space, uint64_t start, uint64_t end)
{
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (area->start >= end || area->end <= start ||
            ((area->flags & AREA_SHARED) && !area->file))
            continue;
        page_table_walk(space->page_table, MAX(start, area->start), MIN(end, area->end),
                        release_page, NULL);
    }
    flush(space);
}

void file_mappings_truncate(struct inode *inode, uint64_t size)
{
    uint64_t first_dropped = ALIGN_UP(size, PAGE_SIZE);
    list_for_each(node, &inode->mapped_areas) {
        struct area *area = container_of(node, struct area, file_node);
        if (first_dropped >= area->file_offset + (area->end - area->start))
            continue;
        uint64_t start = area->start;
        if (first_dropped > area->file_offset)
            start += first_dropped - area->file_offset;
        page_table_walk(area->space->page_table, start, area->end, release_page, NULL);
        flush(area->space);
    }
}

uint64_t area_find_free(struct address_space *space, uint64_t length)
{
    uint64_t candidate = space->mmap_next - length;
    for (;;) {
        bool clear = true;
        list_for_each(node, &space->areas) {
            struct area *area = container_of(node, struct area, node);
            if (area->start < candidate + length && area->end > candidate) {
                candidate = area->start - length;
                clear = false;
                break;
            }
        }
        if (clear)
            break;
        if (candidate < space->heap_end + (1UL << 30))
            return 0;
    }
    space->mmap_next = candidate;
    return candidate;
}

int address_space_insert_page(struct address_space *space, uint64_t address, void *page,
                              uint32_t protection, bool copy_on_write)
{
    uint64_t *entry = page_table_entry(space->page_table, address, true);
    if (!entry)
        return -ENOMEM;
    if (*entry & PTE_VALID)
        page_put(page_table_entry_page(*entry));
    *entry = page_table_make_entry(page, protection, copy_on_write);
    flush(space);
    return 0;
}

/*
 * The page of a file-backed area at address (page aligned), not yet present:
 * the file's page, copy-on-write in a private area (see address_space.h),
 * or, for a write to a private area, its copy made at once.
 */
static int map_file_page(struct area *area, uint64_t address, bool write, uint64_t *entry)
{
    uint64_t index = (area->file_offset + (address - area->start)) / PAGE_SIZE;
    void *page;
    int error = area->file->ops->map_page(area->file, index, &page);
    if (error)
        return error;
    bool copy_on_write = !(area->flags & AREA_SHARED);
    if (copy_on_write && write) {
        void *copy = page_alloc();
        if (!copy) {
            page_put(page);
            return -ENOMEM;
        }
        memcpy(copy, page, PAGE_SIZE);
        page_put(page);
        page = copy;
        copy_on_write = false;
    }
    if (area->protection & AREA_EXEC)
        cache_sync_instructions(page, PAGE_SIZE);
    *entry = page_table_make_entry(page, area->protection, copy_on_write);
    return 0;
}

int address_space_fault(struct address_space *space, uint64_t address, bool write, bool exec)
{
    address = ALIGN_DOWN(address, PAGE_SIZE);
    struct area *area = area_find(space, address);
    if (!area)
        return -EFAULT;
    if ((write && !(area->protection & AREA_WRITE)) || (exec && !(area->protection & AREA_EXEC)) ||
        (!write && !exec && !(area->protection & (AREA_READ | AREA_WRITE | AREA_EXEC))))
        return -EACCES;
    uint64_t *entry = page_table_entry(space->page_table, address, true);
    if (!entry)
        return -ENOMEM;
    if (!(*entry & PTE_VALID) && area->file)
        return map_file_page(area, address, write, entry);
    if (!(*entry & PTE_VALID)) {
        void *page = page_alloc_zeroed();
        if (!page)
            return -ENOMEM;
        *entry = page_table_make_entry(page, area->protection, false);
        return 0;
    }
    if (write && (*entry & PTE_COW)) {
        void *page = page_table_entry_page(*entry);
        if (page_refcount(page) > 1) {
            void *copy = page_alloc();
            if (!copy)
                return -ENOMEM;
            memcpy(copy, page, PAGE_SIZE);
            page_put(page);
            page = copy;
        }
        *entry = page_table_make_entry(page, area->protection, false);
        flush(space);
        return 0;
    }
    /* Present and permitted: another path already resolved it (or a stale TLB entry). */
    flush(space);
    return 0;
}

void *address_space_lookup(struct address_space *space, uint64_t address, bool write)
{
    uint64_t *entry = page_table_entry(space->page_table, address, false);
    if (!entry || !(*entry & PTE_VALID))
        return NULL;
    if (write && (*entry & PTE_READONLY))
        return NULL;
    return (char *)page_table_entry_page(*entry) + (address & (PAGE_SIZE - 1));
}

struct fork_context {
    struct address_space *child;
    int error;
};

static void fork_page(uint64_t *entry, uint64_t address, void *context)
{
    struct fork_context *fork = context;
    if (fork->error)
        return;
    uint64_t *child_entry = page_table_entry(fork->child->page_table, address, true);
    if (!child_entry) {
        fork->error = -ENOMEM;
        return;
    }
    void *page = page_table_entry_page(*entry);
    struct area *area = area_find(fork->child, address);
    bool writable = area && (area->protection & AREA_WRITE);
    bool shared = area && (area->flags & AREA_SHARED);
    if (writable && !shared && !(*entry & PTE_READONLY))
        *entry = page_table_make_entry(page, area->protection, true);
    page_get(page);
    *child_entry = *entry;
}

/* Anonymous shared areas must be present before fork, or each side would
 * fault in its own page (a file-backed one's pages are the file's). */
static int populate_shared_areas(struct address_space *space)
{
    list_for_each(node, &space->areas) {
        struct area *area = container_of(node, struct area, node);
        if (!(area->flags & AREA_SHARED) || area->file)
            continue;
        for (uint64_t address = area->start; address < area->end; address += PAGE_SIZE) {
            uint64_t *entry = page_table_entry(space->page_table, address, false);
            if (entry && (*entry & PTE_VALID))
                continue;
            int error = address_space_fault(space, address, false, false);
            if (error)
                return error;
        }
    }
    return 0;
}

struct address_space *address_space_fork(struct address_space *parent)
{
    if (populate_shared_areas(parent) < 0)
        return NULL;
    struct address_space *child = address_space_allocate();
    if (!child)
        return NULL;
    child->heap_start = parent->heap_start;
    child->heap_end = parent->heap_end;
    child->mmap_next = parent->mmap_next;
    child->stack_start = parent->stack_start;
    list_for_each(node, &parent->areas) {
        struct area *area = container_of(node, struct area, node);
        struct area *copy = kmalloc(sizeof(*copy));
        if (!copy) {
            address_space_put(child);
            return NULL;
        }
        *copy = *area;
        copy->space = child;
        area_attach_file(copy, area->file, area->file_offset);
        list_push_back(&child->areas, &copy->node);
    }
    struct fork_context fork = { child, 0 };
    page_table_walk(parent->page_table, 0, USER_ADDRESS_LIMIT, fork_page, &fork);
    flush(parent);
    if (fork.error) {
        address_space_put(child);
        return NULL;
    }
    return child;
}

static void count_page(uint64_t *entry, uint64_t address, void *context)
{
    (void)entry, (void)address;
    (*(size_t *)context)++;
}

size_t address_space_resident_pages(struct address_space *space)
{
    size_t count = 0;
    page_table_walk(space->page_table, 0, USER_ADDRESS_LIMIT, count_page, &count);
    return count;
}
