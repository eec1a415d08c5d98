/// The body of `PUT`/`PATCH /USER`.
public struct UserRequest: Codable, Sendable {
    public var password: String?
    public var email: String?
    public var builder: Bool?

    public init(password: String? = nil, email: String? = nil, builder: Bool? = nil) {
        self.password = password
        self.email = email
        self.builder = builder
    }

    public static let keys: Set<String> = ["password", "email", "builder"]
}
