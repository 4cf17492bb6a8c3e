/* The machine description: an INI file (configs/machines/NAME.ini) plus --set overrides. */
#ifndef EMU_CONFIG_H
#define EMU_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room reserved for the device tree mmuscope builds at machine.dtb_addr. */
#define DTB_MAX_SIZE 0x10000

typedef enum PsciConduit { Psci_SMC, Psci_HVC } PsciConduit;

typedef struct MachineConfig {
    char name[64];
    char cpu[32];          /* cortex-a7, cortex-a9, cortex-a15; cortex-a53, cortex-a57, cortex-a72 */
    char core[256];        /* TLB/cycle preset: NAME (configs/cores/NAME.ini) or PATH; "" = cpu; "none" */
    uint64_t cycles_base;  /* AArch32: the guest-visible cycle counter's MMIO page (0: none) */
    uint64_t ram_base;
    uint64_t ram_size;
    uint64_t load_addr;    /* 0: ram_base + load_offset */
    uint64_t load_offset;  /* default 0x8000 (TEXT_OFFSET) */
    uint64_t dtb_addr;     /* 0: ram_base + ram_size / 2, 1 MiB aligned */
    uint32_t machine_id;
    uint64_t uart_base;
    PsciConduit psci;
    char bootargs[1024];
    char stop_console[256]; /* limits.stop_console: end the run when a console line contains it */
    uint64_t gic_dist_base; /* GICv2 distributor (0: no GIC) */
    uint64_t gic_cpu_base;  /* GICv2 CPU interface */
    uint64_t timer_freq;    /* generic timer: CNTFRQ, Hz */
    uint64_t cpu_hz;        /* the modelled core's clock: timer ticks = cycles * timer_freq / cpu_hz */
    uint64_t max_insns;    /* 0: no limit */
    double timeout;        /* seconds, 0: no limit */
    uint64_t stop_at;      /* 0: none; else the run ends (exit 0) when the PC reaches it */
    char source[512];      /* the file the config came from */
} MachineConfig;

void config_defaults(MachineConfig *c);
/* Loads an INI file. On error writes "FILE:LINE: what is wrong" to err and returns false. */
bool config_load(MachineConfig *c, const char *path, char *err, size_t errlen);
/* Sets "section.key" to value (the same keys as the INI). On error writes a message. */
bool config_set(MachineConfig *c, const char *key, const char *value, char *err, size_t errlen);
/* Checks the whole description for consistency (RAM size, alignment, addresses). */
bool config_validate(MachineConfig *c, char *err, size_t errlen);
/* Resolves a machine NAME (configs/machines/NAME.ini) or PATH into out. */
bool config_resolve(const char *name_or_path, char *out, size_t outlen);

#endif
