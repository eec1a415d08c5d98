import Foundation

/// How one planned item ended.
public struct ItemResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case built, skipped, failed, cancelled
    }

    public let item: BuildItem
    public let status: Status
    /// Why it was skipped, failed or cancelled.
    public let reason: String?
    /// The published wheel's filename and index.
    public let wheel: String?
    public let index: String?
    public let seconds: Double
    public let log: String?

    public init(item: BuildItem, status: Status, reason: String?, wheel: String?, index: String?, seconds: Double, log: String?) {
        self.item = item
        self.status = status
        self.reason = reason
        self.wheel = wheel
        self.index = index
        self.seconds = seconds
        self.log = log
    }

    /// An entry whose versions could not be resolved upstream: nothing of it could be planned.
    public static func unresolved(project: String, reason: String) -> ItemResult {
        ItemResult(item: BuildItem(project: project, version: "*", target: "*", python: "*", buildTag: nil, systemPackages: [], environment: [:]),
                   status: .failed, reason: "resolve: \(reason)", wheel: nil, index: nil, seconds: 0, log: nil)
    }
}
