/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdt.c - a minimal flattened-device-tree walker (our own, no libfdt):
 * root #address-cells/#size-cells, the first /memory "reg" bank and the
 * /psci "method" string.  Everything in an FDT is big-endian.
 */
#include "kernel.h"
#include "memory.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < cells; i++)
		v = (v << 32) | be32(p + 4 * i);
	return v;
}

/* "memory" or "memory@..." */
static int node_is(const char *name, const char *base)
{
	size_t n = strlen(base);
	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

__init int fdt_scan(const void *blob, struct fdt_info *info)
{
	const uint8_t *fdt = blob;

	memset(info, 0, sizeof(*info));
	info->addr_cells = 2;	/* devicetree spec defaults */
	info->size_cells = 1;
	if (!blob || be32(fdt) != FDT_MAGIC)
		return -1;
	info->totalsize = be32(fdt + 4);
	info->version = be32(fdt + 20);
	uint32_t off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
	uint32_t size_struct = info->version >= 17 ? be32(fdt + 36)
						  : info->totalsize - off_struct;
	if (off_struct >= info->totalsize || off_strings >= info->totalsize ||
	    size_struct > info->totalsize - off_struct)
		return -1;

	const uint8_t *p = fdt + off_struct, *end = p + size_struct;
	const char *strings = (const char *)fdt + off_strings;
	int depth = 0;
	/* 1 = /memory*, 2 = /psci, 0 = other, per depth-1 child */
	int in_node = 0;

	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)p;
			size_t len = strlen(name);
			p += (len + 1 + 3) & ~3u;
			depth++;
			if (depth == 2)
				in_node = node_is(name, "memory") ? 1 :
					  node_is(name, "psci") ? 2 : 0;
			break;
		}
		case FDT_END_NODE:
			if (depth == 2)
				in_node = 0;
			depth--;
			break;
		case FDT_PROP: {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *pname = strings + nameoff;
			p = val + ((len + 3) & ~3u);
			if (p > end)
				return -1;
			if (depth == 1 && len == 4) {
				if (!strcmp(pname, "#address-cells"))
					info->addr_cells = be32(val);
				else if (!strcmp(pname, "#size-cells"))
					info->size_cells = be32(val);
			} else if (depth == 2 && in_node == 1 && !info->have_memory &&
				   !strcmp(pname, "reg") &&
				   len >= 4 * (info->addr_cells + info->size_cells) &&
				   info->addr_cells <= 2 && info->size_cells <= 2) {
				info->mem_base = read_cells(val, info->addr_cells);
				info->mem_size = read_cells(val + 4 * info->addr_cells,
							    info->size_cells);
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
			info->valid = 1;
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}
