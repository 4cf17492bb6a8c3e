#!/usr/bin/env python3
"""tlb-bench-v7 and tlb-bench-v8 (firmware/tlb-bench/) on the cortex-a53 and cortex-a15 presets:
the shape of the guest-measured curves against numbers derived by hand from the preset INIs and
the cost rule of docs/tlb.md, and the guest's cycle figures against the model's own counts
(--stats).

The cost rule (docs/tlb.md, "Cycles"): a block costs the sum of its instructions' class costs; a
first-level (micro/L1) TLB hit costs nothing more; a first-level miss costs that structure's
miss_penalty, then each unified level probed its latency, plus its miss_penalty if it misses
too; a walk costs mem_latency per descriptor read that the walk cache did not serve.

The benchmark's loop is a pointer chase, `ldr; subs; b.ne` per access ([cycles] load = alu =
branch = 1 in both presets: 3 cycles; subs does not read the loaded register, so no
load_to_use). A pass over a pattern of n distinct pages therefore costs
    3n + (first-level misses) * (dtlb miss_penalty + main latency)
       + (main misses) * (main miss_penalty + reads * mem_latency)
and with LRU over a cyclic pattern a structure holding fewer entries than the pattern has pages
(per set, for a set-associative one) misses on every one of those pages, and hits on all of
them otherwise.
"""
import configparser
import functools
import os
import re
import shutil
import subprocess

from harness import FIRMWARE_DIR, mmuscope, run_tests

CORES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "configs", "cores")
V7, V8 = "tlb-bench-v7", "tlb-bench-v8"
# the machine each image runs on (the model preset is chosen with --core)
MACHINE = {V7: "virt-a15", V8: "virt-a53"}
FILL = 40  # tlb_bench.fill default (bench.c)

# ---- the hand derivation, per (image, preset) ----
#
# cortex-a53.ini: [dtlb] 10 entries, ways 0 (fully associative), lru, miss_penalty 0;
# [main_tlb] 512 entries, 4 ways -> 512 / 4 = 128 sets, lru, latency 2, miss_penalty 12;
# [walk_cache] 64 entries 4 ways; [cycles] mem_latency 4.
#   micro miss, main hit: 0 + 2 = 2 cycles
#   main miss: 12 + 1 read * 4 = 16 more. One read: the walk cache keeps the table
#   descriptors above the last level. v8 (4 levels, L0..L3): the L2 table descriptor of each
#   2 MiB (8 for the 16 MiB region, walk-cache sets (VA >> 21) % 16 = 0..7) serves L0-L2, so
#   only the L3 descriptor is read. v7 (short descriptors): the L1 table descriptor of each MiB
#   (16, sets (VA >> 20) % 16 = 0..15) serves level 1, only the L2 descriptor is read.
# cortex-a15.ini: [dtlb_load] 32 entries, fully associative, lru, miss_penalty 0 (not set);
# [main_tlb] 512 entries, 4 ways -> 128 sets, lru, latency 3, miss_penalty 10; no walk cache;
# [cycles] mem_latency 4.
#   micro miss, main hit: 0 + 3 = 3 cycles
#   main miss: 10 + reads * 4: v7 reads 2 descriptors (L1 table, L2 page) -> 18;
#   v8 reads 4 (L0, L1, L2, L3; TCR_EL1.T0SZ = 16) -> 26.
DERIVED = {
    # (image, preset): (micro entries D, main sets S, ways W, micro-miss cost, main-miss extra)
    (V8, "cortex-a53"): (10, 128, 4, 2, 16),
    (V7, "cortex-a53"): (10, 128, 4, 2, 16),
    (V7, "cortex-a15"): (32, 128, 4, 3, 18),
    (V8, "cortex-a15"): (32, 128, 4, 3, 26),
}
BASE = 3  # ldr + subs + b.ne, 1 cycle each


def main_misses(n, sets, ways, pages):
    """main-TLB misses per pass: page p goes to set p % sets; a set holding more pattern pages
    than ways misses on each of them (LRU, cyclic), one holding at most `ways` never misses"""
    per_set = {}
    for p in pages:
        per_set[p % sets] = per_set.get(p % sets, 0) + 1
    return sum(c for c in per_set.values() if c > ways)


def expected_pass(image, preset, pages):
    d, s, w, micro, walk = DERIVED[(image, preset)]
    n = len(pages)
    if n <= d:
        return BASE * n  # every access hits the micro TLB
    return BASE * n + micro * n + walk * main_misses(n, s, w, pages)


