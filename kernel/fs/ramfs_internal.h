/*
 * ramfs internals shared by ramfs_dir.c (directories, links, rename),
 * ramfs_file.c (regular file data) and ramfs_inode.c (inodes of each type).
 *
 * Invariants:
 *  - The file system holds one reference on an inode while its link_count
 *    is above zero; dropping the last link drops that reference.
 *  - A directory's entries are in increasing position order; positions are
 *    never reused, so getdents can resume at a position even after entries
 *    were removed (rm -r deletes while it reads).  Positions 0 and 1 are
 *    "." and "..".
 *  - A directory holds a reference on its parent (inode->parent) so that
 *    ".." and getcwd work from a removed cwd; a removed directory has
 *    link_count 0 and accepts no new entries.
 *  - A regular file's bytes past inode->size are zero in every allocated
 *    page, but for stores through a shared mapping into the last page,
 *    which growing the file zeroes first; missing pages (holes) read as
 *    zeros.
 */
#ifndef RAMFS_INTERNAL_H
#define RAMFS_INTERNAL_H
#include <fs_internal.h>
#include <ramfs.h>

/* tmpfs reports directory sizes in these bogus units; so do we. */
#define RAMFS_DIRENT_SIZE 20

struct ramfs_entry {
    struct list_node node;     /* on ramfs_directory.entries */
    struct inode *inode;
    uint64_t position;
    size_t name_length;
    char name[];               /* name_length bytes, then a NUL */
};

struct ramfs_directory {
    struct list_node entries;
    uint64_t next_position;
};

struct ramfs_file {
    void **pages;              /* NULL slots are holes */
    size_t page_slots;
};

extern const struct inode_operations ramfs_directory_inode_operations;
extern const struct file_operations ramfs_directory_file_operations;
extern const struct file_operations ramfs_regular_file_operations;

/* A new inode of the type in mode; device is st_rdev for device nodes. */
struct inode *ramfs_inode_new(struct super_block *super_block, uint32_t mode, uint32_t device);
void ramfs_release(struct inode *inode);
int ramfs_truncate(struct inode *inode, uint64_t size);
void ramfs_file_free(struct inode *inode);

#endif
