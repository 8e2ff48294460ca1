/*
 * The name space: getdents64, mkdirat, mknodat, unlinkat, renameat(2),
 * linkat, symlinkat, chdir, fchdir, getcwd, umask.
 */
#include <asm/unistd.h>      /* before syscall.h: arm64 has renameat */
#include <fs_internal.h>
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <linux/fs.h>

/* A user path split into its directory (referenced) and last component. */
struct parent_path {
    char *path;               /* kernel copy; name points into it */
    struct inode *directory;
    const char *name;
    size_t length;
};

static long parent_lookup(int dirfd, uint64_t user_path, struct parent_path *parent)
{
    parent->directory = NULL;
    long result = path_from_user((const char *)user_path, &parent->path);
    if (result < 0)
        return result;
    result = path_lookup_parent(dirfd, parent->path, &parent->directory, &parent->name,
                                &parent->length);
    if (result) {
        kfree(parent->path);
        parent->directory = NULL;
    }
    return result;
}

static void parent_done(struct parent_path *parent)
{
    if (parent->directory)
        inode_put(parent->directory);
    kfree(parent->path);
}

/* Is the last component "." or ".." (or missing, for "/")? */
static bool name_is_special(const struct parent_path *parent)
{
    const char *name = parent->name;
    return parent->length == 0 || (parent->length == 1 && name[0] == '.') ||
           (parent->length == 2 && name[0] == '.' && name[1] == '.');
}

/* The inode the last component names now, or NULL. */
static struct inode *child_of(const struct parent_path *parent)
{
    struct inode *directory = parent->directory, *child;
    if (!directory->ops || !directory->ops->lookup ||
        directory->ops->lookup(directory, parent->name, parent->length, &child))
        return NULL;
    return child;
}

static bool exists(const struct parent_path *parent)
{
    struct inode *child = child_of(parent);
    if (child)
        inode_put(child);
    return child != NULL;
}

static uint32_t current_umask(void)
{
    return current->process->fs->umask;
}

static long sys_getdents64(uint64_t fd, uint64_t user_buffer, uint64_t size)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (!inode_is_directory(file->inode) || !file->ops || !file->ops->getdents)
        result = -ENOTDIR;
    else
        result = file->ops->getdents(file, (void *)user_buffer, (size_t)MIN(size, (uint64_t)INT32_MAX));
    file_put(file);
    return result;
}
SYSCALL(__NR_getdents64, sys_getdents64);

/* mkdir(2) and mknod(2): an existing name (also ".", ".." and "/") is EEXIST. */
static long make_node(uint64_t dirfd, uint64_t user_path, uint32_t mode, uint32_t device)
{
    struct parent_path parent;
    long result = parent_lookup((int)dirfd, user_path, &parent);
    if (result)
        return result;
    struct inode *directory = parent.directory;
    uint32_t permissions = mode & 07777 & ~current_umask();
    if (name_is_special(&parent) || exists(&parent))
        result = -EEXIST;
    else if (directory->link_count == 0)
        result = -ENOENT;
    else if (S_ISDIR(mode))
        result = directory->ops->mkdir ? directory->ops->mkdir(directory, parent.name, parent.length,
                                                               permissions) : -EPERM;
    else if (S_ISREG(mode) && directory->ops->create) {
        struct inode *created;
        result = directory->ops->create(directory, parent.name, parent.length,
                                        S_IFREG | permissions, &created);
        if (!result)
            inode_put(created);
    } else
        result = directory->ops->mknod ? directory->ops->mknod(directory, parent.name, parent.length,
                                                               (mode & S_IFMT) | permissions, device)
                                       : -EPERM;
    parent_done(&parent);
    return result;
}

static long sys_mkdirat(uint64_t dirfd, uint64_t user_path, uint64_t mode)
{
    return make_node(dirfd, user_path, S_IFDIR | (mode & 07777), 0);
}
SYSCALL(__NR_mkdirat, sys_mkdirat);

