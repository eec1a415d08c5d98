import Basics
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import Workspace
import YAMLFiles
import Upstream
import Whitelist

/// One `wheelwright build` (or `plan`), from the files to the report: the whitelist and targets
/// read, versions resolved upstream, what the index holds, the plan; then the run lock, the
/// indices created, the job, the report written, posted and (optionally) turned into JUnit.
/// The command line only makes its settings and prints its events.
public struct BuildRun: Sendable {
    public let settings: BuildRunSettings
    let publisher: any IndexPublisher
    /// Hears what happens, in order: the plan, each fetched sdist (dry run), each finished item.
    let onEvent: @Sendable (Event) -> Void

    public enum Event: Sendable {
        case planned(Plan)
        /// A requirement of a release the plan builds that the whitelist does not meet.
        case dependencyWarning(String)
        case fetched(sdist: String)
        case fetchFailed(release: String, reason: String)
        /// A step of preparing a target's environment (a root filesystem: minutes the first time).
        case preparing(String)
        /// With build requirements whitelisted: the longest chain of releases that wait for
        /// each other to be built (the graph's depth).
        case ordered(longestChain: [String])
        case started(BuildItem)
        case finished(ItemResult)
    }

    /// A plan with what it was made of, for the job that carries it out.
    public struct Planned: Sendable {
        public let plan: Plan
        public let targets: [TargetDefinition]
        public let sources: SourceFetcher
        public let cache: DownloadCache
        /// Entries whose versions could not be resolved upstream, and why.
        public let unresolved: [(project: String, reason: String)]
        /// What the releases it builds require that the whitelist does not hold (`lint --deps`'s
        /// findings, for those releases only): warnings, the build goes on.
        public let dependencyWarnings: [String]
        /// The projects each release it builds needs to run, where known (the build order's
        /// input: a tool's runtime dependencies are in the environments it builds in).
        public let runtimeNeeds: [DependencyClosure.Release: Set<String>]
        /// The SHA-256 of every wheel the whitelist pins as `prebuilt:`.
        public let prebuiltPins: Set<String>
    }

    /// What a finished run leaves: its report and the folder of its logs and `report.json`.
    public struct Outcome: Sendable {
        public let report: RunReport
        public let workspace: URL
    }

    public init(settings: BuildRunSettings, publisher: any IndexPublisher, onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.settings = settings
        self.publisher = publisher
        self.onEvent = onEvent
    }

