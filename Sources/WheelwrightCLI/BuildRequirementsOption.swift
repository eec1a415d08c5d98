import ArgumentParser
import SiteConfiguration
import YAMLFiles

/// `--build-requirements`: whether what releases need to be built is whitelisted — part of the
/// dependency closure (`whitelist lint --deps`, `whitelist add --with-deps`, `why`) and, for
/// `plan` and `build`, installed from the company's index in graph order.
struct BuildRequirementsOption: ParsableArguments {
    @Option(help: "whitelisted: build requirements are whitelist entries, built here first and installed from the company's index; upstream: from the upstream indices (default: the config file's build-requirements:, else whitelisted).")
    var buildRequirements: BuildRequirementsSource?

    /// The flag, else the file's, else the default.
    func source(_ file: BuildConfiguration) -> BuildRequirementsSource {
        buildRequirements ?? file.buildRequirements ?? .standard
    }

    /// Lint's warning when the source is `upstream`, at the flag or the config file that chose it.
    func migrationWarning(_ file: BuildConfiguration, configPath: String?) -> Diagnostic? {
        guard source(file) == .upstream else { return nil }
        let place = buildRequirements != nil ? "--build-requirements" : configPath ?? "wheelwright.yaml"
        return .warning(at: SourceLocation(file: place, line: 1, column: 1), BuildRequirementsSource.migrationWarning)
    }
}

extension BuildRequirementsSource: ExpressibleByArgument {}
