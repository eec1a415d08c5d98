/// The body of `PUT`/`PATCH /USER`.
public struct UserRequest: Codable, Sendable {
    public var password: String?
    public var email: String?
    public var builder: Bool?

    public init(password: String? = nil, email: String? = nil, builder: Bool? = nil) {
        (self.password, self.email, self.builder) = (password, email, builder)
    }

    public static let keys: Set<String> = ["password", "email", "builder"]
}
