import Archives
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration

/// The nightly's consumer check: a binary wheel, built and repaired, is installed with pip into
/// the target's base environment (none of the build's `-dev` packages; for `repair: system`, the
/// Debian packages its `Requires-External` names) with its runtime dependencies, offline; each
/// top-level module is imported in an interpreter of its own; then the entry's `test:` command
/// runs there. What it did is a tox-style result (`ToxResultReport`'s form), which the index
/// shows on the wheel's row; a wheel that fails it is not published.
struct ImportCheck: Sendable {
    let runner: any Runner
    let target: TargetDefinition
    let interpreter: TargetDefinition.Interpreter
    let limits: ResourceLimits

    /// The most modules imported (a wheel with more gets its first ones, sorted).
    static let maximumModules = 50
    /// What the check prints before its result, on a line of its own.
    static let resultMarker = "WHEELWRIGHT-CHECK "

    struct Outcome: Sendable {
        /// The result as tox's JSON: posted to the index with the published wheel.
        let report: [UInt8]
        /// Why the wheel is not published; nil when it passed.
        let failure: FailureDiagnosis?
    }

    /// Installs `wheel` (with the wheels in `dependencies`, or none), imports `modules`, runs
    /// `test`; the check's output is appended to `log`.
    func run(_ wheel: URL, modules: [String], dependencies: URL?, test: String?, folder: URL, log: URL) async throws -> Outcome {
        let fm = FileManager.default
        // The wheel and its dependencies alone in a folder the check sees read-only.
        let staging = folder.appendingPathComponent("check")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        try fm.copyItem(at: wheel, to: staging.appendingPathComponent(wheel.lastPathComponent))
        if let dependencies { try fm.copyItem(at: dependencies, to: staging.appendingPathComponent("dependencies")) }
        let checkLog = folder.appendingPathComponent("check.log")
        try? fm.removeItem(at: checkLog)
        let status = try await runner.runPython(interpreter, arguments: { seen in
            ["-c", Self.script, seen, wheel.lastPathComponent, target.name, test ?? ""] + modules.prefix(Self.maximumModules)
        }, seeing: staging, log: checkLog, limits: limits)
        let output = (try? String(contentsOf: checkLog, encoding: .utf8)) ?? ""
        BuildJob.note("\n== import check in \(target.name)'s base system\n" + output, in: log)
        // The result is the check's last line, and the check must end by itself: an imported
        // module that prints a result of its own (its output is echoed indented) or ends the
        // check early does not pass for one.
        // (The supervisor's own closing lines, `[wheelwright: …]`, come after it.)
        let lines = output.split(whereSeparator: \.isNewline)
        let last = lines.last { !$0.hasPrefix("[wheelwright: ") }
        guard status == .exited(0), let line = last, line.hasPrefix(Self.resultMarker) else {
            let reason = "the check ended (\(status)) without its result: " + (last.map { String($0.prefix(300)) } ?? "no output")
            return Outcome(report: [], failure: FailureDiagnosis(kind: .importFailure, evidence: [reason], hint: Self.hint(target), missing: nil))
        }
        let report = Array(line.dropFirst(Self.resultMarker.count).utf8)
        return Outcome(report: report, failure: Self.failure(in: report, test: test, target: target))
    }

    /// The first failed step of a check's result, as a diagnosis; nil when every step passed.
    static func failure(in report: [UInt8], test: String?, target: TargetDefinition) -> FailureDiagnosis? {
        guard let environment = (try? ToxResultReport(parsing: report))?.environments.first, !environment.setup.isEmpty else {
            return FailureDiagnosis(kind: .importFailure, evidence: ["the check's result does not say what it installed"], hint: hint(target), missing: nil)
        }
        guard let failed = (environment.setup + environment.test).first(where: \.failed) else { return nil }
        let last = failed.output.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map { String($0.prefix(300)) }
        let evidence = ["\(failed.command.prefix(200)) → \(failed.retcode.map(String.init) ?? "no exit code")"] + (last.map { [$0] } ?? [])
        if let test, failed.command == test {
            return FailureDiagnosis(kind: .testFailure, evidence: evidence, hint: "the entry's test failed where the wheel was installed; the wheel was not published", missing: nil)
        }
        return FailureDiagnosis(kind: .importFailure, evidence: evidence, hint: hint(target), missing: nil)
    }

    static func hint(_ target: TargetDefinition) -> String {
        "the wheel does not install or import in \(target.name)'s base system (none of the build's -dev packages) and was not published: graft what it loads (repair: graft), or fix the package"
    }

