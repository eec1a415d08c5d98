import Foundation
import Runners
import TestSupport
import Testing

/// `wheelwright runner` as a person types it.
@Suite(.timeLimit(.minutes(10)))
struct RunnerCommandTests {
    let data = Repository.root.appendingPathComponent(".build/test-environments").path

    @Test("runner build prints the wheel; --json tells the facts; a failure exits 1 with the log's path")
    func build() async throws {
        _ = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let wheelhouse = try Debian12.wheelhouse(in: folder)
        let pure = try await Debian12.sdist(in: folder, "cli-pure", kind: "pure")
        let common = ["--wheelhouse", wheelhouse.path, "--data", data, "--containers", Repository.root.appendingPathComponent("containers").path]
        let (status, output) = try await runTool(Repository.wheelwright, ["runner", "build", "debian-12", pure.path, "--out", folder.path("out")] + common)
        #expect(status == 0, "\(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == folder.path("out") + "/cli_pure-1.0-py3-none-any.whl")

        let (jsonStatus, json) = try await runTool(Repository.wheelwright, ["runner", "build", "debian-12", pure.path, "--out", folder.path("out2"), "--json"] + common)
        #expect(jsonStatus == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(report["succeeded"] as? Bool == true)
        #expect((report["facts"] as? [String: Any])?["os_version"] as? String == "12")
        #expect(report["dynamic_requirements"] as? [String] == ["wheel"])

        let failing = try await Debian12.sdist(in: folder, "cli-fail", kind: "fail")
        let (failStatus, failOutput) = try await runTool(Repository.wheelwright, ["runner", "build", "debian-12", failing.path, "--out", folder.path("out3")] + common)
        #expect(failStatus == 1)
        #expect(failOutput.contains("error: cli_fail-1.0.tar.gz on debian-12: the build failed"))
        #expect(failOutput.contains(folder.path("out3") + "/build.log"))
    }

    @Test("runner list shows the prepared target and the runners that can use it")
    func list() async throws {
        _ = try await Debian12.runner()
        let (status, output) = try await runTool(Repository.wheelwright, ["runner", "list", "--json", "--data", data, "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(status == 0, "\(output)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        let debian12 = try #require(rows.first { $0["target"] as? String == "debian-12" && ($0["system_packages"] as? [String])?.isEmpty == true })
        #expect(debian12["prepared"] as? Bool == true)
        #expect((debian12["runners"] as? [String])?.contains("rootfs") == true)
        #expect((debian12["size_bytes"] as? Int ?? 0) > 100 << 20)
        let debian13 = try #require(rows.first { $0["target"] as? String == "debian-13" })
        #expect(debian13["recipe"] as? String != debian12["recipe"] as? String)
    }

    @Test("bad input: an unknown target, a missing sdist, a bad limit")
    func badInput() async throws {
        for (arguments, message) in [
            (["runner", "build", "debian-99", "x.tar.gz", "--out", "/tmp/x"], "no target 'debian-99'"),
            (["runner", "build", "debian-12", "/nonexistent/x.tar.gz", "--out", "/tmp/x"], "no such sdist"),
            (["runner", "build", "debian-12", "x.tar.gz", "--out", "/tmp/x", "--timeout", "0"], "must be positive"),
            (["runner", "build", "debian-12", "x.tar.gz", "--out", "/tmp/x", "--python", "2.7"], "has no Python 2.7"),
        ] {
            let (status, output) = try await runTool(Repository.wheelwright, arguments + ["--data", data, "--containers", Repository.root.appendingPathComponent("containers").path])
            #expect(status != 0)
            #expect(output.contains(message), "\(output)")
        }
    }
}

@Suite("Runners against the real PyPI", .enabled(if: PyPI.enabled, PyPI.reason), .timeLimit(.minutes(10)))
struct RunnerPyPITests {
    @Test("markupsafe's real sdist: wheelhouse from PyPI, built in debian-12, its C speedups imported there")
    func markupsafe() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let (downloaded, log) = try await runTool(Repository.tool("pip"), [
            "download", "--no-deps", "--no-binary", ":all:", "--dest", folder.path("sdist"), "markupsafe==3.0.2",
        ])
        #expect(downloaded == 0, "\(log)")
        let sdist = folder.url.appendingPathComponent("sdist/markupsafe-3.0.2.tar.gz")
        let (status, output) = try await runTool(Repository.wheelwright, [
            "runner", "build", "debian-12", sdist.path, "--out", folder.path("out"), "--cache", folder.path("cache"),
            "--data", Repository.root.appendingPathComponent(".build/test-environments").path,
            "--containers", Repository.root.appendingPathComponent("containers").path,
        ])
        #expect(status == 0, "\(output)")
        let wheel = folder.url.appendingPathComponent("out/markupsafe-3.0.2-cp311-cp311-linux_x86_64.whl")
        #expect(FileManager.default.fileExists(atPath: wheel.path), "\(output)")
        let (tried, tryLog) = try await Debian12.tryWheel(
            wheel, with: runner, check: "from markupsafe import _speedups, escape; print('escaped', escape('<b>'))", in: folder
        )
        #expect(tried == .exited(0), "\(tryLog)")
        #expect(tryLog.contains("escaped &lt;b&gt;"))
    }
}
