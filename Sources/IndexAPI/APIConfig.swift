/// devpi's `+api` answer (`apiconfig`), which `devpi use` reads: where to log in, who the
/// request is authenticated as, and, under an index, its URLs (paths the client joins to the
/// server's root).
public struct APIConfig: Codable, Sendable, Equatable {
    public var login: String
    public var authstatus: AuthStatus
    public var features: [String]
    public var index: String?
    public var simpleindex: String?
    public var pypisubmit: String?

    public init(login: String, authstatus: AuthStatus, features: [String] = [], index: String? = nil) {
        (self.login, self.authstatus, self.features) = (login, authstatus, features)
        if let index { (self.index, simpleindex, pypisubmit) = ("/\(index)", "/\(index)/+simple/", "/\(index)/") }
    }
}

/// `["ok", USER, []]`, `["noauth", "", []]` or `["invalid", USER, []]`: devpi's three-element list.
public struct AuthStatus: Codable, Sendable, Equatable {
    public var status: String
    public var user: String

    public init(status: String, user: String) { (self.status, self.user) = (status, user) }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        status = try container.decode(String.self)
        user = try container.decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(status)
        try container.encode(user)
        try container.encode([String]())
    }
}

/// devpi's `+login` answer (`proxyauth`): the session key devpi-client sends back as
/// `X-Devpi-Auth`, and how many seconds it lasts.
public struct ProxyAuthResult: Codable, Sendable, Equatable {
    public var password: String
    public var expiration: Int

    public init(password: String, expiration: Int) { (self.password, self.expiration) = (password, expiration) }
}

/// The body of `POST /+login`.
public struct LoginRequest: Codable, Sendable {
    public var user: String
    public var password: String

    public static let keys: Set<String> = ["user", "password"]
}
