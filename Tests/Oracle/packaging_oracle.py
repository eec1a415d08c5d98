#!/usr/bin/env python3
"""The reference side of wheelwright's differential tests: answers with Python's `packaging`.

Reads one JSON request {"op": ..., "items": [...]} on stdin and writes one JSON answer on
stdout, so a Swift test can send thousands of cases in one process start.
"""
import json
import sys

import packaging
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version


def versions(items):
    """Each item's canonical form (or null when invalid) and the dense rank of the valid ones."""
    parsed = []
    for text in items:
        try:
            parsed.append(Version(text))
        except InvalidVersion:
            parsed.append(None)
    keys = sorted({v for v in parsed if v is not None})
    rank = {v: i for i, v in enumerate(keys)}
    return [None if v is None else {"canonical": str(v), "rank": rank[v]} for v in parsed]


def specifier_membership(items):
    out = []
    for spec, version, prereleases in items:
        try:
            specifier = SpecifierSet(spec) if "," in spec else Specifier(spec)
        except InvalidSpecifier:
            out.append("invalid")
            continue
        out.append(specifier.contains(Version(version), prereleases=prereleases))
    return out


def specifier_filter(items):
    out = []
    for spec, candidates, prereleases in items:
        try:
            specifier = SpecifierSet(spec)
        except InvalidSpecifier:
            out.append("invalid")
            continue
        parsed = [Version(c) for c in candidates]
        kept = list(specifier.filter(parsed, prereleases=prereleases))
        out.append([str(v) for v in kept])
    return out


def names(items):
    import re

    valid = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE | re.ASCII)
    return [{"normalized": canonicalize_name(n), "valid": bool(valid.match(n))} for n in items]


def wheels(items):
    out = []
    for filename in items:
        try:
            name, version, build, tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, ValueError):
            out.append(None)
            continue
        out.append({
            "name": name,
            "version": str(version),
            "build": [build[0], build[1]] if build else None,
            "tags": sorted(str(t) for t in tags),
        })
    return out


def sdists(items):
    out = []
    for filename in items:
        try:
            name, version = parse_sdist_filename(filename)
        except (InvalidSdistFilename, ValueError):
            out.append(None)
            continue
        out.append({"name": name, "version": str(version)})
    return out


def requirements(items):
    """Each PEP 508 string's parts (null when invalid): name, extras, specifiers, URL, marker."""
    from packaging.requirements import InvalidRequirement, Requirement

    out = []
    for text in items:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            out.append(None)
            continue
        out.append({
            "name": requirement.name,
            "extras": sorted(requirement.extras),
            "specifiers": sorted(str(s) for s in requirement.specifier),
            "url": requirement.url,
            "marker": None if requirement.marker is None else str(requirement.marker),
        })
    return out


def markers(items):
    """Each marker evaluated in each environment ("extra" given as a list: the selected set):
    true/false, "undefined" when evaluation raises, "invalid" when the marker does not parse."""
    from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

    out = []
    for text, environments in items:
        try:
            marker = Marker(text)
        except InvalidMarker:
            out.append("invalid")
            continue
        results = []
        for environment in environments:
            environment = dict(environment)
            for key in ("extra", "extras", "dependency_groups"):
                if key in environment or key == "extra":
                    environment[key] = frozenset(environment.get(key, []))
            try:
                results.append(marker.evaluate(environment))
            except (UndefinedComparison, UndefinedEnvironmentName):
                results.append("undefined")
        out.append({"marker": str(marker), "results": results})
    return out


def timed_sort(items):
    """The benchmark: parse every line and sort; reports the seconds it took."""
    import time

    start = time.perf_counter()
    ordered = sorted(Version(text) for text in items)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "first": str(ordered[0]), "last": str(ordered[-1])}


OPERATIONS = {
    "versions": versions,
    "contains": specifier_membership,
    "filter": specifier_filter,
    "names": names,
    "wheels": wheels,
    "sdists": sdists,
    "requirements": requirements,
    "markers": markers,
    "sort": timed_sort,
}


def main():
    request = json.load(sys.stdin)
    if request["op"] == "about":
        json.dump({"packaging": packaging.__version__}, sys.stdout)
        return
    json.dump(OPERATIONS[request["op"]](request["items"]), sys.stdout)


if __name__ == "__main__":
    main()
