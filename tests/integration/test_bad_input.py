#!/usr/bin/env python3
"""Bad input: every case ends with a one-line reason and the documented exit status."""
import os
import struct
import tempfile

from harness import FIRMWARE_DIR, mmuscope, one_line_error, raw, run_tests

TMP = tempfile.mkdtemp(prefix="mmuscope-bad-")


def write(name, data, mode="wb"):
    path = os.path.join(TMP, name)
    with open(path, mode) as f:
        f.write(data)
    return path


def arm(*words):
    """A raw A32 image from instruction words (little-endian)."""
    return struct.pack(f"<{len(words)}I", *words)


def test_missing_file():
    """a missing image names the file and exits 2"""
    p = raw("run", os.path.join(TMP, "nope.bin"))
    assert p.returncode == 2, p
    assert "nope.bin" in one_line_error(p) and "cannot open" in one_line_error(p), p.stderr


def test_unknown_firmware_name():
    """an unknown image name lists the built firmware images"""
    p = raw("run", "no-such-image")
    assert p.returncode == 2, p
    assert "armv7-head" in one_line_error(p), p.stderr


def test_elf_magic_then_garbage():
    """ELF magic followed by garbage is a truncated ELF header"""
    p = raw("run", write("garbage.elf", b"\x7fELF" + b"\x13" * 20))
    assert p.returncode == 2, p
    assert "garbage.elf" in one_line_error(p) and "truncated ELF header" in one_line_error(p), p.stderr


def test_truncated_elf():
    """an ELF cut short inside its segments is reported as truncated"""
    with open(os.path.join(FIRMWARE_DIR, "armv7-head.elf"), "rb") as f:
        data = f.read()
    path = write("cut.elf", data[:0x1100])
    p = raw("run", path)
    assert p.returncode == 2, p
    assert "cut.elf" in one_line_error(p) and "truncated" in one_line_error(p), p.stderr


def test_elf64_rejected():
    """a 64-bit ELF for another machine, or an AArch64 one on a 32-bit CPU, is refused"""
    hdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(57)           # e_machine 0
    p = raw("run", "--machine", "virt-a53", write("other64.elf", hdr))
    assert p.returncode == 2, p
    assert "other64.elf" in one_line_error(p) and "not little-endian AArch64" in one_line_error(p), p.stderr
    hdr = bytearray(hdr)
    hdr[18:20] = (183).to_bytes(2, "little")                    # EM_AARCH64 = 183 (elf.h)
    p = raw("run", write("a64.elf", bytes(hdr)))               # default machine: cortex-a15
    assert p.returncode == 2, p
    assert "a64.elf" in one_line_error(p) and "needs an AArch64 CPU" in one_line_error(p), p.stderr


def test_garbage_raw_image():
    """garbage bytes as a raw image end as an exception without a vector (exit 4)"""
    # 0xffffffff is in the A32 unconditional space with op1 = 0b1111111: UNDEFINED (ARM ARM A5.7).
    # VBAR is 0 and there is no memory at 0x4, so the undefined-instruction vector is not there.
    p = raw("run", write("garbage.bin", b"\xff" * 64))
    assert p.returncode == 4, p
    assert "undefined" in one_line_error(p) and "no vector" in one_line_error(p), p.stderr


def test_ini_syntax_error():
    """an INI syntax error names the file and line"""
    path = write("bad.ini", "[machine]\nram_base = 0x80000000\nthis line is not ini\n", "w")
    p = raw("run", "--machine", path, "armv7-head")
    assert p.returncode == 2, p
    assert "bad.ini:3:" in one_line_error(p), p.stderr


def test_ini_bad_value():
    """an INI value that is not a number names the file, line and key"""
    path = write("badval.ini", "[machine]\ncpu = cortex-a15\nram_size = lots\n", "w")
    p = raw("run", "--machine", path, "armv7-head")
    assert p.returncode == 2, p
    line = one_line_error(p)
    assert "badval.ini:3:" in line and "machine.ram_size" in line, p.stderr


