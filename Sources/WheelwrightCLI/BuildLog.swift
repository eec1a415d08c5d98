import ArgumentParser
import Builder
import Foundation
import IndexAPI

/// How `build` tells what happens: lines for a person (a bar on a terminal, one stamped line per
/// event elsewhere), or JSON lines for a log collector.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Turns a run's events into its log: the plan, warnings, fetches, each environment step, each
/// item started and finished (duration, result, wheel, index), and the closing summary.
struct BuildLog: Sendable {
    let format: LogFormat
    /// True when standard output holds the JSON report: the log then goes to standard error.
    let reportOnStdout: Bool
    let progress: Progress
    /// The index server the run plans against and publishes to, named in the first line: with
    /// no --server, the default one (http://127.0.0.1:4040) is easy to use by accident.
    let server: String

    init(format: LogFormat, reportOnStdout: Bool, server: String) {
        self.format = format
        self.reportOnStdout = reportOnStdout
        self.server = server
        progress = Progress(label: "build", quiet: reportOnStdout || format == .json)
    }

    func record(_ event: BuildRun.Event) {
        if format == .json {
            var fields = Self.fields(event)
            if case .planned = event { fields["server"] = server }
            line(fields)
            return
        }
        switch event {
        case .planned(let plan):
            progress.start(total: plan.items.count)
            progress.note("plan: \(plan.items.count) to build, \(plan.skipped.count) skipped (already in the index, denied, or not for the interpreter); index \(server)")
        case .dependencyWarning(let warning):
            if reportOnStdout {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            } else {
                progress.note("warning: \(warning)")
            }
        case .fetched(let sdist):
            progress.note("fetched \(sdist)")
        case .fetchFailed(let release, let reason):
            FileHandle.standardError.write(Data("error: \(release): \(reason)\n".utf8))
        case .preparing(let step):
            progress.note("preparing: \(step)")
        case .ordered(let chain):
            let line = "build order: depth \(chain.count) (\(chain.joined(separator: " → ")))"
            if reportOnStdout {
                FileHandle.standardError.write(Data("\(line)\n".utf8))
            } else {
                progress.note(line)
            }
        case .started(let item):
            progress.started("started \(item.id)")
        case .finished(let result):
            let detail = result.status == .built ? "\(result.wheel ?? "") → \(result.index ?? "")" : (result.reason ?? "")
            progress.finished("\(result.status.rawValue) \(result.item.id) in \(String(format: "%.1f", result.seconds)) s: \(detail)",
                              failed: result.status == .failed)
        }
    }

    /// The run's last line in JSON lines: its counts, duration and report.
    func summary(_ report: RunReport, report path: URL) {
        guard format == .json else { return }
        line(["event": "summary", "built": report.count(.built), "failed": report.count(.failed),
              "skipped": report.count(.skipped) + report.skipped.count, "cancelled": report.count(.cancelled),
              "seconds": report.seconds, "report": path.path])
    }

    static func fields(_ event: BuildRun.Event) -> [String: Any] {
        switch event {
        case .planned(let plan): ["event": "plan", "to_build": plan.items.count, "skipped": plan.skipped.count]
        case .dependencyWarning(let warning): ["event": "warning", "message": warning]
        case .fetched(let sdist): ["event": "fetched", "sdist": sdist]
        case .fetchFailed(let release, let reason): ["event": "fetch_failed", "release": release, "reason": reason]
        case .preparing(let step): ["event": "preparing", "step": step]
        case .ordered(let chain): ["event": "ordered", "depth": chain.count, "longest_chain": chain]
        case .started(let item): ["event": "started", "item": item.id, "project": item.project, "version": item.version,
                                  "target": item.target, "python": item.python]
        case .finished(let result):
            ["event": "finished", "item": result.item.id, "project": result.item.project, "version": result.item.version,
             "target": result.item.target, "python": result.item.python, "status": result.status.rawValue, "seconds": result.seconds]
                .merging([("wheel", result.wheel), ("index", result.index), ("reason", result.reason), ("log", result.log)]
                    .compactMap { key, value in value.map { (key, $0 as Any) } }) { first, _ in first }
        }
    }

    /// One JSON object on a line with its UTC time, to stdout (stderr when stdout holds the report).
    private func line(_ fields: [String: Any]) {
        var stamped = fields
        stamped["time"] = Date().ISO8601Format()
        guard let data = try? JSONSerialization.data(withJSONObject: stamped, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        (reportOnStdout ? FileHandle.standardError : FileHandle.standardOutput).write(data + Data("\n".utf8))
    }
}
