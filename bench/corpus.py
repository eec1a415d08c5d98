#!/usr/bin/env python3
"""Writes the server benchmark's corpus: PROJECTS projects x VERSIONS versions of small,
valid pure wheels named PREFIX-NNN (corpus.py OUT [PROJECTS] [VERSIONS] [PREFIX])."""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_distributions", os.path.join(here, "..", "Tests", "Support", "make_distributions.py"))
make = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make)

out = sys.argv[1]
projects = int(sys.argv[2]) if len(sys.argv) > 2 else 200
versions = int(sys.argv[3]) if len(sys.argv) > 3 else 10
prefix = sys.argv[4] if len(sys.argv) > 4 else "bench-project"
os.makedirs(out, exist_ok=True)
for p in range(projects):
    for v in range(versions):
        make.wheel(out, f"{prefix}-{p:03d}", f"1.{v}.0", ">=3.8", f"{p}.{v}", summary="")
print(projects * versions)
