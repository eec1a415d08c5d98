#!/usr/bin/env bash
# Benchmarks of issue 2, side by side with the peer, in one run. `make bench` builds the
# release binaries and the venv first. Results: bench/out/results.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
python=.venv/bin/python
release=.build/release

echo "== parse + sort 100,000 versions: wheelwright (Swift) vs packaging $($python -c 'import packaging; print(packaging.__version__)') (Python)"
$python bench/versions.py generate 100000 "$out/versions.txt"
swift_json=$($release/wheelwright-bench sort-versions "$out/versions.txt" 5)
python_json=$($python bench/versions.py sort "$out/versions.txt" 5)
echo "  swift:  $swift_json"
echo "  python: $python_json"

echo "== lint a 5,000-entry whitelist (whole process, best of 5)"
rm -rf "$out/lint" && mkdir -p "$out/lint"
$python bench/whitelist.py 5000 "$out/lint/bench.yaml"
lint_json=$($python - "$release/wheelwright" "$out/lint" <<'PY'
import json, subprocess, sys, time
binary, folder = sys.argv[1], sys.argv[2]
best, output = float("inf"), ""
for _ in range(5):
    start = time.perf_counter()
    run = subprocess.run([binary, "whitelist", "lint", folder], capture_output=True, text=True)
    best = min(best, time.perf_counter() - start)
    output = run.stdout.strip().splitlines()[-1]
print(json.dumps({"seconds": best, "exit": run.returncode, "summary": output}))
PY
)
echo "  wheelwright: $lint_json"

echo "== hostile and broken whitelist files (each: one error, under a second)"
hostile_json=$($python bench/hostile.py "$out/hostile" "$release/wheelwright")
echo "  $hostile_json"

$python - "$swift_json" "$python_json" "$lint_json" "$hostile_json" "$out/results.json" <<'PY'
import json, sys
swift, python, lint, hostile = (json.loads(a) for a in sys.argv[1:5])
results = {
    "sort_100k_versions": {
        "wheelwright_seconds": swift["seconds"], "packaging_seconds": python["seconds"],
        "speedup": python["seconds"] / swift["seconds"],
        "same_order": swift["fnv1a"] == python["fnv1a"], "goal": ">= 10x",
    },
    "lint_5000_entries": {"wheelwright_seconds": lint["seconds"], "exit": lint["exit"], "summary": lint["summary"], "goal": "< 0.5 s"},
    "hostile_files": hostile,
}
json.dump(results, open(sys.argv[5], "w"), indent=2)
s = results["sort_100k_versions"]
print()
print(f"{'benchmark':<28}{'wheelwright':>14}{'peer':>14}{'ratio':>10}  goal")
print(f"{'parse+sort 100k versions':<28}{s['wheelwright_seconds']:>13.3f}s{s['packaging_seconds']:>13.3f}s{s['speedup']:>9.1f}x  >= 10x (same order: {s['same_order']})")
l = results["lint_5000_entries"]
print(f"{'lint 5,000 entries':<28}{l['wheelwright_seconds']:>13.3f}s{'-':>14}{'':>10}  < 0.5 s ({l['summary']})")
worst = max(hostile.values(), key=lambda h: h["seconds"])
print(f"{'hostile files (slowest)':<28}{worst['seconds']:>13.3f}s{'-':>14}{'':>10}  < 1 s each, all exit 1: {all(h['exit'] == 1 for h in hostile.values())}")
if not s["same_order"] or l["exit"] != 0 or any(h["exit"] != 1 for h in hostile.values()):
    sys.exit("benchmark results disagree: see bench/out/results.json")
PY
