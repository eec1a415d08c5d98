import ArgumentParser
import SiteConfiguration

/// `--build-requirements`: whether the dependency closure takes in what releases need to be
/// built, for the commands that compute it (`whitelist lint --deps`, `whitelist add --with-deps`).
struct BuildRequirementsOption: ParsableArguments {
    @Option(help: "whitelisted: build requirements are whitelist entries and part of the closure; upstream: they are not (default: the config file's build-requirements:, else upstream).")
    var buildRequirements: BuildRequirementsSource?

    /// The flag, else the file's, else the default.
    func source(_ file: BuildConfiguration) -> BuildRequirementsSource {
        buildRequirements ?? file.buildRequirements ?? .standard
    }
}

extension BuildRequirementsSource: ExpressibleByArgument {}
