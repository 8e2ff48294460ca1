/*
 * The terminal layer (kernel/tty/).  /dev/console and /dev/tty open files
 * with these operations: line discipline, termios ioctls, job control.
 */
#ifndef TTY_H
#define TTY_H
#include <vfs.h>

extern const struct file_operations tty_file_operations;

/*
 * For /proc/PID/stat: the device number of process's controlling terminal
 * (the console, /dev/console = 5,1) or 0 when it has none; and that
 * terminal's foreground process group, or -1.
 */
struct process;
uint32_t tty_device_of(struct process *process);
pid_t tty_foreground_group_of(struct process *process);

#endif
