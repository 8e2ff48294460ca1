/*
 * A process's user address space: a list of areas (what may be mapped where,
 * with which protection) and the page tables that map what is present.
 *
 * Invariants: areas are sorted, page aligned and never overlap.  A present
 * page-table entry lies inside an area and holds one reference to its page.
 * A private writable page shared after fork is mapped read-only with PTE_COW
 * in every address space that holds it; the first write copies it (or just
 * makes it writable when its reference count has dropped to one).
 *
 * A file-backed area maps its file's pages (file_operations.map_page: for
 * ramfs, the file's own pages are the page cache).  A shared one maps them
 * as they are, so every mapping, read(2) and write(2) see one copy.  A
 * private one maps them with PTE_COW whatever its protection, so that a
 * write, even one after mprotect, copies the page first; until then it
 * sees the file's later writes, as on Linux.  Every file-backed area is on
 * its inode's mapped_areas list, so that truncation can unmap what lies
 * past the new end.
 */
#ifndef ADDRESS_SPACE_H
#define ADDRESS_SPACE_H
#include <kernel.h>

/* Linux's PROT_* and MAP_* values. */
#include <linux/mman.h>

struct file;
struct inode;

enum {
    AREA_READ = PROT_READ,
    AREA_WRITE = PROT_WRITE,
    AREA_EXEC = PROT_EXEC,
};
/* AREA_WRITE_DENIED: a shared mapping of a file not open for writing, which
 * mprotect may never make writable (Linux's VM_MAYWRITE clear). */
enum { AREA_SHARED = 1, AREA_STACK = 2, AREA_HEAP = 4, AREA_WRITE_DENIED = 8 };

struct area {
    uint64_t start, end;
    uint32_t protection;       /* AREA_READ | AREA_WRITE | AREA_EXEC */
    uint32_t flags;            /* AREA_SHARED ... */
    struct address_space *space;   /* the space whose list holds it */
    struct list_node node;     /* on space->areas */
    struct file *file;         /* referenced; NULL for anonymous memory */
    uint64_t file_offset;      /* the file's byte at start (page aligned) */
    struct list_node file_node;    /* on file->inode->mapped_areas, when file */
};

struct address_space {
    uint32_t refcount;
    uint64_t *page_table;      /* level-0 table (kernel virtual address) */
    uint64_t asid;             /* generation << 8 | ASID */
    struct list_node areas;
    uint64_t heap_start, heap_end;   /* brk */
    uint64_t mmap_next;              /* where the next unhinted mmap is tried */
    uint64_t stack_start;
};

struct address_space *address_space_new(void);
struct address_space *address_space_fork(struct address_space *parent);
void address_space_get(struct address_space *space);
void address_space_put(struct address_space *space);
/* Loads TTBR0 with space (NULL: an empty table). */
void address_space_activate(struct address_space *space);
/* For the scheduler: space, unless it is already active; a kernel thread's
 * (NULL) keeps the active user space, or gets the empty table if none is. */
void address_space_switch(struct address_space *space);

struct area *area_find(struct address_space *space, uint64_t address);
/* Adds [start, end) replacing what was there (MAP_FIXED semantics). */
int area_map(struct address_space *space, uint64_t start, uint64_t end,
             uint32_t protection, uint32_t flags);
/* The same, backed by file from byte offset on (the area takes its own
 * reference); pages come in on first access. */
int area_map_file(struct address_space *space, uint64_t start, uint64_t end,
                  uint32_t protection, uint32_t flags, struct file *file, uint64_t offset);
/* Does any area intersect [start, end)? */
bool area_overlaps(struct address_space *space, uint64_t start, uint64_t end);
int area_unmap(struct address_space *space, uint64_t start, uint64_t end);
/* mprotect: -ENOMEM if part of the range is unmapped, -EACCES if it would
 * make an AREA_WRITE_DENIED area writable. */
int area_protect(struct address_space *space, uint64_t start, uint64_t end, uint32_t protection);
/* Drops the pages of [start, end) (MADV_DONTNEED) but for those of
 * anonymous shared areas, which hold the only copy. */
void area_discard(struct address_space *space, uint64_t start, uint64_t end);
/* Does [start, end) lie wholly inside areas? */
bool area_covers(struct address_space *space, uint64_t start, uint64_t end);
/* Truncation of inode to size: unmaps, in every area mapping it, the pages
 * from the first whole page past size on, private copies included (a later
 * access there gives SIGBUS, as Linux's truncate_pagecache does). */
void file_mappings_truncate(struct inode *inode, uint64_t size);
/* Finds a free gap of length bytes, top-down below mmap_next. */
uint64_t area_find_free(struct address_space *space, uint64_t length);

/* Maps one page (referenced by the caller; the mapping takes that reference). */
int address_space_insert_page(struct address_space *space, uint64_t address, void *page,
                              uint32_t protection, bool copy_on_write);

/*
 * Resolves a fault at address for access (write / exec).  Returns 0 when the
 * access may be retried, -EFAULT (no area: SEGV_MAPERR) or -EACCES
 * (protection: SEGV_ACCERR), -ENXIO for a page of a file-backed area past
 * the end of its file (SIGBUS, BUS_ADRERR), -ENOMEM when out of memory.
 */
int address_space_fault(struct address_space *space, uint64_t address, bool write, bool exec);
/* The kernel address of the page mapped at address, or NULL. */
void *address_space_lookup(struct address_space *space, uint64_t address, bool write);
size_t address_space_resident_pages(struct address_space *space);

/* The page with the signal-return trampoline, mapped in every process. */
#define SIGNAL_TRAMPOLINE_ADDRESS USER_STACK_TOP

#endif
