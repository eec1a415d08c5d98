import ArgumentParser
import Basics
import Builder
import Crypto
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import Upstream
import Whitelist
import Yams

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

    /// The config file's settings, or none.
    func configuration() throws -> BuildConfiguration {
        let path = config ?? "wheelwright.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            if config != nil { throw ValidationError("no config file \(path)") }
            return BuildConfiguration()
        }
        do {
            return try YAMLDecoder().decode(BuildConfiguration.self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    func layout(_ configuration: BuildConfiguration) -> IndexLayout {
        IndexLayout(pure: pureIndex ?? configuration.pureIndex ?? IndexLayout.standard.pure,
                    binary: binaryIndex ?? configuration.binaryIndex ?? IndexLayout.standard.binary,
                    consumer: consumerIndex ?? configuration.consumerIndex ?? IndexLayout.standard.consumer)
    }

    /// Everything a plan is made of, and the plan. Exits 2 when the whitelist has errors.
    func plan(_ configuration: BuildConfiguration, publisher: HTTPPublisher) async throws -> Planned {
        let (targets, targetDiagnostics) = try ProjectFiles.targets(in: environment.containers)
        let report = Whitelist.read(try ProjectFiles.whitelistSources(paths), targets: targets).adding(targetDiagnostics)
        guard let whitelist = report.whitelist else {
            for diagnostic in report.diagnostics where diagnostic.severity == .error { print(diagnostic) }
            print("the whitelist has errors: run `wheelwright whitelist lint`")
            throw ExitCode(2)
        }
        if let target, !targets.contains(where: { $0.name == target }) {
            throw ValidationError("no target '\(target)' in \(environment.containers)/ (have: \(targets.map(\.name).joined(separator: ", ")))")
        }
        let cacheRoot = cache.map { URL(fileURLWithPath: $0) } ?? configuration.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot
        let downloads = try DownloadCache(root: cacheRoot)
        let upstreams = upstream.upstream.isEmpty ? (configuration.upstream?.compactMap(URL.init(string:)) ?? upstream.urls) : upstream.urls
        let sources = SourceFetcher(client: UpstreamClient(indices: upstreams), cache: downloads)
        let selection = Plan.Selection(only: Set(only), target: target, shard: shard.flatMap(Shard.init))

        var versions: [String: [Version]] = [:]
        var unresolved: [(String, String)] = []
        for package in whitelist.packages where selection.only.isEmpty || selection.only.contains(package.entry.name.normalized) {
            do {
                versions[package.entry.name.normalized] = try await sources.versions(of: package.entry)
            } catch {
                unresolved.append((package.entry.name.normalized, "\(error)"))
            }
        }
        let layout = layout(configuration)
        var contents = IndexContents()
        for wheel in try await publisher.wheels(in: layout.pure) ?? [] {
            if let parsed = try? WheelFilename(wheel.filename) { contents.addPure(parsed) }
        }
        for definition in targets where selection.target == nil || selection.target == definition.name {
            for wheel in try await publisher.wheels(in: layout.binary(for: definition.name)) ?? [] {
                if let parsed = try? WheelFilename(wheel.filename) { contents.addBinary(parsed, target: definition.name, python: wheel.python) }
            }
        }
        let plan = Plan(whitelist: whitelist, versions: versions, holding: contents, selection: selection)
        return Planned(plan: plan, targets: targets, sources: sources, cache: downloads, upstream: upstreams, unresolved: unresolved, layout: layout)
    }

    struct Planned {
        let plan: Plan
        let targets: [TargetDefinition]
        let sources: SourceFetcher
        let cache: DownloadCache
        let upstream: [URL]
        /// Entries whose versions could not be resolved upstream, and why.
        let unresolved: [(project: String, reason: String)]
        let layout: IndexLayout
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

    func limits(_ configuration: BuildConfiguration = BuildConfiguration()) -> ResourceLimits {
        let fallback = ResourceLimits.default
        return ResourceLimits(
            time: (timeout ?? configuration.timeout).map { .seconds($0) } ?? fallback.time,
            memoryBytes: (memory ?? configuration.memory).map { UInt64($0) << 20 } ?? fallback.memoryBytes,
            processes: processes ?? configuration.processes ?? fallback.processes
        )
    }
}

/// `wheelwright.yaml`: the settings a site keeps rather than types.
struct BuildConfiguration: Decodable {
    var server: String?
    var upstream: [String]?
    var cache: String?
    var pureIndex: String?
    var binaryIndex: String?
    var consumerIndex: String?
    var runner: String?
    var jobs: Int?
    var timeout: Int?
    var memory: Int?
    var processes: Int?

    enum CodingKeys: String, CodingKey {
        case server, upstream, cache, pureIndex = "pure-index", binaryIndex = "binary-index", consumerIndex = "consumer-index",
             runner, jobs, timeout, memory, processes
    }
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
            let configuration = try options.configuration()
            let publisher = HTTPPublisher(client: IndexClient(options: options.server.applying(configuration)))
            let planned = try await options.plan(configuration, publisher: publisher)
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

extension ServerOptions {
    /// The config file's server where no flag or variable named one.
    func applying(_ configuration: BuildConfiguration) -> ServerOptions {
        var options = self
        if ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] == nil, server == "http://127.0.0.1:4040", let configured = configuration.server {
            options.server = configured
        }
        return options
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
            let configuration = try options.configuration()
            let client = IndexClient(options: options.server.applying(configuration))
            let publisher = HTTPPublisher(client: client)
            let data = URL(fileURLWithPath: options.environment.data)
            let serverKey = SHA256.hash(data: Data(client.options.server.utf8)).prefix(8).hex
            let lock: RunLock
            do {
                lock = try RunLock(path: data.appendingPathComponent("locks/build-\(serverKey).lock"))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(75)
            }
            defer { withExtendedLifetime(lock) {} }

            let started = Date()
            let clock = ContinuousClock.now
            let planned = try await options.plan(configuration, publisher: publisher)
            let plan = planned.plan
            if !json { print("plan: \(plan.items.count) to build, \(plan.skipped.count) skipped (already in the index or denied)") }
            if dryRun {
                var failed = planned.unresolved.count
                for item in Dictionary(grouping: plan.items, by: \.release).values.compactMap(\.first) {
                    do {
                        let sdist = try await planned.sources.sdist(project: item.project, version: item.version)
                        if !json { print("fetched \(sdist.path.lastPathComponent)") }
                    } catch {
                        failed += 1
                        print("error: \(item.release): \(error)")
                    }
                }
                for item in plan.items where !json { print("would build \(item.id)") }
                if failed > 0 { throw ExitCode(1) }
                return
            }
            let usedTargets = Set(plan.items.map(\.target))
            for (index, bases) in planned.layout.indices(for: planned.targets.map(\.name).filter(usedTargets.contains)) {
                try await publisher.ensureIndex(index, bases: bases)
            }
            let limits = limitOptions.limits(configuration)
            let kind = try runner ?? configuration.runner.map { value in
                guard let kind = RunnerKind(rawValue: value) else { throw ValidationError("wheelwright.yaml: runner must be rootfs, oci or host") }
                return kind
            } ?? .rootfs
            let workspace = data.appendingPathComponent("builds/\(Self.stamp(started))")
            let settings = JobSettings(jobs: jobs ?? configuration.jobs ?? Self.defaultJobs, limits: limits, runner: kind,
                                       layout: planned.layout, workspace: workspace)
            let progress = Progress(total: plan.items.count, label: "build", quiet: json)
            let job = BuildJob(settings: settings, targets: planned.targets, sources: planned.sources,
                               environments: options.environment.environments, publisher: publisher,
                               upstream: planned.upstream, cache: planned.cache) { result in
                let detail = result.status == .built ? "\(result.wheel ?? "") → \(result.index ?? "")" : (result.reason ?? "")
                progress.finished("\(result.status.rawValue) \(result.item.id): \(detail)", failed: result.status == .failed)
            }
            let results = await Self.cancellingOnSignals { await job.run(plan) }
            let unresolved = planned.unresolved.map { ItemResult.unresolved(project: $0.project, reason: $0.reason) }
            let elapsed = ContinuousClock.now - clock
            let report = RunReport(runID: runID, startedAt: started, seconds: elapsed.seconds,
                                   results: results + unresolved, skipped: plan.skipped)
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            try report.json().write(to: workspace.appendingPathComponent("report.json"))
            if !plan.items.isEmpty { await publisher.report(report) }
            if let junit {
                try Data(report.junit(logTail: Self.tail).utf8).write(to: URL(fileURLWithPath: junit), options: .atomic)
            }
            if json {
                print(String(decoding: try report.json(), as: UTF8.self))
            } else {
                Self.printSummary(report, workspace: workspace)
            }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }

        /// Builds at once: one per core, and no more than one per 3 GiB of memory.
        static var defaultJobs: Int {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let memory = Int(ProcessInfo.processInfo.physicalMemory >> 30) / 3
            return max(1, min(cores, memory))
        }

        static func stamp(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd'T'HHmmss"
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date) + "-\(getpid())"
        }

        /// The last 60 lines of a log, for a JUnit failure.
        static func tail(_ path: String) -> String {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n")
        }

        /// Runs `body`, cancelling it on SIGINT or SIGTERM (running builds are killed; the report
        /// says what was left).
        static func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
            let task = Task { await body() }
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
            let value = await task.value
            for source in sources { source.cancel() }
            return value
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
