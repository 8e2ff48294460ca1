/*
 * t_socket_unix.c - AF_UNIX sockets (unix(7)): socketpair with
 * SOCK_NONBLOCK/SOCK_CLOEXEC and its errors, SOCK_STREAM end of file,
 * shutdown, EPIPE/SIGPIPE and ECONNRESET, send-buffer flow control,
 * SOCK_DGRAM and SOCK_SEQPACKET message boundaries and MSG_TRUNC, binding to
 * a path (a socket inode, EADDRINUSE, unlink, ECONNREFUSED, EPROTOTYPE) and
 * to the abstract name space, autobind, listen's backlog, accept's
 * addresses, the address lengths of getsockname/getpeername, datagram
 * connect/sendto semantics, SCM_RIGHTS, SCM_CREDENTIALS with SO_PASSCRED,
 * SO_PEERCRED, SO_SNDBUF, SO_RCVTIMEO, EINTR, MSG_WAITALL, readiness through
 * poll, select and epoll, and /proc/net/unix.  (Control data cut to a short
 * buffer is tests/test_unix_control_truncation.sh's: qemu-user never cuts it.)
 * Paths are under /tmp and abstract names carry the pid, so that two runs
 * never meet.  Children report through exit statuses.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <time.h>
#include "tap.h"

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/* A path under /tmp for this run: /tmp/t_unix.PID.NAME */
static socklen_t path_address(struct sockaddr_un *address, const char *name)
{
	memset(address, 0, sizeof *address);
	address->sun_family = AF_UNIX;
	snprintf(address->sun_path, sizeof address->sun_path, "/tmp/t_unix.%d.%s", (int)getpid(), name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(address->sun_path) + 1);
}

/* An abstract name for this run: "\0t_unix.PID.NAME", its exact length. */
static socklen_t abstract_address(struct sockaddr_un *address, const char *name)
{
	memset(address, 0, sizeof *address);
	address->sun_family = AF_UNIX;
	int length = snprintf(address->sun_path + 1, sizeof address->sun_path - 1, "t_unix.%d.%s",
			      (int)getpid(), name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

static unsigned poll_mask(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	return poll(&p, 1, 0) == 1 ? (unsigned)p.revents : 0;
}

static void test_socketpair_flags(void)
{
	int sv[2] = { -1, -1 };
	check_ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
		 "socketpair(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC)");
	check(fcntl(sv[0], F_GETFL) & O_NONBLOCK && fcntl(sv[1], F_GETFL) & O_NONBLOCK,
	      "both ends are O_NONBLOCK", NULL);
	check(fcntl(sv[0], F_GETFD) == FD_CLOEXEC && fcntl(sv[1], F_GETFD) == FD_CLOEXEC,
	      "both ends are close-on-exec", NULL);
	struct stat st;
	check(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat says S_IFSOCK", NULL);
	char buffer[16];
	check_errno(read(sv[0], buffer, sizeof buffer), EAGAIN, "empty non-blocking read: EAGAIN");
	int queued = -1;
	check(ioctl(sv[0], SIOCOUTQ, &queued) == 0 && queued == 0, "SIOCOUTQ: 0 with nothing unread",
	      "got %d", queued);
	check_eq(write(sv[0], "ping", 4), 4, "write 4 bytes one way");
	check(ioctl(sv[0], SIOCOUTQ, &queued) == 0 && queued > 0, "SIOCOUTQ counts what the peer has not read",
	      "got %d", queued);
	check_eq(write(sv[0], "!", 1), 1, "write 1 more byte");
	check(ioctl(sv[1], FIONREAD, &queued) == 0 && queued == 5, "FIONREAD on a stream: all 5 unread bytes",
	      "got %d", queued);
	check(read(sv[1], buffer, sizeof buffer) == 5 && !memcmp(buffer, "ping!", 5),
	      "the other end reads them", NULL);
	check_eq(write(sv[1], "pong!", 5), 5, "write 5 bytes back");
	check_eq(recv(sv[0], buffer, sizeof buffer, 0), 5, "and they arrive");
	int value = -1;
	socklen_t length = sizeof value;
	check(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, &length) == 0 && value == SOCK_STREAM,
	      "SO_TYPE is SOCK_STREAM", "got %d", value);
	check(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &value, &length) == 0 && value == AF_UNIX,
	      "SO_DOMAIN is AF_UNIX", "got %d", value);
	struct sockaddr_un address;
	length = sizeof address;
	check(getsockname(sv[0], (struct sockaddr *)&address, &length) == 0 &&
	      length == sizeof(sa_family_t) && address.sun_family == AF_UNIX,
	      "getsockname of an unnamed end: sa_family alone", "length %u", length);
	length = sizeof address;
	check(getpeername(sv[0], (struct sockaddr *)&address, &length) == 0 &&
	      length == sizeof(sa_family_t), "getpeername of its unnamed peer: sa_family alone",
	      "length %u", length);
	struct ucred credentials;
	length = sizeof credentials;
	check(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 &&
	      length == sizeof credentials && credentials.pid == getpid() &&
	      credentials.uid == getuid() && credentials.gid == getgid(),
	      "SO_PEERCRED names this process", "pid %d length %u", credentials.pid, length);
	close(sv[0]);
	close(sv[1]);
	check_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), "socketpair(AF_UNIX, SOCK_DGRAM)");
	check(fcntl(sv[0], F_GETFL) == O_RDWR && fcntl(sv[0], F_GETFD) == 0,
	      "without flags: blocking, kept across exec", NULL);
	close(sv[0]);
	close(sv[1]);
	check_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, PF_UNIX, sv), "socketpair(SOCK_SEQPACKET, PF_UNIX)");
	close(sv[0]);
	close(sv[1]);
	int s = socket(AF_UNIX, SOCK_RAW, 0);
	length = sizeof value;
	check(s >= 0 && getsockopt(s, SOL_SOCKET, SO_TYPE, &value, &length) == 0 && value == SOCK_DGRAM,
	      "socket(AF_UNIX, SOCK_RAW) is a SOCK_DGRAM socket", "got %d", value);
	close(s);
}

/* With room for one more descriptor only: EMFILE, and nothing left open. */
static int socketpair_one_slot(void *unused)
{
	(void)unused;
	int sv[2], lowest = dup(0);
	close(lowest);
	struct rlimit limit = { (rlim_t)lowest + 1, (rlim_t)lowest + 1 };
	if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
		return 3;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != -1 || errno != EMFILE)
		return 1;
	int again = dup(0);
	return again == lowest ? 0 : 2;
}

