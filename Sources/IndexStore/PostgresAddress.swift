import Foundation

/// Where a PostgreSQL catalog lives: `postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=disable|require]`.
/// The password never comes with it (an address shows in `ps`, configs and logs): it is read
/// from a file or `PGPASSWORD` by the caller.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    /// TLS to the server, verified against the system's certificate authorities.
    public let requireTLS: Bool

    /// Parses `text`; a `StoreError` (400) names what is wrong and what to write instead.
    public init(_ text: String) throws(StoreError) {
        let parsed = URLComponents(string: text)
        // Never echo a password back: messages reach logs and terminals.
        var shown = parsed
        if shown?.password != nil { shown?.password = "…" }
        let echoed = parsed == nil ? "(not a URL)" : shown?.string ?? ""
        func refuse(_ why: String) -> StoreError {
            .badRequest("catalog address '\(echoed)': \(why); write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://"), let url = parsed else {
            throw refuse("not a postgresql:// address")
        }
        guard url.password == nil else {
            throw refuse("it holds a password, which would show in ps and logs; put it in catalog-password-file (mode 0600) or PGPASSWORD")
        }
        guard let user = url.user, !user.isEmpty else { throw refuse("no user") }
        guard let host = url.host, !host.isEmpty else { throw refuse("no host") }
        let database = String(url.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { throw refuse("no database name after the host") }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("port \(port) is out of range") }
        var requireTLS = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"?): requireTLS = false
            case ("sslmode", "require"?), ("sslmode", "verify-full"?): requireTLS = true
            default: throw refuse("unknown option \(item.name)=\(item.value ?? ""); only sslmode=disable or sslmode=require")
            }
        }
        (self.user, self.host, self.port, self.database, self.requireTLS) = (user, host, port, database, requireTLS)
    }

    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)\(requireTLS ? "?sslmode=require" : "")"
    }
}
