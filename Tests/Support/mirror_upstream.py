#!/usr/bin/env python3
"""An upstream simple index for the mirror tests and benchmark: every file in FOLDER, read
again on each request (a test changes, adds or ages files between requests).

  mirror_upstream.py FOLDER

Serves /simple/ and /simple/NAME/ as PEP 691 JSON (api-version 1.1: sizes, upload times) or
PEP 503 HTML, as Accept asks; /files/FILENAME; and /counts, a JSON object of how many times
each path was asked for (what the mirror's caching saves). A file's upload time is its
modification time; a file modified at 0 (1970-01-01) is listed without one. A hostile page is
made with FOLDER/_pages/NAME.json: {"yanked": {FILENAME: REASON}, "extra": [FILE ENTRIES]} marks
files yanked and appends entries as given (any filename, URL, hash or size). Prints the port it listens on (127.0.0.1), then serves until killed.
"""
import collections
import datetime
import hashlib
import html
import http.server
import json
import os
import re
import sys
import threading

folder = sys.argv[1]
counts = collections.Counter()
lock = threading.Lock()


def project(filename):
    return re.sub(r"[-_.]+", "-", re.split(r"-\d", filename, maxsplit=1)[0]).lower()


def entry(filename):
    path = os.path.join(folder, filename)
    data = open(path, "rb").read()
    listed = {"filename": filename, "url": f"/files/{filename}", "hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "size": len(data)}
    if os.path.getmtime(path) > 0:
        uploaded = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
        listed["upload-time"] = uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return listed


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and the client's
    # delayed ACK hold the body back 40 ms on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with lock:
            counts[self.path] += 1
        wants_json = "json" in self.headers.get("Accept", "")
        if self.path == "/counts":
            with lock:
                return self.send(json.dumps(counts).encode(), "application/json")
        if self.path.startswith("/files/"):
            path = os.path.join(folder, os.path.basename(self.path))
            if not os.path.isfile(path):
                return self.send_error(404)
            return self.send(open(path, "rb").read(), "application/octet-stream")
        names = sorted(name for name in os.listdir(folder) if not name.startswith("_"))
        if self.path == "/simple/":
            projects = sorted({project(name) for name in names})
            if wants_json:
                return self.send(json.dumps({"meta": {"api-version": "1.1"}, "projects": [{"name": p} for p in projects]}).encode(),
                                 "application/vnd.pypi.simple.v1+json")
            return self.send("".join(f'<a href="{p}/">{p}</a>\n' for p in projects).encode(), "text/html")
        match = re.fullmatch(r"/simple/([^/]+)/", self.path)
        if not match:
            return self.send_error(404)
        files = [entry(name) for name in names if project(name) == match.group(1)]
        tampering = os.path.join(folder, "_pages", match.group(1) + ".json")
        if os.path.isfile(tampering):
            changes = json.load(open(tampering))
            for listed in files:
                if listed["filename"] in changes.get("yanked", {}):
                    listed["yanked"] = changes["yanked"][listed["filename"]]
            files += changes.get("extra", [])
        if not files:
            return self.send_error(404)
        if wants_json:
            body = {"meta": {"api-version": "1.1"}, "name": match.group(1), "files": files}
            return self.send(json.dumps(body).encode(), "application/vnd.pypi.simple.v1+json")
        links = "".join(f'<a href="{html.escape(f.get("url", ""))}#sha256={f.get("hashes", {}).get("sha256", "")}">{html.escape(f.get("filename", ""))}</a>\n'
                        for f in files)
        return self.send(f"<!DOCTYPE html><html><body>{links}</body></html>".encode(), "text/html")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
