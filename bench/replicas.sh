#!/usr/bin/env bash
# The replicas benchmark (`make bench-replicas`), in one run on this machine: the catalog on
# SQLite (one process) against PostgreSQL (a throwaway cluster started here, as the tests do),
# and 1, 2 and 3 PostgreSQL replicas behind nginx (the shipped upstream settings, plain HTTP):
#   - project page req/s and p99 (wrk): cached, and uncached (--page-cache-mb 0: every request
#     reads the catalog and renders), on SQLite and on PostgreSQL;
#   - twine upload files/s of one corpus into each single process;
#   - the uncached page at 64 connections on PostgreSQL with --catalog-connections 4, 8 and 16
#     (what a query in flight holds: a connection, or a thread too);
#   - with PEER=another wheelwright binary (an earlier build), its single processes measured the
#     same way in the same run, first, and the ratios of both;
#   - project page req/s through nginx with 1, 2 and 3 replicas;
#   - failover: 8 clients on keep-alive connections through nginx, one replica SIGKILLed; the
#     requests failed and the p99 in the 5 s after the kill against the 3 s before;
#   - stall: PostgreSQL SIGSTOPped for 10 s: when a replica's /+health says 503, when it says 200
#     again after the server resumes, and the cached page through nginx meanwhile.
#
# Environment: PROJECTS (100) x VERSIONS (5) wheels; DURATION of each wrk run (10s).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/replicas
rm -rf "$out" && mkdir -p "$out"
projects=${PROJECTS:-100}
versions=${VERSIONS:-5}
duration=${DURATION:-10s}
python=.venv/bin/python
twine=.venv/bin/twine
wheelwright=.build/release/wheelwright
unset PIP_FIND_LINKS

source bench/common.sh
pids=()
pg="$(pwd)/$out/pg"
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_postgres "$pg"
}
trap cleanup EXIT

start_postgres "$pg" single peer replicas

echo "== corpus: $projects projects x $versions versions"
$python bench/corpus.py "$out/corpus" "$projects" "$versions" >/dev/null
probe="bench-project-$(printf %03d $((projects / 2)))"
files=$((projects * versions))

