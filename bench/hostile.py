#!/usr/bin/env python3
"""Writes hostile and broken whitelist files into a folder (hostile.py DIR), one per case,
and times `wheelwright whitelist lint` on each (hostile.py DIR WHEELWRIGHT): goal, each
refused with one clear error in under a second. Prints one JSON line."""
import json
import os
import random
import subprocess
import sys
import time


def write(folder):
    os.makedirs(folder, exist_ok=True)
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghij"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append("? *j\n: boom")
    cases = {
        "alias-bomb.yaml": "\n".join(lines).encode(),
        "huge-50mb.yaml": b"packages:\n" + b'  - name: p\n    versions: ["1.0"]\n' * (50 * 1024 * 1024 // 34),
        "binary-garbage.yaml": random.Random(1).randbytes(1 << 20),
        "invalid-utf8.yaml": b'packages:\n  - name: caf\xc3\n    versions: ["1.0"]\n',
        "truncated.yaml": b'packages:\n  - name: six\n    versions: ["1.16.0", "1.1',
        "top-level-list.yaml": b'- name: six\n  versions: ["1.16.0"]\n',
        "deeply-nested.yaml": b"packages: " + b"[" * 10000 + b"]" * 10000 + b"\n",
    }
    for name, data in cases.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return sorted(cases)


def main(folder, binary):
    results = {}
    for name in write(folder):
        start = time.perf_counter()
        run = subprocess.run([binary, "whitelist", "lint", os.path.join(folder, name)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        first = (run.stdout.strip().splitlines() or [run.stderr.strip()])[0]
        results[name] = {"seconds": round(elapsed, 4), "exit": run.returncode, "first_line": first[:160]}
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
