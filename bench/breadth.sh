#!/usr/bin/env bash
# The breadth benchmark (`make bench-breadth`, needs PyPI): the 50 most-downloaded PyPI projects
# (bench/breadth-projects.txt, with the date the list was taken) requested as a new user would
# (`wheelwright whitelist add NAME`, for debian-12 and debian-13; numpy==2.5.5 added besides, which
# needs Python >=3.12), then built by one `wheelwright build` for both targets with the rootfs
# runner. Prints, per target, what was built, skipped (with the reason) and failed (by class), and
# the total time; writes bench/out/breadth/report.json and summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/breadth
rm -rf "$out" && mkdir -p "$out"
python=/usr/bin/python3
wheelwright=$PWD/.build/release/wheelwright
data=${WHEELWRIGHT_BENCH_DATA:-$PWD/bench/out/runners-data}
jobs=${JOBS:-2}
unset PIP_FIND_LINKS
source bench/common.sh

echo "== requesting the 50 projects with whitelist add (debian-12, debian-13)"
whitelist=$out/whitelist.yaml
printf 'defaults:\n  targets: [debian-12, debian-13]\npackages: []\n' > "$whitelist"
: > "$out/refused.txt"
grep -v '^#' bench/breadth-projects.txt | while read -r name packages; do
  if ! $wheelwright whitelist add "$name" --file "$whitelist" --containers containers --requested-by bench \
       --reason "breadth benchmark" >"$out/add-$name.log" 2>&1; then
    echo "$name: $(grep -m1 'error' "$out/add-$name.log")" | tee -a "$out/refused.txt"
  fi
done
$wheelwright whitelist add numpy==2.5.5 --file "$whitelist" --containers containers --requested-by bench \
  --reason "needs Python >=3.12: skipped on debian-12, built on debian-13" >"$out/add-numpy-2.5.5.log" 2>&1 || cat "$out/add-numpy-2.5.5.log"
# The Debian packages named after a project in the list: what a requester adds by hand.
$python - "$whitelist" bench/breadth-projects.txt <<'PY'
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
$wheelwright whitelist lint "$whitelist" --containers containers

echo "== preparing debian-12 and debian-13 (once per recipe; not timed)"
$wheelwright runner prepare debian-12 debian-13 --data "$data" >/dev/null

echo "== wheelwright build of both targets, $jobs at once"
port=$(free_port)
WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/index" --port "$port" >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$port/+health"
start=$(date +%s.%N)
WHEELWRIGHT_PASSWORD=benchpw $wheelwright build "$whitelist" --server "http://127.0.0.1:$port" --user root --containers containers \
  --data "$data" --cache "$out/cache" --jobs "$jobs" --json >"$out/report.json" 2>"$out/build.log" || true
end=$(date +%s.%N)

$python - "$out" "$start" "$end" <<'PY'
import collections, json, sys
out, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
report = json.load(open(f"{out}/report.json"))
targets = ["debian-12", "debian-13"]
summary = {t: {"built": [], "pure, built once": [], "skipped": [], "failed": collections.defaultdict(list)} for t in targets}
for result in report["results"]:
    item, status, reason = result["item"], result["status"], result.get("reason") or ""
    name = f'{item["project"]} {item["version"]}'
    row = summary[item["target"]]
    if status == "built":
        row["built"].append(name)
    elif status == "skipped" and "pure wheel" in reason:
        row["pure, built once"].append(name)
    elif status == "skipped":
        row["skipped"].append(f"{name}: {reason}")
    else:
        row["failed"][reason.split(":")[0] if ":" in reason else reason].append(name)
for skipped in report.get("skipped", []):
    item = skipped["item"]
    if item["target"] in summary and "requires Python" in skipped["reason"]:
        summary[item["target"]]["skipped"].append(skipped["reason"])
print(f"total {end - start:.0f} s for {len(report['results'])} items")
for target in targets:
    row = summary[target]
    failed = sum(len(v) for k, v in row["failed"].items() if k != "needs a crate registry")
    registry = row["failed"].get("needs a crate registry", [])
    ok = len(row["built"]) + len(row["pure, built once"])
    rate = ok / (ok + failed) if ok + failed else 0
    print(f"\n{target}: {ok} built ({len(row['built'])} on it, {len(row['pure, built once'])} pure wheels built once), "
          f"{failed} failed, {len(registry)} need a crate registry, {len(row['skipped'])} skipped: {rate:.0%} of the buildable built")
    for line in row["skipped"]:
        print(f"  skipped  {line}")
    for kind, names in sorted(row["failed"].items()):
        print(f"  {kind}: {', '.join(names)}")
json.dump({"seconds": round(end - start, 1), "targets": summary}, open(f"{out}/summary.json", "w"), indent=1, default=list)
PY
echo "failures' reasons: jq '.results[] | select(.status == \"failed\") | .reason' $out/report.json"
