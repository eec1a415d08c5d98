#!/usr/bin/env python3
"""Version workloads for bench/run.sh.

  versions.py generate N FILE         write N realistic, valid version strings (seeded)
  versions.py sort FILE [REPETITIONS] time packaging's parse + sort, print one JSON line
"""
import json
import random
import sys
import time


def generate(count, path):
    rng = random.Random(440)
    lines = []
    for _ in range(count):
        text = ".".join(str(rng.choice([0, 1, 2, 3, rng.randint(0, 30), rng.randint(0, 2025)]))
                        for _ in range(rng.choice([1, 2, 2, 3, 3, 3, 4])))
        if rng.random() < 0.05:
            text = f"{rng.randint(1, 3)}!{text}"
        if rng.random() < 0.2:
            text += rng.choice(["a", "b", "rc", "-alpha", ".beta", "c", "pre"]) + str(rng.randint(0, 5))
        if rng.random() < 0.15:
            text += rng.choice([".post", "-", ".rev", "post"]) + str(rng.randint(1, 9))
        if rng.random() < 0.15:
            text += rng.choice([".dev", "dev", "-DEV"]) + str(rng.randint(0, 9))
        if rng.random() < 0.05:
            text += "+" + rng.choice(["ubuntu.1", "deb12u1", "local.7", "g1a2b3c"])
        if rng.random() < 0.05:
            text = "v" + text
        lines.append(text)
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def sort(path, repetitions):
    from packaging.version import Version

    lines = open(path).read().split("\n")[:-1]
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        ordered = sorted(Version(line) for line in lines)
        best = min(best, time.perf_counter() - start)
    digest = 14695981039346656037
    for byte in "\n".join(str(v) for v in ordered).encode():
        digest = ((digest ^ byte) * 1099511628211) % (1 << 64)
    print(json.dumps({"count": len(lines), "seconds": best, "first": str(ordered[0]), "last": str(ordered[-1]), "fnv1a": format(digest, "x")}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3])
    else:
        sort(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