static void test_socketpair_errors(void)
{
	int sv[2];
	check_errno(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "AF_INET: EOPNOTSUPP");
	check_errno(socketpair(AF_INET, SOCK_SEQPACKET, 0, sv), ESOCKTNOSUPPORT,
		    "AF_INET with a type it lacks: socket(2)'s ESOCKTNOSUPPORT");
	check_errno(socketpair(AF_INET6, SOCK_STREAM, 0, sv), EOPNOTSUPP, "AF_INET6: EOPNOTSUPP");
	check_errno(socketpair(AF_NETLINK, SOCK_DGRAM, 0, sv), EOPNOTSUPP, "AF_NETLINK: EOPNOTSUPP");
	check_errno(socketpair(AF_MAX, SOCK_STREAM, 0, sv), EAFNOSUPPORT, "AF_MAX: EAFNOSUPPORT");
	check_errno(socketpair(AF_MAX, 12, 0, sv), EAFNOSUPPORT, "AF_MAX with type 12: the family is checked first");
	check_errno(socket(AF_MAX, 12, 0), EAFNOSUPPORT, "socket(2) too");
	check_errno(socketpair(AF_UNIX, 12, 0, sv), EINVAL, "AF_UNIX with type 12: EINVAL");
	check_errno(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT,
		    "protocol 2: EPROTONOSUPPORT");
	check_errno(socketpair(AF_UNIX, SOCK_RDM, 0, sv), ESOCKTNOSUPPORT, "SOCK_RDM: ESOCKTNOSUPPORT");
	check_errno(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT, "NULL array: EFAULT");
	check_exited(run_in_child(socketpair_one_slot, NULL), 0,
		     "room for one descriptor: EMFILE, and no descriptor left behind");
	check_errno(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT, "socket with protocol 2: EPROTONOSUPPORT");
}

static void test_stream_shutdown(void)
{
	int sv[2];
	char buffer[16];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	check_eq(poll_mask(sv[0], POLLIN | POLLOUT | POLLRDHUP), POLLOUT,
		 "a fresh connected end polls POLLOUT alone");
	write(sv[1], "abc", 3);
	check_ok(shutdown(sv[1], SHUT_WR), "shutdown(SHUT_WR)");
	check_eq(poll_mask(sv[0], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP, "the reader sees POLLIN|POLLRDHUP beside POLLOUT");
	check_eq(read(sv[0], buffer, sizeof buffer), 3, "data queued before shutdown is read");
	check_eq(read(sv[0], buffer, sizeof buffer), 0, "then end of file");
	check_eq(write(sv[0], "back", 4), 4, "the other direction still works");
	check_eq(read(sv[1], buffer, sizeof buffer), 4, "and is read");
	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	check_errno(write(sv[1], "x", 1), EPIPE, "write after SHUT_WR: EPIPE");
	check_eq(sigpipes, 1, "with SIGPIPE");
	check_ok(shutdown(sv[0], SHUT_RD), "shutdown(SHUT_RD) of the other end");
	check_errno(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE, "write with MSG_NOSIGNAL: EPIPE");
	check_eq(sigpipes, 1, "and no SIGPIPE");
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	check_eq(poll_mask(sv[0], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLHUP | POLLRDHUP, "after the peer's close: POLLIN|POLLOUT|POLLHUP|POLLRDHUP");
	check_eq(read(sv[0], buffer, sizeof buffer), 0, "reading sees end of file");
	sigpipes = 0;
	check_errno(write(sv[0], "x", 1), EPIPE, "writing: EPIPE");
	check_eq(sigpipes, 1, "with SIGPIPE");
	struct sockaddr_un address;
	socklen_t length = sizeof address;
	check_ok(getpeername(sv[0], (struct sockaddr *)&address, &length),
		 "getpeername still answers after the peer closed");
	close(sv[0]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "unread", 6);
	close(sv[1]);
	check_eq(poll_mask(sv[0], POLLIN | POLLOUT), POLLIN | POLLOUT | POLLERR | POLLHUP,
		 "peer closed with unread data: POLLERR too");
	check_errno(read(sv[0], buffer, sizeof buffer), ECONNRESET, "the read reports ECONNRESET");
	check_eq(read(sv[0], buffer, sizeof buffer), 0, "once; then end of file");
	close(sv[0]);

	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	check_eq(poll_mask(s, POLLIN | POLLOUT), POLLOUT | POLLHUP, "an unconnected stream socket: POLLOUT|POLLHUP");
	check_errno(read(s, buffer, sizeof buffer), EINVAL, "reading it: EINVAL");
	check_errno(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN, "writing it: ENOTCONN");
	check_ok(shutdown(s, SHUT_RDWR), "shutdown of an unconnected AF_UNIX socket succeeds");
	close(s);
	signal(SIGPIPE, SIG_DFL);
}

static int blocked_writer(void *arg)
{
	int fd = *(int *)arg;
	static char chunk[65536];
	memset(chunk, 'w', sizeof chunk);
	for (int i = 0; i < 16; i++)
		if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk)
			return 1;
	return 0;
}

static void test_stream_flow_control(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	int size = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	socklen_t length = sizeof size;
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, &length);
	check_eq(size, 8192, "SO_SNDBUF 4096 reads back doubled");
	char buffer[1024] = { 0 };
	long total = 0;
	int i;
	for (i = 0; i < 10000; i++) {
		ssize_t n = write(sv[0], buffer, sizeof buffer);
		if (n < 0)
			break;
		total += n;
	}
	check(i < 10000 && errno == EAGAIN, "a non-blocking writer fills the buffer: EAGAIN", NULL);
	check(total >= 4096 && total <= 16384, "what was queued is bounded by SO_SNDBUF",
	      "%ld bytes", total);
	check_eq(poll_mask(sv[0], POLLOUT) & POLLOUT, 0, "the full end does not poll POLLOUT");
	static char drain[65536];
	long drained = 0;
	ssize_t n;
	while ((n = read(sv[1], drain, sizeof drain)) > 0)
		drained += n;
	check_eq(drained, total, "the reader gets every byte");
	check_eq(poll_mask(sv[0], POLLOUT) & POLLOUT, POLLOUT, "read, the writer polls POLLOUT again");
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[1]);
		_exit(blocked_writer(&sv[0]));
	}
	close(sv[0]);
	drained = 0;
	int intact = 1;
	while ((n = read(sv[1], drain, sizeof drain)) > 0) {
		for (ssize_t j = 0; j < n; j++)
			intact &= drain[j] == 'w';
		drained += n;
	}
	int status;
	waitpid(pid, &status, 0);
	check_exited(status, 0, "a blocking writer of 1 MiB waits for the reader and finishes");
	check(drained == 16 * 65536 && intact, "the reader gets the 1 MiB intact", "%ld bytes", drained);
	close(sv[1]);
}

