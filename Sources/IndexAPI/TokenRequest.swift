/// The body of `POST /+tokens`: nil indices for a token that may act as its user.
public struct TokenRequest: Codable, Sendable {
    public var indices: [String]?

    public init(indices: [String]?) { self.indices = indices }
}
