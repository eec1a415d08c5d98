import Foundation

/// A client's document that does not fit its schema: which field, and why.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, _ reason: String) { (self.field, self.reason) = (field, reason) }

    public var description: String { "\(field) \(reason)" }
}
