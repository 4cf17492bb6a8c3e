/* The baseline of bench/run.sh: runs a raw AArch64 image on Unicorn 2.0.1 with no hooks but
 * one UC_HOOK_INTR (which stops the run at the guest's first exception: its final PSCI HVC for
 * a64_memloop), the same RAM and CPU setup as mmuscope's virt-a53 machine (with the upper-half
 * placeholder, EL1h with DAIF masked, x0 = the DTB), and prints the wall time and where it stopped.
 *
 *   raw_unicorn IMAGE.bin LOAD_PA [--stop-at PC] [--dtb FILE,ADDR] [--count]
 *
 * --stop-at ends the run when the PC reaches PC (Unicorn's `until`, as `mmuscope run --stop-at`
 * does), so both run the same instructions. --dtb loads a device tree (bench/run.sh takes
 * mmuscope's own with --dump-phys) and passes its address in x0. --count adds a block hook
 * and prints the number of instructions executed: a check that the work is equal, never timed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    (void)intno;
    (void)user;
    uc_emu_stop(uc);
}

static uint64_t uart_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc, (void)off, (void)size, (void)user;
    return 0;
}

static void uart_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc, (void)off, (void)size, (void)v, (void)user;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc, (void)addr;
    *(uint64_t *)user += size / 4; /* A64: 4 bytes per instruction */
}

static int usage(void)
{
    fprintf(stderr, "usage: raw_unicorn IMAGE.bin LOAD_PA [--stop-at PC] [--dtb FILE,ADDR] [--count]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    uint64_t stop_at = 0, dtb_addr = 0;
    const char *dtb_file = NULL;
    int count = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--stop-at") && i + 1 < argc) {
            stop_at = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--dtb") && i + 1 < argc) {
            char *comma = strchr(argv[++i], ',');
            if (!comma)
                return usage();
            *comma = 0;
            dtb_file = argv[i];
            dtb_addr = strtoull(comma + 1, NULL, 0);
        } else if (!strcmp(argv[i], "--count")) {
            count = 1;
        } else {
            return usage();
        }
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "raw_unicorn: %s: cannot open\n", argv[1]);
        return 2;
    }
    static uint8_t img[16 << 20];
    size_t n = fread(img, 1, sizeof img, f);
    fclose(f);
    uint64_t load = strtoull(argv[2], NULL, 0);
    uc_engine *uc;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK)
        return 1;
    uc_ctl(uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), UC_CPU_ARM64_A53);
    uc_arm64_cp_reg scr = {.crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0, .val = 0x501};
    uc_arm64_cp_reg hcr = {.crn = 1, .crm = 1, .op0 = 3, .op1 = 4, .op2 = 0, .val = 1ull << 31};
    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &scr);
    uc_reg_write(uc, UC_ARM64_REG_CP_REG, &hcr);
    uc_mem_map(uc, 0x80000000, 256 << 20, UC_PROT_ALL);
    uc_mmio_map(uc, 0x09000000, 0x1000, uart_read, NULL, uart_write, NULL);
    /* the TTBR1 half as a placeholder (shared/ENGINE.md section 2), as mmuscope's machine has it */
    uc_mmio_map(uc, 0xffff000000000000ull, 1ull << 48, uart_read, NULL, uart_write, NULL);
    uc_mem_protect(uc, 0xffff000000000000ull, 1ull << 48, UC_PROT_ALL);
    uc_mem_write(uc, load, img, n);
    if (dtb_file) {
        static uint8_t dtb[1 << 20];
        FILE *d = fopen(dtb_file, "rb");
        if (!d) {
            fprintf(stderr, "raw_unicorn: %s: cannot open\n", dtb_file);
            return 2;
        }
        size_t dn = fread(dtb, 1, sizeof dtb, d);
        fclose(d);
        uc_mem_write(uc, dtb_addr, dtb, dn);
    }
    uint64_t zero = 0;
    uint32_t pstate = 0x3c5; /* EL1h, DAIF masked: mmuscope's AArch64 entry state */
    uc_reg_write(uc, UC_ARM64_REG_X0, &dtb_addr);
    uc_reg_write(uc, UC_ARM64_REG_X1, &zero);
    uc_reg_write(uc, UC_ARM64_REG_PSTATE, &pstate);
    uc_hook h, hb;
    uint64_t insns = 0;
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)on_intr, NULL, 1, 0);
    if (count)
        uc_hook_add(uc, &hb, UC_HOOK_BLOCK, (void *)on_block, &insns, 1, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uc_err e = uc_emu_start(uc, load, stop_at, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint64_t pc;
    uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
    if (count)
        printf("raw_unicorn: %llu instructions\n", (unsigned long long)insns);
    printf("raw_unicorn: %s, stopped at pc 0x%llx, %.6f s\n", uc_strerror(e), (unsigned long long)pc,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    uc_close(uc);
    return e == UC_ERR_OK ? 0 : 1;
}
