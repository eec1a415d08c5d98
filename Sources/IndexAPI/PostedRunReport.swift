import Foundation

/// A run's report as the index receives and keeps it (`POST /+builds`): the report's own keys,
/// and `logs` (item id → the tail of its log) beside them.
public struct PostedRunReport: Sendable, Codable {
    public let report: RunReport
    public let logs: [String: String]

    public init(report: RunReport, logs: [String: String]) { (self.report, self.logs) = (report, logs) }

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
