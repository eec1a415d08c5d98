import Basics
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

/// The job's settings.
public struct JobSettings: Sendable {
    public var jobs: Int
    public var limits: ResourceLimits
    public var runner: RunnerKind
    public var layout: IndexLayout
    /// Where each item's output folder and log go.
    public var workspace: URL
    /// Where Rust extensions' crates are vendored from; nil: crates.io.
    public var crateRegistry: CrateRegistry?
    /// Upload attempts for transient failures (the build itself is never retried).
    public var uploadAttempts = 3
    /// Where build requirements come from: with `whitelisted`, the target's consumer index on
    /// `server`, releases built after the planned releases they need.
    public var buildRequirements = BuildRequirementsSource.upstream
    /// The index server's URL (`http://host:port`, maybe with a path prefix).
    public var server: String?
    /// The SHA-256 of every wheel the whitelist pins as `prebuilt:`: how a wheel's SBOM tells
    /// a prebuilt build requirement from one built here.
    public var prebuiltPins: Set<String> = []

    public init(jobs: Int, limits: ResourceLimits, runner: RunnerKind, layout: IndexLayout, workspace: URL, crateRegistry: CrateRegistry? = nil) {
        (self.jobs, self.limits, self.runner, self.layout, self.workspace) = (jobs, limits, runner, layout, workspace)
        self.crateRegistry = crateRegistry
    }
}
