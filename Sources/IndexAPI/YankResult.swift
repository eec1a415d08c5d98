public struct YankResult: Codable, Sendable {
    public var filename: String
    public var yanked: Bool
    public var reason: String

    public init(filename: String, yanked: Bool, reason: String) {
        self.filename = filename
        self.yanked = yanked
        self.reason = reason
    }
}
