import YAMLFiles
import PythonPackaging

/// Which upstream versions of a project are built.
public enum VersionSelection: Sendable, Hashable {
    /// Exactly these versions.
    case exact([Version])
    /// The newest `count` upstream releases that `specifier` admits (pre-releases only when
    /// the specifier names one), re-evaluated on every run.
    case latest(SpecifierSet, count: Int)
}

/// One `packages:` entry: a project the company builds, with everything a build needs.
public struct PackageEntry: Sendable {
    public let name: ProjectName
    public let selection: VersionSelection
    /// Target OS names; nil means the file's defaults, else every target.
    public let targets: [String]?
    /// Interpreter versions such as "3.11"; nil means the file's defaults, else each target's own.
    public let pythons: [String]?
    /// The wheel build number for a rebuild of a version already published (PEP 427 build tag).
    public let build: Int?
    /// Extra environment variables for the build, in file order.
    public let environment: [(name: String, value: String)]
    /// Debian packages the build needs in its root filesystem (`libyaml-dev`).
    public let systemPackages: [String]
    public let requestedBy: String?
    public let reason: String?
    public let license: String?
    /// The upstream project page, recorded by `whitelist add`.
    public let url: String?
    public let location: SourceLocation
}

/// One `deny:` entry: never built, whatever `packages:` says.
public struct DenyEntry: Sendable {
    public let name: ProjectName
    /// Only these versions are denied; nil denies every version.
    public let specifier: SpecifierSet?
    public let reason: String
    public let location: SourceLocation

    /// Whether `version` of this project is denied.
    public func denies(_ version: Version) -> Bool {
        specifier?.contains(version, prereleases: true) ?? true
    }
}

/// The `defaults:` of one file, applied to that file's entries.
public struct WhitelistDefaults: Sendable {
    public let targets: [String]?
    public let pythons: [String]?

    public static let none = WhitelistDefaults(targets: nil, pythons: nil)
}

/// One decoded whitelist file.
public struct WhitelistFile: Sendable {
    public let path: String
    public let defaults: WhitelistDefaults
    public let packages: [PackageEntry]
    public let deny: [DenyEntry]
    /// Every valid project name under `packages:`, with its entry's place, including entries
    /// that have other errors: a project listed twice is reported whatever else is wrong.
    public let listedNames: [(name: ProjectName, location: SourceLocation)]

    static func empty(_ path: String) -> WhitelistFile {
        WhitelistFile(path: path, defaults: .none, packages: [], deny: [], listedNames: [])
    }
}

/// A package entry with its defaults applied: the targets and interpreters it is built for.
public struct ResolvedPackage: Sendable {
    public let entry: PackageEntry
    public let targets: [String]
    /// Per target, the interpreters this entry is built with there.
    public let pythons: [String: [String]]
}

/// Every whitelist file read together: what the builder plans from.
public struct Whitelist: Sendable {
    public let files: [WhitelistFile]
    public let packages: [ResolvedPackage]
    public let deny: [DenyEntry]

    /// The deny entry that stops `version` of `name` from being built, if any.
    public func denial(of name: ProjectName, version: Version) -> DenyEntry? {
        deny.first { $0.name == name && $0.denies(version) }
    }
}

extension VersionSelection {
    /// The versions to build, given what upstream offers (its non-yanked versions, any order):
    /// the listed ones, or the newest `count` the specifier admits under PEP 440's pre-release rule.
    public func versions(offered: [Version]) -> [Version] {
        switch self {
        case .exact(let versions):
            return versions
        case let .latest(specifier, count):
            let newestFirst = offered.sorted().reversed()
            return Array(specifier.filter(newestFirst).prefix(count))
        }
    }
}
