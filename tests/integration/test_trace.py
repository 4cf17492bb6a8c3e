#!/usr/bin/env python3
"""Translation traces (docs/traces.md): record with `run --trace`, inspect, export, replay
through every preset of the ISA, sweep; damaged traces are reported, never crash.

The reference for every replayed count is a live run of the same image with that preset: an
independent path (emulation, mmuscope's walker on every miss) to the same TLB model."""
import csv
import functools
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zlib

from harness import FIRMWARE_DIR, MMUSCOPE, raw, run_tests

GUEST_DIR = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
CORES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "configs", "cores")
TMP = tempfile.mkdtemp(prefix="mmuscope-trace-")

V7 = ["cortex-a7", "cortex-a9", "cortex-a15"]
V8 = ["cortex-a53", "cortex-a57", "cortex-a72"]
# (name, machine, presets, image, extra run options)
IMAGES = [
    ("armv7-head", "virt-a15", V7, "armv7-head", []),
    ("armv8-head", "virt-a53", V8, "armv8-head", []),
    ("a64_memloop", "virt-a53", V8, os.path.join(GUEST_DIR, "a64_memloop.bin"), ["--max-insns", "2000000"]),
    # stale TLB entries (a descriptor rewritten without TLBI, a reused ASID): hits on them must
    # replay as hits, and the walks of the other presets must see the tables of that moment
    ("a64_tlb", "virt-a53", V8, os.path.join(GUEST_DIR, "a64_tlb.bin"), []),
    # the pointer chase over up to 4096 pages: misses and evictions in every structure
    ("tlb-bench-v8", "virt-a53", V8, "tlb-bench-v8", []),
]


def image_path(img):
    if os.path.exists(img):
        return img
    for sub in ("", "arm64", "tlb-bench"):
        p = os.path.join(FIRMWARE_DIR, sub, img + ".bin")
        if os.path.exists(p):
            return p
    raise AssertionError(f"no image {img}")


@functools.lru_cache(maxsize=None)
def live(name, preset, trace=True):
    """A live run with preset; returns (stats, trace path or None, stderr)."""
    _, machine, _, img, extra = next(i for i in IMAGES if i[0] == name)
    st = os.path.join(TMP, f"live-{name}-{preset}-{int(trace)}.json")
    tr = os.path.join(TMP, f"{name}-{preset}.trace")
    args = ["run", "--machine", machine, "--core", preset, "--stats", st, *extra]
    if trace:
        args += ["--trace", tr]
    p = raw(*args, img, timeout=300)
    assert p.returncode in (0, 3), p.stderr  # 3: --max-insns reached
    with open(st) as f:
        return json.load(f), (tr if trace else None), p.stderr


def replay(trace, *args):
    st = os.path.join(TMP, "replay.json")
    if os.path.exists(st):
        os.unlink(st)
    p = raw("replay", *args, "--stats", st, trace, timeout=300)
    assert p.returncode == 0, p.stderr
    with open(st) as f:
        return json.load(f), p.stderr


def check_every_preset(name, diagonal_only=False):
    presets = next(i for i in IMAGES if i[0] == name)[2]
    for recorded in presets:
        _, trace, _ = live(name, recorded)
        for x in presets:
            if diagonal_only and x != recorded:
                continue
            want, _, _ = live(name, x)
            got, _ = replay(trace, "--core", x)
            assert got["tlb"] == want["tlb"], (name, recorded, x, got["tlb"], want["tlb"])
            assert got["cycles"] == want["cycles"], (name, recorded, x)


def test_replay_equals_live_armv7_head():
    """armv7-head: a trace recorded on a7, a9 or a15 replays through each of them to the live counts"""
    check_every_preset("armv7-head")


def test_replay_equals_live_armv8_head():
    """armv8-head: a trace recorded on a53, a57 or a72 replays through each of them to the live counts"""
    check_every_preset("armv8-head")


def test_replay_equals_live_memloop():
    """a64_memloop (2M instructions): replay = live for a53/a57/a72 from each recording"""
    check_every_preset("a64_memloop")


