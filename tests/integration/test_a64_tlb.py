#!/usr/bin/env python3
"""The TLB model in a run: stale entries and the guest-visible cycle counter (AArch64 guest
tests/guests/a64_tlb.S, cortex-a53 preset), and the model's numbers for the ARMv7 boot.
Permission faults from a cached entry: test_tlb_perm.py."""
import configparser
import functools
import os
import struct
import subprocess
import tempfile

from harness import LLVM_NM, mmuscope, run_tests

GUEST_DIR = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
CORES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "configs", "cores")
TMP = tempfile.mkdtemp(prefix="mmuscope-tlb-")


def syms(name):
    out = subprocess.run([LLVM_NM, os.path.join(GUEST_DIR, name + ".elf")], capture_output=True,
                         text=True, check=True).stdout
    return {p[2]: int(p[0], 16) for p in (l.split() for l in out.splitlines()) if len(p) == 3}


@functools.lru_cache(maxsize=None)
def run_tlb():
    s = syms("a64_tlb")
    dump = os.path.join(TMP, "results.bin")
    r = mmuscope("--machine", "virt-a53", "--dump-phys", f"0x{s['results']:x},64,{dump}",
                 os.path.join(GUEST_DIR, "a64_tlb.bin"))
    with open(dump, "rb") as f:
        r.results = struct.unpack("<8Q", f.read())
    return r


def test_stale_hit_reported_once():
    """a descriptor rewritten without TLBI: one stale_tlb_hit with the cached and the table PA"""
    r = run_tlb()
    assert r.status == 0, r
    stale = [e for e in r.of_kind("stale_tlb_hit") if e["cause"] == "descriptor_write"]
    assert len(stale) == 1, r.of_kind("stale_tlb_hit")
    e = stale[0]
    # step 2 of a64_tlb.S: VA 0x80e00000 cached -> 0x81000000, tables now -> 0x81200000
    assert (e["va"], e["cached_pa"], e["table_pa"], e["asid"]) == ("0x80e00000", "0x81000000", "0x81200000", 0), e
    # after it, TLBI VAE1 with Xt = VA >> 12 = 0x80e00: two in steps 3-4
    vae1 = [x for x in r.of_kind("tlb_maintenance") if x["op"] == "VAE1"]
    assert [int(x["value"], 16) for x in vae1] == [0x80E00] * 3, vae1  # and one in step 7
    assert int(stale[0]["pc"], 16) < int(vae1[0]["pc"], 16), (stale, vae1)  # step 2 before step 3


def test_engine_also_uses_the_stale_entry():
    """the guest's reads: old data without the TLBI (as hardware would), new data after it"""
    r = run_tlb()
    # 0x81000000 holds 0x1111, 0x81200000 holds 0x2222 (written by the guest first)
    assert r.results[:4] == (0x1111, 0x1111, 0x2222, 0x1111), [hex(x) for x in r.results]


def test_asid_reuse_without_tlbi():
    """step 7 of a64_tlb.S: ASID 5 used with tables l1, then with tables l1b (no TLBI between):
    the hit on the ASID-5 nG entry gives the old PA 0x81000000 where l1b says 0x81200000, one
    stale_tlb_hit with cause asid_reuse; after TLBI ASIDE1 (Xt[63:48] = 5) none, and the guest
    reads 0x1111 (the engine, like hardware, used the old entry) and then 0x2222"""
    r = run_tlb()
    s = syms("a64_tlb")
    reuse = [e for e in r.of_kind("stale_tlb_hit") if e["cause"] == "asid_reuse"]
    assert len(reuse) == 1, r.of_kind("stale_tlb_hit")
    e = reuse[0]
    assert (e["va"], e["cached_pa"], e["table_pa"], e["asid"]) == ("0x80e00000", "0x81000000", "0x81200000", 5), e
    ttbr0 = [x for x in r.of_kind("sysreg_write") if x["reg"] == "TTBR0_EL1"]
    # the three TTBR0 writes: l1 (ASID 0), l1 | 5 << 48, l1b | 5 << 48
    assert [int(x["value"], 16) for x in ttbr0] == [s["l1"], s["l1"] | 5 << 48, s["l1b"] | 5 << 48], ttbr0
    assert int(ttbr0[2]["pc"], 16) < int(e["pc"], 16), (ttbr0, e)
    aside1 = [x for x in r.of_kind("tlb_maintenance") if x["op"] == "ASIDE1"]
    assert len(aside1) == 1 and int(aside1[0]["value"], 16) == 5 << 48, aside1
    assert int(e["pc"], 16) < int(aside1[0]["pc"], 16), (e, aside1)
    assert r.results[6:] == (0x1111, 0x2222), [hex(x) for x in r.results]


