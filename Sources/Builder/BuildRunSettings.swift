import Basics
import Crypto
import Foundation
import Runners
import SiteConfiguration
import Upstream
import Whitelist

/// Everything a `BuildRun` needs, resolved: flags over `wheelwright.yaml` over defaults.
public struct BuildRunSettings: Sendable {
    /// Whitelist files or folders of them.
    public var whitelists: [String]
    /// The folder of target definitions (`containers/<name>/target.yaml`).
    public var containers: String
    /// The data directory: root filesystems, locks, each run's workspace.
    public var data: URL
    /// The index server's URL; the run lock is per server.
    public var server: String
    public var selection: Plan.Selection
    public var layout: IndexLayout
    public var cache: URL
    public var upstream: [URL]
    /// Where Rust extensions' crates are vendored from; nil: crates.io.
    public var crateRegistry: CrateRegistry?
    public var buildRequirements: BuildRequirementsSource
    /// How old a release must be upstream before it is built, unless its entry says otherwise.
    public var cooldown: Cooldown
    /// The clock the cooldown is measured against (`--as-of`; now).
    public var now = Date()
    public var jobs: Int
    public var limits: ResourceLimits
    public var runner: RunnerKind
    public var runID: String?
    /// Where to write a JUnit report, if anywhere.
    public var junit: URL?
    /// Where to write the run's figures for Prometheus' textfile collector, if anywhere.
    public var metricsFile: URL?

    /// The settings from a configuration whose keys flags have already overridden; what it
    /// leaves out takes the defaults.
    public init(whitelists: [String], containers: String, data: URL, configuration: BuildConfiguration,
                selection: Plan.Selection, runID: String? = nil, junit: URL? = nil) {
        self.whitelists = whitelists
        self.containers = containers
        self.data = data
        self.server = configuration.server ?? Self.defaultServer
        self.selection = selection
        self.layout = IndexLayout(pure: configuration.pureIndex ?? IndexLayout.standard.pure,
                                  binary: configuration.binaryIndex ?? IndexLayout.standard.binary,
                                  consumer: configuration.consumerIndex ?? IndexLayout.standard.consumer)
        self.cache = configuration.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot
        let upstream = (configuration.upstream ?? []).compactMap { URL(string: $0.trimmingCharacters(in: .whitespaces)) }
        self.upstream = upstream.isEmpty ? [UpstreamClient.pypi] : upstream
        // decode() checked it: a value that does not parse here came from code, not a file.
        self.crateRegistry = configuration.crateRegistry.flatMap { try? CrateRegistry.parse($0).get() }
        self.buildRequirements = configuration.buildRequirements ?? .standard
        self.cooldown = configuration.cooldown ?? .none
        self.jobs = configuration.jobs ?? Self.defaultJobs
        self.limits = Self.limits(configuration)
        self.runner = configuration.runner.flatMap(RunnerKind.init(rawValue:)) ?? .rootfs
        self.runID = runID
        self.junit = junit
        self.metricsFile = configuration.metricsFile.map { URL(fileURLWithPath: $0) }
    }

    public static let defaultServer = "http://127.0.0.1:4040"

    /// Each build's limits: the configuration's, else `ResourceLimits.default`.
    public static func limits(_ configuration: BuildConfiguration) -> ResourceLimits {
        let fallback = ResourceLimits.default
        return ResourceLimits(
            time: configuration.timeout.map { .seconds($0) } ?? fallback.time,
            memoryBytes: configuration.memory.map { UInt64($0) << 20 } ?? fallback.memoryBytes,
            processes: configuration.processes ?? fallback.processes
        )
    }

    /// Builds at once: one per core, and no more than one per 3 GiB of memory.
    public static var defaultJobs: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Int(ProcessInfo.processInfo.physicalMemory >> 30) / 3
        return max(1, min(cores, memory))
    }
}
