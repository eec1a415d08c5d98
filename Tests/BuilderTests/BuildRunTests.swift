import Builder
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import YAMLFiles
import Synchronization
import TestSupport
import Testing

/// An index in memory, for the run: what it holds, which indices were created, what was reported.
actor RecordingPublisher: IndexPublisher {
    private var held: [String: [(filename: String, python: String?)]]
    private(set) var created: [(index: String, bases: [String])] = []
    private(set) var reports: [RunReport] = []

    init(held: [String: [(filename: String, python: String?)]] = [:]) {
        self.held = held
    }

    func wheels(in index: String) async throws -> [(filename: String, python: String?)]? { held[index] }

    func ensureIndex(_ index: String, bases: [String]) async throws {
        created.append((index, bases))
        if held[index] == nil { held[index] = [] }
    }

    func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {
        held[index, default: []].append((wheel.lastPathComponent, provenance.python))
    }

    func report(_ report: RunReport) async throws { reports.append(report) }

    private(set) var testResults: [(wheel: String, index: String, report: [UInt8])] = []

    func postTestResult(_ report: [UInt8], for wheel: URL, in index: String) async throws {
        testResults.append((wheel.lastPathComponent, index, report))
    }

    /// Leases by name, with their owner: a lease another owner holds is `BuilderError.locked`.
    private(set) var leases: [String: String] = [:]

    func acquireLease(_ name: String, owner: String, seconds: Int) async throws {
        if let holder = leases[name], holder != owner { throw BuilderError.locked("another wheelwright build holds the lease \(name) (\(holder))") }
        leases[name] = owner
    }

    func releaseLease(_ name: String, owner: String) async throws {
        if leases[name] == owner { leases[name] = nil }
    }
}

/// A run through its seams: files in a temporary folder, an index in memory, no network
/// (pinned versions need no upstream) and no build (what is planned is already held).
@Suite("BuildRun")
struct BuildRunTests {
    let folder: TemporaryFolder
    let python: String

    init() throws {
        folder = try TemporaryFolder()
        python = try #require(repositoryTargets.first { $0.name == "debian-12" }?.pythonVersions.first)
        try "defaults:\n  targets: [debian-12]\npackages:\n  - name: six\n    versions: [\"1.17.0\"]\n"
            .write(toFile: folder.path("w.yaml"), atomically: true, encoding: .utf8)
    }

    func settings(whitelist: String = "w.yaml", target: String? = nil) -> BuildRunSettings {
        var configuration = BuildConfiguration()
        configuration.cache = folder.path("cache")
        configuration.server = "http://index.invalid"
        return BuildRunSettings(whitelists: [folder.path(whitelist)], containers: Repository.root.appendingPathComponent("containers").path,
                                data: folder.url.appendingPathComponent("data"), configuration: configuration,
                                selection: Plan.Selection(target: target))
    }

    @Test("the plan asks the publisher what each index holds: a held pure wheel leaves nothing to build")
    func planFromPublisher() async throws {
        let empty = try await BuildRun(settings: settings(), publisher: RecordingPublisher()).plan()
        #expect(empty.plan.items.map(\.id) == ["six-1.17.0-debian-12-py\(python)"])
        let held = RecordingPublisher(held: ["opensource/pure": [("six-1.17.0-py2.py3-none-any.whl", python)]])
        let planned = try await BuildRun(settings: settings(), publisher: held).plan()
        #expect(planned.plan.items.isEmpty && planned.plan.skipped.count == 1 && planned.unresolved.isEmpty)
    }

    @Test("a run with nothing to build: indices of unused targets are not created, the run is reported all the same (a no-op night is a night on the chart), report.json is written")
    func runWithNothingToBuild() async throws {
        let publisher = RecordingPublisher(held: ["opensource/pure": [("six-1.17.0-py2.py3-none-any.whl", python)]])
        let events = Mutex<[String]>([])
        let outcome = try await BuildRun(settings: settings(), publisher: publisher) { event in
            events.withLock { $0.append("\(event)") }
        }.run()
        #expect(outcome.report.results.isEmpty && outcome.report.skipped.count == 1 && outcome.report.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: outcome.workspace.appendingPathComponent("report.json").path))
        #expect(await publisher.created.map(\.index) == ["opensource/pure"])
        let reports = await publisher.reports
        #expect(reports.count == 1 && reports.first?.results.isEmpty == true && reports.first?.skipped.count == 1)
        #expect(events.withLock { $0.count } == 1)
    }

    @Test("refusals: a whitelist with errors, an unknown target, a run while another holds the lock")
    func refusals() async throws {
        try "packages:\n  - name: six\n    versoins: [\"1\"]\n".write(toFile: folder.path("bad.yaml"), atomically: true, encoding: .utf8)
        await #expect { try await BuildRun(settings: settings(whitelist: "bad.yaml"), publisher: RecordingPublisher()).plan() } throws: { error in
            guard case BuildRunError.whitelist(let diagnostics) = error else { return false }
            return diagnostics.contains { $0.description.contains("bad.yaml:3:5") && $0.description.contains("did you mean 'versions'") }
        }
        await #expect { try await BuildRun(settings: settings(target: "plan9"), publisher: RecordingPublisher()).plan() } throws: { error in
            guard case BuildRunError.unknownTarget("plan9", _, let known) = error else { return false }
            return known.contains("debian-12")
        }
        let publisher = RecordingPublisher()
        try await publisher.acquireLease("all", owner: "elsewhere pid 1", seconds: 60)
        await #expect { try await BuildRun(settings: settings(), publisher: publisher).run() } throws: { error in
            guard case BuilderError.locked(let message) = error else { return false }
            return message.contains("holds the lease all (elsewhere pid 1)")
        }
        // A run that ends gives its lease back.
        let free = RecordingPublisher(held: ["opensource/pure": [("six-1.17.0-py2.py3-none-any.whl", python)]])
        _ = try await BuildRun(settings: settings(), publisher: free).run()
        #expect(await free.leases.isEmpty)
    }
}
