import Foundation

/// How `cargo vendor` ended; its output went to the request's log.
public struct VendorOutcome: Sendable {
    public let status: ExitStatus
    public let limitsHit: Set<LimitHit>
    /// `vendor/` and the cargo configuration, when it succeeded.
    public let crates: URL?

    /// The cargo configuration vendoring writes next to `vendor/`, pointing cargo at it: with
    /// `vendor/`, all a crates folder may hold.
    public static let configurationFile = "cargo-config.toml"

    public init(status: ExitStatus, limitsHit: Set<LimitHit>, crates: URL?) {
        (self.status, self.limitsHit, self.crates) = (status, limitsHit, crates)
    }
}