def sweep_pages(n):
    return list(range(n))  # tlb_bench.sweep: pages 0 .. N-1


def collide_pages(k, stride):
    return [i * stride for i in range(k)] + [1 + j for j in range(FILL)]  # bench.c pattern_page


LINE_SWEEP = re.compile(r"^stride (\d+) pages: (\d+)\.(\d{3}) cycles/access, (\d+) cycles/pass$", re.M)
LINE_COLLIDE = re.compile(r"^collide (\d+) pages stride (\d+) fill (\d+): (\d+)\.(\d{3}) cycles/access, "
                          r"(\d+) cycles/pass$", re.M)


def parse(out):
    sweep = {int(m[0]): (int(m[1]) * 1000 + int(m[2]), int(m[3])) for m in LINE_SWEEP.findall(out)}
    collide = {(int(m[1]), int(m[0])): (int(m[3]) * 1000 + int(m[4]), int(m[5]))
               for m in LINE_COLLIDE.findall(out) if int(m[2]) == FILL}
    return sweep, collide


@functools.lru_cache(maxsize=None)
def bench(image, preset, bootargs=None):
    args = ["--machine", MACHINE[image], "--core", preset]
    if bootargs is not None:
        args += ["--set", "machine.bootargs=" + bootargs]
    r = mmuscope(*args, image)
    assert r.status == 0, r
    assert "tlb-bench: done" in r.stdout, r
    r.sweep, r.collide = parse(r.stdout)
    return r


def ini(preset):
    c = configparser.ConfigParser(inline_comment_prefixes=(";",))
    c.read(os.path.join(CORES_DIR, preset + ".ini"))
    return c


def test_presets_are_what_the_derivation_read():
    """the preset values the hand derivation above used are still those of the INI files"""
    a53, a15 = ini("cortex-a53"), ini("cortex-a15")
    for c in (a53, a15):
        assert [c["cycles"][k] for k in ("load", "alu", "branch", "mem_latency")] == ["1", "1", "1", "4"]
        assert (c["main_tlb"]["entries"], c["main_tlb"]["ways"], c["main_tlb"]["replacement"]) == \
            ("512", "4", "lru")
    assert (a53["dtlb"]["entries"], a53["dtlb"]["ways"], a53["dtlb"]["replacement"],
            a53["dtlb"]["miss_penalty"]) == ("10", "0", "lru", "0")
    assert (a53["main_tlb"]["latency"], a53["main_tlb"]["miss_penalty"]) == ("2", "12")
    assert (a53["walk_cache"]["entries"], a53["walk_cache"]["ways"]) == ("64", "4")
    assert (a15["dtlb_load"]["entries"], a15["dtlb_load"]["ways"], a15["dtlb_load"]["replacement"]) == \
        ("32", "0", "lru")
    assert "miss_penalty" not in a15["dtlb_load"] and "walk_cache" not in a15
    assert (a15["main_tlb"]["latency"], a15["main_tlb"]["miss_penalty"]) == ("3", "10")


