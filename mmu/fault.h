/* FaultRecord: the architecture's fault taxonomy, independent of descriptor format.
 * Encodings are the ARM ARM's (ARMv7-A B3.13.3 short-descriptor FSR; B3.13.5 long). */
#ifndef MMU_FAULT_H
#define MMU_FAULT_H
#include <stdbool.h>
#include <stdint.h>

typedef enum AccessType { Access_Read, Access_Write, Access_Fetch } AccessType;

typedef enum FaultType {
    Fault_None = 0,
    Fault_Alignment,
    Fault_Translation,
    Fault_AccessFlag,
    Fault_Domain,
    Fault_Permission,
    Fault_AddressSize,
    Fault_SyncExternalOnWalk, /* a descriptor read hit no physical memory */
} FaultType;

typedef struct FaultRecord {
    FaultType type;
    int level;          /* 1 or 2 for short descriptors (section / page) */
    uint64_t va;        /* faulting virtual address */
    AccessType access;
    uint8_t domain;     /* short descriptors: domain of the descriptor that supplied it, 0 if none read */
    uint64_t walk_pa;   /* Fault_SyncExternalOnWalk: the descriptor address that was not backed */
} FaultRecord;

/* "translation", "access_flag", "domain", "permission", "address_size", "external_walk",
 * "alignment", "none" */
const char *fault_type_name(FaultType t);

/* ARMv7 short-descriptor format fault status registers.
 * DFSR: FS[4] at bit 10, FS[3:0] at bits 3:0, Domain at 7:4, WnR at bit 11, LPAE bit 9 = 0.
 * IFSR: FS bits only (no domain, no WnR). */
uint32_t fault_v7_short_dfsr(const FaultRecord *f);
uint32_t fault_v7_short_ifsr(const FaultRecord *f);

#endif
