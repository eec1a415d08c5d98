import Foundation
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// `make install` into a staging root, its systemd units verified, and the nightly build run the
/// way its unit runs it: the installed binary, from `/`, with `--config` alone, output to a file.
/// The binary is the release build (static Swift runtime) that `make test` makes first, so a break
/// in the configuration users install fails here.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct InstallTests {
    let folder: TemporaryFolder
    var root: URL { folder.url.appendingPathComponent("root") }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Repository.releaseWheelwright) else {
            throw TestFailure("\(Repository.releaseWheelwright) is missing: run make release first (make test does)")
        }
        folder = try TemporaryFolder()
    }

    func install() async throws {
        // By its absolute path, so make does not run `swift build -c release` under swift test.
        let made = try await runTool("/usr/bin/make", ["-C", Repository.root.path, "--no-print-directory", "install",
                                                       "DESTDIR=\(root.path)", "BINARY=\(Repository.releaseWheelwright)"])
        #expect(made.status == 0, "\(made.output)")
    }

    @Test("make install: binary, targets, docs, units and a config kept when present; systemd-analyze verify passes the units")
    func installsUnits() async throws {
        try await install()
        for path in ["usr/local/bin/wheelwright", "usr/local/share/wheelwright/containers/debian-12/target.yaml",
                     "usr/local/share/doc/wheelwright/operations.md", "usr/local/share/doc/wheelwright/nginx-wheelwright.conf",
                     "usr/local/share/doc/wheelwright/nginx-wheelwright-replicas.conf",
                     "etc/sysusers.d/wheelwright.conf", "etc/wheelwright/wheelwright.yaml"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "\(path) is missing")
        }
        let config = root.appendingPathComponent("etc/wheelwright/wheelwright.yaml")
        try "# edited by the site\n".write(to: config, atomically: true, encoding: .utf8)
        try await install()
        #expect(try String(contentsOf: config, encoding: .utf8) == "# edited by the site\n")

        // verify resolves dependencies (sysinit.target, timers.target) under --root: the host's.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/lib/systemd"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("usr/lib/systemd/system").path, withDestinationPath: "/lib/systemd/system")
        let units = ["wheelwright-serve.service", "wheelwright-build.service", "wheelwright-build.timer"]
            .map { root.appendingPathComponent("etc/systemd/system/\($0)").path }
        let verified = try await runTool("/usr/bin/systemd-analyze", ["verify", "--root=\(root.path)"] + units)
        #expect(verified.status == 0 && verified.output.isEmpty, "\(verified.output)")
    }

    @Test("the nightly build from / with --config alone: plan and one line per item on redirected stdout, no secret in ps; non-root refused at start")
    func nightlyFromConfig() async throws {
        try await install()
        let server = try await TestServer()
        let sdists = [try await LocalUpstream.sdist("nightly-pure", kind: "pure", in: folder.url),
                      try await LocalUpstream.sdist("nightly-native", kind: "cext", in: folder.url)]
        let upstream = try await LocalUpstream.fill(server, with: try LocalUpstream.buildRequirements() + sdists)
        let created = try await runToolSeparately(Repository.wheelwright, ["token", "create", "--server", server.baseURL, "--user", "root",
                                                                           "--password-file", TestServer.rootPasswordFile])
        let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && !token.isEmpty, "\(created.errors)")

        // The site as docs/operations.md sets it up: a folder of config, token and whitelists.
        let site = folder.url.appendingPathComponent("etc-wheelwright")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("whitelists"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: site.appendingPathComponent("token").path, contents: Data((token + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        try """
            defaults:
              targets: [debian-12]
            packages:
              - {name: nightly-pure, versions: ["1.0"], reason: test, license: MIT}
              - {name: nightly-native, versions: ["1.0"], reason: test, license: MIT}
            """.write(to: site.appendingPathComponent("whitelists/company.yaml"), atomically: true, encoding: .utf8)
        try """
            whitelists: [whitelists]
            containers: \(root.path)/usr/local/share/wheelwright/containers
            data: \(Repository.root.path)/.build/test-environments
            cache: cache
            server: \(server.baseURL)
            upstream: ["\(upstream)"]
            token-file: token
            metrics-file: build.prom
            timeout: 300
            build-requirements: upstream
            """.write(to: site.appendingPathComponent("wheelwright.yaml"), atomically: true, encoding: .utf8)
        let binary = root.appendingPathComponent("usr/local/bin/wheelwright").path
        let arguments = ["build", "--config", site.appendingPathComponent("wheelwright.yaml").path]

        // Not root: said at once, before anything is planned (runuser as nobody).
        let refused = try await runToolSeparately("/usr/sbin/runuser", ["-u", "nobody", "--", binary] + arguments, directory: "/")
        #expect(refused.status == 2 && refused.errors.contains("needs root") && refused.output.isEmpty, "\(refused.output) \(refused.errors)")

        // Standard output to a file, as cron's redirection or journald has it.
        let logFile = folder.path("nightly.log")
        let finished = Finished()
        let build = Task {
            defer { finished.state.withLock { $0 = true } }
            return try await runToolSeparately("/bin/sh", ["-c", "exec \"$0\" \"$@\" > \(logFile)", binary] + arguments, directory: "/")
        }
        // Every command line on the machine while the build runs (its builds, pip, twine
        // included), and whether the plan line is in the file before the run ends.
        var commandLines = Set<String>()
        var planWhileRunning = false
        while !finished.state.withLock({ $0 }) {
            let ps = try await runToolSeparately("/usr/bin/ps", ["-eo", "args", "--no-headers"])
            commandLines.formUnion(ps.output.split(separator: "\n").map(String.init))
            if !planWhileRunning, (try? String(contentsOfFile: logFile, encoding: .utf8))?.contains("plan: 2 to build") == true {
                planWhileRunning = !finished.state.withLock { $0 }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let (status, _, errors) = try await build.value
        let output = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(planWhileRunning, "the plan line reached the file only when the run ended (buffered)")
        #expect(status == 0, "\(output) \(errors)")
        #expect(commandLines.contains { $0.contains(arguments[2]) }, "ps never saw the build")
        // The token is this test's alone; root's password is shared with suites running beside
        // this one, so it is looked for in this build's processes (they name this test's folder).
        let ours = commandLines.filter { $0.contains(folder.url.path) }
        #expect(!commandLines.contains { $0.contains(token) }, "the token in ps")
        #expect(!ours.isEmpty && !ours.contains { $0.contains(TestServer.rootPassword) }, "root's password in ps: \(ours)")
        let lines = output.split(separator: "\n").map(String.init)
        let stamp = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /#
        // The first line names the server the run uses (here from the config file).
        #expect(lines.contains { $0.firstMatch(of: stamp) != nil && $0.contains("plan: 2 to build") && $0.hasSuffix("index \(server.baseURL)") }, "\(output)")
        for project in ["nightly-pure", "nightly-native"] {
            #expect(lines.contains { $0.firstMatch(of: stamp) != nil && $0.contains("started \(project)-1.0-debian-12") }, "\(output)")
            #expect(lines.contains { $0.firstMatch(of: stamp) != nil && $0.contains("built \(project)-1.0-debian-12") && $0.contains(".whl → ") },
                    "\(output)")
        }

        // The run's figures for Prometheus: in the textfile the config names, and in the index's scrape.
        let metrics = try String(contentsOf: site.appendingPathComponent("build.prom"), encoding: .utf8)
        #expect(metrics.contains("wheelwright_build_items{target=\"debian-12\",result=\"built\"} 2")
                && metrics.contains("wheelwright_build_last_run_success 1"), "\(metrics)")
        let scrape = try await HTTP.send(.GET, server.baseURL + "/+metrics")
        #expect(scrape.text.contains("wheelwright_reported_run_items{result=\"built\"} 2"), "\(scrape.text.suffix(600))")

        // The next night has nothing to build; as JSON lines, every line is an object with its time.
        let again = try await runToolSeparately(binary, arguments + ["--log-format", "json"], directory: "/")
        let events = again.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(again.status == 0 && events.count == again.output.split(separator: "\n").count && events.allSatisfy { $0["time"] is String },
                "\(again.output) \(again.errors)")
        #expect(events.first?["event"] as? String == "plan" && events.first?["to_build"] as? Int == 0 && events.last?["event"] as? String == "summary")
        #expect(events.first?["server"] as? String == server.baseURL)
    }

    /// Set when the build has ended.
    final class Finished: Sendable {
        let state = Mutex(false)
    }
}
