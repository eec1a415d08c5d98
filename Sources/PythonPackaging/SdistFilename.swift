/// `{name}-{version}.tar.gz` (PEP 625) or a legacy `.zip`.
public struct SdistFilename: Sendable, Hashable, CustomStringConvertible {
    public enum Format: String, Sendable, Hashable {
        case tarGz = ".tar.gz"
        case zip = ".zip"
    }

    /// The name part as written (`Django`, `zope.interface`, `zope_interface`).
    public let distribution: String
    public let version: Version
    /// The version as written, so that `description` gives the filename back.
    public let versionText: String
    public let format: Format

    /// The PEP 625 form: the normalized name with `_` for `-`, the canonical version, `.tar.gz`.
    public init(project: ProjectName, version: Version) {
        self.distribution = project.filenameComponent
        self.version = version
        self.versionText = version.description
        self.format = .tarGz
    }

    /// Parses with the rules of `packaging.utils.parse_sdist_filename`: split at the last `-`.
    public init(_ filename: some StringProtocol) throws(PackagingError) {
        let text = String(filename)
        guard let format = [Format.tarGz, .zip].first(where: { text.hasSuffix($0.rawValue) }) else {
            throw .invalidSdistFilename(text, reason: "the extension must be .tar.gz or .zip")
        }
        let stem = text.dropLast(format.rawValue.count)
        guard let dash = stem.lastIndex(of: "-") else {
            throw .invalidSdistFilename(text, reason: "expected NAME-VERSION")
        }
        let name = String(stem[..<dash])
        guard !name.isEmpty else {
            throw .invalidSdistFilename(text, reason: "the project name is empty")
        }
        let versionPart = String(stem[stem.index(after: dash)...])
        do {
            self.version = try Version(versionPart)
        } catch {
            throw .invalidSdistFilename(text, reason: "invalid version '\(versionPart)'")
        }
        self.versionText = versionPart
        self.distribution = name
        self.format = format
    }

    public var normalizedName: String { ProjectName.normalize(distribution) }

    /// Whether the name part is already in PEP 625 form (normalized, `_` for `-`).
    public var isPEP625: Bool {
        format == .tarGz && distribution == normalizedName.replacingAll("-", with: "_")
            && version.description == versionText
    }

    public var description: String { "\(distribution)-\(versionText)\(format.rawValue)" }
}
