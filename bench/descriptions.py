#!/usr/bin/env python3
"""Release descriptions rendered by `wheelwright render-description` (the server's child), for one
or more builds side by side: wall time, CPU time, peak memory and how the child ended.

descriptions.py OUT WHEELWRIGHT [OTHER_WHEELWRIGHT ...]

The inputs: a README of about 1 MB (2,000 sections of prose, lists, code and links), the worst
inputs of issue 28 (`[a](` x 60,000, `<a ` x 80,000, 114 KiB of reference links), and cmark-gfm
0.29.0.gfm.6's polynomial cases at 1 MiB (`![[]()` repeated, 50,000 table columns), which the
child's CPU limit ends. Pass an older build (`git worktree` + `make release`) as a second binary
to compare renderers.
"""
import json, os, subprocess, sys, tempfile

out, binaries = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
MIB = 1 << 20


def fill(unit, size=MIB):
    return (unit * (size // len(unit) + 1))[:size]


readme = "".join(f"## Section {n}\n\nSome *prose* with a [link](https://demo.example/{n}) and `code`.\n\n- one\n- two\n\n```\nline {n}\n```\n\n"
                 + "More words to read about this part of the library. " * 7 + "\n\n" for n in range(1, 2001))
inputs = {
    "README of 0.94 MB": readme,
    "[a]( x 60,000": "[a](" * 60_000,
    "<a  x 80,000": "<a " * 80_000,
    "reference links, 114 KiB": ("".join(f"[{n}]: https://demo.example/{n}\n" for n in range(2_000)) + "".join(f"[{n}] " for n in range(2_000)) * 6)[: 114 * 1024],
    "![[]() to 1 MiB": fill("![[]()"),
    "50,000 table columns": "|" + "a|" * 50_000 + "\n|" + "-|" * 50_000 + "\n" + ("|" + "b|" * 50_000 + "\n") * 3,
}
results = []
for binary in binaries:
    for name, text in inputs.items():
        with tempfile.TemporaryFile() as source, tempfile.TemporaryFile() as sink, tempfile.NamedTemporaryFile("r") as measured:
            source.write(text.encode())
            source.seek(0)
            # GNU time reports the child's own peak RSS; timeout ends a renderer with no limit of its own.
            subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M %x", "-o", measured.name, "timeout", "60", binary, "render-description",
                            "--content-type", "text/markdown"], stdin=source, stdout=sink, stderr=subprocess.DEVNULL,
                           env={"SWIFT_BACKTRACE": "enable=no", "PATH": "/usr/bin:/bin"})
            report = measured.read()
            fields = report.split("\n")[-2].split()
            wall, user, system, rss = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3]) // 1024
            signal = report.split("terminated by signal ")[1].split()[0] if "terminated by signal" in report else None
            status = f"signal {signal}" if signal else f"exit {fields[4]}"
            sink.seek(0, 2)
            row = {"binary": binary, "input": name, "bytes": len(text.encode()), "wall_ms": round(wall * 1000), "cpu_ms": round((user + system) * 1000),
                   "peak_rss_mb": rss, "ended": status, "html_bytes": sink.tell()}
            results.append(row)
            print(f"{binary[-40:]:>40} {name:26s} {row['wall_ms']:7d} ms wall {row['cpu_ms']:7d} ms CPU {rss:6d} MB  {status:>9}"
                  f"  {sink.tell():>9} bytes of HTML", flush=True)
json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=2)
