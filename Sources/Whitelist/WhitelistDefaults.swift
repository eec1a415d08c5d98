import YAMLFiles
import PythonPackaging

/// The `defaults:` of one file, applied to that file's entries.
public struct WhitelistDefaults: Sendable {
    public let targets: [String]?
    public let pythons: [String]?

    public static let none = WhitelistDefaults(targets: nil, pythons: nil)
}
