#!/usr/bin/env python3
"""The SBOM step's cost per wheel, beside the build it ends: sbom_cost.py DATA [OUT_DIR]

Reads the newest run under DATA/builds/ (what `wheelwright build --data DATA` left: report.json
and each item's build.log, whose last line the SBOM step writes: `sbom: … N ms`) and prints,
for every wheel built there, the build's seconds, the SBOM step's milliseconds and its share;
then the medians. `make bench-sbom` runs it after building whitelists/example.yaml from an
empty index. Writes OUT_DIR/sbom.json when OUT_DIR is given.
"""
import json, os, re, statistics, sys

data = sys.argv[1]
runs = sorted(os.listdir(os.path.join(data, "builds")))
run = os.path.join(data, "builds", runs[-1])
report = json.load(open(os.path.join(run, "report.json")))
rows = []
for result in report["results"]:
    if result.get("status") != "built" or not result.get("log"):
        continue
    text = open(result["log"], errors="replace").read()
    found = re.search(r"^sbom: .* added to (\S+): (\d+) installed wheels, (\d+) crates, (\d+) bytes, ([0-9.]+) ms$", text, re.M)
    if not found:
        continue  # a prebuilt wheel: taken from upstream unchanged, no SBOM of ours
    rows.append({"wheel": found.group(1), "installed": int(found.group(2)), "crates": int(found.group(3)), "bytes": int(found.group(4)),
                 "sbom_ms": float(found.group(5)), "build_s": result["seconds"]})
print(f"run {os.path.basename(run)}: {len(rows)} wheels built with an SBOM\n")
print("| wheel | build | SBOM step | share | installed wheels | SBOM bytes |")
print("|---|---:|---:|---:|---:|---:|")
for row in sorted(rows, key=lambda r: r["wheel"]):
    print(f"| {row['wheel']} | {row['build_s']:.1f} s | {row['sbom_ms']:.1f} ms | {row['sbom_ms'] / 10 / row['build_s']:.2f}% | {row['installed']} | {row['bytes']:,} |")
summary = {"wheels": len(rows), "median_sbom_ms": statistics.median(r["sbom_ms"] for r in rows),
           "median_build_s": statistics.median(r["build_s"] for r in rows),
           "median_share_percent": statistics.median(r["sbom_ms"] / 10 / r["build_s"] for r in rows)}
print(f"\nmedian SBOM step {summary['median_sbom_ms']:.1f} ms per wheel, median build {summary['median_build_s']:.1f} s: "
      f"the SBOM is {summary['median_share_percent']:.2f}% of a wheel's build (median of the shares)")
if len(sys.argv) > 2:
    os.makedirs(sys.argv[2], exist_ok=True)
    json.dump({"run": os.path.basename(run), "rows": rows, "summary": summary}, open(os.path.join(sys.argv[2], "sbom.json"), "w"), indent=2)
