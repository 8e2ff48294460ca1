/*
 * procfs: the directory /proc, its subdirectories and the /proc/PID
 * directories, inodes built from entry tables (root_files.c, net_files.c,
 * sys_files.c, process_files.c), and mounting.  See procfs_internal.h for
 * how an inode number names what the inode is.
 */
#include "procfs_internal.h"
#include <procfs.h>
#include <page.h>
#include <uaccess.h>

static struct super_block *procfs_super_block;
static struct inode *procfs_root;

/* Past the fixed entries of /proc, getdents positions are this plus a pid. */
#define PID_POSITION_BASE 256

static uint64_t inode_number(pid_t pid, unsigned slot) { return (uint64_t)pid << 8 | slot; }
static pid_t inode_pid(const struct inode *inode) { return (pid_t)(uint32_t)(inode->number >> 8); }
static unsigned inode_slot(const struct inode *inode) { return inode->number & 0xff; }
/* The descriptor an entry of /proc/PID/fd or fdinfo is about. */
static uint64_t descriptor_inode_number(pid_t pid, unsigned slot, int fd)
{
    return (uint64_t)(fd + 1) << 40 | inode_number(pid, slot);
}
static int inode_descriptor(const struct inode *inode) { return (int)(inode->number >> 40) - 1; }

/* The entry with this slot in directory or below it; NULL if none. */
static const struct procfs_entry *entry_in(const struct procfs_directory *directory, unsigned slot)
{
    if (slot >= directory->first_slot && slot < directory->first_slot + directory->count)
        return &directory->entries[slot - directory->first_slot];
    for (size_t i = 0; i < directory->count; i++) {
        const struct procfs_directory *below = directory->entries[i].directory;
        const struct procfs_entry *entry = below ? entry_in(below, slot) : NULL;
        if (entry)
            return entry;
    }
    return NULL;
}

/* The entry an inode of /proc, of a subdirectory of it or of /proc/PID is. */
static const struct procfs_entry *inode_entry(const struct inode *inode)
{
    if (inode_pid(inode))
        return &procfs_process_entries[inode_slot(inode) - PROCFS_FIRST_ENTRY_SLOT];
    return entry_in(&procfs_root_directory, inode_slot(inode));
}

/* The process a /proc/PID inode is about; NULL once it has been reaped. */
static struct process *inode_process(const struct inode *inode)
{
    pid_t pid = inode_pid(inode);
    return pid ? process_by_pid(pid) : NULL;
}

static bool parse_pid(const char *name, size_t length, pid_t *pid)
{
    if (length == 0 || length > 9 || name[0] == '0')
        return false;
    pid_t value = 0;
    for (size_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        value = value * 10 + (name[i] - '0');
    }
    *pid = value;
    return true;
}

static bool name_is(const char *name, size_t length, const char *candidate)
{
    return strlen(candidate) == length && memcmp(name, candidate, length) == 0;
}

/* ---- getdents ---- */

/* getdents output in progress: error is what to answer if nothing fits. */
struct procfs_dirents {
    uint8_t *user_buffer;
    size_t size, used;
    int error;
};

/* Appends one record; false when it does not fit (or the copy faults). */
static bool procfs_emit_dirent(struct procfs_dirents *out, uint64_t number,
                               int64_t next_position, uint32_t mode, const char *name)
{
    size_t length = strlen(name);
    size_t header = offsetof(struct linux_dirent64, d_name);
    size_t record_length = ALIGN_UP(header + length + 1, 8);
    uint8_t record[ALIGN_UP(offsetof(struct linux_dirent64, d_name) + NAME_MAX + 1, 8)];
    if (out->used + record_length > out->size) {
        if (!out->used)
            out->error = -EINVAL;   /* getdents64(2): result buffer is too small */
        return false;
    }
    struct linux_dirent64 *dirent = (struct linux_dirent64 *)record;
    memset(record, 0, record_length);
    dirent->d_ino = number;
    dirent->d_off = next_position;
    dirent->d_reclen = (uint16_t)record_length;
    dirent->d_type = (uint8_t)((mode & S_IFMT) >> 12);
    memcpy(dirent->d_name, name, length);
    if (copy_to_user(out->user_buffer + out->used, record, record_length)) {
        out->error = -EFAULT;
        return false;
    }
    out->used += record_length;
    return true;
}

