/* The host shim for the kernel's loaders (kernel_shim.h). */
#include "kernel_shim.h"
#include <address_space.h>
#include <fs_internal.h>
#include <page.h>
#include <page_table.h>
#include <ramfs.h>

/* libc's, which the kernel's headers do not declare. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *aligned_alloc(size_t alignment, size_t size);
void free(void *pointer);
_Noreturn void abort(void);
void *memrchr(const void *memory, int byte, size_t length);
struct _IO_FILE;
extern struct _IO_FILE *stderr;
int fprintf(struct _IO_FILE *stream, const char *format, ...);

_Noreturn void shim_finding(const char *reason)
{
    fprintf(stderr, "fuzz finding: %s\n", reason);
    abort();
}

/* Memory. */
void *kmalloc(size_t size) { return malloc(size ? size : 1); }
void kfree(void *pointer) { free(pointer); }

void *page_alloc_zeroed(void)
{
    void *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if (page)
        memset(page, 0, PAGE_SIZE);
    return page;
}

void page_put(void *page) { free(page); }

/* Messages: silent (a fuzzer prints millions); panic is a finding. */
int kprintf(const char *format, ...) { return 0; }
void kernel_log(const char *format, ...) {}

_Noreturn void panic(const char *format, ...)
{
    shim_finding(format);
}

void cache_sync_instructions(void *address, size_t length) {}

/*
 * The VFS: each inode of the tree is linked into its directory's child
 * list (a shim_node in private).  The link holds one reference; lookups
 * add theirs, which inode_put gives back.
 */
struct shim_node {
    struct inode *children;     /* first child */
    struct inode *next;         /* next sibling */
    uint8_t *data;              /* file contents, symlink target */
};

static struct inode *root;

static struct shim_node *node_of(struct inode *inode) { return inode->private; }

void inode_get(struct inode *inode) { inode->refcount++; }

void inode_put(struct inode *inode)
{
    if (inode->refcount <= 1)
        shim_finding("inode_put of a reference not held");
    inode->refcount--;
}

