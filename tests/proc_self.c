/*
 * proc_self.c - what a process sees of itself in /proc, printed so that
 * Strata's output and Linux 6.1's (tools/linuxrun) can be compared line for
 * line (tests/test_proc_self.sh).  Not a t_*.c oracle test: qemu-user makes
 * up /proc/self/exe and /proc/self/maps itself and shows the host's
 * O_* values in fdinfo, so only Linux booted in QEMU is a faithful oracle.
 *
 *   proc_self exe       argv, AT_EXECFN, /proc/self/exe, /proc/PID/exe, comm,
 *                       and a zombie child's /proc/PID/exe
 *   proc_self exe-gone  the same after unlinking its own executable, which
 *                       /proc/self/exe still opens
 *   proc_self fds       /proc/self/fd and fdinfo for pipes, a socket, an epoll,
 *                       files, a directory, /dev/null, O_PATH; the numbers
 *                       that differ between kernels (inode and mount ids) are
 *                       checked against fstat and each other, not printed;
 *                       then what opening /proc/self/fd/N gives
 *   proc_self maps      /proc/self/maps: each line's format checked, then the
 *                       facts of the lines for the program, its bss, [heap],
 *                       [stack] and a mapped file, without addresses.  Lines
 *                       the kernels do not share are left out: Linux's [vvar]
 *                       and [vdso], Strata's [sigpage] (signal-return code).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <stdbool.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

/* All of path (at most size - 1 bytes), NUL-terminated; the length, or -1. */
static ssize_t read_all(const char *path, char *buffer, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t length = 0;
	ssize_t got;
	while (length < size - 1 && (got = read(fd, buffer + length, size - 1 - length)) > 0)
		length += (size_t)got;
	close(fd);
	buffer[length] = 0;
	return (ssize_t)length;
}

static const char *yes_no(bool fact) { return fact ? "yes" : "no"; }

/* "target" of a symlink, or "error NAME" (errno's name, not its text). */
static const char *link_text(const char *path)
{
	static char text[4096];
	ssize_t length = readlink(path, text, sizeof text - 1);
	if (length < 0)
		return errno == ENOENT ? "error ENOENT" : "error other";
	text[length] = 0;
	return text;
}

static void show_exe(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	printf("AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
	printf("/proc/self/exe %s\n", link_text("/proc/self/exe"));
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", getpid());
	printf("/proc/PID/exe %s\n", link_text(path));
	char name[32];
	ssize_t length = read_all("/proc/self/comm", name, sizeof name);
	if (length > 0)
		name[length - 1] = 0;   /* the newline */
	printf("comm %s\n", length > 0 ? name : "unreadable");
}

/* The state letter of /proc/PID/stat (proc(5)), or 0 if unreadable. */
static char process_state(pid_t pid)
{
	char path[64], text[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_all(path, text, sizeof text) <= 0)
		return 0;
	char *after_name = strrchr(text, ')');
	return after_name && after_name[1] == ' ' ? after_name[2] : 0;
}

/* A zombie has no memory and no executable left: its exe names nothing. */
static void show_zombie_exe(void)
{
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	char path[64];
	while (process_state(child) != 'Z')
		sched_yield();
	snprintf(path, sizeof path, "/proc/%d/exe", child);
	printf("zombie's /proc/PID/exe %s\n", link_text(path));
	waitpid(child, NULL, 0);
}

/* "pipe:[N]" with N checked to be fd's inode number, printed as "pipe:[st_ino]". */
static const char *descriptor_link(int fd)
{
	static char text[4200];
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	const char *link = link_text(path);
	struct stat status;
	fstat(fd, &status);
	char own_directory[32];
	int own_length = snprintf(own_directory, sizeof own_directory, "/proc/%d/", getpid());
	if (!strncmp(link, own_directory, (size_t)own_length)) {
		snprintf(text, sizeof text, "/proc/PID/%s", link + own_length);
		return text;
	}
	char *open_bracket = strstr(link, ":[");
	if (!open_bracket || link[0] == '/')
		return link;
	char *end;
	unsigned long number = strtoul(open_bracket + 2, &end, 10);
	if (end == open_bracket + 2 || strcmp(end, "]"))
		return link;
	int kind_length = (int)(open_bracket - link);
	snprintf(text, sizeof text, "%.*s:[%s]", kind_length, link,
		 number == status.st_ino ? "st_ino" : "another inode");
	return text;
}

static long mount_ids[64];

/* fdinfo's lines, mnt_id remembered (not printed) and ino checked against fstat. */
static void show_fdinfo(int fd)
{
	char path[64], text[4096];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	if (read_all(path, text, sizeof text) < 0) {
		printf("  fdinfo: %s\n", strerror(errno));
		return;
	}
	struct stat status;
	fstat(fd, &status);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *end;
		if (!strncmp(line, "mnt_id:\t", 8)) {
			mount_ids[fd] = strtol(line + 8, &end, 10);
			printf("  mnt_id:\t%s\n", *end || end == line + 8 ? "not a number" : "N");
		} else if (!strncmp(line, "ino:\t", 5)) {
			unsigned long number = strtoul(line + 5, &end, 10);
			printf("  ino:\t%s\n", number == status.st_ino && !*end ? "st_ino" : line + 5);
		} else {
			printf("  %s\n", line);
		}
	}
}

