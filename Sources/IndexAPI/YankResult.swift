public struct YankResult: Codable, Sendable {
    public var filename: String
    public var yanked: Bool
    public var reason: String

    public init(filename: String, yanked: Bool, reason: String) { (self.filename, self.yanked, self.reason) = (filename, yanked, reason) }
}
