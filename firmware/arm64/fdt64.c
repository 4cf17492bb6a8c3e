/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdt64.c - a minimal flattened-device-tree walker for the armv8-head image
 * (our own, no libfdt; the same walk as firmware/fdt.c, with every read
 * bounded by the bytes the fixmap actually maps): root #address-cells /
 * #size-cells, the first /memory "reg" bank and the /psci "method" string.
 * Everything in an FDT is big-endian (devicetree specification, chapter 5).
 */
#include "kernel.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define FDT_HDR_SIZE	40

static u32 be32(const void *p)
{
	const u8 *b = p;
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u64 read_cells(const u8 *p, u32 cells)
{
	u64 v = 0;
	for (u32 i = 0; i < cells; i++)
		v = (v << 32) | be32(p + 4 * i);
	return v;
}

/* "memory" or "memory@..." */
static int node_is(const char *name, const char *base)
{
	size_t n = strlen(base);
	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

/* 0 and *totalsize if blob starts with a plausible header (magic, size >= header) */
int fdt_check_header(const void *blob, u32 *totalsize)
{
	if (!blob || be32(blob) != FDT_MAGIC)
		return -1;
	*totalsize = be32((const u8 *)blob + 4);
	return *totalsize >= FDT_HDR_SIZE ? 0 : -1;
}

/* Walks the structure block; mapped = how many bytes from blob may be read. */
int fdt_scan(const void *blob, u32 mapped, struct fdt_info *info)
{
	const u8 *fdt = blob;

	memset(info, 0, sizeof(*info));
	info->addr_cells = 2;	/* devicetree spec defaults */
	info->size_cells = 1;
	if (fdt_check_header(blob, &info->totalsize) || info->totalsize > mapped)
		return -1;
	info->version = be32(fdt + 20);
	u32 off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
	u32 size_strings = be32(fdt + 32);
	u32 size_struct = info->version >= 17 ? be32(fdt + 36) : info->totalsize - off_struct;
	if (off_struct >= info->totalsize || off_strings >= info->totalsize ||
	    size_struct > info->totalsize - off_struct ||
	    size_strings > info->totalsize - off_strings)
		return -1;

	const u8 *p = fdt + off_struct, *end = p + size_struct;
	const char *strings = (const char *)fdt + off_strings;
	int depth = 0;
	int in_node = 0;	/* per depth-1 child: 1 = /memory*, 2 = /psci, 0 = other */

	while (p + 4 <= end) {
		u32 tok = be32(p);
		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)p;
			size_t len = 0;
			while (p + len < end && name[len])
				len++;
			if (p + len >= end)
				return -1;
			p += (len + 1 + 3) & ~(size_t)3;
			depth++;
			if (depth == 2)
				in_node = node_is(name, "memory") ? 1 : node_is(name, "psci") ? 2 : 0;
			break;
		}
		case FDT_END_NODE:
			if (depth == 2)
				in_node = 0;
			depth--;
			break;
		case FDT_PROP: {
			if (p + 8 > end)
				return -1;
			u32 len = be32(p), nameoff = be32(p + 4);
			const u8 *val = p + 8;
			if (len > (u32)(end - val) || nameoff >= size_strings)
				return -1;
			const char *pname = strings + nameoff;
			p = val + ((len + 3) & ~3u);
			if (depth == 1 && len == 4) {
				if (!strcmp(pname, "#address-cells"))
					info->addr_cells = be32(val);
				else if (!strcmp(pname, "#size-cells"))
					info->size_cells = be32(val);
			} else if (depth == 2 && in_node == 1 && !info->have_memory &&
				   !strcmp(pname, "reg") && info->addr_cells <= 2 &&
				   info->size_cells <= 2 &&
				   len >= 4 * (info->addr_cells + info->size_cells)) {
				info->mem_base = read_cells(val, info->addr_cells);
				info->mem_size = read_cells(val + 4 * info->addr_cells, info->size_cells);
				info->have_memory = 1;
			} else if (depth == 2 && in_node == 2 && !strcmp(pname, "method")) {
				size_t n = 0;
				while (n < len && n < sizeof(info->psci_method) - 1 && val[n]) {
					info->psci_method[n] = (char)val[n];
					n++;
				}
				info->psci_method[n] = '\0';
				info->have_psci = 1;
			}
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}
