#!/usr/bin/env python3
"""Downloads against nginx serving the same bytes: downloads.py BUILD_DIR OUT_DIR [PEER]

One release `wheelwright serve` holds two uploaded wheels, of 300 MB and 10 MB (incompressible);
nginx (one worker, sendfile on, access log on) serves copies of the very bytes wheelwright sends.
Each measure runs ROUNDS (3) times, servers alternating, and keeps each server's best round:
- one client fetching the 300 MB file whole (curl to /dev/null), in MB/s;
- 16 clients fetching the 10 MB file (wrk -t2 -c16, DURATION seconds), in MB/s, with p50/p99;
- 16 clients fetching 1 MiB Range slices of the 300 MB file (wrk, the same), in MB/s.
Beside each, the server's CPU seconds per GB sent (user + system, from /proc). PEER: another
`wheelwright` binary, serving a copy of the same data folder, runs beside them.
Writes OUT_DIR/downloads.json and prints a table with the ratios to nginx.
"""
import base64, json, os, shutil, signal, subprocess, sys, tempfile, time, urllib.request, zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server, wrk_output

build, out = sys.argv[1], sys.argv[2]
peer = sys.argv[3] if len(sys.argv) > 3 else None
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="wheelwright-downloads-")
os.chmod(work, 0o755)  # nginx's worker reads www/ as nobody
rounds = int(os.environ.get("ROUNDS", "3"))
duration = os.environ.get("DURATION", "10")
password = "bench-secret"
RANGE = "bytes=104857600-105906175"  # 1 MiB from 100 MiB on
TICKS = os.sysconf("SC_CLK_TCK")


def wheel(name, megabytes):
    """A valid wheel of about `megabytes` MB: a small distribution and a stored random member."""
    folder = os.path.join(work, "wheels")
    path = subprocess.run([sys.executable, os.path.join(root, "Tests/Support/make_distributions.py"), folder, name, "1.0"],
                          check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{name.replace('-', '_')}/data.bin", os.urandom(megabytes << 20))
    return path


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def nginx_workers(master):
    return [master] + [int(pid) for pid in subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()]


def curl(url):
    """(seconds, bytes) of one whole download."""
    output = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", url],
                            check=True, capture_output=True, text=True).stdout.split()
    return float(output[0]), int(output[1])


def wrk(url, name, size, header=None):
    path = os.path.join(out, f"wrk-{name}.txt")
    arguments = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency"] + (["-H", header] if header else []) + [url]
    with open(path, "w") as output:
        subprocess.run(arguments, check=True, stdout=output)
    parsed = wrk_output.parse(path)
    return parsed["rps"] * size / 1e6, parsed


