/*
 * Fuzz target (e), ELF: the loader execve uses (kernel/proc/elf_loader.c)
 * over any file, as a program and as an interpreter, into kernel_shim.c's
 * address space, which checks every area and page it is given.
 * Input: the file.
 */
#include "kernel_shim.h"
#include <address_space.h>
#include <elf_loader.h>
#include <fs_internal.h>
#include <page.h>

static void load(struct file *file, const Elf64_Ehdr *header, const Elf64_Phdr *segments,
                 bool interpreter)
{
    struct address_space *space = shim_address_space_new();
    struct elf_image image;
    if (!elf_load(space, file, header, segments, interpreter, &image) &&
        (image.brk % PAGE_SIZE || image.brk > USER_MMAP_TOP))
        shim_finding("a loaded image whose break is not a page in user space");
    shim_address_space_free(space);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct file *file = shim_file_new(data, size);
    Elf64_Ehdr header;
    Elf64_Phdr *segments = NULL;
    char interpreter_path[PATH_MAX];
    if (kernel_read(file, &header, sizeof(header), 0) == sizeof(header) &&
        elf_header_valid(&header) && !elf_read_program_headers(file, &header, &segments)) {
        elf_read_interpreter_path(file, &header, segments, interpreter_path,
                                  sizeof(interpreter_path));
        load(file, &header, segments, false);
        load(file, &header, segments, true);
        kfree(segments);
    }
    shim_file_free(file);
    return 0;
}
