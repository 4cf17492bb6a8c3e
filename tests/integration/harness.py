"""Small TAP harness for mmuscope's integration tests (stdlib only).

Each test module calls run_tests(list_of_functions); each function is one TAP case and fails
by raising (assert). The mmuscope binary and the firmware directory come from the
environment meson sets: MMUSCOPE, MMUSCOPE_FIRMWARE_DIR, LLVM_NM.
"""
import json
import os
import subprocess
import sys
import tempfile
import traceback

MMUSCOPE = os.environ.get("MMUSCOPE", "build/frontends/mmuscope")
FIRMWARE_DIR = os.environ.get("MMUSCOPE_FIRMWARE_DIR", "build/firmware")
LLVM_NM = os.environ.get("LLVM_NM", "llvm-nm")


class Run:
    def __init__(self, proc, events, stats):
        self.status = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.events = events
        self.stats = stats

    def of_kind(self, kind):
        return [e for e in self.events if e["kind"] == kind]

    def __repr__(self):
        return f"<exit {self.status}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}>"


def mmuscope(*args, timeout=120, command="run"):
    """Runs `mmuscope COMMAND ARGS` with --events/--stats into a temp dir; returns a Run."""
    with tempfile.TemporaryDirectory() as d:
        ev, st = os.path.join(d, "ev.jsonl"), os.path.join(d, "st.json")
        proc = subprocess.run([MMUSCOPE, command, "--events", ev, "--stats", st, *args],
                              capture_output=True, text=True, timeout=timeout)
        events, stats = [], None
        if os.path.exists(ev):
            with open(ev) as f:
                events = [json.loads(line) for line in f]
        if os.path.exists(st):
            with open(st) as f:
                stats = json.load(f)
        return Run(proc, events, stats)


def raw(*args, timeout=120):
    """Runs mmuscope with exactly ARGS (no extra options)."""
    return subprocess.run([MMUSCOPE, *args], capture_output=True, text=True, timeout=timeout)


def symbols(image):
    """name -> address from the firmware ELF (llvm-nm)."""
    out = subprocess.run([LLVM_NM, os.path.join(FIRMWARE_DIR, image + ".elf")],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def one_line_error(proc):
    """The last stderr line: what a user sees as the reason."""
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def run_tests(tests):
    print(f"1..{len(tests)}")
    failed = 0
    for i, t in enumerate(tests, 1):
        name = (t.__doc__ or t.__name__).strip().splitlines()[0]
        try:
            t()
            print(f"ok {i} - {name}")
        except Exception:  # noqa: BLE001 - every failure is reported as TAP
            failed += 1
            print(f"not ok {i} - {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
    sys.stdout.flush()
    sys.exit(1 if failed else 0)
