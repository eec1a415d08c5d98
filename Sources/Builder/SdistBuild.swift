import Foundation
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

/// One sdist built for one target and interpreter: the wheelhouse of its build requirements
/// filled (the static ones from `[build-system]`, then the backend's dynamic ones, asked inside
/// the sandbox), then the build, offline against it. The job and `runner build` both call it.
public struct SdistBuild: Sendable {
    public let sdist: URL
    public let target: TargetDefinition
    public let interpreter: TargetDefinition.Interpreter
    public let environment: [String: String]
    public let limits: ResourceLimits
    /// The folder the wheels are written to.
    public let output: URL
    public let log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, environment: [String: String],
                limits: ResourceLimits, output: URL, log: URL) {
        self.sdist = sdist
        self.target = target
        self.interpreter = interpreter
        self.environment = environment
        self.limits = limits
        self.output = output
        self.log = log
    }

    /// Wheelhouses filled from `indices` through the download cache, for this target's platform.
    public static func wheelhouses(cache: DownloadCache, indices: [URL], target: TargetDefinition, python: String) -> BuildRequirements.Provider {
        let builder = WheelhouseBuilder(cache: cache, indices: indices)
        let platforms = WheelhouseBuilder.platforms(glibc: target.glibc, architecture: target.architecture)
        return { requirements in try await builder.wheelhouse(for: requirements, pythonVersion: python, platforms: platforms) }
    }

    /// Builds in `runner`; returns the outcome and the dynamic requirements the backend asked for.
    public func run(in runner: any Runner, wheelhouses: @escaping BuildRequirements.Provider) async throws -> (outcome: BuildOutcome, dynamicRequirements: [String]) {
        let buildSystem = try WheelhouseBuilder.buildSystem(ofSdist: sdist.path, filename: sdist.lastPathComponent)
        let (request, dynamic) = try await BuildRequirements(provider: wheelhouses).resolve(staticRequirements: buildSystem.requires, runner: runner) { wheelhouse in
            BuildRequest(sdist: sdist, target: target, interpreter: interpreter, wheelhouse: wheelhouse,
                         environment: environment, limits: limits, output: output, log: log)
        }
        return (try await runner.build(request), dynamic)
    }
}
