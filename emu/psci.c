/* PSCI (Arm DEN 0022D) over SMC or HVC, SMC32 calling convention: function id in r0/w0,
 * arguments in r1-r3 / x1-x3, result in r0 / x0. */
#include <stdio.h>

#include "machine_internal.h"

#define PSCI_VERSION       0x84000000u
#define PSCI_CPU_SUSPEND   0x84000001u
#define PSCI_CPU_OFF       0x84000002u
#define PSCI_CPU_ON        0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u
#define PSCI_FEATURES      0x8400000Au

#define PSCI_SUCCESS        0
#define PSCI_NOT_SUPPORTED  (-1)
#define PSCI_TOS_NOT_PRESENT_MP 2 /* MIGRATE_INFO_TYPE: no trusted OS */

static const char *psci_name(uint32_t fn)
{
    switch (fn) {
    case PSCI_VERSION: return "PSCI_VERSION";
    case PSCI_CPU_SUSPEND: return "CPU_SUSPEND";
    case PSCI_CPU_OFF: return "CPU_OFF";
    case PSCI_CPU_ON: return "CPU_ON";
    case PSCI_AFFINITY_INFO: return "AFFINITY_INFO";
    case PSCI_MIGRATE_INFO_TYPE: return "MIGRATE_INFO_TYPE";
    case PSCI_SYSTEM_OFF: return "SYSTEM_OFF";
    case PSCI_SYSTEM_RESET: return "SYSTEM_RESET";
    case PSCI_FEATURES: return "PSCI_FEATURES";
    default: return "unknown";
    }
}

static bool implemented(uint32_t fn)
{
    return fn == PSCI_VERSION || fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET ||
           fn == PSCI_FEATURES || fn == PSCI_MIGRATE_INFO_TYPE;
}

void psci_call(Machine *m, uint64_t pc)
{
    uint32_t fn = m->a64 ? (uint32_t)reg64(m, UC_ARM64_REG_X0) : reg32(m, UC_ARM_REG_R0);
    uint32_t a1 = m->a64 ? (uint32_t)reg64(m, UC_ARM64_REG_X1) : reg32(m, UC_ARM_REG_R1);
    int32_t ret = PSCI_NOT_SUPPORTED;
    event_emit(m->ev, Ev_Psci, pc, m->insns, "\"function\":\"%s\",\"id\":\"0x%08x\",\"conduit\":\"%s\"",
               psci_name(fn), fn, m->cfg.psci == Psci_SMC ? "smc" : "hvc");
    switch (fn) {
    case PSCI_VERSION: ret = 0x00010000; break; /* 1.0 */
    case PSCI_FEATURES: ret = implemented(a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED; break;
    case PSCI_MIGRATE_INFO_TYPE: ret = PSCI_TOS_NOT_PRESENT_MP; break;
    case PSCI_SYSTEM_OFF:
        machine_stop(m, Exit_PowerOff, "guest called PSCI SYSTEM_OFF at pc 0x%llx", (unsigned long long)pc);
        return;
    case PSCI_SYSTEM_RESET:
        machine_stop(m, Exit_SystemReset, "guest called PSCI SYSTEM_RESET at pc 0x%llx", (unsigned long long)pc);
        return;
    default: break;
    }
    if (m->a64)
        set_reg64(m, UC_ARM64_REG_X0, (uint64_t)(int64_t)ret); /* SMC64/SMC32 results sign-extend */
    else
        set_reg32(m, UC_ARM_REG_R0, (uint32_t)ret);
}
