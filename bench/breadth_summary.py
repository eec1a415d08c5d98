"""The breadth benchmark's tables (bench/breadth.sh): per mode and target, what was built,
prebuilt, skipped and failed (by class); the requested releases that build in upstream mode and
in whitelisted mode; the build tools; the graph's depth; the nights' wall times.

  breadth_summary.py OUT PROJECTS PREBUILT MODE...
"""
import collections
import json
import os
import re
import sys

TARGETS = ["debian-12", "debian-13"]


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError) as error:
        print(f"  (no report: {path}: {error})")
        return {"results": [], "skipped": []}


def outcome(result, prebuilt):
    """ok, prebuilt, pure (built once elsewhere), skipped or the failure's class."""
    status, reason = result["status"], result.get("reason") or ""
    if status == "built":
        return "prebuilt" if normalize(result["item"]["project"]) in prebuilt else "built"
    if status == "skipped" and "pure wheel" in reason:
        return "pure"
    if status == "skipped":
        return "skipped"
    return "failed: " + (reason.split(":")[0] if ":" in reason else reason)


def ok(kind):
    return kind in ("built", "prebuilt", "pure")


def depth(log, cache, report):
    """The build order's depth and longest chain: the build's own line, else worked out here from
    the cache (each release's sdist [build-system].requires, and the Requires-Dist the dependency
    check cached by the sdist's sha256) the way the build orders releases."""
    for line in open(log, errors="replace"):
        if line.startswith("build order: depth "):
            number, _, chain = line[len("build order: depth "):].partition(" ")
            return int(number), chain.strip().strip("()").split(" → ")
    import glob, tarfile, tomllib
    releases = {}
    for result in report["results"]:
        item = result["item"]
        releases[f'{item["project"]}=={item["version"]}'] = item["project"]
    by_project = collections.defaultdict(list)
    for release, project in releases.items():
        by_project[project].append(release)
    needs, runtime = {}, {}
    name = lambda text: normalize(re.split(r"[\s;<>=!~\[(@]", text.strip(), maxsplit=1)[0])
    for path in glob.glob(f"{cache}/files/*/*/*.tar.gz"):
        base = os.path.basename(path)[: -len(".tar.gz")]
        project, _, version = base.rpartition("-")
        release = f"{normalize(project)}=={version}"
        if release not in releases:
            continue
        try:
            with tarfile.open(path) as archive:
                member = next((m for m in archive.getmembers() if m.name.count("/") == 1 and m.name.endswith("/pyproject.toml")), None)
                requires = tomllib.load(archive.extractfile(member)).get("build-system", {}).get("requires", ["setuptools"]) if member else ["setuptools"]
        except (OSError, tarfile.TarError, tomllib.TOMLDecodeError):
            requires = []
        needs[release] = {name(r) for r in requires if "extra ==" not in r}
        sha = os.path.basename(os.path.dirname(path))
        cached = f"{cache}/requires/{sha}.txt"
        if os.path.exists(cached):
            runtime[release] = {name(r) for r in open(cached).read().splitlines() if r.strip() and "extra ==" not in r}
    prerequisites = {}
    for release, project in releases.items():
        projects, pending = set(needs.get(release, ())) - {project}, list(needs.get(release, ()))
        while pending:
            for tool in by_project.get(pending.pop(), []):
                for dependency in runtime.get(tool, ()):
                    if dependency != project and dependency not in projects:
                        projects.add(dependency)
                        pending.append(dependency)
        prerequisites[release] = [r for p in sorted(projects) for r in by_project.get(p, [])]
    chains = {}
    def chain(release, seen=()):
        if release not in chains:
            chains[release] = [release] if release in seen else max(
                ([*chain(p, seen + (release,)), release] for p in prerequisites[release]), key=len, default=[release])
        return chains[release]
    longest = max((chain(r) for r in releases), key=len, default=[])
    return len(longest), longest