def test_replay_equals_live_stale_entries():
    """a64_tlb (stale entries, ASID reuse): replay = live for a53/a57/a72 from each recording"""
    check_every_preset("a64_tlb")
    stats, _, _ = live("a64_tlb", "cortex-a53")
    assert stats["events"]["stale_tlb_hit"] >= 1  # the situation the test is about did occur


def test_replay_equals_live_tlb_bench():
    """tlb-bench-v8 reads the cycle counter, so its path depends on the preset: replay = live on the recording's own preset"""
    check_every_preset("tlb-bench-v8", diagonal_only=True)
    a53, _, _ = live("tlb-bench-v8", "cortex-a53")
    a57, _, _ = live("tlb-bench-v8", "cortex-a57")
    assert a53["tlb"]["structures"]["main_tlb"]["evictions"] > 0
    # why only the diagonal: the guest times itself with PMCCNTR_EL0 (the model's cycles) and
    # executes a different number of instructions under another preset; a trace records one path
    assert a53["instructions"] != a57["instructions"]


def test_recording_changes_nothing():
    """a run with --trace has the same instructions, cycles and TLB counts as one without"""
    for name in ("armv7-head", "armv8-head"):
        preset = next(i for i in IMAGES if i[0] == name)[2][0]
        a, _, _ = live(name, preset, True)
        b, _, _ = live(name, preset, False)
        for k in ("instructions", "cycles", "tlb", "events"):
            assert a[k] == b[k], (name, k)


def info(trace):
    p = raw("trace", "info", trace)
    return p, dict((l[:15].strip(), l[15:].strip()) for l in p.stdout.splitlines() if len(l) > 15)


