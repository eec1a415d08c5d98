import IndexAPI

/// Projects' statuses per index (PEP 792): recorded changes, and the standing an index serves.
extension Catalog {
    /// Records `change` (the index must exist); every page and upload after it sees the new status.
    public func recordProjectStatus(_ change: ProjectStatusChange) async throws {
        try await write { db in
            guard try await Self.settings(of: change.index, db) != nil else { throw StoreError.notFound("index \(change.index) does not exist") }
            try await db.execute("""
                INSERT INTO project_status (indexPath, project, status, reason, "user", changedAt) VALUES (?, ?, ?, ?, ?, ?)
                """, [change.index.description, change.project, change.status.rawValue, change.reason, change.user, change.time])
            try await db.bumpGeneration()
        }
    }

    /// The status `index` serves for `project` (its own or a base's), with the latest
    /// `historyLimit` changes behind it (in the index and its bases).
    public func standing(of project: String, in index: IndexID, historyLimit: Int = 0) async throws -> ProjectStanding {
        try await read { db in try await Self.standing(of: project, in: index, historyLimit: historyLimit, db) }
    }

    /// The most changes a page or an answer lists.
    public static let historyShown = 50

    static func standing(of project: String, in index: IndexID, historyLimit: Int = 0, _ db: any SQLSession) async throws -> ProjectStanding {
        // Most projects never had a status: one indexed look-up, no walk through the bases.
        guard try await db.exists("SELECT 1 FROM project_status WHERE project = ? LIMIT 1", [project]) else { return .active }
        let order = try await resolutionOrder(of: index, db)
        let paths = order.map(\.description)
        // Each index's latest change only, and only the indices `index` reads: however many
        // changes another index records for the project, this stays a read of a few rows.
        let latest = try await db.records(CatalogRecords.ProjectStatusRow.self, """
            SELECT \(CatalogRecords.ProjectStatusRow.columns()) FROM project_status
            WHERE id IN (SELECT MAX(id) FROM project_status WHERE project = ? AND indexPath IN (\(placeholders(paths.count))) GROUP BY indexPath)
            """, [project] + paths).map { try $0.value }
        let history = historyLimit <= 0 ? [] : try await db.records(CatalogRecords.ProjectStatusRow.self, """
            SELECT \(CatalogRecords.ProjectStatusRow.columns()) FROM project_status
            WHERE project = ? AND indexPath IN (\(placeholders(paths.count))) ORDER BY id DESC LIMIT ?
            """, [project] + paths + [historyLimit]).map { try $0.value }.reversed()
        return ProjectStanding(latest: latest, order: order, history: Array(history))
    }

    /// Every index that holds files of `project` itself or has recorded a status for it.
    public func indices(holding project: String) async throws -> [IndexID] {
        try await read { db in
            let paths: [String] = try await db.values("""
                SELECT indexPath FROM file WHERE project = ? UNION SELECT indexPath FROM project_status WHERE project = ? ORDER BY indexPath
                """, [project, project])
            return try paths.map { try IndexID($0) }
        }
    }
}
