import Foundation

/// A request's path as the index reads it, before any route sees it: at most `maximumBytes`,
/// split at `/` (empty segments dropped), each segment percent-decoded, none holding a control
/// character (a C string, SQLite's among them, ends at a NUL); and whether it ends with a slash.
/// The router and the cached-page responder both read paths through it.
public struct RequestPath: Equatable, Sendable {
    public let segments: [String]
    public let trailingSlash: Bool

    public enum Problem: Error, Equatable {
        case tooLong(bytes: Int, limit: Int)
        case badPercentEncoding(String)
        case controlCharacter(String)
    }

    public init(_ raw: String, maximumBytes: Int) throws(Problem) {
        guard raw.utf8.count <= maximumBytes else { throw .tooLong(bytes: raw.utf8.count, limit: maximumBytes) }
        trailingSlash = raw.utf8.count > 1 && raw.utf8.last == UInt8(ascii: "/")
        var segments: [String] = []
        for part in raw.split(separator: "/") {
            // Foundation's decoding walks UTF-16; most segments have nothing to decode. (An HTTP
            // parser refuses raw control characters in a path; they are refused here too.)
            guard part.utf8.contains(UInt8(ascii: "%")) else {
                guard !part.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw .controlCharacter(String(part)) }
                segments.append(String(part))
                continue
            }
            guard let decoded = String(part).removingPercentEncoding else { throw .badPercentEncoding(String(part)) }
            guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { throw .controlCharacter(String(part)) }
            segments.append(decoded)
        }
        self.segments = segments
    }
}
