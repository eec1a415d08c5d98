import Foundation

/// HTTP basic auth (RFC 7617): `Basic base64(user:password)`, bounded: the header at most 4 kB,
/// the user at most 128 bytes, both UTF-8 without control characters.
public enum BasicCredentials {
    public static func parse(_ header: String) -> (user: String, password: String)? {
        guard header.utf8.count <= 4096, header.utf8.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        let encoded = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let decoded = Data(base64Encoded: encoded), let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard (1...128).contains(user.utf8.count),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return (user, password)
    }

    /// The header a client sends: the token as `__token__`'s password when given, else the user
    /// and password; nil when neither is given (an anonymous client).
    public static func header(user: String, password: String, token: String) -> String? {
        if !token.isEmpty { return "Basic " + Data("__token__:\(token)".utf8).base64EncodedString() }
        guard !user.isEmpty else { return nil }
        return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}
