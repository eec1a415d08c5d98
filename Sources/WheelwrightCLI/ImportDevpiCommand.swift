import ArgumentParser
import Basics
import Foundation
import IndexStore
import Workspace

extension Wheelwright {
    struct ImportDevpi: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-devpi",
            abstract: "Import a devpi-export dump (users, indices, release files, yanks) into a data directory.",
            discussion: """
                Run it with `wheelwright serve` stopped (start it afterwards). Idempotent: what is there already \
                is counted, not changed. Users are created without a password (devpi's argon2 hashes cannot be \
                verified) and listed: root's is set from WHEELWRIGHT_ROOT_PASSWORD when `wheelwright serve` \
                starts, then root sets the others (`devpi user -m USER password=…`, or PATCH /USER). Every file passes the \
                upload's checks against the sha256 the dump records; a file that does not match is refused and \
                listed. Exit 1 when any file was refused.
                """
        )

        @Argument(help: "The folder devpi-export wrote (with dataindex.json).")
        var dump: String

        @Option(help: "The data directory (what wheelwright serve --data uses).")
        var data: String = DefaultFolders.index

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let service = try await IndexService(directory: URL(fileURLWithPath: data), database: try catalogOptions.database())
            let start = ContinuousClock.now
            let progress = Progress(label: "import", quiet: false)
            let summary = try await DevpiImport(service: service, dump: URL(fileURLWithPath: dump)).run { step in
                progress.start(total: step.total)
                progress.finished(step.line, failed: step.refused)
            }
            let seconds = (ContinuousClock.now - start).seconds
            for note in summary.notes { print("note: \(note)") }
            for refusal in summary.refused { print("refused: \(refusal)") }
            if !summary.withoutPassword.isEmpty {
                print("without a password until one is set: \(summary.withoutPassword.joined(separator: ", ")) (root's comes from WHEELWRIGHT_ROOT_PASSWORD when wheelwright serve starts; then, as root: devpi user -m USER password=…, or here: wheelwright admin reset-password USER)")
            }
            let files = summary.filesStored + summary.filesUnchanged
            print("users: \(summary.usersCreated) created, \(summary.usersExisting) already there; indices: \(summary.indicesCreated) created, \(summary.indicesExisting) already there; files: \(summary.filesStored) stored, \(summary.filesUnchanged) already there, \(summary.filesYanked) yanked, \(summary.refused.count) refused in \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", Double(files) / max(seconds, 0.001))) files/s)")
            if !summary.refused.isEmpty { throw ExitCode(1) }
        }
    }
}
