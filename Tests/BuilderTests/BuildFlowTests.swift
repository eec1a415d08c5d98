import Crypto
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The whole nightly flow against a local upstream of generated sdists, into the real server,
/// built in the real debian-12 rootfs (shared with the runner tests under .build).
@Suite(.serialized, .timeLimit(.minutes(15)))
final class BuildFlowTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let data = Repository.root.appendingPathComponent(".build/test-environments").path
    let whitelist: String

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        whitelist = folder.path("whitelist.yaml")
        // The upstream: an index on the same server holding the sdists and their build requirements.
        var files = try LocalUpstream.buildRequirements()
        for (name, kind) in Self.packages {
            files.append(try await LocalUpstream.sdist(name, kind: kind, in: folder.url))
        }
        // A release for a Python no target has: the plan skips it, saying why.
        files.append(try await LocalUpstream.sdist("flow-future", kind: "pure", requiresPython: ">=3.99", in: folder.url))
        // A C extension that needs libyaml, to be built without it: its failure names the package.
        files.append(try await LocalUpstream.sdist("flow-noyaml", kind: "syslib", in: folder.url))
        try await LocalUpstream.fill(server, with: files)
        try writeWhitelist(nativeBuild: nil)
    }

    /// flow-loadlib builds but does not import without libyaml (the import check's catch);
    /// flow-tested builds and imports but fails its entry's `test:`; flow-forger prints a passing
    /// result when imported and kills the check.
    static let packages = [("flow-pure", "pure"), ("flow-native", "cext"), ("flow-yaml", "syslib"), ("flow-broken", "fail"), ("flow-forever", "sleep"),
                           ("flow-loadlib", "loadlib"), ("flow-tested", "cext"), ("flow-forger", "forge")]

    func writeWhitelist(nativeBuild: Int?) throws {
        var text = "defaults:\n  targets: [debian-12]\npackages:\n"
        for (name, _) in Self.packages {
            text += "  - name: \(name)\n    versions: [\"1.0\"]\n"
            if name == "flow-yaml" { text += "    system-packages: [libyaml-dev]\n" }
            if name == "flow-native" { text += "    test: python -c \"import flow_native._native as n; assert n.answer() == 42\"\n" }
            if name == "flow-tested" { text += "    test: python -c \"raise SystemExit('the answer is wrong')\"\n" }
            if name == "flow-native", let nativeBuild { text += "    build: \(nativeBuild)\n" }
        }
        try text.write(toFile: whitelist, atomically: true, encoding: .utf8)
    }

    /// The build's status and output; with `--json`, standard output alone (the report).
    func build(_ extra: [String]) async throws -> (status: Int32, output: String) {
        let result = try await runToolSeparately(Repository.wheelwright, ["build", whitelist] + common + ["--timeout", "45"] + extra)
        return (result.status, extra.contains("--json") ? result.output : result.output + result.errors)
    }

    /// The flags of every build here; the local upstream serves Debian's setuptools and wheel
    /// wheels, which these builds install as upstream's (BuildGraphFlowTests covers whitelisted ones).
    var common: [String] {
        ["--build-requirements", "upstream", "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
         "--upstream", "\(server.baseURL)/up/main/+simple/", "--data", data, "--cache", folder.path("cache"),
         "--containers", Repository.root.appendingPathComponent("containers").path]
    }

    @Test("build: the right wheels on the right indices with the right tags, JUnit counts, exit 1; a rerun builds nothing; build: 1 sits beside the old file and pip picks it")
    func wholeFlow() async throws {
        let junit = folder.path("junit.xml")
        let (status, output) = try await build(["--junit", junit, "--json"])
        #expect(status == 1, "\(output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        let results = try #require(report["results"] as? [[String: Any]])
        func result(_ project: String) -> [String: Any]? {
            results.first { ($0["item"] as? [String: Any])?["project"] as? String == project }
        }
        #expect(result("flow-pure")?["status"] as? String == "built")
        #expect(result("flow-pure")?["index"] as? String == "opensource/pure")
        #expect(result("flow-pure")?["wheel"] as? String == "flow_pure-1.0-py3-none-any.whl")
        #expect(result("flow-native")?["index"] as? String == "opensource/debian-12")
        #expect(result("flow-native")?["wheel"] as? String == "flow_native-1.0-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.whl")
        // libyaml is outside every manylinux policy: the wheel is repaired (debian-12's libyaml
        // grafted into it, whose own glibc symbols make it manylinux_2_17).
        #expect(result("flow-yaml")?["wheel"] as? String == "flow_yaml-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "\(output)")
        #expect(result("flow-broken")?["status"] as? String == "failed")
        #expect((result("flow-forever")?["reason"] as? String)?.contains("time limit") == true)
        // The import check in debian-12's base system: what does not import there, or fails its
        // entry's test, is not published, and the reason says why.
        #expect(result("flow-loadlib")?["status"] as? String == "failed" && result("flow-loadlib")?["wheel"] == nil)
        #expect((result("flow-loadlib")?["reason"] as? String)?.hasPrefix("import failure: ") == true
                && (result("flow-loadlib")?["reason"] as? String)?.contains("libyaml-0.so.2") == true, "\(String(describing: result("flow-loadlib")))")
        #expect((result("flow-tested")?["reason"] as? String)?.hasPrefix("test failure: ") == true
                && (result("flow-tested")?["reason"] as? String)?.contains("the answer is wrong") == true, "\(String(describing: result("flow-tested")))")
        #expect((result("flow-forger")?["reason"] as? String)?.hasPrefix("import failure: the check ended (") == true && (result("flow-forger")?["reason"] as? String)?.contains("without its result") == true,
                "\(String(describing: result("flow-forger")))")
        for project in ["flow-loadlib", "flow-tested", "flow-forger"] {
            let held = try await HTTP.send(.GET, "\(server.baseURL)/opensource/debian-12/+simple/\(project)/")
            #expect(held.status == 404 || !held.text.contains(".whl"), "\(project) must not be published: \(held.text)")
        }

        // Our manylinux verdict is auditwheel's on the wheels the run built.
        for project in ["flow-native", "flow-yaml"] {
            let log = try #require(result(project)?["log"] as? String)
            let built = project == "flow-native" ? "out" : "repaired"
            let wheel = URL(fileURLWithPath: log).deletingLastPathComponent().appendingPathComponent("\(built)/\(result(project)?["wheel"] as? String ?? "")").path
            let theirs = try await auditwheelVerdict(wheel)
            #expect(theirs == (project == "flow-native" ? "manylinux_2_5_x86_64" : "manylinux_2_17_x86_64"))
            #expect(try await wheelwrightVerdict(wheel) == theirs)
        }

        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"8\" failures=\"5\" skipped=\"0\""), "\(xml)")
        #expect(xml.contains("name=\"flow-broken-1.0-debian-12-py3.11\""))
        #expect(xml.contains("this does not compile"))

        // The consumer aggregate exists with its bases, and pip installs from it.
        let (pipStatus, pipOutput) = try await runTool("/usr/bin/python3", [
            "-m", "pip", "install", "--no-deps", "--target", folder.path("site"),
            "--index-url", "\(server.baseURL)/platform/debian-12/+simple/", "flow-pure", "flow-native",
        ])
        #expect(pipStatus == 0, "\(pipOutput)")
        let (importStatus, importOutput) = try await runTool("/usr/bin/python3", [
            "-c", "import sys; sys.path.insert(0, sys.argv[1]); import flow_pure, flow_native._native as n; print(n.answer())", folder.path("site"),
        ])
        #expect(importStatus == 0 && importOutput.contains("42"), "\(importOutput)")

        // The repaired wheel carries libyaml: it installs and imports in debian-12's base root
        // filesystem, which has no libyaml, through the consumer index.
        let base = try await baseRootfs("debian-12", data: data)
        #expect(!FileManager.default.fileExists(atPath: base + "/usr/lib/x86_64-linux-gnu/libyaml-0.so.2"), "the base rootfs must not have libyaml")
        let consumer = try await runTool(Repository.root.appendingPathComponent("tools/try-index.sh").path,
                                         [base, "\(server.baseURL)/platform/debian-12/+simple/", "flow-yaml=flow_yaml._native"])
        #expect(consumer.status == 0 && consumer.output.contains("import flow_yaml._native: ok"), "\(consumer.output)")
        let listing = try await HTTP.send(.GET, "\(server.baseURL)/opensource/debian-12/+files", headers: [("Accept", "application/json")])
        #expect(listing.text.contains("\"repair\":\"graft\"") && listing.text.contains("\"package\":\"libyaml-0-2\"")
                && listing.text.contains("\"soname\":\"libyaml-0.so.2\""), "\(listing.text)")

        // Each wheel built here carries its SBOM (PEP 770) beside auditwheel's, listed in RECORD,
        // valid CycloneDX 1.6; the index serves it and the provenance names its SHA-256.
        let yamlWheel = try #require(result("flow-yaml")?["wheel"] as? String)
        let yamlFile = try await downloadFile(server, index: "platform/debian-12", project: "flow-yaml", filename: yamlWheel, into: folder)
        let checked = try await checkWheelSBOM(yamlFile)
        #expect((checked["record_errors"] as? [String])?.isEmpty == true, "\(checked)")
        let sboms = try #require(checked["sboms"] as? [String: [String: Any]])
        #expect(Set(sboms.keys) == ["auditwheel.cdx.json", "wheelwright.cdx.json"], "\(sboms)")
        for (name, sbom) in sboms { #expect(sbom["schema_error"] is NSNull, "\(name): \(sbom)") }
        let components = try #require((checked["components"] as? [[String: Any]])?.map { $0.compactMapValues { $0 as? String } })
        let sdist = try #require(components.first { $0["role"] == "source" })
        #expect(sdist["name"] == "flow-yaml" && sdist["purl"]?.hasPrefix("pkg:pypi/flow-yaml@1.0?file_name=flow_yaml-1.0.tar.gz&repository_url=http") == true
                && sdist["sha256"]?.count == 64 && sdist["url"]?.hasSuffix("/flow_yaml-1.0.tar.gz") == true, "\(sdist)")
        #expect(components.contains { $0["role"] == "target" && $0["type"] == "operating-system" && $0["name"]?.contains("Debian") == true }, "\(components)")
        #expect(components.contains { $0["role"] == "build requirement" && $0["name"] == "setuptools" && $0["origin"] == "upstream" }, "\(components)")
        #expect(components.contains { $0["role"] == "repair tool" && $0["name"] == "auditwheel" && $0["sha256"]?.count == 64 }, "\(components)")
        let served = try await HTTP.send(.GET, "\(server.baseURL)/opensource/debian-12/+sbom/\(yamlWheel)")
        let servedSHA = SHA256.hash(data: served.body).map { String(format: "%02x", $0) }.joined()
        #expect(served.status == 200 && served.headers["Content-Type"].first == "application/vnd.cyclonedx+json"
                && servedSHA == (sboms["wheelwright.cdx.json"]?["sha256"] as? String), "\(served.status) \(served.text.prefix(300))")
        #expect(listing.text.contains("\"sbom_sha256\":\"\(servedSHA)\""), "\(listing.text)")
        let filePage = try await HTTP.send(.GET, "\(server.baseURL)/platform/debian-12/flow-yaml/", headers: [("Accept", "text/html")]).text
        #expect(filePage.contains("href=\"/opensource/debian-12/+sbom/\(yamlWheel)\">SBOM</a>"), "\(filePage)")
        // The import check's result on the wheel's row, like a tox result, with its log.
        #expect(filePage.contains("import 3.11") && filePage.contains("debian-12: passed</a>") && filePage.contains("/opensource/debian-12/+toxresults/\(yamlWheel)/"), "\(filePage)")
        let release = try await HTTP.send(.GET, "\(server.baseURL)/opensource/debian-12/flow-native/1.0", headers: [("Accept", "application/json")])
        let links = (release.json["result"] as? [String: Any])?["+links"] as? [[String: Any]] ?? []
        let checkURL = try #require(links.first { $0["rel"] as? String == "toxresult" }?["href"] as? String, "\(release.text)")
        let nativeCheck = try await HTTP.send(.GET, checkURL + "/log")
        #expect(nativeCheck.status == 200 && nativeCheck.text.contains("importlib.import_module(sys.argv[1]) flow_native → 0")
                && nativeCheck.text.contains("-- test: python -c \"import flow_native._native as n; assert n.answer() == 42\" → 0"),
                "\(nativeCheck.text)")

        // A rerun builds nothing that was built.
        let working = ["--only", "flow-pure", "--only", "flow-native", "--only", "flow-yaml"]
        let (again, againOutput) = try await build(working)
        #expect(again == 0, "\(againOutput)")
        // Not on a terminal (cron, journald): every event a line stamped with its UTC time.
        let stamp = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "#
        #expect(againOutput.split(separator: "\n").contains { $0.range(of: stamp + "plan: 0 to build, 3 skipped", options: .regularExpression) != nil }, "\(againOutput)")

        // build: 1 publishes a build-tagged file beside the old one, and pip prefers it.
        try writeWhitelist(nativeBuild: 1)
        let (rebuilt, rebuiltOutput) = try await build(["--only", "flow-native"])
        #expect(rebuilt == 0, "\(rebuiltOutput)")
        #expect(rebuiltOutput.split(separator: "\n").contains {
            $0.range(of: stamp + #"built flow-native-1\.0-debian-12-py3\.11 in [0-9.]+ s \(whole item\): flow_native-1\.0-1-cp311"#, options: .regularExpression) != nil
        }, "\(rebuiltOutput)")
        let (downloaded, downloadOutput) = try await runTool("/usr/bin/python3", [
            "-m", "pip", "download", "--no-deps", "--dest", folder.path("dl"),
            "--index-url", "\(server.baseURL)/platform/debian-12/+simple/", "flow-native",
        ])
        #expect(downloaded == 0, "\(downloadOutput)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("dl")) == ["flow_native-1.0-1-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.whl"])
        let files = try await runTool("/usr/bin/curl", ["-s", "\(server.baseURL)/opensource/debian-12/+files"])
        #expect(files.output.contains("flow_native-1.0-cp311") && files.output.contains("flow_native-1.0-1-cp311"))

        // The night at a glance, from these real runs: the first run's page, the history, the coverage.
        let runPage = try await HTTP.send(.GET, "\(server.baseURL)/+builds/1/", headers: [("Accept", "text/html")]).text
        #expect(runPage.contains("<td class=\"name\">flow-broken</td>") && runPage.contains("href=\"/+builds/1/flow-broken-1.0-debian-12-py3.11.log\"")
                && runPage.contains("flow_pure-1.0-py3-none-any.whl → opensource/pure"), "\(runPage)")
        let coverage = try await HTTP.send(.GET, "\(server.baseURL)/+coverage/", headers: [("Accept", "text/html")]).text
        #expect(coverage.contains("<tr><td>flow-broken</td><td title=\"run 1: ") && coverage.contains("<span class=\"status failed\">failed</span> 1.0 · <a href=\"/+builds/1/flow-broken")
                && coverage.contains("<tr><td>flow-native</td><td title=\"run 3\"><span class=\"status built\">built</span> 1.0</td></tr>"), "\(coverage)")
        // The rerun that built nothing is a night on the chart too: run 2, its three items skipped.
        let noOp = try await HTTP.send(.GET, "\(server.baseURL)/+builds/2/", headers: [("Accept", "text/html")]).text
        #expect(noOp.contains("<b>0 built</b>, 3 skipped"), "\(noOp)")
        if Chromium.available {
            let chromium = Chromium(profile: folder.path("chromium"))
            for (name, path) in [("real-builds", "/+builds/"), ("real-run", "/+builds/1/"), ("real-coverage", "/+coverage/")] {
                #expect(try await chromium.screenshot(server.baseURL + path, name: name).count > 5_000)
            }
        }
    }

    @Test("a second build while one runs is refused by the lock; SIGTERM stops the first, killing its build, and the report says so")
    func lockAndStop() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.wheelwright)
        process.arguments = ["build", whitelist] + common + ["--only", "flow-forever", "--timeout", "600", "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the forever build runs (its sdist's marker process is there).
        var running = false
        for _ in 0..<600 where !running {
            try await Task.sleep(for: .milliseconds(100))
            running = processes(containing: "driver.py build /src/flow_forever").count > 0
        }
        #expect(running)
        let (second, secondOutput) = try await build(["--only", "flow-pure"])
        #expect(second == 75)
        #expect(secondOutput.contains("another wheelwright build holds the lease all ("), "\(secondOutput)")
        // The lease is the index's: a run from another machine (its own data directory) and a
        // shard (which the whole run overlaps) are refused as well, before anything is planned.
        let elsewhere = try await runToolSeparately(Repository.wheelwright, ["build", whitelist, "--shard", "2/3"] + common + ["--data", folder.path("other-machine")])
        #expect(elsewhere.status == 75 && elsewhere.errors.contains("holds the lease all"), "\(elsewhere.output) \(elsewhere.errors)")

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("\"status\" : \"cancelled\""), "\(text)")
        #expect(processes(containing: "driver.py build /src/flow_forever").isEmpty)
    }

    @Test("--shard 1/2 and 2/2 together cover the plan exactly once; three shard processes at once build each item once; a config file gives the same plan; --dry-run publishes nothing")
    func shards() async throws {
        func plan(_ extra: [String]) async throws -> [String] {
            let (status, output) = try await runTool(Repository.wheelwright, ["plan", whitelist, "--json"] + common + extra)
            guard status == 0, let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
                  let items = object["items"] as? [[String: Any]] else { throw TestFailure(output) }
            return items.compactMap { "\($0["project"] ?? "")-\($0["version"] ?? "")-\($0["target"] ?? "")" }
        }
        let whole = try await plan([])
        let first = try await plan(["--shard", "1/2"])
        let second = try await plan(["--shard", "2/2"])
        #expect(whole.count == 8)
        #expect(Set(first).isDisjoint(with: second))
        #expect((first + second).sorted() == whole.sorted())
        // The same plan from a config file naming the server and the indices (no --server flag).
        let config = folder.path("wheelwright.yaml")
        try "server: \(server.baseURL)\npure-index: opensource/pure\nbinary-index: opensource/{target}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (configured, configuredOutput) = try await runTool(Repository.wheelwright, ["plan", whitelist, "--config", config, "--upstream", "\(server.baseURL)/up/main/+simple/",
                                                                                        "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(configured == 0, "\(configuredOutput)")
        #expect(configuredOutput.contains("8 to build"), "\(configuredOutput)")
        // Before the plan, the server it was made against (here from the config file, no --server).
        let firstPlanLine = configuredOutput.split(separator: "\n").first { $0.hasPrefix("index ") || $0.hasPrefix("build ") }
        #expect(firstPlanLine == "index \(server.baseURL)", "\(configuredOutput)")
        // --dry-run fetches the sdists and publishes nothing.
        let (dry, dryOutput) = try await runTool(Repository.wheelwright, ["build", whitelist, "--dry-run"] + common)
        #expect(dry == 0, "\(dryOutput)")
        #expect(dryOutput.contains("fetched flow_native-1.0.tar.gz") && dryOutput.contains("would build flow-native-1.0-debian-12-py3.11"))
        let listed = try await runTool("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/opensource/pure/+files"])
        #expect(listed.output == "404")
        // Three shard processes at once, as an Indexed Job starts them: each item built exactly once.
        let working = ["--only", "flow-pure", "--only", "flow-native", "--only", "flow-yaml", "--json"]
        let command = ["build", whitelist] + common + ["--timeout", "45"] + working
        let shards = try await withThrowingTaskGroup(of: (Int32, String, String).self) { group in
            for shard in 1...3 {
                group.addTask {
                    let run = try await runToolSeparately(Repository.wheelwright, command + ["--shard", "\(shard)/3"])
                    return (run.status, run.output, run.errors)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var built: [String] = []
        for (status, output, errors) in shards {
            #expect(status == 0, "\(errors)")
            let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            built += (report?["results"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "built" }
                .compactMap { ($0["item"] as? [String: Any])?["project"] as? String }
        }
        #expect(built.sorted() == ["flow-native", "flow-pure", "flow-yaml"], "\(built)")
        // Requires-Python: an item no interpreter of its target can build is a skip with the reason, never a build.
        let future = folder.path("future.yaml")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - {name: flow-future, versions: [\"1.0\"]}\n  - {name: flow-broken, versions: [\"1.0\"]}\n"
            .write(toFile: future, atomically: true, encoding: .utf8)
        let (planned, plannedOutput) = try await runTool(Repository.wheelwright, ["plan", future, "--json"] + common)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plannedOutput.utf8)) as? [String: Any], "\(plannedOutput)")
        #expect(planned == 0)
        #expect((document["items"] as? [[String: Any]])?.compactMap { $0["project"] as? String } == ["flow-broken"])
        let skips = (document["skipped"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        #expect(skips == ["flow-future 1.0 requires Python >=3.99; debian-12 has 3.11"], "\(plannedOutput)")
        // A failure explains itself: its class, the decisive line and the system-packages line that fixes it,
        // the package found in debian-12's Contents index (downloaded from the target's mirror).
        let noyaml = folder.path("noyaml.yaml")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - {name: flow-noyaml, versions: [\"1.0\"]}\n".write(toFile: noyaml, atomically: true, encoding: .utf8)
        let failed = try await runToolSeparately(Repository.wheelwright, ["build", noyaml] + common + ["--timeout", "45", "--json"])
        let failedReport = try JSONSerialization.jsonObject(with: Data(failed.output.utf8)) as? [String: Any]
        let reason = ((failedReport?["results"] as? [[String: Any]])?.first?["reason"] as? String) ?? ""
        #expect(failed.status == 1 && reason.hasPrefix("missing header: flow_noyaml/native.c:"), "\(failed.output) \(failed.errors)")
        #expect(reason.contains("fatal error: yaml.h: No such file or directory; debian-12's libyaml-dev provides <yaml.h>: add to the entry `system-packages: [libyaml-dev]` (exit 1); log: "), "\(reason)")
        let (bad, badOutput) = try await runTool(Repository.wheelwright, ["plan", whitelist, "--shard", "3/2"] + common)
        #expect(bad == 64 || bad == 2 || bad == 1)
        #expect(badOutput.contains("--shard must be i/n"))
    }

    @Test("repair: system keeps linux_x86_64 and records libyaml-0-2 (provenance, Requires-External), where graft would copy it in")
    func repairSystem() async throws {
        let systemWhitelist = folder.path("system.yaml")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: flow-yaml\n    versions: [\"1.0\"]\n    system-packages: [libyaml-dev]\n    repair: system\n"
            .write(toFile: systemWhitelist, atomically: true, encoding: .utf8)
        let (status, output) = try await runTool(Repository.wheelwright, ["build", systemWhitelist] + common + ["--timeout", "45", "--json",
            "--pure-index", "system/pure", "--binary-index", "system/{target}", "--consumer-index", "systemplatform/{target}"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("flow_yaml-1.0-cp311-cp311-linux_x86_64.whl"), "\(output)")
        let listing = try await HTTP.send(.GET, "\(server.baseURL)/system/debian-12/+files", headers: [("Accept", "application/json")])
        #expect(listing.text.contains("\"repair\":\"system\"") && listing.text.contains("\"package\":\"libyaml-0-2\""), "\(listing.text)")
        let metadata = try await HTTP.send(.GET, "\(server.baseURL)/system/debian-12/+simple/flow-yaml/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let url = try #require(((metadata.json["files"] as? [[String: Any]])?.first?["url"] as? String).map { $0.hasPrefix("http") ? $0 : server.baseURL + $0 })
        let core = try await HTTP.send(.GET, url + ".metadata")
        #expect(core.text.contains("Requires-External: libyaml-0-2"), "\(core.text)")
    }
}
