#!/usr/bin/env python3
"""Runs one firmware image in mmuscope and in QEMU (an independent implementation of the same
architecture) and compares what the guest prints, line by line.

    scripts/qemu_compare.py [--cpu cortex-a15] IMAGE...      (names of built images or paths)

AArch32 images (armv7-head, armv7-lpae-head, ...): QEMU's `virt` board has RAM at 0x40000000,
and `-kernel` places a raw binary at RAM + 0x10000, where these images (which need a 16 MiB
aligned PHYS_OFFSET + 0x8000) refuse to run. So the raw image is wrapped in a legacy U-Boot
uImage header (load = entry = 0x40008000, OS Linux), which QEMU loads there and enters as a
Linux kernel (r0 = 0, r1 = machine id, r2 = DTB). mmuscope runs the same raw image with
`--set machine.ram_base=0x40000000`.
AArch64 images (arm64 Image header, magic "ARM\x64" at 0x38, e.g. armv8-head): QEMU boots
them with -kernel as Linux arm64 Images, at RAM (0x40000000) + text_offset. For an image
NAME that has a NAME-qemu build (armv8-head-qemu: text_offset 0x40800000, so the image lands
at 0x80800000 as on virt-a53) that one runs in both; mmuscope runs it on virt-a53 with RAM at
0x40000000, 2 GiB and the DTB where QEMU puts it (0x82600000, after image_size).

Lines that differ for reasons outside the MMU (the device tree QEMU builds, the MIDR of its CPU
model) are listed in EXPECTED below with the reason; any other difference fails (exit 1).
Needs qemu-system-arm (Debian package qemu-system-arm, which also holds qemu-system-aarch64).
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MMUSCOPE = os.environ.get("MMUSCOPE", os.path.join(ROOT, "build", "frontends", "mmuscope"))
FW_DIR = os.environ.get("MMUSCOPE_FIRMWARE_DIR", os.path.join(ROOT, "build", "firmware"))

# (pattern, why the two differ)
EXPECTED = [
    (r"DTB.*totalsize", "QEMU's generated device tree has another size"),
    (r"#address-cells|#size-cells|root cells", "QEMU's device tree uses 2/2 cells, mmuscope's 1/1"),
    (r"L3\[254\]|L3\[254\.\.", "QEMU's DTB is 1 MiB long, so the fixmap maps 256 pages instead of 1"),
    (r"CPU: ARMv7 Processor \[|MIDR", "the CPU model's MIDR differs: Unicorn 2.0.1 (QEMU 5.0) and QEMU 7.2 model other revisions"),
]


def find_image(name):
    if os.path.exists(name):
        return name
    for d in [FW_DIR] + [os.path.join(FW_DIR, s) for s in sorted(os.listdir(FW_DIR))
                         if os.path.isdir(os.path.join(FW_DIR, s))]:
        for ext in (".bin", ".elf"):
            p = os.path.join(d, name + ext)
            if os.path.exists(p):
                return p
    sys.exit(f"qemu_compare: {name}: no such file or built image")


def uimage(raw, addr):
    """legacy uImage: 64-byte big-endian header (magic 0x27051956, header CRC, time, size, load,
    entry, data CRC, os 5 = Linux, arch 2 = ARM, type 2 = kernel, comp 0, name)"""
    def hdr(hcrc):
        return struct.pack(">7I4B32s", 0x27051956, hcrc, 0, len(raw), addr, addr,
                           zlib.crc32(raw) & 0xFFFFFFFF, 5, 2, 2, 0, b"mmuscope")
    return hdr(zlib.crc32(hdr(0)) & 0xFFFFFFFF) + raw


def is_a64(path):
    """an arm64 Image (magic at 0x38) or an AArch64 ELF (e_machine 183)"""
    with open(path, "rb") as f:
        h = f.read(64)
    if h[:4] == b"\x7fELF":
        return h[4] == 2 and struct.unpack("<H", h[18:20])[0] == 183
    return h[0x38:0x3c] == b"ARM\x64"


def run(cmd, timeout=60):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, errors="replace")
    return p.returncode, p.stdout.replace("\r", "")


def compare(name, cpu, tmp):
    img = find_image(name)
    if img.endswith(".elf"):
        img = img[:-4] + ".bin"
    a64 = is_a64(img)
    if a64:
        qimg = img[:-4] + "-qemu.bin"
        if os.path.exists(qimg):
            img = qimg
        qemu = shutil.which("qemu-system-aarch64")
        mm = [MMUSCOPE, "run", "--machine", "virt-a53", "--set", f"machine.cpu={cpu or 'cortex-a53'}",
              "--set", "machine.ram_base=0x40000000", "--set", "machine.ram_size=2G",
              "--set", "machine.dtb_addr=0x82600000", img]
        q = [qemu, "-M", "virt", "-cpu", cpu or "cortex-a53", "-m", "2G", "-nographic", "-monitor", "none",
             "-kernel", img]
    else:
        qemu = shutil.which("qemu-system-arm")
        u = os.path.join(tmp, os.path.basename(img) + ".uimg")
        with open(img, "rb") as f, open(u, "wb") as o:
            o.write(uimage(f.read(), 0x40008000))
        mm = [MMUSCOPE, "run", "--machine", "virt-a15", "--set", f"machine.cpu={cpu or 'cortex-a15'}",
              "--set", "machine.ram_base=0x40000000", img]
        q = [qemu, "-M", "virt", "-cpu", cpu or "cortex-a15", "-m", "256M", "-nographic", "-monitor", "none",
             "-kernel", u]
    if not qemu:
        sys.exit("qemu_compare: qemu-system-arm is not installed (apt-get install qemu-system-arm)")
    st_m, out_m = run(mm)
    st_q, out_q = run(q)
    lm, lq = out_m.splitlines(), out_q.splitlines()
    same = expected = 0
    bad = []
    for i in range(max(len(lm), len(lq))):
        a = lm[i] if i < len(lm) else "<no line>"
        b = lq[i] if i < len(lq) else "<no line>"
        if a == b:
            same += 1
            continue
        why = next((w for p, w in EXPECTED if re.search(p, a) and re.search(p, b)), None)
        if why:
            expected += 1
        else:
            bad.append((i + 1, a, b))
    print(f"{name} on {cpu or ('cortex-a53' if a64 else 'cortex-a15')}: mmuscope exit {st_m}, QEMU exit {st_q}; "
          f"{len(lm)} / {len(lq)} lines, {same} identical, {expected} differ for known reasons, "
          f"{len(bad)} unexplained")
    for n, a, b in bad[:10]:
        print(f"  line {n}:\n    mmuscope: {a}\n    qemu:     {b}")
    return st_m == 0 and st_q == 0 and not bad and same > 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpu", default=None)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = all([compare(n, a.cpu, tmp) for n in a.images])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
