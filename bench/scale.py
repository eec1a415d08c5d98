#!/usr/bin/env python3
"""Cost as work grows (`make bench-scale`): does a request cost the same in a small index and a
large one, and does a plan grow only with its whitelist?

scale.py BUILD_DIR OUT_DIR [--plot-only]

For each index size (SIZES, default 1000,10000,100000,1000000 files; ten versions of one wheel
per project, seeded straight into the catalog by `wheelwright-bench seed-index`), a release
server is started on it and measured:
  start-up      exec to the first 200 from /+health: the first start (as after a crash: every
                blob checked against the catalog) and again after a clean stop
  RSS           idle after start-up; after 5 s of wrk -t2 -c16 over 1,000 project pages
  project page  200 random projects on one keep-alive connection: the first fetch of each
                (rendered from the catalog) and the second (from the page cache); median, p99
  index root    /+simple/ of the index: it lists every project, so it grows by nature
  home page     / (HTML): every index with its counts of projects and files
  upload        40 small wheels uploaded one after another (twine's form); median, p99
Then for each whitelist size (ENTRIES, default 100,1000,5000,20000,50000 entries), best of 3:
`wheelwright plan` of the nightly no-op (pinned entries x 2 targets, every one already held by
a seeded index: the plan reads the whitelist, asks the index for its files, plans, prints), and
`wheelwright whitelist lint` of a realistic file (bench/whitelist.py: specifiers, system packages,
environments). Entries that follow a specifier also cost one upstream page each, a network
round trip, which this benchmark leaves out.

Writes OUT_DIR/results.json, prints Markdown tables, and draws OUT_DIR/scale.svg (the plot
docs/performance.md shows); --plot-only draws it again from OUT_DIR/results.json.
"""
import base64, http.client, json, os, random, signal, socket, statistics, subprocess, sys, time

build, out = sys.argv[1], sys.argv[2]
plot_only = "--plot-only" in sys.argv
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
python = os.path.join(root, ".venv/bin/python")
sizes = [int(n) for n in os.environ.get("SIZES", "1000,10000,100000,1000000").split(",")]
entry_counts = [int(n) for n in os.environ.get("ENTRIES", "100,1000,5000,20000,50000").split(",")]
per_project = 10
if not plot_only:
    subprocess.run(["rm", "-rf", out], check=True)
    os.makedirs(out)
auth = {"Authorization": "Basic " + base64.b64encode(b"bench:bench").decode()}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid, field="VmRSS"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def summary(milliseconds):
    ordered = sorted(milliseconds)
    return {"median_ms": round(statistics.median(ordered), 3), "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3)}


def timed_get(connection, path, headers=None):
    start = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:200]!r}")
    return elapsed, len(body)


def upload_body(path, boundary="wwscale"):
    name = os.path.basename(path)
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + open(path, "rb").read() + f"\r\n--{boundary}--\r\n".encode()


