import Foundation

/// `wheelwright import`: an export loaded into a fresh data directory. Every blob is checked
/// against the size and SHA-256 the export's catalog gives it as it is copied; the catalog goes
/// in last (by rename), and opening it migrates it to this version's schema, so an import is
/// also the way from an older wheelwright to a newer one on another machine, and from one
/// SQLite index to a PostgreSQL catalog for replicas (its rows copied into the new database).
public struct StoreImport: Sendable {
    public let source: URL
    public let destination: URL
    /// A new, empty shared catalog (PostgreSQL) to load the export's into, with the blobs in
    /// `destination`; nil: `catalog.sqlite` in `destination`.
    public let database: (any CatalogDatabase)?

    public init(source: URL, destination: URL, database: (any CatalogDatabase)? = nil) {
        (self.source, self.destination, self.database) = (source, destination, database)
    }

    /// The export's manifest; `progress` hears each blob copied (done, total).
    public func run(progress: (Int, Int) -> Void = { _, _ in }) async throws -> ExportManifest {
        let manager = FileManager.default
        let manifestData: Data
        do {
            manifestData = try Data(contentsOf: source.appendingPathComponent(ExportManifest.fileName))
        } catch {
            throw StoreError.notFound("\(source.path) has no \(ExportManifest.fileName): not an export, or one that did not finish")
        }
        guard let manifest = try? JSONDecoder().decode(ExportManifest.self, from: manifestData),
              manifest.format == ExportManifest.formatName, manifest.version == 1 else {
            throw StoreError.badRequest("\(source.path)/\(ExportManifest.fileName) is not a wheelwright export manifest of version 1")
        }
        let target = destination.appendingPathComponent("catalog.sqlite")
        let shared: Catalog? = if let database { try await Catalog(database: database) } else { nil }
        if let shared {
            // The blob folder may be the replicas' own: only the database must be new.
            try await shared.refuseUnlessEmpty()
        } else if manager.fileExists(atPath: target.path) {
            throw StoreError.conflict("\(destination.path) already holds an index (catalog.sqlite): import into a new, empty data directory")
        } else if let held = try? manager.contentsOfDirectory(atPath: destination.path), !held.isEmpty {
            throw StoreError.conflict("\(destination.path) is not empty (it holds \(held.sorted().prefix(3).joined(separator: ", "))\(held.count > 3 ? ", …" : "")): import into a new, empty data directory")
        }
        let exported = try await Catalog(path: source.appendingPathComponent("catalog.sqlite").path)
        let references = try await exported.blobReferences()
        let existed = manager.fileExists(atPath: destination.path)
        do {
            let from = try BlobStore(root: source), to = try BlobStore(root: destination)
            let problems = try to.copyVerified(references, from: from, progress: progress).map(\.description)
            guard problems.isEmpty else {
                throw StoreError(.internalError, "\(problems.count) blobs of the export are damaged or missing; the index was not imported:\n"
                                 + problems.joined(separator: "\n"))
            }
            if let shared {
                try await exported.copy(into: shared)
                return manifest
            }
            let partial = destination.appendingPathComponent("catalog.sqlite.importing")
            try? manager.removeItem(at: partial)
            try await exported.backup(to: partial.path)
            guard rename(partial.path, target.path) == 0 else { throw StoreError.writeFailed("cannot move the imported catalog into place", errno: errno) }
            BlobStore.synchronizeDirectory(destination)
            _ = try await Catalog(path: target.path)
            return manifest
        } catch {
            // A data directory of its own was new or empty: it is left so. A shared blob folder
            // keeps what was copied (content-addressed; `fsck --collect` or a replica's start
            // removes blobs nothing refers to), since other servers may have written there meanwhile.
            if shared == nil { Self.empty(destination, remove: !existed) }
            throw error
        }
    }

    /// Takes away what a failed import made in `folder`: the folder itself when it did not
    /// exist, else everything in it (it was empty).
    static func empty(_ folder: URL, remove: Bool) {
        guard !remove else {
            try? FileManager.default.removeItem(at: folder)
            return
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