static void show_descriptor(const char *label, int fd)
{
	char path[64];
	struct stat status;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	printf("%s: %s\n", label, descriptor_link(fd));
	if (lstat(path, &status) == 0)
		printf("  lstat: mode %o size %ld\n", status.st_mode, (long)status.st_size);
	show_fdinfo(fd);
}

static void show_descriptor_names(void)
{
	DIR *directory = opendir("/proc/self/fd");
	if (!directory) {
		printf("opendir /proc/self/fd: %s\n", strerror(errno));
		return;
	}
	/* Printed in order ("." and ".." first), since the order of readdir is the kernel's. */
	int listed[66] = { 0 };
	struct dirent *entry;
	while ((entry = readdir(directory))) {
		const char *name = entry->d_name;
		int number = !strcmp(name, ".") ? -2 : !strcmp(name, "..") ? -1 : atoi(name);
		if (number >= -2 && number < 64)
			listed[number + 2]++;
	}
	closedir(directory);
	printf("/proc/self/fd lists:");
	for (int number = -2; number < 64; number++)
		for (int i = 0; i < listed[number + 2]; i++)
			printf(number == -2 ? " ." : number == -1 ? " .." : " %d", number);
	printf("\n");
}

static void show_mode(const char *path)
{
	struct stat status;
	if (lstat(path, &status))
		printf("%s: %s\n", path, strerror(errno));
	else
		printf("%s: mode %o nlink %ld\n", path, status.st_mode, (long)status.st_nlink);
}

/* "yes", or the errno's name for the few an open through /proc/self/fd can give. */
static const char *open_result(int fd)
{
	if (fd >= 0)
		return "opens";
	return errno == ENXIO ? "ENXIO" : errno == ENOENT ? "ENOENT" : strerror(errno);
}

/* Opening /proc/self/fd/N opens the very file again: Linux's magic links. */
static void reopen_descriptors(int pipe_ends[2], int udp, int epoll, int unlinked, int location)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", pipe_ends[0]);
	int reader = open(path, O_RDONLY);
	printf("open the pipe's read end: %s\n", open_result(reader));
	char byte = 0;
	write(pipe_ends[1], "p", 1);
	printf("  reads what the pipe holds: %s\n", yes_no(read(reader, &byte, 1) == 1 && byte == 'p'));
	close(reader);
	struct stat status;
	printf("  stat: %s\n", stat(path, &status) == 0 && S_ISFIFO(status.st_mode) ? "a FIFO" : "other");
	/* A pipe is no FIFO: with no writer left, opening it neither waits nor fails. */
	int lone[2];
	pipe(lone);
	close(lone[1]);
	snprintf(path, sizeof path, "/proc/self/fd/%d", lone[0]);
	reader = open(path, O_RDONLY);
	printf("open a pipe's read end when no writer is left: %s, reads end of file: %s\n",
	       open_result(reader), yes_no(read(reader, &byte, 1) == 0));
	close(reader);
	close(lone[0]);
	snprintf(path, sizeof path, "/proc/self/fd/%d", udp);
	printf("open the UDP socket: %s\n", open_result(open(path, O_RDWR)));
	printf("  stat: %s\n", stat(path, &status) == 0 && S_ISSOCK(status.st_mode) ? "a socket" : "other");
	snprintf(path, sizeof path, "/proc/self/fd/%d", epoll);
	printf("open the epoll: %s\n", open_result(open(path, O_RDONLY)));
	snprintf(path, sizeof path, "/proc/self/fd/%d", unlinked);
	int again = open(path, O_RDONLY);
	char text[4] = "";
	printf("open the unlinked file: %s, reads [%s], is named %s\n", open_result(again),
	       again >= 0 && pread(again, text, 3, 0) == 3 ? text : "", descriptor_link(again));
	close(again);
	snprintf(path, sizeof path, "/proc/self/fd/%d", location);
	again = open(path, O_RDONLY | O_DIRECTORY);
	printf("open the O_PATH directory for reading: %s, named %s\n", open_result(again),
	       descriptor_link(again));
	close(again);
	snprintf(path, sizeof path, "/proc/self/fd/%d/", unlinked);
	printf("a file's link with a slash after it: %s\n",
	       open(path, O_RDONLY) < 0 && errno == ENOTDIR ? "ENOTDIR" : "other");
}

