import Foundation
import IndexAPI
import PythonPackaging

/// A user or index name: ASCII letters, digits, `.`, `-`, `_`, starting with a letter or digit,
/// at most 64 characters. Nothing that could act as a path separator or traversal.
public enum StoreName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first,
              first.isASCIIAlphanumeric else { return false }
        return bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    public static func validate(_ name: String, what: String) throws(StoreError) {
        guard isValid(name) else {
            throw .badRequest("invalid \(what) name '\(name)': use 1 to 64 ASCII letters, digits, '.', '-' or '_', starting with a letter or digit")
        }
    }
}
