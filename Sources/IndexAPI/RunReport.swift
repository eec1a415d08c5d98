import Foundation

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