def test_info_header_and_counts():
    """trace info: machine, preset, image SHA-256 (= hashlib), instructions and accesses (= the live model's)"""
    stats, trace, _ = live("armv8-head", "cortex-a53")
    p, kv = info(trace)
    assert p.returncode == 0, p.stderr
    assert kv["machine"].startswith("virt-a53 (cpu cortex-a53, a64)"), kv
    assert kv["core preset"].startswith("cortex-a53 "), kv
    with open(image_path("armv8-head"), "rb") as f:
        assert kv["image sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert kv["engine"].startswith("unicorn 2."), kv
    assert int(kv["instructions"]) == stats["tlb"]["instructions"]
    acc = stats["tlb"]["accesses"]
    assert kv["accesses"].startswith(f"{acc['fetch'] + acc['load'] + acc['store']} "), (kv, acc)
    assert f"fetch {acc['fetch']}, load {acc['load']}, store {acc['store']}" in kv["accesses"]
    assert kv["status"] == "complete"
    assert kv["duration"].startswith(f"{stats['cycles']} cycles on cortex-a53"), kv


def test_dump_window_and_disassembly():
    """trace dump --from/--count: that many lines; record 0 is the block at the image entry, 'nop' (head.S code0)"""
    _, trace, _ = live("armv8-head", "cortex-a53")
    p = raw("trace", "dump", "--from", "0", "--count", "5", trace)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 6, lines  # the column header + 5 records
    # armv8-head is loaded at 0x80800000 (docs/armv8-head.md) and starts with `nop` (head.S, _head)
    assert lines[1].split()[:5] == ["0", "2", "2", "block", "0x0000000080800000"] and lines[1].endswith("nop"), lines[1]
    p = raw("trace", "dump", "--from", "1000", "--count", "3", trace)
    assert [l.split()[0] for l in p.stdout.splitlines()[1:]] == ["1000", "1001", "1002"]


def test_stats_and_exports():
    """trace stats, export csv (a row per record) and perfetto (valid JSON, one instant per event)"""
    stats, trace, _ = live("armv8-head", "cortex-a53")
    _, kv = info(trace)
    p = raw("trace", "stats", trace)
    assert p.returncode == 0, p.stderr
    assert f"TLB model cortex-a53: {stats['cycles']} cycles" in p.stdout
    csv = os.path.join(TMP, "t.csv")
    p = raw("trace", "export", "--format", "csv", "-o", csv, trace)
    assert p.returncode == 0, p.stderr
    with open(csv) as f:
        rows = f.read().splitlines()
    assert len(rows) == int(kv["records"]) + 1
    assert sum(1 for r in rows if ",access," in r) == int(kv["accesses"].split()[0])
    pf = os.path.join(TMP, "t.json")
    p = raw("trace", "export", "--format", "perfetto", "-o", pf, trace)
    assert p.returncode == 0, p.stderr
    with open(pf) as f:
        d = json.load(f)
    ev = d["traceEvents"]
    inst = [e for e in ev if e["ph"] == "i" and e["tid"] == 1]
    assert len(inst) == int(kv["events"])
    # the live run counted its sysreg writes: the same number on the timeline
    assert sum(1 for e in inst if e["name"] == "sysreg_write") == stats["events"]["sysreg_write"]
    names = {e["name"] for e in ev if e["ph"] == "C"}
    assert {"CPI", "walks per 10000 insns", "first-level TLB misses per 10000 insns"} <= names, names
    assert all(e["ts"] <= stats["cycles"] for e in ev if "ts" in e)


def test_replay_set_equals_live_modified_preset():
    """replay --set tlb.main.entries=64 = a live run with a preset file whose [main_tlb] has 64 entries"""
    with open(os.path.join(CORES_DIR, "cortex-a53.ini")) as f:
        text = f.read()
    assert "entries = 512" in text
    mod = os.path.join(TMP, "a53-64.ini")
    with open(mod, "w") as f:
        f.write(text.replace("entries = 512", "entries = 64"))
    st = os.path.join(TMP, "live-mod.json")
    p = raw("run", "--machine", "virt-a53", "--core", mod, "--stats", st, "armv8-head")
    assert p.returncode == 0, p.stderr
    with open(st) as f:
        want = json.load(f)
    _, trace, _ = live("armv8-head", "cortex-a72")
    got, _ = replay(trace, "--core", "cortex-a53", "--set", "tlb.main.entries=64")
    assert got["tlb"]["structures"]["main_tlb"]["entries"] == 64
    assert got["tlb"] == want["tlb"] and got["cycles"] == want["cycles"]


def test_replay_equals_live_every_policy():
    """PLRU, FIFO and random replacement (no preset uses them): replay = live on armv8-head and a64_tlb

    With 4-entry micro TLBs, which evict on armv8-head, so that the replay's shortcut for repeated
    first-level hits (tlb_internal.h, TlbHot) meets every policy."""
    with open(os.path.join(CORES_DIR, "cortex-a53.ini")) as f:
        text = f.read()
    assert text.count("replacement = lru") == 4 and text.count("entries = 10") == 2
    for pol in ("plru", "fifo", "random"):
        # 4-entry micro TLBs (a power of two for tree-PLRU) so that they evict
        mod = os.path.join(TMP, f"a53-{pol}.ini")
        with open(mod, "w") as f:
            f.write(text.replace("replacement = lru", f"replacement = {pol}").replace("entries = 10", "entries = 4"))
        for name in ("armv8-head", "a64_tlb"):
            _, machine, _, img, extra = next(i for i in IMAGES if i[0] == name)
            st = os.path.join(TMP, f"live-{name}-{pol}.json")
            p = raw("run", "--machine", machine, "--core", mod, "--stats", st, *extra, image_path(img), timeout=300)
            assert p.returncode in (0, 3), p.stderr
            with open(st) as f:
                want = json.load(f)
            assert want["tlb"]["structures"]["dtlb"]["replacement"] == pol
            if name == "armv8-head":
                assert want["tlb"]["structures"]["dtlb"]["evictions"] > 0, (name, pol)
            _, trace, _ = live(name, "cortex-a53")
            got, _ = replay(trace, "--core", mod)
            assert got["tlb"] == want["tlb"] and got["cycles"] == want["cycles"], (name, pol)


def test_recorder_cache_is_exact():
    """MMUSCOPE_TRACE_VERIFY=1 (a fresh walk at every access): no cached walk of the recorder differs from it

    The recorder's cache is voided by translation-register writes and, walk by walk, by stores to
    the pages the walks read descriptors from (emu/trace_record.c)."""
    for name in ("armv7-head", "armv8-head", "a64_tlb"):
        _, machine, presets, img, extra = next(i for i in IMAGES if i[0] == name)
        env = dict(os.environ, MMUSCOPE_TRACE_VERIFY="1")
        p = subprocess.run([MMUSCOPE, "run", "--machine", machine, "--core", presets[0], "--trace",
                            os.path.join(TMP, "verify.trace"), *extra, image_path(img)],
                           capture_output=True, text=True, timeout=300, env=env)
        assert p.returncode in (0, 3), p.stderr
        line = next(l for l in p.stderr.splitlines() if "trace verify:" in l)
        walks = int(line.split("verify: ")[1].split()[0])
        assert walks > 1000 and line.endswith(" 0 cached walks differed from the tables"), line


def test_sweep_rows_equal_single_replays():
    """sweep: one CSV row per configuration, each equal to a single replay; shards add up; PNG and SVG"""
    _, trace, _ = live("tlb-bench-v8", "cortex-a53")
    out = os.path.join(TMP, "sw")
    p = raw("sweep", "--param", "tlb.main.entries=64,512", "--param", "dtlb.entries=2,10", "--out", out, trace,
            timeout=300)
    assert p.returncode == 0, p.stderr
    with open(out + ".csv") as f:
        lines = f.read().splitlines()
    head = lines[0].split(",")
    rows = [dict(zip(head, l.split(","))) for l in lines[1:]]
    assert len(rows) == 4
    for r in rows:
        got, _ = replay(trace, "--set", f"tlb.main.entries={r['tlb.main.entries']}",
                        "--set", f"dtlb.entries={r['dtlb.entries']}")
        assert int(r["cycles"]) == got["cycles"], r
        assert int(r["walks"]) == got["tlb"]["walks"], r
        assert int(r["main_misses"]) == got["tlb"]["structures"]["main_tlb"]["misses"], r
    # the bench chases up to 4096 pages: 64 main-TLB entries (16 sets x 4) walk more than 512
    by = {(r["tlb.main.entries"], r["dtlb.entries"]): int(r["walks"]) for r in rows}
    by_row = {(r["tlb.main.entries"], r["dtlb.entries"]): r for r in rows}
    assert by[("64", "10")] > by[("512", "10")] and by[("64", "2")] > by[("512", "2")], by
    with open(out + ".png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(out + ".svg") as f:
        assert "<svg" in f.read(2000)
    # the plot: per parameter one line per value of the other, its points the CSV's rows in x
    # order ("x walks cycles"), labels without gnuplot's enhanced-text subscripts
    with open(out + ".gp") as f:
        gp = f.read()
    assert gp.count("noenhanced") == 2, gp[:500]
    blocks = {}
    for name, body in re.findall(r"^(\$\S+) << EOD\n(.*?)^EOD$", gp, re.M | re.S):
        blocks[name] = [l.split() for l in body.splitlines()]
    for c, d in enumerate(("2", "10")):  # tlb.main.entries against dtlb.entries = 2, then 10
        want = [[m, str(by_row[(m, d)]["walks"]), str(by_row[(m, d)]["cycles"])] for m in ("64", "512")]
        assert blocks[f"$p0_t0_c{c}"] == want, (c, blocks.get(f"$p0_t0_c{c}"), want)
        assert f"title 'dtlb.entries={d}'" in gp
    for c, m in enumerate(("64", "512")):  # dtlb.entries against tlb.main.entries = 64, then 512
        want = [[d, str(by_row[(m, d)]["walks"]), str(by_row[(m, d)]["cycles"])] for d in ("2", "10")]
        assert blocks[f"$p1_t0_c{c}"] == want, (c, blocks.get(f"$p1_t0_c{c}"), want)
    parts = []
    for i in range(2):
        o = os.path.join(TMP, f"shard{i}")
        p = raw("sweep", "--param", "tlb.main.entries=64,512", "--param", "dtlb.entries=2,10", "--shard", f"{i}/2",
                "--no-plot", "--out", o, trace, timeout=300)
        assert p.returncode == 0, p.stderr
        with open(o + ".csv") as f:
            parts += f.read().splitlines()[1:]
    assert sorted(parts) == sorted(lines[1:])


def test_sweep_odd_paths():
    """sweep: a trace path and an output prefix with a comma and a quote: a valid CSV (RFC 4180
    quoting) and the plots (gnuplot is run without a shell; its strings are quoted)"""
    _, trace, _ = live("armv8-head", "cortex-a53")
    d = os.path.join(TMP, "it's, odd")
    os.makedirs(d, exist_ok=True)
    odd = os.path.join(d, 'a,b"c.trace')
    shutil.copyfile(trace, odd)
    out = os.path.join(d, "sw'x")
    p = raw("sweep", "--param", "tlb.main.entries=64,512", "--out", out, odd, timeout=300)
    assert p.returncode == 0, p.stderr
    with open(out + ".csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["trace"] for r in rows] == [odd, odd], rows
    assert [r["tlb.main.entries"] for r in rows] == ["64", "512"], rows
    with open(out + ".png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    p = raw("sweep", "--param", "tlb.main.entries=64", "--no-plot", "--out", out, odd + "\n", timeout=60)
    assert p.returncode == 2 and "line break" in p.stderr, p.stderr


def test_damaged_traces_are_reported():
    """truncations and bit flips: exit 2 and one line naming the file (with what is intact); no crash"""
    _, trace, _ = live("armv7-head", "cortex-a15")
    with open(trace, "rb") as f:
        data = f.read()
    bad = os.path.join(TMP, "bad.trace")
    rng = random.Random(5)
    cuts = [rng.randrange(len(data)) for _ in range(12)] + [len(data) - 1, 30]
    for cut in cuts:
        with open(bad, "wb") as f:
            f.write(data[:cut])
        for cmd in (("trace", "info"), ("replay",), ("trace", "dump"), ("trace", "export", "--format", "perfetto")):
            p = raw(*cmd, bad)
            assert p.returncode == 2, (cut, cmd, p.returncode, p.stderr[-500:])
            err = [l for l in p.stderr.splitlines() if l.strip()]
            assert err and bad in err[-1], (cut, cmd, p.stderr[-500:])
            assert "Sanitizer" not in p.stderr
        p = raw("trace", "info", bad)
        if cut > 200:
            assert "intact:" in p.stderr and "cut short" in p.stderr, p.stderr
    for i in range(40):
        b = bytearray(data)
        at = rng.randrange(len(b))
        b[at] ^= 1 << rng.randrange(8)
        with open(bad, "wb") as f:
            f.write(b)
        p = raw("replay", bad)
        assert p.returncode == 2 and bad in p.stderr and "Sanitizer" not in p.stderr, (at, p.stderr[-500:])


def test_corrupt_records_with_valid_crcs():
    """records damaged *inside* chunks whose CRC-32 is then made right again (a buggy writer, not
    a bad disk): every reader exits 0 or 2 with one line naming the file; no crash, no sanitizer
    report, no hang (the harness's timeout)"""
    _, trace, _ = live("armv8-head", "cortex-a53")
    with open(trace, "rb") as f:
        data = f.read()
    # the layout of docs/trace-format.md: header (magic, version, payload length, payload, CRC),
    # then chunks (MCHK, length, record count, CRC, payload), then the end marker
    plen = int.from_bytes(data[12:16], "little")
    pos = 16 + plen + 4
    chunks = []
    while data[pos:pos + 4] == b"MCHK":
        ln = int.from_bytes(data[pos + 4:pos + 8], "little")
        chunks.append((pos, ln))
        pos += 16 + ln
    assert len(chunks) >= 2 and data[pos:pos + 4] == b"MEND", (len(chunks), data[pos:pos + 4])
    rng = random.Random(7)
    bad = os.path.join(TMP, "corrupt.trace")
    outcomes = set()
    for i in range(24):
        at, ln = chunks[rng.randrange(len(chunks))]
        payload = bytearray(data[at + 16:at + 16 + ln])
        for _ in range(rng.randint(1, 4)):
            k = rng.randrange(len(payload))
            if i % 3 == 0:
                payload[k] = rng.randrange(256)      # any byte
            elif i % 3 == 1:
                payload[k] ^= 1 << rng.randrange(8)  # one bit
            else:
                del payload[k]                       # a byte missing
        head = bytearray(data[at:at + 16])
        head[4:8] = len(payload).to_bytes(4, "little")
        head[12:16] = zlib.crc32(payload).to_bytes(4, "little")
        with open(bad, "wb") as f:
            f.write(data[:at] + bytes(head) + bytes(payload) + data[at + 16 + ln:])
        for cmd in (("replay",), ("trace", "dump"), ("trace", "stats")):
            p = raw(*cmd, bad, timeout=120)
            outcomes.add(p.returncode)
            assert p.returncode in (0, 2), (i, cmd, p.returncode, p.stderr[-800:])
            assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, (i, cmd, p.stderr[-800:])
            if p.returncode == 2:
                err = [l for l in p.stderr.splitlines() if l.strip()]
                assert err and bad in err[-1], (i, cmd, p.stderr[-500:])
    assert 2 in outcomes, outcomes  # the damage was seen


def test_killed_run_leaves_part_file():
    """a killed recording leaves FILE.part whose intact chunks trace info reports; FILE is not created"""
    tr = os.path.join(TMP, "killed.trace")
    proc = subprocess.Popen([MMUSCOPE, "run", "--machine", "virt-a53", "--trace", tr,
                             os.path.join(GUEST_DIR, "a64_memloop.bin")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not os.path.exists(tr + ".part") or os.path.getsize(tr + ".part") < 300000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not os.path.exists(tr)
    p, kv = info(tr + ".part")
    assert p.returncode == 2
    assert "cut short" in p.stderr and "intact:" in p.stderr, p.stderr
    assert int(kv["chunks"].split()[0]) >= 4, kv
    assert kv["status"].startswith("DAMAGED")


def test_bad_usage():
    """bad input: one line and exit 2 (missing file, unknown preset, bad --set, --trace without a model)"""
    _, trace, _ = live("armv8-head", "cortex-a53")
    cases = [
        (("replay", os.path.join(TMP, "nope.trace")), "nope.trace: cannot open"),
        (("replay", "--core", "cortex-z99", trace), "cortex-z99.ini: cannot open"),
        (("replay", "--set", "tlb.main.entries=zero", trace), "entries: 'zero' is not a number"),
        (("replay", "--set", "nodot=1", trace), "expected SECTION.KEY=VALUE"),
        (("sweep", "--param", "tlb.main.entries", trace), "--param wants"),
        (("sweep", "--param", "tlb.main.entries=3", trace), "does not divide"),
        (("trace", "frobnicate", trace), "unknown subcommand"),
        (("trace", "export", trace), "--format csv or --format perfetto"),
        (("run", "--core", "none", "--trace", os.path.join(TMP, "x.trace"), "armv7-head"), "needs a core preset"),
        (("trace", "info", os.path.join(FIRMWARE_DIR, "armv7-head.bin")), "not an mmuscope trace"),
    ]
    for args, msg in cases:
        p = raw(*args)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert lines and msg in lines[-1], (args, p.stderr)
    assert not os.path.exists(os.path.join(TMP, "x.trace")) and not os.path.exists(os.path.join(TMP, "x.trace.part"))


run_tests([
    test_replay_equals_live_armv7_head,
    test_replay_equals_live_armv8_head,
    test_replay_equals_live_memloop,
    test_replay_equals_live_stale_entries,
    test_replay_equals_live_tlb_bench,
    test_recording_changes_nothing,
    test_info_header_and_counts,
    test_dump_window_and_disassembly,
    test_stats_and_exports,
    test_replay_set_equals_live_modified_preset,
    test_replay_equals_live_every_policy,
    test_recorder_cache_is_exact,
    test_sweep_rows_equal_single_replays,
    test_sweep_odd_paths,
    test_damaged_traces_are_reported,
    test_corrupt_records_with_valid_crcs,
    test_killed_run_leaves_part_file,
    test_bad_usage,
])
