#!/usr/bin/env bash
# The build benchmark (`make bench-build`, needs PyPI): the same 10 pinned packages
# (bench/build-packages.txt: five C extensions, five pure) built from source, side by side in one
# run, by devpi-builder into devpi-server (PIP_NO_BINARY naming the 10 forces their source builds;
# their build requirements come as wheels, as in wheelwright's wheelhouses) and by
# `wheelwright build` into wheelwright's index with the rootfs runner (every build isolated in
# debian-12). Timed: the cold run (empty caches), the no-op rerun, the warm run (caches full,
# a new empty index), the limit (a bare `pip wheel` of each sdist on the host, as many at once as
# there are cores: no isolation, no repair, no upload), and a no-op plan of 5,000 entries × 2
# targets against an index that holds them. Results: bench/out/build/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/build
rm -rf "$out" && mkdir -p "$out"
peers=bench/out/peers
python=/usr/bin/python3
wheelwright=$PWD/.build/release/wheelwright
data=${WHEELWRIGHT_BENCH_DATA:-$PWD/bench/out/runners-data}
unset PIP_FIND_LINKS
if [ ! -x "$peers/bin/devpi-builder" ]; then
  [ -x "$peers/bin/pip" ] || $python -m venv "$peers"
  "$peers/bin/pip" install --quiet --disable-pip-version-check devpi-server==6.20.3 devpi-client==7.3.0 devpi-builder==7.1.0
fi
source bench/common.sh
now() { date +%s.%N; }
seconds() { $python -c "print(round($2 - $1, 3))"; }

# wheelwright's whitelist of the same packages, for debian-12 (pyyaml with libyaml-dev).
{
  echo "defaults:"; echo "  targets: [debian-12]"; echo "packages:"
  while IFS='=' read -r name _ version; do
    echo "  - name: $name"; echo "    versions: [\"$version\"]"
    [ "$name" = pyyaml ] && echo "    system-packages: [libyaml-dev]"
  done < bench/build-packages.txt
} > "$out/whitelist.yaml"

echo "== preparing debian-12 and its libyaml-dev variant (once per recipe; not timed)"
$wheelwright runner prepare debian-12 --data "$data" >/dev/null
$wheelwright runner prepare debian-12 --system-package libyaml-dev --data "$data" >/dev/null

echo "== devpi-server + devpi-builder"
dv_port=$(free_port)
"$peers/bin/devpi-init" --serverdir "$out/devpi" --no-root-pypi --root-passwd benchpw >"$out/devpi-init.log" 2>&1
"$peers/bin/devpi-server" --serverdir "$out/devpi" --host 127.0.0.1 --port "$dv_port" >"$out/devpi.log" 2>&1 &
dv_pid=$!
ww_pid=
trap 'kill $dv_pid $ww_pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$dv_port/+api" && break; sleep 0.1; done
"$peers/bin/devpi" use --clientdir "$out/devpi-client" "http://127.0.0.1:$dv_port" >/dev/null
"$peers/bin/devpi" login --clientdir "$out/devpi-client" root --password benchpw >/dev/null
"$peers/bin/devpi" index --clientdir "$out/devpi-client" -c root/bench volatile=False bases= >/dev/null
devpi_builder() {
  PIP_NO_BINARY=$(cut -d= -f1 bench/build-packages.txt | paste -sd,) PIP_NO_CACHE_DIR=1 PIP_INDEX_URL=https://pypi.org/simple/ \
    "$peers/bin/devpi-builder" --batch --user root --password benchpw --junit-xml "$out/devpi-builder-$1.xml" \
    bench/build-packages.txt "http://127.0.0.1:$dv_port/root/bench" >"$out/devpi-builder-$1.log" 2>&1 || echo "  (devpi-builder exited $?)"
}
start=$(now); devpi_builder cold; dv_cold=$(seconds "$start" "$(now)")
start=$(now); devpi_builder noop; dv_noop=$(seconds "$start" "$(now)")
echo "  cold ${dv_cold}s, no-op ${dv_noop}s"

echo "== wheelwright serve + wheelwright build (rootfs runner)"
ww_port=$(free_port)
WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/ww-index" --port "$ww_port" >"$out/ww-serve.log" 2>&1 &
ww_pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$ww_port/+health" && break; sleep 0.1; done
ww_build() {
  WHEELWRIGHT_PASSWORD=benchpw $wheelwright build "$out/whitelist.yaml" --server "http://127.0.0.1:$ww_port" --user root \
    --data "$data" --cache "$out/ww-cache" --junit "$out/wheelwright-$1.xml" "${@:2}" >"$out/wheelwright-$1.log" 2>&1 || echo "  (wheelwright exited $?)"
}
start=$(now); ww_build cold; ww_cold=$(seconds "$start" "$(now)")
start=$(now); ww_build noop; ww_noop=$(seconds "$start" "$(now)")
echo "  cold ${ww_cold}s, no-op ${ww_noop}s"
# Warm: the sdists and the wheelhouses cached, an empty index: what the builds themselves cost.
kill $ww_pid; wait $ww_pid 2>/dev/null || true
WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/ww-index-warm" --port "$ww_port" >"$out/ww-serve-warm.log" 2>&1 &
ww_pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$ww_port/+health" && break; sleep 0.1; done
start=$(now); ww_build warm; ww_warm=$(seconds "$start" "$(now)")
echo "  warm caches, empty index ${ww_warm}s"

