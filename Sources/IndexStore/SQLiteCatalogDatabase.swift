import Foundation
import GRDB

/// The embedded catalog: one SQLite file in WAL mode through GRDB, written by this process
/// alone. Its generation lives in memory beside the file's, since no one else writes.
public struct SQLiteCatalogDatabase: CatalogDatabase {
    private let writer: any DatabaseWriter
    public let changes = CatalogChanges()
    public let location: String

    public var dialect: SQLDialect { .sqlite }

    /// Opens (creating when needed) the catalog at `path`, or an in-memory one for tests.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // A reader for every thread of Swift's cooperative pool (one per core), which runs the
        // reads: none of them waits for a connection (reads are short and pages are cached).
        configuration.maximumReaderCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
        if let path {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // A commit is durable when it returns, as PostgreSQL's is: an acknowledged upload
            // survives a power loss (GRDB's WAL default, NORMAL, syncs the log only at
            // checkpoints, and a power loss may roll back the last commits).
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            writer = pool
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        location = path ?? "memory"
    }

    /// Writes go to GRDB's writer queue (a write may wait there for another's lock and fsync);
    /// the caller's thread is free meanwhile.
    public func write<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try Self.refuseNesting()
        let changes = changes
        return try await withoutActuallyEscaping(body) { body in
            let body = Confined(body)
            return try await writer.write { db in Confined(try Self.run(body.value, on: db, changes: changes)) }.value
        }
    }

    /// Reads run on the calling thread with a reader connection of the pool (WAL: they never
    /// wait for a write): an SQLite read is microseconds of work, less than a hop to GRDB's
    /// queue and back costs (measured: with the hop, an uncached page at 0.38× the requests per
    /// second). The pool has a reader for each of the cooperative pool's threads (one per core).
    public func read<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try Self.refuseNesting()
        return try readOnThisThread(body)
    }

    private func readOnThisThread<T>(_ body: (any SQLSession) async throws -> T) throws -> T {
        let changes = changes
        return try writer.read { db in try Self.run(body, on: db, changes: changes) }
    }

    /// Runs `body` on `db`'s queue (inside GRDB's closure, where GRDB lets its connection be
    /// used), marked as inside a transaction.
    private static func run<T>(_ body: (any SQLSession) async throws -> T, on db: Database, changes: CatalogChanges) throws -> T {
        try CurrentThreadExecutor.run {
            try await $inTransaction.withValue(true) { try await body(Session(db: db, catalogChanges: changes)) }
        }
    }

    /// Whether the current task is inside one of this engine's transactions.
    @TaskLocal private static var inTransaction = false

    /// A read or write inside another would wait forever for the connection its caller holds
    /// (GRDB's connections are not reentrant): refused at once instead.
    private static func refuseNesting() throws {
        guard !inTransaction else {
            throw StoreError(.internalError, "a catalog transaction was started inside another on SQLite: finish the first before starting the next")
        }
    }

    /// A pool's read is already a transaction: one moment's state.
    public func snapshot<T>(_ body: (any SQLSession) async throws -> T) async throws -> T { try await read(body) }

    public func generation() -> Int64 { changes.generation }

    public var knownGeneration: Int64? { changes.generation }

    /// GRDB's migrator, so that catalogs written before the PostgreSQL engine keep their record
    /// of applied steps (the table `grdb_migrations`).
    public func migrate(_ migrations: [CatalogMigration]) async throws {
        var migrator = DatabaseMigrator()
        let changes = changes
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in try Self.run(migration.apply, on: db, changes: changes) }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            migrator.asyncMigrate(writer) { result in continuation.resume(with: result.map { _ in () }) }
        }
        changes.record(try await read { session in try await session.value("SELECT value FROM state WHERE key = 'generation'") ?? 0 }, nil)
    }

    /// A consistent copy of the whole catalog at `path` (SQLite's online backup: safe while
    /// the server writes; the copy is one moment's state), on a Dispatch thread: it blocks.
    public func backup(to path: String) async throws {
        let writer = writer
        try await BlockingWork.run {
            let copy = try DatabaseQueue(path: path)
            try writer.backup(to: copy)
            try copy.close()
        }
    }

    /// A value GRDB's closures carry to and from the thread that runs them; it is used on one
    /// thread at a time (the caller waits meanwhile), which the compiler cannot see.
    private struct Confined<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// A statement's work on GRDB's connection, run on its queue by `CurrentThreadExecutor`.
    private struct Session: SQLSession {
        let db: Database
        let catalogChanges: CatalogChanges

        var dialect: SQLDialect { .sqlite }

        func execute(_ sql: String, _ arguments: [any SQLConvertible]) async throws {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        }

        func changes(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> Int {
            try await execute(sql, arguments)
            return db.changesCount
        }

        func rows(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> [SQLRow] {
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments)).map(Self.row)
        }

        func forEachRow(_ sql: String, _ arguments: [any SQLConvertible], _ body: (SQLRow) async throws -> Void) async throws {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments))
            while let row = try cursor.next() { try await body(Self.row(row)) }
        }

        private static func row(_ row: Row) -> SQLRow {
            SQLRow(names: Array(row.columnNames), values: row.databaseValues.map(Self.value))
        }

        func bumpGeneration(_ scope: ChangeScope) async throws {
            try await execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
            let changes = catalogChanges
            db.afterNextTransaction { _ in changes.advance(scope) }
        }

        private static func arguments(_ values: [any SQLConvertible]) -> StatementArguments {
            StatementArguments(values.map { value -> DatabaseValue in
                switch value.sqlValue {
                case .null: .null
                case .integer(let number): number.databaseValue
                case .real(let number): number.databaseValue
                case .text(let text): text.databaseValue
                case .blob(let bytes): Data(bytes).databaseValue
                }
            })
        }

        private static func value(_ value: DatabaseValue) -> SQLValue {
            switch value.storage {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .blob([UInt8](data))
            }
        }
    }
}
