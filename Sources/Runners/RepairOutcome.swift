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

    public var succeeded: Bool { status == .exited(0) && limitsHit.isEmpty && wheel != nil }

    public var summary: String {
        if let wheel, succeeded { return "repaired into \(wheel.lastPathComponent)" }
        let reason = limitsHit.isEmpty ? "auditwheel repair failed (\(status))" : "limits hit: \(limitsHit.map(\.rawValue).sorted().joined(separator: ", "))"
        return "\(reason); log: \(log.path)"
    }
}
