/*
 * ramfs: the in-memory file system of the root (and, populated with device
 * nodes, of /dev).  Everything lives in inodes: a directory's private data is
 * its list of entries, a regular file's an array of pages, a symlink's the
 * target string.
 */
#ifndef RAMFS_H
#define RAMFS_H
#include <vfs.h>

/* A new, empty ramfs instance; name is its type as /proc/mounts shows it. */
struct inode *ramfs_create(const char *name);
/* Writes kernel data at offset of a regular file (the initramfs unpacker). */
int ramfs_write_kernel(struct inode *inode, uint64_t offset, const void *data, size_t length);

#endif
