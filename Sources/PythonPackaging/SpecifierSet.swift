/// A comma-separated set of specifiers (`>=1.0,!=1.3.*,<2`): a version is in it when it is in each.
public struct SpecifierSet: Sendable, Hashable, CustomStringConvertible {
    public let specifiers: [Specifier]

    public init(_ text: some StringProtocol) throws(PackagingError) {
        var parsed: [Specifier] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let clause = PythonWhitespace.trimmed(String(part))
            if clause.isEmpty { continue }
            parsed.append(try Specifier(clause))
        }
        self.specifiers = parsed
    }

    public init(_ specifiers: [Specifier]) {
        self.specifiers = specifiers
    }

    public var description: String { specifiers.map(\.description).joined(separator: ",") }

    /// True when any clause names a pre-release; nil otherwise (then PEP 440's default applies).
    public var impliesPrereleases: Bool? {
        specifiers.contains { $0.impliesPrereleases == true } ? true : nil
    }

    public func contains(_ candidate: Version, prereleases: Bool? = nil) -> Bool {
        if prereleases == false && candidate.isPrerelease { return false }
        return specifiers.allSatisfy { $0.matches(candidate) }
    }

    public func filter(_ versions: some Sequence<Version>, prereleases: Bool? = nil) -> [Version] {
        PrereleasePolicy.filter(versions, prereleases: prereleases ?? impliesPrereleases) { candidate in
            specifiers.allSatisfy { $0.matches(candidate) }
        }
    }
}
