/*
 * The sockets' porting boundary on the host (socket_host.h): user memory is
 * the test's buffer, waits run the stack's queued work and the virtual
 * clock instead of sleeping, pages come from malloc with a reference count
 * each, open files are a table of 8 descriptors and bound paths a list of
 * names.  The test's thread is the calling process and the network context.
 */
#include <stdlib.h>
#include "host_stack.h"
#include "socket_host.h"

/* The most page memory the host hands out, as a kernel runs out of pages:
 * a packet ring asking for more gets ENOMEM instead of the host's RAM. */
#define PAGE_MEMORY_MAX (32UL << 20)

static const uint8_t *user_base;
static size_t user_length;
static unsigned waits_left;
static bool file_nonblocking, caller_exiting;
static unsigned long broken_pipes;
static size_t nodes_alive;

void socket_host_user_memory(void *base, size_t length)
{
    user_base = base;
    user_length = base ? length : 0;
}

void socket_host_wait_budget(unsigned waits) { waits_left = waits; }
void socket_host_nonblocking(bool nonblocking) { file_nonblocking = nonblocking; }
void socket_host_exiting(bool exiting) { caller_exiting = exiting; }
unsigned long socket_host_broken_pipes(void) { return broken_pipes; }
size_t socket_host_nodes(void) { return nodes_alive; }

/* ---- waiting ---- */

void socket_wait_queue_init(struct wait_queue *queue) { queue->wakes = 0; }
void socket_wake(struct socket *socket) { socket->wait.wakes++; }

static uint64_t now_ns(void) { return net_now_ms() * 1000000; }

uint64_t socket_deadline(uint64_t timeout_ns)
{
    return timeout_ns ? now_ns() + timeout_ns : 0;
}

uint64_t socket_clock_realtime_ns(void) { return now_ns(); }

int socket_wait(struct socket *socket, uint64_t deadline)
{
    NET_ASSERT(net_lock_held(), "socket_wait without net_lock");
    if (deadline && now_ns() >= deadline)
        return -EAGAIN;
    if (!waits_left)
        return deadline ? -EINTR : -ERESTARTSYS;
    waits_left--;
    unsigned long wakes = socket->wait.wakes;
    net_host_poll();
    if (socket->wait.wakes != wakes)
        return 0;
    uint64_t step_ms = SOCKET_HOST_WAIT_STEP_MS;
    if (deadline)
        step_ms = MIN(step_ms, (deadline - now_ns() + 999999) / 1000000);
    net_host_clock_advance(step_ms);
    return socket->wait.wakes == wakes && deadline && now_ns() >= deadline ? -EAGAIN : 0;
}

/* ---- user memory ---- */

static bool user_range(const void *address, size_t length)
{
    uintptr_t start = (uintptr_t)address, base = (uintptr_t)user_base;
    return user_base && start >= base && length <= user_length &&
           start - base <= user_length - length;
}

/* A copy one of whose ends, user, is user memory. */
static int user_copy(void *destination, const void *source, size_t length, const void *user)
{
    if (!length)
        return 0;
    if (!user_range(user, length))
        return -EFAULT;
    memmove(destination, source, length);
    return 0;
}

int socket_copy_from_user(void *destination, const void *user_source, size_t length)
{
    return user_copy(destination, user_source, length, user_source);
}

int socket_copy_to_user(void *user_destination, const void *source, size_t length)
{
    return user_copy(user_destination, source, length, user_destination);
}

long socket_string_from_user(char *destination, const char *user_source, size_t limit)
{
    for (size_t length = 0; length < limit; length++) {
        if (!user_range(user_source + length, 1))
            return -EFAULT;
        destination[length] = user_source[length];
        if (!destination[length])
            return (long)length;
    }
    return -ENAMETOOLONG;
}

/* ---- the calling process ---- */

bool socket_caller_exiting(void) { return caller_exiting; }
void socket_caller_broken_pipe(void) { broken_pipes++; }

/* ---- socket nodes: the host has no sockfs, only the count ---- */