serve() { # name port [serve options...]; waits until it answers
  local name=$1 port=$2; shift 2
  WHEELWRIGHT_ROOT_PASSWORD=benchpw ${binary:-$wheelwright} serve --port "$port" "$@" >"$out/$name.log" 2>&1 &
  pids+=("$!"); eval "pid_${name//-/_}=$!"
  wait_for "http://127.0.0.1:$port/+health"
}
upload() { # url -> seconds
  local start end
  start=$(date +%s.%N)
  "$twine" upload --non-interactive --disable-progress-bar --repository-url "$1" -u bench -p benchpw "$out"/corpus/*.whl >>"$out/twine.log" 2>&1
  end=$(date +%s.%N)
  $python -c "print($end - $start)"
}
setup() { # port
  echo benchpw | WHEELWRIGHT_PASSWORD=benchpw $wheelwright user add bench --server "http://127.0.0.1:$1" --user root >/dev/null
  WHEELWRIGHT_PASSWORD=benchpw $wheelwright index create bench/stage --server "http://127.0.0.1:$1" --user bench >/dev/null
}
load() { # name url
  wrk -t2 -c16 -d"$duration" --latency "$2" >"$out/wrk-$1.txt" 2>&1
  echo "  $1: $(grep 'Requests/sec' "$out/wrk-$1.txt")"
}

single_processes() { # label binary database: uploads then pages, SQLite and PostgreSQL, one process each
  local label=$1 binary=$2 database=$3 sq_port pq_port
  echo "== single processes ($label: $binary): SQLite and PostgreSQL, uploads then pages"
  sq_port=$(free_port); pq_port=$(free_port)
  serve "$label-sqlite" "$sq_port" --data "$out/$label-sqlite"
  serve "$label-postgresql" "$pq_port" --data "$out/$label-pg-blobs" --catalog "$(catalog "$database")"
  setup "$sq_port"; setup "$pq_port"
  upload "http://127.0.0.1:$sq_port/bench/stage/" >"$out/$label-upload-sqlite.txt"; echo "  twine, SQLite: $(cat "$out/$label-upload-sqlite.txt")s"
  upload "http://127.0.0.1:$pq_port/bench/stage/" >"$out/$label-upload-postgresql.txt"; echo "  twine, PostgreSQL: $(cat "$out/$label-upload-postgresql.txt")s"
  load "$label-sqlite-cached" "http://127.0.0.1:$sq_port/bench/stage/+simple/$probe/"
  load "$label-postgresql-cached" "http://127.0.0.1:$pq_port/bench/stage/+simple/$probe/"
  stop_all
  # The same data without the page cache: every request reads the catalog and renders.
  sq_port=$(free_port); pq_port=$(free_port)
  serve "$label-sqlite-uncached" "$sq_port" --data "$out/$label-sqlite" --page-cache-mb 0
  serve "$label-postgresql-uncached" "$pq_port" --data "$out/$label-pg-blobs" --catalog "$(catalog "$database")" --page-cache-mb 0
  load "$label-sqlite-uncached" "http://127.0.0.1:$sq_port/bench/stage/+simple/$probe/"
  load "$label-postgresql-uncached" "http://127.0.0.1:$pq_port/bench/stage/+simple/$probe/"
  stop_all
}
stop_all() { # stops the servers started so far
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
labels=(this)
if [ -n "${PEER:-}" ]; then
  binary=$PEER single_processes peer "$PEER" peer
  labels=(peer this)
fi
single_processes this "$wheelwright" single

echo "== PostgreSQL, uncached page at 64 connections, by --catalog-connections"
for connections in 4 8 16; do
  port=$(free_port)
  serve "connections-$connections" "$port" --data "$out/this-pg-blobs" --catalog "$(catalog single)" --page-cache-mb 0 --catalog-connections "$connections"
  wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port/bench/stage/+simple/$probe/" >"$out/wrk-connections-$connections.txt" 2>&1
  echo "  --catalog-connections $connections: $(grep 'Requests/sec' "$out/wrk-connections-$connections.txt")"
  stop_all
done

echo "== replicas on one catalog and one blob folder, behind nginx"
ports=($(free_port) $(free_port) $(free_port))
for n in 0 1 2; do serve "replica$n" "${ports[$n]}" --data "$out/shared" --catalog "$(catalog replicas)"; done
setup "${ports[0]}"
"$twine" upload --non-interactive --disable-progress-bar --repository-url "http://127.0.0.1:${ports[0]}/bench/stage/" -u bench -p benchpw \
  "$out"/corpus/"${probe//-/_}"-*.whl >>"$out/twine.log" 2>&1
nginx_port=$(free_port)
proxy() { # replicas -> (re)starts nginx over the first N replicas
  nginx_over "$out/nginx" "$nginx_port" "${ports[@]:0:$1}"
}
for count in 1 2 3; do
  proxy "$count"
  load "nginx-$count" "http://127.0.0.1:$nginx_port/bench/stage/+simple/$probe/"
done

echo "== propagation: 20 uploads to replica 0, each polled on replica 2's cached index page until listed"
$python - "$out/propagation.json" "$out/propagation" "http://127.0.0.1:${ports[0]}/bench/stage/" "http://127.0.0.1:${ports[2]}/bench/stage/+simple/" <<'PY'
import base64, importlib.util, json, os, sys, time, urllib.request
path, folder, upload_url, page_url = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("make_distributions", "Tests/Support/make_distributions.py")
make = importlib.util.module_from_spec(spec); spec.loader.exec_module(make)
os.makedirs(folder, exist_ok=True)
auth = "Basic " + base64.b64encode(b"bench:benchpw").decode()
def page():
    return urllib.request.urlopen(page_url).read().decode()
delays = []
for number in range(20):
    name = f"propagation-{number:02d}"
    make.wheel(folder, name, "1.0", ">=3.8", "x", summary="")
    wheel = next(f for f in os.listdir(folder) if f.startswith(name.replace("-", "_")))
    page()  # replica 2 has the page cached before the upload
    boundary = "wwbench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{wheel}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + open(os.path.join(folder, wheel), "rb").read() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(upload_url, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": auth})
    urllib.request.urlopen(request).read()
    acknowledged = time.monotonic()
    while name not in page():
        pass
    delays.append((time.monotonic() - acknowledged) * 1000)
delays.sort()
json.dump({"uploads": len(delays), "median_ms": delays[len(delays) // 2], "max_ms": delays[-1]}, open(path, "w"), indent=2)
PY

echo "== failover: 8 keep-alive clients through nginx, replica 1 SIGKILLed after 3 s"
$python - "$out/failover.json" "http://127.0.0.1:$nginx_port/bench/stage/+simple/$probe/" "$pid_replica1" <<'PY'
import http.client, json, os, signal, sys, threading, time, urllib.parse
path, url, victim = sys.argv[1], urllib.parse.urlsplit(sys.argv[2]), int(sys.argv[3])
records, stop, start = [], threading.Event(), time.monotonic()
def client():
    connection = None
    while not stop.is_set():
        began = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            connection.request("GET", url.path)
            response = connection.getresponse(); response.read()
            ok = response.status == 200
        except Exception:
            ok, connection = False, None
        records.append((began - start, time.monotonic() - began, ok))
threads = [threading.Thread(target=client) for _ in range(8)]
for thread in threads: thread.start()
time.sleep(3); killed = time.monotonic() - start; os.kill(victim, signal.SIGKILL)
time.sleep(5); stop.set()
for thread in threads: thread.join()
def window(low, high):
    chosen = sorted(latency for at, latency, ok in records if low <= at < high)
    failed = sum(1 for at, latency, ok in records if low <= at < high and not ok)
    p99 = chosen[int(len(chosen) * 0.99) - 1] * 1000 if chosen else 0
    return {"requests": len(chosen), "failed": failed, "p99_ms": p99, "max_ms": (chosen[-1] * 1000 if chosen else 0)}
json.dump({"before": window(0, killed), "after": window(killed, killed + 5)}, open(path, "w"), indent=2)
PY

echo "== stall: PostgreSQL SIGSTOPped for 10 s; replica 0's /+health polled, 4 clients on the cached page through nginx"
$python - "$out/stall.json" "http://127.0.0.1:${ports[0]}/+health" "http://127.0.0.1:$nginx_port/bench/stage/+simple/$probe/" "$pg/data/postmaster.pid" <<'PY'
import json, os, signal, subprocess, sys, threading, time, urllib.error, urllib.request
path, health, page, pidfile = sys.argv[1:5]
postmaster = int(open(pidfile).readline())
def cluster(sig):  # the children first: a stopped postmaster does not stop them
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    for pid in children + [str(postmaster)]:
        try: os.kill(int(pid), sig)
        except ProcessLookupError: pass
def get(url):
    began = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response: response.read(); status = response.status
    except urllib.error.HTTPError as error: status = error.code
    except Exception: status = 0
    return status, time.monotonic() - began
pages, stop = [], threading.Event()
def client():
    while not stop.is_set(): pages.append(get(page)[0])
threads = [threading.Thread(target=client) for _ in range(4)]
for thread in threads: thread.start()
start = time.monotonic(); cluster(signal.SIGSTOP)
checks, resumed = [], None
while time.monotonic() - start < 30:
    if resumed is None and time.monotonic() - start >= 10:
        cluster(signal.SIGCONT); resumed = time.monotonic() - start
    at = time.monotonic() - start; status, latency = get(health)
    checks.append((at, status, latency))
    if resumed is not None and status == 200: break
    time.sleep(0.1)
if resumed is None: cluster(signal.SIGCONT); resumed = time.monotonic() - start
stop.set()
for thread in threads: thread.join()
down = [at + latency for at, status, latency in checks if status == 503]
back = [at for at, status, latency in checks if status == 200 and at >= resumed]
json.dump({"first_503_s": down[0] if down else None, "max_health_s": max(latency for _, _, latency in checks),
           "recovered_s": (back[0] - resumed) if back else None,
           "pages": len(pages), "pages_failed": sum(1 for status in pages if status != 200)}, open(path, "w"), indent=2)
PY

$python - "$out" "$files" "${labels[@]}" <<'PY'
import json, sys
sys.path.insert(0, "bench")
import wrk_output
out, files, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def wrk(name):
    return wrk_output.parse(f"{out}/wrk-{name}.txt")
def seconds(name):
    return float(open(f"{out}/{name}.txt").read())
names = [f"{label}-{engine}-{cache}" for label in labels for engine in ("sqlite", "postgresql") for cache in ("cached", "uncached")]
names += [f"connections-{n}" for n in (4, 8, 16)] + ["nginx-1", "nginx-2", "nginx-3"]
results = {name: wrk(name) for name in names}
results["upload"] = {label: {engine: files / seconds(f"{label}-upload-{engine}") for engine in ("sqlite", "postgresql")} for label in labels}
results["failover"] = json.load(open(f"{out}/failover.json"))
results["propagation"] = json.load(open(f"{out}/propagation.json"))
results["stall"] = json.load(open(f"{out}/stall.json"))
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print()
print(f"{'project page':<34}{'req/s':>9}{'p99 ms':>9}{'non-2xx':>9}")
for name in names:
    r = results[name]
    print(f"{name:<34}{r['rps']:>9.0f}{r['p99_ms']:>9.2f}{r['non_2xx']:>9}")
print()
for label in labels:
    s, p = results[f"{label}-sqlite-cached"], results[f"{label}-postgresql-cached"]
    su, pu = results[f"{label}-sqlite-uncached"], results[f"{label}-postgresql-uncached"]
    u = results["upload"][label]
    print(f"{label}: PostgreSQL / SQLite, one process: cached page {p['rps'] / s['rps']:.2f}x req/s, uncached {pu['rps'] / su['rps']:.2f}x "
          f"({1e6 / pu['rps']:.0f} vs {1e6 / su['rps']:.0f} us per request at 16 connections)")
    print(f"{label}: twine upload of {files} files: SQLite {u['sqlite']:.1f} files/s, PostgreSQL {u['postgresql']:.1f} files/s "
          f"({u['postgresql'] / u['sqlite']:.2f}x)")
if "peer" in labels:
    for engine in ("sqlite", "postgresql"):
        for cache in ("cached", "uncached"):
            print(f"this / peer, {engine} {cache} page: {results[f'this-{engine}-{cache}']['rps'] / results[f'peer-{engine}-{cache}']['rps']:.2f}x")
        print(f"this / peer, {engine} uploads: {results['upload']['this'][engine] / results['upload']['peer'][engine]:.2f}x")
c = [results[f"connections-{n}"]["rps"] for n in (4, 8, 16)]
print(f"PostgreSQL uncached page at 64 connections: --catalog-connections 4: {c[0]:.0f}, 8: {c[1]:.0f}, 16: {c[2]:.0f} req/s")
print(f"through nginx: 1 replica {results['nginx-1']['rps']:.0f}, 2 replicas {results['nginx-2']['rps']:.0f}, 3 replicas {results['nginx-3']['rps']:.0f} req/s "
      f"(2 cores: nginx, wrk and the replicas share them)")
g = results["propagation"]
print(f"an upload to replica 0 listed on replica 2's cached page after: median {g['median_ms']:.1f} ms, max {g['max_ms']:.1f} ms ({g['uploads']} uploads; goal < 100 ms)")
f = results["failover"]
print(f"failover (replica SIGKILLed): 5 s after: {f['after']['requests']} requests, {f['after']['failed']} failed, p99 {f['after']['p99_ms']:.1f} ms, "
      f"max {f['after']['max_ms']:.1f} ms; 3 s before: {f['before']['requests']} requests, {f['before']['failed']} failed, p99 {f['before']['p99_ms']:.1f} ms")
t = results["stall"]
def seconds(value): return "never" if value is None else f"{value:.1f} s"
print(f"PostgreSQL stalled 10 s: replica 0's /+health said 503 after {seconds(t['first_503_s'])} (longest check {t['max_health_s']:.1f} s), "
      f"200 again {seconds(t['recovered_s'])} after the server resumed; cached page through nginx meanwhile: {t['pages']} requests, {t['pages_failed']} failed")
PY
