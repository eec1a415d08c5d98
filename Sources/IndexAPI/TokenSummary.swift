/// A live API token as `GET /+tokens` lists it: never its secret.
public struct TokenSummary: Codable, Sendable, Equatable {
    public var id: String
    public var user: String
    /// The indices it may write; nil for every index its user may.
    public var indices: [String]?
    /// Seconds since 1970.
    public var created: Double
    /// Seconds since 1970, to the minute; nil when never used.
    public var lastUsed: Double?

    public init(id: String, user: String, indices: [String]?, created: Double, lastUsed: Double?) {
        (self.id, self.user, self.indices, self.created, self.lastUsed) = (id, user, indices, created, lastUsed)
    }

    enum CodingKeys: String, CodingKey {
        case id, user, indices, created
        case lastUsed = "last_used"
    }
}