    /// Reads the whitelist and the targets, resolves versions upstream and asks the index what
    /// it holds. Throws `BuildRunError.whitelist` when the whitelist has errors.
    public func plan() async throws -> Planned {
        let (targets, targetDiagnostics) = try ProjectFiles.targets(in: settings.containers)
        let report = Whitelist.read(try ProjectFiles.whitelistSources(settings.whitelists), targets: targets).adding(targetDiagnostics)
        guard let whitelist = report.whitelist else {
            throw BuildRunError.whitelist(report.diagnostics.filter { $0.severity == .error })
        }
        let selection = settings.selection
        if let target = selection.target, !targets.contains(where: { $0.name == target }) {
            throw BuildRunError.unknownTarget(target, folder: settings.containers, known: targets.map(\.name))
        }
        let cache = try DownloadCache(root: settings.cache)
        let sources = SourceFetcher(client: UpstreamClient(indices: settings.upstream), cache: cache)
        var versions: [String: [Version]] = [:]
        var unresolved: [(String, String)] = []
        let entries = whitelist.packages.map(\.entry).filter { selection.only.isEmpty || selection.only.contains($0.name.normalized) }
        for (entry, found) in zip(entries, await Self.versions(of: entries, sources: sources)) {
            switch found {
            case .success(let listed): versions[entry.name.normalized] = listed
            case .failure(let error): unresolved.append((entry.name.normalized, "\(error)"))
            }
        }
        let layout = settings.layout
        var contents = IndexContents()
        for wheel in try await publisher.wheels(in: layout.pure) ?? [] {
            if let parsed = try? WheelFilename(wheel.filename) { contents.addPure(parsed) }
        }
        for definition in targets where selection.target == nil || selection.target == definition.name {
            for wheel in try await publisher.wheels(in: layout.binary(for: definition.name)) ?? [] {
                if let parsed = try? WheelFilename(wheel.filename) { contents.addBinary(parsed, target: definition.name, python: wheel.python) }
            }
        }
        let full = Plan(whitelist: whitelist, versions: versions, holding: contents, selection: selection, targets: targets)
        // Only the releases to build are looked up: a plan of releases already built asks nothing.
        var requiresPython: [String: RequiresPython] = [:]
        for item in Dictionary(grouping: full.items, by: \.release).values.compactMap(\.first) {
            guard let version = try? Version(item.version) else { continue }
            requiresPython[item.release] = try? await sources.requiresPython(project: item.project, version: version)
        }
        let plan = full.skippingUnsupportedInterpreters(requiresPython).skipping(await youngReleases(full, whitelist: whitelist, sources: sources))
        var warnings: [String] = []
        var runtimeNeeds: [DependencyClosure.Release: Set<String>] = [:]
        let building = Set(plan.items.compactMap { item in
            (try? ProjectName(item.project)).flatMap { name in (try? Version(item.version)).map { DependencyClosure.Release(project: name, version: $0) } }
        })
        if !building.isEmpty {
            do {
                let check = DependencyCheck(client: UpstreamClient(indices: settings.upstream), cache: cache, targets: targets,
                                            buildRequirements: settings.buildRequirements)
                let outcome = try await check.check(whitelist, requirers: building, resolved: versions)
                warnings = outcome.diagnostics.map { "\($0.location): \($0.message)" }
                for need in outcome.report.needs where need.kind == .runtime {
                    runtimeNeeds[need.requirer, default: []].insert(need.requirement.project)
                }
            } catch {
                warnings = ["the dependency closure could not be checked: \(error)"
                            + (settings.buildRequirements == .whitelisted ? "; the build order does not know what the tools need to run (a build may wait for it while building)" : "")]
            }
        }
        return Planned(plan: plan, targets: targets, sources: sources, cache: cache, unresolved: unresolved, dependencyWarnings: warnings,
                       runtimeNeeds: runtimeNeeds, prebuiltPins: Set(whitelist.packages.flatMap { $0.entry.prebuilt.map(\.sha256) }))
    }

    /// How many upstream pages a plan reads at once: a follow-mode whitelist asks one page per
    /// entry, and one at a time a night of 5,000 entries waited 5,000 round trips.
    static let pageWidth = 16

    /// Each entry's versions (in `entries`' order), `pageWidth` upstream pages at a time; listed
    /// versions are taken as they are, without a task.
    static func versions(of entries: [PackageEntry], sources: SourceFetcher) async -> [Result<[Version], any Error>] {
        await withTaskGroup(of: (Int, Result<[Version], any Error>).self) { group in
            var found = [Result<[Version], any Error>?](repeating: nil, count: entries.count)
            var next = 0, started = 0, answered = 0
            while next < entries.count || !group.isEmpty {
                while next < entries.count && started - answered < pageWidth {
                    let number = next, entry = entries[number]
                    next += 1
                    if case .exact(let listed) = entry.selection {
                        found[number] = .success(listed)
                        continue
                    }
                    group.addTask {
                        do { return (number, .success(try await sources.versions(of: entry))) } catch { return (number, .failure(error)) }
                    }
                    started += 1
                }
                guard let (number, result) = await group.next() else { break }
                found[number] = result
                answered += 1
            }
            return found.map { $0 ?? .failure(BuilderError.configuration("no answer for \(entries.count) entries")) }
        }
    }

    /// The releases of `plan` still in their cooldown upstream (the entry's `cooldown:`, else the
    /// site's), each with why and when it ends; releases the entry allows young, and prebuilt
    /// ones (pinned by hash), are built. Only releases about to be built are looked up: a no-op
    /// night asks nothing more.
    func youngReleases(_ plan: Plan, whitelist: Whitelist, sources: SourceFetcher) async -> [String: String] {
        let entries = Dictionary(whitelist.packages.map { ($0.entry.name.normalized, $0.entry) }, uniquingKeysWith: { first, _ in first })
        var reasons: [String: String] = [:]
        for item in Dictionary(grouping: plan.items, by: \.release).values.compactMap(\.first) where item.prebuilt == nil {
            guard let entry = entries[item.project], let version = try? Version(item.version), entry.allowYoung[version] == nil else { continue }
            let cooldown = entry.cooldown ?? settings.cooldown
            guard cooldown.seconds > 0 else { continue }
            let uploaded = (try? await sources.uploadTime(project: item.project, version: version)) ?? nil
            let age = ReleaseAge(cooldown: cooldown, uploaded: uploaded.map { [version: $0] } ?? [:], now: settings.now)
            guard let young = age.young(version) else { continue }
            reasons[item.release] = "\(item.project) \(item.version) is in its cooldown: \(young)"
                + (age.ends(version).map { "; it is built the first night after \($0)" } ?? "; allow it on the entry (allow-young:) or wait for an upstream that gives upload times")
        }
        return reasons
    }

