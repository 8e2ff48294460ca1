/*
 * execve: load a static ELF executable (ET_EXEC, or ET_DYN for static-pie)
 * or a "#!" script, and build the initial stack the way Linux does
 * (argc, argv, envp, auxv; see the System V ABI and getauxval(3)).
 */
#include <task.h>
#include <vfs.h>
#include <page.h>
#include <uaccess.h>
#include <address_space.h>
#include <page_table.h>
#include <signal.h>
#include <syscall.h>
#include <random.h>
#include <arch/mmio.h>
#include <linux/elf.h>
#include <linux/fcntl.h>
#include <linux/auxvec.h>
#include <asm/hwcap.h>

#define ARGUMENTS_MAX (256 * 1024)      /* bytes of argv + envp strings */
#define SCRIPT_LINE_MAX 256

/* argv and envp copied into the kernel before the old image is destroyed. */
struct exec_strings {
    char *buffer;
    size_t used;
    int argument_count, environment_count;
};

static int strings_add(struct exec_strings *strings, const char *text, size_t length)
{
    if (strings->used + length + 1 > ARGUMENTS_MAX)
        return -E2BIG;
    memcpy(strings->buffer + strings->used, text, length);
    strings->buffer[strings->used + length] = 0;
    strings->used += length + 1;
    return 0;
}

static int strings_add_user_vector(struct exec_strings *strings, const char *const *vector,
                                   int *count)
{
    if (!vector)
        return 0;
    for (;;) {
        const char *pointer;
        if (GET_USER(pointer, vector + *count) < 0)
            return -EFAULT;
        if (!pointer)
            return 0;
        if (strings->used >= ARGUMENTS_MAX)
            return -E2BIG;
        long length = string_from_user(strings->buffer + strings->used, pointer,
                                       ARGUMENTS_MAX - strings->used);
        if (length == -ENAMETOOLONG)
            return -E2BIG;
        if (length < 0)
            return (int)length;
        strings->used += length + 1;
        (*count)++;
    }
}

/* Puts the interpreter (and its optional argument) and the script path in front of argv. */
static int strings_prepend_interpreter(struct exec_strings *strings, const char *interpreter,
                                       const char *argument, const char *script)
{
    /* argv[0] of the script is replaced by the script's path, as Linux does. */
    size_t first = strlen(strings->buffer) + 1;
    size_t rest = strings->used - (strings->argument_count ? first : 0);
    char *old = kmalloc(ARGUMENTS_MAX);
    if (!old)
        return -ENOMEM;
    memcpy(old, strings->buffer + (strings->argument_count ? first : 0), rest);
    int old_arguments = strings->argument_count ? strings->argument_count - 1 : 0;
    strings->used = 0;
    strings->argument_count = 0;
    int error = strings_add(strings, interpreter, strlen(interpreter));
    strings->argument_count++;
    if (!error && argument) {
        error = strings_add(strings, argument, strlen(argument));
        strings->argument_count++;
    }
    if (!error) {
        error = strings_add(strings, script, strlen(script));
        strings->argument_count++;
    }
    if (!error && strings->used + rest > ARGUMENTS_MAX)
        error = -E2BIG;
    if (!error) {
        memcpy(strings->buffer + strings->used, old, rest);
        strings->used += rest;
        strings->argument_count += old_arguments;
    }
    kfree(old);
    return error;
}

static uint64_t hardware_capabilities(void)
{
    uint64_t isar0 = read_sysreg(id_aa64isar0_el1), pfr0 = read_sysreg(id_aa64pfr0_el1);
    uint64_t caps = 0;
    if (((pfr0 >> 16) & 0xf) != 0xf)
        caps |= HWCAP_FP;
    if (((pfr0 >> 20) & 0xf) != 0xf)
        caps |= HWCAP_ASIMD;
    if (((isar0 >> 4) & 0xf) >= 1)
        caps |= HWCAP_AES;
    if (((isar0 >> 4) & 0xf) >= 2)
        caps |= HWCAP_PMULL;
    if ((isar0 >> 8) & 0xf)
        caps |= HWCAP_SHA1;
    if ((isar0 >> 12) & 0xf)
        caps |= HWCAP_SHA2;
    if ((isar0 >> 16) & 0xf)
        caps |= HWCAP_CRC32;
    if (((isar0 >> 20) & 0xf) >= 2)
        caps |= HWCAP_ATOMICS;
    return caps;
}

