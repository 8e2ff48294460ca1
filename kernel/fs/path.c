/*
 * Path resolution (path_resolution(7)).
 *
 * A path is walked one component at a time from the root (absolute paths),
 * from the cwd (AT_FDCWD) or from a directory fd.  "." stays, ".." goes to
 * the parent and never above the root; stepping onto a directory that has
 * a file system mounted on it continues in that file system's root, and ".."
 * from a mounted root continues from the directory it is mounted on.
 *
 * Symlinks met before the last component are always followed; the last one
 * only when the caller asks or when a slash follows it.  Following replaces
 * the link's component with its target in the remaining path, so the walk
 * stays iterative; after SYMLINKS_MAX links the lookup fails with ELOOP.
 * A magic link (follow_file) instead moves the walk to the inode of the
 * file it stands for, as Linux's nd_jump_link.
 */
#include <fs_internal.h>
#include <page.h>
#include <task.h>

/*
 * The state of one walk: the directory reached and the path still to walk;
 * location, if the caller wants it, receives the directory and the name a
 * final non-directory was found by.
 */
struct walk {
    struct inode *directory;   /* referenced */
    char *remaining;           /* PATH_MAX bytes */
    int links_followed;
    struct name_location *location;
};

static struct inode *fs_cwd(void)
{
    /* At boot no process exists yet: relative paths start at the root. */
    if (current && current->process && current->process->fs)
        return current->process->fs->cwd;
    return vfs_root();
}

int path_start(int dirfd, const char *path, struct inode **start)
{
    struct inode *inode;
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        inode = path[0] == '/' ? vfs_root() : fs_cwd();
        inode_get(inode);
    } else {
        struct file *file = fd_get(dirfd);
        if (!file)
            return -EBADF;
        inode = file->inode;
        inode_get(inode);
        file_put(file);
        /* openat(2): a relative path needs dirfd to be a directory. */
        if (!inode_is_directory(inode)) {
            inode_put(inode);
            return -ENOTDIR;
        }
    }
    *start = inode;
    return 0;
}

bool path_has_trailing_slash(const char *path)
{
    size_t length = strlen(path);
    if (length == 0 || path[length - 1] != '/')
        return false;
    while (length > 0 && path[length - 1] == '/')
        length--;
    return length > 0;
}

static void walk_move_to(struct walk *walk, struct inode *inode)
{
    inode_get(inode);
    inode_put(walk->directory);
    walk->directory = inode;
}

/* ".." of directory: its parent, seen through mounts, never above the root. */
static struct inode *parent_of(struct inode *directory)
{
    while (directory != vfs_root() && directory->mountpoint)
        directory = directory->mountpoint;
    if (directory == vfs_root() || !directory->parent)
        return directory;
    return directory->parent;
}

/* The inode to use for inode: the root of whatever is mounted on it. */
static struct inode *through_mounts(struct inode *inode)
{
    while (inode->mounted) {
        struct inode *mounted = inode->mounted;
        inode_get(mounted);
        inode_put(inode);
        inode = mounted;
    }
    return inode;
}

/* Replaces the link's component: remaining becomes target + rest. */
static int follow_link(struct walk *walk, struct inode *link, const char *rest)
{
    if (++walk->links_followed > SYMLINKS_MAX)
        return -ELOOP;
    if (!link->ops || !link->ops->readlink)
        return -EINVAL;
    char *expanded = kmalloc(PATH_MAX);
    if (!expanded)
        return -ENOMEM;
    int length = link->ops->readlink(link, expanded, PATH_MAX);
    size_t rest_length = strlen(rest);
    int error = 0;
    if (length < 0)
        error = length;
    else if (length == 0)
        error = -ENOENT;     /* an empty target names nothing (Linux) */
    else if ((size_t)length + rest_length >= PATH_MAX)
        error = -ENAMETOOLONG;
    if (!error) {
        memcpy(expanded + length, rest, rest_length + 1);
        memcpy(walk->remaining, expanded, length + rest_length + 1);
        if (expanded[0] == '/')
            walk_move_to(walk, vfs_root());
    }
    kfree(expanded);
    return error;
}

/* Moves the walk onto the file a magic link stands for; last: it ends the path. */
static int jump_to_file(struct walk *walk, struct inode *link, bool last)
{
    if (++walk->links_followed > SYMLINKS_MAX)
        return -ELOOP;
    struct file *file;
    int error = link->ops->follow_file(link, &file);
    if (error)
        return error;
    walk_move_to(walk, file->inode);
    if (last && walk->location && file->directory) {
        inode_get(file->directory);
        walk->location->directory = file->directory;
        strlcpy(walk->location->name, file->name, sizeof(walk->location->name));
    }
    file_put(file);
    return 0;
}

