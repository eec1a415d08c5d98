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
            try await db.bumpGeneration(.indices([change.index]))
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
        guard try await hasStatus(project, db) else { return .active }
        return try await recordedStanding(of: project, order: try await resolutionOrder(of: index, db), historyLimit: historyLimit, db)
    }

    /// Whether any index records a status for `project`.
    private static func hasStatus(_ project: String, _ db: any SQLSession) async throws -> Bool {
        try await db.exists("SELECT 1 FROM project_status WHERE project = ? LIMIT 1", [project])
    }

    /// The standing through `order` (an index, then its bases) of a project some index records
    /// a status for.
    private static func recordedStanding(of project: String, order: [IndexID], historyLimit: Int, _ db: any SQLSession) async throws -> ProjectStanding {
        guard !order.isEmpty else { return .active }
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

    /// A project as the first index of `order` serves it (`order`: that index and its bases,
    /// as the caller resolved them): its standing, and its files unless the standing withholds
    /// them (PEP 792), its own only or through the bases. Most projects never had a status: then
    /// one statement answers (on PostgreSQL a round trip, and a plan, per statement), its rows
    /// saying that no index records a status for the project.
    public func servedProject(_ project: String, order: [IndexID], ownFilesOnly: Bool, historyLimit: Int) async throws -> (standing: ProjectStanding, files: [StoredFile]) {
        let holders = ownFilesOnly ? Array(order.prefix(1)) : order
        return try await read { db in
            let rows = holders.isEmpty ? [] : try await db.rows("""
                SELECT \(CatalogRecords.File.columns()), EXISTS (SELECT 1 FROM project_status WHERE project = ?) AS statused
                FROM file WHERE project = ? AND indexPath IN (\(placeholders(holders.count))) ORDER BY filename
                """, [project, project] + holders.map(\.description))
            let files = Self.inResolutionOrder(try rows.map { try CatalogRecords.File(row: $0).value }, holders)
            // No status anywhere: active, with no history to show.
            let statused = if let first = rows.first { try first["statused"] as Int64 != 0 } else { try await Self.hasStatus(project, db) }
            guard statused else { return (.active, files) }
            let standing = try await Self.recordedStanding(of: project, order: order, historyLimit: historyLimit, db)
            return (standing, standing.status.servesFiles ? files : [])
        }
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
