#!/usr/bin/env bash
# The repair benchmark (`make bench-repair`, needs PyPI): pyyaml 6.0.3 from its sdist with
# libyaml-dev, built for debian-12 by `wheelwright build` twice per round in one run: with
# `repair: graft` (libyaml copied into the wheel by auditwheel, tagged manylinux) and with
# `repair: system` (linux_x86_64, libyaml-0-2 recorded): the difference is what repair adds to a
# wheel's build. Each build goes to indices of its own (the index is non-volatile), with the
# same caches, so both sides build from the same sdist and wheelhouse.
# Environment: ROUNDS (3). Results: bench/out/repair/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/repair
rm -rf "$out" && mkdir -p "$out"
python=/usr/bin/python3
wheelwright=$PWD/.build/release/wheelwright
data=${WHEELWRIGHT_BENCH_DATA:-$PWD/bench/out/runners-data}
rounds=${ROUNDS:-3}
unset PIP_FIND_LINKS
source bench/common.sh

echo "== preparing debian-12 with libyaml-dev (once per recipe; not timed)"
$wheelwright runner prepare debian-12 --system-package libyaml-dev --data "$data" >/dev/null

port=$(free_port)
WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/index" --port "$port" >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/+health" && break; sleep 0.1; done

build() { # mode round -> JSON report in $out/MODE-ROUND.json
  printf 'defaults:\n  targets: [debian-12]\npackages:\n  - name: pyyaml\n    versions: ["6.0.3"]\n    system-packages: [libyaml-dev]\n    repair: %s\n' "$1" >"$out/$1.yaml"
  WHEELWRIGHT_PASSWORD=benchpw $wheelwright build "$out/$1.yaml" --server "http://127.0.0.1:$port" --user root \
    --data "$data" --cache "$out/cache" --json --pure-index "r$2$1/pure" --binary-index "r$2$1/{target}" --consumer-index "c$2$1/{target}" \
    >"$out/$1-$2.json" 2>"$out/$1-$2.log"
}
echo "== warming the caches (sdist, build requirements, repair tools; not timed)"
build graft 0 && build system 0
for round in $(seq 1 "$rounds"); do
  build graft "$round"; build system "$round"
  echo "  round $round done"
done
$python - "$out" "$rounds" <<'PY' | tee "$out/summary.txt"
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def item(mode, round):
    report = json.load(open(f"{out}/{mode}-{round}.json"))
    (result,) = [r for r in report["results"] if r["item"]["project"] == "pyyaml"]
    assert result["status"] == "built", result
    # The log's confined steps in order: build requirements, build, then repair or describe.
    steps = [float(s) for s in re.findall(r"exit 0 after ([0-9.]+) secs", open(result["log"]).read())]
    return result, steps
runs = {mode: [item(mode, r) for r in range(1, rounds + 1)] for mode in ("graft", "system")}
def median(mode, index): return statistics.median(steps[index] for _, steps in runs[mode])
total = {mode: min(result["seconds"] for result, _ in runs[mode]) for mode in runs}
print(f"pyyaml 6.0.3 for debian-12, {rounds} rounds of each (item: fetch, build, repair or description, upload)")
for mode in ("system", "graft"):
    print(f"  repair: {mode:6}  item best {total[mode]:6.2f} s; confined steps (median): requirements {median(mode, 0):.2f} s, "
          f"build {median(mode, 1):.2f} s, {'repair' if mode == 'graft' else 'describe'} {median(mode, 2):.2f} s  {runs[mode][0][0]['wheel']}")
repair, build = median("graft", 2), median("graft", 1)
print(f"  the repair step: {repair:.2f} s per wheel, {repair / build:.2f}x its build step; items: graft/system {total['graft'] / total['system']:.2f}x")
json.dump({"item_seconds": total, "repair_step_seconds": repair, "describe_step_seconds": median("system", 2),
           "build_step_seconds": build}, open(f"{out}/results.json", "w"), indent=1)
PY