static void test_datagram_pair(void)
{
	int sv[2];
	char buffer[64];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "first", 5, 0);
	send(sv[0], "second!", 7, 0);
	send(sv[0], "", 0, 0);
	int pending = -1;
	check(ioctl(sv[1], FIONREAD, &pending) == 0 && pending == 5, "FIONREAD: the next datagram's size",
	      "got %d", pending);
	check_eq(recv(sv[1], buffer, sizeof buffer, MSG_PEEK), 5, "MSG_PEEK sees the first datagram");
	check_eq(recv(sv[1], buffer, sizeof buffer, 0), 5, "which is still there");
	struct iovec iov = { buffer, 3 };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1 };
	check_eq(recvmsg(sv[1], &message, 0), 3, "a short read of a 7-byte datagram gives 3 bytes");
	check(message.msg_flags & MSG_TRUNC, "and MSG_TRUNC in msg_flags", "flags 0x%x", message.msg_flags);
	check_eq(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), 0, "the rest of it is gone; the empty datagram reads 0");
	check_errno(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN, "then EAGAIN");
	send(sv[0], "truncated", 9, 0);
	check_eq(recv(sv[1], buffer, 2, MSG_TRUNC), 9, "MSG_TRUNC asked: the datagram's real length");
	struct sockaddr_un from;
	socklen_t from_length = sizeof from;
	send(sv[0], "x", 1, 0);
	check(recvfrom(sv[1], buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length) == 1 &&
	      from_length == 0, "recvfrom an unnamed sender: address length 0", "length %u", from_length);
	int size = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	static char big[8192];
	check_errno(send(sv[0], big, 8161, 0), EMSGSIZE, "a datagram over SO_SNDBUF - 32: EMSGSIZE");
	check_eq(send(sv[0], big, 8160, 0), 8160, "SO_SNDBUF - 32 bytes is sent");
	check_eq(recv(sv[1], big, sizeof big, 0), 8160, "and received whole");
	close(sv[1]);
	check_errno(send(sv[0], "x", 1, 0), ECONNREFUSED, "send to a closed pair peer: ECONNREFUSED");
	check_errno(send(sv[0], "x", 1, 0), ENOTCONN, "then the socket is unconnected: ENOTCONN");
	close(sv[0]);
}

static void test_seqpacket_pair(void)
{
	int sv[2];
	char buffer[64];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	send(sv[0], "one", 3, 0);
	send(sv[0], "three", 5, 0);
	check_eq(recv(sv[1], buffer, sizeof buffer, 0), 3, "seqpacket keeps boundaries: 3");
	struct iovec iov = { buffer, 2 };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1 };
	check(recvmsg(sv[1], &message, 0) == 2 && (message.msg_flags & MSG_TRUNC),
	      "a short read: 2 bytes and MSG_TRUNC", "flags 0x%x", message.msg_flags);
	check_errno(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN, "the rest is dropped");
	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	send(sv[1], "bye", 3, 0);
	close(sv[1]);
	check_eq(recv(sv[0], buffer, sizeof buffer, 0), 3, "a message sent before close is read");
	check_eq(recv(sv[0], buffer, sizeof buffer, 0), 0, "then end of file");
	check_eq(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), 0, "non-blocking too");
	check_errno(send(sv[0], "x", 1, 0), EPIPE, "send after the peer closed: EPIPE");
	check_eq(sigpipes, 0, "without SIGPIPE");
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	check_errno(send(s, "x", 1, 0), ENOTCONN, "seqpacket send unconnected: ENOTCONN");
	check_errno(recv(s, buffer, 1, 0), ENOTCONN, "seqpacket recv unconnected: ENOTCONN");
	close(s);
}

static int connect_to(void *arg)
{
	struct sockaddr_un *address = arg;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(address->sun_path) + 1);
	if (connect(s, (struct sockaddr *)address, length) != 0)
		return 1;
	return write(s, "hi", 2) == 2 ? 0 : 2;
}

