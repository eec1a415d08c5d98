/// The engine under the catalog: SQLite in one process (`SQLiteCatalogDatabase`) or
/// PostgreSQL shared by replicas (`PostgresCatalogDatabase`). Writes are serialized across
/// every process on the catalog, as SQLite does by itself, so the catalog's
/// check-then-write rules hold between replicas.
public protocol CatalogDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one write transaction, all or nothing; no other write runs meanwhile.
    func write<T>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// Runs `body` for reads.
    func read<T>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// Runs `body` for reads that all see one moment's state, in a transaction (for copies,
    /// and for settings that must end with it: PostgreSQL's `SET LOCAL`).
    func snapshot<T>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// The catalog's generation as this process knows it: a number that grows with every write
    /// anywhere. Read on every page request, so it costs no query while notifications flow.
    func generation() async throws -> Int64
    /// The generation when this process knows it without a query (SQLite; PostgreSQL while
    /// notifications flow); nil when only `generation()` can tell.
    var knownGeneration: Int64? { get }
    /// What each recent generation step changed, for the page cache.
    var changes: CatalogChanges { get }
    /// Applies the migrations not yet applied, each once, whichever process starts first.
    func migrate(_ migrations: [CatalogMigration]) async throws
    /// Where the catalog lives, for messages (never a password).
    var location: String { get }
}

/// One step of the catalog's schema, the same for both engines (their differences are the
/// dialect's). Identified by name: an applied step is recorded and never run again.
public struct CatalogMigration: Sendable {
    let identifier: String
    let apply: @Sendable (any SQLSession) async throws -> Void
}
