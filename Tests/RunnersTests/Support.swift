import Foundation
import PythonPackaging
@testable import Runners
import SiteConfiguration
import TestSupport
import YAMLFiles

/// The debian-12 target as the tests use it: its root filesystem is prepared once and kept
/// under `.build/test-environments` (keyed by the recipe's hash, so a rerun finds it).
enum Debian12 {
    static let environments = Environments(data: Repository.root.appendingPathComponent(".build/test-environments"))

    static let target: TargetDefinition = {
        let path = Repository.root.appendingPathComponent("containers/debian-12/target.yaml").path
        let text = try! String(contentsOfFile: path, encoding: .utf8)
        return TargetDefinition.decode(SourceFile(path: path, text: text), folder: "debian-12").0!
    }()

    static var interpreter: TargetDefinition.Interpreter { target.interpreters[0] }

    static func runner(_ kind: RunnerKind = .rootfs, sandbox: RootfsSandbox = .automatic) async throws -> any Runner {
        try await environments.runner(kind, for: Environments.Recipe(target: target), sandbox: sandbox)
    }

    /// An offline wheelhouse: Debian's own setuptools and wheel wheels (python3-setuptools-whl,
    /// python3-wheel-whl), enough for the generated sdists.
    static func wheelhouse(in folder: TemporaryFolder) throws -> URL {
        let wheelhouse = folder.url.appendingPathComponent("wheelhouse")
        try FileManager.default.createDirectory(at: wheelhouse, withIntermediateDirectories: true)
        let system = URL(fileURLWithPath: "/usr/share/python-wheels")
        let wheels = try FileManager.default.contentsOfDirectory(atPath: system.path)
            .filter { $0.hasPrefix("setuptools-") || $0.hasPrefix("wheel-") }
        guard wheels.count == 2 else { throw TestFailure("expected setuptools and wheel in /usr/share/python-wheels, found \(wheels)") }
        for wheel in wheels { try FileManager.default.copyItem(at: system.appendingPathComponent(wheel), to: wheelhouse.appendingPathComponent(wheel)) }
        return wheelhouse
    }

    /// Writes a test sdist of `kind` (see Tests/Support/make_build_sdist.py; `options` are its other flags).
    static func sdist(in folder: TemporaryFolder, _ name: String, kind: String, argument: String = "", options: [String] = []) async throws -> URL {
        let script = Repository.root.appendingPathComponent("Tests/Support/make_build_sdist.py").path
        let (status, output) = try await runTool("/usr/bin/python3", [script, folder.url.path, name, "1.0", "--kind", kind, "--argument", argument] + options)
        guard status == 0 else { throw TestFailure("make_build_sdist failed: \(output)") }
        return URL(fileURLWithPath: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Builds a generated sdist of `kind` with `runner`, offline; the dynamic requirements too.
    /// `probe: false` skips the dynamic-requirements step (the wheelhouse has them all anyway), so
    /// that a tight limit applies to the build step alone.
    static func build(_ kind: String, runner: any Runner, limits: ResourceLimits = .default, argument: String = "", probe: Bool = true,
                      in folder: TemporaryFolder) async throws -> (outcome: BuildOutcome, dynamic: [String], log: String) {
        let sdist = try await sdist(in: folder, "demo-\(kind)", kind: kind, argument: argument)
        let wheelhouse = try wheelhouse(in: folder)
        func request(_ wheelhouse: URL) -> BuildRequest {
            BuildRequest(sdist: sdist, target: target, interpreter: interpreter, wheelhouse: wheelhouse, limits: limits,
                         output: folder.url.appendingPathComponent("out"), log: folder.url.appendingPathComponent("build.log"))
        }
        var prepared = request(wheelhouse)
        var dynamic: [String] = []
        if probe {
            let resolved = try await BuildRequirements { _ in wheelhouse }.resolve(staticRequirements: [IndexRequirement("setuptools")], runner: runner, request: request)
            (prepared, dynamic) = (resolved.0, resolved.dynamic.map(\.description))
        }
        let outcome = try await runner.build(prepared)
        return (outcome, dynamic, (try? String(contentsOf: outcome.log, encoding: .utf8)) ?? "")
    }

    /// Installs `wheel` inside the runner's environment and runs `check` with it importable.
    static func tryWheel(_ wheel: URL, with runner: any Runner, check: String, in folder: TemporaryFolder) async throws -> (ExitStatus, String) {
        let log = folder.url.appendingPathComponent("try.log")
        let script = "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall('/tmp/site'); sys.path.insert(0, '/tmp/site'); " + check
        let status = try await runner.runPython(interpreter, arguments: { ["-c", script, $0 + "/" + wheel.lastPathComponent] },
                                                seeing: wheel.deletingLastPathComponent(), log: log, limits: .default)
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
