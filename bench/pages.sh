#!/usr/bin/env bash
# Page benchmark (`make bench-pages`): an index seeded with 100,000 projects, its HTML project
# list (first page, a middle page, the last page, a filter) and the root page. Pages are kept
# until the catalog changes, so each is timed twice: its first fetch (rendered from the catalog)
# and the median of 20 more (from the page cache). Goal: every page under 100 ms, rendered.
# Then 60 nightly reports of a 5,000-entry whitelist × 2 targets are posted (each plans 10,000
# items: most already in the index, some built, failed, denied or cancelled) and the build
# pages are timed the same way: the history, the last run's page and the coverage page (goal:
# under 200 ms, rendered). Results: bench/out/pages/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/pages
rm -rf "$out" && mkdir -p "$out"
python=/usr/bin/python3
port=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.build/release/wheelwright-bench seed-index "$out/data" bulk/many 100000 >"$out/seed.json"
WHEELWRIGHT_ROOT_PASSWORD=bench .build/release/wheelwright serve --data "$out/data" --port "$port" >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/+health" && break; sleep 0.1; done
$python - "$port" "$out" <<'PY'
import json, statistics, subprocess, sys
port, out = sys.argv[1], sys.argv[2]
pages = {"root /": "/", "index, page 1": "/bulk/many/", "index, page 500": "/bulk/many/?page=500",
         "index, page 1000 (last)": "/bulk/many/?page=1000", "index, filter 'project-9999'": "/bulk/many/?filter=project-9999",
         "project page": "/bulk/many/seeded-project-77777/", "search 'project-4242'": "/+search?q=project-4242"}
results = {}
def time_pages(pages):
    """Each page's first fetch (rendered) and the median of 20 more (cached), into results."""
    for label, path in pages.items():
        times = []
        for _ in range(21):
            seconds = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", "Accept: text/html",
                                      f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
            times.append(float(seconds) * 1000)
        results[label] = {"rendered_ms": round(times[0], 2), "cached_median_ms": round(statistics.median(times[1:]), 2)}
        print(f"  {label:32} {times[0]:7.2f}ms {results[label]['cached_median_ms']:7.2f}ms")
print(f"  {'page':32} {'rendered':>9} {'cached':>9}")
time_pages(pages)

import base64, random, urllib.request
random.seed(7)
auth = "Basic " + base64.b64encode(b"root:bench").decode()
def item(n, target):
    return {"project": f"entry-{n:04d}", "version": f"1.{n % 7}", "target": target, "python": "3.11", "system_packages": [], "environment": {}}
posted = 0
for night in range(60):
    outcomes, skipped, logs = [], [], {}
    for n in range(5000):
        for target in ("debian-12", "debian-13"):
            roll = random.random()
            if roll < 0.004:
                outcomes.append({"item": item(n, target), "status": "built", "seconds": 10.0, "wheel": f"entry_{n:04d}-1.0-py3-none-any.whl", "index": "opensource/pure"})
            elif roll < 0.006:
                outcomes.append({"item": item(n, target), "status": "failed", "reason": "the build failed (exit 1)", "seconds": 5.0})
                logs[f"entry-{n:04d}-1.{n % 7}-{target}-py3.11"] = "error: does not compile\n"
            elif roll < 0.007:
                outcomes.append({"item": item(n, target), "status": "cancelled", "reason": "the run was stopped", "seconds": 0.0})
            elif n % 500 == 0:
                skipped.append({"item": item(n, target), "reason": "denied at whitelists/company.yaml:9:5: CVE"})
            else:
                skipped.append({"item": item(n, target), "reason": "already in opensource/pure"})
    report = {"run_id": f"night-{night}", "started_at": "2026-11-30T01:30:00Z", "seconds": 600.0 + night, "results": outcomes, "skipped": skipped, "logs": logs}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/+builds", data=json.dumps(report).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": auth})
    urllib.request.urlopen(request).read()
    posted += 1
print(f"  posted {posted} reports of 10,000 planned items each")
time_pages({"builds (60-run history)": "/+builds/", "last run's page": "/+builds/60/", "coverage (5,000 × 2)": "/+coverage/"})
json.dump({"projects": 100000, "pages": results}, open(f"{out}/results.json", "w"), indent=2)
PY
