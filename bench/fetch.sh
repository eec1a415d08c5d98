#!/usr/bin/env bash
# Fetch benchmark (`make bench-fetch`, needs PyPI): every sdist of whitelists/opensource.yaml,
# cold and warm, with wheelwright fetch, side by side with `pip download --no-deps --no-binary
# :all:` of the same list, in one run. Results: bench/out/fetch/results.json and a line each.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/fetch
rm -rf "$out" && mkdir -p "$out"
python=.venv/bin/python
wheelwright=.build/release/wheelwright
unset PIP_FIND_LINKS

# timed FILE COMMAND...: runs the command with its output in FILE; prints the seconds it took.
timed() { local file=$1 start end; shift; start=$(date +%s.%N); "$@" >"$file" 2>&1 || true; end=$(date +%s.%N); $python -c "print(round($end - $start, 3))"; }

echo "== wheelwright fetch (cold, then warm)"
cold=$(timed "$out/cold.json" $wheelwright fetch whitelists/opensource.yaml --cache "$out/cache" --json --jobs 8)
warm=$(timed "$out/warm.json" $wheelwright fetch whitelists/opensource.yaml --cache "$out/cache" --json --jobs 8)
$python - "$out/cold.json" "$out/requirements.txt" <<'PY'
import json, sys
files = json.load(open(sys.argv[1]))["files"]
with open(sys.argv[2], "w") as out:
    for f in files:
        if f["status"] in ("fetched", "cached"):
            out.write(f"{f['name']}=={f['version']}\n")
print(f"  {sum(f['status'] in ('fetched', 'cached') for f in files)} sdists, {sum(f['status'] == 'failed' for f in files)} failed")
PY
echo "  cold ${cold}s, warm ${warm}s"

echo "== pip download --no-deps --no-binary :all: (same list, no cache; one pip per requirement, as"
echo "   pip refuses two versions of one project in one run, and as devpi-builder runs it)"
pip_each() { while read -r requirement; do
  .venv/bin/pip download --no-cache-dir --no-deps --no-binary :all: --disable-pip-version-check -q -d "$out/pip" "$requirement" || echo "failed: $requirement"
done <"$out/requirements.txt"; }
pip_time=$(timed "$out/pip.log" pip_each)
pip_count=$(ls "$out/pip" 2>/dev/null | wc -l)
echo "  pip: ${pip_time}s for $pip_count files"

$python - "$cold" "$warm" "$pip_time" "$pip_count" "$out/results.json" <<'PY'
import json, sys
cold, warm, pip, count = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
results = {"wheelwright_cold_s": cold, "wheelwright_warm_s": warm, "pip_download_s": pip, "pip_files": count,
           "cold_speedup": pip / cold, "goals": "cold >= 3x pip; warm < 0.5 s"}
json.dump(results, open(sys.argv[5], "w"), indent=2)
print(f"\nfetch: wheelwright cold {cold:.2f}s vs pip {pip:.2f}s = {pip / cold:.1f}x (goal 3x); warm {warm:.2f}s (goal < 0.5 s)")
PY
