/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench.c - tlb-bench: cycles per access against the number of distinct
 * 4 KiB pages touched, timed with the guest-visible cycle counter (PMCCNTR)
 * with the MMU on.  The same C runs in the ARMv7 (A32) and the AArch64
 * image; head-v7.S/mmu-v7.c and head-v8.S/mmu-v8.c build the tables, turn
 * the MMU on and provide the timed loop.
 *
 * The access pattern is a pointer chase through the test region (BENCH_VA,
 * BENCH_PAGES pages, see tlb-bench.h): the touched word of each page holds
 * the address of the touched word of the next page of the pattern, the last
 * one points back to the first.  The timed loop is three instructions per
 * access (ldr, subs, b.ne / bne), with no other memory access, so a pass
 * over n pages costs 3n cycles plus whatever the TLBs add.
 *
 * Every point: one cold pass (not timed), P timed passes, one more cold
 * pass, 2P timed passes.  A pass over a cyclic pattern leaves the TLBs in the
 * same state every time (replacement sees the same sequence), so both timed
 * windows cost "overhead + passes x per-pass cost" with the same overhead,
 * and per pass = (window(2P) - window(P)) / P exactly.
 *
 *  - sweep N:    pages 0, 1, ..., N-1 (consecutive virtual pages: they fill
 *                the sets of a set-associative TLB evenly).
 *  - collide k:  pages 0, S, 2S, ..., (k-1)S with a page stride S (a
 *                multiple of a main TLB's set count puts them all in one
 *                set), followed by F "fill" pages 1..F (one per other set).
 *                The fill pages exist to make the pattern larger than every
 *                micro/L1 TLB (F + k > 32), so that every access reaches the
 *                main TLB; they never conflict there.
 *
 * Output (one line per point; the header lines start with "tlb-bench:"):
 *   stride N pages: C.CCC cycles/access, T cycles/pass
 *   collide k pages stride S fill F: C.CCC cycles/access, T cycles/pass
 * or "...: not steady, windows A and B cycles" when the two windows do not
 * differ by a multiple of P (a counter that is not the model's, e.g. QEMU's
 * without -icount; a replacement policy that does not repeat every pass).
 *
 * Parameters come from the kernel command line (/chosen/bootargs), Linux
 * module-parameter style: tlb_bench.sweep=LIST (or "none"),
 * tlb_bench.collide=LIST of strides (or "none"), tlb_bench.kmax=K,
 * tlb_bench.fill=F, tlb_bench.passes=P.
 */
#include "tlb-bench.h"

/* ---- console: PL011, identity-mapped ---- */

static void uart_putc(int c)
{
	volatile u32 *uart = (volatile u32 *)UART_PHYS;
	if (c == '\n')
		uart_putc('\r');
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (u32)(unsigned char)c;
}

/* Long division by shift and subtract: no libgcc in a -nostdlib image. */
u64 div_u64_rem(u64 n, u32 d, u32 *rem)
{
	u64 q = 0, r = 0;
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (u64)1 << i;
		}
	}
	*rem = (u32)r;
	return q;
}

static int put_num(u64 v, unsigned base, int width, bool zero)
{
	char buf[24];
	int n = 0, out = 0;
	do {
		u32 d;
		v = div_u64_rem(v, base, &d);
		buf[n++] = "0123456789abcdef"[d];
	} while (v);
	for (; width > n; width--, out++)
		uart_putc(zero ? '0' : ' ');
	while (n) {
		uart_putc(buf[--n]);
		out++;
	}
	return out;
}

