#!/usr/bin/env python3
"""A mirror against a local upstream and against a local file: mirror.py BUILD_DIR OUT_DIR

One release server and one local upstream (Tests/Support/mirror_upstream.py: 40 projects, and a
wheel of 4 MB) in one run. The server has root/pypi, a mirror of the upstream gated by a
whitelist of them all, and root/local, a stage holding the same 4 MB wheel as an upload.
- Files: the mirror's first download of the wheel (fetched from the upstream, checked, stored),
  then the mirrored file served from the blob store against the same file uploaded to root/local:
  `wrk -t2 -c8 -d5s`, three rounds alternating, best round each, in MB/s.
- Pages: for each of 40 projects, the mirror's first page (read from the upstream), its cached
  page right after, and the upstream's own page; medians and 90th percentiles in ms; then wrk on
  a cached mirror page against the same project's page on root/local (a page-cache hit).
Writes OUT_DIR/mirror.json and prints a table with the ratios.
"""
import base64, json, os, signal, statistics, subprocess, sys, tempfile, time, urllib.request, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server

build, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="wheelwright-mirror-")
password = "bench-secret"
auth = "Basic " + base64.b64encode(f"root:{password}".encode()).decode()
JSON = "application/vnd.pypi.simple.v1+json"


def request(url, method="GET", body=None, accept=JSON):
    headers = {"Accept": accept, "Authorization": auth}
    if body is not None:
        headers["Content-Type"] = "application/json"
    with urllib.request.urlopen(urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                                       headers=headers)) as response:
        return response.read()


def timed(url):
    start = time.perf_counter()
    request(url)
    return (time.perf_counter() - start) * 1000


def wrk(url, connections=8, accept=None):
    arguments = ["wrk", "-t2", f"-c{connections}", "-d5s"] + (["-H", f"Accept: {accept}"] if accept else []) + [url]
    output = subprocess.run(arguments, capture_output=True, text=True, check=True).stdout
    return float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec:")))


files = os.path.join(work, "upstream")
os.makedirs(files)
projects = [f"project-{number:02d}" for number in range(40)]
for name in projects:
    subprocess.run([sys.executable, os.path.join(root, "Tests/Support/make_distributions.py"), files, name, "1.0"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([sys.executable, os.path.join(root, "Tests/Support/make_distributions.py"), files, "big-pkg", "1.0"], check=True, stdout=subprocess.DEVNULL)
with zipfile.ZipFile(os.path.join(files, "big_pkg-1.0-py3-none-any.whl"), "a", zipfile.ZIP_STORED) as archive:
    archive.writestr("big_pkg/data.bin", os.urandom(4 << 20))  # incompressible: 4 MB on the wire
month_ago = time.time() - 30 * 86400
for name in os.listdir(files):
    os.utime(os.path.join(files, name), (month_ago, month_ago))
big = next(name for name in os.listdir(files) if name.startswith("big_pkg"))
upstream = subprocess.Popen([sys.executable, os.path.join(root, "Tests/Support/mirror_upstream.py"), files], stdout=subprocess.PIPE, text=True)
upstream_port = int(upstream.stdout.readline())
os.makedirs(os.path.join(work, "whitelists"))
with open(os.path.join(work, "whitelists", "company.yaml"), "w") as whitelist:
    whitelist.write("packages:\n" + "".join(f"  - name: {name}\n    versions: [\"1.0\"]\n    reason: bench\n" for name in projects + ["big-pkg"]))
with open(os.path.join(work, "wheelwright.yaml"), "w") as config:
    config.write(f"whitelists: [whitelists]\ncontainers: {os.path.join(root, 'containers')}\ncooldown: 7d\n")
os.environ["WHEELWRIGHT_CONFIG"] = os.path.join(work, "wheelwright.yaml")
server, port = local_server.serve(os.path.join(build, "wheelwright"), os.path.join(work, "data"), password)
base = f"http://127.0.0.1:{port}"
results = {}
try:
    request(f"{base}/root/pypi", "PUT", {"type": "mirror", "mirror_url": f"http://127.0.0.1:{upstream_port}/simple/"})
    request(f"{base}/root/local", "PUT", {"volatile": False})
    for wheel in (big, next(name for name in os.listdir(files) if name.startswith("project_00"))):
        subprocess.run([os.path.join(root, ".venv/bin/twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                        f"{base}/root/local/", "-u", "root", "-p", password, os.path.join(files, wheel)], check=True, stdout=subprocess.DEVNULL)

    def file_url(index, project):
        page = json.loads(request(f"{base}/{index}/+simple/{project}/"))
        return base + page["files"][0]["url"]

    mirrored, local = file_url("root/pypi", "big-pkg"), file_url("root/local", "big-pkg")
    results["mirror: first download of the 4 MB wheel (upstream, check, store), ms"] = timed(mirrored)
    size = os.path.getsize(os.path.join(files, big))
    for _ in range(3):
        for label, url in (("mirrored file from the blob store", mirrored), ("local file (an upload)", local)):
            key = f"{label}, MB/s"
            results[key] = max(results.get(key, 0), wrk(url) * size / 1e6)

    first, cached, direct = [], [], []
    for name in projects:
        direct.append(timed(f"http://127.0.0.1:{upstream_port}/simple/{name}/"))
        first.append(timed(f"{base}/root/pypi/+simple/{name}/"))
        cached.append(timed(f"{base}/root/pypi/+simple/{name}/"))
    for label, values in (("upstream page, direct", direct), ("mirror page, first (read from the upstream)", first), ("mirror page, cached", cached)):
        values.sort()
        results[f"{label}: median ms"] = statistics.median(values)
        results[f"{label}: p90 ms"] = values[int(len(values) * 0.9)]
    for _ in range(3):
        for label, url in (("mirror page, cached", f"{base}/root/pypi/+simple/project-00/"), ("local page (page cache)", f"{base}/root/local/+simple/project-00/")):
            key = f"{label}: requests/s"
            results[key] = max(results.get(key, 0), wrk(url, connections=16, accept=JSON))
finally:
    server.send_signal(signal.SIGTERM)
    server.wait()
    upstream.terminate()

json.dump(results, open(os.path.join(out, "mirror.json"), "w"), indent=2)
print("\n| measure | value |\n|---|---:|")
for key, value in results.items():
    print(f"| {key} | {value:,.1f} |")
print(f"\nmirrored file: x{results['mirrored file from the blob store, MB/s'] / results['local file (an upload), MB/s']:.3f} the local file's rate")
print(f"mirror page: first x{results['mirror page, first (read from the upstream): median ms'] / results['mirror page, cached: median ms']:.1f} the cached one's median latency")
print(f"cached mirror page: x{results['mirror page, cached: requests/s'] / results['local page (page cache): requests/s']:.3f} the local page's rate")
