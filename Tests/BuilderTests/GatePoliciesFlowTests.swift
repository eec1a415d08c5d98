import Foundation
import TestSupport
import Testing

/// The gate's policies (issue 30) against an upstream whose JSON pages give PEP 700 upload times
/// of our choosing: the release-age cooldown (releases of 30 days, 3 days and 1 hour ago, and one
/// without a time) and the license policy (a release under GPL-3.0-only).
@Suite(.serialized, .timeLimit(.minutes(5)))
final class GatePoliciesFlowTests {
    let folder: TemporaryFolder
    let files: TemporaryFolder
    let upstream: FolderUpstream
    let simple: String
    let config: String

    init() async throws {
        folder = try TemporaryFolder()
        files = try TemporaryFolder()
        var ages: [String: TimeInterval?] = [:]
        for (version, age) in [("1.0", 30 * 86_400), ("2.0", 3 * 86_400), ("3.0", 3_600)] {
            let sdist = try await makeDistribution(in: files, "aged", version, sdist: true)
            ages[(sdist as NSString).lastPathComponent] = TimeInterval(age)
        }
        let needs = try await makeDistribution(in: files, "needs-aged", "1.0", sdist: true, requiresDist: ["aged>=2"])
        ages[(needs as NSString).lastPathComponent] = 30 * 86_400
        let gpl = try await makeDistribution(in: files, "gpl-tool", "1.0", sdist: true, licenseExpression: "GPL-3.0-only")
        ages[(gpl as NSString).lastPathComponent] = 30 * 86_400
        let timeless = try await makeDistribution(in: files, "timeless", "1.0", sdist: true)
        ages[(timeless as NSString).lastPathComponent] = .some(nil)
        upstream = try FolderUpstream(folder: files.url)
        for (name, age) in ages { try upstream.age(name, by: age) }
        simple = upstream.simpleURL
        config = folder.path("wheelwright.yaml")
        try "cooldown: 7d\n".write(toFile: config, atomically: true, encoding: .utf8)
    }

