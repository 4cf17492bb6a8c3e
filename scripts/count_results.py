#!/usr/bin/env python3
"""Adds up meson's testlog.json files and prints 'N passed, N failed, N skipped'.
Exits 1 when anything failed or when no test ran at all."""
import json
import sys


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            with open(path) as f:
                for line in f:
                    r = json.loads(line)["result"]
                    if r in ("OK", "EXPECTEDFAIL"):
                        passed += 1
                    elif r == "SKIP":
                        skipped += 1
                    else:
                        failed += 1
        except (OSError, ValueError, KeyError) as e:
            print(f"{path}: cannot read test results: {e}", file=sys.stderr)
            failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
