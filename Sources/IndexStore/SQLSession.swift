/// One connection's work, inside a write transaction or a read: the catalog's only way to the
/// database. Arguments bind to `?` placeholders, in order.
public protocol SQLSession {
    var dialect: SQLDialect { get }
    /// Runs a statement.
    func execute(_ sql: String, _ arguments: [any SQLConvertible]) async throws
    /// Runs an `INSERT`, `UPDATE` or `DELETE`; returns how many rows it changed.
    func changes(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> Int
    /// Runs a query; returns its rows.
    func rows(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> [SQLRow]
    /// Runs a query and hands `body` each row as it is read: a pass over every file holds one
    /// row at a time, not all of them.
    func forEachRow(_ sql: String, _ arguments: [any SQLConvertible], _ body: (SQLRow) async throws -> Void) async throws
    /// Counts a write in the catalog's generation (in a write transaction), with what it
    /// changed: every replica's page cache learns of it once the transaction commits.
    func bumpGeneration(_ scope: ChangeScope) async throws
}

extension SQLSession {
    func execute(_ sql: String) async throws { try await execute(sql, []) }

    func rows(_ sql: String) async throws -> [SQLRow] { try await rows(sql, []) }

    func row(_ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> SQLRow? { try await rows(sql, arguments).first }

    /// The first column of the first row, if there is a row.
    func value<T: SQLConvertible>(_ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> T? {
        try await row(sql, arguments)?.first()
    }

    /// The first column of every row.
    func values<T: SQLConvertible>(_ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> [T] {
        try await rows(sql, arguments).map { row throws(StoreError) in try row.first() }
    }

    /// Whether the query answers a row.
    func exists(_ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> Bool { try await row(sql, arguments) != nil }
}

/// `count` placeholders for an `IN (…)` list.
func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }
