/// A requirement an sdist names for its build (`[build-system].requires`, or what its backend
/// asks for), accepted only in the one form an index satisfies: a PEP 508 name with extras,
/// versions and a marker. Options (`--index-url=…`), direct references (`name @ URL`), paths
/// and anything else pip would read as more than a requirement are refused as hostile input,
/// so that nothing an sdist says becomes an option, a source or a build of the host's pip.
public struct IndexRequirement: Sendable, Hashable, CustomStringConvertible {
    public let requirement: Requirement

    public init(_ text: String) throws(PackagingError) {
        let requirement: Requirement
        do {
            requirement = try Requirement(text)
        } catch {
            throw .refusedBuildRequirement(text, reason: "not a PEP 508 requirement (\(Self.reason(error)))")
        }
        guard requirement.url == nil else {
            throw .refusedBuildRequirement(text, reason: "a direct reference (NAME @ URL), which no index serves")
        }
        self.requirement = requirement
    }

    /// Each of `texts`, in order; the first refused one throws.
    public static func all(_ texts: [String]) throws(PackagingError) -> [IndexRequirement] {
        var requirements: [IndexRequirement] = []
        for text in texts { requirements.append(try IndexRequirement(text)) }
        return requirements
    }

    /// packaging's form of the requirement (`cython>=3; python_version < "3.13"`): what pip is
    /// given, after `--`, and how wheelhouses are keyed.
    public var description: String { requirement.description }

    /// The parser's reason, shown as `PackagingError.quoted` shows outside text: it quotes the input.
    private static func reason(_ error: PackagingError) -> String {
        if case let .invalidRequirement(_, reason) = error { return PackagingError.quoted(reason) }
        return PackagingError.quoted(error.description)
    }
}
