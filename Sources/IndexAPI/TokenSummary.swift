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
    /// It may only read.
    public var read: Bool

    public init(id: String, user: String, indices: [String]?, created: Double, lastUsed: Double?, readOnly: Bool = false) {
        (self.id, self.user, self.indices, self.created, self.lastUsed, self.read) = (id, user, indices, created, lastUsed, readOnly)
    }

    enum CodingKeys: String, CodingKey {
        case id, user, indices, created, read
        case lastUsed = "last_used"
    }

    /// Decodes a listing from a server before read tokens.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        user = try container.decode(String.self, forKey: .user)
        indices = try container.decodeIfPresent([String].self, forKey: .indices)
        created = try container.decode(Double.self, forKey: .created)
        lastUsed = try container.decodeIfPresent(Double.self, forKey: .lastUsed)
        read = try container.decodeIfPresent(Bool.self, forKey: .read) ?? false
    }
}
