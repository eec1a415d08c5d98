import Basics
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration

/// The import check between a binary wheel's repair and its upload (`ImportCheck`).
extension BuildJob {
    /// Checks `wheel` in `target`'s base environment (with `externals`, the Debian packages a
    /// `repair: system` wheel requires); nil when it cannot be checked — a runtime requirement
    /// is not a plain one, or the indices it is installed from lack one (built later the same
    /// night, say) — which the log says; the wheel is then published unchecked.
    func checkImports(_ wheel: URL, item: BuildItem, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, externals: [String],
                      runners: RunnerPool, folder: URL, log: URL) async throws -> ImportCheck.Outcome? {
        let started = ContinuousClock.now
        let (modules, requirements) = try ImportCheck.contents(of: wheel)
        var dependencies: URL?
        if !requirements.isEmpty {
            do {
                // Markers are the target's (pip would judge them by the host's interpreter): what
                // applies there, without its marker; extras' requirements apply to no one here.
                let environment = MarkerEnvironment.linux(pythonVersion: item.python, machine: target.architecture, extras: [])
                let parsed = try requirements.map { text throws -> Requirement in try Requirement(text) }
                    .filter { try $0.applies(in: environment) }
                    .map { try IndexRequirement($0.name + ($0.extras.isEmpty ? "" : "[\($0.extras.joined(separator: ","))]") + $0.specifier.description) }
                dependencies = try await SdistBuild.wheelhouses(cache: cache, indices: buildRequirementIndices(for: item.target), target: target, python: item.python)(parsed)
            } catch {
                Self.note("\n== import check skipped: the wheel's requirements could not be gathered for \(target.name): \(error)\n", in: log)
                return nil
            }
        }
        let runner = try await runners.runner(for: target, systemPackages: externals)
        let outcome = try await ImportCheck(runner: runner, target: target, interpreter: interpreter, limits: settings.limits)
            .run(wheel, modules: modules, dependencies: dependencies, test: item.test, folder: folder, log: log)
        Self.note("== import check: \(outcome.failure?.summary ?? "passed") (\(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s)\n", in: log)
        return outcome
    }

    /// Appends `text` to a build log (which goes to the index with the wheel, or with the report).
    static func note(_ text: String, in log: URL) {
        guard let handle = try? FileHandle(forWritingTo: log) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