static void show_descriptors(void)
{
	int pipe_ends[2];
	pipe(pipe_ends);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int epoll = epoll_create1(EPOLL_CLOEXEC);
	int file = open("/tmp/proc_self.file", O_RDWR | O_CREAT | O_APPEND, 0600);
	write(file, "abc", 3);
	int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int location = open("/tmp", O_PATH);
	chdir("/tmp");
	int relative = open("proc_self.file", O_RDONLY);
	lseek(relative, 2, SEEK_SET);
	symlink("proc_self.file", "/tmp/proc_self.link");
	int linked = open("/tmp/proc_self.link", O_RDONLY);
	int console = open("/proc/self/stat", O_RDONLY);

	show_mode("/proc/self/fd");
	show_mode("/proc/self/fdinfo");
	show_descriptor_names();
	show_descriptor("pipe's read end", pipe_ends[0]);
	show_descriptor("pipe's write end", pipe_ends[1]);
	show_descriptor("non-blocking UDP socket", udp);
	show_descriptor("epoll (EPOLL_CLOEXEC)", epoll);
	show_descriptor("file opened O_RDWR|O_APPEND, 3 bytes written", file);
	show_descriptor("directory", directory);
	show_descriptor("/dev/null O_WRONLY|O_CLOEXEC", null);
	show_descriptor("O_PATH directory", location);
	show_descriptor("file opened by a relative path, at 2", relative);
	show_descriptor("file opened through a symlink", linked);
	show_descriptor("a /proc file opened through /proc/self", console);
	unlink("/tmp/proc_self.file");
	printf("after unlink: %s\n", descriptor_link(file));
	printf("mnt_id: file's is the directory's: %s, the pipe's ends share one: %s, "
	       "the file's is not the pipe's: %s\n",
	       mount_ids[file] == mount_ids[directory] ? "yes" : "no",
	       mount_ids[pipe_ends[0]] == mount_ids[pipe_ends[1]] ? "yes" : "no",
	       mount_ids[file] != mount_ids[pipe_ends[0]] ? "yes" : "no");
	struct stat through_link, direct;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", getpid(), directory);
	stat(path, &through_link);
	fstat(directory, &direct);
	printf("stat of /proc/PID/fd/N is the directory's: %s\n",
	       through_link.st_ino == direct.st_ino ? "yes" : "no");
	reopen_descriptors(pipe_ends, udp, epoll, file, location);
	printf("closed descriptor: %s\n", link_text("/proc/self/fd/60"));
	printf("/proc/self/fdinfo/60: %s\n",
	       open("/proc/self/fdinfo/60", O_RDONLY) < 0 && errno == ENOENT ? "ENOENT" : "other");
	unlink("/tmp/proc_self.link");
}

/* One line of /proc/PID/maps, taken apart. */
struct map_line {
	unsigned long start, end, offset, inode;
	unsigned major, minor;
	char perms[5];
	const char *name;   /* "" when the line has none */
};

static bool is_hex(const char *text, size_t length)
{
	return strspn(text, "0123456789abcdef") >= length;
}

/*
 * Takes line apart, checking Linux's format: "%08lx-%08lx %s %08lx %02x:%02x
 * %lu " and then, for a name, spaces up to column 72 and one more.
 */
static bool parse_map_line(char *line, struct map_line *out)
{
	int header = 0;
	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &out->start, &out->end, out->perms,
		   &out->offset, &out->major, &out->minor, &out->inode, &header) != 7)
		return false;
	char *dash = strchr(line, '-'), *space = strchr(line, ' ');
	if (!dash || !space || dash - line < 8 || space - dash - 1 < 8 || !is_hex(line, 8) ||
	    !is_hex(dash + 1, 8) || strlen(out->perms) != 4 || !strchr("r-", out->perms[0]) ||
	    !strchr("w-", out->perms[1]) || !strchr("x-", out->perms[2]) ||
	    !strchr("ps", out->perms[3]) || !is_hex(space + 6, 8) || space[14] != ' ' ||
	    !is_hex(space + 15, 2) || space[17] != ':' || !is_hex(space + 18, 2) ||
	    space[20] != ' ')
		return false;
	/* Past the inode: one space and the end of the line, or the name at its column. */
	char *after_inode = space + 21 + strspn(space + 21, "0123456789");
	if (*after_inode != ' ')
		return false;
	if (after_inode[1] == 0) {
		out->name = "";
		return true;
	}
	int inode_end = (int)(after_inode + 1 - line);
	int column = inode_end > 72 ? inode_end + 1 : 73;
	if ((int)strlen(line) <= column || line[column] == ' ' || line[column - 1] != ' ')
		return false;
	out->name = line + column;
	return header == column;
}