/* printk: %c %s %d %u %x with a width and the '0' flag, 'l' / 'll' for long / 64-bit. */
int printk(const char *fmt, ...)
{
	va_list ap;
	int out = 0;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			uart_putc(*fmt);
			out++;
			continue;
		}
		fmt++;
		bool zero = false;
		int width = 0, lng = 0;
		if (*fmt == '0') {
			zero = true;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		u64 v;
		switch (*fmt) {
		case 'c':
			uart_putc(va_arg(ap, int));
			out++;
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s) {
				uart_putc(*s++);
				out++;
			}
			break;
		}
		case 'd': {
			long long s = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			if (s < 0) {
				uart_putc('-');
				out++;
				s = -s;
			}
			out += put_num((u64)s, 10, width, zero);
			break;
		}
		case 'u':
		case 'x':
			v = lng >= 2 ? va_arg(ap, unsigned long long) : lng ? va_arg(ap, unsigned long)
								     : va_arg(ap, unsigned int);
			out += put_num(v, *fmt == 'u' ? 10 : 16, width, zero);
			break;
		case '%':
			uart_putc('%');
			out++;
			break;
		default:
			uart_putc('?');
			out++;
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(ap);
	return out;
}

/* ---- the device tree: /chosen/bootargs and /psci/method ---- */

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
/* what our identity map covers (mmu-v*.c): the DTB must lie in it */
#define DTB_MAP_START	0x80000000ul
#define DTB_MAP_END	0xc0000000ul

static u32 fdt32(const void *p)
{
	const unsigned char *b = p;
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool starts_with(const char *s, const char *p, const char **rest)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	*rest = s;
	return true;
}

static const char *boot_command_line = "";
static const char *psci_method = "hvc";

/* Finds /chosen/bootargs and /psci/method; leaves the defaults when the DTB is absent or bad. */
static void early_init_dt_scan(const void *dtb)
{
	uintptr_t a = (uintptr_t)dtb;
	if (!a || (a & 3) || a < DTB_MAP_START || a >= DTB_MAP_END - 40 || fdt32(dtb) != FDT_MAGIC) {
		printk("tlb-bench: no valid DTB at 0x%lx: defaults (PSCI via hvc)\n", (unsigned long)a);
		return;
	}
	const char *base = dtb;
	u32 total = fdt32(base + 4), off_struct = fdt32(base + 8), off_strings = fdt32(base + 12);
	if (total > DTB_MAP_END - a || off_struct >= total || off_strings >= total) {
		printk("tlb-bench: DTB at 0x%lx has a bad header: defaults\n", (unsigned long)a);
		return;
	}
	u32 o = off_struct;
	int depth = 0;
	const char *node = "";
	while (o + 4 <= total) {
		u32 tok = fdt32(base + o);
		o += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = base + o;
			u32 len = 0;
			while (o + len < total && name[len])
				len++;
			if (o + len >= total)
				return;
			depth++;
			if (depth == 2)
				node = name;
			o += (len + 1 + 3) & ~3u;
		} else if (tok == FDT_END_NODE) {
			if (--depth < 0)
				return;
			if (depth < 2)
				node = "";
		} else if (tok == FDT_PROP) {
			if (o + 8 > total)
				return;
			u32 len = fdt32(base + o), nameoff = fdt32(base + o + 4);
			const char *val = base + o + 8;
			o += 8;
			if (len > total - o || nameoff >= total - off_strings)
				return;
			const char *pname = base + off_strings + nameoff;
			/* a string property: NUL-terminated within its length */
			bool str = len && val[len - 1] == 0;
			if (depth == 2 && str && streq(node, "chosen") && streq(pname, "bootargs"))
				boot_command_line = val;
			if (depth == 2 && str && streq(node, "psci") && streq(pname, "method"))
				psci_method = val;
			o += (len + 3) & ~3u;
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			return; /* FDT_END or garbage */
		}
	}
}

/* ---- parameters ---- */

#define MAX_POINTS 64
static unsigned sweep[MAX_POINTS] = {
	1, 2, 4, 8, 9, 10, 11, 12, 16, 24, 31, 32, 33, 40, 47, 48, 49, 64, 96, 128,
	129, 192, 255, 256, 257, 384, 511, 512, 513, 640, 768, 1023, 1024, 1025, 1536,
	2048, 3072, 4096,
};
static unsigned nsweep = 38;
static unsigned strides[8] = {256, 128};
static unsigned nstrides = 2;
static unsigned kmax = 10, fill = 40, passes = 2;

