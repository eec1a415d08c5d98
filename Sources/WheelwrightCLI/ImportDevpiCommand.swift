import ArgumentParser
import Basics
import Foundation
import IndexStore

extension Wheelwright {
    struct ImportDevpi: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-devpi",
            abstract: "Import a devpi-export dump (users, indices, release files, yanks) into a data directory.",
            discussion: """
                Run it with `wheelwright serve` stopped (start it afterwards). Idempotent: what is there already \
                is counted, not changed. Users get random passwords (devpi's argon2 hashes cannot be verified) \
                and are listed: set new ones with `devpi passwd` or PATCH /USER as root. Every file passes the \
                upload's checks against the sha256 the dump records; a file that does not match is refused and \
                listed. Exit 1 when any file was refused.
                """
        )

        @Argument(help: "The folder devpi-export wrote (with dataindex.json).")
        var dump: String

        @Option(help: "The data directory (what wheelwright serve --data uses).")
        var data: String = Wheelwright.defaultDataDirectory

        func run() throws {
            let service = try IndexService(directory: URL(fileURLWithPath: data))
            let start = ContinuousClock.now
            let summary = try DevpiImport(service: service, dump: URL(fileURLWithPath: dump)).run()
            let seconds = (ContinuousClock.now - start).seconds
            for note in summary.notes { print("note: \(note)") }
            for refusal in summary.refused { print("refused: \(refusal)") }
            if !summary.passwordResets.isEmpty {
                print("new passwords needed (random ones were set): \(summary.passwordResets.joined(separator: ", "))")
            }
            let files = summary.filesStored + summary.filesUnchanged
            print("users: \(summary.usersCreated) created, \(summary.usersExisting) already there; indices: \(summary.indicesCreated) created, \(summary.indicesExisting) already there; files: \(summary.filesStored) stored, \(summary.filesUnchanged) already there, \(summary.filesYanked) yanked, \(summary.refused.count) refused in \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", Double(files) / max(seconds, 0.001))) files/s)")
            if !summary.refused.isEmpty { throw ExitCode(1) }
        }
    }
}