def test_asid_switch_with_tlbi_is_quiet():
    """armv8-head switches mm_a/mm_b (ASIDs 1 and 2, their own tables) and hands ASID 2 to a new
    mm only after TLBI ASIDE1: no asid_reuse report anywhere in its boot"""
    r = mmuscope("--machine", "virt-a53", "armv8-head")
    assert r.status == 0, r
    assert not r.of_kind("stale_tlb_hit"), r.of_kind("stale_tlb_hit")


def test_cycle_counter_measures_the_model():
    """PMCCNTR_EL0 read around a 1000-iteration loop gives the preset's cost of that loop"""
    r = run_tlb()
    c = configparser.ConfigParser(inline_comment_prefixes=(";",))
    c.read(os.path.join(CORES_DIR, "cortex-a53.ini"))
    alu, branch, system = (int(c["cycles"][k]) for k in ("alu", "branch", "system"))
    first, second = r.results[4], r.results[5]
    loop = 1000 * (alu + alu + branch)        # add, subs (ALU), b.ne (branch) per iteration
    # cycles are charged when a block starts: the reads also see the few instructions that
    # share their blocks (at most 2 system + 4 others around them)
    diff = second - first
    assert loop <= diff <= loop + 2 * system + 4 * max(alu, branch), (first, second, diff, loop)
    # and the run's total is at least what the guest saw
    assert r.stats["cycles"] >= second, (r.stats["cycles"], second)


def test_stats_have_the_model():
    """--stats carries the core, cycles, CPI and per-structure TLB counts"""
    r = run_tlb()
    s = r.stats
    assert s["core"] == "cortex-a53", s.get("core")
    assert s["cycles"] > s["instructions"] > 0, s
    assert abs(s["cpi"] - s["cycles"] / s["instructions"]) < 1e-3, s
    t = s["tlb"]
    assert t["structures"], t


def test_armv7_boot_tlb_counts():
    """the ARMv7 boot on cortex-a15: lookups = hits + misses, walks read 1 or 2 descriptors"""
    r = mmuscope("armv7-head")
    assert r.status == 0, r
    t = r.stats["tlb"]
    structs = t["structures"]
    names = [x["name"] for x in structs] if isinstance(structs, list) else list(structs)
    # Cortex-A15 TRM DDI0438 5.1: I L1, D L1 loads, D L1 stores, unified L2
    for want in ("itlb", "dtlb_load", "dtlb_store", "main_tlb"):
        assert want in names, names
    items = structs if isinstance(structs, list) else [dict(v, name=k) for k, v in structs.items()]
    for x in items:
        assert x["lookups"] == x["hits"] + x["misses"], x
    # short descriptors: a section walk reads 1 descriptor, a page walk 2
    assert t["walks"] <= t["descriptor_reads"] <= 2 * t["walks"], t


def test_core_none_disables_the_model():
    """--core none runs without the model: no cycles in --stats"""
    r = mmuscope("--core", "none", "armv7-head")
    assert r.status == 0, r
    assert r.stats["core"] is None and "cycles" not in r.stats, r.stats


def test_bad_core_preset():
    """an unknown --core is a usage error naming it"""
    r = mmuscope("--core", "cortex-z9", "armv7-head")
    assert r.status == 2, r
    assert "cortex-z9" in r.stderr, r.stderr


run_tests([test_stale_hit_reported_once, test_engine_also_uses_the_stale_entry,
           test_asid_reuse_without_tlbi, test_asid_switch_with_tlbi_is_quiet,
           test_cycle_counter_measures_the_model, test_stats_have_the_model, test_armv7_boot_tlb_counts,
           test_core_none_disables_the_model, test_bad_core_preset])
