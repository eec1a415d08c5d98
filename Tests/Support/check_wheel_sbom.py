#!/usr/bin/env python3
"""Checks a wheel as pip and an SBOM consumer would, and prints what it found as JSON.

Usage: check_wheel_sbom.py WHEEL

- every member is listed in RECORD with the SHA-256 and size of its bytes (RECORD itself
  without), and RECORD lists nothing the wheel lacks;
- each file under NAME-VERSION.dist-info/sboms/ is a CycloneDX 1.6 document that the strict
  JSON schema accepts (cyclonedx-python-lib's validator, pinned in the test venv);
- wheelwright.cdx.json's components, flattened: name, version, sha256, role, origin, purl.
"""
import base64
import hashlib
import json
import sys
import zipfile

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def main() -> None:
    path = sys.argv[1]
    found: dict = {"record_errors": [], "sboms": {}, "components": []}
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        dist_info = next(name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info"))
        record_name = f"{dist_info}/RECORD"
        listed = {}
        for line in wheel.read(record_name).decode().splitlines():
            if not line:
                continue
            member, digest, size = line.rsplit(",", 2)
            listed[member] = (digest, size)
        for name in names:
            if name.endswith("/"):
                continue
            if name not in listed:
                found["record_errors"].append(f"{name} is not in RECORD")
                continue
            if name == record_name:
                continue
            data = wheel.read(name)
            digest = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if listed[name] != (digest, str(len(data))):
                found["record_errors"].append(f"{name}: RECORD says {listed[name]}, the bytes are {digest},{len(data)}")
        for member in listed:
            if member not in names:
                found["record_errors"].append(f"RECORD lists {member}, which the wheel lacks")
        validator = JsonStrictValidator(SchemaVersion.V1_6)
        for name in names:
            if name.startswith(f"{dist_info}/sboms/") and not name.endswith("/"):
                text = wheel.read(name).decode()
                error = validator.validate_str(text)
                found["sboms"][name.rsplit("/", 1)[1]] = {
                    "schema_error": None if error is None else str(error),
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                }
                if name.endswith("/wheelwright.cdx.json"):
                    document = json.loads(text)
                    found["subject"] = document["metadata"]["component"]
                    for component in document.get("components", []):
                        properties = {p["name"]: p["value"] for p in component.get("properties", [])}
                        found["components"].append({
                            "name": component["name"],
                            "version": component.get("version"),
                            "type": component["type"],
                            "purl": component.get("purl"),
                            "sha256": next((h["content"] for h in component.get("hashes", []) if h["alg"] == "SHA-256"), None),
                            "role": properties.get("wheelwright:role"),
                            "origin": properties.get("wheelwright:origin"),
                            "upload_time": properties.get("wheelwright:upload-time"),
                            "url": next((r["url"] for r in component.get("externalReferences", [])), None),
                        })
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main()
