/* The device tree handed to the guest in r2, generated from the machine description. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define DTB_MAX DTB_MAX_SIZE
#define PHANDLE_GIC 1
#define PHANDLE_CLK 2

#define TRY(x)                                                                                    \
    do {                                                                                          \
        int r_ = (x);                                                                             \
        if (r_ < 0) {                                                                             \
            snprintf(err, errlen, "device tree: %s failed: %s", #x, fdt_strerror(r_));            \
            return false;                                                                         \
        }                                                                                         \
    } while (0)

/* A "reg" property of `npairs` (address, size) pairs, in `cells` 32-bit cells each. */
static int reg_props(void *fdt, uint32_t cells, const uint64_t *pairs, int npairs)
{
    fdt32_t v[8];
    int n = 0;
    for (int i = 0; i < 2 * npairs && i < 4; i++) {
        if (cells == 2)
            v[n++] = cpu_to_fdt32((uint32_t)(pairs[i] >> 32));
        v[n++] = cpu_to_fdt32((uint32_t)pairs[i]);
    }
    return fdt_property(fdt, "reg", v, (int)(n * sizeof *v));
}

static int reg_prop(void *fdt, uint32_t cells, uint64_t addr, uint64_t size)
{
    const uint64_t pair[2] = {addr, size};
    return reg_props(fdt, cells, pair, 1);
}

static int prop_cells(void *fdt, const char *name, uint32_t cells, uint64_t v)
{
    if (cells == 2)
        return fdt_property_u64(fdt, name, v);
    return fdt_property_u32(fdt, name, (uint32_t)v);
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
    /* "linux,dummy-virt" as QEMU's virt board: what Linux's generic DT machine expects */
    static const char root_compat[] = "mmuscope,virt\0linux,dummy-virt";
    TRY(fdt_property(fdt, "compatible", root_compat, sizeof root_compat));
    if (c->gic_dist_base)
        TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
    TRY(fdt_property_string(fdt, "model", c->name));
    /* AArch64 boards use 2 cells (addresses above 4 GiB), AArch32 ones 1 */
    uint32_t cells = m->a64 ? 2 : 1;
    TRY(fdt_property_u32(fdt, "#address-cells", cells));
    TRY(fdt_property_u32(fdt, "#size-cells", cells));

    snprintf(name, sizeof name, "/pl011@%llx", (unsigned long long)c->uart_base);
    TRY(fdt_begin_node(fdt, "chosen"));
    TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
    TRY(fdt_property_string(fdt, "stdout-path", name));
    if (m->initrd_size) { /* Documentation/devicetree/bindings/chosen.txt */
        TRY(prop_cells(fdt, "linux,initrd-start", cells, m->initrd_addr));
        TRY(prop_cells(fdt, "linux,initrd-end", cells, m->initrd_addr + m->initrd_size));
    }
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

    /* the PL011's clocks: Linux's AMBA bus wants "apb_pclk" before it probes a PrimeCell */
    TRY(fdt_begin_node(fdt, "apb-pclk"));
    TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
    TRY(fdt_property_u32(fdt, "#clock-cells", 0));
    TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
    TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof name, "pl011@%llx", (unsigned long long)c->uart_base);
    TRY(fdt_begin_node(fdt, name));
    static const char uart_compat[] = "arm,pl011\0arm,primecell";
    TRY(fdt_property(fdt, "compatible", uart_compat, sizeof uart_compat));
    TRY(reg_prop(fdt, cells, c->uart_base, 0x1000));
    fdt32_t clk[2] = {cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK)};
    TRY(fdt_property(fdt, "clocks", clk, sizeof clk));
    static const char clk_names[] = "uartclk\0apb_pclk";
    TRY(fdt_property(fdt, "clock-names", clk_names, sizeof clk_names));
    if (c->gic_dist_base) { /* SPI 1, level high, as on QEMU's virt board (no receive path yet) */
        fdt32_t irq[3] = {cpu_to_fdt32(0), cpu_to_fdt32(1), cpu_to_fdt32(4)};
        TRY(fdt_property(fdt, "interrupts", irq, sizeof irq));
    }
    TRY(fdt_end_node(fdt));

    if (c->gic_dist_base) {
        /* GICv2 (Documentation/devicetree/bindings/interrupt-controller/arm,gic.yaml) */
        snprintf(name, sizeof name, "intc@%llx", (unsigned long long)c->gic_dist_base);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "compatible", m->a64 ? "arm,gic-400" : "arm,cortex-a15-gic"));
        TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
        TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
        const uint64_t regs[4] = {c->gic_dist_base, 0x1000, c->gic_cpu_base, 0x2000};
        TRY(reg_props(fdt, cells, regs, 2));
        TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
        TRY(fdt_end_node(fdt));

        /* the architected timer's PPIs: secure phys 13, non-secure phys 14, virt 11, hyp 10
         * (arm,arch_timer.yaml order); flags as QEMU's virt: CPU 0 in the PPI mask (0x100) |
         * level-high (4) */
        TRY(fdt_begin_node(fdt, "timer"));
        TRY(fdt_property_string(fdt, "compatible", m->a64 ? "arm,armv8-timer" : "arm,armv7-timer"));
        static const uint32_t ppi[4] = {13, 14, 11, 10};
        fdt32_t ti[12];
        for (int i = 0; i < 4; i++) {
            ti[3 * i] = cpu_to_fdt32(1);
            ti[3 * i + 1] = cpu_to_fdt32(ppi[i]);
            ti[3 * i + 2] = cpu_to_fdt32(0x104);
        }
        TRY(fdt_property(fdt, "interrupts", ti, sizeof ti));
        TRY(fdt_property(fdt, "always-on", NULL, 0));
        TRY(fdt_end_node(fdt));
    }

    TRY(fdt_end_node(fdt));
    TRY(fdt_finish(fdt));
    return true;
}

