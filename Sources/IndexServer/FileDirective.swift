import Foundation
import HTTPTypes

/// A route's instruction to `FileRegionWriter`: send `count` bytes of the file at `path` from
/// `offset` on as this response's body, with sendfile(2). It travels in an internal response
/// header, which the writer always removes. The header carries a secret made at start-up and
/// never sent: only this process's routes can name a file, whatever reaches a response's fields.
struct FileDirective: Equatable, Sendable {
    /// The internal header; never sent.
    static let field = HTTPField.Name("x-wheelwright-file")!

    /// 128 random bits, made once per process.
    static let processSecret: String = {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }()

    /// The bytes of a path written as they are; every other byte is percent-encoded, so the
    /// header holds printable ASCII whatever the data folder's name.
    private static let plainPathBytes = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-")

    /// An absolute path.
    var path: String
    var offset: Int
    /// At least 1.
    var count: Int

    init(path: String, offset: Int, count: Int) {
        (self.path, self.offset, self.count) = (path, offset, count)
    }

    /// The header's value: `SECRET OFFSET COUNT PATH`.
    func headerValue(secret: String = Self.processSecret) -> String {
        "\(secret) \(offset) \(count) \(path.addingPercentEncoding(withAllowedCharacters: Self.plainPathBytes) ?? "")"
    }

    /// The directive a header value names; nil unless it carries `secret` and a whole, valid
    /// directive (decimal offset ≥ 0, count ≥ 1, their sum representable, an absolute path
    /// without NUL).
    init?(headerValue value: String, secret: String = Self.processSecret) {
        let fields = value.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].utf8.elementsEqual(secret.utf8),
              fields[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              fields[2].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let offset = Int(fields[1]), let count = Int(fields[2]), count >= 1,
              offset <= Int.max - count,
              let path = String(fields[3]).removingPercentEncoding, path.hasPrefix("/"), !path.utf8.contains(0)
        else { return nil }
        self.init(path: path, offset: offset, count: count)
    }
}
