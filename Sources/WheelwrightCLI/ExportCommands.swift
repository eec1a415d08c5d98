import ArgumentParser
import Foundation
import IndexStore
import Workspace

extension Wheelwright {
    /// `wheelwright export DIR`: a consistent copy of an index's state, taken while it runs.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an index's whole state (users, tokens, indices, files, yanks, provenance, logs, build runs) into a new folder.",
            discussion: """
                Safe while wheelwright serve runs: the catalog is copied as one moment's state (SQLite's online \
                backup, or one PostgreSQL snapshot written as an SQLite catalog), then every file and build log it names, each checked against its size and sha256; \
                manifest.json is written last. Restore with wheelwright import DIR --data NEW. Exit 1 when a \
                stored file is damaged (nothing is exported as complete then).
                """
        )

        @Argument(help: "A new (or empty) folder for the export.")
        var destination: String

        @Option(help: "The data directory (what wheelwright serve --data uses; with a shared catalog, the shared blob folder).")
        var data: String = DefaultFolders.index

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let progress = Progress(label: "export", quiet: false)
            let manifest = try await StoreExport(source: try catalogOptions.existingIndexFolder(data), destination: URL(fileURLWithPath: destination),
                                           database: try catalogOptions.database())
                .run(wheelwright: Wheelwright.version) { reportCopy($0, of: $1, to: progress) }
            print("exported \(manifest.files) files (\(manifest.blobs) blobs, \(manifest.bytes >> 20) MiB) to \(destination)")
        }
    }

    /// `wheelwright import DIR`: an export loaded into a fresh data directory.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load an export into a new, empty data directory (every file's sha256 checked); also the way to a newer version.",
            discussion: """
                The catalog is migrated to this version's schema when it is opened. Start wheelwright serve \
                --data DATA afterwards; devpi sessions end (log in again); passwords and tokens carry over.
                """
        )

        @Argument(help: "The folder wheelwright export wrote (with manifest.json).")
        var source: String

        @Option(help: "The new data directory (what wheelwright serve --data will use; with --catalog, the shared blob folder).")
        var data: String = DefaultFolders.index

        @OptionGroup(title: "A new, empty PostgreSQL catalog to load the export into (the way from one SQLite index to replicas)")
        var catalogOptions: CatalogOptions

        func run() async throws {
            let progress = Progress(label: "import", quiet: false)
            let manifest = try await StoreImport(source: URL(fileURLWithPath: source), destination: URL(fileURLWithPath: data),
                                           database: try catalogOptions.database())
                .run { reportCopy($0, of: $1, to: progress) }
            print("imported \(manifest.files) files (\(manifest.blobs) blobs, exported \(manifest.created) by wheelwright \(manifest.wheelwright)) into \(data); every sha256 checked")
        }
    }
}

/// A bar on a terminal; elsewhere a stamped line at every tenth of the blobs.
private func reportCopy(_ done: Int, of total: Int, to progress: Progress) {
    if done == 1 { progress.start(total: total) }
    if done == total || done % max(1, total / 10) == 0 { progress.note("copied \(done) of \(total) blobs, each checked") }
}