static int walk_components(struct walk *walk, bool follow, struct inode **result)
{
    char *cursor = walk->remaining;
    for (;;) {
        while (*cursor == '/')
            cursor++;
        if (!*cursor) {
            *result = walk->directory;
            walk->directory = NULL;
            return 0;
        }
        const char *name = cursor;
        while (*cursor && *cursor != '/')
            cursor++;
        size_t length = cursor - name;
        const char *after = cursor;
        while (*after == '/')
            after++;
        bool last = !*after;
        bool trailing_slash = last && *cursor == '/';

        struct inode *directory = walk->directory;
        if (!inode_is_directory(directory))
            return -ENOTDIR;
        if (length > NAME_MAX)
            return -ENAMETOOLONG;
        if (length == 1 && name[0] == '.')
            continue;
        if (length == 2 && name[0] == '.' && name[1] == '.') {
            walk_move_to(walk, parent_of(directory));
            continue;
        }
        if (!directory->ops || !directory->ops->lookup)
            return -ENOTDIR;
        struct inode *child;
        int error = directory->ops->lookup(directory, name, length, &child);
        if (error)
            return error;
        child = through_mounts(child);
        if (S_ISLNK(child->mode) && (!last || follow || trailing_slash) && child->ops &&
            child->ops->follow_file) {
            error = jump_to_file(walk, child, last && !trailing_slash);
            inode_put(child);
            if (error)
                return error;
            if (trailing_slash && !inode_is_directory(walk->directory))
                return -ENOTDIR;
            continue;
        }
        if (S_ISLNK(child->mode) && (!last || follow || trailing_slash)) {
            error = follow_link(walk, child, cursor);
            inode_put(child);
            if (error)
                return error;
            cursor = walk->remaining;
            continue;
        }
        /* A trailing slash demands a directory (POSIX pathname resolution). */
        if (trailing_slash && !inode_is_directory(child)) {
            inode_put(child);
            return -ENOTDIR;
        }
        if (last && walk->location && !inode_is_directory(child)) {
            walk->location->directory = walk->directory;   /* takes the walk's reference */
            memcpy(walk->location->name, name, length);
            walk->location->name[length] = '\0';
        } else {
            inode_put(walk->directory);
        }
        walk->directory = child;
    }
}

static int walk_from(int dirfd, const char *path, bool follow, struct inode **result,
                     struct name_location *location)
{
    size_t length = strnlen(path, PATH_MAX);
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    struct walk walk = { .location = location };
    int error = path_start(dirfd, path, &walk.directory);
    if (error)
        return error;
    walk.remaining = kmalloc(PATH_MAX);
    if (!walk.remaining) {
        inode_put(walk.directory);
        return -ENOMEM;
    }
    memcpy(walk.remaining, path, length + 1);
    error = walk_components(&walk, follow, result);
    if (walk.directory)
        inode_put(walk.directory);
    kfree(walk.remaining);
    return error;
}

int path_lookup(int dirfd, const char *path, bool follow, struct inode **result)
{
    return path_lookup_located(dirfd, path, follow, result, NULL);
}

int path_lookup_located(int dirfd, const char *path, bool follow, struct inode **result,
                        struct name_location *location)
{
    if (location)
        location->directory = NULL;
    if (!*path)
        return -ENOENT;
    return walk_from(dirfd, path, follow, result, location);
}

/*
 * The last component is what follows the last slash once trailing slashes
 * are dropped; the rest (or "." when there is none) must name a directory.
 * A path of only slashes has no last component: *parent is the root and
 * *name_length is 0, and each caller answers as Linux does for "/".
 */
int path_lookup_parent(int dirfd, const char *path, struct inode **parent,
                       const char **name, size_t *name_length)
{
    if (!*path)
        return -ENOENT;
    size_t length = strnlen(path, PATH_MAX);
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    const char *end = path + length;
    while (end > path && end[-1] == '/')
        end--;
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    if ((size_t)(end - start) > NAME_MAX)
        return -ENAMETOOLONG;
    *name = start;
    *name_length = end - start;

    char *directory_path = kmalloc(PATH_MAX);
    if (!directory_path)
        return -ENOMEM;
    if (start == path) {
        directory_path[0] = end == path ? '/' : '.';
        directory_path[1] = '\0';
    } else {
        memcpy(directory_path, path, start - path);
        directory_path[start - path] = '\0';
    }
    struct inode *directory;
    int error = walk_from(dirfd, directory_path, true, &directory, NULL);
    kfree(directory_path);
    if (error)
        return error;
    if (!inode_is_directory(directory)) {
        inode_put(directory);
        return -ENOTDIR;
    }
    *parent = directory;
    return 0;
}
