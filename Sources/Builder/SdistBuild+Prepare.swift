import Foundation
import Runners
import SiteConfiguration

extension SdistBuild {
    /// `runner build`'s assembly: a build of the sdist at `sdist` for `target` with interpreter
    /// `python` (the target's first when nil), and the environment it needs (`systemPackages`,
    /// and the target's Rust toolchain when the sdist has a crate). The log defaults to
    /// `OUTPUT/build.log`.
    public static func prepare(sdist: URL, target: TargetDefinition, python: String?, systemPackages: [String], environment: [String: String],
                               limits: ResourceLimits, output: URL, log: URL?) throws -> (build: SdistBuild, recipe: Environments.Recipe) {
        let version = python ?? target.pythonVersions.first ?? ""
        guard let interpreter = target.interpreters.first(where: { $0.version == version }) else {
            throw RunnerError.noInterpreter(target: target.name, version: version, available: target.pythonVersions)
        }
        guard FileManager.default.fileExists(atPath: sdist.path) else { throw RunnerError.missingSdist(sdist.path) }
        let cargo = try CargoManifests.forBuild(of: sdist)
        let recipe = Environments.Recipe(target: target, systemPackages: Self.systemPackages(entry: systemPackages, cargo: cargo, target: target))
        let build = SdistBuild(sdist: sdist, target: target, interpreter: interpreter, cargo: cargo, environment: environment, limits: limits,
                               output: output, log: log ?? output.appendingPathComponent("build.log"))
        return (build, recipe)
    }
}
