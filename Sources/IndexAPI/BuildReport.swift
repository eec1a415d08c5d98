import Foundation

/// One wheel to make: a project's version, for one target and interpreter.
public struct BuildItem: Sendable, Hashable, Codable {
    /// The PEP 503 name.
    public let project: String
    public let version: String
    public let target: String
    public let python: String
    /// The entry's `build: N`: the wheel's build tag.
    public let buildTag: Int?
    public let systemPackages: [String]
    public let environment: [String: String]

    public init(project: String, version: String, target: String, python: String, buildTag: Int?,
                systemPackages: [String], environment: [String: String]) {
        self.project = project
        self.version = version
        self.target = target
        self.python = python
        self.buildTag = buildTag
        self.systemPackages = systemPackages
        self.environment = environment
    }

    /// `markupsafe-3.0.2-debian-12-py3.11`: the name of the item in reports, JUnit and logs.
    public var id: String { "\(project)-\(version)-\(target)-py\(python)" }

    /// The project and version: items of one release build one after another (a pure wheel
    /// made for the first target serves the rest).
    public var release: String { "\(project)==\(version)" }

    enum CodingKeys: String, CodingKey {
        case project, version, target, python, buildTag = "build_tag", systemPackages = "system_packages", environment
    }
}

/// An item left out of the plan, and why.
public struct SkippedItem: Sendable, Hashable, Codable {
    public let item: BuildItem
    public let reason: String

    public init(item: BuildItem, reason: String) {
        self.item = item
        self.reason = reason
    }
}

/// How one planned item ended.
public struct ItemResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case built, skipped, failed, cancelled
    }

    public let item: BuildItem
    public let status: Status
    /// Why it was skipped, failed or cancelled.
    public let reason: String?
    /// The published wheel's filename and index.
    public let wheel: String?
    public let index: String?
    public let seconds: Double
    public let log: String?

    public init(item: BuildItem, status: Status, reason: String?, wheel: String?, index: String?, seconds: Double, log: String?) {
        self.item = item
        self.status = status
        self.reason = reason
        self.wheel = wheel
        self.index = index
        self.seconds = seconds
        self.log = log
    }

    /// An entry whose versions could not be resolved upstream: nothing of it could be planned.
    public static func unresolved(project: String, reason: String) -> ItemResult {
        ItemResult(item: BuildItem(project: project, version: "*", target: "*", python: "*", buildTag: nil, systemPackages: [], environment: [:]),
                   status: .failed, reason: "resolve: \(reason)", wheel: nil, index: nil, seconds: 0, log: nil)
    }
}

/// A `wheelwright build` run's results, as the builder writes them (`report.json`) and posts
/// them to the index.
public struct RunReport: Sendable, Codable {
    public let runID: String?
    public let startedAt: String
    public let seconds: Double
    public let results: [ItemResult]
    /// Planned items left out before the run (already in the index, denied).
    public let skipped: [SkippedItem]

    public init(runID: String?, startedAt: Date, seconds: Double, results: [ItemResult], skipped: [SkippedItem]) {
        self.runID = runID
        self.startedAt = ISO8601DateFormatter().string(from: startedAt)
        self.seconds = seconds
        self.results = results.sorted { $0.item.id < $1.item.id }
        self.skipped = skipped
    }

    public func count(_ status: ItemResult.Status) -> Int { results.count { $0.status == status } }

    /// 0 when every planned item was built or skipped, 1 otherwise.
    public var exitCode: Int32 { count(.failed) + count(.cancelled) == 0 ? 0 : 1 }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", startedAt = "started_at", seconds, results, skipped
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// A run's report as the index receives and keeps it (`POST /+builds`): the report's own keys,
/// and `logs` (item id → the tail of its log) beside them.
public struct PostedRunReport: Sendable, Codable {
    public let report: RunReport
    public let logs: [String: String]

    public init(report: RunReport, logs: [String: String]) {
        self.report = report
        self.logs = logs
    }

    enum Key: String, CodingKey { case logs }

    public init(from decoder: any Decoder) throws {
        report = try RunReport(from: decoder)
        logs = try decoder.container(keyedBy: Key.self).decodeIfPresent([String: String].self, forKey: .logs) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(logs, forKey: .logs)
    }
}
