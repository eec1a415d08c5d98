import IndexAPI

/// What the index keeps of a run's report besides the report itself: its counts, and a
/// coverage cell per (project, target) the run planned. Pure: the report in, the rows out.
public struct RunDigest: Sendable, Equatable {
    public let built, failed, skipped, cancelled: Int
    public let seconds: Double
    public let runID: String?
    /// Without `run` filled (0): the catalog gives the run its number.
    public let cells: [CoverageCell]
    /// What the run built or tried to build (not the plan's skipped items).
    public let items: [RunItem]

    public init(_ posted: PostedRunReport, run: Int64 = 0) {
        let report = posted.report
        built = report.count(.built)
        failed = report.count(.failed)
        skipped = report.count(.skipped) + report.skipped.count
        cancelled = report.count(.cancelled)
        seconds = report.seconds
        runID = report.runID.flatMap { $0.isEmpty ? nil : $0 }
        items = report.results.map { result in
            RunItem(run: run, project: result.item.project, version: result.item.version, target: result.item.target, python: result.item.python,
                    status: result.status.rawValue, seconds: result.seconds, wheel: result.wheel, index: result.index, reason: result.reason,
                    logItem: posted.logs[result.item.id] == nil ? nil : result.item.id, tool: result.buildTool)
        }
        var items: [String: [(version: String, status: CoverageCell.Status, reason: String?, log: String?)]] = [:]
        var tools: Set<String> = []
        for result in report.results where result.item.target != "*" {
            let status: CoverageCell.Status = switch result.status {
            case .built, .skipped: .built
            case .failed: .failed
            case .cancelled: .pending
            }
            let log = status == .failed && posted.logs[result.item.id] != nil ? result.item.id : nil
            items[result.item.project + "\u{0}" + result.item.target, default: []].append((result.item.version, status, status == .built ? nil : result.reason, log))
            if result.buildTool { tools.insert(result.item.project + "\u{0}" + result.item.target) }
        }
        for skip in report.skipped {
            let denied = skip.reason.hasPrefix("denied")
            items[skip.item.project + "\u{0}" + skip.item.target, default: []]
                .append((skip.item.version, denied ? .denied : .built, denied ? skip.reason : nil, nil))
        }
        cells = items.map { key, entries in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            let worst = entries.max { $0.status < $1.status } ?? entries[0]
            var versions: [String] = []
            for entry in entries where !versions.contains(entry.version) { versions.append(entry.version) }
            return CoverageCell(project: parts[0], target: parts.count > 1 ? parts[1] : "", status: worst.status,
                                versions: versions.joined(separator: ", "), reason: worst.reason, logItem: worst.log, run: run, tool: tools.contains(key))
        }.sorted { ($0.project, $0.target) < ($1.project, $1.target) }
    }
}
