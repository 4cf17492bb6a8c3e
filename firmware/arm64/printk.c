/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printk.c - output through the PL011 mapped in the fixmap (earlycon), and a
 * small printf: %c %s %d %i %u %x %X %p %%, flags '0' '-', a field width, and
 * the length modifiers h, l, ll, z (64-bit values are the norm here).
 */
#include "kernel.h"

volatile u32 *earlycon_base;

void uart_putc(int c)
{
	volatile u32 *uart = earlycon_base;

	if (!uart)
		return;
	if (c == '\n')
		uart_putc('\r');
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (u32)(unsigned char)c;
}

static int fmt_num(char *buf, u64 v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n)
		buf[len++] = tmp[--n];
	return len;
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
	char buf[32];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			uart_putc(*fmt);
			out++;
			continue;
		}
		int zero = 0, left = 0, width = 0, longs = 0, size_t_arg = 0;
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
		for (;; fmt++) {
			if (*fmt == 'l')
				longs++;
			else if (*fmt == 'z')
				size_t_arg = 1;
			else if (*fmt != 'h')
				break;
		}
		int wide = longs || size_t_arg;
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
		case 'd':
		case 'i': {
			int64_t v = wide ? va_arg(ap, int64_t) : va_arg(ap, int);
			int n = 0;
			if (v < 0) {
				buf[n++] = '-';
				n += fmt_num(buf + n, -(u64)v, 10, 0);
			} else {
				n += fmt_num(buf + n, (u64)v, 10, 0);
			}
			out += emit(buf, n, width, zero, left);
			break;
		}
		case 'u': {
			u64 v = wide ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out += emit(buf, fmt_num(buf, v, 10, 0), width, zero, left);
			break;
		}
		case 'x':
		case 'X': {
			u64 v = wide ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out += emit(buf, fmt_num(buf, v, 16, *fmt == 'X'), width, zero, left);
			break;
		}
		case 'p': {
			u64 v = (u64)(uintptr_t)va_arg(ap, void *);
			buf[0] = '0';
			buf[1] = 'x';
			for (int i = 0; i < 16; i++)
				buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
			out += emit(buf, 18, width, 0, left);
			break;
		}
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
