import IndexAPI

/// Projects' statuses per index (PEP 792): recorded changes, and the standing an index serves.
extension Catalog {
    /// Records `change` (the index must exist); every page and upload after it sees the new status.
    public func recordProjectStatus(_ change: ProjectStatusChange) throws {
        try write { db in
            guard try Self.settings(of: change.index, db) != nil else { throw StoreError.notFound("index \(change.index) does not exist") }
            try db.execute("""
                INSERT INTO project_status (indexPath, project, status, reason, "user", changedAt) VALUES (?, ?, ?, ?, ?, ?)
                """, [change.index.description, change.project, change.status.rawValue, change.reason, change.user, change.time])
            try db.bumpGeneration()
        }
    }

    /// The status `index` serves for `project` (its own or a base's), with the history behind it.
    public func standing(of project: String, in index: IndexID) throws -> ProjectStanding {
        try read { db in try Self.standing(of: project, in: index, db) }
    }

    static func standing(of project: String, in index: IndexID, _ db: any SQLSession) throws -> ProjectStanding {
        let changes = try projectStatusChanges(of: project, db)
        // Most projects never had a status: one indexed look-up, no walk through the bases.
        guard !changes.isEmpty else { return .active }
        return ProjectStanding(changes: changes, order: try resolutionOrder(of: index, db))
    }

    /// Every index that holds files of `project` itself or has recorded a status for it.
    public func indices(holding project: String) throws -> [IndexID] {
        try read { db in
            let paths: [String] = try db.values("""
                SELECT indexPath FROM file WHERE project = ? UNION SELECT indexPath FROM project_status WHERE project = ? ORDER BY indexPath
                """, [project, project])
            return try paths.map { try IndexID($0) }
        }
    }

    private static func projectStatusChanges(of project: String, _ db: any SQLSession) throws -> [ProjectStatusChange] {
        try db.rows("""
            SELECT indexPath, status, reason, "user", changedAt FROM project_status WHERE project = ? ORDER BY id
            """, [project]).map { row in
            let stored: String = try row["status"]
            guard let status = ProjectStatus(rawValue: stored) else {
                throw StoreError(.internalError, "the catalog holds an unknown project status '\(stored)' for \(project)")
            }
            return ProjectStatusChange(index: try IndexID(try row["indexPath"] as String), project: project, status: status,
                                       reason: try row["reason"], user: try row["user"], time: try row["changedAt"])
        }
    }
}
