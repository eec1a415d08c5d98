import ArgumentParser
import Foundation
import IndexStore
import Workspace

extension Wheelwright {
    struct Fsck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every stored file and build log against the catalog's size and sha256.",
            discussion: """
                Reads the data directory only (safe while the server runs). Prints each damaged or \
                missing blob with the index and file it belongs to, and blobs nothing refers to. \
                Exit status 1 when anything is damaged or missing; restore those blobs from a backup.
                """
        )

        @Option(help: "The data directory (what wheelwright serve --data uses).")
        var data: String = DefaultFolders.data

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let check = try await StoreCheck(directory: URL(fileURLWithPath: data), database: try catalogOptions.database())
            let (checked, findings) = try await check.run()
            for finding in findings { print((finding.isDamage ? "damaged: " : "unreferenced: ") + finding.description) }
            let damage = findings.filter(\.isDamage).count
            print("checked \(checked) files: \(damage == 0 ? "all whole" : "\(damage) damaged or missing")")
            if damage > 0 { throw ExitCode(1) }
        }
    }
}
