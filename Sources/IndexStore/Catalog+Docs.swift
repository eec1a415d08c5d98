import Foundation
import IndexAPI

/// Releases' documentation: one zip per (index, project, version), non-volatile like files.
extension Catalog {
    /// Records `docs`: the same bytes again are no change (false); other bytes replace them on a
    /// volatile index and are a 409 on a non-volatile one. `placing` puts the blob in place
    /// inside the transaction (a collection cannot judge it unnamed meanwhile).
    @discardableResult
    public func addDocs(_ docs: StoredDocs, placing: () throws -> Void = {}) throws -> Bool {
        try write { db in
            guard let settings = try Self.settings(of: docs.index, db) else { throw StoreError.notFound("index \(docs.index) does not exist") }
            if let existing = try Self.docs(docs.project, version: docs.version, in: docs.index, db) {
                if existing.sha256 == docs.sha256 { return false }
                guard settings.volatile else {
                    throw StoreError.conflict("the documentation of \(docs.project) \(docs.version) already exists in \(docs.index) with other content: the index is non-volatile; upload it with a new version")
                }
                try db.execute("DELETE FROM doc WHERE indexPath = ? AND project = ? AND version = ?", [docs.index.description, docs.project, docs.version])
            }
            try placing()
            try db.execute("INSERT INTO doc (indexPath, project, version, sha256, size, uploadTime, uploader) VALUES (?, ?, ?, ?, ?, ?, ?)", [
                docs.index.description, docs.project, docs.version, docs.sha256, docs.size, docs.uploadTime, docs.uploader,
            ])
            try db.bumpGeneration()
            return true
        }
    }

    /// The documentation of `project` `version` in the first index of `order` that has it.
    public func docs(_ project: String, version: String, in order: [IndexID]) throws -> StoredDocs? {
        try read { db in
            for index in order {
                if let found = try Self.docs(project, version: version, in: index, db) { return found }
            }
            return nil
        }
    }

    /// The versions of `project` with documentation in the indices of `order`.
    public func documentedVersions(_ project: String, in order: [IndexID]) throws -> [String] {
        guard !order.isEmpty else { return [] }
        return try read { db in
            try db.values("SELECT DISTINCT version FROM doc WHERE project = ? AND indexPath IN (\(placeholders(order.count)))",
                          [project] + order.map(\.description))
        }
    }

    static func docs(_ project: String, version: String, in index: IndexID, _ db: any SQLSession) throws -> StoredDocs? {
        guard let row = try db.rows("SELECT sha256, size, uploadTime, uploader FROM doc WHERE indexPath = ? AND project = ? AND version = ?",
                                    [index.description, project, version]).first else { return nil }
        return StoredDocs(index: index, project: project, version: version, sha256: try row["sha256"], size: try row["size"],
                          uploadTime: try row["uploadTime"], uploader: try row["uploader"])
    }
}