def main():
    out, listing, prebuilt_path, *modes = sys.argv[1:]
    requested = {normalize(line.split()[0]) for line in open(listing) if line.strip() and not line.startswith("#")}
    prebuilt, name = {}, None
    for line in open(prebuilt_path):
        if m := re.match(r"  - name: (\S+)", line):
            name = normalize(m.group(1))
        elif (m := re.match(r"    reason: (.*)", line)) and name:
            prebuilt[name] = m.group(1).strip('"')
    summary = {}
    for mode in modes:
        report = load(f"{out}/{mode}/bootstrap.json")
        noop = load(f"{out}/{mode}/no-op.json")
        seconds = {night: float(open(f"{out}/{mode}/{night}.seconds").read()) for night in ("bootstrap", "no-op")}
        rows = {t: collections.defaultdict(list) for t in TARGETS}
        tools = {t: collections.defaultdict(list) for t in TARGETS}
        outcomes = {}
        for result in report["results"]:
            item = result["item"]
            if item["target"] not in rows:
                continue
            kind = outcome(result, prebuilt if mode == "whitelisted" else {})
            label = f'{item["project"]} {item["version"]}'
            rows[item["target"]][kind].append(label + (f': {result.get("reason")}' if kind == "skipped" else ""))
            if result.get("build_tool"):
                tools[item["target"]][kind].append(label)
            outcomes[(normalize(item["project"]), item["version"], item["target"])] = (kind, result.get("reason") or "")
        for skipped in report.get("skipped", []):
            item = skipped["item"]
            if item["target"] in rows and "requires Python" in skipped["reason"]:
                rows[item["target"]]["skipped"].append(skipped["reason"])
        chain_depth, chain = depth(f"{out}/{mode}/bootstrap.log", f"{out}/{mode}/cache", report) if mode == "whitelisted" else (None, None)
        print(f"\n## {mode}: bootstrap night {seconds['bootstrap']:.0f} s for {len(report['results'])} items; "
              f"no-op night {seconds['no-op']:.1f} s for {len(noop['results'])} items"
              + (f"; graph depth {chain_depth} ({' → '.join(chain)})" if chain_depth else ""))
        for target in TARGETS:
            row = rows[target]
            failed = {k: v for k, v in row.items() if k.startswith("failed: ")}
            print(f"{target}: {len(row['built'])} built here, {len(row['prebuilt'])} prebuilt, {len(row['pure'])} pure wheels built once, "
                  f"{sum(map(len, failed.values()))} failed, {len(row['skipped'])} skipped")
            for line in row["skipped"]:
                print(f"  skipped  {line}")
            for kind, names in sorted(failed.items()):
                print(f"  {kind[8:]}: {', '.join(sorted(names))}")
            if mode == "whitelisted":
                t = tools[target]
                print(f"  build tools: {len(t['built']) + len(t['pure'])} built here, {len(t['prebuilt'])} prebuilt, "
                      f"{sum(len(v) for k, v in t.items() if k.startswith('failed: '))} failed")
        summary[mode] = {"seconds": seconds, "no_op_items": len(noop["results"]), "depth": chain_depth, "longest_chain": chain,
                         "targets": rows, "tools": tools, "outcomes": {"|".join(k): v for k, v in outcomes.items()}}

    if {"upstream", "whitelisted"} <= set(modes):
        upstream = {tuple(k.split("|")): v for k, v in summary["upstream"]["outcomes"].items()}
        whitelisted = {tuple(k.split("|")): v for k, v in summary["whitelisted"]["outcomes"].items()}
        print("\n## the requested releases: whitelisted mode against upstream mode")
        comparison = {}
        for target in TARGETS:
            built_upstream = {k for k, (kind, _) in upstream.items() if k[2] == target and k[0] in requested and ok(kind)}
            built_both = {k for k in built_upstream if ok(whitelisted.get(k, ("missing", ""))[0])}
            rate = len(built_both) / len(built_upstream) if built_upstream else 0
            comparison[target] = {"upstream": len(built_upstream), "both": len(built_both), "rate": rate}
            print(f"{target}: {len(built_both)} of the {len(built_upstream)} that build in upstream mode build in whitelisted mode: {rate:.0%}")
            for key in sorted(built_upstream - built_both):
                kind, reason = whitelisted.get(key, ("not planned", ""))
                print(f"  lost: {key[0]} {key[1]}: {reason[:300] if reason else kind}")
            gained = {k for k, (kind, _) in whitelisted.items() if k[2] == target and k[0] in requested and ok(kind)} - built_upstream
            for key in sorted(gained):
                print(f"  gained: {key[0]} {key[1]} (upstream mode: {upstream.get(key, ('not planned', ''))[0]})")
        summary["comparison"] = comparison
        print(f"\nprebuilt list ({len(prebuilt)}): " + "; ".join(f"{name}: {reason}" for name, reason in sorted(prebuilt.items())))
    json.dump(summary, open(f"{out}/summary.json", "w"), indent=1, default=list)
    guard(summary, modes)


BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "breadth-baseline.json")


def guard(summary, modes):
    """Each mode's result per project and target against bench/breadth-baseline.json: what built
    (or was prebuilt, or served by a pure wheel) and no longer does, and what was skipped with a
    reason and now fails, are regressions, printed first. UPDATE=1 writes the results as the new
    baseline (on purpose only)."""
    current = {}
    for mode in modes:
        results = {}
        for key, (kind, _) in summary[mode]["outcomes"].items():
            project, version, target = key.split("|")
            previous = results.get(f"{project} {target}")
            # A project with several versions counts as its worst one.
            if previous is None or (ok(previous.split(" ")[0]) and not ok(kind)):
                results[f"{project} {target}"] = f"{kind} {version}"
        current[mode] = dict(sorted(results.items()))
    if os.environ.get("UPDATE") == "1":
        baseline = json.load(open(BASELINE)) if os.path.exists(BASELINE) else {}
        baseline.update(current)
        json.dump(baseline, open(BASELINE, "w"), indent=1, sort_keys=True)
        print(f"\nbaseline updated: {BASELINE}")
        return
    if not os.path.exists(BASELINE):
        print("\nno baseline yet: run with UPDATE=1 to record this run as one")
        return
    baseline = json.load(open(BASELINE))
    regressions, fixed = [], []
    for mode in modes:
        for key, was in baseline.get(mode, {}).items():
            now = current[mode].get(key, "missing")
            was_kind, now_kind = was.split(" ")[0], now.split(" ")[0]
            if (ok(was_kind) and not ok(now_kind)) or (was_kind == "skipped" and now_kind.startswith("failed")):
                regressions.append(f"{mode}: {key}: was {was}, now {now}")
            elif not ok(was_kind) and ok(now_kind):
                fixed.append(f"{mode}: {key}: was {was}, now {now}")
    print(f"\n## against the baseline ({os.path.basename(BASELINE)}): {len(regressions)} regressions, {len(fixed)} now build")
    for line in regressions:
        print(f"  REGRESSION {line}")
    for line in fixed:
        print(f"  now builds {line}")


if __name__ == "__main__":
    main()
