/*
 * /sbin/init for Strata.
 *
 * Interactive boot (make run): a login-less busybox shell on the console, in
 * its own session with the console as controlling terminal; when it exits
 * the machine powers off.
 *
 * guestrun boot: /etc/guestrun.argv holds a command (NUL-separated argv).
 * Its stdout and stderr go to the host through the host-channel devices,
 * /out is archived to the host when it ends, and init exits with the
 * command's status (128+N when signal N killed it), which the kernel hands
 * to QEMU as its exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define GUESTRUN_ARGV "/etc/guestrun.argv"
#define HOST_CHANNEL_MAJOR 240

static void open_console(void)
{
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        if (fd != i)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
}

/* Waits for pid, reaping any other child (orphans are re-parented to init). */
static int wait_for(pid_t pid)
{
    for (;;) {
        int status;
        pid_t done = wait(&status);
        if (done == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (done < 0 && errno != EINTR)
            return 127;
    }
}

static int open_host_channel(const char *path, unsigned minor)
{
    mknod(path, S_IFCHR | 0600, makedev(HOST_CHANNEL_MAJOR, minor));
    return open(path, O_WRONLY);
}

static char **read_guestrun_argv(void)
{
    static char buffer[65536];
    static char *arguments[1024];
    int fd = open(GUESTRUN_ARGV, O_RDONLY);
    ssize_t length = fd < 0 ? -1 : read(fd, buffer, sizeof(buffer) - 1);
    if (fd >= 0)
        close(fd);
    if (length <= 0)
        return NULL;
    buffer[length] = 0;
    int count = 0;
    for (char *p = buffer; p < buffer + length && count < 1023; p += strlen(p) + 1)
        arguments[count++] = p;
    arguments[count] = NULL;
    return arguments;
}

static bool directory_has_entries(const char *path)
{
    char command[96];
    snprintf(command, sizeof(command), "[ -n \"$(ls -A %s 2>/dev/null)\" ]", path);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    return pid > 0 && wait_for(pid) == 0;
}

static void archive_out_directory(void)
{
    if (!directory_has_entries("/out"))
        return;
    int archive = open_host_channel("/dev/host-out", 2);
    if (archive < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(archive, 1);
        execl("/bin/tar", "tar", "-c", "-f", "-", "-C", "/out", ".", (char *)NULL);
        _exit(127);
    }
    close(archive);
    if (pid > 0)
        wait_for(pid);
}

static int run_guestrun_command(char **arguments)
{
    mkdir("/out", 0755);
    mkdir("/tmp", 01777);
    int out = open_host_channel("/dev/host-stdout", 0);
    int err = open_host_channel("/dev/host-stderr", 1);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out, 1);
        dup2(err, 2);
        if (null > 2)
            close(null);
        close(out);
        close(err);
        setsid();
        execvp(arguments[0], arguments);
        fprintf(stderr, "guestrun: cannot run %s: %s\n", arguments[0], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    close(out);
    close(err);
    int status = wait_for(pid);
    archive_out_directory();
    return status;
}

static void run_console_shell(void)
{
    printf("\nStrata: busybox shell on the console. 'poweroff -f' or exit to stop.\n\n");
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        ioctl(0, TIOCSCTTY, 0);
        execl("/bin/sh", "-sh", (char *)NULL);
        perror("init: /bin/sh");
        _exit(127);
    }
    wait_for(pid);
    sync();
    reboot(RB_POWER_OFF);
}

int main(void)
{
    open_console();
    setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 1);
    setenv("HOME", "/root", 1);
    if (chdir("/") < 0)
        return 1;
    char **arguments = read_guestrun_argv();
    if (arguments)
        return run_guestrun_command(arguments);
    run_console_shell();
    return 0;
}
