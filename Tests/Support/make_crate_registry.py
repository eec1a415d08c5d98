#!/usr/bin/env python3
"""Writes a local crate registry (cargo's `local-registry` layout) holding one crate, for the
vendoring tests: a stand-in for crates.io or a company mirror, reachable without a network.

  make_crate_registry.py OUT

OUT/index/wh/ee/wheelwright-answer lists wheelwright-answer 0.1.0, whose library has
`pub fn answer() -> u32 { 42 }`; OUT/wheelwright-answer-0.1.0.crate is the crate. Prints the
crate's SHA-256, which a Cargo.lock names as its checksum.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

NAME, VERSION = "wheelwright-answer", "0.1.0"
FILES = {
    "Cargo.toml": f'[package]\nname = "{NAME}"\nversion = "{VERSION}"\nedition = "2021"\n\n[lib]\npath = "src/lib.rs"\n',
    "src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
}


def main():
    out = sys.argv[1]
    buffer = io.BytesIO()
    # A .crate is a gzipped tar of NAME-VERSION/; fixed times, so the checksum is the same each run.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed, \
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, text in sorted(FILES.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{NAME}-{VERSION}/{name}")
            info.size, info.mtime, info.mode = len(data), 315532800, 0o644
            archive.addfile(info, io.BytesIO(data))
    crate = buffer.getvalue()
    checksum = hashlib.sha256(crate).hexdigest()
    index = os.path.join(out, "index", NAME[:2], NAME[2:4])
    os.makedirs(index, exist_ok=True)
    entry = {"name": NAME, "vers": VERSION, "deps": [], "cksum": checksum, "features": {}, "yanked": False}
    with open(os.path.join(index, NAME), "w") as f:
        f.write(json.dumps(entry) + "\n")
    with open(os.path.join(out, f"{NAME}-{VERSION}.crate"), "wb") as f:
        f.write(crate)
    print(checksum)


if __name__ == "__main__":
    main()