static ssize_t dirents_result(const struct procfs_dirents *out)
{
    return out->used ? (ssize_t)out->used : out->error;
}

/* The number of the directory ".." names: above /proc is where it is mounted. */
static uint64_t parent_number(struct inode *directory)
{
    if (directory != procfs_root)
        return directory->parent->number;
    struct inode *mountpoint = procfs_root->mountpoint;
    return mountpoint && mountpoint->parent ? mountpoint->parent->number : procfs_root->number;
}

/* Positions 0 and 1 are "." and ".."; then the entries of table, one position each. */
static bool emit_table(struct procfs_dirents *out, struct file *file, pid_t pid,
                       const struct procfs_entry *table, size_t count, unsigned first_slot)
{
    struct inode *directory = file->inode;
    for (; file->offset < 2 + count; file->offset++) {
        uint64_t position = file->offset;
        bool fits;
        if (position == 0)
            fits = procfs_emit_dirent(out, directory->number, 1, S_IFDIR, ".");
        else if (position == 1)
            fits = procfs_emit_dirent(out, parent_number(directory), 2, S_IFDIR, "..");
        else
            fits = procfs_emit_dirent(out, inode_number(pid, first_slot + position - 2),
                                      (int64_t)position + 1, table[position - 2].mode,
                                      table[position - 2].name);
        if (!fits)
            return false;
    }
    return true;
}

static bool emit_directory(struct procfs_dirents *out, struct file *file,
                           const struct procfs_directory *directory)
{
    return emit_table(out, file, 0, directory->entries, directory->count, directory->first_slot);
}

/* The live or zombie process with the smallest pid >= minimum. */
static struct process *process_at_or_after(pid_t minimum)
{
    struct process *found = NULL;
    list_for_each(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->pid >= minimum && (!found || process->pid < found->pid))
            found = process;
    }
    return found;
}

/*
 * /proc lists its entries, then one directory per process in pid order; the
 * position after a pid directory is PID_POSITION_BASE + pid + 1, so listing
 * resumes correctly when processes come and go between calls.
 */
static ssize_t root_getdents(struct file *file, void *user_buffer, size_t size)
{
    struct procfs_dirents out = { .user_buffer = user_buffer, .size = size };
    if (!emit_directory(&out, file, &procfs_root_directory))
        return dirents_result(&out);
    if (file->offset < PID_POSITION_BASE)
        file->offset = PID_POSITION_BASE;
    for (;;) {
        struct process *process = process_at_or_after((pid_t)(file->offset - PID_POSITION_BASE));
        if (!process)
            break;
        char name[12];
        snprintf(name, sizeof(name), "%d", process->pid);
        uint64_t next = PID_POSITION_BASE + (uint64_t)process->pid + 1;
        if (!procfs_emit_dirent(&out, inode_number(process->pid, PROCFS_DIRECTORY_SLOT),
                                (int64_t)next, S_IFDIR, name))
            break;
        file->offset = next;
    }
    return dirents_result(&out);
}

static ssize_t process_getdents(struct file *file, void *user_buffer, size_t size)
{
    struct procfs_dirents out = { .user_buffer = user_buffer, .size = size };
    if (!inode_process(file->inode))
        return 0;   /* the process is gone: its directory lists as empty */
    emit_table(&out, file, inode_pid(file->inode), procfs_process_entries,
               procfs_process_entry_count, PROCFS_FIRST_ENTRY_SLOT);
    return dirents_result(&out);
}