static void test_path_bind(void)
{
	struct sockaddr_un address, other_address, got;
	socklen_t length = path_address(&address, "listener"), got_length;
	unlink(address.sun_path);
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	mode_t mask = umask(022);
	check_ok(bind(listener, (struct sockaddr *)&address, length), "bind to a path");
	umask(mask);
	struct stat st;
	check(stat(address.sun_path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755,
	      "the path is a socket inode, 0777 less the umask", "mode 0%o", (unsigned)st.st_mode);
	check_errno(open(address.sun_path, O_RDWR), ENXIO, "open() of it: ENXIO");
	got_length = sizeof got;
	check(getsockname(listener, (struct sockaddr *)&got, &got_length) == 0 && got_length == length &&
	      !strcmp(got.sun_path, address.sun_path),
	      "getsockname: offsetof(sun_path) + strlen + 1", "length %u want %u", got_length, length);
	int second = socket(AF_UNIX, SOCK_STREAM, 0);
	check_errno(bind(second, (struct sockaddr *)&address, length), EADDRINUSE, "binding the same path: EADDRINUSE");
	check_errno(bind(listener, (struct sockaddr *)&address, length), EADDRINUSE,
		    "binding a bound socket to an existing path: EADDRINUSE");
	socklen_t other_length = path_address(&other_address, "other");
	unlink(other_address.sun_path);
	check_errno(bind(listener, (struct sockaddr *)&other_address, other_length), EINVAL,
		    "binding a bound socket to a new path: EINVAL");
	check_errno(access(other_address.sun_path, F_OK), ENOENT, "which leaves no file behind");
	check_errno(connect(second, (struct sockaddr *)&address, length), ECONNREFUSED,
		    "connect before listen: ECONNREFUSED");
	check_errno(listen(second, 1), EINVAL, "listen on an unbound socket: EINVAL");
	check_errno(accept(listener, NULL, NULL), EINVAL, "accept before listen: EINVAL");
	check_ok(listen(listener, 5), "listen");
	int unread = 0;
	check_errno(ioctl(listener, FIONREAD, &unread), EINVAL, "FIONREAD on a listener: EINVAL");
	check_eq(poll_mask(listener, POLLIN | POLLOUT), 0, "an idle listener polls nothing (not even POLLOUT)");
	check_ok(connect(second, (struct sockaddr *)&address, length), "connect to the path");
	check_eq(poll_mask(listener, POLLIN) & POLLIN, POLLIN, "the listener polls POLLIN");
	check_eq(write(second, "early", 5), 5, "the connector writes before accept");
	check_errno(connect(second, (struct sockaddr *)&address, length), EISCONN, "connect again: EISCONN");
	got_length = sizeof got;
	check(getpeername(second, (struct sockaddr *)&got, &got_length) == 0 && got_length == length &&
	      !strcmp(got.sun_path, address.sun_path), "the connector's getpeername is the path", NULL);
	got_length = sizeof got;
	int accepted = accept4(listener, (struct sockaddr *)&got, &got_length, SOCK_CLOEXEC);
	check(accepted >= 0 && got_length == sizeof(sa_family_t),
	      "accept4 of an unnamed connector: address length sizeof(sa_family_t)", "length %u", got_length);
	check_eq(fcntl(accepted, F_GETFD), FD_CLOEXEC, "accept4's SOCK_CLOEXEC");
	char buffer[16];
	check(read(accepted, buffer, sizeof buffer) == 5 && !memcmp(buffer, "early", 5),
	      "the accepted end reads what was written before accept", NULL);
	got_length = sizeof got;
	check(getsockname(accepted, (struct sockaddr *)&got, &got_length) == 0 && got_length == length,
	      "the accepted end's getsockname is the listener's path", "length %u", got_length);
	struct ucred credentials;
	socklen_t credentials_length = sizeof credentials;
	check(getsockopt(second, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length) == 0 &&
	      credentials.pid == getpid(), "the connector's SO_PEERCRED is the listener's process", NULL);
	int value = 0;
	socklen_t value_length = sizeof value;
	check(getsockopt(listener, SOL_SOCKET, SO_ACCEPTCONN, &value, &value_length) == 0 && value == 1,
	      "SO_ACCEPTCONN of the listener is 1", "got %d", value);
	close(accepted);
	close(second);

	int status = run_in_child(connect_to, &address);
	check_exited(status, 0, "a child connects and writes");
	accepted = accept(listener, NULL, NULL);
	check(accepted >= 0 && read(accepted, buffer, sizeof buffer) == 2, "its connection is accepted with its data", NULL);
	check_eq(read(accepted, buffer, sizeof buffer), 0, "then end of file: the child exited");
	close(accepted);

	int dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
	check_errno(connect(dgram, (struct sockaddr *)&address, length), EPROTOTYPE,
		    "a datagram socket connecting to a stream listener: EPROTOTYPE");
	check_errno(listen(dgram, 1), EOPNOTSUPP, "listen on a datagram socket: EOPNOTSUPP");
	close(dgram);

	close(listener);
	int late = socket(AF_UNIX, SOCK_STREAM, 0);
	check(access(address.sun_path, F_OK) == 0, "the path outlives its socket", NULL);
	check_errno(connect(late, (struct sockaddr *)&address, length), ECONNREFUSED,
		    "connect to the path of a closed socket: ECONNREFUSED");
	check_ok(unlink(address.sun_path), "unlink removes the path");
	check_errno(connect(late, (struct sockaddr *)&address, length), ENOENT, "connect to a missing path: ENOENT");
	int file = open(address.sun_path, O_CREAT | O_WRONLY, 0600);
	close(file);
	check_errno(connect(late, (struct sockaddr *)&address, length), ECONNREFUSED,
		    "connect to a regular file: ECONNREFUSED");
	unlink(address.sun_path);
	close(late);
}

static void test_address_checks(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un address = { .sun_family = AF_INET };
	strcpy(address.sun_path, "/tmp/x");
	check_errno(bind(s, (struct sockaddr *)&address, sizeof address), EINVAL, "bind with AF_INET: EINVAL");
	address.sun_family = AF_UNIX;
	check_errno(bind(s, (struct sockaddr *)&address, 1), EINVAL, "bind with length 1: EINVAL");
	check_errno(bind(s, (struct sockaddr *)&address, sizeof address + 1), EINVAL,
		    "bind longer than sockaddr_un: EINVAL");
	check_errno(connect(s, (struct sockaddr *)&address, 1), EINVAL, "connect with length 1: EINVAL");
	check_ok(bind(s, (struct sockaddr *)&address, sizeof(sa_family_t)), "bind with length 2 autobinds");
	struct sockaddr_un got;
	socklen_t length = sizeof got;
	check(getsockname(s, (struct sockaddr *)&got, &length) == 0 && length == 8 && got.sun_path[0] == 0,
	      "an autobind name: \\0 and five hex digits, length 8", "length %u", length);
	check_ok(bind(s, (struct sockaddr *)&address, sizeof(sa_family_t)), "autobind again does nothing");
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un proc = { .sun_family = AF_UNIX, .sun_path = "/proc/t_unix_socket" };
	check_errno(bind(s, (struct sockaddr *)&proc, sizeof proc), ENOENT,
		    "bind in /proc, which makes no nodes: ENOENT");
	strcpy(proc.sun_path, "/proc/self/status");
	check_errno(connect(s, (struct sockaddr *)&proc, sizeof proc), ECONNREFUSED,
		    "connect to /proc/self/status: ECONNREFUSED");
	check_errno(bind(s, (struct sockaddr *)&(struct sockaddr_un){ .sun_family = AF_UNIX,
							      .sun_path = "/nonexistent/dir/sock" },
			 sizeof(struct sockaddr_un)), ENOENT, "bind in a missing directory: ENOENT");
	close(s);
}

static void test_abstract(void)
{
	struct sockaddr_un address, got;
	socklen_t length = abstract_address(&address, "abstract"), got_length = sizeof got;
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	check_ok(bind(listener, (struct sockaddr *)&address, length), "bind to an abstract name");
	check(getsockname(listener, (struct sockaddr *)&got, &got_length) == 0 && got_length == length &&
	      !memcmp(&got, &address, length), "getsockname: exactly the bound length", "length %u", got_length);
	int second = socket(AF_UNIX, SOCK_STREAM, 0);
	check_errno(bind(second, (struct sockaddr *)&address, length), EADDRINUSE, "the same name again: EADDRINUSE");
	check_errno(bind(listener, (struct sockaddr *)&address, length - 1), EINVAL,
		    "a bound socket binding again: EINVAL");
	check_errno(connect(second, (struct sockaddr *)&address, length - 1), ECONNREFUSED,
		    "connect to a name one byte shorter: ECONNREFUSED");
	listen(listener, 1);
	check_ok(connect(second, (struct sockaddr *)&address, length), "connect to the abstract name");
	got_length = sizeof got;
	check(getpeername(second, (struct sockaddr *)&got, &got_length) == 0 && got_length == length,
	      "getpeername: the abstract name's length", "length %u", got_length);
	close(second);
	close(listener);
	second = socket(AF_UNIX, SOCK_STREAM, 0);
	check_ok(bind(second, (struct sockaddr *)&address, length), "a closed socket's abstract name is free at once");
	check_errno(access("t_unix", F_OK), ENOENT, "abstract names make no file");
	close(second);
}

static void test_backlog(void)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, "backlog");
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(listener, (struct sockaddr *)&address, length);
	listen(listener, 1);
	int clients[3];
	for (int i = 0; i < 3; i++)
		clients[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	check_ok(connect(clients[0], (struct sockaddr *)&address, length), "backlog 1: first connect");
	check_ok(connect(clients[1], (struct sockaddr *)&address, length), "second connect (backlog + 1 fit)");
	check_errno(connect(clients[2], (struct sockaddr *)&address, length), EAGAIN,
		    "third, non-blocking: EAGAIN");
	pid_t pid = fork();
	if (pid == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		_exit(connect(s, (struct sockaddr *)&address, length) == 0 ? 0 : 1);
	}
	struct timespec pause = { 0, 100000000 };
	nanosleep(&pause, NULL);
	int status;
	check_eq(waitpid(pid, &status, WNOHANG), 0, "a blocking connector waits while the backlog is full");
	close(accept(listener, NULL, NULL));
	waitpid(pid, &status, 0);
	check_exited(status, 0, "an accept lets it in");
	close(accept(listener, NULL, NULL));
	close(accept(listener, NULL, NULL));
	int flags = fcntl(listener, F_GETFL);
	fcntl(listener, F_SETFL, flags | O_NONBLOCK);
	check_errno(accept(listener, NULL, NULL), EAGAIN, "a non-blocking accept with nothing pending: EAGAIN");
	for (int i = 0; i < 3; i++)
		close(clients[i]);
	char buffer[4];
	int gone = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(gone, (struct sockaddr *)&address, length);
	write(gone, "bye", 3);
	close(gone);
	int accepted = accept(listener, NULL, NULL);
	check(accepted >= 0 && read(accepted, buffer, sizeof buffer) == 3,
	      "a connector that wrote and closed before accept: its data is accepted", NULL);
	check_eq(read(accepted, buffer, sizeof buffer), 0, "then end of file");
	close(accepted);
	int pending = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(pending, (struct sockaddr *)&address, length);
	close(listener);
	check_errno(read(pending, buffer, sizeof buffer), ECONNRESET,
		    "a connection never accepted sees ECONNRESET when the listener closes");
	close(pending);
}


