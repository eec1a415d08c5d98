#!/usr/bin/env python3
"""Uploads wheels as twine does (one multipart form per file, Basic auth) from WORKERS threads,
each on its own keep-alive connection, and prints the files per second: the server's rate when
the client's own CPU is not the limit.

upload_client.py URL USER PASSWORD WORKERS WHEEL...
"""
import base64, hashlib, http.client, os, queue, sys, threading, time, urllib.parse

url, user, password, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
wheels = sys.argv[5:]
target = urllib.parse.urlsplit(url)
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
boundary = "wwuploadclient"


def form(path):
    """The fields twine sends that the servers read, and the file."""
    name = os.path.basename(path)
    content = open(path, "rb").read()
    project, version = name.split("-")[:2]
    fields = {":action": "file_upload", "protocol_version": "1", "name": project, "version": version,
              "filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1",
              "sha256_digest": hashlib.sha256(content).hexdigest()}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


bodies = queue.Queue()
for wheel in wheels:
    bodies.put((wheel, form(wheel)))
failures = []


def work():
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    while True:
        try:
            wheel, body = bodies.get_nowait()
        except queue.Empty:
            return
        connection.request("POST", target.path, body, {"Authorization": auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            failures.append(f"{wheel}: {response.status} {answer[:200]!r}")


start = time.perf_counter()
threads = [threading.Thread(target=work) for _ in range(workers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - start
if failures:
    sys.exit("\n".join(failures[:5]))
print(round(len(wheels) / elapsed, 1))