static long sys_mknodat(uint64_t dirfd, uint64_t user_path, uint64_t mode, uint64_t device)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;        /* mknod(2): zero means a regular file */
    else if (type == S_IFDIR)
        return -EPERM;
    else if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
             type != S_IFSOCK)
        return -EINVAL;
    return make_node(dirfd, user_path, type | (mode & 07777), (uint32_t)device);
}
SYSCALL(__NR_mknodat, sys_mknodat);

static long remove_directory(struct parent_path *parent)
{
    const char *name = parent->name;
    if (parent->length == 0)
        return -EBUSY;                        /* rmdir("/") */
    if (parent->length == 1 && name[0] == '.')
        return -EINVAL;                       /* rmdir(2): last component "." */
    if (parent->length == 2 && name[0] == '.' && name[1] == '.')
        return -ENOTEMPTY;
    struct inode *directory = parent->directory;
    if (!directory->ops->rmdir)
        return exists(parent) ? -EPERM : -ENOENT;
    return directory->ops->rmdir(directory, name, parent->length);
}

static long remove_file(struct parent_path *parent)
{
    if (name_is_special(parent))
        return -EISDIR;
    struct inode *child = child_of(parent);
    if (!child)
        return -ENOENT;
    long result = 0;
    /* unlink("name/"): a slash after a non-directory is ENOTDIR. */
    if (inode_is_directory(child))
        result = -EISDIR;
    else if (path_has_trailing_slash(parent->path))
        result = -ENOTDIR;
    inode_put(child);
    if (result)
        return result;
    struct inode *directory = parent->directory;
    return directory->ops->unlink ? directory->ops->unlink(directory, parent->name, parent->length)
                                  : -EPERM;
}

