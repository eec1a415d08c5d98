import ArgumentParser
import SiteConfiguration

/// `--build-requirements`: whether what releases need to be built is whitelisted — part of the
/// dependency closure (`whitelist lint --deps`, `whitelist add --with-deps`, `why`) and, for
/// `plan` and `build`, installed from the company's index in graph order.
struct BuildRequirementsOption: ParsableArguments {
    @Option(help: "whitelisted: build requirements are whitelist entries, built here first and installed from the company's index; upstream: from the upstream indices (default: the config file's build-requirements:, else upstream).")
    var buildRequirements: BuildRequirementsSource?

    /// The flag, else the file's, else the default.
    func source(_ file: BuildConfiguration) -> BuildRequirementsSource {
        buildRequirements ?? file.buildRequirements ?? .standard
    }
}

extension BuildRequirementsSource: ExpressibleByArgument {}
