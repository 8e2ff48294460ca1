/*
 * ramfs directories: the name space operations (lookup, create, link,
 * unlink, rename ...) and getdents64.  The system calls have already
 * resolved the parent directories and checked the names; what is checked
 * here is what needs the directory contents.
 */
#include "ramfs_internal.h"
#include <page.h>
#include <uaccess.h>
#include <linux/fs.h>

static struct ramfs_directory *directory_of(struct inode *inode)
{
    return inode->private;
}

static struct ramfs_entry *find_entry(struct inode *directory, const char *name, size_t length)
{
    list_for_each(node, &directory_of(directory)->entries) {
        struct ramfs_entry *entry = container_of(node, struct ramfs_entry, node);
        if (entry->name_length == length && !memcmp(entry->name, name, length))
            return entry;
    }
    return NULL;
}

static bool directory_empty(struct inode *directory)
{
    return list_empty(&directory_of(directory)->entries);
}

static void directory_changed(struct inode *directory)
{
    inode_touch(directory, true);
}

static struct ramfs_entry *entry_new(const char *name, size_t length, struct inode *inode)
{
    struct ramfs_entry *entry = kmalloc(sizeof(*entry) + length + 1);
    if (!entry)
        return NULL;
    entry->node.next = entry->node.prev = NULL;
    entry->inode = inode;
    entry->name_length = length;
    memcpy(entry->name, name, length);
    entry->name[length] = '\0';
    return entry;
}

static void entry_append(struct inode *directory, struct ramfs_entry *entry)
{
    struct ramfs_directory *contents = directory_of(directory);
    entry->position = contents->next_position++;
    list_push_back(&contents->entries, &entry->node);
    directory->size += RAMFS_DIRENT_SIZE;
    directory_changed(directory);
}

static void entry_remove(struct inode *directory, struct ramfs_entry *entry)
{
    list_remove(&entry->node);
    directory->size -= RAMFS_DIRENT_SIZE;
    directory_changed(directory);
}

/* Gives a directory its place in the tree: parent pointer and name. */
static void directory_place(struct inode *child, struct inode *parent, const char *name, size_t length)
{
    inode_get(parent);
    if (child->parent)
        inode_put(child->parent);
    child->parent = parent;
    memcpy(child->name, name, length);
    child->name[length] = '\0';
}

/* Links a new inode (whose reference becomes the file system's) into directory. */
static int link_new(struct inode *directory, const char *name, size_t length, struct inode *inode)
{
    if (directory->link_count == 0)
        return -ENOENT;
    if (find_entry(directory, name, length))
        return -EEXIST;
    struct ramfs_entry *entry = entry_new(name, length, inode);
    if (!entry)
        return -ENOSPC;
    if (S_ISDIR(inode->mode)) {
        inode->link_count = 2;            /* its entry here and its own "." */
        directory->link_count++;          /* the child's ".." */
        directory_place(inode, directory, name, length);
    } else {
        inode->link_count = 1;
    }
    entry_append(directory, entry);
    return 0;
}

static int make_node(struct inode *directory, const char *name, size_t length, uint32_t mode,
                     uint32_t device, struct inode **result)
{
    struct inode *inode = ramfs_inode_new(directory->super_block, mode, device);
    if (!inode)
        return -ENOSPC;
    inode->uid = directory->uid;
    inode->gid = directory->gid;
    if (result)
        inode_get(inode);
    int error = link_new(directory, name, length, inode);
    if (error) {
        if (result)
            inode_put(inode);
        inode_put(inode);
        return error;
    }
    if (result)
        *result = inode;
    return 0;
}

/* Drops one link to inode; the last one drops the file system's reference. */
static void drop_link(struct inode *inode)
{
    inode->change_time = vfs_now();
    if (--inode->link_count == 0)
        inode_put(inode);
}

static int ramfs_lookup(struct inode *directory, const char *name, size_t length, struct inode **result)
{
    if (directory->link_count == 0)
        return -ENOENT;
    struct ramfs_entry *entry = find_entry(directory, name, length);
    if (!entry)
        return -ENOENT;
    inode_get(entry->inode);
    *result = entry->inode;
    return 0;
}

static int ramfs_create_file(struct inode *directory, const char *name, size_t length, uint32_t mode,
                             struct inode **result)
{
    return make_node(directory, name, length, S_IFREG | (mode & 07777), 0, result);
}

static int ramfs_mkdir(struct inode *directory, const char *name, size_t length, uint32_t mode)
{
    return make_node(directory, name, length, S_IFDIR | (mode & 07777), 0, NULL);
}

static int ramfs_mknod(struct inode *directory, const char *name, size_t length, uint32_t mode,
                       uint32_t device)
{
    return make_node(directory, name, length, mode, device, NULL);
}

