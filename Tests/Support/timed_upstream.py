#!/usr/bin/env python3
"""A simple-API upstream whose JSON pages give each file a chosen PEP 700 upload time.

  timed_upstream.py FOLDER AGES_JSON

FOLDER holds the files; AGES_JSON maps a filename to its age in seconds (the upload time is
now minus that age), or to null for a file listed without an upload time. Serves
/simple/NAME/ as PEP 691 JSON (api-version 1.1) and /files/FILENAME; prints the port it
listens on (127.0.0.1), then serves until killed.
"""
import datetime
import hashlib
import http.server
import json
import os
import re
import sys

folder, ages = sys.argv[1], json.loads(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)


def project(filename):
    return re.sub(r"[-_.]+", "-", re.split(r"-\d", filename, maxsplit=1)[0]).lower()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/files/"):
            path = os.path.join(folder, os.path.basename(self.path))
            if not os.path.isfile(path):
                return self.send_error(404)
            data = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        match = re.fullmatch(r"/simple/([^/]+)/", self.path)
        if not match:
            return self.send_error(404)
        name = match.group(1)
        files = []
        for filename in sorted(os.listdir(folder)):
            if project(filename) != name:
                continue
            entry = {"filename": filename, "url": f"/files/{filename}",
                     "hashes": {"sha256": hashlib.sha256(open(os.path.join(folder, filename), "rb").read()).hexdigest()}}
            age = ages.get(filename)
            if age is not None:
                uploaded = now - datetime.timedelta(seconds=age)
                entry["upload-time"] = uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            files.append(entry)
        if not files:
            return self.send_error(404)
        body = json.dumps({"meta": {"api-version": "1.1"}, "name": name, "files": files}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
