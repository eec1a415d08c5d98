import Foundation
import IndexAPI
import PythonPackaging

/// A blob's name: exactly 64 lower-case hex digits, the SHA-256 of its bytes, computed by this
/// server when it stored them. The only value that becomes a path inside the blob folder, so
/// nothing a client sends can name another file.
public struct BlobDigest: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    /// Nil unless `text` is 64 lower-case hex digits.
    public init?(_ text: String) {
        guard text.utf8.count == 64,
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        hex = text
    }

    public var description: String { hex }
}
