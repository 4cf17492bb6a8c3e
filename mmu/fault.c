/* FaultRecord names and ARMv7 short-descriptor FSR encodings.
 * ARM ARM (DDI 0406C) B3.13.3, Table B3-23 "Short-descriptor format FSR encodings",
 * and the DFSR/IFSR register descriptions (B4.1.52 DFSR, B4.1.96 IFSR). */
#include "fault.h"

const char *fault_type_name(FaultType t)
{
    switch (t) {
    case Fault_None: return "none";
    case Fault_Alignment: return "alignment";
    case Fault_Translation: return "translation";
    case Fault_AccessFlag: return "access_flag";
    case Fault_Domain: return "domain";
    case Fault_Permission: return "permission";
    case Fault_AddressSize: return "address_size";
    case Fault_SyncExternalOnWalk: return "external_walk";
    }
    return "unknown";
}

/* FS[4:0] per Table B3-23. The "section" encoding is used for level 1
 * (section/supersection and first-level walk), the "page" one for level 2.
 *   Alignment                       0b00001
 *   Access flag      section/page   0b00011 / 0b00110
 *   Translation      section/page   0b00101 / 0b00111
 *   Domain           section/page   0b01001 / 0b01011
 *   Permission       section/page   0b01101 / 0b01111
 *   Sync external abort on walk L1/L2  0b01100 / 0b01110
 * Address size faults exist only in the Long-descriptor format; they have no
 * short-descriptor encoding, so FS = 0 (which Table B3-23 leaves unassigned). */
static uint32_t short_fs(const FaultRecord *f)
{
    bool page = f->level == 2;
    switch (f->type) {
    case Fault_Alignment: return 0x01;
    case Fault_AccessFlag: return page ? 0x06 : 0x03;
    case Fault_Translation: return page ? 0x07 : 0x05;
    case Fault_Domain: return page ? 0x0b : 0x09;
    case Fault_Permission: return page ? 0x0f : 0x0d;
    case Fault_SyncExternalOnWalk: return page ? 0x0e : 0x0c;
    case Fault_None:
    case Fault_AddressSize:
        break;
    }
    return 0;
}

/* FS[4] -> bit 10, FS[3:0] -> bits 3:0 */
static uint32_t fs_bits(uint32_t fs)
{
    return ((fs >> 4) & 1u) << 10 | (fs & 0xfu);
}

uint32_t fault_v7_short_dfsr(const FaultRecord *f)
{
    if (!f || f->type == Fault_None)
        return 0;
    uint32_t v = fs_bits(short_fs(f));
    v |= (uint32_t)(f->domain & 0xfu) << 4; /* Domain, bits[7:4] */
    if (f->access == Access_Write)
        v |= 1u << 11;                      /* WnR */
    return v;                               /* LPAE (bit 9) = 0, ExT (bit 12) = 0 */
}

uint32_t fault_v7_short_ifsr(const FaultRecord *f)
{
    if (!f || f->type == Fault_None)
        return 0;
    return fs_bits(short_fs(f));
}

/* Long-descriptor fault status codes, shared by ESR_ELx.{I,D}FSC (DDI 0487 D13.2.37) and the
 * AArch32 long-descriptor FSR STATUS field (DDI 0406C B3.13.3, Table B3-24); LL = level:
 *   Address size 0b0000LL  Translation 0b0001LL  Access flag 0b0010LL  Permission 0b0011LL
 *   Synchronous external abort on walk 0b0101LL  Alignment 0b100001  Domain 0b1111LL */
static uint32_t long_status(const FaultRecord *f)
{
    uint32_t ll = (uint32_t)f->level & 3u;
    switch (f->type) {
    case Fault_AddressSize: return 0x00u | ll;
    case Fault_Translation: return 0x04u | ll;
    case Fault_AccessFlag: return 0x08u | ll;
    case Fault_Permission: return 0x0cu | ll;
    case Fault_SyncExternalOnWalk: return 0x14u | ll;
    case Fault_Alignment: return 0x21u;
    case Fault_Domain: return 0x3cu | ll;
    case Fault_None: break;
    }
    return 0;
}

uint32_t fault_esr_fsc(const FaultRecord *f)
{
    if (!f || f->type == Fault_None)
        return 0;
    return long_status(f);
}

uint32_t fault_v7_long_dfsr(const FaultRecord *f)
{
    if (!f || f->type == Fault_None)
        return 0;
    uint32_t v = long_status(f) | 1u << 9; /* STATUS[5:0], LPAE */
    if (f->access == Access_Write)
        v |= 1u << 11;                     /* WnR */
    return v;
}

uint32_t fault_v7_long_ifsr(const FaultRecord *f)
{
    if (!f || f->type == Fault_None)
        return 0;
    return long_status(f) | 1u << 9;
}
