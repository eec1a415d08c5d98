#!/usr/bin/env python3
"""Writes a devpi-export dump (dump version 2) of a folder of wheels, for the migration
benchmark (devpi_dump.py CORPUS OUT USER/INDEX). It only seeds a devpi-server through
devpi-import; the dump that is timed is the one devpi-export then writes from that server.
Metadata comes from each wheel's METADATA, digests from its bytes."""
import email.parser
import hashlib
import json
import os
import shutil
import sys
import zipfile

corpus, out, stage = sys.argv[1], sys.argv[2], sys.argv[3]
user = stage.split("/")[0]
projects, files = {}, []
for filename in sorted(os.listdir(corpus)):
    if not filename.endswith(".whl"):
        continue
    path = os.path.join(corpus, filename)
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(member).decode())
    name, version = meta["Name"], meta["Version"]
    projects.setdefault(name, {})[version] = {
        "name": name, "version": version, "metadata_version": meta["Metadata-Version"],
        "summary": meta.get("Summary", ""), "requires_python": meta.get("Requires-Python", ""),
    }
    relpath = f"{stage}/{name}/{version}/{filename}"
    os.makedirs(os.path.join(out, os.path.dirname(relpath)), exist_ok=True)
    shutil.copyfile(path, os.path.join(out, relpath))
    with open(path, "rb") as handle:
        sha256 = hashlib.sha256(handle.read()).hexdigest()
    files.append({
        "type": "releasefile", "projectname": name, "version": version, "relpath": relpath,
        "entrymapping": {"hash_spec": f"sha256={sha256}", "hashes": {"sha256": sha256},
                         "last_modified": "Mon, 30 Nov 2026 00:00:00 GMT", "project": name, "version": version},
        "log": [],
    })
dump = {
    "dumpversion": "2",
    "users": {"root": {"username": "root"}, user: {"username": user, "email": f"{user}@example.com"}},
    "indexes": {stage: {"indexconfig": {"type": "stage", "bases": [], "volatile": False, "acl_upload": [user]},
                        "projects": projects, "files": files}},
}
with open(os.path.join(out, "dataindex.json"), "w") as handle:
    json.dump(dump, handle)
print(len(files))
