/*
 * A host shim for the kernel's loaders (kernel/fs/cpio.c,
 * kernel/proc/elf_loader.c), compiled from kernel/ with the kernel's own
 * headers: kernel_shim.c gives them the kernel services they call, each
 * checking the contract its kernel header states, and aborting (a fuzz
 * finding) when a caller breaks it.
 *
 * - Memory: kmalloc and pages from malloc, so ASan sees every overrun.
 * - A tiny VFS: one tree of directories, files, symlinks and nodes under /
 *   (relative paths from / as at boot; "." and ".." resolved; a symlink in
 *   the middle of a path is ENOTDIR here, the kernel would follow it).  The inode
 *   operations refuse what vfs.h forbids ("." and ".." as names, names
 *   with a '/', empty or longer than NAME_MAX) by aborting.
 * - An address space that keeps areas as address_space.h's invariants
 *   say (page aligned, start below end, inside user space, file offsets
 *   page aligned) and checks that every page inserted lies in an area.
 * - A file whose bytes are a buffer, with map_page as ramfs has it.
 */
#ifndef TESTS_FUZZ_KERNEL_SHIM_H
#define TESTS_FUZZ_KERNEL_SHIM_H
#include <vfs.h>

/* A fresh, empty root directory; the previous tree is checked (every
 * inode back to the one reference its link holds) and freed. */
void shim_vfs_reset(void);
/* A read-only file holding a copy of data. */
struct file *shim_file_new(const uint8_t *data, size_t size);
void shim_file_free(struct file *file);
struct address_space *shim_address_space_new(void);
void shim_address_space_free(struct address_space *space);
/* Aborts with the reason: the code under test broke a contract. */
_Noreturn void shim_finding(const char *reason);

#endif
