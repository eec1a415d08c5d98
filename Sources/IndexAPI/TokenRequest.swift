/// The body of `POST /+tokens`: nil indices for a token that may act as its user; `read` for
/// one that may only read (private indices included, in pip's and uv's index URLs).
public struct TokenRequest: Codable, Sendable {
    public var indices: [String]?
    public var read: Bool?

    public init(indices: [String]?, read: Bool? = nil) { (self.indices, self.read) = (indices, read) }
}
