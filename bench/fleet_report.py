#!/usr/bin/env python3
"""The fleet benchmark's table and plot (fleet_report.py OUT LABEL...): per label and phase, what
bench/fleet.sh wrote; results.json, a Markdown table on standard output and fleet.svg."""
import json
import os
import re
import sys

import wrk_output

out, labels = sys.argv[1], sys.argv[2:]
phases = ["steady", "replica-kill", "postgres-restart", "postgres-stall", "connections-cut", "disk-full"]


def read(name, default=""):
    path = os.path.join(out, name)
    return open(path).read().strip() if os.path.exists(path) else default


def cache_share(label, phase):
    """Hits / (hits + renders) over the phase, per replica; a replica started again in the phase
    counts from zero (its counters restarted)."""
    numbers = [int(n) for n in read(f"{label}-{phase}-cache.txt").split()]
    if len(numbers) < 12:
        return None
    before, after = numbers[:6], numbers[6:]
    hits = renders = 0
    for replica in range(3):
        h0, r0, h1, r1 = before[2 * replica], before[2 * replica + 1], after[2 * replica], after[2 * replica + 1]
        restarted = h1 < h0 or r1 < r0
        hits += h1 if restarted else h1 - h0
        renders += r1 if restarted else r1 - r0
    return round(hits / (hits + renders), 3) if hits + renders else None


results = {"seed": json.loads(read("seed.json", "{}") or "{}"), "sets": {}}
for label in labels:
    rows = {}
    for phase in phases:
        text = read(f"{label}-{phase}-wrk.txt")
        wrk = wrk_output.parse(os.path.join(out, f"{label}-{phase}-wrk.txt")) if "Requests/sec" in text else {}
        statuses = json.loads(re.search(r"FLEET statuses (\{.*\})", text).group(1)) if "FLEET statuses" in text else {}
        latency = dict(re.findall(r"(p50|p99|max)=([\d.]+)", text))
        errors = re.search(r"Socket errors: (.*)", text)
        rows[phase] = {
            "requests_per_second": wrk.get("rps"),
            "p50_ms": float(latency.get("p50", "nan")), "p99_ms": float(latency.get("p99", "nan")), "max_ms": float(latency.get("max", "nan")),
            "statuses": statuses, "socket_errors": errors.group(1) if errors else "",
            "page_cache_hit_share": cache_share(label, phase),
            "canary_failures": int(read(f"{label}-{phase}-canary.txt", "-1") or -1),
            "crashes": int(read(f"{label}-{phase}-crashes.txt", "0") or 0),
            "recovery_seconds": float(read(f"{label}-{phase}-recovery.txt", "nan") or "nan"),
        }
    results["sets"][label] = {
        "phases": rows,
        "uploads": json.loads(read(f"{label}-lost.json", "{}") or "{}"),
        "rss_kb_before": [int(n) for n in read(f"{label}-rss-before.txt").split()],
        "rss_kb_after": [int(n) for n in read(f"{label}-rss-after.txt").split()],
    }
json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=2)

print(f"\nseeded: {results['seed']}")
print("\n| set | phase | req/s | p50 ms | p99 ms | max ms | responses by status | socket errors | crashes | page cache hits | canary failures | recovery s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for label in labels:
    for phase, row in results["sets"][label]["phases"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        share = "-" if row["page_cache_hit_share"] is None else f"{row['page_cache_hit_share']:.1%}"
        rate = "-" if row["requests_per_second"] is None else f"{row['requests_per_second']:,.0f}"
        print(f"| {label} | {phase} | {rate} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['max_ms']:.0f} | {statuses} | "
              f"{row['socket_errors'] or '-'} | {row['crashes']} | {share} | {row['canary_failures']} | {row['recovery_seconds']} |")
for label in labels:
    data = results["sets"][label]
    print(f"\n{label}: acknowledged uploads {data['uploads'].get('acknowledged')}, lost {data['uploads'].get('lost')}; "
          f"RSS of the replicas before {[kb // 1024 for kb in data['rss_kb_before']]} MiB, after {[kb // 1024 for kb in data['rss_kb_after']]} MiB")

# The plot: requests/s per phase, one bar per set.
width, height, left, bottom = 720, 300, 60, 40
top = max((row["requests_per_second"] or 0) for label in labels for row in results["sets"][label]["phases"].values()) or 1
bar = (width - left - 20) / (len(phases) * (len(labels) + 1))
colors = ["#9aa5b1", "#2f6fb3"]
parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
         f'<text x="{left}" y="14">requests/s per phase (wrk through nginx, three replicas on PostgreSQL)</text>']
for p, phase in enumerate(phases):
    for s, label in enumerate(labels):
        rate = results["sets"][label]["phases"][phase]["requests_per_second"] or 0
        h = (height - bottom - 30) * rate / top
        x = left + (p * (len(labels) + 1) + s) * bar
        parts.append(f'<rect x="{x:.0f}" y="{height - bottom - h:.0f}" width="{bar - 2:.0f}" height="{h:.0f}" fill="{colors[s % 2]}"/>')
    parts.append(f'<text x="{left + p * (len(labels) + 1) * bar:.0f}" y="{height - bottom + 14}">{phase}</text>')
for s, label in enumerate(labels):
    parts.append(f'<rect x="{width - 120}" y="{24 + 14 * s}" width="10" height="10" fill="{colors[s % 2]}"/><text x="{width - 105}" y="{33 + 14 * s}">{label}</text>')
parts.append(f'<text x="4" y="{height - bottom}">0</text><text x="4" y="40">{top:,.0f}</text></svg>')
open(os.path.join(out, "fleet.svg"), "w").write("\n".join(parts))
