import Foundation

/// The result of one repair: the repaired wheel, the libraries it needed as found where it was
/// built, and what to tell when there is no wheel.
public struct RepairOutcome: Sendable {
    public let wheel: URL?
    public let libraries: [LibraryFacts]
    public let log: URL
    public let status: ExitStatus
    public let duration: Duration
    public let limitsHit: Set<LimitHit>

    /// A graft must also have written a wheel.
    public var succeeded: Bool { status == .exited(0) && limitsHit.isEmpty }

    public var summary: String {
        if succeeded { return wheel.map { "repaired into \($0.lastPathComponent)" } ?? "described \(libraries.count) libraries" }
        let reason = limitsHit.isEmpty ? "the repair failed (\(status))" : "limits hit: \(limitsHit.map(\.rawValue).sorted().joined(separator: ", "))"
        return "\(reason); log: \(log.path)"
    }
}
