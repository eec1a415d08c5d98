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
