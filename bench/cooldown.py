#!/usr/bin/env python3
"""What the release-age cooldown costs a night: `wheelwright plan` of a follow-mode whitelist.

Usage: cooldown.py BUILD_DIR OUT_DIR [ENTRIES]

ENTRIES (default 5,000) projects, each with version 1.0 already in the index (a real
`wheelwright serve` on a store seeded by `wheelwright-bench seed-index`), and a local upstream (a
threaded server in this script) whose PEP 691 pages list sdists uploaded 60 days (0.9), 30 days
(1.0) and 1 hour (2.0) ago (PEP 700 `upload-time`). Side by side in one run, best of 3 each:

  follow, cooldown 0    `specifier: ">=1"`, `latest: 1`: 2.0 of every project is to be built
  follow, cooldown 7d   the same whitelist with the site's cooldown: 2.0 is young everywhere and
                        skipped with its reason (its age read from the page the plan already
                        fetched): the no-op night of a follow-mode whitelist
  pinned, cooldown 7d   `versions: ["1.0"]`, all held: the pinned no-op night, which asks
                        upstream nothing (the 0.5 s budget)

Also counts the upstream requests of each plan (the cooldown must add none), and measures the
local upstream alone with wrk (16 connections, as the plan's 16 pages at a time): the floor a
follow-mode plan's ENTRIES pages cannot go under here. Writes OUT_DIR/cooldown.json and prints a
Markdown table.
"""
import http.server, json, os, signal, subprocess, sys, tempfile, threading, time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server

build, out = sys.argv[1], sys.argv[2]
entries = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
wheelwright = os.path.join(build, "wheelwright")
now = datetime.now(timezone.utc)
ages = {"0.9": timedelta(days=60), "1.0": timedelta(days=30), "2.0": timedelta(hours=1)}
requests = {"count": 0}
lock = threading.Lock()


class Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            requests["count"] += 1
        parts = [p for p in self.path.split("/") if p]
        if len(parts) != 2 or parts[0] != "simple":
            self.send_error(404)
            return
        name = parts[1]
        files = [{
            "filename": f"{name.replace('-', '_')}-{version}.tar.gz",
            "url": f"/files/{name.replace('-', '_')}-{version}.tar.gz",
            "hashes": {"sha256": "0" * 64},
            "upload-time": (now - age).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        } for version, age in ages.items()]
        body = json.dumps({"meta": {"api-version": "1.1"}, "name": name, "versions": list(ages), "files": files}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
upstream.daemon_threads = True
threading.Thread(target=upstream.serve_forever, daemon=True).start()
simple = f"http://127.0.0.1:{upstream.server_address[1]}/simple/"

work = tempfile.mkdtemp(prefix="wheelwright-cooldown-")
subprocess.run([os.path.join(build, "wheelwright-bench"), "seed-index", os.path.join(work, "data"), "opensource/pure", str(entries), "1"],
               check=True, stdout=subprocess.DEVNULL)
server, port = local_server.serve(wheelwright, os.path.join(work, "data"), "bench-secret")


def whitelist(folder, follow):
    os.makedirs(folder, exist_ok=True)
    lines = ["defaults:", "  targets: [debian-12]", "packages:"]
    for i in range(entries):
        lines.append(f"  - name: seeded-project-{i}")
        lines += ['    specifier: ">=1"', "    latest: 1"] if follow else ['    versions: ["1.0"]']
        lines += ["    license: MIT", f"    reason: benchmark entry {i}"]
    with open(os.path.join(folder, "opensource.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return folder


def plan(folder, cooldown):
    config = os.path.join(work, f"wheelwright-{cooldown}.yaml")
    with open(config, "w") as f:
        f.write(f"cooldown: {cooldown}\nbuild-requirements: upstream\n")
    best, result = None, None
    for _ in range(3):
        before = requests["count"]
        started = time.perf_counter()
        run = subprocess.run([wheelwright, "plan", folder, "--server", f"http://127.0.0.1:{port}", "--upstream", simple, "--config", config,
                              "--containers", os.path.join(root, "containers"), "--cache", os.path.join(work, "cache"), "--json"],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if run.returncode not in (0, 1):
            sys.exit(f"plan failed ({run.returncode}): {run.stderr[-2000:]}")
        document = json.loads(run.stdout)
        young = sum(1 for skip in document.get("skipped", []) if "cooldown" in skip.get("reason", ""))
        if best is None or seconds < best:
            best = seconds
            result = {"seconds": round(seconds, 3), "items": len(document.get("items", [])), "young_skipped": young,
                      "upstream_requests": requests["count"] - before}
    return result


try:
    follow = whitelist(os.path.join(work, "follow"), True)
    results = {"entries": entries, "follow, cooldown 0": plan(follow, "0"), "follow, cooldown 7d": plan(follow, "7d")}
    results["pinned, cooldown 7d"] = plan(whitelist(os.path.join(work, "pinned"), False), "7d")
    load = subprocess.run(["wrk", "-t2", "-c16", "-d3s", simple + "seeded-project-1/"], capture_output=True, text=True).stdout
    rate = float(next(line.split()[1] for line in load.splitlines() if line.startswith("Requests/sec:")))
    results["upstream alone"] = {"pages_per_second": round(rate), "seconds_for_entries": round(entries / rate, 3)}
finally:
    server.send_signal(signal.SIGTERM)
    server.wait()
    upstream.shutdown()

with open(os.path.join(out, "cooldown.json"), "w") as f:
    json.dump(results, f, indent=2)
print(f"\n{entries:,} entries, each project's 1.0 held by the index, a local upstream; best of 3\n")
print("| plan | seconds | items to build | young, skipped | upstream requests |")
print("|---|---:|---:|---:|---:|")
for name in ("follow, cooldown 0", "follow, cooldown 7d", "pinned, cooldown 7d"):
    r = results[name]
    print(f"| {name} | {r['seconds']:.3f} | {r['items']:,} | {r['young_skipped']:,} | {r['upstream_requests']:,} |")
floor = results["upstream alone"]
print(f"| the local upstream alone (wrk, 16 connections) | {floor['seconds_for_entries']:.3f} | {floor['pages_per_second']:,} pages/s | | |")
ratio = results["follow, cooldown 7d"]["seconds"] / results["follow, cooldown 0"]["seconds"]
print(f"\nfollow mode with the cooldown: x{ratio:.2f} the plan without it")