/* Parses a decimal number ending at a NUL, space or comma; returns the end or NULL. */
static const char *parse_uint(const char *s, unsigned *v)
{
	unsigned x = 0;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9') {
		if (x > 100000)
			return NULL;
		x = x * 10 + (unsigned)(*s++ - '0');
	}
	*v = x;
	return s;
}

static bool end_of_word(char c)
{
	return c == 0 || c == ' ';
}

static bool parse_list(const char *s, unsigned *out, unsigned max, unsigned *n, unsigned lo, unsigned hi)
{
	const char *rest;
	*n = 0;
	if (starts_with(s, "none", &rest) && end_of_word(*rest))
		return true;
	for (;;) {
		unsigned v;
		s = parse_uint(s, &v);
		if (!s || v < lo || v > hi || *n == max)
			return false;
		out[(*n)++] = v;
		if (end_of_word(*s))
			return true;
		if (*s++ != ',')
			return false;
	}
}

static bool parse_one(const char *s, unsigned *v, unsigned lo, unsigned hi)
{
	s = parse_uint(s, v);
	return s && end_of_word(*s) && *v >= lo && *v <= hi;
}

/* Returns false (after printing why) when a tlb_bench.* parameter is bad. */
static bool parse_bootargs(const char *cmdline)
{
	const char *s = cmdline;
	while (*s) {
		while (*s == ' ')
			s++;
		const char *word = s, *v;
		bool ok = true;
		if (starts_with(s, "tlb_bench.sweep=", &v))
			ok = parse_list(v, sweep, MAX_POINTS, &nsweep, 1, BENCH_PAGES);
		else if (starts_with(s, "tlb_bench.collide=", &v))
			ok = parse_list(v, strides, 8, &nstrides, 2, BENCH_PAGES / 2);
		else if (starts_with(s, "tlb_bench.kmax=", &v))
			ok = parse_one(v, &kmax, 1, 64);
		else if (starts_with(s, "tlb_bench.fill=", &v))
			ok = parse_one(v, &fill, 0, 256);
		else if (starts_with(s, "tlb_bench.passes=", &v))
			ok = parse_one(v, &passes, 1, 64);
		else if (starts_with(s, "tlb_bench.", &v))
			ok = false;
		while (*s && *s != ' ')
			s++;
		if (!ok) {
			printk("tlb-bench: error: bad parameter \"");
			for (; word < s; word++)
				uart_putc(*word);
			printk("\" (tlb_bench.sweep=N,.. 1..%u | none, tlb_bench.collide=STRIDE,.. | none, "
			       "tlb_bench.kmax=1..64, tlb_bench.fill=0..256, tlb_bench.passes=1..64)\n",
			       BENCH_PAGES);
			return false;
		}
	}
	/* the collision pattern must fit in the region and not overlap its fill pages */
	for (unsigned i = 0; i < nstrides; i++) {
		if ((u64)(kmax - 1) * strides[i] >= BENCH_PAGES || fill >= strides[i]) {
			printk("tlb-bench: error: collide stride %u with kmax %u and fill %u does not fit: "
			       "need (kmax - 1) * stride < %u and fill < stride\n", strides[i], kmax, fill, BENCH_PAGES);
			return false;
		}
	}
	return true;
}

/* ---- the patterns ---- */

/* VA of the touched word of region page i, and where that word lives physically */
static unsigned long va_slot(unsigned i)
{
	return BENCH_VA + ((unsigned long)i << PAGE_SHIFT) + ((unsigned long)(i / BENCH_PHYS_PAGES) << BENCH_SLOT_SHIFT);
}

static volatile unsigned long *phys_slot(unsigned i)
{
	return (volatile unsigned long *)(bench_phys[i % BENCH_PHYS_PAGES] +
					  ((i / BENCH_PHYS_PAGES) << BENCH_SLOT_SHIFT));
}

