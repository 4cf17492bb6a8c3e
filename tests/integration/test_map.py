#!/usr/bin/env python3
"""The address-space map: PNG snapshots checked by pixels, the live window under Xvfb, bad input.

The PNGs are decoded here with the standard library only (zlib + struct). The layout JSON that
--png-layout writes says where each region is drawn; every check then looks at the PNG's own
pixels there. Expected addresses come from the ELF symbols (llvm-nm) and from the boot code's
documented layout (firmware/head.S, docs/armv8-head.md, seed 000), with the arithmetic in the
comments, never from an earlier run.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib

from harness import MMUSCOPE, one_line_error, raw, run_tests, symbols

TMP = tempfile.mkdtemp(prefix="mmuscope-map-")
PAGE_OFFSET = 0xC0000000
PHYS_OFFSET = 0x80000000  # virt-a15 RAM base (configs/machines/virt-a15.ini)
V7 = symbols("armv7-head")


def png_decode(path):
    """(width, height, rows of (r, g, b)) for an 8-bit RGB/RGBA PNG, non-interlaced."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(ctype + body) & 0xFFFFFFFF == crc, f"bad CRC in {ctype}"
        if ctype == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
        pos += 12 + length
    w, h, depth, color, _, _, interlace = hdr
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {hdr}"
    bpp = 4 if color == 6 else 3
    raw_rows = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = raw_rows[y * (stride + 1)]
        line = bytearray(raw_rows[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def pixels(img, box):
    """The pixels of the rectangle [x, y, w, h]."""
    _, _, rows = img
    x, y, w, h = box
    return [rows[j][i] for j in range(y, y + h) for i in range(x, x + w)]


def snapshot(name, image, whens, machine=None):
    """Runs one boot with --snapshot for each WHEN; returns [(layout, decoded png)] in order."""
    png = os.path.join(TMP, name + ".png")
    args = ["run", "--png", png, "--png-layout"]
    if machine:
        args += ["--machine", machine]
    for w in whens:
        args += ["--snapshot", w]
    p = raw(*args, image)
    assert p.returncode == 0, p.stderr
    out = []
    for i in range(len(whens)):
        f = png if len(whens) == 1 else os.path.join(TMP, f"{name}-{i + 1}.png")
        with open(f[:-4] + ".json") as j:
            lay = json.load(j)
        assert not os.path.exists(f + ".part"), "a .part file was left behind"
        out.append((lay, png_decode(f)))
    return out


def legend(lay, label):
    return tuple(next(e["color"] for e in lay["legend"] if e["label"] == label))


def region_at(lay, va):
    return [r for r in lay["regions"] if int(r["va"], 16) <= va < int(r["va"], 16) + int(r["length"], 16)]


def perm_label(r):
    """The legend entry the renderer must use for a region (its documented colour rule)."""
    if r["ttbr"] < 0:
        return "MMU off (flat)"
    if r["memtype"].startswith(("device", "strongly")):
        return "device memory"
    if r["el0"] != "---":
        return "EL0 accessible"
    return {"rwx": "EL1 rwx (W+X)", "rw-": "EL1 rw-", "r-x": "EL1 r-x", "r--": "EL1 r--"}.get(r["el1"], "no access")


def swatch_is_legend_colour(lay, img, r):
    want = legend(lay, perm_label(r))
    got = set(pixels(img, r["swatch"]))
    assert got == {want}, f"region {r['va']}: swatch pixels {got}, legend '{perm_label(r)}' is {want}"


# the MCR that sets SCTLR.M is the third instruction of __turn_mmu_on (firmware/head.S:
# mov r0, r0; isb; mcr p15, 0, r0, c1, c0, 0), so its PA is _pa(__turn_mmu_on) + 8, where
# _pa(va) = va - PAGE_OFFSET + PHYS_OFFSET
# LeakSanitizer suppressions for the runs that start SDL's video (ASan builds): see the file
SUPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan-sdl-x11.supp")

MCR_PA = V7["__turn_mmu_on"] + 8 - PAGE_OFFSET + PHYS_OFFSET
V7_SNAPS = []


def v7_snaps():
    if not V7_SNAPS:
        V7_SNAPS.extend(snapshot("v7", "armv7-head", [f"pc:0x{MCR_PA:x}", "mmu_enable"]))
    return V7_SNAPS


def test_v7_before_enable():
    """armv7-head just before the MCR that enables the MMU: one flat region, no kernel region"""
    (lay, img), _ = v7_snaps()
    assert lay["mmu_on"] is False and int(lay["pc"], 16) == MCR_PA, (lay["mmu_on"], lay["pc"])
    assert [r["mapping"] for r in lay["regions"]] == ["flat"]
    flat = lay["regions"][0]
    # flat: VA 0 .. 2^32 with the MMU off (ARM ARM B3.2.1)
    assert int(flat["va"], 16) == 0 and int(flat["length"], 16) == 1 << 32
    swatch_is_legend_colour(lay, img, flat)
    assert not [r for r in lay["regions"] if r["ttbr"] >= 0]


def test_v7_after_enable():
    """armv7-head right after the MMU is on: kernel sections at 0xC0000000 -> PHYS_OFFSET, identity map"""
    (before, bimg), (lay, img) = v7_snaps()
    assert lay["mmu_on"] is True
    # __create_page_tables maps the kernel's first section: VA PAGE_OFFSET -> PA PHYS_OFFSET
    k = region_at(lay, PAGE_OFFSET)
    assert len(k) == 1 and int(k[0]["pa"], 16) + PAGE_OFFSET - int(k[0]["va"], 16) == PHYS_OFFSET, k
    assert k[0]["mapping"] == "1M-section" and k[0]["ttbr"] == 0
    # the identity section covers __turn_mmu_on at VA == PA (head.S: "map every section touched
    # by .idmap.text at VA == PA")
    idm = region_at(lay, MCR_PA)
    assert len(idm) == 1 and int(idm[0]["va"], 16) == int(idm[0]["pa"], 16), idm
    for r in (k[0], idm[0]):
        swatch_is_legend_colour(lay, img, r)
    # by pixels: the kernel region's colour fills its box after enable ...
    kc = tuple(k[0]["color"])
    kbox = k[0]["box"]
    after = pixels(img, kbox)
    assert after.count(kc) > len(after) // 2, "the kernel region is not drawn in its box"
    # ... and the same screen area holds no pixel of it before enable (the flat region is there)
    assert pixels(bimg, kbox).count(kc) == 0, "kernel colour present before the MMU is on"
    # the table page: swapper_pg_dir at PHYS_OFFSET + 0x4000 (TEXT_OFFSET 0x8000 - 16K, head.S)
    assert [int(t["pa"], 16) for t in lay["tables"]] == [PHYS_OFFSET + 0x4000]
    assert lay["tables"][0]["size"] == 0x4000 and lay["tables"][0]["level"] == 1
    # the PA row holding it shows table-page (yellow) pixels
    rows = [p for p in lay["pa_rows"] if int(p["lo"], 16) <= PHYS_OFFSET + 0x4000 < int(p["hi"], 16)]
    assert rows and rows[0]["kind"] == "ram", rows
    assert legend(lay, "table page (PA)") in pixels(img, rows[0]["box"])


def test_v8_at_enable():
    """armv8-head at mmu_enable: seed 000's identity and kernel blocks, six tables at init_pg_dir"""
    ((lay, img),) = snapshot("v8", "armv8-head", ["mmu_enable"], machine="virt-a53")
    # seed 000: L2 entries 4..18 are 2 MiB blocks; entry i maps VA 0x80000000 + i * 2M in the
    # TTBR0 identity map, so 0x80800000 .. 0x80800000 + 15 * 2M = 0x82600000 (30 MiB)
    idm = region_at(lay, 0x80800000)
    assert len(idm) == 1 and idm[0]["ttbr"] == 0 and idm[0]["mapping"] == "2M-block"
    assert int(idm[0]["va"], 16) == 0x80800000 and int(idm[0]["pa"], 16) == 0x80800000
    assert int(idm[0]["length"], 16) == 15 * 0x200000
    # and the kernel at KIMAGE_VADDR + offset: 0xffff000080800000 -> 0x80800000, same 30 MiB
    k = region_at(lay, 0xFFFF000080800000)
    assert len(k) == 1 and k[0]["ttbr"] == 1 and int(k[0]["pa"], 16) == 0x80800000
    assert int(k[0]["length"], 16) == 15 * 0x200000
    for r in (idm[0], k[0]):
        swatch_is_legend_colour(lay, img, r)
    # init_pg_dir at 0x82500000 holds the six tables: 0x82500000 + n * 4K, n = 0..5
    got = sorted(int(t["pa"], 16) for t in lay["tables"])
    assert got == [0x82500000 + n * 0x1000 for n in range(6)], [hex(g) for g in got]
    yellow = legend(lay, "table page (PA)")
    for t in lay["tables"]:
        pa = int(t["pa"], 16)
        rows = [p for p in lay["pa_rows"] if int(p["lo"], 16) <= pa < int(p["hi"], 16)]
        assert rows and yellow in pixels(img, rows[0]["box"]), f"table {hex(pa)} not highlighted"


def test_hover_box():
    """--png-hover draws the live window's hover frame around the region holding the VA"""
    va = 0xFFFF800008002000  # the third vmalloc test page of armv8-head (docs/armv8-head.md)
    png = os.path.join(TMP, "hover.png")
    plain = os.path.join(TMP, "plain.png")
    for f, extra in ((png, ["--png-hover", hex(va)]), (plain, [])):
        p = raw("run", "--machine", "virt-a53", "--snapshot", "exit", "--png", f, "--png-layout", *extra, "armv8-head")
        assert p.returncode == 0, p.stderr
    with open(png[:-4] + ".json") as j:
        lay = json.load(j)
    (r,) = region_at(lay, va)
    x, y, w, h = r["box"]
    frame_row = [x - 1 + i for i in range(w + 2)]
    hi, lo = png_decode(png), png_decode(plain)
    # the frame is one white pixel line just above the box (map_render.c: C_HI around the box)
    assert all(hi[2][y - 1][i] == (255, 255, 255) for i in frame_row[:w // 4]), "no hover frame"
    assert not all(lo[2][y - 1][i] == (255, 255, 255) for i in frame_row[:w // 4]), "frame without --png-hover"


def test_insn_trigger():
    """insn:N fires at the first block boundary after N instructions; numbered files in order"""
    (first, _), (last, _) = snapshot("insn", "armv7-head", ["insn:1", "exit"])
    # SCTLR.M is 0 out of reset (ARM ARM B4.1.130) and the head runs thousands of instructions
    # before __turn_mmu_on, so the first block boundary after one instruction has the MMU off
    assert first["mmu_on"] is False and first["trigger"] == "snapshot insn:1"
    assert 1 <= first["insns"] < last["insns"], (first["insns"], last["insns"])
    assert last["mmu_on"] is True and last["trigger"] == "snapshot exit"


def test_bad_when():
    """--snapshot with a bad WHEN: one line naming it, exit 2, nothing written"""
    png = os.path.join(TMP, "bad.png")
    for when in ("sometime", "pc:", "insn:x", "pc:-1"):
        p = raw("run", "--snapshot", when, "--png", png, "armv7-head")
        assert p.returncode == 2 and when in one_line_error(p) and "WHEN" in one_line_error(p), p.stderr
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not os.path.exists(png) and not os.path.exists(png + ".part")


def test_unwritable_png():
    """--png into a directory that does not exist: one line, exit 2, before the guest runs"""
    png = os.path.join(TMP, "no-such-dir", "x.png")
    p = raw("run", "--snapshot", "exit", "--png", png, "armv7-head")
    assert p.returncode == 2 and png in one_line_error(p) and "cannot write" in one_line_error(p), p.stderr
    assert "[head]" not in p.stdout, "the guest ran"
    assert not os.path.exists(os.path.dirname(png))


def test_pairing_and_missing_trigger():
    """--snapshot without --png is refused; a trigger never reached is reported and exits 1"""
    p = raw("run", "--snapshot", "exit", "armv7-head")
    assert p.returncode == 2 and "--png" in one_line_error(p), p.stderr
    png = os.path.join(TMP, "never.png")
    # 0x4 is in the vector page, which armv7-head never executes (its vectors are at 0xffff0000)
    p = raw("run", "--snapshot", "pc:0x4", "--png", png, "armv7-head")
    assert p.returncode == 1 and "never reached" in p.stderr and png in p.stderr, p.stderr
    assert not os.path.exists(png)


def test_map_without_display():
    """--map with no display: one clear line, exit 2, no crash"""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    p = subprocess.run([MMUSCOPE, "run", "--map", "armv7-head"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2, p
    assert "--map" in one_line_error(p) and "display" in one_line_error(p), p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_map_display_not_there():
    """--map with DISPLAY naming a server that is not running: one line, exit 2, no hang"""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["DISPLAY"] = ":93"  # assumed free: no /tmp/.X11-unix/X93 socket
    env["LSAN_OPTIONS"] = "print_suppressions=0:suppressions=" + SUPP  # SDL's video init opened libdbus
    assert not os.path.exists("/tmp/.X11-unix/X93")
    p = subprocess.run([MMUSCOPE, "run", "--map", "armv7-head"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2 and "':93'" in one_line_error(p), p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "[head]" not in p.stdout, "the guest ran"


def test_map_under_xvfb():
    """--map under Xvfb: the window renders frames while tlb-bench-v8 runs, then closes"""
    assert shutil.which("xvfb-run"), "xvfb-run is missing (Debian package xvfb)"
    env = dict(os.environ)
    # ASan builds: libdbus (opened by SDL's X11 driver) keeps its state past SDL_Quit; see the file
    env["LSAN_OPTIONS"] = "print_suppressions=0:suppressions=" + SUPP
    p = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", MMUSCOPE, "run", "--map",
                        "--map-frames", "45", "--machine", "virt-a53", "tlb-bench-v8"],
                       capture_output=True, text=True, timeout=240, env=env)
    assert p.returncode == 0, p.stderr
    line = next(l for l in p.stderr.splitlines() if l.startswith("mmuscope: map: "))
    m = re.match(r"mmuscope: map: (\d+) frames in [\d.]+ s \(([\d.]+) fps\), (\d+) while the guest ran", line)
    assert m, line
    frames, running = int(m.group(1)), int(m.group(3))
    assert frames == 45, line
    assert running >= 1, f"no frame drawn while the guest ran: {line}"
    # the guest powered off, or was still running at frame 45 and was stopped by the window
    assert "poweroff" in p.stderr or "quit from the map window" in p.stderr, p.stderr


if __name__ == "__main__":
    run_tests([test_v7_before_enable, test_v7_after_enable, test_v8_at_enable, test_hover_box, test_insn_trigger, test_bad_when,
               test_unwritable_png, test_pairing_and_missing_trigger, test_map_without_display, test_map_display_not_there,
               test_map_under_xvfb])
