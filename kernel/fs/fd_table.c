/*
 * File-descriptor tables and the cwd/umask context of a process.
 *
 * A slot holds one reference to its file.  fd_install, fd_install_from and
 * fd_install_at take over the caller's reference when they succeed (as
 * Linux's fd_install does); on failure the caller still owns it.  Every
 * way a slot lets go of its file is a close by the table (close_by_table).
 */
#include "locks.h"
#include <page.h>
#include <task.h>
#include <asm-generic/resource.h>

/*
 * A close by the table files, as Linux's filp_close: whichever descriptor
 * of the inode it was, the table's POSIX record locks on it go (fcntl(2)).
 */
static void close_by_table(struct file *file, struct files *files)
{
    if (file->inode->locks)
        file_locks_close(file, files);
    file_put(file);
}

struct files *files_new(void)
{
    struct files *files = kzalloc(sizeof(*files));
    if (!files)
        return NULL;
    files->refcount = 1;
    files->size = FILES_INITIAL;
    files->slots = files->initial_slots;
    files->close_on_exec = files->initial_close_on_exec;
    return files;
}

/* Makes room for descriptors below needed, doubling the size (expand_files);
 * -ENOMEM if the arrays cannot be had, the table then as it was. */
static int files_grow(struct files *files, int needed)
{
    int size = files->size;
    while (size < needed)
        size *= 2;
    if (size == files->size)
        return 0;
    struct file **slots = kzalloc((size_t)size * sizeof(*slots));
    uint64_t *close_on_exec = kzalloc((size_t)size / 64 * sizeof(*close_on_exec));
    if (!slots || !close_on_exec) {
        kfree(slots);
        kfree(close_on_exec);
        return -ENOMEM;
    }
    memcpy(slots, files->slots, (size_t)files->size * sizeof(*slots));
    memcpy(close_on_exec, files->close_on_exec, (size_t)files->size / 64 * sizeof(*close_on_exec));
    if (files->slots != files->initial_slots) {
        kfree(files->slots);
        kfree(files->close_on_exec);
    }
    files->slots = slots;
    files->close_on_exec = close_on_exec;
    files->size = size;
    return 0;
}

struct files *files_copy(struct files *files)
{
    struct files *copy = files_new();
    if (!copy)
        return NULL;
    if (files_grow(copy, files->size) < 0) {
        kfree(copy);
        return NULL;
    }
    for (int fd = 0; fd < files->size; fd++) {
        copy->slots[fd] = files->slots[fd];
        if (copy->slots[fd])
            file_get(copy->slots[fd]);
    }
    memcpy(copy->close_on_exec, files->close_on_exec, (size_t)files->size / 64 * sizeof(uint64_t));
    copy->next_free = files->next_free;
    return copy;
}

void files_put(struct files *files)
{
    if (--files->refcount)
        return;
    for (int fd = 0; fd < files->size; fd++)
        if (files->slots[fd])
            close_by_table(files->slots[fd], files);
    if (files->slots != files->initial_slots) {
        kfree(files->slots);
        kfree(files->close_on_exec);
    }
    kfree(files);
}

static void set_close_on_exec(struct files *files, int fd, bool close_on_exec)
{
    uint64_t bit = 1UL << (fd % 64);
    if (close_on_exec)
        files->close_on_exec[fd / 64] |= bit;
    else
        files->close_on_exec[fd / 64] &= ~bit;
}

void files_close_on_exec(struct files *files)
{
    for (int fd = 0; fd < files->size; fd++) {
        if (files->close_on_exec[fd / 64] & (1UL << (fd % 64))) {
            if (files->slots[fd])
                close_by_table(files->slots[fd], files);
            files->slots[fd] = NULL;
            set_close_on_exec(files, fd, false);
            files->next_free = MIN(files->next_free, fd);
        }
    }
}

struct file *fd_get(int fd)
{
    struct files *files = current->process->files;
    if (fd < 0 || fd >= files->size || !files->slots[fd])
        return NULL;
    file_get(files->slots[fd]);
    return files->slots[fd];
}

int fd_limit(void)
{
    return (int)MIN(current->process->limits[RLIMIT_NOFILE].current, (uint64_t)FILES_NR_OPEN);
}

int fd_install_from(int minimum, struct file *file, bool close_on_exec)
{
    struct files *files = current->process->files;
    int limit = fd_limit();
    /* POSIX: open and dup return the lowest-numbered free descriptor. */
    int fd = MAX(minimum, files->next_free);
    while (fd < limit && fd < files->size && files->slots[fd])
        fd++;
    if (fd >= limit)
        return -EMFILE;
    int error = files_grow(files, fd + 1);
    if (error)
        return error;
    files->slots[fd] = file;
    set_close_on_exec(files, fd, close_on_exec);
    if (minimum <= files->next_free)
        files->next_free = fd + 1;
    return fd;
}

int fd_install(struct file *file, bool close_on_exec)
{
    return fd_install_from(0, file, close_on_exec);
}

int fd_install_at(int fd, struct file *file, bool close_on_exec)
{
    struct files *files = current->process->files;
    if (fd < 0 || fd >= fd_limit())
        return -EBADF;
    int error = files_grow(files, fd + 1);
    if (error)
        return error;
    struct file *previous = files->slots[fd];
    files->slots[fd] = file;
    set_close_on_exec(files, fd, close_on_exec);
    /* dup2: the old file is closed silently, after the slot is reused. */
    if (previous)
        close_by_table(previous, files);
    return fd;
}

int fd_close(int fd)
{
    struct files *files = current->process->files;
    if (fd < 0 || fd >= files->size || !files->slots[fd])
        return -EBADF;
    struct file *file = files->slots[fd];
    files->slots[fd] = NULL;
    set_close_on_exec(files, fd, false);
    files->next_free = MIN(files->next_free, fd);
    close_by_table(file, files);
    return 0;
}

bool fd_get_close_on_exec(int fd)
{
    return current->process->files->close_on_exec[fd / 64] & (1UL << (fd % 64));
}

void fd_set_close_on_exec(int fd, bool close_on_exec)
{
    set_close_on_exec(current->process->files, fd, close_on_exec);
}

struct fs_context *fs_context_new(struct inode *cwd)
{
    struct fs_context *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return NULL;
    fs->refcount = 1;
    inode_get(cwd);
    fs->cwd = cwd;
    fs->umask = 022;   /* Linux's default for init */
    return fs;
}

struct fs_context *fs_context_copy(struct fs_context *fs)
{
    struct fs_context *copy = fs_context_new(fs->cwd);
    if (copy)
        copy->umask = fs->umask;
    return copy;
}

void fs_context_put(struct fs_context *fs)
{
    if (--fs->refcount)
        return;
    inode_put(fs->cwd);
    kfree(fs);
}
