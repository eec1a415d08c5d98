import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `wheelwright export`: a consistent copy of an index's whole state into a new folder, taken
/// while the server runs. The catalog (users, tokens, indices, files with their yank state and
/// provenance, build-run reports) is copied as one moment's state (SQLite's online backup, or one
/// PostgreSQL snapshot into an SQLite file); then every blob that copy names (files and build logs, immutable once written) is
/// copied with its size and SHA-256 checked, and `manifest.json` is written last.
public struct StoreExport: Sendable {
    public let source: URL
    public let destination: URL
    /// The source's catalog when it is shared (PostgreSQL); nil: `catalog.sqlite` in `source`.
    public let database: (any CatalogDatabase)?

    public init(source: URL, destination: URL, database: (any CatalogDatabase)? = nil) {
        (self.source, self.destination, self.database) = (source, destination, database)
    }

    /// The manifest written; `progress` hears each blob copied (done, total).
    public func run(wheelwright version: String, progress: (Int, Int) -> Void = { _, _ in }) async throws -> ExportManifest {
        let manager = FileManager.default
        let live = try await Catalog.existing(in: source, database: database)
        if let contents = try? manager.contentsOfDirectory(atPath: destination.path), !contents.isEmpty {
            throw StoreError.conflict("\(destination.path) is not empty: export into a new folder")
        }
        // The copy holds password hashes and token digests: private to its owner, as the store is.
        try IndexService.makePrivate(destination)
        let snapshot = destination.appendingPathComponent("catalog.sqlite")
        try await live.backup(to: snapshot.path)
        _ = chmod(snapshot.path, 0o600)
        let catalog = try await Catalog(path: snapshot.path)
        let references = try await catalog.blobReferences()
        let from = try BlobStore(root: source), to = try BlobStore(root: destination)
        let problems = try to.copyVerified(references, from: from, progress: progress).map(\.description)
        guard problems.isEmpty else {
            throw StoreError(.internalError, "the store has damaged blobs; nothing was exported as complete (no manifest):\n" + problems.joined(separator: "\n")
                             + "\nrun wheelwright fsck and restore them from a backup")
        }
        try? manager.removeItem(at: destination.appendingPathComponent("tmp"))
        let manifest = ExportManifest(created: Date().ISO8601Format(), wheelwright: version, files: try await catalog.everyFile().count,
                                      blobs: references.count, bytes: references.reduce(0) { $0 + $1.size })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: destination.appendingPathComponent(ExportManifest.fileName), options: .atomic)
        return manifest
    }
}
