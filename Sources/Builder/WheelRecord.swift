import Crypto
import Foundation

/// A wheel's RECORD: a line per file, `path,sha256=DIGEST,SIZE` (the digest in urlsafe base64
/// without padding), RECORD itself without hash or size. pip refuses a wheel whose files do not
/// match it, so every member a step rewrites or adds changes its line here.
enum WheelRecord {
    /// The line for `path` holding `bytes`.
    static func line(_ path: String, _ bytes: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "\(path),sha256=\(digest),\(bytes.count)"
    }

    /// RECORD with `path`'s line made that of `bytes`.
    static func replacing(_ text: String, path: String, with bytes: [UInt8]) -> String {
        lines(text).map { $0.hasPrefix(path + ",") ? line(path, bytes) : $0 }.joined(separator: "\n")
    }

    /// RECORD with a line for a new member `path` holding `bytes`, before RECORD's own line
    /// (any line of `path` already there is dropped).
    static func adding(_ text: String, path: String, bytes: [UInt8]) -> String {
        var kept = lines(text).filter { !$0.hasPrefix(path + ",") }
        let trailing = kept.last == ""
        if trailing { kept.removeLast() }
        let own = kept.firstIndex { $0.hasSuffix("/RECORD,,") } ?? kept.endIndex
        kept.insert(line(path, bytes), at: own)
        return (kept + (trailing ? [""] : [])).joined(separator: "\n")
    }

    private static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    }
}
