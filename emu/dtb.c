/* The device tree handed to the guest in r2, generated from the machine description. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define DTB_MAX DTB_MAX_SIZE

#define TRY(x)                                                                                    \
    do {                                                                                          \
        int r_ = (x);                                                                             \
        if (r_ < 0) {                                                                             \
            snprintf(err, errlen, "device tree: %s failed: %s", #x, fdt_strerror(r_));            \
            return false;                                                                         \
        }                                                                                         \
    } while (0)

/* A "reg" property of one (address, size) pair in `cells` 32-bit cells each. */
static int reg_prop(void *fdt, uint32_t cells, uint64_t addr, uint64_t size)
{
    fdt32_t v[4];
    int n = 0;
    if (cells == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(addr >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)addr);
    if (cells == 2)
        v[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    v[n++] = cpu_to_fdt32((uint32_t)size);
    return fdt_property(fdt, "reg", v, (int)(n * sizeof *v));
}

bool build_dtb(Machine *m, char *err, size_t errlen)
{
    const MachineConfig *c = &m->cfg;
    uint8_t *fdt = m->ram + (c->dtb_addr - c->ram_base);
    char name[64], cpu_compat[48];
    snprintf(cpu_compat, sizeof cpu_compat, "arm,%s", c->cpu);

    TRY(fdt_create(fdt, DTB_MAX));
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_string(fdt, "compatible", "mmuscope,virt"));
    TRY(fdt_property_string(fdt, "model", c->name));
    /* AArch64 boards use 2 cells (addresses above 4 GiB), AArch32 ones 1 */
    uint32_t cells = m->a64 ? 2 : 1;
    TRY(fdt_property_u32(fdt, "#address-cells", cells));
    TRY(fdt_property_u32(fdt, "#size-cells", cells));

    snprintf(name, sizeof name, "/pl011@%llx", (unsigned long long)c->uart_base);
    TRY(fdt_begin_node(fdt, "chosen"));
    TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
    TRY(fdt_property_string(fdt, "stdout-path", name));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    TRY(fdt_begin_node(fdt, "cpu@0"));
    TRY(fdt_property_string(fdt, "device_type", "cpu"));
    TRY(fdt_property_string(fdt, "compatible", cpu_compat));
    TRY(fdt_property_u32(fdt, "reg", 0));
    if (m->a64)
        TRY(fdt_property_string(fdt, "enable-method", "psci"));
    TRY(fdt_end_node(fdt));
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)c->ram_base);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(reg_prop(fdt, cells, c->ram_base, c->ram_size));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "psci"));
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
    TRY(fdt_property(fdt, "compatible", psci_compat, sizeof psci_compat));
    TRY(fdt_property_string(fdt, "method", c->psci == Psci_SMC ? "smc" : "hvc"));
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof name, "pl011@%llx", (unsigned long long)c->uart_base);
    TRY(fdt_begin_node(fdt, name));
    static const char uart_compat[] = "arm,pl011\0arm,primecell";
    TRY(fdt_property(fdt, "compatible", uart_compat, sizeof uart_compat));
    TRY(reg_prop(fdt, cells, c->uart_base, 0x1000));
    TRY(fdt_end_node(fdt));

    TRY(fdt_end_node(fdt));
    TRY(fdt_finish(fdt));
    return true;
}
