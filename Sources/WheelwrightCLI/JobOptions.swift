import ArgumentParser
import Builder
import Foundation
import SiteConfiguration
import Workspace
import YAMLFiles

/// What `build` and `plan` share: the whitelist, the targets, the index and upstream, and which
/// entries to take. Settings left out come from the config file (`--config`, `WHEELWRIGHT_CONFIG`
/// or `./wheelwright.yaml`), then defaults.
struct JobOptions: ParsableArguments {
    @Argument(help: "Whitelist files or folders of them (default: the config file's whitelists:, else ./whitelists).")
    var paths: [String] = []

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
    @OptionGroup var crateRegistry: CrateRegistryOption
    @OptionGroup var buildRequirements: BuildRequirementsOption

    @Option(help: "The clock release cooldowns are measured against, ISO 8601 UTC (default: now): the plan of a night to come.")
    var asOf: String?

    func validate() throws {
        if let shard, Shard(shard) == nil { throw ValidationError("--shard must be i/n with 1 ≤ i ≤ n, found '\(shard)'") }
        try ClockOption.validate(asOf)
    }

    /// The run's settings: these flags (and `extra`'s) over the config file over the defaults.
    func settings(overriding extra: BuildConfiguration = BuildConfiguration(), runID: String? = nil, junit: String? = nil) throws -> BuildRunSettings {
        let site = try environment.resolved()
        var flags = extra
        flags.server = SettingSources.process.value(server.server, variable: "WHEELWRIGHT_SERVER")
        flags.upstream = upstream.named
        flags.crateRegistry = crateRegistry.flag
        flags.buildRequirements = buildRequirements.buildRequirements
        flags.cache = cache
        flags.pureIndex = pureIndex
        flags.binaryIndex = binaryIndex
        flags.consumerIndex = consumerIndex
        let merged = site.configuration.overridden(by: flags)
        var settings = BuildRunSettings(
            whitelists: paths.isEmpty ? merged.whitelists ?? ["whitelists"] : paths, containers: site.containers, data: site.data,
            configuration: merged, selection: Plan.Selection(only: Set(only), target: target, shard: shard.flatMap(Shard.init)),
            runID: runID, junit: junit.map { URL(fileURLWithPath: $0) }
        )
        if let now = asOf.flatMap(ClockOption.date) { settings.now = now }
        return settings
    }

    /// The run, publishing through the server's HTTP API with the flags' or the config file's credentials.
    func run(_ settings: BuildRunSettings, onEvent: @escaping @Sendable (BuildRun.Event) -> Void = { _ in }) throws -> BuildRun {
        let credentials = try environment.resolved().configuration
        return BuildRun(settings: settings, publisher: HTTPPublisher(client: try server.client(configured: credentials)), onEvent: onEvent)
    }
}
