/// A compressed tag set (`py2.py3-none-any`): each of the three parts may list several
/// values joined by `.`, standing for every combination.
public struct CompressedTagSet: Sendable, Hashable, CustomStringConvertible {
    public let interpreters: [String]
    public let abis: [String]
    public let platforms: [String]

    public init(interpreters: [String], abis: [String], platforms: [String]) {
        (self.interpreters, self.abis, self.platforms) = (interpreters, abis, platforms)
    }

    /// The rules of `packaging.tags.parse_tag` (26.3+): three `-`-separated parts, no empty
    /// member, and every interpreter a Python identifier.
    public init(_ text: some StringProtocol) throws(PackagingError) {
        let string = String(text)
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        if let empty = parts.first(where: { $0.contains("") }) {
            throw .invalidTag(string, reason: "the part '\(empty.joined(separator: "."))' has an empty member")
        }
        guard parts.count == 3 else {
            throw .invalidTag(string, reason: "expected three parts, interpreter-abi-platform")
        }
        if let bad = parts[0].first(where: { !Self.isIdentifier($0) }) {
            throw .invalidTag(string, reason: "interpreter '\(bad)' is not an identifier")
        }
        self.init(interpreters: parts[0], abis: parts[1], platforms: parts[2])
    }

    /// Python's `str.isidentifier()`: an XID_Start character or `_`, then XID_Continue characters.
    static func isIdentifier(_ text: String) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), first == "_" || first.properties.isXIDStart else { return false }
        while let scalar = scalars.next() {
            if !scalar.properties.isXIDContinue { return false }
        }
        return true
    }

    /// Every tag the set stands for.
    public var tags: Set<Tag> {
        var result = Set<Tag>()
        for interpreter in interpreters {
            for abi in abis {
                for platform in platforms {
                    result.insert(Tag(interpreter: interpreter, abi: abi, platform: platform))
                }
            }
        }
        return result
    }

    public var description: String {
        [interpreters, abis, platforms].map { $0.joined(separator: ".") }.joined(separator: "-")
    }

    /// True when every platform is `any` and every ABI `none`: one wheel serves every OS.
    public var isPure: Bool {
        abis.allSatisfy { $0.lowercased() == "none" } && platforms.allSatisfy { $0.lowercased() == "any" }
    }

    /// The same interpreters and ABIs on other platforms (used when a wheel is retagged).
    public func replacingPlatforms(_ platforms: [String]) -> CompressedTagSet {
        CompressedTagSet(interpreters: interpreters, abis: abis, platforms: platforms)
    }
}
