/* System V IPC ids and keys, shared by the three kinds; see ipc_internal.h. */
#include "ipc_internal.h"
#include <clock.h>
#include <task.h>

static int find_free_slot(struct ipc_table *table)
{
    for (int slot = 0; slot < IPC_TABLE_SIZE; slot++)
        if (!table->slots[slot])
            return slot;
    return -1;
}

/* Puts a new object in the table with the caller's ids as owner and creator. */
static int ipc_add(struct ipc_table *table, struct ipc_object *object, int key, int flags)
{
    int slot = find_free_slot(table);
    if (slot < 0)
        return -ENOSPC;      /* Linux: the kind's limit on identifiers is reached */
    const struct process *process = current->process;
    object->permission.key = key;
    object->permission.uid = object->permission.cuid = process->user_ids.effective;
    object->permission.gid = object->permission.cgid = process->group_ids.effective;
    object->permission.mode = flags & 0777;
    object->permission.seq = table->sequence;
    object->id = table->sequence * IPC_TABLE_SIZE + slot;
    object->refcount = 1;
    /* Linux's ids stay below INT_MAX: the sequence wraps at IPCMNI's share of it. */
    table->sequence = (unsigned short)((table->sequence + 1) % (INT32_MAX / IPC_TABLE_SIZE));
    table->slots[slot] = object;
    return object->id;
}

static struct ipc_object *find_key(struct ipc_table *table, int key)
{
    for (int slot = 0; slot < IPC_TABLE_SIZE; slot++)
        if (table->slots[slot] && table->slots[slot]->permission.key == key)
            return table->slots[slot];
    return NULL;
}

long ipc_get(struct ipc_table *table, int key, int flags, uint64_t argument, ipc_create_t create,
             ipc_check_t check)
{
    struct ipc_object *object = key == IPC_PRIVATE ? NULL : find_key(table, key);
    if (object) {
        if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
            return -EEXIST;
        int error = check ? check(object, argument) : 0;
        return error ? error : object->id;
    }
    if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
        return -ENOENT;
    if (find_free_slot(table) < 0)
        return -ENOSPC;
    int error = create(argument, &object);
    if (error)
        return error;
    return ipc_add(table, object, key, flags);
}

struct ipc_object *ipc_find(struct ipc_table *table, int id)
{
    if (id < 0)
        return NULL;
    struct ipc_object *object = table->slots[id % IPC_TABLE_SIZE];
    return object && object->id == id ? object : NULL;
}

void ipc_hold(struct ipc_object *object) { object->refcount++; }

void ipc_put(struct ipc_table *table, struct ipc_object *object)
{
    if (--object->refcount == 0)
        table->free(object);
}

void ipc_remove(struct ipc_table *table, struct ipc_object *object)
{
    table->slots[object->id % IPC_TABLE_SIZE] = NULL;
    object->removed = true;
    ipc_put(table, object);
}

void ipc_set_permission(struct ipc_object *object, const struct ipc64_perm *given)
{
    object->permission.uid = given->uid;
    object->permission.gid = given->gid;
    object->permission.mode = (object->permission.mode & ~0777u) | (given->mode & 0777);
}

int64_t ipc_now(void) { return (int64_t)(clock_realtime_ns() / NANOSECONDS_PER_SECOND); }
