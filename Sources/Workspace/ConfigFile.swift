import Foundation
import SiteConfiguration
import YAMLFiles

/// Where the config file is and what it says. Its relative paths are taken against its own
/// folder, so `wheelwright build --config /etc/wheelwright/wheelwright.yaml` means the same from
/// any working folder (cron and systemd start in `/`).
public enum ConfigFile {
    /// The file named by the flag, else by `WHEELWRIGHT_CONFIG`, else `wheelwright.yaml` in the
    /// working folder when one is there (a checkout); nil when none applies.
    public static func path(flag: String?) -> String? {
        SettingSources.process.value(flag, variable: "WHEELWRIGHT_CONFIG")
            ?? (FileManager.default.fileExists(atPath: "wheelwright.yaml") ? "wheelwright.yaml" : nil)
    }

    /// The settings of the file `path(flag:)` finds, paths resolved; empty when there is none.
    /// A named file that is missing is `ProjectFiles.Missing`; one with errors `ConfigFileError`.
    public static func load(flag: String?) throws -> BuildConfiguration {
        guard let path = path(flag: flag) else { return BuildConfiguration() }
        let (configuration, diagnostics) = BuildConfiguration.decode(try ProjectFiles.read(path))
        guard let configuration else { throw ConfigFileError(diagnostics: diagnostics.filter { $0.severity == .error }) }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        return configuration.resolved(against: folder)
    }
}

/// `wheelwright.yaml` has errors: each with its place, and what to do.
public struct ConfigFileError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public var description: String {
        (diagnostics.map(\.description) + ["the config file has errors: fix them, or name another with --config"]).joined(separator: "\n")
    }
}
