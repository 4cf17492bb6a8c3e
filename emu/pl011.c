/* ARM PrimeCell UART (PL011), transmit side: DR writes go to stdout.
 * Register map and reset values from the PL011 TRM (DDI 0183G), section 3.2. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024,
    UARTFBRD = 0x028, UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038,
    UARTRIS = 0x03c, UARTMIS = 0x040, UARTICR = 0x044, UARTDMACR = 0x048,
};

/* FR: TXFE (bit 7) and RXFE (bit 4): the transmit FIFO always drains at once and no input
 * ever arrives, so TXFF (bit 5) and BUSY (bit 3) stay clear and polling drivers never wait. */
#define FR_IDLE 0x90u

/* UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0-0xFFC (TRM 3.3.14, 3.3.15) */
static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void pl011_flush(Machine *m)
{
    if (m->uart.len) { /* the line in the event stream: when it was printed */
        /* the line buffer can be full (no newline in 256 bytes: a full-screen program) */
        char text[sizeof m->uart.line + 1], esc[sizeof text * 6];
        size_t n = m->uart.len;
        while (n && (m->uart.line[n - 1] == '\n' || m->uart.line[n - 1] == '\r'))
            n--;
        memcpy(text, m->uart.line, n);
        text[n] = 0;
        json_escape(esc, sizeof esc, text);
        event_emit(m->ev, Ev_ConsoleLine, machine_pc(m), m->insns, "\"text\":\"%s\"", esc);
        fwrite(m->uart.line, 1, m->uart.len, stdout);
        m->uart.len = 0;
        /* --stop-on-console: lines are cut at the buffer's size, so TEXT must not span a cut */
        if (m->cfg.stop_console[0] && strstr(text, m->cfg.stop_console) && m->reason == Exit_None) {
            char why[320];
            snprintf(why, sizeof why, "the console printed \"%s\"", m->cfg.stop_console);
            machine_request_stop(m, why);
        }
    }
    fflush(stdout);
}

/* Interrupts (TRM 3.4): the transmit interrupt TXRIS (bit 5) is raised whenever the FIFO drains
 * to its trigger level, which here is at once after every DR write (as QEMU's PL011 does);
 * UARTICR clears it. UARTINTR = RIS & IMSC drives SPI 1 (GIC ID 33), as the DTB says. */
#define INT_TX (1u << 5)
#define UART_IRQ 33

static void uart_irq_update(Machine *m)
{
    gic_set_level(m, UART_IRQ, (m->uart.ris & m->uart.imsc) != 0);
}

static uint64_t uart_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    Pl011 *u = &m->uart;
    if (off >= 0xfe0 && off < 0x1000)
        return ids[(off - 0xfe0) / 4];
    switch (off) {
    case UARTFR: return FR_IDLE;
    case UARTIBRD: return u->ibrd;
    case UARTFBRD: return u->fbrd;
    case UARTLCR_H: return u->lcr_h;
    case UARTCR: return u->cr ? u->cr : 0x300; /* reset: TXE | RXE */
    case UARTIFLS: return u->ifls ? u->ifls : 0x12;
    case UARTIMSC: return u->imsc;
    case UARTDMACR: return u->dmacr;
    case UARTRIS: return u->ris;
    case UARTMIS: return u->ris & u->imsc;
    default: return 0; /* DR (no input), RSR */
    }
}

static void uart_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    Pl011 *u = &m->uart;
    switch (off) {
    case UARTDR:
        u->line[u->len++] = (char)(v & 0xff);
        if ((v & 0xff) == '\n' || u->len == sizeof u->line)
            pl011_flush(m);
        u->ris |= INT_TX;
        break;
    case UARTICR: u->ris &= ~((uint32_t)v & 0x7ff); break;
    case UARTIBRD: u->ibrd = (uint32_t)v & 0xffff; break;
    case UARTFBRD: u->fbrd = (uint32_t)v & 0x3f; break;
    case UARTLCR_H: u->lcr_h = (uint32_t)v & 0xff; break;
    case UARTCR: u->cr = (uint32_t)v & 0xffff; break;
    case UARTIFLS: u->ifls = (uint32_t)v & 0x3f; break;
    case UARTIMSC: u->imsc = (uint32_t)v & 0x7ff; break;
    case UARTDMACR: u->dmacr = (uint32_t)v & 7; break;
    default: break; /* RSR/ECR: nothing latched */
    }
    uart_irq_update(m);
}

bool pl011_attach(Machine *m, char *err, size_t errlen)
{
    uc_err e = uc_mmio_map(m->uc, m->cfg.uart_base, 0x1000, uart_read, m, uart_write, m);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the PL011 at 0x%llx: %s",
                 (unsigned long long)m->cfg.uart_base, uc_strerror(e));
        return false;
    }
    return true;
}
