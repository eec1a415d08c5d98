#!/usr/bin/env python3
"""What read ACLs cost a public page: read_acl.py BUILD_DIR OUT_DIR [PEER_BUILD_DIR]

Two servers of the release build, side by side in one run: one whose indices are all public, and
one that also has a private index (acl_read: bob) with a project of its own. Each serves the same
cached public project page (`/alice/public/+simple/demo-pkg/`, and the same in JSON) to
`wrk -t2 -c16 -d5s`, three rounds alternating, best round each; then an anonymous and a signed-in
read of the private page (the guarded path: the reader's identity checked on every request).
PEER_BUILD_DIR (another build, e.g. the one before read ACLs) adds its all-public server.
Wall rates on a shared 2-core machine move by 5-15% between identical servers; so each server is
also run under callgrind (valgrind), and the instructions per cached public page request (300
after a warm-up, HTML and JSON) are counted: the repeatable figure.
Writes OUT_DIR/read_acl.json and prints a table with the ratios.
"""
import base64, glob, http.client, json, os, signal, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server

build, out = sys.argv[1], sys.argv[2]
peer = sys.argv[3] if len(sys.argv) > 3 else None
os.makedirs(out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="wheelwright-readacl-")
password = "bench-secret"


def call(port, method, path, body=None, user="root", secret=password):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()})
    with urllib.request.urlopen(request) as response:
        return response.status


def start(binary, name, private):
    server, port = local_server.serve(os.path.join(binary, "wheelwright"), os.path.join(work, name), password)
    call(port, "PUT", "/alice", {"password": "alice-secret"})
    call(port, "PUT", "/bob", {"password": "bob-secret"})
    call(port, "PUT", "/alice/public", {"volatile": False}, "alice", "alice-secret")
    wheels = os.path.join(work, f"wheels-{name}")
    os.makedirs(wheels, exist_ok=True)
    uploads = [("public", "demo-pkg")]
    if private:
        call(port, "PUT", "/alice/private", {"volatile": False, "acl_read": ["bob"]}, "alice", "alice-secret")
        uploads.append(("private", "secret-pkg"))
    for index, project in uploads:
        subprocess.run([sys.executable, os.path.join(root, "Tests/Support/make_distributions.py"), wheels, project, "1.0"], check=True, stdout=subprocess.DEVNULL)
        wheel = next(os.path.join(wheels, f) for f in os.listdir(wheels) if f.startswith(project.replace("-", "_")) and f.endswith(".whl"))
        subprocess.run([os.path.join(root, ".venv/bin/twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                        f"http://127.0.0.1:{port}/alice/{index}/", "-u", "alice", "-p", "alice-secret", wheel], check=True, stdout=subprocess.DEVNULL)
    return server, port


def wrk(port, path, headers=()):
    arguments = ["wrk", "-t2", "-c16", "-d5s"]
    for header in headers:
        arguments += ["-H", header]
    output = subprocess.run(arguments + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    return float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec:")))


servers = {"all public": start(build, "public", False), "with a private index": start(build, "private", True)}
if peer:
    servers["peer, all public"] = start(peer, "peer", False)
results = {}
try:
    json_accept = "Accept: application/vnd.pypi.simple.v1+json"
    for round_ in range(3):
        for name, (_, port) in servers.items():
            for label, headers in (("public page (HTML)", ()), ("public page (JSON)", (json_accept,))):
                rate = wrk(port, "/alice/public/+simple/demo-pkg/", headers)
                key = f"{name}: {label}"
                results[key] = max(results.get(key, 0), rate)
    _, port = servers["with a private index"]
    bob = "Authorization: Basic " + base64.b64encode(b"bob:bob-secret").decode()
    results["with a private index: private page, anonymous (401)"] = wrk(port, "/alice/private/+simple/secret-pkg/")
    results["with a private index: private page, bob (200)"] = wrk(port, "/alice/private/+simple/secret-pkg/", (bob,))
finally:
    for server, _ in servers.values():
        server.send_signal(signal.SIGTERM)
        server.wait()



def instructions(private, accept):
    """Instructions per cached public page request of a server under callgrind."""
    binary = os.path.join(work, "wheelwright-stripped")
    if not os.path.exists(binary):
        subprocess.run(["objcopy", "--strip-debug", os.path.join(build, "wheelwright"), binary], check=True)
    folder = os.path.join(work, f"callgrind-{private}-{accept.split('/')[-1]}")
    os.makedirs(folder)
    port = local_server.free_port()
    dump = os.path.join(folder, "server.callgrind")
    server = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={dump}", "--dump-instr=no", binary, "serve",
                               "--data", os.path.join(folder, "data"), "--port", str(port)],
                              env={**os.environ, "WHEELWRIGHT_ROOT_PASSWORD": password, "SWIFT_DETERMINISTIC_HASHING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                call(port, "GET", "/+health")
                break
            except OSError:
                time.sleep(0.2)
        call(port, "PUT", "/alice", {"password": "alice-secret"})
        call(port, "PUT", "/alice/public", {"volatile": False}, "alice", "alice-secret")
        if private:
            call(port, "PUT", "/alice/private", {"volatile": False, "acl_read": ["bob"]}, "alice", "alice-secret")
        subprocess.run([sys.executable, os.path.join(root, "Tests/Support/make_distributions.py"), folder, "demo-pkg", "1.0"], check=True, stdout=subprocess.DEVNULL)
        wheel = next(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".whl"))
        subprocess.run([os.path.join(root, ".venv/bin/twine"), "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                        f"http://127.0.0.1:{port}/alice/public/", "-u", "alice", "-p", "alice-secret", wheel], check=True, stdout=subprocess.DEVNULL)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def get():
            connection.request("GET", "/alice/public/+simple/demo-pkg/", headers={"Accept": accept})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        for _ in range(50):
            get()
        subprocess.run(["callgrind_control", "-z", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        for _ in range(300):
            get()
        subprocess.run(["callgrind_control", "-d", "page", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        latest = max(glob.glob(dump + ".*"), key=os.path.getmtime)
        counted = next(int(line.split()[1]) for line in open(latest) if line.startswith(("summary:", "totals:")))
        return counted // 300
    finally:
        server.terminate()
        server.wait()


for accept in ("text/html", "application/vnd.pypi.simple.v1+json"):
    results[f"instructions per cached public page ({accept}), all public"] = instructions(False, accept)
    results[f"instructions per cached public page ({accept}), with a private index"] = instructions(True, accept)

json.dump(results, open(os.path.join(out, "read_acl.json"), "w"), indent=2)
print("\n| server: page | requests/s (best of 3 rounds, wrk -t2 -c16 -d5s), or instructions |")
print("|---|---:|")
for key, rate in results.items():
    print(f"| {key} | {rate:,.0f} |")
for accept in ("text/html", "application/vnd.pypi.simple.v1+json"):
    ratio = results[f"instructions per cached public page ({accept}), with a private index"] / results[f"instructions per cached public page ({accept}), all public"]
    print(f"\ninstructions per cached public page ({accept}): with a private index x{ratio:.4f}")
for label in ("public page (HTML)", "public page (JSON)"):
    ratio = results[f"with a private index: {label}"] / results[f"all public: {label}"]
    print(f"\n{label}: with a private index x{ratio:.3f} the all-public server's rate")
