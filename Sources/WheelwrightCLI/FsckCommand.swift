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
                missing blob with the index and file it belongs to, and how many blobs nothing refers to. \
                Exit status 1 when anything is damaged or missing; restore those blobs from a backup. \
                With --collect, also removes the blobs nothing refers to that are an hour old or more \
                (under the catalog's write lock: safe while servers upload).
                """
        )

        @Option(help: "The data directory (what wheelwright serve --data uses).")
        var data: String = DefaultFolders.index

        @Flag(help: "Remove blobs nothing refers to, once untouched for an hour (safe while the server runs).")
        var collect = false

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let check = try await StoreCheck(directory: try catalogOptions.existingIndexFolder(data), database: try catalogOptions.database())
            let (checked, findings) = try await check.run()
            let damage = findings.filter(\.isDamage)
            for finding in damage { print("damaged: \(finding)") }
            let unreferenced = findings.count - damage.count
            if collect {
                let removed = try await check.blobs.collect(recordedIn: check.catalog)
                print("removed \(removed.orphans) unreferenced blob\(removed.orphans == 1 ? "" : "s") and \(removed.temporaries) temporary file\(removed.temporaries == 1 ? "" : "s") untouched for an hour")
            } else if unreferenced > 0 {
                print(Self.unreferencedNote(unreferenced))
            }
            print("checked \(checked) files: \(damage.isEmpty ? "all whole" : "\(damage.count) damaged or missing")")
            if !damage.isEmpty { throw ExitCode(1) }
        }

        /// What blobs nothing refers to are, and whether to act.
        static func unreferencedNote(_ count: Int) -> String {
            """
            note: \(count) blob\(count == 1 ? "" : "s") in blobs/ belong\(count == 1 ? "s" : "") to no file of the catalog: files deleted from a volatile \
            index, or an upload a crash cut off (a live upload's blob is recorded in the transaction that places it). \
            Not damage: nothing is served from them. To reclaim their space: wheelwright fsck --collect \
            (removes those an hour old or more; safe while the server runs).
            """
        }
    }
}
