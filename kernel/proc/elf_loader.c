/*
 * The ELF loader (elf_loader.h): what execve maps of a program or of its
 * interpreter.  Segments are mapped as Linux maps them: the file's pages
 * copy-on-write where a whole page comes from the file, copies where a
 * page is part file and part bss, demand-zero pages for the rest.
 */
#include <elf_loader.h>
#include <vfs.h>
#include <page.h>
#include <address_space.h>
#include <page_table.h>

/* One page of a loadable segment: the file's page mapped directly, or a copy. */
static int load_segment_page(struct address_space *space, struct file *file, uint64_t page_address,
                             const Elf64_Phdr *segment, uint64_t bias, uint32_t protection)
{
    uint64_t segment_start = segment->p_vaddr + bias;
    uint64_t file_end = segment_start + segment->p_filesz;
    uint64_t file_offset_of_page = segment->p_offset - (segment_start - page_address);
    bool fully_from_file = page_address >= segment_start && page_address + PAGE_SIZE <= file_end;
    void *shared;
    if (fully_from_file && !(file_offset_of_page & (PAGE_SIZE - 1)) && file->ops->map_page &&
        file->ops->map_page(file, file_offset_of_page / PAGE_SIZE, &shared) == 0)
        /* Copy-on-write even when read-only, or mprotect would let a write
         * reach the file. */
        return address_space_insert_page(space, page_address, shared, protection, true);
    if (page_address >= file_end)
        return 0;       /* all bss: demand-zero */
    void *page = page_alloc_zeroed();
    if (!page)
        return -ENOMEM;
    uint64_t copy_start = MAX(page_address, segment_start);
    uint64_t copy_end = MIN(page_address + PAGE_SIZE, file_end);
    ssize_t got = kernel_read(file, (char *)page + (copy_start - page_address),
                              copy_end - copy_start,
                              segment->p_offset + (copy_start - segment_start));
    if (got != (ssize_t)(copy_end - copy_start)) {
        page_put(page);
        return got < 0 ? (int)got : -EIO;
    }
    if (protection & AREA_EXEC)
        cache_sync_instructions(page, PAGE_SIZE);
    return address_space_insert_page(space, page_address, page, protection, false);
}

bool elf_header_valid(const Elf64_Ehdr *header)
{
    return memcmp(header->e_ident, ELFMAG, SELFMAG) == 0 && header->e_ident[EI_CLASS] == ELFCLASS64 &&
           header->e_machine == EM_AARCH64 &&
           (header->e_type == ET_EXEC || header->e_type == ET_DYN) &&
           header->e_phentsize == sizeof(Elf64_Phdr) && header->e_phnum > 0 && header->e_phnum <= 64;
}

int elf_read_program_headers(struct file *file, const Elf64_Ehdr *header, Elf64_Phdr **result)
{
    size_t table_size = header->e_phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr *segments = kmalloc(table_size);
    if (!segments)
        return -ENOMEM;
    if (kernel_read(file, segments, table_size, header->e_phoff) != (ssize_t)table_size) {
        kfree(segments);
        return -ENOEXEC;
    }
    *result = segments;
    return 0;
}

/*
 * Where an image goes: an ET_EXEC where it was linked; the program's own
 * ET_DYN (static-pie or PIE) at USER_PIE_BASE; the interpreter, an ET_DYN,
 * in a free gap of the mmap region, as Linux's load_elf_interp puts it.
 */
static int choose_bias(struct address_space *space, const Elf64_Ehdr *header,
                       const Elf64_Phdr *segments, bool interpreter, uint64_t *bias)
{
    *bias = 0;
    if (header->e_type != ET_DYN)
        return 0;
    if (!interpreter) {
        *bias = USER_PIE_BASE;
        return 0;
    }
    uint64_t low = UINT64_MAX, high = 0;
    for (int i = 0; i < header->e_phnum; i++) {
        if (segments[i].p_type != PT_LOAD)
            continue;
        low = MIN(low, ALIGN_DOWN(segments[i].p_vaddr, PAGE_SIZE));
        high = MAX(high, segments[i].p_vaddr + segments[i].p_memsz);
    }
    if (high <= low || high - low > USER_MMAP_TOP / 2)
        return -ENOEXEC;
    uint64_t start = area_find_free(space, ALIGN_UP(high - low, PAGE_SIZE));
    if (!start)
        return -ENOMEM;
    *bias = start - low;
    return 0;
}