/* One page of a loadable segment: the file's page mapped directly, or a copy. */
static int load_segment_page(struct address_space *space, struct file *file, uint64_t page_address,
                             const Elf64_Phdr *segment, uint64_t bias, uint32_t protection)
{
    uint64_t segment_start = segment->p_vaddr + bias;
    uint64_t file_end = segment_start + segment->p_filesz;
    uint64_t file_offset_of_page = segment->p_offset - (segment_start - page_address);
    bool fully_from_file = page_address >= segment_start && page_address + PAGE_SIZE <= file_end;
    void *shared;
    if (fully_from_file && !(file_offset_of_page & (PAGE_SIZE - 1)) && file->ops->map_page &&
        file->ops->map_page(file, file_offset_of_page / PAGE_SIZE, &shared) == 0)
        /* Copy-on-write even when read-only, or mprotect would let a write
         * reach the file. */
        return address_space_insert_page(space, page_address, shared, protection, true);
    if (page_address >= file_end)
        return 0;       /* all bss: demand-zero */
    void *page = page_alloc_zeroed();
    if (!page)
        return -ENOMEM;
    uint64_t copy_start = MAX(page_address, segment_start);
    uint64_t copy_end = MIN(page_address + PAGE_SIZE, file_end);
    ssize_t got = kernel_read(file, (char *)page + (copy_start - page_address),
                              copy_end - copy_start,
                              segment->p_offset + (copy_start - segment_start));
    if (got != (ssize_t)(copy_end - copy_start)) {
        page_put(page);
        return got < 0 ? (int)got : -EIO;
    }
    if (protection & AREA_EXEC)
        cache_sync_instructions(page, PAGE_SIZE);
    return address_space_insert_page(space, page_address, page, protection, false);
}

struct loaded_image {
    uint64_t entry, program_headers, program_header_count, bias, brk;
};

static int load_elf(struct address_space *space, struct file *file, const Elf64_Ehdr *header,
                    struct loaded_image *image)
{
    if (header->e_phentsize != sizeof(Elf64_Phdr) || header->e_phnum == 0 || header->e_phnum > 64)
        return -ENOEXEC;
    size_t table_size = header->e_phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr *segments = kmalloc(table_size);
    if (!segments)
        return -ENOMEM;
    int error = 0;
    if (kernel_read(file, segments, table_size, header->e_phoff) != (ssize_t)table_size) {
        error = -ENOEXEC;
        goto out;
    }
    image->bias = header->e_type == ET_DYN ? USER_PIE_BASE : 0;
    image->program_headers = 0;
    image->brk = 0;
    for (int i = 0; i < header->e_phnum && !error; i++) {
        const Elf64_Phdr *segment = &segments[i];
        if (segment->p_type == PT_INTERP) {
            error = -ENOEXEC;      /* static executables only */
            break;
        }
        if (segment->p_type != PT_LOAD)
            continue;
        if (segment->p_filesz > segment->p_memsz ||
            (segment->p_offset & (PAGE_SIZE - 1)) != (segment->p_vaddr & (PAGE_SIZE - 1)) ||
            segment->p_vaddr + segment->p_memsz + image->bias >= USER_MMAP_TOP) {
            error = -ENOEXEC;
            break;
        }
        uint32_t protection = 0;
        if (segment->p_flags & PF_R)
            protection |= AREA_READ;
        if (segment->p_flags & PF_W)
            protection |= AREA_WRITE;
        if (segment->p_flags & PF_X)
            protection |= AREA_EXEC;
        uint64_t start = ALIGN_DOWN(segment->p_vaddr + image->bias, PAGE_SIZE);
        uint64_t end = ALIGN_UP(segment->p_vaddr + image->bias + segment->p_memsz, PAGE_SIZE);
        error = area_map(space, start, end, protection, 0);
        for (uint64_t page = start; page < end && !error; page += PAGE_SIZE)
            error = load_segment_page(space, file, page, segment, image->bias, protection);
        /* The program headers live in the segment that covers their file offset. */
        if (header->e_phoff >= segment->p_offset &&
            header->e_phoff + table_size <= segment->p_offset + segment->p_filesz)
            image->program_headers = segment->p_vaddr + image->bias +
                                     (header->e_phoff - segment->p_offset);
        image->brk = MAX(image->brk, end);
    }
    image->entry = header->e_entry + image->bias;
    image->program_header_count = header->e_phnum;
out:
    kfree(segments);
    return error;
}

static int push_bytes(uint64_t *stack_pointer, const void *data, size_t length)
{
    *stack_pointer -= length;
    return copy_to_user((void *)*stack_pointer, data, length);
}