/* ".", "..", then one entry per open descriptor; the position after fd's is fd + 3. */
static ssize_t descriptors_getdents(struct file *file, void *user_buffer, size_t size)
{
    struct procfs_dirents out = { .user_buffer = user_buffer, .size = size };
    struct inode *directory = file->inode;
    struct process *process = inode_process(directory);
    const struct procfs_entry *entry = inode_entry(directory);
    if (!process || !emit_table(&out, file, 0, NULL, 0, 0))
        return dirents_result(&out);
    /* Any position lseek gave past the last descriptor lists nothing more. */
    uint64_t first = file->offset - 2;
    int table_size = process->files ? process->files->size : 0;
    for (int fd = first < (uint64_t)table_size ? (int)first : table_size; fd < table_size; fd++) {
        struct file *open_file = procfs_descriptor_file(process, fd);
        if (!open_file)
            continue;
        char name[12];
        snprintf(name, sizeof(name), "%d", fd);
        uint32_t mode = entry->descriptors == PROCFS_DESCRIPTOR_LINKS ? S_IFLNK : S_IFREG;
        uint64_t number = descriptor_inode_number(process->pid, inode_slot(directory), fd);
        if (!procfs_emit_dirent(&out, number, fd + 3, mode, name))
            break;
        file->offset = (uint64_t)fd + 3;
    }
    return dirents_result(&out);
}

static ssize_t subdirectory_getdents(struct file *file, void *user_buffer, size_t size)
{
    struct procfs_dirents out = { .user_buffer = user_buffer, .size = size };
    emit_directory(&out, file, inode_entry(file->inode)->directory);
    return dirents_result(&out);
}

/* ---- files and symlinks ---- */

/* The text show made (error its result) becomes what reads of file return. */
static int keep_text(struct file *file, struct procfs_text *text, int error)
{
    if (!error && text->failed)
        error = -ENOMEM;
    if (error) {
        kfree(text->data);
        kfree(text);
        return error;
    }
    file->private = text;
    return 0;
}

static int entry_open(struct inode *inode, struct file *file)
{
    const struct procfs_entry *entry = inode_entry(inode);
    struct process *process = NULL;
    if (inode_pid(inode)) {
        process = inode_process(inode);
        if (!process)
            return -ESRCH;
    }
    struct procfs_text *text = kzalloc(sizeof(*text));
    if (!text)
        return -ENOMEM;
    return keep_text(file, text, entry->show(process, text));
}

static ssize_t entry_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct procfs_text *text = file->private;
    if (*offset >= text->length)
        return 0;
    size_t count = MIN(length, text->length - *offset);
    if (copy_to_user(user_buffer, text->data + *offset, count))
        return -EFAULT;
    *offset += count;
    return (ssize_t)count;
}

/* Linux reads one sysctl number in at most 21 characters; blanks around it fit in this. */
#define STORE_LENGTH_MAX 63

/*
 * A write to a writable entry (a sysctl) hands what this write(2) wrote to
 * its store.  As with Linux's sysctl_writes_strict (its default), a value is
 * taken only when written from the start of the file; a write further on is
 * accepted and ignored.
 */
static ssize_t entry_write(struct file *file, const void *user_buffer, size_t length,
                           uint64_t *offset)
{
    if (!length)
        return 0;
    if (*offset == 0) {
        char buffer[STORE_LENGTH_MAX];
        if (length > sizeof(buffer))
            return -EINVAL;
        if (copy_from_user(buffer, user_buffer, length))
            return -EFAULT;
        int error = inode_entry(file->inode)->store(buffer, length);
        if (error)
            return error;
    }
    *offset += length;
    return (ssize_t)length;
}

static void entry_release(struct file *file)
{
    struct procfs_text *text = file->private;
    kfree(text->data);
    kfree(text);
}

static int entry_follow_file(struct inode *inode, struct file **target)
{
    struct process *process = inode_process(inode);
    return process ? inode_entry(inode)->follow_file(process, target) : -ENOENT;
}

static int entry_readlink(struct inode *inode, char *buffer, size_t size)
{
    struct process *process = NULL;
    if (inode_pid(inode)) {
        process = inode_process(inode);
        if (!process)
            return -ENOENT;
    }
    return inode_entry(inode)->link(process, buffer, size);
}

static int descriptor_readlink(struct inode *inode, char *buffer, size_t size)
{
    struct process *process = inode_process(inode);
    return process ? procfs_descriptor_link(process, inode_descriptor(inode), buffer, size)
                   : -ENOENT;
}

