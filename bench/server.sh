#!/usr/bin/env bash
# The index server benchmark (`make bench-server`): wheelwright, devpi-server and pypiserver side
# by side, in one run, on this machine. It installs the peers into bench/out/peers (a venv),
# generates a corpus of small valid wheels, uploads it to each server with twine (timed), loads
# each with wrk (project page HTML and JSON, index root list), reads each server's RSS, and
# times the root list of a wheelwright index with 100,000 projects.
#
# Environment: PROJECTS (200) x VERSIONS (10) wheels; DURATION of each wrk run (20s).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/server
rm -rf "$out" && mkdir -p "$out"
projects=${PROJECTS:-200}
versions=${VERSIONS:-10}
duration=${DURATION:-20s}
python=.venv/bin/python
wheelwright=.build/release/wheelwright

source bench/common.sh
install_peers
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== corpus: $projects projects x $versions versions"
$python bench/corpus.py "$out/corpus" "$projects" "$versions" >/dev/null
probe="bench-project-$(printf %03d $((projects / 2)))"

echo "== starting the servers"
ww_port=$(free_port); dv_port=$(free_port); ps_port=$(free_port)
mkdir -p "$out/pypiserver"
"$peers/bin/pypi-server" run -p "$ps_port" -i 127.0.0.1 -P . -a . "$out/pypiserver" >"$out/pypiserver.log" 2>&1 &
ps_pid=$!; pids+=("$ps_pid")
start_wheelwright_and_devpi "$ww_port" "$dv_port"
wait_for "http://127.0.0.1:$ps_port/"

