/* Short-descriptor DFSR/IFSR encodings, ARM ARM (DDI 0406C) B3.13.3 Table B3-23,
 * DFSR layout (B4.1.52): FS[4] bit 10, FS[3:0] bits 3:0, Domain bits 7:4,
 * WnR bit 11, LPAE bit 9 = 0. IFSR (B4.1.96): FS only. */
#include "fault.h"
#include "tap.h"

static FaultRecord rec(FaultType t, int level, uint8_t dom, AccessType a)
{
    FaultRecord f;
    memset(&f, 0, sizeof f);
    f.type = t;
    f.level = level;
    f.domain = dom;
    f.access = a;
    f.va = 0x12345678u;
    return f;
}

int main(void)
{
    FaultRecord f;

    /* DFSR, each = FS | Domain << 4 | WnR << 11, values worked out by hand */
    f = rec(Fault_Translation, 1, 0, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x005, "translation section, read, dom 0: FS 0b00101 -> 0x005");
    f = rec(Fault_Translation, 2, 3, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x037, "translation page, dom 3: 0b00111 | 3<<4 -> 0x037");
    f = rec(Fault_AccessFlag, 1, 2, Access_Write);
    tap_is(fault_v7_short_dfsr(&f), 0x823, "access flag section, dom 2, write: 0b00011 | 0x20 | 0x800 -> 0x823");
    f = rec(Fault_AccessFlag, 2, 15, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x0f6, "access flag page, dom 15: 0b00110 | 0xf0 -> 0x0f6");
    f = rec(Fault_Domain, 1, 5, Access_Write);
    tap_is(fault_v7_short_dfsr(&f), 0x859, "domain section, dom 5, write: 0b01001 | 0x50 | 0x800 -> 0x859");
    f = rec(Fault_Domain, 2, 1, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x01b, "domain page, dom 1: 0b01011 | 0x10 -> 0x01b");
    f = rec(Fault_Permission, 1, 0, Access_Write);
    tap_is(fault_v7_short_dfsr(&f), 0x80d, "permission section, dom 0, write: 0b01101 | 0x800 -> 0x80d");
    f = rec(Fault_Permission, 2, 7, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x07f, "permission page, dom 7: 0b01111 | 0x70 -> 0x07f");
    f = rec(Fault_SyncExternalOnWalk, 1, 0, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x00c, "external abort on walk, L1: 0b01100 -> 0x00c");
    f = rec(Fault_SyncExternalOnWalk, 2, 4, Access_Write);
    tap_is(fault_v7_short_dfsr(&f), 0x84e, "external abort on walk, L2, dom 4, write: 0b01110 | 0x40 | 0x800 -> 0x84e");
    f = rec(Fault_Alignment, 0, 0, Access_Write);
    tap_is(fault_v7_short_dfsr(&f), 0x801, "alignment, write: 0b00001 | 0x800 -> 0x801");
    f = rec(Fault_Permission, 1, 3, Access_Fetch);
    tap_is(fault_v7_short_dfsr(&f), 0x03d, "a fetch is not a write: WnR clear -> 0x03d");
    f = rec(Fault_None, 0, 0, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0, "no fault: DFSR 0");

    /* IFSR: FS only, the domain and access type are not recorded */
    f = rec(Fault_Translation, 1, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x005, "IFSR translation section -> 0x005, no domain");
    f = rec(Fault_Translation, 2, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x007, "IFSR translation page -> 0x007");
    f = rec(Fault_Permission, 1, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x00d, "IFSR permission section -> 0x00d");
    f = rec(Fault_Permission, 2, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x00f, "IFSR permission page -> 0x00f");
    f = rec(Fault_AccessFlag, 2, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x006, "IFSR access flag page -> 0x006");
    f = rec(Fault_Domain, 1, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x009, "IFSR domain section -> 0x009");
    f = rec(Fault_SyncExternalOnWalk, 2, 9, Access_Fetch);
    tap_is(fault_v7_short_ifsr(&f), 0x00e, "IFSR external abort on walk L2 -> 0x00e");
    f = rec(Fault_Permission, 2, 9, Access_Write);
    tap_is(fault_v7_short_ifsr(&f), 0x00f, "IFSR ignores WnR");

    static const struct { FaultType t; const char *name; } names[] = {
        {Fault_None, "none"}, {Fault_Alignment, "alignment"}, {Fault_Translation, "translation"},
        {Fault_AccessFlag, "access_flag"}, {Fault_Domain, "domain"}, {Fault_Permission, "permission"},
        {Fault_AddressSize, "address_size"}, {Fault_SyncExternalOnWalk, "external_walk"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        tap_is_str(fault_type_name(names[i].t), names[i].name, "fault_type_name: %s", names[i].name);
    return tap_done();
}
