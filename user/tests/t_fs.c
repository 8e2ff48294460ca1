/*
 * t_fs.c - file system calls: mkdirat(2), getdents64(2), unlinkat(2),
 * renameat2(2), faccessat(2), readlinkat(2), chdir(2)/getcwd(3),
 * umask(2), ftruncate(2), newfstatat(2)/fstat(2), openat(2) errors.
 *
 * Everything happens inside /tmp/t_fs.d, which is created fresh and
 * removed at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "tap.h"

#define BASE "/tmp/t_fs.d"

/* Remove leftovers of an interrupted earlier run (best effort). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static int make_file(const char *name, const char *data)
{
	int fd = openat(AT_FDCWD, name, O_CREAT | O_WRONLY | O_TRUNC, 0666);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

static void test_dirs_and_cwd(void)
{
	char cwd[256];

	remove_tree(BASE);
	check_eq(mkdirat(AT_FDCWD, BASE, 0755), 0, "mkdirat creates the test directory");
	errno = 0;
	check_errno(mkdirat(AT_FDCWD, BASE, 0755), EEXIST, "mkdirat on an existing name gives EEXIST");
	errno = 0;
	check_errno(mkdirat(AT_FDCWD, BASE "/no/such", 0755), ENOENT,
		    "mkdirat with a missing parent gives ENOENT");
	check_eq(chdir(BASE), 0, "chdir into the test directory");
	check(getcwd(cwd, sizeof cwd) && strcmp(cwd, BASE) == 0,
	      "getcwd returns " BASE, "got '%s'", cwd);
	errno = 0;
	check(getcwd(cwd, 4) == NULL && errno == ERANGE,
	      "getcwd with a too small buffer gives ERANGE", "errno %d", errno);
	check_eq(mkdir("sub", 0755), 0, "mkdir a relative path");
	check_eq(chdir("sub"), 0, "chdir into a relative subdirectory");
	check(getcwd(cwd, sizeof cwd) && strcmp(cwd, BASE "/sub") == 0,
	      "getcwd follows relative chdir", "got '%s'", cwd);
	check_eq(chdir(".."), 0, "chdir ..");
	check(getcwd(cwd, sizeof cwd) && strcmp(cwd, BASE) == 0,
	      "getcwd after chdir .. is the parent", "got '%s'", cwd);
	errno = 0;
	check_errno(chdir("missing"), ENOENT, "chdir to a missing directory gives ENOENT");
}

static void test_umask_and_stat(void)
{
	struct stat st, st2;

	/* umask(2) returns the previous mask and always succeeds. */
	umask(022);
	check_eq(umask(027), 022, "umask returns the previous mask");
	check_eq(make_file("f027", "x"), 0, "create a file under umask 027");
	check_eq(fstatat(AT_FDCWD, "f027", &st, 0), 0, "newfstatat the new file");
	check_eq(st.st_mode & 07777, 0640, "mode 0666 & ~027 = 0640");
	umask(077);
	mkdir("d077", 0777);
	fstatat(AT_FDCWD, "d077", &st, 0);
	check_eq(st.st_mode & 07777, 0700, "directory mode 0777 & ~077 = 0700");
	umask(022);

	check_eq(make_file("data", "0123456789"), 0, "create a 10-byte file");
	check_eq(fstatat(AT_FDCWD, "data", &st, 0), 0, "newfstatat on a file");
	check(S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode), "S_ISREG for a file", "mode %o", st.st_mode);
	check_eq(st.st_size, 10, "st_size is 10");
	check_eq(st.st_nlink, 1, "st_nlink of a new file is 1");
	check_eq(fstatat(AT_FDCWD, ".", &st2, 0), 0, "newfstatat on a directory");
	check(S_ISDIR(st2.st_mode), "S_ISDIR for a directory", "mode %o", st2.st_mode);

	int fd = open("data", O_RDWR);
	check_eq(fstat(fd, &st2), 0, "fstat on an open file");
	check(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev && st2.st_size == 10,
	      "fstat and newfstatat agree on ino, dev and size", "differ");

	/* ftruncate(2): growing fills with zeroes, shrinking drops data. */
	char buf[16];
	check_eq(ftruncate(fd, 10000), 0, "ftruncate grows to 10000 bytes");
	fstat(fd, &st2);
	check_eq(st2.st_size, 10000, "st_size is 10000 after growing");
	check(pread(fd, buf, 4, 9996) == 4 && !memcmp(buf, "\0\0\0\0", 4),
	      "grown part reads as zeroes", "non-zero");
	check_eq(ftruncate(fd, 3), 0, "ftruncate shrinks to 3 bytes");
	fstat(fd, &st2);
	check_eq(st2.st_size, 3, "st_size is 3 after shrinking");
	check(pread(fd, buf, sizeof buf, 0) == 3 && !memcmp(buf, "012", 3),
	      "only the first 3 bytes remain", "wrong data");
	errno = 0;
	check_errno(ftruncate(fd, -1), EINVAL, "ftruncate to a negative length gives EINVAL");
	close(fd);
	fd = open("data", O_RDONLY);
	errno = 0;
	check_errno(ftruncate(fd, 0), EINVAL, "ftruncate on an O_RDONLY fd gives EINVAL");
	close(fd);
}

