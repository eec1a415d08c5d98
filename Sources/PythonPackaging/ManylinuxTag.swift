/// A PEP 600 platform tag, `manylinux_X_Y_ARCH`, also read from its legacy aliases
/// `manylinux1_*` (2.5), `manylinux2010_*` (2.12) and `manylinux2014_*` (2.17).
public struct ManylinuxTag: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let glibcMajor: Int
    public let glibcMinor: Int
    public let architecture: String

    public init(glibcMajor: Int = 2, glibcMinor: Int, architecture: String) {
        (self.glibcMajor, self.glibcMinor, self.architecture) = (glibcMajor, glibcMinor, architecture)
    }

    static let legacyAliases: [(alias: String, minor: Int)] = [
        ("manylinux1", 5), ("manylinux2010", 12), ("manylinux2014", 17),
    ]

    public init(_ tag: some StringProtocol) throws(PackagingError) {
        let text = String(tag)
        for (alias, minor) in Self.legacyAliases where text.hasPrefix(alias + "_") {
            let architecture = String(text.dropFirst(alias.count + 1))
            guard Self.isArchitecture(architecture) else { throw .invalidPlatformTag(text) }
            self.init(glibcMinor: minor, architecture: architecture)
            return
        }
        let parts = text.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "manylinux",
              let major = Int(parts[1]), let minor = Int(parts[2]), major >= 0, minor >= 0,
              Self.isArchitecture(parts[3]) else {
            throw .invalidPlatformTag(text)
        }
        self.init(glibcMajor: major, glibcMinor: minor, architecture: String(parts[3]))
    }

    private static func isArchitecture(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
    }

    /// The PEP 600 spelling, `manylinux_2_17_x86_64`.
    public var description: String { "manylinux_\(glibcMajor)_\(glibcMinor)_\(architecture)" }

    /// The legacy spelling where one exists (`manylinux2014_x86_64`), for older installers.
    public var legacyAlias: String? {
        guard glibcMajor == 2 else { return nil }
        return Self.legacyAliases.first { $0.minor == glibcMinor }.map { "\($0.alias)_\(architecture)" }
    }

    public static func < (lhs: ManylinuxTag, rhs: ManylinuxTag) -> Bool {
        (lhs.glibcMajor, lhs.glibcMinor, lhs.architecture) < (rhs.glibcMajor, rhs.glibcMinor, rhs.architecture)
    }
}
