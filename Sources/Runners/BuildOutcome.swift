import Foundation
import SiteConfiguration

/// The result of one build: the wheels it made, and everything needed to tell why not.
public struct BuildOutcome: Sendable {
    public let wheels: [URL]
    public let log: URL
    public let status: ExitStatus
    public let duration: Duration
    /// Nil when the build died before reporting them.
    public let facts: EnvironmentFacts?
    public let limitsHit: Set<LimitHit>

    public init(wheels: [URL], log: URL, status: ExitStatus, duration: Duration, facts: EnvironmentFacts?, limitsHit: Set<LimitHit>) {
        (self.wheels, self.log, self.status, self.duration, self.facts, self.limitsHit) = (wheels, log, status, duration, facts, limitsHit)
    }

    public var succeeded: Bool { status == .exited(0) && limitsHit.isEmpty && !wheels.isEmpty }

    /// One line for a person: what happened and where the log is.
    public var summary: String {
        if succeeded { return "built \(wheels.map(\.lastPathComponent).joined(separator: ", "))" }
        var reasons: [String] = []
        if limitsHit.contains(.time) { reasons.append("time limit reached, process tree killed") }
        if limitsHit.contains(.memory) { reasons.append("memory limit reached") }
        if limitsHit.contains(.processes) { reasons.append("process limit reached") }
        if reasons.isEmpty { reasons.append(status == .exited(0) ? "no wheel was written" : "the build failed (\(status))") }
        return reasons.joined(separator: "; ") + "; log: \(log.path)"
    }
}