static void test_datagram_addresses(void)
{
	struct sockaddr_un server_address, client_address, from;
	socklen_t server_length = path_address(&server_address, "dgram");
	socklen_t client_length = abstract_address(&client_address, "dgram-client");
	unlink(server_address.sun_path);
	int server = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(server, (struct sockaddr *)&server_address, server_length);
	int client = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buffer[64];
	check_errno(send(client, "x", 1, 0), ENOTCONN, "send without address, unconnected: ENOTCONN");
	check_eq(sendto(client, "anon", 4, 0, (struct sockaddr *)&server_address, server_length), 4,
		 "sendto a path from an unbound socket");
	socklen_t from_length = sizeof from;
	check(recvfrom(server, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length) == 4 &&
	      from_length == 0, "its source address is empty", "length %u", from_length);
	bind(client, (struct sockaddr *)&client_address, client_length);
	sendto(client, "named", 5, 0, (struct sockaddr *)&server_address, server_length);
	from_length = sizeof from;
	check(recvfrom(server, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length) == 5 &&
	      from_length == client_length && !memcmp(&from, &client_address, client_length),
	      "a bound sender's abstract name comes with its datagram", "length %u", from_length);
	int passing = socket(AF_UNIX, SOCK_DGRAM, 0), on = 1;
	setsockopt(passing, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	sendto(passing, "p", 1, 0, (struct sockaddr *)&server_address, server_length);
	from_length = sizeof from;
	check(recvfrom(server, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_length) == 1 &&
	      from_length == 8 && from.sun_path[0] == 0,
	      "an unbound sender with SO_PASSCRED is autobound by sendto", "length %u", from_length);
	close(passing);
	check_ok(connect(server, (struct sockaddr *)&client_address, client_length), "the server connects to the client");
	int third = socket(AF_UNIX, SOCK_DGRAM, 0);
	check_errno(sendto(third, "x", 1, 0, (struct sockaddr *)&server_address, server_length), EPERM,
		    "a third socket sending to a server connected elsewhere: EPERM");
	check_errno(connect(third, (struct sockaddr *)&server_address, server_length), EPERM,
		    "connecting to it: EPERM");
	struct sockaddr_un unspec = { .sun_family = AF_UNSPEC };
	check_ok(connect(server, (struct sockaddr *)&unspec, sizeof(sa_family_t)), "connect(AF_UNSPEC) disconnects");
	check_eq(sendto(third, "y", 1, 0, (struct sockaddr *)&server_address, server_length), 1,
		 "then the third socket may send");
	recv(server, buffer, sizeof buffer, 0);

	/* A receiver that is not the sender's peer holds max_dgram_qlen + 1 = 11 datagrams. */
	int sent = 0;
	while (sent < 50 && sendto(third, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&server_address,
				   server_length) == 1)
		sent++;
	check(sent == 11 && errno == EAGAIN, "a full receive queue: 11 datagrams, then EAGAIN",
	      "sent %d errno %d", sent, errno);
	check_eq(poll_mask(server, POLLIN) & POLLIN, POLLIN, "the receiver polls POLLIN");
	connect(third, (struct sockaddr *)&server_address, server_length);
	check_eq(poll_mask(third, POLLOUT) & POLLOUT, 0, "a sender connected to the full socket has no POLLOUT");
	recv(server, buffer, sizeof buffer, 0);
	check_eq(poll_mask(third, POLLOUT) & POLLOUT, POLLOUT, "one read later it has");
	close(server);
	check_errno(send(third, "z", 1, 0), ECONNREFUSED, "sending to a closed server: ECONNREFUSED");
	check_errno(sendto(third, "z", 1, 0, (struct sockaddr *)&server_address, server_length), ECONNREFUSED,
		    "sendto its path: ECONNREFUSED");
	unlink(server_address.sun_path);
	check_errno(sendto(third, "z", 1, 0, (struct sockaddr *)&server_address, server_length), ENOENT,
		    "sendto a missing path: ENOENT");
	close(client);
	close(third);
}

static int send_fds(int socket_fd, const int *fds, int count, const char *data)
{
	char control[CMSG_SPACE(sizeof(int) * 4)] = { 0 };
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = CMSG_SPACE(sizeof(int) * count) };
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(sizeof(int) * count);
	memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
	return (int)sendmsg(socket_fd, &message, 0);
}

/* Receives into a control buffer of control_size bytes; returns the first fd or -1. */
static int receive_fd(int socket_fd, size_t control_size, int flags, int *message_flags, int *count)
{
	char data[16], control[256];
	struct iovec iov = { data, sizeof data };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = control_size };
	*count = 0;
	if (recvmsg(socket_fd, &message, flags) < 0)
		return -1;
	*message_flags = message.msg_flags;
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	if (!header || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
		return -1;
	*count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	int fd;
	memcpy(&fd, CMSG_DATA(header), sizeof fd);
	return fd;
}