static void test_open_errors(void)
{
	errno = 0;
	check_errno(open("data", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
		    "O_CREAT|O_EXCL on an existing file gives EEXIST");
	errno = 0;
	check_errno(open("missing", O_RDONLY), ENOENT, "open of a missing file gives ENOENT");
	errno = 0;
	check_errno(open("data/x", O_RDONLY), ENOTDIR,
		    "path through a regular file gives ENOTDIR");
	errno = 0;
	check_errno(open("data", O_RDONLY | O_DIRECTORY), ENOTDIR,
		    "O_DIRECTORY on a file gives ENOTDIR");
	errno = 0;
	check_errno(open("sub", O_WRONLY), EISDIR, "opening a directory for writing gives EISDIR");
	struct stat st;
	errno = 0;
	check_errno(fstatat(AT_FDCWD, "missing", &st, 0), ENOENT,
		    "newfstatat of a missing file gives ENOENT");

	/* openat(2) relative to a directory fd. */
	int dfd = open(BASE, O_RDONLY | O_DIRECTORY);
	check(dfd >= 0, "open a directory with O_DIRECTORY", "errno %d", errno);
	int fd = openat(dfd, "data", O_RDONLY);
	char buf[4];
	check(fd >= 0 && read(fd, buf, 3) == 3 && !memcmp(buf, "012", 3),
	      "openat relative to a directory fd", "failed");
	close(fd);
	errno = 0;
	check_errno(openat(fd, "data", O_RDONLY), EBADF,
		    "openat with a closed dirfd gives EBADF");
	fd = open("data", O_RDONLY);
	errno = 0;
	check_errno(openat(fd, "x", O_RDONLY), ENOTDIR,
		    "openat with a file as dirfd gives ENOTDIR");
	close(fd);
	close(dfd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void test_getdents(void)
{
	char *names[16];
	int n = 0, dots = 0, types_ok = 1;
	char buf[80]; /* small: forces several getdents64 calls */
	long r;

	mkdir("list", 0755);
	make_file("list/cc", "");
	make_file("list/aa", "");
	make_file("list/bb", "");
	mkdir("list/dd", 0755);

	int fd = open("list", O_RDONLY | O_DIRECTORY);
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64 *e = (void *)(buf + off);
			off += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
				dots++;
				continue;
			}
			/* d_type may be DT_UNKNOWN (getdents(2)); if set, it must be right. */
			unsigned char want = e->d_name[0] == 'd' ? DT_DIR : DT_REG;
			types_ok &= e->d_type == DT_UNKNOWN || e->d_type == want;
			if (n < 16)
				names[n++] = strdup(e->d_name);
		}
	}
	check_eq(r, 0, "getdents64 ends with 0 at the end of the directory");
	check_eq(dots, 2, "getdents64 lists . and ..");
	qsort(names, n, sizeof names[0], cmp_str);
	char joined[128] = "";
	for (int i = 0; i < n; i++) {
		strcat(joined, names[i]);
		strcat(joined, i + 1 < n ? "," : "");
		free(names[i]);
	}
	check(strcmp(joined, "aa,bb,cc,dd") == 0,
	      "getdents64 lists exactly aa,bb,cc,dd (sorted)", "got '%s'", joined);
	check(types_ok, "getdents64 d_type is DT_REG/DT_DIR (or DT_UNKNOWN)", "wrong type");
	errno = 0;
	lseek(fd, 0, SEEK_SET);
	check_errno(syscall(SYS_getdents64, fd, buf, 8), EINVAL,
		    "getdents64 with a buffer smaller than one entry gives EINVAL");
	close(fd);
	fd = open("data", O_RDONLY);
	errno = 0;
	check_errno(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR,
		    "getdents64 on a regular file gives ENOTDIR");
	close(fd);
}

