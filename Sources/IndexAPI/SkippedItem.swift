import Foundation

/// An item left out of the plan, and why.
public struct SkippedItem: Sendable, Hashable, Codable {
    public let item: BuildItem
    public let reason: String

    public init(item: BuildItem, reason: String) { (self.item, self.reason) = (item, reason) }
}
