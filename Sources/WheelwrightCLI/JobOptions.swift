import ArgumentParser
import Builder
import Foundation
import SiteConfiguration
import YAMLFiles

/// What `build` and `plan` share: the whitelist, the targets, the index and upstream, and which
/// entries to take. Settings left out come from the config file (`wheelwright.yaml`), then defaults.
struct JobOptions: ParsableArguments {
    @Argument(help: "Whitelist files or folders of them.")
    var paths: [String] = ["whitelists"]

    @Option(help: "The config file (default: wheelwright.yaml when it exists).")
    var config: String?

    @Option(help: "Only this project (repeatable; any spelling of the name).")
    var only: [String] = []

    @Option(help: "Only this target.")
    var target: String?

    @Option(help: "Take the share i/n of the plan (deterministic: several machines split one night).")
    var shard: String?

    @Option(help: "The index for pure wheels (default opensource/pure).") var pureIndex: String?
    @Option(help: "The index for binary wheels; {target} is the target's name (default opensource/{target}).") var binaryIndex: String?
    @Option(help: "The consumers' aggregate per target (default platform/{target}).") var consumerIndex: String?

    @Option(help: "The download cache (default: $XDG_CACHE_HOME/wheelwright).")
    var cache: String?

    @OptionGroup var environment: EnvironmentOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var upstream: UpstreamOptions

    func validate() throws {
        if let shard, Shard(shard) == nil { throw ValidationError("--shard must be i/n with 1 ≤ i ≤ n, found '\(shard)'") }
    }

    /// The config file's settings, or none when there is no file and none was named.
    func fileConfiguration() throws -> BuildConfiguration {
        let path = config ?? "wheelwright.yaml"
        guard FileManager.default.fileExists(atPath: path) || config != nil else { return BuildConfiguration() }
        let (configuration, diagnostics) = BuildConfiguration.decode(try ProjectFiles.read(path))
        guard let configuration else { throw BuildRunError.configuration(diagnostics.filter { $0.severity == .error }) }
        return configuration
    }

    /// The run's settings: these flags (and `extra`'s) over the config file over the defaults.
    func settings(overriding extra: BuildConfiguration = BuildConfiguration(), runID: String? = nil, junit: String? = nil) throws -> BuildRunSettings {
        let file = try fileConfiguration()
        var flags = extra
        flags.server = server.server ?? ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"]
        flags.upstream = upstream.upstream.isEmpty ? nil : upstream.upstream
        flags.cache = cache
        flags.pureIndex = pureIndex
        flags.binaryIndex = binaryIndex
        flags.consumerIndex = consumerIndex
        var merged = file.overridden(by: flags)
        if merged.upstream == nil { merged.upstream = upstream.named }
        return BuildRunSettings(
            whitelists: paths, containers: environment.containers, data: URL(fileURLWithPath: environment.data),
            configuration: merged, selection: Plan.Selection(only: Set(only), target: target, shard: shard.flatMap(Shard.init)),
            runID: runID, junit: junit.map { URL(fileURLWithPath: $0) }
        )
    }

    /// The run, publishing through the server's HTTP API as the given user.
    func run(_ settings: BuildRunSettings, onEvent: @escaping @Sendable (BuildRun.Event) -> Void = { _ in }) throws -> BuildRun {
        BuildRun(settings: settings, publisher: HTTPPublisher(client: try server.client(configured: settings.server)), onEvent: onEvent)
    }
}