static void test_unlink_rename(void)
{
	struct stat st;
	char buf[8];

	/* unlinkat(2) and its AT_REMOVEDIR flag. */
	errno = 0;
	check_errno(unlinkat(AT_FDCWD, "list", AT_REMOVEDIR), ENOTEMPTY,
		    "removing a non-empty directory gives ENOTEMPTY");
	errno = 0;
	check_errno(unlinkat(AT_FDCWD, "list/dd", 0), EISDIR,
		    "unlinkat of a directory without AT_REMOVEDIR gives EISDIR");
	errno = 0;
	check_errno(unlinkat(AT_FDCWD, "list/aa", AT_REMOVEDIR), ENOTDIR,
		    "unlinkat AT_REMOVEDIR of a file gives ENOTDIR");
	check_eq(unlinkat(AT_FDCWD, "list/aa", 0), 0, "unlinkat a file");
	errno = 0;
	check_errno(fstatat(AT_FDCWD, "list/aa", &st, 0), ENOENT, "unlinked file is gone");
	errno = 0;
	check_errno(unlinkat(AT_FDCWD, "list/aa", 0), ENOENT, "unlinking it again gives ENOENT");
	check_eq(unlinkat(AT_FDCWD, "list/dd", AT_REMOVEDIR), 0, "unlinkat AT_REMOVEDIR an empty directory");

	/* An unlinked file stays usable through an open fd (unlink(2)). */
	int fd = open("list/bb", O_RDWR);
	unlink("list/bb");
	check(write(fd, "kept", 4) == 4 && pread(fd, buf, 4, 0) == 4 && !memcmp(buf, "kept", 4),
	      "open fd of an unlinked file still works", "failed");
	close(fd);

	/* renameat2(2) with flags 0. */
	make_file("old", "OLD");
	make_file("victim", "VICTIM");
	check_eq(syscall(SYS_renameat2, AT_FDCWD, "old", AT_FDCWD, "new", 0), 0,
		 "renameat2 to a new name");
	errno = 0;
	check_errno(fstatat(AT_FDCWD, "old", &st, 0), ENOENT, "old name is gone after rename");
	check_eq(syscall(SYS_renameat2, AT_FDCWD, "new", AT_FDCWD, "victim", 0), 0,
		 "renameat2 over an existing file");
	fd = open("victim", O_RDONLY);
	check(read(fd, buf, 8) == 3 && !memcmp(buf, "OLD", 3),
	      "target now has the renamed file's content", "wrong content");
	close(fd);
	check_eq(syscall(SYS_renameat2, AT_FDCWD, "list", AT_FDCWD, "sub/moved", 0), 0,
		 "renameat2 moves a directory into another directory");
	check(fstatat(AT_FDCWD, "sub/moved/cc", &st, 0) == 0,
	      "moved directory keeps its contents", "missing");
	errno = 0;
	check_errno(syscall(SYS_renameat2, AT_FDCWD, "missing", AT_FDCWD, "x", 0), ENOENT,
		    "renameat2 of a missing file gives ENOENT");
	errno = 0;
	check_errno(syscall(SYS_renameat2, AT_FDCWD, "victim", AT_FDCWD, "nodir/x", 0), ENOENT,
		    "renameat2 into a missing directory gives ENOENT");
}

static void test_access_readlink(void)
{
	char buf[256];

	check_eq(faccessat(AT_FDCWD, "victim", F_OK, 0), 0, "faccessat F_OK on an existing file");
	check_eq(faccessat(AT_FDCWD, "victim", R_OK | W_OK, 0), 0, "faccessat R_OK|W_OK on our 0644 file");
	/* access(2): even root needs an execute bit for X_OK. */
	errno = 0;
	check_errno(faccessat(AT_FDCWD, "victim", X_OK, 0), EACCES,
		    "faccessat X_OK on a 0644 file gives EACCES");
	errno = 0;
	check_errno(faccessat(AT_FDCWD, "missing", F_OK, 0), ENOENT,
		    "faccessat on a missing file gives ENOENT");
	check_eq(faccessat(AT_FDCWD, "/proc/self/exe", X_OK, 0), 0, "our own executable is X_OK");

	ssize_t n = readlinkat(AT_FDCWD, "/proc/self/exe", buf, sizeof buf);
	check(n > 0 && buf[0] == '/', "readlinkat /proc/self/exe gives an absolute path",
	      "ret %zd", n);
	errno = 0;
	check_errno(readlinkat(AT_FDCWD, "victim", buf, sizeof buf), EINVAL,
		    "readlinkat on a regular file gives EINVAL");
}

static void test_cleanup(void)
{
	struct stat st;
	unlink("victim");
	unlink("data");
	unlink("f027");
	rmdir("d077");
	unlink("sub/moved/bb");
	unlink("sub/moved/cc");
	rmdir("sub/moved");
	rmdir("sub");
	check_eq(chdir("/tmp"), 0, "chdir out of the test directory");
	check_eq(rmdir(BASE), 0, "test directory is empty and removed");
	errno = 0;
	check_errno(fstatat(AT_FDCWD, BASE, &st, 0), ENOENT, "test directory is gone");
}

int main(void)
{
	test_dirs_and_cwd();
	test_umask_and_stat();
	test_open_errors();
	test_getdents();
	test_unlink_rename();
	test_access_readlink();
	test_cleanup();
	return tap_done("t_fs.c");
}