/* page j of a pattern: sweep (stride == 0): j; collide: k pages `stride` apart, then the fill */
static unsigned pattern_page(unsigned j, unsigned k, unsigned stride)
{
	if (!stride)
		return j;
	return j < k ? j * stride : 1 + (j - k);
}

/* Links the pattern into a cycle of "next" pointers and returns its first VA. */
static unsigned long build_chain(unsigned n, unsigned k, unsigned stride)
{
	for (unsigned j = 0; j < n; j++)
		*phys_slot(pattern_page(j, k, stride)) = va_slot(pattern_page(j + 1 == n ? 0 : j + 1, k, stride));
	return va_slot(pattern_page(0, k, stride));
}

/*
 * Runs the pattern and prints "C.CCC cycles/access, T cycles/pass"; or, when the two windows
 * are not "overhead + passes x T" with the same overhead (a counter that does not count the
 * model's cycles, e.g. QEMU's without -icount), "not steady" and the two windows.
 */
static void measure(unsigned n, unsigned k, unsigned stride)
{
	u64 c[2];
	u32 rem, frac;
	unsigned long start = build_chain(n, k, stride);
	tlb_bench_measure(start, n, passes, c);
	u64 per_pass = div_u64_rem(c[1] - c[0], passes, &rem);
	if (c[1] < c[0] || rem) {
		printk("not steady, windows %llu and %llu cycles\n", (unsigned long long)c[0],
		       (unsigned long long)c[1]);
		return;
	}
	/* cycles/access to three decimals, rounded */
	u64 milli = div_u64_rem(per_pass * 1000 + n / 2, n, &rem);
	u64 whole = div_u64_rem(milli, 1000, &frac);
	printk("%llu.%03u cycles/access, %llu cycles/pass\n", (unsigned long long)whole, frac,
	       (unsigned long long)per_pass);
}

static void print_list(const char *name, const unsigned *v, unsigned n)
{
	printk(" %s=", name);
	if (!n)
		printk("none");
	for (unsigned i = 0; i < n; i++)
		printk(i ? ",%u" : "%u", v[i]);
}

void tlb_bench_main(const void *dtb)
{
	early_init_dt_scan(dtb);
	bool smc = streq(psci_method, "smc");
	arch_describe();
	printk("tlb-bench: region va=0x%lx pages=%u page_size=%lu phys=0x%lx phys_pages=%u\n",
	       (unsigned long)BENCH_VA, BENCH_PAGES, (unsigned long)PAGE_SIZE, (unsigned long)bench_phys,
	       BENCH_PHYS_PAGES);
	if (parse_bootargs(boot_command_line)) {
		printk("tlb-bench: loop=ldr,subs,bne insns_per_access=3 passes=%02u "
		       "per_pass=(window(2P)-window(P))/P after a cold pass\n", passes);
		printk("tlb-bench: params");
		print_list("sweep", sweep, nsweep);
		print_list("collide", strides, nstrides);
		printk(" kmax=%u fill=%u\n", kmax, fill);
		printk("tlb-bench: collide: k pages STRIDE pages apart share one set of every main TLB whose set "
		       "count divides STRIDE (presets: cortex-a9 64 sets, a7/a15/a53 128, a72 256); the %u fill "
		       "pages 1..%u each take another set\n", fill, fill);
		for (unsigned i = 0; i < nsweep; i++) {
			printk("stride %u pages: ", sweep[i]);
			measure(sweep[i], 0, 0);
		}
		for (unsigned s = 0; s < nstrides; s++) {
			for (unsigned k = 1; k <= kmax; k++) {
				printk("collide %u pages stride %u fill %u: ", k, strides[s], fill);
				measure(k + fill, k, strides[s]);
			}
		}
		printk("tlb-bench: done\n");
	}
	printk("tlb-bench: PSCI SYSTEM_OFF via %s #0\n", smc ? "smc" : "hvc");
	psci_system_off(smc);
}
