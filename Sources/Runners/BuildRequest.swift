import Foundation
import SiteConfiguration

/// The limits a build runs under. Hitting one ends the build and is reported in its outcome.
public struct ResourceLimits: Sendable, Hashable {
    /// Wall time, after which the whole process tree is killed.
    public var time: Duration
    /// Memory of the whole tree (a control group), or of each process where there is none.
    public var memoryBytes: UInt64
    /// Processes and threads of the whole tree.
    public var processes: Int

    public static let `default` = ResourceLimits(time: .seconds(30 * 60), memoryBytes: 4 << 30, processes: 1024)

    public init(time: Duration, memoryBytes: UInt64, processes: Int) {
        self.time = time
        self.memoryBytes = memoryBytes
        self.processes = processes
    }
}

/// One sdist to build into wheels for one target and interpreter.
public struct BuildRequest: Sendable {
    public var sdist: URL
    public var target: TargetDefinition
    public var interpreter: TargetDefinition.Interpreter
    /// Wheels of the build requirements; the build sees nothing else to install from.
    public var wheelhouse: URL
    /// Extra environment variables (a whitelist entry's `env`).
    public var environment: [String: String]
    public var limits: ResourceLimits
    /// An empty folder the wheels are written to: the only place the build may write.
    public var output: URL
    /// Where the whole log goes.
    public var log: URL

    public init(sdist: URL, target: TargetDefinition, interpreter: TargetDefinition.Interpreter, wheelhouse: URL,
                environment: [String: String] = [:], limits: ResourceLimits = .default, output: URL, log: URL) {
        self.sdist = sdist
        self.target = target
        self.interpreter = interpreter
        self.wheelhouse = wheelhouse
        self.environment = environment
        self.limits = limits
        self.output = output
        self.log = log
    }
}

/// What the build saw: recorded with each wheel as its provenance.
public struct EnvironmentFacts: Sendable, Hashable, Codable {
    /// `Debian GNU/Linux 12 (bookworm)`
    public var os: String
    public var osID: String
    public var osVersion: String
    /// `3.11.2`
    public var python: String
    /// `gcc 12.2.0`, nil when the environment has no C compiler.
    public var compiler: String?
    /// `2.36`
    public var glibc: String?
    /// `rootfs (bubblewrap)`, `oci (podman)`, `host`.
    public var runner: String

    enum CodingKeys: String, CodingKey {
        case os, osID = "os_id", osVersion = "os_version", python, compiler, glibc, runner
    }
}

/// A limit the build ran into.
public enum LimitHit: String, Sendable, Hashable, Codable, CaseIterable {
    case time, memory, processes
}

/// How a build's process ended.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// The result of one build: the wheels it made, and everything needed to tell why not.
public struct BuildOutcome: Sendable {
    public let wheels: [URL]
    public let log: URL
    public let status: ExitStatus
    public let duration: Duration
    /// Nil when the build died before reporting them.
    public let facts: EnvironmentFacts?
    public let limitsHit: Set<LimitHit>

    public var succeeded: Bool { status == .exited(0) && limitsHit.isEmpty && !wheels.isEmpty }

    /// One line for a person: what happened and where the log is.
    public var summary: String {
        if succeeded { return "built \(wheels.map(\.lastPathComponent).joined(separator: ", "))" }
        var reasons: [String] = []
        if limitsHit.contains(.time) { reasons.append("time limit reached, process tree killed") }
        if limitsHit.contains(.memory) { reasons.append("memory limit reached") }
        if limitsHit.contains(.processes) { reasons.append("process limit reached") }
        if reasons.isEmpty { reasons.append(status == .exited(0) ? "no wheel was written" : "the build failed (\(status))") }
        return reasons.joined(separator: "; ") + "; log: \(log.path)"
    }
}

/// Builds wheels from sdists in some environment.
public protocol Runner: Sendable {
    /// `rootfs (bubblewrap)`: the runner and how it confines builds, for logs and provenance.
    var description: String { get }
    /// The backend's dynamic build requirements (PEP 517 `get_requires_for_build_wheel`), asked in
    /// the same confinement as the build, with the static ones installed from the request's wheelhouse.
    func dynamicRequirements(for request: BuildRequest) async throws -> [String]
    /// Builds the request's sdist into wheels in its output folder.
    func build(_ request: BuildRequest) async throws -> BuildOutcome
    /// Runs the interpreter in the build environment (no network), with `folder` visible read-only;
    /// `arguments` gets the path it is visible at. Used to try built wheels where they will run.
    func runPython(_ interpreter: TargetDefinition.Interpreter, arguments: (_ folder: String) -> [String],
                   seeing folder: URL, log: URL, limits: ResourceLimits) async throws -> ExitStatus
}

/// The runners a build can use.
public enum RunnerKind: String, Sendable, CaseIterable, Codable {
    case rootfs, oci, host
}
