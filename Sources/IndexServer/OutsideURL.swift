import Foundation

/// Where clients reach the index (devpi's `--outside-url`): behind a reverse proxy, perhaps
/// under a path prefix (`https://packages.example.com/pypi`). Every absolute link the index
/// makes (pages, simple API files, redirects, devpi's JSON) starts with `pathPrefix`; the pip
/// command the pages show names the whole URL. Never taken from a request.
public struct OutsideURL: Sendable, Equatable {
    /// Without a trailing slash: `https://packages.example.com/pypi`.
    public let url: String
    /// Scheme, host and port: `https://packages.example.com`.
    public let origin: String
    /// The path the proxy serves the index under, without a trailing slash; "" at the root.
    public let pathPrefix: String

    /// Nil unless `text` is an http(s) URL with a host and at most a plain path (letters,
    /// digits, `-._~/`, no empty, `.` or `..` segments): no user, query or fragment.
    public init?(_ text: String) {
        guard text.utf8.count <= 512, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil else { return nil }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.isEmpty || path.hasPrefix("/"),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.utf8.allSatisfy(Self.isPathByte) }) else { return nil }
        var origin = "\(scheme)://\(components.percentEncodedHost ?? host)"
        if let port = components.port { origin += ":\(port)" }
        self.origin = origin
        pathPrefix = path
        url = origin + path
    }

    private static func isPathByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }
}
