import Foundation
import TestSupport
import Testing

/// The dependency closure against a local upstream (an index on the real server) holding a
/// small graph: version ranges, a marker for another platform, one for an old Python, an extra
/// asked for by a requirer, an extra nobody asks for, a conflict and a denied release.
@Suite(.serialized, .timeLimit(.minutes(10)))
final class DependencyClosureTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    var upstream: String { "\(server.baseURL)/root/up/+simple/" }

    /// name, version, Requires-Dist
    static let graph: [(String, String, [String])] = [
        ("app", "1.0", ["lib>=2", "winonly ; sys_platform == \"win32\"", "extra-helper[fast]>=1", "docs-tool ; extra == \"docs\"",
                        "old-py ; python_version < \"3.8\""]),
        ("lib", "1.0", []), ("lib", "2.0", ["core"]), ("lib", "2.1", ["core<2"]),
        ("core", "1.0", []), ("core", "1.5", []), ("core", "2.0", []),
        ("extra-helper", "1.0", ["speedup ; extra == \"fast\"", "docs-tool ; extra == \"docs\""]),
        ("speedup", "1.0", []), ("winonly", "1.0", []), ("docs-tool", "1.0", []), ("old-py", "1.0", []),
        ("app2", "1.0", ["lib<2", "mid"]), ("mid", "1.0", ["lib>=2.1"]),
    ]

    /// name, version, Requires-Dist, `[build-system].requires`: a backend that builds itself, a
    /// Cython-like tool built with it, a package that needs both to build and one at run time.
    static let tools: [(String, String, [String], [String])] = [
        ("self-backend", "1.0", [], []), ("self-backend", "2.0", [], []),
        ("cy-tool", "3.0", [], ["self-backend>=2"]),
        ("tool-runtime-dep", "1.0", [], ["self-backend"]),
        ("needs-tools", "1.0", ["tool-runtime-dep"], ["self-backend", "cy-tool>=3 ; python_version >= \"3.8\"", "never-tool ; python_version < \"3\""]),
        // Two builds that need different releases of one tool (urllib3's hatch-vcs wants
        // setuptools-scm>=8, python-dateutil's build <8): each build has its own environment.
        ("scm", "7.0", [], ["self-backend"]), ("scm", "8.0", [], ["self-backend"]),
        ("vcs-plugin", "1.0", ["scm>=8"], ["self-backend"]),
        ("modern-lib", "1.0", [], ["vcs-plugin"]), ("dated-lib", "1.0", [], ["scm<8"]),
        ("both-libs", "1.0", ["modern-lib", "dated-lib"], ["self-backend"]),
    ]

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        let created = try await runTool(Repository.wheelwright, ["index", "create", "root/up", "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile])
        guard created.status == 0 else { throw TestFailure("cannot create root/up: \(created.output)") }
        let distributions = try TemporaryFolder()
        var files: [String] = []
        for (name, version, requires) in Self.graph {
            files.append(try await makeDistribution(in: distributions, name, version, requiresDist: requires))
            files.append(try await makeDistribution(in: distributions, name, version, sdist: true, requiresDist: requires))
        }
        for (name, version, requires, buildRequires) in Self.tools {
            files.append(try await makeDistribution(in: distributions, name, version, requiresDist: requires))
            files.append(try await makeDistribution(in: distributions, name, version, sdist: true, requiresDist: requires, buildRequires: buildRequires))
        }
        // A release for a Python no target has.
        files.append(try await makeDistribution(in: distributions, "py-modern", "1.0", sdist: true, requiresPython: ">=3.99"))
        // A dependency whose newest release needs a newer Python than debian-12 has (numpy 2.5.5).
        for (version, python) in [("1.0", ">=3.8"), ("2.0", ">=3.12")] {
            files.append(try await makeDistribution(in: distributions, "np", version, requiresPython: python))
            files.append(try await makeDistribution(in: distributions, "np", version, sdist: true, requiresPython: python))
        }
        files.append(try await makeDistribution(in: distributions, "contour", "1.0", requiresDist: ["np>=1"]))
        files.append(try await makeDistribution(in: distributions, "contour", "1.0", sdist: true, requiresDist: ["np>=1"]))
        // What their sdists need to build, offline: Debian's setuptools and wheel wheels.
        files += try FileManager.default.contentsOfDirectory(atPath: "/usr/share/python-wheels")
            .filter { $0.hasPrefix("setuptools-") || $0.hasPrefix("wheel-") }.map { "/usr/share/python-wheels/\($0)" }
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(server.baseURL)/root/up/",
                                                                   "-u", "root", "-p", TestServer.rootPassword] + files)
        guard upload.status == 0 else { throw TestFailure("twine: \(upload.output)") }
    }

    func whitelist(_ name: String, _ text: String) throws -> String {
        let directory = folder.path(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/opensource.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// Runs a command against the local upstream; its sdists need setuptools, of which the
    /// upstream has Debian's wheel only, so build requirements come from upstream unless a test
    /// says otherwise.
    func wheelwright(_ arguments: [String], buildRequirements: String = "upstream") async throws -> (status: Int32, output: String) {
        try await runTool(Repository.wheelwright, arguments + ["--upstream", upstream, "--containers", Repository.root.appendingPathComponent("containers").path,
                                                   "--build-requirements", buildRequirements],
                          environment: ["XDG_CACHE_HOME": folder.path("cache")])
    }

    static let header = "defaults:\n  targets: [debian-12]\n"

    @Test("add --with-deps adds the closure in one edit: ranges met by the newest release that meets all, markers and extras evaluated for the target; lint --deps then passes")
    func addWithDependencies() async throws {
        let directory = try whitelist("closure", Self.header)
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "app", "--with-deps", "--file", file, "--requested-by", "alice"])
        #expect(added.status == 0, "\(added.output)")
        for line in ["dependency: lib 2.1 (dependency of app)", "dependency: core 1.5 (dependency of lib)",
                     "dependency: extra-helper 1.0 (dependency of app)", "dependency: speedup 1.0 (dependency of extra-helper)"] {
            #expect(added.output.contains(line), "\(line)\n\(added.output)")
        }
        for absent in ["winonly", "docs-tool", "old-py"] { #expect(!added.output.contains(absent), "\(absent)\n\(added.output)") }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("name: core") && text.contains("reason: dependency of lib") && text.contains("requested-by: alice"), "\(text)")

        let lint = try await wheelwright(["whitelist", "lint", directory, "--deps"])
        #expect(lint.status == 0 && lint.output.contains("0 errors"), "\(lint.output)")

        // The closure built for debian-12, then `pip install app` in debian-12's base root
        // filesystem resolves every dependency from platform/debian-12 alone, extras included.
        let data = Repository.root.appendingPathComponent(".build/test-environments").path
        let built = try await wheelwright(["build", directory, "--target", "debian-12", "--server", server.baseURL, "--user", "root",
                                           "--password-file", TestServer.rootPasswordFile, "--data", data, "--cache", folder.path("cache")])
        #expect(built.status == 0, "\(built.output)")
        let base = try await baseRootfs("debian-12", data: data)
        let consumer = try await runTool(Repository.root.appendingPathComponent("tools/try-index.sh").path, [
            base, "\(server.baseURL)/platform/debian-12/+simple/", "app=app", "=lib", "=core", "=extra_helper", "=speedup",
        ])
        #expect(consumer.status == 0 && consumer.output.contains("import speedup: ok") && consumer.output.contains("import core: ok"), "\(consumer.output)")
    }

    @Test("lint --deps: each unmet requirement at its entry with the add that fixes it; a denied release names its rule")
    func lintReportsUnmet() async throws {
        let directory = try whitelist("unmet", Self.header + """
            packages:
              - name: app
                versions: ["1.0"]
              - name: lib
                versions: ["1.0"]
              - name: py-modern
                versions: ["1.0"]
            deny:
              - name: core
                specifier: "<2"
                reason: a test denial
            """)
        let lint = try await wheelwright(["whitelist", "lint", directory, "--deps"])
        #expect(lint.status == 1, "\(lint.output)")
        #expect(lint.output.contains("opensource.yaml:4:5: error: app 1.0 needs lib>=2 on debian-12, which no whitelisted version meets (whitelisted: 1.0); fix: wheelwright whitelist add lib==2.1 --file \(directory)/opensource.yaml"), "\(lint.output)")
        #expect(lint.output.contains("app 1.0 needs extra-helper[fast]>=1 on debian-12") && lint.output.contains("fix: wheelwright whitelist add extra-helper==1.0 --file \(directory)/opensource.yaml"), "\(lint.output)")
        #expect(!lint.output.contains("winonly") && !lint.output.contains("old-py"), "\(lint.output)")
        #expect(lint.output.contains("opensource.yaml:8:5: warning: py-modern 1.0 requires Python >=3.99; debian-12 has 3.11: it is never built there (the plan skips it)"), "\(lint.output)")

        // The build's plan says the same, as warnings, for the releases it builds.
        let plan = try await wheelwright(["plan", directory, "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
                                          "--cache", folder.path("cache")])
        #expect(plan.output.contains("warning: ") && plan.output.contains("app 1.0 needs lib>=2 on debian-12"), "\(plan.output)")

        let denied = try await wheelwright(["whitelist", "add", "lib==2.1", "--with-deps", "--file", directory + "/opensource.yaml"])
        #expect(denied.status != 0 && denied.output.contains("lib 2.1 needs core<2: every release that meets it is denied at") && denied.output.contains("a test denial"), "\(denied.output)")
        // A fix runs as printed, from where lint ran.
        let fix = try #require(lint.output.split(separator: "\n").first { $0.contains("extra-helper[fast]>=1") }?.components(separatedBy: "fix: wheelwright ").last)
        let fixed = try await wheelwright(fix.split(separator: " ").map(String.init) + ["--reason", "needed by app"])
        #expect(fixed.status == 0 && fixed.output.contains("extra-helper"), "\(fix): \(fixed.output)")
    }

    @Test("add without --with-deps says what the entry needs that the whitelist lacks, and the command that adds it; that command runs as printed")
    func addAloneNamesMissing() async throws {
        let directory = try whitelist("alone", Self.header)
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "app", "--file", file])
        let command = "wheelwright whitelist add app==1.0 --with-deps --file \(file)"
        #expect(added.status == 0 && added.output.contains("missing: app 1.0 needs ") && added.output.contains("add them with it: \(command)"), "\(added.output)")
        for needed in ["lib 2.1", "core 1.5", "extra-helper 1.0", "speedup 1.0"] { #expect(added.output.contains(needed), "\(needed)\n\(added.output)") }
        let completed = try await wheelwright(Array(command.split(separator: " ").map(String.init).dropFirst()))
        #expect(completed.status == 0 && completed.output.contains("dependency: lib 2.1 (dependency of app)"), "\(completed.output)")
        let again = try await wheelwright(["whitelist", "add", "lib", "--file", file])
        #expect(!again.output.contains("missing:"), "every requirement of lib is whitelisted now: \(again.output)")
    }

    @Test("add --with-deps: a dependency another file lists for other targets only is named, not added again and again")
    func dependencyForOtherTargets() async throws {
        let directory = try whitelist("targets", "defaults:\n  targets: [debian-13]\n")
        try "packages:\n  - name: core\n    versions: [\"1.5\"]\n    targets: [debian-12]\n    reason: r\n    license: MIT\n"
            .write(toFile: directory + "/other.yaml", atomically: true, encoding: .utf8)
        let refused = try await wheelwright(["whitelist", "add", "lib==2.0", "--with-deps", "--file", directory + "/opensource.yaml"])
        #expect(refused.status != 0 && refused.output.contains("lib 2.0 needs core on debian-13: core 2.0 is whitelisted, but not for those targets"), "\(refused.output)")
    }

    @Test("the closure meets each requirement for every interpreter of its targets: a dependency's newest release that debian-12's Python cannot use is not taken, and lint reports one listed alone")
    func interpretersPerTarget() async throws {
        let directory = try whitelist("interpreters", "defaults:\n  targets: [debian-12, debian-13]\n")
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "contour", "--with-deps", "--file", file])
        #expect(added.status == 0 && added.output.contains("dependency: np 1.0 (dependency of contour)"), "\(added.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "  - name: np\n    versions: [\"1.0\"]\n", with: "  - name: np\n    versions: [\"2.0\"]\n").write(toFile: file, atomically: true, encoding: .utf8)
        let lint = try await wheelwright(["whitelist", "lint", directory, "--deps"])
        #expect(lint.status == 1 && lint.output.contains("contour 1.0 needs np>=1 on debian-12, which no whitelisted version meets") && lint.output.contains("fix: wheelwright whitelist add np==1.0 --file \(file)"), "\(lint.output)")
    }

    @Test("add --with-deps refuses a set no release can meet, naming the requirements and who places them; the file is unchanged")
    func conflict() async throws {
        let directory = try whitelist("conflict", Self.header)
        let file = directory + "/opensource.yaml"
        let refused = try await wheelwright(["whitelist", "add", "app2", "--with-deps", "--file", file])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.output.contains("cannot meet lib<2 (from app2 1.0) and lib>=2.1 (from mid 1.0)"), "\(refused.output)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == Self.header)
    }

    @Test("build requirements whitelisted: builds that need different releases of one tool get both versions on its entry; runtime needs that conflict are still refused")
    func toolVersionsPerBuild() async throws {
        let directory = try whitelist("tool-versions", Self.header)
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "both-libs", "--with-deps", "--file", file], buildRequirements: "whitelisted")
        #expect(added.status == 0, "\(added.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("  - name: scm\n    versions: [\"8.0\", \"7.0\"]\n") || text.contains("  - name: scm\n    versions: [\"7.0\", \"8.0\"]\n"), "\(text)")
        let lint = try await wheelwright(["whitelist", "lint", directory, "--deps"], buildRequirements: "whitelisted")
        #expect(lint.status == 0 && lint.output.contains("0 errors"), "\(lint.output)")
        let refused = try await wheelwright(["whitelist", "add", "app2", "--with-deps", "--file", file], buildRequirements: "whitelisted")
        #expect(refused.status != 0 && refused.output.contains("cannot meet lib<2 (from app2 1.0) and lib>=2.1 (from mid 1.0)"), "\(refused.output)")
    }

    @Test("add --with-build-deps: what the release needs to be built and what that needs, not what it needs to run; refused in upstream mode")
    func buildDependenciesOnly() async throws {
        let directory = try whitelist("build-deps-only", Self.header)
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "needs-tools", "--with-build-deps", "--file", file], buildRequirements: "whitelisted")
        #expect(added.status == 0 && added.output.contains("dependency: cy-tool 3.0") && added.output.contains("dependency: self-backend 2.0"), "\(added.output)")
        #expect(!added.output.contains("tool-runtime-dep"), "\(added.output)")
        // A tool's own runtime needs are part of the build: modern-lib's vcs-plugin needs scm>=8.
        let tool = try await wheelwright(["whitelist", "add", "modern-lib", "--with-build-deps", "--file", file], buildRequirements: "whitelisted")
        #expect(tool.status == 0 && tool.output.contains("dependency: vcs-plugin 1.0") && tool.output.contains("dependency: scm 8.0 (dependency of vcs-plugin)"), "\(tool.output)")
        let upstream = try await wheelwright(["whitelist", "add", "app", "--with-build-deps", "--file", file])
        #expect(upstream.status != 0 && upstream.output.contains("--with-build-deps adds build requirements, which are whitelist entries only with build-requirements: whitelisted"), "\(upstream.output)")
    }

    @Test("build requirements whitelisted: add --with-deps adds what each release needs to be built (recursively, markers evaluated) with the reason, lint --deps checks it, why prints the chain; upstream mode leaves them out")
    func buildRequirementsWhitelisted() async throws {
        let upstreamMode = try whitelist("tools-upstream", Self.header)
        let plain = try await wheelwright(["whitelist", "add", "needs-tools", "--with-deps", "--file", upstreamMode + "/opensource.yaml"])
        #expect(plain.status == 0 && !plain.output.contains("cy-tool") && plain.output.contains("dependency: tool-runtime-dep 1.0"), "\(plain.output)")

        let directory = try whitelist("tools", Self.header)
        let file = directory + "/opensource.yaml"
        let added = try await wheelwright(["whitelist", "add", "needs-tools", "--with-deps", "--file", file, "--requested-by", "alice",
                                           "--reason", "the app"], buildRequirements: "whitelisted")
        #expect(added.status == 0, "\(added.output)")
        for line in ["dependency: cy-tool 3.0 (build requirement of needs-tools 1.0 (cy-tool))",
                     "dependency: self-backend 2.0 (build requirement of cy-tool 3.0 (self-backend), needs-tools 1.0 (self-backend))",
                     "dependency: tool-runtime-dep 1.0 (dependency of needs-tools)"] {
            #expect(added.output.contains(line), "\(line)\n\(added.output)")
        }
        #expect(!added.output.contains("never-tool"), "\(added.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("reason: build requirement of needs-tools 1.0 (cy-tool)"), "\(text)")

        let lint = try await wheelwright(["whitelist", "lint", directory, "--deps"], buildRequirements: "whitelisted")
        #expect(lint.status == 0 && lint.output.contains("0 errors"), "\(lint.output)")
        // Without cy-tool, lint names the build requirement and its fix.
        try text.replacingOccurrences(of: "  - name: cy-tool\n", with: "  - name: cy-tool-gone\n").write(toFile: file, atomically: true, encoding: .utf8)
        let unmet = try await wheelwright(["whitelist", "lint", directory, "--deps"], buildRequirements: "whitelisted")
        #expect(unmet.status == 1 && unmet.output.contains("needs-tools 1.0 needs cy-tool>=3; python_version >= \"3.8\" to build on debian-12, which no whitelisted version meets (it is not whitelisted); fix: wheelwright whitelist add cy-tool==3.0 --file \(file)"), "\(unmet.output)")
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        let why = try await wheelwright(["why", "self-backend", "--whitelist", directory], buildRequirements: "whitelisted")
        #expect(why.status == 0, "\(why.output)")
        let lines = why.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("self-backend (") == true && lines.first?.hasSuffix("requested by alice; build requirement of cy-tool 3.0 (self-backend), needs-tools 1.0 (self-backend)") == true, "\(why.output)")
        // The entry's reason names who needed it when it was added; why names every requirer now.
        #expect(lines.contains("  build requirement of tool-runtime-dep 1.0 (self-backend) on debian-12"), "\(why.output)")
        #expect(lines.contains("  build requirement of cy-tool 3.0 (self-backend>=2) on debian-12"), "\(why.output)")
        #expect(lines.contains("      build requirement of needs-tools 1.0 (cy-tool>=3; python_version >= \"3.8\") on debian-12"), "\(why.output)")
        #expect(lines.contains { $0.hasPrefix("        needs-tools (") && $0.hasSuffix("requested by alice; the app") }, "\(why.output)")
        let nobody = try await wheelwright(["why", "speedup", "--whitelist", directory])
        #expect(nobody.status == 1 && nobody.output.contains("speedup is not whitelisted, and no whitelisted release needs it"), "\(nobody.output)")
    }
}
