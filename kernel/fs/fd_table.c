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
    if (files)
        files->refcount = 1;
    return files;
}

struct files *files_copy(struct files *files)
{
    struct files *copy = files_new();
    if (!copy)
        return NULL;
    for (int fd = 0; fd < FILES_MAX; fd++) {
        copy->slots[fd] = files->slots[fd];
        if (copy->slots[fd])
            file_get(copy->slots[fd]);
    }
    memcpy(copy->close_on_exec, files->close_on_exec, sizeof(copy->close_on_exec));
    return copy;
}

void files_put(struct files *files)
{
    if (--files->refcount)
        return;
    for (int fd = 0; fd < FILES_MAX; fd++)
        if (files->slots[fd])
            close_by_table(files->slots[fd], files);
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
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if (files->close_on_exec[fd / 64] & (1UL << (fd % 64))) {
            if (files->slots[fd])
                close_by_table(files->slots[fd], files);
            files->slots[fd] = NULL;
            set_close_on_exec(files, fd, false);
        }
    }
}

struct file *fd_get(int fd)
{
    struct files *files = current->process->files;
    if (fd < 0 || fd >= FILES_MAX || !files->slots[fd])
        return NULL;
    file_get(files->slots[fd]);
    return files->slots[fd];
}

int fd_limit(void)
{
    return (int)MIN(current->process->limits[RLIMIT_NOFILE].current, (uint64_t)FILES_MAX);
}

int fd_install_from(int minimum, struct file *file, bool close_on_exec)
{
    struct files *files = current->process->files;
    /* POSIX: open and dup return the lowest-numbered free descriptor. */
    for (int fd = MAX(minimum, 0); fd < fd_limit(); fd++) {
        if (!files->slots[fd]) {
            files->slots[fd] = file;
            set_close_on_exec(files, fd, close_on_exec);
            return fd;
        }
    }
    return -EMFILE;
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
    if (fd < 0 || fd >= FILES_MAX || !files->slots[fd])
        return -EBADF;
    struct file *file = files->slots[fd];
    files->slots[fd] = NULL;
    set_close_on_exec(files, fd, false);
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
