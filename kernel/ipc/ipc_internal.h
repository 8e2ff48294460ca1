/*
 * System V IPC: what the three kinds (semaphore.c, shared_memory.c,
 * message_queue.c) share, the table of ids and keys (ipc_ids.c).  Each kind
 * puts a struct ipc_object first in its own objects and keeps one table.
 *
 * An id is sequence * IPC_TABLE_SIZE + slot, as Linux's is seq * IPCMNI +
 * index, so the id of a removed object is not handed out again at once and
 * a stale id answers EINVAL.
 *
 * Invariants: a live object sits in table->slots[its id's slot]; a removed
 * one (removed set) is in no slot and no key finds it.  refcount counts the
 * table's reference while live plus one per task sleeping on the object, so
 * a sleeper woken by IPC_RMID can still read removed and answer EIDRM; the
 * last ipc_put calls the table's free.
 */
#ifndef IPC_INTERNAL_H
#define IPC_INTERNAL_H
#include <kernel.h>
#include <linux/ipc.h>

#define IPC_TABLE_SIZE 256          /* objects of one kind at a time */

struct ipc_object {
    struct ipc64_perm permission;   /* key, owner, creator, mode and seq, as IPC_STAT shows them */
    int id;
    bool removed;
    unsigned refcount;
};

struct ipc_table {
    struct ipc_object *slots[IPC_TABLE_SIZE];
    unsigned short sequence;        /* of the next id handed out */
    void (*free)(struct ipc_object *object);
};

/*
 * The get calls' shared part (semget, shmget, msgget): key IPC_PRIVATE or an
 * unknown key with IPC_CREAT makes an object with create(argument); an
 * existing key answers EEXIST under IPC_CREAT|IPC_EXCL, else check(object,
 * argument)'s error or the object's id; an unknown key without IPC_CREAT is
 * ENOENT.  create returns 0 and the object, or an errno.
 */
typedef int (*ipc_create_t)(uint64_t argument, struct ipc_object **object);
typedef int (*ipc_check_t)(struct ipc_object *object, uint64_t argument);
long ipc_get(struct ipc_table *table, int key, int flags, uint64_t argument, ipc_create_t create,
             ipc_check_t check);

/* The live object with this id, or NULL (Linux's EINVAL). */
struct ipc_object *ipc_find(struct ipc_table *table, int id);
/* IPC_RMID's shared part: out of the table, marked removed, the table's reference dropped. */
void ipc_remove(struct ipc_table *table, struct ipc_object *object);
void ipc_hold(struct ipc_object *object);
void ipc_put(struct ipc_table *table, struct ipc_object *object);

/* IPC_SET's shared part: owner, group and the permission bits of mode. */
void ipc_set_permission(struct ipc_object *object, const struct ipc64_perm *given);

/* Seconds since the epoch, for the *_time fields. */
int64_t ipc_now(void);

#endif