static void check_name(const char *name, size_t length)
{
    if (length == 0 || length > NAME_MAX || memchr(name, '/', length) ||
        (length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.'))
        shim_finding("an inode operation given a name vfs.h forbids");
}

static struct inode *find_child(struct inode *directory, const char *name, size_t length)
{
    for (struct inode *child = node_of(directory)->children; child; child = node_of(child)->next)
        if (strlen(child->name) == length && !memcmp(child->name, name, length))
            return child;
    return NULL;
}

static const struct inode_operations shim_operations;

static int add_child(struct inode *directory, const char *name, size_t length, uint32_t mode,
                     struct inode **result)
{
    check_name(name, length);
    if (!S_ISDIR(directory->mode))
        shim_finding("a name-space operation on a non-directory");
    if (find_child(directory, name, length))
        return -EEXIST;
    struct inode *inode = calloc(1, sizeof(*inode));
    struct shim_node *node = calloc(1, sizeof(*node));
    if (!inode || !node)
        shim_finding("out of memory");
    inode->mode = mode;
    inode->refcount = 1;
    inode->link_count = 1;
    inode->ops = &shim_operations;
    inode->parent = directory;
    inode->private = node;
    memcpy(inode->name, name, length);
    node->next = node_of(directory)->children;
    node_of(directory)->children = inode;
    if (result) {
        inode_get(inode);
        *result = inode;
    }
    return 0;
}

static void free_tree(struct inode *inode)
{
    if (inode->refcount != 1)
        shim_finding("an inode reference was never given back");
    struct inode *child = node_of(inode)->children;
    while (child) {
        struct inode *next = node_of(child)->next;
        free_tree(child);
        child = next;
    }
    free(node_of(inode)->data);
    free(inode->private);
    free(inode);
}

static int shim_lookup(struct inode *directory, const char *name, size_t length,
                       struct inode **result)
{
    check_name(name, length);
    struct inode *child = find_child(directory, name, length);
    if (!child)
        return -ENOENT;
    inode_get(child);
    *result = child;
    return 0;
}

static int shim_create(struct inode *directory, const char *name, size_t length, uint32_t mode,
                       struct inode **result)
{
    return add_child(directory, name, length, S_IFREG | (mode & 07777), result);
}

static int shim_mkdir(struct inode *directory, const char *name, size_t length, uint32_t mode)
{
    return add_child(directory, name, length, S_IFDIR | (mode & 07777), NULL);
}

static int shim_mknod(struct inode *directory, const char *name, size_t length, uint32_t mode,
                      uint32_t device)
{
    struct inode *inode;
    int error = add_child(directory, name, length, mode, &inode);
    if (!error) {
        inode->device = device;
        inode_put(inode);
    }
    return error;
}

static int shim_symlink(struct inode *directory, const char *name, size_t length,
                        const char *target)
{
    struct inode *inode;
    size_t size = strlen(target);
    int error = add_child(directory, name, length, S_IFLNK | 0777, &inode);
    if (!error) {
        node_of(inode)->data = malloc(size + 1);
        memcpy(node_of(inode)->data, target, size + 1);
        inode->size = size;
        inode_put(inode);
    }
    return error;
}

static int shim_unlink(struct inode *directory, const char *name, size_t length)
{
    check_name(name, length);
    struct inode **link = &node_of(directory)->children;
    while (*link && !(strlen((*link)->name) == length && !memcmp((*link)->name, name, length)))
        link = &node_of(*link)->next;
    if (!*link)
        return -ENOENT;
    if (S_ISDIR((*link)->mode))
        return -EISDIR;
    struct inode *gone = *link;
    *link = node_of(gone)->next;
    node_of(gone)->next = NULL;
    free_tree(gone);
    return 0;
}

static const struct inode_operations shim_operations = {
    .lookup = shim_lookup, .create = shim_create, .mkdir = shim_mkdir, .mknod = shim_mknod,
    .symlink = shim_symlink, .unlink = shim_unlink,
};

void shim_vfs_reset(void)
{
    if (root)
        free_tree(root);
    root = calloc(1, sizeof(*root));
    if (!root)
        shim_finding("out of memory");
    root->mode = S_IFDIR | 0755;
    root->refcount = 1;
    root->link_count = 1;
    root->ops = &shim_operations;
    root->parent = root;
    root->private = calloc(1, sizeof(struct shim_node));
}

/* Walks the components of path[0, length) from the root, which is also
 * the working directory at boot.  An empty path is ENOENT, as in path.c. */
static int walk(const char *path, size_t length, struct inode **result)
{
    if (length == 0)
        return -ENOENT;
    struct inode *at = root;
    size_t i = 0;
    while (i < length) {
        while (i < length && path[i] == '/')
            i++;
        size_t start = i;
        while (i < length && path[i] != '/')
            i++;
        size_t size = i - start;
        if (size == 0 || (size == 1 && path[start] == '.'))
            continue;
        if (!S_ISDIR(at->mode))
            return -ENOTDIR;
        if (size == 2 && path[start] == '.' && path[start + 1] == '.') {
            at = at->parent;
            continue;
        }
        if (size > NAME_MAX)
            return -ENAMETOOLONG;
        at = find_child(at, path + start, size);
        if (!at)
            return -ENOENT;
    }
    inode_get(at);
    *result = at;
    return 0;
}

int path_lookup(int dirfd, const char *path, bool follow, struct inode **result)
{
    size_t length = strnlen(path, PATH_MAX);
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    return walk(path, length, result);
}

/* The last component as the kernel's path_lookup_parent takes it (trailing
 * slashes dropped, at most NAME_MAX bytes), the rest walked. */
int path_lookup_parent(int dirfd, const char *path, struct inode **parent, const char **name,
                       size_t *name_length)
{
    size_t length = strnlen(path, PATH_MAX);
    if (length == 0)
        return -ENOENT;
    if (length >= PATH_MAX)
        return -ENAMETOOLONG;
    size_t last_end = length, last_start;
    for (; last_end > 0 && path[last_end - 1] == '/'; last_end--)
        ;
    const char *slash = memrchr(path, '/', last_end);
    last_start = slash ? (size_t)(slash - path) + 1 : 0;
    if (last_end - last_start > NAME_MAX)
        return -ENAMETOOLONG;
    *name = path + last_start;
    *name_length = last_end - last_start;
    int error = last_start ? walk(path, last_start, parent) : walk("/", 1, parent);
    if (!error && !S_ISDIR((*parent)->mode)) {
        inode_put(*parent);
        return -ENOTDIR;
    }
    return error;
}

int ramfs_write_kernel(struct inode *inode, uint64_t offset, const void *data, size_t length)
{
    if (!S_ISREG(inode->mode) || offset != 0 || node_of(inode)->data)
        shim_finding("initramfs writes a file once, from offset 0");
    uint8_t *copy = malloc(length ? length : 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, data, length);   /* ASan checks the archive holds it all */
    node_of(inode)->data = copy;
    inode->size = length;
    return 0;
}

/* Files: the bytes of a buffer. */
struct shim_file {
    struct file file;
    struct inode inode;
    const uint8_t *data;
    size_t size;
};

ssize_t kernel_read(struct file *file, void *buffer, size_t length, uint64_t offset)
{
    struct shim_file *shim = container_of(file, struct shim_file, file);
    if (offset >= shim->size)
        return 0;
    size_t count = MIN(length, shim->size - offset);
    memcpy(buffer, shim->data + offset, count);
    return (ssize_t)count;
}

/* As ramfs's: the page holding byte index * PAGE_SIZE, -ENXIO past the end. */
static int shim_map_page(struct file *file, uint64_t index, void **page)
{
    struct shim_file *shim = container_of(file, struct shim_file, file);
    if (index >= (shim->size + PAGE_SIZE - 1) / PAGE_SIZE)
        return -ENXIO;
    *page = page_alloc_zeroed();
    if (!*page)
        return -ENOMEM;
    kernel_read(file, *page, PAGE_SIZE, index * PAGE_SIZE);
    return 0;
}

static const struct file_operations shim_file_operations = { .map_page = shim_map_page };

struct file *shim_file_new(const uint8_t *data, size_t size)
{
    struct shim_file *shim = calloc(1, sizeof(*shim));
    uint8_t *copy = malloc(size ? size : 1);
    if (!shim || !copy)
        shim_finding("out of memory");
    memcpy(copy, data, size);
    shim->data = copy;
    shim->size = size;
    shim->inode.mode = S_IFREG | 0755;
    shim->inode.size = size;
    shim->file.inode = &shim->inode;
    shim->file.ops = &shim_file_operations;
    return &shim->file;
}

void shim_file_free(struct file *file)
{
    struct shim_file *shim = container_of(file, struct shim_file, file);
    free((void *)shim->data);
    free(shim);
}

/* Address spaces: the areas as an array, kept sorted and disjoint. */
#define SHIM_AREAS_MAX 256
struct shim_space {
    struct address_space space;
    struct { uint64_t start, end; uint32_t protection; } areas[SHIM_AREAS_MAX];
    int count;
};

static struct shim_space *shim_of(struct address_space *space)
{
    return container_of(space, struct shim_space, space);
}

struct address_space *shim_address_space_new(void)
{
    struct shim_space *shim = calloc(1, sizeof(*shim));
    if (!shim)
        shim_finding("out of memory");
    shim->space.mmap_next = USER_MMAP_TOP;
    return &shim->space;
}

void shim_address_space_free(struct address_space *space)
{
    free(shim_of(space));
}

/* MAP_FIXED: what [start, end) covered goes, cut at its edges. */
static void unmap(struct shim_space *shim, uint64_t start, uint64_t end)
{
    int kept = 0;
    typeof(shim->areas[0]) pieces[SHIM_AREAS_MAX + 1];
    for (int i = 0; i < shim->count; i++) {
        typeof(shim->areas[0]) area = shim->areas[i];
        if (area.end <= start || area.start >= end) {
            pieces[kept++] = area;
            continue;
        }
        if (area.start < start)
            pieces[kept++] = (typeof(area)){ area.start, start, area.protection };
        if (area.end > end)
            pieces[kept++] = (typeof(area)){ end, area.end, area.protection };
    }
    if (kept > SHIM_AREAS_MAX)
        shim_finding("more areas than the shim holds");
    memcpy(shim->areas, pieces, sizeof(pieces[0]) * (size_t)kept);
    shim->count = kept;
}

int area_map_file(struct address_space *space, uint64_t start, uint64_t end, uint32_t protection,
                  uint32_t flags, struct file *file, uint64_t offset)
{
    struct shim_space *shim = shim_of(space);
    if (start >= end || start % PAGE_SIZE || end % PAGE_SIZE || end > USER_ADDRESS_LIMIT ||
        offset % PAGE_SIZE)
        shim_finding("an area that breaks address_space.h's invariants");
    unmap(shim, start, end);
    if (shim->count == SHIM_AREAS_MAX)
        return -ENOMEM;
    int at = 0;
    while (at < shim->count && shim->areas[at].start < start)
        at++;
    memmove(&shim->areas[at + 1], &shim->areas[at], sizeof(shim->areas[0]) * (size_t)(shim->count - at));
    shim->areas[at].start = start;
    shim->areas[at].end = end;
    shim->areas[at].protection = protection;
    shim->count++;
    return 0;
}

int area_map(struct address_space *space, uint64_t start, uint64_t end, uint32_t protection,
             uint32_t flags)
{
    return area_map_file(space, start, end, protection, flags, NULL, 0);
}

/* The highest gap of length bytes below mmap_next, as the kernel looks
 * (top-down), or 0. */
uint64_t area_find_free(struct address_space *space, uint64_t length)
{
    struct shim_space *shim = shim_of(space);
    if (length == 0 || length % PAGE_SIZE || length > space->mmap_next)
        return 0;
    uint64_t candidate = space->mmap_next - length;
    for (int i = shim->count - 1; i >= 0; i--)
        if (shim->areas[i].start < candidate + length && shim->areas[i].end > candidate) {
            if (shim->areas[i].start < length)
                return 0;
            candidate = shim->areas[i].start - length;
        }
    space->mmap_next = candidate;
    return candidate;
}

int address_space_insert_page(struct address_space *space, uint64_t address, void *page,
                              uint32_t protection, bool copy_on_write)
{
    struct shim_space *shim = shim_of(space);
    if (address % PAGE_SIZE || (uintptr_t)page % PAGE_SIZE)
        shim_finding("a page inserted off a page boundary");
    bool inside = false;
    for (int i = 0; i < shim->count; i++)
        inside |= shim->areas[i].start <= address && address < shim->areas[i].end;
    if (!inside)
        shim_finding("a page inserted outside every area (address_space.h)");
    page_put(page);
    return 0;
}
