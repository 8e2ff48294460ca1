/*
 * ETXTBSY (open(2), execve(2), truncate(2)): a program being run cannot be
 * opened for writing or truncated, and a file open for writing cannot be
 * run.  Run as /bin/etxtbsy; tests/test_etxtbsy.sh compares the output on
 * Strata with Linux 6.1's (qemu-aarch64 cannot be the oracle: there the host
 * kernel runs qemu, not this file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF "/bin/etxtbsy"
#define COPY "/tmp/etxtbsy-copy"

static const char *outcome(int result)
{
    return result >= 0 ? "succeeds" : errno == ETXTBSY ? "ETXTBSY" : strerror(errno);
}

/* Runs COPY (argument "exit") in a child: its exit status, or what execve said. */
static const char *run_copy(void)
{
    static char text[64];
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return "pipe failed";
    pid_t child = fork();
    if (child == 0) {
        char *arguments[] = { COPY, "exit", NULL };
        execv(COPY, arguments);
        int error = errno;
        if (write(report[1], &error, sizeof(error)) < 0)
            _exit(2);
        _exit(1);
    }
    close(report[1]);
    int error = 0;
    ssize_t got = read(report[0], &error, sizeof(error));
    close(report[0]);
    int status;
    waitpid(child, &status, 0);
    if (got == sizeof(error))
        snprintf(text, sizeof(text), "execve: %s", error == ETXTBSY ? "ETXTBSY" : strerror(error));
    else
        snprintf(text, sizeof(text), "ran, exit status %d", WEXITSTATUS(status));
    return text;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        return 7;
    if (argc > 1 && strcmp(argv[1], "hold") == 0) {
        /* Says it runs on descriptor 3, then runs until 4 reaches its end. */
        char byte;
        if (write(3, "x", 1) != 1)
            return 1;
        while (read(4, &byte, 1) > 0)
            continue;
        return 0;
    }
    printf("open the running program for writing: %s\n", outcome(open(SELF, O_WRONLY)));
    printf("open it read-only: %s\n", outcome(open(SELF, O_RDONLY)));
    printf("truncate it: %s\n", outcome(truncate(SELF, 0)));

    int source = open(SELF, O_RDONLY);
    int copy = open(COPY, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    struct stat status;
    fstat(source, &status);
    if (sendfile(copy, source, NULL, status.st_size) != status.st_size)
        return 1;
    fflush(stdout);
    printf("run a copy open for writing: %s\n", run_copy());
    close(copy);
    fflush(stdout);
    printf("run it once closed: %s\n", run_copy());

    /* A child that runs the copy keeps it from writers until it exits. */
    int ready[2], release[2];
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0)
        return 1;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        int ready_end = dup(ready[1]), release_end = dup(release[0]);
        dup2(ready_end, 3);
        dup2(release_end, 4);
        char *arguments[] = { COPY, "hold", NULL };
        execv(COPY, arguments);
        _exit(1);
    }
    close(ready[1]);
    close(release[0]);
    char byte;
    printf("the copy started: %s\n", read(ready[0], &byte, 1) == 1 ? "yes" : "no");
    printf("open the copy for writing while it runs: %s\n", outcome(open(COPY, O_WRONLY)));
    close(release[1]);
    waitpid(child, NULL, 0);
    int again = open(COPY, O_WRONLY);
    printf("open it for writing after it exited: %s\n", outcome(again));
    unlink(COPY);
    return 0;
}
