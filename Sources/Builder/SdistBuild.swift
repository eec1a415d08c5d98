import Archives
import Foundation
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

/// One sdist built for one target and interpreter: the wheelhouse of its build requirements
/// filled (the static ones from `[build-system]`, then the backend's dynamic ones, asked inside
/// the sandbox), the crates of its Cargo.lock vendored when it holds a Rust crate, then the
/// build, offline against them. The job and `runner build` both call it.
public struct SdistBuild: Sendable {
    public let sdist: URL
    public let target: TargetDefinition
    public let interpreter: TargetDefinition.Interpreter
    /// Its Rust crates (the runner must have the target's `rustPackages` when there are any).
    public let cargo: CargoManifests
    public let environment: [String: String]
    public let limits: ResourceLimits
    /// The folder the wheels are written to.
    public let output: URL
    public let log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, cargo: CargoManifests,
                environment: [String: String], limits: ResourceLimits, output: URL, log: URL) {
        self.sdist = sdist
        self.cargo = cargo
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

    /// The Debian packages the build's environment needs on top of the target's: the entry's,
    /// and the target's Rust toolchain for an sdist with a Rust crate.
    public static func systemPackages(entry: [String], cargo: CargoManifests, target: TargetDefinition) -> [String] {
        cargo.isEmpty ? entry : entry + target.rustPackages
    }

    /// Refuses an sdist whose PKG-INFO is larger than the index accepts before anything of it
    /// runs (its wheel's METADATA could not be published, and an outsize one is an attack on
    /// whatever reads it). Other PKG-INFO faults are the build's to report.
    func checkMetadataSize() throws {
        var limits = ArchiveLimits()
        limits.maximumMemberSize = DistributionMetadata.maximumCoreMetadataSize
        do {
            _ = try DistributionMetadata.sdistMetadata(sdist.path, format: ArchiveFormat(filename: sdist.lastPathComponent), limits: limits)
        } catch .memberTooLarge(_, let member, let limit) {
            throw RunnerError.hostileInput("the sdist's \(member) is larger than \(limit) bytes, more metadata than the index accepts", log: log.path)
        } catch {
            return
        }
    }

    /// Builds in `runner`; returns the outcome, the dynamic requirements the backend asked for,
    /// and the wheelhouse the build environment was installed from. When vendoring the crates
    /// fails, the outcome is that failure (no wheel; cargo's output in the log; no wheelhouse).
    public func run(in runner: any Runner, wheelhouses: @escaping BuildRequirements.Provider,
                    crates vendoring: CrateVendoring) async throws -> (outcome: BuildOutcome, dynamicRequirements: [IndexRequirement], wheelhouse: URL?) {
        try checkMetadataSize()
        let buildSystem = try WheelhouseBuilder.buildSystem(ofSdist: sdist.path, filename: sdist.lastPathComponent)
        var crates: URL?
        if !cargo.isEmpty {
            let started = ContinuousClock.now
            let vendored = try await vendoring.crates(for: cargo, of: sdist, runner: runner, target: target, interpreter: interpreter, limits: limits, log: log)
            guard let folder = vendored.crates else {
                return (BuildOutcome(wheels: [], log: log, status: vendored.status, duration: ContinuousClock.now - started,
                                     facts: nil, limitsHit: vendored.limitsHit), [], nil)
            }
            crates = folder
        }
        let (request, dynamic) = try await BuildRequirements(provider: wheelhouses).resolve(staticRequirements: buildSystem.requires, runner: runner) { wheelhouse in
            BuildRequest(sdist: sdist, target: target, interpreter: interpreter, wheelhouse: wheelhouse, crates: crates,
                         environment: environment, limits: limits, output: output, log: log)
        }
        return (try await runner.build(request), dynamic, request.wheelhouse)
    }
}
