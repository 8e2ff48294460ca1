/*
 * The ELF loader (kernel/proc/elf_loader.c): an aarch64 ELF executable or
 * shared object read from a file and mapped into an address space, as
 * execve (kernel/proc/exec.c) loads a program and its PT_INTERP
 * interpreter.  It trusts nothing in the file: a header, a program header
 * table or a segment it cannot load gives an errno, never a bad mapping.
 * It builds on the host too, for fuzzing (tests/fuzz/).
 */
#ifndef ELF_LOADER_H
#define ELF_LOADER_H
#include <kernel.h>
#include <linux/elf.h>

struct address_space;
struct file;

/* Where an image went: its entry point, its program headers in memory
 * (AT_PHDR, 0 if no segment holds them) and their count, the load bias,
 * and the end of its highest segment (the program break starts there). */
struct elf_image {
    uint64_t entry, program_headers, program_header_count, bias, brk;
};

/* Is header that of an aarch64 ELF executable or shared object, with a
 * program header table of 1 to 64 entries of the right size? */
bool elf_header_valid(const Elf64_Ehdr *header);
/* The program header table of a valid header, in a kmalloc'd buffer the
 * caller frees.  -ENOMEM, -ENOEXEC when the file is too short. */
int elf_read_program_headers(struct file *file, const Elf64_Ehdr *header, Elf64_Phdr **result);
/*
 * The path named by the program's PT_INTERP into path (size bytes), or ""
 * when it has none.  Linux checks the same: one NUL-terminated string that
 * fits (ENOEXEC otherwise).
 */
int elf_read_interpreter_path(struct file *file, const Elf64_Ehdr *header,
                              const Elf64_Phdr *segments, char *path, size_t size);
/*
 * Maps every PT_LOAD segment into space: an ET_EXEC where it was linked; a
 * program's own ET_DYN (static-pie or PIE) at USER_PIE_BASE; an
 * interpreter, an ET_DYN, in a free gap of the mmap region.  0, or
 * -ENOEXEC (a segment that is not loadable), -ENOMEM, -EIO.
 */
int elf_load(struct address_space *space, struct file *file, const Elf64_Ehdr *header,
             const Elf64_Phdr *segments, bool interpreter, struct elf_image *image);

#endif
