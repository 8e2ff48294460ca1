/*
 * Advisory file locks (fcntl(2) "Advisory record locking" and "Open file
 * description locks", flock(2)), with Linux's semantics.
 *
 * Three kinds of lock, told apart by who owns them:
 *   POSIX  fcntl F_SETLK/F_SETLKW: a byte range owned by a descriptor table
 *          (struct files, shared by the threads of a process), released
 *          when that table closes ANY descriptor of the inode, and at exit;
 *   OFD    fcntl F_OFD_SETLK/F_OFD_SETLKW: a byte range owned by an open
 *          file description (struct file), released with its last reference;
 *   FLOCK  flock(2): the whole file, owned by an open file description,
 *          released with its last reference.
 * POSIX and OFD locks conflict with each other (even within one process:
 * their owners differ); flock locks conflict only with flock locks.  Two
 * locks conflict when their owners differ, their ranges overlap and at
 * least one is a write (exclusive) lock.
 *
 * The table: inode->locks is NULL while the inode has no lock, else a
 * struct file_lock_context with two lists:
 *   - posix holds the POSIX and OFD locks.  Each owner's locks are
 *     consecutive on it, in increasing order of start, never overlapping,
 *     and never two of one type adjacent (those are merged into one); an
 *     owner that had none gets its first at the tail.  That order is
 *     Linux's, and F_GETLK reports the first conflicting lock in it.
 *   - flock holds at most one flock lock per open file description.
 * The context is freed when both lists are empty.  No lock outlives the
 * open files of its inode: OFD and flock locks go with their file, and a
 * POSIX lock's owner keeps a descriptor of the inode open until the close
 * that removes the lock.  So inode_put finds inode->locks NULL.
 *
 * A task waiting for a lock (F_SETLKW, F_OFD_SETLKW, flock without
 * LOCK_NB) is a struct lock_waiter, on its own stack and on one global
 * list (lock_waiters in locks.c) while it waits, naming the lock it
 * waits for (its blocker).  Every lock that is deleted, shrunk or split
 * wakes its waiters and clears their blocker; a woken waiter looks for a
 * conflict again.  EDEADLK detection follows blockers from owner to owner.
 */
#ifndef LOCKS_H
#define LOCKS_H
#include <fs_internal.h>

/* The greatest file offset (Linux's OFFSET_MAX): a lock "to the end of the file". */
#define OFFSET_MAX INT64_MAX
enum file_lock_kind { FILE_LOCK_POSIX, FILE_LOCK_OFD, FILE_LOCK_FLOCK };

struct file_lock {
    struct list_node node;     /* on its inode's posix or flock list */
    enum file_lock_kind kind;
    const void *owner;         /* struct files (POSIX), struct file (OFD, FLOCK) */
    pid_t pid;                 /* who set it: F_GETLK's l_pid for POSIX locks */
    short type;                /* F_RDLCK or F_WRLCK (F_UNLCK in a request only) */
    int64_t start, end;        /* bytes start..end, both included; 0..OFFSET_MAX for FLOCK */
};

struct file_lock_context {
    struct list_node posix;    /* POSIX and OFD locks, grouped by owner */
    struct list_node flock;    /* FLOCK locks */
};

struct lock_waiter {
    struct list_node node;     /* on lock_waiters while the task waits */
    struct file_lock request;  /* on no list */
    struct file_lock *blocker; /* the lock waited for; NULL once it changed */
    struct wait_queue queue;
};

struct files;

/* fd_syscalls.c's fcntl: F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms. */
long file_lock_fcntl(int fd, struct file *file, unsigned command, uint64_t user_lock);

/* Every close of a descriptor of file by the table files (close, dup2, exec, exit). */
void file_locks_close(struct file *file, struct files *files);

/* The last reference to file goes: its OFD and flock locks go with it. */
void file_locks_release(struct file *file);

#endif
