#!/usr/bin/env bash
# The cached pages against their physical limit (`make bench-limit`), in one run: nginx serving
# the very bytes wheelwright answers (saved to disk) against wheelwright answering from its page
# cache, with the request log on (to a file) and every protection in place. wrk -t2 -c16 on
# loopback; PROJECTS (200) x VERSIONS (10) wheels; DURATION (15s) per run.
# WHEELWRIGHT: the binary (.build/release/wheelwright; another build to compare with).
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
load nginx-page "http://127.0.0.1:$nginx_port/page.html"
load ww-page "http://127.0.0.1:$port/bench/stage/+simple/$probe/"
load nginx-json "http://127.0.0.1:$nginx_port/page.json"
load ww-json "http://127.0.0.1:$port/bench/stage/+simple/$probe/" "Accept: $json"
load nginx-root "http://127.0.0.1:$nginx_port/root.html"
load ww-root "http://127.0.0.1:$port/bench/stage/+simple/"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

$python - "$out" "$rss" <<'PY'
import json, sys
sys.path.insert(0, "bench")
import wrk_output
out, rss = sys.argv[1], int(sys.argv[2])
results = {name: wrk_output.parse(f"{out}/wrk-{name}.txt") for name in
           ["nginx-page", "ww-page", "nginx-json", "ww-json", "nginx-root", "ww-root"]}
results["ww_rss_mb"] = rss / 1024
json.dump(results, open(f"{out}/results.json", "w"), indent=2)
print()
print(f"{'page':<12}{'nginx req/s':>12}{'p99 ms':>8}{'wheelwright':>13}{'p99 ms':>8}{'ratio':>8}")
for page in ["page", "json", "root"]:
    n, w = results[f"nginx-{page}"], results[f"ww-{page}"]
    print(f"{page:<12}{n['rps']:>12.0f}{n['p99_ms']:>8.2f}{w['rps']:>13.0f}{w['p99_ms']:>8.2f}{w['rps'] / n['rps']:>8.2f}")
print(f"wheelwright RSS after the load: {rss / 1024:.1f} MB (goal: cached pages at >= 0.5x nginx with p99 < 2 ms)")
PY