echo "== the limit: a bare pip wheel of each sdist on the host, $(nproc) at a time"
# No isolation, no repair, no upload: the compilers and the build backends alone. A first pass
# fills pip's cache of the build requirements (as wheelwright's wheelhouses are filled).
bare() {
  find "$out/ww-cache/files" -name '*.tar.gz' -o -name '*.zip' | xargs -P "$(nproc)" -I{} env PIP_CACHE_DIR="$out/bare-cache" \
    PIP_INDEX_URL=https://pypi.org/simple/ "$peers/bin/python" -m pip wheel --no-deps --disable-pip-version-check -q -w "$out/bare-$1" {} \
    >>"$out/bare.log" 2>&1
}
bare warmup
start=$(now); bare timed; bare_s=$(seconds "$start" "$(now)")
echo "  ${bare_s}s ($(ls "$out/bare-timed" | wc -l) wheels)"

echo "== a no-op plan of 5,000 entries × 2 targets (the index holds a pure wheel of each)"
kill $ww_pid; wait $ww_pid 2>/dev/null || true
.build/release/wheelwright-bench seed-index "$out/ww-big" opensource/pure 5000 >/dev/null
WHEELWRIGHT_ROOT_PASSWORD=bench $wheelwright serve --data "$out/ww-big" --port "$ww_port" >"$out/ww-big.log" 2>&1 &
ww_pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$ww_port/+health" && break; sleep 0.1; done
{
  echo "defaults:"; echo "  targets: [debian-12, debian-13]"; echo "packages:"
  for i in $(seq 0 4999); do echo "  - name: seeded-project-$i"; echo "    versions: [\"1.0\"]"; done
} > "$out/big.yaml"
start=$(now)
WHEELWRIGHT_PASSWORD=bench $wheelwright plan "$out/big.yaml" --server "http://127.0.0.1:$ww_port" --user root >"$out/big-plan.log" 2>&1
ww_big=$(seconds "$start" "$(now)")
tail -1 "$out/big-plan.log"
# devpi-builder checks each entry against the index on its own: its no-op time grows with the
# list. Its 10-entry no-op above plus 15 ms per further entry (measured on this machine, in the
# issue) estimates its 5,000.
dv_big=$($python -c "print(round($dv_noop + 4990 * 0.015, 1))")

$python - "$out" "$dv_cold" "$dv_noop" "$ww_cold" "$ww_noop" "$ww_big" "$dv_big" "$ww_warm" "$bare_s" <<'PY'
import json, re, sys
out, dv_cold, dv_noop, ww_cold, ww_noop, ww_big, dv_big, ww_warm, bare = sys.argv[1], *map(float, sys.argv[2:])
def junit(path):
    text = open(path).read()
    m = re.search(r'tests="(\d+)"[^>]*failures="(\d+)"', text) or re.search(r'failures="(\d+)"[^>]*tests="(\d+)"', text)
    return text.count("<testcase"), text.count("<failure") + text.count("<error")
results = {
    "devpi-builder": {"cold_s": dv_cold, "noop_s": dv_noop, "plan_5000_estimate_s": dv_big,
                      "testcases_failures": junit(f"{out}/devpi-builder-cold.xml")},
    "wheelwright": {"cold_s": ww_cold, "noop_s": ww_noop, "warm_s": ww_warm, "plan_5000_s": ww_big,
                    "testcases_failures": junit(f"{out}/wheelwright-cold.xml")},
    "bare_pip_wheel_s": bare,
}
results["ratios"] = {"cold": round(ww_cold / dv_cold, 3), "noop": round(ww_noop / dv_noop, 3),
                     "cold_vs_bare": round(ww_cold / bare, 3), "warm_vs_bare": round(ww_warm / bare, 3)}
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print(f"\n{'':24}{'devpi-builder':>16}{'wheelwright':>14}{'ratio':>8}")
print(f"{'cold, 10 packages':24}{dv_cold:>15.1f}s{ww_cold:>13.1f}s{ww_cold / dv_cold:>8.2f}")
print(f"{'no-op rerun':24}{dv_noop:>15.2f}s{ww_noop:>13.2f}s{ww_noop / dv_noop:>8.2f}")
print(f"{'warm caches, empty index':24}{'':>16}{ww_warm:>13.1f}s")
print(f"limit: bare pip wheel, {bare:.1f}s; wheelwright cold {ww_cold / bare:.2f}x, warm {ww_warm / bare:.2f}x of it")
print(f"{'no-op plan, 5,000 × 2':24}{dv_big:>14.1f}s*{ww_big:>13.2f}s")
print("  * devpi-builder's 10-entry no-op + 15 ms per further entry")
print(f"JUnit (testcases, failures): devpi-builder {results['devpi-builder']['testcases_failures']}, wheelwright {results['wheelwright']['testcases_failures']}")
PY
