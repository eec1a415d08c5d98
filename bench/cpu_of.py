#!/usr/bin/env python3
"""Runs a command and prints its wall time and the CPU time of its process tree, in seconds, as
JSON: how much of the machine a benchmark's client used (cpu_of.py COMMAND [ARGUMENT...])."""
import json, resource, subprocess, sys, time

start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_seconds": time.perf_counter() - start, "cpu_seconds": usage.ru_utime + usage.ru_stime}))
