#define _GNU_SOURCE /* pipe2 */

#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FD_PLACEHOLDER "@FD@"

/* WORD with every FD_PLACEHOLDER replaced by FD; malloc'ed. */
static char *substitute_fd(const char *word, int fd)
{
	char number[16];
	size_t length = strlen(word) + 1;
	const char *at;
	char *result, *out;

	snprintf(number, sizeof(number), "%d", fd);
	for (at = strstr(word, FD_PLACEHOLDER); at != NULL; at = strstr(at + 1, FD_PLACEHOLDER))
		length += strlen(number);
	result = malloc(length);
	if (result == NULL)
		return NULL;
	out = result;
	while ((at = strstr(word, FD_PLACEHOLDER)) != NULL) {
		memcpy(out, word, at - word);
		out += at - word;
		out = stpcpy(out, number);
		word = at + strlen(FD_PLACEHOLDER);
	}
	strcpy(out, word);
	return result;
}

static void run_child(char **command, int guest_end, int output_write)
{
	size_t count = 0;
	char **argv;

	setpgid(0, 0);
	while (command[count] != NULL)
		count++;
	argv = calloc(count + 1, sizeof(*argv));
	for (size_t i = 0; argv != NULL && i < count; i++)
		argv[i] = substitute_fd(command[i], guest_end);
	if (argv == NULL || dup2(output_write, STDOUT_FILENO) < 0 ||
	    fcntl(guest_end, F_SETFD, 0) < 0) {
		perror("harness: starting the guest");
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "harness: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int guest_start(struct guest *guest, char **command, const char *log_path)
{
	int link[2], output[2];

	memset(guest, 0, sizeof(*guest));
	guest->log = fopen(log_path, "w");
	if (guest->log == NULL) {
		perror(log_path);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, link) < 0 ||
	    pipe2(output, O_CLOEXEC) < 0) {
		perror("harness: socketpair/pipe");
		return -1;
	}
	guest->pid = fork();
	if (guest->pid < 0) {
		perror("harness: fork");
		return -1;
	}
	if (guest->pid == 0)
		run_child(command, link[1], output[1]);
	guest->exit_fd = syscall(SYS_pidfd_open, guest->pid, 0);
	if (guest->exit_fd < 0) {
		perror("harness: pidfd_open");
		return -1;
	}
	close(link[1]);
	close(output[1]);
	guest->link = link[0];
	guest->output = output[0];
	return 0;
}

int guest_read_output(struct guest *guest)
{
	char buffer[4096];
	ssize_t length = read(guest->output, buffer, sizeof(buffer));

	if (length <= 0) {
		close(guest->output);
		guest->output = -1;
		return -1;
	}
	fwrite(buffer, 1, length, guest->log);
	fflush(guest->log);
	for (ssize_t i = 0; i < length; i++) {
		if (buffer[i] != '\n') {
			if (guest->line_length < sizeof(guest->line) - 1)
				guest->line[guest->line_length++] = buffer[i];
			continue;
		}
		guest->line[guest->line_length] = '\0';
		if (strcmp(guest->line, GUEST_READY_LINE) == 0)
			guest->ready = 1;
		guest->line_length = 0;
	}
	return 0;
}

void guest_reap(struct guest *guest)
{
	if (!guest->exited && waitpid(guest->pid, &guest->status, WNOHANG) == guest->pid)
		guest->exited = 1;
}

void guest_stop(struct guest *guest)
{
	kill(-guest->pid, SIGINT);
	for (int tries = 0; tries < 50 && !guest->exited; tries++) {
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
		guest_reap(guest);
	}
	if (!guest->exited) {
		kill(-guest->pid, SIGKILL);
		waitpid(guest->pid, &guest->status, 0);
		guest->exited = 1;
	}
}