static int ramfs_symlink(struct inode *directory, const char *name, size_t length, const char *target)
{
    size_t target_length = strlen(target);
    char *copy = kmalloc(target_length + 1);
    if (!copy)
        return -ENOSPC;
    memcpy(copy, target, target_length + 1);
    struct inode *inode;
    int error = make_node(directory, name, length, S_IFLNK | 0777, 0, &inode);
    if (error) {
        kfree(copy);
        return error;
    }
    inode->private = copy;
    inode->size = target_length;
    inode_put(inode);
    return 0;
}

static int ramfs_link(struct inode *directory, const char *name, size_t length, struct inode *target)
{
    if (directory->link_count == 0 || target->link_count == 0)
        return -ENOENT;
    if (find_entry(directory, name, length))
        return -EEXIST;
    struct ramfs_entry *entry = entry_new(name, length, target);
    if (!entry)
        return -ENOSPC;
    target->link_count++;
    target->change_time = vfs_now();
    entry_append(directory, entry);
    return 0;
}

static int ramfs_unlink(struct inode *directory, const char *name, size_t length)
{
    struct ramfs_entry *entry = find_entry(directory, name, length);
    if (!entry)
        return -ENOENT;
    struct inode *inode = entry->inode;
    if (S_ISDIR(inode->mode))
        return -EISDIR;       /* Linux's answer to unlink(2) on a directory */
    entry_remove(directory, entry);
    kfree(entry);
    drop_link(inode);
    return 0;
}

/* Removes the entry of an empty directory and the links it held. */
static void remove_directory(struct inode *directory, struct ramfs_entry *entry)
{
    struct inode *child = entry->inode;
    entry_remove(directory, entry);
    kfree(entry);
    directory->link_count--;
    child->link_count = 0;
    child->change_time = vfs_now();
    inode_put(child);
}

static int ramfs_rmdir(struct inode *directory, const char *name, size_t length)
{
    struct ramfs_entry *entry = find_entry(directory, name, length);
    if (!entry)
        return -ENOENT;
    struct inode *child = entry->inode;
    if (!S_ISDIR(child->mode))
        return -ENOTDIR;
    if (child->mounted)
        return -EBUSY;
    if (!directory_empty(child))
        return -ENOTEMPTY;
    remove_directory(directory, entry);
    return 0;
}

/* Is ancestor the directory itself or one of its ancestors? */
static bool is_ancestor(struct inode *ancestor, struct inode *directory)
{
    for (struct inode *inode = directory; inode; inode = inode->parent)
        if (inode == ancestor)
            return true;
    return false;
}

/* Replaces entry (in old_directory) by moved, a new entry in new_directory. */
static void move_entry(struct inode *old_directory, struct ramfs_entry *entry,
                       struct inode *new_directory, struct ramfs_entry *moved)
{
    struct inode *inode = entry->inode;
    entry_remove(old_directory, entry);
    kfree(entry);
    entry_append(new_directory, moved);
    if (S_ISDIR(inode->mode)) {
        old_directory->link_count--;
        new_directory->link_count++;
        directory_place(inode, new_directory, moved->name, moved->name_length);
    }
    inode->change_time = vfs_now();
}

/* RENAME_EXCHANGE: the two entries swap inodes. */
static int exchange(struct inode *old_directory, struct ramfs_entry *source,
                    struct inode *new_directory, struct ramfs_entry *target)
{
    struct inode *a = source->inode, *b = target->inode;
    if ((S_ISDIR(a->mode) && is_ancestor(a, new_directory)) ||
        (S_ISDIR(b->mode) && is_ancestor(b, old_directory)))
        return -EINVAL;
    source->inode = b;
    target->inode = a;
    if (S_ISDIR(a->mode)) {
        old_directory->link_count--;
        new_directory->link_count++;
        directory_place(a, new_directory, target->name, target->name_length);
    }
    if (S_ISDIR(b->mode)) {
        new_directory->link_count--;
        old_directory->link_count++;
        directory_place(b, old_directory, source->name, source->name_length);
    }
    a->change_time = b->change_time = vfs_now();
    directory_changed(old_directory);
    directory_changed(new_directory);
    return 0;
}

/*
 * rename(2): the target, if any, is replaced atomically.  A directory may
 * only replace an empty directory (else ENOTDIR / ENOTEMPTY), a
 * non-directory only a non-directory (else EISDIR), and a directory cannot
 * move below itself (EINVAL).  Two names of the same file: nothing happens.
 */
