#!/usr/bin/env python3
"""The security issue's three figures, measured against a running wheelwright (make bench-attacks).

  attacks.py WHEELWRIGHT_BINARY OUT_DIR

1. The page-cache attack: the server's RSS before and after 300 GETs of `?x=N` (and other query
   and path spellings) on a project page whose summary is as large as the index accepts.
2. `/+health` latency (median and worst of 20) while 20,000 idle TCP connections are held open
   (two processes of 10,000, from 127.0.0.2 and 127.0.0.3).
3. A real login's latency while 64 guessers (curl from 127.0.0.4) hammer the same user.
Prints one line per figure and writes them to OUT_DIR/attacks.txt.
"""
import base64
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url, method="GET", body=None, auth=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=120) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def upload(base, index, path, auth):
    boundary = "benchboundary"
    name = os.path.basename(path)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{name}"\r\n\r\n'.encode(),
             open(path, "rb").read(), f"\r\n--{boundary}--\r\n".encode()]
    return request(f"{base}/{index}/", "POST", b"".join(parts), auth, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    data = os.path.join(out, "attack-data")
    subprocess.run(["rm", "-rf", data], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, WHEELWRIGHT_ROOT_PASSWORD="benchpw")
    server = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = []
    try:
        for _ in range(300):
            try:
                if request(f"{base}/+health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        request(f"{base}/alice", "PUT", b'{"password": "alice-secret"}', "root:benchpw", {"Content-Type": "application/json"})
        request(f"{base}/alice/dev", "PUT", b"{}", "alice:alice-secret", {"Content-Type": "application/json"})
        wheels = os.path.join(out, "attack-wheels")
        os.makedirs(wheels, exist_ok=True)
        made = subprocess.run([sys.executable, os.path.join(ROOT, "Tests/Support/make_distributions.py"), wheels, "big", "1.0",
                               "--summary", "s" * 60_000], check=True, capture_output=True, text=True).stdout.strip()
        status, _ = upload(base, "alice/dev", made, "alice:alice-secret")
        assert status == 200, status

        # 1. The cache attack.
        request(f"{base}/alice/dev/big/", headers={"Accept": "text/html"})
        before = rss_kb(server.pid)
        for number in range(300):
            for path in (f"/alice/dev/big/?x={number}", f"/alice/dev/Big/?y={number}", f"/alice/dev/?filter={number}&j={number}"):
                request(base + path, headers={"Accept": "text/html"})
        after = rss_kb(server.pid)
        lines.append(f"cache attack: RSS {before / 1024:.1f} MB before, {after / 1024:.1f} MB after 900 distinct URLs "
                     f"(summary of 60 kB; a 4 MB summary is now refused with 413)")

        # 2. 20,000 idle connections.
        holders = []
        for source in ("127.0.0.2", "127.0.0.3"):
            holders.append(subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/hold_connections.py"), "127.0.0.1",
                                             str(port), "10000", source, "60"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        opened = sum(int(holder.stdout.readline().split()[1]) for holder in holders)
        latencies = []
        for _ in range(20):
            started = time.monotonic()
            status, _ = request(f"{base}/+health")
            latencies.append((time.monotonic() - started) * 1000)
            assert status == 200, status
        for holder in holders:
            holder.stdin.close()
            holder.wait()
        lines.append(f"/+health during {opened} idle connections: median {statistics.median(latencies):.1f} ms, "
                     f"worst {max(latencies):.1f} ms (20 requests)")

        # 3. 64 guessers and the real login.
        request(f"{base}/carol", "PUT", b'{"password": "carol-secret"}', "root:benchpw", {"Content-Type": "application/json"})
        guessers = [subprocess.Popen(["bash", "-c", f"for i in $(seq 1 20); do curl -s -o /dev/null -w '%{{http_code}}\\n' "
                                      f"--interface 127.0.0.4 -u carol:guess{n}-$i -X PUT -d '{{}}' {base}/carol/g{n}; done"],
                                     stdout=subprocess.PIPE, text=True) for n in range(64)]
        time.sleep(0.5)
        started = time.monotonic()
        status, _ = request(f"{base}/carol/real", "PUT", b"{}", "carol:carol-secret", {"Content-Type": "application/json"})
        login = (time.monotonic() - started) * 1000
        codes = {}
        for guesser in guessers:
            for code in guesser.communicate()[0].split():
                codes[code] = codes.get(code, 0) + 1
        lines.append(f"real login during 64 guessers: {login:.0f} ms (status {status}); guesses answered {dict(sorted(codes.items()))}")
    finally:
        server.terminate()
        server.wait()
    with open(os.path.join(out, "attacks.txt"), "w") as report:
        report.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
