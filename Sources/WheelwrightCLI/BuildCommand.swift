import ArgumentParser
import Builder
import Foundation
import IndexAPI
import Runners
import SiteConfiguration
import Whitelist

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

    @Option(help: "The index for pure wheels (default opensource/pure).")
    var pureIndex: String?

    @Option(help: "The index for binary wheels; {target} is the target's name (default opensource/{target}).")
    var binaryIndex: String?

    @Option(help: "The consumers' aggregate per target (default platform/{target}).")
    var consumerIndex: String?

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
        guard let configuration else {
            throw ValidationError(diagnostics.map(\.description).joined(separator: "\n"))
        }
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
    func run(_ settings: BuildRunSettings, onEvent: @escaping @Sendable (BuildRun.Event) -> Void = { _ in }) -> BuildRun {
        BuildRun(settings: settings, publisher: HTTPPublisher(client: server.client(configured: settings.server)), onEvent: onEvent)
    }
}

/// Each build's limits, as `build` and `runner build` take them: flag, else the config file,
/// else `ResourceLimits.default`.
struct LimitOptions: ParsableArguments {
    @Option(help: "The time limit of each build step, in seconds (default \(Int(ResourceLimits.default.time.components.seconds))).")
    var timeout: Int?

    @Option(help: "The memory limit of each build, in MiB (default \(ResourceLimits.default.memoryBytes >> 20)).")
    var memory: Int?

    @Option(help: "The limit on each build's processes and threads (default \(ResourceLimits.default.processes)).")
    var processes: Int?

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

/// Prints a run's failure to plan and exits 2: the whitelist or a flag must be fixed.
func planningFailed(_ error: BuildRunError) -> ExitCode {
    print(error)
    return ExitCode(2)
}

extension Wheelwright {
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what `build` would build: entries × targets × interpreters, minus denied versions and what the index holds."
        )

        @OptionGroup var options: JobOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let planned: BuildRun.Planned
            do {
                planned = try await options.run(try options.settings()).plan()
            } catch let error as BuildRunError {
                throw planningFailed(error)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(planned.plan), as: UTF8.self))
            } else {
                for item in planned.plan.items { print("build \(item.id)") }
                for skipped in planned.plan.skipped { print("skip  \(skipped.item.id): \(skipped.reason)") }
                for (project, reason) in planned.unresolved { print("error \(project): \(reason)") }
                print("\(planned.plan.items.count) to build, \(planned.plan.skipped.count) skipped, \(planned.unresolved.count) unresolved")
            }
            if !planned.unresolved.isEmpty { throw ExitCode(1) }
        }
    }
}

extension Wheelwright {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The nightly job: plan, fetch, build per target, tag, publish, report.",
            discussion: """
                Builds what the index does not hold yet, isolated in each target's environment, retags binary \
                wheels manylinux where their shared objects allow, and uploads them with their provenance and \
                log: pure wheels to the pure index, binary ones to their target's, with consumer aggregates \
                created when missing. Exit 0 when every planned item succeeded, 1 when some failed (or the run \
                was stopped), 2 for a usage or configuration error, 75 when another build against the same \
                index is running.
                """
        )

        @OptionGroup var options: JobOptions

        @Option(help: "Builds at once (default: from cores and memory).")
        var jobs: Int?

        @Option(help: "rootfs (default), oci or host.")
        var runner: RunnerKind?

        @OptionGroup var limitOptions: LimitOptions

        @Flag(help: "Plan and fetch; build and publish nothing.")
        var dryRun = false

        @Option(help: "Write a JUnit XML report here.")
        var junit: String?

        @Option(help: "Suffix each JUnit test name with this, so several runs merge.")
        var runID: String?

        @Flag(help: "Print the run's summary as JSON.")
        var json = false

        func run() async throws {
            var flags = limitOptions.configuration
            flags.jobs = jobs
            flags.runner = runner?.rawValue
            let settings = try options.settings(overriding: flags, runID: runID, junit: junit)
            let progress = Progress(label: "build", quiet: json)
            let run = options.run(settings) { [json] event in
                switch event {
                case .planned(let plan):
                    progress.start(total: plan.items.count)
                    if !json { print("plan: \(plan.items.count) to build, \(plan.skipped.count) skipped (already in the index or denied)") }
                case .fetched(let sdist):
                    if !json { print("fetched \(sdist)") }
                case .fetchFailed(let release, let reason):
                    print("error: \(release): \(reason)")
                case .finished(let result):
                    let detail = result.status == .built ? "\(result.wheel ?? "") → \(result.index ?? "")" : (result.reason ?? "")
                    progress.finished("\(result.status.rawValue) \(result.item.id): \(detail)", failed: result.status == .failed)
                }
            }
            do {
                if dryRun {
                    let (planned, failures) = try await run.fetchOnly()
                    for item in planned.plan.items where !json { print("would build \(item.id)") }
                    if failures > 0 { throw ExitCode(1) }
                    return
                }
                let outcome = try await cancellingOnSignals { try await run.run() }
                if json {
                    print(String(decoding: try outcome.report.json(), as: UTF8.self))
                } else {
                    Self.printSummary(outcome.report, workspace: outcome.workspace)
                }
                if outcome.report.exitCode != 0 { throw ExitCode(outcome.report.exitCode) }
            } catch let error as BuildRunError {
                throw planningFailed(error)
            } catch let error as BuilderError {
                guard case .locked = error else { throw error }
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(75)
            }
        }

        static func printSummary(_ report: RunReport, workspace: URL) {
            print("")
            let rows = report.results.map { result -> [String] in
                [result.status.rawValue, result.item.id, result.status == .built ? "\(result.wheel ?? "") → \(result.index ?? "")" : (result.reason ?? ""),
                 result.status == .failed ? (result.log ?? "") : ""]
            }
            let widths = [9, rows.map { $0[1].count }.max() ?? 0]
            for row in rows {
                let line = row[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + row[1].padding(toLength: widths[1] + 2, withPad: " ", startingAt: 0) + row[2]
                print(row[3].isEmpty ? line : line + "\n" + String(repeating: " ", count: widths[0]) + "log: " + row[3])
            }
            print("\(report.count(.built)) built, \(report.count(.skipped) + report.skipped.count) skipped, \(report.count(.failed)) failed, \(report.count(.cancelled)) cancelled in \(String(format: "%.1f", report.seconds)) s; report: \(workspace.appendingPathComponent("report.json").path)")
        }
    }
}

/// Runs `body`, cancelling it on SIGINT or SIGTERM (running builds are killed; the report
/// says what was left).
func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task { try await body() }
    let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            FileHandle.standardError.write(Data("\nwheelwright: stopping: killing running builds, nothing half-published\n".utf8))
            task.cancel()
        }
        source.resume()
        return source
    }
    defer { for source in sources { source.cancel() } }
    return try await task.value
}
