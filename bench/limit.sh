#!/usr/bin/env bash
# The cached pages against their physical limit (`make bench-limit`), in one run: nginx serving
# the very bytes wheelwright answers (saved to disk) against wheelwright answering from its page
# cache, with the request log on (to a file) and every protection in place. wrk -t2 -c16 on
# loopback; PROJECTS (200) x VERSIONS (10) wheels; DURATION (15s) per run.
# WHEELWRIGHT: the binary (.build/release/wheelwright); PEER: another binary, serving a copy of
# the same data folder, loaded beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/limit
rm -rf "$out" && mkdir -p "$out"
here="$(pwd)/$out"
projects=${PROJECTS:-200}
versions=${VERSIONS:-10}
duration=${DURATION:-15s}
python=.venv/bin/python
wheelwright=${WHEELWRIGHT:-.build/release/wheelwright}
source bench/common.sh
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

$python bench/corpus.py "$out/corpus" "$projects" "$versions" >/dev/null
probe="bench-project-$(printf %03d $((projects / 2)))"
port=$(free_port)
WHEELWRIGHT_ROOT_PASSWORD=benchpw $wheelwright serve --data "$out/data" --port "$port" >"$out/serve.out" 2>"$out/request.log" &
pids+=("$!"); server_pid=$!
wait_for "http://127.0.0.1:$port/+health"
echo benchpw | WHEELWRIGHT_PASSWORD=benchpw $wheelwright user add bench --server "http://127.0.0.1:$port" --user root >/dev/null
WHEELWRIGHT_PASSWORD=benchpw $wheelwright index create bench/stage --server "http://127.0.0.1:$port" --user bench >/dev/null
.venv/bin/twine upload --non-interactive --disable-progress-bar --repository-url "http://127.0.0.1:$port/bench/stage/" -u bench -p benchpw \
  "$out"/corpus/*.whl >"$out/twine.log" 2>&1

peer=${PEER:-}
if [ -n "$peer" ]; then
  cp -a "$out/data" "$out/data-peer"
  peer_port=$(free_port)
  WHEELWRIGHT_ROOT_PASSWORD=benchpw $peer serve --data "$out/data-peer" --port "$peer_port" >"$out/peer-serve.out" 2>"$out/peer-request.log" &
  pids+=("$!"); peer_pid=$!
  wait_for "http://127.0.0.1:$peer_port/+health"
fi

# The same bytes on disk for nginx.
json='application/vnd.pypi.simple.v1+json'
mkdir -p "$here/www"
curl -fs "http://127.0.0.1:$port/bench/stage/+simple/$probe/" -o "$here/www/page.html"
curl -fs -H "Accept: $json" "http://127.0.0.1:$port/bench/stage/+simple/$probe/" -o "$here/www/page.json"
curl -fs "http://127.0.0.1:$port/bench/stage/+simple/" -o "$here/www/root.html"
nginx_port=$(free_port)
cat >"$here/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $here/nginx.pid; error_log $here/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $here/nginx-access.log;
  client_body_temp_path $here/body; proxy_temp_path $here/proxy; fastcgi_temp_path $here/fastcgi;
  uwsgi_temp_path $here/uwsgi; scgi_temp_path $here/scgi;
  types { text/html html; application/vnd.pypi.simple.v1+json json; }
  server { listen 127.0.0.1:$nginx_port; root $here/www; }
}
CONF
/usr/sbin/nginx -c "$here/nginx.conf" -p "$here" &
pids+=("$!")
wait_for "http://127.0.0.1:$nginx_port/page.html"

load() { # name url [header]
  if [ $# -ge 3 ]; then wrk -t2 -c16 -d"$duration" --latency -H "$3" "$2" >"$out/wrk-$1.txt" 2>&1
  else wrk -t2 -c16 -d"$duration" --latency "$2" >"$out/wrk-$1.txt" 2>&1; fi
  echo "  $1: $(grep 'Requests/sec' "$out/wrk-$1.txt")"
}
echo "== wrk -t2 -c16 -d$duration (nginx: one worker, access log on; wheelwright: request log on)"
servers="ww${peer:+ peer}"
for page in page json root; do
  case $page in page) file=page.html; path="+simple/$probe/"; header=();; json) file=page.json; path="+simple/$probe/"; header=("Accept: $json");;
    root) file=root.html; path="+simple/"; header=();; esac
  load "nginx-$page" "http://127.0.0.1:$nginx_port/$file" "${header[@]}"
  load "ww-$page" "http://127.0.0.1:$port/bench/stage/$path" "${header[@]}"
  if [ -n "$peer" ]; then load "peer-$page" "http://127.0.0.1:$peer_port/bench/stage/$path" "${header[@]}"; fi
done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

$python - "$out" "$rss" $servers <<'PY'
import json, sys
sys.path.insert(0, "bench")
import wrk_output
out, rss, servers = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
results = {f"{server}-{page}": wrk_output.parse(f"{out}/wrk-{server}-{page}.txt") for server in ["nginx"] + servers for page in ["page", "json", "root"]}
results["ww_rss_mb"] = rss / 1024
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print()
print(f"{'page':<6}{'server':<8}{'req/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'x nginx':>9}")
for page in ["page", "json", "root"]:
    for server in ["nginx"] + servers:
        r = results[f"{server}-{page}"]
        print(f"{page:<6}{server:<8}{r['rps']:>10.0f}{r['p50_ms']:>8.2f}{r['p99_ms']:>8.2f}{r['rps'] / results[f'nginx-{page}']['rps']:>9.2f}")
print(f"wheelwright RSS after the load: {rss / 1024:.1f} MB (goal: cached pages at >= 0.5x nginx with p99 < 2 ms)")
PY
