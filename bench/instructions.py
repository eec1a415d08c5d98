#!/usr/bin/env python3
"""Instructions per operation, counted by valgrind's callgrind: repeatable where wall time is not.

instructions.py BUILD_DIR OUT_DIR BASELINE [--update] [--scale N]

--scale N divides every workload's size by N: `make test` runs the release build (linked with the
Swift runtime inside, which valgrind can load) at --scale 10 against
bench/instructions-baseline-check.json; `make bench-instructions` the same build at full size
against bench/instructions-baseline.json.

Workloads (each figure is instructions per operation, the set-up subtracted):
  page     a cached simple project page over HTTP (keep-alive), in the running server
  upload   an upload of a small wheel over HTTP (keep-alive), in the running server
  versions parsing and sorting one version, of 100,000 (wheelwright-bench sort-versions)
  lint     checking one whitelist entry, of 5,000 (wheelwright whitelist lint)
For the server, counters are zeroed after a warm-up and dumped after the requests
(callgrind_control), so start-up is not counted; for the commands, a run on a tiny input is
subtracted. SWIFT_DETERMINISTIC_HASHING fixes dictionary layouts between runs.

The figures are compared with BASELINE (JSON, same build): a figure more than 10% above its
baseline fails (exit 1) unless --update writes the new figures as the baseline.
"""
import base64, glob, http.client, json, os, re, shutil, subprocess, sys, time

build, out, baseline_path = sys.argv[1], sys.argv[2], sys.argv[3]
update = "--update" in sys.argv
scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 1
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
python = os.path.join(root, ".venv/bin/python")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1", WHEELWRIGHT_ROOT_PASSWORD="benchpw")


def stripped(name):
    """valgrind 3.19 cannot read Swift 6.3's debug information: a copy without it."""
    copy = os.path.join(out, name)
    subprocess.run(["objcopy", "--strip-debug", os.path.join(build, name), copy], check=True)
    return copy


def total(callgrind_file):
    text = open(callgrind_file).read()
    return int(re.search(r"^summary:\s+(\d+)", text, re.M).group(1))


def command(binary, arguments, name):
    target = os.path.join(out, f"{name}.callgrind")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}", binary] + arguments,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return total(target)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


results = {}

# The server workloads.
wheelwright = stripped("wheelwright")
port = free_port()
server_out = os.path.join(out, "server.callgrind")
server = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={server_out}", "--dump-instr=no",
                           wheelwright, "serve", "--data", os.path.join(out, "data"), "--port", str(port)],
                          env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, "server.log"), "w"))
try:
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/+health")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    root_auth = {"Authorization": "Basic " + base64.b64encode(b"root:benchpw").decode()}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(method, path, body=None, headers=None):
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
        return data

    call("PUT", "/bench", json.dumps({"password": "benchpw"}).encode(), {**root_auth, "Content-Type": "application/json"})
    bench_auth = {"Authorization": "Basic " + base64.b64encode(b"bench:benchpw").decode()}
    call("PUT", "/bench/stage", json.dumps({}).encode(), {**bench_auth, "Content-Type": "application/json"})
    uploads = 1000 // scale
    corpus = os.path.join(out, "corpus")
    subprocess.run([python, os.path.join(here, "corpus.py"), corpus, str(uploads // 10 + 1), "10"], check=True, stdout=subprocess.DEVNULL)
    wheels = sorted(glob.glob(os.path.join(corpus, "*.whl")))

    def upload(path):
        name = os.path.basename(path)
        boundary = "wwinstructions"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + open(path, "rb").read() + f"\r\n--{boundary}--\r\n".encode()
        call("POST", "/bench/stage/", body, {**bench_auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def measured(name, operations, work):
        subprocess.run(["callgrind_control", "-z", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        work()
        subprocess.run(["callgrind_control", "-d", name, str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        dumps = sorted(glob.glob(server_out + ".*"), key=os.path.getmtime)
        results[name] = total(dumps[-1]) // operations

    for wheel in wheels[:10]:
        upload(wheel)  # warm-up, and the project the page shows
    measured("upload", uploads, lambda: [upload(wheel) for wheel in wheels[10:10 + uploads]])
    page = "/bench/stage/+simple/" + os.path.basename(wheels[0]).split("-")[0].replace("_", "-") + "/"
    for _ in range(100):
        call("GET", page)
    requests = 1000 // scale
    measured("page", requests, lambda: [call("GET", page) for _ in range(requests)])
finally:
    server.terminate()
    server.wait()

# The in-process workloads, a tiny input subtracted.
bench = stripped("wheelwright-bench")
versions = 100_000 // scale
subprocess.run([python, os.path.join(here, "versions.py"), "generate", str(versions), os.path.join(out, "versions.txt")], check=True)
subprocess.run([python, os.path.join(here, "versions.py"), "generate", "1", os.path.join(out, "version.txt")], check=True)
results["versions"] = (command(bench, ["sort-versions", os.path.join(out, "versions.txt"), "1"], "versions")
                       - command(bench, ["sort-versions", os.path.join(out, "version.txt"), "1"], "version")) // (versions - 1)
entries = 5000 // scale
for count in (entries, 1):
    os.makedirs(os.path.join(out, f"lint-{count}"))
    subprocess.run([python, os.path.join(here, "whitelist.py"), str(count), os.path.join(out, f"lint-{count}", "bench.yaml")], check=True)


def lint(count):
    target = os.path.join(out, f"lint-{count}.callgrind")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}", wheelwright, "whitelist", "lint",
                    os.path.join(out, f"lint-{count}"), "--containers", os.path.join(root, "containers")],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return total(target)


results["lint"] = (lint(entries) - lint(1)) // (entries - 1)
json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=2)

baseline = json.load(open(baseline_path)) if os.path.exists(baseline_path) else {}
print(f"{'workload':<10}{'instructions/op':>17}{'baseline':>12}{'change':>9}")
failed = []
for name, value in results.items():
    before = baseline.get(name)
    change = f"{(value / before - 1) * 100:+.1f}%" if before else "new"
    print(f"{name:<10}{value:>17,}{(before or 0):>12,}{change:>9}")
    if before and value > before * 1.10:
        failed.append(name)
if update:
    json.dump(results, open(baseline_path, "w"), indent=2, sort_keys=True)
    print(f"baseline written: {baseline_path}")
elif failed:
    target = "check-instructions" if scale > 1 else "bench-instructions"
    print(f"more than 10% above the baseline: {', '.join(failed)}; if that is intended, run make {target} UPDATE=1 "
          f"and commit {baseline_path} with the change")
    sys.exit(1)