    /// A dry run: plans and downloads each planned release's sdist, building and publishing
    /// nothing. Returns how many releases (and unresolved entries) failed.
    public func fetchOnly() async throws -> (planned: Planned, failures: Int) {
        let planned = try await plan()
        onEvent(.planned(planned.plan))
        var failures = planned.unresolved.count
        for item in Dictionary(grouping: planned.plan.items, by: \.release).values.compactMap(\.first).sorted(by: { $0.release < $1.release }) {
            do {
                let sdist = try await planned.sources.sdist(project: item.project, version: item.version)
                onEvent(.fetched(sdist: sdist.path.lastPathComponent))
            } catch {
                failures += 1
                onEvent(.fetchFailed(release: item.release, reason: "\(error)"))
            }
        }
        return (planned, failures)
    }

    /// The whole run, holding the index's lease on its share of the plan (`RunLease`). Throws
    /// `BuilderError.locked` when another run, on any machine, holds that share or an
    /// overlapping one; a failed item is a result in the report, never an error.
    public func run() async throws -> Outcome {
        let lease = try await RunLease(publisher: publisher,
                                       name: BuildLease.name(shard: settings.selection.shard.map { ($0.index, $0.count) }))
        do {
            let outcome = try await runHoldingLease()
            await lease.end()
            return outcome
        } catch {
            await lease.end()
            throw error
        }
    }

    private func runHoldingLease() async throws -> Outcome {
        let started = Date()
        let clock = ContinuousClock.now
        let planned = try await plan()
        let plan = planned.plan
        onEvent(.planned(plan))
        for warning in planned.dependencyWarnings { onEvent(.dependencyWarning(warning)) }
        let usedTargets = Set(plan.items.map(\.target))
        for (index, bases) in settings.layout.indices(for: planned.targets.map(\.name).filter(usedTargets.contains)) {
            try await publisher.ensureIndex(index, bases: bases)
        }
        let workspace = settings.data.appendingPathComponent("builds/\(Self.stamp(started))")
        var jobSettings = JobSettings(jobs: settings.jobs, limits: settings.limits, runner: settings.runner,
                                      layout: settings.layout, workspace: workspace, crateRegistry: settings.crateRegistry)
        jobSettings.buildRequirements = settings.buildRequirements
        jobSettings.server = settings.server
        jobSettings.prebuiltPins = planned.prebuiltPins
        let job = BuildJob(settings: jobSettings,
                           targets: planned.targets, sources: planned.sources, environments: Environments(data: settings.data),
                           publisher: publisher, upstream: settings.upstream, cache: planned.cache, onEvent: onEvent)
        let results = await job.run(plan, runtimeNeeds: planned.runtimeNeeds)
        let unresolved = planned.unresolved.map { ItemResult.unresolved(project: $0.project, reason: $0.reason) }
        let report = RunReport(runID: settings.runID, startedAt: started, seconds: (ContinuousClock.now - clock).seconds,
                               results: results + unresolved, skipped: plan.skipped)
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try report.json().write(to: workspace.appendingPathComponent("report.json"))
        // A night that built nothing is a night too (its counts and the coverage it confirms are
        // small): /+builds/ charts every run, not only those that built.
        do {
            try await publisher.report(report)
        } catch {
            FileHandle.standardError.write(Data("warning: the run's report could not be posted to the index: \(error)\n".utf8))
        }
        if let junit = settings.junit {
            try Data(report.junit(logTail: Self.tail).utf8).write(to: junit, options: .atomic)
        }
        if let metrics = settings.metricsFile {
            // Whole or not at all: the collector may read it at any moment.
            try Data(RunMetrics.text(report, finishedAt: Date()).utf8).write(to: metrics, options: .atomic)
        }
        return Outcome(report: report, workspace: workspace)
    }

    /// `20261130T104500-1234`: when the run started (UTC) and its process, unique per machine.
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
}
