import Foundation
import GRDB

/// The embedded catalog: one SQLite file in WAL mode through GRDB, written by this process
/// alone. Its generation lives in memory beside the file's, since no one else writes.
public struct SQLiteCatalogDatabase: CatalogDatabase {
    private let writer: any DatabaseWriter
    private let currentGeneration = SharedGeneration(0)
    public let location: String

    public var dialect: SQLDialect { .sqlite }

    /// Opens (creating when needed) the catalog at `path`, or an in-memory one for tests.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Reads are short (pages are cached), so two reader connections are plenty and keep memory low.
        configuration.maximumReaderCount = 2
        if let path {
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        location = path ?? "memory"
    }

    public func write<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await run(body) { try await writer.write($0) }
    }

    public func read<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await run(body) { try await writer.read($0) }
    }

    /// Runs `body` inside GRDB's closure (`access`: a write transaction or a read), on the
    /// connection's queue, where GRDB lets its connection be used.
    private func run<T>(_ body: (any SQLSession) async throws -> T,
                        through access: (@Sendable (Database) throws -> Confined<T>) async throws -> Confined<T>) async throws -> T {
        let generation = currentGeneration
        return try await withoutActuallyEscaping(body) { body in
            let body = Confined(body)
            return try await access { db in
                Confined(try CurrentThreadExecutor.run { try await body.value(Session(db: db, generation: generation)) })
            }.value
        }
    }

    /// A pool's read is already a transaction: one moment's state.
    public func snapshot<T>(_ body: (any SQLSession) async throws -> T) async throws -> T { try await read(body) }

    public func generation() -> Int64 { currentGeneration.value }

    /// GRDB's migrator, so that catalogs written before the PostgreSQL engine keep their record
    /// of applied steps (the table `grdb_migrations`).
    public func migrate(_ migrations: [CatalogMigration]) async throws {
        var migrator = DatabaseMigrator()
        let generation = currentGeneration
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in
                try CurrentThreadExecutor.run { try await migration.apply(Session(db: db, generation: generation)) }
            }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            migrator.asyncMigrate(writer) { result in continuation.resume(with: result.map { _ in () }) }
        }
        currentGeneration.raise(to: try await read { session in try await session.value("SELECT value FROM state WHERE key = 'generation'") ?? 0 })
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
        let generation: SharedGeneration

        var dialect: SQLDialect { .sqlite }

        @discardableResult
        func execute(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> Int {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
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

        func bumpGeneration() async throws {
            try await execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
            let generation = generation
            db.afterNextTransaction { _ in generation.increment() }
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