int socket_node_new(struct socket *socket)
{
    nodes_alive++;
    return 0;
}

void socket_node_put(struct socket *socket) { nodes_alive--; }
unsigned long socket_node_number(const struct socket *socket) { return 0; }
bool socket_file_nonblocking(const struct socket *socket) { return file_nonblocking; }

/* ---- pages ---- */

/* One socket_pages_alloc: its pages and a reference count for each. */
struct page_block {
    struct page_block *next;
    uint8_t *start;
    size_t pages;
    uint32_t references[];
};
static struct page_block *page_blocks;
static size_t pages_alive;

size_t socket_host_pages(void) { return pages_alive; }

void *socket_pages_alloc(unsigned order)
{
    size_t pages = (size_t)1 << order;
    if (order > PAGE_MAX_ORDER || (pages_alive + pages) * PAGE_SIZE > PAGE_MEMORY_MAX)
        return NULL;
    struct page_block *block = malloc(sizeof(*block) + pages * sizeof(uint32_t));
    uint8_t *start = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
    if (!block || !start) {
        free(block);
        free(start);
        return NULL;
    }
    block->start = start;
    block->pages = pages;
    for (size_t page = 0; page < pages; page++)
        block->references[page] = 1;
    block->next = page_blocks;
    page_blocks = block;
    pages_alive += pages;
    return start;
}

/* The block holding page, and the page's index in it (a bad page is a bug). */
static struct page_block *page_block_of(void *page, size_t *index)
{
    uintptr_t address = (uintptr_t)page;
    for (struct page_block *block = page_blocks; block; block = block->next) {
        uintptr_t start = (uintptr_t)block->start;
        if (address >= start && address < start + block->pages * PAGE_SIZE) {
            NET_ASSERT((address - start) % PAGE_SIZE == 0, "page address not page-aligned");
            *index = (address - start) / PAGE_SIZE;
            NET_ASSERT(block->references[*index] > 0, "page used after its last put");
            return block;
        }
    }
    net_invariant_broken(__FILE__, __LINE__, "page not from socket_pages_alloc");
}

void socket_page_get(void *page)
{
    size_t index;
    page_block_of(page, &index)->references[index]++;
}

uint32_t socket_page_refcount(void *page)
{
    size_t index;
    return page_block_of(page, &index)->references[index];
}

void socket_page_put(void *page)
{
    size_t index;
    struct page_block *block = page_block_of(page, &index);
    if (--block->references[index])
        return;
    pages_alive--;
    for (size_t other = 0; other < block->pages; other++)
        if (block->references[other])
            return;
    struct page_block **link = &page_blocks;
    while (*link != block)
        link = &(*link)->next;
    *link = block->next;
    free(block->start);
    free(block);
}

/* ---- waiting on two queues ---- */

int socket_wait_also(struct socket *socket, struct wait_queue *other, uint64_t deadline)
{
    unsigned long other_wakes = other->wakes;
    int error = socket_wait(socket, deadline);
    /* Woken by the other queue alone: the caller re-checks, as after any wake-up. */
    return error == -EAGAIN && other->wakes != other_wakes ? 0 : error;
}

void socket_wait_queue_wake(struct wait_queue *queue) { queue->wakes++; }

/* ---- the one process ---- */

int32_t socket_caller_pid(void) { return SOCKET_HOST_PID; }
bool socket_process_exists(int32_t pid) { return pid == SOCKET_HOST_PID; }

/* ---- descriptors and open files ---- */

/* An open file: a socket, destroyed with the file's last reference. */
struct file {
    unsigned references;
    struct socket *socket;
};
static struct file *descriptors[SOCKET_HOST_DESCRIPTORS];
static size_t files_alive;

size_t socket_host_files(void) { return files_alive; }

int socket_host_open(struct socket *socket)
{
    struct file *file = malloc(sizeof(*file));
    if (!file)
        return -ENOMEM;
    *file = (struct file){ .references = 1, .socket = socket };
    socket->file = file;
    files_alive++;
    int fd = socket_file_install(file, false);
    if (fd < 0) {
        socket->file = NULL;
        free(file);
        files_alive--;
    }
    return fd;
}