def check_sweep(image, preset):
    r = bench(image, preset)
    assert len(r.sweep) == 38, r.stdout  # bench.c's default list
    for n, (milli, per_pass) in r.sweep.items():
        want = expected_pass(image, preset, sweep_pages(n))
        assert per_pass == want, (image, preset, n, per_pass, want)
        # cycles/access printed to 3 decimals, rounded
        assert milli == (per_pass * 1000 + n // 2) // n, (n, milli, per_pass)
    return r


def test_v8_a53_sweep():
    """tlb-bench-v8 on cortex-a53: 3 cycles/access up to 10 pages, 5 up to 512, 21 beyond"""
    r = check_sweep(V8, "cortex-a53")
    # N <= 10 (the data micro TLB): no miss, ldr + subs + b.ne = 3 cycles
    assert r.sweep[10] == (3000, 30)
    # 10 < N <= 512: a micro miss and a main hit on every access, 3 + 2 = 5
    assert r.sweep[11] == (5000, 55) and r.sweep[512] == (5000, 2560)
    # N = 513: set 0 holds pages 0, 128, 256, 384, 512 (5 > 4 ways): those 5 walk every pass:
    # 513 * 5 + 5 * 16 = 2645
    assert r.sweep[513][1] == 2645
    # N = 640 = 5 * 128: every set holds 5 pages, every access walks: 5 + 16 = 21
    assert r.sweep[640] == (21000, 640 * 21) and r.sweep[4096] == (21000, 4096 * 21)


def test_v7_a15_sweep():
    """tlb-bench-v7 on cortex-a15: 3 cycles/access up to 32 pages, 6 up to 512, 24 beyond"""
    r = check_sweep(V7, "cortex-a15")
    assert r.sweep[32] == (3000, 96)  # 32-entry L1 data (load) TLB
    assert r.sweep[33] == (6000, 33 * 6) and r.sweep[512] == (6000, 512 * 6)  # 3 + 3
    assert r.sweep[513][1] == 513 * 6 + 5 * 18  # = 3168: set 0 holds 5 pages
    assert r.sweep[1024] == (24000, 1024 * 24)  # 6 + 10 + 2 * 4


def test_v7_a53_sweep():
    """tlb-bench-v7 with the cortex-a53 preset (a TLB model on an AArch32 machine)"""
    r = check_sweep(V7, "cortex-a53")
    assert r.sweep[10][1] == 30 and r.sweep[11][1] == 55 and r.sweep[513][1] == 2645


def test_v8_a15_sweep():
    """tlb-bench-v8 with the cortex-a15 preset: no walk cache, a 4-level walk reads 4 descriptors"""
    r = check_sweep(V8, "cortex-a15")
    assert r.sweep[1024] == (32000, 1024 * 32)  # 3 + 3 + 10 + 4 * 4


def check_collide(image, preset):
    r = bench(image, preset)
    d, s, w, micro, walk = DERIVED[(image, preset)]
    assert sorted(r.collide) == [(st, k) for st in (128, 256) for k in range(1, 11)], r.stdout
    for (stride, k), (milli, per_pass) in r.collide.items():
        pages = collide_pages(k, stride)
        want = expected_pass(image, preset, pages)
        assert per_pass == want, (image, preset, stride, k, per_pass, want)
        # both strides are multiples of the 128 sets: the k pages share set 0, the 40 fill pages
        # are alone in sets 1..40, so only the colliding pages can miss, all of them from k = W + 1
        assert main_misses(len(pages), s, w, pages) == (k if k > w else 0)
    return r


def test_v8_a53_collide():
    """tlb-bench-v8 on cortex-a53: k pages in one set of the 4-way main TLB miss from k = 5"""
    r = check_collide(V8, "cortex-a53")
    # k <= 4: (40 + k) accesses at 3 + 2 cycles; k = 5: + 5 walks of 16
    assert [r.collide[(256, k)][1] for k in range(1, 7)] == [205, 210, 215, 220, 225 + 80, 230 + 96]


def test_v7_a15_collide():
    """tlb-bench-v7 on cortex-a15: the knee at k = 5 too, walks of 18 cycles"""
    r = check_collide(V7, "cortex-a15")
    # (40 + k) * 6, plus k * 18 from k = 5
    assert [r.collide[(256, k)][1] for k in range(1, 7)] == [246, 252, 258, 264, 270 + 90, 276 + 108]


def test_cross_isa_collide():
    """the other two (image, preset) pairs give the derived collision curves as well"""
    check_collide(V7, "cortex-a53")
    check_collide(V8, "cortex-a15")


def delta(image, preset, bootargs):
    """--stats of the same run with tlb_bench.passes=2 and =4. Each point runs 1 + P + 1 + 2P
    passes: 8 and 14, so the differences are exactly 6 passes of every point (the output is
    the same in both runs, printing costs the same)."""
    a = bench(image, preset, bootargs + " tlb_bench.passes=2")
    b = bench(image, preset, bootargs + " tlb_bench.passes=4")
    assert a.stdout.replace("passes=02", "passes=04") == b.stdout, (a.stdout, b.stdout)
    ta, tb = a.stats["tlb"], b.stats["tlb"]
    st = lambda t, name, key: t["structures"][name][key]  # noqa: E731
    micro = "dtlb" if "dtlb" in ta["structures"] else "dtlb_load"
    return a, {
        "cycles": b.stats["cycles"] - a.stats["cycles"],
        "micro_lookups": st(tb, micro, "lookups") - st(ta, micro, "lookups"),
        "micro_misses": st(tb, micro, "misses") - st(ta, micro, "misses"),
        "main_lookups": st(tb, "main_tlb", "lookups") - st(ta, "main_tlb", "lookups"),
        "main_misses": st(tb, "main_tlb", "misses") - st(ta, "main_tlb", "misses"),
        "walks": tb["walks"] - ta["walks"],
        "reads": tb["descriptor_reads"] - ta["descriptor_reads"],
    }


def check_stats_sweep_600(image, preset, micro_cost, main_penalty, mem_latency, reads_per_walk):
    """N = 600 = 4 * 128 + 88: sets 0..87 hold 5 pages (miss), 88..127 hold 4 (hit):
    88 * 5 = 440 main misses per pass; every access misses the micro TLB (600 > 32)"""
    a, d = delta(image, preset, "tlb_bench.sweep=600 tlb_bench.collide=none")
    assert d["micro_lookups"] == 6 * 600 and d["micro_misses"] == 6 * 600, d
    assert d["main_lookups"] == 6 * 600 and d["main_misses"] == 6 * 440, d
    assert d["walks"] == 6 * 440 and d["reads"] == 6 * 440 * reads_per_walk, d
    # the guest's figure is the model's: per pass = what 1/6 of these counts cost
    (milli, per_pass), = a.sweep.values()
    from_counts = (BASE * 600 + d["micro_misses"] // 6 * micro_cost + d["main_misses"] // 6 * main_penalty
                   + d["reads"] // 6 * mem_latency)
    assert per_pass == from_counts == d["cycles"] // 6 and d["cycles"] % 6 == 0, (per_pass, from_counts, d)


def test_stats_cross_check_v8_a53():
    """--stats: 6 more passes of 600 pages on cortex-a53 add 3600 micro misses, 2640 walks of 1
    read, and exactly 6 times the guest's cycles/pass"""
    check_stats_sweep_600(V8, "cortex-a53", 2, 12, 4, 1)
    assert bench(V8, "cortex-a53", "tlb_bench.sweep=600 tlb_bench.collide=none tlb_bench.passes=2") \
        .sweep[600][1] == 600 * 5 + 440 * 16  # = 10040


def test_stats_cross_check_v7_a15():
    """--stats: the same on cortex-a15 with tlb-bench-v7: walks of 2 reads"""
    check_stats_sweep_600(V7, "cortex-a15", 3, 10, 4, 2)
    assert bench(V7, "cortex-a15", "tlb_bench.sweep=600 tlb_bench.collide=none tlb_bench.passes=2") \
        .sweep[600][1] == 600 * 6 + 440 * 18  # = 11520


def test_stats_collision_knee():
    """--stats: k = 1..4 colliding pages never miss the main TLB in steady state; k = 1..5 adds
    exactly 5 misses per pass (k = 5's own pages)"""
    _, d4 = delta(V8, "cortex-a53", "tlb_bench.sweep=none tlb_bench.collide=256 tlb_bench.kmax=4")
    assert d4["main_misses"] == 0 and d4["walks"] == 0, d4
    # every access still misses the 10-entry micro TLB: sum over k = 1..4 of (40 + k) = 170
    assert d4["micro_misses"] == 6 * 170 and d4["main_lookups"] == 6 * 170, d4
    _, d5 = delta(V8, "cortex-a53", "tlb_bench.sweep=none tlb_bench.collide=256 tlb_bench.kmax=5")
    assert d5["main_misses"] == 6 * 5 and d5["walks"] == 6 * 5, d5


def test_mmu_on_and_region_in_pages():
    """the benchmark runs with the MMU on; the region is 4 KiB pages aliased onto 16 physical ones"""
    for image in (V7, V8):
        r = mmuscope("--machine", MACHINE[image], "--translate", "0x40000000,0x40001abc,0x40010000,0x41000000",
                     "--set", "machine.bootargs=tlb_bench.sweep=1 tlb_bench.collide=none", image)
        assert r.status == 0, r
        enable, = r.of_kind("mmu_enable")
        off, = r.of_kind("psci")
        assert enable["insn"] < off["insn"] and r.stats["instructions_mmu_on"] > 0, (enable, off)
        # the model looks nothing up with the MMU off: the walks it counts are the benchmark's
        assert r.stats["tlb"]["walks"] > 0, r.stats["tlb"]
        m = re.search(r"phys=0x([0-9a-f]+) phys_pages=16", r.stdout)
        phys = int(m.group(1), 16)
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("0x")]
        # VA page i -> bench_phys + (i % 16) * 4096: page 1 -> phys + 0x1000, page 16 -> phys
        assert [ln.split()[2] for ln in lines[:3]] == [hex(phys), hex(phys + 0x1abc), hex(phys)], lines
        assert all("4K-page" in ln for ln in lines[:3]), lines
        assert "fault translation" in lines[3], lines  # the region ends at 16 MiB


def test_psci_over_smc_on_virt_a9():
    """on virt-a9 (no HVC) the image takes the DTB's /psci method and powers off over SMC"""
    r = mmuscope("--machine", "virt-a9", "--set", "machine.bootargs=tlb_bench.sweep=1 tlb_bench.collide=none",
                 V7)
    assert r.status == 0, r
    psci = r.of_kind("psci")
    assert [(p["function"], p["conduit"]) for p in psci] == [("SYSTEM_OFF", "smc")], psci
    # the 32-entry A9 micro TLB: one page is 3 cycles/access
    assert "stride 1 pages: 3.000 cycles/access, 3 cycles/pass" in r.stdout, r.stdout


def test_bad_parameter():
    """a bad tlb_bench.* parameter: one error line naming it, no points, and a clean power-off"""
    r = mmuscope("--machine", "virt-a53", "--set", "machine.bootargs=tlb_bench.sweep=0,5000", V8)
    assert r.status == 0, r
    assert re.search(r'^tlb-bench: error: bad parameter "tlb_bench.sweep=0,5000"', r.stdout, re.M), r.stdout
    assert not LINE_SWEEP.search(r.stdout) and "tlb-bench: done" not in r.stdout, r.stdout
    r = mmuscope("--machine", "virt-a53", "--set", "machine.bootargs=tlb_bench.collide=16", V8)
    # stride 16 with kmax 10 fits (9 * 16 < 4096) but the 40 fill pages would reach set 16
    assert re.search(r"^tlb-bench: error: collide stride 16 .*fill < stride", r.stdout, re.M), r.stdout


def test_qemu_icount_base_cost():
    """QEMU 7.2 (an independent Arm implementation, no TLB timing) with -icount shift=0 counts
    one PMCCNTR cycle per instruction: every point of both images then reads exactly 3 cycles
    per access (ldr, subs, b.ne), the base cost the derivation above uses, and the method
    (window(2P) - window(P)) / P leaves no overhead in it"""
    for image, binary, cpu in ((V7, "qemu-system-arm", "cortex-a15"), (V8, "qemu-system-aarch64", "cortex-a53")):
        exe = shutil.which(binary)
        assert exe, f"{binary} is not installed (scripts/setup.sh installs qemu-system-arm)"
        # QEMU virt RAM starts at 0x40000000: 3 GiB reach the images' 0x80000000.. and the ELF
        # is loaded at its physical addresses; QEMU passes no DTB to a bare-metal ELF (defaults)
        p = subprocess.run([exe, "-M", "virt", "-cpu", cpu, "-m", "3G", "-nographic", "-monitor", "none",
                            "-no-reboot", "-icount", "shift=0",
                            "-kernel", os.path.join(FIRMWARE_DIR, "tlb-bench", image + ".elf")],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                           errors="replace")
        out = p.stdout.replace("\r\n", "\n")
        assert p.returncode == 0 and "tlb-bench: done" in out, (p.returncode, out, p.stderr)
        sweep, collide = parse(out)
        assert len(sweep) == 38 and len(collide) == 20, out
        for n, (milli, per_pass) in sweep.items():
            assert (milli, per_pass) == (3000, 3 * n), (image, n, milli, per_pass)
        for (stride, k), (milli, per_pass) in collide.items():
            assert (milli, per_pass) == (3000, 3 * (k + FILL)), (image, stride, k, milli, per_pass)


def test_images_exist():
    """both images are built where `mmuscope run NAME` finds them"""
    for image in (V7, V8):
        assert os.path.exists(os.path.join(FIRMWARE_DIR, "tlb-bench", image + ".bin")), image


run_tests([test_images_exist, test_presets_are_what_the_derivation_read, test_v8_a53_sweep, test_v7_a15_sweep,
           test_v7_a53_sweep, test_v8_a15_sweep, test_v8_a53_collide, test_v7_a15_collide,
           test_cross_isa_collide, test_stats_cross_check_v8_a53, test_stats_cross_check_v7_a15,
           test_stats_collision_knee, test_mmu_on_and_region_in_pages, test_psci_over_smc_on_virt_a9,
           test_bad_parameter, test_qemu_icount_base_cost])