static void test_rights(void)
{
	int sv[2], pipe_fds[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(pipe_fds);
	check_eq(send_fds(sv[0], &pipe_fds[1], 1, "fd"), 2, "sendmsg with SCM_RIGHTS carrying a pipe's write end");
	close(pipe_fds[1]);
	int flags = 0, count = 0;
	int received = receive_fd(sv[1], CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, &flags, &count);
	check(received >= 0 && count == 1 && !(flags & MSG_CTRUNC), "recvmsg installs one descriptor",
	      "fd %d count %d flags 0x%x", received, count, flags);
	check_eq(fcntl(received, F_GETFD), FD_CLOEXEC, "MSG_CMSG_CLOEXEC makes it close-on-exec");
	char buffer[16];
	check(write(received, "via", 3) == 3 && read(pipe_fds[0], buffer, sizeof buffer) == 3,
	      "the file stayed open in flight and reaches the pipe", NULL);
	close(received);
	check_eq(read(pipe_fds[0], buffer, sizeof buffer), 0, "closing the received end closes the pipe's last writer");
	close(pipe_fds[0]);

	/* A control buffer too short for the descriptors is not checked: qemu-user (the
	 * oracle) hands the host kernel twice the room, so it never truncates there. */
	int three[3];
	for (int i = 0; i < 3; i++)
		three[i] = open("/dev/null", O_RDONLY);
	send_fds(sv[0], three, 3, "3");
	received = receive_fd(sv[1], CMSG_SPACE(3 * sizeof(int)), 0, &flags, &count);
	check(received >= 0 && count == 3 && !(flags & MSG_CTRUNC), "three descriptors in one message",
	      "fd %d count %d flags 0x%x", received, count, flags);
	check_eq(fcntl(received, F_GETFD), 0, "without MSG_CMSG_CLOEXEC, no close-on-exec");
	for (int i = 0; i < 3; i++)
		close(received + i);
	send_fds(sv[0], three, 1, "0");
	char data[4];
	struct iovec iov = { data, sizeof data };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1 };
	check(recvmsg(sv[1], &message, 0) == 1 && (message.msg_flags & MSG_CTRUNC),
	      "no control buffer at all: MSG_CTRUNC", "flags 0x%x", message.msg_flags);
	for (int i = 0; i < 3; i++)
		close(three[i]);
	int bad = 1000;
	check_errno(send_fds(sv[0], &bad, 1, "bad"), EBADF, "SCM_RIGHTS with a closed descriptor: EBADF");

	int dgram[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram);
	send_fds(dgram[0], &sv[0], 1, "sock");
	received = receive_fd(dgram[1], CMSG_SPACE(sizeof(int)), MSG_PEEK, &flags, &count);
	check(received >= 0, "MSG_PEEK installs a copy of the descriptor", NULL);
	close(received);
	received = receive_fd(dgram[1], CMSG_SPACE(sizeof(int)), 0, &flags, &count);
	check(received >= 0 && write(received, "s", 1) == 1 && read(sv[1], buffer, 1) == 1,
	      "a socket passed over a datagram socket works", NULL);
	close(received);
	send_fds(dgram[0], &sv[0], 1, "lost");
	close(dgram[1]);
	close(dgram[0]);
	check_ok(fcntl(sv[0], F_GETFD), "a descriptor dropped in flight leaves the sender's open");
	close(sv[0]);
	close(sv[1]);
}

static void test_credentials(void)
{
	int sv[2], on = 1;
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	socklen_t length = sizeof on;
	check(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0 &&
	      getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, &length) == 0 && on == 1,
	      "SO_PASSCRED set and read back", NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(send(sv[0], "c", 1, 0) == 1 ? 0 : 1);
	int status;
	waitpid(pid, &status, 0);
	char data[4], control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { data, sizeof data };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = sizeof control };
	struct ucred credentials = { 0 };
	if (recvmsg(sv[1], &message, 0) == 1 && CMSG_FIRSTHDR(&message) &&
	    CMSG_FIRSTHDR(&message)->cmsg_type == SCM_CREDENTIALS)
		memcpy(&credentials, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof credentials);
	check(credentials.pid == pid && credentials.uid == getuid() && credentials.gid == getgid(),
	      "SCM_CREDENTIALS names the sending child", "pid %d", credentials.pid);
	check_eq(message.msg_controllen, CMSG_SPACE(sizeof(struct ucred)), "msg_controllen is CMSG_SPACE(ucred)");

	char send_control[CMSG_SPACE(sizeof(struct ucred))] = { 0 };
	struct msghdr out = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = send_control,
			      .msg_controllen = sizeof send_control };
	struct cmsghdr *header = CMSG_FIRSTHDR(&out);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_CREDENTIALS;
	header->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	struct ucred mine = { getpid(), getuid(), getgid() };
	memcpy(CMSG_DATA(header), &mine, sizeof mine);
	check_eq(sendmsg(sv[0], &out, 0), sizeof data, "sendmsg with explicit SCM_CREDENTIALS");
	message.msg_controllen = sizeof control;
	credentials.pid = 0;
	if (recvmsg(sv[1], &message, 0) >= 0 && CMSG_FIRSTHDR(&message))
		memcpy(&credentials, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof credentials);
	check_eq(credentials.pid, getpid(), "the receiver sees them");
	header->cmsg_type = 77;
	check_errno(sendmsg(sv[0], &out, 0), EINVAL, "an unknown SOL_SOCKET control type: EINVAL");
	header->cmsg_type = SCM_CREDENTIALS;
	header->cmsg_len = CMSG_LEN(sizeof(struct ucred)) - 1;
	check_errno(sendmsg(sv[0], &out, 0), EINVAL, "SCM_CREDENTIALS of the wrong length: EINVAL");
	header->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	header->cmsg_level = SOL_IP;
	check_eq(sendmsg(sv[0], &out, 0), sizeof data, "other levels' control messages are ignored");

	close(sv[0]);
	close(sv[1]);

	struct ucred none;
	length = sizeof none;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	check(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &none, &length) == 0 && none.pid == 0 &&
	      none.uid == (uid_t)-1 && none.gid == (gid_t)-1,
	      "SO_PEERCRED unconnected: pid 0, uid and gid -1", "pid %d uid %d", none.pid, (int)none.uid);
	close(s);
}

static void test_stream_credentials(void)
{
	int sv[2], on = 1;
	char buffer[16];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "a", 1);
	if (fork() == 0)
		_exit(write(sv[0], "b", 1) == 1 ? 0 : 1);
	wait(NULL);
	check_eq(read(sv[1], buffer, sizeof buffer), 2, "without SO_PASSCRED, two writers' bytes are read together");
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	write(sv[0], "a", 1);
	if (fork() == 0)
		_exit(write(sv[0], "b", 1) == 1 ? 0 : 1);
	wait(NULL);
	check_eq(read(sv[1], buffer, sizeof buffer), 1, "with SO_PASSCRED, a read stops where the writer changes");
	check_eq(read(sv[1], buffer, sizeof buffer), 1, "the next read gets the other writer's byte");
	close(sv[0]);
	close(sv[1]);

	struct sockaddr_un address, got;
	socklen_t length = abstract_address(&address, "passcred");
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(listener, (struct sockaddr *)&address, length);
	listen(listener, 1);
	int client = socket(AF_UNIX, SOCK_STREAM, 0);
	setsockopt(client, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	connect(client, (struct sockaddr *)&address, length);
	socklen_t got_length = sizeof got;
	check(getsockname(client, (struct sockaddr *)&got, &got_length) == 0 && got_length == 8,
	      "connect with SO_PASSCRED autobinds the connector", "length %u", got_length);
	got_length = sizeof got;
	int accepted = accept(listener, (struct sockaddr *)&got, &got_length);
	check(accepted >= 0 && got_length == 8, "accept reports its autobind name", "length %u", got_length);
	close(accepted);
	close(client);
	close(listener);
}

static void test_epoll(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	int epoll_fd = epoll_create1(0);
	struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = sv[0] };
	epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sv[0], &event);
	struct epoll_event got[2];
	check_eq(epoll_wait(epoll_fd, got, 2, 0), 0, "epoll: nothing ready at first");
	write(sv[1], "e", 1);
	check(epoll_wait(epoll_fd, got, 2, 1000) == 1 && got[0].events == EPOLLIN,
	      "data: EPOLLIN", "events 0x%x", got[0].events);
	shutdown(sv[1], SHUT_WR);
	check(epoll_wait(epoll_fd, got, 2, 1000) == 1 && got[0].events == (EPOLLIN | EPOLLRDHUP),
	      "the peer's SHUT_WR: EPOLLIN|EPOLLRDHUP", "events 0x%x", got[0].events);
	close(epoll_fd);
	close(sv[0]);
	close(sv[1]);
}

