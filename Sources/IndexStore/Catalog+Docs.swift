import Foundation
import IndexAPI

/// Releases' documentation: one zip per (index, project, version), non-volatile like files.
extension Catalog {
    /// Records `docs`: the same bytes again are no change (false); other bytes replace them on a
    /// volatile index and are a 409 on a non-volatile one. `placing` puts the blob in place
    /// inside the transaction (a collection cannot judge it unnamed meanwhile).
    @discardableResult
    public func addDocs(_ docs: StoredDocs, placing: () throws -> Void = {}) async throws -> Bool {
        try await write { db in
            guard let settings = try await Self.settings(of: docs.index, db) else { throw StoreError.notFound("index \(docs.index) does not exist") }
            if let existing = try await Self.docs(docs.project, version: docs.version, in: docs.index, db) {
                if existing.sha256 == docs.sha256 { return false }
                guard settings.volatile else {
                    throw StoreError.conflict("the documentation of \(docs.project) \(docs.version) already exists in \(docs.index) with other content: the index is non-volatile; upload it with a new version")
                }
                try await db.execute("DELETE FROM doc WHERE indexPath = ? AND project = ? AND version = ?", [docs.index.description, docs.project, docs.version])
            }
            try placing()
            try await db.execute("INSERT INTO doc (indexPath, project, version, sha256, size, uploadTime, uploader, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                docs.index.description, docs.project, docs.version, docs.sha256, docs.size, docs.uploadTime, docs.uploader, try FileEvent.encoded(docs.history),
            ])
            try await db.bumpGeneration(.indices([docs.index]))
            return true
        }
    }

    /// The documentation of `project` `version` in the first index of `order` that has it.
    public func docs(_ project: String, version: String, in order: [IndexID]) async throws -> StoredDocs? {
        try await read { db in
            for index in order {
                if let found = try await Self.docs(project, version: version, in: index, db) { return found }
            }
            return nil
        }
    }

    /// The documentation of each version of `project` in the indices of `order` (of a version
    /// in several, the first index's), by version.
    public func docs(of project: String, in order: [IndexID]) async throws -> [String: StoredDocs] {
        guard !order.isEmpty else { return [:] }
        let rank = Dictionary(order.enumerated().map { ($1.description, $0) }, uniquingKeysWith: { first, _ in first })
        return try await read { db in
            var found: [String: (rank: Int, docs: StoredDocs)] = [:]
            let records = try await db.records(CatalogRecords.Docs.self, "SELECT \(CatalogRecords.Docs.columns()) FROM doc WHERE project = ? AND indexPath IN (\(placeholders(order.count)))",
                                               [project] + order.map(\.description))
            for record in records {
                guard let position = rank[record.indexPath], found[record.version].map({ position < $0.rank }) ?? true else { continue }
                found[record.version] = (position, try record.value)
            }
            return found.mapValues(\.docs)
        }
    }

    static func docs(_ project: String, version: String, in index: IndexID, _ db: any SQLSession) async throws -> StoredDocs? {
        try await db.record(CatalogRecords.Docs.self, "SELECT \(CatalogRecords.Docs.columns()) FROM doc WHERE indexPath = ? AND project = ? AND version = ?",
                            [index.description, project, version])?.value
    }
}
