import Foundation

extension Catalog {
    /// Every table, parents before the rows that refer to them.
    private static let tables = [#""user""#, "token", #""index""#, "file", "state", "build_run", "run_item", "run_log", "coverage", "lease", "project_status", "doc", "toxresult"]

    /// The catalog of an existing store: `database` when it is shared, else the SQLite file in
    /// `directory`, which must be there (a wrong `--data` is an error, not a new empty index).
    public static func existing(in directory: URL, database: (any CatalogDatabase)?) async throws -> Catalog {
        if let database { return try await Catalog(database: database) }
        let path = directory.appendingPathComponent("catalog.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.notFound("no index data in \(directory.path) (no catalog.sqlite): give the directory wheelwright serve --data uses, and its --catalog if it has one")
        }
        return try await Catalog(path: path)
    }

    /// A consistent copy of the whole catalog in a new SQLite file at `path`: SQLite's online
    /// backup for an SQLite catalog, one snapshot copied row by row for PostgreSQL. Either is
    /// safe while servers write; the copy is one moment's state.
    public func backup(to path: String) async throws {
        if let sqlite = database as? SQLiteCatalogDatabase {
            try await sqlite.backup(to: path)
        } else {
            try await copy(into: Catalog(path: path))
        }
    }

    /// Throws `conflict` unless this catalog holds no users, indices, files, tokens or runs: a
    /// copy goes only into a new, empty catalog (asked before anything is copied, and again in
    /// the copy's transaction).
    public func refuseUnlessEmpty() async throws {
        try await read { db in try await Self.refuseData(in: db, at: database.location) }
    }

    private static func refuseData(in db: any SQLSession, at location: String) async throws {
        for table in ["file", #""index""#, "token", #""user""#, "build_run"] where try await db.exists("SELECT 1 FROM \(table) LIMIT 1") {
            throw StoreError.conflict("the catalog at \(location) already holds data (\(table)): copy into a new, empty catalog")
        }
    }

    /// Copies every row of this catalog, as one moment's state, into `target`, which must hold
    /// no users, indices, files or runs yet (a new catalog): how an SQLite index moves to
    /// PostgreSQL, and how a PostgreSQL catalog is exported.
    public func copy(into target: Catalog) async throws {
        try await database.snapshot { source in
            try await target.database.write { destination in
                try await Self.refuseData(in: destination, at: target.database.location)
                try await destination.execute("DELETE FROM state")
                for table in Self.tables {
                    for row in try await source.rows("SELECT * FROM \(table)") {
                        // A copied catalog may come from an export someone else made: its column names
                        // reach the statement only when they are plain identifiers. Lower case:
                        // PostgreSQL folded the names when it made the tables; SQLite ignores case.
                        if let bad = row.columnNames.first(where: { !Self.isPlainIdentifier($0) }) {
                            throw StoreError.badRequest("the catalog's table \(table) has a column \(String(reflecting: String(bad.prefix(80)))) that no wheelwright catalog has: it is not a wheelwright export")
                        }
                        let columns = row.columnNames.map { "\"\($0.lowercased())\"" }.joined(separator: ", ")
                        try await destination.execute("INSERT INTO \(table) (\(columns)) VALUES (\(placeholders(row.columnNames.count)))",
                                                row.allValues.map(SQLValueArgument.init))
                    }
                }
                // The search documents are made again from the files (each engine indexes its own way).
                try await Self.rebuildSearch(destination)
                if destination.dialect == .postgresql {
                    for table in ["build_run", "project_status", "toxresult"] {
                        try await destination.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)")
                    }
                }
                try await destination.bumpGeneration(.everything)
            }
        }
    }
}

extension Catalog {
    /// ASCII letters, digits and `_`, not starting with a digit, at most 63 bytes: what every
    /// column of a wheelwright catalog is called, and nothing that can leave a quoted identifier.
    static func isPlainIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") }
    }
}

/// A value copied as it is, whatever its kind.
private struct SQLValueArgument: SQLConvertible {
    let sqlValue: SQLValue
    init(sqlValue: SQLValue) { self.sqlValue = sqlValue }
}