/* Does the segment, moved by bias, end below the mmap region's top?  Each
 * term is checked apart: their sum may wrap past 2^64 (p_memsz ~0 did). */
static bool segment_fits(const Elf64_Phdr *segment, uint64_t bias)
{
    uint64_t top = USER_MMAP_TOP;
    return segment->p_vaddr < top && segment->p_memsz < top - segment->p_vaddr &&
           bias < top - segment->p_vaddr - segment->p_memsz;
}

int elf_load(struct address_space *space, struct file *file, const Elf64_Ehdr *header,
                    const Elf64_Phdr *segments, bool interpreter, struct elf_image *image)
{
    size_t table_size = header->e_phnum * sizeof(Elf64_Phdr);
    int error = choose_bias(space, header, segments, interpreter, &image->bias);
    image->program_headers = 0;
    image->brk = 0;
    for (int i = 0; i < header->e_phnum && !error; i++) {
        const Elf64_Phdr *segment = &segments[i];
        if (segment->p_type != PT_LOAD)
            continue;
        if (segment->p_filesz > segment->p_memsz ||
            (segment->p_offset & (PAGE_SIZE - 1)) != (segment->p_vaddr & (PAGE_SIZE - 1)) ||
            !segment_fits(segment, image->bias)) {
            error = -ENOEXEC;
            break;
        }
        uint32_t protection = 0;
        if (segment->p_flags & PF_R)
            protection |= AREA_READ;
        if (segment->p_flags & PF_W)
            protection |= AREA_WRITE;
        if (segment->p_flags & PF_X)
            protection |= AREA_EXEC;
        uint64_t start = ALIGN_DOWN(segment->p_vaddr + image->bias, PAGE_SIZE);
        uint64_t end = ALIGN_UP(segment->p_vaddr + image->bias + segment->p_memsz, PAGE_SIZE);
        /* As Linux maps it: the pages the file covers, then anonymous bss pages. */
        uint64_t file_end =
            ALIGN_UP(segment->p_vaddr + image->bias + segment->p_filesz, PAGE_SIZE);
        if (file_end > start)
            error = area_map_file(space, start, file_end, protection, 0, file,
                                  ALIGN_DOWN(segment->p_offset, PAGE_SIZE));
        if (!error && end > file_end)
            error = area_map(space, file_end, end, protection, 0);
        /* Only the pages the file covers: the bss past them is demand-zero,
         * and a segment may claim terabytes of it. */
        for (uint64_t page = start; page < MIN(end, file_end) && !error; page += PAGE_SIZE)
            error = load_segment_page(space, file, page, segment, image->bias, protection);
        /* The program headers live in the segment that covers their file offset. */
        if (header->e_phoff >= segment->p_offset &&
            header->e_phoff + table_size <= segment->p_offset + segment->p_filesz)
            image->program_headers = segment->p_vaddr + image->bias +
                                     (header->e_phoff - segment->p_offset);
        image->brk = MAX(image->brk, end);
    }
    image->entry = header->e_entry + image->bias;
    image->program_header_count = header->e_phnum;
    return error;
}

int elf_read_interpreter_path(struct file *file, const Elf64_Ehdr *header,
                                 const Elf64_Phdr *segments, char *path, size_t size)
{
    path[0] = 0;
    for (int i = 0; i < header->e_phnum; i++) {
        const Elf64_Phdr *segment = &segments[i];
        if (segment->p_type != PT_INTERP)
            continue;
        if (segment->p_filesz < 2 || segment->p_filesz > size)
            return -ENOEXEC;
        if (kernel_read(file, path, segment->p_filesz, segment->p_offset) !=
            (ssize_t)segment->p_filesz)
            return -EIO;
        if (path[segment->p_filesz - 1] != 0 || strlen(path) != segment->p_filesz - 1)
            return -ENOEXEC;
        return 0;
    }
    return 0;
}

