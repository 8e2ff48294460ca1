/* ARM PL011 UART (ARM DDI 0183): the console. */
#include <console.h>
#include <arch/mmio.h>

enum {
    UART_DATA = 0x00,
    UART_FLAGS = 0x18,
    UART_LINE_CONTROL = 0x2c,
    UART_INTERRUPT_MASK = 0x38,
    UART_INTERRUPT_CLEAR = 0x44,
};
#define FLAG_RX_EMPTY   (1u << 4)
#define FLAG_TX_FULL    (1u << 5)
#define INTERRUPT_RX    (1u << 4)
#define INTERRUPT_RX_TIMEOUT (1u << 6)

static volatile uint8_t *uart_base;

void console_init(uint64_t physical_base)
{
    uart_base = phys_to_virt(physical_base);
}

void console_put_byte(uint8_t byte)
{
    if (!uart_base)
        return;
    while (mmio_read32(uart_base + UART_FLAGS) & FLAG_TX_FULL)
        ;
    mmio_write32(uart_base + UART_DATA, byte);
}

void console_write_kernel(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\n')
            console_put_byte('\r');
        console_put_byte((uint8_t)text[i]);
    }
}

void console_enable_receive_interrupt(void)
{
    /* 8 bits, FIFOs on: with them off the UART holds one byte at a time. */
    mmio_write32(uart_base + UART_LINE_CONTROL, (3u << 5) | (1u << 4));
    mmio_write32(uart_base + UART_INTERRUPT_MASK, INTERRUPT_RX | INTERRUPT_RX_TIMEOUT);
}

/* Interrupt handler: drain the receive FIFO into the tty. */
void pl011_interrupt(void)
{
    /* Clear first: a byte that arrives while draining raises a new interrupt. */
    mmio_write32(uart_base + UART_INTERRUPT_CLEAR, INTERRUPT_RX | INTERRUPT_RX_TIMEOUT);
    while (!(mmio_read32(uart_base + UART_FLAGS) & FLAG_RX_EMPTY))
        tty_receive_byte((uint8_t)mmio_read32(uart_base + UART_DATA));
}