    func wheelwright(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.wheelwright, arguments + ["--upstream", simple, "--config", config],
                          environment: ["XDG_CACHE_HOME": folder.path("cache")])
    }

    func whitelistFile(_ name: String) throws -> String {
        let directory = folder.path(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/opensource.yaml"
        try "defaults:\n  targets: [debian-12]\n".write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("add takes the newest release past its cooldown and names what it passed over; a young pin needs --allow-young --reason, which the entry records; no upload time counts as young")
    func add() async throws {
        let file = try whitelistFile("add")
        let containers = ["--containers", Repository.root.appendingPathComponent("containers").path]
        let added = try await wheelwright(["whitelist", "add", "aged", "--file", file, "--reason", "r"] + containers)
        #expect(added.status == 0, "\(added.output)")
        #expect(added.output.contains("skipped aged 3.0: uploaded 1 hour ago, cooldown 7 days"), "\(added.output)")
        #expect(added.output.contains("skipped aged 2.0: uploaded 3 days ago, cooldown 7 days"), "\(added.output)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("versions: [\"1.0\"]"))

        let young = try await wheelwright(["whitelist", "add", "aged==3.0", "--file", file, "--reason", "r"] + containers)
        #expect(young.status != 0 && young.output.contains("aged 3.0 is in its cooldown: uploaded 1 hour ago, cooldown 7 days; it can be requested from")
                && young.output.contains("--allow-young --reason TEXT"), "\(young.output)")
        let reasonless = try await wheelwright(["whitelist", "add", "aged==3.0", "--file", file, "--allow-young"] + containers)
        #expect(reasonless.status != 0 && reasonless.output.contains("--allow-young needs --reason TEXT"), "\(reasonless.output)")
        let allowed = try await wheelwright(["whitelist", "add", "aged==3.0", "--file", file, "--allow-young", "--reason", "fixes CVE-2026-1"] + containers)
        #expect(allowed.status == 0, "\(allowed.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("versions: [\"1.0\", \"3.0\"]") && text.contains("    allow-young:\n      \"3.0\": fixes CVE-2026-1\n"), "\(text)")

        // Allowing a version already listed records it; a dependency met only by young releases is refused.
        let listed = try await wheelwright(["whitelist", "add", "aged==3.0", "--file", file, "--allow-young", "--reason", "again"] + containers)
        #expect(listed.status == 0 && listed.output.contains("is already in"), "\(listed.output)")
        let dependency = try await wheelwright(["whitelist", "add", "needs-aged", "--with-deps", "--file", try whitelistFile("deps"), "--reason", "r"] + containers)
        #expect(dependency.status != 0 && dependency.output.contains("every release of aged that meets it is in its cooldown (aged 3.0: uploaded 1 hour ago, cooldown 7 days)"), "\(dependency.output)")
        let past = try await wheelwright(["whitelist", "add", "aged==3.0", "--file", file, "--as-of", "2020-01-01T00:00:00Z"] + containers)
        #expect(past.status != 0 && past.output.contains("after the clock (--as-of 2020-01-01T00:00:00Z)"), "\(past.output)")
        let timeless = try await wheelwright(["whitelist", "add", "timeless", "--file", file, "--reason", "r"] + containers)
        #expect(timeless.status != 0 && timeless.output.contains("skipped timeless 1.0: upstream gives no upload time for its sdist, so it counts as young"), "\(timeless.output)")

        // NAME alone adds nothing older than a listed version (a newer one may have been allowed young).
        let newer = try whitelistFile("newer")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: aged\n    versions: [\"2.0\"]\n    reason: r\n    license: MIT\n".write(toFile: newer, atomically: true, encoding: .utf8)
        let older = try await wheelwright(["whitelist", "add", "aged", "--file", newer] + containers)
        #expect(older.status == 0 && older.output.contains("aged 2.0 is already listed, newer than 1.0, the newest release this request takes: nothing changed"), "\(older.output)")
        // Lint warns at a listed version still young unless allowed; a clock a week on, not.
        try text.replacingOccurrences(of: "versions: [\"1.0\", \"3.0\"]", with: "versions: [\"1.0\", \"2.0\", \"3.0\"]").write(toFile: file, atomically: true, encoding: .utf8)
        let lint = try await wheelwright(["whitelist", "lint", (file as NSString).deletingLastPathComponent, "--deps"] + containers)
        #expect(lint.output.contains("aged 2.0 is in its cooldown: uploaded 3 days ago, cooldown 7 days; it is built the first night after")
                && !lint.output.contains("aged 3.0 is in its cooldown"), "\(lint.output)")
    }

    @Test("license policy: add refuses a release the policy denies with the license and where it was read, --license-reason records the override; lint judges every entry")
    func licensePolicy() async throws {
        try "policy:\n  licenses:\n    allow: [MIT, Apache-2.0]\n    deny: [GPL-3.0-only]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let file = try whitelistFile("licenses")
        let containers = ["--containers", Repository.root.appendingPathComponent("containers").path]
        let refused = try await wheelwright(["whitelist", "add", "gpl-tool", "--file", file, "--reason", "r"] + containers)
        #expect(refused.status != 0 && refused.output.contains("gpl-tool 1.0 is licensed GPL-3.0-only: GPL-3.0-only is denied by the license policy (")
                && refused.output.contains("--license-reason TEXT"), "\(refused.output)")
        let mit = try await wheelwright(["whitelist", "add", "aged", "--file", file, "--reason", "r"] + containers)
        #expect(mit.status == 0, "\(mit.output)")
        let overridden = try await wheelwright(["whitelist", "add", "gpl-tool", "--file", file, "--reason", "r", "--license-reason", "legal approved"] + containers)
        #expect(overridden.status == 0, "\(overridden.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("    license: GPL-3.0-only\n    license-reason: legal approved\n"), "\(text)")
        let folder = (file as NSString).deletingLastPathComponent
        let lint = try await wheelwright(["whitelist", "lint", folder] + containers)
        #expect(lint.status == 0, "\(lint.output)")
        try text.replacingOccurrences(of: "    license-reason: legal approved\n", with: "").write(toFile: file, atomically: true, encoding: .utf8)
        let unreasoned = try await wheelwright(["whitelist", "lint", folder] + containers)
        #expect(unreasoned.status == 1 && unreasoned.output.contains("error: gpl-tool is licensed GPL-3.0-only: GPL-3.0-only is denied by the license policy"), "\(unreasoned.output)")
    }

    @Test("lint --deps: an entry's license: that is not what its release's metadata states is an error, unless license-reason: says why")
    func licenseAgainstMetadata() async throws {
        let file = try whitelistFile("agreement")
        let containers = ["--containers", Repository.root.appendingPathComponent("containers").path]
        // gpl-tool's metadata has a License-Expression; timeless's a License field that is an SPDX identifier.
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: gpl-tool\n    versions: [\"1.0\"]\n    reason: r\n    license: MIT\n  - name: timeless\n    versions: [\"1.0\"]\n    reason: r\n    license: mit\n    allow-young:\n      \"1.0\": no upload time here\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let folder = (file as NSString).deletingLastPathComponent
        let lint = try await wheelwright(["whitelist", "lint", folder, "--deps", "--build-requirements", "upstream"] + containers)
        #expect(lint.status == 1 && lint.output.contains("error: gpl-tool 1.0's metadata states GPL-3.0-only (License-Expression), the entry records MIT: correct license:, or say why it differs in license-reason:"), "\(lint.output)")
        #expect(!lint.output.contains("timeless 1.0's metadata"), "\(lint.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "    license: MIT\n", with: "    license: MIT\n    license-reason: relicensed to us under MIT by contract\n").write(toFile: file, atomically: true, encoding: .utf8)
        let reasoned = try await wheelwright(["whitelist", "lint", folder, "--deps", "--build-requirements", "upstream"] + containers)
        #expect(reasoned.status == 0 && !reasoned.output.contains("metadata states"), "\(reasoned.output)")
    }

    @Test("lint --deps: a prebuilt entry whose pinned wheels install on none of a target's interpreters is an error there")
    func prebuiltPinsThatFitNowhere() async throws {
        let file = try whitelistFile("prebuilt")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: mac-tool\n    versions: [\"1.0\"]\n    reason: r\n    license: MIT\n    prebuilt:\n      mac_tool-1.0-py3-none-macosx_11_0_arm64.whl: \(String(repeating: "0", count: 64))\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let lint = try await wheelwright(["whitelist", "lint", (file as NSString).deletingLastPathComponent, "--deps",
                                          "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(lint.status == 1 && lint.output.contains("error: no pinned prebuilt wheel of mac-tool 1.0 installs on debian-12 with Python 3.11 (manylinux_2_36_x86_64 and older)"), "\(lint.output)")
    }

    @Test("follow mode: the plan skips releases in their cooldown saying when they end, and takes them once it has (--as-of); the entry's cooldown overrides the site's")
    func plan() async throws {
        let server = try await LocalIndex()
        let file = try whitelistFile("plan")
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: aged\n    specifier: \">=1\"\n    latest: 3\n    reason: r\n    license: MIT\n  - name: timeless\n    versions: [\"1.0\"]\n    cooldown: 1h\n    reason: r\n    license: MIT\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        func plan(_ extra: [String]) async throws -> String {
            let run = try await wheelwright(["plan", file, "--server", server.baseURL, "--containers", Repository.root.appendingPathComponent("containers").path] + extra)
            #expect(run.status == 0, "\(run.output)")
            return run.output
        }
        let lint = try await wheelwright(["whitelist", "lint", (file as NSString).deletingLastPathComponent, "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(lint.output.contains("warning: timeless's cooldown (1 hour) is shorter than the site's (7 days)"), "\(lint.output)")
        let tonight = try await plan([])
        #expect(tonight.contains("build aged-1.0-debian-12"), "\(tonight)")
        #expect(tonight.contains("skip  aged-2.0-debian-12-py3.11: aged 2.0 is in its cooldown: uploaded 3 days ago, cooldown 7 days; it is built the first night after"), "\(tonight)")
        #expect(tonight.contains("skip  aged-3.0-debian-12-py3.11: aged 3.0 is in its cooldown: uploaded 1 hour ago, cooldown 7 days"), "\(tonight)")
        #expect(tonight.contains("skip  timeless-1.0-debian-12-py3.11: timeless 1.0 is in its cooldown: upstream gives no upload time for its sdist, so it counts as young (cooldown 1 hour)"), "\(tonight)")
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 86_400))
        let inFiveDays = try await plan(["--as-of", later])
        #expect(inFiveDays.contains("build aged-2.0-debian-12") && inFiveDays.contains("skip  aged-3.0-debian-12-py3.11: aged 3.0 is in its cooldown: uploaded 5 days ago"), "\(inFiveDays)")
        let refused = try await wheelwright(["plan", file, "--server", server.baseURL, "--as-of", "tomorrow"])
        #expect(refused.status != 0 && refused.output.contains("--as-of must be an ISO 8601 UTC time"), "\(refused.output)")
    }
}
