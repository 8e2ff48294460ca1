/*
 * The console: the PL011 UART found in the device tree.  Kernel output is
 * written synchronously (polling), so a panic message always gets out; user
 * output goes through the tty layer, which uses the same transmitter.
 */
#ifndef CONSOLE_H
#define CONSOLE_H
#include <kernel.h>

void console_init(uint64_t physical_base);
void console_write_kernel(const char *text, size_t length);
/* Called by the UART interrupt handler for each received byte. */
void tty_receive_byte(uint8_t byte);
void console_enable_receive_interrupt(void);
void console_put_byte(uint8_t byte);

#endif
