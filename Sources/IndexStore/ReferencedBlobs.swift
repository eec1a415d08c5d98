/// The blobs the catalog names, kept as the first 64 bits of each SHA-256: 16 bytes a file
/// where the digests as strings (and the rows they came in) took about 400, which a start-up
/// after a crash held for a million files (456 MB, measured). Two digests that share 64 bits are
/// as likely as a random collision there (about 2^-24 at a billion blobs) and would only keep one
/// unnamed blob, never remove a named one.
public struct ReferencedBlobs: Sendable {
    private var prefixes: Set<UInt64> = []

    public init() {}

    /// Adds the digest `hex` (64 hex digits; anything else is not a blob's name and is ignored).
    public mutating func insert(hex: String) {
        if let prefix = Self.prefix(of: hex) { prefixes.insert(prefix) }
    }

    /// Whether the blob named `hex` is referenced.
    public func contains(hex: String) -> Bool {
        Self.prefix(of: hex).map(prefixes.contains) ?? false
    }

    public var count: Int { prefixes.count }

    /// The first 16 lower-case hex digits as a number; nil unless `hex` is 64 characters long.
    private static func prefix(of hex: String) -> UInt64? {
        guard hex.utf8.count == 64 else { return nil }
        var value: UInt64 = 0
        for byte in hex.utf8.prefix(16) {
            switch byte {
            case 0x30...0x39: value = value << 4 | UInt64(byte - 0x30)
            case 0x61...0x66: value = value << 4 | UInt64(byte - 0x57)
            default: return nil
            }
        }
        return value
    }
}
