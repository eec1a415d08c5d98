import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Build requirements whitelisted (issue 29), offline: a graph of generated tool sdists without
/// setuptools — a backend that builds itself, a Cython-like tool with a C extension built by it,
/// a package that needs both to build, a cycle, a tool taken prebuilt (pinned by its hash) and
/// one whose pin does not match — built from an empty company index on debian-12, each tool
/// before what needs it, with every wheelhouse filled from the company's index alone. The
/// upstream is a server of its own, whose request log shows what the builds asked of it; it also
/// serves a wheel of the backend that a build must not take.
@Suite(.serialized, .timeLimit(.minutes(15)))
final class BuildGraphFlowTests {
    let data = Repository.root.appendingPathComponent(".build/test-environments").path

    static func toolSdist(_ name: String, in folder: TemporaryFolder, _ options: [String]) async throws -> String {
        let script = Repository.root.appendingPathComponent("Tests/Support/make_tool_sdist.py").path
        let made = try await runTool("/usr/bin/python3", [script, folder.url.path, name, "1.0"] + options)
        guard made.status == 0 else { throw TestFailure(made.output) }
        return made.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("tools built from source in graph order from an empty index (a tool's runtime dependencies before what it builds; a backend's dynamic requirement waited for), installed from the company's index only; a cycle refused naming it; a missing tool is 'build requirement not whitelisted' with its fix; a prebuilt tool published after its hash check, a wrong pin refused")
    func graphOrder() async throws {
        let upstream = try await TestServer()
        let company = try await TestServer()
        defer { upstream.stop(); company.stop() }
        let folder = try TemporaryFolder()
        var files = [try await Self.toolSdist("self-backend", in: folder, ["--self-building"]),
                     try await Self.toolSdist("cy-tool", in: folder, ["--extension"]),
                     try await Self.toolSdist("app-tools", in: folder, ["--requires", #"["cy-tool>=1"]"#]),
                     try await Self.toolSdist("cycle-a", in: folder, ["--requires", #"["cycle-b"]"#]),
                     try await Self.toolSdist("cycle-b", in: folder, ["--requires", #"["cycle-a"]"#]),
                     try await Self.toolSdist("lacks-tool", in: folder, ["--requires", #"["unlisted-tool"]"#]),
                     try await Self.toolSdist("unlisted-tool", in: folder, []),
                     try await Self.toolSdist("uses-prebuilt", in: folder, ["--requires", #"["pre-tool"]"#]),
                     // A tool that needs another project to run, listed after what it builds.
                     try await Self.toolSdist("uses-hatch", in: folder, ["--requires", #"["hatch-like"]"#]),
                     try await Self.toolSdist("hatch-like", in: folder, ["--dependencies", #"["tool-dep"]"#]),
                     try await Self.toolSdist("tool-dep", in: folder, []),
                     // A backend that asks for a tool while building (meson-python's ninja).
                     try await Self.toolSdist("dyn-user", in: folder, ["--dynamic", #"["pre-tool", "tool-dep"]"#]),
                     // A cycle closed only while building: a asks for b, which needs a to be built.
                     try await Self.toolSdist("dyn-cycle-a", in: folder, ["--dynamic", #"["dyn-cycle-b"]"#]),
                     try await Self.toolSdist("dyn-cycle-b", in: folder, ["--requires", #"["dyn-cycle-a"]"#]),
                     // The prebuilt two last: their hashes are read from the end.
                     try await makeDistribution(in: folder, "pre-tool", "1.0"),
                     try await makeDistribution(in: folder, "bad-pin", "1.0")]
        let pin = String(try await runTool("/usr/bin/sha256sum", [files[files.count - 2]]).output.prefix(64))
        let badPinActual = String(try await runTool("/usr/bin/sha256sum", [files[files.count - 1]]).output.prefix(64))
        // The bait: upstream's own wheel of the backend, which upstream mode would install.
        let wheels = folder.path("upstream-wheels")
        let bait = try await runTool("/usr/bin/python3", ["-m", "pip", "wheel", "--no-deps", "--no-index", "--no-cache-dir", "-w", wheels, files[0]])
        #expect(bait.status == 0, "\(bait.output)")
        files += try FileManager.default.contentsOfDirectory(atPath: wheels).map { "\(wheels)/\($0)" }
        let simple = try await LocalUpstream.fill(upstream, with: files)

        let whitelist = folder.path("whitelist.yaml")
        try ("defaults:\n  targets: [debian-12]\npackages:\n"
             + ["self-backend", "cy-tool", "app-tools", "cycle-a", "cycle-b", "lacks-tool", "uses-prebuilt", "uses-hatch", "hatch-like", "tool-dep", "dyn-user", "dyn-cycle-a", "dyn-cycle-b"].map { "  - name: \($0)\n    versions: [\"1.0\"]\n" }.joined()
             + "  - name: pre-tool\n    versions: [\"1.0\"]\n    prebuilt:\n      pre_tool-1.0-py3-none-any.whl: \(pin)\n"
             + "  - name: bad-pin\n    versions: [\"1.0\"]\n    prebuilt:\n      bad_pin-1.0-py3-none-any.whl: \(String(repeating: "0", count: 64))\n")
            .write(toFile: whitelist, atomically: true, encoding: .utf8)
        let lint = try await runTool(Repository.wheelwright, ["whitelist", "lint", whitelist, "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(lint.output.contains("15 packages (2 prebuilt), 0 denied: 0 errors"), "\(lint.output)")
        let before = try String(contentsOf: upstream.log, encoding: .utf8).count
        let result = try await runToolSeparately(Repository.wheelwright, [
            "build", whitelist, "--json", "--build-requirements", "whitelisted", "--jobs", "2",
            "--server", company.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
            "--upstream", simple, "--data", data, "--cache", folder.path("cache"),
            "--containers", Repository.root.appendingPathComponent("containers").path,
        ])
        let output = result.output + result.errors
        let report = try #require((try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [String: Any], "\(output)")
        let results = (report["results"] as? [[String: Any]]) ?? []
        func outcome(_ project: String) -> [String: Any]? { results.first { ($0["item"] as? [String: Any])?["project"] as? String == project } }
        #expect(result.status == 1, "the cycle and the missing tool fail the run: \(output)")
        for project in ["self-backend", "cy-tool", "app-tools", "pre-tool", "uses-prebuilt", "uses-hatch", "hatch-like", "tool-dep", "dyn-user"] {
            #expect(outcome(project)?["status"] as? String == "built", "\(project): \(output)")
        }
        #expect((outcome("cy-tool")?["wheel"] as? String)?.hasPrefix("cy_tool-1.0-cp311-cp311-manylinux") == true, "\(output)")
        // What other releases needed to be built, and the prebuilt wheel, are build tools.
        for project in ["self-backend", "cy-tool", "pre-tool", "hatch-like", "tool-dep"] { #expect(outcome(project)?["build_tool"] as? Bool == true, "\(project): \(output)") }
        for project in ["app-tools", "uses-prebuilt", "uses-hatch", "dyn-user"] { #expect(outcome(project)?["build_tool"] == nil, "\(project): \(output)") }
        #expect(outcome("cycle-a")?["status"] as? String == "failed" && outcome("cycle-a")?["reason"] as? String == "build requirement cycle: cycle-a==1.0 → cycle-b==1.0 → cycle-a==1.0", "\(output)")
        #expect(outcome("cycle-b")?["reason"] as? String == "build requirement cycle: cycle-b==1.0 → cycle-a==1.0 → cycle-b==1.0", "\(output)")
        #expect((outcome("dyn-cycle-a")?["reason"] as? String)?.hasPrefix("build requirement cycle: dyn-cycle-a==1.0 → dyn-cycle-b==1.0 → dyn-cycle-a==1.0 (learnt while building") == true, "\(output)")
        // What needs a tool that failed says so, without trying to build.
        #expect((outcome("dyn-cycle-b")?["reason"] as? String)?.hasPrefix("build requirement failed: dyn-cycle-a==1.0 failed on debian-12 in this run (build requirement cycle:") == true, "\(output)")
        let lacking = outcome("lacks-tool")?["reason"] as? String ?? ""
        #expect(lacking.hasPrefix("build requirement not whitelisted: No matching distribution found for unlisted-tool")
                && lacking.contains("wheelwright whitelist add 'unlisted-tool' --with-deps --build-requirements whitelisted"), "\(output)")

        #expect(outcome("pre-tool")?["wheel"] as? String == "pre_tool-1.0-py3-none-any.whl" && outcome("pre-tool")?["index"] as? String == "opensource/pure", "\(output)")
        #expect(outcome("bad-pin")?["reason"] as? String == "prebuilt: bad_pin-1.0-py3-none-any.whl from upstream has SHA-256 \(badPinActual), the whitelist pins \(String(repeating: "0", count: 64)); nothing was published: check the file upstream and the pin", "\(output)")
        let listing = try await HTTP.send(.GET, "\(company.baseURL)/opensource/pure/+files", headers: [("Accept", "application/json")])
        #expect(listing.text.contains("\"builder\":\"prebuilt\"") && !listing.text.contains("bad_pin"), "\(listing.text)")

        // The builds took no wheel from upstream but the pinned prebuilt ones: every wheelhouse
        // came from the company's index. (The plan's dependency check reads the bait's metadata
        // file, `.whl.metadata`: not a wheel.)
        let requests = String(try String(contentsOf: upstream.log, encoding: .utf8).dropFirst(before)).split(separator: "\n")
        #expect(requests.contains { $0.contains("GET /up/main/+f/") && $0.hasSuffix(".tar.gz") }, "the sdists came from upstream: \(requests)")
        let wheelsTaken = requests.filter { $0.hasSuffix(".whl") }.compactMap { $0.split(separator: "/").last.map(String.init) }
        #expect(Set(wheelsTaken) == ["pre_tool-1.0-py3-none-any.whl", "bad_pin-1.0-py3-none-any.whl"], "\(wheelsTaken)")
        let companyRequests = try String(contentsOf: company.log, encoding: .utf8)
        #expect(companyRequests.contains("GET /platform/debian-12/+simple/self-backend/"), "the wheelhouses were filled from the company's index")
    }
}
