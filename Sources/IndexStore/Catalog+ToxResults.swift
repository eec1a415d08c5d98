import Foundation
import IndexAPI

/// Test results per release file (devpi's toxresult): appended, never changed; gone with their
/// file, its release, its index, or when a volatile index replaces the file's bytes.
extension Catalog {
    /// Appends a result for the file `result` names if the index still holds those bytes and
    /// has fewer than `limit` results for them; returns its number.
    public func addToxResult(_ result: StoredToxResult, report: String, log: String, limit: Int) async throws -> Int64 {
        try await write { db in
            guard let file = try await Self.file(result.index, result.filename, db), file.sha256 == result.fileSHA256 else {
                throw StoreError.notFound("no release file \(result.filename) in \(result.index)")
            }
            let count: Int64 = try await db.value("SELECT COUNT(*) FROM toxresult WHERE indexPath = ? AND project = ? AND filename = ?",
                                            [result.index.description, result.project, result.filename]) ?? 0
            guard count < Int64(limit) else {
                throw StoreError.conflict("\(result.filename) in \(result.index) has \(count) test results, the most kept per file: no more are taken")
            }
            let environments = String(decoding: try JSONEncoder().encode(result.environments), as: UTF8.self)
            guard let id: Int64 = try await db.value("""
                INSERT INTO toxresult (indexPath, filename, fileSHA256, project, version, uploadTime, uploader, host, platform, environments, sha256, report, log, history)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [result.index.description, result.filename, result.fileSHA256, result.project, result.version, result.uploadTime,
                      result.uploader, result.host, result.platform, environments, result.sha256, report, log, try FileEvent.encoded(result.history)]) else {
                throw StoreError(.internalError, "the catalog gave the new test result no number")
            }
            try await db.bumpGeneration(.indices([result.index]))
            return id
        }
    }

    /// The results for files of `project` in the indices of `order`, oldest first.
    public func toxResults(of project: String, in order: [IndexID]) async throws -> [StoredToxResult] {
        guard !order.isEmpty else { return [] }
        return try await read { db in
            try await db.records(CatalogRecords.ToxResult.self,
                                 "SELECT \(CatalogRecords.ToxResult.columns()) FROM toxresult WHERE project = ? AND indexPath IN (\(placeholders(order.count))) ORDER BY id",
                                 [project] + order.map(\.description)).map { try $0.value }
        }
    }

    /// Result `id` for `filename` in `index`, with its JSON as posted, or (`log`) its log.
    public func toxResult(_ id: Int64, of filename: String, in index: IndexID, log: Bool) async throws -> (result: StoredToxResult, text: String)? {
        try await read { db in
            guard let row = try await db.row("SELECT \(CatalogRecords.ToxResult.columns()), \(log ? "log" : "report") AS text FROM toxresult WHERE id = ? AND indexPath = ? AND filename = ?",
                                             [id, index.description, filename]) else { return nil }
            return (try CatalogRecords.ToxResult(row: row).value, try row["text"])
        }
    }

    /// Copies `source`'s results for `filenames` into `target` (a push by `pusher` at `when`,
    /// added to each result's history): each once, only for a file `target` holds under that
    /// name with those bytes, and none past `limit` for a file there.
    func copyToxResults(of project: String, filenames: [String], from source: IndexID, to target: IndexID, limit: Int,
                        pusher: String, when: Double) async throws {
        guard !filenames.isEmpty else { return }
        try await write { db in
            // What a result is, not its report and log (up to 1 MiB each): those are copied by
            // the database, row by row.
            let records = try await db.records(CatalogRecords.ToxResult.self, """
                SELECT \(CatalogRecords.ToxResult.columns("s.")) FROM toxresult s
                JOIN file f ON f.indexPath = ? AND f.filename = s.filename AND f.sha256 = s.fileSHA256
                WHERE s.indexPath = ? AND s.project = ? AND s.filename IN (\(placeholders(filenames.count)))
                AND NOT EXISTS (SELECT 1 FROM toxresult t WHERE t.indexPath = ? AND t.filename = s.filename AND t.sha256 = s.sha256)
                ORDER BY s.id
                """, [target.description, source.description, project] + filenames + [target.description])
            let push = FileEvent(what: .push, who: pusher, when: when, src: source.description, dst: target.description)
            var held: [String: Int64] = [:]
            for record in records {
                let result = try record.value
                if held[result.filename] == nil {
                    held[result.filename] = try await db.value("SELECT COUNT(*) FROM toxresult WHERE indexPath = ? AND project = ? AND filename = ?",
                                                         [target.description, project, result.filename]) ?? 0
                }
                guard let count = held[result.filename], count < Int64(limit) else { continue }
                try await db.execute("""
                    INSERT INTO toxresult (indexPath, filename, fileSHA256, project, version, uploadTime, uploader, host, platform, environments, sha256, report, log, history)
                    SELECT ?, filename, fileSHA256, project, version, uploadTime, uploader, host, platform, environments, sha256, report, log, ?
                    FROM toxresult WHERE id = ?
                    """, [target.description, try FileEvent.encoded(result.history + [push]), result.id])
                held[result.filename] = count + 1
            }
            if !records.isEmpty { try await db.bumpGeneration(.indices([target])) }
        }
    }
}
