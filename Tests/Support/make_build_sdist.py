#!/usr/bin/env python3
"""Writes a setuptools sdist for the runner and build tests.

  make_build_sdist.py OUT NAME VERSION [--kind KIND] [--argument TEXT] [--requires-python SPEC]
                      [--build-requires JSON] [--dynamic-requires JSON] [--members JSON] [--pkg-info-bytes N]

KIND is what its build does besides building:
  pure      a module, nothing else
  cext      a C extension module `NAME._native` with `answer()` returning 42
  network   tries to reach the network and prints what happened
  sleep     starts a child that sleeps forever (its command line holds TEXT) and sleeps itself
  escape    tries to write outside the output folder (TEXT: a host path) and prints what happened
  forkbomb  forks until the system says no
  memory    allocates 100 MB chunks up to 30 GB
  fail      a C extension that does not compile
  syslib    a C extension that includes <yaml.h> and links libyaml (needs libyaml-dev)
  loadlib   a C extension whose package loads libyaml when imported (ctypes): it builds
            anywhere and imports only where libyaml is installed
  forge     a C extension whose package, when imported, prints a passing import-check result
            and kills the process that imported it (an attack on the nightly's check)
  evil      writes "ran as uid N" to the host path TEXT the moment setup.py runs, whatever
            the command (egg_info, metadata, bdist_wheel): proof that a host process ran it
  rust      a Rust program (setuptools-rust's RustBin) printing `answer 42`; with
            --crate-checksum SHA256 it takes the answer from the crate wheelwright-answer 0.1.0
            (make_crate_registry.py), locked in its Cargo.lock with that checksum
The behaviour runs only when the wheel is built (`bdist_wheel`), never when the backend is
asked for its requirements (but for `evil`, which runs at once). --build-requires replaces
`[build-system].requires` (a JSON list of strings); --dynamic-requires makes an in-tree backend
(setuptools' with `get_requires_for_build_wheel` answering that JSON list). --members adds raw
archive members, a JSON list of {"name", "type": file|symlink|hardlink|fifo|chardev, "data" or
"link"}, written as given (traversal, absolute paths and links included). --pkg-info-bytes pads
PKG-INFO's description to that many bytes. Prints the path written.
"""
import argparse
import io
import json
import os
import re
import tarfile

BEHAVIOURS = {
    "pure": "",
    "evil": "",
    "cext": "",
    "fail": "",
    "syslib": "",
    "loadlib": "",
    "forge": "",
    "rust": "",
    "network": '''
import socket
for attempt, target in (("dns", None), ("tcp", ("1.1.1.1", 80)), ("loopback", ("127.0.0.1", 22))):
    try:
        if target is None:
            socket.getaddrinfo("pypi.org", 443)
        else:
            socket.create_connection(target, timeout=5).close()
        print(f"network-attempt-succeeded {attempt}", flush=True)
    except OSError as error:
        print(f"network-attempt-failed {attempt}: {error}", flush=True)
print("interfaces:", sorted(name for _, name in socket.if_nameindex()), flush=True)
''',
    "sleep": '''
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10**6)", ARGUMENT])
print("sleeping forever", flush=True)
time.sleep(10**6)
''',
    "escape": '''
import os
for path in ("/etc/wheelwright-escape", "/src/wheelwright-escape", "/wheelhouse/wheelwright-escape",
             "/wheelwright/wheelwright-escape", "/usr/lib/wheelwright-escape", os.path.join(ARGUMENT, "wheelwright-escape")):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("escaped")
        print(f"escape-succeeded {path}", flush=True)
    except OSError as error:
        print(f"escape-blocked {path}: {error}", flush=True)
''',
    "forkbomb": '''
import os, time
children = 0
while True:
    try:
        pid = os.fork()
    except OSError as error:
        print(f"fork refused after {children} children: {error}", flush=True)
        raise SystemExit(1)
    if pid == 0:
        time.sleep(10**6)
        os._exit(0)
    children += 1
''',
    "memory": '''
chunks = []
for _ in range(300):
    chunks.append(bytearray(100 * 1024 * 1024))
print("allocated 30 GB", flush=True)
''',
}

C_SOURCE = '''#define PY_SSIZE_T_CLEAN
#include <Python.h>
#ifdef WITH_YAML
#include <yaml.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(yaml_get_version_string()[0] == '0' ? 42 : 0); }
#else
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
#endif


static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
'''


def rust_files(name, version, checksum):
    """Cargo.toml, Cargo.lock and src/main.rs of the crate NAME, with the registry crate when CHECKSUM is given."""
    crate_version = version + ".0" * (2 - version.count("."))
    manifest = f'[package]\nname = "{name}"\nversion = "{crate_version}"\nedition = "2021"\n'
    lock = f'# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n\n[[package]]\nname = "{name}"\nversion = "{crate_version}"\n'
    if checksum:
        manifest += '\n[dependencies]\nwheelwright-answer = "0.1.0"\n'
        lock += ('dependencies = [\n "wheelwright-answer",\n]\n\n[[package]]\nname = "wheelwright-answer"\nversion = "0.1.0"\n'
                 'source = "registry+https://github.com/rust-lang/crates.io-index"\n' f'checksum = "{checksum}"\n')
        main = 'fn main() {\n    println!("answer {}", wheelwright_answer::answer());\n}\n'
    else:
        main = 'fn main() {\n    println!("answer {}", 42);\n}\n'
    return {"Cargo.toml": manifest, "Cargo.lock": lock, "src/main.rs": main}