/* The open file at fd, or NULL. */
static struct file *file_at(int fd)
{
    return fd >= 0 && fd < SOCKET_HOST_DESCRIPTORS ? descriptors[fd] : NULL;
}

struct socket *socket_host_socket(int fd)
{
    struct file *file = file_at(fd);
    return file ? file->socket : NULL;
}

void socket_host_close(int fd)
{
    NET_ASSERT(!net_lock_held(), "socket_host_close with net_lock held");
    struct file *file = file_at(fd);
    if (!file)
        return;
    descriptors[fd] = NULL;
    socket_file_put(file);
}

struct socket *socket_file_socket(struct file *file) { return file->socket; }

uint32_t socket_file_references(const struct socket *socket)
{
    return socket->file ? socket->file->references : 0;
}

struct file *socket_file_of(int fd)
{
    struct file *file = file_at(fd);
    if (file)
        socket_file_get(file);
    return file;
}

void socket_file_get(struct file *file)
{
    NET_ASSERT(file->references > 0, "socket_file_get of a closed file");
    file->references++;
}

void socket_file_put(struct file *file)
{
    NET_ASSERT(!net_lock_held(), "socket_file_put with net_lock held");
    NET_ASSERT(file->references > 0, "socket_file_put of a closed file");
    if (--file->references)
        return;
    socket_destroy(file->socket);
    free(file);
    files_alive--;
}

int socket_file_install(struct file *file, bool close_on_exec)
{
    for (int fd = 0; fd < SOCKET_HOST_DESCRIPTORS; fd++) {
        if (!descriptors[fd]) {
            descriptors[fd] = file;
            return fd;
        }
    }
    return -EMFILE;
}

/* ---- bound paths: one flat directory ---- */

/* A socket node; references count the directory's link and each holder. */
struct inode {
    struct inode *next;
    unsigned references;
    bool linked;
    char name[];
};
static struct inode *nodes;

size_t socket_host_paths(void)
{
    size_t count = 0;
    for (struct inode *node = nodes; node; node = node->next)
        count++;
    return count;
}

static struct inode *linked_node(const char *path)
{
    for (struct inode *node = nodes; node; node = node->next)
        if (node->linked && !strcmp(node->name, path))
            return node;
    return NULL;
}

/* The flat directory has no subdirectory: a '/' names a missing one. */
static int path_check(const char *path)
{
    return !path[0] || strchr(path, '/') ? -ENOENT : 0;
}

int socket_path_make(const char *path, struct inode **made)
{
    int error = path_check(path);
    if (error)
        return error;
    if (!strcmp(path, ".") || !strcmp(path, "..") || linked_node(path))
        return -EADDRINUSE;
    size_t length = strlen(path);
    struct inode *node = malloc(sizeof(*node) + length + 1);
    if (!node)
        return -ENOMEM;
    node->references = 2;
    node->linked = true;
    memcpy(node->name, path, length + 1);
    node->next = nodes;
    nodes = node;
    *made = node;
    return 0;
}

void socket_path_put(struct inode *node)
{
    NET_ASSERT(node->references > 0, "socket_path_put of a freed node");
    if (--node->references)
        return;
    struct inode **link = &nodes;
    while (*link != node)
        link = &(*link)->next;
    *link = node->next;
    free(node);
}

static void path_unlink(struct inode *node)
{
    if (!node->linked)
        return;
    node->linked = false;
    socket_path_put(node);
}

void socket_path_remove(const char *path, struct inode *node)
{
    path_unlink(node);
    socket_path_put(node);
}

int socket_path_find(const char *path, struct inode **found)
{
    int error = path_check(path);
    if (error)
        return error;
    struct inode *node = linked_node(path);
    if (!node)
        return -ENOENT;
    node->references++;
    *found = node;
    return 0;
}

void socket_host_unlink_all(void)
{
    for (struct inode *node = nodes, *next; node; node = next) {
        next = node->next;
        path_unlink(node);
    }
}