    /// The top-level modules of a wheel: its `top_level.txt` when it has one, else the first
    /// part of each path in its RECORD; `test(s)`, `docs` and `examples` are left out (they
    /// need what only a project's own test run installs), as is anything not a Python name.
    static func modules(topLevel: String?, paths: [String]) -> [String] {
        let names: [String]
        if let topLevel {
            names = topLevel.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "/", with: ".") }
        } else {
            names = paths.compactMap { path -> String? in
                let parts = path.split(separator: "/", maxSplits: 1)
                guard let first = parts.first, !first.hasSuffix(".dist-info"), !first.hasSuffix(".data") else { return nil }
                if parts.count == 2 { return String(first) }
                if first.hasSuffix(".py") { return String(first.dropLast(3)) }
                if first.hasSuffix(".so") { return first.split(separator: ".").first.map(String.init) }
                return nil
            }
        }
        let skipped: Set<String> = ["test", "tests", "testing", "docs", "examples"]
        return Array(Set(names.filter { name in
            !skipped.contains(name) && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdentifier)
        })).sorted()
    }

    /// An ASCII Python identifier (what a module name in a wheel is in practice).
    private static func isIdentifier(_ part: Substring) -> Bool {
        guard let first = part.unicodeScalars.first, first == "_" || first.properties.isAlphabetic, first.isASCII else { return false }
        return part.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// The wheel's top-level modules and its runtime requirements, read from the wheel.
    static func contents(of wheel: URL) throws -> (modules: [String], requirements: [String]) {
        let path = wheel.path
        let entries = try ArchiveReader.entries(path, format: .zip)
        let topLevel = try ArchiveReader.read(path, format: .zip, where: { $0.hasSuffix(".dist-info/top_level.txt") && $0.split(separator: "/").count == 2 })
            .first.map { String(decoding: $0.bytes, as: UTF8.self) }
        let metadata = try DistributionMetadata.wheelMetadata(path)
        let requirements = (try? CoreMetadata(parsing: String(decoding: metadata.bytes, as: UTF8.self)))?.requiresDist ?? []
        return (modules(topLevel: topLevel, paths: entries.filter(\.isFile).map(\.path)), requirements)
    }

    /// The check, run by the target's interpreter in the base environment without network:
    /// `python -c SCRIPT FOLDER WHEEL TARGET TEST MODULE...`. Each step's output (the last 8 kB)
    /// goes to the log and into the result it prints last, after `resultMarker`.
    static let script = #"""
        import json, os, signal, subprocess, sys, tempfile
        folder, wheel, target, test, modules = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
        root = tempfile.mkdtemp(prefix="wheelwright-check-")
        site, bindir = root + "/site", root + "/bin"
        os.makedirs(bindir)
        for name in ("python", "python3"):
            if not os.path.lexists(os.path.join(bindir, name)):
                os.symlink(sys.executable, os.path.join(bindir, name))
        env = dict(os.environ, PYTHONPATH=site, PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), PYTHONNOUSERSITE="1",
                   PIP_ROOT_USER_ACTION="ignore")
        def run(stage, command, shell=False):
            step = subprocess.Popen(command, shell=shell, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            captured = step.communicate()[0]
            try:
                os.killpg(step.pid, signal.SIGKILL)  # what the step left running
            except OSError:
                pass
            output = captured[-8192:].decode("utf-8", "replace")
            shown = command if shell else " ".join(command)
            print(f"-- {stage}: {shown} -> {step.returncode}", flush=True)
            for line in output.splitlines():
                print("   | " + line, flush=True)
            return {"command": [command] if shell else command, "output": output, "retcode": step.returncode}
        dependencies = os.path.join(folder, "dependencies")
        install = [sys.executable, "-m", "pip", "install", "--no-index", "--no-cache-dir", "--disable-pip-version-check",
                   "--no-warn-script-location", "--target", site]
        install += ["--find-links", dependencies] if os.path.isdir(dependencies) else ["--no-deps"]
        setup = [run("install", install + [os.path.join(folder, wheel)])]
        tests = []
        if setup[0]["retcode"] == 0:
            for name in modules:
                tests.append(run("import", [sys.executable, "-c", "import importlib, sys; importlib.import_module(sys.argv[1])", name]))
            if test and all(step["retcode"] == 0 for step in tests):
                tests.append(run("test", test, shell=True))
        result = {"reportversion": "1", "host": "wheelwright build", "platform": target,
                  "testenvs": {"import": {"python": {"version": sys.version}, "setup": setup, "test": tests}}}
        print("WHEELWRIGHT-CHECK " + json.dumps(result), flush=True)
        os._exit(0)
        """#
}
