import ArgumentParser
import Foundation
import IndexAPI
import IndexClient
import PythonPackaging
import Whitelist

extension Wheelwright {
    /// PEP 792's project statuses, for the platform team: take a project out of circulation at
    /// once (quarantine), stop its uploads (archive), mark it deprecated, or lift it.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set a project's status in an index (PEP 792): active, deprecated, archived, quarantined.",
            discussion: """
                Without STATUS, shows the status each index serves and its history (every index that holds the \
                project, or the one --index names). With STATUS, sets it in --index, or with --everywhere in every \
                index that holds files of the project or a status for it; --reason is required and recorded with \
                who and when. quarantined: no file is listed or served, uploads are refused; archived: uploads are \
                refused, files served; deprecated: as active, installers may warn; active lifts the others. An index \
                serves the strictest status of its own and its bases'. Needs the index's owner or root. \
                Quarantining prints the deny: entry that keeps the next night from building the project again.
                """
        )

        @Argument(help: "The project's name.") var name: String
        @Argument(help: "The new status: active, deprecated, archived or quarantined.") var status: ProjectStatus?
        @Option(help: "The index, USER/INDEX.") var index: String?
        @Flag(help: "Set it in every index that holds the project.") var everywhere = false
        @Option(help: "Why (required with STATUS): shown on the pages and to installers, and recorded.") var reason: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard ProjectName.isValid(name) else { throw ValidationError("'\(name)' is not a project name (letters, digits, '.', '-', '_')") }
            if let index, index.split(separator: "/", omittingEmptySubsequences: false).count != 2 {
                throw ValidationError("expected --index USER/INDEX, got '\(index)'")
            }
            if index != nil && everywhere { throw ValidationError("give --index USER/INDEX or --everywhere, not both") }
            guard status != nil else {
                if everywhere || reason != nil { throw ValidationError("--everywhere and --reason go with a STATUS to set") }
                return
            }
            guard index != nil || everywhere else { throw ValidationError("say where: --index USER/INDEX, or --everywhere") }
            do {
                _ = try ProjectStatusRequest.validatedReason(reason)
            } catch {
                throw ValidationError("--reason \(error.reason)")
            }
        }

        func run() async throws {
            let client = try server.client()
            let project = ProjectName.normalize(name)
            guard let status, let reason else {
                let reports = if let index { [try await client.projectStatus(project, in: index)] } else { try await client.projectStatuses(project) }
                print(json ? try PrettyJSON.string(reports) : reports.map(Self.describe).joined(separator: "\n"))
                return
            }
            let change = ProjectStatusChange(project: project, request: ProjectStatusRequest(status: status, reason: reason))
            let outcome = try await change.apply(in: everywhere ? nil : index, through: client)
            for refusal in outcome.refusals { FileHandle.standardError.write(Data("error: not set in \(refusal.index): \(refusal.error)\n".utf8)) }
            print(json ? try PrettyJSON.string(outcome.reports) : Self.describe(outcome, of: change), terminator: json ? "\n" : "")
            if !outcome.refusals.isEmpty { throw ExitCode.failure }
        }

        /// What a change left, with what to do next: quarantine where it is still served, and
        /// keep the next night from building it again.
        static func describe(_ outcome: ProjectStatusChange.Outcome, of change: ProjectStatusChange) -> String {
            var text = outcome.reports.map { describe($0, changed: change.request.status) + "\n" }.joined()
            if !outcome.stillServing.isEmpty {
                let serving = outcome.stillServing
                text += "\nnote: \(serving.joined(separator: ", ")) still serve\(serving.count == 1 ? "s" : "") \(change.project) (at their own URLs, to their own users): quarantine \(serving.count == 1 ? "it" : "them") too, or use --everywhere\n"
            }
            if change.request.status == .quarantined, !outcome.reports.isEmpty {
                text += "\nSo that the next night does not build it again, add to the whitelist (then `wheelwright whitelist lint`):\n\n"
                text += DenyEntry.proposal(name: change.project, reason: "quarantined: \(change.request.reason)")
            }
            return text
        }

        /// One index's status in a line, then its history (newest first) indented.
        static func describe(_ report: ProjectStatusReport) -> String {
            var lines = ["\(report.project) in \(report.index): \(served(report))"]
            for change in report.history.reversed() {
                lines.append("  \(time(change.time)) \(change.user) set \(change.status.rawValue) in \(change.index): \(change.reason)")
            }
            return lines.joined(separator: "\n")
        }

        /// What setting `status` left: the served status, which a base's stricter one may keep.
        static func describe(_ report: ProjectStatusReport, changed status: ProjectStatus) -> String {
            let note = report.status == status ? "" : " (a base's status is stricter than \(status.rawValue))"
            return "\(report.project) in \(report.index): \(served(report))\(note)"
        }

        private static func served(_ report: ProjectStatusReport) -> String {
            guard let source = report.source, let reason = report.reason else { return report.status.rawValue }
            return "\(report.status.rawValue)\(source == report.index ? "" : " (set in \(source))"): \(reason)"
        }

        private static func time(_ seconds: Double) -> String { Date(timeIntervalSince1970: seconds).ISO8601Format() }
    }
}

extension ProjectStatus: ExpressibleByArgument {}
