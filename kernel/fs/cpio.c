/*
 * The initramfs: a "newc" cpio archive (magic "070701": a 110-byte header
 * of hexadecimal fields, the name, then the data, each padded to 4 bytes),
 * unpacked into the root file system at boot.  Several archives may follow
 * one another (each ends with a "TRAILER!!!" entry).  Directories, regular files,
 * symlinks and device nodes are created with the archive's modes, owners
 * and modification times; missing parent directories are made on the way.
 */
#include <fs_internal.h>
#include <page.h>
#include <ramfs.h>
#include <devices.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER "TRAILER!!!"

enum cpio_field {
    FIELD_INODE, FIELD_MODE, FIELD_UID, FIELD_GID, FIELD_LINKS, FIELD_MTIME, FIELD_FILE_SIZE,
    FIELD_DEV_MAJOR, FIELD_DEV_MINOR, FIELD_RDEV_MAJOR, FIELD_RDEV_MINOR, FIELD_NAME_SIZE,
    FIELD_CHECK, FIELD_COUNT
};

static bool parse_hex(const char *text, uint32_t *value)
{
    *value = 0;
    for (int i = 0; i < 8; i++) {
        char c = text[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        *value = *value << 4 | digit;
    }
    return true;
}

/* "." and ".." name directories that exist already, and are never names
 * an inode operation may be given (vfs.h): a path walk resolves them. */
static bool is_dot_or_dot_dot(const char *name, size_t length)
{
    return (length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.');
}

/* Creates every missing directory on the way to path's last component. */
static void make_parents(char *path)
{
    for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        struct inode *directory;
        const char *name;
        size_t length;
        if (!path_lookup_parent(AT_FDCWD, path, &directory, &name, &length)) {
            struct inode *existing;
            if (length && !is_dot_or_dot_dot(name, length)) {
                if (!directory->ops->lookup(directory, name, length, &existing))
                    inode_put(existing);
                else
                    directory->ops->mkdir(directory, name, length, 0755);
            }
            inode_put(directory);
        }
        *slash = '/';
    }
}

/*
 * A directory's time is set after the whole archive is in, as Linux does:
 * creating its entries would move it to the present again.
 */
struct directory_time {
    struct list_node node;
    struct inode *directory;
    struct timespec_kernel time;
};
static struct list_node directory_times = LIST_HEAD_INIT(directory_times);

static void set_time(struct inode *inode, struct timespec_kernel time)
{
    inode->access_time = inode->modify_time = inode->change_time = time;
}

static void set_attributes(const char *path, const uint32_t *fields)
{
    struct inode *inode;
    if (path_lookup(AT_FDCWD, path, false, &inode))
        return;
    inode->mode = (inode->mode & S_IFMT) | (fields[FIELD_MODE] & 07777);
    inode->uid = fields[FIELD_UID];
    inode->gid = fields[FIELD_GID];
    struct timespec_kernel time = { .seconds = fields[FIELD_MTIME] };
    struct directory_time *later = S_ISDIR(inode->mode) ? kmalloc(sizeof(*later)) : NULL;
    if (later) {
        later->directory = inode;      /* keeps the lookup's reference */
        later->time = time;
        list_push_back(&directory_times, &later->node);
        return;
    }
    set_time(inode, time);
    inode_put(inode);
}

static void set_directory_times(void)
{
    list_for_each_safe(node, &directory_times) {
        struct directory_time *later = container_of(node, struct directory_time, node);
        set_time(later->directory, later->time);
        inode_put(later->directory);
        list_remove(node);
        kfree(later);
    }
}

static int unpack_entry(char *path, const uint32_t *fields, const uint8_t *data)
{
    make_parents(path);
    struct inode *directory;
    const char *name;
    size_t length;
    int error = path_lookup_parent(AT_FDCWD, path, &directory, &name, &length);
    if (error)
        return error;
    if (is_dot_or_dot_dot(name, length)) {
        inode_put(directory);
        return -EEXIST;   /* what mkdir(2) answers for "dir/.." */
    }
    uint32_t mode = fields[FIELD_MODE];
    uint32_t size = fields[FIELD_FILE_SIZE];
    struct inode *existing;
    bool present = length && !directory->ops->lookup(directory, name, length, &existing);
    if (present) {
        /* A later entry replaces an earlier one, except directory over directory. */
        bool both_directories = S_ISDIR(existing->mode) && S_ISDIR(mode);
        inode_put(existing);
        if (!both_directories)
            directory->ops->unlink(directory, name, length);
    }
    switch (mode & S_IFMT) {
    case S_IFDIR:
        if (!present)
            error = directory->ops->mkdir(directory, name, length, mode & 07777);
        break;
    case S_IFREG: {
        struct inode *file;
        error = directory->ops->create(directory, name, length, mode, &file);
        if (!error) {
            error = ramfs_write_kernel(file, 0, data, size);
            inode_put(file);
        }
        break;
    }
    case S_IFLNK: {
        char *target = kmalloc(size + 1);
        if (!target) {
            error = -ENOMEM;
            break;
        }
        memcpy(target, data, size);
        target[size] = '\0';
        error = directory->ops->symlink(directory, name, length, target);
        kfree(target);
        break;
    }
    default:
        error = directory->ops->mknod(directory, name, length, mode,
                                      device_number(fields[FIELD_RDEV_MAJOR], fields[FIELD_RDEV_MINOR]));
        break;
    }
    inode_put(directory);
    if (!error)
        set_attributes(path, fields);
    return error;
}

void initramfs_unpack(const void *archive, size_t size)
{
    const uint8_t *base = archive;
    size_t offset = 0, entries = 0;
    char *path = kmalloc(PATH_MAX + 1);
    if (!path)
        panic("initramfs: out of memory");
    for (;;) {
        /* Archives may be concatenated, with zero padding between (Linux). */
        while (offset < size && base[offset] == 0)
            offset++;
        if (offset + CPIO_HEADER_SIZE > size)
            break;
        const char *header = (const char *)base + offset;
        if (memcmp(header, "070701", 6) && memcmp(header, "070702", 6)) {
            kprintf("initramfs: bad magic at offset %lu\n", offset);
            break;
        }
        uint32_t fields[FIELD_COUNT];
        bool valid = true;
        for (int i = 0; i < FIELD_COUNT; i++)
            valid &= parse_hex(header + 6 + 8 * i, &fields[i]);
        size_t name_offset = offset + CPIO_HEADER_SIZE;
        size_t name_size = fields[FIELD_NAME_SIZE];
        size_t data_offset = ALIGN_UP(name_offset + name_size, 4);
        size_t data_size = fields[FIELD_FILE_SIZE];
        if (!valid || name_size == 0 || name_size > PATH_MAX || data_offset + data_size > size) {
            kprintf("initramfs: truncated or corrupt entry at offset %lu\n", offset);
            break;
        }
        const char *name = (const char *)base + name_offset;
        if (!strncmp(name, CPIO_TRAILER, name_size)) {
            offset = ALIGN_UP(data_offset + data_size, 4);
            continue;
        }
        /* Names are relative ("bin/sh", "./bin/sh"); make them absolute.  name_size
         * counts the name's NUL, which a corrupt "./" may lack: keep one byte. */
        while (name_size > 1 &&
               (name[0] == '/' || (name_size > 2 && name[0] == '.' && name[1] == '/'))) {
            size_t skip = name[0] == '/' ? 1 : 2;
            name += skip;
            name_size -= skip;
        }
        path[0] = '/';
        memcpy(path + 1, name, name_size - 1);
        path[name_size] = '\0';
        if (strcmp(path, "/") && strcmp(path, "/.")) {
            int error = unpack_entry(path, fields, base + data_offset);
            if (error)
                kprintf("initramfs: %s: error %d\n", path, error);
            entries++;
        }
        offset = ALIGN_UP(data_offset + data_size, 4);
    }
    kfree(path);
    set_directory_times();
    kernel_log("initramfs: %lu entries unpacked from %lu bytes\n", entries, size);
}
