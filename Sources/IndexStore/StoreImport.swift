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
        guard database != nil || !manager.fileExists(atPath: target.path) else {
            throw StoreError.conflict("\(destination.path) already holds an index (catalog.sqlite): import into a new, empty data directory")
        }
        let exported = try await Catalog(path: source.appendingPathComponent("catalog.sqlite").path)
        let references = try await exported.blobReferences()
        let found = Self.contents(of: destination)
        do {
            let from = try BlobStore(root: source), to = try BlobStore(root: destination)
            let problems = try to.copyVerified(references, from: from, progress: progress).map(\.description)
            guard problems.isEmpty else {
                throw StoreError(.internalError, "\(problems.count) blobs of the export are damaged or missing; the index was not imported:\n"
                                 + problems.joined(separator: "\n"))
            }
            if let database {
                try await exported.copy(into: try await Catalog(database: database))
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
            Self.restore(destination, to: found)
            throw error
        }
    }

    /// The paths under `folder` (relative, folders with a trailing slash), or nil when there is no `folder`.
    static func contents(of folder: URL) -> Set<String>? {
        guard FileManager.default.fileExists(atPath: folder.path), let walker = FileManager.default.enumerator(atPath: folder.path) else { return nil }
        var paths: Set<String> = []
        while let path = walker.nextObject() as? String {
            paths.insert(walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory ? path + "/" : path)
        }
        return paths
    }

    /// Takes away what a failed import made under `folder`, the deepest first, so that it is as
    /// it was found (`found`, nil: it did not exist).
    static func restore(_ folder: URL, to found: Set<String>?) {
        guard let found else {
            try? FileManager.default.removeItem(at: folder)
            return
        }
        let made = (contents(of: folder) ?? []).subtracting(found).sorted { $0.count > $1.count }
        for path in made { try? FileManager.default.removeItem(at: folder.appendingPathComponent(path)) }
    }
}