upload() { # name url user password -> seconds
  local start end
  start=$(date +%s.%N)
  "$peers/bin/twine" upload --non-interactive --disable-progress-bar --repository-url "$2" -u "$3" -p "$4" "$out"/corpus/*.whl >"$out/twine-$1.log" 2>&1
  end=$(date +%s.%N)
  $python -c "print($end - $start)"
}
echo "== twine upload of $((projects * versions)) files to each"
ww_upload=$(upload wheelwright "http://127.0.0.1:$ww_port/bench/stage/" bench benchpw); echo "  wheelwright: ${ww_upload}s"
ps_upload=$(upload pypiserver "http://127.0.0.1:$ps_port/" x x); echo "  pypiserver: ${ps_upload}s"
dv_upload=$(upload devpi "http://127.0.0.1:$dv_port/root/bench/" root benchpw); echo "  devpi-server: ${dv_upload}s"

json_accept='Accept: application/vnd.pypi.simple.v1+json'
load() { # name url [header] -> wrk output file
  local file="$out/wrk-$1.txt"
  if [ $# -ge 3 ]; then wrk -t2 -c16 -d"$duration" --latency -H "$3" "$2" >"$file" 2>&1
  else wrk -t2 -c16 -d"$duration" --latency "$2" >"$file" 2>&1; fi
  echo "  $1: $(grep 'Requests/sec' "$file")"
}
echo "== wrk -t2 -c16 -d$duration --latency"
load ww-page "http://127.0.0.1:$ww_port/bench/stage/+simple/$probe/"
load ww-json "http://127.0.0.1:$ww_port/bench/stage/+simple/$probe/" "$json_accept"
load ww-root "http://127.0.0.1:$ww_port/bench/stage/+simple/"
load dv-page "http://127.0.0.1:$dv_port/root/bench/+simple/$probe/"
load dv-json "http://127.0.0.1:$dv_port/root/bench/+simple/$probe/" "$json_accept"
load dv-root "http://127.0.0.1:$dv_port/root/bench/+simple/"
load ps-page "http://127.0.0.1:$ps_port/simple/$probe/"
load ps-json "http://127.0.0.1:$ps_port/simple/$probe/" "$json_accept"
load ps-root "http://127.0.0.1:$ps_port/simple/"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
ww_rss=$(rss "$ww_pid"); dv_rss=$(rss "$dv_pid"); ps_rss=$(rss "$ps_pid")
# devpi-server forks nothing here; its RSS is the process'. Sizes in kB.

echo "== root list of an index with 100,000 projects (wheelwright)"
.build/release/wheelwright-bench seed-index "$out/big" big/many 100000 >"$out/seed.json"
big_port=$(free_port)
$wheelwright serve --data "$out/big" --port "$big_port" >"$out/big.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$big_port/+health"
big_cold=$(curl -s -o "$out/big-root.html" -w '%{time_total}' "http://127.0.0.1:$big_port/big/many/+simple/")
big_warm=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$big_port/big/many/+simple/")
big_json=$(curl -s -o /dev/null -H "$json_accept" -w '%{time_total}' "http://127.0.0.1:$big_port/big/many/+simple/")
big_links=$(grep -c '<a href' "$out/big-root.html")

$python - "$out" "$ww_upload" "$dv_upload" "$ps_upload" "$ww_rss" "$dv_rss" "$ps_rss" "$big_cold" "$big_warm" "$big_json" "$big_links" "$((projects * versions))" <<'PY'
import json, sys
sys.path.insert(0, "bench")
import wrk_output
out = sys.argv[1]
ww_up, dv_up, ps_up = (float(x) for x in sys.argv[2:5])
rss = dict(zip(["wheelwright", "devpi-server", "pypiserver"], (int(x) for x in sys.argv[5:8])))
big_cold, big_warm, big_json = (float(x) for x in sys.argv[8:11])
big_links, files = int(sys.argv[11]), int(sys.argv[12])

def wrk(name):
    return wrk_output.parse(f"{out}/wrk-{name}.txt")


servers = {"wheelwright": "ww", "devpi-server": "dv", "pypiserver": "ps"}
uploads = {"wheelwright": ww_up, "devpi-server": dv_up, "pypiserver": ps_up}
results = {name: {kind: wrk(f"{short}-{kind}") for kind in ["page", "json", "root"]} for name, short in servers.items()}
for name in servers:
    results[name]["rss_mb"] = rss[name] / 1024
    results[name]["upload_seconds"] = uploads[name]
    results[name]["upload_files_per_second"] = files / uploads[name]
results["root_list_100k"] = {"links": big_links, "cold_ms": big_cold * 1000, "warm_ms": big_warm * 1000, "json_ms": big_json * 1000}
json.dump(results, open(f"{out}/results.json", "w"), indent=2)

print()
print(f"{'server':<14}{'page req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'json req/s':>11}{'p99 ms':>9}{'root req/s':>11}{'p99 ms':>9}{'RSS MB':>8}{'upload f/s':>11}")
for name in servers:
    r = results[name]
    print(f"{name:<14}{r['page']['rps']:>11.0f}{r['page']['p50_ms']:>9.2f}{r['page']['p99_ms']:>9.2f}{r['json']['rps']:>11.0f}{r['json']['p99_ms']:>9.2f}{r['root']['rps']:>11.0f}{r['root']['p99_ms']:>9.2f}{r['rss_mb']:>8.1f}{r['upload_files_per_second']:>11.1f}")
ww, dv = results["wheelwright"], results["devpi-server"]
print()
print(f"wheelwright / devpi-server: project page {ww['page']['rps'] / dv['page']['rps']:.1f}x req/s (goal 20x, p99 < 5 ms: {ww['page']['p99_ms']:.2f} ms), "
      f"upload {ww['upload_files_per_second'] / dv['upload_files_per_second']:.1f}x files/s (goal 25x), RSS {ww['rss_mb']:.1f} MB (goal < 50)")
print(f"root list of 100,000 projects: {big_links} links, cold {big_cold*1000:.1f} ms, warm {big_warm*1000:.1f} ms, JSON {big_json*1000:.1f} ms (goal < 100 ms)")
PY
