import ArgumentParser
import Builder
import Runners
import SiteConfiguration

/// Each build's limits, as `build` and `runner build` take them: flag, else the config file,
/// else `ResourceLimits.default`.
struct LimitOptions: ParsableArguments {
    @Option(help: "The time limit of each build step, in seconds (default \(Int(ResourceLimits.default.time.components.seconds))).") var timeout: Int?
    @Option(help: "The memory limit of each build, in MiB (default \(ResourceLimits.default.memoryBytes >> 20)).") var memory: Int?
    @Option(help: "The limit on each build's processes and threads (default \(ResourceLimits.default.processes)).") var processes: Int?

    func validate() throws {
        if [timeout, memory, processes].contains(where: { ($0 ?? 1) <= 0 }) {
            throw ValidationError("--timeout, --memory and --processes must be positive")
        }
    }

    /// The flags as configuration keys, to override the config file's.
    var configuration: BuildConfiguration {
        var configuration = BuildConfiguration()
        configuration.timeout = timeout
        configuration.memory = memory
        configuration.processes = processes
        return configuration
    }

    func limits() -> ResourceLimits { BuildRunSettings.limits(configuration) }
}
