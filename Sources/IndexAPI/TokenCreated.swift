/// A new token, shown once.
public struct TokenCreated: Codable, Sendable {
    public var token: String
    public var id: String
    public var user: String

    public init(token: String, id: String, user: String) { (self.token, self.id, self.user) = (token, id, user) }
}
