#!/usr/bin/env python3
"""Writes small, valid distributions for the index tests and benchmarks.

  make_distributions.py OUT NAME VERSION [--sdist] [--requires-python SPEC] [--payload TEXT] [--payload-size N] [--summary TEXT]
                        [--requires-dist REQ]... [--build-requires JSON] [--description-file FILE [--description-type TYPE]]
                        [--tox-ini TEXT] [--metadata-line 'Field: value']...

A wheel is a pure `py3-none-any` zip with a module, METADATA, WHEEL and RECORD; an sdist is
a `.tar.gz` with PKG-INFO and a pyproject.toml, whose `[build-system].requires` is
`["setuptools>=61"]` unless --build-requires gives another JSON list, and a tox.ini when
--tox-ini gives one (what `devpi test` runs). Prints the path written.
"""
import argparse
import base64
import hashlib
import json
import io
import os
import re
import tarfile
import zipfile


def metadata(name, version, requires_python, summary, requires_dist=(), description=None, description_type=None, project_urls=(),
             license_expression=None, metadata_lines=()):
    # 2.2 where requirements are declared: from it on, an sdist's PKG-INFO is to be trusted.
    # 2.4 with a License-Expression (PEP 639).
    lines = ["Metadata-Version: 2.4" if license_expression else "Metadata-Version: 2.2" if requires_dist else "Metadata-Version: 2.1",
             f"Name: {name}", f"Version: {version}", f"Summary: {summary}",
             f"License-Expression: {license_expression}" if license_expression else "License: MIT", "Project-URL: Source, https://example.com/source"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in requires_dist]
    lines += [f"Project-URL: {url}" for url in project_urls]
    lines += list(metadata_lines)
    if description_type:
        lines.append(f"Description-Content-Type: {description_type}")
    return "\n".join(lines) + "\n\n" + (description if description is not None else "A test distribution.\n")


def wheel(out, name, version, requires_python, payload, summary, requires_dist=(), **described):
    dist = re.sub(r"[-_.]+", "_", name).lower()
    module = dist
    filename = f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": f"VALUE = {payload!r}\n",
        f"{info}/METADATA": metadata(name, version, requires_python, summary or f"{name} for tests", requires_dist, **described),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: wheelwright-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = "\n".join(record) + "\n"
    path = os.path.join(out, filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in files.items():
            archive.writestr(zipfile.ZipInfo(member, (2024, 1, 1, 0, 0, 0)), text)
    return path


def project_dependencies(requires_dist):
    """pyproject's dependencies for Requires-Dist lines: `; extra == "X"` ones go to optional-dependencies X."""
    plain, extras = [], {}
    for requirement in requires_dist:
        match = re.fullmatch(r'(.*?)\s*;\s*extra == "([A-Za-z0-9_.-]+)"', requirement)
        if match:
            extras.setdefault(match.group(2), []).append(match.group(1))
        else:
            plain.append(requirement)
    def toml_list(items):  # TOML literal strings: the requirements hold double quotes, never single ones
        return "[" + ", ".join(f"'{item}'" for item in items) + "]"
    text = f"dependencies = {toml_list(plain)}\n"
    if extras:
        text += "\n[project.optional-dependencies]\n" + "".join(f"{extra} = {toml_list(items)}\n" for extra, items in extras.items())
    return text


def sdist(out, name, version, requires_python, payload, summary, requires_dist=(), build_requires=("setuptools>=61",), tox_ini=None, **described):
    dist = re.sub(r"[-_.]+", "_", name).lower()
    top = f"{dist}-{version}"
    files = {
        f"{top}/PKG-INFO": metadata(name, version, requires_python, summary or f"{name} for tests", requires_dist, **described),
        f"{top}/pyproject.toml": f'[build-system]\nrequires = {json.dumps(list(build_requires))}\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "{name}"\nversion = "{version}"\n'
                                 + project_dependencies(requires_dist),
        f"{top}/{dist}/__init__.py": f"VALUE = {payload!r}\n",
    }
    if tox_ini is not None:
        files[f"{top}/tox.ini"] = tox_ini
    path = os.path.join(out, f"{top}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            entry = tarfile.TarInfo(member)
            entry.size = len(data)
            entry.mtime = 1704067200
            archive.addfile(entry, io.BytesIO(data))
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--sdist", action="store_true")
    parser.add_argument("--requires-python")
    parser.add_argument("--payload", default="")
    parser.add_argument("--payload-size", type=int, default=0, help="append this many bytes of filler to the payload")
    parser.add_argument("--summary", default="", help="the metadata's Summary (default: NAME for tests)")
    parser.add_argument("--requires-dist", action="append", default=[], help="a Requires-Dist line (repeatable)")
    parser.add_argument("--description-file", help="the long description (the metadata's body), from this file")
    parser.add_argument("--description-type", help="its Description-Content-Type")
    parser.add_argument("--project-url", action="append", default=[], help="a further Project-URL line (LABEL, URL; repeatable)")
    parser.add_argument("--build-requires", help="the sdist's [build-system].requires, a JSON list")
    parser.add_argument("--license-expression", help="the metadata's License-Expression (PEP 639) instead of License: MIT")
    parser.add_argument("--tox-ini", help="an sdist's tox.ini")
    parser.add_argument("--metadata-line", action="append", default=[], help="a further core metadata line (Author: Jane; repeatable)")
    args = parser.parse_args()
    described = {"project_urls": args.project_url, "license_expression": args.license_expression, "metadata_lines": args.metadata_line}
    if args.tox_ini is not None:
        if not args.sdist:
            parser.error("--tox-ini is for an sdist")
        described["tox_ini"] = args.tox_ini
    if args.build_requires is not None:
        if not args.sdist:
            parser.error("--build-requires is for an sdist")
        described["build_requires"] = json.loads(args.build_requires)
    if args.description_file:
        with open(args.description_file, encoding="utf-8") as f:
            described.update(description=f.read(), description_type=args.description_type)
    args.payload += "x" * args.payload_size
    os.makedirs(args.out, exist_ok=True)
    make = sdist if args.sdist else wheel
    print(make(args.out, args.name, args.version, args.requires_python, args.payload, args.summary, args.requires_dist, **described))


if __name__ == "__main__":
    main()