static void on_alarm(int sig) { (void)sig; }

static void test_blocking(void)
{
	int sv[2];
	char buffer[16];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct timeval timeout = { 0, 50000 };
	check_ok(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), "SO_RCVTIMEO 50 ms");
	check_errno(read(sv[0], buffer, sizeof buffer), EAGAIN, "a read that times out: EAGAIN");
	struct sigaction action = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &action, NULL);
	timeout.tv_usec = 0;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	struct itimerval timer = { .it_value = { 0, 50000 } };
	setitimer(ITIMER_REAL, &timer, NULL);
	check_errno(read(sv[0], buffer, sizeof buffer), EINTR, "a signal without SA_RESTART interrupts a read: EINTR");
	signal(SIGALRM, SIG_DFL);

	pid_t pid = fork();
	if (pid == 0) {
		write(sv[1], "ab", 2);
		struct timespec pause = { 0, 20000000 };
		nanosleep(&pause, NULL);
		write(sv[1], "cd", 2);
		_exit(0);
	}
	check_eq(recv(sv[0], buffer, 4, MSG_WAITALL), 4, "MSG_WAITALL gathers two writes");
	waitpid(pid, NULL, 0);
	fd_set readable;
	FD_ZERO(&readable);
	FD_SET(sv[0], &readable);
	struct timeval zero = { 0, 0 };
	check_eq(select(sv[0] + 1, &readable, NULL, NULL, &zero), 0, "select: nothing to read");
	write(sv[1], "s", 1);
	FD_SET(sv[0], &readable);
	check(select(sv[0] + 1, &readable, NULL, NULL, &zero) == 1 && FD_ISSET(sv[0], &readable),
	      "select: readable after a write", NULL);
	struct sockaddr_un address;
	socklen_t length = path_address(&address, "unused");
	check_errno(sendto(sv[1], "x", 1, 0, (struct sockaddr *)&address, length), EISCONN,
		    "sendto with an address on a connected stream: EISCONN");
	int lone = socket(AF_UNIX, SOCK_STREAM, 0);
	check_errno(sendto(lone, "x", 1, 0, (struct sockaddr *)&address, length), EOPNOTSUPP,
		    "on an unconnected stream: EOPNOTSUPP");
	close(lone);
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	check_ok(shutdown(sv[0], SHUT_RD), "datagram shutdown(SHUT_RD)");
	check_errno(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN, "then a non-blocking read: EAGAIN");
	check_eq(recv(sv[0], buffer, sizeof buffer, 0), 0, "and a blocking one returns 0");
	check_eq(poll_mask(sv[0], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP, "it polls POLLIN|POLLRDHUP");
	check_errno(send(sv[1], "x", 1, 0), EPIPE, "a datagram sent to it: EPIPE (and no SIGPIPE)");
	close(sv[0]);
	close(sv[1]);
}

static int queue_sender(void *arg)
{
	int fd = *(int *)arg;
	for (int i = 0; i < 20; i++)
		if (send(fd, "d", 1, 0) != 1)
			return 1;
	return 0;
}

static void test_datagram_blocking(void)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, "queue");
	int server = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(server, (struct sockaddr *)&address, length);
	int client = socket(AF_UNIX, SOCK_DGRAM, 0);
	connect(client, (struct sockaddr *)&address, length);
	pid_t pid = fork();
	if (pid == 0)
		_exit(queue_sender(&client));
	char buffer[4];
	int received = 0;
	while (received < 20 && recv(server, buffer, sizeof buffer, 0) == 1)
		received++;
	int status;
	waitpid(pid, &status, 0);
	check_exited(status, 0, "a blocking sender of 20 datagrams waits on a full queue and finishes");
	check_eq(received, 20, "the receiver gets all 20");
	close(client);
	close(server);
}

static void test_rights_in_flight(void)
{
	int sv[2], pipe_fds[2];
	char buffer[4];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	pipe(pipe_fds);
	check_eq(send_fds(sv[0], &pipe_fds[1], 1, "seq"), 3, "SCM_RIGHTS over a seqpacket pair");
	close(pipe_fds[1]);
	fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
	check_errno(read(pipe_fds[0], buffer, sizeof buffer), EAGAIN,
		    "the pipe's write end lives on in flight after the sender closed it");
	close(sv[1]);
	check_eq(read(pipe_fds[0], buffer, sizeof buffer), 0,
		 "closing the receiver drops the file in flight: the pipe sees its last writer go");
	close(pipe_fds[0]);
	close(sv[0]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	static int many[254];
	for (int i = 0; i < 254; i++)
		many[i] = 0;
	char control[CMSG_SPACE(sizeof many)];
	struct iovec iov = { "m", 1 };
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				  .msg_controllen = CMSG_SPACE(sizeof(int) * 254) };
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(sizeof(int) * 254);
	memcpy(CMSG_DATA(header), many, sizeof many);
	check_errno(sendmsg(sv[0], &message, 0), EINVAL, "254 descriptors in one message: EINVAL");
	close(sv[0]);
	close(sv[1]);
}

static void test_long_path(void)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX }, got;
	int prefix = snprintf(address.sun_path, sizeof address.sun_path, "/tmp/t_unix.%d.", (int)getpid());
	memset(address.sun_path + prefix, 'p', sizeof address.sun_path - prefix);
	char path[sizeof address.sun_path + 1];
	memcpy(path, address.sun_path, sizeof address.sun_path);
	path[sizeof address.sun_path] = 0;
	unlink(path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	check_ok(bind(s, (struct sockaddr *)&address, sizeof address), "bind to a 108-byte path with no NUL");
	socklen_t length = sizeof got;
	check(getsockname(s, (struct sockaddr *)&got, &length) == 0 && length == sizeof address + 1,
	      "getsockname says offsetof + 108 + 1 = 111", "length %u", length);
	check_ok(access(path, F_OK), "the path exists");
	unlink(path);
	close(s);
}

static int signal_pipe_writer = -1;
static void on_usr1(int sig)
{
	(void)sig;
	write(signal_pipe_writer, "", 1);
}

/*
 * What tokio's signal driver (mio) does at start-up: a non-blocking,
 * close-on-exec stream pair, the reading end in an edge-triggered epoll
 * set for reading, writing and EPOLLRDHUP; a signal handler writes a byte,
 * the loop drains until EAGAIN.
 */