/* Builds argc/argv/envp/auxv on the new stack (in the now current address space). */
static int build_stack(struct exec_strings *strings, struct loaded_image *image,
                       const char *executable, uint64_t *stack_pointer_out)
{
    uint64_t sp = USER_STACK_TOP;
    uint8_t random[16];
    random_bytes(random, sizeof(random));
    int error = push_bytes(&sp, executable, strlen(executable) + 1);
    uint64_t executable_address = sp;
    if (!error)
        error = push_bytes(&sp, "aarch64", 8);
    uint64_t platform_address = sp;
    if (!error)
        error = push_bytes(&sp, random, sizeof(random));
    uint64_t random_address = sp;
    if (!error)
        error = push_bytes(&sp, strings->buffer, strings->used);
    uint64_t strings_address = sp;
    if (error)
        return error;

    uint64_t auxv[][2] = {
        { AT_HWCAP, hardware_capabilities() }, { AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, 100 },
        { AT_PHDR, image->program_headers },   { AT_PHENT, sizeof(Elf64_Phdr) },
        { AT_PHNUM, image->program_header_count }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
        { AT_ENTRY, image->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
        { AT_SECURE, 0 }, { AT_RANDOM, random_address }, { AT_HWCAP2, 0 },
        { AT_EXECFN, executable_address }, { AT_PLATFORM, platform_address }, { AT_NULL, 0 },
    };
    int pointer_count = 1 + strings->argument_count + 1 + strings->environment_count + 1;
    size_t table_bytes = pointer_count * 8 + sizeof(auxv);
    sp = ALIGN_DOWN(sp - table_bytes, 16);
    uint64_t *table = kmalloc(table_bytes);
    if (!table)
        return -ENOMEM;
    size_t n = 0;
    table[n++] = strings->argument_count;
    uint64_t address = strings_address;
    for (int i = 0; i < strings->argument_count + strings->environment_count; i++) {
        if (i == strings->argument_count)
            table[n++] = 0;
        table[n++] = address;
        address += strlen(strings->buffer + (address - strings_address)) + 1;
    }
    if (strings->environment_count == 0)
        table[n++] = 0;
    table[n++] = 0;
    memcpy(&table[n], auxv, sizeof(auxv));
    error = copy_to_user((void *)sp, table, table_bytes);
    kfree(table);
    *stack_pointer_out = sp;
    return error;
}

static void record_command_line(struct process *process, struct exec_strings *strings,
                                const char *path)
{
    size_t length = 0;
    for (int i = 0; i < strings->argument_count; i++)
        length += strlen(strings->buffer + length) + 1;
    kfree(process->command_line);
    process->command_line = kmalloc(length ? length : 1);
    process->command_line_length = process->command_line ? length : 0;
    if (process->command_line)
        memcpy(process->command_line, strings->buffer, length);
    const char *base = strrchr(path, '/');
    strlcpy(process->name, base ? base + 1 : path, sizeof(process->name));
}

static int open_executable(const char *path, struct file **result)
{
    struct inode *inode;
    int error = path_lookup(AT_FDCWD, path, true, &inode);
    if (error)
        return error;
    /* execve(2): EACCES unless a regular file with an execute bit. */
    bool runnable = (inode->mode & 0170000) == 0100000 && (inode->mode & 0111) != 0;
    inode_put(inode);
    if (!runnable)
        return -EACCES;
    return vfs_open(path, 0 /* O_RDONLY */, 0, result);
}

/*
 * The path /proc/self/exe shows: path with a final symlink chain followed
 * (busybox applets are links to /bin/busybox, and Linux names the target).
 */
static void resolve_final_symlinks(const char *path, char *resolved, size_t size)
{
    strlcpy(resolved, path, size);
    for (int depth = 0; depth < 8; depth++) {
        struct inode *inode;
        if (path_lookup(AT_FDCWD, resolved, false, &inode))
            return;
        char target[256];
        int length = -1;
        if ((inode->mode & 0170000) == 0120000 && inode->ops && inode->ops->readlink)
            length = inode->ops->readlink(inode, target, sizeof(target) - 1);
        inode_put(inode);
        if (length <= 0)
            return;
        target[length] = 0;
        if (target[0] == '/') {
            strlcpy(resolved, target, size);
        } else {
            char *slash = strrchr(resolved, '/');
            size_t keep = slash ? (size_t)(slash - resolved) + 1 : 0;
            if (keep + strlen(target) + 1 > size)
                return;
            strlcpy(resolved + keep, target, size - keep);
        }
    }
}

/* Kills the other threads of the process: execve leaves only the caller. */
void process_kill_other_threads(void);

static int do_execve(const char *path, struct exec_strings *strings, struct trap_frame *frame)
{
    char *current_path = kmalloc(4096);
    if (!current_path)
        return -ENOMEM;
    strlcpy(current_path, path, 4096);
    struct file *file = NULL;
    Elf64_Ehdr header;
    int error;
    for (int depth = 0;; depth++) {
        error = open_executable(current_path, &file);
        if (error)
            goto fail;
        char line[SCRIPT_LINE_MAX];
        ssize_t got = kernel_read(file, line, sizeof(line) - 1, 0);
        if (got >= 2 && line[0] == '#' && line[1] == '!') {
            /* "#!interpreter [argument]": one optional argument, as on Linux. */
            line[got] = 0;
            char *end = strchr(line, '\n');
            if (end)
                *end = 0;
            char *interpreter = line + 2;
            while (*interpreter == ' ' || *interpreter == '\t')
                interpreter++;
            char *argument = interpreter;
            while (*argument && *argument != ' ' && *argument != '\t')
                argument++;
            if (*argument) {
                *argument++ = 0;
                while (*argument == ' ' || *argument == '\t')
                    argument++;
                char *tail = argument + strlen(argument);
                while (tail > argument && (tail[-1] == ' ' || tail[-1] == '\t'))
                    *--tail = 0;
            }
            file_put(file);
            file = NULL;
            error = depth >= 4 ? -ELOOP : (*interpreter ? 0 : -ENOEXEC);
            if (!error)
                error = strings_prepend_interpreter(strings, interpreter,
                                                    *argument ? argument : NULL, current_path);
            if (error)
                goto fail;
            strlcpy(current_path, interpreter, 4096);
            continue;
        }
        if (got < (ssize_t)sizeof(header) ||
            kernel_read(file, &header, sizeof(header), 0) != sizeof(header) ||
            memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
            header.e_machine != EM_AARCH64 ||
            (header.e_type != ET_EXEC && header.e_type != ET_DYN)) {
            error = -ENOEXEC;
            goto fail;
        }
        break;
    }

    struct address_space *space = address_space_new();
    if (!space) {
        error = -ENOMEM;
        goto fail;
    }
    struct loaded_image image;
    error = load_elf(space, file, &header, &image);
    if (!error)
        error = area_map(space, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP,
                         AREA_READ | AREA_WRITE, AREA_STACK);
    if (error) {
        address_space_put(space);
        goto fail;
    }

    /* Point of no return: the old image goes. */
    struct process *process = current->process;
    process_kill_other_threads();
    struct address_space *old = process->address_space;
    process->address_space = space;
    space->heap_start = space->heap_end = image.brk;
    space->stack_start = USER_STACK_TOP - USER_STACK_MAX;
    address_space_activate(space);
    if (old)
        address_space_put(old);
    task_complete_vfork(current);
    files_close_on_exec(process->files);
    signal_handlers_reset_for_exec(process->handlers);
    resolve_final_symlinks(current_path, process->executable, sizeof(process->executable));
    record_command_line(process, strings, current_path);

    uint64_t stack_pointer;
    error = build_stack(strings, &image, current_path, &stack_pointer);
    file_put(file);
    kfree(current_path);
    if (error) {
        signal_send_simple(process, SIGSEGV);
        return 0;
    }
    memset(frame, 0, sizeof(*frame));
    frame->sp = stack_pointer;
    frame->pc = image.entry;
    frame->pstate = 0;             /* EL0t, interrupts unmasked */
    current->tls = 0;
    write_sysreg(tpidr_el0, 0);
    struct fp_state zero = { 0 };
    void fp_state_restore(struct fp_state * state);
    fp_state_restore(&zero);
    return 0;

fail:
    if (file)
        file_put(file);
    kfree(current_path);
    return error;
}

static long sys_execve(uint64_t user_path, uint64_t user_arguments, uint64_t user_environment)
{
    char *path = kmalloc(4096);
    struct exec_strings strings = { .buffer = kmalloc(ARGUMENTS_MAX) };
    long error = (!path || !strings.buffer) ? -ENOMEM : 0;
    if (!error)
        error = string_from_user(path, (const char *)user_path, 4096);
    if (error >= 0)
        error = strings_add_user_vector(&strings, (const char *const *)user_arguments,
                                        &strings.argument_count);
    if (error >= 0)
        error = strings_add_user_vector(&strings, (const char *const *)user_environment,
                                        &strings.environment_count);
    if (error >= 0)
        error = do_execve(path, &strings, current->trap_frame);
    kfree(path);
    kfree(strings.buffer);
    return error;
}
SYSCALL(__NR_execve, sys_execve);

int execve_kernel(const char *path, char *const arguments[], char *const environment[])
{
    struct exec_strings strings = { .buffer = kmalloc(ARGUMENTS_MAX) };
    if (!strings.buffer)
        return -ENOMEM;
    int error = 0;
    for (; arguments[strings.argument_count] && !error; strings.argument_count++)
        error = strings_add(&strings, arguments[strings.argument_count],
                            strlen(arguments[strings.argument_count]));
    for (; environment[strings.environment_count] && !error; strings.environment_count++)
        error = strings_add(&strings, environment[strings.environment_count],
                            strlen(environment[strings.environment_count]));
    if (!error)
        error = do_execve(path, &strings, current->trap_frame);
    kfree(strings.buffer);
    return error;
}
