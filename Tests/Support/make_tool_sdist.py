#!/usr/bin/env python3
"""Writes sdists of build tools for the build-requirement graph tests: no setuptools anywhere.

  make_tool_sdist.py OUT NAME VERSION [--self-building] [--requires JSON] [--extension]
                     [--dependencies JSON] [--dynamic JSON]

--self-building: the project is `selfbackend`, a PEP 517 backend that builds itself
(`requires = []`, `backend-path = ["."]`); its wheel holds the module `selfbackend`.
Otherwise the project is built BY selfbackend: `requires` is ["self-backend"] plus the JSON list
given, and its package NAME (as a module name) holds VALUE; with --extension also a C extension
`_native` (compiled with cc by the backend; the wheel is then tagged for the interpreter and the
platform). --dependencies: what it needs to run (Requires-Dist); --dynamic: what the backend
answers get_requires_for_build_wheel with. Prints the path written.
"""
import argparse
import json
import os
import re
import tarfile

from make_build_sdist import add_files

BACKEND = r'''"""A PEP 517 backend without setuptools: it builds a wheel of the project in the working
folder (the module `selfbackend` when it is the project, else the package named after it, with
its C extension compiled by cc)."""
import base64
import hashlib
import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile


def _project():
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    return project["name"], project["version"], project.get("dependencies", [])


def get_requires_for_build_wheel(config_settings=None):
    with open("pyproject.toml", "rb") as f:
        return tomllib.load(f).get("tool", {}).get("selfbackend", {}).get("dynamic", [])


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version, dependencies = _project()
    dist = name.replace("-", "_")
    files = {}
    if os.path.exists("selfbackend.py") and dist == "self_backend":
        files["selfbackend.py"] = open("selfbackend.py", "rb").read()
    tag = "py3-none-any"
    if os.path.isdir(dist):
        if os.path.exists(os.path.join(dist, "native.c")):
            suffix = sysconfig.get_config_var("EXT_SUFFIX")
            built = os.path.join(dist, "_native" + suffix)
            subprocess.check_call(["cc", "-shared", "-fPIC", "-O1", "-I", sysconfig.get_paths()["include"],
                                   os.path.join(dist, "native.c"), "-o", built])
            version_tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
            tag = f"{version_tag}-{version_tag}-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")
        for member in sorted(os.listdir(dist)):
            if member.endswith((".py", ".so")):
                files[f"{dist}/{member}"] = open(os.path.join(dist, member), "rb").read()
    info = f"{dist}-{version}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                 + "".join(f"Requires-Dist: {d}\n" for d in dependencies)).encode()
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: selfbackend\nRoot-Is-Purelib: {'true' if tag == 'py3-none-any' else 'false'}\n"
                              f"Tag: {tag}\n").encode()
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    filename = f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return filename
'''

C_SOURCE = r'''#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--self-building", action="store_true")
    parser.add_argument("--requires", default="[]")
    parser.add_argument("--extension", action="store_true")
    parser.add_argument("--dependencies", default="[]")
    parser.add_argument("--dynamic", default="[]")
    args = parser.parse_args()
    dist = re.sub(r"[-_.]+", "_", args.name).lower()
    top = f"{dist}-{args.version}"
    dependencies = json.loads(args.dependencies)
    project = (f'[project]\nname = "{args.name}"\nversion = "{args.version}"\ndependencies = {json.dumps(dependencies)}\n\n'
               f'[tool.selfbackend]\ndynamic = {json.dumps(json.loads(args.dynamic))}\n')
    files = {"PKG-INFO": f"Metadata-Version: 2.2\nName: {args.name}\nVersion: {args.version}\n"
                         + "".join(f"Requires-Dist: {d}\n" for d in dependencies)}
    if args.self_building:
        files["pyproject.toml"] = f'[build-system]\nrequires = []\nbuild-backend = "selfbackend"\nbackend-path = ["."]\n\n{project}'
        files["selfbackend.py"] = BACKEND
    else:
        requires = ["self-backend"] + json.loads(args.requires)
        files["pyproject.toml"] = f'[build-system]\nrequires = {json.dumps(requires)}\nbuild-backend = "selfbackend"\n\n{project}'
        files[f"{dist}/__init__.py"] = f"VALUE = {args.name!r}\n"
        if args.extension:
            files[f"{dist}/native.c"] = C_SOURCE
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{top}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        add_files(archive, top, files)
    print(path)


if __name__ == "__main__":
    main()
