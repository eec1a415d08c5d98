import YAMLFiles
import PythonPackaging

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
