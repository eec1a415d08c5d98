/// The body of `POST /USER/INDEX/+yank/FILE`, and its answer.
public struct YankRequest: Codable, Sendable {
    public var yanked: Bool?
    public var reason: String?

    public init(yanked: Bool?, reason: String?) { (self.yanked, self.reason) = (yanked, reason) }

    public static let keys: Set<String> = ["yanked", "reason"]
}