/* A device tree the user gave (boot-linux --dtb): checked, copied to machine.dtb_addr with room
 * to grow, and /chosen given the initrd range and, if asked, new bootargs, as QEMU does with
 * -dtb, -initrd and -append. */
bool dtb_from_file(Machine *m, const char *path, const uint8_t *d, size_t len, const char *bootargs, char *err,
                   size_t errlen)
{
    const MachineConfig *c = &m->cfg;
    if (len < sizeof(struct fdt_header) || fdt_magic(d) != FDT_MAGIC) {
        snprintf(err, errlen, "%s: not a flattened device tree (no magic 0xd00dfeed)", path);
        return false;
    }
    int r = fdt_check_header(d);
    if (r == 0 && fdt_totalsize(d) > len)
        r = -FDT_ERR_TRUNCATED;
    if (r < 0) {
        snprintf(err, errlen, "%s: bad device tree: %s", path, fdt_strerror(r));
        return false;
    }
    uint64_t room = (uint64_t)fdt_totalsize(d) + 0x4000;
    if (c->dtb_addr + room > c->ram_base + c->ram_size || (m->initrd_size && c->dtb_addr + room > m->initrd_addr)) {
        snprintf(err, errlen, "%s: device tree of %u bytes does not fit at 0x%llx", path, fdt_totalsize(d),
                 (unsigned long long)c->dtb_addr);
        return false;
    }
    void *fdt = m->ram + (c->dtb_addr - c->ram_base);
    r = fdt_open_into(d, fdt, (int)room);
    if (r >= 0) {
        r = fdt_path_offset(fdt, "/chosen");
        if (r == -FDT_ERR_NOTFOUND)
            r = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot edit the device tree: %s", path, fdt_strerror(r));
        return false;
    }
    int chosen = r;
    uint32_t cells = (uint32_t)fdt_address_cells(fdt, 0);
    if (bootargs)
        r = fdt_setprop_string(fdt, chosen, "bootargs", bootargs);
    if (r >= 0 && m->initrd_size) {
        uint64_t s = m->initrd_addr, e = m->initrd_addr + m->initrd_size;
        r = cells == 2 ? fdt_setprop_u64(fdt, chosen, "linux,initrd-start", s) : fdt_setprop_u32(fdt, chosen, "linux,initrd-start", (uint32_t)s);
        if (r >= 0)
            r = cells == 2 ? fdt_setprop_u64(fdt, chosen, "linux,initrd-end", e) : fdt_setprop_u32(fdt, chosen, "linux,initrd-end", (uint32_t)e);
    }
    if (r >= 0)
        r = fdt_pack(fdt);
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot edit the device tree: %s", path, fdt_strerror(r));
        return false;
    }
    return true;
}