def test_ini_unknown_key():
    """an unknown INI key is refused, with its line"""
    path = write("unk.ini", "[machine]\ncpu = cortex-a15\n[uart]\nbaud = 9600\n", "w")
    p = raw("run", "--machine", path, "armv7-head")
    assert p.returncode == 2, p
    assert "unk.ini:4:" in one_line_error(p) and "uart.baud" in one_line_error(p), p.stderr


def test_unknown_cpu():
    """--set machine.cpu with an unknown core is refused"""
    p = raw("run", "--set", "machine.cpu=cortex-a99", "armv7-head")
    assert p.returncode == 2, p
    assert "cortex-a99" in one_line_error(p), p.stderr


def test_set_unknown_key():
    """--set with an unknown key is refused"""
    p = raw("run", "--set", "machine.flux=1", "armv7-head")
    assert p.returncode == 2, p
    assert "machine.flux" in one_line_error(p), p.stderr


def test_ram_too_small():
    """an image larger than RAM is refused before running"""
    path = write("big.bin", bytes(2 << 20))
    p = raw("run", "--set", "machine.ram_size=1M", path)
    assert p.returncode == 2, p
    assert "big.bin" in one_line_error(p) and "does not fit in RAM" in one_line_error(p), p.stderr


def test_image_overlaps_dtb():
    """an image that would be overwritten by the DTB is refused, naming both ranges"""
    # 4 MiB of RAM: the DTB goes to ram_base + 2 MiB = 0x80200000; a 3 MiB image loaded at
    # 0x80008000 covers it
    path = write("over.bin", bytes(3 << 20))
    p = raw("run", "--set", "machine.ram_size=4M", path)
    assert p.returncode == 2, p
    err = one_line_error(p)
    assert "over.bin" in err and "overlaps the DTB at 0x80200000" in err, p.stderr


def test_load_address_outside_ram():
    """a load address outside RAM is refused"""
    p = raw("run", "--set", "machine.load_addr=0x10000000", "armv7-head")
    assert p.returncode == 2, p
    assert "outside RAM" in one_line_error(p), p.stderr


def test_unknown_machine():
    """an unknown machine name is refused"""
    p = raw("run", "--machine", "no-such-board", "armv7-head")
    assert p.returncode == 2, p
    assert "no-such-board" in one_line_error(p), p.stderr


def test_bad_translate_arg():
    """--translate with a non-address is a usage error"""
    p = raw("run", "--translate", "0xc0000000,banana", "armv7-head")
    assert p.returncode == 2, p
    assert "banana" in one_line_error(p), p.stderr


def test_runaway_guest_time_limit():
    """a guest that loops forever hits --timeout: exit 3"""
    path = write("loop.bin", arm(0xEAFFFFFE))  # b . (A1 B, imm24 = -2: PC+8-8)
    r = mmuscope("--timeout", "0.5", path)
    assert r.status == 3, r
    assert "time limit" in one_line_error(r), r.stderr
    assert r.stats["exit_reason"] == "time_limit"


def test_runaway_guest_insn_limit():
    """a guest that loops forever hits --max-insns: exit 3, having run at least that many"""
    path = write("loop2.bin", arm(0xEAFFFFFE))
    r = mmuscope("--max-insns", "100000", path)
    assert r.status == 3, r
    assert "instruction limit" in one_line_error(r), r.stderr
    # each block of `b .` is one instruction, and the check runs at every block start
    assert r.stats["instructions"] == 100000, r.stats


def test_unwritable_events_file():
    """an events file that cannot be written is an error before the run"""
    p = raw("run", "--events", os.path.join(TMP, "no/such/dir/ev.jsonl"), "armv7-head")
    assert p.returncode == 2, p
    assert "cannot write" in one_line_error(p), p.stderr


if __name__ == "__main__":
    run_tests([v for k, v in sorted(globals().items()) if k.startswith("test_")])
