import YAMLFiles
import PythonPackaging

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
