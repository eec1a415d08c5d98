#!/usr/bin/env bash
# The fleet benchmark (`make bench-fleet`): the replica set measured as one system under a mixed
# load while things fail. PostgreSQL (a throwaway cluster) seeded with INDICES indices holding
# FILES files (bench: `wheelwright-bench seed-fleet`), three `serve` replicas on one blob folder
# behind nginx (the shipped replicas upstream settings), and wrk with bench/fleet.lua from
# loopback: simple pages 80%, downloads of 10 kB–50 MB files 15%, uploads 5% (conflicts among
# them). Phases of PHASE seconds each, a fault injected FAULT_AT seconds into it:
#   steady           none: the upload phase of the page-cache figure
#   replica-kill     replica 1 SIGKILLed, started again 10 s later
#   postgres-restart pg_ctl restart -m fast
#   postgres-stall   every PostgreSQL process SIGSTOPped for 10 s
#   connections-cut  every replica connection to PostgreSQL terminated (pg_terminate_backend)
#   disk-full        the blob folder's file system (a tmpfs of BLOB_FS_MB, 400) filled for 10 s
# A warm-up of pages alone (PHASE seconds, not reported) fills the page caches first.
# Per phase: requests/s, p50/p99/max latency, responses by status, socket errors, replicas that
# crashed (started again before the next phase), the share of
# page requests the page caches answered, canary failures (pip download of a two-wheel closure
# through nginx at +20 s and +50 s), and the seconds from the fault's end until a page through
# nginx answers again. After the phases: every acknowledged upload downloaded through nginx and
# checked against its digest (lost must be 0), and each replica's RSS before and after.
# With PEER=another wheelwright binary, the same phases run on a copy of the seeded catalog
# with it first.
# Environment: INDICES (35000), FILES (1000000), PHASE (60), FAULT_AT (15), CONNECTIONS (32),
# BLOB_FS_MB (400: the seeded blobs take 89 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/fleet
rm -rf "$out" && mkdir -p "$out"
indices=${INDICES:-35000}
files=${FILES:-1000000}
phase=${PHASE:-60}
fault_at=${FAULT_AT:-15}
connections=${CONNECTIONS:-32}
blob_fs_mb=${BLOB_FS_MB:-400}
python=.venv/bin/python
twine=.venv/bin/twine
unset PIP_FIND_LINKS

