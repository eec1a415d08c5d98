/// A URL query string (`a=1&b=x+y`), decoded; the first value of a key wins. Numbers are read
/// into a range the caller names, so no query can make arithmetic overflow.
public struct RequestQuery: Sendable {
    private var values: [String: String] = [:]

    /// At most 64 parameters; `+` is a space; a bad percent-encoding is a `SchemaError`.
    public init(_ query: String?) throws(SchemaError) {
        guard let query, !query.isEmpty else { return }
        let pairs = query.split(separator: "&")
        guard pairs.count <= 64 else { throw SchemaError(field: "query", "has \(pairs.count) parameters; at most 64 are accepted") }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            if values[key] == nil { values[key] = value }
        }
    }

    public subscript(key: String) -> String? { values[key] }

    /// The parameter as a whole number within `range`; nil when absent.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(SchemaError) -> Int? {
        guard let text = values[key], !text.isEmpty else { return nil }
        guard text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text), range.contains(number) else {
            throw SchemaError(field: key, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Percent-decoding (`%41`, `+` as space) into UTF-8 text.
    static func decode(_ text: Substring) throws(SchemaError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw SchemaError(field: "query", "has a bad percent-encoding")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw SchemaError(field: "query", "is not UTF-8 text") }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
