/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printk.c - PL011 output through its virtual mapping (UART_VIRT) and a
 * tiny printf: %c %s %d %u %x %X %p %%, flags '0' '-', a field width,
 * in the LPAE images 'll' for %llx/%llX (64-bit: descriptors, TTBRs), and
 * otherwise ignored 'l'/'z'/'h' length modifiers.  No division (no libgcc needed).
 */
#include "kernel.h"
#include "fw.h"

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

void uart_putc(int c)
{
	if (c == '\n')
		uart_putc('\r');
	while (mmio_read32(UART_VIRT + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(UART_VIRT + UART_DR, (uint32_t)(unsigned char)c);
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static const uint32_t pow10[] = {
	1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
	10000u, 1000u, 100u, 10u, 1u,
};

/* Render v into buf (reversed not needed: most significant first). */
static int fmt_dec(char *buf, uint32_t v)
{
	int n = 0, started = 0;
	for (unsigned i = 0; i < sizeof(pow10) / sizeof(pow10[0]); i++) {
		char d = '0';
		while (v >= pow10[i]) {
			v -= pow10[i];
			d++;
		}
		if (d != '0' || started || pow10[i] == 1) {
			buf[n++] = d;
			started = 1;
		}
	}
	return n;
}

static int fmt_hex(char *buf, uint32_t v, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, started = 0;
	for (int sh = 28; sh >= 0; sh -= 4) {
		unsigned d = (v >> sh) & 0xf;
		if (d || started || sh == 0) {
			buf[n++] = digits[d];
			started = 1;
		}
	}
	return n;
}

static int emit(const char *s, int n, int width, int zero, int left)
{
	int out = 0;
	if (!left)
		for (; width > n; width--, out++)
			uart_putc(zero ? '0' : ' ');
	for (int i = 0; i < n; i++, out++)
		uart_putc(s[i]);
	if (left)
		for (; width > n; width--, out++)
			uart_putc(' ');
	return out;
}

int vprintk(const char *fmt, va_list ap)
{
	int out = 0;
	char buf[16];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			uart_putc(*fmt);
			out++;
			continue;
		}
		int zero = 0, left = 0, width = 0;
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
#ifdef CONFIG_ARM_LPAE
		/* only the LPAE images print 64-bit values; the 2-level ones keep their code */
		int ll = 0;
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h')
			ll += *fmt++ == 'l';
		if (ll >= 2 && (*fmt == 'x' || *fmt == 'X')) {
			uint64_t v = va_arg(ap, uint64_t);
			int n = 0;
			if (v >> 32) {	/* high word, then all 8 digits of the low one */
				n = fmt_hex(buf, (uint32_t)(v >> 32), *fmt == 'X');
				for (int sh = 28; sh >= 0; sh -= 4)
					buf[n++] = (*fmt == 'X' ? "0123456789ABCDEF" :
						    "0123456789abcdef")[((uint32_t)v >> sh) & 0xf];
			} else {
				n = fmt_hex(buf, (uint32_t)v, *fmt == 'X');
			}
			out += emit(buf, n, width, zero, left);
			continue;
		}
#else
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h')
			fmt++;
#endif
		switch (*fmt) {
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			out += emit(buf, 1, width, 0, left);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out += emit(s, (int)strlen(s), width, 0, left);
			break;
		}
		case 'd': {
			int32_t v = va_arg(ap, int32_t);
			int n = 0;
			if (v < 0) {
				buf[n++] = '-';
				v = -v;
			}
			n += fmt_dec(buf + n, (uint32_t)v);
			out += emit(buf, n, width, zero, left);
			break;
		}
		case 'u':
			out += emit(buf, fmt_dec(buf, va_arg(ap, uint32_t)), width, zero, left);
			break;
		case 'x':
		case 'X':
			out += emit(buf, fmt_hex(buf, va_arg(ap, uint32_t), *fmt == 'X'),
				    width, zero, left);
			break;
		case 'p':
			buf[0] = '0';
			buf[1] = 'x';
			{
				uint32_t v = (uint32_t)(uintptr_t)va_arg(ap, void *);
				for (int i = 0; i < 8; i++)
					buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xf];
			}
			out += emit(buf, 10, width, 0, left);
			break;
		case '%':
			uart_putc('%');
			out++;
			break;
		case '\0':
			return out;
		default:
			uart_putc('%');
			uart_putc(*fmt);
			out += 2;
			break;
		}
	}
	return out;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* The compiler may emit calls to these even with -ffreestanding. */
void *memset(void *s, int c, size_t n)
{
	volatile unsigned char *p = s;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
