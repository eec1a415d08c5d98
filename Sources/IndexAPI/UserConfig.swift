/// A user (`userconfig`): its name and indices by index name.
public struct UserConfig: Codable, Sendable, Equatable {
    public var username: String?
    public var indexes: [String: IndexConfig]?

    public init(username: String?, indexes: [String: IndexConfig]?) { (self.username, self.indexes) = (username, indexes) }
}
