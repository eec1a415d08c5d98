/// A user (`userconfig`): its name and indices by index name.
public struct UserConfig: Codable, Sendable, Equatable {
    public var username: String?
    public var indexes: [String: IndexConfig]?
    public var email: String?

    public init(username: String?, indexes: [String: IndexConfig]?, email: String? = nil) {
        (self.username, self.indexes, self.email) = (username, indexes, email)
    }
}
