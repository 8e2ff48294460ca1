/*
 * procfs (kernel/fs/procfs/), the process information pseudo-file system of
 * proc(5): /proc/self, /proc/PID/{stat,status,cmdline,comm,exe,cwd,fd/,fdinfo/,maps},
 * /proc/{uptime,meminfo,stat,loadavg,mounts,filesystems}.
 */
#ifndef PROCFS_H
#define PROCFS_H

/* Mounts a procfs on /proc; called once the root file system is up. */
void procfs_mount(void);

#endif
