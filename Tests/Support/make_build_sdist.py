#!/usr/bin/env python3
"""Writes a setuptools sdist for the runner and build tests.

  make_build_sdist.py OUT NAME VERSION [--kind KIND] [--argument TEXT] [--requires-python SPEC]

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
The behaviour runs only when the wheel is built (`bdist_wheel`), never when the backend is
asked for its requirements. Prints the path written.
"""
import argparse
import io
import os
import re
import tarfile

BEHAVIOURS = {
    "pure": "",
    "cext": "",
    "fail": "",
    "syslib": "",
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--kind", default="pure", choices=sorted(BEHAVIOURS))
    parser.add_argument("--argument", default="")
    parser.add_argument("--requires-python", default="")
    args = parser.parse_args()
    module = re.sub(r"[-_.]+", "_", args.name).lower()
    base = f"{module}-{args.version}"
    extension = args.kind in ("cext", "fail", "syslib")
    behaviour = BEHAVIOURS[args.kind]
    setup = "import sys\nfrom setuptools import Extension, setup\n"
    setup += f"ARGUMENT = {args.argument!r}\n"
    if behaviour:
        setup += "if 'bdist_wheel' in sys.argv:\n" + "".join(f"    {line}\n" for line in behaviour.strip().splitlines())
    options = ", libraries=['yaml'], define_macros=[('WITH_YAML', '1')]" if args.kind == "syslib" else ""
    modules = f"[Extension({module + '._native'!r}, [{module + '/native.c'!r}]{options})]" if extension else "[]"
    python_requires = f", python_requires={args.requires_python!r}" if args.requires_python else ""
    setup += f"setup(name={args.name!r}, version={args.version!r}, packages=[{module!r}], ext_modules={modules}{python_requires})\n"
    pkg_info = f"Metadata-Version: 2.1\nName: {args.name}\nVersion: {args.version}\nSummary: {args.kind} test sdist\n"
    if args.requires_python:
        pkg_info += f"Requires-Python: {args.requires_python}\n"
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": setup,
        "PKG-INFO": pkg_info,
        f"{module}/__init__.py": f"KIND = {args.kind!r}\n",
    }
    if extension:
        files[f"{module}/native.c"] = C_SOURCE if args.kind in ("cext", "syslib") else "#include <Python.h>\nthis does not compile;\n"
    path = os.path.join(args.out, f"{base}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{base}/{name}")
            info.size = len(data)
            info.mtime = 315532800
            archive.addfile(info, io.BytesIO(data))
    print(path)


if __name__ == "__main__":
    main()
