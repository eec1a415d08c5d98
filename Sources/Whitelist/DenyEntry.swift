import YAMLFiles
import PythonPackaging

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

extension DenyEntry {
    /// The `deny:` entry, as YAML for a whitelist file, that keeps every version of `name` from
    /// being built: what quarantining a project proposes, so that the next night does not
    /// build it again.
    public static func proposal(name: String, reason: String) -> String {
        "deny:\n  - name: \(WhitelistEditor.quoted(name))\n    reason: \(WhitelistEditor.quoted(reason))\n"
    }
}
