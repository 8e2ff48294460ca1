/*
 * The console terminal's state, shared by the files of kernel/tty/ only.
 *
 * There is one terminal: the PL011 console.  Its input side is a line
 * discipline in the manner of Linux's n_tty: received bytes are processed
 * (CR/NL mapping, signal characters, canonical editing, echo) as they arrive
 * from the UART interrupt and stored in a ring buffer that read() drains.
 * Its output side has no buffer: write() and echo both transmit at once, with
 * OPOST processing, through console_put_byte.
 *
 * No locking is needed: the kernel runs with IRQs masked and is never
 * preempted, so tty_receive_byte cannot interleave with a system call.
 *
 * Not implemented: IXON/IXOFF flow control (^S/^Q are ordinary input),
 * PARMRK, VREPRINT, VDISCARD, ECHOPRT, SIGTTIN/SIGTTOU for background process
 * groups, and the per-process controlling terminal of a process that left
 * its session's terminal with TIOCNOTTY without being the session leader.
 */
#ifndef TTY_INTERNAL_H
#define TTY_INTERNAL_H
#include <tty.h>
#include <asm/termios.h>

/* A power of two, so that free-running positions index with a mask. */
#define TTY_INPUT_SIZE 4096

/* What marks[] says about the byte at the same position of input[]. */
enum {
    TTY_MARK_LINE_END = 1,   /* canonical: ends a line; a read stops after it */
    TTY_MARK_EOF = 2,        /* with LINE_END: a VEOF, consumed but never copied */
};

/*
 * Positions count bytes since boot and wrap at 2^32; a byte at position p is
 * input[p % TTY_INPUT_SIZE].  Invariants, in unsigned arithmetic:
 *
 *   read_position <= line_end <= write_position <= read_position + TTY_INPUT_SIZE
 *
 * [read_position, line_end) is what read() may return now.  In canonical
 * mode it holds complete lines only (each ends with a LINE_END mark) and
 * [line_end, write_position) is the line being edited; in non-canonical mode
 * line_end == write_position: every byte is readable as soon as it arrives.
 */
struct tty {
    struct termios termios;     /* the kernel layout: what TCGETS copies */
    struct winsize window_size;
    pid_t session;              /* session this is the controlling tty of; 0: none */
    pid_t foreground_group;     /* process group that gets ^C, ^\, ^Z; 0: none */

    uint8_t input[TTY_INPUT_SIZE];
    uint8_t marks[TTY_INPUT_SIZE];
    uint32_t read_position;
    uint32_t line_end;
    uint32_t write_position;
    bool literal_next;          /* canonical: VLNEXT seen, take the next byte as is */

    uint32_t column;            /* output column, maintained by OPOST processing */
    uint32_t line_start_column; /* column where the echo of the edited line began */
    struct wait_queue readers;  /* woken when input becomes readable */
};

extern struct tty console_tty;

static inline bool tty_local(const struct tty *tty, uint32_t flag)
{
    return tty->termios.c_lflag & flag;
}
static inline bool tty_input_flag(const struct tty *tty, uint32_t flag)
{
    return tty->termios.c_iflag & flag;
}
/* Is c the special character c_cc[index]?  A NUL entry disables it (POSIX _POSIX_VDISABLE). */
static inline bool tty_is_special(const struct tty *tty, int index, uint8_t c)
{
    return tty->termios.c_cc[index] != 0 && c == tty->termios.c_cc[index];
}
static inline bool tty_is_control(uint8_t c) { return c < 0x20 || c == 0x7f; }
/* With IUTF8, a byte that continues a UTF-8 sequence (10xxxxxx). */
static inline bool tty_is_continuation(const struct tty *tty, uint8_t c)
{
    return tty_input_flag(tty, IUTF8) && (c & 0xc0) == 0x80;
}

/* line_discipline.c */
/* Bytes read() could return now; canonical mode counts complete lines only. */
uint32_t tty_readable_bytes(struct tty *tty);
/* Discards all input, complete lines and the edited one (tcflush TCIFLUSH). */
void tty_flush_input(struct tty *tty);
/* Installs new settings, keeping buffered input consistent across ICANON changes. */
void tty_set_termios(struct tty *tty, const struct termios *settings);

/* output.c: one byte through OPOST processing to the UART. */
void tty_output_byte(struct tty *tty, uint8_t c);

/* tty_ioctl.c: every ioctl; -ENOTTY for those a terminal does not know. */
long tty_ioctl(struct tty *tty, unsigned command, uint64_t argument);

/* job_control.c: the controlling terminal and the foreground process group. */
/* On open of device: /dev/tty needs a controlling terminal (ENXIO). */
int tty_job_control_open(struct tty *tty, uint32_t device);
/* TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCNOTTY, TIOCGSID; -ENOTTY for others. */
long tty_job_control_ioctl(struct tty *tty, unsigned command, uint64_t argument);

#endif
