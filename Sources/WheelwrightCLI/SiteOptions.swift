import ArgumentParser
import SiteConfiguration
import Workspace

/// The config file and the target definitions: what every command that reads targets takes
/// (`whitelist lint`, `whitelist add`, `runner`, `plan`, `build`, `fetch`, `wheelhouse`), so that a server's commands
/// work from any folder once `WHEELWRIGHT_CONFIG` or `--config` names the file.
struct SiteOptions: ParsableArguments {
    @Option(help: "The config file (else env WHEELWRIGHT_CONFIG, else wheelwright.yaml here when it exists).")
    var config: String?

    @Option(help: "The folder of target definitions (default: the config file's containers:, else ./containers).")
    var containers: String?

    /// The config file's settings, paths resolved; empty when there is none.
    func configuration() throws -> BuildConfiguration { try ConfigFile.load(flag: config) }

    /// The flag, else the file's `containers`, else `./containers`.
    func containers(_ file: BuildConfiguration) -> String { containers ?? file.containers ?? "containers" }
}
