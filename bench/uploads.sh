#!/usr/bin/env bash
# Concurrent uploads (`make bench-uploads`): FILES small wheels uploaded to wheelwright and to
# devpi-server 6.20.3 (non-volatile index), side by side in one run, by one twine process, by
# PROCESSES twine processes at once (each its share of the files), and by a lean HTTP client with
# WORKERS concurrent uploads (bench/upload_client.py: what the server can take when the client's
# own CPU is not the limit).
# Environment: FILES (400), PROCESSES (4), WORKERS (16), WHEELWRIGHT (the binary: .build/release/
# wheelwright; another build to compare with). Results: bench/out/uploads/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/uploads
rm -rf "$out" && mkdir -p "$out"
files=${FILES:-400}
processes=${PROCESSES:-4}
workers=${WORKERS:-16}
python=.venv/bin/python
wheelwright=${WHEELWRIGHT:-.build/release/wheelwright}

source bench/common.sh
install_peers
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Three corpora of FILES wheels each (distinct names), one per way of uploading.
for round in one many lean; do
  $python bench/corpus.py "$out/corpus-$round" $((files / 10)) 10 "bench-$round" >/dev/null
done

ww_port=$(free_port); dv_port=$(free_port)
start_wheelwright_and_devpi "$ww_port" "$dv_port"

server_cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
# One phase: the uploads' wall time, their clients' CPU time and the server's, in seconds.
phase() { # name server-pid command...
  local name=$1 pid=$2; shift 2
  local before; before=$(server_cpu "$pid")
  $python bench/cpu_of.py "$@" >"$out/phase-$name.json"
  $python - "$out/phase-$name.json" "$before" "$(server_cpu "$pid")" <<'PY'
import json, sys
path, before, after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
phase = json.load(open(path))
phase["server_cpu_seconds"] = after - before
json.dump(phase, open(path, "w"))
PY
}
twine_command="$peers/bin/twine upload --non-interactive --disable-progress-bar"
for server in wheelwright devpi; do
  if [ $server = wheelwright ]; then url="http://127.0.0.1:$ww_port/bench/stage/"; user=bench; pid=$ww_pid
  else url="http://127.0.0.1:$dv_port/root/bench/"; user=root; pid=$dv_pid; fi
  phase $server-one "$pid" bash -c "$twine_command --repository-url $url -u $user -p benchpw $out/corpus-one/*.whl >>$out/twine.log 2>&1"
  many=""
  for ((p = 0; p < processes; p++)); do
    share=$(ls "$out"/corpus-many/*.whl | awk -v p=$p -v n=$processes 'NR % n == p' | tr '\n' ' ')
    many+="$twine_command --repository-url $url -u $user -p benchpw $share >>$out/twine.log 2>&1 & "
  done
  phase $server-many "$pid" bash -c "$many wait"
  phase $server-lean "$pid" bash -c "$python bench/upload_client.py $url $user benchpw $workers $out/corpus-lean/*.whl >/dev/null"
done
for server in wheelwright devpi; do
  count=$(curl -fs -H 'Accept: application/vnd.pypi.simple.v1+json' \
    "http://127.0.0.1:$([ $server = wheelwright ] && echo "$ww_port/bench/stage" || echo "$dv_port/root/bench")/+simple/" | $python -c 'import json, sys; print(len(json.load(sys.stdin)["projects"]))')
  echo "  $server lists $count projects (expected $((3 * files / 10)))"
done
$python - "$out" "$files" "$processes" "$workers" <<'PY'
import json, sys
out, files, processes, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
labels = {"one": "one twine", "many": f"{processes} twine processes", "lean": f"{workers} concurrent uploads (lean client)"}
results = {"files": files}
for server in ("wheelwright", "devpi"):
    results[server] = {}
    for key, label in labels.items():
        phase = json.load(open(f"{out}/phase-{server}-{key}.json"))
        results[server][label] = {"files_per_second": round(files / phase["wall_seconds"], 1),
                                  "client_cpu_ms_per_file": round(phase["cpu_seconds"] / files * 1000, 2),
                                  "server_cpu_ms_per_file": round(phase["server_cpu_seconds"] / files * 1000, 2)}
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print(f"\n| {files} small wheels | wheelwright files/s | server CPU/file | client CPU/file | devpi-server files/s | server CPU/file | ratio |")
print("|---|---|---|---|---|---|---|")
for label in labels.values():
    w, d = results["wheelwright"][label], results["devpi"][label]
    print(f"| {label} | {w['files_per_second']:.0f} | {w['server_cpu_ms_per_file']:.2f} ms | {w['client_cpu_ms_per_file']:.2f} ms "
          f"| {d['files_per_second']:.1f} | {d['server_cpu_ms_per_file']:.1f} ms | {w['files_per_second'] / d['files_per_second']:.0f}x |")
PY