static bool same_file(const struct map_line *line, const struct stat *status)
{
	return line->major == major(status->st_dev) && line->minor == minor(status->st_dev) &&
	       line->inode == status->st_ino;
}

/* The facts of the maps lines, as described at the top. */
static void show_map_facts(char *maps, const char *executable, const char *mapped,
			   const struct stat *executable_status, const struct stat *mapped_status)
{
	unsigned long program_end = 0, break_now = (unsigned long)sbrk(0);
	int local = 0;
	int lines = 0, well_formed = 0;
	for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
		struct map_line map;
		lines++;
		if (!parse_map_line(line, &map)) {
			printf("not as Linux's: [%s]\n", line);
			continue;
		}
		well_formed++;
		const char *name = map.name;
		if (!strcmp(name, executable)) {
			printf("program: %s %08lx, the file's device and inode: %s\n", map.perms,
			       map.offset, yes_no(same_file(&map, executable_status)));
			program_end = map.end;
		} else if (!name[0] && map.start == program_end) {
			printf("after the program: %s %08lx %02x:%02x %lu\n", map.perms, map.offset,
			       map.major, map.minor, map.inode);
		} else if (!strncmp(name, mapped, strlen(mapped))) {
			printf("mapped file: %s %08lx, the file's device and inode: %s, "
			       "after its path: [%s]\n", map.perms, map.offset,
			       yes_no(same_file(&map, mapped_status)), name + strlen(mapped));
		} else if (!strcmp(name, "[heap]")) {
			printf("[heap]: %s %08lx %02x:%02x %lu, holds the break: %s\n", map.perms,
			       map.offset, map.major, map.minor, map.inode,
			       yes_no(map.start < break_now && break_now <= map.end));
		} else if (!strcmp(name, "[stack]")) {
			printf("[stack]: %s %08lx %02x:%02x %lu, holds a local variable: %s\n",
			       map.perms, map.offset, map.major, map.minor, map.inode,
			       yes_no(map.start <= (unsigned long)&local &&
				      (unsigned long)&local < map.end));
		}
	}
	printf("lines as Linux's: %s\n", yes_no(lines > 0 && well_formed == lines));
}

static void show_maps(void)
{
	static char maps[65536], again[65536];
	char executable[4096];
	snprintf(executable, sizeof executable, "%s", link_text("/proc/self/exe"));
	const char *mapped = "/tmp/proc_self.map";
	int fd = open(mapped, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[4096];
	memset(page, 'x', sizeof page);
	for (int i = 0; i < 3; i++)
		write(fd, page, sizeof page);
	void *mapping = mmap(NULL, 2 * sizeof page, PROT_READ, MAP_PRIVATE, fd, sizeof page);
	close(fd);
	if (mapping == MAP_FAILED)
		printf("mmap: %s\n", strerror(errno));
	char own[64];
	snprintf(own, sizeof own, "/proc/%d/maps", getpid());
	read_all("/proc/self/maps", maps, sizeof maps);
	read_all(own, again, sizeof again);
	printf("/proc/PID/maps is /proc/self/maps: %s\n", yes_no(!strcmp(maps, again)));
	struct stat executable_status, mapped_status;
	stat(executable, &executable_status);
	stat(mapped, &mapped_status);
	show_map_facts(maps, executable, mapped, &executable_status, &mapped_status);
	unlink(mapped);
	printf("after unlinking the mapped file:\n");
	read_all("/proc/self/maps", maps, sizeof maps);
	show_map_facts(maps, executable, mapped, &executable_status, &mapped_status);
}

int main(int argc, char **argv)
{
	/* As a script's interpreter, the mode is the #! line's argument. */
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "exe")) {
		show_exe(argc, argv);
		show_zombie_exe();
	} else if (!strcmp(mode, "exe-gone")) {
		if (unlink(argv[0]))
			printf("unlink %s: %s\n", argv[0], strerror(errno));
		show_exe(argc, argv);
		char magic[5];
		int executable = open("/proc/self/exe", O_RDONLY);
		printf("open /proc/self/exe: %s, an ELF file: %s\n", open_result(executable),
		       yes_no(read_all("/proc/self/exe", magic, sizeof magic) == 4 &&
			      !memcmp(magic, "\177ELF", 4)));
	} else if (!strcmp(mode, "fds")) {
		show_descriptors();
	} else if (!strcmp(mode, "maps")) {
		show_maps();
	} else {
		fprintf(stderr, "usage: proc_self exe|exe-gone|fds|maps\n");
		return 2;
	}
	return 0;
}
