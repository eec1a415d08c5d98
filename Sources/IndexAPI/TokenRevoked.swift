/// A revoked token.
public struct TokenRevoked: Codable, Sendable {
    public var id: String
    public var revoked: Bool

    public init(id: String, revoked: Bool) { (self.id, self.revoked) = (id, revoked) }
}
