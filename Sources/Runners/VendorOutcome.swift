import Foundation

/// How `cargo vendor` ended; its output went to the request's log.
public struct VendorOutcome: Sendable {
    public let status: ExitStatus
    public let limitsHit: Set<LimitHit>
    /// `vendor/` and the cargo configuration, when it succeeded.
    public let crates: URL?

    public init(status: ExitStatus, limitsHit: Set<LimitHit>, crates: URL?) {
        (self.status, self.limitsHit, self.crates) = (status, limitsHit, crates)
    }
}