big, small = wheel("big-pkg", 300), wheel("small-pkg", 10)
sizes = {"big": os.path.getsize(big), "small": os.path.getsize(small)}
servers = {}  # name -> (base URL of the big file, of the small file, pids to charge)
processes = []
try:
    server, port = local_server.serve(os.path.join(build, "wheelwright"), os.path.join(work, "data"), password)
    processes.append(server)
    base = f"http://127.0.0.1:{port}"
    request = urllib.request.Request(f"{base}/root/files", method="PUT", data=b'{"volatile": false}',
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Basic " + base64.b64encode(f"root:{password}".encode()).decode()})
    urllib.request.urlopen(request).read()
    subprocess.run([os.path.join(root, ".venv/bin/twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                    f"{base}/root/files/", "-u", "root", "-p", password, big, small], check=True, stdout=subprocess.DEVNULL)
    urls = {}
    for key, project in (("big", "big-pkg"), ("small", "small-pkg")):
        page = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"{base}/root/files/+simple/{project}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})).read())
        urls[key] = page["files"][0]["url"].split("#")[0]
    www = os.path.join(work, "www")
    os.makedirs(www)
    for key in urls:  # the bytes wheelwright sends (and its one digest check per process, done here)
        urllib.request.urlretrieve(base + urls[key], os.path.join(www, f"{key}.whl"))
        assert os.path.getsize(os.path.join(www, f"{key}.whl")) == sizes[key]
    servers["wheelwright"] = (base + urls["big"], base + urls["small"], [server.pid])
    if peer:
        shutil.copytree(os.path.join(work, "data"), os.path.join(work, "data-peer"))
        peer_server, peer_port = local_server.serve(peer, os.path.join(work, "data-peer"), password)
        processes.append(peer_server)
        peer_base = f"http://127.0.0.1:{peer_port}"
        urllib.request.urlopen(peer_base + urls["big"]).read(1)
        servers["peer"] = (peer_base + urls["big"], peer_base + urls["small"], [peer_server.pid])
    nginx_port = local_server.free_port()
    with open(os.path.join(work, "nginx.conf"), "w") as conf:
        conf.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log {work}/nginx-access.log; sendfile on; tcp_nopush on;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  types {{ application/octet-stream whl; }}
  server {{ listen 127.0.0.1:{nginx_port}; root {www}; }}
}}
""")
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work])
    processes.append(nginx)
    nginx_base = f"http://127.0.0.1:{nginx_port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{nginx_base}/small.whl").read()
            break
        except OSError:
            time.sleep(0.05)
    servers = {"nginx": (f"{nginx_base}/big.whl", f"{nginx_base}/small.whl", nginx_workers(nginx.pid)), **servers}

    best = {}  # (measure, server) -> result with the highest MB/s

    def keep(measure, name, result):
        if (measure, name) not in best or result["mb_per_s"] > best[(measure, name)]["mb_per_s"]:
            best[(measure, name)] = result

    for round_number in range(rounds):
        for name, (big_url, small_url, pids) in servers.items():
            before = cpu_seconds(pids)
            seconds, sent = curl(big_url)
            assert sent == sizes["big"], f"{name} sent {sent} of {sizes['big']} bytes"
            keep("one client, the 300 MB file", name, {"mb_per_s": sent / 1e6 / seconds, "seconds": seconds,
                                                        "cpu_s_per_gb": (cpu_seconds(pids) - before) / (sent / 1e9)})
            for measure, url, size, header in (("16 clients, the 10 MB file", small_url, sizes["small"], None),
                                               ("16 clients, 1 MiB ranges of the 300 MB file", big_url, 1 << 20, f"Range: {RANGE}")):
                before = cpu_seconds(pids)
                rate, parsed = wrk(url, f"{name}-{len(best)}-{round_number}", size, header)
                assert parsed["non_2xx"] == 0, f"{name}: {parsed['non_2xx']} answers not 2xx"
                keep(measure, name, {"mb_per_s": rate, "p50_ms": parsed["p50_ms"], "p99_ms": parsed["p99_ms"],
                                     "cpu_s_per_gb": (cpu_seconds(pids) - before) / (rate * float(duration) / 1e3)})
    rss = {name: int(next(line.split()[1] for line in open(f"/proc/{pids[0]}/status") if line.startswith("VmRSS"))) / 1024
           for name, (_, _, pids) in servers.items() if name != "nginx"}
finally:
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.wait()
    shutil.rmtree(work, ignore_errors=True)

results = {"rounds": rounds, "duration_s": float(duration), "rss_mb": rss,
           "measures": {measure: {name: best[(measure, name)] for name in servers} for measure in dict.fromkeys(m for m, _ in best)}}
json.dump(results, open(os.path.join(out, "downloads.json"), "w"), indent=2)
print(f"\n| measure | server | MB/s | p50 ms | p99 ms | CPU s/GB | × nginx |\n|---|---|---:|---:|---:|---:|---:|")
for measure, by_server in results["measures"].items():
    for name, result in by_server.items():
        ratio = result["mb_per_s"] / by_server["nginx"]["mb_per_s"]
        p50, p99 = (f"{result[key]:.1f}" if key in result else "" for key in ("p50_ms", "p99_ms"))
        print(f"| {measure} | {name} | {result['mb_per_s']:,.0f} | {p50} | {p99} | {result['cpu_s_per_gb']:.2f} | {ratio:.2f} |")
print("\nRSS after: " + ", ".join(f"{name} {value:.1f} MB" for name, value in rss.items()))
