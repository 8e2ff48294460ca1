/*
 * The input side of the line discipline: what happens to each byte the UART
 * receives, following termios(3) and Linux's n_tty in the order it applies
 * the rules: ISTRIP, signal characters (ISIG), CR/NL mapping (IGNCR, ICRNL,
 * INLCR), then canonical editing (ICANON) or plain storing, then echo.
 */
#include "tty_internal.h"
#include <console.h>
#include <task.h>
#include <signal.h>
#include <asm-generic/siginfo.h>

/* Linux's defaults for a new terminal (tty_std_termios and INIT_C_CC). */
struct tty console_tty = {
    .termios = {
        .c_iflag = ICRNL | IXON,
        .c_oflag = OPOST | ONLCR,
        .c_cflag = B38400 | CS8 | CREAD | HUPCL,
        .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
        .c_cc = {
            [VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
            [VEOF] = 0x04, [VTIME] = 0, [VMIN] = 1, [VSTART] = 0x11, [VSTOP] = 0x13,
            [VSUSP] = 0x1a, [VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17,
            [VLNEXT] = 0x16,
        },
    },
    .window_size = { .ws_row = 24, .ws_col = 80 },
    /*
     * The terminal starts as nobody's controlling terminal, as Linux's console
     * does: init opens it with O_NOCTTY and gives it to the shell's session
     * with TIOCSCTTY (user/init.c).  Until then ^C signals nobody.
     */
    .session = 0,
    .foreground_group = 0,
    .readers = { .waiters = LIST_HEAD_INIT(console_tty.readers.waiters) },
};

static uint8_t *input_at(struct tty *tty, uint32_t position)
{
    return &tty->input[position % TTY_INPUT_SIZE];
}
static uint8_t *mark_at(struct tty *tty, uint32_t position)
{
    return &tty->marks[position % TTY_INPUT_SIZE];
}

uint32_t tty_readable_bytes(struct tty *tty)
{
    uint32_t count = 0;
    for (uint32_t p = tty->read_position; p != tty->line_end; p++)
        if (!(*mark_at(tty, p) & TTY_MARK_EOF))
            count++;
    return count;
}

void tty_flush_input(struct tty *tty)
{
    tty->read_position = tty->line_end = tty->write_position;
    tty->literal_next = false;
}

void tty_set_termios(struct tty *tty, const struct termios *settings)
{
    bool was_canonical = tty_local(tty, ICANON);
    tty->termios = *settings;
    bool canonical = tty_local(tty, ICANON);
    if (was_canonical && !canonical) {
        /* The line being edited becomes readable as it is. */
        tty->line_end = tty->write_position;
        tty->literal_next = false;
    } else if (!was_canonical && canonical && tty->write_position != tty->read_position) {
        /* As Linux does: what is buffered forms one line, so a read returns it. */
        *mark_at(tty, tty->write_position - 1) |= TTY_MARK_LINE_END;
    }
    wake_up_all(&tty->readers);
}

/*
 * Echo of one input byte (ECHO): with ECHOCTL a control character other
 * than TAB and NL shows as ^X (DEL as ^?).
 */
static void echo_byte(struct tty *tty, uint8_t c)
{
    if (tty_local(tty, ECHOCTL) && tty_is_control(c) && c != '\t' && c != '\n') {
        tty_output_byte(tty, '^');
        tty_output_byte(tty, c ^ 0x40);
    } else {
        tty_output_byte(tty, c);
    }
}

static void echo_rubout(struct tty *tty)
{
    tty_output_byte(tty, '\b');
    tty_output_byte(tty, ' ');
    tty_output_byte(tty, '\b');
}

/* The column the echo of the edited line reaches up to position end. */
static uint32_t echo_column_at(struct tty *tty, uint32_t end)
{
    uint32_t column = tty->line_start_column;
    for (uint32_t p = tty->line_end; p != end; p++) {
        uint8_t c = *input_at(tty, p);
        if (c == '\t')
            column = (column | 7) + 1;
        else if (tty_is_control(c))
            column += tty_local(tty, ECHOCTL) ? 2 : 0;
        else if (!tty_is_continuation(tty, c))
            column++;
    }
    return column;
}

static bool is_word_byte(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

enum erase_kind { ERASE_CHARACTER, ERASE_WORD, ERASE_LINE };

/*
 * VERASE, VWERASE and VKILL remove from the edited line only: complete lines
 * already belong to the reader.  ECHOE shows erasure as "\b \b"; without it
 * the erase character is echoed instead.  For VKILL, ECHOKE (with ECHOE)
 * rubs the line out; otherwise the kill character is echoed, then a newline
 * when ECHOK is set (termios(3)).
 */
static void erase(struct tty *tty, enum erase_kind kind, uint8_t c)
{
    if (tty->write_position == tty->line_end)
        return;
    bool echo = tty_local(tty, ECHO);
    if (kind == ERASE_LINE &&
        (!echo || !tty_local(tty, ECHOK) || !tty_local(tty, ECHOKE) || !tty_local(tty, ECHOE))) {
        tty->write_position = tty->line_end;
        if (echo) {
            echo_byte(tty, c);
            if (tty_local(tty, ECHOK))
                tty_output_byte(tty, '\n');
        }
        return;
    }
    unsigned word_bytes_seen = 0;
    while (tty->write_position != tty->line_end) {
        /* Take a whole UTF-8 sequence (IUTF8), never part of one. */
        uint32_t start = tty->write_position;
        uint8_t erased;
        do
            erased = *input_at(tty, --start);
        while (tty_is_continuation(tty, erased) && start != tty->line_end);
        if (tty_is_continuation(tty, erased))
            break;
        if (kind == ERASE_WORD) {
            if (is_word_byte(erased))
                word_bytes_seen++;
            else if (word_bytes_seen)
                break;
        }
        tty->write_position = start;
        if (echo) {
            if (kind == ERASE_CHARACTER && !tty_local(tty, ECHOE)) {
                echo_byte(tty, c);
            } else if (erased == '\t') {
                /* A tab took a varying width: back up to where the text before it ends. */
                uint32_t column = echo_column_at(tty, start);
                while (tty->column > column)
                    tty_output_byte(tty, '\b');
            } else if (tty_is_control(erased)) {
                if (tty_local(tty, ECHOCTL)) {
                    echo_rubout(tty);
                    echo_rubout(tty);
                }
            } else {
                echo_rubout(tty);
            }
        }
        if (kind == ERASE_CHARACTER)
            break;
    }
}

/* Stores a byte; mark makes it the end of a line (canonical) and wakes readers. */
static void store(struct tty *tty, uint8_t c, uint8_t mark)
{
    uint32_t used = tty->write_position - tty->read_position;
    /* Canonical mode keeps the last slot for a line end, so a full line can still end. */
    bool canonical = tty_local(tty, ICANON);
    if (used >= TTY_INPUT_SIZE || (canonical && !mark && used >= TTY_INPUT_SIZE - 1))
        return;
    *input_at(tty, tty->write_position) = c;
    *mark_at(tty, tty->write_position) = mark;
    tty->write_position++;
    if (mark || !canonical) {
        tty->line_end = tty->write_position;
        wake_up_all(&tty->readers);
    }
}

/* ISIG: the signal goes to the foreground process group, and input is discarded unless NOFLSH. */
static void send_signal(struct tty *tty, int signal, uint8_t c)
{
    if (!tty_local(tty, NOFLSH))
        tty_flush_input(tty);
    if (tty->foreground_group > 0) {
        struct signal_info info = { .signal = signal, .code = SI_KERNEL };
        signal_send_group(tty->foreground_group, &info);
    }
    if (tty_local(tty, ECHO))
        echo_byte(tty, c);
}

/* Echo of a byte that joins the edited line; records where the line's echo starts. */
static void echo_line_byte(struct tty *tty, uint8_t c)
{
    if (!tty_local(tty, ECHO))
        return;
    if (tty->write_position == tty->line_end)
        tty->line_start_column = tty->column;
    echo_byte(tty, c);
}

/* ICANON: editing characters, line ends and VEOF; returns true when c was one. */
static bool canonical_special(struct tty *tty, uint8_t c)
{
    bool extended = tty_local(tty, IEXTEN);
    if (tty_is_special(tty, VERASE, c)) {
        erase(tty, ERASE_CHARACTER, c);
    } else if (tty_is_special(tty, VKILL, c)) {
        erase(tty, ERASE_LINE, c);
    } else if (extended && tty_is_special(tty, VWERASE, c)) {
        erase(tty, ERASE_WORD, c);
    } else if (extended && tty_is_special(tty, VLNEXT, c)) {
        tty->literal_next = true;
        if (tty_local(tty, ECHO) && tty_local(tty, ECHOCTL)) {
            /* Shows ^ until the literal byte replaces it. */
            tty_output_byte(tty, '^');
            tty_output_byte(tty, '\b');
        }
    } else if (c == '\n') {
        if (tty_local(tty, ECHO) || tty_local(tty, ECHONL))
            tty_output_byte(tty, '\n');
        store(tty, c, TTY_MARK_LINE_END);
    } else if (tty_is_special(tty, VEOL, c) || (extended && tty_is_special(tty, VEOL2, c))) {
        echo_line_byte(tty, c);
        store(tty, c, TTY_MARK_LINE_END);
    } else if (tty_is_special(tty, VEOF, c)) {
        /* Ends the line without being part of it; not echoed (POSIX 11.1.9). */
        store(tty, c, TTY_MARK_LINE_END | TTY_MARK_EOF);
    } else {
        return false;
    }
    return true;
}

void tty_receive_byte(uint8_t byte)
{
    struct tty *tty = &console_tty;
    uint8_t c = byte;
    if (tty_input_flag(tty, ISTRIP))
        c &= 0x7f;
    if (tty->literal_next) {
        tty->literal_next = false;
        echo_line_byte(tty, c);
        store(tty, c, 0);
        return;
    }
    if (tty_local(tty, ISIG)) {
        int signal = tty_is_special(tty, VINTR, c)  ? SIGINT
                     : tty_is_special(tty, VQUIT, c) ? SIGQUIT
                     : tty_is_special(tty, VSUSP, c) ? SIGTSTP
                                                     : 0;
        if (signal) {
            send_signal(tty, signal, c);
            return;
        }
    }
    if (c == '\r') {
        if (tty_input_flag(tty, IGNCR))
            return;
        if (tty_input_flag(tty, ICRNL))
            c = '\n';
    } else if (c == '\n' && tty_input_flag(tty, INLCR)) {
        c = '\r';
    }
    if (tty_local(tty, ICANON)) {
        if (canonical_special(tty, c))
            return;
        echo_line_byte(tty, c);
    } else if (tty_local(tty, ECHO)) {
        echo_byte(tty, c);
    }
    store(tty, c, 0);
}