static int descriptor_follow_file(struct inode *inode, struct file **target)
{
    struct process *process = inode_process(inode);
    struct file *file = process ? procfs_descriptor_file(process, inode_descriptor(inode)) : NULL;
    if (!file)
        return -ENOENT;
    file_get(file);
    *target = file;
    return 0;
}

static int descriptor_info_open(struct inode *inode, struct file *file)
{
    struct process *process = inode_process(inode);
    if (!process)
        return -ESRCH;
    struct procfs_text *text = kzalloc(sizeof(*text));
    if (!text)
        return -ENOMEM;
    return keep_text(file, text, procfs_descriptor_info(process, inode_descriptor(inode), text));
}

static int root_lookup(struct inode *dir, const char *name, size_t length, struct inode **result);
static int subdirectory_lookup(struct inode *dir, const char *name, size_t length,
                               struct inode **result);
static void subdirectory_release(struct inode *directory);
static int descriptors_lookup(struct inode *dir, const char *name, size_t length,
                              struct inode **result);
static int process_lookup(struct inode *dir, const char *name, size_t length,
                          struct inode **result);

static const struct inode_operations root_inode_operations = { .lookup = root_lookup };
static const struct file_operations root_file_operations = {
    .getdents = root_getdents,
    .seek = generic_seek,
};
static const struct inode_operations process_inode_operations = { .lookup = process_lookup };
static const struct file_operations process_file_operations = {
    .getdents = process_getdents,
    .seek = generic_seek,
};
static const struct inode_operations subdirectory_inode_operations = {
    .lookup = subdirectory_lookup,
    .release = subdirectory_release,
};
static const struct file_operations subdirectory_file_operations = {
    .getdents = subdirectory_getdents,
    .seek = generic_seek,
};
static const struct inode_operations descriptors_inode_operations = {
    .lookup = descriptors_lookup,
    .release = subdirectory_release,
};
static const struct file_operations descriptors_file_operations = {
    .getdents = descriptors_getdents,
    .seek = generic_seek,
};
static const struct inode_operations descriptor_link_inode_operations = {
    .readlink = descriptor_readlink,
    .follow_file = descriptor_follow_file,
};
static const struct file_operations descriptor_info_file_operations = {
    .open = descriptor_info_open,
    .read = entry_read,
    .release = entry_release,
    .seek = generic_seek,
};
static const struct inode_operations entry_inode_operations = { .readlink = entry_readlink };
static const struct inode_operations magic_link_inode_operations = {
    .readlink = entry_readlink,
    .follow_file = entry_follow_file,
};
static const struct file_operations entry_file_operations = {
    .open = entry_open,
    .read = entry_read,
    .release = entry_release,
    .seek = generic_seek,
};
static const struct file_operations writable_entry_file_operations = {
    .open = entry_open,
    .read = entry_read,
    .write = entry_write,
    .release = entry_release,
    .seek = generic_seek,
};

static struct inode *inode_make(uint64_t number, uint32_t mode)
{
    struct inode *inode = inode_new(procfs_super_block, mode);
    if (!inode)
        return NULL;
    inode->number = number;
    inode->link_count = S_ISDIR(mode) ? 2 : 1;
    return inode;
}

/* The inode of name in the table of directory dir; a subdirectory holds a reference on dir. */
static int table_inode(struct inode *dir, pid_t pid, const struct procfs_entry *table,
                       size_t count, unsigned first_slot, const char *name, size_t length,
                       struct inode **result)
{
    for (size_t i = 0; i < count; i++) {
        if (!name_is(name, length, table[i].name))
            continue;
        struct inode *inode = inode_make(inode_number(pid, first_slot + i), table[i].mode);
        if (!inode)
            return -ENOMEM;
        inode->ops = table[i].follow_file ? &magic_link_inode_operations : &entry_inode_operations;
        if (S_ISREG(table[i].mode))
            inode->file_ops = table[i].store ? &writable_entry_file_operations
                                             : &entry_file_operations;
        if (S_ISDIR(table[i].mode)) {
            bool descriptors = table[i].descriptors != PROCFS_NO_DESCRIPTORS;
            inode->ops = descriptors ? &descriptors_inode_operations
                                     : &subdirectory_inode_operations;
            inode->file_ops = descriptors ? &descriptors_file_operations
                                          : &subdirectory_file_operations;
            inode_get(dir);
            inode->parent = dir;
            strlcpy(inode->name, table[i].name, sizeof(inode->name));
        }
        *result = inode;
        return 0;
    }
    return -ENOENT;
}

