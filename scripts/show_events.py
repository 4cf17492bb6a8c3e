#!/usr/bin/env python3
"""Prints an events.jsonl file (from mmuscope run --events) as an aligned table."""
import json
import sys


def main():
    if len(sys.argv) != 2:
        print("usage: show_events.py EVENTS.jsonl", file=sys.stderr)
        return 2
    skip = {"cache_maintenance", "console_line"}
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f, 1):
            try:
                ev = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{sys.argv[1]}:{n}: not JSON: {e}", file=sys.stderr)
                return 2
            if ev["kind"] in skip:
                continue
            rest = {k: v for k, v in ev.items() if k not in ("kind", "pc", "insn")}
            detail = " ".join(f"{k}={v}" for k, v in rest.items())
            print(f"{ev['insn']:>8}  {ev['pc']:>10}  {ev['kind']:<24} {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
