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
    int level;          /* 1 or 2 for short descriptors (section / page); 0..3 for long descriptors */
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

/* ESR_ELx DFSC/IFSC (ARM ARM D13.2.37 / ISS encoding for Data/Instruction Abort): address size
 * fault level n = 0b0000nn, translation 0b0001nn, access flag 0b0010nn, permission 0b0011nn,
 * synchronous external abort on walk level n = 0b0101nn (level 0..3), alignment 0b100001,
 * domain (AArch32 stage 1 only, level 1/2) 0b1111nn. Fault_None: 0. */
uint32_t fault_esr_fsc(const FaultRecord *f);
/* AArch32 long-descriptor DFSR/IFSR (ARMv7 ARM B4.1.52, B3.13.3 Table B3-24): bit 9 (LPAE) = 1,
 * STATUS[5:0] = the same 6-bit codes, WnR bit 11 for DFSR. Fault_None: 0. */
uint32_t fault_v7_long_dfsr(const FaultRecord *f);
uint32_t fault_v7_long_ifsr(const FaultRecord *f);

#endif
