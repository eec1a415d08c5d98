import Foundation
import PythonPackaging

/// What full-text search knows of a project in an index: its newest release's version and, from
/// that release's core metadata, summary, keywords and description (plain text, control
/// characters made spaces, the description's first `maximumDescription` bytes).
struct SearchDocument: Sendable, Equatable {
    static let maximumSummary = 512
    static let maximumKeywords = 1_024
    static let maximumDescription = 32 << 10

    let version: String
    let summary, keywords, description: String

    /// From a file's core metadata bytes; empty texts when it has none (its name is still found).
    init(version: String, metadata: [UInt8]?) {
        self.init(version: version, parsed: metadata.flatMap { try? CoreMetadata(parsing: String(decoding: $0, as: UTF8.self)) })
    }

    /// From core metadata an upload has parsed already.
    init(version: String, parsed: CoreMetadata?) {
        self.version = version
        summary = Self.plain(parsed?.summary, limit: Self.maximumSummary)
        keywords = Self.plain(parsed?["Keywords"], limit: Self.maximumKeywords)
        description = Self.plain(parsed?.longDescription, limit: Self.maximumDescription)
    }

    var hasText: Bool { !summary.isEmpty || !description.isEmpty || !keywords.isEmpty }

    /// At most `limit` UTF-8 bytes, cut at a character; control characters (and the snippet
    /// markers among them) are spaces, so that nothing in it can pass for a highlight.
    private static func plain(_ text: String?, limit: Int) -> String {
        guard let text else { return "" }
        // Most texts hold no control character (C0, DEL, C1): cut them by bytes at a character.
        let bytes = text.utf8
        var previous: UInt8 = 0
        if !bytes.contains(where: { byte in
            defer { previous = byte }
            return byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte))
        }) {
            guard bytes.count > limit else { return text }
            var end = bytes.index(bytes.startIndex, offsetBy: limit)
            while end > bytes.startIndex, (bytes[end] & 0xC0) == 0x80 { end = bytes.index(before: end) }
            return String(text[..<end])
        }
        var result = ""
        var length = 0
        for scalar in text.unicodeScalars {
            let kept: Unicode.Scalar = scalar.properties.generalCategory == .control ? " " : scalar
            length += kept.utf8.count
            if length > limit { break }
            result.unicodeScalars.append(kept)
        }
        return result
    }
}
