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
    /// Upload attempts for transient failures (the build itself is never retried).
    public var uploadAttempts = 3

    public init(jobs: Int, limits: ResourceLimits, runner: RunnerKind, layout: IndexLayout, workspace: URL) {
        (self.jobs, self.limits, self.runner, self.layout, self.workspace) = (jobs, limits, runner, layout, workspace)
    }
}
