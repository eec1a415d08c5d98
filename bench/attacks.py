#!/usr/bin/env python3
"""The security issues' figures, measured against a running wheelwright (make bench-attacks).

  attacks.py OUT_DIR WHEELWRIGHT_BINARY [PEER_BINARY]

1. The page-cache attack: the server's RSS before and after 300 GETs of `?x=N` (and other query
   and path spellings) on a project page whose summary is as large as the index accepts.
2. `/+health` latency (median and worst of 20) while 20,000 idle TCP connections are held open
   (two processes of 10,000, from 127.0.0.2 and 127.0.0.3).
3. A real login's latency while 64 guessers (curl from 127.0.0.4) hammer the same user.
4. The throttle flood (issue 28): the real user logs in through devpi's `+login` (so the server
   remembers the login), then 8 threads from 127.0.0.5 send 2,000 wrong passwords and finally
   the right one; meanwhile the real user logs in again and again from 127.0.0.1. The figures:
   the guesses' answers, what the right password got from the flooding address (200 is an
   oracle), and the real logins' median and worst latency.
Each binary (PEER_BINARY, when given, is another build, e.g. the one before a change) is measured
in turn in the same run. Prints one line per figure and writes them to OUT_DIR/attacks.txt.
"""
import http.client
import json
import threading
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


def devpi_login(port, user, password, source="127.0.0.1"):
    """POST /+login from `source`: the status and the milliseconds it took."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request("POST", "/+login", json.dumps({"user": user, "password": password}), {"Content-Type": "application/json"})
        reply = connection.getresponse()
        reply.read()
        return reply.status, (time.monotonic() - started) * 1000
    finally:
        connection.close()


def throttle_flood(port):
    """Figure 4: the guesses' answers, the right password's answer from the flooding address, and
    the real user's logins meanwhile."""
    assert devpi_login(port, "carol", "carol-secret")[0] == 200
    codes, lock = {}, threading.Lock()

    def guesser(n):
        for i in range(250):
            status, _ = devpi_login(port, "carol", f"guess{n}-{i}", "127.0.0.5")
            with lock:
                codes[status] = codes.get(status, 0) + 1

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    real = []
    while any(thread.is_alive() for thread in threads):
        status, milliseconds = devpi_login(port, "carol", "carol-secret")
        real.append((status, milliseconds))
    for thread in threads:
        thread.join()
    right, _ = devpi_login(port, "carol", "carol-secret", "127.0.0.5")
    latencies = [milliseconds for _, milliseconds in real]
    answered = {status: sum(1 for s, _ in real if s == status) for status, _ in real}
    return (f"throttle flood: 2,000 wrong passwords from 127.0.0.5 answered {dict(sorted(codes.items()))}; then the right "
            f"password from there: {right}{' (an oracle)' if right == 200 else ''}; the real user's {len(real)} logins "
            f"meanwhile {dict(sorted(answered.items()))}, median {statistics.median(latencies):.0f} ms, worst {max(latencies):.0f} ms")


def main():
    out, binaries = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    lines = []
    for binary in binaries:
        lines.append(f"== {binary}")
        lines += measure(binary, out)
    with open(os.path.join(out, "attacks.txt"), "w") as report:
        report.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def measure(binary, out):
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

        # 4. The throttle flood.
        lines.append(throttle_flood(port))
    finally:
        server.terminate()
        server.wait()
    return lines


if __name__ == "__main__":
    main()