static long sys_unlinkat(uint64_t dirfd, uint64_t user_path, uint64_t flags)
{
    if (flags & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    struct parent_path parent;
    long result = parent_lookup((int)dirfd, user_path, &parent);
    if (result)
        return result;
    result = (flags & AT_REMOVEDIR) ? remove_directory(&parent) : remove_file(&parent);
    parent_done(&parent);
    return result;
}
SYSCALL(__NR_unlinkat, sys_unlinkat);

/*
 * rename(2).  Linux's order of checks: EXDEV across file systems, then EBUSY
 * for "/", "." and ".." (EEXIST as a target under RENAME_NOREPLACE), then
 * the source must exist, and a slash after a non-directory is ENOTDIR; the
 * rest (replacing, moving into itself) is the file system's.
 */
static long rename_checked(struct parent_path *from, struct parent_path *to, unsigned flags)
{
    if (from->directory->super_block != to->directory->super_block)
        return -EXDEV;
    if (name_is_special(from))
        return -EBUSY;
    if (name_is_special(to))
        return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    struct inode *source = child_of(from);
    if (!source)
        return -ENOENT;
    bool directory = inode_is_directory(source);
    inode_put(source);
    if (!directory && (path_has_trailing_slash(from->path) || path_has_trailing_slash(to->path)))
        return -ENOTDIR;
    if (!from->directory->ops->rename)
        return -EPERM;
    return from->directory->ops->rename(from->directory, from->name, from->length, to->directory,
                                        to->name, to->length, flags);
}

static long sys_renameat2(uint64_t old_dirfd, uint64_t old_path, uint64_t new_dirfd,
                          uint64_t new_path, uint64_t flags)
{
    if (flags & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;        /* RENAME_WHITEOUT is for overlay file systems only */
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return -EINVAL;
    struct parent_path from, to;
    long result = parent_lookup((int)old_dirfd, old_path, &from);
    if (result)
        return result;
    result = parent_lookup((int)new_dirfd, new_path, &to);
    if (!result) {
        result = rename_checked(&from, &to, (unsigned)flags);
        parent_done(&to);
    }
    parent_done(&from);
    return result;
}
SYSCALL(__NR_renameat2, sys_renameat2);

static long sys_renameat(uint64_t old_dirfd, uint64_t old_path, uint64_t new_dirfd, uint64_t new_path)
{
    return sys_renameat2(old_dirfd, old_path, new_dirfd, new_path, 0);
}
SYSCALL(__NR_renameat, sys_renameat);

static long sys_linkat(uint64_t old_dirfd, uint64_t old_path, uint64_t new_dirfd, uint64_t new_path,
                       uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    /* linkat(2): a final symlink is linked itself unless AT_SYMLINK_FOLLOW. */
    unsigned lookup_flags = (flags & AT_EMPTY_PATH) |
                            ((flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW);
    struct inode *target;
    long result = user_path_lookup((int)old_dirfd, (const char *)old_path, lookup_flags, &target);
    if (result)
        return result;
    struct parent_path parent;
    result = parent_lookup((int)new_dirfd, new_path, &parent);
    if (result) {
        inode_put(target);
        return result;
    }
    struct inode *directory = parent.directory;
    if (name_is_special(&parent) || exists(&parent))
        result = -EEXIST;
    else if (inode_is_directory(target))
        result = -EPERM;       /* link(2): no hard links to directories */
    else if (directory->super_block != target->super_block)
        result = -EXDEV;
    else if (!directory->ops->link)
        result = -EPERM;
    else
        result = directory->ops->link(directory, parent.name, parent.length, target);
    parent_done(&parent);
    inode_put(target);
    return result;
}
SYSCALL(__NR_linkat, sys_linkat);

static long sys_symlinkat(uint64_t user_target, uint64_t dirfd, uint64_t user_path)
{
    char *target;
    long result = path_from_user((const char *)user_target, &target);
    if (result < 0)
        return result;
    if (result == 0) {
        kfree(target);
        return -ENOENT;        /* symlink(2): an empty target */
    }
    struct parent_path parent;
    result = parent_lookup((int)dirfd, user_path, &parent);
    if (!result) {
        struct inode *directory = parent.directory;
        if (name_is_special(&parent) || exists(&parent))
            result = -EEXIST;
        else if (directory->link_count == 0)
            result = -ENOENT;
        else if (!directory->ops->symlink)
            result = -EPERM;
        else
            result = directory->ops->symlink(directory, parent.name, parent.length, target);
        parent_done(&parent);
    }
    kfree(target);
    return result;
}
SYSCALL(__NR_symlinkat, sys_symlinkat);

static long change_directory(struct inode *inode)
{
    if (!inode_is_directory(inode)) {
        inode_put(inode);
        return -ENOTDIR;
    }
    struct fs_context *fs = current->process->fs;
    inode_put(fs->cwd);
    fs->cwd = inode;           /* takes the caller's reference */
    return 0;
}

static long sys_chdir(uint64_t user_path)
{
    struct inode *inode;
    long result = user_path_lookup(AT_FDCWD, (const char *)user_path, 0, &inode);
    return result ? result : change_directory(inode);
}
SYSCALL(__NR_chdir, sys_chdir);

static long sys_fchdir(uint64_t fd)
{
    struct file *file = fd_get((int)fd);
    if (!file)
        return -EBADF;
    struct inode *inode = file->inode;
    inode_get(inode);
    file_put(file);
    return change_directory(inode);
}
SYSCALL(__NR_fchdir, sys_fchdir);

/* getcwd(2): returns the length with the NUL; ENOENT once cwd was removed. */
static long sys_getcwd(uint64_t user_buffer, uint64_t size)
{
    struct inode *cwd = current->process->fs->cwd;
    if (cwd->link_count == 0)
        return -ENOENT;
    char *buffer = kmalloc(PATH_MAX);
    if (!buffer)
        return -ENOMEM;
    long result = vfs_path_of(cwd, buffer, (size_t)MIN(size, (uint64_t)PATH_MAX));
    if (result >= 0) {
        result++;
        if (copy_to_user((void *)user_buffer, buffer, (size_t)result))
            result = -EFAULT;
    }
    kfree(buffer);
    return result;
}
SYSCALL(__NR_getcwd, sys_getcwd);

static long sys_umask(uint64_t mask)
{
    struct fs_context *fs = current->process->fs;
    uint32_t previous = fs->umask;
    fs->umask = mask & 0777;
    return previous;
}
SYSCALL(__NR_umask, sys_umask);
