import Builder
import Foundation
import SiteConfiguration
import YAMLFiles

/// Where the config file is and what it says. Its relative paths are taken against its own
/// folder, so `wheelwright build --config /etc/wheelwright/wheelwright.yaml` means the same from
/// any working folder (cron and systemd start in `/`).
enum ConfigFile {
    /// The file named by the flag, else by `WHEELWRIGHT_CONFIG`, else `wheelwright.yaml` in the
    /// working folder when one is there (a checkout); nil when none applies.
    static func path(flag: String?) -> String? {
        if let flag { return flag }
        if let named = ProcessInfo.processInfo.environment["WHEELWRIGHT_CONFIG"], !named.isEmpty { return named }
        return FileManager.default.fileExists(atPath: "wheelwright.yaml") ? "wheelwright.yaml" : nil
    }

    /// The settings of the file `path(flag:)` finds, paths resolved; empty when there is none.
    /// A named file that is missing or has errors is a `BuildRunError` (exit 2).
    static func load(flag: String?) throws -> BuildConfiguration {
        guard let path = path(flag: flag) else { return BuildConfiguration() }
        let (configuration, diagnostics) = BuildConfiguration.decode(try ProjectFiles.read(path))
        guard let configuration else { throw BuildRunError.configuration(diagnostics.filter { $0.severity == .error }) }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        return configuration.resolved(against: folder)
    }
}
