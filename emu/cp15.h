/* AArch32 coprocessor 15 register and operation names (ARM ARM B3.17, B4.2). */
#ifndef EMU_CP15_H
#define EMU_CP15_H
#include <stdbool.h>
#include <stdint.h>

typedef enum Cp15Class {
    Cp15_Register,   /* a system register write */
    Cp15_Tlb,        /* TLB maintenance */
    Cp15_Cache,      /* cache/branch-predictor maintenance, barriers */
    Cp15_AddressTranslation, /* ATS1C*: the result lands in PAR */
} Cp15Class;

/* What a decoded MCR/MCRR does. */
typedef struct Cp15Op {
    bool is64;          /* MCRR */
    uint8_t opc1, crn, crm, opc2;
    uint8_t rt, rt2;
    uint8_t cond;       /* 0xE = always */
    Cp15Class cls;
    const char *name;   /* architectural name, or NULL when not in our table */
    bool affects_translation; /* SCTLR, TTBRx, TTBCR, DACR, PRRR, NMRR, CONTEXTIDR, TLB ops */
} Cp15Op;

/* Decodes an A32 instruction word; false when it is not an MCR/MCRR to cp15. */
bool cp15_decode_a32(uint32_t insn, Cp15Op *op);
/* Decodes a T32 32-bit instruction (hw1 << 16 | hw2). */
bool cp15_decode_t32(uint32_t insn, Cp15Op *op);
/* A printable name: the architectural one or "cp15:opc1,cN,cM,opc2". */
const char *cp15_name(const Cp15Op *op, char *buf, int n);
/* Condition check for A32 conditional execution against CPSR flags. */
bool cond_passed(uint8_t cond, uint32_t cpsr);

#endif
