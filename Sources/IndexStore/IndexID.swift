import Foundation
import IndexAPI
import PythonPackaging

/// `USER/INDEX`, as devpi names indices.
public struct IndexID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let user: String
    public let index: String

    /// User names are case-insensitive (`Alice/dev` is `alice/dev`); index names are kept as written.
    public init(user: String, index: String) throws(StoreError) {
        try StoreName.validate(user, what: "user")
        try StoreName.validate(index, what: "index")
        self.user = user.lowercased()
        self.index = index
    }

    /// Parses `user/index`.
    public init(_ text: String) throws(StoreError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .badRequest("expected an index as USER/INDEX, got '\(text)'") }
        try self.init(user: String(parts[0]), index: String(parts[1]))
    }

    public var description: String { "\(user)/\(index)" }

    public static func < (lhs: IndexID, rhs: IndexID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try IndexID(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