static void test_signal_pipe(void)
{
	int sv[2];
	check_ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
		 "tokio's socketpair(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC)");
	signal_pipe_writer = sv[0];
	int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event event = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = 7 };
	check_ok(epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sv[1], &event), "the receiver joins an edge-triggered epoll set");
	struct epoll_event got[2];
	check(epoll_wait(epoll_fd, got, 2, 0) == 1 && got[0].events == EPOLLOUT && got[0].data.u64 == 7,
	      "first wait: EPOLLOUT only", "events 0x%x", got[0].events);
	check_eq(epoll_wait(epoll_fd, got, 2, 0), 0, "then nothing new");
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	check(epoll_wait(epoll_fd, got, 2, 1000) == 1 && (got[0].events & EPOLLIN),
	      "the handler's write wakes the loop: EPOLLIN", "events 0x%x", got[0].events);
	char buffer[8];
	int drained = 0;
	while (read(sv[1], buffer, sizeof buffer) > 0)
		drained++;
	check(drained >= 1 && errno == EAGAIN, "drained until EAGAIN", NULL);
	signal(SIGUSR1, SIG_DFL);
	close(epoll_fd);
	close(sv[0]);
	close(sv[1]);
}

static void test_proc_net_unix(void)
{
	struct sockaddr_un address;
	socklen_t length = path_address(&address, "proc");
	unlink(address.sun_path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(s, (struct sockaddr *)&address, length);
	listen(s, 1);
	static char text[1 << 16];
	int fd = open("/proc/net/unix", O_RDONLY), n = 0, r;
	while (fd >= 0 && n < (int)sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) > 0)
		n += r;
	close(fd);
	text[n > 0 ? n : 0] = 0;
	check(!strncmp(text, "Num       RefCount Protocol Flags    Type St Inode Path\n", 56),
	      "/proc/net/unix starts with Linux's header", NULL);
	char row_end[160];
	snprintf(row_end, sizeof row_end, " 00010000 0001 01 ");
	char *row = strstr(text, address.sun_path);
	char *line = row;
	while (line && line > text && line[-1] != '\n')
		line--;
	check(row && line && strstr(line, row_end) && strstr(line, row_end) < row,
	      "a listener's row: flags 00010000, type 0001, state 01, and its path", NULL);
	struct stat st;
	fstat(s, &st);
	char inode_and_path[160];
	snprintf(inode_and_path, sizeof inode_and_path, "%5lu %s\n", (unsigned long)st.st_ino, address.sun_path);
	check(strstr(text, inode_and_path) != NULL, "its Inode column is the socket's st_ino", NULL);
	close(s);
	unlink(address.sun_path);
}

/*
 * Sockets only their own messages in flight keep (Linux's unix_gc): each
 * case hides a pipe's write end among them, so the pipe's reader sees
 * whether they were freed.  The collection follows the close of an
 * AF_UNIX socket, on Linux on a worker, so the reader waits for the end of
 * file (poll, at most 2 s).  The mode is run beside Linux 6.1 by
 * tests/test_linux_only_modes.sh ("t_socket_unix garbage"), not in the
 * default run, whose oracle is qemu-user on the host's kernel.
 */
static int pipe_reader_sees(int reader)
{
	char byte;
	return (int)read(reader, &byte, 1) == 0 ? 0 : errno;
}

static int pipe_reader_sees_end(int reader)
{
	struct pollfd p = { .fd = reader, .events = POLLIN };
	poll(&p, 1, 2000);
	return pipe_reader_sees(reader);
}

static void close_another_unix_socket(void)
{
	close(socket(AF_UNIX, SOCK_DGRAM, 0));
}

static void test_garbage(void)
{
	int sv[2], pipe_fds[2], rights[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe2(pipe_fds, O_NONBLOCK);
	rights[0] = sv[1];
	rights[1] = pipe_fds[1];
	check_eq(send_fds(sv[0], &sv[0], 1, "a"), 1, "a pair's first end sent over itself");
	check_eq(send_fds(sv[1], rights, 2, "b"), 1, "the second end and a pipe's writer sent over it");
	close(sv[0]);
	close(sv[1]);
	close(pipe_fds[1]);
	check_eq(pipe_reader_sees(pipe_fds[0]), EAGAIN, "the closed pair's messages keep the writer");
	close_another_unix_socket();
	check_eq(pipe_reader_sees_end(pipe_fds[0]), 0,
		 "closing another AF_UNIX socket collects the pair: the pipe sees its last writer go");
	close(pipe_fds[0]);

	int carrier[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, carrier);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe2(pipe_fds, O_NONBLOCK);
	check_eq(send_fds(sv[1], &pipe_fds[1], 1, "w"), 1, "a writer sent to a pair's first end");
	check_eq(send_fds(carrier[0], &sv[0], 1, "s"), 1, "that end sent to an open socket");
	close(sv[0]);
	close(sv[1]);
	close(pipe_fds[1]);
	close_another_unix_socket();
	check_eq(pipe_reader_sees(pipe_fds[0]), EAGAIN,
		 "what an open socket's queue holds is not garbage: the writer lives");
	close(carrier[1]);
	check_eq(pipe_reader_sees(pipe_fds[0]), 0, "closing that socket frees all it held");
	close(pipe_fds[0]);
	close(carrier[0]);

	struct sockaddr_un address;
	socklen_t length = path_address(&address, "garbage");
	unlink(address.sun_path);
	int listener = socket(AF_UNIX, SOCK_STREAM, 0), client = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(listener, (struct sockaddr *)&address, length);
	listen(listener, 1);
	check_eq(connect(client, (struct sockaddr *)&address, length), 0, "a connection left pending");
	pipe2(pipe_fds, O_NONBLOCK);
	rights[0] = listener;
	rights[1] = pipe_fds[1];
	check_eq(send_fds(client, rights, 2, "l"), 1,
		 "the listener and a writer sent over its own pending connection");
	close(client);
	close(listener);
	close(pipe_fds[1]);
	check_eq(pipe_reader_sees(pipe_fds[0]), EAGAIN, "the pending connection's data keeps them");
	close_another_unix_socket();
	check_eq(pipe_reader_sees_end(pipe_fds[0]), 0, "a listener held by its own pending connection is collected");
	close(pipe_fds[0]);
	unlink(address.sun_path);
}

static const struct tap_section sections[] = {
	{ "socketpair", test_socketpair_flags },
	{ "socketpair_errors", test_socketpair_errors },
	{ "stream_shutdown", test_stream_shutdown },
	{ "stream_flow", test_stream_flow_control },
	{ "datagram_pair", test_datagram_pair },
	{ "seqpacket", test_seqpacket_pair },
	{ "path", test_path_bind },
	{ "addresses", test_address_checks },
	{ "abstract", test_abstract },
	{ "backlog", test_backlog },
	{ "datagram_addresses", test_datagram_addresses },
	{ "rights", test_rights },
	{ "credentials", test_credentials },
	{ "stream_credentials", test_stream_credentials },
	{ "epoll", test_epoll },
	{ "blocking", test_blocking },
	{ "datagram_blocking", test_datagram_blocking },
	{ "rights_in_flight", test_rights_in_flight },
	{ "long_path", test_long_path },
	{ "signal_pipe", test_signal_pipe },
	{ "proc_net_unix", test_proc_net_unix },
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "garbage") == 0) {
		test_garbage();
		return tap_done("t_socket_unix.c garbage");
	}
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	return tap_done("t_socket_unix.c");
}