def add_files(archive, top, files):
    """Each of `files` (path under the top folder → text) as a member of `archive`, in name order."""
    for name, text in sorted(files.items()):
        data = text.encode()
        info = tarfile.TarInfo(f"{top}/{name}")
        info.size = len(data)
        info.mtime = 315532800
        archive.addfile(info, io.BytesIO(data))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--kind", default="pure", choices=sorted(BEHAVIOURS))
    parser.add_argument("--argument", default="")
    parser.add_argument("--requires-python", default="")
    parser.add_argument("--crate-checksum", default="")
    parser.add_argument("--build-requires", default="")
    parser.add_argument("--dynamic-requires", default="")
    parser.add_argument("--members", default="")
    parser.add_argument("--pkg-info-bytes", type=int, default=0)
    args = parser.parse_args()
    module = re.sub(r"[-_.]+", "_", args.name).lower()
    base = f"{module}-{args.version}"
    extension = args.kind in ("cext", "fail", "syslib", "loadlib", "forge")
    behaviour = BEHAVIOURS[args.kind]
    setup = "import sys\nfrom setuptools import Extension, setup\n"
    setup += f"ARGUMENT = {args.argument!r}\n"
    if args.kind == "evil":
        setup += "import os\nwith open(ARGUMENT, 'w') as f:\n    f.write(f'ran as uid {os.getuid()}')\n"
    if behaviour:
        setup += "if 'bdist_wheel' in sys.argv:\n" + "".join(f"    {line}\n" for line in behaviour.strip().splitlines())
    options = ", libraries=['yaml'], define_macros=[('WITH_YAML', '1')]" if args.kind == "syslib" else ""
    modules = f"[Extension({module + '._native'!r}, [{module + '/native.c'!r}]{options})]" if extension else "[]"
    python_requires = f", python_requires={args.requires_python!r}" if args.requires_python else ""
    setup += f"setup(name={args.name!r}, version={args.version!r}, packages=[{module!r}], ext_modules={modules}{python_requires})\n"
    pkg_info = f"Metadata-Version: 2.1\nName: {args.name}\nVersion: {args.version}\nSummary: {args.kind} test sdist\n"
    if args.requires_python:
        pkg_info += f"Requires-Python: {args.requires_python}\n"
    if args.pkg_info_bytes > len(pkg_info):
        pkg_info += "\n" + "x" * (args.pkg_info_bytes - len(pkg_info) - 1)
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": setup,
        "PKG-INFO": pkg_info,
        f"{module}/__init__.py": f"KIND = {args.kind!r}\n",
    }
    if args.kind == "loadlib":
        files[f"{module}/__init__.py"] += "import ctypes\nLIBYAML = ctypes.CDLL('libyaml-0.so.2')\n"
    if args.kind == "forge":
        fake = '{"host": "h", "platform": "debian-12", "testenvs": {"import": {"setup": [{"retcode": 0}], "test": [{"retcode": 0}]}}}'
        files[f"{module}/__init__.py"] += (f"import os, signal\nprint('WHEELWRIGHT-CHECK ' + {fake!r}, flush=True)\n"
                                           "os.kill(os.getppid(), signal.SIGKILL)\n")
    if args.kind == "rust":
        files.update(rust_files(args.name, args.version, args.crate_checksum))
        files["pyproject.toml"] = '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\nbuild-backend = "setuptools.build_meta"\n'
        files["setup.py"] = ("from setuptools import setup\nfrom setuptools_rust import RustBin\n"
                             f"setup(name={args.name!r}, version={args.version!r}, packages=[{module!r}], "
                             f"rust_extensions=[RustBin({args.name!r}, path='Cargo.toml')]{python_requires})\n")
    if args.build_requires or args.dynamic_requires:
        requires = json.loads(args.build_requires) if args.build_requires else ["setuptools"]
        backend = "setuptools.build_meta"
        if args.dynamic_requires:
            backend = "wheelwright_test_backend"
            files["wheelwright_test_backend.py"] = ("from setuptools.build_meta import *\n\n"
                                                    f"def get_requires_for_build_wheel(config_settings=None):\n    return {json.loads(args.dynamic_requires)!r}\n")
        files["pyproject.toml"] = (f"[build-system]\nrequires = {json.dumps(requires)}\nbuild-backend = {json.dumps(backend)}\n"
                                   + ('backend-path = ["."]\n' if args.dynamic_requires else ""))
    if extension:
        files[f"{module}/native.c"] = C_SOURCE if args.kind in ("cext", "syslib", "loadlib", "forge") else "#include <Python.h>\nthis does not compile;\n"
    path = os.path.join(args.out, f"{base}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        add_files(archive, base, files)
        for member in json.loads(args.members) if args.members else []:
            info = tarfile.TarInfo(member["name"])
            info.mtime = 315532800
            kind = member.get("type", "file")
            data = member.get("data", "").encode()
            if kind == "file":
                info.size = len(data)
            else:
                info.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE, "chardev": tarfile.CHRTYPE}[kind]
                info.linkname = member.get("link", "")
                data = b""
            archive.addfile(info, io.BytesIO(data) if data else None)
    print(path)


if __name__ == "__main__":
    main()
