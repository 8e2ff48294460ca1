/*
 * /proc/PID/maps (proc(5)): one line per mapping, in Linux 6.1's format
 * (fs/proc/task_mmu.c, show_map_vma):
 *
 *   start-end perms offset major:minor inode   name
 *
 * addresses and the offset in hex, at least 8 digits; perms rwx and p
 * (private) or s (shared); device and inode of a mapped file (00:00 0 for
 * anonymous memory); the name, when there is one, padded to start at column
 * 73: the file's path, [heap], [stack], or [sigpage] for the page holding
 * the signal-return code (Linux's name for it on 32-bit ARM; arm64 Linux
 * keeps it in its [vdso], which Strata does not have).
 *
 * Linux merges neighbouring mappings that agree in everything; Strata's
 * areas stay split where mprotect or brk cut them, so the lines merge such
 * neighbours here, for the same lines.
 */
#include "procfs_internal.h"
#include <address_space.h>
#include <devices.h>
#include <page.h>

/* Where the name starts: Linux pads to 25 + 6 * sizeof(void *) - 1 columns, then a space. */
#define NAME_COLUMN (25 + 6 * 8 - 1)

/* Does next continue area with nothing that would tell them apart? */
static bool continues(const struct area *area, const struct area *next)
{
    return next->start == area->end && next->protection == area->protection &&
           next->flags == area->flags && next->file == area->file &&
           (!area->file || next->file_offset == area->file_offset + (area->end - area->start));
}

/* The name of an area, into buffer (NAME_MAX + 1 bytes at least); "" for none. */
static void area_name(const struct area *area, char *buffer, size_t size)
{
    const char *name = "";
    if (area->file) {
        int length = vfs_file_path(area->file, buffer, size - 1);
        buffer[length > 0 ? length : 0] = '\0';
        return;
    }
    if (area->flags & AREA_HEAP)
        name = "[heap]";
    else if (area->flags & AREA_STACK)
        name = "[stack]";
    else if (area->start == SIGNAL_TRAMPOLINE_ADDRESS)
        name = "[sigpage]";
    strlcpy(buffer, name, size);
}

static void show_line(struct procfs_text *text, const struct area *area, uint64_t end,
                      char *name, size_t name_size)
{
    uint32_t device = area->file ? area->file->inode->super_block->device : 0;
    uint64_t inode = area->file ? area->file->inode->number : 0;
    size_t line_start = text->length;
    procfs_printf(text, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", area->start, end,
                  area->protection & AREA_READ ? 'r' : '-',
                  area->protection & AREA_WRITE ? 'w' : '-',
                  area->protection & AREA_EXEC ? 'x' : '-', area->flags & AREA_SHARED ? 's' : 'p',
                  area->file_offset, device_major(device), device_minor(device), inode);
    area_name(area, name, name_size);
    if (name[0]) {
        while (text->length - line_start < NAME_COLUMN && !text->failed)
            procfs_append(text, " ", 1);
        procfs_printf(text, " %s", name);
    }
    procfs_append(text, "\n", 1);
}

int procfs_show_maps(struct process *process, struct procfs_text *text)
{
    struct address_space *space = process->address_space;
    if (!space)
        return 0;   /* a zombie: no memory, an empty file (Linux) */
    char *name = kmalloc(PATH_MAX);
    if (!name)
        return -ENOMEM;
    const struct area *first = NULL, *last = NULL;
    list_for_each(node, &space->areas) {
        const struct area *area = container_of(node, struct area, node);
        if (first && continues(last, area)) {
            last = area;
            continue;
        }
        if (first)
            show_line(text, first, last->end, name, PATH_MAX);
        first = last = area;
    }
    if (first)
        show_line(text, first, last->end, name, PATH_MAX);
    kfree(name);
    return 0;
}
