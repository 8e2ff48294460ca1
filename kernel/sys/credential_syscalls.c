/*
 * User and group ids (credentials(7)): each process has a real, an effective
 * and a saved id of each kind, inherited by fork.  A process whose effective
 * user id is 0 is privileged (it stands for CAP_SETUID and CAP_SETGID) and may
 * set any id; any other may only set an id to one of its current three, and
 * gets EPERM otherwise.  An argument of -1 leaves that id unchanged.  The
 * supplementary groups (getgroups, setgroups) are a list only root sets.
 *
 * Nothing else looks at these ids yet: permission checks on files, signals
 * and IPC still allow everything, so a process that drops root keeps
 * working as before (docs/design.md, User ABI).
 */
#include <task.h>
#include <syscall.h>
#include <uaccess.h>

#define UNCHANGED ((uint32_t)-1)

static bool privileged(void) { return current->process->user_ids.effective == 0; }

static bool is_current_id(const struct ids *ids, uint32_t id)
{
    return id == ids->real || id == ids->effective || id == ids->saved;
}

/* setresuid(2) and setresgid(2) on ids. */
static long set_real_effective_saved(struct ids *ids, uint32_t real, uint32_t effective,
                                     uint32_t saved)
{
    if (!privileged() && ((real != UNCHANGED && !is_current_id(ids, real)) ||
                          (effective != UNCHANGED && !is_current_id(ids, effective)) ||
                          (saved != UNCHANGED && !is_current_id(ids, saved))))
        return -EPERM;
    if (real != UNCHANGED)
        ids->real = real;
    if (effective != UNCHANGED)
        ids->effective = effective;
    if (saved != UNCHANGED)
        ids->saved = saved;
    return 0;
}

/*
 * setreuid(2) and setregid(2): the real id may become the real or effective
 * one, the effective id any of the three; the saved id follows the new
 * effective id when the real id is set or the effective id set to something
 * other than the old real id.
 */
static long set_real_effective(struct ids *ids, uint32_t real, uint32_t effective)
{
    if (!privileged() &&
        ((real != UNCHANGED && real != ids->real && real != ids->effective) ||
         (effective != UNCHANGED && !is_current_id(ids, effective))))
        return -EPERM;
    uint32_t old_real = ids->real;
    if (real != UNCHANGED)
        ids->real = real;
    if (effective != UNCHANGED)
        ids->effective = effective;
    if (real != UNCHANGED || (effective != UNCHANGED && effective != old_real))
        ids->saved = ids->effective;
    return 0;
}

/* setuid(2) and setgid(2): a privileged process sets all three ids, another
 * only the effective one, to its real or saved id. */
static long set_one(struct ids *ids, uint32_t id)
{
    if (id == UNCHANGED)
        return -EINVAL;
    if (privileged()) {
        ids->real = ids->effective = ids->saved = id;
        return 0;
    }
    if (id != ids->real && id != ids->saved)
        return -EPERM;
    ids->effective = id;
    return 0;
}

static long put_ids(const struct ids *ids, uint64_t real, uint64_t effective, uint64_t saved)
{
    if (PUT_USER(ids->real, (uint32_t *)real) || PUT_USER(ids->effective, (uint32_t *)effective) ||
        PUT_USER(ids->saved, (uint32_t *)saved))
        return -EFAULT;
    return 0;
}

static long sys_getuid(void) { return current->process->user_ids.real; }
SYSCALL(__NR_getuid, sys_getuid);
static long sys_geteuid(void) { return current->process->user_ids.effective; }
SYSCALL(__NR_geteuid, sys_geteuid);
static long sys_getgid(void) { return current->process->group_ids.real; }
SYSCALL(__NR_getgid, sys_getgid);
static long sys_getegid(void) { return current->process->group_ids.effective; }
SYSCALL(__NR_getegid, sys_getegid);

static long sys_setuid(uint64_t id) { return set_one(&current->process->user_ids, (uint32_t)id); }
SYSCALL(__NR_setuid, sys_setuid);
static long sys_setgid(uint64_t id) { return set_one(&current->process->group_ids, (uint32_t)id); }
SYSCALL(__NR_setgid, sys_setgid);

static long sys_setreuid(uint64_t real, uint64_t effective)
{
    return set_real_effective(&current->process->user_ids, (uint32_t)real, (uint32_t)effective);
}
SYSCALL(__NR_setreuid, sys_setreuid);
static long sys_setregid(uint64_t real, uint64_t effective)
{
    return set_real_effective(&current->process->group_ids, (uint32_t)real, (uint32_t)effective);
}
SYSCALL(__NR_setregid, sys_setregid);

static long sys_setresuid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return set_real_effective_saved(&current->process->user_ids, (uint32_t)real,
                                    (uint32_t)effective, (uint32_t)saved);
}
SYSCALL(__NR_setresuid, sys_setresuid);
static long sys_setresgid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return set_real_effective_saved(&current->process->group_ids, (uint32_t)real,
                                    (uint32_t)effective, (uint32_t)saved);
}
SYSCALL(__NR_setresgid, sys_setresgid);

static long sys_getresuid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return put_ids(&current->process->user_ids, real, effective, saved);
}
SYSCALL(__NR_getresuid, sys_getresuid);
static long sys_getresgid(uint64_t real, uint64_t effective, uint64_t saved)
{
    return put_ids(&current->process->group_ids, real, effective, saved);
}
SYSCALL(__NR_getresgid, sys_getresgid);

/*
 * getgroups(2): the supplementary group ids; a size of 0 asks only for their
 * number, a smaller list than that is EINVAL.
 */
static long sys_getgroups(uint64_t size_argument, uint64_t list)
{
    const struct supplementary_groups *groups = &current->process->supplementary_groups;
    int size = (int)size_argument;
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return groups->count;
    if ((uint32_t)size < groups->count)
        return -EINVAL;
    if (copy_to_user((void *)list, groups->ids, groups->count * sizeof(groups->ids[0])))
        return -EFAULT;
    return groups->count;
}
SYSCALL(__NR_getgroups, sys_getgroups);

/*
 * setgroups(2), privileged only (EPERM), as initgroups(3) calls it when a
 * program such as tcpdump drops root.  The ids are kept sorted, as Linux's
 * set_groups sorts them, so getgroups answers in ascending order.
 */
static long sys_setgroups(uint64_t size_argument, uint64_t list)
{
    int size = (int)size_argument;
    if (!privileged())
        return -EPERM;
    if (size < 0 || size > SUPPLEMENTARY_GROUPS_MAX)
        return -EINVAL;
    struct supplementary_groups groups = { .count = (uint32_t)size };
    if (copy_from_user(groups.ids, (const void *)list, groups.count * sizeof(groups.ids[0])))
        return -EFAULT;
    for (uint32_t sorted = 1; sorted < groups.count; sorted++) {
        uint32_t id = groups.ids[sorted], place = sorted;
        for (; place > 0 && groups.ids[place - 1] > id; place--)
            groups.ids[place] = groups.ids[place - 1];
        groups.ids[place] = id;
    }
    current->process->supplementary_groups = groups;
    return 0;
}
SYSCALL(__NR_setgroups, sys_setgroups);