source bench/common.sh
pids=()
pg="$(pwd)/$out/pg"
cleanup() {
  postgres_signal "$pg" CONT
  for pid in "${pids[@]}" $(cat "$out"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_postgres "$pg"
  for folder in "$out"/*-blobs; do if mountpoint -q "$folder"; then umount -l "$folder" || true; fi; done
}
trap cleanup EXIT

start_postgres "$pg" fleet
psql_as() { runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt "$@"; }

echo "== seeding $indices indices with $files files (bench/out/fleet/seed.json)"
WHEELWRIGHT_BENCH_CATALOG="$(catalog fleet)" .build/release/wheelwright-bench seed-fleet "$out/seed-blobs" "$indices" "$files" "$out/samples" \
  | tee "$out/seed.json"

echo "== uploads: 4,000 small wheels, and 200 of their names with other bytes (the conflicts)"
$python bench/corpus.py "$out/uploads" 1000 4 fleet-upload >/dev/null
$python - "$out/conflicts" "$out/canary" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("make_distributions", "Tests/Support/make_distributions.py")
make = importlib.util.module_from_spec(spec); spec.loader.exec_module(make)
import os
for folder in sys.argv[1:]: os.makedirs(folder, exist_ok=True)
for p in range(50):
    for v in range(4):
        make.wheel(sys.argv[1], f"fleet-upload-{p:03d}", f"1.{v}.0", ">=3.8", "other bytes", summary="")
make.wheel(sys.argv[2], "fleet-canary-app", "1.0", ">=3.8", "app", summary="", requires_dist=["fleet-canary-lib>=1.0"])
make.wheel(sys.argv[2], "fleet-canary-lib", "1.0", ">=3.8", "lib", summary="")
PY

serve_replica() { # label number port database blobs binary; its PID in $out/LABEL-replicaN.pid
  WHEELWRIGHT_ROOT_PASSWORD=benchpw "$6" serve --port "$3" --data "$5" --catalog "$(catalog "$4")" \
    >>"$out/$1-replica$2.log" 2>&1 &
  echo $! >"$out/$1-replica$2.pid"
}
replica_pids() { cat "$out/$1"-replica?.pid; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
hits() { # each replica's page-cache counters: "hits renders" per replica, on one line
  local port
  for port in "${ports[@]}"; do
    curl -fs -m 5 "http://127.0.0.1:$port/+metrics" | awk '/^wheelwright_page_cache_requests_total\{result="hit"\}/ { h = $2 }
      /^wheelwright_page_cache_requests_total\{result="render"\}/ { r = $2 } END { printf "%d %d ", h, r }' || printf "0 0 "
  done
  echo
}
canary() { # label phase: two pip downloads of the closure through nginx, at +20 s and +50 s of the phase
  local failures=0
  for at in 20 30; do
    sleep "$at"
    rm -rf "$out/canary-download"
    .venv/bin/pip download --no-cache-dir --disable-pip-version-check -q -d "$out/canary-download" \
      --index-url "http://127.0.0.1:$nginx_port/team-00000/dev/+simple/" fleet-canary-app >>"$out/$1-$2-canary.log" 2>&1 \
      && [ "$(ls "$out/canary-download" | wc -l)" = 2 ] || failures=$((failures + 1))
  done
  echo "$failures" >"$out/$1-$2-canary.txt"
}
recovered() { # seconds until a page through nginx answers 200 (from now), polling each 0.1 s
  local start now
  start=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null -m 2 "http://127.0.0.1:$nginx_port/team-00000/dev/+simple/fleet-canary-lib/" && break
    sleep 0.1
  done
  now=$(date +%s.%N)
  $python -c "print(round($now - $start, 2))"
}
fault() { # label phase database blobs binary: injects the phase's fault, then writes the recovery time
  sleep "$fault_at"
  case $2 in
    steady) echo 0 >"$out/$1-$2-recovery.txt"; return ;;
    replica-kill)
      kill -9 "$(cat "$out/$1-replica1.pid")"; sleep 10
      serve_replica "$1" 1 "${ports[1]}" "$3" "$4" "$5" ;;
    postgres-restart)
      runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -m fast -w restart -l "$pg/server.log" \
        -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null ;;
    postgres-stall)
      postgres_signal "$pg" STOP; sleep 10; postgres_signal "$pg" CONT ;;
    connections-cut)
      psql_as -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$3' AND pid <> pg_backend_pid()" >/dev/null ;;
    disk-full)
      dd if=/dev/zero of="$4/filler" bs=1M 2>/dev/null || true
      sleep 10; rm -f "$4/filler" ;;
  esac
  recovered >"$out/$1-$2-recovery.txt"
}

run_set() { # label binary
  local label=$1 binary=$2 database="fleet_$1" blobs="$out/$1-blobs"
  echo "== $label ($binary): three replicas behind nginx"
  psql_as -d postgres -c "CREATE DATABASE $database TEMPLATE fleet"
  # The blob folder on a file system of its own, which the disk-full phase fills.
  mkdir -p "$blobs" && mount -t tmpfs -o "size=${blob_fs_mb}m" tmpfs "$blobs"
  cp -a "$out/seed-blobs/." "$blobs/"
  ports=($(free_port) $(free_port) $(free_port))
  for n in 0 1 2; do serve_replica "$label" "$n" "${ports[$n]}" "$database" "$blobs" "$binary"; done
  for port in "${ports[@]}"; do wait_for "http://127.0.0.1:$port/+health"; done
  nginx_port=$(free_port)
  nginx_over "$out/$label-nginx" "$nginx_port" "${ports[@]}"
  "$twine" upload --non-interactive --disable-progress-bar --repository-url "http://127.0.0.1:$nginx_port/team-00000/dev/" \
    -u root -p benchpw "$out"/canary/*.whl >>"$out/twine.log" 2>&1
  for pid in $(replica_pids "$label"); do rss "$pid"; done | paste -sd' ' >"$out/$label-rss-before.txt"
  : >"$out/$label-acked.txt"
  FLEET_SAMPLES="$out/samples" FLEET_PAGES_ONLY=1 FLEET_ACKED=/dev/null \
    wrk -t2 -c"$connections" -d"${phase}s" --timeout 20s -s bench/fleet.lua "http://127.0.0.1:$nginx_port" >"$out/$label-warm-up-wrk.txt" 2>&1 || true
  echo "  warm-up (pages alone): $(grep 'Requests/sec' "$out/$label-warm-up-wrk.txt")"
  for name in steady replica-kill postgres-restart postgres-stall connections-cut disk-full; do
    local before after
    before=$(hits)
    canary "$label" "$name" & local canary_pid=$!
    fault "$label" "$name" "$database" "$blobs" "$binary" & local fault_pid=$!
    FLEET_SAMPLES="$out/samples" FLEET_UPLOADS="$out/uploads" FLEET_CONFLICTS="$out/conflicts" FLEET_ACKED="$out/$label-$name-acked.txt" FLEET_THREADS=2 \
      FLEET_AUTH="Basic $(printf root:benchpw | base64)" \
      wrk -t2 -c"$connections" -d"${phase}s" --timeout 20s --latency -s bench/fleet.lua "http://127.0.0.1:$nginx_port" >"$out/$label-$name-wrk.txt" 2>&1 || true
    wait "$fault_pid" "$canary_pid" || true
    after=$(hits)
    echo "$before $after" >"$out/$label-$name-cache.txt"
    cat "$out/$label-$name-acked.txt" >>"$out/$label-acked.txt"
    # A replica that died by itself (not the one the phase killed and started again) is a crash:
    # counted, its log's end kept, and started again so that the next phase measures its fault.
    local crashed=0
    for n in 0 1 2; do
      if ! kill -0 "$(cat "$out/$label-replica$n.pid")" 2>/dev/null; then
        crashed=$((crashed + 1))
        serve_replica "$label" "$n" "${ports[$n]}" "$database" "$blobs" "$binary"
        wait_for "http://127.0.0.1:${ports[$n]}/+health" || true
      fi
    done
    echo "$crashed" >"$out/$label-$name-crashes.txt"
    echo "  $name: $(grep 'Requests/sec' "$out/$label-$name-wrk.txt"); $(grep FLEET "$out/$label-$name-wrk.txt" | paste -sd' ')"
  done
  for pid in $(replica_pids "$label"); do rss "$pid"; done | paste -sd' ' >"$out/$label-rss-after.txt"
  # Every acknowledged upload, downloaded through nginx: its bytes' SHA-256 is the one in its URL.
  $python - "$out/$label-acked.txt" "http://127.0.0.1:$nginx_port" >"$out/$label-lost.json" <<'PY'
import hashlib, json, sys, urllib.request
urls = sorted(set(line.strip() for line in open(sys.argv[1]) if line.strip()))
lost = []
for url in urls:
    path = url[url.index("/", url.index("//") + 2):] if "//" in url else url
    digest = path.split("/+f/")[1].split("/")
    try:
        body = urllib.request.urlopen(sys.argv[2] + path, timeout=30).read()
        if hashlib.sha256(body).hexdigest() != digest[0] + digest[1]: lost.append(url)
    except Exception as error:
        lost.append(f"{url}: {error}")
print(json.dumps({"acknowledged": len(urls), "lost": len(lost), "examples": lost[:5]}))
PY
  echo "  acknowledged uploads checked: $(cat "$out/$label-lost.json")"
  for pid in $(replica_pids "$label") "$nginx_pid"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$out/$label"-replica?.pid
  umount "$blobs" 2>/dev/null || umount -l "$blobs"
  nginx_pid=
}

labels=(this)
if [ -n "${PEER:-}" ]; then
  run_set peer "$PEER"
  labels=(peer this)
fi
run_set this .build/release/wheelwright

$python bench/fleet_report.py "$out" "${labels[@]}"
