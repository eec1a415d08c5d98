/// `{name}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl` (PEP 427/491).
public struct WheelFilename: Sendable, Hashable, CustomStringConvertible {
    /// The distribution part as written in the filename (`zope.interface`, `Zope_Interface`).
    public let distribution: String
    public let version: Version
    /// The version as written in the filename, so that `description` gives the filename back.
    public let versionText: String
    public private(set) var buildTag: BuildTag?
    public private(set) var tagSet: CompressedTagSet

    /// Composes a filename from its parts; the name is written in its escaped, normalized form.
    public init(project: ProjectName, version: Version, buildTag: BuildTag? = nil, tagSet: CompressedTagSet) {
        self.distribution = project.filenameComponent
        self.version = version
        self.versionText = version.description
        self.buildTag = buildTag
        self.tagSet = tagSet
    }

    /// Parses with the rules of `packaging.utils.parse_wheel_filename` (26.3+).
    public init(_ filename: some StringProtocol) throws(PackagingError) {
        let text = String(filename)
        guard text.hasSuffix(".whl") else {
            throw .invalidWheelFilename(text, reason: "the extension must be .whl")
        }
        let stem = text.dropLast(4)
        let dashes = stem.utf8.count { $0 == UInt8(ascii: "-") }
        guard dashes == 4 || dashes == 5 else {
            throw .invalidWheelFilename(text, reason: "expected 5 or 6 parts separated by '-', found \(dashes + 1)")
        }
        let parts = stem.split(separator: "-", maxSplits: dashes - 2, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.contains("__"), !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isNameScalar) else {
            throw .invalidWheelFilename(text, reason: "invalid project name '\(name)'")
        }
        do {
            self.version = try Version(parts[1])
        } catch {
            throw .invalidWheelFilename(text, reason: "invalid version '\(parts[1])'")
        }
        self.versionText = String(parts[1])
        self.buildTag = dashes == 5 ? try BuildTag(parts[2]) : nil
        do {
            self.tagSet = try CompressedTagSet(parts[parts.count - 1])
        } catch {
            throw .invalidWheelFilename(text, reason: error.description)
        }
        self.distribution = name
    }

    /// Python's `[\w._]` for one character: a letter or number of any script, `_` or `.`.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" || scalar == "." { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The PEP 503 normalized project name.
    public var normalizedName: String { ProjectName.normalize(distribution) }

    public var tags: Set<Tag> { tagSet.tags }

    public var description: String {
        var parts = [distribution, versionText]
        if let buildTag { parts.append(buildTag.description) }
        parts.append(tagSet.description)
        return parts.joined(separator: "-") + ".whl"
    }

    /// A copy with another build tag or tag set, for rebuilds and retagging.
    public func replacing(buildTag: BuildTag?? = .none, tagSet: CompressedTagSet? = nil) -> WheelFilename {
        var copy = self
        copy.buildTag = buildTag ?? self.buildTag
        copy.tagSet = tagSet ?? self.tagSet
        return copy
    }
}
