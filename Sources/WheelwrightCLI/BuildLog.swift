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
            if case .planned = event { line(event, server: server) } else { line(event) }
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
            // The whole item's time (wheelhouse, build, repair, checks, upload), named apart from the build step the provenance times.
            progress.finished("\(result.status.rawValue) \(result.item.id) in \(String(format: "%.1f", result.seconds)) s (whole item): \(detail)",
                              failed: result.status == .failed)
        }
    }

    /// The run's last line in JSON lines: its counts, duration and report.
    func summary(_ report: RunReport, report path: URL) {
        guard format == .json else { return }
        line(Summary(built: report.count(.built), failed: report.count(.failed), skipped: report.count(.skipped) + report.skipped.count,
                     cancelled: report.count(.cancelled), seconds: report.seconds, report: path.path))
    }

    struct Summary: Encodable {
        let event = "summary"
        let built, failed, skipped, cancelled: Int
        let seconds: Double
        let report: String
    }

    /// A line's fields and its UTC time (and, for the plan, the server), flat in one object.
    private struct Stamped<Fields: Encodable>: Encodable {
        let fields: Fields
        let time: String
        let server: String?

        enum CodingKeys: String, CodingKey { case time, server }

        func encode(to encoder: any Encoder) throws {
            try fields.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(time, forKey: .time)
            try c.encodeIfPresent(server, forKey: .server)
        }
    }

    /// One JSON object on a line with its UTC time, to stdout (stderr when stdout holds the report).
    private func line(_ fields: some Encodable, server: String? = nil) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Stamped(fields: fields, time: Date().ISO8601Format(), server: server)) else { return }
        (reportOnStdout ? FileHandle.standardError : FileHandle.standardOutput).write(data + Data("\n".utf8))
    }
}
