/*
 * recvmsg on AF_UNIX with a control buffer too short for what the message
 * carries (SCM_RIGHTS, SCM_CREDENTIALS): how much of each control message
 * is written, msg_controllen, MSG_CTRUNC, and how many descriptors are
 * installed.  qemu-user cannot be the oracle here (it hands the host kernel
 * twice the room, so nothing is cut there), so tests/test_unix_control_truncation.sh
 * runs this in Strata and in Linux 6.1 (tools/linuxrun) against Linux's lines.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_descriptors(int socket_fd, int count)
{
	int fds[3] = { 0, 1, 2 };
	char control[CMSG_SPACE(sizeof fds)] = { 0 };
	struct iovec iov = { "x", 1 };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = CMSG_SPACE(sizeof(int) * count) };
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(sizeof(int) * count);
	memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
	if (sendmsg(socket_fd, &message, 0) != 1)
		perror("sendmsg");
}

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);
	close(fd);
	return fd;
}

/* Prints what recvmsg with room bytes of control reports; installed
 * descriptors take the lowest free numbers, so their count shows. */
static void receive(int socket_fd, size_t room, const char *what)
{
	char data[4], control[256];
	struct iovec iov = { data, sizeof data };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = room };
	int before = lowest_free_fd();
	long result = recvmsg(socket_fd, &message, 0);
	printf("%s: %ld controllen %zu%s", what, result, (size_t)message.msg_controllen,
	       message.msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : "");
	if (message.msg_controllen >= sizeof(struct cmsghdr)) {
		struct cmsghdr *header = (struct cmsghdr *)control;
		printf(" first cmsg_len %zu %s", (size_t)header->cmsg_len,
		       header->cmsg_type == SCM_RIGHTS ? "SCM_RIGHTS" : "SCM_CREDENTIALS");
	}
	printf(" installed %d\n", lowest_free_fd() - before);
}

int main(void)
{
	int sv[2], on = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send_descriptors(sv[0], 3);
	receive(sv[1], CMSG_SPACE(sizeof(int)), "3 fds, room CMSG_SPACE(4)");
	send_descriptors(sv[0], 1);
	receive(sv[1], sizeof(struct cmsghdr), "1 fd, room for a header");
	send_descriptors(sv[0], 2);
	receive(sv[1], CMSG_LEN(sizeof(int)), "2 fds, room CMSG_LEN(4)");
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	send(sv[0], "x", 1, 0);
	receive(sv[1], sizeof(struct cmsghdr) + 4, "credentials, room header + 4");
	send(sv[0], "x", 1, 0);
	receive(sv[1], 8, "credentials, room 8");
	send_descriptors(sv[0], 2);
	receive(sv[1], CMSG_SPACE(12) + CMSG_SPACE(sizeof(int)), "credentials and 2 fds, room for both");
	send_descriptors(sv[0], 1);
	receive(sv[1], CMSG_SPACE(12) + 10, "credentials and 1 fd, room CMSG_SPACE(12) + 10");
	return 0;
}
