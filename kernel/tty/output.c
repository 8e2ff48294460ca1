/*
 * The output side of the line discipline: OPOST processing as termios(3)
 * describes it (ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS), applied both to
 * what programs write and to echo.  It also keeps track of the cursor column,
 * which is what erasing a tab needs.
 */
#include "tty_internal.h"
#include <console.h>

void tty_output_byte(struct tty *tty, uint8_t c)
{
    uint32_t flags = tty->termios.c_oflag;
    if (!(flags & OPOST)) {
        console_put_byte(c);
        return;
    }
    switch (c) {
    case '\n':
        if (flags & ONLRET)
            tty->column = 0;
        if (flags & ONLCR) {
            tty->column = 0;
            console_put_byte('\r');
        }
        break;
    case '\r':
        if ((flags & ONOCR) && tty->column == 0)
            return;
        if (flags & OCRNL) {
            c = '\n';
            if (flags & ONLRET)
                tty->column = 0;
        } else {
            tty->column = 0;
        }
        break;
    case '\t': {
        uint32_t spaces = 8 - (tty->column & 7);
        tty->column += spaces;
        if ((flags & TABDLY) == XTABS) {
            while (spaces--)
                console_put_byte(' ');
            return;
        }
        break;
    }
    case '\b':
        if (tty->column > 0)
            tty->column--;
        break;
    default:
        if (tty_is_control(c))
            break;
        if ((flags & OLCUC) && c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
        if (!tty_is_continuation(tty, c))
            tty->column++;
        break;
    }
    console_put_byte(c);
}