def start_server(data, log, requests_log=None):
    """A release server on `data`; returns it, its port and the seconds from exec to the first
    200 from /+health."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen([os.path.join(build, "wheelwright"), "serve", "--data", data, "--port", str(port)],
                              env=dict(os.environ, WHEELWRIGHT_ROOT_PASSWORD="bench"), stdout=open(log, "w"),
                              stderr=open(requests_log, "w") if requests_log else subprocess.STDOUT)
    while server.poll() is None and time.perf_counter() - start < 300:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/+health")
            if probe.getresponse().status == 200:
                return server, port, time.perf_counter() - start
        except OSError:
            time.sleep(0.002)
    server.kill()
    raise SystemExit(f"the server on {data} did not start; see {log}")


if not plot_only:
    corpus = os.path.join(out, "corpus")
    subprocess.run([python, os.path.join(here, "corpus.py"), corpus, "4", "10"], check=True, stdout=subprocess.DEVNULL)
    wheels = sorted(os.path.join(corpus, name) for name in os.listdir(corpus) if name.endswith(".whl"))

    results = {"index": {}, "plan": {}}
    for size in sizes:
        data = os.path.join(out, f"index-{size}")
        seeded = json.loads(subprocess.run([os.path.join(build, "wheelwright-bench"), "seed-index", data, "bench/scale", str(size), str(per_project)],
                                           check=True, capture_output=True, text=True).stdout)
        server, port, startup = start_server(data, os.path.join(out, f"serve-{size}.out"), os.path.join(out, f"request-{size}.log"))
        try:
            time.sleep(1)
            idle = rss_mb(server.pid)

            projects = size // per_project
            rng = random.Random(size)
            sample = [f"/bench/scale/+simple/seeded-project-{rng.randrange(projects)}/" for _ in range(200)]
            sample = list(dict.fromkeys(sample))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            rendered = [timed_get(connection, path)[0] for path in sample]
            cached = [timed_get(connection, path)[0] for path in sample]
            root_rendered, root_bytes = timed_get(connection, "/bench/scale/+simple/")
            root_cached = statistics.median(timed_get(connection, "/bench/scale/+simple/")[0] for _ in range(5))
            home_rendered = timed_get(connection, "/", {"Accept": "text/html"})[0]
            home_cached = statistics.median(timed_get(connection, "/", {"Accept": "text/html"})[0] for _ in range(5))

            paths = [f"/bench/scale/+simple/seeded-project-{rng.randrange(projects)}/" for _ in range(1000)]
            script = os.path.join(out, f"pages-{size}.lua")
            with open(script, "w") as lua:
                lua.write("local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
                          "local n = 0\nrequest = function()\n  n = n + 1\n"
                          "  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend\n")
            load = subprocess.run(["wrk", "-t2", "-c16", "-d5s", "--latency", "-s", script, f"http://127.0.0.1:{port}"],
                                  capture_output=True, text=True, check=True).stdout
            open(os.path.join(out, f"wrk-{size}.txt"), "w").write(load)
            sys.path.insert(0, here)
            import wrk_output
            under_load = wrk_output.parse(os.path.join(out, f"wrk-{size}.txt"))
            loaded, peak = rss_mb(server.pid), rss_mb(server.pid, "VmHWM")

            uploads = []
            for wheel in wheels:
                body = upload_body(wheel)
                began = time.perf_counter()
                connection.request("POST", "/bench/scale/", body, {**auth, "Content-Type": "multipart/form-data; boundary=wwscale"})
                response = connection.getresponse()
                answer = response.read()
                uploads.append((time.perf_counter() - began) * 1000)
                if response.status != 200:
                    raise SystemExit(f"upload {wheel}: {response.status} {answer[:200]!r}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()
        # Started again after that clean stop: no search for unnamed blobs.
        server, port, clean_startup = start_server(data, os.path.join(out, f"serve-{size}-again.out"), os.path.join(out, f"request-{size}-again.log"))
        time.sleep(1)
        clean_idle = rss_mb(server.pid)
        server.send_signal(signal.SIGTERM)
        server.wait()
        results["index"][size] = {
            "files": size, "projects": projects, "seed_us_per_file": round(seeded["seconds"] / size * 1e6, 1),
            "startup_ms": round(startup * 1000, 1), "rss_idle_mb": round(idle, 1),
            "startup_after_clean_stop_ms": round(clean_startup * 1000, 1), "rss_idle_after_clean_stop_mb": round(clean_idle, 1), "rss_loaded_mb": round(loaded, 1), "rss_peak_mb": round(peak, 1),
            "page_rendered": summary(rendered), "page_cached": summary(cached), "load_rps": round(under_load["rps"]), "load_p99_ms": under_load["p99_ms"],
            "root_rendered_ms": round(root_rendered, 1), "root_cached_ms": round(root_cached, 2), "root_bytes": root_bytes,
            "home_rendered_ms": round(home_rendered, 1), "home_cached_ms": round(home_cached, 2),
            "upload": summary(uploads),
        }
        print(f"index of {size} files: {json.dumps(results['index'][size])}", flush=True)
        subprocess.run(["rm", "-rf", data], check=True)

    def best_of(runs, command, env=None):
        """The shortest wall time of `runs` runs of `command`, in seconds (each must succeed)."""
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - began)
        return min(times)


    for entries in entry_counts:
        folder = os.path.join(out, f"whitelist-{entries}")
        os.makedirs(folder)
        # The nightly no-op: every entry x 2 targets already held (a pure wheel of each in opensource/pure).
        subprocess.run([os.path.join(build, "wheelwright-bench"), "seed-index", os.path.join(folder, "data"), "opensource/pure", str(entries), "1"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(folder, "held.yaml"), "w") as held:
            held.write("defaults:\n  targets: [debian-12, debian-13]\npackages:\n")
            held.writelines(f'  - name: seeded-project-{i}\n    versions: ["1.0"]\n' for i in range(entries))
        server, port, _ = start_server(os.path.join(folder, "data"), os.path.join(folder, "serve.log"))
        try:
            plan = best_of(3, [os.path.join(build, "wheelwright"), "plan", os.path.join(folder, "held.yaml"), "--server", f"http://127.0.0.1:{port}",
                               "--user", "root", "--containers", os.path.join(root, "containers"), "--cache", os.path.join(folder, "cache")],
                           env=dict(os.environ, WHEELWRIGHT_PASSWORD="bench"))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()
        # Reading and validating a realistic whitelist (specifiers, system packages, environments).
        os.makedirs(os.path.join(folder, "lint"))
        subprocess.run([python, os.path.join(here, "whitelist.py"), str(entries), os.path.join(folder, "lint", "bench.yaml")], check=True)
        lint = best_of(3, [os.path.join(build, "wheelwright"), "whitelist", "lint", os.path.join(folder, "lint"), "--containers", os.path.join(root, "containers")])
        results["plan"][entries] = {"plan_seconds": round(plan, 4), "lint_seconds": round(lint, 4)}
        print(f"whitelist of {entries} entries: {json.dumps(results['plan'][entries])}", flush=True)
        subprocess.run(["rm", "-rf", os.path.join(folder, "data")], check=True)

    json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=2)
else:
    saved = json.load(open(os.path.join(out, "results.json")))
    results = {part: {int(size): figures for size, figures in saved[part].items()} for part in ("index", "plan")}

print("\n| files in the index | start-up: first / after a clean stop | RSS idle: first / after a clean stop / after load | project page rendered (median, p99) | cached (median, p99) | under load (wrk -c16) | index root rendered / cached | home page rendered / cached | upload (median, p99) |")
print("|---|---|---|---|---|---|---|---|---|")
for size, r in results["index"].items():
    print(f"| {size:,} | {r['startup_ms']:.0f} / {r['startup_after_clean_stop_ms']:.0f} ms "
          f"| {r['rss_idle_mb']:.0f} / {r['rss_idle_after_clean_stop_mb']:.0f} / {r['rss_loaded_mb']:.0f} MB "
          f"| {r['page_rendered']['median_ms']:.2f}, {r['page_rendered']['p99_ms']:.2f} ms | {r['page_cached']['median_ms']:.3f}, {r['page_cached']['p99_ms']:.3f} ms "
          f"| {r['load_rps']:,} req/s, p99 {r['load_p99_ms']:.2f} ms | {r['root_rendered_ms']:.0f} / {r['root_cached_ms']:.1f} ms ({r['root_bytes'] / 1e6:.1f} MB) "
          f"| {r['home_rendered_ms']:.0f} / {r['home_cached_ms']:.1f} ms "
          f"| {r['upload']['median_ms']:.2f}, {r['upload']['p99_ms']:.2f} ms |")
print("\n| whitelist entries | no-op plan (x 2 targets, all held) | per entry | lint | per entry |")
print("|---|---|---|---|---|")
for entries, r in results["plan"].items():
    print(f"| {entries:,} | {r['plan_seconds'] * 1000:.0f} ms | {r['plan_seconds'] / entries * 1e6:.0f} µs "
          f"| {r['lint_seconds'] * 1000:.0f} ms | {r['lint_seconds'] / entries * 1e6:.0f} µs |")


def svg_plot(path):
    """Four panels, each against a logarithmic x axis: the per-request costs, memory, start-up, the plan."""
    import math
    sizes_ = list(results["index"])
    entries_ = list(results["plan"])
    index = results["index"]
    panels = [
        ("Request latency (median, ms)", sizes_, "files in the index", [
            ("project page, rendered", [index[s]["page_rendered"]["median_ms"] for s in sizes_]),
            ("project page, cached", [index[s]["page_cached"]["median_ms"] for s in sizes_]),
            ("upload", [index[s]["upload"]["median_ms"] for s in sizes_])]),
        ("Memory (MB)", sizes_, "files in the index", [
            ("RSS idle, first start", [index[s]["rss_idle_mb"] for s in sizes_]),
            ("RSS idle, after a clean stop", [index[s]["rss_idle_after_clean_stop_mb"] for s in sizes_]),
            ("RSS after load", [index[s]["rss_loaded_mb"] for s in sizes_])]),
        ("Start-up, exec to /+health (ms)", sizes_, "files in the index", [
            ("first start (as after a crash)", [index[s]["startup_ms"] for s in sizes_]),
            ("after a clean stop", [index[s]["startup_after_clean_stop_ms"] for s in sizes_])]),
        ("Whitelist, per entry (µs)", entries_, "whitelist entries", [
            ("no-op plan (wheelwright plan)", [results["plan"][e]["plan_seconds"] / e * 1e6 for e in entries_]),
            ("lint (wheelwright whitelist lint)", [results["plan"][e]["lint_seconds"] / e * 1e6 for e in entries_])]),
    ]
    colours = ["#1f77b4", "#d62728", "#2ca02c"]
    width, height, pad = 460, 300, 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{2 * height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{2 * width}" height="{2 * height}" fill="white"/>']
    for number, (title, xs, xlabel, series) in enumerate(panels):
        left, top = (number % 2) * width, (number // 2) * height
        x0, y0, w, h = left + pad, top + 30, width - pad - 40, height - 90
        top_value = max(max(values) for _, values in series) * 1.4 or 1
        lx = [math.log10(x) for x in xs]
        span = (max(lx) - min(lx)) or 1

        def px(x):
            return x0 + (math.log10(x) - min(lx)) / span * w

        def py(y):
            return y0 + h - y / top_value * h

        parts.append(f'<text x="{left + width / 2}" y="{top + 18}" text-anchor="middle" font-weight="bold">{title}</text>')
        parts.append(f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="black"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + h}" stroke="black"/>')
        for x in xs:
            parts.append(f'<text x="{px(x)}" y="{y0 + h + 15}" text-anchor="middle">{x:,}</text>')
        parts.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 32}" text-anchor="middle">{xlabel}</text>')
        for step in range(5):
            value = top_value * step / 4
            label = f"{value:,.0f}" if top_value >= 20 else f"{value:.2g}"
            parts.append(f'<text x="{x0 - 5}" y="{py(value) + 4}" text-anchor="end">{label}</text>')
            parts.append(f'<line x1="{x0}" y1="{py(value)}" x2="{x0 + w}" y2="{py(value)}" stroke="#ddd"/>')
        for index_, (label, values) in enumerate(series):
            colour = colours[index_ % len(colours)]
            points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, values))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in zip(xs, values)]
            parts.append(f'<text x="{x0 + 8}" y="{y0 + 14 + 14 * index_}" fill="{colour}">{label}</text>')
    parts.append("</svg>")
    open(path, "w").write("\n".join(parts) + "\n")


svg_plot(os.path.join(out, "scale.svg"))
print(f"\nplot: {out}/scale.svg")
