#!/usr/bin/env python3
"""Per-build overhead of each runner (`make bench-runners`): everything but pip's own work.

The same small sdists (a pure one and a C extension, generated) are built, offline against the
same wheelhouse (Debian's setuptools and wheel), by a bare `pip wheel` on this host and by
`wheelwright runner build` with the rootfs runner (bubblewrap and unshare + chroot), the oci
runner (podman) and the host runner, in one run, each ROUNDS times; medians are compared.

Two figures per runner: the build step alone (what the runner adds around `pip wheel`: the
sandbox, control group, driver and log, timed by the runner itself) and the whole command
(process start, the sdist's [build-system] read, the PEP 517 requirements step in the sandbox,
then the build). Results: bench/out/runners/results.json and a table.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench/out/runners")
WHEELWRIGHT = os.path.join(ROOT, ".build/release/wheelwright")
DATA = os.environ.get("WHEELWRIGHT_BENCH_DATA", os.path.join(ROOT, "bench/out/runners-data"))
ROUNDS = int(os.environ.get("ROUNDS", "7"))
ENV = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}


def run(argv):
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    wheelhouse = os.path.join(OUT, "wheelhouse")
    os.makedirs(wheelhouse)
    for name in os.listdir("/usr/share/python-wheels"):
        if name.startswith(("setuptools-", "wheel-")):
            shutil.copy(os.path.join("/usr/share/python-wheels", name), wheelhouse)
    sdists = {}
    for kind in ("pure", "cext"):
        path = subprocess.run([sys.executable, os.path.join(ROOT, "Tests/Support/make_build_sdist.py"), OUT, f"bench-{kind}", "1.0",
                               "--kind", kind], capture_output=True, text=True, check=True).stdout.strip()
        sdists[kind] = path
    common = ["--wheelhouse", wheelhouse, "--data", DATA, "--containers", os.path.join(ROOT, "containers")]
    print("== preparing debian-12 (rootfs, and its podman image)", flush=True)
    run([WHEELWRIGHT, "runner", "prepare", "debian-12", "--runner", "oci", "--data", DATA, "--containers", os.path.join(ROOT, "containers")])

    rootfs = json.loads(run([WHEELWRIGHT, "runner", "list", "--json", "--data", DATA, "--containers", os.path.join(ROOT, "containers")])[1])
    rootfs = next(r["path"] for r in rootfs if r["target"] == "debian-12" and not r["system_packages"])
    variants = {
        "pip wheel (host, bare)": None,
        "pip wheel (rootfs, bare chroot)": rootfs,
        "rootfs (bubblewrap)": ["--runner", "rootfs", "--sandbox", "bubblewrap"],
        "rootfs (unshare + chroot)": ["--runner", "rootfs", "--sandbox", "chroot"],
        "oci (podman)": ["--runner", "oci"],
        "host": ["--runner", "host"],
    }
    results = {}
    for kind, sdist in sdists.items():
        for label, flags in variants.items():
            walls, steps, probes = [], [], []
            for attempt in range(ROUNDS + 1):
                out = os.path.join(OUT, "wheels", kind, f"{list(variants).index(label)}-{attempt}")
                pip = ["-m", "pip", "wheel", "--no-deps", "--no-index", "--use-pep517", "--no-cache-dir", "--disable-pip-version-check"]
                if flags is None:
                    wall, _ = run(["/usr/bin/python3"] + pip + ["--find-links", wheelhouse, "-w", out, sdist])
                    step = wall
                elif isinstance(flags, str):
                    # The same pip and interpreter the runner uses, with nothing around them but the mounts.
                    os.makedirs(out)
                    script = ('mount --bind "$3" "$1/wheelhouse" && mount --bind "$4" "$1/out" && mount --bind "$5" "$1/src" && '
                              'exec chroot "$1" /usr/bin/python3.11 ' + " ".join(pip) + ' --find-links /wheelhouse -w /out "/src/$2"')
                    wall, _ = run(["unshare", "--mount", "--", "sh", "-c", script, "bare", flags, os.path.basename(sdist),
                                   wheelhouse, out, os.path.dirname(sdist)])
                    step = wall
                else:
                    wall, text = run([WHEELWRIGHT, "runner", "build", "debian-12", sdist, "--out", out, "--json"] + common + flags)
                    report = json.loads(text)
                    step = report["seconds"]
                    with open(report["log"]) as log:
                        # The supervisor's closing line of each step: the requirements step comes first.
                        probes.append(float(re.findall(r"\[wheelwright: exit 0 after ([0-9.]+) secs\]", log.read())[0]))
                if attempt > 0:  # the first round warms the page cache
                    walls.append(wall)
                    steps.append(step)
            probe = statistics.median(probes[1:]) if len(probes) > 1 else 0.0
            results[f"{kind} / {label}"] = {"wall": statistics.median(walls), "build_step": statistics.median(steps), "requirements_step": probe}
            print(f"  {kind:4} {label:32} requirements step {probe:6.3f} s   build step {statistics.median(steps):6.3f} s   "
                  f"whole command {statistics.median(walls):6.3f} s", flush=True)

    print("\n== overhead against a bare pip wheel on the host (medians of %d)" % ROUNDS)
    table = []
    for kind in sdists:
        for baseline in list(variants)[:2]:
            bare = results[f"{kind} / {baseline}"]["wall"]
            print(f"  against {baseline}: {bare:.3f} s")
            for label in list(variants)[2:]:
                entry = results[f"{kind} / {label}"]
                row = {"sdist": kind, "runner": label, "baseline": baseline, "baseline_s": round(bare, 3),
                       "build_step_overhead_ms": round((entry["build_step"] - bare) * 1000),
                       "whole_command_overhead_ms": round((entry["wall"] - bare) * 1000)}
                table.append(row)
                print(f"    {kind:4} {label:28} build step {row['build_step_overhead_ms']:+5d} ms   whole command {row['whole_command_overhead_ms']:+5d} ms")
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"rounds": ROUNDS, "medians": results, "overhead": table}, f, indent=2)


if __name__ == "__main__":
    main()
