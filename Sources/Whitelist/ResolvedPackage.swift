import YAMLFiles
import PythonPackaging

/// A package entry with its defaults applied: the targets and interpreters it is built for.
public struct ResolvedPackage: Sendable {
    public let entry: PackageEntry
    public let targets: [String]
    /// Per target, the interpreters this entry is built with there.
    public let pythons: [String: [String]]
}