static int ramfs_rename(struct inode *old_directory, const char *old_name, size_t old_length,
                        struct inode *new_directory, const char *new_name, size_t new_length,
                        unsigned flags)
{
    struct ramfs_entry *source = find_entry(old_directory, old_name, old_length);
    if (!source)
        return -ENOENT;
    if (new_directory->link_count == 0)
        return -ENOENT;
    struct inode *moving = source->inode;
    struct ramfs_entry *target = find_entry(new_directory, new_name, new_length);
    if (S_ISDIR(moving->mode) && is_ancestor(moving, new_directory))
        return -EINVAL;
    if (flags & RENAME_EXCHANGE)
        return target ? exchange(old_directory, source, new_directory, target) : -ENOENT;
    if (target) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        struct inode *replaced = target->inode;
        if (replaced == moving)
            return 0;
        if (S_ISDIR(moving->mode)) {
            if (!S_ISDIR(replaced->mode))
                return -ENOTDIR;
            if (!directory_empty(replaced))
                return -ENOTEMPTY;
        } else if (S_ISDIR(replaced->mode)) {
            return -EISDIR;
        }
        if (replaced->mounted)
            return -EBUSY;
    }
    if (moving->mounted)
        return -EBUSY;
    /* Allocate first: once the target is gone, nothing may fail. */
    struct ramfs_entry *moved = entry_new(new_name, new_length, moving);
    if (!moved)
        return -ENOSPC;
    if (target && S_ISDIR(target->inode->mode)) {
        remove_directory(new_directory, target);
    } else if (target) {
        struct inode *replaced = target->inode;
        entry_remove(new_directory, target);
        kfree(target);
        drop_link(replaced);
    }
    move_entry(old_directory, source, new_directory, moved);
    return 0;
}

const struct inode_operations ramfs_directory_inode_operations = {
    .lookup = ramfs_lookup,
    .create = ramfs_create_file,
    .mkdir = ramfs_mkdir,
    .mknod = ramfs_mknod,
    .symlink = ramfs_symlink,
    .link = ramfs_link,
    .unlink = ramfs_unlink,
    .rmdir = ramfs_rmdir,
    .rename = ramfs_rename,
    .release = ramfs_release,
};

/* struct linux_dirent64, the record getdents64(2) fills in. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;            /* position of the next record */
    uint16_t d_reclen;
    uint8_t d_type;           /* DT_*: the S_IFMT bits shifted down */
    char d_name[];
} __attribute__((packed));

#define DIRENT_HEADER_SIZE offsetof(struct linux_dirent64, d_name)

/* The record at position (>= *position), or false at the end. */
static bool record_at(struct inode *directory, uint64_t *position, const char **name,
                      size_t *length, struct inode **inode)
{
    if (*position == 0) {
        *name = ".", *length = 1, *inode = directory;
        return true;
    }
    if (*position == 1) {
        struct inode *parent = directory;
        while (parent->mountpoint)
            parent = parent->mountpoint;
        *name = "..", *length = 2, *inode = parent->parent ? parent->parent : parent;
        return true;
    }
    list_for_each(node, &directory_of(directory)->entries) {
        struct ramfs_entry *entry = container_of(node, struct ramfs_entry, node);
        if (entry->position >= *position) {
            *position = entry->position;
            *name = entry->name, *length = entry->name_length, *inode = entry->inode;
            return true;
        }
    }
    return false;
}

static ssize_t ramfs_getdents(struct file *file, void *user_buffer, size_t size)
{
    struct inode *directory = file->inode;
    if (directory->link_count == 0)
        return 0;        /* a removed directory lists as empty */
    uint8_t record[ALIGN_UP(DIRENT_HEADER_SIZE + NAME_MAX + 1, 8)];
    size_t used = 0;
    for (;;) {
        uint64_t position = file->offset;
        const char *name;
        size_t length;
        struct inode *inode;
        if (!record_at(directory, &position, &name, &length, &inode))
            break;
        size_t record_length = ALIGN_UP(DIRENT_HEADER_SIZE + length + 1, 8);
        if (used + record_length > size) {
            if (!used)
                return -EINVAL;   /* getdents64(2): result buffer is too small */
            break;
        }
        struct linux_dirent64 *dirent = (struct linux_dirent64 *)record;
        memset(record, 0, record_length);
        dirent->d_ino = inode->number;
        dirent->d_off = (int64_t)position + 1;
        dirent->d_reclen = (uint16_t)record_length;
        dirent->d_type = (uint8_t)((inode->mode & S_IFMT) >> 12);
        memcpy(dirent->d_name, name, length);
        if (copy_to_user((uint8_t *)user_buffer + used, record, record_length))
            return used ? (ssize_t)used : -EFAULT;
        used += record_length;
        file->offset = position + 1;
    }
    inode_touch(directory, false);
    return (ssize_t)used;
}

const struct file_operations ramfs_directory_file_operations = {
    .getdents = ramfs_getdents,
    .seek = generic_seek,
};