static int directory_lookup(struct inode *dir, const struct procfs_directory *directory,
                            const char *name, size_t length, struct inode **result)
{
    return table_inode(dir, 0, directory->entries, directory->count, directory->first_slot, name,
                       length, result);
}

static int subdirectory_lookup(struct inode *dir, const char *name, size_t length,
                               struct inode **result)
{
    return directory_lookup(dir, inode_entry(dir)->directory, name, length, result);
}

static void subdirectory_release(struct inode *directory)
{
    inode_put(directory->parent);
}

/* A descriptor's number: decimal without leading zeros, as the listing names it. */
static bool parse_descriptor(const char *name, size_t length, int *fd)
{
    if (length == 0 || length > 4 || (name[0] == '0' && length > 1))
        return false;
    int value = 0;
    for (size_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        value = value * 10 + (name[i] - '0');
    }
    *fd = value;
    return true;
}

/* An entry of /proc/PID/fd (a symlink, lr-x------ 64 bytes as Linux's) or fdinfo (a file). */
static int descriptors_lookup(struct inode *dir, const char *name, size_t length,
                              struct inode **result)
{
    struct process *process = inode_process(dir);
    int fd;
    struct file *file = NULL;
    if (process && parse_descriptor(name, length, &fd))
        file = procfs_descriptor_file(process, fd);
    if (!file)
        return -ENOENT;
    bool links = inode_entry(dir)->descriptors == PROCFS_DESCRIPTOR_LINKS;
    struct inode *inode =
        inode_make(descriptor_inode_number(process->pid, inode_slot(dir), fd),
                   links ? procfs_descriptor_link_mode(file) : S_IFREG | 0444);
    if (!inode)
        return -ENOMEM;
    if (links) {
        inode->ops = &descriptor_link_inode_operations;
        inode->size = 64;
    } else {
        inode->file_ops = &descriptor_info_file_operations;
    }
    *result = inode;
    return 0;
}

static int root_lookup(struct inode *dir, const char *name, size_t length, struct inode **result)
{
    pid_t pid;
    if (!parse_pid(name, length, &pid))
        return directory_lookup(dir, &procfs_root_directory, name, length, result);
    if (!process_by_pid(pid))
        return -ENOENT;
    struct inode *inode = inode_make(inode_number(pid, PROCFS_DIRECTORY_SLOT), S_IFDIR | 0555);
    if (!inode)
        return -ENOMEM;
    inode->ops = &process_inode_operations;
    inode->file_ops = &process_file_operations;
    /* The root lives as long as the mount, so the child needs no reference on it. */
    inode->parent = procfs_root;
    snprintf(inode->name, sizeof(inode->name), "%d", pid);
    *result = inode;
    return 0;
}

static int process_lookup(struct inode *dir, const char *name, size_t length,
                          struct inode **result)
{
    if (!inode_process(dir))
        return -ENOENT;
    return table_inode(dir, inode_pid(dir), procfs_process_entries, procfs_process_entry_count,
                       PROCFS_FIRST_ENTRY_SLOT, name, length, result);
}

void procfs_mount(void)
{
    procfs_super_block = super_block_new("proc");
    if (procfs_super_block)
        procfs_root = inode_make(inode_number(0, PROCFS_ROOT_SLOT), S_IFDIR | 0555);
    if (!procfs_root)
        panic("procfs: out of memory");
    procfs_root->ops = &root_inode_operations;
    procfs_root->file_ops = &root_file_operations;
    int error = vfs_mount("/proc", procfs_root);
    if (error)
        kprintf("procfs: cannot mount on /proc: error %d\n", error);
}
