import ArgumentParser
import Builder
import Foundation
import IndexAPI
import Runners
import SiteConfiguration
import Workspace

/// Prints why a run could not be planned and exits 2: the whitelist, the config file or a flag
/// must be fixed (a `BuildRunError` or a `ConfigFileError`).
func planningFailed(_ error: any Error) -> ExitCode {
    print(error)
    return ExitCode(2)
}

extension Wheelwright {
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what `build` would build: entries × targets × interpreters, minus denied versions and what the index holds."
        )

        @OptionGroup var options: JobOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let planned: BuildRun.Planned
            let settings: BuildRunSettings
            do {
                settings = try options.settings()
                planned = try await options.run(settings).plan()
            } catch let error where error is BuildRunError || error is ConfigFileError {
                throw planningFailed(error)
            }
            if json {
                print(try PrettyJSON.string(planned.plan))
            } else {
                print("index \(settings.server)")
                for item in planned.plan.items { print("build \(item.id)") }
                for skipped in planned.plan.skipped { print("skip  \(skipped.item.id): \(skipped.reason)") }
                for (project, reason) in planned.unresolved { print("error \(project): \(reason)") }
                for warning in planned.dependencyWarnings { print("warning: \(warning)") }
                print("\(planned.plan.items.count) to build, \(planned.plan.skipped.count) skipped, \(planned.unresolved.count) unresolved")
            }
            if !planned.unresolved.isEmpty { throw ExitCode(1) }
        }
    }
}

extension Wheelwright {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The nightly job: plan, fetch, build per target, tag, publish, report.",
            discussion: """
                Builds what the index does not hold yet, isolated in each target's environment, retags binary \
                wheels manylinux where their shared objects allow, and uploads them with their provenance and \
                log: pure wheels to the pure index, binary ones to their target's, with consumer aggregates \
                created when missing. Exit 0 when every planned item succeeded, 1 when some failed (or the run \
                was stopped), 2 for a usage or configuration error, 75 when another build against the same \
                index is running.
                """
        )

        @OptionGroup var options: JobOptions

        @Option(help: "Builds at once (default: from cores and memory).")
        var jobs: Int?

        @Option(help: "rootfs (default), oci or host.")
        var runner: RunnerKind?

        @OptionGroup var limitOptions: LimitOptions

        @Flag(help: "Plan and fetch; build and publish nothing.")
        var dryRun = false

        @Option(help: "Write a JUnit XML report here.")
        var junit: String?

        @Option(help: "Suffix each JUnit test name with this, so several runs merge.")
        var runID: String?

        @Option(help: "Write the run's figures here for Prometheus' textfile collector (items per target and result, seconds, success).")
        var metricsFile: String?

        @Flag(help: "Print the run's report as JSON (the log then goes to standard error).")
        var json = false

        @Option(help: "text (a bar on a terminal, else one stamped line per event) or json (one JSON object per event).")
        var logFormat: LogFormat = .text

        func validate() throws {
            // A night's build measures cooldowns against now: a later clock would build releases still young.
            if let asOf = options.asOf, !dryRun, (ClockOption.date(asOf) ?? .distantPast) > Date() {
                throw ValidationError("--as-of later than now builds releases still in their cooldown: it is for plan and build --dry-run")
            }
        }

        func run() async throws {
            let settings = try runSettings()
            let log = BuildLog(format: logFormat, reportOnStdout: json, server: settings.server)
            let run = try options.run(settings) { log.record($0) }
            do {
                if dryRun {
                    let (planned, failures) = try await run.fetchOnly()
                    for item in planned.plan.items where !json { print("would build \(item.id)") }
                    if failures > 0 { throw ExitCode(1) }
                    return
                }
                let outcome = try await cancellingOnSignals { try await run.run() }
                try report(outcome, log: log)
            } catch let error where error is BuildRunError || error is ConfigFileError {
                throw planningFailed(error)
            } catch let error as BuilderError {
                guard case .locked = error else { throw error }
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(75)
            }
        }

        /// The run's settings from flags, environment and config; exit 2 when they do not make a
        /// run, or when this host cannot give the runner what it needs.
        private func runSettings() throws -> BuildRunSettings {
            var flags = limitOptions.configuration
            flags.jobs = jobs
            flags.runner = runner?.rawValue
            flags.metricsFile = metricsFile
            let settings: BuildRunSettings
            do {
                settings = try options.settings(overriding: flags, runID: runID, junit: junit)
            } catch let error where error is BuildRunError || error is ConfigFileError {
                throw planningFailed(error)
            }
            if !dryRun, let problem = settings.runner.privilegeProblem(uid: getuid()) {
                FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
                throw ExitCode(2)
            }
            return settings
        }

        /// The report as asked (JSON on stdout, a JSON log line, or the table), and the run's exit code.
        private func report(_ outcome: BuildRun.Outcome, log: BuildLog) throws {
            if json {
                print(String(decoding: try outcome.report.json(), as: UTF8.self))
            } else if logFormat == .json {
                log.summary(outcome.report, report: outcome.workspace.appendingPathComponent("report.json"))
            } else {
                Self.printSummary(outcome.report, workspace: outcome.workspace)
            }
            if outcome.report.exitCode != 0 { throw ExitCode(outcome.report.exitCode) }
        }

        static func printSummary(_ report: RunReport, workspace: URL) {
            print("")
            let rows = report.results.map { result -> [String] in
                [result.status.rawValue, result.item.id, result.status == .built ? "\(result.wheel ?? "") → \(result.index ?? "")" : (result.reason ?? ""),
                 result.status == .failed ? (result.log ?? "") : ""]
            }
            let widths = [9, rows.map { $0[1].count }.max() ?? 0]
            for row in rows {
                let line = row[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + row[1].padding(toLength: widths[1] + 2, withPad: " ", startingAt: 0) + row[2]
                print(row[3].isEmpty ? line : line + "\n" + String(repeating: " ", count: widths[0]) + "log: " + row[3])
            }
            print("\(report.count(.built)) built, \(report.count(.skipped) + report.skipped.count) skipped, \(report.count(.failed)) failed, \(report.count(.cancelled)) cancelled in \(String(format: "%.1f", report.seconds)) s; report: \(workspace.appendingPathComponent("report.json").path)")
        }
    }
}

/// Runs `body`, cancelling it on SIGINT or SIGTERM (running builds are killed; the report
/// says what was left).
func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task { try await body() }
    let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            FileHandle.standardError.write(Data("\nwheelwright: stopping: killing running builds, nothing half-published\n".utf8))
            task.cancel()
        }
        source.resume()
        return source
    }
    defer { for source in sources { source.cancel() } }
    return try await task.value
}
