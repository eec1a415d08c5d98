import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Builds that need more than a target's base: both targets (debian-12's Python 3.11 and
/// debian-13's 3.13), a Rust extension whose crates are vendored before an offline build, and
/// an interpreter from a folder of relocatable CPython. Real root filesystems (debian-13's and
/// the Rust ones are prepared on first use under .build), a real server, real cargo.
@Suite(.serialized, .timeLimit(.minutes(15)))
final class ToolchainFlowTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let data = Repository.root.appendingPathComponent(".build/test-environments").path
    let whitelist: String
    /// The local crate registry: the stand-in for crates.io or a company mirror.
    let registry: URL

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        whitelist = folder.path("whitelist.yaml")
        registry = folder.url.appendingPathComponent("crates")
        let checksum = try await LocalUpstream.crateRegistry(in: registry)
        var files = try LocalUpstream.newerBuildRequirements()
        files.append(try await LocalUpstream.sdist("tool-rust", kind: "rust", crateChecksum: checksum, in: folder.url))
        files.append(try await LocalUpstream.sdist("tool-modern", kind: "cext", requiresPython: ">=3.12", in: folder.url))
        // A C extension with an optional Rust port its build never uses (zstandard's rust-ext/):
        // locked to a crate no registry serves.
        let optional = [["name": "tool_optional_rust-1.0/rust-ext/Cargo.toml", "data": "[package]\nname = \"ext\"\nversion = \"0.1.0\"\n[dependencies]\nnowhere-crate = \"9\"\n"],
                        ["name": "tool_optional_rust-1.0/rust-ext/Cargo.lock", "data": "version = 3\n[[package]]\nname = \"nowhere-crate\"\nversion = \"9.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"\(String(repeating: "0", count: 64))\"\n"]]
        files.append(try await LocalUpstream.sdist("tool-optional-rust", kind: "cext",
                                                   members: String(decoding: try JSONSerialization.data(withJSONObject: optional), as: UTF8.self), in: folder.url))
        files.append(try await LocalUpstream.sdist("tool-configured", kind: "rust", crateChecksum: checksum,
                                                   members: Self.cargoConfigurations(mark: folder.path("cargo-config-ran")), in: folder.url))
        try await LocalUpstream.fill(server, with: files)
        try """
            defaults:
              targets: [debian-12, debian-13]
            packages:
              - name: tool-rust
                versions: ["1.0"]
              - name: tool-modern
                versions: ["1.0"]
            """.write(toFile: whitelist, atomically: true, encoding: .utf8)
    }

    func build(_ extra: [String], cache: String, whitelist: String? = nil) async throws -> (status: Int32, report: [String: Any], output: String) {
        let result = try await runToolSeparately(Repository.wheelwright, ["build", whitelist ?? self.whitelist, "--json", "--build-requirements", "upstream",
            "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
            "--upstream", "\(server.baseURL)/up/main/+simple/", "--data", data, "--cache", cache,
            "--containers", Repository.root.appendingPathComponent("containers").path] + extra)
        let report = (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any] ?? [:]
        return (result.status, report, result.output + result.errors)
    }

    static func result(_ report: [String: Any], _ project: String, _ target: String) -> [String: Any]? {
        (report["results"] as? [[String: Any]])?.first {
            let item = $0["item"] as? [String: Any]
            return item?["project"] as? String == project && item?["target"] as? String == target
        }
    }

    @Test("a Rust extension builds offline on debian-12 and debian-13 from crates vendored once from the crate registry; a release for Python >=3.12 is skipped on debian-12 with its reason and built on debian-13")
    func rustAndBothTargets() async throws {
        let cache = folder.path("cache")
        let (status, report, output) = try await build(["--crate-registry", registry.path], cache: cache)
        #expect(status == 0, "\(output)")
        let rust12 = Self.result(report, "tool-rust", "debian-12"), rust13 = Self.result(report, "tool-rust", "debian-13")
        #expect(rust12?["status"] as? String == "built", "\(output)")
        #expect(rust13?["status"] as? String == "built", "\(output)")
        #expect((rust12?["wheel"] as? String)?.hasPrefix("tool_rust-1.0-cp311-cp311-manylinux_") == true, "\(output)")
        #expect((rust13?["wheel"] as? String)?.hasPrefix("tool_rust-1.0-cp313-cp313-manylinux_") == true, "\(output)")
        #expect(rust13?["index"] as? String == "opensource/debian-13")

        // One vendoring for both targets (same Cargo.lock, same registry); the builds ran offline
        // against it, and the program in the wheel prints the registry crate's answer.
        let vendored = try FileManager.default.contentsOfDirectory(atPath: cache + "/crates").filter { !$0.hasPrefix("partial-") }
        #expect(vendored.count == 1, "\(vendored)")
        #expect(FileManager.default.fileExists(atPath: "\(cache)/crates/\(vendored.first ?? "")/vendor/wheelwright-answer/src/lib.rs"))
        let log12 = try String(contentsOfFile: try #require(rust12?["log"] as? String), encoding: .utf8)
        #expect(log12.contains("/wheelwright/driver.py vendor") && log12.contains("--share-net"), "the vendoring step has the network")
        #expect(log12.split(separator: "\n").filter { $0.hasPrefix("$ bwrap") && $0.contains("driver.py build") }.allSatisfy { !$0.contains("--share-net") },
                "the build has no network")
        let log13 = try String(contentsOfFile: try #require(rust13?["log"] as? String), encoding: .utf8)
        #expect(!log13.contains("driver.py vendor"), "debian-13 reuses the vendored crates")
        let wheel = URL(fileURLWithPath: try #require(rust12?["log"] as? String)).deletingLastPathComponent()
            .appendingPathComponent("out").appendingPathComponent(try #require(rust12?["wheel"] as? String))
        let unpacked = folder.path("unpacked")
        let unzip = try await runTool("/usr/bin/python3", ["-m", "zipfile", "-e", wheel.path, unpacked])
        #expect(unzip.status == 0, "\(unzip.output)")
        let program = unpacked + "/tool_rust-1.0.data/scripts/tool-rust"
        #expect(chmod(program, 0o755) == 0)
        let ran = try await runTool(program, [])
        #expect(ran.output == "answer 42\n", "\(ran.output)")

        // Requires-Python: skipped where it cannot run, built where it can.
        let modern12 = Self.result(report, "tool-modern", "debian-12"), modern13 = Self.result(report, "tool-modern", "debian-13")
        let skipped = (report["skipped"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
        #expect(modern12 == nil && skipped.contains("tool-modern 1.0 requires Python >=3.12; debian-12 has 3.11"), "\(skipped) \(output)")
        #expect(modern13?["status"] as? String == "built" && modern13?["wheel"] as? String == "tool_modern-1.0-cp313-cp313-manylinux_2_5_x86_64.manylinux1_x86_64.whl", "\(output)")

        // pip on the consumer index of debian-13 finds both.
        let page = try await HTTP.send(.GET, "\(server.baseURL)/platform/debian-13/+simple/tool-rust/")
        #expect(page.text.contains("tool_rust-1.0-cp313"), "\(page.text)")
    }

    /// `.cargo/config.toml` in folders of the sdist's tree, each sending cargo to a registry that
    /// does not exist and naming a credential provider, an alias, git by command line and a proxy:
    /// read by the networked vendoring step, any of it would fail the build or run the provider
    /// (which marks the host). (The tree's top folder is left out: the offline build step runs
    /// cargo there, in the sandbox, where the sdist's own configuration is its own business.)
    static func cargoConfigurations(mark: String) -> String {
        let configuration = """
            [source.crates-io]
            replace-with = "attacker"
            [source.attacker]
            registry = "sparse+http://127.0.0.1:9/index/"
            [registry]
            global-credential-providers = ["/bin/sh -c 'touch \(mark)'"]
            [registries.attacker]
            index = "sparse+http://127.0.0.1:9/index/"
            credential-provider = ["/bin/sh", "-c", "touch \(mark)"]
            [alias]
            vendor = "build"
            [net]
            git-fetch-with-cli = true
            [http]
            proxy = "http://127.0.0.1:9"
            """
        let members = ["tool_configured-1.0/src/.cargo/config.toml", "tool_configured-1.0/src/.cargo/config", "tool_configured-1.0/vendor/.cargo/config.toml"]
            .map { ["name": $0, "data": configuration] }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: members)) ?? Data(), as: UTF8.self)
    }

    @Test("a Cargo manifest the build never uses (no Rust backend or build requirement) is not vendored: the build needs no crate registry")
    func unusedCargoManifest() async throws {
        let only = folder.path("optional-rust.yaml")
        try "packages:\n  - name: tool-optional-rust\n    versions: [\"1.0\"]\n    targets: [debian-12]\n".write(toFile: only, atomically: true, encoding: .utf8)
        let (status, report, output) = try await build(["--crate-registry", "sparse+http://127.0.0.1:9/index/"], cache: folder.path("cache-optional"), whitelist: only)
        #expect(status == 0 && Self.result(report, "tool-optional-rust", "debian-12")?["status"] as? String == "built", "\(output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("cache-optional/crates")), "nothing was vendored")
    }

    @Test("a .cargo configuration in the sdist's tree is never read by the networked vendoring step: no source, credential provider, alias or proxy of it")
    func cargoConfigurationIgnored() async throws {
        let only = folder.path("configured.yaml")
        try "packages:\n  - name: tool-configured\n    versions: [\"1.0\"]\n    targets: [debian-12]\n".write(toFile: only, atomically: true, encoding: .utf8)
        let (status, report, output) = try await build(["--crate-registry", registry.path], cache: folder.path("cache-configured"), whitelist: only)
        #expect(status == 0 && Self.result(report, "tool-configured", "debian-12")?["status"] as? String == "built", "\(output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("cargo-config-ran")), "a credential provider of the sdist ran")
    }

    @Test("a Rust extension whose crates no registry serves fails as 'needs a crate registry', with cargo's reason and what to configure")
    func noCrateRegistry() async throws {
        // crates.io is not reachable from the test machines; where it is, it has no wheelwright-answer 0.1.0 with this checksum.
        let (status, report, output) = try await build(["--only", "tool-rust", "--target", "debian-12"], cache: folder.path("cache-none"))
        #expect(status == 1, "\(output)")
        let reason = Self.result(report, "tool-rust", "debian-12")?["reason"] as? String ?? ""
        #expect(reason.hasPrefix("needs a crate registry: "), "\(reason)")
        #expect(reason.contains("wheelwright: cargo vendor could not fetch the crates") && reason.contains("crate-registry:"), "\(reason)")
        #expect(!reason.contains("after 3 attempts"), "not retried: it is no passing trouble")
    }

    @Test("an interpreter from a folder of relocatable CPython (home:) is mounted read-only and builds; a missing one is named with what to do")
    func relocatableInterpreter() async throws {
        // The interpreter: debian-12's own Python copied into a folder, as a relocatable build is laid out.
        let base = try await baseRootfs("debian-12", data: data)
        let home = folder.url.appendingPathComponent("cpython-3.11")
        for (from, to) in [("usr/bin/python3.11", "bin/python3.11"), ("usr/lib/python3.11", "lib/python3.11"),
                           ("usr/lib/python3/dist-packages", "lib/python3/dist-packages"), ("usr/include/python3.11", "include/python3.11")] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(to).deletingLastPathComponent(), withIntermediateDirectories: true)
            let copied = try await runTool("/bin/cp", ["-a", "\(base)/\(from)", home.appendingPathComponent(to).path])
            #expect(copied.status == 0, "\(copied.output)")
        }
        let containers = folder.url.appendingPathComponent("containers")
        try FileManager.default.createDirectory(at: containers.appendingPathComponent("debian-12"), withIntermediateDirectories: true)
        let definition = try String(contentsOf: Repository.root.appendingPathComponent("containers/debian-12/target.yaml"), encoding: .utf8)
        try definition.replacingOccurrences(of: "    executable: /usr/bin/python3.11", with: "    home: \(home.path)")
            .write(to: containers.appendingPathComponent("debian-12/target.yaml"), atomically: true, encoding: .utf8)
        let sdist = try await LocalUpstream.sdist("tool-relocated", kind: "cext", in: folder.url)
        let wheelhouse = folder.url.appendingPathComponent("wheelhouse")
        try FileManager.default.createDirectory(at: wheelhouse, withIntermediateDirectories: true)
        for file in try LocalUpstream.buildRequirements() where file.contains("setuptools-") || file.contains("/wheel-") {
            try FileManager.default.copyItem(atPath: file, toPath: wheelhouse.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent).path)
        }
        func runnerBuild() async throws -> (status: Int32, output: String, errors: String) {
            try await runToolSeparately(Repository.wheelwright, ["runner", "build", "debian-12", sdist, "--out", folder.path("out"),
                                                                 "--wheelhouse", wheelhouse.path, "--data", data, "--cache", folder.path("cache"),
                                                                 "--containers", containers.path])
        }
        let built = try await runnerBuild()
        #expect(built.status == 0, "\(built.output) \(built.errors)")
        #expect(built.output.hasSuffix("tool_relocated-1.0-cp311-cp311-linux_x86_64.whl\n"), "\(built.output)")
        let log = try String(contentsOfFile: folder.path("out/build.log"), encoding: .utf8)
        #expect(log.contains("--ro-bind \(home.path) /wheelwright/python") && log.contains("-- /wheelwright/python/bin/python3.11 /wheelwright/driver.py build"), "\(log)")

        try FileManager.default.removeItem(at: home)
        let missing = try await runnerBuild()
        #expect(missing.status != 0)
        #expect(missing.errors.contains("the relocatable Python 3.11 is missing: \(home.path)/bin/python3.11 is not an executable file"), "\(missing.errors)")
    }
}
